// SPDX-License-Identifier: GPL-2.0
/*
 * rwsem, rwsem-wpref - a reader-writer lock plus a revoked flag, the
 * "down_read(); if (dev->dead) ..." pattern.  Userspace stands a glibc
 * pthread_rwlock_t in for the kernel's rw_semaphore.
 *
 *   try_access(): pthread_rwlock_rdlock(); if revoked, unlock and fail.
 *   release():    pthread_rwlock_unlock().
 *   revoke():     wrlock (waits for every reader to leave), set revoked,
 *                 unlock, run the release callback.  Done by the revoke
 *                 that wins the rev_once claim (revocable.h); one that
 *                 overlaps it returns only after the release callback ran
 *                 (the flag alone would let it return between the
 *                 winner's unlock and its callback), a later one at once.
 * The flag is only read and written under the lock.  Readers hold a lock,
 * not an RCU section, so they may sleep (REV_CAP_SLEEP); every reader
 * writes the lock word, so it bounces between CPUs - the cost the
 * benchmark shows.
 *
 * Two kinds of glibc rwlock, the difference is the point:
 *   "rwsem"        glibc's default, PTHREAD_RWLOCK_PREFER_READER_NP: a new
 *                  reader gets in while a writer waits, so with overlapping
 *                  readers revoke() can wait indefinitely (writer
 *                  starvation; liburcu's benchmark measured 1.2 writes/s).
 *                  That is not fixed here: it is what the default gives.
 *                  It cannot hang once readers stop: the last reader's
 *                  unlock wakes the waiting writer (glibc 2.25-2.29 had
 *                  lost-wakeup bugs here, sourceware bug 23844, fixed in
 *                  2.30; bookworm has 2.36), so a test must stop its
 *                  readers by time or count, never by "revoke has
 *                  returned".
 *   "rwsem-wpref"  PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP: a waiting
 *                  writer blocks new readers, like the kernel's rwsem
 *                  (which hands the lock over to waiting writers).  As in
 *                  the kernel, a reader must not take it recursively:
 *                  a nested try_access() on the same revocable deadlocks
 *                  as soon as a revoke is waiting.
 * rev_rwlock_kinds() (prim_info.h) records both kinds as glibc reports
 * them, with the glibc version.
 *
 * No revoke_many(): a writer lock can only be waited for per object.
 * Lock errors (EAGAIN when the reader count would overflow, EDEADLK) are
 * bugs in the caller: they are reported and abort, because returning NULL
 * would claim a revoke that did not happen.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <gnu/libc-version.h>
#include <pthread.h>

#include "../revocable.h"
#include "prim_info.h"

struct rev_rwsem {
	pthread_rwlock_t lock;
	bool revoked;		/* under lock: what readers test */
	struct rev_once once;	/* which revoke does the work */
	void *res;
	rev_release_fn release;
	void *arg;
};

static const char *rwlock_kind_name(int kind)
{
	switch (kind) {
	case PTHREAD_RWLOCK_PREFER_READER_NP:
		return "PREFER_READER_NP";
	case PTHREAD_RWLOCK_PREFER_WRITER_NP:
		return "PREFER_WRITER_NP";
	case PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP:
		return "PREFER_WRITER_NONRECURSIVE_NP";
	default:
		return "unknown";
	}
}

const char *rev_rwlock_kinds(void)
{
	static char buf[192];
	pthread_rwlockattr_t a;
	int def = -1, wpref = -1;

	if (!pthread_rwlockattr_init(&a)) {
		pthread_rwlockattr_getkind_np(&a, &def);
		if (!pthread_rwlockattr_setkind_np(&a,
				PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP))
			pthread_rwlockattr_getkind_np(&a, &wpref);
		pthread_rwlockattr_destroy(&a);
	}
	snprintf(buf, sizeof(buf),
		 "glibc %s: rwsem=%s (glibc default), rwsem-wpref=%s",
		 gnu_get_libc_version(), rwlock_kind_name(def),
		 rwlock_kind_name(wpref));
	return buf;
}

