/* SPDX-License-Identifier: GPL-2.0 */
/*
 * revocable.h - the one interface every revocation primitive implements,
 * shared by userspace and the kernel module.
 *
 * A revocable wraps one resource pointer and the callback that releases it.
 *
 *   rev = ops->create(res, release, arg);
 *   p = ops->try_access(rev, &h);       NULL once revoked: report -ENODEV
 *   ... use p ...
 *   if (ops->release(rev, &h) == -EAGAIN) ... retry (RETRY primitives only)
 *   ops->revoke(rev);                   blocking unbind
 *   ops->destroy(rev);
 *
 * The contract of revoke(), which the contract and stress tests check for
 * every ops table not flagged REV_CAP_UNSAFE:
 *   - once it returns, no try_access() succeeds;
 *   - every try_access() that had succeeded has been released (for
 *     REV_CAP_RETRY primitives: any speculative access still in flight will
 *     fail its release() with -EAGAIN and never act on what it read);
 *   - release(res, arg) has run exactly once (REV_CAP_DEFERRED variants:
 *     it runs exactly once before ops->deferred_barrier() returns).
 * That holds for EVERY call of revoke() (and revoke_many()), including
 * calls that overlap: of two concurrent revokes of one revocable (two
 * unbind paths racing), the one that loses does not return before the
 * winner has finished - waited for the readers and run release() (for
 * DEFERRED variants: queued it, so a deferred_barrier() after either
 * returns waits for it).  A revoke() of a revocable whose revoke has
 * completed is a cheap no-op.  struct rev_once below is the mechanism.
 *
 * The handle is per access and lives on the caller's stack; it is never
 * shared between threads (sharing one is what hung the C revocable series).
 *
 * The contract of destroy(), the caller's side: destroy(rev) only once
 *   - revoke() (and deferred_barrier() if DEFERRED) has returned, and every
 *     revoke()/revoke_many() call naming rev has returned;
 *   - every try_access() and release() call on rev has returned, the
 *     failing ones too: a try_access() after revoke() still touches rev
 *     on its way to NULL (srcu_read_lock() on a per-revocable
 *     srcu_struct, percpu_ref_tryget_live(), hazptr's slot and overflow
 *     counter, the rwsem, the seqcount), so "revoked" is not "unused";
 *   - and no new call on rev can start: whoever could reach rev (the
 *     slot readers load it from) no longer can.
 * So a consumer that may still call try_access() keeps rev alive: the
 * C revocable series gives each consumer handle a kref on the provider for
 * exactly this, and revbench's harnesses destroy a revocable only after
 * they stopped (joined) every thread that could reach it.  The
 * primitive's side: once all of the above holds, destroy() frees
 * everything and nothing of the primitive touches rev again (no callback,
 * timer or work item left pending on it).  The contract suite
 * (tests/suite/contract.c) calls through wrappers that count the calls in
 * flight on each revocable and checks both sides: none in flight at
 * destroy(), and the destroy_after_failed_access case destroys a
 * revocable as soon as the last of several racing failed accesses has
 * returned (a sanitizer sees any later touch).
 *
 * One ops table per primitive and variant, a row each in
 * primitives/table.h, listed in rev_ops_all[] (registry.c, both
 * environments).  Callers iterate over the table and never switch on a
 * primitive's name.
 */
#ifndef REVBENCH_REVOCABLE_H
#define REVBENCH_REVOCABLE_H

#include "compat.h"

struct revocable;

typedef void (*rev_release_fn)(void *res, void *arg);

/* Per-access state, on the caller's stack.  Meaning is per primitive. */
struct rev_handle {
	void *slot;		/* hazard slot, or per-context counter */
	unsigned long seq;	/* sequence snapshot, SRCU index, ... */
};

/* Capability flags. */
#define REV_CAP_SLEEP		(1U << 0) /* readers may sleep inside access */
#define REV_CAP_RETRY		(1U << 1) /* release() may ask for a retry */
#define REV_CAP_BOUNDED		(1U << 2) /* revoke waits only for readers of
					   * this revocable: a reader stalled
					   * inside an access to another one
					   * does not delay it (see below) */
