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
 * Every request goes through the stubs protocols/fs.def makes (fs_proto.h:
 * fs_call_*), which check that a reply has exactly the words and strings
 * declared, and one transport, fsc_transport; what the stubs cannot know
 * (attributes, node ids, lengths, records) is checked here.
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

/*
 * The mount the next stub call goes to. A transport is only given the
 * message, so fsc_to sets this just before each fs_call_* and hands back
 * fsc_transport: the VFS serves one request at a time from one thread, so
 * nothing can change it between the two.
 */
static struct mount *fsc_server;

/* Send m to fsc_server, the reply in m: 0, the server's -XE_*, or -XE_EIO (no answer in time, a label no errno). */
static int fsc_transport(exo_msg_t *m)
{
	uint32_t label;

	m->rcv_window = EXO_FPAGE_NIL; /* m->br: the stub's receive buffer, if any */
	if (exo_call(fsc_server->server, m, exo_timeout_ms(FSC_SEND_MS), exo_timeout_ms(FSC_REPLY_MS)) != EXO_OK)
		return -XE_EIO;
	label = exo_tag_label(m->tag);
	if (label != 0)
		return label < 256 ? -(int)label : -XE_EIO;
	return 0;
}

exo_proto_call_fn fsc_to(struct mount *mt)
{
	fsc_server = mt;
	return fsc_transport;
}

static bool attrs_ok(uint64_t node, const uint64_t *a)
{
	uint64_t type = a[FSA_MODE] & VS_IFMT;

	if (node == 0 || (a[FSA_MODE] & ~(uint64_t)(VS_IFMT | VS_PERM)))
		return false;
	if (type != VS_IFDIR && type != VS_IFREG && type != VS_IFLNK && type != VS_IFIFO && type != VS_IFCHR)
		return false;
	if (a[FSA_NLINK] > UINT32_MAX || a[FSA_UID] > UINT32_MAX || a[FSA_GID] > UINT32_MAX ||
	    a[FSA_RDEV] > UINT32_MAX || a[FSA_SIZE] > INT64_MAX)
		return false;
	return !(type == VS_IFLNK && (a[FSA_SIZE] == 0 || a[FSA_SIZE] > VFS_PATH_MAX));
}

static void attrs_take(struct node *n, const uint64_t *a)
{
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
	struct fs_readlink_in in = { .node = n->fid };
	struct fs_readlink_out out = { .target = data_buf, .target_len = VFS_PATH_MAX };
	int e;

	if ((e = fs_call_readlink(fsc_to(mt), &in, &out)) < 0)
		return e;
	if (out.target_len == 0 || out.target_len > VFS_PATH_MAX || out.target_len != out.length)
		return -XE_EIO;
	n->data = malloc(out.target_len);
	if (!n->data)
		return -XE_ENOMEM;
	memcpy(n->data, data_buf, out.target_len);
	n->size = n->cap = out.target_len;
	return 0;
}

