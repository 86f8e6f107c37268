// SPDX-License-Identifier: GPL-2.0
/*
 * none - no protection at all: the floor every other cost is measured
 * against (Rust's Devres::access() on a device known to be bound).
 *
 * try_access() is a plain load of the resource pointer.  revoke() clears
 * it and releases at once without waiting for anyone, so it is not safe
 * against concurrent readers: REV_CAP_UNSAFE, and the safety tests skip it
 * and say so.  What it does keep is the release-once part of the contract:
 * of overlapping revokes, one releases and the others return after it
 * (struct rev_once, revocable.h).  Shared by userspace and the kernel
 * module.
 */
#include "revocable.h"

struct rev_none {
	void *res;
	rev_release_fn release;
	void *arg;
	struct rev_once once;
};

static struct revocable *none_create(void *res, rev_release_fn release,
				     void *arg)
{
	struct rev_none *r = rb_zalloc(sizeof(*r));

	if (!r)
		return NULL;
	r->res = res;
	r->release = release;
	r->arg = arg;
	return (struct revocable *)r;
}

static void none_destroy(struct revocable *rev)
{
	rb_free(rev);
}

static size_t none_footprint(const struct revocable *rev)
{
	(void)rev;
	return sizeof(struct rev_none);
}

static void *none_try_access(struct revocable *rev, struct rev_handle *h)
{
	(void)h;
	return READ_ONCE(((struct rev_none *)rev)->res);
}

static int none_release(struct revocable *rev, struct rev_handle *h)
{
	(void)rev;
	(void)h;
	return 0;
}

static void none_revoke(struct revocable *rev)
{
	struct rev_none *r = (struct rev_none *)rev;

	if (!rev_once_try(&r->once)) {
		rev_once_wait(&r->once);
		return;
	}
	r->release(xchg(&r->res, NULL), r->arg);
	rev_once_done(&r->once);
}

const struct revocable_ops rev_ops_none = {
	.name = "none",
	.family = "none",
	.desc = "no protection: plain load (the floor); revoke is unsafe",
	.caps = REV_CAP_SLEEP | REV_CAP_BOUNDED | REV_CAP_UNSAFE,
	.create = none_create,
	.destroy = none_destroy,
	.footprint = none_footprint,
	.try_access = none_try_access,
	.release = none_release,
	.revoke = none_revoke,
};
