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
 * Bytes one Tree SRCU domain costs: the srcu_struct, its per-CPU
 * srcu_data (one per possible CPU), since 6.4 the separately allocated
 * srcu_usage, and the srcu_node combining tree if this domain has grown
 * one (SRCU allocates it only after contention, "convert_to_big"; its
 * slab size is read with ksize()).  Not counted: slab rounding of the
 * structs themselves and percpu allocator chunk overhead.
 */
#ifdef CONFIG_TREE_SRCU
static inline size_t rb_srcu_footprint(const struct srcu_struct *ssp)
{
	size_t sz = sizeof(*ssp) + sizeof(struct srcu_data) * nr_cpu_ids;
	const struct srcu_node *node;

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
	sz += sizeof(struct srcu_usage);
	node = READ_ONCE(ssp->srcu_sup->node);
#else
	node = READ_ONCE(ssp->node);
#endif
	if (node)
		sz += ksize(node);
	return sz;
}
#else
static inline size_t rb_srcu_footprint(const struct srcu_struct *ssp)
{
	return sizeof(*ssp);
}
#endif

#else /* !__KERNEL__: userspace, C11 + GCC builtins */

#include <errno.h>
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

/* rb_ctx_get() values are in [0, rb_nr_ctx()): one per registered thread. */
#define RB_MAX_CTX		256
static inline int rb_nr_ctx(void)
{
	return RB_MAX_CTX;
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
 * liburcu and gives it a context index in [0, RB_MAX_CTX) for per-thread
 * counters and hazard-pointer slots.  rb_thread_init() returns -EBUSY when
 * all RB_MAX_CTX indices are taken.
 */
int rb_thread_init(void);
void rb_thread_exit(void);
extern __thread int rb_ctx_self;

static inline int rb_ctx_get(void)
{
	return rb_ctx_self;
}

static inline void rb_ctx_put(void)
{
}

#include <pthread.h>
#define rb_mutex_t		pthread_mutex_t
#define rb_mutex_init(m)	pthread_mutex_init((m), NULL)
#define rb_mutex_destroy(m)	pthread_mutex_destroy(m)
#define rb_mutex_lock(m)	pthread_mutex_lock(m)
#define rb_mutex_unlock(m)	pthread_mutex_unlock(m)

#define rb_pr_err(fmt, ...)	fprintf(stderr, "revbench: " fmt, ##__VA_ARGS__)
#define rb_pr_warn(fmt, ...)	fprintf(stderr, "revbench: " fmt, ##__VA_ARGS__)
#define rb_pr_info(fmt, ...)	fprintf(stderr, "revbench: " fmt, ##__VA_ARGS__)

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
