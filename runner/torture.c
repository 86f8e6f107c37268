// SPDX-License-Identifier: GPL-2.0
/*
 * torture.c - "revbench torture", the userspace front end of the torture
 * core (torture/torture.h: the set-up, the oracle, the perturbations, the
 * output).  Here: the command line (its synopsis: t_usage()), the list
 * of primitives, pthread CPU placement, signals, the progress line, the
 * closing line, exit codes.
 *
 * The bug zoo (primitives/bugs.h) is linked into the test build only:
 * build/test/revbench-torture (this file with REVBENCH_BUGS, over
 * build/test/librevbench.a).  build/revbench, the benchmark binary, has no
 * zoo and refuses --bug with exit 2.
 *
 * --duration is the whole run, split evenly between the entries.  A bug
 * (--bug) stops at its first failure, as in the module; without
 * --duration it runs at most 20 s, and without --watchdog its hang bound
 * is 2 s (the module's bug_duration and bug_watchdog_ms).
 *
 * Progress (progress.h): on a terminal a status line (entry i of n,
 * elapsed and remaining time) redrawn below the output; elsewhere (pipes,
 * CI) a line per tenth of the run.
 * The last line is "torture: N passed, N failed, N skipped; seed N".
 * Exit 0 when nothing failed, 1 on any failure, 2 on bad input, 130 on
 * SIGINT/SIGTERM (the summary so far is printed first).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#include "revocable.h"
#include "bugs.h"	/* the zoo table: empty (count 0) in benchmark builds */
#include "progress.h"
#include "torture.h"
#include "util.h"
#include "../torture/torture.h"

#define T_EXIT_FAIL		1
#define T_MAX_LIST		64
#define T_BUG_S			20	/* a bug's budget without --duration */
#define T_BUG_WATCHDOG_S	2

struct t_opts {
	const struct revocable_ops *list[T_MAX_LIST];
	int n;
	double duration;	/* whole run, s; 0: the defaults */
	u64 seed;
	int readers;
	int fake;
	double watchdog;	/* s; 0: the defaults */
	double stat_interval;	/* s */
	unsigned int perturb;	/* 1 << TORTURE_P_* */
	bool stop_on_fail;
	bool verbose;
};

static int t_unsafe_skipped;	/* skipped: the unsafe floor, REV_CAP_HIDDEN bugs */
static int t_cpus[64], t_ncpus;

/* ---- the environment (struct torture_env) ---- */

static struct {
	int idx, n;		/* entry idx of n */
	double done_s, total_s;	/* budgets of the entries before, of all */
	u64 last;		/* rb_now_ns() of the last update */
} t_prog;

__attribute__((format(printf, 1, 2)))
static void t_printf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	rb_progress_printf(stdout, "%s", s);
	free(s);
}

static void t_progress(const struct revocable_ops *ops, u64 elapsed_ns,
		       u64 total_ns)
{
	double el = elapsed_ns / 1e9, tot = total_ns / 1e9;
	char st[128];
	u64 now = rb_now_ns();

	if (now - t_prog.last < 250000000ULL)
		return;
	t_prog.last = now;
	snprintf(st, sizeof(st), "%d/%d %s %.1f/%.1f s", t_prog.idx + 1,
		 t_prog.n, ops->name, el, tot);
	rb_progress_set(t_prog.done_s + (el < tot ? el : tot), st);
}

static bool t_should_stop(void)
{
	return rb_interrupted;
}

