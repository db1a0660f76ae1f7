/*
 * libposix/stat.c — stat, fstat, lstat, fstatat: the VFS's stat words into the C
 * library's struct stat.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <exo/errno.h>
#include <exo/vfs.h>
#include "vfs_proto.h"

#include "px.h"

static mode_t host_mode(uint64_t m)
{
	mode_t t;

	switch (m & VS_IFMT) {
	case VS_IFDIR: t = S_IFDIR; break;
	case VS_IFCHR: t = S_IFCHR; break;
	case VS_IFIFO: t = S_IFIFO; break;
	case VS_IFLNK: t = S_IFLNK; break;
	default: t = S_IFREG; break;
	}

	return t | (mode_t)(m & VS_PERM);
}

static void fill(struct stat *st, const uint64_t *w)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = (dev_t)w[VST_DEV];
	st->st_ino = (ino_t)w[VST_INO];
	st->st_mode = host_mode(w[VST_MODE]);
	st->st_nlink = (nlink_t)w[VST_NLINK];
	st->st_uid = (uid_t)w[VST_UID];
	st->st_gid = (gid_t)w[VST_GID];
	st->st_size = (off_t)w[VST_SIZE];
	st->st_rdev = makedev((unsigned)(w[VST_RDEV] >> 8), (unsigned)(w[VST_RDEV] & 0xff));
	st->st_blksize = 4096;
	st->st_blocks = (blkcnt_t)w[VST_BLOCKS];
	st->st_atim.tv_sec = (time_t)(w[VST_ATIME_NS] / 1000000000u);
	st->st_atim.tv_nsec = (long)(w[VST_ATIME_NS] % 1000000000u);
	st->st_mtim.tv_sec = (time_t)(w[VST_MTIME_NS] / 1000000000u);
	st->st_mtim.tv_nsec = (long)(w[VST_MTIME_NS] % 1000000000u);
	st->st_ctim.tv_sec = (time_t)(w[VST_CTIME_NS] / 1000000000u);
	st->st_ctim.tv_nsec = (long)(w[VST_CTIME_NS] % 1000000000u);
}

/* STAT, or LSTAT when follow is 0, of path from dirfd. */
static int path_stat(int dirfd, const char *path, struct stat *st, int follow)
{
	struct vfs_stat_in in = { .dirfd = px_atfd(dirfd), .path = path, .path_len = (uint32_t)strlen(path) };
	struct vfs_stat_out out;
	int r;

	if (follow) {
		r = vfs_call_stat(px_vfs, &in, &out);
	} else {
		struct vfs_lstat_in lin = { .dirfd = in.dirfd, .path = in.path, .path_len = in.path_len };
		struct vfs_lstat_out lout;

		r = vfs_call_lstat(px_vfs, &lin, &lout);
		memcpy(out.stat, lout.stat, sizeof(out.stat));
	}
	if (r < 0)
		return px_fail(r);
	fill(st, out.stat);
	return 0;
}

static int px_stat(const char *path, struct stat *st, uint32_t op)
{
	if (!path || !st) {
		return px_fail(-XE_EFAULT);
	}
	return path_stat(AT_FDCWD, path, st, op != VFS_LSTAT);
}

static int px_fstat(int fd, struct stat *st)
{
	struct vfs_fstat_out out;
	int r;

	if (!st) {
		return px_fail(-XE_EFAULT);
	}
	r = vfs_call_fstat(px_vfs, &(struct vfs_fstat_in){ .fd = (uint64_t)fd }, &out);
	if (r < 0)
		return px_fail(r);
	fill(st, out.stat);
	return 0;
}

static int px_fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT)) {
		return px_fail(-XE_EINVAL);
	}
	if (!path || !st) {
		return px_fail(-XE_EFAULT);
	}
	if (!path[0] && (flags & AT_EMPTY_PATH))
		return dirfd == AT_FDCWD ? px_stat(".", st, VFS_STAT) : px_fstat(dirfd, st);
	return path_stat(dirfd, path, st, !(flags & AT_SYMLINK_NOFOLLOW));
}

int px_fstatat_a(int dirfd, const char *path, struct stat *st, int flags) __asm__("fstatat");
int px_fstatat_b(int dirfd, const char *path, struct stat *st, int flags) __asm__("fstatat64");

int px_fstatat_a(int dirfd, const char *path, struct stat *st, int flags)
{
	return px_fstatat(dirfd, path, st, flags);
}

int px_fstatat_b(int dirfd, const char *path, struct stat *st, int flags)
{
	return px_fstatat(dirfd, path, st, flags);
}

/* Both names of each (large file support may rename them). */
int px_stat_a(const char *path, struct stat *st) __asm__("stat");
int px_stat_b(const char *path, struct stat *st) __asm__("stat64");
int px_lstat_a(const char *path, struct stat *st) __asm__("lstat");
int px_lstat_b(const char *path, struct stat *st) __asm__("lstat64");
int px_fstat_a(int fd, struct stat *st) __asm__("fstat");
int px_fstat_b(int fd, struct stat *st) __asm__("fstat64");

int px_stat_a(const char *path, struct stat *st) { return px_stat(path, st, VFS_STAT); }
int px_stat_b(const char *path, struct stat *st) { return px_stat(path, st, VFS_STAT); }
int px_lstat_a(const char *path, struct stat *st) { return px_stat(path, st, VFS_LSTAT); }
int px_lstat_b(const char *path, struct stat *st) { return px_stat(path, st, VFS_LSTAT); }
int px_fstat_a(int fd, struct stat *st) { return px_fstat(fd, st); }
int px_fstat_b(int fd, struct stat *st) { return px_fstat(fd, st); }
