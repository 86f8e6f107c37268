/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat/user_percpu_ref.h - percpu_ref in userspace, which has no
 * percpu_ref library: lib/percpu-refcount.c's algorithm behind compat.h's
 * rb_pcpu_ref_*.
 *
 * State, as in the kernel:
 *   - one counter per context (rb_ctx_get(): the registered thread here,
 *     the CPU in the kernel), each written only by its owning thread with
 *     a READ_ONCE/WRITE_ONCE increment - the analogue of this_cpu_inc(),
 *     never an atomic RMW on a shared line.  A counter may go negative
 *     (get on thread A, put on thread B): only the sum means anything;
 *   - a mode word with ATOMIC and DEAD bits (the kernel keeps them in the
 *     low bits of percpu_count_ptr);
 *   - an atomic_long count for atomic mode, started at 1 + the bias (the
 *     initial reference plus PERCPU_COUNT_BIAS, like percpu_ref_init()).
 *
 * rb_pcpu_ref_tryget_live(): inside rb_rcu_read_lock(), if the mode has
 * neither bit, increment this context's counter; else if not DEAD,
 * atomic_long_inc_not_zero(); else fail.  rb_pcpu_ref_put(): inside the
 * read lock, decrement this context's counter in percpu mode, else
 * atomic_long_dec_and_test(), calling release(ref) when it hit zero.
 * Between the two the caller holds a reference, not an RCU section, so it
 * may sleep.
 *
 * Kill and confirm, the kernel's steps, run in two calls:
 *   1. rb_pcpu_ref_kill_and_confirm(): set ATOMIC|DEAD: from now on a
 *      reader that sees the mode uses the atomic count, and tryget_live
 *      fails on DEAD; the ref joins the calling thread's pending list;
 *   2. rb_pcpu_ref_confirm_pending(), by the same thread: ONE
 *      rb_synchronize_rcu() for every ref it killed since its last call -
 *      a reader that still saw percpu mode did so inside a read-side
 *      section, so after the grace period none is left on the percpu path
 *      and the counters are final - then, per ref, the switch the kernel
 *      runs from its call_rcu() callback (percpu_ref_switch_to_atomic_rcu()):
 *      add (sum of counters - bias) to the atomic count (the bias is why
 *      the count cannot reach zero during the grace period although puts
 *      of percpu-mode gets already decrement it), confirm(ref) (from here
 *      tryget_live is guaranteed to fail), and drop the initial
 *      reference.
 * The kernel's kill returns before the grace period and many kills share
 * grace periods; rb_pcpu_ref_confirm_pending() gives a batch of kills the
 * same one grace period without a callback thread in the caller's timed
 * path.
 *
 * Counter layout: one word per context from the per-context allocator
 * (rb_pcpu_alloc(), compat.h: the analogue of alloc_percpu()): the words
 * of different refs are packed inside each context's unit, which only
 * that context's thread writes, and no line is shared between contexts,
 * as the kernel's per-CPU allocator packs different refs inside one CPU's
 * unit.  So a ref costs its struct plus 8 B per context (rb_nr_ctx());
 * rb_pcpu_ref_extra_bytes() is the latter.  Readers touch the mode line
 * (read-mostly, shared) and their own context's word; the atomic count
 * has its own line.  The sum visits the contexts in use only
 * (rb_ctx_in_use()): after the grace period no reader is left on the
 * percpu path, and a context taken later never gets on it.
 *
 * Every thread that gets, puts, kills or confirms has called
 * rb_thread_init().
 */
#ifndef REVBENCH_COMPAT_USER_PERCPU_REF_H
#define REVBENCH_COMPAT_USER_PERCPU_REF_H

#include <limits.h>

#include "user.h"

#define RB_PCPU_REF_ATOMIC	1UL
#define RB_PCPU_REF_DEAD	2UL
#define RB_PCPU_REF_ATOMIC_DEAD	(RB_PCPU_REF_ATOMIC | RB_PCPU_REF_DEAD)
#define RB_PCPU_COUNT_BIAS	(1UL << (sizeof(long) * CHAR_BIT - 1))

struct rb_pcpu_ref;
typedef void (*rb_pcpu_ref_func_t)(struct rb_pcpu_ref *ref);

struct rb_pcpu_ref {
	/* read-mostly: every reader loads it */
	unsigned long mode;	/* 0, or RB_PCPU_REF_ATOMIC_DEAD once killed */
	long ctr;		/* rb_pcpu_alloc(): this ref's counters */
	int nr_ctx;
	rb_pcpu_ref_func_t release;	/* the count reached zero */
	rb_pcpu_ref_func_t confirm;	/* set by the kill */
	struct rb_pcpu_ref *pending;	/* the killer's list */
	/* atomic mode only */
	atomic_long_t count ____cacheline_aligned;
};

/* 0, or -ENOMEM. */
int rb_pcpu_ref_init(struct rb_pcpu_ref *ref, rb_pcpu_ref_func_t release);
void rb_pcpu_ref_exit(struct rb_pcpu_ref *ref);
void rb_pcpu_ref_kill_and_confirm(struct rb_pcpu_ref *ref,
				  rb_pcpu_ref_func_t confirm);
void rb_pcpu_ref_confirm_pending(void);
#ifdef REVBENCH_BUGS
/*
 * The bug zoo's bug-percpu-noconfirm only (primitives/percpu_ref.c): the
 * switch of step 2 WITHOUT its grace period.  No correct caller exists:
 * the kernel's API has no way to do it.
 */
#define RB_HAVE_PCPU_REF_NOGP	1
void rb_pcpu_ref_confirm_pending_nogp(void);
#endif

static inline size_t rb_pcpu_ref_extra_bytes(const struct rb_pcpu_ref *ref)
{
	return (size_t)ref->nr_ctx * sizeof(unsigned long);
}

/* this_cpu_add(): single writer, so a plain load + store is enough. */
static inline void rb_pcpu_ref_this_ctx_add(struct rb_pcpu_ref *ref,
					    unsigned long d)
{
	unsigned long *c = rb_pcpu_ptr(ref->ctr, rb_ctx_get());

	WRITE_ONCE(*c, READ_ONCE(*c) + d);
	rb_ctx_put();
}

static inline bool rb_pcpu_ref_tryget_live(struct rb_pcpu_ref *ref)
{
	unsigned long mode;
	bool ok;

	rb_rcu_read_lock();
	mode = READ_ONCE(ref->mode);
	if (likely(!(mode & RB_PCPU_REF_ATOMIC_DEAD))) {
		rb_pcpu_ref_this_ctx_add(ref, 1);
		ok = true;
	} else if (!(mode & RB_PCPU_REF_DEAD)) {
		/* atomic but alive: never happens here (no switch without
		 * kill), kept because tryget_live has it */
		ok = atomic_long_inc_not_zero(&ref->count);
	} else {
		ok = false;
	}
	rb_rcu_read_unlock();
	return ok;
}

static inline void rb_pcpu_ref_put(struct rb_pcpu_ref *ref)
{
	bool zero = false;

	rb_rcu_read_lock();
	if (likely(!(READ_ONCE(ref->mode) & RB_PCPU_REF_ATOMIC_DEAD))) {
		rb_tsan_release(ref);	/* ordered by the kill's GP */
		rb_pcpu_ref_this_ctx_add(ref, -1UL);
	} else {
		zero = atomic_long_dec_and_test(&ref->count);
	}
	rb_rcu_read_unlock();
	if (zero)
		ref->release(ref);
}

#endif /* REVBENCH_COMPAT_USER_PERCPU_REF_H */
