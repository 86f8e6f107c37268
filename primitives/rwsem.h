/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rwsem.h - the rwsem primitives' fast path (primitives/rwsem.c): the
 * struct their readers touch and the inline try_access/release, which the
 * ops tables point at and the harness's read-section loops inline
 * (workloads/readsections.c: its try_access may block, down_read()).
 */
#ifndef REVBENCH_RWSEM_H
#define REVBENCH_RWSEM_H

#include "revocable.h"

struct rev_rwsem {
	struct rev_base base;
	bool revoked;		/* under sem: what readers test */
	rb_rwsem_t sem;
};

static inline void *rev_rwsem_try_access(struct revocable *rev,
					 struct rev_handle *h)
{
	struct rev_rwsem *r = (struct rev_rwsem *)rev;

	(void)h;
	rb_down_read(&r->sem);
	if (likely(!r->revoked))
		return r->base.res;
	rb_up_read(&r->sem);
	return NULL;
}

static inline int rev_rwsem_release(struct revocable *rev,
				    struct rev_handle *h)
{
	(void)h;
	rb_up_read(&((struct rev_rwsem *)rev)->sem);
	return 0;
}

extern const struct revocable_ops rev_ops_rwsem;
extern const struct revocable_ops rev_ops_rwsem_rpref;

#endif /* REVBENCH_RWSEM_H */
