/*
 * servers/tmpfs/ops.c — the file system operations (protocols/fs.def,
 * exo/fs.h), one handler each, dispatched by the generated fs_serve.
 *
 * Each handler takes the request's declared fields (struct fs_<op>_in; its
 * names are NUL-terminated in place, main.c), checks all of them (ids,
 * names, flags, lengths), then changes the tree, then fills the reply
 * (struct fs_<op>_out); it returns 0 (answered with the reply) or -XE_*.
 * Permissions are the VFS's business: it asks only what the caller may do,
 * and gives the owner of what is made.
 */
#include <stdlib.h>
#include <string.h>

#include <exo/errno.h>

#include "tmpfs.h"

/* The node id names, or NULL (0 names none). */
static struct tnode *node_of(struct tmpfs *t, uint64_t id)
{
	return id ? tnode_find(t, id) : NULL;
}

/* The directory id names: 0, or -XE_ENOENT / -XE_ENOTDIR. */
static int dir_of(struct tmpfs *t, uint64_t id, struct tnode **d)
{
	*d = node_of(t, id);
	if (!*d)
		return -XE_ENOENT;
	return tnode_is_dir(*d) ? 0 : -XE_ENOTDIR;
}

/* A name to make or remove: 0 or -XE_EINVAL / -XE_ENAMETOOLONG. */
static int name_ok(const char *s, size_t len, bool dots)
{
	if (len == 0 || memchr(s, '/', len) || memchr(s, 0, len))
		return -XE_EINVAL;
	if (len > VFS_NAME_MAX)
		return -XE_ENAMETOOLONG;
	if (!dots && (strcmp(s, ".") == 0 || strcmp(s, "..") == 0))
		return -XE_EINVAL;
	return 0;
}

static bool read_only(const struct tmpfs *t)
{
	return (t->flags & FSM_RDONLY) != 0;
}

/* A reply's "node, attrs" (every reply struct that has them names them so): 0. */
static int node_out(const struct tnode *n, uint64_t *node, uint64_t a[FSA_WORDS])
{
	*node = n->id;
	a[FSA_MODE] = n->mode;
	a[FSA_NLINK] = n->nlink;
	a[FSA_UID] = n->uid;
	a[FSA_GID] = n->gid;
	a[FSA_SIZE] = tnode_is_dir(n) ? 4096 : n->size;
	a[FSA_ATIME] = n->atime;
	a[FSA_MTIME] = n->mtime;
	a[FSA_CTIME] = n->ctime;
	a[FSA_RDEV] = n->rdev;
	return 0;
}

static int do_mount(void *ctx, const struct fs_mount_in *in, struct fs_mount_out *out)
{
	struct tmpfs *t = ((struct treq *)ctx)->t;

	if (in->flags & ~(uint64_t)FSM_KNOWN)
		return -XE_EINVAL;
	if (t->mounted)
		return -XE_EBUSY;
	t->mounted = true;
	t->flags = (unsigned)in->flags;
	return node_out(t->root, &out->node, out->attrs);
}

/* Drop every hold: the VFS keeps nothing of this tree any more. */
static int do_unmount(void *ctx)
{
	struct tmpfs *t = ((struct treq *)ctx)->t;

	for (size_t b = 0; b < TMPFS_BUCKETS; b++) {
		struct tnode *n = t->table[b];

		while (n) {
			struct tnode *next = n->hnext;

			n->holds = 0;
			tnode_put(t, n);
			n = next;
		}
	}
	t->mounted = false;
	return 0;
}

static int do_lookup(void *ctx, const struct fs_lookup_in *in, struct fs_lookup_out *out)
{
	struct tmpfs *t = ((struct treq *)ctx)->t;
	struct tnode *d, *n;
	struct ram_ent *e;
	int err = dir_of(t, in->dir, &d);

	if (err)
		return err;
	if ((err = name_ok(in->name, in->name_len, true)) < 0)
		return err;
	if (strcmp(in->name, ".") == 0)
		n = d;
	else if (strcmp(in->name, "..") == 0)
		n = d->parent ? d->parent : d; /* the root's, or an unlinked directory's: itself */
	else if ((e = tdir_find(d, in->name)))
		n = e->node;
	else
		return -XE_ENOENT;
	return node_out(n, &out->node, out->attrs);
}

