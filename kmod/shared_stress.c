// SPDX-License-Identifier: GPL-2.0
/* The shared stress case of the contract suite, compiled unchanged. */
#include "tests/suite/stress.c"
