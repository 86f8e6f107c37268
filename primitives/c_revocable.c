// SPDX-License-Identifier: GPL-2.0
/*
 * c-revocable - the C revocable API in the shape of its v10 posting (May
 * 2026; drivers/base/revocable.c + include/linux/revocable.h of the
 * series), one source for both environments over compat.h's rb_srcu_*.
 * The API is c_revocable.h; revocable_ops wraps it below.
 *
 * The posting's shape, kept: a provider struct crev (an SRCU domain of
 * its own, an __rcu resource pointer, a kref, embedded); a per-access
 * struct crev_handle { rev; idx; } on the consumer's stack;
 * crev_try_access() is srcu_read_lock() + srcu_dereference(), NULL once
 * revoked, and the section is held either way until
 * crev_withdraw_access(), which the scoped macros call when the scope
 * ends; crev_revoke() is rcu_assign_pointer(res, NULL) +
 * synchronize_srcu() + kref_put().  Consumers hold the provider with
 * crev_get()/crev_put().
 * How the port differs: every name has a crev_ prefix (no collision with
 * a kernel's own revocable_*); the kref is an atomic_t (the kernel's is a
 * refcount_t, which also saturates and warns on an increment from zero);
 * the resource pointer is published with smp_store_release() and read
 * with an acquire load in userspace (liburcu's rcu_dereference() is a
 * consume load), rcu_assign_pointer()/srcu_dereference() in the kernel;
 * there is no devm_ variant (revbench has no struct device on this path);
 * the scoped macros use __attribute__((cleanup)) directly (6.1 has no
 * <linux/cleanup.h>).
 *
 * The ops table ("c-revocable"): create() allocates a provider and takes
 * the harness's own consumer reference (the device node's), which
 * destroy() drops; try_access()/release() are one handle's try/withdraw;
 * revoke() is crev_revoke() split at rev_once_batch()'s steps (stop:
 * clear the pointer; finish: synchronize, the release callback, the
 * provider's kref_put()).  get()/put() for open-close are crev_get()/
 * crev_put(): the consumer's kref on the provider.  Caps: readers may
 * sleep (SRCU); a per-provider domain, so a reader stalled in another
 * provider does not delay this revoke (bounded); srcu_read_lock() is
 * irq-safe.  revoke_many() overlaps the providers' grace periods (below).
 *
 * Zoo entries (bugs.h) at the end of the file: the performance bug of
 * the pre-fix gpiolib conversion (every build: it is correct), and the
 * three bugs that got the merged series reverted (test builds).
 */
#include "c_revocable.h"

static atomic_long_t crev_syncs;	/* crev_synchronize_count() */

u64 crev_synchronize_count(void)
{
	return (u64)atomic_long_read(&crev_syncs);
}

static void crev_synchronize(struct crev *rev)
{
	atomic_long_inc(&crev_syncs);
	rb_srcu_synchronize(&rev->srcu);
}

/* ---- the API (c_revocable.h) ---- */

int crev_init(struct crev *rev, void *res)
{
	if (rb_srcu_init(&rev->srcu))
		return -ENOMEM;
	rev->res = res;
	atomic_set(&rev->kref, 1);	/* the provider's own reference */
	rev->embedded = true;
	return 0;
}

struct crev *crev_alloc(void *res)
{
	struct crev *rev = rb_zalloc(sizeof(*rev));

	if (!rev)
		return NULL;
	if (crev_init(rev, res)) {
		rb_free(rev);
		return NULL;
	}
	rev->embedded = false;
	return rev;
}

struct crev *crev_get(struct crev *rev)
{
	return crev_get_inl(rev);
}

/* The last reference frees the domain, and the provider unless embedded. */
void crev_put(struct crev *rev)
{
	crev_put_inl(rev);
}

/* Once this returns no access holds the resource and none can get it. */
static void crev_revoke_stop(struct crev *rev)
{
	crev_assign(rev->res, NULL);
}

void crev_revoke(struct crev *rev)
{
	crev_revoke_stop(rev);
	crev_synchronize(rev);
	crev_put(rev);
}

void crev_handle_init(struct crev_handle *h, struct crev *rev)
{
	crev_handle_init_inl(h, rev);
}

void crev_handle_deinit(struct crev_handle *h)
{
	h->rev = NULL;
}

void *crev_try_access(struct crev_handle *h)
{
	return crev_try_access_inl(h);
}

void crev_withdraw_access(struct crev_handle *h)
{
	crev_withdraw_access_inl(h);
}

/* ---- revocable_ops over the API ---- */

