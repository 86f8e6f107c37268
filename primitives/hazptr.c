// SPDX-License-Identifier: GPL-2.0
/*
 * hazptr, hazptr-asym - hazard pointers (the shape of the 2024-26 kernel
 * proposals: shazptr, hpref, hazptr).  Shared by userspace and the kernel
 * module, hazptr-asym included.  primitives/hazptr_pcpu.c is the 2026
 * kernel posting's design (per-CPU slots, backup slots on overflow lists).
 *
 * One domain per process (or module): a slot array of rb_nr_ctx()
 * contexts x HP_SLOTS_PER_CTX pointer slots, each context's slots on a
 * cache line of their own.  A slot holds the revocable a reader is using,
 * or NULL.
 *
 * Reader (try_access):
 *   ctx = rb_ctx_get(); claim a NULL slot of ctx; publish rev in it;
 *   rb_ctx_put(); fence; if rev->once is claimed: clear the slot, return NULL.
 *   release(): smp_store_release(slot, NULL), from any CPU or thread.
 *
 * Revoker (rev_once_batch(), revocable.h):
 *   claim rev->once (cmpxchg); fence; scan every slot of every context in
 *   use, waiting (cpu_relax, then rb_yield) while a slot still holds rev;
 *   wait for rev's overflow count to reach zero; run the release callback.
 *
 * The two fences make a store-buffering pair: either the reader sees the
 * flag (and backs out), or the revoker's scan sees the reader's slot and
 * waits for it.  Scans use load-acquire, so the reader's accesses, which
 * precede its store-release of NULL, happen before the release callback.
 *
 * Claiming: in the kernel rb_ctx_get() disables preemption, so no other
 * task can claim a slot of this CPU between our check and our store; once
 * claimed, the slot is ours until release, so the reader may sleep or
 * migrate (REV_CAP_SLEEP) and release from another CPU.  The claim is a
 * peek for NULL then a store, not atomic against an interrupt on the same
 * CPU, which is safe for an access that begins and ends in one handler
 * (the handler fills and empties the slot before the interrupted
 * reader's store: REV_CAP_IRQSAFE) but not for one a handler takes and
 * leaves held, which the interrupted reader's store would overwrite: no
 * REV_CAP_XRELEASE (that would need local_irq_save() or cmpxchg(), as
 * hazptr-pcpu has).  NMI: neither.
 * In userspace the slots are per registered thread and only the owner
 * claims them; release may still come from another thread.  Peeking at a
 * slot is a load-acquire and publishing a store-release in userspace only:
 * free on x86, and it lets ThreadSanitizer (which does not model fences)
 * follow "another thread released this slot, its owner reused it, the
 * revoker saw the new value".  The kernel build uses READ_ONCE/WRITE_ONCE,
 * where the control dependency gives that ordering.
 *
 * Overflow: when all of the context's slots are busy (many handles in
 * flight on one context), or the thread has no context (userspace thread
 * not registered), the reader increments an atomic_long on the revocable
 * instead (fully ordered, so it is its own fence), re-checks the flag the
 * same way, and decrements it on release.  h->slot records the path: the
 * slot's address, or NULL for the overflow count.
 *
 * Flavours of the reader fence:
 *   hazptr       smp_mb() after publishing; the revoker smp_mb().
 *   hazptr-asym  barrier() only; in the module the revoker's fence is
 *                rb_heavy_fence() (compat/kernel.h: an IPI to every
 *                online CPU, which runs smp_mb() there).  In userspace it
 *                issues membarrier(2)
 *                MEMBARRIER_CMD_PRIVATE_EXPEDITED instead of its fence,
 *                which runs a full barrier on every CPU running one of our
 *                threads, so every publication that could have been
 *                missed is ordered before the scan.  Registered once
 *                (REGISTER_PRIVATE_EXPEDITED).  If membarrier is not
 *                available (MEMBARRIER_CMD_QUERY), readers fall back to
 *                smp_mb() and a warning goes to stderr once; see
 *                rev_hazptr_membarrier_state().  The choice is made before
 *                the first hazptr-asym revocable exists and never changes.
 *
 * revoke_many(): set every flag, one fence, one scan pass that waits for
 * all of them (membership through a small hash set when n is large), then
 * the overflow counts, then the release callbacks.
 *
 * Caps: REV_CAP_SLEEP, and REV_CAP_BOUNDED in this sense: revoke(rev)
 * waits only for readers that actually hold rev - its own readers'
 * critical sections, plus a few instructions for readers that published
 * rev and are backing out - over a scan of fixed size (rb_nr_ctx() *
 * HP_SLOTS_PER_CTX slots).  A reader stalled while holding rev still
 * blocks revoke(rev), as it must; a reader stalled while holding another
 * revocable, or stalled outside any access, does not (unlike an RCU grace
 * period, which waits for every reader of the whole domain).  In theory a
 * never-ending stream of readers that publish rev and back out could keep
 * one slot, or the overflow count, busy forever; each such reader holds it
 * for a few instructions only.
 *
 * Scans visit the contexts in use only (rb_ctx_in_use(): every possible
 * CPU in the kernel; in userspace one more than the highest thread context
 * ever taken).  That is sound: a thread that takes a context after the
 * revoker read the count does so (a fully ordered cmpxchg) after the
 * revoker's claim, so its reader's re-check, after its own fence, sees the
 * claim and backs out.
 *
 * Memory: footprint() reports the per-revocable struct; the slot array is
 * the per-domain cost (domain_footprint()), rb_nr_ctx() * SMP_CACHE_BYTES
 * (HP_SLOTS_PER_CTX * 8 bytes of pointers padded to a line per context),
 * paid once however many revocables exist.  It is allocated by global_init() or, failing that,
 * by the first create(), and freed by the last global_exit() if no
 * revocable is alive (struct rev_hp_life, hazptr.h, which hazptr-pcpu's
 * domain shares).  global_init/global_exit must not race with
 * create/destroy (the callers run them once, single-threaded).
 *
 * A second revoke() (or a revoke_many() naming an already revoked
 * revocable) is a no-op that returns once the first one has run the
 * release callback: the first revoker wins rev->once (struct rev_once,
 * revocable.h), whose claim is also the flag readers test
 * (rev_once_claimed()).
 */
