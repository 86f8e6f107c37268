// SPDX-License-Identifier: GPL-2.0
/*
 * percpu-ref - lib/percpu-refcount.c as a revocable (kernel only).
 *
 * try_access() is percpu_ref_tryget_live(): a per-CPU increment under
 * rcu_read_lock() while the ref is live; release() is percpu_ref_put().
 * Readers may sleep while they hold the reference.
 *
 * revoke() calls percpu_ref_kill_and_confirm(): the ref is marked dead at
 * once, and after an RCU grace period it is switched to atomic mode and
 * the confirm callback runs; only from then on is every
 * percpu_ref_tryget_live() guaranteed to fail (plain percpu_ref_kill()
 * gives no such point).  The provider's initial reference is dropped by
 * the kill; when the readers' references drain, the release callback
 * completes a completion.  revoke() waits for both, then calls release().
 * revoke_many() kills all n refs first, so their grace periods overlap.
 * Which revoke kills is a struct rev_once (revocable.h): a revoke that
 * overlaps the winner returns once it has drained and released, a later
 * one at once.
 *
 * Footprint: the wrapper, the separately allocated percpu_ref_data, and
 * the per-CPU counter (one unsigned long per possible CPU).
 */
#include <linux/completion.h>
#include <linux/percpu-refcount.h>

#include "revocable.h"
#include "kmod.h"

struct rev_pref {
	struct percpu_ref ref;
	void *res;
	rev_release_fn release;
	void *arg;
	struct rev_once once;		/* which revoke kills and waits */
	struct completion confirmed;	/* tryget_live fails from here on */
	struct completion drained;	/* count reached zero */
};

static void pref_drained(struct percpu_ref *ref)
{
	complete(&container_of(ref, struct rev_pref, ref)->drained);
}

static void pref_confirmed(struct percpu_ref *ref)
{
	complete(&container_of(ref, struct rev_pref, ref)->confirmed);
}

static struct revocable *pref_create(void *res, rev_release_fn release,
				     void *arg)
{
	struct rev_pref *r = kzalloc(sizeof(*r), GFP_KERNEL);

	if (!r)
		return NULL;
	if (percpu_ref_init(&r->ref, pref_drained, 0, GFP_KERNEL)) {
		kfree(r);
		return NULL;
	}
	r->res = res;
	r->release = release;
	r->arg = arg;
	init_completion(&r->confirmed);
	init_completion(&r->drained);
	return (struct revocable *)r;
}

static void pref_destroy(struct revocable *rev)
{
	struct rev_pref *r = (struct rev_pref *)rev;

	percpu_ref_exit(&r->ref);
	kfree(r);
}

static size_t pref_footprint(const struct revocable *rev)
{
	return sizeof(struct rev_pref) + sizeof(struct percpu_ref_data) +
	       sizeof(unsigned long) * nr_cpu_ids;
}

static void *pref_try_access(struct revocable *rev, struct rev_handle *h)
{
	struct rev_pref *r = (struct rev_pref *)rev;

	if (!percpu_ref_tryget_live(&r->ref))
		return NULL;
	return r->res;
}

static int pref_release(struct revocable *rev, struct rev_handle *h)
{
	percpu_ref_put(&((struct rev_pref *)rev)->ref);
	return 0;
}

/* True if this call won the claim and killed the ref. */
static bool pref_kill(struct rev_pref *r)
{
	if (!rev_once_try(&r->once))
		return false;
	percpu_ref_kill_and_confirm(&r->ref, pref_confirmed);
	return true;
}

static void pref_finish(struct rev_pref *r)
{
	wait_for_completion(&r->confirmed);
	wait_for_completion(&r->drained);
	r->release(r->res, r->arg);
	rev_once_done(&r->once);
}

static void pref_revoke(struct revocable *rev)
{
	struct rev_pref *r = (struct rev_pref *)rev;

	if (pref_kill(r))
		pref_finish(r);
	else
		rev_once_wait(&r->once);
}

static void pref_revoke_many(struct revocable **revs, int n)
{
	unsigned long *killed;
	int i;

	killed = bitmap_zalloc(n, GFP_KERNEL);
	if (!killed) {
		for (i = 0; i < n; i++)
			pref_revoke(revs[i]);
		return;
	}
	for (i = 0; i < n; i++)
		if (pref_kill((struct rev_pref *)revs[i]))
			__set_bit(i, killed);
	for_each_set_bit(i, killed, n)
		pref_finish((struct rev_pref *)revs[i]);
	/* Claimed by another call: after ours are done, so no cycle. */
	for_each_clear_bit(i, killed, n)
		rev_once_wait(&((struct rev_pref *)revs[i])->once);
	bitmap_free(killed);
}

const struct revocable_ops rev_ops_percpu_ref = {
	.name = "percpu-ref",
	.family = "percpu-ref",
	.desc = "percpu_ref_tryget_live/put; revoke = kill_and_confirm + wait for release",
	.caps = REV_CAP_SLEEP | REV_CAP_BOUNDED,
	.create = pref_create,
	.destroy = pref_destroy,
	.footprint = pref_footprint,
	.try_access = pref_try_access,
	.release = pref_release,
	.revoke = pref_revoke,
	.revoke_many = pref_revoke_many,
};
