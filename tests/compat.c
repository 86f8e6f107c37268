// SPDX-License-Identifier: GPL-2.0
/*
 * compat - the userspace SRCU and percpu_ref algorithms behind compat.h's
 * rb_srcu_* and rb_pcpu_ref_* (primitives/compat/user_srcu.h,
 * user_percpu_ref.h), checked through the API alone: what the kernel's
 * srcu_struct and percpu_ref promise, so that the shared primitives
 * (primitives/srcu.c, percpu_ref.c) may rely on it in both environments.
 * The revocables built on them are checked by the contract suite.
 */

#include "revocable.h"
#include "tap.h"

#define HOLD_MS		50	/* how long a reader holds its section */

struct srcu_sync_arg {
	struct rb_srcu_struct *ssp;
	int done;
};

static int srcu_sync_thread(void *p)
{
	struct srcu_sync_arg *a = p;

	rb_srcu_synchronize(a->ssp);
	smp_store_release(&a->done, 1);
	return 0;
}

static void test_srcu(void)
{
	struct rb_srcu_struct ss;
	struct srcu_sync_arg a = { .ssp = &ss };
	struct rb_thread *t;
	unsigned long cookie;
	int idx;

	if (!tap_ok(rb_srcu_init(&ss) == 0, "srcu: init"))
		return;
	cookie = rb_srcu_get_state(&ss);
	tap_ok(!rb_srcu_poll_state(&ss, cookie),
	       "srcu: a fresh cookie is not complete before a grace period");
	rb_srcu_synchronize(&ss);
	tap_ok(rb_srcu_poll_state(&ss, cookie),
	       "srcu: the cookie is complete after a grace period");

	idx = rb_srcu_read_lock(&ss);
	cookie = rb_srcu_get_state(&ss);
	t = rb_thread_start(srcu_sync_thread, &a, -1, "srcu-sync");
	if (!tap_ok(t != NULL, "srcu: updater thread started")) {
		rb_srcu_read_unlock(&ss, idx);
		rb_srcu_cleanup(&ss);
		return;
	}
	rb_sleep_us(HOLD_MS * 1000);
	tap_ok(!smp_load_acquire(&a.done),
	       "srcu: synchronize waits for a reader inside (%d ms)", HOLD_MS);
	tap_ok(!rb_srcu_poll_state(&ss, cookie),
	       "srcu: no cookie completes while a reader from before it is "
	       "inside");
	rb_srcu_read_unlock(&ss, idx);
	rb_thread_join(t);
	tap_ok(smp_load_acquire(&a.done) &&
	       rb_srcu_poll_state(&ss, cookie),
	       "srcu: the reader's unlock ends the grace period");
	rb_srcu_cleanup(&ss);
}

/*
 * rb_srcu_synchronize_many(): every listed domain (one listed twice) gets
 * a full grace period, and the call waits for a reader inside any one of
 * them.
 */
#define MANY_DOMAINS	3

struct srcu_many_arg {
	struct rb_srcu_struct *list[MANY_DOMAINS + 1];
	int done;
};

static int srcu_many_thread(void *p)
{
	struct srcu_many_arg *a = p;

	rb_srcu_synchronize_many(a->list, MANY_DOMAINS + 1);
	smp_store_release(&a->done, 1);
	return 0;
}

