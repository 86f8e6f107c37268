// SPDX-License-Identifier: GPL-2.0
/*
 * seqlock - a sequence counter guarding a revoked flag and the resource
 * pointer; readers speculate and validate, they never write shared memory.
 *
 * Reader (C11-correct, Boehm's seqlock recipe):
 *   try_access(): s = acquire load of seq, spinning with cpu_relax() while
 *                 odd; relaxed loads of revoked and res; NULL if revoked,
 *                 else the resource, with s kept in the handle.
 *   release():    acquire fence (smp_rmb()), relaxed re-load of seq;
 *                 -EAGAIN if seq != s, else 0.  On -EAGAIN the caller must
 *                 not act on anything it read, and retries (and then gets
 *                 NULL: the only writer is revoke).
 * Revoke: writer mutex; seq++ (odd); smp_wmb(); set revoked; smp_wmb();
 * seq++ (even); unlock; smp_wmb(); run the release callback AT ONCE.  It
 * waits for nobody, so it is bounded (REV_CAP_BOUNDED): a stalled reader
 * costs the revoker nothing.  Done by the revoke that wins the rev_once
 * claim (revocable.h); one that overlaps it returns only after the
 * release callback ran (the flag alone would let it return between the
 * winner's bump and its callback), a later one at once.
 *
 * THE TYPE-STABLE-MEMORY RULE.  Because revoke does not wait, a reader may
 * still be reading the resource while (and after) the release callback
 * poisons it.  That is harmless only if the memory stays readable *as the
 * same type* - the SLAB_TYPESAFE_BY_RCU discipline without the RCU:
 *   - the release callback may poison or recycle the resource for another
 *     object of the same type, but must not hand its memory back to a
 *     general-purpose allocator (or unmap it) while any reader could still
 *     be speculating on it;
 *   - the owner frees the memory only once it knows no reader can be
 *     inside an access: revbench's tests keep released resources in a
 *     quarantine freed when the readers have stopped; the page-table
 *     workload keeps released tables on a graveyard freed at the end of the
 *     cell, and counts them as "pending" (unreclaimed) memory;
 *   - what a reader computes from such memory must be safe to compute from
 *     garbage of the same type (the page-table walk stops at a poisoned
 *     entry, whose valid bit is clear) and is discarded on -EAGAIN.
 * The smp_wmb() after the write section orders the seq update before the
 * callback's poison stores: a reader that saw poison sees the new seq at
 * its re-check (release fence / acquire fence pairing), so a validated
 * access never saw poison.  The stress and torture tests check exactly
 * that.  This is the design point that trades a bounded revoke and a
 * write-free reader for unreclaimed memory and retries.
 *
 * Caps: REV_CAP_RETRY | REV_CAP_BOUNDED.  Not SLEEP (as a kernel seqcount
 * reader, which must not block the writer's progress either).
 * revoke_many(): bump every count, then release all; nothing to batch but
 * the loop, since there is no wait.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "../revocable.h"

struct rev_seqlock {
	unsigned long seq;	/* odd while a revoke is writing */
	int revoked;		/* written under lock, read speculatively */
	struct rev_once once;	/* which revoke does the work */
	void *res;
	rev_release_fn release;
	void *arg;
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

	while (unlikely((s = smp_load_acquire(&r->seq)) & 1))
		cpu_relax();
	if (unlikely(READ_ONCE(r->revoked)))
		return NULL;
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
	return s != h->seq ? -EAGAIN : 0;
}

/* Writer side, the rev_once winner only.  No wait here. */
static void seqlock_bump(struct rev_seqlock *r)
{
	unsigned long s;

	rb_mutex_lock(&r->lock);
	s = READ_ONCE(r->seq);
	WRITE_ONCE(r->seq, s + 1);	/* odd: readers spin or will retry */
	smp_wmb();
	WRITE_ONCE(r->revoked, 1);
	smp_wmb();
	WRITE_ONCE(r->seq, s + 2);
	rb_mutex_unlock(&r->lock);
	smp_wmb();	/* seq before the release callback's poison stores */
}

static void seqlock_revoke(struct revocable *rev)
{
	struct rev_seqlock *r = (struct rev_seqlock *)rev;

	if (!rev_once_try(&r->once)) {
		rev_once_wait(&r->once);	/* until the callback ran */
		return;
	}
	seqlock_bump(r);
	r->release(r->res, r->arg);	/* at once: type-stable rule above */
	rev_once_done(&r->once);
}

/*
 * Bump and release each: there is no wait to share.  A loop of revoke()
 * is the rev_once pattern for batches too: each winner finishes its own
 * before any wait, and a winner never waits, so overlapping batches
 * cannot wait on each other.
 */
static void seqlock_revoke_many(struct revocable **revs, int n)
{
	int i;

	for (i = 0; i < n; i++)
		seqlock_revoke(revs[i]);
}

const struct revocable_ops rev_ops_seqlock = {
	.name = "seqlock",
	.family = "seqlock",
	.desc = "seqcount + flag: speculate, re-check (-EAGAIN); revoke "
		"bumps and releases at once (type-stable memory)",
	.caps = REV_CAP_RETRY | REV_CAP_BOUNDED,
	.create = seqlock_create,
	.destroy = seqlock_destroy,
	.footprint = seqlock_footprint,
	.try_access = seqlock_try_access,
	.release = seqlock_release,
	.revoke = seqlock_revoke,
	.revoke_many = seqlock_revoke_many,
};

#ifdef REVBENCH_BUGS
#include "../bugs.h"

/*
 * ---- Bug zoo (bugs.h), test builds only: bug-seqlock-noretry. ----
 *
 * A seqcount reader without its retry check: release() never re-reads the
 * sequence and always reports the access valid.  A reader that speculated
 * across a revoke acts on what it read - poison, since revoke releases at
 * once - or validates an access whose revoke had already returned.  The
 * type-stable memory keeps that a wrong answer, not a crash; the oracle's
 * poison and "validated after revoke" checks catch it.
 */
static int seqlock_bug_noretry_release(struct revocable *rev,
				       struct rev_handle *h)
{
	(void)rev;
	(void)h;
	return 0;	/* BUG (deliberate): no re-check of the sequence */
}

const struct revocable_ops rev_ops_bug_seqlock_noretry = {
	.name = "bug-seqlock-noretry",
	.family = "seqlock",
	.desc = "BROKEN on purpose: seqlock reader with no retry check",
	.caps = REV_CAP_BROKEN | REV_CAP_RETRY | REV_CAP_BOUNDED,
	.create = seqlock_create,
	.destroy = seqlock_destroy,
	.footprint = seqlock_footprint,
	.try_access = seqlock_try_access,
	.release = seqlock_bug_noretry_release,
	.revoke = seqlock_revoke,
	.revoke_many = seqlock_revoke_many,
};
#endif /* REVBENCH_BUGS */
