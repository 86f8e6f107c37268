/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stats.h - every statistic revbench computes, in one module: the
 * summaries (median, mean, sd, quantiles), the random numbers, the
 * regression verdict of "revbench compare", "report --vs" and "history",
 * the change points of "history", and the pooled percentiles of "report"
 * and "export".  Plain C11 over arrays of doubles: no file format, no
 * JSON, so that tests/stats.c drives it with synthetic data and a fixed
 * seed.
 *
 * The regression verdict (rs_compare()), in one paragraph; the reasons
 * are in results/README.md ("compare: the verdict rule"):
 *   - a run is one results file, i.e. one process; its repetitions of a
 *     cell are summarised by their median, on a log scale;
 *   - the change of a cell is the difference of the mean per-run log
 *     medians, NEW - BASE (a ratio of geometric means);
 *   - its standard error comes from run-to-run variation, never from the
 *     repetitions of one process alone:
 *       * when a side has two runs or more, from the spread of the per-run
 *         medians of that cell, shrunk towards its workload's typical
 *         spread (empirical Bayes, the moderated t of Smyth 2004 as in
 *         limma: prior degrees of freedom d0 and variance s0^2 estimated
 *         from all cells of the workload);
 *       * with one run per side and a history of earlier runs (compare
 *         --history), from the spread of the history's run medians of
 *         that cell, shrunk the same way;
 *       * with one run per side and no history, the cell's run-to-run
 *         variance cannot be seen; it is estimated per workload from the
 *         differences of all its cells (an empirical null, Efron 2004;
 *         compare.c groups a workload's one-thread and cross-CPU cells
 *         apart): the smallest extra
 *         variance tau^2 per run that makes the median cell's standardised
 *         difference |d| / sqrt(2 tau^2 + w_base^2 + w_new^2) equal 0.6745,
 *         the median of |N(0,1)|, where w^2 is the sampling variance of a
 *         run's median from its own repetitions;
 *   - two one-sided tests against the threshold: "new/base > 1 + thr"
 *     (regression) and "new/base < 1/(1 + thr)" (improvement), Student t;
 *   - genomic control: per workload, when the cells' |z| have a median
 *     above that of |N(0,1)| (a side measured on a busier machine, say),
 *     every standard error of the workload is widened by that factor;
 *   - Holm's step-down correction (default) over all tested cells, per
 *     direction, so that the chance of one or more false REGRESSED in a
 *     compare is at most alpha whatever the dependence between cells.
 */
#ifndef REVBENCH_STATS_H
#define REVBENCH_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- random numbers: splitmix64, reproducible from a seed ------------- */
struct rs_rng {
	uint64_t s;
};
void rs_rng_seed(struct rs_rng *r, uint64_t seed);
double rs_rng_unif(struct rs_rng *r);			/* [0, 1) */
double rs_rng_normal(struct rs_rng *r);			/* N(0, 1) */

/* ---- distributions ------------------------------------------------------ */
double rs_t_sf(double t, double df);		/* P(T_df > t); df inf: normal */
double rs_t_quantile(double p, double df);	/* t with P(T_df <= t) = p */
double rs_digamma(double x);
double rs_trigamma(double x);
double rs_trigamma_inv(double y);		/* x > 0 with trigamma(x) = y */

/* ---- multiple comparisons ----------------------------------------------- */
enum rs_correction { RS_HOLM, RS_BH, RS_NONE };
extern const char *const rs_correction_names[];
/*
 * Adjusted p-values of the n entries of p (NaN entries are not tests:
 * they stay NaN and do not count in the family size).  Holm: step-down
 * Bonferroni, controls the family-wise error rate under any dependence.
 * BH: Benjamini-Hochberg step-up, controls the false discovery rate
 * (independent or positively dependent tests).  NONE: unchanged.
 */
void rs_adjust(const double *p, int n, enum rs_correction c, double *adj);

/* ---- summaries of n doubles (inputs untouched; NaN when n is too small) -- */
double rs_median(const double *v, int n);
double rs_mean(const double *v, int n);
double rs_sd(const double *v, int n);			/* sample: n - 1 */
double rs_min(const double *v, int n);
double rs_max(const double *v, int n);
/* Quantile q, type 7 (linear interpolation, numpy's default). */
double rs_quantile(const double *v, int n, double q);

/* ---- the regression verdict ------------------------------------------------ */
struct rs_run {
	const double *v;	/* the repetition values of one run (> 0) */
	int n;
};

struct rs_cell_in {
	const struct rs_run *run[2];	/* [0] base, [1] new */
	int nrun[2];
	int group;			/* workload index, 0..ngroups-1 */
	const struct rs_run *hist;	/* earlier runs of the cell: with one
					 * run a side, its run-to-run noise */
	int nhist;
	int family;			/* genomic control: 1 + the index of the
					 * cells that share a host state (a
					 * workload's groups); 0: its group */
};

enum rs_verdict {
	RS_NOTEST,	/* see why */
	RS_SAME,	/* no change beyond the threshold visible */
	RS_IMPROVED,
	RS_REGRESSED,
};
extern const char *const rs_verdict_names[];

struct rs_cell_out {
	enum rs_verdict verdict;
	const char *why;	/* RS_NOTEST: the reason */
	double med[2];		/* geometric mean of the per-run medians */
	double change;		/* new / base - 1 */
	double lo, hi;		/* two-sided 1 - alpha interval of change */
	double se;		/* standard error of the log change */
	double df;		/* degrees of freedom of the t test */
	double p_reg, p_imp;	/* one-sided, against the threshold */
	double padj_reg, padj_imp;
	int replicated;		/* 1: a side had >= 2 runs of this cell;
				 * 2: one run a side, noise from its history */
	double shift;		/* one run on a side: its group's common move
				 * (log scale), tested against; change, lo
				 * and hi do not subtract it */
};

