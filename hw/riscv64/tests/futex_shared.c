/*
 * hw/riscv64/tests/futex_shared.c — futex words in memory the memory server
 * pages (hw/riscv64/kernel/futex.c): a word whose page nobody touched yet
 * is brought in through the pager by the kernel; a read-only page is
 * waited on after the pager refuses the write; a word where nothing is
 * mapped is EXO_EINVAL and the space lives on; and a word of a shared
 * object is one word for two spaces that map it at their own addresses:
 * a wake in one ends a wait in the other.
 *
 *   futex_shared            the test (a boot list starts memory --sigma0)
 *   futex_shared waiter     a child: waits on the shared word
 */
#include <stdint.h>
#include <string.h>

#include <exo/exo.h>
#include <exo/futex.h>
#include <exo/memory.h>
#include "memory_proto.h"
#include <exo/signal.h>

#include "../../../tests/kernel/tap.h"

#define PAGE 4096u
#define SHM_NAME "/kfutex"

static exo_tid_t mem;

/* The memory protocol's stubs (memory_proto.h) over one call to the server. */
static int transport(exo_msg_t *m)
{
	if (exo_call(mem, m, exo_timeout_ms(10000), exo_timeout_ms(10000)) != EXO_OK)
		return -XE_EIO;
	return -(int)exo_tag_label(m->tag);
}

static void *mmap_anon(uint64_t len, unsigned prot)
{
	struct memory_mmap_in in = { .len = len, .prot = prot };
	struct memory_mmap_out out;

	return memory_call_mmap(transport, &in, &out) == 0 ? (void *)(uintptr_t)out.addr : NULL;
}

/* The shared object (created when create), mapped: NULL when it cannot be. */
static uint32_t *shm(int create)
{
	struct memory_shm_open_in in = { .flags = create ? MEM_SHM_CREAT | MEM_SHM_EXCL : 0, .size = create ? PAGE : 0,
					 .name = SHM_NAME, .name_len = (uint32_t)strlen(SHM_NAME) };
	struct memory_shm_open_out o;
	struct memory_mmap_out mo;

	if (memory_call_shm_open(transport, &in, &o) != 0)
		return NULL;
	if (create && memory_call_shm_truncate(transport, &(struct memory_shm_truncate_in){ .shm = o.shm, .size = PAGE }) != 0)
		return NULL;
	if (memory_call_mmap(transport, &(struct memory_mmap_in){ .len = PAGE, .prot = EXO_R | EXO_W, .flags = MEM_SHARED,
								   .shm = o.shm }, &mo) != 0)
		return NULL;
	return (uint32_t *)(uintptr_t)mo.addr;
}

static void pause_ms(unsigned ms)
{
	static uint32_t never;

	exo_futex_wait(&never, 0, exo_timeout_ms(ms));
}

/* The child: tells it started (word 1), waits on word 0 for up to 10 s; 0 if a wake ended the wait. */
static int child_waiter(void)
{
	uint32_t *w = shm(0);
	exo_err err;

	if (!w)
		return 3;
	__atomic_store_n(&w[1], 1, __ATOMIC_SEQ_CST);
	err = exo_futex_wait(&w[0], 0, exo_timeout_ms(10000));
	return err == EXO_OK ? 0 : 10 + (int)err;
}

int main(int argc, char **argv)
{
	char *cargv[] = { argv[0], "waiter", NULL };
	exo_space_t child = EXO_NILSPACE;
	uint32_t *p, *ro, *w, woken = 0, total = 0;
	uint64_t status = EXO_W_UNKNOWN;
	exo_msg_t m = { 0 };
	exo_tid_t from;

	if (exo_lookup(MEM_NAME, &mem, exo_timeout_ms(10000)) != EXO_OK) {
		printf("futex_shared: no memory server\n");
		return 2;
	}
	if (argc > 1 && !strcmp(argv[1], "waiter"))
		return child_waiter();

	p = mmap_anon(2 * PAGE, EXO_R | EXO_W);
	T_OK(p != NULL, "map two pages nobody touches");
	T_EQ(exo_futex_wait(p, 0, EXO_TIMEOUT_ZERO), EXO_ETIMEOUT,
	     "a wait on the first: the kernel has the pager bring it in, it reads 0 (EXO_ETIMEOUT)");
	T_EQ(exo_futex_wake(p + PAGE / 4, 1, &woken), EXO_OK, "a wake on the second: brought in too");
	T_EQ(woken, 0, "... nobody waits there");
	ro = mmap_anon(PAGE, EXO_R);
	T_OK(ro != NULL, "map a read-only page");
	T_EQ(exo_futex_wait(ro, 1, EXO_TIMEOUT_NEVER), EXO_OK,
	     "a wait on it: the pager refuses the write, the read will do (0 differs from 1: EXO_OK)");
	T_EQ(memory_call_munmap(transport, &(struct memory_munmap_in){ .addr = (uint64_t)(uintptr_t)p, .len = 2 * PAGE }), 0,
	     "unmap the two pages");
	T_EQ(exo_futex_wait(p, 0, EXO_TIMEOUT_ZERO), EXO_EINVAL, "a wait where nothing is mapped: EXO_EINVAL");
	T_EQ(exo_futex_wake(p, 1, NULL), EXO_EINVAL, "... a wake there too, and the space lives on");

	w = shm(1);
	T_OK(w != NULL, "create and map a shared page");
	if (!w)
		return tap_done();
	T_EQ(exo_space_watch(), EXO_OK, "watch spaces end");
	T_EQ(exo_space_spawn(cargv, &child), EXO_OK, "spawn a space that maps it and waits on its word 0");
	for (int i = 0; i < 5000 && !__atomic_load_n(&w[1], __ATOMIC_SEQ_CST); i++)
		pause_ms(2);
	T_EQ(w[1], 1, "... it started");
	pause_ms(20);
	for (int i = 0; i < 2000 && total == 0; i++) {
		if (exo_futex_wake(&w[0], 1, &woken) != EXO_OK)
			break;
		total += woken;
		if (!total)
			pause_ms(2);
	}
	T_EQ(total, 1, "a wake of the word here woke the waiter there (the word is its physical memory)");
	for (int i = 0; i < 50; i++) {
		memset(&m, 0, sizeof(m));
		if (exo_wait(&m, exo_timeout_ms(10000), &from) != EXO_OK)
			break;
		if (exo_is_kernel_notice(from, &m) && exo_tag_label(m.tag) == EXO_LABEL_SPACE_EXIT && m.mr[0] == child) {
			status = m.mr[1];
			break;
		}
	}
	T_EQ(status, EXO_W_EXITED(0), "... whose wait ended with EXO_OK");
	return tap_done();
}
