/*
 * libposix/image_elf.c — the image half of exec where programs are loaded
 * at user level (riscv64): an ELF loader that lays the new program out
 * through the memory server and has the kernel restart the space there.
 *
 * Loading: each EXO_PT_LOAD segment (those sharing a page merged into one) and
 * the first stack are staged in private regions of the caller's own
 * (MEM_MMAP), filled while the old program still runs, and handed to the
 * memory server with the addresses they must have (MEM_IMAGE, exo/memory.h):
 * the regions leave the old program's layout and wait, frames and all.
 * Segments must lie in the kernel's user range (exo_kinfo_t.user_lo) and
 * below the stack. Every check comes first, so a bad image, too many arguments or too little
 * memory is an error with the old program intact (ENOEXEC, E2BIG, ENOMEM).
 * Starting: exo_space_restart drops the old program and restarts the caller
 * at the entry point; the memory server installs the waiting layout on the
 * kernel's call for the new thread. The program's heap is the break region
 * (MEM_BRK); the heap segment a linker script reserves for programs the
 * kernel starts at boot is not loaded (RV_PT_LINKER_HEAP in
 * hw/riscv64/common/abi.h is such a segment's type, and it is not EXO_PT_LOAD).
 *
 * The stack: strings at the top, then argv[], NULL, envp[], NULL at the
 * stack pointer, 16-byte aligned (what crt0 and environ expect); it ends
 * 64 KiB below the managed range, where the break region begins.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <exo/elf.h>
#include <exo/errno.h>
#include <exo/ipc.h>
#include <exo/memory.h>
#include "memory_proto.h"

#include "px.h"

#define STACK_SIZE (1u << 20)
#define STACK_GAP 0x10000ull
#define SEG_MAX (MEM_IMAGE_MAX - 1) /* the stack takes one entry */
#define PAGE_MASK ((uint64_t)EXO_PAGE_SIZE - 1)

/* One region of the new layout: its final page range, rights and staging address. */
struct seg {
	uint64_t va, len, staged;
	unsigned prot;
};

/* File bytes a segment brings: len bytes from offset off, to address va of region seg. */
struct fcopy {
	uint64_t va, off, len;
	unsigned seg;
};
#define COPY_MAX (2 * SEG_MAX)

static unsigned prot_of(uint32_t flags)
{
	return (flags & EXO_PF_R ? EXO_R : 0) | (flags & EXO_PF_W ? EXO_W : 0) | (flags & EXO_PF_X ? EXO_X : 0);
}

/*
 * The program headers, checked once: the page ranges they need (seg) and
 * the file bytes to put there (cp); -XE_ENOEXEC when they are not an image
 * we run.
 */
static int plan(const char *img, size_t len, uint64_t low, uint64_t limit, struct seg *seg, unsigned *nseg,
		struct fcopy *cp, unsigned *ncp, uint64_t *entry)
{
	struct exo_elf64_ehdr eh;
	uint64_t last_end = 0;
	bool entry_ok = false;

	if (len < sizeof(eh))
		return -XE_ENOEXEC;
	memcpy(&eh, img, sizeof(eh));
	if (memcmp(eh.ident, "\177ELF", 4) || eh.ident[4] != 2 || eh.ident[5] != 1 || eh.type != EXO_ET_EXEC ||
	    eh.machine != PX_ELF_MACHINE || eh.phentsize != sizeof(struct exo_elf64_phdr) || eh.phoff > len ||
	    eh.phnum > (len - eh.phoff) / sizeof(struct exo_elf64_phdr))
		return -XE_ENOEXEC;
	*nseg = *ncp = 0;
	for (unsigned i = 0; i < eh.phnum; i++) {
		struct exo_elf64_phdr ph;
		uint64_t lo, hi;

		memcpy(&ph, img + eh.phoff + i * sizeof(ph), sizeof(ph));
		if (ph.type == EXO_PT_INTERP)
			return -XE_ENOEXEC; /* no dynamic linker here */
		if (ph.type != EXO_PT_LOAD || ph.memsz == 0)
			continue;
		if (ph.filesz > ph.memsz || ph.offset > len || ph.filesz > len - ph.offset ||
		    ph.vaddr < low || ph.vaddr < last_end || ph.memsz > limit || ph.vaddr > limit - ph.memsz)
			return -XE_ENOEXEC; /* out of the file, out of order, overlapping, or over the stack */
		last_end = ph.vaddr + ph.memsz;
		lo = ph.vaddr & ~PAGE_MASK;
		hi = (last_end + PAGE_MASK) & ~PAGE_MASK;
		if (*nseg && lo < seg[*nseg - 1].va + seg[*nseg - 1].len) {
			/* It starts in the last page of the one before: one region, both rights. */
			seg[*nseg - 1].len = hi - seg[*nseg - 1].va;
			seg[*nseg - 1].prot |= prot_of(ph.flags);
		} else {
			if (*nseg == SEG_MAX)
				return -XE_ENOEXEC;
			seg[(*nseg)++] = (struct seg){ .va = lo, .len = hi - lo, .prot = prot_of(ph.flags) };
		}
		if (ph.filesz) {
			if (*ncp == COPY_MAX)
				return -XE_ENOEXEC;
			cp[(*ncp)++] = (struct fcopy){ .va = ph.vaddr, .off = ph.offset, .len = ph.filesz, .seg = *nseg - 1 };
		}
		if ((ph.flags & EXO_PF_X) && eh.entry >= ph.vaddr && eh.entry < last_end)
			entry_ok = true;
	}
	if (!entry_ok || (eh.entry & 1))
		return -XE_ENOEXEC;
	*entry = eh.entry;
	return 0;
}

