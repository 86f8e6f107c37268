// SPDX-License-Identifier: GPL-2.0
/*
 * stats.c - the statistics of stats.h; the reasons for the methods are
 * in results/README.md.
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

const char *const rs_correction_names[] = { "holm", "bh", "none" };
const char *const rs_verdict_names[] = {
	"no-test", "same", "improved", "REGRESSED",
};

/* ---- random numbers --------------------------------------------------- */

void rs_rng_seed(struct rs_rng *r, uint64_t seed)
{
	r->s = seed;
}

static uint64_t rs_rng_next(struct rs_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* [0, n): Lemire's multiply-shift; the bias is < n / 2^64 */
static uint64_t rs_rng_below(struct rs_rng *r, uint64_t n)
{
	return (uint64_t)(((unsigned __int128)rs_rng_next(r) * n) >> 64);
}

double rs_rng_unif(struct rs_rng *r)
{
	return (rs_rng_next(r) >> 11) * 0x1.0p-53;
}

double rs_rng_normal(struct rs_rng *r)
{
	double u = rs_rng_unif(r), v = rs_rng_unif(r);

	return sqrt(-2 * log(1 - u)) * cos(2 * M_PI * v);
}

/* ---- distributions ------------------------------------------------------ */

/* P(Z > z) */
static double rs_norm_sf(double z)
{
	return 0.5 * erfc(z / M_SQRT2);
}

/* One step of the modified Lentz method: returns the factor d * c. */
static double lentz(double *c, double *d, double aa)
{
	const double tiny = 1e-300;

	*d = 1 + aa * *d;
	if (fabs(*d) < tiny)
		*d = tiny;
	*c = 1 + aa / *c;
	if (fabs(*c) < tiny)
		*c = tiny;
	*d = 1 / *d;
	return *d * *c;
}

/* Continued fraction of the regularised incomplete beta (Lentz). */
static double betacf(double a, double b, double x)
{
	double c = 1, d = 1 - (a + b) * x / (a + 1), h, del;
	int m;

	if (fabs(d) < 1e-300)
		d = 1e-300;
	d = 1 / d;
	h = d;
	for (m = 1; m <= 1000; m++) {
		double m2 = 2 * m;

		h *= lentz(&c, &d, m * (b - m) * x / ((a + m2 - 1) * (a + m2)));
		del = lentz(&c, &d, -(a + m) * (a + b + m) * x /
			    ((a + m2) * (a + m2 + 1)));
		h *= del;
		if (fabs(del - 1) < 1e-15)
			break;
	}
	return h;
}

/* I_x(a, b) */
static double ibeta(double a, double b, double x)
{
	double lbt;

	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	lbt = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) +
	      b * log1p(-x);
	if (x < (a + 1) / (a + b + 2))
		return exp(lbt) * betacf(a, b, x) / a;
	return 1 - exp(lbt) * betacf(b, a, 1 - x) / b;
}

double rs_t_sf(double t, double df)
{
	double tail;

	if (isnan(t) || isnan(df) || df <= 0)
		return NAN;
	if (isinf(t))
		return t > 0 ? 0 : 1;
	if (isinf(df) || df > 1e7)
		return rs_norm_sf(t);
	tail = 0.5 * ibeta(df / 2, 0.5, df / (df + t * t));
	return t > 0 ? tail : 1 - tail;
}

double rs_t_quantile(double p, double df)
{
	double lo = -1e4, hi = 1e4;
	int i;

	if (!(p > 0 && p < 1))
		return NAN;
	for (i = 0; i < 200; i++) {
		double mid = (lo + hi) / 2;

		if (1 - rs_t_sf(mid, df) < p)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

double rs_digamma(double x)
{
	double r = 0, f;

	while (x < 6) {
		r -= 1 / x;
		x += 1;
	}
	f = 1 / (x * x);
	return r + log(x) - 0.5 / x -
	       f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 -
	       f * (1.0 / 240 - f / 132))));
}

double rs_trigamma(double x)
{
	double r = 0, f;

	while (x < 6) {
		r += 1 / (x * x);
		x += 1;
	}
	f = 1 / (x * x);
	return r + 1 / x + f / 2 +
	       f / x * (1.0 / 6 - f * (1.0 / 30 - f * (1.0 / 42 - f / 30)));
}

double rs_trigamma_inv(double y)
{
	double lo = 1e-8, hi = 1e8;
	int i;

	/* trigamma is decreasing on (0, inf): bisect on a log scale */
	for (i = 0; i < 200; i++) {
		double mid = sqrt(lo * hi);

		if (rs_trigamma(mid) > y)
			lo = mid;
		else
			hi = mid;
	}
	return sqrt(lo * hi);
}

/* ---- multiple comparisons ----------------------------------------------- */

static const double *sort_base;

static int cmp_idx(const void *a, const void *b)
{
	double x = sort_base[*(const int *)a], y = sort_base[*(const int *)b];

	return (x > y) - (x < y);
}

void rs_adjust(const double *p, int n, enum rs_correction c, double *adj)
{
	int *idx = malloc((n + 1) * sizeof(int)), m = 0, i;
	double run;

	for (i = 0; i < n; i++)
		adj[i] = p[i];
	if (!idx || c == RS_NONE) {
		free(idx);
		return;
	}
	for (i = 0; i < n; i++)
		if (!isnan(p[i]))
			idx[m++] = i;
	sort_base = p;
	qsort(idx, m, sizeof(int), cmp_idx);
	if (c == RS_HOLM) {
		run = 0;
		for (i = 0; i < m; i++) {
			double v = (m - i) * p[idx[i]];

			if (v > 1)
				v = 1;
			if (v > run)
				run = v;
			adj[idx[i]] = run;
		}
	} else {
		run = 1;
		for (i = m - 1; i >= 0; i--) {
			double v = (double)m / (i + 1) * p[idx[i]];

			if (v < run)
				run = v;
			adj[idx[i]] = run;
		}
	}
	free(idx);
}

