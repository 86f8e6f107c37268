// SPDX-License-Identifier: GPL-2.0
/*
 * pgtable.c - a 4-level, 4 KiB-granule page table in the shape of
 * drivers/iommu/io-pgtable-arm.c: the resource the workloads hand out
 * through a revocable.  Format, API and concurrency rules: pgtable.h.
 * Shared by userspace and the kernel module (compat.h only, no libc).
 */
#include "pgtable.h"

#define RB_PGT_GRANULE_SHIFT	12
#define RB_PGT_BITS_PER_LEVEL	9
#define RB_PGT_LAST_LEVEL	(RB_PGT_LEVELS - 1)

/* Type field (bits 1:0) of the three kinds of valid entry. */
#define RB_PGT_PTE_TYPE_MASK	(RB_PGT_PTE_VALID | RB_PGT_PTE_TYPE)
#define RB_PGT_PTE_TYPE_TABLE	(RB_PGT_PTE_VALID | RB_PGT_PTE_TYPE)
#define RB_PGT_PTE_TYPE_PAGE	(RB_PGT_PTE_VALID | RB_PGT_PTE_TYPE)
#define RB_PGT_PTE_TYPE_BLOCK	RB_PGT_PTE_VALID

_Static_assert(sizeof(struct rb_pgtable) <= RB_PGT_TABLE_BYTES,
	       "struct rb_pgtable must fit in one hook page");
_Static_assert(PAGE_SIZE >= RB_PGT_TABLE_BYTES,
	       "a table needs one 4 KiB granule");

/*
 * Reading an entry a walker may follow.  In the kernel, READ_ONCE() orders
 * the later loads from the next table after it (address dependency), which
 * pairs with the fully ordered cmpxchg() that installed that table after
 * its page was zeroed.  C11 has no usable equivalent (compilers promote
 * memory_order_consume to acquire), so userspace uses an acquire load,
 * which also tells ThreadSanitizer about the ordering.  On x86 both are
 * plain loads.
 */
#ifdef __KERNEL__
#define rb_pgt_read_pte(ptep)	READ_ONCE(*(ptep))
#else
#define rb_pgt_read_pte(ptep)	smp_load_acquire(ptep)
#endif

static inline unsigned int rb_pgt_lvl_shift(int lvl)
{
	return RB_PGT_GRANULE_SHIFT +
	       RB_PGT_BITS_PER_LEVEL * (RB_PGT_LAST_LEVEL - lvl);
}

static inline unsigned int rb_pgt_idx(u64 iova, int lvl)
{
	return (iova >> rb_pgt_lvl_shift(lvl)) & (RB_PGT_PTRS_PER_TABLE - 1);
}

/* Level whose leaves have size @pgsize, or -1 if we do not map it. */
static inline int rb_pgt_size_to_level(size_t pgsize)
{
	switch (pgsize) {
	case RB_PGT_SIZE_4K:
		return 3;
	case RB_PGT_SIZE_2M:
		return 2;
	case RB_PGT_SIZE_1G:
		return 1;
	default:
		return -1;
	}
}

static inline bool rb_pgt_pte_is_table(u64 pte, int lvl)
{
	return lvl < RB_PGT_LAST_LEVEL &&
	       (pte & RB_PGT_PTE_TYPE_MASK) == RB_PGT_PTE_TYPE_TABLE;
}

/* A page (level 3) or block (levels 1 and 2) entry. */
static inline bool rb_pgt_pte_is_leaf(u64 pte, int lvl)
{
	if (lvl == RB_PGT_LAST_LEVEL)
		return (pte & RB_PGT_PTE_TYPE_MASK) == RB_PGT_PTE_TYPE_PAGE;
	return lvl > 0 &&
	       (pte & RB_PGT_PTE_TYPE_MASK) == RB_PGT_PTE_TYPE_BLOCK;
}

static inline u64 *rb_pgt_pte_to_table(u64 pte)
{
	return (u64 *)(uintptr_t)(pte & RB_PGT_PTE_TABLE_MASK);
}

