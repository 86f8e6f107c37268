// SPDX-License-Identifier: GPL-2.0
/*
 * percpu-ref - lib/percpu-refcount.c as a revocable, the way a driver
 * would use percpu_ref_tryget_live() + percpu_ref_kill_and_confirm() to
 * guard a resource.  One file for both environments over compat.h's
 * rb_pcpu_ref_*: the kernel's own percpu_ref in the module, its algorithm
 * written out in userspace (compat/user_percpu_ref.h).
 *
 * try_access() is rb_pcpu_ref_tryget_live(): a per-CPU (per-thread)
 * increment under the RCU read lock while the ref is live; release() is
 * rb_pcpu_ref_put().  Readers may sleep while they hold the reference
 * (REV_CAP_SLEEP).
 *
 * revoke() calls rb_pcpu_ref_kill_and_confirm(): the ref is dead at once,
 * and after an RCU grace period it is switched to atomic mode and the
 * confirm callback runs; only from then on is every tryget_live
 * guaranteed to fail.  The kill drops the initial reference; when the
 * readers' references drain, the ref's release callback completes a
 * completion.  revoke() waits for both, then calls the release callback.
 * revoke_many() kills all n refs first, so they share their grace period
 * (in the kernel the call_rcu() callbacks overlap; in userspace the
 * killer's rb_pcpu_ref_confirm_pending(), the batch's .wait, runs one
 * grace period for all of them).
 *
 * Not REV_CAP_BOUNDED: the switch to atomic waits for a full RCU grace
 * period, so a reader stalled in ANY RCU read-side section - another
 * subsystem's, nothing to do with this ref - delays every revoke.  The
 * unbind workload's stall_rcu=1 and the contract suite's
 * foreign_rcu_reader case show it.
 *
 * Footprint: the wrapper and what the ref allocates beside it
 * (rb_pcpu_ref_extra_bytes(): the kernel's percpu_ref_data and one
 * counter per possible CPU; userspace's one counter per context).
 */
#include "percpu_ref.h"

/* The descriptions say what each environment runs (results record them). */
#ifdef __KERNEL__
#define REV_PCPU_DESC	"percpu_ref_tryget_live/put; revoke = " \
			"kill_and_confirm + wait for the drain"
#else
#define REV_PCPU_DESC	"percpu_ref: per-thread counters under RCU; " \
			"revoke = kill_and_confirm (1 GP) + drain"
#endif

/* complete_all(): the revoke and destroy() may both wait for it. */
static void rev_pcpu_drained(struct rb_pcpu_ref *ref)
{
	rb_complete_all(&container_of(ref, struct rev_pcpu, ref)->drained);
}

static void rev_pcpu_confirmed(struct rb_pcpu_ref *ref)
{
	rb_complete_all(&container_of(ref, struct rev_pcpu, ref)->confirmed);
}

static int rev_pcpu_init(struct revocable *rev)
{
	struct rev_pcpu *p = (struct rev_pcpu *)rev;

	if (rb_pcpu_ref_init(&p->ref, rev_pcpu_drained))
		return -ENOMEM;
	rb_init_completion(&p->confirmed);
	rb_init_completion(&p->drained);
	return 0;
}

REV_BASE_CREATE(rev_pcpu_create, struct rev_pcpu, rev_pcpu_init)

/* The ref's own release has run before rb_pcpu_ref_exit(). */
static void rev_pcpu_destroy(struct revocable *rev)
{
	struct rev_pcpu *p = (struct rev_pcpu *)rev;

	if (READ_ONCE(p->killed))
		rb_wait_for_completion(&p->drained);
	rb_pcpu_ref_exit(&p->ref);
	rb_free(p);
}

static size_t rev_pcpu_footprint(const struct revocable *rev)
{
	const struct rev_pcpu *p = (const struct rev_pcpu *)rev;

	return sizeof(*p) + rb_pcpu_ref_extra_bytes(&p->ref);
}

/* Kill; the switch to atomic and the confirmation follow a GP. */
static void rev_pcpu_kill(struct revocable *rev)
{
	struct rev_pcpu *p = (struct rev_pcpu *)rev;

	WRITE_ONCE(p->killed, 1);
	rb_pcpu_ref_kill_and_confirm(&p->ref, rev_pcpu_confirmed);
}

/* The batch's grace period (userspace; nothing to do in the kernel). */
REV_BATCH_WAIT(rev_pcpu_confirm, rb_pcpu_ref_confirm_pending)

static void rev_pcpu_finish(struct revocable *rev)
{
	struct rev_pcpu *p = (struct rev_pcpu *)rev;

	rb_wait_for_completion(&p->confirmed);
	rb_wait_for_completion(&p->drained);
	rev_base_release(&p->base);
}

static const struct rev_batch rev_pcpu_batch = {
	.stop = rev_pcpu_kill,
	.wait = rev_pcpu_confirm,
	.finish = rev_pcpu_finish,
};

