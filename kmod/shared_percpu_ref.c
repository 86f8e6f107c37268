// SPDX-License-Identifier: GPL-2.0
/* The shared percpu-ref source, compiled unchanged. */
#include "primitives/percpu_ref.c"
