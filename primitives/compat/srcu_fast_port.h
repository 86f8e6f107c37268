/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat/srcu_fast_port.h - a port of SRCU-fast, for kernels without it
 * (Debian's 6.1 and 6.12: it came in v6.15) and for userspace, written
 * once over compat.h.  Included by primitives/srcu_fast.c only, where
 * compat.h defines RB_SRCU_FAST_PORT (always in userspace; in the kernel
 * when <linux/srcu.h> has no SRCU_READ_FLAVOR_FAST).
 *
 * Follows Linux v6.15 (include/linux/srcutree.h, kernel/rcu/srcutree.c):
 *   __srcu_read_lock_fast()    the cookie is the current index's counter
 *                              pair (->srcu_ctrp, a __percpu pointer);
 *                              this_cpu_inc() of its lock count, then
 *                              barrier() - no smp_mb() (Y)
 *   __srcu_read_unlock_fast()  barrier(), then this_cpu_inc() of the
 *                              cookie's unlock count (Z)
 *   srcu_readers_active_idx_check() with SRCU_READ_FLAVOR_SLOWGP readers:
 *                              sum the unlocks, synchronize_rcu() (X)
 *                              where smp_mb() A was, sum the locks, equal
 *                              means no reader on that index
 *   srcu_flip()                smp_mb() E, flip ->srcu_ctrp, smp_mb() D
 *                              (kept for fast readers too, as upstream)
 * A grace period checks the index readers no longer take (stale
 * readers), flips, and checks the formerly current one: two checks, so
 * at least two RCU grace periods - the cost the series' cover letter
 * names, and more when a check finds a reader and must be repeated.
 * Why the RCU grace period replaces the reader's barrier: the per-CPU
 * increment is one instruction (this_cpu_inc()), so RCU sees it as a
 * read-side critical section of its own; either it ended before the
 * grace period did (the sum after X sees it) or it began after the grace
 * period began (the reader then sees every store the updater made
 * before X, such as a cleared flag).  Hence "readers only where RCU is
 * watching" upstream.
 *
 * How the port differs from upstream:
 *   - the caller's own context runs the grace period (no srcu_node tree,
 *     no workqueue, no callbacks, no srcu_data per CPU beyond the two
 *     counter pairs): a synchronize is the two checks, each retried
 *     after a short sleep while a reader is inside;
 *   - upstream never auto-expedites a domain with fast readers and runs
 *     its state machine from a workqueue with jiffies of delay between
 *     steps; the port calls synchronize_rcu() directly, so its
 *     synchronize costs the RCU grace periods and not the SRCU machinery
 *     around them (a lower bound on upstream's latency);
 *   - no lockdep map: upstream's srcu_read_lock_fast() tells lockdep
 *     of the read-side section (rcu_try_lock_acquire()), the port does
 *     not, so lockdep sees no SRCU-fast reader here;
 *   - grace periods of one domain are serialised by a claim word (not
 *     srcu_gp_mutex) so that rb_srcu_fast_port_synchronize_many() can
 *     hold many without lockdep's depth limit or ordering classes;
 *   - userspace: "per CPU" is per registered thread context (compat.h's
 *     rb_ctx_get()), each counter written by its owner only (a single-
 *     writer increment, the unlock a store-release for TSan as in
 *     compat/user_srcu.h); the RCU grace period X is liburcu's
 *     urcu_memb_synchronize_rcu(), whose sys_membarrier() is the fence
 *     on every running reader thread: liburcu 0.13 issues it
 *     (smp_mb_master()) whenever a thread is registered, and the calling
 *     thread always is (rb_thread_init()).  Where liburcu found no
 *     sys_membarrier, its master fence is a plain smp_mb() and its
 *     readers take smp_mb() instead; these readers do the same
 *     (rb_sfp_reader_fence()), like liburcu's own memb read side.
 *
 * Polled state: gp_seq counts 2 per grace period, odd while one runs, as
 * compat/user_srcu.h's.
 */
#ifndef REVBENCH_COMPAT_SRCU_FAST_PORT_H
#define REVBENCH_COMPAT_SRCU_FAST_PORT_H

#define RB_SRCU_FAST_PORT_VERSION	"v6.15"
#ifdef __KERNEL__
#define RB_SRCU_FAST_IMPL	"port of Linux " RB_SRCU_FAST_PORT_VERSION \
				" SRCU-fast (no srcu_read_lock_fast() in " \
				"this kernel's headers)"
#else
#define RB_SRCU_FAST_IMPL	"port of Linux " RB_SRCU_FAST_PORT_VERSION \
				" SRCU-fast over liburcu memb " \
				"(synchronize_rcu for the fence)"
#endif

/* One index's counts on one CPU (context). */
struct rb_sfp_ctr {
	unsigned long locks;
	unsigned long unlocks;
};

/* One CPU's (context's) counters for both indexes. */
struct rb_sfp_data {
	struct rb_sfp_ctr ctrs[2];
#ifndef __KERNEL__
} ____cacheline_aligned;	/* a context's line is its own */
#else
};
#endif

