// SPDX-License-Identifier: GPL-2.0
/*
 * compare.c - "revbench compare BASE... -- NEW..." : the regression verdict
 * for CI.
 *
 *   revbench compare BASE.json NEW.json
 *   revbench compare B1.json B2.json [...] -- N1.json N2.json [...]
 *   revbench compare --base B1.json --base B2.json --new N1.json ...
 *
 * Each file is one run (one process).  Per cell (benchmark key) and run,
 * the repetitions are summarised by their median; the runs of a side are
 * pooled, and the change is tested against run-to-run variation, with
 * Holm's correction across cells (the method is in stats.h, the reasons
 * in results/README.md).  Contexts are checked first: a run from another
 * environment, CPU, topology, placement, calibration regime, quick/full
 * mode or samples-per-repetition count is refused (exit 2) unless
 * --allow-mismatch; lesser differences are printed as warnings.
 *
 * Exit 1 on a REGRESSED cell, on a cell that ran in BASE and fails in NEW
 * (FAILED), and on a cell of BASE that NEW lacks (MISSING; --allow-missing
 * accepts it).  Exit 2 on bad input: unreadable, empty, malformed or
 * truncated file, wrong schema, environments mixed on one side, a file
 * given twice on a side, a refused context mismatch, no cell in common,
 * bad arguments.  Exit 0 otherwise.
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "results.h"
#include "stats.h"

#define MAX_RUNS 64

static void compare_usage(FILE *fp)
{
	fprintf(fp,
		"usage: revbench compare BASE.json NEW.json [options]\n"
		"       revbench compare BASE1.json [BASE2.json...] -- NEW1.json [NEW2.json...]\n"
		"       revbench compare --base B1.json [--base B2.json...] --new N1.json [...]\n"
		"  Each file is one run; give each side 3 or more independent runs, so\n"
		"  that run-to-run variance is measured per cell.  Per cell: median of\n"
		"  each run's repetitions, change = new/base of their geometric means,\n"
		"  one-sided t tests against the threshold, Holm-corrected across cells.\n"
		"options:\n"
		"  --threshold PCT     smallest change that counts (default 5)\n"
		"  --alpha A           family-wise error rate (default 0.05)\n"
		"  --correction holm|bh|none   multiple-comparison correction (holm)\n"
		"  --metric NAME       a counter instead of real_time (e.g. revoke_p99_ns;\n"
		"                      *_per_sec: higher is better)\n"
		"  --filter TEXT       only cells whose name contains TEXT\n"
		"  --allow-mismatch    compare despite a refused context mismatch\n"
		"  --allow-missing     a cell of BASE absent from NEW is not a failure\n"
		"exit: 1 REGRESSED, FAILED or MISSING; 0 none; 2 bad input.\n");
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

struct side {
	const char *paths[MAX_RUNS];
	int n;
	struct rr_file f[MAX_RUNS];
	struct rr_cell *c[MAX_RUNS];
	int nc[MAX_RUNS];
	int loaded;
};

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

/* ---- context checks ------------------------------------------------------ */

struct ctx_rule {
	const char *key;
	int refuse;		/* 1: exit 2 unless --allow-mismatch */
	double ratio;		/* numeric: differ when max/min > ratio */
	const char *why;
};

static const struct ctx_rule ctx_rules[] = {
	{ "revbench_env", 1, 0, "userspace, kernel and qemu-TCG numbers are different quantities" },
	{ "cpu_model", 1, 0, "another CPU" },
	{ "topology", 1, 0, "another CPU count or topology" },
	{ "placement", 1, 0, "threads placed differently" },
	{ "calib_regime", 1, 0, "CPU0<->CPU1 round trip in another regime (another core/SMT/socket pairing)" },
	{ "quick", 1, 0, "quick and full runs use other iteration and sample counts" },
	{ "synthetic", 1, 0, "synthetic test data against measured data" },
	{ "test_slow", 0, 0, "a deliberately slowed test run (REVBENCH_TEST_SLOW)" },
	{ "calib_pingpong_ns", 0, 1.5, "cross-CPU round trip moved by more than 1.5x" },
	{ "calib_clock_ns", 0, 1.5, "timer cost moved by more than 1.5x" },
	{ "clocksource", 0, 0, "another clocksource" },
	{ "kernel", 0, 0, "another kernel" },
	{ "vm_kernel", 0, 0, "another guest kernel" },
	{ "qemu_command", 0, 0, "another qemu command" },
	{ "compiler", 0, 0, "another compiler" },
	{ "cflags", 0, 0, "other compiler flags" },
	{ "urcu_flavor", 0, 0, "another liburcu flavour" },
	{ "rwlock_kind", 0, 0, "another rwlock implementation" },
	{ "membarrier", 0, 0, "membarrier state differs (hazptr-asym)" },
	{ "thread_cpus", 0, 0, "threads on other CPUs" },
	{ "repetitions", 0, 0, "another repetition count" },
	{ "min_time_s", 0, 0, "another minimum time per repetition" },
};

