// SPDX-License-Identifier: GPL-2.0
/*
 * bugs_kernel.c - the kernel-only half of the bug zoo (primitives/bugs.h),
 * compiled into test builds only (make kmod KMOD_BUGS=1, -DREVBENCH_BUGS);
 * the default and benchmark module has an empty zoo.
 *
 * The kernel zoo, rbk_bug_zoo[], is what "insmod revbench.ko mode=torture
 * bug=all" runs (kmod/torture.c); every entry must be caught:
 *   bug-nowait, bug-double-release      primitives/bugs.c (shared)
 *   bug-hazptr-nofence, -norecheck      primitives/hazptr.c (shared)
 *   bug-srcu-shared-handle              here, on a real srcu_struct
 *   bug-percpu-noconfirm                here, on a real percpu_ref
 *   bug-seqlock-noretry                 prim_seqlock.c (#ifdef REVBENCH_BUGS)
 * The two here are the kernel primitives of prim_srcu.c and
 * prim_percpu_ref.c, copied (those keep their state private) with
 * exactly one thing broken; each comment says which, and what catches
 * it.  The seqlock bug needs only a different release(), so it reuses the
 * real primitive's other operations in prim_seqlock.c.  Same names as the userspace entries
 * (primitives/user/), same bugs, on the kernel's own APIs.
 */
#include "revocable.h"
#include "bugs.h"
#include "kmod.h"

#ifdef REVBENCH_BUGS

#include <linux/completion.h>
#include <linux/percpu.h>
#include <linux/percpu-refcount.h>
#include <linux/srcu.h>

/*
 * ---- bug-srcu-shared-handle ----
 *
 * The hang that got the C revocable series reverted: the SRCU index that
 * srcu_read_lock() returns is kept in ONE handle shared by every reader
 * of the revocable (here a field of the revocable; the caller's per-access
 * handle is ignored), and every srcu_read_unlock() uses whatever that
 * field holds at the time - also on the failure path.  Reader A locks
 * index 0; revoke clears the pointer and synchronize_srcu() flips to 1;
 * reader B locks 1, finds the pointer gone and unlocks through the shared
 * field, having written 1 there; A unlocks 1 as well.  Index 0 keeps one
 * lock without an unlock, index 1 has one unlock too many, and
 * synchronize_srcu() never returns.  Caught by the torture watchdog (a
 * revoke that does not finish within the bound).
 *
 * Everything else is prim_srcu.c's "srcu": one srcu_struct per revocable,
 * revoke = clear the pointer + synchronize_srcu() + release().
 *
 * Unwedging (harness support, not part of the bug): a revoke stuck in
 * synchronize_srcu() cannot be interrupted, and a kthread stuck forever
 * would keep the module from unloading (and cleanup_srcu_struct() WARNs
 * on unbalanced counters).  So every lock and unlock is also tallied per
 * index, and once the torture has stopped every reader,
 * rbk_bug_unwedge() adds the missing unlocks (srcu_read_unlock()) and
 * the missing locks (the same per-CPU increment __srcu_read_lock() does,
 * on the index that needs it) until each index balances; the grace period
 * then completes and the hung revoke returns.  The tallies are never read
 * by the readers or the revoke: they do not change the bug.
 */
struct bug_srcu {
	void __rcu *res;
	void *res_saved;
	rev_release_fn release;
	void *arg;
	int shared_idx;			/* BUG: the one handle of all readers */
	atomic_long_t tally_lock[2];	/* unwedging only, see above */
	atomic_long_t tally_unlock[2];
	struct srcu_struct ss;
};

static struct revocable *bug_srcu_create(void *res, rev_release_fn release,
					 void *arg)
{
	struct bug_srcu *r = kzalloc(sizeof(*r), GFP_KERNEL);

	if (!r)
		return NULL;
	if (init_srcu_struct(&r->ss)) {
		kfree(r);
		return NULL;
	}
	RCU_INIT_POINTER(r->res, res);
	r->res_saved = res;
	r->release = release;
	r->arg = arg;
	return (struct revocable *)r;
}

static void bug_srcu_destroy(struct revocable *rev)
{
	struct bug_srcu *r = (struct bug_srcu *)rev;

	cleanup_srcu_struct(&r->ss);
	kfree(r);
}

static size_t bug_srcu_footprint(const struct revocable *rev)
{
	const struct bug_srcu *r = (const struct bug_srcu *)rev;

	return sizeof(*r) - sizeof(r->ss) + rb_srcu_footprint(&r->ss);
}

/* Unlock through the shared handle: whoever wrote it last. */
static void bug_srcu_unlock(struct bug_srcu *r)
{
	int idx = READ_ONCE(r->shared_idx);

	atomic_long_inc(&r->tally_unlock[idx]);
	srcu_read_unlock(&r->ss, idx);
}

