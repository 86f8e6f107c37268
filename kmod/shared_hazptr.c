// SPDX-License-Identifier: GPL-2.0
/* The shared hazptr primitive, compiled unchanged. */
#include "primitives/hazptr.c"
