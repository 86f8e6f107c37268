/* SPDX-License-Identifier: GPL-2.0 */
/*
 * progress.h - the one progress display of "revbench run", "torture" and
 * "validate", and the one SIGINT/SIGTERM set-up they share.
 *
 * On a terminal (stdout a tty, TERM not "dumb"): one status line redrawn
 * in place, at most every 200 ms, never wider than the terminal:
 *   [##########..........]  52%  1270/2430 reps  ~1:02 left  <status>
 * Otherwise (CI, a pipe): a line at every tenth of the work,
 *   progress: 50% of the repetitions (1215/2430), 1:01 elapsed, ~1:01 left
 * and nothing per item (a command's --verbose says more).  Lines printed
 * through rb_progress_printf() never break the bar; it is thread-safe.
 */
#ifndef REVBENCH_PROGRESS_H
#define REVBENCH_PROGRESS_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

/* Set by the handler rb_catch_signals() installs. */
extern volatile sig_atomic_t rb_interrupted;
/* SIGINT and SIGTERM set rb_interrupted (no SA_RESTART: waits return). */
void rb_catch_signals(void);

/* unit: what is counted ("repetitions"); total > 0. */
void rb_progress_begin(const char *unit, double total, bool enabled);
/* done so far (absolute); status: the last thing finished, or NULL. */
void rb_progress_set(double done, const char *status);
void rb_progress_printf(FILE *fp, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Clears the bar; the seconds since rb_progress_begin(). */
double rb_progress_end(void);

#endif /* REVBENCH_PROGRESS_H */
