// SPDX-License-Identifier: GPL-2.0
/*
 * results.c - the results file (results/FORMAT.md: Google Benchmark 1.7.1 JSON)
 * built in a kernel buffer, plus the raw revoke samples as CSV.
 *
 * The kernel has no floating point here: every value is kept in
 * thousandths (s64 "milli" units) and printed with three decimals.
 * Aggregates (mean, median, stddev, cv) are computed the way Google
 * Benchmark does (sample stddev, n - 1; cv = stddev / mean) over the
 * repetitions of a cell, for real_time/cpu_time and every counter.
 */
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/time.h>
#include <linux/utsname.h>
#include <linux/vmalloc.h>
#ifdef CONFIG_X86
#include <asm/processor.h>
#include <asm/tsc.h>
#endif

#include "revocable.h"
#include "kmod.h"
#include "results.h"

enum { ST_MEAN, ST_MEDIAN, ST_STDDEV, ST_CV, ST_NR };

struct rbk_buf {
	char *p;
	size_t len, cap;
	int err;
};

struct rbk_results {
	struct rbk_buf json;
	struct rbk_buf csv;
	int family;		/* next family_index */
	int nentries;		/* entries written (for the commas) */
};

static void buf_grow(struct rbk_buf *b, size_t need)
{
	size_t cap = b->cap ? b->cap : 16384;
	char *n;

	while (cap < b->len + need + 1)
		cap *= 2;
	n = vmalloc(cap);
	if (!n) {
		b->err = -ENOMEM;
		return;
	}
	if (b->p)
		memcpy(n, b->p, b->len);
	vfree(b->p);
	b->p = n;
	b->cap = cap;
}

static __printf(2, 3) void rbuf_printf(struct rbk_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->err)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (b->len + n + 1 > b->cap) {
		buf_grow(b, n + 1);
		if (b->err)
			return;
	}
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += n;
}

/* A JSON string: quotes, backslashes and control characters escaped. */
static void bstr(struct rbk_buf *b, const char *s)
{
	rbuf_printf(b, "\"");
	for (; s && *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			rbuf_printf(b, "\\%c", c);
		else if (c < 0x20)
			rbuf_printf(b, "\\u%04x", c);
		else
			rbuf_printf(b, "%c", c);
	}
	rbuf_printf(b, "\"");
}

static void bkv(struct rbk_buf *b, const char *k, const char *v, bool last)
{
	rbuf_printf(b, "    ");
	bstr(b, k);
	rbuf_printf(b, ": ");
	bstr(b, v);
	rbuf_printf(b, last ? "\n" : ",\n");
}

/* A milli-unit value with three decimals. */
static void bmilli(struct rbk_buf *b, s64 v)
{
	u64 a = v < 0 ? -(u64)v : v;

	rbuf_printf(b, "%s%llu.%03llu", v < 0 ? "-" : "", a / 1000, a % 1000);
}

/* An aggregate: cv (a fraction, in millionths) with six decimals. */
static void bstat(struct rbk_buf *b, s64 v, int which)
{
	u64 a = v < 0 ? -(u64)v : v;

	if (which != ST_CV) {
		bmilli(b, v);
		return;
	}
	rbuf_printf(b, "%s%llu.%06llu", v < 0 ? "-" : "", a / 1000000,
		    a % 1000000);
}

static const char *rbk_preemption(void)
{
	if (IS_ENABLED(CONFIG_PREEMPT_RT))
		return "rt (PREEMPT_RT)";
	if (IS_ENABLED(CONFIG_PREEMPT_DYNAMIC)) {
		if (preempt_model_full())
			return "full (PREEMPT_DYNAMIC)";
		if (preempt_model_voluntary())
			return "voluntary (PREEMPT_DYNAMIC)";
		if (preempt_model_none())
			return "none (PREEMPT_DYNAMIC)";
		return "other (PREEMPT_DYNAMIC)";
	}
	if (IS_ENABLED(CONFIG_PREEMPT))
		return "full (PREEMPT)";
	if (IS_ENABLED(CONFIG_PREEMPT_VOLUNTARY))
		return "voluntary (PREEMPT_VOLUNTARY)";
	return "none (PREEMPT_NONE)";
}

static const char *rbk_cpu_model(void)
{
#ifdef CONFIG_X86
	if (boot_cpu_data.x86_model_id[0])
		return boot_cpu_data.x86_model_id;
#endif
	return "unknown";
}

