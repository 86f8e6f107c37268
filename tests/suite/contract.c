// SPDX-License-Identifier: GPL-2.0
/*
 * contract.c - the revocation contract (primitives/revocable.h), checked
 * for every ops table in rev_ops_all[], and the suite's driver.  Shared by
 * userspace and the kernel module (suite.h); kernel style, compat.h only.
 *
 * The cases, each one test point per entry, and what they check:
 *
 *   footprint             create() succeeds; footprint() reports a size.
 *   access_after_revoke   try_access() returns the resource and release()
 *                         returns 0 before revoke(); once revoke()
 *                         returns, try_access() fails (1000 tries before
 *                         any deferred_barrier(), 1000 after).
 *   release_once          the release callback has not run before
 *                         revoke(), has run exactly once by its return
 *                         (DEFERRED: by deferred_barrier()), got the arg
 *                         given to create(); a second revoke() is a no-op;
 *                         destroy() does not run it again.
 *   nested_handles        RBT_NESTED accesses in flight at once from one
 *                         thread (more than any per-context slot array)
 *                         all succeed and release 0.
 *   revoke_many           revoke_many() over RBT_MANY_NR revocables and
 *                         no reader: the same, per object (SKIP if NULL).
 *   revoke_waits_reader   a reader thread holds an access and spins for
 *     sleeping_reader     hold_ms once revoke() has begun in another
 *                         thread (sleeping_reader: sleeps; SLEEP only).
 *                         Blocking primitives: revoke() has not returned
 *                         and the release callback has not run at the end
 *                         of the hold, nor at any 1 ms step of it; revoke()
 *                         returns only after the reader let go.  DEFERRED:
 *                         the release callback does not run while the
 *                         reader holds.  RETRY + BOUNDED: revoke()
 *                         completes under the speculating reader, whose
 *                         release() must then say -EAGAIN.  Then: the
 *                         reader was never cut off (or is told to retry),
 *                         release() returned 0 (or -EAGAIN), every release
 *                         callback ran exactly once by each revoke's
 *                         return and in all, and access after it fails.
 *   revoke_many_waits_reader  the same with revoke_many() over RBT_MANY_NR,
 *                         the reader holding the middle one.
 *   overlapping_revokes   the same with two revokes racing from one start
 *                         line (two unbind paths): neither returns while
 *                         the reader holds, and when EACH returns the
 *                         release callback has run exactly once (the
 *                         loser of the race must wait for the winner).
 *   overlapping_revoke_many  revoke_many() over all racing a revoke() of
 *                         the one the reader holds.
 *   destroy_after_failed_access  the destroy contract (revocable.h):
 *                         RBT_FAILERS threads keep calling try_access()
 *                         while revoke() runs and after it returned (each
 *                         sees RBT_TRIES failures after the return); the
 *                         revocable is destroyed as soon as the last of
 *                         them has returned from its last call, with no
 *                         grace period or barrier in between: every
 *                         access after the return failed, none was in
 *                         flight at destroy(), and a sanitizer (ASan,
 *                         KASAN) sees any touch of the freed revocable
 *                         after it (a callback or work item a failing
 *                         access left behind).
 *   guard_waits_reader    REV_CAP_GUARD entries (one read-side guard over
 *                         several revocables, Rust's
 *                         try_access_with_guard): a reader takes ONE guard
 *                         and accesses RBT_GUARD_NR revocables under it,
 *                         then holds it for hold_ms (spinning) once a
 *                         revoke() of the middle one has begun.  The same
 *                         checks as revoke_waits_reader for that one (not
 *                         returned, not released at the end of the hold or
 *                         at any 1 ms step; returns only after guard_exit;
 *                         DEFERRED: not released while held), then, per
 *                         revocable under a new guard: the revoked one
 *                         fails (-ENODEV), the other two still succeed and
 *                         were not released.
 *   foreign_rcu_reader    REV_CAP_BOUNDED entries: a thread parks inside a
 *                         bare RCU read-side section (rb_rcu_read_lock(),
 *                         some other subsystem's reader, not this
 *                         primitive) on another CPU, spinning until the
 *                         revoke has returned (at most hold_ms + 1000 ms);
 *                         a bounded revoke must return while it is still
 *                         inside.  An entry whose revoke waits for an RCU
 *                         grace period (percpu_ref's kill_and_confirm()
 *                         too) cannot, so it must not claim BOUNDED; the
 *                         others are skipped with the reason.
 *
 * Every contract case makes its calls through rbt_try(), rbt_rel() and
 * rbt_destroy(), which count the calls in flight on each revocable of
 * the case (rbt_track): destroy() with a call in flight, or any call on
 * a destroyed revocable, is a failed check - the suite holds itself to
 * the destroy contract it asks of every caller.
 *   stress                (stress.c) readers hammer a page table while a
 *                         revoker revokes and re-creates it.
 *
 * REV_CAP_UNSAFE entries skip every case from revoke_waits_reader on,
 * each a SKIP with its reason.  See suite.h for REV_CAP_BROKEN entries and
 * the output.
 */
#include "revocable.h"
#include "suite.h"

#define RBT_NESTED	12	/* more than any per-context slot array */
/* NONEST entries nest over this many revocables: lockdep's subclasses */
#define RBT_NESTED_SPREAD	8
#define RBT_MANY_NR	16	/* revoke_many()'s batch */
#define RBT_TRIES	1000	/* try_access() calls after a revoke */
#define RBT_FAILERS	3	/* destroy_after_failed_access's threads */
#define RBT_TRACK	64	/* revocables one case may track */

/* ------------------------------------------------------------------ */
/*
 * The destroy contract, from the caller's side: the calls in flight on
 * each revocable of the case.  Slots are claimed with cmpxchg (readers
 * and revokers are threads); the table is cleared at the start of each
 * case, when no thread of the previous one runs.
 */
struct rbt_track {
	struct revocable *rev;
	atomic_t inflight;	/* try_access()/release() calls running */
	int destroyed;
};

static struct rbt_track rbt_tracked[RBT_TRACK];

static void rbt_track_reset(void)
{
	int i;

	for (i = 0; i < RBT_TRACK; i++) {
		WRITE_ONCE(rbt_tracked[i].rev, NULL);
		atomic_set(&rbt_tracked[i].inflight, 0);
		WRITE_ONCE(rbt_tracked[i].destroyed, 0);
	}
}

/* rev's entry (claimed on first use); NULL only if the table is full. */
static struct rbt_track *rbt_track(struct revocable *rev)
{
	unsigned int h = (unsigned int)((unsigned long)rev >> 4), i;

