// SPDX-License-Identifier: GPL-2.0
/*
 * load.c - the results model of load.h: a results file (jansson) and its
 * samples sidecar into typed cells, and the merged primitive and workload
 * tables.
 *
 * Two generations of files are read (results/FORMAT.md):
 *   - revbench_format "2": strict JSON; counters constant over a cell in
 *     context.revbench_cells (put back on its entries here, so readers
 *     find them there); the primitive and workload tables of the binary
 *     that wrote the file in the context; samples "cell,repetition,
 *     sample_ns" with a "# cell N NAME" index, gzip'd or not;
 *   - older files: Google Benchmark's own output, where non-finite
 *     counters are the bare tokens NaN, Infinity and -Infinity (not JSON).
 *     When jansson fails and the text holds such tokens outside strings,
 *     they become null (absent) and the file is parsed again.
 * A file without a table of its own takes this binary's (rr_set_builtin())
 * and a note on stderr says so.  A folder is read as the run folder it is:
 * its results.json, or its only *.json file.
 */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <zlib.h>

#include "load.h"
#include "stats.h"

__attribute__((format(printf, 2, 3)))
static int rr_err(const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ut_verr("revbench:", path, fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * A note of one kind is printed for the first file only: a history of a
 * hundred older files says it once.  NOTE_ONCE ends its message.
 */
enum { N_SAMPLES, N_FORMAT, N_WL, N_PRIM };
#define NOTE_ONCE	" (noted once: later files alike are not named)"

static bool first_note(int kind)
{
	static unsigned int said;
	bool first = !(said & (1U << kind));

	said |= 1U << kind;
	return first;
}

char *rr_json_sanitize(const char *in, size_t len, size_t *outlen,
		       int *count)
{
	static const char *const tok[] = { "-Infinity", "Infinity", "NaN" };
	char *out = xmalloc(len * 2 + 16);
	size_t i = 0, o = 0, t, l = 0;
	int instr = 0, n = 0;

	while (i < len) {
		char c = in[i];

		if (instr || c == '"') {
			out[o++] = in[i++];
			if (instr && c == '\\' && i < len)
				out[o++] = in[i++];
			else if (c == '"')
				instr = !instr;
			continue;
		}
		for (t = 0; t < 3; t++) {
			l = strlen(tok[t]);
			if (len - i >= l && !memcmp(in + i, tok[t], l))
				break;
		}
		if (t < 3) {
			memcpy(out + o, "null", 4);
			o += 4;
			i += l;
			n++;
		} else {
			out[o++] = in[i++];
		}
	}
	if (!n) {
		free(out);
		return NULL;
	}
	out[o] = '\0';
	*outlen = o;
	*count = n;
	return out;
}

/* ---- names and parameters ------------------------------------------------ */

char *rr_cell_key(const char *run_name)
{
	static const char *const exact[] = {
		"manual_time", "real_time", "process_time",
	};
	static const char *const prefix[] = {
		"iterations:", "repeats:", "min_time:", "min_warmup_time:",
	};
	char *tmp = xstrdup(run_name), *save = NULL, *tok;
	char *key = xmalloc(strlen(run_name) + 1);
	int ntok = 0;
	size_t i, suffix;

	key[0] = '\0';
	for (tok = strtok_r(tmp, "/", &save); tok;
	     tok = strtok_r(NULL, "/", &save)) {
		/* Google Benchmark's own suffixes, after workload/primitive */
		suffix = 0;
		for (i = 0; ntok >= 2 && i < 3; i++)
			suffix |= !strcmp(tok, exact[i]);
		for (i = 0; ntok >= 2 && i < 4; i++)
			suffix |= !strncmp(tok, prefix[i], strlen(prefix[i]));
		if (suffix)
			continue;
		if (ntok++)
			strcat(key, "/");
		strcat(key, tok);
	}
	free(tmp);
	return key;
}

/* The name component of each knob: its runner option up to the first '-'. */
static const struct {
	const char *opt;
	size_t off;
} knob_keys[] = {
#define X(f, u, env, kind, lo, hi, def, help)				\
	{ u, offsetof(struct rr_params, f) },
	RB_KNOBS(X)
#undef X
};

static long *knob_field(struct rr_params *p, const char *key, size_t l)
{
	size_t i;

	for (i = 0; i < sizeof(knob_keys) / sizeof(knob_keys[0]); i++)
		if (*knob_keys[i].opt && strcspn(knob_keys[i].opt, "-") == l &&
		    !strncmp(knob_keys[i].opt, key, l))
			return (long *)((char *)p + knob_keys[i].off);
	return NULL;
}

static void parse_params(const char *params, struct rr_params *p)
{
	const char *q = params;
	size_t i;

	for (i = 0; i < sizeof(knob_keys) / sizeof(knob_keys[0]); i++)
		*(long *)((char *)p + knob_keys[i].off) = -1;
	p->ntag = 0;
	while (q && *q) {
		const char *e = strchr(q, '/'), *c = strchr(q, ':');
		size_t l = e ? (size_t)(e - q) : strlen(q);
		unsigned long long v;
		char *val;
		long *fld;

		if (!c || c > q + l)
			c = q + l;
		val = xasprintf("%.*s", (int)(q + l - c - (c < q + l)),
				c + (c < q + l));
		fld = knob_field(p, q, (size_t)(c - q));
		if (fld && !ut_uint(val, 0, (unsigned long long)LONG_MAX, &v)) {
			*fld = (long)v;
			free(val);
		} else if (p->ntag < RR_MAX_TAGS) {
			p->tag[p->ntag].key = xasprintf("%.*s", (int)(c - q), q);
			p->tag[p->ntag++].val = val;
		} else {
			free(val);
		}
		q = e ? e + 1 : NULL;
	}
}

/* The value of key among the n pairs of kv, or NULL. */
static const char *kv_find(const struct rr_kv *kv, int n, const char *key)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(kv[i].key, key))
			return kv[i].val;
	return NULL;
}

