// SPDX-License-Identifier: GPL-2.0
/*
 * report.c - "revbench report FILE [--vs BASE] [--ascii-plot]"
 *
 * Plain text for mailing lists, at most 80 columns:
 *   - a header with the context that decides whether numbers are
 *     comparable (environment, CPU, topology, placement, calibration);
 *   - one table per workload, a block per parameter set (threads, cs,
 *     extras), primitives as rows: median ± sample stddev over the
 *     repetitions, the ratio to `none` with the same parameters, and one
 *     workload-specific column;
 *   - for reader-cost cells (translate, map-unmap), refscale-style tables:
 *     "Runs" rows, one per repetition, then median, min and max;
 *   - with --vs BASE, the mmtests layout instead: Amean per primitive,
 *     BASE with "(   0.00%)", FILE with its change, positive = better,
 *     and "*  -9.49%*" when |difference of means| exceeds the sum of the
 *     two 95 % confidence half-widths (Student t);
 *   - with --ascii-plot, key figures drawn by gnuplot's dumb terminal
 *     (79x24) from the same data as plot/ (rr_export_gnuplot()).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pctl.h"
#include "results.h"
#include "metrics.h"
#include "revocable.h"
#include "stats.h"

#define RUN_COLS	5	/* primitives per refscale-style table */

static const char *const wl_order[] = {
	"empty", "translate", "map-unmap", "error-path", "unbind", "unbind-many",
	"lifecycle",
};

static int wl_rank(const char *w)
{
	size_t i;

	for (i = 0; i < sizeof(wl_order) / sizeof(wl_order[0]); i++)
		if (!strcmp(w, wl_order[i]))
			return i;
	return 100;
}

/* Units as the runner defines real_time (runner/bench.c, workload.c). */
static const char *wl_unit(const char *w)
{
	if (!strcmp(w, "empty"))
		return "ns per try_access + release around an empty section";
	if (!strcmp(w, "translate"))
		return "ns per access per reader (cs:K = K lookups per access)";
	if (!strcmp(w, "map-unmap"))
		return "ns per access (map+unmap npages) per thread";
	if (!strcmp(w, "error-path"))
		return "ns per failed try_access";
	if (!strcmp(w, "unbind"))
		return "mean ns per revoke (threads:T = 1 revoker + T-1 readers)";
	if (!strcmp(w, "unbind-many"))
		return "mean ns per unbind of n revocables";
	if (!strcmp(w, "lifecycle"))
		return "ns per create + revoke + destroy";
	return "ns of real_time";
}

static int is_reader_cost(const char *w)
{
	return !strcmp(w, "empty") || !strcmp(w, "translate") ||
	       !strcmp(w, "map-unmap");
}

/* Compare "a:1/b:2" strings token by token, numbers numerically. */
static int params_cmp(const char *a, const char *b)
{
	while (*a && *b) {
		const char *ea = strchr(a, '/'), *eb = strchr(b, '/');
		size_t la = ea ? (size_t)(ea - a) : strlen(a);
		size_t lb = eb ? (size_t)(eb - b) : strlen(b);
		const char *ca = memchr(a, ':', la), *cb = memchr(b, ':', lb);
		int c;

		if (ca && cb && ca - a == cb - b && !memcmp(a, b, ca - a)) {
			char *xa, *xb;
			double va = strtod(ca + 1, &xa), vb = strtod(cb + 1, &xb);

			if (xa == a + la && xb == b + lb && va != vb)
				return va < vb ? -1 : 1;
		}
		c = strncmp(a, b, la < lb ? la : lb);
		if (c)
			return c;
		if (la != lb)
			return la < lb ? -1 : 1;
		a += la;
		b += lb;
		if (*a)
			a++;
		if (*b)
			b++;
	}
	return (*a != 0) - (*b != 0);
}

static int cell_order(const void *pa, const void *pb)
{
	const struct rr_cell *a = *(const struct rr_cell *const *)pa;
	const struct rr_cell *b = *(const struct rr_cell *const *)pb;
	int c, ra, rb;

	c = wl_rank(a->workload) - wl_rank(b->workload);
	if (c)
		return c;
	c = strcmp(a->workload, b->workload);
	if (c)
		return c;
	c = params_cmp(a->params, b->params);
	if (c)
		return c;
	ra = rr_prim_rank(a->primitive);
	rb = rr_prim_rank(b->primitive);
	if (ra < 0)
		ra = 1000;
	if (rb < 0)
		rb = 1000;
	if (ra != rb)
		return ra - rb;
	return strcmp(a->primitive, b->primitive);
}

