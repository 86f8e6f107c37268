// SPDX-License-Identifier: GPL-2.0
/*
 * stats - unit tests of analysis/stats.c, the statistics behind "revbench
 * compare" and the pooled percentiles of "revbench report", on synthetic
 * samples with fixed seeds (no timing, no files).
 *
 *   - distribution functions against values computed with scipy 1.10;
 *   - Holm and Benjamini-Hochberg on a worked example;
 *   - A/A: two sides drawn from one distribution, 200 cells in 4
 *     workloads, each run with its own run effect (the run-to-run
 *     variance that repetitions inside one process do not show), cells
 *     of a workload unequal in noise: no corrected regression, with 1, 2
 *     and 3 runs per side; over 40 seeds, the share of A/A compares with
 *     any REGRESSED stays near alpha (with one run per side only while
 *     the cells of a workload are within ~1.6x in noise: a known limit,
 *     printed as a diagnostic);
 *   - teeth: the same data with the correction off, or with repetitions
 *     taken as independent (the old compare), DOES report regressions;
 *   - A/B: 10 cells shifted by +30 % (3 runs per side) or +50 % (1 run)
 *     are found, and nothing else is;
 *   - a NEW run from a busier machine (half of a workload's cells slower)
 *     is absorbed by genomic control, and is not without it;
 *   - one run a side with a history: the cells' noise from earlier runs,
 *     a host state that moves a whole group taken out, the one cell that
 *     moved beyond it found;
 *   - rates (higher is better), zero-noise counters;
 *   - pooled percentiles: type-7 values, the printing rule, a bootstrap
 *     interval that is reproducible and covers the true quantile;
 *   - change points (e-divisive means, fixed seed): a step is found where
 *     it is, two steps both, a ramp is cut inside it (e-divisive splits a
 *     trend into pieces, as ecp::e.divisive does on the paper's shapes),
 *     pure noise and a single outlier give none (the permutation test
 *     sees that one wild value moves anywhere); over 40 noise series the
 *     share with a false change point stays near alpha; and the result
 *     is the same every time.
 *
 * It compiles analysis/stats.c into itself (the file has no other
 * dependency), so every test variant (plain, ASan+UBSan, TSan) runs it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "../analysis/stats.c"

#define NCELL	200
#define NGROUP	4
#define NREP	9
#define MAXRUN	3

struct model {
	double mu[NCELL];	/* log of the cell's true value */
	double sw[NCELL];	/* within-run sd (log) */
	double tau[NCELL];	/* run-to-run sd (log) */
	int group[NCELL];
};

/* per-workload typical run-to-run noise, like translate..unbind-many */
static const double group_tau[NGROUP] = { 0.02, 0.05, 0.10, 0.03 };

/*
 * het: sd of log(tau_cell / tau_workload).  0.25 puts 95 % of the cells
 * within 1.6x of their workload's noise; 0.5 within 2.7x.
 */
static void make_model(struct model *m, uint64_t seed, double het)
{
	struct rs_rng r;
	int c;

	rs_rng_seed(&r, seed);
	for (c = 0; c < NCELL; c++) {
		m->group[c] = c % NGROUP;
		m->mu[c] = log(1 + 1e4 * rs_rng_unif(&r));
		m->sw[c] = 0.03 * exp(0.5 * rs_rng_normal(&r));
		/* cells of one workload differ in noise, too */
		m->tau[c] = group_tau[m->group[c]] * exp(het * rs_rng_normal(&r));
	}
}

struct data {
	double v[2][NCELL][MAXRUN][NREP];
	struct rs_run run[NCELL][2][MAXRUN];
	struct rs_cell_in in[NCELL];
	struct rs_cell_out out[NCELL];
	struct rs_group grp[NGROUP];
};

