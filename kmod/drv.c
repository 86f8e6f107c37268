// SPDX-License-Identifier: GPL-2.0
/*
 * drv.c - a real driver-core unbind: the "revbench" platform driver and
 * its devices "revbench.0" ... "revbench.<ndevs-1>".
 *
 * probe() allocates the device's resource, a page table with a 1 MiB
 * working set mapped (workloads/pgtable.c), and wraps it in a revocable of
 * the primitive currently selected for the driver (rbk_drv_ops; at load
 * time the "primitive" parameter when it names one safe primitive, else
 * the first safe primitive of rev_ops_all[]).  remove() revokes it.
 *
 * The release callback only COUNTS, as the shared unbind workload's does
 * (workloads/workload.c): the page table is freed outside remove(), by
 * rbk_reclaim(), so that every primitive's timed unbind holds the same
 * work (the driver core plus the revoke) and the free is timed on its own
 * (teardown).  When the table may go:
 *   synchronous primitives   as soon as revoke() has returned;
 *   REV_CAP_TYPESTABLE       (seqlock) once every reader has finished the
 *                            access it was in when revoke() returned: a
 *                            speculative reader may still walk the table
 *                            until then (the type-stable rule,
 *                            primitives/seqlock.c).  Each reader publishes
 *                            a count of finished accesses (gen) for this;
 *   REV_CAP_DEFERRED         in the deferred release callback itself.
 * Between the revoke's start and the free the table's bytes count as
 * unreclaimed; "reclaim" is the time from the revoke's start to the free.
 *
 * The revocable is what consumers (the reader kthreads) hold, so it
 * outlives the binding, as a consumer's handle would: after remove() it
 * stays published in the device's slot (accesses fail with -ENODEV) and
 * sits on a retire list; it is destroyed by rbk_drv_reap() once no reader
 * can be looking at it (after a benchmark repetition, and at unload).
 *
 * Unbind is reachable three ways, all through the driver core:
 * device_release_driver() from the benchmark (timed from the call to its
 * return, with readers running, on a CPU no reader uses when there are
 * two or more), /sys/bus/platform/drivers/revbench/unbind, and module
 * unload.  Rebind: device_attach() or .../revbench/bind.
 */
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/kthread.h>
#include <linux/list.h>
#include <linux/platform_device.h>
#include <linux/slab.h>

#include "revocable.h"
#include "pgtable.h"
#include "workload.h"
#include "kmod.h"
#include "kthread.h"
#include "drv.h"

#define RBK_DRV_NAME	"revbench"

struct rbk_ub;

/* One binding's page table: the release callback's argument. */
struct rbk_ticket {
	struct rbk_dev *d;
	const struct revocable_ops *ops;
	struct rb_pgtable *pgt;
	size_t bytes;
	struct rbk_ub *ub;	/* the repetition timing this unbind, or NULL */
	long idx;		/* its sample index; -1: not timed */
	u64 t0;			/* the unbind's start */
	int released;		/* the release callback ran */
	struct rbk_retired *retired;	/* holds it (rbk_drv_take()) */
};

struct rbk_retired {
	struct list_head node;
	struct revocable *rev;
	const struct revocable_ops *ops;
	struct rbk_ticket *tk;	/* table not yet freed, or NULL */
};

struct rbk_dev {
	int id;
	struct platform_device *pdev;
	struct revocable *rev;		/* readers: smp_load_acquire() */
	const struct revocable_ops *ops;	/* of rev */
	struct rbk_ticket *tk;		/* of rev */
	struct rbk_retired *spare;	/* retire node for the next remove() */
	atomic_t released;		/* release callbacks run */
	atomic_t probed;
};

static struct rbk_dev *rbk_devs;
static unsigned int rbk_ndevs;
static const struct revocable_ops *rbk_drv_ops;
static DEFINE_MUTEX(rbk_retire_lock);
static LIST_HEAD(rbk_retired_list);

/* ---------------------------------------------------------------- */
/* the benchmark's per-repetition state (used by rbk_reclaim()) */

struct rbk_ub_reader {
	struct rbk_ub *ub;
	unsigned long gen;	/* finished accesses: smp_store_release() */
	unsigned long seen;	/* the revoker's snapshot of gen */
} ____cacheline_aligned;

struct rbk_ub {
	const struct revocable_ops *ops;
	const struct rbk_config *cfg;
	int target;			/* device the readers hammer */
	unsigned int cs;
	atomic_long_t since_bind;	/* accesses since the last bind */
	atomic_long_t accesses, errors, retries, bad;
	atomic_long_t unreclaimed;	/* bytes revoked, not yet freed */
	atomic_long_t revoked, freed;	/* tables */
	struct rbk_ub_reader *rd;
	int nreaders;
	/* the revoker's */
	u64 *samples, *reclaim, *teardown;
	unsigned int nsamples;
	struct rbk_drv_stats *st;
	struct completion done;
	int ret;
};

