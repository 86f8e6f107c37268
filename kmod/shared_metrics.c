// SPDX-License-Identifier: GPL-2.0
/* The shared cell names and derived metrics, compiled unchanged. */
#include "workloads/metrics.c"
