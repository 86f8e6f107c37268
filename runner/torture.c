// SPDX-License-Identifier: GPL-2.0
/*
 * torture.c - "revbench torture": rcutorture/locktorture-style stress of
 * every primitive, with seeded perturbations and an oracle that reports
 * each failure on a line starting with "!!!".
 *
 *   revbench torture [--primitive LIST] [--bug LIST] [--duration S]
 *                    [--seed N] [--readers N] [--fake-revokers N]
 *                    [--watchdog S] [--stat-interval S] [--stop-on-fail]
 *                    [--perturb LIST | --no-perturb LIST] [--verbose]
 *   revbench torture --list-bugs
 *
 * The bug zoo (primitives/bugs.h) is linked into the test build only:
 * build/test/revbench-torture (this file with REVBENCH_BUGS, over
 * build/test/librevbench.a).  build/revbench, the benchmark binary, has no
 * zoo and refuses --bug with exit 2.
 *
 * SET-UP, per primitive (the primitives run one after another, --duration
 * is the whole run split evenly between them):
 *   - T_NSLOTS slots, each holding a live "round": a revocable over a
 *     stamped resource (every word = a function of the round's generation);
 *   - readers (--readers, default 3) pick a random slot and access it;
 *   - one writer picks a random slot, revokes its round, marks it revoked,
 *     and publishes a fresh round (created before, or racing the revoke);
 *   - a racer thread that the writer uses for the two races below;
 *   - fake revokers (--fake-revokers, default 1) that hammer create,
 *     access, revoke (or revoke_many) and destroy on revocables of their
 *     own, nobody else reads;
 *   - the control thread (stutter, shuffle, summaries, stop) and one
 *     process-wide watchdog thread.
 * Retired rounds are freed by the harness's own epoch-based reclamation
 * (readers pin an epoch around every access, including the load of the
 * slot), never while a reader could still hold the pointer, whatever the
 * primitive does: a broken primitive is caught by the oracle, it does not
 * crash the harness.  Released resources are poisoned and stay readable
 * until then (the type-stable memory a seqlock reader needs, too).
 *
 * THE ORACLE.  Each of these is a failure, printed as "!!! [prim] t=..":
 *   late            try_access() succeeded although revoke() of that round
 *                   had returned before the attempt started;
 *   overtaken       revoke() returned while an access was still held
 *                   (blocking primitives), or a RETRY primitive validated
 *                   (release() == 0) an access whose revoke had returned
 *                   before the re-check; DEFERRED primitives are exempt
 *                   (their readers may outlive revoke), poison is not.
 *                   Of two overlapping revokes (revoke-race), the FIRST
 *                   to return counts, the loser as much as the winner;
 *   poison          a validated access saw a poisoned (released) or
 *                   wrongly stamped resource.  Speculative reads of poison
 *                   that a RETRY primitive then rejected are counted, not
 *                   failures (that is what type-stable memory is for);
 *   double-release  a release callback ran a second time;
 *   never-released  revoke() returned (DEFERRED: deferred_barrier()
 *                   returned) and the release callback had not run - for
 *                   each of two overlapping revokes, as it returns;
 *   hang            a revoke()/revoke_many()/deferred_barrier() did not
 *                   return within --watchdog seconds (default 10).  A hung
 *                   thread cannot be joined: the watchdog prints the
 *                   summary and ends the process with status 1;
 *   other           release() returned an unexpected value, or a fake
 *                   revoker's own checks failed in another way.
 * The pipe (rcutorture's): every round's counter is 0 while live, 1 once
 * its revoke returned, +1 for each later revoke the writer completes; the
 * summary prints the histogram of the pipe values validated accesses saw
 * at their end.  A blocking primitive must show zeros after column 0.
 *
 * PERTURBATIONS (--perturb/--no-perturb, all on by default), each drawn
 * from per-thread generators seeded from --seed, so a failing run's
 * choices are replayed with the same --seed (the OS scheduling is not):
 *   delay         random spins inside the critical section;
 *   sleep         readers sleep inside the section (REV_CAP_SLEEP only);
 *   stall         a reader holds its access for 20-300 ms (sleeping) or
 *                 spins 5-50 ms (non-sleepable primitives), one at a time;
 *   fake-revokers threads hammering create/revoke/destroy of their own;
 *   shuffle       all torture threads pinned to every CPU but one, the
 *                 idle CPU rotating (and a turn with none idle);
 *   stutter       run phases of 0.5-3 s, halt phases of 20-300 ms where
 *                 every torture thread pauses;
 *   create-race   the next round is created and published by the racer
 *                 at the same instant the writer revokes the current one;
 *   revoke-race   the racer revokes the same round at the same instant:
 *                 exactly one release, and neither revoke may return
 *                 before the round is fully revoked (revocable.h: the
 *                 loser waits for the winner), so the round counts as
 *                 revoked from whichever returns first;
 *   many-handles  a reader holds all T_NSLOTS slots at once (more than the
 *                 hazard-pointer slots per thread), taken in slot order
 *                 (see t_access_many()), released in random order;
 *   linger        a reader whose try_access succeeded while a revoke of
 *                 that round was already under way stays inside 2-10 us
 *                 more: a correct revoke waits for it, one that missed it
 *                 through a nanosecond window (a missing fence or
 *                 re-check) returns and releases under it, where the
 *                 oracle sees it.  Without this, such windows are hit
 *                 but the reader is usually gone before the release.
 * --verbose logs every perturbation event ("# " lines).
 *
 * OUTPUT: a header per primitive, a summary line every --stat-interval
 * seconds (prefixed "!!!" once anything failed), a final PASS/FAIL line
 * with "first-failure-s=", and a last line "torture: N passed, N failed".
 * Exit 0 when nothing failed, 1 on any failure, 2 on bad input, 130 on
 * SIGINT/SIGTERM (the summary so far is printed first).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <unistd.h>

#include "revocable.h"
#ifdef REVBENCH_BUGS
#include "bugs.h"
#endif
#include "torture.h"

#define T_EXIT_FAIL		1
#define T_EXIT_USAGE		2
#define T_EXIT_INTR		130

#define T_NSLOTS		8
#define T_WORDS			8
#define T_MAX_READERS		32
#define T_MAX_FAKE		8
#define T_MAX_LIST		64
#define T_PRINT_MAX		5	/* failures printed per kind */
#define T_PIPE_LEN		10	/* rcutorture's RCU_TORTURE_PIPE_LEN */
#define T_FAKE_BATCH		8
#define T_BARRIER_EVERY		32	/* retired rounds per deferred_barrier */

#define T_LIVE			0x4c4956455245534fULL	/* "LIVERESO" */
#define T_POISON		0x6b6b6b6b6b6b6b6bULL	/* POISON_FREE */

