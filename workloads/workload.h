/* SPDX-License-Identifier: GPL-2.0 */
/*
 * workload.h - the benchmark workloads, shared by the userspace runner
 * (runner/, pthreads) and the kernel module (kmod/, kthreads).  Written in
 * kernel style against compat.h only: no libc, no pthreads, no floating
 * point, no 64-bit division.
 *
 * One struct rb_workload per workload, in rb_workloads[].  A benchmark
 * "run" is one measurement of one cell (workload x primitive x knobs):
 *
 *   environment (benchmark thread / module)     participants (threads)
 *   ---------------------------------------     ----------------------
 *   rb_wl_check(wl, &p)   may the cell run?
 *   rb_wl_run_init(&run, wl, &p)  (untimed set-up)
 *   start p.threads threads, each calls ->      rb_wl_thread(&run, idx)
 *   wait for all of them (watchdog: rb_wl_abort)
 *   read run.th[], run.samples, run.fail
 *   rb_wl_run_fini(&run)
 *
 * The environment provides the threads (pinned, and in userspace each
 * one has called rb_thread_init()), the wait for them and a watchdog.
 * Everything inside a run - start/stop barriers, warm-up, the timed
 * windows, the revoke/bind cycles - is here, built from compat.h atomics
 * and rb_now_ns(), so both environments measure exactly the same way.
 *
 * Timing, refscale's method (kernel/rcu/refscale.c, ref_scale_reader()).
 * LOOP workloads (empty, translate, map-unmap, error-path, lifecycle,
 * open-close):
 * every participant runs a warm-up pass (an eighth of the window), checks
 * in, and keeps running the same operation until every participant has
 * checked in; then it times exactly one window of p.iters operations;
 * then it checks out and keeps running until every participant has
 * checked out (the cool-down), so the load is constant while anyone
 * measures; then all meet at a stop barrier.  Result: per participant
 * time_ns and ops; ns per op = sum(time_ns) / sum(ops).
 *
 * Inside a window there is no scheduling point, no clock read but the
 * two that bound it, and no shared write but the primitive's own.
 * (open-close adds the consumer reference's: the primitive's get()/put(),
 * or the harness's shared count; its windows run with interrupts on, as
 * a get() may sleep.)
 * Read-side windows (empty, translate, error-path) without sleep_us run
 * with interrupts off when p.irqoff asks for it (the module's irqoff
 * knob, default on; a no-op in userspace): no tick lands inside, and
 * rcu_read_unlock() never takes its deferred-quiescent-state slow path,
 * as in refscale.  A read side that may block (down_read(): its loops are
 * RB_WL_READSECTIONS_MAY_BLOCK) runs with interrupts off only where
 * compat.h's RB_IRQOFF_MAY_BLOCK allows it (no writer runs during a
 * read-side window, so it never blocks there; refscale's rwsem does the
 * same).  run->irqoff says what a cell got.  Warm-up and cool-down give
 * the CPU away (cond_resched()) every run->yield_every operations, at
 * most about a millisecond of work apart, and never inside the window.
 * How long a window may be is bounded by rb_wl_check_knobs() (a window
 * with interrupts off and no scheduling point is what the lockup and RCU
 * stall detectors watch for), and at run time the environment aborts a
 * repetition whose window overruns RB_WL_WINDOW_ABORT_NS
 * (rb_wl_window_overrun()).
 *
 * CYCLE workloads (unbind, unbind-many): participant 0 is the revoker,
 * the others are readers running the translate access.  One cycle: the
 * revoker binds (new revocable(s)), releases the readers, waits until
 * each has done RB_WL_CYCLE_WARM_OPS accesses on the new binding (and,
 * with a stall, until the stalled reader is parked inside its access),
 * then times the revoke - one sample - and ends the cycle; readers that
 * access after the revoke count errors (-ENODEV).  p.iters timed cycles
 * follow RB_WL_WARM_CYCLES untimed ones; samples[] holds the p.iters
 * revoke latencies in ns.
 *
 * What is inside the unbind revoke window, the same for every primitive:
 * ops->revoke() and nothing else - its release callback only counts.  The
 * page table is freed outside the window: teardown[] holds the free
 * itself, reclaim[] the time from the revoke's start until the table is
 * actually freed (synchronous primitives: right after revoke() returned;
 * REV_CAP_TYPESTABLE: once every reader is out, after the cycle's stop
 * barrier; REV_CAP_DEFERRED: in the deferred release callback, after the
 * grace period).  Bytes revoked and not yet freed are unreclaimed; their
 * peak over the run is unreclaimed_peak.  unbind-many's revocables share
 * one table: it has revoke latency only.
 *
 * The stalled reader (p.stall_us): in every cycle, reader 1 first parks
 * for stall_us inside an access to a *bystander* revocable - another
 * revocable of the same primitive, over its own page table, that is never
 * revoked during the run (another device of the same driver, still
 * bound).  A stall inside the revocable being revoked would block every
 * correct blocking primitive by definition; a stall on a bystander is what
 * separates revokes that wait only for their own readers (bounded) from
 * those that wait for every reader in the domain (RCU's grace period).
 * With p.stall_rcu the stalled reader parks inside a bare RCU read-side
 * section instead (a *foreign* RCU reader: some other subsystem's
 * rcu_read_lock(), not this primitive at all): that delays every revoke
 * that waits for an RCU grace period, percpu-ref's kill_and_confirm()
 * included, which is why percpu-ref is not REV_CAP_BOUNDED.  A park
 * sleeps (in steps of at most 1 ms, watching for an abort) where the
 * primitive's readers may sleep (REV_CAP_SLEEP) and the stall is not in
 * an RCU section; elsewhere it spins, and rb_wl_check_knobs() bounds
 * stall_us to RB_WL_SPIN_MAX_NS there.  A stall cell needs at least one
 * active reader on the revoked object besides the stalled one
 * (threads >= 3); with fewer it is skipped, with the reason.
 *
 * Retained memory: a revocable revoked but not yet destroyed still holds
 * its own bytes (ops->footprint(): a per-revocable SRCU domain with its
 * per-CPU srcu_data, percpu_ref's per-CPU counters, which
 * PERCPU_REF_ALLOW_REINIT keeps until percpu_ref_exit(), rcu-deferred's
 * revocables parked until their deferred_barrier()).  Every primitive
 * here keeps all of it until destroy(), so footprint() is the retained
 * size; the CYCLE revoker counts those bytes from the revoke to the
 * destroy, and their peak over the run is retained_peak, reported next to
 * the page tables' unreclaimed_peak.
 *
 * REV_CAP_TYPESTABLE primitives (seqlock) release at once without waiting for
 * speculating readers, so the page table they release must stay readable
 * (the type-stable rule, REV_CAP_TYPESTABLE, primitives/seqlock.c): their released
 * tables are parked on run->tstable and freed after the cycle's stop
 * barrier, when no reader can be inside an access.
 *
 * Errors a workload cannot measure through (a contract violation: wrong
 * translation, try_access() succeeding after revoke, a release callback
 * that did not run, an allocation failure) set run->fail to a static
 * message and abort the run; the environment reports the cell as failed.
 */
