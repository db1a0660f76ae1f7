/*
 * servers/vfs/ops.c — the VFS operations (exo/vfs.h), one handler each,
 * dispatched by table; per-space descriptor tables.
 *
 * Each handler checks the whole request, then changes state, then fills the
 * reply registers; it returns the number of reply words or -XE_*. Data going
 * back is r->out_ptr / r->out_len, sent as one string item.
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

static void stat_words(const struct node *n, uint64_t *w)
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

static int resolve(struct vreq *r, const char *path, size_t len, bool parent, bool follow,
		   struct node **dir, struct node **node, char *last, bool *slash)
{
	uint32_t at = path == r->path2 ? r->at2 : r->at1;
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

static int do_open(struct vreq *r)
{
	unsigned flags = (unsigned)r->m->mr[0], acc = flags & VO_ACCMODE;
	uint32_t mode = (uint32_t)r->m->mr[1] & VS_PERM;
	char last[VFS_NAME_MAX + 1];
	struct node *dir, *n;
	struct ofd *f;
	bool slash;
	int fd, e;

	if ((flags & ~VO_KNOWN) || acc == 3)
		return -XE_EINVAL;
	/* O_CREAT|O_EXCL never follows a final link (it exists: EEXIST). */
	e = resolve(r, r->path, r->path_len, true,
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
	r->m->mr[0] = (uint64_t)fd;
	if (n->pipe)
		return fifo_open(r, f, fd);
	return 1;
}

static int do_close(struct vreq *r)
{
	return fd_close(r->v, r->p, r->m->mr[0]);
}

/* Read up to count bytes at off into the reply; returns the count. */
static int read_at(struct vreq *r, struct ofd *f, uint64_t count, uint64_t off)
{
	struct node *n = f->node;

	static const uint8_t zeros[EXO_STRING_MAX];

	if ((f->flags & VO_ACCMODE) == VO_WRONLY)
		return -XE_EBADF;
	if (node_is_dir(n))
		return -XE_EISDIR;
	if (n->pipe)
		return pipe_read(r, f, count);
	if (count > EXO_STRING_MAX)
		count = EXO_STRING_MAX;
	switch (n->dev) {
	case VDEV_NONE:
		break;
	case VDEV_NULL:
		r->m->mr[0] = 0;
		return 1;
	case VDEV_ZERO:
	case VDEV_FULL:
		r->out_ptr = zeros;
		r->out_len = count;
		r->m->mr[0] = count;
		return 1;
	case VDEV_RANDOM:
	case VDEV_URANDOM:
		random_fill((uint8_t *)r->out, count < VFS_DIRENT_BUF ? count : VFS_DIRENT_BUF);
		r->out_ptr = r->out;
		r->out_len = count < VFS_DIRENT_BUF ? count : VFS_DIRENT_BUF;
		r->m->mr[0] = r->out_len;
		return 1;
	case VDEV_SERVER:
		r->redirect = true;
		r->m->mr[0] = n->dev_server;
		r->m->mr[1] = f->in_handle;
		r->m->mr[2] = (f->flags & VO_NONBLOCK) ? DEV_RD_NONBLOCK : 0;
		return 3;
	}
	if (n->mnt) {
		const void *data;
		uint64_t got;
		int e = fsc_read(n, off, count, &data, &got);

		if (e)
			return e;
		r->out_ptr = data;
		r->out_len = got;
		r->m->mr[0] = got;
		return 1;
	}
	if (off >= n->size)
		count = 0;
	else if (count > n->size - off)
		count = n->size - off;
	r->out_ptr = n->data + off;
	r->out_len = count;
	r->m->mr[0] = count;
	return 1;
}