/* shift[c]: factor applied to NEW's cell c (1 = unchanged) */
static void draw(struct data *d, const struct model *m, int nruns,
		 const double *shift, uint64_t seed)
{
	struct rs_rng r;
	int s, c, j, k;

	rs_rng_seed(&r, seed);
	for (c = 0; c < NCELL; c++) {
		for (s = 0; s < 2; s++) {
			for (j = 0; j < nruns; j++) {
				double run = m->tau[c] * rs_rng_normal(&r);

				for (k = 0; k < NREP; k++)
					d->v[s][c][j][k] = exp(m->mu[c] + run +
						m->sw[c] * rs_rng_normal(&r)) *
						(s && shift ? shift[c] : 1);
				d->run[c][s][j].v = d->v[s][c][j];
				d->run[c][s][j].n = NREP;
			}
			d->in[c].run[s] = d->run[c][s];
			d->in[c].nrun[s] = nruns;
		}
		d->in[c].group = m->group[c];
	}
}

static int count(const struct data *d, enum rs_verdict v)
{
	int c, n = 0;

	for (c = 0; c < NCELL; c++)
		n += d->out[c].verdict == v;
	return n;
}

static int run_cfg(struct data *d, const struct rs_cfg *cfg)
{
	return rs_compare(d->in, NCELL, NGROUP, cfg, d->out, d->grp);
}

static const struct rs_cfg holm = {
	.threshold_pct = 5, .alpha = 0.05, .corr = RS_HOLM,
};

static void test_distributions(void)
{
	static const double tsf[][3] = {	/* t, df, scipy t.sf */
		{ 2.0, 3, 0.069662984279421553 },
		{ -1.5, 7.5, 0.91275971470676787 },
		{ 4.0, 2, 0.028595479208968315 },
		{ 10.0, 4, 0.00028100181135799556 },
		{ 1.0, 1e9, 0.15865525405244277 },
		{ 3.2, 30, 0.0016193008559765687 },
	};
	static const double tq[][3] = {		/* p, df, scipy t.ppf */
		{ 0.975, 4, 2.7764451051977987 },
		{ 0.975, 2.5, 3.5746548420118773 },
		{ 0.995, 10, 3.169272667175838 },
	};
	static const double dg[][3] = {		/* x, digamma, trigamma */
		{ 0.3, -3.5025242222001332, 12.245364546107734 },
		{ 2.5, 0.70315664064524319, 0.49035775610023491 },
		{ 17.0, 2.8035133283274605, 0.060587533403239371 },
	};
	size_t i;
	int bad = 0;

	for (i = 0; i < sizeof(tsf) / sizeof(tsf[0]); i++)
		if (fabs(rs_t_sf(tsf[i][0], tsf[i][1]) - tsf[i][2]) >
		    1e-9 * fmax(1e-3, tsf[i][2])) {
			tap_diag("t_sf(%g, %g) = %.12g, scipy %.12g", tsf[i][0],
				 tsf[i][1], rs_t_sf(tsf[i][0], tsf[i][1]), tsf[i][2]);
			bad++;
		}
	tap_ok(!bad, "Student t survival function equals scipy's (6 points)");
	bad = 0;
	for (i = 0; i < sizeof(tq) / sizeof(tq[0]); i++)
		if (fabs(rs_t_quantile(tq[i][0], tq[i][1]) - tq[i][2]) > 1e-6)
			bad++;
	tap_ok(!bad, "Student t quantiles equal scipy's (3 points)");
	bad = 0;
	for (i = 0; i < sizeof(dg) / sizeof(dg[0]); i++)
		if (fabs(rs_digamma(dg[i][0]) - dg[i][1]) > 1e-9 ||
		    fabs(rs_trigamma(dg[i][0]) - dg[i][2]) > 1e-9 ||
		    fabs(rs_trigamma_inv(dg[i][2]) - dg[i][0]) > 1e-6 * dg[i][0])
			bad++;
	tap_ok(!bad, "digamma, trigamma and its inverse equal scipy's (3 points)");
}

