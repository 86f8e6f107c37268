// SPDX-License-Identifier: GPL-2.0
/*
 * hazptr-pcpu - the kernel hazard pointers of 2026 (Desnoyers and
 * McKenney, LWN July 2026): a few per-CPU slots, a wildcard value for a
 * slot being assigned, per-context backup slots on per-CPU overflow lists
 * when the slots run out, and a preemptible hazptr_synchronize(addr).
 * Shared by userspace and the kernel module.  revbench's own older design
 * is primitives/hazptr.c (a per-revocable overflow count instead of
 * backup slots, the revocable's rev_once claim as the flag readers test);
 * this file follows the posting's API shape instead:
 *
 *   rev_hzp_acquire(r)      loads r->addr, publishes what it read in a
 *                           free slot of the caller's context, re-checks
 *                           r->addr; NULL (nothing held) if it changed
 *   rev_hzp_release(h)      empties the slot the access holds
 *   rev_hzp_synchronize(a)  waits until no slot and no backup slot holds
 *                           a (or the wildcard); preemptible
 *
 * What a revocable protects is itself: r->addr is r while live and NULL
 * once revoke() has stored NULL there, so hazptr_synchronize(r) waits for
 * the readers of this revocable only (REV_CAP_BOUNDED), whatever resource
 * pointer other revocables share with it.
 *
 * Reader: ctx = rb_ctx_get() (kernel: this CPU, preemption off until
 * rb_ctx_put(); userspace: the registered thread's index), p = r->addr;
 * claim a NULL slot of ctx for p; full barrier; re-check r->addr == p.
 * The claim in the kernel is cmpxchg(slot, NULL, p), which is the full
 * barrier itself and is atomic against a hardirq reader on this CPU that
 * claims the same slot and against a release of that slot from another
 * CPU, so accesses may begin in a handler and end elsewhere
 * (REV_CAP_IRQSAFE | REV_CAP_XRELEASE).  In userspace only the owner
 * thread claims its slots (peek, then store-release) and smp_mb() follows;
 * a release from another thread stores NULL into an owned slot, which no
 * claim races.
 *
 * Revoker (rev_once_batch(): stop, then wait): WRITE_ONCE(r->addr, NULL),
 * smp_mb(), then the scan.  Store-buffering pair with the reader's claim
 * and re-check: either the reader's re-check sees NULL and it backs out,
 * or the scan sees its slot and waits.  Scans load-acquire and releases
 * store-release, so the reader's accesses happen before release().
 *
 * Overflow: when the context's HP_SLOTS_PER_CTX slots are all taken, the
 * access takes a backup slot on its context's overflow list: a free node
 * of the list, claimed with cmpxchg(addr, NULL, p) from any CPU, else a
 * new node, allocated without sleeping (GFP_ATOMIC in the kernel), which
 * is pushed with cmpxchg() onto the list head holding RB_HZP_WILDCARD
 * (a slot being assigned: the scan waits for it as for a match) and then
 * gets p.  Nodes are never unlinked: release empties them and a later
 * overflow on that context reuses them; they are freed with the domain.
 *
 * How the port differs from the posting, and what it costs:
 *   - no scheduler hook.  The posting moves a preempted task's per-CPU
 *     slots to its backup slot on context switch, so a CPU's slots are
 *     only ever held by the running task.  A module cannot hook the
 *     scheduler, and userspace has no per-CPU slots that survive
 *     preemption.  Here a slot stays with the access that claimed it
 *     until release, across preemption, sleep and migration (the reader
 *     may sleep: REV_CAP_SLEEP); preemption is off only while claiming.
 *     Cost: no context-switch work at all, but a CPU whose slots are held
 *     by sleeping or preempted readers sends the next readers on that CPU
 *     to the slower backup path (an atomic claim on a shared node, or an
 *     allocation), where the posting would have had free slots again.
 *   - release is detach: the posting's hazptr_release() runs on the CPU
 *     that acquired and hazptr_detach() lets another context release;
 *     here every release may run anywhere (a store-release of NULL to the
 *     slot), so the two are one function.
 *   - the backup slot lives in a node of the overflow list, not in the
 *     caller's hazptr_ctx on its stack: revbench's per-access handle
 *     (struct rev_handle) has room for the slot's address only.  The
 *     posting flip-flops two lists per CPU so that a scan walks a list
 *     that only shrinks while new backups go to the other; here nodes are
 *     never unlinked and new ones are pushed at the head, so one list per
 *     context, walked without a lock, is already safe to scan
 *     preemptibly: a node pushed after the scan read the head was claimed
 *     after the revoker's fence, and its reader's re-check sees NULL.
 *   - userspace: the per-CPU slots are per registered thread
 *     (rb_ctx_get(), compat.h); a thread without a context uses the
 *     overflow list of the domain's extra last context.
 * If a backup node cannot be allocated (GFP_ATOMIC failed) the access
 * fails as if revoked, with a warning: the posting cannot fail there
 * (its backup slot is on the caller's stack).  Not claimed IRQSAFE on
 * PREEMPT_RT, where a hardirq handler may not allocate
 * (REV_IRQSAFE_NORT).
 *
 * Memory: footprint() is the per-revocable struct; the slot array (one
 * cache line per context) plus the backup nodes ever allocated is the
 * domain's (domain_footprint()).  The domain is allocated by global_init()
 * or the first create() and freed by the last global_exit() with no
 * revocable alive; those must not race create/destroy, as for hazptr.
 */
