/*
 * servers/tmpfs/ops.c — the file system operations (exo/fs.h), one handler
 * each, dispatched by table.
 *
 * Each handler checks the whole request (ids, names, flags, lengths), then
 * changes the tree, then fills the reply; it returns the number of reply
 * words or -XE_*. Permissions are the VFS's business: it asks only what the
 * caller may do, and gives the owner of what is made.
 */
#include <stdlib.h>
#include <string.h>

#include <exo/errno.h>

#include "tmpfs.h"

/* The node a request's word names, or NULL. */
static struct tnode *node_of(struct treq *r, unsigned w)
{
	return r->m->mr[w] ? tnode_find(r->t, r->m->mr[w]) : NULL;
}

/* A directory a request's word names: 0, or -XE_ENOENT / -XE_ENOTDIR. */
static int dir_of(struct treq *r, unsigned w, struct tnode **d)
{
	*d = node_of(r, w);
	if (!*d)
		return -XE_ENOENT;
	return tnode_is_dir(*d) ? 0 : -XE_ENOTDIR;
}

/* A name to make or remove: 0 or -XE_EINVAL / -XE_ENAMETOOLONG. */
static int name_ok(const char *s, size_t len, bool has, bool dots)
{
	if (!has || len == 0 || memchr(s, '/', len) || memchr(s, 0, len))
		return -XE_EINVAL;
	if (len > VFS_NAME_MAX)
		return -XE_ENAMETOOLONG;
	if (!dots && (strcmp(s, ".") == 0 || strcmp(s, "..") == 0))
		return -XE_EINVAL;
	return 0;
}

static bool read_only(struct treq *r)
{
	return (r->t->flags & FSM_RDONLY) != 0;
}

/* Reply: node, attrs. */
static int node_reply(struct treq *r, const struct tnode *n)
{
	uint64_t *a = &r->m->mr[1];

	r->m->mr[0] = n->id;
	a[FSA_MODE] = n->mode;
	a[FSA_NLINK] = n->nlink;
	a[FSA_UID] = n->uid;
	a[FSA_GID] = n->gid;
	a[FSA_SIZE] = tnode_is_dir(n) ? 4096 : n->size;
	a[FSA_ATIME] = n->atime;
	a[FSA_MTIME] = n->mtime;
	a[FSA_CTIME] = n->ctime;
	a[FSA_RDEV] = n->rdev;
	return FS_NODE_WORDS;
}

static int do_mount(struct treq *r)
{
	if (r->m->mr[0] & ~(uint64_t)FSM_KNOWN)
		return -XE_EINVAL;
	if (r->t->mounted)
		return -XE_EBUSY;
	r->t->mounted = true;
	r->t->flags = (unsigned)r->m->mr[0];
	return node_reply(r, r->t->root);
}

