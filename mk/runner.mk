# Userspace runner: build/revbench, C11 over a small C++ shim to Google
# Benchmark 1.7.1 (runner/gbench_shim.cc), linked with the release library.
#
#   make                 builds $(BUILD)/revbench (ALL_TARGETS)
#   make bench-run       the quick matrix into the run folder
#                        results/HOST-STAMP/ (part of "make bench");
#                        BENCH_ARGS=... adds flags
#   make check-runner    bad-input exit codes, smoke runs whose files are
#                        validated with a strict JSON parser, SIGINT
#                        (part of "make check")
#
# The build facts a results file records (git commit, compiler, flags) are
# passed to runner/bench.c with -D; a stamp file makes bench.o rebuild when
# one of them changes (e.g. a new commit).

# analysis/ (the read-and-report side: report, compare, history, export
# and the results model they share) links no primitive: it is compiled
# with its own headers and workloads/knobs.h only.
RUNNER_C    := $(wildcard runner/*.c)
RUNNER_CXX  := $(wildcard runner/*.cc)
ANALYSIS_C  := $(wildcard analysis/*.c)
RUNNER_OBJS := $(patsubst runner/%.c,$(BUILD)/runner/%.o,$(RUNNER_C)) \
	       $(patsubst runner/%.cc,$(BUILD)/runner/%.o,$(RUNNER_CXX)) \
	       $(patsubst analysis/%.c,$(BUILD)/analysis/%.o,$(ANALYSIS_C))
RUNNER_HDRS := $(wildcard runner/*.h analysis/*.h primitives/*.h primitives/user/*.h workloads/*.h)
RUNNER_CFLAGS   := $(CFLAGS_BASE) -Iprimitives/user -Irunner -Ianalysis
ANALYSIS_CFLAGS := $(CSTD) $(WARN) -O2 -g -pthread -Iworkloads -Ianalysis
RUNNER_CXXFLAGS := -std=c++17 $(WARN) -O2 -g -pthread -Irunner
RUNNER_LDLIBS   := -lbenchmark -lhwloc -lurcu-memb -lurcu-common -ljansson -lz -pthread -lm

RUNNER_GIT   := $(shell git describe --always --dirty --abbrev=12 2>/dev/null || echo unknown)
RUNNER_CCVER := $(shell $(CC) --version 2>/dev/null | head -n1)
RUNNER_INFO  := REVBENCH_GIT="$(RUNNER_GIT)" CC="$(RUNNER_CCVER)" CFLAGS="$(RUNNER_CFLAGS)"
RUNNER_DEFS  := -DREVBENCH_GIT='"$(RUNNER_GIT)"' -DREVBENCH_CC='"$(RUNNER_CCVER)"' \
		-DREVBENCH_CFLAGS='"$(RUNNER_CFLAGS)"'

ALL_TARGETS   += $(BUILD)/revbench
CHECK_TARGETS += check-runner
BENCH_TARGETS += bench-run
.PHONY: runner bench-run check-runner FORCE
runner: $(BUILD)/revbench

$(BUILD)/runner/buildinfo.stamp: FORCE
	@mkdir -p $(dir $@)
	@echo '$(RUNNER_INFO)' > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

$(BUILD)/runner/bench.o: $(BUILD)/runner/buildinfo.stamp
$(BUILD)/runner/bench.o: RUNNER_EXTRA := $(RUNNER_DEFS)

$(BUILD)/runner/%.o: runner/%.c $(RUNNER_HDRS) mk/runner.mk
	@mkdir -p $(dir $@)
	$(CC) $(RUNNER_CFLAGS) $(RUNNER_EXTRA) -c $< -o $@

$(BUILD)/analysis/%.o: analysis/%.c $(wildcard analysis/*.h) workloads/knobs.h mk/runner.mk
	@mkdir -p $(dir $@)
	$(CC) $(ANALYSIS_CFLAGS) -c $< -o $@

$(BUILD)/runner/%.o: runner/%.cc runner/gbench_shim.h mk/runner.mk
	@mkdir -p $(dir $@)
	$(CXX) $(RUNNER_CXXFLAGS) -c $< -o $@

$(BUILD)/revbench: $(RUNNER_OBJS) $(BUILD)/release/librevbench.a
	$(CXX) $(RUNNER_CXXFLAGS) $^ -o $@ $(RUNNER_LDLIBS)

# The run folder results/HOST-STAMP/ (results.json, samples, report.txt,
# figures) and results/latest; progress, the summary and the paths on
# stdout.
bench-run: deps-user $(BUILD)/revbench
	@$(BUILD)/revbench run --quick $(BENCH_ARGS)

check-runner: deps-user $(BUILD)/revbench
	@BUILD=$(BUILD) tests/runner_cli.sh $(BUILD)/revbench
