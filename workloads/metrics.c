// SPDX-License-Identifier: GPL-2.0
/*
 * metrics.c - cell names and derived metrics, shared by the userspace
 * runner and the kernel module (see metrics.h).  Integer arithmetic in
 * thousandths; 64-bit divisions go through div64_u64() (the kernel's, or
 * the userspace one below) so that 32-bit kernels link.
 */
#include "metrics.h"

#ifdef __KERNEL__
#include <linux/math64.h>
#else
static inline u64 div64_u64(u64 a, u64 b)
{
	return a / b;
}
#endif

const struct rb_sysfs_fact rb_sysfs_facts[] = {
	{ "clocksource",
	  "/sys/devices/system/clocksource/clocksource0/current_clocksource" },
	{ "spectre_v2", "/sys/devices/system/cpu/vulnerabilities/spectre_v2" },
	{ "cpufreq_driver", "/sys/devices/system/cpu/cpu0/cpufreq/scaling_driver" },
	{ "cpufreq_governor",
	  "/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor" },
};
const int rb_sysfs_nfacts = ARRAY_SIZE(rb_sysfs_facts);

int rb_cell_name(char *buf, size_t len, const struct rb_workload *wl,
		 const struct rb_wl_params *p, const char *suffix)
{
	unsigned int k = wl->knobs;
	size_t off;
	int n;

#define RB_NAME_ADD(...)						\
	do {								\
		n = snprintf(buf + off, off < len ? len - off : 0,	\
			     __VA_ARGS__);				\
		off += n > 0 ? (size_t)n : 0;				\
	} while (0)

	off = 0;
	RB_NAME_ADD("%s/%s/threads:%d/cs:%u", wl->name, p->ops->name,
		    p->threads, (k & RB_WL_KNOB_CS) ? p->cs : 1);
	if (k & RB_WL_KNOB_NPAGES)
		RB_NAME_ADD("/npages:%u", p->npages);
	if (k & RB_WL_KNOB_N)
		RB_NAME_ADD("/n:%u/mode:%s", p->n,
			    p->batched ? "batched" : "oneby");
	if ((k & RB_WL_KNOB_GUARD) && p->guard > 1)
		RB_NAME_ADD("/guard:%u", p->guard);
	if ((k & RB_WL_KNOB_DELAY) && p->delay_ns)
		RB_NAME_ADD("/delay:%llu", (unsigned long long)p->delay_ns);
	if ((k & RB_WL_KNOB_SLEEP) && p->sleep_us)
		RB_NAME_ADD("/sleep:%u", p->sleep_us);
	if ((k & RB_WL_KNOB_STALL) && p->stall_us)
		RB_NAME_ADD("/stall:%u%s", p->stall_us,
			    p->stall_rcu ? "/in:rcu" : "");
	if (suffix)
		RB_NAME_ADD("%s", suffix);
#undef RB_NAME_ADD
	return off < len ? (int)off : -1;
}

static void met_add(struct rb_metrics *m, int cell, const char *name,
		    s64 milli)
{
	struct rb_metric *t = cell ? m->cell : m->rep;
	int *n = cell ? &m->ncell : &m->nrep;

	if (*n < RB_MET_MAX) {
		t[*n].name = name;
		t[*n].milli = milli;
		(*n)++;
	}
}

int rb_metrics_get(const struct rb_metrics *m, const char *name, s64 *milli)
{
	int i;

	for (i = 0; i < m->nrep; i++)
		if (!strcmp(m->rep[i].name, name)) {
			*milli = m->rep[i].milli;
			return 1;
		}
	for (i = 0; i < m->ncell; i++)
		if (!strcmp(m->cell[i].name, name)) {
			*milli = m->cell[i].milli;
			return 1;
		}
	return 0;
}

