// SPDX-License-Identifier: GPL-2.0
/*
 * report.c - "revbench report FILE [--vs BASE...] [--short] [--ascii-plot]
 * [--out PATH]": plain text for mailing lists, at most 80 columns.
 *
 *   - a header with the context that decides whether numbers compare;
 *   - one table per workload (in the workload table's order), a block
 *     per parameter set, primitives as rows: median ± sample stddev over
 *     the repetitions, the ratio to the floor with the same parameters
 *     (and, for reader costs, the ns over it), and one column the
 *     workload's roles choose (load.h: Macc/s for readers, the pooled p99
 *     for a revoke, pending for unbind-many, bytes/rev for create cost);
 *   - revoke tables: every sample of a cell pooled, with a bootstrap CI;
 *     teardown and memory; refscale-style "Runs" tables of reader costs;
 *   - --short: the short tables "revbench run" ends with, one column per
 *     parameter set (summary of old), workloads side by side while their
 *     columns fit in 80;
 *   - --vs BASE [--vs B2...]: the mmtests layout, one column per side,
 *     the first the baseline, "*x%*" where the verdict of compare on that
 *     pair of sides (rv_compare(): REGRESSED or improved) says so;
 *   - --ascii-plot: two figures drawn by gnuplot's dumb terminal.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "analysis.h"

#define RUN_COLS	5	/* primitives per refscale-style table */
#define TIMER_FACTOR	10	/* revoke medians under 10x the timer cost */

static FILE *out;

/* print without trailing blanks */
static void put_line(char *line)
{
	size_t l = strlen(line);

	while (l && line[l - 1] == ' ')
		line[--l] = '\0';
	fprintf(out, "%s\n", line);
}

static void params_words(char *buf, size_t len, const char *params)
{
	size_t i;

	snprintf(buf, len, "%s", *params ? params : "(no parameters)");
	for (i = 0; buf[i]; i++)
		if (buf[i] == '/')
			buf[i] = ' ';
}

/* A new block: the first cell, or other parameters or workload. */
static int new_block(const struct rr_cell **s, int k)
{
	return !k || strcmp(s[k]->params, s[k - 1]->params) ||
	       s[k]->wl != s[k - 1]->wl;
}

static void block_line(const struct rr_cell **s, int k)
{
	char pw[128];

	if (new_block(s, k)) {
		params_words(pw, sizeof(pw), s[k]->params);
		fprintf(out, "%s\n", pw);
	}
}

/* "a: va" and "b: vb" on one line, cut to 80 columns. */
static void kv_line(const char *a, const char *va, const char *b,
		    const char *vb)
{
	char line[256];
	int l = snprintf(line, sizeof(line), "%s: %s", a, va ? va : "-");

	if (b)
		snprintf(line + l, sizeof(line) - l, "%*s%s: %s",
			 l < 38 ? 38 - l : 2, "", b, vb ? vb : "-");
	if (strlen(line) > 80)
		strcpy(line + 76, "...");
	fprintf(out, "%s\n", line);
}

static void header(const struct rr_file *f, const char *role)
{
	const char *pp = rr_ctx(f, "calib_pingpong_ns");
	const char *lp = rr_ctx(f, "calib_loop_ns");
	const char *rg = rr_ctx(f, "calib_regime");
	char cal[160];

	fprintf(out, "%s%s\n", role, f->path);
	kv_line("env", rr_env(f), "git", rr_ctx(f, "git_commit"));
	kv_line("cpu", rr_ctx(f, "cpu_model"), NULL, NULL);
	kv_line("topology", rr_ctx(f, "topology"), "placement",
		rr_ctx(f, "placement"));
	kv_line("kernel", rr_kernel(f), "compiler", rr_ctx(f, "compiler"));
	kv_line("urcu", rr_ctx(f, "urcu_flavor"), "membarrier",
		rr_ctx(f, "membarrier"));
	if (pp || lp || rg) {
		snprintf(cal, sizeof(cal), "pingpong %s ns, loop %s ns, %s regime",
			 pp ? pp : "-", lp ? lp : "-", rg ? rg : "unknown");
		kv_line("calibration", cal, NULL, NULL);
	}
	if (rr_ctx(f, "preemption") || rr_ctx(f, "timer"))
		kv_line("preemption", rr_ctx(f, "preemption"), "timer",
			rr_ctx(f, "timer"));
	if (rr_ctx(f, "synthetic"))
		fprintf(out, "!!! SYNTHETIC test data: made-up numbers, not measured\n");
	if (rr_is_tcg(f))
		fprintf(out, "!!! qemu TCG (software emulation): timings are NOT representative\n");
}

/* The unit line of a workload's table. */
static void unit_line(const struct rr_wl *w, const char *tail)
{
	unsigned int r = w->roles;

	fprintf(out, "\n%s: %sns per %s%s%s%s\n", w->name,
		r & RR_CYCLE ? "mean " : "", w->unit,
		r & RR_READER ? " per reader" : r & RR_MANY ?
		" of n revocables" : r & RR_CYCLE ?
		" (threads:T = 1 revoker + T-1 readers)" : "",
		(r & RR_READER) && (r & RR_SWEEP_CS) ?
		" (cs:K = K lookups per access)" : "", tail);
}

/* ---- the workload tables ----------------------------------------------------- */

static const char *extra_name(const struct rr_wl *w)
{
	if (w->roles & RR_READER)
		return "Macc/s";
	if (w->roles & RR_CYCLE)
		return w->roles & RR_MANY ? "pending" : "p99 pooled";
	return w->roles & RR_CREATE ? "bytes/rev" : NULL;
}

static void extra_value(const struct rr_file *f, const struct rr_cell *c,
			char *buf, size_t len)
{
	unsigned int r = c->wl->roles;
	struct rr_pctl p;
	double v;

	buf[0] = '\0';
	if (r & RR_READER) {
		if (rr_cell_median(c, "accesses_per_sec", &v))
			snprintf(buf, len, "%.1f", v / 1e6);
	} else if ((r & RR_CYCLE) && !(r & RR_MANY)) {
		if (rr_pctl(f, c->key, 0, &p))
			rr_pctl_fmt(buf, len, &p, RR_P99);
	} else if (r & (RR_CYCLE | RR_CREATE)) {
		if (rr_cell_median(c, r & RR_CYCLE ? "pending" : "bytes_per_rev",
				   &v))
			snprintf(buf, len, "%.0f", v);
	}
}

static const struct rr_cell *floor_of(const struct rr_cell **s, int n,
				      const struct rr_cell *c, const char *fl)
{
	int i;

	for (i = 0; fl && i < n; i++)
		if (!strcmp(s[i]->params, c->params) &&
		    !strcmp(s[i]->primitive, fl) && s[i]->n)
			return s[i];
	return NULL;
}

