// SPDX-License-Identifier: GPL-2.0
/*
 * compare.c - "revbench compare BASE NEW [--threshold PCT] [--alpha A]
 *              [--metric NAME] [--filter TEXT]"
 *
 * Regression verdict for CI.  For every benchmark present in both files
 * it takes the per-repetition values of the metric (real_time by default,
 * or a user counter), compares the medians and runs a two-sided
 * Mann-Whitney U test on the two samples.  A benchmark that ran in BASE
 * but has no successful repetition in NEW (error_occurred) is FAILED and
 * counts like a regression.
 *
 * The U test is computed here (rr_mwu_p() in results.c), not by calling
 * /usr/share/benchmark/compare.py: it reproduces scipy 1.10's
 * mannwhitneyu(alternative="two-sided"), which is what compare.py reports
 * as "time_pvalue" (tests/report_cli.sh checks the two agree when scipy is
 * there), and CI then needs neither Python nor scipy.
 *
 * A benchmark REGRESSED when p < alpha AND the median moved the wrong way
 * by more than the threshold: up for time-like metrics (real_time, *_ns,
 * ...), down for throughput (*_per_sec).  Exit 1 if any regressed, 0 if
 * none, 2 on bad input (unreadable, empty, malformed or truncated file,
 * no benchmark in common, bad arguments).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "results.h"

#define UTEST_OPTIMAL_REPS 9	/* as compare.py: fewer gives little power */

static void compare_usage(FILE *fp)
{
	fprintf(fp,
		"usage: revbench compare BASE.json NEW.json [--threshold PCT] [--alpha A]\n"
		"                        [--metric NAME] [--filter TEXT]\n"
		"  Per benchmark in both files: medians, change, Mann-Whitney U p-value\n"
		"  (two-sided) and a verdict.  REGRESSED = p < alpha (default 0.05) and\n"
		"  worse by more than PCT %% (default 5).  --metric picks a counter\n"
		"  instead of real_time (e.g. revoke_p99_ns); --filter keeps benchmarks\n"
		"  whose name contains TEXT.  Exit 1 if anything regressed, 0 if not,\n"
		"  2 on bad input.  A benchmark that fails in NEW but ran in BASE counts\n"
		"  as a regression (FAILED).\n");
}

static int parse_double(const char *s, double *out)
{
	char *end;

	*out = strtod(s, &end);
	return end == s || *end || !isfinite(*out) ? -1 : 0;
}

/* Higher is better only for rates. */
static int higher_is_better(const char *metric)
{
	size_t l = strlen(metric);

	return (l > 8 && !strcmp(metric + l - 8, "_per_sec")) ||
	       !strcmp(metric, "items_per_second") ||
	       !strcmp(metric, "bytes_per_second");
}

static int metric_values(const struct rr_cell *c, const char *metric,
			 double *out)
{
	if (!strcmp(metric, "real_time")) {
		memcpy(out, c->v, c->n * sizeof(double));
		return c->n;
	}
	return rr_cell_counter(c, metric, out);
}

static void describe(const char *role, const struct rr_file *f)
{
	const char *git = rr_ctx(f, "git_commit");

	printf("%-4s %s (%s%s%s)\n", role, f->path, rr_env(f),
	       git ? ", git " : "", git ? git : "");
}