static void test_srcu_many(void)
{
	struct rb_srcu_struct ss[MANY_DOMAINS];
	unsigned long cookie[MANY_DOMAINS];
	struct srcu_many_arg a = { .done = 0 };
	struct rb_thread *t;
	int i, idx, ok, n = 0;

	for (i = 0; i < MANY_DOMAINS; i++, n++)
		if (rb_srcu_init(&ss[i]))
			break;
	if (!tap_ok(n == MANY_DOMAINS, "srcu many: init")) {
		while (--n >= 0)
			rb_srcu_cleanup(&ss[n]);
		return;
	}
	for (i = 0; i < MANY_DOMAINS; i++)
		a.list[i] = &ss[MANY_DOMAINS - 1 - i];	/* not address order */
	a.list[MANY_DOMAINS] = &ss[1];			/* and a duplicate */
	idx = rb_srcu_read_lock(&ss[1]);
	for (i = 0; i < MANY_DOMAINS; i++)
		cookie[i] = rb_srcu_get_state(&ss[i]);
	t = rb_thread_start(srcu_many_thread, &a, -1, "srcu-many");
	if (!tap_ok(t != NULL, "srcu many: updater thread started")) {
		rb_srcu_read_unlock(&ss[1], idx);
		for (i = 0; i < MANY_DOMAINS; i++)
			rb_srcu_cleanup(&ss[i]);
		return;
	}
	rb_sleep_us(HOLD_MS * 1000);
	tap_ok(!smp_load_acquire(&a.done),
	       "srcu many: waits for a reader inside one of the domains "
	       "(%d ms)", HOLD_MS);
	rb_srcu_read_unlock(&ss[1], idx);
	rb_thread_join(t);
	ok = smp_load_acquire(&a.done);
	for (i = 0; i < MANY_DOMAINS; i++)
		ok = ok && rb_srcu_poll_state(&ss[i], cookie[i]);
	tap_ok(ok, "srcu many: every domain's cookie is complete once it "
	       "returns");
	rb_srcu_synchronize_many(a.list, 0);	/* n = 0: a no-op */
	for (i = 0; i < MANY_DOMAINS; i++)
		rb_srcu_cleanup(&ss[i]);
}

struct pcpu_test {
	struct rb_pcpu_ref ref;
	int confirmed, released;
};

static void pcpu_test_confirm(struct rb_pcpu_ref *ref)
{
	WRITE_ONCE(container_of(ref, struct pcpu_test, ref)->confirmed, 1);
}

static void pcpu_test_release(struct rb_pcpu_ref *ref)
{
	WRITE_ONCE(container_of(ref, struct pcpu_test, ref)->released, 1);
}

static void test_pcpu_ref(void)
{
	struct pcpu_test p = { .confirmed = 0 };

	if (!tap_ok(rb_pcpu_ref_init(&p.ref, pcpu_test_release) == 0,
		    "percpu_ref: init"))
		return;
	tap_ok(rb_pcpu_ref_tryget_live(&p.ref), "percpu_ref: live: tryget");
	rb_pcpu_ref_kill_and_confirm(&p.ref, pcpu_test_confirm);
	tap_ok(!rb_pcpu_ref_tryget_live(&p.ref),
	       "percpu_ref: dead: tryget_live fails at once");
	tap_ok(!READ_ONCE(p.confirmed) && !READ_ONCE(p.released),
	       "percpu_ref: neither confirmed nor released before the "
	       "killer's rb_pcpu_ref_confirm_pending()");
	rb_pcpu_ref_confirm_pending();
	tap_ok(READ_ONCE(p.confirmed), "percpu_ref: confirmed");
	tap_ok(!READ_ONCE(p.released),
	       "percpu_ref: not released while a reference is held");
	rb_pcpu_ref_put(&p.ref);
	tap_ok(READ_ONCE(p.released),
	       "percpu_ref: released by the put of the last reference");
	rb_pcpu_ref_exit(&p.ref);
}

int main(int argc, char **argv)
{
	int rc = tap_usage(argc, argv, "usage: compat\n"
			   "  Checks the userspace rb_srcu_* and rb_pcpu_ref_* "
			   "algorithms (compat.h).\n");

	if (rc >= 0)
		return rc;
	if (rb_thread_init()) {
		fprintf(stderr, "compat: rb_thread_init failed\n");
		return 1;
	}
	test_srcu();
	test_srcu_many();
	test_pcpu_ref();
	rb_thread_exit();
	return tap_done();
}
