/*
 * hw/riscv64/kernel/boot.c — from OpenSBI's jump to the first thread: the
 * split of physical memory, the boot image, the boot list, and programs
 * loaded as spaces.
 *
 * The boot image is what QEMU loads with -initrd: a tar (ustar) archive whose
 * member `boot` is the boot list and whose other members are the programs
 * (static riscv64 ELF executables linked at RV_USER_BASE). The boot list
 * takes the sim's form (sim/default.boot.in), with program paths naming
 * members of the image:
 *
 *   start LABEL [--sigma0] PROGRAM [ARGS...]   a space, privileged
 *   wait NAME                                  hold the list until NAME is registered
 *   exec PROGRAM [ARGS...]                     the machine ends with its status
 *
 * A word may be quoted: "echo a b", with \" and \\ inside.
 * Physical memory: the kernel image, then the kernel's pool up to the boot
 * image, then the boot image, then sigma0's frames to the end of RAM.
 */
#include <string.h>

#include <exo/elf.h>

#include "kernel.h"

struct kernel K;

extern char __kernel_end[];

#define BOOT_MAX_LINES 64
#define BOOT_MAX_ARGS 16

static struct {
	char *lines[BOOT_MAX_LINES];
	unsigned n, next;
	char waiting[EXO_NAME_MAX + 1]; /* the name the list waits for, or "" */
	char text[4096];
} boot;

/* ---- the tar image ---- */

static uint64_t octal(const char *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n && p[i] >= '0' && p[i] <= '7'; i++)
		v = v * 8 + (uint64_t)(p[i] - '0');
	return v;
}

/* The member called name (a leading "/" or "./" is ignored), or NULL. */
static const uint8_t *image_find(const char *name, uint64_t *size)
{
	const uint8_t *p = (const uint8_t *)(uintptr_t)K.initrd_pa, *end = p + K.initrd_size;

	while (*name == '/')
		name++;
	while (p + 512 <= end && p[0]) {
		const char *hname = (const char *)p;
		uint64_t sz = octal(hname + 124, 12);
		char full[256];
		size_t pl = strnlen(hname + 345, 155), nl = strnlen(hname, 100);

		full[0] = 0;
		if (!memcmp(hname + 257, "ustar", 5) && pl) {
			memcpy(full, hname + 345, pl);
			full[pl] = '/';
			memcpy(full + pl + 1, hname, nl);
			full[pl + 1 + nl] = 0;
		} else {
			memcpy(full, hname, nl);
			full[nl] = 0;
		}
		{
			const char *f = full;

			if (f[0] == '.' && f[1] == '/')
				f += 2;
			if ((hname[156] == '0' || hname[156] == 0) && !strcmp(f, name)) {
				if (p + 512 + sz > end)
					return NULL;
				*size = sz;
				return p + 512;
			}
		}
		p += 512 + ((sz + 511) & ~511ull);
	}
	return NULL;
}

/* ---- ELF ---- */

/* The layouts and constants: exo/elf.h, shared with libposix's loader. */

/*
 * Load an ELF executable into s, reading its bytes through rd (the boot
 * image in place, or another space's memory for exec). Pages with file
 * bytes are given now; bss and the heap beyond them come zeroed on first
 * touch (s->zero_lo .. s->zero_hi, mem.c).
 */
