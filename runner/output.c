// SPDX-License-Identifier: GPL-2.0
/*
 * output.c - the files of a run (results/FORMAT.md):
 *
 *   results/HOST-STAMP/             the run folder (default)
 *     results.json                  strict Google Benchmark JSON
 *     results.samples.csv.gz        raw revoke samples, gzip'd CSV
 *   results/latest -> HOST-STAMP    the newest run folder
 * ("make bench" then adds report.txt and the figures: revbench report and
 * plot/plot.sh, run after it, never from here.)
 *
 * or, with --out FILE.json, FILE.json and FILE.json.samples.csv.gz only.
 *
 * Everything is written into a temporary folder next to the destination
 * (".NAME.tmp-XXXXXX") and renamed into place once complete: a run that
 * fails or is interrupted removes the temporary folder and leaves nothing.
 *
 * The results file is Google Benchmark's own JSON (its --benchmark_out),
 * rewritten (results/FORMAT.md): strict (no NaN/Infinity: an undefined
 * statistic has no key), compact (one benchmark entry per line, 7
 * significant digits), the warm-up repetition of every cell dropped; one
 * entry per repetition with the keys compare.py and the readers use and
 * the cell's name as its name; no aggregates (they are derived: readers
 * and compare.py compute them from the repetitions); the context gains
 * the primitive and workload tables of this binary (revbench_primitives,
 * revbench_workloads) and the counters that are the same for every
 * repetition of a cell (revbench_cells).
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "load.h"
#include "revbench.h"

#define JSON_DIGITS	7	/* significant digits of every real */

/* ---- the temporary folder ---------------------------------------------- */

/* dirname and basename of path, as new strings */
static void split_path(const char *path, char **dir, char **base)
{
	char *a = xasprintf("%s", path), *b = xasprintf("%s", path);

	*dir = xasprintf("%s", dirname(a));
	*base = xasprintf("%s", basename(b));
	free(a);
	free(b);
}

static char *default_dest(void)
{
	char host[128], stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	size_t i;

	if (gethostname(host, sizeof(host)))
		snprintf(host, sizeof(host), "host");
	host[sizeof(host) - 1] = 0;
	for (i = 0; host[i]; i++)
		if (host[i] == '/' || host[i] == ' ' || host[i] == '.')
			host[i] = '_';
	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	if (mkdir("results", 0777) && errno != EEXIST) {
		fprintf(stderr, "revbench run: cannot create results/: %s\n",
			strerror(errno));
		return NULL;
	}
	return xasprintf("results/%s-%s", host, stamp);
}

int rb_out_begin(struct rb_out *o, const char *out)
{
	struct stat st;
	char *dir, *base;

	memset(o, 0, sizeof(*o));
	if (!out) {
		o->dest = default_dest();
		if (!o->dest)
			return UT_EXIT_USAGE;
		o->folder = o->latest = true;
	} else {
		o->dest = xasprintf("%s", out);
		o->folder = !ut_ends(out, ".json");
		if (!stat(out, &st) && (o->folder || S_ISDIR(st.st_mode))) {
			fprintf(stderr, "revbench run: --out %s: %s already exists "
				"(a run never overwrites a folder; give a new "
				"name, or a FILE.json)\n", out,
				S_ISDIR(st.st_mode) ? "a directory" : "a file");
			return UT_EXIT_USAGE;
		}
	}
	split_path(o->dest, &dir, &base);
	o->tmp = xasprintf("%s/.%s.tmp-XXXXXX", dir, base);
	if (!mkdtemp(o->tmp)) {
		fprintf(stderr, "revbench run: cannot write %s: %s\n",
			o->dest, strerror(errno));
		free(dir);
		free(base);
		free(o->tmp);
		o->tmp = NULL;
		return UT_EXIT_USAGE;
	}
	chmod(o->tmp, 0755);	/* results are for sharing, not secrets */
	if (o->folder) {
		o->json = xasprintf("%s/results.json", o->tmp);
		o->samples = xasprintf("%s/results.samples.csv.gz", o->tmp);
	} else {
		o->json = xasprintf("%s/%s", o->tmp, base);
		o->samples = xasprintf("%s/%s.samples.csv.gz", o->tmp, base);
	}
	free(dir);
	free(base);
	return 0;
}

