/* SPDX-License-Identifier: GPL-2.0 */
/*
 * srcu_fast.h - the srcu-fast primitive's fast path (primitives/srcu_fast.c):
 * the struct its readers touch and its inline try_access/release, which
 * the ops table points at and the harness's read-section loops inline
 * (workloads/readsections.c).
 */
#ifndef REVBENCH_SRCU_FAST_H
#define REVBENCH_SRCU_FAST_H

#include "revocable.h"

struct rev_srcu_fast {
	struct rev_base base;
	int available;			/* cleared by revoke() */
	struct rb_srcu_fast_struct own;
};

static inline void *rev_srcu_fast_try_access(struct revocable *rev,
					     struct rev_handle *h)
{
	struct rev_srcu_fast *r = (struct rev_srcu_fast *)rev;
	rb_srcu_fast_cookie_t scp = rb_srcu_fast_read_lock(&r->own);

	if (unlikely(!READ_ONCE(r->available))) {
		rb_srcu_fast_read_unlock(&r->own, scp);
		return NULL;
	}
	h->slot = (void *)scp;
	return r->base.res;
}

static inline int rev_srcu_fast_release(struct revocable *rev,
					struct rev_handle *h)
{
	struct rev_srcu_fast *r = (struct rev_srcu_fast *)rev;

	rb_srcu_fast_read_unlock(&r->own, (rb_srcu_fast_cookie_t)h->slot);
	return 0;
}

extern const struct revocable_ops rev_ops_srcu_fast;

#endif /* REVBENCH_SRCU_FAST_H */