	for (i = 0; i < RBT_TRACK; i++) {
		struct rbt_track *e = &rbt_tracked[(h + i) % RBT_TRACK];
		struct revocable *k = READ_ONCE(e->rev);

		if (k == rev)
			return e;
		if (!k && (cmpxchg(&e->rev, (struct revocable *)NULL, rev) ==
			   NULL || READ_ONCE(e->rev) == rev))
			return e;
	}
	return NULL;
}

/* The suite's calls into the ops table (see the top of this file). */
static void *rbt_try(struct rbt *t, struct revocable *rev,
		     struct rev_handle *h)
{
	struct rbt_track *e = rbt_track(rev);
	void *p;

	if (e && READ_ONCE(e->destroyed)) {
		rbt_check(t, false, "no try_access() on a destroyed revocable");
		return NULL;
	}
	if (e)
		atomic_inc(&e->inflight);
	p = t->ops->try_access(rev, h);
	if (e && !p)
		atomic_dec(&e->inflight);
	return p;
}

static int rbt_rel(struct rbt *t, struct revocable *rev, struct rev_handle *h)
{
	struct rbt_track *e = rbt_track(rev);
	int rc = t->ops->release(rev, h);

	if (e)
		atomic_dec(&e->inflight);
	return rc;
}

static void rbt_destroy(struct rbt *t, struct revocable *rev)
{
	struct rbt_track *e = rbt_track(rev);
	int n = e ? atomic_read(&e->inflight) : 0;

	if (n)
		rbt_check(t, false,
			  "destroy() with %d access(es) in flight on the revocable (the destroy contract)",
			  n);
	if (e)
		WRITE_ONCE(e->destroyed, 1);
	t->ops->destroy(rev);
}

/* ------------------------------------------------------------------ */
/* the test resource: stamped live, poisoned and quarantined on release */

#define RBT_LIVE	0x4c4956455245534fULL	/* "LIVERESO" */
#define RBT_POISON	0x6b6b6b6b6b6b6b6bULL	/* slab's POISON_FREE */
#define RBT_WORDS	8

struct rbt_res {
	u64 magic;
	u64 words[RBT_WORDS];
	atomic_t released;	/* release callback runs */
	void *arg_seen;		/* the arg it was given */
	struct rbt_res *next;	/* quarantine list */
};

/*
 * Released resources stay here, poisoned, until the case has joined its
 * threads and settled: a late reader (a broken entry's, or a TYPESTABLE
 * entry's speculating one) reads poison, never freed memory, and the
 * suite's own checks, not a crash, report it.  Pushed with cmpxchg: the
 * release callback may run in softirq (call_rcu()).
 */
static struct rbt_res *rbt_quarantine;

static struct rbt_res *rbt_res_new(void)
{
	struct rbt_res *r = rb_zalloc(sizeof(*r));
	int i;

	if (!r)
		return NULL;
	for (i = 0; i < RBT_WORDS; i++)
		WRITE_ONCE(r->words[i], RBT_LIVE);
	smp_store_release(&r->magic, RBT_LIVE);
	return r;
}

/* The release callback: poison, count, quarantine (once). */
static void rbt_res_release(void *res, void *arg)
{
	struct rbt_res *r = res;
	struct rbt_res *old;
	int i;

	WRITE_ONCE(r->arg_seen, arg);
	WRITE_ONCE(r->magic, RBT_POISON);
	for (i = 0; i < RBT_WORDS; i++)
		WRITE_ONCE(r->words[i], RBT_POISON);
	/* Poison first: whoever sees the count sees the poison. */
	if (atomic_inc_return(&r->released) > 1)
		return;		/* a double release: counted, not queued twice */
	do {
		old = READ_ONCE(rbt_quarantine);
		r->next = old;
	} while (cmpxchg(&rbt_quarantine, old, r) != old);
}

static bool rbt_res_intact(const struct rbt_res *r)
{
	int i;

	if (READ_ONCE(r->magic) != RBT_LIVE)
		return false;
	for (i = 0; i < RBT_WORDS; i++)
		if (READ_ONCE(r->words[i]) != RBT_LIVE)
			return false;
	return true;
}

static int rbt_released(const struct rbt_res *r)
{
	return atomic_read(&r->released);
}

/* Free the quarantine: only once no reader can reach a resource. */
static void rbt_drain(void)
{
	struct rbt_res *r = xchg(&rbt_quarantine, NULL), *n;

	for (; r; r = n) {
		n = r->next;
		rb_free(r);
	}
}

/* ------------------------------------------------------------------ */
/* a set of revocables over fresh resources */

struct rbt_set {
	int n;				/* created */
	struct rbt_res *res[RBT_MANY_NR];
	struct revocable *revs[RBT_MANY_NR];
};

static void rbt_settle(const struct revocable_ops *ops)
{
	if (ops->deferred_barrier)
		ops->deferred_barrier();
}

/* n revocables, arg given to each create(); a failed check if not. */
static bool rbt_set_create(struct rbt *t, struct rbt_set *s, int n,
			   void *arg)
{
	struct rbt_res *r;

	for (s->n = 0; s->n < n; s->n++) {
		r = rbt_res_new();
		if (!r)
			break;
		s->res[s->n] = r;
		s->revs[s->n] = t->ops->create(r, rbt_res_release, arg);
		if (!s->revs[s->n]) {
			rb_free(r);
			break;
		}
	}
	return rbt_check(t, s->n == n, "create %d revocable(s) (%d created)",
			 n, s->n);
}

/* Revoke what is left (no reader runs now), settle, destroy. */
static void rbt_set_destroy(struct rbt *t, struct rbt_set *s)
{
	int i;

	for (i = 0; i < s->n; i++)
		t->ops->revoke(s->revs[i]);
	rbt_settle(t->ops);
	for (i = 0; i < s->n; i++)
		rbt_destroy(t, s->revs[i]);
}

/* Free the resources: those never released directly, then the rest. */
static void rbt_set_free(struct rbt_set *s)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (!rbt_released(s->res[i]))
			rb_free(s->res[i]);
	s->n = 0;
	rbt_drain();
}

static void rbt_set_done(struct rbt *t, struct rbt_set *s)
{
	rbt_set_destroy(t, s);
	rbt_set_free(s);
}

/* How many of revs[0..n) still grant an access, out of tries each. */
static int rbt_late_accesses(struct rbt *t, struct revocable **revs, int n,
			     int tries)
{
	struct rev_handle h;
	int i, k, late = 0;

	for (i = 0; i < n; i++)
		for (k = 0; k < tries; k++) {
			if (!rbt_try(t, revs[i], &h))
				continue;
			rbt_rel(t, revs[i], &h);
			late++;
		}
	return late;
}