static void test_adjust(void)
{
	const double p[] = { 0.01, 0.04, NAN, 0.03, 0.005 };
	const double holm_want[] = { 0.03, 0.06, NAN, 0.06, 0.02 };
	const double bh_want[] = { 0.02, 0.04, NAN, 0.04, 0.02 };
	double a[5];
	int i, bad = 0;

	rs_adjust(p, 5, RS_HOLM, a);
	for (i = 0; i < 5; i++)
		if (isnan(p[i]) ? !isnan(a[i]) : fabs(a[i] - holm_want[i]) > 1e-12)
			bad++;
	tap_ok(!bad, "Holm: worked example, NaN entries not counted in the family");
	bad = 0;
	rs_adjust(p, 5, RS_BH, a);
	for (i = 0; i < 5; i++)
		if (isnan(p[i]) ? !isnan(a[i]) : fabs(a[i] - bh_want[i]) > 1e-12)
			bad++;
	tap_ok(!bad, "Benjamini-Hochberg: worked example");
}

static struct data d;	/* large: not on the stack */

static void test_aa(const struct model *m)
{
	struct rs_cfg none = holm, within = holm;
	int nruns, t, fp, any;

	none.corr = RS_NONE;
	within.within_only = 1;
	for (nruns = 1; nruns <= MAXRUN; nruns++) {
		draw(&d, m, nruns, NULL, 100 + nruns);
		run_cfg(&d, &holm);
		tap_ok(count(&d, RS_REGRESSED) == 0 && count(&d, RS_NOTEST) == 0,
		       "A/A, %d run%s per side, 200 cells: %d REGRESSED, %d improved (want 0)",
		       nruns, nruns > 1 ? "s" : "", count(&d, RS_REGRESSED),
		       count(&d, RS_IMPROVED));
		/* teeth: the same data without the correction ... */
		run_cfg(&d, &none);
		fp = count(&d, RS_REGRESSED) + count(&d, RS_IMPROVED);
		/* ... and with the repetitions as independent samples */
		run_cfg(&d, &within);
		tap_ok(fp > 0 || count(&d, RS_REGRESSED) > 0,
		       "teeth: the same A/A data, %d run%s: uncorrected %d false verdicts, repetitions-only test %d false REGRESSED",
		       nruns, nruns > 1 ? "s" : "", fp, count(&d, RS_REGRESSED));
	}
	/* the old method fails the A/A test on most seeds */
	any = 0;
	for (t = 0; t < 10; t++) {
		draw(&d, m, 1, NULL, 1000 + t);
		run_cfg(&d, &within);
		any += count(&d, RS_REGRESSED) > 0;
	}
	tap_ok(any >= 8, "teeth: repetitions-only test (the old compare) + Holm: false REGRESSED in %d of 10 A/A compares",
	       any);
}

/*
 * The family-wise rate over 40 seeds.  With one run per side the method
 * assumes that the cells of a workload have similar run-to-run noise;
 * with 3 runs it measures each cell's, so it stands strong heterogeneity.
 */
static int fwer(const struct model *m, int nruns, uint64_t seed, int *cells)
{
	int t, any = 0;

	*cells = 0;
	for (t = 0; t < 40; t++) {
		draw(&d, m, nruns, NULL, seed + t);
		run_cfg(&d, &holm);
		any += count(&d, RS_REGRESSED) > 0;
		*cells += count(&d, RS_REGRESSED);
	}
	return any;
}

static void test_fwer(const struct model *m, const struct model *strong)
{
	int any, cells;

	/* P(Binomial(40, 0.05) >= 7) < 0.005 */
	any = fwer(m, 1, 5100, &cells);
	tap_ok(any <= 6, "A/A, 1 run per side, 40 seeds: %d compares with a false REGRESSED (%d cells), alpha 0.05",
	       any, cells);
	any = fwer(m, 3, 5300, &cells);
	tap_ok(any <= 6, "A/A, 3 runs per side, 40 seeds: %d compares with a false REGRESSED (%d cells)",
	       any, cells);
	any = fwer(strong, 3, 5500, &cells);
	tap_ok(any <= 6, "A/A, 3 runs per side, cells 2.7x apart in noise: %d of 40 compares with a false REGRESSED (%d cells)",
	       any, cells);
	any = fwer(strong, 1, 5700, &cells);
	tap_diag("known limit: 1 run per side, cells 2.7x apart in noise: %d of 40 compares with a false REGRESSED (%d cells): give each side 3 runs",
		 any, cells);
}

