/* SPDX-License-Identifier: GPL-2.0 */
/*
 * load.h - the results model: one loader for revbench results files
 * (Google Benchmark 1.7.1 JSON, results/FORMAT.md, parsed with jansson)
 * and their samples sidecars, which yields typed cells.  Every reader
 * (report, compare, history, export) takes its cells from here; nothing
 * else parses a results file or a cell name.
 *
 * Order, colours and roles come from tables, never from names: the
 * primitive table and the workload table of the files loaded
 * (context.revbench_primitives, context.revbench_workloads), merged in
 * load order, and for files without them the tables of the binary that
 * reads (rr_set_builtin(), called by main()), said so on stderr.
 *
 * Error convention: the loader prints one message naming the file and
 * returns -1; the command exits 2.
 */
#ifndef REVBENCH_LOAD_H
#define REVBENCH_LOAD_H

#include <stddef.h>

#include "knobs.h"
#include "util.h"

/* results/FORMAT.md: the reclaim series of a cell in the samples index */
#define RR_RECLAIM_SUFFIX	"/reclaim"
#define RR_MAX_TAGS		4

struct rr_kv {
	char *key, *val;
};

/*
 * A cell's parameters, typed: one field per knob row of workloads/knobs.h
 * (the name component of a knob is its runner option up to the first '-':
 * "delay-ns" -> "delay:"), -1 when the name does not carry it; tokens that
 * name no knob ("mode:batched", "via:driver-core") are tags, in order.
 */
struct rr_params {
#define X(f, u, env, kind, lo, hi, def, help)	long f;
	RB_KNOBS(X)
#undef X
	int ntag;
	struct rr_kv tag[RR_MAX_TAGS];
};
/* A tag's value, or NULL. */
const char *rr_tag(const struct rr_params *p, const char *key);
/* 1 when the cell has parameters beyond threads and cs. */
int rr_has_extras(const struct rr_params *p);

enum rr_run_type { RR_ITERATION, RR_AGGREGATE };

struct rr_counter {
	char *name;
	double val;
};

/* One entry of "benchmarks". */
struct rr_bench {
	char *key;		/* the cell: the name without Google Benchmark's
				 * suffixes (rr_cell_key()) */
	enum rr_run_type run_type;
	char *aggregate_name;	/* "mean", "median", ...; "" for iterations */
	double real_ns;		/* real_time in ns (the _cv row: a fraction) */
	int error_occurred;
	char *error_message;
	struct rr_counter *counters;	/* every other numeric key */
	int ncounters;
};

/* One line of the samples sidecar. */
struct rr_sample {
	const char *key;	/* the cell (shared string) */
	long rep;
	double ns;
};

struct rr_file {
	char *path;
	char *samples_path;	/* NULL: no sidecar (or not loaded) */
	struct rr_kv *ctx;	/* string, number and boolean context keys */
	int nctx;
	struct rr_bench *b;
	int nb;
	struct rr_sample *s;
	size_t ns;
	char **skeys;		/* the samples' key strings (owned) */
	int nskeys;
	int format;		/* revbench_format: 2, or 1 for older files */
	double stamp;		/* the run's date, seconds since 1970 (NAN) */
};

/* The workload table (merged), and what a workload's cells let it do. */
enum rr_role {
	RR_READER = 1 << 0,	/* loop, reader cost: ns_per_access */
	RR_FAILPATH = 1 << 1,	/* loop, failing try_access: error_ns */
	RR_CREATE = 1 << 2,	/* loop, neither: create/revoke/destroy */
	RR_CYCLE = 1 << 3,	/* kind cycle: a revoker and readers */
	RR_MANY = 1 << 4,	/* the n knob: revocables per unbind */
	RR_SWEEP_CS = 1 << 5,	/* the cs knob */
};
struct rr_wl {
	char *name, *unit, *knobs;	/* knobs: "cs,delay-ns,..." */
	int rank;		/* place in the merged table */
	int cycle;		/* kind "cycle" (else "loop") */
	unsigned int roles;	/* enum rr_role, from kind, knobs, counters */
};

/* The primitive table (merged). */
struct rr_prim {
	char *name, *family, *caps, *color;	/* color may be NULL */
	int rank;
	int floor;		/* caps has "floor": what ratios are taken to */
};
/* 1 when the primitive's caps list cap ("guard"), 0 if not or unknown. */
int rr_prim_has_cap(const char *name, const char *cap);
const struct rr_prim *rr_prim_nth(int rank);		/* NULL: none */
int rr_prim_rank(const char *name);		/* unknown: after all */
const char *rr_floor(void);			/* the floor's name, or NULL */