const char *rr_tag(const struct rr_params *p, const char *key)
{
	return kv_find(p->tag, p->ntag, key);
}

int rr_has_extras(const struct rr_params *p)
{
	size_t i;

	if (p->ntag)
		return 1;
	for (i = 0; i < sizeof(knob_keys) / sizeof(knob_keys[0]); i++) {
		size_t off = knob_keys[i].off;

		if (off != offsetof(struct rr_params, threads) &&
		    off != offsetof(struct rr_params, cs) &&
		    *(const long *)((const char *)p + off) >= 0)
			return 1;
	}
	return 0;
}

/* Compare two parameter sets: the knobs in table order, then the tags. */
static int params_cmp(const struct rr_params *a, const struct rr_params *b)
{
	size_t i;
	int j, c;

	for (i = 0; i < sizeof(knob_keys) / sizeof(knob_keys[0]); i++) {
		long x = *(const long *)((const char *)a + knob_keys[i].off);
		long y = *(const long *)((const char *)b + knob_keys[i].off);

		if (x != y)
			return x < y ? -1 : 1;
	}
	for (j = 0; j < a->ntag && j < b->ntag; j++)
		if ((c = strcmp(a->tag[j].key, b->tag[j].key)) ||
		    (c = strcmp(a->tag[j].val, b->tag[j].val)))
			return c;
	return a->ntag - b->ntag;
}

/* ---- the merged tables ------------------------------------------------------ */

static struct rr_prim *preg;
static int npreg;
static struct rr_wl *wreg;
static int nwreg;
static const struct rr_prim_desc *bprim;
static const struct rr_wl_desc *bwl;
static int nbprim, nbwl;

void rr_set_builtin(const struct rr_prim_desc *p, int np,
		    const struct rr_wl_desc *w, int nw)
{
	bprim = p;
	nbprim = np;
	bwl = w;
	nbwl = nw;
}

static int valid_color(const char *c)
{
	return c && c[0] == '#' && strlen(c) == 7 &&
	       strspn(c + 1, "0123456789abcdefABCDEF") == 6;
}

