/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hazptr.h - the hazard-pointer primitives (primitives/hazptr.c).
 */
#ifndef REVBENCH_HAZPTR_H
#define REVBENCH_HAZPTR_H

#include "revocable.h"

/* Hazard-pointer slots per context (CPU in the kernel, thread in userspace). */
#define HP_SLOTS_PER_CTX	4

/* Readers publish, then smp_mb(); kernel and userspace. */
extern const struct revocable_ops rev_ops_hazptr;

/*
 * Readers publish, then barrier(); the revoker issues membarrier(2)
 * (userspace) or an IPI to every online CPU (module, rb_heavy_fence()).
 */
extern const struct revocable_ops rev_ops_hazptr_asym;

#ifndef __KERNEL__
/*
 * How hazptr-asym orders readers, for the results context (results/FORMAT.md,
 * "membarrier", recorded by runner/calib.c's rb_membarrier_state()):
 * "private-expedited", or "unavailable: fallback to smp_mb"
 * when membarrier(2) cannot be used (then hazptr-asym readers issue
 * smp_mb() like plain hazptr; a warning went to stderr).  Probes on first
 * call.  Setting REVBENCH_NO_MEMBARRIER=1 in the environment forces the
 * fallback, to test it.
 */
const char *rev_hazptr_membarrier_state(void);
#endif

#endif /* REVBENCH_HAZPTR_H */
