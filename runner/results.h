/* SPDX-License-Identifier: GPL-2.0 */
/*
 * results.h - reading revbench results files (Google Benchmark 1.7.1 JSON,
 * format in results/FORMAT.md) and the statistics the report, compare and
 * export subcommands share.  JSON is parsed with jansson; nothing here
 * parses JSON by hand.
 *
 * Error convention: loaders print one clear message to stderr, naming the
 * file, and return -1; the subcommands turn that into exit status 2.
 */
#ifndef REVBENCH_RESULTS_H
#define REVBENCH_RESULTS_H

#include <stddef.h>
#include <stdio.h>

/* Subcommands; argv[0] is the subcommand name.  Exit status as returned. */
int cmd_export(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_compare(int argc, char **argv);

/*
 * Write the figure data of the plot/ scripts for n results files into dir
 * (export.c).  Returns 0, or 2 after printing why (bad input, dir not
 * writable).
 */
int rr_export_gnuplot(char **paths, int n, const char *dir);

enum rr_run_type { RR_ITERATION, RR_AGGREGATE };

struct rr_kv {
	char *key;
	char *val;
};

struct rr_counter {
	char *name;
	double val;
};

/* One entry of "benchmarks". */
struct rr_bench {
	char *name;		/* "name" exactly as in the file */
	/*
	 * "run_name" (or name) without the suffixes Google Benchmark appends
	 * (/manual_time, /real_time, /iterations:N, /repeats:N, /min_time:X):
	 * "<workload>/<primitive>/threads:T/cs:K[/extra:v...]".
	 */
	char *key;
	char *workload;		/* first component of key */
	char *primitive;	/* second component, "" if absent */
	char *params;		/* the rest, "" if absent */
	long threads;		/* from "threads:T", -1 if absent */
	long cs;		/* from "cs:K", -1 if absent */
	enum rr_run_type run_type;
	char *aggregate_name;	/* "mean", "median", ...; "" for iterations */
	int aggregate_pct;	/* aggregate_unit "percentage" (the _cv row) */
	long repetition_index;	/* -1 when absent (aggregates) */
	long repetitions;
	long iterations;
	double real_time;	/* as in the file, in time_unit */
	double real_ns;		/* real_time converted to ns */
	double cpu_ns;
	int error_occurred;
	char *error_message;
	struct rr_counter *counters;	/* every other numeric key */
	int ncounters;
};

/* One line of the samples sidecar (<results>.samples.csv[.gz]). */
struct rr_sample {
	char *key;		/* the cell, GB suffixes stripped (shared) */
	long rep;
	double ns;
};

struct rr_file {
	char *path;
	char *samples_path;	/* NULL when there is no sidecar */
	struct rr_kv *ctx;	/* string and number context keys */
	int nctx;
	struct rr_bench *b;
	int nb;
	struct rr_sample *s;
	size_t ns;
	char **skeys;		/* the samples' key strings (owned) */
	int nskeys;
	int format;		/* revbench_format: 2, or 1 for older files */
};

/*
 * A cell: every entry of one benchmark configuration (one key).  v[] holds
 * real_ns of each successful repetition, in file order; agg_* point at the
 * aggregate rows when present.
 */
struct rr_cell {
	const char *key, *workload, *primitive, *params;
	long threads, cs;
	double *v;
	const struct rr_bench **rep;
	int n;
	int nerr;			/* repetitions with error_occurred */
	const char *err_msg;		/* first error message, if any */
	const struct rr_bench *first;	/* first entry of the cell */
	const struct rr_bench *agg_mean, *agg_median, *agg_stddev;
};

/* A results file, or a run folder (its results.json, or its only *.json). */
int rr_load(const char *path, struct rr_file *f);
void rr_free(struct rr_file *f);
const char *rr_ctx(const struct rr_file *f, const char *key);
/* "userspace", "kernel", "kernel-tcg" or "unknown". */
const char *rr_env(const struct rr_file *f);
int rr_is_tcg(const struct rr_file *f);

/* 1 for Google Benchmark's own keys of an entry (name, real_time, ...):
 * every other numeric key is a user counter. */
int rr_is_gb_field(const char *key);

/* 1 and *out when the counter exists, 0 otherwise. */
int rr_counter(const struct rr_bench *b, const char *name, double *out);

/* Cells in first-appearance order; returns the count, -1 on ENOMEM. */
int rr_cells(const struct rr_file *f, struct rr_cell **cells);
void rr_cells_free(struct rr_cell *cells, int n);
const struct rr_cell *rr_cell_find(const struct rr_cell *cells, int n,
				   const char *key);
/*
 * Per-repetition values of a counter in a cell (out[] has room for c->n);
 * returns how many repetitions carry it.  Falls back to the aggregate
 * median row when the file has no per-repetition rows.
 */
int rr_cell_counter(const struct rr_cell *c, const char *name, double *out);
/* Median of a counter over the cell, 0 when absent. */
int rr_cell_counter_median(const struct rr_cell *c, const char *name,
			   double *out);
/* The number after "<name>:" in a params string, -1 if absent. */
long rr_param(const char *params, const char *name);
/* 1 when params has keys other than threads: and cs: */
int rr_param_has_extras(const char *params);

/* Statistics over n doubles (inputs are not modified). */
double rr_median(const double *v, int n);
double rr_mean(const double *v, int n);
double rr_stddev(const double *v, int n);	/* sample, n - 1 */
double rr_min(const double *v, int n);
double rr_max(const double *v, int n);
/* Two-sided Student t quantile for 95 %, df degrees of freedom. */
double rr_t975(int df);
/* Half-width of the 95 % confidence interval of the mean. */
double rr_ci95(const double *v, int n);
/* Quantile q in [0,1] of a sorted array, linear interpolation. */
double rr_quantile_sorted(const double *sorted, int n, double q);

/*
 * Primitives: order, colours and the floor, from the primitive table of
 * the files loaded (context.revbench_primitives), merged in load order;
 * for older files without one, from this binary's rev_ops_all[] by name,
 * then by family (rr_load() says so on stderr).
 */
enum rr_prim_source { RR_PRIM_FILE, RR_PRIM_BINARY, RR_PRIM_FAMILY };
struct rr_prim {
	char *name, *family, *caps, *color, *desc;	/* color may be NULL */
	int rank;		/* place in the merged table */
	int floor;		/* REV_CAP_FLOOR: what ratios are taken to */
	enum rr_prim_source source;
};
const struct rr_prim *rr_prim_get(const char *prim);	/* NULL: unknown */
const struct rr_prim *rr_prim_nth(int rank);		/* NULL: none */
/* Place in the merged table (the order of tables and figures); -1. */
int rr_prim_rank(const char *prim);
int rr_prim_is_floor(const char *prim);
const char *rr_prim_color(const char *prim);	/* "#rrggbb" or NULL */
/* Sort cell pointers by primitive rank, then threads, cs, params. */
void rr_sort_cells(const struct rr_cell **cells, int n);

/*
 * Atomic output: rr_out_open() creates a temp file in the directory of
 * path; rr_out_commit() flushes, closes and renames it over path (or
 * removes it on error).  Both print the reason and return NULL / -1.
 */
FILE *rr_out_open(const char *path, char **tmp);
int rr_out_commit(FILE *fp, char *tmp, const char *path);
void rr_out_abort(FILE *fp, char *tmp);

/* The whole file (NUL-terminated), or NULL after a message. */
char *rr_read_text(const char *path, size_t *len);
/*
 * Bare NaN/Infinity/-Infinity tokens outside strings -> null: a new
 * buffer, or NULL when there were none.  *count says how many.
 */
char *rr_json_sanitize(const char *in, size_t len, size_t *outlen,
		       int *count);

/* "revbench summary PATH" (summary.c): the short on-screen tables. */
int cmd_summary(int argc, char **argv);
/* The same for one results file or folder; 0, or 2 on bad input. */
int rr_summary(const char *path);

/* Formatting helpers. */
void rr_fmt_ns(char *buf, size_t len, double ns);	/* "12.3", "4567" */
void rr_fmt_time(char *buf, size_t len, double ns);	/* "1.2 us" */

#endif /* REVBENCH_RESULTS_H */
