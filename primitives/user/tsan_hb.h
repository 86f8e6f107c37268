/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tsan_hb.h - tell ThreadSanitizer about happens-before edges it cannot
 * see.  Userspace only; empty outside -fsanitize=thread builds.
 *
 * liburcu's grace period orders readers against the updater with
 * sys_membarrier() and, on the reader side, a compiler barrier and plain
 * (volatile) stores; its call_rcu queue is lock-free and lives in an
 * uninstrumented library.  TSan sees none of that, so without help it
 * reports every "reader read the resource / release callback poisoned it
 * after the grace period" pair as a race, although RCU orders them.
 *
 * Instead of suppressing those reports (which would also hide real races),
 * the primitives state the edge RCU provides (and, under TSan, call
 * liburcu's out-of-line read lock instead of the inline one, see
 * RB_URCU_INLINE below):
 *   reader:  rb_tsan_release(obj) just before leaving its read-side
 *            section (or dropping its per-context reference);
 *   updater: rb_tsan_acquire(obj) just after synchronize_rcu() returned
 *            (or at the start of the call_rcu callback).
 * That is exactly the guarantee of a grace period: everything a reader did
 * before it left its section happens-before what the updater does after
 * the grace period that waited for it.  __tsan_release() joins the
 * caller's clock into obj's, so many readers releasing the same obj is
 * what we want.
 *
 * rb_tsan_ignore_begin()/end() hide the calling thread's own memory
 * accesses (not its synchronisation) in between; used only around
 * urcu_memb_barrier(), which callocs its completion in the caller and has
 * the call_rcu thread free it, a hand-off through liburcu's lock-free
 * queue that TSan cannot see (it reported calloc vs. free as a race).
 */
#ifndef REVBENCH_TSAN_HB_H
#define REVBENCH_TSAN_HB_H

#if defined(__has_feature)
#if __has_feature(thread_sanitizer) && !defined(__SANITIZE_THREAD__)
#define __SANITIZE_THREAD__ 1	/* clang spells it differently */
#endif
#endif

#if defined(__SANITIZE_THREAD__)
#define RB_TSAN 1
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
#define rb_tsan_acquire(p)	__tsan_acquire((void *)(p))
#define rb_tsan_release(p)	__tsan_release((void *)(p))
void __tsan_ignore_thread_begin(void);
void __tsan_ignore_thread_end(void);
#define rb_tsan_ignore_begin()	__tsan_ignore_thread_begin()
#define rb_tsan_ignore_end()	__tsan_ignore_thread_end()
#else
#define RB_TSAN 0
#define rb_tsan_acquire(p)	do { (void)(p); } while (0)
#define rb_tsan_release(p)	do { (void)(p); } while (0)
#define rb_tsan_ignore_begin()	do { } while (0)
#define rb_tsan_ignore_end()	do { } while (0)
#endif

/*
 * Include this header before <urcu/urcu-memb.h> and define _LGPL_SOURCE
 * only when RB_URCU_INLINE: liburcu 0.13's inline read_unlock touches the
 * grace-period futex word with plain volatile loads and stores, which TSan
 * (rightly, by C11 rules) reports as races between readers.  Under TSan the
 * out-of-line urcu_memb_read_lock()/unlock() from the uninstrumented
 * library do the same thing unseen, with no suppression file needed.  The
 * release build always inlines (that is the fast path being measured).
 */
#define RB_URCU_INLINE		(!RB_TSAN)

#endif /* REVBENCH_TSAN_HB_H */
