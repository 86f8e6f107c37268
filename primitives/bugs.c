// SPDX-License-Identifier: GPL-2.0
/*
 * The bug zoo, kernel-portable part (see bugs.h): deliberately broken
 * primitives written only against compat.h, so the kernel module can
 * compile this file unchanged.  Built into test builds only
 * (-DREVBENCH_BUGS); every entry carries REV_CAP_BROKEN and must be caught.
 *
 * The three entries here share one correct reader count, struct rev_bug_ref,
 * and the revocable.h skeleton (struct rev_base, rev_once_batch()); each
 * breaks exactly one thing in its revoke path, named where it happens.
 *
 * Zoo entries that need a real primitive's internals live next to it,
 * fenced by #ifdef REVBENCH_BUGS (bugs.h lists where each is); the zoo
 * tables are in registry.c.
 */
#include "revocable.h"	/* outside the #ifdef: never an empty unit */

#ifdef REVBENCH_BUGS

#include "bugs.h"

/*
 * The correct part.  Reader: increment the count (fully ordered), then
 * load `dead`, backing out if it is set.  Revoker: store `dead`, smp_mb(),
 * then wait for the count to reach zero - the store-buffering pair, so
 * either the reader sees `dead` or the revoker sees the reader's count.
 * rev_once_batch() with rev_bug_ref_batch is a correct revoke() and
 * revoke_many() (the release callback after the wait).
 */
struct rev_bug_ref {
	struct rev_base base;	/* first: rev_base(rev) is a cast */
	atomic_long_t count;	/* readers inside */
	int dead;		/* try_access fails once set */
	int released;		/* bug-double-release's flag */
};

REV_BASE_CREATE(rev_bug_ref_create, struct rev_bug_ref, NULL)

REV_SIZEOF_FOOTPRINT(rev_bug_ref_footprint, struct rev_bug_ref)

static void *rev_bug_ref_try_access(struct revocable *rev, struct rev_handle *h)
{
	struct rev_bug_ref *r = (struct rev_bug_ref *)rev;

	(void)h;
	atomic_long_inc_return(&r->count);	/* fully ordered */
	if (READ_ONCE(r->dead)) {
		atomic_long_dec_return(&r->count);
		return NULL;
	}
	return r->base.res;
}

static int rev_bug_ref_release(struct revocable *rev, struct rev_handle *h)
{
	struct rev_bug_ref *r = (struct rev_bug_ref *)rev;

	(void)h;
	atomic_long_dec_return(&r->count);	/* fully ordered */
	return 0;
}

/* No new access succeeds from here. */
static void rev_bug_ref_stop(struct revocable *rev)
{
	WRITE_ONCE(((struct rev_bug_ref *)rev)->dead, 1);
	smp_mb(); /* dead before reading the count (pairs the readers' inc) */
}

/* Wait until no reader is inside: count, the readers', reaches zero. */
static void rev_bug_drain(atomic_long_t *count)
{
	unsigned int spins = 0;

	while (smp_load_acquire(&count->counter))
		rev_backoff(&spins);
}

static void rev_bug_ref_wait(struct revocable **revs, int n)
{
	int i;

	for (i = 0; i < n; i++)
		rev_bug_drain(&((struct rev_bug_ref *)revs[i])->count);
}

static const struct rev_batch rev_bug_ref_batch = {
	.stop = rev_bug_ref_stop,
	.wait = rev_bug_ref_wait,
};

REV_BATCH_REVOKE(rev_bug_ref_revoke, &rev_bug_ref_batch)

/* Every entry here: the ops of struct rev_bug_ref but its revoke path. */
#define BUG_REF_OPS						\
	.family = "refcount",					\
	.caps = REV_CAP_BROKEN | REV_CAP_SLEEP,			\
	.create = rev_bug_ref_create,				\
	.destroy = rev_destroy_free,				\
	.footprint = rev_bug_ref_footprint,				\
	.try_access = rev_bug_ref_try_access,			\
	.release = rev_bug_ref_release

/*
 * bug-nowait: the revoke marks the revocable dead (so try_access() calls
 * that start after it fail, as the contract wants) and runs the release
 * callback at once, while readers that got in before may still be using
 * the resource: a use-after-release the stress test must report.  The one
 * bug: no .wait in its rev_batch.  (The shape of "mark dead, free, forget
 * the readers in flight".)
 */
static const struct rev_batch rev_bug_nowait_batch = {
	.stop = rev_bug_ref_stop,
	/* BUG (deliberate): no .wait for the readers still inside. */
};

REV_BATCH_REVOKE(rev_bug_nowait_revoke, &rev_bug_nowait_batch)

const struct revocable_ops rev_ops_bug_nowait = {
	.name = "bug-nowait",
	.desc = "BROKEN on purpose: refcount whose revoke releases without "
		"waiting for readers",
	BUG_REF_OPS,
	.revoke = rev_bug_nowait_revoke,
};

