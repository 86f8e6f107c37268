// SPDX-License-Identifier: GPL-2.0
/*
 * rcu, rcu-deferred - Rust's kernel Revocable (rust/kernel/revocable.rs)
 * over userspace RCU (liburcu, memb flavour).
 *
 * Rust keeps an AtomicBool is_available next to the data:
 *   try_access():  rcu_read_lock(); if is_available.load(Relaxed) hand out
 *                  a guard that holds the RCU read lock, else drop it and
 *                  return None;
 *   revoke():      if is_available.swap(false) (only the first revoke
 *                  does the work): synchronize_rcu(); drop the data.
 * Here try_access() is urcu_memb_read_lock() + a relaxed load of the flag
 * (and of the resource pointer, which never changes); release() is
 * urcu_memb_read_unlock().  A reader that started before the flag was
 * cleared is waited for by the grace period; one that starts after it
 * sees the flag clear (the grace period's guarantee), so after revoke()
 * returns no access succeeds and none is in flight.
 *
 * _LGPL_SOURCE makes urcu_memb_read_lock/unlock inline: on a kernel with
 * sys_membarrier the reader is a TLS nesting-count store plus compiler
 * barriers, no atomic instruction and no shared cache line - the
 * userspace analogue of a non-preemptible rcu_read_lock().
 *
 * Capabilities: readers must not sleep - the model is the kernel's RCU
 * read side, where sleeping is forbidden (liburcu itself would allow it,
 * the benchmark must not rely on that).  Not bounded: a reader stalled in
 * its section - on ANY revocable, since the grace period is global -
 * delays the grace period, so revoke() waits as long as it.  rcu-deferred
 * is bounded (its revoke waits for nobody) but its release, and the
 * memory, wait just as long.
 * The cost that matters is on the update side: one grace period per
 * revocable.  revoke_many() shows the batched alternative: clear every
 * flag, one grace period, release all.
 *
 * rcu-deferred: same reader; revoke() clears the flag and queues the
 * release with urcu_memb_call_rcu() (Rust's revoke_nosync() plus deferred
 * drop), so it returns at once; ops->deferred_barrier(), which is
 * urcu_memb_barrier(), waits for every queued release.  call_rcu must be
 * called from a thread registered with liburcu (after rb_thread_init()).
 *
 * Both need every reader and revoker thread to have called
 * rb_thread_init() (it registers the thread with liburcu), and revoke()
 * must not be called from inside a read-side section (it would wait for
 * itself).
 *
 * Overlapping revokes: Rust's revoke() lets the caller that loses the
 * is_available swap return at once, while the winner is still in its
 * grace period - the loser's caller may then free what a reader still
 * uses.  Here the claim is a struct rev_once (revocable.h) next to the
 * flag: the loser returns once the winner has released (rcu-deferred:
 * queued the release), and a revoke of a revoked revocable is one load.
 * The flag stays: it is what readers test.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "tsan_hb.h"
#if RB_URCU_INLINE
#define _LGPL_SOURCE		/* inline read-side fast path */
#endif
#include <urcu/urcu-memb.h>

#include "../revocable.h"
#include "prim_info.h"

struct rev_rcu {
	int is_available;	/* 1 until the first revoke clears it */
	void *res;
	rev_release_fn release;
	void *arg;
	struct rev_once once;	/* which revoke does the work */
	void *batch_owner;	/* revoke_many(): the call that claimed it */
	struct rcu_head rcu;	/* rcu-deferred: the queued release */
};

const char *rev_urcu_flavor(void)
{
	return "memb";
}

#if !RB_URCU_INLINE && !defined(urcu_memb_has_sys_membarrier)
extern int urcu_memb_has_sys_membarrier;	/* in <urcu/static/urcu-memb.h> */
#endif

const char *rev_urcu_info(void)
{
	return urcu_memb_has_sys_membarrier ?
	       "liburcu memb flavour, sys_membarrier: yes "
	       "(readers: compiler barriers only)" :
	       "liburcu memb flavour, sys_membarrier: NO "
	       "(readers fall back to smp_mb)";
}

static struct revocable *rcu_create(void *res, rev_release_fn release,
				    void *arg)
{
	struct rev_rcu *r = rb_zalloc(sizeof(*r));

	if (!r)
		return NULL;
	r->is_available = 1;
	r->res = res;
	r->release = release;
	r->arg = arg;
	return (struct revocable *)r;
}

static void rcu_destroy(struct revocable *rev)
{
	rb_free(rev);
}

static size_t rcu_footprint(const struct revocable *rev)
{
	(void)rev;
	return sizeof(struct rev_rcu);
}

