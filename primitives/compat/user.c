// SPDX-License-Identifier: GPL-2.0
/*
 * compat/user.c - the userspace services of compat.h (compat/user.h):
 * allocation, clocks, completions, and the per-thread context registry
 * that stands in for "this CPU" in per-thread counters and
 * hazard-pointer slots.  Registration also registers the thread with
 * liburcu (memb flavour), which rcu, percpu-ref and seqlock read under.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <time.h>
#include <unistd.h>

#include <gnu/libc-version.h>

#include "user.h"
#include "../user/prim_info.h"

__thread int rb_ctx_self = -1;
int rb_ctx_capacity = RB_CTX_DEFAULT;
int rb_ctx_hiwater;		/* 1 + the highest index ever taken */

/* One byte per context index: 0 free, 1 taken.  Taken with cmpxchg. */
static unsigned char *rb_ctx_used;
static pthread_mutex_t rb_ctx_lock = PTHREAD_MUTEX_INITIALIZER;
static int rb_ctx_fixed;	/* a thread registered: capacity is final */

int rb_ctx_reserve(int n)
{
	int ret = 0;

	if (n < 1 || n > RB_CTX_LIMIT)
		return -EINVAL;
	pthread_mutex_lock(&rb_ctx_lock);
	if ((rb_ctx_fixed || rb_pcpu_base) && n != rb_ctx_capacity)
		ret = -EBUSY;
	else
		rb_ctx_capacity = n;
	pthread_mutex_unlock(&rb_ctx_lock);
	return ret;
}

/* ---- per-context words (user.h: alloc_percpu()'s analogue) ---- */

#define RB_PCPU_WORDS	(RB_PCPU_UNIT / sizeof(unsigned long))
#define RB_PCPU_LONGS	(RB_PCPU_WORDS / (8 * sizeof(unsigned long)))

char *rb_pcpu_base;
static unsigned long rb_pcpu_map[RB_PCPU_LONGS];	/* 1: word taken */

long rb_pcpu_alloc(void)
{
	long off = -ENOMEM;
	size_t i;

	pthread_mutex_lock(&rb_ctx_lock);
	if (!rb_pcpu_base) {
		/* calloc: the pages of unused words are never touched */
		rb_pcpu_base = calloc((size_t)rb_ctx_capacity, RB_PCPU_UNIT);
		if (!rb_pcpu_base)
			goto out;
	}
	for (i = 0; i < RB_PCPU_LONGS; i++) {
		unsigned long free = ~rb_pcpu_map[i];

		if (free) {
			int b = __builtin_ctzl(free);

			rb_pcpu_map[i] |= 1UL << b;
			off = (long)((i * 8 * sizeof(unsigned long) + b) *
				     sizeof(unsigned long));
			break;
		}
	}
out:
	pthread_mutex_unlock(&rb_ctx_lock);
	return off;
}

void rb_pcpu_free(long off)
{
	size_t w = (size_t)off / sizeof(unsigned long);
	int c, n = rb_ctx_in_use();

	/* zero for the next owner, in every context that may have written */
	for (c = 0; c < n; c++)
		WRITE_ONCE(*rb_pcpu_ptr(off, c), 0);
	pthread_mutex_lock(&rb_ctx_lock);
	rb_pcpu_map[w / (8 * sizeof(unsigned long))] &=
		~(1UL << (w % (8 * sizeof(unsigned long))));
	pthread_mutex_unlock(&rb_ctx_lock);
}

/*
 * 64-byte aligned, so that ____cacheline_aligned members of revocables
 * really are on lines of their own (the kernel's kmalloc gives natural
 * alignment to power-of-two sizes).
 */
void *rb_zalloc(size_t size)
{
	void *p = NULL;

	if (posix_memalign(&p, SMP_CACHE_BYTES, size ? size : 1))
		return NULL;
	memset(p, 0, size);
	return p;
}

void rb_free(void *p)
{
	free(p);
}

