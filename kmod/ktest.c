// SPDX-License-Identifier: GPL-2.0
/*
 * ktest.c - in-kernel contract and stress tests, KTAP v1 on the console.
 *
 * Driven by rev_ops_all[] (or the one primitive asked for): every table
 * gets the same TESTS[] list, so the plan "1..N" is known up front.  The
 * checks are the userspace contract tests' checks, never timing
 * thresholds:
 *
 *   footprint            ops->footprint() > 0
 *   access_after_revoke  try_access works before, fails after revoke()
 *   release_once         release(res, arg) runs exactly once, with the
 *                        right arguments, by the time revoke() (DEFERRED:
 *                        barrier()) returns, and never again (destroy)
 *   revoke_many          the batched revoke keeps the same contract per
 *                        object (SKIP when the primitive has none)
 *   revoke_waits_reader  a reader kthread holds an access for hold_ms;
 *                        revoke() from this thread must not return, and
 *                        release() must not run, while it holds (the
 *                        reader checks both before it lets go); after
 *                        revoke() the reader must be done.  RETRY
 *                        primitives (bounded: revoke may return and
 *                        release under the reader): the reader's
 *                        release() must say -EAGAIN.  DEFERRED: release() runs only after
 *                        the reader let go, and by deferred_barrier().
 *   sleeping_reader      REV_CAP_SLEEP only: the reader msleep()s inside
 *                        its access while revoke() runs; the resource
 *                        stays intact until it lets go
 *   stress               one reader kthread per online CPU hammers
 *                        try_access / iova_to_phys / release on a page
 *                        table while a revoker revokes and re-creates it
 *                        for "rounds" rounds.  Freed table pages are
 *                        poisoned and quarantined until the end, so a
 *                        reader that sees poison, a wrong translation, or
 *                        succeeds on a generation whose revoke() had
 *                        already returned is caught and counted.
 *
 * REV_CAP_UNSAFE tables (none) skip the safety tests with a loud reason.
 * REV_CAP_BROKEN tables (the bug zoo, KMOD_BUGS=1 builds only) must fail:
 * each failing test is "not ok ... # TODO" (an expected failure, counted
 * in neither total) and one extra "NAME.caught" test passes only if at
 * least one check caught it.
 * Results: "ok N name", "not ok N name", "# SKIP reason", "# diag" lines,
 * then "revbench: done: P passed, F failed" (skips are not counted in
 * either; they are listed as "# SKIP").
 */
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "revocable.h"
#include "pgtable.h"
#include "kmod.h"

#define KT_MAGIC	0x5245564b54455354ULL	/* "TSETKVER" */
#define KT_POISON	0x6b6b6b6b6b6b6b6bULL

/* ---------------------------------------------------------------- */
/* a simple resource for the contract tests */

struct kt_res {
	u64 magic;
	atomic_t released;	/* release(res, arg) calls */
	void *arg_seen;		/* the arg release() was given */
	/* revoke_waits_reader / sleeping_reader bookkeeping */
	atomic_t reader_holding;
};

static void kt_release(void *res, void *arg)
{
	struct kt_res *r = res;

	r->arg_seen = arg;
	WRITE_ONCE(r->magic, KT_POISON);
	smp_mb__before_atomic();
	atomic_inc(&r->released);
}

/* Barrier for DEFERRED tables, a no-op otherwise. */
static void kt_barrier(const struct revocable_ops *ops)
{
	if ((ops->caps & REV_CAP_DEFERRED) && ops->deferred_barrier)
		ops->deferred_barrier();
}

struct kt_ctx {
	const struct revocable_ops *ops;
	const struct rbk_config *cfg;
	char why[160];		/* first failure, for the diagnostic line */
};