#define REV_CAP_DEFERRED	(1U << 3) /* revoke returns before release()
					   * ran; ops->deferred_barrier()
					   * waits */
#define REV_CAP_EXPEDITED	(1U << 4) /* revoke uses an expedited wait */
#define REV_CAP_UNSAFE		(1U << 5) /* revoke does not protect readers
					   * (the "none" floor): tests that
					   * need safety skip it, loudly */
#define REV_CAP_BROKEN		(1U << 6) /* deliberately broken, test builds
					   * only: the tests must catch it */
#define REV_CAP_FLOOR		(1U << 7) /* the no-protection floor: reader
					   * costs are reported as a ratio to
					   * it and as ns over it */
#define REV_CAP_TYPESTABLE	(1U << 8) /* readers may still be reading a
					   * released resource speculatively:
					   * its memory must stay readable as
					   * the same type until no reader can
					   * be inside an access (seqlock) */
#define REV_CAP_HIDDEN		(1U << 10) /* BROKEN entries whose defect no
					   * oracle can observe (every wrong
					   * read is discarded): only a
					   * sanitizer reports it, so torture
					   * skips them, loudly */
#define REV_CAP_HWORDER		(1U << 11) /* BROKEN entries whose window is a
					   * hardware reordering (the store
					   * buffer) that qemu TCG rarely
					   * reaches: a SKIP there, caught on
					   * hardware and in userspace */
#define REV_CAP_NONEST		(1U << 9) /* a reader must not hold two
					   * accesses to ONE revocable at once:
					   * a writer queued between them
					   * deadlocks it (writer-fair rwsem;
					   * lockdep reports the recursion) */
#define REV_CAP_IRQSAFE		(1U << 12) /* try_access() and release() may
					   * run in hardirq context (a timer or
					   * IPI handler), an access that begins
					   * and ends in one handler, nested in
					   * whatever the CPU was doing (see
					   * below) */
#define REV_CAP_XRELEASE	(1U << 13) /* release() may run in another
					   * context than its try_access():
					   * another task, CPU, or hardirq
					   * (hazptrtorture's irq_release); with
					   * IRQSAFE, also an access taken in a
					   * handler and released after it */
#define REV_CAP_LOCKDEP		(1U << 14) /* BROKEN entries whose defect
					   * only lockdep reports before it
					   * deadlocks the machine: the module
					   * runs them only under lockdep (a
					   * SKIP elsewhere) */
#define REV_CAP_ONOFF		(1U << 15) /* BROKEN entries whose defect
					   * only CPU hotplug exposes: a SKIP
					   * where no CPU can go offline */
#define REV_CAP_REFONLY		(1U << 16) /* a read section, no revoke:
					   * rev_ref_all[] (reference.c) */
#define REV_CAP_GUARD		(1U << 17) /* readers may share one
					   * read-side guard over accesses to
					   * several revocables (Rust's
					   * try_access_with_guard): the ops
					   * have guard_enter, guard_exit and
					   * try_access_guarded (below) */
#define REV_CAP_PERFBUG		(1U << 18) /* a PERFORMANCE bug of the zoo:
					   * correct, so not BROKEN (the
					   * contract and stress suites run it
					   * and it must pass), deliberately
					   * slow; never in a default run nor
					   * torture's "all" (no oracle catches
					   * slowness), only when named; its
					   * test counts the work it should not
					   * do (bugs.h) */

