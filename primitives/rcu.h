/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rcu.h - the rcu primitives' fast path (primitives/rcu.c): the struct
 * their readers test and the inline try_access/release and shared-guard
 * hooks, which the ops tables point at and the harness's read-section
 * loops inline (workloads/readsections.c).
 */
#ifndef REVBENCH_RCU_H
#define REVBENCH_RCU_H

#include "revocable.h"

struct rev_rcu {
	struct rev_base base;
	int is_available;	/* 1 until the first revoke clears it */
	struct rb_rcu_head rcu;	/* rcu-deferred: the queued release */
};

static inline void *rev_rcu_try_access(struct revocable *rev,
				       struct rev_handle *h)
{
	struct rev_rcu *r = (struct rev_rcu *)rev;

	(void)h;
	rb_rcu_read_lock();
	if (likely(READ_ONCE(r->is_available)))
		return r->base.res;
	rb_rcu_read_unlock();
	return NULL;
}

static inline int rev_rcu_release(struct revocable *rev, struct rev_handle *h)
{
	(void)h;
	rb_tsan_release(rev);	/* the edge the grace period provides */
	rb_rcu_read_unlock();
	return 0;
}

/*
 * The shared guard (rcu.c).  TSan: the guard ends accesses to revocables
 * it does not know, so its edge to the revokers is one object for all
 * (rev_rcu_guard_sync, defined in rcu.c), which every revoke acquires
 * after its grace period, as a grace period orders every reader before it.
 */
extern char rev_rcu_guard_sync;

static inline void rev_rcu_guard_enter(struct rev_handle *g)
{
	(void)g;
	rb_rcu_read_lock();
}

static inline void *rev_rcu_try_access_guarded(struct revocable *rev,
					       struct rev_handle *g)
{
	struct rev_rcu *r = (struct rev_rcu *)rev;

	(void)g;
	return likely(READ_ONCE(r->is_available)) ? r->base.res : NULL;
}

static inline void rev_rcu_guard_exit(struct rev_handle *g)
{
	(void)g;
	rb_tsan_release(&rev_rcu_guard_sync);
	rb_rcu_read_unlock();
}

extern const struct revocable_ops rev_ops_rcu;
extern const struct revocable_ops rev_ops_rcu_exp;
extern const struct revocable_ops rev_ops_rcu_deferred;

#endif /* REVBENCH_RCU_H */
