// SPDX-License-Identifier: GPL-2.0
/*
 * torture.c - "revbench torture", the userspace front end of the torture
 * core (torture/torture.h: the set-up, the oracle, the perturbations, the
 * output).  Here: the command line, the list of primitives, pthread CPU
 * placement, signals, the progress line, the closing line, exit codes.
 *
 *   revbench torture [--primitive LIST] [--bug LIST] [--duration S]
 *                    [--seed N] [--readers N] [--fake-revokers N]
 *                    [--watchdog S] [--stat-interval S] [--stop-on-fail]
 *                    [--perturb LIST | --no-perturb LIST] [--verbose]
 *   revbench torture --list-bugs | --list-primitives
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
 * On a terminal a progress line (entry i of n, elapsed and remaining time)
 * is redrawn below the output; elsewhere (pipes, CI) only plain lines.
 * The last line is "torture: N passed, N failed, N skipped; seed N".
 * Exit 0 when nothing failed, 1 on any failure, 2 on bad input, 130 on
 * SIGINT/SIGTERM (the summary so far is printed first).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <unistd.h>

#include "revocable.h"
#include "bugs.h"	/* the zoo table: empty (count 0) in benchmark builds */
#include "torture.h"
#include "../torture/torture.h"

#define T_EXIT_FAIL		1
#define T_EXIT_USAGE		2
#define T_EXIT_INTR		130
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
static volatile sig_atomic_t t_sig;
static int t_cpus[64], t_ncpus;
static pthread_mutex_t t_out_lock = PTHREAD_MUTEX_INITIALIZER;

/* ---- the environment (struct torture_env) ---- */

static struct {
	bool tty;		/* stdout is a terminal: draw progress */
	bool drawn;		/* a progress line is on screen */
	int idx, n;		/* entry idx of n */
	double done_s, total_s;	/* budgets of the entries before, of all */
	u64 last;		/* rb_now_ns() of the last redraw */
} t_prog;

/* Under t_out_lock. */
static void t_prog_clear(void)
{
	if (t_prog.drawn)
		fputs("\r\033[K", stdout);
	t_prog.drawn = false;
}

__attribute__((format(printf, 1, 2)))
static void t_printf(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&t_out_lock);
	t_prog_clear();
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fflush(stdout);
	pthread_mutex_unlock(&t_out_lock);
}

static void t_progress(const struct revocable_ops *ops, u64 elapsed_ns,
		       u64 total_ns)
{
	double el = elapsed_ns / 1e9, tot = total_ns / 1e9, all, left;
	char bar[21];
	int i, fill;
	u64 now = rb_now_ns();

	if (!t_prog.tty || now - t_prog.last < 250000000ULL)
		return;
	t_prog.last = now;
	all = t_prog.done_s + (el < tot ? el : tot);
	left = t_prog.total_s - all;
	fill = t_prog.total_s > 0 ? (int)(20 * all / t_prog.total_s) : 0;
	for (i = 0; i < 20; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[20] = '\0';
	pthread_mutex_lock(&t_out_lock);
	t_prog_clear();
	printf("[%s] %d/%d %s %.1f/%.1f s, %.0f s left in all", bar,
	       t_prog.idx + 1, t_prog.n, ops->name, el, tot,
	       left > 0 ? left : 0);
	fflush(stdout);
	t_prog.drawn = true;
	pthread_mutex_unlock(&t_out_lock);
}

static bool t_should_stop(void)
{
	return t_sig;
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
	.progress = t_progress,		/* a terminal only */
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

__attribute__((format(printf, 1, 2)))
static int t_bad(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "revbench torture: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(revbench torture --help for usage)\n");
	return T_EXIT_USAGE;
}

static int t_num(const char *opt, const char *s, double lo, double hi,
		 double *v)
{
	char *end;

	errno = 0;
	*v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(*v) || *v <= lo || *v > hi)
		return t_bad("%s: expected a number of seconds > %g and <= %g, got '%s'",
			     opt, lo, hi, s);
	return 0;
}

