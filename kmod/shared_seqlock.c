// SPDX-License-Identifier: GPL-2.0
/* The shared seqlock source, compiled unchanged. */
#include "primitives/seqlock.c"