void rb_metrics_context(int irqoff, void (*add)(void *arg, const char *key,
						const char *value),
			void *arg)
{
	u64 ps = rb_wl_delay_loop_ps();
	char buf[48];

	add(arg, "irqoff", !RB_HAVE_IRQOFF ? "n/a" : !irqoff ? "off" :
	    RB_IRQOFF_MAY_BLOCK ?
	    "on: empty, translate and error-path windows without sleep_us" :
	    "on: empty, translate and error-path windows without sleep_us, but not rwsem's (its down_read() may block, and this kernel checks might_sleep() or is PREEMPT_RT)");
	snprintf(buf, sizeof(buf), "%llu.%03llu",
		 (unsigned long long)div64_u64(ps, 1000),
		 (unsigned long long)(ps - div64_u64(ps, 1000) * 1000));
	add(arg, "delay_loop_ns", buf);
}

/* ---- sorting, percentiles, square roots --------------------------------- */

static void sift_down(u64 *v, u64 root, u64 n)
{
	u64 child, t;

	while ((child = 2 * root + 1) < n) {
		if (child + 1 < n && v[child + 1] > v[child])
			child++;
		if (v[root] >= v[child])
			return;
		t = v[root];
		v[root] = v[child];
		v[child] = t;
		root = child;
	}
}

void rb_sort_u64(u64 *v, u64 n)
{
	u64 i, t;

	if (n < 2)
		return;
	for (i = n / 2; i-- > 0;)
		sift_down(v, i, n);
	for (i = n - 1; i > 0; i--) {
		t = v[0];
		v[0] = v[i];
		v[i] = t;
		sift_down(v, 0, i);
	}
}

u64 rb_pct_sorted(const u64 *v, u64 n, unsigned int pct)
{
	/* nearest rank: the smallest value with >= pct % of v at or below */
	u64 k = div64_u64((u64)pct * n + 99, 100);

	return v[k ? k - 1 : 0];
}

