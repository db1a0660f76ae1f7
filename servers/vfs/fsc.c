/*
 * servers/vfs/fsc.c — the VFS as a client of file system servers (exo/fs.h):
 * one function per request, each checking the reply before it believes it.
 *
 * A file system server is untrusted like any client: a reply with the wrong
 * number of words, an attribute the protocol does not allow, more data than
 * asked for or a malformed directory record is XE_EIO, and the VFS goes on.
 * A server that does not take a request within FSC_SEND_MS, or answer it
 * within FSC_REPLY_MS, is XE_EIO too: the VFS serves everyone from one
 * thread, so a stuck file system costs its callers time, never the VFS.
 *
 * Vnodes: fsc_vnode finds the mount's vnode for a node id or makes one
 * (mount.c frees it after the request when nothing refers to it), with the
 * attributes the reply carries. A symbolic link's target is read when its
 * vnode is made (path resolution splices it like a ramfs link's).
 */
#include <stdlib.h>
#include <string.h>

#include <exo/errno.h>

#include "vfs.h"

#define FSC_SEND_MS 5000
#define FSC_REPLY_MS 20000

static uint8_t data_buf[EXO_STRING_MAX];
static char dir_buf[VFS_DIRENT_BUF];

int fsc_call(struct mount *mt, exo_msg_t *m, void *rbuf, uint32_t rcap)
{
	uint32_t op = exo_tag_label(m->tag), label;

	m->nbr = 0;
	m->rcv_window = EXO_FPAGE_NIL;
	if (rbuf)
		exo_msg_accept_string(m, rbuf, rcap);
	if (exo_call(mt->server, m, exo_timeout_ms(FSC_SEND_MS), exo_timeout_ms(FSC_REPLY_MS)) != EXO_OK)
		return -XE_EIO;
	label = exo_tag_label(m->tag);
	if (label != 0)
		return label < 256 ? -(int)label : -XE_EIO;
	/* Fewer words than protocols/fs.def declares for the reply: not an answer we can use. */
	if (op < FS_OP_COUNT && fs_proto.ops[op].name && exo_tag_untyped(m->tag) < fs_proto.ops[op].nout)
		return -XE_EIO;
	return 0;
}

/* The string item of a reply: its length, or -1 when there is none. */
static long reply_string(const exo_msg_t *m)
{
	unsigned u = exo_tag_untyped(m->tag), t = exo_tag_typed(m->tag);

	if (t < EXO_ITEM_WORDS || exo_item_kind(m->mr[u]) != EXO_ITEM_STRING)
		return -1;
	return (long)exo_string_len(m->mr[u]);
}

static bool attrs_ok(const uint64_t *w)
{
	const uint64_t *a = w + 1;
	uint64_t type = a[FSA_MODE] & VS_IFMT;

	if (w[0] == 0 || (a[FSA_MODE] & ~(uint64_t)(VS_IFMT | VS_PERM)))
		return false;
	if (type != VS_IFDIR && type != VS_IFREG && type != VS_IFLNK && type != VS_IFIFO && type != VS_IFCHR)
		return false;
	if (a[FSA_NLINK] > UINT32_MAX || a[FSA_UID] > UINT32_MAX || a[FSA_GID] > UINT32_MAX ||
	    a[FSA_RDEV] > UINT32_MAX || a[FSA_SIZE] > INT64_MAX)
		return false;
	return !(type == VS_IFLNK && (a[FSA_SIZE] == 0 || a[FSA_SIZE] > VFS_PATH_MAX));
}

static void attrs_take(struct node *n, const uint64_t *w)
{
	const uint64_t *a = w + 1;

	n->mode = (uint32_t)a[FSA_MODE];
	n->nlink = (uint32_t)a[FSA_NLINK];
	n->uid = (uint32_t)a[FSA_UID];
	n->gid = (uint32_t)a[FSA_GID];
	if (!n->data || (n->mode & VS_IFMT) != VS_IFLNK)
		n->size = a[FSA_SIZE];
	n->atime = a[FSA_ATIME];
	n->mtime = a[FSA_MTIME];
	n->ctime = a[FSA_CTIME];
	n->dev_rdev = (uint32_t)a[FSA_RDEV];
}

