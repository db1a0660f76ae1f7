/*
 * tests/integration/memfork.h — the protocol between the memory test and
 * memfork_child, the space it gives a copy of its memory (MEM_FORK).
 *
 * Requests are calls labelled MF_*; registers in mr[0..2], the answer in mr[0].
 */
#ifndef EXO_TEST_MEMFORK_H
#define EXO_TEST_MEMFORK_H

#include <stdint.h>

#define MEMFORK_NAME "memfork-child"

enum {
	MF_CHECK = 1, /* addr, len, seed: 0 when the bytes are the pattern, else index + 1 */
	MF_FILL,      /* addr, len, seed: write the pattern */
	MF_WORD,      /* addr: the 64-bit word there */
	MF_SET_WORD,  /* addr, value */
	MF_FORK,      /* parent, child: MEM_FORK asked by the helper; the reply's label */
	MF_BRK,       /* the helper's break (MEM_BRK query) */
	MF_EXIT,      /* answer, then end the space */
};

/* Byte i of the pattern `seed`. */
static inline unsigned char mf_pattern(uint64_t seed, uint64_t i)
{
	return (unsigned char)(seed * 131 + i * 7 + (i >> 12) * 29);
}

#endif
