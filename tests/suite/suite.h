/* SPDX-License-Identifier: GPL-2.0 */
/*
 * suite.h - the contract and stress suite, one copy for both environments.
 *
 * tests/suite/contract.c and tests/suite/stress.c are kernel-style C over
 * compat.h only, compiled unchanged into the userspace tests
 * (tests/contract.c and tests/stress.c: TAP) and into revbench.ko
 * (mk/kmod.mk's shared_contract.c and shared_stress.c wrappers, driven
 * by kmod/ktest.c: KTAP v1), the way workloads/workload.c is.  What differs
 * between the environments is only the rbt_env vector below: how a line
 * is printed, how a top-level result is numbered and counted, and whether
 * the run was told to stop.  Threads come from compat.h's
 * rb_thread_start()/rb_thread_join(), sleep and the clock from
 * rb_sleep_us()/rb_now_ns().
 *
 * The suite iterates over rev_ops_all[] (or the entries named) and never
 * switches on a name; the capabilities decide:
 *   REV_CAP_UNSAFE      the cases that need safety are skipped, loudly
 *                       (each one a SKIP point with the reason);
 *   REV_CAP_BROKEN      a test build's deliberately broken entry: every
 *                       applicable case runs with its results shown as
 *                       "# (sub)" diagnostics, and the entry gets ONE test
 *                       point, NAME.caught, that passes when at least one
 *                       check failed (the suite caught it) and fails when
 *                       every check passed;
 *   REV_CAP_TYPESTABLE  a reader may still read a released resource
 *                       speculatively: the suite's resources stay readable
 *                       (quarantined, poisoned) until no reader can be
 *                       inside, and the holder does not treat "released
 *                       under me" as a violation (release() owes it
 *                       -EAGAIN instead);
 *   REV_CAP_RETRY, _BOUNDED, _DEFERRED, _SLEEP and revoke_many select and
 *                       shape the checks as the contract in revocable.h
 *                       says.
 *
 * Output, the same structure in both environments.  Every (entry, case)
 * is one top-level test point "NAME.case" (ok, not ok, or SKIP with a
 * reason), so the number of points is known before the run (rbt_plan(),
 * KTAP's plan comes first).  The checks a case makes are its subtest, a
 * nested block indented four spaces, printed when the case ends:
 *
 *   KTAP (module):                     TAP (userspace):
 *       KTAP version 1                 # Subtest: rcu.overlapping_revokes
 *       # Subtest: rcu.overlapping_... |     1..6
 *       1..6                           |     ok 1 - neither returns ...
 *       ok 1 neither returns ...       |     ...
 *       ...                            | ok 9 - rcu.overlapping_revokes
 *   ok 9 rcu.overlapping_revokes
 *
 * scripts/run-tests.sh and scripts/vm.sh count the top-level points;
 * vm.sh also counts the indented ones as subtest points.  A failing case
 * is preceded by "# NAME.case: <its first failed check>".
 *
 * No timing thresholds: "does not complete while held" is checked by a
 * reader that holds its access for hold_ms and then looks; a correct
 * primitive can never fail that however slow the machine, a broken one
 * that returns early is caught whenever it returns within the hold.
 */
#ifndef REVBENCH_SUITE_H
#define REVBENCH_SUITE_H

#include "revocable.h"

/* The cases, in the order they run; each is one test point per entry. */
enum rbt_case_id {
	RBT_FOOTPRINT,
	RBT_ACCESS_AFTER_REVOKE,
	RBT_RELEASE_ONCE,
	RBT_NESTED_HANDLES,
	RBT_REVOKE_MANY,
	RBT_REVOKE_WAITS_READER,
	RBT_SLEEPING_READER,
	RBT_REVOKE_MANY_WAITS_READER,
	RBT_OVERLAPPING_REVOKES,
	RBT_OVERLAPPING_REVOKE_MANY,
	RBT_DESTROY_AFTER_FAILED,
	RBT_GUARD,
	RBT_FOREIGN_RCU,
	RBT_STRESS,
	RBT_NR_CASES
};