/* A symbolic link's target into its vnode. */
static int read_link(struct mount *mt, struct node *n)
{
	exo_msg_t m = { 0 };
	long len;
	int e;

	m.mr[0] = n->fid;
	m.tag = exo_tag(FS_READLINK, 1, 0);
	if ((e = fsc_call(mt, &m, data_buf, VFS_PATH_MAX)) < 0)
		return e;
	len = reply_string(&m);
	if (len <= 0 || len > VFS_PATH_MAX || (uint64_t)len != m.mr[0])
		return -XE_EIO;
	n->data = malloc((size_t)len);
	if (!n->data)
		return -XE_ENOMEM;
	memcpy(n->data, data_buf, (size_t)len);
	n->size = n->cap = (uint64_t)len;
	return 0;
}

int fsc_vnode(struct vfs *v, struct mount *mt, const uint64_t *w, struct node **out)
{
	struct node *n;
	int e;

	*out = NULL;
	if (!attrs_ok(w))
		return -XE_EIO;
	for (n = mt->vnodes; n; n = n->mnext)
		if (n->fid == w[0])
			break;
	if (n) {
		if ((n->mode & VS_IFMT) != (w[1 + FSA_MODE] & VS_IFMT))
			return -XE_EIO; /* a node does not change its type */
		attrs_take(n, w);
		*out = n;
		return 0;
	}
	n = calloc(1, sizeof(*n));
	if (!n)
		return -XE_ENOMEM;
	n->mnt = mt;
	n->fid = n->ino = w[0];
	attrs_take(n, w);
	if ((n->mode & VS_IFMT) == VS_IFLNK && (e = read_link(mt, n)) < 0) {
		free(n);
		return e;
	}
	if ((n->mode & VS_IFMT) == VS_IFIFO && !(n->pipe = pipe_new())) {
		free(n);
		return -XE_ENOMEM;
	}
	if ((n->mode & VS_IFMT) == VS_IFCHR)
		n->dev = vdev_by_rdev(n->dev_rdev); /* the devices the VFS serves; others: ENXIO at open */
	n->mnext = mt->vnodes;
	mt->vnodes = n;
	v->nodes++;
	*out = n;
	return 0;
}

/* Put a name as the request's first string item. */
static void put_name(exo_msg_t *m, unsigned words, const char *name)
{
	exo_msg_put_string(m, words, name, (uint32_t)strlen(name));
}

int fsc_lookup(struct vfs *v, struct node *dir, const char *name, struct node **n)
{
	exo_msg_t m = { 0 };
	int e;

	*n = NULL;
	m.mr[0] = dir->fid;
	put_name(&m, 1, name);
	m.tag = exo_tag(FS_LOOKUP, 1, 2);
	if ((e = fsc_call(dir->mnt, &m, NULL, 0)) < 0)
		return e;
	if ((e = fsc_vnode(v, dir->mnt, m.mr, n)) < 0)
		return e;
	if (*n != dir && strcmp(name, "..") != 0)
		(*n)->parent = dir; /* for this request (mount.c clears it after) */
	return 0;
}

int fsc_getattr(struct vfs *v, struct node *n)
{
	exo_msg_t m = { 0 };
	struct node *got;
	int e;

	m.mr[0] = n->fid;
	m.tag = exo_tag(FS_GETATTR, 1, 0);
	if ((e = fsc_call(n->mnt, &m, NULL, 0)) < 0)
		return e;
	if (m.mr[0] != n->fid)
		return -XE_EIO;
	return fsc_vnode(v, n->mnt, m.mr, &got);
}

int fsc_setattr(struct vfs *v, struct node *n, unsigned which)
{
	exo_msg_t m = { 0 };
	struct node *got;
	int e;

	m.mr[0] = n->fid;
	m.mr[1] = which;
	m.mr[2] = n->mode & VS_PERM;
	m.mr[3] = n->uid;
	m.mr[4] = n->gid;
	m.mr[5] = n->atime;
	m.mr[6] = n->mtime;
	m.tag = exo_tag(FS_SETATTR, 7, 0);
	e = fsc_call(n->mnt, &m, NULL, 0);
	if (e == 0 && m.mr[0] != n->fid)
		e = -XE_EIO;
	if (e == 0)
		e = fsc_vnode(v, n->mnt, m.mr, &got);
	if (e < 0)
		fsc_getattr(v, n); /* what the server has, not what was asked */
	return e;
}