#ifdef __KERNEL__
#include <linux/percpu.h>
#include <linux/sort.h>
#define RB_SFP_PERCPU		__percpu
#define rb_sfp_heavy_fence()	synchronize_rcu()
#define rb_sfp_reader_fence()	barrier()
#define rb_sfp_sort(b, n, cmp)	sort((b), (n), sizeof(*(b)), (cmp), NULL)
#else
#define RB_SFP_PERCPU
#define rb_sfp_heavy_fence()	rb_synchronize_rcu()
#if RB_TSAN && !defined(urcu_memb_has_sys_membarrier)
extern int urcu_memb_has_sys_membarrier;	/* not inlined under TSan */
#endif
/* liburcu's own memb reader: a compiler barrier with sys_membarrier */
#define rb_sfp_reader_fence()				\
	do {						\
		if (likely(urcu_memb_has_sys_membarrier))	\
			barrier();			\
		else					\
			smp_mb();			\
	} while (0)
#define rb_sfp_sort(b, n, cmp)	qsort((b), (n), sizeof(*(b)), (cmp))
#endif

struct rb_srcu_fast_struct {
	struct rb_sfp_ctr RB_SFP_PERCPU *ctrp;	/* current index's counters */
	struct rb_sfp_data RB_SFP_PERCPU *sda;
	unsigned long gp_seq;	/* 2 per grace period, odd during one */
	int idx;		/* ctrp is &sda->ctrs[idx]; the claimer's */
	int busy;		/* claimed by the grace period running */
#ifdef REVBENCH_BUGS
	int bug_flip_idx;	/* bug-srcu-fast-flip-idx (srcu_fast.c) */
#endif
#ifndef __KERNEL__
	int nr_ctx;
#endif
};

/* What a reader holds between lock and unlock (upstream: the __percpu
 * struct srcu_ctr pointer). */
typedef struct rb_sfp_ctr RB_SFP_PERCPU *rb_srcu_fast_cookie_t;

#ifdef __KERNEL__
static inline int rb_sfp_alloc(struct rb_srcu_fast_struct *ssp)
{
	ssp->sda = alloc_percpu(struct rb_sfp_data);
	return ssp->sda ? 0 : -ENOMEM;
}

static inline void rb_sfp_free(struct rb_srcu_fast_struct *ssp)
{
	free_percpu(ssp->sda);
}

/* Bytes: the struct and one rb_sfp_data per possible CPU. */
static inline size_t rb_srcu_fast_footprint(
	const struct rb_srcu_fast_struct *ssp)
{
	return sizeof(*ssp) + sizeof(struct rb_sfp_data) * nr_cpu_ids;
}

#define rb_sfp_inc_lock(scp)	this_cpu_inc((scp)->locks)
#define rb_sfp_inc_unlock(scp)	this_cpu_inc((scp)->unlocks)
#define rb_sfp_for_each(c, ssp)	for_each_possible_cpu(c)
#define rb_sfp_at(ssp, c, idx)	per_cpu_ptr(&(ssp)->sda->ctrs[idx], (c))
#define rb_sfp_read_unlocks(p)	READ_ONCE((p)->unlocks)
#else
static inline int rb_sfp_alloc(struct rb_srcu_fast_struct *ssp)
{
	int nr = rb_nr_ctx();

	ssp->sda = rb_zalloc((size_t)nr * sizeof(*ssp->sda));
	if (!ssp->sda)
		return -ENOMEM;
	ssp->nr_ctx = nr;
	return 0;
}

static inline void rb_sfp_free(struct rb_srcu_fast_struct *ssp)
{
	rb_free(ssp->sda);
}

/* Bytes: the struct and one rb_sfp_data (a cache line) per context. */
static inline size_t rb_srcu_fast_footprint(
	const struct rb_srcu_fast_struct *ssp)
{
	return sizeof(*ssp) + (size_t)ssp->nr_ctx * sizeof(*ssp->sda);
}

/*
 * The cookie points into context 0's rb_sfp_data; context c's copy is
 * c strides further, as a __percpu pointer plus a CPU's offset.
 */
static inline struct rb_sfp_ctr *rb_sfp_this(struct rb_sfp_ctr *scp,
					     int nr_ctx)
{
	int c = rb_ctx_get();

	if (unlikely(c < 0 || c >= nr_ctx))
		rb_srcu_unregistered();
	return (struct rb_sfp_ctr *)((char *)scp +
				     (size_t)c * sizeof(struct rb_sfp_data));
}

