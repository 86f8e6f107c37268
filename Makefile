# revbench - top-level Makefile.
#
#   make            userspace build into build/ (library, runner)
#   make check      every test: userspace (plain, ASan+UBSan, TSan) and the
#                   kernel module in qemu
#   make bench      the quick userspace benchmark run, results and plots
#   make deps       install the Debian packages (prints the command if not root)

CC	?= gcc
CXX	?= g++
BUILD	?= build

WARN	:= -Wall -Wextra -Werror
CSTD	:= -std=c11 -D_GNU_SOURCE
INCS	:= -Iprimitives -Iworkloads
# -falign-loops=32: no loop of a few bytes straddles a 64-byte fetch line,
# a cycle per access by link placement alone (BENCHMARKS.md, validate).
CFLAGS_BASE := $(CSTD) $(WARN) -O2 -g -pthread -falign-loops=32 $(INCS)
LDLIBS_BASE := -pthread -lurcu-memb -lurcu-common -lm

SAN_asan := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
# -Wno-tsan: GCC 12 warns that TSan ignores atomic_thread_fence (smp_mb);
# code that relies on a fence for ordering states the edge TSan needs.
SAN_tsan := -fsanitize=thread -Wno-tsan

LIB_SRCS  := $(wildcard primitives/*.c primitives/compat/*.c workloads/*.c)
TEST_SRCS := $(wildcard tests/*.c)
TESTS     := $(patsubst tests/%.c,%,$(TEST_SRCS))
# The contract and stress suite shared with the kernel module, linked into
# every test binary (tests/suite/suite.h).
SUITE_SRCS := $(wildcard tests/suite/*.c)

.PHONY: all deps deps-user deps-vm check check-results-clean check-user check-asan check-tsan bench clean
all: deps-user lib-release

# Each area keeps its own rules in mk/<area>.mk and appends to these:
#   ALL_TARGETS    built by "make"
#   CHECK_TARGETS  run by "make check", in order, after the userspace tests
#   BENCH_TARGETS  run by "make bench", in order
ALL_TARGETS :=
CHECK_TARGETS :=
BENCH_TARGETS :=
include $(sort $(wildcard mk/*.mk))
# Steps that must run after every other one (mk/debug.mk: after the VM ones).
CHECK_TARGETS += $(CHECK_LAST_TARGETS)
all: $(ALL_TARGETS)

deps:
	@scripts/deps.sh all
deps-user:
	@scripts/deps.sh user
deps-vm:
	@scripts/deps.sh vm

# $(1) = variant name, $(2) = extra compiler flags.
# Every variant gets its own object tree under $(BUILD)/$(1).
define VARIANT
$(BUILD)/$(1)/%.o: %.c $$(wildcard primitives/*.h primitives/compat/*.h workloads/*.h tests/*.h tests/suite/*.h) Makefile
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS_BASE) $(2) -c $$< -o $$@

$(BUILD)/$(1)/librevbench.a: $$(patsubst %.c,$(BUILD)/$(1)/%.o,$$(LIB_SRCS))
	@rm -f $$@
	ar rcs $$@ $$^

$(BUILD)/$(1)/libsuite.a: $$(patsubst %.c,$(BUILD)/$(1)/%.o,$$(SUITE_SRCS))
	@rm -f $$@
	ar rcs $$@ $$^

$(BUILD)/$(1)/tests/%: $(BUILD)/$(1)/tests/%.o $(BUILD)/$(1)/libsuite.a $(BUILD)/$(1)/librevbench.a
	$$(CC) $$(CFLAGS_BASE) $(2) $$^ -o $$@ $$(LDLIBS_BASE)

lib-$(1): $(BUILD)/$(1)/librevbench.a
tests-$(1): $$(addprefix $(BUILD)/$(1)/tests/,$$(TESTS))
.PHONY: lib-$(1) tests-$(1)
endef

$(eval $(call VARIANT,release,))
$(eval $(call VARIANT,test,-DREVBENCH_BUGS))
$(eval $(call VARIANT,asan,-DREVBENCH_BUGS $(SAN_asan)))
$(eval $(call VARIANT,tsan,-DREVBENCH_BUGS $(SAN_tsan)))

# tests/stats.c compiles analysis/stats.c (every statistic of the report,
# compare and history commands) in
$(foreach v,release test asan tsan,$(BUILD)/$(v)/tests/stats.o): analysis/stats.c analysis/stats.h

check-results-clean:
	@rm -rf $(BUILD)/check-results

check-user: deps-user tests-test
	@BUILD=$(BUILD) scripts/run-tests.sh $(BUILD)/test/tests plain
check-asan: deps-user tests-asan
	@BUILD=$(BUILD) scripts/run-tests.sh $(BUILD)/asan/tests asan
check-tsan: deps-user tests-tsan
	@TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$(CURDIR)/tests/tsan.supp" \
		BUILD=$(BUILD) scripts/run-tests.sh $(BUILD)/tsan/tests tsan

check: check-results-clean check-user check-asan check-tsan $(CHECK_TARGETS)
	@scripts/check-summary.sh $(BUILD)/check-results

bench: deps-user $(BENCH_TARGETS)

.SECONDARY:

clean:
	rm -rf $(BUILD)
