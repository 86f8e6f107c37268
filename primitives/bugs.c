// SPDX-License-Identifier: GPL-2.0
/*
 * The bug zoo, kernel-portable part (see bugs.h): deliberately broken
 * primitives written only against compat.h, so the kernel module can
 * compile this file unchanged.  Built into test builds only
 * (-DREVBENCH_BUGS); every entry carries REV_CAP_BROKEN and must be caught.
 *
 * Zoo entries that need a real primitive's internals live next to it,
 * fenced by #ifdef REVBENCH_BUGS: hazptr.c (bug-hazptr-nofence,
 * bug-hazptr-norecheck), user/srcu.c (bug-srcu-shared-handle),
 * user/percpu_ref.c (bug-percpu-noconfirm), user/seqlock.c
 * (bug-seqlock-noretry).  The userspace zoo table is in user/bugs.c.
 */
#include "revocable.h"	/* outside the #ifdef: never an empty unit */

#ifdef REVBENCH_BUGS

#include "bugs.h"

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
	atomic_long_t count;
	int dead;
	void *res;
	rev_release_fn release;
	void *arg;
};

static struct revocable *bug_nowait_create(void *res, rev_release_fn release,
					   void *arg)
{
	struct rev_bug_nowait *r = rb_zalloc(sizeof(*r));

	if (!r)
		return NULL;
	atomic_long_set(&r->count, 1);
	r->res = res;
	r->release = release;
	r->arg = arg;
	return (struct revocable *)r;
}

static void bug_free(struct revocable *rev)
{
	rb_free(rev);
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
	.destroy = bug_free,
	.footprint = bug_nowait_footprint,
	.try_access = bug_nowait_try_access,
	.release = bug_nowait_release,
	.revoke = bug_nowait_revoke,
};

/*
 * bug-double-release: a correct reader count, and a revoke whose "already
 * revoked?" test is separated from the flag it tests.  revoke() returns
 * early if `released` is set - but sets it only at the very end, after
 * waiting for the readers and running the release callback.  A second
 * revoke() called after the first returned is a no-op, as the contract
 * wants; two revokes that overlap (an unbind racing an error path, say)
 * both pass the test, both wait, and both run the release callback: a
 * double free.  The only bug is where `released` is set; test-and-set it
 * with xchg() at the top (as refcount does) and the variant is correct.
 *
 * Reader: increment (fully ordered), then load `dead`; revoker: store
 * `dead`, smp_mb(), then wait for the count to reach zero - the usual
 * store-buffering pair, so the waiting itself is right.
 */
struct rev_bug_dblrel {
	atomic_long_t count;	/* readers inside */
	int dead;		/* try_access fails once set */
	int released;		/* BUG: tested at the start, set at the end */
	void *res;
	rev_release_fn release;
	void *arg;
};

static struct revocable *bug_dblrel_create(void *res, rev_release_fn release,
					   void *arg)
{
	struct rev_bug_dblrel *r = rb_zalloc(sizeof(*r));

	if (!r)
		return NULL;
	r->res = res;
	r->release = release;
	r->arg = arg;
	return (struct revocable *)r;
}

static size_t bug_dblrel_footprint(const struct revocable *rev)
{
	(void)rev;
	return sizeof(struct rev_bug_dblrel);
}

static void *bug_dblrel_try_access(struct revocable *rev,
				   struct rev_handle *h)
{
	struct rev_bug_dblrel *r = (struct rev_bug_dblrel *)rev;

	(void)h;
	atomic_long_inc_return(&r->count);	/* fully ordered */
	if (READ_ONCE(r->dead)) {
		atomic_long_dec_return(&r->count);
		return NULL;
	}
	return r->res;
}

static int bug_dblrel_release(struct revocable *rev, struct rev_handle *h)
{
	struct rev_bug_dblrel *r = (struct rev_bug_dblrel *)rev;

	(void)h;
	atomic_long_dec_return(&r->count);	/* fully ordered */
	return 0;
}

static void bug_dblrel_revoke(struct revocable *rev)
{
	struct rev_bug_dblrel *r = (struct rev_bug_dblrel *)rev;
	unsigned int spins = 0;

	if (READ_ONCE(r->released))
		return;			/* "already revoked" - too weak a test */
	WRITE_ONCE(r->dead, 1);
	smp_mb(); /* dead before reading the count (pairs the readers' inc) */
	while (smp_load_acquire(&r->count.counter)) {
		if (++spins < 1000)
			cpu_relax();
		else
			rb_yield();
	}
	r->release(r->res, r->arg);
	/* BUG (deliberate): set only now, so overlapping revokes both ran. */
	WRITE_ONCE(r->released, 1);
}

const struct revocable_ops rev_ops_bug_double_release = {
	.name = "bug-double-release",
	.family = "refcount",
	.desc = "BROKEN on purpose: two overlapping revokes both run the "
		"release callback",
	.caps = REV_CAP_BROKEN | REV_CAP_SLEEP,
	.create = bug_dblrel_create,
	.destroy = bug_free,
	.footprint = bug_dblrel_footprint,
	.try_access = bug_dblrel_try_access,
	.release = bug_dblrel_release,
	.revoke = bug_dblrel_revoke,
};

#endif /* REVBENCH_BUGS */