static int ctx_differs(const struct ctx_rule *r, const char *a, const char *b)
{
	if (!a && !b)
		return 0;
	if (!a || !b)
		return 1;
	if (r->ratio > 0) {
		char *ea, *eb;
		double x = strtod(a, &ea), y = strtod(b, &eb);

		if (*ea || *eb || !(x > 0) || !(y > 0))
			return strcmp(a, b) != 0;
		return (x > y ? x / y : y / x) > r->ratio;
	}
	return strcmp(a, b) != 0;
}

/* samples per repetition behind a cell's percentiles (revoke_samples) */
static int cell_samples(const struct rr_cell *c, double *out)
{
	return rr_cell_counter_median(c, "revoke_samples", out);
}

/*
 * Every file against the first base file.  Returns the number of refused
 * mismatches (printed), warnings printed on the way.
 */
static int check_contexts(struct side *s, int allow, int *nwarn)
{
	const struct rr_file *ref = &s[0].f[0];
	int refused = 0, si, fi;
	size_t r;

	for (si = 0; si < 2; si++)
		for (fi = 0; fi < s[si].n; fi++) {
			const struct rr_file *f = &s[si].f[fi];
			int i, nsamp = 0;
			double a = 0, b = 0;
			const char *ex = NULL;

			if (!si && !fi)
				continue;
			for (r = 0; r < sizeof(ctx_rules) / sizeof(ctx_rules[0]); r++) {
				const struct ctx_rule *cr = &ctx_rules[r];
				const char *va = rr_ctx(ref, cr->key);
				const char *vb = rr_ctx(f, cr->key);

				if (!ctx_differs(cr, va, vb))
					continue;
				printf("%s %s: %s \"%.60s\" vs \"%.60s\" in %s: %s\n",
				       cr->refuse ? (allow ? "!!! MISMATCH (allowed)" : "!!! MISMATCH") :
				       "warning:",
				       cr->key, base_name(ref->path), va ? va : "(absent)",
				       vb ? vb : "(absent)", base_name(f->path), cr->why);
				if (cr->refuse)
					refused++;
				else
					(*nwarn)++;
			}
			for (i = 0; i < s[si].nc[fi]; i++) {
				const struct rr_cell *c = &s[si].c[fi][i];
				const struct rr_cell *rc = rr_cell_find(s[0].c[0], s[0].nc[0], c->key);
				double x, y;

				if (rc && cell_samples(c, &y) && cell_samples(rc, &x) &&
				    x != y) {
					if (!nsamp++) {
						a = x;
						b = y;
						ex = c->key;
					}
				}
			}
			if (nsamp) {
				printf("%s revoke_samples: %.0f vs %.0f samples per repetition (%s and %d more cells) in %s vs %s: percentiles of other sample counts differ\n",
				       allow ? "!!! MISMATCH (allowed)" : "!!! MISMATCH",
				       a, b, ex, nsamp - 1, base_name(ref->path),
				       base_name(f->path));
				refused++;
			}
		}
	return refused;
}

/* ---- cells --------------------------------------------------------------- */

struct cmp_cell {
	const char *key, *workload;
	int in_base, in_new;		/* files of the side that have the key */
	int ok_base, ok_new;		/* runs with a value of the metric */
	int failed[2];			/* runs present without a success */
	const char *err;
	struct rs_run runs[2][MAX_RUNS];
	double *vals[2][MAX_RUNS];
};

enum cls { C_TEST, C_MISSING, C_FAILED, C_ERROR, C_NOMETRIC, C_NEWONLY };

/*
 * MISSING: no NEW file has the cell.  FAILED: a NEW run of it failed
 * (error_occurred: a contract violation, a timeout) while every BASE run
 * that has it succeeded.  error: no BASE run succeeded.
 */
