// SPDX-License-Identifier: GPL-2.0
/*
 * workload.c - the workload table and the per-participant bodies, shared
 * by the userspace runner and the kernel module.  See workload.h for the
 * run protocol and the timing method.  Kernel style, compat.h only.
 */
#include "workload.h"
#include "cost.h"

#ifdef __KERNEL__
#include <linux/math64.h>
#else
static inline u64 div64_u64(u64 a, u64 b)
{
	return a / b;
}
#endif

const struct rb_workload rb_workloads[RB_WL_NR] = {
	[RB_WL_TRANSLATE] = {
		.id = RB_WL_TRANSLATE,
		.name = "translate",
		.measures = "reader cost: try_access, K iova_to_phys over a mapped working set, release; guard:G = G revocables (G page tables) per operation",
		.unit = "access",
		.kind = RB_WLK_LOOP,
		.knobs = RB_WL_KNOB_CS | RB_WL_KNOB_DELAY | RB_WL_KNOB_SLEEP |
			 RB_WL_KNOB_GUARD,
		.min_threads = 1,
	},
	[RB_WL_MAP_UNMAP] = {
		.id = RB_WL_MAP_UNMAP,
		.name = "map-unmap",
		.measures = "DMA map path: try_access, map+unmap npages 4K entries in a private IOVA range, release",
		.unit = "access",
		.kind = RB_WLK_LOOP,
		.knobs = RB_WL_KNOB_NPAGES | RB_WL_KNOB_DELAY | RB_WL_KNOB_SLEEP,
		.min_threads = 1,
	},
	[RB_WL_UNBIND] = {
		.id = RB_WL_UNBIND,
		.name = "unbind",
		.measures = "revoke latency per bind/revoke cycle (release only counted), reclaim and teardown apart; threads:T = 1 revoker + T-1 readers running translate",
		.unit = "revoke",
		.kind = RB_WLK_CYCLE,
		.knobs = RB_WL_KNOB_CS | RB_WL_KNOB_DELAY | RB_WL_KNOB_SLEEP |
			 RB_WL_KNOB_STALL,
		.min_threads = 1,
	},
	[RB_WL_ERROR_PATH] = {
		.id = RB_WL_ERROR_PATH,
		.name = "error-path",
		.measures = "cost of a failing try_access (-ENODEV) on an already revoked revocable",
		.unit = "failed access",
		.kind = RB_WLK_LOOP,
		.knobs = 0,
		.min_threads = 1,
	},
	[RB_WL_LIFECYCLE] = {
		.id = RB_WL_LIFECYCLE,
		.name = "lifecycle",
		.measures = "create + revoke + destroy, no readers (open/close cost); DEFERRED: barrier amortised",
		.unit = "create+destroy",
		.kind = RB_WLK_LOOP,
		.knobs = 0,
		.min_threads = 1,
	},
	[RB_WL_EMPTY] = {
		.id = RB_WL_EMPTY,
		.name = "empty",
		.measures = "reader overhead alone: try_access + release around an empty section (refscale's readsection)",
		.unit = "access",
		.kind = RB_WLK_LOOP,
		.knobs = 0,
		.min_threads = 1,
	},
	[RB_WL_UNBIND_MANY] = {
		.id = RB_WL_UNBIND_MANY,
		.name = "unbind-many",
		.measures = "one unbind revoking N revocables: one by one (a wait each) or batched (revoke_many)",
		.unit = "unbind",
		.kind = RB_WLK_CYCLE,
		.knobs = RB_WL_KNOB_CS | RB_WL_KNOB_DELAY | RB_WL_KNOB_SLEEP |
			 RB_WL_KNOB_STALL | RB_WL_KNOB_N | RB_WL_KNOB_MODE,
		.min_threads = 1,
	},
	[RB_WL_OPEN_CLOSE] = {
		.id = RB_WL_OPEN_CLOSE,
		.name = "open-close",
		.measures = "consumer side: take a consumer reference (ops->get, else an Arc-style shared count), one translate access, drop it; interrupts on",
		.unit = "open+access+close",
		.kind = RB_WLK_LOOP,
		.knobs = RB_WL_KNOB_CS,
		.min_threads = 1,
	},
};

const struct rb_workload *rb_workload_find(const char *name)
{
	int i;

	for (i = 0; i < RB_WL_NR; i++)
		if (!strcmp(rb_workloads[i].name, name))
			return &rb_workloads[i];
	return NULL;
}

/* ---- small helpers ---------------------------------------------------- */

/* Spin politely: pause, and give the CPU away now and then (oversubscribed
 * runs, non-preemptible kernels).  Never inside a read-side section. */
static inline void wl_spin(unsigned int *spins)
{
	if (++*spins & 1023)
		cpu_relax();
	else
		rb_yield();
}

static void wl_barrier_init(struct rb_wl_barrier *b, int n)
{
	atomic_set(&b->arrived, 0);
	b->gen = 0;
	b->n = n;
}

static void wl_barrier_wait(struct rb_wl_barrier *b)
{
	int gen = smp_load_acquire(&b->gen);
	unsigned int spins = 0;

	if (atomic_inc_return(&b->arrived) == b->n) {
		atomic_set(&b->arrived, 0);
		smp_store_release(&b->gen, gen + 1);
		return;
	}
	while (smp_load_acquire(&b->gen) == gen)
		wl_spin(&spins);
}

void rb_wl_fail(struct rb_wl_run *run, const char *why)
{
	cmpxchg(&run->fail, (const char *)NULL, why);
	WRITE_ONCE(run->abort, 1);
}

void rb_wl_abort(struct rb_wl_run *run)
{
	WRITE_ONCE(run->abort, 1);
}

static inline bool wl_aborted(struct rb_wl_run *run)
{
	return READ_ONCE(run->abort);
}

/* Per-participant walk of the working set from the seed (compat.h's mixer). */
void rb_wl_walk_init(u64 seed, int idx, unsigned int wset, unsigned int *pos,
		     unsigned int *stride)
{
	u64 r = rb_mix64(seed ^ ((u64)idx << 32));

	*pos = (unsigned int)r & (wset - 1);
	*stride = ((unsigned int)(r >> 32) & (wset - 1)) | 1;
}

