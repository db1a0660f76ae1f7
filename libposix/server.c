/*
 * libposix/server.c — finding the servers and calling them.
 */
#include <errno.h>
#include <string.h>

#include <exo/errno.h>
#include <exo/memory.h>

#include "px.h"

static exo_tid_t memory_tid;

int px_mem_call(uint32_t label, unsigned n, const uint64_t *in, exo_msg_t *m)
{
	exo_err err;

	for (int attempt = 0; attempt < 2; attempt++) {
		if (memory_tid == EXO_NILTHREAD &&
		    exo_lookup(MEM_NAME, &memory_tid, exo_timeout_ms(5000)) != EXO_OK)
			return -XE_ENOSYS;
		m->tag = exo_tag(label, n, exo_tag_typed(m->tag));
		if (n)
			memcpy(m->mr, in, n * sizeof(uint64_t));
		err = exo_call(memory_tid, m, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER);
		if (err == EXO_OK)
			return -(int)exo_tag_label(m->tag);
		if (err != EXO_ENOPARTNER && err != EXO_EDEAD)
			return -XE_EIO;
		memory_tid = EXO_NILTHREAD; /* the server restarted: find it again */
	}
	return -XE_EIO;
}