static void test_ab(const struct model *m)
{
	double shift[NCELL];
	int c, found, others, nruns;

	for (nruns = 1; nruns <= MAXRUN; nruns += 2) {
		double f = nruns == 1 ? 1.5 : 1.3;

		for (c = 0; c < NCELL; c++)
			/*
			 * like one primitive of 11: 5 of the 50 cells of
			 * each of the two quietest workloads
			 */
			shift[c] = (m->group[c] == 0 || m->group[c] == 3) &&
				   c < 20 ? f : 1;
		draw(&d, m, nruns, shift, 200 + nruns);
		run_cfg(&d, &holm);
		found = others = 0;
		for (c = 0; c < NCELL; c++) {
			if (d.out[c].verdict != RS_REGRESSED)
				continue;
			if (shift[c] > 1)
				found++;
			else
				others++;
		}
		tap_ok(found >= 9 && others == 0,
		       "A/B, %d run%s per side: %d of 10 cells slowed by %.0f %% REGRESSED, %d others",
		       nruns, nruns > 1 ? "s" : "", found, (f - 1) * 100, others);
	}
	/*
	 * Three runs a side whose NEW runs all came from a host 3 % slower
	 * for one group (every cell of it), one cell of it 20 % beyond:
	 * the common move is tested against, not read as noise.
	 */
	for (c = 0; c < NCELL; c++)
		shift[c] = m->group[c] == 0 ? (c == 0 ? 1.03 * 1.2 : 1.03) : 1;
	draw(&d, m, 3, shift, 250);
	run_cfg(&d, &holm);
	tap_ok(d.out[0].verdict == RS_REGRESSED && count(&d, RS_REGRESSED) == 1 &&
	       count(&d, RS_IMPROVED) == 0,
	       "3 -- 3 runs, a group's NEW runs 3 %% slower, one cell 20 %% beyond: it alone REGRESSED (%d REGRESSED, common move %+.1f %%)",
	       count(&d, RS_REGRESSED), expm1(d.grp[0].shift) * 100);
	/* a rate: a drop is the regression, a rise an improvement */
	for (c = 0; c < NCELL; c++)
		shift[c] = c == 0 ? 0.6 : c == 4 ? 1.6 : 1;
	draw(&d, m, 3, shift, 300);
	{
		struct rs_cfg rate = holm;

		rate.higher_is_better = 1;
		run_cfg(&d, &rate);
		tap_ok(d.out[0].verdict == RS_REGRESSED &&
		       d.out[4].verdict == RS_IMPROVED &&
		       count(&d, RS_REGRESSED) == 1,
		       "higher-is-better metric: -40 %% REGRESSED, +60 %% improved, nothing else regressed");
	}
}

/*
 * A busier machine for NEW: its one run has half the cells of one
 * workload 80 % slower (the two-thread cells of a 2-CPU box while
 * something else runs).  Both base runs were quiet, so every per-cell
 * estimate says "no noise"; only the workload as a whole shows that the
 * runs differ more than that.  Genomic control absorbs it.
 */
static void test_busy_run(const struct model *m)
{
	double shift[NCELL];
	struct rs_cfg nogc = holm;
	int c, with, without;

	nogc.no_lambda = 1;
	for (c = 0; c < NCELL; c++)
		shift[c] = m->group[c] == 0 && (c / NGROUP) % 2 ? 1.8 : 1;
	draw(&d, m, 2, shift, 400);
	/* one NEW run: the first */
	for (c = 0; c < NCELL; c++)
		d.in[c].nrun[1] = 1;
	run_cfg(&d, &nogc);
	without = count(&d, RS_REGRESSED);
	run_cfg(&d, &holm);
	with = count(&d, RS_REGRESSED);
	tap_ok(with == 0 && without > 0,
	       "busier machine in the one NEW run (half of a workload +80 %%), 2 -- 1 runs: %d REGRESSED; %d without genomic control (lambda %.2f)",
	       with, without, d.grp[0].lambda);
}

