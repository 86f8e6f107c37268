# Debug kernels: the module under KASAN, lockdep/PROVE_RCU and KCSAN
# (issue 10), in the manner of rcutorture's kvm.sh.
#
#   make debug-kernels   build (or reuse from the cache) the four debug
#                        kernels: Debian's linux-source-6.1 and -6.12, each
#                        as "kasan" and "kcsan" (scripts/debug-kernel.sh;
#                        fragments in kernels/).  Cache:
#                        $(REVBENCH_CACHE) (default ~/.cache/revbench)/kernels
#   make vm-check-debug  boot each of them under qemu TCG and run the KTAP
#                        tests, the torture (every real primitive + the bug
#                        zoo), a short driver-unbind,unbind bench at cs=256,
#                        and, on the kasan kernels, the planted bugs
#                        KASAN must report (bug-seqlock-typeunsafe,
#                        bug-crev-byvalue: the TEETH table of
#                        scripts/vm-check-debug.sh).  Part of
#                        "make check", after vm-check and vm-torture-check.
#   make check-debug-kernel-cli   tests/debug_kernel_cli.sh: the script's
#                        bad-input paths (exit 2, named package; exit 1 for
#                        a corrupt entry), no kernel built (make check)
#   DEBUG_KERNELS='6.1-kasan 6.12-kcsan'   a subset (default: all four)

DEBUG_KERNELS ?= 6.1-kasan 6.1-kcsan 6.12-kasan 6.12-kcsan

.PHONY: debug-kernels vm-check-debug check-debug-kernel-cli
debug-kernels:
	@set -e; for k in $(DEBUG_KERNELS); do \
		scripts/debug-kernel.sh $${k%-*} $${k##*-}; done
vm-check-debug: deps-vm debug-kernels
	@BUILD='$(BUILD)' scripts/vm-check-debug.sh $(DEBUG_KERNELS)

check-debug-kernel-cli:
	@BUILD='$(BUILD)' tests/debug_kernel_cli.sh

CHECK_TARGETS += check-debug-kernel-cli
CHECK_LAST_TARGETS += vm-check-debug