void rb_out_abort(struct rb_out *o)
{
	if (o->tmp) {
		ut_rm_tree(o->tmp);
		free(o->tmp);
		o->tmp = NULL;
	}
}

/* results/latest -> the run folder, replaced atomically */
static void update_latest(const struct rb_out *o)
{
	char *dir, *base, *link, *tmp;

	split_path(o->dest, &dir, &base);
	link = xasprintf("%s/latest", dir);
	tmp = xasprintf("%s/.latest.tmp-%ld", dir, (long)getpid());
	unlink(tmp);
	if (symlink(base, tmp) || rename(tmp, link)) {
		fprintf(stderr, "revbench run: note: could not point %s at %s: "
			"%s\n", link, base, strerror(errno));
		unlink(tmp);
	}
	free(dir);
	free(base);
	free(link);
	free(tmp);
}

int rb_out_commit(struct rb_out *o)
{
	char *side = NULL;
	int i, ret = 0;

	if (o->folder) {
		/* RENAME_NOREPLACE: two runs in one second get -2, -3... */
		char *first = xasprintf("%s", o->dest);

		for (i = 2; renameat2(AT_FDCWD, o->tmp, AT_FDCWD, o->dest,
				      RENAME_NOREPLACE); i++) {
			if (errno != EEXIST || !o->latest || i > 99) {
				fprintf(stderr, "revbench run: cannot create "
					"%s: %s\n", o->dest, strerror(errno));
				free(first);
				return -1;
			}
			free(o->dest);
			o->dest = xasprintf("%s-%d", first, i);
		}
		free(first);
		free(o->tmp);
		o->tmp = NULL;
		if (o->latest)
			update_latest(o);
		return 0;
	}
	side = xasprintf("%s.samples.csv.gz", o->dest);
	if (rename(o->samples, side) || rename(o->json, o->dest)) {
		fprintf(stderr, "revbench run: cannot write %s: %s\n", o->dest,
			strerror(errno));
		ret = -1;
	}
	free(side);
	rb_out_abort(o);
	return ret;
}

void rb_out_free(struct rb_out *o)
{
	rb_out_abort(o);
	free(o->dest);
	free(o->json);
	free(o->samples);
	memset(o, 0, sizeof(*o));
}

/* ---- the results file ------------------------------------------------------ */

/* Set key only when v is finite (an undefined statistic has no key),
 * integral values as integers. */
static void set_num(json_t *o, const char *key, double v)
{
	if (isfinite(v))
		json_object_set_new(o, key, v == trunc(v) && fabs(v) < 9e15 ?
				    json_integer((json_int_t)v) : json_real(v));
}

static double jnum(const json_t *o, const char *key, double dflt)
{
	json_t *v = json_object_get(o, key);

	return json_is_number(v) ? json_number_value(v) : dflt;
}

struct group {
	const char *run_name;
	json_t **e;		/* iteration entries, kept, in order */
	int n;
	long family, instance;
};

/*
 * A repetition's entry: the keys compare.py and the readers use, in
 * Google Benchmark's order, then its counters (finite values only).
 * Google Benchmark's registration indexes, its run_name (the name), its
 * threads (always 1 here: the cell's threads are in the name) and the
 * repetition count (in the context) are left out.
 */
static json_t *copy_entry(json_t *src, const char *name, long rep)
{
	static const char *const keep[] = {
		"run_type", "repetition_index", "error_occurred",
		"error_message", "iterations", "real_time", "cpu_time",
		"time_unit", "label",
	};
	json_t *e = json_object(), *v;
	const char *k;
	size_t i;

	json_object_set_new(e, "name", json_string(name));
	for (i = 0; i < ARRAY_SIZE(keep); i++) {
		v = json_object_get(src, keep[i]);
		if (!strcmp(keep[i], "repetition_index"))
			json_object_set_new(e, keep[i], json_integer(rep));
		else if (json_is_real(v))
			set_num(e, keep[i], json_real_value(v));
		else if (v && !json_is_null(v))
			json_object_set(e, keep[i], v);
	}
	json_object_foreach(src, k, v)
		if (!rr_is_gb_field(k) && json_is_number(v))
			set_num(e, k, json_number_value(v));
	return e;
}

/* ---- this binary's tables ---------------------------------------------------- */

static struct rr_prim_desc bprim[64];
static struct rr_wl_desc bwl[RB_WL_NR];
static char bcaps[64][160], bknobs[RB_WL_NR][128];
static int nbprim;

