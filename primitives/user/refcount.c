// SPDX-License-Identifier: GPL-2.0
/*
 * refcount - one shared atomic count (kref_get_unless_zero style).
 *
 * The count starts at 1 (the provider's reference).  try_access() is an
 * increment-unless-zero on that one cache line; release() decrements it.
 * revoke() drops the provider's reference, after which no get succeeds,
 * and waits (spin, then yield) for the readers' references to drain to
 * zero, then runs the release callback.  The contended line is the
 * bouncing ceiling of the suite.  A revoke() that overlaps another (or
 * follows it) loses the rev_once claim and returns once the first one
 * has finished (revocable.h).
 */
#include "../revocable.h"

struct rev_refcount {
	atomic_long_t count ____cacheline_aligned;
	void *res ____cacheline_aligned;
	struct rev_once once;	/* only the first revoke() does the work */
	rev_release_fn release;
	void *arg;
};

static struct revocable *refcount_create(void *res, rev_release_fn release,
					 void *arg)
{
	struct rev_refcount *r;

	if (posix_memalign((void **)&r, SMP_CACHE_BYTES, sizeof(*r)))
		return NULL;
	memset(r, 0, sizeof(*r));
	atomic_long_set(&r->count, 1);
	r->res = res;
	r->release = release;
	r->arg = arg;
	return (struct revocable *)r;
}

static void refcount_destroy(struct revocable *rev)
{
	free(rev);
}

static size_t refcount_footprint(const struct revocable *rev)
{
	(void)rev;
	return sizeof(struct rev_refcount);
}

static void *refcount_try_access(struct revocable *rev, struct rev_handle *h)
{
	struct rev_refcount *r = (struct rev_refcount *)rev;

	(void)h;
	if (!atomic_long_inc_not_zero(&r->count))
		return NULL;
	return r->res;
}

static int refcount_release(struct revocable *rev, struct rev_handle *h)
{
	struct rev_refcount *r = (struct rev_refcount *)rev;

	(void)h;
	atomic_long_dec_return(&r->count);	/* full barrier */
	return 0;
}

static void refcount_revoke(struct revocable *rev)
{
	struct rev_refcount *r = (struct rev_refcount *)rev;
	unsigned int spins = 0;

	if (!rev_once_try(&r->once)) {
		rev_once_wait(&r->once);
		return;
	}
	atomic_long_dec_return(&r->count);
	while (smp_load_acquire(&r->count.counter) != 0) {
		if (++spins < 1000)
			cpu_relax();
		else
			rb_yield();
	}
	r->release(r->res, r->arg);
	rev_once_done(&r->once);
}

const struct revocable_ops rev_ops_refcount = {
	.name = "refcount",
	.family = "refcount",
	.desc = "one shared atomic count: get-unless-zero, revoke waits for zero",
	.caps = REV_CAP_SLEEP | REV_CAP_BOUNDED,
	.create = refcount_create,
	.destroy = refcount_destroy,
	.footprint = refcount_footprint,
	.try_access = refcount_try_access,
	.release = refcount_release,
	.revoke = refcount_revoke,
};
