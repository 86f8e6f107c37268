// SPDX-License-Identifier: GPL-2.0
/*
 * srcu, srcu-shared - sleepable RCU, the design of the C revocable series
 * (drivers/base/revocable.c: readers in srcu_read_lock(), revoke = clear +
 * synchronize_srcu()).  Userspace has no SRCU library, so this file
 * implements the kernel's algorithm; kmod/prim_srcu.c is the same design
 * on the kernel's own srcu_struct.  Same names, same capabilities, same
 * revoke protocol in both (srcu-exp is kernel only: there is no expedited
 * variant of this algorithm to write).
 *
 *   srcu         one domain per revocable (the C "revocable provider" owns
 *                its own srcu_struct): a reader stalled on another
 *                revocable does not delay this revoke (REV_CAP_BOUNDED);
 *                no revoke_many(), since there is no shared grace period
 *                to batch - N revocables cost N synchronizes, the
 *                per-provider design's price.
 *   srcu-shared  one domain for every revocable (global_init()): not
 *                bounded, but revoke_many() clears n flags and waits for a
 *                single grace period.
 *
 * The domain follows the kernel's classic SRCU reader counts (separate
 * lock and unlock counts per CPU in two halves; 6.1's srcutree keeps
 * srcu_lock_count[2] and srcu_unlock_count[2] per CPU in srcu_data):
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
 * compat.h): each counter is written only by its owning thread with a
 * single-writer READ_ONCE()+1/WRITE_ONCE() increment, what this_cpu_inc()
 * gives the kernel.  The handle keeps the index (h->seq); release() may
 * run on another thread, which bumps its own unlock counter - the sums do
 * not care which context counted the unlock (the kernel allows
 * srcu_read_unlock() on another CPU the same way).  The unlock increment
 * is a store-release and the updater reads unlock counts with
 * load-acquire: free on x86, implied by C and A anyway, and it lets
 * ThreadSanitizer (which does not model fences) see the happens-before
 * between a reader's last access and the release callback.  Scans visit
 * the contexts in use only (rb_ctx_in_use(); a context taken after a scan
 * began belongs to a reader that sees the cleared flag).
 *
 * try_access(): lock; if the revocable's available flag is clear, unlock
 * and return NULL; else the resource.  The flag load sits after B and the
 * revoker's flag store before the first scan's barrier, so either the
 * reader sees the flag or the revoker's scans see the reader's lock.
 * revoke(): rev_once_batch() (revocable.h); the domain's mutex
 * serialises synchronizes of a shared domain (the kernel's srcu_struct
 * has one for the same reason); a per-revocable domain is synchronized by
 * its one rev_once winner only.  Waiting between checks spins, then
 * yields; the kernel's synchronize_srcu() sleeps on a completion while a
 * workqueue re-checks.
 *
 * Memory: per context, 4 x 8 bytes of counters on a 64-byte cache line of
 * its own, for rb_nr_ctx() contexts (the threads the process reserved,
 * compat.h).  Packing contexts closer would make neighbouring threads
 * bounce one line on every access, which per-CPU memory in the kernel
 * never does.  srcu: all of it per revocable (footprint()); srcu-shared:
 * the domain is per-domain memory (domain_footprint()), a revocable only
 * its header.  (The kernel's per-CPU struct srcu_data is larger: the same
 * counters plus the update-side lock, callback list, timer and work item
 * that this synchronous-only domain does not need.)
 *
 * Caps: readers may sleep (REV_CAP_SLEEP).
 */
#include "../revocable.h"
#include "workload.h"

/* One context's counters: written by that thread only, read by revokers. */
struct srcu_ctr {
	unsigned long lock[2];
	unsigned long unlock[2];
} ____cacheline_aligned;

struct srcu_dom {
	unsigned long idx;	/* bit 0 selects the counter half */
	int nr_ctx;
	rb_mutex_t lock;	/* serialises synchronizes */
	struct srcu_ctr ctr[];	/* nr_ctx entries, one cache line each */
};

struct rev_srcu {
	struct rev_base base;
	int available;		/* cleared by revoke() */
	struct srcu_dom *dom;	/* own (srcu) or the shared one */
#ifdef REVBENCH_BUGS
	struct rev_handle bug_shared;	/* bug-srcu-shared-handle only */
	atomic_long_t bug_tally[2][2];	/* its locks/unlocks, to unwedge */
#endif
};