/* The end of the workload's cells from i. */
static int wl_end(const struct rr_cell **s, int n, int i)
{
	int j;

	for (j = i; j < n && s[j]->wl == s[i]->wl; j++)
		;
	return j;
}

static void table_row(const struct rr_file *f, const struct rr_cell **s,
		      int n, int k, const char *fl, double clk, int *ntimer)
{
	const struct rr_cell *c = s[k], *nc = floor_of(s, n, c, fl);
	int rc = c->wl->roles & RR_READER;
	char med[24], sd[24], ratio[24], ex[32], over[24], line[256];
	double m, mf = NAN, r;
	const char *mark = "";

	block_line(s, k);
	if (!c->n) {
		fprintf(out, "  %-14s failed: %s\n", c->primitive,
			c->err_msg && *c->err_msg ? c->err_msg :
			"no successful repetition");
		return;
	}
	m = rs_median(c->v, c->n);
	ut_fmt_ns(med, sizeof(med), m);
	ut_fmt_ns(sd, sizeof(sd), rs_sd(c->v, c->n));
	if (nc)
		mf = rs_median(nc->v, nc->n);
	r = m / mf;
	snprintf(ratio, sizeof(ratio), !(mf > 0) ? "-" : r < 100 ? "%.2f" :
		 r < 10000 ? "%.1f" : "%.3g", r);
	ut_fmt_ns(over, sizeof(over) - 1, m - mf);
	if (isfinite(mf) && m - mf >= 0 && over[0] != '-') {
		memmove(over + 1, over, strlen(over) + 1);
		over[0] = '+';
	}
	extra_value(f, c, ex, sizeof(ex));
	if ((c->wl->roles & RR_CYCLE) && isfinite(clk) &&
	    m < TIMER_FACTOR * clk) {
		mark = "  !timer";
		(*ntimer)++;
	}
	if (rc)
		snprintf(line, sizeof(line), "  %-14.14s %10s ± %9s %7s %9s  %s%s",
			 c->primitive, med, sd, ratio, fl ? over : "", ex,
			 c->nerr ? "  (some runs failed)" : "");
	else
		snprintf(line, sizeof(line), "  %-14.14s %10s ± %9s %9s  %s%s%s",
			 c->primitive, med, sd, ratio, ex, mark,
			 c->nerr ? "  (some runs failed)" : "");
	put_line(line);
}

static void tables(const struct rr_file *f, const struct rr_cell **s, int n)
{
	const char *fl = rr_floor();
	double clk = rr_ctx_num(f, "calib_clock_ns");
	int i, j, k, ntimer = 0;

	for (i = 0; i < n; i = j) {
		const struct rr_wl *w = s[i]->wl;
		const char *xn = extra_name(w);
		int has_extra = 0, rc = w->roles & RR_READER, nruns = 0, g = 0;
		char line[256], tmp[32];

		j = wl_end(s, n, i);
		for (k = i; k < j; k++) {
			extra_value(f, s[k], tmp, sizeof(tmp));
			has_extra |= tmp[0] != 0;
			nruns = s[k]->n > nruns ? s[k]->n : nruns;
			g |= s[k]->p.guard > 1;
		}
		unit_line(w, "");
		fprintf(out, "median ± stddev of %d runs; %s%s%s\n",
			nruns, fl ? "ratio = median / median of " :
			"no ratio: no floor primitive known", fl ? fl : "",
			fl && rc ? ", and the" : "");
		if (fl && rc)
			fprintf(out, "difference in ns (ns over %s, the no-protection floor)\n",
				fl);
		if (rc && g)
			fprintf(out, "(guard:G cells: ns per operation of G accesses, one per revocable)\n");
		snprintf(line, sizeof(line), rc ? "  %-14s %10s   %9s %7s %9s  %s" :
			 "  %-14s %10s   %9s %9s  %s%s", "primitive", "median",
			 "stddev", "ratio", rc ? (fl ? "ns over" : "") :
			 has_extra ? xn : "", rc && has_extra ? xn : "");
		put_line(line);
		for (k = i; k < j; k++)
			table_row(f, s + i, j - i, k - i, fl, clk, &ntimer);
	}
	if (ntimer)
		fprintf(out, "\n!timer: %d revoke cells have a median under %dx the timer cost\n"
			"(calib_clock_ns = %.1f ns per back-to-back clock read pair): the\n"
			"timer, not the revoke, is most of what they measure.\n",
			ntimer, TIMER_FACTOR, clk);
	else if (isnan(clk))
		fprintf(out, "\n(no calib_clock_ns in this file: revoke cells are not checked against\n"
			"the timer cost)\n");
}

/* ---- revoke: pooled percentiles, reclaim; teardown and memory -------------- */

static void fmt_ci(char *buf, size_t len, const struct rr_pctl *p, int q)
{
	if (!(p->est[q] > 0) || !isfinite(p->lo[q]) || !isfinite(p->hi[q]))
		buf[0] = '\0';
	else
		snprintf(buf, len, "[%+.0f,%+.0f%%]", (p->lo[q] / p->est[q] - 1) * 100,
			 (p->hi[q] / p->est[q] - 1) * 100);
}

static int any_counter(const struct rr_cell **s, int n, const char *name)
{
	double v;
	int i;

	for (i = 0; i < n; i++)
		if (rr_cell_median(s[i], name, &v))
			return 1;
	return 0;
}

/* reclaim p50 and p99: pooled samples, else the counters' medians (~) */
static void reclaim_cols(const struct rr_file *f, const struct rr_cell *c,
			 char r[2][24])
{
	static const char *const ctr[2] = { "reclaim_p50_ns", "reclaim_p99_ns" };
	char *rkey = xasprintf("%s%s", c->key, RR_RECLAIM_SUFFIX);
	struct rr_pctl rp;
	double v;
	int i;

	for (i = 0; i < 2; i++) {
		if (rr_pctl(f, rkey, 0, &rp)) {
			rr_pctl_fmt(r[i], 24, &rp, i ? RR_P99 : RR_P50);
		} else if (rr_cell_median(c, ctr[i], &v)) {
			r[i][0] = '~';
			ut_fmt_time(r[i] + 1, 23, v);
		} else {
			snprintf(r[i], 24, "-");
		}
	}
	free(rkey);
}

