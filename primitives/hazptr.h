/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hazptr.h - the hazard-pointer primitives (primitives/hazptr.c,
 * primitives/hazptr_pcpu.c), and hazptr's fast path: the slot domain and
 * struct its readers touch and the inline try_access/release, which the
 * ops tables point at and the harness's read-section loops inline
 * (workloads/readsections.c).  hazptr-pcpu's is in hazptr_pcpu.h.
 */
#ifndef REVBENCH_HAZPTR_H
#define REVBENCH_HAZPTR_H

#include "revocable.h"

/* Hazard-pointer slots per context (CPU in the kernel, thread in userspace). */
#define HP_SLOTS_PER_CTX	4

struct rev_hazptr_ctx {
	struct revocable *slot[HP_SLOTS_PER_CTX];
} ____cacheline_aligned;

struct rev_hazptr_domain {
	void *mem;		/* what rb_zalloc() returned (unaligned) */
	int nr_ctx;
	struct rev_hazptr_ctx ctx[];	/* nr_ctx entries, a cache line each */
};

/*
 * The lifetime of a slot domain shared by every revocable of the
 * primitive, hazptr's and hazptr-pcpu's (hazptr.c): made by global_init()
 * or the first create(), freed by the last global_exit() once no
 * revocable is alive.  global_init/global_exit must not race
 * create/destroy (the callers run them once, single-threaded).
 */
struct rev_hp_life {
	atomic_t inits;		/* global_init()s not yet exited */
	atomic_long_t live;	/* revocables created, not destroyed */
};

void *rev_hp_domain_alloc(size_t bytes, void **mem);
bool rev_hp_life_exit(struct rev_hp_life *l, const char *name,
		      const char *kept);

struct rev_hazptr {
	struct rev_base base;	/* readers fail once base.once is claimed */
	struct rev_hazptr_domain *dom;
	atomic_long_t overflow;	/* readers on the overflow path */
};

#ifdef __KERNEL__
#define rev_hazptr_slot_peek(p)		READ_ONCE(*(p))
#define rev_hazptr_slot_publish(p, v)	WRITE_ONCE(*(p), (v))
#else
#define rev_hazptr_slot_peek(p)		smp_load_acquire(p)
#define rev_hazptr_slot_publish(p, v)	smp_store_release((p), (v))
#endif

static inline void rev_hazptr_put(struct rev_hazptr *r, struct rev_handle *h)
{
	if (likely(h->slot))
		smp_store_release((struct revocable **)h->slot, NULL);
	else
		atomic_long_dec_return(&r->overflow);	/* fully ordered */
}

/*
 * Publish rev in a free slot of this context, into h->slot; NULL there
 * when every slot is taken (the caller then counts an overflow reader).
 */
static __always_inline struct revocable **
rev_hazptr_publish(struct rev_hazptr *r, struct revocable *rev,
		   struct rev_handle *h)
{
	struct revocable **slot = NULL;
	int ctx, i;

	ctx = rb_ctx_get();
	if (likely(ctx >= 0)) {
		struct revocable **s = r->dom->ctx[ctx].slot;

		for (i = 0; i < HP_SLOTS_PER_CTX; i++) {
			if (!rev_hazptr_slot_peek(&s[i])) {
				slot = &s[i];
				rev_hazptr_slot_publish(slot, rev);
				break;
			}
		}
	}
	rb_ctx_put();
	h->slot = slot;
	return slot;
}

/* light: a compiler barrier suffices (the revoker uses membarrier). */
static __always_inline void *rev_hazptr_try_access(struct revocable *rev,
						   struct rev_handle *h,
						   bool light)
{
	struct rev_hazptr *r = (struct rev_hazptr *)rev;

	if (likely(rev_hazptr_publish(r, rev, h))) {
		if (light)
			barrier();
		else
			smp_mb(); /* publish before the re-check (pairs revoke) */
	} else {
		atomic_long_inc_return(&r->overflow);	/* fully ordered */
	}
	if (unlikely(rev_once_claimed(&r->base.once))) {
		rev_hazptr_put(r, h);
		return NULL;
	}
	return r->base.res;
}

static inline int rev_hazptr_release(struct revocable *rev,
				     struct rev_handle *h)
{
	rev_hazptr_put((struct rev_hazptr *)rev, h);
	return 0;
}

static inline void *rev_hazptr_mb_try_access(struct revocable *rev,
					     struct rev_handle *h)
{
	return rev_hazptr_try_access(rev, h, false);
}

#ifdef __KERNEL__
/* hazptr-asym in the module: the heavy fence is IPIs, always available. */
static inline bool rev_hazptr_asym_light(void)
{
	return true;
}
#else
/* membarrier(2)'s state, probed once by hazptr.c before any asym revocable. */
enum { HP_MB_UNKNOWN, HP_MB_READY, HP_MB_FALLBACK };
extern int rev_hazptr_mb_state;

/* Without membarrier(2) the readers fall back to smp_mb(). */
static inline bool rev_hazptr_asym_light(void)
{
	return READ_ONCE(rev_hazptr_mb_state) == HP_MB_READY;
}
#endif

static inline void *rev_hazptr_asym_try_access(struct revocable *rev,
					       struct rev_handle *h)
{
	return rev_hazptr_try_access(rev, h, rev_hazptr_asym_light());
}

/* Readers publish, then smp_mb(); kernel and userspace. */
extern const struct revocable_ops rev_ops_hazptr;

/*
 * Readers publish, then barrier(); the revoker issues membarrier(2)
 * (userspace) or an IPI to every online CPU (module, rb_heavy_fence()).
 */
extern const struct revocable_ops rev_ops_hazptr_asym;

#ifndef __KERNEL__
/*
 * How hazptr-asym orders readers, for the results context (results/FORMAT.md,
 * "membarrier", recorded by runner/calib.c's rb_membarrier_state()):
 * "private-expedited", or "unavailable: fallback to smp_mb"
 * when membarrier(2) cannot be used (then hazptr-asym readers issue
 * smp_mb() like plain hazptr; a warning went to stderr).  Probes on first
 * call.  Setting REVBENCH_NO_MEMBARRIER=1 in the environment forces the
 * fallback, to test it.
 */
const char *rev_hazptr_membarrier_state(void);
#endif

#endif /* REVBENCH_HAZPTR_H */
