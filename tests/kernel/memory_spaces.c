/*
 * tests/kernel/memory_spaces.c — the memory server as sigma0 and pager, on
 * any kernel (only libexo and ISO C): demand paging of anonymous memory,
 * protection, unmapping, shared memory between two spaces, and bad requests.
 * On riscv64 every fault here is a real page fault turned into IPC, and
 * every answer a map item the kernel writes into a real page table.
 *
 *   memory_spaces                 the test (a boot list starts memory --sigma0)
 *   memory_spaces write-ro        a child: writes a read-only page (must die)
 *   memory_spaces shm-reader      a child: checks and answers in shared memory
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <exo/errno.h>
#include <exo/exo.h>
#include <exo/memory.h>
#include "memory_proto.h"
#include <exo/signal.h>

#include "tap.h"

#define PAGE 4096u
#define SHM_NAME "/kshm"
#define SHM_SIZE (64u * 1024u)

static exo_tid_t mem;

/* A call to the memory server: its reply label (0 or an XE_ errno); the reply is in *m. */
static uint32_t mcall(exo_msg_t *m, uint32_t op, unsigned n, const uint64_t *w)
{
	m->tag = exo_tag(op, n, exo_tag_typed(m->tag));
	for (unsigned i = 0; i < n; i++)
		m->mr[i] = w[i];
	if (exo_call(mem, m, exo_timeout_ms(10000), exo_timeout_ms(10000)) != EXO_OK)
		return 0xffffffffu;
	return exo_tag_label(m->tag);
}

static void *mmap_anon(uint64_t len, unsigned prot)
{
	exo_msg_t m = { 0 };
	uint64_t w[6] = { len, prot, 0, 0, 0, 0 };

	return mcall(&m, MEM_MMAP, 6, w) == 0 ? (void *)(uintptr_t)m.mr[0] : NULL;
}

static uint64_t my_pages(void)
{
	exo_msg_t m = { 0 };

	return mcall(&m, MEM_STATS, 0, NULL) == 0 ? m.mr[2] : 0;
}

static uint32_t shm_open_named(uint64_t flags, uint64_t size, uint64_t *id)
{
	exo_msg_t m = { 0 };
	unsigned idx = exo_msg_put_string(&m, 2, SHM_NAME, (uint32_t)strlen(SHM_NAME));
	uint32_t r;

	m.tag = exo_tag(MEM_SHM_OPEN, 2, idx - 2);
	m.mr[0] = flags;
	m.mr[1] = size;
	if (exo_call(mem, &m, exo_timeout_ms(10000), exo_timeout_ms(10000)) != EXO_OK)
		return 0xffffffffu;
	r = exo_tag_label(m.tag);
	*id = m.mr[0];
	return r;
}

static uint8_t *shm_map(uint64_t id)
{
	exo_msg_t m = { 0 };
	uint64_t w[6] = { SHM_SIZE, EXO_R | EXO_W, MEM_SHARED, 0, id, 0 };

	return mcall(&m, MEM_MMAP, 6, w) == 0 ? (uint8_t *)(uintptr_t)m.mr[0] : NULL;
}

static int child_write_ro(void)
{
	volatile uint8_t *p = mmap_anon(PAGE, EXO_R);

	if (!p)
		return 3;
	(void)p[0];
	p[0] = 1; /* a refused fault: the space ends here */
	return 4;
}

static int child_shm_reader(void)
{
	uint64_t id;
	uint8_t *p;

	if (shm_open_named(0, 0, &id) != 0 || !(p = shm_map(id)))
		return 3;
	for (unsigned i = 0; i < SHM_SIZE; i += PAGE)
		if (p[i] != (uint8_t)(i / PAGE + 1))
			return 5;
	for (unsigned i = 0; i < SHM_SIZE; i += PAGE)
		p[i + 1] = (uint8_t)(0xa0 + i / PAGE);
	return 0;
}

/* Spawn this program with one argument and wait for its exit notice: its wait status. */
static uint32_t run_child(const char *self, const char *what)
{
	char *argv[] = { (char *)self, (char *)what, NULL };
	exo_space_t s = EXO_NILSPACE;
	exo_msg_t m = { 0 };
	exo_tid_t from;

	if (exo_space_watch() != EXO_OK || exo_space_spawn(argv, &s) != EXO_OK)
		return EXO_W_UNKNOWN - 1;
	for (int i = 0; i < 50; i++) {
		if (exo_wait(&m, exo_timeout_ms(10000), &from) != EXO_OK)
			break;
		if (exo_is_kernel_notice(from, &m) && exo_tag_label(m.tag) == EXO_LABEL_SPACE_EXIT && m.mr[0] == s)
			return (uint32_t)m.mr[1];
	}
	return EXO_W_UNKNOWN - 2;
}

