// SPDX-License-Identifier: GPL-2.0
/*
 * results.c - load a revbench results file (Google Benchmark 1.7.1 JSON,
 * see results/FORMAT.md) with jansson, plus its samples sidecar, and the
 * small statistics toolbox the report/compare/export subcommands use.
 *
 * Two generations of files are read (results/FORMAT.md):
 *   - revbench_format "2" (this runner, the kernel module since then):
 *     strict JSON; counters constant over a cell in context.revbench_cells
 *     (added back to every entry of the cell here, so readers see them on
 *     the entries as before); the primitive table of the binary that
 *     wrote the file in context.revbench_primitives (order, colours and
 *     the floor come from it); samples as "cell,repetition,sample_ns"
 *     with a "# cell N NAME" index, gzip'd or not;
 *   - older files: Google Benchmark's own output, where non-finite
 *     counters are the bare tokens NaN, Infinity and -Infinity (not JSON;
 *     jansson rejects them).  When (and only when) jansson fails and the
 *     text holds such tokens outside strings, they are replaced by null and
 *     the file is parsed again: those counters read as absent.  Order and
 *     colours then come from this binary's own table (rev_ops_all[]), by
 *     name, then by family.  A note on stderr says which applied.
 *
 * A folder is read as the run folder it is: its results.json, or its only
 * *.json file.
 */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "revocable.h"
#include "results.h"
#include "stats.h"

static void rr_err(const char *path, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void rr_err(const char *path, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "revbench: %s: ", path);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static char *xstrdup(const char *s)
{
	char *p = strdup(s ? s : "");

	if (!p) {
		fprintf(stderr, "revbench: out of memory\n");
		exit(2);
	}
	return p;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fprintf(stderr, "revbench: out of memory\n");
		exit(2);
	}
	return p;
}

/* ---- file reading ---------------------------------------------------- */

