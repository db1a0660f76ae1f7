/*
 * servers/vfs/ops.c — the VFS operations (exo/vfs.h), one handler each,
 * dispatched by table; per-space descriptor tables.
 *
 * vfs_dispatch() hands each request to vfs_serve() (vfs_proto.h, made from
 * protocols/vfs.def), which checks its shape, decodes its fields and calls
 * the handler with them; ctx is the struct vreq. Each handler checks the
 * whole request, then changes state, then fills *out; it returns 0 (answer
 * with *out), EXO_PROTO_HELD (answered later, with vfs_answer), for READ,
 * WRITE, PREAD and PWRITE EXO_PROTO_OTHER (answer with the REDIRECT reply)
 * or -XE_*. Reply strings point into r->out or at the VFS's own bytes.
 */
#include <stdlib.h>
#include <string.h>

#include <exo/errno.h>

#include <exo/dev.h>

#include "vfs.h"

/* A descriptor on node n (no checks): for the standard descriptors. */
static void fd_install(struct vproc *p, int fd, struct node *n, unsigned flags, uint64_t out)
{
	struct ofd *f = calloc(1, sizeof(*f));

	if (!f)
		return;
	f->node = n;
	f->flags = flags;
	f->refs = 1;
	f->out_handle = out;
	f->in_handle = CONSOLE_IN;
	n->opens++;
	p->fds[fd].f = f;
}

struct vproc *proc_find(struct vfs *v, exo_space_t space)
{
	for (struct vproc *p = v->procs; p; p = p->next)
		if (p->space == space)
			return p;
	return NULL;
}

void proc_std_fds(struct vfs *v, struct vproc *p)
{
	if (v->console) {
		fd_install(p, 0, v->console, VO_RDONLY, CONSOLE_OUT);
		fd_install(p, 1, v->console, VO_WRONLY, CONSOLE_OUT);
		fd_install(p, 2, v->console, VO_WRONLY, CONSOLE_ERR);
	}
}

struct vproc *proc_get(struct vfs *v, exo_space_t space)
{
	struct vproc *p = proc_find(v, space);

	if (p)
		return p;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->space = space;
	p->cwd = v->root;
	p->cwd->opens++;
	p->root = v->root;
	p->root->opens++;
	p->umask = 022;
	/* A new space starts with the console as its standard descriptors, as root. */
	proc_std_fds(v, p);
	p->next = v->procs;
	v->procs = p;
	return p;
}

static void ofd_put(struct vfs *v, struct ofd *f)
{
	if (--f->refs > 0)
		return;
	if (f->node->pipe)
		pipe_close_end(v, f);
	f->node->opens--;
	node_put(v, f->node);
	free(f);
}

int fd_close(struct vfs *v, struct vproc *p, uint64_t fd)
{
	if (fd >= VFS_FD_MAX || !p->fds[fd].f)
		return -XE_EBADF;
	lock_close(v, p, p->fds[fd].f, p->fds[fd].f->refs == 1);
	ofd_put(v, p->fds[fd].f);
	p->fds[fd].f = NULL;
	p->fds[fd].cloexec = false;
	return 0;
}

void proc_exit(struct vfs *v, exo_space_t space)
{
	struct vproc **pp = &v->procs, *p;

	while ((p = *pp) && p->space != space)
		pp = &p->next;
	if (!p)
		return;
	pipe_forget_space(v, space);
	poll_forget_space(space);
	lock_forget_space(v, space);
	*pp = p->next;
	for (unsigned i = 0; i < VFS_FD_MAX; i++)
		fd_close(v, p, i);
	p->cwd->opens--;
	node_put(v, p->cwd);
	p->root->opens--;
	node_put(v, p->root);
	free(p);
}

struct ofd *fd_get(struct vproc *p, uint64_t fd)
{
	return fd < VFS_FD_MAX ? p->fds[fd].f : NULL;
}

static int fd_alloc(struct vproc *p, uint64_t lowest)
{
	for (uint64_t i = lowest; i < VFS_FD_MAX; i++)
		if (!p->fds[i].f)
			return (int)i;
	return -XE_EMFILE;
}

static const uint32_t rdevs[] = {
	[VDEV_NULL] = VDEV_NULL_RDEV,       [VDEV_ZERO] = VDEV_ZERO_RDEV,
	[VDEV_FULL] = VDEV_FULL_RDEV,       [VDEV_RANDOM] = VDEV_RANDOM_RDEV,
	[VDEV_URANDOM] = VDEV_URANDOM_RDEV,
};

static uint32_t dev_rdev(const struct node *n)
{
	return n->dev == VDEV_SERVER || n->mnt ? n->dev_rdev : rdevs[n->dev];
}

enum vdev vdev_by_rdev(uint64_t rdev)
{
	for (enum vdev d = VDEV_NULL; d < VDEV_SERVER; d++)
		if (rdevs[d] == rdev)
			return d;
	return VDEV_NONE;
}

/* Who owns what `who` makes in dir with mode (the ramfs's rules, for a mounted file system). */
static void owner_for(const struct vcred *who, const struct node *dir, uint32_t *mode, uint32_t *uid,
		      uint32_t *gid)
{
	struct node tmp = { .mode = *mode };

	node_own(&tmp, who, dir);
	*mode = tmp.mode;
	*uid = tmp.uid;
	*gid = tmp.gid;
}

static void stat_words(const struct node *n, uint64_t w[VST_WORDS])
{
	w[VST_DEV] = n->mnt ? n->mnt->dev : 1;
	w[VST_INO] = n->ino;
	w[VST_MODE] = n->mode;
	w[VST_NLINK] = n->nlink;
	w[VST_UID] = n->uid;
	w[VST_GID] = n->gid;
	w[VST_SIZE] = node_is_dir(n) ? 4096 : n->pipe ? n->pipe->len : n->size; /* a link: its target's length */
	w[VST_BLOCKS] = (n->size + 511) / 512;
	w[VST_ATIME_NS] = n->atime;
	w[VST_MTIME_NS] = n->mtime;
	w[VST_CTIME_NS] = n->ctime;
	w[VST_RDEV] = dev_rdev(n);
}

/* path for r, a relative one from the directory descriptor at - 1 (at 0: the working directory). */
static int resolve(struct vreq *r, uint32_t at, const char *path, size_t len, bool parent, bool follow,
		   struct node **dir, struct node **node, char *last, bool *slash)
{
	struct node *start = NULL;