/* Does the comma-separated list have item? */
static int has_item(const char *list, const char *item)
{
	size_t l = strlen(item);
	const char *p = list;

	while (p && *p) {
		if (!strncmp(p, item, l) && (p[l] == ',' || !p[l]))
			return 1;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return 0;
}

/* NULL: unknown */
static const struct rr_prim *rr_prim_get(const char *name)
{
	int i;

	for (i = 0; i < npreg; i++)
		if (!strcmp(preg[i].name, name))
			return &preg[i];
	return NULL;
}

int rr_prim_has_cap(const char *name, const char *cap)
{
	const struct rr_prim *p = rr_prim_get(name);

	return p && has_item(p->caps, cap);
}

const struct rr_prim *rr_prim_nth(int rank)
{
	return rank >= 0 && rank < npreg ? &preg[rank] : NULL;
}

int rr_prim_rank(const char *name)
{
	const struct rr_prim *p = rr_prim_get(name);

	return p ? p->rank : 100000;
}

const char *rr_floor(void)
{
	int i;

	for (i = 0; i < npreg; i++)
		if (preg[i].floor)
			return preg[i].name;
	for (i = 0; i < nbprim; i++)
		if (has_item(bprim[i].caps, "floor"))
			return bprim[i].name;
	return NULL;
}

/* Insert at position at (npreg: the end); ranks follow positions. */
static void prim_add(int at, const struct rr_prim_desc *d)
{
	struct rr_prim *p;
	int i;

	preg = xrealloc(preg, (npreg + 1) * sizeof(*preg));
	memmove(&preg[at + 1], &preg[at], (npreg - at) * sizeof(*preg));
	npreg++;
	p = &preg[at];
	p->name = xstrdup(d->name);
	p->family = xstrdup(d->family && *d->family ? d->family : d->name);
	p->caps = xstrdup(d->caps);
	p->color = valid_color(d->color) ? xstrdup(d->color) : NULL;
	p->floor = has_item(p->caps, "floor");
	for (i = 0; i < npreg; i++)
		preg[i].rank = i;
}

static const struct rr_prim_desc *builtin_prim(const char *name)
{
	int i;

	for (i = 0; i < nbprim; i++)
		if (!strcmp(bprim[i].name, name))
			return &bprim[i];
	return NULL;
}

/* "rcu-exp" -> the entry of family "rcu", through this binary's table */
static const struct rr_prim *family_of(const char *name)
{
	char *fam = xstrdup(name), *dash;
	const struct rr_prim *p = NULL;

	while (!p && (dash = strrchr(fam, '-'))) {
		*dash = '\0';
		p = rr_prim_get(fam);
		if (!p && builtin_prim(fam)) {
			prim_add(npreg, builtin_prim(fam));
			p = rr_prim_get(fam);
		}
	}
	free(fam);
	return p;
}

static void list_add(char *buf, size_t len, const char *name)
{
	size_t l = strlen(buf);

	if (!strstr(buf, name))
		snprintf(buf + l, len - l, "%s%s", l ? ", " : "", name);
}

/* A file without a primitive table: this binary's, then families. */
static void prims_builtin(struct rr_file *f, const struct rr_cell *c, int n)
{
	char fam[512] = "", unk[512] = "";
	int i, j;

	for (j = 0; j < nbprim; j++)
		for (i = 0; i < n; i++)
			if (!strcmp(c[i].primitive, bprim[j].name) &&
			    !rr_prim_get(bprim[j].name)) {
				prim_add(npreg, &bprim[j]);
				break;
			}
	for (i = 0; i < n; i++) {
		const struct rr_prim *fp;

		if (!*c[i].primitive || rr_prim_get(c[i].primitive))
			continue;
		fp = family_of(c[i].primitive);
		if (fp) {
			struct rr_prim_desc d = {
				c[i].primitive, fp->family, "", fp->color, "",
				NULL,
			};

			prim_add(fp->rank + 1, &d);
			list_add(fam, sizeof(fam), c[i].primitive);
		} else {
			list_add(unk, sizeof(unk), c[i].primitive);
		}
	}
	if (fam[0] || unk[0] || first_note(N_PRIM))
		fprintf(stderr, "revbench: %s: note: no primitive table in the "
			"file: order, colours and the floor from this binary's "
			"rev_ops_all[]%s%s%s%s%s\n", f->path,
			fam[0] ? "; by family for " : "", fam,
			unk[0] ? "; unknown, listed last: " : "", unk,
			fam[0] || unk[0] ? "" : NOTE_ONCE);
}

static const char *jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int load_table(const char *path, json_t *ctx, const char *key,
		      void (*add)(json_t *e))
{
	json_t *tab = json_object_get(ctx, key), *e;
	size_t i;

	if (!tab)
		return 1;
	if (!json_is_array(tab))
		return rr_err(path, "context.%s is not an array", key);
	json_array_foreach(tab, i, e)
		if (!json_is_object(e) || !jstr(e, "name"))
			return rr_err(path, "context.%s[%zu] has no name", key, i);
	json_array_foreach(tab, i, e)
		add(e);
	return 0;
}

static void prim_add_json(json_t *e)
{
	struct rr_prim_desc d = {
		jstr(e, "name"), jstr(e, "family"), jstr(e, "caps"),
		jstr(e, "color"), jstr(e, "desc"), jstr(e, "impl"),
	};

	if (!rr_prim_get(d.name))
		prim_add(npreg, &d);
}

static struct rr_wl *wl_find(const char *name)
{
	int i;

	for (i = 0; i < nwreg; i++)
		if (!strcmp(wreg[i].name, name))
			return &wreg[i];
	return NULL;
}

static struct rr_wl *wl_add(const struct rr_wl_desc *d)
{
	struct rr_wl *w = wl_find(d->name);

	if (w)
		return w;
	wreg = xrealloc(wreg, (nwreg + 1) * sizeof(*wreg));
	w = &wreg[nwreg];
	w->name = xstrdup(d->name);
	w->unit = xstrdup(d->unit && *d->unit ? d->unit : "iteration");
	w->knobs = xstrdup(d->knobs);
	w->cycle = d->kind && !strcmp(d->kind, "cycle");
	w->rank = nwreg++;
	w->roles = (w->cycle ? RR_CYCLE : 0) |
		   (has_item(w->knobs, "n") ? RR_MANY : 0) |
		   (has_item(w->knobs, "cs") ? RR_SWEEP_CS : 0);
	return w;
}

static void wl_add_json(json_t *e)
{
	struct rr_wl_desc d = {
		jstr(e, "name"), jstr(e, "unit"), jstr(e, "kind"),
		jstr(e, "knobs"), jstr(e, "measures"),
	};

	wl_add(&d);
}

/* ---- loading ------------------------------------------------------------------ */

static int unit_scale(const char *u, double *scale)
{
	static const struct { const char *u; double s; } t[] = {
		{ "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 },
	};
	size_t i;

	for (i = 0; u && i < 4; i++)
		if (!strcmp(u, t[i].u)) {
			*scale = t[i].s;
			return 0;
		}
	return -1;
}

int rr_is_gb_field(const char *k)
{
	static const char *const f[] = {
		"name", "family_index", "per_family_instance_index",
		"run_name", "run_type", "repetitions", "repetition_index",
		"threads", "iterations", "real_time", "cpu_time", "time_unit",
		"aggregate_name", "aggregate_unit", "error_occurred",
		"error_message", "label", "big_o", "rms", "complexity",
	};
	size_t i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (!strcmp(k, f[i]))
			return 1;
	return 0;
}

static void add_counter(struct rr_bench *b, const char *name, double val)
{
	double old;

	if (rr_counter(b, name, &old))
		return;
	b->counters = xrealloc(b->counters, (b->ncounters + 1) *
			       sizeof(*b->counters));
	b->counters[b->ncounters].name = xstrdup(name);
	b->counters[b->ncounters++].val = val;
}

static int load_bench(const char *path, size_t idx, json_t *e,
		      struct rr_bench *b)
{
	json_t *v;
	const char *k, *name, *rn, *agg;
	double scale, t;
	int pct;

	if (!json_is_object(e))
		return rr_err(path, "benchmarks[%zu] is not an object", idx);
	name = jstr(e, "name");
	if (!name || !*name)
		return rr_err(path, "benchmarks[%zu] has no \"name\" string", idx);
	v = json_object_get(e, "run_type");
	if (v && !json_is_string(v))
		return rr_err(path, "%s: \"run_type\" is not a string", name);
	b->run_type = v && !strcmp(json_string_value(v), "aggregate") ?
		      RR_AGGREGATE : RR_ITERATION;
	agg = jstr(e, "aggregate_name");
	b->aggregate_name = xstrdup(agg);
	if (b->run_type == RR_AGGREGATE && !*b->aggregate_name)
		return rr_err(path, "%s: aggregate without \"aggregate_name\"",
			      name);
	rn = jstr(e, "run_name");
	if (rn) {
		b->key = rr_cell_key(rn);
	} else {
		/* older files: strip "_<aggregate>" from the name */
		char *tmp = xstrdup(name);
		size_t ln = strlen(tmp), la = strlen(b->aggregate_name);

		if (la && ln > la + 1 && tmp[ln - la - 1] == '_' &&
		    !strcmp(tmp + ln - la, b->aggregate_name))
			tmp[ln - la - 1] = '\0';
		b->key = rr_cell_key(tmp);
		free(tmp);
	}
	b->error_occurred = json_is_true(json_object_get(e, "error_occurred"));
	b->error_message = xstrdup(jstr(e, "error_message"));
	if (unit_scale(jstr(e, "time_unit"), &scale))
		return rr_err(path, "%s: %s time_unit%s%s%s", name,
			      jstr(e, "time_unit") ? "unknown" : "no",
			      jstr(e, "time_unit") ? " \"" : "",
			      jstr(e, "time_unit") ? jstr(e, "time_unit") : "",
			      jstr(e, "time_unit") ? "\"" : "");
	pct = !strcmp(jstr(e, "aggregate_unit") ? jstr(e, "aggregate_unit") :
		      "", "percentage");
	v = json_object_get(e, "real_time");
	if (!json_is_number(v)) {
		if (!b->error_occurred)
			return rr_err(path, "%s: \"real_time\" missing or not a number",
				      name);
		t = NAN;
	} else {
		t = json_number_value(v);
		/* the one strict rule for times: finite and not negative */
		if (!(t >= 0) && !pct)
			return rr_err(path, "%s: \"real_time\" %g is negative",
				      name, t);
	}
	b->real_ns = pct ? t : t * scale;	/* the _cv row is a fraction */
	json_object_foreach(e, k, v)
		if (!rr_is_gb_field(k) && json_is_number(v))
			add_counter(b, k, json_number_value(v));
	return 0;
}

/* X.json -> X.json.samples.csv.gz, .samples.csv, X.samples.csv.gz, ... */
static char *sidecar_path(const char *path)
{
	static const char *const ext[] = { ".samples.csv.gz", ".samples.csv" };
	size_t l = strlen(path), base, i;
	struct stat st;
	int strip;

	for (strip = 0; strip < 2; strip++) {
		if (strip && (l <= 5 || !ut_ends(path, ".json")))
			break;
		base = strip ? l - 5 : l;
		for (i = 0; i < 2; i++) {
			char *p = xasprintf("%.*s%s", (int)base, path, ext[i]);

			if (!stat(p, &st))
				return p;
			free(p);
		}
	}
	return NULL;
}

/* The key string of a sample, shared by every sample of that cell. */
static const char *sample_key(struct rr_file *f, const char *name)
{
	char *k = rr_cell_key(name);
	int i;

	for (i = f->nskeys - 1; i >= 0; i--)
		if (!strcmp(f->skeys[i], k)) {
			free(k);
			return f->skeys[i];
		}
	f->skeys = xrealloc(f->skeys, (f->nskeys + 1) * sizeof(*f->skeys));
	return f->skeys[f->nskeys++] = k;
}

/*
 * Both sidecar forms, plain or gzip'd (gzopen reads either):
 *   benchmark,repetition,sample_ns        (older: the name on every line)
 *   # cell N NAME ...                      (revbench_format 2: an index,
 *   cell,repetition,sample_ns               then the index on every line)
 */
static int load_samples(struct rr_file *f)
{
	gzFile gz = gzopen(f->samples_path, "rb");
	char line[4096], *c1, *c2;
	const char **idx = NULL, *why = NULL;
	unsigned long long ci = 0, rep, nidx = 0;
	long lineno = 0;
	size_t cap = 0;
	int form = 0, errnum;	/* form 0: no header yet */
	double ns;

	if (!gz)
		return rr_err(f->samples_path, "cannot open: %s", strerror(errno));
	while (!why && gzgets(gz, line, sizeof(line))) {
		lineno++;
		if (strlen(line) == sizeof(line) - 1 && !strchr(line, '\n')) {
			why = "is too long";
			break;
		}
		line[strcspn(line, "\r\n")] = '\0';
		if (!form && !strncmp(line, "# cell ", 7)) {
			/* "# cell N NAME": the index of the indexed form */
			c1 = strchr(line + 7, ' ');
			if (c1)
				*c1 = '\0';
			if (!c1 || ut_uint(line + 7, 0, 1000000, &ci)) {
				why = "is not \"# cell N NAME\"";
			} else {
				if (ci >= nidx) {
					idx = xrealloc(idx, (ci + 1) * sizeof(*idx));
					memset(idx + nidx, 0, (ci + 1 - nidx) * sizeof(*idx));
					nidx = ci + 1;
				}
				idx[ci] = sample_key(f, c1 + 1);
			}
			continue;
		}
		if (!form && line[0] != '#') {
			form = !strcmp(line, "benchmark,repetition,sample_ns") ? 1 :
			       !strcmp(line, "cell,repetition,sample_ns") ? 2 : 0;
			why = form ? NULL : "is neither \"cell,repetition,sample_ns\" "
			      "nor \"benchmark,repetition,sample_ns\"";
			continue;
		}
		if (!form || !*line)
			continue;
		c1 = strchr(line, ',');
		c2 = c1 ? strchr(c1 + 1, ',') : NULL;
		if (c2)
			*c1 = *c2 = '\0';
		if (!c2 || c1 == line || ut_uint(c1 + 1, 0, LONG_MAX, &rep) ||
		    ut_real(c2 + 1, 0, INFINITY, &ns))
			why = form == 2 ? "is not cell,repetition,sample_ns (a "
			      "repetition number, a time >= 0)" : "is not benchmark,"
			      "repetition,sample_ns (a repetition number, a time >= 0)";
		else if (form == 2 && (ut_uint(line, 0, ULLONG_MAX, &ci) ||
				       ci >= nidx || !idx[ci]))
			why = "has a cell that is not in the \"# cell N NAME\" index";
		if (why)
			break;
		if (f->ns == cap)
			f->s = xrealloc(f->s, (cap = cap ? 2 * cap : 1024) *
					sizeof(*f->s));
		f->s[f->ns++] = (struct rr_sample){
			form == 2 ? idx[ci] : sample_key(f, line), (long)rep, ns,
		};
	}
	free(idx);
	gzerror(gz, &errnum);
	if (!why && errnum != Z_OK && errnum != Z_STREAM_END) {
		const char *msg = gzerror(gz, &errnum), *c = strrchr(msg, ':');

		rr_err(f->samples_path, "truncated or corrupt gzip data (%s)",
		       c && c[1] == ' ' ? c + 2 : msg);
		gzclose(gz);
		return -1;
	}
	gzclose(gz);
	if (why)
		return rr_err(f->samples_path, "line %ld %s", lineno, why);
	if (!form)
		return rr_err(f->samples_path, "empty samples file (no header)");
	if (form == 1 && first_note(N_SAMPLES))
		fprintf(stderr, "revbench: %s: note: older samples form (the "
			"benchmark name on every line): read as such" NOTE_ONCE
			"\n", f->samples_path);
	return 0;
}

/*
 * context.revbench_cells: the counters that are the same for every
 * repetition of a cell, put back on its repetitions and on its mean and
 * median rows, so readers find them on the entries.
 */
static int load_cells(const char *path, json_t *cells, struct rr_file *f)
{
	json_t *c, *v;
	const char *k;
	size_t i;
	int j;

	if (!cells)
		return 0;
	if (!json_is_array(cells))
		return rr_err(path, "context.revbench_cells is not an array");
	json_array_foreach(cells, i, c) {
		char *key;

		if (!json_is_object(c) || !jstr(c, "name"))
			return rr_err(path, "context.revbench_cells[%zu] has no name",
				      i);
		key = rr_cell_key(jstr(c, "name"));
		for (j = 0; j < f->nb; j++) {
			struct rr_bench *b = &f->b[j];

			if (strcmp(b->key, key) ||
			    (b->run_type == RR_AGGREGATE &&
			     strcmp(b->aggregate_name, "mean") &&
			     strcmp(b->aggregate_name, "median")))
				continue;
			json_object_foreach(c, k, v)
				if (json_is_number(v))
					add_counter(b, k, json_number_value(v));
		}
		free(key);
	}
	return 0;
}

/* A folder: its results.json, or its only *.json; NULL after a message. */
static char *resolve_input(const char *path)
{
	struct stat st;
	struct dirent *de;
	char *p, *found = NULL;
	int n = 0, latest = 0;
	DIR *d;

	if (stat(path, &st) || !S_ISDIR(st.st_mode))
		return xstrdup(path);
	p = xasprintf("%s/results.json", path);
	if (!stat(p, &st) && S_ISREG(st.st_mode))
		return p;
	free(p);
	d = opendir(path);
	if (!d) {
		rr_err(path, "cannot read the folder: %s", strerror(errno));
		return NULL;
	}
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);

		latest |= !strcmp(de->d_name, "latest");
		if (de->d_name[0] == '.' || l < 6 || !ut_ends(de->d_name, ".json"))
			continue;
		if (!n++)
			found = xasprintf("%s/%s", path, de->d_name);
	}
	closedir(d);
	if (n == 1)
		return found;
	free(found);
	if (!n)
		rr_err(path, "no results in this folder (no results.json, no "
		       "*.json)%s", latest ? "; its newest run is latest/" : "");
	else
		rr_err(path, "this folder holds %d results files and no "
		       "results.json: name the one you mean", n);
	return NULL;
}

