// SPDX-License-Identifier: GPL-2.0
/*
 * export.c - "revbench export --gnuplot -o DIR RESULTS.json..."
 *
 * Turns one or more results files into the data behind the six figures
 * of plot/ (see plot/README.md): DIR/meta.gp (gnuplot variables: panels,
 * block titles, line types, notes) and DIR/figN-pP.dat (one file per
 * figure and results file, gnuplot "index" blocks).  Every file is
 * written to a temp name and renamed.  Each results file becomes one
 * panel (figures 1, 2, 4, 5) or one bar colour (figures 3, 6), so kernel
 * and userspace results sit side by side.
 *
 * Selection rules (printed into the figures' notes, documented in
 * plot/README.md):
 *   fig1  translate cells without extras, at the smallest cs present;
 *         median ns per access per reader against reader threads,
 *         error bars min..max over repetitions.
 *   fig2  unbind, per primitive the cell without extras with the most
 *         reader threads (then the smallest cs): CDF of the raw revoke
 *         samples of the .samples.csv sidecar (every repetition pooled,
 *         thinned to <= 200 points); without a sidecar, the p50/p90/p99/
 *         max counters, said so in the note.
 *   fig3  error-path, same per-primitive pick: median error_ns (or
 *         real_time when the counter is absent), min..max.
 *   fig4  unbind-many cells (extras n: and mode: only) at the most reader
 *         threads: median real_time against n, per primitive and mode.
 *   fig5  unbind cells at the most reader threads, every cs / delay /
 *         sleep / stall condition as one x category: the p50 of the raw
 *         samples pooled over all repetitions, with a bar up to their
 *         pooled p99 when >= 1000 samples are behind it, else up to the
 *         p90 (>= 100 samples), else no bar (pctl.h: 10 samples beyond a
 *         quantile); without a sidecar, the medians of the per-repetition
 *         revoke_p50_ns / revoke_p99_ns counters, said so in the note.
 *   fig6  lifecycle, same per-primitive pick: median real_time
 *         (create+destroy), min..max; and bytes_per_rev.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pctl.h"
#include "results.h"

#define MAX_FILES	4
#define CDF_POINTS	200

struct panel {
	struct rr_file f;
	struct rr_cell *c;
	int nc;
};

struct out {
	FILE *fp;
	char *tmp;
	char path[PATH_MAX];
};

static int out_open(struct out *o, const char *dir, const char *name)
{
	o->fp = NULL;
	o->tmp = NULL;
	if (snprintf(o->path, sizeof(o->path), "%s/%s", dir, name) >=
	    (int)sizeof(o->path)) {
		fprintf(stderr, "revbench: %s: path too long\n", dir);
		return -1;
	}
	o->fp = rr_out_open(o->path, &o->tmp);
	return o->fp ? 0 : -1;
}

static int out_commit(struct out *o)
{
	int r = rr_out_commit(o->fp, o->tmp, o->path);

	o->fp = NULL;
	o->tmp = NULL;
	return r;
}

static void out_abort(struct out *o)
{
	if (o->fp)
		rr_out_abort(o->fp, o->tmp);
	o->fp = NULL;
	o->tmp = NULL;
}

/* gnuplot single-quoted string: only ' needs doubling. */
static void gp_str(FILE *fp, const char *s)
{
	fputc('\'', fp);
	for (; *s; s++) {
		if (*s == '\'')
			fputc('\'', fp);
		if (*s == '\n')
			continue;
		fputc(*s, fp);
	}
	fputc('\'', fp);
}

static void gp_var(FILE *fp, const char *name, const char *val)
{
	fprintf(fp, "%s = ", name);
	gp_str(fp, val);
	fputc('\n', fp);
}

/* growing space-separated word list */
struct words {
	char buf[4096];
	int n;
};

static void words_add(struct words *w, const char *s)
{
	size_t l = strlen(w->buf);

	snprintf(w->buf + l, sizeof(w->buf) - l, "%s%s", w->n ? " " : "", s);
	w->n++;
}

static void words_addi(struct words *w, long v)
{
	char tmp[32];

	snprintf(tmp, sizeof(tmp), "%ld", v);
	words_add(w, tmp);
}

#define LT_PRIMS	20	/* line types 1..20; 21..24 are the bar colours */

/* Line type of a primitive: its rank in the primitive table + 1. */
static int prim_lt(const char *prim)
{
	int r = rr_prim_rank(prim);
	unsigned int h = 0;

	if (r >= 0 && r < LT_PRIMS)
		return r + 1;
	/* beyond the table: a stable colour from a hash */
	while (*prim)
		h = h * 31 + (unsigned char)*prim++;
	return LT_PRIMS - 5 + h % 6;
}

/*
 * LT_SETUP, eval'd by common.gp: one line type per primitive of the
 * merged primitive table (the files' own, rr_prim_*), in its colour; the
 * floor dashed.  Primitives without a colour keep common.gp's default for
 * their place.
 */
static void linetypes(FILE *meta)
{
	static const int pts[] = { 1, 2, 4, 6, 8, 10, 12, 14, 3, 5, 7, 9, 11, 13 };
	char buf[4096];
	size_t off = 0;
	int r;

	buf[0] = '\0';
	for (r = 0; r < LT_PRIMS; r++) {
		const struct rr_prim *p = rr_prim_nth(r);

		if (!p)
			break;
		off += (size_t)snprintf(buf + off, off < sizeof(buf) ?
					sizeof(buf) - off : 0,
					"set linetype %d%s%s%s lw 2 dt %d pt %d ps 1; ",
					r + 1, p->color ? " lc rgb '" : "",
					p->color ? p->color : "",
					p->color ? "'" : "", p->floor ? 2 : 1,
					pts[r % (int)(sizeof(pts) / sizeof(pts[0]))]);
	}
	if (off < sizeof(buf))
		gp_var(meta, "LT_SETUP", buf);
}