/*
 * Free a revoked binding's table: the free is the teardown, the time from
 * the unbind's start to its end the reclaim latency.
 */
static void rbk_reclaim(struct rbk_ticket *tk)
{
	struct rbk_ub *ub = tk->ub;
	u64 a, b;

	a = rb_now_ns();
	rb_pgt_free(tk->pgt);
	b = rb_now_ns();
	if (ub) {
		if (tk->idx >= 0) {
			ub->teardown[tk->idx] = b - a;
			ub->reclaim[tk->idx] = b - tk->t0;
		}
		atomic_long_sub(tk->bytes, &ub->unreclaimed);
		atomic_long_inc(&ub->freed);
	}
	kfree(tk);
}

static void rbk_dev_release(void *res, void *arg)
{
	struct rbk_ticket *tk = arg;

	(void)res;
	atomic_inc(&tk->d->released);
	if (tk->ops->caps & REV_CAP_DEFERRED)
		rbk_reclaim(tk);	/* after the grace period */
	else
		WRITE_ONCE(tk->released, 1);	/* remove() or the bench frees it */
}

static int rbk_probe(struct platform_device *pdev)
{
	const struct revocable_ops *ops = READ_ONCE(rbk_drv_ops);
	struct rbk_ticket *tk;
	struct revocable *rev;
	struct rbk_dev *d;

	if (pdev->id < 0 || pdev->id >= rbk_ndevs)
		return -ENODEV;
	d = &rbk_devs[pdev->id];
	d->spare = kzalloc(sizeof(*d->spare), GFP_KERNEL);
	tk = kzalloc(sizeof(*tk), GFP_KERNEL);
	if (!d->spare || !tk)
		goto nomem;
	tk->d = d;
	tk->ops = ops;
	tk->idx = -1;
	tk->pgt = rb_pgt_alloc(NULL, NULL);
	if (!tk->pgt)
		goto nomem;
	if (rb_pgt_populate(tk->pgt, RB_WL_IOVA_BASE, RB_WL_PHYS_BASE,
			    RB_PGT_SIZE_4K, RB_WL_WSET_DEFAULT))
		goto nomem;
	tk->bytes = rb_pgt_footprint(tk->pgt);
	rev = ops->create(tk->pgt, rbk_dev_release, tk);
	if (!rev)
		goto nomem;
	/*
	 * The previous (revoked) revocable is on the retire list already;
	 * consumers switch to the new one from here.
	 */
	d->ops = ops;
	d->tk = tk;
	smp_store_release(&d->rev, rev);
	platform_set_drvdata(pdev, d);
	atomic_inc(&d->probed);
	return 0;
nomem:
	if (tk)
		rb_pgt_free(tk->pgt);
	kfree(tk);
	kfree(d->spare);
	d->spare = NULL;
	return -ENOMEM;
}

static void rbk_remove(struct platform_device *pdev)
{
	struct rbk_dev *d = platform_get_drvdata(pdev);
	struct rbk_retired *r = d->spare;
	struct rbk_ticket *tk = d->tk;

	d->ops->revoke(d->rev);
	r->rev = d->rev;
	r->ops = d->ops;
	r->tk = NULL;
	d->spare = NULL;
	d->tk = NULL;
	/*
	 * The table: the deferred callback frees it; a timed unbind leaves
	 * it on the retire node for the benchmark to take (outside the
	 * timed window, rbk_drv_take()) or for rbk_drv_reap(); otherwise
	 * no benchmark reader can be in it (they run only inside a
	 * repetition) and a synchronous revoke has waited for any other,
	 * so it goes now unless the release has not run (then at reap).
	 */
	if (!(d->ops->caps & REV_CAP_DEFERRED)) {
		if (!tk->ub && READ_ONCE(tk->released)) {
			rbk_reclaim(tk);
		} else {
			r->tk = tk;
			tk->retired = r;
		}
	}
	mutex_lock(&rbk_retire_lock);
	list_add_tail(&r->node, &rbk_retired_list);
	mutex_unlock(&rbk_retire_lock);
}

RB_PLATFORM_REMOVE(rbk_remove_cb, rbk_remove)

static struct platform_driver rbk_driver = {
	.driver = {
		.name = RBK_DRV_NAME,
	},
	.probe = rbk_probe,
	.remove = rbk_remove_cb,
};