#define rb_sfp_inc_lock(scp)						\
	do {								\
		struct rb_sfp_ctr *p_ = rb_sfp_this((scp), ssp->nr_ctx); \
									\
		WRITE_ONCE(p_->locks, READ_ONCE(p_->locks) + 1);	\
	} while (0)
/* Release: TSan's edge from the reader's section to the updater. */
#define rb_sfp_inc_unlock(scp)						\
	do {								\
		struct rb_sfp_ctr *p_ = rb_sfp_this((scp), ssp->nr_ctx); \
									\
		smp_store_release(&p_->unlocks,				\
				  READ_ONCE(p_->unlocks) + 1);		\
	} while (0)
#define rb_sfp_for_each(c, ssp)						\
	for ((c) = 0; (c) < min_t(int, (ssp)->nr_ctx, rb_ctx_in_use()); (c)++)
#define rb_sfp_at(ssp, c, idx)	(&(ssp)->sda[c].ctrs[idx])
#define rb_sfp_read_unlocks(p)	smp_load_acquire(&(p)->unlocks)
#endif

/* ---- read side: upstream's __srcu_read_lock_fast()/_unlock_fast() ---- */

static inline rb_srcu_fast_cookie_t
rb_srcu_fast_read_lock(struct rb_srcu_fast_struct *ssp)
{
	rb_srcu_fast_cookie_t scp = READ_ONCE(ssp->ctrp);

	rb_sfp_inc_lock(scp);	/* Y, and an implicit RCU reader */
	rb_sfp_reader_fence();	/* keep the section after it */
	return scp;
}

static inline void rb_srcu_fast_read_unlock(struct rb_srcu_fast_struct *ssp,
					    rb_srcu_fast_cookie_t scp)
{
	rb_sfp_reader_fence();	/* keep the section before it */
	rb_sfp_inc_unlock(scp);	/* Z, and an implicit RCU reader */
	(void)ssp;
}

/* ---- update side ---- */

static inline int rb_srcu_fast_init(struct rb_srcu_fast_struct *ssp)
{
	memset(ssp, 0, sizeof(*ssp));
	if (rb_sfp_alloc(ssp))
		return -ENOMEM;
	ssp->ctrp = &ssp->sda->ctrs[0];
	return 0;
}

static inline void rb_srcu_fast_cleanup(struct rb_srcu_fast_struct *ssp)
{
	rb_sfp_free(ssp);
	ssp->sda = NULL;
}

/* Claim the domain's grace-period machinery; false: another has it. */
static inline bool rb_sfp_try_claim(struct rb_srcu_fast_struct *ssp)
{
	return !READ_ONCE(ssp->busy) && !cmpxchg(&ssp->busy, 0, 1);
}

static inline void rb_sfp_unclaim(struct rb_srcu_fast_struct *ssp)
{
	smp_store_release(&ssp->busy, 0);
}

/* Per-domain scratch of one many-domain grace period. */
struct rb_sfp_wait {
	struct rb_srcu_fast_struct *ssp;
	unsigned long unlocks;	/* the sum before the fence */
	bool todo;		/* readers not yet seen gone */
};

/* The sum of one index's counts over every CPU (context). */
static inline unsigned long rb_sfp_sum(struct rb_srcu_fast_struct *ssp, int idx,
				bool unlocks)
{
	unsigned long sum = 0;
	int c;

	rb_sfp_for_each(c, ssp)
		sum += unlocks ? rb_sfp_read_unlocks(rb_sfp_at(ssp, c, idx)) :
				 READ_ONCE(rb_sfp_at(ssp, c, idx)->locks);
	return sum;
}

/*
 * The index a check sums: the one readers no longer take.  The zoo's
 * bug-srcu-fast-flip-idx (test builds) sums the current one after the
 * flip instead, where only readers that came after it are counted.
 */
static inline int rb_sfp_check_idx(const struct rb_srcu_fast_struct *ssp,
				   bool flipped)
{
#ifdef REVBENCH_BUGS
	if (flipped && READ_ONCE(ssp->bug_flip_idx))
		return ssp->idx;	/* BUG: the index just flipped to */
#endif
	(void)flipped;
	return ssp->idx ^ 1;
}

/*
 * Wait until no reader is inside the index that is not current, in each
 * domain (upstream's srcu_readers_active_idx_check() and its retries):
 * before the flip, stale readers that fetched it before the last flip;
 * after it, the readers of the formerly current index.  All domains are
 * checked against ONE heavy fence per round: n domains share the RCU
 * grace periods.  @flipped: the check after the flip.
 */
