// SPDX-License-Identifier: GPL-2.0
/*
 * seqlock - a sequence counter guarding a revoked flag and the resource
 * pointer; readers speculate and validate, they never write shared memory.
 *
 * THE TYPE-STABLE-MEMORY RULE.  A seqcount reader reads first and checks
 * afterwards, so it may be touching the resource at the very moment a
 * revoke happens.  Two questions, two mechanisms:
 *   - was this speculative read valid?  The seqcount decides: release()
 *     returns -EAGAIN if the count moved, and the caller retries and must
 *     not act on anything it read;
 *   - when may the memory a speculating reader may still be touching be
 *     released?  RCU decides: every reader runs inside a liburcu (memb)
 *     read-side section from try_access() to release(), and revoke() waits
 *     for a grace period after bumping the count and before running the
 *     release callback (which poisons or frees the resource).
 * This is the SLAB_TYPESAFE_BY_RCU discipline: the seqcount alone would
 * let the release callback free memory under a reader that has not yet
 * re-checked - a use-after-free that validation only notices afterwards.
 * So the release callback never runs under a speculating reader, and the
 * revocable itself is alive until every reader's release() has returned.
 *
 * Reader (C11-correct, Boehm's seqlock recipe):
 *   try_access(): urcu_memb_read_lock(); s = acquire load of seq, spinning
 *                 with cpu_relax() while odd; relaxed loads of revoked and
 *                 res; NULL (and leave the section) if revoked, else the
 *                 resource, with s kept in the handle.
 *   release():    acquire fence (smp_rmb()), relaxed re-load of seq, leave
 *                 the section; -EAGAIN if seq != s, else 0.
 * Writer (revoke): writer mutex; seq++ (odd); smp_wmb(); set revoked;
 * smp_wmb(); seq++ (even); unlock; THEN urcu_memb_synchronize_rcu(); run
 * the release callback.  A reader that saw the old flag either finished
 * before the first increment (valid) or sees seq moved (retries, and then
 * gets NULL).  A second revoke sees the flag under the mutex: no-op.
 *
 * Caps: REV_CAP_RETRY.  Not SLEEP: the reader is inside an RCU section
 * and, in the kernel, a seqcount reader must not sleep either.  Not
 * bounded: a stalled reader delays the grace period.  revoke_many():
 * bump every count, one grace period, release all.  Every reader and
 * revoker thread must have called rb_thread_init().
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "tsan_hb.h"
#if RB_URCU_INLINE
#define _LGPL_SOURCE		/* inline read-side fast path */
#endif
#include <urcu/urcu-memb.h>

#include "../revocable.h"

struct rev_seqlock {
	unsigned long seq;	/* odd while a revoke is writing */
	int revoked;		/* written under lock, read speculatively */
	void *res;
	rev_release_fn release;
	void *arg;
	void *batch_owner;	/* revoke_many(): the call that revoked it */
	rb_mutex_t lock;	/* serialises writers */
};

static struct revocable *seqlock_create(void *res, rev_release_fn release,
					void *arg)
{
	struct rev_seqlock *r = rb_zalloc(sizeof(*r));

	if (!r)
		return NULL;
	if (rb_mutex_init(&r->lock)) {
		rb_free(r);
		return NULL;
	}
	r->res = res;
	r->release = release;
	r->arg = arg;
	return (struct revocable *)r;
}

static void seqlock_destroy(struct revocable *rev)
{
	struct rev_seqlock *r = (struct rev_seqlock *)rev;

	rb_mutex_destroy(&r->lock);
	rb_free(r);
}

static size_t seqlock_footprint(const struct revocable *rev)
{
	(void)rev;
	return sizeof(struct rev_seqlock);
}

static void *seqlock_try_access(struct revocable *rev, struct rev_handle *h)
{
	struct rev_seqlock *r = (struct rev_seqlock *)rev;
	unsigned long s;
	void *res;

	urcu_memb_read_lock();
	while (unlikely((s = smp_load_acquire(&r->seq)) & 1))
		cpu_relax();
	if (unlikely(READ_ONCE(r->revoked))) {
		urcu_memb_read_unlock();
		return NULL;
	}
	res = READ_ONCE(r->res);
	h->seq = s;
	return res;
}

static int seqlock_release(struct revocable *rev, struct rev_handle *h)
{
	struct rev_seqlock *r = (struct rev_seqlock *)rev;
	unsigned long s;

	smp_rmb();		/* the speculative loads before the re-check */
	s = READ_ONCE(r->seq);
	rb_tsan_release(r);	/* the edge the grace period provides */
	urcu_memb_read_unlock();
	return s != h->seq ? -EAGAIN : 0;
}

/* Writer side: true if this call revoked it.  No wait here. */
static bool seqlock_bump(struct rev_seqlock *r)
{
	unsigned long s;

	rb_mutex_lock(&r->lock);
	if (READ_ONCE(r->revoked)) {
		rb_mutex_unlock(&r->lock);
		return false;
	}
	s = READ_ONCE(r->seq);
	WRITE_ONCE(r->seq, s + 1);	/* odd: readers spin or will retry */
	smp_wmb();
	WRITE_ONCE(r->revoked, 1);
	smp_wmb();
	WRITE_ONCE(r->seq, s + 2);
	rb_mutex_unlock(&r->lock);
	return true;
}

static void seqlock_revoke(struct revocable *rev)
{
	struct rev_seqlock *r = (struct rev_seqlock *)rev;

	if (!seqlock_bump(r))
		return;			/* already revoked: no-op */
	urcu_memb_synchronize_rcu();	/* no reader still speculating */
	rb_tsan_acquire(r);
	r->release(r->res, r->arg);
}

/* Bump all, one grace period, release those this call revoked (rcu.c). */
static void seqlock_revoke_many(struct revocable **revs, int n)
{
	char token;
	bool any = false;
	int i;

	for (i = 0; i < n; i++) {
		struct rev_seqlock *r = (struct rev_seqlock *)revs[i];

		if (seqlock_bump(r)) {
			WRITE_ONCE(r->batch_owner, (void *)&token);
			any = true;
		}
	}
	if (!any)
		return;
	urcu_memb_synchronize_rcu();
	for (i = 0; i < n; i++) {
		struct rev_seqlock *r = (struct rev_seqlock *)revs[i];

		if (READ_ONCE(r->batch_owner) != (void *)&token)
			continue;
		WRITE_ONCE(r->batch_owner, NULL);
		rb_tsan_acquire(r);
		r->release(r->res, r->arg);
	}
}

const struct revocable_ops rev_ops_seqlock = {
	.name = "seqlock",
	.family = "seqlock",
	.desc = "seqcount + flag: speculate, re-check (-EAGAIN); revoke "
		"bumps, then one GP before release",
	.caps = REV_CAP_RETRY,
	.create = seqlock_create,
	.destroy = seqlock_destroy,
	.footprint = seqlock_footprint,
	.try_access = seqlock_try_access,
	.release = seqlock_release,
	.revoke = seqlock_revoke,
	.revoke_many = seqlock_revoke_many,
};