/*
 * One time unit per axis, chosen from the largest value on it (ns): the
 * figure divides by F<n>_DIV and labels the axis F<n>_U.
 */
static void time_unit(FILE *meta, int fig, double max_ns)
{
	static const struct { double lim, div; const char *u; } t[] = {
		{ 1e4, 1, "ns" }, { 1e7, 1e3, "µs" }, { 1e10, 1e6, "ms" },
		{ INFINITY, 1e9, "s" },
	};
	char name[16];
	size_t i;

	for (i = 0; i + 1 < sizeof(t) / sizeof(t[0]) && !(max_ns < t[i].lim); i++)
		;
	fprintf(meta, "F%d_DIV = %g\n", fig, t[i].div);
	snprintf(name, sizeof(name), "F%d_U", fig);
	gp_var(meta, name, t[i].u);
}

static int is_workload(const struct rr_cell *c, const char *w)
{
	return !strcmp(c->workload, w) && c->n > 0;
}

/*
 * For each primitive the cell of workload w without extras that has the
 * most reader threads, then the smallest cs.  Sorted by primitive order.
 */
static int pick_per_prim(const struct panel *p, const char *w,
			 const struct rr_cell **out)
{
	int i, j, n = 0;

	for (i = 0; i < p->nc; i++) {
		const struct rr_cell *c = &p->c[i];

		if (!is_workload(c, w) || rr_param_has_extras(c->params))
			continue;
		for (j = 0; j < n; j++)
			if (!strcmp(out[j]->primitive, c->primitive))
				break;
		if (j == n) {
			out[n++] = c;
		} else if (c->threads > out[j]->threads ||
			   (c->threads == out[j]->threads && c->cs < out[j]->cs)) {
			out[j] = c;
		}
	}
	rr_sort_cells(out, n);
	return n;
}

static void cell_stats(const struct rr_cell *c, double *med, double *mn,
		       double *mx)
{
	*med = rr_median(c->v, c->n);
	*mn = rr_min(c->v, c->n);
	*mx = rr_max(c->v, c->n);
}

static void pick_note(char *buf, size_t len, const char *what,
		      const struct rr_cell **sel, int n)
{
	long tmin = LONG_MAX, tmax = -1, cmin = LONG_MAX, cmax = -1;
	int i;

	for (i = 0; i < n; i++) {
		if (sel[i]->threads < tmin)
			tmin = sel[i]->threads;
		if (sel[i]->threads > tmax)
			tmax = sel[i]->threads;
		if (sel[i]->cs < cmin)
			cmin = sel[i]->cs;
		if (sel[i]->cs > cmax)
			cmax = sel[i]->cs;
	}
	char t[48], c[48];

	if (tmin == tmax)
		snprintf(t, sizeof(t), "threads:%ld", tmax);
	else
		snprintf(t, sizeof(t), "threads:%ld..%ld", tmin, tmax);
	if (cmin == cmax)
		snprintf(c, sizeof(c), "cs:%ld", cmax);
	else
		snprintf(c, sizeof(c), "cs:%ld..%ld", cmin, cmax);
	if (!n)
		snprintf(buf, len, "%s: no cells", what);
	else
		snprintf(buf, len, "%s, %s %s", what, t, c);
}

/* ---- figure 1: reader cost against threads ----------------------------- */

static int fig1(FILE *meta, struct panel *p, int np, const char *dir)
{
	double ymin = INFINITY, ymax = -INFINITY;
	long tmax = 1;
	int pi;

	for (pi = 0; pi < np; pi++) {
		const struct rr_cell **sel;
		struct words t = { .n = 0 }, lt = { .n = 0 };
		long cs0 = LONG_MAX;
		struct out o;
		char name[64], note[160];
		int i, j, nsel = 0;

		sel = calloc(p[pi].nc + 1, sizeof(*sel));
		if (!sel)
			return -1;
		for (i = 0; i < p[pi].nc; i++) {
			const struct rr_cell *c = &p[pi].c[i];

			if (is_workload(c, "translate") &&
			    !rr_param_has_extras(c->params) && c->cs < cs0)
				cs0 = c->cs;
		}
		for (i = 0; i < p[pi].nc; i++) {
			const struct rr_cell *c = &p[pi].c[i];

			if (is_workload(c, "translate") &&
			    !rr_param_has_extras(c->params) && c->cs == cs0)
				sel[nsel++] = c;
		}
		rr_sort_cells(sel, nsel);
		snprintf(name, sizeof(name), "fig1-p%d.dat", pi + 1);
		if (out_open(&o, dir, name)) {
			free(sel);
			return -1;
		}
		fprintf(o.fp, "# revbench export: figure 1, reader cost, %s\n",
			p[pi].f.path);
		fprintf(o.fp, "# blocks: one per primitive\n");
		fprintf(o.fp, "# threads median_ns min_ns max_ns repetitions\n");
		for (i = 0; i < nsel; i = j) {
			fprintf(o.fp, "%s# %s\n", t.n ? "\n\n" : "",
				sel[i]->primitive);
			words_add(&t, sel[i]->primitive);
			words_addi(&lt, prim_lt(sel[i]->primitive));
			for (j = i; j < nsel && !strcmp(sel[j]->primitive,
							sel[i]->primitive); j++) {
				double med, mn, mx;

				cell_stats(sel[j], &med, &mn, &mx);
				fprintf(o.fp, "%ld %.6g %.6g %.6g %d\n",
					sel[j]->threads, med, mn, mx,
					sel[j]->n);
				if (mn > 0 && mn < ymin)
					ymin = mn;
				if (mx > ymax)
					ymax = mx;
				if (sel[j]->threads > tmax)
					tmax = sel[j]->threads;
			}
		}
		if (nsel)
			snprintf(note, sizeof(note),
				 "translate, cs:%ld, %d runs",
				 cs0, sel[0]->n);
		else
			snprintf(note, sizeof(note), "no translate cells in this file");
		free(sel);
		if (out_commit(&o))
			return -1;
		fprintf(meta, "F1_N%d = %d\n", pi + 1, t.n);
		snprintf(name, sizeof(name), "F1_T%d", pi + 1);
		gp_var(meta, name, t.buf);
		snprintf(name, sizeof(name), "F1_L%d", pi + 1);
		gp_var(meta, name, lt.buf);
		snprintf(name, sizeof(name), "F1_NOTE%d", pi + 1);
		gp_var(meta, name, note);
	}
	if (!isfinite(ymin)) {
		ymin = 1;
		ymax = 10;
	}
	fprintf(meta, "F1_YMIN = %.6g\nF1_YMAX = %.6g\nF1_XMAX = %ld\n",
		ymin, ymax, tmax);
	time_unit(meta, 1, ymax);
	return 0;
}

