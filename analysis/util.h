/* SPDX-License-Identifier: GPL-2.0 */
/*
 * util.h - the small mechanisms every revbench command shares, written
 * once: the strict parser for numbers, lists and options (the command
 * line and the results files), the atomic file writer, memory that never
 * returns NULL, and the time formats.  Plain C11; no primitive, no JSON.
 *
 * Error convention: a parser prints one line to stderr, "revbench CMD:
 * ...", naming the option and the value, and returns -1; the command
 * exits 2 (bad input).
 */
#ifndef REVBENCH_UTIL_H
#define REVBENCH_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define UT_EXIT_USAGE	2	/* bad input */
#define UT_EXIT_INTR	130	/* SIGINT / SIGTERM */

/* ---- memory: out of memory is fatal (exit 2, a message) ---------------- */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);		/* NULL gives "" */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap);

/* ---- numbers -------------------------------------------------------------- */
/*
 * A whole number: decimal, or hexadecimal after 0x; no sign, no blank,
 * nothing after it, in [lo, hi].  0 or -1 (no message).
 */
int ut_uint(const char *s, unsigned long long lo, unsigned long long hi,
	    unsigned long long *v);
/* A finite real in [lo, hi], nothing after it.  0 or -1 (no message). */
int ut_real(const char *s, double lo, double hi, double *v);

/*
 * A comma-separated list: fn(item, ctx) for every item, in order.  An
 * empty list or an empty item ("a,,b", "a,") is refused with a message.
 * Returns 0, or -1 after a message (fn prints its own).
 */
int ut_list(const char *cmd, const char *opt, const char *s,
	    int (*fn)(const char *item, void *ctx), void *ctx);

/* ---- options ---------------------------------------------------------------- */
enum ut_kind {
	UT_FLAG,	/* bool *, no value */
	UT_STR,		/* const char **, any non-empty value */
	UT_UINT,	/* unsigned long long *, in [lo, hi] */
	UT_INT,		/* int *, in [lo, hi] */
	UT_REAL,	/* double *, in [lo, hi] */
	UT_FN,		/* fn(value, dst): lists, enumerations, repeats */
};

struct ut_opt {
	const char *name;	/* "--threshold" */
	char sh;		/* a short form ('p' for -p), or 0 */
	enum ut_kind kind;
	void *dst;
	double lo, hi;
	int (*fn)(const char *val, void *dst);	/* UT_FN: 0, or -1 + message */
	const char *what;	/* what a value must be, for the message */
};

/*
 * Parse argv[1..argc-1] against opts (--name VALUE, --name=VALUE, -s
 * VALUE).  Everything else that does not start with '-' (and "--", kept
 * as a separator) goes to pos[] in order; other(arg, ctx) may take an
 * option the table does not know (return 0; 1: not known; -1: error
 * printed).  "-h"/"--help" returns 1 without parsing further.  Returns 0,
 * 1 (help), or -1 after a message.
 */
int ut_getopt(const char *cmd, int argc, char **argv,
	      const struct ut_opt *opts, int nopts, const char **pos,
	      int *npos, int maxpos,
	      int (*other)(const char *arg, void *ctx), void *ctx);

/* "revbench CMD: " + message on stderr, -1 (for return bad(...)). */
int ut_bad(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "HEAD WHAT: " + message + newline on stderr, -1. */
int ut_verr(const char *head, const char *what, const char *fmt, va_list ap);

/* ---- atomic files ----------------------------------------------------------- */
/*
 * A file written to ".NAME.XXXXXX" in its directory and renamed over
 * path only when complete: a reader never sees half a file, and an error
 * (or ut_afile_abort()) leaves nothing.  Messages name path.
 */
struct ut_afile {
	FILE *fp;
	char *tmp;
	char *path;
};
int ut_afile_open(struct ut_afile *a, const char *path);	/* 0 / -1 */
int ut_afile_commit(struct ut_afile *a);			/* 0 / -1 */
void ut_afile_abort(struct ut_afile *a);

/* The whole file, NUL-terminated, or NULL after a message. */
char *ut_read_file(const char *path, size_t *len);
int ut_mkdir_p(const char *dir);				/* 0 / -1 */
int ut_rm_tree(const char *dir);	/* the folder and all in it; 0 / -1 */

/* ---- formats ---------------------------------------------------------------- */
void ut_fmt_ns(char *buf, size_t len, double ns);	/* "12.3", "4567" */
void ut_fmt_time(char *buf, size_t len, double ns);	/* "1.2 us" */
void ut_fmt_duration(char *buf, size_t len, double secs);	/* "1:05" */
/* The last component of a path (no copy). */
const char *ut_basename(const char *path);
bool ut_ends(const char *s, const char *suffix);

#endif /* REVBENCH_UTIL_H */
