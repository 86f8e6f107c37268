// SPDX-License-Identifier: GPL-2.0
/*
 * pgtable - self-test of workloads/pgtable.c, modelled on the selftest at
 * the end of drivers/iommu/io-pgtable-arm.c: an empty table translates
 * nothing; per page size map, overlapping map fails, iova_to_phys(iova +
 * 42) == paddr + 42, unmap returns the size and the translation is gone,
 * remap works.  Plus what revbench relies on: argument checking, 256-entry
 * and table-crossing maps, the entry format, allocation failure, and that
 * rb_pgt_free() poisons and frees every page (a counting, quarantining
 * allocator hook checks it without touching freed memory), and a smoke
 * test of concurrent map/unmap on disjoint ranges with a translating
 * reader (meant for TSan too).
 *
 * Usage: pgtable [-r ROUNDS]   (ROUNDS of the concurrency test, default 20)
 * TAP on stdout, exit 0 / 1, bad arguments exit 2.
 */
#include <pthread.h>

#include "compat.h"
#include "pgtable.h"
#include "tap.h"

#define SZ_4K	RB_PGT_SIZE_4K
#define SZ_2M	RB_PGT_SIZE_2M
#define SZ_1G	RB_PGT_SIZE_1G
#define SZ_512G	((u64)1 << 39)
#define SZ_1T	((u64)1 << 40)
#define IOVA_END ((u64)1 << RB_PGT_IOVA_BITS)

static const size_t sizes[] = { SZ_4K, SZ_2M, SZ_1G };

static const char *szname(size_t sz)
{
	return sz == SZ_4K ? "4K" : sz == SZ_2M ? "2M" : sz == SZ_1G ? "1G" :
	       "?";
}

/* ------------------------------------------------------------------ */
/*
 * Counting, quarantining allocator hook.  Freed pages are kept (not
 * returned to libc) so the test can check, without a use-after-free, that
 * rb_pgt_free() poisoned them; qa_release() frees everything at the end.
 */
struct qalloc {
	pthread_mutex_t lock;
	void **alloc;		/* every page handed out */
	size_t nalloc, cap_alloc;
	void **freed;		/* every page given back, in order */
	size_t nfreed, cap_freed;
	long fail_after;	/* allocations left before failing; -1 never */
	/*
	 * If set, the next allocation first maps a 4K page at inject_iova
	 * itself: the caller's walk then loses its cmpxchg race to it.
	 */
	struct rb_pgtable *inject_pgt;
	u64 inject_iova;
	int inject_ret;
};

static void qa_init(struct qalloc *qa)
{
	memset(qa, 0, sizeof(*qa));
	pthread_mutex_init(&qa->lock, NULL);
	qa->fail_after = -1;
}

static void qa_push(void ***arr, size_t *n, size_t *cap, void *p)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		void **na = realloc(*arr, ncap * sizeof(*na));

		if (!na) {
			fprintf(stderr, "pgtable test: out of memory\n");
			exit(1);
		}
		*arr = na;
		*cap = ncap;
	}
	(*arr)[(*n)++] = p;
}

static void *qa_page_alloc(void *cookie)
{
	struct qalloc *qa = cookie;
	struct rb_pgtable *inject = qa->inject_pgt;
	void *p = NULL;

	if (inject) {		/* single-threaded tests only */
		qa->inject_pgt = NULL;
		qa->inject_ret = rb_pgt_map_pages(inject, qa->inject_iova,
						  qa->inject_iova, RB_PGT_SIZE_4K,
						  1, RB_PGT_PROT_RW, NULL);
	}
	pthread_mutex_lock(&qa->lock);
	if (qa->fail_after == 0)
		goto out;
	if (qa->fail_after > 0)
		qa->fail_after--;
	p = rb_page_alloc();
	if (p)
		qa_push(&qa->alloc, &qa->nalloc, &qa->cap_alloc, p);
out:
	pthread_mutex_unlock(&qa->lock);
	return p;
}

static void qa_page_free(void *cookie, void *page)
{
	struct qalloc *qa = cookie;

	pthread_mutex_lock(&qa->lock);
	qa_push(&qa->freed, &qa->nfreed, &qa->cap_freed, page);
	pthread_mutex_unlock(&qa->lock);
}

static const struct rb_pgt_alloc_ops qa_ops = {
	.page_alloc = qa_page_alloc,
	.page_free = qa_page_free,
};

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)*(void *const *)a;
	uintptr_t y = (uintptr_t)*(void *const *)b;

	return x < y ? -1 : x > y;
}

/* A freed page is either the struct (magic poisoned) or a poisoned table. */
static bool page_poisoned(const void *page)
{
	const u64 *e = page;
	size_t i;

	if (((const struct rb_pgtable *)page)->magic == RB_PGT_POISON)
		return true;
	for (i = 0; i < RB_PGT_PTRS_PER_TABLE; i++)
		if (e[i] != RB_PGT_PTE_POISON)
			return false;
	return true;
}

/*
 * Every page handed out was given back exactly once, and poisoned.
 * Sorts the lists (callers only use counts and sets afterwards).
 */