/* ---- figure 2: revoke latency CDF --------------------------------------- */

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int fig2(FILE *meta, struct panel *p, int np, const char *dir)
{
	double xmin = INFINITY, xmax = -INFINITY;
	int pi;

	for (pi = 0; pi < np; pi++) {
		const struct rr_cell **sel;
		struct words t = { .n = 0 }, lt = { .n = 0 };
		struct out o;
		char name[64], note[200], pick[120];
		int i, nsel, from_samples = 0, from_counters = 0;
		long tmax = -1;

		sel = calloc(p[pi].nc + 1, sizeof(*sel));
		if (!sel)
			return -1;
		nsel = pick_per_prim(&p[pi], "unbind", sel);
		for (i = 0; i < nsel; i++)
			if (sel[i]->threads > tmax)
				tmax = sel[i]->threads;
		snprintf(name, sizeof(name), "fig2-p%d.dat", pi + 1);
		if (out_open(&o, dir, name)) {
			free(sel);
			return -1;
		}
		fprintf(o.fp, "# revbench export: figure 2, revoke latency CDF, %s\n",
			p[pi].f.path);
		fprintf(o.fp, "# revoke_ns cumulative_fraction\n");
		for (i = 0; i < nsel; i++) {
			const struct rr_cell *c = sel[i];
			double *s = NULL, q[4];
			size_t k, m = 0;
			static const char *const qn[] = {
				"revoke_p50_ns", "revoke_p90_ns",
				"revoke_p99_ns", "revoke_max_ns",
			};
			static const double qf[] = { 0.5, 0.9, 0.99, 1.0 };
			int nq = 0;

			for (k = 0; k < p[pi].f.ns; k++)
				if (!strcmp(p[pi].f.s[k].key, c->key))
					m++;
			if (m) {
				s = malloc(m * sizeof(double));
				if (!s) {
					free(sel);
					out_abort(&o);
					return -1;
				}
				m = 0;
				for (k = 0; k < p[pi].f.ns; k++)
					if (!strcmp(p[pi].f.s[k].key, c->key) &&
					    p[pi].f.s[k].ns > 0)
						s[m++] = p[pi].f.s[k].ns;
				qsort(s, m, sizeof(double), cmp_d);
			}
			if (m) {
				size_t step_pts = m > CDF_POINTS ? CDF_POINTS : m;

				fprintf(o.fp, "%s# %s %s (%zu samples)\n",
					t.n ? "\n\n" : "", c->primitive,
					c->key, m);
				for (k = 0; k < step_pts; k++) {
					size_t idx = m > CDF_POINTS ?
						(size_t)((double)k * (m - 1) /
							 (CDF_POINTS - 1)) : k;

					fprintf(o.fp, "%.6g %.6g\n", s[idx],
						(double)(idx + 1) / m);
				}
				from_samples++;
				if (s[0] < xmin)
					xmin = s[0];
				if (s[m - 1] > xmax)
					xmax = s[m - 1];
			} else {
				for (k = 0; k < 4; k++)
					if (rr_cell_counter_median(c, qn[k],
								   &q[nq]) &&
					    q[nq] > 0)
						nq++;
					else
						break;
				if (nq < 4) {
					free(s);
					continue;
				}
				fprintf(o.fp, "%s# %s %s (percentile counters)\n",
					t.n ? "\n\n" : "", c->primitive, c->key);
				for (k = 0; k < 4; k++) {
					fprintf(o.fp, "%.6g %.6g\n", q[k], qf[k]);
					if (q[k] < xmin)
						xmin = q[k];
					if (q[k] > xmax)
						xmax = q[k];
				}
				from_counters++;
			}
			free(s);
			if (c->threads != tmax) {
				char lbl[96];

				snprintf(lbl, sizeof(lbl), "%s(threads:%ld)",
					 c->primitive, c->threads);
				words_add(&t, lbl);
			} else {
				words_add(&t, c->primitive);
			}
			words_addi(&lt, prim_lt(c->primitive));
		}
		pick_note(pick, sizeof(pick), "unbind", sel, nsel);
		if (!t.n)
			snprintf(note, sizeof(note), "no unbind cells with revoke samples or percentile counters");
		else if (!from_counters)
			snprintf(note, sizeof(note), "%s; raw samples", pick);
		else if (!from_samples)
			snprintf(note, sizeof(note), "%s; NO samples file: p50/p90/p99/max points only", pick);
		else
			snprintf(note, sizeof(note), "%s; %d primitives without samples: percentile points", pick, from_counters);
		free(sel);
		if (out_commit(&o))
			return -1;
		fprintf(meta, "F2_N%d = %d\n", pi + 1, t.n);
		snprintf(name, sizeof(name), "F2_T%d", pi + 1);
		gp_var(meta, name, t.buf);
		snprintf(name, sizeof(name), "F2_L%d", pi + 1);
		gp_var(meta, name, lt.buf);
		snprintf(name, sizeof(name), "F2_NOTE%d", pi + 1);
		gp_var(meta, name, note);
	}
	if (!isfinite(xmin)) {
		xmin = 1;
		xmax = 1000;
	}
	fprintf(meta, "F2_XMIN = %.6g\nF2_XMAX = %.6g\n", xmin, xmax);
	time_unit(meta, 2, xmax);
	return 0;
}

