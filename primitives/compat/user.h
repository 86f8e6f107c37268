/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat/user.h - the userspace half of compat.h (C11 and the GCC
 * __atomic builtins, liburcu, pthreads): the kernel names shared code is
 * written against, and every rb_ name.  Included through
 * primitives/compat.h; the services are in compat/user.c, the two
 * algorithms userspace has no library for in compat/user_srcu.[ch] and
 * compat/user_percpu_ref.[ch].
 */
#ifndef REVBENCH_COMPAT_USER_H
#define REVBENCH_COMPAT_USER_H


#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;
typedef uint64_t phys_addr_t;

#ifndef PAGE_SIZE
#define PAGE_SIZE		4096UL
#endif
#define SMP_CACHE_BYTES		64
#define ____cacheline_aligned	__attribute__((aligned(SMP_CACHE_BYTES)))

/*
 * rb_ctx_get() values are in [0, rb_nr_ctx()): one per registered thread.
 * The capacity is fixed before the first thread registers, by
 * rb_ctx_reserve(n) (the runner: the threads its matrix needs; tests:
 * what they start), else RB_CTX_DEFAULT; per-context arrays of
 * revocables and domains are sized by it, so it costs memory per
 * revocable.  RB_CTX_LIMIT bounds it.
 */
#define RB_CTX_DEFAULT		64
#define RB_CTX_LIMIT		65536
extern int rb_ctx_capacity;
/* 0, -EINVAL (n out of range) or -EBUSY (a thread already registered). */
int rb_ctx_reserve(int n);
static inline int rb_nr_ctx(void)
{
	return rb_ctx_capacity;
}

#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#define barrier()		__asm__ __volatile__("" ::: "memory")
#ifndef __always_inline		/* glibc's sys/cdefs.h has it */
#define __always_inline		inline __attribute__((__always_inline__))
#endif
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#define min_t(t, a, b)		((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b)		((t)(a) > (t)(b) ? (t)(a) : (t)(b))

/*
 * Marked accesses.  Relaxed atomics give the "no tearing, no fusing"
 * guarantee READ_ONCE()/WRITE_ONCE() give in the kernel, and keep TSan
 * informed that the race is intended.
 */
#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
#define smp_load_acquire(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)
#define smp_store_release(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)

#define smp_mb()		__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define smp_rmb()		__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define smp_wmb()		__atomic_thread_fence(__ATOMIC_RELEASE)
#define smp_mb__before_atomic()	smp_mb()
#define smp_mb__after_atomic()	smp_mb()

#if defined(__x86_64__) || defined(__i386__)
#define cpu_relax()		__builtin_ia32_pause()
#elif defined(__aarch64__)
#define cpu_relax()		__asm__ __volatile__("yield" ::: "memory")
#else
#define cpu_relax()		barrier()
#endif

/* Fully ordered compare-and-exchange, returns the old value (kernel API). */
#define cmpxchg(p, o, n)						\
({									\
	__typeof__(*(p)) __old = (o);					\
	__atomic_compare_exchange_n((p), &__old, (n), false,		\
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);\
	__old;								\
})
#define xchg(p, v)	__atomic_exchange_n((p), (v), __ATOMIC_SEQ_CST)

typedef struct { int counter; } atomic_t;
typedef struct { long counter; } atomic_long_t;
#define ATOMIC_INIT(i)		{ (i) }