static int t_int(const char *opt, const char *s, long lo, long hi, int *v)
{
	char *end;
	long x;

	errno = 0;
	x = strtol(s, &end, 10);
	if (errno || end == s || *end || x < lo || x > hi)
		return t_bad("%s: expected an integer in %ld..%ld, got '%s'",
			     opt, lo, hi, s);
	*v = (int)x;
	return 0;
}

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
		} else if (!(ops->caps & REV_CAP_BROKEN) && t_add(o, ops)) {
			return T_EXIT_USAGE;
		}
	}
	return 0;
}

static int t_parse_list(struct t_opts *o, const char *arg, bool bugs)
{
	char buf[1024], *tok, *save = NULL;
	int i;

	if (strlen(arg) >= sizeof(buf) || !*arg)
		return t_bad("%s: bad list '%s'", bugs ? "--bug" : "--primitive",
			     arg);
	strcpy(buf, arg);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		const struct revocable_ops *ops;

		if (bugs && !rev_bug_zoo_count)
			return t_bad("the bug zoo is built into the test build only, "
				     "not into this benchmark binary: run "
				     "build/test/revbench-torture --bug %s "
				     "(make torture-build)", tok);
		if (!strcmp(tok, "all")) {
			if (!bugs && t_add_all(o))
				return T_EXIT_USAGE;
			for (i = 0; bugs && i < rev_bug_zoo_count; i++)
				if (t_add_bug_or_prim(o, rev_bug_zoo[i]))
					return T_EXIT_USAGE;
			continue;
		}
		ops = bugs ? rev_bug_find(tok) : rev_ops_find(tok);
		if (!ops && bugs)
			return t_bad("unknown bug '%s' (--list-bugs lists them)",
				     tok);
		if (!ops)
			return t_bad("unknown primitive '%s' (revbench list; "
				     "broken variants: --bug, test build only)",
				     tok);
		if (t_add_bug_or_prim(o, ops))
			return T_EXIT_USAGE;
	}
	return 0;
}

static int t_parse_perturb(struct t_opts *o, const char *arg, bool only)
{
	char buf[512], *tok, *save = NULL;
	unsigned int mask = 0;
	int i;

	if (strlen(arg) >= sizeof(buf) || !*arg)
		return t_bad("%s: bad perturbation list '%s'",
			     only ? "--perturb" : "--no-perturb", arg);
	strcpy(buf, arg);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "all")) {
			mask = TORTURE_P_ALL;
			continue;
		}
		if (only && !strcmp(tok, "none"))
			continue;
		i = torture_perturb_find(tok);
		if (i < 0)
			return t_bad("unknown perturbation '%s' (--help lists them)",
				     tok);
		mask |= 1U << i;
	}
	o->perturb = only ? mask : (o->perturb & ~mask);
	return 0;
}

static int t_parse_seed(struct t_opts *o, const char *s)
{
	char *end;

	errno = 0;
	if (!*s || *s == '-')
		return t_bad("--seed: expected an unsigned integer, got '%s'", s);
	o->seed = strtoull(s, &end, 0);
	if (errno || *end)
		return t_bad("--seed: expected an unsigned integer, got '%s'", s);
	return 0;
}

static void t_on_signal(int sig)
{
	(void)sig;
	t_sig = 1;
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
	for (i = 0; i < o->n && !t_sig; i++) {
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
		else if (!t_sig)
			(*passed)++;
		t_prog.done_s += cfg.duration_ns / 1e9;
	}
	return failed;
}

