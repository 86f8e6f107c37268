// SPDX-License-Identifier: GPL-2.0
/*
 * drv.c - a real driver-core unbind: the "revbench" platform driver and
 * its devices "revbench.0" ... "revbench.<ndevs-1>".
 *
 * probe() allocates the device's resource, a page table with a 1 MiB
 * working set mapped (workloads/pgtable.c), and wraps it in a revocable of
 * the primitive currently selected for the driver (rbk_drv_ops; at load
 * time the "primitive" parameter when it names one safe primitive, else
 * rcu).  remove() revokes it: the release callback frees the table.
 *
 * The revocable is what consumers (the reader kthreads) hold, so it
 * outlives the binding, as a consumer's handle would: after remove() it
 * stays published in the device's slot (accesses fail with -ENODEV) and
 * sits on a retire list; it is destroyed by rbk_drv_reap() once no reader
 * can be looking at it (after a benchmark repetition, and at unload).
 *
 * Unbind is reachable three ways, all through the driver core:
 * device_release_driver() from the benchmark (timed from the call to its
 * return, with readers running), /sys/bus/platform/drivers/revbench/unbind,
 * and module unload.  Rebind: device_attach() or .../revbench/bind.
 */
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
#include "drv.h"

#define RBK_DRV_NAME	"revbench"

struct rbk_retired {
	struct list_head node;
	struct revocable *rev;
	const struct revocable_ops *ops;
};

struct rbk_dev {
	int id;
	struct platform_device *pdev;
	struct revocable *rev;		/* readers: smp_load_acquire() */
	const struct revocable_ops *ops;	/* of rev */
	struct rbk_retired *spare;	/* retire node for the next remove() */
	atomic_t released;		/* release callbacks run */
	atomic_t probed;
};

static struct rbk_dev *rbk_devs;
static unsigned int rbk_ndevs;
static const struct revocable_ops *rbk_drv_ops;
static DEFINE_MUTEX(rbk_retire_lock);
static LIST_HEAD(rbk_retired_list);

static void rbk_dev_release(void *res, void *arg)
{
	struct rbk_dev *d = arg;

	rb_pgt_free(res);
	atomic_inc(&d->released);
}

static int rbk_probe(struct platform_device *pdev)
{
	const struct revocable_ops *ops = READ_ONCE(rbk_drv_ops);
	struct rb_pgtable *pgt;
	struct revocable *rev;
	struct rbk_dev *d;

	if (pdev->id < 0 || pdev->id >= rbk_ndevs)
		return -ENODEV;
	d = &rbk_devs[pdev->id];
	d->spare = kzalloc(sizeof(*d->spare), GFP_KERNEL);
	pgt = rb_pgt_alloc(NULL, NULL);
	if (!d->spare || !pgt)
		goto nomem;
	if (rb_pgt_populate(pgt, RB_WL_IOVA_BASE, RB_WL_PHYS_BASE,
			    RB_PGT_SIZE_4K, RB_WL_WSET_DEFAULT))
		goto nomem;
	rev = ops->create(pgt, rbk_dev_release, d);
	if (!rev)
		goto nomem;
	/*
	 * The previous (revoked) revocable is on the retire list already;
	 * consumers switch to the new one from here.
	 */
	d->ops = ops;
	smp_store_release(&d->rev, rev);
	platform_set_drvdata(pdev, d);
	atomic_inc(&d->probed);
	return 0;
nomem:
	rb_pgt_free(pgt);
	kfree(d->spare);
	d->spare = NULL;
	return -ENOMEM;
}

static void rbk_remove(struct platform_device *pdev)
{
	struct rbk_dev *d = platform_get_drvdata(pdev);
	struct rbk_retired *r = d->spare;

	d->ops->revoke(d->rev);
	r->rev = d->rev;
	r->ops = d->ops;
	d->spare = NULL;
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
 * Destroy every retired revocable.  Only when no reader can hold one:
 * the benchmark's readers are stopped.  Deferred releases are waited for
 * first.  Slots that point to a destroyed revocable are cleared.
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
		list_del(&r->node);
		kfree(r);
	}
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
/* the driver-unbind benchmark: readers on every CPU, unbind timed */

struct rbk_ub {
	const struct revocable_ops *ops;
	int target;			/* device the readers hammer */
	unsigned int cs;
	atomic_long_t since_bind;	/* accesses since the last bind */
	atomic_long_t accesses, errors, retries, bad;
};