static const struct rr_cell **sorted_cells(struct rr_cell *c, int n)
{
	const struct rr_cell **s = calloc(n + 1, sizeof(*s));
	int i;

	if (!s)
		return NULL;
	for (i = 0; i < n; i++)
		s[i] = &c[i];
	qsort(s, n, sizeof(*s), cell_order);
	return s;
}

static void params_words(char *buf, size_t len, const char *params)
{
	size_t i;

	snprintf(buf, len, "%s", *params ? params : "(no parameters)");
	for (i = 0; buf[i]; i++)
		if (buf[i] == '/')
			buf[i] = ' ';
}

/* Print s cut to fit width columns (header fields). */
static void kv_line(const char *a, const char *va, const char *b,
		    const char *vb)
{
	char line[256];
	int l;

	l = snprintf(line, sizeof(line), "%s: %s", a, va ? va : "-");
	if (b)
		snprintf(line + l, sizeof(line) - l, "%*s%s: %s",
			 l < 38 ? 38 - l : 2, "", b, vb ? vb : "-");
	if (strlen(line) > 80)
		strcpy(line + 76, "...");
	printf("%s\n", line);
}

static void header(const struct rr_file *f, const char *role)
{
	const char *pp = rr_ctx(f, "calib_pingpong_ns");
	const char *lp = rr_ctx(f, "calib_loop_ns");
	const char *rg = rr_ctx(f, "calib_regime");
	char cal[160];

	printf("%s%s\n", role, f->path);
	kv_line("env", rr_env(f), "git", rr_ctx(f, "git_commit"));
	kv_line("cpu", rr_ctx(f, "cpu_model"), NULL, NULL);
	kv_line("topology", rr_ctx(f, "topology"), "placement",
		rr_ctx(f, "placement"));
	kv_line("kernel", rr_ctx(f, rr_ctx(f, "vm_kernel") ? "vm_kernel" :
				 "kernel"),
		"compiler", rr_ctx(f, "compiler"));
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
		printf("!!! SYNTHETIC test data: made-up numbers, not measured\n");
	if (rr_is_tcg(f))
		printf("!!! qemu TCG (software emulation): timings are NOT representative\n");
}

/*
 * The no-protection floor that reader costs are measured against: the
 * primitive whose caps include "floor" in the primitive table of the
 * files loaded (context.revbench_primitives; for older files, this
 * binary's rev_ops_all[], results.h).  NULL when none is: no ratios then.
 */
static const char *floor_prim(const struct rr_file *f)
{
	const struct rr_prim *p;
	int i;

	(void)f;
	for (i = 0; (p = rr_prim_nth(i)); i++)
		if (p->floor)
			return p->name;
	for (i = 0; i < rev_ops_count; i++)
		if (rev_ops_all[i]->caps & REV_CAP_FLOOR)
			return rev_ops_all[i]->name;
	return NULL;
}

/* calib_clock_ns: cost of one back-to-back clock read pair, NAN if absent */
static double clock_ns(const struct rr_file *f)
{
	const char *c = rr_ctx(f, "calib_clock_ns");
	char *end;
	double v;

	if (!c)
		return NAN;
	v = strtod(c, &end);
	return end != c && v > 0 ? v : NAN;
}

#define TIMER_FACTOR 10	/* revoke medians under 10x the timer cost: flagged */

static int is_revoke_wl(const char *w)
{
	return !strcmp(w, "unbind") || !strcmp(w, "unbind-many");
}

static const char *extra_name(const char *w)
{
	if (!strcmp(w, "translate") || !strcmp(w, "map-unmap"))
		return "Macc/s";
	if (!strcmp(w, "unbind"))
		return "p99 pooled";
	if (!strcmp(w, "lifecycle"))
		return "bytes/rev";
	if (!strcmp(w, "unbind-many"))
		return "pending";
	return NULL;
}

