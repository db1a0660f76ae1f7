/*
 * tests/integration/memfork_child.c — a space the memory test starts with
 * exo_space_spawn and gives a copy of its memory (MEM_FORK). It registers
 * its first argument (default MEMFORK_NAME) and serves memfork.h: reads and writes at addresses it was
 * told, through its own page faults, and MEM_FORK/MEM_BRK asked by itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <exo/exo.h>
#include <exo/memory.h>
#include "memory_proto.h"

#include "memfork.h"
#include "support.h"

/* A raw call to the memory server; the reply's label, mr[0] in *out. */
static uint32_t mem(uint32_t label, unsigned n, uint64_t a, uint64_t b, uint64_t *out)
{
	exo_msg_t m = { .tag = exo_tag(label, n, 0), .mr = { a, b } };

	if (exo_call(t_lookup(MEM_NAME), &m, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER) != EXO_OK)
		return 0xffff;
	*out = m.mr[0];
	return exo_tag_label(m.tag);
}

static uint64_t serve(exo_msg_t *m)
{
	volatile unsigned char *p = (volatile unsigned char *)(uintptr_t)m->mr[0];
	uint64_t len = m->mr[1], seed = m->mr[2], out = 0;

	switch (exo_tag_label(m->tag)) {
	case MF_CHECK:
		for (uint64_t i = 0; i < len; i++)
			if (p[i] != mf_pattern(seed, i))
				return i + 1;
		return 0;
	case MF_FILL:
		for (uint64_t i = 0; i < len; i++)
			p[i] = mf_pattern(seed, i);
		return 0;
	case MF_WORD:
		return *(volatile uint64_t *)p;
	case MF_SET_WORD:
		*(volatile uint64_t *)p = m->mr[1];
		return 0;
	case MF_FORK:
		return mem(MEM_FORK, 4, m->mr[0], m->mr[1], &out);
	case MF_BRK:
		return mem(MEM_BRK, 1, 0, 0, &out) == 0 ? out : 0;
	default:
		return ~(uint64_t)0;
	}
}

int main(int argc, char **argv)
{
	exo_tid_t from, to = EXO_NILTHREAD;
	exo_msg_t m;

	const char *name;

	exo_init_args(&argc, argv);
	name = argc > 1 ? argv[1] : MEMFORK_NAME;
	if (exo_register(name) != EXO_OK) {
		fprintf(stderr, "memfork_child: cannot register %s\n", name);
		return 1;
	}
	memset(&m, 0, sizeof(m));
	for (;;) {
		uint32_t label;

		if (exo_reply_wait(to, &m, EXO_TIMEOUT_NEVER, &from, NULL) != EXO_OK) {
			to = EXO_NILTHREAD;
			continue;
		}
		label = exo_tag_label(m.tag);
		m.mr[0] = serve(&m);
		m.tag = exo_tag(0, 1, 0);
		to = from;
		if (label == MF_EXIT) {
			exo_reply(to, &m);
			return 0;
		}
	}
}
