// SPDX-License-Identifier: GPL-2.0
/*
 * bench.c - "revbench list" and "revbench run": the matrix of cells
 * (workload x primitive x threads x knobs), one Google Benchmark benchmark
 * per cell, driven from the one benchmark thread over the pinned pool.
 *
 * One Google Benchmark call of a cell = one repetition = one rb_wl run:
 *   rb_wl_run_init (untimed) -> the pool runs rb_wl_thread() on threads
 *   0..T-1 -> SetIterationTime(measured) -> counters -> rb_wl_run_fini.
 * LOOP cells let --min-time pick the iteration count (ops per thread);
 * the manual time is the mean of the threads' timed windows, so
 * real_time = ns per op per thread.  CYCLE cells (unbind, unbind-many)
 * have a fixed iteration count = revoke samples per repetition; the
 * manual time is the sum of the revoke latencies, so real_time = mean ns
 * per revoke, and the percentiles come from that repetition's samples.
 *
 * Output: Google Benchmark writes its JSON to a temp file next to --out
 * (--benchmark_out); the raw samples go to another temp file; both are
 * renamed into place only after a complete run, and removed on failure or
 * SIGINT.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "gbench_shim.h"
#include "prim_info.h"
#include "revbench.h"

#ifndef REVBENCH_GIT
#define REVBENCH_GIT "unknown"
#endif
#ifndef REVBENCH_CC
#define REVBENCH_CC "unknown"
#endif
#ifndef REVBENCH_CFLAGS
#define REVBENCH_CFLAGS "unknown"
#endif
#define REVBENCH_VERSION "0.1"

struct cell {
	char name[192];
	const struct rb_workload *wl;
	struct rb_wl_params p;
	u64 fixed_iters;	/* CYCLE: samples per repetition */
	int calls;		/* repetitions run so far */
	int failed, timed_out;
	char err[256];		/* why, for the later repetitions */
};

struct sample {
	int cell;
	int rep;
	u64 ns;
};

static struct rb_pool pool;
static struct rb_calib calib;
static struct cell *cells;
static int ncells;
static struct sample *samples;
static size_t nsamples, capsamples;
static double g_timeout;
static char *tmp_json, *tmp_csv;
static int n_failed, n_timed_out, n_interrupted;

static void cleanup_temps(void)
{
	if (tmp_json)
		unlink(tmp_json);
	if (tmp_csv)
		unlink(tmp_csv);
}

/*
 * SIGINT/SIGTERM: the pool threads have stopped (rb_pool_run aborted the
 * run and waited for them); remove the temp files and leave at once, so
 * no partial results file can exist.  Google Benchmark gets no say: its
 * --benchmark_out file is one of the temp files.
 */
static void interrupted_exit(void)
{
	cleanup_temps();
	fprintf(stderr, "revbench run: interrupted: no results file written\n");
	fflush(stdout);
	fflush(stderr);
	_exit(RB_EXIT_INTERRUPTED);
}

static void on_signal(int sig)
{
	(void)sig;
	rb_interrupted = 1;
}

/* ---- list ----------------------------------------------------------------- */

static void knob_names(unsigned int k, char *buf, size_t len)
{
	static const char *const names[] = {
		"cs", "delay-ns", "sleep-us", "stall-us", "npages", "n", "mode",
	};
	size_t i, off = 0;

	buf[0] = 0;
	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (k & (1U << i))
			off += snprintf(buf + off, off < len ? len - off : 0,
					"%s%s", off ? "," : "", names[i]);
	if (!off)
		snprintf(buf, len, "-");
}

int rb_cmd_list(int argc, char **argv)
{
	char caps[128], knobs[128];
	int i;

	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "usage: revbench list\n");
		return RB_EXIT_USAGE;
	}
	printf("Primitives (rev_ops_all[]):\n");
	printf("  %-14s %-11s %-26s %s\n", "name", "family", "caps",
	       "description");
	for (i = 0; i < rev_ops_count; i++) {
		const struct revocable_ops *o = rev_ops_all[i];

		printf("  %-14s %-11s %-26s %s%s\n", o->name, o->family,
		       rev_caps_str(o->caps, caps, sizeof(caps)), o->desc,
		       o->revoke_many ? " [revoke_many]" : "");
	}
	printf("\nWorkloads (name: one iteration = ...; knobs):\n");
	for (i = 0; i < RB_WL_NR; i++) {
		const struct rb_workload *w = &rb_workloads[i];

		knob_names(w->knobs, knobs, sizeof(knobs));
		printf("  %-12s %s\n  %-12s   iteration = one %s; knobs: %s\n",
		       w->name, w->measures, "", w->unit, knobs);
	}
	printf("\nKnobs (revbench run):\n"
	       "  --cs LIST        lookups per critical section (translate sweep 1,16,256)\n"
	       "  --delay-ns N     busy-wait inside each critical section\n"
	       "  --sleep-us N     sleep inside each critical section (sleep-capable only)\n"
	       "  --stall-us N     unbind*: reader 1 parks in a bystander's access while revoke runs\n"
	       "  --npages LIST    map-unmap entries per map (1,256)\n"
	       "  --n LIST         unbind-many revocables per unbind (1,10,100,1000)\n"
	       "  --mode LIST      unbind-many oneby|batched\n"
	       "Placements: compact cores smt scatter none\n"
	       "Names: <workload>/<primitive>/threads:T/cs:K[/npages:N|/n:N/mode:M]"
	       "[/delay:NS][/sleep:US][/stall:US]\n");
	return 0;
}

