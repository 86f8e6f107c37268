/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat/kernel.h - the kernel half of compat.h: every rb_ name mapped to
 * the kernel's own API.  Included only through primitives/compat.h; the
 * mapping of each name is documented there.  Shims only the module needs
 * (driver-model and srcutree details) live in kmod/kcompat.h and
 * kmod/srcu_paths.c, not here.
 */
#ifndef REVBENCH_COMPAT_KERNEL_H
#define REVBENCH_COMPAT_KERNEL_H


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
#define rb_rcu_head		rcu_head
#define rb_rcu_read_lock()	rcu_read_lock()
#define rb_rcu_read_unlock()	rcu_read_unlock()
#define rb_synchronize_rcu()	synchronize_rcu()
#define rb_synchronize_rcu_expedited()	synchronize_rcu_expedited()
/* fn runs after a grace period, in softirq or rcuo kthread context. */
#define rb_call_rcu(head, fn)	call_rcu((head), (fn))
#define rb_rcu_barrier()	rcu_barrier()
/* rcupdate.rcu_expedited / rcu_normal: exported, declared in kernel/rcu/rcu.h */
bool rcu_gp_is_expedited(void);
bool rcu_gp_is_normal(void);

/*
 * ---- the heavy fence of asymmetric readers (hazptr-asym) ----
 * rb_heavy_fence(): a full barrier on every online CPU before it returns,
 * so readers that ordered a store and a later load with barrier() alone
 * are ordered against the caller as if they had used smp_mb() - the
 * kernel's stand-in for userspace's membarrier(2) PRIVATE_EXPEDITED,
 * which is itself an IPI to the CPUs running the process.  An IPI to
 * every online CPU (on_each_cpu(), waiting), not a grace period:
 * synchronize_rcu() would also order every CPU, but it waits for every
 * RCU reader in the system, so a revoke would no longer wait only for its
 * own readers (REV_CAP_BOUNDED), and it takes milliseconds where the IPIs
 * take microseconds.  CPU hotplug: on_each_cpu() reads cpu_online_mask
 * with preemption off, so no CPU can go offline under it; an offline CPU
 * runs no reader (a reader that was on it migrated, and migration is a
 * full barrier); a CPU that comes online after the mask was read set its
 * bit, then passed the scheduler's full barriers before any reader ran
 * there, so that reader's load sees what the caller stored before this
 * call.  Process context only (it waits for the IPIs).  The IPIs are
 * what the machine-cost counters' revoke_ipis count (kmod/machine_cost.c).
 */
static inline void rb_heavy_fence_ipi(void *unused)
{
	smp_mb();	/* the reader's barrier() becomes a full barrier */
}

static inline void rb_heavy_fence(void)
{
	on_each_cpu(rb_heavy_fence_ipi, NULL, 1);
}

/*
 * ---- rwsem: struct rw_semaphore ----
 * Writer-fair (a waiting writer gets the lock handed over; readers that
 * arrive after it queue).  Every rb_rwsem shares ONE lockdep class,
 * rb_rwsem_key (defined in primitives/rwsem.c): a key per object needs
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

/*
 * ---- completion: struct completion ----
 * rb_complete_all() may be called from any context; rb_wait_for_completion()
 * sleeps.
 */
#define rb_completion		completion
#define rb_init_completion(c)	init_completion(c)
#define rb_complete_all(c)	complete_all(c)
#define rb_wait_for_completion(c) wait_for_completion(c)

/*
 * ---- SRCU: the kernel's own srcu_struct ----
 * rb_srcu_read_lock() returns the index rb_srcu_read_unlock() needs; the
 * unlock may run on another CPU or task.  The _notrace pair counts the
 * same without lockdep's tracking (only the bug zoo's unwedge uses it).
 * Polled grace periods: rb_srcu_get_state() is a cookie that
 * rb_srcu_poll_state() reports complete once a full grace period has
 * elapsed since; rb_srcu_start_poll() also starts one (kernel only,
 * RB_HAVE_SRCU_START_POLL: userspace's domain has no worker to run it).
 */
