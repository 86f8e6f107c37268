// SPDX-License-Identifier: GPL-2.0
/*
 * rwsem - an rw_semaphore plus a "revoked" flag (kernel only).
 *
 * try_access() is down_read() and a check of the flag (up_read() and NULL
 * when revoked); release() is up_read().  Readers may sleep.  revoke() is
 * down_write(), which waits for every reader, sets the flag, up_write(),
 * then release(); a revoke that overlaps it (struct rev_once, revocable.h)
 * returns only after that release(), a later one at once.  Every reader
 * writes the semaphore's one count word:
 * that shared cache line is this design's cost.  The kernel rwsem hands
 * the lock to a waiting writer (readers arriving after it queue behind
 * it), so unlike a glibc rwlock the revoker is not starved.
 */
#include <linux/rwsem.h>

#include "revocable.h"
#include "kmod.h"

struct rev_rwsem {
	struct rw_semaphore sem;
	bool revoked;			/* under sem: what readers test */
	struct rev_once once;		/* which revoke does the work */
	void *res;
	rev_release_fn release;
	void *arg;
};

static struct revocable *rrw_create(void *res, rev_release_fn release,
				      void *arg)
{
	struct rev_rwsem *r = kzalloc(sizeof(*r), GFP_KERNEL);

	if (!r)
		return NULL;
	init_rwsem(&r->sem);
	r->res = res;
	r->release = release;
	r->arg = arg;
	return (struct revocable *)r;
}

static void rrw_destroy(struct revocable *rev)
{
	kfree(rev);
}

static size_t rrw_footprint(const struct revocable *rev)
{
	return sizeof(struct rev_rwsem);
}

static void *rrw_try_access(struct revocable *rev, struct rev_handle *h)
{
	struct rev_rwsem *r = (struct rev_rwsem *)rev;

	down_read(&r->sem);
	if (r->revoked) {
		up_read(&r->sem);
		return NULL;
	}
	return r->res;
}

static int rrw_release(struct revocable *rev, struct rev_handle *h)
{
	up_read(&((struct rev_rwsem *)rev)->sem);
	return 0;
}

static void rrw_revoke(struct revocable *rev)
{
	struct rev_rwsem *r = (struct rev_rwsem *)rev;

	if (!rev_once_try(&r->once)) {
		rev_once_wait(&r->once);
		return;
	}
	down_write(&r->sem);
	r->revoked = true;
	up_write(&r->sem);
	r->release(r->res, r->arg);
	rev_once_done(&r->once);
}

const struct revocable_ops rev_ops_rwsem = {
	.name = "rwsem",
	.family = "rwsem",
	.desc = "rw_semaphore + flag: down_read / down_write",
	.caps = REV_CAP_SLEEP | REV_CAP_BOUNDED,
	.create = rrw_create,
	.destroy = rrw_destroy,
	.footprint = rrw_footprint,
	.try_access = rrw_try_access,
	.release = rrw_release,
	.revoke = rrw_revoke,
};
