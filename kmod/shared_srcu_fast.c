// SPDX-License-Identifier: GPL-2.0
/* The shared srcu-fast source, compiled unchanged. */
#include "primitives/srcu_fast.c"
