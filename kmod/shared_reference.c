// SPDX-License-Identifier: GPL-2.0
/* The shared reference read sides (validate's peers), compiled unchanged. */
#include "primitives/reference.c"
