// SPDX-License-Identifier: GPL-2.0
/*
 * registry.c - the table of every primitive and variant, and the bug zoo
 * table, for both environments (compat.h only; the module compiles this
 * file unchanged).  rev_ops_all[] is table.h's rows, then the zoo's.
 * Workloads, the runner, the module and the tests iterate over
 * rev_ops_all[]; nothing switches on a primitive's name.  Deliberately
 * broken variants (the zoo, bugs.h) are linked into test builds only
 * (REVBENCH_BUGS), never into benchmarks.
 */
#include "revocable.h"
#include "bugs.h"
#include "table.h"

const struct revocable_ops *const rev_ops_all[] = {
#define REV_PRIM(ops, ...)	&ops,
#define REV_VARIANT(ops, name)	&ops,
#include "table.h"
	REV_BUG_PERF_LIST	/* correct and slow on purpose: only when named */
#ifdef REVBENCH_BUGS
	REV_BUG_OPS_LIST	/* deliberately broken: the tests must catch them */
#endif
};

const int rev_ops_count = ARRAY_SIZE(rev_ops_all);

static const struct revocable_ops *rev_find(const struct revocable_ops *const *t,
					    int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(t[i]->name, name))
			return t[i];
	return NULL;
}

const struct revocable_ops *rev_ops_find(const char *name)
{
	return rev_find(rev_ops_all, rev_ops_count, name);
}

#ifdef REVBENCH_BUGS
const struct revocable_ops *const rev_bug_zoo[] = {
	REV_BUG_ZOO_LIST
};
const int rev_bug_zoo_count = ARRAY_SIZE(rev_bug_zoo);
#else
const struct revocable_ops *const rev_bug_zoo[1] = { NULL };
const int rev_bug_zoo_count;
#endif

const struct revocable_ops *rev_bug_find(const char *name)
{
	return rev_find(rev_bug_zoo, rev_bug_zoo_count, name);
}

/* The allocation and base of every create() (revocable.h). */
struct revocable *rev_base_new(size_t size, void *res, rev_release_fn release,
			       void *arg, int (*init)(struct revocable *rev))
{
	struct revocable *rev = rb_zalloc(size);

	if (!rev)
		return NULL;
	rev_base_init(rev_base(rev), res, release, arg);
	if (init && init(rev)) {
		rb_free(rev);
		return NULL;
	}
	return rev;
}

/* destroy() of a revocable that is its struct alone (revocable.h). */
void rev_destroy_free(struct revocable *rev)
{
	rb_free(rev);
}

/* global_init() of every table entry that has one; undone on failure. */
int rev_ops_global_init(void)
{
	int i, ret;

	for (i = 0; i < rev_ops_count; i++) {
		if (!rev_ops_all[i]->global_init)
			continue;
		ret = rev_ops_all[i]->global_init();
		if (ret) {
			rb_pr_err("%s: global_init failed: %d\n",
				  rev_ops_all[i]->name, ret);
			while (--i >= 0)
				if (rev_ops_all[i]->global_exit)
					rev_ops_all[i]->global_exit();
			return ret;
		}
	}
	return 0;
}

void rev_ops_global_exit(void)
{
	int i;

	for (i = rev_ops_count - 1; i >= 0; i--)
		if (rev_ops_all[i]->global_exit)
			rev_ops_all[i]->global_exit();
}
