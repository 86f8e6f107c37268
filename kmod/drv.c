// SPDX-License-Identifier: GPL-2.0
/*
 * drv.c - a real driver-core unbind: the "revbench" platform driver and
 * its devices "revbench.0" ... "revbench.<ndevs-1>".
 *
 * A binding is a struct rbk_ticket: the device's resource, a page table
 * with a 1 MiB working set mapped (workloads/pgtable.c), the revocable
 * over it, of the primitive selected for the driver (rbk_drv_ops; at load
 * time the "primitive" parameter when it names one safe primitive, else
 * the first safe primitive of rev_ops_all[]), and the ops that made it.
 * probe() makes one, sets it as the device's bound ticket (d->tk) and
 * publishes its revocable in the device's slot (d->rev, what the readers
 * load); remove() revokes it.  Both run under device_lock(), the driver
 * core's, so d->tk changes only under that lock whoever unbinds: the
 * benchmark (device_release_driver()), a user through
 * /sys/bus/platform/drivers/revbench/unbind and .../bind, module unload.
 *
 * Lifetimes (revocable.h's destroy contract).  The benchmark's readers
 * hold no reference: they load the slot and call try_access(), so a
 * revoked revocable stays published until the next probe replaces it and
 * a reader that loaded it keeps calling try_access() on it (failing, as a
 * consumer holding a handle would).  So a removed binding's revocable can
 * be destroyed only when no reader can reach it: rbk_readers_lock is held
 * by the benchmark for as long as its readers can run (a repetition).
 * remove() takes it with mutex_trylock(): when it gets it, no reader runs
 * or can start, and the binding goes at once (after deferred_barrier()
 * for DEFERRED primitives); when it does not, the ticket goes on the
 * retire list and rbk_drv_reap() destroys it once the readers are
 * stopped.  Tickets are freed only there (or in remove()'s at-once path,
 * never during a repetition), so a ticket the benchmark holds stays
 * valid for the whole repetition, whoever removed it.
 *
 * The release callback only COUNTS, as the shared unbind workload's does
 * (workloads/workload.c): the page table is freed outside remove(), by
 * rbk_reclaim(), so that every primitive's timed unbind holds the same
 * work (the driver core plus the revoke) and the free is timed on its own
 * (teardown).  When the benchmark's table may go:
 *   synchronous primitives   as soon as the unbind has returned;
 *   REV_CAP_TYPESTABLE       (seqlock) once every reader has finished the
 *                            access it was in when the unbind returned: a
 *                            speculative reader may still walk the table
 *                            until then (the type-stable rule,
 *                            primitives/seqlock.c).  Each reader publishes
 *                            a count of finished accesses (gen) for this;
 *   REV_CAP_DEFERRED         in the deferred release callback itself.
 * Between the unbind's start and the free the table's bytes count as
 * unreclaimed; "reclaim" is the time from the unbind's start to the free.
 * Tables of bindings the benchmark did not time are freed at reap.
 *
 * The benchmark's unbind, with sysfs unbinds and binds at any time:
 *   1. claim: under device_lock(), take the device's bound ticket (none:
 *      someone unbound it - rebind, try the next cycle) and mark it as
 *      this repetition's, with the cycle number;
 *   2. time device_release_driver(): it waits for device_lock(), so when
 *      it returns the claimed binding has been removed - by this call, or
 *      by a sysfs unbind that got there first (the call then unbinds
 *      whatever a sysfs bind put there since, or nothing);
 *   3. remove() records who removed a binding (tk->remover); the sample
 *      counts only if it was this thread, else the cycle is "lost" (a
 *      per-repetition counter) and its timings are dropped;
 *   4. the contract is checked on the CLAIMED binding's revocable, which
 *      whoever removed it has revoked by now: no try_access() succeeds,
 *      the release callback has run;
 *   5. rebind with device_attach() (which also returns 1 when a sysfs
 *      bind got there first).
 * Switching the primitive (rbk_drv_select()) clears rbk_drv_ops first:
 * a sysfs bind in that window fails with -EBUSY instead of binding the
 * previous primitive under the next cell's readers.
 */
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/kthread.h>
#include <linux/list.h>
#include <linux/math64.h>
#include <linux/platform_device.h>
#include <linux/slab.h>

#include "revocable.h"
#include "pgtable.h"
#include "workload.h"
#include "kmod.h"
#include "kcompat.h"
#include "kthread.h"
#include "drv.h"

#define RBK_DRV_NAME	"revbench"

