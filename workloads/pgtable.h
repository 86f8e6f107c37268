/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pgtable.h - the page table the workloads run on: a software model of an
 * IOMMU page table in the shape of drivers/iommu/io-pgtable-arm.c (LPAE,
 * stage-1 like, 4 KiB granule).  Shared by userspace and the kernel module;
 * written against compat.h only.
 *
 * Geometry: 48-bit IOVA, 4 levels (0..3) of 512 eight-byte entries, one
 * 4 KiB table page each.  Level 0 indexes IOVA bits 47:39, level 1 bits
 * 38:30, level 2 bits 29:21, level 3 bits 20:12.  Page sizes: 4 KiB (a
 * page entry at level 3), 2 MiB (a block entry at level 2), 1 GiB (a block
 * entry at level 1).  Output ("physical") addresses are 48-bit as well.
 *
 * Entry format (an LPAE-like descriptor):
 *   bit 0      VALID
 *   bit 1      TYPE: 1 = next-level table at levels 0..2, page at level 3;
 *              0 = block at levels 1..2 (invalid at levels 0 and 3)
 *   bit 6      READ   \  access permissions (the two bits sit where
 *   bit 7      WRITE  /  LPAE stage 2 keeps its read/write HAP field)
 *   bits 47:12 output address of a page or block entry
 *   bits 63:12 next-table address of a table entry
 * We are not a real IOMMU: the "physical" address of a table is its
 * kernel-virtual (or userspace) address, stored whole in bits 63:12 so that
 * kernel addresses (bits 63:48 set) survive.  Table pages must therefore be
 * 4 KiB aligned.
 *
 * API, following io-pgtable's map_pages/unmap_pages/iova_to_phys:
 *
 *   pgt = rb_pgt_alloc(&rb_pgt_default_alloc, NULL);   NULL: -ENOMEM
 *   rb_pgt_map_pages(pgt, iova, paddr, pgsize, pgcount, prot, &mapped)
 *       0, -EINVAL (pgsize not 4K/2M/1G, pgcount 0, iova or paddr not
 *       aligned to pgsize, range beyond 48 bits, prot without READ/WRITE
 *       or with unknown bits), -EEXIST (any part of the range is already
 *       mapped, at any page size), -ENOMEM.  *mapped (may be NULL) is
 *       increased by the bytes mapped.  As in io-pgtable the range is
 *       checked and written one table at a time: on an error, the tables
 *       before the failing one stay mapped and *mapped says how much that
 *       is; the caller unmaps it (as iommu_map() does).
 *   rb_pgt_unmap_pages(pgt, iova, pgsize, pgcount)
 *       bytes unmapped: stops at the first entry that is not a mapping of
 *       exactly pgsize, so 0 if nothing is mapped at iova.  Blocks are
 *       never split: unmapping 4K out of a 2M block returns 0 and leaves
 *       the block.  A next-level table where a pgsize leaf is expected
 *       (e.g. unmapping 2M over 4K pages) also stops the unmap; io-pgtable
 *       would free the whole sub-table there, which we cannot do safely
 *       without a grace period (see "tables" below).
 *   rb_pgt_iova_to_phys(pgt, iova)
 *       the output address, 0 if unmapped (so a mapping of physical
 *       address 0 reads as unmapped, exactly as in io-pgtable).  Never
 *       follows an invalid entry; returns 0 on a poisoned tree.
 *   rb_pgt_free(pgt)
 *       poisons and frees every table page and the struct itself; this is
 *       what a revocable's release callback calls.  Never sleeps (the hook
 *       permitting; free_page() is fine in softirq, e.g. from call_rcu()).
 *       A second rb_pgt_free() of a quarantined struct is reported with
 *       rb_pr_err() and does nothing; on such a struct map returns
 *       -EINVAL, unmap 0 and iova_to_phys 0.
 *   rb_pgt_populate(pgt, iova, paddr, pgsize, n_pages)
 *       benchmark helper: maps a read/write working set of n_pages pages
 *       of pgsize, iova -> paddr linearly (iova + k * pgsize translates to
 *       paddr + k * pgsize); all or nothing: on failure it unmaps what it
 *       mapped and returns the error.
 *
 * Concurrency (no internal lock, like io-pgtable): callers must not race
 * map/unmap on overlapping ranges, nor anything with rb_pgt_free().
 * Concurrent map/unmap on DISJOINT ranges and any number of concurrent
 * rb_pgt_iova_to_phys() calls are safe: entries are read with READ_ONCE
 * (acquire in userspace, standing in for the kernel's address-dependency
 * ordering), leaves written with WRITE_ONCE, and next-level tables
 * installed with cmpxchg from 0 (allocate, try to install, free ours if
 * another mapper won the race).
 *
 * Tables: a next-level table, once installed, stays until rb_pgt_free(),
 * even when unmapping leaves it empty (io-pgtable keeps them too).  Hence
 * a block can never be mapped over a table, even an empty one (-EEXIST),
 * and map never allocates when the tables covering the range exist (e.g.
 * after rb_pgt_populate() of that range and an unmap): such a map is safe
 * in atomic context in the kernel.  Otherwise map may sleep (the default
 * hook allocates with GFP_KERNEL).
 *
 * Memory: every page of the table, the struct rb_pgtable included, comes
 * from the allocator hook, so a hook that quarantines freed pages (the
 * stress tests' use-after-release detector) keeps the whole freed tree
 * readable and poisoned.  Hook contract: page_alloc(cookie) returns a
 * zeroed, 4 KiB aligned block of at least 4 KiB, or NULL; page_free(cookie,
 * page) takes it back.  rb_pgt_nr_tables() counts the table pages held;
 * rb_pgt_footprint() adds the struct's page.
 *
 * Use-after-release detection: pgt->magic is RB_PGT_MAGIC_LIVE from
 * rb_pgt_alloc() until rb_pgt_free() swaps it to RB_PGT_POISON with a
 * fully ordered cmpxchg (and clears pgt->root) before freeing anything;
 * every entry of every table page is overwritten with RB_PGT_PTE_POISON
 * before the page goes back to the hook (a page that lost an install
 * race too).  That
 * pattern has the VALID bit clear, so a walker that reads a freed (but
 * quarantined) table sees an invalid entry instead of following garbage.
 * pgt->generation is the caller's (0 at alloc; never touched here),
 * e.g. for an rcutorture-style pipe count.
 */
#ifndef REVBENCH_PGTABLE_H
#define REVBENCH_PGTABLE_H

#include "compat.h"

#define RB_PGT_IOVA_BITS	48
#define RB_PGT_LEVELS		4
#define RB_PGT_PTRS_PER_TABLE	512
#define RB_PGT_TABLE_BYTES	(RB_PGT_PTRS_PER_TABLE * sizeof(u64))

#define RB_PGT_SIZE_4K		((size_t)1 << 12)
#define RB_PGT_SIZE_2M		((size_t)1 << 21)
#define RB_PGT_SIZE_1G		((size_t)1 << 30)

/* prot: the same values as the kernel's IOMMU_READ / IOMMU_WRITE. */
#define RB_PGT_PROT_READ	(1 << 0)
#define RB_PGT_PROT_WRITE	(1 << 1)
#define RB_PGT_PROT_RW		(RB_PGT_PROT_READ | RB_PGT_PROT_WRITE)

/* Entry bits, see the top of this file. */
#define RB_PGT_PTE_VALID	((u64)1 << 0)
#define RB_PGT_PTE_TYPE		((u64)1 << 1)
#define RB_PGT_PTE_READ		((u64)1 << 6)
#define RB_PGT_PTE_WRITE	((u64)1 << 7)
#define RB_PGT_PTE_OA_MASK	((((u64)1 << RB_PGT_IOVA_BITS) - 1) & \
				 ~(u64)0xfff)
