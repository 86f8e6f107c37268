// SPDX-License-Identifier: GPL-2.0
/*
 * torture.c - "insmod revbench.ko mode=torture": rcutorture-style torture
 * of the kernel primitives and of the kernel bug zoo, the in-kernel twin
 * of "revbench torture" (runner/torture.c: same oracle, same
 * perturbations, same "!!!" failure lines, same seeds).
 *
 *   insmod revbench.ko mode=torture [primitive=all|NAME|] [bug=none|all|NAME]
 *          [duration=3] [bug_duration=20] [seed=0] [threads=0]
 *          [watchdog_ms=10000] [bug_watchdog_ms=2000] [stat_ms=1000]
 *
 * primitive=all is every primitive but "none" (unsafe by design: a KTAP
 * SKIP point); "primitive=" (empty) runs none of them.  bug= needs the
 * test module (make kmod KMOD_BUGS=1: the zoo, kmod/bugs_kernel.c);
 * the default module refuses it with -EINVAL.  Each primitive runs
 * duration seconds; each bug runs until its first failure, at most
 * bug_duration seconds.  seed=0 takes the clock; the seed is printed, and
 * seed=N replays every perturbation choice (not the scheduling).
 *
 * OUTPUT: KTAP v1, one test point per primitive and per bug; a header,
 * a summary every stat_ms ("# [name] ...", "!!! [name] ..." once anything
 * failed), every failure on a line "!!! [name] t=S kind: ...", then the
 * point.  A real primitive's point passes with zero failures; a bug's
 * point passes when the bug WAS caught, and "# detection: NAME S s
 * (kinds)" gives the time from the start of its run to the first failure
 * (a statistic, never a threshold).  main.c prints the last line,
 * "revbench: done: P passed, F failed".
 *
 * SET-UP, per primitive (mirrors runner/torture.c):
 *   - T_NSLOTS slots, each holding a live "round": a revocable over a
 *     stamped resource (every word a function of the round's generation);
 *   - reader kthreads (threads=, default one per online CPU plus one)
 *     access random slots;
 *   - a writer kthread revokes a random slot's round and publishes a new
 *     one; a racer kthread revokes or creates at the same instant;
 *   - T_NFAKE fake revokers: create, access, revoke (or revoke_many) and
 *     destroy revocables of their own;
 *   - the control loop (the insmod or debugfs-run thread: stutter,
 *     shuffle, summaries, stop) and a watchdog kthread.
 * Retired rounds are destroyed by the harness's epoch-based reclamation,
 * never while a reader could still hold the pointer, whatever the
 * primitive does.  Resources are poisoned by the release callback and
 * kept in a QUARANTINE until the primitive's run ends (beyond
 * T_QUARANTINE_MAX, resources of reclaimed rounds - which no reader can
 * reach any more - are freed early): a late reader of a broken primitive
 * reads poison, never freed memory, so a use-after-free is a "!!!" line
 * and not a crash (these kernels have no KASAN).
 *
 * THE ORACLE (runner/torture.c's; each is a "!!!" line and a failure):
 *   late            try_access() succeeded although revoke() of that round
 *                   had returned before the attempt started;
 *   overtaken       revoke() returned while an access was still held
 *                   (blocking primitives), or a RETRY primitive validated
 *                   (release() == 0) an access whose revoke had returned;
 *                   DEFERRED primitives are exempt (poison is not);
 *   poison          a validated access saw a poisoned (released) or
 *                   wrongly stamped resource;
 *   double-release  a release callback ran a second time;
 *   never-released  revoke() (DEFERRED: deferred_barrier()) returned and
 *                   the release callback had not run;
 *   hang            a revoke / revoke_many / deferred_barrier, or stopping
 *                   the threads, took longer than the watchdog bound.  The
 *                   run stops.  A hung kthread cannot be killed: if the
 *                   primitive has an unwedge hook (bug-srcu-shared-handle,
 *                   see bugs_kernel.c) it is applied once the readers are
 *                   stopped and the revoke returns; otherwise the threads
 *                   and the run's memory are leaked, the module is pinned
 *                   (rmmod fails, loudly) and the next points still run;
 *   other           create() failed, release() returned an unexpected
 *                   value, a fake revoker's own checks failed.
 * rcutorture's pipe: a round's counter is 0 while live, 1 once its revoke
 * returned, +1 per later revoke; the summary shows which values validated
 * accesses saw (a blocking primitive has zeros after the first column).
 *
 * PERTURBATIONS, each drawn from per-thread generators seeded from seed:
 *   delay (spins in the critical section), sleep (readers sleep inside,
 *   REV_CAP_SLEEP only), stall (one reader holds 20-300 ms sleeping, or
 *   spins 5-50 ms), fake-revokers, shuffle (every torture kthread allowed
 *   on all online CPUs but one, set_cpus_allowed_ptr(), the idle CPU
 *   rotating, one turn with none idle), stutter (run 0.5-3 s, halt 20-300
 *   ms), create-race (the next round created and published by the racer
 *   as the writer revokes), revoke-race (racer and writer revoke the same
 *   round at once), many-handles (one reader holds every slot, releases
 *   out of order), linger (a reader that got in while a revoke of that
 *   round was under way stays 5-100 us longer; runner/torture.c: 2-10 us,
 *   but under TCG a revoker that missed the reader needs that long to
 *   reach its release).  scripts/vm.sh boots with preempt=full, so that
 *   readers can be preempted anywhere, also inside a race window.
 */
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "revocable.h"
#include "bugs.h"
#include "kmod.h"

#define T_NSLOTS		8
#define T_WORDS			8
#define T_NFAKE			2
#define T_PRINT_MAX		5	/* failures printed per kind */
#define T_PIPE_LEN		10	/* rcutorture's RCU_TORTURE_PIPE_LEN */
#define T_FAKE_BATCH		8
#define T_BARRIER_EVERY		32	/* retired rounds per deferred_barrier */
#define T_QUARANTINE_MAX	65536

#define T_LIVE			0x4c4956455245534fULL	/* "LIVERESO" */
#define T_POISON		0x6b6b6b6b6b6b6b6bULL	/* POISON_FREE */

/* Seconds with milliseconds, for printk (no %f in the kernel). */
#define T_S_FMT			"%llu.%03llu"
#define T_S_ARG(ns)		(unsigned long long)div_u64((ns), NSEC_PER_SEC), \
				(unsigned long long)(div_u64((ns), NSEC_PER_MSEC) % 1000)

enum {
	P_DELAY, P_SLEEP, P_STALL, P_FAKE, P_SHUFFLE, P_STUTTER,
	P_CREATE_RACE, P_REVOKE_RACE, P_MANY, P_LINGER, P_NR
};
static const char *const p_names[P_NR] = {
	"delay", "sleep", "stall", "fake-revokers", "shuffle", "stutter",
	"create-race", "revoke-race", "many-handles", "linger",
};

enum {
	F_LATE, F_OVERTAKEN, F_POISON, F_DOUBLE, F_UNRELEASED, F_HANG,
	F_OTHER, F_NR
};
static const char *const f_names[F_NR] = {
	"late", "overtaken", "poison", "double-release", "never-released",
	"hang", "other",
};

struct t_run;

struct t_res {
	u64 magic;
	u64 gen;
	u64 words[T_WORDS];
	atomic_t released;	/* release callback runs */
	bool quarantined;	/* on the run's quarantine list */
	struct list_head q;
};

struct t_round {
	struct revocable *rev;
	struct t_res *res;
	u64 gen;
	int revoking;		/* a revoke() of this round has been called */
	int revoked;		/* the writer's revoke() has returned */
	int pipe;		/* 0 live, 1 revoked, +1 per later revoke */
	u64 retire_epoch;
	u64 barrier_seq;
	struct t_round *next;	/* retired list */
};

