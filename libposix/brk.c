/*
 * libposix/brk.c — brk and sbrk over the memory server's break region.
 *
 * The break lives in the managed range (exo/memory.h), apart from the host
 * heap glibc's malloc keeps for itself.
 */
#include <errno.h>
#include <stdint.h>
#include <unistd.h>

#include <exo/errno.h>
#include <exo/memory.h>
#include "memory_proto.h"

#include "px.h"

static int set_break(uint64_t want, uint64_t *now)
{
	struct memory_brk_out out;
	int r = memory_call_brk(px_mem_transport, &(struct memory_brk_in){ .addr = want }, &out);

	if (r == 0)
		*now = out.brk;
	return r;
}

int brk(void *addr)
{
	uint64_t now;
	int r = set_break((uintptr_t)addr, &now);

	if (addr == NULL)
		r = -XE_ENOMEM;
	return r < 0 ? px_fail(r) : 0;
}

void *sbrk(intptr_t incr)
{
	uint64_t cur = 0, now = 0;
	int r = set_break(0, &cur);

	if (r == 0 && incr != 0) {
		if ((incr > 0 && cur + (uint64_t)incr < cur) || (incr < 0 && (uint64_t)-incr > cur - EXO_VM_BASE))
			r = -XE_ENOMEM;
		else
			r = set_break(cur + (uint64_t)incr, &now);
	}
	if (r < 0) {
		px_fail(r);
		return (void *)-1;
	}
	return (void *)(uintptr_t)cur;
}