static void pctl_table(const struct rr_file *f, const struct rr_cell **s,
		       int n)
{
	int k, q, reclaim = any_counter(s, n, "reclaim_p50_ns");
	char line[256], v[RR_NPCTL][24], ci[32], r[2][24];
	struct rr_pctl p;

	if (!f->ns) {
		fprintf(out, "\n%s: no raw samples file: no pooled percentiles (the\n"
			"per-repetition counters are not pooled and are not shown)\n",
			s[0]->workload);
		return;
	}
	fprintf(out, "\n%s: revoke latency, every sample of a cell pooled (all repetitions)\n"
		"[95%% CI]: two-stage bootstrap (repetitions, then samples in each),\n"
		"%d resamples, seed %d.  A pXX is printed with >= 10 samples beyond it:\n"
		"p90 from 100 samples, p99 from 1000; else n<100 / n<1000.\n",
		s[0]->workload, RS_BOOT_B, RS_BOOT_SEED);
	if (reclaim)
		fprintf(out, "recl: reclaim, revoke start until the memory is freed or reusable;\n"
			"its samples pooled the same way when the samples file has them\n"
			"(else the median of the per-repetition counters, marked ~)\n");
	snprintf(line, sizeof(line), reclaim ? "  %-12s %6s %9s %9s %-13s %9s %9s" :
		 "  %-12s %6s %9s %9s %9s %s", "primitive", "n", "p50",
		 reclaim ? "p99" : "p90", reclaim ? "[95% CI]" : "p99",
		 reclaim ? "recl p50" : "[95% CI of p99]", "recl p99");
	put_line(line);
	for (k = 0; k < n; k++) {
		const struct rr_cell *c = s[k];

		block_line(s, k);
		if (!rr_pctl(f, c->key, 1, &p)) {
			fprintf(out, "  %-12.12s no samples\n", c->primitive);
			continue;
		}
		for (q = 0; q < RR_NPCTL; q++)
			rr_pctl_fmt(v[q], sizeof(v[q]), &p, q);
		ci[0] = '\0';
		if (p.shown[RR_P99]) {
			fmt_ci(ci, sizeof(ci), &p, RR_P99);
		} else if (p.shown[RR_P90] && !reclaim) {
			/* no p99 to bound: the interval of p90, said so */
			memcpy(ci, "p90 ", 4);
			fmt_ci(ci + 4, sizeof(ci) - 4, &p, RR_P90);
		}
		if (reclaim) {
			reclaim_cols(f, c, r);
			snprintf(line, sizeof(line), "  %-12.12s %6zu %9s %9s %-13s %9s %9s",
				 c->primitive, p.n, v[RR_P50], v[RR_P99], ci,
				 r[0], r[1]);
		} else {
			snprintf(line, sizeof(line), "  %-12.12s %6zu %9s %9s %9s %s",
				 c->primitive, p.n, v[RR_P50], v[RR_P90],
				 v[RR_P99], ci);
		}
		put_line(line);
	}
}

/* teardown and memory of a workload whose cells carry them */
static void mem_table(const struct rr_cell **s, int n)
{
	static const char *const ctr[] = {
		"teardown_ns", "bytes_per_rev", "bytes_per_domain",
		"unreclaimed_peak_bytes",
	};
	int has[4], k, i;
	char line[256];
	double x[4];

	for (i = 0; i < 4; i++)
		has[i] = any_counter(s, n, ctr[i]);
	/* create cost's bytes_per_rev alone is already its extra column */
	if (!has[0] && !has[2] && !has[3] &&
	    (!has[1] || (s[0]->wl->roles & RR_CREATE)))
		return;
	fprintf(out, "\n%s: teardown and memory, median over repetitions\n",
		s[0]->workload);
	if (has[1] && has[2])
		fprintf(out, "total = bytes per revocable + bytes of its domain (hazptr slots,\n"
			"a shared SRCU domain): what one resource costs alone\n");
	snprintf(line, sizeof(line), "  %-14s%s%s%s%s%s", "primitive",
		 has[0] ? "   teardown" : "", has[1] ? "      B/rev" : "",
		 has[2] ? "   B/domain" : "", has[1] && has[2] ? "    B total" : "",
		 has[3] ? "  unreclaimed peak B" : "");
	put_line(line);
	for (k = 0; k < n; k++) {
		char v[5][24];
		int got[4];

		block_line(s, k);
		for (i = 0; i < 4; i++) {
			got[i] = rr_cell_median(s[k], ctr[i], &x[i]);
			snprintf(v[i], 24, !got[i] ? "-" : "%.0f", x[i]);
		}
		if (got[0])
			ut_fmt_time(v[0], 24, x[0]);
		snprintf(v[4], 24, got[1] && got[2] ? "%.0f" : "-", x[1] + x[2]);
		i = snprintf(line, sizeof(line), "  %-14.14s", s[k]->primitive);
		i += has[0] ? snprintf(line + i, sizeof(line) - i, " %10s", v[0]) : 0;
		i += has[1] ? snprintf(line + i, sizeof(line) - i, " %10s", v[1]) : 0;
		i += has[2] ? snprintf(line + i, sizeof(line) - i, " %10s", v[2]) : 0;
		i += has[1] && has[2] ?
		     snprintf(line + i, sizeof(line) - i, " %10s", v[4]) : 0;
		if (has[3])
			snprintf(line + i, sizeof(line) - i, " %19s", v[3]);
		put_line(line);
	}
}

/*
 * What a revoke costs the rest of the machine (workloads/metrics.h), one
 * row per cell, medians over the repetitions: the mean revoke (real_time),
 * the revoker's own CPU time per revoke and its share of the wall time,
 * the function-call IPIs per revoke (TLB shootdowns included) and the
 * shootdowns among them, and where the kernel module measured them, the
 * CPU time of the RCU kthreads and of the kworkers per revoke issued.
 */
static void cost_table(const struct rr_cell **s, int n)
{
	static const char *const ctr[] = {
		"real_time", "revoke_cpu_ns", "revoke_ipis", "revoke_tlb_ipis",
		"gp_kthread_ns", "gp_kworker_ns",
	};
	enum { C_N = 6 };
	int k, i, gp = any_counter(s, n, "gp_kthread_ns");
	char line[256], v[C_N + 1][24];
	double x[C_N];

	if (!any_counter(s, n, "revoke_cpu_ns"))
		return;
	fprintf(out, "\n%s: what a revoke costs the machine, median over repetitions\n"
		"cpu: the revoker's CPU time per revoke, %%: of its wall time; ipi:\n"
		"function-call IPIs per revoke, machine-wide (TLB shootdowns\n"
		"included), tlb: the shootdowns%s\n", s[0]->workload,
		gp ? ";\nrcu kt, kworker: CPU time of the rcu* kthreads and the kworkers\n"
		"per revoke issued (kernel)" : "");
	snprintf(line, sizeof(line), "  %-12s %9s %9s %5s %7s %7s%s",
		 "primitive", "revoke", "cpu", "%", "ipi", "tlb",
		 gp ? "    rcu kt   kworker" : "");
	put_line(line);
	for (k = 0; k < n; k++) {
		int got[C_N];

		block_line(s, k);
		for (i = 0; i < C_N; i++) {
			got[i] = rr_cell_median(s[k], ctr[i], &x[i]);
			if (!got[i])
				snprintf(v[i], 24, "-");
			else if (i == 2 || i == 3)
				snprintf(v[i], 24, "%.2f", x[i]);
			else
				ut_fmt_time(v[i], 24, x[i]);
		}
		snprintf(v[C_N], 24, got[0] && got[1] && x[0] > 0 ? "%.0f" : "-",
			 got[0] && x[0] > 0 ? x[1] / x[0] * 100 : 0);
		i = snprintf(line, sizeof(line), "  %-12.12s %9s %9s %5s %7s %7s",
			     s[k]->primitive, v[0], v[1], v[C_N], v[2], v[3]);
		if (gp)
			snprintf(line + i, sizeof(line) - i, " %9s %9s", v[4],
				 v[5]);
		put_line(line);
	}
}