struct rbk_ub;

/* One binding: the release callback's argument, the retire list's entry. */
struct rbk_ticket {
	struct list_head node;		/* rbk_retired_list, once removed */
	struct rbk_dev *d;
	const struct revocable_ops *ops;
	struct revocable *rev;
	struct rb_pgtable *pgt;		/* NULL once freed (rbk_reclaim()) */
	size_t bytes;
	/* the benchmark's claim, under device_lock() */
	struct rbk_ub *ub;		/* the repetition timing it, or NULL */
	unsigned int cycle;		/* its cycle in ub->cyc[] */
	u64 t0;				/* the unbind's start */
	/* remove(), under device_lock() */
	struct task_struct *remover;
	int released;			/* the release callback ran */
};

struct rbk_dev {
	int id;
	struct platform_device *pdev;
	struct revocable *rev;		/* readers: smp_load_acquire() */
	struct rbk_ticket *tk;		/* bound binding; device_lock() */
};

static struct rbk_dev *rbk_devs;
static unsigned int rbk_ndevs;
static const struct revocable_ops *rbk_drv_ops;	/* NULL: switching */
static size_t rbk_rev_bytes;			/* the last probe's footprint */
static DEFINE_MUTEX(rbk_retire_lock);		/* rbk_retired_list */
static LIST_HEAD(rbk_retired_list);
/* Held while benchmark readers can run (see above). */
static DEFINE_MUTEX(rbk_readers_lock);

/* ---------------------------------------------------------------- */
/* the benchmark's per-repetition state (used by rbk_reclaim()) */

/* One reader's counters, on its own cache line: no shared write. */
struct rbk_ub_reader {
	struct rbk_ub *ub;
	unsigned long gen;	/* finished accesses: smp_store_release() */
	unsigned long ok;	/* successful accesses: WRITE_ONCE() */
	unsigned long seen;	/* the revoker's snapshot of gen or ok */
	unsigned long errors, retries, bad;	/* totals, at the end */
	u64 ns;			/* how long it ran */
} ____cacheline_aligned;

/* One unbind cycle's timings; valid only if this thread unbound it. */
struct rbk_ub_cycle {
	u64 unbind, reclaim, teardown;
	bool valid;
};

struct rbk_ub {
	const struct revocable_ops *ops;
	int target;			/* device the readers hammer */
	unsigned int cs;
	bool unbinds;			/* false: the floor, readers only */
	atomic_long_t unreclaimed;	/* bytes revoked, not yet freed */
	atomic_long_t revoked, freed;	/* claimed tables */
	struct rbk_ub_reader *rd;
	int nreaders;
	/* the revoker's */
	struct rbk_ub_cycle *cyc;
	unsigned int ncyc, nsamples;
	struct rbk_drv_stats *st;
	struct completion done;
};

/*
 * Free a binding's table (once: tk->pgt is NULL after).  A claimed one
 * is the benchmark's: the free is its teardown, the time from the
 * unbind's start to the end of the free its reclaim latency.
 */
static void rbk_reclaim(struct rbk_ticket *tk)
{
	struct rbk_ub *ub = tk->ub;
	u64 a, b;

	if (!tk->pgt)
		return;
	a = rb_now_ns();
	rb_pgt_free(tk->pgt);
	b = rb_now_ns();
	tk->pgt = NULL;
	if (ub) {
		ub->cyc[tk->cycle].teardown = b - a;
		ub->cyc[tk->cycle].reclaim = b - tk->t0;
		atomic_long_sub(tk->bytes, &ub->unreclaimed);
		atomic_long_inc(&ub->freed);
	}
}

static void rbk_dev_release(void *res, void *arg)
{
	struct rbk_ticket *tk = arg;

	(void)res;
	WRITE_ONCE(tk->released, 1);
	if (tk->ops->caps & REV_CAP_DEFERRED)
		rbk_reclaim(tk);	/* after the grace period */
	/* else the bench or rbk_drv_reap() frees the table */
}

/*
 * A removed binding no reader can reach any more (and, DEFERRED, after
 * its deferred_barrier()): destroy it and free it all.  Returns 1 if its
 * release callback never ran - a broken revoke contract.
 */
static int rbk_ticket_free(struct rbk_ticket *tk)
{
	int unreleased = !READ_ONCE(tk->released);

	tk->ops->destroy(tk->rev);
	rbk_reclaim(tk);
	kfree(tk);
	return unreleased;
}