#include "hazptr.h"

static struct rev_hazptr_domain *rev_hazptr_dom;
static struct rev_hp_life rev_hazptr_life;

/* Small revoke_many() batches are matched by a linear search. */
#define HP_LINEAR_MAX		8

/* A zeroed domain of bytes starting a cache line; *mem is what to free. */
void *rev_hp_domain_alloc(size_t bytes, void **mem)
{
	*mem = rb_zalloc(bytes + SMP_CACHE_BYTES);
	if (!*mem)
		return NULL;
	return (void *)(((uintptr_t)*mem + SMP_CACHE_BYTES - 1) &
			~(uintptr_t)(SMP_CACHE_BYTES - 1));
}

/*
 * global_exit()'s test: true when it undoes the last global_init() and no
 * revocable is alive, so the caller frees the domain; else it stays
 * (name and kept word the warning when revocables are alive).
 */
bool rev_hp_life_exit(struct rev_hp_life *l, const char *name,
		      const char *kept)
{
	long live;

	if (!atomic_dec_and_test(&l->inits))
		return false;
	live = atomic_long_read(&l->live);
	if (live) {
		rb_pr_warn("%s: global_exit with %ld revocables alive, %s kept\n",
			   name, live, kept);
		return false;
	}
	return true;
}

static struct rev_hazptr_domain *rev_hazptr_domain_get(void)
{
	struct rev_hazptr_domain *d = smp_load_acquire(&rev_hazptr_dom);
	struct rev_hazptr_domain *old;
	void *mem;
	int nr;

	if (likely(d))
		return d;
	nr = rb_nr_ctx();
	d = rev_hp_domain_alloc(sizeof(*d) +
				(size_t)nr * sizeof(struct rev_hazptr_ctx), &mem);
	if (!d)
		return NULL;
	d->mem = mem;
	d->nr_ctx = nr;
	/* fully ordered: publishes */
	old = cmpxchg(&rev_hazptr_dom, NULL, d);
	if (old) {
		rb_free(mem);
		return old;
	}
	return d;
}

static int rev_hazptr_global_init(void)
{
	atomic_inc(&rev_hazptr_life.inits);
	return rev_hazptr_domain_get() ? 0 : -ENOMEM;
}

static void rev_hazptr_global_exit(void)
{
	struct rev_hazptr_domain *d;

	if (!rev_hp_life_exit(&rev_hazptr_life, "hazptr", "slot array"))
		return;
	d = xchg(&rev_hazptr_dom, NULL);
	if (d)
		rb_free(d->mem);
}

/* After create()'s rev_hazptr_domain_get(): the domain exists. */
static int rev_hazptr_init(struct revocable *rev)
{
	((struct rev_hazptr *)rev)->dom = smp_load_acquire(&rev_hazptr_dom);
	atomic_long_inc(&rev_hazptr_life.live);
	return 0;
}

