// SPDX-License-Identifier: GPL-2.0
/*
 * compare.c - the regression verdict (rv_compare(), shared with report
 * --vs and history) and "revbench compare BASE... -- NEW...", for CI.
 *
 *   revbench compare BASE.json NEW.json
 *   revbench compare B1.json B2.json [...] -- N1.json N2.json [...]
 *   revbench compare --base B1.json --base B2.json --new N1.json ...
 *
 * Each file is one run (one process).  Per cell and run, the repetitions
 * are summarised by their median, the runs of a side pooled, and the
 * change is tested against run-to-run variation with Holm's correction
 * across cells (stats.h; the reasons are in results/README.md).  Two
 * kinds of repetition are set aside first, and counted in the output:
 *   - cross-CPU cells (threads >= 2) of runs whose calibration probe
 *     (calib_regime: the CPU0<->CPU1 round trip) is in another regime than
 *     the first BASE run's: "regime changed", never a regression;
 *   - repetitions whose probe (probe_ns: the empty loop timed just before
 *     the repetition, on its threads) says the host ran them slower than
 *     the run's own fast level (rv_load()).
 * Contexts are checked first (rv_rules[]): another environment, CPU,
 * topology, placement, quick/full mode or samples-per-repetition count is
 * refused (exit 2) unless --allow-mismatch; the rest are warnings.
 *
 * Exit 1 on a REGRESSED cell, on a cell that ran in BASE and fails in NEW
 * (FAILED), and on a cell of BASE that NEW lacks (MISSING; --allow-missing
 * accepts it).  Exit 2 on bad input.  Exit 0 otherwise.
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"

/* A repetition whose probe is this much above the run's fast level ran
 * in the host's slow regime (the two levels differ about 2x here). */
#define RV_PROBE_FACTOR	1.5
#define RV_MAX_RUNS	1024

const struct rv_rule rv_rules[] = {
	{ "revbench_env", RV_REFUSE, 0, "userspace, kernel and qemu-TCG numbers are different quantities" },
	{ "cpu_model", RV_REFUSE, 0, "another CPU" },
	{ "topology", RV_REFUSE, 0, "another CPU count or topology" },
	{ "placement", RV_REFUSE, 0, "threads placed differently" },
	{ "quick", RV_REFUSE, 0, "quick and full runs use other iteration and sample counts" },
	{ "synthetic", RV_REFUSE, 0, "synthetic test data against measured data" },
	{ "kernel", RV_KERNEL, 0, "another kernel" },
	{ "vm_kernel", RV_KERNEL, 0, "another guest kernel" },
	{ "preemption", RV_KERNEL, 0, "another preemption model: readers and grace periods differ" },
	{ "hz", RV_KERNEL, 0, "another HZ: grace periods are counted in ticks" },
	{ "rcu_lazy", RV_KERNEL, 0, "lazy RCU callbacks on one side only" },
	{ "rcu_expedited", RV_KERNEL, 0, "expedited grace periods on one side only" },
	{ "rcu_normal", RV_KERNEL, 0, "rcu_normal: expedited grace periods forced normal on one side" },
	{ "rcu_nocbs", RV_KERNEL, 0, "other offloaded-callback CPUs" },
	{ "srcu_exp_holdoff", RV_KERNEL, 0, "another srcutree.exp_holdoff: when synchronize_srcu() expedites" },
	{ "srcu_convert_to_big", RV_KERNEL, 0, "another srcutree.convert_to_big" },
	{ "irqoff", RV_KERNEL, 0, "timed windows with and without interrupts off" },
	{ "qemu_command", RV_KERNEL, 0, "another qemu command" },
	{ "calib_regime", RV_WARN, 0, "CPU0<->CPU1 round trip in another regime: its cross-CPU cells are set aside" },
	{ "test_slow", RV_WARN, 0, "a deliberately slowed test run (REVBENCH_TEST_SLOW)" },
	{ "calib_pingpong_ns", RV_WARN, 1.5, "cross-CPU round trip moved by more than 1.5x" },
	{ "calib_clock_ns", RV_WARN, 1.5, "timer cost moved by more than 1.5x" },
	{ "clocksource", RV_WARN, 0, "another clocksource" },
	{ "compiler", RV_WARN, 0, "another compiler" },
	{ "cflags", RV_WARN, 0, "other compiler flags" },
	{ "urcu_flavor", RV_WARN, 0, "another liburcu flavour" },
	{ "rwlock_kind", RV_WARN, 0, "another rwlock implementation" },
	{ "membarrier", RV_WARN, 0, "membarrier state differs (hazptr-asym)" },
	{ "thread_cpus", RV_WARN, 0, "threads on other CPUs" },
	{ "repetitions", RV_WARN, 0, "another repetition count" },
	{ "min_time_s", RV_WARN, 0, "another minimum time per repetition" },
};
const int rv_nrules = sizeof(rv_rules) / sizeof(rv_rules[0]);