#ifndef REVBENCH_WORKLOAD_H
#define REVBENCH_WORKLOAD_H

#include "revocable.h"
#include "pgtable.h"

enum rb_wl_id {
	RB_WL_TRANSLATE,
	RB_WL_MAP_UNMAP,
	RB_WL_UNBIND,
	RB_WL_ERROR_PATH,
	RB_WL_LIFECYCLE,
	RB_WL_UNBIND_MANY,
	RB_WL_EMPTY,
	RB_WL_OPEN_CLOSE,
	RB_WL_NR
};

enum rb_wl_kind {
	RB_WLK_LOOP,		/* every participant loops over one op */
	RB_WLK_CYCLE,		/* participant 0 revokes, the others read */
};

/* Knobs a workload honours (anything else is ignored and not named). */
#define RB_WL_KNOB_CS		(1U << 0) /* lookups per critical section */
#define RB_WL_KNOB_DELAY	(1U << 1) /* busy-wait inside the section */
#define RB_WL_KNOB_SLEEP	(1U << 2) /* sleep inside (SLEEP prims) */
#define RB_WL_KNOB_STALL	(1U << 3) /* one reader parks in its access */
#define RB_WL_KNOB_NPAGES	(1U << 4) /* map-unmap: pages per map */
#define RB_WL_KNOB_N		(1U << 5) /* unbind-many: revocables */
#define RB_WL_KNOB_MODE		(1U << 6) /* unbind-many: oneby|batched */
#define RB_WL_KNOB_GUARD	(1U << 7) /* revocables per operation */

struct rb_workload {
	enum rb_wl_id id;
	const char *name;	/* "translate", ... (results name component) */
	const char *measures;	/* one line, for "revbench list" */
	const char *unit;	/* what one iteration is: "access", "revoke" */
	enum rb_wl_kind kind;
	unsigned int knobs;	/* RB_WL_KNOB_* */
	int min_threads;	/* CYCLE: 1 = the revoker alone */
};