static int rev_crev_init(struct revocable *rev)
{
	struct rev_crev *r = (struct rev_crev *)rev;

	r->prov = crev_alloc(r->base.res);
	if (!r->prov)
		return -ENOMEM;
	crev_get(r->prov);	/* the harness's consumer reference */
	r->prov_put = crev_put;
	return 0;
}

REV_BASE_CREATE(rev_crev_create, struct rev_crev, rev_crev_init)

static void rev_crev_destroy(struct revocable *rev)
{
	struct rev_crev *r = (struct rev_crev *)rev;

	crev_put(r->prov);	/* the last one: revoke dropped the other */
	rb_free(r);
}

static size_t rev_crev_footprint(const struct revocable *rev)
{
	const struct rev_crev *r = (const struct rev_crev *)rev;

	return sizeof(*r) + sizeof(*r->prov) - sizeof(r->prov->srcu) +
	       rb_srcu_footprint(&r->prov->srcu);
}

static void rev_crev_stop(struct revocable *rev)
{
	crev_revoke_stop(((struct rev_crev *)rev)->prov);
}

/* crev_revoke() after its first step, the release callback before the put */
static void rev_crev_finish(struct revocable *rev)
{
	struct rev_crev *r = (struct rev_crev *)rev;

	crev_synchronize(r->prov);
	rev_base_release(&r->base);
	r->prov_put(r->prov);
}

static const struct rev_batch rev_crev_batch = {
	.stop = rev_crev_stop,
	.finish = rev_crev_finish,
};

REV_BATCH_REVOKE(rev_crev_revoke, &rev_crev_batch)

/*
 * revoke_many(): crev_revoke() of n providers with their n grace periods
 * overlapped (rb_srcu_synchronize_many(): polled grace periods started on
 * every domain, then waited for, in the kernel), so an unbind of n
 * providers costs about one grace period, not n in a row.  Each domain
 * still waits only for its own readers (bounded).  Without memory for
 * the domain array: one synchronize per provider, slower, never wrong.
 */
static void rev_crev_wait_many(struct revocable **revs, int n)
{
	struct rb_srcu_struct **ssps = rb_zalloc(sizeof(*ssps) * n);
	int i;

	for (i = 0; i < n; i++) {
		struct crev *prov = ((struct rev_crev *)revs[i])->prov;

		if (!ssps) {
			crev_synchronize(prov);
			continue;
		}
		ssps[i] = &prov->srcu;
		atomic_long_inc(&crev_syncs);
	}
	if (!ssps)
		return;
	rb_srcu_synchronize_many(ssps, n);
	rb_free(ssps);
}

/* The rest of crev_revoke() once the batch's grace periods have ended. */
static void rev_crev_finish_many(struct revocable *rev)
{
	struct rev_crev *r = (struct rev_crev *)rev;

	rev_base_release(&r->base);
	r->prov_put(r->prov);
}

static const struct rev_batch rev_crev_many_batch = {
	.stop = rev_crev_stop,
	.wait = rev_crev_wait_many,
	.finish = rev_crev_finish_many,
};

REV_BATCH_REVOKE_MANY(rev_crev_revoke_many, &rev_crev_many_batch)

#define REV_CREV_DESC	"C revocable API v10 (May 2026): provider with own " \
			"SRCU domain + kref, handle on stack; crev_ prefix, " \
			"kref as atomic_t, no devm_"
#define REV_CREV_CONSUMER "revocable_get/put: kref inc/dec on the provider"

/* c-revocable and its zoo entries: one provider per revocable (above). */
#define REV_CREV_PROVIDER_OPS					\
	.create = rev_crev_create,				\
	.destroy = rev_crev_destroy,				\
	.footprint = rev_crev_footprint

const struct revocable_ops rev_ops_c_revocable = {
	.name = "c-revocable",
	.family = "srcu",
	.desc = REV_CREV_DESC,
	.caps = REV_CAP_SLEEP | REV_CAP_BOUNDED | REV_IRQSAFE,
	.color = "#8c564b",
	.peer = "srcu",
	REV_CREV_PROVIDER_OPS,
	.try_access = rev_crev_try_access,
	.release = rev_crev_release,
	.revoke = rev_crev_revoke,
	.revoke_many = rev_crev_revoke_many,
	.get = rev_crev_get,
	.put = rev_crev_put,
	.consumer = REV_CREV_CONSUMER,
};

