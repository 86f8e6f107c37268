// SPDX-License-Identifier: GPL-2.0
/* The shared rwsem source, compiled unchanged, and its one lockdep class. */
#include "primitives/rwsem.c"

/* Every rb_rwsem's lockdep class (compat/kernel.h: why one, the nesting). */
struct lock_class_key rb_rwsem_key;
