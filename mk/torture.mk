# Torture mode and the bug zoo.  The torture core, torture/torture.c, is
# part of the userspace library (every variant) and of the module
# (mk/kmod.mk's shared_torture.c wrapper); runner/torture.c is the
# userspace front end.
#
#   make torture-build   build/test/revbench-torture: the torture command
#                        over the test library, which has the bug zoo
#                        (-DREVBENCH_BUGS).  build/revbench (benchmarks)
#                        runs the same command without the zoo.
#   make check-torture   tests/torture.sh: every zoo bug must be caught
#                        (detection time reported), every real primitive
#                        must run clean, bad input must exit 2 (part of
#                        "make check").  TORTURE_SAN=1 also runs the real
#                        primitives under ASan+UBSan and TSan.
#
# The ASan/TSan binaries (build/asan|tsan/revbench-torture) are built from
# the same source over the sanitizer libraries.

LIB_SRCS += torture/torture.c
$(foreach v,release test asan tsan,$(BUILD)/$(v)/torture/torture.o) \
	$(BUILD)/runner/torture.o: torture/torture.h mk/torture.mk

TORTURE_DEPS := runner/torture.c runner/torture.h torture/torture.h \
	runner/progress.c runner/progress.h analysis/util.c analysis/util.h \
	$(wildcard primitives/*.h primitives/user/*.h) mk/torture.mk

# $(1) = variant, $(2) = its extra flags (the library already has them).
define TORTURE_BIN
$(BUILD)/$(1)/revbench-torture: $(TORTURE_DEPS) $(BUILD)/$(1)/librevbench.a
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS_BASE) -DREVBENCH_BUGS $(2) -DRB_TORTURE_MAIN -Irunner \
		-Ianalysis runner/torture.c runner/progress.c analysis/util.c \
		$(BUILD)/$(1)/librevbench.a -o $$@ $$(LDLIBS_BASE)
endef
$(eval $(call TORTURE_BIN,test,))
$(eval $(call TORTURE_BIN,asan,$(SAN_asan)))
$(eval $(call TORTURE_BIN,tsan,$(SAN_tsan)))

CHECK_TARGETS += check-torture
.PHONY: torture-build check-torture
torture-build: $(BUILD)/test/revbench-torture

TORTURE_SAN_BINS := $(if $(TORTURE_SAN),$(BUILD)/asan/revbench-torture $(BUILD)/tsan/revbench-torture)

check-torture: deps-user $(BUILD)/test/revbench-torture $(BUILD)/revbench $(TORTURE_SAN_BINS)
	@BUILD=$(BUILD) TORTURE_SAN=$(TORTURE_SAN) \
		TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$(CURDIR)/tests/tsan.supp" \
		tests/torture.sh $(BUILD)/test/revbench-torture $(BUILD)/revbench
