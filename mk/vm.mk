# VM harness: the kernel module under qemu TCG with a busybox initramfs,
# in the manner of rcutorture's kvm.sh (scripts/vm.sh does the work).
#
#   make vm-check     mode=test (KTAP contract + stress tests) on Debian 6.1
#                     and 6.12; part of "make check"
#   make vm-bench     mode=bench with VM_BENCH_PARAMS (default: every
#                     primitive x every workload); writes
#                     results/vm-<kernel>-<timestamp>.json marked
#                     "revbench_env": "kernel-tcg" (TCG timings are NOT
#                     representative of hardware)
#   make vm-torture   mode=torture on 4 vCPUs (fails clearly while the
#                     module has no torture mode)
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

.PHONY: vm-check vm-bench vm-torture
vm-check: deps-vm
	@$(VM_SH) check $(VM_ARGS)
VM_BENCH_PARAMS ?= primitive=all workload=all
vm-bench: deps-vm
	@$(VM_SH) bench --params '$(VM_BENCH_PARAMS)' $(VM_ARGS)
vm-torture: deps-vm
	@$(VM_SH) torture $(VM_ARGS)

CHECK_TARGETS += vm-check