#define KT_FAIL(c, fmt, ...)						\
	do {								\
		if (!(c)->why[0])					\
			snprintf((c)->why, sizeof((c)->why), fmt,	\
				 ##__VA_ARGS__);			\
	} while (0)

/* ---------------------------------------------------------------- */

static int kt_footprint(struct kt_ctx *c)
{
	struct kt_res res = { .magic = KT_MAGIC };
	struct revocable *rev;
	size_t fp;

	rev = c->ops->create(&res, kt_release, c);
	if (!rev) {
		KT_FAIL(c, "create failed");
		return -1;
	}
	fp = c->ops->footprint(rev);
	pr_info("# %s.footprint: %zu bytes (nr_cpu_ids %u)\n", c->ops->name,
		fp, nr_cpu_ids);
	c->ops->revoke(rev);
	kt_barrier(c->ops);
	c->ops->destroy(rev);
	if (!fp)
		KT_FAIL(c, "footprint() returned 0");
	return fp ? 0 : -1;
}

static int kt_access_after_revoke(struct kt_ctx *c)
{
	struct kt_res res = { .magic = KT_MAGIC };
	struct revocable *rev;
	struct rev_handle h = { };
	void *p;
	int i, bad = 0;

	rev = c->ops->create(&res, kt_release, c);
	if (!rev) {
		KT_FAIL(c, "create failed");
		return -1;
	}
	for (i = 0; i < 3; i++) {
		p = c->ops->try_access(rev, &h);
		if (p != &res) {
			KT_FAIL(c, "try_access before revoke returned %p", p);
			bad++;
			if (!p)
				continue;
		}
		if (c->ops->release(rev, &h)) {
			KT_FAIL(c, "release() without a revoke failed");
			bad++;
		}
	}
	c->ops->revoke(rev);
	for (i = 0; i < 3; i++) {
		p = c->ops->try_access(rev, &h);
		if (p) {
			KT_FAIL(c, "try_access after revoke returned %p", p);
			bad++;
			c->ops->release(rev, &h);
		}
	}
	kt_barrier(c->ops);
	c->ops->destroy(rev);
	return bad ? -1 : 0;
}

static int kt_release_once(struct kt_ctx *c)
{
	struct kt_res res = { .magic = KT_MAGIC };
	struct revocable *rev;
	int n, bad = 0;

	rev = c->ops->create(&res, kt_release, c);
	if (!rev) {
		KT_FAIL(c, "create failed");
		return -1;
	}
	if (atomic_read(&res.released)) {
		KT_FAIL(c, "release ran before revoke");
		bad++;
	}
	c->ops->revoke(rev);
	n = atomic_read(&res.released);
	if (!(c->ops->caps & REV_CAP_DEFERRED) && n != 1) {
		KT_FAIL(c, "release ran %d times by revoke()'s return", n);
		bad++;
	}
	kt_barrier(c->ops);
	n = atomic_read(&res.released);
	if (n != 1) {
		KT_FAIL(c, "release ran %d times after barrier", n);
		bad++;
	}
	if (res.arg_seen != c) {
		KT_FAIL(c, "release got arg %p, not %p", res.arg_seen, c);
		bad++;
	}
	c->ops->destroy(rev);
	n = atomic_read(&res.released);
	if (n != 1) {
		KT_FAIL(c, "release ran %d times after destroy", n);
		bad++;
	}
	return bad ? -1 : 0;
}

#define KT_MANY	8

static int kt_revoke_many(struct kt_ctx *c)
{
	struct kt_res res[KT_MANY] = { };
	struct revocable *revs[KT_MANY] = { };
	struct rev_handle h = { };
	int i, n, bad = 0;

	for (i = 0; i < KT_MANY; i++) {
		res[i].magic = KT_MAGIC;
		revs[i] = c->ops->create(&res[i], kt_release, c);
		if (!revs[i]) {
			KT_FAIL(c, "create %d failed", i);
			while (--i >= 0)
				c->ops->revoke(revs[i]);
			kt_barrier(c->ops);
			goto out;
		}
	}
	c->ops->revoke_many(revs, KT_MANY);
	for (i = 0; i < KT_MANY; i++) {
		void *p = c->ops->try_access(revs[i], &h);

		if (p) {
			KT_FAIL(c, "try_access on %d after revoke_many", i);
			bad++;
			c->ops->release(revs[i], &h);
		}
		n = atomic_read(&res[i].released);
		if (!(c->ops->caps & REV_CAP_DEFERRED) && n != 1) {
			KT_FAIL(c, "object %d released %d times by return", i,
				n);
			bad++;
		}
	}
	kt_barrier(c->ops);
	for (i = 0; i < KT_MANY; i++) {
		n = atomic_read(&res[i].released);
		if (n != 1) {
			KT_FAIL(c, "object %d released %d times", i, n);
			bad++;
		}
	}
out:
	for (i = 0; i < KT_MANY; i++)
		if (revs[i])
			c->ops->destroy(revs[i]);
	return bad ? -1 : 0;
}

/* ---------------------------------------------------------------- */
/* revoke_waits_reader and sleeping_reader: one reader kthread */

struct kt_reader {
	struct kt_ctx *c;
	struct revocable *rev;
	struct kt_res *res;
	bool sleep;			/* hold by msleep(), else mdelay() */
	unsigned int hold_ms;
	struct completion holding;	/* access taken */
	atomic_t revoke_started;	/* set by the revoker, then ... */
	atomic_t revoke_returned;	/* ... this one */
	atomic_t done_using;		/* set just before release() */
	int got;			/* try_access succeeded */
	int release_ret;
	int violations;
	char why[120];
};

static int kt_reader_fn(void *data)
{
	struct kt_reader *r = data;
	const struct revocable_ops *ops = r->c->ops;
	struct rev_handle h = { };
	struct kt_res *p;
	unsigned int t;

	p = ops->try_access(r->rev, &h);
	r->got = p == r->res;
	complete(&r->holding);
	if (!p)
		goto out;
	/*
	 * Start the hold once revoke() has been called (bounded wait: if the
	 * revoker is slow to run, the check is merely weaker, never wrong).
	 */
	for (t = 0; t < 1000 && !atomic_read(&r->revoke_started); t++) {
		if (r->sleep)
			msleep(1);
		else
			mdelay(1);
	}
	/* Hold in steps, checking the resource after each one. */
	for (t = 0; t < r->hold_ms; t++) {
		if (r->sleep)
			msleep(1);
		else
			mdelay(1);
		/*
		 * A RETRY primitive's bounded revoke may release under a
		 * speculating reader (type-stable memory); what it owes the
		 * reader is the -EAGAIN checked after release().
		 */
		if (ops->caps & REV_CAP_RETRY)
			continue;
		if (READ_ONCE(p->magic) != KT_MAGIC ||
		    atomic_read(&r->res->released)) {
			r->violations++;
			snprintf(r->why, sizeof(r->why),
				 "release ran while the reader held (after %u ms)",
				 t + 1);
			break;
		}
	}
	if (!(ops->caps & (REV_CAP_DEFERRED | REV_CAP_RETRY)) &&
	    atomic_read(&r->revoke_returned)) {
		r->violations++;
		snprintf(r->why, sizeof(r->why),
			 "revoke() returned while the reader held");
	}
	atomic_set(&r->done_using, 1);
	smp_mb__after_atomic();
	r->release_ret = ops->release(r->rev, &h);
out:
	rbk_wait_for_stop();
	return 0;
}

static int kt_reader_test(struct kt_ctx *c, bool sleep)
{
	const struct revocable_ops *ops = c->ops;
	struct kt_res res = { .magic = KT_MAGIC };
	struct kt_reader r = { };
	struct task_struct *t;
	int bad = 0, n;

	r.c = c;
	r.res = &res;
	r.sleep = sleep;
	r.hold_ms = c->cfg->hold_ms;
	init_completion(&r.holding);
	r.rev = ops->create(&res, kt_release, c);
	if (!r.rev) {
		KT_FAIL(c, "create failed");
		return -1;
	}
	t = rbk_kthread_on_cpu(kt_reader_fn, &r, -1, "rbk_kt_reader");
	if (IS_ERR(t)) {
		KT_FAIL(c, "kthread: %ld", PTR_ERR(t));
		ops->revoke(r.rev);
		kt_barrier(ops);
		ops->destroy(r.rev);
		return -1;
	}
	wait_for_completion(&r.holding);
	if (!r.got) {
		KT_FAIL(c, "the reader's try_access failed before revoke");
		bad++;
	}

	atomic_set(&r.revoke_started, 1);
	ops->revoke(r.rev);
	atomic_set(&r.revoke_returned, 1);
	smp_mb__after_atomic();

	if (!(ops->caps & (REV_CAP_DEFERRED | REV_CAP_RETRY)) && r.got &&
	    !atomic_read(&r.done_using)) {
		KT_FAIL(c, "revoke() returned before the reader let go");
		bad++;
	}
	kt_barrier(ops);
	kthread_stop(t);	/* the reader has finished by now */

	if (r.violations) {
		KT_FAIL(c, "%s", r.why);
		bad++;
	}
	if ((ops->caps & REV_CAP_RETRY) && r.got && r.release_ret != -EAGAIN) {
		KT_FAIL(c, "speculative reader's release() returned %d, not -EAGAIN",
			r.release_ret);
		bad++;
	}
	if (!(ops->caps & REV_CAP_RETRY) && r.got && r.release_ret) {
		KT_FAIL(c, "reader's release() returned %d", r.release_ret);
		bad++;
	}
	n = atomic_read(&res.released);
	if (n != 1) {
		KT_FAIL(c, "release ran %d times", n);
		bad++;
	}
	ops->destroy(r.rev);
	return bad ? -1 : 0;
}

static int kt_revoke_waits_reader(struct kt_ctx *c)
{
	/* Sleepable primitives hold by sleeping, the others by spinning. */
	return kt_reader_test(c, c->ops->caps & REV_CAP_SLEEP);
}

static int kt_sleeping_reader(struct kt_ctx *c)
{
	return kt_reader_test(c, true);
}

/* ---------------------------------------------------------------- */
/* stress */

#define KT_IOVA		0x40000000ULL	/* 1 GiB */
#define KT_PADDR	0x80000000ULL
#define KT_NPAGES	16

struct kt_stress;

struct kt_gen {
	struct revocable *rev;
	struct rb_pgtable *pgt;
	u64 gen;
	bool revoked;
	atomic_t released;
	struct kt_stress *st;
};

struct kt_stress {
	struct kt_ctx *c;
	struct kt_gen *gens;		/* rounds + 1 generations */
	unsigned int ngens;
	struct kt_gen *cur;		/* published with release */
	u64 revoked_gen;		/* every gen <= this has been revoked */
	/* quarantine: freed table pages, poisoned, kept until the end */
	spinlock_t q_lock;
	struct list_head q_pages;
	long q_count;
	/* reader totals */
	atomic_long_t accesses, errors, retries;
	atomic_long_t bad_poison, bad_xlate, bad_late;
	atomic_t release_bad;		/* release ran on a non-live table */
};

static void *kt_q_alloc(void *cookie)
{
	return (void *)get_zeroed_page(GFP_KERNEL);
}

static void kt_q_free(void *cookie, void *page)
{
	struct kt_stress *st = cookie;
	unsigned long flags;

	/* The page is poisoned by pgtable.c; keep it, linked by its struct page. */
	spin_lock_irqsave(&st->q_lock, flags);
	list_add(&virt_to_page(page)->lru, &st->q_pages);
	st->q_count++;
	spin_unlock_irqrestore(&st->q_lock, flags);
}

static const struct rb_pgt_alloc_ops kt_q_ops = {
	.page_alloc = kt_q_alloc,
	.page_free = kt_q_free,
};

static void kt_q_drain(struct kt_stress *st)
{
	struct page *pg, *tmp;

	list_for_each_entry_safe(pg, tmp, &st->q_pages, lru) {
		list_del(&pg->lru);
		free_page((unsigned long)page_address(pg));
	}
}

/* Release callback: may run in softirq (rcu-deferred); pgtable poisons. */
static void kt_gen_release(void *res, void *arg)
{
	struct kt_gen *g = arg;

	if (res != g->pgt || READ_ONCE(g->pgt->magic) != RB_PGT_MAGIC_LIVE)
		atomic_inc(&g->st->release_bad);
	atomic_inc(&g->released);
	rb_pgt_free(res);
}

static int kt_gen_create(struct kt_stress *st, struct kt_gen *g, u64 gen)
{
	g->st = st;
	g->gen = gen;
	g->pgt = rb_pgt_alloc(&kt_q_ops, st);
	if (!g->pgt)
		return -ENOMEM;
	g->pgt->generation = gen;
	if (rb_pgt_populate(g->pgt, KT_IOVA, KT_PADDR, RB_PGT_SIZE_4K,
			    KT_NPAGES)) {
		rb_pgt_free(g->pgt);
		g->pgt = NULL;
		return -ENOMEM;
	}
	g->rev = st->c->ops->create(g->pgt, kt_gen_release, g);
	if (!g->rev) {
		rb_pgt_free(g->pgt);
		g->pgt = NULL;
		return -ENOMEM;
	}
	return 0;
}

static int kt_stress_reader(void *data)
{
	struct kt_stress *st = data;
	const struct revocable_ops *ops = st->c->ops;
	bool may_sleep = ops->caps & REV_CAP_SLEEP;
	unsigned long n = 0, errors = 0, retries = 0;
	unsigned long poison = 0, xlate = 0, late = 0;

	while (!kthread_should_stop()) {
		struct rev_handle h = { };
		struct rb_pgtable *p;
		struct kt_gen *g;
		u64 done, k, pa;
		int bp, bx, bl;

		g = smp_load_acquire(&st->cur);
		done = smp_load_acquire(&st->revoked_gen);
		p = ops->try_access(g->rev, &h);
		if (!p) {
			errors++;
			goto next;
		}
		k = n % KT_NPAGES;
		bp = READ_ONCE(p->magic) != RB_PGT_MAGIC_LIVE;
		pa = rb_pgt_iova_to_phys(p, KT_IOVA + k * RB_PGT_SIZE_4K + 42);
		bx = pa != KT_PADDR + k * RB_PGT_SIZE_4K + 42;
		bl = g->gen <= done;
		if (may_sleep && !(n & 255))
			usleep_range(5, 20);	/* sleep inside the access */
		bp |= READ_ONCE(p->magic) != RB_PGT_MAGIC_LIVE;
		if (ops->release(g->rev, &h) == -EAGAIN) {
			/* Speculation invalidated: discard what we saw. */
			retries++;
			goto next;
		}
		n++;
		poison += bp;
		xlate += bx && !bp;
		late += bl;
next:
		if (!((n + errors + retries) & 63))
			cond_resched();
	}
	atomic_long_add(n, &st->accesses);
	atomic_long_add(errors, &st->errors);
	atomic_long_add(retries, &st->retries);
	atomic_long_add(poison, &st->bad_poison);
	atomic_long_add(xlate, &st->bad_xlate);
	atomic_long_add(late, &st->bad_late);
	return 0;
}

static int kt_stress(struct kt_ctx *c)
{
	const struct revocable_ops *ops = c->ops;
	unsigned int rounds = c->cfg->rounds, i, nthreads = 0, done_rounds;
	struct task_struct **threads;
	struct kt_stress *st;
	int cpu, bad = 0;

	st = kzalloc(sizeof(*st), GFP_KERNEL);
	threads = kcalloc(nr_cpu_ids, sizeof(*threads), GFP_KERNEL);
	if (st)
		st->gens = kcalloc(rounds + 1, sizeof(*st->gens), GFP_KERNEL);
	if (!st || !threads || !st->gens) {
		KT_FAIL(c, "out of memory");
		bad++;
		goto free;
	}
	st->c = c;
	st->ngens = rounds + 1;
	spin_lock_init(&st->q_lock);
	INIT_LIST_HEAD(&st->q_pages);

	if (kt_gen_create(st, &st->gens[0], 1)) {
		KT_FAIL(c, "create failed");
		bad++;
		goto free;
	}
	smp_store_release(&st->cur, &st->gens[0]);

	cpus_read_lock();
	for_each_online_cpu(cpu) {
		struct task_struct *t;

		t = rbk_kthread_on_cpu(kt_stress_reader, st, cpu,
				       "rbk_st/%u");
		if (IS_ERR(t)) {
			KT_FAIL(c, "kthread on cpu %d: %ld", cpu, PTR_ERR(t));
			bad++;
			break;
		}
		threads[nthreads++] = t;
	}
	cpus_read_unlock();

	for (i = 1; i <= rounds && !bad && !rbk_should_stop(); i++) {
		struct kt_gen *old = st->cur, *new = &st->gens[i];

		/*
		 * Let the readers work on the current generation, prepare the
		 * next one, revoke the current one under the readers, then
		 * publish the next.
		 */
		usleep_range(500, 1000);
		if (kt_gen_create(st, new, i + 1)) {
			KT_FAIL(c, "create failed in round %u", i);
			bad++;
			break;
		}
		ops->revoke(old->rev);
		old->revoked = true;
		smp_store_release(&st->revoked_gen, old->gen);
		if (!(ops->caps & REV_CAP_DEFERRED) &&
		    atomic_read(&old->released) != 1) {
			KT_FAIL(c, "gen %llu: released %d times when revoke returned",
				old->gen, atomic_read(&old->released));
			bad++;
		}
		smp_store_release(&st->cur, new);
	}
	done_rounds = i - 1;
	usleep_range(500, 1000);

	while (nthreads)
		kthread_stop(threads[--nthreads]);

	/* Revoke the last one, wait for deferred releases, check, free. */
	for (i = 0; i < st->ngens; i++)
		if (st->gens[i].rev && !st->gens[i].revoked)
			ops->revoke(st->gens[i].rev);
	kt_barrier(ops);
	for (i = 0; i < st->ngens; i++) {
		struct kt_gen *g = &st->gens[i];

		if (!g->rev)
			continue;
		if (atomic_read(&g->released) != 1) {
			KT_FAIL(c, "gen %llu released %d times", g->gen,
				atomic_read(&g->released));
			bad++;
		}
		ops->destroy(g->rev);
	}
	if (atomic_read(&st->release_bad)) {
		KT_FAIL(c, "release got a wrong or dead resource %d times",
			atomic_read(&st->release_bad));
		bad++;
	}
	if (atomic_long_read(&st->bad_poison) ||
	    atomic_long_read(&st->bad_xlate) ||
	    atomic_long_read(&st->bad_late)) {
		KT_FAIL(c, "readers saw poison %ld, wrong translation %ld, access after revoke %ld",
			atomic_long_read(&st->bad_poison),
			atomic_long_read(&st->bad_xlate),
			atomic_long_read(&st->bad_late));
		bad++;
	}
	if (!atomic_long_read(&st->accesses) && !rbk_should_stop()) {
		KT_FAIL(c, "readers made no successful access at all");
		bad++;
	}
	pr_info("# %s.stress: rounds %u of %u, readers %u, accesses %ld, -ENODEV %ld, retries %ld, poison %ld, bad xlate %ld, late %ld, quarantined pages %ld\n",
		ops->name, done_rounds, rounds, num_online_cpus(),
		atomic_long_read(&st->accesses),
		atomic_long_read(&st->errors),
		atomic_long_read(&st->retries),
		atomic_long_read(&st->bad_poison),
		atomic_long_read(&st->bad_xlate),
		atomic_long_read(&st->bad_late), st->q_count);
free:
	if (st) {
		kt_q_drain(st);
		kfree(st->gens);
	}
	kfree(st);
	kfree(threads);
	return bad ? -1 : 0;
}

/* ---------------------------------------------------------------- */

enum kt_need {
	KT_ANY,
	KT_SAFE,	/* skipped for REV_CAP_UNSAFE */
	KT_SLEEP,	/* REV_CAP_SLEEP and safe */
	KT_MANY_OPS,	/* revoke_many present */
};

static const struct {
	const char *name;
	int (*fn)(struct kt_ctx *c);
	enum kt_need need;
} kt_tests[] = {
	{ "footprint", kt_footprint, KT_ANY },
	{ "access_after_revoke", kt_access_after_revoke, KT_ANY },
	{ "release_once", kt_release_once, KT_ANY },
	{ "revoke_many", kt_revoke_many, KT_MANY_OPS },
	{ "revoke_waits_reader", kt_revoke_waits_reader, KT_SAFE },
	{ "sleeping_reader", kt_sleeping_reader, KT_SLEEP },
	{ "stress", kt_stress, KT_SAFE },
};

/* NULL if the test applies, else why it is skipped. */
static const char *kt_skip_reason(const struct revocable_ops *ops,
				  enum kt_need need)
{
	switch (need) {
	case KT_ANY:
		return NULL;
	case KT_MANY_OPS:
		return ops->revoke_many ? NULL :
		       "no batched revoke (revoke_many is NULL): each object waits on its own";
	case KT_SLEEP:
		if (ops->caps & REV_CAP_UNSAFE)
			break;
		return (ops->caps & REV_CAP_SLEEP) ? NULL :
		       "readers may not sleep in this primitive (no REV_CAP_SLEEP)";
	case KT_SAFE:
		if (ops->caps & REV_CAP_UNSAFE)
			break;
		return NULL;
	}
	return "UNSAFE: this primitive does not protect readers from revoke (the 'none' floor); safety test not applicable";
}

void rbk_run_tests(const struct rbk_config *cfg, struct rbk_test_summary *s)
{
	int nsel = 0, nbroken = 0, i, j, n = 0;
	bool all = !strcmp(cfg->primitive, "all");

	for (i = 0; i < rev_ops_count; i++)
		if (all || !strcmp(rev_ops_all[i]->name, cfg->primitive)) {
			nsel++;
			nbroken += !!(rev_ops_all[i]->caps & REV_CAP_BROKEN);
		}

	memset(s, 0, sizeof(*s));
	pr_info("KTAP version 1\n");
	pr_info("1..%d\n", nsel * (int)ARRAY_SIZE(kt_tests) + nbroken);
	pr_info("# revbench in-kernel contract and stress tests: %d primitive(s), %u online CPUs, hold_ms %u, rounds %u\n",
		nsel, num_online_cpus(), cfg->hold_ms, cfg->rounds);
	for (i = 0; i < rev_ops_count; i++) {
		const struct revocable_ops *ops = rev_ops_all[i];
		bool broken = ops->caps & REV_CAP_BROKEN;
		int caught = 0;

		if (!all && strcmp(ops->name, cfg->primitive))
			continue;
		if (broken)
			pr_info("# --- %s is deliberately broken: failures expected (KTAP TODO) ---\n",
				ops->name);

		for (j = 0; j < ARRAY_SIZE(kt_tests); j++) {
			struct kt_ctx c = { .ops = ops, .cfg = cfg };
			const char *skip;

			n++;
			skip = kt_skip_reason(ops, kt_tests[j].need);
			if (!skip && rbk_should_stop())
				skip = "run stopped (module unloading)";
			if (skip) {
				if (ops->caps & REV_CAP_UNSAFE)
					pr_warn("revbench: %s.%s SKIPPED: %s\n",
						ops->name, kt_tests[j].name,
						skip);
				pr_info("ok %d %s.%s # SKIP %s\n", n, ops->name,
					kt_tests[j].name, skip);
				s->skipped++;
				continue;
			}
			if (kt_tests[j].fn(&c) == 0 && !c.why[0]) {
				pr_info("ok %d %s.%s\n", n, ops->name,
					kt_tests[j].name);
				s->passed++;
			} else if (broken) {
				/* An expected failure: KTAP's TODO directive. */
				pr_info("not ok %d %s.%s # TODO deliberately broken, caught: %s\n",
					n, ops->name, kt_tests[j].name,
					c.why[0] ? c.why : "failed");
				caught++;
			} else {
				pr_info("# %s.%s: %s\n", ops->name,
					kt_tests[j].name,
					c.why[0] ? c.why : "failed");
				pr_info("not ok %d %s.%s\n", n, ops->name,
					kt_tests[j].name);
				s->failed++;
			}
		}
		if (broken) {
			/* The tests must catch every broken variant. */
			n++;
			pr_info("# %s: %d check(s) caught it\n", ops->name,
				caught);
			pr_info("%sok %d %s.caught\n", caught ? "" : "not ", n,
				ops->name);
			if (caught)
				s->passed++;
			else
				s->failed++;
		}
	}
	pr_info("# totals: pass:%d fail:%d skip:%d\n", s->passed, s->failed,
		s->skipped);
}