static void extra_value(const struct rr_file *f, const struct rr_cell *c,
			char *buf, size_t len)
{
	double v;

	buf[0] = '\0';
	if (!strcmp(c->workload, "translate") ||
	    !strcmp(c->workload, "map-unmap")) {
		if (rr_cell_counter_median(c, "accesses_per_sec", &v))
			snprintf(buf, len, "%.1f", v / 1e6);
	} else if (!strcmp(c->workload, "unbind")) {
		struct rr_pctl p;

		if (rr_cell_pctl(f, c->key, 0, &p) > 0) {
			if (p.shown[RR_P99])
				rr_fmt_time(buf, len, p.est[RR_P99]);
			else
				rr_pctl_short(buf, len, RR_P99);
		}
	} else if (!strcmp(c->workload, "lifecycle")) {
		if (rr_cell_counter_median(c, "bytes_per_rev", &v))
			snprintf(buf, len, "%.0f", v);
	} else if (!strcmp(c->workload, "unbind-many")) {
		if (rr_cell_counter_median(c, "pending", &v))
			snprintf(buf, len, "%.0f", v);
	}
}

static const struct rr_cell *floor_of(const struct rr_cell **s, int n,
				      const struct rr_cell *c, const char *fl)
{
	int i;

	if (!fl)
		return NULL;
	for (i = 0; i < n; i++)
		if (!strcmp(s[i]->workload, c->workload) &&
		    !strcmp(s[i]->params, c->params) &&
		    !strcmp(s[i]->primitive, fl) && s[i]->n)
			return s[i];
	return NULL;
}

static int max_runs(const struct rr_cell **s, int n, const char *w)
{
	int i, m = 0;

	for (i = 0; i < n; i++)
		if (!strcmp(s[i]->workload, w) && s[i]->n > m)
			m = s[i]->n;
	return m;
}

/* print without trailing blanks */
static void put_line(char *line)
{
	size_t l = strlen(line);

	while (l && line[l - 1] == ' ')
		line[--l] = '\0';
	printf("%s\n", line);
}

static void tables(const struct rr_file *f, const struct rr_cell **s, int n)
{
	const char *fl = floor_prim(f);
	double clk = clock_ns(f);
	int i, j, ntimer = 0;

	for (i = 0; i < n; i = j) {
		const char *w = s[i]->workload, *xn = extra_name(w);
		int has_extra = 0, k, rc = is_reader_cost(w);
		char line[256];

		for (j = i; j < n && !strcmp(s[j]->workload, w); j++) {
			char tmp[32];

			extra_value(f, s[j], tmp, sizeof(tmp));
			if (tmp[0])
				has_extra = 1;
		}
		printf("\n%s: %s\n", w, wl_unit(w));
		if (rc && fl)
			printf("median ± stddev of %d runs; ratio = median / median of %s, and the\n"
			       "difference in ns (ns over %s, the no-protection floor)\n",
			       max_runs(s + i, j - i, w), fl, fl);
		else if (fl)
			printf("median ± stddev of %d runs; ratio = median / median of %s\n",
			       max_runs(s + i, j - i, w), fl);
		else
			printf("median ± stddev of %d runs; no ratio: no floor primitive known\n",
			       max_runs(s + i, j - i, w));
		if (rc)
			snprintf(line, sizeof(line), "  %-14s %10s   %9s %7s %9s  %s",
				 "primitive", "median", "stddev", "ratio",
				 fl ? "ns over" : "", has_extra ? xn : "");
		else
			snprintf(line, sizeof(line), "  %-14s %10s   %9s %9s  %s",
				 "primitive", "median", "stddev", "ratio",
				 has_extra ? xn : "");
		put_line(line);
		for (k = i; k < j; k++) {
			const struct rr_cell *c = s[k];
			const struct rr_cell *nc = floor_of(s + i, j - i, c, fl);
			char med[24], sd[24], ratio[24], ex[32], pw[128], over[24];
			double m, mf = NAN;
			const char *mark = "";

			if (k == i || strcmp(c->params, s[k - 1]->params)) {
				params_words(pw, sizeof(pw), c->params);
				printf("%s\n", pw);
			}
			if (!c->n) {
				printf("  %-14s failed: %s\n", c->primitive,
				       c->err_msg && *c->err_msg ? c->err_msg :
				       "no successful repetition");
				continue;
			}
			m = rr_median(c->v, c->n);
			rr_fmt_ns(med, sizeof(med), m);
			rr_fmt_ns(sd, sizeof(sd), rr_stddev(c->v, c->n));
			if (nc)
				mf = rr_median(nc->v, nc->n);
			if (mf > 0) {
				double r = m / mf;

				snprintf(ratio, sizeof(ratio), r < 100 ? "%.2f" :
					 r < 10000 ? "%.1f" : "%.3g", r);
			} else {
				snprintf(ratio, sizeof(ratio), "-");
			}
			if (isfinite(mf)) {
				rr_fmt_ns(over, sizeof(over), m - mf);
				if (m - mf >= 0 && over[0] != '-') {
					memmove(over + 1, over, sizeof(over) - 1);
					over[0] = '+';
					over[sizeof(over) - 1] = '\0';
				}
			} else {
				snprintf(over, sizeof(over), "-");
			}
			extra_value(f, c, ex, sizeof(ex));
			if (is_revoke_wl(w) && isfinite(clk) &&
			    m < TIMER_FACTOR * clk) {
				mark = "  !timer";
				ntimer++;
			}
			if (rc)
				snprintf(line, sizeof(line), "  %-14.14s %10s ± %9s %7s %9s  %s%s",
					 c->primitive, med, sd, ratio,
					 fl ? over : "", ex,
					 c->nerr ? "  (some runs failed)" : "");
			else
				snprintf(line, sizeof(line), "  %-14.14s %10s ± %9s %9s  %s%s%s",
					 c->primitive, med, sd, ratio, ex, mark,
					 c->nerr ? "  (some runs failed)" : "");
			put_line(line);
		}
	}
	if (ntimer)
		printf("\n!timer: %d revoke cells have a median under %dx the timer cost\n"
		       "(calib_clock_ns = %.1f ns per back-to-back clock read pair): the\n"
		       "timer, not the revoke, is most of what they measure.\n",
		       ntimer, TIMER_FACTOR, clk);
	else if (isnan(clk))
		printf("\n(no calib_clock_ns in this file: revoke cells are not checked against\n"
		       "the timer cost)\n");
}

