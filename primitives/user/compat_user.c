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
#include <sched.h>
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
