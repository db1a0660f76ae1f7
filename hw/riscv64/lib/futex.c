/*
 * hw/riscv64/lib/futex.c — waiting on a word of memory (exo/futex.h) on
 * riscv64: two ecalls into the kernel's futex.c (the sim's counterpart,
 * sim/lib/futex.c, uses the host's futex). Unlike the IPC calls of ipc.c,
 * nothing is touched here first: the kernel checks the word (a bad one is
 * EXO_EINVAL, not a fault in the caller) and brings its page in from the
 * pager itself.
 */
#include <exo/futex.h>

#include "sys.h"

exo_err exo_futex_wait(const uint32_t *word, uint32_t expected, exo_timeout_t timeout)
{
	return RV_SYS3(RV_SYS_FUTEX_WAIT, word, expected, timeout).err;
}

exo_err exo_futex_wake(const uint32_t *word, uint32_t n, uint32_t *woken)
{
	struct rv_ret r = RV_SYS2(RV_SYS_FUTEX_WAKE, word, n);

	if (r.err == EXO_OK && woken)
		*woken = (uint32_t)r.r1;
	return r.err;
}
