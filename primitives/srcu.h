/* SPDX-License-Identifier: GPL-2.0 */
/*
 * srcu.h - the srcu primitives' fast path (primitives/srcu.c): the struct
 * their readers touch, the inline try_access/release, and srcu-shared's
 * shared-guard hooks over its one domain, which the ops tables point at
 * and the harness's read-section loops inline (workloads/readsections.c).
 */
#ifndef REVBENCH_SRCU_H
#define REVBENCH_SRCU_H

#include "revocable.h"

struct rev_srcu {
	struct rev_base base;
	int available;			/* cleared by revoke() */
	struct rb_srcu_struct *ssp;	/* &own, or the shared domain */
#ifdef REVBENCH_BUGS
	int bug_shared_idx;		/* bug-srcu-shared-handle only */
	atomic_long_t bug_tally[2][2];	/* its locks/unlocks, to unwedge */
#endif
};

/* srcu-shared's one domain, set up by its global_init() (srcu.c). */
extern struct rb_srcu_struct *rev_srcu_shared;

static inline void *rev_srcu_try_access(struct revocable *rev,
					struct rev_handle *h)
{
	struct rev_srcu *r = (struct rev_srcu *)rev;
	int idx = rb_srcu_read_lock(r->ssp);

	if (unlikely(!READ_ONCE(r->available))) {
		rb_srcu_read_unlock(r->ssp, idx);
		return NULL;
	}
	h->seq = idx;
	return r->base.res;
}

static inline int rev_srcu_release(struct revocable *rev,
				   struct rev_handle *h)
{
	rb_srcu_read_unlock(((struct rev_srcu *)rev)->ssp, (int)h->seq);
	return 0;
}

/*
 * srcu-shared's shared guard (REV_CAP_GUARD, revocable.h): every
 * revocable is read in the one domain, so one srcu_read_lock() on it
 * covers accesses to several, each a flag check (the flag load follows
 * the lock's barrier, as in try_access()).
 */
static inline void rev_srcu_shared_guard_enter(struct rev_handle *g)
{
	g->seq = rb_srcu_read_lock(rev_srcu_shared);
}

static inline void *rev_srcu_try_access_guarded(struct revocable *rev,
						struct rev_handle *g)
{
	struct rev_srcu *r = (struct rev_srcu *)rev;

	(void)g;
	return likely(READ_ONCE(r->available)) ? r->base.res : NULL;
}

static inline void rev_srcu_shared_guard_exit(struct rev_handle *g)
{
	rb_srcu_read_unlock(rev_srcu_shared, (int)g->seq);
}

extern const struct revocable_ops rev_ops_srcu;
extern const struct revocable_ops rev_ops_srcu_exp;
extern const struct revocable_ops rev_ops_srcu_shared;

#endif /* REVBENCH_SRCU_H */