exo_err k_elf_load(struct kspace *s, const struct k_reader *rd, uint64_t len, uint64_t *entry)
{
	struct exo_elf64_ehdr eh;

	if (len < sizeof(eh) || !rd->read(rd, 0, &eh, sizeof(eh)) || memcmp(eh.ident, "\177ELF", 4) ||
	    eh.ident[4] != 2 || eh.type != EXO_ET_EXEC || eh.machine != EXO_EM_RISCV || eh.phentsize != sizeof(struct exo_elf64_phdr) ||
	    eh.phoff > len || (uint64_t)eh.phnum * sizeof(struct exo_elf64_phdr) > len - eh.phoff || eh.phnum > 32)
		return EXO_EINVAL;
	s->zero_lo = s->zero_hi = 0;
	for (unsigned i = 0; i < eh.phnum; i++) {
		struct exo_elf64_phdr ph;
		unsigned rights;
		uint64_t va, pa, fend;

		if (!rd->read(rd, eh.phoff + i * sizeof(ph), &ph, sizeof(ph)))
			return EXO_EINVAL;
		if (ph.type == RV_PT_LINKER_HEAP && ph.memsz && ph.vaddr >= RV_USER_BASE &&
		    ph.vaddr + ph.memsz <= RV_VM_BASE && ph.vaddr + ph.memsz > ph.vaddr) {
			/* It follows the bss: one range zeroed on first touch. */
			if (!s->zero_lo || ph.vaddr < s->zero_lo)
				s->zero_lo = ph.vaddr & ~4095ull;
			if (ph.vaddr + ph.memsz > s->zero_hi)
				s->zero_hi = (ph.vaddr + ph.memsz + 4095) & ~4095ull;
			continue;
		}
		if (ph.type != EXO_PT_LOAD || ph.memsz == 0)
			continue;
		rights = EXO_R | (ph.flags & EXO_PF_W ? EXO_W : 0) | (ph.flags & EXO_PF_X ? EXO_X : 0);
		if (ph.filesz > ph.memsz || ph.offset > len || ph.filesz > len - ph.offset ||
		    ph.vaddr < RV_USER_BASE || ph.vaddr + ph.memsz > RV_VM_BASE || ph.vaddr + ph.memsz < ph.vaddr)
			return EXO_EINVAL;
		fend = ph.vaddr + ph.filesz;
		for (va = ph.vaddr & ~4095ull; va < ph.vaddr + ph.memsz; va += 4096) {
			uint64_t lo = va > ph.vaddr ? va : ph.vaddr, hi = va + 4096;

			if (va >= fend && (ph.flags & EXO_PF_W)) {
				/* bss and heap: on first touch */
				if (!s->zero_lo || va < s->zero_lo)
					s->zero_lo = va;
				if (ph.vaddr + ph.memsz > s->zero_hi)
					s->zero_hi = (ph.vaddr + ph.memsz + 4095) & ~4095ull;
				break;
			}
			if (!k_space_page(s, va, rights, &pa))
				return EXO_ENOMEM;
			if (hi > fend)
				hi = fend;
			if (lo < hi && !rd->read(rd, ph.offset + (lo - ph.vaddr), (void *)(uintptr_t)(pa + (lo - va)), hi - lo))
				return EXO_EINVAL;
		}
	}
	*entry = eh.entry;
	return EXO_OK;
}

static bool read_image(const struct k_reader *rd, uint64_t off, void *dst, uint64_t n)
{
	memcpy(dst, (const uint8_t *)rd->ctx + off, n);
	return true;
}

/*
 * The first thread's stack: the strings at the top, then argv[], NULL,
 * envp[], NULL (what crt0 and environ expect). A stack of RV_STACK_SIZE;
 * the strings may take at most a quarter of it.
 */
exo_err k_push_args(struct kspace *s, char *const argv[], unsigned argc, char *const envp[], unsigned envc,
		    uint64_t *sp, uint64_t *uargv)
{
	uint64_t top = RV_STACK_TOP, nptr = (uint64_t)argc + envc + 2, need = 0, at;

	for (unsigned i = 0; i < argc; i++)
		need += strlen(argv[i]) + 1;
	for (unsigned i = 0; i < envc; i++)
		need += strlen(envp[i]) + 1;
	if (need + nptr * 8 > RV_STACK_SIZE / 4)
		return EXO_EMSGSIZE;
	for (uint64_t va = RV_STACK_TOP - RV_STACK_SIZE; va < RV_STACK_TOP; va += 4096)
		if (!k_space_page(s, va, EXO_R | EXO_W, NULL))
			return EXO_ENOMEM;
	at = ((top - need) & ~15ull) - ((nptr * 8 + 15) & ~15ull);
	*sp = *uargv = at;
	for (unsigned i = 0; i < argc + envc; i++) {
		const char *str = i < argc ? argv[i] : envp[i - argc];
		size_t n = strlen(str) + 1;
		uint64_t slot = at + 8 * (i < argc ? i : i + 1);

		top -= n;
		k_copy_out(s, top, str, n);
		k_copy_out(s, slot, &top, 8);
	}
	{
		uint64_t zero = 0;

		k_copy_out(s, at + 8 * argc, &zero, 8);
		k_copy_out(s, at + 8 * (nptr - 1), &zero, 8);
	}
	return EXO_OK;
}

static const char *base_name(const char *p)
{
	const char *b = strrchr(p, '/');

	return b ? b + 1 : p;
}