static bool qa_all_freed_and_poisoned(struct qalloc *qa, const char *what)
{
	size_t i, unpoisoned = 0;
	bool ok = true;

	qsort(qa->alloc, qa->nalloc, sizeof(void *), cmp_ptr);
	qsort(qa->freed, qa->nfreed, sizeof(void *), cmp_ptr);
	if (qa->nalloc != qa->nfreed) {
		tap_diag("%s: %zu pages allocated, %zu freed", what,
			 qa->nalloc, qa->nfreed);
		ok = false;
	}
	for (i = 0; ok && i < qa->nalloc; i++) {
		if (qa->alloc[i] != qa->freed[i]) {
			tap_diag("%s: page %p allocated but %p freed (double or foreign free)",
				 what, qa->alloc[i], qa->freed[i]);
			ok = false;
		}
	}
	for (i = 0; i < qa->nfreed; i++)
		if (!page_poisoned(qa->freed[i]))
			unpoisoned++;
	if (unpoisoned) {
		tap_diag("%s: %zu freed pages not poisoned", what, unpoisoned);
		ok = false;
	}
	return ok;
}

static void qa_release(struct qalloc *qa)
{
	size_t i;

	for (i = 0; i < qa->nalloc; i++)
		rb_page_free(qa->alloc[i]);
	free(qa->alloc);
	free(qa->freed);
	pthread_mutex_destroy(&qa->lock);
}

/* The raw entry at level @want for @iova, by the format in pgtable.h. */
static u64 raw_pte(struct rb_pgtable *pgt, u64 iova, int want)
{
	u64 *table = pgt->root;
	int lvl;

	for (lvl = 0;; lvl++) {
		u64 pte = table[(iova >> (12 + 9 * (3 - lvl))) & 511];

		if (lvl == want)
			return pte;
		if ((pte & 3) != 3)
			return 0;
		table = (u64 *)(uintptr_t)(pte & RB_PGT_PTE_TABLE_MASK);
	}
}

static int size_level(size_t sz)
{
	return sz == SZ_4K ? 3 : sz == SZ_2M ? 2 : 1;
}

/* ------------------------------------------------------------------ */

static void test_empty(struct rb_pgtable *pgt)
{
	static const u64 probes[] = { 0, 42, SZ_1G + 42, SZ_512G * 3 + 4096,
				      IOVA_END - 1 };
	size_t i, hits = 0;

	for (i = 0; i < ARRAY_SIZE(probes); i++)
		if (rb_pgt_iova_to_phys(pgt, probes[i]))
			hits++;
	tap_ok(hits == 0, "empty table translates nothing");
	tap_ok(rb_pgt_unmap_pages(pgt, 0, SZ_4K, 1) == 0 &&
	       rb_pgt_unmap_pages(pgt, SZ_1G, SZ_1G, 1) == 0,
	       "unmap on an empty table returns 0");
	tap_ok(rb_pgt_nr_tables(pgt) == 1 &&
	       rb_pgt_footprint(pgt) == 2 * PAGE_SIZE,
	       "empty table holds the root table only (footprint %zu)",
	       rb_pgt_footprint(pgt));
	tap_ok(pgt->magic == RB_PGT_MAGIC_LIVE && pgt->generation == 0,
	       "fresh table: magic live, generation 0");
}

