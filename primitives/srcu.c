// SPDX-License-Identifier: GPL-2.0
/*
 * srcu, srcu-exp, srcu-shared - sleepable RCU plus an availability flag,
 * the design of the C revocable series (drivers/base/revocable.c: readers
 * in srcu_read_lock(), revoke = clear + synchronize_srcu()).  One file for
 * both environments over compat.h's rb_srcu_*: the kernel's own
 * srcu_struct in the module, the kernel's classic algorithm written out
 * in userspace (compat/user_srcu.h).
 *
 *   srcu         one domain per revocable (the C "revocable provider" owns
 *                its own srcu_struct): a reader stalled on another
 *                revocable does not delay this revoke (REV_CAP_BOUNDED);
 *                revoke_many() has no shared grace period to batch, but
 *                overlaps the N domains' grace periods
 *                (rb_srcu_synchronize_many(): polled, so normal rather
 *                than the auto-expedited ones one revoke gets).
 *   srcu-exp     the same with rb_srcu_synchronize_expedited().  Kernel
 *                only (RB_HAVE_SRCU_EXPEDITED): userspace's synchronize
 *                is already the expedited shape (compat/user_srcu.h), so
 *                it would run the same code under a second name.
 *   srcu-shared  one domain for every revocable (global_init()): not
 *                bounded, but revoke_many() clears n flags and waits for a
 *                single grace period.
 *
 * try_access(): rb_srcu_read_lock(); if the revocable's available flag is
 * clear, unlock and return NULL; else keep the returned index in the
 * caller's handle, which is per access and never shared (sharing it is
 * the bug that hung the C series, below), and return the resource.  The
 * flag load follows the lock's barrier and the revoker's flag store
 * precedes the grace period, so either the reader sees the flag clear or
 * the grace period waits for it.  Readers may sleep (REV_CAP_SLEEP).
 * revoke(): rev_once_batch() (revocable.h).
 *
 * Which path each revoke's synchronize took is counted per ops table in
 * the kernel (ops->gp_paths, the results' gp_expedited / gp_normal:
 * RB_HAVE_SRCU_PATHS, kmod/srcu_paths.c says how it is known).
 *
 * Footprint: srcu and srcu-exp count the whole domain per revocable
 * (rb_srcu_footprint(): the kernel's from public struct sizes only, the
 * srcu_node tree SRCU grows under contention not counted); srcu-shared
 * reports the wrapper per revocable and the domain as per-domain memory.
 */
#include "srcu.h"

/* srcu, srcu-exp: the domain lives with the revocable. */
struct rev_srcu_own {
	struct rev_srcu r;
	struct rb_srcu_struct own;
};

struct rb_srcu_struct *rev_srcu_shared;

/*
 * The descriptions say what each environment runs; results files record
 * them, so each keeps its own words.
 */
#ifdef __KERNEL__
#define REV_SRCU_DESC		"one srcu_struct per revocable; revoke = " \
				"synchronize_srcu (C revocable)"
#define REV_SRCU_SHARED_DESC	"one srcu_struct for all revocables; " \
				"revoke_many = one synchronize_srcu"
#else
#define REV_SRCU_DESC		"per-revocable SRCU domain (classic " \
				"lock/unlock counts): revoke = synchronize"
#define REV_SRCU_SHARED_DESC	"one SRCU domain for all revocables; " \
				"revoke_many = one synchronize"
#endif

/* Which path each revoke's synchronize took, per ops table (kernel). */
#ifdef RB_HAVE_SRCU_PATHS
static struct rb_srcu_paths rev_srcu_paths_own, rev_srcu_paths_exp,
			    rev_srcu_paths_shared;
#define REV_SRCU_PATHS_GET(name, c)				\
static void name(u64 *expedited, u64 *normal)			\
{								\
	rb_srcu_paths_read(&(c), expedited, normal);		\
}
REV_SRCU_PATHS_GET(rev_srcu_paths_own_get, rev_srcu_paths_own)
REV_SRCU_PATHS_GET(rev_srcu_paths_exp_get, rev_srcu_paths_exp)
REV_SRCU_PATHS_GET(rev_srcu_paths_shared_get, rev_srcu_paths_shared)
#define REV_SRCU_SYNC(ssp, exp, c)	rb_srcu_sync_counted((ssp), (exp), &(c))
/* rb_srcu_synchronize_many()'s polled grace periods are normal ones. */
#define REV_SRCU_SYNC_MANY(ssps, n, c)				\
	do {							\
		atomic_long_add((n), &(c).normal);		\
		rb_srcu_synchronize_many((ssps), (n));		\
	} while (0)
