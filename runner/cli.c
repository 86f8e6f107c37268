// SPDX-License-Identifier: GPL-2.0
/*
 * cli.c - "revbench run" argument parsing.  Every bad input gets one clear
 * message on stderr and the caller exits 2; nothing is run or written.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "revbench.h"

const char *const rb_placement_names[] = {
	[RB_PLACE_COMPACT] = "compact",
	[RB_PLACE_CORES] = "cores",
	[RB_PLACE_SMT] = "smt",
	[RB_PLACE_SCATTER] = "scatter",
	[RB_PLACE_NONE] = "none",
};

/*
 * The knob table's runner rows (workloads/knobs.h), for the generic
 * parser below and --help.
 */
struct rb_uopt {
	const char *name;		/* without "--" */
	int list;			/* a comma-separated sweep */
	unsigned int min, max;
	size_t off, noff;		/* the value(s), their count */
	const char *help;
};
#define RB_UOPT_IS_LIST	1
#define RB_UOPT_IS_ONE	0
#define RB_UOPT_BOTH(f, u, kind, lo, hi, help)				\
	{ u, RB_UOPT_IS_##kind, lo, hi, offsetof(struct rb_opts, f),	\
	  offsetof(struct rb_opts, n_##f), help },
#define RB_UOPT_USER(f, u, kind, lo, hi, help)				\
	RB_UOPT_BOTH(f, u, kind, lo, hi, help)
#define RB_UOPT_KERNEL(f, u, kind, lo, hi, help)
static const struct rb_uopt rb_uopts[] = {
#define X(f, u, env, kind, lo, hi, def, help)				\
	RB_UOPT_##env(f, u, kind, lo, hi, help)
	RB_KNOBS(X)
#undef X
};

/* The knob rows of --help, wrapped to 79 columns. */
static const char *knob_help(void)
{
	static char buf[4096];
	size_t i, off = 0;

	for (i = 0; i < ARRAY_SIZE(rb_uopts); i++) {
		const struct rb_uopt *u = &rb_uopts[i];
		const char *h = u->help;
		char head[64];
		size_t col;

		snprintf(head, sizeof(head), "  --%s %s", u->name,
			 u->list ? "LIST" : "N");
		off += snprintf(buf + off, sizeof(buf) - off, "%-21s", head);
		col = strlen(head) > 21 ? strlen(head) : 21;
		while (*h && off < sizeof(buf) - 80) {
			size_t w = strcspn(h, " ");

			if (col + 1 + w > 79) {
				off += snprintf(buf + off, sizeof(buf) - off,
						"\n%21s", "");
				col = 21;
			}
			off += snprintf(buf + off, sizeof(buf) - off, " %.*s",
					(int)w, h);
			col += 1 + w;
			h += w;
			h += strspn(h, " ");
		}
		snprintf(head, sizeof(head), "(%u..%u)", u->min, u->max);
		if (col + 1 + strlen(head) > 79)
			off += snprintf(buf + off, sizeof(buf) - off,
					"\n%21s", "");
		off += snprintf(buf + off, sizeof(buf) - off, " %s\n", head);
	}
	return buf;
}

static void rb_usage_run(FILE *f)
{
	fprintf(f,
"usage: revbench run [options] [--benchmark_* flags of Google Benchmark]\n"
"  --primitive LIST   primitives (revbench list), or \"all\" (default all);\n"
"                     the no-protection floor (none) is always added\n"
"  --no-baselines     do not add the floor\n"
"  --workload LIST    workloads, or \"all\" (default: all; --quick: empty,\n"
"                     translate,unbind,error-path,lifecycle)\n"
"  --mode LIST        unbind-many: oneby,batched (default both)\n"
"  --placement P      compact|cores|smt|scatter|none (default compact)\n"
"  --oversubscribe    allow more threads than the placement has CPUs\n"
"  --generic-loop     empty/translate/error-path through the generic loop\n"
"                     (two indirect calls per access) instead of the\n"
"                     primitive's inline read sections, to compare\n"
"  --min-time S       seconds per repetition of loop workloads (default\n"
"                     0.1, --quick 0.01)\n"
"  --timeout S        watchdog per repetition (default 60, --quick 20)\n"
"  --quick            the quick matrix (make bench)\n"
"  --out PATH         where the results go (default: the run folder\n"
"                     results/HOST-STAMP/ with results.json and the\n"
"                     samples, and results/latest pointing at it; make\n"
"                     bench adds report.txt and the figures).  PATH ending\n"
"                     in .json: that file and PATH.samples.csv.gz only; any\n"
"                     other PATH: a new run folder of that name\n"
"  --no-figures       kept for scripts: a run never draws figures (make\n"
"                     bench and make plot do, after it)\n"
"  --verbose, -v      Google Benchmark's own console output, a line per\n"
"                     cell, instead of the progress display (also implied\n"
"                     by its console flags, --benchmark_format, _color,\n"
"                     _counters_tabular)\n"
"The knobs (workloads/knobs.h; the module takes the same names with _):\n"
"%s"
"Runner defaults: --threads 1,2,4.. up to the CPUs the placement gives\n"
"(--quick 1,2; 0 = one per CPU); --cs translate 1,16,256 (--quick 1),\n"
"other workloads 1; --guard 1; --npages 1,256; --n 1,10,100,1000 (--quick 1,10,100);\n"
"--stall-us 0 (--quick: unbind 0,1000, stall cells need >= 3 threads);\n"
"--repetitions 10 (--quick 9); --samples 1000 (--quick: 1000 /\n"
"repetitions, rounded up, so that a cell pools >= 1000 samples for its\n"
"p99); --seed 1.\n"
"Each cell runs --repetitions + 1 times: the first is a warm-up and is\n"
"dropped.  Repetitions are interleaved at random across cells; pass\n"
"--benchmark_enable_random_interleaving=false to run cells one by one.\n"
"Lists are comma-separated.  Exit status: 0 ok, 1 a cell failed its\n"
"contract, 2 bad input, 130 interrupted (no file is left behind).\n",
		knob_help());
}

int rb_parse_placement(const char *cmd, const char *s)
{
	int j;

	for (j = 0; j <= RB_PLACE_NONE; j++)
		if (!strcmp(s, rb_placement_names[j]))
			return j;
	return ut_bad(cmd, "--placement: '%s' is not compact, cores, smt, scatter or none",
		      s);
}

/* A list knob's item: a number in the row's range, appended. */
struct knob_dst {
	const struct rb_uopt *u;
	struct rb_opts *o;
};

static int knob_item(const char *item, void *ctx)
{
	const struct knob_dst *k = ctx;
	int *n = (int *)((char *)k->o + k->u->noff);
	unsigned int *val = (unsigned int *)((char *)k->o + k->u->off);
	unsigned long long x;

	if (ut_uint(item, 0, ULLONG_MAX, &x))
		return ut_bad("run", "--%s: '%s' is not a number", k->u->name,
			      item);
	if (x < k->u->min || x > k->u->max)
		return ut_bad("run", "--%s: %s is out of range %u..%u",
			      k->u->name, item, k->u->min, k->u->max);
	if (*n == (k->u->list ? RB_MAX_LIST : 1))
		return ut_bad("run", "--%s: too many entries", k->u->name);
	val[(*n)++] = (unsigned int)x;
	return 0;
}

static int knob_set(const char *v, void *dst)
{
	struct knob_dst *k = dst;

	*(int *)((char *)k->o + k->u->noff) = 0;
	if (!k->u->list)
		return knob_item(v, k);
	return ut_list("run", k->u->name, v, knob_item, k);
}

static int prim_item(const char *tok, void *ctx)
{
	struct rb_opts *o = ctx;
	int i, j;

	for (i = 0; i < rev_ops_count; i++) {
		const struct revocable_ops *ops = rev_ops_all[i];

		if (strcmp(tok, "all") ? strcmp(tok, ops->name) :
		    (ops->caps & (REV_CAP_BROKEN | REV_CAP_PERFBUG)) != 0)
			continue;
		for (j = 0; j < o->nprims && o->prims[j] != ops; j++)
			;
		if (j == o->nprims) {
			if (o->nprims == RB_MAX_LIST)
				return ut_bad("run", "--primitive: too many");
			o->prims[o->nprims++] = ops;
		}
		if (strcmp(tok, "all"))
			return 0;
	}
	if (!strcmp(tok, "all"))
		return 0;
	fprintf(stderr, "revbench run: --primitive: unknown primitive '%s' (known:",
		tok);
	for (i = 0; i < rev_ops_count; i++)
		fprintf(stderr, " %s", rev_ops_all[i]->name);
	fprintf(stderr, ")\n");
	return -1;
}

static int wl_item(const char *tok, void *ctx)
{
	struct rb_opts *o = ctx;
	int i, j;

	for (i = 0; i < RB_WL_NR; i++) {
		const struct rb_workload *wl = &rb_workloads[i];

		if (strcmp(tok, "all") && strcmp(tok, wl->name))
			continue;
		for (j = 0; j < o->nwls && o->wls[j] != wl; j++)
			;
		if (j == o->nwls)
			o->wls[o->nwls++] = wl;
		if (strcmp(tok, "all"))
			return 0;
	}
	if (!strcmp(tok, "all"))
		return 0;
	fprintf(stderr, "revbench run: --workload: unknown workload '%s' (known:",
		tok);
	for (i = 0; i < RB_WL_NR; i++)
		fprintf(stderr, " %s", rb_workloads[i].name);
	fprintf(stderr, ")\n");
	return -1;
}

static int mode_item(const char *tok, void *ctx)
{
	struct rb_opts *o = ctx;
	int m = !strcmp(tok, "batched");

	if (!m && strcmp(tok, "oneby"))
		return ut_bad("run", "--mode: '%s' is not oneby or batched", tok);
	if (o->nmodes < 2 && !(o->nmodes == 1 && o->modes[0] == m))
		o->modes[o->nmodes++] = m;
	return 0;
}

static int set_prims(const char *v, void *o)
{
	((struct rb_opts *)o)->nprims = 0;
	return ut_list("run", "--primitive", v, prim_item, o);
}

static int set_wls(const char *v, void *o)
{
	((struct rb_opts *)o)->nwls = 0;
	return ut_list("run", "--workload", v, wl_item, o);
}

static int set_modes(const char *v, void *o)
{
	((struct rb_opts *)o)->nmodes = 0;
	return ut_list("run", "--mode", v, mode_item, o);
}

static int set_placement(const char *v, void *o)
{
	int pl = rb_parse_placement("run", v);

	if (pl >= 0)
		((struct rb_opts *)o)->placement = (enum rb_placement)pl;
	return pl < 0 ? -1 : 0;
}

/* Google Benchmark flags the runner sets itself: refused with why. */
static int gb_owned(const char *a)
{
	static const struct { const char *flag, *why; } own[] = {
		{ "--benchmark_out", "use --out FILE (the runner writes the "
		  "JSON atomically)" },
		{ "--benchmark_repetitions", "use --repetitions N (the runner "
		  "adds the warm-up repetition)" },
		{ "--benchmark_min_time", "use --min-time S" },
		{ "--benchmark_min_warmup_time", "the first repetition of every "
		  "cell is already a discarded warm-up" },
	};
	size_t i, l;

	for (i = 0; i < ARRAY_SIZE(own); i++) {
		l = strlen(own[i].flag);
		if (!strncmp(a, own[i].flag, l) &&
		    (!a[l] || a[l] == '=' || i == 0))
			return ut_bad("run", "%s: %s", a, own[i].why);
	}
	return 0;
}

/* A pass-through Google Benchmark flag, and what it changes for us. */
static int gb_flag(const char *a, void *ctx)
{
	static const char *const console[] = {
		"--benchmark_format", "--benchmark_color",
		"--benchmark_counters_tabular",
	};
	struct rb_opts *o = ctx;
	const char *v = strchr(a, '=');
	bool off = v && (!strcmp(v, "=false") || !strcmp(v, "=0") ||
			 !strcmp(v, "=no"));
	size_t i;

	if (strncmp(a, "--benchmark_", 12))
		return 1;
	if (gb_owned(a))
		return -1;
	for (i = 0; i < ARRAY_SIZE(console); i++)
		if (!strncmp(a, console[i], strlen(console[i])))
			o->verbose = true;
	if (!strncmp(a, "--benchmark_list_tests", 22) && !off)
		o->list_only = true;
	if (!strncmp(a, "--benchmark_enable_random_interleaving", 38))
		o->no_interleave = off;
	o->gb_argv[o->gb_argc++] = (char *)a;
	return 0;
}

int rb_parse_run(int argc, char **argv, struct rb_opts *o)
{
	static char names[ARRAY_SIZE(rb_uopts)][64];
	static struct knob_dst kd[ARRAY_SIZE(rb_uopts)];
	struct ut_opt opts[16 + ARRAY_SIZE(rb_uopts)] = {
		{ "--verbose", 'v', UT_FLAG, &o->verbose, 0, 0, NULL, NULL },
		{ "--no-figures", 0, UT_FLAG, &o->no_figures, 0, 0, NULL, NULL },
		{ "--quick", 0, UT_FLAG, &o->quick, 0, 0, NULL, NULL },
		{ "--oversubscribe", 0, UT_FLAG, &o->oversubscribe, 0, 0, NULL, NULL },
		{ "--no-baselines", 0, UT_FLAG, &o->no_baselines, 0, 0, NULL, NULL },
		{ "--generic-loop", 0, UT_FLAG, &o->generic_loop, 0, 0, NULL, NULL },
		{ "--primitive", 0, UT_FN, o, 0, 0, set_prims, NULL },
		{ "--workload", 0, UT_FN, o, 0, 0, set_wls, NULL },
		{ "--mode", 0, UT_FN, o, 0, 0, set_modes, NULL },
		{ "--placement", 0, UT_FN, o, 0, 0, set_placement, NULL },
		{ "--min-time", 0, UT_REAL, &o->min_time, 1e-9, 3600, NULL,
		  "a number of seconds in (0, 3600]" },
		{ "--timeout", 0, UT_REAL, &o->timeout, 1e-9, 86400, NULL,
		  "a number of seconds in (0, 86400]" },
		{ "--out", 0, UT_STR, &o->out, 0, 0, NULL, NULL },
	};
	const char *pos[1];
	int nopt = 13, npos, r;
	size_t k;

	memset(o, 0, sizeof(*o));
	o->placement = RB_PLACE_COMPACT;
	o->seed = 1;
	o->gb_argv = xcalloc((size_t)argc + 1, sizeof(char *));
	for (k = 0; k < ARRAY_SIZE(rb_uopts); k++) {
		snprintf(names[k], sizeof(names[k]), "--%s", rb_uopts[k].name);
		kd[k] = (struct knob_dst){ &rb_uopts[k], o };
		opts[nopt++] = (struct ut_opt){ names[k], 0, UT_FN, &kd[k], 0,
						0, knob_set, NULL };
	}
	r = ut_getopt("run", argc, argv, opts, nopt, pos, &npos, 1, gb_flag, o);
	if (r > 0)
		rb_usage_run(stdout);
	if (!r && npos)
		r = ut_bad("run", "unknown option '%s' (revbench run --help)",
			   pos[0]);
	/* the default primitives and workloads, as the lists one would give */
	if (!r && !o->nprims)
		r = prim_item("all", o);
	if (!r && !o->nwls)
		r = set_wls(o->quick ? "empty,translate,unbind,error-path,"
			    "lifecycle,unbind-many" : "all", o);
	return r;
}