	if (!path)
		return -XE_EINVAL;
	/* Relative to a directory descriptor (openat and the rest). */
	if (at && len > 0 && path[0] != '/') {
		struct ofd *f = fd_get(r->p, at - 1);

		if (!f)
			return -XE_EBADF;
		if (!node_is_dir(f->node))
			return -XE_ENOTDIR;
		start = f->node;
	}
	return path_resolve(r->v, r->p, r->who, start, path, len, parent, follow, dir, node, last, slash);
}

static bool is_link(const struct node *n)
{
	return (n->mode & VS_IFMT) == VS_IFLNK;
}

static int do_open(void *ctx, const struct vfs_open_in *in, struct vfs_open_out *out)
{
	struct vreq *r = ctx;
	unsigned flags = (unsigned)in->flags, acc = flags & VO_ACCMODE;
	uint32_t mode = (uint32_t)in->mode & VS_PERM;
	char last[VFS_NAME_MAX + 1];
	struct node *dir, *n;
	struct ofd *f;
	bool slash;
	int fd, e;

	if ((flags & ~VO_KNOWN) || acc == 3)
		return -XE_EINVAL;
	/* O_CREAT|O_EXCL never follows a final link (it exists: EEXIST). */
	e = resolve(r, in->dirfd, in->path, in->path_len, true,
		    !(flags & VO_NOFOLLOW) && !((flags & VO_CREAT) && (flags & VO_EXCL)), &dir, &n, last, &slash);
	if (e)
		return e;
	if (n && (flags & VO_CREAT) && (flags & VO_EXCL))
		return -XE_EEXIST;
	if (n && is_link(n))
		return -XE_ELOOP; /* O_NOFOLLOW on a link */
	if (!n && !(flags & VO_CREAT))
		return -XE_ENOENT;
	if (!n && slash)
		return -XE_EISDIR; /* O_CREAT of "name/": not a regular file */
	if (n && node_is_dir(n) && (acc != VO_RDONLY || (flags & VO_TRUNC)))
		return -XE_EISDIR;
	if (n && !node_is_dir(n) && (flags & VO_DIRECTORY))
		return -XE_ENOTDIR;
	if ((n ? mnt_rdonly(n) && (n->mode & VS_IFMT) == VS_IFREG : mnt_rdonly(dir)) &&
	    (acc != VO_RDONLY || (flags & VO_TRUNC) || !n))
		return -XE_EROFS;
	if (n && n->mnt && (n->mode & VS_IFMT) == VS_IFCHR && n->dev == VDEV_NONE)
		return -XE_ENXIO; /* a device node of a device nobody here serves */
	if (n) {
		unsigned want = acc == VO_RDONLY ? VACC_R : acc == VO_WRONLY ? VACC_W : VACC_R | VACC_W;

		e = perm_check(r->who, n, (flags & VO_TRUNC) ? want | VACC_W : want);
	} else {
		e = perm_check(r->who, dir, VACC_W | VACC_X); /* a new name in dir */
	}
	if (e)
		return e;
	fd = fd_alloc(r->p, 0);
	if (fd < 0)
		return fd;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -XE_ENOMEM;
	if (!n && dir->mnt) {
		uint32_t m = VS_IFREG | (mode & ~r->p->umask), uid, gid;

		owner_for(r->who, dir, &m, &uid, &gid);
		if ((e = fsc_make(r->v, dir, last, m, uid, gid, 0, &n)) < 0) {
			free(f);
			return e;
		}
	} else if (!n) {
		n = node_new(r->v, VS_IFREG | (mode & ~r->p->umask));
		if (n)
			node_own(n, r->who, dir);
		if (n && dir == r->v->shm_dir && (e = shm_node_make(n)) < 0) {
			node_put(r->v, n);
			free(f);
			return e;
		}
		if (!n || (e = dir_add(r->v, dir, last, n)) < 0) {
			if (n)
				node_put(r->v, n);
			free(f);
			return n ? e : -XE_ENOSPC;
		}
	} else if ((flags & VO_TRUNC) && acc != VO_RDONLY && n->mnt) {
		if ((n->mode & VS_IFMT) == VS_IFREG && (e = fsc_truncate(r->v, n, 0)) < 0) {
			free(f);
			return e;
		}
	} else if ((flags & VO_TRUNC) && acc != VO_RDONLY) {
		file_resize(n, 0);
		n->mtime = n->ctime = vfs_now();
	}
	f->node = n;
	f->flags = flags & (VO_ACCMODE | VO_APPEND | VO_NONBLOCK);
	f->refs = 1;
	f->out_handle = CONSOLE_OUT;
	f->in_handle = CONSOLE_IN;
	if (n->dev == VDEV_SERVER && n->dev_streams)
		f->in_handle = f->out_handle = ++r->v->dev_handles; /* a stream of its own */
	n->opens++;
	r->p->fds[fd].f = f;
	r->p->fds[fd].cloexec = flags & VO_CLOEXEC;
	out->fd = (uint64_t)fd;
	if (n->pipe)
		return fifo_open(r, f, fd);
	return 0;
}

static int do_close(void *ctx, const struct vfs_close_in *in)
{
	struct vreq *r = ctx;

	return fd_close(r->v, r->p, in->fd);
}

/* Read up to count bytes at off into *out, or say where to read them (*redirect). */
static int read_at(struct vreq *r, struct ofd *f, uint64_t count, uint64_t off, struct vfs_read_out *out,
		   struct vfs_redirect_out *redirect)
{
	struct node *n = f->node;

	static const uint8_t zeros[EXO_STRING_MAX];

	if ((f->flags & VO_ACCMODE) == VO_WRONLY)
		return -XE_EBADF;
	if (node_is_dir(n))
		return -XE_EISDIR;
	if (n->pipe)
		return pipe_read(r, f, count, out);
	if (count > EXO_STRING_MAX)
		count = EXO_STRING_MAX;
	switch (n->dev) {
	case VDEV_NONE:
		break;
	case VDEV_NULL:
		out->bytes = 0;
		return 0;
	case VDEV_ZERO:
	case VDEV_FULL:
		out->data = zeros;
		out->data_len = (uint32_t)count;
		out->bytes = count;
		return 0;
	case VDEV_RANDOM:
	case VDEV_URANDOM:
		random_fill((uint8_t *)r->out, count < VFS_DIRENT_BUF ? count : VFS_DIRENT_BUF);
		out->data = r->out;
		out->data_len = count < VFS_DIRENT_BUF ? (uint32_t)count : VFS_DIRENT_BUF;
		out->bytes = out->data_len;
		return 0;
	case VDEV_SERVER:
		redirect->server = n->dev_server;
		redirect->handle = f->in_handle;
		redirect->rdflags = (f->flags & VO_NONBLOCK) ? DEV_RD_NONBLOCK : 0;
		return EXO_PROTO_OTHER;
	}
	if (n->mnt) {
		const void *data;
		uint64_t got;
		int e = fsc_read(n, off, count, &data, &got);

		if (e)
			return e;
		out->data = data;
		out->data_len = (uint32_t)got;
		out->bytes = got;
		return 0;
	}
	if (off >= n->size)
		count = 0;
	else if (count > n->size - off)
		count = n->size - off;
	out->data = n->data + off;
	out->data_len = (uint32_t)count;
	out->bytes = count;
	return 0;
}