/* ---- helpers ---------------------------------------------------------------- */

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Quantile q of a sorted array, type 7 */
static double rs_quantile7(const double *s, size_t n, double q)
{
	double pos, frac;
	size_t i;

	if (!n)
		return NAN;
	pos = q * (n - 1);
	i = (size_t)pos;
	if (i >= n - 1)
		return s[n - 1];
	frac = pos - i;
	return s[i] + frac * (s[i + 1] - s[i]);
}

double rs_quantile(const double *v, int n, double q)
{
	double *s, m;

	if (n < 1)
		return NAN;
	s = malloc(n * sizeof(double));
	if (!s)
		return NAN;
	memcpy(s, v, n * sizeof(double));
	qsort(s, n, sizeof(double), cmp_d);
	m = rs_quantile7(s, n, q);
	free(s);
	return m;
}

double rs_median(const double *v, int n)
{
	return rs_quantile(v, n, 0.5);
}

double rs_mean(const double *v, int n)
{
	double sum = 0;
	int i;

	for (i = 0; i < n; i++)
		sum += v[i];
	return n > 0 ? sum / n : NAN;
}

double rs_sd(const double *v, int n)
{
	double m = rs_mean(v, n), ss = 0;
	int i;

	for (i = 0; i < n; i++)
		ss += (v[i] - m) * (v[i] - m);
	return n > 1 ? sqrt(ss / (n - 1)) : NAN;
}

double rs_min(const double *v, int n)
{
	double m = INFINITY;
	int i;

	for (i = 0; i < n; i++)
		m = v[i] < m ? v[i] : m;
	return n > 0 ? m : NAN;
}

double rs_max(const double *v, int n)
{
	double m = -INFINITY;
	int i;

	for (i = 0; i < n; i++)
		m = v[i] > m ? v[i] : m;
	return n > 0 ? m : NAN;
}

/* ---- the regression verdict -------------------------------------------------- */

/* per-cell working state */
struct cw {
	int ok;
	double m[2];		/* mean per-run log median */
	double w2[2];		/* sampling variance of one run's log median
				 * (mean over the side's runs) */
	double ss;		/* within-side sum of squares of run medians */
	double excess;		/* history: the sides' within-run variance
				 * beyond the history runs' mean */
	double *hlm;		/* history: log median per history run (NAN:
				 * none), less that run's group move */
	double w2h;		/* history: mean sampling variance */
	int df;			/* (Jb - 1) + (Jn - 1) */
	int nrun[2];
};

/*
 * Log median of one run and the sampling variance of that log median,
 * (pi/2) sd^2 / n (the median's asymptotic variance under normality),
 * with the larger of the sample sd and the robust one (1.4826 MAD): a
 * cell whose repetitions fall in two modes (a revoke that IPIs the other
 * CPU, 430 or 660 ns by where it lands) has a median that jumps between
 * them from run to run, which the MAD of a run that sat mostly in one
 * mode hides.  0 when n < 2 (no spread to see).
 */
static int run_summary(const struct rs_run *r, double *lm, double *w2)
{
	double *l, *dev, mad;
	int i;

	if (r->n < 1)
		return -1;
	for (i = 0; i < r->n; i++)
		if (!(r->v[i] > 0) || !isfinite(r->v[i]))
			return -1;
	l = malloc(2 * r->n * sizeof(double));	/* logs, deviations */
	if (!l)
		return -1;
	dev = l + r->n;
	for (i = 0; i < r->n; i++)
		l[i] = log(r->v[i]);
	*lm = rs_median(l, r->n);
	for (i = 0; i < r->n; i++)
		dev[i] = fabs(l[i] - *lm);
	mad = fmax(1.4826 * rs_median(dev, r->n), rs_sd(l, r->n));
	*w2 = r->n >= 2 ? M_PI / 2 * mad * mad / r->n : 0;
	free(l);
	return 0;
}

/* within_only: every repetition of a side as one sample */
static int pooled_summary(const struct rs_cell_in *c, int s, double *lm,
			  double *w2)
{
	struct rs_run r;
	double *v;
	int i, j, n = 0, ret;

	for (i = 0; i < c->nrun[s]; i++)
		n += c->run[s][i].n;
	v = malloc((n + 1) * sizeof(double));
	if (!v)
		return -1;
	n = 0;
	for (i = 0; i < c->nrun[s]; i++)
		for (j = 0; j < c->run[s][i].n; j++)
			v[n++] = c->run[s][i].v[j];
	r.v = v;
	r.n = n;
	ret = run_summary(&r, lm, w2);
	free(v);
	return ret;
}

/*
 * One run is one state of the host, and a state can move every cell of a
 * group at once (seen here: every two-thread translate cell 40 % slower
 * in one run, its probes at the fast level); the runs of one side, taken
 * back to back, share theirs (five slowed runs: every one-thread translate
 * cell +2.8 %, not only the slowed primitive's).  The median cell's move, of
 * the cells in v (NAN: none), is that state when it is more than 3
 * standard errors of a median (1.2533 sd / sqrt(n), the sd from the MAD)
 * from 0: a move the cells' own spread does not explain.  Else, or with
 * too few cells, 0.
 */
static double group_move(const double *v, int k)
{
	double *t = malloc((k + 1) * sizeof(double)), m = 0, mad;
	int i, n = 0;

	if (!t)
		return 0;
	for (i = 0; i < k; i++)
		if (isfinite(v[i]))
			t[n++] = v[i];
	if (n >= RS_MIN_NULL_CELLS) {
		m = rs_median(t, n);
		for (i = 0; i < n; i++)
			t[i] = fabs(t[i] - m);
		mad = 1.4826 * rs_median(t, n);
		if (!(fabs(m) > 3 * 1.2533 * mad / sqrt(n)))
			m = 0;
	}
	free(t);
	return m;
}

