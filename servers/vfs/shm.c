/*
 * servers/vfs/shm.c — files in /dev/shm (shm_open): their bytes are a shared
 * object of the memory server, so a descriptor of one can be mapped
 * MAP_SHARED into any space and every mapping sees the same pages.
 *
 * The VFS holds the object (one reference, for as long as the node lives)
 * and maps it into its own space to serve read and write; mmap of a
 * descriptor shares the object with the caller's space (MEM_SHM_SHARE) and
 * the caller maps it itself. The memory server is the pager of the VFS's
 * mapping like any other.
 */
#include <string.h>

#include <exo/errno.h>
#include <exo/memory.h>
#include "memory_proto.h"

#include "vfs.h"

static exo_tid_t memsrv = EXO_NILTHREAD;

/* Call the memory server: label, words in; reply words in m->mr. */
static int mem_call(uint32_t label, unsigned n, const uint64_t *in, exo_msg_t *m)
{
	memset(m, 0, sizeof(*m));
	if (memsrv == EXO_NILTHREAD && exo_lookup(MEM_NAME, &memsrv, EXO_TIMEOUT_ZERO) != EXO_OK)
		return -XE_ENOSPC; /* no memory server: no shared memory files */
	memcpy(m->mr, in, n * sizeof(uint64_t));
	m->tag = exo_tag(label, n, 0);
	if (exo_call(memsrv, m, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER) != EXO_OK) {
		memsrv = EXO_NILTHREAD;
		return -XE_EIO;
	}
	return -(int)exo_tag_label(m->tag);
}

int shm_node_make(struct node *n)
{
	uint64_t in[2] = { MEM_SHM_CREAT, 0 };
	exo_msg_t m;
	int e = mem_call(MEM_SHM_OPEN, 2, in, &m); /* no name: a new anonymous object */

	if (e)
		return e == -XE_ENOMEM ? -XE_ENOSPC : e;
	n->shm = (uint32_t)m.mr[0];
	return 0;
}

int shm_node_resize(struct node *n, uint64_t size)
{
	uint64_t in[6] = { n->shm, size }, cap;
	exo_msg_t m;
	int e;

	if (size > EXO_VM_SIZE / 4)
		return -XE_EFBIG;
	e = mem_call(MEM_SHM_TRUNCATE, 2, in, &m);
	if (e)
		return e == -XE_ENOMEM ? -XE_ENOSPC : e;
	if (size <= n->cap)
		return 0;
	/* Map more of the object before letting go of the old view. */
	cap = n->cap ? n->cap * 2 : EXO_PAGE_SIZE;
	while (cap < size)
		cap *= 2;
	in[0] = cap;
	in[1] = MEM_PROT_READ | MEM_PROT_WRITE;
	in[2] = MEM_SHARED;
	in[3] = 0;
	in[4] = n->shm;
	in[5] = 0;
	e = mem_call(MEM_MMAP, 6, in, &m);
	if (e)
		return -XE_ENOSPC;
	if (n->cap) {
		uint64_t un[2] = { (uintptr_t)n->data, n->cap };

		mem_call(MEM_MUNMAP, 2, un, &m);
	}
	n->data = (uint8_t *)(uintptr_t)m.mr[0];
	n->cap = cap;
	return 0;
}

int shm_node_share(struct node *n, exo_space_t space)
{
	uint64_t in[2] = { n->shm, space };
	exo_msg_t m;

	return mem_call(MEM_SHM_SHARE, 2, in, &m);
}

void shm_node_free(struct node *n)
{
	uint64_t id = n->shm;
	exo_msg_t m;

	if (n->cap) {
		uint64_t un[2] = { (uintptr_t)n->data, n->cap };

		mem_call(MEM_MUNMAP, 2, un, &m);
	}
	mem_call(MEM_SHM_CLOSE, 1, &id, &m);
	n->data = NULL;
	n->cap = 0;
	n->shm = 0;
}
