/*
 * hw/riscv64/lib/heap.c — where picolibc's malloc grows in programs that do
 * not link libposix (the servers, the kernel tests): on riscv64 all memory
 * is Exo memory, so their heap is the memory server's break region (MEM_BRK,
 * demand-paged from sigma0's frames) like a libposix program's.
 *
 * Programs that cannot use it keep the heap their linker script reserves
 * (kernel pages, zeroed on first touch): the memory server itself (sigma0,
 * it has no pager), and a server that starts before it (the console). The
 * choice is made at the first sbrk and kept. This sbrk is weak: libposix's
 * own, over the same break region, takes its place where it is linked.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <exo/ipc.h>
#include <exo/memory.h>
#include "memory_proto.h"

extern char __heap_start[], __heap_end[];

void *sbrk(ptrdiff_t incr);

enum { UNDECIDED, BREAK_REGION, LINKER_HEAP };
static int mode;
static exo_tid_t memory;
static char *linker_brk = __heap_start;

static int mem_brk(uint64_t want, uint64_t *now)
{
	exo_msg_t m;

	memset(&m, 0, sizeof(m));
	m.tag = exo_tag(MEM_BRK, 1, 0);
	m.mr[0] = want;
	if (exo_call(memory, &m, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER) != EXO_OK || exo_tag_label(m.tag) != 0)
		return -1;
	*now = m.mr[0];
	return 0;
}

__attribute__((weak)) void *sbrk(ptrdiff_t incr)
{
	uint64_t base, size, cur, now;

	if (mode == UNDECIDED)
		mode = exo_sigma0_view(&base, &size) != EXO_OK &&
				       exo_lookup(MEM_NAME, &memory, EXO_TIMEOUT_ZERO) == EXO_OK
			       ? BREAK_REGION
			       : LINKER_HEAP;
	if (mode == LINKER_HEAP) {
		char *old = linker_brk;

		if ((incr > 0 && incr > __heap_end - linker_brk) || (incr < 0 && -incr > linker_brk - __heap_start))
			return (void *)-1;
		linker_brk += incr;
		return old;
	}
	if (mem_brk(0, &cur) != 0)
		return (void *)-1;
	if (incr == 0)
		return (void *)(uintptr_t)cur;
	if ((incr > 0 && cur + (uint64_t)incr < cur) || (incr < 0 && (uint64_t)-incr > cur - exo_vm_base()) ||
	    mem_brk(cur + (uint64_t)incr, &now) != 0)
		return (void *)-1;
	return (void *)(uintptr_t)cur;
}