/* A *.json in a folder that is no results file (a validate table...). */
static bool foreign_json(const char *path)
{
	size_t len;
	char *buf = ut_read_file(path, &len);
	bool no = buf && !strstr(buf, "\"benchmarks\"");

	free(buf);
	if (no)
		fprintf(stderr, "revbench: %s: note: no \"benchmarks\": not a "
			"results file, left out\n", path);
	return no;
}

/*
 * A run folder or results file, or a folder of them (one level down); a
 * folder's *.json that is no results file is left out, a named one is not.
 */
static int find_runs(const char *p, char ***out, int *n, int depth)
{
	struct dirent **de;
	struct stat st;
	char *rj = xasprintf("%s/results.json", p);
	int i, k, found = *n, ret = 0, dir;

	if (stat(p, &st))
		ret = rr_err(p, "%s", strerror(errno));
	else if (!S_ISDIR(st.st_mode) || !stat(rj, &st)) {
		*out = xrealloc(*out, (*n + 1) * sizeof(**out));
		(*out)[(*n)++] = xstrdup(p);
		free(rj);
		return 0;
	}
	free(rj);
	if (ret || (k = scandir(p, &de, NULL, alphasort)) < 0)
		return ret ? ret : rr_err(p, "%s", strerror(errno));
	for (i = 0; i < k; i++) {
		const char *e = de[i]->d_name;
		size_t l = strlen(e);
		char *sub = xasprintf("%s/%s", p, e);

		/* run folders and results files; latest is a second name */
		dir = !stat(sub, &st) && S_ISDIR(st.st_mode);
		if (!ret && e[0] != '.' && strcmp(e, "latest") &&
		    (dir ? depth < 1 : l > 5 && ut_ends(e, ".json") &&
		     !foreign_json(sub)))
			ret = find_runs(sub, out, n, depth + dir);
		free(sub);
		free(de[i]);
	}
	free(de);
	if (!ret && *n == found && !depth)
		ret = rr_err(p, "no results in this folder");
	return ret;
}

