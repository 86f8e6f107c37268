// SPDX-License-Identifier: GPL-2.0
/*
 * progress.c - the progress display and the signal set-up of progress.h.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "compat.h"
#include "progress.h"
#include "util.h"

volatile sig_atomic_t rb_interrupted;

static void on_signal(int sig)
{
	(void)sig;
	rb_interrupted = 1;
}

void rb_catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static struct {
	bool on, tty;
	const char *unit;
	double total, done;
	int next_tenth;
	u64 t0, last_draw;
	bool drawn;			/* a status line is on screen */
	char status[160];
} pg;
static pthread_mutex_t pg_lock = PTHREAD_MUTEX_INITIALIZER;

static double elapsed(void)
{
	return (double)(rb_now_ns() - pg.t0) * 1e-9;
}

/* "~1:05 left", or "" before anything is done */
static void left(char *buf, size_t len)
{
	char d[24];

	ut_fmt_duration(d, sizeof(d), pg.done > 0 ?
			elapsed() * (pg.total - pg.done) / pg.done : 0);
	snprintf(buf, len, pg.done <= 0 ? "" : pg.done >= pg.total ?
		 "0:00 left" : "~%s left", d);
}

static void clear_status(void)
{
	if (pg.drawn)
		fputs("\r\033[K", stdout);
	pg.drawn = false;
}

static void draw(bool force)
{
	char line[512], l[48], bar[21];
	struct winsize ws;
	int w = 79, pct, i;
	u64 now = rb_now_ns();

	if (!force && now - pg.last_draw < 200000000ULL)
		return;
	if (!ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_col >= 40)
		w = ws.ws_col - 1;
	pg.last_draw = now;
	pct = (int)(100 * pg.done / pg.total);
	for (i = 0; i < 20; i++)
		bar[i] = i < pct / 5 ? '#' : '.';
	bar[20] = 0;
	left(l, sizeof(l));
	snprintf(line, sizeof(line), "[%s] %3d%%  %.0f/%.0f %.4s  %s%s%s", bar,
		 pct, pg.done, pg.total, pg.unit, l, pg.status[0] ? "  " : "",
		 pg.status);
	if ((int)strlen(line) > w)
		line[w] = 0;
	printf("\r%s\033[K", line);
	fflush(stdout);
	pg.drawn = true;
}

void rb_progress_begin(const char *unit, double total, bool enabled)
{
	const char *term = getenv("TERM");

	pthread_mutex_lock(&pg_lock);
	memset(&pg, 0, sizeof(pg));
	pg.on = enabled && total > 0;
	pg.tty = isatty(STDOUT_FILENO) && !(term && !strcmp(term, "dumb"));
	pg.unit = unit;
	pg.total = total;
	pg.next_tenth = 1;
	pg.t0 = rb_now_ns();
	if (pg.on && pg.tty)
		draw(true);
	pthread_mutex_unlock(&pg_lock);
}

void rb_progress_set(double done, const char *status)
{
	char l[48], e[32];

	pthread_mutex_lock(&pg_lock);
	if (!pg.on)
		goto out;
	pg.done = done < pg.total ? done : pg.total;
	if (status)
		snprintf(pg.status, sizeof(pg.status), "%s", status);
	if (pg.tty) {
		draw(status != NULL);
		goto out;
	}
	if (pg.done * 10 < pg.next_tenth * pg.total || pg.done >= pg.total)
		goto out;
	while (pg.done * 10 >= pg.next_tenth * pg.total)
		pg.next_tenth++;
	ut_fmt_duration(e, sizeof(e), elapsed());
	left(l, sizeof(l));
	printf("progress: %d%% of the %s (%.0f/%.0f), %s elapsed, %s\n",
	       (int)(100 * pg.done / pg.total), pg.unit, pg.done, pg.total, e, l);
	fflush(stdout);
out:
	pthread_mutex_unlock(&pg_lock);
}

void rb_progress_printf(FILE *fp, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&pg_lock);
	if (pg.on && pg.tty)
		clear_status();
	va_start(ap, fmt);
	vfprintf(fp, fmt, ap);
	va_end(ap);
	fflush(fp);
	if (pg.on && pg.tty)
		draw(true);
	pthread_mutex_unlock(&pg_lock);
}

double rb_progress_end(void)
{
	double t;

	pthread_mutex_lock(&pg_lock);
	if (pg.on && pg.tty) {
		clear_status();
		fflush(stdout);
	}
	pg.on = false;
	t = elapsed();
	pthread_mutex_unlock(&pg_lock);
	return t;
}