/* io-pgtable's selftest, one mapping per page size at iova (j + 1) GiB. */
static void test_each_size(struct rb_pgtable *pgt)
{
	const u64 pa_off = 64 * (u64)SZ_1G;
	size_t j;

	for (j = 0; j < ARRAY_SIZE(sizes); j++) {
		size_t sz = sizes[j], mapped = 0;
		u64 iova = (j + 1) * (u64)SZ_1G, pa = iova + pa_off;
		int lvl = size_level(sz);
		u64 pte;
		int ret;

		ret = rb_pgt_map_pages(pgt, iova, pa, sz, 1, RB_PGT_PROT_RW,
				       &mapped);
		tap_ok(ret == 0 && mapped == sz, "%s: map (ret %d, mapped %zu)",
		       szname(sz), ret, mapped);
		ret = rb_pgt_map_pages(pgt, iova, pa + sz, sz, 1,
				       RB_PGT_PROT_READ, &mapped);
		tap_ok(ret == -EEXIST && mapped == sz,
		       "%s: overlapping map fails with -EEXIST (ret %d)",
		       szname(sz), ret);
		tap_ok(rb_pgt_iova_to_phys(pgt, iova + 42) == pa + 42 &&
		       rb_pgt_iova_to_phys(pgt, iova) == pa &&
		       rb_pgt_iova_to_phys(pgt, iova + sz - 1) == pa + sz - 1 &&
		       rb_pgt_iova_to_phys(pgt, iova + sz) == 0 &&
		       rb_pgt_iova_to_phys(pgt, iova - 1) == 0,
		       "%s: iova_to_phys(iova + 42) == paddr + 42, edges exact",
		       szname(sz));
		pte = raw_pte(pgt, iova, lvl);
		tap_ok((pte & RB_PGT_PTE_OA_MASK) == pa &&
		       (pte & RB_PGT_PTE_VALID) &&
		       !!(pte & RB_PGT_PTE_TYPE) == (lvl == 3) &&
		       (pte & RB_PGT_PTE_READ) && (pte & RB_PGT_PTE_WRITE),
		       "%s: level-%d entry %#llx has the documented format",
		       szname(sz), lvl, (unsigned long long)pte);
	}

	/* Overlaps across page sizes. */
	tap_ok(rb_pgt_map_pages(pgt, 2 * SZ_1G + SZ_4K, 0x1000, SZ_4K, 1,
				RB_PGT_PROT_RW, NULL) == -EEXIST,
	       "4K inside a 2M block: -EEXIST");
	tap_ok(rb_pgt_map_pages(pgt, 3 * SZ_1G + SZ_2M, SZ_2M, SZ_2M, 1,
				RB_PGT_PROT_RW, NULL) == -EEXIST,
	       "2M inside a 1G block: -EEXIST");
	tap_ok(rb_pgt_map_pages(pgt, SZ_1G, 0, SZ_2M, 1,
				RB_PGT_PROT_RW, NULL) == -EEXIST &&
	       rb_pgt_map_pages(pgt, SZ_1G, 0, SZ_1G, 1,
				RB_PGT_PROT_RW, NULL) == -EEXIST &&
	       rb_pgt_map_pages(pgt, 2 * SZ_1G, 0, SZ_1G, 1,
				RB_PGT_PROT_RW, NULL) == -EEXIST,
	       "block over a next-level table: -EEXIST");
	tap_ok(rb_pgt_iova_to_phys(pgt, SZ_1G + 42) == SZ_1G + pa_off + 42 &&
	       rb_pgt_iova_to_phys(pgt, 2 * SZ_1G + SZ_4K) ==
	       2 * SZ_1G + pa_off + SZ_4K,
	       "failed maps changed nothing");

	/* Partial unmap: we never split blocks (io-pgtable would). */
	tap_ok(rb_pgt_unmap_pages(pgt, 2 * SZ_1G + SZ_4K, SZ_4K, 1) == 0 &&
	       rb_pgt_iova_to_phys(pgt, 2 * SZ_1G + SZ_4K + 42) ==
	       2 * SZ_1G + pa_off + SZ_4K + 42,
	       "unmap 4K out of a 2M block returns 0, block intact");
	tap_ok(rb_pgt_unmap_pages(pgt, SZ_1G, SZ_2M, 1) == 0 &&
	       rb_pgt_iova_to_phys(pgt, SZ_1G) == SZ_1G + pa_off,
	       "unmap 2M over a 4K page returns 0, page intact");

	/* Full unmap, then remap (write-only this time). */
	for (j = 0; j < ARRAY_SIZE(sizes); j++) {
		size_t sz = sizes[j], got;
		u64 iova = (j + 1) * (u64)SZ_1G, pa = iova + pa_off;
		u64 pte;

		got = rb_pgt_unmap_pages(pgt, iova, sz, 1);
		tap_ok(got == sz && rb_pgt_iova_to_phys(pgt, iova + 42) == 0,
		       "%s: unmap returns the size (%zu), translation gone",
		       szname(sz), got);
		tap_ok(rb_pgt_unmap_pages(pgt, iova, sz, 1) == 0,
		       "%s: second unmap returns 0", szname(sz));
		tap_ok(rb_pgt_map_pages(pgt, iova, pa, sz, 1,
					RB_PGT_PROT_WRITE, NULL) == 0 &&
		       rb_pgt_iova_to_phys(pgt, iova + 42) == pa + 42,
		       "%s: remap works", szname(sz));
		pte = raw_pte(pgt, iova, size_level(sz));
		tap_ok((pte & RB_PGT_PTE_WRITE) && !(pte & RB_PGT_PTE_READ),
		       "%s: write-only prot encoded", szname(sz));
		rb_pgt_unmap_pages(pgt, iova, sz, 1);
	}
}

