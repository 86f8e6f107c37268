// SPDX-License-Identifier: GPL-2.0
/*
 * torture.c - "insmod revbench.ko mode=torture", the kernel front end of
 * the torture core (torture/torture.h: the set-up, the oracle, the
 * perturbations, the output; compiled in through shared_torture.c).  Here:
 * which primitives and bugs run, kthread CPU placement, KTAP.
 *
 *   insmod revbench.ko mode=torture [primitive=all|NAME|] [bug=none|all|NAME]
 *          [duration=3] [bug_duration=20] [seed=0] [threads=0]
 *          [watchdog_ms=10000] [bug_watchdog_ms=2000] [stat_ms=1000]
 *          [no_perturb=LIST] [onoff_ms=0]
 *
 * primitive=all is every primitive but "none" (unsafe by design: a KTAP
 * SKIP point); "primitive=" (empty) runs none of them.  bug= needs the
 * test module (make kmod KMOD_BUGS=1: the zoo, primitives/bugs.h); the
 * default module refuses it with -EINVAL (main.c).  Each primitive runs
 * duration seconds; each bug runs until its first failure, at most
 * bug_duration seconds.  threads= readers (default: online CPUs + 1, at
 * most TORTURE_MAX_READERS); TORTURE_DEF_FAKE fake revokers; every
 * perturbation but those no_perturb= names (as revbench torture
 * --no-perturb; main.c refuses an unknown name).  seed=0 takes the
 * clock; the seed is printed, and seed=N replays every perturbation
 * choice (not the scheduling).
 *
 * What only the kernel has, as hooks of the environment (torture.h):
 * hardirq readers for REV_CAP_IRQSAFE tables (an hrtimer and
 * smp_call_function_single(), the "irq" perturbation), CPU hotplug every
 * onoff_ms (remove_cpu()/add_cpu(); 0, the default: none), and lockdep's
 * verdict (debug_locks turning off fails the point).  Zoo entries that
 * need a condition this boot lacks are a SKIP naming it
 * (kt_cannot_catch()).
 *
 * OUTPUT: KTAP v1, one test point per primitive and per bug, the core's
 * lines ("# " for the ones that report no failure) before each point.  A
 * real primitive's point passes with zero failures; a bug's point passes
 * when the bug WAS caught ("# detection: NAME S s (kinds)" is the time
 * from the start of its run to its first failure: a statistic, never a
 * threshold).  main.c prints the last line, "revbench: done: P passed, F
 * failed".  A run whose threads cannot be stopped (a hang that no
 * ops->unwedge repairs) is leaked, and the module pinned: rmmod fails,
 * loudly; the next points still run.  scripts/vm.sh boots with
 * preempt=full, so that readers can be preempted anywhere, also inside a
 * race window.
 */
#include <linux/build_bug.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/debug_locks.h>
#include <linux/hrtimer.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>

#include "revocable.h"
#include "bugs.h"
#include "kmod.h"
#include "torture/torture.h"

static_assert(RBK_TORTURE_MAX_READERS == TORTURE_MAX_READERS);

static int kt_cpus[64], kt_ncpus;	/* set_cpus() index -> CPU */
static bool kt_pinned;			/* module pinned after a leak */

/* ---- the environment (struct torture_env) ---- */

static __printf(1, 2) void kt_out(const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_info("%pV", &vaf);
	va_end(args);
}

static void kt_set_cpus(int only, int idle)
{
	cpumask_var_t mask;
	int i;

	if (!zalloc_cpumask_var(&mask, GFP_KERNEL))
		return;
	/*
	 * No CPU comes or goes (onoff) between reading the online mask and
	 * moving, as rcutorture's shuffler does it (torture_shuffle_tasks()).
	 */
	cpus_read_lock();
	for (i = 0; i < kt_ncpus; i++)
		if ((only >= 0 ? i == only : i != idle) &&
		    cpu_online(kt_cpus[i]))
			cpumask_set_cpu(kt_cpus[i], mask);
	if (cpumask_empty(mask))
		cpumask_copy(mask, cpu_online_mask);
	set_cpus_allowed_ptr(current, mask);
	cpus_read_unlock();
	free_cpumask_var(mask);
}

