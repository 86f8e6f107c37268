/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cost.h - the revoke-cost meter, shared by the userspace runner and the
 * kernel module: workload.c's revoker opens and closes it around every
 * timed revoke; the environment supplies the readers (runner/bench.c,
 * kmod/machine_cost.c) and metrics.c turns the sums into results keys.
 */
#ifndef REVBENCH_COST_H
#define REVBENCH_COST_H

#include "compat.h"

/*
 * What a revoke costs the rest of the machine, measured around every timed
 * revoke by the revoker itself, outside its timed window (workload.c calls
 * rb_cost_begin() just before and rb_cost_end() just after, through
 * run->cost; NULL: the cell is not metered):
 *   - the revoker's own CPU time (its thread's clock), to set against the
 *     window's wall time: a revoke that busy-scans burns all of it, one
 *     that sleeps in a grace period almost none;
 *   - the machine's function-call IPIs and TLB shootdowns, summed over
 *     CPUs.  On x86 a remote TLB flush arrives as a function-call IPI:
 *     the IPI counts in "call" (/proc/interrupts CAL, irq_call_count) and
 *     flush_tlb_func() counts it again in "tlb" (TLB, irq_tlb_count), so
 *     the IPIs are "call" alone and "tlb" is the part of them that were
 *     shootdowns.  The counts are the whole machine's: anything else that
 *     sends an IPI inside the window counts too.
 * The environment supplies the readers; ipis() may be NULL (no source).
 * A thread-clock read is not free (userspace: a system call, a few
 * hundred ns), and part of two reads lands between them: floor_ns, the
 * median of pairs read the way a window reads them (after an IPI read,
 * with the wall clock pair) but with no revoke between
 * (rb_cost_calibrate() in metrics.c, once per process or module
 * load), is taken off every window, so that a revoke that does nothing
 * reads about 0.
 */
struct rb_cost_src {
	u64 (*thread_cpu_ns)(void);	/* the calling thread's CPU time */
	/* IPIs so far, over every CPU; false when they cannot be read */
	bool (*ipis)(u64 *call, u64 *tlb);
	u64 floor_ns;			/* rb_cost_calibrate() */
};


struct rb_cost {
	const struct rb_cost_src *src;
	u64 cpu0, call0, tlb0;		/* at rb_cost_begin() */
	bool ipi0;			/* that IPI read worked */
	u64 n;				/* timed revokes metered */
	u64 cpu_ns, call, tlb;		/* their sums */
	bool ipi_lost;			/* an IPI read failed: no IPI counters */
};

/* A meter for one run: zeroed, reading from src. */
void rb_cost_init(struct rb_cost *c, const struct rb_cost_src *src);
/* Around one revoke window, on the revoker's thread; c may be NULL. */
void rb_cost_begin(struct rb_cost *c);
void rb_cost_end(struct rb_cost *c, bool timed);

#endif /* REVBENCH_COST_H */
