/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gbench_shim.h - the small C interface the runner uses to drive Google
 * Benchmark 1.7.1 (C++).  Implemented in gbench_shim.cc; nothing else in
 * the runner is C++.
 *
 * Every benchmark is registered with UseManualTime() and time unit ns; the
 * C callback runs one batch of max_iterations with
 * rb_gb_keep_running_batch() and reports the measured time with
 * rb_gb_set_iteration_time().  Threads() is never used: in 1.7.1 its real
 * time is divided by the thread count and every thread must run the same
 * iteration count.  C++ exceptions never cross into C.
 */
#ifndef REVBENCH_GBENCH_SHIM_H
#define REVBENCH_GBENCH_SHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rb_gb_state rb_gb_state;	/* a benchmark::State */
typedef void (*rb_gb_fn)(rb_gb_state *st, void *ctx);

/*
 * Register fn(st, ctx) under name.  iterations > 0 fixes the iteration
 * count (Google Benchmark then appends "/iterations:N" to the name);
 * 0 lets --benchmark_min_time decide.  0 or -1 on failure.
 */
int rb_gb_register(const char *name, rb_gb_fn fn, void *ctx,
		   int64_t iterations);

int64_t rb_gb_max_iterations(rb_gb_state *st);
/* The benchmark loop: true once for a batch of n, then false. */
int rb_gb_keep_running_batch(rb_gb_state *st, int64_t n);
void rb_gb_set_iteration_time(rb_gb_state *st, double seconds);
/* A user counter (plain value, averaged over nothing: one GB thread). */
void rb_gb_counter(rb_gb_state *st, const char *name, double value);
void rb_gb_skip_with_error(rb_gb_state *st, const char *msg);

void rb_gb_add_context(const char *key, const char *value);

/*
 * benchmark::Initialize(): consumes the --benchmark_* flags it knows from
 * argv.  Returns 0, or -1 if flags it does not know are left (it prints
 * them).
 */
int rb_gb_initialize(int *argc, char **argv);

/* One repetition of a benchmark, as Google Benchmark reports it. */
struct rb_gb_rep {
	int64_t repetition_index;
	double real_ns;			/* real_time per iteration, ns */
	int error;			/* error_occurred */
	const char *error_message;
};
/*
 * Called once per benchmark when its last repetition has run, with its
 * repetitions (not the aggregates); name is the name it was registered
 * under.  The pointers are valid during the call only.
 */
typedef void (*rb_gb_report_fn)(void *ctx, const char *name, int n,
				const struct rb_gb_rep *reps);
/*
 * benchmark::RunSpecifiedBenchmarks(), with fn as the display reporter
 * instead of the console unless fn is NULL (the --benchmark_out file is
 * written as usual); the number of benchmarks run.
 */
size_t rb_gb_run(rb_gb_report_fn fn, void *ctx);
void rb_gb_shutdown(void);

#ifdef __cplusplus
}
#endif

#endif /* REVBENCH_GBENCH_SHIM_H */
