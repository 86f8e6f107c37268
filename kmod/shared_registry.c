// SPDX-License-Identifier: GPL-2.0
/* The shared registry source, compiled unchanged. */
#include "primitives/registry.c"
