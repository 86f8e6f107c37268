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
 *
 * The handle is per access and lives on the caller's stack; it is never
 * shared between threads (sharing one is what hung the C revocable series).
 *
 * One ops table per primitive and variant, listed in rev_ops_all[]
 * (userspace: primitives/registry.c, kernel: kmod/).  Callers iterate over
 * the table and never switch on a primitive's name.
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

/*
 * REV_CAP_BOUNDED, precisely.  A revoke must wait for the readers that hold
 * the revocable being revoked (that is the contract), so no blocking
 * primitive can bound a revoke against a reader stalled inside *that*
 * revocable.  What separates the designs is a reader stalled inside an
 * access to a *different* revocable of the same primitive (another device
 * of the same driver): RCU's grace period waits for it, an SRCU domain
 * shared by all revocables waits for it, a per-revocable SRCU domain, a
 * refcount, a hazard-pointer scan, an rwsem or a seqcount bump does not.
 * The unbind workload's --stall-us measures exactly that (workload.h).
 * REV_CAP_RETRY primitives with a bounded revoke do not wait even for
 * their own readers; those are told to retry.
 */
struct revocable_ops {
	const char *name;	/* unique: "rwsem-wpref", "hazptr-asym" */
	const char *family;	/* primitive it is a variant of: "rwsem" */
	const char *desc;	/* one line, for "revbench list" */
	unsigned int caps;

	/* Optional, once per process/module, before/after any create(). */
	int (*global_init)(void);
	void (*global_exit)(void);

	/* NULL on allocation failure. */
	struct revocable *(*create)(void *res, rev_release_fn release,
				    void *arg);
	/* Only after revoke() (and deferred_barrier() if DEFERRED). */
	void (*destroy)(struct revocable *rev);
	/* Bytes this revocable costs, per-CPU/per-thread parts included. */
	size_t (*footprint)(const struct revocable *rev);

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
};

extern const struct revocable_ops *const rev_ops_all[];
extern const int rev_ops_count;

const struct revocable_ops *rev_ops_find(const char *name);

/* Human-readable capability list, e.g. "sleep,bounded". */
static inline const char *rev_caps_str(unsigned int caps, char *buf,
				       size_t len)
{
	static const char *const names[] = {
		"sleep", "retry", "bounded", "deferred", "expedited",
		"unsafe", "broken",
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
