// SPDX-License-Identifier: GPL-2.0
/* The shared torture core (torture/torture.h), compiled unchanged. */
#include "torture/torture.c"