static void *bug_srcu_try_access(struct revocable *rev, struct rev_handle *h)
{
	struct bug_srcu *r = (struct bug_srcu *)rev;
	void *p;
	int idx;

	idx = srcu_read_lock(&r->ss);
	atomic_long_inc(&r->tally_lock[idx]);
	WRITE_ONCE(r->shared_idx, idx);	/* BUG: not h->seq = idx */
	p = srcu_dereference(r->res, &r->ss);
	if (!p) {
		bug_srcu_unlock(r);	/* the failure path uses it too */
		return NULL;
	}
	return p;
}

static int bug_srcu_release(struct revocable *rev, struct rev_handle *h)
{
	bug_srcu_unlock((struct bug_srcu *)rev);
	return 0;
}

static void bug_srcu_revoke(struct revocable *rev)
{
	struct bug_srcu *r = (struct bug_srcu *)rev;

	if (!xchg((void **)&r->res, NULL))
		return;
	synchronize_srcu(&r->ss);
	r->release(r->res_saved, r->arg);
}

/*
 * One more lock on index idx, on this CPU: what __srcu_read_lock() does
 * after choosing the index.  srcu_data.srcu_lock_count[] is an unsigned
 * long in 6.1 and an atomic_long_t (one long) from 6.2, so the per-CPU
 * word is incremented through an unsigned long pointer; 6.15 renamed the
 * field (srcu_ctrs), which would fail to build here, loudly.
 */
static void bug_srcu_add_lock(struct srcu_struct *ssp, int idx)
{
	smp_mb(); /* like __srcu_read_lock(): order against the GP's scans */
	this_cpu_inc(*(unsigned long __percpu *)&ssp->sda->srcu_lock_count[idx]);
	smp_mb();
}