/* ---- bar figures 3 and 6: primitives on x, one colour per file ---------- */

struct bar_src {
	const char *workload;
	const char *counter;	/* preferred counter, NULL = real_time */
};

static int bars(FILE *meta, struct panel *p, int np, const char *dir,
		int fig, const struct bar_src *src)
{
	struct words xt = { .n = 0 }, missing = { .n = 0 };
	const char *prims[64];
	double ymin = INFINITY, ymax = -INFINITY, bmax = 0;
	int nprim = 0, pi, i, j;

	/* union of primitives, in canonical order */
	for (pi = 0; pi < np; pi++) {
		const struct rr_cell **sel = calloc(p[pi].nc + 1, sizeof(*sel));
		int nsel;

		if (!sel)
			return -1;
		nsel = pick_per_prim(&p[pi], src->workload, sel);
		for (i = 0; i < nsel; i++) {
			for (j = 0; j < nprim; j++)
				if (!strcmp(prims[j], sel[i]->primitive))
					break;
			if (j == nprim && nprim < 64)
				prims[nprim++] = sel[i]->primitive;
		}
		free(sel);
	}
	for (i = 1; i < nprim; i++)
		for (j = i; j > 0; j--) {
			int a = rr_prim_rank(prims[j - 1]);
			int b = rr_prim_rank(prims[j]);
			const char *t;

			if (a < 0)
				a = 1000;
			if (b < 0)
				b = 1000;
			if (a < b || (a == b && strcmp(prims[j - 1], prims[j]) <= 0))
				break;
			t = prims[j];
			prims[j] = prims[j - 1];
			prims[j - 1] = t;
		}
	for (i = 0; i < nprim; i++)
		words_add(&xt, prims[i]);

	for (pi = 0; pi < np; pi++) {
		const struct rr_cell **sel = calloc(p[pi].nc + 1, sizeof(*sel));
		struct out o;
		char name[64], note[200], pick[120];
		int nsel, rows = 0, used_rt = 0;
		const char *bn = strrchr(p[pi].f.path, '/');

		if (!sel)
			return -1;
		nsel = pick_per_prim(&p[pi], src->workload, sel);
		snprintf(name, sizeof(name), "fig%d-p%d.dat", fig, pi + 1);
		if (out_open(&o, dir, name)) {
			free(sel);
			return -1;
		}
		fprintf(o.fp, "# revbench export: figure %d, %s, %s\n", fig,
			src->workload, p[pi].f.path);
		fprintf(o.fp, "# slot primitive median_ns min_ns max_ns bytes_per_rev\n");
		for (i = 0; i < nsel; i++) {
			const struct rr_cell *c = sel[i];
			double med, mn, mx, bytes = NAN, *v;
			int slot, m = 0, k;

			for (slot = 0; slot < nprim; slot++)
				if (!strcmp(prims[slot], c->primitive))
					break;
			v = malloc((c->n + 1) * sizeof(double));
			if (!v) {
				free(sel);
				out_abort(&o);
				return -1;
			}
			if (src->counter)
				m = rr_cell_counter(c, src->counter, v);
			if (m) {
				med = rr_median(v, m);
				mn = rr_min(v, m);
				mx = rr_max(v, m);
			} else {
				cell_stats(c, &med, &mn, &mx);
				used_rt++;
			}
			if (!rr_cell_counter_median(c, "bytes_per_rev", &bytes)) {
				/* any cell of this primitive that has it */
				for (k = 0; k < p[pi].nc; k++)
					if (!strcmp(p[pi].c[k].primitive,
						    c->primitive) &&
					    rr_cell_counter_median(&p[pi].c[k],
							"bytes_per_rev", &bytes))
						break;
			}
			free(v);
			fprintf(o.fp, "%d %s %.6g %.6g %.6g ", slot,
				c->primitive, med, mn, mx);
			if (isfinite(bytes)) {
				fprintf(o.fp, "%.6g\n", bytes);
				if (bytes > bmax)
					bmax = bytes;
			} else {
				fprintf(o.fp, "NaN\n");
			}
			if (mn > 0 && mn < ymin)
				ymin = mn;
			if (mx > ymax)
				ymax = mx;
			rows++;
		}
		pick_note(pick, sizeof(pick), src->workload, sel, nsel);
		if (!rows)
			snprintf(note, sizeof(note), "no %s cells", src->workload);
		else if (src->counter && used_rt)
			snprintf(note, sizeof(note), "%s; %d without %s: real_time",
				 pick, used_rt, src->counter);
		else
			snprintf(note, sizeof(note), "%s", pick);
		free(sel);
		if (rows == 0) {
			fprintf(o.fp, "# (no rows)\n");
			words_add(&missing, bn ? bn + 1 : p[pi].f.path);
		}
		if (out_commit(&o))
			return -1;
		fprintf(meta, "F%d_N%d = %d\n", fig, pi + 1, rows);
		snprintf(name, sizeof(name), "F%d_NOTE%d", fig, pi + 1);
		gp_var(meta, name, note);
	}
	{
		char name[32];

		snprintf(name, sizeof(name), "F%d_XT", fig);
		gp_var(meta, name, xt.buf);
		/* files without any cell for this figure (no bar, no key) */
		snprintf(name, sizeof(name), "F%d_MISSING", fig);
		gp_var(meta, name, missing.buf);
	}
	if (!isfinite(ymin)) {
		ymin = 1;
		ymax = 10;
	}
	fprintf(meta, "F%d_YMIN = %.6g\nF%d_YMAX = %.6g\nF%d_BMAX = %.6g\n",
		fig, ymin, fig, ymax, fig, bmax);
	time_unit(meta, fig, ymax);
	return 0;
}