extern const struct rb_workload rb_workloads[RB_WL_NR];
const struct rb_workload *rb_workload_find(const char *name);

/* One cell's parameters.  Zero = default/unused. */
struct rb_wl_params {
	const struct revocable_ops *ops;
	int threads;		/* participants (readers + revoker) */
	unsigned int cs;	/* lookups per access (>= 1) */
	u64 delay_ns;		/* busy-wait inside each access */
	unsigned int sleep_us;	/* sleep inside each access (SLEEP only) */
	unsigned int stall_us;	/* CYCLE: one reader parks this long
				 * inside an access to a bystander */
	unsigned int npages;	/* map-unmap: 4K pages per map/unmap */
	unsigned int n;		/* unbind-many: revocables per unbind */
	int batched;		/* unbind-many: ops->revoke_many() */
	u64 iters;		/* LOOP: ops per participant; CYCLE: samples */
	u64 seed;		/* working-set walk start/stride */
	unsigned int wset;	/* pages in the translate working set (2^k) */
	int generic;		/* LOOP: force the generic loop (two indirect
				 * calls per access) even where the primitive
				 * has inline read sections, to compare */
	int irqoff;		/* LOOP: read-side windows with interrupts
				 * off where allowed (kernel; see above) */
	int stall_rcu;		/* CYCLE: the stall is in a foreign RCU
				 * read-side section, not a bystander */
	unsigned int guard;	/* translate: revocables per operation
				 * (the guard knob; 0 or 1: one) */
};

#define RB_WL_WSET_DEFAULT	256	/* 1 MiB of IOVA, one leaf table */
#define RB_WL_WSET_MANY		16	/* unbind-many: per revocable */
#define RB_WL_MAX_THREADS	1024
#define RB_WL_WARM_CYCLES	2	/* untimed bind/revoke cycles first */
#define RB_WL_CYCLE_WARM_OPS	16	/* accesses per reader before revoke */
#define RB_WL_TSTABLE_CAP	8	/* RETRY: released, not yet freed */
#define RB_WL_GUARD_MAX		64	/* the guard knob's range (knobs.h) */
#define RB_WL_GRAVE_CAP		1024	/* DEFERRED: revoked, kept until a
					 * deferred_barrier() */

/*
 * Bounds on work without a scheduling point (rb_wl_check_knobs()).  The
 * kernel's detectors: the hard- and soft-lockup watchdogs at
 * watchdog_thresh (10 s) and twice it, RCU CPU stall warnings at 21 s; a
 * reader spinning with interrupts off, or inside rcu_read_lock(), for
 * seconds trips them, and under qemu TCG everything runs many times
 * slower than its knobs say.  So:
 *   RB_WL_WINDOW_MAX_NS   the least a timed window can take by its knobs
 *                         (loops x (one access + cs lookups + delay_ns),
 *                         each counted at RB_WL_FLOOR_NS at least) must
 *                         not exceed a tenth of watchdog_thresh;
 *   RB_WL_SPIN_MAX_NS     a stall that spins (the primitive's readers may
 *                         not sleep, or it is in an RCU section): the same;
 *   RB_WL_WINDOW_ABORT_NS at run time a window still running after half of
 *                         watchdog_thresh is aborted by the environment.
 * RB_WL_P99_MIN_SAMPLES: a repetition's nearest-rank p99 of n samples is
 * its maximum for n < 100, so revoke workloads take at least 100.
 */
#define RB_WL_FLOOR_NS		1ULL
#define RB_WL_WINDOW_MAX_NS	1000000000ULL
#define RB_WL_SPIN_MAX_NS	1000000000ULL
#define RB_WL_WINDOW_ABORT_NS	5000000000ULL
#define RB_WL_P99_MIN_SAMPLES	100

/* Translate working set: IOVA 0.., "physical" 1 TiB + same offset. */
#define RB_WL_IOVA_BASE		((u64)0)
#define RB_WL_PHYS_BASE		((u64)1 << 40)
/* map-unmap: participant i maps at (i + 1) GiB, private to it. */
#define RB_WL_MAP_IOVA(i)	((u64)((i) + 1) << 30)
#define RB_WL_MAP_PHYS(i)	(((u64)1 << 41) + ((u64)(i) << 30))

/* Per-participant state and results.  One cache line (or more) each. */
struct rb_wl_ticket;
struct rb_cost;

