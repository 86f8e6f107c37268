// SPDX-License-Identifier: GPL-2.0
/*
 * calib.c - the calibration probe every run records, so that two results
 * files from different machines (or a noisy and a quiet run) can be told
 * apart before anyone compares their numbers:
 *
 *   calib_pingpong_ns  median round trip of one cache line between the
 *                      first two PUs of the compact order (CPU0<->CPU1):
 *                      the price of every shared-counter bounce
 *   calib_loop_ns      median ns per iteration of an empty counted loop:
 *                      ~ one cycle on an unthrottled core
 *   calib_regime       "fast" below 200 ns round trip (same die, bare
 *                      metal), "slow" above (cross-socket, or a VM whose
 *                      vCPUs are descheduled)
 *
 *   calib_clock_ns     ns per rb_now_ns() read (clock_gettime of
 *                      CLOCK_MONOTONIC), back to back: the timer cost
 *                      inside every timed revoke
 *
 * And the no-harness baseline of the translate cell (issue 3: harness
 * overhead is judged against it), measured on the PU pool thread 0 runs
 * on, over the same page table and walk:
 *   baseline_bare_translate_ns   the lookup alone, in a plain loop
 * (liburcu's read lock has one direct loop, "revbench validate"'s.)
 */
#define _LGPL_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hazptr.h"
#include "revbench.h"
#include "stats.h"

#define PP_BATCH	64
#define PP_ROUNDS	201
#define LOOP_N		1000000
#define LOOP_RUNS	11
#define BASE_N		200000
#define BASE_RUNS	11
#define CLOCK_N		10000
#define CLOCK_RUNS	11

struct pp {
	u64 ball ____cacheline_aligned;
	struct rb_topo *tp;
	hwloc_obj_t pu_b;
	double res[PP_ROUNDS];
	int err;
};

static int bind_self(struct rb_topo *tp, hwloc_obj_t pu)
{
	return pu ? hwloc_set_cpubind(tp->t, pu->cpuset, HWLOC_CPUBIND_THREAD)
		  : 0;
}

/* Player B: answers every odd ball with the next even one. */
static void *pp_b(void *v)
{
	struct pp *pp = v;
	u64 b, last = 0;

	if (bind_self(pp->tp, pp->pu_b))
		WRITE_ONCE(pp->err, 1);
	for (;;) {
		b = smp_load_acquire(&pp->ball);
		if (b == ~0ULL)
			break;
		if ((b & 1) && b != last) {
			last = b;
			smp_store_release(&pp->ball, b + 1);
		} else {
			cpu_relax();
		}
	}
	return NULL;
}

/* Player A, on the calling thread (bound to calib_arg.a); B on pu b. */
static double pingpong(struct rb_topo *tp, hwloc_obj_t b)
{
	struct pp *pp;
	pthread_t tb;
	u64 v = 0, t0;
	double r = -1;
	int i, k;

	if (posix_memalign((void **)&pp, SMP_CACHE_BYTES, sizeof(*pp)))
		return -1;
	memset(pp, 0, sizeof(*pp));
	pp->tp = tp;
	pp->pu_b = b;
	if (pthread_create(&tb, NULL, pp_b, pp)) {
		free(pp);
		return -1;
	}
	for (i = 0; i < PP_ROUNDS; i++) {
		t0 = rb_now_ns();
		for (k = 0; k < PP_BATCH; k++) {
			v += 2;
			smp_store_release(&pp->ball, v - 1);
			while (smp_load_acquire(&pp->ball) != v)
				cpu_relax();
		}
		pp->res[i] = (double)(rb_now_ns() - t0) / PP_BATCH;
	}
	smp_store_release(&pp->ball, ~0ULL);
	pthread_join(tb, NULL);
	if (!pp->err)
		r = rs_median(pp->res, PP_ROUNDS);
	free(pp);
	return r;
}

/* ns per iteration of an empty counted loop of n, timed once */
double rb_loop_ns(u64 n)
{
	u64 t0 = rb_now_ns(), i;

	for (i = 0; i < n; i++)
		barrier();
	return (double)(rb_now_ns() - t0) / n;
}

static double empty_loop(void)
{
	double res[LOOP_RUNS];
	int r;

	for (r = 0; r < LOOP_RUNS; r++)
		res[r] = rb_loop_ns(LOOP_N);
	return rs_median(res, LOOP_RUNS);
}

