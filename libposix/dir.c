/*
 * libposix/dir.c — the namespace: mkdir, rmdir, unlink, rename, chdir,
 * fchdir, chroot, realpath, link, symlink, readlink, mknod, mkfifo and their
 * *at forms, getcwd, and directory streams (opendir, fdopendir, readdir, rewinddir,
 * closedir, dirfd) over the VFS's GETDENTS.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <exo/errno.h>
#include <exo/vfs.h>

#include "px.h"

static int path_op(uint32_t op, const char *path, unsigned n, const uint64_t *in)
{
	exo_msg_t m;
	int r;

	if (!path) {
		return px_fail(-XE_EFAULT);
	}
	r = px_vfs_call(op, n, in, path, strlen(path), NULL, NULL, 0, &m, NULL);
	return r < 0 ? px_fail(r) : 0;
}

/*
 * A request with two strings: RENAME, LINK (paths), SYMLINK (path, target).
 * (The C library declares these arguments non-null; no check here.)
 */
static int two_strings(uint32_t op, const char *a, const char *b)
{
	exo_msg_t m;
	int r = px_vfs_call(op, 0, NULL, a, strlen(a), b, NULL, 0, &m, NULL);

	return r < 0 ? px_fail(r) : 0;
}

int mkdirat(int dirfd, const char *path, mode_t mode)
{
	uint64_t in[1] = { (uint64_t)mode & 07777 };

	return path_op(px_at(VFS_MKDIR, dirfd, AT_FDCWD), path, 1, in);
}

int mkdir(const char *path, mode_t mode)
{
	return mkdirat(AT_FDCWD, path, mode);
}

int rmdir(const char *path)
{
	return path_op(VFS_RMDIR, path, 0, NULL);
}

int unlink(const char *path)
{
	return path_op(VFS_UNLINK, path, 0, NULL);
}

int unlinkat(int dirfd, const char *path, int flags)
{
	if (flags & ~AT_REMOVEDIR) {
		return px_fail(-XE_EINVAL);
	}
	return path_op(px_at(flags & AT_REMOVEDIR ? VFS_RMDIR : VFS_UNLINK, dirfd, AT_FDCWD), path, 0, NULL);
}

int symlinkat(const char *target, int dirfd, const char *path)
{
	return two_strings(px_at(VFS_SYMLINK, dirfd, AT_FDCWD), path, target);
}

int symlink(const char *target, const char *path)
{
	return symlinkat(target, AT_FDCWD, path);
}

int linkat(int fd1, const char *from, int fd2, const char *to, int flags)
{
	uint64_t in[1] = { (flags & AT_SYMLINK_FOLLOW) != 0 };
	exo_msg_t m;
	int r;

	if (flags & ~AT_SYMLINK_FOLLOW) {
		return px_fail(-XE_EINVAL);
	}
	r = px_vfs_call(px_at(VFS_LINK, fd1, fd2), 1, in, from, strlen(from), to, NULL, 0, &m, NULL);
	return r < 0 ? px_fail(r) : 0;
}

int link(const char *from, const char *to)
{
	return linkat(AT_FDCWD, from, AT_FDCWD, to, 0);
}

int mknodat(int dirfd, const char *path, mode_t mode, dev_t dev)
{
	uint64_t in[2] = { mode & 07777, ((uint64_t)major(dev) << 8) | (minor(dev) & 0xff) };

	switch (mode & S_IFMT) {
	case 0:
	case S_IFREG: in[0] |= VS_IFREG; break;
	case S_IFIFO: in[0] |= VS_IFIFO; break;
	case S_IFCHR: in[0] |= VS_IFCHR; break;
	case S_IFDIR: in[0] |= VS_IFDIR; break; /* the VFS says EPERM */
	default:
		return px_fail(-XE_EINVAL);
	}
	return path_op(px_at(VFS_MKNOD, dirfd, AT_FDCWD), path, 2, in);
}

int mknod(const char *path, mode_t mode, dev_t dev)
{
	return mknodat(AT_FDCWD, path, mode, dev);
}

