// SPDX-License-Identifier: GPL-2.0
/*
 * srcu - sleepable RCU, the C revocable design (kernel only).
 *
 *   srcu         one srcu_struct per revocable (the C "revocable provider"
 *                owns its own domain): init_srcu_struct() in create(),
 *                cleanup_srcu_struct() in destroy(), revoke = clear the
 *                pointer + synchronize_srcu() + release()
 *   srcu-exp     the same with synchronize_srcu_expedited()
 *   srcu-shared  one domain for every revocable of the module (created by
 *                global_init()), which lets revoke_many() clear n pointers
 *                and wait for a single grace period
 *
 * try_access() does srcu_read_lock() and keeps the returned index in the
 * caller's handle, which is per access and never shared (sharing it is the
 * bug that hung the C series).  Readers may sleep.
 *
 * Which revoke does the work is a struct rev_once (revocable.h): a revoke
 * that overlaps the winner returns once it has released, a later one at
 * once.  The pointer stays what readers test.
 *
 * Footprint: the wrapper plus, for the per-object variants, the whole
 * domain (rb_srcu_footprint(): srcu_struct + per-CPU srcu_data for every
 * possible CPU + srcu_usage + node tree if grown).  srcu-shared reports the
 * wrapper only: its one domain is a fixed per-module cost, not per object.
 */
#include <linux/srcu.h>

#include "revocable.h"
#include "kmod.h"

struct rev_srcu {
	void __rcu *res;
	void *res_saved;
	rev_release_fn release;
	void *arg;
	struct rev_once once;		/* which revoke does the work */
	struct srcu_struct *ssp;	/* &own, or the shared domain */
};

/* srcu, srcu-exp: the domain lives with the object. */
struct rev_srcu_own {
	struct rev_srcu base;
	struct srcu_struct own;
};

static struct srcu_struct *rsrcu_shared_domain;

static struct rev_srcu *rsrcu_alloc(size_t size, void *res,
				   rev_release_fn release, void *arg)
{
	struct rev_srcu *r = kzalloc(size, GFP_KERNEL);

	if (!r)
		return NULL;
	RCU_INIT_POINTER(r->res, res);
	r->res_saved = res;
	r->release = release;
	r->arg = arg;
	return r;
}

static struct revocable *rsrcu_create(void *res, rev_release_fn release,
				     void *arg)
{
	struct rev_srcu_own *o;
	struct rev_srcu *r;

	r = rsrcu_alloc(sizeof(*o), res, release, arg);
	if (!r)
		return NULL;
	o = container_of(r, struct rev_srcu_own, base);
	if (init_srcu_struct(&o->own)) {
		kfree(o);
		return NULL;
	}
	r->ssp = &o->own;
	return (struct revocable *)r;
}

static void rsrcu_destroy(struct revocable *rev)
{
	struct rev_srcu_own *o = container_of((struct rev_srcu *)rev,
					      struct rev_srcu_own, base);

	cleanup_srcu_struct(&o->own);
	kfree(o);
}

static size_t rsrcu_footprint(const struct revocable *rev)
{
	const struct rev_srcu_own *o =
		container_of((const struct rev_srcu *)rev,
			     struct rev_srcu_own, base);

	/* rb_srcu_footprint() counts the embedded srcu_struct itself. */
	return sizeof(o->base) + rb_srcu_footprint(&o->own);
}

static void *rsrcu_try_access(struct revocable *rev, struct rev_handle *h)
{
	struct rev_srcu *r = (struct rev_srcu *)rev;
	void *p;
	int idx;

	idx = srcu_read_lock(r->ssp);
	p = srcu_dereference(r->res, r->ssp);
	if (!p) {
		srcu_read_unlock(r->ssp, idx);
		return NULL;
	}
	h->seq = idx;
	return p;
}

static int rsrcu_release(struct revocable *rev, struct rev_handle *h)
{
	struct rev_srcu *r = (struct rev_srcu *)rev;

	srcu_read_unlock(r->ssp, (int)h->seq);
	return 0;
}

/* Claim the revoke; if this call won, clear the pointer readers test. */
static bool rsrcu_claim(struct rev_srcu *r)
{
	if (!rev_once_try(&r->once))
		return false;
	RCU_INIT_POINTER(r->res, NULL);	/* ordered by the grace period */
	return true;
}

static void rsrcu_revoke_common(struct revocable *rev,
				void (*sync)(struct srcu_struct *))
{
	struct rev_srcu *r = (struct rev_srcu *)rev;

	if (!rsrcu_claim(r)) {
		rev_once_wait(&r->once);
		return;
	}
	sync(r->ssp);
	r->release(r->res_saved, r->arg);
	rev_once_done(&r->once);
}

