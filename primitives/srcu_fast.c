// SPDX-License-Identifier: GPL-2.0
/*
 * srcu-fast - per-revocable SRCU domain read with SRCU-fast (Linux v6.15+
 * srcu_read_lock_fast()/srcu_read_unlock_fast()), otherwise the shape of
 * "srcu" (primitives/srcu.c): an availability flag, revoke = clear the
 * flag + a grace period of the revocable's own domain.  One file for both
 * environments over compat.h's rb_srcu_fast_*: the kernel's own API where
 * it exists, else the port of v6.15's algorithm in
 * compat/srcu_fast_port.h (every kernel here, and userspace).
 * ops->impl records which one this build runs.
 *
 * The reader is a per-CPU increment of the current index's lock count
 * and a compiler barrier, no smp_mb(); the grace period puts an RCU grace
 * period where the classic reader's barrier was, once per reader check
 * and two checks per grace period, so a revoke costs at least two normal
 * RCU grace periods (classic srcu's one synchronize_srcu() often goes
 * expedited on an idle domain: kmod/srcu_paths.c).
 *
 * try_access(): lock, test the flag, keep the cookie in the caller's
 * handle (h->slot), or unlock and return NULL.  Either the reader's
 * increment is counted by the grace period's check (which then waits for
 * its unlock) or it began after the check's RCU grace period began, and
 * then it sees the flag the revoker cleared before (the port's header
 * says why the RCU grace period gives that).
 *
 * Caps: SLEEP (SRCU readers may sleep).  NOT BOUNDED, although each
 * revocable has its own domain: the grace period's synchronize_rcu()
 * waits for every RCU reader in the system, so a thread stalled in some
 * other subsystem's rcu_read_lock() delays this revoke (revocable.h's
 * second case, as for percpu_ref; the contract suite's
 * foreign_rcu_reader fails if the cap is claimed).  A reader stalled in
 * an access to another srcu-fast revocable does not delay it (SRCU
 * readers are not RCU readers; only the increment instruction is).
 * IRQSAFE in the kernel (the increment is this_cpu_inc(),
 * safe against an interrupt on the same CPU, and RCU watches in hardirq;
 * an access that begins and ends in one handler is what the cap means).
 * Not XRELEASE: upstream requires the unlock in the locking task.
 *
 * revoke_many(): rb_srcu_fast_synchronize_many(): the N domains' grace
 * periods run together and share their RCU grace periods (the port: one
 * heavy fence per check round for all of them).
 */
#include "srcu_fast.h"

#ifdef RB_SRCU_FAST_PORT
#define REV_SRCU_FAST_DESC	"per-revocable SRCU-fast domain (Linux " \
				RB_SRCU_FAST_PORT_VERSION " algorithm, "  \
				"ported: no srcu_read_lock_fast here); "  \
				"revoke = 2+ RCU GPs"
#else
#define REV_SRCU_FAST_DESC	"per-revocable srcu_struct read with "    \
				"srcu_read_lock_fast (v6.15+); revoke = "  \
				"synchronize_srcu"
#endif

static int rev_srcu_fast_init(struct revocable *rev)
{
	struct rev_srcu_fast *r = (struct rev_srcu_fast *)rev;

	if (rb_srcu_fast_init(&r->own))
		return -ENOMEM;
	r->available = 1;
	return 0;
}

REV_BASE_CREATE(rev_srcu_fast_create, struct rev_srcu_fast, rev_srcu_fast_init)

static void rev_srcu_fast_destroy(struct revocable *rev)
{
	struct rev_srcu_fast *r = (struct rev_srcu_fast *)rev;

	rb_srcu_fast_cleanup(&r->own);
	rb_free(r);
}

static size_t rev_srcu_fast_footprint(const struct revocable *rev)
{
	const struct rev_srcu_fast *r = (const struct rev_srcu_fast *)rev;

	/* rb_srcu_fast_footprint() counts the embedded domain itself. */
	return sizeof(*r) - sizeof(r->own) + rb_srcu_fast_footprint(&r->own);
}

/* Clear the flag readers test (ordered by the grace period). */
static void rev_srcu_fast_stop(struct revocable *rev)
{
	WRITE_ONCE(((struct rev_srcu_fast *)rev)->available, 0);
}

