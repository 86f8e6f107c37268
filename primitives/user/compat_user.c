// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace side of compat.h: allocation, clocks, and the per-thread
 * context registry that stands in for "this CPU" in per-thread counters and
 * hazard-pointer slots.  Registration also registers the thread with
 * liburcu (memb flavour), which rcu, percpu-ref and seqlock read under.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#define _LGPL_SOURCE
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <time.h>
#include <unistd.h>
#include <urcu/urcu-memb.h>

#include "../compat.h"

__thread int rb_ctx_self = -1;

/* One byte per context index: 0 free, 1 taken.  Taken with cmpxchg. */
static unsigned char rb_ctx_used[RB_MAX_CTX];

void *rb_zalloc(size_t size)
{
	return calloc(1, size);
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
	int i;

	if (rb_ctx_self >= 0)
		return 0;
	for (i = 0; i < RB_MAX_CTX; i++) {
		if (READ_ONCE(rb_ctx_used[i]))
			continue;
		if (cmpxchg(&rb_ctx_used[i], 0, 1) == 0) {
			rb_ctx_self = i;
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