/* Write len bytes of data at off (append: at the end), or say where to write them (*redirect). */
static int write_at(struct vreq *r, struct ofd *f, const void *data, uint64_t len, uint64_t off, bool append,
		    struct vfs_write_out *out, struct vfs_redirect_out *redirect)
{
	struct node *n = f->node;
	int e;

	if ((f->flags & VO_ACCMODE) == VO_RDONLY)
		return -XE_EBADF;
	if (node_is_dir(n))
		return -XE_EISDIR;
	if (n->pipe)
		return pipe_write(r, f, data, len, out);
	switch (n->dev) {
	case VDEV_NONE:
		break;
	case VDEV_NULL:
	case VDEV_ZERO:
	case VDEV_RANDOM:
	case VDEV_URANDOM:
		out->bytes = len; /* writes to the random devices are taken and dropped */
		return 0;
	case VDEV_FULL:
		return -XE_ENOSPC;
	case VDEV_SERVER:
		redirect->server = n->dev_server;
		redirect->handle = f->out_handle;
		redirect->rdflags = 0; /* a read's only */
		return EXO_PROTO_OTHER;
	}
	if (n->mnt) {
		uint64_t done;

		if ((e = fsc_write(n, off, append, data, len, &done)) < 0)
			return e;
		out->bytes = done;
		return 0;
	}
	if (append)
		off = n->size; /* atomic: the server does one request at a time */
	if (off + len < off)
		return -XE_EFBIG;
	if (off + len > n->size && (e = file_resize(n, off + len)) < 0)
		return e;
	if (len)
		memcpy(n->data + off, data, len);
	n->mtime = n->ctime = vfs_now();
	out->bytes = len;
	return 0;
}

static int do_read(void *ctx, const struct vfs_read_in *in, struct vfs_read_out *out,
		   struct vfs_redirect_out *redirect)
{
	struct vreq *r = ctx;
	struct ofd *f = fd_get(r->p, in->fd);
	int e;

	if (!f)
		return -XE_EBADF;
	e = read_at(r, f, in->count, f->offset, out, redirect);
	if (e == 0 && !f->node->pipe)
		f->offset += out->data_len;
	return e;
}

static int do_write(void *ctx, const struct vfs_write_in *in, struct vfs_write_out *out,
		    struct vfs_redirect_out *redirect)
{
	struct vreq *r = ctx;
	struct ofd *f = fd_get(r->p, in->fd);
	uint64_t off;
	int e;

	if (!f)
		return -XE_EBADF;
	off = f->offset;
	e = write_at(r, f, in->data, in->data_len, off, f->flags & VO_APPEND, out, redirect);
	if (e == 0 && f->node->dev == VDEV_NONE && !f->node->pipe)
		f->offset = (f->flags & VO_APPEND ? f->node->size : off + out->bytes);
	return e;
}

static int do_pread(void *ctx, const struct vfs_pread_in *in, struct vfs_pread_out *out,
		    struct vfs_redirect_out *redirect)
{
	struct vreq *r = ctx;
	struct ofd *f = fd_get(r->p, in->fd);
	struct vfs_read_out got = { 0 };
	int e;

	if (!f)
		return -XE_EBADF;
	if (f->node->dev == VDEV_SERVER || f->node->pipe)
		return -XE_ESPIPE;
	if (in->offset < 0)
		return -XE_EINVAL;
	e = read_at(r, f, in->count, (uint64_t)in->offset, &got, redirect);
	out->bytes = got.bytes;
	out->data = got.data;
	out->data_len = got.data_len;
	return e;
}

static int do_pwrite(void *ctx, const struct vfs_pwrite_in *in, struct vfs_pwrite_out *out,
		     struct vfs_redirect_out *redirect)
{
	struct vreq *r = ctx;
	struct ofd *f = fd_get(r->p, in->fd);
	struct vfs_write_out done = { 0 };
	int e;

	if (!f)
		return -XE_EBADF;
	if (f->node->dev == VDEV_SERVER || f->node->pipe)
		return -XE_ESPIPE;
	if (in->offset < 0)
		return -XE_EINVAL;
	e = write_at(r, f, in->data, in->data_len, (uint64_t)in->offset, false, &done, redirect);
	out->bytes = done.bytes;
	return e;
}

int fd_position(const struct ofd *f, uint64_t whence, int64_t off, int64_t *pos)
{
	int64_t base;

	switch (whence) {
	case VSEEK_SET:
		base = 0;
		break;
	case VSEEK_CUR:
		base = (int64_t)f->offset;
		break;
	case VSEEK_END:
		base = (int64_t)f->node->size;
		break;
	default:
		return -XE_EINVAL;
	}
	if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
		return off > 0 ? -XE_EOVERFLOW : -XE_EINVAL;
	*pos = base + off;
	return 0;
}

static int do_lseek(void *ctx, const struct vfs_lseek_in *in, struct vfs_lseek_out *out)
{
	struct vreq *r = ctx;
	struct ofd *f = fd_get(r->p, in->fd);
	int64_t pos;
	int e;

	if (!f)
		return -XE_EBADF;
	if (f->node->dev == VDEV_SERVER || f->node->pipe)
		return -XE_ESPIPE; /* terminals and pipes do not seek */
	if (f->node->mnt && in->whence == VSEEK_END && (e = fsc_getattr(r->v, f->node)) < 0)
		return e;
	e = fd_position(f, in->whence, in->offset, &pos);
	if (e)
		return e;
	f->offset = (uint64_t)pos;
	out->offset = f->offset;
	return 0;
}