static u64 isqrt64(u64 x)
{
	u64 r = 0, bit = (u64)1 << 62;

	while (bit > x)
		bit >>= 2;
	while (bit) {
		if (x >= r + bit) {
			x -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return r;
}

/* a * 1000 / b, rounded; no overflow for a < 2^53 (ns, op counts) */
static s64 milli_ratio(u64 a, u64 b)
{
	return b ? (s64)div64_u64(a * 1000 + b / 2, b) : 0;
}

/* ---- the metrics -------------------------------------------------------- */

void rb_metrics_revoke(struct rb_metrics *m, u64 *s, u64 n)
{
	u64 sum = 0, i;

	rb_sort_u64(s, n);
	for (i = 0; i < n; i++)
		sum += s[i];
	m->iterations = n;
	m->real_milli = milli_ratio(sum, n);
	met_add(m, 0, "revoke_p50_ns", (s64)rb_pct_sorted(s, n, 50) * 1000);
	met_add(m, 0, "revoke_p90_ns", (s64)rb_pct_sorted(s, n, 90) * 1000);
	met_add(m, 0, "revoke_p99_ns", (s64)rb_pct_sorted(s, n, 99) * 1000);
	met_add(m, 0, "revoke_max_ns", (s64)s[n - 1] * 1000);
	met_add(m, 1, "revoke_samples", (s64)n * 1000);
}

void rb_metrics_common(struct rb_metrics *m, const struct revocable_ops *ops,
		       u64 errors, u64 retries, u64 bytes_per_rev,
		       int nreaders)
{
	met_add(m, 0, "errors", (s64)errors * 1000);
	if (ops->caps & REV_CAP_RETRY)
		met_add(m, 0, "retries", (s64)retries * 1000);
	met_add(m, 1, "bytes_per_rev", (s64)bytes_per_rev * 1000);
	met_add(m, 1, "threads_readers", (s64)nreaders * 1000);
}

/*
 * The spread of per-reader operation counts (timed + untimed): min, max
 * and the coefficient of variation (population stddev / mean).
 */
static void ops_spread(struct rb_metrics *m, const struct rb_wl_run *run,
		       const struct rb_wl_totals *tot)
{
	u64 sum = 0, mean, var = 0, max_d = 0, sd;
	unsigned int shift = 0;
	int i, nr = 0;

	for (i = 0; i < run->p.threads; i++) {
		const struct rb_wl_thread *t = &run->th[i];

		if (t->is_revoker)
			continue;
		sum += t->ops + t->tail_ops;
		nr++;
	}
	if (!nr)
		return;
	mean = div64_u64(sum, nr);
	for (i = 0; i < run->p.threads; i++) {
		const struct rb_wl_thread *t = &run->th[i];
		u64 x = t->ops + t->tail_ops;
		u64 d = x > mean ? x - mean : mean - x;

		if (!t->is_revoker && d > max_d)
			max_d = d;
	}
	/* scale the deviations so that RB_WL_MAX_THREADS squares fit */
	while ((max_d >> shift) >= ((u64)1 << 26))
		shift++;
	for (i = 0; i < run->p.threads; i++) {
		const struct rb_wl_thread *t = &run->th[i];
		u64 x = t->ops + t->tail_ops;
		u64 d = (x > mean ? x - mean : mean - x) >> shift;

		if (!t->is_revoker)
			var += d * d;
	}
	sd = isqrt64(div64_u64(var, nr)) << shift;
	met_add(m, 0, "ops_min", (s64)tot->ops_min * 1000);
	met_add(m, 0, "ops_max", (s64)tot->ops_max * 1000);
	met_add(m, 0, "ops_cv", mean ? milli_ratio(sd, mean) : 0);
}

/*
 * unbind: the reclaim latency (revoke start until the page table is
 * freed), the teardown (the free itself) and the peak of bytes revoked
 * but not yet freed, from the run's per-cycle arrays (sorted in place).
 */
void rb_metrics_reclaim(struct rb_metrics *m, u64 *reclaim, u64 *teardown,
			u64 n, long unreclaimed_peak)
{
	if (!n)
		return;
	rb_sort_u64(reclaim, n);
	rb_sort_u64(teardown, n);
	met_add(m, 0, "reclaim_p50_ns",
		(s64)rb_pct_sorted(reclaim, n, 50) * 1000);
	met_add(m, 0, "reclaim_p99_ns",
		(s64)rb_pct_sorted(reclaim, n, 99) * 1000);
	met_add(m, 0, "teardown_ns",
		(s64)rb_pct_sorted(teardown, n, 50) * 1000);
	met_add(m, 0, "unreclaimed_peak_bytes", (s64)unreclaimed_peak * 1000);
}

void rb_metrics_retained(struct rb_metrics *m, long retained_peak)
{
	met_add(m, 0, "retained_peak_bytes", (s64)retained_peak * 1000);
}

void rb_metrics_gp_paths(struct rb_metrics *m,
			 const struct revocable_ops *ops, u64 expedited,
			 u64 normal)
{
	if (!ops->gp_paths)
		return;
	met_add(m, 0, "gp_expedited", (s64)expedited * 1000);
	met_add(m, 0, "gp_normal", (s64)normal * 1000);
}

void rb_metrics_readers(struct rb_metrics *m, u64 accesses,
			u64 reader_ns, u64 aps)
{
	met_add(m, 0, "ns_per_access", milli_ratio(reader_ns, accesses));
	met_add(m, 0, "accesses_per_sec", (s64)aps * 1000);
}

void rb_metrics_lost(struct rb_metrics *m, u64 lost)
{
	met_add(m, 0, "unbinds_lost", (s64)lost * 1000);
}

void rb_metrics_pending(struct rb_metrics *m, const struct revocable_ops *ops,
			u64 pending)
{
	if (ops->caps & REV_CAP_DEFERRED)
		met_add(m, 0, "pending", (s64)pending * 1000);
}

void rb_metrics_domain(struct rb_metrics *m, u64 bytes_per_domain)
{
	met_add(m, 1, "bytes_per_domain", (s64)bytes_per_domain * 1000);
}

/* ---- what a revoke costs the rest of the machine ----------------------- */

#define RB_COST_CAL_PAIRS	31

u64 rb_cost_calibrate(struct rb_cost_src *src)
{
	u64 d[RB_COST_CAL_PAIRS], a;
	int i;

	/* as in a window: after an IPI read (its cache footprint), and the
	 * wall clock read, without a revoke between */
	for (i = 0; i < RB_COST_CAL_PAIRS; i++) {
		if (src->ipis)
			src->ipis(&a, &a);
		a = src->thread_cpu_ns();
		rb_now_ns();
		rb_now_ns();
		d[i] = src->thread_cpu_ns() - a;
	}
	rb_sort_u64(d, RB_COST_CAL_PAIRS);
	src->floor_ns = d[RB_COST_CAL_PAIRS / 2];
	return src->floor_ns;
}

void rb_metrics_cost(struct rb_metrics *m, const struct rb_cost *c)
{
	if (!c || !c->n)
		return;
	met_add(m, 0, "revoke_cpu_ns", milli_ratio(c->cpu_ns, c->n));
	if (!c->src->ipis || c->ipi_lost)
		return;
	met_add(m, 0, "revoke_ipis", milli_ratio(c->call, c->n));
	met_add(m, 0, "revoke_tlb_ipis", milli_ratio(c->tlb, c->n));
}

void rb_metrics_gp_cpu(struct rb_metrics *m, u64 kthread_ns, u64 kworker_ns,
		       u64 revokes)
{
	if (!revokes)
		return;
	met_add(m, 0, "gp_kthread_ns", milli_ratio(kthread_ns, revokes));
	met_add(m, 0, "gp_kworker_ns", milli_ratio(kworker_ns, revokes));
}

/* Which read-section loop a LOOP cell ran: "inline" or "generic". */
static const char *rb_metrics_loop(const struct rb_wl_run *run)
{
	return run->wl->kind == RB_WLK_LOOP ? run->path : NULL;
}

const char *rb_metrics_run(struct rb_metrics *m, const struct rb_wl_run *run,
			   u64 *scratch)
{
	const struct revocable_ops *ops = run->p.ops;
	struct rb_wl_totals tot;
	u64 aps = 0, i;
	int t;

	memset(m, 0, sizeof(*m));
	rb_wl_totals(run, &tot);
	m->loop = rb_metrics_loop(run);
	if (run->wl->kind == RB_WLK_LOOP)
		m->irqoff = !RB_HAVE_IRQOFF ? "n/a" : run->irqoff ? "on" : "off";
	if (run->wl->kind == RB_WLK_LOOP) {
		if (!tot.ops || !tot.time_ns)
			return "no timed operations";
		m->iterations = run->p.iters;
		/* = mean of the threads' windows / iterations: every
		 * participant times p.iters operations */
		m->real_milli = milli_ratio(tot.time_ns, tot.ops);
		switch (run->wl->id) {
		case RB_WL_ERROR_PATH:
			met_add(m, 0, "error_ns", m->real_milli);
			break;
		case RB_WL_LIFECYCLE:
			break;
		default:
			/* the sum of every reader's own rate */
			for (t = 0; t < run->p.threads; t++) {
				const struct rb_wl_thread *th = &run->th[t];
				u64 ops = th->ops, ns = th->time_ns;

				while (ops >= ((u64)1 << 34)) {	/* ops * 1e9 fits */
					ops >>= 1;
					ns >>= 1;
				}
				if (ns)
					aps += div64_u64(ops * 1000000000ULL, ns);
			}
			met_add(m, 0, "ns_per_access", m->real_milli);
			met_add(m, 0, "accesses_per_sec", (s64)aps * 1000);
			break;
		}
	} else {
		if (!run->nsamples)
			return "no revoke samples";
		if (scratch != run->samples)
			for (i = 0; i < run->nsamples; i++)
				scratch[i] = run->samples[i];
		rb_metrics_revoke(m, scratch, run->nsamples);
		rb_metrics_pending(m, ops, run->pending);
		if (run->reclaim)
			rb_metrics_reclaim(m, run->reclaim, run->teardown,
					   run->nsamples,
					   run->unreclaimed_peak);
		rb_metrics_retained(m, run->retained_peak);
		rb_metrics_gp_paths(m, ops, run->gp_expedited, run->gp_normal);
		rb_metrics_cost(m, run->cost);
	}
	/* the spread of one reader's count is no spread */
	if (run->nreaders >= 2)
		ops_spread(m, run, &tot);
	rb_metrics_common(m, ops, tot.errors, tot.retries, run->bytes_per_rev,
			  run->nreaders);
	rb_metrics_domain(m, run->bytes_per_domain);
	if (tot.bad)
		return "readers saw contract violations";
	return NULL;
}