/* A history run of cell c: h's one run of it times scale, a copy. */
static struct rs_run hist_run(const struct data *h, int c, double scale)
{
	double *v = malloc(NREP * sizeof(double));
	int k;

	for (k = 0; k < NREP; k++)
		v[k] = h->v[0][c][0][k] * scale;
	return (struct rs_run){ v, NREP };
}

/* hist[c] (8 runs) becomes cell c's history; NULL frees the one set. */
static void hist_set(struct rs_run (*hist)[8])
{
	static struct rs_run (*cur)[8];
	int c, j;

	for (c = 0; c < NCELL; c++) {
		for (j = 0; !hist && cur && j < 8; j++)
			free((double *)cur[c][j].v);
		d.in[c].hist = hist ? hist[c] : NULL;
		d.in[c].nhist = hist ? 8 : 0;
	}
	cur = hist;
}

/*
 * One run a side with a history: the cells' own run-to-run noise comes
 * from 8 earlier runs.  NEW's one run comes from another state of the
 * host that moved every cell of group 0 by +40 %, and one of them (cell
 * 0) by 5x: only that one is REGRESSED; with no history, the empirical
 * null of the group cannot tell it from the state.
 */
static void test_history(const struct model *m)
{
	static struct data h;
	static struct rs_run hist[NCELL][8];
	double shift[NCELL];
	int c, j, others = 0;

	for (c = 0; c < NCELL; c++)
		shift[c] = c == 0 ? 5 * 1.4 : m->group[c] == 0 ? 1.4 : 1;
	draw(&d, m, 1, shift, 500);
	for (j = 0; j < 8; j++) {
		draw(&h, m, 1, NULL, 600 + j);
		for (c = 0; c < NCELL; c++)
			hist[c][j] = hist_run(&h, c, 1);
	}
	hist_set(hist);
	run_cfg(&d, &holm);
	for (c = 1; c < NCELL; c++)
		others += d.out[c].verdict == RS_REGRESSED;
	tap_ok(d.out[0].verdict == RS_REGRESSED && others == 0 &&
	       d.out[0].replicated == 2 && fabs(expm1(d.grp[0].shift) - 0.4) < 0.1,
	       "one run a side, noise from 8 runs of history, the NEW run's host moved a group +40 %%: the cell 5x beyond it REGRESSED, %d others (common move %+.0f %%)",
	       others, expm1(d.grp[0].shift) * 100);
	/*
	 * The NEW run of cell 3 (no change) disturbed as the host did in
	 * one measured run: 5 of its 9 repetitions 1.6-4.7x slower, its
	 * median ~1.5x.  Its spread says so: not a regression.
	 */
	{
		static const double f[NREP] = { 1, 1.7, 1, 1.8, 4.7, 2.1, 1, 1, 1.6 };

		for (j = 0; j < NREP; j++)
			d.v[1][3][0][j] *= f[j];
		run_cfg(&d, &holm);
		tap_ok(d.out[3].verdict != RS_REGRESSED && d.out[0].verdict == RS_REGRESSED,
		       "history: a NEW run whose repetitions spread as a disturbed host's (median %+.0f %%) is not REGRESSED (%s)",
		       d.out[3].change * 100, rs_verdict_names[d.out[3].verdict]);
	}
	hist_set(NULL);
}

/*
 * History runs whose host moved each group as a whole (3 % sd per run and
 * group, cells 0.4 % on their own and 1 % per repetition, as translate's
 * one-thread cells were measured):
 * each history run's group move taken out, a cell +12 % is told from the
 * threshold of 5 %, and nothing else is flagged.
 */