/*
 * The delay loop's calibration: picoseconds per rb_wl_spin() iteration,
 * the median of WL_CAL_TRIALS timings of WL_CAL_ITERS iterations each
 * (the two clock reads are outside the loop and amortised over it; a
 * trial that was preempted or interrupted is an outlier the median
 * drops).  Written once: a second caller racing the first writes a value
 * of the same measurement.
 */
#define WL_CAL_ITERS	(1ULL << 16)
#define WL_CAL_TRIALS	9

static u64 wl_delay_ps;

u64 rb_wl_delay_loop_ps(void)
{
	u64 ps = READ_ONCE(wl_delay_ps), v[WL_CAL_TRIALS], t0, x;
	int i, j;

	if (ps)
		return ps;
	for (i = 0; i < WL_CAL_TRIALS; i++) {
		t0 = rb_now_ns();
		rb_wl_spin(WL_CAL_ITERS);
		x = div64_u64((rb_now_ns() - t0) * 1000, WL_CAL_ITERS);
		for (j = i; j > 0 && v[j - 1] > x; j--)	/* insertion sort */
			v[j] = v[j - 1];
		v[j] = x;
	}
	ps = v[WL_CAL_TRIALS / 2] ? v[WL_CAL_TRIALS / 2] : 1;
	WRITE_ONCE(wl_delay_ps, ps);
	return ps;
}

u64 rb_wl_delay_iters(u64 ns)
{
	u64 ps = rb_wl_delay_loop_ps(), n;

	if (!ns)
		return 0;
	n = div64_u64(ns * 1000 + ps / 2, ps);
	return n ? n : 1;
}

/* Busy-wait about ns nanoseconds: the calibrated loop (refscale: ndelay). */
void rb_wl_delay(u64 ns)
{
	rb_wl_spin(rb_wl_delay_iters(ns));
}

static void wl_release_pgt(void *res, void *arg)
{
	struct rb_wl_run *run = arg;

	if (run->p.ops->caps & REV_CAP_TYPESTABLE) {
		/*
		 * Type-stable rule: speculating readers may still walk this
		 * table; keep it until the cycle's stop barrier.  Only the
		 * revoker (or set-up/tear-down) releases, one at a time.
		 */
		if (run->ntstable < RB_WL_TSTABLE_CAP)
			run->tstable[run->ntstable++] = res;
		else
			rb_wl_fail(run, "type-stable page-table list overflowed");
	} else {
		rb_pgt_free(res);
	}
	atomic_long_inc_return(&run->released);
}

/* Free the type-stable leftovers: no reader may be inside an access. */
static void wl_free_tstable(struct rb_wl_run *run)
{
	while (run->ntstable)
		rb_pgt_free(run->tstable[--run->ntstable]);
}

/*
 * The bystander and the guard knob's other revocables are revoked only in
 * fini, outside every cycle and window: no release accounting.
 */
static void wl_release_bystander(void *res, void *arg)
{
	struct rb_wl_run *run = arg;

	if ((run->p.ops->caps & REV_CAP_TYPESTABLE) &&
	    run->ntstable < RB_WL_TSTABLE_CAP)
		run->tstable[run->ntstable++] = res;	/* freed in fini */
	else
		rb_pgt_free(res);	/* fini: every reader has stopped */
}

/*
 * A revocable over a page table of its own, populated as the working set
 * (the same translations: the lookups check them), released by
 * wl_release_bystander().  NULL when out of memory.
 */
static struct revocable *wl_create_extra(struct rb_wl_run *run)
{
	struct rb_pgtable *bp = rb_pgt_alloc(NULL, NULL);
	struct revocable *rev;

	if (!bp || rb_pgt_populate(bp, RB_WL_IOVA_BASE, RB_WL_PHYS_BASE,
				   RB_PGT_SIZE_4K, run->p.wset)) {
		if (bp)
			rb_pgt_free(bp);
		return NULL;
	}
	rev = run->p.ops->create(bp, wl_release_bystander, run);
	if (!rev)
		rb_pgt_free(bp);
	return rev;
}

/* fini: revoke and destroy a revocable no participant can reach. */
static void wl_retire(struct rb_wl_run *run, struct revocable *rev)
{
	const struct revocable_ops *ops = run->p.ops;

	ops->revoke(rev);
	if (ops->caps & REV_CAP_DEFERRED)
		ops->deferred_barrier();
	ops->destroy(rev);
}

/*
 * unbind: one ticket per bound revocable, its release callback's
 * argument.  The timed revoke only COUNTS the release; the page table is
 * freed outside the window by wl_reclaim(), timed on its own (teardown),
 * and "reclaim" runs from the revoke's start until the table is freed:
 *   synchronous primitives   right after revoke() returns (the revoker);
 *   REV_CAP_TYPESTABLE       once every reader is out: after the cycle's
 *                            stop barrier (the revoker);
 *   REV_CAP_DEFERRED         in the deferred release callback itself,
 *                            whenever the grace period lets it run.
 * Between the revoke's start and the free its bytes are unreclaimed.
 */
struct rb_wl_ticket {
	struct rb_wl_run *run;
	struct rb_pgtable *pgt;
	u64 t0;			/* the revoke's start */
	long idx;		/* sample index; -1: a warm-up cycle */
	size_t bytes;
	int released;		/* the release callback ran */
};

static void wl_reclaim(struct rb_wl_ticket *tk)
{
	struct rb_wl_run *run = tk->run;
	u64 a, b;

	a = rb_now_ns();
	rb_pgt_free(tk->pgt);
	b = rb_now_ns();
	if (tk->idx >= 0) {
		run->teardown[tk->idx] = b - a;
		run->reclaim[tk->idx] = b - tk->t0;
	}
	atomic_long_add(-(long)tk->bytes, &run->unreclaimed);
	rb_free(tk);
}

static void wl_release_unbind(void *res, void *arg)
{
	struct rb_wl_ticket *tk = arg;
	struct rb_wl_run *run = tk->run;

	(void)res;
	atomic_long_inc_return(&run->released);
	if (run->p.ops->caps & REV_CAP_DEFERRED)
		wl_reclaim(tk);		/* after the grace period */
	else
		WRITE_ONCE(tk->released, 1);	/* the revoker frees it */
}

/* Type-stable tickets whose tables wait for every reader to be out. */
static void wl_reclaim_parked(struct rb_wl_run *run)
{
	while (run->nparked)
		wl_reclaim(run->parked[--run->nparked]);
}

