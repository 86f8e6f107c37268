/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hazptr_pcpu.h - hazptr-pcpu's fast path (primitives/hazptr_pcpu.c): the
 * slot domain and struct its readers touch and the inline
 * hazptr_acquire()/hazptr_release() pair, which the ops table points at
 * and the harness's read-section loops inline (workloads/readsections.c).
 */
#ifndef REVBENCH_HAZPTR_PCPU_H
#define REVBENCH_HAZPTR_PCPU_H

#include "revocable.h"
#include "hazptr.h"

/* A slot being assigned: a scan treats it as holding every address. */
#define RB_HZP_WILDCARD		((void *)1UL)

struct rev_hzp_backup {
	void *addr;			/* NULL: free; else what it protects */
	struct rev_hzp_backup *next;	/* this context's list, never unlinked */
};

struct rev_hzp_ctx {
	void *slot[HP_SLOTS_PER_CTX];
	struct rev_hzp_backup *backup;	/* overflow list head (push only) */
} ____cacheline_aligned;

struct rev_hzp_domain {
	void *mem;		/* what rb_zalloc() returned (unaligned) */
	int nr_ctx;		/* rb_nr_ctx() + 1: the last for no context */
	atomic_long_t nodes;	/* backup nodes allocated */
	struct rev_hzp_ctx ctx[];
};

struct rev_hzp {
	struct rev_base base;
	void *addr;		/* the revocable itself while live, then NULL */
	struct rev_hzp_domain *dom;
};

/*
 * Claim one slot for p; true if claimed.  Kernel: cmpxchg (fully ordered,
 * atomic against handlers and remote releases).  Userspace: only the
 * owner thread claims, so peek-then-store; the caller adds smp_mb().
 */
static __always_inline bool rev_hzp_claim(void **slot, void *p)
{
#ifdef __KERNEL__
	return !READ_ONCE(*slot) && !cmpxchg(slot, NULL, p);
#else
	if (smp_load_acquire(slot))
		return false;
	smp_store_release(slot, p);
	return true;
#endif
}

/*
 * The overflow path, out of line (hazptr_pcpu.c): a backup slot on ctx's
 * list claimed for p (NULL: out of memory).
 */
void **rev_hzp_backup_get(struct rev_hzp_domain *d, int ctx, void *p);

static __always_inline void rev_hzp_release_slot(struct rev_handle *h)
{
	smp_store_release((void **)h->slot, NULL);
}

/* hazptr_acquire(): r's resource, or NULL (nothing held) once revoked. */
static __always_inline void *rev_hzp_acquire(struct revocable *rev,
					     struct rev_handle *h)
{
	struct rev_hzp *r = (struct rev_hzp *)rev;
	struct rev_hzp_domain *d = r->dom;
	void **slot = NULL;
	void *p = READ_ONCE(r->addr);
	int ctx, i;

	if (unlikely(!p))
		return NULL;
	ctx = rb_ctx_get();
	if (likely(ctx >= 0)) {
		for (i = 0; i < HP_SLOTS_PER_CTX; i++) {
			if (rev_hzp_claim(&d->ctx[ctx].slot[i], p)) {
				slot = &d->ctx[ctx].slot[i];
				break;
			}
		}
	}
	if (unlikely(!slot)) {
		/*
		 * Unpinned first: the backup path may allocate, and on
		 * PREEMPT_RT the slab's locks sleep, so never with preemption
		 * off.  Any CPU may claim a node of ctx's list (cmpxchg).
		 */
		rb_ctx_put();
		slot = rev_hzp_backup_get(d, ctx >= 0 ? ctx : d->nr_ctx - 1, p);
		if (!slot)
			return NULL;
	} else {
		rb_ctx_put();
#ifndef __KERNEL__
		smp_mb(); /* publish before the re-check (pairs the revoker) */
#endif
	}
	h->slot = slot;
	if (unlikely(READ_ONCE(r->addr) != p)) {
		rev_hzp_release_slot(h);
		return NULL;
	}
	return r->base.res;
}

/* hazptr_release() and hazptr_detach() in one: any CPU, any context. */
static __always_inline int rev_hzp_release(struct revocable *rev,
					   struct rev_handle *h)
{
	(void)rev;
	rev_hzp_release_slot(h);
	return 0;
}

extern const struct revocable_ops rev_ops_hazptr_pcpu;

#endif /* REVBENCH_HAZPTR_PCPU_H */