/* The harness's own flags and counters: sequentially consistent. */
#define T_LOAD(x)		__atomic_load_n(&(x), __ATOMIC_SEQ_CST)
#define T_STORE(x, v)		__atomic_store_n(&(x), (v), __ATOMIC_SEQ_CST)
#define T_ADD(x, v)		__atomic_fetch_add(&(x), (v), __ATOMIC_SEQ_CST)
#define T_CAS(x, o, n)							\
	({ __typeof__(x) __o = (o);					\
	   __atomic_compare_exchange_n(&(x), &__o, (n), false,		\
				       __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); })
/* Owner-only statistics counter, read by the summary. */
#define T_INC(x)		WRITE_ONCE((x), READ_ONCE(x) + 1)

enum {
	P_DELAY, P_SLEEP, P_STALL, P_FAKE, P_SHUFFLE, P_STUTTER,
	P_CREATE_RACE, P_REVOKE_RACE, P_MANY, P_LINGER, P_NR
};
/* "--primitive all" leaves out the unsafe floor, and says so. */
static int t_unsafe_skipped;

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

struct t_opts {
	const struct revocable_ops *list[T_MAX_LIST];
	int n;
	double duration;	/* whole run, s */
	u64 seed;
	int readers;
	int fake;
	double watchdog;	/* s */
	double stat_interval;	/* s */
	unsigned int perturb;	/* 1 << P_* */
	bool stop_on_fail;
	bool verbose;
};

struct t_res {
	u64 magic;
	u64 gen;
	u64 words[T_WORDS];
	int released;		/* release callback runs */
};

struct t_round {
	struct revocable *rev;
	struct t_res *res;
	u64 gen;
	int revoking;		/* a revoke() of this round has been called */
	int revoked;		/* the writer's revoke() has returned */
	int pipe;		/* 0 live, 1 revoked, +1 per later revoke */
	u64 retire_epoch;	/* epoch counter before the retirement */
	u64 barrier_seq;	/* deferred_barrier()s done at retirement */
	struct t_round *next;	/* retired list */
};

struct t_run;

/* One torture thread.  Counters are written by the owner only. */
struct t_thr {
	struct t_run *run;
	int idx;
	u64 seed;
	pthread_t th;
	bool started;
	u64 pin;		/* readers: epoch while accessing, else 0 */
	u64 next_stall;
	unsigned long acc, enodev, retries, spec_poison, sleeps, stalls;
	unsigned long many, lingers, frevokes, fmany, fbarriers;
	unsigned long pipe[T_PIPE_LEN];
} ____cacheline_aligned;

enum { J_IDLE, J_POSTED, J_READY, J_GO, J_DONE };
enum { JOB_CREATE = 1, JOB_REVOKE };

/* Watchdog entries: a start time while a revoke/barrier is in progress. */
enum { WD_WRITER, WD_RACER, WD_BARRIER, WD_TEARDOWN, WD_FAKE0,
       WD_NR = WD_FAKE0 + T_MAX_FAKE };
struct t_wd {
	u64 start;		/* rb_now_ns(), 0 when idle */
	u64 gen;
};

struct t_run {
	const struct revocable_ops *ops;
	const struct t_opts *o;
	bool blocking, retry, deferred, may_sleep;
	unsigned int pert;
	struct t_round *slots[T_NSLOTS];
	u64 next_gen;
	int stop, halt, stalling;
	u64 epoch;
	u64 t0, t_end;
	long fails[F_NR];
	u64 first_fail;		/* ns since t0, + 1; 0: none yet */
	/* writer statistics (writer-owned) */
	unsigned long revokes, create_races, revoke_races, barriers, freed;
	u64 revoke_max_ns, revoke_sum_ns;
	/* control statistics */
	unsigned long stutters, shuffles;
	/* racer job, see t_writer_race() */
	int job_state, job_kind, job_slot;
	struct t_round *job_round;
	/* writer-private retired list */
	struct t_round *ret_head, *ret_tail;
	u64 barrier_seq;
	unsigned long since_barrier;
	struct t_wd wd[WD_NR];
	struct t_thr readers[T_MAX_READERS];
	struct t_thr fakes[T_MAX_FAKE];
	struct t_thr writer, racer;
};

/* One per primitive, never reused: the watchdog may still look at the last. */
static struct t_run t_runs[T_MAX_LIST];
static struct t_run *t_cur;		/* for the watchdog */
static double t_wd_bound;		/* s */
static int t_wd_quit;
static volatile sig_atomic_t t_sig;
static int t_cpus[CPU_SETSIZE], t_ncpus;
static pthread_mutex_t t_out_lock = PTHREAD_MUTEX_INITIALIZER;

/* ---- small helpers ---- */

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

static double t_sec(const struct t_run *r)
{
	return (double)(rb_now_ns() - r->t0) / 1e9;
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

__attribute__((format(printf, 1, 2)))
static void t_out(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&t_out_lock);
	fputs(buf, stdout);
	fflush(stdout);
	pthread_mutex_unlock(&t_out_lock);
}

