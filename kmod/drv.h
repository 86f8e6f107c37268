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
	unsigned int nsamples;		/* unbind samples taken */
	unsigned long accesses, errors, retries, bad;
	unsigned long pending;		/* deferred frees not run at the end */
	unsigned long unreclaimed_peak;	/* bytes revoked, not yet freed */
	size_t bytes_per_rev, bytes_per_domain;
	const char *skip;		/* the cell cannot run: why */
	const char *fail;		/* contract violation: what */
};

/* Rebind every device with @ops (no readers may be running). */
int rbk_drv_select(const struct revocable_ops *ops);
/* Destroy revocables retired by remove() (no readers may be running). */
void rbk_drv_reap(void);
/* One repetition of driver-unbind: buf->nsamples timed unbinds. */
int rbk_drv_unbind_rep(const struct rbk_config *cfg,
		       const struct revocable_ops *ops, int nreaders,
		       struct rbk_drv_bufs *buf, struct rbk_drv_stats *st);

#endif /* REVBENCH_KMOD_DRV_H */
