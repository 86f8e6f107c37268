// SPDX-License-Identifier: GPL-2.0
/*
 * history.c - "revbench history PATH...": change points over many runs.
 *
 * The runs (run folders, results files, or folders of them) are ordered
 * by --by time (the run's date), commit (its commit's date, from git) or
 * kernel (version order, an -rt kernel after its base).  Runs whose
 * contexts cannot be compared (rv_rules[]: environment, CPU, topology,
 * placement, quick or full...; the kernel's settings too unless the
 * series is ordered by kernel) form separate groups, and a cross-CPU
 * cell's series is split by calibration regime: never mixed.
 *
 * For every cell and headline metric (real_time: reader, error-path,
 * create or mean revoke ns; revoke p50 and p99, reclaim p99; bytes per
 * revocable) a series holds one value per run: the median of the
 * repetitions the regime probe kept.  Its change points come from
 * e-divisive means with a permutation test (stats.h, rs_edivisive()),
 * on the log of the values, at alpha divided by the number of series
 * tested (Bonferroni: alpha bounds the chance of any false change point
 * in the whole history), kept when the medians of the segments either
 * side differ by at least --min-change.  A series whose latest segment
 * is worse than the one before it is a regression: exit 1.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis.h"

#define MAX_CP		16
#define MAX_PLOT	6	/* series in the trend figure */

struct hrun {
	struct rv_run r;
	double key;		/* the --by key: seconds, or kernel rank */
	char label[24];		/* the --by value, short */
	int group;		/* comparable contexts */
	int idx;		/* 1-based place in the order */
};

struct series {
	const char *key, *metric, *regime;
	const char *wl;		/* its workload; NULL: a common-move series */
	bool cross;		/* threads >= 2 */
	int group, n;
	int *run;		/* indexes into the ordered runs */
	double *v;		/* per run: the median of the kept values */
	struct rs_cp cp[MAX_CP];
	int ncp;
	int worse;		/* its latest segment is a regression */
};

enum by { BY_TIME, BY_COMMIT, BY_KERNEL };

static const char *const metrics[] = {
	"real_time", "revoke_p50_ns", "revoke_p99_ns", "reclaim_p99_ns",
	"bytes_per_rev",
};

/* ---- the runs --------------------------------------------------------- */

/* "6.12.95+deb12-rt-amd64" -> 6.12.95 then rt: a number that sorts so */
static double kernel_rank(const char *k)
{
	double r = 0, scale = 1e12;
	const char *p = k;
	int i;

	for (i = 0; i < 4 && *p; i++) {
		r += strtol(p, (char **)&p, 10) * scale;
		scale /= 1000;
		p += strspn(p, ".-+deb");
	}
	return r + (k && strstr(k, "-rt") ? 0.5 : 0);
}

static double commit_time(const char *hash)
{
	char cmd[128], buf[64] = "";
	double t = NAN;
	FILE *fp;

	if (!hash || strspn(hash, "0123456789abcdef") < 7)
		return NAN;
	snprintf(cmd, sizeof(cmd), "git log -1 --format=%%ct %.12s 2>/dev/null",
		 hash);
	fp = popen(cmd, "r");
	if (fp && fgets(buf, sizeof(buf), fp))
		ut_real(strtok(buf, "\n"), 0, INFINITY, &t);
	if (fp)
		pclose(fp);
	return t;
}

static int cmp_run(const void *a, const void *b)
{
	const struct hrun *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return (x->r.f.stamp > y->r.f.stamp) - (x->r.f.stamp < y->r.f.stamp);
}