static int do_fstat(void *ctx, const struct vfs_fstat_in *in, struct vfs_fstat_out *out)
{
	struct vreq *r = ctx;
	struct ofd *f = fd_get(r->p, in->fd);

	if (!f)
		return -XE_EBADF;
	if (f->node->mnt) {
		int e = fsc_getattr(r->v, f->node);

		if (e)
			return e;
	}
	stat_words(f->node, out->stat);
	return 0;
}

static int stat_path(struct vreq *r, uint32_t at, const char *path, size_t len, bool follow,
		     uint64_t stat[VST_WORDS])
{
	char last[VFS_NAME_MAX + 1];
	struct node *dir, *n;
	bool slash;
	int e = resolve(r, at, path, len, false, follow, &dir, &n, last, &slash);

	if (e)
		return e;
	stat_words(n, stat);
	return 0;
}

static int do_stat(void *ctx, const struct vfs_stat_in *in, struct vfs_stat_out *out)
{
	return stat_path(ctx, in->dirfd, in->path, in->path_len, true, out->stat);
}

static int do_lstat(void *ctx, const struct vfs_lstat_in *in, struct vfs_lstat_out *out)
{
	return stat_path(ctx, in->dirfd, in->path, in->path_len, false, out->stat);
}

/* Enter a node just made into dir; if that fails the node goes again. */
static int dir_add_new(struct vfs *v, struct node *dir, const char *name, struct node *n)
{
	int e = dir_add(v, dir, name, n);

	if (e)
		node_put(v, n);
	return e;
}

static int do_mkdir(void *ctx, const struct vfs_mkdir_in *in)
{
	struct vreq *r = ctx;
	char last[VFS_NAME_MAX + 1];
	struct node *dir, *n;
	bool slash;
	int e = resolve(r, in->dirfd, in->path, in->path_len, true, false, &dir, &n, last, &slash);

	if (e == -XE_ENOTDIR && dir && !n)
		return e;
	if (e)
		return e;
	if (n)
		return -XE_EEXIST;
	e = perm_check(r->who, dir, VACC_W | VACC_X);
	if (e)
		return e;
	if (dir->mnt) {
		uint32_t m = VS_IFDIR | ((uint32_t)in->mode & VS_PERM & ~r->p->umask), uid, gid;

		owner_for(r->who, dir, &m, &uid, &gid);
		return fsc_make(r->v, dir, last, m, uid, gid, 0, &n);
	}
	n = node_new(r->v, VS_IFDIR | ((uint32_t)in->mode & VS_PERM & ~r->p->umask));
	if (!n)
		return -XE_ENOSPC;
	node_own(n, r->who, dir);
	return dir_add_new(r->v, dir, last, n);
}

static int do_rmdir(void *ctx, const struct vfs_rmdir_in *in)
{
	struct vreq *r = ctx;
	char last[VFS_NAME_MAX + 1];
	struct node *dir, *n;
	bool slash;
	int e = resolve(r, in->dirfd, in->path, in->path_len, true, false, &dir, &n, last, &slash);

	if (e)
		return e;
	if (!n)
		return -XE_ENOENT;
	if (strcmp(last, ".") == 0)
		return -XE_EINVAL;
	if (!node_is_dir(n))
		return -XE_ENOTDIR;
	if (n == r->v->root || last[0] == 0 || mnt_point(n))
		return -XE_EBUSY;
	if ((e = perm_check(r->who, dir, VACC_W | VACC_X)) < 0 || (e = perm_sticky(r->who, dir, n)) < 0)
		return e;
	if (strcmp(last, "..") == 0 || !dir_empty(n))
		return -XE_ENOTEMPTY;
	if (dir->mnt)
		return fsc_remove(dir, last, true);
	dir_remove(r->v, dir, dir_find(dir, last));
	return 0;
}

static int do_unlink(void *ctx, const struct vfs_unlink_in *in)
{
	struct vreq *r = ctx;
	char last[VFS_NAME_MAX + 1];
	struct node *dir, *n;
	bool slash;
	int e = resolve(r, in->dirfd, in->path, in->path_len, true, false, &dir, &n, last, &slash);

	if (e)
		return e;
	if (!n)
		return -XE_ENOENT;
	if (node_is_dir(n))
		return -XE_EISDIR;
	if ((e = perm_check(r->who, dir, VACC_W | VACC_X)) < 0 || (e = perm_sticky(r->who, dir, n)) < 0)
		return e;
	if (dir->mnt)
		return fsc_remove(dir, last, false);
	dir_remove(r->v, dir, dir_find(dir, last));
	return 0;
}

static int do_dup(void *ctx, const struct vfs_dup_in *in, struct vfs_dup_out *out)
{
	struct vreq *r = ctx;
	struct ofd *f = fd_get(r->p, in->fd);
	int fd;

	if (!f)
		return -XE_EBADF;
	if (in->lowest >= VFS_FD_MAX)
		return -XE_EINVAL;
	fd = fd_alloc(r->p, in->lowest);
	if (fd < 0)
		return fd;
	f->refs++;
	r->p->fds[fd].f = f;
	r->p->fds[fd].cloexec = in->cloexec != 0;
	out->fd = (uint64_t)fd;
	return 0;
}

static int do_dup2(void *ctx, const struct vfs_dup2_in *in, struct vfs_dup2_out *out)
{
	struct vreq *r = ctx;
	uint64_t old = in->fd, nw = in->newfd;
	struct ofd *f = fd_get(r->p, old);

	if (!f || nw >= VFS_FD_MAX)
		return -XE_EBADF;
	if (old != nw) {
		f->refs++;
		fd_close(r->v, r->p, nw);
		r->p->fds[nw].f = f;
		r->p->fds[nw].cloexec = false;
	}
	out->fd = nw;
	return 0;
}

static int do_getcwd(void *ctx, struct vfs_getcwd_out *out)
{
	struct vreq *r = ctx;
	size_t len;
	int e = path_of(r->v, r->p->root, r->p->cwd, r->out, VFS_PATH_MAX + 1, &len);

	if (e)
		return e;
	out->path = r->out;
	out->path_len = (uint32_t)len;
	return 0;
}

static int do_chdir(void *ctx, const struct vfs_chdir_in *in)
{
	struct vreq *r = ctx;
	char last[VFS_NAME_MAX + 1];
	struct node *dir, *n;
	bool slash;
	int e = resolve(r, in->dirfd, in->path, in->path_len, false, true, &dir, &n, last, &slash);

	if (e)
		return e;
	if (!node_is_dir(n))
		return -XE_ENOTDIR;
	e = perm_check(r->who, n, VACC_X);
	if (e)
		return e;
	n->opens++;
	r->p->cwd->opens--;
	node_put(r->v, r->p->cwd);
	r->p->cwd = n;
	return 0;
}

