// SPDX-License-Identifier: GPL-2.0
/*
 * The userspace table of every primitive and variant.  Workloads, the
 * runner and the tests iterate over rev_ops_all[]; nothing switches on a
 * primitive's name.  Deliberately broken variants (the bug zoo) are linked
 * into test builds only (REVBENCH_BUGS), never into benchmarks.
 */
#include "revocable.h"

extern const struct revocable_ops rev_ops_none;
extern const struct revocable_ops rev_ops_refcount;
extern const struct revocable_ops rev_ops_rcu;
extern const struct revocable_ops rev_ops_rcu_deferred;
extern const struct revocable_ops rev_ops_srcu;
extern const struct revocable_ops rev_ops_percpu_ref;
extern const struct revocable_ops rev_ops_rwsem;
extern const struct revocable_ops rev_ops_rwsem_wpref;
extern const struct revocable_ops rev_ops_seqlock;
extern const struct revocable_ops rev_ops_hazptr;
extern const struct revocable_ops rev_ops_hazptr_asym;
#ifdef REVBENCH_BUGS
#include "bugs.h"
#endif

const struct revocable_ops *const rev_ops_all[] = {
	&rev_ops_none,
	&rev_ops_refcount,
	&rev_ops_rcu,
	&rev_ops_rcu_deferred,
	&rev_ops_srcu,
	&rev_ops_percpu_ref,
	&rev_ops_rwsem,
	&rev_ops_rwsem_wpref,
	&rev_ops_seqlock,
	&rev_ops_hazptr,
	&rev_ops_hazptr_asym,
#ifdef REVBENCH_BUGS
	REV_BUG_OPS_LIST
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