#include "hazptr_pcpu.h"


static struct rev_hzp_domain *rev_hzp_dom;
static struct rev_hp_life rev_hzp_life;	/* hazptr.h */

#ifdef __KERNEL__
/*
 * GFP_ATOMIC: elsewhere a reader may be in a hardirq handler
 * (REV_IRQSAFE_NORT).  On PREEMPT_RT the slab takes sleeping locks, so
 * the reader must be preemptible here (try_access() unpins before the
 * backup path); Debian's rt kernel has no CONFIG_DEBUG_ATOMIC_SLEEP to
 * say so, hence the check, which the rt torture reaches.
 */
static struct rev_hzp_backup *rev_hzp_node_alloc(void)
{
	WARN_ON_ONCE(IS_ENABLED(CONFIG_PREEMPT_RT) && !preemptible());
	return kzalloc(sizeof(struct rev_hzp_backup),
		       GFP_ATOMIC | __GFP_NOWARN);
}
#else
#define rev_hzp_node_alloc()	rb_zalloc(sizeof(struct rev_hzp_backup))
#endif

static struct rev_hzp_domain *rev_hzp_domain_get(void)
{
	struct rev_hzp_domain *d = smp_load_acquire(&rev_hzp_dom);
	int nr = rb_nr_ctx() + 1;
	void *mem;

	if (likely(d))
		return d;
	d = rev_hp_domain_alloc(sizeof(*d) +
				(size_t)nr * sizeof(struct rev_hzp_ctx), &mem);
	if (!d)
		return NULL;
	d->mem = mem;
	d->nr_ctx = nr;
	if (cmpxchg(&rev_hzp_dom, NULL, d)) {	/* fully ordered: publishes */
		rb_free(mem);
		return smp_load_acquire(&rev_hzp_dom);
	}
	return d;
}

static void rev_hzp_domain_free(struct rev_hzp_domain *d)
{
	struct rev_hzp_backup *n, *next;
	int i;

	for (i = 0; i < d->nr_ctx; i++)
		for (n = d->ctx[i].backup; n; n = next) {
			next = n->next;
			rb_free(n);
		}
	rb_free(d->mem);
}

static int rev_hzp_global_init(void)
{
	atomic_inc(&rev_hzp_life.inits);
	return rev_hzp_domain_get() ? 0 : -ENOMEM;
}