/* ---- one cell ------------------------------------------------------------- */

static void pool_body(void *arg, int idx)
{
	rb_wl_thread(arg, idx);
}

static void pool_abort(void *arg)
{
	rb_wl_abort(arg);
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile of a sorted array. */
static u64 pct(const u64 *s, u64 n, double q)
{
	u64 k = (u64)ceil(q * (double)n);

	if (k < 1)
		k = 1;
	return s[k - 1];
}

static void add_sample(int cell, int rep, u64 ns)
{
	if (nsamples == capsamples) {
		size_t nc = capsamples ? capsamples * 2 : 4096;
		struct sample *ns2 = realloc(samples, nc * sizeof(*ns2));

		if (!ns2) {
			fprintf(stderr, "revbench: out of memory for samples\n");
			if (rb_fatal_cleanup)
				rb_fatal_cleanup();
			exit(1);
		}
		samples = ns2;
		capsamples = nc;
	}
	samples[nsamples++] = (struct sample){ cell, rep, ns };
}

static void cell_counters(rb_gb_state *st, struct cell *c,
			  struct rb_wl_run *run)
{
	const struct rb_wl_params *p = &run->p;
	struct rb_wl_totals tot;
	double mean = 0, var = 0, aps = 0;
	int i, nr = 0;

	rb_wl_totals(run, &tot);
	for (i = 0; i < p->threads; i++) {
		const struct rb_wl_thread *t = &run->th[i];

		if (t->is_revoker)
			continue;
		mean += (double)(t->ops + t->tail_ops);
		nr++;
		if (t->time_ns)
			aps += (double)t->ops * 1e9 / (double)t->time_ns;
	}
	if (nr) {
		mean /= nr;
		for (i = 0; i < p->threads; i++) {
			const struct rb_wl_thread *t = &run->th[i];
			double d = (double)(t->ops + t->tail_ops) - mean;

			if (!t->is_revoker)
				var += d * d;
		}
		var /= nr;
		rb_gb_counter(st, "ops_min", (double)tot.ops_min);
		rb_gb_counter(st, "ops_max", (double)tot.ops_max);
		rb_gb_counter(st, "ops_cv", mean > 0 ? sqrt(var) / mean : 0);
	}
	rb_gb_counter(st, "threads_readers", run->nreaders);
	rb_gb_counter(st, "bytes_per_rev", (double)run->bytes_per_rev);
	rb_gb_counter(st, "errors", (double)tot.errors);
	rb_gb_counter(st, "retries", (double)tot.retries);
	rb_gb_counter(st, "calib_pingpong_ns", calib.pingpong_ns);
	rb_gb_counter(st, "calib_loop_ns", calib.loop_ns);

	switch (c->wl->id) {
	case RB_WL_EMPTY:
	case RB_WL_TRANSLATE:
	case RB_WL_MAP_UNMAP:
		if (tot.ops)
			rb_gb_counter(st, "ns_per_access",
				      (double)tot.time_ns / (double)tot.ops);
		rb_gb_counter(st, "accesses_per_sec", aps);
		break;
	case RB_WL_ERROR_PATH:
		if (tot.ops)
			rb_gb_counter(st, "error_ns",
				      (double)tot.time_ns / (double)tot.ops);
		break;
	case RB_WL_UNBIND:
	case RB_WL_UNBIND_MANY: {
		u64 n = run->nsamples, *s, sum = 0, k;

		rb_gb_counter(st, "pending", (double)run->pending);
		rb_gb_counter(st, "revoke_samples", (double)n);
		if (!n)
			break;
		s = malloc(n * sizeof(*s));
		if (!s)
			break;
		memcpy(s, run->samples, n * sizeof(*s));
		qsort(s, n, sizeof(*s), cmp_u64);
		for (k = 0; k < n; k++)
			sum += s[k];
		rb_gb_counter(st, "revoke_p50_ns", (double)pct(s, n, 0.50));
		rb_gb_counter(st, "revoke_p90_ns", (double)pct(s, n, 0.90));
		rb_gb_counter(st, "revoke_p99_ns", (double)pct(s, n, 0.99));
		rb_gb_counter(st, "revoke_max_ns", (double)s[n - 1]);
		rb_gb_counter(st, "revoke_mean_ns", (double)sum / (double)n);
		free(s);
		break;
	}
	default:
		break;
	}
}

static void cell_fn(rb_gb_state *st, void *arg)
{
	struct cell *c = arg;
	struct rb_wl_params p = c->p;
	struct rb_wl_run run;
	int64_t iters = rb_gb_max_iterations(st);
	int rep = c->calls++, rc = 0;
	double secs = 0;
	u64 k;

	if (rb_interrupted)
		interrupted_exit();
	if (c->failed || c->timed_out) {
		/* A starved revoke or a broken contract does not heal: the
		 * remaining repetitions report the same error at once. */
		rb_gb_skip_with_error(st, c->err);
		return;
	}
	p.iters = (u64)iters;
	if (rb_wl_run_init(&run, c->wl, &p)) {
		snprintf(c->err, sizeof(c->err), "set-up failed: %s",
			 run.fail ? run.fail : "?");
		fprintf(stderr, "!!! %s: %s\n", c->name, c->err);
		rb_gb_skip_with_error(st, c->err);
		c->failed++;
		rb_wl_run_fini(&run);
		return;
	}
	while (rb_gb_keep_running_batch(st, iters)) {
		rc = rb_pool_run(&pool, p.threads, pool_body, pool_abort, &run,
				 g_timeout);
		if (c->wl->kind == RB_WLK_LOOP) {
			u64 sum = 0;
			int i;

			for (i = 0; i < p.threads; i++)
				sum += run.th[i].time_ns;
			secs = (double)sum / p.threads * 1e-9;
		} else {
			for (k = 0; k < run.nsamples; k++)
				secs += (double)run.samples[k] * 1e-9;
		}
		rb_gb_set_iteration_time(st, secs);
	}
	if (rc == 2) {
		rb_wl_run_fini(&run);
		interrupted_exit();
	} else if (rc == 1) {
		snprintf(c->err, sizeof(c->err), "aborted by the watchdog: a "
			 "repetition did not finish in %g s (e.g. a starved "
			 "revoke)", g_timeout);
		fprintf(stderr, "!!! %s: %s\n", c->name, c->err);
		rb_gb_skip_with_error(st, c->err);
		c->timed_out++;
	} else if (run.fail) {
		snprintf(c->err, sizeof(c->err), "%s", run.fail);
		fprintf(stderr, "!!! %s: %s\n", c->name, run.fail);
		rb_gb_skip_with_error(st, c->err);
		c->failed++;
	} else {
		cell_counters(st, c, &run);
		for (k = 0; k < run.nsamples; k++)
			add_sample((int)(c - cells), rep, run.samples[k]);
	}
	rb_wl_run_fini(&run);
}

/* ---- building the matrix ---------------------------------------------------- */

struct skipped {
	char *text;
	size_t len, cap;
};

static void skip_note(struct skipped *sk, const char *name, const char *why)
{
	size_t need = strlen(name) + strlen(why) + 8;

	fprintf(stderr, "SKIP %s: %s\n", name, why);
	if (sk->len + need >= sk->cap) {
		size_t nc = (sk->cap + need) * 2;
		char *t = realloc(sk->text, nc);

		if (!t)
			return;
		sk->text = t;
		sk->cap = nc;
	}
	sk->len += (size_t)sprintf(sk->text + sk->len, "%s%s: %s",
				   sk->len ? "; " : "", name, why);
}

/*
 * Test knob for the A/B check of "revbench compare" (results/README.md):
 * REVBENCH_TEST_SLOW=PRIM:NS adds NS ns of busy delay inside every
 * critical section of primitive PRIM only (the --delay-ns mechanism, in
 * the cells whose workload takes it), cell names unchanged, and records
 * "test_slow" in the context.  NULL when unset or malformed.
 */
static const char *test_slow(u64 *ns, char *prim, size_t len)
{
	const char *v = getenv("REVBENCH_TEST_SLOW"), *colon;

	if (!v || !(colon = strrchr(v, ':')) || (size_t)(colon - v) >= len ||
	    rb_parse_u64(colon + 1, ns))
		return NULL;
	snprintf(prim, len, "%.*s", (int)(colon - v), v);
	return v;
}

static int add_cell(const struct rb_workload *wl, struct rb_wl_params *p,
		    u64 fixed, struct skipped *sk, int *cap)
{
	struct cell *c;
	const char *why;
	char name[192];
	int off;

	off = snprintf(name, sizeof(name), "%s/%s/threads:%d/cs:%u", wl->name,
		       p->ops->name, p->threads,
		       (wl->knobs & RB_WL_KNOB_CS) ? p->cs : 1);
	if (wl->knobs & RB_WL_KNOB_NPAGES)
		off += snprintf(name + off, sizeof(name) - off, "/npages:%u",
				p->npages);
	if (wl->knobs & RB_WL_KNOB_N)
		off += snprintf(name + off, sizeof(name) - off, "/n:%u/mode:%s",
				p->n, p->batched ? "batched" : "oneby");
	if ((wl->knobs & RB_WL_KNOB_DELAY) && p->delay_ns)
		off += snprintf(name + off, sizeof(name) - off, "/delay:%llu",
				(unsigned long long)p->delay_ns);
	if ((wl->knobs & RB_WL_KNOB_SLEEP) && p->sleep_us)
		off += snprintf(name + off, sizeof(name) - off, "/sleep:%u",
				p->sleep_us);
	if ((wl->knobs & RB_WL_KNOB_STALL) && p->stall_us)
		snprintf(name + off, sizeof(name) - off, "/stall:%u",
			 p->stall_us);

	p->iters = fixed ? fixed : 1;
	why = rb_wl_check(wl, p);
	if (why) {
		skip_note(sk, name, why);
		return 0;
	}
	if (ncells == *cap) {
		int nc = *cap ? *cap * 2 : 64;
		struct cell *t = realloc(cells, (size_t)nc * sizeof(*t));

		if (!t)
			return -1;
		cells = t;
		*cap = nc;
	}
	c = &cells[ncells++];
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->wl = wl;
	c->p = *p;
	c->fixed_iters = fixed;
	{
		char prim[64];
		u64 ns;

		if ((wl->knobs & RB_WL_KNOB_DELAY) &&
		    test_slow(&ns, prim, sizeof(prim)) &&
		    !strcmp(prim, p->ops->name))
			c->p.delay_ns += ns;
	}
	return 0;
}

static int build_cells(struct rb_opts *o, struct skipped *sk)
{
	static const unsigned int cs_sweep[] = { 1, 16, 256 };
	static const unsigned int one[] = { 1 };
	static const unsigned int npages_def[] = { 1, 256 };
	static const unsigned int n_def[] = { 1, 10, 100, 1000 };
	static const unsigned int n_quick[] = { 1, 10, 100 };
	static const int modes_def[] = { 0, 1 };
	static const unsigned int cs_unbind_quick[] = { 1, 256 };
	static const unsigned int stall_quick[] = { 0, 1000 };
	static const unsigned int zero[] = { 0 };
	int cap = 0, w, pr, t, i, j, st;

	for (w = 0; w < o->nwls; w++) {
		const struct rb_workload *wl = o->wls[w];
		const unsigned int *csl = one, *npl = one, *nl = one;
		const unsigned int *stl = zero;
		const int *ml = modes_def;
		int ncs = 1, nnp = 1, nn = 1, nm = 1, nst = 1;
		u64 fixed = 0;

		if (wl->knobs & RB_WL_KNOB_CS) {
			if (o->ncs) {
				csl = o->cs;
				ncs = o->ncs;
			} else if (wl->id == RB_WL_TRANSLATE && !o->quick) {
				csl = cs_sweep;
				ncs = 3;
			} else if (wl->id == RB_WL_UNBIND) {
				/* revoke latency against section length */
				csl = o->quick ? cs_unbind_quick : cs_sweep;
				ncs = o->quick ? 2 : 3;
			}
		}
		if (wl->knobs & RB_WL_KNOB_STALL) {
			if (o->nstall) {
				stl = o->stall;
				nst = o->nstall;
			} else if (wl->id == RB_WL_UNBIND) {
				stl = stall_quick;
				nst = 2;
			}
		}
		if (wl->knobs & RB_WL_KNOB_NPAGES) {
			npl = o->nnpages ? o->npages : npages_def;
			nnp = o->nnpages ? o->nnpages : 2;
		}
		if (wl->knobs & RB_WL_KNOB_N) {
			nl = o->nn ? o->nlist : o->quick ? n_quick : n_def;
			nn = o->nn ? o->nn : o->quick ? 3 : 4;
		}
		if (wl->knobs & RB_WL_KNOB_MODE) {
			ml = o->nmodes ? o->modes : modes_def;
			nm = o->nmodes ? o->nmodes : 2;
		}
		if (wl->kind == RB_WLK_CYCLE)
			fixed = o->samples ? o->samples : o->quick ? 100 : 1000;

		for (pr = 0; pr < o->nprims; pr++)
		for (t = 0; t < o->nthreads; t++)
		for (i = 0; i < ncs; i++)
		for (st = 0; st < nst; st++)
		for (j = 0; j < nnp * nn * nm; j++) {
			struct rb_wl_params p = {
				.ops = o->prims[pr],
				.threads = o->threads[t],
				.cs = csl[i],
				.npages = npl[j % nnp],
				.n = nl[(j / nnp) % nn],
				.batched = ml[j / (nnp * nn)],
				.seed = o->seed,
				.generic = o->generic_loop,
			};

			if (wl->knobs & RB_WL_KNOB_DELAY)
				p.delay_ns = o->delay_ns;
			if (wl->knobs & RB_WL_KNOB_SLEEP)
				p.sleep_us = o->sleep_us;
			if (wl->knobs & RB_WL_KNOB_STALL)
				p.stall_us = stl[st];
			/*
			 * The default stall sweep only pairs with thread
			 * counts that have a reader besides the revoker; a
			 * stall asked for explicitly is checked (and a skip
			 * reported) by rb_wl_check().
			 */
			if (!o->nstall && p.stall_us && p.threads < 2)
				continue;
			if (!(wl->knobs & RB_WL_KNOB_NPAGES))
				p.npages = 1;
			/*
			 * lifecycle of a DEFERRED variant: destroy() must wait
			 * for a deferred_barrier(), one per RB_WL_GRAVE_CAP
			 * revocables, and the timed window ends with one.  A
			 * fixed 4 x GRAVE_CAP iterations amortises it the same
			 * way in every repetition (--min-time would stop at 1).
			 */
			if (wl->id == RB_WL_LIFECYCLE &&
			    (p.ops->caps & REV_CAP_DEFERRED))
				fixed = 4 * RB_WL_GRAVE_CAP;
			else if (wl->kind == RB_WLK_LOOP)
				fixed = 0;
			if (add_cell(wl, &p, fixed, sk, &cap))
				return -1;
		}
	}
	return 0;
}

/* ---- context ---------------------------------------------------------------- */

static void ctx_num(const char *key, double v, const char *fmt)
{
	char buf[64];

	snprintf(buf, sizeof(buf), fmt, v);
	rb_gb_add_context(key, buf);
}

static void git_commit(char *buf, size_t len)
{
	FILE *f;

	snprintf(buf, len, "%s", REVBENCH_GIT);
	if (strcmp(buf, "unknown"))
		return;
	f = popen("git rev-parse --short=12 HEAD 2>/dev/null", "r");
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = 0;
	if (pclose(f) || !buf[0])
		snprintf(buf, len, "unknown");
}

static void add_context(int argc, char **argv, struct rb_opts *o,
			struct rb_topo *tp, struct skipped *sk, int reps,
			double min_time)
{
	char buf[4096], git[64];
	struct utsname u;
	size_t off = 0;
	int i;

	rb_gb_add_context("revbench_env", "userspace");
	rb_gb_add_context("revbench_version", REVBENCH_VERSION);
	git_commit(git, sizeof(git));
	rb_gb_add_context("git_commit", git);
	for (i = 0; i < argc && off < sizeof(buf) - 4; i++) {
		bool q = strpbrk(argv[i], " \t'\"") != NULL;

		off += snprintf(buf + off, sizeof(buf) - off, "%s%s%s%s",
				i ? " " : "", q ? "'" : "", argv[i],
				q ? "'" : "");
	}
	rb_gb_add_context("command_line", buf);
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)o->seed);
	rb_gb_add_context("seed", buf);
	rb_gb_add_context("cpu_model", tp->cpu_model);
	rb_gb_add_context("topology", tp->summary);
	rb_gb_add_context("kernel", uname(&u) ? "unknown" : u.release);
	rb_gb_add_context("compiler", REVBENCH_CC);
	rb_gb_add_context("cflags", REVBENCH_CFLAGS);
	rb_gb_add_context("urcu_flavor", rev_urcu_flavor());
	rb_gb_add_context("urcu_info", rev_urcu_info());
	rb_gb_add_context("rwlock_kind", rev_rwlock_kinds());
	rb_gb_add_context("membarrier", rb_membarrier_state());
	rb_gb_add_context("placement", rb_placement_names[o->placement]);
	off = 0;
	buf[0] = 0;
	for (i = 0; i < pool.n && off < sizeof(buf) - 16; i++)
		off += snprintf(buf + off, sizeof(buf) - off, "%s%s%d",
				i ? "," : "",
				pool.pu[i] ? "" : "~", pool.cpu[i]);
	rb_gb_add_context("thread_cpus", buf);
	rb_gb_add_context("thread_roles",
			  "thread i runs on thread_cpus[i] (~: unpinned, "
			  "CPU seen at start); translate, map-unmap, "
			  "error-path, lifecycle: every thread measures; "
			  "unbind, unbind-many: thread 0 revokes, 1..T-1 read, "
			  "thread 1 is the stalled reader with --stall-us");
	ctx_num("calib_pingpong_ns", calib.pingpong_ns, "%.1f");
	ctx_num("calib_loop_ns", calib.loop_ns, "%.3f");
	rb_gb_add_context("calib_regime", calib.regime);
	snprintf(buf, sizeof(buf), "%d,%d", calib.cpu_a, calib.cpu_b);
	rb_gb_add_context("calib_cpus", buf);
	ctx_num("baseline_bare_translate_ns", calib.bare_ns, "%.3f");
	ctx_num("baseline_urcu_translate_ns", calib.urcu_ns, "%.3f");
	rb_gb_add_context("quick", o->quick ? "yes" : "no");
	{
		char prim[64];
		u64 ns;
		const char *ts = test_slow(&ns, prim, sizeof(prim));

		if (ts)
			rb_gb_add_context("test_slow", ts);
	}
	ctx_num("repetitions", reps, "%.0f");
	ctx_num("min_time_s", min_time, "%g");
	ctx_num("watchdog_s", g_timeout, "%g");
	rb_gb_add_context("time_note",
			  "real_time is manual time: loop workloads = mean of "
			  "the threads' timed windows / iterations (ns per op "
			  "per thread); unbind* = sum of revoke latencies / "
			  "iterations (mean ns per revoke). cpu_time is the "
			  "CPU time of the driving benchmark thread, which "
			  "only waits: ignore it.");
	rb_gb_add_context("skipped_cells", sk->len ? sk->text : "none");
}

