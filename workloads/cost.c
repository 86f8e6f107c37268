// SPDX-License-Identifier: GPL-2.0
/*
 * cost.c - the revoke-cost meter (see cost.h), shared by the userspace
 * runner and the kernel module.
 */
#include "cost.h"

void rb_cost_init(struct rb_cost *c, const struct rb_cost_src *src)
{
	memset(c, 0, sizeof(*c));
	c->src = src;
}

/*
 * The IPI counters are read outside the CPU-time pair, so that the
 * revoker's CPU time holds the revoke alone, not the reading of
 * /proc/interrupts.
 */
void rb_cost_begin(struct rb_cost *c)
{
	if (!c)
		return;
	c->ipi0 = c->src->ipis && c->src->ipis(&c->call0, &c->tlb0);
	c->cpu0 = c->src->thread_cpu_ns();
}

void rb_cost_end(struct rb_cost *c, bool timed)
{
	u64 cpu, call, tlb;

	if (!c)
		return;
	cpu = c->src->thread_cpu_ns();
	if (!timed)
		return;
	c->n++;
	/* the clock's own cost off, once per window; never below 0 */
	if (cpu > c->cpu0 + c->src->floor_ns)
		c->cpu_ns += cpu - c->cpu0 - c->src->floor_ns;
	if (!c->src->ipis)
		return;
	if (!c->ipi0 || !c->src->ipis(&call, &tlb)) {
		c->ipi_lost = true;
		return;
	}
	/* the counters are unsigned int per CPU: a wrap reads as 0 */
	c->call += call > c->call0 ? call - c->call0 : 0;
	c->tlb += tlb > c->tlb0 ? tlb - c->tlb0 : 0;
}