int mkfifoat(int dirfd, const char *path, mode_t mode)
{
	return mknodat(dirfd, path, S_IFIFO | (mode & 07777), 0);
}

int mkfifo(const char *path, mode_t mode)
{
	return mkfifoat(AT_FDCWD, path, mode);
}

ssize_t readlink(const char *path, char *buf, size_t size)
{
	return readlinkat(AT_FDCWD, path, buf, size);
}

ssize_t readlinkat(int dirfd, const char *path, char *buf, size_t size)
{
	char target[VFS_PATH_MAX + 1];
	size_t len = 0;
	exo_msg_t m;
	int r;

	if (size == 0) {
		return px_fail(-XE_EINVAL);
	}
	r = px_vfs_call(px_at(VFS_READLINK, dirfd, AT_FDCWD), 0, NULL, path, strlen(path), NULL, target,
			sizeof(target), &m, &len);
	if (r < 0)
		return px_fail(r);
	if (len > size)
		len = size; /* truncated, as POSIX allows */
	memcpy(buf, target, len);
	return (ssize_t)len;
}

int chdir(const char *path)
{
	return path_op(VFS_CHDIR, path, 0, NULL);
}

/* CHDIR to "." from fd; AT_FDCWD is no descriptor here, so negatives are all EBADF. */
int fchdir(int fd)
{
	return path_op(px_at(VFS_CHDIR, fd < 0 ? VFS_FD_MAX : fd, AT_FDCWD), ".", 0, NULL);
}

int chroot(const char *path)
{
	return path_op(VFS_CHROOT, path, 0, NULL);
}

int renameat(int fd1, const char *from, int fd2, const char *to)
{
	return two_strings(px_at(VFS_RENAME, fd1, fd2), from, to);
}

int rename(const char *from, const char *to)
{
	return renameat(AT_FDCWD, from, AT_FDCWD, to);
}

char *realpath(const char *path, char *resolved)
{
	char buf[VFS_PATH_MAX + 1];
	size_t len = 0;
	exo_msg_t m;
	int r;

	if (!path) {
		return px_fail_ptr(-XE_EINVAL);
	}
	r = px_vfs_call(VFS_REALPATH, 0, NULL, path, strlen(path), NULL, buf, sizeof(buf) - 1, &m, &len);
	if (r < 0) {
		px_fail(r);
		return NULL;
	}
	buf[len] = 0;
	if (len >= PATH_MAX) {
		return px_fail_ptr(-XE_ENAMETOOLONG);
	}
	if (!resolved) {
		resolved = malloc(len + 1);
		if (!resolved) {
			return px_fail_ptr(-XE_ENOMEM);
		}
	}
	memcpy(resolved, buf, len + 1);
	return resolved;
}

char *getcwd(char *buf, size_t size)
{
	char path[VFS_PATH_MAX + 1];
	size_t len = 0;
	exo_msg_t m;
	int r = px_vfs_call(VFS_GETCWD, 0, NULL, NULL, 0, NULL, path, sizeof(path) - 1, &m, &len);

	if (r < 0) {
		px_fail(r);
		return NULL;
	}
	path[len] = 0;
	if (!buf) { /* the common extension: allocate it */
		if (size == 0)
			size = len + 1;
		buf = size > len ? malloc(size) : NULL;
		if (!buf) {
			errno = size > len ? ENOMEM : ERANGE;
			return NULL;
		}
	} else if (size == 0) {
		return px_fail_ptr(-XE_EINVAL);
	} else if (size <= len) {
		return px_fail_ptr(-XE_ERANGE);
	}
	memcpy(buf, path, len + 1);
	return buf;
}

/* A directory stream: the C library's DIR is opaque, so it is ours here. */
struct __dirstream {
	int fd;
	uint64_t cookie;         /* of the next batch */
	int end;
	size_t len, pos;
	struct dirent ent;
	char buf[VFS_DIRENT_BUF];
};