static void kt_cond_resched(void)
{
	cond_resched();
}

/* A kthread that cannot be stopped: leak the run, pin the module. */
static void kt_stuck(const struct revocable_ops *ops)
{
	pr_info("!!! [%s] the run's threads and memory are leaked; revbench is pinned (rmmod will fail): reboot to unload\n",
		ops->name);
	if (!kt_pinned) {
		__module_get(THIS_MODULE);
		kt_pinned = true;
	}
}

/*
 * ---- hardirq readers: one hrtimer, smp_call_function_single() ----
 * HRTIMER_MODE_REL_HARD: the callback runs in hardirq context on
 * PREEMPT_RT too (where plain hrtimers expire in a softirq thread).  Not
 * pinned: when its CPU goes offline the timer moves to another.
 */
static struct hrtimer kt_timer;
static u64 (*kt_timer_fn)(void *arg);
static void *kt_timer_arg;

static enum hrtimer_restart kt_timer_cb(struct hrtimer *t)
{
	u64 ns = kt_timer_fn(kt_timer_arg);

	if (!ns)
		return HRTIMER_NORESTART;
	hrtimer_forward_now(t, ns_to_ktime(ns));
	return HRTIMER_RESTART;
}

static int kt_irq_timer_start(u64 (*fn)(void *arg), void *arg, u64 first_ns)
{
	kt_timer_fn = fn;
	kt_timer_arg = arg;
	hrtimer_init(&kt_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	kt_timer.function = kt_timer_cb;
	hrtimer_start(&kt_timer, ns_to_ktime(first_ns), HRTIMER_MODE_REL_HARD);
	return 0;
}

static void kt_irq_timer_stop(void)
{
	hrtimer_cancel(&kt_timer);
}

/*
 * fn(arg) in an IPI handler on that CPU, or the next one if that is ours
 * (a call to the caller's own CPU runs with interrupts off, not in a
 * handler); -ENXIO when it is offline.
 */
static int kt_irq_call(int idx, void (*fn)(void *arg), void *arg)
{
	int cpu = kt_cpus[idx];

	if (cpu == raw_smp_processor_id() && kt_ncpus > 1)
		cpu = kt_cpus[(idx + 1) % kt_ncpus];
	return smp_call_function_single(cpu, fn, arg, 1);
}

/* ---- CPU hotplug: remove_cpu()/add_cpu(), as rcutorture's onoff ---- */

static bool kt_cpu_online(int idx)
{
	return cpu_online(kt_cpus[idx]);
}

#ifdef CONFIG_HOTPLUG_CPU
static int kt_cpu_set_online(int idx, bool online)
{
	return online ? add_cpu(kt_cpus[idx]) : remove_cpu(kt_cpus[idx]);
}
#else
#define kt_cpu_set_online	NULL	/* onoff SKIPPED, loudly (kt_point) */
#endif

/*
 * onoff_ms=N (a knob: workloads/knobs.h, range-checked with the others):
 * take a CPU offline or online every N ms (+0-50 %) while a primitive
 * runs; 0 (the default, as rcutorture's onoff_interval): never.
 * scripts/vm.sh passes onoff_ms=100.
 */

/* Lockdep turns itself off after its first splat: that is a report. */
static bool kt_checker_fired(void)
{
	return !debug_locks;
}

/* .ncpus: per run, rbk_run_torture().  No .progress: KTAP only. */
static struct torture_env kt_env = {
	.pfx = "# ",			/* a KTAP diagnostic line */
	.out = kt_out,
	.should_stop = rbk_should_stop,	/* rmmod, debugfs stop */
	.set_cpus = kt_set_cpus,
	.resched = kt_cond_resched,
	.stuck = kt_stuck,
	.irq_timer_start = kt_irq_timer_start,
	.irq_timer_stop = kt_irq_timer_stop,
	.irq_call = kt_irq_call,
	.cpu_set_online = kt_cpu_set_online,
	.cpu_online = kt_cpu_online,
	.checker_fired = kt_checker_fired,
};

/* ---- which entries run, how ---- */

int rbk_torture_perturb(const char *no_perturb, unsigned int *mask)
{
	char buf[RBK_NAME_LEN], *p = buf, *tok;
	unsigned int m = TORTURE_P_ALL;
	int i;

	strscpy(buf, no_perturb, sizeof(buf));
	while ((tok = strsep(&p, ","))) {
		if (!*tok)
			continue;
		i = strcmp(tok, "all") ? torture_perturb_find(tok) : -2;
		if (i == -1) {
			rb_pr_err("parameter no_perturb: unknown perturbation '%s' (all, or some of:",
				  tok);
			for (i = 0; i < TORTURE_P_NR; i++)
				pr_cont(" %s", torture_perturb_names[i]);
			pr_cont(")\n");
			return -EINVAL;
		}
		m &= i < 0 ? 0 : ~(1U << i);
	}
	if (mask)
		*mask = m;
	return 0;
}


static bool kt_selected_prim(const struct rbk_config *cfg,
			     const struct revocable_ops *ops)
{
	if (ops->caps & REV_CAP_BROKEN)
		return false;
	/* a performance bug is correct: torture runs it only when named */
	return (!strcmp(cfg->primitive, "all") &&
		!(ops->caps & REV_CAP_PERFBUG)) ||
	       !strcmp(cfg->primitive, ops->name);
}

/* bug=: the zoo; primitive=NAME of a zoo entry also runs it as a bug. */
static bool kt_selected_bug(const struct rbk_config *cfg,
			    const struct revocable_ops *ops)
{
	return !strcmp(cfg->bug, "all") || !strcmp(cfg->bug, ops->name) ||
	       !strcmp(cfg->primitive, ops->name);
}

/*
 * Not caught under qemu TCG, and its window is a store buffer's, which
 * emulation rarely reaches (REV_CAP_HWORDER): a SKIP with the reason.
 */
static bool kt_out_of_reach(const struct rbk_config *cfg,
			    const struct revocable_ops *ops)
{
	return (ops->caps & REV_CAP_HWORDER) && !strcmp(cfg->env, "kernel-tcg");
}

/* A zoo entry that is not in rev_ops_all[] has not been global_init()ed. */
static bool kt_needs_init(const struct revocable_ops *ops)
{
	return rev_ops_find(ops->name) != ops;
}

/*
 * Why a zoo entry that needs a condition this boot lacks cannot run: a
 * LOCKDEP entry deadlocks a CPU where lockdep does not stop it first; an
 * ONOFF entry needs CPUs going offline (named explicitly, bug=NAME or
 * primitive=NAME, it runs with onoff_ms=0 too: that shows it passes with
 * hotplug off).  NULL: it runs.
 */
static const char *kt_cannot_catch(const struct rbk_config *cfg,
				   const struct revocable_ops *ops)
{
	bool named = !strcmp(cfg->bug, ops->name) ||
		     !strcmp(cfg->primitive, ops->name);

	if ((ops->caps & REV_CAP_LOCKDEP) && !IS_ENABLED(CONFIG_PROVE_LOCKING))
		return "only lockdep sees this bug before it deadlocks a CPU, and this kernel has no CONFIG_PROVE_LOCKING: make vm-check-debug runs it";
	if ((ops->caps & REV_CAP_LOCKDEP) && !debug_locks)
		return "only lockdep sees this bug, and lockdep is already off in this boot (an earlier splat)";
	if ((ops->caps & REV_CAP_ONOFF) && !kt_env.cpu_set_online)
		return "only CPU hotplug exposes this bug, and this kernel has no CONFIG_HOTPLUG_CPU";
	if ((ops->caps & REV_CAP_ONOFF) && kt_ncpus < 2)
		return "only CPU hotplug exposes this bug, and one CPU is online";
	if ((ops->caps & REV_CAP_ONOFF) && !cfg->onoff_ms && !named)
		return "only CPU hotplug exposes this bug, and it is off (onoff_ms=0; scripts/vm.sh passes onoff_ms=100)";
	return NULL;
}

/* One KTAP point: run ops, print the point, count it. */
static void kt_point(const struct rbk_config *cfg, int n,
		     const struct revocable_ops *ops, u64 seed, int nreaders,
		     struct rbk_test_summary *sum)
{
	bool bug = ops->caps & REV_CAP_BROKEN;
	/*
	 * An ONOFF entry's window opens only when a CPU goes offline under
	 * a reader that took its access there, one toggle every onoff_ms:
	 * caught in 0.4-14.4 s on 7 kernels (CI, 12-06), once not in 20 s
	 * on a loaded host.  It gets three budgets; a run stops when caught.
	 */
	unsigned int bug_s = cfg->bug_duration *
			     (ops->caps & REV_CAP_ONOFF ? 3 : 1);
	struct torture_cfg tc = {
		.seed = seed,
		.duration_ns = (u64)(bug ? bug_s : cfg->duration) *
			       NSEC_PER_SEC,
		.watchdog_ns = (u64)(bug ? cfg->bug_watchdog_ms :
				     cfg->watchdog_ms) * NSEC_PER_MSEC,
		.stat_ns = (u64)cfg->stat_ms * NSEC_PER_MSEC,
		.readers = nreaders,
		.fake = TORTURE_DEF_FAKE,
		.stop_on_fail = bug,
	};
	struct torture_result res;
	const char *why;

	tc.onoff_ns = (u64)cfg->onoff_ms * NSEC_PER_MSEC;
	rbk_torture_perturb(cfg->no_perturb, &tc.perturb);	/* checked */
	why = bug ? kt_cannot_catch(cfg, ops) : NULL;
	if (why) {
		pr_warn("revbench: torture %s SKIPPED: %s\n", ops->name, why);
		pr_info("ok %d %s # SKIP %s\n", n, ops->name, why);
		sum->skipped++;
		return;
	}
	if ((ops->caps & REV_CAP_UNSAFE) && !strcmp(cfg->primitive, "all")) {
		pr_warn("revbench: torture %s SKIPPED: unsafe by design\n",
			ops->name);
		pr_info("ok %d %s # SKIP unsafe by design (no protection against revoke): name it with primitive=%s to watch it fail\n",
			n, ops->name, ops->name);
		sum->skipped++;
		return;
	}
	if (ops->caps & REV_CAP_HIDDEN) {
		pr_info("ok %d %s # SKIP no oracle can see this bug (every wrong read is thrown away): only a sanitizer can; make vm-check-debug shows KASAN reporting it\n",
			n, ops->name);
		sum->skipped++;
		return;
	}
	if (rbk_should_stop()) {
		pr_info("ok %d %s # SKIP run stopped (module unloading or debugfs stop)\n",
			n, ops->name);
		sum->skipped++;
		return;
	}
	if (kt_needs_init(ops) && ops->global_init && ops->global_init()) {
		pr_info("# %s: global_init failed\n", ops->name);
		pr_info("not ok %d %s\n", n, ops->name);
		sum->failed++;
		return;
	}
	torture_run(&kt_env, ops, &tc, &res);
	if (kt_needs_init(ops) && ops->global_exit && !res.leaked)
		ops->global_exit();
	if (bug && res.failures) {
		pr_info("ok %d %s # caught after " TORTURE_S_FMT " s\n", n,
			ops->name, TORTURE_S_ARG(res.first_ns));
		sum->passed++;
	} else if (bug && kt_out_of_reach(cfg, ops)) {
		pr_warn("revbench: torture %s NOT CAUGHT under TCG emulation: SKIPPED\n",
			ops->name);
		pr_info("ok %d %s # SKIP not caught in %u s under qemu TCG (env=kernel-tcg): its window is a store buffer's, which emulation rarely reaches (REV_CAP_HWORDER); on hardware run insmod revbench.ko mode=torture primitive= bug=%s\n",
			n, ops->name, cfg->bug_duration, ops->name);
		sum->skipped++;
	} else if (bug) {
		pr_info("# %s: deliberately broken, NOT caught within %u s\n",
			ops->name, bug_s);
		pr_info("not ok %d %s\n", n, ops->name);
		sum->failed++;
	} else if (res.failures) {
		pr_info("not ok %d %s\n", n, ops->name);
		sum->failed++;
	} else {
		pr_info("ok %d %s\n", n, ops->name);
		sum->passed++;
	}
}

void rbk_run_torture(const struct rbk_config *cfg, struct rbk_test_summary *sum)
{
	const struct revocable_ops *list[64];
	int n = 0, i, nreaders, nbugs = 0, cpu;
	u64 seed = cfg->seed;

	memset(sum, 0, sizeof(*sum));
	for (i = 0; i < rev_ops_count && n < ARRAY_SIZE(list); i++)
		if (kt_selected_prim(cfg, rev_ops_all[i]))
			list[n++] = rev_ops_all[i];
	for (i = 0; i < rev_bug_zoo_count && n < ARRAY_SIZE(list); i++)
		if (kt_selected_bug(cfg, rev_bug_zoo[i])) {
			list[n++] = rev_bug_zoo[i];
			nbugs++;
		}
	if (!seed)
		seed = (u32)(rb_now_ns() ^ (rb_now_ns() >> 32)) ?: 1;
	nreaders = cfg->threads ? cfg->threads : num_online_cpus() + 1;
	nreaders = min(nreaders, TORTURE_MAX_READERS);
	kt_ncpus = 0;
	for_each_online_cpu(cpu)
		if (kt_ncpus < ARRAY_SIZE(kt_cpus))
			kt_cpus[kt_ncpus++] = cpu;
	kt_env.ncpus = kt_ncpus;

	pr_info("KTAP version 1\n");
	pr_info("1..%d\n", n);
	pr_info("# revbench torture: %d point(s) (%d bug(s)), %u online CPUs, %d readers + writer + racer + %d fake revokers each; primitives %u s each, bugs at most %u s each (stop at the first failure); watchdog %u ms (bugs %u ms)\n",
		n, nbugs, num_online_cpus(), nreaders, TORTURE_DEF_FAKE,
		cfg->duration, cfg->bug_duration, cfg->watchdog_ms,
		cfg->bug_watchdog_ms);
	pr_info("# torture: seed %llu (replay: seed=%llu, on the kernel command line revbench.seed=%llu)\n",
		seed, seed, seed);
	if (cfg->onoff_ms && kt_env.cpu_set_online && kt_ncpus > 1)
		pr_info("# torture: CPU hotplug: a CPU offline or online every %u ms (+0-50 %%) during each point, never CPU %d\n",
			cfg->onoff_ms, kt_cpus[0]);
	else if (cfg->onoff_ms) {
		pr_warn("revbench: torture: CPU hotplug SKIPPED: %s\n",
			kt_env.cpu_set_online ? "only one CPU online" :
			"this kernel has no CONFIG_HOTPLUG_CPU");
		pr_info("# torture: CPU hotplug SKIPPED (onoff_ms=%u): %s\n",
			cfg->onoff_ms, kt_env.cpu_set_online ?
			"only one CPU online" :
			"this kernel has no CONFIG_HOTPLUG_CPU");
	} else {
		pr_info("# torture: CPU hotplug off (onoff_ms=0)\n");
	}
	for (i = 0; i < n; i++)
		kt_point(cfg, i + 1, list[i], seed, nreaders, sum);
	pr_info("# torture: %d passed, %d failed, %d skipped; seed %llu\n",
		sum->passed, sum->failed, sum->skipped, seed);
}