static void wl_release_count(void *res, void *arg)
{
	struct rb_wl_run *run = arg;

	(void)res;
	atomic_long_inc_return(&run->released);
}

/* lifecycle: one counter per participant, no shared line in the loop. */
struct wl_lc_arg {
	atomic_long_t released;
} ____cacheline_aligned;

static void wl_release_lc(void *res, void *arg)
{
	struct wl_lc_arg *a = arg;

	(void)res;
	atomic_long_inc(&a->released);
}

/*
 * CYCLE: n revocables' own bytes revoked (n > 0) or destroyed (n < 0),
 * counted by the revoker alone (workload.h: retained memory).  LOOP
 * lifecycle destroys through the same paths and counts nothing: a shared
 * counter there would be a write in its timed window.
 */
static void wl_retain(struct rb_wl_run *run, long n)
{
	if (run->wl->kind != RB_WLK_CYCLE)
		return;
	run->retained += n * (long)run->bytes_per_rev;
	if (run->retained > run->retained_peak)
		run->retained_peak = run->retained;
}

/*
 * Revoked revocables go to the grave: destroyed at once, or - DEFERRED
 * variants - kept until a deferred_barrier() proves their release ran
 * (destroy() is only allowed after it).
 */
static void wl_flush(struct rb_wl_run *run, struct rb_wl_thread *t)
{
	const struct revocable_ops *ops = run->p.ops;
	int i;

	if (!t->ngrave)
		return;
	ops->deferred_barrier();
	for (i = 0; i < t->ngrave; i++)
		ops->destroy(t->grave[i]);
	wl_retain(run, -(long)t->ngrave);
	t->ngrave = 0;
}

static void wl_bury(struct rb_wl_run *run, struct rb_wl_thread *t,
		    struct revocable *rev)
{
	const struct revocable_ops *ops = run->p.ops;

	if (!(ops->caps & REV_CAP_DEFERRED)) {
		ops->destroy(rev);
		wl_retain(run, -1);
		return;
	}
	if (t->ngrave == RB_WL_GRAVE_CAP)
		wl_flush(run, t);
	t->grave[t->ngrave++] = rev;
}

/* ---- the critical sections --------------------------------------------- */

/* map-unmap: map then unmap npages 4K pages in the participant's range. */
unsigned int rb_wl_cs_map(struct rb_wl_run *run, struct rb_wl_thread *t,
			  struct rb_pgtable *pgt)
{
	size_t bytes = (size_t)run->p.npages * RB_PGT_SIZE_4K;
	u64 iova = RB_WL_MAP_IOVA(t->idx);
	size_t mapped = 0;
	unsigned int bad = 0;

	if (rb_pgt_map_pages(pgt, iova, RB_WL_MAP_PHYS(t->idx),
			     RB_PGT_SIZE_4K, run->p.npages, RB_PGT_PROT_RW,
			     &mapped) || mapped != bytes)
		bad++;
	if (rb_pgt_unmap_pages(pgt, iova, RB_PGT_SIZE_4K,
			       run->p.npages) != mapped)
		bad++;
	return bad;
}

/*
 * May the stalled reader sleep where it parks?  Inside an access of a
 * primitive whose readers may sleep, yes; inside an RCU read-side section
 * (p.stall_rcu) or an access that may not sleep, it spins, and
 * rb_wl_check_knobs() bounds stall_us to RB_WL_SPIN_MAX_NS there.
 */
static bool wl_park_sleeps(const struct rb_wl_params *p)
{
	return (p->ops->caps & REV_CAP_SLEEP) && !p->stall_rcu;
}

/* Park inside the access: sleep or spin (above), until stall_us or abort. */
void rb_wl_park(struct rb_wl_run *run)
{
	u64 end = rb_now_ns() + (u64)run->p.stall_us * 1000, now;
	bool sleeps = wl_park_sleeps(&run->p);

	WRITE_ONCE(run->staller_parked, 1);
	while ((now = rb_now_ns()) < end && !wl_aborted(run)) {
		if (sleeps)
			rb_sleep_us(end - now > 1000000 ? 1000 :
				    (unsigned int)div64_u64(end - now + 999,
							    1000));
		else
			cpu_relax();
	}
}

/* The generic accesses: two indirect calls each (workload.h). */
static inline bool wl_access(struct rb_wl_run *run, struct rb_wl_thread *t,
			     struct revocable *rev, bool map, bool stall)
{
	return rb_wl_access(run, t, rev, map, stall, run->p.ops->try_access,
			    run->p.ops->release);
}

/* The generic read-section loop (empty, translate, error-path). */
static u64 wl_generic_loop(struct rb_wl_run *run, struct rb_wl_thread *t,
			   u64 n)
{
	const struct revocable_ops *ops = run->p.ops;

	return rb_wl_loop_body(run, t, n, ops->try_access, ops->release,
			       ops->guard_enter, ops->try_access_guarded,
			       ops->guard_exit);
}

/* The generic open-close loop: every hook through the ops table. */
static u64 wl_generic_oc_loop(struct rb_wl_run *run, struct rb_wl_thread *t,
			      u64 n)
{
	const struct revocable_ops *ops = run->p.ops;

	return rb_wl_oc_body(run, t, n, ops->try_access, ops->release,
			     ops->get, ops->put);
}

static inline void wl_lifecycle_op(struct rb_wl_run *run,
				   struct rb_wl_thread *t, struct wl_lc_arg *a)
{
	const struct revocable_ops *ops = run->p.ops;
	struct revocable *rev;

	rev = ops->create(&run->dummy_res, wl_release_lc, a);
	if (unlikely(!rev)) {
		t->bad++;
		rb_wl_fail(run, "create() failed (out of memory)");
		return;
	}
	ops->revoke(rev);
	wl_bury(run, t, rev);
}

/*
 * n operations of a LOOP workload.  The read-side workloads go through
 * run->loop (inline or generic, workload.h); map-unmap and lifecycle
 * through the loops here.  Checks for an abort every 1024 operations
 * only.  Returns the operations done.
 */
static u64 wl_ops(struct rb_wl_run *run, struct rb_wl_thread *t, u64 n,
		  struct wl_lc_arg *lc)
{
	u64 i;

#define WL_LOOP(stmt)							\
	for (i = 0; i < n; i++) {					\
		if (unlikely(!(i & 1023)) && wl_aborted(run))		\
			break;						\
		stmt;							\
	}

