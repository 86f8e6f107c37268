/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The userspace front end of the shared contract and stress suite
 * (tests/suite/): option helpers, the primitive selection, start-up and
 * tear-down, and the suite's environment, TAP through tap.h.
 */
#ifndef REVBENCH_TESTS_COMMON_H
#define REVBENCH_TESTS_COMMON_H

#include <getopt.h>

#include "revocable.h"
#include "tap.h"
#include "suite/suite.h"

/* Parse a positive integer option value or exit 2. */
static inline long parse_pos(const char *opt, const char *s, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v <= 0 || v > max) {
		fprintf(stderr, "%s: expected an integer in 1..%ld, got '%s'\n",
			opt, max, s);
		exit(2);
	}
	return v;
}

/*
 * The primitive selection both test drivers share: --primitive NAME adds
 * to sel->only[] (usage error, exit 2, on an unknown name); with none
 * given, every ops table in rev_ops_all[] runs.  In test builds that
 * includes the bug zoo entries the tests must catch on every run
 * (REV_BUG_OPS_LIST, primitives/bugs.h); the rest of the zoo, some of
 * which hangs by design, is judged by revbench torture.
 */
struct tests_sel {
	const struct revocable_ops *only[64];
	int nonly;
};

static inline bool tests_sel_add(struct tests_sel *sel, const char *prog,
				 const char *name)
{
	if (sel->nonly == (int)ARRAY_SIZE(sel->only) ||
	    !(sel->only[sel->nonly] = rev_ops_find(name))) {
		fprintf(stderr, "%s: unknown primitive '%s'\n", prog, name);
		return false;
	}
	sel->nonly++;
	return true;
}

static inline void tests_list(void)
{
	int i;

	for (i = 0; i < rev_ops_count; i++)
		printf("%s\n", rev_ops_all[i]->name);
}

/* The suite's environment: lines on stdout, points numbered by tap.h. */
static inline void tests_print(const char *line)
{
	printf("%s\n", line);
	fflush(stdout);
}

static inline void tests_result(bool ok, const char *name, const char *skip)
{
	if (skip)
		tap_skip(skip, "%s", name);
	else
		tap_ok(ok, "%s", name);
}

static const struct rbt_env tests_env = {
	.print = tests_print,
	.result = tests_result,
	.ktap = false,
};

/*
 * The options both front ends take, from their getopt_long() loop:
 * --primitive NAME (-p), --list (-l), --help (-h), and anything unknown.
 * TESTS_OPT_NEXT: go on parsing; else the exit status to return now.
 */
#define TESTS_OPT_NEXT	(-1)

static inline int tests_opt(int c, struct tests_sel *sel, const char *prog,
			    void (*usage)(FILE *f))
{
	switch (c) {
	case 'p':
		if (tests_sel_add(sel, prog, optarg))
			return TESTS_OPT_NEXT;
		usage(stderr);
		return 2;
	case 'l':
		tests_list();
		return 0;
	case 'h':
		usage(stdout);
		return 0;
	default:
		usage(stderr);
		return 2;
	}
}

/*
 * After option parsing, the rest of main(): refuse stray arguments (exit
 * 2), register this thread, run every global_init (a failure is a failed
 * test point), run the suite over the selection, every global_exit, and
 * return the TAP verdict as the exit status.
 */
static inline int tests_main(const char *prog, int argc, char **argv,
			     void (*usage)(FILE *f), struct rbt_cfg *cfg,
			     const struct tests_sel *sel)
{
	int i;

	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", prog,
			argv[optind]);
		usage(stderr);
		return 2;
	}
	if (rb_thread_init()) {
		fprintf(stderr, "%s: rb_thread_init failed\n", prog);
		return 1;
	}
	for (i = 0; i < rev_ops_count; i++)
		if (rev_ops_all[i]->global_init && rev_ops_all[i]->global_init()) {
			tap_ok(0, "%s: global_init", rev_ops_all[i]->name);
			return tap_done();
		}
	cfg->env = &tests_env;
	cfg->only = sel->only;
	cfg->nonly = sel->nonly;
	tap_diag("%d top-level test points to come (one per primitive and case; the checks of each are its subtest)",
		 rbt_plan(cfg));
	rbt_run(cfg);
	for (i = 0; i < rev_ops_count; i++)
		if (rev_ops_all[i]->global_exit)
			rev_ops_all[i]->global_exit();
	rb_thread_exit();
	return tap_done();
}

#endif /* REVBENCH_TESTS_COMMON_H */