#define RBT_CASES_ALL		((1U << RBT_NR_CASES) - 1)
#define RBT_CASES_STRESS	(1U << RBT_STRESS)
#define RBT_CASES_CONTRACT	(RBT_CASES_ALL & ~RBT_CASES_STRESS)

/* What an environment supplies (the role of kernel/torture.c's hooks). */
struct rbt_env {
	/* One line of output, no trailing newline. */
	void (*print)(const char *line);
	/*
	 * One top-level test point: numbered and counted by the environment
	 * (tap.h in userspace, ktest.c's KTAP counter in the module).  skip
	 * is NULL, or the reason of a SKIP (then ok is true).
	 */
	void (*result)(bool ok, const char *name, const char *skip);
	/* Optional: also say this where an operator looks (the kernel log). */
	void (*warn)(const char *line);
	/* Optional: true once the run must stop (module unloading). */
	bool (*should_stop)(void);
	bool ktap;		/* nested blocks in KTAP form, else TAP */
};

struct rbt_cfg {
	const struct rbt_env *env;
	/* The entries to run: only[0..nonly), or every rev_ops_all[] one. */
	const struct revocable_ops *const *only;
	int nonly;
	unsigned int cases;		/* RBT_CASES_* mask */
	unsigned int hold_ms;		/* how long a reader holds, >= 1 */
	/* stress */
	unsigned int readers;		/* 0: one per CPU (rb_nr_cpus()) */
	bool pin_readers;		/* reader i on CPU i % rb_nr_cpus() */
	unsigned int rounds;		/* revoke/re-create rounds, >= 1 */
	unsigned int duration_ms;	/* 0: no limit but rounds */
	unsigned int gap_us;		/* between rounds: a random pause */
	unsigned int seed;
};

/* Top-level test points rbt_run(cfg) will report. */
int rbt_plan(const struct rbt_cfg *cfg);
/* Run the selected cases for the selected entries; results via env. */
void rbt_run(const struct rbt_cfg *cfg);

/* ------------------------------------------------------------------ */
/* Inside the suite (contract.c, stress.c) only. */

#define RBT_MSG		200	/* one check's or diagnostic's text */
#define RBT_LINE	(RBT_MSG + 32)	/* one buffered line: "not ok K - " + it */
#define RBT_MAX_LINES	48	/* lines one case may buffer */

/* One case of one entry being run: its checks and buffered lines. */
struct rbt {
	const struct rbt_cfg *cfg;
	const struct revocable_ops *ops;
	int nchecks, nfailed;
	int nlines, ndropped;
	char first[RBT_MSG];		/* the first failed check */
	char msg[RBT_MSG];		/* scratch for rbt_check()/rbt_diag() */
	char (*lines)[RBT_LINE];	/* RBT_MAX_LINES of them */
};

bool rbt_check_msg(struct rbt *t, bool ok);
void rbt_diag_msg(struct rbt *t);

/*
 * rbt_check(t, cond, fmt, ...): one check of the case, a subtest point
 * "ok K - what" / "not ok K - what" (no '#' in what: KTAP forbids it).
 * Returns cond.  rbt_diag(t, fmt, ...): a "# ..." line in the block.
 */
#define rbt_check(t, cond, fmt, ...)					\
	(snprintf((t)->msg, sizeof((t)->msg), fmt, ##__VA_ARGS__),	\
	 rbt_check_msg((t), !!(cond)))
#define rbt_diag(t, fmt, ...)						\
	do {								\
		snprintf((t)->msg, sizeof((t)->msg), fmt, ##__VA_ARGS__); \
		rbt_diag_msg(t);					\
	} while (0)

static inline bool rbt_should_stop(const struct rbt *t)
{
	return t->cfg->env->should_stop && t->cfg->env->should_stop();
}

/* The stress case (stress.c). */
void rbt_stress(struct rbt *t);

static inline unsigned int rbt_xorshift(unsigned int *s)
{
	unsigned int x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

#endif /* REVBENCH_SUITE_H */
