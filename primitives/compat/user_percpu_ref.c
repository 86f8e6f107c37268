// SPDX-License-Identifier: GPL-2.0
/*
 * compat/user_percpu_ref.c - kill and switch of userspace percpu_ref
 * (user_percpu_ref.h says the algorithm and why it is correct).
 */
#include "user_percpu_ref.h"

/* The refs this thread killed and has not switched yet. */
static __thread struct rb_pcpu_ref *rb_pcpu_ref_pending;

int rb_pcpu_ref_init(struct rb_pcpu_ref *ref, rb_pcpu_ref_func_t release)
{
	memset(ref, 0, sizeof(*ref));
	ref->ctr = rb_pcpu_alloc();
	if (ref->ctr < 0)
		return -ENOMEM;
	ref->nr_ctx = rb_nr_ctx();
	ref->release = release;
	atomic_long_set(&ref->count, (long)(1 + RB_PCPU_COUNT_BIAS));
	return 0;
}

void rb_pcpu_ref_exit(struct rb_pcpu_ref *ref)
{
	rb_pcpu_free(ref->ctr);
}

/* Step 1 (user_percpu_ref.h). */
void rb_pcpu_ref_kill_and_confirm(struct rb_pcpu_ref *ref,
				  rb_pcpu_ref_func_t confirm)
{
	ref->confirm = confirm;
	__atomic_fetch_or(&ref->mode, RB_PCPU_REF_ATOMIC_DEAD,
			  __ATOMIC_SEQ_CST);
	ref->pending = rb_pcpu_ref_pending;
	rb_pcpu_ref_pending = ref;
}

/* Step 2's switch of one ref: fold the counters, confirm, initial put. */
static void rb_pcpu_ref_switch(struct rb_pcpu_ref *ref)
{
	unsigned long sum = 0;
	int i, n = min_t(int, ref->nr_ctx, rb_ctx_in_use());

	rb_tsan_acquire(ref);
	for (i = 0; i < n; i++)
		sum += READ_ONCE(*rb_pcpu_ptr(ref->ctr, i));
	atomic_long_add((long)(sum - RB_PCPU_COUNT_BIAS), &ref->count);
	if (ref->confirm)
		ref->confirm(ref);	/* every reader now sees DEAD */
	if (atomic_long_dec_and_test(&ref->count))	/* the initial ref */
		ref->release(ref);
}

static void rb_pcpu_ref_run_pending(bool gp)
{
	struct rb_pcpu_ref *ref = rb_pcpu_ref_pending, *next;

	if (!ref)
		return;
	rb_pcpu_ref_pending = NULL;
	if (gp)
		rb_synchronize_rcu();
	for (; ref; ref = next) {
		next = ref->pending;	/* before release() may end ref */
		rb_pcpu_ref_switch(ref);
	}
}

void rb_pcpu_ref_confirm_pending(void)
{
	rb_pcpu_ref_run_pending(true);
}

#ifdef REVBENCH_BUGS
void rb_pcpu_ref_confirm_pending_nogp(void)
{
	rb_pcpu_ref_run_pending(false);
}
#endif