/* ---- unbind: pooled revoke percentiles, reclaim, teardown, memory -------- */

static void fmt_ci(char *buf, size_t len, double est, double lo, double hi)
{
	if (!(est > 0) || !isfinite(lo) || !isfinite(hi))
		snprintf(buf, len, "%s", "");
	else
		snprintf(buf, len, "[%+.0f,%+.0f%%]", (lo / est - 1) * 100,
			 (hi / est - 1) * 100);
}

static int any_counter(const struct rr_cell **s, int n, const char *w,
		       const char *name)
{
	int i;
	double v;

	for (i = 0; i < n; i++)
		if (!strcmp(s[i]->workload, w) &&
		    rr_cell_counter_median(s[i], name, &v))
			return 1;
	return 0;
}

static void pctl_tables(const struct rr_file *f, const struct rr_cell **s,
			int n)
{
	int i, k, first = 1, reclaim = any_counter(s, n, "unbind", "reclaim_p50_ns");

	for (k = 0; k < n; k++) {
		const struct rr_cell *c = s[k];
		struct rr_pctl p;
		char pw[128], line[256], v[RR_NPCTL][24], ci[32], r50[24], r99[24];
		int got;

		if (strcmp(c->workload, "unbind"))
			continue;
		got = rr_cell_pctl(f, c->key, 1, &p);
		if (got < 0)
			return;
		if (first) {
			first = 0;
			if (!f->ns) {
				printf("\nunbind: no raw samples file: no pooled percentiles (the\n"
				       "per-repetition counters are not pooled and are not shown)\n");
				return;
			}
			printf("\nunbind: revoke latency, every sample of a cell pooled (all repetitions)\n"
			       "[95%% CI]: two-stage bootstrap (repetitions, then samples in each),\n"
			       "%d resamples, seed %d.  A pXX is printed with >= 10 samples beyond it:\n"
			       "p90 from 100 samples, p99 from 1000; else n<100 / n<1000.\n",
			       RS_BOOT_B, RS_BOOT_SEED);
			if (reclaim)
				printf("recl: reclaim, revoke start until the memory is freed or reusable;\n"
				       "its samples pooled the same way when the samples file has them\n"
				       "(else the median of the per-repetition counters, marked ~)\n");
			if (reclaim)
				snprintf(line, sizeof(line), "  %-12s %6s %9s %9s %-13s %9s %9s",
					 "primitive", "n", "p50", "p99", "[95% CI]",
					 "recl p50", "recl p99");
			else
				snprintf(line, sizeof(line), "  %-12s %6s %9s %9s %9s %s",
					 "primitive", "n", "p50", "p90", "p99",
					 "[95% CI of p99]");
			put_line(line);
		}
		if (k == 0 || strcmp(c->params, s[k - 1]->params) ||
		    strcmp(s[k - 1]->workload, "unbind")) {
			params_words(pw, sizeof(pw), c->params);
			printf("%s\n", pw);
		}
		if (!got) {
			printf("  %-12.12s no samples\n", c->primitive);
			continue;
		}
		for (i = 0; i < RR_NPCTL; i++)
			if (p.shown[i])
				rr_fmt_time(v[i], sizeof(v[i]), p.est[i]);
			else
				rr_pctl_short(v[i], sizeof(v[i]), i);
		ci[0] = '\0';
		if (p.shown[RR_P99]) {
			fmt_ci(ci, sizeof(ci), p.est[RR_P99], p.lo[RR_P99],
			       p.hi[RR_P99]);
		} else if (p.shown[RR_P90] && !reclaim) {
			/* no p99 to bound: the interval of p90, said so */
			memcpy(ci, "p90 ", 4);
			fmt_ci(ci + 4, sizeof(ci) - 4, p.est[RR_P90],
			       p.lo[RR_P90], p.hi[RR_P90]);
		}
		if (reclaim) {
			char rkey[RB_NAME_MAX + 16];
			struct rr_pctl rp;
			double a, b;

			snprintf(rkey, sizeof(rkey), "%s%s", c->key,
				 RB_RECLAIM_SUFFIX);
			if (rr_cell_pctl(f, rkey, 0, &rp) > 0) {
				if (rp.shown[RR_P50])
					rr_fmt_time(r50, sizeof(r50),
						    rp.est[RR_P50]);
				else
					rr_pctl_short(r50, sizeof(r50), RR_P50);
				if (rp.shown[RR_P99])
					rr_fmt_time(r99, sizeof(r99),
						    rp.est[RR_P99]);
				else
					rr_pctl_short(r99, sizeof(r99), RR_P99);
			} else {
				if (rr_cell_counter_median(c, "reclaim_p50_ns", &a)) {
					r50[0] = '~';
					rr_fmt_time(r50 + 1, sizeof(r50) - 1, a);
				} else {
					snprintf(r50, sizeof(r50), "-");
				}
				if (rr_cell_counter_median(c, "reclaim_p99_ns", &b)) {
					r99[0] = '~';
					rr_fmt_time(r99 + 1, sizeof(r99) - 1, b);
				} else {
					snprintf(r99, sizeof(r99), "-");
				}
			}
			snprintf(line, sizeof(line), "  %-12.12s %6zu %9s %9s %-13s %9s %9s",
				 c->primitive, p.n, v[RR_P50], v[RR_P99], ci,
				 r50, r99);
		} else {
			snprintf(line, sizeof(line), "  %-12.12s %6zu %9s %9s %9s %s",
				 c->primitive, p.n, v[RR_P50], v[RR_P90],
				 v[RR_P99], ci);
		}
		put_line(line);
	}
}