/* How many of res[0..n) were released other than exactly once. */
static int rbt_not_once(struct rbt_res *const *res, int n)
{
	int i, bad = 0;

	for (i = 0; i < n; i++)
		bad += rbt_released(res[i]) != 1;
	return bad;
}

/* Readers of a TYPESTABLE entry may read a resource released under them. */
static bool rbt_typestable(const struct revocable_ops *ops)
{
	return ops->caps & REV_CAP_TYPESTABLE;
}

/* ------------------------------------------------------------------ */
/* the cases without a reader */

static void rbt_footprint(struct rbt *t)
{
	struct rbt_set s;
	size_t fp;

	if (rbt_set_create(t, &s, 1, NULL)) {
		fp = t->ops->footprint(s.revs[0]);
		rbt_check(t, fp > 0,
			  "footprint() reports a size: %zu bytes (%d CPUs, %d contexts)",
			  fp, rb_nr_cpus(), rb_nr_ctx());
	}
	rbt_set_done(t, &s);
}

static void rbt_access_after_revoke(struct rbt *t)
{
	const struct revocable_ops *ops = t->ops;
	int i, got = 0, rel0 = 0, late;
	struct rev_handle h;
	struct rbt_set s;
	void *p;

	if (!rbt_set_create(t, &s, 1, NULL))
		goto out;
	for (i = 0; i < 3; i++) {
		p = rbt_try(t, s.revs[0], &h);
		got += p == s.res[0];
		if (p)
			rel0 += rbt_rel(t, s.revs[0], &h) == 0;
	}
	rbt_check(t, got == 3,
		  "try_access() before revoke returns the resource (%d/3)", got);
	rbt_check(t, rel0 == got,
		  "release() with no revoke returns 0 (%d/%d)", rel0, got);
	ops->revoke(s.revs[0]);
	late = rbt_late_accesses(t, s.revs, 1, RBT_TRIES);
	rbt_check(t, !late,
		  "access after revoke fails at once, before any deferred_barrier (%d/%d succeeded)",
		  late, RBT_TRIES);
	rbt_settle(ops);
	late = rbt_late_accesses(t, s.revs, 1, RBT_TRIES);
	rbt_check(t, !late,
		  "access after revoke still fails once settled (%d/%d succeeded)",
		  late, RBT_TRIES);
out:
	rbt_set_done(t, &s);
}

static void rbt_release_once(struct rbt *t)
{
	const struct revocable_ops *ops = t->ops;
	struct rbt_set s;
	struct rbt_res *r;

	if (!rbt_set_create(t, &s, 1, t)) {
		rbt_set_done(t, &s);
		return;
	}
	r = s.res[0];
	rbt_check(t, !rbt_released(r),
		  "release callback not run before revoke (%d)",
		  rbt_released(r));
	ops->revoke(s.revs[0]);
	if (ops->caps & REV_CAP_DEFERRED)
		rbt_diag(t, "DEFERRED: the release callback runs by deferred_barrier(), checked next");
	else
		rbt_check(t, rbt_released(r) == 1,
			  "release callback ran exactly once by revoke()'s return (%d)",
			  rbt_released(r));
	rbt_settle(ops);
	rbt_check(t, rbt_released(r) == 1,
		  "release callback ran exactly once once settled (%d)",
		  rbt_released(r));
	rbt_check(t, READ_ONCE(r->arg_seen) == (void *)t,
		  "release callback got the arg given to create()");
	ops->revoke(s.revs[0]);
	rbt_settle(ops);
	rbt_check(t, rbt_released(r) == 1, "a second revoke is a no-op (%d)",
		  rbt_released(r));
	rbt_set_destroy(t, &s);
	rbt_check(t, rbt_released(r) == 1,
		  "destroy() does not run the release callback again (%d)",
		  rbt_released(r));
	rbt_set_free(&s);
}

/*
 * RBT_NESTED accesses in flight at once from one thread, more than any
 * per-context slot array.  REV_CAP_NONEST entries (a writer-fair rwsem)
 * must not nest two accesses to ONE revocable, so for them the accesses
 * go to RBT_NESTED_SPREAD revocables, one each, taken in one order (as
 * nested locks must be): as deep as lockdep can tell nested accesses to
 * distinct revocables of one lock class apart (its subclasses, compat.h).
 */
static void rbt_nested_handles(struct rbt *t)
{
	bool spread = t->ops->caps & REV_CAP_NONEST;
	int i, got = 0, rel0 = 0, n = spread ? RBT_NESTED_SPREAD : RBT_NESTED;
	struct rev_handle h[RBT_NESTED];
	void *p[RBT_NESTED];
	struct rbt_set s;

	if (!rbt_set_create(t, &s, spread ? n : 1, NULL))
		goto out;
	for (i = 0; i < n; i++) {
		int k = spread ? i : 0;

		p[i] = rbt_try(t, s.revs[k], &h[i]);
		got += p[i] == s.res[k];
	}
	for (i = n - 1; i >= 0; i--)
		if (p[i])
			rel0 += rbt_rel(t, s.revs[spread ? i : 0], &h[i]) == 0;
	rbt_check(t, got == n && rel0 == n,
		  "%d handles in flight at once from one thread%s: all succeed (%d) and release 0 (%d)",
		  n, spread ? ", on as many revocables (NONEST)" : "", got,
		  rel0);
out:
	rbt_set_done(t, &s);
}

static void rbt_revoke_many(struct rbt *t)
{
	const struct revocable_ops *ops = t->ops;
	struct rbt_set s;
	int late;

	if (!rbt_set_create(t, &s, RBT_MANY_NR, NULL))
		goto out;
	ops->revoke_many(s.revs, s.n);
	late = rbt_late_accesses(t, s.revs, s.n, 1);
	rbt_check(t, !late, "access after revoke_many() fails for all %d (%d succeeded)",
		  s.n, late);
	if (ops->caps & REV_CAP_DEFERRED)
		rbt_diag(t, "DEFERRED: the release callbacks run by deferred_barrier(), checked next");
	else
		rbt_check(t, !rbt_not_once(s.res, s.n),
			  "every release callback ran exactly once by revoke_many()'s return (%d wrong)",
			  rbt_not_once(s.res, s.n));
	rbt_settle(ops);
	rbt_check(t, !rbt_not_once(s.res, s.n),
		  "every release callback ran exactly once once settled (%d wrong)",
		  rbt_not_once(s.res, s.n));
out:
	rbt_set_done(t, &s);
}

/* ------------------------------------------------------------------ */
/* a reader that holds an access while one or two revokes run */

struct rbt_revoker;

