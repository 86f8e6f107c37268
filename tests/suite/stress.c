// SPDX-License-Identifier: GPL-2.0
/*
 * stress.c - the suite's stress case (suite.h): readers hammer
 * try_access / iova_to_phys / release on a page table while a revoker
 * revokes it and publishes a fresh one, round after round.  Shared by
 * userspace (tests/stress.c) and the kernel module; kernel style,
 * compat.h only.
 *
 * Each round's resource is a page table (workloads/pgtable.h) with
 * RBT_NPAGES pages mapped.  Its release callback frees it; pgtable.c
 * poisons every freed page (the struct's magic, every entry) and the
 * allocator hook here keeps the freed pages in a quarantine until the
 * readers are joined and the releases settled, so a late reader reads
 * poison, never freed memory.
 *
 * A reader's access counts as a failure (the first one's round and the
 * time from the start are reported) when:
 *   late       try_access() succeeded on a round whose revoke() had
 *              returned before the attempt;
 *   overtaken  revoke() returned while the reader still held a validated
 *              access (non-DEFERRED primitives; a RETRY primitive must
 *              fail such an access with -EAGAIN instead);
 *   poison     the reader saw the poisoned magic during a validated
 *              access;
 *   xlate      a validated translation was wrong (and not poisoned).
 * REV_CAP_GUARD entries: every other access (at random) is taken under
 * one read-side guard over two revocables, the previous round's (revoked
 * before the current one was published: its guarded access must fail, or
 * it is late) and the current one's (the same checks as any access,
 * released by guard_exit()).
 * And once the readers have stopped: each round's release callback ran
 * exactly once by its revoke()'s return (non-DEFERRED) and exactly once in
 * all, always on its own live page table; the readers made successful
 * accesses; at least one revoke ran under them.  No timing thresholds:
 * the run is bounded by rounds and, optionally, a duration.
 */
#include "revocable.h"
#include "pgtable.h"
#include "suite.h"

#define RBT_IOVA	0x40000000ULL	/* 1 GiB */
#define RBT_PADDR	0x80000000ULL
#define RBT_NPAGES	16

struct rbt_stress;

struct rbt_gen {
	struct revocable *rev;
	struct rb_pgtable *pgt;
	u64 gen;
	int revoked;		/* revoke() has returned (store-release) */
	atomic_t released;	/* release callback runs */
	struct rbt_stress *st;
};

/* One kind of reader failure: how many, and the first one's round. */
struct rbt_fail {
	atomic_long_t n;
	atomic_long_t first_gen;	/* 0: none yet */
};

struct rbt_stress {
	const struct revocable_ops *ops;
	struct rbt_gen *gens;		/* rounds + 1 of them */
	unsigned int ngens;
	struct rbt_gen *cur;		/* published with store-release */
	int stop;
	u64 t0;
	/* quarantine: freed table pages, poisoned, kept until the end */
	void **q_pages;
	long q_cap;
	atomic_long_t q_n, q_overflow;
	/* reader totals */
	atomic_long_t accesses, errors, retries;
	struct rbt_fail late, overtaken, poison, xlate;
	atomic_t release_bad;		/* release got a wrong or dead table */
	atomic_long_t first_fail_ns;	/* since t0; 0: no failure yet */
};

struct rbt_reader {
	struct rbt_stress *st;
	unsigned int seed;
	struct rb_thread *th;
};

static void *rbt_q_alloc(void *cookie)
{
	(void)cookie;
	return rb_page_alloc();
}

/*
 * pgtable.c has poisoned the page.  Keep it (the release callback may
 * run in softirq: a slot is claimed with an atomic increment, and the
 * page published in it with a store-release the drain pairs with).
 * Before the quarantine exists (setting up the first table) no reader has
 * seen the page: free it.  A full quarantine leaks the page rather than
 * free what a reader might still read, and the run fails.
 */
static void rbt_q_free(void *cookie, void *page)
{
	struct rbt_stress *st = cookie;
	long i;

	if (!st->q_pages) {
		rb_page_free(page);
		return;
	}
	i = atomic_long_inc_return(&st->q_n) - 1;
	if (i >= st->q_cap) {
		atomic_long_inc(&st->q_overflow);
		return;
	}
	smp_store_release(&st->q_pages[i], page);
}

static const struct rb_pgt_alloc_ops rbt_q_ops = {
	.page_alloc = rbt_q_alloc,
	.page_free = rbt_q_free,
};