/*
 * bug-double-release: the correct wait, and an "already revoked?" test
 * separated from the flag it tests: the revoke returns early if
 * `released` is set - but sets it only at the very end, after waiting for
 * the readers and running the release callback, instead of claiming the
 * revocable first (rev_once).  A second revoke() called after the first
 * returned is a no-op, as the contract wants; two revokes that overlap (an
 * unbind racing an error path, say) both pass the test, both wait, and
 * both run the release callback: a double free.  The one bug is where
 * `released` is set; rev_once_batch() (rev_bug_ref_revoke) is the fix.
 */
static void rev_bug_dblrel_revoke(struct revocable *rev)
{
	struct rev_bug_ref *r = (struct rev_bug_ref *)rev;

	if (READ_ONCE(r->released))
		return;			/* "already revoked" - too weak a test */
	rev_bug_ref_stop(rev);
	rev_bug_drain(&r->count);
	rev_base_release(&r->base);
	/* BUG (deliberate): set only now, so overlapping revokes both ran. */
	WRITE_ONCE(r->released, 1);
}

const struct revocable_ops rev_ops_bug_double_release = {
	.name = "bug-double-release",
	.desc = "BROKEN on purpose: two overlapping revokes both run the "
		"release callback",
	BUG_REF_OPS,
	.revoke = rev_bug_dblrel_revoke,
};

/*
 * bug-many-early: revoke() is correct (rev_bug_ref_revoke); revoke_many()
 * follows the same protocol but runs each release callback as it stops
 * the revocable, before the one wait for the readers of the batch - the
 * shape of a batched unbind that frees every resource and only then
 * waits for the grace period.  Readers inside any revocable of the batch
 * then use a released resource: torture's batched revokes report poison.
 * The one bug: the release moved from .finish to .stop.
 */
static void rev_bug_early_stop(struct revocable *rev)
{
	rev_bug_ref_stop(rev);
	/* BUG (deliberate): released before .wait has seen the readers out. */
	rev_base_release(rev_base(rev));
}

static void rev_bug_early_finish(struct revocable *rev)
{
	(void)rev;	/* the release already ran, in rev_bug_early_stop() */
}

static const struct rev_batch rev_bug_early_batch = {
	.stop = rev_bug_early_stop,
	.wait = rev_bug_ref_wait,
	.finish = rev_bug_early_finish,
};

REV_BATCH_REVOKE_MANY(rev_bug_early_revoke_many, &rev_bug_early_batch)

const struct revocable_ops rev_ops_bug_many_early = {
	.name = "bug-many-early",
	.desc = "BROKEN on purpose: revoke_many runs the release callbacks "
		"before waiting for the readers",
	BUG_REF_OPS,
	.revoke = rev_bug_ref_revoke,
	.revoke_many = rev_bug_early_revoke_many,
};

#ifdef __KERNEL__
/*
 * Kernel-only entries: their defects need CPU hotplug or hardirq context,
 * which only the module's torture has (torture.h: onoff, irq).
 */
#include <linux/cpumask.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>

/*
 * bug-percpu-offline: a per-CPU reader count in the shape of SRCU's and
 * percpu_ref's.  A reader increments the counter of the CPU it runs on
 * (fully ordered), remembers that CPU in its handle, re-checks `dead`,
 * and at release decrements that same counter from wherever it runs by
 * then, so each counter holds the accesses taken on its CPU that are
 * still held, and their sum is the number of readers inside.  The revoke
 * stores `dead`, smp_mb(), and waits for the sum to reach zero.  The one
 * bug: the sum runs over the ONLINE CPUs.  A reader that took its access
 * on a CPU and was migrated when that CPU went offline is still inside,
 * but its count sits on the offline CPU, so the revoke returns and
 * releases under it.  Without hotplug every CPU stays online and the
 * design is correct (torture passes it with onoff_ms=0); with the onoff
 * thread the oracle reports poison or overtaken.  The fix is
 * for_each_possible_cpu() (or folding a dead CPU's count into a shared
 * one in a CPUHP callback, as lib/percpu_counter.c does).
 */
struct rev_bug_pcpu {
	struct rev_base base;		/* first: rev_base(rev) is a cast */
	atomic_long_t __percpu *count;	/* accesses taken on that CPU, held */
	int dead;
};

static int rev_bug_pcpu_init(struct revocable *rev)
{
	struct rev_bug_pcpu *r = (struct rev_bug_pcpu *)rev;

	r->count = alloc_percpu(atomic_long_t);	/* zeroed */
	return r->count ? 0 : -ENOMEM;
}

REV_BASE_CREATE(rev_bug_pcpu_create, struct rev_bug_pcpu, rev_bug_pcpu_init)

