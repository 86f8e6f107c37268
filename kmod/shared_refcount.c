// SPDX-License-Identifier: GPL-2.0
/* The shared refcount source, compiled unchanged. */
#include "primitives/refcount.c"