void *rb_page_alloc(void)
{
	void *p = NULL;

	if (posix_memalign(&p, PAGE_SIZE, PAGE_SIZE))
		return NULL;
	memset(p, 0, PAGE_SIZE);
	return p;
}

void rb_page_free(void *p)
{
	free(p);
}

/* CLOCK_MONOTONIC: runner/pool.c's condition variables wait on it too. */
u64 rb_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

int rb_cpu_id(void)
{
	return sched_getcpu();
}

void rb_sleep_us(unsigned int us)
{
	struct timespec ts = {
		.tv_sec = us / 1000000,
		.tv_nsec = (long)(us % 1000000) * 1000,
	};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

void rb_yield(void)
{
	sched_yield();
}

int rb_thread_init(void)
{
	int i, hw;

	if (rb_ctx_self >= 0)
		return 0;
	pthread_mutex_lock(&rb_ctx_lock);
	if (!rb_ctx_used) {
		rb_ctx_used = calloc(rb_ctx_capacity, 1);
		if (!rb_ctx_used) {
			pthread_mutex_unlock(&rb_ctx_lock);
			return -ENOMEM;
		}
	}
	rb_ctx_fixed = 1;
	pthread_mutex_unlock(&rb_ctx_lock);
	for (i = 0; i < rb_ctx_capacity; i++) {
		if (READ_ONCE(rb_ctx_used[i]))
			continue;
		if (cmpxchg(&rb_ctx_used[i], 0, 1) == 0) {
			rb_ctx_self = i;
			hw = READ_ONCE(rb_ctx_hiwater);
			while (hw < i + 1) {
				int old = cmpxchg(&rb_ctx_hiwater, hw, i + 1);

				if (old == hw)
					break;
				hw = old;
			}
			urcu_memb_register_thread();
			return 0;
		}
	}
	return -EBUSY;
}

void rb_thread_exit(void)
{
	if (rb_ctx_self < 0)
		return;
	urcu_memb_unregister_thread();
	smp_store_release(&rb_ctx_used[rb_ctx_self], 0);
	rb_ctx_self = -1;
}

/* ---- RCU and rwsem helpers (user.h) ---- */

void rb_rcu_barrier(void)
{
	rb_tsan_ignore_begin();	/* liburcu-internal hand-off, see user.h */
	urcu_memb_barrier();
	rb_tsan_ignore_end();
}

void rb_rwsem_fail(int err, const char *what)
{
	rb_pr_err("rwsem: pthread_rwlock %s failed: %s\n", what, strerror(err));
	abort();
}

static int rb_rwsem_init_kind(rb_rwsem_t *s, int kind)
{
	pthread_rwlockattr_t a;
	int err;

	err = pthread_rwlockattr_init(&a);
	if (err)
		return -err;
	if (kind >= 0)
		err = pthread_rwlockattr_setkind_np(&a, kind);
	if (!err)
		err = pthread_rwlock_init(&s->lock, &a);
	pthread_rwlockattr_destroy(&a);
	return -err;
}

int rb_rwsem_init(rb_rwsem_t *s)
{
	return rb_rwsem_init_kind(s,
			PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
}

/* -1: leave glibc's default kind (PREFER_READER_NP) alone. */
int rb_rwsem_init_rpref(rb_rwsem_t *s)
{
	return rb_rwsem_init_kind(s, -1);
}

void rb_rwsem_destroy(rb_rwsem_t *s)
{
	pthread_rwlock_destroy(&s->lock);
}

struct rb_thread {
	pthread_t tid;
	int (*fn)(void *);
	void *arg;
	int cpu;
	int ret;		/* fn's return value */
	int err;		/* start-up failure, 0 if fn ran */
	sem_t started;
	char name[16];
};

static void *rb_thread_trampoline(void *p)
{
	struct rb_thread *t = p;

	pthread_setname_np(pthread_self(), t->name);
	if (t->cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(t->cpu, &set);
		t->err = pthread_setaffinity_np(pthread_self(), sizeof(set),
						&set);
	}
	if (!t->err && rb_thread_init())
		t->err = EBUSY;
	sem_post(&t->started);
	if (t->err)
		return NULL;
	t->ret = t->fn(t->arg);
	rb_thread_exit();
	return NULL;
}

struct rb_thread *rb_thread_start(int (*fn)(void *), void *arg, int cpu,
				  const char *name)
{
	struct rb_thread *t = calloc(1, sizeof(*t));
	int err;

	if (!t)
		return NULL;
	t->fn = fn;
	t->arg = arg;
	t->cpu = cpu;
	snprintf(t->name, sizeof(t->name), "%s", name);
	sem_init(&t->started, 0, 0);
	err = pthread_create(&t->tid, NULL, rb_thread_trampoline, t);
	if (err)
		goto fail;
	while (sem_wait(&t->started) && errno == EINTR)
		;
	if (t->err) {
		err = t->err;
		pthread_join(t->tid, NULL);
		goto fail;
	}
	return t;
fail:
	sem_destroy(&t->started);
	free(t);
	errno = err;
	return NULL;
}

int rb_thread_join(struct rb_thread *t)
{
	int ret;

	pthread_join(t->tid, NULL);
	ret = t->ret;
	sem_destroy(&t->started);
	free(t);
	return ret;
}

int rb_nr_cpus(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set))
		return 1;
	return CPU_COUNT(&set);
}