/*
 * @addr .. @addr + @pgcount pages of 1 << @shift bytes: aligned and inside
 * the 48-bit space (for IOVAs and output addresses alike).
 */
static inline bool rb_pgt_range_ok(u64 addr, unsigned int shift,
				   size_t pgcount)
{
	const u64 limit = (u64)1 << RB_PGT_IOVA_BITS;

	if (addr & (((u64)1 << shift) - 1))
		return false;
	if (addr >= limit)
		return false;
	return pgcount && pgcount <= ((limit - addr) >> shift);
}

static void *rb_pgt_default_page_alloc(void *cookie)
{
	(void)cookie;
	return rb_page_alloc();
}

static void rb_pgt_default_page_free(void *cookie, void *page)
{
	(void)cookie;
	rb_page_free(page);
}

const struct rb_pgt_alloc_ops rb_pgt_default_alloc = {
	.page_alloc = rb_pgt_default_page_alloc,
	.page_free = rb_pgt_default_page_free,
};

static u64 *rb_pgt_alloc_table(struct rb_pgtable *pgt)
{
	void *page = pgt->alloc->page_alloc(pgt->cookie);

	if (!page)
		return NULL;
	if ((uintptr_t)page & (RB_PGT_TABLE_BYTES - 1)) {
		/* The entry format keeps bits 11:0 for flags. */
		rb_pr_err("pgtable: allocator hook returned %p, not 4 KiB aligned\n",
			  page);
		pgt->alloc->page_free(pgt->cookie, page);
		return NULL;
	}
	atomic_long_inc(&pgt->nr_tables);
	return page;
}

/* Callers poison the page first (see "Use-after-release" in pgtable.h). */
static void rb_pgt_free_table_page(struct rb_pgtable *pgt, u64 *table)
{
	atomic_long_dec(&pgt->nr_tables);
	pgt->alloc->page_free(pgt->cookie, table);
}

static void rb_pgt_poison_table(u64 *table)
{
	unsigned int i;

	for (i = 0; i < RB_PGT_PTRS_PER_TABLE; i++)
		WRITE_ONCE(table[i], RB_PGT_PTE_POISON);
}

struct rb_pgtable *rb_pgt_alloc(const struct rb_pgt_alloc_ops *a,
				void *cookie)
{
	struct rb_pgtable *pgt;

	if (!a)
		a = &rb_pgt_default_alloc;
	/* The struct too comes from the hook: see "Memory" in pgtable.h. */
	pgt = a->page_alloc(cookie);
	if (!pgt)
		return NULL;
	pgt->alloc = a;
	pgt->cookie = cookie;
	pgt->generation = 0;
	atomic_long_set(&pgt->nr_tables, 0);
	pgt->root = rb_pgt_alloc_table(pgt);
	if (!pgt->root) {
		WRITE_ONCE(pgt->magic, RB_PGT_POISON);
		a->page_free(cookie, pgt);
		return NULL;
	}
	WRITE_ONCE(pgt->magic, RB_PGT_MAGIC_LIVE);
	return pgt;
}

/*
 * Poison and free @table (at level @lvl) and everything below it.  Each
 * entry is poisoned before its subtree is freed, so a (buggy) concurrent
 * walker on a quarantined tree stops at the first poisoned entry.
 */
static void rb_pgt_free_table(struct rb_pgtable *pgt, u64 *table, int lvl)
{
	unsigned int i;

	for (i = 0; i < RB_PGT_PTRS_PER_TABLE; i++) {
		u64 pte = READ_ONCE(table[i]);

		WRITE_ONCE(table[i], RB_PGT_PTE_POISON);
		if (rb_pgt_pte_is_table(pte, lvl))
			rb_pgt_free_table(pgt, rb_pgt_pte_to_table(pte),
					  lvl + 1);
	}
	rb_pgt_free_table_page(pgt, table);
}

