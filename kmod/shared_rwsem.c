// SPDX-License-Identifier: GPL-2.0
/* The shared rwsem source, compiled unchanged. */
#include "primitives/rwsem.c"
