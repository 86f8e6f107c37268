// SPDX-License-Identifier: GPL-2.0
/*
 * c_revocable - the C revocable API (primitives/c_revocable.h) checked the
 * way the series' own KUnit test and kselftest check it: basic access,
 * access after revoke returns NULL, and the scoped macros (with and
 * without the early return); plus the provider's reference counting
 * (embedded and allocated), and the zoo's performance bug counted, not
 * timed: the grace periods one open-close operation runs (the consumer's
 * get, an access, its put) through the ops tables' hooks, 1 for
 * bug-crev-sync-alloc and 0 for c-revocable, called directly and through
 * the open-close workload's own loop (inline and generic), which shows
 * that the timed loop takes and drops the consumer reference around
 * every access.  The ops tables themselves are in the contract suite like
 * every other entry.
 */

#include "c_revocable.h"
#include "bugs.h"
#include "workload.h"
#include "tap.h"

#define OC_OPS		8	/* open-close operations counted per table */

static int res_word = 42;

/* The kselftest's "try access macro" case: the scoped access. */
static int scoped_read(struct crev_handle *h, int *out)
{
	int *res;

	crev_try_access_with_or_return(h, res);
	*out = *res;
	return 0;
}

static int scoped_read_err(struct crev_handle *h, int *out)
{
	int *res;

	crev_try_access_with_or_return_err(h, res, -EIO);
	*out = *res;
	return 0;
}

static void test_api(void)
{
	struct crev_handle h;
	struct crev emb;
	struct crev *rev;
	int val = 0, *p;

	rev = crev_alloc(&res_word);
	if (!tap_ok(rev != NULL, "crev_alloc"))
		return;
	crev_get(rev);			/* the consumer's reference */
	crev_handle_init(&h, rev);
	p = crev_try_access(&h);
	tap_ok(p == &res_word && *p == 42, "basic: try_access returns the "
	       "resource");
	crev_withdraw_access(&h);
	tap_ok(scoped_read(&h, &val) == 0 && val == 42,
	       "scoped: crev_try_access_with_or_return reads the resource");
	{
		int *r;

		crev_try_access_with(&h, r);
		tap_ok(r == &res_word, "scoped: crev_try_access_with");
	}
	tap_ok(atomic_read(&rev->kref) == 2, "kref: provider + consumer");

	crev_revoke(rev);
	tap_ok(atomic_read(&rev->kref) == 1,
	       "revoke dropped the provider's reference, not the consumer's");
	p = crev_try_access(&h);
	tap_ok(p == NULL, "revocation: try_access returns NULL after revoke");
	crev_withdraw_access(&h);	/* the section is held either way */
	val = 0;
	tap_ok(scoped_read(&h, &val) == -ENODEV && val == 0,
	       "scoped: _or_return gives -ENODEV after revoke");
	tap_ok(scoped_read_err(&h, &val) == -EIO && val == 0,
	       "scoped: _or_return_err gives the caller's error");
	crev_handle_deinit(&h);
	crev_put(rev);			/* the last: frees the provider */

	if (!tap_ok(crev_init(&emb, &res_word) == 0, "crev_init (embedded)"))
		return;
	crev_handle_init(&h, &emb);
	p = crev_try_access(&h);
	tap_ok(p == &res_word, "embedded: basic access");
	crev_withdraw_access(&h);
	crev_get(&emb);
	crev_revoke(&emb);
	p = crev_try_access(&h);
	tap_ok(p == NULL, "embedded: NULL after revoke");
	crev_withdraw_access(&h);
	crev_put(&emb);		/* cleans the domain, does not free */
	tap_ok(emb.embedded, "embedded: the last put left the struct alone");
}

static void release_nop(void *res, void *arg)
{
	(void)res;
	(void)arg;
}

/* Grace periods per open-close operation of one ops table. */
static long oc_grace_periods(const struct revocable_ops *ops)
{
	struct rev_handle h;
	struct revocable *rev;
	u64 before, after;
	void *ref;
	int i;

	rev = ops->create(&res_word, release_nop, NULL);
	if (!rev)
		return -1;
	before = crev_synchronize_count();
	for (i = 0; i < OC_OPS; i++) {
		ref = ops->get(rev);
		if (!ref || ops->try_access(rev, &h) != &res_word)
			return -1;
		ops->release(rev, &h);
		ops->put(rev, ref);
	}
	after = crev_synchronize_count();
	ops->revoke(rev);
	ops->destroy(rev);
	return (long)((after - before) / OC_OPS);
}

/*
 * One participant of the open-close workload on this thread: grace
 * periods per operation (warm-up, window and cool-down all count).
 */
static long wl_grace_periods(const struct revocable_ops *ops, int generic,
			     const char **path)
{
	const struct rb_workload *wl = &rb_workloads[RB_WL_OPEN_CLOSE];
	struct rb_wl_params p = {
		.ops = ops, .threads = 1, .iters = 64, .seed = 1, .cs = 1,
		.generic = generic,
	};
	struct rb_wl_totals tot;
	struct rb_wl_run run;
	u64 before;
	long n = -1;

	if (rb_wl_check(wl, &p) || rb_wl_run_init(&run, wl, &p))
		return -1;
	*path = run.path;
	before = crev_synchronize_count();
	rb_wl_thread(&run, 0);
	rb_wl_totals(&run, &tot);
	if (!run.fail && !tot.errors && tot.ops + tot.tail_ops)
		n = (long)((crev_synchronize_count() - before) /
			   (tot.ops + tot.tail_ops));
	rb_wl_run_fini(&run);
	return n;
}

static void test_workload(void)
{
	const struct revocable_ops *t[] = {
		&rev_ops_c_revocable, &rev_ops_bug_crev_sync_alloc,
	};
	const char *path = "?";
	int i, g;
	long n;

	for (i = 0; i < 2; i++)
		for (g = 0; g < 2; g++) {
			n = wl_grace_periods(t[i], g, &path);
			tap_ok(n == (t[i]->caps & REV_CAP_PERFBUG ? 1 : 0),
			       "open-close workload, %s loop: %s ran %ld grace "
			       "periods per operation", path, t[i]->name, n);
		}
}

static void test_perfbug(void)
{
	const struct revocable_ops *fixed = &rev_ops_c_revocable;
	const struct revocable_ops *bug = &rev_ops_bug_crev_sync_alloc;
	long n;

	tap_ok(rev_ops_find(bug->name) == bug && (bug->caps & REV_CAP_PERFBUG) &&
	       !(bug->caps & REV_CAP_BROKEN),
	       "%s is in rev_ops_all[], PERFBUG and not BROKEN", bug->name);
	n = oc_grace_periods(fixed);
	tap_ok(n == 0, "%s: %ld grace periods per open-close (want 0)",
	       fixed->name, n);
	n = oc_grace_periods(bug);
	tap_ok(n == 1, "%s: %ld grace periods per open-close (want 1: the "
	       "redundant synchronize_srcu)", bug->name, n);
}

int main(int argc, char **argv)
{
	int rc = tap_usage(argc, argv, "usage: c_revocable\n"
			   "  Checks the C revocable API (c_revocable.h) and "
			   "counts the zoo's redundant grace periods.\n");

	if (rc >= 0)
		return rc;
	if (rb_thread_init()) {
		fprintf(stderr, "c_revocable: rb_thread_init failed\n");
		return 1;
	}
	test_api();
	test_perfbug();
	test_workload();
	rb_thread_exit();
	return tap_done();
}