void rb_pgt_free(struct rb_pgtable *pgt)
{
	u64 magic;
	u64 *root;

	if (!pgt)
		return;
	/*
	 * Poison the struct first, with a fully ordered cmpxchg: a reader
	 * that sees a poisoned table entry will also see the poisoned magic,
	 * and two racing rb_pgt_free() calls cannot both get past here.
	 */
	magic = cmpxchg(&pgt->magic, RB_PGT_MAGIC_LIVE, RB_PGT_POISON);
	if (magic != RB_PGT_MAGIC_LIVE) {
		/* Only readable at all if the hook quarantines pages. */
		rb_pr_err("pgtable: rb_pgt_free(%p): not live (magic %#llx), double free?\n",
			  (void *)pgt, (unsigned long long)magic);
		return;
	}
	root = pgt->root;
	WRITE_ONCE(pgt->root, NULL);
	rb_pgt_free_table(pgt, root, 0);
	pgt->alloc->page_free(pgt->cookie, pgt);
}

/*
 * The table at level @lvl that holds @iova's entry, installing missing
 * intermediate tables like arm_lpae_install_table(): allocate, cmpxchg
 * from 0, and if another mapper installed one first, free ours and use
 * theirs.  -EEXIST if a block already covers @iova higher up.
 */
static int rb_pgt_walk_alloc(struct rb_pgtable *pgt, u64 iova, int lvl,
			     u64 **tablep)
{
	u64 *table = pgt->root;
	int l;

	for (l = 0; l < lvl; l++) {
		u64 *ptep = &table[rb_pgt_idx(iova, l)];
		u64 pte = rb_pgt_read_pte(ptep);

		if (!pte) {
			u64 *next = rb_pgt_alloc_table(pgt);
			u64 old;

			if (!next)
				return -ENOMEM;
			pte = (u64)(uintptr_t)next | RB_PGT_PTE_TYPE_TABLE;
			old = cmpxchg(ptep, (u64)0, pte);
			if (old) {
				/* Lost the race: never visible, still poison. */
				rb_pgt_poison_table(next);
				rb_pgt_free_table_page(pgt, next);
				pte = old;
			}
		}
		if (!rb_pgt_pte_is_table(pte, l))
			return -EEXIST;
		table = rb_pgt_pte_to_table(pte);
	}
	*tablep = table;
	return 0;
}

/* Like rb_pgt_walk_alloc() without allocating: NULL at a hole or block. */
static u64 *rb_pgt_walk(struct rb_pgtable *pgt, u64 iova, int lvl)
{
	u64 *table = pgt->root;
	int l;

	for (l = 0; l < lvl; l++) {
		u64 pte = rb_pgt_read_pte(&table[rb_pgt_idx(iova, l)]);

		if (!rb_pgt_pte_is_table(pte, l))
			return NULL;
		table = rb_pgt_pte_to_table(pte);
	}
	return table;
}

int rb_pgt_map_pages(struct rb_pgtable *pgt, u64 iova, phys_addr_t paddr,
		     size_t pgsize, size_t pgcount, int prot, size_t *mapped)
{
	int lvl = rb_pgt_size_to_level(pgsize);
	unsigned int shift;
	u64 flags;

	if (!pgt || lvl < 0 || READ_ONCE(pgt->magic) != RB_PGT_MAGIC_LIVE)
		return -EINVAL;
	if (!(prot & RB_PGT_PROT_RW) || (prot & ~RB_PGT_PROT_RW))
		return -EINVAL;
	shift = rb_pgt_lvl_shift(lvl);
	if (!rb_pgt_range_ok(iova, shift, pgcount) ||
	    !rb_pgt_range_ok(paddr, shift, pgcount))
		return -EINVAL;

	flags = lvl == RB_PGT_LAST_LEVEL ? RB_PGT_PTE_TYPE_PAGE :
					   RB_PGT_PTE_TYPE_BLOCK;
	if (prot & RB_PGT_PROT_READ)
		flags |= RB_PGT_PTE_READ;
	if (prot & RB_PGT_PROT_WRITE)
		flags |= RB_PGT_PTE_WRITE;

	/* One table at a time: check its whole part of the range, then write. */
	while (pgcount) {
		unsigned int idx = rb_pgt_idx(iova, lvl);
		size_t n = min_t(size_t, pgcount, RB_PGT_PTRS_PER_TABLE - idx);
		u64 *table;
		size_t i;
		int ret;

		ret = rb_pgt_walk_alloc(pgt, iova, lvl, &table);
		if (ret)
			return ret;
		for (i = 0; i < n; i++)
			if (READ_ONCE(table[idx + i]))
				return -EEXIST;
		for (i = 0; i < n; i++)
			WRITE_ONCE(table[idx + i],
				   ((u64)paddr + ((u64)i << shift)) | flags);
		iova += (u64)n << shift;
		paddr += (u64)n << shift;
		pgcount -= n;
		if (mapped)
			*mapped += n << shift;
	}
	return 0;
}