static int do_getattr(void *ctx, const struct fs_getattr_in *in, struct fs_getattr_out *out)
{
	struct tnode *n = node_of(((struct treq *)ctx)->t, in->node);

	return n ? node_out(n, &out->node, out->attrs) : -XE_ENOENT;
}

static int do_setattr(void *ctx, const struct fs_setattr_in *in, struct fs_setattr_out *out)
{
	struct tmpfs *t = ((struct treq *)ctx)->t;
	struct tnode *n = node_of(t, in->node);
	uint64_t which = in->which;

	if (!n)
		return -XE_ENOENT;
	if ((which & ~(uint64_t)FSS_KNOWN) || ((which & FSS_MODE) && (in->mode & ~(uint64_t)VS_PERM)) ||
	    ((which & FSS_UID) && in->uid >= VID_KEEP) || ((which & FSS_GID) && in->gid >= VID_KEEP) ||
	    ((which & FSS_ATIME) && in->atime > INT64_MAX) || ((which & FSS_MTIME) && in->mtime > INT64_MAX))
		return -XE_EINVAL;
	if (read_only(t))
		return -XE_EROFS;
	if (which & FSS_MODE)
		n->mode = (n->mode & VS_IFMT) | (uint32_t)in->mode;
	if (which & FSS_UID)
		n->uid = (uint32_t)in->uid;
	if (which & FSS_GID)
		n->gid = (uint32_t)in->gid;
	if (which & FSS_ATIME)
		n->atime = in->atime;
	if (which & FSS_MTIME)
		n->mtime = in->mtime;
	n->ctime = tmpfs_now();
	return node_out(n, &out->node, out->attrs);
}

static int do_read(void *ctx, const struct fs_read_in *in, struct fs_read_out *out)
{
	struct tnode *n = node_of(((struct treq *)ctx)->t, in->node);
	uint64_t off = in->offset, count = in->count;

	if (!n)
		return -XE_ENOENT;
	if (tnode_is_dir(n))
		return -XE_EISDIR;
	if ((n->mode & VS_IFMT) != VS_IFREG)
		return -XE_EINVAL;
	if (off > INT64_MAX)
		return -XE_EINVAL;
	if (count > EXO_STRING_MAX)
		count = EXO_STRING_MAX;
	if (off >= n->size)
		count = 0;
	else if (count > n->size - off)
		count = n->size - off;
	out->bytes = count;
	out->data = count ? n->data + off : NULL; /* a file never written has no data */
	out->data_len = (uint32_t)count;
	return 0;
}

static int do_write(void *ctx, const struct fs_write_in *in, struct fs_write_out *out)
{
	struct tmpfs *t = ((struct treq *)ctx)->t;
	struct tnode *n = node_of(t, in->node);
	uint64_t off = in->offset, flags = in->flags, len = in->data_len; /* 0 without data */
	int err;

	if (!n)
		return -XE_ENOENT;
	if (tnode_is_dir(n))
		return -XE_EISDIR;
	if ((n->mode & VS_IFMT) != VS_IFREG || (flags & ~(uint64_t)FSW_KNOWN) || off > INT64_MAX)
		return -XE_EINVAL;
	if (read_only(t))
		return -XE_EROFS;
	if (flags & FSW_APPEND)
		off = n->size;
	if (off + len > INT64_MAX)
		return -XE_EFBIG;
	if (off + len > n->size && (err = tnode_resize(t, n, off + len)) < 0)
		return err;
	if (len)
		memcpy(n->data + off, in->data, len);
	n->mtime = n->ctime = tmpfs_now();
	out->bytes = len;
	out->offset = off;
	return 0;
}

