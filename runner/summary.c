// SPDX-License-Identifier: GPL-2.0
/*
 * summary.c - "revbench summary FILE|FOLDER": the short tables "revbench
 * run" prints at its end, at most 80 columns.  One table per workload,
 * primitives as rows (in the order of the file's primitive table), one
 * column per parameter set (at most six: those with the most threads
 * first), each value the median over the repetitions of real_time with
 * its unit.  The full tables, spreads, ratios and percentiles are in
 * "revbench report" (the run folder's report.txt).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results.h"
#include "workload.h"

#define COLS		6
#define COLW		11
#define NAMEW		13

/* "threads:2/cs:256/stall:1000" -> "T2 cs256 st1000"; cs:1 left out */
static void short_label(const char *params, char *buf, size_t len)
{
	static const struct { const char *key, *abbr; } ab[] = {
		{ "threads", "T" }, { "cs", "cs" }, { "stall", "st" },
		{ "delay", "d" }, { "sleep", "sl" }, { "npages", "np" },
		{ "n", "n" }, { "mode", "" }, { "via", "" },
	};
	static const struct { const char *from, *to; } word[] = {
		{ "cs:1", NULL },		/* the default: left out */
		{ "mode:batched", "batch" }, { "mode:oneby", "1by1" },
	};
	const char *p = params;
	size_t off = 0, i;

	buf[0] = '\0';
	while (p && *p && off + 1 < len) {
		const char *e = strchr(p, '/'), *c = strchr(p, ':');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		const char *abbr = NULL;

		for (i = 0; i < sizeof(word) / sizeof(word[0]); i++)
			if (strlen(word[i].from) == l &&
			    !strncmp(p, word[i].from, l))
				break;
		if (i < sizeof(word) / sizeof(word[0])) {
			if (word[i].to)
				off += (size_t)snprintf(buf + off, len - off,
							"%s%s", off ? " " : "",
							word[i].to);
			p = e ? e + 1 : NULL;
			continue;
		}
		if (c && c < p + l)
			for (i = 0; i < sizeof(ab) / sizeof(ab[0]); i++)
				if (strlen(ab[i].key) == (size_t)(c - p) &&
				    !strncmp(p, ab[i].key, (size_t)(c - p)))
					abbr = ab[i].abbr;
		if (abbr)
			off += (size_t)snprintf(buf + off, len - off, "%s%s%.*s",
						off ? " " : "", abbr,
						(int)(p + l - c - 1), c + 1);
		else
			off += (size_t)snprintf(buf + off, len - off, "%s%.*s",
						off ? " " : "", (int)l, p);
		p = e ? e + 1 : NULL;
	}
}

/*
 * Split a label into two header lines of at most COLW - 1 characters:
 * the last word goes to the second line (so that columns read alike),
 * unless the first part would not fit.
 */
static void two_lines(const char *label, char *l1, char *l2, size_t len)
{
	const char *sp = strrchr(label, ' ');
	size_t cut = sp ? (size_t)(sp - label) : strlen(label);

	if (cut >= COLW) {
		cut = COLW - 1;
		while (cut > 0 && label[cut] != ' ')
			cut--;
		if (!cut)
			cut = COLW - 1;
	}
	snprintf(l1, len, "%.*s", (int)cut, label);
	snprintf(l2, len, "%.*s", COLW - 1, label[cut] == ' ' ? label + cut + 1 :
		 label + cut);
}

static int wl_rank(const char *w)
{
	const struct rb_workload *wl = rb_workload_find(w);

	return wl ? (int)(wl - rb_workloads) : RB_WL_NR;
}

static int cmp_wl(const void *a, const void *b)
{
	const struct rr_cell *x = *(const struct rr_cell *const *)a;
	const struct rr_cell *y = *(const struct rr_cell *const *)b;
	int c = wl_rank(x->workload) - wl_rank(y->workload);

	if (!c)
		c = strcmp(x->workload, y->workload);
	/* then the order of the file (qsort is not stable) */
	return c ? c : (x > y) - (x < y);
}

static int prank(const char *prim)
{
	int r = rr_prim_rank(prim);

	return r < 0 ? 100000 : r;
}

/* Index of the first cell with these parameters. */
static int first_of(const struct rr_cell **c, int n, const char *params)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(c[i]->params, params))
			return i;
	return n;
}

