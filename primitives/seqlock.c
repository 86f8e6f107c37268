// SPDX-License-Identifier: GPL-2.0
/*
 * seqlock - a sequence lock guarding a revoked flag: readers speculate
 * and validate, they never write shared memory.  One file for both
 * environments over compat.h's rb_seq_t: the kernel's seqlock_t in the
 * module, a seqcount plus a writer mutex in userspace (C11-correct,
 * Boehm's seqlock recipe).
 *
 *   try_access(): v = read_seqbegin() (waits out a writer, orders the
 *                 later loads); NULL if revoked, else the resource, with
 *                 v kept in the caller's handle.
 *   release():    read_seqretry(v): -EAGAIN if a revoke ran meanwhile;
 *                 the caller must not act on anything it read, and
 *                 retries (and then gets NULL: the only writer is revoke).
 *   revoke():     write_seqlock(); set revoked; write_sequnlock();
 *                 smp_wmb(); run the release callback AT ONCE.
 * It waits for nobody, so it is bounded (REV_CAP_BOUNDED): a stalled
 * reader costs the revoker nothing.  Overlapping revokes: rev_once_batch()
 * (revocable.h): one that overlaps the winner returns only after the
 * release callback ran, a later one at once.
 *
 * THE TYPE-STABLE-MEMORY RULE (REV_CAP_TYPESTABLE).  Because revoke does
 * not wait, a reader may still be reading the resource while (and after)
 * the release callback poisons it.  That is harmless only if the memory
 * stays readable *as the same type* - the SLAB_TYPESAFE_BY_RCU discipline
 * without the RCU:
 *   - the release callback may poison or recycle the resource for another
 *     object of the same type, but must not hand its memory back to a
 *     general-purpose allocator (or unmap it) while any reader could still
 *     be speculating on it;
 *   - the owner frees the memory only once it knows no reader can be
 *     inside an access: the tests keep released resources in a quarantine
 *     freed when the readers have stopped; the page-table workloads and
 *     the driver park released tables until their readers have stopped,
 *     and count them as unreclaimed memory;
 *   - what a reader computes from such memory must be safe to compute
 *     from garbage of the same type (the page-table walk stops at a
 *     poisoned entry, whose valid bit is clear) and is discarded on
 *     -EAGAIN.
 * The smp_wmb() after the write section orders the sequence update before
 * the callback's poison stores: a reader that saw poison sees the new
 * sequence at its re-check, so a validated access never saw poison.  The
 * stress and torture tests check exactly that.  This is the design point
 * that trades a bounded revoke and a write-free reader for unreclaimed
 * memory and retries.  Readers must not sleep (REV_CAP_SLEEP is not set:
 * a kernel seqcount reader must not block the writer's progress either).
 *
 * No revoke_many(): there is no wait to share, a batch would be the same
 * loop of bumps.
 */
#include "seqlock.h"

static int rev_seq_init(struct revocable *rev)
{
	struct rev_seq *r = (struct rev_seq *)rev;

	return rb_seq_init(&r->lock);
}

REV_BASE_CREATE(rev_seq_create, struct rev_seq, rev_seq_init)

static void rev_seq_destroy(struct revocable *rev)
{
	struct rev_seq *r = (struct rev_seq *)rev;

	rb_seq_destroy(&r->lock);
	rb_free(r);
}

REV_SIZEOF_FOOTPRINT(rev_seq_footprint, struct rev_seq)

/* Bump the sequence around the flag; nobody is waited for. */
static void rev_seq_stop(struct revocable *rev)
{
	struct rev_seq *r = (struct rev_seq *)rev;

	rb_write_seqlock(&r->lock);
	WRITE_ONCE(r->revoked, 1);
	rb_write_sequnlock(&r->lock);
	smp_wmb();	/* the sequence before the release callback's poison */
}

static const struct rev_batch rev_seq_batch = {
	.stop = rev_seq_stop,
	/* release at once: the type-stable rule above */
};

REV_BATCH_REVOKE(rev_seq_revoke, &rev_seq_batch)

/* seqlock and its zoo entries: one struct, its reader's try (seqlock.h). */
#define REV_SEQ_OPS						\
	.create = rev_seq_create,				\
	.destroy = rev_seq_destroy,				\
	.footprint = rev_seq_footprint,				\
	.try_access = rev_seq_try_access

const struct revocable_ops rev_ops_seqlock = {
	.name = "seqlock",
	.family = "seqlock",
	.desc = "seqlock + flag: speculate, re-check (-EAGAIN); revoke bumps "
		"and releases at once (type-stable memory)",
	.caps = REV_CAP_RETRY | REV_CAP_BOUNDED | REV_CAP_TYPESTABLE |
		REV_CAP_XRELEASE,
	.color = "#8c564b",
	REV_SEQ_OPS,
	.release = rev_seq_release,
	.revoke = rev_seq_revoke,
};

#ifdef REVBENCH_BUGS
#include "bugs.h"

/*
 * ---- Bug zoo (bugs.h), test builds only ----
 *
 * bug-seqlock-noretry: a seqlock reader without its retry check:
 * release() never re-reads the sequence and always reports the access
 * valid.  A reader that speculated across a revoke acts on what it read -
 * poison, since revoke releases at once - or validates an access whose
 * revoke had already returned.  The type-stable memory keeps that a wrong
 * answer, not a crash; the oracle's poison and "validated after revoke"
 * checks catch it.
 */
static int rev_seq_bug_noretry_release(struct revocable *rev,
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
	.caps = REV_CAP_BROKEN | REV_CAP_RETRY | REV_CAP_BOUNDED |
		REV_CAP_TYPESTABLE,
	.color = "#8c564b",
	REV_SEQ_OPS,
	.release = rev_seq_bug_noretry_release,
	.revoke = rev_seq_revoke,
};

/*
 * bug-seqlock-typeunsafe: the real seqlock, but its ops table does not
 * claim REV_CAP_TYPESTABLE, so the caller believes that the memory it
 * released may go back to the allocator at once - and the page-table
 * workloads free released tables inside the release callback.  A reader
 * still speculating walks a freed table: a use-after-free.  Every read it
 * made is then thrown away by its retry, so NO oracle can see it (the
 * torture harness quarantines resources whatever the caps say); only a
 * sanitizer can.  make vm-check-debug shows that the KASAN kernel reports
 * it.  The one defect: the missing capability (the design's contract
 * with its caller).
 */
const struct revocable_ops rev_ops_bug_seqlock_typeunsafe = {
	.name = "bug-seqlock-typeunsafe",
	.family = "seqlock",
	.desc = "BROKEN on purpose: seqlock whose caller may free released "
		"memory at once (no type-stable rule): only KASAN/ASan see it",
	.caps = REV_CAP_BROKEN | REV_CAP_HIDDEN | REV_CAP_RETRY |
		REV_CAP_BOUNDED,
	.color = "#8c564b",
	REV_SEQ_OPS,
	.release = rev_seq_release,
	.revoke = rev_seq_revoke,
};
#endif /* REVBENCH_BUGS */
