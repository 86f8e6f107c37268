// SPDX-License-Identifier: GPL-2.0
/*
 * cli.c - "revbench run" argument parsing.  Every bad input gets one clear
 * message on stderr and the caller exits 2; nothing is run or written.
 */
#include <errno.h>
#include <math.h>
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

void rb_usage_run(FILE *f)
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
"                     results/HOST-STAMP/ with results.json, the samples,\n"
"                     report.txt and the figures, and results/latest\n"
"                     pointing at it).  PATH ending in .json: that file and\n"
"                     PATH.samples.csv.gz only; any other PATH: a new run\n"
"                     folder of that name\n"
"  --no-figures       a run folder without the figures\n"
"  --verbose, -v      Google Benchmark's own console output instead of the\n"
"                     progress lines (also implied by its console flags,\n"
"                     --benchmark_format, _color, _counters_tabular)\n"
"The knobs (workloads/knobs.h; the module takes the same names with _):\n"
"%s"
"Runner defaults: --threads 1,2,4.. up to the CPUs the placement gives\n"
"(--quick 1,2; 0 = one per CPU); --cs translate 1,16,256 (--quick 1),\n"
"other workloads 1; --npages 1,256; --n 1,10,100,1000 (--quick 1,10,100);\n"
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

int rb_parse_u64(const char *s, u64 *v)
{
	unsigned long long x;
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno || *end)
		return -1;
	*v = x;
	return 0;
}

int rb_parse_double(const char *s, double *v)
{
	char *end;
	double x;

	if (!s || !*s || *s == ' ')
		return -1;
	errno = 0;
	x = strtod(s, &end);
	if (errno || *end || !isfinite(x) || x < 0)
		return -1;
	*v = x;
	return 0;
}

static int bad(const char *opt, const char *val, const char *what)
{
	fprintf(stderr, "revbench run: %s: '%s' %s\n", opt, val, what);
	return -1;
}

/* Comma-separated integers in [min, max]. */
static int parse_ulist_range(const char *opt, const char *s,
			     unsigned int *out, int *n, u64 min, u64 max)
{
	char buf[1024], *tok, *save;
	u64 v;

	if (strlen(s) >= sizeof(buf) || !*s)
		return bad(opt, s, "is not a list of numbers");
	strcpy(buf, s);
	*n = 0;
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (rb_parse_u64(tok, &v))
			return bad(opt, tok, "is not a number");
		if (v < min || v > max) {
			fprintf(stderr, "revbench run: %s: %s is out of range "
				"%llu..%llu\n", opt, tok, (unsigned long long)min,
				(unsigned long long)max);
			return -1;
		}
		if (*n == RB_MAX_LIST)
			return bad(opt, s, "has too many entries");
		out[(*n)++] = (unsigned int)v;
	}
	if (!*n)
		return bad(opt, s, "is an empty list");
	return 0;
}

static int parse_prims(const char *s, struct rb_opts *o)
{
	char buf[1024], *tok, *save;
	int i, j;

	if (strlen(s) >= sizeof(buf) || !*s)
		return bad("--primitive", s, "is not a list of primitives");
	strcpy(buf, s);
	o->nprims = 0;
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		const struct revocable_ops *ops;

		if (!strcmp(tok, "all")) {
			for (i = 0; i < rev_ops_count; i++) {
				ops = rev_ops_all[i];
				if (ops->caps & REV_CAP_BROKEN)
					continue;
				for (j = 0; j < o->nprims; j++)
					if (o->prims[j] == ops)
						break;
				if (j == o->nprims && o->nprims < RB_MAX_LIST)
					o->prims[o->nprims++] = ops;
			}
			continue;
		}
		ops = rev_ops_find(tok);
		if (!ops) {
			fprintf(stderr, "revbench run: --primitive: unknown "
				"primitive '%s' (known:", tok);
			for (i = 0; i < rev_ops_count; i++)
				fprintf(stderr, " %s", rev_ops_all[i]->name);
			fprintf(stderr, ")\n");
			return -1;
		}
		for (j = 0; j < o->nprims; j++)
			if (o->prims[j] == ops)
				break;
		if (j == o->nprims) {
			if (o->nprims == RB_MAX_LIST)
				return bad("--primitive", s, "is too long");
			o->prims[o->nprims++] = ops;
		}
	}
	if (!o->nprims)
		return bad("--primitive", s, "is an empty list");
	return 0;
}