int rv_differs(const struct rv_rule *r, const char *a, const char *b)
{
	double x, y;

	if (!a || !b)
		return a != b;
	if (r->ratio > 0 && !ut_real(a, 1e-300, INFINITY, &x) &&
	    !ut_real(b, 1e-300, INFINITY, &y))
		return (x > y ? x / y : y / x) > r->ratio;
	return strcmp(a, b) != 0;
}

int rv_higher_is_better(const char *metric)
{
	size_t l = strlen(metric);

	return (l > 8 && !strcmp(metric + l - 8, "_per_sec")) ||
	       !strcmp(metric, "items_per_second") ||
	       !strcmp(metric, "bytes_per_second");
}

/* ---- runs ------------------------------------------------------------------ */

/*
 * The probe of every repetition (probe_ns, when the run recorded it):
 * the run's fast level is the 10th percentile over all of them; a
 * repetition above RV_PROBE_FACTOR times that ran in the slow regime and
 * is set aside.  Runs without probes set nothing aside.
 */
static void probe_regimes(struct rv_run *r)
{
	double *all = NULL, x, ref = NAN;
	int i, j, n = 0;

	r->aside = xcalloc(r->nc + 1, sizeof(*r->aside));
	for (i = 0; i < r->nc; i++)
		for (j = 0; j < r->c[i].n; j++)
			if (rr_counter(r->c[i].rep[j], "probe_ns", &x) && x > 0) {
				all = xrealloc(all, (n + 1) * sizeof(*all));
				all[n++] = x;
			}
	if (n)
		ref = rs_quantile(all, n, 0.1);
	free(all);
	for (i = 0; i < r->nc; i++) {
		r->aside[i] = xcalloc(r->c[i].n + 1, 1);
		for (j = 0; j < r->c[i].n && n; j++)
			r->aside[i][j] = rr_counter(r->c[i].rep[j], "probe_ns", &x) &&
					 x > RV_PROBE_FACTOR * ref;
	}
}

int rv_load(struct rv_run *r, const char *path, int flags)
{
	memset(r, 0, sizeof(*r));
	if (rr_load(path, &r->f, flags))
		return -1;
	r->nc = rr_cells(&r->f, &r->c);
	probe_regimes(r);
	return 0;
}

void rv_free_run(struct rv_run *r)
{
	int i;

	for (i = 0; r->aside && i < r->nc; i++)
		free(r->aside[i]);
	free(r->aside);
	rr_cells_free(r->c, r->nc);
	rr_free(&r->f);
	memset(r, 0, sizeof(*r));
}

/* ---- the verdict ----------------------------------------------------------- */

/*
 * MISSING: no NEW run has the cell.  FAILED: a NEW run of it failed
 * (error_occurred: a contract violation, a timeout) while every BASE run
 * that has it succeeded.  error: no BASE run succeeded.
 */
static enum rv_cls classify(const struct rv_cell *x)
{
	if (!x->in[0])
		return RV_NEWONLY;
	if (!x->in[1])
		return RV_MISSING;
	if (x->failed[1] && !x->failed[0] && x->ok[0])
		return RV_FAILED;
	if (!x->ok[0] && (x->failed[0] || x->failed[1]))
		return RV_ERROR;
	if (x->regime_aside[0] + x->regime_aside[1] &&
	    (!x->ok[0] || !x->ok[1]))
		return RV_REGIME;
	if (!x->ok[0] || !x->ok[1])
		return x->failed[1] ? RV_ERROR : RV_NOMETRIC;
	return RV_TEST;
}

static struct rv_cell *cell_of(struct rv_cmp *v, const struct rr_cell *c,
			       int nruns)
{
	int k;

	for (k = 0; k < v->ncell; k++)
		if (!strcmp(v->cell[k].key, c->key))
			return &v->cell[k];
	v->cell = xrealloc(v->cell, (v->ncell + 1) * sizeof(*v->cell));
	memset(&v->cell[v->ncell], 0, sizeof(*v->cell));
	v->cell[v->ncell].key = c->key;
	v->cell[v->ncell].cell = c;
	for (k = 0; k < 2; k++)
		v->cell[v->ncell].runs[k] = xcalloc(nruns + 1,
						    sizeof(struct rs_run));
	return &v->cell[v->ncell++];
}

