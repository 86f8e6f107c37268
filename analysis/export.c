// SPDX-License-Identifier: GPL-2.0
/*
 * export.c - "revbench export --gnuplot -o DIR RESULTS.json..."
 *
 * Turns one or more results files into the data behind the seven figures
 * of plot/ (plot/README.md): DIR/meta.gp (gnuplot variables: panels,
 * block titles, line types, notes) and DIR/figN-pP.dat (one file per
 * figure and results file, gnuplot "index" blocks), each written
 * atomically, meta.gp last.  Each results file becomes one panel
 * (figures 1, 2, 4, 5, 7) or one bar colour (figures 3, 6).
 *
 * Which cells a figure draws, by the roles of their workload (load.h):
 *   fig1  readers with a cs knob, without extras, at the smallest cs:
 *         median ns per access per reader against threads, bars min..max;
 *   fig2  revokes (cycle, not many) without extras, per primitive the cell
 *         with the most threads (then the smallest cs): CDF of the raw
 *         samples (pooled, thinned to <= 200 points); without a sidecar,
 *         the p50/p90/p99/max counters, said so in the note;
 *   fig3  the failing path, same pick: median error_ns (else real_time);
 *   fig4  unbind of many (extras n: and mode: only) at the most threads:
 *         median real_time against n, per primitive and mode;
 *   fig5  revokes at the most threads, every cs / delay / sleep / stall
 *         condition one x category: the pooled p50, a bar up to the
 *         pooled p99 with >= 1000 samples, else the p90 with >= 100, else
 *         none; without a sidecar, the counters' medians, said so;
 *   fig6  create cost, same pick as fig2: median real_time, bytes/rev.
 *   fig7  revokes, same pick as fig2, cells with revoke_cpu_ns: the
 *         revoker's CPU time per revoke against the revoke's latency
 *         (real_time), medians with min..max over repetitions, one point
 *         per primitive; files without the counter have an empty panel.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis.h"

#define MAX_FILES	4
#define CDF_POINTS	200
#define LT_PRIMS	20	/* line types 1..20; 21..24 are the bar colours */

/* One data file of one figure and panel, and its meta.gp words. */
struct fig {
	struct ut_afile af;
	FILE *fp;
	int fig, pi;
	char t[4096], lt[512];	/* block titles, line types */
	int nt;
};

static int fig_open(struct fig *d, const char *dir, int fig, int pi,
		    const char *what, const char *path)
{
	char *p = xasprintf("%s/fig%d-p%d.dat", dir, fig, pi + 1);
	int r = ut_afile_open(&d->af, p);

	free(p);
	d->fp = d->af.fp;
	d->fig = fig;
	d->pi = pi;
	d->t[0] = d->lt[0] = '\0';
	d->nt = 0;
	if (!r)
		fprintf(d->fp, "# revbench export: figure %d, %s, %s\n", fig, what,
			path);
	return r;
}

/* gnuplot single-quoted string: only ' needs doubling. */
static void gp_var(FILE *fp, const char *name, const char *val)
{
	fprintf(fp, "%s = '", name);
	for (; *val; val++)
		if (*val != '\n')
			fprintf(fp, *val == '\'' ? "''" : "%c", *val);
	fprintf(fp, "'\n");
}

static void gp_varf(FILE *fp, const char *fmt, int a, int b, const char *val)
{
	char name[32];

	snprintf(name, sizeof(name), fmt, a, b);
	gp_var(fp, name, val);
}

static void words_add(char *buf, size_t len, const char *s)
{
	size_t l = strlen(buf);

	snprintf(buf + l, len - l, "%s%s", l ? " " : "", s);
}

/* Line type of a primitive: its rank + 1, beyond the table a hash. */
static int prim_lt(const char *prim)
{
	int r = rr_prim_rank(prim);
	unsigned int h = 0;

	if (r < LT_PRIMS)
		return r + 1;
	while (*prim)
		h = h * 31 + (unsigned char)*prim++;
	return LT_PRIMS - 5 + h % 6;
}

/* Its key entry: title t, drawn in prim's line type. */
static void fig_key(struct fig *d, const char *t, const char *prim)
{
	char lt[16];

	words_add(d->t, sizeof(d->t), t);
	snprintf(lt, sizeof(lt), "%d", prim_lt(prim));
	words_add(d->lt, sizeof(d->lt), lt);
	d->nt++;
}

/* A block of the data file; with t, its key entry. */
static void fig_block(struct fig *d, const char *head, const char *t,
		      const char *prim)
{
	fprintf(d->fp, "%s# %s\n", d->nt ? "\n\n" : "", head);
	if (t)
		fig_key(d, t, prim);
}

/* Commit the data file; its count, titles, line types and note. */
static int fig_close(struct fig *d, FILE *meta, const char *note)
{
	int f = d->fig, p = d->pi + 1;

	if (ut_afile_commit(&d->af))
		return -1;
	fprintf(meta, "F%d_N%d = %d\n", f, p, d->nt);
	gp_varf(meta, "F%d_T%d", f, p, d->t);
	gp_varf(meta, "F%d_L%d", f, p, d->lt);
	if (note)
		gp_varf(meta, "F%d_NOTE%d", f, p, note);
	return 0;
}