/* Runs that may share a series: the same value of every splitting key. */
static void group_runs(struct hrun *h, int n, enum by by, int *ngroup)
{
	int i, j, r;

	*ngroup = 0;
	for (i = 0; i < n; i++) {
		h[i].group = -1;
		for (j = 0; j < i && h[i].group < 0; j++) {
			for (r = 0; r < rv_nrules; r++)
				if ((rv_rules[r].level == RV_REFUSE ||
				     (rv_rules[r].level == RV_KERNEL &&
				      by != BY_KERNEL)) &&
				    rv_differs(&rv_rules[r],
					       rr_ctx(&h[i].r.f, rv_rules[r].key),
					       rr_ctx(&h[j].r.f, rv_rules[r].key)))
					break;
			if (r == rv_nrules)
				h[i].group = h[j].group;
		}
		if (h[i].group < 0)
			h[i].group = (*ngroup)++;
	}
}

/* ---- the series ---------------------------------------------------------- */

static struct series *find_series(struct series **s, int *ns, const char *key,
				  const char *metric, const char *regime,
				  int group, int nruns)
{
	int i;

	for (i = *ns - 1; i >= 0; i--)
		if ((*s)[i].group == group && (*s)[i].metric == metric &&
		    !strcmp((*s)[i].key, key) &&
		    !strcmp((*s)[i].regime ? (*s)[i].regime : "",
			    regime ? regime : ""))
			return &(*s)[i];
	*s = xrealloc(*s, (*ns + 1) * sizeof(**s));
	(*s)[*ns] = (struct series){ .key = key, .metric = metric,
				     .regime = regime, .group = group };
	(*s)[*ns].run = xmalloc(nruns * sizeof(int));
	(*s)[*ns].v = xmalloc(nruns * sizeof(double));
	return &(*s)[(*ns)++];
}

static int build_series(struct hrun *h, int n, const char *filter,
			bool no_probe, struct series **out)
{
	struct series *s = NULL;
	int ns = 0, i, c, m, k, aside;

	for (i = 0; i < n; i++)
		for (c = 0; c < h[i].r.nc; c++) {
			const struct rr_cell *cell = &h[i].r.c[c];
			double *v = xmalloc((cell->n + 1) * sizeof(double));

			for (m = 0; cell->n && m < 5; m++) {
				struct series *x;

				if ((filter && !strstr(cell->key, filter)) ||
				    !(k = rv_values(&h[i].r, c, metrics[m], no_probe,
						    v, &aside)))
					continue;
				x = find_series(&s, &ns, cell->key, metrics[m],
						cell->p.threads >= 2 ?
						rr_ctx(&h[i].r.f, "calib_regime") :
						NULL, h[i].group, n);
				x->wl = cell->workload;
				x->cross = cell->p.threads >= 2;
				x->run[x->n] = i;
				x->v[x->n++] = rs_median(v, k);
			}
			free(v);
		}
	*out = s;
	return ns;
}

static bool same_group(const struct series *a, const struct series *b)
{
	return a->wl && b->wl && a->group == b->group && a->metric == b->metric &&
	       a->cross == b->cross && !strcmp(a->wl, b->wl) &&
	       !strcmp(a->regime ? a->regime : "", b->regime ? b->regime : "");
}

/*
 * One run is one state of the host, and it moves every cell of a group
 * (a workload's one-thread or cross-CPU cells, one metric) at once: a
 * history of one build over two hours had hundreds of change points,
 * every cell of a workload stepping together.  Per run, the median over
 * the group's series of (log value - that series' median) is that move:
 * taken out of every series of the group, and kept as a series of its
 * own, "WORKLOAD [T>=2] (all cells)", tested like the others.  Groups of
 * fewer than RS_MIN_NULL_CELLS series are left as they are.
 */
