/*
 * servers/vfs/mount.c — the mount table: file system servers attached at
 * directories (VFS_MOUNT, VFS_UNMOUNT, VFS_MOUNTS), and the lifetime of
 * their vnodes.
 *
 * A mount covers a directory (which keeps an open, so it stays) and shows
 * the server's root there: path resolution crosses from the covered
 * directory to the mount's root going down, and from the mount's root to
 * the covered directory's parent for "..". Only root mounts and unmounts
 * (EPERM). Mounting over a directory that is open, someone's working
 * directory or root, already a mount point, or "/" is EBUSY; so is
 * unmounting while any vnode of the mount is open (a descriptor, a working
 * directory, a root) or covered by another mount. A server is mounted at
 * most once at a time (EBUSY).
 *
 * Vnodes are made by lookups (fsc.c) as a request goes and are kept in the
 * mount's list; after the request mnt_settle() tells each server what the
 * VFS holds from now on (FS_OPEN for a vnode that got its first open,
 * FS_CLOSE for one that lost its last) and frees the vnodes nothing refers
 * to. So between requests the list holds exactly the vnodes in use, and a
 * vnode's parent pointer (set by the lookup that found it) is cleared: it
 * is good only within the request that set it.
 */
#include <stdlib.h>
#include <string.h>

#include <exo/errno.h>

#include "vfs.h"

#define MNT_MAX 64

bool mnt_point(const struct node *n)
{
	return n->mounted || (n->mnt && n == n->mnt->root);
}

bool mnt_rdonly(const struct node *n)
{
	return n->mnt && (n->mnt->flags & FSM_RDONLY);
}

/* One hold request (FS_OPEN or FS_CLOSE) about n; a dead server is simply not told. */
static int hold(struct node *n, uint32_t op)
{
	if (op == FS_OPEN) {
		struct fs_open_in in = { .node = n->fid };

		return fs_call_open(fsc_to(n->mnt), &in);
	} else {
		struct fs_close_in in = { .node = n->fid };

		return fs_call_close(fsc_to(n->mnt), &in);
	}
}

static void vnode_free(struct vfs *v, struct node *n)
{
	pipe_free(n);
	lock_node_free(n);
	free(n->data);
	free(n);
	v->nodes--;
}

/* Settle one mount's vnodes; with `all`, every vnode goes (unmount). */
static void settle(struct vfs *v, struct mount *mt, bool all)
{
	struct node **q = &mt->vnodes;

	while (*q) {
		struct node *n = *q;

		if (n->opens > 0 && !all) {
			if (!n->held && hold(n, FS_OPEN) == 0)
				n->held = true;
			n->parent = NULL;
			q = &n->mnext;
			continue;
		}
		if (n->held)
			hold(n, FS_CLOSE);
		*q = n->mnext;
		vnode_free(v, n);
	}
}

void mnt_settle(struct vfs *v)
{
	for (struct mount *mt = v->mounts; mt; mt = mt->next)
		settle(v, mt, false);
}