#include <linux/srcu.h>
#define RB_HAVE_SRCU_EXPEDITED	1	/* synchronize_srcu_expedited() */
#define RB_HAVE_SRCU_START_POLL	1	/* start_poll_synchronize_srcu() */
#define rb_srcu_struct		srcu_struct
#define rb_srcu_init(ssp)	init_srcu_struct(ssp)
#define rb_srcu_cleanup(ssp)	cleanup_srcu_struct(ssp)
#define rb_srcu_read_lock(ssp)	srcu_read_lock(ssp)
#define rb_srcu_read_unlock(ssp, idx)	srcu_read_unlock((ssp), (idx))
#define rb_srcu_read_lock_notrace(ssp)	srcu_read_lock_notrace(ssp)
#define rb_srcu_read_unlock_notrace(ssp, idx) \
	srcu_read_unlock_notrace((ssp), (idx))
#define rb_srcu_synchronize(ssp)	synchronize_srcu(ssp)
#define rb_srcu_synchronize_expedited(ssp) synchronize_srcu_expedited(ssp)
#define rb_srcu_get_state(ssp)	get_state_synchronize_srcu(ssp)
#define rb_srcu_start_poll(ssp)	start_poll_synchronize_srcu(ssp)
#define rb_srcu_poll_state(ssp, cookie) \
	poll_state_synchronize_srcu((ssp), (cookie))

/*
 * rb_srcu_synchronize_many(ssps, n): a full grace period of each of the n
 * domains (duplicates allowed), the waits overlapped: N domains cost
 * about one grace period, not N in a row.  kmod/srcu_paths.c: polled
 * (start_poll_synchronize_srcu() on every domain first, then
 * poll_state_synchronize_srcu() with a short sleep), so no SRCU callback
 * is ever queued.  The polled grace periods are normal ones, not
 * expedited.  May sleep.
 */
void rb_srcu_synchronize_many(struct srcu_struct *const *ssps, int n);

/*
 * ---- SRCU-fast: srcu_read_lock_fast() where the kernel has it ----
 * Linux v6.15 added srcu_read_lock_fast()/srcu_read_unlock_fast() (and
 * SRCU_READ_FLAVOR_FAST with them, the feature test used here);
 * init_srcu_struct_fast() came in v6.19.  Where they exist the
 * rb_srcu_fast_* names map onto them and RB_SRCU_FAST_IMPL says "kernel
 * API".  NOT TESTED: no kernel here has them (Debian's 6.1 and 6.12 do
 * not), so this branch has never been compiled; everything measured here
 * ran the port, compat/srcu_fast_port.h, which the #else includes.
 */
#include <linux/version.h>
#ifdef SRCU_READ_FLAVOR_FAST
#define RB_SRCU_FAST_IMPL	"kernel API srcu_read_lock_fast() (untested " \
				"branch: never built by revbench's CI)"
#define rb_srcu_fast_struct	srcu_struct
typedef struct srcu_ctr __percpu *rb_srcu_fast_cookie_t;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 19, 0)
#define rb_srcu_fast_init(ssp)	init_srcu_struct_fast(ssp)
#else
#define rb_srcu_fast_init(ssp)	init_srcu_struct(ssp)
#endif
#define rb_srcu_fast_cleanup(ssp)	cleanup_srcu_struct(ssp)
#define rb_srcu_fast_read_lock(ssp)	srcu_read_lock_fast(ssp)
#define rb_srcu_fast_read_unlock(ssp, scp) \
	srcu_read_unlock_fast((ssp), (scp))
#define rb_srcu_fast_synchronize(ssp)	synchronize_srcu(ssp)
#define rb_srcu_fast_synchronize_many(ssps, n) \
	rb_srcu_synchronize_many((ssps), (n))
#define rb_srcu_fast_footprint(ssp)	rb_srcu_footprint(ssp)
#else
#define RB_SRCU_FAST_PORT	1
#endif

