// SPDX-License-Identifier: GPL-2.0
/*
 * progress.c - what "revbench run" shows while Google Benchmark runs (see
 * revbench.h).  Repetitions are interleaved across cells, so most cells
 * finish near the end: the bar and the time left count repetitions, the
 * cell lines say which cells are complete.
 *
 * Terminal (stdout a tty, TERM not "dumb"): one line, redrawn in place at
 * most every 200 ms (and when a cell finishes), never wider than the
 * terminal:
 *   [######......]  52%  1270/2430 reps  1:02 left  unbind/rcu/... 3.9 us ±4%
 * Otherwise (CI, a pipe): a line per cell as it finishes,
 *   [ 57/243] unbind/rcu/threads:2/cs:1  3.92 us ±4.1%  1:10, ~0:05 left
 * and a line at every tenth of the repetitions.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "results.h"
#include "revbench.h"

static struct {
	bool on, tty;
	int ncells, cells_done, total, done, next_tenth;
	u64 t0, last_draw;
	int drawn;			/* a status line is on screen */
	char last[160];			/* the last cell, for the status line */
} pg;

void rb_fmt_duration(char *buf, size_t len, double secs)
{
	long s = secs < 0 || !isfinite(secs) ? 0 : (long)(secs + 0.5);

	if (s >= 3600)
		snprintf(buf, len, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60,
			 s % 60);
	else
		snprintf(buf, len, "%ld:%02ld", s / 60, s % 60);
}

static double elapsed(void)
{
	return (double)(rb_now_ns() - pg.t0) * 1e-9;
}

/* "1:05 left", or "" before anything is done */
static void left(char *buf, size_t len)
{
	char d[24];

	if (!pg.done || pg.done >= pg.total) {
		snprintf(buf, len, "%s", pg.done ? "0:00 left" : "");
		return;
	}
	rb_fmt_duration(d, sizeof(d),
			elapsed() * (pg.total - pg.done) / pg.done);
	snprintf(buf, len, "~%s left", d);
}

static int term_width(void)
{
	struct winsize ws;

	if (!ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_col >= 40)
		return ws.ws_col;
	return 80;
}

static void clear_status(void)
{
	if (pg.drawn) {
		fputs("\r\033[K", stdout);
		fflush(stdout);
		pg.drawn = 0;
	}
}

static void draw(bool force)
{
	char line[512], l[48], bar[21];
	int w = term_width() - 1, pct, i, fill;
	u64 now = rb_now_ns();

	if (!force && now - pg.last_draw < 200000000ULL)
		return;
	pg.last_draw = now;
	pct = pg.total ? (int)(100LL * pg.done / pg.total) : 0;
	fill = pct / 5;
	for (i = 0; i < 20; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[20] = 0;
	left(l, sizeof(l));
	snprintf(line, sizeof(line), "[%s] %3d%%  %d/%d reps  %s%s%s", bar,
		 pct, pg.done, pg.total, l, pg.last[0] ? "  " : "", pg.last);
	if ((int)strlen(line) > w)
		line[w] = 0;
	printf("\r%s\033[K", line);
	fflush(stdout);
	pg.drawn = 1;
}

void rb_progress_begin(int ncells, int total_reps, bool enabled)
{
	const char *term = getenv("TERM");

	memset(&pg, 0, sizeof(pg));
	pg.on = enabled;
	pg.tty = isatty(STDOUT_FILENO) && !(term && !strcmp(term, "dumb"));
	pg.ncells = ncells;
	pg.total = total_reps;
	pg.next_tenth = 1;
	pg.t0 = rb_now_ns();
	if (pg.on && pg.tty)
		draw(true);
}

void rb_progress_rep(void)
{
	char l[48], e[32];

	if (!pg.on)
		return;
	pg.done++;
	if (pg.tty) {
		draw(false);
		return;
	}
	if (pg.total && pg.done * 10 >= pg.next_tenth * pg.total &&
	    pg.done < pg.total) {
		while (pg.done * 10 >= pg.next_tenth * pg.total)
			pg.next_tenth++;
		rb_fmt_duration(e, sizeof(e), elapsed());
		left(l, sizeof(l));
		printf("progress: %d%% of the repetitions (%d/%d), %s elapsed, %s\n",
		       (int)(100LL * pg.done / pg.total), pg.done, pg.total, e,
		       l);
		fflush(stdout);
	}
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void rb_progress_cell(const char *name, const double *v, int n,
		      const char *err)
{
	char val[64], t[32], l[48], e[32];
	double *s, med, mean = 0, ss = 0;
	int i;

	if (!pg.on)
		return;
	pg.cells_done++;
	if (err || n < 1) {
		snprintf(val, sizeof(val), "FAILED");
	} else {
		s = malloc((size_t)n * sizeof(*s));
		if (!s)
			return;
		memcpy(s, v, (size_t)n * sizeof(*s));
		qsort(s, (size_t)n, sizeof(*s), cmp_d);
		med = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
		for (i = 0; i < n; i++)
			mean += s[i] / n;
		for (i = 0; i < n; i++)
			ss += (s[i] - mean) * (s[i] - mean);
		free(s);
		rr_fmt_time(t, sizeof(t), med);
		if (n > 1 && mean > 0)
			snprintf(val, sizeof(val), "%s ±%.1f%%", t,
				 100 * sqrt(ss / (n - 1)) / mean);
		else
			snprintf(val, sizeof(val), "%s", t);
	}
	if (pg.tty) {
		snprintf(pg.last, sizeof(pg.last), "%s %s", name, val);
		draw(true);
		return;
	}
	rb_fmt_duration(e, sizeof(e), elapsed());
	left(l, sizeof(l));
	printf("[%*d/%d] %s  %s  %s%s%s\n", pg.ncells >= 100 ? 3 : 2,
	       pg.cells_done, pg.ncells, name, val, e, l[0] ? ", " : "", l);
	fflush(stdout);
}

void rb_progress_note(const char *fmt, ...)
{
	va_list ap;

	if (pg.on && pg.tty)
		clear_status();
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fflush(stderr);
	if (pg.on && pg.tty)
		draw(true);
}

void rb_progress_end(void)
{
	char e[32];

	if (!pg.on)
		return;
	if (pg.tty)
		clear_status();
	rb_fmt_duration(e, sizeof(e), elapsed());
	printf("ran %d cells, %d repetitions in %s\n", pg.cells_done, pg.done,
	       e);
	fflush(stdout);
	pg.on = false;
}
