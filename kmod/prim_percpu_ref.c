// SPDX-License-Identifier: GPL-2.0
/*
 * percpu-ref - lib/percpu-refcount.c as a revocable, on the kernel's own
 * percpu_ref (kernel only).  primitives/user/percpu_ref.c is the same
 * design in userspace (which has no percpu_ref library): same name, same
 * capabilities, same revoke protocol (rev_once_batch(), revocable.h).
 *
 * try_access() is percpu_ref_tryget_live(): a per-CPU increment under
 * rcu_read_lock() while the ref is live; release() is percpu_ref_put().
 * Readers may sleep while they hold the reference.
 *
 * revoke() calls percpu_ref_kill_and_confirm(): the ref is marked dead at
 * once, and after an RCU grace period it is switched to atomic mode and
 * the confirm callback runs; only from then on is every
 * percpu_ref_tryget_live() guaranteed to fail.  The provider's initial
 * reference is dropped by the kill; when the readers' references drain,
 * the ref's release callback completes a completion.  revoke() waits for
 * both, then calls the release callback.  revoke_many() kills all n refs
 * first, so their grace periods overlap.
 *
 * Not REV_CAP_BOUNDED: the switch to atomic waits for a full RCU grace
 * period (call_rcu() in __percpu_ref_switch_to_atomic()), so a reader
 * stalled in ANY rcu_read_lock() section - another subsystem's, nothing
 * to do with this ref - delays every revoke.  The unbind workload's
 * stall_rcu=1 and the contract suite's foreign_rcu_reader case show it.
 *
 * Footprint: the wrapper, the separately allocated percpu_ref_data, and
 * the per-CPU counter (one unsigned long per possible CPU).
 */
#include <linux/completion.h>
#include <linux/percpu-refcount.h>

#include "revocable.h"
#include "workload.h"
#include "kmod.h"

struct rev_pcpu {
	struct rev_base base;
	struct percpu_ref ref;
	int killed;			/* the rev_once winner killed it */
	struct completion confirmed;	/* tryget_live fails from here on */
	struct completion drained;	/* count reached zero */
};

/* complete_all(): the revoke and destroy() may both wait for it. */
static void pcpu_drained(struct percpu_ref *ref)
{
	complete_all(&container_of(ref, struct rev_pcpu, ref)->drained);
}

static void pcpu_confirmed(struct percpu_ref *ref)
{
	complete_all(&container_of(ref, struct rev_pcpu, ref)->confirmed);
}

static struct revocable *pcpu_create(void *res, rev_release_fn release,
				     void *arg)
{
	struct rev_pcpu *p = kzalloc(sizeof(*p), GFP_KERNEL);

	if (!p)
		return NULL;
	/*
	 * PERCPU_REF_ALLOW_REINIT: the per-CPU counters stay until
	 * percpu_ref_exit() in destroy(), instead of being freed by the
	 * switch to atomic (__percpu_ref_exit() from the RCU callback), whose
	 * plain store to percpu_count_ptr races with a concurrent
	 * tryget_live's READ_ONCE of it (KCSAN, 6.12).
	 */
	if (percpu_ref_init(&p->ref, pcpu_drained, PERCPU_REF_ALLOW_REINIT,
			    GFP_KERNEL)) {
		kfree(p);
		return NULL;
	}
	rev_base_init(&p->base, res, release, arg);
	init_completion(&p->confirmed);
	init_completion(&p->drained);
	return (struct revocable *)p;
}

/* The ref's own release has run before percpu_ref_exit(). */
static void pcpu_destroy(struct revocable *rev)
{
	struct rev_pcpu *p = (struct rev_pcpu *)rev;

	if (READ_ONCE(p->killed))
		wait_for_completion(&p->drained);
	percpu_ref_exit(&p->ref);
	kfree(p);
}

static size_t pcpu_footprint(const struct revocable *rev)
{
	return sizeof(struct rev_pcpu) + sizeof(struct percpu_ref_data) +
	       sizeof(unsigned long) * nr_cpu_ids;
}

static inline void *pcpu_try_access(struct revocable *rev,
				    struct rev_handle *h)
{
	struct rev_pcpu *p = (struct rev_pcpu *)rev;