static struct revocable *rev_hazptr_create(void *res, rev_release_fn release,
					   void *arg)
{
	if (!rev_hazptr_domain_get())
		return NULL;
	return rev_base_new(sizeof(struct rev_hazptr), res, release, arg,
			    rev_hazptr_init);
}

static void rev_hazptr_destroy(struct revocable *rev)
{
	atomic_long_dec(&rev_hazptr_life.live);
	rb_free(rev);
}

REV_SIZEOF_FOOTPRINT(rev_hazptr_footprint, struct rev_hazptr)

static size_t rev_hazptr_domain_footprint(void)
{
	struct rev_hazptr_domain *d = smp_load_acquire(&rev_hazptr_dom);

	return d ? sizeof(*d) +
		   (size_t)d->nr_ctx * sizeof(struct rev_hazptr_ctx) : 0;
}

/* Open-addressing set of the revocables a revoke_many() waits for. */
struct rev_hazptr_set {
	struct revocable **tab;	/* NULL: search revs[] linearly */
	unsigned int bits;
};

static inline unsigned long rev_hazptr_hash(const struct revocable *p,
					    unsigned int bits)
{
	return (unsigned long)(((u64)(uintptr_t)p *
				0x9e3779b97f4a7c15ULL) >> (64 - bits));
}

static void rev_hazptr_set_build(struct rev_hazptr_set *set,
				 struct revocable **revs, int n)
{
	unsigned long mask, i;
	int k;

	set->tab = NULL;
	set->bits = 1;
	if (n <= HP_LINEAR_MAX)
		return;
	while ((1UL << set->bits) < 2UL * (unsigned long)n)
		set->bits++;
	set->tab = rb_zalloc(sizeof(*set->tab) << set->bits);
	if (!set->tab)
		return;		/* fall back to the linear search */
	mask = (1UL << set->bits) - 1;
	for (k = 0; k < n; k++) {
		for (i = rev_hazptr_hash(revs[k], set->bits); set->tab[i];
		     i = (i + 1) & mask)
			if (set->tab[i] == revs[k])
				break;
		set->tab[i] = revs[k];
	}
}

static bool rev_hazptr_set_has(const struct rev_hazptr_set *set,
			       struct revocable **revs, int n,
			       const struct revocable *p)
{
	unsigned long mask, i;
	int k;

	if (!set->tab) {
		for (k = 0; k < n; k++)
			if (revs[k] == p)
				return true;
		return false;
	}
	mask = (1UL << set->bits) - 1;
	for (i = rev_hazptr_hash(p, set->bits); set->tab[i]; i = (i + 1) & mask)
		if (set->tab[i] == p)
			return true;
	return false;
}

static void rev_hazptr_asym_fence(void);

/*
 * The wait of rev_once_batch(): one fence, one scan pass over the slots
 * of every context in use that waits for all n revocables (whoever
 * claimed them: the readers of one another call is revoking are leaving
 * anyway), then their overflow counts.  The claims' cmpxchg() is fully
 * ordered; the fence here is what the readers' fence pairs with.
 */
static void rev_hazptr_wait_common(struct revocable **revs, int n, bool asym)
{
	struct rev_hazptr_domain *d = ((struct rev_hazptr *)revs[0])->dom;
	int i, j, k, nctx = min_t(int, d->nr_ctx, rb_ctx_in_use());
	struct rev_hazptr_set set;

	rev_hazptr_set_build(&set, revs, n);
	if (asym)
		rev_hazptr_asym_fence();
	else
		smp_mb(); /* claims before the scan (pairs the readers' fence) */

	for (i = 0; i < nctx; i++) {
		for (j = 0; j < HP_SLOTS_PER_CTX; j++) {
			struct revocable **slot = &d->ctx[i].slot[j];
			struct revocable *p;
			unsigned int spins = 0;

			while ((p = smp_load_acquire(slot)) &&
			       rev_hazptr_set_has(&set, revs, n, p))
				rev_backoff(&spins);
		}
	}
	for (k = 0; k < n; k++) {
		struct rev_hazptr *r = (struct rev_hazptr *)revs[k];
		unsigned int spins = 0;

		while (smp_load_acquire(&r->overflow.counter))
			rev_backoff(&spins);
	}
	if (set.tab)
		rb_free(set.tab);
}

static void rev_hazptr_mb_wait(struct revocable **revs, int n)
{
	rev_hazptr_wait_common(revs, n, false);
}

static const struct rev_batch rev_hazptr_mb_batch = {
	.wait = rev_hazptr_mb_wait,
	/* stop: nothing, the claim is what readers test */
};

