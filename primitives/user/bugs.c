// SPDX-License-Identifier: GPL-2.0
/*
 * The bug zoo (see bugs.h): deliberately broken primitives that prove the
 * contract and stress tests have teeth.  Built into test builds only
 * (-DREVBENCH_BUGS); every entry carries REV_CAP_BROKEN and must be caught.
 */
#include "../revocable.h"	/* outside the #ifdef: never an empty unit */

#ifdef REVBENCH_BUGS

#include "../bugs.h"

/*
 * bug-nowait: the refcount primitive with the wait taken out.  revoke()
 * marks the revocable dead (so try_access() calls that start after it
 * fail, as the contract wants) and drops the provider's reference, then
 * runs the release callback at once, while readers that got in before may
 * still be using the resource: a use-after-release the stress test must
 * report.  That missing wait is the only bug.  (The shape of "mark dead,
 * free, forget the readers in flight".)
 */
struct rev_bug_nowait {
	atomic_long_t count ____cacheline_aligned;
	int dead;
	void *res ____cacheline_aligned;
	rev_release_fn release;
	void *arg;
};

static struct revocable *bug_nowait_create(void *res, rev_release_fn release,
					   void *arg)
{
	struct rev_bug_nowait *r;

	if (posix_memalign((void **)&r, SMP_CACHE_BYTES, sizeof(*r)))
		return NULL;
	memset(r, 0, sizeof(*r));
	atomic_long_set(&r->count, 1);
	r->res = res;
	r->release = release;
	r->arg = arg;
	return (struct revocable *)r;
}

static void bug_nowait_destroy(struct revocable *rev)
{
	free(rev);
}

static size_t bug_nowait_footprint(const struct revocable *rev)
{
	(void)rev;
	return sizeof(struct rev_bug_nowait);
}

static void *bug_nowait_try_access(struct revocable *rev,
				   struct rev_handle *h)
{
	struct rev_bug_nowait *r = (struct rev_bug_nowait *)rev;

	(void)h;
	if (!atomic_long_inc_not_zero(&r->count))
		return NULL;
	if (READ_ONCE(r->dead)) {	/* the get above is fully ordered */
		atomic_long_dec_return(&r->count);
		return NULL;
	}
	return r->res;
}

static int bug_nowait_release(struct revocable *rev, struct rev_handle *h)
{
	struct rev_bug_nowait *r = (struct rev_bug_nowait *)rev;

	(void)h;
	atomic_long_dec_return(&r->count);
	return 0;
}

static void bug_nowait_revoke(struct revocable *rev)
{
	struct rev_bug_nowait *r = (struct rev_bug_nowait *)rev;

	if (xchg(&r->dead, 1))
		return;				/* a second revoke is a no-op */
	atomic_long_dec_return(&r->count);	/* drop the provider's ref */
	/* BUG (deliberate): no wait for the readers still inside. */
	r->release(r->res, r->arg);
}

const struct revocable_ops rev_ops_bug_nowait = {
	.name = "bug-nowait",
	.family = "refcount",
	.desc = "BROKEN on purpose: refcount whose revoke releases without "
		"waiting for readers",
	.caps = REV_CAP_BROKEN | REV_CAP_SLEEP,
	.create = bug_nowait_create,
	.destroy = bug_nowait_destroy,
	.footprint = bug_nowait_footprint,
	.try_access = bug_nowait_try_access,
	.release = bug_nowait_release,
	.revoke = bug_nowait_revoke,
};

#endif /* REVBENCH_BUGS */