int rv_values(const struct rv_run *r, int ci, const char *metric,
	      bool no_probe, double *out, int *aside)
{
	const struct rr_cell *c = &r->c[ci];
	double *slow = xmalloc((c->n + 1) * sizeof(double)), y;
	int j, m = 0, ns = 0;

	for (j = 0; j < c->n; j++) {
		if (strcmp(metric, "real_time"))
			y = rr_counter(c->rep[j], metric, &y) ? y : NAN;
		else
			y = c->v[j];
		if (!isfinite(y))
			continue;
		if (r->aside[ci][j] && !no_probe)
			slow[ns++] = y;
		else
			out[m++] = y;
	}
	/* all of them slow: keep them, the run's level is theirs */
	if (!m)
		memcpy(out, slow, (m = ns) * sizeof(double));
	*aside = m == ns ? 0 : ns;
	free(slow);
	return m;
}

/* One run's repetitions of cell ci into x, side si. */
static void add_run(struct rv_cmp *v, struct rv_cell *x, int si,
		    const struct rv_run *r, int ci)
{
	const struct rr_cell *c = &r->c[ci];
	const char *reg = rr_ctx(&r->f, "calib_regime");
	double *val;
	int m, aside;

	x->in[si]++;
	if (!c->n) {
		x->failed[si]++;
		if (!x->err || !*x->err)
			x->err = c->err_msg;
		return;
	}
	/* a cross-CPU cell measured in another calibration regime */
	if (c->p.threads >= 2 && reg && v->regime[0] &&
	    strcmp(reg, v->regime[0])) {
		x->regime_aside[si]++;
		return;
	}
	val = xmalloc((c->n + 1) * sizeof(double));
	m = rv_values(r, ci, v->metric, v->no_probe, val, &aside);
	v->reps_total += m + aside;
	v->reps_aside += aside;
	if (!m) {
		free(val);
		return;
	}
	x->runs[si][x->ok[si]].v = val;
	x->runs[si][x->ok[si]++].n = m;
}

/*
 * The cell's earlier runs (--history), under the same regime rule: slot i
 * is history run i (n = 0: not there, failed or set aside).
 */
static void add_hist(struct rv_cmp *v, struct rv_cell *x)
{
	struct rv_cell h = { .runs = { NULL, NULL } };
	int i;

	if (!v->nhist)
		return;
	h.runs[0] = xcalloc(v->nhist, sizeof(struct rs_run));
	for (i = 0; i < v->nhist; i++) {
		const struct rr_cell *c = rr_cell_find(v->hist[i]->c,
						       v->hist[i]->nc, x->key);
		int aside = v->reps_aside, total = v->reps_total;

		if (c)
			add_run(v, &h, 0, v->hist[i], c - v->hist[i]->c);
		h.ok[0] = i + 1;	/* an empty slot when nothing was added */
		v->reps_aside = aside;	/* counted for the sides only */
		v->reps_total = total;
	}
	x->hist = h.runs[0];
	x->nhist = v->nhist;
}

int rv_compare(struct rv_cmp *v, struct rv_run **side[2],
	       const int n[2])
{
	struct rs_cell_in *in;
	struct rs_cell_out *out;
	int si, i, j, nin = 0, common = 0;
	char *name;

	v->cell = NULL;
	v->ncell = v->nwl = v->ntested = v->partial = 0;
	v->reps_aside = v->reps_total = 0;
	memset(v->count, 0, sizeof(v->count));
	memset(v->ncls, 0, sizeof(v->ncls));
	for (si = 0; si < 2; si++)
		v->regime[si] = n[si] ? rr_ctx(&side[si][0]->f,
					       "calib_regime") : NULL;
	/* the union of cells, base first, in file order */
	for (si = 0; si < 2; si++)
		for (i = 0; i < n[si]; i++)
			for (j = 0; j < side[si][i]->nc; j++) {
				const struct rr_cell *c = &side[si][i]->c[j];

				if (v->filter && !strstr(c->key, v->filter))
					continue;
				add_run(v, cell_of(v, c, n[0] > n[1] ? n[0] : n[1]),
					si, side[si][i], j);
			}
	v->wls = xcalloc(v->ncell + 1, sizeof(*v->wls));
	in = xcalloc(v->ncell + 1, sizeof(*in));
	out = xcalloc(v->ncell + 1, sizeof(*out));
	for (i = 0; i < v->ncell; i++) {
		struct rv_cell *x = &v->cell[i];

		common |= x->in[0] && x->in[1];
		x->cls = classify(x);
		v->ncls[x->cls]++;
		x->out.verdict = RS_NOTEST;
		if (x->cls != RV_TEST)
			continue;
		v->partial += x->ok[0] < x->in[0] || x->ok[1] < x->in[1];
		/*
		 * The noise groups: a workload's one-thread cells and its
		 * cross-CPU cells apart, their run-to-run noise differs
		 * several-fold (with one run a side a group's is estimated
		 * from its cells; with more, each cell's own is shrunk
		 * towards its group's).  Genomic control takes the
		 * workload's groups together: they share the host's state.
		 */
		name = xasprintf("%s%s", x->cell->workload,
				 x->cell->p.threads >= 2 ? " T>=2" : "");
		for (j = 0; j < v->nwl && strcmp(v->wls[j], name); j++)
			;
		if (j == v->nwl)
			v->wls[v->nwl++] = name;
		else
			free(name);
		x->group = j;
		in[nin].run[0] = x->runs[0];
		in[nin].run[1] = x->runs[1];
		in[nin].nrun[0] = x->ok[0];
		in[nin].nrun[1] = x->ok[1];
		add_hist(v, x);
		in[nin].hist = x->hist;
		in[nin].nhist = x->nhist;
		in[nin].family = x->cell->wl->rank + 1;
		in[nin++].group = j;
	}
	v->grp = xcalloc(v->nwl + 1, sizeof(*v->grp));
	v->cfg.higher_is_better = rv_higher_is_better(v->metric);
	v->ntested = rs_compare(in, nin, v->nwl, &v->cfg, out, v->grp);
	for (i = 0, j = 0; i < v->ncell; i++)
		if (v->cell[i].cls == RV_TEST) {
			v->cell[i].out = out[j++];
			v->count[v->cell[i].out.verdict]++;
		}
	free(in);
	free(out);
	return common ? 0 : -1;
}