REV_BATCH_REVOKE(rev_hazptr_mb_revoke, &rev_hazptr_mb_batch)

REV_BATCH_REVOKE_MANY(rev_hazptr_mb_revoke_many, &rev_hazptr_mb_batch)

/* hazptr and its zoo entries: the one shared slot domain. */
#define REV_HAZPTR_DOMAIN_OPS					\
	.global_init = rev_hazptr_global_init,			\
	.global_exit = rev_hazptr_global_exit,			\
	.create = rev_hazptr_create,				\
	.destroy = rev_hazptr_destroy,				\
	.footprint = rev_hazptr_footprint,			\
	.domain_footprint = rev_hazptr_domain_footprint

const struct revocable_ops rev_ops_hazptr = {
	.name = "hazptr",
	.family = "hazptr",
	.desc = "hazard pointers: publish + smp_mb + re-check; revoke scans "
		"the slots in use",
	.caps = REV_CAP_SLEEP | REV_CAP_BOUNDED | REV_IRQSAFE,
	.color = "#2ca02c",
	.peer = "fence",
	REV_HAZPTR_DOMAIN_OPS,
	.try_access = rev_hazptr_mb_try_access,
	.release = rev_hazptr_release,
	.revoke = rev_hazptr_mb_revoke,
	.revoke_many = rev_hazptr_mb_revoke_many,
};

#ifdef REVBENCH_BUGS
#include "bugs.h"

/*
 * ---- Bug zoo (bugs.h), test builds only: deliberately broken readers. ----
 *
 * bug-hazptr-nofence: hazptr with the reader's smp_mb() between publishing
 * the slot and re-checking the flag replaced by a compiler barrier, and
 * the revoker unchanged (smp_mb(), no membarrier).  The store-buffering
 * pair is broken: the CPU may satisfy the flag load before the slot store
 * is visible (x86 store buffer), so the reader sees "live" while the
 * revoker's scan sees an empty slot and releases under it.
 *
 * bug-hazptr-norecheck: the reader checks the flag, then publishes, and
 * never looks again.  A revoke that sets the flag and scans between the
 * check and the publication misses the reader.
 */
static void *rev_hazptr_bug_nofence_try_access(struct revocable *rev,
					       struct rev_handle *h)
{
	/* barrier() instead of smp_mb() */
	return rev_hazptr_try_access(rev, h, true);
}

const struct revocable_ops rev_ops_bug_hazptr_nofence = {
	.name = "bug-hazptr-nofence",
	.family = "hazptr",
	.desc = "BROKEN on purpose: hazptr reader without the fence between "
		"publish and re-check",
	.caps = REV_CAP_BROKEN | REV_CAP_HWORDER | REV_CAP_SLEEP,
	.color = "#2ca02c",
	REV_HAZPTR_DOMAIN_OPS,
	.try_access = rev_hazptr_bug_nofence_try_access,
	.release = rev_hazptr_release,
	.revoke = rev_hazptr_mb_revoke,
	.revoke_many = rev_hazptr_mb_revoke_many,
};

static void *rev_hazptr_bug_norecheck_try_access(struct revocable *rev,
						 struct rev_handle *h)
{
	struct rev_hazptr *r = (struct rev_hazptr *)rev;

	if (rev_once_claimed(&r->base.once))	/* BUG: checked before publishing... */
		return NULL;
	if (likely(rev_hazptr_publish(r, rev, h)))
		smp_mb();
	else
		atomic_long_inc_return(&r->overflow);
	return r->base.res;		/* ...and never re-checked after */
}

const struct revocable_ops rev_ops_bug_hazptr_norecheck = {
	.name = "bug-hazptr-norecheck",
	.family = "hazptr",
	.desc = "BROKEN on purpose: hazptr reader that does not re-check "
		"after publishing",
	.caps = REV_CAP_BROKEN | REV_CAP_SLEEP,
	.color = "#2ca02c",
	REV_HAZPTR_DOMAIN_OPS,
	.try_access = rev_hazptr_bug_norecheck_try_access,
	.release = rev_hazptr_release,
	.revoke = rev_hazptr_mb_revoke,
	.revoke_many = rev_hazptr_mb_revoke_many,
};
#endif /* REVBENCH_BUGS */

#ifdef __KERNEL__
/* hazptr-asym in the module: the heavy fence is IPIs (hazptr.h). */
static void rev_hazptr_asym_fence(void)
{
	rb_heavy_fence();
}

