// SPDX-License-Identifier: GPL-2.0
/* The shared none primitive, compiled unchanged. */
#include "primitives/none.c"
