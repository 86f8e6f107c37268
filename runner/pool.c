// SPDX-License-Identifier: GPL-2.0
/*
 * pool.c - hwloc topology, thread placement, and the pool of pinned
 * reader/revoker threads that the one Google Benchmark thread drives.
 *
 * Placement policies, over the PUs this process may use (hwloc filters out
 * PUs outside our cpuset):
 *   compact  PUs in hwloc logical order: SMT siblings of a core first, then
 *            the next core, then the next package
 *   cores    the first PU of every core only: one thread per core
 *   smt      only PUs of cores with at least two PUs (SMT siblings share a
 *            core); none on a machine without SMT
 *   scatter  round robin over packages, then cores, then SMT siblings
 *   none     no pinning: the scheduler places the threads
 * Asking for more threads than the policy has PUs is an error unless
 * --oversubscribe, which wraps around.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "revbench.h"

void (*rb_fatal_cleanup)(void);

int rb_topo_init(struct rb_topo *tp)
{
	hwloc_obj_t pkg;
	const char *model = NULL;
	FILE *f;

	memset(tp, 0, sizeof(*tp));
	if (hwloc_topology_init(&tp->t) || hwloc_topology_load(tp->t)) {
		fprintf(stderr, "revbench: hwloc cannot load the topology\n");
		return -1;
	}
	tp->npu = hwloc_get_nbobjs_by_type(tp->t, HWLOC_OBJ_PU);
	tp->ncore = hwloc_get_nbobjs_by_type(tp->t, HWLOC_OBJ_CORE);
	tp->npkg = hwloc_get_nbobjs_by_type(tp->t, HWLOC_OBJ_PACKAGE);
	if (tp->npu < 1) {
		fprintf(stderr, "revbench: hwloc found no usable CPU\n");
		return -1;
	}
	snprintf(tp->summary, sizeof(tp->summary),
		 "%d package%s, %d core%s, %d PU%s", tp->npkg,
		 tp->npkg == 1 ? "" : "s", tp->ncore,
		 tp->ncore == 1 ? "" : "s", tp->npu, tp->npu == 1 ? "" : "s");
	pkg = hwloc_get_obj_by_type(tp->t, HWLOC_OBJ_PACKAGE, 0);
	if (pkg)
		model = hwloc_obj_get_info_by_name(pkg, "CPUModel");
	if (model) {
		snprintf(tp->cpu_model, sizeof(tp->cpu_model), "%s", model);
		return 0;
	}
	snprintf(tp->cpu_model, sizeof(tp->cpu_model), "unknown");
	f = fopen("/proc/cpuinfo", "r");
	if (f) {
		char line[256];

		while (fgets(line, sizeof(line), f)) {
			char *c = strchr(line, ':');

			if (strncmp(line, "model name", 10) || !c)
				continue;
			c += 1 + strspn(c + 1, " \t");
			c[strcspn(c, "\n")] = 0;
			snprintf(tp->cpu_model, sizeof(tp->cpu_model), "%s", c);
			break;
		}
		fclose(f);
	}
	return 0;
}

void rb_topo_fini(struct rb_topo *tp)
{
	if (tp->t)
		hwloc_topology_destroy(tp->t);
	tp->t = NULL;
}

static hwloc_obj_t core_of(struct rb_topo *tp, hwloc_obj_t pu)
{
	hwloc_obj_t c = hwloc_get_ancestor_obj_by_type(tp->t, HWLOC_OBJ_CORE,
						       pu);
	return c ? c : pu;
}

static hwloc_obj_t pkg_of(struct rb_topo *tp, hwloc_obj_t pu)
{
	hwloc_obj_t p = hwloc_get_ancestor_obj_by_type(tp->t,
						       HWLOC_OBJ_PACKAGE, pu);
	return p ? p : hwloc_get_root_obj(tp->t);
}

/* Rank of pu among the PUs of its core, and of its core in its package. */
static int rank_in(struct rb_topo *tp, hwloc_obj_t parent,
		   hwloc_obj_type_t type, hwloc_obj_t self)
{
	int i, n = hwloc_get_nbobjs_inside_cpuset_by_type(tp->t,
							 parent->cpuset, type);

	for (i = 0; i < n; i++)
		if (hwloc_get_obj_inside_cpuset_by_type(tp->t, parent->cpuset,
							type, i) == self)
			return i;
	return 0;
}