#define rev_hazptr_asym_global_init	rev_hazptr_global_init
#define rev_hazptr_asym_create		rev_hazptr_create
#else /* userspace: membarrier(2), or smp_mb() readers without it */
#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>

int rev_hazptr_mb_state = HP_MB_UNKNOWN;	/* hazptr.h */

static long rev_hazptr_membarrier(int cmd)
{
	return syscall(__NR_membarrier, cmd, 0, 0);
}

/* Idempotent; decides once, before any hazptr-asym revocable exists. */
static void rev_hazptr_membarrier_probe(void)
{
	const long need = MEMBARRIER_CMD_PRIVATE_EXPEDITED |
			  MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED;
	const char *env = getenv("REVBENCH_NO_MEMBARRIER");
	const char *why = NULL;
	int state = HP_MB_READY;
	long cmds;

	if (READ_ONCE(rev_hazptr_mb_state) != HP_MB_UNKNOWN)
		return;
	if (env && *env && strcmp(env, "0")) {
		why = "disabled by REVBENCH_NO_MEMBARRIER";
	} else {
		cmds = rev_hazptr_membarrier(MEMBARRIER_CMD_QUERY);
		if (cmds < 0)
			why = strerror(errno);
		else if ((cmds & need) != need)
			why = "MEMBARRIER_CMD_PRIVATE_EXPEDITED not supported";
		else if (rev_hazptr_membarrier(
				MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED))
			why = strerror(errno);
	}
	if (why)
		state = HP_MB_FALLBACK;
	if (cmpxchg(&rev_hazptr_mb_state, HP_MB_UNKNOWN, state) ==
	    HP_MB_UNKNOWN && why)
		fprintf(stderr,
			"revbench: WARNING: hazptr-asym: membarrier(2) "
			"unavailable (%s): readers FALL BACK to smp_mb(), "
			"hazptr-asym measures the same thing as hazptr\n", why);
}

const char *rev_hazptr_membarrier_state(void)
{
	rev_hazptr_membarrier_probe();
	return READ_ONCE(rev_hazptr_mb_state) == HP_MB_READY ?
	       "private-expedited" : "unavailable: fallback to smp_mb";
}

static void rev_hazptr_asym_fence(void)
{
	if (READ_ONCE(rev_hazptr_mb_state) != HP_MB_READY) {
		smp_mb();	/* readers use smp_mb() too */
		return;
	}
	while (rev_hazptr_membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED)) {
		if (errno == EINTR)
			continue;
		/* Readers used barrier() only: no safe way on.  Say so. */
		fprintf(stderr, "revbench: FATAL: hazptr-asym: "
			"membarrier(PRIVATE_EXPEDITED) failed after "
			"registration: %s\n", strerror(errno));
		abort();
	}
}

static int rev_hazptr_asym_global_init(void)
{
	rev_hazptr_membarrier_probe();
	return rev_hazptr_global_init();
}

static struct revocable *rev_hazptr_asym_create(void *res,
						rev_release_fn release,
						void *arg)
{
	rev_hazptr_membarrier_probe();
	return rev_hazptr_create(res, release, arg);
}
#endif /* __KERNEL__ */

static void rev_hazptr_asym_wait(struct revocable **revs, int n)
{
	rev_hazptr_wait_common(revs, n, true);
}

static const struct rev_batch rev_hazptr_asym_batch = {
	.wait = rev_hazptr_asym_wait,
};

REV_BATCH_REVOKE(rev_hazptr_asym_revoke, &rev_hazptr_asym_batch)

REV_BATCH_REVOKE_MANY(rev_hazptr_asym_revoke_many, &rev_hazptr_asym_batch)

const struct revocable_ops rev_ops_hazptr_asym = {
	.name = "hazptr-asym",
	.family = "hazptr",
	.desc = "hazard pointers: publish + compiler barrier; revoke fences "
		"every CPU (membarrier(2); module: IPIs), then scans",
	.caps = REV_CAP_SLEEP | REV_CAP_BOUNDED | REV_IRQSAFE,
	.color = "#98df8a",
	.global_init = rev_hazptr_asym_global_init,
	.global_exit = rev_hazptr_global_exit,
	.create = rev_hazptr_asym_create,
	.destroy = rev_hazptr_destroy,
	.footprint = rev_hazptr_footprint,
	.domain_footprint = rev_hazptr_domain_footprint,
	.try_access = rev_hazptr_asym_try_access,
	.release = rev_hazptr_release,
	.revoke = rev_hazptr_asym_revoke,
	.revoke_many = rev_hazptr_asym_revoke_many,
};