static void test_einval(struct rb_pgtable *pgt)
{
	static const size_t bad_sizes[] = { 0, 1, 8192, SZ_4K + 1,
					    4 * (size_t)SZ_2M, SZ_512G };
	long tables = rb_pgt_nr_tables(pgt);
	size_t i, mapped = 0, bad = 0;

	for (i = 0; i < ARRAY_SIZE(bad_sizes); i++) {
		if (rb_pgt_map_pages(pgt, 0, 0, bad_sizes[i], 1,
				     RB_PGT_PROT_RW, &mapped) != -EINVAL ||
		    rb_pgt_unmap_pages(pgt, 0, bad_sizes[i], 1) != 0)
			bad++;
	}
	tap_ok(!bad, "page size not 4K/2M/1G: -EINVAL, unmap 0");
	tap_ok(rb_pgt_map_pages(pgt, 0, 0, SZ_4K, 0, RB_PGT_PROT_RW,
				&mapped) == -EINVAL,
	       "pgcount 0: -EINVAL");
	tap_ok(rb_pgt_map_pages(pgt, SZ_4K + 1, 0, SZ_4K, 1, RB_PGT_PROT_RW,
				&mapped) == -EINVAL &&
	       rb_pgt_map_pages(pgt, SZ_4K, 0, SZ_2M, 1, RB_PGT_PROT_RW,
				&mapped) == -EINVAL &&
	       rb_pgt_map_pages(pgt, SZ_2M, 0, SZ_1G, 1, RB_PGT_PROT_RW,
				&mapped) == -EINVAL,
	       "iova not aligned to pgsize: -EINVAL");
	tap_ok(rb_pgt_map_pages(pgt, 0, 42, SZ_4K, 1, RB_PGT_PROT_RW,
				&mapped) == -EINVAL &&
	       rb_pgt_map_pages(pgt, 0, SZ_1G + SZ_2M, SZ_1G, 1,
				RB_PGT_PROT_RW, &mapped) == -EINVAL,
	       "paddr not aligned to pgsize: -EINVAL");
	tap_ok(rb_pgt_map_pages(pgt, IOVA_END, 0, SZ_4K, 1, RB_PGT_PROT_RW,
				&mapped) == -EINVAL &&
	       rb_pgt_map_pages(pgt, IOVA_END - SZ_4K, 0, SZ_4K, 2,
				RB_PGT_PROT_RW, &mapped) == -EINVAL &&
	       rb_pgt_map_pages(pgt, 0, 0, SZ_1G, SIZE_MAX,
				RB_PGT_PROT_RW, &mapped) == -EINVAL &&
	       rb_pgt_map_pages(pgt, ~(u64)0 & ~(u64)(SZ_4K - 1), 0, SZ_4K,
				1, RB_PGT_PROT_RW, &mapped) == -EINVAL,
	       "iova range beyond 48 bits (or overflowing): -EINVAL");
	tap_ok(rb_pgt_map_pages(pgt, 0, IOVA_END, SZ_4K, 1, RB_PGT_PROT_RW,
				&mapped) == -EINVAL &&
	       rb_pgt_map_pages(pgt, 0, IOVA_END - SZ_4K, SZ_4K, 2,
				RB_PGT_PROT_RW, &mapped) == -EINVAL,
	       "paddr range beyond 48 bits: -EINVAL");
	tap_ok(rb_pgt_map_pages(pgt, 0, 0, SZ_4K, 1, 0, &mapped) == -EINVAL &&
	       rb_pgt_map_pages(pgt, 0, 0, SZ_4K, 1, 4 | RB_PGT_PROT_READ,
				&mapped) == -EINVAL,
	       "prot without read/write, or unknown bits: -EINVAL");
	tap_ok(rb_pgt_map_pages(NULL, 0, 0, SZ_4K, 1, RB_PGT_PROT_RW,
				&mapped) == -EINVAL &&
	       rb_pgt_unmap_pages(NULL, 0, SZ_4K, 1) == 0 &&
	       rb_pgt_iova_to_phys(NULL, 0) == 0,
	       "NULL table: -EINVAL / 0 / 0");
	tap_ok(rb_pgt_unmap_pages(pgt, SZ_4K + 1, SZ_4K, 1) == 0 &&
	       rb_pgt_unmap_pages(pgt, IOVA_END - SZ_4K, SZ_4K, 2) == 0 &&
	       rb_pgt_unmap_pages(pgt, 0, SZ_4K, 0) == 0,
	       "unmap with bad arguments returns 0");
	tap_ok(mapped == 0 && rb_pgt_nr_tables(pgt) == tables,
	       "rejected calls mapped nothing and allocated nothing");
	tap_ok(rb_pgt_iova_to_phys(pgt, IOVA_END + 42) == 0 &&
	       rb_pgt_iova_to_phys(pgt, ~(u64)0) == 0,
	       "iova_to_phys beyond 48 bits: 0");

	/*
	 * The very last block and page of the 48-bit space, and the highest
	 * output address, are fine (the block first: once the 4K page has
	 * installed tables there, a block can no longer go there).
	 */
	tap_ok(rb_pgt_map_pages(pgt, IOVA_END - SZ_1G, SZ_1G, SZ_1G, 1,
				RB_PGT_PROT_RW, NULL) == 0 &&
	       rb_pgt_iova_to_phys(pgt, IOVA_END - 1) == 2 * SZ_1G - 1 &&
	       rb_pgt_unmap_pages(pgt, IOVA_END - SZ_1G, SZ_1G, 1) == SZ_1G,
	       "last 1G block of the 48-bit space maps, translates, unmaps");
	tap_ok(rb_pgt_map_pages(pgt, IOVA_END - SZ_4K, IOVA_END - SZ_4K,
				SZ_4K, 1, RB_PGT_PROT_READ, NULL) == 0 &&
	       rb_pgt_iova_to_phys(pgt, IOVA_END - 1) == IOVA_END - 1 &&
	       rb_pgt_unmap_pages(pgt, IOVA_END - SZ_4K, SZ_4K, 1) == SZ_4K,
	       "last 4K page maps to the highest output address and unmaps");
}

/* io-pgtable's map benchmark shape: a 256-entry map, then unmap. */
static void test_256(struct rb_pgtable *pgt)
{
	size_t j;

	for (j = 0; j < ARRAY_SIZE(sizes); j++) {
		size_t sz = sizes[j], mapped = 0, k, wrong = 0;
		u64 iova = (j + 1) * SZ_1T, pa = iova + 8 * SZ_1T;
		int ret;

		ret = rb_pgt_map_pages(pgt, iova, pa, sz, 256, RB_PGT_PROT_RW,
				       &mapped);
		tap_ok(ret == 0 && mapped == 256 * sz,
		       "%s: 256-entry map (ret %d, mapped %zu)", szname(sz),
		       ret, mapped);
		for (k = 0; k < 256; k++) {
			u64 off = (u64)k * sz;

			if (rb_pgt_iova_to_phys(pgt, iova + off + 42) !=
			    pa + off + 42 ||
			    rb_pgt_iova_to_phys(pgt, iova + off + sz - 1) !=
			    pa + off + sz - 1)
				wrong++;
		}
		tap_ok(!wrong && !rb_pgt_iova_to_phys(pgt, iova + 256 * sz),
		       "%s: all 256 translate (%zu wrong)", szname(sz), wrong);
		tap_ok(rb_pgt_unmap_pages(pgt, iova, sz, 256) == 256 * sz,
		       "%s: 256-entry unmap returns 256 * size", szname(sz));
		for (k = 0, wrong = 0; k < 256; k++)
			if (rb_pgt_iova_to_phys(pgt, iova + (u64)k * sz))
				wrong++;
		tap_ok(!wrong, "%s: all 256 gone (%zu left)", szname(sz),
		       wrong);
	}
}