#define RB_PGT_PTE_TABLE_MASK	(~(u64)0xfff)

/* pgt->magic while the table is live, and after rb_pgt_free(). */
/* Little-endian memory dumps read "PGT_LIVE" and "PGT_DEAD". */
#define RB_PGT_MAGIC_LIVE	0x4556494c5f544750ULL
#define RB_PGT_POISON		0x444145445f544750ULL
/* Every entry of a freed table page; VALID (bit 0) is clear. */
#define RB_PGT_PTE_POISON	0x6b6b6b6b6b6b6b6aULL

struct rb_pgt_alloc_ops {
	void *(*page_alloc)(void *cookie);
	void (*page_free)(void *cookie, void *page);
};

/* rb_page_alloc()/rb_page_free() from compat.h; the cookie is unused. */
extern const struct rb_pgt_alloc_ops rb_pgt_default_alloc;

struct rb_pgtable {
	u64 magic;		/* RB_PGT_MAGIC_LIVE or RB_PGT_POISON */
	u64 generation;		/* caller's; 0 at alloc */
	u64 *root;		/* level-0 table; NULL once freed */
	const struct rb_pgt_alloc_ops *alloc;
	void *cookie;
	atomic_long_t nr_tables; /* table pages held, root included */
};

/* a == NULL means &rb_pgt_default_alloc.  NULL on allocation failure. */
struct rb_pgtable *rb_pgt_alloc(const struct rb_pgt_alloc_ops *a,
				void *cookie);
void rb_pgt_free(struct rb_pgtable *pgt);

int rb_pgt_map_pages(struct rb_pgtable *pgt, u64 iova, phys_addr_t paddr,
		     size_t pgsize, size_t pgcount, int prot, size_t *mapped);
size_t rb_pgt_unmap_pages(struct rb_pgtable *pgt, u64 iova, size_t pgsize,
			  size_t pgcount);
phys_addr_t rb_pgt_iova_to_phys(struct rb_pgtable *pgt, u64 iova);

int rb_pgt_populate(struct rb_pgtable *pgt, u64 iova, phys_addr_t paddr,
		    size_t pgsize, size_t n_pages);

static inline long rb_pgt_nr_tables(const struct rb_pgtable *pgt)
{
	return atomic_long_read(&pgt->nr_tables);
}

/*
 * Bytes held: the table pages plus the page holding the struct, counted as
 * PAGE_SIZE each (what the default hook allocates).
 */
static inline size_t rb_pgt_footprint(const struct rb_pgtable *pgt)
{
	return ((size_t)rb_pgt_nr_tables(pgt) + 1) * PAGE_SIZE;
}

#endif /* REVBENCH_PGTABLE_H */