/* srcu: the domain lives with the revocable. */
struct rev_srcu_own {
	struct rev_srcu r;
	struct srcu_dom dom;	/* last: its ctr[] follows */
};

static struct srcu_dom *srcu_shared;

static size_t srcu_dom_bytes(int nr_ctx)
{
	return sizeof(struct srcu_dom) +
	       (size_t)nr_ctx * sizeof(struct srcu_ctr);
}

static int srcu_dom_init(struct srcu_dom *d, int nr_ctx)
{
	d->nr_ctx = nr_ctx;
	return rb_mutex_init(&d->lock);
}

static struct revocable *srcu_create(void *res, rev_release_fn release,
				     void *arg)
{
	int nr = rb_nr_ctx();
	struct rev_srcu_own *o;

	o = rb_zalloc(sizeof(*o) - sizeof(o->dom) + srcu_dom_bytes(nr));
	if (!o)
		return NULL;
	if (srcu_dom_init(&o->dom, nr)) {
		rb_free(o);
		return NULL;
	}
	rev_base_init(&o->r.base, res, release, arg);
	o->r.available = 1;
	o->r.dom = &o->dom;
	return (struct revocable *)o;
}

static void srcu_destroy(struct revocable *rev)
{
	struct rev_srcu_own *o = (struct rev_srcu_own *)rev;

	rb_mutex_destroy(&o->dom.lock);
	rb_free(o);
}

static size_t srcu_footprint(const struct revocable *rev)
{
	const struct rev_srcu_own *o = (const struct rev_srcu_own *)rev;

	return sizeof(*o) - sizeof(o->dom) + srcu_dom_bytes(o->dom.nr_ctx);
}

/* The caller's counters; unregistered threads have no context. */
static inline struct srcu_ctr *srcu_my_ctr(struct srcu_dom *d)
{
	int ctx = rb_ctx_get();

	if (unlikely(ctx < 0 || ctx >= d->nr_ctx)) {
		fprintf(stderr, "revbench: srcu: thread not registered "
			"(call rb_thread_init() first)\n");
		abort();
	}
	return &d->ctr[ctx];
}

static inline int srcu_lock(struct srcu_dom *d)
{
	struct srcu_ctr *c = srcu_my_ctr(d);
	int idx = READ_ONCE(d->idx) & 1;

	WRITE_ONCE(c->lock[idx], READ_ONCE(c->lock[idx]) + 1);
	rb_ctx_put();
	smp_mb(); /* B: lock count before the critical section (pairs A) */
	return idx;
}

static inline void srcu_unlock(struct srcu_dom *d, int idx)
{
	struct srcu_ctr *c;

	smp_mb(); /* C: critical section before the unlock count (pairs A) */
	c = srcu_my_ctr(d);
	/* Release store: implied by C; spelled out for TSan. */
	smp_store_release(&c->unlock[idx], READ_ONCE(c->unlock[idx]) + 1);
	rb_ctx_put();
}

static inline void *srcu_try_access(struct revocable *rev,
				    struct rev_handle *h)
{
	struct rev_srcu *r = (struct rev_srcu *)rev;
	int idx = srcu_lock(r->dom);

	if (unlikely(!READ_ONCE(r->available))) {
		srcu_unlock(r->dom, idx);
		return NULL;
	}
	h->seq = idx;
	return r->base.res;
}

static inline int srcu_release(struct revocable *rev, struct rev_handle *h)
{
	srcu_unlock(((struct rev_srcu *)rev)->dom, (int)h->seq);
	return 0;
}

RB_WL_READSECTIONS(srcu, srcu_try_access, srcu_release);

/* True when no reader that the scans can see is inside on half idx. */
static bool srcu_readers_gone(struct srcu_dom *d, int idx)
{
	unsigned long locks = 0, unlocks = 0;
	int i, n = min_t(int, d->nr_ctx, rb_ctx_in_use());

	for (i = 0; i < n; i++)
		unlocks += smp_load_acquire(&d->ctr[i].unlock[idx]);
	smp_mb(); /* A: unlocks summed before locks (pairs B and C) */
	for (i = 0; i < n; i++)
		locks += READ_ONCE(d->ctr[i].lock[idx]);
	return locks == unlocks;
}