#define REV_SRCU_GP_PATHS(get)		.gp_paths = (get),
#define REV_SRCU_PATHS_INIT		.global_init = rb_srcu_paths_init,
#else
#define REV_SRCU_SYNC(ssp, exp, c)	rb_srcu_synchronize(ssp)
#define REV_SRCU_SYNC_MANY(ssps, n, c)	rb_srcu_synchronize_many((ssps), (n))
#define REV_SRCU_GP_PATHS(get)
#define REV_SRCU_PATHS_INIT
#endif

static int rev_srcu_own_init(struct revocable *rev)
{
	struct rev_srcu_own *o = (struct rev_srcu_own *)rev;

	if (rb_srcu_init(&o->own))
		return -ENOMEM;
	o->r.available = 1;
	o->r.ssp = &o->own;
	return 0;
}

REV_BASE_CREATE(rev_srcu_create, struct rev_srcu_own, rev_srcu_own_init)

static void rev_srcu_destroy(struct revocable *rev)
{
	struct rev_srcu_own *o = (struct rev_srcu_own *)rev;

	rb_srcu_cleanup(&o->own);
	rb_free(o);
}

static size_t rev_srcu_footprint(const struct revocable *rev)
{
	const struct rev_srcu_own *o = (const struct rev_srcu_own *)rev;

	/* rb_srcu_footprint() counts the embedded domain struct itself. */
	return sizeof(*o) - sizeof(o->own) + rb_srcu_footprint(&o->own);
}

/* Clear the flag readers test (ordered by the grace period). */
static void rev_srcu_stop(struct revocable *rev)
{
	WRITE_ONCE(((struct rev_srcu *)rev)->available, 0);
}

/* srcu: every revocable has its own domain, synchronized by finish(). */
static void rev_srcu_own_finish(struct revocable *rev)
{
	REV_SRCU_SYNC(((struct rev_srcu *)rev)->ssp, false, rev_srcu_paths_own);
	rev_base_release(rev_base(rev));
}

static const struct rev_batch rev_srcu_own_batch = {
	.stop = rev_srcu_stop,
	.finish = rev_srcu_own_finish,
};

REV_BATCH_REVOKE(rev_srcu_revoke, &rev_srcu_own_batch)

/*
 * srcu's revoke_many(): one grace period of every revocable's domain,
 * overlapped.  The domains are gathered into an array for the compat
 * call; without memory for it, one synchronize each (slower, not wrong).
 */
static void rev_srcu_own_wait_many(struct revocable **revs, int n)
{
	struct rb_srcu_struct **ssps = rb_zalloc((size_t)n * sizeof(*ssps));
	int i;

	if (!ssps) {
		for (i = 0; i < n; i++)
			REV_SRCU_SYNC(((struct rev_srcu *)revs[i])->ssp, false,
				      rev_srcu_paths_own);
		return;
	}
	for (i = 0; i < n; i++)
		ssps[i] = ((struct rev_srcu *)revs[i])->ssp;
	REV_SRCU_SYNC_MANY(ssps, n, rev_srcu_paths_own);
	rb_free(ssps);
}

static const struct rev_batch rev_srcu_own_many_batch = {
	.stop = rev_srcu_stop,
	.wait = rev_srcu_own_wait_many,
};

REV_BATCH_REVOKE_MANY(rev_srcu_revoke_many, &rev_srcu_own_many_batch)

/* srcu and srcu-exp: a domain per revocable, read side in srcu.h. */
#define REV_SRCU_OWN_OPS				\
	.create = rev_srcu_create,			\
	.destroy = rev_srcu_destroy,			\
	.footprint = rev_srcu_footprint,		\
	.try_access = rev_srcu_try_access,		\
	.release = rev_srcu_release

const struct revocable_ops rev_ops_srcu = {
	.name = "srcu",
	.family = "srcu",
	.desc = REV_SRCU_DESC,
	.caps = REV_CAP_SLEEP | REV_CAP_BOUNDED | REV_IRQSAFE,
	.color = "#ff7f0e",
	.peer = "srcu",
	REV_SRCU_PATHS_INIT
	REV_SRCU_GP_PATHS(rev_srcu_paths_own_get)
	REV_SRCU_OWN_OPS,
	.revoke = rev_srcu_revoke,
	.revoke_many = rev_srcu_revoke_many,
};