	switch (run->wl->id) {
	case RB_WL_EMPTY:
	case RB_WL_TRANSLATE:
	case RB_WL_ERROR_PATH:
	case RB_WL_OPEN_CLOSE:
		i = run->loop(run, t, n);
		break;
	case RB_WL_MAP_UNMAP:
		WL_LOOP(wl_access(run, t, run->cur, true, false));
		break;
	case RB_WL_LIFECYCLE:
		WL_LOOP(wl_lifecycle_op(run, t, lc));
		break;
	default:
		i = 0;
		break;
	}
#undef WL_LOOP
	return i;
}

/* ---- LOOP workloads: refscale's reader ---------------------------------- */

/*
 * Keep running the operation, untimed, until *count reaches zero (every
 * participant has checked in or out): the warm-up and cool-down of
 * refscale's reader.  cond_resched() every run->yield_every operations:
 * kernel kthreads are not preemptible on voluntary kernels, and a run
 * with more participants than CPUs would otherwise spin against one that
 * shares its CPU.
 */
static void wl_keep_running(struct rb_wl_run *run, struct rb_wl_thread *t,
			    atomic_t *count, struct wl_lc_arg *lc)
{
	unsigned int n = 0;

	while (atomic_read(count) > 0 && !wl_aborted(run)) {
		t->tail_ops += wl_ops(run, t, 1, lc);
		if (++n >= run->yield_every) {
			n = 0;
			rb_yield();
		}
	}
}

static void wl_loop_thread(struct rb_wl_run *run, struct rb_wl_thread *t)
{
	struct wl_lc_arg lc;
	u64 warm, t0, t1, done;
	unsigned long flags;

	atomic_long_set(&lc.released, 0);
	/* Warm-up: an eighth of the window, at least 16, at most 2^20 ops. */
	warm = (run->p.iters >> 3) + 16;
	if (warm > (1ULL << 20))
		warm = 1ULL << 20;
	t->tail_ops += wl_ops(run, t, warm, &lc);
	if (run->wl->id == RB_WL_LIFECYCLE)
		wl_flush(run, t);
	/* Check in, then keep warming until every participant has. */
	atomic_dec_return(&run->warm);
	wl_keep_running(run, t, &run->warm, &lc);
	if (run->wl->id == RB_WL_LIFECYCLE)
		wl_flush(run, t);
	rb_yield();		/* the last scheduling point before the window */

	WRITE_ONCE(t->win_t0, rb_now_ns());
	if (run->irqoff)
		rb_irq_save(flags);
	t0 = rb_now_ns();
	done = wl_ops(run, t, run->p.iters, &lc);
	/* lifecycle: the deferred releases of the window are its cost too */
	if (run->wl->id == RB_WL_LIFECYCLE)
		wl_flush(run, t);
	t1 = rb_now_ns();
	if (run->irqoff)
		rb_irq_restore(flags);
	WRITE_ONCE(t->win_t0, 0);
	t->time_ns = t1 - t0;
	t->ops = done;

	/* Check out; keep the load on until every participant has. */
	atomic_dec_return(&run->cool);
	wl_keep_running(run, t, &run->cool, &lc);
	if (run->wl->id == RB_WL_LIFECYCLE) {
		wl_flush(run, t);
		if ((u64)atomic_long_read(&lc.released) != t->ops + t->tail_ops) {
			t->bad++;
			rb_wl_fail(run, "release callbacks ran a different number of times than revokes");
		}
	}
	wl_barrier_wait(&run->stop);
}

/* ---- CYCLE workloads: bind, read, revoke ---------------------------------- */

/* Returns the number of revocables bound (0 on failure). */
static int wl_bind(struct rb_wl_run *run)
{
	const struct revocable_ops *ops = run->p.ops;
	struct rb_wl_ticket *tk;
	struct rb_pgtable *pgt;
	struct revocable *rev;
	int i;

	if (run->wl->id == RB_WL_UNBIND) {
		pgt = rb_pgt_alloc(NULL, NULL);
		if (!pgt) {
			rb_wl_fail(run, "page-table allocation failed");
			return 0;
		}
		if (rb_pgt_populate(pgt, RB_WL_IOVA_BASE, RB_WL_PHYS_BASE,
				    RB_PGT_SIZE_4K, run->p.wset)) {
			rb_pgt_free(pgt);
			rb_wl_fail(run, "page-table populate failed");
			return 0;
		}
		tk = rb_zalloc(sizeof(*tk));
		rev = tk ? ops->create(pgt, wl_release_unbind, tk) : NULL;
		if (!rev) {
			rb_free(tk);
			rb_pgt_free(pgt);
			rb_wl_fail(run, "create() failed (out of memory)");
			return 0;
		}
		tk->run = run;
		tk->pgt = pgt;
		tk->idx = -1;
		tk->bytes = rb_pgt_footprint(pgt);
		run->ticket = tk;
		if (!run->bytes_per_rev)
			run->bytes_per_rev = ops->footprint(rev);
		WRITE_ONCE(run->cur, rev);
		return 1;
	}
	for (i = 0; i < (int)run->p.n; i++) {
		rev = ops->create(run->pgt, wl_release_count, run);
		if (!rev) {
			rb_wl_fail(run, "create() failed (out of memory)");
			break;
		}
		if (!run->bytes_per_rev)
			run->bytes_per_rev = ops->footprint(rev);
		WRITE_ONCE(run->revs[i], rev);
	}
	return i;
}

static void wl_wait_readers(struct rb_wl_run *run)
{
	unsigned int spins = 0;
	int i;

	for (i = 1; i < run->p.threads; i++) {
		struct rb_wl_thread *r = &run->th[i];

		if (i == 1 && run->p.stall_us) {
			while (!READ_ONCE(run->staller_parked) &&
			       !wl_aborted(run))
				wl_spin(&spins);
			continue;
		}
		while (READ_ONCE(r->cycle_ops) < RB_WL_CYCLE_WARM_OPS &&
		       !wl_aborted(run))
			wl_spin(&spins);
	}
}