/*
 * Destroy every retired revocable, and free any table still held.  Only
 * when no reader can hold one: the benchmark's readers are stopped.
 * Deferred releases are waited for first.  Slots that point to a
 * destroyed revocable are cleared.
 */
void rbk_drv_reap(void)
{
	const struct revocable_ops *last = NULL;
	struct rbk_retired *r, *tmp;
	LIST_HEAD(list);
	int i;

	mutex_lock(&rbk_retire_lock);
	list_splice_init(&rbk_retired_list, &list);
	mutex_unlock(&rbk_retire_lock);
	list_for_each_entry(r, &list, node)
		if ((r->ops->caps & REV_CAP_DEFERRED) && r->ops != last) {
			r->ops->deferred_barrier();
			last = r->ops;
		}
	list_for_each_entry_safe(r, tmp, &list, node) {
		for (i = 0; i < rbk_ndevs; i++)
			if (READ_ONCE(rbk_devs[i].rev) == r->rev)
				WRITE_ONCE(rbk_devs[i].rev, NULL);
		r->ops->destroy(r->rev);
		if (r->tk)
			rbk_reclaim(r->tk);
		list_del(&r->node);
		kfree(r);
	}
}

/* The benchmark takes a timed unbind's table off its retire node. */
static void rbk_drv_take(struct rbk_ticket *tk)
{
	mutex_lock(&rbk_retire_lock);
	tk->retired->tk = NULL;
	mutex_unlock(&rbk_retire_lock);
}

/* Rebind every device with @ops.  Readers must be stopped. */
int rbk_drv_select(const struct revocable_ops *ops)
{
	int i, ret = 0;

	/* A no-op for a device that is not bound. */
	for (i = 0; i < rbk_ndevs; i++)
		device_release_driver(&rbk_devs[i].pdev->dev);
	rbk_drv_reap();
	WRITE_ONCE(rbk_drv_ops, ops);
	for (i = 0; i < rbk_ndevs; i++) {
		if (device_attach(&rbk_devs[i].pdev->dev) != 1) {
			rb_pr_err("drv: %s: bind failed with %s\n",
				  dev_name(&rbk_devs[i].pdev->dev), ops->name);
			ret = -ENODEV;
		}
	}
	return ret;
}

/* ---------------------------------------------------------------- */
/* the driver-unbind benchmark: readers running, unbind timed */

static int rbk_ub_reader(void *data)
{
	struct rbk_ub_reader *me = data;
	struct rbk_ub *ub = me->ub;
	const struct revocable_ops *ops = ub->ops;
	unsigned long n = 0, errors = 0, retries = 0, bad = 0;
	unsigned int pos = raw_smp_processor_id() * 17, i;
	u64 sink = 0;

	while (!kthread_should_stop()) {
		struct rbk_dev *d = &rbk_devs[READ_ONCE(ub->target)];
		struct revocable *rev = smp_load_acquire(&d->rev);
		struct rev_handle h = { };
		struct rb_pgtable *p;
		unsigned int wrong = 0;

		p = rev ? ops->try_access(rev, &h) : NULL;
		if (!p) {
			errors++;
		} else {
			for (i = 0; i < ub->cs; i++)
				wrong += rb_wl_lookup(p, &pos, 1,
						      RB_WL_WSET_DEFAULT - 1,
						      &sink);
			if (ops->release(rev, &h) == -EAGAIN) {
				retries++;
			} else {
				bad += wrong;
				n++;
				atomic_long_inc(&ub->since_bind);
			}
		}
		/* This access, and every load of it, is over. */
		smp_store_release(&me->gen, me->gen + 1);
		if (!((n + errors) & 63))
			cond_resched();
	}
	atomic_long_add(n, &ub->accesses);
	atomic_long_add(errors, &ub->errors);
	atomic_long_add(retries, &ub->retries);
	atomic_long_add(bad + (sink == 1), &ub->bad);
	return 0;
}

/*
 * A type-stable table may go once every reader has finished the access
 * it was in at the snapshot (then no reader can hold a pointer into it).
 * false: told to stop first (the table stays for rbk_drv_reap()).
 */
static bool rbk_ub_readers_moved_on(struct rbk_ub *ub)
{
	int k;

	for (k = 0; k < ub->nreaders; k++)
		ub->rd[k].seen = smp_load_acquire(&ub->rd[k].gen);
	for (k = 0; k < ub->nreaders; k++) {
		while (smp_load_acquire(&ub->rd[k].gen) == ub->rd[k].seen) {
			if (rbk_should_stop() || kthread_should_stop())
				return false;
			cond_resched();
		}
	}
	return true;
}

