// SPDX-License-Identifier: GPL-2.0
/*
 * kthread.c - the module's kthread helpers and stop flag (kthread.h).
 * Nothing here depends on the rest of the module.
 */
#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/sched.h>

#include "kthread.h"

void rbk_wait_for_stop(void)
{
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop())
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
}

struct task_struct *rbk_kthread_on_cpu(int (*fn)(void *), void *data,
				       int cpu, const char *name)
{
	struct task_struct *t;

	if (cpu >= 0)
		t = kthread_create_on_cpu(fn, data, cpu, name);
	else
		t = kthread_create(fn, data, "%s", name);
	if (IS_ERR(t))
		return t;
	wake_up_process(t);
	return t;
}

static atomic_t rbk_stop_flag = ATOMIC_INIT(0);

void rbk_stop_set(bool stop)
{
	atomic_set(&rbk_stop_flag, stop);
}

bool rbk_should_stop(void)
{
	return atomic_read(&rbk_stop_flag) ||
	       (current->flags & PF_KTHREAD && kthread_should_stop());
}
