// SPDX-License-Identifier: GPL-2.0
/*
 * readsections - every entry of rev_ops_all[] and rev_ref_all[] that is
 * not REV_CAP_BROKEN has a row in the harness's table of read-section
 * loops (workloads/readsections.c), so that no primitive silently falls
 * to the generic loop (two indirect calls per access) and measures the
 * harness instead of itself.  The zoo's broken entries may have none:
 * they run the generic loop, which is said, not checked.
 */
#include "revocable.h"
#include "workload.h"
#include "tap.h"

static void check_table(const char *what,
			const struct revocable_ops *const *t, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		const struct revocable_ops *ops = t[i];
		bool row = rb_wl_readsection_find(ops) != NULL;

		if (ops->caps & REV_CAP_BROKEN) {
			tap_diag("%s: %s (broken): %s loop", what, ops->name,
				 row ? "inline" : "generic");
			continue;
		}
		tap_ok(row, "%s: %s has inline read-section loops (a row in "
		       "primitives/table.h, or workloads/readsections.c's own)",
		       what, ops->name);
	}
}

int main(int argc, char **argv)
{
	int rc = tap_usage(argc, argv, "usage: readsections\n"
			   "  Checks that every primitive and reference entry "
			   "that is not broken has inline read-section loops.\n");

	if (rc >= 0)
		return rc;
	check_table("rev_ops_all", rev_ops_all, rev_ops_count);
	check_table("rev_ref_all", rev_ref_all, rev_ref_count);
	return tap_done();
}