/*
 * REV_CAP_IRQSAFE, precisely.  Kernel hardirq context: no sleeping, no
 * lock that a task holds with interrupts enabled (a spinlock_t taken
 * without _irqsave deadlocks when the handler interrupts its holder; on
 * PREEMPT_RT every spinlock_t and rwsem sleeps), and no per-CPU state
 * the interrupted access is in the middle of changing.  rcu: yes.  srcu:
 * srcu_read_lock() is irq-safe (not NMI-safe: _nmisafe is).  percpu_ref
 * tryget/put: yes, but the last put runs the ref's release, whose
 * complete_all() PREEMPT_RT forbids in hardirq (REV_IRQSAFE_NORT: not
 * claimed there).  refcount: refcount_t and complete(): yes.  seqlock:
 * no, although read_seqbegin() alone would be: revbench's revoke takes
 * write_seqlock() with interrupts enabled, and a handler that interrupts
 * it and reads spins forever on the odd sequence of the writer it
 * interrupted (irq readers need write_seqlock_irqsave(); on PREEMPT_RT a
 * reader that meets a writer even takes the writer's sleeping lock).
 * rwsem: no.
 * hazptr: yes for an access that begins and ends in one handler - the
 * handler that finds a NULL slot the interrupted reader was about to
 * claim fills it and empties it again before the reader's store - but
 * not XRELEASE: an access taken in a handler and held after it returns
 * can be overwritten by the interrupted reader's claim of the same slot
 * (primitives/hazptr.c).  hazptr-pcpu claims its slot with cmpxchg(), so
 * it is both (not on PREEMPT_RT: an overflow may allocate).
 * The module's torture runs readers from an hrtimer and from
 * smp_call_function_single() for every table with the cap (torture.h).
 * Userspace has no hardirq: the tables claim the cap through REV_IRQSAFE,
 * which is 0 there, so it says nothing about signal handlers
 * (torture/README.md says why the userspace torture has no
 * signal-handler readers).
 */
#ifdef __KERNEL__
#define REV_IRQSAFE		REV_CAP_IRQSAFE
#ifdef CONFIG_PREEMPT_RT
#define REV_IRQSAFE_NORT	0
#else
#define REV_IRQSAFE_NORT	REV_CAP_IRQSAFE
#endif
#else /* userspace: no hardirq, no claim */
#define REV_IRQSAFE		0
#define REV_IRQSAFE_NORT	0
#endif

/*
 * REV_CAP_BOUNDED, precisely.  A revoke must wait for the readers that hold
 * the revocable being revoked (that is the contract), so no blocking
 * primitive can bound a revoke against a reader stalled inside *that*
 * revocable.  What separates the designs is a reader stalled inside an
 * access to a *different* revocable of the same primitive (another device
 * of the same driver), or inside any RCU read-side section at all
 * (another subsystem's rcu_read_lock()): RCU's grace period waits for
 * both, an SRCU domain shared by all revocables for the first,
 * percpu_ref's kill_and_confirm() for the second (its switch to atomic
 * takes an RCU grace period); a per-revocable SRCU domain, a refcount, a
 * hazard-pointer scan, an rwsem or a seqcount bump waits for neither.
 * The unbind workload's --stall-us measures the first, the module's
 * stall_rcu=1 the second (the workloads' stalled reader, rb_wl_park());
 * the contract suite checks the second (foreign_rcu_reader).
 * REV_CAP_RETRY primitives with a bounded revoke do not wait even for
 * their own readers; those are told to retry.
 */
struct revocable_ops {
	const char *name;	/* unique: "rwsem-rpref", "hazptr-asym" */
	const char *family;	/* primitive it is a variant of: "rwsem" */
	const char *desc;	/* one line, for "revbench list" */
	/*
	 * Optional, NULL for most: which implementation of the design this
	 * build runs, where it has more than one (srcu-fast: the kernel's
	 * srcu_read_lock_fast() or a port, and the port's upstream
	 * version).  Results files, "revbench list" and the module's
	 * debugfs primitives record it.
	 */
	const char *impl;
	unsigned int caps;
	const char *color;	/* plot colour, "#rrggbb" */
	/*
	 * Optional: the reference read side that measures the same thing
	 * without revbench, for the validation runs: refscale's scale_type
	 * ("rcu", "srcu", "rwsem", "refcnt"; kernel: make vm-validate), and
	 * the rev_ref_all[] entry with the same .peer (reference.c; revbench
	 * validate), "bare" and "fence" only there.
	 */
	const char *peer;

