// SPDX-License-Identifier: GPL-2.0
/*
 * compat/user_srcu.c - the update side of userspace SRCU (user_srcu.h says
 * the algorithm and why it is correct).
 */
#include "user_srcu.h"

int rb_srcu_init(struct rb_srcu_struct *ssp)
{
	int nr = rb_nr_ctx();

	memset(ssp, 0, sizeof(*ssp));
	ssp->ctr = rb_zalloc((size_t)nr * sizeof(*ssp->ctr));
	if (!ssp->ctr)
		return -ENOMEM;
	if (rb_mutex_init(&ssp->lock)) {
		rb_free(ssp->ctr);
		return -ENOMEM;
	}
	ssp->nr_ctx = nr;
	return 0;
}

void rb_srcu_cleanup(struct rb_srcu_struct *ssp)
{
	rb_mutex_destroy(&ssp->lock);
	rb_free(ssp->ctr);
	ssp->ctr = NULL;
}

size_t rb_srcu_footprint(const struct rb_srcu_struct *ssp)
{
	return sizeof(*ssp) + (size_t)ssp->nr_ctx * sizeof(*ssp->ctr);
}

void rb_srcu_unregistered(void)
{
	fprintf(stderr, "revbench: srcu: thread not registered "
		"(call rb_thread_init() first)\n");
	abort();
}

/* True when no reader that the scans can see is inside on half idx. */
static bool rb_srcu_readers_gone(struct rb_srcu_struct *ssp, int idx)
{
	unsigned long locks = 0, unlocks = 0;
	int i, n = min_t(int, ssp->nr_ctx, rb_ctx_in_use());

	for (i = 0; i < n; i++)
		unlocks += smp_load_acquire(&ssp->ctr[i].unlock[idx]);
	smp_mb(); /* A: unlocks summed before locks (pairs B and C) */
	for (i = 0; i < n; i++)
		locks += READ_ONCE(ssp->ctr[i].lock[idx]);
	return locks == unlocks;
}

static void rb_srcu_wait_idx(struct rb_srcu_struct *ssp, int idx)
{
	unsigned int spins = 0;

	while (!rb_srcu_readers_gone(ssp, idx)) {
		if (++spins < 1000)
			cpu_relax();
		else
			rb_yield();
	}
}

/*
 * One grace period of each of the n distinct domains in s[], whose
 * mutexes the caller holds; idx[] is scratch.  Each step runs over every
 * domain before the next step starts, so the waits overlap.
 */
static void rb_srcu_gp_locked(struct rb_srcu_struct **s, unsigned long *idx,
			      int n)
{
	int i;

	for (i = 0; i < n; i++)
		WRITE_ONCE(s[i]->gp_seq, s[i]->gp_seq + 1);	/* odd: one runs */
	smp_mb(); /* the caller's prior stores (the flags) before the scans */
	for (i = 0; i < n; i++) {
		idx[i] = READ_ONCE(s[i]->idx);
		rb_srcu_wait_idx(s[i], (int)((idx[i] & 1) ^ 1)); /* stale */
	}
	smp_mb(); /* E: those scans before the flips */
	for (i = 0; i < n; i++)
		WRITE_ONCE(s[i]->idx, idx[i] + 1);
	smp_mb(); /* D: the flips before the second scans */
	for (i = 0; i < n; i++)
		rb_srcu_wait_idx(s[i], (int)(idx[i] & 1)); /* formerly active */
	smp_mb(); /* the grace periods before the caller's later accesses */
	for (i = 0; i < n; i++)	/* even: done */
		smp_store_release(&s[i]->gp_seq, s[i]->gp_seq + 1);
}

void rb_srcu_synchronize(struct rb_srcu_struct *ssp)
{
	unsigned long idx;

	rb_mutex_lock(&ssp->lock);
	rb_srcu_gp_locked(&ssp, &idx, 1);
	rb_mutex_unlock(&ssp->lock);
}

static int rb_srcu_cmp(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)*(struct rb_srcu_struct *const *)a;
	uintptr_t y = (uintptr_t)*(struct rb_srcu_struct *const *)b;

	return x < y ? -1 : x > y;
}

void rb_srcu_synchronize_many(struct rb_srcu_struct *const *ssps, int n)
{
	struct rb_srcu_struct **s;
	unsigned long *idx;
	int i, m = 0;

	if (n <= 0)
		return;
	s = rb_zalloc((size_t)n * (sizeof(*s) + sizeof(*idx)));
	if (!s) {
		for (i = 0; i < n; i++)
			rb_srcu_synchronize(ssps[i]);
		return;
	}
	idx = (unsigned long *)(s + n);
	memcpy(s, ssps, (size_t)n * sizeof(*s));
	qsort(s, (size_t)n, sizeof(*s), rb_srcu_cmp);
	for (i = 0; i < n; i++)	/* drop duplicates: one lock each */
		if (!m || s[m - 1] != s[i])
			s[m++] = s[i];
	for (i = 0; i < m; i++)	/* address order: no ABBA between calls */
		rb_mutex_lock(&s[i]->lock);
	rb_srcu_gp_locked(s, idx, m);
	for (i = m - 1; i >= 0; i--)
		rb_mutex_unlock(&s[i]->lock);
	rb_free(s);
}

unsigned long rb_srcu_get_state(struct rb_srcu_struct *ssp)
{
	smp_mb(); /* the caller's prior accesses before the snapshot */
	return (READ_ONCE(ssp->gp_seq) + 3) & ~1UL;	/* rcu_seq_snap() */
}

bool rb_srcu_poll_state(struct rb_srcu_struct *ssp, unsigned long cookie)
{
	bool done = (long)(smp_load_acquire(&ssp->gp_seq) - cookie) >= 0;

	smp_mb(); /* the grace period before the caller's later accesses */
	return done;
}
