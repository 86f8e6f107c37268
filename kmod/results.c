// SPDX-License-Identifier: GPL-2.0
/*
 * results.c - the results file (results/FORMAT.md: Google Benchmark 1.7.1
 * JSON, revbench_format 2) built in kernel buffers, plus the raw revoke
 * samples, with the conventions of the userspace writer (runner/output.c)
 * so that both environments' files are read the same way:
 *
 *   - strict JSON: no NaN or Infinity; a statistic that is not defined
 *     (the cv of a counter whose mean is 0) has no key;
 *   - compact: the context one key per line, one benchmark entry per line,
 *     numbers without trailing zeros;
 *   - counters that are the same for every repetition of a cell (struct
 *     rb_metrics.cell: bytes_per_rev, threads_readers, revoke_samples) in
 *     context.revbench_cells, once per cell; the others on every entry;
 *   - the module's primitive table in context.revbench_primitives;
 *   - samples as "cell,repetition,sample_ns" after a "# cell N NAME" index
 *     (N = the place in revbench_cells); uncompressed (the harness or the
 *     reader may gzip it: readers take both).
 *
 *   - one entry per repetition with the keys compare.py and the readers
 *     use (name, run_type, repetition_index, iterations, real_time,
 *     cpu_time, time_unit, the counters); no aggregates (readers and
 *     compare.py compute them from the repetitions).
 *
 * The kernel has no floating point here: every value is kept in
 * thousandths (s64 "milli" units) and printed without trailing zeros.
 * The context is written at the end (rbk_results_finish()), when the cell
 * table is known.
 */
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/time.h>
#include <linux/utsname.h>
#include <linux/vmalloc.h>
#ifdef CONFIG_X86
#include <asm/processor.h>
#include <asm/tsc.h>
#endif

#include "revocable.h"
#include "workload.h"
#include "kmod.h"
#include "results.h"
#include "machine_cost.h"

struct rbk_buf {
	char *p;
	size_t len, cap;
	int err;
};

struct rbk_cell {
	char name[RB_NAME_MAX];
	bool has_samples;
	bool has_reclaim;		/* unbind: the reclaim series too */
	int ncell;
	struct rb_metric cell[RB_MET_MAX];
	const char *loop;
	const char *irqoff;
};

