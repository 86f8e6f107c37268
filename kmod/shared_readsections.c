// SPDX-License-Identifier: GPL-2.0
/* The harness's read-section loops of every primitive, compiled unchanged. */
#include "workloads/readsections.c"
