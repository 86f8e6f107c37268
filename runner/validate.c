// SPDX-License-Identifier: GPL-2.0
/*
 * validate.c - "revbench validate": revbench's reader cost next to loops
 * written directly against the libraries, in one process, pinned the same
 * way, so that a user can check on their own machine that revbench's
 * numbers are the primitive's cost and not the harness's.
 *
 *   revbench validate [--threads N] [--rounds R] [--loops L]
 *                     [--placement P] [--out FILE] [--quick]
 *
 * For every primitive whose ops table names a peer (revocable.h: .peer)
 * that this file has a loop for:
 *
 *   peer    reference loop (per access)                 revbench primitive
 *   bare    p = READ_ONCE(obj->ptr); test p             none
 *   rcu     urcu_memb_read_lock(); test the flag;       rcu
 *           urcu_memb_read_unlock()
 *   rwsem   pthread_rwlock_rdlock(); test the flag;     rwsem
 *           pthread_rwlock_unlock() (the same
 *           writer-preferring kind revbench uses)
 *   refcnt  lock add; lock sub on one global count      refcount (which
 *                                                       is inc-not-zero,
 *                                                       a cmpxchg loop)
 *   fence   store to a per-thread slot; smp_mb();       hazptr (which also
 *           test the flag; store-release NULL           looks for a free
 *                                                       slot of four)
 *
 * (srcu's peer is refscale's srcu type: kernel only, make vm-validate.)
 * Each measurement is refscale's method, the same as revbench's LOOP
 * workloads (workload.h): every thread warms up, meets the others at a
 * start barrier, times one window of --loops accesses, keeps running until
 * every thread has measured, then meets them at a stop barrier; ns per
 * access = sum of the windows / sum of the accesses.  revbench's side is
 * its "empty" workload cell, run through rb_wl_* on the same pool.  The
 * rounds interleave the two sides (the order flips every round) so both
 * sample the same drift; the table shows medians over the rounds, the
 * ratio of the medians and the range of the per-round ratios.
 *
 * Output: an 80-column table on stdout and a strict JSON file (--out,
 * default results/validate-HOST-STAMP.json, written to a temp file and
 * renamed).  It is a benchmark, not a test: nothing here judges a ratio.
 * Exit 0, 1 (a cell failed), 2 (bad input), 130 (interrupted).
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "prim_info.h"
#include "revbench.h"
#include "stats.h"

#define V_MAX_PAIRS	16
#define V_MAX_ROUNDS	101

/* ---- the reference loops ---------------------------------------------- */

struct v_slot {
	void *p;
} ____cacheline_aligned;

struct v_obj {
	void *ptr;			/* what "bare" loads */
	int flag;			/* what the locked loops test */
	pthread_rwlock_t lock;
	long count ____cacheline_aligned;	/* "refcnt": the one line */
	struct v_slot *slot;		/* "fence": one per thread */
};

struct v_thread {
	u64 time_ns, ops, errors;
} ____cacheline_aligned;

struct v_run {
	struct v_obj *obj;
	u64 (*loop)(struct v_obj *o, int idx, u64 n);
	u64 iters;
	int nthreads;
	struct v_thread *th;
	atomic_t arrived, done, stop_arrived;
	int gen, stop_gen;
	int abort;
};

static u64 __attribute__((noinline)) v_bare(struct v_obj *o, int idx, u64 n)
{
	u64 i, err = 0;

	(void)idx;
	for (i = 0; i < n; i++)
		if (unlikely(!READ_ONCE(o->ptr)))
			err++;
	return err;
}

static u64 __attribute__((noinline)) v_urcu(struct v_obj *o, int idx, u64 n)
{
	u64 i, err = 0;

	(void)idx;
	for (i = 0; i < n; i++) {
		urcu_memb_read_lock();
		if (unlikely(!READ_ONCE(o->flag)))
			err++;
		urcu_memb_read_unlock();
	}
	return err;
}