static int bug_srcu_unwedge(struct revocable *rev)
{
	struct bug_srcu *r = (struct bug_srcu *)rev;
	int idx, fixed = 0;

	for (idx = 0; idx < 2; idx++) {
		long d = atomic_long_read(&r->tally_lock[idx]) -
			 atomic_long_read(&r->tally_unlock[idx]);

		for (; d > 0; d--, fixed++) {
			atomic_long_inc(&r->tally_unlock[idx]);
			srcu_read_unlock(&r->ss, idx);
		}
		for (; d < 0; d++, fixed++) {
			atomic_long_inc(&r->tally_lock[idx]);
			preempt_disable();
			bug_srcu_add_lock(&r->ss, idx);
			preempt_enable();
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
	.create = bug_srcu_create,
	.destroy = bug_srcu_destroy,
	.footprint = bug_srcu_footprint,
	.try_access = bug_srcu_try_access,
	.release = bug_srcu_release,
	.revoke = bug_srcu_revoke,
	.unwedge = bug_srcu_unwedge,
};

/*
 * ---- bug-percpu-noconfirm ----
 *
 * percpu_ref_kill() where percpu_ref_kill_and_confirm() and a wait for the
 * switch are needed.  The kill marks the ref dead at once, but a
 * percpu_ref_tryget_live() that loaded the per-CPU mode before the kill
 * still increments its per-CPU counter afterwards: only after the RCU
 * grace period that ends the switch to atomic mode (the confirm callback)
 * is every tryget_live known to fail.  This revoke does not wait for it:
 * right after the kill it sums the per-CPU counters and the atomic count
 * itself and releases as soon as that sum says "no reader".  A reader
 * whose increment lands after the sum is not counted; it holds a
 * reference to a released resource - a tryget that succeeded after the
 * revoke had decided there was none.  Caught by the oracle as poison (the
 * reader reads the released, poisoned resource) or overtaken (revoke
 * returned while it held access).
 *
 * Reading the counters (lib/percpu-refcount.c): the per-CPU array is
 * percpu_count_ptr without its flag bits; the atomic count carries
 * PERCPU_COUNT_BIAS (1 << (BITS_PER_LONG - 1)) until the RCU callback of
 * the switch folds the per-CPU sum into it, after which it alone is the
 * count (the per-CPU words are left as they were).  Until then it also
 * holds the reference the pending switch took (percpu_ref_get() in
 * __percpu_ref_switch_to_atomic(), put after the confirm), which is not a
 * reader's and is not counted.
 *
 * Everything else is prim_percpu_ref.c's "percpu-ref".  destroy() waits
 * for the ref's own release (the real drain, after the switch) before
 * percpu_ref_exit(), so the switch's RCU callback never outlives it.
 */
#define BUG_PCPU_BIAS	(1UL << (BITS_PER_LONG - 1))

struct bug_pref {
	struct percpu_ref ref;
	void *res;
	rev_release_fn release;
	void *arg;
	int killed;
	struct completion drained;	/* the ref's own release callback */
};

static void bug_pref_drained(struct percpu_ref *ref)
{
	complete(&container_of(ref, struct bug_pref, ref)->drained);
}

static struct revocable *bug_pref_create(void *res, rev_release_fn release,
					 void *arg)
{
	struct bug_pref *r = kzalloc(sizeof(*r), GFP_KERNEL);

	if (!r)
		return NULL;
	if (percpu_ref_init(&r->ref, bug_pref_drained, 0, GFP_KERNEL)) {
		kfree(r);
		return NULL;
	}
	r->res = res;
	r->release = release;
	r->arg = arg;
	init_completion(&r->drained);
	return (struct revocable *)r;
}

static void bug_pref_destroy(struct revocable *rev)
{
	struct bug_pref *r = (struct bug_pref *)rev;

	if (READ_ONCE(r->killed))
		wait_for_completion(&r->drained);
	percpu_ref_exit(&r->ref);
	kfree(r);
}

static size_t bug_pref_footprint(const struct revocable *rev)
{
	return sizeof(struct bug_pref) + sizeof(struct percpu_ref_data) +
	       sizeof(unsigned long) * nr_cpu_ids;
}

static void *bug_pref_try_access(struct revocable *rev, struct rev_handle *h)
{
	struct bug_pref *r = (struct bug_pref *)rev;

	if (!percpu_ref_tryget_live(&r->ref))
		return NULL;
	return r->res;
}

static int bug_pref_release(struct revocable *rev, struct rev_handle *h)
{
	percpu_ref_put(&((struct bug_pref *)rev)->ref);
	return 0;
}

/* The references the counters show right now (no grace period). */
static long bug_pref_sum(struct bug_pref *r)
{
	unsigned long __percpu *pc;
	unsigned long a, sum = 0;
	int cpu;

	a = (unsigned long)atomic_long_read(&r->ref.data->count);
	smp_rmb(); /* the atomic count before the per-CPU words */
	if (!(a & BUG_PCPU_BIAS))
		return (long)a;		/* folded: the atomic count is all */
	pc = (unsigned long __percpu *)(READ_ONCE(r->ref.percpu_count_ptr) &
					~__PERCPU_REF_ATOMIC_DEAD);
	for_each_possible_cpu(cpu)
		sum += READ_ONCE(*per_cpu_ptr(pc, cpu));
	/* minus the bias and the pending switch's own reference */
	return (long)(a - BUG_PCPU_BIAS - 1 + sum);
}

static void bug_pref_revoke(struct revocable *rev)
{
	struct bug_pref *r = (struct bug_pref *)rev;
	unsigned int spins = 0;

	if (xchg(&r->killed, 1))
		return;
	percpu_ref_kill(&r->ref);	/* BUG: no confirm, no wait for it */
	while (bug_pref_sum(r) > 0) {
		if (++spins < 100)
			cpu_relax();
		else
			cond_resched();
	}
	smp_mb(); /* the readers' puts before the release */
	r->release(r->res, r->arg);
}

const struct revocable_ops rev_ops_bug_percpu_noconfirm = {
	.name = "bug-percpu-noconfirm",
	.family = "percpu-ref",
	.desc = "BROKEN on purpose: percpu_ref killed without confirm (counters "
		"summed before the switch's grace period)",
	.caps = REV_CAP_BROKEN | REV_CAP_SLEEP,
	.create = bug_pref_create,
	.destroy = bug_pref_destroy,
	.footprint = bug_pref_footprint,
	.try_access = bug_pref_try_access,
	.release = bug_pref_release,
	.revoke = bug_pref_revoke,
};

/* bug-seqlock-noretry lives in prim_seqlock.c, beside what it breaks. */

/* ---- the kernel zoo table ---- */

const struct revocable_ops *const rev_bug_zoo[] = {
	REV_BUG_ZOO_SHARED
	&rev_ops_bug_srcu_shared_handle,
	&rev_ops_bug_percpu_noconfirm,
	&rev_ops_bug_seqlock_noretry,
};
const int rev_bug_zoo_count = ARRAY_SIZE(rev_bug_zoo);

#else /* !REVBENCH_BUGS: no zoo in this build */

const struct revocable_ops *const rev_bug_zoo[1] = { NULL };
const int rev_bug_zoo_count;

#endif /* REVBENCH_BUGS */

const struct revocable_ops *rev_bug_find(const char *name)
{
	int i;

	for (i = 0; i < rev_bug_zoo_count; i++)
		if (!strcmp(rev_bug_zoo[i]->name, name))
			return rev_bug_zoo[i];
	return NULL;
}