void rb_knob_names(unsigned int k, char *buf, size_t len)
{
	/* the names of the RB_WL_KNOB_* bits, in bit order (workload.h) */
	static const char *const names[] = {
		"cs", "delay-ns", "sleep-us", "stall-us", "npages", "n", "mode",
		"guard",
	};
	size_t i, off = 0;

	buf[0] = 0;
	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (k & (1U << i))
			off += snprintf(buf + off, off < len ? len - off : 0,
					"%s%s", off ? "," : "", names[i]);
}

void rb_builtin_tables(void)
{
	int i;

	for (i = 0; i < rev_ops_count && i < (int)ARRAY_SIZE(bprim); i++) {
		const struct revocable_ops *o = rev_ops_all[i];

		bprim[i] = (struct rr_prim_desc){
			o->name, o->family ? o->family : o->name,
			rev_caps_str(o->caps, bcaps[i], sizeof(bcaps[i])),
			o->color, o->desc ? o->desc : "", o->impl,
		};
	}
	nbprim = i;
	for (i = 0; i < RB_WL_NR; i++) {
		const struct rb_workload *w = &rb_workloads[i];

		rb_knob_names(w->knobs, bknobs[i], sizeof(bknobs[i]));
		bwl[i] = (struct rr_wl_desc){
			w->name, w->unit, w->kind == RB_WLK_CYCLE ? "cycle" :
			"loop", bknobs[i], w->measures,
		};
	}
	rr_set_builtin(bprim, nbprim, bwl, RB_WL_NR);
}

/* The tables as the results context carries them (results/FORMAT.md). */
static json_t *builtin_json(int wl)
{
	json_t *a = json_array();
	int i;

	for (i = 0; wl && i < RB_WL_NR; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:s}",
			"name", bwl[i].name, "unit", bwl[i].unit, "kind",
			bwl[i].kind, "knobs", bwl[i].knobs, "measures",
			bwl[i].measures));
	/* s*: no key when NULL (no colour, no implementation named) */
	for (i = 0; !wl && i < nbprim; i++) {
		const struct rr_prim_desc *p = &bprim[i];

		json_array_append_new(a, json_pack(
			"{s:s, s:s, s:s, s:s*, s:s, s:s*}", "name", p->name,
			"family", p->family, "caps", p->caps, "color",
			p->color && *p->color ? p->color : NULL, "desc", p->desc,
			"impl", p->impl));
	}
	return a;
}

static json_t *cell_table(const struct rb_out_cell *cells, int ncells)
{
	json_t *a = json_array();
	int i, j;

	for (i = 0; i < ncells; i++) {
		json_t *c;

		if (!cells[i].ran)
			continue;
		c = json_object();
		json_object_set_new(c, "name", json_string(cells[i].name));
		if (cells[i].loop)
			json_object_set_new(c, "loop", json_string(cells[i].loop));
		for (j = 0; j < cells[i].ncell; j++)
			set_num(c, cells[i].cell[j].name,
				cells[i].cell[j].milli / 1000.0);
		json_array_append_new(a, c);
	}
	return a;
}

/* compact JSON of v into fp */
static int dump_compact(FILE *fp, const json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY |
			     JSON_REAL_PRECISION(JSON_DIGITS));

	if (!s)
		return -1;
	fputs(s, fp);
	free(s);
	return 0;
}

/*
 * The layout: the top object and the context one key per line, arrays
 * of objects one element per line, everything else compact.
 */
static int dump_layout(FILE *fp, const json_t *v, int depth)
{
	const char *k;
	json_t *x;
	size_t i, n;
	int first = 1, bad = 0;

	if (json_is_object(v) && depth < 2) {
		fputs("{\n", fp);
		json_object_foreach((json_t *)v, k, x) {
			json_t *key = json_string(k);

			fprintf(fp, "%s%*s", first ? "" : ",\n", 2 * (depth + 1), "");
			bad |= dump_compact(fp, key);
			json_decref(key);
			fputs(": ", fp);
			bad |= dump_layout(fp, x, depth + 1);
			first = 0;
		}
		fprintf(fp, "\n%*s}", 2 * depth, "");
		return bad;
	}
	n = json_is_array(v) ? json_array_size(v) : 0;
	if (n && json_is_object(json_array_get(v, 0))) {
		fputs("[\n", fp);
		for (i = 0; i < n; i++) {
			fprintf(fp, "%*s", 2 * (depth + 1), "");
			bad |= dump_compact(fp, json_array_get(v, i));
			fputs(i + 1 < n ? ",\n" : "\n", fp);
		}
		fprintf(fp, "%*s]", 2 * depth, "");
		return bad;
	}
	return dump_compact(fp, v);
}