/*
 * Bytes one Tree SRCU domain costs, the srcu_struct included, from the
 * public struct sizes only: the srcu_struct, one srcu_data per possible
 * CPU and, since 6.4, the separately allocated srcu_usage.  Not counted,
 * because the module would have to read SRCU's internals (or ksize()) to
 * know: the srcu_node combining tree SRCU allocates once a domain sees
 * contention ("convert_to_big"), slab rounding and percpu chunk
 * overhead.  The results say so ("srcu_node tree: not measurable on this
 * kernel").
 */
#include <linux/version.h>
static inline size_t rb_srcu_footprint(const struct srcu_struct *ssp)
{
	size_t sz = sizeof(*ssp);

#ifdef CONFIG_TREE_SRCU
	sz += sizeof(struct srcu_data) * nr_cpu_ids;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
	sz += sizeof(struct srcu_usage);
#endif
#endif
	return sz;
}

/*
 * Which path each rb_srcu_synchronize*() took, counted per caller
 * (the results' gp_expedited / gp_normal): defined in kmod/srcu_paths.c,
 * which says how it is known.  RB_HAVE_SRCU_PATHS: kernel only, because
 * userspace's domain has one path.  rb_srcu_paths_init() is a
 * global_init(); rb_srcu_sync_counted() is rb_srcu_synchronize() (or
 * rb_srcu_synchronize_expedited()) counting in c; rb_srcu_paths_read()
 * reads c.
 */
#define RB_HAVE_SRCU_PATHS	1
struct rb_srcu_paths {
	atomic_long_t expedited, normal;
};
int rb_srcu_paths_init(void);
void rb_srcu_sync_counted(struct srcu_struct *ssp, bool expedited,
			  struct rb_srcu_paths *c);
void rb_srcu_paths_read(const struct rb_srcu_paths *c, u64 *expedited,
			u64 *normal);

#ifdef RB_SRCU_FAST_PORT
#include "srcu_fast_port.h"
#endif

/*
 * ---- percpu_ref: the kernel's own ----
 * rb_pcpu_ref_init(ref, release): live, the count at one (the initial
 * reference, which the kill drops), release(ref) once it reaches zero.
 * PERCPU_REF_ALLOW_REINIT keeps the per-CPU counters until
 * rb_pcpu_ref_exit() instead of letting the switch to atomic free them
 * (__percpu_ref_exit() from the RCU callback), whose plain store to
 * percpu_count_ptr races with a concurrent tryget_live's READ_ONCE of it
 * (KCSAN, 6.12).  rb_pcpu_ref_kill_and_confirm(ref, confirm): dead at
 * once; confirm(ref) runs after the RCU grace period of the switch to
 * atomic, from when every rb_pcpu_ref_tryget_live() fails.
 * rb_pcpu_ref_confirm_pending(): nothing to do here (the switch runs
 * from call_rcu()); userspace runs its switches there.
 */
#include <linux/percpu-refcount.h>
#define rb_pcpu_ref		percpu_ref
#define rb_pcpu_ref_init(ref, release) \
	percpu_ref_init((ref), (release), PERCPU_REF_ALLOW_REINIT, GFP_KERNEL)
#define rb_pcpu_ref_tryget_live(ref)	percpu_ref_tryget_live(ref)
#define rb_pcpu_ref_put(ref)		percpu_ref_put(ref)
#define rb_pcpu_ref_kill_and_confirm(ref, confirm) \
	percpu_ref_kill_and_confirm((ref), (confirm))
#define rb_pcpu_ref_confirm_pending()	do { } while (0)
#define rb_pcpu_ref_exit(ref)		percpu_ref_exit(ref)
/* Bytes beyond struct percpu_ref: its data and one counter per CPU. */
#define rb_pcpu_ref_extra_bytes(ref) \
	(sizeof(struct percpu_ref_data) + sizeof(unsigned long) * nr_cpu_ids)

/* ---- ThreadSanitizer edges: nothing to do in the kernel ---- */
#define rb_tsan_acquire(p)	do { (void)(p); } while (0)
#define rb_tsan_release(p)	do { (void)(p); } while (0)
#define rb_tsan_ignore_begin()	do { } while (0)
#define rb_tsan_ignore_end()	do { } while (0)

#endif /* REVBENCH_COMPAT_KERNEL_H */
