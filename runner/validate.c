// SPDX-License-Identifier: GPL-2.0
/*
 * validate.c - "revbench validate": revbench's reader cost next to loops
 * written directly against the libraries, in one process, pinned the same
 * way, so that a user can check on their own machine that revbench's
 * numbers are the primitive's cost and not the harness's (the options:
 * v_usage()).
 *
 * For every primitive whose ops table names a peer (revocable.h: .peer),
 * the rev_ref_all[] entry with the same .peer (primitives/reference.c;
 * srcu's is refscale's srcu type, kernel only: make vm-validate).  Both
 * sides are one measurement: an "empty" cell run through rb_wl_* on the
 * same pool as revbench run runs it (workload.h: warm-up, barriers, one
 * timed window per thread, constant load); ns per access = sum of the
 * windows / sum of the accesses.  The rounds interleave the two sides
 * (the order flips every round) so both sample the same drift; the table
 * shows medians over the rounds, the ratio of the medians and the range
 * of the per-round ratios.
 *
 * Output: an 80-column table on stdout and a strict JSON file (--out,
 * default results/validate-HOST-STAMP.json, written to a temp file and
 * renamed).  It is a benchmark, not a test: nothing here judges a ratio.
 * Exit 0, 1 (a cell failed), 2 (bad input), 130 (interrupted).
 */
#include <jansson.h>
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

/* ---- one measurement: an empty cell, as revbench run times it --------- */

/* ns per access of ops's empty cell; < 0 on failure, *why says why. */
static double v_measure(struct rb_pool *pool, const struct revocable_ops *ops,
			int n, u64 iters, double timeout, const char **path,
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
	rc = rb_pool_run(pool, n, rb_wl_thread, rb_wl_abort, &run, timeout);
	rb_wl_totals(&run, &tot);
	if (rc)
		*why = rc == 2 ? "interrupted" : "timed out";
	else if (run.fail)
		*why = run.fail;
	else if (tot.ops)
		ns = (double)tot.time_ns / (double)tot.ops;
	else
		*why = "no access timed";
	rb_wl_run_fini(&run);
	return ns;
}

/* A peer's .desc: the reference, then "; " and a note (reference.c). */
static int v_what(const struct revocable_ops *peer, const char **note)
{
	const char *semi = strchr(peer->desc, ';');

	*note = semi ? semi + 2 : NULL;
	return semi ? (int)(semi - peer->desc) : (int)strlen(peer->desc);
}

/* ---- the command -------------------------------------------------------- */

struct v_pair {
	const struct revocable_ops *ops;
	const struct revocable_ops *peer;	/* its REV_CAP_REFONLY entry */
	const char *path;
	double rb[V_MAX_ROUNDS], ref[V_MAX_ROUNDS];
	int n;
};

