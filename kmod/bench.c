// SPDX-License-Identifier: GPL-2.0
/*
 * bench.c - the kernel environment of the shared workloads
 * (workloads/workload.{h,c}) and the driver-core unbind benchmark.
 *
 * For every selected primitive x workload ("cell") and repetition:
 * rb_wl_check() (a cell that cannot run is skipped with its reason on the
 * console, never silently), rb_wl_run_init(), then one kthread per
 * participant, bound to the online CPUs in order (participant i on the
 * i-th online CPU, wrapping; refscale binds its readers the same way),
 * each running rb_wl_thread().  Warm-up until every participant has
 * checked in, the timed window (interrupts off for read-side windows
 * under irqoff=1) and the cool-down until every one has checked out are
 * inside workload.c, identical to the userspace runner.  Every cell runs
 * reps + 1 repetitions and the first, cold one is discarded (its results
 * and samples are dropped), as the userspace runner does.  A watchdog
 * aborts a repetition after "seconds", and one whose timed window is
 * still running after RB_WL_WINDOW_ABORT_NS (rb_wl_window_overrun(): a
 * window has no scheduling point, and may have interrupts off).
 *
 * Default participants: one per online CPU.  For the reader loops each
 * participant is bound to the i-th online CPU; for unbind/unbind-many the
 * revoker has the first online CPU to itself and the readers run on the
 * others (rbk_part_cpu()), so a reader never delays the revoker's own
 * clock reads.
 *
 * driver-unbind (kernel only) times device_release_driver() on the
 * revbench platform devices with a reader kthread on every CPU (drv.c);
 * it is reported as "unbind/<primitive>/threads:T/cs:K/via:driver-core"
 * with T = readers + the unbinding thread.  Its readers count on their
 * own cache lines and report their access rate (accesses_per_sec, the sum
 * of every reader's own rate, and ns_per_access).  The no-protection
 * floor (REV_CAP_UNSAFE: its revoke would free the table under the
 * readers) runs the same readers through the same cycles without the
 * unbind, as ".../via:driver-core/no-unbind": its reader rate is the
 * ceiling the other primitives' readers are compared with, and it has no
 * revoke samples.
 */
#include <linux/cpumask.h>
#include <linux/hardirq.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/math64.h>
#include <linux/rcupdate.h>
#include <linux/sched/clock.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/wait.h>

#include "revocable.h"
#include "bugs.h"
#include "workload.h"
#include "kmod.h"
#include "metrics.h"
#include "results.h"
#include "machine_cost.h"
#include "drv.h"


/* ---------------------------------------------------------------- */
/* helpers */

static int rbk_nth_online_cpu(int i)
{
	int cpu, n = num_online_cpus();

	i %= n;
	for_each_online_cpu(cpu)
		if (i-- == 0)
			return cpu;
	return cpumask_first(cpu_online_mask);
}

/*
 * The CPU of participant i.  LOOP workloads: the i-th online CPU,
 * wrapping (refscale's placement).  CYCLE workloads: the revoker
 * (participant 0) has the first online CPU to itself and the readers
 * share the others, wrapping over them (with one CPU, everyone shares).
 */
static int rbk_part_cpu(const struct rb_workload *wl, int i)
{
	int n = num_online_cpus();

	if (wl->kind != RB_WLK_CYCLE || n < 2)
		return rbk_nth_online_cpu(i);
	return rbk_nth_online_cpu(i ? 1 + (i - 1) % (n - 1) : 0);
}

/* ---------------------------------------------------------------- */
/* shared workloads */

struct rbk_part {
	struct rb_wl_run *run;
	int idx;
	atomic_t *finished;
	wait_queue_head_t *wq;
};

static int rbk_part_fn(void *data)
{
	struct rbk_part *pt = data;

	rb_wl_thread(pt->run, pt->idx);
	atomic_inc(pt->finished);
	wake_up(pt->wq);
	rbk_wait_for_stop();
	return 0;
}

/*
 * One repetition (rep: its index in the results, -1 for the cold one,
 * whose samples are dropped).  Returns NULL on success (r filled) or why
 * it failed.  Raw samples go to the CSV sidecar.
 */