static void t_set_cpus(int only, int idle)
{
	cpu_set_t set;
	int i;

	CPU_ZERO(&set);
	for (i = 0; i < t_ncpus; i++)
		if (only >= 0 ? i == only : i != idle)
			CPU_SET(t_cpus[i], &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

/* A hung thread cannot be joined or killed: end the process. */
static void t_stuck(const struct revocable_ops *ops)
{
	t_printf("torture: a hung thread cannot be joined: exiting with status 1 (primitives after %s not run)\n",
		 ops->name);
	fflush(stderr);
	_exit(T_EXIT_FAIL);
}

/* .ncpus: the CPUs allowed at start, cmd_torture().  No .resched. */
static struct torture_env t_env = {
	.pfx = "",			/* plain lines */
	.out = t_printf,
	.should_stop = t_should_stop,	/* SIGINT, SIGTERM */
	.set_cpus = t_set_cpus,
	.progress = t_progress,
	.stuck = t_stuck,
};

/* ---- command line ---- */

static void t_usage(FILE *f)
{
	int i;

	fprintf(f,
"usage: revbench torture [--primitive LIST] [--bug LIST] [--duration S]\n"
"                        [--seed N] [--readers N] [--fake-revokers N]\n"
"                        [--watchdog S] [--stat-interval S] [--stop-on-fail]\n"
"                        [--perturb LIST | --no-perturb LIST] [--verbose]\n"
"       revbench torture --list-bugs | --list-primitives\n"
"  rcutorture-style stress: readers, a revoking writer, fake revokers and\n"
"  seeded perturbations; every failure is printed on a line starting \"!!!\".\n"
"  --primitive LIST   comma-separated primitives, or \"all\" (default: every\n"
"                     primitive except \"none\", which is unsafe by design)\n"
"  --bug LIST         deliberately broken variants, or \"all\" (test build\n"
"                     only: build/test/revbench-torture); each stops at its\n"
"                     first failure, at most %d s (watchdog %d s) unless\n"
"                     --duration (--watchdog) says otherwise\n"
"  --duration S       whole run in seconds, split evenly between the\n"
"                     entries (default 10, or %d s per bug)\n"
"  --seed N           replay a run's perturbation choices (default: clock)\n"
"  --readers N        reader threads (default CPUs + 1, max %d)\n"
"  --fake-revokers N  (default %d, max %d)\n"
"  --watchdog S       a revoke taking longer is a hang: fail (default 10)\n"
"  --stat-interval S  summary period (default 5)\n"
"  --stop-on-fail     end a primitive's run at its first failure\n"
"  --perturb LIST, --no-perturb LIST   enable only / disable these (or\n"
"                     \"all\"; --perturb none disables every one):\n"
"                    ", T_BUG_S, T_BUG_WATCHDOG_S, T_BUG_S,
		TORTURE_MAX_READERS, TORTURE_DEF_FAKE, TORTURE_MAX_FAKE);
	for (i = 0; i < TORTURE_P_NR; i++)
		fprintf(f, "%s%s", i ? "," : "", torture_perturb_names[i]);
	fprintf(f,
"\n  Exit: 0 no failure, 1 failures (or a hang), 2 bad input, 130 SIGINT.\n");
}

#define t_bad(...)	(ut_bad("torture", __VA_ARGS__), UT_EXIT_USAGE)
/* --bug and --list-bugs in the benchmark build */
#define T_NO_ZOO	"the bug zoo is built into the test build only, not " \
			"into this benchmark binary: run build/test/revbench-torture "

static int t_add(struct t_opts *o, const struct revocable_ops *ops)
{
	int i;

	for (i = 0; i < o->n; i++)
		if (o->list[i] == ops)
			return 0;
	if (o->n == T_MAX_LIST)
		return t_bad("too many primitives");
	o->list[o->n++] = ops;
	return 0;
}

/*
 * A zoo entry whose defect no oracle can see (REV_CAP_HIDDEN) is skipped,
 * and says why; anything else is added.
 */
static int t_add_bug_or_prim(struct t_opts *o,
			     const struct revocable_ops *ops)
{
	if (ops->caps & REV_CAP_HIDDEN) {
		printf("torture: SKIP %s: no oracle can see this bug (every "
		       "wrong read is thrown away): only a sanitizer can; make "
		       "vm-check-debug shows KASAN reporting it\n", ops->name);
		t_unsafe_skipped++;
		return 0;
	}
	return t_add(o, ops);
}

/* Every real primitive; the unsafe floor is skipped, and says so. */
static int t_add_all(struct t_opts *o)
{
	int i;

	for (i = 0; i < rev_ops_count; i++) {
		const struct revocable_ops *ops = rev_ops_all[i];

		if (ops->caps & REV_CAP_UNSAFE) {
			printf("torture: SKIP %s: unsafe by design (no protection against revoke); name it with --primitive to watch it fail\n",
			       ops->name);
			t_unsafe_skipped++;
		} else if (!(ops->caps & (REV_CAP_BROKEN | REV_CAP_PERFBUG)) &&
			   t_add(o, ops)) {
			return UT_EXIT_USAGE;
		}
	}
	return 0;
}

static struct t_opts o;

static int t_item(const char *tok, bool bugs)
{
	const struct revocable_ops *ops;
	int i;

	if (bugs && !rev_bug_zoo_count)
		return t_bad(T_NO_ZOO "--bug %s (make torture-build)", tok);
	if (!strcmp(tok, "all")) {
		if (!bugs && t_add_all(&o))
			return UT_EXIT_USAGE;
		for (i = 0; bugs && i < rev_bug_zoo_count; i++)
			if (t_add_bug_or_prim(&o, rev_bug_zoo[i]))
				return UT_EXIT_USAGE;
		return 0;
	}
	ops = bugs ? rev_bug_find(tok) : rev_ops_find(tok);
	if (!ops && bugs)
		return t_bad("unknown bug '%s' (--list-bugs lists them)", tok);
	if (!ops)
		return t_bad("unknown primitive '%s' (revbench list; broken "
			     "variants: --bug, test build only)", tok);
	return t_add_bug_or_prim(&o, ops);
}

/* bugs: NULL for --primitive, non-NULL for --bug */
static int t_list_item(const char *tok, void *bugs)
{
	return t_item(tok, bugs != NULL) ? -1 : 0;
}

static unsigned int t_mask;

static int t_perturb(const char *tok, void *only)
{
	int i = torture_perturb_find(tok);

	if (!strcmp(tok, "all"))
		t_mask = TORTURE_P_ALL;
	else if (only && !strcmp(tok, "none"))
		return 0;
	else if (i < 0)
		return ut_bad("torture", "unknown perturbation '%s' (--help lists them)",
			      tok);
	else
		t_mask |= 1U << i;
	return 0;
}

static int set_list(const char *v, void *bugs)
{
	return ut_list("torture", bugs ? "--bug" : "--primitive", v,
		       t_list_item, bugs);
}

static int set_perturb(const char *v, void *only)
{
	t_mask = 0;
	if (ut_list("torture", only ? "--perturb" : "--no-perturb", v,
		    t_perturb, only))
		return -1;
	o.perturb = only ? t_mask : (o.perturb & ~t_mask);
	return 0;
}

/* Every entry, one after another: the number that failed, *passed. */
static int t_run_all(const struct t_opts *o, int *passed)
{
	double bug_s = o->duration ? o->duration / o->n : T_BUG_S;
	double prim_s = (o->duration ? o->duration : 10) / o->n;
	int i, failed = 0;

	t_prog.n = o->n;
	for (i = 0; i < o->n; i++)
		t_prog.total_s += (o->list[i]->caps & REV_CAP_BROKEN) ?
				  bug_s : prim_s;
	rb_progress_begin("seconds", t_prog.total_s, true);
	for (i = 0; i < o->n && !rb_interrupted; i++) {
		const struct revocable_ops *ops = o->list[i];
		bool bug = ops->caps & REV_CAP_BROKEN;
		double wd = o->watchdog ? o->watchdog :
			    bug ? T_BUG_WATCHDOG_S : 10;
		struct torture_cfg cfg = {
			.seed = o->seed,
			.duration_ns = (u64)((bug ? bug_s : prim_s) * 1e9),
			.watchdog_ns = (u64)(wd * 1e9),
			.stat_ns = (u64)(o->stat_interval * 1e9),
			.readers = o->readers,
			.fake = o->fake,
			.perturb = o->perturb,
			.stop_on_fail = o->stop_on_fail || bug,
			.verbose = o->verbose,
		};
		struct torture_result res;

		t_prog.idx = i;
		if (torture_run(&t_env, ops, &cfg, &res))
			failed++;
		else if (!rb_interrupted)
			(*passed)++;
		t_prog.done_s += cfg.duration_ns / 1e9;
	}
	return failed;
}

int cmd_torture(int argc, char **argv)
{
	bool list_bugs = false, list_prims = false;
	unsigned long long seed = 0;
	const struct ut_opt opts[] = {
		{ "--primitive", 'p', UT_FN, NULL, 0, 0, set_list, NULL },
		{ "--bug", 'b', UT_FN, &o, 0, 0, set_list, NULL },
		{ "--duration", 'd', UT_REAL, &o.duration, 1e-9, 1e7, NULL,
		  "a number of seconds > 0 and <= 1e7" },
		{ "--seed", 's', UT_UINT, &seed, 0, 0x1p64, NULL,
		  "an unsigned integer" },
		{ "--readers", 'r', UT_INT, &o.readers, 1, TORTURE_MAX_READERS,
		  NULL, NULL },
		{ "--fake-revokers", 'f', UT_INT, &o.fake, 0, TORTURE_MAX_FAKE,
		  NULL, NULL },
		{ "--watchdog", 'w', UT_REAL, &o.watchdog, 1e-9, 1e6, NULL,
		  "a number of seconds > 0 and <= 1e6" },
		{ "--stat-interval", 'i', UT_REAL, &o.stat_interval, 1e-9, 1e6,
		  NULL, "a number of seconds > 0 and <= 1e6" },
		{ "--stop-on-fail", 'S', UT_FLAG, &o.stop_on_fail, 0, 0, NULL, NULL },
		{ "--perturb", 'P', UT_FN, &o, 0, 0, set_perturb, NULL },
		{ "--no-perturb", 'N', UT_FN, NULL, 0, 0, set_perturb, NULL },
		{ "--verbose", 'v', UT_FLAG, &o.verbose, 0, 0, NULL, NULL },
		{ "--list-bugs", 'L', UT_FLAG, &list_bugs, 0, 0, NULL, NULL },
		{ "--list-primitives", 'l', UT_FLAG, &list_prims, 0, 0, NULL, NULL },
	};
	const char *pos[1];
	int i, rc, passed = 0, failed, npos;
	cpu_set_t cs;

	memset(&o, 0, sizeof(o));
	memset(&t_prog, 0, sizeof(t_prog));
	t_unsafe_skipped = 0;
	o.readers = min_t(int, rb_nr_cpus() + 1, TORTURE_MAX_READERS);
	o.fake = TORTURE_DEF_FAKE;
	o.stat_interval = 5;
	o.perturb = TORTURE_P_ALL;
	rc = ut_getopt("torture", argc, argv, opts, ARRAY_SIZE(opts), pos,
		       &npos, 1, NULL, NULL);
	if (rc > 0) {
		t_usage(stdout);
		return 0;
	}
	if (rc)
		return UT_EXIT_USAGE;
	if (npos)
		return t_bad("unexpected argument '%s'", pos[0]);
	o.seed = seed;
	if (list_bugs) {
		if (!rev_bug_zoo_count)
			return t_bad(T_NO_ZOO "--list-bugs");
		for (i = 0; i < rev_bug_zoo_count; i++) {
			char caps[128];

			printf("%s\t%s\t%s\n", rev_bug_zoo[i]->name,
			       rev_bug_zoo[i]->desc,
			       rev_caps_str(rev_bug_zoo[i]->caps, caps,
					    sizeof(caps)));
		}
		return 0;
	}
	if (list_prims) {
		for (i = 0; i < rev_ops_count; i++)
			if (!(rev_ops_all[i]->caps &
			      (REV_CAP_UNSAFE | REV_CAP_BROKEN |
			       REV_CAP_PERFBUG)))
				printf("%s\n", rev_ops_all[i]->name);
		return 0;
	}
	/* no --seed, or --seed 0: from the clock (knobs.h), printed */
	if (!o.seed)
		o.seed = rb_now_ns() ^ ((u64)getpid() << 32);
	if (!o.n && t_add_all(&o))
		return UT_EXIT_USAGE;

	setvbuf(stdout, NULL, _IOLBF, 0);
	t_ncpus = 0;
	if (!sched_getaffinity(0, sizeof(cs), &cs))
		for (i = 0; i < CPU_SETSIZE && t_ncpus < 64; i++)
			if (CPU_ISSET(i, &cs))
				t_cpus[t_ncpus++] = i;
	t_env.ncpus = t_ncpus;
	rb_catch_signals();
	if (rb_thread_init()) {
		fprintf(stderr, "revbench torture: rb_thread_init failed\n");
		return T_EXIT_FAIL;
	}
	for (i = 0; i < o.n; i++)
		if (o.list[i]->global_init && o.list[i]->global_init()) {
			printf("!!! torture: %s: global_init failed\n",
			       o.list[i]->name);
			return T_EXIT_FAIL;
		}
	printf("torture: %d primitive(s), %s, seed %llu, %d CPUs allowed\n",
	       o.n, o.duration ? "--duration split evenly" :
	       "10 s split between the real primitives, bugs until caught (20 s at most)",
	       (unsigned long long)o.seed, t_ncpus);
	printf("torture: perturbations:");
	for (i = 0; i < TORTURE_P_NR; i++)
		if (o.perturb & (1U << i))
			printf(" %s", torture_perturb_names[i]);
	printf("%s\n", t_ncpus < 2 && (o.perturb & (1U << TORTURE_P_SHUFFLE)) ?
	       " (shuffle: only one CPU allowed, no idle-CPU rotation)" : "");
	printf("torture: replay with --seed %llu\n", (unsigned long long)o.seed);
	failed = t_run_all(&o, &passed);
	rb_progress_end();
	for (i = 0; i < o.n; i++)
		if (o.list[i]->global_exit)
			o.list[i]->global_exit();
	rb_thread_exit();
	if (rb_interrupted)
		t_printf("torture: INTERRUPTED: %d passed, %d failed, %d not finished or not run; seed %llu\n",
			 passed, failed, o.n - passed - failed,
			 (unsigned long long)o.seed);
	else
		t_printf("torture: %d passed, %d failed, %d skipped; seed %llu\n",
			 passed, failed, t_unsafe_skipped,
			 (unsigned long long)o.seed);
	if (rb_interrupted)
		return UT_EXIT_INTR;
	return failed ? T_EXIT_FAIL : 0;
}

#ifdef RB_TORTURE_MAIN
/* build/<variant>/revbench-torture: the torture command on its own. */
int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "torture"))
		return cmd_torture(argc - 1, argv + 1);
	argv[0] = (char *)"torture";
	return cmd_torture(argc, argv);
}
#endif