/* teardown and memory, for every workload whose cells carry them */
static void mem_tables(const struct rr_cell **s, int n)
{
	static const char *const wls[] = { "unbind", "lifecycle" };
	size_t w;

	for (w = 0; w < sizeof(wls) / sizeof(wls[0]); w++) {
		int td = any_counter(s, n, wls[w], "teardown_ns");
		int br = any_counter(s, n, wls[w], "bytes_per_rev");
		int bd = any_counter(s, n, wls[w], "bytes_per_domain");
		int up = any_counter(s, n, wls[w], "unreclaimed_peak_bytes");
		char line[256], pw[128];
		int k, first = 1;

		/* lifecycle's bytes_per_rev alone is already its extra column */
		if (!td && !bd && !up && (!br || !strcmp(wls[w], "lifecycle")))
			continue;
		for (k = 0; k < n; k++) {
			const struct rr_cell *c = s[k];
			char a[24] = "", b[24] = "", d[24] = "", t[24] = "", u[24] = "";
			double x, y;
			int hx, hy;

			if (strcmp(c->workload, wls[w]))
				continue;
			if (first) {
				first = 0;
				printf("\n%s: teardown and memory, median over repetitions\n", wls[w]);
				if (br && bd)
					printf("total = bytes per revocable + bytes of its domain (hazptr slots,\n"
					       "a shared SRCU domain): what one resource costs alone\n");
				snprintf(line, sizeof(line), "  %-14s%s%s%s%s%s", "primitive",
					 td ? "   teardown" : "", br ? "      B/rev" : "",
					 bd ? "   B/domain" : "", br && bd ? "    B total" : "",
					 up ? "  unreclaimed peak B" : "");
				put_line(line);
			}
			if (k == 0 || strcmp(c->params, s[k - 1]->params) ||
			    strcmp(s[k - 1]->workload, wls[w])) {
				params_words(pw, sizeof(pw), c->params);
				printf("%s\n", pw);
			}
			if (td && rr_cell_counter_median(c, "teardown_ns", &x))
				rr_fmt_time(t, sizeof(t), x);
			hx = rr_cell_counter_median(c, "bytes_per_rev", &x);
			hy = rr_cell_counter_median(c, "bytes_per_domain", &y);
			if (hx)
				snprintf(a, sizeof(a), "%.0f", x);
			if (hy)
				snprintf(b, sizeof(b), "%.0f", y);
			if (hx && hy)
				snprintf(d, sizeof(d), "%.0f", x + y);
			if (up && rr_cell_counter_median(c, "unreclaimed_peak_bytes", &x))
				snprintf(u, sizeof(u), "%.0f", x);
			snprintf(line, sizeof(line), "  %-14.14s", c->primitive);
			if (td)
				snprintf(line + strlen(line), sizeof(line) - strlen(line), " %10s", t[0] ? t : "-");
			if (br)
				snprintf(line + strlen(line), sizeof(line) - strlen(line), " %10s", a[0] ? a : "-");
			if (bd)
				snprintf(line + strlen(line), sizeof(line) - strlen(line), " %10s", b[0] ? b : "-");
			if (br && bd)
				snprintf(line + strlen(line), sizeof(line) - strlen(line), " %10s", d[0] ? d : "-");
			if (up)
				snprintf(line + strlen(line), sizeof(line) - strlen(line), " %19s", u[0] ? u : "-");
			put_line(line);
		}
	}
}