/*
 * The guard knob (workload.h): a reader cell with guard:G does G accesses
 * per operation, to G revocables over G page tables.  Per access: ns per
 * operation / G, against the same cell at guard 1 (no guard: in its
 * name); G/1 is their ratio.  A shared read-side guard (caps "guard" in
 * the primitive table: one guard for all G) pays its lock once per
 * operation, the others G times; G tables are also a larger cache
 * footprint than one, which the no-protection floor's own G/1 shows, and
 * "over" takes out (ns over the floor per access, at 1 and at G).
 */
static void short_label(const struct rr_params *p, char *buf, size_t len);

static int same_but_guard(const struct rr_cell *a, const struct rr_cell *b)
{
	if (strcmp(a->workload, b->workload) ||
	    strcmp(a->primitive, b->primitive))
		return 0;
#define X(f, u, env, kind, lo, hi, def, help)				\
	if (offsetof(struct rr_params, f) !=				\
	    offsetof(struct rr_params, guard) && a->p.f != b->p.f)	\
		return 0;
	RB_KNOBS(X)
#undef X
	return b->p.guard <= 1;
}

/* A cell's median per access (its guard's G accesses per operation). */
static double per_access(const struct rr_cell *c)
{
	return c && c->n ? rs_median(c->v, c->n) /
			   (double)(c->p.guard > 1 ? c->p.guard : 1) : NAN;
}

static void guard_table(const struct rr_cell **s, int n)
{
	const char *fl = rr_floor();
	int k, i, printed = 0;
	char line[256], lbl[64], v[4][24], sv[16];

	for (k = 0; k < n; k++) {
		const struct rr_cell *c = s[k], *base = NULL;
		double x[4];

		if (!(c->wl->roles & RR_READER) || c->p.guard <= 1 || !c->n)
			continue;
		for (i = 0; i < n && !base; i++)
			if (s[i]->n && same_but_guard(c, s[i]))
				base = s[i];
		if (!base)
			continue;
		if (!printed++)
			fprintf(out, "\n%s: the shared read-side guard, ns per access (median):\n"
				"guard:G = G revocables (G page tables) per operation, per access =\n"
				"its time / G; guard:1 is the same cell with one; G/1 their ratio.\n"
				"over@: ns per access over %s at the same G.  shared: one read-side\n"
				"guard for all G (caps guard, Rust's try_access_with_guard); each:\n"
				"G try_access/release pairs\n"
				"  %-14s %-6s %-12s %8s %8s %6s %8s %8s\n", c->workload,
				fl ? fl : "the floor", "primitive", "guard", "cell",
				"guard:1", "guard:G", "G/1", "over@1", "over@G");
		x[0] = per_access(base);
		x[1] = per_access(c);
		x[2] = x[0] - per_access(floor_of(s, n, base, fl));
		x[3] = x[1] - per_access(floor_of(s, n, c, fl));
		for (i = 0; i < 4; i++)
			ut_fmt_ns(v[i], sizeof(v[i]), x[i]);
		short_label(&c->p, lbl, sizeof(lbl));
		snprintf(sv, sizeof(sv), x[0] > 0 ? "%.2f" : "-", x[1] / x[0]);
		snprintf(line, sizeof(line), "  %-14.14s %-6s %-12.12s %8s %8s %6s %8s %8s",
			 c->primitive,
			 rr_prim_has_cap(c->primitive, "guard") ? "shared" : "each",
			 lbl, v[0], v[1], sv, isfinite(x[2]) ? v[2] : "-",
			 isfinite(x[3]) ? v[3] : "-");
		put_line(line);
	}
}

static void fmt_run(char *buf, size_t len, double v)
{
	snprintf(buf, len, !isfinite(v) ? "-" : fabs(v) < 1000 ? "%.3f" :
		 "%.1f", v);
}

/* refscale's layout: a row per run, then median, min and max */
static void run_tables(const struct rr_cell **s, int n)
{
	static const char *const lbl[] = { "median", "min", "max" };
	int i, j, printed = 0;

	for (i = 0; i < n; i = j) {
		int k, g, per, r, rows;
		char pw[128], b[24];

		for (j = i + 1; j < n && !new_block(s, j); j++)
			;
		if (!(s[i]->wl->roles & RR_READER))
			continue;
		if (!printed++)
			fprintf(out, "\nReader cost per run, refscale layout (Time(ns) = ns per access per\n"
				"reader of one repetition, one row per run)\n");
		params_words(pw, sizeof(pw), s[i]->params);
		/* balanced groups of at most RUN_COLS primitives */
		per = (j - i + RUN_COLS - 1) / RUN_COLS;
		per = (j - i + per - 1) / per;
		for (g = i; g < j; g += per) {
			int e = g + per < j ? g + per : j;

			fprintf(out, "\n%s %s: Time(ns)\n%-6s", s[i]->workload,
				pw, "Runs");
			for (rows = 0, k = g; k < e; k++) {
				fprintf(out, "%13.12s", s[k]->primitive);
				rows = s[k]->n > rows ? s[k]->n : rows;
			}
			for (r = 0; r < rows + 3; r++) {
				if (r < rows)
					fprintf(out, "\n%-6d", r + 1);
				else
					fprintf(out, "\n%-6s", lbl[r - rows]);
				for (k = g; k < e; k++) {
					const double *v = s[k]->v;
					int m = s[k]->n;

					fmt_run(b, sizeof(b), r < rows ? (r < m ? v[r] : NAN) :
						r == rows ? rs_median(v, m) :
						r == rows + 1 ? rs_min(v, m) : rs_max(v, m));
					fprintf(out, "%13s", b);
				}
			}
			fprintf(out, "\n");
		}
	}
}

/* ---- --short: one column per parameter set ----------------------------------- */

#define COLS	6
#define COLW	11
#define NAMEW	13

