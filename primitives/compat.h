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
 *   rb_tsan_*                    happens-before edges for ThreadSanitizer
 *                                (no-ops except in TSan builds)
 * RB_HAVE_* macros say which variants an environment has (expedited
 * grace periods, membarrier(2), a reader-preferring rwlock); the registry
 * (registry.c) lists a variant only where it exists.
 */
#ifndef REVBENCH_COMPAT_H
#define REVBENCH_COMPAT_H

#ifdef __KERNEL__

#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/delay.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/types.h>

/* rb_ctx_get() values are in [0, rb_nr_ctx()): one per possible CPU. */
static inline int rb_nr_ctx(void)
{
	return nr_cpu_ids;
}

/* Contexts a scan must visit: every possible CPU. */
static inline int rb_ctx_in_use(void)
{
	return nr_cpu_ids;
}

static inline void *rb_zalloc(size_t size)
{
	return kzalloc(size, GFP_KERNEL);
}

static inline void rb_free(void *p)
{
	kfree(p);
}

static inline void *rb_page_alloc(void)
{
	return (void *)get_zeroed_page(GFP_KERNEL);
}

static inline void rb_page_free(void *p)
{
	if (p)
		free_page((unsigned long)p);
}

static inline u64 rb_now_ns(void)
{
	return ktime_get_mono_fast_ns();
}

static inline int rb_cpu_id(void)
{
	return raw_smp_processor_id();
}

/* Context = CPU, pinned by disabling preemption until rb_ctx_put(). */
static inline int rb_ctx_get(void)
{
	return get_cpu();
}

static inline void rb_ctx_put(void)
{
	put_cpu();
}

static inline void rb_sleep_us(unsigned int us)
{
	if (us < 10)
		udelay(us);
	else
		usleep_range(us, us + us / 8 + 1);
}

static inline void rb_yield(void)
{
	cond_resched();
}

/*
 * Interrupts off around a timed read-side window, refscale's method: no
 * tick or interrupt lands inside it, and rcu_read_unlock() never takes
 * its deferred-quiescent-state slow path there (workloads/workload.c
 * decides which windows).  RB_IRQOFF_MAY_BLOCK: a window whose reader
 * could block in principle (down_read()) but never does, because no
 * writer runs during a read-side window, may run with interrupts off too,
 * as refscale's rwsem does - except where might_sleep() is checked
 * (CONFIG_DEBUG_ATOMIC_SLEEP reports it) or the lock is a sleeping
 * rt_mutex (PREEMPT_RT).
 */
#define RB_HAVE_IRQOFF		1
#define RB_IRQOFF_MAY_BLOCK	(!IS_ENABLED(CONFIG_DEBUG_ATOMIC_SLEEP) && \
				 !IS_ENABLED(CONFIG_PREEMPT_RT))
#define rb_irq_save(flags)	local_irq_save(flags)
#define rb_irq_restore(flags)	local_irq_restore(flags)

#define rb_mutex_t		struct mutex
#define rb_mutex_init(m)	mutex_init(m)
#define rb_mutex_destroy(m)	mutex_destroy(m)
#define rb_mutex_lock(m)	mutex_lock(m)
#define rb_mutex_unlock(m)	mutex_unlock(m)

#define rb_pr_err(fmt, ...)	pr_err("revbench: " fmt, ##__VA_ARGS__)
#define rb_pr_warn(fmt, ...)	pr_warn("revbench: " fmt, ##__VA_ARGS__)
#define rb_pr_info(fmt, ...)	pr_info("revbench: " fmt, ##__VA_ARGS__)

/*
 * Threads for shared harness code (torture, contract and stress tests):
 * a kthread, optionally bound to one CPU.  rb_thread_join() waits for fn
 * to return and gives its return value (kthread_stop() on a thread that
 * holds a task reference, so fn may return on its own at any time; a fn
 * that loops must watch a stop flag of the caller's, not
 * kthread_should_stop()).  NULL on failure.
 */
#include <linux/kthread.h>
#include <linux/sched/task.h>

struct rb_thread;

static inline struct rb_thread *rb_thread_start(int (*fn)(void *), void *arg,
						int cpu, const char *name)
{
	struct task_struct *t;

	if (cpu >= 0 && (cpu >= nr_cpu_ids || !cpu_online(cpu)))
		return NULL;
	t = kthread_create(fn, arg, "%s", name);
	if (IS_ERR(t))
		return NULL;
	if (cpu >= 0)
		kthread_bind(t, cpu);
	get_task_struct(t);
	wake_up_process(t);
	return (struct rb_thread *)t;
}

static inline int rb_thread_join(struct rb_thread *th)
{
	struct task_struct *t = (struct task_struct *)th;
	int ret = kthread_stop(t);

	put_task_struct(t);
	return ret;
}

/* CPUs a harness may spread its threads over, numbered 0..n-1 online. */
static inline int rb_nr_cpus(void)
{
	return num_online_cpus();
}