static inline void rb_sfp_wait_readers(struct rb_sfp_wait *w, int n,
				       bool flipped)
{
	int i, idx, left = n, rounds = 0;

	for (i = 0; i < n; i++)
		w[i].todo = true;
	while (left) {
		if (rounds++)	/* a reader is inside: let it leave */
			rb_sleep_us(rounds < 10 ? 20 : 200);
		for (i = 0; i < n; i++) {
			idx = rb_sfp_check_idx(w[i].ssp, flipped);
			if (w[i].todo)
				w[i].unlocks = rb_sfp_sum(w[i].ssp, idx, true);
		}
		rb_sfp_heavy_fence();	/* X: where smp_mb() A was */
		for (i = 0; i < n; i++) {
			idx = rb_sfp_check_idx(w[i].ssp, flipped);
			if (w[i].todo &&
			    rb_sfp_sum(w[i].ssp, idx, false) == w[i].unlocks) {
				w[i].todo = false;
				left--;
			}
		}
	}
}

/*
 * One grace period of each of the n domains in w[], claimed by the
 * caller: every step over all of them before the next.
 */
static inline void rb_sfp_gp_claimed(struct rb_sfp_wait *w, int n)
{
	struct rb_srcu_fast_struct *ssp;
	int i;

	for (i = 0; i < n; i++)	/* odd: one runs */
		WRITE_ONCE(w[i].ssp->gp_seq, w[i].ssp->gp_seq + 1);
	smp_mb(); /* the caller's prior stores (the flags) before the scans */
	rb_sfp_wait_readers(w, n, false);	/* stale readers */
	smp_mb(); /* E: those checks before the flips */
	for (i = 0; i < n; i++) {
		ssp = w[i].ssp;
		ssp->idx ^= 1;
		WRITE_ONCE(ssp->ctrp, &ssp->sda->ctrs[ssp->idx]);
	}
	smp_mb(); /* D: the flips before the second checks */
	rb_sfp_wait_readers(w, n, true);	/* the formerly current */
	smp_mb(); /* the grace periods before the caller's later accesses */
	for (i = 0; i < n; i++)	/* even: done */
		smp_store_release(&w[i].ssp->gp_seq, w[i].ssp->gp_seq + 1);
}

/* Wait until no grace period of ssp runs, then claim it. */
static inline void rb_sfp_claim(struct rb_srcu_fast_struct *ssp)
{
	unsigned int spins = 0;

	while (!rb_sfp_try_claim(ssp)) {
		if (++spins < 100)
			cpu_relax();
		else
			rb_sleep_us(50);
	}
}

static inline void rb_srcu_fast_synchronize(struct rb_srcu_fast_struct *ssp)
{
	struct rb_sfp_wait w = { .ssp = ssp };

	rb_sfp_claim(ssp);
	rb_sfp_gp_claimed(&w, 1);
	rb_sfp_unclaim(ssp);
}

static inline int rb_sfp_cmp(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const struct rb_sfp_wait *)a)->ssp;
	uintptr_t y = (uintptr_t)((const struct rb_sfp_wait *)b)->ssp;

	return x < y ? -1 : x > y;
}

/*
 * A grace period of each of n domains (duplicates allowed), overlapped.
 * Each round claims every domain no other grace period holds, runs one
 * grace period for all it claimed, and releases them; a domain another
 * call holds is retried in the next round, so that no call waits while
 * holding a claim (two overlapping calls cannot deadlock) and each
 * domain's grace period starts after this call did.  Without memory for
 * the scratch array: one synchronize per domain.
 */
static inline void rb_srcu_fast_synchronize_many(
	struct rb_srcu_fast_struct *const *ssps, int n)
{
	struct rb_sfp_wait *w, t;
	int i, m = 0, got, left;

	if (n <= 0)
		return;
	w = rb_zalloc((size_t)n * sizeof(*w));
	if (!w) {
		for (i = 0; i < n; i++)
			rb_srcu_fast_synchronize(ssps[i]);
		return;
	}
	for (i = 0; i < n; i++)
		w[i].ssp = ssps[i];
	rb_sfp_sort(w, n, rb_sfp_cmp);
	for (i = 0; i < n; i++)	/* duplicates once */
		if (!m || w[m - 1].ssp != w[i].ssp)
			w[m++] = w[i];
	for (left = m; left; left -= got) {
		/* the claimed ones to the front: w[0..got) */
		for (i = 0, got = 0; i < left; i++) {
			if (!rb_sfp_try_claim(w[i].ssp))
				continue;
			t = w[got];
			w[got++] = w[i];
			w[i] = t;
		}
		if (!got) {
			rb_sleep_us(50);	/* all held by others */
			continue;
		}
		rb_sfp_gp_claimed(w, got);
		for (i = 0; i < got; i++)
			rb_sfp_unclaim(w[i].ssp);
		memmove(w, w + got, (size_t)(left - got) * sizeof(*w));
	}
	rb_free(w);
}

#endif /* REVBENCH_COMPAT_SRCU_FAST_PORT_H */