static void test_history_moves(const struct model *m0)
{
	static struct data h;
	static struct rs_run hist[NCELL][8];
	static struct model m;
	double shift[NCELL], mv[NGROUP];
	struct rs_rng r;
	int c, j, g, others = 0;

	m = *m0;
	for (c = 0; c < NCELL; c++) {
		m.tau[c] = 0.004;
		m.sw[c] = 0.01;
	}
	rs_rng_seed(&r, 77);
	for (c = 0; c < NCELL; c++)
		shift[c] = c == 1 ? 1.12 : 1;
	draw(&d, &m, 1, shift, 700);
	for (g = 0; g < NGROUP; g++)
		mv[g] = exp(0.03 * rs_rng_normal(&r));
	for (c = 0; c < NCELL; c++)	/* the NEW run's host */
		for (j = 0; j < NREP; j++)
			d.v[1][c][0][j] *= mv[m.group[c]];
	for (j = 0; j < 8; j++) {
		draw(&h, &m, 1, NULL, 800 + j);
		for (g = 0; g < NGROUP; g++)
			mv[g] = exp(0.03 * rs_rng_normal(&r));
		for (c = 0; c < NCELL; c++)
			hist[c][j] = hist_run(&h, c, mv[m.group[c]]);
	}
	hist_set(hist);
	run_cfg(&d, &holm);
	for (c = 0; c < NCELL; c++)
		others += c != 1 && d.out[c].verdict != RS_SAME;
	tap_ok(d.out[1].verdict == RS_REGRESSED && others == 0,
	       "history whose runs moved each group by 3 %%, cells 0.4 %% alone: +12 %% REGRESSED (%s, %+.1f %%), %d others flagged",
	       rs_verdict_names[d.out[1].verdict], d.out[1].change * 100, others);
	hist_set(NULL);
}

static void test_degenerate(void)
{
	static const double same[3][5] = {
		{ 64, 64, 64, 64, 64 }, { 64, 64, 64, 64, 64 },
		{ 64, 64, 64, 64, 64 },
	};
	static const double more[3][5] = {
		{ 96, 96, 96, 96, 96 }, { 96, 96, 96, 96, 96 },
		{ 96, 96, 96, 96, 96 },
	};
	static const double bad[1][2] = { { 0, 5 } };
	struct rs_run rb[3], rn[3], rz[1];
	struct rs_cell_in in[3];
	struct rs_cell_out out[3];
	struct rs_group g[1];
	int i;

	for (i = 0; i < 3; i++) {
		rb[i].v = same[i];
		rb[i].n = 5;
		rn[i].v = more[i];
		rn[i].n = 5;
	}
	rz[0].v = bad[0];
	rz[0].n = 2;
	in[0] = (struct rs_cell_in){ { rb, rb }, { 3, 3 }, 0, NULL, 0, 0 };
	in[1] = (struct rs_cell_in){ { rb, rn }, { 3, 3 }, 0, NULL, 0, 0 };
	in[2] = (struct rs_cell_in){ { rz, rb }, { 1, 3 }, 0, NULL, 0, 0 };
	rs_compare(in, 3, 1, &holm, out, g);
	tap_ok(out[0].verdict == RS_SAME && out[1].verdict == RS_REGRESSED &&
	       out[2].verdict == RS_NOTEST,
	       "zero-noise counters: equal -> same, +50 %% -> REGRESSED; a zero value -> no-test (%s, %s, %s)",
	       rs_verdict_names[out[0].verdict], rs_verdict_names[out[1].verdict],
	       rs_verdict_names[out[2].verdict]);
}

