/* SPDX-License-Identifier: GPL-2.0 */
/* machine_cost.h - the kernel's readers for the revoke-cost meter */
#ifndef RBK_MACHINE_COST_H
#define RBK_MACHINE_COST_H

#include "cost.h"

/* the revoker's thread clock and the IPI counts (workloads/cost.h) */
extern struct rb_cost_src rbk_cost_src;
/* CPU time so far (se.sum_exec_runtime) of the rcu* and kworker kthreads */
void rbk_gp_cpu(u64 *kthread_ns, u64 *kworker_ns);
/*
 * Calibrates rbk_cost_src; adds the context keys revoke_cpu_clock,
 * ipi_source and gp_cpu.
 */
void rbk_cost_context(void (*add)(void *arg, const char *key,
				  const char *value), void *arg);

#endif