void rv_free(struct rv_cmp *v)
{
	int i, j, si;

	for (i = 0; i < v->ncell; i++) {
		for (si = 0; si < 2; si++) {
			for (j = 0; j < v->cell[i].ok[si]; j++)
				free((double *)v->cell[i].runs[si][j].v);
			free(v->cell[i].runs[si]);
		}
		for (j = 0; j < v->cell[i].nhist; j++)
			free((double *)v->cell[i].hist[j].v);
		free(v->cell[i].hist);
	}
	free(v->cell);
	for (i = 0; i < v->nwl; i++)
		free((char *)v->wls[i]);
	free(v->wls);
	free(v->grp);
	v->cell = NULL;
	v->wls = NULL;
	v->grp = NULL;
}

/* The verdict rule, stated for the output. */
static void print_rule(const struct rv_cmp *v)
{
	const struct rs_cfg *cfg = &v->cfg;
	const char *cn = cfg->corr == RS_HOLM ? "Holm" :
			 cfg->corr == RS_BH ? "Benjamini-Hochberg" : "NO";

	printf("\nverdict rule: per cell, each run's repetitions -> their median; change =\n"
	       "  new/base of the geometric means of the run medians (%s, %s is\n"
	       "  better). REGRESSED when a one-sided t test rejects \"change within\n"
	       "  %g %%\" at %s-adjusted p < %g across the %d tested cells; improved:\n"
	       "  the same the other way; same: neither (see the 95%% CI of the change).\n",
	       v->metric, cfg->higher_is_better ? "higher" : "lower",
	       cfg->threshold_pct, cn, cfg->alpha, v->ntested);
	printf("  Set aside first: repetitions whose probe (the empty loop before each)\n"
	       "  ran over %.1fx the run's fast level (%d of %d here%s), and cross-CPU\n"
	       "  cells (threads >= 2) of runs in another calibration regime (\"regime\").\n"
	       "  A workload's one-thread and cross-CPU cells are two noise groups.\n",
	       RV_PROBE_FACTOR, v->reps_aside, v->reps_total,
	       v->no_probe ? "; --no-probe: kept" : "");
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
		       v->ntested, v->ntested * cfg->alpha);
}

/* ---- the command -------------------------------------------------------------- */

struct side_paths {
	const char *p[RV_MAX_RUNS];
	int n;
};

struct cmp_args {
	struct side_paths base, new;
	char **hist;
	int nh;
};

static int add_hist_path(const char *val, void *dst)
{
	struct cmp_args *a = dst;

	return rr_find(val, &a->hist, &a->nh);
}

static int add_side(const char *val, void *dst)
{
	struct side_paths *sp = dst;

	if (sp->n == RV_MAX_RUNS)
		return ut_bad("compare", "at most %d runs per side", RV_MAX_RUNS);
	sp->p[sp->n++] = val;
	return 0;
}

static int set_corr(const char *val, void *dst)
{
	int c;

	for (c = 0; c < 3; c++)
		if (!strcmp(val, rs_correction_names[c])) {
			*(enum rs_correction *)dst = c;
			return 0;
		}
	return ut_bad("compare", "--correction wants holm, bh or none, got '%s'",
		      val);
}