static int rbk_probe(struct platform_device *pdev)
{
	const struct revocable_ops *ops = READ_ONCE(rbk_drv_ops);
	struct rbk_ticket *tk;
	struct rbk_dev *d;

	if (pdev->id < 0 || pdev->id >= rbk_ndevs)
		return -ENODEV;
	if (!ops)
		return -EBUSY;	/* rbk_drv_select() is switching primitives */
	d = &rbk_devs[pdev->id];
	tk = kzalloc(sizeof(*tk), GFP_KERNEL);
	if (!tk)
		return -ENOMEM;
	tk->d = d;
	tk->ops = ops;
	tk->pgt = rb_pgt_alloc(NULL, NULL);
	if (!tk->pgt)
		goto nomem;
	if (rb_pgt_populate(tk->pgt, RB_WL_IOVA_BASE, RB_WL_PHYS_BASE,
			    RB_PGT_SIZE_4K, RB_WL_WSET_DEFAULT))
		goto nomem;
	tk->bytes = rb_pgt_footprint(tk->pgt);
	tk->rev = ops->create(tk->pgt, rbk_dev_release, tk);
	if (!tk->rev)
		goto nomem;
	WRITE_ONCE(rbk_rev_bytes, ops->footprint(tk->rev));
	/*
	 * The previous (revoked) revocable is retired or gone already;
	 * readers switch to this one from here.
	 */
	d->tk = tk;
	smp_store_release(&d->rev, tk->rev);
	platform_set_drvdata(pdev, d);
	return 0;
nomem:
	if (tk->pgt)
		rb_pgt_free(tk->pgt);
	kfree(tk);
	return -ENOMEM;
}

static void rbk_remove(struct platform_device *pdev)
{
	struct rbk_dev *d = platform_get_drvdata(pdev);
	struct rbk_ticket *tk = d->tk;
	const struct revocable_ops *ops = tk->ops;

	ops->revoke(tk->rev);
	/* Who removed it: read by the benchmark after device_lock(). */
	WRITE_ONCE(tk->remover, current);
	d->tk = NULL;
	if (mutex_trylock(&rbk_readers_lock)) {
		/* No reader runs or can start: nothing reaches tk->rev. */
		cmpxchg(&d->rev, tk->rev, NULL);
		if (ops->caps & REV_CAP_DEFERRED)
			ops->deferred_barrier();
		WARN(rbk_ticket_free(tk),
		     "revbench: %s: %s: the release callback never ran\n",
		     dev_name(&pdev->dev), ops->name);
		mutex_unlock(&rbk_readers_lock);
		return;
	}
	mutex_lock(&rbk_retire_lock);
	list_add_tail(&tk->node, &rbk_retired_list);
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
 * Destroy every retired binding and free its table if still held.  Only
 * when no reader can reach one: the benchmark's readers are stopped (the
 * caller holds rbk_readers_lock, or no repetition runs).  Deferred
 * releases are waited for first.  A slot still pointing to a destroyed
 * revocable is cleared (unless a probe has replaced it meanwhile).
 * Returns how many of them never had their release callback run: a
 * binding removed after the list was taken (a sysfs unbind racing the
 * reap) is the next reap's, so this counts exact violations only.
 */
int rbk_drv_reap(void)
{
	const struct revocable_ops *last = NULL;
	struct rbk_ticket *tk, *tmp;
	LIST_HEAD(list);
	int unreleased = 0;

	mutex_lock(&rbk_retire_lock);
	list_splice_init(&rbk_retired_list, &list);
	mutex_unlock(&rbk_retire_lock);
	list_for_each_entry(tk, &list, node)
		if ((tk->ops->caps & REV_CAP_DEFERRED) && tk->ops != last) {
			tk->ops->deferred_barrier();
			last = tk->ops;
		}
	list_for_each_entry_safe(tk, tmp, &list, node) {
		cmpxchg(&tk->d->rev, tk->rev, NULL);
		list_del(&tk->node);
		unreleased += rbk_ticket_free(tk);
	}
	return unreleased;
}