static int parse_wls(const char *s, struct rb_opts *o)
{
	char buf[1024], *tok, *save;
	int i, j;

	if (strlen(s) >= sizeof(buf) || !*s)
		return bad("--workload", s, "is not a list of workloads");
	strcpy(buf, s);
	o->nwls = 0;
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		const struct rb_workload *wl;

		if (!strcmp(tok, "all")) {
			for (i = 0; i < RB_WL_NR; i++) {
				for (j = 0; j < o->nwls; j++)
					if (o->wls[j] == &rb_workloads[i])
						break;
				if (j == o->nwls)
					o->wls[o->nwls++] = &rb_workloads[i];
			}
			continue;
		}
		wl = rb_workload_find(tok);
		if (!wl) {
			fprintf(stderr, "revbench run: --workload: unknown "
				"workload '%s' (known:", tok);
			for (i = 0; i < RB_WL_NR; i++)
				fprintf(stderr, " %s", rb_workloads[i].name);
			fprintf(stderr, ")\n");
			return -1;
		}
		for (j = 0; j < o->nwls; j++)
			if (o->wls[j] == wl)
				break;
		if (j == o->nwls)
			o->wls[o->nwls++] = wl;
	}
	if (!o->nwls)
		return bad("--workload", s, "is an empty list");
	return 0;
}

static int parse_modes(const char *s, struct rb_opts *o)
{
	char buf[64], *tok, *save;
	int m;

	if (strlen(s) >= sizeof(buf) || !*s)
		return bad("--mode", s, "is not oneby, batched or both");
	strcpy(buf, s);
	o->nmodes = 0;
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "oneby"))
			m = 0;
		else if (!strcmp(tok, "batched"))
			m = 1;
		else
			return bad("--mode", tok, "is not oneby or batched");
		if (o->nmodes == 2 || (o->nmodes == 1 && o->modes[0] == m))
			continue;
		o->modes[o->nmodes++] = m;
	}
	return 0;
}

/* Google Benchmark flags the runner sets itself: refused with why. */
static int gb_owned(const char *a)
{
	static const struct { const char *flag, *why; } own[] = {
		{ "--benchmark_repetitions", "use --repetitions N (the runner "
		  "adds the warm-up repetition)" },
		{ "--benchmark_min_time", "use --min-time S" },
		{ "--benchmark_min_warmup_time", "the first repetition of every "
		  "cell is already a discarded warm-up" },
	};
	size_t i, l;

	for (i = 0; i < ARRAY_SIZE(own); i++) {
		l = strlen(own[i].flag);
		if (!strncmp(a, own[i].flag, l) && (!a[l] || a[l] == '=')) {
			fprintf(stderr, "revbench run: %s: %s\n", a, own[i].why);
			return 1;
		}
	}
	return 0;
}

/* What a pass-through Google Benchmark flag changes for the runner. */
static void gb_flag(const char *a, struct rb_opts *o)
{
	static const char *const console[] = {
		"--benchmark_format", "--benchmark_color",
		"--benchmark_counters_tabular",
	};
	const char *v = strchr(a, '=');
	bool off = v && (!strcmp(v, "=false") || !strcmp(v, "=0") ||
			 !strcmp(v, "=no"));
	size_t i;

	for (i = 0; i < ARRAY_SIZE(console); i++)
		if (!strncmp(a, console[i], strlen(console[i])))
			o->verbose = true;
	if (!strncmp(a, "--benchmark_list_tests", 22) && !off)
		o->list_only = true;
	if (!strncmp(a, "--benchmark_enable_random_interleaving", 38))
		o->no_interleave = off;
}

/* "--opt VALUE" or "--opt=VALUE".  Returns the value or NULL. */
static const char *opt_val(int argc, char **argv, int *i, const char *name,
			   bool *matched)
{
	size_t len = strlen(name);
	const char *a = argv[*i];

	*matched = false;
	if (strncmp(a, name, len))
		return NULL;
	if (a[len] == '=') {
		*matched = true;
		return a + len + 1;
	}
	if (a[len])
		return NULL;
	*matched = true;
	if (*i + 1 >= argc) {
		fprintf(stderr, "revbench run: %s needs a value\n", name);
		return NULL;
	}
	return argv[++*i];
}

/* argv[*i] names a knob of the table: its row, and its value in *v. */
static const struct rb_uopt *knob_opt(int argc, char **argv, int *i,
				      const char **v, bool *m)
{
	char name[64];
	size_t k;

	for (k = 0; k < ARRAY_SIZE(rb_uopts); k++) {
		snprintf(name, sizeof(name), "--%s", rb_uopts[k].name);
		*v = opt_val(argc, argv, i, name, m);
		if (*m)
			return &rb_uopts[k];
	}
	return NULL;
}

