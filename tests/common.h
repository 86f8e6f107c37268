/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The userspace front end of the shared contract and stress suite
 * (tests/suite/): option helpers, the primitive selection, start-up and
 * tear-down, and the suite's environment, TAP through tap.h.
 */
#ifndef REVBENCH_TESTS_COMMON_H
#define REVBENCH_TESTS_COMMON_H

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
 * After option parsing: register this thread and run every global_init.
 * 0, or the exit status to return (a failed global_init is a failed test
 * point).
 */
static inline int tests_start(const char *prog)
{
	int i;

	if (rb_thread_init()) {
		fprintf(stderr, "%s: rb_thread_init failed\n", prog);
		return 1;
	}
	for (i = 0; i < rev_ops_count; i++)
		if (rev_ops_all[i]->global_init && rev_ops_all[i]->global_init()) {
			tap_ok(0, "%s: global_init", rev_ops_all[i]->name);
			return tap_done();
		}
	return 0;
}

/* Run the suite over the selection; the exit status. */
static inline int tests_run(struct rbt_cfg *cfg, const struct tests_sel *sel)
{
	int i;

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