static void rsrcu_revoke(struct revocable *rev)
{
	rsrcu_revoke_common(rev, synchronize_srcu);
}

static void rsrcu_exp_revoke(struct revocable *rev)
{
	rsrcu_revoke_common(rev, synchronize_srcu_expedited);
}

/* srcu-shared */

static int rsrcu_shared_init(void)
{
	struct srcu_struct *ssp = kzalloc(sizeof(*ssp), GFP_KERNEL);

	if (!ssp)
		return -ENOMEM;
	if (init_srcu_struct(ssp)) {
		kfree(ssp);
		return -ENOMEM;
	}
	rsrcu_shared_domain = ssp;
	return 0;
}

static void rsrcu_shared_exit(void)
{
	if (!rsrcu_shared_domain)
		return;
	cleanup_srcu_struct(rsrcu_shared_domain);
	kfree(rsrcu_shared_domain);
	rsrcu_shared_domain = NULL;
}

static struct revocable *rsrcu_shared_create(void *res, rev_release_fn release,
					    void *arg)
{
	struct rev_srcu *r;

	if (WARN_ON_ONCE(!rsrcu_shared_domain))
		return NULL;
	r = rsrcu_alloc(sizeof(*r), res, release, arg);
	if (!r)
		return NULL;
	r->ssp = rsrcu_shared_domain;
	return (struct revocable *)r;
}

static void rsrcu_shared_destroy(struct revocable *rev)
{
	kfree(rev);
}

static size_t rsrcu_shared_footprint(const struct revocable *rev)
{
	return sizeof(struct rev_srcu);
}

static void rsrcu_shared_revoke_many(struct revocable **revs, int n)
{
	unsigned long *cleared;
	int i;

	cleared = bitmap_zalloc(n, GFP_KERNEL);
	if (!cleared) {
		for (i = 0; i < n; i++)
			rsrcu_revoke(revs[i]);
		return;
	}
	for (i = 0; i < n; i++)
		if (rsrcu_claim((struct rev_srcu *)revs[i]))
			__set_bit(i, cleared);
	if (!bitmap_empty(cleared, n))
		synchronize_srcu(rsrcu_shared_domain);
	for_each_set_bit(i, cleared, n) {
		struct rev_srcu *r = (struct rev_srcu *)revs[i];

		r->release(r->res_saved, r->arg);
		rev_once_done(&r->once);
	}
	/* Claimed by another call: after ours are done, so no cycle. */
	for_each_clear_bit(i, cleared, n)
		rev_once_wait(&((struct rev_srcu *)revs[i])->once);
	bitmap_free(cleared);
}

const struct revocable_ops rev_ops_srcu = {
	.name = "srcu",
	.family = "srcu",
	.desc = "one srcu_struct per revocable; revoke = synchronize_srcu (C revocable)",
	.caps = REV_CAP_SLEEP | REV_CAP_BOUNDED,
	.create = rsrcu_create,
	.destroy = rsrcu_destroy,
	.footprint = rsrcu_footprint,
	.try_access = rsrcu_try_access,
	.release = rsrcu_release,
	.revoke = rsrcu_revoke,
};

const struct revocable_ops rev_ops_srcu_exp = {
	.name = "srcu-exp",
	.family = "srcu",
	.desc = "one srcu_struct per revocable; revoke = synchronize_srcu_expedited",
	.caps = REV_CAP_SLEEP | REV_CAP_BOUNDED | REV_CAP_EXPEDITED,
	.create = rsrcu_create,
	.destroy = rsrcu_destroy,
	.footprint = rsrcu_footprint,
	.try_access = rsrcu_try_access,
	.release = rsrcu_release,
	.revoke = rsrcu_exp_revoke,
};

const struct revocable_ops rev_ops_srcu_shared = {
	.name = "srcu-shared",
	.family = "srcu",
	.desc = "one srcu_struct for all revocables; revoke_many = one synchronize_srcu",
	.caps = REV_CAP_SLEEP,
	.global_init = rsrcu_shared_init,
	.global_exit = rsrcu_shared_exit,
	.create = rsrcu_shared_create,
	.destroy = rsrcu_shared_destroy,
	.footprint = rsrcu_shared_footprint,
	.try_access = rsrcu_try_access,
	.release = rsrcu_release,
	.revoke = rsrcu_revoke,
	.revoke_many = rsrcu_shared_revoke_many,
};