/* The reading binary's tables, for files without their own. */
struct rr_prim_desc {
	const char *name, *family, *caps, *color, *desc;
	const char *impl;	/* optional (ops->impl) */
};
struct rr_wl_desc {
	const char *name, *unit, *kind, *knobs, *measures;
};
void rr_set_builtin(const struct rr_prim_desc *p, int np,
		    const struct rr_wl_desc *w, int nw);

/*
 * A cell: every entry of one benchmark configuration.  v[] holds real_ns
 * of each successful repetition, in file order, rep[] the entries.
 */
struct rr_cell {
	const char *key, *workload, *primitive;	/* owned by the cell */
	const char *params;	/* "threads:T/cs:K..." (part of key) */
	struct rr_params p;
	const struct rr_wl *wl;
	double *v;
	const struct rr_bench **rep;
	int n;
	int nerr;			/* repetitions with error_occurred */
	const char *err_msg;		/* first error message, if any */
	const struct rr_bench *agg_median;
};

enum rr_load_flags {
	RR_NO_SAMPLES = 1,	/* do not read the sidecar (history) */
};

/*
 * A results file, or a run folder (its results.json, or its only *.json);
 * its cells in first-appearance order.  0, or -1 after a message.
 */
int rr_load(const char *path, struct rr_file *f, int flags);
void rr_free(struct rr_file *f);
/*
 * The runs under path: itself when it is a run folder or a file, else
 * its run folders and *.json files, one level down ("latest" skipped),
 * appended to *out.  0, or -1 after a message.
 */
int rr_find(const char *path, char ***out, int *n);
int rr_cells(const struct rr_file *f, struct rr_cell **cells);
void rr_cells_free(struct rr_cell *cells, int n);
const struct rr_cell *rr_cell_find(const struct rr_cell *cells, int n,
				   const char *key);

const char *rr_ctx(const struct rr_file *f, const char *key);
double rr_ctx_num(const struct rr_file *f, const char *key);	/* NAN */
const char *rr_env(const struct rr_file *f);	/* "unknown" if absent */
/* The guest kernel of a VM run, else the kernel; NULL: neither. */
const char *rr_kernel(const struct rr_file *f);
int rr_is_tcg(const struct rr_file *f);

/* Google Benchmark's own keys of an entry; the rest are counters. */
int rr_is_gb_field(const char *key);
/* "<cell>[/iterations:N][/manual_time]..." -> "<cell>" (new string) */
char *rr_cell_key(const char *run_name);
/* Bare NaN/Infinity/-Infinity outside strings -> null: a new buffer, or
 * NULL when there were none; *count says how many. */
char *rr_json_sanitize(const char *in, size_t len, size_t *outlen,
		       int *count);

/* A counter of one entry: 1 and *out, or 0. */
int rr_counter(const struct rr_bench *b, const char *name, double *out);
/*
 * The per-repetition values of a metric in a cell ("real_time" or a
 * counter; out[] has room for c->n); how many repetitions carry it.
 */
int rr_cell_metric(const struct rr_cell *c, const char *metric,
		   double *out);
/* The median of a metric over the cell: 1 and *out, or 0. */
int rr_cell_median(const struct rr_cell *c, const char *metric,
		   double *out);

enum rr_order {
	RR_BY_PARAMS,	/* workload, parameters, primitive (tables) */
	RR_BY_PRIM,	/* workload, primitive, parameters (figures) */
};
void rr_sort(const struct rr_cell **cells, int n, enum rr_order o);
/* The cells sorted, as pointers (free() them). */
const struct rr_cell **rr_sorted(struct rr_cell *c, int n, enum rr_order o);

/*
 * Tail latencies of a cell pooled over all its raw samples (every
 * repetition), with a 95 % two-stage bootstrap interval when boot.  A
 * quantile q is shown only with >= 10 samples beyond it (stats.h):
 * p50 from 20 samples, p90 from 100, p99 from 1000.
 */
enum { RR_P50, RR_P90, RR_P99, RR_NPCTL };
struct rr_pctl {
	size_t n;
	double est[RR_NPCTL], lo[RR_NPCTL], hi[RR_NPCTL];
	int shown[RR_NPCTL];
};
/* 1 when the file has samples of key, 0 when not. */
int rr_pctl(const struct rr_file *f, const char *key, int boot,
	    struct rr_pctl *p);
/* The quantile's time, or "n<1000" when it is not shown. */
void rr_pctl_fmt(char *buf, size_t len, const struct rr_pctl *p, int which);

#endif /* REVBENCH_LOAD_H */
