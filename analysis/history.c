// SPDX-License-Identifier: GPL-2.0
/* history.c - placeholder, filled in by issue 19 */
#include "analysis.h"

int cmd_history(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	ut_bad("history", "not built yet");
	return 2;
}