/* A run named twice (a glob that overlaps, a folder and a file in it) once. */
int rr_find(const char *path, char ***out, int *n)
{
	char a[PATH_MAX], b[PATH_MAX];
	int i, j, k, first = *n;

	if (find_runs(path, out, n, 0))
		return -1;
	for (i = first, k = first; i < *n; i++) {
		for (j = 0; j < k && !(realpath((*out)[i], a) &&
				       realpath((*out)[j], b) && !strcmp(a, b)); j++)
			;
		if (j < k)
			free((*out)[i]);
		else
			(*out)[k++] = (*out)[i];
	}
	*n = k;
	return 0;
}

/* Google Benchmark's "date", "2026-12-02T06:35:24+00:00", as seconds. */
static double parse_date(const char *s)
{
	struct tm tm;
	const char *rest;
	int oh = 0, om = 0;

	memset(&tm, 0, sizeof(tm));
	if (!s || !(rest = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)))
		return NAN;
	if ((*rest == '+' || *rest == '-') &&
	    sscanf(rest + 1, "%2d:%2d", &oh, &om) == 2)
		return (double)timegm(&tm) - (*rest == '-' ? -1 : 1) *
		       (oh * 3600.0 + om * 60);
	return (double)timegm(&tm);
}

int rr_load(const char *path, struct rr_file *f, int flags)
{
	json_t *root = NULL, *ctx, *arr, *v;
	json_error_t jerr;
	char *buf, *clean;
	size_t len, clen, i;
	int nbad = 0;
	const char *k;

	memset(f, 0, sizeof(*f));
	f->path = resolve_input(path);
	if (!f->path)
		goto fail;
	path = f->path;
	buf = ut_read_file(path, &len);
	if (!buf)
		goto fail;
	if (len == 0) {
		rr_err(path, "empty file (no JSON at all)");
		free(buf);
		goto fail;
	}
	root = json_loadb(buf, len, 0, &jerr);
	if (!root && (clean = rr_json_sanitize(buf, len, &clen, &nbad))) {
		root = json_loadb(clean, clen, 0, &jerr);
		free(clean);
	}
	free(buf);
	if (!root) {
		rr_err(path, "not valid JSON (truncated or malformed): line %d, column %d: %s",
		       jerr.line, jerr.column, jerr.text);
		goto fail;
	}
	if (!json_is_object(root)) {
		rr_err(path, "top level is not a JSON object");
		goto fail;
	}
	ctx = json_object_get(root, "context");
	if (ctx && !json_is_object(ctx)) {
		rr_err(path, "\"context\" is not an object");
		goto fail;
	}
	f->format = jstr(ctx, "revbench_format") ?
		    atoi(jstr(ctx, "revbench_format")) : 1;
	if (f->format < 2) {
		f->format = 1;
		if (first_note(N_FORMAT))
			fprintf(stderr, "revbench: %s: note: older results format "
				"(no revbench_format): read as such%s" NOTE_ONCE
				"\n", path, nbad ? "" : "; counters on every entry");
	}
	if (nbad)
		fprintf(stderr, "revbench: %s: note: %d NaN/Infinity value(s) (undefined statistics, e.g. the cv of a zero counter) read as absent%s\n",
			path, nbad, f->format >= 2 ?
			" (this format never writes them: the file was edited)" : "");
	json_object_foreach(ctx, k, v) {
		char *s;

		if (json_is_string(v))
			s = xstrdup(json_string_value(v));
		else if (json_is_integer(v))
			s = xasprintf("%lld", (long long)json_integer_value(v));
		else if (json_is_real(v))
			s = xasprintf("%g", json_real_value(v));
		else if (json_is_boolean(v))
			s = xstrdup(json_is_true(v) ? "true" : "false");
		else
			continue;
		f->ctx = xrealloc(f->ctx, (f->nctx + 1) * sizeof(*f->ctx));
		f->ctx[f->nctx].key = xstrdup(k);
		f->ctx[f->nctx++].val = s;
	}
	f->stamp = parse_date(rr_ctx(f, "date"));
	arr = json_object_get(root, "benchmarks");
	if (!json_is_array(arr)) {
		rr_err(path, "no \"benchmarks\" array: not a Google Benchmark JSON results file");
		goto fail;
	}
	if (json_array_size(arr) == 0) {
		rr_err(path, "\"benchmarks\" is empty: no results in this file");
		goto fail;
	}
	f->b = xcalloc(json_array_size(arr), sizeof(*f->b));
	for (i = 0; i < json_array_size(arr); i++) {
		f->nb = i + 1;
		if (load_bench(path, i, json_array_get(arr, i), &f->b[i]))
			goto fail;
	}
	if (load_cells(path, json_object_get(ctx, "revbench_cells"), f))
		goto fail;
	switch (load_table(path, ctx, "revbench_workloads", wl_add_json)) {
	case -1:
		goto fail;
	case 1:
		/* this binary's table, in its order, before any cell */
		for (i = 0; i < (size_t)nbwl; i++)
			wl_add(&bwl[i]);
		if (first_note(N_WL))
			fprintf(stderr, "revbench: %s: note: no workload table in "
				"the file: order, units and kinds from this "
				"binary's rb_workloads[]" NOTE_ONCE "\n", path);
	}
	switch (load_table(path, ctx, "revbench_primitives", prim_add_json)) {
	case -1:
		goto fail;
	case 1: {
		struct rr_cell *c;
		int n = rr_cells(f, &c);

		prims_builtin(f, c, n);
		rr_cells_free(c, n);
	}
	}
	json_decref(root);
	root = NULL;
	if (!(flags & RR_NO_SAMPLES)) {
		f->samples_path = sidecar_path(path);
		if (f->samples_path && load_samples(f))
			goto fail;
	}
	return 0;
fail:
	json_decref(root);
	rr_free(f);
	return -1;
}

