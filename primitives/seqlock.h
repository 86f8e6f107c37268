/* SPDX-License-Identifier: GPL-2.0 */
/*
 * seqlock.h - the seqlock primitive's fast path (primitives/seqlock.c):
 * the struct its readers speculate on and its inline try_access/release,
 * which the ops table points at and the harness's read-section loops
 * inline (workloads/readsections.c).
 */
#ifndef REVBENCH_SEQLOCK_H
#define REVBENCH_SEQLOCK_H

#include "revocable.h"

struct rev_seq {
	struct rev_base base;
	int revoked;		/* written under the lock, read speculatively */
	rb_seq_t lock;
};

static inline void *rev_seq_try_access(struct revocable *rev,
				       struct rev_handle *h)
{
	struct rev_seq *r = (struct rev_seq *)rev;

	h->seq = rb_read_seqbegin(&r->lock);
	if (unlikely(READ_ONCE(r->revoked)))
		return NULL;
	return READ_ONCE(r->base.res);
}

static inline int rev_seq_release(struct revocable *rev,
				  struct rev_handle *h)
{
	struct rev_seq *r = (struct rev_seq *)rev;

	return rb_read_seqretry(&r->lock, h->seq) ? -EAGAIN : 0;
}

extern const struct revocable_ops rev_ops_seqlock;
#ifdef REVBENCH_BUGS
extern const struct revocable_ops rev_ops_bug_seqlock_typeunsafe;
#endif

#endif /* REVBENCH_SEQLOCK_H */
