// SPDX-License-Identifier: GPL-2.0
/*
 * revbench - userspace benchmark of revocation primitives.
 *
 *   revbench list                 primitives, workloads, knobs
 *   revbench run [options]        the benchmark matrix (Google Benchmark JSON)
 *   revbench report|compare|export   read results files (results.h)
 *   revbench validate             reader cost next to direct library loops
 */
#include <stdio.h>
#include <string.h>

#include "results.h"
#include "revbench.h"
#include "torture.h"

static void usage(FILE *f)
{
	fprintf(f,
"usage: revbench list\n"
"       revbench run [options]      (revbench run --help)\n"
"       revbench report|compare|export|summary ...  (results files or\n"
"                                   run folders)\n"
"       revbench torture [options]  (revbench torture --help)\n"
"       revbench validate [options] (revbench validate --help)\n");
}

int rb_main_argc;
char **rb_main_argv;

int main(int argc, char **argv)
{
	rb_main_argc = argc;
	rb_main_argv = argv;
	if (argc < 2) {
		usage(stderr);
		return RB_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "list"))
		return rb_cmd_list(argc - 1, argv + 1);
	if (!strcmp(argv[1], "run"))
		return rb_cmd_run(argc - 1, argv + 1);
	if (!strcmp(argv[1], "report"))
		return cmd_report(argc - 1, argv + 1);
	if (!strcmp(argv[1], "compare"))
		return cmd_compare(argc - 1, argv + 1);
	if (!strcmp(argv[1], "summary"))
		return cmd_summary(argc - 1, argv + 1);
	if (!strcmp(argv[1], "export"))
		return cmd_export(argc - 1, argv + 1);
	if (!strcmp(argv[1], "torture"))
		return cmd_torture(argc - 1, argv + 1);
	if (!strcmp(argv[1], "validate"))
		return cmd_validate(argc - 1, argv + 1);
	fprintf(stderr, "revbench: unknown subcommand '%s'\n", argv[1]);
	usage(stderr);
	return RB_EXIT_USAGE;
}