static void rev_hzp_global_exit(void)
{
	struct rev_hzp_domain *d;

	if (!rev_hp_life_exit(&rev_hzp_life, "hazptr-pcpu", "slots"))
		return;
	d = xchg(&rev_hzp_dom, NULL);
	if (d)
		rev_hzp_domain_free(d);
}

/* After create()'s rev_hzp_domain_get(): the domain exists. */
static int rev_hzp_init(struct revocable *rev)
{
	struct rev_hzp *r = (struct rev_hzp *)rev;

	r->addr = r;
	r->dom = smp_load_acquire(&rev_hzp_dom);
	atomic_long_inc(&rev_hzp_life.live);
	return 0;
}

static struct revocable *rev_hzp_create(void *res, rev_release_fn release,
					void *arg)
{
	if (!rev_hzp_domain_get())
		return NULL;
	return rev_base_new(sizeof(struct rev_hzp), res, release, arg,
			    rev_hzp_init);
}

static void rev_hzp_destroy(struct revocable *rev)
{
	atomic_long_dec(&rev_hzp_life.live);
	rb_free(rev);
}

REV_SIZEOF_FOOTPRINT(rev_hzp_footprint, struct rev_hzp)

static size_t rev_hzp_domain_footprint(void)
{
	struct rev_hzp_domain *d = smp_load_acquire(&rev_hzp_dom);

	if (!d)
		return 0;
	return sizeof(*d) + (size_t)d->nr_ctx * sizeof(struct rev_hzp_ctx) +
	       (size_t)atomic_long_read(&d->nodes) *
	       sizeof(struct rev_hzp_backup);
}

/* The overflow path (hazptr_pcpu.h). */
void **rev_hzp_backup_get(struct rev_hzp_domain *d, int ctx, void *p)
{
	struct rev_hzp_ctx *c = &d->ctx[ctx];
	struct rev_hzp_backup *n, *head;

	for (n = smp_load_acquire(&c->backup); n; n = smp_load_acquire(&n->next))
		if (!READ_ONCE(n->addr) && !cmpxchg(&n->addr, NULL, p))
			return &n->addr;	/* fully ordered claim */
	n = rev_hzp_node_alloc();
	if (!n) {
		rb_pr_warn("hazptr-pcpu: no memory for a backup slot: access "
			   "fails\n");
		return NULL;
	}
	atomic_long_inc(&d->nodes);
	n->addr = RB_HZP_WILDCARD;	/* being assigned once visible */
	do {
		head = READ_ONCE(c->backup);
		n->next = head;
	} while (cmpxchg(&c->backup, head, n) != head);	/* fully ordered */
	smp_store_release(&n->addr, p);
	smp_mb(); /* the value before the caller's re-check */
	return &n->addr;
}

static void rev_hzp_wait_slot(void **slot, const void *addr)
{
	unsigned int spins = 0;
	void *v;

	while ((v = smp_load_acquire(slot)) == addr || v == RB_HZP_WILDCARD)
		rev_backoff(&spins);
}

/*
 * hazptr_synchronize(addr): no lock, preemption on, so it may be
 * preempted anywhere.  backups=false is the zoo's bug-hazptr-pcpu-noovf.
 */
static void rev_hzp_synchronize(struct rev_hzp_domain *d, const void *addr,
				bool backups)
{
	struct rev_hzp_backup *n;
	int i, j, nctx = min_t(int, d->nr_ctx - 1, rb_ctx_in_use());

	for (i = 0; i < nctx; i++)
		for (j = 0; j < HP_SLOTS_PER_CTX; j++)
			rev_hzp_wait_slot(&d->ctx[i].slot[j], addr);
	if (!backups)
		return;
	for (i = 0; i < d->nr_ctx; i++) {
		if (i == nctx)
			i = d->nr_ctx - 1;	/* and the no-context list */
		for (n = smp_load_acquire(&d->ctx[i].backup); n;
		     n = smp_load_acquire(&n->next))
			rev_hzp_wait_slot(&n->addr, addr);
	}
}