static const char *rbk_wl_rep(const struct rbk_config *cfg,
			      const struct rb_workload *wl,
			      const struct rb_wl_params *p, const char *name,
			      int rep, struct rbk_results *res,
			      struct rb_metrics *r)
{
	DECLARE_WAIT_QUEUE_HEAD_ONSTACK(wq);
	struct task_struct **th = NULL;
	struct rbk_part *parts = NULL;
	struct rb_wl_run *run;
	struct rb_cost cost;
	u64 kt0 = 0, kw0 = 0, kt1, kw1;
	const char *why = NULL;
	atomic_t finished = ATOMIC_INIT(0);
	unsigned long deadline;
	int i, n = 0;

	run = kzalloc(sizeof(*run), GFP_KERNEL);
	th = kcalloc(p->threads, sizeof(*th), GFP_KERNEL);
	parts = kcalloc(p->threads, sizeof(*parts), GFP_KERNEL);
	if (!run || !th || !parts) {
		why = "out of memory";
		goto free;
	}
	if (rb_wl_run_init(run, wl, p)) {
		why = run->fail ? run->fail : "set-up failed";
		goto fini;
	}
	/*
	 * Create every participant before waking any: one that started
	 * would otherwise spin at the start barrier for one that never will.
	 * A kthread that was never woken is simply stopped.
	 */
	for (i = 0; i < p->threads; i++) {
		struct task_struct *t;

		parts[i] = (struct rbk_part){ run, i, &finished, &wq };
		t = kthread_create_on_cpu(rbk_part_fn, &parts[i],
					  rbk_part_cpu(wl, i), "rbk_wl/%u");
		if (IS_ERR(t)) {
			why = "could not create a participant kthread";
			break;
		}
		th[n++] = t;
	}
	if (wl->kind == RB_WLK_CYCLE) {
		rb_cost_init(&cost, &rbk_cost_src);
		run->cost = &cost;
		rbk_gp_cpu(&kt0, &kw0);
	}
	if (!why)
		for (i = 0; i < n; i++)
			wake_up_process(th[i]);
	deadline = jiffies + cfg->seconds * HZ;
	while (!why && atomic_read(&finished) < n) {
		wait_event_timeout(wq, atomic_read(&finished) >= n, HZ / 10);
		if (rbk_should_stop()) {
			why = "stopped (module unloading or stop requested)";
			rb_wl_abort(run);
		} else if (time_after(jiffies, deadline)) {
			why = "watchdog: the repetition exceeded 'seconds'";
			rb_wl_abort(run);
		} else if (rb_wl_window_overrun(run, rb_now_ns(),
						RB_WL_WINDOW_ABORT_NS)) {
			why = "a timed window ran for 5 s without a scheduling point (interrupts off under irqoff): lower loops, cs or delay_ns";
			rb_wl_abort(run);
		}
	}
	/* After an abort, wait for the participants to return. */
	while (atomic_read(&finished) < n && n == p->threads)
		wait_event_timeout(wq, atomic_read(&finished) >= n, HZ / 10);
	while (n)
		kthread_stop(th[--n]);
	if (!why && run->fail)
		why = run->fail;
	if (why)
		goto fini;

	/* raw samples first (rep < 0: the cold one, dropped); the
	 * metrics sort them in place */
	for (i = 0; rep >= 0 && i < (int)run->nsamples; i++)
		rbk_results_sample(res, name, rep, run->samples[i]);
	for (i = 0; rep >= 0 && run->reclaim && i < (int)run->nsamples; i++)
		rbk_results_reclaim(res, name, rep, run->reclaim[i]);
	why = rb_metrics_run(r, run, run->samples);
	if (!why && run->cost) {
		rbk_gp_cpu(&kt1, &kw1);
		/* a thread that exited took its time along: never below 0 */
		rb_metrics_gp_cpu(r, kt1 > kt0 ? kt1 - kt0 : 0,
				  kw1 > kw0 ? kw1 - kw0 : 0,
				  atomic_long_read(&run->revoked));
	}
fini:
	if (run)
		rb_wl_run_fini(run);
free:
	kfree(parts);
	kfree(th);
	kfree(run);
	return why;
}