/* MEM_IMAGE of n entries (staged, final, length, protection); the reply's label. */
static uint32_t image(unsigned n, const uint64_t *e, unsigned words)
{
	exo_msg_t m = { 0 };
	uint64_t w[1 + 4 * (MEM_IMAGE_MAX + 1)] = { n };

	if (n)
		memcpy(w + 1, e, 4 * (n <= MEM_IMAGE_MAX ? n : MEM_IMAGE_MAX) * sizeof(uint64_t));
	return mcall(&m, MEM_IMAGE, words ? words : 1 + 4 * MEM_IMAGE_MAX, w);
}

/*
 * The next program's layout (MEM_IMAGE): bad tables are refused with
 * nothing changed; a good one takes the staged regions out of this
 * layout, still charged, until it is dropped. The restart that installs it
 * is exec's (posix_procs, the shell tests); a forged one is refused.
 */
static void images(void)
{
	uint64_t low = 0x200000, before = my_pages(), len = 4 * PAGE, vm_end = EXO_VM_BASE + EXO_VM_SIZE;
	uint8_t *a = mmap_anon(len, EXO_R | EXO_W), *b = mmap_anon(len, EXO_R | EXO_W);
	uint64_t A = (uint64_t)(uintptr_t)a, B = (uint64_t)(uintptr_t)b;
	exo_msg_t m = { 0 };

	T_OK(a && b, "stage two regions of 16 KiB");
	a[0] = 0x5a;
	T_EQ(image(MEM_IMAGE_MAX + 1, (uint64_t[4 * (MEM_IMAGE_MAX + 1)]){ 0 }, 0), XE_EINVAL,
	     "an image of more regions than MEM_IMAGE_MAX: EINVAL");
	T_EQ(image(2, (uint64_t[]){ A, low, len, EXO_R | EXO_X, B, low + len, len, EXO_R | EXO_W }, 9), XE_EINVAL,
	     "... in 9 words, not the table's 49: EINVAL");
	T_EQ(image(1, (uint64_t[]){ A + PAGE, low, PAGE, EXO_R }, 0), XE_EINVAL,
	     "... staged in part of a region: EINVAL");
	T_EQ(image(1, (uint64_t[]){ A, low, len - PAGE, EXO_R }, 0), XE_EINVAL, "... shorter than the region: EINVAL");
	T_EQ(image(1, (uint64_t[]){ A, low + 12, len, EXO_R }, 0), XE_EINVAL, "... at an unaligned address: EINVAL");
	T_EQ(image(1, (uint64_t[]){ A, 0, len, EXO_R }, 0), XE_EINVAL, "... at page 0: EINVAL");
	T_EQ(image(1, (uint64_t[]){ A, EXO_VM_BASE - PAGE, len, EXO_R }, 0), XE_EINVAL,
	     "... reaching into the managed range: EINVAL");
	T_EQ(image(1, (uint64_t[]){ A, vm_end - len, len, EXO_R }, 0), XE_EINVAL, "... inside it: EINVAL");
	T_EQ(image(1, (uint64_t[]){ A, UINT64_MAX - PAGE + 1, len, EXO_R }, 0), XE_EINVAL,
	     "... wrapping past the end: EINVAL");
	T_EQ(image(1, (uint64_t[]){ A, low, len, 0x10 }, 0), XE_EINVAL, "... with rights past RWX: EINVAL");
	T_EQ(image(2, (uint64_t[]){ A, low, len, EXO_R, B, low + PAGE, len, EXO_R }, 0), XE_EINVAL,
	     "... two regions overlapping: EINVAL");
	T_EQ(image(2, (uint64_t[]){ A, low, len, EXO_R, A, low + len, len, EXO_R }, 0), XE_EINVAL,
	     "... one region named twice: EINVAL");
	T_EQ(image(1, (uint64_t[]){ low, low, len, EXO_R }, 0), XE_EINVAL, "... staged where nothing is: EINVAL");
	T_OK(a[0] == 0x5a && my_pages() == before + 8, "refused: the staged regions are still here, as they were");
	T_EQ(image(2, (uint64_t[]){ A, low, len, EXO_R | EXO_X, B, low + len, len, EXO_R | EXO_W }, 0), 0,
	     "a good image of two regions is taken");
	T_OK(my_pages() == before + 8, "... still charged to this space (%llu pages)", (unsigned long long)my_pages());
	T_EQ(mcall(&m, MEM_MMAP, 6, (uint64_t[6]){ len, EXO_R, MEM_FIXED, A, 0, 0 }), 0,
	     "... and gone from its layout: a fixed map takes their place");
	T_OK(my_pages() == before + 12, "... (charged anew)");
	T_EQ(mcall(&m, MEM_MUNMAP, 2, (uint64_t[2]){ A, len }), 0, "unmap that");
	T_EQ(image(0, NULL, 0), 0, "an image of no regions drops the waiting one");
	T_OK(my_pages() == before, "... and its pages (%llu, were %llu)", (unsigned long long)my_pages(),
	     (unsigned long long)before);
	m = (exo_msg_t){ .tag = exo_tag(EXO_LABEL_EXEC, 3, 0), .mr = { low, EXO_X, 0 } };
	T_EQ(exo_call(mem, &m, exo_timeout_ms(10000), exo_timeout_ms(10000)) == EXO_OK ? exo_tag_label(m.tag) : 0, XE_EPERM,
	     "a restart notice from a space, not the kernel: EPERM");
}