static void wl_revoker_thread(struct rb_wl_run *run, struct rb_wl_thread *t)
{
	const struct revocable_ops *ops = run->p.ops;
	bool deferred = ops->caps & REV_CAP_DEFERRED;
	bool typestable = ops->caps & REV_CAP_TYPESTABLE;
	u64 c, cycles = run->p.iters + RB_WL_WARM_CYCLES, t0, t1;
	u64 e0 = 0, n0 = 0, e1 = 0, n1 = 0;
	struct rb_wl_ticket *tk;
	bool timed;
	int i, nb;

	for (c = 0; c < cycles && !wl_aborted(run); c++) {
		nb = wl_bind(run);
		if (!nb && run->wl->id == RB_WL_UNBIND)
			break;
		WRITE_ONCE(run->cycle_end, 0);
		WRITE_ONCE(run->staller_parked, 0);
		wl_barrier_wait(&run->start);
		wl_wait_readers(run);

		tk = run->wl->id == RB_WL_UNBIND ? run->ticket : NULL;
		timed = c >= RB_WL_WARM_CYCLES && !wl_aborted(run);
		if (tk) {
			long u;

			tk->idx = timed ? (long)run->nsamples : -1;
			u = atomic_long_add_return((long)tk->bytes,
						   &run->unreclaimed);
			if (u > run->unreclaimed_peak)
				run->unreclaimed_peak = u;
		}
		rb_cost_begin(run->cost);
		if (ops->gp_paths)
			ops->gp_paths(&e0, &n0);
		t0 = rb_now_ns();
		if (tk) {
			tk->t0 = t0;
			ops->revoke(run->cur);
		} else if (run->p.batched) {
			ops->revoke_many(run->revs, nb);
		} else {
			for (i = 0; i < nb; i++)
				ops->revoke(run->revs[i]);
		}
		t1 = rb_now_ns();
		rb_cost_end(run->cost, timed);
		/*
		 * The meter's closing read (userspace: /proc/interrupts, tens
		 * of us) is the harness's, not the reclaim's: move the
		 * reclaim's start past it.  Not for DEFERRED: its callback may
		 * already have reclaimed (and freed) the ticket.
		 */
		if (tk && !deferred)
			tk->t0 += rb_now_ns() - t1;
		if (timed)
			run->samples[run->nsamples++] = t1 - t0;
		if (timed && ops->gp_paths) {
			ops->gp_paths(&e1, &n1);
			run->gp_expedited += e1 - e0;
			run->gp_normal += n1 - n0;
		}
		wl_retain(run, nb);
		atomic_long_add_return(nb, &run->revoked);
		if (tk) {
			run->ticket = NULL;
			if (deferred) {
				/* wl_release_unbind() reclaims it */
			} else if (!READ_ONCE(tk->released)) {
				t->bad++;
				rb_wl_fail(run, "release callback had not run when revoke() returned");
				run->parked[run->nparked++] = tk;
			} else if (typestable) {
				run->parked[run->nparked++] = tk;
			} else {
				wl_reclaim(tk);	/* no reader holds it */
			}
		}

		WRITE_ONCE(run->cycle_end, 1);
		wl_barrier_wait(&run->stop);
		wl_free_tstable(run);
		wl_reclaim_parked(run);	/* every reader is out */

		/* Every reader is out: the revocables can go. */
		if (!deferred && atomic_long_read(&run->released) !=
				 atomic_long_read(&run->revoked)) {
			t->bad++;
			rb_wl_fail(run, "release callback had not run when revoke() returned");
		}
		if (run->wl->id == RB_WL_UNBIND) {
			wl_bury(run, t, run->cur);
			WRITE_ONCE(run->cur, NULL);
		} else {
			for (i = 0; i < nb; i++) {
				wl_bury(run, t, run->revs[i]);
				WRITE_ONCE(run->revs[i], NULL);
			}
		}
	}
	WRITE_ONCE(run->finished, 1);
	wl_barrier_wait(&run->start);

	run->pending = atomic_long_read(&run->revoked) -
		       atomic_long_read(&run->released);
	wl_flush(run, t);
	if (atomic_long_read(&run->released) != atomic_long_read(&run->revoked)) {
		t->bad++;
		rb_wl_fail(run, deferred ?
			"deferred releases had not all run after deferred_barrier()" :
			"release callbacks and revokes do not match");
	}
}

static void wl_reader_thread(struct rb_wl_run *run, struct rb_wl_thread *t)
{
	bool many = run->wl->id == RB_WL_UNBIND_MANY;
	unsigned int j = 0, since = 0;
	struct revocable *rev;
	bool stall;

	for (;;) {
		wl_barrier_wait(&run->start);
		if (READ_ONCE(run->finished))
			break;
		stall = t->idx == 1 && run->p.stall_us;
		if (stall && run->p.stall_rcu) {
			/* Park inside a foreign RCU reader's section. */
			rb_rcu_read_lock();
			rb_wl_park(run);
			rb_rcu_read_unlock();
		} else if (stall) {
			/* Park inside an access to the bystander. */
			wl_access(run, t, run->bystander, false, true);
		}
		while (!READ_ONCE(run->cycle_end) && !wl_aborted(run)) {
			if (many) {
				rev = READ_ONCE(run->revs[j]);
				if (++j >= run->p.n)
					j = 0;
				if (!rev)	/* create() failed: aborting */
					continue;
			} else {
				rev = READ_ONCE(run->cur);
			}
			wl_access(run, t, rev, false, false);
			t->ops++;
			WRITE_ONCE(t->cycle_ops, t->cycle_ops + 1);
			if (++since >= run->yield_every) {
				since = 0;
				rb_yield();	/* kernel: non-preemptible kthreads */
			}
		}
		WRITE_ONCE(t->cycle_ops, 0);
		wl_barrier_wait(&run->stop);
	}
}

void rb_wl_thread(struct rb_wl_run *run, int idx)
{
	struct rb_wl_thread *t = &run->th[idx];

	if (run->wl->kind == RB_WLK_LOOP)
		wl_loop_thread(run, t);
	else if (t->is_revoker)
		wl_revoker_thread(run, t);
	else
		wl_reader_thread(run, t);
}

/* ---- set-up and tear-down ------------------------------------------------ */