struct t_thr;
typedef void (*t_body_fn)(struct t_thr *me);

/* One torture kthread.  Counters are written by the owner only. */
struct t_thr {
	struct t_run *run;
	int idx;
	u64 seed;
	t_body_fn body;
	struct task_struct *task;
	struct completion done;		/* its loop has ended */
	bool started, finished;
	u64 pin;			/* readers: epoch while accessing */
	u64 next_stall;
	unsigned long acc, enodev, retries, spec_poison, sleeps, stalls;
	unsigned long many, lingers, frevokes, fmany, fbarriers;
	unsigned long pipe[T_PIPE_LEN];
	/* fake revokers: the batch in flight */
	struct revocable *fk_revs[T_FAKE_BATCH];
	int fk_n;
} ____cacheline_aligned;

enum { J_IDLE, J_POSTED, J_READY, J_GO, J_DONE };
enum { JOB_CREATE = 1, JOB_REVOKE };

enum { WD_WRITER, WD_RACER, WD_BARRIER, WD_TEARDOWN, WD_FAKE0,
       WD_NR = WD_FAKE0 + T_NFAKE };
struct t_wd {
	u64 start;		/* rb_now_ns(), 0 when idle */
	u64 gen;
	u64 reported;		/* start already reported as a hang */
};

struct t_run {
	const struct revocable_ops *ops;
	const struct rbk_config *cfg;
	bool is_bug, retry, deferred, may_sleep;
	unsigned int pert;
	u64 seed;
	u64 wd_bound;		/* ns */
	int nreaders, nfake, nslots;
	struct t_round *slots[T_NSLOTS];
	atomic64_t next_gen;
	int stop, halt, stalling;
	int writer_exited;	/* the racer may go once the writer has */
	atomic64_t epoch;
	u64 t0, t_end;
	atomic_long_t fails[F_NR];
	atomic64_t first_fail;	/* ns since t0, + 1; 0: none yet */
	/* writer statistics (writer-owned) */
	unsigned long revokes, create_races, revoke_races, barriers, freed;
	u64 revoke_max_ns, revoke_sum_ns;
	unsigned long stutters, shuffles, unwedged;
	/* racer job */
	int job_state, job_kind, job_slot;
	struct t_round *job_round;
	/* writer-private retired list */
	struct t_round *ret_head, *ret_tail;
	u64 barrier_seq;
	unsigned long since_barrier;
	struct t_wd wd[WD_NR];
	/* quarantine of released resources */
	spinlock_t q_lock;
	struct list_head q_list;
	long q_count, q_early;
	struct t_thr readers[RBK_TORTURE_MAX_READERS];
	struct t_thr fakes[T_NFAKE];
	struct t_thr writer, racer;
};

/*
 * Per-bug tuning, the kernel twin of tests/torture.sh's bug_opts():
 * bug-hazptr-nofence is a store-buffer reordering window of ~100 ns that
 * needs the writer and a reader running on two CPUs at the same moment
 * (under TCG: two vCPU threads on two host CPUs); every perturbation that
 * takes CPU time or pins threads together dilutes it, so it runs with
 * delay and linger only, two readers, and one slot (so that every revoke
 * races every access).  Everything else gets every perturbation and
 * T_NSLOTS slots.  The header line of each run lists what it got.
 *
 * bug-hazptr-norecheck and bug-percpu-noconfirm have windows of a few
 * instructions in the reader (between its check and its publication or
 * per-CPU increment) that only a preemption there (preempt=full) or a
 * vCPU descheduled by the host opens wide enough; the revoke must then
 * hit that very round.  They run on one slot (every revoke races every
 * access: with 8 slots, detection took 1.5-18 s or more than 20 s under
 * TCG; with one: 1.2-18 s, median ~9 s), without stalls and stutter, which would only hold that one slot's
 * revoke up.
 *
 * tcg_s: under qemu TCG (env=kernel-tcg, which scripts/vm.sh passes) the
 * window is out of reach: each guest access is tens of host instructions
 * while the reordering window stays ~100 ns of host time, so it is hit
 * about as often per second as natively per hundreds of seconds (60 s
 * runs with 13000-19000 revokes, one slot, two readers: not once).  There
 * the bug runs tcg_s seconds at most and, if not caught, its point is a
 * loud SKIP naming the reason instead of a failure; on hardware
 * (env=kernel) it must be caught like every other bug.  The same code is
 * caught by "revbench torture" in userspace (primitives/hazptr.c is
 * shared).  bug-percpu-noconfirm gets 30 s under TCG for the same
 * reason, less extreme: caught after 1.5-32 s in 7 runs of 9, not within
 * 20 s and 45 s in the other two; its window (tryget_live's check and its
 * per-CPU increment) is hit, but rarely at emulation speed.
 */
#define T_PERT_NARROW	(((1U << P_NR) - 1) & ~(1U << P_STALL) & ~(1U << P_STUTTER))
static const struct {
	const char *name;
	unsigned int pert;
	int readers, nslots;
	unsigned int tcg_s;
} t_tuning[] = {
	{ "bug-hazptr-nofence", (1U << P_DELAY) | (1U << P_LINGER), 2, 1, 10 },
	{ "bug-hazptr-norecheck", T_PERT_NARROW, RBK_TORTURE_MAX_READERS, 1, 0 },
	{ "bug-percpu-noconfirm", T_PERT_NARROW, RBK_TORTURE_MAX_READERS, 1, 30 },
};

static unsigned int t_tcg_budget(const struct rbk_config *cfg,
				 const struct revocable_ops *ops)
{
	int i;

	if (strcmp(cfg->env, "kernel-tcg"))
		return 0;
	for (i = 0; i < ARRAY_SIZE(t_tuning); i++)
		if (!strcmp(t_tuning[i].name, ops->name))
			return t_tuning[i].tcg_s;
	return 0;
}

static struct t_run *t_cur;		/* the run the watchdog watches */
static int t_wd_quit;
static bool t_pinned;			/* module pinned after a leak */

/* ---------------------------------------------------------------- */
/* small helpers (the generators are runner/torture.c's) */

static inline u64 t_rand(u64 *s)
{
	u64 x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dULL;
}

static u64 t_mix(u64 x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x ? x : 1;
}