static void rev_hzp_stop(struct revocable *rev)
{
	WRITE_ONCE(((struct rev_hzp *)rev)->addr, NULL);
}

static void rev_hzp_wait_backups(struct revocable **revs, int n, bool backups)
{
	int k;

	smp_mb(); /* the NULL stores before the scan (pairs the readers) */
	for (k = 0; k < n; k++)
		rev_hzp_synchronize(((struct rev_hzp *)revs[k])->dom, revs[k],
				    backups);
}

static void rev_hzp_wait(struct revocable **revs, int n)
{
	rev_hzp_wait_backups(revs, n, true);
}

static const struct rev_batch rev_hzp_batch = {
	.stop = rev_hzp_stop,
	.wait = rev_hzp_wait,
};

REV_BATCH_REVOKE(rev_hzp_revoke, &rev_hzp_batch)

#define REV_HZP_DOMAIN_OPS					\
	.global_init = rev_hzp_global_init,			\
	.global_exit = rev_hzp_global_exit,			\
	.create = rev_hzp_create,				\
	.destroy = rev_hzp_destroy,				\
	.footprint = rev_hzp_footprint,				\
	.domain_footprint = rev_hzp_domain_footprint

/*
 * No revoke_many: the posting's hazptr_synchronize() takes one address,
 * so a batch is n scans in a row (the generic loop), as upstream would.
 */
const struct revocable_ops rev_ops_hazptr_pcpu = {
	.name = "hazptr-pcpu",
	.family = "hazptr",
	.desc = "2026 kernel hazard pointers (Desnoyers/McKenney, LWN Jul "
		"2026): 4 per-CPU slots + backup lists; port: no sched hook, "
		"slot kept while asleep",
	.caps = REV_CAP_SLEEP | REV_CAP_BOUNDED | REV_IRQSAFE_NORT |
		REV_CAP_XRELEASE,
	.color = "#17becf",
	.peer = "fence",
	REV_HZP_DOMAIN_OPS,
	.try_access = rev_hzp_acquire,
	.release = rev_hzp_release,
	.revoke = rev_hzp_revoke,
};

#ifdef REVBENCH_BUGS
#include "bugs.h"

/*
 * bug-hazptr-pcpu-noovf: hazptr_synchronize() scans the per-CPU slots and
 * skips the overflow lists.  An access that found its context's slots
 * full (a torture many-handles reader holds 8 at once; in the kernel,
 * readers asleep in their accesses keep their CPU's slots) is invisible
 * to the revoke, which releases under it: the torture oracle sees the
 * poisoned resource.
 */
static void rev_hzp_bug_noovf_wait(struct revocable **revs, int n)
{
	rev_hzp_wait_backups(revs, n, false);	/* BUG: no backup slots */
}

static const struct rev_batch rev_hzp_bug_noovf_batch = {
	.stop = rev_hzp_stop,
	.wait = rev_hzp_bug_noovf_wait,
};

REV_BATCH_REVOKE(rev_hzp_bug_noovf_revoke, &rev_hzp_bug_noovf_batch)

const struct revocable_ops rev_ops_bug_hazptr_pcpu_noovf = {
	.name = "bug-hazptr-pcpu-noovf",
	.family = "hazptr",
	.desc = "BROKEN on purpose: hazptr-pcpu whose synchronize skips the "
		"overflow lists",
	.caps = REV_CAP_BROKEN | REV_CAP_SLEEP,
	.color = "#17becf",
	REV_HZP_DOMAIN_OPS,
	.try_access = rev_hzp_acquire,
	.release = rev_hzp_release,
	.revoke = rev_hzp_bug_noovf_revoke,
};
#endif /* REVBENCH_BUGS */
