/* SPDX-License-Identifier: GPL-2.0 */
/*
 * results.h - the kernel results writer (results.c).  A cell's
 * repetitions are struct rb_metrics (workloads/metrics.h, shared with the
 * userspace runner): values in thousandths, per-repetition counters on
 * the benchmark entries, per-cell ones in the context's revbench_cells.
 */
#ifndef REVBENCH_KMOD_RESULTS_H
#define REVBENCH_KMOD_RESULTS_H

#include <linux/types.h>

#include "metrics.h"

#define RBK_MAX_REPS		100

struct rbk_results;
/* A measured cell: nreps repetitions (at most RBK_MAX_REPS). */
void rbk_results_cell(struct rbk_results *res, const char *name,
		      int threads, const struct rb_metrics *reps, int nreps);
/* A cell that could not be measured. */
void rbk_results_error(struct rbk_results *res, const char *name,
		       int threads, const char *why);
/* One raw revoke sample of cell name, repetition rep. */
void rbk_results_sample(struct rbk_results *res, const char *name, int rep,
			u64 ns);
/* One raw reclaim sample (unbind): the second series, metrics.h. */
void rbk_results_reclaim(struct rbk_results *res, const char *name, int rep,
			 u64 ns);
const char *rbk_results_samples(const struct rbk_results *res, size_t *len);

#endif /* REVBENCH_KMOD_RESULTS_H */
