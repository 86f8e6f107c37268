/* SPDX-License-Identifier: GPL-2.0 */
/*
 * results.h - one benchmark cell's repetitions, for results.c.  Values are
 * in thousandths ("milli" units: 12345 means 12.345).
 */
#ifndef REVBENCH_KMOD_RESULTS_H
#define REVBENCH_KMOD_RESULTS_H

#include <linux/types.h>

#define RBK_MAX_REPS		100
#define RBK_MAX_COUNTERS	24

struct rbk_rep {
	u64 iterations;
	s64 real_time;			/* ns per iteration, milli */
	int ncounters;
	const char *cname[RBK_MAX_COUNTERS];
	s64 cval[RBK_MAX_COUNTERS];	/* milli */
};

static inline void rbk_rep_counter(struct rbk_rep *r, const char *name,
				   s64 milli)
{
	if (r->ncounters < RBK_MAX_COUNTERS) {
		r->cname[r->ncounters] = name;
		r->cval[r->ncounters++] = milli;
	}
}

struct rbk_results;
void rbk_results_cell(struct rbk_results *res, const char *name,
		      int threads, const struct rbk_rep *reps, int nreps);
void rbk_results_error(struct rbk_results *res, const char *name,
		       int threads, const char *why);
void rbk_results_sample(struct rbk_results *res, const char *name, int rep,
			u64 ns);
const char *rbk_results_samples(const struct rbk_results *res, size_t *len);

#endif /* REVBENCH_KMOD_RESULTS_H */