/* Rebind every device with @ops.  No benchmark reader may be running. */
int rbk_drv_select(const struct revocable_ops *ops)
{
	int i, ret = 0;

	/* From here until the new ops are set, a sysfs bind gets -EBUSY. */
	WRITE_ONCE(rbk_drv_ops, NULL);
	/* A no-op for a device that is not bound. */
	for (i = 0; i < rbk_ndevs; i++)
		device_release_driver(&rbk_devs[i].pdev->dev);
	if (rbk_drv_reap())
		rb_pr_err("drv: a release callback never ran (before %s)\n",
			  ops->name);
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
	unsigned int pos = raw_smp_processor_id() * 17, i, since = 0;
	u64 sink = 0, t0 = rb_now_ns();

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
				WRITE_ONCE(me->ok, n);
			}
		}
		/* This access, and every load of it, is over. */
		smp_store_release(&me->gen, me->gen + 1);
		if (++since >= 64) {
			since = 0;
			cond_resched();
		}
	}
	me->ns = rb_now_ns() - t0;
	me->errors = errors;
	me->retries = retries;
	me->bad = bad + (sink == 1);
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

/*
 * Wait (bounded) until every reader has made want more successful
 * accesses than at the snapshot: each has got going on the new binding.
 */
static void rbk_ub_wait_readers(struct rbk_ub *ub, unsigned long want)
{
	unsigned int waited;
	int k;

	for (k = 0; k < ub->nreaders; k++)
		ub->rd[k].seen = READ_ONCE(ub->rd[k].ok);
	for (k = 0; k < ub->nreaders; k++)
		for (waited = 0; waited < 2000 && !rbk_should_stop() &&
		     READ_ONCE(ub->rd[k].ok) - ub->rd[k].seen < want; waited++)
			usleep_range(100, 200);
}

/* Claim the device's bound binding for cycle c; NULL if it is unbound. */
static struct rbk_ticket *rbk_ub_claim(struct rbk_ub *ub, struct rbk_dev *d,
				       unsigned int c)
{
	struct device *dev = &d->pdev->dev;
	struct rbk_ticket *tk;

	device_lock(dev);
	tk = d->tk;
	if (tk) {
		tk->ub = ub;
		tk->cycle = c;
	}
	device_unlock(dev);
	return tk;
}