	/* Optional, once per process/module, before/after any create(). */
	int (*global_init)(void);
	void (*global_exit)(void);

	/* NULL on allocation failure. */
	struct revocable *(*create)(void *res, rev_release_fn release,
				    void *arg);
	/*
	 * Only under the destroy contract above: after revoke() (and
	 * deferred_barrier() if DEFERRED), once EVERY call naming rev has
	 * returned - revokes (a concurrent one still reads its rev_once)
	 * and accesses, failed ones included - and none can start.
	 */
	void (*destroy)(struct revocable *rev);
	/*
	 * Bytes this revocable costs, per-CPU/per-thread parts included.
	 * Every primitive keeps all of them until destroy(), so it is also
	 * what a revoked, not yet destroyed revocable retains
	 * (rb_metrics_retained()).
	 */
	size_t (*footprint)(const struct revocable *rev);
	/*
	 * Optional: bytes the primitive's shared domain costs once however
	 * many revocables exist (hazptr's slot array, a shared SRCU
	 * domain), 0 or NULL when it has none.
	 */
	size_t (*domain_footprint)(void);

	/*
	 * The fast path: static inlines in the primitive's header
	 * (primitives/<prim>.h), which the harness also instantiates as
	 * read-section loops (workloads/readsections.c).
	 */
	void *(*try_access)(struct revocable *rev, struct rev_handle *h);
	/* 0, or -EAGAIN when a REV_CAP_RETRY access must be retried. */
	int (*release)(struct revocable *rev, struct rev_handle *h);

	void (*revoke)(struct revocable *rev);
	/*
	 * Optional batched revoke: one wait for all n revocables, with the
	 * same contract per revocable as revoke().  NULL when the primitive
	 * can only wait per object.
	 */
	void (*revoke_many)(struct revocable **revs, int n);
	/*
	 * REV_CAP_DEFERRED only: wait until every deferred release ran (the
	 * rcu_barrier() of the variant).  Not named "barrier": that is a macro.
	 */
	void (*deferred_barrier)(void);

	/*
	 * Optional: how many of this primitive's revokes so far waited for
	 * an expedited and how many for a normal grace period (kernel srcu:
	 * which path synchronize_srcu() took, primitives/srcu.c), cumulative;
	 * the harness takes the difference around its timed revokes.
	 */
	void (*gp_paths)(u64 *expedited, u64 *normal);

	/*
	 * REV_CAP_GUARD only: one read-side guard for accesses to several
	 * revocables, Rust's try_access_with_guard(&rcu::Guard)
	 * (rust/kernel/revocable.rs):
	 *
	 *   ops->guard_enter(&g);                 rcu_read_lock(), or the
	 *                                         shared domain's srcu lock
	 *   p = ops->try_access_guarded(rev, &g); per revocable: NULL once
	 *   ...                                   revoked, and nothing to
	 *                                         release either way
	 *   ops->guard_exit(&g);                  ends every access under g
	 *
	 * A revoke of any revocable accessed under g waits for guard_exit()
	 * (or, DEFERRED, defers its release past it) exactly as for a
	 * release().  g is a struct rev_handle on the caller's stack, per
	 * guard and never shared, like a handle.  Only a primitive whose
	 * readers of every revocable sit in one read-side section (RCU, an
	 * SRCU domain shared by all) can offer it; the others take an
	 * access each (rb_wl_guard_access(), the guard knob).
	 */
	void (*guard_enter)(struct rev_handle *g);
	void *(*try_access_guarded)(struct revocable *rev,
				    struct rev_handle *g);
	void (*guard_exit)(struct rev_handle *g);

	/*
	 * REV_CAP_BROKEN entries whose bug hangs a revoke only: undo the
	 * damage the bug did to rev (with no reader running), so that the
	 * hung revoke can return and the harness can tear down.  Returns
	 * how many repairs it made (0: nothing to undo).  Harness support,
	 * never part of the bug.
	 */
	int (*unwedge)(struct revocable *rev);

