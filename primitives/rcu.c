// SPDX-License-Identifier: GPL-2.0
/*
 * rcu, rcu-exp, rcu-deferred - RCU read side plus an availability flag.
 * One file for both environments over compat.h's rb_rcu_*: the kernel's
 * own RCU in the module, liburcu's memb flavour in userspace.
 *
 * rcu is Rust's kernel Revocable (rust/kernel/revocable.rs), which keeps
 * an AtomicBool is_available next to the data:
 *   try_access():  rcu_read_lock(); if is_available.load(Relaxed) hand out
 *                  a guard that holds the RCU read lock, else drop it and
 *                  return None;
 *   revoke():      if is_available.swap(false) (only the first revoke
 *                  does the work): synchronize_rcu(); drop the data.
 * Here try_access() is rb_rcu_read_lock() + a relaxed load of the flag
 * (the resource pointer never changes); release() is rb_rcu_read_unlock().
 * A reader that started before the flag was cleared is waited for by the
 * grace period; one that starts after it sees the flag clear (the grace
 * period's guarantee), so after revoke() returns no access succeeds and
 * none is in flight.  Readers must not sleep (the kernel's RCU read side;
 * liburcu would allow it, the benchmark must not rely on that).
 *
 * Overlapping revokes: Rust's swap lets the caller that loses return at
 * once, while the winner is still in its grace period (fixed in Rust in
 * June 2026 with a completion); here the claim is the rev_once of
 * rev_once_batch() (revocable.h), so the loser returns once the winner
 * has released.  The flag stays: it is what readers test.
 *
 * Variants:
 *   rcu           one synchronize_rcu() per object (Rust's revoke());
 *                 revoke_many() clears n flags and waits for ONE grace
 *                 period for all of them: the batched alternative.
 *   rcu-exp       the same with synchronize_rcu_expedited() (IPIs every
 *                 CPU: a much shorter wait that costs the other CPUs).
 *                 Kernel only (RB_HAVE_RCU_EXPEDITED): liburcu has no
 *                 expedited grace period.
 *   rcu-deferred  revoke() clears the flag and queues the release with
 *                 call_rcu(), so it returns at once (REV_CAP_DEFERRED);
 *                 ops->deferred_barrier() is rcu_barrier().  This is the
 *                 kfree_rcu() pattern, NOT a Rust API: Rust's
 *                 revoke_nosync() drops the data at once, with no grace
 *                 period (its caller guarantees there are no readers).
 *                 The release callback runs after a grace period in the
 *                 callback's context (kernel: softirq or an rcuo kthread,
 *                 so it must not sleep).  No revoke_many(): call_rcu()
 *                 callbacks share grace periods already, a batch would be
 *                 the same loop.
 * Not bounded (rcu, rcu-exp): a reader stalled in its section on ANY
 * revocable delays the grace period, so revoke() waits as long as it.
 * rcu-deferred is bounded (its revoke waits for nobody) but its release,
 * and the memory, wait just as long (its reclaim latency).
 *
 * Shared guard (REV_CAP_GUARD, all three): Rust's
 * try_access_with_guard(&rcu::Guard) checks is_available under an RCU
 * read lock the caller already holds, so one rcu::read_lock() covers
 * accesses to several revocables.  Here guard_enter() is
 * rb_rcu_read_lock(), try_access_guarded() the flag load alone, and
 * guard_exit() rb_rcu_read_unlock(): a revoke of any of them waits for
 * the guard as for a release(), the grace period covering it.
 *
 * Every userspace reader and revoker thread has called rb_thread_init()
 * (it registers the thread with liburcu); revoke() must not be called from
 * inside a read-side section (it would wait for itself).
 */
#include "rcu.h"

static int rev_rcu_init(struct revocable *rev)
{
	((struct rev_rcu *)rev)->is_available = 1;
	return 0;
}

REV_BASE_CREATE(rev_rcu_create, struct rev_rcu, rev_rcu_init)

REV_SIZEOF_FOOTPRINT(rev_rcu_footprint, struct rev_rcu)

/* The shared guard's TSan edge to the revokers (rcu.h). */
char rev_rcu_guard_sync;

/* rcu, rcu-exp, rcu-deferred: one struct, one read side and guard (rcu.h). */
#define REV_RCU_OPS						\
	.create = rev_rcu_create,				\
	.destroy = rev_destroy_free,				\
	.footprint = rev_rcu_footprint,				\
	.try_access = rev_rcu_try_access,			\
	.release = rev_rcu_release,				\
	.guard_enter = rev_rcu_guard_enter,			\
	.try_access_guarded = rev_rcu_try_access_guarded,	\
	.guard_exit = rev_rcu_guard_exit