static int do_getdents(void *ctx, const struct vfs_getdents_in *in, struct vfs_getdents_out *out)
{
	struct vreq *r = ctx;
	struct ofd *f = fd_get(r->p, in->fd);
	uint64_t cookie = in->cookie;
	size_t len = 0, room = VFS_DIRENT_BUF;
	struct node *d;

	if (!f)
		return -XE_EBADF;
	d = f->node;
	if (!node_is_dir(d))
		return -XE_ENOTDIR;
	if (cookie == 0) {
		ram_dirent_put(r->out, &len, d->ino, 1, VS_IFDIR >> 12, ".");
		cookie = 1;
	}
	if (cookie == 1) {
		ram_dirent_put(r->out, &len, (d->parent ? d->parent : d)->ino, 2, VS_IFDIR >> 12, "..");
		cookie = 2;
	}
	if (d->mnt) {
		/* The server's entries: its cookies are ours minus 2 ("." and ".." above). */
		size_t got;
		uint64_t last;
		int e = fsc_readdir(d, cookie - 2, r->out + len, room - len, 2, &got, &last);

		if (e)
			return e;
		len += got;
		if (got)
			cookie = last + 2;
	} else {
		for (size_t i = ram_dir_seek(&d->dir, cookie); i < d->dir.nents; i++) {
			const struct ram_ent *e = &d->dir.ents[i];
			const struct node *n = e->node;
			size_t rec = ram_dirent_len(e->name);

			if (len + rec > room)
				break;
			ram_dirent_put(r->out, &len, n->ino, e->cookie + 1, (uint8_t)((n->mode & VS_IFMT) >> 12), e->name);
			cookie = e->cookie + 1;
		}
	}
	out->entries = r->out;
	out->entries_len = (uint32_t)len;
	out->cookie = len ? cookie : 0; /* 0: the end */
	return 0;
}

static int do_ftruncate(void *ctx, const struct vfs_ftruncate_in *in)
{
	struct vreq *r = ctx;
	struct ofd *f = fd_get(r->p, in->fd);
	int e;

	if (!f)
		return -XE_EBADF;
	if (in->length < 0 || node_is_dir(f->node) || f->node->pipe || f->node->dev ||
	    (f->flags & VO_ACCMODE) == VO_RDONLY)
		return -XE_EINVAL;
	if (f->node->mnt)
		return fsc_truncate(r->v, f->node, (uint64_t)in->length);
	e = file_resize(f->node, (uint64_t)in->length);
	if (!e)
		f->node->mtime = f->node->ctime = vfs_now();
	return e;
}

static bool is_ancestor(struct node *a, struct node *n)
{
	for (; n; n = n->parent)
		if (n == a)
			return true;
	return false;
}

static int do_rename(void *ctx, const struct vfs_rename_in *in)
{
	struct vreq *r = ctx;
	char l1[VFS_NAME_MAX + 1], l2[VFS_NAME_MAX + 1];
	struct node *d1, *n1, *d2, *n2;
	bool s1, s2;
	int e = resolve(r, in->from_dirfd, in->from, in->from_len, true, false, &d1, &n1, l1, &s1);

	if (e)
		return e;
	if (!in->to)
		return -XE_EINVAL;
	e = resolve(r, in->to_dirfd, in->to, in->to_len, true, false, &d2, &n2, l2, &s2);
	if (e == -XE_ENOTDIR && n1 && node_is_dir(n1) && !n2 && d2)
		e = 0;
	if (e)
		return e;
	if (!n1)
		return -XE_ENOENT;
	if (l1[0] == 0 || l2[0] == 0 || !strcmp(l1, ".") || !strcmp(l1, "..") || !strcmp(l2, ".") ||
	    !strcmp(l2, "..") || mnt_point(n1) || (n2 && mnt_point(n2)))
		return -XE_EBUSY;
	if (d1->mnt != d2->mnt)
		return -XE_EXDEV; /* a rename stays within one file system */
	if (n1 == n2)
		return 0;
	/* Both directories change; a directory moving to another parent changes its "..". */
	if ((e = perm_check(r->who, d1, VACC_W | VACC_X)) < 0 || (e = perm_check(r->who, d2, VACC_W | VACC_X)) < 0 ||
	    (node_is_dir(n1) && d1 != d2 && (e = perm_check(r->who, n1, VACC_W)) < 0))
		return e;
	if ((e = perm_sticky(r->who, d1, n1)) < 0 || (n2 && (e = perm_sticky(r->who, d2, n2)) < 0))
		return e;
	if (node_is_dir(n1) && !n1->mnt && is_ancestor(n1, d2))
		return -XE_EINVAL; /* into its own subtree (a mounted file system's server checks) */
	if (!node_is_dir(n1) && s2 && !n2)
		return -XE_ENOTDIR;
	if (n2) {
		if (node_is_dir(n1) && !node_is_dir(n2))
			return -XE_ENOTDIR;
		if (!node_is_dir(n1) && node_is_dir(n2))
			return -XE_EISDIR;
		if (node_is_dir(n2) && !dir_empty(n2))
			return -XE_ENOTEMPTY;
	}
	if (d1->mnt)
		return fsc_rename(d1, l1, d2, l2);
	/* Checked; now change: link the new name first, then drop the old. */
	n1->opens++; /* keep it while it has no name */
	dir_remove(r->v, d1, dir_find(d1, l1));
	if (n2)
		dir_remove(r->v, d2, dir_find(d2, l2));
	e = dir_add(r->v, d2, l2, n1);
	n1->opens--;
	if (e) /* out of memory: the file is lost, say so */
		node_put(r->v, n1);
	return e;
}

