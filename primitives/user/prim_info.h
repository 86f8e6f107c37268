/* SPDX-License-Identifier: GPL-2.0 */
/*
 * prim_info.h - facts about the userspace primitives that a results file
 * must record, because the numbers depend on them.  Userspace only.
 *
 *   rev_urcu_flavor()   liburcu flavour every RCU-based primitive here uses
 *                       (rcu, rcu-deferred, percpu-ref): "memb".
 *   rev_urcu_info()     one line: liburcu flavour and whether the memb
 *                       flavour got sys_membarrier (readers then pay a
 *                       compiler barrier only) or fell back to smp_mb() in
 *                       every rcu_read_lock/unlock (much slower readers).
 *   rev_rwlock_kinds()  one line: glibc version, the rwlock kind "rwsem"
 *                       asks for (writer-preferring) and glibc's default
 *                       (what "rwsem-rpref" gets), as glibc reports them.
 *
 * All three (primitives/compat/user.c) return static strings; call them
 * after urcu_memb_init() has run (a constructor of liburcu-memb does it) -
 * i.e. any time in main().
 */
#ifndef REVBENCH_PRIM_INFO_H
#define REVBENCH_PRIM_INFO_H

const char *rev_urcu_flavor(void);
const char *rev_urcu_info(void);
const char *rev_rwlock_kinds(void);

#endif /* REVBENCH_PRIM_INFO_H */