struct rbt_holder {
	struct rbt *t;		/* its calls go through rbt_try()/rbt_rel() */
	const struct revocable_ops *ops;
	struct revocable *rev;
	struct rbt_res *res;
	bool sleep;		/* hold by sleeping, else by spinning */
	bool until_returned;	/* RETRY + BOUNDED: hold until they return */
	bool typestable;	/* released under it is not a violation */
	unsigned int hold_ms;
	struct rbt_revoker *rk;
	int nrk;
	int started;		/* a revoker has begun (it sets this) */
	int held;		/* 1: access taken; -1: it failed */
	int done_using;		/* set just before release() */
	/* what the reader saw, read after it is joined */
	int violation_ms;	/* released or poisoned under it, at this step */
	int returned[2];	/* each revoker's done at the end of the hold */
	int released_early;	/* release callback runs at the end of it */
	int intact;		/* resource intact just before release() */
	int release_rc;
};

struct rbt_revoker {
	const struct revocable_ops *ops;
	struct rbt_holder *h;
	struct revocable **revs;
	struct rbt_res **res;
	int n;
	atomic_t *ready;	/* start line: every revoker goes at once */
	int *gate;
	int done;		/* revoke returned (DEFERRED: and barrier) */
	int let_go;		/* the reader had let go when it returned */
	int all_once;		/* every release ran exactly once by then */
};

/* "a" or "a,b": one value per revoker, for the messages. */
static const char *rbt_pair(char *buf, size_t len, int nrk, int a, int b)
{
	if (nrk < 2)
		snprintf(buf, len, "%d", a);
	else
		snprintf(buf, len, "%d,%d", a, b);
	return buf;
}

/* One 1 ms step of a hold. */
static void rbt_step(bool sleep)
{
	u64 end;

	if (sleep) {
		rb_sleep_us(1000);
		return;
	}
	end = rb_now_ns() + 1000000;
	while (rb_now_ns() < end)
		cpu_relax();
}

static bool rbt_all_returned(const struct rbt_holder *h)
{
	int i;

	for (i = 0; i < h->nrk; i++)
		if (!smp_load_acquire(&h->rk[i].done))
			return false;
	return true;
}

static int rbt_holder_fn(void *arg)
{
	struct rbt_holder *h = arg;
	struct rev_handle hd = { };
	struct rbt_res *p;
	unsigned int ms;
	int i;

	p = rbt_try(h->t, h->rev, &hd);
	if (p != h->res) {
		if (p)
			rbt_rel(h->t, h->rev, &hd);
		smp_store_release(&h->held, -1);
		return 0;
	}
	smp_store_release(&h->held, 1);
	/*
	 * Start the hold once a revoke has begun (bounded: if the revoker
	 * is slow to run, the check is weaker, never wrong).
	 */
	for (ms = 0; ms < 1000 && !smp_load_acquire(&h->started); ms++)
		rbt_step(h->sleep);
	for (ms = 0; ms < h->hold_ms ||
	     (h->until_returned && ms < h->hold_ms + 1000 &&
	      !rbt_all_returned(h)); ms++) {
		rbt_step(h->sleep);
		if (!h->typestable && !h->violation_ms &&
		    (!rbt_res_intact(p) || rbt_released(h->res)))
			h->violation_ms = (int)ms + 1;
	}
	for (i = 0; i < h->nrk; i++)
		h->returned[i] = smp_load_acquire(&h->rk[i].done);
	h->released_early = rbt_released(h->res);
	h->intact = rbt_res_intact(p);
	WRITE_ONCE(h->done_using, 1);
	smp_mb();
	h->release_rc = rbt_rel(h->t, h->rev, &hd);
	return 0;
}

static int rbt_revoker_fn(void *arg)
{
	struct rbt_revoker *r = arg;
	const struct revocable_ops *ops = r->ops;

	atomic_inc(r->ready);
	while (!smp_load_acquire(r->gate)) {
		cpu_relax();
		rb_yield();
	}
	smp_store_release(&r->h->started, 1);
	if (r->n == 1)
		ops->revoke(r->revs[0]);
	else
		ops->revoke_many(r->revs, r->n);
	smp_mb();
	r->let_go = READ_ONCE(r->h->done_using);
	if (ops->caps & REV_CAP_DEFERRED)
		ops->deferred_barrier();
	r->all_once = !rbt_not_once(r->res, r->n);
	smp_store_release(&r->done, 1);
	return 0;
}

/*
 * A reader holds revs[n / 2] of n; nrk revokers leave one start line:
 * revoker 0 revokes it (n == 1) or revoke_many()s all n, revoker 1 (if
 * any) revokes revs[n / 2].  sleep: the reader sleeps while it holds.
 */