static void rbt_q_drain(struct rbt_stress *st)
{
	long i, n = min_t(long, atomic_long_read(&st->q_n), st->q_cap);
	void *p;

	for (i = 0; i < n; i++) {
		p = smp_load_acquire(&st->q_pages[i]);
		if (p)
			rb_page_free(p);
	}
}

/* Release callback: may run in softirq (DEFERRED variants). */
static void rbt_gen_release(void *res, void *arg)
{
	struct rbt_gen *g = arg;

	if (res != g->pgt || READ_ONCE(g->pgt->magic) != RB_PGT_MAGIC_LIVE)
		atomic_inc(&g->st->release_bad);
	atomic_inc(&g->released);
	rb_pgt_free(res);
}

static int rbt_gen_create(struct rbt_stress *st, struct rbt_gen *g, u64 gen)
{
	g->st = st;
	g->gen = gen;
	g->pgt = rb_pgt_alloc(&rbt_q_ops, st);
	if (!g->pgt)
		return -ENOMEM;
	g->pgt->generation = gen;
	if (rb_pgt_populate(g->pgt, RBT_IOVA, RBT_PADDR, RB_PGT_SIZE_4K,
			    RBT_NPAGES))
		goto fail;
	g->rev = st->ops->create(g->pgt, rbt_gen_release, g);
	if (!g->rev)
		goto fail;
	return 0;
fail:
	rb_pgt_free(g->pgt);
	g->pgt = NULL;
	return -ENOMEM;
}

static void rbt_fail_at(struct rbt_stress *st, struct rbt_fail *f,
			const struct rbt_gen *g)
{
	long ns = (long)(rb_now_ns() - st->t0) + 1;

	atomic_long_inc(&f->n);
	atomic_long_cmpxchg(&f->first_gen, 0, (long)g->gen);
	atomic_long_cmpxchg(&st->first_fail_ns, 0, ns);
}

static int rbt_stress_reader(void *arg)
{
	struct rbt_reader *rd = arg;
	struct rbt_stress *st = rd->st;
	const struct revocable_ops *ops = st->ops;
	/*
	 * A validated access must not have overlapped a completed revoke: a
	 * blocking revoke cannot return under a reader, and a RETRY revoke
	 * that returned under one must have made its release() fail.  Only
	 * DEFERRED variants return while old readers still run.
	 */
	bool blocking = !(ops->caps & REV_CAP_DEFERRED);
	bool may_sleep = ops->caps & REV_CAP_SLEEP;
	bool guard = ops->caps & REV_CAP_GUARD;
	unsigned int s = rd->seed | 1;
	long n = 0, errors = 0, retries = 0;

	while (!smp_load_acquire(&st->stop)) {
		struct rbt_gen *g = smp_load_acquire(&st->cur);
		struct rev_handle h = { };
		struct rb_pgtable *p;
		int was_revoked, still_revoked, bp, bx, spin, rc;
		bool guarded = guard && (rbt_xorshift(&s) & 1);
		u64 k, pa;

		was_revoked = smp_load_acquire(&g->revoked);
		if (guarded) {
			struct rbt_gen *prev = g > st->gens ? g - 1 : NULL;

			ops->guard_enter(&h);
			if (prev && ops->try_access_guarded(prev->rev, &h))
				rbt_fail_at(st, &st->late, prev);
			p = ops->try_access_guarded(g->rev, &h);
		} else {
			p = ops->try_access(g->rev, &h);
		}
		if (!p) {
			if (guarded)
				ops->guard_exit(&h);
			errors++;
			goto next;
		}
		k = (u64)n % RBT_NPAGES;
		bp = READ_ONCE(p->magic) != RB_PGT_MAGIC_LIVE;
		pa = rb_pgt_iova_to_phys(p, RBT_IOVA + k * RB_PGT_SIZE_4K + 42);
		bx = pa != RBT_PADDR + k * RB_PGT_SIZE_4K + 42;
		/* Widen the window: sometimes dawdle inside the access. */
		if ((rbt_xorshift(&s) & 15) == 0) {
			spin = rbt_xorshift(&s) & 255;
			while (spin--)
				cpu_relax();
		}
		if (may_sleep && (rbt_xorshift(&s) & 255) == 0)
			rb_sleep_us(5 + rbt_xorshift(&s) % 46);
		bp |= READ_ONCE(p->magic) != RB_PGT_MAGIC_LIVE;
		still_revoked = smp_load_acquire(&g->revoked);
		if (guarded) {
			ops->guard_exit(&h);
			rc = 0;
		} else {
			rc = ops->release(g->rev, &h);
		}
		if (rc == -EAGAIN) {
			/* Speculation overtaken: never act on what we read. */
			retries++;
			goto next;
		}
		n++;
		if (was_revoked)
			rbt_fail_at(st, &st->late, g);
		if (bp)
			rbt_fail_at(st, &st->poison, g);
		else if (bx)
			rbt_fail_at(st, &st->xlate, g);
		if (blocking && still_revoked)
			rbt_fail_at(st, &st->overtaken, g);
next:
		if (!((n + errors + retries) & 63))
			rb_yield();
	}
	atomic_long_add(n, &st->accesses);
	atomic_long_add(errors, &st->errors);
	atomic_long_add(retries, &st->retries);
	return 0;
}