/*
 * One run a side and a history of the cell: its run-to-run variance is
 * the spread of the history's run medians, each less its run's group
 * move (the host state that moved the whole group in that run), and the
 * cell is tested as a replicated one with it.  A side whose repetitions
 * spread more than a history run's do on average (a host disturbed
 * during that run) adds the excess of its median's sampling variance.
 * in[].hist[j] is history run j for every cell (n = 0: not there).
 */
static void hist_variance(const struct rs_cell_in *in, int n, int ngroups,
			  struct cw *w, struct rs_cell_out *out)
{
	int i, j, g, nh = 0;
	double *a;

	for (i = 0; i < n; i++) {
		struct cw *x = &w[i];
		double lm, w2, mean = 0;
		int m = 0;

		if (!x->ok || x->df || in[i].nhist < 2)
			continue;
		nh = in[i].nhist > nh ? in[i].nhist : nh;
		x->hlm = malloc(in[i].nhist * sizeof(double));
		if (!x->hlm)
			continue;
		for (j = 0; j < in[i].nhist; j++) {
			x->hlm[j] = NAN;
			if (!run_summary(&in[i].hist[j], &lm, &w2)) {
				x->hlm[j] = lm;
				x->w2h += w2;
				mean += lm;
				m++;
			}
		}
		x->w2h /= m ? m : 1;
		/* centred on the cell's own level, for the group moves */
		for (j = 0; j < in[i].nhist; j++)
			x->hlm[j] -= mean / (m ? m : 1);
	}
	a = malloc((n + 1) * sizeof(double));
	for (g = 0; a && g < ngroups; g++)
		for (j = 0; j < nh; j++) {
			double mv;
			int k = 0;

			for (i = 0; i < n; i++)
				if (w[i].hlm && in[i].group == g && j < in[i].nhist)
					a[k++] = w[i].hlm[j];
			mv = group_move(a, k);
			for (i = 0; i < n; i++)
				if (w[i].hlm && in[i].group == g && j < in[i].nhist)
					w[i].hlm[j] -= mv;
		}
	free(a);
	for (i = 0; i < n; i++) {
		struct cw *x = &w[i];
		double sum = 0, sq = 0;
		int m = 0;

		for (j = 0; x->hlm && j < in[i].nhist; j++)
			if (isfinite(x->hlm[j])) {
				sum += x->hlm[j];
				sq += x->hlm[j] * x->hlm[j];
				m++;
			}
		if (m < 2)
			continue;
		x->ss = fmax(sq - sum * sum / m, 0);
		x->df = m - 1;
		x->excess = fmax(x->w2[0] - x->w2h, 0) + fmax(x->w2[1] - x->w2h, 0);
		out[i].replicated = 2;
	}
}

/*
 * limma's fitFDist by moments: s2[i] ~ s0^2 chi2(d[i]) / d[i] mixed over a
 * scaled inverse chi2(d0) prior.  d0 = INFINITY when the spread of the
 * s2 is no more than sampling explains (one common variance).
 */
static void fit_prior(const double *s2, const int *d, int k, double *d0,
		      double *s02)
{
	double *e, emean = 0, evar = 0, tri = 0, med, floor_;
	int i;

	*d0 = 0;
	*s02 = NAN;
	if (k < 3)
		return;
	e = malloc(k * sizeof(double));
	if (!e)
		return;
	med = rs_median(s2, k);
	/* a run-to-run spread of exactly 0 (integer counters): keep it finite */
	floor_ = med > 0 ? med * 1e-4 : 1e-12;
	for (i = 0; i < k; i++) {
		double v = s2[i] > floor_ ? s2[i] : floor_;

		e[i] = log(v) - rs_digamma(d[i] / 2.0) + log(d[i] / 2.0);
		emean += e[i];
		tri += rs_trigamma(d[i] / 2.0);
	}
	emean /= k;
	tri /= k;
	for (i = 0; i < k; i++)
		evar += (e[i] - emean) * (e[i] - emean);
	evar = evar / (k - 1) - tri;
	if (evar > 0) {
		*d0 = 2 * rs_trigamma_inv(evar);
		*s02 = exp(emean + rs_digamma(*d0 / 2) - log(*d0 / 2));
	} else {
		*d0 = INFINITY;
		*s02 = exp(emean);
	}
	free(e);
}

/*
 * Empirical null for unreplicated cells: tau^2 >= 0 such that
 * median_i |d_i| / sqrt(2 tau^2 + w2_i) = 0.6745 (median of |N(0,1)|).
 */
#define Z75 0.6744897501960817

static double std_quantile(const double *d, const double *w2, int k,
			   double tau, double q)
{
	double *z = malloc(k * sizeof(double)), m;
	int i;

	if (!z)
		return NAN;
	for (i = 0; i < k; i++) {
		double v = 2 * tau * tau + w2[i];

		z[i] = v > 0 ? fabs(d[i]) / sqrt(v) :
		       d[i] != 0 ? INFINITY : 0;
	}
	qsort(z, k, sizeof(double), cmp_d);
	m = rs_quantile7(z, k, q);
	free(z);
	return m;
}

static double std_median(const double *d, const double *w2, int k, double tau)
{
	return std_quantile(d, w2, k, tau, 0.5);
}

static double fit_tau(const double *d, const double *w2, int k,
		      double target)
{
	double lo = 0, hi, *ad = malloc(k * sizeof(double)), mad;
	int i;

	if (!ad)
		return NAN;
	for (i = 0; i < k; i++)
		ad[i] = fabs(d[i]);
	mad = rs_median(ad, k);
	free(ad);
	if (std_median(d, w2, k, 0) <= target)
		return 0;
	/* at hi, every |d_i| / (sqrt(2) hi) <= median |d| / (sqrt(2) hi) */
	hi = 2 * mad / (M_SQRT2 * target) + 1e-300;
	while (std_median(d, w2, k, hi) > target)
		hi *= 2;
	for (i = 0; i < 200; i++) {
		double mid = (lo + hi) / 2;

		if (std_median(d, w2, k, mid) > target)
			lo = mid;
		else
			hi = mid;
	}
	return hi;
}