/*
 * ---- bug-crev-sync-alloc: the zoo's PERFORMANCE bug (every build) ----
 *
 * The pre-fix gpiolib conversion: a consumer allocated on every open()
 * and a redundant synchronize_srcu() on the allocation path.  gpiolib had
 * that synchronize in the provider's alloc, which libgpiod's test suite
 * ran once per simulated chip; here both costs are charged to the
 * consumer's open (get()): an rb_zalloc()ed consumer holding the kref,
 * and one grace period of the provider's domain, which nothing needs (no
 * reader can hold a pointer the new consumer could invalidate).  Correct
 * in every other way, so the contract and stress suites run it and it
 * passes; REV_CAP_PERFBUG keeps it out of default runs and torture.
 * tests/c_revocable.c counts its grace periods per open-close operation
 * (1; c-revocable: 0), and open-close shows the slowdown (BENCHMARKS.md).
 */
struct crev_consumer {
	struct crev *rev;
};

void *rev_crev_sync_get(struct revocable *rev)
{
	struct crev *prov = ((struct rev_crev *)rev)->prov;
	struct crev_consumer *c = rb_zalloc(sizeof(*c));

	if (!c)
		return NULL;
	c->rev = crev_get(prov);
	crev_synchronize(prov);		/* BUG: redundant, a grace period */
	return c;
}

void rev_crev_sync_put(struct revocable *rev, void *ref)
{
	struct crev_consumer *c = ref;

	crev_put(c->rev);
	rb_free(c);
	(void)rev;
}

const struct revocable_ops rev_ops_bug_crev_sync_alloc = {
	.name = "bug-crev-sync-alloc",
	.family = "srcu",
	.desc = "PERFORMANCE bug on purpose: c-revocable whose open allocates "
		"a consumer and runs a redundant synchronize_srcu (pre-fix "
		"gpiolib)",
	.caps = REV_CAP_PERFBUG | REV_CAP_SLEEP | REV_CAP_BOUNDED |
		REV_IRQSAFE,
	.color = "#c49c94",
	REV_CREV_PROVIDER_OPS,
	.try_access = rev_crev_try_access,
	.release = rev_crev_release,
	.revoke = rev_crev_revoke,
	.revoke_many = rev_crev_revoke_many,
	.get = rev_crev_sync_get,
	.put = rev_crev_sync_put,
	.consumer = "kzalloc'd consumer + kref + synchronize_srcu per open",
};

#ifdef REVBENCH_BUGS
#include "bugs.h"

/*
 * ---- bug-crev-shared-handle (test builds): the hang of the series ----
 *
 * One consumer handle shared by every thread of the consumer, as the
 * reverted series' consumer struct revocable was: each access writes the
 * SRCU index into the shared handle and each withdraw unlocks whatever
 * index the handle holds then - the failure path too, as the scoped
 * macros' cleanup does.  Reader A locks index 0, revoke clears the
 * pointer and its grace period flips the index, reader B locks 1, finds
 * NULL and withdraws through the handle (1), A withdraws 1 as well:
 * index 0 keeps a lock with no unlock and crev_revoke()'s
 * synchronize_srcu() never returns.  Caught by the torture watchdog.
 * ops->unwedge repairs the counts (rev_bug_srcu_unwedge(), bugs.h) so the
 * harness can tear down; the tally is harness support, not the bug.
 */
static void rev_crev_bug_withdraw(struct rev_crev *r)
{
	int idx = READ_ONCE(r->bug_shared_idx);	/* whoever wrote it last */

	atomic_long_inc(&r->bug_tally[idx][1]);
	rb_srcu_read_unlock(&r->prov->srcu, idx);
}

static void *rev_crev_bug_shared_try_access(struct revocable *rev,
					    struct rev_handle *h)
{
	struct rev_crev *r = (struct rev_crev *)rev;
	struct crev *prov = r->prov;
	int idx = rb_srcu_read_lock(&prov->srcu);
	void *res;

	(void)h;	/* BUG: the caller's own handle is ignored */
	atomic_long_inc(&r->bug_tally[idx][0]);
	WRITE_ONCE(r->bug_shared_idx, idx);	/* BUG: one handle for all */
	res = crev_deref(prov->res, &prov->srcu);
	if (unlikely(!res)) {
		rev_crev_bug_withdraw(r);
		return NULL;
	}
	return res;
}

static int rev_crev_bug_shared_release(struct revocable *rev,
				       struct rev_handle *h)
{
	(void)h;
	rev_crev_bug_withdraw((struct rev_crev *)rev);
	return 0;
}

