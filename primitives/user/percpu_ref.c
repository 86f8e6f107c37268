// SPDX-License-Identifier: GPL-2.0
/*
 * percpu-ref - lib/percpu-refcount.c's algorithm in userspace, used the
 * way a driver would use percpu_ref_tryget_live() + percpu_ref_kill_and_
 * confirm() to guard a resource.  Userspace has no percpu_ref library, so
 * this file implements the kernel's algorithm; kmod/prim_percpu_ref.c is
 * the same design on the kernel's own percpu_ref.  Same name, same
 * capabilities, same revoke protocol (rev_once_batch(), revocable.h).
 *
 * State, as in the kernel:
 *   - one counter per context (rb_ctx_get(): the registered thread here,
 *     the CPU in the kernel), each written only by its owning thread with
 *     a READ_ONCE/WRITE_ONCE increment - the analogue of this_cpu_inc(),
 *     never an atomic RMW on a shared line.  A counter may go negative
 *     (get on thread A, put on thread B): only the sum means anything;
 *   - a mode word with ATOMIC and DEAD bits (the kernel keeps them in the
 *     low bits of percpu_count_ptr);
 *   - an atomic_long count for atomic mode, started at 1 + PCPU_COUNT_BIAS
 *     (the initial reference plus the bias, like percpu_ref_init()).
 *
 * try_access() = percpu_ref_tryget_live(): inside rb_rcu_read_lock(),
 * if the mode has neither bit, increment this context's counter; else if
 * not DEAD, atomic_long_inc_not_zero(); else fail.  release() =
 * percpu_ref_put(): inside the read lock, decrement this context's counter
 * in percpu mode, else atomic_long_dec_and_test() and signal the revoker
 * when it hit zero.  Between the two the reader holds a reference, not an
 * RCU section, so it may sleep (REV_CAP_SLEEP).
 *
 * revoke() = percpu_ref_kill_and_confirm() + wait, done synchronously:
 *   1. set ATOMIC|DEAD: from now on a reader that sees the mode uses the
 *      atomic count, and tryget_live fails on DEAD;
 *   2. rb_synchronize_rcu(): a reader that still saw percpu mode
 *      did so inside a read-side section, so after the grace period none is
 *      left in the percpu fast path and the per-context counters are final
 *      (the kernel does this step in the call_rcu callback
 *      percpu_ref_switch_to_atomic_rcu());
 *   3. add (sum of counters - PCPU_COUNT_BIAS) to the atomic count.  The
 *      bias is why the atomic count cannot reach zero during the grace
 *      period although puts of percpu-mode gets already decrement it;
 *   4. "confirm": from here on tryget_live is guaranteed to fail (before
 *      step 2, a reader that had not yet seen DEAD could still succeed on
 *      the percpu path - why only kill_and_confirm() is usable for a
 *      revoke);
 *   5. drop the initial reference, wait for the count to reach zero (the
 *      kernel's release callback is typically a complete() that the killer
 *      waits on, e.g. blk-mq's q_usage_counter), then run the release
 *      callback here, on the revoker's thread, outside any RCU section.
 * revoke_many(): set ATOMIC|DEAD on all, ONE grace period, then switch and
 * drain each.  Which call does the work is decided by a struct rev_once
 * (revocable.h), not by the DEAD bit: a revoke that overlaps the winner
 * waits until it has drained and released (returning when DEAD is seen
 * would let it return while readers still hold references), and one that
 * comes later returns at once.
 *
 * Waiting for the drain: a short spin (the common case - readers hold
 * their reference for nanoseconds) then sleep on one process-wide
 * mutex + condvar.  Sleeping rather than spin/yield, because readers may
 * sleep holding a reference and a yielding revoker would burn one of the
 * two CPUs meanwhile.  The lock is shared by every percpu-ref revocable
 * but taken only by the put that reaches zero (once per revocable's life)
 * and by a revoker that has to wait, never on the fast path.  The waker's
 * last touch of the revocable is the store of done, made under the lock,
 * so the revoker may destroy it as soon as it sees done.
 *
 * Counter layout: one word per context from compat.h's per-context
 * allocator (rb_pcpu_alloc(), the analogue of alloc_percpu()): the words
 * of different refs are packed inside each context's unit, which only
 * that context's thread writes, and no line is shared between contexts,
 * as the kernel's per-CPU allocator packs different refs inside one CPU's
 * unit.  So a ref costs its struct plus 8 B per context (rb_nr_ctx(), the
 * threads the process reserved), and footprint() reports both.  Readers
 * touch the mode line (read-mostly, shared) and their own context's
 * word; the atomic count has its own line.  The sum visits the contexts
 * in use only (rb_ctx_in_use()): after the grace period no reader is
 * left on the percpu path, and a context taken later is never used for a
 * get of this ref's percpu path.
 *
 * Not REV_CAP_BOUNDED: step 2 waits for a full grace period, so a reader
 * stalled in any RCU read-side section, not only this ref's, delays every
 * revoke (the contract suite's foreign_rcu_reader case), as in the kernel.
 *
 * Every reader and revoker thread must have called rb_thread_init().
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <limits.h>

#include "../revocable.h"
#include "workload.h"

#define PCPU_REF_ATOMIC		1UL
#define PCPU_REF_DEAD		2UL
#define PCPU_REF_ATOMIC_DEAD	(PCPU_REF_ATOMIC | PCPU_REF_DEAD)
#define PCPU_COUNT_BIAS		(1UL << (sizeof(long) * CHAR_BIT - 1))

struct rev_pcpu {
	struct rev_base base;
	/* read-mostly: every reader loads it */
	unsigned long mode;	/* 0, or PCPU_REF_ATOMIC_DEAD once killed */
	long ctr;		/* rb_pcpu_alloc(): this ref's counters */
	int nr_ctx;
	/* atomic mode only */
	atomic_long_t count ____cacheline_aligned;
	int done;		/* count reached zero; under pcpu_done_lock */
};