#define t_log(r, fmt, ...)						\
	do {								\
		if ((r)->o->verbose)					\
			t_out("# [%s] t=%.3fs " fmt "\n", (r)->ops->name, \
			      t_sec(r), ##__VA_ARGS__);			\
	} while (0)

static long t_nfails(const struct t_run *r)
{
	long n = 0;
	int i;

	for (i = 0; i < F_NR; i++)
		n += T_LOAD(((struct t_run *)r)->fails[i]);
	return n;
}

__attribute__((format(printf, 3, 4)))
static void t_fail(struct t_run *r, int kind, const char *fmt, ...)
{
	long n = T_ADD(r->fails[kind], 1);
	char buf[512];
	va_list ap;

	T_CAS(r->first_fail, 0, rb_now_ns() - r->t0 + 1);
	if (n >= T_PRINT_MAX) {
		if (n == T_PRINT_MAX)
			t_out("!!! [%s] t=%.3fs %s: more failures of this kind are counted, not printed\n",
			      r->ops->name, t_sec(r), f_names[kind]);
		return;
	}
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	t_out("!!! [%s] t=%.3fs %s: %s\n", r->ops->name, t_sec(r),
	      f_names[kind], buf);
}

/* ---- resources and rounds ---- */

static inline u64 t_stamp(u64 gen, int i)
{
	return T_LIVE ^ (gen * 0x100000001b3ULL) ^ (u64)i;
}

/* The release callback: count, poison.  arg is the run. */
static void t_release(void *res, void *arg)
{
	struct t_res *x = res;
	struct t_run *r = arg;
	int n = __atomic_add_fetch(&x->released, 1, __ATOMIC_SEQ_CST);
	int i;

	if (n > 1) {
		t_fail(r, F_DOUBLE, "generation %llu: release callback ran %d times",
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

	if (!x) {
		fprintf(stderr, "revbench torture: out of memory\n");
		_exit(T_EXIT_FAIL);
	}
	x->gen = gen;
	for (i = 0; i < T_WORDS; i++)
		WRITE_ONCE(x->words[i], t_stamp(gen, i));
	smp_store_release(&x->magic, T_LIVE);
	return x;
}

static struct t_round *t_round_new(struct t_run *r)
{
	struct t_round *rd = rb_zalloc(sizeof(*rd));

	if (!rd) {
		fprintf(stderr, "revbench torture: out of memory\n");
		_exit(T_EXIT_FAIL);
	}
	rd->gen = T_ADD(r->next_gen, 1);
	rd->res = t_res_new(rd->gen);
	rd->rev = r->ops->create(rd->res, t_release, r);
	if (!rd->rev) {
		t_out("!!! [%s] create() failed (out of memory?): cannot go on\n",
		      r->ops->name);
		_exit(T_EXIT_FAIL);
	}
	return rd;
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

/* Free a retired round: its release must have run exactly once. */
static void t_round_free(struct t_run *r, struct t_round *rd)
{
	int rel = T_LOAD(rd->res->released);

	if (rel == 0)
		t_fail(r, F_UNRELEASED,
		       "generation %llu: release callback never ran (revoke%s returned)",
		       (unsigned long long)rd->gen,
		       r->deferred ? " and deferred_barrier" : "");
	r->ops->destroy(rd->rev);
	if (rel)
		rb_free(rd->res);	/* never released: leaked, not freed */
	rb_free(rd);
	T_INC(r->freed);
}

/* Epoch-based reclamation of the retired list (writer/control only). */
static void t_reclaim(struct t_run *r)
{
	u64 min = UINT64_MAX;
	struct t_round *rd;
	int i;

	for (i = 0; i < r->o->readers; i++) {
		u64 p = T_LOAD(r->readers[i].pin);

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
	T_STORE(r->wd[w].gen, gen);
	T_STORE(r->wd[w].start, rb_now_ns());
}

static u64 t_wd_end(struct t_run *r, int w)
{
	u64 d = rb_now_ns() - T_LOAD(r->wd[w].start);

	T_STORE(r->wd[w].start, 0);
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
	T_INC(r->barriers);
	r->since_barrier = 0;
}

static void t_retire(struct t_run *r, struct t_round *rd)
{
	struct t_round *p;

	/* rcutorture's pipe: every round already retired ages by one. */
	for (p = r->ret_head; p; p = p->next)
		if (p->pipe < 1000)
			T_STORE(p->pipe, p->pipe + 1);
	rd->retire_epoch = T_ADD(r->epoch, 1);
	rd->barrier_seq = r->barrier_seq;
	rd->next = NULL;
	if (r->ret_tail)
		r->ret_tail->next = rd;
	else
		r->ret_head = rd;
	r->ret_tail = rd;
	if (r->deferred && ++r->since_barrier >= T_BARRIER_EVERY)
		t_barrier(r);
	t_reclaim(r);
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
	a->rd = T_LOAD(r->slots[slot]);
	a->was_revoked = T_LOAD(a->rd->revoked);
	a->p = r->ops->try_access(a->rd->rev, &a->h);
	if (!a->p) {
		T_INC(me->enodev);
		return false;
	}
	a->bad = t_check(a->rd, a->p);
	/*
	 * linger: got in while a revoke of this round is under way?  Stay
	 * a while: a correct revoke waits for us; one that missed us (a
	 * reader that slipped through a window of a few nanoseconds) now
	 * returns and releases while we are still looking.
	 */
	if ((r->pert & (1U << P_LINGER)) && T_LOAD(a->rd->revoking)) {
		T_INC(me->lingers);
		t_spin_ns(1000 * t_range(s, 2, 10));
	}
	return true;
}

/* release() and the oracle; returns release()'s value. */
static int t_put(struct t_run *r, struct t_thr *me, struct t_acc *a)
{
	int bad = max_t(int, a->bad, t_check(a->rd, a->p));
	int revoked = T_LOAD(a->rd->revoked);
	int pipe = T_LOAD(a->rd->pipe);
	unsigned long long gen = a->rd->gen;
	int rc = r->ops->release(a->rd->rev, &a->h);

	if (rc == -EAGAIN && r->retry) {
		/* Speculation overtaken: nothing read may be acted on. */
		T_INC(me->retries);
		if (bad)
			T_INC(me->spec_poison);
		return rc;
	}
	if (rc) {
		t_fail(r, F_OTHER, "generation %llu: release() returned %d", gen,
		       rc);
		return 0;
	}
	T_INC(me->acc);
	T_INC(me->pipe[min_t(int, pipe, T_PIPE_LEN - 1)]);
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
		T_INC(me->sleeps);
		rb_sleep_us((unsigned int)t_range(s, 1, 200));
	}
	if ((r->pert & (1U << P_STALL)) && ((x >> 40) & 255) == 0) {
		u64 now = rb_now_ns();

		if (now >= me->next_stall && T_CAS(r->stalling, 0, 1)) {
			u64 ms;

			if (r->may_sleep) {
				ms = t_range(s, 20, 300);
				t_log(r, "reader %d stalls (sleeping) %llu ms inside its access",
				      me->idx, (unsigned long long)ms);
				rb_sleep_us((unsigned int)(ms * 1000));
			} else {
				ms = t_range(s, 5, 50);
				t_log(r, "reader %d stalls (spinning) %llu ms inside its access",
				      me->idx, (unsigned long long)ms);
				t_spin_ns(ms * 1000000);
			}
			T_INC(me->stalls);
			T_STORE(r->stalling, 0);
			me->next_stall = rb_now_ns() +
					 t_range(s, 1000, 4000) * 1000000ULL;
		}
	}
}

static void t_access_one(struct t_run *r, struct t_thr *me, u64 *s)
{
	int slot = (int)(t_rand(s) % T_NSLOTS);
	struct t_acc a;

	do {
		if (!t_get(r, me, &a, slot, s))
			return;
		t_inside(r, me, s);
	} while (t_put(r, me, &a) == -EAGAIN);
}

/*
 * Many handles in flight: every slot at once, released out of order.
 * Taken in slot order: a lock-based primitive nests read locks, and a
 * consistent order is what lockdep (and TSan's lock-order check) demand;
 * random order would be a real AB-BA deadlock for rwsem-wpref as soon as
 * two revokes wait at once.
 */
static void t_access_many(struct t_run *r, struct t_thr *me, u64 *s)
{
	struct t_acc a[T_NSLOTS];
	int held[T_NSLOTS], nheld = 0, i, j, t;

	T_INC(me->many);
	for (i = 0; i < T_NSLOTS; i++) {
		if (t_get(r, me, &a[nheld], i, s)) {
			held[nheld] = nheld;
			nheld++;
		}
	}
	t_inside(r, me, s);
	for (i = nheld - 1; i > 0; i--) {
		j = (int)(t_rand(s) % (u64)(i + 1));
		t = held[i];
		held[i] = held[j];
		held[j] = t;
	}
	for (i = 0; i < nheld; i++)
		t_put(r, me, &a[held[i]]);	/* -EAGAIN: counted, no retry */
}

static void t_thread_start(struct t_run *r)
{
	if (rb_thread_init()) {
		t_out("!!! [%s] rb_thread_init failed: too many threads\n",
		      r->ops->name);
		_exit(T_EXIT_FAIL);
	}
}

static bool t_halted(struct t_run *r)
{
	if (!T_LOAD(r->halt))
		return false;
	rb_sleep_us(1000);
	return true;
}

static void *t_reader(void *arg)
{
	struct t_thr *me = arg;
	struct t_run *r = me->run;
	u64 s = me->seed;

	t_thread_start(r);
	me->next_stall = rb_now_ns() + t_range(&s, 500, 3000) * 1000000ULL;
	while (!T_LOAD(r->stop)) {
		if (t_halted(r))
			continue;
		T_STORE(me->pin, T_LOAD(r->epoch));
		if ((r->pert & (1U << P_MANY)) && (t_rand(&s) & 255) == 0)
			t_access_many(r, me, &s);
		else
			t_access_one(r, me, &s);
		T_STORE(me->pin, 0);
	}
	rb_thread_exit();
	return NULL;
}

/* ---- writer and racer ---- */

/*
 * A revoke() of old has returned (the writer's or, in a revoke-race, the
 * racer's): from now on the round is revoked - any access still held, or
 * validated after this, is overtaken - and its release has run.
 */
static void t_revoke_returned(struct t_run *r, struct t_round *old,
			      const char *who)
{
	T_STORE(old->pipe, 1);
	T_STORE(old->revoked, 1);
	if (!r->deferred && T_LOAD(old->res->released) == 0)
		t_fail(r, F_UNRELEASED,
		       "generation %llu: %s returned but the release callback has not run",
		       (unsigned long long)old->gen, who);
}

/* The writer's statistics; t_revoke_returned() first. */
static void t_after_revoke(struct t_run *r, struct t_round *old, u64 dt)
{
	t_revoke_returned(r, old, "revoke");
	T_INC(r->revokes);
	WRITE_ONCE(r->revoke_sum_ns, r->revoke_sum_ns + dt);
	if (dt > r->revoke_max_ns)
		WRITE_ONCE(r->revoke_max_ns, dt);
}

/* Revoke slot's round with the racer doing kind at the same instant. */
static void t_writer_race(struct t_run *r, int slot, int kind)
{
	struct t_round *old = r->slots[slot];
	unsigned int spins = 0;
	u64 dt;

	r->job_round = old;
	r->job_slot = slot;
	r->job_kind = kind;
	T_STORE(r->job_state, J_POSTED);
	while (T_LOAD(r->job_state) != J_READY)
		t_pause(&spins);
	T_STORE(old->revoking, 1);
	T_STORE(r->job_state, J_GO);
	t_wd_begin(r, WD_WRITER, old->gen);
	r->ops->revoke(old->rev);
	dt = t_wd_end(r, WD_WRITER);
	/*
	 * Two overlapping revokes (JOB_REVOKE): whichever returns first
	 * marks the round revoked - the racer does so in t_racer() - so a
	 * loser that returns before the winner has waited for the readers
	 * (or before its release ran) is caught as overtaken (or
	 * never-released), as revocable.h requires of every revoke().
	 */
	t_after_revoke(r, old, dt);
	spins = 0;
	while (T_LOAD(r->job_state) != J_DONE)
		t_pause(&spins);
	T_STORE(r->job_state, J_IDLE);
	if (kind == JOB_CREATE)
		T_INC(r->create_races);
	else
		T_INC(r->revoke_races);
}

static void *t_racer(void *arg)
{
	struct t_thr *me = arg;
	struct t_run *r = me->run;

	t_thread_start(r);
	for (;;) {
		int st = T_LOAD(r->job_state);
		unsigned int spins = 0;

		if (st != J_POSTED) {
			if (T_LOAD(r->stop))
				break;
			rb_sleep_us(50);
			continue;
		}
		T_STORE(r->job_state, J_READY);
		while (T_LOAD(r->job_state) != J_GO)
			t_pause(&spins);
		if (r->job_kind == JOB_CREATE) {
			T_STORE(r->slots[r->job_slot], t_round_new(r));
		} else {
			t_wd_begin(r, WD_RACER, r->job_round->gen);
			r->ops->revoke(r->job_round->rev);
			t_wd_end(r, WD_RACER);
			t_revoke_returned(r, r->job_round, "the racer's revoke");
		}
		T_STORE(r->job_state, J_DONE);
	}
	rb_thread_exit();
	return NULL;
}

static void *t_writer(void *arg)
{
	struct t_thr *me = arg;
	struct t_run *r = me->run;
	u64 s = me->seed;

	t_thread_start(r);
	while (!T_LOAD(r->stop)) {
		int slot = (int)(t_rand(&s) % T_NSLOTS);
		struct t_round *old = r->slots[slot];
		u64 x = t_rand(&s), dt;

		if (t_halted(r))
			continue;
		if ((r->pert & (1U << P_CREATE_RACE)) && (x & 7) == 0) {
			t_log(r, "create-race: revoke generation %llu while the racer creates its successor",
			      (unsigned long long)old->gen);
			t_writer_race(r, slot, JOB_CREATE);
		} else if ((r->pert & (1U << P_REVOKE_RACE)) &&
			   ((x >> 3) & 15) == 0) {
			t_log(r, "revoke-race: writer and racer revoke generation %llu at once",
			      (unsigned long long)old->gen);
			t_writer_race(r, slot, JOB_REVOKE);
			T_STORE(r->slots[slot], t_round_new(r));
		} else {
			struct t_round *nw = t_round_new(r);

			T_STORE(old->revoking, 1);
			t_wd_begin(r, WD_WRITER, old->gen);
			r->ops->revoke(old->rev);
			dt = t_wd_end(r, WD_WRITER);
			t_after_revoke(r, old, dt);
			T_STORE(r->slots[slot], nw);
		}
		t_retire(r, old);
		x = t_rand(&s);
		if ((x & 3) == 0)
			rb_sleep_us((unsigned int)((x >> 8) % 200));
		else
			for (x = (x >> 8) & 1023; x; x--)
				cpu_relax();
	}
	rb_thread_exit();
	return NULL;
}

/* ---- fake revokers ---- */

static void *t_fake(void *arg)
{
	struct t_thr *me = arg;
	struct t_run *r = me->run;
	const struct revocable_ops *ops = r->ops;
	int w = WD_FAKE0 + me->idx;
	u64 s = me->seed;

	t_thread_start(r);
	while (!T_LOAD(r->stop)) {
		struct revocable *revs[T_FAKE_BATCH];
		struct t_res *res[T_FAKE_BATCH];
		int n = (int)t_range(&s, 1, T_FAKE_BATCH), i;

		if (t_halted(r))
			continue;
		for (i = 0; i < n; i++) {
			res[i] = t_res_new(0);
			revs[i] = ops->create(res[i], t_release, r);
			if (!revs[i]) {
				t_out("!!! [%s] create() failed (out of memory?)\n",
				      ops->name);
				_exit(T_EXIT_FAIL);
			}
		}
		for (i = 0; i < n; i++) {
			struct rev_handle h;
			void *p;

			if (t_rand(&s) & 1)
				continue;
			p = ops->try_access(revs[i], &h);
			if (!p)
				t_fail(r, F_OTHER, "fake revoker %d: try_access on a live revocable failed",
				       me->idx);
			else
				ops->release(revs[i], &h);	/* no revoke: 0 */
		}
		t_wd_begin(r, w, 0);
		if (ops->revoke_many && n > 1 && (t_rand(&s) & 1)) {
			ops->revoke_many(revs, n);
			T_INC(me->fmany);
		} else {
			for (i = 0; i < n; i++)
				ops->revoke(revs[i]);
		}
		t_wd_end(r, w);
		WRITE_ONCE(me->frevokes, me->frevokes + n);
		if (r->deferred) {
			t_wd_begin(r, w, 0);
			ops->deferred_barrier();
			t_wd_end(r, w);
			T_INC(me->fbarriers);
		}
		for (i = 0; i < n; i++) {
			struct rev_handle h;
			int rel = T_LOAD(res[i]->released);

			if (ops->try_access(revs[i], &h)) {
				ops->release(revs[i], &h);
				t_fail(r, F_LATE, "fake revoker %d: try_access succeeded after its own revoke returned",
				       me->idx);
			}
			if (rel == 0)
				t_fail(r, F_UNRELEASED, "fake revoker %d: revoke returned, release callback never ran",
				       me->idx);
			ops->destroy(revs[i]);
			if (rel)
				rb_free(res[i]);
		}
		if ((t_rand(&s) & 7) == 0)
			rb_sleep_us((unsigned int)t_range(&s, 10, 1000));
	}
	rb_thread_exit();
	return NULL;
}

/* ---- control: summaries, shuffle, stutter, watchdog ---- */

static void t_summary(struct t_run *r, const char *tag)
{
	unsigned long acc = 0, enodev = 0, retries = 0, spec = 0, sleeps = 0;
	unsigned long stalls = 0, many = 0, lingers = 0, frev = 0, fmany = 0;
	unsigned long pipe[T_PIPE_LEN] = { 0 };
	char pbuf[256], fbuf[256];
	double t = t_sec(r);
	unsigned long revokes = READ_ONCE(r->revokes);
	long nf = t_nfails(r);
	int i, j, off = 0;

	for (i = 0; i < r->o->readers; i++) {
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
	for (i = 0; i < r->o->fake; i++) {
		frev += READ_ONCE(r->fakes[i].frevokes);
		fmany += READ_ONCE(r->fakes[i].fmany);
	}
	for (j = 0; j < T_PIPE_LEN; j++)
		off += snprintf(pbuf + off, sizeof(pbuf) - off, " %lu", pipe[j]);
	off = 0;
	for (j = 0; j < F_NR; j++)
		off += snprintf(fbuf + off, sizeof(fbuf) - off, "%s%s %ld",
				j ? ", " : "", f_names[j], T_LOAD(r->fails[j]));
	t_out("%s[%s] %s t=%.1fs revokes %lu (%.0f/s, mean %.1f us, max %.3f ms)"
	      " fake-revokes %lu (batched %lu) accesses %lu -ENODEV %lu"
	      " retries %lu (poison seen speculatively %lu) | stalls %lu"
	      " sleeps %lu many %lu lingers %lu create-races %lu revoke-races %lu"
	      " stutters %lu shuffles %lu barriers %lu freed %lu\n",
	      nf ? "!!! " : "", r->ops->name, tag, t, revokes,
	      t > 0 ? revokes / t : 0.0,
	      revokes ? READ_ONCE(r->revoke_sum_ns) / 1e3 / revokes : 0.0,
	      READ_ONCE(r->revoke_max_ns) / 1e6, frev, fmany, acc, enodev,
	      retries, spec, stalls, sleeps, many, lingers,
	      READ_ONCE(r->create_races), READ_ONCE(r->revoke_races),
	      READ_ONCE(r->stutters), READ_ONCE(r->shuffles),
	      READ_ONCE(r->barriers), READ_ONCE(r->freed));
	t_out("%s[%s] %s pipe:%s | failures %ld: %s\n", nf ? "!!! " : "",
	      r->ops->name, tag, pbuf, nf, fbuf);
}

static void t_affinity(struct t_run *r, int idle)
{
	cpu_set_t set;
	int i;

	CPU_ZERO(&set);
	for (i = 0; i < t_ncpus; i++)
		if (i != idle)
			CPU_SET(t_cpus[i], &set);
#define T_PIN(t)							\
	do {								\
		if ((t)->started)					\
			pthread_setaffinity_np((t)->th, sizeof(set), &set); \
	} while (0)
	for (i = 0; i < r->o->readers; i++)
		T_PIN(&r->readers[i]);
	for (i = 0; i < r->o->fake; i++)
		T_PIN(&r->fakes[i]);
	T_PIN(&r->writer);
	T_PIN(&r->racer);
#undef T_PIN
}

static void *t_watchdog(void *arg)
{
	(void)arg;
	while (!T_LOAD(t_wd_quit)) {
		struct t_run *r = T_LOAD(t_cur);
		u64 now = rb_now_ns(), bound = (u64)(t_wd_bound * 1e9);
		int i;

		rb_sleep_us(20000);
		if (!r)
			continue;
		for (i = 0; i < WD_NR; i++) {
			u64 st = T_LOAD(r->wd[i].start);
			char who[32];

			if (!st || now < st || now - st <= bound)
				continue;
			if (i == WD_WRITER)
				snprintf(who, sizeof(who), "writer's revoke");
			else if (i == WD_RACER)
				snprintf(who, sizeof(who), "racer's revoke");
			else if (i == WD_BARRIER)
				snprintf(who, sizeof(who), "deferred_barrier");
			else if (i == WD_TEARDOWN)
				snprintf(who, sizeof(who), "stopping the threads");
			else
				snprintf(who, sizeof(who), "fake revoker %d",
					 i - WD_FAKE0);
			t_fail(r, F_HANG,
			       "%s (generation %llu) started at t=%.3fs and has not returned after %.1f s: hung",
			       who, (unsigned long long)T_LOAD(r->wd[i].gen),
			       (double)(st - r->t0) / 1e9, t_wd_bound);
			t_summary(r, "at watchdog");
			t_out("!!! [%s] FAIL: hung (watchdog %.1f s); first-failure-s=%.3f\n",
			      r->ops->name, t_wd_bound,
			      (double)(T_LOAD(r->first_fail) - 1) / 1e9);
			t_out("torture: a hung thread cannot be joined: exiting with status 1 (primitives after %s not run)\n",
			      r->ops->name);
			fflush(stdout);
			fflush(stderr);
			_exit(T_EXIT_FAIL);
		}
	}
	return NULL;
}

static void t_start(struct t_thr *t, struct t_run *r, int idx, int role,
		    void *(*fn)(void *))
{
	t->run = r;
	t->idx = idx;
	t->seed = t_mix(r->o->seed ^ t_name_hash(r->ops->name) ^
			((u64)role << 32) ^ (u64)idx);
	if (pthread_create(&t->th, NULL, fn, t)) {
		t_out("!!! [%s] pthread_create failed\n", r->ops->name);
		_exit(T_EXIT_FAIL);
	}
	t->started = true;
}

/* One primitive for secs seconds.  Returns its failure count. */
static long t_run_one(const struct t_opts *o, int idx, double secs,
		      double *first_s)
{
	const struct revocable_ops *ops = o->list[idx];
	struct t_run *r = &t_runs[idx];
	u64 s, now, next_stat, next_shuffle, phase_end;
	int i, idle = 0;
	char caps[96];
	long nf;

	r->ops = ops;
	r->o = o;
	r->retry = ops->caps & REV_CAP_RETRY;
	r->deferred = ops->caps & REV_CAP_DEFERRED;
	r->blocking = !r->retry && !r->deferred;
	r->may_sleep = ops->caps & REV_CAP_SLEEP;
	r->pert = o->perturb;
	r->next_gen = 1;
	r->epoch = 1;
	s = t_mix(o->seed ^ t_name_hash(ops->name));
	t_out("[%s] torture: caps %s; %d readers, %d fake revokers, %d slots; %.1f s; watchdog %.1f s; seed %llu\n",
	      ops->name, rev_caps_str(ops->caps, caps, sizeof(caps)),
	      o->readers, o->fake, T_NSLOTS, secs, o->watchdog,
	      (unsigned long long)o->seed);
	for (i = 0; i < T_NSLOTS; i++)
		r->slots[i] = t_round_new(r);
	r->t0 = rb_now_ns();
	r->t_end = r->t0 + (u64)(secs * 1e9);
	T_STORE(t_cur, r);
	for (i = 0; i < o->readers; i++)
		t_start(&r->readers[i], r, i, 1, t_reader);
	for (i = 0; i < o->fake; i++)
		t_start(&r->fakes[i], r, i, 2, t_fake);
	t_start(&r->racer, r, 0, 3, t_racer);
	t_start(&r->writer, r, 0, 4, t_writer);

	now = rb_now_ns();
	next_stat = now + (u64)(o->stat_interval * 1e9);
	next_shuffle = now + t_range(&s, 200, 1000) * 1000000ULL;
	phase_end = now + t_range(&s, 500, 3000) * 1000000ULL;
	for (;;) {
		rb_sleep_us(5000);
		now = rb_now_ns();
		if (now >= r->t_end || t_sig ||
		    (o->stop_on_fail && t_nfails(r)))
			break;
		if ((r->pert & (1U << P_STUTTER)) && now >= phase_end) {
			if (!T_LOAD(r->halt)) {
				u64 ms = t_range(&s, 20, 300);

				T_STORE(r->halt, 1);
				T_INC(r->stutters);
				phase_end = now + ms * 1000000ULL;
				t_log(r, "stutter: halt %llu ms",
				      (unsigned long long)ms);
			} else {
				u64 ms = t_range(&s, 500, 3000);

				T_STORE(r->halt, 0);
				phase_end = now + ms * 1000000ULL;
				t_log(r, "stutter: run %llu ms",
				      (unsigned long long)ms);
			}
		}
		if ((r->pert & (1U << P_SHUFFLE)) && t_ncpus > 1 &&
		    now >= next_shuffle) {
			idle = (idle + 1) % (t_ncpus + 1);
			t_affinity(r, idle);
			T_INC(r->shuffles);
			if (idle < t_ncpus)
				t_log(r, "shuffle: CPU %d idle", t_cpus[idle]);
			else
				t_log(r, "shuffle: no CPU idle");
			next_shuffle = now + t_range(&s, 200, 1000) * 1000000ULL;
		}
		if (now >= next_stat) {
			t_summary(r, "");
			next_stat = now + (u64)(o->stat_interval * 1e9);
		}
	}

	/* Stop.  A thread stuck in a hung revoke trips the watchdog. */
	T_STORE(r->halt, 0);
	T_STORE(r->stop, 1);
	t_wd_begin(r, WD_TEARDOWN, 0);
	pthread_join(r->writer.th, NULL);
	pthread_join(r->racer.th, NULL);
	for (i = 0; i < o->readers; i++)
		pthread_join(r->readers[i].th, NULL);
	for (i = 0; i < o->fake; i++)
		pthread_join(r->fakes[i].th, NULL);
	t_wd_end(r, WD_TEARDOWN);

	/* Revoke what is still live, then free everything. */
	for (i = 0; i < T_NSLOTS; i++) {
		struct t_round *rd = r->slots[i];
		u64 dt;

		T_STORE(rd->revoking, 1);
		t_wd_begin(r, WD_WRITER, rd->gen);
		ops->revoke(rd->rev);
		dt = t_wd_end(r, WD_WRITER);
		t_after_revoke(r, rd, dt);
		t_retire(r, rd);
	}
	if (r->deferred)
		t_barrier(r);
	t_reclaim(r);
	if (r->ret_head)
		t_out("!!! [%s] internal: %s retired rounds left unreclaimed\n",
		      ops->name, "some");
	T_STORE(t_cur, NULL);

	t_summary(r, "final");
	nf = t_nfails(r);
	*first_s = nf ? (double)(T_LOAD(r->first_fail) - 1) / 1e9 : -1;
	if (nf)
		t_out("!!! [%s] FAIL: %ld failures; first-failure-s=%.3f%s\n",
		      ops->name, nf, *first_s,
		      (ops->caps & REV_CAP_BROKEN) ?
		      " (deliberately broken: failing is what it is for)" : "");
	else if (t_sig)
		t_out("[%s] INTERRUPTED after %.1f s: no failures so far\n",
		      ops->name, t_sec(r));
	else
		t_out("[%s] PASS: %.1f s, %lu revokes, no failures%s\n",
		      ops->name, t_sec(r), r->revokes,
		      (ops->caps & REV_CAP_BROKEN) ?
		      " (deliberately broken, NOT caught this time)" : "");
	return nf;
}

/* ---- command line ---- */

static void t_usage(FILE *f)
{
	int i;

	fprintf(f,
"usage: revbench torture [--primitive LIST] [--bug LIST] [--duration S]\n"
"                        [--seed N] [--readers N] [--fake-revokers N]\n"
"                        [--watchdog S] [--stat-interval S] [--stop-on-fail]\n"
"                        [--perturb LIST | --no-perturb LIST] [--verbose]\n"
"       revbench torture --list-bugs | --list-primitives\n"
"  rcutorture-style stress: readers, a revoking writer, fake revokers and\n"
"  seeded perturbations; every failure is printed on a line starting \"!!!\".\n"
"  --primitive LIST   comma-separated primitives, or \"all\" (default: every\n"
"                     primitive except \"none\", which is unsafe by design)\n"
"  --bug LIST         deliberately broken variants, or \"all\" (test build\n"
"                     only: build/test/revbench-torture)\n"
"  --duration S       whole run in seconds, split evenly between the\n"
"                     primitives (default 10)\n"
"  --seed N           replay a run's perturbation choices (default: clock)\n"
"  --readers N        reader threads (default 3, max %d)\n"
"  --fake-revokers N  (default 1, max %d)\n"
"  --watchdog S       a revoke taking longer is a hang: fail and exit 1\n"
"                     (default 10)\n"
"  --stat-interval S  summary line period (default 5)\n"
"  --stop-on-fail     end a primitive's run at its first failure\n"
"  --perturb LIST, --no-perturb LIST   enable only / disable these (or\n"
"                     \"all\"; --perturb none disables every one):\n"
"                    ", T_MAX_READERS, T_MAX_FAKE);
	for (i = 0; i < P_NR; i++)
		fprintf(f, "%s%s", i ? "," : "", p_names[i]);
	fprintf(f,
"\n  Exit: 0 no failure, 1 failures (or a hang), 2 bad input, 130 SIGINT.\n");
}

static int t_bad(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "revbench torture: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(revbench torture --help for usage)\n");
	return T_EXIT_USAGE;
}

static int t_num(const char *opt, const char *s, double lo, double hi,
		 double *v)
{
	char *end;

	errno = 0;
	*v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(*v) || *v <= lo || *v > hi)
		return t_bad("%s: expected a number of seconds > %g and <= %g, got '%s'",
			     opt, lo, hi, s);
	return 0;
}

static int t_int(const char *opt, const char *s, long lo, long hi, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(s, &end, 10);
	if (errno || end == s || *end || *v < lo || *v > hi)
		return t_bad("%s: expected an integer in %ld..%ld, got '%s'",
			     opt, lo, hi, s);
	return 0;
}

static int t_add(struct t_opts *o, const struct revocable_ops *ops)
{
	int i;

	for (i = 0; i < o->n; i++)
		if (o->list[i] == ops)
			return 0;
	if (o->n == T_MAX_LIST)
		return t_bad("too many primitives");
	o->list[o->n++] = ops;
	return 0;
}

static int t_parse_list(struct t_opts *o, const char *arg, bool bugs)
{
	char buf[1024], *tok, *save = NULL;
	int i;

	if (strlen(arg) >= sizeof(buf) || !*arg)
		return t_bad("%s: bad list '%s'", bugs ? "--bug" : "--primitive",
			     arg);
	strcpy(buf, arg);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		const struct revocable_ops *ops;

		if (bugs) {
#ifdef REVBENCH_BUGS
			if (!strcmp(tok, "all")) {
				for (i = 0; i < rev_bug_zoo_count; i++)
					if (t_add(o, rev_bug_zoo[i]))
						return T_EXIT_USAGE;
				continue;
			}
			ops = rev_bug_find(tok);
			if (!ops)
				return t_bad("unknown bug '%s' (--list-bugs lists them)",
					     tok);
#else
			(void)ops;
			return t_bad("the bug zoo is built into the test build only, "
				     "not into this benchmark binary: run "
				     "build/test/revbench-torture --bug %s "
				     "(make torture-build)", tok);
#endif
		} else {
			if (!strcmp(tok, "all")) {
				for (i = 0; i < rev_ops_count; i++) {
					ops = rev_ops_all[i];
					if (ops->caps & REV_CAP_UNSAFE) {
						printf("torture: SKIP %s: unsafe by design (no protection against revoke); name it with --primitive to watch it fail\n",
						       ops->name);
						t_unsafe_skipped++;
						continue;
					}
					if (!(ops->caps & REV_CAP_BROKEN) &&
					    t_add(o, ops))
						return T_EXIT_USAGE;
				}
				continue;
			}
			ops = rev_ops_find(tok);
			if (!ops)
				return t_bad("unknown primitive '%s' (revbench list; "
					     "broken variants: --bug, test build only)",
					     tok);
		}
		if (t_add(o, ops))
			return T_EXIT_USAGE;
	}
	return 0;
}

static int t_parse_perturb(struct t_opts *o, const char *arg, bool only)
{
	char buf[512], *tok, *save = NULL;
	unsigned int mask = 0;
	int i;

	if (strlen(arg) >= sizeof(buf) || !*arg)
		return t_bad("%s: bad perturbation list '%s'",
			     only ? "--perturb" : "--no-perturb", arg);
	strcpy(buf, arg);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "all")) {
			mask = (1U << P_NR) - 1;
			continue;
		}
		if (only && !strcmp(tok, "none"))
			continue;
		for (i = 0; i < P_NR; i++)
			if (!strcmp(tok, p_names[i]))
				break;
		if (i == P_NR)
			return t_bad("unknown perturbation '%s' (--help lists them)",
				     tok);
		mask |= 1U << i;
	}
	o->perturb = only ? mask : (o->perturb & ~mask);
	return 0;
}