REV_BATCH_REVOKE(rev_pcpu_revoke, &rev_pcpu_batch)

REV_BATCH_REVOKE_MANY(rev_pcpu_revoke_many, &rev_pcpu_batch)

/* percpu-ref and its zoo entries: one struct, one read side (percpu_ref.h). */
#define REV_PCPU_OPS						\
	.create = rev_pcpu_create,				\
	.destroy = rev_pcpu_destroy,				\
	.footprint = rev_pcpu_footprint,			\
	.try_access = rev_pcpu_try_access,			\
	.release = rev_pcpu_release

const struct revocable_ops rev_ops_percpu_ref = {
	.name = "percpu-ref",
	.family = "percpu-ref",
	.desc = REV_PCPU_DESC,
	.caps = REV_CAP_SLEEP | REV_IRQSAFE_NORT | REV_CAP_XRELEASE,
	.color = "#e377c2",
	REV_PCPU_OPS,
	.revoke = rev_pcpu_revoke,
	.revoke_many = rev_pcpu_revoke_many,
};

#ifdef REVBENCH_BUGS
#include "bugs.h"

/*
 * ---- Bug zoo (bugs.h), test builds only ----
 *
 * bug-percpu-nodrain: the confirmation taken for "no reader": revoke()
 * kills, waits for the confirm callback (from here no NEW tryget_live
 * succeeds) and releases, without waiting for the references already
 * held to drain.  Readers inside keep using a released resource:
 * overtaken and poison.  The one change to "percpu-ref" above is the
 * missing wait for the drain; destroy() still waits for the ref's own
 * release before rb_pcpu_ref_exit(), so no freed memory is ever read.
 */
static void rev_pcpu_bug_nodrain_finish(struct revocable *rev)
{
	struct rev_pcpu *p = (struct rev_pcpu *)rev;

	rb_wait_for_completion(&p->confirmed);
	/* BUG (deliberate): no rb_wait_for_completion(&p->drained) */
	rev_base_release(&p->base);
}

static const struct rev_batch rev_pcpu_bug_nodrain_batch = {
	.stop = rev_pcpu_kill,
	.wait = rev_pcpu_confirm,
	.finish = rev_pcpu_bug_nodrain_finish,
};

REV_BATCH_REVOKE(rev_pcpu_bug_nodrain_revoke, &rev_pcpu_bug_nodrain_batch)

/* Every entry here: "percpu-ref" but its revoke path. */
#define REV_PCPU_BUG_OPS					\
	.family = "percpu-ref",					\
	.caps = REV_CAP_BROKEN | REV_CAP_SLEEP,			\
	.color = "#e377c2",					\
	REV_PCPU_OPS

const struct revocable_ops rev_ops_bug_percpu_nodrain = {
	.name = "bug-percpu-nodrain",
	.desc = "BROKEN on purpose: percpu_ref revoke that releases on the "
		"confirm, without waiting for held references",
	REV_PCPU_BUG_OPS,
	.revoke = rev_pcpu_bug_nodrain_revoke,
};

#ifdef RB_HAVE_PCPU_REF_NOGP
/*
 * bug-percpu-noconfirm: percpu_ref_kill() used where
 * percpu_ref_kill_and_confirm() is needed: the counters are folded
 * without the grace period after which every reader is known to see the
 * ref dead (rb_pcpu_ref_confirm_pending_nogp()).  A tryget_live that
 * loaded the mode before the kill still takes the percpu path and
 * increments its counter after the sum was taken: that reference is never
 * counted, the count drains to zero under it, and the release callback
 * runs while it holds access.  Userspace only (RB_HAVE_PCPU_REF_NOGP):
 * the kernel's percpu_ref API does not let a caller fold the counters
 * before the switch's grace period, and kill() followed by a wait for
 * the drain is correct there.
 */
/* BUG (deliberate): no grace period before the switch */
REV_BATCH_WAIT(rev_pcpu_bug_noconfirm_wait, rb_pcpu_ref_confirm_pending_nogp)

static const struct rev_batch rev_pcpu_bug_noconfirm_batch = {
	.stop = rev_pcpu_kill,
	.wait = rev_pcpu_bug_noconfirm_wait,
	.finish = rev_pcpu_finish,
};

REV_BATCH_REVOKE(rev_pcpu_bug_noconfirm_revoke, &rev_pcpu_bug_noconfirm_batch)

const struct revocable_ops rev_ops_bug_percpu_noconfirm = {
	.name = "bug-percpu-noconfirm",
	.desc = "BROKEN on purpose: percpu_ref killed without confirm (no GP "
		"before the switch)",
	REV_PCPU_BUG_OPS,
	.revoke = rev_pcpu_bug_noconfirm_revoke,
};
#endif /* RB_HAVE_PCPU_REF_NOGP */
#endif /* REVBENCH_BUGS */
