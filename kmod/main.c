// SPDX-License-Identifier: GPL-2.0
/*
 * revbench.ko - revocation primitives on real kernel APIs: contract and
 * stress tests (KTAP), refscale-style benchmarks, and a real driver-core
 * unbind through a platform driver.
 *
 * A run at insmod (module parameters, all read-only afterwards), started in
 * a kthread; insmod returns at once:
 *
 *   insmod revbench.ko mode=test [primitive=all|NAME] [rounds=20] [hold_ms=20]
 *   insmod revbench.ko mode=bench primitive=rcu workload=translate ...
 *   insmod revbench.ko mode=torture [primitive=all|NAME|] [bug=none|all|NAME]
 *          [duration=3] [bug_duration=20] [seed=0] [watchdog_ms=10000]
 *          [bug_watchdog_ms=2000] [stat_ms=1000] [threads=0]
 *          [no_perturb=LIST]                                (torture.c)
 *   insmod revbench.ko                 (mode=none: load, register, idle)
 *
 * mode=test and mode=torture print KTAP v1 and, last, "revbench: done: P
 * passed, F failed" (skips are listed as "# SKIP" and counted in neither).  mode=bench
 * prints one line per cell and "revbench: done: bench, F cell(s) failed";
 * the JSON is in /sys/kernel/debug/revbench/results.  The run goes in the
 * "rbk_run" kthread, as refscale, rcuscale and locktorture start theirs:
 * insmod returns 0 as soon as the parameters are checked and the thread
 * started; debugfs "status" says "running ..." until the run ends, then
 * the "done:" line, which is also the run's last console line.  rmmod
 * stops a run (the thread sees the stop flag within a repetition's poll,
 * its readers are stopped, everything revoked and freed).  An invalid
 * parameter, or a knob combination the shared rules refuse
 * (rb_wl_check_knobs(): a timed window or a spinning stall longer than
 * the lockup watchdog allows, fewer revoke samples than a p99 needs),
 * fails insmod (or the debugfs write) with -EINVAL and a pr_err naming
 * the knobs.
 *
 * debugfs, /sys/kernel/debug/revbench/:
 *   run         write "key=value ..." (the parameter names below) to
 *               start a run in the background; -EBUSY while one runs
 *   stop        write anything: ask the current run to stop
 *   status      "idle", "running ...", or the last run's "done:" line
 *   results     the last bench run's results JSON (results/FORMAT.md)
 *   samples     its raw revoke samples: a "# cell N NAME" index, then CSV
 *               "cell,repetition,sample_ns" (the <results>.samples.csv
 *               sidecar; results.c)
 *   primitives  the ops table: name, family, caps, description
 *
 * rmmod is safe at any time: it stops a background run (its threads are
 * stopped, its revocables revoked and freed), unbinds the devices (remove()
 * revokes) and frees everything.
 */
#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>

#include "revocable.h"
#include "workload.h"
#include "bugs.h"
#include "kmod.h"
#include "results.h"

/* ---------------------------------------------------------------- */
/*
 * parameters: one per row of the knob table (workloads/knobs.h), stored
 * straight into rbk_params; a debugfs "run" line is parsed over a copy
 * of it by the same field table.
 */

#define RBK_KINIT_BOTH(f, def)		.f = def,
#define RBK_KINIT_KERNEL(f, def)	.f = def,
#define RBK_KINIT_USER(f, def)
static struct rbk_config rbk_params = {
#define X(f, u, env, kind, lo, hi, def, help)	RBK_KINIT_##env(f, def)
	RB_KNOBS(X)
#undef X
#define X(f, k, def, help)	.f = def,
	RB_KNOB_STRS(X)
#undef X
};

