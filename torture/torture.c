// SPDX-License-Identifier: GPL-2.0
/*
 * torture.c - the torture core: rounds, reclamation, the oracle and the
 * pipe, the reader, writer, racer and fake-revoker bodies, the phase and
 * perturbation schedule, the summaries.  What it does and what counts as a
 * failure: torture.h.  Kernel style over compat.h only; the environment
 * (threads' CPUs, printing, stopping) comes in through struct torture_env.
 *
 * Ordering: the harness's own flags are READ_ONCE/WRITE_ONCE; whatever
 * hands plain data to another thread (a published round, a racer job, a
 * reader's pin, a thread's "done") is a store-release read with a
 * load-acquire, so ThreadSanitizer, which ignores fences, sees every edge
 * it needs in the userspace build.
 */
#include "torture.h"

#define T_WORDS			8
#define T_PRINT_MAX		5	/* failures printed per kind */
#define T_PIPE_LEN		10	/* rcutorture's RCU_TORTURE_PIPE_LEN */
#define T_FAKE_BATCH		8
#define T_BARRIER_EVERY		32	/* retired rounds per deferred_barrier */
#define T_LINGER_MAX		4	/* lingering accesses per round */
#define T_MS			1000000ULL
#define T_SEC			1000000000ULL
/*
 * The waits that are slow under qemu TCG: the watchdog bound, but never
 * under 30 s.  A CPU hotplug transition (stop_machine()), and a hung
 * revoke after the unwedge repaired it (SRCU polls a stuck grace period
 * with growing delays); the bug zoo's 2 s bound is for revokes.
 */
#define T_SLOW_BOUND(r)		max_t(u64, (r)->wd_bound, 30 * T_SEC)

#define T_LIVE			0x4c4956455245534fULL	/* "LIVERESO" */
#define T_POISON		0x6b6b6b6b6b6b6b6bULL	/* POISON_FREE */

const char *const torture_perturb_names[TORTURE_P_NR] = {
	"delay", "sleep", "stall", "fake-revokers", "shuffle", "stutter",
	"quiet", "create-race", "revoke-race", "many-handles", "linger",
	"revoke-many", "irq",
};

const char *const torture_fail_names[TORTURE_F_NR] = {
	"late", "overtaken", "poison", "double-release", "never-released",
	"hang", "other", "checker",
};

int torture_perturb_find(const char *name)
{
	int i;

	for (i = 0; i < TORTURE_P_NR; i++)
		if (!strcmp(name, torture_perturb_names[i]))
			return i;
	return -1;
}

struct t_run;

struct t_res {
	u64 magic;
	u64 gen;
	u64 words[T_WORDS];
	atomic_t released;	/* release callback runs */
	struct t_res *qnext;	/* the quarantine, oldest first */
};

struct t_round {
	struct revocable *rev;
	struct t_res *res;
	u64 gen;
	int revoking;		/* a revoke of this round has been called */
	int revoked;		/* a revoke of it has returned */
	int pipe;		/* 0 live, 1 revoked, +1 per later retirement */
	atomic_t lingerers;	/* accesses that lingered in its revoke */
	u64 retire_epoch;	/* epoch counter at the retirement */
	u64 barrier_seq;	/* deferred_barrier()s done at retirement */
	struct t_round *next;	/* retired list */
};

/* One torture thread.  Counters are written by the owner only. */
struct t_thr {
	struct t_run *run;
	void (*body)(struct t_thr *me);
	struct rb_thread *th;
	char name[16];
	int idx;
	u64 seed;
	int done;		/* body returned */
	int want_only;		/* set_cpus() wish, from the control loop */
	unsigned int aff_seen;	/* the run's aff_gen last applied */
	u64 pin;		/* readers: epoch while accessing, else 0 */
	u64 next_stall;
	unsigned long acc, enodev, retries, spec_poison, sleeps, stalls;
	unsigned long many, lingers, frevokes, fmany;
	unsigned long xrel, missed;	/* irq: cross-context, CPU offline */
	unsigned long pipe[T_PIPE_LEN];
} ____cacheline_aligned;

enum { J_IDLE, J_POSTED, J_READY, J_GO, J_DONE };
enum { JOB_CREATE = 1, JOB_REVOKE };

/* Watchdog entries: a start time while a revoke, barrier or stop runs. */
enum { WD_WRITER, WD_RACER, WD_BARRIER, WD_STOP, WD_ONOFF, WD_FAKE0,
       WD_NR = WD_FAKE0 + TORTURE_MAX_FAKE };
struct t_wd {
	u64 start;		/* rb_now_ns(), 0 when idle */
	u64 gen;
	u64 reported;		/* the start already reported as a hang */
	const char *what;
};

struct t_run {
	void *mem;		/* what rb_zalloc() returned */
	const struct torture_env *env;
	const struct revocable_ops *ops;
	const struct torture_cfg *cfg;
	bool retry, deferred, may_sleep, batch;
	bool irq, xrel, hotplug;	/* irq readers, crossing contexts, onoff */
	unsigned int pert;	/* the perturbations that apply */
	u64 wd_bound;		/* ns */
	int nreaders, nfake;
	struct t_round *slots[TORTURE_NSLOTS];
	atomic_long_t next_gen;
	atomic_long_t epoch;
	int stop, halt, quiet, stalling, writer_exited, wd_quit;
	unsigned int aff_gen;	/* bumped when a thread must move */
	int aff_idle;		/* set_cpus() idle argument */
	int shuffle_idle;	/* 0..ncpus (ncpus: none idle) */
	u64 t0, t_end;
	atomic_long_t fails[TORTURE_F_NR];
	atomic_long_t first_fail;	/* ns since t0, + 1; 0: none yet */
	/* writer statistics (writer-owned, then the teardown's) */
	unsigned long revokes, batched, create_races, revoke_races;
	unsigned long barriers, freed, leaked;
	u64 revoke_max_ns, revoke_sum_ns;
	/* control statistics */
	unsigned long stutters, quiets, shuffles, unwedged;
	/* the onoff thread's */
	unsigned long offlines, onlines, onoff_busy;
	u64 onoff_max_ns;
	bool checker_was_off;	/* env->checker_fired() before the start */
	/* racer job, see t_writer_race() */
	int job_state, job_kind, job_slot;
	struct t_round *job_round;
	/* retired rounds, the quarantine: the writer's, then the teardown's */
	struct t_round *ret_head, *ret_tail;
	u64 barrier_seq;
	unsigned long since_barrier;
	struct t_res *q_head, *q_tail;
	long q_count;
	struct t_wd wd[WD_NR];
	struct t_thr readers[TORTURE_MAX_READERS];
	struct t_thr fakes[TORTURE_MAX_FAKE];
	struct t_thr writer, racer, teardown, watchdog;
	struct t_thr tmr;	/* the hrtimer's accesses (no thread) */
	struct t_thr ipi, onoff;
};

/* ---- small helpers ---- */

/*
 * Everything that accesses the slots and pins an epoch: the reader
 * threads, the hrtimer's accesses, the ipi thread (whose pin covers the
 * handlers it waits for).
 */
static int t_nacc(const struct t_run *r)
{
	return r->nreaders + 2;
}

static struct t_thr *t_acc_at(struct t_run *r, int i)
{
	if (i < r->nreaders)
		return &r->readers[i];
	return i == r->nreaders ? &r->tmr : &r->ipi;
}

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
	return lo + t_rand(s) % (hi - lo + 1);
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
		rb_yield();
}

