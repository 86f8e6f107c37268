// SPDX-License-Identifier: GPL-2.0
/*
 * util.c - the shared mechanisms of util.h.
 */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

static void *oom(void *p)
{
	if (!p) {
		fprintf(stderr, "revbench: out of memory\n");
		exit(UT_EXIT_USAGE);
	}
	return p;
}

void *xmalloc(size_t n)
{
	return oom(malloc(n ? n : 1));
}

void *xcalloc(size_t n, size_t size)
{
	return oom(calloc(n ? n : 1, size ? size : 1));
}

void *xrealloc(void *p, size_t n)
{
	return oom(realloc(p, n ? n : 1));
}

char *xstrdup(const char *s)
{
	return oom(strdup(s ? s : ""));
}

char *xvasprintf(const char *fmt, va_list ap)
{
	char *s;

	return oom(vasprintf(&s, fmt, ap) < 0 ? NULL : s);
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

/* ---- numbers ---------------------------------------------------------------- */

int ut_uint(const char *s, unsigned long long lo, unsigned long long hi,
	    unsigned long long *v)
{
	unsigned long long x;
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ' || *s == '\t')
		return -1;
	errno = 0;
	x = strtoull(s, &end, !strncmp(s, "0x", 2) ? 16 : 10);
	if (errno || end == s || *end || x < lo || x > hi)
		return -1;
	*v = x;
	return 0;
}

int ut_real(const char *s, double lo, double hi, double *v)
{
	char *end;
	double x;

	if (!s || !*s || *s == ' ' || *s == '\t')
		return -1;
	errno = 0;
	x = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(x) || x < lo || x > hi)
		return -1;
	*v = x;
	return 0;
}

int ut_verr(const char *head, const char *what, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s %s: ", head, what);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	return -1;
}

int ut_bad(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ut_verr("revbench", cmd, fmt, ap);
	va_end(ap);
	return -1;
}

int ut_list(const char *cmd, const char *opt, const char *s,
	    int (*fn)(const char *item, void *ctx), void *ctx)
{
	char *buf, *p, *comma;
	int ret = 0;

	if (!s || !*s)
		return ut_bad(cmd, "%s: an empty list", opt);
	buf = xstrdup(s);
	for (p = buf; p && !ret; p = comma ? comma + 1 : NULL) {
		comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		if (!*p)
			ret = ut_bad(cmd, "%s: '%s' has an empty item", opt, s);
		else
			ret = fn(p, ctx);
	}
	free(buf);
	return ret;
}

/* ---- options ------------------------------------------------------------------ */

static int opt_value(const char *cmd, const struct ut_opt *o, const char *v)
{
	unsigned long long u;
	double r;

	switch (o->kind) {
	case UT_FLAG:
		*(bool *)o->dst = true;
		return 0;
	case UT_STR:
		if (!*v)
			return ut_bad(cmd, "%s: an empty value", o->name);
		*(const char **)o->dst = v;
		return 0;
	case UT_UINT:
	case UT_INT:
		/* hi beyond 2^64 (a double): no upper bound */
		if (ut_uint(v, (unsigned long long)o->lo, o->hi >= 0x1p64 ?
			    ULLONG_MAX : (unsigned long long)o->hi, &u))
			break;
		if (o->kind == UT_INT)
			*(int *)o->dst = (int)u;
		else
			*(unsigned long long *)o->dst = u;
		return 0;
	case UT_REAL:
		if (ut_real(v, o->lo, o->hi, &r))
			break;
		*(double *)o->dst = r;
		return 0;
	case UT_FN:
		return o->fn(v, o->dst);
	}
	if (o->what)
		return ut_bad(cmd, "%s: '%s' is not %s", o->name, v, o->what);
	return ut_bad(cmd, "%s: '%s' is not a number in %g..%g", o->name, v,
		      o->lo, o->hi);
}

int ut_getopt(const char *cmd, int argc, char **argv,
	      const struct ut_opt *opts, int nopts, const char **pos,
	      int *npos, int maxpos,
	      int (*other)(const char *arg, void *ctx), void *ctx)
{
	int i, k;

	*npos = 0;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *eq = NULL, *v = NULL;
		const struct ut_opt *o = NULL;
		size_t l;

		if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			return 1;
		if (a[0] != '-' || !a[1] || !strcmp(a, "--")) {
			if (*npos == maxpos)
				return ut_bad(cmd, "too many arguments ('%s')", a);
			pos[(*npos)++] = a;
			continue;
		}
		for (k = 0; k < nopts && !o; k++) {
			if (a[1] != '-') {
				if (opts[k].sh && a[1] == opts[k].sh && !a[2])
					o = &opts[k];
				continue;
			}
			l = strlen(opts[k].name);
			if (!strncmp(a, opts[k].name, l) &&
			    (!a[l] || a[l] == '=')) {
				o = &opts[k];
				eq = a[l] ? a + l + 1 : NULL;
			}
		}
		if (!o) {
			int r = other ? other(a, ctx) : 1;

			if (r < 0)
				return -1;
			if (r > 0)
				return ut_bad(cmd, "unknown option '%s' (revbench %s --help)",
					      a, cmd);
			continue;
		}
		if (o->kind == UT_FLAG) {
			if (eq)
				return ut_bad(cmd, "%s takes no value", o->name);
		} else if (eq) {
			v = eq;
		} else if (i + 1 < argc) {
			v = argv[++i];
		} else {
			return ut_bad(cmd, "%s needs a value", o->name);
		}
		if (opt_value(cmd, o, v))
			return -1;
	}
	return 0;
}