static void *rcu_try_access(struct revocable *rev, struct rev_handle *h)
{
	struct rev_rcu *r = (struct rev_rcu *)rev;

	(void)h;
	urcu_memb_read_lock();
	if (likely(READ_ONCE(r->is_available)))
		return r->res;
	urcu_memb_read_unlock();
	return NULL;
}

static int rcu_release(struct revocable *rev, struct rev_handle *h)
{
	(void)h;
	rb_tsan_release(rev);	/* the edge the grace period provides */
	urcu_memb_read_unlock();
	return 0;
}

static void rcu_revoke(struct revocable *rev)
{
	struct rev_rcu *r = (struct rev_rcu *)rev;

	if (!rev_once_try(&r->once)) {
		rev_once_wait(&r->once);	/* revoked, or being revoked */
		return;
	}
	WRITE_ONCE(r->is_available, 0);	/* ordered by the grace period */
	urcu_memb_synchronize_rcu();
	rb_tsan_acquire(r);
	r->release(r->res, r->arg);
	rev_once_done(&r->once);
}

/*
 * Claim and clear every flag, wait for one grace period, release the ones
 * this call claimed, then wait for the ones another call had claimed.
 * batch_owner records which call won the claim (a revocable that was
 * already revoked must not be released again); a stack address is unique
 * among concurrently running calls and is cleared before returning so a
 * later call from the same stack depth cannot mistake it for its own.
 */
static void rcu_revoke_many(struct revocable **revs, int n)
{
	char token;
	bool any = false;
	int i;

	for (i = 0; i < n; i++) {
		struct rev_rcu *r = (struct rev_rcu *)revs[i];

		if (rev_once_try(&r->once)) {
			WRITE_ONCE(r->batch_owner, (void *)&token);
			WRITE_ONCE(r->is_available, 0);
			any = true;
		}
	}
	if (any)
		urcu_memb_synchronize_rcu();
	for (i = 0; any && i < n; i++) {
		struct rev_rcu *r = (struct rev_rcu *)revs[i];

		if (READ_ONCE(r->batch_owner) != (void *)&token)
			continue;
		WRITE_ONCE(r->batch_owner, NULL);
		rb_tsan_acquire(r);
		r->release(r->res, r->arg);
		rev_once_done(&r->once);
	}
	/* Claimed by another call: after ours are done, so no cycle. */
	for (i = 0; i < n; i++)
		rev_once_wait(&((struct rev_rcu *)revs[i])->once);
}

/* rcu-deferred */

/* TSan only: every deferred release happens before the barrier returns. */
static char rcu_deferred_barrier_sync;

static void rcu_deferred_cb(struct rcu_head *head)
{
	struct rev_rcu *r = caa_container_of(head, struct rev_rcu, rcu);

	rb_tsan_acquire(r);	/* readers and the revoker, via the GP */
	r->release(r->res, r->arg);
	rb_tsan_release(&rcu_deferred_barrier_sync);
}

static void rcu_deferred_revoke(struct revocable *rev)
{
	struct rev_rcu *r = (struct rev_rcu *)rev;

	if (!rev_once_try(&r->once)) {
		rev_once_wait(&r->once);	/* until the release is queued */
		return;
	}
	WRITE_ONCE(r->is_available, 0);	/* ordered by the grace period */
	rb_tsan_release(r);	/* the queueing, for the callback thread */
	urcu_memb_call_rcu(&r->rcu, rcu_deferred_cb);
	rev_once_done(&r->once);
}

static void rcu_deferred_barrier(void)
{
	rb_tsan_ignore_begin();	/* liburcu-internal hand-off, see tsan_hb.h */
	urcu_memb_barrier();
	rb_tsan_ignore_end();
	rb_tsan_acquire(&rcu_deferred_barrier_sync);
}

const struct revocable_ops rev_ops_rcu = {
	.name = "rcu",
	.family = "rcu",
	.desc = "Rust Revocable: rcu_read_lock + flag; revoke = one "
		"synchronize_rcu per object (liburcu memb)",
	.caps = 0,
	.create = rcu_create,
	.destroy = rcu_destroy,
	.footprint = rcu_footprint,
	.try_access = rcu_try_access,
	.release = rcu_release,
	.revoke = rcu_revoke,
	.revoke_many = rcu_revoke_many,
};

const struct revocable_ops rev_ops_rcu_deferred = {
	.name = "rcu-deferred",
	.family = "rcu",
	.desc = "Rust Revocable reader; revoke clears the flag and defers "
		"the release with call_rcu",
	.caps = REV_CAP_DEFERRED | REV_CAP_BOUNDED,
	.create = rcu_create,
	.destroy = rcu_destroy,
	.footprint = rcu_footprint,
	.try_access = rcu_try_access,
	.release = rcu_release,
	.revoke = rcu_deferred_revoke,
	.deferred_barrier = rcu_deferred_barrier,
};
