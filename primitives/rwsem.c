// SPDX-License-Identifier: GPL-2.0
/*
 * rwsem, rwsem-rpref - a reader-writer lock plus a revoked flag, the
 * "down_read(); if (dev->dead) ..." pattern.  One file for both
 * environments over compat.h's rb_rwsem_t: the kernel's rw_semaphore in
 * the module, a glibc pthread rwlock in userspace.
 *
 *   try_access(): down_read(); if revoked, up_read() and fail.
 *   release():    up_read().
 *   revoke():     down_write() (waits for every reader to leave), set
 *                 revoked, up_write(), run the release callback.
 * The flag is only read and written under the lock.  Readers hold a lock,
 * not an RCU section, so they may sleep (REV_CAP_SLEEP); every reader
 * writes the lock word, so it bounces between CPUs - the cost the
 * benchmark shows.  Overlapping revokes: rev_once_batch() (revocable.h):
 * one that overlaps the winner returns only after the release callback
 * ran, a later one at once.
 *
 *   rwsem        writer-fair: the kernel rw_semaphore hands the lock to a
 *                waiting writer and readers that arrive after it queue;
 *                in userspace glibc's PREFER_WRITER_NONRECURSIVE_NP, where
 *                a waiting writer blocks new readers.  The same meaning in
 *                both environments.  Like the kernel's rwsem it must not
 *                be read-locked recursively: REV_CAP_NONEST (a writer
 *                queued between two nested down_read()s of one revocable
 *                deadlocks the reader).  Nested accesses to two different
 *                revocables need a consistent order, as with any two
 *                locks: in lockdep kernels every rwsem revocable shares
 *                one lock class and a nested access takes the next
 *                subclass (compat/kernel.h, rb_rwsem_subclass()), so lockdep
 *                checks that order and still reports a recursion on one
 *                revocable.  The read section may block (down_read()), so
 *                its loops are RB_WL_READSECTIONS_MAY_BLOCK()
 *                (workloads/readsections.c).
 *   rwsem-rpref  userspace only (RB_HAVE_RWSEM_RPREF): glibc's default
 *                PREFER_READER_NP, under which a new reader gets in while
 *                a writer waits, so overlapping readers can starve
 *                revoke() indefinitely (liburcu's benchmark measured 1.2
 *                writes/s).  It cannot hang once readers stop: the last
 *                reader's unlock wakes the waiting writer (glibc 2.25-2.29
 *                had lost-wakeup bugs here, sourceware bug 23844, fixed in
 *                2.30; bookworm has 2.36), so a test stops its readers by
 *                time or count, never by "revoke has returned".  The
 *                kernel has no reader-preferring rw_semaphore.
 * No revoke_many(): a writer lock is waited for per object, there is no
 * wait to share.
 */
#include "rwsem.h"

#ifdef __KERNEL__
/* Every rb_rwsem's lockdep class (compat/kernel.h: why one, the nesting). */
struct lock_class_key rb_rwsem_key;
#endif

static int rev_rwsem_init(struct revocable *rev)
{
	return rb_rwsem_init(&((struct rev_rwsem *)rev)->sem);
}

REV_BASE_CREATE(rev_rwsem_create, struct rev_rwsem, rev_rwsem_init)

static void rev_rwsem_destroy(struct revocable *rev)
{
	struct rev_rwsem *r = (struct rev_rwsem *)rev;

	rb_rwsem_destroy(&r->sem);
	rb_free(r);
}

REV_SIZEOF_FOOTPRINT(rev_rwsem_footprint, struct rev_rwsem)

/* Wait for every reader to leave, mark revoked, release. */
static void rev_rwsem_finish(struct revocable *rev)
{
	struct rev_rwsem *r = (struct rev_rwsem *)rev;

	rb_down_write(&r->sem);
	r->revoked = true;
	rb_up_write(&r->sem);
	rev_base_release(&r->base);
}

static const struct rev_batch rev_rwsem_batch = {
	.finish = rev_rwsem_finish,
};

REV_BATCH_REVOKE(rev_rwsem_revoke, &rev_rwsem_batch)

/* rwsem and rwsem-rpref: all but create() (which lock) the same. */
#define REV_RWSEM_OPS						\
	.destroy = rev_rwsem_destroy,				\
	.footprint = rev_rwsem_footprint,			\
	.try_access = rev_rwsem_try_access,			\
	.release = rev_rwsem_release,				\
	.revoke = rev_rwsem_revoke

const struct revocable_ops rev_ops_rwsem = {
	.name = "rwsem",
	.family = "rwsem",
	.desc = "writer-fair rwsem + revoked flag: down_read / down_write",
	.caps = REV_CAP_SLEEP | REV_CAP_BOUNDED | REV_CAP_NONEST,
	.color = "#9467bd",
	.peer = "rwsem",
	.create = rev_rwsem_create,
	REV_RWSEM_OPS,
};

#ifdef RB_HAVE_RWSEM_RPREF
static int rev_rwsem_rpref_init(struct revocable *rev)
{
	return rb_rwsem_init_rpref(&((struct rev_rwsem *)rev)->sem);
}

REV_BASE_CREATE(rev_rwsem_rpref_create, struct rev_rwsem, rev_rwsem_rpref_init)

const struct revocable_ops rev_ops_rwsem_rpref = {
	.name = "rwsem-rpref",
	.family = "rwsem",
	.desc = "reader-preferring pthread rwlock (glibc default: starves "
		"revoke) + revoked flag",
	.caps = REV_CAP_SLEEP | REV_CAP_BOUNDED,
	.color = "#c5b0d5",
	.create = rev_rwsem_rpref_create,
	REV_RWSEM_OPS,
};
#endif /* RB_HAVE_RWSEM_RPREF */