static int common_moves(struct series **sp, int ns, int nruns)
{
	struct series *s = *sp;
	int *mem = xmalloc((ns + 1) * sizeof(int)), **at = NULL;
	double *c = xmalloc((ns + 1) * sizeof(double)), *d = NULL, mv;
	bool *done = xcalloc(ns + 1, sizeof(bool));
	int i, j, r, k, nm, out = ns;

	d = xmalloc((ns + 1) * sizeof(double));
	for (i = 0; i < ns; i++) {
		struct series *x;

		if (done[i] || !s[i].wl)
			continue;
		for (nm = 0, j = i; j < ns; j++)
			if (!done[j] && same_group(&s[i], &s[j])) {
				done[j] = true;
				mem[nm++] = j;
			}
		if (nm < RS_MIN_NULL_CELLS)
			continue;
		at = xcalloc(nm, sizeof(*at));
		for (k = 0; k < nm; k++) {	/* its place of each run, or -1 */
			struct series *y = &s[mem[k]];

			at[k] = xmalloc(nruns * sizeof(int));
			for (r = 0; r < nruns; r++)
				at[k][r] = -1;
			for (j = 0; j < y->n; j++)
				at[k][y->run[j]] = j;
			c[k] = log(fmax(rs_median(y->v, y->n), 1e-300));
		}
		/* a key no cell has: a new series, with no workload */
		x = find_series(sp, &out, xasprintf("%s%s (all cells)",
				s[mem[0]].wl, s[mem[0]].cross ? " T>=2" : ""),
				s[mem[0]].metric, s[mem[0]].regime,
				s[mem[0]].group, nruns);
		s = *sp;
		for (r = 0; r < nruns; r++) {
			for (j = 0, k = 0; k < nm; k++)
				if (at[k][r] >= 0)
					d[j++] = log(fmax(s[mem[k]].v[at[k][r]],
							  1e-300)) - c[k];
			if (j < RS_MIN_NULL_CELLS)
				continue;
			mv = rs_median(d, j);
			for (k = 0; k < nm; k++)
				if (at[k][r] >= 0)
					s[mem[k]].v[at[k][r]] *= exp(-mv);
			x->run[x->n] = r;
			x->v[x->n++] = exp(mv);
		}
		for (k = 0; k < nm; k++)
			free(at[k]);
		free(at);
	}
	free(mem);
	free(c);
	free(d);
	free(done);
	return out;
}

/* The median of a series' values from run index a to b (exclusive). */
static double seg_median(const struct series *s, int a, int b)
{
	return b > a ? rs_median(s->v + a, b - a) : NAN;
}

struct cp_job {
	struct series *s;
	int ns, tested;
	int next;		/* the next series to take (atomic) */
	double alpha, min_change;
	uint64_t seed;
};

/* The next series not taken: each with its own seed, so any split of the
 * series over threads gives the same change points. */
static void *cp_thread(void *arg)
{
	struct cp_job *job = arg;
	struct series *s = job->s;
	int i, j, k;

	while ((i = __atomic_fetch_add(&job->next, 1, __ATOMIC_RELAXED)) < job->ns) {
		struct rs_ed_cfg cfg = { job->alpha / (job->tested ? job->tested : 1),
					 2, job->seed };
		double *l = xmalloc((s[i].n + 1) * sizeof(double));

		for (j = 0; j < s[i].n; j++)
			l[j] = log(fmax(s[i].v[j], 1e-300));
		s[i].ncp = s[i].n >= 4 && rs_sd(s[i].v, s[i].n) > 0 ?
			   rs_edivisive(l, s[i].n, &cfg, s[i].cp, MAX_CP) : 0;
		free(l);
		/* drop the changes below min_change, merging their segments */
		for (j = 0; j < s[i].ncp; j++) {
			int a = j ? s[i].cp[j - 1].at : 0;
			int b = j + 1 < s[i].ncp ? s[i].cp[j + 1].at : s[i].n;
			double r = seg_median(&s[i], s[i].cp[j].at, b) /
				   seg_median(&s[i], a, s[i].cp[j].at);

			if (fabs(r - 1) * 100 >= job->min_change)
				continue;
			for (k = j; k + 1 < s[i].ncp; k++)
				s[i].cp[k] = s[i].cp[k + 1];
			s[i].ncp--;
			j = -1;
		}
		if (s[i].ncp) {
			int a = s[i].ncp > 1 ? s[i].cp[s[i].ncp - 2].at : 0;
			int at = s[i].cp[s[i].ncp - 1].at;
			double r = seg_median(&s[i], at, s[i].n) /
				   seg_median(&s[i], a, at);

			s[i].worse = rv_higher_is_better(s[i].metric) ? r < 1 : r > 1;
		}
	}
	return NULL;
}

