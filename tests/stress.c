// SPDX-License-Identifier: GPL-2.0
/*
 * stress - readers hammer try_access/use/release while a revoker revokes
 * and re-creates in a loop, for every primitive (or the named ones).
 *
 * Each round publishes a fresh resource (struct tres, stamped live) behind
 * a fresh revocable, lets the readers at it for a random short while, then
 * revokes it while they are still hammering, marks the round "revoked",
 * and starts the next.  The release callback poisons the resource and
 * keeps it in quarantine, so a late reader reads poison, not freed memory.
 *
 * Failures, each counted and the first few printed with "!!!":
 *   late      try_access succeeded although the round was already marked
 *             revoked before the attempt (access after revoke returned);
 *   overtaken revoke returned while this reader still held access, and
 *             the access was not invalidated (non-DEFERRED primitives;
 *             RETRY primitives must fail such an access with -EAGAIN);
 *   poison    a reader saw a poisoned word during a (validated) access;
 *   release   a round's release callback ran other than exactly once.
 *
 * A REV_CAP_BROKEN variant passes when failures are counted, and the time
 * to the first failure is reported.  No timing thresholds anywhere.
 */
#include <getopt.h>

#include "common.h"
#include "tap.h"

#define MAX_ROUNDS	4000
#define MAX_READERS	32

struct round {
	struct revocable *rev;
	struct tres *res;
	int revoked;	/* revoke() has returned */
};

struct run {
	const struct revocable_ops *ops;
	struct round rounds[MAX_ROUNDS];
	struct round *cur;
	int stop;
	long accesses, errors, retries;
	long late, overtaken, poison;
	long first_fail_ns;
	u64 t0;
	unsigned int seed;
};

static int opt_readers = 3;
static long opt_duration_ms = 400;
static unsigned int opt_seed = 1;

static void report_fail(struct run *r, long *ctr, const char *what,
			int round_idx)
{
	long n = T_ADD(*ctr, 1);

	T_CAS(r->first_fail_ns, 0, (long)(rb_now_ns() - r->t0));
	if (n < 3)
		printf("# !!! %s: %s (round %d)\n", r->ops->name, what,
		       round_idx);
}