void rbk_wl_params(const struct rbk_config *cfg,
		   const struct revocable_ops *ops,
		   const struct rb_workload *wl, struct rb_wl_params *p)
{
	memset(p, 0, sizeof(*p));
	p->ops = ops;
	p->threads = cfg->threads ? cfg->threads : num_online_cpus();
	p->cs = cfg->cs;
	p->delay_ns = cfg->delay_ns;
	p->sleep_us = cfg->sleep_us;
	p->stall_us = cfg->stall_us;
	p->stall_rcu = cfg->stall_rcu;
	p->npages = cfg->npages;
	p->n = cfg->nmany;
	p->batched = !strcmp(cfg->many_mode, "batched");
	/*
	 * Reader loops time "loops" accesses; unbind cycles and lifecycle
	 * (a create + revoke + destroy, a grace period each for most
	 * primitives) take "samples" per participant instead.
	 */
	p->iters = wl->kind == RB_WLK_CYCLE || wl->id == RB_WL_LIFECYCLE ?
		   cfg->samples : cfg->loops;
	p->seed = cfg->seed;
	p->generic = cfg->generic;
	p->irqoff = cfg->irqoff;
}

/* 1 if the cell failed, 0 if it ran or was skipped (with a message). */
static int rbk_bench_wl(const struct rbk_config *cfg,
			const struct revocable_ops *ops,
			const struct rb_workload *wl,
			struct rbk_results *res)
{
	struct rb_wl_params p;
	char name[RB_NAME_MAX];
	struct rb_metrics *reps;
	const char *why;
	int i, ret = 0;

	rbk_wl_params(cfg, ops, wl, &p);
	rb_cell_name(name, sizeof(name), wl, &p, NULL);

	why = rb_wl_check(wl, &p);
	if (why) {
		pr_warn("revbench: SKIP %s: %s\n", name, why);
		return 0;
	}
	/* reps[0] is the cold repetition, run first and dropped */
	reps = kcalloc(cfg->reps + 1, sizeof(*reps), GFP_KERNEL);
	if (!reps) {
		rbk_results_error(res, name, p.threads, "out of memory");
		return 1;
	}
	for (i = 0; i <= cfg->reps && !why; i++) {
		why = rbk_wl_rep(cfg, wl, &p, name, i - 1, res, &reps[i]);
		cond_resched();
	}
	if (why) {
		pr_err("revbench: FAIL %s (repetition %d%s): %s\n", name, i - 2,
		       i == 1 ? ", the cold one" : "", why);
		rbk_results_error(res, name, p.threads, why);
		ret = 1;
	} else {
		rbk_results_cell(res, name, p.threads, reps + 1, cfg->reps);
		pr_info("revbench: %s: %lld.%03lld ns (rep 0 of %u)\n", name,
			reps[1].real_milli / 1000, reps[1].real_milli % 1000,
			cfg->reps);
	}
	kfree(reps);
	return ret;
}

/* ---------------------------------------------------------------- */
/* driver-unbind */

/* One repetition's metrics (drv.c's stats), into r. */
static void rbk_driver_metrics(struct rb_metrics *r,
			       const struct revocable_ops *ops,
			       struct rbk_drv_bufs *buf,
			       const struct rbk_drv_stats *st, int nreaders)
{
	memset(r, 0, sizeof(*r));
	if (ops->caps & REV_CAP_UNSAFE) {
		/* the floor: the readers' own cost, no revoke */
		r->iterations = st->accesses;
		r->real_milli = st->accesses ?
				div64_u64(st->reader_ns * 1000, st->accesses) :
				0;
	} else {
		rb_metrics_revoke(r, buf->samples, st->nsamples);
		rb_metrics_pending(r, ops, st->pending);
		rb_metrics_reclaim(r, buf->reclaim, buf->teardown, st->nsamples,
				   st->unreclaimed_peak);
		rb_metrics_retained(r, st->retained_peak);
		rb_metrics_gp_paths(r, ops, st->gp_expedited, st->gp_normal);
		rb_metrics_lost(r, st->lost);
	}
	rb_metrics_readers(r, st->accesses, st->reader_ns,
			   st->accesses_per_sec);
	rb_metrics_common(r, ops, st->errors, st->retries, st->bytes_per_rev,
			  nreaders);
	rb_metrics_domain(r, st->bytes_per_domain);
}

static int rbk_bench_driver(const struct rbk_config *cfg,
			    const struct revocable_ops *ops,
			    struct rbk_results *res)
{
	/* participants: as for the shared workloads, one per online CPU */
	int threads = cfg->threads ? (int)cfg->threads : num_online_cpus();
	int nreaders = threads - 1;
	bool floor = ops->caps & REV_CAP_UNSAFE;
	struct rbk_drv_stats st;
	struct rb_wl_params p = { .ops = ops, .threads = threads,
				  .cs = cfg->cs };
	struct rbk_drv_bufs buf = { .nsamples = cfg->samples };
	char name[RB_NAME_MAX];
	struct rb_metrics *reps;
	const char *why = NULL;
	int i, j, ret;

