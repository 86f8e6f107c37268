/* SPDX-License-Identifier: GPL-2.0 */
/*
 * table.h - every primitive and variant, a row each, in rev_ops_all[]'s
 * order: the one list a new primitive joins.  The shape of the kernel's
 * include/linux/cgroup_subsys.h: the rows are macro calls, and a file
 * that needs the list defines what a row means and includes this file
 * where the rows go, once per meaning:
 *
 *   REV_PRIM(ops, name, kind, try, release[, ...])
 *	the ops entry of a primitive (its header declares it), and the read
 *	side its benchmark loops inline: the header's static inline pair and,
 *	by kind, nothing more (PLAIN), a try that may block (MAY_BLOCK), the
 *	primitive's own get/put (GETPUT), or the guard hooks genter, gtry,
 *	gexit (GUARD); name names the loops;
 *   REV_VARIANT(ops, name)
 *	a variant whose read side is the named primitive's: it shares those
 *	loops.
 *
 * registry.c makes rev_ops_all[] of it, workloads/readsections.c the
 * loops and the table that maps each entry to them.  Both macros are
 * undefined at the end, so each pass defines its own.  The first
 * inclusion, at file scope and with no REV_PRIM defined, only includes
 * the primitives' headers; later ones, inside an initializer, find them
 * included already.  A variant that exists in one environment only is
 * listed under the RB_HAVE_* macro (compat.h) that says why.  The bug zoo
 * and validate's peers are not primitives: bugs.h and reference.c list
 * them.
 */
#if defined(REV_PRIM) && !defined(REVBENCH_TABLE_H)
#error "include table.h once at file scope before a pass that defines REV_PRIM"
#endif
#ifndef REVBENCH_TABLE_H
#define REVBENCH_TABLE_H
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
#endif /* REVBENCH_TABLE_H */

#ifdef REV_PRIM
REV_PRIM(rev_ops_none, rev_none, PLAIN, rev_none_try_access,
	 rev_none_release)
REV_PRIM(rev_ops_refcount, rev_ref, PLAIN, rev_ref_try_access,
	 rev_ref_release)
REV_PRIM(rev_ops_rcu, rev_rcu, GUARD, rev_rcu_try_access, rev_rcu_release,
	 rev_rcu_guard_enter, rev_rcu_try_access_guarded, rev_rcu_guard_exit)
#ifdef RB_HAVE_RCU_EXPEDITED
REV_VARIANT(rev_ops_rcu_exp, rev_rcu)
#endif
REV_VARIANT(rev_ops_rcu_deferred, rev_rcu)
REV_PRIM(rev_ops_srcu, rev_srcu, PLAIN, rev_srcu_try_access,
	 rev_srcu_release)
#ifdef RB_HAVE_SRCU_EXPEDITED
REV_VARIANT(rev_ops_srcu_exp, rev_srcu)
#endif
REV_PRIM(rev_ops_srcu_shared, rev_srcu_shared, GUARD, rev_srcu_try_access,
	 rev_srcu_release, rev_srcu_shared_guard_enter,
	 rev_srcu_try_access_guarded, rev_srcu_shared_guard_exit)
REV_PRIM(rev_ops_srcu_fast, rev_srcu_fast, PLAIN, rev_srcu_fast_try_access,
	 rev_srcu_fast_release)
REV_PRIM(rev_ops_c_revocable, rev_crev, GETPUT, rev_crev_try_access,
	 rev_crev_release, rev_crev_get, rev_crev_put)
REV_PRIM(rev_ops_percpu_ref, rev_pcpu, PLAIN, rev_pcpu_try_access,
	 rev_pcpu_release)
REV_PRIM(rev_ops_rwsem, rev_rwsem, MAY_BLOCK, rev_rwsem_try_access,
	 rev_rwsem_release)
#ifdef RB_HAVE_RWSEM_RPREF
REV_VARIANT(rev_ops_rwsem_rpref, rev_rwsem)
#endif
REV_PRIM(rev_ops_seqlock, rev_seq, PLAIN, rev_seq_try_access,
	 rev_seq_release)
REV_PRIM(rev_ops_hazptr, rev_hazptr_mb, PLAIN, rev_hazptr_mb_try_access,
	 rev_hazptr_release)
REV_PRIM(rev_ops_hazptr_asym, rev_hazptr_asym, PLAIN,
	 rev_hazptr_asym_try_access, rev_hazptr_release)
REV_PRIM(rev_ops_hazptr_pcpu, rev_hzp, PLAIN, rev_hzp_acquire,
	 rev_hzp_release)
#endif /* REV_PRIM */
#undef REV_PRIM
#undef REV_VARIANT