/* "threads:2/cs:256/stall:1000" -> "T2 cs256 st1000"; cs:1 left out */
static void short_label(const struct rr_params *p, char *buf, size_t len)
{
	static const struct { size_t off; const char *abbr; } ab[] = {
		{ offsetof(struct rr_params, threads), "T" },
		{ offsetof(struct rr_params, cs), "cs" },
		{ offsetof(struct rr_params, npages), "np" },
		{ offsetof(struct rr_params, nmany), "n" },
		{ offsetof(struct rr_params, guard), "g" },
		{ offsetof(struct rr_params, delay_ns), "d" },
		{ offsetof(struct rr_params, sleep_us), "sl" },
		{ offsetof(struct rr_params, stall_us), "st" },
	};
	size_t off = 0, i;
	int t;

	buf[0] = '\0';
	for (i = 0; i < sizeof(ab) / sizeof(ab[0]); i++) {
		long v = *(const long *)((const char *)p + ab[i].off);

		if (v >= 0 && !(ab[i].off == offsetof(struct rr_params, cs) && v == 1))
			off += snprintf(buf + off, off < len ? len - off : 0,
					"%s%s%ld", off ? " " : "", ab[i].abbr, v);
		if (ab[i].off == offsetof(struct rr_params, nmany))
			for (t = 0; t < p->ntag; t++)	/* after n: its mode */
				off += snprintf(buf + off, off < len ? len - off : 0,
						"%s%s", off ? " " : "",
						!strcmp(p->tag[t].val, "batched") ? "batch" :
						!strcmp(p->tag[t].val, "oneby") ? "1by1" :
						p->tag[t].val);
	}
}

/*
 * A label on two header lines of at most COLW - 1 characters: the last
 * word goes to the second line, unless the first part would not fit.
 */
static void two_lines(const char *label, char *l1, char *l2, size_t len)
{
	const char *sp = strrchr(label, ' ');
	size_t cut = sp ? (size_t)(sp - label) : strlen(label);

	if (cut >= COLW) {
		for (cut = COLW - 1; cut > 0 && label[cut] != ' '; cut--)
			;
		if (!cut)
			cut = COLW - 1;
	}
	snprintf(l1, len, "%.*s", (int)cut, label);
	snprintf(l2, len, "%.*s", COLW - 1, label[cut] == ' ' ?
		 label + cut + 1 : label + cut);
}

/*
 * The columns of one workload's short table, at most max: its parameter
 * sets, those with the most threads first when they do not all fit, then
 * back in the file's order.  *more counts the sets left out.
 */
static int short_cols(const struct rr_cell **c, int n,
		      const struct rr_cell **cols, int max, int *more)
{
	long tmax = -1;
	int ncols = 0, i, j, k;

	*more = 0;
	for (i = 0; i < n; i++)
		tmax = c[i]->p.threads > tmax ? c[i]->p.threads : tmax;
	for (k = 0; k < 2; k++)
		for (i = 0; i < n; i++) {
			if ((c[i]->p.threads == tmax) != !k)
				continue;
			for (j = 0; j < ncols && strcmp(cols[j]->params,
							 c[i]->params); j++)
				;
			if (j < ncols)
				continue;
			if (ncols < max)
				cols[ncols++] = c[i];
			else
				(*more)++;
		}
	for (i = 1; i < ncols; i++)
		for (j = i; j > 0 && cols[j - 1] > cols[j]; j--) {
			const struct rr_cell *t = cols[j];

			cols[j] = cols[j - 1];
			cols[j - 1] = t;
		}
	return ncols;
}

/* Whether every column label fits on one header line. */
static bool short_one_line(const struct rr_cell **cols, int ncols)
{
	char lab[64];
	int j;

	for (j = 0; j < ncols; j++) {
		short_label(&cols[j]->p, lab, sizeof(lab));
		if (strlen(lab) >= COLW)
			return false;
	}
	return true;
}

/*
 * The title of a short table: "WORKLOAD: time per UNIT" for each of its
 * workloads, then the number of runs, wrapped between items at 79 columns.
 */
static void short_title(const struct rr_cell **c, int n, int nruns, int more)
{
	char line[160], item[96];
	int i, len = 0;

	for (i = 0; i <= n; i++) {
		if (i == n)
			snprintf(item, sizeof(item), "median of %d run%s%s", nruns,
				 nruns == 1 ? "" : "s",
				 more ? " (more columns in the report)" : "");
		else if (!i || c[i]->wl != c[i - 1]->wl)
			snprintf(item, sizeof(item), "%s: time per %s",
				 c[i]->workload, c[i]->wl->unit);
		else
			continue;
		if (len && len + 2 + (int)strlen(item) > 79) {
			fprintf(out, "%s,\n", line);
			len = 0;
		}
		len += snprintf(line + len, sizeof(line) - (size_t)len, "%s%s",
				len ? ", " : "", item);
	}
	fprintf(out, "%s\n", line);
}

/*
 * One short table; c by workload, each in the file's order, cols its
 * columns (short_cols).  Workloads whose columns fit in COLS together
 * share a table (short_report): each column then carries its workload's
 * name above its label, one table instead of one each.
 */
static void short_table(const struct rr_cell **c, int n,
			const struct rr_cell **cols, int ncols, int more)
{
	const char *prims[64];
	int nprims = 0, i, j, k, nruns = 0, two, nwl = 1;
	char l1[32], l2[32], lab[64], val[32], line[128];

	for (i = 0; i < n; i++) {
		nruns = c[i]->n > nruns ? c[i]->n : nruns;
		nwl += i && c[i]->wl != c[i - 1]->wl;
		for (j = 0; j < nprims && strcmp(prims[j], c[i]->primitive); j++)
			;
		if (j == nprims && nprims < 64)
			prims[nprims++] = c[i]->primitive;
	}
	for (i = 1; i < nprims; i++)
		for (j = i; j > 0 && rr_prim_rank(prims[j - 1]) >
				     rr_prim_rank(prims[j]); j--) {
			const char *t = prims[j];

			prims[j] = prims[j - 1];
			prims[j - 1] = t;
		}
	fprintf(out, "\n");
	short_title(c, n, nruns, more);
	/* one header line when every label fits and one workload, else two */
	two = nwl > 1 || !short_one_line(cols, ncols);
	for (k = two ? 0 : 1; k < 2; k++) {
		int off = snprintf(line, sizeof(line), "%-*s", NAMEW,
				   k ? "primitive" : "");

		for (j = 0; j < ncols; j++) {
			short_label(&cols[j]->p, lab, sizeof(lab));
			two_lines(lab, l1, l2, sizeof(l1));
			if (nwl > 1)
				snprintf(k ? l2 : l1, sizeof(l1), "%.*s",
					 COLW - 1, k ? lab : cols[j]->workload);
			off += snprintf(line + off, sizeof(line) - (size_t)off,
					"%*s", COLW, !two ? lab : k ? l2 : l1);
		}
		put_line(line);
	}
	for (i = 0; i < nprims; i++) {
		fprintf(out, "%-*.*s", NAMEW, NAMEW - 1, prims[i]);
		for (j = 0; j < ncols; j++) {
			const struct rr_cell *cell = NULL;

			for (k = 0; k < n; k++)
				if (c[k]->wl == cols[j]->wl &&
				    !strcmp(c[k]->primitive, prims[i]) &&
				    !strcmp(c[k]->params, cols[j]->params))
					cell = c[k];
			if (!cell)
				snprintf(val, sizeof(val), "-");
			else if (!cell->n)
				snprintf(val, sizeof(val), "FAILED");
			else
				ut_fmt_time(val, sizeof(val),
					    rs_median(cell->v, cell->n));
			fprintf(out, "%*s", COLW, val);
		}
		fprintf(out, "\n");
	}
}

