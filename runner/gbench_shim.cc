// SPDX-License-Identifier: GPL-2.0
/*
 * gbench_shim.cc - extern "C" wrappers over Google Benchmark 1.7.1.  See
 * gbench_shim.h.  Kept deliberately small: registration, the batch loop,
 * manual time, counters, custom context, initialise and run (with or
 * without our reporter).
 */
#include "gbench_shim.h"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

static benchmark::State &S(rb_gb_state *st)
{
	return *reinterpret_cast<benchmark::State *>(st);
}

extern "C" int rb_gb_register(const char *name, rb_gb_fn fn, void *ctx,
			      int64_t iterations)
{
	try {
		auto *b = benchmark::RegisterBenchmark(
			name, [fn, ctx](benchmark::State &st) {
				fn(reinterpret_cast<rb_gb_state *>(&st), ctx);
			});
		b->UseManualTime()->Unit(benchmark::kNanosecond);
		if (iterations > 0)
			b->Iterations(iterations);
		return 0;
	} catch (const std::exception &e) {
		std::fprintf(stderr, "revbench: cannot register %s: %s\n",
			     name, e.what());
		return -1;
	}
}

extern "C" int64_t rb_gb_max_iterations(rb_gb_state *st)
{
	return S(st).max_iterations;
}

extern "C" int rb_gb_keep_running_batch(rb_gb_state *st, int64_t n)
{
	return S(st).KeepRunningBatch(n);
}

extern "C" void rb_gb_set_iteration_time(rb_gb_state *st, double seconds)
{
	S(st).SetIterationTime(seconds);
}

extern "C" void rb_gb_counter(rb_gb_state *st, const char *name,
			      double value)
{
	try {
		S(st).counters[name] = benchmark::Counter(value);
	} catch (const std::exception &e) {
		std::fprintf(stderr, "revbench: counter %s: %s\n", name,
			     e.what());
	}
}

extern "C" void rb_gb_skip_with_error(rb_gb_state *st, const char *msg)
{
	S(st).SkipWithError(msg);
}

extern "C" void rb_gb_add_context(const char *key, const char *value)
{
	try {
		benchmark::AddCustomContext(key, value ? value : "");
	} catch (const std::exception &e) {
		std::fprintf(stderr, "revbench: context %s: %s\n", key,
			     e.what());
	}
}

extern "C" int rb_gb_initialize(int *argc, char **argv)
{
	try {
		benchmark::Initialize(argc, argv);
		return benchmark::ReportUnrecognizedArguments(*argc, argv) ?
			-1 : 0;
	} catch (const std::exception &e) {
		std::fprintf(stderr, "revbench: benchmark init: %s\n",
			     e.what());
		return -1;
	}
}

namespace {

/* A display reporter that hands each benchmark's repetitions to C. */
class CReporter : public benchmark::BenchmarkReporter {
public:
	CReporter(rb_gb_report_fn fn, void *ctx) : fn_(fn), ctx_(ctx) {}

	bool ReportContext(const Context &) override { return true; }

	void ReportRuns(const std::vector<Run> &runs) override
	{
		std::vector<rb_gb_rep> reps;
		std::string name;

		for (const Run &r : runs) {
			if (r.run_type != Run::RT_Iteration)
				continue;
			if (name.empty())
				name = r.run_name.function_name;
			reps.push_back(rb_gb_rep{
				r.repetition_index,
				r.iterations ? r.GetAdjustedRealTime() : 0,
				r.error_occurred ? 1 : 0,
				r.error_message.c_str() });
		}
		if (!reps.empty())
			fn_(ctx_, name.c_str(), (int)reps.size(), reps.data());
	}

private:
	rb_gb_report_fn fn_;
	void *ctx_;
};

} // namespace

extern "C" size_t rb_gb_run(rb_gb_report_fn fn, void *ctx)
{
	try {
		CReporter rep(fn, ctx);

		/* no reporter: Google Benchmark's console */
		return benchmark::RunSpecifiedBenchmarks(fn ? &rep : nullptr);
	} catch (const std::exception &e) {
		std::fprintf(stderr, "revbench: benchmark run: %s\n",
			     e.what());
		return 0;
	}
}

extern "C" void rb_gb_shutdown(void)
{
	benchmark::Shutdown();
}