static pthread_mutex_t pcpu_done_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pcpu_done_cond = PTHREAD_COND_INITIALIZER;

static size_t pcpu_size(int nr_ctx)
{
	return sizeof(struct rev_pcpu) + (size_t)nr_ctx * sizeof(unsigned long);
}

static struct revocable *pcpu_create(void *res, rev_release_fn release,
				     void *arg)
{
	struct rev_pcpu *p = rb_zalloc(sizeof(*p));

	if (!p)
		return NULL;
	p->ctr = rb_pcpu_alloc();
	if (p->ctr < 0) {
		rb_free(p);
		return NULL;
	}
	rev_base_init(&p->base, res, release, arg);
	p->nr_ctx = rb_nr_ctx();
	atomic_long_set(&p->count, (long)(1 + PCPU_COUNT_BIAS));
	return (struct revocable *)p;
}

static void pcpu_destroy(struct revocable *rev)
{
	rb_pcpu_free(((struct rev_pcpu *)rev)->ctr);
	rb_free(rev);
}

static size_t pcpu_footprint(const struct revocable *rev)
{
	return pcpu_size(((const struct rev_pcpu *)rev)->nr_ctx);
}

/* this_cpu_add(): single writer, so a plain load + store is enough. */
static inline void pcpu_this_ctx_add(struct rev_pcpu *p, unsigned long d)
{
	unsigned long *c = rb_pcpu_ptr(p->ctr, rb_ctx_get());

	WRITE_ONCE(*c, READ_ONCE(*c) + d);
	rb_ctx_put();
}

/* percpu_ref_tryget_live() */
static inline void *pcpu_try_access(struct revocable *rev,
				    struct rev_handle *h)
{
	struct rev_pcpu *p = (struct rev_pcpu *)rev;
	unsigned long mode;
	bool ok;

	(void)h;
	rb_rcu_read_lock();
	mode = READ_ONCE(p->mode);
	if (likely(!(mode & PCPU_REF_ATOMIC_DEAD))) {
		pcpu_this_ctx_add(p, 1);
		ok = true;
	} else if (!(mode & PCPU_REF_DEAD)) {
		/* atomic but alive: never happens here (no switch without
		 * kill), kept because tryget_live has it */
		ok = atomic_long_inc_not_zero(&p->count);
	} else {
		ok = false;
	}
	rb_rcu_read_unlock();
	return ok ? p->base.res : NULL;
}