	if (!percpu_ref_tryget_live(&p->ref))
		return NULL;
	return p->base.res;
}

static inline int pcpu_release(struct revocable *rev, struct rev_handle *h)
{
	percpu_ref_put(&((struct rev_pcpu *)rev)->ref);
	return 0;
}

RB_WL_READSECTIONS(pcpu, pcpu_try_access, pcpu_release);

/* Kill; the switch to atomic and the confirmation follow a GP. */
static void pcpu_kill(struct revocable *rev)
{
	struct rev_pcpu *p = (struct rev_pcpu *)rev;

	WRITE_ONCE(p->killed, 1);
	percpu_ref_kill_and_confirm(&p->ref, pcpu_confirmed);
}

static void pcpu_finish(struct revocable *rev)
{
	struct rev_pcpu *p = (struct rev_pcpu *)rev;

	wait_for_completion(&p->confirmed);
	wait_for_completion(&p->drained);
	rev_base_release(&p->base);
}

static const struct rev_batch pcpu_batch = {
	.stop = pcpu_kill,
	.finish = pcpu_finish,
};

static void pcpu_revoke(struct revocable *rev)
{
	rev_once_batch(&rev, 1, &pcpu_batch);
}

static void pcpu_revoke_many(struct revocable **revs, int n)
{
	rev_once_batch(revs, n, &pcpu_batch);
}

const struct revocable_ops rev_ops_percpu_ref = {
	.name = "percpu-ref",
	.family = "percpu-ref",
	.desc = "percpu_ref_tryget_live/put; revoke = kill_and_confirm + wait "
		"for the drain",
	.caps = REV_CAP_SLEEP | REV_IRQSAFE_NORT | REV_CAP_XRELEASE,
	.color = "#e377c2",
	.create = pcpu_create,
	.destroy = pcpu_destroy,
	.footprint = pcpu_footprint,
	.try_access = pcpu_try_access,
	.release = pcpu_release,
	.rs = &pcpu_rs,
	.revoke = pcpu_revoke,
	.revoke_many = pcpu_revoke_many,
};

#ifdef REVBENCH_BUGS
#include "bugs.h"

/*
 * ---- Bug zoo, KMOD_BUGS=1 builds only: bug-percpu-nodrain ----
 *
 * The confirmation taken for "no reader": revoke() kills, waits for the
 * confirm callback (from here no NEW tryget_live succeeds) and releases,
 * without waiting for the references already held to drain.  Readers
 * inside keep using a released resource: overtaken and poison.  The one
 * change to "percpu-ref" above is the missing wait for the drain;
 * destroy() still waits for the ref's own release before
 * percpu_ref_exit(), so no freed memory is ever read.  The same entry
 * exists in userspace (primitives/user/percpu_ref.c).  Userspace's
 * bug-percpu-noconfirm has no kernel twin: percpu_ref does not let a
 * caller fold its counters before the switch's grace period, and
 * percpu_ref_kill() followed by a wait for the drain is correct.
 */
static void pcpu_bug_nodrain_finish(struct revocable *rev)
{
	struct rev_pcpu *p = (struct rev_pcpu *)rev;

	wait_for_completion(&p->confirmed);
	/* BUG (deliberate): no wait_for_completion(&p->drained) */
	rev_base_release(&p->base);
}

static const struct rev_batch pcpu_bug_nodrain_batch = {
	.stop = pcpu_kill,
	.finish = pcpu_bug_nodrain_finish,
};

static void pcpu_bug_nodrain_revoke(struct revocable *rev)
{
	rev_once_batch(&rev, 1, &pcpu_bug_nodrain_batch);
}

const struct revocable_ops rev_ops_bug_percpu_nodrain = {
	.name = "bug-percpu-nodrain",
	.family = "percpu-ref",
	.desc = "BROKEN on purpose: percpu_ref revoke that releases on the "
		"confirm, without waiting for held references",
	.caps = REV_CAP_BROKEN | REV_CAP_SLEEP,
	.color = "#e377c2",
	.create = pcpu_create,
	.destroy = pcpu_destroy,
	.footprint = pcpu_footprint,
	.try_access = pcpu_try_access,
	.release = pcpu_release,
	.revoke = pcpu_bug_nodrain_revoke,
};
#endif /* REVBENCH_BUGS */