static void fmt_run(char *buf, size_t len, double v)
{
	if (!isfinite(v))
		snprintf(buf, len, "-");
	else if (fabs(v) < 1000)
		snprintf(buf, len, "%.3f", v);
	else
		snprintf(buf, len, "%.1f", v);
}

static void run_tables(const struct rr_cell **s, int n)
{
	int i, j, printed = 0;

	for (i = 0; i < n; i = j) {
		int k, g, per;
		char pw[128];

		for (j = i; j < n && !strcmp(s[j]->workload, s[i]->workload) &&
		     !strcmp(s[j]->params, s[i]->params); j++)
			;
		if (!is_reader_cost(s[i]->workload))
			continue;
		if (!printed++)
			printf("\nReader cost per run, refscale layout (Time(ns) = ns per access per\n"
			       "reader of one repetition, one row per run)\n");
		params_words(pw, sizeof(pw), s[i]->params);
		/* balanced groups of at most RUN_COLS primitives */
		per = (j - i + RUN_COLS - 1) / RUN_COLS;
		per = (j - i + per - 1) / per;
		for (g = i; g < j; g += per) {
			int e = g + per < j ? g + per : j, r, rows = 0;

			printf("\n%s %s: Time(ns)\n", s[i]->workload, pw);
			printf("%-6s", "Runs");
			for (k = g; k < e; k++) {
				printf("%13.12s", s[k]->primitive);
				if (s[k]->n > rows)
					rows = s[k]->n;
			}
			printf("\n");
			for (r = 0; r < rows; r++) {
				printf("%-6d", r + 1);
				for (k = g; k < e; k++) {
					char b[24];

					fmt_run(b, sizeof(b), r < s[k]->n ?
						s[k]->v[r] : NAN);
					printf("%13s", b);
				}
				printf("\n");
			}
			for (r = 0; r < 3; r++) {
				static const char *const lbl[] = {
					"median", "min", "max",
				};

				printf("%-6s", lbl[r]);
				for (k = g; k < e; k++) {
					char b[24];
					double v = r == 0 ? rr_median(s[k]->v, s[k]->n) :
						   r == 1 ? rr_min(s[k]->v, s[k]->n) :
						   rr_max(s[k]->v, s[k]->n);

					fmt_run(b, sizeof(b), v);
					printf("%13s", b);
				}
				printf("\n");
			}
		}
	}
}

