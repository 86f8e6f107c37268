// SPDX-License-Identifier: GPL-2.0
/*
 * srcu - one SRCU domain per revocable, the design of the C revocable
 * series (drivers/base/revocable.c: a per-provider srcu_struct, readers in
 * srcu_read_lock(), revoke = clear + synchronize_srcu()).
 *
 * The domain follows the kernel's classic SRCU reader counts (separate
 * lock and unlock counts per CPU in two halves, as in kernel/srcu.c since
 * 2017 and still the read side of kernel/rcu/srcutree.c in 6.1, whose
 * per-CPU struct srcu_data keeps srcu_lock_count[2] and
 * srcu_unlock_count[2]):
 *
 *   reader lock    idx = domain index & 1; lock[self][idx]++; smp_mb() (B)
 *   reader unlock  smp_mb() (C); unlock[self][idx]++
 *   readers gone?  U = sum of unlock[*][idx]; smp_mb() (A);
 *                  L = sum of lock[*][idx]; gone when L == U
 *   synchronize    smp_mb(); wait until the inactive index is gone (stale
 *                  readers that fetched it before the last flip);
 *                  smp_mb() (E); flip the index; smp_mb() (D); wait until
 *                  the previously active index is gone; smp_mb()
 *
 * Every unlock counted in U has its lock ordered before it (C, or the
 * hand-off of the handle), and A makes that lock visible to the L scan, so
 * L >= U, with L == U only if no reader whose lock L saw is still inside.
 * Counters only grow (unsigned wrap is harmless for the equality test).
 *
 * "Per CPU" here is per registered thread context (rb_ctx_get(), see
 * compat.h): each counter is written only by its owning thread, with a
 * single-writer READ_ONCE()+1/WRITE_ONCE() increment, which is what
 * this_cpu_inc() gives the kernel.  The handle keeps the index (h->seq);
 * release() may run on another thread, which then bumps its own unlock
 * counter - the sums do not care which context counted the unlock (the
 * kernel allows srcu_read_unlock() on another CPU the same way).  The
 * unlock increment is a store-release and the updater reads unlock counts
 * with load-acquire: free on x86, implied by C and A anyway, and it lets
 * ThreadSanitizer (which does not model fences) see the happens-before
 * between a reader's last access and the release callback.
 *
 * try_access(): lock; if the revocable's available flag is clear, unlock
 * and return NULL; else the resource.  The flag load sits after B and the
 * revoker's flag store before the first scan's barrier, so either the
 * reader sees the flag or the revoker's scans see the reader's lock.
 *
 * revoke(): the revoke that wins the rev_once claim (revocable.h) clears
 * the flag, synchronizes and runs the release callback; one that overlaps
 * it waits until it is done, one that comes later returns at once.  Only
 * the winner ever synchronizes a domain, so no update-side mutex is
 * needed (the kernel's srcu_struct has one because any number of callers
 * may synchronize the same domain).
 * Waiting between checks spins (cpu_relax) and then yields, like the
 * refcount primitive; the kernel's synchronize_srcu() instead sleeps on a
 * completion while a workqueue re-checks.
 *
 * No revoke_many: every revocable has its own domain, so there is no
 * shared grace period to batch - N revocables cost N synchronizes, which
 * is exactly the per-provider design's price.
 *
 * Memory: the per-context counters are 4 x 8 = 32 bytes; each context's
 * counters get a 64-byte cache line of their own, for rb_nr_ctx()
 * contexts (RB_MAX_CTX = 256 in userspace, whether or not that many
 * threads ever register): 16 KiB + the header per revocable, all reported
 * by footprint().  Packing two contexts per line would halve that but make
 * neighbouring threads bounce one line on every access, which per-CPU
 * memory in the kernel never does; padding keeps the reader cost faithful
 * and the memory cost honest.  (The kernel's per-CPU struct srcu_data is
 * larger still: the same 32 bytes of counters plus, on its own cache line,
 * the update-side lock, callback list, timer and work item.)
 *
 * Caps: readers may sleep (REV_CAP_SLEEP), and REV_CAP_BOUNDED in the
 * sense of revocable.h: a reader stalled on another revocable does not
 * delay this revoke, because it lives in another domain.  (A stalled
 * reader of this revocable blocks it, as it must for every blocking
 * primitive.)  A domain shared by many revocables - the kernel module's
 * srcu-shared - loses that.
 */