struct rb_wl_thread {
	int idx;
	int is_revoker;
	/* results */
	u64 time_ns;		/* LOOP: the timed window */
	u64 ops;		/* LOOP: timed ops (= p.iters) */
	u64 tail_ops;		/* untimed ops: warm-up + keep-running */
	u64 errors;		/* try_access() failures seen */
	u64 retries;		/* REV_CAP_RETRY releases that said -EAGAIN */
	u64 bad;		/* contract violations seen */
	u64 sink;		/* keeps the lookups alive */
	/* working-set walk */
	unsigned int pos;
	unsigned int stride;
	/* CYCLE: accesses on the current binding, read by the revoker */
	unsigned long cycle_ops;
	/* LOOP: when the timed window began (0: not in it), for
	 * rb_wl_window_overrun() */
	u64 win_t0;
	/* LOOP lifecycle / CYCLE revoker: revoked, not yet destroyed */
	struct revocable **grave;
	int ngrave;
} ____cacheline_aligned;

/* Spin barrier over compat.h atomics. */
struct rb_wl_barrier {
	atomic_t arrived;
	int gen;
	int n;
};

struct rb_wl_run {
	const struct rb_workload *wl;
	struct rb_wl_params p;
	struct rb_wl_thread *th;	/* p.threads entries */
	void *th_mem;			/* th, before cache-line alignment */
	int nreaders;			/* participants that read */
	struct rb_wl_barrier start, stop;
	atomic_t warm;			/* LOOP: participants not yet warm */
	atomic_t cool;			/* LOOP: windows not yet finished */
	int irqoff;			/* LOOP: windows run with irqs off */
	unsigned int yield_every;	/* untimed ops between cond_resched()s */
	u64 delay_iters;		/* rb_wl_spin() iterations of delay_ns */
	int abort;			/* set by rb_wl_abort() */
	const char *fail;		/* first contract violation */

	struct rb_pgtable *pgt;		/* translate/error-path/map-unmap,
					 * unbind-many's shared table */
	struct revocable *cur;		/* the bound revocable (LOOP, unbind) */
	struct revocable **revs;	/* unbind-many: the N revocables */
	u64 dummy_res;			/* lifecycle: the resource */

	/* the stalled reader's bystander (CYCLE with p.stall_us) */
	struct revocable *bystander;

	/* guard > 1: the p.guard revocables of one operation, each over
	 * its own page table; grevs[0] is cur */
	struct revocable **grevs;

	/* RETRY: released page tables kept readable until no reader runs */
	struct rb_pgtable *tstable[RB_WL_TSTABLE_CAP];
	int ntstable;

	/* CYCLE */
	int cycle_end;
	int finished;
	int staller_parked;
	u64 *samples;			/* p.iters revoke latencies, ns */
	u64 nsamples;

	/* LOOP: the read-section loop of this cell (rb_wl_run_init()) */
	u64 (*loop)(struct rb_wl_run *run, struct rb_wl_thread *t, u64 n);
	const char *path;		/* "inline" or "generic" */

	/*
	 * unbind: the bound revocable's ticket (workload.c), the tickets of
	 * type-stable tables waiting for every reader to be out, and per
	 * timed cycle the reclaim latency (revoke start until the table is
	 * freed) and the teardown (the free itself), in ns
	 */
	struct rb_wl_ticket *ticket;
	struct rb_wl_ticket *parked[RB_WL_TSTABLE_CAP];
	int nparked;
	u64 *reclaim;
	u64 *teardown;
	atomic_long_t unreclaimed;	/* bytes revoked, not yet freed */
	long unreclaimed_peak;		/* its maximum over the run */
	long retained;			/* revocables' own bytes, revoked and
					 * not yet destroyed (the revoker's) */
	long retained_peak;		/* its maximum over the run */
	/* open-close: the generic consumer reference (ops->get == NULL) */
	atomic_long_t oc_refs ____cacheline_aligned;
	/* ops->gp_paths(): the timed revokes' grace-period kinds */
	u64 gp_expedited, gp_normal;
	/* CYCLE: the environment's revoke-cost meter (metrics.h), or NULL */
	struct rb_cost *cost;

	/* release-callback accounting */
	atomic_long_t released;		/* release callbacks that ran */
	atomic_long_t revoked;		/* revokes issued */
	long pending;			/* revoked, not released, at the end
					 * (DEFERRED variants) */
	size_t bytes_per_rev;		/* ops->footprint() of one revocable */
	size_t bytes_per_domain;	/* ops->domain_footprint(), 0: none */
};

/*
 * NULL when the cell can run, else a static reason to skip it, which the
 * environment prints (never silently): e.g. the "none" floor under
 * readers in a revoke workload (its revoke does not wait for them).
 */
const char *rb_wl_check(const struct rb_workload *wl,
			const struct rb_wl_params *p);