struct rbk_results *rbk_results_new(const struct rbk_config *cfg,
				    const char *command_line)
{
	struct rbk_results *res = kzalloc(sizeof(*res), GFP_KERNEL);
	struct rbk_buf *b;
	struct tm tm;
	char tmp[128];
	unsigned int mhz = 0;
	struct rbk_calib cal;

	if (!res)
		return NULL;
	b = &res->json;
	time64_to_tm(ktime_get_real_seconds(), 0, &tm);
#ifdef CONFIG_X86
	mhz = tsc_khz / 1000;
#endif
	rbuf_printf(b, "{\n  \"context\": {\n");
	snprintf(tmp, sizeof(tmp), "%04ld-%02d-%02dT%02d:%02d:%02d+00:00",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec);
	bkv(b, "date", tmp, false);
	bkv(b, "host_name", utsname()->nodename, false);
	bkv(b, "executable", "revbench.ko", false);
	rbuf_printf(b, "    \"num_cpus\": %u,\n", num_online_cpus());
	rbuf_printf(b, "    \"mhz_per_cpu\": %u,\n", mhz);
	rbuf_printf(b, "    \"cpu_scaling_enabled\": false,\n");
	rbuf_printf(b, "    \"caches\": [],\n    \"load_avg\": [],\n");
	bkv(b, "library_build_type", "release", false);
	bkv(b, "revbench_env", cfg->env, false);
	bkv(b, "revbench_version", "kmod-" REVBENCH_GIT, false);
	bkv(b, "git_commit", REVBENCH_GIT, false);
	bkv(b, "command_line", command_line, false);
	bkv(b, "seed", "1", false);
	bkv(b, "cpu_model", rbk_cpu_model(), false);
	snprintf(tmp, sizeof(tmp), "%u CPUs online, %u possible",
		 num_online_cpus(), nr_cpu_ids);
	bkv(b, "topology", tmp, false);
	bkv(b, "kernel", utsname()->release, false);
	bkv(b, "preemption", rbk_preemption(), false);
	bkv(b, "compiler", CONFIG_CC_VERSION_TEXT, false);
	bkv(b, "cflags", "kbuild (the kernel's own flags)", false);
	bkv(b, "rwlock_kind", "rw_semaphore", false);
	bkv(b, "membarrier", "n/a (kernel: hazptr readers use smp_mb)", false);
	bkv(b, "placement",
	    "kthreads bound one per online CPU in order (participant i on the i-th online CPU, wrapping)",
	    false);
	rbk_calibrate(&cal);
	rbuf_printf(b, "    \"calib_pingpong_ns\": \"%llu\",\n",
		    (unsigned long long)cal.pingpong_ns);
	rbuf_printf(b, "    \"calib_loop_ns\": \"%llu.%03llu\",\n",
		    (unsigned long long)div_u64(cal.loop_ps, 1000),
		    (unsigned long long)(cal.loop_ps % 1000));
	bkv(b, "calib_regime", !cal.pingpong_ns ? "n/a (one CPU)" :
	    cal.pingpong_ns < 200 ? "fast" : "slow", false);
	bkv(b, "timer", "ktime_get_mono_fast_ns", true);
	rbuf_printf(b, "  },\n  \"benchmarks\": [");
	rbuf_printf(&res->csv, "benchmark,repetition,sample_ns\n");
	if (res->json.err || res->csv.err) {
		rbk_results_free(res);
		return NULL;
	}
	return res;
}

void rbk_results_free(struct rbk_results *res)
{
	if (!res)
		return;
	vfree(res->json.p);
	vfree(res->csv.p);
	kfree(res);
}

int rbk_results_finish(struct rbk_results *res)
{
	rbuf_printf(&res->json, "\n  ]\n}\n");
	return res->json.err ?: res->csv.err;
}

const char *rbk_results_text(const struct rbk_results *res, size_t *len)
{
	if (res->json.err)
		return NULL;
	*len = res->json.len;
	return res->json.p;
}

const char *rbk_results_samples(const struct rbk_results *res, size_t *len)
{
	if (res->csv.err)
		return NULL;
	*len = res->csv.len;
	return res->csv.p;
}

void rbk_results_sample(struct rbk_results *res, const char *name, int rep,
			u64 ns)
{
	rbuf_printf(&res->csv, "%s,%d,%llu\n", name, rep, ns);
}

/* ---------------------------------------------------------------- */
/* statistics in milli units */

static int cmp_s64(const void *a, const void *b)
{
	s64 x = *(const s64 *)a, y = *(const s64 *)b;

	return x < y ? -1 : x > y;
}

/* st[]: mean, median, stddev (milli), cv (in millionths: 50000 = 5 %) */

static void rbk_stats(const s64 *v, int n, s64 *st)
{
	s64 sorted[RBK_MAX_REPS];
	s64 sum = 0, max = 0;
	u64 var = 0;
	int i, shift = 0;

	memset(st, 0, sizeof(*st) * ST_NR);
	if (n <= 0)
		return;
	for (i = 0; i < n; i++) {
		sum += v[i];
		sorted[i] = v[i];
	}
	st[ST_MEAN] = div_s64(sum, n);
	sort(sorted, n, sizeof(s64), cmp_s64, NULL);
	st[ST_MEDIAN] = n & 1 ? sorted[n / 2] :
		     div_s64(sorted[n / 2 - 1] + sorted[n / 2], 2);
	if (n < 2)
		return;
	/* Scale deviations down until n squares fit in 64 bits. */
	for (i = 0; i < n; i++) {
		s64 d = v[i] - st[ST_MEAN];

		if (abs(d) > max)
			max = abs(d);
	}
	while ((max >> shift) >= (1LL << 28))
		shift++;
	for (i = 0; i < n; i++) {
		s64 d = (v[i] - st[ST_MEAN]) >> shift;

		var += (u64)(d * d);
	}
	/* var is in milli^2: sqrt gives milli; n - 1 like Google Benchmark */
	st[ST_STDDEV] = (s64)int_sqrt64(div64_u64(var, n - 1)) << shift;
	st[ST_CV] = st[ST_MEAN] ?
		    div64_s64(st[ST_STDDEV] * 1000000, st[ST_MEAN]) : 0;
}

