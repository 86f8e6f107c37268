/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmod.h - internal interfaces of revbench.ko (kernel only).
 *
 *   main.c      module parameters, init/exit, debugfs control files
 *   registry.c  the kernel's rev_ops_all[] table
 *   prim_*.c    primitives on kernel APIs; shared_*.c the shared sources
 *   ktest.c     in-kernel contract and stress tests, KTAP output
 *   bench.c     refscale-style reader benchmark and revoke timing
 *   torture.c   rcutorture-style torture of primitives and the bug zoo
 *   bugs_kernel.c  the kernel bug zoo table (KMOD_BUGS=1 builds only)
 *   drv.c       the "revbench" platform driver and its devices
 *   results.c   results JSON (results/FORMAT.md) in a kernel buffer
 */
#ifndef REVBENCH_KMOD_H
#define REVBENCH_KMOD_H

#include <linux/kthread.h>
#include <linux/mutex.h>

#include "revocable.h"

/* Kernel-only ops tables (the rest are declared by the shared sources). */
extern const struct revocable_ops rev_ops_none;
extern const struct revocable_ops rev_ops_refcount;
extern const struct revocable_ops rev_ops_rcu;
extern const struct revocable_ops rev_ops_rcu_exp;
extern const struct revocable_ops rev_ops_rcu_deferred;
extern const struct revocable_ops rev_ops_srcu;
extern const struct revocable_ops rev_ops_srcu_exp;
extern const struct revocable_ops rev_ops_srcu_shared;
extern const struct revocable_ops rev_ops_percpu_ref;
extern const struct revocable_ops rev_ops_rwsem;
extern const struct revocable_ops rev_ops_seqlock;
extern const struct revocable_ops rev_ops_hazptr;

int rbk_registry_init(void);
void rbk_registry_exit(void);

/* Modes of a run. */
enum rbk_mode {
	RBK_MODE_NONE,
	RBK_MODE_TEST,
	RBK_MODE_BENCH,
	RBK_MODE_TORTURE,
};

#define RBK_NAME_LEN	32

/* One run's configuration: module parameters or a debugfs "run" line. */
struct rbk_config {
	enum rbk_mode mode;		/* from mode_name, by rbk_config_check() */
	char mode_name[RBK_NAME_LEN];
	char primitive[RBK_NAME_LEN];	/* an ops name or "all" */
	char workload[RBK_NAME_LEN];	/* a workload name, driver-unbind, all */
	char many_mode[RBK_NAME_LEN];	/* unbind-many: oneby | batched */
	char env[RBK_NAME_LEN];		/* revbench_env: kernel | kernel-tcg */
	unsigned int threads;		/* participants; 0 = one per online CPU */
	unsigned int cs;		/* lookups per access */
	unsigned int delay_ns;		/* busy delay inside the access */
	unsigned int sleep_us;		/* sleep inside the access */
	unsigned int stall_us;		/* unbind: one reader parks this long */
	unsigned int npages;		/* map-unmap: pages per map */
	unsigned int nmany;		/* unbind-many: revocables */
	unsigned int samples;		/* revoke samples per repetition */
	unsigned int reps;		/* repetitions per benchmark cell */
	unsigned int loops;		/* accesses per participant per window */
	unsigned int seconds;		/* watchdog on one repetition */
	unsigned int ndevs;		/* platform devices */
	unsigned int rounds;		/* stress: revoke/re-create rounds */
	unsigned int hold_ms;		/* contract: how long a reader holds */
	/* torture (torture.c) */
	char bug[RBK_NAME_LEN];		/* a zoo entry, "all" or "none" */
	unsigned int duration;		/* s per real primitive */
	unsigned int bug_duration;	/* s: budget per bug (stops when caught) */
	unsigned int seed;		/* 0 = from the clock (printed) */
	unsigned int watchdog_ms;	/* hang bound, real primitives */
	unsigned int bug_watchdog_ms;	/* hang bound, bug zoo */
	unsigned int stat_ms;		/* summary line period */
	char no_perturb[RBK_NAME_LEN];	/* perturbations switched off */
};

/* Parse "key=value key=value ..." over a copy of defaults. */
int rbk_config_parse(struct rbk_config *cfg, char *line);
/* Check every field; pr_err() naming the bad one and -EINVAL. */
int rbk_config_check(struct rbk_config *cfg);
const char *rbk_mode_name(enum rbk_mode mode);

/* Set when the module is going away or a run is told to stop. */
bool rbk_should_stop(void);

/* Tests (ktest.c): KTAP on the console; returns failures. */
struct rbk_test_summary {
	int passed, failed, skipped;
};
void rbk_run_tests(const struct rbk_config *cfg, struct rbk_test_summary *s);

/* Torture (torture.c): KTAP on the console, one point per primitive/bug. */
#define RBK_TORTURE_MAX_READERS	64
void rbk_run_torture(const struct rbk_config *cfg, struct rbk_test_summary *s);
/* no_perturb=LIST into a mask of TORTURE_P_*; -EINVAL naming a bad name. */
int rbk_torture_perturb(const char *no_perturb, unsigned int *mask);

/* The kernel bug zoo table is rev_bug_zoo[] (bugs.h, bugs_kernel.c). */
#ifdef REVBENCH_BUGS
extern const struct revocable_ops rev_ops_bug_srcu_shared_handle;
extern const struct revocable_ops rev_ops_bug_percpu_noconfirm;
extern const struct revocable_ops rev_ops_bug_seqlock_noretry;
#endif

/* kthread helpers (ktest.c) */
struct task_struct *rbk_kthread_on_cpu(int (*fn)(void *), void *data,
				       int cpu, const char *name);
void rbk_wait_for_stop(void);

/* Calibration probe (calib.c), recorded in every bench run's context. */
struct rbk_calib {
	u64 pingpong_ns;	/* median CPU0<->CPU1 round trip, 0 = n/a */
	u64 loop_ps;		/* median empty-loop iteration, picoseconds */
};
void rbk_calibrate(struct rbk_calib *c);

/* Benchmarks (bench.c) */
struct rbk_results;
int rbk_run_bench(const struct rbk_config *cfg, struct rbk_results *res);

/* Results JSON (results.c) */
struct rbk_results *rbk_results_new(const struct rbk_config *cfg,
				    const char *command_line);
void rbk_results_free(struct rbk_results *res);
int rbk_results_finish(struct rbk_results *res);	/* close the JSON */
const char *rbk_results_text(const struct rbk_results *res, size_t *len);

/* Platform driver (drv.c) */
int rbk_drv_init(const struct rbk_config *cfg);
void rbk_drv_exit(void);

#endif /* REVBENCH_KMOD_H */
