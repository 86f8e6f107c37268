/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kcompat.h - kernel-version differences only the module needs (the
 * shared code's live in primitives/compat/kernel.h).  LINUX_VERSION_CODE
 * is tested in these two headers and nowhere else.
 */
#ifndef REVBENCH_KMOD_KCOMPAT_H
#define REVBENCH_KMOD_KCOMPAT_H

#include <linux/platform_device.h>
#include <linux/srcu.h>
#include <linux/version.h>

/*
 * platform_driver.remove returns void since 6.11 (int before; 6.3-6.10
 * and some stable 6.1 also had .remove_new).  RB_PLATFORM_REMOVE(name, fn)
 * defines name() with the right type around void fn(struct platform_device *)
 * for use as ".remove = name".
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define RB_PLATFORM_REMOVE(name, fn)					\
static void name(struct platform_device *pdev)				\
{									\
	fn(pdev);							\
}
#else
#define RB_PLATFORM_REMOVE(name, fn)					\
static int name(struct platform_device *pdev)				\
{									\
	fn(pdev);							\
	return 0;							\
}
#endif

/*
 * Which path will synchronize_srcu(ssp) take?  The kernel does not say,
 * so this evaluates its own rule, with the same inputs, immediately
 * before the call: synchronize_srcu() expedites when srcu_might_be_idle()
 * (nothing in flight: gp_seq current and no later one needed; and more
 * than srcutree.exp_holdoff ns, @holdoff_ns, since the domain's last
 * grace period ended - init_srcu_struct() counts as one) or
 * rcu_gp_is_expedited() (rcupdate.rcu_expedited, or still booting), and
 * then synchronize_srcu_expedited(), unless rcu_gp_is_normal()
 * (rcupdate.rcu_normal), which wins.  srcu_might_be_idle() also looks for
 * callbacks queued on the local srcu_data; revbench never queues SRCU
 * callbacks, and a concurrent synchronize_srcu() of the same domain shows
 * as a needed grace period.  The one input that moves between this
 * evaluation and the kernel's own is the clock: only a call that lands
 * within nanoseconds of the end of the holdoff can be counted on the
 * wrong side.  srcu_paths.c: why this and not timing.  Reads
 * header-visible fields of struct srcu_struct (srcu_usage since 6.4).
 */
static inline bool rbk_srcu_sync_expedites(struct srcu_struct *ssp,
					   bool expedited_call,
					   unsigned long holdoff_ns)
{
#ifdef CONFIG_TREE_SRCU
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
	struct srcu_usage *sup = ssp->srcu_sup;
#else
	struct srcu_struct *sup = ssp;
#endif
	unsigned long cur, t, tlast;
#endif

	if (rcu_gp_is_normal())
		return false;
	if (expedited_call || rcu_gp_is_expedited())
		return true;
#ifdef CONFIG_TREE_SRCU
	t = ktime_get_mono_fast_ns();
	tlast = READ_ONCE(sup->srcu_last_gp_end);
	if (!holdoff_ns || time_in_range_open(t, tlast, tlast + holdoff_ns))
		return false;		/* too soon after the last one */
	cur = READ_ONCE(sup->srcu_gp_seq) & ~0x3UL;	/* rcu_seq_current() */
	smp_mb();	/* as srcu_might_be_idle(): gp_seq before _needed */
	if (ULONG_CMP_LT(cur, READ_ONCE(sup->srcu_gp_seq_needed)))
		return false;		/* a grace period is in flight */
	return true;
#else
	return false;
#endif
}

#endif /* REVBENCH_KMOD_KCOMPAT_H */
