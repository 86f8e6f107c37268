// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel module's table of every primitive and variant.  Tests and
 * benchmarks iterate over rev_ops_all[] and never switch on a name.  The
 * names match the userspace table (primitives/registry.c) where the
 * primitive exists in both; rcu-exp, srcu-exp and srcu-shared are
 * kernel-only, while rwsem-wpref and hazptr-asym are userspace-only.
 * Test builds (make kmod KMOD_BUGS=1) append the bug zoo entries that the
 * contract and stress tests must catch on every run.
 */
#include "revocable.h"
#include "kmod.h"
#ifdef REVBENCH_BUGS
#include "bugs.h"
#endif

const struct revocable_ops *const rev_ops_all[] = {
	&rev_ops_none,
	&rev_ops_refcount,
	&rev_ops_rcu,
	&rev_ops_rcu_deferred,
	&rev_ops_rcu_exp,
	&rev_ops_srcu,
	&rev_ops_srcu_exp,
	&rev_ops_srcu_shared,
	&rev_ops_percpu_ref,
	&rev_ops_rwsem,
	&rev_ops_seqlock,
	&rev_ops_hazptr,
#ifdef REVBENCH_BUGS
	REV_BUG_OPS_LIST	/* deliberately broken: the tests must catch them */
#endif
};

const int rev_ops_count = ARRAY_SIZE(rev_ops_all);

const struct revocable_ops *rev_ops_find(const char *name)
{
	int i;

	for (i = 0; i < rev_ops_count; i++)
		if (!strcmp(rev_ops_all[i]->name, name))
			return rev_ops_all[i];
	return NULL;
}

/* global_init() of every table that has one; undone on failure. */
int rbk_registry_init(void)
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

void rbk_registry_exit(void)
{
	int i;

	for (i = rev_ops_count - 1; i >= 0; i--)
		if (rev_ops_all[i]->global_exit)
			rev_ops_all[i]->global_exit();
}