/* ---- run ---------------------------------------------------------------- */

static int check_out(const char *out, char **tj, char **tc)
{
	struct stat sb;
	size_t len = strlen(out);
	int fd;

	if (!stat(out, &sb) && S_ISDIR(sb.st_mode)) {
		fprintf(stderr, "revbench run: --out %s is a directory\n", out);
		return -1;
	}
	*tj = malloc(len + 32);
	*tc = malloc(len + 48);
	if (!*tj || !*tc)
		return -1;
	sprintf(*tj, "%s.tmp-XXXXXX", out);
	sprintf(*tc, "%s.samples.csv.tmp-XXXXXX", out);
	fd = mkstemp(*tj);
	if (fd < 0) {
		fprintf(stderr, "revbench run: cannot write --out %s: %s\n",
			out, strerror(errno));
		free(*tj);
		*tj = NULL;
		return -1;
	}
	fchmod(fd, 0644);	/* results are for sharing, not secrets */
	close(fd);
	fd = mkstemp(*tc);
	if (fd < 0) {
		fprintf(stderr, "revbench run: cannot write %s.samples.csv: %s\n",
			out, strerror(errno));
		unlink(*tj);
		free(*tj);
		*tj = NULL;
		free(*tc);
		*tc = NULL;
		return -1;
	}
	fchmod(fd, 0644);
	close(fd);
	return 0;
}

