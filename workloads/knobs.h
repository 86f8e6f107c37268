/* SPDX-License-Identifier: GPL-2.0 */
/*
 * knobs.h - the knobs of a run, declared once for both environments: the
 * runner's options (runner/cli.c: --NAME) and the kernel module's
 * parameters and debugfs "run" keys (kmod/main.c: NAME=V) are generated
 * from these rows, with one name, one range and one help line each.
 *
 * RB_KNOBS(X): numbers.  X(field, uname, env, kind, min, max, kdef, help)
 *   field  the struct member and the module parameter / debugfs key
 *   uname  the runner's option without "--" ("" where env is KERNEL)
 *   env    BOTH, USER or KERNEL: the environments that have it
 *   kind   LIST: the runner takes a comma-separated sweep (the module one
 *          value per run); ONE: a single value in both
 *   min, max  the range, the same in both environments
 *   kdef   the module's default (the runner's defaults depend on --quick
 *          and the workload; 0 there means "the default")
 *   help   one line: MODULE_PARM_DESC and revbench run --help
 *
 * RB_KNOB_STRS(X): the module's string parameters, X(field, kname, kdef,
 * help); kname is the parameter's name where the member is named
 * otherwise (mode: the member mode_name, converted to an enum by
 * kmod/main.c).  The runner takes its names (--primitive, --workload,
 * --mode) as lists checked against the ops and workload tables
 * (runner/cli.c); those options are not numbers, so they are not rows
 * here.
 */
#ifndef REVBENCH_KNOBS_H
#define REVBENCH_KNOBS_H

#define RB_KNOBS(X)							\
X(threads, "threads", BOTH, LIST, 0, 1024, 0,				\
  "participants per cell (unbind*: the revoker and the readers); 0 = the default (one per CPU)") \
X(cs, "cs", BOTH, LIST, 1, 1000000, 1,					\
  "page-table lookups per critical section (translate, unbind*)")	\
X(guard, "guard", BOTH, LIST, 1, 64, 1,					\
  "translate: revocables per reader operation, each over its own page table; one read-side guard for all where the primitive shares one (caps guard), else an access each") \
X(delay_ns, "delay-ns", BOTH, ONE, 0, 100000000, 0,			\
  "busy-wait this many ns inside every critical section")		\
X(sleep_us, "sleep-us", BOTH, ONE, 0, 1000000, 0,			\
  "sleep this many us inside every critical section (primitives with the sleep capability only)") \
X(stall_us, "stall-us", BOTH, LIST, 0, 10000000, 0,			\
  "unbind*: reader 1 parks this many us inside an access to a bystander revocable in every cycle") \
X(npages, "npages", BOTH, LIST, 1, 512, 1,				\
  "map-unmap: 4K entries per map/unmap")				\
X(nmany, "n", BOTH, LIST, 1, 4096, 16,				\
  "unbind-many: revocables per unbind")					\
X(samples, "samples", BOTH, ONE, 1, 100000, 100,			\
  "revoke samples per repetition (unbind*)")				\
X(reps, "repetitions", BOTH, ONE, 1, 100, 3,				\
  "repetitions per cell")						\
X(seed, "seed", BOTH, ONE, 0, 4294967295U, 0,				\
  "seed: the working-set walk (bench), the perturbations (torture; 0 = from the clock, printed)") \
X(loops, "", KERNEL, ONE, 1, 100000000, 10000,				\
  "accesses per participant in a timed window (the runner sizes it by --min-time)") \
X(seconds, "", KERNEL, ONE, 1, 3600, 60,				\
  "watchdog: abort one repetition after this many seconds")		\
X(ndevs, "", KERNEL, ONE, 1, 64, 2,					\
  "platform devices to create")						\
X(rounds, "", KERNEL, ONE, 1, 100000, 20,				\
  "test: stress revoke/re-create rounds")				\
X(hold_ms, "", KERNEL, ONE, 1, 10000, 20,				\
  "test: how long a reader holds its access, ms")			\
X(duration, "", KERNEL, ONE, 1, 86400, 3,				\
  "torture: seconds each primitive runs")				\
X(bug_duration, "", KERNEL, ONE, 1, 3600, 20,				\
  "torture: at most this many seconds per bug; a bug run stops when caught") \
X(watchdog_ms, "", KERNEL, ONE, 100, 3600000, 10000,			\
  "torture: a revoke of a real primitive taking longer is a hang")	\
X(bug_watchdog_ms, "", KERNEL, ONE, 100, 3600000, 2000,			\
  "torture: the same bound for the bug zoo")				\
X(stat_ms, "", KERNEL, ONE, 100, 3600000, 1000,				\
  "torture: summary line period, ms")					\
X(onoff_ms, "", KERNEL, ONE, 0, 3600000, 0,				\
  "torture: ms between CPU offline/online operations, as rcutorture's onoff_interval (0: no CPU hotplug)") \
X(generic, "", KERNEL, ONE, 0, 1, 0,					\
  "1: the generic read-section loop instead of the inline one (the runner's --generic-loop)") \
X(irqoff, "", KERNEL, ONE, 0, 1, 1,					\
  "1: read-side timed windows (empty, translate, error-path without sleep_us) run with interrupts off, as refscale's") \
X(stall_rcu, "", KERNEL, ONE, 0, 1, 0,					\
  "unbind*: 1 = the stall_us stall is inside a bare rcu_read_lock() section (a foreign RCU reader), not a bystander access")

#define RB_KNOB_STRS(X)							\
X(mode_name, mode, "none",						\
  "run at insmod: test | bench | torture | none")			\
X(primitive, primitive, "all",						\
  "an ops name (debugfs primitives) or all; torture: empty = bugs only; bench: a zoo entry too (test builds), or a comma-separated list of ops names") \
X(workload, workload, "translate",					\
  "a shared workload (rb_workloads[]), driver-unbind (kernel only: device_release_driver timed), a comma-separated list of them, or all") \
X(many_mode, many_mode, "oneby",					\
  "unbind-many: oneby | batched")					\
X(env, env, "kernel",							\
  "results context revbench_env: kernel | kernel-tcg")			\
X(bug, bug, "none",							\
  "torture: a bug zoo entry, all, or none (zoo in KMOD_BUGS=1 test builds only)") \
X(no_perturb, no_perturb, "",						\
  "torture: comma-separated perturbations to switch off (all: every one), as revbench torture --no-perturb")

#endif /* REVBENCH_KNOBS_H */