static void rev_srcu_fast_finish(struct revocable *rev)
{
	rb_srcu_fast_synchronize(&((struct rev_srcu_fast *)rev)->own);
	rev_base_release(rev_base(rev));
}

static const struct rev_batch rev_srcu_fast_batch = {
	.stop = rev_srcu_fast_stop,
	.finish = rev_srcu_fast_finish,
};

REV_BATCH_REVOKE(rev_srcu_fast_revoke, &rev_srcu_fast_batch)

/* Every revocable's domain, one overlapped wait (one each if no memory). */
static void rev_srcu_fast_wait_many(struct revocable **revs, int n)
{
	struct rb_srcu_fast_struct **ssps = rb_zalloc((size_t)n *
						      sizeof(*ssps));
	int i;

	if (!ssps) {
		for (i = 0; i < n; i++)
			rb_srcu_fast_synchronize(
				&((struct rev_srcu_fast *)revs[i])->own);
		return;
	}
	for (i = 0; i < n; i++)
		ssps[i] = &((struct rev_srcu_fast *)revs[i])->own;
	rb_srcu_fast_synchronize_many(ssps, n);
	rb_free(ssps);
}

static const struct rev_batch rev_srcu_fast_many_batch = {
	.stop = rev_srcu_fast_stop,
	.wait = rev_srcu_fast_wait_many,
};

REV_BATCH_REVOKE_MANY(rev_srcu_fast_revoke_many, &rev_srcu_fast_many_batch)

/* srcu-fast and its zoo entry: all but create() the same. */
#define REV_SRCU_FAST_OPS					\
	.destroy = rev_srcu_fast_destroy,			\
	.footprint = rev_srcu_fast_footprint,			\
	.try_access = rev_srcu_fast_try_access,			\
	.release = rev_srcu_fast_release,			\
	.revoke = rev_srcu_fast_revoke,				\
	.revoke_many = rev_srcu_fast_revoke_many

const struct revocable_ops rev_ops_srcu_fast = {
	.name = "srcu-fast",
	.family = "srcu",
	.desc = REV_SRCU_FAST_DESC,
	.impl = RB_SRCU_FAST_IMPL,
	.caps = REV_CAP_SLEEP | REV_IRQSAFE,
	.color = "#e6550d",
	.create = rev_srcu_fast_create,
	REV_SRCU_FAST_OPS,
};

#if defined(REVBENCH_BUGS) && defined(RB_SRCU_FAST_PORT)
#include "bugs.h"

/*
 * ---- Bug zoo (bugs.h), test builds with the port: bug-srcu-fast-flip-idx ----
 *
 * The grace period's second check, after the flip, sums the index just
 * made current instead of the one it replaced (rb_sfp_check_idx(),
 * compat/srcu_fast_port.h).  The readers inside when revoke began hold
 * cookies of the old index, which nothing now waits for: revoke runs the
 * release callback under them, and the torture oracle sees a reader use
 * a released resource.  An index slip of this kind (the port's author
 * made it once while writing the port; the contract suite's
 * revoke_waits_reader caught it) is the port's own risk: upstream's
 * ->srcu_ctrp flip makes the index implicit in a pointer.  Chosen over
 * dropping the RCU grace period X (the fence that replaces the reader's
 * smp_mb()), whose window is a store buffer that qemu TCG rarely
 * reaches (REV_CAP_HWORDER, bugs.h): this one is caught in both
 * environments under TCG too.  Everything else is srcu-fast above.
 */
static struct revocable *rev_srcu_fast_bug_create(void *res,
						  rev_release_fn release,
						  void *arg)
{
	struct revocable *rev = rev_srcu_fast_create(res, release, arg);

	if (rev)
		((struct rev_srcu_fast *)rev)->own.bug_flip_idx = 1;
	return rev;
}

const struct revocable_ops rev_ops_bug_srcu_fast_flip_idx = {
	.name = "bug-srcu-fast-flip-idx",
	.family = "srcu",
	.desc = "BROKEN on purpose: srcu-fast whose grace period checks the "
		"index it just flipped to, not the readers' one",
	.impl = RB_SRCU_FAST_IMPL,
	.caps = REV_CAP_BROKEN | REV_CAP_SLEEP,
	.color = "#e6550d",
	.create = rev_srcu_fast_bug_create,
	REV_SRCU_FAST_OPS,
};
#endif /* REVBENCH_BUGS && RB_SRCU_FAST_PORT */
