/*
 * tests/traces/vfs_plant.c — a test double: the VFS with one planted change
 * of behaviour, which the trace replay test must catch. Linked into
 * vfs_planted only, over pipe_create (-Wl,--wrap=pipe_create): a pipe's
 * write end moves to the next free descriptor, so PIPE's second reply word
 * differs from the recording. The VFS's own sources know nothing of it.
 */
#include <string.h>

#include "vfs.h"

int __real_pipe_create(void *ctx, const struct vfs_pipe_in *in, struct vfs_pipe_out *out);
int __wrap_pipe_create(void *ctx, const struct vfs_pipe_in *in, struct vfs_pipe_out *out);

int __wrap_pipe_create(void *ctx, const struct vfs_pipe_in *in, struct vfs_pipe_out *out)
{
	struct vreq *r = ctx;
	int e = __real_pipe_create(ctx, in, out), fw, to;

	if (e != 0)
		return e;
	fw = (int)out->wfd;
	for (to = fw + 1; to < VFS_FD_MAX && r->p->fds[to].f; to++)
		;
	if (to >= VFS_FD_MAX)
		return e; /* no room to move it: as it was */
	r->p->fds[to] = r->p->fds[fw];
	memset(&r->p->fds[fw], 0, sizeof(r->p->fds[fw]));
	out->wfd = (uint64_t)to;
	return e;
}