/*
 * The empirical null as a scaled t: cells of one workload differ in
 * run-to-run noise, so their differences are a scale mixture of normals,
 * heavier-tailed than one normal (a t, when the variances are inverse-
 * gamma distributed, as the moderated t assumes).  For nu from infinity
 * down, tau is fitted so that the median |z| is the median of |t_nu|; the
 * first nu whose 90th percentile of |t_nu| is at least the cells' 90th
 * percentile of |z| is kept: a tail at least as heavy as the one seen.
 * Real changes in the cells only make the fit heavier (conservative).
 * Fewer than RS_MIN_TAIL_CELLS cells: normal, no tail fit.
 */
#define RS_MIN_TAIL_CELLS 20

static void fit_null(const double *d, const double *w2, int k, double *tau,
		     double *nu)
{
	static const double grid[] = {
		INFINITY, 40, 20, 12, 8, 6, 4, 3, 2, 1.5, 1,
	};
	size_t i;

	for (i = 0; i < sizeof(grid) / sizeof(grid[0]); i++) {
		double m = rs_t_quantile(0.75, grid[i]);
		double q = rs_t_quantile(0.9, grid[i]);

		*nu = grid[i];
		*tau = fit_tau(d, w2, k, m);
		if (k < RS_MIN_TAIL_CELLS ||
		    std_quantile(d, w2, k, *tau, 0.8) <= q)
			return;
	}
}