static u64 __attribute__((noinline)) v_rwlock(struct v_obj *o, int idx,
					       u64 n)
{
	u64 i, err = 0;

	(void)idx;
	for (i = 0; i < n; i++) {
		if (pthread_rwlock_rdlock(&o->lock))
			err++;
		if (unlikely(!o->flag))
			err++;
		pthread_rwlock_unlock(&o->lock);
	}
	return err;
}

static u64 __attribute__((noinline)) v_refcnt(struct v_obj *o, int idx,
					       u64 n)
{
	u64 i;

	(void)idx;
	for (i = 0; i < n; i++) {
		__atomic_fetch_add(&o->count, 1, __ATOMIC_SEQ_CST);
		__atomic_fetch_sub(&o->count, 1, __ATOMIC_SEQ_CST);
	}
	return 0;
}

static u64 __attribute__((noinline)) v_fence(struct v_obj *o, int idx, u64 n)
{
	void **slot = &o->slot[idx].p;
	u64 i, err = 0;

	for (i = 0; i < n; i++) {
		WRITE_ONCE(*slot, (void *)o);
		smp_mb();
		if (unlikely(!READ_ONCE(o->flag)))
			err++;
		smp_store_release(slot, NULL);
	}
	return err;
}

static const struct v_peer {
	const char *name;	/* an ops table's .peer */
	const char *what;	/* the reference, for the table */
	u64 (*loop)(struct v_obj *o, int idx, u64 n);
	const char *note;	/* what differs from the primitive, if anything */
} v_peers[] = {
	{ "bare", "bare load", v_bare, NULL },
	{ "rcu", "urcu_memb rd lock", v_urcu, NULL },
	{ "rwsem", "pthread_rwlock rd", v_rwlock, NULL },
	{ "refcnt", "lock add/lock sub", v_refcnt,
	  "revbench refcount is inc-not-zero (a cmpxchg loop) + lock dec" },
	{ "fence", "store+mb+load", v_fence,
	  "revbench hazptr also looks for a free slot of four" },
};

/* Spin barrier (the workloads' one is private to workload.c). */
static void v_barrier(atomic_t *arrived, int *gen, int n)
{
	int g = smp_load_acquire(gen);
	unsigned int spins = 0;

	if (atomic_inc_return(arrived) == n) {
		atomic_set(arrived, 0);
		smp_store_release(gen, g + 1);
		return;
	}
	while (smp_load_acquire(gen) == g) {
		if (!(++spins & 1023))
			rb_yield();
		else
			cpu_relax();
	}
}

static void v_ref_thread(void *arg, int idx)
{
	struct v_run *r = arg;
	struct v_thread *t = &r->th[idx];
	u64 warm = (r->iters >> 3) + 16, t0, t1;

	if (warm > (1ULL << 20))
		warm = 1ULL << 20;
	t->errors += r->loop(r->obj, idx, warm);
	v_barrier(&r->arrived, &r->gen, r->nthreads);
	t0 = rb_now_ns();
	t->errors += r->loop(r->obj, idx, r->iters);
	t1 = rb_now_ns();
	t->time_ns = t1 - t0;
	t->ops = r->iters;
	atomic_inc_return(&r->done);
	while (atomic_read(&r->done) < r->nthreads && !READ_ONCE(r->abort))
		t->errors += r->loop(r->obj, idx, 64);
	v_barrier(&r->stop_arrived, &r->stop_gen, r->nthreads);
}

static void v_ref_abort(void *arg)
{
	WRITE_ONCE(((struct v_run *)arg)->abort, 1);
}

