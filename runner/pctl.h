/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pctl.h - tail latencies of a cell pooled over all its raw samples (the
 * samples sidecar, f->s[]), with a bootstrap interval (stats.h), for
 * "revbench report" and the figure data of "revbench export".
 *
 * Rule: a quantile q is shown only with at least RS_TAIL_MIN (10) samples
 * beyond it, i.e. n >= 10 / (1 - q): p50 from 20 samples, p90 from 100,
 * p99 from 1000.  Below that the report prints "n<100" / "n<1000".
 */
#ifndef REVBENCH_PCTL_H
#define REVBENCH_PCTL_H

#include "results.h"

enum { RR_P50, RR_P90, RR_P99, RR_NPCTL };

extern const double rr_pctl_q[RR_NPCTL];
extern const char *const rr_pctl_name[RR_NPCTL];

struct rr_pctl {
	size_t n;			/* samples pooled */
	int nrep;			/* repetitions they come from */
	double est[RR_NPCTL];
	double lo[RR_NPCTL], hi[RR_NPCTL];	/* 95 % bootstrap interval */
	int shown[RR_NPCTL];		/* n large enough (rule above) */
};

/*
 * The revoke samples of cell key in f, pooled.  boot: also the bootstrap
 * interval (RS_BOOT_B resamples, seed RS_BOOT_SEED).  Returns 1 when the
 * file has samples of that cell, 0 when not, -1 on ENOMEM.
 */
int rr_cell_pctl(const struct rr_file *f, const char *key, int boot,
		 struct rr_pctl *p);

/* "n<1000" for a quantile that is not shown, into buf. */
void rr_pctl_short(char *buf, size_t len, int which);

#endif /* REVBENCH_PCTL_H */
