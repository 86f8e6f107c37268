// SPDX-License-Identifier: GPL-2.0
/*
 * seqlock - speculative readers that re-check a sequence (kernel only).
 *
 * try_access() samples the seqlock_t's sequence (read_seqbegin(), which
 * waits out a writer and orders the later loads) and checks the "revoked"
 * flag; release() re-checks (read_seqretry()) and returns -EAGAIN when a
 * revoke ran meanwhile: the reader must throw away what it read and retry,
 * and the retry then fails with NULL.
 *
 * revoke() bumps the sequence around setting the flag (write_seqlock() /
 * write_sequnlock()) and runs the release callback at once: it waits for
 * nobody, so it is bounded.  That is only sound under the TYPE-STABLE
 * MEMORY RULE, the same as userspace (primitives/user/seqlock.c): the
 * release callback may poison or recycle the resource but its memory must
 * stay readable as the same type while any reader may still be
 * speculating on it; the owner frees it only when no reader can be inside
 * an access (the tests' quarantine, the workloads' tstable list drained
 * after each cycle's stop barrier; in a driver, SLAB_TYPESAFE_BY_RCU or
 * teardown).  The smp_wmb() after write_sequnlock() orders the sequence
 * update before the callback's poison stores, so a reader that saw poison
 * fails its read_seqretry().  A revoke that overlaps the one doing this
 * (struct rev_once, revocable.h) returns only after its release callback
 * ran, a later one at once.
 */
#include <linux/seqlock.h>

#include "revocable.h"
#include "kmod.h"

struct rev_seq {
	seqlock_t lock;
	bool revoked;			/* what readers test */
	struct rev_once once;		/* which revoke does the work */
	void *res;
	rev_release_fn release;
	void *arg;
};

static struct revocable *rseq_create(void *res, rev_release_fn release,
				    void *arg)
{
	struct rev_seq *r = kzalloc(sizeof(*r), GFP_KERNEL);

	if (!r)
		return NULL;
	seqlock_init(&r->lock);
	r->res = res;
	r->release = release;
	r->arg = arg;
	return (struct revocable *)r;
}

static void rseq_destroy(struct revocable *rev)
{
	kfree(rev);
}

static size_t rseq_footprint(const struct revocable *rev)
{
	return sizeof(struct rev_seq);
}

static void *rseq_try_access(struct revocable *rev, struct rev_handle *h)
{
	struct rev_seq *r = (struct rev_seq *)rev;

	h->seq = read_seqbegin(&r->lock);
	if (READ_ONCE(r->revoked))
		return NULL;
	return READ_ONCE(r->res);
}

static int rseq_release(struct revocable *rev, struct rev_handle *h)
{
	struct rev_seq *r = (struct rev_seq *)rev;
	return read_seqretry(&r->lock, (unsigned int)h->seq) ? -EAGAIN : 0;
}

static void rseq_revoke(struct revocable *rev)
{
	struct rev_seq *r = (struct rev_seq *)rev;

	if (!rev_once_try(&r->once)) {
		rev_once_wait(&r->once);	/* until the callback ran */
		return;
	}
	write_seqlock(&r->lock);
	WRITE_ONCE(r->revoked, true);
	write_sequnlock(&r->lock);
	smp_wmb();		/* the sequence before the callback's poison */
	r->release(r->res, r->arg);	/* at once: the type-stable rule */
	rev_once_done(&r->once);
}

const struct revocable_ops rev_ops_seqlock = {
	.name = "seqlock",
	.family = "seqlock",
	.desc = "seqlock_t + flag: speculate, read_seqretry (-EAGAIN); revoke bumps and releases at once (type-stable memory)",
	.caps = REV_CAP_RETRY | REV_CAP_BOUNDED,
	.create = rseq_create,
	.destroy = rseq_destroy,
	.footprint = rseq_footprint,
	.try_access = rseq_try_access,
	.release = rseq_release,
	.revoke = rseq_revoke,
};

#ifdef REVBENCH_BUGS
/*
 * ---- Bug zoo, KMOD_BUGS=1 builds only: bug-seqlock-noretry. ----
 *
 * The seqlock above with one defect: release() never calls
 * read_seqretry(), so every speculative access is reported valid.  A
 * reader that speculated across a revoke (which releases at once, under
 * the type-stable rule) acts on what it read: poison, or an access
 * validated although its revoke had returned.  The torture quarantine
 * keeps that a wrong answer rather than a use-after-free; the oracle's
 * poison and overtaken checks catch it.
 */
static int rseq_bug_noretry_release(struct revocable *rev,
				    struct rev_handle *h)
{
	return 0;	/* BUG (deliberate): no read_seqretry() */
}

const struct revocable_ops rev_ops_bug_seqlock_noretry = {
	.name = "bug-seqlock-noretry",
	.family = "seqlock",
	.desc = "BROKEN on purpose: seqlock reader with no retry check",
	.caps = REV_CAP_BROKEN | REV_CAP_RETRY | REV_CAP_BOUNDED,
	.create = rseq_create,
	.destroy = rseq_destroy,
	.footprint = rseq_footprint,
	.try_access = rseq_try_access,
	.release = rseq_bug_noretry_release,
	.revoke = rseq_revoke,
};
#endif /* REVBENCH_BUGS */