/* The permutations are most of history's time: one thread per CPU. */
static void find_change_points(struct series *s, int ns, double alpha,
			       double min_change, uint64_t seed, int *ntested)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int nt = ncpu < 1 ? 1 : ncpu > 16 ? 16 : (int)ncpu, i, tested = 0;
	struct cp_job job;
	pthread_t tid[16];
	bool started[16] = { false };

	for (i = 0; i < ns; i++)
		tested += s[i].n >= 4 && rs_sd(s[i].v, s[i].n) > 0;
	*ntested = tested;
	job = (struct cp_job){ s, ns, tested, 0, alpha, min_change, seed };
	for (i = 1; i < nt; i++)	/* no thread: this one does it all */
		started[i] = !pthread_create(&tid[i], NULL, cp_thread, &job);
	cp_thread(&job);
	for (i = 1; i < nt; i++)
		if (started[i])
			pthread_join(tid[i], NULL);
}

/* ---- output ---------------------------------------------------------------- */

/* "ns", a counter's name; a common-move series' values are factors */
static const char *metric_label(const struct series *s)
{
	static char buf[64];

	snprintf(buf, sizeof(buf), "%s%s", !s->wl ? "factor of " : "",
		 !strcmp(s->metric, "real_time") ? "ns" : s->metric);
	return buf;
}

static void where(char *buf, size_t len, const struct hrun *h)
{
	const char *git = rr_ctx(&h->r.f, "git_commit");
	const char *date = rr_ctx(&h->r.f, "date");

	char *t;

	snprintf(buf, len, "run %d (%.16s%s%.12s%s%.24s)", h->idx,
		 date ? date : "no date", git ? ", " : "", git ? git : "",
		 rr_kernel(&h->r.f) ? ", " : "",
		 rr_kernel(&h->r.f) ? rr_kernel(&h->r.f) : "");
	t = strchr(buf, 'T');	/* "2026-12-06T00:17" */
	if (t && t > buf && t[-1] >= '0' && t[-1] <= '9')
		*t = ' ';
}

/*
 * "HEAD key [metric], regime R: TAIL" on one line when it fits in 80
 * columns, else the key alone and the rest on the next line.
 */
static void series_line(const char *head, const struct series *s,
			const char *tail)
{
	char b[192];

	snprintf(b, sizeof(b), "[%s]%s%s%s%s", metric_label(s),
		 s->regime ? ", regime " : "", s->regime ? s->regime : "",
		 tail ? ": " : "", tail ? tail : "");
	if (strlen(head) + strlen(s->key) + 1 + strlen(b) <= 80)
		printf("%s%s %s\n", head, s->key, b);
	else
		printf("%s%s\n  %s\n", head, s->key, b);
}

