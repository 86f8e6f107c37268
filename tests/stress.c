// SPDX-License-Identifier: GPL-2.0
/*
 * stress - readers hammer try_access/iova_to_phys/release on a page table
 * while a revoker revokes and re-creates it, for every primitive (or the
 * named ones).  The stress case is shared with the kernel module
 * (tests/suite/stress.c says what counts as a failure); this file is the
 * userspace front end: options, TAP on stdout.
 *
 * A REV_CAP_BROKEN variant passes when failures are counted, and the time
 * to the first failure is reported.  No timing thresholds anywhere.
 */
#include "common.h"

#define MAX_ROUNDS	4000
#define MAX_READERS	32
#define GAP_US		100	/* between rounds: spin or sleep up to it */

static int opt_readers = 3;
static long opt_duration_ms = 400;
static unsigned int opt_seed = 1;

static void usage(FILE *f)
{
	fprintf(f,
		"usage: stress [--primitive NAME]... [--readers N] [--duration-ms MS]\n"
		"              [--seed N] [--list]\n"
		"  Readers hammer try_access/use/release while a revoker revokes\n"
		"  and re-creates.  Real primitives must show zero failures;\n"
		"  deliberately broken ones (test builds) must show some.\n"
		"  Defaults: --readers %d --duration-ms %ld --seed %u\n",
		opt_readers, opt_duration_ms, opt_seed);
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "primitive", required_argument, NULL, 'p' },
		{ "readers", required_argument, NULL, 'r' },
		{ "duration-ms", required_argument, NULL, 'd' },
		{ "seed", required_argument, NULL, 's' },
		{ "list", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct tests_sel sel = { .nonly = 0 };
	struct rbt_cfg cfg = { .cases = RBT_CASES_STRESS };
	int c, rc;

	while ((c = getopt_long(argc, argv, "p:r:d:s:lh", lopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			opt_readers = (int)parse_pos("--readers", optarg,
						     MAX_READERS);
			break;
		case 'd':
			opt_duration_ms = parse_pos("--duration-ms", optarg,
						    3600 * 1000);
			break;
		case 's':
			opt_seed = (unsigned int)parse_pos("--seed", optarg,
							   0x7fffffff);
			break;
		default:
			rc = tests_opt(c, &sel, "stress", usage);
			if (rc != TESTS_OPT_NEXT)
				return rc;
		}
	}
	cfg.hold_ms = 1;
	cfg.readers = (unsigned int)opt_readers;
	cfg.pin_readers = false;
	cfg.rounds = MAX_ROUNDS - 1;
	cfg.duration_ms = (unsigned int)opt_duration_ms;
	cfg.gap_us = GAP_US;
	cfg.seed = opt_seed;
	return tests_main("stress", argc, argv, usage, &cfg, &sel);
}