/*
 * The cost of one clock read, the clock every timed window uses
 * (rb_now_ns(): clock_gettime(CLOCK_MONOTONIC)): CLOCK_N back-to-back
 * reads, median over CLOCK_RUNS runs.  A timed revoke pays about one.
 */
static double clock_cost(void)
{
	double res[CLOCK_RUNS];
	u64 t0, sink = 0;
	int r, i;

	for (r = 0; r < CLOCK_RUNS; r++) {
		t0 = rb_now_ns();
		for (i = 0; i < CLOCK_N; i++)
			sink += rb_now_ns();
		res[r] = (double)(rb_now_ns() - t0) / (CLOCK_N + 1);
	}
	if (!sink)
		return -1;
	return rs_median(res, CLOCK_RUNS);
}

/* The translate cs:1 lookup with no harness; same table, same walk as
 * rb_wl_thread() participant 0. */
static void baselines(struct rb_calib *c, u64 seed)
{
	struct rb_pgtable *pgt = rb_pgt_alloc(NULL, NULL);
	double bare[BASE_RUNS];
	unsigned int mask = RB_WL_WSET_DEFAULT - 1, pos, stride, bad = 0;
	u64 sink = 0, t0, i;
	int r;

	c->bare_ns = -1;
	if (!pgt || rb_pgt_populate(pgt, RB_WL_IOVA_BASE, RB_WL_PHYS_BASE,
				    RB_PGT_SIZE_4K, RB_WL_WSET_DEFAULT)) {
		if (pgt)
			rb_pgt_free(pgt);
		return;
	}
	rb_wl_walk_init(seed, 0, RB_WL_WSET_DEFAULT, &pos, &stride);
	for (r = 0; r < BASE_RUNS; r++) {
		t0 = rb_now_ns();
		for (i = 0; i < BASE_N; i++)
			bad += rb_wl_lookup(pgt, &pos, stride, mask, &sink);
		bare[r] = (double)(rb_now_ns() - t0) / BASE_N;
	}
	rb_pgt_free(pgt);
	if (bad || !sink) {
		fprintf(stderr, "revbench: calibration: wrong translations\n");
		return;
	}
	c->bare_ns = rs_median(bare, BASE_RUNS);
}

struct calib_arg {
	struct rb_topo *tp;
	hwloc_obj_t a, b;
	struct rb_calib *c;
	u64 seed;
	int err;
};

static void *calib_thread(void *v)
{
	struct calib_arg *ca = v;

	if (bind_self(ca->tp, ca->a) || rb_thread_init()) {
		ca->err = 1;
		return NULL;
	}
	ca->c->cpu_a = ca->a ? (int)ca->a->os_index : -1;
	ca->c->cpu_b = ca->b ? (int)ca->b->os_index : -1;
	ca->c->pingpong_ns = ca->b ? pingpong(ca->tp, ca->b) : -1;
	ca->c->loop_ns = empty_loop();
	ca->c->clock_ns = clock_cost();
	baselines(ca->c, ca->seed);
	rb_thread_exit();
	return NULL;
}

int rb_calibrate(struct rb_topo *tp, enum rb_placement pl, struct rb_calib *c,
		 u64 seed)
{
	hwloc_obj_t order[2] = { NULL, NULL };
	struct calib_arg ca;
	pthread_t t;
	int n;

	memset(c, 0, sizeof(*c));
	/* CPU0<->CPU1: the first two PUs in compact order, whatever the
	 * placement; the baselines run where pool thread 0 runs. */
	n = rb_topo_order(tp, RB_PLACE_COMPACT, order, 2);
	memset(&ca, 0, sizeof(ca));
	ca.tp = tp;
	ca.a = n > 0 ? order[0] : NULL;
	ca.b = n > 1 ? order[1] : NULL;
	if (pl != RB_PLACE_COMPACT && pl != RB_PLACE_NONE) {
		hwloc_obj_t first;

		if (rb_topo_order(tp, pl, &first, 1) == 1)
			ca.a = first;
		if (ca.b == ca.a)
			ca.b = order[0];
	}
	ca.c = c;
	ca.seed = seed;
	if (pthread_create(&t, NULL, calib_thread, &ca))
		return -1;
	pthread_join(t, NULL);
	if (ca.err)
		return -1;
	c->regime = c->pingpong_ns < 0 ? "unknown" :
		    c->pingpong_ns < 200 ? "fast" : "slow";
	return 0;
}

/* hazptr-asym's (hazptr.h), not liburcu's: urcu_info records that one. */
const char *rb_membarrier_state(void)
{
	return rev_hazptr_membarrier_state();
}
