/* SPDX-License-Identifier: GPL-2.0 */
/*
 * torture.h - the torture core: rcutorture/locktorture-style stress of one
 * revocation primitive, shared by "revbench torture" (runner/torture.c,
 * pthreads) and "insmod revbench.ko mode=torture" (kmod/torture.c,
 * kthreads).  Kernel style over compat.h only, compiled unchanged into the
 * userspace library and, through a generated shared_torture.c wrapper
 * (mk/kmod.mk), into the module.
 * Each environment passes a struct torture_env (the role of the kernel's
 * kernel/torture.c) and keeps only its front end: options, the list of
 * primitives, the closing lines.  This comment is the one description of
 * the oracle; torture/README.md points here.
 *
 * SET-UP, per primitive (torture_run()):
 *   - TORTURE_NSLOTS slots, each holding a live "round": a revocable over a
 *     stamped resource (every word a function of the round's generation);
 *   - readers (cfg->readers) access random slots: load the slot, try_access
 *     (the handle zeroed first), check the stamps, release, check again;
 *   - one writer revokes a random slot's round and publishes a fresh one;
 *     where the primitive has revoke_many(), one revoke in four is a batch
 *     of 2..TORTURE_NSLOTS live rounds (in slot order) that readers are
 *     inside, and the oracle applies to every round of the batch;
 *   - a racer thread, which the writer uses for the two races below;
 *   - fake revokers (cfg->fake) hammering create, access, revoke (or
 *     revoke_many) and destroy on revocables of their own;
 *   - the control loop (the caller's thread: phases, shuffle, summaries,
 *     stop) and a watchdog thread.
 * Retired rounds are freed by the harness's own epoch-based reclamation
 * (readers pin an epoch around every access, the load of the slot
 * included), never while a reader could still hold the pointer, whatever
 * the primitive does.  The release callback poisons the resource; the
 * resources of reclaimed rounds then stay in a quarantine (up to
 * TORTURE_QUARANTINE resources, oldest freed first) until the run ends,
 * and a resource whose release never ran is leaked, not freed, so a late
 * access or a late release touches poison, never freed memory: a broken
 * primitive yields a "!!!" line, not a crash (the Debian kernels have no
 * KASAN).  That is also the type-stable memory REV_CAP_TYPESTABLE readers
 * (seqlock) read speculatively.
 *
 * THE ORACLE.  Each failure is a line "!!! [name] t=S.mmms KIND: ...":
 *   late            try_access() succeeded although a revoke of that round
 *                   had returned before the attempt started;
 *   overtaken       a revoke returned while an access to that round was
 *                   still held (blocking primitives), or a REV_CAP_RETRY
 *                   primitive validated (release() == 0) an access whose
 *                   revoke returned before the re-check.  DEFERRED
 *                   primitives are exempt (their readers may outlive the
 *                   revoke); poison is not.  Of two overlapping revokes
 *                   (revoke-race), the FIRST to return counts: revocable.h
 *                   lets neither return before the round is fully revoked;
 *   poison          a validated access read a poisoned (released) or
 *                   wrongly stamped resource.  Poison that a RETRY
 *                   primitive then rejected (-EAGAIN) is counted, not a
 *                   failure: that is what type-stable memory is for;
 *   double-release  a release callback ran twice;
 *   never-released  a revoke returned (DEFERRED: and deferred_barrier()
 *                   returned) and the release callback had not run, checked
 *                   for each revoke of a race pair and each round of a
 *                   batch as it returns, and again at reclamation;
 *   hang            a revoke, revoke_many, deferred_barrier, the stopping
 *                   of the threads or the teardown took longer than the
 *                   watchdog bound.  The run stops.  If the primitive has
 *                   ops->unwedge (a REV_CAP_BROKEN entry whose bug wedges a
 *                   revoke: bug-srcu-shared-handle) it is applied to every
 *                   round once the readers have stopped, and the hung
 *                   revoke returns; a thread that still cannot be stopped
 *                   is the environment's env->stuck() (userspace: exit 1;
 *                   kernel: the run is leaked and the module pinned);
 *   other           create() failed, release() returned an unexpected
 *                   value, or a fake revoker's own checks failed;
 *   checker         the environment's own checker reported during the
 *                   run (env->checker_fired(): the kernel's lockdep
 *                   turned itself off after a splat, see the console).
 * rcutorture's pipe: a round's counter is 0 while live, 1 once its revoke
 * returned, and grows by one with every later revoke the writer retires;
 * the summary prints the histogram of the counter values validated
 * accesses saw at their end.  A blocking primitive shows zeros after the
 * first column.
 *
 * PERTURBATIONS (cfg->perturb, 1 << TORTURE_P_*), all drawn from
 * per-thread generators seeded from cfg->seed and the primitive's name, so
 * a seed replays every choice (not the scheduling):
 *   delay         random spins inside the critical section;
 *   sleep         readers sleep inside it (REV_CAP_SLEEP only);
 *   stall         a reader holds its access 20-300 ms sleeping, or spins
 *                 5-50 ms (non-sleepable primitives), one at a time; with
 *                 CPU hotplug on, a sleeping stall lasts until the onoff
 *                 thread has taken a CPU offline (at most 1 s): a reader
 *                 asleep across an offline, whose count stays with the
 *                 CPU it took its access on;
 *   fake-revokers the fake revokers above;
 *   shuffle       every torture thread allowed on every CPU but one, the
 *                 idle CPU rotating (and one turn with none idle);
 *   stutter       a halt of 20-300 ms, every torture thread paused,
 *                 between two run phases;
 *   quiet         run phases alternate: a perturbed phase (every other
 *                 enabled perturbation) and a quiet one (0.5-3 s each).
 *                 In a quiet phase nothing dilutes a tight race: the
 *                 writer and the readers spin, pinned to two different
 *                 CPUs (readers all on one: every other quiet phase the
 *                 first CPU, whose per-CPU state a revoker's scan checks
 *                 first; else a seeded pair), fake revokers and the racer
 *                 idle, no delays, sleeps, stalls, many-handles or races,
 *                 the writer's next revoke soon after the last; readers
 *                 and writer share one slot (slot 0), so every revoke
 *                 meets readers.  That is
 *                 what catches a store-buffer window of ~100 ns
 *                 (bug-hazptr-nofence) within seconds; without it every
 *                 perturbation takes CPU time from the two sides of the
 *                 race;
 *   create-race   the racer creates and publishes the next round at the
 *                 instant the writer revokes the current one;
 *   revoke-race   the racer revokes the same round at the same instant;
 *   many-handles  a reader holds every slot at once (more than the
 *                 hazard-pointer slots per thread), taken in slot order
 *                 (nested read locks, so a consistent order: random order
 *                 would be a real AB-BA deadlock for a writer-preferring
 *                 rwsem), released in random order;
 *   linger        a reader whose try_access succeeded while a revoke of
 *                 that round was already under way stays 5-100 us longer
 *                 (in quiet phases too): a correct revoke waits for it,
 *                 one that missed it through a window of nanoseconds
 *                 returns and releases while it is still looking.  The
 *                 first 4 such accesses per round only, so that a design
 *                 that lets readers in while its revoke waits (refcount,
 *                 a reader-preferring rwsem) is not starved by lingering;
 *   revoke-many   the writer's batched revokes above (primitives with
 *                 revoke_many() only);
 *   irq           hardirq-context readers, beside the thread readers and
 *                 under the same oracle (REV_CAP_IRQSAFE tables, in an
 *                 environment with env->irq_timer and env->irq_call: the
 *                 module), as rcutorture's irqreader and hazptrtorture's
 *                 irq_acquire/irq_release do: an hrtimer whose callback
 *                 makes one access every 50-500 us, and an "ipi" thread
 *                 that has one made by an smp_call_function_single()
 *                 handler on a random CPU, waiting for it.  For
 *                 REV_CAP_XRELEASE tables three times in four the access
 *                 crosses contexts: taken in a handler on one CPU and
 *                 released in a handler on another, taken in a handler
 *                 and released by the thread, or taken by the thread and
 *                 released in a handler (a handler that cannot run, its
 *                 CPU being offline, leaves the release to the thread).
 *                 Handlers never sleep or stall; quiet phases aim them at
 *                 slot 0 too.
 * CPU HOTPLUG (cfg->onoff_ns > 0, an environment with env->cpu_set_online:
 * the module), rcutorture's onoff: an "onoff" thread that every
 * onoff_ns (+0-50 %) takes a random CPU other than the first offline, or
 * back online, while everything above runs, counts the transitions and
 * their longest time, reports a transition that outlasts the watchdog
 * bound as a hang (the hotplug of that CPU waits for something the
 * primitive holds), and brings every CPU back online before the run
 * ends.  A refused transition (-EBUSY) is counted, not a failure.
 * Per-CPU state (SRCU and percpu_ref counters, hazard slots) must keep a
 * reader's count when its CPU goes away: bug-percpu-offline does not.
 * cfg->verbose logs every perturbation event on an env->pfx line.
 *
 * OUTPUT (every line through env->out; lines that report no failure
 * start with env->pfx, "" in userspace, "# " in KTAP): a header per
 * primitive; every cfg->stat_ns a summary of three lines "[name] t=..."
 * (four with irq readers or hotplug)
 * (prefixed "!!! " once anything failed); at the end the same summary
 * tagged "final" and "[name] PASS: ..." or "!!! [name] FAIL: N failures;
 * first-failure-s=S.mmm", and for a REV_CAP_BROKEN entry that was caught
 * "detection: NAME S.mmm s (kinds)".
 */
