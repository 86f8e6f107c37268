/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmod.h - internal interfaces of revbench.ko (kernel only).
 *
 *   main.c      module parameters, init/exit, debugfs control files
 *   shared_*.c  (generated in the build tree by mk/kmod.mk) compile the
 *               shared sources unchanged (primitives/, workloads/,
 *               torture/, tests/suite/), the registry included
 *   kcompat.h   kernel-version differences only the module needs
 *   srcu_paths.c  which path each SRCU revoke took (compat.h's
 *               RB_HAVE_SRCU_PATHS)
 *   ktest.c     mode=test: the shared suite (tests/suite/, through
 *               shared_contract.c and shared_stress.c) as KTAP
 *   kthread.c   kthread helpers and the stop flag every run polls
 *               (kthread.h), a leaf
 *   bench.c     refscale-style reader benchmark and revoke timing
 *   torture.c   rcutorture-style torture of primitives and the bug zoo
 *   drv.c       the "revbench" platform driver and its devices
 *   results.c   results JSON (results/FORMAT.md) in a kernel buffer
 */
#ifndef REVBENCH_KMOD_H
#define REVBENCH_KMOD_H

#include <linux/kthread.h>
#include <linux/mutex.h>
#include <linux/string.h>

#include "revocable.h"
#include "knobs.h"
#include "kthread.h"

/* Modes of a run. */
enum rbk_mode {
	RBK_MODE_NONE,
	RBK_MODE_TEST,
	RBK_MODE_BENCH,
	RBK_MODE_TORTURE,
};

/*
 * Room for a list, primitive=a,b,c (bench): more than the 64 bytes a
 * kernel string parameter usually has (kmod/main.c's parameters copy
 * through their own ops, which say when a value is too long).
 */
#define RBK_NAME_LEN	256

/*
 * One run's configuration: the module parameters, or a debugfs "run"
 * line over them.  Its members are the rows of the knob table
 * (workloads/knobs.h): a number per RB_KNOBS row the module has, a name
 * per RB_KNOB_STRS row; mode is mode_name converted by
 * rbk_config_check().
 */
#define RBK_KFIELD_BOTH(f)	unsigned int f;
#define RBK_KFIELD_KERNEL(f)	unsigned int f;
#define RBK_KFIELD_USER(f)
struct rbk_config {
	enum rbk_mode mode;
#define X(f, u, env, kind, lo, hi, def, help)	RBK_KFIELD_##env(f)
	RB_KNOBS(X)
#undef X
#define X(f, k, def, help)	char f[RBK_NAME_LEN];
	RB_KNOB_STRS(X)
#undef X
};

/* Parse "key=value key=value ..." over a copy of defaults. */
int rbk_config_parse(struct rbk_config *cfg, char *line);
/* Check every field; pr_err() naming the bad one and -EINVAL. */
int rbk_config_check(struct rbk_config *cfg);
const char *rbk_mode_name(enum rbk_mode mode);
/* Is @name one of the comma-separated names of @list ("all": every one)? */
static inline bool rbk_name_listed(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	if (!strcmp(list, "all"))
		return true;
	while (*p) {
		const char *e = strchrnul(p, ',');

		if ((size_t)(e - p) == n && !strncmp(p, name, n))
			return true;
		p = *e ? e + 1 : e;
	}
	return false;
}

/* Tests (ktest.c): KTAP on the console; the totals in *s. */
struct rbk_test_summary {
	int passed, failed, skipped;
};
void rbk_run_tests(const struct rbk_config *cfg, struct rbk_test_summary *s);

/* Torture (torture.c): KTAP on the console, one point per primitive/bug. */
#define RBK_TORTURE_MAX_READERS	64
void rbk_run_torture(const struct rbk_config *cfg, struct rbk_test_summary *s);
/* no_perturb=LIST into a mask of TORTURE_P_*; -EINVAL naming a bad name. */
int rbk_torture_perturb(const char *no_perturb, unsigned int *mask);

/* The kernel bug zoo table is rev_bug_zoo[] (bugs.h, primitives/registry.c). */

/* The first line of a sysfs or proc file, or "unavailable" (results.c). */
void rbk_sysfs_line(const char *path, char *buf, size_t len);

/* Calibration probe (calib.c), recorded in every bench run's context. */
struct rbk_calib {
	u64 pingpong_ns;	/* median CPU0<->CPU1 round trip, 0 = n/a */
	u64 loop_ps;		/* median empty-loop iteration, picoseconds */
	u64 clock_ps;		/* one ktime_get_mono_fast_ns(), back to back */
};
void rbk_calibrate(struct rbk_calib *c);

/* Benchmarks (bench.c) */
struct rbk_results;
struct rb_workload;
struct rb_wl_params;
/* One cell's parameters from a run's configuration (bench, knob checks). */
void rbk_wl_params(const struct rbk_config *cfg,
		   const struct revocable_ops *ops,
		   const struct rb_workload *wl, struct rb_wl_params *p);
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