static enum cls classify(const struct cmp_cell *x)
{
	if (!x->in_base)
		return C_NEWONLY;
	if (!x->in_new)
		return C_MISSING;
	if (x->failed[1] && !x->failed[0] && x->ok_base)
		return C_FAILED;
	if (!x->ok_base && (x->failed[0] || x->failed[1]))
		return C_ERROR;
	if (!x->ok_base || !x->ok_new)
		return x->failed[1] ? C_ERROR : C_NOMETRIC;
	return C_TEST;
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

static void describe_side(const char *role, const struct side *s)
{
	int i;

	for (i = 0; i < s->n; i++) {
		const struct rr_file *f = &s->f[i];
		const char *git = rr_ctx(f, "git_commit");
		const char *date = rr_ctx(f, "date");
		char head[32];

		if (!i)
			snprintf(head, sizeof(head), "%s: %d run%s", role, s->n,
				 s->n == 1 ? "" : "s");
		else
			head[0] = '\0';
		printf("%-13s %s (%s%s%s%s%.19s)\n", head, f->path, rr_env(f),
		       git ? ", git " : "", git ? git : "",
		       date ? ", " : "", date ? date : "");
	}
}

static int parse_side_args(int argc, char **argv, struct side *s,
			   double *threshold, double *alpha,
			   const char **metric, const char **filter,
			   enum rs_correction *corr, int *allow_mm,
			   int *allow_missing)
{
	const char *pos[2 * MAX_RUNS];
	int npos = 0, dashdash = -1, named = 0, i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			compare_usage(stdout);
			return 1;
		}
		if (!strcmp(a, "--")) {
			if (dashdash >= 0) {
				fprintf(stderr, "revbench compare: '--' given twice\n");
				return -1;
			}
			dashdash = npos;
			continue;
		}
		if (!strcmp(a, "--allow-mismatch")) {
			*allow_mm = 1;
			continue;
		}
		if (!strcmp(a, "--allow-missing")) {
			*allow_missing = 1;
			continue;
		}
		if (!strcmp(a, "--threshold") || !strcmp(a, "--alpha") ||
		    !strcmp(a, "--metric") || !strcmp(a, "--filter") ||
		    !strcmp(a, "--correction") || !strcmp(a, "--base") ||
		    !strcmp(a, "--new")) {
			const char *val;

			if (++i >= argc) {
				fprintf(stderr, "revbench compare: %s needs a value\n", a);
				return -1;
			}
			val = argv[i];
			if (!strcmp(a, "--threshold")) {
				if (parse_double(val, threshold) || *threshold < 0) {
					fprintf(stderr, "revbench compare: --threshold wants a percentage >= 0, got '%s'\n",
						val);
					return -1;
				}
			} else if (!strcmp(a, "--alpha")) {
				if (parse_double(val, alpha) || *alpha <= 0 || *alpha >= 1) {
					fprintf(stderr, "revbench compare: --alpha wants 0 < A < 1, got '%s'\n",
						val);
					return -1;
				}
			} else if (!strcmp(a, "--metric")) {
				*metric = val;
			} else if (!strcmp(a, "--filter")) {
				*filter = val;
			} else if (!strcmp(a, "--correction")) {
				int c;

				for (c = 0; c < 3; c++)
					if (!strcmp(val, rs_correction_names[c]))
						break;
				if (c == 3) {
					fprintf(stderr, "revbench compare: --correction wants holm, bh or none, got '%s'\n",
						val);
					return -1;
				}
				*corr = c;
			} else {
				struct side *t = &s[!strcmp(a, "--new")];

				if (t->n == MAX_RUNS) {
					fprintf(stderr, "revbench compare: at most %d runs per side\n",
						MAX_RUNS);
					return -1;
				}
				t->paths[t->n++] = val;
				named = 1;
			}
			continue;
		}
		if (a[0] == '-' && a[1]) {
			fprintf(stderr, "revbench compare: unknown option %s\n", a);
			compare_usage(stderr);
			return -1;
		}
		if (npos == 2 * MAX_RUNS) {
			fprintf(stderr, "revbench compare: too many files\n");
			return -1;
		}
		pos[npos++] = a;
	}
	if (named && (npos || dashdash >= 0)) {
		fprintf(stderr, "revbench compare: use either --base/--new or positional files, not both\n");
		return -1;
	}
	if (!named) {
		int nb;

		if (dashdash < 0) {
			if (npos != 2) {
				fprintf(stderr, "revbench compare: %s; with several runs per side, separate BASE and NEW files with '--'\n",
					npos < 2 ? "need a BASE and a NEW results file" :
					"more than two files and no '--'");
				if (npos < 2)
					compare_usage(stderr);
				return -1;
			}
			nb = 1;
		} else {
			nb = dashdash;
		}
		if (nb > MAX_RUNS || npos - nb > MAX_RUNS) {
			fprintf(stderr, "revbench compare: at most %d runs per side\n", MAX_RUNS);
			return -1;
		}
		for (i = 0; i < npos; i++) {
			struct side *t = &s[i >= nb];

			t->paths[t->n++] = pos[i];
		}
	}
	if (!s[0].n || !s[1].n) {
		fprintf(stderr, "revbench compare: no %s results file given\n",
			s[0].n ? "NEW" : "BASE");
		compare_usage(stderr);
		return -1;
	}
	return 0;
}