int cmd_compare(int argc, char **argv)
{
	const char *paths[2] = { NULL, NULL }, *metric = "real_time";
	const char *filter = NULL;
	double threshold = 5.0, alpha = 0.05;
	struct rr_file f[2];
	struct rr_cell *c[2] = { NULL, NULL };
	int nc[2] = { 0, 0 }, np = 0, loaded = 0, i, ret = 2;
	int common = 0, regressed = 0, improved = 0, same = 0, small = 0;
	int notest = 0, weak = 0, only[2] = { 0, 0 }, nometric = 0, errs = 0;
	int broken = 0;
	int hib;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = NULL;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			compare_usage(stdout);
			return 0;
		}
		if (!strcmp(a, "--threshold") || !strcmp(a, "--alpha") ||
		    !strcmp(a, "--metric") || !strcmp(a, "--filter")) {
			if (++i >= argc) {
				fprintf(stderr, "revbench compare: %s needs a value\n", a);
				return 2;
			}
			val = argv[i];
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "revbench compare: unknown option %s\n", a);
			compare_usage(stderr);
			return 2;
		}
		if (!val) {
			if (np == 2) {
				fprintf(stderr, "revbench compare: exactly two results files, got a third: %s\n",
					a);
				return 2;
			}
			paths[np++] = a;
		} else if (!strcmp(a, "--threshold")) {
			if (parse_double(val, &threshold) || threshold < 0) {
				fprintf(stderr, "revbench compare: --threshold wants a percentage >= 0, got '%s'\n",
					val);
				return 2;
			}
		} else if (!strcmp(a, "--alpha")) {
			if (parse_double(val, &alpha) || alpha <= 0 || alpha >= 1) {
				fprintf(stderr, "revbench compare: --alpha wants 0 < A < 1, got '%s'\n",
					val);
				return 2;
			}
		} else if (!strcmp(a, "--metric")) {
			metric = val;
		} else {
			filter = val;
		}
	}
	if (np != 2) {
		compare_usage(stderr);
		return 2;
	}
	for (i = 0; i < 2; i++) {
		if (rr_load(paths[i], &f[i]))
			goto out;
		loaded++;
		nc[i] = rr_cells(&f[i], &c[i]);
	}
	hib = higher_is_better(metric);
	for (i = 0; i < nc[0]; i++)
		if ((!filter || strstr(c[0][i].key, filter)) &&
		    rr_cell_find(c[1], nc[1], c[0][i].key))
			break;
	if (i == nc[0]) {
		fprintf(stderr, "revbench compare: %s and %s have no benchmarks in common%s%s\n",
			paths[0], paths[1], filter ? " matching " : "",
			filter ? filter : "");
		goto out;
	}

	printf("revbench compare\n");
	describe("base", &f[0]);
	describe("new", &f[1]);
	printf("metric %s (%s is better); two-sided Mann-Whitney U, alpha %g; threshold %g %%\n",
	       metric, hib ? "higher" : "lower", alpha, threshold);
	if (strcmp(rr_env(&f[0]), rr_env(&f[1])))
		printf("WARNING: different environments (%s vs %s): the comparison mixes them\n",
		       rr_env(&f[0]), rr_env(&f[1]));
	if (rr_is_tcg(&f[0]) || rr_is_tcg(&f[1]))
		printf("WARNING: qemu TCG results: timings are NOT representative\n");
	printf("\n%11s %11s %8s %8s %5s  %-9s  %s\n", "base_median", "new_median",
	       "change", "p-value", "runs", "verdict", "benchmark");

	for (i = 0; i < nc[0]; i++) {
		const struct rr_cell *b = &c[0][i];
		const struct rr_cell *n;
		double *vb, *vn, mb, mn, chg, p, worse;
		int kb, kn;
		const char *verdict;
		char sb[32], sn[32], sp[16], runs[16];

		if (filter && !strstr(b->key, filter))
			continue;
		n = rr_cell_find(c[1], nc[1], b->key);
		if (!n) {
			only[0]++;
			continue;
		}
		common++;
		if (!b->n || !n->n) {
			/* a benchmark that stopped working is a regression */
			const char *v = !n->n && b->n ? "FAILED" :
					!b->n && n->n ? "fixed" : "error";

			if (!n->n && b->n)
				broken++;
			else
				errs++;
			printf("%11s %11s %8s %8s %5s  %-9s  %s (%s)\n", "-", "-",
			       "-", "-", "-", v, b->key,
			       n->err_msg && *n->err_msg ? n->err_msg :
			       b->err_msg && *b->err_msg ? b->err_msg :
			       "no successful repetition");
			continue;
		}
		vb = malloc(b->n * sizeof(double));
		vn = malloc(n->n * sizeof(double));
		if (!vb || !vn) {
			free(vb);
			free(vn);
			goto out;
		}
		kb = metric_values(b, metric, vb);
		kn = metric_values(n, metric, vn);
		if (!kb || !kn) {
			nometric++;
			free(vb);
			free(vn);
			continue;
		}
		mb = rr_median(vb, kb);
		mn = rr_median(vn, kn);
		chg = mb != 0 ? (mn - mb) / fabs(mb) * 100 : (mn == 0 ? 0 : INFINITY);
		worse = hib ? -chg : chg;
		p = (kb >= 2 && kn >= 2) ? rr_mwu_p(vb, kb, vn, kn) : NAN;
		if (isnan(p)) {
			verdict = "no-test";
			notest++;
		} else if (p >= alpha) {
			verdict = "same";
			same++;
		} else if (worse > threshold) {
			verdict = "REGRESSED";
			regressed++;
		} else if (-worse > threshold) {
			verdict = "improved";
			improved++;
		} else {
			verdict = "small";
			small++;
		}
		if (kb < UTEST_OPTIMAL_REPS || kn < UTEST_OPTIMAL_REPS)
			weak++;
		rr_fmt_ns(sb, sizeof(sb), mb);
		rr_fmt_ns(sn, sizeof(sn), mn);
		if (isnan(p))
			snprintf(sp, sizeof(sp), "-");
		else
			snprintf(sp, sizeof(sp), "%.4f", p);
		snprintf(runs, sizeof(runs), "%d/%d", kb, kn);
		printf("%11s %11s %+7.2f%% %8s %5s  %-9s  %s\n", sb, sn, chg, sp,
		       runs, verdict, b->key);
		free(vb);
		free(vn);
	}
	for (i = 0; i < nc[1]; i++)
		if ((!filter || strstr(c[1][i].key, filter)) &&
		    !rr_cell_find(c[0], nc[0], c[1][i].key))
			only[1]++;

	if (!common) {
		fprintf(stderr, "revbench compare: %s and %s have no benchmarks in common%s%s\n",
			paths[0], paths[1], filter ? " matching " : "",
			filter ? filter : "");
		goto out;
	}
	if (nometric == common) {
		fprintf(stderr, "revbench compare: no benchmark in common carries the metric '%s'\n",
			metric);
		goto out;
	}
	printf("\n%d compared\n", common - nometric);
	printf("  REGRESSED %5d  p < %g and worse by more than %g %%\n",
	       regressed, alpha, threshold);
	printf("  improved  %5d  p < %g and better by more than %g %%\n",
	       improved, alpha, threshold);
	printf("  small     %5d  p < %g, change within %g %%\n", small, alpha,
	       threshold);
	printf("  same      %5d  p >= %g\n", same, alpha);
	printf("  no-test   %5d  fewer than 2 runs on a side\n", notest);
	if (broken)
		printf("  FAILED    %5d  ran in base, no successful run in new\n",
		       broken);
	if (errs)
		printf("  error     %5d  no successful run in base (or in both)\n",
		       errs);
	if (nometric)
		printf("%d benchmarks in common lack the metric %s.\n", nometric,
		       metric);
	if (only[0] || only[1])
		printf("Only in base: %d, only in new: %d (not compared).\n",
		       only[0], only[1]);
	if (weak)
		printf("NOTE: %d comparisons have fewer than %d repetitions on a side: the U test\n"
		       "has little power there (it cannot reach small p-values).\n",
		       weak, UTEST_OPTIMAL_REPS);
	if (notest)
		printf("NOTE: %d benchmarks could not be tested (fewer than 2 repetitions on a\n"
		       "side, e.g. aggregates-only files): they can never count as regressions.\n",
		       notest);
	ret = regressed || broken ? 1 : 0;
out:
	for (i = 0; i < loaded; i++) {
		rr_cells_free(c[i], nc[i]);
		rr_free(&f[i]);
	}
	return ret;
}
