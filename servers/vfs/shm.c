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

/* The transport of the memory stubs: -XE_ENOSPC without a memory server (no shared memory files). */
static int mem_transport(exo_msg_t *m)
{
	if (memsrv == EXO_NILTHREAD && exo_lookup(MEM_NAME, &memsrv, EXO_TIMEOUT_ZERO) != EXO_OK)
		return -XE_ENOSPC;
	if (exo_call(memsrv, m, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER) != EXO_OK) {
		memsrv = EXO_NILTHREAD;
		return -XE_EIO;
	}
	return -(int)exo_tag_label(m->tag);
}

int shm_node_make(struct node *n)
{
	struct memory_shm_open_in in = { .flags = MEM_SHM_CREAT }; /* no name: a new anonymous object */
	struct memory_shm_open_out out;
	int e = memory_call_shm_open(mem_transport, &in, &out);

	if (e)
		return e == -XE_ENOMEM ? -XE_ENOSPC : e;
	n->shm = (uint32_t)out.shm;
	return 0;
}

int shm_node_resize(struct node *n, uint64_t size)
{
	struct memory_mmap_out map;
	uint64_t cap;
	int e;

	if (size > EXO_VM_SIZE / 4)
		return -XE_EFBIG;
	e = memory_call_shm_truncate(mem_transport, &(struct memory_shm_truncate_in){ .shm = n->shm, .size = size });
	if (e)
		return e == -XE_ENOMEM ? -XE_ENOSPC : e;
	if (size <= n->cap)
		return 0;
	/* Map more of the object before letting go of the old view. */
	cap = n->cap ? n->cap * 2 : EXO_PAGE_SIZE;
	while (cap < size)
		cap *= 2;
	e = memory_call_mmap(mem_transport, &(struct memory_mmap_in){ .len = cap, .prot = MEM_PROT_READ | MEM_PROT_WRITE,
								       .flags = MEM_SHARED, .shm = n->shm }, &map);
	if (e)
		return -XE_ENOSPC;
	if (n->cap)
		memory_call_munmap(mem_transport, &(struct memory_munmap_in){ .addr = (uintptr_t)n->data, .len = n->cap });
	n->data = (uint8_t *)(uintptr_t)map.addr;
	n->cap = cap;
	return 0;
}

int shm_node_share(struct node *n, exo_space_t space)
{
	return memory_call_shm_share(mem_transport, &(struct memory_shm_share_in){ .shm = n->shm, .to = space });
}

void shm_node_free(struct node *n)
{
	if (n->cap)
		memory_call_munmap(mem_transport, &(struct memory_munmap_in){ .addr = (uintptr_t)n->data, .len = n->cap });
	memory_call_shm_close(mem_transport, &(struct memory_shm_close_in){ .shm = n->shm });
	n->data = NULL;
	n->cap = 0;
	n->shm = 0;
}
