// SPDX-License-Identifier: GPL-2.0
/*
 * srcu, srcu-exp, srcu-shared - sleepable RCU, the C revocable design, on
 * the kernel's own srcu_struct (kernel only).  primitives/user/srcu.c is
 * the same design in userspace (which has no SRCU library): same names,
 * same capabilities, same revoke protocol (rev_once_batch(),
 * revocable.h); srcu-exp exists only here.
 *
 *   srcu         one srcu_struct per revocable (the C "revocable provider"
 *                owns its own domain): init_srcu_struct() in create(),
 *                cleanup_srcu_struct() in destroy(), revoke = clear the
 *                flag + synchronize_srcu() + release().  A reader stalled
 *                on another revocable does not delay it (REV_CAP_BOUNDED);
 *                no revoke_many(): nothing to share.
 *   srcu-exp     the same with synchronize_srcu_expedited()
 *   srcu-shared  one domain for every revocable of the module (created by
 *                global_init()): not bounded, but revoke_many() clears n
 *                flags and waits for a single grace period
 *
 * try_access() does srcu_read_lock(), checks the availability flag and
 * keeps the returned index in the caller's handle, which is per access
 * and never shared (sharing it is the bug that hung the C series, below).
 * Readers may sleep.
 *
 * Which path each revoke's synchronize_srcu() took is counted per ops
 * table (ops->gp_paths, the results' gp_expedited / gp_normal counters):
 * kmod/srcu_paths.c, rbk_srcu_sync(), says how it is known.
 *
 * Footprint, from public struct sizes only (rb_srcu_footprint(),
 * compat.h): srcu and srcu-exp count the whole domain per revocable;
 * srcu-shared reports the wrapper per revocable and the domain as
 * per-domain memory.  The srcu_node tree SRCU grows under contention is
 * not measurable without reading SRCU's internals, and is not counted.
 */
#include <linux/srcu.h>

#include "revocable.h"
#include "workload.h"
#include "kmod.h"
#include "srcu_paths.h"

struct rev_srcu {
	struct rev_base base;
	int available;			/* cleared by revoke() */
	struct srcu_struct *ssp;	/* &own, or the shared domain */
#ifdef REVBENCH_BUGS
	int bug_shared_idx;		/* bug-srcu-shared-handle only */
	atomic_long_t bug_tally[2][2];	/* its locks/unlocks, to unwedge */
#endif
};

/* srcu, srcu-exp: the domain lives with the revocable. */
struct rev_srcu_own {
	struct rev_srcu r;
	struct srcu_struct own;
};

static struct srcu_struct *srcu_shared;

/* Which path each revoke's synchronize_srcu() took (srcu_paths.h). */
static struct rbk_srcu_paths srcu_paths_own, srcu_paths_exp,
			     srcu_paths_shared;
RBK_SRCU_PATHS_GET(srcu_paths_own_get, srcu_paths_own)
RBK_SRCU_PATHS_GET(srcu_paths_exp_get, srcu_paths_exp)
RBK_SRCU_PATHS_GET(srcu_paths_shared_get, srcu_paths_shared)


static struct revocable *srcu_create(void *res, rev_release_fn release,
				     void *arg)
{
	struct rev_srcu_own *o = kzalloc(sizeof(*o), GFP_KERNEL);

	if (!o)
		return NULL;
	if (init_srcu_struct(&o->own)) {
		kfree(o);
		return NULL;
	}
	rev_base_init(&o->r.base, res, release, arg);
	o->r.available = 1;
	o->r.ssp = &o->own;
	return (struct revocable *)o;
}

static void srcu_destroy(struct revocable *rev)
{
	struct rev_srcu_own *o = (struct rev_srcu_own *)rev;

	cleanup_srcu_struct(&o->own);
	kfree(o);
}

static size_t srcu_footprint(const struct revocable *rev)
{
	/* rb_srcu_footprint() counts the embedded srcu_struct itself. */
	return sizeof(struct rev_srcu_own) - sizeof(struct srcu_struct) +
	       rb_srcu_footprint();
}

static inline void *srcu_try_access(struct revocable *rev,
				    struct rev_handle *h)
{
	struct rev_srcu *r = (struct rev_srcu *)rev;
	int idx = srcu_read_lock(r->ssp);

	if (unlikely(!READ_ONCE(r->available))) {
		srcu_read_unlock(r->ssp, idx);
		return NULL;
	}
	h->seq = idx;
	return r->base.res;
}

