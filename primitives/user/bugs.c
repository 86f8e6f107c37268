// SPDX-License-Identifier: GPL-2.0
/*
 * The userspace bug-zoo table (see bugs.h): every deliberately broken
 * variant, for "revbench torture --bug NAME" and "--list-bugs".  The
 * variants themselves live in primitives/bugs.c (kernel-portable ones) and
 * next to the primitive whose internals they need.  Built into test builds
 * only (-DREVBENCH_BUGS).
 */
#include "../revocable.h"
#include "../bugs.h"

#ifdef REVBENCH_BUGS

const struct revocable_ops *const rev_bug_zoo[] = {
	REV_BUG_ZOO_LIST
};

const int rev_bug_zoo_count = ARRAY_SIZE(rev_bug_zoo);

#else /* !REVBENCH_BUGS: no zoo in this build */

const struct revocable_ops *const rev_bug_zoo[1] = { NULL };
const int rev_bug_zoo_count;

#endif /* REVBENCH_BUGS */

const struct revocable_ops *rev_bug_find(const char *name)
{
	int i;

	for (i = 0; i < rev_bug_zoo_count; i++)
		if (!strcmp(rev_bug_zoo[i]->name, name))
			return rev_bug_zoo[i];
	return NULL;
}
