/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bug zoo: deliberately broken variants that exist to prove the tests
 * have teeth.  Every one carries REV_CAP_BROKEN.  Compiled into test builds
 * only (-DREVBENCH_BUGS); benchmark builds never link them.
 *
 * Two lists:
 *   REV_BUG_OPS_LIST  entries appended to rev_ops_all[] (registry.c), so
 *                     that the contract and stress tests run them and must
 *                     report them.  Only bugs those tests catch on every
 *                     run belong here: a hanging bug would hang them.
 *   REV_BUG_ZOO_LIST  the whole zoo, for "revbench torture --bug NAME"
 *                     (torture/torture.c) and its make check step: every
 *                     entry must be caught by the torture oracle.
 *
 * Where each lives: next to what it breaks, so that it reuses the real
 * primitive with its one defect.
 *   bug-nowait              primitives/bugs.c (kernel-portable)
 *   bug-double-release      primitives/bugs.c (kernel-portable)
 *   bug-many-early          primitives/bugs.c (kernel-portable)
 *   bug-hazptr-nofence      primitives/hazptr.c (both)
 *   bug-hazptr-norecheck    primitives/hazptr.c (both)
 *   bug-hazptr-pcpu-noovf   primitives/hazptr_pcpu.c (both)
 *   bug-seqlock-noretry     primitives/seqlock.c (both)
 *   bug-seqlock-typeunsafe  primitives/seqlock.c (both): only a sanitizer
 *                           sees it
 *   bug-srcu-shared-handle  primitives/srcu.c (both)
 *   bug-srcu-fast-flip-idx  primitives/srcu_fast.c (both, where the
 *                           SRCU-fast port runs: RB_SRCU_FAST_PORT)
 *   bug-percpu-nodrain      primitives/percpu_ref.c (both)
 *   bug-percpu-noconfirm    primitives/percpu_ref.c (userspace only,
 *                           RB_HAVE_PCPU_REF_NOGP: the kernel's percpu_ref
 *                           API cannot express it)
 *   bug-percpu-offline      primitives/bugs.c (kernel only: needs CPU
 *                           hotplug, REV_CAP_ONOFF)
 *   bug-irq-rwlock          primitives/bugs.c (kernel only: needs hardirq
 *                           readers and lockdep, REV_CAP_LOCKDEP)
 *   bug-crev-shared-handle  primitives/c_revocable.c (both)
 *   bug-crev-byvalue        primitives/c_revocable.c (both)
 *   bug-crev-alloc-race     primitives/c_revocable.c (both)
 *
 * Performance bugs (REV_CAP_PERFBUG): correct, deliberately slow.  Not
 * BROKEN: they sit in rev_ops_all[] of every build (REV_BUG_PERF_LIST),
 * so that the contract and stress suites run them (they must pass) and a
 * benchmark names them beside the fixed design; no default run and no
 * torture "all" includes them, and no oracle has to catch them.  Each has
 * a test that counts the work it should not do.
 *   bug-crev-sync-alloc     primitives/c_revocable.c (both):
 *                           tests/c_revocable.c counts its grace periods
 * The tables are in primitives/registry.c.  Each bug's comment says what
 * the one defect is and what catches it.
 */
#ifndef REVBENCH_BUGS_H
#define REVBENCH_BUGS_H

#include "revocable.h"

/* refcount whose revoke releases at once, without waiting for readers. */
extern const struct revocable_ops rev_ops_bug_nowait;
/* two overlapping revokes both run the release callback. */
extern const struct revocable_ops rev_ops_bug_double_release;
/* correct revoke; revoke_many releases before waiting for the readers. */
extern const struct revocable_ops rev_ops_bug_many_early;
/* hazptr reader without the fence between publish and re-check. */
extern const struct revocable_ops rev_ops_bug_hazptr_nofence;
/* hazptr reader that checks the flag before publishing, never after. */
extern const struct revocable_ops rev_ops_bug_hazptr_norecheck;
/* hazptr-pcpu whose synchronize skips the overflow lists (backup slots). */
extern const struct revocable_ops rev_ops_bug_hazptr_pcpu_noovf;

#define REV_BUG_ZOO_SHARED	\
	&rev_ops_bug_nowait,	\
	&rev_ops_bug_double_release, \
	&rev_ops_bug_many_early, \
	&rev_ops_bug_hazptr_nofence, \
	&rev_ops_bug_hazptr_norecheck, \
	&rev_ops_bug_hazptr_pcpu_noovf,

/* srcu whose one handle (the SRCU index) is shared by all readers. */
extern const struct revocable_ops rev_ops_bug_srcu_shared_handle;
/* srcu-fast port whose grace period checks the index it flipped to. */
#ifdef RB_SRCU_FAST_PORT
extern const struct revocable_ops rev_ops_bug_srcu_fast_flip_idx;
#define REV_BUG_ZOO_SRCU_FAST	&rev_ops_bug_srcu_fast_flip_idx,
#else
#define REV_BUG_ZOO_SRCU_FAST
#endif
/* percpu-ref revoke that releases on the confirm, not after the drain. */
extern const struct revocable_ops rev_ops_bug_percpu_nodrain;
/* seqlock reader whose release() never checks the sequence. */
extern const struct revocable_ops rev_ops_bug_seqlock_noretry;
/* seqlock without the type-stable rule: its caller frees under readers. */
extern const struct revocable_ops rev_ops_bug_seqlock_typeunsafe;

