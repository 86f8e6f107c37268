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
 * Method (BENCHMARKS.md): every cell runs --repetitions + 1 repetitions;
 * the first is a warm-up, dropped from the results and the samples.
 * Repetitions are interleaved at random across cells (Google Benchmark's
 * --benchmark_enable_random_interleaving), so that each repetition of a
 * cell samples the machine's drift over the whole run.  A cell's state
 * (struct cell) counts its own repetitions, so the order does not matter
 * to it, and every repetition is a complete rb_wl run of its own.
 *
 * Output (output.c): Google Benchmark writes its JSON (--benchmark_out)
 * into the run's temporary folder; after a complete run it is rewritten
 * into the strict, compact results file, the samples go to a gzip'd CSV
 * next to it, and only then is the folder renamed into place.  A failure
 * or SIGINT removes it.  The report and the figures are made after the
 * run, by other commands ("make bench": revbench report, plot/plot.sh).
 */
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "analysis.h"
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
	char name[RB_NAME_MAX];
	const struct rb_workload *wl;
	struct rb_wl_params p;
	u64 fixed_iters;	/* CYCLE: samples per repetition */
	int reps_done;		/* Google Benchmark repetitions so far */
	int failed, timed_out;
	char err[256];		/* why, for the later repetitions */
	struct rb_out_cell out;	/* what the results file says of it */
};

static struct rb_pool pool;
static struct rb_calib calib;
static struct cell *cells;
static int ncells;
static struct rb_out_sample *samples;
static size_t nsamples, capsamples;
static double g_timeout, g_min_time;
static struct rb_out g_out;
static int n_failed, n_timed_out, reps_done;

static void cleanup_temps(void)
{
	rb_out_abort(&g_out);
}

/*
 * SIGINT/SIGTERM: the pool threads have stopped (rb_pool_run aborted the
 * run and waited for them); remove the temporary folder and leave at
 * once, so no partial results can exist.  Google Benchmark gets no say:
 * its --benchmark_out file is inside that folder.
 */
static void interrupted_exit(void)
{
	rb_progress_end();
	cleanup_temps();
	fprintf(stderr, "revbench run: interrupted: nothing written\n");
	fflush(stdout);
	fflush(stderr);
	_exit(UT_EXIT_INTR);
}

/* ---- list ----------------------------------------------------------------- */

int rb_cmd_list(int argc, char **argv)
{
	char caps[128], knobs[128];
	int i;

	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "usage: revbench list\n");
		return UT_EXIT_USAGE;
	}
	printf("Primitives (rev_ops_all[]):\n");
	printf("  %-14s %-11s %-26s %s\n", "name", "family", "caps",
	       "description");
	for (i = 0; i < rev_ops_count; i++) {
		const struct revocable_ops *o = rev_ops_all[i];

		/* the entry's line (its first word is the name), then its consumer */
		printf("  %-14s %-11s %-26s %s%s%s%s%s\n", o->name, o->family,
		       rev_caps_str(o->caps, caps, sizeof(caps)), o->desc,
		       o->revoke_many ? " [revoke_many]" : "",
		       o->impl ? " [implementation: " : "",
		       o->impl ? o->impl : "", o->impl ? "]" : "");
		printf("  %-14s %-11s %-26s open-close consumer: %s\n", "", "",
		       "", o->consumer ? o->consumer : REV_CONSUMER_GENERIC);
	}
	printf("\nWorkloads (name: one iteration = ...; knobs):\n");
	for (i = 0; i < RB_WL_NR; i++) {
		const struct rb_workload *w = &rb_workloads[i];

		rb_knob_names(w->knobs, knobs, sizeof(knobs));
		printf("  %-12s %s\n  %-12s   iteration = one %s; knobs: %s\n",
		       w->name, w->measures, "", w->unit, knobs[0] ? knobs : "-");
	}
	printf("\nKnobs (revbench run):\n"
	       "  --cs LIST        lookups per critical section (translate sweep 1,16,256)\n"
	       "  --guard LIST     translate: revocables per operation (1; caps guard: one read-side guard)\n"
	       "  --delay-ns N     busy-wait inside each critical section\n"
	       "  --sleep-us N     sleep inside each critical section (sleep-capable only)\n"
	       "  --stall-us N     unbind*: reader 1 parks in a bystander's access while revoke runs\n"
	       "  --npages LIST    map-unmap entries per map (1,256)\n"
	       "  --n LIST         unbind-many revocables per unbind (1,10,100,1000)\n"
	       "  --mode LIST      unbind-many oneby|batched\n"
	       "Placements: compact cores smt scatter none\n"
	       "Names: <workload>/<primitive>/threads:T/cs:K[/npages:N|/n:N/mode:M]"
	       "[/guard:G][/delay:NS][/sleep:US][/stall:US]\n");
	return 0;
}