static void compare_usage(FILE *fp)
{
	fprintf(fp,
		"usage: revbench compare BASE.json NEW.json [options]\n"
		"       revbench compare BASE1.json [BASE2.json...] -- NEW1.json [NEW2.json...]\n"
		"       revbench compare --base B1.json [--base B2.json...] --new N1.json [...]\n"
		"  Each file is one run.  Per cell: median of each run's repetitions,\n"
		"  change = new/base of their geometric means, one-sided t tests against\n"
		"  the threshold, Holm-corrected across cells.  Repetitions the probe\n"
		"  says ran slow, and cross-CPU cells of runs in another calibration\n"
		"  regime, are set aside.  3 or more runs per side give more power.\n"
		"options:\n"
		"  --threshold PCT     smallest change that counts (default 5)\n"
		"  --alpha A           family-wise error rate (default 0.05)\n"
		"  --correction holm|bh|none   multiple-comparison correction (holm)\n"
		"  --metric NAME       a counter instead of real_time (e.g. revoke_p99_ns;\n"
		"                      *_per_sec: higher is better)\n"
		"  --filter TEXT       only cells whose name contains TEXT\n"
		"  --allow-mismatch    compare despite a refused context mismatch\n"
		"  --allow-missing     a cell of BASE absent from NEW is not a failure\n"
		"  --no-probe          keep the repetitions the regime probe sets aside\n"
		"  --history PATH      earlier runs (files, run folders or folders of them):\n"
		"                      with one run a side, each cell's run-to-run noise\n"
		"                      from them (repeatable)\n"
		"exit: 1 REGRESSED, FAILED or MISSING; 0 none; 2 bad input.\n");
}

/* Positional files, "--" splitting BASE from NEW, or --base/--new. */
static int split_sides(struct cmp_args *a, const char **pos, int npos)
{
	int dd = -1, i, nb;

	for (i = 0; i < npos; i++)
		if (!strcmp(pos[i], "--")) {
			if (dd >= 0)
				return ut_bad("compare", "'--' given twice");
			dd = i;
		}
	if (a->base.n || a->new.n) {
		if (npos)
			return ut_bad("compare", "use either --base/--new or positional files, not both");
	} else if (dd < 0 && npos != 2) {
		ut_bad("compare", "%s; with several runs per side, separate BASE and NEW files with '--'",
		       npos < 2 ? "need a BASE and a NEW results file" :
		       "more than two files and no '--'");
		if (npos < 2)
			compare_usage(stderr);
		return -1;
	} else {
		nb = dd < 0 ? 1 : dd;
		for (i = 0; i < npos; i++)
			if (i != dd && add_side(pos[i], i < nb ? &a->base : &a->new))
				return -1;
	}
	if (!a->base.n || !a->new.n) {
		ut_bad("compare", "no %s results file given", a->base.n ? "NEW" : "BASE");
		compare_usage(stderr);
		return -1;
	}
	return 0;
}

/* same path twice, or a copy of the same run, on one side */
static int same_run(const struct rv_run *a, const struct rv_run *b)
{
	char ra[PATH_MAX], rb[PATH_MAX];
	int i;

	if (realpath(a->f.path, ra) && realpath(b->f.path, rb) && !strcmp(ra, rb))
		return 1;
	if (a->f.nb != b->f.nb)
		return 0;
	for (i = 0; i < a->f.nb; i++)
		if (strcmp(a->f.b[i].key, b->f.b[i].key) ||
		    a->f.b[i].real_ns != b->f.b[i].real_ns)
			return 0;
	return 1;
}

/*
 * Every run against the first BASE run: refusals and warnings printed;
 * returns the number of refusals.
 */
static int check_contexts(struct rv_run **runs, int n, int allow, int *nwarn)
{
	const struct rv_run *ref = runs[0];
	int refused = 0, fi, r, i;

	for (fi = 1; fi < n; fi++) {
		const struct rv_run *f = runs[fi];
		int nsamp = 0;
		double a = 0, b = 0, x, y;
		const char *ex = NULL;

		for (r = 0; r < rv_nrules; r++) {
			const struct rv_rule *cr = &rv_rules[r];
			const char *va = rr_ctx(&ref->f, cr->key);
			const char *vb = rr_ctx(&f->f, cr->key);
			int refuse = cr->level == RV_REFUSE;

			if (!rv_differs(cr, va, vb))
				continue;
			printf("%s %s: %s \"%.60s\" vs \"%.60s\" in %s: %s\n",
			       refuse ? (allow ? "!!! MISMATCH (allowed)" : "!!! MISMATCH") :
			       "warning:", cr->key, ut_basename(ref->f.path),
			       va ? va : "(absent)", vb ? vb : "(absent)",
			       ut_basename(f->f.path), cr->why);
			refused += refuse;
			*nwarn += !refuse;
		}
		for (i = 0; i < f->nc; i++) {
			const struct rr_cell *c = &f->c[i];
			const struct rr_cell *rc = rr_cell_find(ref->c, ref->nc, c->key);

			/* samples per repetition behind the percentiles */
			if (rc && rr_cell_median(c, "revoke_samples", &y) &&
			    rr_cell_median(rc, "revoke_samples", &x) &&
			    x != y && !nsamp++) {
				a = x;
				b = y;
				ex = c->key;
			}
		}
		if (nsamp) {
			printf("%s revoke_samples: %.0f vs %.0f samples per repetition (%s and %d more cells) in %s vs %s: percentiles of other sample counts differ\n",
			       allow ? "!!! MISMATCH (allowed)" : "!!! MISMATCH",
			       a, b, ex, nsamp - 1, ut_basename(ref->f.path),
			       ut_basename(f->f.path));
			refused++;
		}
	}
	return refused;
}