void rr_free(struct rr_file *f)
{
	int i, j;

	for (i = 0; i < f->nctx; i++) {
		free(f->ctx[i].key);
		free(f->ctx[i].val);
	}
	for (i = 0; i < f->nb; i++) {
		struct rr_bench *b = &f->b[i];

		free(b->key);
		free(b->aggregate_name);
		free(b->error_message);
		for (j = 0; j < b->ncounters; j++)
			free(b->counters[j].name);
		free(b->counters);
	}
	for (i = 0; i < f->nskeys; i++)
		free(f->skeys[i]);
	free(f->skeys);
	free(f->s);
	free(f->ctx);
	free(f->b);
	free(f->path);
	free(f->samples_path);
	memset(f, 0, sizeof(*f));
}

const char *rr_ctx(const struct rr_file *f, const char *key)
{
	return kv_find(f->ctx, f->nctx, key);
}

double rr_ctx_num(const struct rr_file *f, const char *key)
{
	double v;

	return ut_real(rr_ctx(f, key), -INFINITY, INFINITY, &v) ? NAN : v;
}

const char *rr_env(const struct rr_file *f)
{
	const char *e = rr_ctx(f, "revbench_env");

	return e && *e ? e : "unknown";
}

const char *rr_kernel(const struct rr_file *f)
{
	const char *k = rr_ctx(f, "vm_kernel");

	return k ? k : rr_ctx(f, "kernel");
}

