// SPDX-License-Identifier: GPL-2.0
/*
 * ktest.c - mode=test: the contract and stress suite shared with
 * userspace (tests/suite/, compiled unchanged through shared_contract.c
 * and shared_stress.c), as KTAP v1 on the console.
 *
 * This file is the suite's kernel environment only: KTAP numbering and
 * totals, printk, and the module's stop flag.  The cases, their checks
 * and the handling of capabilities are tests/suite/contract.c's and
 * stress.c's, the same in both environments.  Every (primitive, case) is
 * one top-level test point "NAME.case", its checks a nested KTAP subtest;
 * the plan "1..N" is known before the run (rbt_plan()).  REV_CAP_UNSAFE
 * tables skip the safety cases, each a "# SKIP" with its reason and a
 * pr_warn.  REV_CAP_BROKEN tables (KMOD_BUGS=1 test builds only) run
 * every case with their checks as "# (sub)" diagnostics and get one point,
 * NAME.caught, that passes only if a check caught the bug.
 *
 * Then "revbench: done: P passed, F failed" (main.c; skips are counted in
 * neither, they are listed as "# SKIP").  Parameters: primitive, hold_ms
 * (how long a reader holds its access), rounds (stress rounds); the
 * stress case runs one reader per online CPU, each bound to its CPU.
 */
#include <linux/cpumask.h>
#include <linux/printk.h>
#include <linux/string.h>

#include "revocable.h"
#include "tests/suite/suite.h"
#include "kmod.h"

/* Between stress rounds: spin up to this many relaxes, or sleep up to it. */
#define KT_GAP_US	1000
#define KT_SEED		1

static struct rbk_test_summary *kt_sum;	/* one run at a time */
static int kt_n;

static void kt_print(const char *line)
{
	pr_info("%s\n", line);
}

static void kt_result(bool ok, const char *name, const char *skip)
{
	kt_n++;
	if (skip) {
		pr_info("ok %d %s # SKIP %s\n", kt_n, name, skip);
		kt_sum->skipped++;
	} else if (ok) {
		pr_info("ok %d %s\n", kt_n, name);
		kt_sum->passed++;
	} else {
		pr_info("not ok %d %s\n", kt_n, name);
		kt_sum->failed++;
	}
}

static void kt_warn(const char *line)
{
	pr_warn("revbench: %s\n", line);
}

static const struct rbt_env kt_env = {
	.print = kt_print,
	.result = kt_result,
	.warn = kt_warn,
	.should_stop = rbk_should_stop,
	.ktap = true,
};

void rbk_run_tests(const struct rbk_config *cfg, struct rbk_test_summary *s)
{
	const struct revocable_ops *one = NULL;
	struct rbt_cfg tc = {
		.env = &kt_env,
		.cases = RBT_CASES_ALL,
		.hold_ms = cfg->hold_ms,
		.readers = 0,
		.pin_readers = true,
		.rounds = cfg->rounds,
		.duration_ms = 0,
		.gap_us = KT_GAP_US,
		.seed = KT_SEED,
	};

	if (strcmp(cfg->primitive, "all")) {
		one = rev_ops_find(cfg->primitive);	/* checked at parse */
		tc.only = &one;
		tc.nonly = 1;
	}
	memset(s, 0, sizeof(*s));
	kt_sum = s;
	kt_n = 0;
	pr_info("KTAP version 1\n");
	pr_info("1..%d\n", rbt_plan(&tc));
	pr_info("# revbench in-kernel contract and stress tests (tests/suite/, shared with userspace): %d primitive(s), %u online CPUs, hold_ms %u, rounds %u\n",
		tc.nonly ? 1 : rev_ops_count, num_online_cpus(), cfg->hold_ms,
		cfg->rounds);
	rbt_run(&tc);
	pr_info("# totals: pass:%d fail:%d skip:%d\n", s->passed, s->failed,
		s->skipped);
}