/* ---- what a revoke costs the machine (workloads/metrics.h) ------------------ */

static u64 user_thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

/*
 * The sum over CPUs of the counts on the /proc/interrupts line that starts
 * with tag (e.g. "CAL:"); false when there is no such line.
 */
static bool irq_line_sum(const char *text, const char *tag, u64 *sum)
{
	size_t tl = strlen(tag);
	const char *p = text;
	char *end;

	for (; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		p += strspn(p, " ");
		if (strncmp(p, tag, tl))
			continue;
		*sum = 0;
		for (p += tl;;) {
			unsigned long long v = strtoull(p, &end, 10);

			/* the counts end where the description begins */
			if (end == p || (*end != ' ' && *end != '\n'))
				return true;
			*sum += v;
			p = end;
		}
	}
	return false;
}

/*
 * /proc/interrupts read whole with read(2) (the kernel writes it in one
 * pass: no line torn between two reads of ours); one revoker reads it at
 * a time, so one buffer will do.
 */
static char irq_text[1 << 18];

static bool user_ipis(u64 *call, u64 *tlb)
{
	size_t len = 0;
	ssize_t n;
	int fd = open("/proc/interrupts", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	while (len < sizeof(irq_text) - 1 &&
	       (n = read(fd, irq_text + len, sizeof(irq_text) - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	irq_text[len] = 0;
	if (len == sizeof(irq_text) - 1 || !irq_line_sum(irq_text, "CAL:", call))
		return false;
	/* a kernel without TLB shootdown IPIs (not x86) has no TLB line */
	if (!irq_line_sum(irq_text, "TLB:", tlb))
		*tlb = 0;
	return true;
}

static struct rb_cost_src user_cost = {
	.thread_cpu_ns = user_thread_cpu_ns,
	.ipis = user_ipis,
};

/* Is /proc/interrupts readable, with a CAL line?  Once, before any cell. */
static const char *ipi_source(void)
{
	u64 a, b;

	if (user_ipis(&a, &b))
		return "/proc/interrupts CAL (function-call IPIs; remote TLB "
		       "shootdowns arrive as such) and TLB, summed over CPUs, "
		       "read by the revoker around every timed revoke";
	user_cost.ipis = NULL;
	return "unavailable: /proc/interrupts unreadable or without a CAL "
	       "line (no revoke_ipis counters)";
}

/* ---- one cell ------------------------------------------------------------- */

/*
 * The regime probe, just before every repetition's timed run, on the
 * cell's own threads: the empty loop of calib_loop_ns, PROBE_N iterations
 * (a few us), best of PROBE_TRIES per thread; the repetition's probe_ns
 * is the slowest thread's.  The host runs these vCPUs at two speeds
 * (about 2x apart); a repetition whose probe sits far above its run's
 * fast level ran in the slow one, and the readers set it aside
 * (analysis/compare.c).
 */
#define PROBE_N		8192
#define PROBE_TRIES	3

static double probe[RB_MAX_THREADS];

static void probe_body(struct rb_wl_run *arg, int idx)
{
	int t;

	(void)arg;
	for (probe[idx] = INFINITY, t = 0; t < PROBE_TRIES; t++)
		probe[idx] = fmin(probe[idx], rb_loop_ns(PROBE_N));
}

static double probe_run(int threads)
{
	double worst = 0;
	int i;

	if (rb_pool_run(&pool, threads, probe_body, NULL, NULL, g_timeout))
		return NAN;
	for (i = 0; i < threads; i++)
		worst = fmax(worst, probe[i]);
	return worst;
}

static void add_sample(int cell, int rep, int reclaim, u64 ns)
{
	if (nsamples == capsamples) {
		size_t nc = capsamples ? capsamples * 2 : 4096;
		struct rb_out_sample *ns2 = realloc(samples, nc * sizeof(*ns2));

		if (!ns2) {
			fprintf(stderr, "revbench: out of memory for samples\n");
			if (rb_fatal_cleanup)
				rb_fatal_cleanup();
			exit(1);
		}
		samples = ns2;
		capsamples = nc;
	}
	samples[nsamples++] = (struct rb_out_sample){ cell, rep, reclaim, ns };
}

/*
 * The metrics of a repetition (workloads/metrics.c, shared with the
 * kernel module): per-repetition ones become Google Benchmark counters,
 * per-cell ones go to the results file's cell table.  NULL or why not.
 */
static const char *cell_counters(rb_gb_state *st, struct cell *c,
				 struct rb_wl_run *run)
{
	struct rb_metrics m;
	const char *why;
	u64 *scratch = NULL;
	int i;

	if (run->nsamples) {
		scratch = malloc(run->nsamples * sizeof(*scratch));
		if (!scratch)
			return "out of memory";
	}
	why = rb_metrics_run(&m, run, scratch);
	free(scratch);
	if (why)
		return why;
	for (i = 0; i < m.nrep; i++)
		rb_gb_counter(st, m.rep[i].name, (double)m.rep[i].milli / 1000);
	c->out.ncell = m.ncell;
	memcpy(c->out.cell, m.cell, sizeof(m.cell));
	c->out.loop = m.loop;
	return NULL;
}

static void cell_fail(rb_gb_state *st, struct cell *c, int *counter,
		      const char *fmt, const char *arg)
{
	snprintf(c->err, sizeof(c->err), fmt, arg);
	rb_progress_printf(stderr, "!!! %s: %s\n", c->name, c->err);
	rb_gb_skip_with_error(st, c->err);
	(*counter)++;
}

/*
 * One call = one Google Benchmark repetition, except in the first
 * repetition of a loop cell, where Google Benchmark calls with growing
 * iteration counts until the time reaches --min-time.  Whether a call
 * was the repetition's last one is decided the way Google Benchmark 1.7.1
 * decides it (BenchmarkRunner::DoOneRepetition), for the repetition
 * count, the warm-up and the progress bar.
 */
static void cell_fn(rb_gb_state *st, void *arg)
{
	struct cell *c = arg;
	struct rb_wl_params p = c->p;
	struct rb_wl_run run;
	struct rb_cost cost;
	int64_t iters = rb_gb_max_iterations(st);
	int rep = c->reps_done, rc = 0;
	const char *why;
	double secs = 0, pr;
	bool last = true;
	u64 k;

	if (rb_interrupted)
		interrupted_exit();
	c->out.ran = 1;
	if (c->failed || c->timed_out) {
		/* A starved revoke or a broken contract does not heal: the
		 * remaining repetitions report the same error at once. */
		rb_gb_skip_with_error(st, c->err);
		goto done;
	}
	p.iters = (u64)iters;
	if (rb_wl_run_init(&run, c->wl, &p)) {
		cell_fail(st, c, &c->failed, "set-up failed: %s",
			  run.fail ? run.fail : "?");
		rb_wl_run_fini(&run);
		goto done;
	}
	if (c->wl->kind == RB_WLK_CYCLE) {
		rb_cost_init(&cost, &user_cost);
		run.cost = &cost;
	}
	pr = probe_run(p.threads);
	while (rb_gb_keep_running_batch(st, iters)) {
		rc = rb_pool_run(&pool, p.threads, rb_wl_thread, rb_wl_abort,
				 &run, g_timeout);
		if (c->wl->kind == RB_WLK_LOOP) {
			struct rb_wl_totals tot;

			rb_wl_totals(&run, &tot);
			secs = (double)tot.time_ns / p.threads * 1e-9;
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
		char t[32];

		snprintf(t, sizeof(t), "%g", g_timeout);
		cell_fail(st, c, &c->timed_out, "aborted by the watchdog: a "
			  "repetition did not finish in %s s (e.g. a starved "
			  "revoke)", t);
	} else if (run.fail) {
		cell_fail(st, c, &c->failed, "%s", run.fail);
	} else {
		/* a repetition's result, unless Google Benchmark will
		 * call again with more iterations */
		last = rep > 0 || c->fixed_iters || secs >= g_min_time ||
		       iters >= 1000000000;
		/* repetition 0 is the warm-up: no samples.  The reclaim
		 * series first: cell_counters() sorts it in place. */
		for (k = 0; last && rep > 0 && k < run.nsamples; k++) {
			add_sample((int)(c - cells), rep - 1, 0,
				   run.samples[k]);
			if (run.reclaim)
				add_sample((int)(c - cells), rep - 1, 1,
					   run.reclaim[k]);
		}
		if ((why = cell_counters(st, c, &run)))
			cell_fail(st, c, &c->failed, "%s", why);
		else if (isfinite(pr))
			rb_gb_counter(st, "probe_ns", pr);
	}
	rb_wl_run_fini(&run);
done:
	if (last) {
		c->reps_done++;
		rb_progress_set(++reps_done, NULL);
	}
}

/*
 * Google Benchmark reports a cell once its last repetition has run: the
 * terminal's status line shows it, median and spread of the kept ones.
 */
static void on_report(void *ctx, const char *name, int n,
		      const struct rb_gb_rep *reps)
{
	double *v = xcalloc((size_t)n + 1, sizeof(*v)), med;
	char st[200], t[32];
	const char *err = NULL;
	int i, m = 0;

	(void)ctx;
	for (i = 0; i < n; i++) {
		if (reps[i].repetition_index == 0)
			continue;	/* the warm-up */
		if (reps[i].error)
			err = err ? err : reps[i].error_message;
		else
			v[m++] = reps[i].real_ns;
	}
	med = rs_median(v, m);
	ut_fmt_time(t, sizeof(t), med);
	if (err || !m)
		snprintf(st, sizeof(st), "%s FAILED", name);
	else if (m > 1 && med > 0)
		snprintf(st, sizeof(st), "%s %s ±%.1f%%", name, t,
			 100 * rs_sd(v, m) / rs_mean(v, m));
	else
		snprintf(st, sizeof(st), "%s %s", name, t);
	rb_progress_set(reps_done, st);
	free(v);
}

/* ---- building the matrix ---------------------------------------------------- */

struct skipped {
	char *text;		/* "name: why; ..." for the context */
	size_t len, cap;
	struct {
		const char *why;	/* static, from rb_wl_check() */
		const char *first;
		int n;
	} reason[16];
	int nreason;
	bool verbose;		/* one SKIP line per cell */
};

static void skip_note(struct skipped *sk, const char *name, const char *why)
{
	size_t need = strlen(name) + strlen(why) + 8;
	int r;

	if (sk->verbose)
		fprintf(stderr, "SKIP %s: %s\n", name, why);
	for (r = 0; r < sk->nreason; r++)
		if (!strcmp(sk->reason[r].why, why))
			break;
	if (r < (int)ARRAY_SIZE(sk->reason)) {
		if (r == sk->nreason) {
			sk->reason[r].why = why;
			sk->reason[r].first = strdup(name);
			sk->nreason++;
		}
		sk->reason[r].n++;
	}
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
 * "test_slow" in the context.  env stays NULL when unset or malformed.
 */
static struct {
	const char *env;
	char prim[64];
	u64 ns;
} slow;

static void test_slow(void)
{
	const char *v = getenv("REVBENCH_TEST_SLOW"), *colon;
	unsigned long long x;

	if (!v || !(colon = strrchr(v, ':')) ||
	    (size_t)(colon - v) >= sizeof(slow.prim) ||
	    ut_uint(colon + 1, 0, ULLONG_MAX, &x))
		return;
	slow.ns = x;
	snprintf(slow.prim, sizeof(slow.prim), "%.*s", (int)(colon - v), v);
	slow.env = v;
}

/* One SKIP line per reason (every cell is named in the context). */
static void skip_summary(struct skipped *sk)
{
	int r;

	for (r = 0; r < sk->nreason; r++) {
		if (!sk->verbose)
			fprintf(stderr, "SKIP %d cell%s, e.g. %s: %s\n",
				sk->reason[r].n, sk->reason[r].n == 1 ? "" : "s",
				sk->reason[r].first ? sk->reason[r].first : "?",
				sk->reason[r].why);
		free((char *)sk->reason[r].first);
	}
	if (sk->nreason && !sk->verbose)
		fprintf(stderr, "     (every skipped cell is listed in the "
			"results' context, skipped_cells; --verbose lists them "
			"here)\n");
}

static int add_cell(const struct rb_workload *wl, struct rb_wl_params *p,
		    u64 fixed, struct skipped *sk, int *cap)
{
	struct cell *c;
	const char *why;
	char name[RB_NAME_MAX];

	if (rb_cell_name(name, sizeof(name), wl, p, NULL) < 0) {
		fprintf(stderr, "revbench run: cell name too long: %s...\n",
			name);
		return -1;
	}
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
	if ((wl->knobs & RB_WL_KNOB_DELAY) && slow.env &&
	    !strcmp(slow.prim, p->ops->name))
		c->p.delay_ns += slow.ns;
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

	test_slow();
	for (w = 0; w < o->nwls; w++) {
		const struct rb_workload *wl = o->wls[w];
		const unsigned int *csl = one, *npl = one, *nl = one;
		const unsigned int *stl = zero, *gl = one;
		const int *ml = modes_def;
		int ncs = 1, nnp = 1, nn = 1, nm = 1, nst = 1, ng = 1, gi;
		u64 fixed = 0;

		if (wl->knobs & RB_WL_KNOB_CS) {
			if (o->n_cs) {
				csl = o->cs;
				ncs = o->n_cs;
			} else if (wl->id == RB_WL_TRANSLATE && !o->quick) {
				csl = cs_sweep;
				ncs = 3;
			} else if (wl->id == RB_WL_UNBIND) {
				/* revoke latency against section length */
				csl = o->quick ? cs_unbind_quick : cs_sweep;
				ncs = o->quick ? 2 : 3;
			}
		}
		/* the guard knob: 1 (no sweep) unless asked for */
		if ((wl->knobs & RB_WL_KNOB_GUARD) && o->n_guard) {
			gl = o->guard;
			ng = o->n_guard;
		}
		if (wl->knobs & RB_WL_KNOB_STALL) {
			if (o->n_stall_us) {
				stl = o->stall_us;
				nst = o->n_stall_us;
			} else if (wl->id == RB_WL_UNBIND) {
				stl = stall_quick;
				nst = 2;
			}
		}
		if (wl->knobs & RB_WL_KNOB_NPAGES) {
			npl = o->n_npages ? o->npages : npages_def;
			nnp = o->n_npages ? o->n_npages : 2;
		}
		if (wl->knobs & RB_WL_KNOB_N) {
			nl = o->n_nmany ? o->nmany : o->quick ? n_quick : n_def;
			nn = o->n_nmany ? o->n_nmany : o->quick ? 3 : 4;
		}
		if (wl->knobs & RB_WL_KNOB_MODE) {
			ml = o->nmodes ? o->modes : modes_def;
			nm = o->nmodes ? o->nmodes : 2;
		}
		if (wl->kind == RB_WLK_CYCLE)
			fixed = o->samples ? o->samples : o->quick ? 100 : 1000;

		for (pr = 0; pr < o->nprims; pr++)
		for (t = 0; t < o->n_threads; t++)
		for (i = 0; i < ncs; i++)
		for (gi = 0; gi < ng; gi++)
		for (st = 0; st < nst; st++)
		for (j = 0; j < nnp * nn * nm; j++) {
			struct rb_wl_params p = {
				.ops = o->prims[pr],
				.threads = o->threads[t],
				.cs = csl[i],
				.guard = gl[gi],
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
			if (!o->n_stall_us && p.stall_us && p.threads < 2)
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

/* The first line of a sysfs file, or "unavailable". */
static void sys_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	if (!f || !fgets(buf, (int)len, f))
		buf[0] = 0;
	if (f)
		fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	if (!buf[0])
		snprintf(buf, len, "unavailable");
}

/* The running kernel's preemption model: debugfs if readable, uname -v. */
static void preemption(char *buf, size_t len)
{
	struct utsname u;
	char dyn[128];

	sys_line("/sys/kernel/debug/sched/preempt", dyn, sizeof(dyn));
	if (uname(&u))
		snprintf(buf, len, "unknown");
	else if (strstr(u.version, "PREEMPT_RT"))
		snprintf(buf, len, "rt (PREEMPT_RT)");
	else if (strstr(u.version, "PREEMPT_DYNAMIC"))
		snprintf(buf, len, "dynamic (PREEMPT_DYNAMIC): %s", strcmp(dyn,
			 "unavailable") ? dyn : "model in use unavailable");
	else if (strstr(u.version, "PREEMPT"))
		snprintf(buf, len, "full (PREEMPT)");
	else
		snprintf(buf, len, "none or voluntary (uname -v names no PREEMPT)");
}

static void add_context(int argc, char **argv, struct rb_opts *o,
			struct rb_topo *tp, struct skipped *sk, int reps,
			double min_time, u64 samples_per_rep)
{
	char line[512];
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
	preemption(line, sizeof(line));
	rb_gb_add_context("preemption", line);
	rb_gb_add_context("compiler", REVBENCH_CC);
	rb_gb_add_context("cflags", REVBENCH_CFLAGS);
	rb_gb_add_context("urcu_flavor", rev_urcu_flavor());
	rb_gb_add_context("urcu_info", rev_urcu_info());
	rb_gb_add_context("rwlock_kind", rev_rwlock_kinds());
	rb_gb_add_context("membarrier", rb_membarrier_state());
	snprintf(line, sizeof(line), "CLOCK_THREAD_CPUTIME_ID of the revoker "
		 "around every timed revoke, less %llu ns per revoke (the "
		 "median of pairs read as around a revoke, with none between)",
		 (unsigned long long)rb_cost_calibrate(&user_cost));
	rb_gb_add_context("revoke_cpu_clock", line);
	rb_gb_add_context("ipi_source", ipi_source());
	rb_gb_add_context("gp_cpu", "none: liburcu's synchronize_rcu() runs "
			  "its grace period in the calling thread (in "
			  "revoke_cpu_ns); call_rcu's worker thread (rcu-deferred) "
			  "is not metered");
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
	ctx_num("calib_clock_ns", calib.clock_ns, "%.2f");
	for (i = 0; i < rb_sysfs_nfacts; i++) {
		sys_line(rb_sysfs_facts[i].path, line, sizeof(line));
		rb_gb_add_context(rb_sysfs_facts[i].key, line);
	}
	rb_gb_add_context("timer", "clock_gettime(CLOCK_MONOTONIC) (rb_now_ns)");
	snprintf(buf, sizeof(buf), "%d,%d", calib.cpu_a, calib.cpu_b);
	rb_gb_add_context("calib_cpus", buf);
	ctx_num("baseline_bare_translate_ns", calib.bare_ns, "%.3f");
	rb_gb_add_context("quick", o->quick ? "yes" : "no");
	if (slow.env)
		rb_gb_add_context("test_slow", slow.env);
	ctx_num("repetitions", reps, "%.0f");
	rb_gb_add_context("warmup", "one repetition per cell, run first and "
			  "discarded: it is in neither benchmarks[] nor the "
			  "samples (repetition_index counts from the first "
			  "kept one)");
	rb_gb_add_context("interleaving", o->no_interleave ?
			  "off: a cell's repetitions run back to back" :
			  "random: repetitions of all cells are shuffled "
			  "(--benchmark_enable_random_interleaving)");
	ctx_num("min_time_s", min_time, "%g");
	if (samples_per_rep)
		ctx_num("revoke_samples_per_repetition", (double)samples_per_rep,
			"%.0f");
	ctx_num("watchdog_s", g_timeout, "%g");
	rb_gb_add_context("revbench_format", "2");
	rb_gb_add_context("undefined_statistics", "omitted: a value that is "
			  "not defined (e.g. the cv of a counter whose mean "
			  "is 0) has no key; never NaN or Infinity");
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

/* The floor (REV_CAP_FLOOR) goes first in every run unless told not to. */
static void add_floor(struct rb_opts *o)
{
	int i, j;

	for (i = rev_ops_count - 1; i >= 0; i--) {
		const struct revocable_ops *b = rev_ops_all[i];

		if (!(b->caps & REV_CAP_FLOOR) || (b->caps & REV_CAP_BROKEN))
			continue;
		for (j = 0; j < o->nprims; j++)
			if (o->prims[j] == b)
				break;
		if (j < o->nprims || o->nprims == RB_MAX_LIST)
			continue;
		memmove(&o->prims[1], &o->prims[0],
			(size_t)o->nprims * sizeof(o->prims[0]));
		o->prims[0] = b;
		o->nprims++;
		fprintf(stderr, "note: %s added: the no-protection floor every "
			"ratio is taken against (--no-baselines to drop it)\n",
			b->name);
	}
}

int rb_cmd_run(int argc, char **argv)
{
	struct rb_opts o;
	struct rb_topo tp;
	struct skipped sk = { 0 };
	hwloc_obj_t *order;
	char **gargv = NULL, flag_out[4200], flag_rep[64], flag_mt[64];
	char *gb_json = NULL;
	int i, rc, norder, maxt = 0, reps, gargc, ret = 0;
	u64 samples_per_rep = 0;
	struct stat sb;

	rc = rb_parse_run(argc, argv, &o);
	if (rc)
		return rc > 0 ? 0 : UT_EXIT_USAGE;

	/* Defaults (the primitives and workloads: rb_parse_run()). */
	if (!o.no_baselines)
		add_floor(&o);

	if (rb_topo_init(&tp))
		return 1;
	order = calloc((size_t)tp.npu + 1, sizeof(*order));
	if (!order)
		return 1;
	norder = rb_topo_order(&tp, o.placement, order, tp.npu);
	free(order);
	if (!o.n_threads) {
		int lim = o.quick ? 2 : RB_MAX_THREADS;

		/* 1 always: lim >= 2 */
		for (i = 1; i <= lim && i <= (norder ? norder : 1); i *= 2)
			o.threads[o.n_threads++] = i;
	}
	for (i = 0; i < o.n_threads; i++) {
		/* 0 = one per CPU, as the module's threads=0 */
		if (!o.threads[i])
			o.threads[i] = norder ? (unsigned int)norder : 1;
		if ((int)o.threads[i] > maxt)
			maxt = (int)o.threads[i];
	}
	if (maxt > norder && !o.oversubscribe) {
		fprintf(stderr, "revbench run: --threads %d: placement %s gives "
			"only %d CPU%s here (%s); use fewer threads, another "
			"placement, or --oversubscribe\n", maxt,
			rb_placement_names[o.placement], norder,
			norder == 1 ? "" : "s", tp.summary);
		rb_topo_fini(&tp);
		return UT_EXIT_USAGE;
	}
	reps = o.n_reps ? (int)o.reps : o.quick ? 9 : 10;
	g_min_time = o.min_time > 0 ? o.min_time : o.quick ? 0.01 : 0.1;
	g_timeout = o.timeout > 0 ? o.timeout : o.quick ? 20 : 60;
	/*
	 * Revoke samples per repetition: --quick takes enough for a pooled
	 * p99 over at least 1000 samples per cell (the least the report
	 * prints a p99 for); the full run 1000 per repetition.
	 */
	if (!o.n_samples)
		o.samples = o.quick ? (1000 + (unsigned int)reps - 1) /
				      (unsigned int)reps : 1000;
	sk.verbose = o.verbose;

	if (build_cells(&o, &sk)) {
		fprintf(stderr, "revbench run: out of memory\n");
		ret = 1;
		goto out_temps;
	}
	skip_summary(&sk);
	if (!ncells) {
		fprintf(stderr, "revbench run: every cell was skipped (see the "
			"SKIP lines): nothing to run\n");
		ret = UT_EXIT_USAGE;
		goto out_temps;
	}
	for (i = 0; i < ncells; i++) {
		cells[i].out.name = cells[i].name;
		if (cells[i].wl->kind == RB_WLK_CYCLE)
			samples_per_rep = cells[i].fixed_iters;
	}
	if (!o.list_only) {
		ret = rb_out_begin(&g_out, o.out);
		if (ret)
			goto out_temps;
	} else {
		/* Google Benchmark lists the names and runs nothing */
		g_out.tmp = strdup("/tmp/revbench-list-XXXXXX");
		if (!g_out.tmp || !mkdtemp(g_out.tmp)) {
			ret = 1;
			goto out_temps;
		}
	}
	rb_fatal_cleanup = cleanup_temps;

	rb_catch_signals();
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
	printf("calibration: round trip CPU%d<->CPU%d %.1f ns (%s), loop "
	       "%.3f ns, clock read %.1f ns; translate cs:1 bare %.2f ns\n",
	       calib.cpu_a, calib.cpu_b, calib.pingpong_ns, calib.regime,
	       calib.loop_ns, calib.clock_ns, calib.bare_ns);
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
	gb_json = xasprintf("%s/gbench.json", g_out.tmp);
	gargc = 0;
	gargv[gargc++] = argv[0];
	snprintf(flag_out, sizeof(flag_out), "--benchmark_out=%s", gb_json);
	gargv[gargc++] = flag_out;
	gargv[gargc++] = "--benchmark_out_format=json";
	/* one more: the first repetition of every cell is the warm-up */
	snprintf(flag_rep, sizeof(flag_rep), "--benchmark_repetitions=%d",
		 reps + 1);
	gargv[gargc++] = flag_rep;
	snprintf(flag_mt, sizeof(flag_mt), "--benchmark_min_time=%g",
		 g_min_time);
	gargv[gargc++] = flag_mt;
	gargv[gargc++] = o.no_interleave ?
		"--benchmark_enable_random_interleaving=false" :
		"--benchmark_enable_random_interleaving=true";
	for (i = 0; i < o.gb_argc; i++)
		gargv[gargc++] = o.gb_argv[i];
	gargv[gargc] = NULL;
	if (rb_gb_initialize(&gargc, gargv)) {
		fprintf(stderr, "revbench run: unknown --benchmark_ flag (see "
			"above)\n");
		ret = UT_EXIT_USAGE;
		goto out_pool;
	}
	for (i = 0; i < ncells; i++)
		if (rb_gb_register(cells[i].name, cell_fn, &cells[i],
				   (int64_t)cells[i].fixed_iters)) {
			ret = 1;
			goto out_pool;
		}
	add_context(rb_main_argc, rb_main_argv, &o, &tp, &sk, reps, g_min_time,
		    samples_per_rep);

	if (!o.list_only)
		printf("revbench run: %d cells x %d repetitions (+1 warm-up "
		       "each), %s\n", ncells, reps, o.no_interleave ?
		       "cell by cell" : "interleaved at random");
	fflush(stdout);
	rb_progress_begin("repetitions", ncells * (reps + 1),
			  !o.verbose && !o.list_only);
	rb_gb_run(o.verbose || o.list_only ? NULL : on_report, NULL);
	{
		char e[32];

		ut_fmt_duration(e, sizeof(e), rb_progress_end());
		if (!o.verbose && !o.list_only)
			printf("ran %d cells, %d repetitions in %s\n", ncells,
			       reps_done, e);
	}
	rb_gb_shutdown();

	for (i = 0; i < ncells; i++) {
		n_failed += cells[i].failed ? 1 : 0;
		n_timed_out += cells[i].timed_out ? 1 : 0;
	}
	if (rb_interrupted) {
		fprintf(stderr, "revbench run: interrupted: nothing written\n");
		ret = UT_EXIT_INTR;
		goto out_pool;
	}
	if (o.list_only)
		goto out_pool;
	if (stat(gb_json, &sb) || sb.st_size == 0) {
		fprintf(stderr, "revbench run: Google Benchmark wrote no JSON "
			"(filter matched nothing?): no results\n");
		ret = 1;
		goto out_pool;
	}
	{
		struct rb_out_cell *outs = calloc((size_t)ncells, sizeof(*outs));

		if (!outs) {
			ret = 1;
			goto out_pool;
		}
		for (i = 0; i < ncells; i++)
			outs[i] = cells[i].out;
		if (rb_out_results(gb_json, g_out.json, outs, ncells) ||
		    rb_out_samples(g_out.samples, outs, ncells, samples,
				   nsamples)) {
			free(outs);
			ret = 1;
			goto out_pool;
		}
		free(outs);
	}
	unlink(gb_json);
	if (rb_interrupted) {
		fprintf(stderr, "revbench run: interrupted: nothing written\n");
		ret = UT_EXIT_INTR;
		goto out_pool;
	}
	if (rb_out_commit(&g_out)) {
		ret = 1;
		goto out_pool;
	}
	rp_short(g_out.folder ? g_out.dest : o.out);
	printf("\n");
	rb_out_list(&g_out);
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
	free(gargv);
	free(gb_json);
	rb_pool_stop(&pool);
	for (i = 0; i < o.nprims; i++)
		if (o.prims[i]->global_exit)
			o.prims[i]->global_exit();
	rb_thread_exit();
out_temps:
	cleanup_temps();
	rb_out_free(&g_out);
	rb_topo_fini(&tp);
	free(sk.text);
	free(o.gb_argv);
	return ret;
}