static int cmp_group(const void *a, const void *b)
{
	const struct group *x = a, *y = b;

	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	if (x->instance != y->instance)
		return x->instance < y->instance ? -1 : 1;
	return strcmp(x->run_name, y->run_name);
}

static int cmp_rep(const void *a, const void *b)
{
	double x = jnum(*(json_t *const *)a, "repetition_index", 0);
	double y = jnum(*(json_t *const *)b, "repetition_index", 0);

	return (x > y) - (x < y);
}

int rb_out_results(const char *gb_json, const char *path,
		   const struct rb_out_cell *cells, int ncells)
{
	json_t *root = NULL, *ctx, *arr, *out = NULL, *doc = NULL, *e;
	struct group *g = NULL;
	char *buf = NULL, *clean = NULL;
	size_t len, clen, i;
	int ng = 0, j, nbad = 0, ret = -1;
	json_error_t jerr;
	FILE *fp = NULL;

	buf = ut_read_file(gb_json, &len);
	if (!buf)
		return -1;
	clean = rr_json_sanitize(buf, len, &clen, &nbad);
	root = clean ? json_loadb(clean, clen, 0, &jerr) :
		       json_loadb(buf, len, 0, &jerr);
	if (!root) {
		fprintf(stderr, "revbench run: Google Benchmark's JSON does not "
			"parse (line %d: %s)\n", jerr.line, jerr.text);
		goto out;
	}
	ctx = json_object_get(root, "context");
	arr = json_object_get(root, "benchmarks");
	if (!json_is_object(ctx) || !json_is_array(arr)) {
		fprintf(stderr, "revbench run: Google Benchmark's JSON has no "
			"context or benchmarks\n");
		goto out;
	}
	/* group the iteration entries by run, drop the warm-up (index 0) */
	g = calloc(json_array_size(arr) + 1, sizeof(*g));
	if (!g)
		goto out;
	json_array_foreach(arr, i, e) {
		json_t *rn = json_object_get(e, "run_name");
		const char *rt = json_string_value(json_object_get(e, "run_type"));
		long rep = (long)jnum(e, "repetition_index", 0);

		if (!json_is_string(rn) || (rt && strcmp(rt, "iteration")) ||
		    rep == 0)
			continue;
		for (j = 0; j < ng; j++)
			if (!strcmp(g[j].run_name, json_string_value(rn)))
				break;
		if (j == ng) {
			g[ng].run_name = json_string_value(rn);
			g[ng].family = (long)jnum(e, "family_index", ng);
			g[ng].instance = (long)jnum(e, "per_family_instance_index", 0);
			ng++;
		}
		g[j].e = realloc(g[j].e, (size_t)(g[j].n + 1) * sizeof(*g[j].e));
		if (!g[j].e)
			goto out;
		g[j].e[g[j].n++] = e;
	}
	qsort(g, (size_t)ng, sizeof(*g), cmp_group);
	out = json_array();
	for (j = 0; j < ng; j++) {
		char *name = rr_cell_key(g[j].run_name);
		int k;

		qsort(g[j].e, (size_t)g[j].n, sizeof(*g[j].e), cmp_rep);
		for (k = 0; k < g[j].n; k++)
			json_array_append_new(out, copy_entry(g[j].e[k], name,
				(long)jnum(g[j].e[k], "repetition_index", 0) - 1));
		free(name);
	}

	doc = json_object();
	{
		json_t *c = json_object(), *v;
		const char *k;

		json_object_foreach(ctx, k, v)
			if (!json_is_null(v) && !(json_is_real(v) &&
						  !isfinite(json_real_value(v))))
				json_object_set(c, k, v);
		json_object_set_new(c, "revbench_primitives", builtin_json(0));
		json_object_set_new(c, "revbench_workloads", builtin_json(1));
		json_object_set_new(c, "revbench_cells",
				    cell_table(cells, ncells));
		json_object_set_new(doc, "context", c);
	}
	json_object_set(doc, "benchmarks", out);

	fp = fopen(path, "w");
	if (!fp) {
		fprintf(stderr, "revbench run: %s: %s\n", path, strerror(errno));
		goto out;
	}
	if (dump_layout(fp, doc, 0)) {
		fprintf(stderr, "revbench run: %s: cannot encode the JSON\n",
			path);
		goto out;
	}
	fputc('\n', fp);
	if (fflush(fp) || ferror(fp)) {
		fprintf(stderr, "revbench run: %s: %s\n", path, strerror(errno));
		goto out;
	}
	ret = 0;
out:
	if (fp && fclose(fp))
		ret = -1;
	for (j = 0; j < ng; j++)
		free(g[j].e);
	free(g);
	json_decref(doc);
	json_decref(out);
	json_decref(root);
	free(clean);
	free(buf);
	return ret;
}