/* The pause between rounds: spin up to gap_us relaxes, or sleep. */
static void rbt_gap(unsigned int gap_us, unsigned int *s)
{
	unsigned int u = gap_us ? rbt_xorshift(s) % (2 * gap_us) : 0;

	if (u > gap_us) {
		rb_sleep_us(u - gap_us);
		return;
	}
	while (u--)
		cpu_relax();
}

/* A check that n things went wrong, saying in which round the first. */
static void rbt_check_none(struct rbt *t, long n, long first,
			   const char *what)
{
	if (n)
		rbt_check(t, false, "%s (%ld, the first in round %ld)", what, n,
			  first);
	else
		rbt_check(t, true, "%s (0)", what);
}

static void rbt_check_fail(struct rbt *t, struct rbt_fail *f,
			   const char *what)
{
	rbt_check_none(t, atomic_long_read(&f->n),
		       atomic_long_read(&f->first_gen), what);
}

/* Stop the readers, revoke what is live, settle, check the rounds. */
static void rbt_stress_finish(struct rbt *t, struct rbt_stress *st,
			      struct rbt_reader *rd, unsigned int nreaders)
{
	const struct revocable_ops *ops = t->ops;
	int bad = 0, first_bad = -1, rel;
	unsigned int i;

	smp_store_release(&st->stop, 1);
	for (i = 0; i < nreaders; i++)
		if (rd[i].th)
			rb_thread_join(rd[i].th);
	for (i = 0; i < st->ngens; i++)
		if (st->gens[i].rev && !st->gens[i].revoked)
			ops->revoke(st->gens[i].rev);
	if (ops->deferred_barrier)
		ops->deferred_barrier();
	for (i = 0; i < st->ngens; i++) {
		struct rbt_gen *g = &st->gens[i];

		if (!g->rev)
			continue;
		rel = atomic_read(&g->released);
		if (rel != 1 && !bad++)
			first_bad = (int)g->gen;
		ops->destroy(g->rev);
		if (!rel)
			rb_pgt_free(g->pgt);	/* never released: ours */
	}
	rbt_check_none(t, bad, first_bad,
		       "every round's release callback ran exactly once in all: wrong");
	rbt_check(t, !atomic_read(&st->release_bad),
		  "every release callback got its own live page table (%d wrong or dead)",
		  atomic_read(&st->release_bad));
}