/* ---- RCU: the kernel's own ---- */
#include <linux/rcupdate.h>
#define RB_HAVE_RCU_EXPEDITED	1	/* synchronize_rcu_expedited() */
#define RB_HAVE_SRCU_EXPEDITED	1	/* synchronize_srcu_expedited() */
#define rb_rcu_head		rcu_head
#define rb_rcu_read_lock()	rcu_read_lock()
#define rb_rcu_read_unlock()	rcu_read_unlock()
#define rb_synchronize_rcu()	synchronize_rcu()
#define rb_synchronize_rcu_expedited()	synchronize_rcu_expedited()
/* fn runs after a grace period, in softirq or rcuo kthread context. */
#define rb_call_rcu(head, fn)	call_rcu((head), (fn))
#define rb_rcu_barrier()	rcu_barrier()

/*
 * ---- rwsem: struct rw_semaphore ----
 * Writer-fair (a waiting writer gets the lock handed over; readers that
 * arrive after it queue).  Every rb_rwsem shares ONE lockdep class,
 * rb_rwsem_key (defined in kmod/shared_rwsem.c): a key per object needs
 * lockdep_register_key()/lockdep_unregister_key(), and the latter waits
 * for an RCU grace period, so destroying 4096 revocables took minutes in
 * a lockdep kernel (and lockdep has room for 8192 keys in all).  Nested
 * read accesses to different revocables are legal in one order, as for
 * any nested locks, and are annotated: a down_read() gets as its subclass
 * the number of rb_rwsem read locks the task already holds
 * (rb_rwsem_subclass()), so two revocables held at once are two
 * subclasses, not a recursion; a second down_read() of the SAME rb_rwsem
 * gets the subclass its first one got, so lockdep reports that recursion
 * (REV_CAP_NONEST).  Nesting deeper than lockdep's 8 subclasses is
 * reported as well (the last subclass repeats).  Without lockdep the
 * class and subclass cost nothing.
 */
#include <linux/rwsem.h>
typedef struct {
	struct rw_semaphore sem;
} rb_rwsem_t;

extern struct lock_class_key rb_rwsem_key;

static inline int rb_rwsem_init(rb_rwsem_t *s)
{
	__init_rwsem(&s->sem, "rev_rwsem", &rb_rwsem_key);
	return 0;
}

static inline void rb_rwsem_destroy(rb_rwsem_t *s)
{
	(void)s;
}

#ifdef CONFIG_DEBUG_LOCK_ALLOC
/*
 * The rb_rwsem locks the task holds below this one: held_locks[] in
 * acquisition order.  If s itself is held, the count below it, which is
 * the subclass it was taken with (the task's accesses nest and unnest
 * in order), so that lockdep sees the recursion.
 */
static inline unsigned int rb_rwsem_subclass(const rb_rwsem_t *s)
{
	const struct task_struct *t = current;
	unsigned int n = 0;
	int i;

	for (i = 0; i < t->lockdep_depth; i++) {
		const struct lockdep_map *m = t->held_locks[i].instance;

		if (m == &s->sem.dep_map)
			return n;
		if (m->key == &rb_rwsem_key)
			n++;
	}
	return min_t(unsigned int, n, MAX_LOCKDEP_SUBCLASSES - 1);
}
#define rb_down_read(s)		down_read_nested(&(s)->sem, rb_rwsem_subclass(s))
#else
#define rb_down_read(s)		down_read(&(s)->sem)
#endif
#define rb_up_read(s)		up_read(&(s)->sem)
#define rb_down_write(s)	down_write(&(s)->sem)
#define rb_up_write(s)		up_write(&(s)->sem)

/* ---- seqlock: seqlock_t (a seqcount and a writer spinlock) ---- */
#include <linux/seqlock.h>
typedef seqlock_t rb_seq_t;
#define rb_seq_init(s)		({ seqlock_init(s); 0; })
#define rb_seq_destroy(s)	do { (void)(s); } while (0)
#define rb_read_seqbegin(s)	((unsigned long)read_seqbegin(s))
#define rb_read_seqretry(s, v)	read_seqretry((s), (unsigned int)(v))
#define rb_write_seqlock(s)	write_seqlock(s)
#define rb_write_sequnlock(s)	write_sequnlock(s)

/*
 * ---- a count with a wait for zero: refcount_t + completion ----
 * rb_ref_init(r): the count at 1 (the provider's reference).
 * rb_ref_tryget(r): increment unless zero (fully ordered on success).
 * rb_ref_put(r): decrement; the put that reaches zero wakes the waiter.
 * rb_ref_wait(r): after the provider's own put, wait until zero.
 * The count sits on a cache line of its own (the contended line).
 */
#include <linux/completion.h>
#include <linux/refcount.h>
typedef struct {
	refcount_t count ____cacheline_aligned;
	struct completion zero;
} rb_ref_t;

static inline void rb_ref_init(rb_ref_t *r)
{
	refcount_set(&r->count, 1);
	init_completion(&r->zero);
}

static inline bool rb_ref_tryget(rb_ref_t *r)
{
	return refcount_inc_not_zero(&r->count);
}

static inline void rb_ref_put(rb_ref_t *r)
{
	if (refcount_dec_and_test(&r->count))
		complete(&r->zero);
}