int do_mount(void *ctx, const struct vfs_mount_in *in)
{
	struct vreq *r = ctx;
	uint64_t flags = in->flags;
	char last[VFS_NAME_MAX + 1], name[EXO_NAME_MAX + 1];
	struct node *dir, *n, *root;
	struct mount *mt;
	struct fs_mount_in min;
	struct fs_mount_out mout;
	unsigned count = 0;
	exo_tid_t server;
	bool slash, answered;
	int e;

	if (!cred_is_root(r->who))
		return -XE_EPERM;
	if ((flags & ~(uint64_t)FSM_KNOWN) || !in->server || in->server_len == 0 || in->server_len > EXO_NAME_MAX ||
	    memchr(in->server, 0, in->server_len))
		return -XE_EINVAL;
	e = path_resolve(r->v, r->p, r->who, NULL, in->path, in->path_len, false, true, &dir, &n, last, &slash);
	if (e)
		return e;
	if (!node_is_dir(n))
		return -XE_ENOTDIR;
	if (n == r->v->root || n->opens > 0 || mnt_point(n))
		return -XE_EBUSY;
	for (mt = r->v->mounts; mt; mt = mt->next)
		count++;
	if (count >= MNT_MAX)
		return -XE_ENOSPC;
	memcpy(name, in->server, in->server_len);
	name[in->server_len] = 0;
	if (exo_lookup(name, &server, EXO_TIMEOUT_ZERO) != EXO_OK)
		return -XE_ENODEV; /* no server by that name */
	if (server == exo_myself())
		return -XE_EINVAL;
	for (mt = r->v->mounts; mt; mt = mt->next)
		if (mt->server == server)
			return -XE_EBUSY;
	mt = calloc(1, sizeof(*mt));
	if (!mt)
		return -XE_ENOMEM;
	mt->server = server;
	memcpy(mt->name, name, in->server_len + 1);
	mt->flags = (unsigned)flags;
	mt->dev = r->v->next_dev < 2 ? (r->v->next_dev = 2) : ++r->v->next_dev;
	/* Checked; now ask the server. If it refuses, nothing here has changed. */
	min.flags = flags;
	answered = (e = fs_call_mount(fsc_to(mt), &min, &mout)) == 0;
	if (e == 0 && (e = fsc_vnode(r->v, mt, mout.node, mout.attrs, &root)) == 0 && !node_is_dir(root))
		e = -XE_EIO;
	if (e) {
		settle(r->v, mt, true);
		if (answered) /* it thinks itself mounted: say it is not */
			fs_call_unmount(fsc_to(mt));
		free(mt);
		/*
		 * The server's EPERM is not the caller's. ENOSYS or EINVAL: not a
		 * file system server (the FS_MOUNT sent here is well formed, so a
		 * server that finds it malformed read its label as another
		 * protocol's operation: the console's DEV_READ is label 1 too).
		 */
		return e == -XE_EPERM ? -XE_EIO : e == -XE_ENOSYS || e == -XE_EINVAL ? -XE_ENODEV : e;
	}
	mt->root = root;
	root->opens++;
	mt->covered = n;
	n->opens++;
	n->mounted = mt;
	mt->next = r->v->mounts;
	r->v->mounts = mt;
	return 0;
}

int do_unmount(void *ctx, const struct vfs_unmount_in *in)
{
	struct vreq *r = ctx;
	char last[VFS_NAME_MAX + 1];
	struct node *dir, *n;
	struct mount *mt, **q;
	bool slash;
	int e;

	if (!cred_is_root(r->who))
		return -XE_EPERM;
	e = path_resolve(r->v, r->p, r->who, NULL, in->path, in->path_len, false, true, &dir, &n, last, &slash);
	if (e)
		return e;
	if (!n->mnt || n != n->mnt->root)
		return -XE_EINVAL; /* not a mount */
	mt = n->mnt;
	for (struct node *x = mt->vnodes; x; x = x->mnext)
		if (x->mounted || x->opens > (x == mt->root ? 1u : 0u))
			return -XE_EBUSY;
	/* Checked; now detach. The server's answer changes nothing: it is gone from here either way. */
	for (q = &r->v->mounts; *q != mt; q = &(*q)->next)
		;
	*q = mt->next;
	mt->root->opens--;
	settle(r->v, mt, true);
	fs_call_unmount(fsc_to(mt));
	mt->covered->mounted = NULL;
	mt->covered->opens--;
	node_put(r->v, mt->covered);
	free(mt);
	return 0;
}

/* The index-th mount (0: the VFS's own root), as the caller sees it. */
int do_mounts(void *ctx, const struct vfs_mounts_in *in, struct vfs_mounts_out *out)
{
	struct vreq *r = ctx;
	uint64_t index = in->index, i = 1;
	size_t count = 0, len, n;
	struct mount *mt;
	int e;

	if (index == 0) {
		memcpy(r->out, VFS_NAME, sizeof(VFS_NAME));
		memcpy(r->out + sizeof(VFS_NAME), "/", 2);
		out->info = r->out;
		out->info_len = sizeof(VFS_NAME) + 1;
		out->flags = 0;
		out->dev = 1;
		return 0;
	}
	/* The oldest first: the list is newest first. */
	for (mt = r->v->mounts; mt; mt = mt->next)
		count++;
	for (size_t want = count; want > 0; want--) {
		size_t k = 1;

		for (mt = r->v->mounts; k < want; mt = mt->next)
			k++;
		n = strlen(mt->name);
		memcpy(r->out, mt->name, n + 1);
		e = path_of(r->v, r->p->root, mt->covered, r->out + n + 1, VFS_PATH_MAX + 1, &len);
		if (e)
			continue; /* outside the caller's root */
		if (i++ != index)
			continue;
		out->info = r->out;
		out->info_len = (uint32_t)(n + 1 + len);
		out->flags = mt->flags;
		out->dev = mt->dev;
		return 0;
	}
	return -XE_ENOENT;
}