int fsc_read(struct node *n, uint64_t off, uint64_t count, const void **data, uint64_t *got)
{
	exo_msg_t m = { 0 };
	long len;
	int e;

	if (count > EXO_STRING_MAX)
		count = EXO_STRING_MAX;
	m.mr[0] = n->fid;
	m.mr[1] = off;
	m.mr[2] = count;
	m.tag = exo_tag(FS_READ, 3, 0);
	if ((e = fsc_call(n->mnt, &m, data_buf, (uint32_t)count)) < 0)
		return e;
	len = reply_string(&m);
	if (m.mr[0] > count || (m.mr[0] > 0 && (len < 0 || (uint64_t)len != m.mr[0])))
		return -XE_EIO;
	*data = data_buf;
	*got = m.mr[0];
	return 0;
}

int fsc_write(struct node *n, uint64_t off, bool append, const void *data, uint64_t len, uint64_t *done)
{
	exo_msg_t m = { 0 };
	int e;

	if (mnt_rdonly(n))
		return -XE_EROFS;
	m.mr[0] = n->fid;
	m.mr[1] = off;
	m.mr[2] = append ? FSW_APPEND : 0;
	exo_msg_put_string(&m, 3, data, (uint32_t)len);
	m.tag = exo_tag(FS_WRITE, 3, 2);
	if ((e = fsc_call(n->mnt, &m, NULL, 0)) < 0)
		return e;
	if (m.mr[0] > len || m.mr[1] > INT64_MAX || m.mr[0] > INT64_MAX - m.mr[1])
		return -XE_EIO;
	*done = m.mr[0];
	if (m.mr[1] + m.mr[0] > n->size || append)
		n->size = m.mr[1] + m.mr[0]; /* an append's end is the file's */
	return 0;
}

int fsc_readdir(struct node *dir, uint64_t cookie, char *out, size_t room, uint64_t bias, size_t *len,
		uint64_t *last)
{
	exo_msg_t m = { 0 };
	size_t at = 0;
	long got;
	int e;

	*len = 0;
	*last = 0;
	m.mr[0] = dir->fid;
	m.mr[1] = cookie;
	m.tag = exo_tag(FS_READDIR, 2, 0);
	if ((e = fsc_call(dir->mnt, &m, dir_buf, sizeof(dir_buf))) < 0)
		return e;
	got = reply_string(&m);
	if (got < 0)
		got = 0;
	/* Check every record, then copy the whole ones that fit. */
	while (at < (size_t)got) {
		struct vfs_dirent *d = (struct vfs_dirent *)(void *)(dir_buf + at);
		size_t head = offsetof(struct vfs_dirent, name), nlen;

		if ((size_t)got - at < head + 1 || d->reclen < head + 2 || d->reclen % 8 ||
		    d->reclen > (size_t)got - at)
			return -XE_EIO;
		nlen = strnlen(d->name, d->reclen - head);
		if (nlen == 0 || nlen == d->reclen - head || nlen > VFS_NAME_MAX || memchr(d->name, '/', nlen) ||
		    d->next == 0 || d->next > UINT64_MAX - bias)
			return -XE_EIO;
		if (*len + d->reclen <= room) {
			memcpy(out + *len, d, d->reclen);
			((struct vfs_dirent *)(void *)(out + *len))->next = d->next + bias;
			*len += d->reclen;
			*last = d->next;
		} else {
			room = 0; /* the rest waits for the next call */
		}
		at += d->reclen;
	}
	return 0;
}

int fsc_make(struct vfs *v, struct node *dir, const char *name, uint32_t mode, uint32_t uid, uint32_t gid,
	     uint32_t rdev, struct node **n)
{
	exo_msg_t m = { 0 };
	bool is_dir = (mode & VS_IFMT) == VS_IFDIR;
	int e;

	if (mnt_rdonly(dir))
		return -XE_EROFS;
	m.mr[0] = dir->fid;
	m.mr[1] = is_dir ? mode & VS_PERM : mode;
	m.mr[2] = uid;
	m.mr[3] = gid;
	m.mr[4] = rdev;
	put_name(&m, is_dir ? 4 : 5, name);
	m.tag = exo_tag(is_dir ? FS_MKDIR : FS_CREATE, is_dir ? 4 : 5, 2);
	if ((e = fsc_call(dir->mnt, &m, NULL, 0)) < 0)
		return e;
	if ((m.mr[1 + FSA_MODE] & VS_IFMT) != (mode & VS_IFMT))
		return -XE_EIO;
	return fsc_vnode(v, dir->mnt, m.mr, n);
}

