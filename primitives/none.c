// SPDX-License-Identifier: GPL-2.0
/*
 * none - no protection at all: the floor every other cost is measured
 * against (Rust's Devres::access() on a device known to be bound).
 * One file for both environments (compat.h only).
 *
 * try_access() is a plain load of the resource pointer.  revoke() clears
 * it and releases at once without waiting for anyone, so it is not safe
 * against concurrent readers: REV_CAP_UNSAFE, and the safety tests skip it
 * and say so.  What it does keep is the release-once part of the contract:
 * of overlapping revokes, one releases and the others return after it
 * (rev_once_batch(), revocable.h).  REV_CAP_FLOOR: reader costs are
 * reported against it.
 */
#include "none.h"

static int rev_none_init(struct revocable *rev)
{
	struct rev_none *r = (struct rev_none *)rev;

	r->ptr = r->base.res;
	return 0;
}

REV_BASE_CREATE(rev_none_create, struct rev_none, rev_none_init)

REV_SIZEOF_FOOTPRINT(rev_none_footprint, struct rev_none)

/* Clear the pointer: later accesses fail.  Nobody is waited for. */
static void rev_none_stop(struct revocable *rev)
{
	WRITE_ONCE(((struct rev_none *)rev)->ptr, NULL);
}

static const struct rev_batch rev_none_batch = {
	.stop = rev_none_stop,
};

REV_BATCH_REVOKE(rev_none_revoke, &rev_none_batch)

const struct revocable_ops rev_ops_none = {
	.name = "none",
	.family = "none",
	.desc = "no protection: plain load (the floor); revoke is unsafe",
	.caps = REV_CAP_SLEEP | REV_CAP_BOUNDED | REV_CAP_UNSAFE |
		REV_CAP_FLOOR | REV_IRQSAFE | REV_CAP_XRELEASE,
	.color = "#7f7f7f",
	.peer = "bare",
	.create = rev_none_create,
	.destroy = rev_destroy_free,
	.footprint = rev_none_footprint,
	.try_access = rev_none_try_access,
	.release = rev_none_release,
	.revoke = rev_none_revoke,
	/* no revoke_many: there is no wait to share */
};
