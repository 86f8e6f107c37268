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

void rb_srcu_synchronize(struct rb_srcu_struct *ssp)
{
	unsigned long idx;

	rb_mutex_lock(&ssp->lock);
	WRITE_ONCE(ssp->gp_seq, ssp->gp_seq + 1);	/* odd: one runs */
	smp_mb(); /* the caller's prior stores (the flags) before the scans */
	idx = READ_ONCE(ssp->idx);
	rb_srcu_wait_idx(ssp, (int)((idx & 1) ^ 1));	/* stale readers */
	smp_mb(); /* E: that scan before the flip */
	WRITE_ONCE(ssp->idx, idx + 1);
	smp_mb(); /* D: the flip before the second scan */
	rb_srcu_wait_idx(ssp, (int)(idx & 1));	/* the formerly active half */
	smp_mb(); /* the grace period before the caller's later accesses */
	smp_store_release(&ssp->gp_seq, ssp->gp_seq + 1);	/* even: done */
	rb_mutex_unlock(&ssp->lock);
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
