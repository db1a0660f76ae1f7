/*
 * sim/lib/futex.c — waiting on a word of memory (exo/futex.h) on the sim:
 * the host's futex on Exo memory, which is one shared mapping of the
 * machine's memory in every space, so a word shared by two spaces is one
 * futex. No message to exosim: like the hardware kernel's, these calls are
 * not IPC and are not traced.
 */
#include <errno.h>

#include <exo/futex.h>

#include "lx.h"

/* Misaligned, or in the first 64 KiB no space ever maps (the host's mmap_min_addr): EINVAL before any syscall. */
static exo_err checked(const uint32_t *word)
{
	return (uintptr_t)word < 0x10000u || ((uintptr_t)word & 3) ? EXO_EINVAL : EXO_OK;
}

exo_err exo_futex_wait(const uint32_t *word, uint32_t expected, exo_timeout_t timeout)
{
	int r;

	if (checked(word) != EXO_OK)
		return EXO_EINVAL;
	if (timeout == EXO_TIMEOUT_ZERO)
		return __atomic_load_n(word, __ATOMIC_SEQ_CST) == expected ? EXO_ETIMEOUT : EXO_OK;
	r = exo_lx_futex_wait(word, expected, timeout);
	switch (r) {
	case 0:
	case -EAGAIN:
		return EXO_OK;
	case -ETIMEDOUT:
		return EXO_ETIMEOUT;
	case -EINTR:
		return EXO_ECANCELED;
	default:
		return EXO_EINVAL;
	}
}

exo_err exo_futex_wake(const uint32_t *word, uint32_t n, uint32_t *woken)
{
	int r;

	if (checked(word) != EXO_OK)
		return EXO_EINVAL;
	r = n ? exo_lx_futex_wake(word, n) : 0;
	if (r < 0)
		return EXO_EINVAL;
	if (woken)
		*woken = (uint32_t)r;
	return EXO_OK;
}