static u64 t_name_hash(const char *s)
{
	u64 h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static inline u64 t_range(u64 *s, u64 lo, u64 hi)
{
	u64 rem;

	div64_u64_rem(t_rand(s), hi - lo + 1, &rem);
	return lo + rem;
}

static u64 t_since(const struct t_run *r)
{
	return rb_now_ns() - r->t0;
}

static void t_spin_ns(u64 ns)
{
	u64 end = rb_now_ns() + ns;

	while (rb_now_ns() < end)
		cpu_relax();
}

static void t_pause(unsigned int *spins)
{
	if (++*spins < 200)
		cpu_relax();
	else
		cond_resched();
}

#define t_out(fmt, ...)	pr_info(fmt, ##__VA_ARGS__)

static long t_nfails(struct t_run *r)
{
	long n = 0;
	int i;

	for (i = 0; i < F_NR; i++)
		n += atomic_long_read(&r->fails[i]);
	return n;
}

/* May run in softirq (rcu-deferred's release callback): no sleeping. */
static __printf(3, 4) void t_fail(struct t_run *r, int kind,
				  const char *fmt, ...)
{
	long n = atomic_long_inc_return(&r->fails[kind]);
	u64 t = t_since(r);
	char buf[200];
	va_list ap;

	atomic64_cmpxchg(&r->first_fail, 0, t + 1);
	if (n > T_PRINT_MAX)
		return;
	if (n == T_PRINT_MAX) {
		t_out("!!! [%s] t=" T_S_FMT "s %s: more failures of this kind are counted, not printed\n",
		      r->ops->name, T_S_ARG(t), f_names[kind]);
		return;
	}
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	t_out("!!! [%s] t=" T_S_FMT "s %s: %s\n", r->ops->name, T_S_ARG(t),
	      f_names[kind], buf);
}

/* ---------------------------------------------------------------- */
/* resources, rounds, quarantine */

static inline u64 t_stamp(u64 gen, int i)
{
	return T_LIVE ^ (gen * 0x100000001b3ULL) ^ (u64)i;
}

/* The release callback: count, poison.  arg is the run. */
static void t_release(void *res, void *arg)
{
	struct t_res *x = res;
	struct t_run *r = arg;
	int n = atomic_inc_return(&x->released);
	int i;

	if (n > 1) {
		t_fail(r, F_DOUBLE, "generation %llu: release callback ran %d times",
		       x->gen, n);
		return;
	}
	WRITE_ONCE(x->magic, T_POISON);
	for (i = 0; i < T_WORDS; i++)
		WRITE_ONCE(x->words[i], T_POISON);
}

static struct t_res *t_res_new(struct t_run *r, u64 gen, bool quarantine)
{
	struct t_res *x = kzalloc(sizeof(*x), GFP_KERNEL);
	int i;

	if (!x)
		return NULL;
	x->gen = gen;
	for (i = 0; i < T_WORDS; i++)
		WRITE_ONCE(x->words[i], t_stamp(gen, i));
	smp_store_release(&x->magic, T_LIVE);
	if (quarantine) {
		x->quarantined = true;
		spin_lock(&r->q_lock);
		list_add_tail(&x->q, &r->q_list);
		r->q_count++;
		spin_unlock(&r->q_lock);
	}
	return x;
}

/* A reclaimed round's resource: kept, unless the quarantine is full. */
static void t_res_retire(struct t_run *r, struct t_res *x)
{
	bool early = false;

	spin_lock(&r->q_lock);
	if (r->q_count > T_QUARANTINE_MAX && atomic_read(&x->released)) {
		list_del(&x->q);
		r->q_count--;
		r->q_early++;
		early = true;
	}
	spin_unlock(&r->q_lock);
	if (early)
		kfree(x);	/* unreachable: its round was reclaimed */
}

static void t_quarantine_drain(struct t_run *r)
{
	struct t_res *x, *tmp;

	list_for_each_entry_safe(x, tmp, &r->q_list, q) {
		list_del(&x->q);
		kfree(x);
	}
	r->q_count = 0;
}

static struct t_round *t_round_new(struct t_run *r)
{
	struct t_round *rd = kzalloc(sizeof(*rd), GFP_KERNEL);

	if (!rd)
		goto fail;
	rd->gen = atomic64_inc_return(&r->next_gen);
	rd->res = t_res_new(r, rd->gen, true);
	if (!rd->res)
		goto fail;
	rd->rev = r->ops->create(rd->res, t_release, r);
	if (!rd->rev)
		goto fail;	/* the resource stays in quarantine */
	return rd;
fail:
	kfree(rd);
	t_fail(r, F_OTHER, "create() failed (out of memory?): stopping");
	WRITE_ONCE(r->stop, 1);
	return NULL;
}

/* 0 intact, 1 poisoned (released), 2 corrupt or not this round's. */
static int t_check(const struct t_round *rd, const struct t_res *p)
{
	int i, bad = 0;
	u64 w;

	if (p != rd->res)
		return 2;
	w = READ_ONCE(p->magic);
	if (w == T_POISON)
		bad = 1;
	else if (w != T_LIVE)
		return 2;
	for (i = 0; i < T_WORDS; i++) {
		w = READ_ONCE(p->words[i]);
		if (w == T_POISON)
			bad = 1;
		else if (w != t_stamp(rd->gen, i))
			return 2;
	}
	return bad;
}

static void t_round_free(struct t_run *r, struct t_round *rd)
{
	int rel = atomic_read(&rd->res->released);

	if (rel == 0)
		t_fail(r, F_UNRELEASED,
		       "generation %llu: release callback never ran (revoke%s returned)",
		       rd->gen, r->deferred ? " and deferred_barrier" : "");
	r->ops->destroy(rd->rev);
	t_res_retire(r, rd->res);
	kfree(rd);
	WRITE_ONCE(r->freed, r->freed + 1);
}

/* Epoch-based reclamation of the retired list (writer/teardown only). */
static void t_reclaim(struct t_run *r)
{
	u64 min = U64_MAX;
	struct t_round *rd;
	int i;

	smp_mb(); /* the slot stores and the epoch before reading the pins */
	for (i = 0; i < r->nreaders; i++) {
		u64 p = READ_ONCE(r->readers[i].pin);

		if (p && p < min)
			min = p;
	}
	while ((rd = r->ret_head) && rd->retire_epoch < min &&
	       (!r->deferred || rd->barrier_seq < r->barrier_seq)) {
		r->ret_head = rd->next;
		if (!r->ret_head)
			r->ret_tail = NULL;
		t_round_free(r, rd);
	}
}

static void t_wd_begin(struct t_run *r, int w, u64 gen)
{
	WRITE_ONCE(r->wd[w].gen, gen);
	smp_store_release(&r->wd[w].start, rb_now_ns());
}

static u64 t_wd_end(struct t_run *r, int w)
{
	u64 d = rb_now_ns() - READ_ONCE(r->wd[w].start);

	smp_store_release(&r->wd[w].start, 0);
	return d;
}

static void t_barrier(struct t_run *r)
{
	if (!r->ops->deferred_barrier)
		return;
	t_wd_begin(r, WD_BARRIER, 0);
	r->ops->deferred_barrier();
	t_wd_end(r, WD_BARRIER);
	r->barrier_seq++;
	WRITE_ONCE(r->barriers, r->barriers + 1);
	r->since_barrier = 0;
}

static void t_retire(struct t_run *r, struct t_round *rd)
{
	struct t_round *p;

	/* rcutorture's pipe: every round already retired ages by one. */
	for (p = r->ret_head; p; p = p->next)
		if (p->pipe < 1000)
			WRITE_ONCE(p->pipe, p->pipe + 1);
	rd->retire_epoch = atomic64_fetch_add(1, &r->epoch);	/* ordered */
	rd->barrier_seq = r->barrier_seq;
	rd->next = NULL;
	if (r->ret_tail)
		r->ret_tail->next = rd;
	else
		r->ret_head = rd;
	r->ret_tail = rd;
	if (r->deferred && ++r->since_barrier >= T_BARRIER_EVERY)
		t_barrier(r);
	/*
	 * Once the run is stopping, the teardown reclaims: the control
	 * thread may be walking the retired list (t_unwedge_all()).
	 */
	if (!READ_ONCE(r->stop))
		t_reclaim(r);
}

/* ---------------------------------------------------------------- */
/* readers */

struct t_acc {
	struct t_round *rd;
	struct rev_handle h;
	struct t_res *p;
	int was_revoked;
	int bad;
};

static bool t_get(struct t_run *r, struct t_thr *me, struct t_acc *a,
		  int slot, u64 *s)
{
	a->rd = READ_ONCE(r->slots[slot]);
	a->was_revoked = smp_load_acquire(&a->rd->revoked);
	memset(&a->h, 0, sizeof(a->h));
	a->p = r->ops->try_access(a->rd->rev, &a->h);
	if (!a->p) {
		me->enodev++;
		return false;
	}
	a->bad = t_check(a->rd, a->p);
	/*
	 * linger: got in while a revoke of this round is under way?  Stay a
	 * while: a correct revoke waits for us; one that missed us (through a
	 * window of a few nanoseconds) now returns and releases under us.
	 */
	if ((r->pert & (1U << P_LINGER)) && READ_ONCE(a->rd->revoking)) {
		me->lingers++;
		t_spin_ns(1000 * t_range(s, 5, 100));
	}
	return true;
}

/* release() and the oracle; returns release()'s value. */
static int t_put(struct t_run *r, struct t_thr *me, struct t_acc *a)
{
	int bad = max_t(int, a->bad, t_check(a->rd, a->p));
	int revoked = smp_load_acquire(&a->rd->revoked);
	int pipe = READ_ONCE(a->rd->pipe);
	u64 gen = a->rd->gen;
	int rc = r->ops->release(a->rd->rev, &a->h);

	if (rc == -EAGAIN && r->retry) {
		/* Speculation overtaken: nothing read may be acted on. */
		me->retries++;
		if (bad)
			me->spec_poison++;
		return rc;
	}
	if (rc) {
		t_fail(r, F_OTHER, "generation %llu: release() returned %d", gen,
		       rc);
		return 0;
	}
	me->acc++;
	me->pipe[min_t(int, pipe, T_PIPE_LEN - 1)]++;
	if (a->was_revoked)
		t_fail(r, F_LATE,
		       "generation %llu: try_access succeeded although revoke had returned before it started",
		       gen);
	if (bad == 1)
		t_fail(r, F_POISON,
		       "generation %llu: a validated access read poison: released under its reader",
		       gen);
	else if (bad)
		t_fail(r, F_POISON,
		       "generation %llu: a validated access read a corrupt stamp or another resource",
		       gen);
	if (revoked && !r->deferred)
		t_fail(r, F_OVERTAKEN, r->retry ?
		       "generation %llu: access validated (release()==0) although revoke returned before the re-check" :
		       "generation %llu: revoke returned while this access was still held",
		       gen);
	return 0;
}

/* Inside the critical section: delays, sleeps, stalls. */
static void t_inside(struct t_run *r, struct t_thr *me, u64 *s)
{
	u64 x = t_rand(s);

	if (r->pert & (1U << P_DELAY)) {
		if ((x & 15) == 0) {
			unsigned int n = (x >> 8) & 255;

			while (n--)
				cpu_relax();
		} else if ((x & 1023) == 1) {
			t_spin_ns(1000 * t_range(s, 1, 50));
		}
	}
	if (r->may_sleep && (r->pert & (1U << P_SLEEP)) &&
	    ((x >> 20) & 2047) == 0) {
		me->sleeps++;
		rb_sleep_us((unsigned int)t_range(s, 1, 200));
	}
	if ((r->pert & (1U << P_STALL)) && ((x >> 40) & 255) == 0 &&
	    rb_now_ns() >= me->next_stall && !cmpxchg(&r->stalling, 0, 1)) {
		u64 ms;

		if (r->may_sleep) {
			ms = t_range(s, 20, 300);
			msleep((unsigned int)ms);
		} else {
			ms = t_range(s, 5, 50);
			mdelay((unsigned int)ms);
		}
		me->stalls++;
		smp_store_release(&r->stalling, 0);
		me->next_stall = rb_now_ns() + t_range(s, 1000, 4000) * NSEC_PER_MSEC;
	}
}

static void t_access_one(struct t_run *r, struct t_thr *me, u64 *s)
{
	int slot = (int)t_range(s, 0, r->nslots - 1);
	struct t_acc a;

	do {
		if (!t_get(r, me, &a, slot, s))
			return;
		t_inside(r, me, s);
	} while (t_put(r, me, &a) == -EAGAIN);
}

/* Every slot at once, in slot order (nested read locks), released shuffled. */
static void t_access_many(struct t_run *r, struct t_thr *me, u64 *s)
{
	struct t_acc a[T_NSLOTS];
	int held[T_NSLOTS], nheld = 0, i, j, t;

	me->many++;
	for (i = 0; i < r->nslots; i++) {
		if (t_get(r, me, &a[nheld], i, s)) {
			held[nheld] = nheld;
			nheld++;
		}
	}
	t_inside(r, me, s);
	for (i = nheld - 1; i > 0; i--) {
		j = (int)t_range(s, 0, i);
		t = held[i];
		held[i] = held[j];
		held[j] = t;
	}
	for (i = 0; i < nheld; i++)
		t_put(r, me, &a[held[i]]);	/* -EAGAIN: counted, no retry */
}

static bool t_halted(struct t_run *r)
{
	if (!READ_ONCE(r->halt))
		return false;
	msleep(1);
	return true;
}

static void t_reader(struct t_thr *me)
{
	struct t_run *r = me->run;
	u64 s = me->seed;

	me->next_stall = rb_now_ns() + t_range(&s, 500, 3000) * NSEC_PER_MSEC;
	while (!READ_ONCE(r->stop)) {
		cond_resched();
		if (t_halted(r))
			continue;
		WRITE_ONCE(me->pin, atomic64_read(&r->epoch));
		smp_mb(); /* the pin before loading a slot (pairs t_reclaim) */
		if ((r->pert & (1U << P_MANY)) && (t_rand(&s) & 255) == 0)
			t_access_many(r, me, &s);
		else
			t_access_one(r, me, &s);
		smp_store_release(&me->pin, 0);
	}
}

/* ---------------------------------------------------------------- */
/* writer and racer */

static void t_after_revoke(struct t_run *r, struct t_round *old, u64 dt)
{
	WRITE_ONCE(old->pipe, 1);
	smp_store_release(&old->revoked, 1);
	WRITE_ONCE(r->revokes, r->revokes + 1);
	WRITE_ONCE(r->revoke_sum_ns, r->revoke_sum_ns + dt);
	if (dt > r->revoke_max_ns)
		WRITE_ONCE(r->revoke_max_ns, dt);
	if (!r->deferred && atomic_read(&old->res->released) == 0)
		t_fail(r, F_UNRELEASED,
		       "generation %llu: revoke returned but the release callback has not run",
		       old->gen);
}

/* Revoke slot's round with the racer doing kind at the same instant. */
static bool t_writer_race(struct t_run *r, int slot, int kind)
{
	struct t_round *old = r->slots[slot];
	unsigned int spins = 0;
	u64 dt;

	r->job_round = old;
	r->job_slot = slot;
	r->job_kind = kind;
	smp_store_release(&r->job_state, J_POSTED);
	while (smp_load_acquire(&r->job_state) != J_READY)
		t_pause(&spins);
	WRITE_ONCE(old->revoking, 1);
	smp_store_release(&r->job_state, J_GO);
	t_wd_begin(r, WD_WRITER, old->gen);
	r->ops->revoke(old->rev);
	dt = t_wd_end(r, WD_WRITER);
	if (kind == JOB_CREATE)
		t_after_revoke(r, old, dt);
	spins = 0;
	while (smp_load_acquire(&r->job_state) != J_DONE)
		t_pause(&spins);
	WRITE_ONCE(r->job_state, J_IDLE);
	/* Two overlapping revokes: revoked once BOTH returned (see runner). */
	if (kind == JOB_REVOKE)
		t_after_revoke(r, old, dt);
	if (kind == JOB_CREATE) {
		WRITE_ONCE(r->create_races, r->create_races + 1);
		/* the racer could not create: old stays in its slot */
		return READ_ONCE(r->slots[slot]) != old;
	}
	WRITE_ONCE(r->revoke_races, r->revoke_races + 1);
	return true;
}

static void t_racer(struct t_thr *me)
{
	struct t_run *r = me->run;

	for (;;) {
		unsigned int spins = 0;

		if (smp_load_acquire(&r->job_state) != J_POSTED) {
			if (smp_load_acquire(&r->writer_exited))
				break;
			usleep_range(50, 100);
			continue;
		}
		smp_store_release(&r->job_state, J_READY);
		while (smp_load_acquire(&r->job_state) != J_GO)
			t_pause(&spins);
		if (r->job_kind == JOB_CREATE) {
			struct t_round *nw = t_round_new(r);

			if (nw)
				WRITE_ONCE(r->slots[r->job_slot], nw);
		} else {
			t_wd_begin(r, WD_RACER, r->job_round->gen);
			r->ops->revoke(r->job_round->rev);
			t_wd_end(r, WD_RACER);
		}
		smp_store_release(&r->job_state, J_DONE);
	}
}

static void t_writer(struct t_thr *me)
{
	struct t_run *r = me->run;
	u64 s = me->seed;

	while (!READ_ONCE(r->stop)) {
		int slot = (int)t_range(&s, 0, r->nslots - 1);
		struct t_round *old = r->slots[slot];
		u64 x = t_rand(&s), dt;

		cond_resched();
		if (t_halted(r))
			continue;
		if ((r->pert & (1U << P_CREATE_RACE)) && (x & 7) == 0) {
			if (!t_writer_race(r, slot, JOB_CREATE))
				break;	/* create failed: old stays, run stops */
		} else if ((r->pert & (1U << P_REVOKE_RACE)) &&
			   ((x >> 3) & 15) == 0) {
			struct t_round *nw = t_round_new(r);

			if (!nw)
				break;
			t_writer_race(r, slot, JOB_REVOKE);
			WRITE_ONCE(r->slots[slot], nw);
		} else {
			struct t_round *nw = t_round_new(r);

			if (!nw)
				break;
			WRITE_ONCE(old->revoking, 1);
			t_wd_begin(r, WD_WRITER, old->gen);
			r->ops->revoke(old->rev);
			dt = t_wd_end(r, WD_WRITER);
			t_after_revoke(r, old, dt);
			WRITE_ONCE(r->slots[slot], nw);
		}
		t_retire(r, old);
		x = t_rand(&s);
		if ((x & 3) == 0)
			usleep_range(1 + (x >> 8) % 200, 10 + (x >> 8) % 200);
		else
			for (x = (x >> 8) & 1023; x; x--)
				cpu_relax();
	}
	smp_store_release(&r->writer_exited, 1);
}

/* ---------------------------------------------------------------- */
/* fake revokers */

static void t_fake(struct t_thr *me)
{
	struct t_run *r = me->run;
	const struct revocable_ops *ops = r->ops;
	int w = WD_FAKE0 + me->idx;
	u64 s = me->seed;

	while (!READ_ONCE(r->stop)) {
		struct t_res *res[T_FAKE_BATCH];
		int n = (int)t_range(&s, 1, T_FAKE_BATCH), i;

		cond_resched();
		if (t_halted(r))
			continue;
		for (i = 0; i < n; i++) {
			res[i] = t_res_new(r, 0, false);
			me->fk_revs[i] = res[i] ?
				ops->create(res[i], t_release, r) : NULL;
			if (!me->fk_revs[i]) {
				t_fail(r, F_OTHER, "fake revoker %d: create() failed (out of memory?): stopping",
				       me->idx);
				WRITE_ONCE(r->stop, 1);
				kfree(res[i]);
				while (--i >= 0) {
					ops->revoke(me->fk_revs[i]);
					if (r->deferred)
						ops->deferred_barrier();
					ops->destroy(me->fk_revs[i]);
					kfree(res[i]);
				}
				return;
			}
		}
		WRITE_ONCE(me->fk_n, n);
		for (i = 0; i < n; i++) {
			struct rev_handle h = { };
			void *p;

			if (t_rand(&s) & 1)
				continue;
			p = ops->try_access(me->fk_revs[i], &h);
			if (!p)
				t_fail(r, F_OTHER, "fake revoker %d: try_access on a live revocable failed",
				       me->idx);
			else
				ops->release(me->fk_revs[i], &h); /* no revoke: 0 */
		}
		t_wd_begin(r, w, 0);
		if (ops->revoke_many && n > 1 && (t_rand(&s) & 1)) {
			ops->revoke_many(me->fk_revs, n);
			me->fmany++;
		} else {
			for (i = 0; i < n; i++)
				ops->revoke(me->fk_revs[i]);
		}
		t_wd_end(r, w);
		WRITE_ONCE(me->frevokes, me->frevokes + n);
		if (r->deferred) {
			t_wd_begin(r, w, 0);
			ops->deferred_barrier();
			t_wd_end(r, w);
			me->fbarriers++;
		}
		for (i = 0; i < n; i++) {
			struct rev_handle h = { };
			int rel = atomic_read(&res[i]->released);

			if (ops->try_access(me->fk_revs[i], &h)) {
				ops->release(me->fk_revs[i], &h);
				t_fail(r, F_LATE, "fake revoker %d: try_access succeeded after its own revoke returned",
				       me->idx);
			}
			if (rel == 0)
				t_fail(r, F_UNRELEASED, "fake revoker %d: revoke returned, release callback never ran",
				       me->idx);
			ops->destroy(me->fk_revs[i]);
			if (rel)
				kfree(res[i]);	/* else leaked, not freed */
		}
		WRITE_ONCE(me->fk_n, 0);
		if ((t_rand(&s) & 7) == 0)
			usleep_range(10 + t_range(&s, 0, 990), 1000);
	}
}

/* ---------------------------------------------------------------- */
/* kthreads */

static int t_thread_fn(void *data)
{
	struct t_thr *me = data;

	me->body(me);
	complete(&me->done);
	rbk_wait_for_stop();	/* until the control kthread_stop()s us */
	return 0;
}

static int t_start(struct t_thr *t, struct t_run *r, int idx, int role,
		   t_body_fn body, const char *name)
{
	struct task_struct *task;

	t->run = r;
	t->idx = idx;
	t->body = body;
	t->seed = t_mix(r->seed ^ t_name_hash(r->ops->name) ^
			((u64)role << 32) ^ (u64)idx);
	init_completion(&t->done);
	task = kthread_create(t_thread_fn, t, "rbk_t%s/%d", name, idx);
	if (IS_ERR(task)) {
		t_fail(r, F_OTHER, "kthread_create: %ld", PTR_ERR(task));
		return PTR_ERR(task);
	}
	t->task = task;
	t->started = true;
	wake_up_process(task);
	return 0;
}

#define T_FOR_EACH_THR(r, t, i)						\
	for (i = 0; i < (r)->nreaders + (r)->nfake + 2; i++)		\
		if ((t = i < (r)->nreaders ? &(r)->readers[i] :		\
		     i < (r)->nreaders + (r)->nfake ?			\
		     &(r)->fakes[i - (r)->nreaders] :			\
		     i == (r)->nreaders + (r)->nfake ? &(r)->writer :	\
		     &(r)->racer)->started)

/* Shuffle: every torture kthread on every online CPU but cpus[idle]. */
static void t_affinity(struct t_run *r, struct cpumask *mask,
		       const int *cpus, int ncpus, int idle)
{
	struct t_thr *t;
	int i;

	cpumask_clear(mask);
	for (i = 0; i < ncpus; i++)
		if (i != idle && cpu_online(cpus[i]))
			cpumask_set_cpu(cpus[i], mask);
	if (cpumask_empty(mask))
		cpumask_copy(mask, cpu_online_mask);
	T_FOR_EACH_THR(r, t, i)
		if (!READ_ONCE(t->finished))
			set_cpus_allowed_ptr(t->task, mask);
}

/* ---------------------------------------------------------------- */
/* summaries, watchdog */

static void t_summary(struct t_run *r, const char *tag)
{
	unsigned long acc = 0, enodev = 0, retries = 0, spec = 0, sleeps = 0;
	unsigned long stalls = 0, many = 0, lingers = 0, frev = 0, fmany = 0;
	unsigned long pipe[T_PIPE_LEN] = { 0 };
	char pbuf[160], fbuf[200];
	u64 t = t_since(r);
	unsigned long revokes = READ_ONCE(r->revokes);
	long nf = t_nfails(r);
	const char *pfx = nf ? "!!! " : "# ";
	int i, j, off = 0;

	for (i = 0; i < r->nreaders; i++) {
		struct t_thr *x = &r->readers[i];

		acc += READ_ONCE(x->acc);
		enodev += READ_ONCE(x->enodev);
		retries += READ_ONCE(x->retries);
		spec += READ_ONCE(x->spec_poison);
		sleeps += READ_ONCE(x->sleeps);
		stalls += READ_ONCE(x->stalls);
		many += READ_ONCE(x->many);
		lingers += READ_ONCE(x->lingers);
		for (j = 0; j < T_PIPE_LEN; j++)
			pipe[j] += READ_ONCE(x->pipe[j]);
	}
	for (i = 0; i < r->nfake; i++) {
		frev += READ_ONCE(r->fakes[i].frevokes);
		fmany += READ_ONCE(r->fakes[i].fmany);
	}
	for (j = 0; j < T_PIPE_LEN; j++)
		off += scnprintf(pbuf + off, sizeof(pbuf) - off, " %lu", pipe[j]);
	off = 0;
	for (j = 0; j < F_NR; j++)
		off += scnprintf(fbuf + off, sizeof(fbuf) - off, "%s%s %ld",
				 j ? ", " : "", f_names[j],
				 atomic_long_read(&r->fails[j]));
	t_out("%s[%s] %s t=" T_S_FMT "s revokes %lu (mean %llu us, max %llu us) fake-revokes %lu (batched %lu) accesses %lu -ENODEV %lu retries %lu (poison seen speculatively %lu)\n",
	      pfx, r->ops->name, tag, T_S_ARG(t), revokes,
	      revokes ? div_u64(READ_ONCE(r->revoke_sum_ns), revokes * 1000) : 0,
	      div_u64(READ_ONCE(r->revoke_max_ns), 1000), frev, fmany, acc,
	      enodev, retries, spec);
	t_out("%s[%s] %s stalls %lu sleeps %lu many %lu lingers %lu create-races %lu revoke-races %lu stutters %lu shuffles %lu barriers %lu freed %lu quarantined %ld\n",
	      pfx, r->ops->name, tag, stalls, sleeps, many, lingers,
	      READ_ONCE(r->create_races), READ_ONCE(r->revoke_races),
	      READ_ONCE(r->stutters), READ_ONCE(r->shuffles),
	      READ_ONCE(r->barriers), READ_ONCE(r->freed),
	      READ_ONCE(r->q_count));
	t_out("%s[%s] %s pipe:%s | failures %ld: %s\n", pfx, r->ops->name, tag,
	      pbuf, nf, fbuf);
}

static const char *t_wd_who(int i, char *buf, size_t len)
{
	if (i == WD_WRITER)
		return "writer's revoke";
	if (i == WD_RACER)
		return "racer's revoke";
	if (i == WD_BARRIER)
		return "deferred_barrier";
	if (i == WD_TEARDOWN)
		return "stopping the threads";
	snprintf(buf, len, "fake revoker %d", i - WD_FAKE0);
	return buf;
}

static int t_watchdog(void *unused)
{
	while (!READ_ONCE(t_wd_quit) && !kthread_should_stop()) {
		struct t_run *r;
		u64 now;
		int i;

		msleep(20);
		r = smp_load_acquire(&t_cur);
		if (!r)
			continue;
		now = rb_now_ns();
		for (i = 0; i < WD_NR; i++) {
			u64 st = smp_load_acquire(&r->wd[i].start);
			char who[32];

			if (!st || now < st || now - st <= r->wd_bound ||
			    READ_ONCE(r->wd[i].reported) == st)
				continue;
			WRITE_ONCE(r->wd[i].reported, st);
			t_fail(r, F_HANG,
			       "%s (generation %llu) started at t=" T_S_FMT "s and has not returned after " T_S_FMT " s: hung",
			       t_wd_who(i, who, sizeof(who)),
			       READ_ONCE(r->wd[i].gen), T_S_ARG(st - r->t0),
			       T_S_ARG(r->wd_bound));
			t_summary(r, "at watchdog");
		}
	}
	rbk_wait_for_stop();
	return 0;
}

/* ---------------------------------------------------------------- */
/* stopping, unwedging, teardown */

/*
 * Unwedge every round (all readers stopped; the writer and racer at most
 * inside a revoke, and no longer reclaiming: see t_retire()).  The fake
 * revokers' own revocables are left alone: each has one thread, which
 * cannot wedge an SRCU index by itself, and may be destroying them.
 */
static void t_unwedge_all(struct t_run *r)
{
	struct t_round *rd;
	int i, fixed = 0;

	for (i = 0; i < r->nslots; i++)
		fixed += r->ops->unwedge(r->slots[i]->rev);
	if (r->job_round && r->job_state != J_IDLE)
		fixed += r->ops->unwedge(r->job_round->rev);
	for (rd = READ_ONCE(r->ret_head); rd; rd = READ_ONCE(rd->next))
		fixed += r->ops->unwedge(rd->rev);
	r->unwedged += fixed;
	t_out("# [%s] unwedge: %d SRCU counter(s) re-balanced (harness repair of the broken primitive's damage, so the hung revoke can return)\n",
	      r->ops->name, fixed);
}

/* Wait for t's loop to end; true if it did. */
static bool t_wait_done(struct t_thr *t, u64 deadline)
{
	u64 now = rb_now_ns();

	if (t->finished)
		return true;
	if (now < deadline &&
	    wait_for_completion_timeout(&t->done,
					nsecs_to_jiffies(deadline - now) + 1))
		t->finished = true;
	else
		t->finished = try_wait_for_completion(&t->done);
	return t->finished;
}

/* Stop every thread.  False if one is stuck for good (then leaked). */
static bool t_stop_threads(struct t_run *r)
{
	bool readers_done = true, all = true;
	struct t_thr *t;
	u64 deadline;
	int i;

	WRITE_ONCE(r->halt, 0);
	smp_store_release(&r->stop, 1);
	t_wd_begin(r, WD_TEARDOWN, 0);
	/* readers never block for long: a stall is at most 300 ms */
	deadline = rb_now_ns() + r->wd_bound + NSEC_PER_SEC;
	for (i = 0; i < r->nreaders; i++)
		if (r->readers[i].started &&
		    !t_wait_done(&r->readers[i], deadline))
			readers_done = false;
	/* A hang was reported: repair it now rather than wait again. */
	if (readers_done && r->ops->unwedge &&
	    atomic_long_read(&r->fails[F_HANG]))
		t_unwedge_all(r);
	deadline = rb_now_ns() + r->wd_bound + NSEC_PER_SEC;
	T_FOR_EACH_THR(r, t, i)
		if (!t_wait_done(t, deadline))
			all = false;
	if (!all && readers_done && r->ops->unwedge) {
		t_unwedge_all(r);
		deadline = rb_now_ns() + r->wd_bound + NSEC_PER_SEC;
		all = true;
		T_FOR_EACH_THR(r, t, i)
			if (!t_wait_done(t, deadline))
				all = false;
	}
	t_wd_end(r, WD_TEARDOWN);
	if (!all) {
		T_FOR_EACH_THR(r, t, i)
			if (!t->finished)
				t_out("!!! [%s] kthread %s is stuck (in a hung revoke?): it cannot be stopped\n",
				      r->ops->name, t->task->comm);
		return false;
	}
	T_FOR_EACH_THR(r, t, i)
		kthread_stop(t->task);
	return true;
}

/* Revoke what is still live, wait for deferred releases, reclaim. */
static void t_teardown_body(struct t_thr *me)
{
	struct t_run *r = me->run;
	int i;

	if (r->ops->unwedge)
		t_unwedge_all(r);	/* tallies are final: no thread runs */
	for (i = 0; i < r->nslots; i++) {
		struct t_round *rd = r->slots[i];
		u64 dt;

		WRITE_ONCE(rd->revoking, 1);
		t_wd_begin(r, WD_WRITER, rd->gen);
		r->ops->revoke(rd->rev);
		dt = t_wd_end(r, WD_WRITER);
		t_after_revoke(r, rd, dt);
		t_retire(r, rd);
	}
	if (r->deferred)
		t_barrier(r);
	t_reclaim(r);
}

/* Leak a run whose threads cannot be stopped; pin the module. */
static void t_leak(struct t_run *r)
{
	t_out("!!! [%s] the run's threads and memory are leaked; revbench is pinned (rmmod will fail): reboot to unload\n",
	      r->ops->name);
	if (!t_pinned) {
		__module_get(THIS_MODULE);
		t_pinned = true;
	}
}

/* ---------------------------------------------------------------- */
/* one primitive or bug */

/* Returns the failure count; *first is ns to the first failure, or 0. */
static long t_run_one(const struct rbk_config *cfg,
		      const struct revocable_ops *ops, bool is_bug, u64 seed,
		      int nreaders, u64 *first, bool *leaked)
{
	u64 secs = is_bug ? cfg->bug_duration : cfg->duration;
	unsigned int tcg_s = t_tcg_budget(cfg, ops);
	u64 now, next_stat, next_shuffle, phase_end, s;
	int cpus[64], ncpus = 0, idle = 0, i;
	cpumask_var_t mask;
	struct t_thr *td;
	struct t_run *r;
	char caps[96];
	long nf;
	int cpu;

	*first = 0;
	*leaked = false;
	if (is_bug && tcg_s && tcg_s < secs)
		secs = tcg_s;
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r || !zalloc_cpumask_var(&mask, GFP_KERNEL)) {
		kfree(r);
		t_out("!!! [%s] out of memory\n", ops->name);
		return 1;
	}
	r->ops = ops;
	r->cfg = cfg;
	r->is_bug = is_bug;
	r->retry = ops->caps & REV_CAP_RETRY;
	r->deferred = ops->caps & REV_CAP_DEFERRED;
	r->may_sleep = ops->caps & REV_CAP_SLEEP;
	r->pert = (1U << P_NR) - 1;
	r->seed = seed;
	r->wd_bound = (u64)(is_bug ? cfg->bug_watchdog_ms : cfg->watchdog_ms) *
		      NSEC_PER_MSEC;
	r->nreaders = nreaders;
	r->nslots = T_NSLOTS;
	for (i = 0; i < ARRAY_SIZE(t_tuning); i++)
		if (!strcmp(t_tuning[i].name, ops->name)) {
			r->pert = t_tuning[i].pert;
			r->nreaders = min(nreaders, t_tuning[i].readers);
			r->nslots = t_tuning[i].nslots;
		}
	r->nfake = (r->pert & (1U << P_FAKE)) ? T_NFAKE : 0;
	atomic64_set(&r->next_gen, 0);
	atomic64_set(&r->epoch, 1);
	spin_lock_init(&r->q_lock);
	INIT_LIST_HEAD(&r->q_list);
	for_each_online_cpu(cpu)
		if (ncpus < ARRAY_SIZE(cpus))
			cpus[ncpus++] = cpu;
	s = t_mix(seed ^ t_name_hash(ops->name));

	t_out("# [%s] torture: caps %s; %d readers, %d fake revokers, %d slots; %llu s%s; watchdog " T_S_FMT " s; seed %llu; perturbations:",
	      ops->name, rev_caps_str(ops->caps, caps, sizeof(caps)),
	      r->nreaders, r->nfake, r->nslots, secs,
	      is_bug ? " at most (stops at the first failure)" : "",
	      T_S_ARG(r->wd_bound), seed);
	for (i = 0; i < P_NR; i++)
		if (r->pert & (1U << i))
			pr_cont(" %s", p_names[i]);
	pr_cont("\n");
	r->t0 = rb_now_ns();
	for (i = 0; i < r->nslots; i++) {
		r->slots[i] = t_round_new(r);
		if (!r->slots[i]) {
			/* nothing started yet: free what exists */
			while (--i >= 0) {
				r->ops->revoke(r->slots[i]->rev);
				if (r->deferred)
					r->ops->deferred_barrier();
				r->ops->destroy(r->slots[i]->rev);
				kfree(r->slots[i]);
			}
			t_quarantine_drain(r);
			free_cpumask_var(mask);
			kfree(r);
			return 1;
		}
	}
	r->t0 = rb_now_ns();
	r->t_end = r->t0 + secs * NSEC_PER_SEC;
	smp_store_release(&t_cur, r);
	for (i = 0; i < r->nreaders; i++)
		t_start(&r->readers[i], r, i, 1, t_reader, "r");
	for (i = 0; i < r->nfake; i++)
		t_start(&r->fakes[i], r, i, 2, t_fake, "f");
	t_start(&r->racer, r, 0, 3, t_racer, "x");
	t_start(&r->writer, r, 0, 4, t_writer, "w");

	now = rb_now_ns();
	next_stat = now + (u64)cfg->stat_ms * NSEC_PER_MSEC;
	next_shuffle = now + t_range(&s, 200, 1000) * NSEC_PER_MSEC;
	phase_end = now + t_range(&s, 500, 3000) * NSEC_PER_MSEC;
	for (;;) {
		msleep(5);
		now = rb_now_ns();
		if (now >= r->t_end || READ_ONCE(r->stop) || rbk_should_stop() ||
		    atomic_long_read(&r->fails[F_HANG]) ||
		    (is_bug && t_nfails(r)))
			break;
		if ((r->pert & (1U << P_STUTTER)) && now >= phase_end) {
			if (!READ_ONCE(r->halt)) {
				WRITE_ONCE(r->halt, 1);
				r->stutters++;
				phase_end = now + t_range(&s, 20, 300) * NSEC_PER_MSEC;
			} else {
				WRITE_ONCE(r->halt, 0);
				phase_end = now + t_range(&s, 500, 3000) * NSEC_PER_MSEC;
			}
		}
		if ((r->pert & (1U << P_SHUFFLE)) && ncpus > 1 &&
		    now >= next_shuffle) {
			idle = (idle + 1) % (ncpus + 1);	/* ncpus: none */
			t_affinity(r, mask, cpus, ncpus, idle);
			r->shuffles++;
			next_shuffle = now + t_range(&s, 200, 1000) * NSEC_PER_MSEC;
		}
		if (now >= next_stat) {
			t_summary(r, "");
			next_stat = now + (u64)cfg->stat_ms * NSEC_PER_MSEC;
		}
	}

	if (!t_stop_threads(r)) {
		*leaked = true;
	} else {
		/* the teardown revokes are watched too: in a thread of its own */
		td = &r->racer;	/* stopped: reuse its slot for the teardown */
		memset(td, 0, sizeof(*td));
		if (t_start(td, r, 0, 5, t_teardown_body, "d") ||
		    !t_wait_done(td, rb_now_ns() + 2 * r->wd_bound + NSEC_PER_SEC)) {
			t_out("!!! [%s] teardown (revoking the live rounds) did not finish\n",
			      ops->name);
			*leaked = true;
		} else {
			kthread_stop(td->task);
		}
	}
	smp_store_release(&t_cur, NULL);
	msleep(40);	/* the watchdog no longer looks at r */

	if (!*leaked && r->ret_head)
		t_out("!!! [%s] internal: retired rounds left unreclaimed\n",
		      ops->name);
	if (r->unwedged)
		t_out("# [%s] %lu SRCU counter(s) were re-balanced after the hang\n",
		      ops->name, r->unwedged);
	t_summary(r, "final");
	nf = t_nfails(r);
	if (nf)
		*first = atomic64_read(&r->first_fail) - 1;
	if (nf)
		t_out("!!! [%s] FAIL: %ld failures; first-failure-s=" T_S_FMT "%s\n",
		      ops->name, nf, T_S_ARG(*first), is_bug ?
		      " (deliberately broken: failing is what it is for)" : "");
	else
		t_out("# [%s] PASS: " T_S_FMT " s, %lu revokes, no failures%s\n",
		      ops->name, T_S_ARG(t_since(r)), r->revokes, is_bug ?
		      " (deliberately broken, NOT caught this time)" : "");
	if (is_bug && nf) {
		char kinds[120];
		int off = 0, k;

		kinds[0] = '\0';
		for (k = 0; k < F_NR; k++)
			if (atomic_long_read(&r->fails[k]))
				off += scnprintf(kinds + off, sizeof(kinds) - off,
						 "%s%s", off ? "," : "",
						 f_names[k]);
		t_out("# detection: %s " T_S_FMT " s (%s)\n", ops->name,
		      T_S_ARG(*first), kinds);
	}
	free_cpumask_var(mask);
	if (*leaked) {
		t_leak(r);
		return nf ? nf : 1;
	}
	t_quarantine_drain(r);
	kfree(r);
	return nf;
}