static int stage(struct seg *s)
{
	struct memory_mmap_out out;
	int r = memory_call_mmap(px_mem_transport, &(struct memory_mmap_in){ .len = s->len, .prot = EXO_R | EXO_W },
				 &out);

	if (r < 0)
		return r;
	s->staged = out.addr;
	return 0;
}

static void unstage(struct seg *seg, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (seg[i].staged)
			memory_call_munmap(px_mem_transport,
					   &(struct memory_munmap_in){ .addr = seg[i].staged, .len = seg[i].len });
}

/* The strings' bytes and pointer slots the stack needs; -XE_E2BIG past a quarter of it. */
static int stack_need(char *const argv[], char *const envp[], uint64_t *bytes, uint64_t *argc, uint64_t *nptr)
{
	uint64_t n = 0, b = 0, a = 0;

	for (; argv && argv[a]; a++)
		b += strlen(argv[a]) + 1;
	for (; envp && envp[n]; n++)
		b += strlen(envp[n]) + 1;
	*bytes = b;
	*argc = a;
	*nptr = a + n + 2;
	return b + *nptr * 8 > STACK_SIZE / 4 ? -XE_E2BIG : 0;
}

/* Where the staged copy of final address va of s is. */
static char *at_staged(const struct seg *s, uint64_t va)
{
	return (char *)(uintptr_t)(s->staged + (va - s->va));
}

/* Write the arguments into the staged stack s, addressed as they will be below `top`. */
static void stack_fill(const struct seg *s, uint64_t top, char *const argv[], char *const envp[], uint64_t bytes,
		       uint64_t argc, uint64_t nptr, uint64_t *sp)
{
	uint64_t at = ((top - bytes) & ~15ull) - ((nptr * 8 + 15) & ~15ull), str = top, zero = 0;

	for (uint64_t i = 0; i < nptr - 2; i++) {
		const char *v = i < argc ? argv[i] : envp[i - argc];
		size_t n = strlen(v) + 1;

		str -= n;
		memcpy(at_staged(s, str), v, n);
		memcpy(at_staged(s, at + 8 * (i < argc ? i : i + 1)), &str, 8);
	}
	memcpy(at_staged(s, at + 8 * argc), &zero, 8);
	memcpy(at_staged(s, at + 8 * (nptr - 1)), &zero, 8);
	*sp = at;
}

int px_image_load(struct px_image *im, const char *img, size_t len, char *const argv[], char *const envp[])
{
	struct seg seg[MEM_IMAGE_MAX] = { 0 };
	uint64_t top = EXO_VM_BASE - STACK_GAP, bytes, argc, nptr;
	struct memory_image_in layout = { 0 };
	struct fcopy cp[COPY_MAX];
	unsigned n, ncp;
	exo_kinfo_t ki = { 0 };
	int r;

	/* Below the kernel's user range the new program could not be mapped, after the point of no return. */
	exo_kernel_info(&ki);
	r = plan(img, len, ki.user_lo > MEM_IMAGE_LOW ? ki.user_lo : MEM_IMAGE_LOW, top - STACK_SIZE, seg, &n, cp,
		 &ncp, &im->entry);
	if (r == 0)
		r = stack_need(argv, envp, &bytes, &argc, &nptr);
	if (r < 0)
		return r;
	seg[n++] = (struct seg){ .va = top - STACK_SIZE, .len = STACK_SIZE, .prot = EXO_R | EXO_W };
	for (unsigned i = 0; i < n && r == 0; i++)
		r = stage(&seg[i]);
	if (r < 0) {
		unstage(seg, n);
		return r == -XE_ENOMEM ? r : -XE_ENOMEM;
	}
	/* Staged: the file's bytes where plan() said (the rest is zero). */
	for (unsigned i = 0; i < ncp; i++)
		memcpy(at_staged(&seg[cp[i].seg], cp[i].va), img + cp[i].off, cp[i].len);
	stack_fill(&seg[n - 1], top, argv, envp, bytes, argc, nptr, &im->sp);
	layout.n = n;
	for (unsigned i = 0; i < n; i++) {
		layout.table[4 * i] = seg[i].staged;
		layout.table[4 * i + 1] = seg[i].va;
		layout.table[4 * i + 2] = seg[i].len;
		layout.table[4 * i + 3] = seg[i].prot;
	}
	r = memory_call_image(px_mem_transport, &layout);
	if (r < 0) {
		unstage(seg, n);
		return r == -XE_ENOMEM ? r : -XE_ENOEXEC;
	}
	im->argc = argc;
	im->argv_at = im->sp;
	return 0;
}

void px_image_start(struct px_image *im, const char *name)
{
	exo_space_restart(im->entry, im->sp, im->argc, im->argv_at, name);
	memory_call_image(px_mem_transport, &(struct memory_image_in){ .n = 0 }); /* refused: drop the waiting layout */
}