#ifndef REVBENCH_TORTURE_CORE_H
#define REVBENCH_TORTURE_CORE_H

#include "revocable.h"

#define TORTURE_NSLOTS		8
#define TORTURE_MAX_READERS	64
#define TORTURE_MAX_FAKE	8
#define TORTURE_DEF_FAKE	2
#define TORTURE_QUARANTINE	65536

enum {
	TORTURE_P_DELAY, TORTURE_P_SLEEP, TORTURE_P_STALL, TORTURE_P_FAKE,
	TORTURE_P_SHUFFLE, TORTURE_P_STUTTER, TORTURE_P_QUIET,
	TORTURE_P_CREATE_RACE, TORTURE_P_REVOKE_RACE, TORTURE_P_MANY,
	TORTURE_P_LINGER, TORTURE_P_BATCH, TORTURE_P_IRQ, TORTURE_P_NR
};
#define TORTURE_P_ALL		((1U << TORTURE_P_NR) - 1)
extern const char *const torture_perturb_names[TORTURE_P_NR];
/* Index of a perturbation name, or -1. */
int torture_perturb_find(const char *name);

enum {
	TORTURE_F_LATE, TORTURE_F_OVERTAKEN, TORTURE_F_POISON,
	TORTURE_F_DOUBLE, TORTURE_F_UNRELEASED, TORTURE_F_HANG,
	TORTURE_F_OTHER, TORTURE_F_CHECKER, TORTURE_F_NR
};
extern const char *const torture_fail_names[TORTURE_F_NR];