#ifdef RB_HAVE_SRCU_EXPEDITED
static void rev_srcu_exp_finish(struct revocable *rev)
{
	REV_SRCU_SYNC(((struct rev_srcu *)rev)->ssp, true, rev_srcu_paths_exp);
	rev_base_release(rev_base(rev));
}

static const struct rev_batch rev_srcu_exp_batch = {
	.stop = rev_srcu_stop,
	.finish = rev_srcu_exp_finish,
};

REV_BATCH_REVOKE(rev_srcu_exp_revoke, &rev_srcu_exp_batch)

const struct revocable_ops rev_ops_srcu_exp = {
	.name = "srcu-exp",
	.family = "srcu",
	.desc = "one srcu_struct per revocable; revoke = "
		"synchronize_srcu_expedited",
	.caps = REV_CAP_SLEEP | REV_CAP_BOUNDED | REV_CAP_EXPEDITED |
		REV_IRQSAFE,
	.color = "#ffd27f",
	REV_SRCU_PATHS_INIT
	REV_SRCU_GP_PATHS(rev_srcu_paths_exp_get)
	REV_SRCU_OWN_OPS,
	.revoke = rev_srcu_exp_revoke,
};
#endif /* RB_HAVE_SRCU_EXPEDITED */

/* ---- srcu-shared: one domain for every revocable ---- */

static int rev_srcu_shared_init(void)
{
	struct rb_srcu_struct *ssp;

	if (rev_srcu_shared)
		return 0;
#ifdef RB_HAVE_SRCU_PATHS
	rb_srcu_paths_init();
#endif
	ssp = rb_zalloc(sizeof(*ssp));
	if (!ssp)
		return -ENOMEM;
	if (rb_srcu_init(ssp)) {
		rb_free(ssp);
		return -ENOMEM;
	}
	rev_srcu_shared = ssp;
	return 0;
}

static void rev_srcu_shared_exit(void)
{
	if (!rev_srcu_shared)
		return;
	rb_srcu_cleanup(rev_srcu_shared);
	rb_free(rev_srcu_shared);
	rev_srcu_shared = NULL;
}

static size_t rev_srcu_shared_domain_footprint(void)
{
	return rev_srcu_shared ? rb_srcu_footprint(rev_srcu_shared) : 0;
}

static int rev_srcu_shared_join(struct revocable *rev)
{
	struct rev_srcu *r = (struct rev_srcu *)rev;

	r->available = 1;
	r->ssp = rev_srcu_shared;
	return 0;
}

/* global_init() made the domain; a caller that skipped it gets it here. */
static struct revocable *rev_srcu_shared_create(void *res,
						rev_release_fn release,
						void *arg)
{
	if (!rev_srcu_shared && rev_srcu_shared_init())
		return NULL;
	return rev_base_new(sizeof(struct rev_srcu), res, release, arg,
			    rev_srcu_shared_join);
}

REV_SIZEOF_FOOTPRINT(rev_srcu_shared_footprint, struct rev_srcu)

/* One grace period of the shared domain for the whole batch. */
static void rev_srcu_shared_wait(struct revocable **revs, int n)
{
	(void)n;
	REV_SRCU_SYNC(((struct rev_srcu *)revs[0])->ssp, false,
		      rev_srcu_paths_shared);
}

static const struct rev_batch rev_srcu_shared_batch = {
	.stop = rev_srcu_stop,
	.wait = rev_srcu_shared_wait,
};

REV_BATCH_REVOKE(rev_srcu_shared_revoke, &rev_srcu_shared_batch)

REV_BATCH_REVOKE_MANY(rev_srcu_shared_revoke_many, &rev_srcu_shared_batch)

const struct revocable_ops rev_ops_srcu_shared = {
	.name = "srcu-shared",
	.family = "srcu",
	.desc = REV_SRCU_SHARED_DESC,
	.caps = REV_CAP_SLEEP | REV_CAP_GUARD | REV_IRQSAFE,
	.color = "#ffbb78",
	.global_init = rev_srcu_shared_init,
	.global_exit = rev_srcu_shared_exit,
	REV_SRCU_GP_PATHS(rev_srcu_paths_shared_get)
	.create = rev_srcu_shared_create,
	.destroy = rev_destroy_free,
	.footprint = rev_srcu_shared_footprint,
	.domain_footprint = rev_srcu_shared_domain_footprint,
	.try_access = rev_srcu_try_access,
	.release = rev_srcu_release,
	.guard_enter = rev_srcu_shared_guard_enter,
	.try_access_guarded = rev_srcu_try_access_guarded,
	.guard_exit = rev_srcu_shared_guard_exit,
	.revoke = rev_srcu_shared_revoke,
	.revoke_many = rev_srcu_shared_revoke_many,
};