void rbt_stress(struct rbt *t)
{
	const struct rbt_cfg *cfg = t->cfg;
	const struct revocable_ops *ops = t->ops;
	bool deferred = ops->caps & REV_CAP_DEFERRED;
	unsigned int nreaders = cfg->readers ? cfg->readers :
				 (unsigned int)rb_nr_cpus();
	unsigned int i, started = 0, rounds = 0;
	unsigned int s = cfg->seed * 2654435761U + 7;
	int bad_at_return = 0, first_bad = -1;
	bool create_failed = false, stopped;
	struct rbt_reader *rd;
	struct rbt_stress *st;
	u64 end = 0;

	st = rb_zalloc(sizeof(*st));
	rd = rb_zalloc(sizeof(*rd) * nreaders);
	if (st)
		st->gens = rb_zalloc(sizeof(*st->gens) * (cfg->rounds + 1));
	if (!rbt_check(t, st && rd && st->gens,
		       "allocate %u rounds and %u readers", cfg->rounds,
		       nreaders))
		goto free;
	st->ops = ops;
	st->ngens = cfg->rounds + 1;
	if (!rbt_check(t, !rbt_gen_create(st, &st->gens[0], 1),
		       "create the first revocable over a page table of %d pages",
		       RBT_NPAGES)) {
		st->ngens = 0;
		goto free;
	}
	/* Every round frees the same number of pages; a little slack. */
	st->q_cap = (long)st->ngens * (rb_pgt_nr_tables(st->gens[0].pgt) + 1) +
		    16;
	st->q_pages = rb_zalloc(sizeof(*st->q_pages) * st->q_cap);
	if (!rbt_check(t, st->q_pages, "allocate a quarantine with room for %ld freed pages",
		       st->q_cap)) {
		st->ngens = 1;
		rbt_stress_finish(t, st, rd, 0);
		goto free;
	}
	smp_store_release(&st->cur, &st->gens[0]);
	st->t0 = rb_now_ns();
	for (i = 0; i < nreaders; i++) {
		rd[i].st = st;
		rd[i].seed = cfg->seed * 7919U + i * 104729U;
		rd[i].th = rb_thread_start(rbt_stress_reader, &rd[i],
					   cfg->pin_readers ?
					   (int)(i % rb_nr_cpus()) : -1,
					   "rbt_stress");
		started += !!rd[i].th;
	}
	rbt_check(t, started == nreaders, "start %u reader threads%s (%u started)",
		  nreaders, cfg->pin_readers ? ", one per CPU" : "", started);
	if (cfg->duration_ms)
		end = st->t0 + (u64)cfg->duration_ms * 1000000ULL;
	for (i = 1; i <= cfg->rounds; i++) {
		struct rbt_gen *old = st->cur, *new = &st->gens[i];

		if ((end && rb_now_ns() >= end) || rbt_should_stop(t))
			break;
		/*
		 * Let the readers at the current table, prepare the next one,
		 * revoke the current one under the readers, then publish.
		 */
		rbt_gap(cfg->gap_us, &s);
		if (rbt_gen_create(st, new, i + 1)) {
			create_failed = true;
			break;
		}
		ops->revoke(old->rev);
		smp_store_release(&old->revoked, 1);
		if (!deferred && atomic_read(&old->released) != 1 &&
		    !bad_at_return++)
			first_bad = (int)old->gen;
		smp_store_release(&st->cur, new);
		rounds++;
	}
	rbt_gap(cfg->gap_us, &s);
	stopped = rbt_should_stop(t);
	rbt_stress_finish(t, st, rd, nreaders);

	rbt_check(t, !create_failed, "create a fresh revocable every round");
	rbt_check(t, rounds >= 1 || stopped,
		  "at least one revoke under the readers (%u rounds of %u)",
		  rounds, cfg->rounds);
	rbt_check_fail(t, &st->late,
		       "no access succeeded after its revoke() had returned: late");
	if (deferred)
		rbt_diag(t, "DEFERRED: revoke() returns before old readers finish; overtaken not checked");
	else
		rbt_check_fail(t, &st->overtaken,
			       "no validated access overlapped a completed revoke(): overtaken");
	rbt_check_fail(t, &st->poison,
		       "no reader saw a released (poisoned) table in a validated access: poison");
	rbt_check_fail(t, &st->xlate,
		       "every validated translation was right: xlate");
	if (deferred)
		rbt_diag(t, "DEFERRED: the release callbacks run by deferred_barrier(), checked once settled");
	else
		rbt_check_none(t, bad_at_return, first_bad,
			       "each round's release callback ran exactly once by revoke()'s return: wrong");
	rbt_check(t, atomic_long_read(&st->accesses) > 0 || stopped,
		  "the readers made successful accesses (%ld)",
		  atomic_long_read(&st->accesses));
	rbt_check(t, !atomic_long_read(&st->q_overflow),
		  "the quarantine kept every freed page (%ld overflowed, leaked)",
		  atomic_long_read(&st->q_overflow));
	rbt_diag(t, "seed %u, %u rounds (at most %u, in %u ms; 0: no time limit), %u readers, %ld accesses, %ld -ENODEV, %ld retries, %ld pages quarantined",
		 cfg->seed, rounds, cfg->rounds, cfg->duration_ms, started,
		 atomic_long_read(&st->accesses),
		 atomic_long_read(&st->errors), atomic_long_read(&st->retries),
		 atomic_long_read(&st->q_n));
	if (atomic_long_read(&st->first_fail_ns))
		rbt_diag(t, "first reader failure %ld us after the readers started",
			 atomic_long_read(&st->first_fail_ns) / 1000);
	rbt_q_drain(st);
free:
	if (st) {
		rb_free(st->q_pages);
		rb_free(st->gens);
	}
	rb_free(st);
	rb_free(rd);
}