int fsc_symlink(struct vfs *v, struct node *dir, const char *name, const char *target, size_t tlen,
		uint32_t uid, uint32_t gid)
{
	exo_msg_t m = { 0 };
	struct node *n;
	int e;

	if (mnt_rdonly(dir))
		return -XE_EROFS;
	m.mr[0] = dir->fid;
	m.mr[1] = uid;
	m.mr[2] = gid;
	put_name(&m, 3, name);
	exo_msg_put_string(&m, 5, target, (uint32_t)tlen);
	m.tag = exo_tag(FS_SYMLINK, 3, 4);
	if ((e = fsc_call(dir->mnt, &m, NULL, 0)) < 0)
		return e;
	return fsc_vnode(v, dir->mnt, m.mr, &n);
}

int fsc_remove(struct node *dir, const char *name, bool is_dir)
{
	exo_msg_t m = { 0 };

	if (mnt_rdonly(dir))
		return -XE_EROFS;
	m.mr[0] = dir->fid;
	put_name(&m, 1, name);
	m.tag = exo_tag(is_dir ? FS_RMDIR : FS_UNLINK, 1, 2);
	return fsc_call(dir->mnt, &m, NULL, 0);
}

int fsc_rename(struct node *d1, const char *l1, struct node *d2, const char *l2)
{
	exo_msg_t m = { 0 };

	if (mnt_rdonly(d1))
		return -XE_EROFS;
	m.mr[0] = d1->fid;
	m.mr[1] = d2->fid;
	put_name(&m, 2, l1);
	put_name(&m, 4, l2);
	m.tag = exo_tag(FS_RENAME, 2, 4);
	return fsc_call(d1->mnt, &m, NULL, 0);
}

int fsc_link(struct vfs *v, struct node *n, struct node *dir, const char *name)
{
	exo_msg_t m = { 0 };
	struct node *got;
	int e;

	if (mnt_rdonly(dir))
		return -XE_EROFS;
	m.mr[0] = n->fid;
	m.mr[1] = dir->fid;
	put_name(&m, 2, name);
	m.tag = exo_tag(FS_LINK, 2, 2);
	if ((e = fsc_call(dir->mnt, &m, NULL, 0)) < 0)
		return e;
	return fsc_vnode(v, dir->mnt, m.mr, &got);
}

int fsc_truncate(struct vfs *v, struct node *n, uint64_t size)
{
	exo_msg_t m = { 0 };
	struct node *got;
	int e;

	if (mnt_rdonly(n))
		return -XE_EROFS;
	m.mr[0] = n->fid;
	m.mr[1] = size;
	m.tag = exo_tag(FS_TRUNCATE, 2, 0);
	if ((e = fsc_call(n->mnt, &m, NULL, 0)) < 0)
		return e;
	if (m.mr[0] != n->fid)
		return -XE_EIO;
	return fsc_vnode(v, n->mnt, m.mr, &got);
}

int fsc_name_of(struct node *dir, const struct node *child, char name[VFS_NAME_MAX + 1])
{
	static char page[VFS_DIRENT_BUF];
	uint64_t cookie = 0, last;
	size_t len;
	int e;

	for (;;) {
		if ((e = fsc_readdir(dir, cookie, page, sizeof(page), 0, &len, &last)) < 0)
			return e;
		if (len == 0)
			return -XE_ENOENT;
		for (size_t at = 0; at < len;) {
			const struct vfs_dirent *d = (const struct vfs_dirent *)(const void *)(page + at);

			if (d->ino == child->fid) {
				strcpy(name, d->name);
				return 0;
			}
			at += d->reclen;
		}
		if (last <= cookie)
			return -XE_EIO; /* a listing that does not advance */
		cookie = last;
	}
}
