/* SPDX-License-Identifier: GPL-2.0 */
/*
 * refcount.h - the refcount primitive's fast path (primitives/refcount.c):
 * the struct its readers touch and its inline try_access/release, which
 * the ops table points at and the harness's read-section loops inline
 * (workloads/readsections.c).
 */
#ifndef REVBENCH_REFCOUNT_H
#define REVBENCH_REFCOUNT_H

#include "revocable.h"

struct rev_ref {
	struct rev_base base;
	rb_ref_t ref;		/* on a cache line of its own */
};

static inline void *rev_ref_try_access(struct revocable *rev,
				       struct rev_handle *h)
{
	struct rev_ref *r = (struct rev_ref *)rev;

	(void)h;
	if (!rb_ref_tryget(&r->ref))
		return NULL;
	return r->base.res;
}

static inline int rev_ref_release(struct revocable *rev,
				  struct rev_handle *h)
{
	(void)h;
	rb_ref_put(&((struct rev_ref *)rev)->ref);
	return 0;
}

extern const struct revocable_ops rev_ops_refcount;

#endif /* REVBENCH_REFCOUNT_H */