/* pgcount > 1 crossing a table boundary, in a fresh level-0 slot each. */
static void test_cross(struct rb_pgtable *pgt)
{
	static const struct {
		size_t sz;
		u64 iova;
		size_t count;
		long new_tables;
	} c[] = {
		/* 8 + 8 pages in two level-3 tables: L1 + L2 + 2 x L3. */
		{ SZ_4K, 4 * SZ_1T + SZ_2M - 8 * SZ_4K, 16, 4 },
		/* 2 + 2 blocks in two level-2 tables: L1 + 2 x L2. */
		{ SZ_2M, 5 * SZ_1T + SZ_1G - 2 * SZ_2M, 4, 3 },
		/* 1 + 1 blocks in two level-1 tables (two level-0 slots). */
		{ SZ_1G, 6 * SZ_1T + SZ_512G - SZ_1G, 2, 2 },
	};
	size_t j;

	for (j = 0; j < ARRAY_SIZE(c); j++) {
		size_t sz = c[j].sz, mapped = 0, k, wrong = 0;
		u64 pa = c[j].iova + 16 * SZ_1T;
		long before = rb_pgt_nr_tables(pgt);
		int ret;

		ret = rb_pgt_map_pages(pgt, c[j].iova, pa, sz, c[j].count,
				       RB_PGT_PROT_RW, &mapped);
		for (k = 0; k < c[j].count; k++)
			if (rb_pgt_iova_to_phys(pgt, c[j].iova + k * sz + 42) !=
			    pa + k * sz + 42)
				wrong++;
		tap_ok(ret == 0 && mapped == c[j].count * sz && !wrong,
		       "%s: %zu pages across a table boundary map and translate",
		       szname(sz), c[j].count);
		tap_ok(rb_pgt_nr_tables(pgt) - before == c[j].new_tables,
		       "%s: it installed %ld new tables (expected %ld)",
		       szname(sz), rb_pgt_nr_tables(pgt) - before,
		       c[j].new_tables);
		/* Ask for more than is mapped: stops at the hole after it. */
		tap_ok(rb_pgt_unmap_pages(pgt, c[j].iova, sz, c[j].count + 3) ==
		       c[j].count * sz &&
		       !rb_pgt_iova_to_phys(pgt, c[j].iova) &&
		       !rb_pgt_iova_to_phys(pgt, c[j].iova +
					    (c[j].count - 1) * sz),
		       "%s: unmap across the boundary returns exactly the mapped bytes",
		       szname(sz));
		tap_ok(rb_pgt_nr_tables(pgt) - before == c[j].new_tables,
		       "%s: emptied tables stay until rb_pgt_free()", szname(sz));
	}
}

static void test_partial(struct rb_pgtable *pgt)
{
	const u64 a = 7 * SZ_1T, pa = 9 * SZ_1T;
	size_t mapped = 0, k, wrong;
	int ret;

	/* Unmap stops at a hole. */
	rb_pgt_map_pages(pgt, a, pa, SZ_4K, 2, RB_PGT_PROT_RW, NULL);
	rb_pgt_map_pages(pgt, a + 3 * SZ_4K, pa, SZ_4K, 1, RB_PGT_PROT_RW,
			 NULL);
	tap_ok(rb_pgt_unmap_pages(pgt, a, SZ_4K, 4) == 2 * SZ_4K &&
	       rb_pgt_iova_to_phys(pgt, a + 3 * SZ_4K) == pa,
	       "unmap stops at the first hole");
	rb_pgt_unmap_pages(pgt, a + 3 * SZ_4K, SZ_4K, 1);

	/* Conflict inside one table: checked before anything is written. */
	rb_pgt_map_pages(pgt, a + 2 * SZ_4K, pa, SZ_4K, 1, RB_PGT_PROT_RW,
			 NULL);
	ret = rb_pgt_map_pages(pgt, a, pa, SZ_4K, 4, RB_PGT_PROT_RW, &mapped);
	tap_ok(ret == -EEXIST && mapped == 0 && !rb_pgt_iova_to_phys(pgt, a),
	       "conflict within one table: -EEXIST, nothing mapped");
	rb_pgt_unmap_pages(pgt, a + 2 * SZ_4K, SZ_4K, 1);

	/* Conflict in the second table: the first table's part stays. */
	rb_pgt_map_pages(pgt, a + SZ_2M + SZ_4K, pa, SZ_4K, 1, RB_PGT_PROT_RW,
			 NULL);
	mapped = 0;
	ret = rb_pgt_map_pages(pgt, a + SZ_2M - 2 * SZ_4K, pa, SZ_4K, 4,
			       RB_PGT_PROT_RW, &mapped);
	tap_ok(ret == -EEXIST && mapped == 2 * SZ_4K &&
	       rb_pgt_iova_to_phys(pgt, a + SZ_2M - SZ_4K) == pa + SZ_4K,
	       "conflict in the next table: -EEXIST, *mapped = %zu reports the part mapped",
	       mapped);
	tap_ok(rb_pgt_unmap_pages(pgt, a + SZ_2M - 2 * SZ_4K, SZ_4K,
				  mapped / SZ_4K) == mapped,
	       "caller unmaps the reported part");

	/* rb_pgt_populate(): all or nothing. */
	ret = rb_pgt_populate(pgt, a, pa, SZ_4K, 1000);
	tap_ok(ret == -EEXIST && !rb_pgt_iova_to_phys(pgt, a) &&
	       !rb_pgt_iova_to_phys(pgt, a + 511 * SZ_4K) &&
	       rb_pgt_iova_to_phys(pgt, a + SZ_2M + SZ_4K) == pa,
	       "populate over a mapping: -EEXIST, rolled back, the old mapping kept");
	rb_pgt_unmap_pages(pgt, a + SZ_2M + SZ_4K, SZ_4K, 1);
	ret = rb_pgt_populate(pgt, a, pa, SZ_4K, 1000);
	for (k = 0, wrong = 0; k < 1000; k++)
		if (rb_pgt_iova_to_phys(pgt, a + k * SZ_4K + 7) !=
		    pa + k * SZ_4K + 7)
			wrong++;
	tap_ok(ret == 0 && !wrong,
	       "populate 1000 pages: iova + k * 4K -> paddr + k * 4K");
	tap_ok(rb_pgt_unmap_pages(pgt, a, SZ_4K, 1000) == 1000 * SZ_4K,
	       "populated range unmaps");
	/* 2M blocks, away from the level-3 tables the 4K pages left at a. */
	tap_ok(rb_pgt_populate(pgt, a + SZ_1G, pa, SZ_2M, 3) == 0 &&
	       rb_pgt_iova_to_phys(pgt, a + SZ_1G + 2 * SZ_2M + 1) ==
	       pa + 2 * SZ_2M + 1 &&
	       rb_pgt_populate(pgt, a + SZ_1G + 9 * SZ_4K, pa, SZ_4K, 1) ==
	       -EEXIST &&
	       rb_pgt_unmap_pages(pgt, a + SZ_1G, SZ_2M, 3) == 3 * SZ_2M,
	       "populate with 2M blocks; 4K inside them refused");
}

