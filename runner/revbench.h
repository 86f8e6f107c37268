/* SPDX-License-Identifier: GPL-2.0 */
/*
 * revbench.h - the userspace runner's internal interfaces: options
 * (cli.c), topology, placement and the pinned thread pool (pool.c), the
 * calibration probe (calib.c) and the benchmark matrix (bench.c).
 */
#ifndef REVBENCH_RUNNER_H
#define REVBENCH_RUNNER_H

#include <hwloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>

#include "revocable.h"
#include "workload.h"
#include "knobs.h"
#include "metrics.h"
#include "progress.h"
#include "util.h"

#define RB_MAX_LIST		64
/*
 * Pool threads.  The thread contexts (compat.h: rb_ctx_reserve()) are
 * sized to the largest thread count of the run plus RB_CTX_SLACK for the
 * main and calibration threads; per-context arrays cost memory per
 * revocable, so they are not sized for more.
 */
#define RB_CTX_SLACK		8
#define RB_MAX_THREADS		(RB_CTX_LIMIT - RB_CTX_SLACK)

enum rb_placement {
	RB_PLACE_COMPACT,
	RB_PLACE_CORES,
	RB_PLACE_SMT,
	RB_PLACE_SCATTER,
	RB_PLACE_NONE,
};

extern const char *const rb_placement_names[];

/*
 * The knob table's runner rows (workloads/knobs.h): a LIST knob is an
 * array and its count (n_NAME, 0: not given, the defaults apply), a ONE
 * knob a value and n_NAME 0 or 1.
 */
#define RB_UFIELD_LIST(f)	unsigned int f[RB_MAX_LIST]; int n_##f;
#define RB_UFIELD_ONE(f)	unsigned int f; int n_##f;
#define RB_UFIELD_BOTH(f, kind)	RB_UFIELD_##kind(f)
#define RB_UFIELD_USER(f, kind)	RB_UFIELD_##kind(f)
#define RB_UFIELD_KERNEL(f, kind)

struct rb_opts {
#define X(f, u, env, kind, lo, hi, def, help)	RB_UFIELD_##env(f, kind)
	RB_KNOBS(X)
#undef X
	const struct revocable_ops *prims[RB_MAX_LIST];
	int nprims;
	const struct rb_workload *wls[RB_WL_NR];
	int nwls;
	int modes[2];			/* 0 oneby, 1 batched */
	int nmodes;
	enum rb_placement placement;
	double min_time;		/* 0: default */
	double timeout;			/* watchdog per repetition, s; 0: default */
	bool quick;
	bool oversubscribe;
	bool no_baselines;
	bool generic_loop;		/* p.generic: no inline read sections */
	bool verbose;			/* Google Benchmark's console output */
	bool list_only;			/* --benchmark_list_tests: no files */
	bool no_figures;		/* run folder without the figures */
	bool no_interleave;		/* repetitions of a cell back to back */
	/* NULL: the run folder results/HOST-STAMP/; a path ending in .json:
	 * that file and its samples sidecar; anything else: that folder */
	const char *out;
	int gb_argc;			/* pass-through --benchmark_* flags */
	char **gb_argv;
};

/* cli.c: parse "run" arguments (argv[0] is "run"), the default primitives
 * and workloads filled in.  0, or -1 after printing the reason (exit 2).
 * 1 when --help was printed. */
int rb_parse_run(int argc, char **argv, struct rb_opts *o);
/* A placement's name: its enum, or -1 after a message (cmd: "run"...). */
int rb_parse_placement(const char *cmd, const char *s);

/* pool.c: topology and placement. */
struct rb_topo {
	hwloc_topology_t t;
	int npu, ncore, npkg;
	char summary[128];		/* "1 package, 2 cores, 2 PUs" */
	char cpu_model[128];
};
int rb_topo_init(struct rb_topo *tp);
void rb_topo_fini(struct rb_topo *tp);
/* PUs in the order the policy hands them out; returns how many (may be
 * 0: e.g. "smt" without SMT).  RB_PLACE_NONE: all PUs, for counting. */
int rb_topo_order(struct rb_topo *tp, enum rb_placement pl,
		  hwloc_obj_t *out, int max);

