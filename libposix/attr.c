/*
 * libposix/attr.c — file attributes: chmod, fchmod, fchmodat, chown, fchown,
 * lchown, fchownat, umask, access, faccessat, utimensat, futimens, utimes,
 * utime.
 *
 * The VFS enforces permissions with the credentials the process server
 * gave the space (the superuser's when none): access and faccessat check
 * with the real ids, AT_EACCESS (euidaccess, eaccess) with the effective ones.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include <utime.h>

#include <exo/errno.h>
#include <exo/vfs.h>

#include "px.h"

static int path_call(uint32_t op, unsigned n, const uint64_t *in, const char *path)
{
	exo_msg_t m;
	int r = px_vfs_call(op, n, in, path, strlen(path), NULL, NULL, 0, &m, NULL);

	return r < 0 ? px_fail(r) : 0;
}

static int fd_call(uint32_t op, unsigned n, const uint64_t *in)
{
	exo_msg_t m;
	int r = px_vfs_call(op, n, in, NULL, 0, NULL, NULL, 0, &m, NULL);

	return r < 0 ? px_fail(r) : 0;
}

int fchmodat(int dirfd, const char *path, mode_t mode, int flags)
{
	uint64_t in[2] = { (uint64_t)mode & 07777, !(flags & AT_SYMLINK_NOFOLLOW) };

	if (flags & ~AT_SYMLINK_NOFOLLOW) {
		return px_fail(-XE_EINVAL);
	}
	return path_call(px_at(VFS_CHMOD, dirfd, AT_FDCWD), 2, in, path);
}

int chmod(const char *path, mode_t mode)
{
	return fchmodat(AT_FDCWD, path, mode, 0);
}

int fchmod(int fd, mode_t mode)
{
	uint64_t in[2] = { (uint64_t)fd, (uint64_t)mode & 07777 };

	return fd_call(VFS_FCHMOD, 2, in);
}

static uint64_t id(unsigned v)
{
	return v == (unsigned)-1 ? VID_KEEP : v;
}

int fchownat(int dirfd, const char *path, uid_t uid, gid_t gid, int flags)
{
	uint64_t in[3] = { id(uid), id(gid), !(flags & AT_SYMLINK_NOFOLLOW) };

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) {
		return px_fail(-XE_EINVAL);
	}
	if ((flags & AT_EMPTY_PATH) && !path[0])
		return fchown(dirfd, uid, gid);
	return path_call(px_at(VFS_CHOWN, dirfd, AT_FDCWD), 3, in, path);
}

int chown(const char *path, uid_t uid, gid_t gid)
{
	return fchownat(AT_FDCWD, path, uid, gid, 0);
}

int lchown(const char *path, uid_t uid, gid_t gid)
{
	return fchownat(AT_FDCWD, path, uid, gid, AT_SYMLINK_NOFOLLOW);
}

int fchown(int fd, uid_t uid, gid_t gid)
{
	uint64_t in[3] = { (uint64_t)fd, id(uid), id(gid) };

	return fd_call(VFS_FCHOWN, 3, in);
}

mode_t umask(mode_t mask)
{
	uint64_t in[1] = { (uint64_t)mask & 0777 };
	exo_msg_t m;

	if (px_vfs_call(VFS_UMASK, 1, in, NULL, 0, NULL, NULL, 0, &m, NULL) < 0)
		return 022;
	return (mode_t)m.mr[0];
}

/* The real ids; AT_EACCESS: the effective ones. */
int faccessat(int dirfd, const char *path, int mode, int flags)
{
	uint64_t in[1] = { (mode & R_OK ? VACC_R : 0) | (mode & W_OK ? VACC_W : 0) | (mode & X_OK ? VACC_X : 0) |
			   (flags & AT_EACCESS ? VACC_EFFECTIVE : 0) };

	if ((mode & ~(R_OK | W_OK | X_OK)) || (flags & ~AT_EACCESS)) {
		return px_fail(-XE_EINVAL);
	}
	return path_call(px_at(VFS_ACCESS, dirfd, AT_FDCWD), 1, in, path);
}

int access(const char *path, int mode)
{
	return faccessat(AT_FDCWD, path, mode, 0);
}

int euidaccess(const char *path, int mode)
{
	return faccessat(AT_FDCWD, path, mode, AT_EACCESS);
}

int eaccess(const char *path, int mode)
{
	return faccessat(AT_FDCWD, path, mode, AT_EACCESS);
}

static uint64_t wire_time(const struct timespec *t, int which)
{
	if (!t)
		return VUT_NOW;
	if (t[which].tv_nsec == UTIME_NOW)
		return VUT_NOW;
	if (t[which].tv_nsec == UTIME_OMIT)
		return VUT_OMIT;
	if (t[which].tv_nsec < 0 || t[which].tv_nsec >= 1000000000 || t[which].tv_sec < 0)
		return (uint64_t)INT64_MAX + 1; /* the VFS refuses it: EINVAL */
	return (uint64_t)t[which].tv_sec * 1000000000u + (uint64_t)t[which].tv_nsec;
}

int utimensat(int dirfd, const char *path, const struct timespec t[2], int flags)
{
	uint64_t in[3] = { wire_time(t, 0), wire_time(t, 1), flags & AT_SYMLINK_NOFOLLOW ? 0 : 1 };

	if (flags & ~AT_SYMLINK_NOFOLLOW) {
		return px_fail(-XE_EINVAL);
	}
	return path_call(px_at(VFS_UTIMENS, dirfd, AT_FDCWD), 3, in, path);
}

int futimens(int fd, const struct timespec t[2])
{
	uint64_t in[3] = { (uint64_t)fd, wire_time(t, 0), wire_time(t, 1) };

	return fd_call(VFS_FUTIMENS, 3, in);
}

int utimes(const char *path, const struct timeval tv[2])
{
	struct timespec t[2];

	if (!tv)
		return utimensat(AT_FDCWD, path, NULL, 0);
	for (int i = 0; i < 2; i++) {
		t[i].tv_sec = tv[i].tv_sec;
		t[i].tv_nsec = tv[i].tv_usec * 1000;
	}
	return utimensat(AT_FDCWD, path, t, 0);
}

int utime(const char *path, const struct utimbuf *b)
{
	struct timespec t[2];

	if (!b)
		return utimensat(AT_FDCWD, path, NULL, 0);
	t[0].tv_sec = b->actime;
	t[0].tv_nsec = 0;
	t[1].tv_sec = b->modtime;
	t[1].tv_nsec = 0;
	return utimensat(AT_FDCWD, path, t, 0);
}