	rb_cell_name(name, sizeof(name), &rb_workloads[RB_WL_UNBIND], &p,
		     floor ? "/via:driver-core/no-unbind" : "/via:driver-core");
	if (floor && !nreaders) {
		pr_warn("revbench: SKIP %s: the floor without unbinds measures its readers, and threads=1 has none\n",
			name);
		return 0;
	}
	/* reps[0] is the cold repetition, run first and dropped */
	reps = kcalloc(cfg->reps + 1, sizeof(*reps), GFP_KERNEL);
	buf.samples = kcalloc(cfg->samples, sizeof(u64), GFP_KERNEL);
	buf.reclaim = kcalloc(cfg->samples, sizeof(u64), GFP_KERNEL);
	buf.teardown = kcalloc(cfg->samples, sizeof(u64), GFP_KERNEL);
	if (!reps || !buf.samples || !buf.reclaim || !buf.teardown) {
		why = "out of memory";
		goto out;
	}
	for (i = 0; i <= cfg->reps && !why; i++) {
		ret = rbk_drv_unbind_rep(cfg, ops, nreaders, &buf, &st);
		if (ret) {
			why = "driver set-up failed (see the log)";
			break;
		}
		if (st.fail) {
			why = st.fail;
			break;
		}
		if (!st.nsamples) {
			why = rbk_should_stop() ? "stopped" : "no samples";
			break;
		}
		/* raw samples first (not the cold repetition's) */
		for (j = 0; i && !floor && j < st.nsamples; j++) {
			rbk_results_sample(res, name, i - 1, buf.samples[j]);
			rbk_results_reclaim(res, name, i - 1, buf.reclaim[j]);
		}
		rbk_driver_metrics(&reps[i], ops, &buf, &st, nreaders);
	}
out:
	if (why) {
		pr_err("revbench: FAIL %s: %s\n", name, why);
		rbk_results_error(res, name, threads, why);
	} else {
		rbk_results_cell(res, name, threads, reps + 1, cfg->reps);
		pr_info("revbench: %s: %lld.%03lld ns (rep 0 of %u)\n", name,
			reps[1].real_milli / 1000, reps[1].real_milli % 1000,
			cfg->reps);
	}
	kfree(buf.teardown);
	kfree(buf.reclaim);
	kfree(buf.samples);
	kfree(reps);
	return why ? 1 : 0;
}

/* ---------------------------------------------------------------- */

int rbk_run_bench(const struct rbk_config *cfg, struct rbk_results *res)
{
	bool all_p = !strcmp(cfg->primitive, "all");
	/* A zoo entry that is not in rev_ops_all[] (KMOD_BUGS=1 only). */
	const struct revocable_ops *zoo = all_p || rev_ops_find(cfg->primitive) ?
					  NULL : rev_bug_find(cfg->primitive);
	int i, w, failed = 0, cells = 0;

	for (i = 0; i < rev_ops_count + !!zoo && !rbk_should_stop(); i++) {
		const struct revocable_ops *ops = i < rev_ops_count ?
						  rev_ops_all[i] : zoo;

		/* one name, a comma-separated list, or all */
		if (!all_p && !rbk_name_listed(cfg->primitive, ops->name))
			continue;
		/* The bug zoo is benchmarked only when named. */
		if (all_p && (ops->caps & REV_CAP_BROKEN))
			continue;
		/* The shared workloads in table order, then driver-unbind. */
		for (w = 0; w <= RB_WL_NR; w++) {
			const char *wn = w < RB_WL_NR ? rb_workloads[w].name :
					 "driver-unbind";

			if (rbk_should_stop())
				break;
			if (!rbk_name_listed(cfg->workload, wn))
				continue;
			cells++;
			if (!strcmp(wn, "driver-unbind"))
				failed += rbk_bench_driver(cfg, ops, res);
			else
				failed += rbk_bench_wl(cfg, ops,
						       rb_workload_find(wn),
						       res);
		}
	}
	pr_info("revbench: bench: %d cell(s), %d failed%s\n", cells, failed,
		rbk_should_stop() ? " (stopped early)" : "");
	return failed;
}