static void rbt_hold(struct rbt *t, int n, int nrk, bool sleep)
{
	const struct revocable_ops *ops = t->ops;
	bool deferred = ops->caps & REV_CAP_DEFERRED;
	bool retry = ops->caps & REV_CAP_RETRY;
	bool bounded = ops->caps & REV_CAP_BOUNDED;
	const char *how = sleep ? "sleeping" : "spinning";
	const char *what = nrk == 1 ? (n > 1 ? "revoke_many" : "revoke") :
			   (n > 1 ? "revoke_many overlapping a revoke" :
			    "two concurrent revokes");
	struct rbt_revoker rk[2] = { };
	struct rbt_holder h = { };
	char pair[24];
	struct rb_thread *ht, *rt[2] = { };
	int i, gate = 0, nstarted = 0;
	atomic_t ready = ATOMIC_INIT(0);
	struct rbt_set s;
	bool ok;

	if (!rbt_set_create(t, &s, n, NULL))
		goto out;
	h.t = t;
	h.ops = ops;
	h.rev = s.revs[n / 2];
	h.res = s.res[n / 2];
	h.sleep = sleep;
	h.until_returned = retry && bounded;
	h.typestable = rbt_typestable(ops);
	h.hold_ms = t->cfg->hold_ms;
	h.rk = rk;
	h.nrk = nrk;
	ht = rb_thread_start(rbt_holder_fn, &h, -1, "rbt_reader");
	if (!rbt_check(t, ht, "start the reader thread"))
		goto out;
	while (!smp_load_acquire(&h.held))
		rb_sleep_us(100);
	if (!rbt_check(t, h.held == 1, "access before %s succeeds", what)) {
		rb_thread_join(ht);
		goto out;
	}
	for (i = 0; i < nrk; i++) {
		rk[i].ops = ops;
		rk[i].h = &h;
		rk[i].revs = i ? &s.revs[n / 2] : s.revs;
		rk[i].res = i ? &s.res[n / 2] : s.res;
		rk[i].n = i ? 1 : n;
		rk[i].ready = &ready;
		rk[i].gate = &gate;
		rt[i] = rb_thread_start(rbt_revoker_fn, &rk[i], -1,
					"rbt_revoker");
		nstarted += !!rt[i];
	}
	rbt_check(t, nstarted == nrk, "start %d revoker thread(s) (%d started)",
		  nrk, nstarted);
	while (atomic_read(&ready) < nstarted)
		rb_sleep_us(100);
	smp_store_release(&gate, 1);
	rb_thread_join(ht);
	for (i = 0; i < nrk; i++)
		if (rt[i])
			rb_thread_join(rt[i]);
	if (nstarted < nrk)
		goto out;
	rbt_settle(ops);

	/* At the end of the hold, as the reader saw it. */
	if (deferred) {
		rbt_check(t, !h.released_early,
			  "%s: release callback not run while a %s reader holds access",
			  what, how);
	} else if (retry && bounded) {
		/*
		 * A speculating reader does not hold the revoker up: a
		 * bounded revoke completes under it; the reader must then be
		 * told to retry (checked below), never validated.
		 */
		rbt_check(t, h.returned[0] && (nrk < 2 || h.returned[1]),
			  "%s completes under a %s speculating reader (bounded RETRY; returned=%s)",
			  what, how, rbt_pair(pair, sizeof(pair), nrk,
					      h.returned[0], h.returned[1]));
	} else if (retry && nrk == 1) {
		rbt_check(t, !h.released_early,
			  "%s: resource not released under a %s speculating reader",
			  what, how);
	} else if (nrk == 1) {
		rbt_check(t, !h.returned[0] && !h.released_early,
			  "%s blocks while a %s reader holds access (returned=%d released=%d)",
			  what, how, h.returned[0], h.released_early);
	} else {
		rbt_check(t, !h.returned[0] && !h.returned[1] &&
			  !h.released_early,
			  "%s: neither returns while a %s reader holds access (returned=%d,%d released=%d)",
			  what, how, h.returned[0], h.returned[1],
			  h.released_early);
	}
	/* At every step of the hold. */
	if (h.typestable)
		rbt_diag(t, "type-stable: the resource may be released under the speculating reader, whose release() owes it -EAGAIN");
	else if (h.violation_ms)
		rbt_check(t, false,
			  "resource intact and not released at every 1 ms step of the %u ms hold (violated at %d ms)",
			  h.hold_ms, h.violation_ms);
	else
		rbt_check(t, true,
			  "resource intact and not released at every 1 ms step of the %u ms hold",
			  h.hold_ms);
	/* When each revoke returned. */
	if (!deferred && !retry)
		rbt_check(t, rk[0].let_go && (nrk < 2 || rk[1].let_go),
			  "%s returned only after the reader let go (let go=%s)",
			  what, rbt_pair(pair, sizeof(pair), nrk, rk[0].let_go,
					 rk[1].let_go));
	rbt_check(t, rk[0].all_once && (nrk < 2 || rk[1].all_once),
		  "%s: when each returns%s, every release callback has run exactly once (%s)",
		  what, deferred ? " (and its deferred_barrier)" : "",
		  rbt_pair(pair, sizeof(pair), nrk, rk[0].all_once,
			   rk[1].all_once));
	/* What the reader's access amounted to. */
	if (retry)
		rbt_check(t, h.release_rc == -EAGAIN || h.intact,
			  "the %s reader either saw the resource intact or is told to retry",
			  how);
	else
		rbt_check(t, h.intact,
			  "the %s reader was never cut off (resource intact at release)",
			  how);
	if (retry)
		rbt_check(t, h.release_rc == -EAGAIN,
			  "the reader spanning the %s is told to retry (rc=%d)",
			  what, h.release_rc);
	else
		rbt_check(t, h.release_rc == 0,
			  "the reader's release() returns 0 (rc=%d)", h.release_rc);
	/* Afterwards. */
	ok = !rbt_not_once(s.res, n);
	rbt_check(t, ok, "%s: every release callback ran exactly once in all (%d wrong)",
		  what, rbt_not_once(s.res, n));
	i = rbt_late_accesses(t, s.revs, n, 1);
	rbt_check(t, !i, "access after %s fails (%d of %d succeeded)", what, i,
		  n);
out:
	rbt_set_done(t, &s);
}

static void rbt_revoke_waits_reader(struct rbt *t)
{
	rbt_hold(t, 1, 1, false);
}

static void rbt_sleeping_reader(struct rbt *t)
{
	rbt_hold(t, 1, 1, true);
}

static void rbt_revoke_many_waits_reader(struct rbt *t)
{
	rbt_hold(t, RBT_MANY_NR, 1, false);
}

static void rbt_overlapping_revokes(struct rbt *t)
{
	rbt_hold(t, 1, 2, false);
}

static void rbt_overlapping_revoke_many(struct rbt *t)
{
	rbt_hold(t, RBT_MANY_NR, 2, false);
}

/* ------------------------------------------------------------------ */
/* one read-side guard over several revocables (REV_CAP_GUARD) */

#define RBT_GUARD_NR	3	/* an MMIO region, a page table, a clock */

struct rbt_guarder {
	struct rbt *t;
	struct rbt_set *s;
	unsigned int hold_ms;
	int held;		/* 1: every access under the guard succeeded */
	int started;		/* the revoke of s->revs[1] has begun */
	int returned;		/* and returned */
	int done_using;		/* the guard is about to end */
	int let_go;		/* the revoke saw done_using when it returned */
	int returned_in_hold, released_early, intact, violation_ms;
};

static int rbt_guarder_fn(void *arg)
{
	struct rbt_guarder *g = arg;
	const struct revocable_ops *ops = g->t->ops;
	struct rbt_res *p[RBT_GUARD_NR];
	struct rev_handle gd = { };
	unsigned int ms;
	int i, ok = 1;

	ops->guard_enter(&gd);
	for (i = 0; i < RBT_GUARD_NR; i++) {
		p[i] = ops->try_access_guarded(g->s->revs[i], &gd);
		ok &= p[i] == g->s->res[i];
	}
	smp_store_release(&g->held, ok ? 1 : -1);
	if (!ok) {
		ops->guard_exit(&gd);
		return 0;
	}
	for (ms = 0; ms < 1000 && !smp_load_acquire(&g->started); ms++)
		rbt_step(false);
	for (ms = 0; ms < g->hold_ms; ms++) {
		rbt_step(false);
		if (!g->violation_ms && (!rbt_res_intact(p[1]) ||
					 rbt_released(g->s->res[1])))
			g->violation_ms = (int)ms + 1;
	}
	g->returned_in_hold = smp_load_acquire(&g->returned);
	g->released_early = rbt_released(g->s->res[1]);
	for (g->intact = 1, i = 0; i < RBT_GUARD_NR; i++)
		g->intact &= rbt_res_intact(p[i]);
	WRITE_ONCE(g->done_using, 1);
	smp_mb();
	ops->guard_exit(&gd);
	return 0;
}