	/*
	 * Optional: the consumer reference of the open-close workload
	 * (rb_wl_oc_access()), taken around every access the way a driver's open()
	 * and close() take one.  get() returns the reference (NULL: none
	 * could be taken, counted as a failed open), put() drops it.  NULL:
	 * the harness's generic one, an atomic increment and decrement of a
	 * count shared by every consumer (Rust's Arc clone and drop).
	 * consumer says in one line what get()/put() are, for "revbench
	 * list" (NULL with the generic one).
	 */
	void *(*get)(struct revocable *rev);
	void (*put)(struct revocable *rev, void *ref);
	const char *consumer;
};

/* What the generic consumer reference of open-close is (revbench list). */
#define REV_CONSUMER_GENERIC	"Arc clone/drop: atomic inc/dec of a count " \
				"shared by all consumers (the harness's)"


/*
 * rev_once - one revoke does the work, every revoke returns after it.
 *
 * Embedded in each revocable, zero-initialised (rev_base_new() zeroes it).
 * Every revoke() of a primitive is shaped
 *
 *	if (!rev_once_try(&r->once)) {
 *		rev_once_wait(&r->once);	lost, or revoked already
 *		return;
 *	}
 *	... stop new readers, wait for the old ones, r->release() ...
 *	rev_once_done(&r->once);		last touch of r
 *
 * and revoke_many() claims what it can with rev_once_try(), does the
 * batched work for those, rev_once_done()s each, and only then
 * rev_once_wait()s for the ones another call had claimed (waiting after
 * marking its own done is what keeps overlapping batches from waiting on
 * each other).  DEFERRED variants call rev_once_done() once the release is
 * queued: that is all their revoke promises.
 *
 * This is the "already revoked?" guard done right: a test-and-set alone
 * (Rust's is_available.swap(false)) lets the loser return while the winner
 * is still waiting for readers, so the loser's caller frees what a reader
 * still uses; a flag set at the end (bug-double-release, primitives/bugs.c)
 * lets both run release().  Flags that readers test (rcu's availability
 * flag, seqlock's revoked flag) stay separate; hazptr's readers test the
 * claim itself (rev_once_claimed()).
 *
 * rev_once_wait() spins a little, then yields, then sleeps 50 us per
 * check: the winner may wait for a reader stalled in its access, and a
 * loser must not burn a CPU meanwhile.  It may sleep: revoke() runs in
 * process context.  Ordering: rev_once_try() is fully ordered (cmpxchg);
 * rev_once_done() is a store-release and rev_once_wait() a load-acquire,
 * so the winner's work, release() included, happens before the loser
 * returns.
 */
enum { REV_ONCE_LIVE, REV_ONCE_REVOKING, REV_ONCE_DONE };

struct rev_once {
	int state;		/* REV_ONCE_*; 0 (live) when zeroed */
};

/* True: the caller won the claim and must do the work, then _done(). */
static inline bool rev_once_try(struct rev_once *o)
{
	if (smp_load_acquire(&o->state) == REV_ONCE_DONE)
		return false;		/* the cheap no-op: no atomic RMW */
	return cmpxchg(&o->state, REV_ONCE_LIVE, REV_ONCE_REVOKING) ==
	       REV_ONCE_LIVE;
}

/* The winner's work, release() included, is complete. */
static inline void rev_once_done(struct rev_once *o)
{
	smp_store_release(&o->state, REV_ONCE_DONE);
}

/* Return once the winner called rev_once_done(). */
static inline void rev_once_wait(struct rev_once *o)
{
	unsigned int n = 0;

	while (smp_load_acquire(&o->state) != REV_ONCE_DONE) {
		if (n < 1000)
			cpu_relax();
		else if (n < 1100)
			rb_yield();
		else
			rb_sleep_us(50);
		if (n < 1100)
			n++;
	}
}

