/* SPDX-License-Identifier: GPL-2.0 */
/*
 * c_revocable.h - the C revocable API in the shape of its v10 posting
 * (May 2026), as primitives/c_revocable.c implements it over compat.h for
 * both environments.  Every name carries a crev_ prefix so that it cannot
 * collide with a kernel's own revocable_* (or a future <linux/revocable.h>).
 *
 * Provider:  crev_alloc(res) / crev_init(rev, res) (embedded), crev_get(),
 *            crev_put() (the last put frees), crev_revoke():
 *            rcu_assign_pointer(res, NULL); synchronize_srcu(); kref_put().
 * Consumer:  a struct crev_handle on the stack per access:
 *            crev_handle_init(h, rev), crev_try_access(h) (srcu_read_lock +
 *            srcu_dereference: NULL once revoked, the section is held
 *            either way), crev_withdraw_access(h) (srcu_read_unlock),
 *            crev_handle_deinit(h); or the scoped macros below, which
 *            withdraw when the scope ends.
 * A consumer holds a reference (crev_get()) for as long as it may call
 * crev_try_access(): a revoked provider is still touched on the way to
 * NULL (its SRCU domain).
 */
#ifndef REVBENCH_C_REVOCABLE_H
#define REVBENCH_C_REVOCABLE_H

#include "revocable.h"

#ifndef __rcu
#define __rcu
#endif

struct crev {
	struct rb_srcu_struct srcu;
	void __rcu *res;
	atomic_t kref;		/* the kernel's kref: an atomic_t here */
	bool embedded;		/* crev_init(): the last put does not free */
};

struct crev_handle {
	struct crev *rev;
	int idx;		/* the SRCU index of the access in flight */
};

struct crev *crev_alloc(void *res);
int crev_init(struct crev *rev, void *res);
struct crev *crev_get(struct crev *rev);
void crev_put(struct crev *rev);
void crev_revoke(struct crev *rev);

void crev_handle_init(struct crev_handle *h, struct crev *rev);
void crev_handle_deinit(struct crev_handle *h);
void *crev_try_access(struct crev_handle *h);
void crev_withdraw_access(struct crev_handle *h);

/* Every synchronize_srcu() this file ran, in both environments (tests). */
u64 crev_synchronize_count(void);

static inline void crev_scope_end(struct crev_handle **hp)
{
	if (*hp)
		crev_withdraw_access(*hp);
}

#define crev_paste_(a, b)	a##b
#define crev_paste(a, b)	crev_paste_(a, b)
#define crev_scope_var		crev_paste(crev_scope_, __LINE__)

/*
 * crev_try_access_with(h, res): res = crev_try_access(h), withdrawn when
 * the enclosing scope ends (the caller checks res for NULL).  No goto into
 * the scope past it, as with the kernel's guard().
 */
#define crev_try_access_with(h, res)					\
	struct crev_handle *crev_scope_var				\
		__attribute__((__cleanup__(crev_scope_end))) = (h);	\
	(res) = crev_try_access(h)

/* The same, returning err from the function when revoked. */
#define crev_try_access_with_or_return_err(h, res, err)		\
	crev_try_access_with(h, res);					\
	if (!(res))							\
		return (err)

/* The same, returning -ENODEV. */
#define crev_try_access_with_or_return(h, res)				\
	crev_try_access_with_or_return_err(h, res, -ENODEV)

/*
 * ---- the fast path: inline twins of the calls a consumer's access and
 * open-close make, which c_revocable.c's API functions wrap and the
 * harness's read-section loops inline (workloads/readsections.c) ----
 */
#ifdef __KERNEL__
#define crev_assign(p, v)	rcu_assign_pointer((p), (v))
#define crev_deref(p, ssp)	srcu_dereference((p), (ssp))
#else
#define crev_assign(p, v)	smp_store_release(&(p), (v))
#define crev_deref(p, ssp)	smp_load_acquire(&(p))
#endif

static __always_inline struct crev *crev_get_inl(struct crev *rev)
{
	atomic_inc(&rev->kref);
	return rev;
}

/* The last reference frees the domain, and the provider unless embedded. */
static __always_inline void crev_put_inl(struct crev *rev)
{
	if (!atomic_dec_and_test(&rev->kref))
		return;
	rb_srcu_cleanup(&rev->srcu);
	if (!rev->embedded)
		rb_free(rev);
}

static __always_inline void crev_handle_init_inl(struct crev_handle *h,
						 struct crev *rev)
{
	h->rev = rev;
	h->idx = -1;
}

static __always_inline void *crev_try_access_inl(struct crev_handle *h)
{
	struct crev *rev = h->rev;

	h->idx = rb_srcu_read_lock(&rev->srcu);
	return crev_deref(rev->res, &rev->srcu);
}

static __always_inline void crev_withdraw_access_inl(struct crev_handle *h)
{
	rb_srcu_read_unlock(&h->rev->srcu, h->idx);
}

/* ---- revocable_ops over the API (c_revocable.c) ---- */

struct rev_crev {
	struct rev_base base;
	struct crev *prov;		/* the provider */
	void (*prov_put)(struct crev *prov);	/* revoke's kref_put() */
#ifdef REVBENCH_BUGS
	int bug_shared_idx;		/* bug-crev-shared-handle only */
	atomic_long_t bug_tally[2][2];	/* its locks/unlocks, to unwedge */
#endif
};

static inline void *rev_crev_try_access(struct revocable *rev,
					struct rev_handle *h)
{
	struct crev_handle ch;
	void *res;

	crev_handle_init_inl(&ch, ((struct rev_crev *)rev)->prov);
	res = crev_try_access_inl(&ch);
	if (unlikely(!res)) {
		crev_withdraw_access_inl(&ch);
		return NULL;
	}
	h->seq = ch.idx;
	return res;
}

static inline int rev_crev_release(struct revocable *rev,
				   struct rev_handle *h)
{
	struct crev_handle ch = {
		.rev = ((struct rev_crev *)rev)->prov,
		.idx = (int)h->seq,
	};

	crev_withdraw_access_inl(&ch);
	return 0;
}

/* open-close: the consumer's kref on the provider. */
static inline void *rev_crev_get(struct revocable *rev)
{
	return crev_get_inl(((struct rev_crev *)rev)->prov);
}

static inline void rev_crev_put(struct revocable *rev, void *ref)
{
	crev_put_inl(ref);
	(void)rev;
}

extern const struct revocable_ops rev_ops_c_revocable;

/*
 * bug-crev-sync-alloc, the zoo's performance bug (c_revocable.c): its
 * open-close get()/put(), out of line (an allocation and a grace period
 * per open: no call overhead to save).
 */
extern const struct revocable_ops rev_ops_bug_crev_sync_alloc;
void *rev_crev_sync_get(struct revocable *rev);
void rev_crev_sync_put(struct revocable *rev, void *ref);

#endif /* REVBENCH_C_REVOCABLE_H */