static void test_selftest(void)
{
	struct rb_pgtable *pgt = rb_pgt_alloc(&rb_pgt_default_alloc, NULL);

	if (!tap_ok(pgt != NULL, "rb_pgt_alloc with the default hook"))
		return;
	test_empty(pgt);
	test_each_size(pgt);
	test_einval(pgt);
	test_256(pgt);
	test_cross(pgt);
	test_partial(pgt);
	rb_pgt_free(pgt);	/* leaks would show under ASan/LSan */

	pgt = rb_pgt_alloc(NULL, NULL);
	tap_ok(pgt && rb_pgt_populate(pgt, SZ_1G, SZ_1G, SZ_4K, 4) == 0 &&
	       rb_pgt_iova_to_phys(pgt, SZ_1G + 3 * SZ_4K) ==
	       SZ_1G + 3 * SZ_4K,
	       "rb_pgt_alloc(NULL, NULL) uses the default hook");
	rb_pgt_free(pgt);
}

/* rb_pgt_free(): every page freed once and poisoned, struct included. */
static void test_free(void)
{
	struct rb_pgtable *pgt;
	struct qalloc qa;
	u64 *root;
	long tables;

	qa_init(&qa);
	pgt = rb_pgt_alloc(&qa_ops, &qa);
	if (!tap_ok(pgt != NULL && qa.nalloc == 2,
		    "alloc with a counting hook: struct page + root table")) {
		qa_release(&qa);
		return;
	}
	pgt->generation = 7;
	rb_pgt_populate(pgt, SZ_2M - 100 * SZ_4K, 0, SZ_4K, 600);
	rb_pgt_populate(pgt, SZ_1T, SZ_1T, SZ_2M, 3);
	rb_pgt_populate(pgt, 3 * SZ_1T, 0, SZ_1G, 2);
	rb_pgt_populate(pgt, 100 * SZ_1T + 5 * SZ_1G + 3 * SZ_2M, 0, SZ_4K, 1);
	tables = rb_pgt_nr_tables(pgt);
	tap_ok(tables == (long)qa.nalloc - 1 && tables == 1 + 4 + 2 + 1 + 3,
	       "nr_tables (%ld) counts the table pages the hook gave out",
	       tables);
	tap_ok(rb_pgt_footprint(pgt) == (size_t)(tables + 1) * PAGE_SIZE,
	       "footprint = (tables + struct page) * PAGE_SIZE");
	root = pgt->root;
	rb_pgt_free(pgt);
	/* The pages are quarantined: reading them is not a use-after-free. */
	tap_ok(qa_all_freed_and_poisoned(&qa, "rb_pgt_free"),
	       "rb_pgt_free frees every page exactly once, all poisoned (%zu pages)",
	       qa.nfreed);
	tap_ok(pgt->magic == RB_PGT_POISON && pgt->root == NULL &&
	       pgt->generation == 7,
	       "freed struct: magic RB_PGT_POISON, root NULL, generation kept");
	tap_ok(rb_pgt_iova_to_phys(pgt, SZ_2M + 42) == 0 &&
	       rb_pgt_map_pages(pgt, 0, 0, SZ_4K, 1, RB_PGT_PROT_RW, NULL) ==
	       -EINVAL &&
	       rb_pgt_unmap_pages(pgt, SZ_2M, SZ_4K, 1) == 0,
	       "poisoned table: iova_to_phys 0, map -EINVAL, unmap 0");
	/*
	 * A reader that passed the magic check and loaded root just before
	 * the free walks poisoned tables: it must see invalid entries.
	 */
	pgt->magic = RB_PGT_MAGIC_LIVE;
	pgt->root = root;
	tap_ok(rb_pgt_iova_to_phys(pgt, SZ_2M + 42) == 0 &&
	       rb_pgt_iova_to_phys(pgt, SZ_1T + 42) == 0 &&
	       rb_pgt_iova_to_phys(pgt, 3 * SZ_1T) == 0,
	       "a walk through poisoned tables translates nothing");
	pgt->magic = RB_PGT_POISON;
	pgt->root = NULL;
	tap_diag("expect one 'not live ... double free?' message on stderr:");
	rb_pgt_free(pgt);
	tap_ok(qa.nfreed == qa.nalloc,
	       "rb_pgt_free on a poisoned struct frees nothing more");
	qa_release(&qa);
}