int rr_is_tcg(const struct rr_file *f)
{
	return strstr(rr_env(f), "tcg") != NULL;
}

int rr_counter(const struct rr_bench *b, const char *name, double *out)
{
	int i;

	for (i = 0; i < b->ncounters; i++)
		if (!strcmp(b->counters[i].name, name)) {
			*out = b->counters[i].val;
			return 1;
		}
	return 0;
}

/* ---- cells -------------------------------------------------------------------- */

/* The roles a cell's counters give its workload. */
static void wl_roles(const struct rr_cell *c)
{
	struct rr_wl *w = (struct rr_wl *)c->wl;
	double x;

	if (w->cycle || !c->n)
		return;
	if (rr_counter(c->rep[0], "ns_per_access", &x))
		w->roles = (w->roles & ~RR_CREATE) | RR_READER;
	else if (rr_counter(c->rep[0], "error_ns", &x))
		w->roles = (w->roles & ~RR_CREATE) | RR_FAILPATH;
	else if (!(w->roles & (RR_READER | RR_FAILPATH)))
		w->roles |= RR_CREATE;
}

int rr_cells(const struct rr_file *f, struct rr_cell **cells)
{
	struct rr_cell *c = NULL, *cell;
	int n = 0, i, j;

	for (i = 0; i < f->nb; i++) {
		const struct rr_bench *b = &f->b[i];

		for (cell = NULL, j = n - 1; j >= 0 && !cell; j--)
			if (!strcmp(c[j].key, b->key))
				cell = &c[j];
		if (!cell) {
			const char *s1 = strchr(b->key, '/');
			const char *s2 = s1 ? strchr(s1 + 1, '/') : NULL;

			c = xrealloc(c, (n + 1) * sizeof(*c));
			cell = memset(&c[n++], 0, sizeof(*c));
			cell->key = b->key;
			cell->workload = s1 ? xasprintf("%.*s", (int)(s1 - b->key),
							b->key) : xstrdup(b->key);
			cell->primitive = !s1 ? xstrdup("") : s2 ?
				xasprintf("%.*s", (int)(s2 - s1 - 1), s1 + 1) :
				xstrdup(s1 + 1);
			cell->params = s2 ? s2 + 1 : "";
			parse_params(cell->params, &cell->p);
			/* unknown to every table: a loop workload, last */
			cell->wl = wl_add(&(struct rr_wl_desc){
				cell->workload, NULL, "loop", "", "" });
		}
		if (b->run_type == RR_AGGREGATE) {
			if (!strcmp(b->aggregate_name, "median") ||
			    (!cell->agg_median &&
			     !strcmp(b->aggregate_name, "mean")))
				cell->agg_median = b;
			continue;
		}
		if (b->error_occurred || !isfinite(b->real_ns)) {
			if (!cell->nerr++)
				cell->err_msg = b->error_message;
			continue;
		}
		cell->v = xrealloc(cell->v, (cell->n + 1) * sizeof(double));
		cell->rep = xrealloc(cell->rep, (cell->n + 1) * sizeof(*cell->rep));
		cell->v[cell->n] = b->real_ns;
		cell->rep[cell->n++] = b;
	}
	for (j = 0; j < n; j++) {
		const struct rr_bench *m = c[j].agg_median;

		/* files written with aggregates only: the median row */
		if (!c[j].n && !c[j].nerr && m && isfinite(m->real_ns)) {
			c[j].v = xmalloc(sizeof(double));
			c[j].rep = xmalloc(sizeof(*c[j].rep));
			c[j].v[0] = m->real_ns;
			c[j].rep[0] = m;
			c[j].n = 1;
		}
		wl_roles(&c[j]);
	}
	*cells = c;
	return n;
}