/*
 * Knob combinations that are bad input, not a cell that cannot run: a
 * timed window or a spinning stall longer than the bounds above, fewer
 * revoke samples than a p99 needs.  p->ops may be NULL (the rules that
 * depend on the primitive are then left out); p->iters is what the
 * workload's window or sample count will be.  NULL, or a message naming
 * the knobs (by their knobs.h names) in buf; the module refuses such a
 * configuration with -EINVAL, and a runner that calls it exits 2.
 */
const char *rb_wl_check_knobs(const struct rb_workload *wl,
			      const struct rb_wl_params *p, char *buf,
			      size_t len);

/* Does a window of this cell run with interrupts off?  (See above.) */
bool rb_wl_window_irqoff(const struct rb_workload *wl,
			 const struct rb_wl_params *p);

/* Has a participant's window been running for more than limit_ns? */
bool rb_wl_window_overrun(const struct rb_wl_run *run, u64 now,
			  u64 limit_ns);

/* Untimed set-up; 0 or -ENOMEM/-EINVAL (run->fail says why). */
int rb_wl_run_init(struct rb_wl_run *run, const struct rb_workload *wl,
		   const struct rb_wl_params *p);
/* The body of participant idx, in [0, p.threads), on its own thread. */
void rb_wl_thread(struct rb_wl_run *run, int idx);
/* Ask every participant to stop as soon as it can (watchdog, signal). */
void rb_wl_abort(struct rb_wl_run *run);
/* Untimed tear-down after every participant returned. */
void rb_wl_run_fini(struct rb_wl_run *run);

/* Sums over participants, for the environment's counters. */
struct rb_wl_totals {
	u64 time_ns, ops, tail_ops, errors, retries, bad;
	u64 ops_min, ops_max;	/* per reader/worker: ops + tail_ops */
};
void rb_wl_totals(const struct rb_wl_run *run, struct rb_wl_totals *tot);

/* Where participant idx starts its walk of a wset-page working set, and
 * its stride (odd: the walk visits every page). */
void rb_wl_walk_init(u64 seed, int idx, unsigned int wset, unsigned int *pos,
		     unsigned int *stride);

/*
 * The translate lookup itself, for the environment's no-harness
 * baselines (the "bare loop" the harness overhead is measured against).
 * Advances *pos; returns the number of wrong translations (0).
 */
static inline unsigned int rb_wl_lookup(struct rb_pgtable *pgt,
					unsigned int *pos, unsigned int stride,
					unsigned int mask, u64 *sink)
{
	unsigned int i = *pos;
	u64 off = ((u64)i * 8) & 0xff8;
	u64 iova = RB_WL_IOVA_BASE + ((u64)i << 12) + off;
	phys_addr_t pa = rb_pgt_iova_to_phys(pgt, iova);

	*pos = (i + stride) & mask;
	*sink += pa;
	return pa != RB_WL_PHYS_BASE + ((u64)i << 12) + off;
}

/* ---- the read sections ------------------------------------------------ */

/*
 * The loop workloads that measure the read side (empty, translate,
 * error-path) run through one body, rb_wl_loop_body(), written once here
 * and instantiated twice per primitive:
 *
 *   generic   rb_wl_loop_body(run, t, n, ops->try_access, ops->release):
 *             two indirect calls per access (retpolines in the kernel);
 *             every primitive has it, it is the fallback;
 *   inline    RB_WL_READSECTIONS(name, try, release) in the harness's
 *             workloads/readsections.c, where try and release are the
 *             static inline pair of the primitive's header
 *             (primitives/<prim>.h) that its ops table points at too, and
 *             rb_wl_readsection_find() looks them up by ops table: the
 *             same always-inline body
 *             with constant function pointers, which the compiler turns
 *             into direct, inlined calls - refscale's readsection(nloops)
 *             with the lock and unlock inlined.  The only indirect call
 *             is the one per timed window, to the loop itself.
 *
 * The loop a cell used is run->path ("inline"/"generic"); p.generic
 * forces the generic one.  map-unmap and lifecycle always run the
 * generic loop (their cost is the page-table writes and the allocator).
 */
typedef void *(*rb_wl_try_fn)(struct revocable *rev, struct rev_handle *h);
typedef int (*rb_wl_rel_fn)(struct revocable *rev, struct rev_handle *h);
typedef void (*rb_wl_genter_fn)(struct rev_handle *g);
typedef void (*rb_wl_gexit_fn)(struct rev_handle *g);