/* ---- figure 4: unbind-many ---------------------------------------------- */

static int only_n_mode(const char *params)
{
	const char *q = params;

	while (q && *q) {
		if (strncmp(q, "threads:", 8) && strncmp(q, "cs:", 3) &&
		    strncmp(q, "n:", 2) && strncmp(q, "mode:", 5))
			return 0;
		q = strchr(q, '/');
		if (q)
			q++;
	}
	return 1;
}

static const char *param_str(const char *params, const char *name,
			     char *buf, size_t len)
{
	size_t l = strlen(name);
	const char *q = params;

	while (q && *q) {
		if (!strncmp(q, name, l) && q[l] == ':') {
			const char *e = strchr(q, '/');
			size_t vl = e ? (size_t)(e - q - l - 1) : strlen(q + l + 1);

			snprintf(buf, len, "%.*s", (int)vl, q + l + 1);
			return buf;
		}
		q = strchr(q, '/');
		if (q)
			q++;
	}
	return NULL;
}

static int fig4(FILE *meta, struct panel *p, int np, const char *dir)
{
	double ymin = INFINITY, ymax = -INFINITY, xmin = INFINITY, xmax = 1;
	int pi;

	for (pi = 0; pi < np; pi++) {
		const struct rr_cell **sel = calloc(p[pi].nc + 1, sizeof(*sel));
		struct words t = { .n = 0 }, lt = { .n = 0 }, dt = { .n = 0 };
		long tmax = -1, cs0 = LONG_MAX;
		struct out o;
		char name[64], note[200];
		int i, j, nsel = 0, nmodes[2] = { 0, 0 };

		if (!sel)
			return -1;
		for (i = 0; i < p[pi].nc; i++) {
			const struct rr_cell *c = &p[pi].c[i];

			if (!is_workload(c, "unbind-many") ||
			    !only_n_mode(c->params) ||
			    rr_param(c->params, "n") <= 0)
				continue;
			if (c->threads > tmax) {
				tmax = c->threads;
				cs0 = LONG_MAX;
			}
			if (c->threads == tmax && c->cs < cs0)
				cs0 = c->cs;
		}
		for (i = 0; i < p[pi].nc; i++) {
			const struct rr_cell *c = &p[pi].c[i];

			if (is_workload(c, "unbind-many") &&
			    only_n_mode(c->params) &&
			    rr_param(c->params, "n") > 0 &&
			    c->threads == tmax && c->cs == cs0)
				sel[nsel++] = c;
		}
		rr_sort_cells(sel, nsel);
		snprintf(name, sizeof(name), "fig4-p%d.dat", pi + 1);
		if (out_open(&o, dir, name)) {
			free(sel);
			return -1;
		}
		fprintf(o.fp, "# revbench export: figure 4, unbind-many, %s\n",
			p[pi].f.path);
		fprintf(o.fp, "# n median_ns min_ns max_ns repetitions\n");
		/* blocks: per primitive, batched first then oneby */
		for (i = 0; i < nsel; i = j) {
			static const char *const modes[] = { "batched", "oneby" };
			int mi;

			for (j = i; j < nsel && !strcmp(sel[j]->primitive,
							sel[i]->primitive); j++)
				;
			for (mi = 0; mi < 2; mi++) {
				int k, rows = 0;
				long lastn = -1;

				for (;;) {
					/* ascending n within the mode */
					const struct rr_cell *best = NULL;
					char mb[32];
					double med, mn, mx;

					for (k = i; k < j; k++) {
						long nn = rr_param(sel[k]->params, "n");

						if (!param_str(sel[k]->params, "mode", mb, sizeof(mb)) ||
						    strcmp(mb, modes[mi]) || nn <= lastn)
							continue;
						if (!best || nn < rr_param(best->params, "n"))
							best = sel[k];
					}
					if (!best)
						break;
					lastn = rr_param(best->params, "n");
					if (!rows++) {
						fprintf(o.fp, "%s# %s %s\n",
							t.n ? "\n\n" : "",
							best->primitive, modes[mi]);
					}
					cell_stats(best, &med, &mn, &mx);
					fprintf(o.fp, "%ld %.6g %.6g %.6g %d\n",
						lastn, med, mn, mx, best->n);
					if (mn > 0 && mn < ymin)
						ymin = mn;
					if (mx > ymax)
						ymax = mx;
					if (lastn < xmin)
						xmin = lastn;
					if (lastn > xmax)
						xmax = lastn;
				}
				if (!rows)
					continue;
				nmodes[mi]++;
				words_add(&t, sel[i]->primitive);
				words_addi(&lt, prim_lt(sel[i]->primitive));
				words_addi(&dt, mi ? 2 : 1);
			}
		}
		if (nsel)
			snprintf(note, sizeof(note),
				 "unbind-many, threads:%ld cs:%ld",
				 tmax, cs0);
		else
			snprintf(note, sizeof(note), "no unbind-many cells in this file");
		free(sel);
		if (out_commit(&o))
			return -1;
		fprintf(meta, "F4_N%d = %d\n", pi + 1, t.n);
		snprintf(name, sizeof(name), "F4_T%d", pi + 1);
		gp_var(meta, name, t.buf);
		snprintf(name, sizeof(name), "F4_L%d", pi + 1);
		gp_var(meta, name, lt.buf);
		snprintf(name, sizeof(name), "F4_D%d", pi + 1);
		gp_var(meta, name, dt.buf);
		snprintf(name, sizeof(name), "F4_NOTE%d", pi + 1);
		gp_var(meta, name, note);
		fprintf(meta, "F4_NB%d = %d\nF4_NO%d = %d\n", pi + 1,
			nmodes[0], pi + 1, nmodes[1]);
	}
	if (!isfinite(ymin)) {
		ymin = 1;
		ymax = 10;
	}
	if (!isfinite(xmin))
		xmin = 1;
	fprintf(meta, "F4_YMIN = %.6g\nF4_YMAX = %.6g\nF4_XMIN = %.6g\nF4_XMAX = %.6g\n",
		ymin, ymax, xmin, xmax);
	time_unit(meta, 4, ymax);
	return 0;
}