/* Two lines: the series; where it changes, by how much, how surely. */
static void print_cp(const struct series *s, const struct hrun *h, int j)
{
	int a = j ? s->cp[j - 1].at : 0;
	int b = j + 1 < s->ncp ? s->cp[j + 1].at : s->n, at = s->cp[j].at;
	double m0 = seg_median(s, a, at), m1 = seg_median(s, at, b);
	char w[128], x0[24], x1[24], tail[80];
	int room;

	ut_fmt_ns(x0, sizeof(x0), m0);
	ut_fmt_ns(x1, sizeof(x1), m1);
	room = snprintf(tail, sizeof(tail), " %s -> %s %+.1f%% p %.1e", x0, x1,
			(m1 / m0 - 1) * 100, s->cp[j].p);
	where(w, sizeof(w), &h[s->run[at]]);
	series_line("", s, NULL);
	printf("  %-*.*s%s\n", 78 - room, 78 - room, w, tail);
}

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: revbench history PATH... [--by time|commit|kernel] [--alpha A]\n"
		"                        [--min-change PCT] [--filter TEXT] [--table]\n"
		"                        [--no-probe] [--seed N] [--export DIR]\n"
		"  Change points over many runs (run folders, results files, or folders\n"
		"  of them): per cell and metric, e-divisive means with a permutation\n"
		"  test on the runs' medians, in the order --by gives (default time;\n"
		"  commit: the commit's date, from git; kernel: version order).\n"
		"  --alpha A       chance of any false change point in the history\n"
		"                  (default 0.05; each series at A / series tested)\n"
		"  --min-change P  a change point moves the median by P %% (default 5)\n"
		"  --table         the N-way table: a column per kernel, commit or run\n"
		"  --export DIR    the data of the trend figure (plot/plot.sh --history)\n"
		"exit: 1 a regression in the latest segment; 0 none; 2 bad input.\n");
}

static int set_by(const char *v, void *dst)
{
	static const char *const names[] = { "time", "commit", "kernel" };
	int i;

	for (i = 0; i < 3; i++)
		if (!strcmp(v, names[i])) {
			*(enum by *)dst = i;
			return 0;
		}
	return ut_bad("history", "--by wants time, commit or kernel, got '%s'", v);
}

/* The trend figure's data: the flagged series, their segments. */
static int export_trend(const char *dir, struct series *s, int ns,
			const struct hrun *h, int n)
{
	struct ut_afile dat = { 0 }, meta = { 0 };
	char *p = xasprintf("%s/trend.dat", dir), *q = xasprintf("%s/trend.gp", dir);
	int i, j, k, np = 0, ret = -1;

	if (ut_mkdir_p(dir) || ut_afile_open(&dat, p) || ut_afile_open(&meta, q))
		goto out;
	fprintf(dat.fp, "# revbench history: per series, run value segment_median\n");
	fprintf(meta.fp, "# revbench history --export: read by plot/trend.gp\nTR_RUNS = %d\n", n);
	for (i = 0; i < ns && np < MAX_PLOT; i++) {
		if (!s[i].ncp)
			continue;
		fprintf(dat.fp, "%s# %s %s\n", np ? "\n\n" : "", s[i].key,
			metric_label(&s[i]));
		for (j = 0, k = 0; j < s[i].n; j++) {
			while (k < s[i].ncp && s[i].cp[k].at <= j)
				k++;
			fprintf(dat.fp, "%d %.6g %.6g\n", h[s[i].run[j]].idx,
				s[i].v[j], seg_median(&s[i], k ? s[i].cp[k - 1].at : 0,
						       k < s[i].ncp ? s[i].cp[k].at : s[i].n));
		}
		fprintf(meta.fp, "TR_T%d = '%s [%s]'\nTR_CP%d = '", np + 1, s[i].key,
			metric_label(&s[i]), np + 1);
		for (k = 0; k < s[i].ncp; k++)
			fprintf(meta.fp, "%s%d", k ? " " : "", h[s[i].run[s[i].cp[k].at]].idx);
		fprintf(meta.fp, "'\n");
		np++;
	}
	fprintf(meta.fp, "TR_N = %d\n", np);
	ret = ut_afile_commit(&dat) || ut_afile_commit(&meta) ? -1 : 0;
out:
	if (ret)
		ut_bad("history", "%s: cannot write the trend data", dir);
	if (dat.fp)
		ut_afile_abort(&dat);
	if (meta.fp)
		ut_afile_abort(&meta);
	free(p);
	free(q);
	return ret;
}

