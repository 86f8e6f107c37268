// SPDX-License-Identifier: GPL-2.0
/*
 * contract - the revocation contract (primitives/revocable.h), checked for
 * every ops table in rev_ops_all[] by the suite shared with the kernel
 * module (tests/suite/contract.c says what each case checks; the module
 * runs the same cases, and the stress case, as KTAP).  This file is the
 * userspace front end: options, TAP on stdout.
 */
#include "common.h"

#define HOLD_MS		50	/* how long a reader holds its access */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: contract [--primitive NAME]... [--list]\n"
		"  Checks the revocation contract for every primitive and variant\n"
		"  (or only the named ones).  Deliberately broken variants (test\n"
		"  builds) are expected to fail at least one check; the run passes\n"
		"  for them when they do.\n");
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "primitive", required_argument, NULL, 'p' },
		{ "list", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct tests_sel sel = { .nonly = 0 };
	struct rbt_cfg cfg = {
		.cases = RBT_CASES_CONTRACT,
		.hold_ms = HOLD_MS,
	};
	int c, rc;

	while ((c = getopt_long(argc, argv, "p:lh", lopts, NULL)) != -1) {
		rc = tests_opt(c, &sel, "contract", usage);
		if (rc != TESTS_OPT_NEXT)
			return rc;
	}
	return tests_main("contract", argc, argv, usage, &cfg, &sel);
}