static int rbk_ub_reader(void *data)
{
	struct rbk_ub *ub = data;
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
		if (!((n + errors) & 63))
			cond_resched();
	}
	atomic_long_add(n, &ub->accesses);
	atomic_long_add(errors, &ub->errors);
	atomic_long_add(retries, &ub->retries);
	atomic_long_add(bad + (sink == 1), &ub->bad);
	return 0;
}

int rbk_drv_unbind_rep(const struct rbk_config *cfg,
		       const struct revocable_ops *ops, int nreaders,
		       u64 *samples, unsigned int nsamples,
		       struct rbk_drv_stats *st)
{
	struct task_struct **th;
	unsigned int i, j = 0, warm = RB_WL_WARM_CYCLES;
	struct rbk_ub *ub;
	int cpu, k, n = 0, ret = 0;

	memset(st, 0, sizeof(*st));
	if (nreaders && (ops->caps & REV_CAP_UNSAFE)) {
		st->skip = "its revoke does not wait for readers (REV_CAP_UNSAFE): unbinding under readers would free the page table under them";
		return 0;
	}
	ub = kzalloc(sizeof(*ub), GFP_KERNEL);
	th = kcalloc(nreaders + 1, sizeof(*th), GFP_KERNEL);
	if (!ub || !th) {
		ret = -ENOMEM;
		goto out;
	}
	ub->ops = ops;
	ub->cs = cfg->cs;
	ret = rbk_drv_select(ops);
	if (ret)
		goto out;
	st->bytes_per_rev = ops->footprint(rbk_devs[0].rev);

	/* Readers bound one per online CPU, in order, wrapping. */
	cpu = cpumask_first(cpu_online_mask);
	for (k = 0; k < nreaders; k++) {
		struct task_struct *t;

		t = rbk_kthread_on_cpu(rbk_ub_reader, ub, cpu, "rbk_ub/%u");
		if (IS_ERR(t)) {
			ret = PTR_ERR(t);
			goto stop;
		}
		th[n++] = t;
		cpu = cpumask_next(cpu, cpu_online_mask);
		if (cpu >= nr_cpu_ids)
			cpu = cpumask_first(cpu_online_mask);
	}

	for (i = 0; i < warm + nsamples && !rbk_should_stop(); i++) {
		int t = i % rbk_ndevs;
		struct rbk_dev *d = &rbk_devs[t];
		struct rev_handle h = { };
		unsigned int waited;
		u64 t0, t1;

		atomic_long_set(&ub->since_bind, 0);
		WRITE_ONCE(ub->target, t);
		/* Each reader gets going on this binding (bounded wait). */
		for (waited = 0; nreaders && waited < 2000 &&
		     atomic_long_read(&ub->since_bind) <
		     (long)nreaders * RB_WL_CYCLE_WARM_OPS; waited++)
			usleep_range(100, 200);

		t0 = ktime_get_mono_fast_ns();
		device_release_driver(&d->pdev->dev);
		t1 = ktime_get_mono_fast_ns();
		if (i >= warm)
			samples[j++] = t1 - t0;

		/* The contract, through the driver core. */
		if (d->rev && ops->try_access(d->rev, &h)) {
			ops->release(d->rev, &h);
			st->fail = "try_access succeeded after unbind returned";
		}
		if (!(ops->caps & REV_CAP_DEFERRED) &&
		    atomic_read(&d->released) != atomic_read(&d->probed))
			st->fail = "release callback had not run when unbind returned";
		if (device_attach(&d->pdev->dev) != 1)
			st->fail = "rebind (device_attach) failed";
		if (st->fail)
			break;
	}
	st->nsamples = j;
stop:
	while (n)
		kthread_stop(th[--n]);
	rbk_drv_reap();
	st->accesses = atomic_long_read(&ub->accesses);
	st->errors = atomic_long_read(&ub->errors);
	st->retries = atomic_long_read(&ub->retries);
	st->bad = atomic_long_read(&ub->bad);
	if (st->bad && !st->fail)
		st->fail = "readers saw wrong translations";
	for (k = 0; k < rbk_ndevs; k++)
		if (atomic_read(&rbk_devs[k].released) + 1 <
		    atomic_read(&rbk_devs[k].probed) && !st->fail)
			st->fail = "a release callback never ran";
out:
	kfree(th);
	kfree(ub);
	return ret;
}

/* ---------------------------------------------------------------- */

int rbk_drv_init(const struct rbk_config *cfg)
{
	const struct revocable_ops *ops = rev_ops_find(cfg->primitive);
	int i, ret;

	if (!ops || (ops->caps & REV_CAP_UNSAFE))
		ops = rev_ops_find("rcu");
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