/* The N-way table: one column per value of the --by key, in order. */
static void table(struct hrun *h, int n, int group)
{
	struct rp_side *sd = xcalloc(n, sizeof(*sd));
	struct rv_run **rp = xcalloc(n, sizeof(*rp));
	int i, k = 0, m = 0;

	for (i = 0; i < n; i++) {
		if (h[i].group != group)
			continue;
		if (!k || strcmp(sd[k - 1].label, h[i].label)) {
			sd[k].runs = &rp[m];
			snprintf(sd[k++].label, sizeof(sd[0].label), "%s", h[i].label);
		}
		rp[m++] = &h[i].r;
		sd[k - 1].n++;
	}
	if (k >= 2)
		rp_nway(stdout, sd, k);
	else
		printf("\n(one column only: no N-way table)\n");
	free(sd);
	free(rp);
}

int cmd_history(int argc, char **argv)
{
	enum by by = BY_TIME;
	double alpha = 0.05, min_change = 5;
	const char *filter = NULL, *dir = NULL, **pos;
	unsigned long long seed = 1;
	bool tab = false, no_probe = false;
	const struct ut_opt opts[] = {
		{ "--by", 0, UT_FN, &by, 0, 0, set_by, NULL },
		{ "--alpha", 0, UT_REAL, &alpha, 1e-12, 0.5, NULL, "in (0, 0.5]" },
		{ "--min-change", 0, UT_REAL, &min_change, 0, 1e6, NULL,
		  "a percentage >= 0" },
		{ "--filter", 0, UT_STR, &filter, 0, 0, NULL, NULL },
		{ "--table", 0, UT_FLAG, &tab, 0, 0, NULL, NULL },
		{ "--no-probe", 0, UT_FLAG, &no_probe, 0, 0, NULL, NULL },
		{ "--seed", 0, UT_UINT, &seed, 0, 0x1p64, NULL, NULL },
		{ "--export", 0, UT_STR, &dir, 0, 0, NULL, NULL },
	};
	char **paths = NULL;
	struct hrun *h = NULL;
	struct series *s = NULL;
	int npos, npaths = 0, n = 0, ns = 0, ngroup, ntested, i, j, g, ret = 2;
	int nreg = 0, ncp = 0, nocommit = 0, nown = 0;
	char tail[80];

	pos = xcalloc(argc + 1, sizeof(*pos));
	i = ut_getopt("history", argc, argv, opts, sizeof(opts) / sizeof(opts[0]),
		      pos, &npos, argc, NULL, NULL);
	if (i > 0)
		usage(stdout);
	if (i || !npos) {
		if (!i)
			usage(stderr);
		free(pos);
		return i > 0 ? 0 : 2;
	}
	for (i = 0; i < npos; i++)
		if (rr_find(pos[i], &paths, &npaths))
			goto out;
	h = xcalloc(npaths + 1, sizeof(*h));
	for (n = 0; n < npaths; n++)
		if (rv_load(&h[n].r, paths[n], RR_NO_SAMPLES))
			goto out;
	if (n < 2) {
		ut_bad("history", "%d run: a history needs two runs or more", n);
		goto out;
	}
	for (i = 1; i < n; i++)
		if (h[i].r.f.format != h[0].r.f.format) {
			ut_bad("history", "mixed results formats: %s is format %d, %s format %d",
			       h[0].r.f.path, h[0].r.f.format, h[i].r.f.path,
			       h[i].r.f.format);
			goto out;
		}
	for (i = 0; i < n; i++) {
		const struct rr_file *f = &h[i].r.f;
		const char *git = rr_ctx(f, "git_commit");

		h[i].key = by == BY_KERNEL ? kernel_rank(rr_kernel(f)) :
			   by == BY_COMMIT ? commit_time(git) : f->stamp;
		if (by == BY_COMMIT && isnan(h[i].key)) {
			nocommit++;
			h[i].key = f->stamp;
		}
		if (isnan(h[i].key))
			h[i].key = 0;
		rp_label(h[i].label, sizeof(h[i].label), by == BY_KERNEL ?
			 (rr_kernel(f) ? rr_kernel(f) : "?") : by == BY_COMMIT ?
			 (git ? git : "?") : ut_basename(f->path));
		if (by == BY_TIME && !strcmp(h[i].label, "results.json"))
			snprintf(h[i].label, sizeof(h[i].label), "%.16s",
				 rr_ctx(f, "date") ? rr_ctx(f, "date") : "?");
	}
	qsort(h, n, sizeof(*h), cmp_run);
	for (i = 0; i < n; i++)
		h[i].idx = i + 1;
	group_runs(h, n, by, &ngroup);
	ns = build_series(h, n, filter, no_probe, &s);
	nown = ns;
	ns = common_moves(&s, ns, n);
	find_change_points(s, ns, alpha, min_change, seed, &ntested);

	printf("revbench history: %d runs by %s, %d series (%d tested), %d group%s of\n"
	       "comparable runs\n", n, by == BY_TIME ? "time" : by == BY_COMMIT ?
	       "commit date" : "kernel version", ns, ntested, ngroup,
	       ngroup == 1 ? "" : "s");
	if (nocommit)
		printf("!!! %d runs' commits are not in this repository: ordered by their date\n",
		       nocommit);
	/* groups apart: which run is in which */
	for (g = 0; g < ngroup && ngroup > 1; g++) {
		printf("group %d:", g + 1);
		for (i = 0; i < n; i++)
			if (h[i].group == g)
				printf(" %d", h[i].idx);
		printf("\n");
	}
	printf("\nchange points: e-divisive means with a permutation test (Matteson and\n"
	       "James 2014) on the log of each run's median, alpha %g over the %d series\n"
	       "tested (%.2g each), seed %llu; kept when the median moves >= %g %%.\n"
	       "A run's common move of a group of cells (a workload's one-thread or\n"
	       "cross-CPU cells: their median one) is taken out of its cells and is a\n"
	       "series of its own, \"WORKLOAD (all cells)\"%s\n\n",
	       alpha, ntested, alpha / (ntested ? ntested : 1), seed, min_change,
	       ns > nown ? "" : " (no group large enough here)");
	for (i = 0; i < ns; i++)
		for (j = 0; j < s[i].ncp; j++, ncp++)
			print_cp(&s[i], h, j);
	if (!ncp)
		printf("no change point\n");
	for (i = 0; i < ns; i++)
		if (s[i].worse) {
			int at = s[i].cp[s[i].ncp - 1].at;
			int a = s[i].ncp > 1 ? s[i].cp[s[i].ncp - 2].at : 0;

			if (!nreg++)
				printf("\nregressions: the latest segment worse than the one before\n");
			snprintf(tail, sizeof(tail), "runs %d-%d vs %d-%d, %+.1f %%",
				 h[s[i].run[at]].idx, h[s[i].run[s[i].n - 1]].idx,
				 h[s[i].run[a]].idx, h[s[i].run[at - 1]].idx,
				 (seg_median(&s[i], at, s[i].n) /
				  seg_median(&s[i], a, at) - 1) * 100);
			series_line("REGRESSED ", &s[i], tail);
		}
	if (tab)
		for (g = 0; g < ngroup; g++)
			table(h, n, g);
	if (dir && export_trend(dir, s, ns, h, n))
		goto out;
	ret = nreg ? 1 : 0;
	printf("\nexit %d: %s\n", ret, nreg ? "a regression in the latest segment" :
	       "no regression in the latest segment");
out:
	for (i = 0; i < ns; i++) {
		if (i >= nown)
			free((char *)s[i].key);
		free(s[i].run);
		free(s[i].v);
	}
	free(s);
	for (i = 0; i < npaths; i++) {
		if (h && i < n)
			rv_free_run(&h[i].r);
		free(paths[i]);
	}
	free(paths);
	free(h);
	free(pos);
	return ret;
}