/* ---- the samples sidecar ------------------------------------------------------ */

int rb_out_samples(const char *path, const struct rb_out_cell *cells,
		   int ncells, const struct rb_out_sample *s, size_t n)
{
	int *pos = calloc((size_t)ncells + 1, sizeof(*pos));
	char *has = calloc((size_t)ncells + 1, 1);	/* bit r: series r */
	gzFile gz = NULL;
	int i, r, k = 0, ret = -1;
	size_t j;

	if (!pos || !has)
		goto out;
	/* the cell index is the position in the context's revbench_cells */
	for (i = 0; i < ncells; i++)
		pos[i] = cells[i].ran ? k++ : -1;
	for (j = 0; j < n; j++)
		has[s[j].cell] |= (char)(1 << s[j].reclaim);
	gz = gzopen(path, "wb9");
	if (!gz)
		goto out;
	gzprintf(gz, "# revbench revoke samples: one line per timed revoke; "
		 "cell = the index of the cell in the results file's "
		 "context.revbench_cells, also listed here\n");
	/* the revoke latencies, then unbind's reclaim latencies: the second
	 * series (metrics.h) */
	for (r = 0; r < 2; r++)
		for (i = 0; i < ncells; i++)
			if ((has[i] >> r & 1) && pos[i] >= 0)
				gzprintf(gz, "# cell %d %s%s\n", pos[i] +
					 r * RB_SAMPLES_RECLAIM, cells[i].name,
					 r ? RB_RECLAIM_SUFFIX : "");
	gzprintf(gz, "cell,repetition,sample_ns\n");
	for (j = 0; j < n; j++)
		if (pos[s[j].cell] >= 0 &&
		    gzprintf(gz, "%d,%d,%llu\n",
			     pos[s[j].cell] +
			     (s[j].reclaim ? RB_SAMPLES_RECLAIM : 0), s[j].rep,
			     (unsigned long long)s[j].ns) <= 0)
			goto out;
	ret = 0;
out:
	if (gz && gzclose(gz) != Z_OK)
		ret = -1;
	if (ret)
		fprintf(stderr, "revbench run: cannot write %s\n", path);
	free(pos);
	free(has);
	return ret;
}

static void fmt_size(char *buf, size_t len, double b)
{
	snprintf(buf, len, b < 1000 ? "%.0f B" : b < 1e6 ? "%.0f KB" :
		 "%.2f MB", b < 1000 ? b : b < 1e6 ? b / 1e3 : b / 1e6);
}

/* One line: the run folder or file, and what is in it (the files keep
 * the names they had in the temporary folder). */
void rb_out_list(const struct rb_out *o)
{
	const char *names[2];
	char sz[2][32], *path;
	struct stat st;
	int i;

	for (i = 0; i < 2; i++) {
		names[i] = ut_basename(i ? o->samples : o->json);
		path = o->folder ? xasprintf("%s/%s", o->dest, names[i]) : i ?
		       xasprintf("%s.samples.csv.gz", o->dest) : xstrdup(o->dest);
		fmt_size(sz[i], sizeof(sz[i]), stat(path, &st) ? 0 :
			 (double)st.st_size);
		free(path);
	}
	printf("written: %s%s (%s %s, %s %s)%s\n", o->dest, o->folder ? "/" : "",
	       names[0], sz[0], names[1], sz[1],
	       o->latest ? "; results/latest points here" : "");
}