static const char *ctx_or(const struct rr_file *f, const char *k,
			  const char *dflt)
{
	const char *v = rr_ctx(f, k);

	return v && *v ? v : dflt;
}

static void short_report(const struct rr_file *f, struct rr_cell *c, int n)
{
	const struct rr_cell **s = xcalloc(n + 1, sizeof(*s));
	int i, j;

	/* by workload, then in the file's order */
	for (i = 0; i < n; i++) {
		for (j = i; j > 0 && s[j - 1]->wl->rank > c[i].wl->rank; j--)
			s[j] = s[j - 1];
		s[j] = &c[i];
	}
	fprintf(out, "\nsummary of %s\n", f->path);
	fprintf(out, "%s, %s, %s\n", rr_env(f), ctx_or(f, "cpu_model", "cpu ?"),
		ctx_or(f, "topology", "topology ?"));
	fprintf(out, "calibration: round trip %s ns (%s)",
		ctx_or(f, "calib_pingpong_ns", "-"), ctx_or(f, "calib_regime", "-"));
	if (rr_ctx(f, "calib_clock_ns"))
		fprintf(out, ", clock read %s ns (%s)", rr_ctx(f, "calib_clock_ns"),
			ctx_or(f, "clocksource", "clocksource unknown"));
	fprintf(out, "\n");
	if (rr_is_tcg(f))
		fprintf(out, "!!! qemu TCG (software emulation): timings are NOT representative\n");
	fprintf(out, "T = threads (unbind*: 1 revoker + T-1 readers), csK = K lookups "
		"per access (cs1\nnot shown), stN = a reader stalled N us; the "
		"full tables: revbench report\n");
	for (i = 0; i < n && c[i].p.guard <= 1; i++)
		;
	if (i < n)
		fprintf(out, "gG = G revocables per operation: its time is per operation of G accesses\n");
	for (i = 0; i < n; i = j) {
		const struct rr_cell *cols[COLS];
		int ncols, more, k, m, more2;

		j = wl_end(s, n, i);
		ncols = short_cols(s + i, j - i, cols, COLS, &more);
		/* the next workloads join while all their columns fit */
		while (!more && short_one_line(cols, ncols) && j < n) {
			k = wl_end(s, n, j);
			m = short_cols(s + j, k - j, cols + ncols, COLS - ncols,
				       &more2);
			if (more2 || !short_one_line(cols + ncols, m))
				break;
			ncols += m;
			j = k;
		}
		short_table(s + i, j - i, cols, ncols, more);
	}
	free(s);
}

/* ---- --vs: one column per side, mmtests layout --------------------------------- */

void rp_label(char *buf, size_t len, const char *s)
{
	/* "6.12.95+deb12-rt-amd64" -> "6.12.95-rt": Debian's decorations off */
	const char *p;
	size_t o = 0;

	for (p = s; *p && o + 1 < len; p++) {
		if (*p == '+' && !strncmp(p, "+deb", 4)) {
			p += 4 + strspn(p + 4, "0123456789") - 1;
			continue;
		}
		if (!strcmp(p, "-amd64"))
			break;
		buf[o++] = *p;
	}
	buf[o] = '\0';
}

static double amean(const struct rp_side *sd, const char *key)
{
	double sum = 0;
	int i, j, m = 0;

	for (i = 0; i < sd->n; i++) {
		const struct rr_cell *c = rr_cell_find(sd->runs[i]->c,
						       sd->runs[i]->nc, key);

		for (j = 0; c && j < c->n; j++, m++)
			sum += c->v[j];
	}
	return m ? sum / m : NAN;
}

/* The verdict of side 0 against side k, per cell of the table. */
static const struct rv_cell *verdict_of(const struct rv_cmp *v,
					const char *key)
{
	int i;

	for (i = 0; i < v->ncell; i++)
		if (!strcmp(v->cell[i].key, key))
			return &v->cell[i];
	return NULL;
}

/* ns as mmtests prints them; 9 characters at most beside two columns */
static void nway_val(char *buf, size_t len, double v, int k)
{
	if (k > 2 && fabs(v) >= 1e9)
		snprintf(buf, len, "%.3g", v);
	else
		ut_fmt_ns(buf, len, v);
}

