/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal TAP producer for the userspace tests.  Each test binary prints
 * "ok N - what" / "not ok N - what" / "ok N - what # SKIP why", then the
 * plan "1..N", and exits 0 when nothing failed, 1 otherwise.  Bad
 * arguments print usage and exit 2.  scripts/run-tests.sh adds them up.
 */
#ifndef REVBENCH_TAP_H
#define REVBENCH_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed, tap_skipped;

/*
 * For a test binary that takes no argument: -1 when it has none (go on);
 * else usage on stdout and 0 for a lone --help, on stderr and 2 otherwise.
 */
__attribute__((unused))
static int tap_usage(int argc, char **argv, const char *usage)
{
	int help = argc == 2 && !strcmp(argv[1], "--help");

	if (argc < 2)
		return -1;
	fputs(usage, help ? stdout : stderr);
	return help ? 0 : 2;
}

__attribute__((format(printf, 2, 3), unused))
static int tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!cond)
		tap_failed++;
	return cond;
}

__attribute__((format(printf, 2, 3), unused))
static void tap_skip(const char *why, const char *fmt, ...)
{
	va_list ap;

	printf("ok %d - ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" # SKIP %s\n", why);
	fflush(stdout);
	tap_skipped++;
}

__attribute__((format(printf, 1, 2), unused))
static void tap_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

__attribute__((unused))
static int tap_done(void)
{
	printf("1..%d\n", tap_n);
	printf("# %d passed, %d failed, %d skipped\n",
	       tap_n - tap_failed - tap_skipped, tap_failed, tap_skipped);
	fflush(stdout);
	return tap_failed ? 1 : 0;
}

#endif /* REVBENCH_TAP_H */
