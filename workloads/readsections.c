// SPDX-License-Identifier: GPL-2.0
/*
 * readsections.c - the read-section loops of every primitive, in one
 * harness file (refscale's shape: the loops live beside the table of
 * entries, the primitives know nothing of the benchmark).  Each
 * primitive's fast path is the static inline try_access/release (and
 * guard hooks, get/put) in its own header, primitives/<prim>.h; here
 * RB_WL_READSECTIONS*() (workload.h) instantiates rb_wl_loop_body() and
 * rb_wl_oc_body() once over those inlines, so the access compiles to
 * direct, inlined code, and rb_wl_rs_rows[] maps each ops entry to its
 * loops.  An entry without a row runs the generic loop (two indirect
 * calls per access), as the bug zoo does; tests/readsections.c checks
 * that every entry of rev_ops_all[] and rev_ref_all[] that is not
 * REV_CAP_BROKEN has a row, so no primitive falls to it unnoticed.
 * Compiled unchanged into the module (mk/kmod.mk: shared_readsections.c).
 */
#include "workload.h"
#include "none.h"
#include "refcount.h"
#include "rcu.h"
#include "srcu.h"
#include "srcu_fast.h"
#include "c_revocable.h"
#include "percpu_ref.h"
#include "rwsem.h"
#include "seqlock.h"
#include "hazptr.h"
#include "hazptr_pcpu.h"
#include "reference.h"

RB_WL_READSECTIONS(rev_none, rev_none_try_access, rev_none_release);
RB_WL_READSECTIONS(rev_ref, rev_ref_try_access, rev_ref_release);
RB_WL_READSECTIONS_GUARD(rev_rcu, rev_rcu_try_access, rev_rcu_release,
			 rev_rcu_guard_enter, rev_rcu_try_access_guarded,
			 rev_rcu_guard_exit);
RB_WL_READSECTIONS(rev_srcu, rev_srcu_try_access, rev_srcu_release);
RB_WL_READSECTIONS_GUARD(rev_srcu_shared, rev_srcu_try_access,
			 rev_srcu_release, rev_srcu_shared_guard_enter,
			 rev_srcu_try_access_guarded,
			 rev_srcu_shared_guard_exit);
RB_WL_READSECTIONS(rev_srcu_fast, rev_srcu_fast_try_access,
		   rev_srcu_fast_release);
RB_WL_READSECTIONS_GETPUT(rev_crev, rev_crev_try_access, rev_crev_release,
			  rev_crev_get, rev_crev_put);
RB_WL_READSECTIONS_GETPUT(rev_crev_sync, rev_crev_try_access,
			  rev_crev_release, rev_crev_sync_get,
			  rev_crev_sync_put);
RB_WL_READSECTIONS(rev_pcpu, rev_pcpu_try_access, rev_pcpu_release);
RB_WL_READSECTIONS_MAY_BLOCK(rev_rwsem, rev_rwsem_try_access,
			     rev_rwsem_release);
RB_WL_READSECTIONS(rev_seq, rev_seq_try_access, rev_seq_release);
RB_WL_READSECTIONS(rev_hazptr_mb, rev_hazptr_mb_try_access,
		   rev_hazptr_release);
RB_WL_READSECTIONS(rev_hazptr_asym, rev_hazptr_asym_try_access,
		   rev_hazptr_release);
RB_WL_READSECTIONS(rev_hzp, rev_hzp_acquire, rev_hzp_release);
RB_WL_READSECTIONS(rev_peer_bare, rev_peer_bare_try, rev_peer_bare_put);
RB_WL_READSECTIONS(rev_peer_refcnt, rev_peer_refcnt_try,
		   rev_peer_refcnt_put);
RB_WL_READSECTIONS(rev_peer_fence, rev_peer_fence_try, rev_peer_fence_put);
#ifdef RB_HAVE_LIBURCU
RB_WL_READSECTIONS(rev_peer_urcu, rev_peer_urcu_try, rev_peer_urcu_put);
#endif
#ifdef RB_HAVE_PTHREAD_RWLOCK
RB_WL_READSECTIONS_MAY_BLOCK(rev_peer_rwlock, rev_peer_rwlock_try,
			     rev_peer_rwlock_put);
#endif

struct rb_wl_rs_row {
	const struct revocable_ops *ops;
	const struct rb_wl_readsection *rs;
};

/* Variants that share a read side share its loops. */
static const struct rb_wl_rs_row rb_wl_rs_rows[] = {
	{ &rev_ops_none, &rev_none_rs },
	{ &rev_ops_refcount, &rev_ref_rs },
	{ &rev_ops_rcu, &rev_rcu_rs },
#ifdef RB_HAVE_RCU_EXPEDITED
	{ &rev_ops_rcu_exp, &rev_rcu_rs },
#endif
	{ &rev_ops_rcu_deferred, &rev_rcu_rs },
	{ &rev_ops_srcu, &rev_srcu_rs },
#ifdef RB_HAVE_SRCU_EXPEDITED
	{ &rev_ops_srcu_exp, &rev_srcu_rs },
#endif
	{ &rev_ops_srcu_shared, &rev_srcu_shared_rs },
	{ &rev_ops_srcu_fast, &rev_srcu_fast_rs },
	{ &rev_ops_c_revocable, &rev_crev_rs },
	{ &rev_ops_bug_crev_sync_alloc, &rev_crev_sync_rs },
	{ &rev_ops_percpu_ref, &rev_pcpu_rs },
	{ &rev_ops_rwsem, &rev_rwsem_rs },
#ifdef RB_HAVE_RWSEM_RPREF
	{ &rev_ops_rwsem_rpref, &rev_rwsem_rs },
#endif
	{ &rev_ops_seqlock, &rev_seq_rs },
#ifdef REVBENCH_BUGS
	/* broken only in its caps: the real seqlock read side */
	{ &rev_ops_bug_seqlock_typeunsafe, &rev_seq_rs },
#endif
	{ &rev_ops_hazptr, &rev_hazptr_mb_rs },
	{ &rev_ops_hazptr_asym, &rev_hazptr_asym_rs },
	{ &rev_ops_hazptr_pcpu, &rev_hzp_rs },
	/* rev_ref_all[] (reference.c) */
	{ &rev_peer_bare, &rev_peer_bare_rs },
#ifdef RB_HAVE_LIBURCU
	{ &rev_peer_urcu, &rev_peer_urcu_rs },
#endif
#ifdef RB_HAVE_PTHREAD_RWLOCK
	{ &rev_peer_rwlock, &rev_peer_rwlock_rs },
#endif
	{ &rev_peer_refcnt, &rev_peer_refcnt_rs },
	{ &rev_peer_fence, &rev_peer_fence_rs },
};

const struct rb_wl_readsection *
rb_wl_readsection_find(const struct revocable_ops *ops)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rb_wl_rs_rows); i++)
		if (rb_wl_rs_rows[i].ops == ops)
			return rb_wl_rs_rows[i].rs;
	return NULL;
}
