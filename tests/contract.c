// SPDX-License-Identifier: GPL-2.0
/*
 * contract - the revocation contract, checked for every ops table in
 * rev_ops_all[] (primitives/revocable.h states it):
 *
 *   - try_access() succeeds before revoke and fails after it;
 *   - revoke() does not complete while a reader holds access, and does
 *     complete once that reader releases (DEFERRED variants: the release
 *     callback does not run while the reader holds access);
 *   - the release callback runs exactly once, and a second revoke is a no-op;
 *   - two revokes that overlap (two unbind paths racing, and, where
 *     revoke_many() exists, a batch overlapping a single revoke): neither
 *     returns while a reader holds access (blocking primitives), and when
 *     EACH returns the release callback has run exactly once (RETRY +
 *     BOUNDED: each may return under the reader, never before the
 *     callback; DEFERRED: checked after each one's deferred_barrier(),
 *     and the callback must not run while the reader holds);
 *   - a reader that spans a revoke on a RETRY primitive is told to retry
 *     (a bounded RETRY revoke may complete under it; a validated access
 *     must never have seen the resource released);
 *   - footprint() reports a size;
 *   - sleepable primitives: a reader that sleeps inside its access delays
 *     revoke and still sees the resource intact afterwards;
 *   - many handles in flight at once from one thread;
 *   - revoke_many(), where provided, keeps the same contract per object.
 *
 * "Does not complete while held" is checked by holding for HOLD_MS and
 * looking: a correct primitive can never fail that check however slow the
 * machine is; a broken one that returns early is caught whenever it returns
 * within the hold (the bug zoo's entries are expected to fail here).
 * REV_CAP_UNSAFE ("none") skips the safety checks and says so.
 */
#include <getopt.h>

#include "common.h"
#include "tap.h"

#define HOLD_MS		50
#define NESTED		12	/* more than any per-thread slot array */

struct holder {
	const struct revocable_ops *ops;
	struct revocable *rev;
	struct tres *res;
	bool sleep_inside;	/* sleep, rather than spin, while holding */
	int held;	/* 1: access taken; -1: access failed */
	int go;		/* main says: release now */
	int intact;	/* resource intact after the hold */
	int release_rc;
};

static void *holder_fn(void *arg)
{
	struct holder *h = arg;
	struct rev_handle hd;
	struct tres *p;

	if (rb_thread_init())
		abort();
	p = h->ops->try_access(h->rev, &hd);
	if (!p) {
		T_STORE(h->held, -1);
		goto out;
	}
	T_STORE(h->held, 1);
	while (!T_LOAD(h->go)) {
		if (h->sleep_inside)
			rb_sleep_us(1000);
		else
			cpu_relax();
	}
	T_STORE(h->intact, tres_intact(p));
	T_STORE(h->release_rc, h->ops->release(h->rev, &hd));
out:
	rb_thread_exit();
	return NULL;
}

struct revoker {
	const struct revocable_ops *ops;
	struct revocable **revs;
	int n;
	int done;
	/* check_overlap() only: */
	struct tres **res;	/* revs' resources, to look at on return */
	int *ready, *gate;	/* start line: both revokers go at once */
	int all_once;		/* every release had run exactly once at return */
};

static void *revoker_fn(void *arg)
{
	struct revoker *r = arg;
	int i, once = 1;

	if (rb_thread_init())
		abort();
	if (r->gate) {
		T_ADD(*r->ready, 1);
		while (!T_LOAD(*r->gate))
			cpu_relax();
	}
	if (r->n == 1)
		r->ops->revoke(r->revs[0]);
	else
		r->ops->revoke_many(r->revs, r->n);
	if (r->res) {
		if (r->ops->caps & REV_CAP_DEFERRED)
			r->ops->deferred_barrier();
		for (i = 0; i < r->n; i++)
			if (tres_released(r->res[i]) != 1)
				once = 0;
		T_STORE(r->all_once, once);
	}
	T_STORE(r->done, 1);
	rb_thread_exit();
	return NULL;
}

static void wait_held(struct holder *h)
{
	while (!T_LOAD(h->held))
		rb_sleep_us(100);
}

static void settle(const struct revocable_ops *ops)
{
	if (ops->deferred_barrier)
		ops->deferred_barrier();
}

/*
 * Create n revocables over fresh resources and start a reader holding an
 * access on revs[n / 2].  False, reported as a failed point, if that
 * cannot be done.
 */
