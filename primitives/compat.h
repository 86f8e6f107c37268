/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat.h - the one compatibility header between the kernel module and
 * userspace.
 *
 * Code shared by both environments (revocable.h, hazptr.c, none.c, the page
 * table and the workload definitions) is written in kernel style against the
 * kernel's own names: READ_ONCE()/WRITE_ONCE(), smp_mb() and friends,
 * atomic_t/atomic_long_t, cmpxchg(), u64.  In the kernel those come from
 * <linux/...>; in userspace this header provides them over the GCC __atomic
 * builtins (which ThreadSanitizer understands).
 *
 * Services that differ between the environments carry an rb_ prefix:
 *   rb_zalloc()/rb_free()        zeroed allocation, may sleep
 *   rb_page_alloc()/rb_page_free() one zeroed 4 KiB page
 *   rb_now_ns()                  monotonic clock, ns
 *   rb_cpu_id()                  CPU the caller runs on (a hint only)
 *   rb_ctx_get()/rb_ctx_put()    the caller's context index, in
 *                                [0, rb_nr_ctx()): the CPU, with preemption
 *                                disabled until rb_ctx_put(), in the
 *                                kernel; the registered thread's index in
 *                                userspace (rb_thread_init())
 *   rb_sleep_us()/rb_yield()     block, or give the CPU away
 *   rb_mutex_*                   a sleeping lock
 *
 * and the synchronisation the shared primitives are built from, mapped to
 * the kernel's own API or to liburcu and pthreads (see each block below):
 *   rb_rcu_*                     RCU read side, synchronize, call_rcu,
 *                                barrier (kernel RCU / liburcu memb)
 *   rb_rwsem_*                   a writer-fair reader-writer lock
 *                                (rw_semaphore / glibc's writer-preferring
 *                                rwlock)
 *   rb_seq_*                     a sequence lock (seqlock_t / a seqcount
 *                                plus a writer mutex)
 *   rb_ref_*                     a count with a wait for zero (refcount_t
 *                                plus a completion / an atomic plus a
 *                                spin-then-yield wait)
 *   rb_*completion               a one-shot event (struct completion / a
 *                                flag and a shared condvar)
 *   rb_srcu_*                    SRCU: struct rb_srcu_struct, init,
 *                                cleanup, read_lock (returns the index)
 *                                and read_unlock, synchronize[_expedited],
 *                                get_state/poll_state[/start_poll]
 *                                (srcu_struct / the kernel's classic
 *                                algorithm, compat/user_srcu.h)
 *   rb_srcu_fast_*               SRCU-fast: struct rb_srcu_fast_struct,
 *                                init, cleanup, read_lock (returns a
 *                                cookie) and read_unlock, synchronize,
 *                                synchronize_many; RB_SRCU_FAST_IMPL says
 *                                which ran (srcu_read_lock_fast() on
 *                                v6.15+ / a port of v6.15's algorithm,
 *                                compat/srcu_fast_port.h)
 *   rb_pcpu_ref_*                percpu_ref: init, tryget_live, put,
 *                                kill_and_confirm, confirm_pending, exit
 *                                (percpu_ref / lib/percpu-refcount.c's
 *                                algorithm, compat/user_percpu_ref.h)
 *   rb_tsan_*                    happens-before edges for ThreadSanitizer
 *                                (no-ops except in TSan builds)
 *   rb_mix64()                   splitmix64's mixer (the same in both)
 * RB_HAVE_* macros say which variants an environment has (expedited
 * grace periods, a reader-preferring rwlock); the table of primitives
 * (table.h) lists a variant only where it exists.
 *
 * The two halves: compat/kernel.h maps every name to <linux/...>;
 * compat/user.h implements them, with compat/user.c and the two
 * algorithms userspace has no library for, compat/user_srcu.[ch] and
 * compat/user_percpu_ref.[ch].  Shared code includes this header only.
 * Where the halves differ in what a call does, the half says so at the
 * name; the one difference a caller must heed: a percpu_ref kill is
 * confirmed from an RCU callback in the kernel, and by the killing
 * thread's rb_pcpu_ref_confirm_pending() in userspace, so a caller that
 * waits for the confirmation calls it first (a no-op in the kernel).
 */
#ifndef REVBENCH_COMPAT_H
#define REVBENCH_COMPAT_H

#ifdef __KERNEL__
#include "compat/kernel.h"
#else
#include "compat/user.h"
#include "compat/user_srcu.h"
#define RB_SRCU_FAST_PORT	1	/* no SRCU-fast library: the port */
#include "compat/srcu_fast_port.h"
#include "compat/user_percpu_ref.h"
#endif

/*
 * rb_mix64() - splitmix64's output function (Steele, Lea and Flood), the
 * one mixer shared code uses to turn a seed (and an index) into
 * well-spread 64 bits: the same in both environments, so a seed walks the
 * same way in the module and in userspace.
 */
static inline u64 rb_mix64(u64 x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

#endif /* REVBENCH_COMPAT_H */