static void rev_bug_pcpu_destroy(struct revocable *rev)
{
	free_percpu(((struct rev_bug_pcpu *)rev)->count);
	rb_free(rev);
}

static size_t rev_bug_pcpu_footprint(const struct revocable *rev)
{
	(void)rev;
	return sizeof(struct rev_bug_pcpu) + sizeof(atomic_long_t) * nr_cpu_ids;
}

static void *rev_bug_pcpu_try_access(struct revocable *rev, struct rev_handle *h)
{
	struct rev_bug_pcpu *r = (struct rev_bug_pcpu *)rev;
	int cpu = get_cpu();

	atomic_long_inc_return(per_cpu_ptr(r->count, cpu)); /* fully ordered */
	put_cpu();
	h->seq = cpu;
	if (READ_ONCE(r->dead)) {
		atomic_long_dec_return(per_cpu_ptr(r->count, cpu));
		return NULL;
	}
	return r->base.res;
}

static int rev_bug_pcpu_release(struct revocable *rev, struct rev_handle *h)
{
	struct rev_bug_pcpu *r = (struct rev_bug_pcpu *)rev;

	atomic_long_dec_return(per_cpu_ptr(r->count, (int)h->seq));
	return 0;
}

static void rev_bug_pcpu_stop(struct revocable *rev)
{
	WRITE_ONCE(((struct rev_bug_pcpu *)rev)->dead, 1);
	smp_mb(); /* dead before reading the counts (pairs the readers' inc) */
}

static void rev_bug_pcpu_wait(struct revocable **revs, int n)
{
	int i, cpu;

	for (i = 0; i < n; i++) {
		struct rev_bug_pcpu *r = (struct rev_bug_pcpu *)revs[i];
		unsigned int spins = 0;
		long sum;

		do {
			sum = 0;
			/*
			 * BUG (deliberate): online only; an offline CPU's
			 * counts are readers still inside.  cpu_online() is a
			 * marked read of the mask that CPU hotplug changes
			 * under the scan; for_each_online_cpu()'s
			 * find_next_bit() is a plain one, a data race KCSAN
			 * reported against set_cpu_online() (CI, 12-06) that
			 * is not this entry's defect.
			 */
			for_each_possible_cpu(cpu)
				if (cpu_online(cpu))
					sum += smp_load_acquire(
						&per_cpu_ptr(r->count,
							     cpu)->counter);
			if (sum)
				rev_backoff(&spins);
		} while (sum);
	}
}

static const struct rev_batch rev_bug_pcpu_batch = {
	.stop = rev_bug_pcpu_stop,
	.wait = rev_bug_pcpu_wait,
};

REV_BATCH_REVOKE(rev_bug_pcpu_revoke, &rev_bug_pcpu_batch)

const struct revocable_ops rev_ops_bug_percpu_offline = {
	.name = "bug-percpu-offline",
	.family = "percpu-ref",
	.desc = "BROKEN on purpose: per-CPU reader counts summed over the "
		"online CPUs only (loses an offline CPU's readers)",
	.caps = REV_CAP_BROKEN | REV_CAP_SLEEP | REV_CAP_BOUNDED |
		REV_CAP_IRQSAFE | REV_CAP_XRELEASE | REV_CAP_ONOFF,
	.create = rev_bug_pcpu_create,
	.destroy = rev_bug_pcpu_destroy,
	.footprint = rev_bug_pcpu_footprint,
	.try_access = rev_bug_pcpu_try_access,
	.release = rev_bug_pcpu_release,
	.revoke = rev_bug_pcpu_revoke,
};

/*
 * bug-irq-rwlock: `dead` guarded by an rwlock_t.  Readers take
 * read_lock(), test `dead`, count themselves in (an atomic), unlock; the
 * revoke takes write_lock(), sets `dead`, unlocks, and waits for the
 * count to drain - correct for task readers, and it claims
 * REV_CAP_IRQSAFE.  It is not irq-safe: a reader in a handler that
 * interrupts the revoke inside its write_lock() on the same CPU spins on
 * it forever (the write side needs write_lock_irqsave()).  Lockdep
 * reports the lock write-held with hardirqs enabled and read-taken in
 * hardirq ("inconsistent {HARDIRQ-ON-W} -> {IN-HARDIRQ-R} usage") at the
 * first irq access after the first revoke; the module's torture sees
 * lockdep turn itself off (the checker failure, torture.h) and starts no
 * irq access after that.  Readers never wait for each other (queued
 * rwlocks let a reader in hardirq past a waiting writer), so only a
 * handler landing in the writer's few instructions of one revocable can
 * deadlock before the report; a spinlock taken by every reader (the
 * first version of this entry) deadlocked the KASAN kernel at its very
 * first irq access.  Without lockdep the only symptom would be a dead
 * CPU: the module runs it only under lockdep (REV_CAP_LOCKDEP: make
 * vm-check-debug), never on PREEMPT_RT, where an rwlock_t sleeps.
 *
 * Harness support, not part of the bug (as unwedge is for the entries
 * whose revoke hangs): that one deadlock would kill a CPU before the
 * report, pin the module (its threads cannot be stopped) and fail the
 * boot at rmmod, as a CI run on the KASAN kernel failed (12-06;
 * torture/README.md says what is known of it).  So the writer marks
 * its CPU (preemption off, from before write_lock() to after the
 * unlock), and a reader that finds its own CPU marked - a handler that
 * interrupted the write section - is refused instead of spinning, and
 * says so on the console.  Lockdep's report, from any handler outside
 * that section, is still what catches the entry: the one test point
 * gets its report from the first irq access (make vm-check-debug).  A
 * boot with a copy of the reader called inside the write section printed
 * the refusal each time and no hang (12-06).
 */
