/* SPDX-License-Identifier: GPL-2.0 */
/*
 * srcu_paths.h - which path a revoke's synchronize_srcu() took, counted
 * per ops table (srcu_paths.c; the srcu primitives' ops->gp_paths).
 */
#ifndef REVBENCH_KMOD_SRCU_PATHS_H
#define REVBENCH_KMOD_SRCU_PATHS_H

#include <linux/atomic.h>
#include <linux/srcu.h>

struct rbk_srcu_paths {
	atomic_long_t expedited, normal;
};

/* Read srcutree.exp_holdoff once; 0 (a global_init()). */
int rbk_srcu_paths_init(void);

/*
 * synchronize_srcu_expedited(ssp) if expedited, else synchronize_srcu(ssp),
 * counting in c which path it takes.
 */
void rbk_srcu_sync(struct srcu_struct *ssp, bool expedited,
		   struct rbk_srcu_paths *c);

/* name(): an ops->gp_paths reading the counters c. */
#define RBK_SRCU_PATHS_GET(name, c)					\
static void name(u64 *expedited, u64 *normal)				\
{									\
	*expedited = atomic_long_read(&(c).expedited);			\
	*normal = atomic_long_read(&(c).normal);			\
}

#endif /* REVBENCH_KMOD_SRCU_PATHS_H */
