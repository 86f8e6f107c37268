// SPDX-License-Identifier: GPL-2.0
/*
 * refcount - one shared count (kref_get_unless_zero style).  One file for
 * both environments over compat.h's rb_ref_t: a refcount_t and a
 * completion in the kernel, an atomic_long and a spin-then-yield wait in
 * userspace.
 *
 * The count starts at 1 (the provider's reference).  try_access() is an
 * increment-unless-zero on that one cache line; release() decrements it.
 * revoke() drops the provider's reference, waits for the readers'
 * references to drain to zero, then runs the release callback.  Dropping
 * the provider's reference does not stop new gets: an increment-unless-
 * zero keeps succeeding while any reader still holds a reference, so
 * readers arriving during the drain get in and extend it, and only the
 * moment the count reaches zero closes the door for good (revoke() can
 * be starved by a steady stream of overlapping readers; it waits for zero
 * before it returns, so no get succeeds after it).  The contended line is the bouncing ceiling of the
 * suite.  revoke_many() drops all n references first, then waits for
 * each: the drains overlap.  Overlapping revokes: rev_once_batch()
 * (revocable.h).
 */
#include "refcount.h"

/* The provider's reference. */
static int rev_ref_init(struct revocable *rev)
{
	rb_ref_init(&((struct rev_ref *)rev)->ref);
	return 0;
}

REV_BASE_CREATE(rev_ref_create, struct rev_ref, rev_ref_init)

REV_SIZEOF_FOOTPRINT(rev_ref_footprint, struct rev_ref)

/* Drop the provider's reference: from here no get succeeds. */
static void rev_ref_stop(struct revocable *rev)
{
	rb_ref_put(&((struct rev_ref *)rev)->ref);
}

/* Wait for the readers' references, then release. */
static void rev_ref_finish(struct revocable *rev)
{
	struct rev_ref *r = (struct rev_ref *)rev;

	rb_ref_wait(&r->ref);
	rev_base_release(&r->base);
}

static const struct rev_batch rev_ref_batch = {
	.stop = rev_ref_stop,
	.finish = rev_ref_finish,
};

REV_BATCH_REVOKE(rev_ref_revoke, &rev_ref_batch)

REV_BATCH_REVOKE_MANY(rev_ref_revoke_many, &rev_ref_batch)

const struct revocable_ops rev_ops_refcount = {
	.name = "refcount",
	.family = "refcount",
	.desc = "one shared count: get-unless-zero, revoke waits for zero",
	.caps = REV_CAP_SLEEP | REV_CAP_BOUNDED | REV_IRQSAFE | REV_CAP_XRELEASE,
	.color = "#d62728",
	.peer = "refcnt",
	.create = rev_ref_create,
	.destroy = rev_destroy_free,
	.footprint = rev_ref_footprint,
	.try_access = rev_ref_try_access,
	.release = rev_ref_release,
	.revoke = rev_ref_revoke,
	.revoke_many = rev_ref_revoke_many,
};