int fsc_vnode(struct vfs *v, struct mount *mt, uint64_t node, const uint64_t attrs[FSA_WORDS], struct node **out)
{
	struct node *n;
	int e;

	*out = NULL;
	if (!attrs_ok(node, attrs))
		return -XE_EIO;
	for (n = mt->vnodes; n; n = n->mnext)
		if (n->fid == node)
			break;
	if (n) {
		if ((n->mode & VS_IFMT) != (attrs[FSA_MODE] & VS_IFMT))
			return -XE_EIO; /* a node does not change its type */
		attrs_take(n, attrs);
		*out = n;
		return 0;
	}
	n = calloc(1, sizeof(*n));
	if (!n)
		return -XE_ENOMEM;
	n->mnt = mt;
	n->fid = n->ino = node;
	attrs_take(n, attrs);
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

/* A name as a request's string (sent without its NUL). */
#define NAME(s) (s), (uint32_t)strlen(s)

int fsc_lookup(struct vfs *v, struct node *dir, const char *name, struct node **n)
{
	struct fs_lookup_in in = { dir->fid, NAME(name) };
	struct fs_lookup_out out;
	int e;

	*n = NULL;
	if ((e = fs_call_lookup(fsc_to(dir->mnt), &in, &out)) < 0)
		return e;
	if ((e = fsc_vnode(v, dir->mnt, out.node, out.attrs, n)) < 0)
		return e;
	if (*n != dir && strcmp(name, "..") != 0)
		(*n)->parent = dir; /* for this request (mount.c clears it after) */
	return 0;
}

int fsc_getattr(struct vfs *v, struct node *n)
{
	struct fs_getattr_in in = { .node = n->fid };
	struct fs_getattr_out out;
	struct node *got;
	int e;

	if ((e = fs_call_getattr(fsc_to(n->mnt), &in, &out)) < 0)
		return e;
	if (out.node != n->fid)
		return -XE_EIO;
	return fsc_vnode(v, n->mnt, out.node, out.attrs, &got);
}

int fsc_setattr(struct vfs *v, struct node *n, unsigned which)
{
	struct fs_setattr_in in = {
		.node = n->fid,
		.which = which,
		.mode = n->mode & VS_PERM,
		.uid = n->uid,
		.gid = n->gid,
		.atime = n->atime,
		.mtime = n->mtime,
	};
	struct fs_setattr_out out;
	struct node *got;
	int e;

	e = fs_call_setattr(fsc_to(n->mnt), &in, &out);
	if (e == 0 && out.node != n->fid)
		e = -XE_EIO;
	if (e == 0)
		e = fsc_vnode(v, n->mnt, out.node, out.attrs, &got);
	if (e < 0)
		fsc_getattr(v, n); /* what the server has, not what was asked */
	return e;
}

int fsc_read(struct node *n, uint64_t off, uint64_t count, const void **data, uint64_t *got)
{
	struct fs_read_in in = { .node = n->fid, .offset = off };
	struct fs_read_out out = { .data = data_buf };
	int e;

	if (count > EXO_STRING_MAX)
		count = EXO_STRING_MAX;
	in.count = count;
	out.data_len = (uint32_t)count;
	if ((e = fs_call_read(fsc_to(n->mnt), &in, &out)) < 0)
		return e;
	if (out.bytes > count || (out.bytes > 0 && out.data_len != out.bytes))
		return -XE_EIO;
	*data = data_buf;
	*got = out.bytes;
	return 0;
}

int fsc_write(struct node *n, uint64_t off, bool append, const void *data, uint64_t len, uint64_t *done)
{
	struct fs_write_in in = {
		.node = n->fid,
		.offset = off,
		.flags = append ? FSW_APPEND : 0,
		.data = data ? data : "",
		.data_len = (uint32_t)len,
	};
	struct fs_write_out out;
	int e;

	if (mnt_rdonly(n))
		return -XE_EROFS;
	if ((e = fs_call_write(fsc_to(n->mnt), &in, &out)) < 0)
		return e;
	if (out.bytes > len || out.offset > INT64_MAX || out.bytes > INT64_MAX - out.offset)
		return -XE_EIO;
	*done = out.bytes;
	if (out.offset + out.bytes > n->size || append)
		n->size = out.offset + out.bytes; /* an append's end is the file's */
	return 0;
}

int fsc_readdir(struct node *dir, uint64_t cookie, char *out, size_t room, uint64_t bias, size_t *len,
		uint64_t *last)
{
	struct fs_readdir_in in = { .dir = dir->fid, .cookie = cookie };
	struct fs_readdir_out rep = { .entries = dir_buf, .entries_len = sizeof(dir_buf) };
	size_t at = 0, got;
	int e;

	*len = 0;
	*last = 0;
	if ((e = fs_call_readdir(fsc_to(dir->mnt), &in, &rep)) < 0)
		return e;
	got = rep.entries_len;
	/* Check every record, then copy the whole ones that fit. */
	while (at < got) {
		struct vfs_dirent *d = (struct vfs_dirent *)(void *)(dir_buf + at);
		size_t head = offsetof(struct vfs_dirent, name), nlen;

		if (got - at < head + 1 || d->reclen < head + 2 || d->reclen % 8 || d->reclen > got - at)
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
	uint64_t node, attrs[FSA_WORDS];
	int e;

	if (mnt_rdonly(dir))
		return -XE_EROFS;
	if ((mode & VS_IFMT) == VS_IFDIR) {
		struct fs_mkdir_in in = { dir->fid, mode & VS_PERM, uid, gid, NAME(name) };
		struct fs_mkdir_out out;

		if ((e = fs_call_mkdir(fsc_to(dir->mnt), &in, &out)) < 0)
			return e;
		node = out.node;
		memcpy(attrs, out.attrs, sizeof(attrs));
	} else {
		struct fs_create_in in = { dir->fid, mode, uid, gid, rdev, NAME(name) };
		struct fs_create_out out;

		if ((e = fs_call_create(fsc_to(dir->mnt), &in, &out)) < 0)
			return e;
		node = out.node;
		memcpy(attrs, out.attrs, sizeof(attrs));
	}
	if ((attrs[FSA_MODE] & VS_IFMT) != (mode & VS_IFMT))
		return -XE_EIO;
	return fsc_vnode(v, dir->mnt, node, attrs, n);
}

int fsc_symlink(struct vfs *v, struct node *dir, const char *name, const char *target, size_t tlen,
		uint32_t uid, uint32_t gid)
{
	struct fs_symlink_in in = { dir->fid, uid, gid, NAME(name), target, (uint32_t)tlen };
	struct fs_symlink_out out;
	struct node *n;
	int e;

	if (mnt_rdonly(dir))
		return -XE_EROFS;
	if ((e = fs_call_symlink(fsc_to(dir->mnt), &in, &out)) < 0)
		return e;
	return fsc_vnode(v, dir->mnt, out.node, out.attrs, &n);
}

int fsc_remove(struct node *dir, const char *name, bool is_dir)
{
	if (mnt_rdonly(dir))
		return -XE_EROFS;
	if (is_dir) {
		struct fs_rmdir_in in = { dir->fid, NAME(name) };

		return fs_call_rmdir(fsc_to(dir->mnt), &in);
	} else {
		struct fs_unlink_in in = { dir->fid, NAME(name) };

		return fs_call_unlink(fsc_to(dir->mnt), &in);
	}
}

int fsc_rename(struct node *d1, const char *l1, struct node *d2, const char *l2)
{
	struct fs_rename_in in = { d1->fid, d2->fid, NAME(l1), NAME(l2) };

	if (mnt_rdonly(d1))
		return -XE_EROFS;
	return fs_call_rename(fsc_to(d1->mnt), &in);
}

int fsc_link(struct vfs *v, struct node *n, struct node *dir, const char *name)
{
	struct fs_link_in in = { n->fid, dir->fid, NAME(name) };
	struct fs_link_out out;
	struct node *got;
	int e;

	if (mnt_rdonly(dir))
		return -XE_EROFS;
	if ((e = fs_call_link(fsc_to(dir->mnt), &in, &out)) < 0)
		return e;
	return fsc_vnode(v, dir->mnt, out.node, out.attrs, &got);
}

int fsc_truncate(struct vfs *v, struct node *n, uint64_t size)
{
	struct fs_truncate_in in = { .node = n->fid, .size = size };
	struct fs_truncate_out out;
	struct node *got;
	int e;

	if (mnt_rdonly(n))
		return -XE_EROFS;
	if ((e = fs_call_truncate(fsc_to(n->mnt), &in, &out)) < 0)
		return e;
	if (out.node != n->fid)
		return -XE_EIO;
	return fsc_vnode(v, n->mnt, out.node, out.attrs, &got);
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