static int do_readdir(void *ctx, const struct fs_readdir_in *in, struct fs_readdir_out *out)
{
	struct treq *r = ctx;
	struct tnode *d;
	uint64_t cookie = in->cookie;
	size_t len = 0;
	int err = dir_of(r->t, in->dir, &d);

	if (err)
		return err;
	for (size_t i = ram_dir_seek(&d->dir, cookie); i < d->dir.nents; i++) {
		const struct ram_ent *e = &d->dir.ents[i];
		const struct tnode *n = e->node;
		size_t rec = ram_dirent_len(e->name);

		if (len + rec > VFS_DIRENT_BUF)
			break;
		ram_dirent_put(r->buf, &len, n->id, e->cookie + 1, (uint8_t)((n->mode & VS_IFMT) >> 12), e->name);
		cookie = e->cookie + 1;
	}
	d->atime = tmpfs_now();
	out->cookie = len ? cookie : 0;
	out->entries = r->buf;
	out->entries_len = (uint32_t)len;
	return 0;
}

/* Make n (new, unlinked) dir's entry `name` and answer with it; on failure n goes. */
static int link_new(struct tmpfs *t, struct tnode *dir, const char *name, struct tnode *n, uint64_t *node,
		    uint64_t attrs[FSA_WORDS])
{
	int err = tdir_add(t, dir, name, n);

	if (err) {
		tnode_put(t, n);
		return err;
	}
	return node_out(n, node, attrs);
}

/* The checks every request that makes `name` in directory `dir_id` shares. */
static int make_checks(struct tmpfs *t, uint64_t dir_id, const char *name, uint32_t len, struct tnode **dir)
{
	int err = dir_of(t, dir_id, dir);

	if (err)
		return err;
	if ((err = name_ok(name, len, false)) < 0)
		return err;
	if (tdir_find(*dir, name))
		return -XE_EEXIST;
	if ((*dir)->nlink == 0)
		return -XE_ENOENT; /* a removed directory takes no new names */
	return read_only(t) ? -XE_EROFS : 0;
}

static int do_create(void *ctx, const struct fs_create_in *in, struct fs_create_out *out)
{
	struct tmpfs *t = ((struct treq *)ctx)->t;
	uint32_t type = (uint32_t)in->mode & VS_IFMT;
	struct tnode *dir, *n;
	int err;

	if ((in->mode & ~(uint64_t)(VS_IFMT | VS_PERM)) || (type != VS_IFREG && type != VS_IFIFO && type != VS_IFCHR) ||
	    in->uid >= VID_KEEP || in->gid >= VID_KEEP || in->rdev > UINT32_MAX || (type != VS_IFCHR && in->rdev))
		return -XE_EINVAL;
	if ((err = make_checks(t, in->dir, in->name, in->name_len, &dir)) < 0)
		return err;
	n = tnode_new(t, (uint32_t)in->mode, (uint32_t)in->uid, (uint32_t)in->gid);
	if (!n)
		return -XE_ENOSPC;
	n->rdev = (uint32_t)in->rdev;
	return link_new(t, dir, in->name, n, &out->node, out->attrs);
}

static int do_mkdir(void *ctx, const struct fs_mkdir_in *in, struct fs_mkdir_out *out)
{
	struct tmpfs *t = ((struct treq *)ctx)->t;
	struct tnode *dir, *n;
	int err;

	if ((in->mode & ~(uint64_t)VS_PERM) || in->uid >= VID_KEEP || in->gid >= VID_KEEP)
		return -XE_EINVAL;
	if ((err = make_checks(t, in->dir, in->name, in->name_len, &dir)) < 0)
		return err;
	n = tnode_new(t, VS_IFDIR | (uint32_t)in->mode, (uint32_t)in->uid, (uint32_t)in->gid);
	if (!n)
		return -XE_ENOSPC;
	return link_new(t, dir, in->name, n, &out->node, out->attrs);
}

static int do_symlink(void *ctx, const struct fs_symlink_in *in, struct fs_symlink_out *out)
{
	struct tmpfs *t = ((struct treq *)ctx)->t;
	struct tnode *dir, *n;
	int err;

	if (in->uid >= VID_KEEP || in->gid >= VID_KEEP)
		return -XE_EINVAL;
	if (in->target_len == 0)
		return -XE_ENOENT;
	if (in->target_len > VFS_PATH_MAX)
		return -XE_ENAMETOOLONG;
	if ((err = make_checks(t, in->dir, in->name, in->name_len, &dir)) < 0)
		return err;
	n = tnode_new(t, VS_IFLNK | 0777, (uint32_t)in->uid, (uint32_t)in->gid);
	if (!n)
		return -XE_ENOSPC;
	if ((err = tnode_resize(t, n, in->target_len)) < 0) {
		tnode_put(t, n);
		return err;
	}
	memcpy(n->data, in->target, in->target_len);
	return link_new(t, dir, in->name, n, &out->node, out->attrs);
}