static int rev_crev_bug_unwedge(struct revocable *rev)
{
	struct rev_crev *r = (struct rev_crev *)rev;

	return rev_bug_srcu_unwedge(&r->prov->srcu, r->bug_tally);
}

const struct revocable_ops rev_ops_bug_crev_shared_handle = {
	.name = "bug-crev-shared-handle",
	.family = "srcu",
	.desc = "BROKEN on purpose: c-revocable whose one consumer handle is "
		"shared by all threads: revoke hangs",
	.caps = REV_CAP_BROKEN | REV_CAP_SLEEP,
	.color = "#8c564b",
	REV_CREV_PROVIDER_OPS,
	.try_access = rev_crev_bug_shared_try_access,
	.release = rev_crev_bug_shared_release,
	.revoke = rev_crev_revoke,
	.unwedge = rev_crev_bug_unwedge,
};

/*
 * ---- bug-crev-byvalue (test builds): a use-after-free of the series ----
 *
 * The RCU-protected pointer passed by value out of its read-side section:
 * a helper takes the access with the scoped macro and returns the
 * resource pointer, and the scope's end has withdrawn the access before
 * the caller uses it.  Nothing holds the grace period, so a revoke
 * returns and the release callback frees the resource while the caller
 * still reads it.  Caught by the torture oracle (the resource is
 * poisoned and quarantined there: "overtaken", "poison").  In the
 * module's unbind workload the page table is really freed (free_page()),
 * so KASAN reports the late lookups, but only those of an access that
 * outlasts the revoke's grace period and the table's free: at cs=256
 * that is a race an access often loses, so make vm-check-debug's teeth
 * run it at cs=262144 (scripts/vm-check-debug.sh says why).
 */
static void *crev_bug_peek(struct crev_handle *h)
{
	void *res;

	crev_try_access_with(h, res);
	return res;		/* BUG: withdrawn when this scope ends */
}

static void *rev_crev_bug_byvalue_try_access(struct revocable *rev,
					     struct rev_handle *h)
{
	struct crev_handle ch;

	(void)h;
	crev_handle_init(&ch, ((struct rev_crev *)rev)->prov);
	return crev_bug_peek(&ch);
}

static int rev_crev_bug_byvalue_release(struct revocable *rev,
					struct rev_handle *h)
{
	(void)rev;
	(void)h;		/* withdrawn long ago */
	return 0;
}

const struct revocable_ops rev_ops_bug_crev_byvalue = {
	.name = "bug-crev-byvalue",
	.family = "srcu",
	.desc = "BROKEN on purpose: c-revocable whose resource pointer leaves "
		"its scoped access by value and is used after it",
	.caps = REV_CAP_BROKEN | REV_CAP_SLEEP,
	.color = "#8c564b",
	REV_CREV_PROVIDER_OPS,
	.try_access = rev_crev_bug_byvalue_try_access,
	.release = rev_crev_bug_byvalue_release,
	.revoke = rev_crev_revoke,
};
/*
 * ---- bug-crev-alloc-race (test builds): the other use-after-free ----
 *
 * The consumer's allocation races the provider's free: each access
 * allocates its consumer (crev_get(), the kref_get() of the reverted
 * series' revocable_alloc()) from a provider it holds no reference on -
 * create() takes none for the harness - and revoke's kref_put() frees the
 * provider when no access is in flight.  A consumer that loaded the
 * provider pointer before the revoke then takes its kref on, locks the
 * SRCU domain of, and reads the resource through, freed memory.
 *
 * Freed where: into the entry's own LIFO object cache (a kmem_cache in
 * miniature, CREV_BUG_CACHE objects), which the next bind reuses at once
 * as a slab does; the object keeps its initialised SRCU domain (as a
 * constructor's state survives in a slab), so the stale consumer's
 * accesses stay within memory that exists.  It then reaches the NEXT
 * device's resource, which the torture oracle reports ("poison": a
 * wrong stamp, or an access its revoke did not wait for), in both
 * environments and on every kernel; its put after the object was freed
 * again frees it twice, which the cache keeps (two binds then share one
 * provider: more of the same).  Nothing is returned to the real allocator
 * before global_exit(), so no wild write on a kernel without KASAN; KASAN
 * does not see a cache reuse (bug-crev-byvalue is the entry KASAN sees).
 * A real kfree() cannot serve both: the oracle needs the freed object
 * reused at once, by the next bind, and KASAN needs it NOT reused (its
 * quarantine keeps a kfree()d object poisoned, so the next bind could
 * never get it back and the stale consumer would reach no device at
 * all); without KASAN the stale kref and SRCU writes would land in
 * whatever kmalloc reused the object for, and in the domain's freed
 * per-CPU counters (cleanup_srcu_struct()), which KASAN does not track.
 * A full cache leaks the object rather than free it under its users.
 */