const char *rb_wl_check(const struct rb_workload *wl,
			const struct rb_wl_params *p)
{
	const struct revocable_ops *ops = p->ops;

	if (!ops)
		return "no primitive given";
	if (p->threads < wl->min_threads || p->threads > RB_WL_MAX_THREADS)
		return "thread count out of range";
	if ((ops->caps & REV_CAP_REFONLY) && wl->id != RB_WL_EMPTY)
		return "a read section only (REV_CAP_REFONLY): the empty workload only";
	if ((ops->caps & REV_CAP_DEFERRED) && !ops->deferred_barrier)
		return "DEFERRED primitive without deferred_barrier()";
	if (p->sleep_us && (wl->knobs & RB_WL_KNOB_SLEEP) &&
	    !(ops->caps & REV_CAP_SLEEP))
		return "readers of this primitive may not sleep (no REV_CAP_SLEEP)";
	if (wl->kind == RB_WLK_CYCLE && p->threads > 1 &&
	    (ops->caps & REV_CAP_UNSAFE))
		return "its revoke does not wait for readers (REV_CAP_UNSAFE): revoking under readers would free the page table under them; only threads:1 (revoker alone) runs";
	if (wl->kind == RB_WLK_CYCLE && p->stall_us && p->threads < 3)
		return "a stall cell needs the stalled reader and at least one active reader on the revoked object: threads >= 3";
	if (p->stall_rcu && !((wl->knobs & RB_WL_KNOB_STALL) && p->stall_us))
		return "stall_rcu places the stall_us stall of an unbind workload: it needs stall_us";
	if (wl->id == RB_WL_MAP_UNMAP && (ops->caps & REV_CAP_RETRY))
		return "speculative (REV_CAP_RETRY) readers must not write through what they read, and map/unmap writes";
	if (wl->id == RB_WL_MAP_UNMAP &&
	    (p->npages < 1 || p->npages > RB_PGT_PTRS_PER_TABLE))
		return "npages must be 1..512 (one leaf table)";
	if (wl->id == RB_WL_UNBIND_MANY && (p->n < 1 || p->n > 1000000))
		return "n must be 1..1000000";
	if (wl->id == RB_WL_UNBIND_MANY && p->batched && !ops->revoke_many)
		return "no batched revoke (ops->revoke_many is NULL)";
	if (wl->knobs & RB_WL_KNOB_CS && (p->cs < 1 || p->cs > 1000000))
		return "cs must be 1..1000000";
	if ((wl->knobs & RB_WL_KNOB_GUARD) && p->guard > RB_WL_GUARD_MAX)
		return "guard must be 1..64";
	if ((wl->knobs & RB_WL_KNOB_GUARD) && p->guard > 1 &&
	    (ops->caps & REV_CAP_GUARD) &&
	    (!ops->guard_enter || !ops->try_access_guarded ||
	     !ops->guard_exit))
		return "REV_CAP_GUARD primitive without its guard hooks";
	if (p->wset && (p->wset & (p->wset - 1)))
		return "working set must be a power of two";
	if (p->iters < 1)
		return "iterations must be >= 1";
	return NULL;
}

/* The least one access can take by its knobs, ns (RB_WL_FLOOR_NS each). */
static u64 wl_access_floor_ns(const struct rb_workload *wl,
			      const struct rb_wl_params *p)
{
	u64 ns = RB_WL_FLOOR_NS;	/* try_access + release */

	if (wl->knobs & RB_WL_KNOB_CS)
		ns += (u64)(p->cs ? p->cs : 1) * RB_WL_FLOOR_NS;
	if (wl->knobs & RB_WL_KNOB_NPAGES)
		ns += (u64)(p->npages ? p->npages : 1) * 2 * RB_WL_FLOOR_NS;
	if (wl->knobs & RB_WL_KNOB_DELAY)
		ns += p->delay_ns;
	/* one operation: guard accesses (at least as long as that) */
	if ((wl->knobs & RB_WL_KNOB_GUARD) && p->guard > 1)
		ns *= p->guard;
	return ns;
}

const char *rb_wl_check_knobs(const struct rb_workload *wl,
			      const struct rb_wl_params *p, char *buf,
			      size_t len)
{
	u64 floor = wl_access_floor_ns(wl, p);
	char guard[24] = "";
	bool spins;

	if ((wl->knobs & RB_WL_KNOB_GUARD) && p->guard > 1)
		snprintf(guard, sizeof(guard), "guard=%u x ", p->guard);
	/* One timed window, no scheduling point inside (sleeps aside). */
	if (wl->kind == RB_WLK_LOOP && wl->id != RB_WL_LIFECYCLE &&
	    !p->sleep_us && p->iters > div64_u64(RB_WL_WINDOW_MAX_NS, floor)) {
		snprintf(buf, len,
			 "%s: loops=%llu x %s(one access + cs=%u lookups + delay_ns=%llu%s) is a timed window of at least %llu ms with no scheduling point (and interrupts off under irqoff); the bound is %llu ms, a tenth of the lockup watchdog: lower loops, guard, cs or delay_ns",
			 wl->name, (unsigned long long)p->iters, guard,
			 (wl->knobs & RB_WL_KNOB_CS) ? p->cs : 0,
			 (unsigned long long)((wl->knobs & RB_WL_KNOB_DELAY) ?
					      p->delay_ns : 0),
			 (wl->knobs & RB_WL_KNOB_NPAGES) ? " + npages entries" : "",
			 (unsigned long long)div64_u64(p->iters * floor,
						       1000000),
			 (unsigned long long)div64_u64(RB_WL_WINDOW_MAX_NS,
						       1000000));
		return buf;
	}
	/* A reader's stretch between cond_resched()s (yield_every >= 1). */
	if (!p->sleep_us && floor > RB_WL_WINDOW_MAX_NS) {
		snprintf(buf, len,
			 "%s: one operation of %s(one access + cs=%u lookups + delay_ns=%llu) takes at least %llu ms with no scheduling point; the bound is %llu ms, a tenth of the lockup watchdog: lower guard, cs or delay_ns",
			 wl->name, guard, (wl->knobs & RB_WL_KNOB_CS) ? p->cs : 0,
			 (unsigned long long)p->delay_ns,
			 (unsigned long long)div64_u64(floor, 1000000),
			 (unsigned long long)div64_u64(RB_WL_WINDOW_MAX_NS,
						       1000000));
		return buf;
	}
	if (wl->kind == RB_WLK_CYCLE && p->iters < RB_WL_P99_MIN_SAMPLES) {
		snprintf(buf, len,
			 "%s: samples=%llu: a repetition's revoke p99 needs at least %d samples (with fewer, the nearest-rank p99 is the sample maximum)",
			 wl->name, (unsigned long long)p->iters,
			 RB_WL_P99_MIN_SAMPLES);
		return buf;
	}
	if (!(wl->knobs & RB_WL_KNOB_STALL))
		return NULL;
	if (p->stall_rcu && !p->stall_us) {
		snprintf(buf, len, "%s: stall_rcu=1 places the stall_us stall: it needs stall_us > 0",
			 wl->name);
		return buf;
	}
	spins = p->stall_rcu || (p->ops && !(p->ops->caps & REV_CAP_SLEEP));
	if (spins && (u64)p->stall_us * 1000 > RB_WL_SPIN_MAX_NS) {
		snprintf(buf, len,
			 "%s: stall_us=%u spins %s (%s): at most %llu us, a tenth of the lockup watchdog; a primitive whose readers may sleep parks sleeping instead",
			 wl->name, p->stall_us,
			 p->stall_rcu ? "inside rcu_read_lock()" :
			 "inside the access",
			 p->stall_rcu ? "stall_rcu=1" : p->ops->name,
			 (unsigned long long)div64_u64(RB_WL_SPIN_MAX_NS, 1000));
		return buf;
	}
	return NULL;
}