/* same path twice, or a copy of the same run, on one side */
static int same_run(const struct rr_file *a, const struct rr_file *b,
		    const char *pa, const char *pb)
{
	char ra[PATH_MAX], rb[PATH_MAX];
	int i;

	if (realpath(pa, ra) && realpath(pb, rb) && !strcmp(ra, rb))
		return 1;
	if (a->nb != b->nb)
		return 0;
	for (i = 0; i < a->nb; i++)
		if (strcmp(a->b[i].key, b->b[i].key) ||
		    a->b[i].real_ns != b->b[i].real_ns)
			return 0;
	return 1;
}

static void print_rule(const struct rs_cfg *cfg, const char *metric,
		       int ntested)
{
	const char *cn = cfg->corr == RS_HOLM ? "Holm" :
			 cfg->corr == RS_BH ? "Benjamini-Hochberg" : "NO";

	printf("\nverdict rule: per cell, each run's repetitions -> their median; change =\n"
	       "  new/base of the geometric means of the run medians (%s, %s is\n"
	       "  better). REGRESSED when a one-sided t test rejects \"change within\n"
	       "  %g %%\" at %s-adjusted p < %g across the %d tested cells; improved:\n"
	       "  the same the other way; same: neither (see the 95%% CI of the change).\n",
	       metric, cfg->higher_is_better ? "higher" : "lower",
	       cfg->threshold_pct, cn, cfg->alpha, ntested);
	if (cfg->corr == RS_HOLM)
		printf("  Holm bounds the chance of ANY false REGRESSED in this compare by %g\n"
		       "  under any dependence between cells: the exit status is one yes/no\n"
		       "  for all cells, so the family-wise error is the one to control.\n",
		       cfg->alpha);
	else if (cfg->corr == RS_BH)
		printf("  Benjamini-Hochberg bounds the expected share of false REGRESSED among\n"
		       "  those reported by %g (not the chance of one): for exploring, not CI.\n",
		       cfg->alpha);
	else
		printf("!!! NO multiple-comparison correction: with %d cells, about %.0f false\n"
		       "!!! REGRESSED/improved verdicts are expected by chance alone.\n",
		       ntested, ntested * cfg->alpha);
}

