// SPDX-License-Identifier: GPL-2.0
/* The shared workload code, compiled unchanged. */
#include "workloads/workload.c"