/* The ref's release: count hit zero.  Like complete(&done). */
static void pcpu_ref_zero(struct rev_pcpu *p)
{
	pthread_mutex_lock(&pcpu_done_lock);
	smp_store_release(&p->done, 1);	/* last touch of p */
	pthread_cond_broadcast(&pcpu_done_cond);
	pthread_mutex_unlock(&pcpu_done_lock);
}

/* percpu_ref_put() */
static inline int pcpu_release(struct revocable *rev, struct rev_handle *h)
{
	struct rev_pcpu *p = (struct rev_pcpu *)rev;
	bool zero = false;

	(void)h;
	rb_rcu_read_lock();
	if (likely(!(READ_ONCE(p->mode) & PCPU_REF_ATOMIC_DEAD))) {
		rb_tsan_release(p);	/* ordered by the kill's GP */
		pcpu_this_ctx_add(p, -1UL);
	} else {
		zero = atomic_long_dec_and_test(&p->count);
	}
	rb_rcu_read_unlock();
	if (zero)
		pcpu_ref_zero(p);
	return 0;
}

RB_WL_READSECTIONS(pcpu, pcpu_try_access, pcpu_release);

/* Step 1 (percpu_ref_kill), by the rev_once winner only. */
static void pcpu_kill(struct revocable *rev)
{
	struct rev_pcpu *p = (struct rev_pcpu *)rev;

	__atomic_fetch_or(&p->mode, PCPU_REF_ATOMIC_DEAD, __ATOMIC_SEQ_CST);
}

/* Step 2: one grace period, for every ref of the batch. */
static void pcpu_gp(struct revocable **revs, int n)
{
	(void)revs;
	(void)n;
	rb_synchronize_rcu();
}

/* Steps 3-4: fold the per-context sum into the atomic count (confirm). */
static void pcpu_switch(struct rev_pcpu *p)
{
	unsigned long sum = 0;
	int i, n = min_t(int, p->nr_ctx, rb_ctx_in_use());

	rb_tsan_acquire(p);
	for (i = 0; i < n; i++)
		sum += READ_ONCE(*rb_pcpu_ptr(p->ctr, i));
	atomic_long_add((long)(sum - PCPU_COUNT_BIAS), &p->count);
	/* Confirmed: every reader now sees DEAD, tryget_live fails. */
	if (atomic_long_dec_and_test(&p->count))	/* initial ref */
		pcpu_ref_zero(p);
}

/* Step 5: wait for the count to reach zero (the drain). */
static void pcpu_drain(struct rev_pcpu *p)
{
	unsigned int spins;

	for (spins = 0; spins < 1000; spins++) {
		if (smp_load_acquire(&p->done))
			return;
		cpu_relax();
	}
	pthread_mutex_lock(&pcpu_done_lock);
	while (!smp_load_acquire(&p->done))
		pthread_cond_wait(&pcpu_done_cond, &pcpu_done_lock);
	pthread_mutex_unlock(&pcpu_done_lock);
}

static void pcpu_finish(struct revocable *rev)
{
	struct rev_pcpu *p = (struct rev_pcpu *)rev;

	pcpu_switch(p);
	pcpu_drain(p);
	rev_base_release(&p->base);
}

static const struct rev_batch pcpu_batch = {
	.stop = pcpu_kill,
	.wait = pcpu_gp,
	.finish = pcpu_finish,
};

static void pcpu_revoke(struct revocable *rev)
{
	rev_once_batch(&rev, 1, &pcpu_batch);
}

static void pcpu_revoke_many(struct revocable **revs, int n)
{
	rev_once_batch(revs, n, &pcpu_batch);
}