/* Drop every hold: the VFS keeps nothing of this tree any more. */
static int do_unmount(struct treq *r)
{
	struct tmpfs *t = r->t;

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

static int do_lookup(struct treq *r)
{
	struct tnode *d, *n;
	struct ram_ent *e;
	int err = dir_of(r, 0, &d);

	if (err)
		return err;
	if ((err = name_ok(r->s1, r->l1, r->has1, true)) < 0)
		return err;
	if (strcmp(r->s1, ".") == 0)
		n = d;
	else if (strcmp(r->s1, "..") == 0)
		n = d->parent ? d->parent : d; /* the root's, or an unlinked directory's: itself */
	else if ((e = tdir_find(d, r->s1)))
		n = e->node;
	else
		return -XE_ENOENT;
	return node_reply(r, n);
}

static int do_getattr(struct treq *r)
{
	struct tnode *n = node_of(r, 0);

	return n ? node_reply(r, n) : -XE_ENOENT;
}

static int do_setattr(struct treq *r)
{
	const uint64_t *w = r->m->mr;
	struct tnode *n = node_of(r, 0);
	uint64_t which = w[1];

	if (!n)
		return -XE_ENOENT;
	if ((which & ~(uint64_t)FSS_KNOWN) || ((which & FSS_MODE) && (w[2] & ~(uint64_t)VS_PERM)) ||
	    ((which & FSS_UID) && w[3] >= VID_KEEP) || ((which & FSS_GID) && w[4] >= VID_KEEP) ||
	    ((which & FSS_ATIME) && w[5] > INT64_MAX) || ((which & FSS_MTIME) && w[6] > INT64_MAX))
		return -XE_EINVAL;
	if (read_only(r))
		return -XE_EROFS;
	if (which & FSS_MODE)
		n->mode = (n->mode & VS_IFMT) | (uint32_t)w[2];
	if (which & FSS_UID)
		n->uid = (uint32_t)w[3];
	if (which & FSS_GID)
		n->gid = (uint32_t)w[4];
	if (which & FSS_ATIME)
		n->atime = w[5];
	if (which & FSS_MTIME)
		n->mtime = w[6];
	n->ctime = tmpfs_now();
	return node_reply(r, n);
}

static int do_read(struct treq *r)
{
	struct tnode *n = node_of(r, 0);
	uint64_t off = r->m->mr[1], count = r->m->mr[2];

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
	r->out = n->data + off;
	r->out_len = count;
	r->m->mr[0] = count;
	return 1;
}

static int do_write(struct treq *r)
{
	struct tnode *n = node_of(r, 0);
	uint64_t off = r->m->mr[1], flags = r->m->mr[2], len = r->has1 ? r->l1 : 0;
	int err;

	if (!n)
		return -XE_ENOENT;
	if (tnode_is_dir(n))
		return -XE_EISDIR;
	if ((n->mode & VS_IFMT) != VS_IFREG || (flags & ~(uint64_t)FSW_KNOWN) || off > INT64_MAX)
		return -XE_EINVAL;
	if (read_only(r))
		return -XE_EROFS;
	if (flags & FSW_APPEND)
		off = n->size;
	if (off + len > INT64_MAX)
		return -XE_EFBIG;
	if (off + len > n->size && (err = tnode_resize(r->t, n, off + len)) < 0)
		return err;
	if (len)
		memcpy(n->data + off, r->s1, len);
	n->mtime = n->ctime = tmpfs_now();
	r->m->mr[0] = len;
	r->m->mr[1] = off;
	return 2;
}

static int do_readdir(struct treq *r)
{
	struct tnode *d;
	uint64_t cookie = r->m->mr[1];
	size_t len = 0;
	int err = dir_of(r, 0, &d);

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
	r->out = r->buf;
	r->out_len = len;
	r->m->mr[0] = len ? cookie : 0;
	return 1;
}

/* Make n (new, unlinked) dir's entry `name`; on failure n goes. */
static int link_new(struct treq *r, struct tnode *dir, const char *name, struct tnode *n)
{
	int err = tdir_add(r->t, dir, name, n);

	if (err) {
		tnode_put(r->t, n);
		return err;
	}
	return node_reply(r, n);
}

/* The checks every request that makes a name in a directory shares. */
static int make_checks(struct treq *r, struct tnode **dir)
{
	int err = dir_of(r, 0, dir);

	if (err)
		return err;
	if ((err = name_ok(r->s1, r->l1, r->has1, false)) < 0)
		return err;
	if (tdir_find(*dir, r->s1))
		return -XE_EEXIST;
	if ((*dir)->nlink == 0)
		return -XE_ENOENT; /* a removed directory takes no new names */
	return read_only(r) ? -XE_EROFS : 0;
}

static int do_create(struct treq *r)
{
	const uint64_t *w = r->m->mr;
	uint32_t type = (uint32_t)w[1] & VS_IFMT;
	struct tnode *dir, *n;
	int err;

	if ((w[1] & ~(uint64_t)(VS_IFMT | VS_PERM)) || (type != VS_IFREG && type != VS_IFIFO && type != VS_IFCHR) ||
	    w[2] >= VID_KEEP || w[3] >= VID_KEEP || w[4] > UINT32_MAX || (type != VS_IFCHR && w[4]))
		return -XE_EINVAL;
	if ((err = make_checks(r, &dir)) < 0)
		return err;
	n = tnode_new(r->t, (uint32_t)w[1], (uint32_t)w[2], (uint32_t)w[3]);
	if (!n)
		return -XE_ENOSPC;
	n->rdev = (uint32_t)w[4];
	return link_new(r, dir, r->s1, n);
}

static int do_mkdir(struct treq *r)
{
	const uint64_t *w = r->m->mr;
	struct tnode *dir, *n;
	int err;

	if ((w[1] & ~(uint64_t)VS_PERM) || w[2] >= VID_KEEP || w[3] >= VID_KEEP)
		return -XE_EINVAL;
	if ((err = make_checks(r, &dir)) < 0)
		return err;
	n = tnode_new(r->t, VS_IFDIR | (uint32_t)w[1], (uint32_t)w[2], (uint32_t)w[3]);
	if (!n)
		return -XE_ENOSPC;
	return link_new(r, dir, r->s1, n);
}

static int do_symlink(struct treq *r)
{
	const uint64_t *w = r->m->mr;
	struct tnode *dir, *n;
	int err;

	if (w[1] >= VID_KEEP || w[2] >= VID_KEEP || !r->has2)
		return -XE_EINVAL;
	if (r->l2 == 0)
		return -XE_ENOENT;
	if (r->l2 > VFS_PATH_MAX)
		return -XE_ENAMETOOLONG;
	if ((err = make_checks(r, &dir)) < 0)
		return err;
	n = tnode_new(r->t, VS_IFLNK | 0777, (uint32_t)w[1], (uint32_t)w[2]);
	if (!n)
		return -XE_ENOSPC;
	if ((err = tnode_resize(r->t, n, r->l2)) < 0) {
		tnode_put(r->t, n);
		return err;
	}
	memcpy(n->data, r->s2, r->l2);
	return link_new(r, dir, r->s1, n);
}

/* The entry a directory-and-name request removes: 0 or -XE_*. */
static int remove_checks(struct treq *r, struct tnode **dir, struct ram_ent **e)
{
	int err = dir_of(r, 0, dir);

	if (err)
		return err;
	if ((err = name_ok(r->s1, r->l1, r->has1, false)) < 0)
		return err;
	if (!(*e = tdir_find(*dir, r->s1)))
		return -XE_ENOENT;
	return read_only(r) ? -XE_EROFS : 0;
}

static int do_unlink(struct treq *r)
{
	struct tnode *dir;
	struct ram_ent *e;
	int err = remove_checks(r, &dir, &e);

	if (err)
		return err;
	if (tnode_is_dir(e->node))
		return -XE_EISDIR;
	tdir_remove(r->t, dir, e);
	return 0;
}

static int do_rmdir(struct treq *r)
{
	struct tnode *dir;
	struct ram_ent *e;
	int err = remove_checks(r, &dir, &e);

	if (err)
		return err;
	if (!tnode_is_dir(e->node))
		return -XE_ENOTDIR;
	if (((struct tnode *)e->node)->dir.nents)
		return -XE_ENOTEMPTY;
	tdir_remove(r->t, dir, e);
	return 0;
}

static bool is_ancestor(const struct tnode *a, const struct tnode *n)
{
	for (; n; n = n->parent)
		if (n == a)
			return true;
	return false;
}

static int do_rename(struct treq *r)
{
	struct tnode *d1, *d2, *n1, *n2;
	struct ram_ent *e1, *e2;
	int err;

	if ((err = dir_of(r, 0, &d1)) < 0 || (err = dir_of(r, 1, &d2)) < 0)
		return err;
	if ((err = name_ok(r->s1, r->l1, r->has1, false)) < 0 || (err = name_ok(r->s2, r->l2, r->has2, false)) < 0)
		return err;
	if (!(e1 = tdir_find(d1, r->s1)))
		return -XE_ENOENT;
	if (read_only(r))
		return -XE_EROFS;
	n1 = e1->node;
	e2 = tdir_find(d2, r->s2);
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
	tdir_remove(r->t, d1, e1);
	if (n2)
		tdir_remove(r->t, d2, tdir_find(d2, r->s2));
	err = tdir_add(r->t, d2, r->s2, n1);
	n1->holds--;
	tnode_put(r->t, n1); /* out of memory: the file is lost, and the error says so */
	return err;
}

static int do_link(struct treq *r)
{
	struct tnode *n = node_of(r, 0), *dir;
	int err;

	if (!n)
		return -XE_ENOENT;
	if ((err = dir_of(r, 1, &dir)) < 0)
		return err;
	if ((err = name_ok(r->s1, r->l1, r->has1, false)) < 0)
		return err;
	if (tnode_is_dir(n))
		return -XE_EPERM;
	if (tdir_find(dir, r->s1))
		return -XE_EEXIST;
	if (n->nlink == 0 || dir->nlink == 0)
		return -XE_ENOENT;
	if (n->nlink >= 65000)
		return -XE_EMLINK;
	if (read_only(r))
		return -XE_EROFS;
	err = tdir_add(r->t, dir, r->s1, n);
	return err ? err : node_reply(r, n);
}

static int do_readlink(struct treq *r)
{
	struct tnode *n = node_of(r, 0);

	if (!n)
		return -XE_ENOENT;
	if ((n->mode & VS_IFMT) != VS_IFLNK)
		return -XE_EINVAL;
	r->out = n->data;
	r->out_len = n->size;
	r->m->mr[0] = n->size;
	return 1;
}

static int do_truncate(struct treq *r)
{
	struct tnode *n = node_of(r, 0);
	int err;

	if (!n)
		return -XE_ENOENT;
	if (tnode_is_dir(n))
		return -XE_EISDIR;
	if ((n->mode & VS_IFMT) != VS_IFREG || r->m->mr[1] > INT64_MAX)
		return -XE_EINVAL;
	if (read_only(r))
		return -XE_EROFS;
	if ((err = tnode_resize(r->t, n, r->m->mr[1])) < 0)
		return err;
	n->mtime = n->ctime = tmpfs_now();
	return node_reply(r, n);
}

static int do_open(struct treq *r)
{
	struct tnode *n = node_of(r, 0);

	if (!n)
		return -XE_ENOENT;
	if (n->holds == UINT32_MAX)
		return -XE_ENFILE;
	n->holds++;
	return 0;
}

static int do_close(struct treq *r)
{
	struct tnode *n = node_of(r, 0);

	if (!n)
		return -XE_ENOENT;
	if (n->holds == 0)
		return -XE_EINVAL; /* not held: a confused VFS, or someone else */
	n->holds--;
	tnode_put(r->t, n);
	return 0;
}

_Static_assert(sizeof(((struct fs_getattr_out *)0)->attrs) == FSA_WORDS * sizeof(uint64_t),
	       "protocols/fs.def: a node's attrs are the FSA_WORDS of exo/fs.h");

/* The handlers; the shape of each request is protocols/fs.def's (exo_proto_check). */
static int (*const ops[FS_OP_COUNT])(struct treq *r) = {
	[FS_MOUNT] = do_mount,       [FS_LOOKUP] = do_lookup,     [FS_GETATTR] = do_getattr,
	[FS_SETATTR] = do_setattr,   [FS_READ] = do_read,         [FS_WRITE] = do_write,
	[FS_READDIR] = do_readdir,   [FS_CREATE] = do_create,     [FS_MKDIR] = do_mkdir,
	[FS_UNLINK] = do_unlink,     [FS_RMDIR] = do_rmdir,       [FS_RENAME] = do_rename,
	[FS_LINK] = do_link,         [FS_SYMLINK] = do_symlink,   [FS_READLINK] = do_readlink,
	[FS_TRUNCATE] = do_truncate, [FS_OPEN] = do_open,         [FS_CLOSE] = do_close,
	[FS_UNMOUNT] = do_unmount,
};

void tmpfs_dispatch(struct treq *r)
{
	uint32_t label = exo_tag_label(r->m->tag);
	int res;

	r->out = NULL;
	r->out_len = 0;
	/* The shape protocols/fs.def declares: ENOSYS for no such operation, EINVAL for another shape. */
	if ((res = exo_proto_check(&fs_proto, r->m, EXO_NILTHREAD)) < 0)
		;
	else if (!ops[label])
		res = -XE_ENOSYS;
	else if (label != FS_MOUNT && !r->t->mounted)
		res = -XE_ENXIO; /* nobody mounted it: nothing is served */
	else
		res = ops[label](r);
	if (res < 0) {
		r->m->tag = exo_tag((uint32_t)-res, 0, 0);
	} else if (r->out) {
		exo_msg_put_string(r->m, (unsigned)res, r->out, (uint32_t)r->out_len);
		r->m->tag = exo_tag(0, (unsigned)res, 2);
	} else {
		r->m->tag = exo_tag(0, (unsigned)res, 0);
	}
}