#define RB_DEFINE_ATOMIC(pfx, type, T)					\
static inline T pfx##_read(const type *v)				\
{ return __atomic_load_n(&v->counter, __ATOMIC_RELAXED); }		\
static inline void pfx##_set(type *v, T i)				\
{ __atomic_store_n(&v->counter, i, __ATOMIC_RELAXED); }		\
static inline void pfx##_inc(type *v)					\
{ __atomic_fetch_add(&v->counter, 1, __ATOMIC_RELAXED); }		\
static inline void pfx##_dec(type *v)					\
{ __atomic_fetch_sub(&v->counter, 1, __ATOMIC_RELAXED); }		\
static inline void pfx##_add(T i, type *v)				\
{ __atomic_fetch_add(&v->counter, i, __ATOMIC_RELAXED); }		\
static inline T pfx##_add_return(T i, type *v)				\
{ return __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST); }	\
static inline T pfx##_inc_return(type *v)				\
{ return pfx##_add_return(1, v); }					\
static inline T pfx##_dec_return(type *v)				\
{ return pfx##_add_return(-1, v); }					\
static inline T pfx##_fetch_add(T i, type *v)				\
{ return __atomic_fetch_add(&v->counter, i, __ATOMIC_SEQ_CST); }	\
static inline bool pfx##_dec_and_test(type *v)				\
{ return __atomic_sub_fetch(&v->counter, 1, __ATOMIC_SEQ_CST) == 0; }	\
static inline T pfx##_cmpxchg(type *v, T o, T n)			\
{									\
	__atomic_compare_exchange_n(&v->counter, &o, n, false,		\
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);\
	return o;							\
}									\
static inline T pfx##_xchg(type *v, T n)				\
{ return __atomic_exchange_n(&v->counter, n, __ATOMIC_SEQ_CST); }	\
/* Increment unless zero; fully ordered on success, like the kernel's. */ \
static inline bool pfx##_inc_not_zero(type *v)				\
{									\
	T c = __atomic_load_n(&v->counter, __ATOMIC_RELAXED);		\
	do {								\
		if (c == 0)						\
			return false;					\
	} while (!__atomic_compare_exchange_n(&v->counter, &c, c + 1,	\
					      true, __ATOMIC_SEQ_CST,	\
					      __ATOMIC_RELAXED));	\
	return true;							\
}

RB_DEFINE_ATOMIC(atomic, atomic_t, int)
RB_DEFINE_ATOMIC(atomic_long, atomic_long_t, long)
#undef RB_DEFINE_ATOMIC

void *rb_zalloc(size_t size);
void rb_free(void *p);
void *rb_page_alloc(void);
void rb_page_free(void *p);
u64 rb_now_ns(void);
int rb_cpu_id(void);
void rb_sleep_us(unsigned int us);
void rb_yield(void);

/*
 * Every userspace thread that touches a revocable calls rb_thread_init()
 * first and rb_thread_exit() before it ends.  That registers it with
 * liburcu and gives it a context index in [0, rb_nr_ctx()) for per-thread
 * counters and hazard-pointer slots.  rb_thread_init() returns -EBUSY when
 * all indices are taken.  rb_ctx_in_use() is one more than the highest
 * index ever taken: scans of per-context arrays stop there.
 */
int rb_thread_init(void);
void rb_thread_exit(void);
extern __thread int rb_ctx_self;
extern int rb_ctx_hiwater;

static inline int rb_ctx_in_use(void)
{
	return __atomic_load_n(&rb_ctx_hiwater, __ATOMIC_ACQUIRE);
}

static inline int rb_ctx_get(void)
{
	return rb_ctx_self;
}

static inline void rb_ctx_put(void)
{
}

/*
 * Per-context words, the analogue of alloc_percpu(unsigned long): one
 * unit of RB_PCPU_UNIT bytes per context, the same offset in each, so
 * the words of *different* revocables share a context's lines (written
 * by that context's thread only) and no line is shared between contexts.
 * A revocable then costs one word per context, as the kernel's per-CPU
 * allocator gives.  rb_pcpu_alloc(): an offset, or -ENOMEM (all
 * RB_PCPU_UNIT / 8 words taken); the words are zero.  rb_pcpu_free():
 * no context may use the word any more.  The units are allocated on the
 * first call, which fixes the context capacity (rb_ctx_reserve()).
 */
#define RB_PCPU_UNIT		(64 * 1024)
extern char *rb_pcpu_base;
long rb_pcpu_alloc(void);
void rb_pcpu_free(long off);
static inline unsigned long *rb_pcpu_ptr(long off, int ctx)
{
	return (unsigned long *)(rb_pcpu_base + (size_t)ctx * RB_PCPU_UNIT +
				 off);
}

/* No interrupts to disable here: the irq-off window is the kernel's. */
#define RB_HAVE_IRQOFF		0
#define RB_IRQOFF_MAY_BLOCK	0
#define rb_irq_save(flags)	do { (flags) = 0; } while (0)
#define rb_irq_restore(flags)	do { (void)(flags); } while (0)

#define rb_mutex_t		pthread_mutex_t
#define rb_mutex_init(m)	pthread_mutex_init((m), NULL)
#define rb_mutex_destroy(m)	pthread_mutex_destroy(m)
#define rb_mutex_lock(m)	pthread_mutex_lock(m)
#define rb_mutex_unlock(m)	pthread_mutex_unlock(m)

#define rb_pr_err(fmt, ...)	fprintf(stderr, "revbench: " fmt, ##__VA_ARGS__)
#define rb_pr_warn(fmt, ...)	fprintf(stderr, "revbench: " fmt, ##__VA_ARGS__)
#define rb_pr_info(fmt, ...)	fprintf(stderr, "revbench: " fmt, ##__VA_ARGS__)

/*
 * ---- ThreadSanitizer edges it cannot see ----
 * liburcu's grace period orders readers against the updater with
 * sys_membarrier() and compiler barriers; its call_rcu queue is lock-free
 * in an uninstrumented library.  Instead of suppressing TSan's reports
 * (which would hide real races), the primitives state the edge the
 * mechanism provides: a reader calls rb_tsan_release(obj) just before it
 * leaves its read-side section (or drops its per-context reference), the
 * updater rb_tsan_acquire(obj) just after the wait that covered it (or at
 * the start of the call_rcu callback).  rb_tsan_ignore_begin()/end() hide
 * the calling thread's own accesses in between (only around
 * urcu_memb_barrier(), whose completion is calloc'ed by the caller and
 * freed by the call_rcu thread through liburcu's queue).
 */
#if defined(__has_feature)
#if __has_feature(thread_sanitizer) && !defined(__SANITIZE_THREAD__)
#define __SANITIZE_THREAD__ 1	/* clang spells it differently */
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define RB_TSAN 1
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
void __tsan_ignore_thread_begin(void);
void __tsan_ignore_thread_end(void);
#define rb_tsan_acquire(p)	__tsan_acquire((void *)(p))
#define rb_tsan_release(p)	__tsan_release((void *)(p))
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
 * ---- RCU: liburcu, memb flavour ----
 * _LGPL_SOURCE makes urcu_memb_read_lock/unlock inline: with
 * sys_membarrier the reader is a TLS nesting-count store plus compiler
 * barriers, no atomic and no shared line - the userspace analogue of a
 * non-preemptible rcu_read_lock().  Under TSan the out-of-line ones from
 * the (uninstrumented) library are used instead: liburcu 0.13's inline
 * read_unlock touches the grace-period futex word with plain volatile
 * accesses, which TSan reports (rightly, by C11 rules) as races between
 * readers.  Every thread that uses these has called rb_thread_init()
 * (which registers it with liburcu).  No expedited grace period exists
 * in liburcu: no RB_HAVE_RCU_EXPEDITED.
 */
#if !RB_TSAN && !defined(_LGPL_SOURCE)
#define _LGPL_SOURCE
#endif
#include <urcu/urcu-memb.h>
#define rb_rcu_head		rcu_head
#define rb_rcu_read_lock()	urcu_memb_read_lock()
#define rb_rcu_read_unlock()	urcu_memb_read_unlock()
#define rb_synchronize_rcu()	urcu_memb_synchronize_rcu()
#define rb_call_rcu(head, fn)	urcu_memb_call_rcu((head), (fn))
void rb_rcu_barrier(void);	/* urcu_memb_barrier(), TSan-wrapped */
#define RB_HAVE_LIBURCU		1	/* a library: validate's peer-urcu */

/*
 * ---- rwsem: a glibc pthread rwlock ----
 * rb_rwsem_init() asks for PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP:
 * a waiting writer blocks new readers, as the kernel rw_semaphore hands
 * the lock over to a waiting writer (so "rwsem" means the same in both
 * environments; like the kernel's, it must not be read-locked
 * recursively).  rb_rwsem_init_rpref() keeps glibc's default,
 * PTHREAD_RWLOCK_PREFER_READER_NP, under which a stream of overlapping
 * readers starves the writer (RB_HAVE_RWSEM_RPREF: userspace only).
 * Lock errors (EAGAIN, EDEADLK) are bugs in the caller: reported, abort().
 */
#define RB_HAVE_RWSEM_RPREF	1
#define RB_HAVE_PTHREAD_RWLOCK	1	/* a library: validate's peer-rwlock */
typedef struct {
	pthread_rwlock_t lock;
} rb_rwsem_t;
int rb_rwsem_init(rb_rwsem_t *s);
int rb_rwsem_init_rpref(rb_rwsem_t *s);
void rb_rwsem_destroy(rb_rwsem_t *s);
void rb_rwsem_fail(int err, const char *what);	/* reports, aborts */

static inline void rb_down_read(rb_rwsem_t *s)
{
	int err = pthread_rwlock_rdlock(&s->lock);

	if (unlikely(err))
		rb_rwsem_fail(err, "rdlock");
}

static inline void rb_up_read(rb_rwsem_t *s)
{
	int err = pthread_rwlock_unlock(&s->lock);

	if (unlikely(err))
		rb_rwsem_fail(err, "unlock");
}

static inline void rb_down_write(rb_rwsem_t *s)
{
	int err = pthread_rwlock_wrlock(&s->lock);

	if (unlikely(err))
		rb_rwsem_fail(err, "wrlock");
}

#define rb_up_write(s)		rb_up_read(s)

/*
 * ---- seqlock: a sequence count plus a writer mutex ----
 * The kernel's seqlock_t in C11 terms (Boehm's seqlock recipe):
 * rb_read_seqbegin() is an acquire load of the count, spinning while odd;
 * rb_read_seqretry() is an acquire fence (smp_rmb()) and a relaxed
 * re-load, true when the count moved.  Writers take the mutex, bump the
 * count odd, smp_wmb(), write, smp_wmb(), bump it even.
 */
typedef struct {
	unsigned long seq;	/* odd while a writer is inside */
	pthread_mutex_t lock;	/* serialises writers */
} rb_seq_t;

static inline int rb_seq_init(rb_seq_t *s)
{
	s->seq = 0;
	return pthread_mutex_init(&s->lock, NULL);
}

#define rb_seq_destroy(s)	pthread_mutex_destroy(&(s)->lock)

static inline unsigned long rb_read_seqbegin(rb_seq_t *s)
{
	unsigned long v;

	while (unlikely((v = smp_load_acquire(&s->seq)) & 1))
		cpu_relax();
	return v;
}

static inline bool rb_read_seqretry(rb_seq_t *s, unsigned long v)
{
	smp_rmb();	/* the speculative loads before the re-check */
	return READ_ONCE(s->seq) != v;
}

static inline void rb_write_seqlock(rb_seq_t *s)
{
	pthread_mutex_lock(&s->lock);
	WRITE_ONCE(s->seq, s->seq + 1);
	smp_wmb();
}

static inline void rb_write_sequnlock(rb_seq_t *s)
{
	smp_wmb();
	WRITE_ONCE(s->seq, s->seq + 1);
	pthread_mutex_unlock(&s->lock);
}

/*
 * ---- a count with a wait for zero: an atomic_long ----
 * Same contract as the kernel's refcount_t + completion (rb_ref_* in the
 * kernel block); the waiter spins briefly, then yields between checks
 * (readers hold their reference for nanoseconds; a revoker with readers
 * that sleep inside gives the CPU away).  The count sits on a cache line
 * of its own (the contended line).
 */
typedef struct {
	atomic_long_t count ____cacheline_aligned;
} rb_ref_t;

static inline void rb_ref_init(rb_ref_t *r)
{
	atomic_long_set(&r->count, 1);
}

static inline bool rb_ref_tryget(rb_ref_t *r)
{
	return atomic_long_inc_not_zero(&r->count);
}

static inline void rb_ref_put(rb_ref_t *r)
{
	atomic_long_dec_return(&r->count);	/* full barrier */
}

static inline void rb_ref_wait(rb_ref_t *r)
{
	unsigned int spins = 0;

	while (smp_load_acquire(&r->count.counter) != 0) {
		if (++spins < 1000)
			cpu_relax();
		else
			rb_yield();
	}
}

/*
 * Threads for shared harness code (torture, contract and stress tests):
 * a pthread, optionally pinned to one CPU (an OS CPU number; -1: not
 * pinned), that has called rb_thread_init() before fn runs and calls
 * rb_thread_exit() after.  rb_thread_join() waits for fn to return and
 * gives its return value.  NULL on failure (no thread, no context left,
 * the CPU cannot be used), with errno set.
 */
struct rb_thread;
struct rb_thread *rb_thread_start(int (*fn)(void *), void *arg, int cpu,
				  const char *name);
int rb_thread_join(struct rb_thread *th);
/* CPUs this process may run on. */
int rb_nr_cpus(void);


/*
 * ---- completion: a flag, and one process-wide mutex + condvar ----
 * The kernel's struct completion, for waits that happen once per object
 * (a percpu-ref's drain and confirmation): rb_wait_for_completion() spins
 * briefly, then sleeps on the condvar (its waker may be a reader that
 * slept holding a reference: a yielding waiter would burn a CPU
 * meanwhile).  The lock is shared by every completion but taken only by
 * rb_complete_all() and by a waiter that has to sleep, never on a fast
 * path.  The waker's last touch of the completion is the store of done,
 * made under the lock, so the waiter may free it as soon as it sees done.
 */
struct rb_completion {
	int done;
};

static inline void rb_init_completion(struct rb_completion *c)
{
	c->done = 0;
}

void rb_complete_all(struct rb_completion *c);
void rb_wait_for_completion(struct rb_completion *c);

#endif /* REVBENCH_COMPAT_USER_H */