static int rbt_grevoker_fn(void *arg)
{
	struct rbt_guarder *g = arg;

	smp_store_release(&g->started, 1);
	g->t->ops->revoke(g->s->revs[1]);
	smp_mb();
	g->let_go = READ_ONCE(g->done_using);
	smp_store_release(&g->returned, 1);
	return 0;
}

static void rbt_guard_waits_reader(struct rbt *t)
{
	const struct revocable_ops *ops = t->ops;
	bool deferred = ops->caps & REV_CAP_DEFERRED;
	struct rbt_guarder g = { };
	struct rb_thread *ht, *rt;
	struct rev_handle gd = { };
	void *p[RBT_GUARD_NR];
	struct rbt_set s;
	int i;

	if (!rbt_set_create(t, &s, RBT_GUARD_NR, NULL))
		goto out;
	g.t = t;
	g.s = &s;
	g.hold_ms = t->cfg->hold_ms;
	ht = rb_thread_start(rbt_guarder_fn, &g, -1, "rbt_guard");
	if (!rbt_check(t, ht, "start the reader thread"))
		goto out;
	while (!smp_load_acquire(&g.held))
		rb_sleep_us(100);
	if (!rbt_check(t, g.held == 1,
		       "%d accesses under one guard succeed before the revoke",
		       RBT_GUARD_NR)) {
		rb_thread_join(ht);
		goto out;
	}
	rt = rb_thread_start(rbt_grevoker_fn, &g, -1, "rbt_revoker");
	rbt_check(t, rt, "start the revoker thread");
	rb_thread_join(ht);
	if (!rt)
		goto out;
	rb_thread_join(rt);
	rbt_settle(ops);

	if (deferred)
		rbt_check(t, !g.released_early,
			  "revoke of one of %d: release callback not run while the guard is held",
			  RBT_GUARD_NR);
	else
		rbt_check(t, !g.returned_in_hold && !g.released_early,
			  "revoke of one of %d blocks while a guard over all is held (returned=%d released=%d)",
			  RBT_GUARD_NR, g.returned_in_hold, g.released_early);
	rbt_check(t, !g.violation_ms,
		  "resource intact and not released at every 1 ms step of the %u ms hold (first violation at ms %d, 0: none)",
		  g.hold_ms, g.violation_ms);
	if (!deferred)
		rbt_check(t, g.let_go,
			  "revoke returned only after guard_exit (let go=%d)",
			  g.let_go);
	rbt_check(t, g.intact,
		  "the guard's reader was never cut off (every resource intact at guard_exit)");
	rbt_check(t, rbt_released(s.res[1]) == 1 && !rbt_released(s.res[0]) &&
		  !rbt_released(s.res[2]),
		  "the revoked one's release callback ran exactly once, the others' not (%d,%d,%d)",
		  rbt_released(s.res[0]), rbt_released(s.res[1]),
		  rbt_released(s.res[2]));
	ops->guard_enter(&gd);
	for (i = 0; i < RBT_GUARD_NR; i++)
		p[i] = ops->try_access_guarded(s.revs[i], &gd);
	ops->guard_exit(&gd);
	rbt_check(t, p[0] == s.res[0] && !p[1] && p[2] == s.res[2],
		  "under a new guard, per revocable: the revoked one fails (-ENODEV), the others succeed (%d,%d,%d)",
		  p[0] == s.res[0], !p[1], p[2] == s.res[2]);
	i = rbt_late_accesses(t, &s.revs[1], 1, 1);
	rbt_check(t, !i, "try_access() of the revoked one fails too");
out:
	rbt_set_done(t, &s);
}

/* ------------------------------------------------------------------ */
/* the destroy contract: destroy as soon as the last failed access returned */

struct rbt_failer {
	struct rbt *t;
	struct revocable *rev;
	int *revoked;		/* revoke() has returned (the main thread) */
	int *stop;
	int after;		/* failed tries that began after the return */
	int late;		/* accesses that began after it and succeeded */
};

static int rbt_failer_fn(void *arg)
{
	struct rbt_failer *f = arg;
	struct rev_handle h;
	unsigned int n = 0;
	int after;

	while (!smp_load_acquire(f->stop)) {
		after = smp_load_acquire(f->revoked);
		if (rbt_try(f->t, f->rev, &h)) {
			rbt_rel(f->t, f->rev, &h);
			f->late += after;
		} else if (after) {
			WRITE_ONCE(f->after, f->after + 1);
		}
		if (!(++n & 63))
			rb_yield();	/* the revoker and main need a CPU too */
	}
	return 0;
}

static void rbt_destroy_after_failed_access(struct rbt *t)
{
	const struct revocable_ops *ops = t->ops;
	struct rbt_failer f[RBT_FAILERS] = { };
	struct rb_thread *th[RBT_FAILERS] = { };
	int i, revoked = 0, stop = 0, n = 0, late = 0, slow = 0;
	struct rbt_set s;

	if (!rbt_set_create(t, &s, 1, NULL))
		goto out;
	for (i = 0; i < RBT_FAILERS; i++) {
		f[i].t = t;
		f[i].rev = s.revs[0];
		f[i].revoked = &revoked;
		f[i].stop = &stop;
		th[i] = rb_thread_start(rbt_failer_fn, &f[i], -1, "rbt_failer");
		n += !!th[i];
	}
	if (!rbt_check(t, n == RBT_FAILERS, "start %d accessing threads (%d started)",
		       RBT_FAILERS, n))
		goto join;
	ops->revoke(s.revs[0]);
	smp_store_release(&revoked, 1);
	/* each thread makes RBT_TRIES failed tries after the return */
	for (i = 0; i < RBT_FAILERS && slow < 100000; i++)
		while (READ_ONCE(f[i].after) < RBT_TRIES && slow++ < 100000)
			rb_sleep_us(100);
join:
	smp_store_release(&stop, 1);
	for (i = 0; i < RBT_FAILERS; i++)
		if (th[i])
			rb_thread_join(th[i]);
	if (n != RBT_FAILERS)
		goto out;
	for (i = 0; i < RBT_FAILERS; i++)
		late += f[i].late;
	rbt_check(t, !late,
		  "every access that began after revoke() returned failed (%d succeeded)",
		  late);
	rbt_check(t, slow < 100000,
		  "the %d threads each made %d failed tries after the return",
		  RBT_FAILERS, RBT_TRIES);
	/*
	 * The last call has returned: destroy now, before any deferred
	 * barrier (a DEFERRED release runs in it; destroy() waits for
	 * it by contract, so settle first only for those).
	 */
	if (ops->caps & REV_CAP_DEFERRED)
		rbt_settle(ops);
	rbt_destroy(t, s.revs[0]);
	rbt_check(t, true,
		  "destroy() as soon as the last of the racing failed accesses returned, none in flight");
	s.n = 0;
	if (!rbt_released(s.res[0]))
		rb_free(s.res[0]);
	rbt_drain();
	return;
out:
	rbt_set_done(t, &s);
}