/* The entry `name` of directory `dir_id` that a request removes: 0 or -XE_*. */
static int remove_checks(struct tmpfs *t, uint64_t dir_id, const char *name, uint32_t len, struct tnode **dir,
			 struct ram_ent **e)
{
	int err = dir_of(t, dir_id, dir);

	if (err)
		return err;
	if ((err = name_ok(name, len, false)) < 0)
		return err;
	if (!(*e = tdir_find(*dir, name)))
		return -XE_ENOENT;
	return read_only(t) ? -XE_EROFS : 0;
}

static int do_unlink(void *ctx, const struct fs_unlink_in *in)
{
	struct tmpfs *t = ((struct treq *)ctx)->t;
	struct tnode *dir;
	struct ram_ent *e;
	int err = remove_checks(t, in->dir, in->name, in->name_len, &dir, &e);

	if (err)
		return err;
	if (tnode_is_dir(e->node))
		return -XE_EISDIR;
	tdir_remove(t, dir, e);
	return 0;
}

static int do_rmdir(void *ctx, const struct fs_rmdir_in *in)
{
	struct tmpfs *t = ((struct treq *)ctx)->t;
	struct tnode *dir;
	struct ram_ent *e;
	int err = remove_checks(t, in->dir, in->name, in->name_len, &dir, &e);

	if (err)
		return err;
	if (!tnode_is_dir(e->node))
		return -XE_ENOTDIR;
	if (((struct tnode *)e->node)->dir.nents)
		return -XE_ENOTEMPTY;
	tdir_remove(t, dir, e);
	return 0;
}

static bool is_ancestor(const struct tnode *a, const struct tnode *n)
{
	for (; n; n = n->parent)
		if (n == a)
			return true;
	return false;
}

static int do_rename(void *ctx, const struct fs_rename_in *in)
{
	struct tmpfs *t = ((struct treq *)ctx)->t;
	struct tnode *d1, *d2, *n1, *n2;
	struct ram_ent *e1, *e2;
	int err;

	if ((err = dir_of(t, in->from_dir, &d1)) < 0 || (err = dir_of(t, in->to_dir, &d2)) < 0)
		return err;
	if ((err = name_ok(in->from, in->from_len, false)) < 0 || (err = name_ok(in->to, in->to_len, false)) < 0)
		return err;
	if (!(e1 = tdir_find(d1, in->from)))
		return -XE_ENOENT;
	if (read_only(t))
		return -XE_EROFS;
	n1 = e1->node;
	e2 = tdir_find(d2, in->to);
	n2 = e2 ? e2->node : NULL;
	if (n1 == n2)
		return 0;
	if (tnode_is_dir(n1) && is_ancestor(n1, d2))
		return -XE_EINVAL; /* into its own subtree */
	if (d2->nlink == 0)
		return -XE_ENOENT;
	if (n2) {
		if (tnode_is_dir(n1) && !tnode_is_dir(n2))
			return -XE_ENOTDIR;
		if (!tnode_is_dir(n1) && tnode_is_dir(n2))
			return -XE_EISDIR;
		if (tnode_is_dir(n2) && n2->dir.nents)
			return -XE_ENOTEMPTY;
	}
	/* Checked; now change. The node is held while it has no name. */
	n1->holds++;
	tdir_remove(t, d1, e1);
	if (n2)
		tdir_remove(t, d2, tdir_find(d2, in->to));
	err = tdir_add(t, d2, in->to, n1);
	n1->holds--;
	tnode_put(t, n1); /* out of memory: the file is lost, and the error says so */
	return err;
}