static inline void rb_ref_wait(rb_ref_t *r)
{
	wait_for_completion(&r->zero);
}

/* ---- ThreadSanitizer edges: nothing to do in the kernel ---- */
#define rb_tsan_acquire(p)	do { (void)(p); } while (0)
#define rb_tsan_release(p)	do { (void)(p); } while (0)
#define rb_tsan_ignore_begin()	do { } while (0)
#define rb_tsan_ignore_end()	do { } while (0)

/*
 * Kernel-version differences used by the module (kmod/).  Everything that
 * depends on LINUX_VERSION_CODE lives here and nowhere else.
 */
#include <linux/version.h>
#include <linux/platform_device.h>
#include <linux/srcu.h>

/*
 * platform_driver.remove returns void since 6.11 (int before; 6.3-6.10
 * and some stable 6.1 also had .remove_new).  RB_PLATFORM_REMOVE(name, fn)
 * defines name() with the right type around void fn(struct platform_device *)
 * for use as ".remove = name".
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define RB_PLATFORM_REMOVE(name, fn)					\
static void name(struct platform_device *pdev)				\
{									\
	fn(pdev);							\
}
#else
#define RB_PLATFORM_REMOVE(name, fn)					\
static int name(struct platform_device *pdev)				\
{									\
	fn(pdev);							\
	return 0;							\
}
#endif

/*
 * Bytes one Tree SRCU domain costs, from the public struct sizes only:
 * the srcu_struct, one srcu_data per possible CPU and, since 6.4, the
 * separately allocated srcu_usage.  Not counted, because the module would
 * have to read SRCU's internals (or ksize()) to know: the srcu_node
 * combining tree SRCU allocates once a domain sees contention
 * ("convert_to_big"), slab rounding and percpu chunk overhead.  The
 * results say so ("srcu_node tree: not measurable on this kernel").
 */
static inline size_t rb_srcu_footprint(void)
{
	size_t sz = sizeof(struct srcu_struct);

#ifdef CONFIG_TREE_SRCU
	sz += sizeof(struct srcu_data) * nr_cpu_ids;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
	sz += sizeof(struct srcu_usage);
#endif
#endif
	return sz;
}

/*
 * Which path will synchronize_srcu(ssp) take?  The kernel does not say,
 * so this evaluates its own rule, with the same inputs, immediately
 * before the call: synchronize_srcu() expedites when srcu_might_be_idle()
 * (nothing in flight: gp_seq current and no later one needed; and more
 * than srcutree.exp_holdoff ns, @holdoff_ns, since the domain's last
 * grace period ended - init_srcu_struct() counts as one) or
 * rcu_gp_is_expedited() (rcupdate.rcu_expedited, or still booting), and
 * then synchronize_srcu_expedited(), unless rcu_gp_is_normal()
 * (rcupdate.rcu_normal), which wins.  srcu_might_be_idle() also looks for
 * callbacks queued on the local srcu_data; revbench never queues SRCU
 * callbacks, and a concurrent synchronize_srcu() of the same domain shows
 * as a needed grace period.  The one input that moves between this
 * evaluation and the kernel's own is the clock: only a call that lands
 * within nanoseconds of the end of the holdoff can be counted on the
 * wrong side.  kmod/srcu_paths.c: why this and not timing.  Reads
 * header-visible fields of struct srcu_struct (srcu_usage since 6.4).
 */
bool rcu_gp_is_expedited(void);		/* exported; kernel/rcu/rcu.h */
bool rcu_gp_is_normal(void);

static inline bool rb_srcu_sync_expedites(struct srcu_struct *ssp,
					  bool expedited_call,
					  unsigned long holdoff_ns)
{
#ifdef CONFIG_TREE_SRCU
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
	struct srcu_usage *sup = ssp->srcu_sup;
#else
	struct srcu_struct *sup = ssp;
#endif
	unsigned long cur, t, tlast;
#endif

	if (rcu_gp_is_normal())
		return false;
	if (expedited_call || rcu_gp_is_expedited())
		return true;
#ifdef CONFIG_TREE_SRCU
	t = ktime_get_mono_fast_ns();
	tlast = READ_ONCE(sup->srcu_last_gp_end);
	if (!holdoff_ns || time_in_range_open(t, tlast, tlast + holdoff_ns))
		return false;		/* too soon after the last one */
	cur = READ_ONCE(sup->srcu_gp_seq) & ~0x3UL;	/* rcu_seq_current() */
	smp_mb();	/* as srcu_might_be_idle(): gp_seq before _needed */
	if (ULONG_CMP_LT(cur, READ_ONCE(sup->srcu_gp_seq_needed)))
		return false;		/* a grace period is in flight */
	return true;
#else
	return false;
#endif
}

#else /* !__KERNEL__: userspace, C11 + GCC builtins */

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
#define RB_HAVE_MEMBARRIER	1	/* hazptr-asym: membarrier(2) */

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

#endif /* __KERNEL__ */

#endif /* REVBENCH_COMPAT_H */