/*
 * One step of a revoker's busy wait for readers to leave (a slot scan, a
 * count draining to zero): cpu_relax() for the first thousand checks,
 * then rb_yield().  *spins starts at 0 for each thing waited for.
 */
static inline void rev_backoff(unsigned int *spins)
{
	if (++*spins < 1000)
		cpu_relax();
	else
		rb_yield();
}

/* Some revoke has claimed it (relaxed: the caller supplies the fence). */
static inline bool rev_once_claimed(const struct rev_once *o)
{
	return READ_ONCE(o->state) != REV_ONCE_LIVE;
}

/*
 * struct rev_base - what every revocable holds, whatever the primitive:
 * the resource, its release callback and argument, the rev_once, and the
 * claim token of rev_once_batch().  It is the FIRST member of every
 * primitive's struct, so rev_base(rev) is a cast.
 */
struct rev_base {
	void *res;
	rev_release_fn release;
	void *arg;
	struct rev_once once;	/* which revoke does the work */
	const void *batch;	/* rev_once_batch(): the call that claimed it */
};

static inline struct rev_base *rev_base(struct revocable *rev)
{
	return (struct rev_base *)rev;
}

static inline void rev_base_init(struct rev_base *b, void *res,
				 rev_release_fn release, void *arg)
{
	b->res = res;
	b->release = release;
	b->arg = arg;
	b->once.state = REV_ONCE_LIVE;
	b->batch = NULL;
}

/*
 * rev_base_new - what every create() does: allocate a zeroed revocable of
 * size bytes (the primitive's struct, struct rev_base first), set up its
 * base, then init(rev) for the primitive's own part (NULL: the zeroes are
 * all it needs).  A non-zero return of init() means it failed and undid
 * its own part: the struct is freed and rev_base_new() returns NULL, as
 * on an allocation failure (registry.c).
 */
struct revocable *rev_base_new(size_t size, void *res, rev_release_fn release,
			       void *arg, int (*init)(struct revocable *rev));

/* Run the release callback (exactly once: the rev_once winner calls it). */
static inline void rev_base_release(struct rev_base *b)
{
	b->release(b->res, b->arg);
}

/*
 * rev_once_batch - the one revoke protocol, for revoke() (n = 1) and
 * revoke_many() of every primitive:
 *
 *   1. claim every revocable it can (rev_once_try()) and, for each one
 *      claimed, bt->stop(rev): from here no new access succeeds;
 *   2. if it claimed any, bt->wait(revs, n) once: the one grace period,
 *      slot scan, ... that covers all of them (NULL: nothing shared);
 *   3. for each it claimed, bt->finish(rev) (wait for that one's own
 *      readers, run the release callback; NULL: just the release
 *      callback), then rev_once_done();
 *   4. only then rev_once_wait() for the ones another call had claimed:
 *      waiting after finishing its own is what keeps two overlapping
 *      batches from waiting on each other.
 *
 * The claim is tracked in rev_base.batch with the address of a local of
 * this call, unique among calls running at the same time and cleared
 * before the revocable is marked done.  bt->wait() gets every revocable
 * of the batch, claimed by this call or not: waiting for the readers of
 * one that another call is revoking is harmless (they are leaving).
 * DEFERRED variants' finish() queues the release: that is all their
 * revoke promises.  May sleep.
 */
struct rev_batch {
	void (*stop)(struct revocable *rev);
	void (*wait)(struct revocable **revs, int n);
	void (*finish)(struct revocable *rev);
};

static inline void rev_once_batch(struct revocable **revs, int n,
				  const struct rev_batch *bt)
{
	struct rev_base *b;
	bool any = false;
	char token;
	int i;

	for (i = 0; i < n; i++) {
		b = rev_base(revs[i]);
		if (!rev_once_try(&b->once))
			continue;
		WRITE_ONCE(b->batch, (const void *)&token);
		if (bt->stop)
			bt->stop(revs[i]);
		any = true;
	}
	if (any && bt->wait)
		bt->wait(revs, n);
	for (i = 0; any && i < n; i++) {
		b = rev_base(revs[i]);
		if (READ_ONCE(b->batch) != (const void *)&token)
			continue;
		WRITE_ONCE(b->batch, NULL);
		if (bt->finish)
			bt->finish(revs[i]);
		else
			rev_base_release(b);
		rev_once_done(&b->once);
	}
	for (i = 0; i < n; i++)
		rev_once_wait(&rev_base(revs[i])->once);
}

