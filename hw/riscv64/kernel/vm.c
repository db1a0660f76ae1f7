/*
 * hw/riscv64/kernel/vm.c — Sv39 page tables (the privileged spec, 4.4).
 *
 * Every space's root table shares the kernel's part: the first gigabyte
 * (devices) and the gigabytes of RAM, mapped at their physical addresses
 * with gigapages, without PTE_U. User space is the rest below 256 GiB
 * (RV_USER_BASE .. RV_USER_END), in 4 KiB pages. The kernel reaches any
 * physical page at its physical address, so a space's memory is read and
 * written by walking its table, whichever space is current.
 */
#include <string.h>

#include "kernel.h"

#define SATP_SV39 (8ull << 60)
#define VPN(va, level) (((va) >> (12 + 9 * (level))) & 0x1ff)
#define PTE_PA(pte) (((pte) >> 10) << 12)
#define PA_PTE(pa) (((pa) >> 12) << 10)

uint64_t *k_kernel_pt;
static struct kspace *active;
/* Any change to a user entry, or a table freed, ends k_user_msg's cached answers. */
uint64_t k_pt_gen;

void k_vm_init(void)
{
	uint64_t pa = k_page_alloc();
	unsigned kflags = PTE_V | PTE_R | PTE_W | PTE_A | PTE_D | PTE_G;

	if (!pa)
		k_panic("no page for the kernel's page table");
	k_kernel_pt = (uint64_t *)(uintptr_t)pa;
	k_kernel_pt[0] = PA_PTE(0ull) | kflags; /* devices */
	for (uint64_t g = K.ram_base >> 30; g <= (K.ram_base + K.ram_size - 1) >> 30 && g < 4; g++)
		k_kernel_pt[g] = PA_PTE(g << 30) | kflags | PTE_X;
	__asm__ volatile("csrw satp, %0; sfence.vma" : : "r"(SATP_SV39 | (pa >> 12)) : "memory");
}

uint64_t *k_pt_new(void)
{
	uint64_t pa = k_page_alloc();
	uint64_t *pt = (uint64_t *)(uintptr_t)pa;

	if (!pa)
		return NULL;
	for (unsigned i = 0; i < 4; i++)
		pt[i] = k_kernel_pt[i];
	return pt;
}

static void free_level(uint64_t *t, int level)
{
	for (unsigned i = 0; i < 512; i++) {
		uint64_t e = t[i];

		if (level == 2 && i < 4)
			continue; /* the kernel's */
		if ((e & PTE_V) && !(e & (PTE_R | PTE_W | PTE_X)) && level > 0)
			free_level((uint64_t *)(uintptr_t)PTE_PA(e), level - 1);
	}
	k_page_free((uint64_t)(uintptr_t)t);
}

void k_pt_free(uint64_t *pt)
{
	if (pt) {
		free_level(pt, 2);
		k_pt_gen++;
	}
}

static uint64_t *walk(uint64_t *pt, uint64_t va, bool alloc)
{
	if (va >= RV_USER_END || va < RV_USER_BASE)
		return NULL;
	for (int level = 2; level > 0; level--) {
		uint64_t *e = &pt[VPN(va, level)];

		if (!(*e & PTE_V)) {
			uint64_t pa;

			if (!alloc || !(pa = k_page_alloc()))
				return NULL;
			*e = PA_PTE(pa) | PTE_V;
		} else if (*e & (PTE_R | PTE_W | PTE_X)) {
			return NULL; /* a superpage: never in user space */
		}
		pt = (uint64_t *)(uintptr_t)PTE_PA(*e);
	}
	return &pt[VPN(va, 0)];
}

uint64_t *k_pt_walk(uint64_t *pt, uint64_t va)
{
	uint64_t *e = walk(pt, va, false);

	return e && (*e & PTE_V) ? e : NULL;
}