/* ---- --vs: mmtests layout --------------------------------------------- */

static void vs_value(char *buf, size_t len, const struct rr_cell *c)
{
	if (!c || !c->n)
		snprintf(buf, len, "-");
	else
		rr_fmt_ns(buf, len, rr_mean(c->v, c->n));
}

static void vs_tables(const struct rr_cell **s, int n,
		      const struct rr_cell *bc, int nbc, int *nsig)
{
	int i, j;

	for (i = 0; i < n; i = j) {
		const char *w = s[i]->workload;
		int k;

		for (j = i; j < n && !strcmp(s[j]->workload, w); j++)
			;
		printf("\n%s: %s, Amean\n", w,
		       wl_unit(w));
		printf("%-23s %10s %11s %10s\n", "", "base", "", "new");
		for (k = i; k < j; k++) {
			const struct rr_cell *c = s[k];
			const struct rr_cell *b = rr_cell_find(bc, nbc, c->key);
			char vb[24], vn[24], pw[128], mark[24];

			if (k == i || strcmp(c->params, s[k - 1]->params)) {
				params_words(pw, sizeof(pw), c->params);
				printf("%s\n", pw);
			}
			vs_value(vb, sizeof(vb), b);
			vs_value(vn, sizeof(vn), c);
			if (b && b->n && c->n) {
				double mb = rr_mean(b->v, b->n);
				double mn = rr_mean(c->v, c->n);
				double pct = mb != 0 ? (mb - mn) / mb * 100 : 0;
				double hw = rr_ci95(b->v, b->n) + rr_ci95(c->v, c->n);
				int sig = isfinite(hw) && fabs(mn - mb) > hw;

				if (sig)
					(*nsig)++;
				snprintf(mark, sizeof(mark), sig ? "*%7.2f%%*" :
					 "(%7.2f%%)", pct);
			} else {
				snprintf(mark, sizeof(mark), "%s",
					 b ? "(failed)" : "(not in base)");
			}
			printf("Amean  %-16.16s %10s (   0.00%%) %10s %s\n",
			       c->primitive, b ? vb : "-", vn, mark);
		}
	}
}

/* ---- --ascii-plot --------------------------------------------------------- */

static int ascii_plot(const char *path)
{
	char dir[] = "/tmp/revbench-report.XXXXXX";
	char script[4200], *paths[1];
	const char *tmpdir = getenv("TMPDIR");
	char dirbuf[4096];
	FILE *fp;
	pid_t pid;
	int st, ret = 2;

	if (tmpdir && *tmpdir &&
	    snprintf(dirbuf, sizeof(dirbuf), "%s/revbench-report.XXXXXX",
		     tmpdir) < (int)sizeof(dirbuf)) {
		if (!mkdtemp(dirbuf)) {
			fprintf(stderr, "revbench report: mkdtemp in %s: %s\n",
				tmpdir, strerror(errno));
			return 2;
		}
	} else {
		if (!mkdtemp(dir)) {
			fprintf(stderr, "revbench report: mkdtemp: %s\n",
				strerror(errno));
			return 2;
		}
		strcpy(dirbuf, dir);
	}
	paths[0] = (char *)path;
	if (rr_export_gnuplot(paths, 1, dirbuf))
		goto out;
	snprintf(script, sizeof(script), "%s/ascii.gp", dirbuf);
	fp = fopen(script, "w");
	if (!fp) {
		fprintf(stderr, "revbench report: %s: %s\n", script,
			strerror(errno));
		goto out;
	}
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
		"} else { print 'no translate cells: no reader-cost plot' }\n"
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
		"} else { print 'no unbind cells: no revoke-latency plot' }\n",
		dirbuf);
	if (fclose(fp)) {
		fprintf(stderr, "revbench report: %s: %s\n", script,
			strerror(errno));
		goto out;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "revbench report: fork: %s\n", strerror(errno));
		goto out;
	}
	if (!pid) {
		execlp("gnuplot", "gnuplot", script, (char *)NULL);
		fprintf(stderr, "revbench report: cannot run gnuplot (%s): install gnuplot-nox\n",
			strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "revbench report: gnuplot failed (--ascii-plot)\n");
		goto out;
	}
	ret = 0;