/* The revoker: warm-up and timed unbinds, each followed by the checks. */
static void rbk_ub_unbinds(struct rbk_ub *ub)
{
	const struct revocable_ops *ops = ub->ops;
	bool typestable = ops->caps & REV_CAP_TYPESTABLE;
	bool deferred = ops->caps & REV_CAP_DEFERRED;
	unsigned int i, j = 0, warm = RB_WL_WARM_CYCLES;
	struct rbk_drv_stats *st = ub->st;

	for (i = 0; i < warm + ub->nsamples && !rbk_should_stop(); i++) {
		int t = i % rbk_ndevs;
		struct rbk_dev *d = &rbk_devs[t];
		struct rev_handle h = { };
		struct rbk_ticket *tk = d->tk;
		struct revocable *rev = d->rev;
		unsigned int waited;
		long u;
		u64 t0, t1;

		if (!tk) {
			st->fail = "device not bound before its unbind";
			break;
		}
		atomic_long_set(&ub->since_bind, 0);
		WRITE_ONCE(ub->target, t);
		/* Each reader gets going on this binding (bounded wait). */
		for (waited = 0; ub->nreaders && waited < 2000 &&
		     atomic_long_read(&ub->since_bind) <
		     (long)ub->nreaders * RB_WL_CYCLE_WARM_OPS; waited++)
			usleep_range(100, 200);

		tk->ub = ub;
		tk->idx = i >= warm ? (long)j : -1;
		u = atomic_long_add_return(tk->bytes, &ub->unreclaimed);
		if (u > (long)st->unreclaimed_peak)
			st->unreclaimed_peak = u;
		atomic_long_inc(&ub->revoked);
		t0 = rb_now_ns();
		tk->t0 = t0;
		device_release_driver(&d->pdev->dev);
		t1 = rb_now_ns();
		if (i >= warm)
			ub->samples[j++] = t1 - t0;

		/* The contract, through the driver core. */
		if (ops->try_access(rev, &h)) {
			ops->release(rev, &h);
			st->fail = "try_access succeeded after unbind returned";
		}
		if (!deferred) {
			if (!READ_ONCE(tk->released)) {
				/* left for rbk_drv_reap(): on the retire list */
				st->fail = "release callback had not run when unbind returned";
			} else if (!typestable || rbk_ub_readers_moved_on(ub)) {
				rbk_drv_take(tk);
				rbk_reclaim(tk);
			}
			/* else stopping: rbk_drv_reap() frees it, readers out */
		}
		if (device_attach(&d->pdev->dev) != 1)
			st->fail = "rebind (device_attach) failed";
		if (st->fail)
			break;
	}
	ub->nsamples = j;
}

static int rbk_ub_revoker(void *data)
{
	struct rbk_ub *ub = data;

	rbk_ub_unbinds(ub);
	complete(&ub->done);
	rbk_wait_for_stop();
	return 0;
}

static int rbk_nth_cpu(int i)
{
	int cpu;

	i %= num_online_cpus();
	for_each_online_cpu(cpu)
		if (i-- == 0)
			return cpu;
	return cpumask_first(cpu_online_mask);
}

int rbk_drv_unbind_rep(const struct rbk_config *cfg,
		       const struct revocable_ops *ops, int nreaders,
		       struct rbk_drv_bufs *buf, struct rbk_drv_stats *st)
{
	int online = num_online_cpus(), k, n = 0, ret = 0;
	struct task_struct **th, *rv = NULL;
	struct rbk_ub *ub;

	memset(st, 0, sizeof(*st));
	if (nreaders && (ops->caps & REV_CAP_UNSAFE)) {
		st->skip = "its revoke does not wait for readers (REV_CAP_UNSAFE): unbinding under readers would free the page table under them";
		return 0;
	}
	ub = kzalloc(sizeof(*ub), GFP_KERNEL);
	th = kcalloc(nreaders + 1, sizeof(*th), GFP_KERNEL);
	if (ub)
		ub->rd = kcalloc(nreaders + 1, sizeof(*ub->rd), GFP_KERNEL);
	if (!ub || !th || !ub->rd) {
		ret = -ENOMEM;
		goto out;
	}
	ub->ops = ops;
	ub->cfg = cfg;
	ub->cs = cfg->cs;
	ub->nreaders = nreaders;
	ub->samples = buf->samples;
	ub->reclaim = buf->reclaim;
	ub->teardown = buf->teardown;
	ub->nsamples = buf->nsamples;
	ub->st = st;
	init_completion(&ub->done);
	ret = rbk_drv_select(ops);
	if (ret)
		goto out;
	st->bytes_per_rev = ops->footprint(rbk_devs[0].rev);
	if (ops->domain_footprint)
		st->bytes_per_domain = ops->domain_footprint();