static void test_percentiles(void)
{
	static double x[1000];
	static long rep[1000];
	const double q[] = { 0.5, 0.9, 0.99 };
	double est[3], lo[3], hi[3], lo2[3], hi2[3];
	struct rs_rng r;
	int i, t, cover = 0;

	for (i = 0; i < 1000; i++) {
		x[i] = 1000 - i;	/* 1..1000, reversed */
		rep[i] = i % 10;
	}
	rs_pooled_quantiles(x, rep, 1000, q, 3, 0, 1, 0.95, est, lo, hi);
	tap_ok(fabs(est[0] - 500.5) < 1e-9 && fabs(est[1] - 900.1) < 1e-9 &&
	       fabs(est[2] - 990.01) < 1e-9,
	       "pooled quantiles of 1..1000 are numpy's type 7: %g %g %g",
	       est[0], est[1], est[2]);
	tap_ok(rs_quantile_min_n(0.5) == 20 && rs_quantile_min_n(0.9) == 100 &&
	       rs_quantile_min_n(0.99) == 1000,
	       "printing rule: 10 samples beyond the quantile: p50 >= 20, p90 >= 100, p99 >= 1000");

	/* lognormal samples in 10 repetitions of 100: does the CI cover? */
	rs_rng_seed(&r, 42);
	for (t = 0; t < 20; t++) {
		for (i = 0; i < 1000; i++) {
			x[i] = exp(rs_rng_normal(&r));
			rep[i] = i / 100;
		}
		rs_pooled_quantiles(x, rep, 1000, q, 3, RS_BOOT_B, RS_BOOT_SEED,
				    0.95, est, lo, hi);
		/* true p99 of lognormal(0,1): exp(2.3263479) */
		cover += lo[2] <= exp(2.3263479) && exp(2.3263479) <= hi[2] &&
			 lo[0] <= 1 && 1 <= hi[0];
		if (!t) {
			rs_pooled_quantiles(x, rep, 1000, q, 3, RS_BOOT_B,
					    RS_BOOT_SEED, 0.95, est, lo2, hi2);
			tap_ok(!memcmp(lo, lo2, sizeof(lo)) &&
			       !memcmp(hi, hi2, sizeof(hi)) &&
			       lo[2] < est[2] && est[2] < hi[2],
			       "bootstrap interval is reproducible (fixed seed) and brackets the estimate: p99 %.2f [%.2f, %.2f]",
			       est[2], lo[2], hi[2]);
		}
	}
	/* 95 % intervals for two quantiles: expect ~18 of 20 */
	tap_ok(cover >= 15, "bootstrap 95 %% intervals cover the true p50 and p99 in %d of 20 samples",
	       cover);
}

/* ---- change points ------------------------------------------------------- */

static int cps(const double *x, int n, double alpha, struct rs_cp *cp)
{
	const struct rs_ed_cfg cfg = { .alpha = alpha, .min_size = 2, .seed = 1 };

	return rs_edivisive(x, n, &cfg, cp, 8);
}

static void series(double *x, int n, uint64_t seed, double sd)
{
	struct rs_rng r;
	int i;

	rs_rng_seed(&r, seed);
	for (i = 0; i < n; i++)
		x[i] = sd * rs_rng_normal(&r);
}

/* Q of the paper, from its definition: the best (t, k) of x[0..n). */
static double naive_q(const double *x, int n, int min, int *at)
{
	double best = -INFINITY, a, b, c, q;
	int t, k, i, j;

	for (t = min; t + min <= n; t++)
		for (k = t + min; k <= n; k++) {
			a = b = c = 0;
			for (i = 0; i < t; i++)
				for (j = t; j < k; j++)
					a += fabs(x[i] - x[j]);
			for (i = 0; i < t; i++)
				for (j = i + 1; j < t; j++)
					b += fabs(x[i] - x[j]);
			for (i = t; i < k; i++)
				for (j = i + 1; j < k; j++)
					c += fabs(x[i] - x[j]);
			q = 2 * a / (t * (k - t)) - b / (t * (t - 1) / 2.0) -
			    c / ((k - t) * (k - t - 1) / 2.0);
			q *= (double)t * (k - t) / k;
			if (q > best) {
				best = q;
				*at = t;
			}
		}
	return best;
}