/* Parse and store a knob's value (a list, or one number). */
static int knob_set(const struct rb_uopt *u, const char *v, struct rb_opts *o)
{
	char opt[64];
	int *n = (int *)((char *)o + u->noff);
	unsigned int *val = (unsigned int *)((char *)o + u->off);
	u64 x;

	snprintf(opt, sizeof(opt), "--%s", u->name);
	if (u->list)
		return parse_ulist_range(opt, v, val, n, u->min, u->max);
	if (rb_parse_u64(v, &x))
		return bad(opt, v, "is not a number");
	if (x < u->min || x > u->max) {
		fprintf(stderr, "revbench run: %s: %s is out of range %u..%u\n",
			opt, v, u->min, u->max);
		return -1;
	}
	*val = (unsigned int)x;
	*n = 1;
	return 0;
}

int rb_parse_run(int argc, char **argv, struct rb_opts *o)
{
	const struct rb_uopt *u;
	bool m;
	const char *v;
	int i, j;

	memset(o, 0, sizeof(*o));
	o->placement = RB_PLACE_COMPACT;
	o->seed = 1;
	o->gb_argv = calloc((size_t)argc + 1, sizeof(char *));
	if (!o->gb_argv) {
		fprintf(stderr, "revbench run: out of memory\n");
		return -1;
	}

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

#define OPT(name)	((v = opt_val(argc, argv, &i, name, &m)), m)
#define NEED()		do { if (!v) return -1; } while (0)
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			rb_usage_run(stdout);
			return 1;
		} else if (!strncmp(a, "--benchmark_out", 15)) {
			fprintf(stderr, "revbench run: %s: use --out FILE (the "
				"runner writes the JSON atomically)\n", a);
			return -1;
		} else if (gb_owned(a)) {
			return -1;
		} else if (!strncmp(a, "--benchmark_", 12)) {
			gb_flag(a, o);
			o->gb_argv[o->gb_argc++] = argv[i];
		} else if (!strcmp(a, "--verbose") || !strcmp(a, "-v")) {
			o->verbose = true;
		} else if (!strcmp(a, "--no-figures")) {
			o->no_figures = true;
		} else if (!strcmp(a, "--quick")) {
			o->quick = true;
		} else if (!strcmp(a, "--oversubscribe")) {
			o->oversubscribe = true;
		} else if (!strcmp(a, "--no-baselines")) {
			o->no_baselines = true;
		} else if (!strcmp(a, "--generic-loop")) {
			o->generic_loop = true;
		} else if (OPT("--primitive")) {
			NEED();
			if (parse_prims(v, o))
				return -1;
		} else if (OPT("--workload")) {
			NEED();
			if (parse_wls(v, o))
				return -1;
		} else if (OPT("--mode")) {
			NEED();
			if (parse_modes(v, o))
				return -1;
		} else if (OPT("--placement")) {
			NEED();
			for (j = 0; j <= RB_PLACE_NONE; j++)
				if (!strcmp(v, rb_placement_names[j]))
					break;
			if (j > RB_PLACE_NONE)
				return bad("--placement", v,
					   "is not compact, cores, smt, scatter or none");
			o->placement = (enum rb_placement)j;
		} else if (OPT("--min-time")) {
			NEED();
			if (rb_parse_double(v, &o->min_time) ||
			    o->min_time <= 0 || o->min_time > 3600)
				return bad("--min-time", v,
					   "is not a number of seconds in (0, 3600]");
		} else if (OPT("--timeout")) {
			NEED();
			if (rb_parse_double(v, &o->timeout) ||
			    o->timeout <= 0 || o->timeout > 86400)
				return bad("--timeout", v,
					   "is not a number of seconds in (0, 86400]");
		} else if (OPT("--out")) {
			NEED();
			if (!*v)
				return bad("--out", v, "is empty");
			o->out = v;
		} else if ((u = knob_opt(argc, argv, &i, &v, &m))) {
			if (!v)
				return -1;
			if (knob_set(u, v, o))
				return -1;
		} else {
			fprintf(stderr, "revbench run: unknown option '%s' "
				"(revbench run --help)\n", a);
			return -1;
		}
#undef OPT
#undef NEED
	}
	return 0;
}