static int write_at(struct vreq *r, struct ofd *f, uint64_t off, bool append)
{
	struct node *n = f->node;
	uint64_t len = r->data ? r->data_len : 0;
	int e;

	if ((f->flags & VO_ACCMODE) == VO_RDONLY)
		return -XE_EBADF;
	if (node_is_dir(n))
		return -XE_EISDIR;
	if (n->pipe)
		return pipe_write(r, f);
	switch (n->dev) {
	case VDEV_NONE:
		break;
	case VDEV_NULL:
	case VDEV_ZERO:
	case VDEV_RANDOM:
	case VDEV_URANDOM:
		r->m->mr[0] = len; /* writes to the random devices are taken and dropped */
		return 1;
	case VDEV_FULL:
		return -XE_ENOSPC;
	case VDEV_SERVER:
		r->redirect = true;
		r->m->mr[0] = n->dev_server;
		r->m->mr[1] = f->out_handle;
		r->m->mr[2] = 0; /* the REDIRECT reply's rdflags: a read's only */
		return 3;
	}
	if (n->mnt) {
		uint64_t done;

		if ((e = fsc_write(n, off, append, r->data, len, &done)) < 0)
			return e;
		r->m->mr[0] = done;
		return 1;
	}
	if (append)
		off = n->size; /* atomic: the server does one request at a time */
	if (off + len < off)
		return -XE_EFBIG;
	if (off + len > n->size && (e = file_resize(n, off + len)) < 0)
		return e;
	if (len)
		memcpy(n->data + off, r->data, len);
	n->mtime = n->ctime = vfs_now();
	r->m->mr[0] = len;
	return 1;
}

static int do_read(struct vreq *r)
{
	struct ofd *f = fd_get(r->p, r->m->mr[0]);
	int e;

	if (!f)
		return -XE_EBADF;
	e = read_at(r, f, r->m->mr[1], f->offset);
	if (e > 0 && !r->redirect && !f->node->pipe)
		f->offset += r->out_len;
	return e;
}

static int do_write(struct vreq *r)
{
	struct ofd *f = fd_get(r->p, r->m->mr[0]);
	uint64_t off;
	int e;

	if (!f)
		return -XE_EBADF;
	off = f->offset;
	e = write_at(r, f, off, f->flags & VO_APPEND);
	if (e > 0 && !r->redirect && f->node->dev == VDEV_NONE && !f->node->pipe)
		f->offset = (f->flags & VO_APPEND ? f->node->size : off + r->m->mr[0]);
	return e;
}

static int do_pread(struct vreq *r)
{
	struct ofd *f = fd_get(r->p, r->m->mr[0]);

	if (!f)
		return -XE_EBADF;
	if (f->node->dev == VDEV_SERVER || f->node->pipe)
		return -XE_ESPIPE;
	if ((int64_t)r->m->mr[2] < 0)
		return -XE_EINVAL;
	return read_at(r, f, r->m->mr[1], r->m->mr[2]);
}