int rp_nway(FILE *fp, const struct rp_side *sd, int k)
{
	const struct rs_cfg cfg = RV_CFG_DEFAULT;
	struct rv_cmp *v = xcalloc(k, sizeof(*v));
	const struct rr_cell **s;
	struct rr_cell *all = NULL;
	int i, j, g, nall = 0, nsig = 0, per = k == 2 ? 2 : 3;

	out = fp;
	/* every cell of every side, once, sorted */
	for (i = 0; i < k; i++)
		for (j = 0; j < sd[i].n; j++) {
			const struct rv_run *r = sd[i].runs[j];
			int c;

			for (c = 0; c < r->nc; c++)
				if (!rr_cell_find(all, nall, r->c[c].key)) {
					all = xrealloc(all, (nall + 1) * sizeof(*all));
					all[nall++] = r->c[c];
				}
		}
	s = rr_sorted(all, nall, RR_BY_PARAMS);
	for (i = 1; i < k; i++) {
		struct rv_run **side[2] = { sd[0].runs, sd[i].runs };
		const int n[2] = { sd[0].n, sd[i].n };

		v[i].cfg = cfg;
		v[i].metric = "real_time";
		rv_compare(&v[i], side, n);
	}
	fprintf(out, "\nmmtests layout: %% = (base - new) / base of the means, positive = better;\n"
		"*x%%* = REGRESSED or improved: the verdict of revbench compare on the\n"
		"same runs (%g %% threshold, %s, alpha %g).\n", cfg.threshold_pct,
		rs_correction_names[cfg.corr], cfg.alpha);
	/* blocks of at most two sides beside the baseline (80 columns) */
	for (g = 1; g < k; g += per - 1) {
		int e = g + per - 1 < k ? g + per - 1 : k, m, q;

		for (i = 0; i < nall; i = j) {
			j = wl_end(s, nall, i);
			unit_line(s[i]->wl, ", Amean");
			if (k == 2) {
				fprintf(out, "%-23s %10.10s %11s %10.10s\n", "",
					sd[0].label, "", sd[1].label);
			} else {
				char hd[128];
				int o = snprintf(hd, sizeof(hd), "%-17s %-21.21s", "",
						 sd[0].label);

				for (q = g; q < e; q++)
					o += snprintf(hd + o, sizeof(hd) - o, " %-20.20s",
						      sd[q].label);
				put_line(hd);
			}
			for (m = i; m < j; m++) {
				double b = amean(&sd[0], s[m]->key);
				char val[24];

				block_line(s, m);
				nway_val(val, sizeof(val), b, k);
				fprintf(out, k == 2 ? "Amean  %-16.16s %10s (   0.00%%)" :
					"Amean %-11.11s %9s (   0.00%%)",
					s[m]->primitive, val);
				for (q = g; q < e; q++) {
					const struct rv_cell *x = verdict_of(&v[q], s[m]->key);
					double a = amean(&sd[q], s[m]->key);
					int sig = x && x->cls == RV_TEST &&
						  (x->out.verdict == RS_REGRESSED ||
						   x->out.verdict == RS_IMPROVED);
					char mark[24];

					if (x && x->cls == RV_REGIME)
						snprintf(mark, sizeof(mark), "( regime)");
					else if (isfinite(a) && isfinite(b))
						snprintf(mark, sizeof(mark), sig ? "*%7.2f%%*" :
							 "(%7.2f%%)", b ? (b - a) / b * 100 : 0.0);
					else
						snprintf(mark, sizeof(mark), "%s",
							 !isfinite(b) ? "(not in base)" : "(failed)");
					nsig += sig;
					nway_val(val, sizeof(val), a, k);
					fprintf(out, k == 2 ? " %10s %s" : " %9s %s", val, mark);
				}
				fprintf(out, "\n");
			}
		}
	}
	/* in the baseline, in no run of side j: MISSING in its verdict */
	for (i = 0; i < nall; i++)
		for (j = 1; j < k; j++)
			if (verdict_of(&v[j], s[i]->key) &&
			    verdict_of(&v[j], s[i]->key)->cls == RV_MISSING)
				fprintf(out, "only in %s: %s\n", sd[0].label,
					s[i]->key);
	fprintf(out, "\n%d significant changes (marked *...*).\n", nsig);
	for (i = 1; i < k; i++)
		rv_free(&v[i]);
	free(v);
	free(s);
	free(all);
	return nsig;
}

/* ---- --ascii-plot ------------------------------------------------------------------- */

static int ascii_plot(const char *path)
{
	const char *tmpdir = getenv("TMPDIR");
	char *dir = xasprintf("%s/revbench-report.XXXXXX",
			      tmpdir && *tmpdir ? tmpdir : "/tmp");
	char *script = NULL, *paths[1] = { (char *)path };
	FILE *fp;
	pid_t pid;
	int st, ret = 2;

	if (!mkdtemp(dir)) {
		ut_bad("report", "mkdtemp %s: %s", dir, strerror(errno));
		free(dir);
		return 2;
	}
	if (ex_gnuplot(paths, 1, dir))
		goto out;
	script = xasprintf("%s/ascii.gp", dir);
	fp = fopen(script, "w");
	if (!fp)
		goto out;
	/* gnuplot string literals: the directory comes from mkdtemp */
	fprintf(fp,
		"D = '%s'\n"
		"load D.'/meta.gp'\n"
		"set terminal dumb size 79,24 noenhanced\n"
		"set encoding default\n"
		"set key outside right top Left reverse samplen 1\n"
		"set grid\n"
		"if (F1_N1 > 0) {\n"
		"  set title 'Reader cost vs reader threads (per access, log y)'\n"
		"  set format y '%%.0s%%cs'\n"
		"  set xlabel 'reader threads'\n"
		"  set logscale y\n"
		"  set xrange [0.5:F1_XMAX+0.5]\n"
		"  set xtics 1\n"
		"  plot for [i=1:F1_N1] D.'/fig1-p1.dat' index (i-1) using 1:($2*1e-9) with linespoints title word(F1_T1,i)\n"
		"} else { print 'no reader-cost cells: no reader-cost plot' }\n"
		"reset\n"
		"set terminal dumb size 79,24 noenhanced\n"
		"set key outside right top Left reverse samplen 1\n"
		"if (F2_N1 > 0) {\n"
		"  array R[F2_N1]\n"
		"  do for [i=1:F2_N1] { stats D.'/fig2-p1.dat' index (i-1) using 2 nooutput; R[i] = STATS_records }\n"
		"  set title 'Revoke latency CDF (log x): fraction of revokes <= x'\n"
		"  set logscale x\n"
		"  set format x '%%.0s%%cs'\n"
		"  set yrange [0:1.02]\n"
		"  set ytics 0.25\n"
		"  plot for [i=1:F2_N1] D.'/fig2-p1.dat' index (i-1) using ($1*1e-9):2 with linespoints pi (R[i] > 8 ? R[i] / 4 : 1) title word(F2_T1,i)\n"
		"} else { print 'no revoke cells: no revoke-latency plot' }\n",
		dir);
	if (fclose(fp))
		goto out;
	fflush(out);
	pid = fork();
	if (!pid) {
		if (out != stdout)
			dup2(fileno(out), STDOUT_FILENO);
		execlp("gnuplot", "gnuplot", script, (char *)NULL);
		fprintf(stderr, "revbench report: cannot run gnuplot (%s): install gnuplot-nox\n",
			strerror(errno));
		_exit(127);
	}
	if (pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    !WEXITSTATUS(st))
		ret = 0;
	else
		ut_bad("report", "gnuplot failed (--ascii-plot)");
out:
	ut_rm_tree(dir);
	free(script);
	free(dir);
	return ret;
}

/* ---- the command -------------------------------------------------------------------- */

static void report_usage(FILE *fp)
{
	fprintf(fp,
		"usage: revbench report FILE [--vs BASE [--vs BASE2...]] [--short]\n"
		"                       [--ascii-plot] [--out PATH]\n"
		"  Plain-text tables (<= 80 columns) for mailing lists: per workload,\n"
		"  primitives as rows, median ± stddev and ratio to the floor;\n"
		"  refscale-style per-run tables for reader cost.  --short: the short\n"
		"  tables revbench run ends with.  --vs BASE: mmtests layout (Amean,\n"
		"  base column (   0.00%%), change with positive = better, *marked*\n"
		"  where revbench compare BASE FILE says REGRESSED or improved); more\n"
		"  --vs add columns, the first is the baseline.  --ascii-plot: key\n"
		"  figures through gnuplot's dumb terminal.  --out PATH: written\n"
		"  there, complete or not at all.  Exit 2 on bad input.\n");
}

