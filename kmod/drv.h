/* SPDX-License-Identifier: GPL-2.0 */
/* drv.h - the platform driver's benchmark hooks (drv.c). */
#ifndef REVBENCH_KMOD_DRV_H
#define REVBENCH_KMOD_DRV_H

#include "revocable.h"

struct rbk_config;

struct rbk_drv_stats {
	unsigned int nsamples;		/* unbind samples taken */
	unsigned long accesses, errors, retries, bad;
	size_t bytes_per_rev;
	const char *skip;		/* the cell cannot run: why */
	const char *fail;		/* contract violation: what */
};

/* Rebind every device with @ops (no readers may be running). */
int rbk_drv_select(const struct revocable_ops *ops);
/* Destroy revocables retired by remove() (no readers may be running). */
void rbk_drv_reap(void);
/* One repetition of driver-unbind: nsamples timed unbinds. */
int rbk_drv_unbind_rep(const struct rbk_config *cfg,
		       const struct revocable_ops *ops, int nreaders,
		       u64 *samples, unsigned int nsamples,
		       struct rbk_drv_stats *st);

#endif /* REVBENCH_KMOD_DRV_H */