struct rb_wl_readsection {
	/* n operations of run's (empty, translate or error-path) workload */
	u64 (*loop)(struct rb_wl_run *run, struct rb_wl_thread *t, u64 n);
	/* n operations of open-close (rb_wl_oc_body() below) */
	u64 (*oc_loop)(struct rb_wl_run *run, struct rb_wl_thread *t, u64 n);
	/* try_access() may block (down_read()): see the irq-off window */
	bool may_block;
};

/* ops' inline read sections (readsections.c); NULL: the generic loop. */
const struct rb_wl_readsection *
rb_wl_readsection_find(const struct revocable_ops *ops);

/*
 * The delay knob: n iterations of an empty loop, no clock read and no
 * memory access inside, so that a delay of 1-3 ns is possible.  The loop
 * is calibrated once per process or module load against rb_now_ns()
 * (rb_wl_delay_loop_ps(), picoseconds per iteration, recorded in the
 * results as delay_loop_ns); rb_wl_run_init() turns p.delay_ns into
 * run->delay_iters once, so the access pays no division either.
 */
static __always_inline void rb_wl_spin(u64 n)
{
	while (n--)
		barrier();
}
u64 rb_wl_delay_loop_ps(void);		/* calibrates on the first call */
u64 rb_wl_delay_iters(u64 ns);		/* iterations for ns, >= 1 if ns */

/* Out of line: the slow and the failure paths of an access. */
void rb_wl_fail(struct rb_wl_run *run, const char *why);
void rb_wl_delay(u64 ns);		/* busy-wait, the calibrated loop */
void rb_wl_park(struct rb_wl_run *run);	/* the stalled reader */
unsigned int rb_wl_cs_map(struct rb_wl_run *run, struct rb_wl_thread *t,
			  struct rb_pgtable *pgt);

static __always_inline unsigned int
rb_wl_cs_translate(struct rb_wl_run *run, struct rb_wl_thread *t,
		   struct rb_pgtable *pgt)
{
	unsigned int k, bad = 0, mask = run->p.wset - 1;

	for (k = 0; k < run->p.cs; k++)
		bad += rb_wl_lookup(pgt, &t->pos, t->stride, mask, &t->sink);
	return bad;
}

/*
 * One access: try_access, the critical section, release; a release that
 * asks for a retry (REV_CAP_RETRY) redoes the whole access.  Returns
 * false on -ENODEV.
 */
static __always_inline bool rb_wl_access(struct rb_wl_run *run,
					 struct rb_wl_thread *t,
					 struct revocable *rev, bool map,
					 bool stall, rb_wl_try_fn try_fn,
					 rb_wl_rel_fn rel_fn)
{
	struct rev_handle h;
	unsigned int bad;
	void *res;
	int ret;

	for (;;) {
		res = try_fn(rev, &h);
		if (!res) {
			t->errors++;
			return false;
		}
		if (map)
			bad = rb_wl_cs_map(run, t, res);
		else
			bad = rb_wl_cs_translate(run, t, res);
		if (unlikely(run->delay_iters))
			rb_wl_spin(run->delay_iters);
		if (unlikely(run->p.sleep_us))
			rb_sleep_us(run->p.sleep_us);
		if (unlikely(stall))
			rb_wl_park(run);
		ret = rel_fn(rev, &h);
		if (likely(!ret)) {
			if (unlikely(bad)) {
				t->bad += bad;
				rb_wl_fail(run, map ?
					   "map/unmap failed inside an access" :
					   "iova_to_phys() returned a wrong translation");
			}
			return true;
		}
		if (ret == -EAGAIN && (run->p.ops->caps & REV_CAP_RETRY)) {
			t->retries++;
			stall = false;
			continue;
		}
		t->bad++;
		rb_wl_fail(run, "release() returned an unexpected error");
		return false;
	}
}

/*
 * The guard knob (translate with p.guard = k > 1): one reader operation
 * accesses the k revocables run->grevs[], each over its own page table
 * (a driver touching an MMIO region, a page table and a clock), and does
 * cs lookups in each: k accesses, so k times the lookups of guard 1.  A
 * primitive that shares a read-side guard (REV_CAP_GUARD: its genter,
 * gtry and gexit are non-NULL) takes ONE guard for all k and tests each
 * revocable under it, Rust's try_access_with_guard(); every other one
 * takes an access each (k try_access/release pairs, rb_wl_access()).
 * The delay and sleep knobs apply per access in both shapes.  In the
 * inline loops genter is a constant, so the test below is resolved at
 * compile time; the generic loop passes the ops table's hooks.
 */