static void describe_side(const char *role, struct rv_run *const *s, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		const struct rr_file *f = &s[i]->f;
		const char *git = rr_ctx(f, "git_commit");
		const char *date = rr_ctx(f, "date");
		char head[32] = "";

		if (!i)
			snprintf(head, sizeof(head), "%s: %d run%s", role, n,
				 n == 1 ? "" : "s");
		printf("%-13s %s (%s%s%s%s%.19s)\n", head, f->path, rr_env(f),
		       git ? ", git " : "", git ? git : "",
		       date ? ", " : "", date ? date : "");
	}
}

/* What one run a side, or one run on a side, means for the verdict. */
static void print_noise(const struct rv_cmp *v, const int n[2])
{
	double infl = NAN;
	int j;

	if (n[0] == 1 || n[1] == 1) {
		for (j = 0; j < v->nwl; j++)
			if (v->grp[j].ncells > v->grp[j].nrep_cells &&
			    (isnan(infl) || v->grp[j].inflation > infl))
				infl = v->grp[j].inflation;
		printf("\n");
		if (n[0] == 1 && n[1] == 1) {
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
	for (j = 0; j < v->nwl; j++) {
		const struct rs_group *g = &v->grp[j];

		if (!g->ncells)
			continue;
		if (g->nrep_cells)
			printf("  %-16s %6.2f %%  of a run's median, %d cells; each cell's own\n"
			       "  %-16s           shrunk to it, prior df %.1f (inf: all pooled)\n",
			       v->wls[j], expm1(g->s0) * 100, g->nrep_cells, "",
			       g->d0);
		if (g->ncells > g->nrep_cells)
			printf("  %-16s %6.2f %%  beyond each cell's repetitions, null t df %g,\n"
			       "  %-16s           %d cells with one run per side%s\n",
			       v->wls[j], expm1(g->tau) * 100, g->nu, "",
			       g->ncells - g->nrep_cells,
			       g->pooled_global ? "; all workloads pooled (too few)" : "");
		if (fabs(g->shift) >= 0.005)
			printf("  %-16s           its cells moved %+.1f %% together (the median\n"
			       "  %-16s           cell's: the host's state): tested against that\n",
			       "", expm1(g->shift) * 100, "");
		if (g->lambda > 1)
			printf("  %-16s           its cells differ %.2fx more than that allows:\n"
			       "  %-16s           every standard error widened by %.2f (genomic control)\n",
			       "", g->lambda, "", g->lambda);
	}
}

static void print_cell(const struct rv_cmp *v, const struct rv_cell *x,
		       int allow_missing)
{
	static const char *const what[] = {
		[RV_MISSING] = "MISSING", [RV_FAILED] = "FAILED",
		[RV_ERROR] = "error", [RV_REGIME] = "regime",
	};
	const struct rs_cell_out *o = &x->out;
	char sb[32], sn[32], ci[40], sp[16], runs[16], *rg = NULL;
	const char *why;
	double p;

	if (x->cls == RV_NEWONLY || x->cls == RV_NOMETRIC)
		return;
	snprintf(runs, sizeof(runs), "%d/%d", x->ok[0], x->ok[1]);
	/* no change to print: dashes, and why */
	if (x->cls != RV_TEST || o->verdict == RS_NOTEST) {
		if (x->cls == RV_REGIME) {
			why = rg = xasprintf("regime changed: round trip %s in base, %s in new",
					     v->regime[0], x->regime_aside[1] ?
					     "another" : v->regime[1]);
		} else if (x->cls != RV_TEST) {
			why = !x->in[1] ? (allow_missing ? "not in new, allowed" :
					   "not in new: --allow-missing to accept") :
			      x->err && *x->err ? x->err : "no successful repetition";
		} else {
			why = o->why ? o->why : "?";
		}
		printf("%9s %9s %8s %-15s %6s %5s  %-9s  %s (%s)\n", "-", "-",
		       "-", "", "-", x->cls == RV_TEST ? runs : "-",
		       x->cls == RV_TEST ? "no-test" : what[x->cls], x->key, why);
		free(rg);
		return;
	}
	ut_fmt_ns(sb, sizeof(sb), o->med[0]);
	ut_fmt_ns(sn, sizeof(sn), o->med[1]);
	snprintf(ci, sizeof(ci), "[%+.1f,%+.1f]", o->lo * 100, o->hi * 100);
	p = o->verdict == RS_IMPROVED ? o->padj_imp :
	    (v->cfg.higher_is_better ? -1 : 1) * o->change >= 0 ?
	    o->padj_reg : o->padj_imp;
	snprintf(sp, sizeof(sp), p < 0.0001 ? "<1e-4" : "%.4f", p);
	printf("%9s %9s %+7.1f%% %-15s %6s %5s  %-9s  %s\n", sb, sn,
	       o->change * 100, ci, sp, runs, rs_verdict_names[o->verdict],
	       x->key);
}

int cmd_compare(int argc, char **argv)
{
	struct cmp_args a = { .nh = 0 };
	bool allow_mm = false, allow_missing = false;
	struct rv_cmp v = { .cfg = RV_CFG_DEFAULT, .metric = "real_time" };
	const struct ut_opt opts[] = {
		{ "--threshold", 0, UT_REAL, &v.cfg.threshold_pct, 0, 1e9, NULL, "a percentage >= 0" },
		{ "--alpha", 0, UT_REAL, &v.cfg.alpha, 1e-300, 1 - 1e-16, NULL, "in (0, 1)" },
		{ "--metric", 0, UT_STR, &v.metric, 0, 0, NULL, NULL },
		{ "--filter", 0, UT_STR, &v.filter, 0, 0, NULL, NULL },
		{ "--correction", 0, UT_FN, &v.cfg.corr, 0, 0, set_corr, NULL },
		{ "--base", 0, UT_FN, &a.base, 0, 0, add_side, NULL },
		{ "--new", 0, UT_FN, &a.new, 0, 0, add_side, NULL },
		{ "--allow-mismatch", 0, UT_FLAG, &allow_mm, 0, 0, NULL, NULL },
		{ "--allow-missing", 0, UT_FLAG, &allow_missing, 0, 0, NULL, NULL },
		{ "--no-probe", 0, UT_FLAG, &v.no_probe, 0, 0, NULL, NULL },
		{ "--history", 0, UT_FN, &a, 0, 0, add_hist_path, NULL },
	};
	const char *pos[2 * RV_MAX_RUNS + 1];
	struct rv_run *runs = NULL, **side[2] = { NULL, NULL };
	int npos, n[2], i, j, loaded = 0, nwarn = 0, ret = 2, refused;

	i = ut_getopt("compare", argc, argv, opts, sizeof(opts) / sizeof(opts[0]),
		      pos, &npos, 2 * RV_MAX_RUNS + 1, NULL, NULL);
	if (i > 0)
		compare_usage(stdout);
	if (i)
		return i > 0 ? 0 : 2;
	if (split_sides(&a, pos, npos))
		goto out;
	n[0] = a.base.n;
	n[1] = a.new.n;
	runs = xcalloc(a.base.n + a.new.n + a.nh, sizeof(*runs));
	side[0] = xcalloc(a.base.n + a.new.n + a.nh, sizeof(*side[0]));
	side[1] = side[0] + a.base.n;
	v.hist = side[1] + a.new.n;
	for (i = 0; i < a.base.n + a.new.n + a.nh; i++, loaded++) {
		side[0][i] = &runs[i];
		if (rv_load(&runs[i], i < a.base.n ? a.base.p[i] : i < a.base.n + a.new.n ?
			    a.new.p[i - a.base.n] : a.hist[i - a.base.n - a.new.n],
			    i < a.base.n + a.new.n ? 0 : RR_NO_SAMPLES))
			goto out;
	}
	v.nhist = a.nh;
	/* one side: one environment, no run twice */
	for (i = 0; i < 2; i++)
		for (j = 1; j < n[i]; j++) {
			int k;

			for (k = 0; k < j; k++)
				if (same_run(side[i][j], side[i][k])) {
					ut_bad("compare", "%s and %s on the %s side are the same run: each file must be an independent run",
					       side[i][k]->f.path, side[i][j]->f.path,
					       i ? "NEW" : "BASE");
					goto out;
				}
			if (strcmp(rr_env(&side[i][j]->f), rr_env(&side[i][0]->f))) {
				ut_bad("compare", "the %s side mixes environments: %s is %s, %s is %s",
				       i ? "NEW" : "BASE", side[i][0]->f.path,
				       rr_env(&side[i][0]->f), side[i][j]->f.path,
				       rr_env(&side[i][j]->f));
				goto out;
			}
		}
	if (rv_compare(&v, side, n)) {
		ut_bad("compare", "BASE and NEW have no benchmarks in common%s%s",
		       v.filter ? " matching " : "", v.filter ? v.filter : "");
		goto out;
	}
	printf("revbench compare: %s (%s is better)\n", v.metric,
	       v.cfg.higher_is_better ? "higher" : "lower");
	describe_side("base", side[0], n[0]);
	describe_side("new", side[1], n[1]);
	if (a.nh)
		printf("history: %d earlier run%s: with one run a side, each cell's run-to-run\n"
		       "noise from the spread of its medians there\n", a.nh,
		       a.nh == 1 ? "" : "s");
	refused = check_contexts(side[0], n[0] + n[1] + a.nh, allow_mm, &nwarn);
	if (refused && !allow_mm) {
		ut_bad("compare", "refused: %d context mismatch%s between the runs (listed above); --allow-mismatch to compare anyway",
		       refused, refused == 1 ? "" : "es");
		goto out;
	}
	if (rr_is_tcg(&side[0][0]->f) || rr_is_tcg(&side[1][0]->f))
		printf("!!! qemu TCG results: timings are NOT representative of hardware\n");
	if (!v.ncls[RV_TEST] && !v.ncls[RV_FAILED] && !v.ncls[RV_MISSING] &&
	    !v.ncls[RV_REGIME]) {
		ut_bad("compare", "no benchmark in common carries the metric '%s'",
		       v.metric);
		goto out;
	}
	print_rule(&v);
	print_noise(&v, n);
	printf("\n%9s %9s %8s %-15s %6s %5s  %-9s  %s\n", "base", "new",
	       "change", "95% CI", "p_adj", "runs", "verdict", "benchmark");
	for (i = 0; i < v.ncell; i++)
		print_cell(&v, &v.cell[i], allow_missing);

	/* the line "make bench" (bench-results) prints from: ends in " compared" */
	printf("\nruns: base %d, new %d; %d cells compared\n", n[0], n[1],
	       v.ntested);
	printf("  REGRESSED %5d  new/base > %g %% at %s-adjusted p < %g\n",
	       v.count[RS_REGRESSED], v.cfg.threshold_pct,
	       rs_correction_names[v.cfg.corr], v.cfg.alpha);
	printf("  improved  %5d  new/base < -%g %% (in the better direction), same rule\n",
	       v.count[RS_IMPROVED], v.cfg.threshold_pct);
	printf("  same      %5d  no change beyond %g %% visible above the noise\n",
	       v.count[RS_SAME], v.cfg.threshold_pct);
	if (v.count[RS_NOTEST])
		printf("  no-test   %5d  could not be tested (reason on the line)\n",
		       v.count[RS_NOTEST]);
	if (v.ncls[RV_REGIME])
		printf("  regime    %5d  cross-CPU cells, runs in another calibration regime:\n"
		       "                   regime changed, not compared (not a regression)\n",
		       v.ncls[RV_REGIME]);
	if (v.ncls[RV_FAILED])
		printf("  FAILED    %5d  ran in base, no successful repetition in new\n",
		       v.ncls[RV_FAILED]);
	if (v.ncls[RV_MISSING])
		printf("  MISSING   %5d  in base, absent from new%s\n",
		       v.ncls[RV_MISSING], allow_missing ?
		       " (allowed: --allow-missing)" :
		       " (a failure; --allow-missing to accept)");
	if (v.ncls[RV_ERROR])
		printf("  error     %5d  no successful repetition in base (nor in new)\n",
		       v.ncls[RV_ERROR]);
	if (v.ncls[RV_NOMETRIC])
		printf("%d cells in common lack the metric %s.\n",
		       v.ncls[RV_NOMETRIC], v.metric);
	if (v.ncls[RV_NEWONLY])
		printf("Only in new: %d cells (not compared).\n", v.ncls[RV_NEWONLY]);
	if (v.partial)
		printf("%d cells are absent or failed in some runs of a side: fewer runs there.\n",
		       v.partial);
	if (nwarn)
		printf("%d context warnings above: check them before trusting a verdict.\n",
		       nwarn);
	ret = v.count[RS_REGRESSED] || v.ncls[RV_FAILED] ||
	      (v.ncls[RV_MISSING] && !allow_missing) ? 1 : 0;
	printf("exit %d: %s\n", ret,
	       ret ? "regression (REGRESSED, FAILED or MISSING above)" :
	       "no regression");
out:
	rv_free(&v);
	for (i = 0; i < loaded; i++)
		rv_free_run(&runs[i]);
	for (i = 0; i < a.nh; i++)
		free(a.hist[i]);
	free(a.hist);
	free(runs);
	free(side[0]);
	return ret;
}
