// SPDX-License-Identifier: GPL-2.0
/*
 * revbench - userspace benchmark of revocation primitives.
 *
 *   revbench list                 primitives, workloads, knobs
 *   revbench run [options]        the benchmark matrix (Google Benchmark JSON)
 *   revbench torture [options]    rcutorture-style stress
 *   revbench validate [options]   reader cost next to direct library loops
 *   revbench report|compare|history|export   read results files
 *                                 (analysis/analysis.h)
 */
#include <stdio.h>
#include <string.h>

#include "analysis.h"
#include "revbench.h"
#include "torture.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} cmds[] = {
	{ "list", rb_cmd_list }, { "run", rb_cmd_run },
	{ "report", cmd_report }, { "compare", cmd_compare },
	{ "history", cmd_history }, { "summary", cmd_summary },
	{ "export", cmd_export }, { "torture", cmd_torture },
	{ "validate", cmd_validate },
};

static void usage(FILE *f)
{
	fprintf(f,
"usage: revbench list\n"
"       revbench run [options]      (revbench run --help)\n"
"       revbench report|compare|history|export|summary ...  (results\n"
"                                   files or run folders; CMD --help)\n"
"       revbench torture [options]  (revbench torture --help)\n"
"       revbench validate [options] (revbench validate --help)\n");
}

int rb_main_argc;
char **rb_main_argv;

int main(int argc, char **argv)
{
	size_t i;

	rb_main_argc = argc;
	rb_main_argv = argv;
	rb_builtin_tables();
	if (argc < 2) {
		usage(stderr);
		return UT_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "revbench: unknown subcommand '%s'\n", argv[1]);
	usage(stderr);
	return UT_EXIT_USAGE;
}