static int do_symlink(void *ctx, const struct vfs_symlink_in *in)
{
	struct vreq *r = ctx;
	char last[VFS_NAME_MAX + 1];
	struct node *dir, *n;
	bool slash;
	int e;

	if (!in->target)
		return -XE_EINVAL;
	if (in->target_len == 0)
		return -XE_ENOENT;
	if (in->target_len > VFS_PATH_MAX)
		return -XE_ENAMETOOLONG;
	e = resolve(r, in->dirfd, in->path, in->path_len, true, false, &dir, &n, last, &slash);
	if (e)
		return e;
	if (n)
		return -XE_EEXIST;
	if (last[0] == 0)
		return -XE_EEXIST;
	e = perm_check(r->who, dir, VACC_W | VACC_X);
	if (e)
		return e;
	if (dir->mnt) {
		uint32_t m = VS_IFLNK | 0777, uid, gid;

		owner_for(r->who, dir, &m, &uid, &gid);
		return fsc_symlink(r->v, dir, last, in->target, in->target_len, uid, gid);
	}
	n = node_new(r->v, VS_IFLNK | 0777);
	if (n)
		node_own(n, r->who, dir);
	if (!n || file_resize(n, in->target_len) < 0) {
		if (n)
			node_put(r->v, n);
		return -XE_ENOSPC;
	}
	memcpy(n->data, in->target, in->target_len);
	return dir_add_new(r->v, dir, last, n);
}

static int do_readlink(void *ctx, const struct vfs_readlink_in *in, struct vfs_readlink_out *out)
{
	struct vreq *r = ctx;
	char last[VFS_NAME_MAX + 1];
	struct node *dir, *n;
	bool slash;
	int e = resolve(r, in->dirfd, in->path, in->path_len, false, false, &dir, &n, last, &slash);

	if (e)
		return e;
	if (!is_link(n))
		return -XE_EINVAL;
	if (n->mnt) {
		/* A vnode goes before the reply is sent (mount.c): send a copy. */
		memcpy(r->out, n->data, n->size);
		out->target = r->out;
	} else {
		out->target = n->data;
	}
	out->target_len = (uint32_t)n->size;
	return 0;
}

static int do_link(void *ctx, const struct vfs_link_in *in)
{
	struct vreq *r = ctx;
	char l1[VFS_NAME_MAX + 1], l2[VFS_NAME_MAX + 1];
	struct node *d1, *n1, *d2, *n2;
	bool s1, s2, follow = in->follow != 0; /* linkat AT_SYMLINK_FOLLOW */
	int e = resolve(r, in->from_dirfd, in->from, in->from_len, false, follow, &d1, &n1, l1, &s1);

	if (e)
		return e;
	if (!in->to)
		return -XE_EINVAL;
	if (node_is_dir(n1))
		return -XE_EPERM;
	e = resolve(r, in->to_dirfd, in->to, in->to_len, true, false, &d2, &n2, l2, &s2);
	if (e)
		return e;
	if (n2 || l2[0] == 0)
		return -XE_EEXIST;
	if (n1->mnt != d2->mnt)
		return -XE_EXDEV; /* a hard link stays within one file system */
	e = perm_check(r->who, d2, VACC_W | VACC_X);
	if (e)
		return e;
	if (n1->nlink >= 65000)
		return -XE_EMLINK;
	if (d2->mnt)
		return fsc_link(r->v, n1, d2, l2);
	return dir_add(r->v, d2, l2, n1);
}

/* The node a CHMOD/CHOWN/UTIMENS path names (following a final link if asked). */
static int path_node(struct vreq *r, uint32_t at, const char *path, size_t len, bool follow, struct node **n)
{
	char last[VFS_NAME_MAX + 1];
	struct node *dir;
	bool slash;

	return resolve(r, at, path, len, false, follow, &dir, n, last, &slash);
}

/* Only the owner or root; a group the caller is not in gets no setgid bit. */
static int chmod_node(const struct vcred *who, struct node *n, uint64_t mode)
{
	if (mode & ~(uint64_t)VS_PERM)
		return -XE_EINVAL;
	if (!cred_is_root(who) && !cred_owns(who, n))
		return -XE_EPERM;
	if (!cred_is_root(who) && !cred_in_group(who, n->gid))
		mode &= ~(uint64_t)VS_ISGID;
	n->mode = (n->mode & VS_IFMT) | (uint32_t)mode;
	n->ctime = vfs_now();
	return 0;
}

/* A change chmod_node, chown_node or utimens_node made to a vnode goes to its server. */
static int attr_push(struct vreq *r, struct node *n, unsigned which, int e)
{
	if (e || !n->mnt)
		return e;
	if (mnt_rdonly(n)) {
		fsc_getattr(r->v, n); /* undo what was changed here */
		return -XE_EROFS;
	}
	return fsc_setattr(r->v, n, which);
}

static int do_chmod(void *ctx, const struct vfs_chmod_in *in)
{
	struct vreq *r = ctx;
	struct node *n;
	int e = path_node(r, in->dirfd, in->path, in->path_len, in->follow != 0, &n);

	return e ? e : attr_push(r, n, FSS_MODE, chmod_node(r->who, n, in->mode));
}

static int do_fchmod(void *ctx, const struct vfs_fchmod_in *in)
{
	struct vreq *r = ctx;
	struct ofd *f = fd_get(r->p, in->fd);

	return f ? attr_push(r, f->node, FSS_MODE, chmod_node(r->who, f->node, in->mode)) : -XE_EBADF;
}

/*
 * Root may give a file to anyone; its owner may only change its group, to
 * one of its own groups. A change by anyone else but root takes the setuid
 * bit (and an executable file's setgid bit) off a regular file.
 */
static int chown_node(const struct vcred *who, struct node *n, uint64_t uid, uint64_t gid)
{
	bool root = cred_is_root(who);

	if ((uid != VID_KEEP && uid > UINT32_MAX) || (gid != VID_KEEP && gid > UINT32_MAX))
		return -XE_EINVAL;
	if (!root && uid != VID_KEEP && (uid != n->uid || !cred_owns(who, n)))
		return -XE_EPERM;
	if (!root && gid != VID_KEEP && (!cred_owns(who, n) || (gid != n->gid && !cred_in_group(who, (uint32_t)gid))))
		return -XE_EPERM;
	if (!root && (uid != VID_KEEP || gid != VID_KEEP) && (n->mode & VS_IFMT) == VS_IFREG) {
		n->mode &= ~VS_ISUID;
		if (n->mode & 010)
			n->mode &= ~VS_ISGID;
	}
	if (uid != VID_KEEP)
		n->uid = (uint32_t)uid;
	if (gid != VID_KEEP)
		n->gid = (uint32_t)gid;
	n->ctime = vfs_now();
	return 0;
}