static struct revocable *rwsem_create_kind(void *res, rev_release_fn release,
					   void *arg, int kind)
{
	struct rev_rwsem *r = rb_zalloc(sizeof(*r));
	pthread_rwlockattr_t a;
	int err;

	if (!r)
		return NULL;
	if (pthread_rwlockattr_init(&a))
		goto fail;
	err = kind < 0 ? 0 : pthread_rwlockattr_setkind_np(&a, kind);
	if (!err)
		err = pthread_rwlock_init(&r->lock, &a);
	pthread_rwlockattr_destroy(&a);
	if (err)
		goto fail;
	r->res = res;
	r->release = release;
	r->arg = arg;
	return (struct revocable *)r;
fail:
	rb_free(r);
	return NULL;
}

/* -1: leave glibc's default kind alone (that is what is measured). */
static struct revocable *rwsem_create(void *res, rev_release_fn release,
				      void *arg)
{
	return rwsem_create_kind(res, release, arg, -1);
}

static struct revocable *rwsem_wpref_create(void *res,
					    rev_release_fn release, void *arg)
{
	return rwsem_create_kind(res, release, arg,
				 PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
}

static void rwsem_destroy(struct revocable *rev)
{
	struct rev_rwsem *r = (struct rev_rwsem *)rev;

	pthread_rwlock_destroy(&r->lock);
	rb_free(r);
}

static size_t rwsem_footprint(const struct revocable *rev)
{
	(void)rev;
	return sizeof(struct rev_rwsem);
}

static void rwsem_check(int err, const char *what)
{
	if (unlikely(err)) {
		rb_pr_err("rwsem: %s failed: %s\n", what, strerror(err));
		abort();
	}
}

static void *rwsem_try_access(struct revocable *rev, struct rev_handle *h)
{
	struct rev_rwsem *r = (struct rev_rwsem *)rev;

	(void)h;
	rwsem_check(pthread_rwlock_rdlock(&r->lock), "rdlock");
	if (likely(!r->revoked))
		return r->res;
	pthread_rwlock_unlock(&r->lock);
	return NULL;
}

static int rwsem_release(struct revocable *rev, struct rev_handle *h)
{
	struct rev_rwsem *r = (struct rev_rwsem *)rev;

	(void)h;
	rwsem_check(pthread_rwlock_unlock(&r->lock), "unlock");
	return 0;
}

static void rwsem_revoke(struct revocable *rev)
{
	struct rev_rwsem *r = (struct rev_rwsem *)rev;

	if (!rev_once_try(&r->once)) {
		rev_once_wait(&r->once);
		return;
	}
	rwsem_check(pthread_rwlock_wrlock(&r->lock), "wrlock");
	r->revoked = true;
	pthread_rwlock_unlock(&r->lock);
	r->release(r->res, r->arg);
	rev_once_done(&r->once);
}

const struct revocable_ops rev_ops_rwsem = {
	.name = "rwsem",
	.family = "rwsem",
	.desc = "pthread rwlock (glibc default: prefers readers, starves "
		"revoke) + revoked flag",
	.caps = REV_CAP_SLEEP | REV_CAP_BOUNDED,
	.create = rwsem_create,
	.destroy = rwsem_destroy,
	.footprint = rwsem_footprint,
	.try_access = rwsem_try_access,
	.release = rwsem_release,
	.revoke = rwsem_revoke,
};

const struct revocable_ops rev_ops_rwsem_wpref = {
	.name = "rwsem-wpref",
	.family = "rwsem",
	.desc = "pthread rwlock preferring writers (like the kernel "
		"rwsem) + revoked flag",
	.caps = REV_CAP_SLEEP | REV_CAP_BOUNDED,
	.create = rwsem_wpref_create,
	.destroy = rwsem_destroy,
	.footprint = rwsem_footprint,
	.try_access = rwsem_try_access,
	.release = rwsem_release,
	.revoke = rwsem_revoke,
};