static __always_inline void rb_wl_guard_access(struct rb_wl_run *run,
					       struct rb_wl_thread *t,
					       rb_wl_try_fn try_fn,
					       rb_wl_rel_fn rel_fn,
					       rb_wl_genter_fn genter,
					       rb_wl_try_fn gtry,
					       rb_wl_gexit_fn gexit)
{
	struct revocable *const *revs = run->grevs;
	unsigned int j, k = run->p.guard, bad = 0;
	struct rev_handle g;
	void *res;

	if (!genter) {
		for (j = 0; j < k; j++)
			rb_wl_access(run, t, revs[j], false, false, try_fn,
				     rel_fn);
		return;
	}
	genter(&g);
	for (j = 0; j < k; j++) {
		res = gtry(revs[j], &g);
		if (unlikely(!res)) {
			t->errors++;
			continue;
		}
		bad += rb_wl_cs_translate(run, t, res);
		if (unlikely(run->delay_iters))
			rb_wl_spin(run->delay_iters);
		if (unlikely(run->p.sleep_us))
			rb_sleep_us(run->p.sleep_us);
	}
	gexit(&g);
	if (unlikely(bad)) {
		t->bad += bad;
		rb_wl_fail(run, "iova_to_phys() returned a wrong translation");
	}
}

/* An empty section: the primitive's own cost and nothing else. */
static __always_inline void rb_wl_empty_access(struct rb_wl_run *run,
					       struct rb_wl_thread *t,
					       struct revocable *rev,
					       rb_wl_try_fn try_fn,
					       rb_wl_rel_fn rel_fn)
{
	struct rev_handle h;
	int ret;

	do {
		if (unlikely(!try_fn(rev, &h))) {
			t->errors++;
			return;
		}
		ret = rel_fn(rev, &h);
		if (unlikely(ret))
			t->retries++;
	} while (unlikely(ret == -EAGAIN &&
			  (run->p.ops->caps & REV_CAP_RETRY)));
	if (unlikely(ret && ret != -EAGAIN)) {
		t->bad++;
		rb_wl_fail(run, "release() returned an unexpected error");
	}
}

/* A failing access on a revoked revocable: the -ENODEV path. */
static __always_inline void rb_wl_error_access(struct rb_wl_run *run,
					       struct rb_wl_thread *t,
					       struct revocable *rev,
					       rb_wl_try_fn try_fn,
					       rb_wl_rel_fn rel_fn)
{
	struct rev_handle h;

	if (likely(!try_fn(rev, &h))) {
		t->errors++;
		return;
	}
	rel_fn(rev, &h);
	t->bad++;
	rb_wl_fail(run, "try_access() succeeded on a revoked revocable");
}

/*
 * RB_WL_FOR(stmt) - in a loop body with run, i and n in scope: stmt for
 * each operation i up to n, the abort check once per 1024 operations,
 * outside the inner loop.  Both the read-section and the open-close loops.
 */
#define RB_WL_FOR(stmt)							\
	while (i < n && !READ_ONCE(run->abort)) {			\
		u64 end_ = n - i > 1024 ? i + 1024 : n;			\
									\
		for (; i < end_; i++) {					\
			stmt;						\
		}							\
	}

/*
 * n operations of the empty, translate or error-path workload on
 * run->cur.  The switch is outside the loops, so each loop is a straight
 * call sequence; an abort is checked before every 1024 operations, outside
 * the inner loop.  Returns the operations done.
 */
static __always_inline u64 rb_wl_loop_body(struct rb_wl_run *run,
					   struct rb_wl_thread *t, u64 n,
					   rb_wl_try_fn try_fn,
					   rb_wl_rel_fn rel_fn,
					   rb_wl_genter_fn genter,
					   rb_wl_try_fn gtry,
					   rb_wl_gexit_fn gexit)
{
	struct revocable *rev = run->cur;
	u64 i = 0;

	switch (run->wl->id) {
	case RB_WL_EMPTY:
		RB_WL_FOR(rb_wl_empty_access(run, t, rev, try_fn, rel_fn));
		break;
	case RB_WL_TRANSLATE:
		if (run->p.guard > 1) {
			RB_WL_FOR(rb_wl_guard_access(run, t, try_fn, rel_fn,
						     genter, gtry, gexit));
			break;
		}
		RB_WL_FOR(rb_wl_access(run, t, rev, false, false, try_fn,
				       rel_fn));
		break;
	case RB_WL_ERROR_PATH:
		RB_WL_FOR(rb_wl_error_access(run, t, rev, try_fn, rel_fn));
		break;
	default:
		break;
	}
	return i;
}

/* ---- open-close: the consumer side ------------------------------------ */