#include <stdbool.h>

#include "../revocable.h"

/* One context's counters: written by that thread only, read by revokers. */
struct srcu_ctr {
	unsigned long lock[2];
	unsigned long unlock[2];
} ____cacheline_aligned;

struct rev_srcu {
	/* Read-mostly: every reader loads idx, available and res. */
	unsigned long idx;	/* bit 0 selects the counter half */
	int available;		/* cleared by revoke() */
	int nr_ctx;
	void *res;
	rev_release_fn release;
	void *arg;
	struct rev_once once;	/* the one revoke that synchronizes */
#ifdef REVBENCH_BUGS
	struct rev_handle bug_shared;	/* bug-srcu-shared-handle only */
#endif
	struct srcu_ctr ctr[];	/* nr_ctx entries, one cache line each */
};

static size_t srcu_bytes(int nr_ctx)
{
	return sizeof(struct rev_srcu) + (size_t)nr_ctx * sizeof(struct srcu_ctr);
}

static struct revocable *srcu_create(void *res, rev_release_fn release,
				     void *arg)
{
	int nr = rb_nr_ctx();
	struct rev_srcu *r;

	if (posix_memalign((void **)&r, SMP_CACHE_BYTES, srcu_bytes(nr)))
		return NULL;
	memset(r, 0, srcu_bytes(nr));
	r->nr_ctx = nr;
	r->res = res;
	r->release = release;
	r->arg = arg;
	r->available = 1;
	return (struct revocable *)r;
}

static void srcu_destroy(struct revocable *rev)
{
	free(rev);
}

static size_t srcu_footprint(const struct revocable *rev)
{
	return srcu_bytes(((const struct rev_srcu *)rev)->nr_ctx);
}

/* The caller's counters; unregistered threads have no context. */
static inline struct srcu_ctr *srcu_my_ctr(struct rev_srcu *r)
{
	int ctx = rb_ctx_get();

	if (unlikely(ctx < 0 || ctx >= r->nr_ctx)) {
		fprintf(stderr, "revbench: srcu: thread not registered "
			"(call rb_thread_init() first)\n");
		abort();
	}
	return &r->ctr[ctx];
}

static inline int srcu_lock(struct rev_srcu *r)
{
	struct srcu_ctr *c = srcu_my_ctr(r);
	int idx = READ_ONCE(r->idx) & 1;

	WRITE_ONCE(c->lock[idx], READ_ONCE(c->lock[idx]) + 1);
	rb_ctx_put();
	smp_mb(); /* B: lock count before the critical section (pairs A) */
	return idx;
}

static inline void srcu_unlock(struct rev_srcu *r, int idx)
{
	struct srcu_ctr *c;

	smp_mb(); /* C: critical section before the unlock count (pairs A) */
	c = srcu_my_ctr(r);
	/* Release store: implied by C; spelled out for TSan. */
	smp_store_release(&c->unlock[idx], READ_ONCE(c->unlock[idx]) + 1);
	rb_ctx_put();
}

static void *srcu_try_access(struct revocable *rev, struct rev_handle *h)
{
	struct rev_srcu *r = (struct rev_srcu *)rev;
	int idx = srcu_lock(r);

	if (unlikely(!READ_ONCE(r->available))) {
		srcu_unlock(r, idx);
		return NULL;
	}
	h->seq = idx;
	return r->res;
}

static int srcu_release(struct revocable *rev, struct rev_handle *h)
{
	srcu_unlock((struct rev_srcu *)rev, (int)h->seq);
	return 0;
}

/* True when no reader that the scans can see is inside on half idx. */
static bool srcu_readers_gone(struct rev_srcu *r, int idx)
{
	unsigned long locks = 0, unlocks = 0;
	int i;

	for (i = 0; i < r->nr_ctx; i++)
		unlocks += smp_load_acquire(&r->ctr[i].unlock[idx]);
	smp_mb(); /* A: unlocks summed before locks (pairs B and C) */
	for (i = 0; i < r->nr_ctx; i++)
		locks += READ_ONCE(r->ctr[i].lock[idx]);
	return locks == unlocks;
}