char *rr_read_text(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (!fp) {
		rr_err(path, "cannot open: %s", strerror(errno));
		return NULL;
	}
	do {
		if (cap - n < 65536) {
			cap = cap ? cap * 2 : 131072;
			buf = xrealloc(buf, cap + 1);
		}
		got = fread(buf + n, 1, cap - n, fp);
		n += got;
	} while (got);
	if (ferror(fp)) {
		rr_err(path, "read error: %s", strerror(errno));
		fclose(fp);
		free(buf);
		return NULL;
	}
	fclose(fp);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/*
 * Replace bare NaN / Infinity / -Infinity tokens (outside strings) by
 * null.  Returns a new buffer, or NULL when there were none.
 */
char *rr_json_sanitize(const char *in, size_t len, size_t *outlen,
		       int *count)
{
	static const char *const tok[] = { "-Infinity", "Infinity", "NaN" };
	char *out = xrealloc(NULL, len * 2 + 16);
	size_t i = 0, o = 0;
	int instr = 0, n = 0;
	unsigned int t;

	while (i < len) {
		char c = in[i];

		if (instr) {
			out[o++] = c;
			if (c == '\\' && i + 1 < len)
				out[o++] = in[++i];
			else if (c == '"')
				instr = 0;
			i++;
			continue;
		}
		if (c == '"') {
			instr = 1;
			out[o++] = in[i++];
			continue;
		}
		for (t = 0; t < sizeof(tok) / sizeof(tok[0]); t++) {
			size_t l = strlen(tok[t]);

			if (len - i >= l && !memcmp(in + i, tok[t], l))
				break;
		}
		if (t < sizeof(tok) / sizeof(tok[0])) {
			memcpy(out + o, "null", 4);
			o += 4;
			i += strlen(tok[t]);
			n++;
			continue;
		}
		out[o++] = in[i++];
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

/* ---- names ------------------------------------------------------------ */

static int gb_suffix(const char *tok)
{
	static const char *const exact[] = {
		"manual_time", "real_time", "process_time",
	};
	static const char *const prefix[] = {
		"iterations:", "repeats:", "min_time:", "min_warmup_time:",
	};
	size_t i;

	for (i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
		if (!strcmp(tok, exact[i]))
			return 1;
	for (i = 0; i < sizeof(prefix) / sizeof(prefix[0]); i++)
		if (!strncmp(tok, prefix[i], strlen(prefix[i])))
			return 1;
	return 0;
}

/* run name -> key without Google Benchmark's own suffixes. */
static char *make_key(const char *run_name)
{
	char *tmp = xstrdup(run_name), *save = NULL, *tok;
	char *key = xrealloc(NULL, strlen(run_name) + 1);
	int ntok = 0;

	key[0] = '\0';
	for (tok = strtok_r(tmp, "/", &save); tok;
	     tok = strtok_r(NULL, "/", &save)) {
		if (ntok >= 2 && gb_suffix(tok))
			continue;
		if (ntok++)
			strcat(key, "/");
		strcat(key, tok);
	}
	free(tmp);
	return key;
}

long rr_param(const char *params, const char *name)
{
	size_t l = strlen(name);
	const char *p = params;

	while (p && *p) {
		if (!strncmp(p, name, l) && p[l] == ':') {
			char *end;
			long v = strtol(p + l + 1, &end, 10);

			if (end != p + l + 1)
				return v;
			return -1;
		}
		p = strchr(p, '/');
		if (p)
			p++;
	}
	return -1;
}

int rr_param_has_extras(const char *params)
{
	const char *p = params;

	while (p && *p) {
		if (strncmp(p, "threads:", 8) && strncmp(p, "cs:", 3))
			return 1;
		p = strchr(p, '/');
		if (p)
			p++;
	}
	return 0;
}

static void split_key(struct rr_bench *b)
{
	const char *s1 = strchr(b->key, '/');
	const char *s2 = s1 ? strchr(s1 + 1, '/') : NULL;

	if (!s1) {
		b->workload = xstrdup(b->key);
		b->primitive = xstrdup("");
		b->params = xstrdup("");
	} else {
		b->workload = xrealloc(NULL, s1 - b->key + 1);
		memcpy(b->workload, b->key, s1 - b->key);
		b->workload[s1 - b->key] = '\0';
		if (s2) {
			b->primitive = xrealloc(NULL, s2 - s1);
			memcpy(b->primitive, s1 + 1, s2 - s1 - 1);
			b->primitive[s2 - s1 - 1] = '\0';
			b->params = xstrdup(s2 + 1);
		} else {
			b->primitive = xstrdup(s1 + 1);
			b->params = xstrdup("");
		}
	}
	b->threads = rr_param(b->params, "threads");
	b->cs = rr_param(b->params, "cs");
}

/* ---- loading ---------------------------------------------------------- */

static int unit_scale(const char *u, double *scale)
{
	if (!strcmp(u, "ns"))
		*scale = 1;
	else if (!strcmp(u, "us"))
		*scale = 1e3;
	else if (!strcmp(u, "ms"))
		*scale = 1e6;
	else if (!strcmp(u, "s"))
		*scale = 1e9;
	else
		return -1;
	return 0;
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

static int load_bench(const char *path, size_t idx, json_t *e,
		      struct rr_bench *b)
{
	json_t *v;
	const char *k, *name, *run_name, *unit;
	double scale;

	memset(b, 0, sizeof(*b));
	if (!json_is_object(e)) {
		rr_err(path, "benchmarks[%zu] is not an object", idx);
		return -1;
	}
	v = json_object_get(e, "name");
	if (!json_is_string(v) || !*json_string_value(v)) {
		rr_err(path, "benchmarks[%zu] has no \"name\" string", idx);
		return -1;
	}
	name = json_string_value(v);
	b->name = xstrdup(name);

	v = json_object_get(e, "run_type");
	if (v && !json_is_string(v)) {
		rr_err(path, "%s: \"run_type\" is not a string", name);
		return -1;
	}
	b->run_type = (v && !strcmp(json_string_value(v), "aggregate")) ?
		      RR_AGGREGATE : RR_ITERATION;
	v = json_object_get(e, "aggregate_name");
	b->aggregate_name = xstrdup(json_is_string(v) ?
				    json_string_value(v) : "");
	if (b->run_type == RR_AGGREGATE && !*b->aggregate_name) {
		rr_err(path, "%s: aggregate without \"aggregate_name\"", name);
		return -1;
	}
	v = json_object_get(e, "aggregate_unit");
	b->aggregate_pct = json_is_string(v) &&
			   !strcmp(json_string_value(v), "percentage");

	v = json_object_get(e, "run_name");
	run_name = json_is_string(v) ? json_string_value(v) : NULL;
	if (run_name) {
		b->key = make_key(run_name);
	} else {
		/* older files: strip "_<aggregate>" from the name */
		char *tmp = xstrdup(name);
		size_t ln = strlen(tmp), la = strlen(b->aggregate_name);

		if (la && ln > la + 1 && tmp[ln - la - 1] == '_' &&
		    !strcmp(tmp + ln - la, b->aggregate_name))
			tmp[ln - la - 1] = '\0';
		b->key = make_key(tmp);
		free(tmp);
	}
	split_key(b);

	v = json_object_get(e, "repetition_index");
	b->repetition_index = json_is_integer(v) ? json_integer_value(v) : -1;
	v = json_object_get(e, "repetitions");
	b->repetitions = json_is_integer(v) ? json_integer_value(v) : 1;
	v = json_object_get(e, "iterations");
	b->iterations = json_is_integer(v) ? json_integer_value(v) : 0;
	v = json_object_get(e, "error_occurred");
	b->error_occurred = json_is_true(v);
	v = json_object_get(e, "error_message");
	b->error_message = xstrdup(json_is_string(v) ?
				   json_string_value(v) : "");

	v = json_object_get(e, "time_unit");
	unit = json_is_string(v) ? json_string_value(v) : NULL;
	if (!unit) {
		rr_err(path, "%s: no \"time_unit\"", name);
		return -1;
	}
	if (unit_scale(unit, &scale)) {
		rr_err(path, "%s: unknown time_unit \"%s\"", name, unit);
		return -1;
	}
	v = json_object_get(e, "real_time");
	if (!json_is_number(v)) {
		if (b->error_occurred) {
			b->real_time = NAN;
		} else {
			rr_err(path, "%s: \"real_time\" missing or not a number",
			       name);
			return -1;
		}
	} else {
		b->real_time = json_number_value(v);
	}
	/* the _cv row is a fraction, not a time */
	b->real_ns = b->aggregate_pct ? b->real_time : b->real_time * scale;
	v = json_object_get(e, "cpu_time");
	b->cpu_ns = json_is_number(v) ? json_number_value(v) *
		    (b->aggregate_pct ? 1 : scale) : NAN;

	json_object_foreach(e, k, v) {
		if (rr_is_gb_field(k) || !json_is_number(v))
			continue;
		b->counters = xrealloc(b->counters, (b->ncounters + 1) *
				       sizeof(*b->counters));
		b->counters[b->ncounters].name = xstrdup(k);
		b->counters[b->ncounters].val = json_number_value(v);
		b->ncounters++;
	}
	return 0;
}

/*
 * X.json -> X.json.samples.csv.gz, X.json.samples.csv, X.samples.csv.gz,
 * X.samples.csv: the first that exists.
 */
static char *sidecar_path(const char *path)
{
	static const char *const ext[] = { ".samples.csv.gz", ".samples.csv" };
	size_t l = strlen(path), i, strip;
	char *p = xrealloc(NULL, l + 32);
	struct stat st;

	for (strip = 0; strip < 2; strip++) {
		size_t base = l;

		if (strip) {
			if (l <= 5 || strcmp(path + l - 5, ".json"))
				break;
			base = l - 5;
		}
		for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
			memcpy(p, path, base);
			strcpy(p + base, ext[i]);
			if (!stat(p, &st))
				return p;
		}
	}
	free(p);
	return NULL;
}

/* The key string of a sample, shared by every sample of that cell. */
static const char *sample_key(struct rr_file *f, const char *name)
{
	char *k = make_key(name);
	int i;

	for (i = f->nskeys - 1; i >= 0; i--)
		if (!strcmp(f->skeys[i], k)) {
			free(k);
			return f->skeys[i];
		}
	f->skeys = xrealloc(f->skeys, (f->nskeys + 1) * sizeof(*f->skeys));
	f->skeys[f->nskeys] = k;
	return f->skeys[f->nskeys++];
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
	char line[4096];
	const char **idx = NULL;
	long nidx = 0, lineno = 0;
	size_t cnt = 0, alloc = 0;
	int form = 0, errnum;	/* 0: no header yet, 1 older, 2 indexed */

	if (!gz) {
		rr_err(f->samples_path, "cannot open: %s", strerror(errno));
		return -1;
	}
	while (gzgets(gz, line, sizeof(line))) {
		char *c1, *c2, *end;
		size_t len = strlen(line);
		const char *key;
		long rep, ci;
		double ns;

		lineno++;
		if (len == sizeof(line) - 1 && line[len - 1] != '\n') {
			rr_err(f->samples_path, "line %ld is too long", lineno);
			goto bad;
		}
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (!form && line[0] == '#') {
			/* "# cell N NAME": the index of the indexed form */
			if (!strncmp(line, "# cell ", 7)) {
				ci = strtol(line + 7, &end, 10);
				if (end == line + 7 || *end != ' ' || ci < 0 ||
				    ci > 1000000)
					goto malformed_index;
				if (ci >= nidx) {
					idx = xrealloc(idx, (ci + 1) * sizeof(*idx));
					memset(idx + nidx, 0,
					       (ci + 1 - nidx) * sizeof(*idx));
					nidx = ci + 1;
				}
				idx[ci] = sample_key(f, end + 1);
			}
			continue;
		}
		if (!form) {
			if (!strcmp(line, "benchmark,repetition,sample_ns")) {
				form = 1;
			} else if (!strcmp(line, "cell,repetition,sample_ns")) {
				form = 2;
			} else {
				rr_err(f->samples_path, "header is neither "
				       "\"cell,repetition,sample_ns\" nor "
				       "\"benchmark,repetition,sample_ns\"");
				goto bad;
			}
			continue;
		}
		if (!len)
			continue;
		c1 = strchr(line, ',');
		c2 = c1 ? strchr(c1 + 1, ',') : NULL;
		if (!c2 || c1 == line)
			goto malformed;
		*c1 = *c2 = '\0';
		errno = 0;
		rep = strtol(c1 + 1, &end, 10);
		if (end == c1 + 1 || *end || errno)
			goto malformed;
		ns = strtod(c2 + 1, &end);
		if (end == c2 + 1 || *end || !isfinite(ns))
			goto malformed;
		if (form == 2) {
			ci = strtol(line, &end, 10);
			if (*end || ci < 0 || ci >= nidx || !idx[ci]) {
				rr_err(f->samples_path, "line %ld: cell %s is not "
				       "in the \"# cell N NAME\" index", lineno,
				       line);
				goto bad;
			}
			key = idx[ci];
		} else {
			key = sample_key(f, line);
		}
		if (cnt == alloc) {
			alloc = alloc ? alloc * 2 : 1024;
			f->s = xrealloc(f->s, alloc * sizeof(*f->s));
		}
		f->s[cnt].key = (char *)key;
		f->s[cnt].rep = rep;
		f->s[cnt].ns = ns;
		cnt++;
		f->ns = cnt;
	}
	gzerror(gz, &errnum);
	if (errnum != Z_OK && errnum != Z_STREAM_END) {
		const char *msg = gzerror(gz, &errnum), *c = strrchr(msg, ':');

		rr_err(f->samples_path, "truncated or corrupt gzip data (%s)",
		       c && c[1] == ' ' ? c + 2 : msg);
		goto bad;
	}
	if (!form) {
		rr_err(f->samples_path, "empty samples file (no header)");
		goto bad;
	}
	if (form == 1)
		fprintf(stderr, "revbench: %s: note: older samples form (the "
			"benchmark name on every line): read as such\n",
			f->samples_path);
	free(idx);
	gzclose(gz);
	return 0;
malformed_index:
	rr_err(f->samples_path, "line %ld: expected \"# cell N NAME\"", lineno);
	goto bad;
malformed:
	rr_err(f->samples_path, "line %ld: expected %s,repetition,sample_ns",
	       lineno, form == 2 ? "cell" : "benchmark");
bad:
	free(idx);
	gzclose(gz);
	return -1;
}

static int load_primitives(const char *path, json_t *tab, struct rr_file *f);

/* Add counter name = val to b unless it has one already. */
static void add_counter(struct rr_bench *b, const char *name, double val)
{
	double old;

	if (rr_counter(b, name, &old))
		return;
	b->counters = xrealloc(b->counters, (b->ncounters + 1) *
			       sizeof(*b->counters));
	b->counters[b->ncounters].name = xstrdup(name);
	b->counters[b->ncounters].val = val;
	b->ncounters++;
}

/*
 * context.revbench_cells: the counters that are the same for every
 * repetition of a cell, put back on its repetitions and on its mean and
 * median rows (their value there), so readers find them on the entries.
 */
static int load_cells(const char *path, json_t *cells, struct rr_file *f)
{
	size_t i;
	int j;

	if (!cells)
		return 0;
	if (!json_is_array(cells)) {
		rr_err(path, "context.revbench_cells is not an array");
		return -1;
	}
	for (i = 0; i < json_array_size(cells); i++) {
		json_t *c = json_array_get(cells, i), *v;
		const char *name, *k;
		char *key;

		name = json_string_value(json_object_get(c, "name"));
		if (!json_is_object(c) || !name) {
			rr_err(path, "context.revbench_cells[%zu] has no name", i);
			return -1;
		}
		key = make_key(name);
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

/*
 * A folder: its results.json, or its only *.json.  NULL (and a message)
 * when there is none or more than one.
 */
static char *resolve_input(const char *path)
{
	struct stat st;
	struct dirent *de;
	char *p, *found = NULL;
	int n = 0, latest = 0;
	DIR *d;

	if (stat(path, &st) || !S_ISDIR(st.st_mode))
		return xstrdup(path);
	p = xrealloc(NULL, strlen(path) + 16);
	sprintf(p, "%s/results.json", path);
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

		if (!strcmp(de->d_name, "latest"))
			latest = 1;
		if (de->d_name[0] == '.' || l < 6 ||
		    strcmp(de->d_name + l - 5, ".json"))
			continue;
		if (!n++) {
			found = xrealloc(NULL, strlen(path) + l + 2);
			sprintf(found, "%s/%s", path, de->d_name);
		}
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

int rr_load(const char *path, struct rr_file *f)
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
	buf = rr_read_text(path, &len);
	if (!buf)
		goto fail;
	if (len == 0) {
		rr_err(path, "empty file (no JSON at all)");
		free(buf);
		goto fail;
	}
	root = json_loadb(buf, len, 0, &jerr);
	if (!root) {
		clean = rr_json_sanitize(buf, len, &clen, &nbad);
		if (clean) {
			root = json_loadb(clean, clen, 0, &jerr);
			free(clean);
		}
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
	v = json_object_get(ctx, "revbench_format");
	f->format = json_is_string(v) ? atoi(json_string_value(v)) : 1;
	if (f->format < 1)
		f->format = 1;
	if (f->format < 2)
		fprintf(stderr, "revbench: %s: note: older results format (no "
			"revbench_format): read as such%s\n", path,
			nbad ? "" : "; counters on every entry");
	if (nbad)
		fprintf(stderr, "revbench: %s: note: %d NaN/Infinity value(s) (undefined statistics, e.g. the cv of a zero counter) read as absent%s\n",
			path, nbad, f->format >= 2 ?
			" (this format never writes them: the file was edited)" : "");
	json_object_foreach(ctx, k, v) {
		char num[64];
		const char *s;

		if (json_is_string(v)) {
			s = json_string_value(v);
		} else if (json_is_integer(v)) {
			snprintf(num, sizeof(num), "%lld",
				 (long long)json_integer_value(v));
			s = num;
		} else if (json_is_real(v)) {
			snprintf(num, sizeof(num), "%g", json_real_value(v));
			s = num;
		} else if (json_is_boolean(v)) {
			s = json_is_true(v) ? "true" : "false";
		} else {
			continue;
		}
		f->ctx = xrealloc(f->ctx, (f->nctx + 1) * sizeof(*f->ctx));
		f->ctx[f->nctx].key = xstrdup(k);
		f->ctx[f->nctx].val = xstrdup(s);
		f->nctx++;
	}
	arr = json_object_get(root, "benchmarks");
	if (!json_is_array(arr)) {
		rr_err(path, "no \"benchmarks\" array: not a Google Benchmark JSON results file");
		goto fail;
	}
	if (json_array_size(arr) == 0) {
		rr_err(path, "\"benchmarks\" is empty: no results in this file");
		goto fail;
	}
	f->b = xrealloc(NULL, json_array_size(arr) * sizeof(*f->b));
	for (i = 0; i < json_array_size(arr); i++) {
		f->nb = i + 1;
		if (load_bench(path, i, json_array_get(arr, i), &f->b[i]))
			goto fail;
	}
	if (load_cells(path, json_object_get(ctx, "revbench_cells"), f) ||
	    load_primitives(path, json_object_get(ctx, "revbench_primitives"),
			    f))
		goto fail;
	json_decref(root);
	root = NULL;

	f->samples_path = sidecar_path(path);
	if (f->samples_path && load_samples(f))
		goto fail;
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

		free(b->name);
		free(b->key);
		free(b->workload);
		free(b->primitive);
		free(b->params);
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
	int i;

	for (i = 0; i < f->nctx; i++)
		if (!strcmp(f->ctx[i].key, key))
			return f->ctx[i].val;
	return NULL;
}

const char *rr_env(const struct rr_file *f)
{
	const char *e = rr_ctx(f, "revbench_env");

	return e && *e ? e : "unknown";
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

/* ---- cells ------------------------------------------------------------ */

int rr_cells(const struct rr_file *f, struct rr_cell **cells)
{
	struct rr_cell *c = NULL;
	int n = 0, i, j;

	for (i = 0; i < f->nb; i++) {
		const struct rr_bench *b = &f->b[i];
		struct rr_cell *cell = NULL;

		for (j = 0; j < n; j++)
			if (!strcmp(c[j].key, b->key)) {
				cell = &c[j];
				break;
			}
		if (!cell) {
			c = xrealloc(c, (n + 1) * sizeof(*c));
			cell = &c[n++];
			memset(cell, 0, sizeof(*cell));
			cell->key = b->key;
			cell->workload = b->workload;
			cell->primitive = b->primitive;
			cell->params = b->params;
			cell->threads = b->threads;
			cell->cs = b->cs;
			cell->first = b;
		}
		if (b->run_type == RR_AGGREGATE) {
			if (!strcmp(b->aggregate_name, "mean"))
				cell->agg_mean = b;
			else if (!strcmp(b->aggregate_name, "median"))
				cell->agg_median = b;
			else if (!strcmp(b->aggregate_name, "stddev"))
				cell->agg_stddev = b;
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
		cell->rep[cell->n] = b;
		if (cell->first->run_type == RR_AGGREGATE)
			cell->first = b;
		cell->n++;
	}
	/* files written with aggregates only: fall back to the median row */
	for (j = 0; j < n; j++) {
		const struct rr_bench *m = c[j].agg_median ? c[j].agg_median :
					   c[j].agg_mean;

		if (!c[j].n && !c[j].nerr && m && isfinite(m->real_ns)) {
			c[j].v = xrealloc(NULL, sizeof(double));
			c[j].rep = xrealloc(NULL, sizeof(*c[j].rep));
			c[j].v[0] = m->real_ns;
			c[j].rep[0] = m;
			c[j].n = 1;
		}
	}
	*cells = c;
	return n;
}

void rr_cells_free(struct rr_cell *cells, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		free(cells[i].v);
		free(cells[i].rep);
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

int rr_cell_counter(const struct rr_cell *c, const char *name, double *out)
{
	int i, m = 0;

	for (i = 0; i < c->n; i++)
		if (rr_counter(c->rep[i], name, &out[m]) && isfinite(out[m]))
			m++;
	return m;
}

int rr_cell_counter_median(const struct rr_cell *c, const char *name,
			   double *out)
{
	double *tmp;
	int m;

	if (!c->n)
		return 0;
	tmp = xrealloc(NULL, c->n * sizeof(double));
	m = rr_cell_counter(c, name, tmp);
	if (m)
		*out = rr_median(tmp, m);
	free(tmp);
	return m > 0;
}

/* ---- statistics ------------------------------------------------------- */

double rr_quantile_sorted(const double *s, int n, double q)
{
	return rs_quantile7(s, n > 0 ? (size_t)n : 0, q);
}

double rr_median(const double *v, int n)
{
	return rs_median(v, n);
}

double rr_mean(const double *v, int n)
{
	double sum = 0;
	int i;

	if (n <= 0)
		return NAN;
	for (i = 0; i < n; i++)
		sum += v[i];
	return sum / n;
}

double rr_stddev(const double *v, int n)
{
	double m, ss = 0;
	int i;

	if (n < 2)
		return NAN;
	m = rr_mean(v, n);
	for (i = 0; i < n; i++)
		ss += (v[i] - m) * (v[i] - m);
	return sqrt(ss / (n - 1));
}

double rr_min(const double *v, int n)
{
	double m = INFINITY;
	int i;

	for (i = 0; i < n; i++)
		if (v[i] < m)
			m = v[i];
	return n > 0 ? m : NAN;
}

double rr_max(const double *v, int n)
{
	double m = -INFINITY;
	int i;

	for (i = 0; i < n; i++)
		if (v[i] > m)
			m = v[i];
	return n > 0 ? m : NAN;
}

double rr_t975(int df)
{
	/* two-sided 95 % Student t quantiles, df = 1..30 */
	static const double t[] = {
		12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306,
		2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120,
		2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
		2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
	};

	if (df < 1)
		return NAN;
	if (df <= 30)
		return t[df - 1];
	if (df <= 60)
		return 2.042 - (2.042 - 2.000) * (df - 30) / 30.0;
	if (df <= 120)
		return 2.000 - (2.000 - 1.980) * (df - 60) / 60.0;
	return 1.960;
}

double rr_ci95(const double *v, int n)
{
	if (n < 2)
		return NAN;
	return rr_t975(n - 1) * rr_stddev(v, n) / sqrt(n);
}

/* ---- primitives: order, colours, the floor -------------------------------- */

/*
 * One process-wide table, merged from the files loaded so far: first
 * every file's own revbench_primitives in load order, entries already
 * known keeping their place; for older files without one, this binary's
 * rev_ops_all[] for the names it knows, then the family of the rest.  The
 * rank of a primitive is its place here.
 */
static struct rr_prim *preg;
static int npreg;

static int valid_color(const char *c)
{
	int i;

	if (!c || c[0] != '#' || strlen(c) != 7)
		return 0;
	for (i = 1; i < 7; i++)
		if (!strchr("0123456789abcdefABCDEF", c[i]))
			return 0;
	return 1;
}

/* caps is "sleep,bounded,floor": does it list cap? */
static int has_cap(const char *caps, const char *cap)
{
	size_t l = strlen(cap);
	const char *p = caps;

	while (p && *p) {
		if (!strncmp(p, cap, l) && (p[l] == ',' || !p[l]))
			return 1;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return 0;
}

static struct rr_prim *prim_find(const char *name)
{
	int i;

	for (i = 0; i < npreg; i++)
		if (!strcmp(preg[i].name, name))
			return &preg[i];
	return NULL;
}

/* Insert at position at (npreg: the end); ranks follow positions. */
static void prim_add(int at, const char *name, const char *family,
		     const char *caps, const char *color, const char *desc,
		     enum rr_prim_source src)
{
	struct rr_prim *p;
	int i;

	preg = xrealloc(preg, (npreg + 1) * sizeof(*preg));
	memmove(&preg[at + 1], &preg[at], (npreg - at) * sizeof(*preg));
	npreg++;
	p = &preg[at];
	p->name = xstrdup(name);
	p->family = xstrdup(family && *family ? family : name);
	p->caps = xstrdup(caps ? caps : "");
	p->color = valid_color(color) ? xstrdup(color) : NULL;
	p->desc = xstrdup(desc ? desc : "");
	p->floor = has_cap(p->caps, "floor");
	p->source = src;
	for (i = 0; i < npreg; i++)
		preg[i].rank = i;
}

static void prim_add_ops(const struct revocable_ops *o, enum rr_prim_source src)
{
	char caps[160];

	prim_add(npreg, o->name, o->family,
		 rev_caps_str(o->caps, caps, sizeof(caps)), o->color, o->desc,
		 src);
}

/* "rcu-exp" -> the entry of family "rcu", through this binary's table */
static const struct rr_prim *family_of(const char *name)
{
	char fam[128];
	const struct rr_prim *p;
	char *dash;

	snprintf(fam, sizeof(fam), "%s", name);
	while ((dash = strrchr(fam, '-'))) {
		*dash = '\0';
		p = prim_find(fam);
		if (p)
			return p;
		if (rev_ops_find(fam)) {
			prim_add_ops(rev_ops_find(fam), RR_PRIM_BINARY);
			return prim_find(fam);
		}
	}
	return NULL;
}

static int load_primitives(const char *path, json_t *tab, struct rr_file *f)
{
	char fam[512] = "", unk[512] = "";
	size_t i;
	int j;

	if (tab) {
		if (!json_is_array(tab)) {
			rr_err(path, "context.revbench_primitives is not an array");
			return -1;
		}
		for (i = 0; i < json_array_size(tab); i++) {
			json_t *e = json_array_get(tab, i);
			const char *name = json_string_value(json_object_get(e, "name"));

			if (!name) {
				rr_err(path, "context.revbench_primitives[%zu] "
				       "has no name", i);
				return -1;
			}
			if (prim_find(name))
				continue;
			prim_add(npreg, name,
				 json_string_value(json_object_get(e, "family")),
				 json_string_value(json_object_get(e, "caps")),
				 json_string_value(json_object_get(e, "color")),
				 json_string_value(json_object_get(e, "desc")),
				 RR_PRIM_FILE);
		}
		return 0;
	}
	/* older files: this binary's table, in its order, then families */
	for (j = 0; j < rev_ops_count; j++) {
		for (i = 0; i < (size_t)f->nb; i++)
			if (!strcmp(f->b[i].primitive, rev_ops_all[j]->name))
				break;
		if (i < (size_t)f->nb && !prim_find(rev_ops_all[j]->name))
			prim_add_ops(rev_ops_all[j], RR_PRIM_BINARY);
	}
	for (i = 0; i < (size_t)f->nb; i++) {
		const char *name = f->b[i].primitive;
		const struct rr_prim *fp;
		size_t l;

		if (!*name || prim_find(name))
			continue;
		fp = family_of(name);
		if (fp) {
			prim_add(fp->rank + 1, name, fp->family, "", fp->color,
				 "", RR_PRIM_FAMILY);
			l = strlen(fam);
			snprintf(fam + l, sizeof(fam) - l, "%s%s", l ? ", " : "",
				 name);
		} else if (!strstr(unk, name)) {
			l = strlen(unk);
			snprintf(unk + l, sizeof(unk) - l, "%s%s", l ? ", " : "",
				 name);
		}
	}
	fprintf(stderr, "revbench: %s: note: no primitive table in the file: "
		"order, colours and the floor from this binary's rev_ops_all[]"
		"%s%s%s%s\n", path, fam[0] ? "; by family for " : "", fam,
		unk[0] ? "; unknown, listed last: " : "", unk);
	return 0;
}

const struct rr_prim *rr_prim_get(const char *prim)
{
	return prim_find(prim);
}

const struct rr_prim *rr_prim_nth(int rank)
{
	return rank >= 0 && rank < npreg ? &preg[rank] : NULL;
}

int rr_prim_rank(const char *prim)
{
	const struct rr_prim *p = prim_find(prim);

	return p ? p->rank : -1;
}

int rr_prim_is_floor(const char *prim)
{
	const struct rr_prim *p = prim_find(prim);

	return p && p->floor;
}

const char *rr_prim_color(const char *prim)
{
	const struct rr_prim *p = prim_find(prim);

	return p ? p->color : NULL;
}

static int cmp_cellp(const void *a, const void *b)
{
	const struct rr_cell *x = *(const struct rr_cell *const *)a;
	const struct rr_cell *y = *(const struct rr_cell *const *)b;
	int rx = rr_prim_rank(x->primitive), ry = rr_prim_rank(y->primitive);
	int c;

	c = strcmp(x->workload, y->workload);
	if (c)
		return c;
	if (rx < 0)
		rx = 1000;
	if (ry < 0)
		ry = 1000;
	if (rx != ry)
		return rx - ry;
	c = strcmp(x->primitive, y->primitive);
	if (c)
		return c;
	if (x->threads != y->threads)
		return x->threads < y->threads ? -1 : 1;
	if (x->cs != y->cs)
		return x->cs < y->cs ? -1 : 1;
	return strcmp(x->params, y->params);
}

void rr_sort_cells(const struct rr_cell **cells, int n)
{
	qsort(cells, n, sizeof(*cells), cmp_cellp);
}

/* ---- output ------------------------------------------------------------ */

FILE *rr_out_open(const char *path, char **tmp)
{
	size_t l = strlen(path);
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	int fd;
	FILE *fp;

	*tmp = xrealloc(NULL, l + 32);
	/* ".<name>.XXXXXX" in the same directory, so rename() is atomic */
	snprintf(*tmp, l + 32, "%.*s.%s.XXXXXX", (int)(base - path), path,
		 base);
	fd = mkstemp(*tmp);
	if (fd < 0) {
		rr_err(path, "cannot create output file: %s", strerror(errno));
		free(*tmp);
		*tmp = NULL;
		return NULL;
	}
	fchmod(fd, 0644);
	fp = fdopen(fd, "w");
	if (!fp) {
		rr_err(path, "fdopen: %s", strerror(errno));
		close(fd);
		unlink(*tmp);
		free(*tmp);
		*tmp = NULL;
	}
	return fp;
}

void rr_out_abort(FILE *fp, char *tmp)
{
	if (fp)
		fclose(fp);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
}

int rr_out_commit(FILE *fp, char *tmp, const char *path)
{
	int bad = ferror(fp);

	if (fflush(fp) || fsync(fileno(fp)))
		bad = 1;
	if (fclose(fp))
		bad = 1;
	if (bad) {
		rr_err(path, "write error: %s", strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	if (rename(tmp, path)) {
		rr_err(path, "rename: %s", strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

/* ---- formatting ---------------------------------------------------------- */

void rr_fmt_ns(char *buf, size_t len, double ns)
{
	if (!isfinite(ns))
		snprintf(buf, len, "-");
	else if (fabs(ns) < 10)
		snprintf(buf, len, "%.2f", ns);
	else if (fabs(ns) < 1000)
		snprintf(buf, len, "%.1f", ns);
	else
		snprintf(buf, len, "%.0f", ns);
}

void rr_fmt_time(char *buf, size_t len, double ns)
{
	static const char *const u[] = { "ns", "us", "ms", "s" };
	int i = 0;

	if (!isfinite(ns)) {
		snprintf(buf, len, "-");
		return;
	}
	while (i < 3 && fabs(ns) >= 1000) {
		ns /= 1000;
		i++;
	}
	snprintf(buf, len, fabs(ns) < 10 ? "%.2f %s" : fabs(ns) < 100 ?
		 "%.1f %s" : "%.0f %s", ns, u[i]);
}