static int do_link(void *ctx, const struct fs_link_in *in, struct fs_link_out *out)
{
	struct tmpfs *t = ((struct treq *)ctx)->t;
	struct tnode *n = node_of(t, in->node), *dir;
	int err;

	if (!n)
		return -XE_ENOENT;
	if ((err = dir_of(t, in->dir, &dir)) < 0)
		return err;
	if ((err = name_ok(in->name, in->name_len, false)) < 0)
		return err;
	if (tnode_is_dir(n))
		return -XE_EPERM;
	if (tdir_find(dir, in->name))
		return -XE_EEXIST;
	if (n->nlink == 0 || dir->nlink == 0)
		return -XE_ENOENT;
	if (n->nlink >= 65000)
		return -XE_EMLINK;
	if (read_only(t))
		return -XE_EROFS;
	err = tdir_add(t, dir, in->name, n);
	return err ? err : node_out(n, &out->node, out->attrs);
}

static int do_readlink(void *ctx, const struct fs_readlink_in *in, struct fs_readlink_out *out)
{
	struct tnode *n = node_of(((struct treq *)ctx)->t, in->node);

	if (!n)
		return -XE_ENOENT;
	if ((n->mode & VS_IFMT) != VS_IFLNK)
		return -XE_EINVAL;
	out->length = n->size;
	out->target = n->data;
	out->target_len = (uint32_t)n->size; /* at most VFS_PATH_MAX (SYMLINK) */
	return 0;
}

static int do_truncate(void *ctx, const struct fs_truncate_in *in, struct fs_truncate_out *out)
{
	struct tmpfs *t = ((struct treq *)ctx)->t;
	struct tnode *n = node_of(t, in->node);
	int err;

	if (!n)
		return -XE_ENOENT;
	if (tnode_is_dir(n))
		return -XE_EISDIR;
	if ((n->mode & VS_IFMT) != VS_IFREG || in->size > INT64_MAX)
		return -XE_EINVAL;
	if (read_only(t))
		return -XE_EROFS;
	if ((err = tnode_resize(t, n, in->size)) < 0)
		return err;
	n->mtime = n->ctime = tmpfs_now();
	return node_out(n, &out->node, out->attrs);
}

static int do_open(void *ctx, const struct fs_open_in *in)
{
	struct tnode *n = node_of(((struct treq *)ctx)->t, in->node);

	if (!n)
		return -XE_ENOENT;
	if (n->holds == UINT32_MAX)
		return -XE_ENFILE;
	n->holds++;
	return 0;
}

static int do_close(void *ctx, const struct fs_close_in *in)
{
	struct tmpfs *t = ((struct treq *)ctx)->t;
	struct tnode *n = node_of(t, in->node);

	if (!n)
		return -XE_ENOENT;
	if (n->holds == 0)
		return -XE_EINVAL; /* not held: a confused VFS, or someone else */
	n->holds--;
	tnode_put(t, n);
	return 0;
}

_Static_assert(sizeof(((struct fs_getattr_out *)0)->attrs) == FSA_WORDS * sizeof(uint64_t),
	       "protocols/fs.def: a node's attrs are the FSA_WORDS of exo/fs.h");

/* The handlers of protocols/fs.def; fs_serve checks each request's shape first. */
static const struct fs_handlers handlers = {
	.mount = do_mount,
	.lookup = do_lookup,
	.getattr = do_getattr,
	.setattr = do_setattr,
	.read = do_read,
	.write = do_write,
	.readdir = do_readdir,
	.create = do_create,
	.mkdir = do_mkdir,
	.unlink = do_unlink,
	.rmdir = do_rmdir,
	.rename = do_rename,
	.link = do_link,
	.symlink = do_symlink,
	.readlink = do_readlink,
	.truncate = do_truncate,
	.open = do_open,
	.close = do_close,
	.unmount = do_unmount,
};

void tmpfs_dispatch(struct treq *r, exo_msg_t *m, exo_tid_t from)
{
	int op = exo_proto_check(&fs_proto, m, from);

	/*
	 * The shape first (ENOSYS, EINVAL), as fs_serve would check it, then
	 * whether anyone mounted the tree: until then only MOUNT is served.
	 */
	if (op < 0 || (op != FS_MOUNT && !r->t->mounted)) {
		m->tag = exo_tag(op < 0 ? (uint32_t)-op : XE_ENXIO, 0, 0);
		return;
	}
	fs_serve(&handlers, r, m, from);
}