/* Seconds with milliseconds, without floating point (the kernel has none). */
#define TORTURE_S_FMT		"%llu.%03llu"
#define TORTURE_S_ARG(ns)	(unsigned long long)((ns) / 1000000000ULL), \
				(unsigned long long)((ns) / 1000000ULL % 1000)

/*
 * What differs between the environments.  Every hook is called from
 * process context (a torture thread or the caller), except out, which
 * the release callback may call from wherever the primitive runs it (an
 * RCU callback: softirq in the kernel), so it must not sleep.
 */
struct torture_env {
	const char *pfx;	/* before lines that report no failure */
	int ncpus;		/* CPUs set_cpus() numbers 0..ncpus-1 (<= 64) */
	/* One or more whole lines (the format ends with "\n"). */
	void (*out)(const char *fmt, ...)
		__attribute__((format(printf, 1, 2)));
	/* The run must end now (SIGINT, rmmod, debugfs stop). */
	bool (*should_stop)(void);
	/*
	 * Move the calling thread: only >= 0, onto that CPU alone; else onto
	 * every CPU but idle (idle < 0: every CPU).
	 */
	void (*set_cpus)(int only, int idle);
	/* Optional: a scheduling point in long loops (cond_resched()). */
	void (*resched)(void);
	/* Optional: where the run is, every control tick (a progress bar). */
	void (*progress)(const struct revocable_ops *ops, u64 elapsed_ns,
			 u64 total_ns);
	/*
	 * A torture thread cannot be stopped (hung for good): everything the
	 * run allocated stays.  May not return (userspace exits 1); if it
	 * does, torture_run() returns with res->leaked set.
	 */
	void (*stuck)(const struct revocable_ops *ops);