/* ---------------------------------------------------------------- */

/* The common head of an entry; run_name is the cell's name. */
static void rbk_entry_head(struct rbk_results *res, const char *name,
			   const char *run_name, int family, int threads,
			   int nreps)
{
	struct rbk_buf *b = &res->json;
	bool agg = run_name != name;

	rbuf_printf(b, "%s\n    {\n      \"name\": ", res->nentries++ ? "," : "");
	bstr(b, name);
	rbuf_printf(b, ",\n      \"family_index\": %d,\n", family);
	rbuf_printf(b, "      \"per_family_instance_index\": 0,\n");
	rbuf_printf(b, "      \"run_name\": ");
	bstr(b, run_name);
	rbuf_printf(b, ",\n      \"run_type\": \"%s\",\n",
		agg ? "aggregate" : "iteration");
	rbuf_printf(b, "      \"repetitions\": %d,\n", nreps);
	rbuf_printf(b, "      \"threads\": %d,\n", threads);
}

void rbk_results_cell(struct rbk_results *res, const char *name,
		      int threads, const struct rbk_rep *reps, int nreps)
{
	static const char *const aggs[] = { "mean", "median", "stddev", "cv" };
	struct rbk_buf *b = &res->json;
	int family = res->family;
	s64 v[RBK_MAX_REPS];
	int i, j, a;

	if (nreps > RBK_MAX_REPS)
		nreps = RBK_MAX_REPS;
	for (i = 0; i < nreps; i++) {
		const struct rbk_rep *r = &reps[i];

		rbk_entry_head(res, name, name, family, threads, nreps);
		rbuf_printf(b, "      \"repetition_index\": %d,\n", i);
		rbuf_printf(b, "      \"iterations\": %llu,\n", r->iterations);
		rbuf_printf(b, "      \"real_time\": ");
		bmilli(b, r->real_time);
		rbuf_printf(b, ",\n      \"cpu_time\": ");
		bmilli(b, r->real_time);
		rbuf_printf(b, ",\n      \"time_unit\": \"ns\"");
		for (j = 0; j < r->ncounters; j++) {
			rbuf_printf(b, ",\n      \"%s\": ", r->cname[j]);
			bmilli(b, r->cval[j]);
		}
		rbuf_printf(b, "\n    }");
	}
	if (nreps < 2)
		goto out;
	for (a = 0; a < ARRAY_SIZE(aggs); a++) {
		s64 st[ST_NR];
		char aname[160];

		snprintf(aname, sizeof(aname), "%s_%s", name, aggs[a]);
		rbk_entry_head(res, aname, name, family, threads, nreps);
		rbuf_printf(b, "      \"aggregate_name\": \"%s\",\n", aggs[a]);
		rbuf_printf(b, "      \"aggregate_unit\": \"%s\",\n",
			a == 3 ? "percentage" : "time");
		rbuf_printf(b, "      \"iterations\": %d,\n", nreps);
		for (i = 0; i < nreps; i++)
			v[i] = reps[i].real_time;
		rbk_stats(v, nreps, st);
		rbuf_printf(b, "      \"real_time\": ");
		bstat(b, st[a], a);
		rbuf_printf(b, ",\n      \"cpu_time\": ");
		bstat(b, st[a], a);
		rbuf_printf(b, ",\n      \"time_unit\": \"ns\"");
		for (j = 0; j < reps[0].ncounters; j++) {
			for (i = 0; i < nreps; i++)
				v[i] = reps[i].cval[j];
			rbk_stats(v, nreps, st);
			rbuf_printf(b, ",\n      \"%s\": ", reps[0].cname[j]);
			bstat(b, st[a], a);
		}
		rbuf_printf(b, "\n    }");
	}
out:
	res->family = family + 1;
}

/* A cell that could not be measured: Google Benchmark's error entry. */
void rbk_results_error(struct rbk_results *res, const char *name,
		       int threads, const char *why)
{
	struct rbk_buf *b = &res->json;

	rbk_entry_head(res, name, name, res->family, threads, 1);
	rbuf_printf(b, "      \"repetition_index\": 0,\n");
	rbuf_printf(b, "      \"error_occurred\": true,\n");
	rbuf_printf(b, "      \"error_message\": ");
	bstr(b, why);
	rbuf_printf(b, ",\n      \"iterations\": 0,\n      \"real_time\": 0,\n");
	rbuf_printf(b, "      \"cpu_time\": 0,\n      \"time_unit\": \"ns\"\n    }");
	res->family++;
}