static int do_chown(void *ctx, const struct vfs_chown_in *in)
{
	struct vreq *r = ctx;
	struct node *n;
	int e = path_node(r, in->dirfd, in->path, in->path_len, in->follow != 0, &n);

	return e ? e : attr_push(r, n, FSS_MODE | FSS_UID | FSS_GID, chown_node(r->who, n, in->uid, in->gid));
}

static int do_fchown(void *ctx, const struct vfs_fchown_in *in)
{
	struct vreq *r = ctx;
	struct ofd *f = fd_get(r->p, in->fd);

	return f ? attr_push(r, f->node, FSS_MODE | FSS_UID | FSS_GID, chown_node(r->who, f->node, in->uid, in->gid))
		 : -XE_EBADF;
}

/*
 * Both times "now": the owner, root, or anyone who may write the file. Any
 * other change: the owner or root (EPERM). Both left alone: anyone.
 */
static int utimens_node(const struct vcred *who, struct node *n, uint64_t a, uint64_t m)
{
	uint64_t now = vfs_now();

	if ((a != VUT_NOW && a != VUT_OMIT && a > INT64_MAX) || (m != VUT_NOW && m != VUT_OMIT && m > INT64_MAX))
		return -XE_EINVAL;
	if (a == VUT_OMIT && m == VUT_OMIT)
		return 0;
	if (!cred_is_root(who) && !cred_owns(who, n)) {
		if (a != VUT_NOW || m != VUT_NOW)
			return -XE_EPERM;
		if (perm_check(who, n, VACC_W) < 0)
			return -XE_EACCES;
	}
	if (a != VUT_OMIT)
		n->atime = a == VUT_NOW ? now : a;
	if (m != VUT_OMIT)
		n->mtime = m == VUT_NOW ? now : m;
	n->ctime = now;
	return 0;
}

static int do_utimens(void *ctx, const struct vfs_utimens_in *in)
{
	struct vreq *r = ctx;
	struct node *n;
	int e = path_node(r, in->dirfd, in->path, in->path_len, in->follow != 0, &n);

	return e ? e : attr_push(r, n, FSS_ATIME | FSS_MTIME, utimens_node(r->who, n, in->atime, in->mtime));
}

static int do_futimens(void *ctx, const struct vfs_futimens_in *in)
{
	struct vreq *r = ctx;
	struct ofd *f = fd_get(r->p, in->fd);

	return f ? attr_push(r, f->node, FSS_ATIME | FSS_MTIME, utimens_node(r->who, f->node, in->atime, in->mtime))
		 : -XE_EBADF;
}

static int do_umask(void *ctx, const struct vfs_umask_in *in, struct vfs_umask_out *out)
{
	struct vreq *r = ctx;

	out->old = r->p->umask;
	r->p->umask = (uint32_t)in->mask & 0777;
	return 0;
}

/*
 * access(): with the real ids, the path's directories too; with
 * VACC_EFFECTIVE (AT_EACCESS) with the effective ones.
 */
static int do_access(void *ctx, const struct vfs_access_in *in)
{
	struct vreq *r = ctx;
	uint64_t want = in->want;
	struct vcred as = *r->who;
	struct node *n;
	int e;

	if (want & ~(uint64_t)(VACC_R | VACC_W | VACC_X | VACC_EFFECTIVE))
		return -XE_EINVAL;
	if (!(want & VACC_EFFECTIVE)) {
		as.euid = as.ruid;
		as.egid = as.rgid;
	}
	r->who = &as;
	e = path_node(r, in->dirfd, in->path, in->path_len, true, &n);
	if (!e)
		e = perm_check(&as, n, (unsigned)want & (VACC_R | VACC_W | VACC_X));
	r->who = &r->p->cred;
	return e;
}

static int do_getfl(void *ctx, const struct vfs_getfl_in *in, struct vfs_getfl_out *out)
{
	struct vreq *r = ctx;
	struct ofd *f = fd_get(r->p, in->fd);

	if (!f)
		return -XE_EBADF;
	out->fdflags = r->p->fds[in->fd].cloexec ? VO_CLOEXEC : 0;
	out->flags = f->flags;
	return 0;
}

static int do_setfl(void *ctx, const struct vfs_setfl_in *in)
{
	struct vreq *r = ctx;
	struct ofd *f = fd_get(r->p, in->fd);

	if (!f)
		return -XE_EBADF;
	r->p->fds[in->fd].cloexec = in->fdflags & VO_CLOEXEC;
	f->flags = (f->flags & VO_ACCMODE) | ((unsigned)in->flags & (VO_APPEND | VO_NONBLOCK));
	return 0;
}

/*
 * What mapping a descriptor takes: a shared object (files in /dev/shm), a
 * copy (other regular files: MAP_PRIVATE only), zeros (/dev/zero).
 */
static int do_mmap(void *ctx, const struct vfs_mmap_in *in, struct vfs_mmap_out *out)
{
	struct vreq *r = ctx;
	struct ofd *f = fd_get(r->p, in->fd);
	bool write_shared = in->write_shared != 0;
	unsigned acc;
	struct node *n;
	int e;

	if (!f)
		return -XE_EBADF;
	n = f->node;
	acc = f->flags & VO_ACCMODE;
	if (n->dev == VDEV_ZERO) {
		out->kind = VMAP_ZERO;
		return 0;
	}
	if ((n->mode & VS_IFMT) != VS_IFREG || n->dev != VDEV_NONE)
		return -XE_ENODEV;
	if (acc == VO_WRONLY || (write_shared && acc != VO_RDWR))
		return -XE_EACCES;
	if (n->shm && (e = shm_node_share(n, r->p->space)) < 0)
		return e;
	out->object = n->shm;
	out->size = n->size;
	return 0;
}

/* The device server behind a descriptor, for calls beyond read and write. */
static int do_device(void *ctx, const struct vfs_device_in *in, struct vfs_device_out *out)
{
	struct vreq *r = ctx;
	struct ofd *f = fd_get(r->p, in->fd);

	if (!f)
		return -XE_EBADF;
	if (f->node->dev != VDEV_SERVER)
		return -XE_ENOTTY;
	out->server = f->node->dev_server;
	out->in_handle = f->in_handle;
	out->out_handle = f->out_handle;
	out->rdev = dev_rdev(f->node);
	return 0;
}