static inline int srcu_release(struct revocable *rev, struct rev_handle *h)
{
	struct rev_srcu *r = (struct rev_srcu *)rev;

	srcu_read_unlock(r->ssp, (int)h->seq);
	return 0;
}

RB_WL_READSECTIONS(srcu, srcu_try_access, srcu_release);

/* Clear the flag readers test (ordered by the grace period). */
static void srcu_stop(struct revocable *rev)
{
	WRITE_ONCE(((struct rev_srcu *)rev)->available, 0);
}

static void srcu_own_finish(struct revocable *rev)
{
	struct rev_srcu *r = (struct rev_srcu *)rev;

	rbk_srcu_sync(r->ssp, false, &srcu_paths_own);
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

static void srcu_exp_finish(struct revocable *rev)
{
	struct rev_srcu *r = (struct rev_srcu *)rev;

	rbk_srcu_sync(r->ssp, true, &srcu_paths_exp);
	rev_base_release(&r->base);
}

static const struct rev_batch srcu_exp_batch = {
	.stop = srcu_stop,
	.finish = srcu_exp_finish,
};

static void srcu_exp_revoke(struct revocable *rev)
{
	rev_once_batch(&rev, 1, &srcu_exp_batch);
}

const struct revocable_ops rev_ops_srcu = {
	.name = "srcu",
	.family = "srcu",
	.desc = "one srcu_struct per revocable; revoke = synchronize_srcu "
		"(C revocable)",
	.caps = REV_CAP_SLEEP | REV_CAP_BOUNDED | REV_IRQSAFE,
	.color = "#ff7f0e",
	.peer = "srcu",
	.global_init = rbk_srcu_paths_init,
	.gp_paths = srcu_paths_own_get,
	.create = srcu_create,
	.destroy = srcu_destroy,
	.footprint = srcu_footprint,
	.try_access = srcu_try_access,
	.release = srcu_release,
	.rs = &srcu_rs,
	.revoke = srcu_revoke,
};

const struct revocable_ops rev_ops_srcu_exp = {
	.name = "srcu-exp",
	.family = "srcu",
	.desc = "one srcu_struct per revocable; revoke = "
		"synchronize_srcu_expedited",
	.caps = REV_CAP_SLEEP | REV_CAP_BOUNDED | REV_CAP_EXPEDITED |
		REV_IRQSAFE,
	.color = "#ffd27f",
	.global_init = rbk_srcu_paths_init,
	.gp_paths = srcu_paths_exp_get,
	.create = srcu_create,
	.destroy = srcu_destroy,
	.footprint = srcu_footprint,
	.try_access = srcu_try_access,
	.release = srcu_release,
	.rs = &srcu_rs,
	.revoke = srcu_exp_revoke,
};

/* ---- srcu-shared ---- */

static int srcu_shared_init(void)
{
	struct srcu_struct *ssp;

	if (srcu_shared)
		return 0;
	rbk_srcu_paths_init();
	ssp = kzalloc(sizeof(*ssp), GFP_KERNEL);
	if (!ssp)
		return -ENOMEM;
	if (init_srcu_struct(ssp)) {
		kfree(ssp);
		return -ENOMEM;
	}
	srcu_shared = ssp;
	return 0;
}

static void srcu_shared_exit(void)
{
	if (!srcu_shared)
		return;
	cleanup_srcu_struct(srcu_shared);
	kfree(srcu_shared);
	srcu_shared = NULL;
}

static size_t srcu_shared_domain_footprint(void)
{
	return srcu_shared ? rb_srcu_footprint() : 0;
}

static struct revocable *srcu_shared_create(void *res,
					    rev_release_fn release, void *arg)
{
	struct rev_srcu *r;

	if (WARN_ON_ONCE(!srcu_shared))
		return NULL;
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return NULL;
	rev_base_init(&r->base, res, release, arg);
	r->available = 1;
	r->ssp = srcu_shared;
	return (struct revocable *)r;
}

static void srcu_shared_destroy(struct revocable *rev)
{
	kfree(rev);
}

static size_t srcu_shared_footprint(const struct revocable *rev)
{
	return sizeof(struct rev_srcu);
}

/* One grace period of the shared domain for the whole batch. */
static void srcu_shared_wait(struct revocable **revs, int n)
{
	rbk_srcu_sync(srcu_shared, false, &srcu_paths_shared);
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
	.desc = "one srcu_struct for all revocables; revoke_many = one "
		"synchronize_srcu",
	.caps = REV_CAP_SLEEP | REV_IRQSAFE,
	.color = "#ffbb78",
	.global_init = srcu_shared_init,
	.global_exit = srcu_shared_exit,
	.gp_paths = srcu_paths_shared_get,
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
#include "bugs.h"

/*
 * ---- Bug zoo, KMOD_BUGS=1 builds only: bug-srcu-shared-handle ----
 *
 * The hang that got the C revocable series reverted: the SRCU index that
 * srcu_read_lock() returns is kept in ONE handle shared by every reader
 * of the revocable (the caller's per-access handle is ignored), and every
 * srcu_read_unlock() uses whatever that handle holds at the time - also
 * on the failure path.  Reader A locks index 0; revoke clears the flag
 * and synchronize_srcu() flips to 1; reader B locks 1, finds the flag
 * clear and unlocks through the shared handle, having written 1 there; A
 * unlocks 1 as well.  Index 0 keeps one lock without an unlock, index 1
 * has one unlock too many, and synchronize_srcu() never returns.  Caught
 * by the torture watchdog (a revoke that does not finish within the
 * bound).  Everything else is "srcu" above.
 *
 * Unwedging (harness support, not part of the bug; ops->unwedge): a
 * revoke stuck in synchronize_srcu() cannot be interrupted, and a kthread
 * stuck forever would keep the module from unloading.  So the bug's own
 * locks and unlocks are tallied per index (never read by the readers or
 * the revoke), and once the torture has stopped every reader the unwedge
 * adds, through the public API only, the missing unlocks
 * (srcu_read_unlock_notrace() on the index that lacks them) and the
 * missing locks (srcu_read_lock_notrace(), kept, when it hands out the
 * index that lacks them; a lock on the other index is undone at once).
 * The _notrace pair does the same counting without lockdep's tracking,
 * which would otherwise report the harness's unmatched lock and unlock
 * (the readers' own ones are matched in lockdep's eyes: the bug is in
 * the index, not in the pairing).  The stuck grace period
 * then completes and flips the index, so a later call can finish what is
 * left; the harness calls it until the revoke returns.
 */
static void srcu_bug_unlock(struct rev_srcu *r)
{
	int idx = READ_ONCE(r->bug_shared_idx);	/* whoever wrote it last */

	atomic_long_inc(&r->bug_tally[idx][1]);
	srcu_read_unlock(r->ssp, idx);
}

static void *srcu_bug_shared_try_access(struct revocable *rev,
					struct rev_handle *h)
{
	struct rev_srcu *r = (struct rev_srcu *)rev;
	int idx = srcu_read_lock(r->ssp);

	atomic_long_inc(&r->bug_tally[idx][0]);
	WRITE_ONCE(r->bug_shared_idx, idx);	/* BUG: one handle for all */
	if (unlikely(!READ_ONCE(r->available))) {
		srcu_bug_unlock(r);
		return NULL;
	}
	return r->base.res;
}

static int srcu_bug_shared_release(struct revocable *rev,
				   struct rev_handle *h)
{
	srcu_bug_unlock((struct rev_srcu *)rev);
	return 0;
}

static int srcu_bug_unwedge(struct revocable *rev)
{
	struct rev_srcu *r = (struct rev_srcu *)rev;
	int idx, got, fixed = 0;
	long d;

	for (idx = 0; idx < 2; idx++) {
		d = atomic_long_read(&r->bug_tally[idx][0]) -
		    atomic_long_read(&r->bug_tally[idx][1]);
		for (; d > 0; d--, fixed++) {	/* a lock without its unlock */
			atomic_long_inc(&r->bug_tally[idx][1]);
			srcu_read_unlock_notrace(r->ssp, idx);
		}
	}
	for (idx = 0; idx < 2; idx++) {
		d = atomic_long_read(&r->bug_tally[idx][0]) -
		    atomic_long_read(&r->bug_tally[idx][1]);
		while (d < 0) {		/* an unlock of a lock taken on 1-idx */
			got = srcu_read_lock_notrace(r->ssp);
			if (got != idx) {
				srcu_read_unlock_notrace(r->ssp, got);
				break;	/* not this index yet: a later call */
			}
			atomic_long_inc(&r->bug_tally[idx][0]);
			d++;
			fixed++;
		}
	}
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