/* ---- figure 5: revoke latency against critical-section length ----------- */

struct cond {
	char key[128];		/* params without threads: */
	char label[48];
	int kind;		/* 0 cs only, 1 delay, 2 sleep, 3 stall, 4 other */
	long val;
	long cs;
};

static void fmt_us(char *buf, size_t len, double us)
{
	if (us >= 1000000)
		snprintf(buf, len, "%g s", us / 1e6);
	else if (us >= 1000)
		snprintf(buf, len, "%g ms", us / 1e3);
	else
		snprintf(buf, len, "%g us", us);
}

static void make_cond(const struct rr_cell *c, struct cond *d)
{
	const char *q = c->params;
	char tmp[32];
	long v;

	d->key[0] = '\0';
	while (q && *q) {
		const char *e = strchr(q, '/');
		size_t l = e ? (size_t)(e - q) : strlen(q);

		if (strncmp(q, "threads:", 8)) {
			size_t kl = strlen(d->key);

			snprintf(d->key + kl, sizeof(d->key) - kl, "%s%.*s",
				 kl ? "/" : "", (int)l, q);
		}
		q = e ? e + 1 : NULL;
	}
	d->cs = c->cs;
	if ((v = rr_param(c->params, "stall")) >= 0) {
		d->kind = 3;
		d->val = v;
		fmt_us(tmp, sizeof(tmp), v);
		if (c->cs > 1)
			snprintf(d->label, sizeof(d->label), "cs:%d+stall %s",
				 (int)c->cs, tmp);
		else
			snprintf(d->label, sizeof(d->label), "stalled %s", tmp);
	} else if ((v = rr_param(c->params, "sleep")) >= 0) {
		d->kind = 2;
		d->val = v;
		fmt_us(tmp, sizeof(tmp), v);
		snprintf(d->label, sizeof(d->label), "sleep %s", tmp);
	} else if ((v = rr_param(c->params, "delay")) >= 0) {
		d->kind = 1;
		d->val = v;
		fmt_us(tmp, sizeof(tmp), v / 1000.0);
		snprintf(d->label, sizeof(d->label), "delay %s", tmp);
	} else if (rr_param_has_extras(c->params)) {
		d->kind = 4;
		d->val = 0;
		snprintf(d->label, sizeof(d->label), "%.47s", d->key);
	} else {
		d->kind = 0;
		d->val = c->cs;
		snprintf(d->label, sizeof(d->label), "cs:%ld", c->cs);
	}
}

static int cond_cmp(const void *a, const void *b)
{
	const struct cond *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind - y->kind;
	if (x->val != y->val)
		return x->val < y->val ? -1 : 1;
	if (x->cs != y->cs)
		return x->cs < y->cs ? -1 : 1;
	return strcmp(x->key, y->key);
}