/* One workload's table. */
static void wl_table(const struct rr_cell **c, int n)
{
	const char *cols[64], *prims[64];
	long tmax = -1;
	int ncols = 0, nprims = 0, i, j, k, more = 0, nruns = 0, two = 0;
	char l1[32], l2[32], lab[64], val[32];

	for (i = 0; i < n; i++)
		if (c[i]->threads > tmax)
			tmax = c[i]->threads;
	/* columns: the parameter sets, those with the most threads first */
	for (k = 0; k < 2; k++)
		for (i = 0; i < n; i++) {
			if ((c[i]->threads == tmax) != !k)
				continue;
			for (j = 0; j < ncols; j++)
				if (!strcmp(cols[j], c[i]->params))
					break;
			if (j < ncols)
				continue;
			if (ncols < COLS)
				cols[ncols++] = c[i]->params;
			else
				more++;
		}
	/* the columns chosen, back in the order of the file */
	for (i = 1; i < ncols; i++)
		for (j = i; j > 0 && first_of(c, n, cols[j - 1]) >
				     first_of(c, n, cols[j]); j--) {
			const char *t = cols[j];

			cols[j] = cols[j - 1];
			cols[j - 1] = t;
		}
	for (i = 0; i < n; i++) {
		for (j = 0; j < nprims; j++)
			if (!strcmp(prims[j], c[i]->primitive))
				break;
		if (j == nprims && nprims < 64)
			prims[nprims++] = c[i]->primitive;
		if (c[i]->n > nruns)
			nruns = c[i]->n;
	}
	for (i = 1; i < nprims; i++)
		for (j = i; j > 0 && prank(prims[j - 1]) > prank(prims[j]); j--) {
			const char *t = prims[j];

			prims[j] = prims[j - 1];
			prims[j - 1] = t;
		}
	{
		const struct rb_workload *wl = rb_workload_find(c[0]->workload);

		printf("\n%s: time per %s, median of %d run%s%s\n",
		       c[0]->workload, wl ? wl->unit : "iteration", nruns,
		       nruns == 1 ? "" : "s",
		       more ? " (more columns in the report)" : "");
	}
	/* one header line when every label fits, else two */
	for (j = 0; j < ncols; j++) {
		short_label(cols[j], lab, sizeof(lab));
		if (strlen(lab) >= COLW)
			two = 1;
	}
	for (k = two ? 0 : 1; k < 2; k++) {
		char line[128];
		int off = snprintf(line, sizeof(line), "%-*s", NAMEW,
				   k ? "primitive" : "");

		for (j = 0; j < ncols; j++) {
			short_label(cols[j], lab, sizeof(lab));
			two_lines(lab, l1, l2, sizeof(l1));
			off += snprintf(line + off, sizeof(line) - (size_t)off,
					"%*s", COLW, !two ? lab : k ? l2 : l1);
		}
		while (off > 0 && line[off - 1] == ' ')
			line[--off] = '\0';
		printf("%s\n", line);
	}
	for (i = 0; i < nprims; i++) {
		printf("%-*.*s", NAMEW, NAMEW - 1, prims[i]);
		for (j = 0; j < ncols; j++) {
			const struct rr_cell *cell = NULL;

			for (k = 0; k < n; k++)
				if (!strcmp(c[k]->primitive, prims[i]) &&
				    !strcmp(c[k]->params, cols[j]))
					cell = c[k];
			if (!cell)
				snprintf(val, sizeof(val), "-");
			else if (!cell->n)
				snprintf(val, sizeof(val), "FAILED");
			else
				rr_fmt_time(val, sizeof(val),
					    rr_median(cell->v, cell->n));
			printf("%*s", COLW, val);
		}
		printf("\n");
	}
}

static const char *ctx_or(const struct rr_file *f, const char *k,
			  const char *dflt)
{
	const char *v = rr_ctx(f, k);

	return v && *v ? v : dflt;
}

int rr_summary(const char *path)
{
	struct rr_file f;
	struct rr_cell *c;
	const struct rr_cell **s;
	int n, i, j;

	if (rr_load(path, &f))
		return 2;
	n = rr_cells(&f, &c);
	s = calloc((size_t)n + 1, sizeof(*s));
	if (n < 0 || !s) {
		rr_free(&f);
		return 2;
	}
	for (i = 0; i < n; i++)
		s[i] = &c[i];
	qsort(s, (size_t)n, sizeof(*s), cmp_wl);
	printf("\nsummary of %s\n", f.path);
	printf("%s, %s, %s\n", rr_env(&f), ctx_or(&f, "cpu_model", "cpu ?"),
	       ctx_or(&f, "topology", "topology ?"));
	printf("calibration: round trip %s ns (%s)", ctx_or(&f,
	       "calib_pingpong_ns", "-"), ctx_or(&f, "calib_regime", "-"));
	if (rr_ctx(&f, "calib_clock_ns"))
		printf(", clock read %s ns (%s)", rr_ctx(&f, "calib_clock_ns"),
		       ctx_or(&f, "clocksource", "clocksource unknown"));
	printf("\n");
	if (rr_is_tcg(&f))
		printf("!!! qemu TCG (software emulation): timings are NOT representative\n");
	printf("T = threads (unbind*: 1 revoker + T-1 readers), csK = K lookups "
	       "per access (cs1\nnot shown), stN = a reader stalled N us; the "
	       "full tables: revbench report\n");
	for (i = 0; i < n; i = j) {
		for (j = i; j < n && !strcmp(s[j]->workload, s[i]->workload); j++)
			;
		wl_table(s + i, j - i);
	}
	free(s);
	rr_cells_free(c, n);
	rr_free(&f);
	return 0;
}

int cmd_summary(int argc, char **argv)
{
	if (argc != 2 || argv[1][0] == '-') {
		fprintf(argc == 2 && !strcmp(argv[1], "--help") ? stdout : stderr,
			"usage: revbench summary FILE.json|RUN-FOLDER\n"
			"  The short tables revbench run ends with: per workload, "
			"the median\n  real_time per primitive and parameter set "
			"(<= 80 columns).\n");
		return argc == 2 && !strcmp(argv[1], "--help") ? 0 : 2;
	}
	return rr_summary(argv[1]);
}