static int do_pwrite(struct vreq *r)
{
	struct ofd *f = fd_get(r->p, r->m->mr[0]);

	if (!f)
		return -XE_EBADF;
	if (f->node->dev == VDEV_SERVER || f->node->pipe)
		return -XE_ESPIPE;
	if ((int64_t)r->m->mr[1] < 0)
		return -XE_EINVAL;
	return write_at(r, f, r->m->mr[1], false);
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

static int do_lseek(struct vreq *r)
{
	struct ofd *f = fd_get(r->p, r->m->mr[0]);
	int64_t pos;
	int e;

	if (!f)
		return -XE_EBADF;
	if (f->node->dev == VDEV_SERVER || f->node->pipe)
		return -XE_ESPIPE; /* terminals and pipes do not seek */
	if (f->node->mnt && r->m->mr[2] == VSEEK_END && (e = fsc_getattr(r->v, f->node)) < 0)
		return e;
	e = fd_position(f, r->m->mr[2], (int64_t)r->m->mr[1], &pos);
	if (e)
		return e;
	f->offset = (uint64_t)pos;
	r->m->mr[0] = f->offset;
	return 1;
}

static int do_fstat(struct vreq *r)
{
	struct ofd *f = fd_get(r->p, r->m->mr[0]);

	if (!f)
		return -XE_EBADF;
	if (f->node->mnt) {
		int e = fsc_getattr(r->v, f->node);

		if (e)
			return e;
	}
	stat_words(f->node, r->m->mr);
	return VST_WORDS;
}

static int stat_path(struct vreq *r, bool follow)
{
	char last[VFS_NAME_MAX + 1];
	struct node *dir, *n;
	bool slash;
	int e = resolve(r, r->path, r->path_len, false, follow, &dir, &n, last, &slash);

	if (e)
		return e;
	stat_words(n, r->m->mr);
	return VST_WORDS;
}

static int do_stat(struct vreq *r)
{
	return stat_path(r, true);
}

static int do_lstat(struct vreq *r)
{
	return stat_path(r, false);
}

/* Enter a node just made into dir; if that fails the node goes again. */
static int dir_add_new(struct vfs *v, struct node *dir, const char *name, struct node *n)
{
	int e = dir_add(v, dir, name, n);

	if (e)
		node_put(v, n);
	return e;
}

static int do_mkdir(struct vreq *r)
{
	char last[VFS_NAME_MAX + 1];
	struct node *dir, *n;
	bool slash;
	int e = resolve(r, r->path, r->path_len, true, false, &dir, &n, last, &slash);

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
		uint32_t m = VS_IFDIR | ((uint32_t)r->m->mr[0] & VS_PERM & ~r->p->umask), uid, gid;

		owner_for(r->who, dir, &m, &uid, &gid);
		return fsc_make(r->v, dir, last, m, uid, gid, 0, &n);
	}
	n = node_new(r->v, VS_IFDIR | ((uint32_t)r->m->mr[0] & VS_PERM & ~r->p->umask));
	if (!n)
		return -XE_ENOSPC;
	node_own(n, r->who, dir);
	return dir_add_new(r->v, dir, last, n);
}