static exo_err spawn(char *const argv[], unsigned argc, const char *label, bool sigma0, struct kspace **out)
{
	const uint8_t *img;
	uint64_t len, entry, sp, uargv;
	struct kspace *s;
	exo_err err;

	img = image_find(argv[0], &len);
	if (!img)
		return EXO_ENOENT;
	s = k_space_new(label ? label : base_name(argv[0]));
	if (!s)
		return EXO_ENOMEM;
	if (sigma0) {
		s->sigma0 = true;
		k_mem_space_init(s);
	}
	{
		struct k_reader rd = { .read = read_image, .ctx = img };

		err = k_elf_load(s, &rd, len, &entry);
	}
	if (err == EXO_OK)
		err = k_push_args(s, argv, argc, NULL, 0, &sp, &uargv);
	if (err == EXO_OK && !k_thread_new(s, entry, sp, argc, 0))
		err = EXO_ENOMEM;
	if (err != EXO_OK) {
		k_space_end(s, EXO_W_UNKNOWN);
		return err == EXO_EINVAL ? EXO_ENOENT : err;
	}
	s->threads->f.regs[R_A1] = uargv;
	*out = s;
	return EXO_OK;
}

exo_err k_spawn(char *const argv[], unsigned argc, const char *label, exo_space_t *id)
{
	struct kspace *s;
	exo_err err = spawn(argv, argc, label, false, &s);

	if (err == EXO_OK)
		*id = s->id;
	return err;
}

exo_err k_module_map(struct kspace *s, const char *name, uint64_t *va, uint64_t *size)
{
	uint64_t len, pa, first, npages, at;
	const uint8_t *p = image_find(name, &len);

	if (!p)
		return EXO_ENOENT;
	pa = (uint64_t)(uintptr_t)p;
	first = pa & ~4095ull;
	npages = (pa + len - first + 4095) / 4096;
	if (!s->mod_next)
		s->mod_next = RV_MOD_BASE;
	at = s->mod_next;
	if (npages * 4096 > RV_MOD_BASE + RV_MOD_SIZE - at)
		return EXO_ENOMEM;
	for (uint64_t i = 0; i < npages; i++)
		if (!k_pt_map(s->pt, at + i * 4096, first + i * 4096, PTE_R))
			return EXO_ENOMEM;
	s->mod_next = at + npages * 4096;
	*va = at + (pa - first);
	*size = len;
	return EXO_OK;
}

/* ---- the boot list ---- */

/* Words separated by blanks; "a word with blanks", with \" and \\ inside. */
static unsigned split(char *line, char **argv, unsigned max)
{
	unsigned n = 0;

	while (*line && n < max) {
		char *out;

		while (*line == ' ' || *line == '\t')
			line++;
		if (!*line)
			break;
		argv[n++] = out = line;
		if (*line == '"') {
			for (line++; *line && *line != '"'; line++) {
				if (*line == '\\' && (line[1] == '"' || line[1] == '\\'))
					line++;
				*out++ = *line;
			}
			if (*line)
				line++;
			*out = 0;
			if (*line)
				line++;
			continue;
		}
		while (*line && *line != ' ' && *line != '\t')
			line++;
		if (*line)
			*line++ = 0;
	}
	return n;
}

static bool name_registered(const char *name)
{
	for (struct kname *n = K.names; n; n = n->next)
		if (!strcmp(n->name, name))
			return true;
	return false;
}

void k_boot_continue(void)
{
	while (boot.next < boot.n) {
		char *argv[BOOT_MAX_ARGS + 1], line[1024];
		unsigned argc;
		struct kspace *s;
		bool sigma0 = false;
		exo_err err;

		if (boot.waiting[0]) {
			if (!name_registered(boot.waiting))
				return;
			boot.waiting[0] = 0;
		}
		if (strlen(boot.lines[boot.next]) >= sizeof(line)) {
			kprintf("exo: boot: line %u is longer than %zu characters\n", boot.next + 1, sizeof(line) - 1);
			k_poweroff(2);
		}
		strcpy(line, boot.lines[boot.next++]);
		argc = split(line, argv, BOOT_MAX_ARGS + 1);
		if (argc == 0)
			continue;
		if (argc > BOOT_MAX_ARGS) {
			kprintf("exo: boot: line %u has more than %u words\n", boot.next, BOOT_MAX_ARGS);
			k_poweroff(2);
		}
		argv[argc] = NULL;
		if (!strcmp(argv[0], "wait") && argc == 2 && strlen(argv[1]) <= EXO_NAME_MAX) {
			strcpy(boot.waiting, argv[1]);
			continue;
		}
		if (!strcmp(argv[0], "start") && argc >= 3) {
			unsigned first = 2;

			if (!strcmp(argv[2], "--sigma0")) {
				if (K.default_pager != EXO_NILTHREAD) {
					kprintf("exo: boot: a second --sigma0 (%s)\n", argv[1]);
					k_poweroff(2);
				}
				sigma0 = true;
				first = 3;
			}
			if (first >= argc)
				k_panic("boot: start %s names no program", argv[1]);
			err = spawn(argv + first, argc - first, argv[1], sigma0, &s);
		} else if (!strcmp(argv[0], "exec") && argc >= 2) {
			err = spawn(argv + 1, argc - 1, NULL, false, &s);
			if (err == EXO_OK)
				s->is_exec = true;
		} else {
			kprintf("exo: boot: cannot read line %u: %s\n", boot.next, boot.lines[boot.next - 1]);
			k_poweroff(2);
		}
		if (err != EXO_OK) {
			const char *prog = !strcmp(argv[0], "exec") ? argv[1] : argv[sigma0 ? 3 : 2];

			kprintf("exo: boot: cannot start %s: %s\n", prog,
				err == EXO_ENOENT ? "not in the boot image, or not a riscv64 executable" : exo_strerror(err));
			k_poweroff(127);
		}
		s->privileged = true;
		if (sigma0 && K.default_pager == EXO_NILTHREAD)
			K.default_pager = s->threads->ipc.tid;
	}
}