static void srcu_wait_idx(struct rev_srcu *r, int idx)
{
	unsigned int spins = 0;

	while (!srcu_readers_gone(r, idx)) {
		if (++spins < 1000)
			cpu_relax();
		else
			rb_yield();
	}
}

/* Only the rev_once winner gets here: r->idx changes only by our flip. */
static void srcu_synchronize(struct rev_srcu *r)
{
	unsigned long idx;

	smp_mb(); /* the caller's prior stores (the flag) before the scans */
	idx = READ_ONCE(r->idx);
	srcu_wait_idx(r, (int)((idx & 1) ^ 1));	/* stale readers */
	smp_mb(); /* E: that scan before the flip */
	WRITE_ONCE(r->idx, idx + 1);
	smp_mb(); /* D: the flip before the second scan */
	srcu_wait_idx(r, (int)(idx & 1));	/* the formerly active half */
	smp_mb(); /* the grace period before the caller's later accesses */
}

static void srcu_revoke(struct revocable *rev)
{
	struct rev_srcu *r = (struct rev_srcu *)rev;

	if (!rev_once_try(&r->once)) {
		rev_once_wait(&r->once);
		return;
	}
	WRITE_ONCE(r->available, 0);
	srcu_synchronize(r);
	r->release(r->res, r->arg);
	rev_once_done(&r->once);
}

const struct revocable_ops rev_ops_srcu = {
	.name = "srcu",
	.family = "srcu",
	.desc = "per-revocable SRCU domain (classic lock/unlock counts): "
		"revoke = synchronize",
	.caps = REV_CAP_SLEEP | REV_CAP_BOUNDED,
	.create = srcu_create,
	.destroy = srcu_destroy,
	.footprint = srcu_footprint,
	.try_access = srcu_try_access,
	.release = srcu_release,
	.revoke = srcu_revoke,
	/* no revoke_many: one domain per revocable, nothing to share */
};

#ifdef REVBENCH_BUGS
#include "../bugs.h"

/*
 * ---- Bug zoo (bugs.h), test builds only: bug-srcu-shared-handle. ----
 *
 * The hang that got the C revocable series reverted: one consumer handle,
 * holding the SRCU index, shared by several threads.  Every reader writes
 * the index it locked into the revocable's one handle and unlocks with
 * whatever the handle holds at that moment - also on the failure path,
 * as a scope guard that always unlocks through the handle would.  Reader
 * A locks half 0 before a revoke; the revoke flips to half 1; reader B
 * locks half 1, finds the flag clear and unlocks with the shared index,
 * having overwritten it with 1; A then unlocks half 1 too.  Half 0 keeps
 * one lock without an unlock forever and synchronize never returns.
 * Caught by the torture watchdog (revoke not finished in time).
 */
static void *srcu_bug_shared_try_access(struct revocable *rev,
					struct rev_handle *h)
{
	struct rev_srcu *r = (struct rev_srcu *)rev;

	(void)h;			/* BUG: the caller's handle is ignored */
	r->bug_shared.seq = srcu_lock(r);
	if (unlikely(!READ_ONCE(r->available))) {
		srcu_unlock(r, (int)r->bug_shared.seq);
		return NULL;
	}
	return r->res;
}

static int srcu_bug_shared_release(struct revocable *rev,
				   struct rev_handle *h)
{
	struct rev_srcu *r = (struct rev_srcu *)rev;

	(void)h;
	srcu_unlock(r, (int)r->bug_shared.seq);	/* whoever wrote it last */
	return 0;
}

const struct revocable_ops rev_ops_bug_srcu_shared_handle = {
	.name = "bug-srcu-shared-handle",
	.family = "srcu",
	.desc = "BROKEN on purpose: srcu whose one handle (the SRCU index) is "
		"shared by all readers: revoke hangs",
	.caps = REV_CAP_BROKEN | REV_CAP_SLEEP,
	.create = srcu_create,
	.destroy = srcu_destroy,
	.footprint = srcu_footprint,
	.try_access = srcu_bug_shared_try_access,
	.release = srcu_bug_shared_release,
	.revoke = srcu_revoke,
};
#endif /* REVBENCH_BUGS */