bool rb_wl_window_irqoff(const struct rb_workload *wl,
			 const struct rb_wl_params *p)
{
	const struct revocable_ops *ops = p->ops;
	const struct rb_wl_readsection *rs;

	if (!RB_HAVE_IRQOFF || !p->irqoff || p->sleep_us)
		return false;
	/* read-side windows only: map-unmap may allocate, lifecycle sleeps */
	if (wl->id != RB_WL_EMPTY && wl->id != RB_WL_TRANSLATE &&
	    wl->id != RB_WL_ERROR_PATH)
		return false;
	rs = rb_wl_readsection_find(ops);
	if (!rs)		/* no word on whether its read side blocks */
		return false;
	return !rs->may_block || RB_IRQOFF_MAY_BLOCK;
}

bool rb_wl_window_overrun(const struct rb_wl_run *run, u64 now,
			  u64 limit_ns)
{
	int i;

	if (!run->th || run->wl->kind != RB_WLK_LOOP)
		return false;
	for (i = 0; i < run->p.threads; i++) {
		u64 t0 = READ_ONCE(run->th[i].win_t0);

		if (t0 && now > t0 && now - t0 > limit_ns)
			return true;
	}
	return false;
}

int rb_wl_run_init(struct rb_wl_run *run, const struct rb_workload *wl,
		   const struct rb_wl_params *p)
{
	const struct revocable_ops *ops = p->ops;
	const struct rb_wl_readsection *rs = p->generic ? NULL :
					     rb_wl_readsection_find(ops);
	bool deferred = ops->caps & REV_CAP_DEFERRED;
	unsigned long a;
	int i, n = p->threads;

	*run = (struct rb_wl_run){ 0 };
	run->wl = wl;
	run->p = *p;
	if (!run->p.cs || !(wl->knobs & RB_WL_KNOB_CS))
		run->p.cs = 1;
	if (!run->p.guard || !(wl->knobs & RB_WL_KNOB_GUARD))
		run->p.guard = 1;
	if (!run->p.wset)
		run->p.wset = wl->id == RB_WL_UNBIND_MANY ? RB_WL_WSET_MANY :
			      RB_WL_WSET_DEFAULT;
	run->nreaders = wl->kind == RB_WLK_CYCLE ? n - 1 : n;
	if (rs) {
		run->loop = rs->loop;
		run->path = "inline";
	} else {
		run->loop = wl_generic_loop;
		run->path = "generic";
	}
	if (wl->id != RB_WL_EMPTY && wl->id != RB_WL_TRANSLATE &&
	    wl->id != RB_WL_ERROR_PATH && wl->id != RB_WL_OPEN_CLOSE)
		run->path = "generic";
	/* open-close: the same choice, of its own loop */
	if (wl->id == RB_WL_OPEN_CLOSE)
		run->loop = rs ? rs->oc_loop : wl_generic_oc_loop;
	wl_barrier_init(&run->start, n);
	wl_barrier_init(&run->stop, n);
	atomic_set(&run->warm, n);
	atomic_set(&run->cool, n);
	run->irqoff = rb_wl_window_irqoff(wl, &run->p);
	run->delay_iters = (wl->knobs & RB_WL_KNOB_DELAY) ?
			   rb_wl_delay_iters(run->p.delay_ns) : 0;
	/* about a millisecond of untimed work between two cond_resched()s */
	{
		u64 every = div64_u64(1000000, wl_access_floor_ns(wl, &run->p));

		run->yield_every = every < 1 ? 1 : every > 256 ? 256 :
				   (unsigned int)every;
	}
	atomic_long_set(&run->released, 0);
	atomic_long_set(&run->revoked, 0);
	atomic_long_set(&run->unreclaimed, 0);
	atomic_long_set(&run->oc_refs, 0);

	run->th_mem = rb_zalloc(sizeof(*run->th) * n + SMP_CACHE_BYTES);
	if (!run->th_mem)
		goto nomem;
	a = ((unsigned long)run->th_mem + SMP_CACHE_BYTES - 1) &
	    ~(unsigned long)(SMP_CACHE_BYTES - 1);
	run->th = (struct rb_wl_thread *)a;
	for (i = 0; i < n; i++) {
		struct rb_wl_thread *t = &run->th[i];

		t->idx = i;
		t->is_revoker = wl->kind == RB_WLK_CYCLE && i == 0;
		rb_wl_walk_init(run->p.seed, i, run->p.wset, &t->pos,
				&t->stride);
		if (deferred && (wl->id == RB_WL_LIFECYCLE || t->is_revoker)) {
			t->grave = rb_zalloc(sizeof(*t->grave) *
					     RB_WL_GRAVE_CAP);
			if (!t->grave)
				goto nomem;
		}
	}

	switch (wl->id) {
	case RB_WL_EMPTY:
	case RB_WL_TRANSLATE:
	case RB_WL_ERROR_PATH:
	case RB_WL_OPEN_CLOSE:
	case RB_WL_MAP_UNMAP:
	case RB_WL_UNBIND_MANY:
		run->pgt = rb_pgt_alloc(NULL, NULL);
		if (!run->pgt)
			goto nomem;
		if (wl->id == RB_WL_MAP_UNMAP) {
			/* Install the tables once: the loop never allocates
			 * (io-pgtable's benchmark discards that first map). */
			for (i = 0; i < n; i++) {
				size_t m = 0;

				if (rb_pgt_map_pages(run->pgt, RB_WL_MAP_IOVA(i),
						     RB_WL_MAP_PHYS(i),
						     RB_PGT_SIZE_4K,
						     run->p.npages,
						     RB_PGT_PROT_RW, &m))
					goto nomem;
				rb_pgt_unmap_pages(run->pgt, RB_WL_MAP_IOVA(i),
						   RB_PGT_SIZE_4K,
						   run->p.npages);
			}
		} else if (rb_pgt_populate(run->pgt, RB_WL_IOVA_BASE,
					   RB_WL_PHYS_BASE, RB_PGT_SIZE_4K,
					   run->p.wset)) {
			goto nomem;
		}
		if (wl->id == RB_WL_UNBIND_MANY)
			break;
		run->cur = ops->create(run->pgt, wl_release_pgt, run);
		if (!run->cur)
			goto nomem;
		run->pgt = NULL;	/* the revocable owns it now */
		run->bytes_per_rev = ops->footprint(run->cur);
		if (run->p.guard > 1) {
			run->grevs = rb_zalloc(sizeof(*run->grevs) *
					       run->p.guard);
			if (!run->grevs)
				goto nomem;
			run->grevs[0] = run->cur;
			for (i = 1; i < (int)run->p.guard; i++) {
				run->grevs[i] = wl_create_extra(run);
				if (!run->grevs[i])
					goto nomem;
			}
		}
		if (wl->id == RB_WL_ERROR_PATH) {
			ops->revoke(run->cur);
			if (deferred)
				ops->deferred_barrier();
			if (atomic_long_read(&run->released) != 1) {
				run->fail = "release callback did not run on revoke";
				return -EINVAL;
			}
		}
		break;
	case RB_WL_LIFECYCLE: {
		struct revocable *rev = ops->create(&run->dummy_res,
						    wl_release_count, run);

		if (!rev)
			goto nomem;
		run->bytes_per_rev = ops->footprint(rev);
		ops->revoke(rev);
		if (deferred)
			ops->deferred_barrier();
		ops->destroy(rev);
		atomic_long_set(&run->released, 0);
		break;
	}
	case RB_WL_UNBIND:
	default:
		break;
	}
	if (ops->domain_footprint)
		run->bytes_per_domain = ops->domain_footprint();
	if (wl->kind == RB_WLK_CYCLE) {
		run->samples = rb_zalloc(sizeof(*run->samples) * run->p.iters);
		if (!run->samples)
			goto nomem;
		if (wl->id == RB_WL_UNBIND) {
			run->reclaim = rb_zalloc(sizeof(*run->reclaim) *
						 run->p.iters);
			run->teardown = rb_zalloc(sizeof(*run->teardown) *
						  run->p.iters);
			if (!run->reclaim || !run->teardown)
				goto nomem;
		}
		if (run->p.stall_us && !run->p.stall_rcu) {
			run->bystander = wl_create_extra(run);
			if (!run->bystander)
				goto nomem;
		}
		if (wl->id == RB_WL_UNBIND_MANY) {
			run->revs = rb_zalloc(sizeof(*run->revs) * run->p.n);
			if (!run->revs)
				goto nomem;
		}
	}
	return 0;
nomem:
	run->fail = "out of memory (or page-table set-up failed) in set-up";
	return -ENOMEM;
}