const struct revocable_ops rev_ops_percpu_ref = {
	.name = "percpu-ref",
	.family = "percpu-ref",
	.desc = "percpu_ref: per-thread counters under RCU; revoke = "
		"kill_and_confirm (1 GP) + drain",
	.caps = REV_CAP_SLEEP,
	.color = "#e377c2",
	.create = pcpu_create,
	.destroy = pcpu_destroy,
	.footprint = pcpu_footprint,
	.try_access = pcpu_try_access,
	.release = pcpu_release,
	.rs = &pcpu_rs,
	.revoke = pcpu_revoke,
	.revoke_many = pcpu_revoke_many,
};

#ifdef REVBENCH_BUGS
#include "../bugs.h"

/*
 * ---- Bug zoo (bugs.h), test builds only ----
 *
 * bug-percpu-noconfirm: percpu_ref_kill() used where
 * percpu_ref_kill_and_confirm() is needed: revoke() kills and goes
 * straight on to summing the per-context counters, without the grace
 * period (step 2 above) after which every reader is known to see DEAD.  A
 * tryget_live that loaded the mode before the kill still takes the percpu
 * path and increments its counter after the sum was taken: that reference
 * is never counted, the count drains to zero under it, and the release
 * callback runs while it holds access.  Userspace only: the kernel's
 * percpu_ref API does not let a caller fold the counters before the
 * switch's grace period (the same misuse would need its internals), and
 * kill() followed by a wait for the drain is correct there.
 */
static const struct rev_batch pcpu_bug_noconfirm_batch = {
	.stop = pcpu_kill,
	/* BUG (deliberate): no grace period before the switch */
	.finish = pcpu_finish,
};

static void pcpu_bug_noconfirm_revoke(struct revocable *rev)
{
	rev_once_batch(&rev, 1, &pcpu_bug_noconfirm_batch);
}

const struct revocable_ops rev_ops_bug_percpu_noconfirm = {
	.name = "bug-percpu-noconfirm",
	.family = "percpu-ref",
	.desc = "BROKEN on purpose: percpu_ref killed without confirm (no GP "
		"before the switch)",
	.caps = REV_CAP_BROKEN | REV_CAP_SLEEP,
	.color = "#e377c2",
	.create = pcpu_create,
	.destroy = pcpu_destroy,
	.footprint = pcpu_footprint,
	.try_access = pcpu_try_access,
	.release = pcpu_release,
	.revoke = pcpu_bug_noconfirm_revoke,
};

/*
 * bug-percpu-nodrain: the confirm taken for "no reader": revoke() kills,
 * waits for the grace period and the switch (the confirmation that no NEW
 * tryget_live succeeds) and releases, without waiting for the references
 * already held to drain.  Readers inside keep using a released resource:
 * overtaken and poison.  The kernel has the same entry on its own
 * percpu_ref (kmod/prim_percpu_ref.c).
 */
static void pcpu_bug_nodrain_finish(struct revocable *rev)
{
	struct rev_pcpu *p = (struct rev_pcpu *)rev;

	pcpu_switch(p);
	/* BUG (deliberate): no pcpu_drain(p) */
	rev_base_release(&p->base);
}

static const struct rev_batch pcpu_bug_nodrain_batch = {
	.stop = pcpu_kill,
	.wait = pcpu_gp,
	.finish = pcpu_bug_nodrain_finish,
};

static void pcpu_bug_nodrain_revoke(struct revocable *rev)
{
	rev_once_batch(&rev, 1, &pcpu_bug_nodrain_batch);
}

const struct revocable_ops rev_ops_bug_percpu_nodrain = {
	.name = "bug-percpu-nodrain",
	.family = "percpu-ref",
	.desc = "BROKEN on purpose: percpu_ref revoke that releases on the "
		"confirm, without waiting for held references",
	.caps = REV_CAP_BROKEN | REV_CAP_SLEEP,
	.color = "#e377c2",
	.create = pcpu_create,
	.destroy = pcpu_destroy,
	.footprint = pcpu_footprint,
	.try_access = pcpu_try_access,
	.release = pcpu_release,
	.revoke = pcpu_bug_nodrain_revoke,
};
#endif /* REVBENCH_BUGS */
