/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat/user_srcu.h - SRCU in userspace, which has no SRCU library: the
 * kernel's classic algorithm (separate lock and unlock counts per CPU in
 * two halves; 6.1's srcutree keeps srcu_lock_count[2] and
 * srcu_unlock_count[2] per CPU in srcu_data) behind compat.h's rb_srcu_*.
 *
 *   reader lock    idx = domain index & 1; lock[self][idx]++; smp_mb() (B)
 *   reader unlock  smp_mb() (C); unlock[self][idx]++
 *   readers gone?  U = sum of unlock[*][idx]; smp_mb() (A);
 *                  L = sum of lock[*][idx]; gone when L == U
 *   synchronize    smp_mb(); wait until the inactive index is gone (stale
 *                  readers that fetched it before the last flip);
 *                  smp_mb() (E); flip the index; smp_mb() (D); wait until
 *                  the previously active index is gone; smp_mb()
 *
 * Every unlock counted in U has its lock ordered before it (C, or the
 * hand-off of the index), and A makes that lock visible to the L scan, so
 * L >= U, with L == U only if no reader whose lock L saw is still inside.
 * Counters only grow (unsigned wrap is harmless for the equality test).
 *
 * "Per CPU" is per registered thread context (rb_ctx_get(), compat.h):
 * each counter is written only by its owning thread with a single-writer
 * READ_ONCE()+1/WRITE_ONCE() increment, what this_cpu_inc() gives the
 * kernel.  rb_srcu_read_unlock() may run on another thread than its lock,
 * which bumps its own unlock counter: the sums do not care which context
 * counted it (the kernel allows srcu_read_unlock() on another CPU the
 * same way).  The unlock increment is a store-release and the updater
 * reads unlock counts with load-acquire: free on x86, implied by C and A
 * anyway, and it lets ThreadSanitizer (which does not model fences) see
 * the happens-before between a reader's last access and what the updater
 * does after the grace period.  Scans visit the contexts in use only
 * (rb_ctx_in_use(); a context taken after a scan began belongs to a
 * reader that locked after the caller's prior stores).
 *
 * rb_srcu_synchronize(): the domain's mutex serialises grace periods (the
 * kernel's srcu_struct has one for the same reason).  Waiting between
 * checks spins, then yields; the kernel's synchronize_srcu() sleeps on a
 * completion while a workqueue re-checks.  There is no expedited variant
 * to write: this synchronize already polls the counts at once, with no
 * tick or workqueue to wait for, so it is the expedited shape; there is
 * no RB_HAVE_SRCU_EXPEDITED here, and srcu-exp stays kernel-only rather
 * than run the same code under a second name.
 *
 * rb_srcu_synchronize_many(ssps, n): one grace period of each of n
 * domains, overlapped: every domain's mutex taken (in address order, so
 * two overlapping calls cannot deadlock; duplicates once), then every
 * stale-reader scan, every flip, every drain scan in turn, so the readers
 * of all n domains drain side by side and each domain's steps keep the
 * order above.  If the sorted copy cannot be allocated, one
 * rb_srcu_synchronize() per domain: slower, never wrong.
 *
 * Polled grace periods: gp_seq counts 2 per completed grace period, odd
 * while one runs (the kernel's rcu_seq); rb_srcu_get_state() is the value
 * it reaches when the next full grace period has ended, and
 * rb_srcu_poll_state() compares.  No rb_srcu_start_poll(): nothing here
 * runs a grace period but a caller of rb_srcu_synchronize().
 *
 * Memory: per context, 4 x 8 bytes of counters on a 64-byte cache line of
 * its own, for rb_nr_ctx() contexts (the threads the process reserved,
 * compat.h), allocated by rb_srcu_init() as the kernel allocates its
 * per-CPU srcu_data.  Packing contexts closer would make neighbouring
 * threads bounce one line on every access, which per-CPU memory in the
 * kernel never does.  rb_srcu_footprint(): the struct and its counters.
 * (The kernel's srcu_data is larger: the same counters plus the
 * update-side lock, callback list, timer and work item that this
 * synchronous-only domain does not need.)
 *
 * Every thread that locks, unlocks or synchronizes has called
 * rb_thread_init().
 */
#ifndef REVBENCH_COMPAT_USER_SRCU_H
#define REVBENCH_COMPAT_USER_SRCU_H

#include "user.h"

/* One context's counters: written by that thread only, read by updaters. */
struct rb_srcu_ctr {
	unsigned long lock[2];
	unsigned long unlock[2];
} ____cacheline_aligned;

struct rb_srcu_struct {
	unsigned long idx;	/* bit 0 selects the counter half */
	unsigned long gp_seq;	/* 2 per grace period, odd during one */
	int nr_ctx;
	rb_mutex_t lock;	/* serialises grace periods */
	struct rb_srcu_ctr *ctr;	/* nr_ctx entries, one cache line each */
};

/* 0, or -ENOMEM. */
int rb_srcu_init(struct rb_srcu_struct *ssp);
void rb_srcu_cleanup(struct rb_srcu_struct *ssp);
void rb_srcu_synchronize(struct rb_srcu_struct *ssp);
void rb_srcu_synchronize_many(struct rb_srcu_struct *const *ssps, int n);
unsigned long rb_srcu_get_state(struct rb_srcu_struct *ssp);
bool rb_srcu_poll_state(struct rb_srcu_struct *ssp, unsigned long cookie);
size_t rb_srcu_footprint(const struct rb_srcu_struct *ssp);
/* Reports a thread that never called rb_thread_init(), then aborts. */
void rb_srcu_unregistered(void) __attribute__((noreturn));

/* The caller's counters; unregistered threads have no context. */
static inline struct rb_srcu_ctr *rb_srcu_my_ctr(struct rb_srcu_struct *ssp)
{
	int ctx = rb_ctx_get();

	if (unlikely(ctx < 0 || ctx >= ssp->nr_ctx))
		rb_srcu_unregistered();
	return &ssp->ctr[ctx];
}

static inline int rb_srcu_read_lock(struct rb_srcu_struct *ssp)
{
	struct rb_srcu_ctr *c = rb_srcu_my_ctr(ssp);
	int idx = READ_ONCE(ssp->idx) & 1;

	WRITE_ONCE(c->lock[idx], READ_ONCE(c->lock[idx]) + 1);
	rb_ctx_put();
	smp_mb(); /* B: lock count before the critical section (pairs A) */
	return idx;
}

static inline void rb_srcu_read_unlock(struct rb_srcu_struct *ssp, int idx)
{
	struct rb_srcu_ctr *c;

	smp_mb(); /* C: critical section before the unlock count (pairs A) */
	c = rb_srcu_my_ctr(ssp);
	/* Release store: implied by C; spelled out for TSan. */
	smp_store_release(&c->unlock[idx], READ_ONCE(c->unlock[idx]) + 1);
	rb_ctx_put();
}

/* No lockdep here: the untraced pair is the same. */
#define rb_srcu_read_lock_notrace(ssp)		rb_srcu_read_lock(ssp)
#define rb_srcu_read_unlock_notrace(ssp, idx)	rb_srcu_read_unlock(ssp, idx)

#endif /* REVBENCH_COMPAT_USER_SRCU_H */