void k_boot_space_ended(struct kspace *s)
{
	uint32_t w = s->wstatus;
	int code;

	if (!s->is_exec)
		return;
	if (w == EXO_W_UNKNOWN || (w & 0x7f) == 0)
		code = w == EXO_W_UNKNOWN ? 0 : (int)((w >> 8) & 0xff);
	else
		code = 128 + (int)(w & 0x7f);
	K.exit_status = code;
	k_poweroff(code);
}

static void boot_list(void)
{
	uint64_t len;
	const uint8_t *p = image_find("boot", &len);
	char *c;

	if (!p)
		k_panic("the boot image has no boot list (member `boot`)");
	if (len >= sizeof(boot.text))
		k_panic("the boot list is too long (%lu bytes)", len);
	memcpy(boot.text, p, len);
	boot.text[len] = 0;
	for (c = boot.text; *c;) {
		char *line = c, *hash;

		while (*c && *c != '\n')
			c++;
		if (*c)
			*c++ = 0;
		while (*line == ' ' || *line == '\t')
			line++;
		if ((hash = line[0] == '#' ? line : NULL) != NULL) /* a comment line */
			*hash = 0;
		if (*line && boot.n == BOOT_MAX_LINES)
			k_panic("the boot list has more than %u lines", BOOT_MAX_LINES);
		if (*line)
			boot.lines[boot.n++] = line;
	}
}

void kmain(uint64_t hartid, const void *fdt);
void kmain(uint64_t hartid, const void *fdt)
{
	uint64_t kend = (uint64_t)(uintptr_t)__kernel_end, ram_end, s0;

	__asm__ volatile("csrw stvec, %0" : : "r"((uint64_t)(uintptr_t)trap_entry));
	__asm__ volatile("csrw scounteren, %0" : : "r"(7ull)); /* cycle, time, instret readable by users */
	__asm__ volatile("csrs sie, %0" : : "r"(1ull << 5));    /* the supervisor timer */
	k_fdt_scan(fdt);
	kprintf("exo: riscv64 kernel on hart %lu, RAM %lu MiB at %lx\n", hartid, K.ram_size >> 20, K.ram_base);
	if (!K.initrd_size)
		k_panic("no boot image (give QEMU -initrd IMAGE)");
	if (K.initrd_pa < kend + (16ull << 20))
		k_panic("the boot image at %lx leaves the kernel no pool", K.initrd_pa);
	if (K.ram_base + K.ram_size > 4ull << 30) {
		kprintf("exo: RAM above 4 GiB is not used (the kernel maps the first 4 GiB)\n");
		K.ram_size = (4ull << 30) - K.ram_base;
	}
	ram_end = K.ram_base + K.ram_size;
	s0 = (K.initrd_pa + K.initrd_size + 0x1fffff) & ~0x1fffffull;
	if (s0 >= ram_end)
		k_panic("no RAM left for sigma0 after the boot image");
	K.sigma0_pa = s0;
	K.sigma0_size = ram_end - s0;
	{
		/* The virt board's goldfish RTC: ns since 1970; reading the low word latches the high one. */
		volatile uint32_t *rtc = (volatile uint32_t *)0x101000ul;
		uint64_t lo = rtc[0], hi = rtc[1];

		K.realtime_offset = (int64_t)((hi << 32 | lo) - k_now());
	}
	if (K.timebase != RV_TIMEBASE_HZ)
		k_panic("timer at %lu Hz: programs assume %llu", K.timebase, RV_TIMEBASE_HZ);
	k_pmem_init(kend, K.initrd_pa);
	k_vm_init();
	k_ipc_setup();
	k_mem_init();
	k_irq_init();
	boot_list();
	k_boot_continue();
	k_run();
}
