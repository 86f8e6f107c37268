// SPDX-License-Identifier: GPL-2.0
/*
 * rcu - Rust's Revocable on the kernel's own RCU (kernel only).
 *
 * try_access() is rcu_read_lock() plus a load of the resource pointer
 * (the "is it still there" flag and the pointer are one word); release()
 * is rcu_read_unlock().  Readers must not sleep.  revoke() clears the
 * pointer, then:
 *   rcu           synchronize_rcu(), then release(): one normal grace
 *                 period per object (Rust's Revocable::revoke())
 *   rcu-exp       synchronize_rcu_expedited(): IPIs every CPU, much
 *                 shorter wait, costs the other CPUs
 *   rcu-deferred  call_rcu(): revoke returns at once and release() runs
 *                 from the RCU callback after a grace period (softirq or
 *                 rcuo kthread context: the release callback must not
 *                 sleep, as with kfree_rcu()); barrier() = rcu_barrier()
 * rcu and rcu-exp also batch: revoke_many() clears n pointers and waits
 * for one grace period for all of them.
 *
 * Which revoke does the work is a struct rev_once (revocable.h), not the
 * xchg() of the pointer: a revoke that overlaps the winner returns only
 * once the winner has released (rcu-deferred: queued the release), a
 * later one at once.  The pointer stays what readers test.
 */
#include <linux/rcupdate.h>

#include "revocable.h"
#include "kmod.h"

struct rev_rcu {
	void __rcu *res;
	void *res_saved;	/* what release() gets: res is NULL by then */
	rev_release_fn release;
	void *arg;
	struct rev_once once;	/* which revoke does the work */
	struct rcu_head rcu;	/* rcu-deferred only */
};

static struct revocable *rrcu_create(void *res, rev_release_fn release,
				    void *arg)
{
	struct rev_rcu *r = kzalloc(sizeof(*r), GFP_KERNEL);

	if (!r)
		return NULL;
	RCU_INIT_POINTER(r->res, res);
	r->res_saved = res;
	r->release = release;
	r->arg = arg;
	return (struct revocable *)r;
}

static void rrcu_destroy(struct revocable *rev)
{
	kfree(rev);
}

static size_t rrcu_footprint(const struct revocable *rev)
{
	return sizeof(struct rev_rcu);
}

static void *rrcu_try_access(struct revocable *rev, struct rev_handle *h)
{
	struct rev_rcu *r = (struct rev_rcu *)rev;
	void *p;

	rcu_read_lock();
	p = rcu_dereference(r->res);
	if (!p)
		rcu_read_unlock();
	return p;
}

static int rrcu_release(struct revocable *rev, struct rev_handle *h)
{
	rcu_read_unlock();
	return 0;
}

/* Claim the revoke; if this call won, clear the pointer readers test. */
static bool rrcu_claim(struct rev_rcu *r)
{
	if (!rev_once_try(&r->once))
		return false;
	RCU_INIT_POINTER(r->res, NULL);	/* ordered by the grace period */
	return true;
}

static void rrcu_revoke_common(struct revocable *rev, void (*sync)(void))
{
	struct rev_rcu *r = (struct rev_rcu *)rev;

	if (!rrcu_claim(r)) {
		rev_once_wait(&r->once);
		return;
	}
	sync();
	r->release(r->res_saved, r->arg);
	rev_once_done(&r->once);
}

static void rrcu_revoke_many_common(struct revocable **revs, int n,
				   void (*sync)(void))
{
	unsigned long *cleared;
	int i;

	cleared = bitmap_zalloc(n, GFP_KERNEL);
	if (!cleared) {
		/* No memory for the batch: fall back to one wait each. */
		for (i = 0; i < n; i++)
			rrcu_revoke_common(revs[i], sync);
		return;
	}
	for (i = 0; i < n; i++)
		if (rrcu_claim((struct rev_rcu *)revs[i]))
			__set_bit(i, cleared);
	if (!bitmap_empty(cleared, n))
		sync();
	for_each_set_bit(i, cleared, n) {
		struct rev_rcu *r = (struct rev_rcu *)revs[i];

		r->release(r->res_saved, r->arg);
		rev_once_done(&r->once);
	}
	/* Claimed by another call: after ours are done, so no cycle. */
	for_each_clear_bit(i, cleared, n)
		rev_once_wait(&((struct rev_rcu *)revs[i])->once);
	bitmap_free(cleared);
}

static void rrcu_revoke(struct revocable *rev)
{
	rrcu_revoke_common(rev, synchronize_rcu);
}

static void rrcu_revoke_many(struct revocable **revs, int n)
{
	rrcu_revoke_many_common(revs, n, synchronize_rcu);
}

static void rrcu_exp_revoke(struct revocable *rev)
{
	rrcu_revoke_common(rev, synchronize_rcu_expedited);
}

static void rrcu_exp_revoke_many(struct revocable **revs, int n)
{
	rrcu_revoke_many_common(revs, n, synchronize_rcu_expedited);
}

static void rrcu_deferred_cb(struct rcu_head *head)
{
	struct rev_rcu *r = container_of(head, struct rev_rcu, rcu);

	r->release(r->res_saved, r->arg);
}

static void rrcu_deferred_revoke(struct revocable *rev)
{
	struct rev_rcu *r = (struct rev_rcu *)rev;

	if (!rrcu_claim(r)) {
		rev_once_wait(&r->once);	/* until the release is queued */
		return;
	}
	call_rcu(&r->rcu, rrcu_deferred_cb);
	rev_once_done(&r->once);
}

static void rrcu_deferred_revoke_many(struct revocable **revs, int n)
{
	int i;

	/*
	 * call_rcu() callbacks already share grace periods.  A loop of
	 * revoke() keeps the rev_once rule: a winner only queues, never
	 * waits, so overlapping batches cannot wait on each other.
	 */
	for (i = 0; i < n; i++)
		rrcu_deferred_revoke(revs[i]);
}

const struct revocable_ops rev_ops_rcu = {
	.name = "rcu",
	.family = "rcu",
	.desc = "rcu_read_lock + pointer; revoke = synchronize_rcu (Rust Revocable)",
	.caps = 0,
	.create = rrcu_create,
	.destroy = rrcu_destroy,
	.footprint = rrcu_footprint,
	.try_access = rrcu_try_access,
	.release = rrcu_release,
	.revoke = rrcu_revoke,
	.revoke_many = rrcu_revoke_many,
};

const struct revocable_ops rev_ops_rcu_exp = {
	.name = "rcu-exp",
	.family = "rcu",
	.desc = "rcu_read_lock + pointer; revoke = synchronize_rcu_expedited (IPIs)",
	.caps = REV_CAP_EXPEDITED,
	.create = rrcu_create,
	.destroy = rrcu_destroy,
	.footprint = rrcu_footprint,
	.try_access = rrcu_try_access,
	.release = rrcu_release,
	.revoke = rrcu_exp_revoke,
	.revoke_many = rrcu_exp_revoke_many,
};

const struct revocable_ops rev_ops_rcu_deferred = {
	.name = "rcu-deferred",
	.family = "rcu",
	.desc = "rcu_read_lock + pointer; revoke = call_rcu, release after a GP; barrier = rcu_barrier",
	.caps = REV_CAP_DEFERRED | REV_CAP_BOUNDED,
	.create = rrcu_create,
	.destroy = rrcu_destroy,
	.footprint = rrcu_footprint,
	.try_access = rrcu_try_access,
	.release = rrcu_release,
	.revoke = rrcu_deferred_revoke,
	.revoke_many = rrcu_deferred_revoke_many,
	.deferred_barrier = rcu_barrier,
};