static int fig5(FILE *meta, struct panel *p, int np, const char *dir)
{
	double ymin = INFINITY, ymax = -INFINITY;
	int maxcond = 0, pi;

	for (pi = 0; pi < np; pi++) {
		struct cond *conds = calloc(p[pi].nc + 1, sizeof(*conds));
		const struct rr_cell **sel = calloc(p[pi].nc + 1, sizeof(*sel));
		struct words t = { .n = 0 }, lt = { .n = 0 };
		long tmax = -1;
		struct out o;
		char name[64], note[200];
		int i, j, k, nsel = 0, ncond = 0, from_rt = 0;
		int bar99 = 0, bar90 = 0, nobar = 0, from_ctr = 0;

		if (!conds || !sel) {
			free(conds);
			free(sel);
			return -1;
		}
		for (i = 0; i < p[pi].nc; i++)
			if (is_workload(&p[pi].c[i], "unbind") &&
			    p[pi].c[i].threads > tmax)
				tmax = p[pi].c[i].threads;
		for (i = 0; i < p[pi].nc; i++) {
			const struct rr_cell *c = &p[pi].c[i];
			struct cond d;

			if (!is_workload(c, "unbind") || c->threads != tmax)
				continue;
			sel[nsel++] = c;
			make_cond(c, &d);
			for (j = 0; j < ncond; j++)
				if (!strcmp(conds[j].key, d.key))
					break;
			if (j == ncond)
				conds[ncond++] = d;
		}
		qsort(conds, ncond, sizeof(*conds), cond_cmp);
		rr_sort_cells(sel, nsel);
		snprintf(name, sizeof(name), "fig5-p%d.dat", pi + 1);
		if (out_open(&o, dir, name)) {
			free(conds);
			free(sel);
			return -1;
		}
		fprintf(o.fp, "# revbench export: figure 5, revoke latency vs critical section, %s\n",
			p[pi].f.path);
		fprintf(o.fp, "# category p50_ns p50_ns top_ns   (pooled samples: top = p99 with >= 1000\n"
			"# samples, else p90 with >= 100, else p50; no samples file: medians over\n"
			"# repetitions of the revoke_p50_ns / revoke_p99_ns counters; x = category index)\n");
		for (i = 0; i < nsel; i = j) {
			int rows = 0, lastkind = -1;

			for (j = i; j < nsel && !strcmp(sel[j]->primitive,
							sel[i]->primitive); j++)
				;
			for (k = 0; k < ncond; k++) {
				int m;

				for (m = i; m < j; m++) {
					struct cond d;
					struct rr_pctl pc;
					double p50, p99;
					int got;

					make_cond(sel[m], &d);
					if (strcmp(d.key, conds[k].key))
						continue;
					got = rr_cell_pctl(&p[pi].f, sel[m]->key, 0, &pc);
					if (got < 0) {
						free(conds);
						free(sel);
						out_abort(&o);
						return -1;
					}
					if (got) {
						p50 = pc.est[RR_P50];
						if (pc.shown[RR_P99]) {
							p99 = pc.est[RR_P99];
							bar99++;
						} else if (pc.shown[RR_P90]) {
							p99 = pc.est[RR_P90];
							bar90++;
						} else {
							p99 = p50;
							nobar++;
						}
					} else if (!rr_cell_counter_median(sel[m], "revoke_p50_ns", &p50) ||
						   !rr_cell_counter_median(sel[m], "revoke_p99_ns", &p99)) {
						p50 = rr_median(sel[m]->v, sel[m]->n);
						p99 = rr_max(sel[m]->v, sel[m]->n);
						from_rt++;
					} else {
						from_ctr++;
					}
					if (!rows++)
						fprintf(o.fp, "%s# %s\n",
							t.n ? "\n\n" : "",
							sel[i]->primitive);
					else if (conds[k].kind != lastkind)
						fputc('\n', o.fp); /* no line across kinds */
					lastkind = conds[k].kind;
					fprintf(o.fp, "%d %.6g %.6g %.6g\n", k,
						p50, p50, p99);
					if (p50 > 0 && p50 < ymin)
						ymin = p50;
					if (p99 > ymax)
						ymax = p99;
				}
			}
			if (rows) {
				words_add(&t, sel[i]->primitive);
				words_addi(&lt, prim_lt(sel[i]->primitive));
			}
		}
		if (out_commit(&o)) {
			free(conds);
			free(sel);
			return -1;
		}
		/* category labels: F5_XT<panel>_<k>, k from 1 (x = k - 1) */
		for (k = 0; k < ncond; k++) {
			snprintf(name, sizeof(name), "F5_XT%d_%d", pi + 1, k + 1);
			gp_var(meta, name, conds[k].label);
		}
		if (ncond > maxcond)
			maxcond = ncond;
		if (!nsel)
			snprintf(note, sizeof(note), "no unbind cells in this file");
		else if (from_rt)
			snprintf(note, sizeof(note),
				 "unbind, threads:%ld; %d cells without p50/p99: real_time median..max",
				 tmax, from_rt);
		else if (from_ctr)
			snprintf(note, sizeof(note),
				 "unbind, threads:%ld; NO samples file: medians of per-repetition p50..p99",
				 tmax);
		else
			snprintf(note, sizeof(note),
				 "unbind, threads:%ld; pooled samples: bar to p99 (n>=1000: %d cells), p90 (n>=100: %d), none (%d)",
				 tmax, bar99, bar90, nobar);
		fprintf(meta, "F5_N%d = %d\nF5_NC%d = %d\n", pi + 1, t.n,
			pi + 1, ncond);
		snprintf(name, sizeof(name), "F5_T%d", pi + 1);
		gp_var(meta, name, t.buf);
		snprintf(name, sizeof(name), "F5_L%d", pi + 1);
		gp_var(meta, name, lt.buf);
		snprintf(name, sizeof(name), "F5_NOTE%d", pi + 1);
		gp_var(meta, name, note);
		free(conds);
		free(sel);
	}
	if (!isfinite(ymin)) {
		ymin = 1;
		ymax = 10;
	}
	fprintf(meta, "F5_YMIN = %.6g\nF5_YMAX = %.6g\nF5_MAXC = %d\n",
		ymin, ymax, maxcond);
	time_unit(meta, 5, ymax);
	return 0;
}

/* ---- driver --------------------------------------------------------------- */

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static void panel_meta(FILE *meta, struct panel *p, int np)
{
	char name[32], buf[512];
	int pi;

	fprintf(meta, "NP = %d\n", np);
	for (pi = 0; pi < np; pi++) {
		const struct rr_file *f = &p[pi].f;
		const char *env = rr_env(f);
		const char *kern = rr_ctx(f, "kernel");
		const char *vmk = rr_ctx(f, "vm_kernel");

		if (rr_is_tcg(f))
			snprintf(buf, sizeof(buf),
				 "kernel module, qemu TCG emulation: timings NOT representative");
		else if (!strcmp(env, "kernel"))
			snprintf(buf, sizeof(buf), "kernel module%s%s",
				 vmk || kern ? ", " : "",
				 vmk ? vmk : kern ? kern : "");
		else if (!strcmp(env, "userspace"))
			snprintf(buf, sizeof(buf), "userspace%s%s",
				 kern ? ", kernel " : "", kern ? kern : "");
		else
			snprintf(buf, sizeof(buf), "environment %s", env);
		if (rr_ctx(f, "synthetic")) {
			char tmp[600];

			snprintf(tmp, sizeof(tmp), "SYNTHETIC data, not measured: %.400s",
				 buf);
			snprintf(buf, sizeof(buf), "%.500s", tmp);
		}
		snprintf(name, sizeof(name), "PANEL%d", pi + 1);
		gp_var(meta, name, buf);
		snprintf(name, sizeof(name), "FILE%d", pi + 1);
		gp_var(meta, name, base_name(f->path));
		fprintf(meta, "TCG%d = %d\nSYN%d = %d\n", pi + 1, rr_is_tcg(f),
			pi + 1, rr_ctx(f, "synthetic") != NULL);
		/* short form for bar keys */
		snprintf(buf, sizeof(buf), "%s%s%s",
			 rr_ctx(f, "synthetic") ? "SYNTHETIC " : "", env,
			 rr_is_tcg(f) ? ": timings NOT representative" : "");
		snprintf(name, sizeof(name), "SHORT%d", pi + 1);
		gp_var(meta, name, buf);
	}
}

