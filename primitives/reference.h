/* SPDX-License-Identifier: GPL-2.0 */
/*
 * reference.h - the read sides of "revbench validate"'s peers
 * (primitives/reference.c, rev_ref_all[]): the struct they touch and each
 * peer's inline try_access/release, which its ops entry points at and the
 * harness's read-section loops inline (workloads/readsections.c).
 */
#ifndef REVBENCH_REFERENCE_H
#define REVBENCH_REFERENCE_H

#include "revocable.h"

struct rev_peer_slot {
	void *p;
} ____cacheline_aligned;

struct rev_peer {
	struct rev_base base;
	void *ptr;			/* bare: what readers load */
	int flag;			/* what the other read sides test */
	atomic_long_t count ____cacheline_aligned;	/* refcnt: one line */
#ifdef RB_HAVE_PTHREAD_RWLOCK
	rb_rwsem_t lock ____cacheline_aligned;
#endif
	struct rev_peer_slot *slot;	/* fence: one per context */
};

/*
 * A peer's read side: enter, test ok, leave again on failure; release()
 * leaves.  r (the struct rev_peer) and h (the handle) are in scope in the
 * three.  The token try_access() returns is the address of a global
 * (reference.c), which the compiler knows is not NULL: the harness's test
 * of it costs nothing, and the loop is the peer's own test alone.
 */
extern char rev_peer_token;

#define REV_PEER(sym, enter, ok, leave)					\
static inline void *rev_peer_##sym##_try(struct revocable *rev,	\
					 struct rev_handle *h)		\
{									\
	struct rev_peer *r = (struct rev_peer *)rev;			\
									\
	(void)h;							\
	enter;								\
	if (likely(ok))							\
		return &rev_peer_token;					\
	leave;								\
	return NULL;							\
}									\
static inline int rev_peer_##sym##_put(struct revocable *rev,		\
				       struct rev_handle *h)		\
{									\
	struct rev_peer *r = (struct rev_peer *)rev;			\
									\
	(void)r;							\
	(void)h;							\
	leave;								\
	return 0;							\
}									\
extern const struct revocable_ops rev_peer_##sym

REV_PEER(bare, , READ_ONCE(r->ptr), );
REV_PEER(refcnt, atomic_long_inc_return(&r->count), true,
	 atomic_long_dec_return(&r->count));
/* The context is held from the slot's store to its store-release. */
REV_PEER(fence,
	 h->slot = &r->slot[rb_ctx_get()].p;
	 WRITE_ONCE(*(void **)h->slot, (void *)r); smp_mb(),
	 READ_ONCE(r->flag),
	 smp_store_release((void **)h->slot, NULL); rb_ctx_put());
#ifdef RB_HAVE_LIBURCU
REV_PEER(urcu, rb_rcu_read_lock(), READ_ONCE(r->flag), rb_rcu_read_unlock());
#endif
#ifdef RB_HAVE_PTHREAD_RWLOCK
/* down_read() may block: its loops are instantiated MAY_BLOCK. */
REV_PEER(rwlock, rb_down_read(&r->lock), r->flag, rb_up_read(&r->lock));
#endif

#endif /* REVBENCH_REFERENCE_H */