static void srcu_wait_idx(struct srcu_dom *d, int idx)
{
	unsigned int spins = 0;

	while (!srcu_readers_gone(d, idx)) {
		if (++spins < 1000)
			cpu_relax();
		else
			rb_yield();
	}
}

static void srcu_synchronize(struct srcu_dom *d)
{
	unsigned long idx;

	rb_mutex_lock(&d->lock);
	smp_mb(); /* the caller's prior stores (the flags) before the scans */
	idx = READ_ONCE(d->idx);
	srcu_wait_idx(d, (int)((idx & 1) ^ 1));	/* stale readers */
	smp_mb(); /* E: that scan before the flip */
	WRITE_ONCE(d->idx, idx + 1);
	smp_mb(); /* D: the flip before the second scan */
	srcu_wait_idx(d, (int)(idx & 1));	/* the formerly active half */
	smp_mb(); /* the grace period before the caller's later accesses */
	rb_mutex_unlock(&d->lock);
}

static void srcu_stop(struct revocable *rev)
{
	WRITE_ONCE(((struct rev_srcu *)rev)->available, 0);
}

/* srcu: every revocable has its own domain, synchronized by finish(). */
static void srcu_own_finish(struct revocable *rev)
{
	struct rev_srcu *r = (struct rev_srcu *)rev;

	srcu_synchronize(r->dom);
	rev_base_release(&r->base);
}

static const struct rev_batch srcu_own_batch = {
	.stop = srcu_stop,
	.finish = srcu_own_finish,
};

static void srcu_revoke(struct revocable *rev)
{
	rev_once_batch(&rev, 1, &srcu_own_batch);
}

const struct revocable_ops rev_ops_srcu = {
	.name = "srcu",
	.family = "srcu",
	.desc = "per-revocable SRCU domain (classic lock/unlock counts): "
		"revoke = synchronize",
	.caps = REV_CAP_SLEEP | REV_CAP_BOUNDED,
	.color = "#ff7f0e",
	.peer = "srcu",
	.create = srcu_create,
	.destroy = srcu_destroy,
	.footprint = srcu_footprint,
	.try_access = srcu_try_access,
	.release = srcu_release,
	.rs = &srcu_rs,
	.revoke = srcu_revoke,
	/* no revoke_many: one domain per revocable, nothing to share */
};

/* ---- srcu-shared: one domain for every revocable ---- */

static int srcu_shared_init(void)
{
	struct srcu_dom *d;
	int nr = rb_nr_ctx();

	if (srcu_shared)
		return 0;
	d = rb_zalloc(srcu_dom_bytes(nr));
	if (!d)
		return -ENOMEM;
	if (srcu_dom_init(d, nr)) {
		rb_free(d);
		return -ENOMEM;
	}
	srcu_shared = d;
	return 0;
}

static void srcu_shared_exit(void)
{
	if (!srcu_shared)
		return;
	rb_mutex_destroy(&srcu_shared->lock);
	rb_free(srcu_shared);
	srcu_shared = NULL;
}

static size_t srcu_shared_domain_footprint(void)
{
	return srcu_shared ? srcu_dom_bytes(srcu_shared->nr_ctx) : 0;
}

static struct revocable *srcu_shared_create(void *res,
					    rev_release_fn release, void *arg)
{
	struct rev_srcu *r;

	if (!srcu_shared && srcu_shared_init())
		return NULL;
	r = rb_zalloc(sizeof(*r));
	if (!r)
		return NULL;
	rev_base_init(&r->base, res, release, arg);
	r->available = 1;
	r->dom = srcu_shared;
	return (struct revocable *)r;
}

static void srcu_shared_destroy(struct revocable *rev)
{
	rb_free(rev);
}

static size_t srcu_shared_footprint(const struct revocable *rev)
{
	(void)rev;
	return sizeof(struct rev_srcu);
}

/* One grace period of the shared domain for the whole batch. */
static void srcu_shared_wait(struct revocable **revs, int n)
{
	(void)n;
	srcu_synchronize(((struct rev_srcu *)revs[0])->dom);
}

static const struct rev_batch srcu_shared_batch = {
	.stop = srcu_stop,
	.wait = srcu_shared_wait,
};