static void v_usage(FILE *f)
{
	fprintf(f,
"usage: revbench validate [--threads N] [--rounds R] [--loops L]\n"
"                         [--placement P] [--out FILE] [--quick]\n"
"  revbench's empty-workload cells next to read sides written directly\n"
"  against the libraries (bare load, liburcu memb, pthread_rwlock, lock\n"
"  add/sub, a full fence), timed in the same window, interleaved over R\n"
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
	const char *out = NULL, *pl_name = "compact", *pos[1], *note;
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
	int i, k, r, ret = 0, npos, wl;
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
		return r > 0 ? 0 : UT_EXIT_USAGE;
	if (!rounds)
		rounds = quick ? 3 : 9;
	if (!loops)
		loops = quick ? 200000 : 2000000;

	for (i = 0; i < rev_ops_count && npairs < V_MAX_PAIRS; i++) {
		const struct revocable_ops *ops = rev_ops_all[i];

		if (!ops->peer)
			continue;
		for (k = 0; k < rev_ref_count; k++)
			if (!strcmp(rev_ref_all[k]->peer, ops->peer))
				break;
		if (k == rev_ref_count) {
			printf("validate: SKIP %s: peer '%s' is kernel only "
			       "(make vm-validate)\n", ops->name, ops->peer);
			continue;
		}
		pairs[npairs].ops = ops;
		pairs[npairs].peer = rev_ref_all[k];
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
		return UT_EXIT_USAGE;

	rb_catch_signals();
	printf("validate: empty, %d thread%s, %d round%s x %llu accesses, "
	       "placement %s\n", threads, threads > 1 ? "s" : "", rounds,
	       rounds > 1 ? "s" : "", (unsigned long long)loops, pl_name);
	fflush(stdout);
	rb_progress_begin("measurements", rounds * npairs, true);
	for (r = 0; r < rounds && !rb_interrupted; r++) {
		for (k = 0; k < npairs && !rb_interrupted; k++) {
			struct v_pair *pr = &pairs[(k + r) % npairs];
			const struct revocable_ops *side[2] = { pr->ops,
								pr->peer };
			const char *why[2], *path[2];
			double v[2];
			int s, x;

			/* [0] the primitive, [1] its peer; odd rounds the
			 * peer first */
			for (s = 0; s < 2; s++) {
				x = s ^ (r & 1);
				v[x] = v_measure(&pool, side[x], threads, loops,
						 timeout, &path[x], &why[x]);
			}
			pr->path = path[0];
			rb_progress_set(r * npairs + k + 1, pr->ops->name);
			if (v[0] < 0 || v[1] < 0) {
				if (rb_interrupted)
					break;
				x = v[0] >= 0;
				rb_progress_printf(stderr, "revbench validate: %s: %s\n",
						   side[x]->name, why[x]);
				failed = 1;
				continue;
			}
			pr->rb[pr->n] = v[0];
			pr->ref[pr->n] = v[1];
			pr->n++;
		}
	}
	rb_progress_end();
	rb_pool_stop(&pool);
	if (rb_interrupted) {
		fprintf(stderr, "revbench validate: interrupted: no results "
			"file written\n");
		return UT_EXIT_INTR;
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
		"refscale's, both sides as an empty cell of revbench run "
		"(the peer a REV_CAP_REFONLY entry): warm-up, start "
		"barrier, one timed window per thread, constant load until "
		"all have measured; sides interleaved, order flipped every "
		"round");
	for (k = 0; k < npairs; k++) {
		struct v_pair *pr = &pairs[k];
		double mr, mf, ratio, q[V_MAX_ROUNDS];
		json_t *e;

		wl = v_what(pr->peer, &note);
		if (!pr->n) {
			printf("%-10s %9s  %-18.*s %9s %6s  (failed)\n",
			       pr->ops->name, "-", wl, pr->peer->desc, "-", "-");
			continue;
		}
		mr = rs_median(pr->rb, pr->n);
		mf = rs_median(pr->ref, pr->n);
		ratio = mf > 0 ? mr / mf : 0;
		for (r = 0; r < pr->n; r++)
			q[r] = pr->ref[r] > 0 ? pr->rb[r] / pr->ref[r] : 0;
		rmin = rs_min(q, pr->n);
		rmax = rs_max(q, pr->n);
		printf("%-10s %9.2f  %-18.*s %9.2f %5.2fx  %5.2f..%-5.2f %s\n",
		       pr->ops->name, mr, wl, pr->peer->desc, mf, ratio, rmin,
		       rmax, pr->path ? pr->path : "?");
		e = json_pack("{s:s, s:s, s:s#, s:s, s:o, s:o, s:f, s:f, s:f, s:f, s:f}",
			      "primitive", pr->ops->name, "peer", pr->peer->peer,
			      "reference", pr->peer->desc, wl, "readsection",
			      pr->path ? pr->path : "?", "revbench_ns",
			      v_array(pr->rb, pr->n), "reference_ns",
			      v_array(pr->ref, pr->n), "revbench_median_ns", mr,
			      "reference_median_ns", mf, "ratio", ratio,
			      "ratio_min", rmin, "ratio_max", rmax);
		if (note)
			json_object_set_new(e, "note", json_string(note));
		json_array_append_new(tab, e);
	}
	for (k = 0; k < rev_ref_count; k++)
		if (v_what(rev_ref_all[k], &note) && note)
			printf("  %s: %s\n", rev_ref_all[k]->peer, note);
	printf("  ratio = revbench / reference, medians of the rounds; a "
	       "benchmark: none judged\n");
	root = json_pack("{s:o, s:o}", "context", ctx, "validate", tab);

	if (ut_afile_open(&af, out)) {
		json_decref(root);
		return UT_EXIT_USAGE;
	}
	if (json_dumpf(root, af.fp, JSON_INDENT(1) | JSON_REAL_PRECISION(6))) {
		ut_afile_abort(&af);
		json_decref(root);
		return 1;
	}
	fputc('\n', af.fp);
	json_decref(root);
	if (ut_afile_commit(&af))
		return UT_EXIT_USAGE;
	printf("validate: table written to %s\n", out);
	if (failed)
		ret = 1;
	rb_topo_fini(&tp);
	return ret;
}