/* ---- files ----------------------------------------------------------------------- */

int ut_afile_open(struct ut_afile *a, const char *path)
{
	const char *base = ut_basename(path);
	int fd;

	a->fp = NULL;
	a->path = xstrdup(path);
	/* in the same directory, so that rename() is atomic */
	a->tmp = xasprintf("%.*s.%s.XXXXXX", (int)(base - path), path, base);
	fd = mkstemp(a->tmp);
	if (fd < 0) {
		fprintf(stderr, "revbench: %s: cannot create: %s\n", path,
			strerror(errno));
		free(a->tmp);
		free(a->path);
		a->tmp = a->path = NULL;
		return -1;
	}
	fchmod(fd, 0644);	/* results are for sharing, not secrets */
	a->fp = fdopen(fd, "w");
	if (!a->fp) {
		close(fd);
		ut_afile_abort(a);
		return -1;
	}
	return 0;
}

void ut_afile_abort(struct ut_afile *a)
{
	if (a->fp)
		fclose(a->fp);
	if (a->tmp)
		unlink(a->tmp);
	free(a->tmp);
	free(a->path);
	a->fp = NULL;
	a->tmp = a->path = NULL;
}

int ut_afile_commit(struct ut_afile *a)
{
	int bad = ferror(a->fp) || fflush(a->fp) || fsync(fileno(a->fp));

	if (fclose(a->fp))
		bad = 1;
	a->fp = NULL;
	if (bad || rename(a->tmp, a->path)) {
		fprintf(stderr, "revbench: %s: cannot write: %s\n", a->path,
			strerror(errno));
		ut_afile_abort(a);
		return -1;
	}
	free(a->tmp);
	free(a->path);
	a->tmp = a->path = NULL;
	return 0;
}

char *ut_read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (!fp) {
		fprintf(stderr, "revbench: %s: cannot open: %s\n", path,
			strerror(errno));
		return NULL;
	}
	do {
		if (cap - n < 65536) {
			cap = cap ? cap * 2 : 131072;
			buf = xrealloc(buf, cap + 1);
		}
		got = fread(buf + n, 1, cap - n, fp);
		n += got;
	} while (got);
	if (ferror(fp)) {
		fprintf(stderr, "revbench: %s: read error: %s\n", path,
			strerror(errno));
		fclose(fp);
		free(buf);
		return NULL;
	}
	fclose(fp);
	buf[n] = '\0';
	*len = n;
	return buf;
}

int ut_mkdir_p(const char *dir)
{
	char *buf = xstrdup(dir), *s;
	struct stat st;
	int ret = 0;

	for (s = buf + 1; *s && !ret; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			ret = -1;
		*s = '/';
	}
	if (!ret && mkdir(buf, 0755) && errno != EEXIST)
		ret = -1;
	if (!ret && (stat(buf, &st) || !S_ISDIR(st.st_mode))) {
		errno = ENOTDIR;
		ret = -1;
	}
	free(buf);
	return ret;
}

/* ---- formats ------------------------------------------------------------------------ */

void ut_fmt_ns(char *buf, size_t len, double ns)
{
	if (!isfinite(ns))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, fabs(ns) < 10 ? "%.2f" : fabs(ns) < 1000 ?
			 "%.1f" : "%.0f", ns);
}

void ut_fmt_time(char *buf, size_t len, double ns)
{
	static const char *const u[] = { "ns", "us", "ms", "s" };
	int i = 0;

	if (!isfinite(ns)) {
		snprintf(buf, len, "-");
		return;
	}
	while (i < 3 && fabs(ns) >= 1000) {
		ns /= 1000;
		i++;
	}
	snprintf(buf, len, fabs(ns) < 10 ? "%.2f %s" : fabs(ns) < 100 ?
		 "%.1f %s" : "%.0f %s", ns, u[i]);
}

void ut_fmt_duration(char *buf, size_t len, double secs)
{
	long s = secs < 0 || !isfinite(secs) ? 0 : (long)(secs + 0.5);

	if (s >= 3600)
		snprintf(buf, len, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60,
			 s % 60);
	else
		snprintf(buf, len, "%ld:%02ld", s / 60, s % 60);
}

static int rm_one(const char *p, const struct stat *st, int fl,
		  struct FTW *f)
{
	(void)st, (void)fl, (void)f;
	return remove(p) && errno != ENOENT ? -1 : 0;
}

int ut_rm_tree(const char *dir)
{
	return nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

bool ut_ends(const char *s, const char *suffix)
{
	size_t l = strlen(s), k = strlen(suffix);

	return l >= k && !strcmp(s + l - k, suffix);
}

const char *ut_basename(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}
