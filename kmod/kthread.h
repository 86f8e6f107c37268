/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kthread.h - kthread helpers for the module's own threads (kthread.c):
 * bench participants, the calibration probe, the driver's readers, torture
 * and the background run thread; and the stop flag they all poll.  A
 * leaf: kthread.c depends on nothing of the module.  Harness code shared
 * with userspace (tests/suite/) starts its threads with compat.h's
 * rb_thread_start()/rb_thread_join() instead.
 */
#ifndef REVBENCH_KMOD_KTHREAD_H
#define REVBENCH_KMOD_KTHREAD_H

#include <linux/types.h>

struct task_struct;

/*
 * A kthread bound to @cpu (any CPU if @cpu < 0), started; @name may hold
 * one %u for the CPU.  An ERR_PTR on failure.  The caller kthread_stop()s
 * it.
 */
struct task_struct *rbk_kthread_on_cpu(int (*fn)(void *), void *data,
				       int cpu, const char *name);

/* Park until kthread_stop(): the owner always stops its threads. */
void rbk_wait_for_stop(void);

/*
 * The module-wide stop flag: set by rmmod and the debugfs "stop" file
 * (main.c), cleared when a run starts.  rbk_should_stop() is true once
 * it is set, or when the calling kthread is being kthread_stop()ped.
 */
void rbk_stop_set(bool stop);
bool rbk_should_stop(void);

#endif /* REVBENCH_KMOD_KTHREAD_H */