/* z with P(Z > z) = p, for p in [0, 1] (bisection; 0 -> 40) */
static double norm_isf(double p)
{
	double lo = -40, hi = 40;
	int i;

	for (i = 0; i < 100; i++) {
		double mid = (lo + hi) / 2;

		if (rs_norm_sf(mid) > p)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

/* d: the change, log scale; tested less o->shift (its group's common one) */
static void test_cell(const struct rs_cfg *cfg, struct rs_cell_out *o,
		      double d, double se, double df)
{
	double thr = log1p(cfg->threshold_pct / 100);
	double worse = (cfg->higher_is_better ? -1 : 1) * (d - o->shift), tq;

	o->se = se;
	o->df = df;
	o->change = expm1(d);
	tq = rs_t_quantile(1 - cfg->alpha / 2, df);
	o->lo = expm1(d - tq * se);
	o->hi = expm1(d + tq * se);
	if (se > 0) {
		o->p_reg = rs_t_sf((worse - thr) / se, df);
		o->p_imp = rs_t_sf((-worse - thr) / se, df);
	} else {
		o->p_reg = worse > thr ? 0 : 1;
		o->p_imp = -worse > thr ? 0 : 1;
	}
}

static int gc_key(const struct rs_cell_in *c, int ngroups)
{
	return c->family ? ngroups + c->family - 1 : c->group;
}

int rs_compare(const struct rs_cell_in *in, int n, int ngroups,
	       const struct rs_cfg *cfg, struct rs_cell_out *out,
	       struct rs_group *groups)
{
	struct cw *w = calloc(n + 1, sizeof(*w));
	double *a = calloc(n + 1, sizeof(double));
	double *b = calloc(n + 1, sizeof(double));
	int *di = malloc((n + 1) * sizeof(int));
	int i, s, g, f, nf, tested = 0;

	memset(groups, 0, ngroups * sizeof(*groups));
	for (g = 0; g < ngroups; g++)
		groups[g].lambda = 1;
	for (i = 0; i < n; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		out[i].verdict = RS_NOTEST;
		out[i].p_reg = out[i].p_imp = NAN;
		out[i].padj_reg = out[i].padj_imp = NAN;
		out[i].med[0] = out[i].med[1] = out[i].change = NAN;
		out[i].lo = out[i].hi = out[i].se = out[i].df = NAN;
	}
	if (!w || !a || !b || !di)
		goto out;

	/* per-cell summaries */
	for (i = 0; i < n; i++) {
		const struct rs_cell_in *c = &in[i];
		struct cw *x = &w[i];
		int bad = 0;

		if (c->nrun[0] < 1 || c->nrun[1] < 1) {
			out[i].why = "no run on a side";
			continue;
		}
		for (s = 0; s < 2 && !bad; s++) {
			double sum = 0, sq = 0, w2sum = 0;
			int j;

			x->nrun[s] = c->nrun[s];
			if (cfg->within_only) {
				double lm, w2;

				if (pooled_summary(c, s, &lm, &w2)) {
					bad = 1;
					break;
				}
				x->m[s] = lm;
				x->w2[s] = w2;
				continue;
			}
			for (j = 0; j < c->nrun[s]; j++) {
				double lm, w2;

				if (run_summary(&c->run[s][j], &lm, &w2)) {
					bad = 1;
					break;
				}
				sum += lm;
				sq += lm * lm;
				w2sum += w2;
			}
			if (bad)
				break;
			x->m[s] = sum / c->nrun[s];
			x->ss += sq - sum * sum / c->nrun[s];
			x->w2[s] = w2sum / c->nrun[s];
		}
		if (bad) {
			out[i].why = "a value is zero, negative or not finite";
			continue;
		}
		if (x->ss < 0)
			x->ss = 0;
		x->df = cfg->within_only ? 0 : c->nrun[0] + c->nrun[1] - 2;
		x->ok = 1;
		out[i].med[0] = exp(x->m[0]);
		out[i].med[1] = exp(x->m[1]);
		out[i].replicated = x->df > 0;
	}
	if (!cfg->within_only)
		hist_variance(in, n, ngroups, w, out);
	/* each group's common move between the sides (group_move()) */
	for (g = 0; g < ngroups && !cfg->within_only; g++) {
		int k = 0;

		for (i = 0; i < n; i++)
			if (w[i].ok && in[i].group == g)
				a[k++] = w[i].m[1] - w[i].m[0];
		groups[g].shift = group_move(a, k);
		for (i = 0; i < n; i++)
			if (w[i].ok && in[i].group == g)
				out[i].shift = groups[g].shift;
	}

	if (cfg->within_only) {
		for (i = 0; i < n; i++) {
			double se;

			if (!w[i].ok)
				continue;
			se = sqrt(w[i].w2[0] + w[i].w2[1]);
			test_cell(cfg, &out[i], w[i].m[1] - w[i].m[0], se,
				  INFINITY);
			tested++;
		}
		goto correct;
	}

	/* replicated cells: moderated t, prior per group */
	for (g = 0; g < ngroups; g++) {
		int k = 0;
		double d0, s02;

		for (i = 0; i < n; i++)
			if (w[i].ok && w[i].df > 0 && in[i].group == g) {
				a[k] = w[i].ss / w[i].df;
				di[k++] = w[i].df;
			}
		if (!k)
			continue;
		fit_prior(a, di, k, &d0, &s02);
		groups[g].nrep_cells = k;
		groups[g].d0 = d0;
		groups[g].s0 = sqrt(s02);
		for (i = 0; i < n; i++) {
			double s2, df, se;

			if (!w[i].ok || w[i].df <= 0 || in[i].group != g)
				continue;
			s2 = w[i].ss / w[i].df;
			if (isinf(d0)) {
				s2 = s02;
				df = INFINITY;
			} else if (d0 > 0) {
				s2 = (d0 * s02 + w[i].df * s2) / (d0 + w[i].df);
				df = d0 + w[i].df;
			} else {
				df = w[i].df;
			}
			se = sqrt(s2 * (1.0 / w[i].nrun[0] + 1.0 / w[i].nrun[1]) +
				  w[i].excess);
			test_cell(cfg, &out[i], w[i].m[1] - w[i].m[0], se, df);
			tested++;
		}
	}

	/* unreplicated cells: empirical null per group, else all pooled */
	{
		int kall = 0;
		double tau_all = NAN, nu_all = INFINITY;

		for (i = 0; i < n; i++)
			if (w[i].ok && w[i].df == 0)
				kall++;
		for (g = -1; g < ngroups && kall; g++) {
			int k = 0;
			double tau, nu;

			for (i = 0; i < n; i++)
				if (w[i].ok && w[i].df == 0 &&
				    (g < 0 || in[i].group == g)) {
					a[k] = w[i].m[1] - w[i].m[0] - out[i].shift;
					b[k++] = w[i].w2[0] + w[i].w2[1];
				}
			if (g < 0) {
				if (k >= RS_MIN_NULL_CELLS)
					fit_null(a, b, k, &tau_all, &nu_all);
				continue;
			}
			if (!k)
				continue;
			if (k >= RS_MIN_NULL_CELLS) {
				fit_null(a, b, k, &tau, &nu);
			} else {
				tau = tau_all;
				nu = nu_all;
				groups[g].pooled_global = 1;
				k = kall;
			}
			groups[g].tau = tau;
			groups[g].nu = nu;
			groups[g].inflation = std_median(a, b, k < kall ? k : kall, 0) / Z75;
			for (i = 0; i < n; i++) {
				double se, df;

				if (!w[i].ok || w[i].df != 0 || in[i].group != g)
					continue;
				if (isnan(tau)) {
					out[i].why = "one run per side and too few cells to estimate run-to-run noise";
					continue;
				}
				se = sqrt(2 * tau * tau + w[i].w2[0] + w[i].w2[1]);
				/*
				 * tau comes from a median of k values: the MAD
				 * has the precision of an sd from k / 2.72
				 * samples (asymptotic efficiency 0.37)
				 */
				df = k / 2.72 > 1 ? k / 2.72 : 1;
				if (nu < df)
					df = nu;
				test_cell(cfg, &out[i], w[i].m[1] - w[i].m[0],
					  se, df);
				tested++;
			}
		}
	}

	/*
	 * Genomic control (Devlin and Roeder 1999): when a workload's cells
	 * differ, as a whole, more than their standard errors allow (a side
	 * whose runs all came from a quieter or a busier machine than the
	 * other's, which no per-cell estimate can see), widen every standard
	 * error of that workload by lambda = median |z| / 0.6745, never
	 * narrow it.  The median is robust to a minority of truly changed
	 * cells; a change that moves most cells of a workload at once looks
	 * like a disturbed run and is damped with it.  Per family (the
	 * groups of one workload: its one-thread and cross-CPU cells share
	 * the host's state, not their noise).
	 */
	for (i = 0, nf = ngroups; i < n; i++)
		nf = in[i].family && ngroups + in[i].family > nf ?
		     ngroups + in[i].family : nf;
	for (f = 0; f < nf && !cfg->no_lambda; f++) {
		double lambda;
		int k = 0;

		for (i = 0; i < n; i++) {
			double z, p2;

			if (gc_key(&in[i], ngroups) != f || isnan(out[i].p_reg))
				continue;
			z = fabs(log1p(out[i].change) - out[i].shift);
			z = out[i].se > 0 ? z / out[i].se : z != 0 ? INFINITY : 0;
			p2 = 2 * rs_t_sf(z, out[i].df);
			a[k++] = norm_isf(p2 / 2);
		}
		if (k < RS_MIN_NULL_CELLS)
			continue;
		lambda = rs_median(a, k) / Z75;
		if (!(lambda > 1))
			continue;
		for (i = 0; i < n; i++)
			if (gc_key(&in[i], ngroups) == f && !isnan(out[i].p_reg)) {
				groups[in[i].group].lambda = lambda;
				test_cell(cfg, &out[i], log1p(out[i].change),
					  out[i].se * lambda, out[i].df);
			}
	}

correct:
	/* each direction's p-values, adjusted across the cells */
	for (s = 0; s < 2; s++) {
		for (i = 0; i < n; i++)
			a[i] = s ? out[i].p_imp : out[i].p_reg;
		rs_adjust(a, n, cfg->corr, b);
		for (i = 0; i < n; i++)
			*(s ? &out[i].padj_imp : &out[i].padj_reg) = b[i];
	}
	for (i = 0; i < n; i++) {
		struct rs_cell_out *o = &out[i];

		if (isnan(o->p_reg))
			continue;
		groups[in[i].group].ncells++;
		if (o->padj_reg < cfg->alpha)
			o->verdict = RS_REGRESSED;
		else if (o->padj_imp < cfg->alpha)
			o->verdict = RS_IMPROVED;
		else
			o->verdict = RS_SAME;
	}
out:
	for (i = 0; w && i < n; i++)
		free(w[i].hlm);
	free(w);
	free(a);
	free(b);
	free(di);
	return tested;
}

/* ---- change points: e-divisive means -------------------------------------- */

/*
 * Two doubles in one SSE2 register (GCC and clang vector extensions):
 * the permutations' scan runs two splits per instruction.
 */
typedef double ed_v2 __attribute__((vector_size(16)));
typedef long long ed_m2 __attribute__((vector_size(16)));

/* |d| of both lanes: the sign bit cleared */
static ed_v2 ed_abs(ed_v2 d)
{
	const ed_m2 mag = { LLONG_MAX, LLONG_MAX };
	ed_m2 b;

	memcpy(&b, &d, sizeof(b));
	b &= mag;
	memcpy(&d, &b, sizeof(d));
	return d;
}

/* D[0..L] of ed_seg() (four partial sums per row), and col[] zeroed */
static void ed_within(const double *y, int L, double *D, double *col)
{
	int k, j;

	D[0] = 0;
	D[1] = 0;
	for (k = 1; k < L; k++) {
		ed_v2 a0 = { 0, 0 }, a1 = { 0, 0 }, d;
		double v = y[k], r;

		for (j = 0; j + 3 < k; j += 4) {	/* four chains */
			memcpy(&d, &y[j], sizeof(d));
			a0 += ed_abs(v - d);
			memcpy(&d, &y[j + 2], sizeof(d));
			a1 += ed_abs(v - d);
		}
		a0 += a1;
		for (r = a0[0] + a0[1]; j < k; j++)
			r += fabs(v - y[j]);
		D[k + 1] = D[k] + 2 * r;
	}
	for (k = 0; k < L; k++)
		col[k] = 0;
}

/* Q of the split (t, k), m = t, nn = k - t: the one formula of both */
#define ED_Q(p, dt, m, nn, sx, Dk, invnn, invk) \
	((2 * ((p) - (dt)) - (nn) * (sx) - \
	  (m) * ((Dk) - 2 * (p) + (dt)) * (invnn)) * (invk))

/*
 * The best split of one segment y[0..L): the (t, k) of largest Q with
 * X = y[0..t), Y = y[t..k), both at least min long; its Q, t in *at.
 * Returns as soon as a Q reaches stop (the permutations only ask whether
 * one does).  With d(a, b) = |y_a - y_b|, D[k] the sum of d over ordered
 * pairs inside y[0..k), and P(t, k) the sum over a < t, b < k (so P(t, t)
 * = D[t]): B = P(t, k) - D[t] is the cross sum, D[k] - 2 P(t, k) + D[t]
 * the ordered pairs inside Y, and Q = (2 B - n Sx / (m-1) - m Sy / (n-1)) /
 * (m + n), from m n / (m + n) (2 B / (m n) - Sx / (m (m-1)) - Sy / (n (n-1))).
 * col[b] holds the sum of d(a, b) over a < t, so that P(t, k) is D[t]
 * plus a running sum of col over k: L^2 / 2 steps for D, as many for col
 * and for the (t, k) loop, with no matrix and no division (inv[i] = 1/i).
 */
static double ed_seg(const double *y, int L, int min, double *D, double *col,
		     const double *inv, double stop, int *at)
{
	double best = -INFINITY;
	int t, k, j;

	ed_within(y, L, D, col);
	for (t = 1; t + min <= L; t++) {
		double v = y[t - 1], m = t, dt = D[t], sx, p;

		for (j = t; j < L; j++)
			col[j] += fabs(v - y[j]);
		if (t < min)
			continue;
		sx = dt * inv[t - 1];
		p = dt;
		for (k = t + 1; k <= L; k++) {
			double nn = k - t, q;

			p += col[k - 1];
			if (k - t < min)
				continue;
			q = ED_Q(p, dt, m, nn, sx, D[k], inv[k - t - 1], inv[k]);
			if (q > best) {
				best = q;
				*at = t;
				if (best >= stop)
					return best;
			}
		}
	}
	return best;
}

/*
 * Whether some split of y[0..L) has Q >= stop: what a permutation asks,
 * with no need for the split itself, so ed_seg() two t at a time.  Lane
 * 1 is t and lane 0 is t + 1, whose column is lane 1's plus d(y[t], .);
 * one k loop runs both, and writes back the column of t + 2 (plus
 * d(y[t + 1], .)) for the next pair, so col[] is walked once per pair.
 * Each lane does ed_seg()'s operations in ed_seg()'s order (ED_Q; ISO C
 * does not contract them into FMAs), so every Q is ed_seg()'s to the bit
 * and so is the answer: tests/stats.c checks it.  With ed_within()'s
 * four sums, a scan of 100 values takes about 70 % of ed_seg()'s time,
 * and history about 73 % of the CPU time it took (12-06).
 */
static bool ed_seg_reach(const double *restrict y, int L, int min,
			 double *restrict D, double *restrict col,
			 const double *restrict inv, double stop)
{
	ed_m2 hit = { 0, 0 };
	int t, k, j;

	ed_within(y, L, D, col);
	for (t = 1; t <= min; t++)	/* the column of t = min */
		for (j = t; j < L; j++)
			col[j] += fabs(y[t - 1] - y[j]);
	for (t = min; t + min <= L; t += 2) {
		double pa, qa;

		if (t + 1 + min > L) {		/* t alone: ed_seg()'s loop */
			double dt = D[t], sx = dt * inv[t - 1], p = dt;

			for (k = t + 1; k <= L; k++) {
				p += col[k - 1];
				if (k - t >= min &&
				    ED_Q(p, dt, (double)t, (double)(k - t), sx,
					 D[k], inv[k - t - 1], inv[k]) >= stop)
					return true;
			}
			break;
		}
		{
			ed_v2 dt = { D[t + 1], D[t] };
			ed_v2 sx = { D[t + 1] * inv[t], D[t] * inv[t - 1] };
			ed_v2 m = { t + 1, t }, tv = { t + 1, t };
			ed_v2 p = { D[t + 1], 0 }, c, nn, iv, q;
			double w = y[t], w2 = y[t + 1];

			pa = D[t] + col[t];	/* k = t + 1: too short */
			p[1] = pa;
			for (k = t + 2; k <= L; k++) {
				double ca = col[k - 1], v = y[k - 1];
				double cb = ca + fabs(w - v);

				/* the column of t + 2, for the next pair */
				col[k - 1] = cb + fabs(w2 - v);
				c = (ed_v2){ cb, ca };
				p += c;
				if (k - t - 1 < min) {
					if (k - t < min)
						continue;
					qa = ED_Q(p[1], dt[1], m[1],
						  (double)(k - t), sx[1], D[k],
						  inv[k - t - 1], inv[k]);
					if (qa >= stop)
						return true;
					continue;
				}
				nn = (double)k - tv;
				memcpy(&iv, &inv[k - t - 2], sizeof(iv));
				q = ED_Q(p, dt, m, nn, sx, D[k], iv, inv[k]);
				hit |= q >= stop;
			}
			if (hit[0] | hit[1])
				return true;
		}
	}
	return false;
}

/* Whether any segment [bnd[i], bnd[i+1]) has a split with Q >= stop */
static bool ed_reach(const double *y, const int *bnd, int nb, int min,
		     double *work, const double *inv, double stop)
{
	int b;

	for (b = 0; b + 1 < nb; b++) {
		int s = bnd[b], L = bnd[b + 1] - s;

		if (L >= 2 * min &&
		    ed_seg_reach(y + s, L, min, work, work + L + 1, inv, stop))
			return true;
	}
	return false;
}

/* Relative difference under which two Q are one (rounding of sums) */
#define ED_TIE		1e-9

/* The best split over every segment [bnd[i], bnd[i+1]); stop as above. */
static double ed_best(const double *y, const int *bnd, int nb, int min,
		      double *work, const double *inv, double stop, int *at)
{
	double best = -INFINITY;
	int b;

	for (b = 0; b + 1 < nb && best < stop; b++) {
		int s = bnd[b], L = bnd[b + 1] - s, t = -1;
		double q;

		if (L < 2 * min)
			continue;
		q = ed_seg(y + s, L, min, work, work + L + 1, inv, stop, &t);
		if (q > best) {
			best = q;
			*at = s + t;
		}
	}
	return best;
}

/*
 * The buffers of a scan of n values, in one allocation: the work of
 * ed_seg() (D and col, 2 (n + 1)), then inv[0..n] = 1 / i (inv[0] = 0).
 */
static double *ed_alloc(int n)
{
	double *w = malloc(3 * (n + 1) * sizeof(double)), *inv;
	int i;

	if (!w)
		return NULL;
	inv = w + 2 * (n + 1);
	inv[0] = 0;
	for (i = 1; i <= n; i++)
		inv[i] = 1.0 / i;
	return w;
}

double rs_ed_best(const double *x, int n, int min, int *at)
{
	double *w = n >= 2 * min ? ed_alloc(n) : NULL;
	double q = -INFINITY;

	*at = -1;
	if (w)
		q = ed_seg(x, n, min, w, w + n + 1, w + 2 * (n + 1), INFINITY,
			   at);
	free(w);
	return q;
}

bool rs_ed_reaches(const double *x, int n, int min, double stop)
{
	double *w = n >= 2 * min ? ed_alloc(n) : NULL;
	bool r = false;

	if (w)
		r = ed_seg_reach(x, n, min, w, w + n + 1, w + 2 * (n + 1),
				 stop);
	free(w);
	return r;
}

int rs_edivisive(const double *x, int n, const struct rs_ed_cfg *cfg,
		 struct rs_cp *cp, int max)
{
	double *work = ed_alloc(n), *inv = work ? work + 2 * (n + 1) : NULL;
	double *y = malloc((n + 1) * sizeof(double));
	int *bnd = malloc((max + 3) * sizeof(int));
	int min = cfg->min_size > 2 ? cfg->min_size : 2, nb = 2, ncp = 0, i;
	/* 1 / alpha, at least 1000: p reaches alpha when none matches Q */
	long perms = (long)fmin(fmax(ceil(1 / cfg->alpha), 1000), 1e6) - 1;
	long maxhits = (long)floor(cfg->alpha * (perms + 1)) - 1;
	struct rs_rng rng;

	if (!work || !y || !bnd || n < 2 * min)
		goto out;
	rs_rng_seed(&rng, cfg->seed);
	bnd[0] = 0;
	bnd[1] = n;
	while (ncp < max) {
		double q, qp, qtie;
		int at = -1, b, j;
		long r, hits = 0;

		q = ed_best(x, bnd, nb, min, work, inv, INFINITY, &at);
		if (at < 0)
			break;
		/*
		 * A tie is a hit: a shuffle that Q cannot tell from the
		 * original (run medians are rounded, so many are) gives the
		 * same Q but for the order of its sums, a few ulps either way.
		 */
		qtie = q - fabs(q) * ED_TIE;
		/* more than maxhits: p > alpha whatever the rest would give */
		for (r = 0; r < perms && hits <= maxhits; r++) {
			memcpy(y, x, n * sizeof(double));
			for (b = 0; b + 1 < nb; b++)	/* shuffle each segment */
				for (i = bnd[b + 1] - 1; i > bnd[b]; i--) {
					double t;

					j = bnd[b] + rs_rng_below(&rng, i - bnd[b] + 1);
					t = y[i];
					y[i] = y[j];
					y[j] = t;
				}
			hits += ed_reach(y, bnd, nb, min, work, inv, qtie);
		}
		qp = (hits + 1.0) / (r + 1);
		if (qp > cfg->alpha)
			break;
		/* a change point: a new segment boundary, in order */
		for (i = nb; i > 0 && bnd[i - 1] > at; i--)
			bnd[i] = bnd[i - 1];
		bnd[i] = at;
		nb++;
		for (i = ncp; i > 0 && cp[i - 1].at > at; i--)
			cp[i] = cp[i - 1];
		cp[i] = (struct rs_cp){ at, qp, q };
		ncp++;
	}
out:
	free(work);
	free(y);
	free(bnd);
	return ncp;
}

/* ---- pooled percentiles ---------------------------------------------------------- */

size_t rs_quantile_min_n(double q)
{
	return (size_t)ceil(RS_TAIL_MIN / (1 - q) - 1e-9);
}

/* type-7 quantile from counts over sorted values (total m) */
static double count_quantile(const double *sorted, const unsigned *cnt,
			     size_t n, size_t m, double q, size_t *pos,
			     size_t *acc)
{
	double h = q * (m - 1), lo_v = NAN, hi_v = NAN;
	size_t k = (size_t)h, p = *pos, c = *acc;

	/* advance to the order statistic k (0-based): c counts below p */
	while (p < n && c + cnt[p] <= k)
		c += cnt[p++];
	lo_v = sorted[p];
	if (k + 1 < m) {
		size_t p2 = p, c2 = c;

		while (p2 < n && c2 + cnt[p2] <= k + 1)
			c2 += cnt[p2++];
		hi_v = sorted[p2 < n ? p2 : n - 1];
	} else {
		hi_v = lo_v;
	}
	*pos = p;
	*acc = c;
	return lo_v + (h - k) * (hi_v - lo_v);
}

struct vr {
	double v;
	long rep;
};

static int cmp_vr(const void *a, const void *b)
{
	const struct vr *x = a, *y = b;

	return (x->v > y->v) - (x->v < y->v);
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

int rs_pooled_quantiles(const double *x, const long *rep, size_t n,
			const double *q, int nq, int B, uint64_t seed,
			double level, double *est, double *lo, double *hi)
{
	struct vr *vr = malloc((n + 1) * sizeof(*vr));
	double *sorted = malloc((n + 1) * sizeof(double));
	long *labels = malloc((n + 1) * sizeof(long));
	size_t *start = NULL, *members = NULL, nrep = 0, i, k;
	unsigned *cnt = calloc(n + 1, sizeof(unsigned));
	double *boot = NULL;
	struct rs_rng rng;
	int qi, b, ret = -1;

	if (!n || !vr || !sorted || !labels || !cnt)
		goto out;
	for (i = 0; i < n; i++) {
		vr[i].v = x[i];
		vr[i].rep = rep[i];
		labels[i] = rep[i];
	}
	qsort(vr, n, sizeof(*vr), cmp_vr);
	for (i = 0; i < n; i++)
		sorted[i] = vr[i].v;
	for (qi = 0; qi < nq; qi++)
		est[qi] = rs_quantile7(sorted, n, q[qi]);
	if (B <= 0) {
		for (qi = 0; qi < nq; qi++)
			lo[qi] = hi[qi] = NAN;
		ret = 0;
		goto out;
	}
	/* repetitions: distinct labels, and the sorted positions of each */
	qsort(labels, n, sizeof(long), cmp_long);
	for (i = 0; i < n; i++)
		if (!i || labels[i] != labels[i - 1])
			labels[nrep++] = labels[i];
	start = calloc(nrep + 1, sizeof(size_t));
	members = malloc(n * sizeof(size_t));
	boot = malloc((size_t)B * nq * sizeof(double));
	if (!start || !members || !boot)
		goto out;
	for (i = 0; i < n; i++) {
		long *f = bsearch(&vr[i].rep, labels, nrep, sizeof(long),
				  cmp_long);

		start[f - labels + 1]++;
	}
	for (k = 0; k < nrep; k++)
		start[k + 1] += start[k];
	{
		size_t *fill = calloc(nrep + 1, sizeof(size_t));

		if (!fill)
			goto out;
		for (i = 0; i < n; i++) {
			long *f = bsearch(&vr[i].rep, labels, nrep,
					  sizeof(long), cmp_long);
			size_t r = f - labels;

			members[start[r] + fill[r]++] = i;
		}
		free(fill);
	}
	rs_rng_seed(&rng, seed);
	for (b = 0; b < B; b++) {
		size_t m = 0, pos = 0, acc = 0;

		memset(cnt, 0, n * sizeof(unsigned));
		for (k = 0; k < nrep; k++) {
			size_t r = rs_rng_below(&rng, nrep);
			size_t len = start[r + 1] - start[r], j;

			for (j = 0; j < len; j++)
				cnt[members[start[r] + rs_rng_below(&rng, len)]]++;
			m += len;
		}
		for (qi = 0; qi < nq; qi++)
			boot[(size_t)qi * B + b] =
				count_quantile(sorted, cnt, n, m, q[qi], &pos,
					       &acc);
	}
	for (qi = 0; qi < nq; qi++) {
		double *bq = &boot[(size_t)qi * B];

		qsort(bq, B, sizeof(double), cmp_d);
		lo[qi] = rs_quantile7(bq, B, (1 - level) / 2);
		hi[qi] = rs_quantile7(bq, B, 1 - (1 - level) / 2);
	}
	ret = 0;
out:
	free(vr);
	free(sorted);
	free(labels);
	free(start);
	free(members);
	free(cnt);
	free(boot);
	return ret;
}