/* Whether placement pl (any but scatter) uses pu, in PU order. */
static bool placed(struct rb_topo *tp, enum rb_placement pl, hwloc_obj_t pu)
{
	hwloc_obj_t c;

	switch (pl) {
	case RB_PLACE_CORES:	/* the first PU of each core */
		c = core_of(tp, pu);
		return c == pu || rank_in(tp, c, HWLOC_OBJ_PU, pu) == 0;
	case RB_PLACE_SMT:	/* every PU of a core with two or more */
		c = core_of(tp, pu);
		return c != pu && hwloc_get_nbobjs_inside_cpuset_by_type(
				tp->t, c->cpuset, HWLOC_OBJ_PU) >= 2;
	default:		/* compact, none: every PU */
		return true;
	}
}

int rb_topo_order(struct rb_topo *tp, enum rb_placement pl,
		  hwloc_obj_t *out, int max)
{
	int i, n = 0, k;

	switch (pl) {
	case RB_PLACE_COMPACT:
	case RB_PLACE_NONE:
	case RB_PLACE_CORES:
	case RB_PLACE_SMT:
		for (i = 0; i < tp->npu && n < max; i++) {
			hwloc_obj_t pu = hwloc_get_obj_by_type(tp->t,
							       HWLOC_OBJ_PU, i);

			if (placed(tp, pl, pu))
				out[n++] = pu;
		}
		return n;
	case RB_PLACE_SCATTER: {
		/* round robin: by SMT rank, then core rank in its package */
		int *key = xcalloc(tp->npu, sizeof(int));

		for (i = 0; i < tp->npu; i++) {
			hwloc_obj_t pu = hwloc_get_obj_by_type(tp->t,
							       HWLOC_OBJ_PU, i);
			hwloc_obj_t c = core_of(tp, pu);

			key[i] = (c == pu ? 0 : rank_in(tp, c, HWLOC_OBJ_PU,
							pu)) * 65536 +
				 rank_in(tp, pkg_of(tp, pu), HWLOC_OBJ_CORE, c);
		}
		while (n < max && n < tp->npu) {
			for (k = -1, i = 0; i < tp->npu; i++)
				if (key[i] >= 0 && (k < 0 || key[i] < key[k]))
					k = i;
			out[n++] = hwloc_get_obj_by_type(tp->t, HWLOC_OBJ_PU, k);
			key[k] = -1;
		}
		free(key);
		return n;
	}
	}
	return 0;
}

/* ---- the pool ------------------------------------------------------------ */

struct rb_pool_arg {
	struct rb_pool *p;
	int idx;
};

static void *pool_thread(void *v)
{
	struct rb_pool_arg *a = v;
	struct rb_pool *p = a->p;
	int idx = a->idx, err = 0;
	unsigned long seen = 0;

	free(a);
	if (p->pu[idx] && hwloc_set_cpubind(p->topo->t, p->pu[idx]->cpuset,
					    HWLOC_CPUBIND_THREAD)) {
		fprintf(stderr, "revbench: thread %d: cannot bind to PU %u: %s\n",
			idx, p->pu[idx]->os_index, strerror(errno));
		err = -1;
	}
	if (!err && rb_thread_init()) {
		fprintf(stderr, "revbench: thread %d: no free context "
			"(rb_thread_init)\n", idx);
		err = -1;
	}
	pthread_mutex_lock(&p->mu);
	p->cpu[idx] = sched_getcpu();
	if (err)
		p->err = err;
	p->ready++;
	pthread_cond_broadcast(&p->cv_done);
	for (;;) {
		while (p->gen == seen && !p->quit)
			pthread_cond_wait(&p->cv_work, &p->mu);
		if (p->quit)
			break;
		seen = p->gen;
		if (idx >= p->nactive)
			continue;
		pthread_mutex_unlock(&p->mu);
		p->fn(p->arg, idx);
		pthread_mutex_lock(&p->mu);
		if (--p->remaining == 0)
			pthread_cond_broadcast(&p->cv_done);
	}
	pthread_mutex_unlock(&p->mu);
	if (!err)
		rb_thread_exit();
	return NULL;
}

