/* SPDX-License-Identifier: GPL-2.0 */
/*
 * metrics.h - the names and the derived metrics of a benchmark cell, one
 * piece of code for both environments (the userspace runner, runner/bench.c,
 * and the kernel module, kmod/bench.c), so that the two results files
 * cannot drift apart.  Kernel style over compat.h: no floating point, no
 * 64-bit division outside the div64 helpers, no libc beyond snprintf.
 *
 * A cell is named
 *	<workload>/<primitive>/threads:T/cs:K[/npages:N][/n:N/mode:M]
 *		[/delay:NS][/sleep:US][/stall:US][<suffix>]
 * where each extra appears only when the workload honours that knob (and,
 * for delay/sleep/stall, when it is not 0).  cs:K is the cell's cs for
 * workloads with the cs knob and 1 for the others.
 *
 * Every value is kept in thousandths ("milli": 12345 means 12.345), the
 * unit the results writers print.  A repetition yields
 *   - real_milli: Google Benchmark's real_time, ns per iteration;
 *   - rep[]: counters that vary from one repetition to the next (one key
 *     on each benchmarks[] entry);
 *   - cell[]: counters that are the same for every repetition of the cell
 *     (written once, in the context's revbench_cells table).
 * Which counter a cell gets depends only on its workload and the
 * primitive's capabilities, never on the values, so every file of every
 * environment has the same keys for the same cell.
 */
#ifndef REVBENCH_METRICS_H
#define REVBENCH_METRICS_H

#include "workload.h"
#include "cost.h"

#define RB_NAME_MAX		192	/* a cell name, with its NUL */
#define RB_MET_MAX		32

struct rb_metric {
	const char *name;		/* counter key, static */
	s64 milli;			/* value, thousandths */
};

struct rb_metrics {
	u64 iterations;			/* Google Benchmark "iterations" */
	s64 real_milli;			/* real_time, ns per iteration */
	int nrep, ncell;
	struct rb_metric rep[RB_MET_MAX];	/* per repetition */
	struct rb_metric cell[RB_MET_MAX];	/* per cell */
	const char *loop;		/* read-section loop used, or NULL */
	const char *irqoff;		/* LOOP: "on", "off" or "n/a" (no
					 * interrupts to disable: userspace) */
};

/*
 * The raw samples sidecar has one series per cell: the revoke latencies
 * under the cell's own index, and for unbind cells the reclaim latencies
 * (revoke start until the memory is freed) under RB_SAMPLES_RECLAIM + the
 * cell's index, named "<cell>/reclaim" in the "# cell N NAME" header.
 */
#define RB_SAMPLES_RECLAIM	100000
#define RB_RECLAIM_SUFFIX	"/reclaim"

/*
 * The cell's name into buf (len >= RB_NAME_MAX is always enough for
 * names without a suffix); suffix (e.g. "/via:driver-core") may be NULL.
 * Returns the length, or -1 if it did not fit (buf holds a cut name).
 */
int rb_cell_name(char *buf, size_t len, const struct rb_workload *wl,
		 const struct rb_wl_params *p, const char *suffix);

/*
 * The metrics of one finished, successful repetition.  scratch has room
 * for run->nsamples values and may be run->samples itself (it is sorted).
 * run->reclaim and run->teardown (unbind) are sorted in place: the
 * environment saves the raw reclaim samples first.
 * Returns NULL, or a static reason why the repetition has no result.
 */
const char *rb_metrics_run(struct rb_metrics *m, const struct rb_wl_run *run,
			   u64 *scratch);

/*
 * The pieces rb_metrics_run() is made of, for cells the environment times
 * itself (the kernel's driver-core unbind): revoke-latency metrics from n
 * samples (sorted in place; n > 0), then the counters every cell has.
 */
void rb_metrics_revoke(struct rb_metrics *m, u64 *samples, u64 n);
void rb_metrics_common(struct rb_metrics *m, const struct revocable_ops *ops,
		       u64 errors, u64 retries, u64 bytes_per_rev,
		       int nreaders);