static void test_alloc_fail(void)
{
	struct rb_pgtable *pgt;
	struct qalloc qa;
	int ret;

	qa_init(&qa);
	qa.fail_after = 0;
	tap_ok(rb_pgt_alloc(&qa_ops, &qa) == NULL && qa.nalloc == 0,
	       "alloc: hook fails at once -> NULL");
	qa.fail_after = 1;
	tap_ok(rb_pgt_alloc(&qa_ops, &qa) == NULL &&
	       qa_all_freed_and_poisoned(&qa, "root alloc failure"),
	       "alloc: root table fails -> NULL, struct page given back");
	qa_release(&qa);

	qa_init(&qa);
	qa.fail_after = 3;	/* struct, root, one level-1 table */
	pgt = rb_pgt_alloc(&qa_ops, &qa);
	if (!tap_ok(pgt != NULL, "alloc with 3 pages to spare")) {
		qa_release(&qa);
		return;
	}
	ret = rb_pgt_map_pages(pgt, SZ_1G, 0, SZ_4K, 1, RB_PGT_PROT_RW, NULL);
	tap_ok(ret == -ENOMEM && !rb_pgt_iova_to_phys(pgt, SZ_1G),
	       "map: table allocation fails -> -ENOMEM (ret %d)", ret);
	qa.fail_after = -1;
	tap_ok(rb_pgt_map_pages(pgt, SZ_1G, SZ_2M, SZ_4K, 1, RB_PGT_PROT_RW,
				NULL) == 0 &&
	       rb_pgt_iova_to_phys(pgt, SZ_1G) == SZ_2M,
	       "map after the failure completes the walk");
	rb_pgt_free(pgt);
	tap_ok(qa_all_freed_and_poisoned(&qa, "after -ENOMEM"),
	       "no page lost on the -ENOMEM path");
	qa_release(&qa);
}

/*
 * The lost-race path of the table install, made deterministic: while our
 * map allocates its level-1 table, "another mapper" (the hook) maps a
 * neighbouring page and installs the whole walk first.  Our cmpxchg must
 * fail, our page must go back to the hook, and we must use theirs.
 */
static void test_install_race(void)
{
	const u64 ours = 5 * SZ_1G, theirs = 5 * SZ_1G + SZ_2M;
	struct rb_pgtable *pgt;
	struct qalloc qa;
	int ret;

	qa_init(&qa);
	pgt = rb_pgt_alloc(&qa_ops, &qa);
	if (!tap_ok(pgt != NULL, "install race: alloc")) {
		qa_release(&qa);
		return;
	}
	qa.inject_pgt = pgt;
	qa.inject_iova = theirs;
	ret = rb_pgt_map_pages(pgt, ours, ours, SZ_4K, 1, RB_PGT_PROT_RW,
			       NULL);
	/* Theirs: L1 + L2 + L3.  Ours: a lost L1, then our own L3. */
	tap_ok(ret == 0 && qa.inject_ret == 0 &&
	       rb_pgt_iova_to_phys(pgt, ours + 1) == ours + 1 &&
	       rb_pgt_iova_to_phys(pgt, theirs + 1) == theirs + 1,
	       "install race: both mappings in place (ret %d / %d)", ret,
	       qa.inject_ret);
	tap_ok(qa.nfreed == 1 && rb_pgt_nr_tables(pgt) == 5 &&
	       qa.nalloc == 7,
	       "install race: the loser's table page went back to the hook "
	       "(%zu freed, %ld tables held)", qa.nfreed,
	       rb_pgt_nr_tables(pgt));
	rb_pgt_free(pgt);
	tap_ok(qa_all_freed_and_poisoned(&qa, "install race"),
	       "install race: rb_pgt_free frees the rest exactly once");
	qa_release(&qa);
}

/* ------------------------------------------------------------------ */
/*
 * Concurrency smoke test: two mappers on disjoint ranges that share their
 * level-1 and level-2 tables (so they race to install them), and a reader
 * translating both ranges, which must only ever see "unmapped" or the
 * right address.  A fresh table each round, so the install races recur.
 */
#define CC_REGIONS	32
#define CC_ITERS	100

struct cc {
	struct rb_pgtable *pgt;
	pthread_barrier_t start;
	int done;		/* mappers finished (atomic) */
	int arrive[CC_REGIONS];	/* first-pass rendezvous per region */
	long errors[3];		/* per thread, plain: read after join */
	long hits;		/* reader: translations that were mapped */
};

struct cc_arg {
	struct cc *cc;
	int id;
};

/* Mapper @t's 4K page and 2M block in region @k, and their paddrs. */
static u64 cc_page(int k, int t)
{
	return (u64)k * (SZ_512G + SZ_1G) + (u64)t * SZ_2M;
}

static u64 cc_block(int k, int t)
{
	return cc_page(k, 2 + t);
}