struct rbk_results {
	struct rbk_buf json;	/* the whole file, after finish */
	struct rbk_buf ctx;	/* context keys, written at new() */
	struct rbk_buf bench;	/* benchmark entries, one per line */
	struct rbk_buf csv;	/* sample lines */
	struct rbk_buf samples;	/* the whole samples file, after finish */
	struct rbk_cell *cells;
	int ncells, capcells;
	int nentries;		/* entries written (for the commas) */
	int cur;		/* cell of the last sample, or -1 */
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

static void rbuf_cat(struct rbk_buf *b, const struct rbk_buf *src)
{
	if (src->err && !b->err)
		b->err = src->err;
	if (!src->len || b->err)
		return;
	if (b->len + src->len + 1 > b->cap)
		buf_grow(b, src->len + 1);
	if (b->err)
		return;
	memcpy(b->p + b->len, src->p, src->len);
	b->len += src->len;
	b->p[b->len] = '\0';
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

/* A context key with a string value, on its own line. */
static void bkv(struct rbk_buf *b, const char *k, const char *v)
{
	rbuf_printf(b, "%s    ", b->len ? ",\n" : "");
	bstr(b, k);
	rbuf_printf(b, ": ");
	bstr(b, v);
}

/* v / 10^digits as a JSON number without trailing zeros: 12.3, 64, -0.05 */
static void bfixed(struct rbk_buf *b, s64 v, int digits)
{
	u64 a = v < 0 ? -(u64)v : v, div = digits == 6 ? 1000000 : 1000;
	u64 ip = div64_u64(a, div), fp = a - ip * div;
	char frac[8];
	int n;

	if (!fp) {
		rbuf_printf(b, "%s%llu", v < 0 ? "-" : "", ip);
		return;
	}
	n = snprintf(frac, sizeof(frac), "%0*llu", digits, fp);
	while (n > 0 && frac[n - 1] == '0')
		frac[--n] = '\0';
	rbuf_printf(b, "%s%llu.%s", v < 0 ? "-" : "", ip, frac);
}

static void bmilli(struct rbk_buf *b, s64 v)
{
	bfixed(b, v, 3);
}

/*
 * The preemption model the kernel is running now: "none", "voluntary",
 * "full" or "rt"; "dynamic-<model>" where PREEMPT_DYNAMIC lets the boot
 * (preempt=) or debugfs (sched/preempt) choose it.
 */
static const char *rbk_preemption(char *buf, size_t len)
{
	const char *m = IS_ENABLED(CONFIG_PREEMPT_RT) ? "rt" :
			preempt_model_full() ? "full" :
			preempt_model_voluntary() ? "voluntary" :
			preempt_model_none() ? "none" : "unknown";

	snprintf(buf, len, "%s%s",
		 IS_ENABLED(CONFIG_PREEMPT_DYNAMIC) ? "dynamic-" : "", m);
	return buf;
}

static const char *rbk_cpu_model(void)
{
#ifdef CONFIG_X86
	if (boot_cpu_data.x86_model_id[0])
		return boot_cpu_data.x86_model_id;
#endif
	return "unknown";
}

/* The first line of a sysfs (or proc) file, or "unavailable". */
void rbk_sysfs_line(const char *path, char *buf, size_t len)
{
	struct file *f = filp_open(path, O_RDONLY, 0);
	loff_t pos = 0;
	ssize_t n = -1;

	if (!IS_ERR(f)) {
		n = kernel_read(f, buf, len - 1, &pos);
		filp_close(f, NULL);
	}
	if (n <= 0) {
		strscpy(buf, "unavailable", len);
		return;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (!buf[0])
		strscpy(buf, "unavailable", len);
}

/* The value of word key= on the kernel command line, or NULL. */
static const char *rbk_cmdline_arg(const char *cmdline, const char *key,
				   char *buf, size_t len)
{
	size_t k = strlen(key);
	const char *p = cmdline, *e;

	while (*p) {
		p = skip_spaces(p);
		e = strchrnul(p, ' ');
		if ((size_t)(e - p) > k && !strncmp(p, key, k) && p[k] == '=') {
			snprintf(buf, len, "%.*s", (int)(e - p - k - 1), p + k + 1);
			return buf;
		}
		p = e;
	}
	return NULL;
}

/*
 * The CPUs whose RCU callbacks are offloaded: none without
 * CONFIG_RCU_NOCB_CPU; all with CONFIG_RCU_NOCB_CPU_DEFAULT_ALL; else the
 * lists of rcu_nocbs= and nohz_full= (which implies it) on the running
 * kernel's command line.  rcu_nocb_mask itself is not exported.
 */
static const char *rbk_nocbs(char *buf, size_t len)
{
	enum { CMD = 1024, ARG = 128 };
	const char *x, *y, *ret = buf;
	char *cmd;

	if (!IS_ENABLED(CONFIG_RCU_NOCB_CPU))
		return "none (no CONFIG_RCU_NOCB_CPU)";
	if (IS_ENABLED(CONFIG_RCU_NOCB_CPU_DEFAULT_ALL)) {
		snprintf(buf, len, "0-%u (CONFIG_RCU_NOCB_CPU_DEFAULT_ALL)",
			 nr_cpu_ids - 1);
		return buf;
	}
	cmd = kmalloc(CMD + 2 * ARG, GFP_KERNEL);
	if (!cmd)
		return "unavailable";
	rbk_sysfs_line("/proc/cmdline", cmd, CMD);
	x = rbk_cmdline_arg(cmd, "rcu_nocbs", cmd + CMD, ARG);
	y = rbk_cmdline_arg(cmd, "nohz_full", cmd + CMD + ARG, ARG);
	if (!x && !y)
		ret = "none";
	else
		snprintf(buf, len, "%s%s%s%s", x ? x : "", x && y ? "," : "",
			 y ? y : "", y ? " (with nohz_full)" : "");
	kfree(cmd);
	return ret;
}

/* CONFIG_RCU_LAZY, and its rcutree.enable_rcu_lazy switch where it has one. */
static const char *rbk_rcu_lazy(char *buf, size_t len)
{
	char v[32];

	if (!IS_ENABLED(CONFIG_RCU_LAZY))
		return "n (no CONFIG_RCU_LAZY)";
	rbk_sysfs_line("/sys/module/rcutree/parameters/enable_rcu_lazy", v,
		       sizeof(v));
	snprintf(buf, len, "y (rcutree.enable_rcu_lazy=%s)", v);
	return buf;
}

/* rb_metrics_context()'s writer: a context key with a string value. */
static void rbk_ctx_add(void *arg, const char *key, const char *value)
{
	bkv(arg, key, value);
}

struct rbk_results *rbk_results_new(const struct rbk_config *cfg,
				    const char *command_line)
{
	struct rbk_results *res = kzalloc(sizeof(*res), GFP_KERNEL);
	struct rbk_buf *b;
	struct tm tm;
	char tmp[160];
	unsigned int mhz = 0;
	struct rbk_calib cal;
	int i;

	if (!res)
		return NULL;
	res->cur = -1;
	b = &res->ctx;
	time64_to_tm(ktime_get_real_seconds(), 0, &tm);
#ifdef CONFIG_X86
	mhz = tsc_khz / 1000;
#endif
	snprintf(tmp, sizeof(tmp), "%04ld-%02d-%02dT%02d:%02d:%02d+00:00",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec);
	bkv(b, "date", tmp);
	bkv(b, "host_name", utsname()->nodename);
	bkv(b, "executable", "revbench.ko");
	rbuf_printf(b, ",\n    \"num_cpus\": %u", num_online_cpus());
	rbuf_printf(b, ",\n    \"mhz_per_cpu\": %u", mhz);
	rbuf_printf(b, ",\n    \"cpu_scaling_enabled\": false");
	rbuf_printf(b, ",\n    \"caches\": [],\n    \"load_avg\": []");
	bkv(b, "library_build_type", "release");
	bkv(b, "revbench_env", cfg->env);
	bkv(b, "revbench_format", "2");
	bkv(b, "revbench_version", "kmod-" REVBENCH_GIT);
	bkv(b, "git_commit", REVBENCH_GIT);
	bkv(b, "command_line", command_line);
	snprintf(tmp, sizeof(tmp), "%u", cfg->seed);
	bkv(b, "seed", tmp);
	bkv(b, "cpu_model", rbk_cpu_model());
	snprintf(tmp, sizeof(tmp), "%u CPUs online, %u possible",
		 num_online_cpus(), nr_cpu_ids);
	bkv(b, "topology", tmp);
	bkv(b, "kernel", utsname()->release);
	bkv(b, "preemption", rbk_preemption(tmp, sizeof(tmp)));
	/*
	 * What every grace period depends on, read from the running
	 * kernel (results/FORMAT.md): the tick, lazy RCU, the rcupdate
	 * overrides, offloaded CPUs, SRCU's auto-expedite holdoff and
	 * srcu_node sizing.
	 */
	snprintf(tmp, sizeof(tmp), "%d", HZ);
	bkv(b, "hz", tmp);
	bkv(b, "rcu_lazy", rbk_rcu_lazy(tmp, sizeof(tmp)));
	bkv(b, "rcu_expedited", rcu_gp_is_expedited() ? "1" : "0");
	bkv(b, "rcu_normal", rcu_gp_is_normal() ? "1" : "0");
	bkv(b, "rcu_nocbs", rbk_nocbs(tmp, sizeof(tmp)));
	rbk_sysfs_line("/sys/module/srcutree/parameters/exp_holdoff", tmp,
		       sizeof(tmp));
	bkv(b, "srcu_exp_holdoff", tmp);
	rbk_sysfs_line("/sys/module/srcutree/parameters/convert_to_big", tmp,
		       sizeof(tmp));
	bkv(b, "srcu_convert_to_big", tmp);
	rb_metrics_context(cfg->irqoff, rbk_ctx_add, b);
	rbk_cost_context(rbk_ctx_add, b);
	bkv(b, "compiler", CONFIG_CC_VERSION_TEXT);
	bkv(b, "cflags", "kbuild (the kernel's own flags)");
	bkv(b, "rwlock_kind", "rw_semaphore");
	bkv(b, "membarrier", "n/a (kernel: hazptr-asym revokes with an IPI to every online CPU, on_each_cpu)");
	bkv(b, "placement",
	    "kthreads bound one per online CPU in order (participant i on the i-th online CPU, wrapping)");
	rbk_calibrate(&cal);
	snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)cal.pingpong_ns);
	bkv(b, "calib_pingpong_ns", tmp);
	snprintf(tmp, sizeof(tmp), "%llu.%03llu",
		 (unsigned long long)div_u64(cal.loop_ps, 1000),
		 (unsigned long long)(cal.loop_ps % 1000));
	bkv(b, "calib_loop_ns", tmp);
	bkv(b, "calib_regime", !cal.pingpong_ns ? "n/a (one CPU)" :
	    cal.pingpong_ns < 200 ? "fast" : "slow");
	snprintf(tmp, sizeof(tmp), "%llu.%03llu",
		 (unsigned long long)div_u64(cal.clock_ps, 1000),
		 (unsigned long long)(cal.clock_ps % 1000));
	bkv(b, "calib_clock_ns", tmp);
	bkv(b, "timer", "ktime_get_mono_fast_ns");
	for (i = 0; i < rb_sysfs_nfacts; i++) {
		rbk_sysfs_line(rb_sysfs_facts[i].path, tmp, sizeof(tmp));
		bkv(b, rb_sysfs_facts[i].key, tmp);
	}
	bkv(b, "warmup", "one repetition per cell, run first and discarded: it is in neither benchmarks[] nor the samples (repetition_index counts from the first kept one); within a repetition, refscale's warm-up until every participant has checked in and cool-down until every one has checked out");
	bkv(b, "undefined_statistics",
	    "omitted: a value that is not defined (e.g. the cv of a counter whose mean is 0) has no key; never NaN or Infinity");
	if (res->ctx.err) {
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
	vfree(res->ctx.p);
	vfree(res->bench.p);
	vfree(res->csv.p);
	vfree(res->samples.p);
	vfree(res->cells);
	kfree(res);
}

/* The cell's place in the cell table (added on first use), -1 on ENOMEM. */
static int rbk_cell_index(struct rbk_results *res, const char *name)
{
	struct rbk_cell *c;
	int i;

	if (res->cur >= 0 && !strcmp(res->cells[res->cur].name, name))
		return res->cur;
	for (i = res->ncells - 1; i >= 0; i--)
		if (!strcmp(res->cells[i].name, name))
			return res->cur = i;
	if (res->ncells == res->capcells) {
		int cap = res->capcells ? res->capcells * 2 : 64;

		c = vzalloc(array_size(cap, sizeof(*c)));
		if (!c)
			return -1;
		if (res->cells)
			memcpy(c, res->cells, res->ncells * sizeof(*c));
		vfree(res->cells);
		res->cells = c;
		res->capcells = cap;
	}
	c = &res->cells[res->ncells];
	strscpy(c->name, name, sizeof(c->name));
	return res->cur = res->ncells++;
}

static void rbk_primitive_table(struct rbk_buf *b)
{
	char caps[160];
	int i;

	rbuf_printf(b, ",\n    \"revbench_primitives\": [");
	for (i = 0; i < rev_ops_count; i++) {
		const struct revocable_ops *o = rev_ops_all[i];

		rbuf_printf(b, "%s\n      {\"name\":", i ? "," : "");
		bstr(b, o->name);
		rbuf_printf(b, ",\"family\":");
		bstr(b, o->family ? o->family : o->name);
		rbuf_printf(b, ",\"caps\":");
		bstr(b, rev_caps_str(o->caps, caps, sizeof(caps)));
		if (o->color && o->color[0]) {
			rbuf_printf(b, ",\"color\":");
			bstr(b, o->color);
		}
		rbuf_printf(b, ",\"desc\":");
		bstr(b, o->desc ? o->desc : "");
		if (o->impl) {
			rbuf_printf(b, ",\"impl\":");
			bstr(b, o->impl);
		}
		rbuf_printf(b, "}");
	}
	rbuf_printf(b, "\n    ]");
}

static void rbk_cell_table(struct rbk_results *res, struct rbk_buf *b)
{
	int i, j;

	rbuf_printf(b, ",\n    \"revbench_cells\": [");
	for (i = 0; i < res->ncells; i++) {
		const struct rbk_cell *c = &res->cells[i];

		rbuf_printf(b, "%s\n      {\"name\":", i ? "," : "");
		bstr(b, c->name);
		if (c->loop) {
			rbuf_printf(b, ",\"loop\":");
			bstr(b, c->loop);
		}
		if (c->irqoff) {
			rbuf_printf(b, ",\"irqoff\":");
			bstr(b, c->irqoff);
		}
		for (j = 0; j < c->ncell; j++) {
			rbuf_printf(b, ",\"%s\":", c->cell[j].name);
			bmilli(b, c->cell[j].milli);
		}
		rbuf_printf(b, "}");
	}
	rbuf_printf(b, "%s]", res->ncells ? "\n    " : "");
}

int rbk_results_finish(struct rbk_results *res)
{
	struct rbk_buf *j = &res->json, *s = &res->samples;
	int i;

	rbuf_printf(j, "{\n  \"context\": {\n");
	rbuf_cat(j, &res->ctx);
	rbk_primitive_table(j);
	rbk_cell_table(res, j);
	rbuf_printf(j, "\n  },\n  \"benchmarks\": [");
	rbuf_cat(j, &res->bench);
	rbuf_printf(j, "%s]\n}\n", res->nentries ? "\n  " : "");

	rbuf_printf(s, "# revbench revoke samples: one line per timed revoke; cell = the index of the cell in the results file's context.revbench_cells, also listed here\n");
	for (i = 0; i < res->ncells; i++)
		if (res->cells[i].has_samples)
			rbuf_printf(s, "# cell %d %s\n", i, res->cells[i].name);
	for (i = 0; i < res->ncells; i++)
		if (res->cells[i].has_reclaim)
			rbuf_printf(s, "# cell %d %s%s\n", RB_SAMPLES_RECLAIM + i,
				    res->cells[i].name, RB_RECLAIM_SUFFIX);
	rbuf_printf(s, "cell,repetition,sample_ns\n");
	rbuf_cat(s, &res->csv);
	return j->err ?: s->err;
}

const char *rbk_results_text(const struct rbk_results *res, size_t *len)
{
	if (res->json.err || !res->json.p)
		return NULL;
	*len = res->json.len;
	return res->json.p;
}

const char *rbk_results_samples(const struct rbk_results *res, size_t *len)
{
	if (res->samples.err || !res->samples.p)
		return NULL;
	*len = res->samples.len;
	return res->samples.p;
}

/* One line of the samples CSV: cell c's series, or its reclaim series. */
static void rbk_add_sample(struct rbk_results *res, const char *name, int rep,
			   u64 ns, bool reclaim)
{
	int c = rbk_cell_index(res, name);

	if (c < 0) {
		res->csv.err = -ENOMEM;
		return;
	}
	if (reclaim)
		res->cells[c].has_reclaim = true;
	else
		res->cells[c].has_samples = true;
	rbuf_printf(&res->csv, "%d,%d,%llu\n",
		    reclaim ? RB_SAMPLES_RECLAIM + c : c, rep, ns);
}

void rbk_results_sample(struct rbk_results *res, const char *name, int rep,
			u64 ns)
{
	rbk_add_sample(res, name, rep, ns, false);
}

/* One reclaim sample of an unbind cell (metrics.h: the second series). */
void rbk_results_reclaim(struct rbk_results *res, const char *name, int rep,
			 u64 ns)
{
	rbk_add_sample(res, name, rep, ns, true);
}

/* ---------------------------------------------------------------- */

/* The head of an entry: the keys compare.py and the readers use. */
static void rbk_entry_head(struct rbk_results *res, const char *name,
			   int rep)
{
	struct rbk_buf *b = &res->bench;

	rbuf_printf(b, "%s\n    {\"name\":", res->nentries++ ? "," : "");
	bstr(b, name);
	rbuf_printf(b, ",\"run_type\":\"iteration\",\"repetition_index\":%d",
		    rep);
}

void rbk_results_cell(struct rbk_results *res, const char *name,
		      int threads, const struct rb_metrics *reps, int nreps)
{
	struct rbk_buf *b = &res->bench;
	int c = rbk_cell_index(res, name);
	int i, j;

	(void)threads;	/* in the name */
	if (c < 0) {
		b->err = -ENOMEM;
		return;
	}
	if (nreps > RBK_MAX_REPS)
		nreps = RBK_MAX_REPS;
	res->cells[c].ncell = reps[0].ncell;
	memcpy(res->cells[c].cell, reps[0].cell, sizeof(reps[0].cell));
	res->cells[c].loop = reps[0].loop;
	res->cells[c].irqoff = reps[0].irqoff;
	for (i = 0; i < nreps; i++) {
		const struct rb_metrics *r = &reps[i];

		rbk_entry_head(res, name, i);
		rbuf_printf(b, ",\"iterations\":%llu,\"real_time\":",
			    r->iterations);
		bmilli(b, r->real_milli);
		rbuf_printf(b, ",\"cpu_time\":");
		bmilli(b, r->real_milli);
		rbuf_printf(b, ",\"time_unit\":\"ns\"");
		for (j = 0; j < r->nrep; j++) {
			rbuf_printf(b, ",\"%s\":", r->rep[j].name);
			bmilli(b, r->rep[j].milli);
		}
		rbuf_printf(b, "}");
	}
}

/* A cell that could not be measured: Google Benchmark's error entry. */
void rbk_results_error(struct rbk_results *res, const char *name,
		       int threads, const char *why)
{
	struct rbk_buf *b = &res->bench;

	(void)threads;
	if (rbk_cell_index(res, name) < 0)
		b->err = -ENOMEM;
	rbk_entry_head(res, name, 0);
	rbuf_printf(b, ",\"error_occurred\":true,\"error_message\":");
	bstr(b, why);
	rbuf_printf(b, ",\"iterations\":0,\"real_time\":0,\"cpu_time\":0,"
		    "\"time_unit\":\"ns\"}");
}