bool k_pt_map(uint64_t *pt, uint64_t va, uint64_t pa, unsigned flags)
{
	uint64_t *e = walk(pt, va, true);

	if (!e)
		return false;
	if (*e & PTE_V)
		k_pt_gen++;
	*e = PA_PTE(pa) | flags | PTE_V | PTE_U | PTE_A | PTE_D;
	return true;
}

void k_pt_unmap(uint64_t *pt, uint64_t va)
{
	uint64_t *e = walk(pt, va, false);

	if (e) {
		*e = 0;
		k_pt_gen++;
	}
}

bool k_pt_protect(uint64_t *pt, uint64_t va, unsigned flags)
{
	uint64_t *e = k_pt_walk(pt, va);

	if (!e)
		return false;
	*e = (*e & ~(uint64_t)(PTE_R | PTE_W | PTE_X)) | flags;
	k_pt_gen++;
	return true;
}

void k_vm_switch(struct kspace *s)
{
	uint64_t *pt = s ? s->pt : k_kernel_pt;

	if (s == active)
		return;
	active = s;
	__asm__ volatile("csrw satp, %0; sfence.vma" : : "r"(SATP_SV39 | ((uint64_t)(uintptr_t)pt >> 12)) : "memory");
}

void k_tlb_flush(struct kspace *s, uint64_t va)
{
	/* Other spaces' entries go at the switch to them (satp write + sfence.vma). */
	if (s == active)
		__asm__ volatile("sfence.vma %0, zero" : : "r"(va) : "memory");
}

/* The kernel address of user address va in s, if mapped with `need` (PTE_R/PTE_W). */
static void *uaddr(struct kspace *s, uint64_t va, unsigned need)
{
	uint64_t *e = k_pt_walk(s->pt, va);

	if (!e || !(*e & PTE_U) || (*e & need) != need)
		return NULL;
	return (void *)(uintptr_t)(PTE_PA(*e) + (va & 4095));
}

exo_msg_t *k_user_msg_walk(struct kthread *t, uint64_t uva)
{
	struct kspace *s = t->space;

	if ((uva & 7) || (uva & 4095) + sizeof(exo_msg_t) > 4096)
		return NULL;
	t->msgc = uaddr(s, uva, PTE_R | PTE_W);
	t->msgc_va = uva;
	t->msgc_gen = k_pt_gen;
	t->msgc_pt = s->pt;
	return t->msgc;
}

/*
 * The kernel address of va, and how much of [va, va + *chunk) is there in
 * one piece: in s's user memory with `need` (a page at most), or, with no
 * space, the kernel's own memory (all of it).
 */
static void *at(struct kspace *s, uint64_t va, unsigned need, size_t *chunk)
{
	size_t in_page = 4096 - (va & 4095);

	if (!s)
		return (void *)(uintptr_t)va;
	if (in_page < *chunk)
		*chunk = in_page;
	return uaddr(s, va, need);
}

/* n bytes from sva to dva, page by page; a space NULL means the kernel's side. */
static bool copy(struct kspace *ds, uint64_t dva, struct kspace *ss, uint64_t sva, size_t n)
{
	if (dva + n < dva || sva + n < sva)
		return false;
	while (n > 0) {
		size_t chunk = n;
		void *d = at(ds, dva, PTE_W, &chunk), *s = at(ss, sva, PTE_R, &chunk);

		if (!d || !s)
			return false;
		memmove(d, s, chunk);
		dva += chunk;
		sva += chunk;
		n -= chunk;
	}
	return true;
}

bool k_copy_in(struct kspace *s, void *dst, uint64_t uva, size_t n)
{
	return copy(NULL, (uint64_t)(uintptr_t)dst, s, uva, n);
}

bool k_copy_out(struct kspace *s, uint64_t uva, const void *src, size_t n)
{
	return copy(s, uva, NULL, (uint64_t)(uintptr_t)src, n);
}

bool k_copy_user(struct kspace *ds, uint64_t dva, struct kspace *ss, uint64_t sva, size_t n)
{
	return copy(ds, dva, ss, sva, n);
}
