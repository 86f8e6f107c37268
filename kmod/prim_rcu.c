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
 */
#include <linux/rcupdate.h>

#include "revocable.h"
#include "kmod.h"

struct rev_rcu {
	void __rcu *res;
	void *res_saved;	/* what release() gets: res is NULL by then */
	rev_release_fn release;
	void *arg;
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

/* Clear the pointer; true if this call did it (revoke is one-shot). */
static bool rrcu_clear(struct rev_rcu *r)
{
	return xchg((void **)&r->res, NULL) != NULL;
}

static void rrcu_revoke_common(struct revocable *rev, void (*sync)(void))
{
	struct rev_rcu *r = (struct rev_rcu *)rev;

	if (!rrcu_clear(r))
		return;
	sync();
	r->release(r->res_saved, r->arg);
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
		if (rrcu_clear((struct rev_rcu *)revs[i]))
			__set_bit(i, cleared);
	sync();
	for_each_set_bit(i, cleared, n) {
		struct rev_rcu *r = (struct rev_rcu *)revs[i];

		r->release(r->res_saved, r->arg);
	}
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

	if (rrcu_clear(r))
		call_rcu(&r->rcu, rrcu_deferred_cb);
}

static void rrcu_deferred_revoke_many(struct revocable **revs, int n)
{
	int i;

	/* call_rcu() callbacks already share grace periods. */
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