#define CREV_BUG_CACHE	64

static struct crev *crev_bug_cache[CREV_BUG_CACHE];

static struct crev *crev_bug_cache_get(void)
{
	struct crev *rev;
	int i;

	for (i = 0; i < CREV_BUG_CACHE; i++) {
		if (!READ_ONCE(crev_bug_cache[i]))
			continue;
		rev = xchg(&crev_bug_cache[i], NULL);
		if (rev)
			return rev;
	}
	return NULL;
}

static void crev_bug_cache_put(struct crev *rev)
{
	int i;

	for (i = 0; i < CREV_BUG_CACHE; i++)
		if (!READ_ONCE(crev_bug_cache[i]) &&
		    !cmpxchg(&crev_bug_cache[i], NULL, rev))
			return;
	/* full: leaked, never freed under a stale consumer */
}

/* crev_alloc() from the cache: a reused object keeps its SRCU domain. */
static struct crev *crev_bug_alloc(void *res)
{
	struct crev *rev = crev_bug_cache_get();

	if (!rev)
		return crev_alloc(res);
	WRITE_ONCE(rev->res, res);
	atomic_set(&rev->kref, 1);
	return rev;
}

/* crev_put() whose free is the cache's. */
static void crev_bug_put(struct crev *rev)
{
	if (atomic_dec_and_test(&rev->kref))
		crev_bug_cache_put(rev);
}

/* Return the cache to the allocator, each object once (it may be twice). */
static void crev_bug_cache_exit(void)
{
	struct crev *rev;
	int i, j;

	for (i = 0; i < CREV_BUG_CACHE; i++) {
		rev = xchg(&crev_bug_cache[i], NULL);
		if (!rev)
			continue;
		for (j = i + 1; j < CREV_BUG_CACHE; j++)
			if (READ_ONCE(crev_bug_cache[j]) == rev)
				WRITE_ONCE(crev_bug_cache[j], NULL);
		rb_srcu_cleanup(&rev->srcu);
		rb_free(rev);
	}
}

static int rev_crev_bug_race_init(struct revocable *rev)
{
	struct rev_crev *r = (struct rev_crev *)rev;

	r->prov = crev_bug_alloc(r->base.res);	/* BUG: no harness reference */
	if (!r->prov)
		return -ENOMEM;
	r->prov_put = crev_bug_put;	/* revoke's kref_put() frees to the cache */
	return 0;
}

REV_BASE_CREATE(rev_crev_bug_race_create, struct rev_crev,
		rev_crev_bug_race_init)

static void rev_crev_bug_race_destroy(struct revocable *rev)
{
	rb_free(rev);	/* the provider went with the last kref_put() */
}

static void *rev_crev_bug_race_try_access(struct revocable *rev,
					  struct rev_handle *h)
{
	struct crev *prov = READ_ONCE(((struct rev_crev *)rev)->prov);
	struct crev_handle ch;
	void *res;

	crev_get(prov);		/* BUG: the consumer allocation's kref_get() */
	crev_handle_init(&ch, prov);
	res = crev_try_access(&ch);
	if (!res) {
		crev_withdraw_access(&ch);
		crev_bug_put(prov);
		return NULL;
	}
	h->seq = ch.idx;
	h->slot = prov;
	return res;
}

static int rev_crev_bug_race_release(struct revocable *rev,
				     struct rev_handle *h)
{
	struct crev_handle ch = { .rev = h->slot, .idx = (int)h->seq };

	(void)rev;
	crev_withdraw_access(&ch);
	crev_bug_put(ch.rev);
	return 0;
}

const struct revocable_ops rev_ops_bug_crev_alloc_race = {
	.name = "bug-crev-alloc-race",
	.family = "srcu",
	.desc = "BROKEN on purpose: c-revocable whose consumer allocation "
		"takes its kref on a provider that revoke may have freed",
	.caps = REV_CAP_BROKEN | REV_CAP_SLEEP,
	.color = "#8c564b",
	.global_exit = crev_bug_cache_exit,
	.create = rev_crev_bug_race_create,
	.destroy = rev_crev_bug_race_destroy,
	.footprint = rev_crev_footprint,
	.try_access = rev_crev_bug_race_try_access,
	.release = rev_crev_bug_race_release,
	.revoke = rev_crev_revoke,
};
#endif /* REVBENCH_BUGS */
