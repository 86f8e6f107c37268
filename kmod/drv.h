/* SPDX-License-Identifier: GPL-2.0 */
/* drv.h - the platform driver's benchmark hooks (drv.c). */
#ifndef REVBENCH_KMOD_DRV_H
#define REVBENCH_KMOD_DRV_H

#include "revocable.h"

struct rbk_config;

/* The caller's sample arrays, nsamples each. */
struct rbk_drv_bufs {
	u64 *samples;			/* the timed unbinds */
	u64 *reclaim;			/* unbind start until the table is freed */
	u64 *teardown;			/* the free itself */
	unsigned int nsamples;
};

struct rbk_drv_stats {
	unsigned int nsamples;		/* unbind samples taken (the floor:
					 * reader cycles) */
	unsigned int lost;		/* cycles whose binding someone else
					 * (sysfs) unbound: no sample */
	unsigned long accesses, errors, retries, bad;	/* readers' sums */
	u64 reader_ns;			/* the readers' running times, summed */
	u64 accesses_per_sec;		/* the sum of every reader's own rate */
	unsigned long pending;		/* deferred frees not run at the end */
	unsigned long unreclaimed_peak;	/* bytes revoked, not yet freed */
	long retained, retained_peak;	/* revocables' bytes, revoked, not
					 * yet destroyed (reaped at the end) */
	u64 gp_expedited, gp_normal;	/* ops->gp_paths() of timed unbinds */
	size_t bytes_per_rev, bytes_per_domain;
	const char *skip;		/* the cell cannot run: why */
	const char *fail;		/* contract violation: what */
};

/* Rebind every device with @ops (no readers may be running). */
int rbk_drv_select(const struct revocable_ops *ops);
/*
 * Destroy revocables retired by remove() (no readers may be running);
 * returns how many had not had their release callback run.
 */
int rbk_drv_reap(void);
/*
 * One repetition of driver-unbind: buf->nsamples timed unbinds (the
 * REV_CAP_UNSAFE floor: as many reader cycles, no unbind; no samples).
 */
int rbk_drv_unbind_rep(const struct rbk_config *cfg,
		       const struct revocable_ops *ops, int nreaders,
		       struct rbk_drv_bufs *buf, struct rbk_drv_stats *st);

#endif /* REVBENCH_KMOD_DRV_H */