struct rp_args {
	const char *vs[16];
	int nvs;
};

static int add_vs(const char *val, void *dst)
{
	struct rp_args *a = dst;

	if (a->nvs == 16)
		return ut_bad("report", "at most 16 --vs");
	a->vs[a->nvs++] = val;
	return 0;
}

/* Labels for the sides: the key that tells them apart, or a number. */
static void side_labels(struct rp_side *sd, int k)
{
	static const char *const keys[] = { "vm_kernel", "kernel", "git_commit" };
	size_t i;
	int j;

	for (i = 0; i < 3; i++)
		for (j = 1; j < k; j++)
			if (rv_differs(&rv_rules[0], rr_ctx(&sd[0].runs[0]->f, keys[i]),
				       rr_ctx(&sd[j].runs[0]->f, keys[i]))) {
				for (j = 0; j < k; j++)
					rp_label(sd[j].label, sizeof(sd[j].label),
						 ctx_or(&sd[j].runs[0]->f, keys[i], "?"));
				return;
			}
	for (j = 0; j < k; j++)
		snprintf(sd[j].label, sizeof(sd[j].label), "run %d", j + 1);
}

int cmd_report(int argc, char **argv)
{
	struct rp_args a = { .nvs = 0 };
	bool ascii = false, brief = false;
	const char *dest = NULL, *pos[2];
	const struct ut_opt opts[] = {
		{ "--vs", 0, UT_FN, &a, 0, 0, add_vs, NULL },
		{ "--short", 0, UT_FLAG, &brief, 0, 0, NULL, NULL },
		{ "--ascii-plot", 0, UT_FLAG, &ascii, 0, 0, NULL, NULL },
		{ "--out", 'o', UT_STR, &dest, 0, 0, NULL, NULL },
	};
	struct rv_run *runs = NULL, **rp;
	struct rp_side *sd;
	struct ut_afile af = { 0 };
	int npos, i, ret = 2, loaded = 0, k;

	i = ut_getopt("report", argc, argv, opts, sizeof(opts) / sizeof(opts[0]),
		      pos, &npos, 2, NULL, NULL);
	if (i > 0)
		report_usage(stdout);
	if (i)
		return i > 0 ? 0 : 2;
	if (npos != 1) {
		if (npos > 1)
			ut_bad("report", "one results file (use --vs BASE to compare), got %s and %s",
			       pos[0], pos[1]);
		report_usage(stderr);
		return 2;
	}
	k = a.nvs + 1;
	runs = xcalloc(k, sizeof(*runs));
	rp = xcalloc(k, sizeof(*rp));
	sd = xcalloc(k, sizeof(*sd));
	for (i = 0; i < k; i++, loaded++) {
		if (rv_load(&runs[i], i < a.nvs ? a.vs[i] : pos[0], 0))
			goto out;
		rp[i] = &runs[i];
		sd[i].runs = &rp[i];
		sd[i].n = 1;
	}
	for (i = 0; i < a.nvs; i++) {
		struct rv_cmp v = { .cfg = RV_CFG_DEFAULT, .metric = "real_time" };
		struct rv_run **side[2] = { &rp[i], &rp[a.nvs] };
		const int n[2] = { 1, 1 };

		if (rv_compare(&v, side, n)) {
			ut_bad("report", "%s and %s have no benchmarks in common",
			       a.vs[i], pos[0]);
			rv_free(&v);
			goto out;
		}
		rv_free(&v);
	}
	out = stdout;
	if (dest) {
		if (ut_afile_open(&af, dest))
			goto out;
		out = af.fp;
	}
	if (brief) {
		short_report(&runs[a.nvs].f, runs[a.nvs].c, runs[a.nvs].nc);
	} else if (a.nvs) {
		/* the baseline is the first --vs, FILE the last column */
		if (k > 2)
			side_labels(sd, k);
		else
			for (i = 0; i < 2; i++)
				strcpy(sd[i].label, i ? "new" : "base");
		for (i = 0; i < k; i++) {
			header(&sd[i].runs[0]->f, k == 2 ? (i ? "new:  " : "base: ") :
			       "");
			if (k > 2)
				fprintf(out, "  (column %s)\n", sd[i].label);
			if (i + 1 < k)
				fprintf(out, "\n");
			if (i && strcmp(rr_env(&sd[i].runs[0]->f),
					rr_env(&sd[0].runs[0]->f)))
				fprintf(out, "!!! different environments: %s vs %s\n",
					rr_env(&sd[0].runs[0]->f),
					rr_env(&sd[i].runs[0]->f));
		}
		rp_nway(out, sd, k);
	} else {
		const struct rr_cell **s = rr_sorted(runs[0].c, runs[0].nc,
						     RR_BY_PARAMS);
		int n = runs[0].nc, j;

		header(&runs[0].f, "revbench report: ");
		tables(&runs[0].f, s, n);
		for (i = 0; i < n; i = j) {
			unsigned int r = s[i]->wl->roles;
			bool revoke = (r & RR_CYCLE) && !(r & RR_MANY);

			j = wl_end(s, n, i);
			/* a revoke's tails, memory, cost; a creation's memory */
			if (revoke)
				pctl_table(&runs[0].f, s + i, j - i);
			if (revoke || (r & RR_CREATE))
				mem_table(s + i, j - i);
			if (revoke)
				cost_table(s + i, j - i);
			guard_table(s + i, j - i);
		}
		run_tables(s, n);
		free(s);
	}
	ret = 0;
	if (ascii) {
		fprintf(out, "\n");
		ret = ascii_plot(pos[0]);
	}
	if (dest && (ret || ut_afile_commit(&af)))
		ret = 2;
out:
	if (af.fp)
		ut_afile_abort(&af);
	for (i = 0; i < loaded; i++)
		rv_free_run(&runs[i]);
	free(runs);
	free(rp);
	free(sd);
	return ret;
}

int rp_short(const char *path)
{
	struct rv_run r;

	if (rv_load(&r, path, RR_NO_SAMPLES))
		return 2;
	out = stdout;
	short_report(&r.f, r.c, r.nc);
	rv_free_run(&r);
	return 0;
}

int cmd_summary(int argc, char **argv)
{
	char *args[] = { "report", "--short", argc > 1 ? argv[1] : NULL, NULL };

	if (argc != 2 || argv[1][0] == '-') {
		fprintf(argc == 2 && !strcmp(argv[1], "--help") ? stdout : stderr,
			"usage: revbench summary FILE.json|RUN-FOLDER\n"
			"  = revbench report --short: the short tables revbench run "
			"ends with.\n");
		return argc == 2 && !strcmp(argv[1], "--help") ? 0 : 2;
	}
	return cmd_report(3, args);
}
