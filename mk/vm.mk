# VM harness: the kernel module under qemu TCG with a busybox initramfs,
# in the manner of rcutorture's kvm.sh (scripts/vm.sh does the work).
#
#   make vm-check     mode=test (KTAP contract + stress tests) on Debian 6.1,
#                     6.12 and 6.12-rt (PREEMPT_RT; the kernels are chosen
#                     by scripts/vm-kernels.sh); part of "make check"
#   make vm-bench     mode=bench with VM_BENCH_PARAMS (default: every
#                     primitive x every workload); writes
#                     results/vm-<kernel>-<timestamp>.json marked
#                     "revbench_env": "kernel-tcg" (TCG timings are NOT
#                     representative of hardware)
#   make vm-torture   mode=torture on 4 vCPUs with VM_TORTURE_PARAMS
#                     (default: every real primitive VM_TORTURE_S seconds,
#                     every kernel bug of the zoo until caught), with
#                     hardirq readers for REV_CAP_IRQSAFE primitives and
#                     CPU hotplug every 100 ms (onoff_ms; VM_ONOFF_MS): the
#                     KMOD_BUGS=1 test module, never the benchmark one.
#                     Real primitives must show zero failures, every bug
#                     must be caught; detection times are printed and kept
#                     in $(BUILD)/vm/<kernel>-torture-*/detection.txt
#   make vm-torture-check   the same, as a "make check" step (after
#                     vm-check), tallied in check-results/vm-torture-<kernel>
#                     TORTURE_SEED=N replays a run's perturbation choices
#
#   KERNEL=/path/bzImage KDIR=/path/to/build   your own kernel instead
#   VM_ARGS='--kernel-version VER --timeout SEC --params "K=V ..."'
#
# Run directories (console log, exact qemu command, kernel version and
# config, git commit, module parameters) go to $(BUILD)/vm/.

# Only a KERNEL/KDIR the user set (command line or environment) selects a
# user kernel: mk/kmod.mk gives KDIR a default of its own.
VM_KERNEL_ARG = $(if $(filter command% environment%,$(origin KERNEL)),KERNEL='$(KERNEL)')
VM_KDIR_ARG = $(if $(filter command% environment%,$(origin KDIR)),KDIR='$(KDIR)')
VM_SH = env -u KERNEL -u KDIR BUILD='$(BUILD)' $(VM_KERNEL_ARG) $(VM_KDIR_ARG) \
	scripts/vm.sh

.PHONY: vm-check vm-bench vm-torture vm-torture-check
vm-check: deps-vm
	@$(VM_SH) check $(VM_ARGS)
VM_BENCH_PARAMS ?= primitive=all workload=all
vm-bench: deps-vm
	@$(VM_SH) bench --params '$(VM_BENCH_PARAMS)' $(VM_ARGS)
# Sized for CI: about 1.5 minutes per kernel under TCG, build included.
# A bug run stops when caught, at most bug_duration seconds (three times
# that for a hotplug-only bug).  Under TCG the detection times have a long
# tail: bug-hazptr-norecheck 1.6-15.0 s and bug-srcu-fast-flip-idx
# 3.1-12.6 s over 6 boots of the 6.1 KCSAN kernel (12-06), up to 10.2 s on
# the generic kernels; a CI run failed once on a bug not caught within the
# module's default 20 s.  A bug that is there is caught long before 60 s;
# one that is not fails either way.  The store-buffer bug is a SKIP when
# not caught under TCG.
VM_TORTURE_S ?= 2
VM_TORTURE_BUG_S ?= 60
VM_TORTURE_PARAMS ?= primitive=all bug=all duration=$(VM_TORTURE_S) \
	bug_duration=$(VM_TORTURE_BUG_S) \
	$(if $(TORTURE_SEED),seed=$(TORTURE_SEED))
vm-torture: deps-vm
	@$(VM_SH) torture --params '$(VM_TORTURE_PARAMS)' $(VM_ARGS)
vm-torture-check: deps-vm
	@VM_TORTURE_TALLY=1 $(VM_SH) torture --params '$(VM_TORTURE_PARAMS)' $(VM_ARGS)

# In this order: the contract tests before the torture.
CHECK_TARGETS += vm-check vm-torture-check

# The module's revoke-cost counters, live: one bench boot of every
# primitive's unbind cell (the module runs one primitive or all) on the
# newest Debian 6.12 generic kernel, about 70 s under TCG, then
# tests/runner_vm_cost.sh on its results (a plumbing test: 0 IPIs where a
# revoke sends none, at least one for an expedited grace period; never a
# timing threshold).  Tallied in check-results/vm-cost.
VM_COST_PARAMS ?= primitive=all workload=unbind threads=2 cs=1 samples=100 reps=3
.PHONY: vm-cost-check
vm-cost-check: deps-vm
	@mkdir -p $(BUILD)/check-results; \
	kv=$$(bash -c '. scripts/vm-kernels.sh; VM_KERNEL_SERIES=6.12 PROG=vm-cost-check; \
		KERNELS=(); KVERS=(); debian_kernels && echo "$${KERNELS[0]%%|*}"'); \
	if [ -z "$$kv" ]; then echo "passed=0 failed=1 skipped=0" >$(BUILD)/check-results/vm-cost; exit 1; fi; \
	env -u KERNEL -u KDIR BUILD='$(BUILD)' VM_COST_PARAMS='$(VM_COST_PARAMS)' \
		tests/runner_vm_cost.sh --kernel-version "$$kv" >$(BUILD)/vm-cost.log 2>&1; rc=$$?; \
	grep -E '^(ok|not ok) ' $(BUILD)/vm-cost.log; \
	p=$$(grep -c '^ok ' $(BUILD)/vm-cost.log); f=$$(grep -c '^not ok ' $(BUILD)/vm-cost.log); \
	[ $$rc -ne 0 ] && [ $$f -eq 0 ] && f=1; \
	echo "passed=$$p failed=$$f skipped=0" >$(BUILD)/check-results/vm-cost; \
	echo "vm-cost-check: $$p passed, $$f failed (log: $(BUILD)/vm-cost.log)"; [ $$rc -eq 0 ]
CHECK_TARGETS += vm-cost-check