int cmd_compare(int argc, char **argv)
{
	struct side s[2];
	const char *metric = "real_time", *filter = NULL;
	double threshold = 5.0, alpha = 0.05;
	enum rs_correction corr = RS_HOLM;
	int allow_mm = 0, allow_missing = 0, ret = 2, i, j, si;
	struct cmp_cell *cells = NULL;
	int ncells = 0, cap = 0;
	const char **wls = NULL;
	int nwl = 0;
	struct rs_cell_in *in = NULL;
	struct rs_cell_out *out = NULL;
	struct rs_group *grp = NULL;
	int *idx = NULL, nin = 0;
	struct rs_cfg cfg;
	int nwarn = 0, refused, ntested;
	int cnt[4] = { 0 }, failed = 0, missing = 0, errs = 0, only_new = 0;
	int nometric = 0, partial = 0;

	memset(s, 0, sizeof(s));
	i = parse_side_args(argc, argv, s, &threshold, &alpha, &metric,
			    &filter, &corr, &allow_mm, &allow_missing);
	if (i)
		return i > 0 ? 0 : 2;

	for (si = 0; si < 2; si++)
		for (i = 0; i < s[si].n; i++) {
			if (rr_load(s[si].paths[i], &s[si].f[i]))
				goto out;
			s[si].loaded++;
			s[si].nc[i] = rr_cells(&s[si].f[i], &s[si].c[i]);
			if (s[si].nc[i] < 0)
				goto out;
		}
	/* one side: one environment, no run twice */
	for (si = 0; si < 2; si++)
		for (i = 1; i < s[si].n; i++) {
			for (j = 0; j < i; j++)
				if (same_run(&s[si].f[i], &s[si].f[j],
					     s[si].paths[i], s[si].paths[j])) {
					fprintf(stderr, "revbench compare: %s and %s on the %s side are the same run: each file must be an independent run\n",
						s[si].paths[j], s[si].paths[i],
						si ? "NEW" : "BASE");
					goto out;
				}
			if (strcmp(rr_env(&s[si].f[i]), rr_env(&s[si].f[0]))) {
				fprintf(stderr, "revbench compare: the %s side mixes environments: %s is %s, %s is %s\n",
					si ? "NEW" : "BASE", s[si].paths[0],
					rr_env(&s[si].f[0]), s[si].paths[i],
					rr_env(&s[si].f[i]));
				goto out;
			}
		}

	/* the union of cells, base first, in file order */
	for (si = 0; si < 2; si++)
		for (i = 0; i < s[si].n; i++)
			for (j = 0; j < s[si].nc[i]; j++) {
				const struct rr_cell *c = &s[si].c[i][j];
				struct cmp_cell *x = NULL;
				int k, m;
				double *v;

				if (filter && !strstr(c->key, filter))
					continue;
				for (k = 0; k < ncells; k++)
					if (!strcmp(cells[k].key, c->key)) {
						x = &cells[k];
						break;
					}
				if (!x) {
					if (ncells == cap) {
						cap = cap ? cap * 2 : 256;
						x = realloc(cells, cap * sizeof(*cells));
						if (!x)
							goto out;
						cells = x;
					}
					x = &cells[ncells++];
					memset(x, 0, sizeof(*x));
					x->key = c->key;
					x->workload = c->workload;
				}
				if (si)
					x->in_new++;
				else
					x->in_base++;
				if (!c->n) {
					x->failed[si]++;
					if (!x->err || !*x->err)
						x->err = c->err_msg;
					continue;
				}
				v = malloc((c->n + 1) * sizeof(double));
				if (!v)
					goto out;
				m = metric_values(c, metric, v);
				if (!m) {
					free(v);
					continue;
				}
				k = si ? x->ok_new++ : x->ok_base++;
				x->vals[si][k] = v;
				x->runs[si][k].v = v;
				x->runs[si][k].n = m;
			}
	for (i = 0; i < ncells; i++)
		if (cells[i].in_base && cells[i].in_new)
			break;
	if (i == ncells) {
		fprintf(stderr, "revbench compare: BASE and NEW have no benchmarks in common%s%s\n",
			filter ? " matching " : "", filter ? filter : "");
		goto out;
	}

	printf("revbench compare: %s (%s is better)\n", metric,
	       higher_is_better(metric) ? "higher" : "lower");
	describe_side("base", &s[0]);
	describe_side("new", &s[1]);
	refused = check_contexts(s, allow_mm, &nwarn);
	if (refused && !allow_mm) {
		fprintf(stderr, "revbench compare: refused: %d context mismatch%s between the runs (listed above); --allow-mismatch to compare anyway\n",
			refused, refused == 1 ? "" : "es");
		goto out;
	}
	if (rr_is_tcg(&s[0].f[0]) || rr_is_tcg(&s[1].f[0]))
		printf("!!! qemu TCG results: timings are NOT representative of hardware\n");

	/* the engine's input: cells in both with a metric, grouped by workload */
	in = calloc(ncells + 1, sizeof(*in));
	out = calloc(ncells + 1, sizeof(*out));
	idx = calloc(ncells + 1, sizeof(*idx));
	wls = calloc(ncells + 1, sizeof(*wls));
	if (!in || !out || !idx || !wls)
		goto out;
	for (i = 0; i < ncells; i++) {
		struct cmp_cell *x = &cells[i];

		switch (classify(x)) {
		case C_NEWONLY:
			only_new++;
			continue;
		case C_MISSING:
			missing++;
			continue;
		case C_FAILED:
			failed++;
			continue;
		case C_ERROR:
			errs++;
			continue;
		case C_NOMETRIC:
			nometric++;
			continue;
		case C_TEST:
			break;
		}
		if (x->ok_base < x->in_base || x->ok_new < x->in_new)
			partial++;
		for (j = 0; j < nwl; j++)
			if (!strcmp(wls[j], x->workload))
				break;
		if (j == nwl)
			wls[nwl++] = x->workload;
		in[nin].run[0] = x->runs[0];
		in[nin].run[1] = x->runs[1];
		in[nin].nrun[0] = x->ok_base;
		in[nin].nrun[1] = x->ok_new;
		in[nin].group = j;
		idx[i] = ++nin;
	}
	if (!nin && !failed && !missing) {
		fprintf(stderr, "revbench compare: no benchmark in common carries the metric '%s'\n",
			metric);
		goto out;
	}
	grp = calloc(nwl + 1, sizeof(*grp));
	if (!grp)
		goto out;
	memset(&cfg, 0, sizeof(cfg));
	cfg.threshold_pct = threshold;
	cfg.alpha = alpha;
	cfg.corr = corr;
	cfg.higher_is_better = higher_is_better(metric);
	ntested = rs_compare(in, nin, nwl, &cfg, out, grp);

	print_rule(&cfg, metric, ntested);
	if (s[0].n == 1 || s[1].n == 1) {
		double infl = NAN;

		for (j = 0; j < nwl; j++)
			if (grp[j].ncells > grp[j].nrep_cells &&
			    (isnan(infl) || grp[j].inflation > infl))
				infl = grp[j].inflation;
		printf("\n");
		if (s[0].n == 1 && s[1].n == 1) {
			printf("!!! ONE RUN PER SIDE.  Repetitions inside one process understate the\n"
			       "!!! run-to-run variance");
			if (isfinite(infl))
				printf(": here the two runs differ up to %.1fx more\n"
				       "!!! than their repetitions predict (median cell, worst workload)",
				       infl);
			printf(".\n!!! A cell's own run-to-run noise cannot be measured: each workload's is\n"
			       "!!! estimated from the spread of all its cells (an empirical null), which\n"
			       "!!! assumes that most cells did not change and that the cells of a\n"
			       "!!! workload are about equally noisy.  Give each side 3 or more runs:\n"
			       "!!!   revbench compare B1.json B2.json B3.json -- N1.json N2.json N3.json\n");
		} else {
			printf("NOTE: one side has a single run: run-to-run variance comes from the\n"
			       "other side's runs only.  3 or more runs per side give more power.\n");
		}
	}
	printf("\nrun-to-run noise per workload (sd, log scale, as %%):\n");
	for (j = 0; j < nwl; j++) {
		const struct rs_group *g = &grp[j];

		if (!g->ncells)
			continue;
		if (g->nrep_cells)
			printf("  %-12s %6.2f %%  of a run's median, %d cells; each cell's own shrunk\n"
			       "  %-12s           to it with prior df %.1f (inf: all pooled)\n",
			       wls[j], expm1(g->s0) * 100, g->nrep_cells, "",
			       g->d0);
		if (g->ncells > g->nrep_cells)
			printf("  %-12s %6.2f %%  beyond each cell's repetitions, null t df %g, %d\n"
			       "  %-12s           cells with one run per side%s\n",
			       wls[j], expm1(g->tau) * 100, g->nu,
			       g->ncells - g->nrep_cells, "",
			       g->pooled_global ? "; all workloads pooled (too few)" : "");
		if (g->lambda > 1)
			printf("  %-12s           its cells differ %.2fx more than that allows: every\n"
			       "  %-12s           standard error widened by %.2f (genomic control)\n",
			       "", g->lambda, "", g->lambda);
	}

	printf("\n%9s %9s %8s %-15s %6s %5s  %-9s  %s\n", "base", "new",
	       "change", "95% CI", "p_adj", "runs", "verdict", "benchmark");
	for (i = 0; i < ncells; i++) {
		struct cmp_cell *x = &cells[i];
		const struct rs_cell_out *o;
		char sb[32], sn[32], ci[40], sp[16], runs[16];
		const char *v;
		double p;
		enum cls cl;

		cl = classify(x);
		if (cl == C_NEWONLY || cl == C_NOMETRIC)
			continue;
		if (cl != C_TEST) {
			v = cl == C_MISSING ? "MISSING" : cl == C_FAILED ? "FAILED" : "error";
			printf("%9s %9s %8s %-15s %6s %5s  %-9s  %s (%s)\n", "-", "-",
			       "-", "", "-", "-", v, x->key,
			       !x->in_new ? (allow_missing ? "not in new, allowed" :
					     "not in new: --allow-missing to accept") :
			       x->err && *x->err ? x->err : "no successful repetition");
			continue;
		}
		if (!idx[i])
			continue;
		o = &out[idx[i] - 1];
		if (o->verdict == RS_NOTEST) {
			cnt[RS_NOTEST]++;
			printf("%9s %9s %8s %-15s %6s %2d/%-2d  %-9s  %s (%s)\n", "-",
			       "-", "-", "", "-", x->ok_base, x->ok_new, "no-test",
			       x->key, o->why ? o->why : "?");
			continue;
		}
		cnt[o->verdict]++;
		rr_fmt_ns(sb, sizeof(sb), o->med[0]);
		rr_fmt_ns(sn, sizeof(sn), o->med[1]);
		snprintf(ci, sizeof(ci), "[%+.1f,%+.1f]", o->lo * 100, o->hi * 100);
		p = o->verdict == RS_IMPROVED ? o->padj_imp :
		    (cfg.higher_is_better ? -1 : 1) * o->change >= 0 ?
		    o->padj_reg : o->padj_imp;
		snprintf(sp, sizeof(sp), p < 0.0001 ? "<1e-4" : "%.4f", p);
		snprintf(runs, sizeof(runs), "%d/%d", x->ok_base, x->ok_new);
		printf("%9s %9s %+7.1f%% %-15s %6s %5s  %-9s  %s\n", sb, sn,
		       o->change * 100, ci, sp, runs, rs_verdict_names[o->verdict],
		       x->key);
	}

	/* the line "make bench" (bench-results) prints from: ends in " compared" */
	printf("\nruns: base %d, new %d; %d cells compared\n", s[0].n, s[1].n,
	       ntested);
	printf("  REGRESSED %5d  new/base > %g %% at %s-adjusted p < %g\n",
	       cnt[RS_REGRESSED], threshold, rs_correction_names[corr], alpha);
	printf("  improved  %5d  new/base < -%g %% (in the better direction), same rule\n",
	       cnt[RS_IMPROVED], threshold);
	printf("  same      %5d  no change beyond %g %% visible above the noise\n",
	       cnt[RS_SAME], threshold);
	if (cnt[RS_NOTEST])
		printf("  no-test   %5d  could not be tested (reason on the line)\n",
		       cnt[RS_NOTEST]);
	if (failed)
		printf("  FAILED    %5d  ran in base, no successful repetition in new\n",
		       failed);
	if (missing)
		printf("  MISSING   %5d  in base, absent from new%s\n", missing,
		       allow_missing ? " (allowed: --allow-missing)" :
		       " (a failure; --allow-missing to accept)");
	if (errs)
		printf("  error     %5d  no successful repetition in base (nor in new)\n",
		       errs);
	if (nometric)
		printf("%d cells in common lack the metric %s.\n", nometric, metric);
	if (only_new)
		printf("Only in new: %d cells (not compared).\n", only_new);
	if (partial)
		printf("%d cells are absent or failed in some runs of a side: fewer runs there.\n",
		       partial);
	if (nwarn)
		printf("%d context warnings above: check them before trusting a verdict.\n",
		       nwarn);
	ret = cnt[RS_REGRESSED] || failed || (missing && !allow_missing) ? 1 : 0;
	printf("exit %d: %s\n", ret,
	       ret ? "regression (REGRESSED, FAILED or MISSING above)" :
	       "no regression");
out:
	for (i = 0; i < ncells; i++)
		for (si = 0; si < 2; si++)
			for (j = 0; j < (si ? cells[i].ok_new : cells[i].ok_base); j++)
				free(cells[i].vals[si][j]);
	free(cells);
	free(in);
	free(out);
	free(idx);
	free(wls);
	free(grp);
	for (si = 0; si < 2; si++)
		for (i = 0; i < s[si].loaded; i++) {
			rr_cells_free(s[si].c[i], s[si].nc[i]);
			rr_free(&s[si].f[i]);
		}
	return ret;
}
