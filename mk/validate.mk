# Validation against the field's own loops (issue 11), userspace side.
#
#   make validate        revbench's empty cells next to direct loops over
#                        the libraries (bare load, liburcu memb,
#                        pthread_rwlock, lock add/sub, a full fence), one
#                        process, 9 interleaved rounds: an 80-column table
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
