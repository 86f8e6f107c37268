// SPDX-License-Identifier: GPL-2.0
/*
 * reference.c - the peers of "revbench validate": read sides written
 * directly against the mechanism, as ops entries (refscale's acqrel and
 * clock types: a read section and nothing else), which validate times as
 * empty cells like every primitive (rb_wl_*: one window, barriers, thread
 * body and clock reads).  An entry's .peer is that of the primitive it is
 * measured against; liburcu and pthreads are userspace libraries
 * (RB_HAVE_LIBURCU, RB_HAVE_PTHREAD_RWLOCK): in the module refscale's own
 * types are the peers (make vm-validate).
 *
 * REV_CAP_REFONLY: no revoke (ops->revoke only runs the release callback,
 * for the harness's tear-down once every reader has stopped), and
 * try_access() returns a token, not the resource, so only the empty
 * workload runs them (rb_wl_check()).  They are in rev_ref_all[] below,
 * never in rev_ops_all[]: run, the tests, torture and the reports do not
 * see them.  .desc: the reference as validate's table names it, then
 * after "; " what the primitive does besides, if anything.
 */
#include "reference.h"

static int rev_peer_init(struct revocable *rev)
{
	struct rev_peer *r = (struct rev_peer *)rev;

	r->slot = rb_zalloc(sizeof(*r->slot) * rb_nr_ctx());
	if (!r->slot)
		return -ENOMEM;
#ifdef RB_HAVE_PTHREAD_RWLOCK
	if (rb_rwsem_init(&r->lock)) {
		rb_free(r->slot);
		return -ENOMEM;
	}
#endif
	r->ptr = r->base.res;
	r->flag = 1;
	return 0;
}

REV_BASE_CREATE(rev_peer_create, struct rev_peer, rev_peer_init)

static void rev_peer_destroy(struct revocable *rev)
{
	struct rev_peer *r = (struct rev_peer *)rev;

#ifdef RB_HAVE_PTHREAD_RWLOCK
	rb_rwsem_destroy(&r->lock);
#endif
	rb_free(r->slot);
	rb_free(r);
}

static size_t rev_peer_footprint(const struct revocable *rev)
{
	(void)rev;
	return sizeof(struct rev_peer) +
	       sizeof(struct rev_peer_slot) * rb_nr_ctx();
}

/* Not a revoke (REV_CAP_REFONLY): the tear-down's release, readers gone. */
static void rev_peer_teardown(struct revocable *rev)
{
	static const struct rev_batch release_only;

	rev_once_batch(&rev, 1, &release_only);
}

/* A peer's ops entry over its read side in reference.h. */
#define REV_PEER_OPS(sym, pr, what)					\
const struct revocable_ops rev_peer_##sym = {				\
	.name = "peer-" #sym,						\
	.family = "reference",						\
	.desc = what,							\
	.caps = REV_CAP_REFONLY | REV_CAP_UNSAFE,			\
	.peer = pr,							\
	.create = rev_peer_create,					\
	.destroy = rev_peer_destroy,					\
	.footprint = rev_peer_footprint,				\
	.try_access = rev_peer_##sym##_try,				\
	.release = rev_peer_##sym##_put,				\
	.revoke = rev_peer_teardown,					\
}

char rev_peer_token;	/* reference.h */

REV_PEER_OPS(bare, "bare", "bare load");
REV_PEER_OPS(refcnt, "refcnt",
	     "lock add/lock sub; revbench refcount is inc-not-zero (a cmpxchg loop) + lock dec");
REV_PEER_OPS(fence, "fence",
	     "store+mb+load; revbench hazptr also looks for a free slot of four");
#ifdef RB_HAVE_LIBURCU
REV_PEER_OPS(urcu, "rcu", "urcu_memb rd lock");
#endif
#ifdef RB_HAVE_PTHREAD_RWLOCK
REV_PEER_OPS(rwlock, "rwsem", "pthread_rwlock rd");
#endif

const struct revocable_ops *const rev_ref_all[] = {
	&rev_peer_bare,
#ifdef RB_HAVE_LIBURCU
	&rev_peer_urcu,
#endif
#ifdef RB_HAVE_PTHREAD_RWLOCK
	&rev_peer_rwlock,
#endif
	&rev_peer_refcnt,
	&rev_peer_fence,
};
const int rev_ref_count = ARRAY_SIZE(rev_ref_all);