#ifdef RB_HAVE_PCPU_REF_NOGP
/* percpu-ref killed without confirm: no grace period before the switch. */
extern const struct revocable_ops rev_ops_bug_percpu_noconfirm;
#define REV_BUG_ZOO_USER	&rev_ops_bug_percpu_noconfirm,
#define REV_BUG_ZOO_KERNEL
#else
#define REV_BUG_ZOO_USER
/* per-CPU reader counts summed over the online CPUs only (hotplug). */
extern const struct revocable_ops rev_ops_bug_percpu_offline;
/* write_lock() without _irqsave, claiming REV_CAP_IRQSAFE (lockdep). */
extern const struct revocable_ops rev_ops_bug_irq_rwlock;
/* Last: once lockdep has reported, it is off for the rest of the boot. */
#define REV_BUG_ZOO_KERNEL	\
	&rev_ops_bug_percpu_offline, \
	&rev_ops_bug_irq_rwlock,
#endif

/* c-revocable with one consumer handle shared by all threads. */
extern const struct revocable_ops rev_ops_bug_crev_shared_handle;
/* c-revocable whose resource pointer is used after its scoped access. */
extern const struct revocable_ops rev_ops_bug_crev_byvalue;
/* c-revocable whose consumer takes its kref on a freed provider. */
extern const struct revocable_ops rev_ops_bug_crev_alloc_race;

#define REV_BUG_ZOO_LIST	\
	REV_BUG_ZOO_SHARED	\
	&rev_ops_bug_srcu_shared_handle, \
	&rev_ops_bug_crev_shared_handle, \
	&rev_ops_bug_crev_byvalue, \
	&rev_ops_bug_crev_alloc_race, \
	REV_BUG_ZOO_SRCU_FAST	\
	&rev_ops_bug_percpu_nodrain, \
	REV_BUG_ZOO_USER	\
	&rev_ops_bug_seqlock_noretry, \
	&rev_ops_bug_seqlock_typeunsafe, \
	REV_BUG_ZOO_KERNEL

/*
 * The zoo table (registry.c), the same names in both environments: every
 * entry of this environment, for torture's --bug / bug=.  Defined in
 * every build; empty (count 0) without REVBENCH_BUGS.  Entries whose bug
 * hangs a revoke have ops->unwedge.
 */
extern const struct revocable_ops *const rev_bug_zoo[];
extern const int rev_bug_zoo_count;
const struct revocable_ops *rev_bug_find(const char *name);

/*
 * Entries whose only window is a CPU's store buffer letting a store pass
 * a later load (a missing smp_mb()).  An emulator rarely reaches it:
 * under qemu TCG every guest access costs tens of host instructions
 * while the window stays ~100 ns of host time.  bug-hazptr-nofence under
 * TCG (4 vCPUs, 2 host CPUs): caught after 12, 31 and 36 s in 3 of 10
 * runs, not in the other 7 (two of 120 s with 260,000 revokes each,
 * four of 45 s, one of 20 s); userspace catches it in 1-3 s.  The module reports such an
 * entry that was not caught under env=kernel-tcg as a SKIP naming the
 * reason; on hardware (env=kernel) and in userspace it must be caught
 * like every other entry.  A property of the bug, kept beside the zoo.
 */

/*
 * The SRCU index tally of a zoo entry whose readers share one handle (the
 * idx), and its unwedge: bug-srcu-shared-handle (primitives/srcu.c says
 * how it works) and bug-crev-shared-handle (primitives/c_revocable.c).
 * tally[idx][0] counts the bug's locks of index idx, tally[idx][1] its
 * unlocks; with every reader stopped, rev_bug_srcu_unwedge() adds the
 * missing unlocks and locks through the rb_srcu_* API only and returns
 * how many repairs it made.  Harness support, never part of a bug.
 */
static inline int rev_bug_srcu_unwedge(struct rb_srcu_struct *ssp,
				       atomic_long_t tally[2][2])
{
	int idx, got, fixed = 0;
	long d;

	for (idx = 0; idx < 2; idx++) {
		d = atomic_long_read(&tally[idx][0]) -
		    atomic_long_read(&tally[idx][1]);
		for (; d > 0; d--, fixed++) {	/* a lock without its unlock */
			atomic_long_inc(&tally[idx][1]);
			rb_srcu_read_unlock_notrace(ssp, idx);
		}
	}
	for (idx = 0; idx < 2; idx++) {
		d = atomic_long_read(&tally[idx][0]) -
		    atomic_long_read(&tally[idx][1]);
		while (d < 0) {		/* an unlock of a lock taken on 1-idx */
			got = rb_srcu_read_lock_notrace(ssp);
			if (got != idx) {
				rb_srcu_read_unlock_notrace(ssp, got);
				break;	/* not this index yet: a later call */
			}
			atomic_long_inc(&tally[idx][0]);
			d++;
			fixed++;
		}
	}
	return fixed;
}

/* Caught by contract and stress on every run (see above). */
#define REV_BUG_OPS_LIST	\
	&rev_ops_bug_nowait,

/* The performance bugs, in rev_ops_all[] of every build (see above). */
extern const struct revocable_ops rev_ops_bug_crev_sync_alloc;
#define REV_BUG_PERF_LIST	\
	&rev_ops_bug_crev_sync_alloc,

#endif /* REVBENCH_BUGS_H */