void rb_wl_run_fini(struct rb_wl_run *run)
{
	const struct revocable_ops *ops = run->p.ops;
	bool deferred = ops->caps & REV_CAP_DEFERRED;
	int i;

	if (run->th) {
		for (i = 0; i < run->p.threads; i++) {
			if (run->th[i].ngrave)
				wl_flush(run, &run->th[i]);
			rb_free(run->th[i].grave);
		}
	}
	if (run->cur) {
		if (run->wl->id != RB_WL_ERROR_PATH) {
			ops->revoke(run->cur);
			if (deferred)
				ops->deferred_barrier();
		}
		ops->destroy(run->cur);
		run->cur = NULL;
	}
	if (run->revs) {
		/* Only after an aborted bind: revoke what is left. */
		for (i = 0; i < (int)run->p.n; i++) {
			if (!run->revs[i])
				continue;
			ops->revoke(run->revs[i]);
			if (deferred)
				ops->deferred_barrier();
			ops->destroy(run->revs[i]);
		}
		rb_free(run->revs);
		run->revs = NULL;
	}
	if (run->bystander) {
		wl_retire(run, run->bystander);
		run->bystander = NULL;
	}
	if (run->grevs) {
		/* grevs[0] is cur, retired above */
		for (i = 1; i < (int)run->p.guard; i++)
			if (run->grevs[i])
				wl_retire(run, run->grevs[i]);
		rb_free(run->grevs);
		run->grevs = NULL;
	}
	wl_free_tstable(run);
	wl_reclaim_parked(run);
	if (run->ticket) {		/* bound, never revoked: aborted */
		rb_pgt_free(run->ticket->pgt);
		rb_free(run->ticket);
		run->ticket = NULL;
	}
	if (run->pgt) {
		rb_pgt_free(run->pgt);
		run->pgt = NULL;
	}
	rb_free(run->samples);
	run->samples = NULL;
	rb_free(run->reclaim);
	run->reclaim = NULL;
	rb_free(run->teardown);
	run->teardown = NULL;
	rb_free(run->th_mem);
	run->th_mem = NULL;
	run->th = NULL;
}

void rb_wl_totals(const struct rb_wl_run *run, struct rb_wl_totals *tot)
{
	bool first = true;
	int i;

	*tot = (struct rb_wl_totals){ 0 };
	for (i = 0; i < run->p.threads; i++) {
		const struct rb_wl_thread *t = &run->th[i];
		u64 all = t->ops + t->tail_ops;

		tot->time_ns += t->time_ns;
		tot->ops += t->ops;
		tot->tail_ops += t->tail_ops;
		tot->errors += t->errors;
		tot->retries += t->retries;
		tot->bad += t->bad;
		if (t->is_revoker)
			continue;
		if (first || all < tot->ops_min)
			tot->ops_min = all;
		if (first || all > tot->ops_max)
			tot->ops_max = all;
		first = false;
	}
}
