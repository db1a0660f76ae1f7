/*
 * hw/riscv64/kernel/pmem.c — the kernel's own memory: whole pages from a free
 * list, and small blocks in power-of-two classes carved from pages.
 *
 * The pool is the RAM between the kernel image and the boot image (boot.c
 * decides where that is); sigma0's frames come after the boot image. Blocks larger than a page come from a contiguous
 * region at the pool's start, in classes too; a freed block goes back to its
 * class. Everything handed out is zeroed. Callers give the size back on free
 * (the mapping database's ops do), so no header is kept.
 */
#include <string.h>

#include "kernel.h"

#define CLASS_MIN 4   /* 16 bytes */
#define CLASS_MAX 22  /* 4 MiB */
#define BIG_POOL (8ull << 20)

struct freeblk {
	struct freeblk *next;
};

static struct freeblk *pages;
static uint64_t npages_free;
static struct freeblk *classes[CLASS_MAX + 1];
static uint64_t big_next, big_end;

void k_pmem_init(uint64_t start, uint64_t end)
{
	start = (start + 4095) & ~4095ull;
	end &= ~4095ull;
	big_next = start;
	big_end = start + BIG_POOL;
	for (uint64_t pa = end - 4096; pa >= big_end; pa -= 4096)
		k_page_free(pa);
}

uint64_t k_page_alloc(void)
{
	struct freeblk *b = pages;

	if (!b)
		return 0;
	pages = b->next;
	npages_free--;
	memset(b, 0, 4096);
	return (uint64_t)(uintptr_t)b;
}

void k_page_free(uint64_t pa)
{
	struct freeblk *b = (struct freeblk *)(uintptr_t)pa;

	b->next = pages;
	pages = b;
	npages_free++;
}

uint64_t k_pages_free(void)
{
	return npages_free;
}

static unsigned class_of(size_t n)
{
	unsigned c = CLASS_MIN;

	while (((size_t)1 << c) < n)
		c++;
	return c;
}

void *k_alloc(size_t n)
{
	unsigned c = class_of(n ? n : 1);
	size_t sz = (size_t)1 << c;
	struct freeblk *b;

	if (c > CLASS_MAX)
		return NULL;
	if (!classes[c]) {
		if (c < 12) {
			uint64_t pa = k_page_alloc();

			if (!pa)
				return NULL;
			for (size_t off = 0; off < 4096; off += sz) {
				b = (struct freeblk *)(uintptr_t)(pa + off);
				b->next = classes[c];
				classes[c] = b;
			}
		} else if (c == 12) {
			uint64_t pa = k_page_alloc();

			if (!pa)
				return NULL;
			K.kernel_bytes += sz;
			return (void *)(uintptr_t)pa;
		} else {
			uint64_t a = (big_next + sz - 1) & ~(uint64_t)(sz - 1);

			if (a + sz > big_end)
				return NULL;
			big_next = a + sz;
			b = (struct freeblk *)(uintptr_t)a;
			b->next = NULL;
			classes[c] = b;
		}
	}
	b = classes[c];
	classes[c] = b->next;
	memset(b, 0, sz);
	K.kernel_bytes += sz;
	return b;
}

void k_free(void *p, size_t n)
{
	unsigned c = class_of(n ? n : 1);
	struct freeblk *b = p;

	if (!p)
		return;
	K.kernel_bytes -= (size_t)1 << c;
	if (c == 12) {
		k_page_free((uint64_t)(uintptr_t)p);
		return;
	}
	b->next = classes[c];
	classes[c] = b;
}