/* ---- facts a results file records (prim_info.h) ---- */

const char *rev_urcu_flavor(void)
{
	return "memb";
}

#if RB_TSAN && !defined(urcu_memb_has_sys_membarrier)
extern int urcu_memb_has_sys_membarrier;	/* in <urcu/static/urcu-memb.h> */
#endif

const char *rev_urcu_info(void)
{
	return urcu_memb_has_sys_membarrier ?
	       "liburcu memb flavour, sys_membarrier: yes "
	       "(readers: compiler barriers only)" :
	       "liburcu memb flavour, sys_membarrier: NO "
	       "(readers fall back to smp_mb)";
}

static const char *rwlock_kind_name(int kind)
{
	switch (kind) {
	case PTHREAD_RWLOCK_PREFER_READER_NP:
		return "PREFER_READER_NP";
	case PTHREAD_RWLOCK_PREFER_WRITER_NP:
		return "PREFER_WRITER_NP";
	case PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP:
		return "PREFER_WRITER_NONRECURSIVE_NP";
	default:
		return "unknown";
	}
}

const char *rev_rwlock_kinds(void)
{
	static char buf[192];
	pthread_rwlockattr_t a;
	int def = -1, wpref = -1;

	if (!pthread_rwlockattr_init(&a)) {
		pthread_rwlockattr_getkind_np(&a, &def);
		if (!pthread_rwlockattr_setkind_np(&a,
				PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP))
			pthread_rwlockattr_getkind_np(&a, &wpref);
		pthread_rwlockattr_destroy(&a);
	}
	snprintf(buf, sizeof(buf),
		 "glibc %s: rwsem=%s, rwsem-rpref=%s (glibc default)",
		 gnu_get_libc_version(), rwlock_kind_name(wpref),
		 rwlock_kind_name(def));
	return buf;
}

/* ---- completion (user.h) ---- */

static pthread_mutex_t rb_completion_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t rb_completion_cond = PTHREAD_COND_INITIALIZER;

void rb_complete_all(struct rb_completion *c)
{
	pthread_mutex_lock(&rb_completion_lock);
	smp_store_release(&c->done, 1);	/* the waker's last touch of c */
	pthread_cond_broadcast(&rb_completion_cond);
	pthread_mutex_unlock(&rb_completion_lock);
}

void rb_wait_for_completion(struct rb_completion *c)
{
	unsigned int spins;

	for (spins = 0; spins < 1000; spins++) {
		if (smp_load_acquire(&c->done))
			return;
		cpu_relax();
	}
	pthread_mutex_lock(&rb_completion_lock);
	while (!smp_load_acquire(&c->done))
		pthread_cond_wait(&rb_completion_cond, &rb_completion_lock);
	pthread_mutex_unlock(&rb_completion_lock);
}