static DEFINE_PER_CPU(int, rev_bug_rwl_writing);

struct rev_bug_rwl {
	struct rev_base base;	/* first: rev_base(rev) is a cast */
	rwlock_t lock;		/* guards dead */
	atomic_long_t count;	/* readers inside */
	int dead;
};

static int rev_bug_rwl_init(struct revocable *rev)
{
	struct rev_bug_rwl *r = (struct rev_bug_rwl *)rev;

	rwlock_init(&r->lock);	/* one lockdep class for all */
	return 0;
}

REV_BASE_CREATE(rev_bug_rwl_create, struct rev_bug_rwl, rev_bug_rwl_init)

REV_SIZEOF_FOOTPRINT(rev_bug_rwl_footprint, struct rev_bug_rwl)

static void *rev_bug_rwl_try_access(struct revocable *rev, struct rev_handle *h)
{
	struct rev_bug_rwl *r = (struct rev_bug_rwl *)rev;
	void *p = NULL;

	(void)h;
	if (this_cpu_read(rev_bug_rwl_writing)) {
		/* would spin forever on our own CPU's write lock */
		pr_info_ratelimited("revbench: bug-irq-rwlock: a reader interrupted the write section on its CPU: refused (the deadlock the bug allows; harness support)\n");
		return NULL;
	}
	read_lock(&r->lock);
	if (!r->dead) {
		atomic_long_inc(&r->count);
		p = r->base.res;
	}
	read_unlock(&r->lock);
	return p;
}

static int rev_bug_rwl_release(struct revocable *rev, struct rev_handle *h)
{
	(void)h;
	atomic_long_dec_return(&((struct rev_bug_rwl *)rev)->count); /* ordered */
	return 0;
}

/*
 * After the write-locked store, no reader can count itself in: one that
 * holds the read lock has counted itself already (the unlock orders its
 * increment before our lock).
 */
static void rev_bug_rwl_stop(struct revocable *rev)
{
	struct rev_bug_rwl *r = (struct rev_bug_rwl *)rev;

	preempt_disable();
	this_cpu_write(rev_bug_rwl_writing, 1);
	/* BUG (deliberate): interrupts stay enabled; readers run in hardirq. */
	write_lock(&r->lock);
	r->dead = 1;
	write_unlock(&r->lock);
	this_cpu_write(rev_bug_rwl_writing, 0);
	preempt_enable();
}

static void rev_bug_rwl_wait(struct revocable **revs, int n)
{
	int i;

	for (i = 0; i < n; i++)
		rev_bug_drain(&((struct rev_bug_rwl *)revs[i])->count);
}

static const struct rev_batch rev_bug_rwl_batch = {
	.stop = rev_bug_rwl_stop,
	.wait = rev_bug_rwl_wait,
};

REV_BATCH_REVOKE(rev_bug_rwl_revoke, &rev_bug_rwl_batch)

const struct revocable_ops rev_ops_bug_irq_rwlock = {
	.name = "bug-irq-rwlock",
	.family = "refcount",
	.desc = "BROKEN on purpose: rwlock whose revoke takes write_lock() "
		"without _irqsave, claiming REV_CAP_IRQSAFE",
	.caps = REV_CAP_BROKEN | REV_CAP_SLEEP | REV_CAP_BOUNDED |
		REV_CAP_IRQSAFE | REV_CAP_XRELEASE | REV_CAP_LOCKDEP,
	.create = rev_bug_rwl_create,
	.destroy = rev_destroy_free,
	.footprint = rev_bug_rwl_footprint,
	.try_access = rev_bug_rwl_try_access,
	.release = rev_bug_rwl_release,
	.revoke = rev_bug_rwl_revoke,
};
#endif /* __KERNEL__ */

#endif /* REVBENCH_BUGS */