#define t_pr(r, fmt, ...)	(r)->env->out(fmt, ##__VA_ARGS__)
/* A line that reports no failure. */
#define t_info(r, fmt, ...)						\
	t_pr(r, "%s[%s] " fmt "\n", (r)->env->pfx, (r)->ops->name,	\
	     ##__VA_ARGS__)
#define t_log(r, fmt, ...)						\
	do {								\
		if ((r)->cfg->verbose)					\
			t_pr(r, "# [%s] t=" TORTURE_S_FMT "s " fmt "\n", \
			     (r)->ops->name, TORTURE_S_ARG(t_since(r)),	\
			     ##__VA_ARGS__);				\
	} while (0)

/* Append to a fixed buffer; never past its end. */
#define t_cat(buf, off, fmt, ...)					\
	do {								\
		if ((off) < sizeof(buf))				\
			(off) += snprintf((buf) + (off), sizeof(buf) - (off), \
					  fmt, ##__VA_ARGS__);		\
		if ((off) >= sizeof(buf))				\
			(off) = sizeof(buf) - 1;			\
	} while (0)

static long t_nfails(struct t_run *r)
{
	long n = 0;
	int i;

	for (i = 0; i < TORTURE_F_NR; i++)
		n += atomic_long_read(&r->fails[i]);
	return n;
}

/*
 * Count a failure; true if it is to be printed.  No sleeping: the release
 * callback calls it from wherever the primitive runs it.
 */
static bool t_fail_count(struct t_run *r, int kind, u64 *t)
{
	long n = atomic_long_inc_return(&r->fails[kind]);

	*t = t_since(r);
	atomic_long_cmpxchg(&r->first_fail, 0, (long)*t + 1);
	if (n < T_PRINT_MAX)
		return true;
	if (n == T_PRINT_MAX)
		t_pr(r, "!!! [%s] t=" TORTURE_S_FMT "s %s: more failures of this kind are counted, not printed\n",
		     r->ops->name, TORTURE_S_ARG(*t), torture_fail_names[kind]);
	return false;
}

#define t_fail(r, kind, fmt, ...)					\
	do {								\
		u64 __t;						\
									\
		if (t_fail_count((r), (kind), &__t))			\
			t_pr(r, "!!! [%s] t=" TORTURE_S_FMT "s %s: " fmt "\n", \
			     (r)->ops->name, TORTURE_S_ARG(__t),	\
			     torture_fail_names[kind], ##__VA_ARGS__);	\
	} while (0)

/* ---- resources, rounds, reclamation ---- */

static inline u64 t_stamp(u64 gen, int i)
{
	return T_LIVE ^ (gen * 0x100000001b3ULL) ^ (u64)i;
}

/* How often the release callback ran (acquire: its poison is visible). */
static int t_released(struct t_res *x)
{
	return smp_load_acquire(&x->released.counter);
}

/* The release callback: count, poison.  arg is the run. */
static void t_release(void *res, void *arg)
{
	struct t_res *x = res;
	struct t_run *r = arg;
	int n = atomic_inc_return(&x->released);
	int i;

	if (n > 1) {
		t_fail(r, TORTURE_F_DOUBLE,
		       "generation %llu: release callback ran %d times",
		       (unsigned long long)x->gen, n);
		return;
	}
	WRITE_ONCE(x->magic, T_POISON);
	for (i = 0; i < T_WORDS; i++)
		WRITE_ONCE(x->words[i], T_POISON);
}

static struct t_res *t_res_new(u64 gen)
{
	struct t_res *x = rb_zalloc(sizeof(*x));
	int i;

	if (!x)
		return NULL;
	x->gen = gen;
	for (i = 0; i < T_WORDS; i++)
		WRITE_ONCE(x->words[i], t_stamp(gen, i));
	smp_store_release(&x->magic, T_LIVE);
	return x;
}

/* A fresh round, not yet published.  NULL: the run is stopping. */
static struct t_round *t_round_new(struct t_run *r)
{
	struct t_round *rd = rb_zalloc(sizeof(*rd));

	if (!rd)
		goto fail;
	rd->gen = atomic_long_inc_return(&r->next_gen);
	rd->res = t_res_new(rd->gen);
	if (!rd->res)
		goto fail;
	rd->rev = r->ops->create(rd->res, t_release, r);
	if (!rd->rev)
		goto fail;
	return rd;
fail:
	if (rd)
		rb_free(rd->res);
	rb_free(rd);
	t_fail(r, TORTURE_F_OTHER, "create() failed (out of memory?): stopping");
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

/* A released resource no reader can reach: kept a while, then freed. */
static void t_quarantine(struct t_run *r, struct t_res *x)
{
	x->qnext = NULL;
	if (r->q_tail)
		r->q_tail->qnext = x;
	else
		r->q_head = x;
	r->q_tail = x;
	if (++r->q_count > TORTURE_QUARANTINE) {
		x = r->q_head;
		r->q_head = x->qnext;
		r->q_count--;
		rb_free(x);
	}
}

static void t_quarantine_drain(struct t_run *r)
{
	struct t_res *x;

	while ((x = r->q_head)) {
		r->q_head = x->qnext;
		rb_free(x);
	}
	r->q_tail = NULL;
	r->q_count = 0;
}

/* Free a retired round: its release must have run. */
static void t_round_free(struct t_run *r, struct t_round *rd)
{
	int rel = t_released(rd->res);

	if (!rel) {
		t_fail(r, TORTURE_F_UNRELEASED,
		       "generation %llu: release callback never ran (revoke%s returned)",
		       (unsigned long long)rd->gen,
		       r->deferred ? " and deferred_barrier" : "");
		WRITE_ONCE(r->leaked, r->leaked + 1);	/* a late release */
	}
	r->ops->destroy(rd->rev);
	if (rel)
		t_quarantine(r, rd->res);
	rb_free(rd);
	WRITE_ONCE(r->freed, r->freed + 1);
}

/* Epoch-based reclamation of the retired list (writer, then teardown). */
static void t_reclaim(struct t_run *r)
{
	u64 min = ~0ULL;
	struct t_round *rd;
	int i;

	smp_mb(); /* the slot stores and the epoch before the pins (t_reader) */
	for (i = 0; i < t_nacc(r); i++) {
		u64 p = smp_load_acquire(&t_acc_at(r, i)->pin);

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

static void t_wd_begin(struct t_run *r, int w, u64 gen, const char *what)
{
	WRITE_ONCE(r->wd[w].gen, gen);
	WRITE_ONCE(r->wd[w].what, what);
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
	t_wd_begin(r, WD_BARRIER, 0, "deferred_barrier");
	r->ops->deferred_barrier();
	t_wd_end(r, WD_BARRIER);
	r->barrier_seq++;
	WRITE_ONCE(r->barriers, r->barriers + 1);
	r->since_barrier = 0;
}

/* rd's revoke has returned and no reader can load it from a slot now. */
static void t_retire(struct t_run *r, struct t_round *rd)
{
	struct t_round *p;

	/* rcutorture's pipe: every round already retired ages by one. */
	for (p = r->ret_head; p; p = p->next)
		if (p->pipe < 1000)
			WRITE_ONCE(p->pipe, p->pipe + 1);
	rd->retire_epoch = atomic_long_fetch_add(1, &r->epoch);	/* ordered */
	rd->barrier_seq = r->barrier_seq;
	rd->next = NULL;
	/* Release: t_unwedge_all() may be walking the list. */
	if (r->ret_tail)
		smp_store_release(&r->ret_tail->next, rd);
	else
		smp_store_release(&r->ret_head, rd);
	r->ret_tail = rd;
	if (r->deferred && ++r->since_barrier >= T_BARRIER_EVERY)
		t_barrier(r);
	/* Once the run is stopping, the teardown reclaims. */
	if (!READ_ONCE(r->stop))
		t_reclaim(r);
}

/* ---- every torture thread ---- */

/* Move if the control loop said so; a scheduling point. */
static void t_tick(struct t_thr *me)
{
	struct t_run *r = me->run;
	unsigned int g = smp_load_acquire(&r->aff_gen);

	if (g != me->aff_seen) {
		me->aff_seen = g;
		if (r->env->set_cpus)
			r->env->set_cpus(READ_ONCE(me->want_only),
					 READ_ONCE(r->aff_idle));
	}
	if (r->env->resched)
		r->env->resched();
}

/* Stutter's halt (and, for idle_when_quiet threads, a quiet phase). */
static bool t_halted(struct t_run *r, bool idle_when_quiet)
{
	if (!READ_ONCE(r->halt) &&
	    !(idle_when_quiet && READ_ONCE(r->quiet)))
		return false;
	rb_sleep_us(1000);
	return true;
}

/* ---- readers ---- */

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
	a->rd = smp_load_acquire(&r->slots[slot]);
	a->was_revoked = smp_load_acquire(&a->rd->revoked);
	memset(&a->h, 0, sizeof(a->h));	/* no stale handle contents */
	a->p = r->ops->try_access(a->rd->rev, &a->h);
	if (!a->p) {
		WRITE_ONCE(me->enodev, me->enodev + 1);
		return false;
	}
	a->bad = t_check(a->rd, a->p);
	/*
	 * linger: got in while a revoke of this round is under way?  Stay a
	 * while: a correct revoke waits for us; one that missed us (through a
	 * window of a few nanoseconds) now returns and releases under us.
	 * The first few such accesses only: a primitive that lets readers in
	 * while its revoke waits (refcount, a reader-preferring rwsem) would
	 * otherwise be starved by the harness, not by its design.
	 */
	if ((r->pert & (1U << TORTURE_P_LINGER)) &&
	    READ_ONCE(a->rd->revoking) &&
	    atomic_inc_return(&a->rd->lingerers) <= T_LINGER_MAX) {
		WRITE_ONCE(me->lingers, me->lingers + 1);
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
	unsigned long long gen = a->rd->gen;
	int rc = r->ops->release(a->rd->rev, &a->h);

	if (rc == -EAGAIN && r->retry) {
		/* Speculation overtaken: nothing read may be acted on. */
		WRITE_ONCE(me->retries, me->retries + 1);
		if (bad)
			WRITE_ONCE(me->spec_poison, me->spec_poison + 1);
		return rc;
	}
	if (rc) {
		t_fail(r, TORTURE_F_OTHER,
		       "generation %llu: release() returned %d", gen, rc);
		return 0;
	}
	WRITE_ONCE(me->acc, me->acc + 1);
	pipe = min_t(int, pipe, T_PIPE_LEN - 1);
	WRITE_ONCE(me->pipe[pipe], me->pipe[pipe] + 1);
	if (a->was_revoked)
		t_fail(r, TORTURE_F_LATE,
		       "generation %llu: try_access succeeded although revoke had returned before it started",
		       gen);
	if (bad == 1)
		t_fail(r, TORTURE_F_POISON,
		       "generation %llu: a validated access read poison: released under its reader",
		       gen);
	else if (bad)
		t_fail(r, TORTURE_F_POISON,
		       "generation %llu: a validated access read a corrupt stamp or another resource",
		       gen);
	if (revoked && !r->deferred) {
		if (r->retry)
			t_fail(r, TORTURE_F_OVERTAKEN,
			       "generation %llu: access validated (release()==0) although revoke returned before the re-check",
			       gen);
		else
			t_fail(r, TORTURE_F_OVERTAKEN,
			       "generation %llu: revoke returned while this access was still held",
			       gen);
	}
	return 0;
}

/* Inside the critical section: delays, sleeps, stalls (none when quiet). */
static void t_inside(struct t_run *r, struct t_thr *me, u64 *s, bool quiet)
{
	u64 x = t_rand(s), ms;

	if (quiet)
		return;
	if (r->pert & (1U << TORTURE_P_DELAY)) {
		if ((x & 15) == 0) {
			unsigned int n = (x >> 8) & 255;

			while (n--)
				cpu_relax();
		} else if ((x & 1023) == 1) {
			t_spin_ns(1000 * t_range(s, 1, 50));
		}
	}
	if (r->may_sleep && (r->pert & (1U << TORTURE_P_SLEEP)) &&
	    ((x >> 20) & 2047) == 0) {
		WRITE_ONCE(me->sleeps, me->sleeps + 1);
		rb_sleep_us((unsigned int)t_range(s, 1, 200));
	}
	if (!(r->pert & (1U << TORTURE_P_STALL)) || ((x >> 40) & 255) ||
	    rb_now_ns() < me->next_stall || cmpxchg(&r->stalling, 0, 1))
		return;
	if (r->may_sleep && r->hotplug) {
		/* asleep across a CPU going offline, at most 1 s */
		unsigned long off = READ_ONCE(r->offlines);
		u64 end = rb_now_ns() + T_SEC;

		t_log(r, "reader %d stalls (sleeping) inside its access until a CPU goes offline",
		      me->idx);
		while (READ_ONCE(r->offlines) == off && rb_now_ns() < end &&
		       !READ_ONCE(r->stop))
			rb_sleep_us(1000);
	} else if (r->may_sleep) {
		ms = t_range(s, 20, 300);
		t_log(r, "reader %d stalls (sleeping) %llu ms inside its access",
		      me->idx, (unsigned long long)ms);
		rb_sleep_us((unsigned int)(ms * 1000));
	} else {
		ms = t_range(s, 5, 50);
		t_log(r, "reader %d stalls (spinning) %llu ms inside its access",
		      me->idx, (unsigned long long)ms);
		t_spin_ns(ms * T_MS);
	}
	WRITE_ONCE(me->stalls, me->stalls + 1);
	smp_store_release(&r->stalling, 0);
	me->next_stall = rb_now_ns() + t_range(s, 1000, 4000) * T_MS;
}

/* One access; a quiet phase's readers all use slot 0. */
static void t_access_one(struct t_run *r, struct t_thr *me, u64 *s,
			 bool quiet)
{
	int slot = quiet ? 0 : (int)(t_rand(s) % TORTURE_NSLOTS);
	struct t_acc a;

	do {
		if (!t_get(r, me, &a, slot, s))
			return;
		t_inside(r, me, s, quiet);
	} while (t_put(r, me, &a) == -EAGAIN);
}

/* Every slot at once, in slot order (see torture.h), released shuffled. */
static void t_access_many(struct t_run *r, struct t_thr *me, u64 *s)
{
	struct t_acc a[TORTURE_NSLOTS];
	int held[TORTURE_NSLOTS], nheld = 0, i, j, t;

	WRITE_ONCE(me->many, me->many + 1);
	for (i = 0; i < TORTURE_NSLOTS; i++) {
		if (t_get(r, me, &a[nheld], i, s)) {
			held[nheld] = nheld;
			nheld++;
		}
	}
	t_inside(r, me, s, false);
	for (i = nheld - 1; i > 0; i--) {
		j = (int)(t_rand(s) % (u64)(i + 1));
		t = held[i];
		held[i] = held[j];
		held[j] = t;
	}
	for (i = 0; i < nheld; i++)
		t_put(r, me, &a[held[i]]);	/* -EAGAIN: counted, no retry */
}

static void t_reader(struct t_thr *me)
{
	struct t_run *r = me->run;
	u64 s = me->seed;

	me->next_stall = rb_now_ns() + t_range(&s, 500, 3000) * T_MS;
	while (!READ_ONCE(r->stop)) {
		bool quiet;

		t_tick(me);
		if (t_halted(r, false))
			continue;
		quiet = READ_ONCE(r->quiet);
		smp_store_release(&me->pin, (u64)atomic_long_read(&r->epoch));
		smp_mb(); /* the pin before loading a slot (pairs t_reclaim()) */
		if (!quiet && (r->pert & (1U << TORTURE_P_MANY)) &&
		    (t_rand(&s) & 255) == 0)
			t_access_many(r, me, &s);
		else
			t_access_one(r, me, &s, quiet);
		smp_store_release(&me->pin, 0);
	}
}

/* ---- hardirq-context readers (the irq perturbation) ---- */

/*
 * One access inside a handler: no sleep, no stall, a short spin at most
 * (and t_get()'s linger).  A REV_CAP_RETRY access retries in place.
 */
static void t_irq_access(struct t_run *r, struct t_thr *me, u64 *s)
{
	bool quiet = READ_ONCE(r->quiet);
	int slot = quiet ? 0 : (int)(t_rand(s) % TORTURE_NSLOTS);
	struct t_acc a;
	unsigned int n;

	do {
		if (!t_get(r, me, &a, slot, s))
			return;
		for (n = quiet ? 0 : (unsigned int)(t_rand(s) & 127); n; n--)
			cpu_relax();
	} while (t_put(r, me, &a) == -EAGAIN);
}

/*
 * No handler makes an access once the environment's checker has
 * reported: a lockdep report of a lock taken in hardirq (bug-irq-rwlock)
 * may be one interrupt away from a deadlock.
 */
static bool t_irq_off(struct t_run *r)
{
	return r->env->checker_fired && !r->checker_was_off &&
	       r->env->checker_fired();
}

/* Pin the epoch around accesses, as t_reader() does. */
static void t_irq_pin(struct t_run *r, struct t_thr *me)
{
	smp_store_release(&me->pin, (u64)atomic_long_read(&r->epoch));
	smp_mb(); /* the pin before loading a slot (pairs t_reclaim()) */
}

/* The hrtimer's callback (hardirq): one access; the next in ns. */
static u64 t_irq_timer(void *arg)
{
	struct t_run *r = arg;
	struct t_thr *me = &r->tmr;

	if (READ_ONCE(r->stop))
		return 0;
	if (!READ_ONCE(r->halt) && !t_irq_off(r)) {
		t_irq_pin(r, me);
		t_irq_access(r, me, &me->seed);
		smp_store_release(&me->pin, 0);
	}
	return 1000 * t_range(&me->seed, 50, 500);
}

/*
 * What the ipi thread asks of a handler: a whole access, or one half of
 * an access that crosses contexts (the other half elsewhere).
 */
struct t_ipi_job {
	struct t_run *r;
	struct t_acc a;
	u64 *s;
	int slot;
	bool got;
	int rc;
};

static void t_ipi_whole(void *arg)
{
	struct t_ipi_job *j = arg;

	t_irq_access(j->r, &j->r->ipi, j->s);
}

static void t_ipi_get(void *arg)
{
	struct t_ipi_job *j = arg;

	j->got = t_get(j->r, &j->r->ipi, &j->a, j->slot, j->s);
}

/* A crossed access's release: -EAGAIN (RETRY) is counted, not retried. */
static void t_ipi_put(void *arg)
{
	struct t_ipi_job *j = arg;

	j->rc = t_put(j->r, &j->r->ipi, &j->a);
}

/* Is CPU index cpu online (as far as the environment can tell)? */
static bool t_cpu_up(struct t_run *r, int cpu)
{
	return !r->env->cpu_online || r->env->cpu_online(cpu);
}

/*
 * An online CPU index other than cpu (cpu itself with one CPU), for a
 * handler: the first one online after a random start.
 */
static int t_other_cpu(struct t_run *r, u64 *s, int cpu)
{
	int n = r->env->ncpus, i, c;

	if (n < 2)
		return cpu;
	for (i = 0, c = (int)t_range(s, 0, n - 2); i < n - 1; i++, c++)
		if (t_cpu_up(r, (cpu + 1 + c % (n - 1)) % n))
			break;
	return (cpu + 1 + c % (n - 1)) % n;
}

/*
 * One access crossing contexts (REV_CAP_XRELEASE): mode 1 takes it in a
 * handler on cpu and releases it in a handler on another CPU, mode 2
 * takes it in a handler and releases it here, mode 3 takes it here and
 * releases it in a handler.  A release whose handler cannot run (CPU
 * offline) runs here.
 */
static void t_ipi_cross(struct t_run *r, struct t_thr *me, u64 *s, int cpu,
			int mode)
{
	struct t_ipi_job j = { .r = r, .s = s };
	const struct torture_env *env = r->env;

	j.slot = READ_ONCE(r->quiet) ? 0 : (int)(t_rand(s) % TORTURE_NSLOTS);
	if (mode == 3) {
		j.got = t_get(r, me, &j.a, j.slot, s);
	} else if (env->irq_call(cpu, t_ipi_get, &j)) {
		WRITE_ONCE(me->missed, me->missed + 1);
		return;
	}
	if (!j.got)
		return;
	t_spin_ns(1000 * t_range(s, 0, 20));	/* held across contexts */
	if (mode == 2 || env->irq_call(mode == 1 ? t_other_cpu(r, s, cpu) :
				       cpu, t_ipi_put, &j)) {
		if (mode != 2)
			WRITE_ONCE(me->missed, me->missed + 1);
		t_ipi_put(&j);
	}
	WRITE_ONCE(me->xrel, me->xrel + 1);
}

/* The ipi thread: has handlers on other CPUs make accesses, and waits. */
static void t_ipi(struct t_thr *me)
{
	struct t_run *r = me->run;
	u64 s = me->seed, x;

	while (!READ_ONCE(r->stop)) {
		int cpu = t_other_cpu(r, &s, (int)t_range(&s, 0,
							 r->env->ncpus - 1));
		int mode = r->xrel ? (int)(t_rand(&s) & 3) : 0;
		struct t_ipi_job j = { .r = r, .s = &s };
		unsigned long missed = me->missed;

		t_tick(me);
		if (t_halted(r, false))
			continue;
		if (t_irq_off(r)) {
			rb_sleep_us(1000);
			continue;
		}
		t_irq_pin(r, me);
		if (mode)
			t_ipi_cross(r, me, &s, cpu, mode);
		else if (r->env->irq_call(cpu, t_ipi_whole, &j))
			WRITE_ONCE(me->missed, me->missed + 1);
		smp_store_release(&me->pin, 0);
		x = t_rand(&s);
		if (me->missed != missed)	/* a CPU went offline: no spinning */
			rb_sleep_us(100);
		else if (!READ_ONCE(r->quiet) && (x & 7) == 0)
			rb_sleep_us(1 + (unsigned int)((x >> 8) % 100));
	}
}

/* ---- CPU hotplug (onoff) ---- */

static void t_onoff_one(struct t_run *r, int cpu, bool online)
{
	u64 dt;
	int rc;

	t_wd_begin(r, WD_ONOFF, (u64)cpu, online ? "taking a CPU online" :
		   "taking a CPU offline");
	rc = r->env->cpu_set_online(cpu, online);
	dt = t_wd_end(r, WD_ONOFF);
	if (rc) {
		WRITE_ONCE(r->onoff_busy, r->onoff_busy + 1);
		t_log(r, "onoff: CPU index %d %s refused: %d", cpu,
		      online ? "online" : "offline", rc);
		return;
	}
	if (online)
		WRITE_ONCE(r->onlines, r->onlines + 1);
	else
		WRITE_ONCE(r->offlines, r->offlines + 1);
	if (dt > r->onoff_max_ns)
		WRITE_ONCE(r->onoff_max_ns, dt);
	t_log(r, "onoff: CPU index %d %s in %llu us", cpu,
	      online ? "online" : "offline", (unsigned long long)(dt / 1000));
}

/*
 * Every onoff_ns (+0-50 %) toggle a random CPU but the first; at the end
 * every CPU it took offline comes back.
 */
static void t_onoff(struct t_thr *me)
{
	struct t_run *r = me->run;
	u64 s = me->seed, next;
	int cpu;

	next = rb_now_ns() + r->cfg->onoff_ns;
	while (!READ_ONCE(r->stop)) {
		if (rb_now_ns() < next) {
			rb_sleep_us(2000);
			continue;
		}
		cpu = (int)t_range(&s, 1, r->env->ncpus - 1);
		t_onoff_one(r, cpu, !r->env->cpu_online(cpu));
		next = rb_now_ns() + r->cfg->onoff_ns +
		       t_range(&s, 0, r->cfg->onoff_ns / 2);
	}
	for (cpu = 1; cpu < r->env->ncpus; cpu++) {
		int tries = 0;

		while (!r->env->cpu_online(cpu) && tries++ < 20) {
			t_onoff_one(r, cpu, true);
			if (!r->env->cpu_online(cpu))
				rb_sleep_us(10000);
		}
		if (!r->env->cpu_online(cpu))
			t_fail(r, TORTURE_F_OTHER,
			       "onoff: CPU index %d could not be brought back online",
			       cpu);
	}
}

/* ---- writer and racer ---- */

/*
 * A revoke of rd has returned (the writer's, the racer's, or one
 * revoke_many() covering it): from now on the round is revoked - an
 * access still held, or validated after this, is overtaken - and its
 * release has run (DEFERRED: has been queued).
 */
static void t_revoke_returned(struct t_run *r, struct t_round *rd,
			      const char *who)
{
	WRITE_ONCE(rd->pipe, 1);
	smp_store_release(&rd->revoked, 1);
	if (!r->deferred && !t_released(rd->res))
		t_fail(r, TORTURE_F_UNRELEASED,
		       "generation %llu: %s returned but the release callback has not run",
		       (unsigned long long)rd->gen, who);
}

/* The writer's statistics: n revocables revoked in dt ns. */
static void t_revoke_stats(struct t_run *r, int n, u64 dt)
{
	WRITE_ONCE(r->revokes, r->revokes + n);
	WRITE_ONCE(r->revoke_sum_ns, r->revoke_sum_ns + dt);
	if (dt > r->revoke_max_ns)
		WRITE_ONCE(r->revoke_max_ns, dt);
}

/* The writer revokes rd (live in a slot, or never published). */
static void t_revoke_round(struct t_run *r, struct t_round *rd)
{
	u64 dt;

	WRITE_ONCE(rd->revoking, 1);
	t_wd_begin(r, WD_WRITER, rd->gen, "writer's revoke");
	r->ops->revoke(rd->rev);
	dt = t_wd_end(r, WD_WRITER);
	t_revoke_returned(r, rd, "revoke");
	t_revoke_stats(r, 1, dt);
}

static bool t_revoke_one(struct t_run *r, int slot)
{
	struct t_round *old = READ_ONCE(r->slots[slot]);
	struct t_round *nw = t_round_new(r);

	if (!nw)
		return false;
	t_revoke_round(r, old);
	smp_store_release(&r->slots[slot], nw);
	t_retire(r, old);
	return true;
}

/* Revoke slot's round with the racer doing kind at the same instant. */
static bool t_writer_race(struct t_run *r, int slot, int kind)
{
	struct t_round *old = READ_ONCE(r->slots[slot]), *nw = NULL;
	unsigned int spins = 0;
	u64 dt;

	if (kind == JOB_REVOKE && !(nw = t_round_new(r)))
		return false;
	r->job_round = old;
	r->job_slot = slot;
	r->job_kind = kind;
	smp_store_release(&r->job_state, J_POSTED);
	while (smp_load_acquire(&r->job_state) != J_READY)
		t_pause(&spins);
	WRITE_ONCE(old->revoking, 1);
	smp_store_release(&r->job_state, J_GO);
	t_wd_begin(r, WD_WRITER, old->gen, "writer's revoke");
	r->ops->revoke(old->rev);
	dt = t_wd_end(r, WD_WRITER);
	/*
	 * Two overlapping revokes (JOB_REVOKE): whichever returns first
	 * marks the round revoked - the racer does so in t_racer() - so a
	 * loser that returns before the winner has waited for the readers
	 * (or before its release ran) is caught as overtaken (or
	 * never-released), as revocable.h requires of every revoke().
	 */
	t_revoke_returned(r, old, "revoke");
	t_revoke_stats(r, 1, dt);
	spins = 0;
	while (smp_load_acquire(&r->job_state) != J_DONE)
		t_pause(&spins);
	WRITE_ONCE(r->job_state, J_IDLE);
	if (kind == JOB_CREATE) {
		WRITE_ONCE(r->create_races, r->create_races + 1);
		if (READ_ONCE(r->slots[slot]) == old)
			return false;	/* the racer's create failed: stopping */
	} else {
		WRITE_ONCE(r->revoke_races, r->revoke_races + 1);
		smp_store_release(&r->slots[slot], nw);
	}
	t_retire(r, old);
	return true;
}

/*
 * revoke_many() over 2..TORTURE_NSLOTS live rounds, in slot order (the
 * order many-handles readers nest their accesses in), slot 0 among them in
 * a quiet phase.  Every round of the batch is checked as if revoked alone.
 */
static bool t_revoke_batch(struct t_run *r, u64 *s, bool quiet)
{
	struct t_round *old[TORTURE_NSLOTS], *nw[TORTURE_NSLOTS];
	struct revocable *revs[TORTURE_NSLOTS];
	bool pick[TORTURE_NSLOTS] = { false };
	int idx[TORTURE_NSLOTS], n, i, j, t;
	u64 dt;

	n = (int)t_range(s, 2, TORTURE_NSLOTS);
	for (i = 0; i < TORTURE_NSLOTS; i++)
		idx[i] = i;
	for (i = quiet ? 1 : 0; i < n; i++) {	/* n distinct slots */
		j = i + (int)(t_rand(s) % (u64)(TORTURE_NSLOTS - i));
		t = idx[i];
		idx[i] = idx[j];
		idx[j] = t;
	}
	for (i = 0; i < n; i++)
		pick[idx[i]] = true;
	for (i = 0, j = 0; i < TORTURE_NSLOTS; i++)
		if (pick[i])
			idx[j++] = i;
	for (i = 0; i < n; i++) {
		nw[i] = t_round_new(r);
		if (nw[i])
			continue;
		while (--i >= 0) {	/* stopping: unpublished, just retire */
			t_revoke_round(r, nw[i]);
			t_retire(r, nw[i]);
		}
		return false;
	}
	for (i = 0; i < n; i++) {
		old[i] = READ_ONCE(r->slots[idx[i]]);
		revs[i] = old[i]->rev;
		WRITE_ONCE(old[i]->revoking, 1);
	}
	t_wd_begin(r, WD_WRITER, old[0]->gen, "writer's revoke_many");
	r->ops->revoke_many(revs, n);
	dt = t_wd_end(r, WD_WRITER);
	for (i = 0; i < n; i++)
		t_revoke_returned(r, old[i], "revoke_many");
	t_revoke_stats(r, n, dt);
	WRITE_ONCE(r->batched, r->batched + n);
	for (i = 0; i < n; i++) {
		smp_store_release(&r->slots[idx[i]], nw[i]);
		t_retire(r, old[i]);
	}
	return true;
}

static void t_racer(struct t_thr *me)
{
	struct t_run *r = me->run;

	for (;;) {
		unsigned int spins = 0;

		t_tick(me);
		if (smp_load_acquire(&r->job_state) != J_POSTED) {
			if (smp_load_acquire(&r->writer_exited))
				break;
			/* no races in a quiet phase: do not disturb its CPUs */
			rb_sleep_us(READ_ONCE(r->quiet) ? 1000 : 50);
			continue;
		}
		smp_store_release(&r->job_state, J_READY);
		while (smp_load_acquire(&r->job_state) != J_GO)
			t_pause(&spins);
		if (r->job_kind == JOB_CREATE) {
			struct t_round *nw = t_round_new(r);

			if (nw)
				smp_store_release(&r->slots[r->job_slot], nw);
		} else {
			t_wd_begin(r, WD_RACER, r->job_round->gen,
				   "racer's revoke");
			r->ops->revoke(r->job_round->rev);
			t_wd_end(r, WD_RACER);
			t_revoke_returned(r, r->job_round, "the racer's revoke");
		}
		smp_store_release(&r->job_state, J_DONE);
	}
}

static void t_writer(struct t_thr *me)
{
	struct t_run *r = me->run;
	u64 s = me->seed;

	while (!READ_ONCE(r->stop)) {
		int slot = (int)(t_rand(&s) % TORTURE_NSLOTS);
		u64 x = t_rand(&s);
		bool quiet, ok;

		t_tick(me);
		if (t_halted(r, false))
			continue;
		quiet = READ_ONCE(r->quiet);
		if (quiet)
			slot = 0;
		if (r->batch && (x & 3) == 0) {
			ok = t_revoke_batch(r, &s, quiet);
		} else if (!quiet && (r->pert & (1U << TORTURE_P_CREATE_RACE)) &&
			   ((x >> 2) & 7) == 0) {
			t_log(r, "create-race: revoke generation %llu while the racer creates its successor",
			      (unsigned long long)READ_ONCE(r->slots[slot])->gen);
			ok = t_writer_race(r, slot, JOB_CREATE);
		} else if (!quiet && (r->pert & (1U << TORTURE_P_REVOKE_RACE)) &&
			   ((x >> 5) & 15) == 0) {
			t_log(r, "revoke-race: writer and racer revoke generation %llu at once",
			      (unsigned long long)READ_ONCE(r->slots[slot])->gen);
			ok = t_writer_race(r, slot, JOB_REVOKE);
		} else {
			ok = t_revoke_one(r, slot);
		}
		if (!ok)
			break;
		x = t_rand(&s);
		if (!quiet && (x & 3) == 0)
			rb_sleep_us(1 + (unsigned int)((x >> 8) % 200));
		else	/* quiet: the next revoke soon, many windows a second */
			for (x = (x >> 8) & (quiet ? 63 : 1023); x; x--)
				cpu_relax();
	}
	smp_store_release(&r->writer_exited, 1);
}

/* ---- fake revokers ---- */

static void t_fake(struct t_thr *me)
{
	struct t_run *r = me->run;
	const struct revocable_ops *ops = r->ops;
	int w = WD_FAKE0 + me->idx;
	u64 s = me->seed;

	while (!READ_ONCE(r->stop)) {
		struct revocable *revs[T_FAKE_BATCH];
		struct t_res *res[T_FAKE_BATCH];
		int n = (int)t_range(&s, 1, T_FAKE_BATCH), i;

		t_tick(me);
		if (t_halted(r, true))
			continue;
		for (i = 0; i < n; i++) {
			res[i] = t_res_new(0);
			revs[i] = res[i] ? ops->create(res[i], t_release, r) :
					   NULL;
			if (revs[i])
				continue;
			rb_free(res[i]);
			t_fail(r, TORTURE_F_OTHER,
			       "fake revoker %d: create() failed (out of memory?): stopping",
			       me->idx);
			WRITE_ONCE(r->stop, 1);
			n = i;
			break;
		}
		for (i = 0; i < n; i++) {
			struct rev_handle h = { 0 };
			void *p;

			if (t_rand(&s) & 1)
				continue;
			p = ops->try_access(revs[i], &h);
			if (!p)
				t_fail(r, TORTURE_F_OTHER,
				       "fake revoker %d: try_access on a live revocable failed",
				       me->idx);
			else
				ops->release(revs[i], &h);	/* no revoke: 0 */
		}
		t_wd_begin(r, w, 0, "fake revoker's revoke");
		if (ops->revoke_many && n > 1 && (t_rand(&s) & 1)) {
			ops->revoke_many(revs, n);
			WRITE_ONCE(me->fmany, me->fmany + 1);
		} else {
			for (i = 0; i < n; i++)
				ops->revoke(revs[i]);
		}
		t_wd_end(r, w);
		WRITE_ONCE(me->frevokes, me->frevokes + n);
		if (r->deferred && n) {
			t_wd_begin(r, w, 0, "fake revoker's deferred_barrier");
			ops->deferred_barrier();
			t_wd_end(r, w);
		}
		for (i = 0; i < n; i++) {
			struct rev_handle h = { 0 };
			int rel = t_released(res[i]);

			if (ops->try_access(revs[i], &h)) {
				ops->release(revs[i], &h);
				t_fail(r, TORTURE_F_LATE,
				       "fake revoker %d: try_access succeeded after its own revoke returned",
				       me->idx);
			}
			if (!rel)
				t_fail(r, TORTURE_F_UNRELEASED,
				       "fake revoker %d: revoke returned, release callback never ran",
				       me->idx);
			ops->destroy(revs[i]);
			if (rel)
				rb_free(res[i]);	/* else leaked */
		}
		if ((t_rand(&s) & 7) == 0)
			rb_sleep_us((unsigned int)t_range(&s, 10, 1000));
	}
}

/* ---- summaries, the watchdog ---- */

static void t_summary(struct t_run *r, const char *tag)
{
	unsigned long acc = 0, enodev = 0, retries = 0, spec = 0, sleeps = 0;
	unsigned long stalls = 0, many = 0, lingers = 0, frev = 0, fmany = 0;
	unsigned long pipe[T_PIPE_LEN] = { 0 };
	unsigned long revokes = READ_ONCE(r->revokes);
	const char *pfx = t_nfails(r) ? "!!! " : r->env->pfx;
	u64 t = t_since(r), mean, max = READ_ONCE(r->revoke_max_ns);
	char pbuf[160], fbuf[200];
	size_t off = 0;
	int i, j;

	for (i = 0; i < t_nacc(r); i++) {
		struct t_thr *x = t_acc_at(r, i);

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
		t_cat(pbuf, off, " %lu", pipe[j]);
	off = 0;
	for (j = 0; j < TORTURE_F_NR; j++)
		t_cat(fbuf, off, "%s%s %ld", j ? ", " : "",
		      torture_fail_names[j], atomic_long_read(&r->fails[j]));
	mean = revokes ? READ_ONCE(r->revoke_sum_ns) / revokes : 0;
	t_pr(r, "%s[%s] %s t=" TORTURE_S_FMT "s revokes %lu (%llu/s, batched %lu, mean %llu.%llu us, max " TORTURE_S_FMT " ms) fake-revokes %lu (batched %lu) accesses %lu -ENODEV %lu retries %lu (poison seen speculatively %lu)\n",
	     pfx, r->ops->name, tag, TORTURE_S_ARG(t), revokes,
	     t ? (unsigned long long)(revokes * T_SEC / t) : 0ULL,
	     READ_ONCE(r->batched), (unsigned long long)(mean / 1000),
	     (unsigned long long)(mean / 100 % 10), TORTURE_S_ARG(max * 1000),
	     frev, fmany, acc, enodev, retries, spec);
	t_pr(r, "%s[%s] %s stalls %lu sleeps %lu many %lu lingers %lu create-races %lu revoke-races %lu stutters %lu quiet %lu shuffles %lu barriers %lu freed %lu quarantined %ld leaked %lu\n",
	     pfx, r->ops->name, tag, stalls, sleeps, many, lingers,
	     READ_ONCE(r->create_races), READ_ONCE(r->revoke_races),
	     READ_ONCE(r->stutters), READ_ONCE(r->quiets),
	     READ_ONCE(r->shuffles), READ_ONCE(r->barriers),
	     READ_ONCE(r->freed), READ_ONCE(r->q_count), READ_ONCE(r->leaked));
	t_pr(r, "%s[%s] %s pipe:%s | failures %ld: %s\n", pfx, r->ops->name,
	     tag, pbuf, t_nfails(r), fbuf);
	if (r->irq || r->hotplug)
		t_pr(r, "%s[%s] %s irq accesses %lu (hrtimer %lu, ipi %lu, crossing contexts %lu, handler could not run %lu) onoff offlines %lu onlines %lu refused %lu (longest " TORTURE_S_FMT " s)\n",
		     pfx, r->ops->name, tag,
		     READ_ONCE(r->tmr.acc) + READ_ONCE(r->ipi.acc),
		     READ_ONCE(r->tmr.acc), READ_ONCE(r->ipi.acc),
		     READ_ONCE(r->ipi.xrel), READ_ONCE(r->ipi.missed),
		     READ_ONCE(r->offlines), READ_ONCE(r->onlines),
		     READ_ONCE(r->onoff_busy),
		     TORTURE_S_ARG(READ_ONCE(r->onoff_max_ns)));
}

static void t_watchdog(struct t_thr *me)
{
	struct t_run *r = me->run;

	while (!READ_ONCE(r->wd_quit)) {
		u64 now;
		int i;

		rb_sleep_us(20000);
		now = rb_now_ns();
		for (i = 0; i < WD_NR; i++) {
			u64 st = smp_load_acquire(&r->wd[i].start);
			u64 bound = i == WD_ONOFF ? T_SLOW_BOUND(r) :
				    r->wd_bound;

			if (!st || now < st || now - st <= bound ||
			    READ_ONCE(r->wd[i].reported) == st)
				continue;
			WRITE_ONCE(r->wd[i].reported, st);
			t_fail(r, TORTURE_F_HANG,
			       "%s (generation %llu) started at t=" TORTURE_S_FMT "s and has not returned after " TORTURE_S_FMT " s: hung",
			       READ_ONCE(r->wd[i].what),
			       (unsigned long long)READ_ONCE(r->wd[i].gen),
			       TORTURE_S_ARG(st - r->t0), TORTURE_S_ARG(bound));
			t_summary(r, "at watchdog");
		}
	}
}

/* ---- phases: perturbed, quiet, halted; shuffle ---- */

/*
 * The torture threads the control loop moves and stops: readers, fake
 * revokers, writer, racer, and the ipi and onoff threads (never started
 * when their perturbation is off: then nothing to wait for).
 */
static int t_nthr(const struct t_run *r)
{
	return r->nreaders + r->nfake + 4;
}

static struct t_thr *t_thr_at(struct t_run *r, int i)
{
	struct t_thr *last[] = { &r->writer, &r->racer, &r->ipi, &r->onoff };

	if (i < r->nreaders)
		return &r->readers[i];
	i -= r->nreaders;
	if (i < r->nfake)
		return &r->fakes[i];
	return last[i - r->nfake];
}

/* Tell the threads to apply their want_only and aff_idle. */
static void t_move(struct t_run *r)
{
	smp_store_release(&r->aff_gen, r->aff_gen + 1);
}

static int t_idle_cpu(const struct t_run *r)
{
	return r->shuffle_idle < r->env->ncpus ? r->shuffle_idle : -1;
}

/*
 * Enter a quiet phase: the writer alone on one CPU, every reader on
 * another; or leave it, back to the shuffle's CPUs.  Every other quiet
 * phase puts the readers on the first CPU: revokers scan per-CPU state
 * (hazard slots, SRCU and percpu counters) from CPU 0 up, so a reader
 * there is the one checked soonest after the revoker's fence, where a
 * missing fence on the reader's side leaves the widest window.  The
 * others take a seeded pair.
 */
static void t_set_quiet(struct t_run *r, u64 *s, bool on)
{
	int n = r->env->ncpus, wcpu = -1, rcpu = -1, i;

	if (on && n > 1) {
		rcpu = (r->quiets & 1) ? (int)t_range(s, 0, n - 1) : 0;
		wcpu = (rcpu + 1 + (int)t_range(s, 0, n - 2)) % n;
	}
	for (i = 0; i < t_nthr(r); i++)
		WRITE_ONCE(t_thr_at(r, i)->want_only, -1);
	for (i = 0; i < r->nreaders; i++)
		WRITE_ONCE(r->readers[i].want_only, rcpu);
	WRITE_ONCE(r->writer.want_only, wcpu);
	WRITE_ONCE(r->aff_idle, on ? -1 : t_idle_cpu(r));
	WRITE_ONCE(r->quiet, on);
	if (on)
		WRITE_ONCE(r->quiets, r->quiets + 1);
	t_move(r);
	if (on && n > 1)
		t_log(r, "quiet phase: writer on CPU index %d, readers on %d",
		      wcpu, rcpu);
}

/* End the current phase and start the next; returns its length, ns. */
static u64 t_next_phase(struct t_run *r, u64 *s)
{
	u64 ms;

	if (!READ_ONCE(r->halt) && (r->pert & (1U << TORTURE_P_STUTTER))) {
		ms = t_range(s, 20, 300);
		WRITE_ONCE(r->halt, 1);
		WRITE_ONCE(r->stutters, r->stutters + 1);
		t_log(r, "stutter: halt %llu ms", (unsigned long long)ms);
		return ms * T_MS;
	}
	WRITE_ONCE(r->halt, 0);
	if (r->pert & (1U << TORTURE_P_QUIET))
		t_set_quiet(r, s, !READ_ONCE(r->quiet));
	ms = t_range(s, 500, 3000);
	t_log(r, "%s phase: %llu ms", READ_ONCE(r->quiet) ? "quiet" :
	      "perturbed", (unsigned long long)ms);
	return ms * T_MS;
}

static void t_shuffle(struct t_run *r)
{
	r->shuffle_idle = (r->shuffle_idle + 1) % (r->env->ncpus + 1);
	WRITE_ONCE(r->aff_idle, t_idle_cpu(r));
	t_move(r);
	WRITE_ONCE(r->shuffles, r->shuffles + 1);
	if (t_idle_cpu(r) >= 0)
		t_log(r, "shuffle: CPU index %d idle", t_idle_cpu(r));
	else
		t_log(r, "shuffle: no CPU idle");
}

/* ---- starting, stopping, unwedging, teardown ---- */

static int t_thread_fn(void *arg)
{
	struct t_thr *t = arg;

	t->body(t);
	smp_store_release(&t->done, 1);
	return 0;
}

static bool t_start(struct t_run *r, struct t_thr *t, int idx, int role,
		    void (*body)(struct t_thr *me), const char *name)
{
	t->run = r;
	t->idx = idx;
	t->body = body;
	t->want_only = -1;
	t->seed = t_mix(r->cfg->seed ^ t_name_hash(r->ops->name) ^
			((u64)role << 32) ^ (u64)idx);
	snprintf(t->name, sizeof(t->name), "rbt_%s%d", name, idx);
	t->th = rb_thread_start(t_thread_fn, t, -1, t->name);
	if (t->th)
		return true;
	t_fail(r, TORTURE_F_OTHER, "cannot start thread %s: stopping", t->name);
	WRITE_ONCE(r->stop, 1);
	return false;
}

/* Wait until t's body has returned (never started: at once). */
static bool t_wait_done(struct t_thr *t, u64 deadline)
{
	while (t->th && !smp_load_acquire(&t->done)) {
		if (rb_now_ns() >= deadline)
			return false;
		rb_sleep_us(2000);
	}
	return true;
}

static void t_join(struct t_thr *t)
{
	if (t->th)
		rb_thread_join(t->th);
	t->th = NULL;
}

/*
 * Undo a broken primitive's damage to every round (ops->unwedge), with
 * every reader stopped; the writer and racer are at most inside a revoke
 * and no longer reclaim (t_retire()).  The fake revokers' revocables are
 * left alone: one thread each cannot wedge them.
 */
static void t_unwedge_all(struct t_run *r)
{
	struct t_round *rd;
	int i, fixed = 0;

	for (i = 0; i < TORTURE_NSLOTS; i++)
		fixed += r->ops->unwedge(READ_ONCE(r->slots[i])->rev);
	if (READ_ONCE(r->job_state) != J_IDLE && r->job_round)
		fixed += r->ops->unwedge(r->job_round->rev);
	for (rd = smp_load_acquire(&r->ret_head); rd;
	     rd = smp_load_acquire(&rd->next))
		fixed += r->ops->unwedge(rd->rev);
	r->unwedged += fixed;
	t_info(r, "unwedge: %d repair(s) of the broken primitive's damage (harness support, not part of the bug), so the hung revoke can return",
	       fixed);
}

/* Stop every torture thread.  False if one is stuck for good. */
static bool t_stop_threads(struct t_run *r)
{
	bool readers_done = true, all = true, hang;
	u64 grace = r->wd_bound + T_SEC, deadline;
	int i;

	WRITE_ONCE(r->halt, 0);
	smp_store_release(&r->stop, 1);
	if (r->irq)
		r->env->irq_timer_stop();	/* no callback runs after it */
	t_wd_begin(r, WD_STOP, 0, "stopping the threads");
	/* readers never block for long: a stall is at most 300 ms */
	deadline = rb_now_ns() + grace;
	for (i = 0; i < r->nreaders; i++)
		if (!t_wait_done(&r->readers[i], deadline))
			readers_done = false;
	hang = atomic_long_read(&r->fails[TORTURE_F_HANG]);
	if (readers_done && r->ops->unwedge && hang)
		t_unwedge_all(r);	/* repair now rather than wait again */
	for (i = 0, deadline = rb_now_ns() + grace; i < t_nthr(r); i++)
		if (t_thr_at(r, i) != &r->onoff &&
		    !t_wait_done(t_thr_at(r, i), deadline))
			all = false;
	/* the onoff thread brings its CPUs back online first */
	if (!t_wait_done(&r->onoff, rb_now_ns() + T_SLOW_BOUND(r)))
		all = false;
	if (!all && readers_done && r->ops->unwedge) {
		t_unwedge_all(r);
		all = true;
		deadline = rb_now_ns() + T_SLOW_BOUND(r);
		for (i = 0; i < t_nthr(r); i++)
			if (!t_wait_done(t_thr_at(r, i), deadline))
				all = false;
	}
	t_wd_end(r, WD_STOP);
	for (i = 0; i < t_nthr(r); i++) {
		struct t_thr *t = t_thr_at(r, i);

		if (!all && t->th && !smp_load_acquire(&t->done))
			t_pr(r, "!!! [%s] thread %s is stuck (in a hung revoke?): it cannot be stopped\n",
			     r->ops->name, t->name);
	}
	if (!all)
		return false;
	for (i = 0; i < t_nthr(r); i++)
		t_join(t_thr_at(r, i));
	return true;
}

/* Revoke what is still live, wait for deferred releases, reclaim. */
static void t_teardown(struct t_thr *me)
{
	struct t_run *r = me->run;
	int i;

	if (r->ops->unwedge)
		t_unwedge_all(r);	/* final tallies: no thread runs */
	for (i = 0; i < TORTURE_NSLOTS; i++) {
		t_revoke_round(r, r->slots[i]);
		t_retire(r, r->slots[i]);
	}
	if (r->deferred)
		t_barrier(r);
	t_reclaim(r);
}

/* ---- one primitive ---- */

static void t_header(struct t_run *r)
{
	char caps[96], pert[200];
	size_t off = 0;
	int i;

	for (i = 0; i < TORTURE_P_NR; i++)
		if (r->pert & (1U << i))
			t_cat(pert, off, " %s", torture_perturb_names[i]);
	if (!off)
		t_cat(pert, off, " none");
	t_info(r, "torture: caps %s; %d readers, %d fake revokers, %d slots; " TORTURE_S_FMT " s%s; watchdog " TORTURE_S_FMT " s; seed %llu; perturbations:%s",
	       rev_caps_str(r->ops->caps, caps, sizeof(caps)), r->nreaders,
	       r->nfake, TORTURE_NSLOTS, TORTURE_S_ARG(r->cfg->duration_ns),
	       r->cfg->stop_on_fail ? " at most (stops at the first failure)" :
	       "", TORTURE_S_ARG(r->wd_bound),
	       (unsigned long long)r->cfg->seed, pert);
	if (r->irq)
		t_info(r, "irq: readers in hardirq context, from an hrtimer and from smp_call_function_single() handlers%s",
		       r->xrel ? "; 3 in 4 ipi accesses cross contexts (REV_CAP_XRELEASE)" : "");
	else if ((r->cfg->perturb & (1U << TORTURE_P_IRQ)) &&
		 !(r->ops->caps & REV_CAP_IRQSAFE))
		t_info(r, "irq: no irq readers: not REV_CAP_IRQSAFE");
	else if (r->cfg->perturb & (1U << TORTURE_P_IRQ))
		t_info(r, "irq: no irq readers: this environment has no hardirq");
	if (r->hotplug)
		t_info(r, "onoff: a CPU offline or online every " TORTURE_S_FMT " s (+0-50 %%), never the first",
		       TORTURE_S_ARG(r->cfg->onoff_ns));
	else if (r->cfg->onoff_ns)
		t_info(r, "onoff: SKIPPED: %s",
		       r->env->cpu_set_online ? "only one CPU" :
		       "this environment cannot take CPUs offline");
}

static struct t_run *t_run_new(const struct torture_env *env,
			       const struct revocable_ops *ops,
			       const struct torture_cfg *cfg)
{
	const uintptr_t mask = SMP_CACHE_BYTES - 1;	/* t_thr alignment */
	void *mem = rb_zalloc(sizeof(struct t_run) + mask);
	struct t_run *r = (struct t_run *)(((uintptr_t)mem + mask) & ~mask);

	if (!mem)
		return NULL;
	r->mem = mem;
	r->env = env;
	r->ops = ops;
	r->cfg = cfg;
	r->retry = ops->caps & REV_CAP_RETRY;
	r->deferred = ops->caps & REV_CAP_DEFERRED;
	r->may_sleep = ops->caps & REV_CAP_SLEEP;
	r->pert = cfg->perturb;
	if (!r->may_sleep)
		r->pert &= ~(1U << TORTURE_P_SLEEP);
	if (!ops->revoke_many)
		r->pert &= ~(1U << TORTURE_P_BATCH);
	if (env->ncpus < 2 || !env->set_cpus)
		r->pert &= ~(1U << TORTURE_P_SHUFFLE);
	if (!(ops->caps & REV_CAP_IRQSAFE) || !env->irq_timer_start ||
	    !env->irq_call)
		r->pert &= ~(1U << TORTURE_P_IRQ);
	r->batch = r->pert & (1U << TORTURE_P_BATCH);
	r->irq = r->pert & (1U << TORTURE_P_IRQ);
	r->xrel = r->irq && (ops->caps & REV_CAP_XRELEASE);
	r->hotplug = cfg->onoff_ns && env->cpu_set_online && env->ncpus > 1;
	r->wd_bound = cfg->watchdog_ns;
	r->nreaders = max_t(int, 1, min_t(int, cfg->readers,
					     TORTURE_MAX_READERS));
	r->nfake = (r->pert & (1U << TORTURE_P_FAKE)) ?
		   max_t(int, 0, min_t(int, cfg->fake, TORTURE_MAX_FAKE)) : 0;
	r->shuffle_idle = env->ncpus;	/* none idle */
	r->aff_idle = -1;
	atomic_long_set(&r->epoch, 1);
	return r;
}

static void t_run_free(struct t_run *r)
{
	t_quarantine_drain(r);
	rb_free(r->mem);
}

/* Start the watchdog and every torture thread. */
static void t_start_all(struct t_run *r)
{
	int i;

	t_start(r, &r->watchdog, 0, 5, t_watchdog, "wd");
	for (i = 0; i < r->nreaders; i++)
		t_start(r, &r->readers[i], i, 1, t_reader, "r");
	for (i = 0; i < r->nfake; i++)
		t_start(r, &r->fakes[i], i, 2, t_fake, "f");
	t_start(r, &r->racer, 0, 3, t_racer, "x");
	if (!t_start(r, &r->writer, 0, 4, t_writer, "w"))
		smp_store_release(&r->writer_exited, 1);	/* the racer's cue */
	if (r->hotplug)
		t_start(r, &r->onoff, 0, 8, t_onoff, "o");
	if (!r->irq)
		return;
	r->tmr.run = r;
	r->tmr.seed = t_mix(r->cfg->seed ^ t_name_hash(r->ops->name) ^
			    (9ULL << 32));
	if (r->env->irq_timer_start(t_irq_timer, r, 100 * 1000)) {
		t_info(r, "irq: the hrtimer could not be started: timer readers SKIPPED");
		r->tmr.run = NULL;
	}
	t_start(r, &r->ipi, 0, 7, t_ipi, "i");
}

/* The control loop: phases, shuffle, summaries, until the run ends. */
static void t_control(struct t_run *r, u64 *s, struct torture_result *res)
{
	const struct torture_env *env = r->env;
	u64 now = rb_now_ns(), next_stat, next_shuffle, phase_end;

	next_stat = now + r->cfg->stat_ns;
	next_shuffle = now + t_range(s, 200, 1000) * T_MS;
	phase_end = now + t_range(s, 500, 3000) * T_MS;
	for (;;) {
		rb_sleep_us(5000);
		now = rb_now_ns();
		if (env->should_stop()) {
			res->interrupted = true;
			return;
		}
		if (t_irq_off(r) &&
		    !atomic_long_read(&r->fails[TORTURE_F_CHECKER]))
			t_fail(r, TORTURE_F_CHECKER,
			       "the kernel's checker reported (lockdep turned itself off): the splat is on the console above");
		if (now >= r->t_end || READ_ONCE(r->stop) ||
		    atomic_long_read(&r->fails[TORTURE_F_HANG]) ||
		    (r->cfg->stop_on_fail && t_nfails(r)))
			return;
		if (now >= phase_end)
			phase_end = now + t_next_phase(r, s);
		if ((r->pert & (1U << TORTURE_P_SHUFFLE)) &&
		    now >= next_shuffle && !READ_ONCE(r->quiet)) {
			t_shuffle(r);
			next_shuffle = now + t_range(s, 200, 1000) * T_MS;
		}
		if (env->progress)
			env->progress(r->ops, now - r->t0, r->cfg->duration_ns);
		if (now >= next_stat) {
			t_summary(r, "");
			next_stat = now + r->cfg->stat_ns;
		}
	}
}

/* Stop the threads, revoke what is live, stop the watchdog: false if leaked. */
static bool t_finish(struct t_run *r)
{
	bool ok = true;

	if (!t_stop_threads(r)) {
		ok = false;
	} else if (t_start(r, &r->teardown, 0, 6, t_teardown, "d")) {
		/* in a thread of its own, so that the watchdog watches it */
		if (t_wait_done(&r->teardown,
				rb_now_ns() + 2 * r->wd_bound + T_SEC)) {
			t_join(&r->teardown);
		} else {
			t_pr(r, "!!! [%s] teardown (revoking the live rounds) did not finish\n",
			     r->ops->name);
			ok = false;
		}
	} else {
		t_teardown(&r->teardown);	/* unwatched, but done */
	}
	WRITE_ONCE(r->wd_quit, 1);
	t_wait_done(&r->watchdog, ~0ULL);
	t_join(&r->watchdog);
	if (ok && r->ret_head)
		t_pr(r, "!!! [%s] internal: retired rounds left unreclaimed\n",
		     r->ops->name);
	return ok;
}

/* The final summary, the verdict line, a caught bug's detection line. */
static void t_report(struct t_run *r, struct torture_result *res)
{
	bool broken = r->ops->caps & REV_CAP_BROKEN;
	char kinds[120];
	size_t off = 0;
	int i;

	t_summary(r, "final");
	res->failures = t_nfails(r);
	res->revokes = r->revokes;
	res->irq_accesses = READ_ONCE(r->tmr.acc) + READ_ONCE(r->ipi.acc);
	res->offlines = READ_ONCE(r->offlines);
	res->onlines = READ_ONCE(r->onlines);
	res->elapsed_ns = t_since(r);
	kinds[0] = '\0';
	for (i = 0; i < TORTURE_F_NR; i++) {
		if (!atomic_long_read(&r->fails[i]))
			continue;
		res->kinds |= 1U << i;
		t_cat(kinds, off, "%s%s", off ? "," : "",
		      torture_fail_names[i]);
	}
	if (!res->failures && res->interrupted) {
		t_info(r, "INTERRUPTED after " TORTURE_S_FMT " s: no failures so far",
		       TORTURE_S_ARG(res->elapsed_ns));
		return;
	}
	if (!res->failures) {
		t_info(r, "PASS: " TORTURE_S_FMT " s, %lu revokes, no failures%s",
		       TORTURE_S_ARG(res->elapsed_ns), r->revokes, broken ?
		       " (deliberately broken, NOT caught this time)" : "");
		return;
	}
	res->first_ns = (u64)atomic_long_read(&r->first_fail) - 1;
	t_pr(r, "!!! [%s] FAIL: %ld failures; first-failure-s=" TORTURE_S_FMT "%s\n",
	     r->ops->name, res->failures, TORTURE_S_ARG(res->first_ns),
	     broken ? " (deliberately broken: failing is what it is for)" : "");
	if (broken)
		t_pr(r, "%sdetection: %s " TORTURE_S_FMT " s (%s)\n",
		     r->env->pfx, r->ops->name, TORTURE_S_ARG(res->first_ns),
		     kinds);
}

long torture_run(const struct torture_env *env,
		 const struct revocable_ops *ops,
		 const struct torture_cfg *cfg, struct torture_result *res)
{
	struct t_run *r = t_run_new(env, ops, cfg);
	u64 s;
	int i;

	memset(res, 0, sizeof(*res));
	if (!r) {
		env->out("!!! [%s] out of memory\n", ops->name);
		res->failures = 1;
		return 1;
	}
	t_header(r);
	r->t0 = rb_now_ns();
	for (i = 0; i < TORTURE_NSLOTS; i++) {
		r->slots[i] = t_round_new(r);
		if (r->slots[i])
			continue;
		while (--i >= 0) {	/* nothing runs yet */
			ops->revoke(r->slots[i]->rev);
			if (r->deferred)
				ops->deferred_barrier();
			ops->destroy(r->slots[i]->rev);
			rb_free(r->slots[i]->res);
			rb_free(r->slots[i]);
		}
		t_run_free(r);
		res->failures = 1;
		return 1;
	}
	s = t_mix(cfg->seed ^ t_name_hash(ops->name));
	r->checker_was_off = env->checker_fired && env->checker_fired();
	r->t0 = rb_now_ns();
	r->t_end = r->t0 + cfg->duration_ns;
	t_start_all(r);
	t_control(r, &s, res);
	res->leaked = !t_finish(r);
	t_report(r, res);
	if (res->leaked) {
		if (!res->failures)
			res->failures = 1;
		env->stuck(ops);	/* may not return; r stays allocated */
		return res->failures;
	}
	t_run_free(r);
	return res->failures;
}