/*
 * The ops entries most primitives share, stated once, so that a primitive
 * writes only what differs:
 *   REV_BASE_CREATE(fn, type, init) static struct revocable *fn(res,
 *                                  release, arg): create() as
 *                                  rev_base_new() of a struct type, its
 *                                  own part set up by init (or NULL);
 *   REV_BATCH_REVOKE(fn, bt)       static void fn(rev): revoke() as
 *                                  rev_once_batch() of rev alone over bt;
 *   REV_BATCH_REVOKE_MANY(fn, bt)  static void fn(revs, n): revoke_many()
 *                                  as one rev_once_batch() of all n;
 *   REV_BATCH_WAIT(fn, sync)       static void fn(revs, n): a rev_batch's
 *                                  wait that is one call covering every
 *                                  revocable, sync() (a grace period);
 *   REV_SIZEOF_FOOTPRINT(fn, type) static size_t fn(rev): footprint() of
 *                                  a revocable that owns nothing beyond
 *                                  its struct (type);
 *   rev_destroy_free               destroy() that only frees that struct
 *                                  (registry.c).
 */
#define REV_BASE_CREATE(fn, type, init)					\
static struct revocable *fn(void *res, rev_release_fn release,		\
			    void *arg)					\
{									\
	return rev_base_new(sizeof(type), res, release, arg, (init));	\
}
#define REV_BATCH_REVOKE(fn, bt)					\
static void fn(struct revocable *rev)					\
{									\
	rev_once_batch(&rev, 1, (bt));					\
}
#define REV_BATCH_REVOKE_MANY(fn, bt)					\
static void fn(struct revocable **revs, int n)				\
{									\
	rev_once_batch(revs, n, (bt));					\
}
#define REV_BATCH_WAIT(fn, sync)					\
static void fn(struct revocable **revs, int n)				\
{									\
	(void)revs;							\
	(void)n;							\
	sync();								\
}
#define REV_SIZEOF_FOOTPRINT(fn, type)					\
static size_t fn(const struct revocable *rev)				\
{									\
	(void)rev;							\
	return sizeof(type);						\
}
void rev_destroy_free(struct revocable *rev);

extern const struct revocable_ops *const rev_ops_all[];
extern const int rev_ops_count;
/* The REV_CAP_REFONLY entries, for revbench validate (reference.c). */
extern const struct revocable_ops *const rev_ref_all[];
extern const int rev_ref_count;

const struct revocable_ops *rev_ops_find(const char *name);
/* Every entry's global_init() (undone on failure: 0 or its error) and
 * global_exit(), in registry.c. */
int rev_ops_global_init(void);
void rev_ops_global_exit(void);

/* Human-readable capability list, e.g. "sleep,bounded". */
static inline const char *rev_caps_str(unsigned int caps, char *buf,
				       size_t len)
{
	static const char *const names[] = {
		"sleep", "retry", "bounded", "deferred", "expedited",
		"unsafe", "broken", "floor", "typestable", "nonest", "hidden",
		"hworder", "irqsafe", "xrelease", "lockdep", "onoff", "refonly",
		"guard", "perfbug",
	};
	size_t i, off = 0;

	if (len)
		buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (!(caps & (1U << i)))
			continue;
		off += snprintf(buf + off, off < len ? len - off : 0, "%s%s",
				off ? "," : "", names[i]);
	}
	if (!off && len)
		snprintf(buf, len, "-");
	return buf;
}

#endif /* REVBENCH_REVOCABLE_H */
