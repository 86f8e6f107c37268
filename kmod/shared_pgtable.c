// SPDX-License-Identifier: GPL-2.0
/* The shared pgtable code, compiled unchanged. */
#include "workloads/pgtable.c"
