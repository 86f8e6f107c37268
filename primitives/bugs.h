/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bug zoo: deliberately broken variants that exist to prove the tests
 * have teeth.  Every one carries REV_CAP_BROKEN.  Compiled into test builds
 * only (-DREVBENCH_BUGS); benchmark builds never link them.
 */
#ifndef REVBENCH_BUGS_H
#define REVBENCH_BUGS_H

#include "revocable.h"

/* refcount whose revoke releases at once, without waiting for readers. */
extern const struct revocable_ops rev_ops_bug_nowait;

#define REV_BUG_OPS_LIST	\
	&rev_ops_bug_nowait,

#endif /* REVBENCH_BUGS_H */