struct rs_cfg {
	double threshold_pct;	/* e.g. 5 */
	double alpha;		/* e.g. 0.05 */
	enum rs_correction corr;
	int higher_is_better;	/* rates: a drop is the regression */
	/*
	 * Test only: 1 = the old method, the repetitions of each run taken as
	 * independent samples (run-to-run variance ignored).  tests/stats.c
	 * uses it to show that the A/A test fails without run variance.
	 */
	int within_only;
	int no_lambda;		/* test only: genomic control off */
};

/* What rs_compare() learnt about a workload (group). */
struct rs_group {
	int ncells;		/* tested cells */
	int nrep_cells;		/* of them replicated */
	double d0, s0;		/* replicated: prior df (INFINITY: pooled) and
				 * prior sd of a run's log median */
	double tau;		/* unreplicated: run-to-run sd, log scale */
	double nu;		/* unreplicated: df of the t-shaped null */
	double inflation;	/* unreplicated: median |d| / sqrt(w_b^2 +
				 * w_n^2): how much more two runs differ than
				 * their repetitions predict */
	int pooled_global;	/* unreplicated: too few cells, all pooled */
	double shift;		/* one run on a side: the median cell's change
				 * (log scale), the two runs' host states */
	double lambda;		/* genomic-control widening of the workload's
				 * standard errors (>= 1) */
};

#define RS_MIN_NULL_CELLS 8	/* cells needed to estimate an empirical null */

/*
 * Fills out[0..n-1] and groups[0..ngroups-1].  Returns the number of
 * tested cells.
 */
int rs_compare(const struct rs_cell_in *in, int n, int ngroups,
	       const struct rs_cfg *cfg, struct rs_cell_out *out,
	       struct rs_group *groups);

/* ---- change points: e-divisive means (Matteson and James 2014) ------------ */
/*
 * Hierarchical divisive estimation with a permutation test, the method of
 * R's ecp::e.divisive and of Apache Otava (formerly Hunter):
 *   - the energy statistic of two adjacent pieces X = x[s..t), Y = x[t..k)
 *     of a segment, with alpha = 1:
 *       E = 2/(m n) sum|X - Y| - sum_{i<j}|X_i - X_j| / C(m,2)
 *                              - sum_{i<j}|Y_i - Y_j| / C(n,2),
 *       Q = m n / (m + n) E;
 *     the candidate is the (t, k) of largest Q over every segment found so
 *     far, each piece at least min_size long;
 *   - its p-value: the share of permutations (the values shuffled within
 *     each segment, the best Q searched again) whose best Q is at least
 *     as large, within a relative 1e-9 (a tie: medians are rounded, so
 *     many shuffles give the same Q but for the order of its sums),
 *     (hits + 1) / (permutations + 1); the candidate is a
 *     change point when p <= alpha, and the search goes on; else it ends;
 *   - permutations stop early once hits make p > alpha certain, and run
 *     at most max(1 / alpha, 1000) - 1 times (at most 1e6): at a small
 *     alpha a change point is a candidate no permutation matched, p =
 *     alpha.  A candidate whose true p is alpha / 4 still passes in 78 %
 *     of tests (95 % at 4 / alpha - 1 permutations, at four times the
 *     cost: the change points found are most of history's time).  The
 *     random numbers come from splitmix64 with the given seed: the same
 *     series gives the same change points.
 * A change point is the index of the first value of the new segment.
 */
struct rs_cp {
	int at;
	double p;		/* permutation p-value */
	double q;		/* its energy statistic */
};
struct rs_ed_cfg {
	double alpha;		/* p-value a change point needs */
	int min_size;		/* shortest segment (>= 2) */
	uint64_t seed;
};
/* The change points of x[0..n-1] into cp (ascending at); their count. */
int rs_edivisive(const double *x, int n, const struct rs_ed_cfg *cfg,
		 struct rs_cp *cp, int max);
/*
 * Its two scans of one segment, for the tests: the best split's Q (t in
 * *at; -INFINITY when n < 2 min), and whether some split's Q reaches stop
 * (the permutations' question, answered by a faster scan that must agree
 * with the first to the bit).
 */
double rs_ed_best(const double *x, int n, int min, int *at);
bool rs_ed_reaches(const double *x, int n, int min, double stop);

/* ---- pooled percentiles with a bootstrap interval ------------------------- */
#define RS_BOOT_B	1000	/* bootstrap resamples */
#define RS_BOOT_SEED	1	/* fixed: the same file gives the same interval */
#define RS_TAIL_MIN	10	/* samples needed beyond a quantile */

/* Samples a quantile q needs before it is printed: RS_TAIL_MIN / (1 - q). */
size_t rs_quantile_min_n(double q);

/*
 * Quantiles q[0..nq-1] (ascending) of n samples x[] pooled over the
 * repetitions rep[] (any labels), with a two-sided 1 - level interval from
 * a two-stage bootstrap: B times, draw as many repetitions as there are,
 * with replacement, then each drawn repetition's samples with
 * replacement; the interval is the percentile interval of the B
 * estimates.  Type-7 quantiles (linear interpolation, numpy's default).
 * Returns 0, or -1 (n == 0 or out of memory).
 */
int rs_pooled_quantiles(const double *x, const long *rep, size_t n,
			const double *q, int nq, int B, uint64_t seed,
			double level, double *est, double *lo, double *hi);

#endif /* REVBENCH_STATS_H */