void rr_cells_free(struct rr_cell *cells, int n)
{
	int i, j;

	for (i = 0; i < n; i++) {
		free(cells[i].v);
		free(cells[i].rep);
		free((char *)cells[i].workload);
		free((char *)cells[i].primitive);
		for (j = 0; j < cells[i].p.ntag; j++) {
			free(cells[i].p.tag[j].key);
			free(cells[i].p.tag[j].val);
		}
	}
	free(cells);
}

const struct rr_cell *rr_cell_find(const struct rr_cell *cells, int n,
				   const char *key)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(cells[i].key, key))
			return &cells[i];
	return NULL;
}

int rr_cell_metric(const struct rr_cell *c, const char *metric,
		   double *out)
{
	int i, m = 0;

	if (!strcmp(metric, "real_time")) {
		memcpy(out, c->v, c->n * sizeof(double));
		return c->n;
	}
	for (i = 0; i < c->n; i++)
		if (rr_counter(c->rep[i], metric, &out[m]) && isfinite(out[m]))
			m++;
	return m;
}

int rr_cell_median(const struct rr_cell *c, const char *metric, double *out)
{
	double *tmp = xmalloc((c->n + 1) * sizeof(double));
	int m = rr_cell_metric(c, metric, tmp);

	if (m)
		*out = rs_median(tmp, m);
	free(tmp);
	return m > 0;
}

static enum rr_order sort_order;

static int cmp_cellp(const void *pa, const void *pb)
{
	const struct rr_cell *a = *(const struct rr_cell *const *)pa;
	const struct rr_cell *b = *(const struct rr_cell *const *)pb;
	int c = a->wl->rank - b->wl->rank, ra, rb;

	if (c)
		return c;
	ra = rr_prim_rank(a->primitive);
	rb = rr_prim_rank(b->primitive);
	if (sort_order == RR_BY_PRIM &&
	    (ra != rb || (c = strcmp(a->primitive, b->primitive))))
		return ra != rb ? ra - rb : c;
	if ((c = params_cmp(&a->p, &b->p)))
		return c;
	if (ra != rb)
		return ra - rb;
	if ((c = strcmp(a->primitive, b->primitive)))
		return c;
	/* the order of the file (qsort is not stable) */
	return (a > b) - (a < b);
}

void rr_sort(const struct rr_cell **cells, int n, enum rr_order o)
{
	sort_order = o;
	qsort(cells, n, sizeof(*cells), cmp_cellp);
}

const struct rr_cell **rr_sorted(struct rr_cell *c, int n, enum rr_order o)
{
	const struct rr_cell **s = xcalloc(n + 1, sizeof(*s));
	int i;

	for (i = 0; i < n; i++)
		s[i] = &c[i];
	rr_sort(s, n, o);
	return s;
}

/* ---- pooled percentiles --------------------------------------------------------- */

static const double pctl_q[RR_NPCTL] = { 0.5, 0.9, 0.99 };

int rr_pctl(const struct rr_file *f, const char *key, int boot,
	    struct rr_pctl *p)
{
	double *x = NULL;
	long *rep = NULL;
	size_t i, n = 0, cap = 0;
	int k;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < f->ns; i++)
		if (!strcmp(f->s[i].key, key)) {
			if (n == cap) {
				cap = cap ? 2 * cap : 256;
				x = xrealloc(x, cap * sizeof(*x));
				rep = xrealloc(rep, cap * sizeof(*rep));
			}
			x[n] = f->s[i].ns;
			rep[n++] = f->s[i].rep;
		}
	if (n && rs_pooled_quantiles(x, rep, n, pctl_q, RR_NPCTL,
				     boot ? RS_BOOT_B : 0, RS_BOOT_SEED, 0.95,
				     p->est, p->lo, p->hi))
		n = 0;
	p->n = n;
	for (k = 0; k < RR_NPCTL; k++)
		p->shown[k] = n >= rs_quantile_min_n(pctl_q[k]);
	free(x);
	free(rep);
	return n > 0;
}

void rr_pctl_fmt(char *buf, size_t len, const struct rr_pctl *p, int which)
{
	if (p->shown[which])
		ut_fmt_time(buf, len, p->est[which]);
	else
		snprintf(buf, len, "n<%zu", rs_quantile_min_n(pctl_q[which]));
}
