// SPDX-License-Identifier: GPL-2.0
/* The shared revoke-cost meter, compiled unchanged. */
#include "workloads/cost.c"
