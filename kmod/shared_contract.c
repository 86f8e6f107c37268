// SPDX-License-Identifier: GPL-2.0
/* The shared contract suite and its driver, compiled unchanged. */
#include "tests/suite/contract.c"