static void t_on_signal(int sig)
{
	(void)sig;
	t_sig = 1;
}

int cmd_torture(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "primitive", required_argument, NULL, 'p' },
		{ "bug", required_argument, NULL, 'b' },
		{ "duration", required_argument, NULL, 'd' },
		{ "seed", required_argument, NULL, 's' },
		{ "readers", required_argument, NULL, 'r' },
		{ "fake-revokers", required_argument, NULL, 'f' },
		{ "watchdog", required_argument, NULL, 'w' },
		{ "stat-interval", required_argument, NULL, 'i' },
		{ "stop-on-fail", no_argument, NULL, 'S' },
		{ "perturb", required_argument, NULL, 'P' },
		{ "no-perturb", required_argument, NULL, 'N' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "list-bugs", no_argument, NULL, 'L' },
		{ "list-primitives", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct t_opts o;
	bool seeded = false, list_bugs = false, list_prims = false;
	struct sigaction sa;
	pthread_t wd;
	cpu_set_t cs;
	int c, i, rc, passed = 0, failed = 0, skipped = 0;

	t_unsafe_skipped = 0;
	long v;

	memset(&o, 0, sizeof(o));
	o.duration = 10;
	o.readers = 3;
	o.fake = 1;
	o.watchdog = 10;
	o.stat_interval = 5;
	o.perturb = (1U << P_NR) - 1;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":p:b:d:s:r:f:w:i:SP:N:vLlh", lopts,
				NULL)) != -1) {
		rc = 0;
		switch (c) {
		case 'p':
			rc = t_parse_list(&o, optarg, false);
			break;
		case 'b':
			rc = t_parse_list(&o, optarg, true);
			break;
		case 'd':
			rc = t_num("--duration", optarg, 0, 1e7, &o.duration);
			break;
		case 's': {
			char *end;

			errno = 0;
			if (!*optarg || *optarg == '-')
				return t_bad("--seed: expected an unsigned integer, got '%s'",
					     optarg);
			o.seed = strtoull(optarg, &end, 0);
			if (errno || *end)
				return t_bad("--seed: expected an unsigned integer, got '%s'",
					     optarg);
			seeded = true;
			break;
		}
		case 'r':
			rc = t_int("--readers", optarg, 1, T_MAX_READERS, &v);
			o.readers = (int)v;
			break;
		case 'f':
			rc = t_int("--fake-revokers", optarg, 0, T_MAX_FAKE, &v);
			o.fake = (int)v;
			break;
		case 'w':
			rc = t_num("--watchdog", optarg, 0, 1e6, &o.watchdog);
			break;
		case 'i':
			rc = t_num("--stat-interval", optarg, 0, 1e6,
				   &o.stat_interval);
			break;
		case 'S':
			o.stop_on_fail = true;
			break;
		case 'P':
			rc = t_parse_perturb(&o, optarg, true);
			break;
		case 'N':
			rc = t_parse_perturb(&o, optarg, false);
			break;
		case 'v':
			o.verbose = true;
			break;
		case 'L':
			list_bugs = true;
			break;
		case 'l':
			list_prims = true;
			break;
		case 'h':
			t_usage(stdout);
			return 0;
		case ':':
			return t_bad("%s needs a value", argv[optind - 1]);
		default:
			return t_bad("unknown option '%s'", argv[optind - 1]);
		}
		if (rc)
			return rc;
	}
	if (optind < argc)
		return t_bad("unexpected argument '%s'", argv[optind]);
	if (list_bugs) {
#ifdef REVBENCH_BUGS
		for (i = 0; i < rev_bug_zoo_count; i++)
			printf("%s\t%s\n", rev_bug_zoo[i]->name,
			       rev_bug_zoo[i]->desc);
		return 0;
#else
		return t_bad("the bug zoo is built into the test build only, not "
			     "into this benchmark binary: run "
			     "build/test/revbench-torture --list-bugs");
#endif
	}
	if (list_prims) {
		for (i = 0; i < rev_ops_count; i++)
			if (!(rev_ops_all[i]->caps &
			      (REV_CAP_UNSAFE | REV_CAP_BROKEN)))
				printf("%s\n", rev_ops_all[i]->name);
		return 0;
	}
	if (!(o.perturb & (1U << P_FAKE)))
		o.fake = 0;
	if (!seeded)
		o.seed = rb_now_ns() ^ ((u64)getpid() << 32);
	if (!o.n) {
		for (i = 0; i < rev_ops_count; i++) {
			const struct revocable_ops *ops = rev_ops_all[i];

			if (ops->caps & REV_CAP_UNSAFE) {
				printf("torture: SKIP %s: unsafe by design (no protection against revoke); name it with --primitive to watch it fail\n",
				       ops->name);
				skipped++;
			} else if (!(ops->caps & REV_CAP_BROKEN)) {
				t_add(&o, ops);
			}
		}
	}

	setvbuf(stdout, NULL, _IOLBF, 0);
	t_wd_bound = o.watchdog;
	t_ncpus = 0;
	if (!sched_getaffinity(0, sizeof(cs), &cs))
		for (i = 0; i < CPU_SETSIZE; i++)
			if (CPU_ISSET(i, &cs))
				t_cpus[t_ncpus++] = i;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = t_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (rb_thread_init()) {
		fprintf(stderr, "revbench torture: rb_thread_init failed\n");
		return T_EXIT_FAIL;
	}
	for (i = 0; i < o.n; i++)
		if (o.list[i]->global_init && o.list[i]->global_init()) {
			printf("!!! torture: %s: global_init failed\n",
			       o.list[i]->name);
			return T_EXIT_FAIL;
		}
	printf("torture: %d primitive(s), %.1f s in all (%.1f s each), seed %llu, %d CPUs allowed\n",
	       o.n, o.duration, o.duration / o.n, (unsigned long long)o.seed,
	       t_ncpus);
	printf("torture: perturbations:");
	for (i = 0; i < P_NR; i++)
		if (o.perturb & (1U << i))
			printf(" %s", p_names[i]);
	printf("%s\n", t_ncpus < 2 && (o.perturb & (1U << P_SHUFFLE)) ?
	       " (shuffle: only one CPU allowed, no idle-CPU rotation)" : "");
	printf("torture: replay with --seed %llu\n", (unsigned long long)o.seed);
	if (pthread_create(&wd, NULL, t_watchdog, NULL)) {
		fprintf(stderr, "revbench torture: cannot start the watchdog\n");
		return T_EXIT_FAIL;
	}
	for (i = 0; i < o.n && !t_sig; i++) {
		double first;
		long nf = t_run_one(&o, i, o.duration / o.n, &first);

		if (nf)
			failed++;
		else if (!t_sig)
			passed++;
	}
	T_STORE(t_wd_quit, 1);
	pthread_join(wd, NULL);
	for (i = 0; i < o.n; i++)
		if (o.list[i]->global_exit)
			o.list[i]->global_exit();
	rb_thread_exit();
	if (t_sig)
		printf("torture: INTERRUPTED: %d passed, %d failed, %d not finished or not run; seed %llu\n",
		       passed, failed, o.n - passed - failed,
		       (unsigned long long)o.seed);
	else
		printf("torture: %d passed, %d failed, %d skipped; seed %llu\n",
		       passed, failed, skipped + t_unsafe_skipped,
		       (unsigned long long)o.seed);
	fflush(stdout);
	if (t_sig)
		return T_EXIT_INTR;
	return failed ? T_EXIT_FAIL : 0;
}

#ifdef RB_TORTURE_MAIN
/* build/<variant>/revbench-torture: the torture command on its own. */
int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "torture"))
		return cmd_torture(argc - 1, argv + 1);
	argv[0] = (char *)"torture";
	return cmd_torture(argc, argv);
}
#endif
