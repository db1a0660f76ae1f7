/*
 * servers/vfs/fork.c — descriptor tables across fork and exec.
 *
 * FORK (from the process server only): the child space's table becomes a
 * copy of the parent's. Each descriptor refers to the same open file
 * description as the parent's (one more reference), so the offset, the
 * status flags and flock locks are shared, and a pipe end stays open until
 * every space holding it has closed it. Close-on-exec flags, the working
 * directory, the root, the umask and the credentials are copied. Record
 * locks belong to a space and are not inherited (POSIX). What the child had
 * before (the console descriptors of a space's first contact) is closed.
 *
 * EXEC (from the space itself): its close-on-exec descriptors close, each
 * with all of close's effects.
 */
#include <exo/errno.h>

#include "vfs.h"

static void set_dir(struct vfs *v, struct node **slot, struct node *n)
{
	struct node *old = *slot;

	n->opens++;
	*slot = n;
	old->opens--;
	node_put(v, old);
}

int do_fork(void *ctx, const struct vfs_fork_in *in)
{
	struct vreq *r = ctx;
	uint64_t ps = in->parent, cs = in->child;
	struct vproc *parent, *child;

	if (!from_proc(r->from))
		return -XE_EPERM;
	if (ps == EXO_NILSPACE || cs == EXO_NILSPACE || ps > UINT32_MAX || cs > UINT32_MAX || ps == cs)
		return -XE_EINVAL;
	/* The only step that can fail comes first: the child's entry. */
	child = proc_get(r->v, (exo_space_t)cs);
	if (!child)
		return -XE_ENOMEM;
	parent = proc_find(r->v, (exo_space_t)ps);
	for (unsigned i = 0; i < VFS_FD_MAX; i++)
		fd_close(r->v, child, i);
	if (!parent) {
		/* Never met: the child starts as a new space does. */
		set_dir(r->v, &child->cwd, r->v->root);
		set_dir(r->v, &child->root, r->v->root);
		child->umask = 022;
		child->cred = (struct vcred){ 0 };
		proc_std_fds(r->v, child);
		return 0;
	}
	for (unsigned i = 0; i < VFS_FD_MAX; i++) {
		if (!parent->fds[i].f)
			continue;
		parent->fds[i].f->refs++;
		child->fds[i] = parent->fds[i];
	}
	set_dir(r->v, &child->cwd, parent->cwd);
	set_dir(r->v, &child->root, parent->root);
	child->umask = parent->umask;
	child->cred = parent->cred;
	return 0;
}

int do_exec(void *ctx)
{
	struct vreq *r = ctx;

	for (unsigned i = 0; i < VFS_FD_MAX; i++)
		if (r->p->fds[i].f && r->p->fds[i].cloexec)
			fd_close(r->v, r->p, i);
	return 0;
}
