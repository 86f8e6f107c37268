// SPDX-License-Identifier: GPL-2.0
/* The shared bug zoo (empty unless built with KMOD_BUGS=1), unchanged. */
#include "primitives/bugs.c"