int rb_pool_start(struct rb_pool *p, struct rb_topo *tp,
		  enum rb_placement pl, int n, bool oversubscribe)
{
	hwloc_obj_t *order;
	pthread_condattr_t ca;
	sigset_t all, old;
	int i, norder;

	memset(p, 0, sizeof(*p));
	p->n = n;
	p->topo = tp;
	p->tid = xcalloc((size_t)n, sizeof(*p->tid));
	p->pu = xcalloc((size_t)n, sizeof(*p->pu));
	p->cpu = xcalloc((size_t)n, sizeof(*p->cpu));
	order = xcalloc((size_t)tp->npu + 1, sizeof(*order));
	norder = rb_topo_order(tp, pl, order, tp->npu);
	if (n > norder && !oversubscribe) {
		fprintf(stderr, "revbench: %d threads but placement %s gives "
			"%d CPUs\n", n, rb_placement_names[pl], norder);
		free(order);
		return -1;
	}
	for (i = 0; i < n; i++)
		p->pu[i] = pl == RB_PLACE_NONE || !norder ? NULL :
			   order[i % norder];
	free(order);

	pthread_mutex_init(&p->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->cv_work, &ca);
	pthread_cond_init(&p->cv_done, &ca);
	pthread_condattr_destroy(&ca);

	/* Signals go to the benchmark thread only. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (i = 0; i < n; i++) {
		struct rb_pool_arg *a = xmalloc(sizeof(*a));

		a->p = p;
		a->idx = i;
		if (pthread_create(&p->tid[i], NULL, pool_thread, a)) {
			fprintf(stderr, "revbench: cannot create thread %d\n", i);
			free(a);
			p->err = -1;
			break;
		}
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	p->n = i;
	pthread_mutex_lock(&p->mu);
	while (p->ready < p->n)
		pthread_cond_wait(&p->cv_done, &p->mu);
	pthread_mutex_unlock(&p->mu);
	return p->err ? -1 : 0;
}

int rb_pool_run(struct rb_pool *p, int nactive, rb_pool_fn fn,
		void (*abort_fn)(struct rb_wl_run *), struct rb_wl_run *arg,
		double timeout)
{
	u64 start = rb_now_ns(), aborted_at = 0;
	int ret = 0;

	pthread_mutex_lock(&p->mu);
	p->fn = fn;
	p->arg = arg;
	p->nactive = nactive;
	p->remaining = nactive;
	p->gen++;
	pthread_cond_broadcast(&p->cv_work);
	while (p->remaining) {
		/* the condvars run on CLOCK_MONOTONIC, as rb_now_ns() */
		u64 wake = rb_now_ns() + 50000000ULL;
		struct timespec ts = { .tv_sec = (time_t)(wake / 1000000000ULL),
				       .tv_nsec = (long)(wake % 1000000000ULL) };

		pthread_cond_timedwait(&p->cv_done, &p->mu, &ts);
		if (!p->remaining)
			break;
		if (!ret && (rb_interrupted ||
			     (rb_now_ns() - start) * 1e-9 > timeout)) {
			ret = rb_interrupted ? 2 : 1;
			if (ret == 1)
				fprintf(stderr, "!!! revbench: watchdog: a "
					"repetition ran for more than %g s; "
					"stopping its readers\n", timeout);
			if (abort_fn)
				abort_fn(arg);
			aborted_at = rb_now_ns();
		}
		if (ret && rb_now_ns() - aborted_at > 30000000000ULL) {
			fprintf(stderr, "!!! revbench: threads did not stop "
				"30 s after the abort: giving up\n");
			if (rb_fatal_cleanup)
				rb_fatal_cleanup();
			_exit(1);
		}
	}
	pthread_mutex_unlock(&p->mu);
	return ret;
}

void rb_pool_stop(struct rb_pool *p)
{
	int i;

	if (!p->tid)
		return;
	pthread_mutex_lock(&p->mu);
	p->quit = 1;
	pthread_cond_broadcast(&p->cv_work);
	pthread_mutex_unlock(&p->mu);
	for (i = 0; i < p->n; i++)
		pthread_join(p->tid[i], NULL);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv_work);
	pthread_cond_destroy(&p->cv_done);
	free(p->tid);
	free(p->pu);
	free(p->cpu);
	p->tid = NULL;
}
