/* SPDX-License-Identifier: GPL-2.0 */
/*
 * none.h - the none primitive's fast path (primitives/none.c): the struct
 * its readers load and its inline try_access/release, which the ops table
 * points at and the harness's read-section loops inline
 * (workloads/readsections.c).
 */
#ifndef REVBENCH_NONE_H
#define REVBENCH_NONE_H

#include "revocable.h"

struct rev_none {
	struct rev_base base;
	void *ptr;		/* what readers load; NULL once revoked */
};

static inline void *rev_none_try_access(struct revocable *rev,
					struct rev_handle *h)
{
	(void)h;
	return READ_ONCE(((struct rev_none *)rev)->ptr);
}

static inline int rev_none_release(struct revocable *rev,
				   struct rev_handle *h)
{
	(void)rev;
	(void)h;
	return 0;
}

extern const struct revocable_ops rev_ops_none;

#endif /* REVBENCH_NONE_H */