static void srcu_shared_revoke(struct revocable *rev)
{
	rev_once_batch(&rev, 1, &srcu_shared_batch);
}

static void srcu_shared_revoke_many(struct revocable **revs, int n)
{
	rev_once_batch(revs, n, &srcu_shared_batch);
}

const struct revocable_ops rev_ops_srcu_shared = {
	.name = "srcu-shared",
	.family = "srcu",
	.desc = "one SRCU domain for all revocables; revoke_many = one "
		"synchronize",
	.caps = REV_CAP_SLEEP,
	.color = "#ffbb78",
	.global_init = srcu_shared_init,
	.global_exit = srcu_shared_exit,
	.create = srcu_shared_create,
	.destroy = srcu_shared_destroy,
	.footprint = srcu_shared_footprint,
	.domain_footprint = srcu_shared_domain_footprint,
	.try_access = srcu_try_access,
	.release = srcu_release,
	.rs = &srcu_rs,
	.revoke = srcu_shared_revoke,
	.revoke_many = srcu_shared_revoke_many,
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
 * Everything else is "srcu" above.
 *
 * Unwedging (harness support, not part of the bug): the bug's own locks
 * and unlocks are tallied per index (never read by the readers or the
 * revoke), and srcu_bug_unwedge(), called with no reader running, adds
 * the missing unlocks and locks to the caller's counters until each half
 * balances; the hung synchronize then completes.
 */
static void srcu_bug_unlock(struct rev_srcu *r)
{
	int idx = (int)READ_ONCE(r->bug_shared.seq);	/* whoever wrote last */

	atomic_long_inc(&r->bug_tally[idx][1]);
	srcu_unlock(r->dom, idx);
}

static void *srcu_bug_shared_try_access(struct revocable *rev,
					struct rev_handle *h)
{
	struct rev_srcu *r = (struct rev_srcu *)rev;
	int idx;

	(void)h;			/* BUG: the caller's handle is ignored */
	idx = srcu_lock(r->dom);
	atomic_long_inc(&r->bug_tally[idx][0]);
	WRITE_ONCE(r->bug_shared.seq, (unsigned long)idx);
	if (unlikely(!READ_ONCE(r->available))) {
		srcu_bug_unlock(r);
		return NULL;
	}
	return r->base.res;
}

static int srcu_bug_shared_release(struct revocable *rev,
				   struct rev_handle *h)
{
	(void)h;
	srcu_bug_unlock((struct rev_srcu *)rev);
	return 0;
}

static int srcu_bug_unwedge(struct revocable *rev)
{
	struct rev_srcu *r = (struct rev_srcu *)rev;
	struct srcu_ctr *c = srcu_my_ctr(r->dom);
	int idx, fixed = 0;

	for (idx = 0; idx < 2; idx++) {
		long d = atomic_long_read(&r->bug_tally[idx][0]) -
			 atomic_long_read(&r->bug_tally[idx][1]);

		if (!d)
			continue;
		if (d > 0) {	/* locks without their unlock */
			atomic_long_add(d, &r->bug_tally[idx][1]);
			smp_store_release(&c->unlock[idx],
					  READ_ONCE(c->unlock[idx]) + d);
		} else {	/* unlocks of a lock on the other half */
			atomic_long_add(-d, &r->bug_tally[idx][0]);
			WRITE_ONCE(c->lock[idx], READ_ONCE(c->lock[idx]) - d);
		}
		fixed += d > 0 ? (int)d : (int)-d;
	}
	smp_mb();
	rb_ctx_put();
	return fixed;
}

const struct revocable_ops rev_ops_bug_srcu_shared_handle = {
	.name = "bug-srcu-shared-handle",
	.family = "srcu",
	.desc = "BROKEN on purpose: srcu whose one handle (the SRCU index) is "
		"shared by all readers: revoke hangs",
	.caps = REV_CAP_BROKEN | REV_CAP_SLEEP,
	.color = "#ff7f0e",
	.create = srcu_create,
	.destroy = srcu_destroy,
	.footprint = srcu_footprint,
	.try_access = srcu_bug_shared_try_access,
	.release = srcu_bug_shared_release,
	.revoke = srcu_revoke,
	.unwedge = srcu_bug_unwedge,
};
#endif /* REVBENCH_BUGS */