#ifdef REVBENCH_BUGS
#include "bugs.h"

/*
 * ---- Bug zoo (bugs.h), test builds only: bug-srcu-shared-handle ----
 *
 * The hang that got the C revocable series reverted: the SRCU index that
 * rb_srcu_read_lock() returns is kept in ONE handle shared by every
 * reader of the revocable (the caller's per-access handle is ignored),
 * and every unlock uses whatever that handle holds at the time - also on
 * the failure path, as a scope guard that always unlocks through the
 * handle would.  Reader A locks index 0; revoke clears the flag and the
 * grace period flips to 1; reader B locks 1, finds the flag clear and
 * unlocks through the shared handle, having written 1 there; A unlocks 1
 * as well.  Index 0 keeps one lock without an unlock, index 1 has one
 * unlock too many, and the synchronize never returns.  Caught by the
 * torture watchdog (a revoke that does not finish within the bound).
 * Everything else is "srcu" above.
 *
 * Unwedging (harness support, not part of the bug; ops->unwedge): a
 * revoke stuck in a synchronize cannot be interrupted, and a thread stuck
 * forever would keep the harness (or the module) from finishing.  So the
 * bug's own locks and unlocks are tallied per index (never read by the
 * readers or the revoke), and once every reader has stopped the unwedge
 * adds, through the rb_srcu_* API only, the missing unlocks (on the index
 * that lacks them) and the missing locks (kept when the lock hands out
 * the index that lacks them; a lock on the other index is undone at
 * once).  The _notrace pair counts the same without lockdep's tracking,
 * which would otherwise report the harness's unmatched lock and unlock
 * (the readers' own ones are matched in lockdep's eyes: the bug is in
 * the index, not in the pairing).  The stuck grace period then completes
 * and flips the index, so a later call can finish what is left; the
 * harness calls it until the revoke returns.
 */
static void rev_srcu_bug_unlock(struct rev_srcu *r)
{
	int idx = READ_ONCE(r->bug_shared_idx);	/* whoever wrote it last */

	atomic_long_inc(&r->bug_tally[idx][1]);
	rb_srcu_read_unlock(r->ssp, idx);
}

static void *rev_srcu_bug_shared_try_access(struct revocable *rev,
					    struct rev_handle *h)
{
	struct rev_srcu *r = (struct rev_srcu *)rev;
	int idx = rb_srcu_read_lock(r->ssp);

	(void)h;	/* BUG: the caller's handle is ignored */
	atomic_long_inc(&r->bug_tally[idx][0]);
	WRITE_ONCE(r->bug_shared_idx, idx);	/* BUG: one handle for all */
	if (unlikely(!READ_ONCE(r->available))) {
		rev_srcu_bug_unlock(r);
		return NULL;
	}
	return r->base.res;
}

static int rev_srcu_bug_shared_release(struct revocable *rev,
				       struct rev_handle *h)
{
	(void)h;
	rev_srcu_bug_unlock((struct rev_srcu *)rev);
	return 0;
}

static int rev_srcu_bug_unwedge(struct revocable *rev)
{
	struct rev_srcu *r = (struct rev_srcu *)rev;

	return rev_bug_srcu_unwedge(r->ssp, r->bug_tally);
}

const struct revocable_ops rev_ops_bug_srcu_shared_handle = {
	.name = "bug-srcu-shared-handle",
	.family = "srcu",
	.desc = "BROKEN on purpose: srcu whose one handle (the SRCU index) is "
		"shared by all readers: revoke hangs",
	.caps = REV_CAP_BROKEN | REV_CAP_SLEEP,
	.color = "#ff7f0e",
	.create = rev_srcu_create,
	.destroy = rev_srcu_destroy,
	.footprint = rev_srcu_footprint,
	.try_access = rev_srcu_bug_shared_try_access,
	.release = rev_srcu_bug_shared_release,
	.revoke = rev_srcu_revoke,
	.unwedge = rev_srcu_bug_unwedge,
};
#endif /* REVBENCH_BUGS */
