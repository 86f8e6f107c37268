// SPDX-License-Identifier: GPL-2.0
/* The shared srcu source, compiled unchanged. */
#include "primitives/srcu.c"
