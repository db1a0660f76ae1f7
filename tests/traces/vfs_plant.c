/*
 * tests/traces/vfs_plant.c — a test double: the VFS with one planted change
 * of behaviour, which the trace replay test must catch. Linked into
 * vfs_planted only, over pipe_create (-Wl,--wrap=pipe_create): a pipe's
 * write end moves to the next free descriptor, so PIPE's second reply word
 * differs from the recording. The VFS's own sources know nothing of it.
 */
#include <string.h>

#include "vfs.h"

int __real_pipe_create(struct vreq *r);
int __wrap_pipe_create(struct vreq *r);

int __wrap_pipe_create(struct vreq *r)
{
	int n = __real_pipe_create(r), fw, to;

	if (n != 2)
		return n;
	fw = (int)r->m->mr[1];
	for (to = fw + 1; to < VFS_FD_MAX && r->p->fds[to].f; to++)
		;
	if (to >= VFS_FD_MAX)
		return n; /* no room to move it: as it was */
	r->p->fds[to] = r->p->fds[fw];
	memset(&r->p->fds[fw], 0, sizeof(r->p->fds[fw]));
	r->m->mr[1] = (uint64_t)to;
	return n;
}