size_t rb_pgt_unmap_pages(struct rb_pgtable *pgt, u64 iova, size_t pgsize,
			  size_t pgcount)
{
	int lvl = rb_pgt_size_to_level(pgsize);
	size_t unmapped = 0;
	unsigned int shift;

	if (!pgt || lvl < 0 || READ_ONCE(pgt->magic) != RB_PGT_MAGIC_LIVE)
		return 0;
	shift = rb_pgt_lvl_shift(lvl);
	if (!rb_pgt_range_ok(iova, shift, pgcount))
		return 0;

	while (pgcount) {
		unsigned int idx = rb_pgt_idx(iova, lvl);
		size_t n = min_t(size_t, pgcount, RB_PGT_PTRS_PER_TABLE - idx);
		u64 *table = rb_pgt_walk(pgt, iova, lvl);
		size_t i;

		if (!table)
			break;
		for (i = 0; i < n; i++) {
			u64 *ptep = &table[idx + i];

			/* A hole, a table or a bigger block: stop here. */
			if (!rb_pgt_pte_is_leaf(READ_ONCE(*ptep), lvl))
				return unmapped;
			WRITE_ONCE(*ptep, 0);
			unmapped += pgsize;
		}
		iova += (u64)n << shift;
		pgcount -= n;
	}
	return unmapped;
}

phys_addr_t rb_pgt_iova_to_phys(struct rb_pgtable *pgt, u64 iova)
{
	u64 *table;
	int lvl;

	if (!pgt || READ_ONCE(pgt->magic) != RB_PGT_MAGIC_LIVE)
		return 0;
	if (iova >> RB_PGT_IOVA_BITS)
		return 0;
	table = READ_ONCE(pgt->root);
	if (!table)
		return 0;

	for (lvl = 0; lvl < RB_PGT_LEVELS; lvl++) {
		u64 pte = rb_pgt_read_pte(&table[rb_pgt_idx(iova, lvl)]);

		if (rb_pgt_pte_is_table(pte, lvl)) {
			table = rb_pgt_pte_to_table(pte);
			continue;
		}
		/* Invalid, poisoned, or a type not allowed at this level. */
		if (!rb_pgt_pte_is_leaf(pte, lvl))
			return 0;
		return (pte & RB_PGT_PTE_OA_MASK) |
		       (iova & (((u64)1 << rb_pgt_lvl_shift(lvl)) - 1));
	}
	return 0;
}

int rb_pgt_populate(struct rb_pgtable *pgt, u64 iova, phys_addr_t paddr,
		    size_t pgsize, size_t n_pages)
{
	size_t mapped = 0;
	int ret;

	ret = rb_pgt_map_pages(pgt, iova, paddr, pgsize, n_pages,
			       RB_PGT_PROT_RW, &mapped);
	if (ret && mapped)
		rb_pgt_unmap_pages(pgt, iova, pgsize, mapped / pgsize);
	return ret;
}