/* pool.c: the pinned thread pool the benchmark thread drives. */
typedef void (*rb_pool_fn)(struct rb_wl_run *run, int idx);
struct rb_pool {
	int n;
	pthread_t *tid;
	hwloc_obj_t *pu;		/* NULL entries: not pinned */
	int *cpu;			/* OS index the thread ran on */
	struct rb_topo *topo;
	pthread_mutex_t mu;
	pthread_cond_t cv_work, cv_done;
	unsigned long gen;
	int nactive, remaining, ready, quit, err;
	rb_pool_fn fn;
	struct rb_wl_run *arg;
};
int rb_pool_start(struct rb_pool *p, struct rb_topo *tp,
		  enum rb_placement pl, int n, bool oversubscribe);
/*
 * Run fn(arg, idx) on threads 0..nactive-1 (rb_wl_thread, or a probe) and
 * wait.  On SIGINT or after timeout seconds, abort(arg) is called once
 * and the wait goes on; if the threads still do not return, the process
 * cleans up and exits.
 * Returns 0, 1 (timed out, aborted) or 2 (interrupted, aborted).
 */
int rb_pool_run(struct rb_pool *p, int nactive, rb_pool_fn fn,
		void (*abort_fn)(struct rb_wl_run *), struct rb_wl_run *arg,
		double timeout);
void rb_pool_stop(struct rb_pool *p);

/* Called before the process exits on a fatal error (temp files). */
extern void (*rb_fatal_cleanup)(void);

/* calib.c */
struct rb_calib {
	double pingpong_ns;		/* < 0: not measurable (1 PU) */
	double loop_ns;
	const char *regime;		/* "fast", "slow", "unknown" */
	double bare_ns;			/* translate lookup, no harness */
	double clock_ns;		/* one rb_now_ns() read, back to back */
	int cpu_a, cpu_b;
};
int rb_calibrate(struct rb_topo *tp, enum rb_placement pl,
		 struct rb_calib *c, u64 seed);
/* ns per iteration of the empty loop (calib_loop_ns's), n iterations */
double rb_loop_ns(u64 n);
const char *rb_membarrier_state(void);

/*
 * output.c: where a run's files go.  Everything is written into a
 * temporary folder next to the destination and only renamed into place
 * once complete (rb_out_commit()); rb_out_abort() removes it, so an
 * interrupted run leaves nothing behind.
 */
struct rb_out {
	char *dest;		/* the run folder, or the .json file */
	char *tmp;		/* the temporary folder */
	bool folder;		/* a run folder (else one .json + sidecar) */
	bool latest;		/* update results/latest on commit */
	char *json, *samples;	/* paths inside tmp */
};
/* out: rb_opts.out.  0, or 2 after printing why. */
int rb_out_begin(struct rb_out *o, const char *out);
int rb_out_commit(struct rb_out *o);
void rb_out_abort(struct rb_out *o);
void rb_out_free(struct rb_out *o);

/* A cell as the results writer sees it. */
struct rb_out_cell {
	const char *name;
	int ran;			/* Google Benchmark called it */
	int ncell;			/* counters constant over the cell */
	struct rb_metric cell[RB_MET_MAX];
	const char *loop;		/* read-section loop, or NULL */
};
struct rb_out_sample {
	int cell;			/* index into the cells */
	int rep;			/* repetition, warm-up excluded */
	int reclaim;			/* the reclaim series (metrics.h) */
	u64 ns;
};
/*
 * Google Benchmark's JSON (gb_json, bare NaN tokens and all) -> the
 * results file at path: strict JSON, the warm-up repetition (index 0)
 * dropped, revbench_primitives, revbench_workloads and revbench_cells
 * added to the context.
 */
int rb_out_results(const char *gb_json, const char *path,
		   const struct rb_out_cell *cells, int ncells);
/* The samples sidecar, gzip'd CSV with a cell index. */
int rb_out_samples(const char *path, const struct rb_out_cell *cells,
		   int ncells, const struct rb_out_sample *s, size_t n);
/* The files of the committed run, with sizes, on stdout. */
void rb_out_list(const struct rb_out *o);
/*
 * This binary's primitive and workload tables, as the results context
 * writes them and as the readers take them for files without their own
 * (main() hands them to rr_set_builtin()).
 */
void rb_builtin_tables(void);
/* A workload's knobs as names ("cs,delay-ns"), for list and the table. */
void rb_knob_names(unsigned int knobs, char *buf, size_t len);

/* bench.c; main.c keeps the full command line for the context. */
extern int rb_main_argc;
extern char **rb_main_argv;
int rb_cmd_run(int argc, char **argv);
/* validate.c: "revbench validate" */
int cmd_validate(int argc, char **argv);
int rb_cmd_list(int argc, char **argv);

#endif /* REVBENCH_RUNNER_H */