out:
	{
		/* remove what export and we wrote, then the directory */
		static const char *const names[] = {
			"meta.gp", "ascii.gp", "fig1-p1.dat", "fig2-p1.dat",
			"fig3-p1.dat", "fig4-p1.dat", "fig5-p1.dat",
			"fig6-p1.dat",
		};
		char p[4200];
		size_t i;

		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			snprintf(p, sizeof(p), "%s/%s", dirbuf, names[i]);
			unlink(p);
		}
		if (rmdir(dirbuf))
			fprintf(stderr, "revbench report: warning: could not remove %s: %s\n",
				dirbuf, strerror(errno));
	}
	return ret;
}

static void report_usage(FILE *fp)
{
	fprintf(fp,
		"usage: revbench report FILE.json [--vs BASE.json] [--ascii-plot]\n"
		"  Plain-text tables (<= 80 columns) for mailing lists: per workload,\n"
		"  primitives as rows, median ± stddev and ratio to none; refscale-style\n"
		"  per-run tables for reader cost.  --vs BASE: mmtests layout (Amean,\n"
		"  base column (   0.00%%), change with positive = better, *marked* when\n"
		"  beyond the summed 95%% confidence half-widths).  --ascii-plot: key\n"
		"  figures through gnuplot's dumb terminal.  Exit 2 on bad input.\n");
}

int cmd_report(int argc, char **argv)
{
	const char *file = NULL, *base = NULL;
	int ascii = 0, i, ret = 2, nsig = 0;
	struct rr_file f, bf;
	struct rr_cell *c = NULL, *bc = NULL;
	const struct rr_cell **s = NULL;
	int nc = 0, nbc = 0, have_f = 0, have_b = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--vs")) {
			if (++i >= argc) {
				fprintf(stderr, "revbench report: --vs needs a base results file\n");
				return 2;
			}
			base = argv[i];
		} else if (!strncmp(argv[i], "--vs=", 5)) {
			base = argv[i] + 5;
		} else if (!strcmp(argv[i], "--ascii-plot")) {
			ascii = 1;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			report_usage(stdout);
			return 0;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "revbench report: unknown option %s\n",
				argv[i]);
			report_usage(stderr);
			return 2;
		} else if (file) {
			fprintf(stderr, "revbench report: one results file (use --vs BASE to compare), got %s and %s\n",
				file, argv[i]);
			return 2;
		} else {
			file = argv[i];
		}
	}
	if (!file) {
		report_usage(stderr);
		return 2;
	}
	if (rr_load(file, &f))
		return 2;
	have_f = 1;
	nc = rr_cells(&f, &c);
	if (base) {
		if (rr_load(base, &bf))
			goto out;
		have_b = 1;
		nbc = rr_cells(&bf, &bc);
		for (i = 0; i < nc; i++)
			if (rr_cell_find(bc, nbc, c[i].key))
				break;
		if (i == nc) {
			fprintf(stderr, "revbench report: %s and %s have no benchmarks in common\n",
				base, file);
			goto out;
		}
	}
	s = sorted_cells(c, nc);
	if (!s)
		goto out;

	if (base) {
		header(&bf, "base: ");
		printf("\n");
		header(&f, "new:  ");
		if (strcmp(rr_env(&f), rr_env(&bf)))
			printf("!!! different environments: %s vs %s\n",
			       rr_env(&bf), rr_env(&f));
		printf("\nmmtests layout: %% = (base - new) / base, positive = better;\n"
		       "*x%%* = |new - base| > sum of the 95%% confidence half-widths.\n");
		vs_tables(s, nc, bc, nbc, &nsig);
		for (i = 0; i < nbc; i++)
			if (!rr_cell_find(c, nc, bc[i].key))
				printf("only in base: %s\n", bc[i].key);
		printf("\n%d significant changes (marked *...*).\n", nsig);
	} else {
		header(&f, "revbench report: ");
		tables(&f, s, nc);
		pctl_tables(&f, s, nc);
		mem_tables(s, nc);
		run_tables(s, nc);
	}
	ret = 0;
	if (ascii) {
		printf("\n");
		ret = ascii_plot(file);
	}
out:
	free(s);
	if (have_b) {
		rr_cells_free(bc, nbc);
		rr_free(&bf);
	}
	if (have_f) {
		rr_cells_free(c, nc);
		rr_free(&f);
	}
	return ret;
}
