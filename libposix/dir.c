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
#include "vfs_proto.h"

#include "px.h"

/* A string field's pointer and length (the C library declares most of these non-null). */
#define STR(f, s) .f = (s), .f##_len = (uint32_t)strlen(s)

/* No path: EFAULT (the C library's headers say non-null; a caller may not listen). */
static int no_path(const char *path)
{
	return !path;
}

/* A stub's result as a POSIX call's: 0, or -1 with errno. */
static int done(int r)
{
	return r < 0 ? px_fail(r) : 0;
}

int mkdirat(int dirfd, const char *path, mode_t mode)
{
	if (no_path(path))
		return px_fail(-XE_EFAULT);
	return done(vfs_call_mkdir(px_vfs, &(struct vfs_mkdir_in){ .mode = (uint64_t)mode & 07777,
						.dirfd = px_atfd(dirfd), STR(path, path) }));
}

int mkdir(const char *path, mode_t mode)
{
	return mkdirat(AT_FDCWD, path, mode);
}

int rmdir(const char *path)
{
	return unlinkat(AT_FDCWD, path, AT_REMOVEDIR);
}

int unlink(const char *path)
{
	return unlinkat(AT_FDCWD, path, 0);
}

int unlinkat(int dirfd, const char *path, int flags)
{
	if (flags & ~AT_REMOVEDIR) {
		return px_fail(-XE_EINVAL);
	}
	if (no_path(path))
		return px_fail(-XE_EFAULT);
	if (flags & AT_REMOVEDIR)
		return done(vfs_call_rmdir(px_vfs, &(struct vfs_rmdir_in){ .dirfd = px_atfd(dirfd), STR(path, path) }));
	return done(vfs_call_unlink(px_vfs, &(struct vfs_unlink_in){ .dirfd = px_atfd(dirfd), STR(path, path) }));
}

int symlinkat(const char *target, int dirfd, const char *path)
{
	return done(vfs_call_symlink(px_vfs, &(struct vfs_symlink_in){ .dirfd = px_atfd(dirfd), STR(path, path),
								     STR(target, target) }));
}

int symlink(const char *target, const char *path)
{
	return symlinkat(target, AT_FDCWD, path);
}

int linkat(int fd1, const char *from, int fd2, const char *to, int flags)
{
	struct vfs_link_in in = { .follow = (flags & AT_SYMLINK_FOLLOW) != 0, .from_dirfd = px_atfd(fd1),
				  .to_dirfd = px_atfd(fd2), STR(from, from), STR(to, to) };

	if (flags & ~AT_SYMLINK_FOLLOW) {
		return px_fail(-XE_EINVAL);
	}
	return done(vfs_call_link(px_vfs, &in));
}

int link(const char *from, const char *to)
{
	return linkat(AT_FDCWD, from, AT_FDCWD, to, 0);
}

int mknodat(int dirfd, const char *path, mode_t mode, dev_t dev)
{
	struct vfs_mknod_in in = { .mode = mode & 07777, .rdev = ((uint64_t)major(dev) << 8) | (minor(dev) & 0xff),
				   .dirfd = px_atfd(dirfd) };

	switch (mode & S_IFMT) {
	case 0:
	case S_IFREG: in.mode |= VS_IFREG; break;
	case S_IFIFO: in.mode |= VS_IFIFO; break;
	case S_IFCHR: in.mode |= VS_IFCHR; break;
	case S_IFDIR: in.mode |= VS_IFDIR; break; /* the VFS says EPERM */
	default:
		return px_fail(-XE_EINVAL);
	}
	if (no_path(path))
		return px_fail(-XE_EFAULT);
	in.path = path;
	in.path_len = (uint32_t)strlen(path);
	return done(vfs_call_mknod(px_vfs, &in));
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
	struct vfs_readlink_out out = { .target = target, .target_len = sizeof(target) };
	size_t len;
	int r;

	if (size == 0) {
		return px_fail(-XE_EINVAL);
	}
	r = vfs_call_readlink(px_vfs, &(struct vfs_readlink_in){ .dirfd = px_atfd(dirfd), STR(path, path) }, &out);
	if (r < 0)
		return px_fail(r);
	len = out.target_len;
	if (len > size)
		len = size; /* truncated, as POSIX allows */
	memcpy(buf, target, len);
	return (ssize_t)len;
}

int chdir(const char *path)
{
	if (no_path(path))
		return px_fail(-XE_EFAULT);
	return done(vfs_call_chdir(px_vfs, &(struct vfs_chdir_in){ STR(path, path) }));
}

/* CHDIR to "." from fd; AT_FDCWD is no descriptor here, so negatives are all EBADF. */
int fchdir(int fd)
{
	return done(vfs_call_chdir(px_vfs, &(struct vfs_chdir_in){ .dirfd = px_atfd(fd < 0 ? VFS_FD_MAX : fd),
								   STR(path, ".") }));
}

int chroot(const char *path)
{
	if (no_path(path))
		return px_fail(-XE_EFAULT);
	return done(vfs_call_chroot(px_vfs, &(struct vfs_chroot_in){ STR(path, path) }));
}

int renameat(int fd1, const char *from, int fd2, const char *to)
{
	return done(vfs_call_rename(px_vfs, &(struct vfs_rename_in){ .from_dirfd = px_atfd(fd1), .to_dirfd = px_atfd(fd2),
								     STR(from, from), STR(to, to) }));
}

int rename(const char *from, const char *to)
{
	return renameat(AT_FDCWD, from, AT_FDCWD, to);
}

char *realpath(const char *path, char *resolved)
{
	char buf[VFS_PATH_MAX + 1];
	struct vfs_realpath_out out = { .path = buf, .path_len = sizeof(buf) - 1 };
	size_t len;
	int r;

	if (!path) {
		return px_fail_ptr(-XE_EINVAL);
	}
	r = vfs_call_realpath(px_vfs, &(struct vfs_realpath_in){ STR(path, path) }, &out);
	if (r < 0) {
		px_fail(r);
		return NULL;
	}
	len = out.path_len;
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
	struct vfs_getcwd_out out = { .path = path, .path_len = sizeof(path) - 1 };
	size_t len;
	int r = vfs_call_getcwd(px_vfs, &out);

	if (r < 0) {
		px_fail(r);
		return NULL;
	}
	len = out.path_len;
	path[len] = 0;
	if (!buf) { /* the common extension: allocate it */
		if (size == 0)
			size = len + 1;
		buf = size > len ? malloc(size) : NULL;
		if (!buf)
			return px_fail_ptr(size > len ? -XE_ENOMEM : -XE_ERANGE);
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
		struct vfs_getdents_out out = { .entries = d->buf, .entries_len = sizeof(d->buf) };
		int r;

		if (d->end)
			return NULL; /* the end: errno unchanged */
		r = vfs_call_getdents(px_vfs, &(struct vfs_getdents_in){ .fd = (uint64_t)d->fd, .cookie = d->cookie }, &out);
		if (r < 0) {
			px_fail(r);
			return NULL;
		}
		d->len = out.entries_len;
		d->pos = 0;
		d->cookie = out.cookie;
		d->end = out.cookie == 0;
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
	struct vfs_fstat_out out;
	int r = vfs_call_fstat(px_vfs, &(struct vfs_fstat_in){ .fd = (uint64_t)fd }, &out);

	if (r < 0)
		return px_fail(r);
	if ((out.stat[VST_MODE] & VS_IFMT) != VS_IFCHR || out.stat[VST_RDEV] != VDEV_CONSOLE_RDEV) {
		px_fail(-XE_ENOTTY);
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
