// SPDX-License-Identifier: GPL-2.0
/*
 * machine_cost.c - the kernel's readers for the revoke-cost meter
 * (workloads/cost.h): the revoker kthread's CPU time, x86's per-CPU IPI
 * counts, the grace-period kthreads' and kworkers' CPU time, and the
 * results context that says where each comes from.  bench.c meters its
 * unbind cells with them; results.c writes the context.
 */
#include <linux/hardirq.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/sched/signal.h>
#include <linux/string.h>

#include "metrics.h"
#include "machine_cost.h"

/*
 * The revoker's CPU time.  task_sched_runtime() is not exported, and
 * se.sum_exec_runtime alone is only brought up to date at a tick or a
 * context switch: it would charge a revoke that sleeps with up to a tick
 * of the time before it.  So: the accounted sum plus what has run since
 * se.exec_start, on the rq clock that exec_start is stamped with.  That
 * clock is sched_clock_cpu() unless IRQ or steal time is taken out of it
 * (then the accounted sum alone, stale by up to a tick).
 */
#if defined(CONFIG_IRQ_TIME_ACCOUNTING) || defined(CONFIG_PARAVIRT_TIME_ACCOUNTING)
#define RBK_CPU_CLOCK_EXACT	0
#else
#define RBK_CPU_CLOCK_EXACT	1
#endif

static u64 rbk_thread_cpu_ns(void)
{
	struct task_struct *t = current;
	u64 ns, now;

	preempt_disable();
	ns = READ_ONCE(t->se.sum_exec_runtime);
	if (RBK_CPU_CLOCK_EXACT) {
		now = sched_clock_cpu(smp_processor_id());
		if (now > READ_ONCE(t->se.exec_start))
			ns += now - READ_ONCE(t->se.exec_start);
	}
	preempt_enable();
	return ns;
}

#if defined(CONFIG_X86) && defined(CONFIG_SMP)
/*
 * x86's per-CPU IPI counts (irq_stat is exported): what /proc/interrupts
 * prints as CAL (irq_call_count) and TLB (irq_tlb_count).
 */
static bool rbk_ipis(u64 *call, u64 *tlb)
{
	int cpu;

	*call = 0;
	*tlb = 0;
	for_each_possible_cpu(cpu) {
		*call += READ_ONCE(per_cpu(irq_stat, cpu).irq_call_count);
		*tlb += READ_ONCE(per_cpu(irq_stat, cpu).irq_tlb_count);
	}
	return true;
}
#define RBK_IPI_SOURCE	"irq_stat (x86, exported): irq_call_count (/proc/interrupts CAL: function-call IPIs; remote TLB shootdowns arrive as such) and irq_tlb_count (TLB), summed over possible CPUs, around every timed revoke"
#else
#define rbk_ipis	NULL
#define RBK_IPI_SOURCE	"unavailable: per-CPU IPI counts are read from x86's irq_stat only (no revoke_ipis counters)"
#endif

struct rb_cost_src rbk_cost_src = {
	.thread_cpu_ns = rbk_thread_cpu_ns,
	.ipis = rbk_ipis,
};

/*
 * The kernel threads that run RCU's and SRCU's grace periods, as
 * rcuscale counts its grace-period kthread's time (kthread_tp->stime
 * over the test): here se.sum_exec_runtime, summed over every kernel
 * thread whose name starts with "rcu" (the rcu_preempt/rcu_sched GP
 * kthread, 6.12's rcu_exp_gp_kthread_worker and rcu_exp_par_gp_kthread
 * workers, the rcuc/rcuog/rcuop callback kthreads) and, apart, over every
 * "kworker/" (SRCU's grace periods and 6.1's expedited ones run in
 * workqueues, beside anything else queued there).  A kworker that exits
 * during the repetition takes its time with it.
 */
void rbk_gp_cpu(u64 *kthread_ns, u64 *kworker_ns)
{
	struct task_struct *p;

	*kthread_ns = 0;
	*kworker_ns = 0;
	rcu_read_lock();
	for_each_process(p) {
		if (!(READ_ONCE(p->flags) & PF_KTHREAD))
			continue;
		if (!strncmp(p->comm, "rcu", 3))
			*kthread_ns += READ_ONCE(p->se.sum_exec_runtime);
		else if (!strncmp(p->comm, "kworker/", 8))
			*kworker_ns += READ_ONCE(p->se.sum_exec_runtime);
	}
	rcu_read_unlock();
}

void rbk_cost_context(void (*add)(void *arg, const char *key,
				  const char *value), void *arg)
{
	static char clk[340];

	rb_cost_calibrate(&rbk_cost_src);
	snprintf(clk, sizeof(clk), "%s, around every timed revoke, less %llu ns per revoke (the median of pairs read as around a revoke, with none between)",
		 RBK_CPU_CLOCK_EXACT ?
		 "the revoker kthread's se.sum_exec_runtime + sched_clock_cpu() - se.exec_start (task_sched_runtime() is not exported)" :
		 "the revoker kthread's se.sum_exec_runtime (IRQ/steal time accounting: stale by up to a tick)",
		 (unsigned long long)rbk_cost_src.floor_ns);
	add(arg, "revoke_cpu_clock", clk);
	add(arg, "ipi_source", RBK_IPI_SOURCE);
	add(arg, "gp_cpu", "se.sum_exec_runtime over each repetition, per revoke issued (warm-up cycles included), of the kernel threads named rcu* (gp_kthread_ns) and kworker/* (gp_kworker_ns)");
}