/* One measurement of a reference loop: ns per access, < 0 on failure. */
static double v_measure_ref(struct rb_pool *pool, const struct v_peer *peer,
			    int n, u64 iters, double timeout)
{
	struct v_obj *o = rb_zalloc(sizeof(*o));
	struct v_run r = { 0 };
	pthread_rwlockattr_t a;
	u64 time = 0, ops = 0, err = 0;
	double ns = -1;
	int i, rc;

	r.th = rb_zalloc(sizeof(*r.th) * (size_t)n);
	if (o)
		o->slot = rb_zalloc(sizeof(*o->slot) * (size_t)n);
	if (!o || !r.th || !o->slot)
		goto out;
	o->ptr = o;
	o->flag = 1;
	pthread_rwlockattr_init(&a);
	pthread_rwlockattr_setkind_np(&a,
			PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&o->lock, &a);
	pthread_rwlockattr_destroy(&a);
	r.obj = o;
	r.loop = peer->loop;
	r.iters = iters;
	r.nthreads = n;
	rc = rb_pool_run(pool, n, v_ref_thread, v_ref_abort, &r, timeout);
	pthread_rwlock_destroy(&o->lock);
	if (rc)
		goto out;
	for (i = 0; i < n; i++) {
		time += r.th[i].time_ns;
		ops += r.th[i].ops;
		err += r.th[i].errors;
	}
	if (!err && ops)
		ns = (double)time / (double)ops;
out:
	if (o)
		rb_free(o->slot);
	rb_free(o);
	rb_free(r.th);
	return ns;
}

/* ---- revbench's side: the empty cell ---------------------------------- */

static void v_wl_thread(void *arg, int idx)
{
	rb_wl_thread(arg, idx);
}

static void v_wl_abort(void *arg)
{
	rb_wl_abort(arg);
}

static double v_measure_cell(struct rb_pool *pool,
			     const struct revocable_ops *ops, int n,
			     u64 iters, double timeout, const char **path,
			     const char **why)
{
	const struct rb_workload *wl = &rb_workloads[RB_WL_EMPTY];
	struct rb_wl_params p = {
		.ops = ops, .threads = n, .iters = iters, .seed = 1,
	};
	struct rb_wl_totals tot;
	struct rb_wl_run run;
	double ns = -1;
	int rc;

	*why = rb_wl_check(wl, &p);
	if (*why)
		return -1;
	if (rb_wl_run_init(&run, wl, &p)) {
		*why = run.fail;
		rb_wl_run_fini(&run);
		return -1;
	}
	*path = run.path;
	rc = rb_pool_run(pool, n, v_wl_thread, v_wl_abort, &run, timeout);
	rb_wl_totals(&run, &tot);
	if (rc)
		*why = rc == 2 ? "interrupted" : "timed out";
	else if (run.fail)
		*why = run.fail;
	else if (tot.ops)
		ns = (double)tot.time_ns / (double)tot.ops;
	rb_wl_run_fini(&run);
	return ns;
}

/* ---- the command -------------------------------------------------------- */

struct v_pair {
	const struct revocable_ops *ops;
	const struct v_peer *peer;
	const char *path;
	double rb[V_MAX_ROUNDS], ref[V_MAX_ROUNDS];
	int n;
};

static void v_usage(FILE *f)
{
	fprintf(f,
"usage: revbench validate [--threads N] [--rounds R] [--loops L]\n"
"                         [--placement P] [--out FILE] [--quick]\n"
"  revbench's empty-workload cells next to loops written directly against\n"
"  the libraries (bare load, liburcu memb, pthread_rwlock, lock add/sub, a\n"
"  full fence), in one process, pinned the same way, interleaved over R\n"
"  rounds (default 9; --quick 3) of L accesses per thread per window\n"
"  (default 2000000; --quick 200000), N threads (default 1).  Prints an\n"
"  80-column table and writes it as JSON to FILE (default\n"
"  results/validate-HOST-STAMP.json).  A benchmark: no ratio is judged.\n"
"  Exit 0, 1 (a cell failed), 2 (bad input), 130 (interrupted).\n");
}

static json_t *v_array(const double *v, int n)
{
	json_t *a = json_array();
	int i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_real(v[i]));
	return a;
}