static u64 cc_pa(u64 iova)
{
	return iova + 64 * SZ_1T;
}

static void *cc_mapper(void *p)
{
	struct cc_arg *a = p;
	struct cc *cc = a->cc;
	int t = a->id, k, it;

	pthread_barrier_wait(&cc->start);
	for (it = 0; it < CC_ITERS; it++) {
		for (k = 0; k < CC_REGIONS; k++) {
			u64 pg = cc_page(k, t), bl = cc_block(k, t);
			unsigned int spins = 0;

			/*
			 * First pass: meet the other mapper at each region so
			 * both walk into the same missing tables together.
			 * Bounded wait: the test must not depend on it.
			 */
			if (!it) {
				__atomic_fetch_add(&cc->arrive[k], 1,
						   __ATOMIC_SEQ_CST);
				while (__atomic_load_n(&cc->arrive[k],
						       __ATOMIC_ACQUIRE) < 2 &&
				       ++spins < 100000)
					if (!(spins % 64))
						rb_yield();
					else
						cpu_relax();
			}

			if (it && (rb_pgt_unmap_pages(cc->pgt, pg, SZ_4K, 1) !=
				   SZ_4K ||
				   rb_pgt_unmap_pages(cc->pgt, bl, SZ_2M, 1) !=
				   SZ_2M))
				cc->errors[t]++;
			if (rb_pgt_map_pages(cc->pgt, pg, cc_pa(pg), SZ_4K, 1,
					     RB_PGT_PROT_RW, NULL) ||
			    rb_pgt_map_pages(cc->pgt, bl, cc_pa(bl), SZ_2M, 1,
					     RB_PGT_PROT_RW, NULL))
				cc->errors[t]++;
		}
	}
	__atomic_fetch_add(&cc->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void *cc_reader(void *p)
{
	struct cc_arg *a = p;
	struct cc *cc = a->cc;
	int k, t, last = 0;

	pthread_barrier_wait(&cc->start);
	do {
		/* One more full pass after both mappers are done. */
		last = __atomic_load_n(&cc->done, __ATOMIC_ACQUIRE) == 2;
		for (k = 0; k < CC_REGIONS; k++) {
			for (t = 0; t < 2; t++) {
				u64 v[2] = { cc_page(k, t) + 42,
					     cc_block(k, t) + SZ_2M - 1 };
				int i;

				for (i = 0; i < 2; i++) {
					phys_addr_t pa = rb_pgt_iova_to_phys(
						cc->pgt, v[i]);

					if (pa == cc_pa(v[i]))
						cc->hits++;
					else if (pa)
						cc->errors[2]++;
					else if (last)
						cc->errors[2]++;
				}
			}
		}
	} while (!last);
	return NULL;
}

static void test_concurrency(int rounds)
{
	long errors = 0, hits = 0, races = 0, unfreed = 0;
	int r, i;

	for (r = 0; r < rounds; r++) {
		struct cc cc = { 0 };
		struct cc_arg args[3];
		pthread_t th[3];
		struct qalloc qa;

		qa_init(&qa);
		cc.pgt = rb_pgt_alloc(&qa_ops, &qa);
		if (!cc.pgt) {
			tap_ok(0, "concurrency: rb_pgt_alloc failed");
			qa_release(&qa);
			return;
		}
		pthread_barrier_init(&cc.start, NULL, 3);
		for (i = 0; i < 3; i++) {
			args[i].cc = &cc;
			args[i].id = i;
			if (pthread_create(&th[i], NULL,
					   i < 2 ? cc_mapper : cc_reader,
					   &args[i])) {
				fprintf(stderr, "pgtable test: pthread_create failed\n");
				exit(1);
			}
		}
		for (i = 0; i < 3; i++)
			pthread_join(th[i], NULL);
		pthread_barrier_destroy(&cc.start);
		errors += cc.errors[0] + cc.errors[1] + cc.errors[2];
		hits += cc.hits;
		/* Pages freed before rb_pgt_free: lost install races. */
		races += qa.nfreed;
		rb_pgt_free(cc.pgt);
		if (!qa_all_freed_and_poisoned(&qa, "concurrency"))
			unfreed++;
		qa_release(&qa);
	}
	tap_diag("concurrency: %d rounds, %ld mapped translations seen, "
		 "%ld table-install races lost (and freed)", rounds, hits,
		 races);
	tap_ok(errors == 0,
	       "concurrency: map/unmap on disjoint ranges never failed, the reader never saw a wrong address (%ld errors)",
	       errors);
	tap_ok(unfreed == 0,
	       "concurrency: every table page (race losers included) freed once and poisoned");
}

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-r ROUNDS]\n"
		"  -r ROUNDS  rounds of the concurrency smoke test (1..100000, default 20)\n",
		prog);
	exit(2);
}

int main(int argc, char **argv)
{
	int rounds = 20, i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-r") && i + 1 < argc) {
			char *end;
			long v;

			errno = 0;
			v = strtol(argv[++i], &end, 10);
			if (errno || *end || end == argv[i] || v < 1 ||
			    v > 100000) {
				fprintf(stderr, "%s: bad ROUNDS '%s'\n",
					argv[0], argv[i]);
				usage(argv[0]);
			}
			rounds = (int)v;
		} else {
			usage(argv[0]);
		}
	}

	test_selftest();
	test_free();
	test_alloc_fail();
	test_install_race();
	test_concurrency(rounds);
	return tap_done();
}