static bool start_holder(const struct revocable_ops *ops, int n,
			 struct revocable **revs, struct tres **res,
			 struct holder *h, pthread_t *ht, const char *what)
{
	int i;

	for (i = 0; i < n; i++) {
		res[i] = tres_new();
		revs[i] = ops->create(res[i], tres_release, NULL);
		if (!revs[i]) {
			tap_ok(0, "%s: create", ops->name);
			return false;
		}
	}
	h->rev = revs[n / 2];
	h->res = res[n / 2];
	pthread_create(ht, NULL, holder_fn, h);
	wait_held(h);
	if (T_LOAD(h->held) != 1) {
		tap_ok(0, "%s: access before %s succeeds", ops->name, what);
		T_STORE(h->go, 1);
		pthread_join(*ht, NULL);
		return false;
	}
	return true;
}

/*
 * One reader holds access on revs[hold]; revoke (or revoke_many over all
 * n) runs in another thread.  Checks blocking, release-once, and the
 * retry verdict.  Returns nothing; reports through TAP.
 */
static void check_blocking(const struct revocable_ops *ops, int n,
			   bool sleep_inside)
{
	struct revocable *revs[16];
	struct tres *res[16];
	struct holder h = { .ops = ops, .sleep_inside = sleep_inside };
	struct revoker rk = { .ops = ops, .revs = revs, .n = n };
	const char *what = n > 1 ? "revoke_many" : "revoke";
	const char *how = sleep_inside ? "sleeping" : "spinning";
	bool deferred = ops->caps & REV_CAP_DEFERRED;
	pthread_t ht, rt;
	int i, released_early = 0, all_once = 1;
	bool done_early;

	if (!start_holder(ops, n, revs, res, &h, &ht, what))
		return;
	pthread_create(&rt, NULL, revoker_fn, &rk);
	rb_sleep_us(HOLD_MS * 1000);
	done_early = T_LOAD(rk.done);
	released_early = tres_released(h.res);
	if (deferred) {
		tap_ok(!released_early,
		       "%s: %s: release callback not run while a %s reader holds access",
		       ops->name, what, how);
	} else if (ops->caps & REV_CAP_RETRY) {
		/*
		 * A speculating reader does not hold the revoker up: a bounded
		 * revoke may complete under it; the reader must then be told
		 * to retry (checked below), never validated.
		 */
		if (ops->caps & REV_CAP_BOUNDED)
			tap_ok(done_early,
			       "%s: %s completes under a %s speculating reader (bounded)",
			       ops->name, what, how);
		else
			tap_ok(!released_early,
			       "%s: %s: resource not released under a %s speculating reader",
			       ops->name, what, how);
	} else {
		tap_ok(!done_early && !released_early,
		       "%s: %s blocks while a %s reader holds access (returned=%d released=%d)",
		       ops->name, what, how, done_early, released_early);
	}
	T_STORE(h.go, 1);
	pthread_join(ht, NULL);
	pthread_join(rt, NULL);
	settle(ops);
	if (ops->caps & REV_CAP_RETRY)
		tap_ok(T_LOAD(h.release_rc) == -EAGAIN || T_LOAD(h.intact),
		       "%s: %s: the %s reader either saw the resource intact or is told to retry",
		       ops->name, what, how);
	else
		tap_ok(T_LOAD(h.intact),
		       "%s: %s: the %s reader was never cut off (resource intact at release)",
		       ops->name, what, how);
	if (ops->caps & REV_CAP_RETRY)
		tap_ok(T_LOAD(h.release_rc) == -EAGAIN,
		       "%s: %s: reader spanning the revoke is told to retry (rc=%d)",
		       ops->name, what, T_LOAD(h.release_rc));
	else
		tap_ok(T_LOAD(h.release_rc) == 0,
		       "%s: %s: release returns 0 (rc=%d)", ops->name, what,
		       T_LOAD(h.release_rc));
	for (i = 0; i < n; i++)
		if (tres_released(res[i]) != 1)
			all_once = 0;
	tap_ok(all_once, "%s: %s completes and runs every release exactly once",
	       ops->name, what);
	for (i = 0; i < n; i++) {
		struct rev_handle hd;

		if (ops->try_access(revs[i], &hd)) {
			ops->release(revs[i], &hd);
			all_once = -1;
		}
	}
	tap_ok(all_once != -1, "%s: access after %s fails", ops->name, what);
	for (i = 0; i < n; i++)
		ops->destroy(revs[i]);
	tres_drain();
}