int cmd_validate(int argc, char **argv)
{
	static struct v_pair pairs[V_MAX_PAIRS];
	const char *out = NULL, *pl_name = "compact", *pos[1];
	char defout[256], host[64], stamp[32];
	enum rb_placement pl = RB_PLACE_COMPACT;
	unsigned long long loops = 0;
	int threads = 1, rounds = 0, npairs = 0, failed = 0;
	bool quick = false;
	const struct ut_opt opts[] = {
		{ "--quick", 0, UT_FLAG, &quick, 0, 0, NULL, NULL },
		{ "--threads", 0, UT_INT, &threads, 1, 1024, NULL, NULL },
		{ "--rounds", 0, UT_INT, &rounds, 1, V_MAX_ROUNDS, NULL, NULL },
		{ "--loops", 0, UT_UINT, &loops, 1000, 1e9, NULL, NULL },
		{ "--placement", 0, UT_STR, &pl_name, 0, 0, NULL, NULL },
		{ "--out", 0, UT_STR, &out, 0, 0, NULL, NULL },
	};
	int i, k, r, ret = 0, npos;
	double timeout = 60, rmin, rmax;
	struct ut_afile af;
	struct rb_topo tp;
	struct rb_pool pool;
	json_t *root, *ctx, *tab;
	time_t now;

	r = ut_getopt("validate", argc, argv, opts, ARRAY_SIZE(opts), pos,
		      &npos, 1, NULL, NULL);
	if (r > 0)
		v_usage(stdout);
	if (!r && npos)
		r = ut_bad("validate", "unexpected argument '%s'", pos[0]);
	if (!r && (k = rb_parse_placement("validate", pl_name)) >= 0)
		pl = (enum rb_placement)k;
	else if (!r)
		r = -1;
	if (r)
		return r > 0 ? 0 : RB_EXIT_USAGE;
	if (!rounds)
		rounds = quick ? 3 : 9;
	if (!loops)
		loops = quick ? 200000 : 2000000;

	for (i = 0; i < rev_ops_count && npairs < V_MAX_PAIRS; i++) {
		const struct revocable_ops *ops = rev_ops_all[i];

		if (!ops->peer)
			continue;
		for (k = 0; k < (int)ARRAY_SIZE(v_peers); k++)
			if (!strcmp(v_peers[k].name, ops->peer))
				break;
		if (k == (int)ARRAY_SIZE(v_peers)) {
			printf("validate: SKIP %s: peer '%s' is kernel only "
			       "(make vm-validate)\n", ops->name, ops->peer);
			continue;
		}
		pairs[npairs].ops = ops;
		pairs[npairs].peer = &v_peers[k];
		npairs++;
	}

	gethostname(host, sizeof(host));
	host[sizeof(host) - 1] = 0;
	now = time(NULL);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", localtime(&now));
	if (!out) {
		snprintf(defout, sizeof(defout), "results/validate-%s-%s.json",
			 host, stamp);
		out = defout;
	}

	if (rb_topo_init(&tp))
		return 1;
	if (rb_ctx_reserve(threads + RB_CTX_SLACK) || rb_thread_init() ||
	    rev_ops_global_init()) {
		fprintf(stderr, "revbench validate: set-up failed\n");
		return 1;
	}
	if (rb_pool_start(&pool, &tp, pl, threads, false))
		return RB_EXIT_USAGE;

	rb_catch_signals();
	printf("validate: empty, %d thread%s, %d round%s x %llu accesses, "
	       "placement %s\n", threads, threads > 1 ? "s" : "", rounds,
	       rounds > 1 ? "s" : "", (unsigned long long)loops, pl_name);
	fflush(stdout);
	rb_progress_begin("measurements", rounds * npairs, true);
	for (r = 0; r < rounds && !rb_interrupted; r++) {
		for (k = 0; k < npairs && !rb_interrupted; k++) {
			struct v_pair *pr = &pairs[(k + r) % npairs];
			const char *why = NULL;
			double a, b;
			int flip = r & 1;

			if (flip)
				b = v_measure_ref(&pool, pr->peer, threads,
						  loops, timeout);
			a = v_measure_cell(&pool, pr->ops, threads, loops,
					   timeout, &pr->path, &why);
			if (!flip)
				b = v_measure_ref(&pool, pr->peer, threads,
						  loops, timeout);
			rb_progress_set(r * npairs + k + 1, pr->ops->name);
			if (a < 0 || b < 0) {
				if (rb_interrupted)
					break;
				rb_progress_printf(stderr, "revbench validate: %s: %s\n",
					pr->ops->name, a < 0 ?
					(why ? why : "failed") :
					"the reference loop failed");
				failed = 1;
				continue;
			}
			pr->rb[pr->n] = a;
			pr->ref[pr->n] = b;
			pr->n++;
		}
	}
	rb_progress_end();
	rb_pool_stop(&pool);
	if (rb_interrupted) {
		fprintf(stderr, "revbench validate: interrupted: no results "
			"file written\n");
		return RB_EXIT_INTERRUPTED;
	}

	printf("\n%-10s %9s  %-18s %9s %6s  %-12s %s\n", "primitive",
	       "revbench", "reference loop", "ref", "ratio", "ratio range",
	       "loop");
	printf("%-10s %9s  %-18s %9s %6s  %-12s %s\n", "", "ns/access", "",
	       "ns/access", "", "(rounds)", "");
	tab = json_array();
	ctx = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:I, s:s, s:s, s:s}",
		"revbench_env", "userspace", "host_name", host, "date", stamp,
		"cpu_model", tp.cpu_model, "topology", tp.summary,
		"placement", pl_name, "threads", threads, "rounds", rounds,
		"loops", (json_int_t)loops, "urcu", rev_urcu_info(),
		"rwlock", rev_rwlock_kinds(), "method",
		"refscale's: warm-up, start barrier, one timed window per "
		"thread, constant load until all have measured; sides "
		"interleaved, order flipped every round");
	for (k = 0; k < npairs; k++) {
		struct v_pair *pr = &pairs[k];
		double mr, mf, ratio;
		json_t *e;

		if (!pr->n) {
			printf("%-10s %9s  %-18s %9s %6s  (failed)\n",
			       pr->ops->name, "-", pr->peer->what, "-", "-");
			continue;
		}
		mr = rs_median(pr->rb, pr->n);
		mf = rs_median(pr->ref, pr->n);
		ratio = mf > 0 ? mr / mf : 0;
		rmin = rmax = pr->ref[0] > 0 ? pr->rb[0] / pr->ref[0] : 0;
		for (r = 1; r < pr->n; r++) {
			double q = pr->ref[r] > 0 ? pr->rb[r] / pr->ref[r] : 0;

			rmin = q < rmin ? q : rmin;
			rmax = q > rmax ? q : rmax;
		}
		printf("%-10s %9.2f  %-18s %9.2f %5.2fx  %5.2f..%-5.2f %s\n",
		       pr->ops->name, mr, pr->peer->what, mf, ratio, rmin,
		       rmax, pr->path ? pr->path : "?");
		e = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:f, s:f, s:f, s:f, s:f}",
			      "primitive", pr->ops->name, "peer", pr->peer->name,
			      "reference", pr->peer->what, "readsection",
			      pr->path ? pr->path : "?", "revbench_ns",
			      v_array(pr->rb, pr->n), "reference_ns",
			      v_array(pr->ref, pr->n), "revbench_median_ns", mr,
			      "reference_median_ns", mf, "ratio", ratio,
			      "ratio_min", rmin, "ratio_max", rmax);
		if (pr->peer->note)
			json_object_set_new(e, "note",
					    json_string(pr->peer->note));
		json_array_append_new(tab, e);
	}
	for (k = 0; k < (int)ARRAY_SIZE(v_peers); k++)
		if (v_peers[k].note)
			printf("  %s: %s\n", v_peers[k].name, v_peers[k].note);
	printf("  ratio = revbench / reference, medians of the rounds; a "
	       "benchmark: none judged\n");
	root = json_pack("{s:o, s:o}", "context", ctx, "validate", tab);

	if (ut_afile_open(&af, out)) {
		json_decref(root);
		return RB_EXIT_USAGE;
	}
	if (json_dumpf(root, af.fp, JSON_INDENT(1) | JSON_REAL_PRECISION(6))) {
		ut_afile_abort(&af);
		json_decref(root);
		return 1;
	}
	fputc('\n', af.fp);
	json_decref(root);
	if (ut_afile_commit(&af))
		return RB_EXIT_USAGE;
	printf("validate: table written to %s\n", out);
	if (failed)
		ret = 1;
	rb_topo_fini(&tp);
	return ret;
}
