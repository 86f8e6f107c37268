// SPDX-License-Identifier: GPL-2.0
/* The shared rcu source, compiled unchanged. */
#include "primitives/rcu.c"