static inline unsigned int xorshift(unsigned int *s)
{
	unsigned int x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

struct reader_arg {
	struct run *r;
	unsigned int seed;
};

static void *reader_fn(void *arg)
{
	struct reader_arg *ra = arg;
	struct run *r = ra->r;
	const struct revocable_ops *ops = r->ops;
	/*
	 * A validated access must not have overlapped a completed revoke: a
	 * blocking revoke cannot return under a reader, and a RETRY revoke
	 * that returned under one must have made its release() fail.  Only
	 * DEFERRED variants return while old readers still run.
	 */
	bool blocking = !(ops->caps & REV_CAP_DEFERRED);
	bool may_sleep = ops->caps & REV_CAP_SLEEP;
	unsigned int s = ra->seed | 1;
	long acc = 0, err = 0, retr = 0;

	if (rb_thread_init())
		abort();
	while (!READ_ONCE(r->stop)) {
		struct round *rd = T_LOAD(r->cur);
		int idx = (int)(rd - r->rounds);
		struct rev_handle h;
		struct tres *p;
		int was_revoked, still_revoked, intact, spin, rc;

again:
		was_revoked = T_LOAD(rd->revoked);
		p = ops->try_access(rd->rev, &h);
		if (!p) {
			err++;
			continue;
		}
		intact = tres_intact(p);
		/* Widen the window: sometimes dawdle inside the access. */
		if ((xorshift(&s) & 15) == 0) {
			spin = xorshift(&s) & 255;
			while (spin--)
				cpu_relax();
		}
		if (may_sleep && (xorshift(&s) & 1023) == 0)
			rb_sleep_us(50);
		intact &= tres_intact(p);
		still_revoked = T_LOAD(rd->revoked);
		rc = ops->release(rd->rev, &h);
		if (rc == -EAGAIN) {
			/* Speculation overtaken: never act on what we read. */
			retr++;
			goto again;
		}
		acc++;
		if (was_revoked)
			report_fail(r, &r->late,
				    "access succeeded after revoke returned", idx);
		if (!intact)
			report_fail(r, &r->poison,
				    "reader saw poison: resource released under it",
				    idx);
		if (blocking && still_revoked)
			report_fail(r, &r->overtaken,
				    "revoke returned while a (validated) access was held",
				    idx);
	}
	T_ADD(r->accesses, acc);
	T_ADD(r->errors, err);
	T_ADD(r->retries, retr);
	rb_thread_exit();
	return NULL;
}

/* Returns the number of failures; prints the summary as diagnostics. */
static long stress_one(const struct revocable_ops *ops, long *rounds_out,
		       double *first_fail_ms)
{
	static struct run run;
	struct run *r = &run;
	struct reader_arg ra[MAX_READERS];
	pthread_t th[MAX_READERS];
	unsigned int s = opt_seed * 2654435761U + 7;
	long n = 0, bad_release = 0, fails;
	u64 end;
	int i;

	memset(r, 0, sizeof(*r));
	r->ops = ops;
	r->rounds[0].res = tres_new();
	r->rounds[0].rev = ops->create(r->rounds[0].res, tres_release, NULL);
	if (!r->rounds[0].rev) {
		fprintf(stderr, "stress: %s: create failed\n", ops->name);
		exit(1);
	}
	T_STORE(r->cur, &r->rounds[0]);
	r->t0 = rb_now_ns();
	for (i = 0; i < opt_readers; i++) {
		ra[i].r = r;
		ra[i].seed = opt_seed * 7919U + (unsigned int)i * 104729U;
		pthread_create(&th[i], NULL, reader_fn, &ra[i]);
	}
	end = r->t0 + (u64)opt_duration_ms * 1000000ULL;
	for (n = 0; n < MAX_ROUNDS - 1 && rb_now_ns() < end; n++) {
		struct round *rd = &r->rounds[n], *next = &r->rounds[n + 1];
		unsigned int us = xorshift(&s) % 200;

		if (us > 100)
			rb_sleep_us(us - 100);
		else
			while (us--)
				cpu_relax();
		ops->revoke(rd->rev);
		T_STORE(rd->revoked, 1);
		next->res = tres_new();
		next->rev = ops->create(next->res, tres_release, NULL);
		if (!next->rev) {
			fprintf(stderr, "stress: %s: create failed\n", ops->name);
			exit(1);
		}
		T_STORE(r->cur, next);
	}
	T_STORE(r->stop, 1);
	for (i = 0; i < opt_readers; i++)
		pthread_join(th[i], NULL);
	/* The last round is still live: revoke it too, with no readers. */
	ops->revoke(r->rounds[n].rev);
	T_STORE(r->rounds[n].revoked, 1);
	if (ops->deferred_barrier)
		ops->deferred_barrier();
	for (i = 0; i <= n; i++) {
		int rel = tres_released(r->rounds[i].res);

		if (rel != 1) {
			if (bad_release++ < 3)
				printf("# !!! %s: round %d released %d times\n",
				       ops->name, i, rel);
			if (!T_LOAD(r->first_fail_ns))
				T_STORE(r->first_fail_ns,
					(long)(rb_now_ns() - r->t0));
		}
		ops->destroy(r->rounds[i].rev);
		if (rel == 0)
			rb_free(r->rounds[i].res);	/* never released */
	}
	tres_drain();
	fails = T_LOAD(r->late) + T_LOAD(r->overtaken) +
		T_LOAD(r->poison) + bad_release;
	tap_diag("%s: %ld rounds, %ld accesses, %ld -ENODEV, %ld retries; failures: late %ld, overtaken %ld, poison %ld, release %ld",
		 ops->name, n + 1, T_LOAD(r->accesses),
		 T_LOAD(r->errors), T_LOAD(r->retries),
		 T_LOAD(r->late), T_LOAD(r->overtaken),
		 T_LOAD(r->poison), bad_release);
	*rounds_out = n + 1;
	*first_fail_ms = T_LOAD(r->first_fail_ns) / 1e6;
	return fails;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: stress [--primitive NAME]... [--readers N] [--duration-ms MS]\n"
		"              [--seed N] [--list]\n"
		"  Readers hammer try_access/use/release while a revoker revokes\n"
		"  and re-creates.  Real primitives must show zero failures;\n"
		"  deliberately broken ones (test builds) must show some.\n"
		"  Defaults: --readers %d --duration-ms %ld --seed %u\n",
		opt_readers, opt_duration_ms, opt_seed);
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "primitive", required_argument, NULL, 'p' },
		{ "readers", required_argument, NULL, 'r' },
		{ "duration-ms", required_argument, NULL, 'd' },
		{ "seed", required_argument, NULL, 's' },
		{ "list", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct tests_sel sel = { .nonly = 0 };
	int c, i, rc;

	while ((c = getopt_long(argc, argv, "p:r:d:s:lh", lopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (!tests_sel_add(&sel, "stress", optarg)) {
				usage(stderr);
				return 2;
			}
			break;
		case 'r':
			opt_readers = (int)parse_pos("--readers", optarg,
						     MAX_READERS);
			break;
		case 'd':
			opt_duration_ms = parse_pos("--duration-ms", optarg,
						    3600 * 1000);
			break;
		case 's':
			opt_seed = (unsigned int)parse_pos("--seed", optarg,
							   0x7fffffff);
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
		fprintf(stderr, "stress: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	rc = tests_start("stress");
	if (rc)
		return rc;
	tap_diag("readers %d, duration %ld ms per primitive, seed %u",
		 opt_readers, opt_duration_ms, opt_seed);
	for (i = 0; i < tests_sel_count(&sel); i++) {
		const struct revocable_ops *ops = tests_sel_get(&sel, i);

		if (!ops)
			continue;
		double first_ms;
		long fails, rounds;

		if (ops->caps & REV_CAP_UNSAFE) {
			tap_skip("unsafe by design: no protection against revoke",
				 "%s: stress", ops->name);
			continue;
		}
		fails = stress_one(ops, &rounds, &first_ms);
		if (ops->caps & REV_CAP_BROKEN)
			tap_ok(fails > 0,
			       "%s: stress catches the deliberately broken primitive (%ld failures, first after %.1f ms)",
			       ops->name, fails, first_ms);
		else
			tap_ok(fails == 0 && rounds > 1,
			       "%s: stress: %ld failures over %ld rounds",
			       ops->name, fails, rounds);
	}
	return tests_finish();
}
