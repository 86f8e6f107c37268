/* SPDX-License-Identifier: GPL-2.0 */
/*
 * analysis.h - the read-and-report side of revbench: the commands that
 * read results files (load.h) and the one regression verdict they share.
 *
 *   report   tables for an email; --short, the tables "revbench run" ends
 *            with; --vs, the mmtests layout with one column per side
 *   compare  the regression verdict of BASE runs against NEW runs
 *   history  change points over many runs (e-divisive means)
 *   export   the data behind the figures of plot/
 *
 * The verdict (rv_compare()) is the one function compare, report --vs and
 * history call: the same runs give the same verdict on every cell,
 * whichever command prints it.
 */
#ifndef REVBENCH_ANALYSIS_H
#define REVBENCH_ANALYSIS_H

#include "load.h"
#include "stats.h"

/* Subcommands; argv[0] is the subcommand name.  Exit status returned. */
int cmd_report(int argc, char **argv);
int cmd_summary(int argc, char **argv);		/* report --short */
int cmd_compare(int argc, char **argv);
int cmd_history(int argc, char **argv);
int cmd_export(int argc, char **argv);

/* report --short of one file or run folder on stdout: 0, or 2. */
int rp_short(const char *path);

/*
 * The N-way table (report --vs, history --table): one column per side,
 * the first the baseline, each later column marked where rv_compare() of
 * the baseline's runs against that side's says REGRESSED or improved
 * (RV_CFG_DEFAULT).  Returns the number of marks.
 */
struct rv_run;
struct rp_side {
	char label[24];			/* the column's heading */
	struct rv_run **runs;
	int n;
};
int rp_nway(FILE *fp, const struct rp_side *sd, int k);
/* A kernel release or commit as a column heading ("6.12.95-rt"). */
void rp_label(char *buf, size_t len, const char *s);

/*
 * The figure data of plot/ for n results files into dir (export.c).
 * 0, or 2 after printing why.
 */
int ex_gnuplot(char **paths, int n, const char *dir);

/* ---- runs and their contexts ------------------------------------------ */

/* One results file is one run (one process). */
struct rv_run {
	struct rr_file f;
	struct rr_cell *c;
	int nc;
	/* per cell, per kept repetition: set aside by the regime probe */
	unsigned char **aside;
};
int rv_load(struct rv_run *r, const char *path, int flags);
void rv_free_run(struct rv_run *r);
/*
 * The values of a metric over the repetitions of cell ci of run r that
 * the regime probe kept (all of them with no_probe, or when it set every
 * one aside) into out (room for the cell's n); *aside: those set aside.
 */
int rv_values(const struct rv_run *r, int ci, const char *metric,
	      bool no_probe, double *out, int *aside);

/*
 * What a context key means when two runs differ in it (compare.c):
 *   RV_REFUSE  not the same quantity: compare refuses (exit 2) unless
 *              --allow-mismatch; history puts the runs in separate series
 *   RV_KERNEL  the kernel and the settings grace periods and readers
 *              depend on: a warning in compare; history splits on them
 *              unless the series is ordered by kernel (--by kernel)
 *   RV_WARN    a warning
 */
enum rv_level { RV_REFUSE, RV_KERNEL, RV_WARN };
struct rv_rule {
	const char *key;
	enum rv_level level;
	double ratio;		/* numeric: differ when max/min > ratio */
	const char *why;
};
extern const struct rv_rule rv_rules[];
extern const int rv_nrules;
int rv_differs(const struct rv_rule *r, const char *a, const char *b);

/* ---- the verdict ---------------------------------------------------------- */

/* compare's defaults, and those of report --vs and history --table */
#define RV_CFG_DEFAULT { .threshold_pct = 5, .alpha = 0.05, .corr = RS_HOLM }

enum rv_cls {
	RV_TEST,	/* tested: out.verdict says what */
	RV_MISSING,	/* in BASE, in no NEW run */
	RV_FAILED,	/* a NEW run failed it, every BASE run succeeded */
	RV_ERROR,	/* no BASE run succeeded */
	RV_NOMETRIC,	/* no run carries the metric */
	RV_NEWONLY,	/* in NEW only */
	RV_REGIME,	/* cross-CPU cell, runs in another calibration regime */
};

struct rv_cell {
	const char *key;
	const struct rr_cell *cell;	/* where it first appears */
	int in[2], ok[2], failed[2];	/* runs of each side: have, measured,
					 * failed it */
	int regime_aside[2];		/* runs set aside: another regime */
	const char *err;
	struct rs_run *runs[2], *hist;
	int nhist;
	enum rv_cls cls;
	struct rs_cell_out out;
	int group;
};

struct rv_cmp {
	/* in */
	struct rs_cfg cfg;
	const char *metric;	/* "real_time" or a counter */
	const char *filter;	/* cells whose key contains it, or NULL */
	bool no_probe;		/* keep the repetitions the probe sets aside */
	struct rv_run **hist;	/* earlier runs: one-run noise per cell */
	int nhist;
	/* out */
	struct rv_cell *cell;
	int ncell;
	const char **wls;	/* the noise groups: workload, and whether
				 * cross-CPU ("translate T>=2") */
	struct rs_group *grp;
	int nwl, ntested;
	int count[4];		/* by enum rs_verdict */
	int ncls[RV_REGIME + 1];
	int partial;		/* tested with fewer runs on a side */
	int reps_aside, reps_total;
	const char *regime[2];	/* the sides' calibration regimes */
};

/*
 * The verdict of side[0] (BASE, n[0] runs) against side[1] (NEW): every
 * cell of either side, classified, and the tested ones judged by
 * rs_compare() (stats.h) on the runs' kept repetitions.  0, or -1 when
 * the sides have no cell in common (nothing is printed).
 */
int rv_compare(struct rv_cmp *v, struct rv_run **side[2],
	       const int n[2]);
void rv_free(struct rv_cmp *v);
/* Higher is better only for rates. */
int rv_higher_is_better(const char *metric);

#endif /* REVBENCH_ANALYSIS_H */
