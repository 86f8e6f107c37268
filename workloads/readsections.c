// SPDX-License-Identifier: GPL-2.0
/*
 * readsections.c - the read-section loops of every primitive, in one
 * harness file (refscale's shape: the loops live beside the table of
 * entries, the primitives know nothing of the benchmark).  Each
 * primitive's fast path is the static inline try_access/release (and
 * guard hooks, get/put) in its own header, primitives/<prim>.h, and
 * its row in primitives/table.h names them; here RB_WL_READSECTIONS*()
 * (workload.h) instantiates rb_wl_loop_body() and rb_wl_oc_body() once
 * per row over those inlines, so the access compiles to direct, inlined
 * code, and rb_wl_rs_rows[] maps each ops entry to its loops.  An entry
 * without a row runs the generic loop (two indirect calls per access),
 * as the bug zoo does; tests/readsections.c checks that every entry of
 * rev_ops_all[] and rev_ref_all[] that is not REV_CAP_BROKEN has a row,
 * so no primitive falls to it unnoticed.
 * Compiled unchanged into the module (mk/kmod.mk: shared_readsections.c).
 */
#include "workload.h"
#include "table.h"
#include "reference.h"

/* Each primitive's loops, from its row of table.h. */
#define RB_WL_READSECTIONS_PLAIN	RB_WL_READSECTIONS
#define REV_PRIM(ops, name, kind, ...)				\
	RB_WL_READSECTIONS_##kind(name, __VA_ARGS__);
#define REV_VARIANT(ops, name)
#include "table.h"

/*
 * c-revocable's allocating variant (bugs.h: correct and slow on purpose)
 * has its own get/put; validate's peers are reference.h's.
 */
RB_WL_READSECTIONS_GETPUT(rev_crev_sync, rev_crev_try_access,
			  rev_crev_release, rev_crev_sync_get,
			  rev_crev_sync_put);
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

/* Variants that share a read side share its loops (table.h). */
static const struct rb_wl_rs_row rb_wl_rs_rows[] = {
#define REV_PRIM(ops, name, ...)	{ &ops, &name##_rs },
#define REV_VARIANT(ops, name)		{ &ops, &name##_rs },
#include "table.h"
	{ &rev_ops_bug_crev_sync_alloc, &rev_crev_sync_rs },
#ifdef REVBENCH_BUGS
	/* broken only in its caps: the real seqlock read side */
	{ &rev_ops_bug_seqlock_typeunsafe, &rev_seq_rs },
#endif
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
