// SPDX-License-Identifier: GPL-2.0
/* The shared hazptr-pcpu primitive, compiled unchanged. */
#include "primitives/hazptr_pcpu.c"