/* unbind cells: n reclaim and teardown samples (sorted in place) */
void rb_metrics_reclaim(struct rb_metrics *m, u64 *reclaim, u64 *teardown,
			u64 n, long unreclaimed_peak);
/*
 * CYCLE cells: the peak of bytes held by revocables revoked and not yet
 * destroyed (workload.h: retained memory), next to unreclaimed_peak
 */
void rb_metrics_retained(struct rb_metrics *m, long retained_peak);
/* primitives with ops->gp_paths: the timed revokes' grace-period kinds */
void rb_metrics_gp_paths(struct rb_metrics *m,
			 const struct revocable_ops *ops, u64 expedited,
			 u64 normal);
/*
 * cells whose readers run beside the revoker (the kernel's driver-unbind):
 * accesses = successful ones, summed over the readers; reader_ns their
 * running times summed; aps the sum of every reader's own rate
 */
void rb_metrics_readers(struct rb_metrics *m, u64 accesses,
			u64 reader_ns, u64 aps);
/* revoke cycles whose unbind someone else did (sysfs): no sample */
void rb_metrics_lost(struct rb_metrics *m, u64 lost);
/* deferred primitives: releases still pending at the end */
void rb_metrics_pending(struct rb_metrics *m, const struct revocable_ops *ops,
			u64 pending);
/* every cell: the bytes of the primitive's domain */
void rb_metrics_domain(struct rb_metrics *m, u64 bytes_per_domain);

/*
 * The revoke-cost meter is in cost.h.  The clock floor it takes off every
 * window (floor_ns), the median of pairs read the way a window reads
 * them, is measured here, once per process or module load.
 */
/* Sets src->floor_ns; returns it. */
u64 rb_cost_calibrate(struct rb_cost_src *src);

/*
 * Per timed revoke window (the unit of real_time): revoke_cpu_ns, and
 * with an IPI source revoke_ipis (function-call IPIs, shootdowns
 * included) and revoke_tlb_ipis.  rb_metrics_run() adds them from
 * run->cost.
 */
void rb_metrics_cost(struct rb_metrics *m, const struct rb_cost *c);
/*
 * The kernel's grace-period machinery over a whole repetition, per revoke
 * issued (warm-up cycles included: their grace periods ran in it too):
 * the RCU/SRCU kthreads' CPU time and the workqueue workers' (kmod).
 */
void rb_metrics_gp_cpu(struct rb_metrics *m, u64 kthread_ns, u64 kworker_ns,
		       u64 revokes);

/* 1 and *milli when the metrics hold a counter of that name. */
int rb_metrics_get(const struct rb_metrics *m, const char *name, s64 *milli);

/*
 * Facts about the machine both environments record in the results
 * context, each read from one sysfs file ("unavailable" when it cannot
 * be read): the clocksource, the spectre_v2 mitigation, the CPU frequency
 * driver and governor.
 */
struct rb_sysfs_fact {
	const char *key, *path;
};
extern const struct rb_sysfs_fact rb_sysfs_facts[];
extern const int rb_sysfs_nfacts;

/*
 * The context keys the shared code owns, for either environment's writer
 * (results/FORMAT.md): "irqoff" (the irqoff knob and which windows it
 * covers; "n/a" where there are no interrupts to disable) and
 * "delay_loop_ns" (the calibrated delay loop, ns per iteration).
 * add(arg, key, value) once per key.
 */
void rb_metrics_context(int irqoff, void (*add)(void *arg, const char *key,
						const char *value),
			void *arg);

/* Nearest-rank percentile (1..100) of sorted v[n], n > 0. */
u64 rb_pct_sorted(const u64 *v, u64 n, unsigned int pct);
/* Sort v[n] ascending (heapsort: no recursion, no allocation). */
void rb_sort_u64(u64 *v, u64 n);

#endif /* REVBENCH_METRICS_H */