static int mkdir_p(const char *dir)
{
	char buf[PATH_MAX], *s;
	struct stat st;

	if (snprintf(buf, sizeof(buf), "%s", dir) >= (int)sizeof(buf))
		return -1;
	for (s = buf + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -1;
		*s = '/';
	}
	if (mkdir(buf, 0755) && errno != EEXIST)
		return -1;
	if (stat(buf, &st) || !S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

int rr_export_gnuplot(char **paths, int n, const char *dir)
{
	struct panel p[MAX_FILES];
	static const struct bar_src err_src = { "error-path", "error_ns" };
	static const struct bar_src life_src = { "lifecycle", NULL };
	struct out meta = { 0 };
	int i, ret = 2, loaded = 0;

	if (n < 1 || n > MAX_FILES) {
		fprintf(stderr, "revbench export: give 1 to %d results files\n",
			MAX_FILES);
		return 2;
	}
	for (i = 0; i < n; i++) {
		if (rr_load(paths[i], &p[i].f))
			goto out;
		loaded++;
		p[i].nc = rr_cells(&p[i].f, &p[i].c);
		if (p[i].nc < 0)
			goto out;
	}
	if (mkdir_p(dir)) {
		fprintf(stderr, "revbench export: %s: cannot create output directory: %s\n",
			dir, strerror(errno));
		goto out;
	}
	if (access(dir, W_OK)) {
		fprintf(stderr, "revbench export: %s: output directory not writable: %s\n",
			dir, strerror(errno));
		goto out;
	}
	/*
	 * meta.gp is written last: its presence means the data set is
	 * complete.  Remove an old one first, so that a failed export never
	 * leaves new data files next to a stale meta.gp.
	 */
	{
		char old[PATH_MAX];

		if (snprintf(old, sizeof(old), "%s/meta.gp", dir) < (int)sizeof(old) &&
		    unlink(old) && errno != ENOENT) {
			fprintf(stderr, "revbench export: %s: %s\n", old,
				strerror(errno));
			goto out;
		}
	}
	if (out_open(&meta, dir, "meta.gp"))
		goto out;
	fprintf(meta.fp, "# written by revbench export --gnuplot; read by plot/figN-*.gp\n");
	panel_meta(meta.fp, p, n);
	linetypes(meta.fp);
	if (fig1(meta.fp, p, n, dir) || fig2(meta.fp, p, n, dir) ||
	    bars(meta.fp, p, n, dir, 3, &err_src) ||
	    fig4(meta.fp, p, n, dir) || fig5(meta.fp, p, n, dir) ||
	    bars(meta.fp, p, n, dir, 6, &life_src))
		goto out;
	if (out_commit(&meta))
		goto out;
	ret = 0;
out:
	out_abort(&meta);
	for (i = 0; i < loaded; i++) {
		if (p[i].nc > 0)
			rr_cells_free(p[i].c, p[i].nc);
		rr_free(&p[i].f);
	}
	return ret;
}

static void export_usage(FILE *fp)
{
	fprintf(fp,
		"usage: revbench export --gnuplot -o DIR RESULTS.json [RESULTS.json...]\n"
		"  Writes DIR/meta.gp and DIR/figN-pP.dat, the data of the six figures\n"
		"  drawn by plot/figN-*.gp (see plot/README.md).  Up to %d results files;\n"
		"  each one becomes a panel (or a bar colour), e.g. userspace and kernel.\n"
		"  Exit 0 on success, 2 on bad input or an unwritable DIR.\n",
		MAX_FILES);
}

int cmd_export(int argc, char **argv)
{
	const char *dir = NULL;
	int gnuplot = 0, i, nfiles = 0;
	char **files;

	files = calloc(argc + 1, sizeof(*files));
	if (!files)
		return 2;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--gnuplot")) {
			gnuplot = 1;
		} else if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--out")) {
			if (++i >= argc) {
				fprintf(stderr, "revbench export: %s needs a directory\n",
					argv[i - 1]);
				free(files);
				return 2;
			}
			dir = argv[i];
		} else if (!strncmp(argv[i], "--out=", 6)) {
			dir = argv[i] + 6;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			export_usage(stdout);
			free(files);
			return 0;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "revbench export: unknown option %s\n",
				argv[i]);
			export_usage(stderr);
			free(files);
			return 2;
		} else {
			files[nfiles++] = argv[i];
		}
	}
	if (!gnuplot || !dir || !nfiles || !*dir) {
		fprintf(stderr, "revbench export: %s\n",
			!gnuplot ? "only --gnuplot output exists; say --gnuplot" :
			!dir || !*dir ? "missing -o DIR" : "no results files given");
		export_usage(stderr);
		free(files);
		return 2;
	}
	i = rr_export_gnuplot(files, nfiles, dir);
	free(files);
	return i;
}