#define RBK_KPARAM_BOTH(f, lo, hi, help)				\
	module_param_named(f, rbk_params.f, uint, 0444);		\
	MODULE_PARM_DESC(f, help " (" #lo ".." #hi ")");
#define RBK_KPARAM_KERNEL(f, lo, hi, help) RBK_KPARAM_BOTH(f, lo, hi, help)
#define RBK_KPARAM_USER(f, lo, hi, help)
#define X(f, u, env, kind, lo, hi, def, help) RBK_KPARAM_##env(f, lo, hi, help)
RB_KNOBS(X)
#undef X
/*
 * The string parameters: the kernel's own ops (module_param_string())
 * refuse a value that does not fit with -ENOSPC and "string doesn't fit";
 * these say which parameter, how long it may be, and give -EINVAL as
 * every other bad value does (rbk_config_set() for a debugfs line).
 */
static int rbk_param_set_str(const char *val, const struct kernel_param *kp)
{
	const struct kparam_string *kps = kp->str;
	size_t len = strlen(val);

	if (len >= kps->maxlen) {
		rb_pr_err("parameter %s: value too long (%zu characters, at most %u)\n",
			  kp->name, len, kps->maxlen - 1);
		return -EINVAL;
	}
	memcpy(kps->string, val, len + 1);
	return 0;
}

static const struct kernel_param_ops rbk_param_str_ops = {
	.set = rbk_param_set_str,
	.get = param_get_string,
};

#define X(f, k, def, help)						\
	static struct kparam_string rbk_kps_##f = {			\
		.maxlen = RBK_NAME_LEN, .string = rbk_params.f,		\
	};								\
	module_param_cb(k, &rbk_param_str_ops, &rbk_kps_##f, 0444);	\
	MODULE_PARM_DESC(k, help);
RB_KNOB_STRS(X)
#undef X

/* ---------------------------------------------------------------- */
/* configuration: parameters and debugfs "run" lines share one parser */

enum rbk_ftype { RBK_UINT, RBK_STR };

#define RBK_KFLD_BOTH(f, lo, hi)					\
	{ #f, RBK_UINT, offsetof(struct rbk_config, f), lo, hi },
#define RBK_KFLD_KERNEL(f, lo, hi)	RBK_KFLD_BOTH(f, lo, hi)
#define RBK_KFLD_USER(f, lo, hi)
static const struct rbk_field {
	const char *name;
	enum rbk_ftype type;
	size_t off;
	unsigned int min, max;
} rbk_fields[] = {
#define X(f, u, env, kind, lo, hi, def, help)	RBK_KFLD_##env(f, lo, hi)
	RB_KNOBS(X)
#undef X
#define X(f, k, def, help)						\
	{ #k, RBK_STR, offsetof(struct rbk_config, f), 0, 0 },
	RB_KNOB_STRS(X)
#undef X
};

static const char *const rbk_mode_names[] = {
	[RBK_MODE_NONE] = "none",
	[RBK_MODE_TEST] = "test",
	[RBK_MODE_BENCH] = "bench",
	[RBK_MODE_TORTURE] = "torture",
};

const char *rbk_mode_name(enum rbk_mode m)
{
	return m < ARRAY_SIZE(rbk_mode_names) ? rbk_mode_names[m] : "?";
}

static int rbk_config_set(struct rbk_config *cfg, const char *key,
			  const char *val)
{
	const struct rbk_field *f = NULL;
	unsigned int v;
	int i;

	for (i = 0; i < ARRAY_SIZE(rbk_fields); i++)
		if (!strcmp(rbk_fields[i].name, key))
			f = &rbk_fields[i];
	if (!f) {
		rb_pr_err("unknown parameter '%s'\n", key);
		return -EINVAL;
	}
	if (f->type == RBK_STR) {
		if (strscpy((char *)cfg + f->off, val, RBK_NAME_LEN) < 0) {
			rb_pr_err("parameter %s: value too long (%zu characters, at most %d)\n",
				  key, strlen(val), RBK_NAME_LEN - 1);
			return -EINVAL;
		}
		return 0;
	}
	if (kstrtouint(val, 0, &v) || v < f->min || v > f->max) {
		rb_pr_err("parameter %s: '%s' is not a number in [%u, %u]\n",
			  f->name, val, f->min, f->max);
		return -EINVAL;
	}
	*(unsigned int *)((char *)cfg + f->off) = v;
	return 0;
}

int rbk_config_parse(struct rbk_config *cfg, char *line)
{
	char *tok;
	int ret;

	while ((tok = strsep(&line, " \t\n")) != NULL) {
		char *eq;

		if (!*tok)
			continue;
		eq = strchr(tok, '=');
		if (!eq) {
			rb_pr_err("run: '%s' is not key=value\n", tok);
			return -EINVAL;
		}
		*eq = '\0';
		ret = rbk_config_set(cfg, tok, eq + 1);
		if (ret)
			return ret;
	}
	return 0;
}

/* Is every name of a comma-separated list known to known()? */
static bool rbk_list_ok(const char *list, bool (*known)(const char *name))
{
	char one[RBK_NAME_LEN];
	const char *p = list, *e;

	do {
		e = strchrnul(p, ',');
		if (e == p || (size_t)(e - p) >= sizeof(one))
			return false;
		memcpy(one, p, e - p);
		one[e - p] = '\0';
		if (!known(one))
			return false;
		p = e + 1;
	} while (*e);
	return true;
}

static bool rbk_workload_known(const char *name)
{
	return !strcmp(name, "driver-unbind") || rb_workload_find(name);
}

/* "all", or a comma-separated list of known workloads. */
static bool rbk_workload_ok(const char *list)
{
	return !strcmp(list, "all") || rbk_list_ok(list, rbk_workload_known);
}

/*
 * bench: primitive= may be a comma-separated list of table names, so that
 * a pair is measured in one boot (the zoo's performance bug beside the
 * fixed design); a BROKEN zoo entry runs alone, named by itself.
 */
static bool rbk_prim_known(const char *name)
{
	return rev_ops_find(name);
}

/* mode=torture: primitive (may be empty), bug, threads. */
static int rbk_torture_check(struct rbk_config *cfg)
{
	const struct revocable_ops *ops;

	if (cfg->primitive[0] && strcmp(cfg->primitive, "all")) {
		ops = rev_ops_find(cfg->primitive);
		if (!ops)
			ops = rev_bug_find(cfg->primitive);
		if (!ops) {
			rb_pr_err("parameter primitive: unknown primitive '%s' (see /sys/kernel/debug/revbench/primitives; empty: bugs only)\n",
				  cfg->primitive);
			return -EINVAL;
		}
	}
	if (strcmp(cfg->bug, "none")) {
		if (!rev_bug_zoo_count) {
			rb_pr_err("parameter bug: '%s': this revbench.ko has no bug zoo (it is built into the test module only: make kmod KMOD_BUGS=1, as make vm-torture does)\n",
				  cfg->bug);
			return -EINVAL;
		}
		if (strcmp(cfg->bug, "all") && !rev_bug_find(cfg->bug)) {
			rb_pr_err("parameter bug: unknown bug '%s' (all, none, or one of the zoo:",
				  cfg->bug);
			{
				int i;

				for (i = 0; i < rev_bug_zoo_count; i++)
					pr_cont(" %s", rev_bug_zoo[i]->name);
			}
			pr_cont(")\n");
			return -EINVAL;
		}
	}
	if (!cfg->primitive[0] && !strcmp(cfg->bug, "none")) {
		rb_pr_err("parameter primitive: empty and bug=none: nothing to torture\n");
		return -EINVAL;
	}
	if (rbk_torture_perturb(cfg->no_perturb, NULL))
		return -EINVAL;
	if (cfg->threads > RBK_TORTURE_MAX_READERS) {
		rb_pr_err("parameter threads: torture takes at most %d readers, not %u\n",
			  RBK_TORTURE_MAX_READERS, cfg->threads);
		return -EINVAL;
	}
	return 0;
}

/*
 * mode=bench: the shared rules on knob combinations (workload.h,
 * rb_wl_check_knobs()) for every primitive and workload the run would
 * take, and the same p99 rule for driver-unbind.  The first violation is
 * the pr_err and -EINVAL.
 */
static int rbk_knobs_check(const struct rbk_config *cfg)
{
	static char why[320];	/* one configuration check at a time */
	const struct revocable_ops *ops;
	struct rb_wl_params p;
	int i, w;

	if (rbk_name_listed(cfg->workload, "driver-unbind") &&
	    cfg->samples < RB_WL_P99_MIN_SAMPLES) {
		rb_pr_err("driver-unbind: samples=%u: a repetition's revoke p99 needs at least %d samples (with fewer, the nearest-rank p99 is the sample maximum)\n",
			  cfg->samples, RB_WL_P99_MIN_SAMPLES);
		return -EINVAL;
	}
	for (i = 0; i <= rev_ops_count; i++) {
		ops = i < rev_ops_count ? rev_ops_all[i] :
		      rev_bug_find(cfg->primitive);
		if (!ops || !rbk_name_listed(cfg->primitive, ops->name))
			continue;
		for (w = 0; w < RB_WL_NR; w++) {
			const struct rb_workload *wl = &rb_workloads[w];
			const char *msg;

			if (!rbk_name_listed(cfg->workload, wl->name))
				continue;
			rbk_wl_params(cfg, ops, wl, &p);
			msg = rb_wl_check_knobs(wl, &p, why, sizeof(why));
			if (msg) {
				rb_pr_err("%s (primitive %s)\n", msg, ops->name);
				return -EINVAL;
			}
		}
	}
	return 0;
}

/* Range checks happened in rbk_config_set(); names are checked here. */
int rbk_config_check(struct rbk_config *cfg)
{
	int i;

	cfg->mode = RBK_MODE_NONE;
	for (i = 0; i < ARRAY_SIZE(rbk_mode_names); i++)
		if (!strcmp(cfg->mode_name, rbk_mode_names[i]))
			break;
	if (i == ARRAY_SIZE(rbk_mode_names)) {
		rb_pr_err("parameter mode: '%s' is not test, bench, torture or none\n",
			  cfg->mode_name);
		return -EINVAL;
	}
	cfg->mode = i;
	if (cfg->mode == RBK_MODE_TORTURE) {
		int ret = rbk_torture_check(cfg);

		if (ret)
			return ret;
	} else if (strcmp(cfg->primitive, "all") && !rev_ops_find(cfg->primitive) &&
		   !(cfg->mode == RBK_MODE_BENCH &&
		     (rev_bug_find(cfg->primitive) ||
		      rbk_list_ok(cfg->primitive, rbk_prim_known)))) {
		/* bench: a zoo entry runs only when named (KMOD_BUGS=1) */
		rb_pr_err("parameter primitive: unknown primitive '%s' (see /sys/kernel/debug/revbench/primitives)\n",
			  cfg->primitive);
		return -EINVAL;
	}
	if (!rbk_workload_ok(cfg->workload)) {
		rb_pr_err("parameter workload: unknown workload in '%s' (one name, a comma-separated list, or all)\n",
			  cfg->workload);
		return -EINVAL;
	}
	if (strcmp(cfg->many_mode, "oneby") && strcmp(cfg->many_mode, "batched")) {
		rb_pr_err("parameter many_mode: '%s' is not oneby or batched\n",
			  cfg->many_mode);
		return -EINVAL;
	}
	if (strcmp(cfg->env, "kernel") && strcmp(cfg->env, "kernel-tcg")) {
		rb_pr_err("parameter env: '%s' is not kernel or kernel-tcg\n",
			  cfg->env);
		return -EINVAL;
	}
	if (cfg->mode == RBK_MODE_BENCH)
		return rbk_knobs_check(cfg);
	return 0;
}

static int rbk_config_from_params(struct rbk_config *cfg)
{
	int i;

	*cfg = rbk_params;
	/* module_param() takes any uint: the same ranges as a debugfs line */
	for (i = 0; i < ARRAY_SIZE(rbk_fields); i++) {
		const struct rbk_field *f = &rbk_fields[i];
		unsigned int v;

		if (f->type != RBK_UINT)
			continue;
		v = *(unsigned int *)((char *)cfg + f->off);
		if (v < f->min || v > f->max) {
			rb_pr_err("parameter %s: %u is not in [%u, %u]\n",
				  f->name, v, f->min, f->max);
			return -EINVAL;
		}
	}
	return rbk_config_check(cfg);
}

/* ---------------------------------------------------------------- */
/* runs */

static DEFINE_MUTEX(rbk_state_lock);	/* all below */
static struct task_struct *rbk_run_task;
static bool rbk_running;
static char rbk_status[160] = "idle\n";
static struct rbk_results *rbk_last_results;
static struct rbk_config rbk_base_cfg;	/* defaults for debugfs runs */

/* Run one configuration; fills rbk_status and rbk_last_results. */
static void rbk_do_run(struct rbk_config *cfg, const char *cmdline)
{
	char line[160];

	if (cfg->mode == RBK_MODE_TEST || cfg->mode == RBK_MODE_TORTURE) {
		struct rbk_test_summary s;

		if (cfg->mode == RBK_MODE_TEST)
			rbk_run_tests(cfg, &s);
		else
			rbk_run_torture(cfg, &s);
		snprintf(line, sizeof(line),
			 "revbench: done: %d passed, %d failed\n", s.passed,
			 s.failed);
	} else if (cfg->mode == RBK_MODE_BENCH) {
		struct rbk_results *res = rbk_results_new(cfg, cmdline);
		int ret = -ENOMEM, failed = 0;

		if (res) {
			ret = rbk_run_bench(cfg, res);
			failed = ret < 0 ? -1 : ret;
			rbk_results_finish(res);
		}
		if (ret < 0)
			snprintf(line, sizeof(line),
				 "revbench: done: bench error %d\n", ret);
		else
			snprintf(line, sizeof(line),
				 "revbench: done: bench, %d cell(s) failed\n",
				 failed);
		mutex_lock(&rbk_state_lock);
		rbk_results_free(rbk_last_results);
		rbk_last_results = res;
		mutex_unlock(&rbk_state_lock);
	} else {
		return;
	}
	pr_info("%s", line);
	mutex_lock(&rbk_state_lock);
	strscpy(rbk_status, line + strlen("revbench: "), sizeof(rbk_status));
	mutex_unlock(&rbk_state_lock);
}

struct rbk_run_req {
	struct rbk_config cfg;
	char cmdline[256];
};

static int rbk_run_thread(void *data)
{
	struct rbk_run_req *req = data;

	rbk_do_run(&req->cfg, req->cmdline);
	kfree(req);
	mutex_lock(&rbk_state_lock);
	rbk_running = false;
	mutex_unlock(&rbk_state_lock);
	rbk_wait_for_stop();
	return 0;
}

/*
 * Start req (checked) in the rbk_run kthread; it owns req from here.
 * -EBUSY while a run is going.  The previous run's thread, parked, is
 * stopped first.
 */
static int rbk_start_run(struct rbk_run_req *req, const char *what)
{
	struct task_struct *t;

	mutex_lock(&rbk_state_lock);
	if (rbk_running) {
		mutex_unlock(&rbk_state_lock);
		kfree(req);
		return -EBUSY;
	}
	if (rbk_run_task) {		/* the previous run, parked */
		kthread_stop(rbk_run_task);
		rbk_run_task = NULL;
	}
	rbk_stop_set(false);
	rbk_running = true;
	snprintf(rbk_status, sizeof(rbk_status), "running %s: %.120s\n",
		 what, req->cmdline);
	t = kthread_run(rbk_run_thread, req, "rbk_run");
	if (IS_ERR(t)) {
		rbk_running = false;
		strscpy(rbk_status, "idle\n", sizeof(rbk_status));
		mutex_unlock(&rbk_state_lock);
		kfree(req);
		return PTR_ERR(t);
	}
	rbk_run_task = t;
	mutex_unlock(&rbk_state_lock);
	return 0;
}

/* ---------------------------------------------------------------- */
/* debugfs */

static struct dentry *rbk_dir;

static ssize_t rbk_run_write(struct file *file, const char __user *ubuf,
			     size_t len, loff_t *ppos)
{
	struct rbk_run_req *req;
	int ret;

	if (len >= sizeof(req->cmdline))
		return -E2BIG;
	req = kzalloc(sizeof(*req), GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	if (copy_from_user(req->cmdline, ubuf, len)) {
		kfree(req);
		return -EFAULT;
	}
	req->cmdline[len] = '\0';
	strim(req->cmdline);
	req->cfg = rbk_base_cfg;
	strscpy(req->cfg.mode_name, "bench", RBK_NAME_LEN);
	{
		char tmp[256];

		strscpy(tmp, req->cmdline, sizeof(tmp));
		ret = rbk_config_parse(&req->cfg, tmp);
	}
	if (!ret)
		ret = rbk_config_check(&req->cfg);
	if (!ret && req->cfg.mode == RBK_MODE_NONE)
		ret = -EINVAL;
	if (ret) {
		kfree(req);
		return ret;
	}
	ret = rbk_start_run(req, "debugfs");
	return ret ? ret : len;
}

static const struct file_operations rbk_run_fops = {
	.owner = THIS_MODULE,
	.write = rbk_run_write,
	.llseek = noop_llseek,
};

static ssize_t rbk_stop_write(struct file *file, const char __user *ubuf,
			      size_t len, loff_t *ppos)
{
	rbk_stop_set(true);
	return len;
}

static const struct file_operations rbk_stop_fops = {
	.owner = THIS_MODULE,
	.write = rbk_stop_write,
	.llseek = noop_llseek,
};

static int rbk_status_show(struct seq_file *m, void *v)
{
	mutex_lock(&rbk_state_lock);
	seq_puts(m, rbk_status);
	mutex_unlock(&rbk_state_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(rbk_status);

/*
 * "results" and "samples": one text of the last run each, chosen by the
 * accessor the file was created with (its i_private).
 */
typedef const char *(*rbk_text_fn)(const struct rbk_results *res,
				   size_t *len);

static int rbk_text_show(struct seq_file *m, void *v)
{
	rbk_text_fn get = m->private;
	const char *text;
	size_t len;
	int ret = 0;

	mutex_lock(&rbk_state_lock);
	text = rbk_last_results ? get(rbk_last_results, &len) : NULL;
	if (text)
		seq_write(m, text, len);
	else
		ret = -ENODATA;
	mutex_unlock(&rbk_state_lock);
	return ret;
}

static int rbk_text_open(struct inode *inode, struct file *file)
{
	rbk_text_fn get = inode->i_private;
	size_t len = 0;

	mutex_lock(&rbk_state_lock);
	if (rbk_last_results)
		get(rbk_last_results, &len);
	mutex_unlock(&rbk_state_lock);
	return single_open_size(file, rbk_text_show, get, len + 1);
}

static const struct file_operations rbk_text_fops = {
	.owner = THIS_MODULE,
	.open = rbk_text_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

static int rbk_primitives_show(struct seq_file *m, void *v)
{
	char caps[80];
	int i;

	for (i = 0; i < rev_ops_count; i++) {
		const struct revocable_ops *ops = rev_ops_all[i];

		/* one line per entry: the first word is the name */
		seq_printf(m, "%-12s %-11s %-24s %s%s%s%s\n", ops->name,
			   ops->family, rev_caps_str(ops->caps, caps,
						     sizeof(caps)),
			   ops->desc, ops->impl ? " [implementation: " : "",
			   ops->impl ? ops->impl : "", ops->impl ? "]" : "");
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(rbk_primitives);

static void rbk_debugfs_init(void)
{
	rbk_dir = debugfs_create_dir("revbench", NULL);
	debugfs_create_file("run", 0200, rbk_dir, NULL, &rbk_run_fops);
	debugfs_create_file("stop", 0200, rbk_dir, NULL, &rbk_stop_fops);
	debugfs_create_file("status", 0444, rbk_dir, NULL, &rbk_status_fops);
	debugfs_create_file("results", 0444, rbk_dir, rbk_results_text,
			    &rbk_text_fops);
	debugfs_create_file("samples", 0444, rbk_dir, rbk_results_samples,
			    &rbk_text_fops);
	debugfs_create_file("primitives", 0444, rbk_dir, NULL,
			    &rbk_primitives_fops);
}

/* ---------------------------------------------------------------- */

static int __init rbk_init(void)
{
	const struct rbk_config *cfg = &rbk_base_cfg;
	int ret;

	ret = rbk_config_from_params(&rbk_base_cfg);
	if (ret)
		return ret;
	ret = rev_ops_global_init();
	if (ret)
		return ret;
	ret = rbk_drv_init(cfg);
	if (ret) {
		rev_ops_global_exit();
		return ret;
	}
	rb_wl_delay_loop_ps();		/* the delay loop, calibrated once */
	rbk_debugfs_init();
	pr_info("revbench: loaded (%s, git %s), mode=%s primitive=%s workload=%s\n",
		utsname()->release, REVBENCH_GIT, rbk_mode_name(cfg->mode),
		cfg->primitive, cfg->workload);
	if (cfg->mode != RBK_MODE_NONE) {
		struct rbk_run_req *req = kzalloc(sizeof(*req), GFP_KERNEL);

		ret = -ENOMEM;
		if (req) {
			req->cfg = *cfg;
			strscpy(req->cmdline, "insmod parameters",
				sizeof(req->cmdline));
			ret = rbk_start_run(req, rbk_mode_name(cfg->mode));
		}
		if (ret) {
			debugfs_remove_recursive(rbk_dir);
			rbk_drv_exit();
			rev_ops_global_exit();
			return ret;
		}
	}
	return 0;
}

static void __exit rbk_exit(void)
{
	rbk_stop_set(true);
	debugfs_remove_recursive(rbk_dir);	/* no new runs from here */
	if (rbk_run_task)
		kthread_stop(rbk_run_task);	/* the run sees the flag */
	rbk_drv_exit();
	rbk_results_free(rbk_last_results);
	rev_ops_global_exit();
	pr_info("revbench: unloaded\n");
}

module_init(rbk_init);
module_exit(rbk_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("revbench: revocation primitives - tests, benchmarks, real unbind");
MODULE_INFO(revbench_git, REVBENCH_GIT);