static char *default_out(void)
{
	char host[128], stamp[32], *out;
	time_t now = time(NULL);
	struct tm tm;
	size_t i;

	if (gethostname(host, sizeof(host)))
		snprintf(host, sizeof(host), "host");
	host[sizeof(host) - 1] = 0;
	for (i = 0; host[i]; i++)
		if (host[i] == '/' || host[i] == ' ')
			host[i] = '_';
	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	if (mkdir("results", 0777) && errno != EEXIST) {
		fprintf(stderr, "revbench run: cannot create results/: %s\n",
			strerror(errno));
		return NULL;
	}
	out = malloc(strlen(host) + 64);
	if (out)
		sprintf(out, "results/user-%s-%s.json", host, stamp);
	return out;
}

static int write_samples(const char *path)
{
	FILE *f = fopen(path, "w");
	size_t i;

	if (!f)
		return -1;
	fprintf(f, "benchmark,repetition,sample_ns\n");
	for (i = 0; i < nsamples; i++)
		fprintf(f, "%s,%d,%llu\n", cells[samples[i].cell].name,
			samples[i].rep, (unsigned long long)samples[i].ns);
	if (fflush(f) || fsync(fileno(f))) {
		fclose(f);
		return -1;
	}
	return fclose(f) ? -1 : 0;
}