/*
 * Two overlapping revokes while a reader holds revs[n / 2]: revoker A
 * revokes revs[n / 2] (n == 1) or revoke_many()s all n; revoker B revokes
 * revs[n / 2].  Both leave the start line together, so the claim is a real
 * race; either may win it.  The loser must not return before the winner
 * finished: it is held up by the reader just as the winner is, and sees
 * the release callback done when it returns.
 */
static void check_overlap(const struct revocable_ops *ops, int n)
{
	struct revocable *revs[16];
	struct tres *res[16];
	struct holder h = { .ops = ops };
	int ready = 0, gate = 0;
	struct revoker a = { .ops = ops, .revs = revs, .n = n, .res = res,
			     .ready = &ready, .gate = &gate };
	struct revoker b = { .ops = ops, .revs = &revs[n / 2], .n = 1,
			     .res = &res[n / 2], .ready = &ready,
			     .gate = &gate };
	const char *what = n > 1 ? "revoke_many overlapping a revoke" :
			   "two concurrent revokes";
	bool deferred = ops->caps & REV_CAP_DEFERRED;
	bool retry = ops->caps & REV_CAP_RETRY;
	int i, all_once = 1, late = 0, done_a, done_b, released_early;
	pthread_t ht, at, bt;

	if (!start_holder(ops, n, revs, res, &h, &ht, what))
		return;
	pthread_create(&at, NULL, revoker_fn, &a);
	pthread_create(&bt, NULL, revoker_fn, &b);
	while (T_LOAD(ready) < 2)
		rb_sleep_us(100);
	T_STORE(gate, 1);
	rb_sleep_us(HOLD_MS * 1000);
	done_a = T_LOAD(a.done);
	done_b = T_LOAD(b.done);
	released_early = tres_released(h.res);
	if (deferred)
		tap_ok(!released_early,
		       "%s: %s: release callback not run while a reader holds access",
		       ops->name, what);
	else if (retry && (ops->caps & REV_CAP_BOUNDED))
		tap_diag("%s: %s: bounded RETRY revokes may return under a speculating reader (returned=%d,%d)",
			 ops->name, what, done_a, done_b);
	else
		tap_ok(!done_a && !done_b && !released_early,
		       "%s: %s: neither returns while a reader holds access (returned=%d,%d released=%d)",
		       ops->name, what, done_a, done_b, released_early);
	T_STORE(h.go, 1);
	pthread_join(ht, NULL);
	pthread_join(at, NULL);
	pthread_join(bt, NULL);
	tap_ok(T_LOAD(a.all_once) && T_LOAD(b.all_once),
	       "%s: %s: when each returns%s, the release callback has run exactly once (%s %d, revoke %d)",
	       ops->name, what, deferred ? " (and its deferred_barrier)" : "",
	       n > 1 ? "revoke_many" : "revoke", T_LOAD(a.all_once),
	       T_LOAD(b.all_once));
	settle(ops);
	for (i = 0; i < n; i++)
		if (tres_released(res[i]) != 1)
			all_once = 0;
	tap_ok(all_once, "%s: %s: every release ran exactly once in all",
	       ops->name, what);
	if (retry)
		tap_ok(T_LOAD(h.release_rc) == -EAGAIN,
		       "%s: %s: the reader spanning them is told to retry (rc=%d)",
		       ops->name, what, T_LOAD(h.release_rc));
	else
		tap_ok(T_LOAD(h.release_rc) == 0 && T_LOAD(h.intact),
		       "%s: %s: the reader was never cut off (intact=%d rc=%d)",
		       ops->name, what, T_LOAD(h.intact),
		       T_LOAD(h.release_rc));
	for (i = 0; i < n; i++) {
		struct rev_handle hd;

		if (ops->try_access(revs[i], &hd)) {
			ops->release(revs[i], &hd);
			late++;
		}
	}
	tap_ok(!late, "%s: access after %s fails", ops->name, what);
	for (i = 0; i < n; i++)
		ops->destroy(revs[i]);
	tres_drain();
}