static void test_change_points(void)
{
	double x[60], y[60];
	struct rs_cp cp[8], cp2[8];
	int i, n, m, t, any = 0;

	/* a step of 10 % (log 0.095) in runs with 3 % noise, 10 + 10 */
	series(x, 20, 11, 0.03);
	for (i = 10; i < 20; i++)
		x[i] += 0.095;
	n = cps(x, 20, 0.01, cp);
	tap_ok(n == 1 && cp[0].at == 10 && cp[0].p <= 0.01,
	       "step of 10 %% in 3 %% noise, 10 + 10 runs: %d change point(s), at %d, p %.4f",
	       n, n ? cp[0].at : -1, n ? cp[0].p : NAN);
	m = -1;
	tap_ok(n == 1 && fabs(naive_q(x, 20, 2, &m) - cp[0].q) < 1e-9 * cp[0].q &&
	       m == cp[0].at, "its statistic equals the paper's Q-hat computed from the definition (%.6f)",
	       n ? cp[0].q : NAN);
	m = cps(x, 20, 0.01, cp2);
	for (i = 0; i < n && m == n; i++)
		m -= cp[i].at != cp2[i].at || cp[i].p != cp2[i].p;
	tap_ok(m == n, "the same series gives the same change points (fixed seed)");
	/* two steps: up at 15, back down at 30 */
	series(x, 45, 12, 0.3);
	for (i = 15; i < 30; i++)
		x[i] += 2;
	n = cps(x, 45, 0.01, cp);
	tap_ok(n == 2 && cp[0].at == 15 && cp[1].at == 30,
	       "two steps (15, 30): %d change points, at %d and %d", n,
	       n > 0 ? cp[0].at : -1, n > 1 ? cp[1].at : -1);
	/* a ramp: cut inside it, never at its ends */
	series(x, 40, 13, 0.05);
	for (i = 0; i < 40; i++)
		x[i] += i / 39.0;
	n = cps(x, 40, 0.01, cp);
	for (i = 0, m = n > 0; i < n; i++)
		m &= cp[i].at >= 2 && cp[i].at <= 38;
	tap_ok(m, "ramp over 40 runs: cut into %d pieces inside it%s%d",
	       n + 1, n ? ", first at " : "", n ? cp[0].at : 0);
	/* pure noise, and the same with one wild value */
	series(x, 40, 14, 1);
	n = cps(x, 40, 0.05, cp);
	memcpy(y, x, sizeof(x));
	y[20] += 10;
	m = cps(y, 40, 0.05, cp2);
	tap_ok(n == 0 && m == 0,
	       "pure noise: %d change points; a single outlier of 10 sd: %d", n, m);
	for (t = 0; t < 40; t++) {
		series(x, 30, 1000 + t, 1);
		any += cps(x, 30, 0.05, cp) > 0;
	}
	/* P(Binomial(40, 0.05) >= 7) < 0.005 */
	tap_ok(any <= 6, "40 noise series at alpha 0.05: %d with a change point", any);
	tap_ok(cps(x, 3, 0.05, cp) == 0, "3 values: too short to split");
}

/*
 * The permutations' scan (two t at a time) against the scan that finds
 * the split: the best Q reaches itself and not the next double up, so
 * the two see the same largest Q to the bit.  Lengths odd and even, min
 * 2 to 5, steps, bumps, and tied values (a quantised series).
 */
static void test_change_point_scans(void)
{
	double x[90];
	int n, min, shape, bad = 0, cases = 0, at, i;

	for (n = 4; n <= 90; n += 7)
		for (min = 2; min <= 5; min++)
			for (shape = 0; shape < 3; shape++) {
				double q;

				series(x, n, 77 * n + 5 * min + shape, 0.1);
				for (i = 0; i < n; i++) {
					if (shape == 1 && i >= n / 3 && i < 2 * n / 3)
						x[i] += 0.5;
					if (shape == 2)
						x[i] = round(x[i] * 20);
				}
				q = rs_ed_best(x, n, min, &at);
				if (n < 2 * min) {
					bad += at != -1 || rs_ed_reaches(x, n, min, -INFINITY);
					continue;
				}
				cases++;
				bad += !rs_ed_reaches(x, n, min, q) ||
				       rs_ed_reaches(x, n, min, nextafter(q, INFINITY));
			}
	tap_ok(bad == 0, "the permutations' two-lane scan finds the best split's Q to the bit: %d of %d series differ",
	       bad, cases);
}

int main(void)
{
	static struct model m, strong;

	make_model(&m, 7, 0.25);
	make_model(&strong, 7, 0.5);
	test_distributions();
	test_adjust();
	test_aa(&m);
	test_fwer(&m, &strong);
	test_ab(&m);
	test_busy_run(&m);
	test_history(&m);
	test_history_moves(&m);
	test_degenerate();
	test_percentiles();
	test_change_points();
	test_change_point_scans();
	return tap_done();
}