/* The revoker: warm-up and timed unbinds, each followed by the checks. */
static void rbk_ub_unbinds(struct rbk_ub *ub)
{
	const struct revocable_ops *ops = ub->ops;
	bool typestable = ops->caps & REV_CAP_TYPESTABLE;
	bool deferred = ops->caps & REV_CAP_DEFERRED;
	unsigned int c, j = 0, warm = RB_WL_WARM_CYCLES;
	struct rbk_drv_stats *st = ub->st;
	u64 e0 = 0, n0 = 0, e1 = 0, n1 = 0;

	for (c = 0; c < ub->ncyc && j < ub->nsamples && !rbk_should_stop();
	     c++) {
		struct rbk_dev *d = &rbk_devs[c % rbk_ndevs];
		struct device *dev = &d->pdev->dev;
		struct rev_handle h = { };
		struct rbk_ticket *tk;
		bool mine;
		long u;
		u64 t0, t1;
		int ret;

		WRITE_ONCE(ub->target, c % rbk_ndevs);
		if (!ub->unbinds) {
			/* the floor: the readers' cycles, without the unbind */
			rbk_ub_wait_readers(ub, RB_WL_CYCLE_WARM_OPS * 64);
			j += c >= warm;
			continue;
		}
		/* Each reader gets going on this binding (bounded wait). */
		rbk_ub_wait_readers(ub, RB_WL_CYCLE_WARM_OPS);
		tk = rbk_ub_claim(ub, d, c);
		if (!tk) {
			st->lost++;	/* unbound by someone else */
			goto rebind;
		}
		u = atomic_long_add_return(tk->bytes, &ub->unreclaimed);
		if (u > (long)st->unreclaimed_peak)
			st->unreclaimed_peak = u;
		atomic_long_inc(&ub->revoked);
		if (ops->gp_paths)
			ops->gp_paths(&e0, &n0);
		t0 = rb_now_ns();
		tk->t0 = t0;
		device_release_driver(dev);
		t1 = rb_now_ns();
		if (ops->gp_paths)
			ops->gp_paths(&e1, &n1);
		/* device_release_driver() took device_lock(): remover is set */
		mine = READ_ONCE(tk->remover) == current;
		if (!mine)
			st->lost++;
		st->retained += st->bytes_per_rev;
		if (st->retained > st->retained_peak)
			st->retained_peak = st->retained;
		if (mine && c >= warm) {
			ub->cyc[c].unbind = t1 - t0;
			ub->cyc[c].valid = true;
			st->gp_expedited += e1 - e0;
			st->gp_normal += n1 - n0;
			j++;
		}

		/* The contract, on the claimed binding, whoever removed it. */
		if (ops->try_access(tk->rev, &h)) {
			ops->release(tk->rev, &h);
			st->fail = "try_access succeeded after unbind returned";
		}
		if (!deferred) {
			if (!READ_ONCE(tk->released))
				st->fail = "release callback had not run when unbind returned";
			else if (!typestable || rbk_ub_readers_moved_on(ub))
				rbk_reclaim(tk);
			/* else stopping: rbk_drv_reap() frees it, readers out */
		}
rebind:
		/* 1: bound, by this call or a sysfs bind that came first */
		ret = device_attach(dev);
		if (ret < 0)
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

/* The timed cycles' samples into the caller's buffers, in cycle order. */
static unsigned int rbk_ub_samples(struct rbk_ub *ub, struct rbk_drv_bufs *buf)
{
	unsigned int c, j = 0;

	for (c = 0; c < ub->ncyc && j < buf->nsamples; c++) {
		if (!ub->cyc[c].valid)
			continue;
		buf->samples[j] = ub->cyc[c].unbind;
		buf->reclaim[j] = ub->cyc[c].reclaim;
		buf->teardown[j] = ub->cyc[c].teardown;
		j++;
	}
	return j;
}

int rbk_drv_unbind_rep(const struct rbk_config *cfg,
		       const struct revocable_ops *ops, int nreaders,
		       struct rbk_drv_bufs *buf, struct rbk_drv_stats *st)
{
	int online = num_online_cpus(), k, n = 0, ret = 0;
	struct task_struct **th, *rv = NULL;
	struct rbk_ub *ub;

	memset(st, 0, sizeof(*st));
	ub = kzalloc(sizeof(*ub), GFP_KERNEL);
	th = kcalloc(nreaders + 1, sizeof(*th), GFP_KERNEL);
	if (ub) {
		ub->rd = kcalloc(nreaders + 1, sizeof(*ub->rd), GFP_KERNEL);
		/* sysfs may take some cycles: room for 4x the samples */
		ub->ncyc = RB_WL_WARM_CYCLES + 4 * buf->nsamples;
		ub->cyc = kcalloc(ub->ncyc, sizeof(*ub->cyc), GFP_KERNEL);
	}
	if (!ub || !th || !ub->rd || !ub->cyc) {
		ret = -ENOMEM;
		goto out;
	}
	ub->ops = ops;
	ub->cs = cfg->cs;
	/* the floor's revoke does not wait: readers only, no unbind */
	ub->unbinds = !(ops->caps & REV_CAP_UNSAFE);
	ub->nreaders = nreaders;
	ub->nsamples = buf->nsamples;
	ub->st = st;
	init_completion(&ub->done);
	ret = rbk_drv_select(ops);
	if (ret)
		goto out;
	st->bytes_per_rev = READ_ONCE(rbk_rev_bytes);
	if (ops->domain_footprint)
		st->bytes_per_domain = ops->domain_footprint();

	mutex_lock(&rbk_readers_lock);
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
stop:
	while (n)
		kthread_stop(th[--n]);
	/* deferred releases whose grace period had not ended by now */
	if (ops->caps & REV_CAP_DEFERRED)
		st->pending = atomic_long_read(&ub->revoked) -
			      atomic_long_read(&ub->freed);
	/* every reader is out: retired bindings and deferred releases go */
	if (rbk_drv_reap())
		st->fail = "a release callback never ran";
	mutex_unlock(&rbk_readers_lock);
	st->nsamples = ub->unbinds ? rbk_ub_samples(ub, buf) : ub->nsamples;
	for (k = 0; k < nreaders; k++) {
		st->accesses += ub->rd[k].ok;
		st->errors += ub->rd[k].errors;
		st->retries += ub->rd[k].retries;
		st->bad += ub->rd[k].bad;
		st->reader_ns += ub->rd[k].ns;
		if (ub->rd[k].ns)
			st->accesses_per_sec += div64_u64((u64)ub->rd[k].ok *
							  NSEC_PER_SEC,
							  ub->rd[k].ns);
	}
	if (st->bad && !st->fail)
		st->fail = "readers saw wrong translations";
	if (atomic_long_read(&ub->freed) != atomic_long_read(&ub->revoked) &&
	    !st->fail)
		st->fail = "a revoked page table was never freed";
out:
	if (ub) {
		kfree(ub->cyc);
		kfree(ub->rd);
	}
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
	kfree(rbk_devs);
	rbk_devs = NULL;
}