	/*
	 * Optional, the irq perturbation: start calling fn(arg) from a
	 * hardirq-context timer first_ns from now, then again each time
	 * after the ns fn returns, until fn returns 0 or irq_timer_stop(),
	 * which returns once no call runs.  0 or an error (no irq readers).
	 */
	int (*irq_timer_start)(u64 (*fn)(void *arg), void *arg, u64 first_ns);
	void (*irq_timer_stop)(void);
	/*
	 * Optional, the irq perturbation: run fn(arg) in a hardirq handler on
	 * CPU cpu (a set_cpus() index), preferably not the caller's, and
	 * return once it has run: 0, or an error if it could not run there
	 * (the CPU is offline).
	 */
	int (*irq_call)(int cpu, void (*fn)(void *arg), void *arg);
	/*
	 * Optional, CPU hotplug: take CPU cpu (a set_cpus() index, never 0)
	 * offline or online: 0, or an error (-EBUSY: refused this time).
	 * cpu_online(cpu): is it online now.
	 */
	int (*cpu_set_online)(int cpu, bool online);
	bool (*cpu_online)(int cpu);
	/*
	 * Optional: the environment's own checker has reported since the
	 * run started (kernel: lockdep turned itself off); a failure of
	 * kind checker.  Polled by the control loop.
	 */
	bool (*checker_fired)(void);
};

struct torture_cfg {
	u64 seed;
	u64 duration_ns;	/* this primitive's run */
	u64 watchdog_ns;	/* hang bound */
	u64 stat_ns;		/* summary period */
	int readers;		/* 1..TORTURE_MAX_READERS */
	int fake;		/* 0..TORTURE_MAX_FAKE (0 unless P_FAKE) */
	unsigned int perturb;	/* 1 << TORTURE_P_* */
	u64 onoff_ns;		/* CPU hotplug period; 0: none */
	bool stop_on_fail;	/* end the run at its first failure */
	bool verbose;
};

struct torture_result {
	long failures;
	u64 first_ns;		/* start of the run to the first failure */
	unsigned int kinds;	/* 1 << TORTURE_F_* seen */
	unsigned long revokes;
	u64 elapsed_ns;
	bool interrupted;	/* env->should_stop() ended it */
	bool leaked;		/* threads could not be stopped */
	unsigned long irq_accesses;	/* validated in hardirq context */
	unsigned long offlines, onlines;	/* CPU hotplug transitions */
};

/*
 * Torture ops for cfg->duration_ns (or until the first failure, or
 * should_stop()).  ops->global_init() has run.  Returns res->failures.
 */
long torture_run(const struct torture_env *env,
		 const struct revocable_ops *ops,
		 const struct torture_cfg *cfg, struct torture_result *res);

#endif /* REVBENCH_TORTURE_CORE_H */
