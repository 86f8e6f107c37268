/* SPDX-License-Identifier: GPL-2.0 */
/*
 * percpu_ref.h - the percpu_ref primitive's fast path
 * (primitives/percpu_ref.c): the struct its readers touch and its inline
 * try_access/release, which the ops table points at and the harness's
 * read-section loops inline (workloads/readsections.c).
 */
#ifndef REVBENCH_PERCPU_REF_H
#define REVBENCH_PERCPU_REF_H

#include "revocable.h"

/* ref last: userspace's is cache-line aligned, the rest fits before it. */
struct rev_pcpu {
	struct rev_base base;
	int killed;			/* the rev_once winner killed it */
	struct rb_completion confirmed;	/* tryget_live fails from here on */
	struct rb_completion drained;	/* count reached zero */
	struct rb_pcpu_ref ref;
};

static inline void *rev_pcpu_try_access(struct revocable *rev,
					struct rev_handle *h)
{
	struct rev_pcpu *p = (struct rev_pcpu *)rev;

	(void)h;
	if (!rb_pcpu_ref_tryget_live(&p->ref))
		return NULL;
	return p->base.res;
}

static inline int rev_pcpu_release(struct revocable *rev,
				   struct rev_handle *h)
{
	(void)h;
	rb_pcpu_ref_put(&((struct rev_pcpu *)rev)->ref);
	return 0;
}

extern const struct revocable_ops rev_ops_percpu_ref;

#endif /* REVBENCH_PERCPU_REF_H */
