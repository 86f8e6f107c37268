// SPDX-License-Identifier: GPL-2.0
/* The shared c-revocable source, compiled unchanged. */
#include "primitives/c_revocable.c"