static int do_rmdir(struct vreq *r)
{
	char last[VFS_NAME_MAX + 1];
	struct node *dir, *n;
	bool slash;
	int e = resolve(r, r->path, r->path_len, true, false, &dir, &n, last, &slash);

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

static int do_unlink(struct vreq *r)
{
	char last[VFS_NAME_MAX + 1];
	struct node *dir, *n;
	bool slash;
	int e = resolve(r, r->path, r->path_len, true, false, &dir, &n, last, &slash);

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

static int do_dup(struct vreq *r)
{
	struct ofd *f = fd_get(r->p, r->m->mr[0]);
	int fd;

	if (!f)
		return -XE_EBADF;
	if (r->m->mr[1] >= VFS_FD_MAX)
		return -XE_EINVAL;
	fd = fd_alloc(r->p, r->m->mr[1]);
	if (fd < 0)
		return fd;
	f->refs++;
	r->p->fds[fd].f = f;
	r->p->fds[fd].cloexec = r->m->mr[2] != 0;
	r->m->mr[0] = (uint64_t)fd;
	return 1;
}

static int do_dup2(struct vreq *r)
{
	uint64_t old = r->m->mr[0], nw = r->m->mr[1];
	struct ofd *f = fd_get(r->p, old);

	if (!f || nw >= VFS_FD_MAX)
		return -XE_EBADF;
	if (old != nw) {
		f->refs++;
		fd_close(r->v, r->p, nw);
		r->p->fds[nw].f = f;
		r->p->fds[nw].cloexec = false;
	}
	r->m->mr[0] = nw;
	return 1;
}

static int do_getcwd(struct vreq *r)
{
	size_t len;
	int e = path_of(r->v, r->p->root, r->p->cwd, r->out, VFS_PATH_MAX + 1, &len);

	if (e)
		return e;
	r->out_ptr = r->out;
	r->out_len = len;
	return 0;
}

static int do_chdir(struct vreq *r)
{
	char last[VFS_NAME_MAX + 1];
	struct node *dir, *n;
	bool slash;
	int e = resolve(r, r->path, r->path_len, false, true, &dir, &n, last, &slash);

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

static int do_getdents(struct vreq *r)
{
	struct ofd *f = fd_get(r->p, r->m->mr[0]);
	uint64_t cookie = r->m->mr[1];
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
	r->out_ptr = r->out;
	r->out_len = len;
	r->m->mr[0] = len ? cookie : 0; /* 0: the end */
	return 1;
}

static int do_ftruncate(struct vreq *r)
{
	struct ofd *f = fd_get(r->p, r->m->mr[0]);
	int e;

	if (!f)
		return -XE_EBADF;
	if ((int64_t)r->m->mr[1] < 0 || node_is_dir(f->node) || f->node->pipe || f->node->dev ||
	    (f->flags & VO_ACCMODE) == VO_RDONLY)
		return -XE_EINVAL;
	if (f->node->mnt)
		return fsc_truncate(r->v, f->node, r->m->mr[1]);
	e = file_resize(f->node, r->m->mr[1]);
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

static int do_rename(struct vreq *r)
{
	char l1[VFS_NAME_MAX + 1], l2[VFS_NAME_MAX + 1];
	struct node *d1, *n1, *d2, *n2;
	bool s1, s2;
	int e = resolve(r, r->path, r->path_len, true, false, &d1, &n1, l1, &s1);

	if (e)
		return e;
	if (!r->path2)
		return -XE_EINVAL;
	e = resolve(r, r->path2, r->path2_len, true, false, &d2, &n2, l2, &s2);
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

static int do_symlink(struct vreq *r)
{
	char last[VFS_NAME_MAX + 1];
	struct node *dir, *n;
	bool slash;
	int e;

	if (!r->path2)
		return -XE_EINVAL;
	if (r->path2_len == 0)
		return -XE_ENOENT;
	if (r->path2_len > VFS_PATH_MAX)
		return -XE_ENAMETOOLONG;
	e = resolve(r, r->path, r->path_len, true, false, &dir, &n, last, &slash);
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
		return fsc_symlink(r->v, dir, last, r->path2, r->path2_len, uid, gid);
	}
	n = node_new(r->v, VS_IFLNK | 0777);
	if (n)
		node_own(n, r->who, dir);
	if (!n || file_resize(n, r->path2_len) < 0) {
		if (n)
			node_put(r->v, n);
		return -XE_ENOSPC;
	}
	memcpy(n->data, r->path2, r->path2_len);
	return dir_add_new(r->v, dir, last, n);
}

static int do_readlink(struct vreq *r)
{
	char last[VFS_NAME_MAX + 1];
	struct node *dir, *n;
	bool slash;
	int e = resolve(r, r->path, r->path_len, false, false, &dir, &n, last, &slash);

	if (e)
		return e;
	if (!is_link(n))
		return -XE_EINVAL;
	if (n->mnt) {
		/* A vnode goes before the reply is sent (mount.c): send a copy. */
		memcpy(r->out, n->data, n->size);
		r->out_ptr = r->out;
	} else {
		r->out_ptr = n->data;
	}
	r->out_len = n->size;
	return 0;
}

static int do_link(struct vreq *r)
{
	char l1[VFS_NAME_MAX + 1], l2[VFS_NAME_MAX + 1];
	struct node *d1, *n1, *d2, *n2;
	bool s1, s2, follow = r->m->mr[0] != 0; /* linkat AT_SYMLINK_FOLLOW */
	int e = resolve(r, r->path, r->path_len, false, follow, &d1, &n1, l1, &s1);

	if (e)
		return e;
	if (!r->path2)
		return -XE_EINVAL;
	if (node_is_dir(n1))
		return -XE_EPERM;
	e = resolve(r, r->path2, r->path2_len, true, false, &d2, &n2, l2, &s2);
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
static int path_node(struct vreq *r, bool follow, struct node **n)
{
	char last[VFS_NAME_MAX + 1];
	struct node *dir;
	bool slash;

	return resolve(r, r->path, r->path_len, false, follow, &dir, n, last, &slash);
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

static int do_chmod(struct vreq *r)
{
	struct node *n;
	int e = path_node(r, r->m->mr[1] != 0, &n);

	return e ? e : attr_push(r, n, FSS_MODE, chmod_node(r->who, n, r->m->mr[0]));
}

static int do_fchmod(struct vreq *r)
{
	struct ofd *f = fd_get(r->p, r->m->mr[0]);

	return f ? attr_push(r, f->node, FSS_MODE, chmod_node(r->who, f->node, r->m->mr[1])) : -XE_EBADF;
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

static int do_chown(struct vreq *r)
{
	struct node *n;
	int e = path_node(r, r->m->mr[2] != 0, &n);

	return e ? e
		 : attr_push(r, n, FSS_MODE | FSS_UID | FSS_GID, chown_node(r->who, n, r->m->mr[0], r->m->mr[1]));
}

static int do_fchown(struct vreq *r)
{
	struct ofd *f = fd_get(r->p, r->m->mr[0]);

	return f ? attr_push(r, f->node, FSS_MODE | FSS_UID | FSS_GID,
			     chown_node(r->who, f->node, r->m->mr[1], r->m->mr[2]))
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

static int do_utimens(struct vreq *r)
{
	struct node *n;
	int e = path_node(r, r->m->mr[2] != 0, &n);

	return e ? e : attr_push(r, n, FSS_ATIME | FSS_MTIME, utimens_node(r->who, n, r->m->mr[0], r->m->mr[1]));
}

static int do_futimens(struct vreq *r)
{
	struct ofd *f = fd_get(r->p, r->m->mr[0]);

	return f ? attr_push(r, f->node, FSS_ATIME | FSS_MTIME, utimens_node(r->who, f->node, r->m->mr[1], r->m->mr[2]))
		 : -XE_EBADF;
}

static int do_umask(struct vreq *r)
{
	uint32_t old = r->p->umask;

	r->p->umask = (uint32_t)r->m->mr[0] & 0777;
	r->m->mr[0] = old;
	return 1;
}

/*
 * access(): with the real ids, the path's directories too; with
 * VACC_EFFECTIVE (AT_EACCESS) with the effective ones.
 */
static int do_access(struct vreq *r)
{
	uint64_t want = r->m->mr[0];
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
	e = path_node(r, true, &n);
	if (!e)
		e = perm_check(&as, n, (unsigned)want & (VACC_R | VACC_W | VACC_X));
	r->who = &r->p->cred;
	return e;
}

static int do_getfl(struct vreq *r)
{
	struct ofd *f = fd_get(r->p, r->m->mr[0]);

	if (!f)
		return -XE_EBADF;
	r->m->mr[0] = r->p->fds[r->m->mr[0]].cloexec ? VO_CLOEXEC : 0;
	r->m->mr[1] = f->flags;
	return 2;
}

static int do_setfl(struct vreq *r)
{
	struct ofd *f = fd_get(r->p, r->m->mr[0]);

	if (!f)
		return -XE_EBADF;
	r->p->fds[r->m->mr[0]].cloexec = r->m->mr[1] & VO_CLOEXEC;
	f->flags = (f->flags & VO_ACCMODE) | ((unsigned)r->m->mr[2] & (VO_APPEND | VO_NONBLOCK));
	return 0;
}

/*
 * What mapping a descriptor takes: a shared object (files in /dev/shm), a
 * copy (other regular files: MAP_PRIVATE only), zeros (/dev/zero).
 */
static int do_mmap(struct vreq *r)
{
	struct ofd *f = fd_get(r->p, r->m->mr[0]);
	bool write_shared = r->m->mr[1] != 0;
	unsigned acc;
	struct node *n;
	int e;

	if (!f)
		return -XE_EBADF;
	n = f->node;
	acc = f->flags & VO_ACCMODE;
	r->m->mr[0] = r->m->mr[1] = r->m->mr[2] = 0;
	if (n->dev == VDEV_ZERO) {
		r->m->mr[2] = VMAP_ZERO;
		return 3;
	}
	if ((n->mode & VS_IFMT) != VS_IFREG || n->dev != VDEV_NONE)
		return -XE_ENODEV;
	if (acc == VO_WRONLY || (write_shared && acc != VO_RDWR))
		return -XE_EACCES;
	if (n->shm && (e = shm_node_share(n, r->p->space)) < 0)
		return e;
	r->m->mr[0] = n->shm;
	r->m->mr[1] = n->size;
	return 3;
}

/* The device server behind a descriptor, for calls beyond read and write. */
static int do_device(struct vreq *r)
{
	struct ofd *f = fd_get(r->p, r->m->mr[0]);

	if (!f)
		return -XE_EBADF;
	if (f->node->dev != VDEV_SERVER)
		return -XE_ENOTTY;
	r->m->mr[0] = f->node->dev_server;
	r->m->mr[1] = f->in_handle;
	r->m->mr[2] = f->out_handle;
	r->m->mr[3] = dev_rdev(f->node);
	return 4;
}

/* mkfifo and mknod: FIFOs, regular files, and the devices the VFS serves. */
static int do_mknod(struct vreq *r)
{
	uint32_t mode = (uint32_t)r->m->mr[0], type = mode & VS_IFMT;
	char last[VFS_NAME_MAX + 1];
	enum vdev dev = VDEV_NONE;
	struct node *dir, *n;
	bool slash;
	int e;

	if ((r->m->mr[0] & ~(uint64_t)(VS_IFMT | VS_PERM)))
		return -XE_EINVAL;
	if (type == VS_IFCHR) {
		for (enum vdev d = VDEV_NULL; d < VDEV_SERVER; d++)
			if (rdevs[d] == r->m->mr[1])
				dev = d;
		if (dev == VDEV_NONE)
			return -XE_ENXIO; /* no such device here */
	} else if (type != VS_IFIFO && type != VS_IFREG && type != 0) {
		return type == VS_IFDIR ? -XE_EPERM : -XE_EINVAL;
	}
	e = resolve(r, r->path, r->path_len, true, false, &dir, &n, last, &slash);
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
		return fsc_make(r->v, dir, last, m, uid, gid, type == VS_IFCHR ? (uint32_t)r->m->mr[1] : 0, &n);
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
static int do_realpath(struct vreq *r)
{
	char last[VFS_NAME_MAX + 1];
	struct node *dir, *n;
	size_t len;
	bool slash;
	int e = resolve(r, r->path, r->path_len, true, true, &dir, &n, last, &slash);

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
	r->out_ptr = r->out;
	r->out_len = len;
	return 0;
}

/* chroot: later absolute paths, and "..", stop at the new root. */
static int do_chroot(struct vreq *r)
{
	struct node *n;
	int e = path_node(r, true, &n);

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

/* The handlers; each request's shape is checked against protocols/vfs.def first. */
static int (*const ops[VFS_OP_COUNT])(struct vreq *r) = {
	[VFS_OPEN] = do_open,         [VFS_CLOSE] = do_close,
	[VFS_READ] = do_read,         [VFS_WRITE] = do_write,
	[VFS_PREAD] = do_pread,       [VFS_PWRITE] = do_pwrite,
	[VFS_LSEEK] = do_lseek,       [VFS_FSTAT] = do_fstat,
	[VFS_STAT] = do_stat,         [VFS_MKDIR] = do_mkdir,
	[VFS_RMDIR] = do_rmdir,       [VFS_UNLINK] = do_unlink,
	[VFS_DUP] = do_dup,           [VFS_DUP2] = do_dup2,
	[VFS_GETCWD] = do_getcwd,     [VFS_CHDIR] = do_chdir,
	[VFS_GETDENTS] = do_getdents, [VFS_FTRUNCATE] = do_ftruncate,
	[VFS_RENAME] = do_rename,     [VFS_GETFL] = do_getfl,
	[VFS_SETFL] = do_setfl,       [VFS_PIPE] = pipe_create,
	[VFS_LSTAT] = do_lstat,       [VFS_SYMLINK] = do_symlink,
	[VFS_READLINK] = do_readlink, [VFS_LINK] = do_link,
	[VFS_CHMOD] = do_chmod,       [VFS_FCHMOD] = do_fchmod,
	[VFS_CHOWN] = do_chown,       [VFS_FCHOWN] = do_fchown,
	[VFS_UTIMENS] = do_utimens,   [VFS_FUTIMENS] = do_futimens,
	[VFS_UMASK] = do_umask,       [VFS_ACCESS] = do_access,
	[VFS_MMAP] = do_mmap,         [VFS_DEVICE] = do_device,
	[VFS_MKNOD] = do_mknod,       [VFS_REALPATH] = do_realpath,
	[VFS_CHROOT] = do_chroot,     [VFS_POLL] = do_poll,
	[VFS_LOCK] = do_lock,         [VFS_FLOCK] = do_flock,
	[VFS_FORK] = do_fork,         [VFS_EXEC] = do_exec,
	[VFS_SETCRED] = do_setcred,
	[VFS_MOUNT] = do_mount,       [VFS_UNMOUNT] = do_unmount,
	[VFS_MOUNTS] = do_mounts,
};

exo_err vfs_answer(exo_tid_t client, uint64_t word, const void *data, uint64_t len, uint32_t err)
{
	exo_msg_t m = { 0 };

	m.mr[0] = word;
	if (err)
		m.tag = exo_tag(err, 0, 0);
	else if (data) {
		exo_msg_put_string(&m, 1, data, (uint32_t)len);
		m.tag = exo_tag(0, 1, 2);
	} else {
		m.tag = exo_tag(0, 1, 0);
	}
	return exo_reply(client, &m);
}

void vfs_dispatch(struct vreq *r)
{
	uint32_t full = exo_tag_label(r->m->tag), label = full & VFS_OP_MASK;
	int res;

	r->at1 = (full >> VFS_AT_SHIFT1) & VFS_AT_MASK;
	r->at2 = (full >> VFS_AT_SHIFT2) & VFS_AT_MASK;
	r->out_len = 0;
	r->out_ptr = NULL;
	if (full == EXO_LABEL_CANCEL) {
		/* The client was interrupted in a deferred request: forget it. */
		pipe_cancel(r->v, r->from);
		poll_cancel(r->from);
		lock_cancel(r->v, r->from);
		r->m->tag = exo_tag(0, 0, 0);
		return;
	}
	/* The shape declared in protocols/vfs.def, checked as every server checks it (exo/proto.h). */
	if ((res = exo_proto_check(&vfs_proto, r->m, r->from)) < 0 || !ops[label]) {
		res = res < 0 ? res : -XE_ENOSYS;
	} else if (!r->p) {
		res = -XE_ENOMEM;
	} else {
		r->who = &r->p->cred;
		res = ops[label](r);
	}
	if (res < 0) {
		r->m->tag = exo_tag((uint32_t)-res, 0, 0);
		return;
	}
	if (r->redirect) {
		r->m->tag = exo_tag(VFS_REDIRECT, (unsigned)res, 0);
		return;
	}
	if (r->deferred)
		return; /* answered later (pipe.c) */
	if (r->out_ptr) {
		exo_msg_put_string(r->m, (unsigned)res, r->out_ptr, (uint32_t)r->out_len);
		r->m->tag = exo_tag(0, (unsigned)res, 2);
	} else {
		r->m->tag = exo_tag(0, (unsigned)res, 0);
	}
}
