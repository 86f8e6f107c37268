// SPDX-License-Identifier: GPL-2.0
/*
 * srcu_paths.c - which path each revoke's synchronize_srcu() takes: the
 * kernel side of compat.h's RB_HAVE_SRCU_PATHS (rb_srcu_paths_init(),
 * rb_srcu_sync_counted(), rb_srcu_paths_read(), declared in
 * primitives/compat/kernel.h and called by primitives/srcu.c), and
 * rb_srcu_synchronize_many() at the end of this file.
 *
 * synchronize_srcu() auto-expedites a domain that looks idle, and
 * revbench's per-revocable domains nearly always do (unless revoked
 * within srcutree.exp_holdoff of their init_srcu_struct() or of their
 * last grace period); rcupdate.rcu_expedited and rcu_normal override
 * both calls.  The kernel does not say which path ran, so each revoke
 * evaluates the kernel's own rule immediately before its call
 * (kcompat.h, rbk_srcu_sync_expedites(): the same inputs
 * srcu_might_be_idle() and synchronize_srcu() read) and counts the
 * result; the benchmark reports the split of its timed revokes as
 * gp_expedited / gp_normal.
 *
 * Why not timing against the two paths' costs measured in the same
 * boot: the costs overlap.  A normal grace period waits for the next
 * tick (0 to 1/HZ), an expedited one with a reader inside, or under qemu
 * TCG, can take as long, so any threshold misfiles exactly the samples in
 * question.  The rule's inputs are exact but for the clock, which moves
 * by nanoseconds between this evaluation and the kernel's; only a revoke
 * landing that close to the end of the holdoff can be counted on the
 * wrong side.  The cost: one clock read and a few loads inside the timed
 * revoke, against a grace period of microseconds to milliseconds.
 */
#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "revocable.h"
#include "kmod.h"
#include "kcompat.h"

/* srcutree.exp_holdoff, ns: read once; the kernel's default until then */
static unsigned long rbk_srcu_holdoff_ns = 25000;

int rb_srcu_paths_init(void)
{
	char buf[32];
	unsigned long v;

	rbk_sysfs_line("/sys/module/srcutree/parameters/exp_holdoff", buf,
		       sizeof(buf));
	if (!kstrtoul(buf, 10, &v))
		WRITE_ONCE(rbk_srcu_holdoff_ns, v);
	return 0;
}

void rb_srcu_sync_counted(struct srcu_struct *ssp, bool expedited,
			  struct rb_srcu_paths *c)
{
	if (rbk_srcu_sync_expedites(ssp, expedited,
				    READ_ONCE(rbk_srcu_holdoff_ns)))
		atomic_long_inc(&c->expedited);
	else
		atomic_long_inc(&c->normal);
	if (expedited)
		synchronize_srcu_expedited(ssp);
	else
		synchronize_srcu(ssp);
}

void rb_srcu_paths_read(const struct rb_srcu_paths *c, u64 *expedited,
			u64 *normal)
{
	*expedited = atomic_long_read(&c->expedited);
	*normal = atomic_long_read(&c->normal);
}

/*
 * rb_srcu_synchronize_many() (declared in primitives/compat/kernel.h):
 * start a polled grace period on every domain, then wait for each in
 * turn; the grace periods run side by side, so the wait for the first
 * covers most of the others.  start_poll_synchronize_srcu() returns the
 * cookie of a full grace period that begins no earlier than the call and
 * makes sure one is started; poll_state_synchronize_srcu() is fully
 * ordered like synchronize_srcu()'s return.  Polled rather than
 * call_srcu() per domain: no callback queued (kcompat.h's path rule
 * assumes none), no rcu_head to allocate, and the 50 us sleep between
 * checks is small against a normal SRCU grace period (jiffies).  If the
 * cookie array cannot be allocated, one synchronize_srcu() per domain:
 * slower, never wrong.
 */
void rb_srcu_synchronize_many(struct srcu_struct *const *ssps, int n)
{
	unsigned long *cookie;
	int i;

	if (n <= 0)
		return;
	cookie = kvmalloc_array(n, sizeof(*cookie), GFP_KERNEL);
	if (!cookie) {
		for (i = 0; i < n; i++)
			synchronize_srcu(ssps[i]);
		return;
	}
	for (i = 0; i < n; i++)
		cookie[i] = start_poll_synchronize_srcu(ssps[i]);
	for (i = 0; i < n; i++)
		while (!poll_state_synchronize_srcu(ssps[i], cookie[i]))
			usleep_range(50, 100);
	kvfree(cookie);
}