int rb_cmd_run(int argc, char **argv)
{
	static const char *const base_names[] = { "none", "refcount" };
	struct rb_opts o;
	struct rb_topo tp;
	struct skipped sk = { 0 };
	hwloc_obj_t *order;
	struct sigaction sa;
	char *out = NULL, **gargv, flag_out[4200], flag_rep[64], flag_mt[64];
	int i, j, rc, norder, maxt = 0, reps, gargc, ret = 0;
	double min_time;

	rc = rb_parse_run(argc, argv, &o);
	if (rc)
		return rc > 0 ? 0 : RB_EXIT_USAGE;

	/* Defaults. */
	if (!o.nprims) {
		for (i = 0; i < rev_ops_count && i < RB_MAX_LIST; i++)
			if (!(rev_ops_all[i]->caps & REV_CAP_BROKEN))
				o.prims[o.nprims++] = rev_ops_all[i];
	}
	if (!o.no_baselines) {
		for (i = (int)ARRAY_SIZE(base_names) - 1; i >= 0; i--) {
			const struct revocable_ops *b = rev_ops_find(base_names[i]);

			for (j = 0; j < o.nprims; j++)
				if (o.prims[j] == b)
					break;
			if (!b || j < o.nprims || o.nprims == RB_MAX_LIST)
				continue;
			memmove(&o.prims[1], &o.prims[0],
				(size_t)o.nprims * sizeof(o.prims[0]));
			o.prims[0] = b;
			o.nprims++;
			fprintf(stderr, "note: baseline %s added (every run "
				"includes none and refcount; --no-baselines to "
				"drop)\n", b->name);
		}
	}
	if (!o.nwls) {
		static const enum rb_wl_id quick_wls[] = {
			RB_WL_EMPTY, RB_WL_TRANSLATE, RB_WL_UNBIND, RB_WL_ERROR_PATH,
			RB_WL_LIFECYCLE, RB_WL_UNBIND_MANY,
		};

		if (o.quick) {
			for (i = 0; i < (int)ARRAY_SIZE(quick_wls); i++)
				o.wls[o.nwls++] = &rb_workloads[quick_wls[i]];
		} else {
			for (i = 0; i < RB_WL_NR; i++)
				o.wls[o.nwls++] = &rb_workloads[i];
		}
	}

	if (rb_topo_init(&tp))
		return 1;
	order = calloc((size_t)tp.npu + 1, sizeof(*order));
	if (!order)
		return 1;
	norder = rb_topo_order(&tp, o.placement, order, tp.npu);
	free(order);
	if (!o.nthreads) {
		int lim = o.quick ? 2 : RB_MAX_THREADS;

		for (i = 1; i <= lim && i <= (norder ? norder : 1); i *= 2)
			o.threads[o.nthreads++] = i;
		if (!o.nthreads)
			o.threads[o.nthreads++] = 1;
	}
	for (i = 0; i < o.nthreads; i++)
		if (o.threads[i] > maxt)
			maxt = o.threads[i];
	if (maxt > norder && !o.oversubscribe) {
		fprintf(stderr, "revbench run: --threads %d: placement %s gives "
			"only %d CPU%s here (%s); use fewer threads, another "
			"placement, or --oversubscribe\n", maxt,
			rb_placement_names[o.placement], norder,
			norder == 1 ? "" : "s", tp.summary);
		rb_topo_fini(&tp);
		return RB_EXIT_USAGE;
	}
	reps = o.repetitions ? o.repetitions : o.quick ? 9 : 10;
	min_time = o.min_time > 0 ? o.min_time : o.quick ? 0.01 : 0.1;
	g_timeout = o.timeout > 0 ? o.timeout : o.quick ? 20 : 60;

	if (o.out) {
		out = strdup(o.out);
	} else {
		out = default_out();
		if (!out) {
			rb_topo_fini(&tp);
			return RB_EXIT_USAGE;
		}
	}
	if (!out || check_out(out, &tmp_json, &tmp_csv)) {
		rb_topo_fini(&tp);
		return RB_EXIT_USAGE;
	}
	rb_fatal_cleanup = cleanup_temps;

	if (build_cells(&o, &sk)) {
		fprintf(stderr, "revbench run: out of memory\n");
		ret = 1;
		goto out_temps;
	}
	if (!ncells) {
		fprintf(stderr, "revbench run: every cell was skipped (see the "
			"SKIP lines): nothing to run\n");
		ret = RB_EXIT_USAGE;
		goto out_temps;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	if (rb_ctx_reserve(maxt + RB_CTX_SLACK) || rb_thread_init()) {
		fprintf(stderr, "revbench: cannot register %d thread contexts\n",
			maxt + RB_CTX_SLACK);
		ret = 1;
		goto out_temps;
	}
	for (i = 0; i < o.nprims; i++)
		if (o.prims[i]->global_init && o.prims[i]->global_init()) {
			fprintf(stderr, "revbench: %s: global_init failed\n",
				o.prims[i]->name);
			ret = 1;
			goto out_temps;
		}
	if (rb_calibrate(&tp, o.placement, &calib, o.seed)) {
		fprintf(stderr, "revbench: calibration failed (cannot bind "
			"to CPU %d?)\n", calib.cpu_a);
		ret = 1;
		goto out_temps;
	}
	fprintf(stderr, "calibration: ping-pong CPU%d<->CPU%d %.1f ns (%s), "
		"empty loop %.3f ns/iter; translate cs:1 without harness "
		"%.2f ns, under urcu_memb_read_lock %.2f ns\n",
		calib.cpu_a, calib.cpu_b, calib.pingpong_ns, calib.regime,
		calib.loop_ns, calib.bare_ns, calib.urcu_ns);
	if (rb_pool_start(&pool, &tp, o.placement, maxt, o.oversubscribe)) {
		ret = 1;
		goto out_pool;
	}

	/* Google Benchmark's argv: ours first, pass-through flags after. */
	gargv = calloc((size_t)o.gb_argc + 8, sizeof(char *));
	if (!gargv) {
		ret = 1;
		goto out_pool;
	}
	gargc = 0;
	gargv[gargc++] = argv[0];
	snprintf(flag_out, sizeof(flag_out), "--benchmark_out=%s", tmp_json);
	gargv[gargc++] = flag_out;
	gargv[gargc++] = "--benchmark_out_format=json";
	snprintf(flag_rep, sizeof(flag_rep), "--benchmark_repetitions=%d", reps);
	gargv[gargc++] = flag_rep;
	snprintf(flag_mt, sizeof(flag_mt), "--benchmark_min_time=%g", min_time);
	gargv[gargc++] = flag_mt;
	for (i = 0; i < o.gb_argc; i++)
		gargv[gargc++] = o.gb_argv[i];
	gargv[gargc] = NULL;
	if (rb_gb_initialize(&gargc, gargv)) {
		fprintf(stderr, "revbench run: unknown --benchmark_ flag (see "
			"above)\n");
		free(gargv);
		ret = RB_EXIT_USAGE;
		goto out_pool;
	}
	for (i = 0; i < ncells; i++)
		if (rb_gb_register(cells[i].name, cell_fn, &cells[i],
				   (int64_t)cells[i].fixed_iters)) {
			ret = 1;
			free(gargv);
			goto out_pool;
		}
	add_context(rb_main_argc, rb_main_argv, &o, &tp, &sk, reps, min_time);

	rb_gb_run();
	rb_gb_shutdown();
	free(gargv);

	for (i = 0; i < ncells; i++) {
		n_failed += cells[i].failed ? 1 : 0;
		n_timed_out += cells[i].timed_out ? 1 : 0;
	}
	n_interrupted = rb_interrupted;
	if (n_interrupted) {
		fprintf(stderr, "revbench run: interrupted: no results file "
			"written\n");
		ret = RB_EXIT_INTERRUPTED;
		goto out_pool;
	}
	{
		struct stat sb;

		if (stat(tmp_json, &sb) || sb.st_size == 0) {
			fprintf(stderr, "revbench run: Google Benchmark wrote "
				"no JSON (filter matched nothing?): no results "
				"file\n");
			ret = 1;
			goto out_pool;
		}
	}
	{
		char *final_csv = malloc(strlen(out) + 16);

		if (!final_csv || write_samples(tmp_csv) ||
		    (sprintf(final_csv, "%s.samples.csv", out),
		     rename(tmp_csv, final_csv)) ||
		    rename(tmp_json, out)) {
			fprintf(stderr, "revbench run: cannot write %s: %s\n",
				out, strerror(errno));
			free(final_csv);
			ret = 1;
			goto out_pool;
		}
		free(tmp_json);
		free(tmp_csv);
		tmp_json = tmp_csv = NULL;
		printf("results: %s\nsamples: %s\n", out, final_csv);
		free(final_csv);
	}
	if (n_timed_out)
		fprintf(stderr, "!!! %d cell(s) hit the watchdog and are "
			"reported with error_occurred in the results\n",
			n_timed_out);
	if (n_failed) {
		fprintf(stderr, "!!! %d cell(s) failed their contract or set-up "
			"(error_occurred in the results)\n", n_failed);
		ret = 1;
	}
out_pool:
	rb_pool_stop(&pool);
	for (i = 0; i < o.nprims; i++)
		if (o.prims[i]->global_exit)
			o.prims[i]->global_exit();
	rb_thread_exit();
out_temps:
	cleanup_temps();
	rb_topo_fini(&tp);
	free(out);
	free(sk.text);
	free(o.gb_argv);
	return ret;
}