/* Clear the flag readers test (ordered by the grace period). */
static void rev_rcu_stop(struct revocable *rev)
{
	WRITE_ONCE(((struct rev_rcu *)rev)->is_available, 0);
}

REV_BATCH_WAIT(rev_rcu_wait, rb_synchronize_rcu)

static void rev_rcu_finish(struct revocable *rev)
{
	rb_tsan_acquire(rev);	/* the readers, via the grace period */
	rb_tsan_acquire(&rev_rcu_guard_sync);	/* and the guards */
	rev_base_release(rev_base(rev));
}

static const struct rev_batch rev_rcu_batch = {
	.stop = rev_rcu_stop,
	.wait = rev_rcu_wait,
	.finish = rev_rcu_finish,
};

REV_BATCH_REVOKE(rev_rcu_revoke, &rev_rcu_batch)

REV_BATCH_REVOKE_MANY(rev_rcu_revoke_many, &rev_rcu_batch)

const struct revocable_ops rev_ops_rcu = {
	.name = "rcu",
	.family = "rcu",
	.desc = "Rust Revocable: rcu_read_lock + flag (one rcu::Guard for "
		"many: try_access_with_guard); revoke = one synchronize_rcu "
		"per object",
	.caps = REV_CAP_GUARD | REV_IRQSAFE,
	.color = "#1f77b4",
	.peer = "rcu",
	REV_RCU_OPS,
	.revoke = rev_rcu_revoke,
	.revoke_many = rev_rcu_revoke_many,
};

#ifdef RB_HAVE_RCU_EXPEDITED
REV_BATCH_WAIT(rev_rcu_exp_wait, rb_synchronize_rcu_expedited)

static const struct rev_batch rev_rcu_exp_batch = {
	.stop = rev_rcu_stop,
	.wait = rev_rcu_exp_wait,
	.finish = rev_rcu_finish,
};

REV_BATCH_REVOKE(rev_rcu_exp_revoke, &rev_rcu_exp_batch)

REV_BATCH_REVOKE_MANY(rev_rcu_exp_revoke_many, &rev_rcu_exp_batch)

const struct revocable_ops rev_ops_rcu_exp = {
	.name = "rcu-exp",
	.family = "rcu",
	.desc = "rcu_read_lock + flag; revoke = synchronize_rcu_expedited "
		"(IPIs)",
	.caps = REV_CAP_EXPEDITED | REV_CAP_GUARD | REV_IRQSAFE,
	.color = "#17becf",
	REV_RCU_OPS,
	.revoke = rev_rcu_exp_revoke,
	.revoke_many = rev_rcu_exp_revoke_many,
};
#endif /* RB_HAVE_RCU_EXPEDITED */

/* ---- rcu-deferred ---- */

/* TSan only: every deferred release happens before the barrier returns. */
static char rev_rcu_deferred_sync;

static void rev_rcu_deferred_cb(struct rb_rcu_head *head)
{
	struct rev_rcu *r = container_of(head, struct rev_rcu, rcu);

	rb_tsan_acquire(r);	/* readers and the revoker, via the GP */
	rb_tsan_acquire(&rev_rcu_guard_sync);	/* and the guards */
	rev_base_release(&r->base);
	rb_tsan_release(&rev_rcu_deferred_sync);
}

/* Queue the release: that is all a DEFERRED revoke promises. */
static void rev_rcu_deferred_finish(struct revocable *rev)
{
	struct rev_rcu *r = (struct rev_rcu *)rev;

	rb_tsan_release(r);	/* the queueing, for the callback thread */
	rb_call_rcu(&r->rcu, rev_rcu_deferred_cb);
}

static const struct rev_batch rev_rcu_deferred_batch = {
	.stop = rev_rcu_stop,
	.finish = rev_rcu_deferred_finish,
};

REV_BATCH_REVOKE(rev_rcu_deferred_revoke, &rev_rcu_deferred_batch)

static void rev_rcu_deferred_barrier(void)
{
	rb_rcu_barrier();
	rb_tsan_acquire(&rev_rcu_deferred_sync);
}

const struct revocable_ops rev_ops_rcu_deferred = {
	.name = "rcu-deferred",
	.family = "rcu",
	.desc = "rcu reader; revoke clears the flag and queues the release "
		"with call_rcu (the kfree_rcu pattern, not a Rust API)",
	.caps = REV_CAP_DEFERRED | REV_CAP_BOUNDED | REV_CAP_GUARD |
		REV_IRQSAFE,
	.color = "#aec7e8",
	REV_RCU_OPS,
	.revoke = rev_rcu_deferred_revoke,
	.deferred_barrier = rev_rcu_deferred_barrier,
};