/*
 * LT_SETUP, eval'd by common.gp: a line type per primitive of the merged
 * table, in its colour; the floor dashed.
 */
static void linetypes(FILE *meta)
{
	static const int pts[] = { 1, 2, 4, 6, 8, 10, 12, 14, 3, 5, 7, 9, 11, 13 };
	char buf[4096];
	size_t off = 0;
	int r;

	buf[0] = '\0';
	for (r = 0; r < LT_PRIMS && rr_prim_nth(r); r++) {
		const struct rr_prim *p = rr_prim_nth(r);

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

/* One time unit per axis, from its largest value (ns). */
static void time_unit(FILE *meta, int fig, double max_ns)
{
	static const struct { double lim, div; const char *u; } t[] = {
		{ 1e4, 1, "ns" }, { 1e7, 1e3, "µs" }, { 1e10, 1e6, "ms" },
		{ INFINITY, 1e9, "s" },
	};
	size_t i;

	for (i = 0; i + 1 < sizeof(t) / sizeof(t[0]) && !(max_ns < t[i].lim); i++)
		;
	fprintf(meta, "F%d_DIV = %g\n", fig, t[i].div);
	gp_varf(meta, "F%d_U%.0d", fig, 0, t[i].u);
}

/* An axis' range (dlo..dhi when nothing was drawn); its top. */
static double axis(FILE *meta, int fig, char ax, double lo, double hi,
		   double dlo, double dhi)
{
	if (!isfinite(lo)) {
		lo = dlo;
		hi = dhi;
	}
	fprintf(meta, "F%d_%cMIN = %.6g\nF%d_%cMAX = %.6g\n", fig, ax, lo, fig,
		ax, hi);
	return hi;
}

static void range(double *lo, double *hi, double a, double b)
{
	if (a > 0 && a < *lo)
		*lo = a;
	if (b > *hi)
		*hi = b;
}

/* The cells of a figure: of a workload with all the roles, measured. */
static int is_fig(const struct rr_cell *c, unsigned int roles,
		  unsigned int none)
{
	return (c->wl->roles & roles) == roles && !(c->wl->roles & none) &&
	       c->n > 0;
}

/*
 * For each primitive the cell without extras that has the most threads,
 * then the smallest cs.  Sorted by primitive order.
 */
static int pick_per_prim(const struct rv_run *p, unsigned int roles,
			 unsigned int none, const struct rr_cell **out)
{
	int i, j, n = 0;

	for (i = 0; i < p->nc; i++) {
		const struct rr_cell *c = &p->c[i];

		if (!is_fig(c, roles, none) || rr_has_extras(&c->p))
			continue;
		for (j = 0; j < n && strcmp(out[j]->primitive, c->primitive); j++)
			;
		if (j == n)
			out[n++] = c;
		else if (c->p.threads > out[j]->p.threads ||
			 (c->p.threads == out[j]->p.threads &&
			  c->p.cs < out[j]->p.cs))
			out[j] = c;
	}
	rr_sort(out, n, RR_BY_PRIM);
	return n;
}

/* "unbind, threads:2 cs:1" from the cells picked */
static void pick_note(char *buf, size_t len, const char *what,
		      const struct rr_cell **sel, int n)
{
	long t0 = LONG_MAX, t1 = -1, c0 = LONG_MAX, c1 = -1;
	char t[48], c[48];
	int i;

	for (i = 0; i < n; i++) {
		t0 = sel[i]->p.threads < t0 ? sel[i]->p.threads : t0;
		t1 = sel[i]->p.threads > t1 ? sel[i]->p.threads : t1;
		c0 = sel[i]->p.cs < c0 ? sel[i]->p.cs : c0;
		c1 = sel[i]->p.cs > c1 ? sel[i]->p.cs : c1;
	}
	snprintf(t, sizeof(t), t0 == t1 ? "threads:%ld" : "threads:%ld..%ld",
		 t0 == t1 ? t1 : t0, t1);
	snprintf(c, sizeof(c), c0 == c1 ? "cs:%ld" : "cs:%ld..%ld",
		 c0 == c1 ? c1 : c0, c1);
	if (!n)
		snprintf(buf, len, "%s: no cells", what);
	else
		snprintf(buf, len, "%s, %s %s", what, t, c);
}

static void cell_stats(const double *v, int n, FILE *fp, double *lo,
		       double *hi)
{
	double mn = rs_min(v, n), mx = rs_max(v, n);

	fprintf(fp, "%.6g %.6g %.6g", rs_median(v, n), mn, mx);
	range(lo, hi, mn, mx);
}

/* ---- figure 1: reader cost against threads ----------------------------- */

static int fig1(FILE *meta, struct rv_run *p, int np, const char *dir,
		const struct rr_cell **sel)
{
	double ymin = INFINITY, ymax = -INFINITY;
	long tmax = 1;
	int pi, i;

	for (pi = 0; pi < np; pi++) {
		long cs0 = LONG_MAX;
		char note[160];
		struct fig d;
		int nsel = 0;

		for (i = 0; i < p[pi].nc; i++)
			if (is_fig(&p[pi].c[i], RR_READER | RR_SWEEP_CS, 0) &&
			    !rr_has_extras(&p[pi].c[i].p) && p[pi].c[i].p.cs < cs0)
				cs0 = p[pi].c[i].p.cs;
		for (i = 0; i < p[pi].nc; i++)
			if (is_fig(&p[pi].c[i], RR_READER | RR_SWEEP_CS, 0) &&
			    !rr_has_extras(&p[pi].c[i].p) && p[pi].c[i].p.cs == cs0)
				sel[nsel++] = &p[pi].c[i];
		rr_sort(sel, nsel, RR_BY_PRIM);
		if (fig_open(&d, dir, 1, pi, "reader cost", p[pi].f.path))
			return -1;
		fprintf(d.fp, "# blocks: one per primitive\n"
			"# threads median_ns min_ns max_ns repetitions\n");
		for (i = 0; i < nsel; i++) {
			if (!i || strcmp(sel[i]->primitive, sel[i - 1]->primitive))
				fig_block(&d, sel[i]->primitive, sel[i]->primitive,
					  sel[i]->primitive);
			fprintf(d.fp, "%ld ", sel[i]->p.threads);
			cell_stats(sel[i]->v, sel[i]->n, d.fp, &ymin, &ymax);
			fprintf(d.fp, " %d\n", sel[i]->n);
			tmax = sel[i]->p.threads > tmax ? sel[i]->p.threads : tmax;
		}
		if (nsel)
			snprintf(note, sizeof(note), "%s, cs:%ld, %d runs",
				 sel[0]->workload, cs0, sel[0]->n);
		else
			snprintf(note, sizeof(note), "no reader cells with a cs knob in this file");
		if (fig_close(&d, meta, note))
			return -1;
	}
	ymax = axis(meta, 1, 'Y', ymin, ymax, 1, 10);
	fprintf(meta, "F1_XMAX = %ld\n", tmax);
	time_unit(meta, 1, ymax);
	return 0;
}

/* ---- figure 2: revoke latency CDF --------------------------------------- */

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The CDF of a cell's samples, thinned; 0 when it has none. */
static int cdf(struct fig *d, const struct rr_file *f,
	       const struct rr_cell *c, double *lo, double *hi)
{
	double *s = xmalloc((f->ns + 1) * sizeof(double));
	size_t k, m = 0, idx;
	char head[512];

	for (k = 0; k < f->ns; k++)
		if (!strcmp(f->s[k].key, c->key) && f->s[k].ns > 0)
			s[m++] = f->s[k].ns;
	if (m) {
		qsort(s, m, sizeof(double), cmp_d);
		snprintf(head, sizeof(head), "%s %s (%zu samples)",
			 c->primitive, c->key, m);
		fig_block(d, head, NULL, NULL);
		for (k = 0; k < (m > CDF_POINTS ? CDF_POINTS : m); k++) {
			idx = m > CDF_POINTS ? (size_t)((double)k * (m - 1) /
							(CDF_POINTS - 1)) : k;
			fprintf(d->fp, "%.6g %.6g\n", s[idx], (double)(idx + 1) / m);
		}
		range(lo, hi, s[0], s[m - 1]);
	}
	free(s);
	return m > 0;
}

/* Without samples: the p50/p90/p99/max counters as four CDF points. */
static int cdf_counters(struct fig *d, const struct rr_cell *c, double *lo,
			double *hi)
{
	static const char *const qn[] = {
		"revoke_p50_ns", "revoke_p90_ns", "revoke_p99_ns",
		"revoke_max_ns",
	};
	static const double qf[] = { 0.5, 0.9, 0.99, 1.0 };
	char head[512];
	double q[4];
	int k;

	for (k = 0; k < 4; k++)
		if (!rr_cell_median(c, qn[k], &q[k]) || !(q[k] > 0))
			return 0;
	snprintf(head, sizeof(head), "%s %s (percentile counters)",
		 c->primitive, c->key);
	fig_block(d, head, NULL, NULL);
	for (k = 0; k < 4; k++) {
		fprintf(d->fp, "%.6g %.6g\n", q[k], qf[k]);
		range(lo, hi, q[k], q[k]);
	}
	return 1;
}

static int fig2(FILE *meta, struct rv_run *p, int np, const char *dir,
		const struct rr_cell **sel)
{
	double xmin = INFINITY, xmax = -INFINITY;
	int pi, i;

	for (pi = 0; pi < np; pi++) {
		int nsel, nsamp = 0, nctr = 0;
		char note[200], pick[120], lbl[96];
		struct fig d;
		long tmax = -1;

		nsel = pick_per_prim(&p[pi], RR_CYCLE, RR_MANY, sel);
		for (i = 0; i < nsel; i++)
			tmax = sel[i]->p.threads > tmax ? sel[i]->p.threads : tmax;
		if (fig_open(&d, dir, 2, pi, "revoke latency CDF", p[pi].f.path))
			return -1;
		fprintf(d.fp, "# revoke_ns cumulative_fraction\n");
		for (i = 0; i < nsel; i++) {
			const struct rr_cell *c = sel[i];
			int got = cdf(&d, &p[pi].f, c, &xmin, &xmax);

			nsamp += got;
			if (!got && !cdf_counters(&d, c, &xmin, &xmax))
				continue;
			nctr += !got;
			snprintf(lbl, sizeof(lbl), c->p.threads != tmax ?
				 "%s(threads:%ld)" : "%s", c->primitive,
				 c->p.threads);
			fig_key(&d, lbl, c->primitive);
		}
		pick_note(pick, sizeof(pick), nsel ? sel[0]->workload : "revoke",
			  sel, nsel);
		if (!d.nt)
			snprintf(note, sizeof(note), "no revoke cells with samples or percentile counters");
		else if (!nctr)
			snprintf(note, sizeof(note), "%s; raw samples", pick);
		else if (!nsamp)
			snprintf(note, sizeof(note), "%s; NO samples file: p50/p90/p99/max points only", pick);
		else
			snprintf(note, sizeof(note), "%s; %d primitives without samples: percentile points", pick, nctr);
		if (fig_close(&d, meta, note))
			return -1;
	}
	time_unit(meta, 2, axis(meta, 2, 'X', xmin, xmax, 1, 1000));
	return 0;
}

/* ---- bar figures 3 and 6: primitives on x, one colour per file ---------- */

static int bars(FILE *meta, struct rv_run *p, int np, const char *dir,
		const struct rr_cell **sel, int fig, unsigned int roles,
		const char *counter)
{
	char xt[4096] = "", missing[1024] = "", name[32], what[64] = "";
	const char *prims[64];
	double ymin = INFINITY, ymax = -INFINITY, bmax = 0;
	int nprim = 0, pi, i, j;

	/* the union of primitives, in the table's order */
	for (pi = 0; pi < np; pi++) {
		int nsel = pick_per_prim(&p[pi], roles, 0, sel);

		for (i = 0; i < nsel; i++) {
			for (j = 0; j < nprim && strcmp(prims[j], sel[i]->primitive); j++)
				;
			if (j == nprim && nprim < 64)
				prims[nprim++] = sel[i]->primitive;
			snprintf(what, sizeof(what), "%s", sel[i]->workload);
		}
	}
	for (i = 1; i < nprim; i++)
		for (j = i; j > 0 && (rr_prim_rank(prims[j - 1]) > rr_prim_rank(prims[j]) ||
				      (rr_prim_rank(prims[j - 1]) == rr_prim_rank(prims[j]) &&
				       strcmp(prims[j - 1], prims[j]) > 0)); j--) {
			const char *t = prims[j];

			prims[j] = prims[j - 1];
			prims[j - 1] = t;
		}
	for (i = 0; i < nprim; i++)
		words_add(xt, sizeof(xt), prims[i]);
	for (pi = 0; pi < np; pi++) {
		int nsel = pick_per_prim(&p[pi], roles, 0, sel), used_rt = 0, slot;
		char note[200], pick[120];
		struct fig d;

		if (fig_open(&d, dir, fig, pi, what, p[pi].f.path))
			return -1;
		fprintf(d.fp, "# slot primitive median_ns min_ns max_ns bytes_per_rev\n");
		for (i = 0; i < nsel; i++) {
			const struct rr_cell *c = sel[i];
			double *v = xmalloc((c->n + 1) * sizeof(double)), bytes = NAN;
			int m = counter ? rr_cell_metric(c, counter, v) : 0, k;

			for (slot = 0; slot < nprim && strcmp(prims[slot], c->primitive); slot++)
				;
			fprintf(d.fp, "%d %s ", slot, c->primitive);
			used_rt += !m;
			cell_stats(m ? v : c->v, m ? m : c->n, d.fp, &ymin, &ymax);
			free(v);
			/* bytes per revocable: this cell's, else any of the primitive */
			for (k = -1; k < p[pi].nc && !isfinite(bytes); k++)
				if ((k < 0 || !strcmp(p[pi].c[k].primitive, c->primitive)) &&
				    !rr_cell_median(k < 0 ? c : &p[pi].c[k],
						    "bytes_per_rev", &bytes))
					bytes = NAN;
			fprintf(d.fp, isfinite(bytes) ? " %.6g\n" : " NaN\n", bytes);
			bmax = bytes > bmax ? bytes : bmax;
			d.nt++;
		}
		pick_note(pick, sizeof(pick), what, sel, nsel);
		if (!d.nt)
			snprintf(note, sizeof(note), "no %s cells", *what ? what :
				 "such");
		else if (counter && used_rt)
			snprintf(note, sizeof(note), "%s; %d without %s: real_time",
				 pick, used_rt, counter);
		else
			snprintf(note, sizeof(note), "%s", pick);
		if (!d.nt) {
			fprintf(d.fp, "# (no rows)\n");
			words_add(missing, sizeof(missing), ut_basename(p[pi].f.path));
		}
		if (ut_afile_commit(&d.af))
			return -1;
		fprintf(meta, "F%d_N%d = %d\n", fig, pi + 1, d.nt);
		gp_varf(meta, "F%d_NOTE%d", fig, pi + 1, note);
	}
	snprintf(name, sizeof(name), "F%d_XT", fig);
	gp_var(meta, name, xt);
	/* files without any cell for this figure (no bar, no key) */
	snprintf(name, sizeof(name), "F%d_MISSING", fig);
	gp_var(meta, name, missing);
	ymax = axis(meta, fig, 'Y', ymin, ymax, 1, 10);
	fprintf(meta, "F%d_BMAX = %.6g\n", fig, bmax);
	time_unit(meta, fig, ymax);
	return 0;
}

/* ---- figure 4: unbind of many ---------------------------------------------- */

/* extras n: and mode: only, n > 0 */
static int many_cell(const struct rr_cell *c)
{
	struct rr_params p = c->p;

	if (!is_fig(c, RR_CYCLE | RR_MANY, 0) || p.nmany <= 0)
		return 0;
	p.nmany = -1;
	p.ntag = p.ntag == 1 && rr_tag(&c->p, "mode") ? 0 : p.ntag;
	return !rr_has_extras(&p);
}

static int fig4(FILE *meta, struct rv_run *p, int np, const char *dir,
		const struct rr_cell **sel)
{
	static const char *const modes[] = { "batched", "oneby" };
	double ymin = INFINITY, ymax = -INFINITY, xmin = INFINITY, xmax = 1;
	int pi, i, j, mi;

	for (pi = 0; pi < np; pi++) {
		char note[200], dt[256] = "";
		long tmax = -1, cs0 = LONG_MAX;
		int nsel = 0, nmodes[2] = { 0, 0 };
		struct fig d;

		for (i = 0; i < p[pi].nc; i++) {
			const struct rr_cell *c = &p[pi].c[i];

			if (!many_cell(c))
				continue;
			if (c->p.threads > tmax) {
				tmax = c->p.threads;
				cs0 = LONG_MAX;
			}
			if (c->p.threads == tmax && c->p.cs < cs0)
				cs0 = c->p.cs;
		}
		for (i = 0; i < p[pi].nc; i++)
			if (many_cell(&p[pi].c[i]) && p[pi].c[i].p.threads == tmax &&
			    p[pi].c[i].p.cs == cs0)
				sel[nsel++] = &p[pi].c[i];
		rr_sort(sel, nsel, RR_BY_PRIM);
		if (fig_open(&d, dir, 4, pi, nsel ? sel[0]->workload : "unbind of many",
			     p[pi].f.path))
			return -1;
		fprintf(d.fp, "# n median_ns min_ns max_ns repetitions\n");
		/* blocks: per primitive, batched first then one by one,
		 * ascending n (the cells are sorted by parameters) */
		for (i = 0; i < nsel; i = j) {
			for (j = i; j < nsel && !strcmp(sel[j]->primitive,
							sel[i]->primitive); j++)
				;
			for (mi = 0; mi < 2; mi++) {
				int k, rows = 0;
				char head[96];

				for (k = i; k < j; k++) {
					const struct rr_cell *c = sel[k];
					const char *m = rr_tag(&c->p, "mode");

					if (!m || strcmp(m, modes[mi]))
						continue;
					if (!rows++) {
						snprintf(head, sizeof(head), "%s %s",
							 c->primitive, modes[mi]);
						fig_block(&d, head, c->primitive,
							  c->primitive);
						words_add(dt, sizeof(dt), mi ? "2" : "1");
						nmodes[mi]++;
					}
					fprintf(d.fp, "%ld ", c->p.nmany);
					cell_stats(c->v, c->n, d.fp, &ymin, &ymax);
					fprintf(d.fp, " %d\n", c->n);
					range(&xmin, &xmax, c->p.nmany, c->p.nmany);
				}
			}
		}
		if (nsel)
			snprintf(note, sizeof(note), "%s, threads:%ld cs:%ld",
				 sel[0]->workload, tmax, cs0);
		else
			snprintf(note, sizeof(note), "no unbind-of-many cells in this file");
		if (fig_close(&d, meta, NULL))
			return -1;
		gp_varf(meta, "F4_D%d%.0d", pi + 1, 0, dt);
		gp_varf(meta, "F4_NOTE%d%.0d", pi + 1, 0, note);
		fprintf(meta, "F4_NB%d = %d\nF4_NO%d = %d\n", pi + 1,
			nmodes[0], pi + 1, nmodes[1]);
	}
	ymax = axis(meta, 4, 'Y', ymin, ymax, 1, 10);
	axis(meta, 4, 'X', xmin, xmax, 1, xmax);
	time_unit(meta, 4, ymax);
	return 0;
}

/* ---- figure 5: revoke latency against critical-section length ----------- */

struct cond {
	char key[128];		/* params without threads: */
	char label[48];
	int kind;		/* 0 cs only, 1 delay, 2 sleep, 3 stall, 4 other */
	long val, cs;
};

static void fmt_us(char *buf, size_t len, double us)
{
	snprintf(buf, len, us >= 1e6 ? "%g s" : us >= 1e3 ? "%g ms" : "%g us",
		 us >= 1e6 ? us / 1e6 : us >= 1e3 ? us / 1e3 : us);
}

static void make_cond(const struct rr_cell *c, struct cond *d)
{
	const char *q = strchr(c->params, '/');
	const struct rr_params *p = &c->p;
	char tmp[32];

	/* the name after threads:T is the condition */
	snprintf(d->key, sizeof(d->key), "%s", q && !strncmp(c->params,
		 "threads:", 8) ? q + 1 : c->params);
	d->cs = p->cs;
	d->kind = p->stall_us >= 0 ? 3 : p->sleep_us >= 0 ? 2 :
		  p->delay_ns >= 0 ? 1 : rr_has_extras(p) ? 4 : 0;
	d->val = d->kind == 3 ? p->stall_us : d->kind == 2 ? p->sleep_us :
		 d->kind == 1 ? p->delay_ns : d->kind == 4 ? 0 : p->cs;
	fmt_us(tmp, sizeof(tmp), d->kind == 1 ? d->val / 1000.0 : d->val);
	if (d->kind == 3 && p->cs > 1)
		snprintf(d->label, sizeof(d->label), "cs:%d+stall %s", (int)p->cs, tmp);
	else if (d->kind >= 1 && d->kind <= 3)
		snprintf(d->label, sizeof(d->label), "%s %s", d->kind == 3 ?
			 "stalled" : d->kind == 2 ? "sleep" : "delay", tmp);
	else if (d->kind == 4)
		snprintf(d->label, sizeof(d->label), "%.47s", d->key);
	else
		snprintf(d->label, sizeof(d->label), "cs:%ld", p->cs);
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

/* The p50 and top of a cell's bar; which source, counted in src[]. */
static void bar_of(const struct rr_file *f, const struct rr_cell *c,
		   double *p50, double *top, int src[5])
{
	struct rr_pctl pc;

	if (rr_pctl(f, c->key, 0, &pc)) {
		*p50 = pc.est[RR_P50];
		*top = pc.shown[RR_P99] ? pc.est[RR_P99] :
		       pc.shown[RR_P90] ? pc.est[RR_P90] : *p50;
		src[pc.shown[RR_P99] ? 0 : pc.shown[RR_P90] ? 1 : 2]++;
	} else if (rr_cell_median(c, "revoke_p50_ns", p50) &&
		   rr_cell_median(c, "revoke_p99_ns", top)) {
		src[3]++;
	} else {
		*p50 = rs_median(c->v, c->n);
		*top = rs_max(c->v, c->n);
		src[4]++;
	}
}

static int fig5(FILE *meta, struct rv_run *p, int np, const char *dir,
		const struct rr_cell **sel)
{
	double ymin = INFINITY, ymax = -INFINITY;
	int maxcond = 0, pi, i, j, k, m;

	for (pi = 0; pi < np; pi++) {
		struct cond *conds = xcalloc(p[pi].nc + 1, sizeof(*conds)), d;
		int nsel = 0, ncond = 0, src[5] = { 0 };
		char name[64], note[200];
		struct fig fd;
		long tmax = -1;

		for (i = 0; i < p[pi].nc; i++)
			if (is_fig(&p[pi].c[i], RR_CYCLE, RR_MANY))
				tmax = p[pi].c[i].p.threads > tmax ?
				       p[pi].c[i].p.threads : tmax;
		for (i = 0; i < p[pi].nc; i++) {
			if (!is_fig(&p[pi].c[i], RR_CYCLE, RR_MANY) ||
			    p[pi].c[i].p.threads != tmax)
				continue;
			sel[nsel++] = &p[pi].c[i];
			make_cond(&p[pi].c[i], &d);
			for (j = 0; j < ncond && strcmp(conds[j].key, d.key); j++)
				;
			if (j == ncond)
				conds[ncond++] = d;
		}
		qsort(conds, ncond, sizeof(*conds), cond_cmp);
		rr_sort(sel, nsel, RR_BY_PRIM);
		if (fig_open(&fd, dir, 5, pi, "revoke latency vs critical section",
			     p[pi].f.path)) {
			free(conds);
			return -1;
		}
		fprintf(fd.fp, "# category p50_ns p50_ns top_ns   (pooled samples: top = p99 with >= 1000\n"
			"# samples, else p90 with >= 100, else p50; no samples file: medians over\n"
			"# repetitions of the revoke_p50_ns / revoke_p99_ns counters; x = category index)\n");
		for (i = 0; i < nsel; i = j) {
			int rows = 0, lastkind = -1;

			for (j = i; j < nsel && !strcmp(sel[j]->primitive,
							sel[i]->primitive); j++)
				;
			for (k = 0; k < ncond; k++)
				for (m = i; m < j; m++) {
					double p50, top;

					make_cond(sel[m], &d);
					if (strcmp(d.key, conds[k].key))
						continue;
					bar_of(&p[pi].f, sel[m], &p50, &top, src);
					if (!rows++)
						fig_block(&fd, sel[i]->primitive,
							  sel[i]->primitive,
							  sel[i]->primitive);
					else if (conds[k].kind != lastkind)
						fputc('\n', fd.fp); /* no line across kinds */
					lastkind = conds[k].kind;
					fprintf(fd.fp, "%d %.6g %.6g %.6g\n", k, p50,
						p50, top);
					range(&ymin, &ymax, p50, top);
				}
		}
		/* category labels: F5_XT<panel>_<k>, k from 1 (x = k - 1) */
		for (k = 0; k < ncond; k++) {
			snprintf(name, sizeof(name), "F5_XT%d_%d", pi + 1, k + 1);
			gp_var(meta, name, conds[k].label);
		}
		maxcond = ncond > maxcond ? ncond : maxcond;
		if (!nsel)
			snprintf(note, sizeof(note), "no revoke cells in this file");
		else if (src[4])
			snprintf(note, sizeof(note),
				 "%s, threads:%ld; %d cells without p50/p99: real_time median..max",
				 sel[0]->workload, tmax, src[4]);
		else if (src[3])
			snprintf(note, sizeof(note),
				 "%s, threads:%ld; NO samples file: medians of per-repetition p50..p99",
				 sel[0]->workload, tmax);
		else
			snprintf(note, sizeof(note),
				 "%s, threads:%ld; pooled samples: bar to p99 (n>=1000: %d cells), p90 (n>=100: %d), none (%d)",
				 sel[0]->workload, tmax, src[0], src[1], src[2]);
		free(conds);
		fprintf(meta, "F5_N%d = %d\nF5_NC%d = %d\n", pi + 1, fd.nt,
			pi + 1, ncond);
		if (ut_afile_commit(&fd.af))
			return -1;
		gp_varf(meta, "F5_T%d%.0d", pi + 1, 0, fd.t);
		gp_varf(meta, "F5_L%d%.0d", pi + 1, 0, fd.lt);
		gp_varf(meta, "F5_NOTE%d%.0d", pi + 1, 0, note);
	}
	ymax = axis(meta, 5, 'Y', ymin, ymax, 1, 10);
	fprintf(meta, "F5_MAXC = %d\n", maxcond);
	time_unit(meta, 5, ymax);
	return 0;
}

/* ---- figure 7: what a revoke costs the revoker ---------------------------- */

static int fig7(FILE *meta, struct rv_run *p, int np, const char *dir,
		const struct rr_cell **sel)
{
	double lo = INFINITY, hi = -INFINITY;
	int pi, i;

	for (pi = 0; pi < np; pi++) {
		int nsel = pick_per_prim(&p[pi], RR_CYCLE, RR_MANY, sel), got = 0;
		char note[200], pick[120], lbl[96];
		long tmax = -1;
		struct fig d;

		for (i = 0; i < nsel; i++)
			tmax = sel[i]->p.threads > tmax ? sel[i]->p.threads : tmax;
		if (fig_open(&d, dir, 7, pi, "revoker CPU time against latency",
			     p[pi].f.path))
			return -1;
		for (i = 0; i < nsel; i++) {
			const struct rr_cell *c = sel[i];
			double *v = xmalloc((c->n + 1) * sizeof(double));
			int m = rr_cell_metric(c, "revoke_cpu_ns", v);

			if (m) {
				snprintf(lbl, sizeof(lbl), c->p.threads != tmax ?
					 "%s(threads:%ld)" : "%s", c->primitive,
					 c->p.threads);
				fig_block(&d, c->key, lbl, c->primitive);
				fprintf(d.fp, "# latency_ns min max cpu_ns min max\n");
				cell_stats(c->v, c->n, d.fp, &lo, &hi);
				fprintf(d.fp, " ");
				cell_stats(v, m, d.fp, &lo, &hi);
				fprintf(d.fp, "\n");
				got++;
			}
			free(v);
		}
		pick_note(pick, sizeof(pick), nsel ? sel[0]->workload : "revoke",
			  sel, nsel);
		if (got)
			snprintf(note, sizeof(note), "%s", pick);
		else
			snprintf(note, sizeof(note), "no revoke_cpu_ns counters (files before December 2026)");
		if (fig_close(&d, meta, note))
			return -1;
	}
	/* one range and unit for both axes: the diagonal is CPU = wall */
	time_unit(meta, 7, axis(meta, 7, 'X', lo, hi, 1, 1000));
	return 0;
}

/* ---- driver --------------------------------------------------------------- */

static void panel_meta(FILE *meta, struct rv_run *p, int np)
{
	char buf[600];
	int pi;

	fprintf(meta, "NP = %d\n", np);
	for (pi = 0; pi < np; pi++) {
		const struct rr_file *f = &p[pi].f;
		const char *env = rr_env(f), *kern = rr_ctx(f, "kernel");
		const char *k = rr_kernel(f);
		int syn = rr_ctx(f, "synthetic") != NULL, n;

		n = snprintf(buf, sizeof(buf), "%s", syn ?
			     "SYNTHETIC data, not measured: " : "");
		if (rr_is_tcg(f))
			snprintf(buf + n, sizeof(buf) - n,
				 "kernel module, qemu TCG emulation: timings NOT representative");
		else if (!strcmp(env, "kernel"))
			snprintf(buf + n, sizeof(buf) - n, "kernel module%s%s",
				 k ? ", " : "", k ? k : "");
		else if (!strcmp(env, "userspace"))
			snprintf(buf + n, sizeof(buf) - n, "userspace%s%s",
				 kern ? ", kernel " : "", kern ? kern : "");
		else
			snprintf(buf + n, sizeof(buf) - n, "environment %s", env);
		gp_varf(meta, "PANEL%d%.0d", pi + 1, 0, buf);
		gp_varf(meta, "FILE%d%.0d", pi + 1, 0, ut_basename(f->path));
		fprintf(meta, "TCG%d = %d\nSYN%d = %d\n", pi + 1, rr_is_tcg(f),
			pi + 1, syn);
		/* short form for bar keys */
		snprintf(buf, sizeof(buf), "%s%s%s", syn ? "SYNTHETIC " : "", env,
			 rr_is_tcg(f) ? ": timings NOT representative" : "");
		gp_varf(meta, "SHORT%d%.0d", pi + 1, 0, buf);
	}
}

int ex_gnuplot(char **paths, int n, const char *dir)
{
	struct rv_run p[MAX_FILES];
	struct ut_afile meta = { 0 };
	const struct rr_cell **sel = NULL;	/* a figure's cells */
	char *old = NULL;
	int i, ret = 2, loaded = 0, maxc = 0;

	if (n < 1 || n > MAX_FILES) {
		ut_bad("export", "give 1 to %d results files", MAX_FILES);
		return 2;
	}
	for (i = 0; i < n; i++, loaded++) {
		if (rv_load(&p[i], paths[i], 0))
			goto out;
		maxc = p[i].nc > maxc ? p[i].nc : maxc;
	}
	sel = xcalloc(maxc + 1, sizeof(*sel));
	if (ut_mkdir_p(dir)) {
		ut_bad("export", "%s: cannot create output directory: %s", dir,
		       strerror(errno));
		goto out;
	}
	if (access(dir, W_OK)) {
		ut_bad("export", "%s: output directory not writable: %s", dir,
		       strerror(errno));
		goto out;
	}
	/*
	 * meta.gp is written last: its presence means the data set is
	 * complete.  Remove an old one first, so that a failed export never
	 * leaves new data files next to a stale meta.gp.
	 */
	old = xasprintf("%s/meta.gp", dir);
	if (unlink(old) && errno != ENOENT) {
		ut_bad("export", "%s: %s", old, strerror(errno));
		goto out;
	}
	if (ut_afile_open(&meta, old))
		goto out;
	fprintf(meta.fp, "# written by revbench export --gnuplot; read by plot/figN-*.gp\n");
	panel_meta(meta.fp, p, n);
	linetypes(meta.fp);
	if (fig1(meta.fp, p, n, dir, sel) || fig2(meta.fp, p, n, dir, sel) ||
	    bars(meta.fp, p, n, dir, sel, 3, RR_FAILPATH, "error_ns") ||
	    fig4(meta.fp, p, n, dir, sel) || fig5(meta.fp, p, n, dir, sel) ||
	    bars(meta.fp, p, n, dir, sel, 6, RR_CREATE, NULL) ||
	    fig7(meta.fp, p, n, dir, sel) ||
	    ut_afile_commit(&meta))
		goto out;
	ret = 0;
out:
	if (meta.fp)
		ut_afile_abort(&meta);
	free(old);
	free(sel);
	for (i = 0; i < loaded; i++)
		rv_free_run(&p[i]);
	return ret;
}

static void export_usage(FILE *fp)
{
	fprintf(fp,
		"usage: revbench export --gnuplot -o DIR RESULTS.json [RESULTS.json...]\n"
		"  Writes DIR/meta.gp and DIR/figN-pP.dat, the data of the seven figures\n"
		"  drawn by plot/figN-*.gp (see plot/README.md).  Up to %d results files;\n"
		"  each one becomes a panel (or a bar colour), e.g. userspace and kernel.\n"
		"  Exit 0 on success, 2 on bad input or an unwritable DIR.\n",
		MAX_FILES);
}

int cmd_export(int argc, char **argv)
{
	bool gnuplot = false;
	const char *dir = NULL, *pos[MAX_FILES + 1];
	const struct ut_opt opts[] = {
		{ "--gnuplot", 0, UT_FLAG, &gnuplot, 0, 0, NULL, NULL },
		{ "--out", 'o', UT_STR, &dir, 0, 0, NULL, NULL },
	};
	int npos, r;

	r = ut_getopt("export", argc, argv, opts, 2, pos, &npos, MAX_FILES + 1,
		      NULL, NULL);
	if (r > 0)
		export_usage(stdout);
	if (r)
		return r > 0 ? 0 : 2;
	if (!gnuplot || !dir || !npos) {
		ut_bad("export", "%s", !gnuplot ? "only --gnuplot output exists; say --gnuplot" :
		       !dir ? "missing -o DIR" : "no results files given");
		export_usage(stderr);
		return 2;
	}
	return ex_gnuplot((char **)pos, npos, dir);
}
