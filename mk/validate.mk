# Validation against the field's own loops (issue 11), userspace side.
#
#   make validate        revbench's empty cells next to read sides written
#                        directly over the libraries (bare load, liburcu
#                        memb, pthread_rwlock, lock add/sub, a full fence;
#                        primitives/reference.c), timed as empty cells
#                        too, 9 interleaved rounds: an 80-column table
#                        on stdout and results/validate-HOST-STAMP.json.
#                        VALIDATE_ARGS=... adds flags (revbench validate
#                        --help).  A benchmark: no ratio is judged.
#   make check-validate  part of "make check": one short run; checks that
#                        the table is complete and the JSON well formed
#                        (strict parser), never a ratio.
# The kernel side (refscale in the same boot) is make vm-validate.

CHECK_TARGETS += check-validate
.PHONY: validate check-validate
validate: deps-user $(BUILD)/revbench
	@mkdir -p results
	@$(BUILD)/revbench validate $(VALIDATE_ARGS)

check-validate: deps-user $(BUILD)/revbench
	@BUILD=$(BUILD) tests/validate.sh $(BUILD)/revbench

# The kernel side (issue 11), scripts/vm-validate.sh (= vm.sh validate):
#
#   make vm-validate        on Debian 6.1, 6.12 and 6.12-rt under qemu TCG,
#                           one boot each: refscale.ko (built unmodified
#                           from Debian's linux-source-<series>, installed
#                           on demand by scripts/deps.sh validate)
#                           rcu/srcu/rwsem/refcnt
#                           interleaved with revbench.ko's empty cells
#                           (rcu/srcu/rwsem/refcount, none as the floor),
#                           3 rounds; an 80-column table per kernel and
#                           results/vm-validate-<kernel>-<stamp>.json.
#                           VM_VALIDATE_ARGS='--loops N --nruns N ...'.
#                           A benchmark: no ratio is judged.
#   make vm-validate-check  part of "make check": one short run per kernel;
#                           checks the table is complete and the JSON strict
#                           (tests/vm-validate.sh), never a ratio.
CHECK_TARGETS += vm-validate-check
.PHONY: vm-validate vm-validate-check
vm-validate: deps-vm
	@env -u KERNEL -u KDIR BUILD='$(BUILD)' scripts/vm.sh validate $(VM_VALIDATE_ARGS)

vm-validate-check: deps-vm
	@BUILD='$(BUILD)' tests/vm-validate.sh