/*
 * One open-close operation: take a consumer reference (the primitive's
 * get(), or with none the generic one: an atomic increment of a count all
 * consumers share, Rust's Arc clone), make one translate access through
 * it, drop the reference (put(), or the Arc drop).  A get() that fails is
 * a failed open, counted as an error like -ENODEV.  get_fn/put_fn are
 * constants where the loop is instantiated, so the NULL test folds away.
 */
typedef void *(*rb_wl_get_fn)(struct revocable *rev);
typedef void (*rb_wl_put_fn)(struct revocable *rev, void *ref);

static __always_inline void rb_wl_oc_access(struct rb_wl_run *run,
					    struct rb_wl_thread *t,
					    struct revocable *rev,
					    rb_wl_try_fn try_fn,
					    rb_wl_rel_fn rel_fn,
					    rb_wl_get_fn get_fn,
					    rb_wl_put_fn put_fn)
{
	void *ref = NULL;

	if (get_fn) {
		ref = get_fn(rev);
		if (unlikely(!ref)) {
			t->errors++;
			return;
		}
	} else {
		atomic_long_inc(&run->oc_refs);
	}
	rb_wl_access(run, t, rev, false, false, try_fn, rel_fn);
	if (put_fn)
		put_fn(rev, ref);
	else
		atomic_long_dec(&run->oc_refs);
}

/* n open-close operations on run->cur (the abort check as above). */
static __always_inline u64 rb_wl_oc_body(struct rb_wl_run *run,
					 struct rb_wl_thread *t, u64 n,
					 rb_wl_try_fn try_fn,
					 rb_wl_rel_fn rel_fn,
					 rb_wl_get_fn get_fn,
					 rb_wl_put_fn put_fn)
{
	struct revocable *rev = run->cur;
	u64 i = 0;

	RB_WL_FOR(rb_wl_oc_access(run, t, rev, try_fn, rel_fn, get_fn,
				  put_fn));
	return i;
}

/*
 * RB_WL_READSECTIONS(name, try, release) - in readsections.c, over a
 * primitive's static inline try/release pair (its header): defines
 * name##_rs, the inline read sections, for that file's table.  Its
 * open-close loop uses the generic consumer reference; a primitive with
 * its own get()/put() uses RB_WL_READSECTIONS_GETPUT(name, try, release,
 * get, put), with get/put the pair its ops table points at too.
 * RB_WL_READSECTIONS_GUARD(name, try, release, genter, gtry, gexit) - the
 * same for a REV_CAP_GUARD primitive, with the static inline guard hooks
 * its ops table points at (the guard knob, rb_wl_guard_access()).
 */
#define RB_WL_READSECTIONS_(name, try_fn, rel_fn, get_fn, put_fn, block,	\
			    ge, gt, gx)					\
static u64 name##_rs_loop(struct rb_wl_run *run,			\
			  struct rb_wl_thread *t, u64 n)		\
{									\
	return rb_wl_loop_body(run, t, n, try_fn, rel_fn, ge, gt, gx);	\
}									\
static u64 name##_rs_oc_loop(struct rb_wl_run *run,			\
			     struct rb_wl_thread *t, u64 n)		\
{									\
	return rb_wl_oc_body(run, t, n, try_fn, rel_fn, get_fn, put_fn); \
}									\
static const struct rb_wl_readsection name##_rs = {			\
	.loop = name##_rs_loop,						\
	.oc_loop = name##_rs_oc_loop,					\
	.may_block = block,						\
}
#define RB_WL_READSECTIONS(name, try_fn, rel_fn)			\
	RB_WL_READSECTIONS_(name, try_fn, rel_fn, NULL, NULL, false,	\
			    NULL, NULL, NULL)
/* The same for a read side whose try_access() may block (down_read()). */
#define RB_WL_READSECTIONS_MAY_BLOCK(name, try_fn, rel_fn)		\
	RB_WL_READSECTIONS_(name, try_fn, rel_fn, NULL, NULL, true,	\
			    NULL, NULL, NULL)
/* The same with the primitive's own consumer reference. */
#define RB_WL_READSECTIONS_GETPUT(name, try_fn, rel_fn, get_fn, put_fn) \
	RB_WL_READSECTIONS_(name, try_fn, rel_fn, get_fn, put_fn, false, \
			    NULL, NULL, NULL)
#define RB_WL_READSECTIONS_GUARD(name, try_fn, rel_fn, ge, gt, gx)	\
	RB_WL_READSECTIONS_(name, try_fn, rel_fn, NULL, NULL, false,	\
			    ge, gt, gx)

#endif /* REVBENCH_WORKLOAD_H */
