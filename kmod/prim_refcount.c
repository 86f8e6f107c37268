// SPDX-License-Identifier: GPL-2.0
/*
 * refcount - one refcount_t (kref_get_unless_zero style), kernel version.
 *
 * The count starts at 1, the provider's reference.  try_access() is
 * refcount_inc_not_zero() on that one cache line, release() is
 * refcount_dec_and_test(), completing a completion when it reaches zero.
 * revoke() drops the provider's reference (from then on no get succeeds)
 * and sleeps on the completion until the readers' references are gone,
 * then calls release().  revoke_many() drops all n first, then waits.
 * Which revoke drops the reference is a struct rev_once (revocable.h): a
 * revoke that overlaps the winner returns once it has released, a later
 * one at once.
 * The same layout as the userspace refcount (count and resource on their
 * own cache lines) so the two can be compared.
 */
#include <linux/completion.h>
#include <linux/refcount.h>

#include "revocable.h"
#include "kmod.h"

struct rev_ref {
	refcount_t count ____cacheline_aligned;
	void *res ____cacheline_aligned;
	rev_release_fn release;
	void *arg;
	struct rev_once once;	/* which revoke drops and waits */
	struct completion zero;
};

static struct revocable *rref_create(void *res, rev_release_fn release,
				    void *arg)
{
	struct rev_ref *r = kzalloc(sizeof(*r), GFP_KERNEL);

	if (!r)
		return NULL;
	refcount_set(&r->count, 1);
	r->res = res;
	r->release = release;
	r->arg = arg;
	init_completion(&r->zero);
	return (struct revocable *)r;
}

static void rref_destroy(struct revocable *rev)
{
	kfree(rev);
}

static size_t rref_footprint(const struct revocable *rev)
{
	return sizeof(struct rev_ref);
}

static void *rref_try_access(struct revocable *rev, struct rev_handle *h)
{
	struct rev_ref *r = (struct rev_ref *)rev;

	if (!refcount_inc_not_zero(&r->count))
		return NULL;
	return r->res;
}

static int rref_release(struct revocable *rev, struct rev_handle *h)
{
	struct rev_ref *r = (struct rev_ref *)rev;

	if (refcount_dec_and_test(&r->count))
		complete(&r->zero);
	return 0;
}

/* True if this call won the claim and dropped the provider's ref. */
static bool rref_drop(struct rev_ref *r)
{
	if (!rev_once_try(&r->once))
		return false;
	if (refcount_dec_and_test(&r->count))
		complete(&r->zero);
	return true;
}

static void rref_finish(struct rev_ref *r)
{
	wait_for_completion(&r->zero);
	r->release(r->res, r->arg);
	rev_once_done(&r->once);
}

static void rref_revoke(struct revocable *rev)
{
	struct rev_ref *r = (struct rev_ref *)rev;

	if (rref_drop(r))
		rref_finish(r);
	else
		rev_once_wait(&r->once);
}

static void rref_revoke_many(struct revocable **revs, int n)
{
	unsigned long *dropped;
	int i;

	dropped = bitmap_zalloc(n, GFP_KERNEL);
	if (!dropped) {
		for (i = 0; i < n; i++)
			rref_revoke(revs[i]);
		return;
	}
	for (i = 0; i < n; i++)
		if (rref_drop((struct rev_ref *)revs[i]))
			__set_bit(i, dropped);
	for_each_set_bit(i, dropped, n)
		rref_finish((struct rev_ref *)revs[i]);
	/* Claimed by another call: after ours are done, so no cycle. */
	for_each_clear_bit(i, dropped, n)
		rev_once_wait(&((struct rev_ref *)revs[i])->once);
	bitmap_free(dropped);
}

const struct revocable_ops rev_ops_refcount = {
	.name = "refcount",
	.family = "refcount",
	.desc = "one refcount_t: inc_not_zero / dec_and_test; revoke waits on a completion",
	.caps = REV_CAP_SLEEP | REV_CAP_BOUNDED,
	.create = rref_create,
	.destroy = rref_destroy,
	.footprint = rref_footprint,
	.try_access = rref_try_access,
	.release = rref_release,
	.revoke = rref_revoke,
	.revoke_many = rref_revoke_many,
};