int main(int argc, char **argv)
{
	exo_msg_t m = { 0 };
	uint64_t before, id = 0, w[6];
	uint8_t *p, *sp;
	unsigned bad;

	if (exo_lookup(MEM_NAME, &mem, exo_timeout_ms(10000)) != EXO_OK) {
		printf("memory_spaces: no memory server\n");
		return 2;
	}
	if (argc > 1 && !strcmp(argv[1], "write-ro"))
		return child_write_ro();
	if (argc > 1 && !strcmp(argv[1], "shm-reader"))
		return child_shm_reader();

	before = my_pages();
	p = mmap_anon(1u << 20, EXO_R | EXO_W);
	T_OK(p != NULL, "map 1 MiB of anonymous memory");
	T_OK((uintptr_t)p >= EXO_VM_BASE && (uintptr_t)p + (1u << 20) <= EXO_VM_BASE + EXO_VM_SIZE,
	     "... inside the managed range the kernel info page gives (%llx + %llx)",
	     (unsigned long long)EXO_VM_BASE, (unsigned long long)EXO_VM_SIZE);
	bad = 0;
	for (unsigned i = 0; p && i < (1u << 20); i += 8)
		if (*(uint64_t *)(p + i) != 0)
			bad++;
	T_EQ(bad, 0, "... it reads as zeros (every page faulted in on demand)");
	for (unsigned i = 0; p && i < (1u << 20); i += PAGE)
		memset(p + i, (int)(i / PAGE), PAGE);
	bad = 0;
	for (unsigned i = 0; p && i < (1u << 20); i += PAGE)
		if (p[i] != (uint8_t)(i / PAGE) || p[i + PAGE - 1] != (uint8_t)(i / PAGE))
			bad++;
	T_EQ(bad, 0, "... and keeps what is written to each of its 256 pages");
	T_OK(my_pages() >= before + 256, "the server counts this space's pages (%llu)",
	     (unsigned long long)my_pages());
	w[0] = (uint64_t)(uintptr_t)p;
	w[1] = 1u << 20;
	T_EQ(mcall(&m, MEM_MUNMAP, 2, w), 0, "unmap it");
	T_OK(my_pages() < before + 16, "... its pages go back (%llu)", (unsigned long long)my_pages());

	T_EQ(run_child(argv[0], "write-ro"), EXO_W_SIGNALED(EXO_SIGSEGV),
	     "a write to a read-only mapping ends that space with SIGSEGV");

	T_EQ(shm_open_named(MEM_SHM_CREAT | MEM_SHM_EXCL, SHM_SIZE, &id), 0, "create a named shared object");
	T_EQ(mcall(&m, MEM_SHM_TRUNCATE, 2, (uint64_t[2]){ id, SHM_SIZE }), 0, "... give it 64 KiB");
	sp = shm_map(id);
	T_OK(sp != NULL, "map it");
	for (unsigned i = 0; sp && i < SHM_SIZE; i += PAGE)
		sp[i] = (uint8_t)(i / PAGE + 1);
	T_EQ(run_child(argv[0], "shm-reader"), EXO_W_EXITED(0), "another space maps it and sees what was written");
	bad = 0;
	for (unsigned i = 0; sp && i < SHM_SIZE; i += PAGE)
		if (sp[i + 1] != (uint8_t)(0xa0 + i / PAGE))
			bad++;
	T_EQ(bad, 0, "... and what it wrote is here");

	images();

	w[0] = 0;
	w[1] = EXO_R;
	T_EQ(mcall(&m, MEM_MMAP, 6, (uint64_t[6]){ 0, EXO_R, 0, 0, 0, 0 }), XE_EINVAL, "map of 0 bytes: EINVAL");
	T_EQ(mcall(&m, MEM_MUNMAP, 2, (uint64_t[2]){ 12345, PAGE }), XE_EINVAL, "unmap of an unaligned address: EINVAL");
	T_EQ(mcall(&m, 200, 0, NULL), XE_ENOSYS, "an unknown operation: ENOSYS");
	T_EQ(mcall(&m, MEM_MMAP, 1, w), XE_EINVAL, "MMAP with too few words: EINVAL");
	T_EQ(mcall(&m, MEM_STATS, 0, NULL), 0, "the server still answers");
	return tap_done();
}