DIR *fdopendir(int fd)
{
	struct stat st;
	DIR *d;

	if (fstat(fd, &st) < 0)
		return NULL;
	if (!S_ISDIR(st.st_mode)) {
		return px_fail_ptr(-XE_ENOTDIR);
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		return px_fail_ptr(-XE_ENOMEM);
	}
	d->fd = fd;
	return d;
}

DIR *opendir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), saved;
	DIR *d;

	if (fd < 0)
		return NULL;
	d = fdopendir(fd);
	if (!d) {
		saved = errno;
		close(fd);
		errno = saved;
	}
	return d;
}

static struct dirent *px_readdir(DIR *d)
{
	const struct vfs_dirent *e;
	size_t n;

	while (d->pos >= d->len) {
		uint64_t in[2] = { (uint64_t)d->fd, d->cookie };
		exo_msg_t m;
		int r;

		if (d->end)
			return NULL; /* the end: errno unchanged */
		r = px_vfs_call(VFS_GETDENTS, 2, in, NULL, 0, NULL, d->buf, sizeof(d->buf), &m, &d->len);
		if (r < 0) {
			px_fail(r);
			return NULL;
		}
		d->pos = 0;
		d->cookie = m.mr[0];
		d->end = m.mr[0] == 0;
		if (d->len == 0)
			return NULL;
	}
	e = (const struct vfs_dirent *)(const void *)(d->buf + d->pos);
	if (e->reclen < sizeof(*e) || d->pos + e->reclen > d->len) {
		d->pos = d->len = 0;
		d->end = 1;
		return px_fail_ptr(-XE_EIO);
	}
	d->pos += e->reclen;
	memset(&d->ent, 0, sizeof(d->ent));
	d->ent.d_ino = e->ino;
	d->ent.d_off = (off_t)e->next;
	d->ent.d_reclen = sizeof(d->ent);
	switch ((unsigned)e->type << 12) {
	case VS_IFDIR: d->ent.d_type = DT_DIR; break;
	case VS_IFCHR: d->ent.d_type = DT_CHR; break;
	case VS_IFIFO: d->ent.d_type = DT_FIFO; break;
	case VS_IFLNK: d->ent.d_type = DT_LNK; break;
	default: d->ent.d_type = DT_REG; break;
	}
	n = strnlen(e->name, sizeof(d->ent.d_name) - 1);
	memcpy(d->ent.d_name, e->name, n);
	return &d->ent;
}

struct dirent *px_readdir_a(DIR *d) __asm__("readdir");
struct dirent *px_readdir_b(DIR *d) __asm__("readdir64");

struct dirent *px_readdir_a(DIR *d) { return px_readdir(d); }
struct dirent *px_readdir_b(DIR *d) { return px_readdir(d); }

void rewinddir(DIR *d)
{
	d->cookie = 0;
	d->end = 0;
	d->len = d->pos = 0;
}

int closedir(DIR *d)
{
	int r = close(d->fd);

	free(d);
	return r;
}

int dirfd(DIR *d)
{
	return d->fd;
}

/* A terminal: the console (a character device with the console's number). */
static int is_terminal(int fd)
{
	uint64_t in[1] = { (uint64_t)fd };
	exo_msg_t m;
	int r = px_vfs_call(VFS_FSTAT, 1, in, NULL, 0, NULL, NULL, 0, &m, NULL);

	if (r < 0)
		return px_fail(r);
	if ((m.mr[VST_MODE] & VS_IFMT) != VS_IFCHR || m.mr[VST_RDEV] != VDEV_CONSOLE_RDEV) {
		errno = ENOTTY;
		return 0;
	}
	return 1;
}

int isatty(int fd)
{
	return is_terminal(fd) > 0;
}

char *ttyname(int fd)
{
	static char name[] = "/dev/console";

	return is_terminal(fd) > 0 ? name : NULL;
}

int ttyname_r(int fd, char *buf, size_t size)
{
	int t = is_terminal(fd);

	if (t <= 0)
		return errno;
	if (size < sizeof("/dev/console"))
		return ERANGE;
	memcpy(buf, "/dev/console", sizeof("/dev/console"));
	return 0;
}