/* mkfifo and mknod: FIFOs, regular files, and the devices the VFS serves. */
static int do_mknod(void *ctx, const struct vfs_mknod_in *in)
{
	struct vreq *r = ctx;
	uint32_t mode = (uint32_t)in->mode, type = mode & VS_IFMT;
	char last[VFS_NAME_MAX + 1];
	enum vdev dev = VDEV_NONE;
	struct node *dir, *n;
	bool slash;
	int e;

	if ((in->mode & ~(uint64_t)(VS_IFMT | VS_PERM)))
		return -XE_EINVAL;
	if (type == VS_IFCHR) {
		for (enum vdev d = VDEV_NULL; d < VDEV_SERVER; d++)
			if (rdevs[d] == in->rdev)
				dev = d;
		if (dev == VDEV_NONE)
			return -XE_ENXIO; /* no such device here */
	} else if (type != VS_IFIFO && type != VS_IFREG && type != 0) {
		return type == VS_IFDIR ? -XE_EPERM : -XE_EINVAL;
	}
	e = resolve(r, in->dirfd, in->path, in->path_len, true, false, &dir, &n, last, &slash);
	if (e)
		return e;
	if (n || last[0] == 0)
		return -XE_EEXIST;
	if (slash)
		return -XE_ENOENT;
	e = perm_check(r->who, dir, VACC_W | VACC_X);
	if (e)
		return e;
	if (type == VS_IFCHR && !cred_is_root(r->who))
		return -XE_EPERM; /* devices only by root */
	if (dir->mnt) {
		uint32_t m = (type ? type : VS_IFREG) | (mode & VS_PERM & ~r->p->umask), uid, gid;

		owner_for(r->who, dir, &m, &uid, &gid);
		return fsc_make(r->v, dir, last, m, uid, gid, type == VS_IFCHR ? (uint32_t)in->rdev : 0, &n);
	}
	n = node_new(r->v, (type ? type : VS_IFREG) | (mode & VS_PERM & ~r->p->umask));
	if (!n)
		return -XE_ENOSPC;
	node_own(n, r->who, dir);
	n->dev = dev;
	if (type == VS_IFIFO && !(n->pipe = pipe_new())) {
		node_put(r->v, n);
		return -XE_ENOSPC;
	}
	return dir_add_new(r->v, dir, last, n);
}

/* realpath: the absolute path of what path names, every link followed. */
static int do_realpath(void *ctx, const struct vfs_realpath_in *in, struct vfs_realpath_out *out)
{
	struct vreq *r = ctx;
	char last[VFS_NAME_MAX + 1];
	struct node *dir, *n;
	size_t len;
	bool slash;
	int e = resolve(r, 0, in->path, in->path_len, true, true, &dir, &n, last, &slash);

	if (e)
		return e;
	if (!n)
		return -XE_ENOENT;
	if (node_is_dir(n))
		e = path_of(r->v, r->p->root, n, r->out, VFS_PATH_MAX + 1, &len);
	else
		e = path_of(r->v, r->p->root, dir, r->out, VFS_PATH_MAX + 1, &len);
	if (e)
		return e;
	if (!node_is_dir(n)) {
		size_t l = strlen(last);

		if (len + 1 + l > VFS_PATH_MAX)
			return -XE_ENAMETOOLONG;
		if (len > 1)
			r->out[len++] = '/';
		memcpy(r->out + len, last, l + 1);
		len += l;
	}
	out->path = r->out;
	out->path_len = (uint32_t)len;
	return 0;
}

/* chroot: later absolute paths, and "..", stop at the new root. */
static int do_chroot(void *ctx, const struct vfs_chroot_in *in)
{
	struct vreq *r = ctx;
	struct node *n;
	int e = path_node(r, 0, in->path, in->path_len, true, &n);

	if (e)
		return e;
	if (!node_is_dir(n))
		return -XE_ENOTDIR;
	e = perm_check(r->who, n, VACC_X);
	if (e)
		return e;
	if (!cred_is_root(r->who))
		return -XE_EPERM;
	n->opens++;
	r->p->root->opens--;
	node_put(r->v, r->p->root);
	r->p->root = n;
	return 0;
}

/* The handlers, one an operation of protocols/vfs.def (vfs_serve checks each request's shape first). */
static const struct vfs_handlers handlers = {
	.open = do_open,         .close = do_close,
	.read = do_read,         .write = do_write,
	.pread = do_pread,       .pwrite = do_pwrite,
	.lseek = do_lseek,       .fstat = do_fstat,
	.stat = do_stat,         .mkdir = do_mkdir,
	.rmdir = do_rmdir,       .unlink = do_unlink,
	.dup = do_dup,           .dup2 = do_dup2,
	.getcwd = do_getcwd,     .chdir = do_chdir,
	.getdents = do_getdents, .ftruncate = do_ftruncate,
	.rename = do_rename,     .getfl = do_getfl,
	.setfl = do_setfl,       .pipe = pipe_create,
	.lstat = do_lstat,       .symlink = do_symlink,
	.readlink = do_readlink, .link = do_link,
	.chmod = do_chmod,       .fchmod = do_fchmod,
	.chown = do_chown,       .fchown = do_fchown,
	.utimens = do_utimens,   .futimens = do_futimens,
	.umask = do_umask,       .access = do_access,
	.mmap = do_mmap,         .device = do_device,
	.mknod = do_mknod,       .realpath = do_realpath,
	.chroot = do_chroot,     .poll = do_poll,
	.lock = do_lock,         .flock = do_flock,
	.fork = do_fork,         .exec = do_exec,
	.setcred = do_setcred,
	.mount = do_mount,       .unmount = do_unmount,
	.mounts = do_mounts,
};

exo_err vfs_answer(exo_tid_t client, exo_msg_t *m, unsigned words, unsigned typed, int e)
{
	m->tag = e < 0 ? exo_tag((uint32_t)-e, 0, 0) : exo_tag(0, words, typed);
	return exo_reply(client, m);
}

void vfs_dispatch(struct vreq *r)
{
	if (exo_tag_label(r->m->tag) == EXO_LABEL_CANCEL) {
		/* The client was interrupted in a deferred request: forget it. */
		pipe_cancel(r->v, r->from);
		poll_cancel(r->from);
		lock_cancel(r->v, r->from);
		r->m->tag = exo_tag(0, 0, 0);
		return;
	}
	if (!r->p) {
		r->m->tag = exo_tag(XE_ENOMEM, 0, 0);
		return;
	}
	r->who = &r->p->cred;
	/* Checked as every server checks (exo/proto.h), decoded, handled, answered in r->m. */
	r->deferred = vfs_serve(&handlers, r, r->m, r->from) == EXO_PROTO_HELD; /* answered later */
}