	/*
	 * The revoker has the first online CPU to itself, the readers share
	 * the others, wrapping (the shared CYCLE workloads' placement,
	 * kmod/bench.c); with one CPU everyone shares it.
	 */
	for (k = 0; k < nreaders; k++) {
		struct task_struct *t;

		ub->rd[k].ub = ub;
		t = rbk_kthread_on_cpu(rbk_ub_reader, &ub->rd[k],
				       rbk_nth_cpu(online > 1 ?
						   1 + k % (online - 1) : 0),
				       "rbk_ub/%u");
		if (IS_ERR(t)) {
			ret = PTR_ERR(t);
			goto stop;
		}
		th[n++] = t;
	}
	rv = rbk_kthread_on_cpu(rbk_ub_revoker, ub, rbk_nth_cpu(0),
				"rbk_unbind/%u");
	if (IS_ERR(rv)) {
		ret = PTR_ERR(rv);
		rv = NULL;
		goto stop;
	}
	wait_for_completion(&ub->done);
	kthread_stop(rv);
	st->nsamples = ub->nsamples;
stop:
	while (n)
		kthread_stop(th[--n]);
	/* deferred releases whose grace period had not ended by now */
	if (ops->caps & REV_CAP_DEFERRED)
		st->pending = atomic_long_read(&ub->revoked) -
			      atomic_long_read(&ub->freed);
	/* every reader is out: parked tables and deferred releases go */
	rbk_drv_reap();
	st->accesses = atomic_long_read(&ub->accesses);
	st->errors = atomic_long_read(&ub->errors);
	st->retries = atomic_long_read(&ub->retries);
	st->bad = atomic_long_read(&ub->bad);
	if (st->bad && !st->fail)
		st->fail = "readers saw wrong translations";
	if (atomic_long_read(&ub->freed) != atomic_long_read(&ub->revoked) &&
	    !st->fail)
		st->fail = "a revoked page table was never freed";
	for (k = 0; k < rbk_ndevs; k++)
		if (atomic_read(&rbk_devs[k].released) + 1 <
		    atomic_read(&rbk_devs[k].probed) && !st->fail)
			st->fail = "a release callback never ran";
out:
	if (ub)
		kfree(ub->rd);
	kfree(th);
	kfree(ub);
	return ret;
}

/* ---------------------------------------------------------------- */

int rbk_drv_init(const struct rbk_config *cfg)
{
	const struct revocable_ops *ops = rev_ops_find(cfg->primitive);
	int i, ret;

	/* else the first primitive of the table whose revoke waits */
	for (i = 0; (!ops || (ops->caps & REV_CAP_UNSAFE)) &&
		    i < rev_ops_count; i++)
		ops = rev_ops_all[i];
	if (!ops || (ops->caps & REV_CAP_UNSAFE))
		return -ENODEV;
	rbk_drv_ops = ops;
	rbk_ndevs = cfg->ndevs;
	rbk_devs = kcalloc(rbk_ndevs, sizeof(*rbk_devs), GFP_KERNEL);
	if (!rbk_devs)
		return -ENOMEM;
	ret = platform_driver_register(&rbk_driver);
	if (ret)
		goto free;
	for (i = 0; i < rbk_ndevs; i++) {
		struct platform_device *pdev;

		rbk_devs[i].id = i;
		pdev = platform_device_register_simple(RBK_DRV_NAME, i, NULL, 0);
		if (IS_ERR(pdev)) {
			ret = PTR_ERR(pdev);
			goto unreg;
		}
		rbk_devs[i].pdev = pdev;
		/* device_is_bound() is not exported by 6.1; informational */
		if (!READ_ONCE(pdev->dev.driver))
			rb_pr_warn("drv: %s did not bind\n", dev_name(&pdev->dev));
	}
	return 0;
unreg:
	while (--i >= 0)
		platform_device_unregister(rbk_devs[i].pdev);
	platform_driver_unregister(&rbk_driver);
	rbk_drv_reap();
free:
	kfree(rbk_devs);
	rbk_devs = NULL;
	return ret;
}

void rbk_drv_exit(void)
{
	int i;

	if (!rbk_devs)
		return;
	for (i = 0; i < rbk_ndevs; i++)
		platform_device_unregister(rbk_devs[i].pdev);	/* remove() */
	platform_driver_unregister(&rbk_driver);
	rbk_drv_reap();
	for (i = 0; i < rbk_ndevs; i++)
		kfree(rbk_devs[i].spare);
	kfree(rbk_devs);
	rbk_devs = NULL;
}
