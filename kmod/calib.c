// SPDX-License-Identifier: GPL-2.0
/*
 * calib.c - the calibration probe every kernel bench run records, the same
 * two numbers as the userspace runner (runner/calib.c), so a reader can
 * tell which regime a result came from:
 *
 *   calib_pingpong_ns  median round trip of one cache line between two
 *                      kthreads bound to the first two online CPUs
 *                      (CALIB_TRIALS trials of CALIB_ROUNDS round trips);
 *   calib_loop_ns      median ns per iteration of an empty counted loop
 *                      with a compiler barrier, on the calling CPU;
 *   calib_clock_ns     median ns per ktime_get_mono_fast_ns() read, back
 *                      to back: the timer cost inside every timed revoke
 *                      (the userspace runner measures its rb_now_ns()).
 *
 * Under qemu TCG both are dominated by emulation: they are recorded so
 * that the inflation is visible, not to be compared with hardware.
 */
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/kthread.h>
#include <linux/sort.h>

#include "revocable.h"
#include "kmod.h"

#define CALIB_TRIALS	7
#define CALIB_ROUNDS	2000
#define CALIB_LOOP	(1U << 20)
#define CALIB_CLOCK	10000

struct calib_pp {
	int ball ____cacheline_aligned;
	int go;
	struct completion ready;
	struct completion done;
	u64 ns[CALIB_TRIALS];
};

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* The responder: return the ball every time it comes back odd. */
static int calib_pong(void *data)
{
	struct calib_pp *pp = data;
	int t, r;

	complete(&pp->ready);
	for (t = 0; t < CALIB_TRIALS; t++) {
		for (r = 0; r < CALIB_ROUNDS; r++) {
			while (smp_load_acquire(&pp->ball) != 2 * r + 1) {
				if (kthread_should_stop())
					goto out;
				cpu_relax();
			}
			smp_store_release(&pp->ball, 2 * r + 2);
		}
	}
out:
	complete(&pp->done);
	rbk_wait_for_stop();
	return 0;
}

static int calib_ping(void *data)
{
	struct calib_pp *pp = data;
	u64 t0;
	int t, r;

	wait_for_completion(&pp->ready);
	for (t = 0; t < CALIB_TRIALS; t++) {
		t0 = ktime_get_mono_fast_ns();
		for (r = 0; r < CALIB_ROUNDS; r++) {
			smp_store_release(&pp->ball, 2 * r + 1);
			while (smp_load_acquire(&pp->ball) != 2 * r + 2) {
				if (kthread_should_stop())
					goto out;
				cpu_relax();
			}
		}
		/* The next trial serves 1 again: the last return was seen. */
		pp->ns[t] = ktime_get_mono_fast_ns() - t0;
	}
out:
	complete(&pp->done);
	rbk_wait_for_stop();
	return 0;
}

/* Median round trip, ns (0 if fewer than two CPUs are online). */
static u64 calib_pingpong(void)
{
	struct calib_pp *pp;
	struct task_struct *a, *b;
	int c0, c1;
	u64 med = 0;

	c0 = cpumask_first(cpu_online_mask);
	c1 = cpumask_next(c0, cpu_online_mask);
	if (c1 >= nr_cpu_ids)
		return 0;
	pp = kzalloc(sizeof(*pp), GFP_KERNEL);
	if (!pp)
		return 0;
	init_completion(&pp->ready);
	init_completion(&pp->done);
	b = rbk_kthread_on_cpu(calib_pong, pp, c1, "rbk_calib/%u");
	if (IS_ERR(b))
		goto out;
	a = rbk_kthread_on_cpu(calib_ping, pp, c0, "rbk_calib/%u");
	if (IS_ERR(a)) {
		kthread_stop(b);
		goto out;
	}
	/* Bounded: under a hung emulator we give up rather than hang. */
	if (wait_for_completion_timeout(&pp->done, 10 * HZ) &&
	    wait_for_completion_timeout(&pp->done, 10 * HZ)) {
		sort(pp->ns, CALIB_TRIALS, sizeof(u64), cmp_u64, NULL);
		med = div_u64(pp->ns[CALIB_TRIALS / 2], CALIB_ROUNDS);
	}
	kthread_stop(a);
	kthread_stop(b);
out:
	kfree(pp);
	return med;
}

/* Median ns per empty-loop iteration, in picoseconds for precision. */
static u64 calib_loop_ps(void)
{
	u64 ps[CALIB_TRIALS], t0;
	unsigned int i;
	int t;

	for (t = 0; t < CALIB_TRIALS; t++) {
		t0 = ktime_get_mono_fast_ns();
		for (i = 0; i < CALIB_LOOP; i++)
			barrier();
		ps[t] = div_u64((ktime_get_mono_fast_ns() - t0) * 1000,
				CALIB_LOOP);
		cond_resched();
	}
	sort(ps, CALIB_TRIALS, sizeof(u64), cmp_u64, NULL);
	return ps[CALIB_TRIALS / 2];
}

/* Median ns per clock read, back to back, in picoseconds. */
static u64 calib_clock_ps(void)
{
	u64 ps[CALIB_TRIALS], t0, sink = 0;
	unsigned int i;
	int t;

	for (t = 0; t < CALIB_TRIALS; t++) {
		t0 = ktime_get_mono_fast_ns();
		for (i = 0; i < CALIB_CLOCK; i++)
			sink += ktime_get_mono_fast_ns();
		ps[t] = div_u64((ktime_get_mono_fast_ns() - t0) * 1000,
				CALIB_CLOCK + 1);
		cond_resched();
	}
	sort(ps, CALIB_TRIALS, sizeof(u64), cmp_u64, NULL);
	return sink ? ps[CALIB_TRIALS / 2] : 0;
}

void rbk_calibrate(struct rbk_calib *c)
{
	c->pingpong_ns = calib_pingpong();
	c->loop_ps = calib_loop_ps();
	c->clock_ps = calib_clock_ps();
}