int cmd_torture(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "primitive", required_argument, NULL, 'p' },
		{ "bug", required_argument, NULL, 'b' },
		{ "duration", required_argument, NULL, 'd' },
		{ "seed", required_argument, NULL, 's' },
		{ "readers", required_argument, NULL, 'r' },
		{ "fake-revokers", required_argument, NULL, 'f' },
		{ "watchdog", required_argument, NULL, 'w' },
		{ "stat-interval", required_argument, NULL, 'i' },
		{ "stop-on-fail", no_argument, NULL, 'S' },
		{ "perturb", required_argument, NULL, 'P' },
		{ "no-perturb", required_argument, NULL, 'N' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "list-bugs", no_argument, NULL, 'L' },
		{ "list-primitives", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct t_opts o;
	bool seeded = false, list_bugs = false, list_prims = false;
	int c, i, rc, passed = 0, failed;
	struct sigaction sa;
	cpu_set_t cs;

	memset(&o, 0, sizeof(o));
	memset(&t_prog, 0, sizeof(t_prog));
	t_unsafe_skipped = 0;
	o.readers = min_t(int, rb_nr_cpus() + 1, TORTURE_MAX_READERS);
	o.fake = TORTURE_DEF_FAKE;
	o.stat_interval = 5;
	o.perturb = TORTURE_P_ALL;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":p:b:d:s:r:f:w:i:SP:N:vLlh", lopts,
				NULL)) != -1) {
		rc = 0;
		switch (c) {
		case 'p':
			rc = t_parse_list(&o, optarg, false);
			break;
		case 'b':
			rc = t_parse_list(&o, optarg, true);
			break;
		case 'd':
			rc = t_num("--duration", optarg, 0, 1e7, &o.duration);
			break;
		case 's':
			rc = t_parse_seed(&o, optarg);
			seeded = true;
			break;
		case 'r':
			rc = t_int("--readers", optarg, 1, TORTURE_MAX_READERS,
				   &o.readers);
			break;
		case 'f':
			rc = t_int("--fake-revokers", optarg, 0,
				   TORTURE_MAX_FAKE, &o.fake);
			break;
		case 'w':
			rc = t_num("--watchdog", optarg, 0, 1e6, &o.watchdog);
			break;
		case 'i':
			rc = t_num("--stat-interval", optarg, 0, 1e6,
				   &o.stat_interval);
			break;
		case 'S':
			o.stop_on_fail = true;
			break;
		case 'P':
			rc = t_parse_perturb(&o, optarg, true);
			break;
		case 'N':
			rc = t_parse_perturb(&o, optarg, false);
			break;
		case 'v':
			o.verbose = true;
			break;
		case 'L':
			list_bugs = true;
			break;
		case 'l':
			list_prims = true;
			break;
		case 'h':
			t_usage(stdout);
			return 0;
		case ':':
			return t_bad("%s needs a value", argv[optind - 1]);
		default:
			return t_bad("unknown option '%s'", argv[optind - 1]);
		}
		if (rc)
			return rc;
	}
	if (optind < argc)
		return t_bad("unexpected argument '%s'", argv[optind]);
	if (list_bugs) {
		if (!rev_bug_zoo_count)
			return t_bad("the bug zoo is built into the test build only, not "
				     "into this benchmark binary: run "
				     "build/test/revbench-torture --list-bugs");
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
			      (REV_CAP_UNSAFE | REV_CAP_BROKEN)))
				printf("%s\n", rev_ops_all[i]->name);
		return 0;
	}
	if (!seeded)
		o.seed = rb_now_ns() ^ ((u64)getpid() << 32);
	if (!o.n && t_add_all(&o))
		return T_EXIT_USAGE;

	setvbuf(stdout, NULL, _IOLBF, 0);
	t_prog.tty = isatty(STDOUT_FILENO) && getenv("TERM") &&
		     strcmp(getenv("TERM"), "dumb");
	t_ncpus = 0;
	if (!sched_getaffinity(0, sizeof(cs), &cs))
		for (i = 0; i < CPU_SETSIZE && t_ncpus < 64; i++)
			if (CPU_ISSET(i, &cs))
				t_cpus[t_ncpus++] = i;
	t_env.ncpus = t_ncpus;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = t_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
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
	for (i = 0; i < o.n; i++)
		if (o.list[i]->global_exit)
			o.list[i]->global_exit();
	rb_thread_exit();
	if (t_sig)
		t_printf("torture: INTERRUPTED: %d passed, %d failed, %d not finished or not run; seed %llu\n",
			 passed, failed, o.n - passed - failed,
			 (unsigned long long)o.seed);
	else
		t_printf("torture: %d passed, %d failed, %d skipped; seed %llu\n",
			 passed, failed, t_unsafe_skipped,
			 (unsigned long long)o.seed);
	if (t_sig)
		return T_EXIT_INTR;
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