static void check_basic(const struct revocable_ops *ops)
{
	struct rev_handle hd[NESTED];
	struct tres *res = tres_new();
	struct revocable *rev = ops->create(res, tres_release, NULL);
	int i, ok, failed_after = 0;
	size_t fp;

	if (!tap_ok(rev != NULL, "%s: create", ops->name))
		return;
	fp = ops->footprint(rev);
	tap_ok(fp > 0, "%s: footprint reported: %zu bytes", ops->name, fp);

	ok = 1;
	for (i = 0; i < NESTED; i++)
		if (ops->try_access(rev, &hd[i]) != res)
			ok = 0;
	for (i = NESTED - 1; i >= 0; i--)
		if (ops->release(rev, &hd[i]) != 0)
			ok = 0;
	tap_ok(ok, "%s: %d handles in flight at once, all succeed and release",
	       ops->name, NESTED);

	ops->revoke(rev);
	settle(ops);
	for (i = 0; i < 1000; i++) {
		if (ops->try_access(rev, &hd[0])) {
			ops->release(rev, &hd[0]);
			failed_after++;
		}
	}
	tap_ok(failed_after == 0, "%s: access after revoke fails (%d/1000 succeeded)",
	       ops->name, failed_after);
	tap_ok(tres_released(res) == 1,
	       "%s: release callback ran exactly once (%d)", ops->name,
	       tres_released(res));
	ops->revoke(rev);
	settle(ops);
	tap_ok(tres_released(res) == 1, "%s: a second revoke is a no-op (%d)",
	       ops->name, tres_released(res));
	ops->destroy(rev);
	tres_drain();
}

static void check_ops(const struct revocable_ops *ops)
{
	char caps[96];

	tap_diag("%s (%s): caps %s", ops->name, ops->family,
		 rev_caps_str(ops->caps, caps, sizeof(caps)));
	check_basic(ops);
	if (ops->caps & REV_CAP_UNSAFE) {
		tap_skip("unsafe by design: revoke does not wait for readers",
			 "%s: revoke blocks while a reader holds access", ops->name);
		tap_skip("unsafe by design: revoke does not wait for readers",
			 "%s: two concurrent revokes wait for the reader", ops->name);
		return;
	}
	check_blocking(ops, 1, false);
	if (ops->caps & REV_CAP_SLEEP)
		check_blocking(ops, 1, true);
	else
		tap_skip("readers may not sleep in this primitive",
			 "%s: a sleeping reader delays revoke", ops->name);
	if (ops->revoke_many)
		check_blocking(ops, 16, false);
	else
		tap_skip("no batched revoke for this primitive",
			 "%s: revoke_many", ops->name);
	check_overlap(ops, 1);
	if (ops->revoke_many)
		check_overlap(ops, 16);
	else
		tap_skip("no batched revoke for this primitive",
			 "%s: revoke_many overlapping a revoke", ops->name);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: contract [--primitive NAME]... [--list]\n"
		"  Checks the revocation contract for every primitive and variant\n"
		"  (or only the named ones).  Deliberately broken variants (test\n"
		"  builds) are expected to fail at least one check; the run passes\n"
		"  for them when they do.\n");
}

/*
 * Run the checks for a broken variant with the TAP output captured, and
 * report one point: the contract test caught it.
 */
static void check_broken(const struct revocable_ops *ops)
{
	int caught;

	tap_diag("--- %s is deliberately broken: failures expected ---",
		 ops->name);
	tap_sub = 1;
	tap_sub_failed = 0;
	check_ops(ops);
	tap_sub = 0;
	caught = tap_sub_failed;
	tap_ok(caught > 0, "contract test catches %s (%d checks failed)",
	       ops->name, caught);
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "primitive", required_argument, NULL, 'p' },
		{ "list", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct tests_sel sel = { .nonly = 0 };
	int c, i, rc;

	while ((c = getopt_long(argc, argv, "p:lh", lopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (!tests_sel_add(&sel, "contract", optarg)) {
				usage(stderr);
				return 2;
			}
			break;
		case 'l':
			tests_list();
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "contract: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	rc = tests_start("contract");
	if (rc)
		return rc;
	for (i = 0; i < tests_sel_count(&sel); i++) {
		const struct revocable_ops *ops = tests_sel_get(&sel, i);

		if (!ops)
			continue;

		if (ops->caps & REV_CAP_BROKEN)
			check_broken(ops);
		else
			check_ops(ops);
	}
	return tests_finish();
}