/* ------------------------------------------------------------------ */
/* a foreign RCU reader: bounded revokes do not wait for it */

struct rbt_frcu {
	unsigned int hold_ms;
	int in;			/* the reader is inside its section */
	int returned;		/* the revoke has returned (main thread) */
	int saw_returned;	/* ... while the reader was still inside */
};

static int rbt_frcu_fn(void *arg)
{
	struct rbt_frcu *f = arg;
	unsigned int ms;

	rb_rcu_read_lock();
	smp_store_release(&f->in, 1);
	for (ms = 0; ms < f->hold_ms + 1000 &&
	     !smp_load_acquire(&f->returned); ms++)
		rbt_step(false);	/* no sleeping inside rcu_read_lock() */
	f->saw_returned = smp_load_acquire(&f->returned);
	rb_rcu_read_unlock();
	return 0;
}

static void rbt_foreign_rcu_reader(struct rbt *t)
{
	struct rbt_frcu f = { .hold_ms = t->cfg->hold_ms };
	struct rb_thread *th;
	struct rbt_set s;
	int cpu;

	if (!rbt_set_create(t, &s, 1, NULL))
		goto out;
	/*
	 * The last CPU: the reader spins without a scheduling point (on a
	 * non-preemptible RCU kernel rcu_read_lock() disables preemption),
	 * so it must not be ours, nor CPU 0, where the kernel runs a small
	 * SRCU domain's callbacks (synchronize_srcu()'s wake-up among them):
	 * starving those is a CPU hog's doing, not a grace period's.  The
	 * caller moves off that CPU when it sleeps below.
	 */
	cpu = rb_nr_cpus() - 1;
	th = rb_thread_start(rbt_frcu_fn, &f, cpu, "rbt_rcu_reader");
	if (!rbt_check(t, th, "start the RCU reader thread on CPU %d", cpu))
		goto out;
	while (!smp_load_acquire(&f.in))
		rb_sleep_us(100);
	t->ops->revoke(s.revs[0]);
	smp_store_release(&f.returned, 1);
	rb_thread_join(th);
	rbt_check(t, f.saw_returned,
		  "revoke() returns while another thread stays inside a foreign rcu_read_lock() section (BOUNDED)");
	rbt_check(t, !rbt_late_accesses(t, s.revs, 1, 1),
		  "access after revoke fails");
out:
	rbt_set_done(t, &s);
}

/* ------------------------------------------------------------------ */
/* the driver */

#define RBT_NEED_SAFE	(1U << 0)	/* skipped for REV_CAP_UNSAFE */
#define RBT_NEED_SLEEP	(1U << 1)	/* REV_CAP_SLEEP */
#define RBT_NEED_MANY	(1U << 2)	/* revoke_many present */
#define RBT_NEED_BOUNDED (1U << 3)	/* REV_CAP_BOUNDED */
#define RBT_NEED_2CPUS	(1U << 4)	/* a spinning thread on another CPU */
#define RBT_NEED_GUARD	(1U << 5)	/* REV_CAP_GUARD */

static const struct {
	const char *name;
	void (*fn)(struct rbt *t);
	unsigned int need;
} rbt_cases[RBT_NR_CASES] = {
	[RBT_FOOTPRINT] = { "footprint", rbt_footprint, 0 },
	[RBT_ACCESS_AFTER_REVOKE] = { "access_after_revoke",
				      rbt_access_after_revoke, 0 },
	[RBT_RELEASE_ONCE] = { "release_once", rbt_release_once, 0 },
	[RBT_NESTED_HANDLES] = { "nested_handles", rbt_nested_handles, 0 },
	[RBT_REVOKE_MANY] = { "revoke_many", rbt_revoke_many, RBT_NEED_MANY },
	[RBT_REVOKE_WAITS_READER] = { "revoke_waits_reader",
				      rbt_revoke_waits_reader, RBT_NEED_SAFE },
	[RBT_SLEEPING_READER] = { "sleeping_reader", rbt_sleeping_reader,
				  RBT_NEED_SAFE | RBT_NEED_SLEEP },
	[RBT_REVOKE_MANY_WAITS_READER] = { "revoke_many_waits_reader",
					   rbt_revoke_many_waits_reader,
					   RBT_NEED_SAFE | RBT_NEED_MANY },
	[RBT_OVERLAPPING_REVOKES] = { "overlapping_revokes",
				      rbt_overlapping_revokes, RBT_NEED_SAFE },
	[RBT_OVERLAPPING_REVOKE_MANY] = { "overlapping_revoke_many",
					  rbt_overlapping_revoke_many,
					  RBT_NEED_SAFE | RBT_NEED_MANY },
	[RBT_DESTROY_AFTER_FAILED] = { "destroy_after_failed_access",
				       rbt_destroy_after_failed_access,
				       RBT_NEED_SAFE },
	[RBT_GUARD] = { "guard_waits_reader", rbt_guard_waits_reader,
			RBT_NEED_SAFE | RBT_NEED_GUARD },
	[RBT_FOREIGN_RCU] = { "foreign_rcu_reader", rbt_foreign_rcu_reader,
			      RBT_NEED_BOUNDED | RBT_NEED_2CPUS },
	[RBT_STRESS] = { "stress", rbt_stress, RBT_NEED_SAFE },
};

/* NULL if the case applies to ops, else why it is skipped. */
static const char *rbt_skip_reason(const struct revocable_ops *ops,
				   unsigned int need)
{
	if ((need & RBT_NEED_SAFE) && (ops->caps & REV_CAP_UNSAFE))
		return "UNSAFE: this primitive does not protect readers from revoke (the no-protection floor); safety check not applicable";
	if ((need & RBT_NEED_SLEEP) && !(ops->caps & REV_CAP_SLEEP))
		return "readers may not sleep in this primitive (no REV_CAP_SLEEP)";
	if ((need & RBT_NEED_MANY) && !ops->revoke_many)
		return "no batched revoke (revoke_many is NULL): each object waits on its own";
	if ((need & RBT_NEED_BOUNDED) && !(ops->caps & REV_CAP_BOUNDED))
		return "not BOUNDED: its revoke may wait for readers of other revocables (an RCU grace period, a shared domain): nothing to check";
	if ((need & RBT_NEED_GUARD) && !(ops->caps & REV_CAP_GUARD))
		return "no shared read-side guard (no REV_CAP_GUARD): its readers take an access per revocable";
	if ((need & RBT_NEED_2CPUS) && rb_nr_cpus() < 2)
		return "needs two CPUs: the stalled RCU reader spins on its own";
	return NULL;
}

