/* SPDX-License-Identifier: GPL-2.0 */
/*
 * torture.h - "revbench torture" (runner/torture.c).
 */
#ifndef REVBENCH_TORTURE_H
#define REVBENCH_TORTURE_H

/* argv[0] is "torture".  0 pass, 1 failures, 2 bad input, 130 SIGINT. */
int cmd_torture(int argc, char **argv);

#endif /* REVBENCH_TORTURE_H */