/* ---------------------------------------------------------------- */

static bool t_selected_prim(const struct rbk_config *cfg,
			    const struct revocable_ops *ops)
{
	if (!strcmp(cfg->primitive, "all"))
		return !(ops->caps & REV_CAP_BROKEN);
	return !strcmp(cfg->primitive, ops->name) &&
	       !(ops->caps & REV_CAP_BROKEN);
}

static bool t_selected_bug(const struct rbk_config *cfg,
			   const struct revocable_ops *ops)
{
	return !strcmp(cfg->bug, "all") || !strcmp(cfg->bug, ops->name);
}

/* A zoo entry that is not in rev_ops_all[] has not been global_init()ed. */
static bool t_needs_init(const struct revocable_ops *ops)
{
	return rev_ops_find(ops->name) != ops;
}

void rbk_run_torture(const struct rbk_config *cfg, struct rbk_test_summary *sum)
{
	const struct revocable_ops *list[64];
	bool is_bug[64];
	int n = 0, i, nreaders, nbugs = 0;
	struct task_struct *wd;
	u64 seed = cfg->seed;
	bool all_prims = !strcmp(cfg->primitive, "all");

	memset(sum, 0, sizeof(*sum));
	for (i = 0; i < rev_ops_count && n < ARRAY_SIZE(list); i++)
		if (t_selected_prim(cfg, rev_ops_all[i])) {
			is_bug[n] = false;
			list[n++] = rev_ops_all[i];
		}
	/* bug=: the zoo; primitive=NAME of a broken entry also runs as a bug */
	for (i = 0; i < rev_bug_zoo_count && n < ARRAY_SIZE(list); i++)
		if (t_selected_bug(cfg, rev_bug_zoo[i]) ||
		    (!all_prims && !strcmp(cfg->primitive, rev_bug_zoo[i]->name))) {
			is_bug[n] = true;
			list[n++] = rev_bug_zoo[i];
			nbugs++;
		}
	if (!seed)
		seed = (u32)(rb_now_ns() ^ (rb_now_ns() >> 32)) ?: 1;
	nreaders = cfg->threads ? cfg->threads : num_online_cpus() + 1;
	nreaders = min(nreaders, RBK_TORTURE_MAX_READERS);

	pr_info("KTAP version 1\n");
	pr_info("1..%d\n", n);
	pr_info("# revbench torture: %d point(s) (%d bug(s)), %u online CPUs, %d readers + writer + racer + %d fake revokers each; primitives %u s each, bugs at most %u s each (stop at the first failure); watchdog %u ms (bugs %u ms)\n",
		n, nbugs,
		num_online_cpus(), nreaders, T_NFAKE, cfg->duration,
		cfg->bug_duration, cfg->watchdog_ms, cfg->bug_watchdog_ms);
	pr_info("# torture: seed %llu (replay: seed=%llu, on the kernel command line revbench.seed=%llu)\n",
		seed, seed, seed);
	pr_info("# torture: perturbations:");
	for (i = 0; i < P_NR; i++)
		pr_cont(" %s", p_names[i]);
	pr_cont("\n");

	WRITE_ONCE(t_wd_quit, 0);
	wd = kthread_run(t_watchdog, NULL, "rbk_twd");
	if (IS_ERR(wd)) {
		pr_info("# torture: cannot start the watchdog kthread: %ld\n",
			PTR_ERR(wd));
		for (i = 0; i < n; i++)
			pr_info("not ok %d %s\n", i + 1, list[i]->name);
		sum->failed = n;
		return;
	}
	for (i = 0; i < n; i++) {
		const struct revocable_ops *ops = list[i];
		bool leaked = false;
		u64 first;
		long nf;

		if (ops->caps & REV_CAP_UNSAFE && all_prims) {
			pr_warn("revbench: torture %s SKIPPED: unsafe by design\n",
				ops->name);
			pr_info("ok %d %s # SKIP unsafe by design (no protection against revoke): name it with primitive=%s to watch it fail\n",
				i + 1, ops->name, ops->name);
			sum->skipped++;
			continue;
		}
		if (rbk_should_stop()) {
			pr_info("ok %d %s # SKIP run stopped (module unloading or debugfs stop)\n",
				i + 1, ops->name);
			sum->skipped++;
			continue;
		}
		if (t_needs_init(ops) && ops->global_init &&
		    ops->global_init()) {
			pr_info("# %s: global_init failed\n", ops->name);
			pr_info("not ok %d %s\n", i + 1, ops->name);
			sum->failed++;
			continue;
		}
		nf = t_run_one(cfg, ops, is_bug[i], seed, nreaders, &first,
			       &leaked);
		if (t_needs_init(ops) && ops->global_exit && !leaked)
			ops->global_exit();
		if (is_bug[i]) {
			if (nf) {
				pr_info("ok %d %s # caught after " T_S_FMT " s\n",
					i + 1, ops->name, T_S_ARG(first));
				sum->passed++;
			} else if (t_tcg_budget(cfg, ops)) {
				pr_warn("revbench: torture %s NOT CAUGHT under TCG emulation: SKIPPED\n",
					ops->name);
				pr_info("ok %d %s # SKIP not caught in %u s under qemu TCG (env=kernel-tcg): its race window is rarely hit at emulation speed; on hardware run insmod revbench.ko mode=torture primitive= bug=%s\n",
					i + 1, ops->name,
					min(t_tcg_budget(cfg, ops), cfg->bug_duration),
					ops->name);
				sum->skipped++;
			} else {
				pr_info("# %s: deliberately broken, NOT caught within %u s\n",
					ops->name, cfg->bug_duration);
				pr_info("not ok %d %s\n", i + 1, ops->name);
				sum->failed++;
			}
		} else if (nf) {
			pr_info("not ok %d %s\n", i + 1, ops->name);
			sum->failed++;
		} else {
			pr_info("ok %d %s\n", i + 1, ops->name);
			sum->passed++;
		}
	}
	WRITE_ONCE(t_wd_quit, 1);
	kthread_stop(wd);
	pr_info("# torture: %d passed, %d failed, %d skipped; seed %llu\n",
		sum->passed, sum->failed, sum->skipped, seed);
}