/* One case's buffered lines (one run at a time in either environment). */
static char rbt_lines[RBT_MAX_LINES][RBT_LINE];
/*
 * The case being run.  Static, as rbt_lines is (one run at a time): on
 * the stack it and rbt_run_entry()'s line buffers made a 1648-byte frame
 * under KASAN.
 */
static struct rbt rbt_cur;

static void rbt_add_line(struct rbt *t, const char *pfx, const char *s)
{
	if (t->nlines == RBT_MAX_LINES) {
		t->ndropped++;
		return;
	}
	snprintf(t->lines[t->nlines++], RBT_LINE, "%s%s", pfx, s);
}

bool rbt_check_msg(struct rbt *t, bool ok)
{
	char pfx[32];

	t->nchecks++;
	if (!ok) {
		if (!t->nfailed)
			snprintf(t->first, sizeof(t->first), "%s", t->msg);
		t->nfailed++;
	}
	snprintf(pfx, sizeof(pfx), "%sok %d%s", ok ? "" : "not ", t->nchecks,
		 t->cfg->env->ktap ? " " : " - ");
	rbt_add_line(t, pfx, t->msg);
	return ok;
}

void rbt_diag_msg(struct rbt *t)
{
	rbt_add_line(t, "# ", t->msg);
}

/* One formatted line of output. */
#define rbt_printf(cfg, fmt, ...)					\
	do {								\
		char __line[RBT_LINE + 96];				\
									\
		snprintf(__line, sizeof(__line), fmt, ##__VA_ARGS__);	\
		(cfg)->env->print(__line);				\
	} while (0)

/* Print a finished case: a nested block, or "# (sub)" lines if broken. */
static void rbt_flush(struct rbt *t, const char *point, bool broken)
{
	const struct rbt_env *env = t->cfg->env;
	int i;

	if (broken) {
		for (i = 0; i < t->nlines; i++) {
			const char *l = t->lines[i];

			rbt_printf(t->cfg, "# (sub) %s",
				   l[0] == '#' ? l + 2 : l);
		}
	} else {
		if (env->ktap) {
			env->print("    KTAP version 1");
			rbt_printf(t->cfg, "    # Subtest: %s", point);
		} else {
			rbt_printf(t->cfg, "# Subtest: %s", point);
		}
		rbt_printf(t->cfg, "    1..%d", t->nchecks);
		for (i = 0; i < t->nlines; i++)
			rbt_printf(t->cfg, "    %s", t->lines[i]);
	}
	if (t->ndropped)
		rbt_printf(t->cfg, "# %s: %d more lines not shown", point,
			   t->ndropped);
	if (t->nfailed && broken)
		rbt_printf(t->cfg, "# %s: caught: %s", point, t->first);
	else if (t->nfailed)
		rbt_printf(t->cfg, "# %s: %s", point, t->first);
	else if (broken)
		rbt_printf(t->cfg, "# %s: every check passed (not caught here)",
			   point);
	if (!broken)
		env->result(!t->nfailed, point, NULL);
}

static int rbt_nr_entries(const struct rbt_cfg *cfg)
{
	return cfg->nonly ? cfg->nonly : rev_ops_count;
}

static const struct revocable_ops *rbt_entry(const struct rbt_cfg *cfg,
					     int i)
{
	return cfg->nonly ? cfg->only[i] : rev_ops_all[i];
}

int rbt_plan(const struct rbt_cfg *cfg)
{
	int i, c, ncases = 0, n = 0;

	for (c = 0; c < RBT_NR_CASES; c++)
		ncases += !!(cfg->cases & (1U << c));
	for (i = 0; i < rbt_nr_entries(cfg); i++)
		n += (rbt_entry(cfg, i)->caps & REV_CAP_BROKEN) ? 1 : ncases;
	return n;
}

static void rbt_run_entry(const struct rbt_cfg *cfg,
			  const struct revocable_ops *ops)
{
	const struct rbt_env *env = cfg->env;
	bool broken = ops->caps & REV_CAP_BROKEN;
	int c, ncaught = 0, nran = 0, nfailed = 0;
	/* static, as rbt_cur: on the stack the frame was over 1 KiB (KASAN) */
	static char point[64], caps[96], line[RBT_LINE + 96];

	snprintf(line, sizeof(line), "# %s (%s): caps %s", ops->name,
		 ops->family, rev_caps_str(ops->caps, caps, sizeof(caps)));
	env->print(line);
	if (broken)
		rbt_printf(cfg, "# --- %s is deliberately broken: failures expected ---",
			   ops->name);
	for (c = 0; c < RBT_NR_CASES; c++) {
		struct rbt *t = &rbt_cur;
		const char *skip;

		if (!(cfg->cases & (1U << c)))
			continue;
		snprintf(point, sizeof(point), "%s.%s", ops->name,
			 rbt_cases[c].name);
		skip = rbt_skip_reason(ops, rbt_cases[c].need);
		if (!skip && env->should_stop && env->should_stop())
			skip = "run stopped (module unloading)";
		if (skip) {
			if (broken) {
				rbt_printf(cfg, "# (sub) %s: skip - %s", point,
					   skip);
				continue;
			}
			if ((ops->caps & REV_CAP_UNSAFE) && env->warn) {
				snprintf(line, sizeof(line), "%s SKIPPED: %s",
					 point, skip);
				env->warn(line);
			}
			env->result(true, point, skip);
			continue;
		}
		memset(t, 0, sizeof(*t));
		rbt_track_reset();
		t->cfg = cfg;
		t->ops = ops;
		t->lines = rbt_lines;
		rbt_cases[c].fn(t);
		rbt_flush(t, point, broken);
		nran++;
		ncaught += !!t->nfailed;
		nfailed += t->nfailed;
	}
	if (!broken)
		return;
	/* The suite must catch every broken entry: one point says so. */
	snprintf(line, sizeof(line),
		 "# %s: %d check(s) failed in %d of the %d case(s) run: %s",
		 ops->name, nfailed, ncaught, nran,
		 ncaught ? "caught" : "NOT CAUGHT");
	env->print(line);
	snprintf(point, sizeof(point), "%s.caught", ops->name);
	env->result(ncaught > 0, point, NULL);
}

void rbt_run(const struct rbt_cfg *cfg)
{
	int i;

	for (i = 0; i < rbt_nr_entries(cfg); i++)
		rbt_run_entry(cfg, rbt_entry(cfg, i));
}
