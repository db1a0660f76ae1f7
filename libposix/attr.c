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
#include "vfs_proto.h"

#include "px.h"

/* A path field's pointer and length (the C library declares these non-null). */
#define PATH(p) .path = (p), .path_len = (uint32_t)strlen(p)

/* A stub's result as a POSIX call's: 0, or -1 with errno. */
static int done(int r)
{
	return r < 0 ? px_fail(r) : 0;
}

int fchmodat(int dirfd, const char *path, mode_t mode, int flags)
{
	if (flags & ~AT_SYMLINK_NOFOLLOW) {
		return px_fail(-XE_EINVAL);
	}
	return done(vfs_call_chmod(px_vfs, &(struct vfs_chmod_in){ .mode = (uint64_t)mode & 07777,
		.follow = !(flags & AT_SYMLINK_NOFOLLOW), .dirfd = px_atfd(dirfd), PATH(path) }));
}

int chmod(const char *path, mode_t mode)
{
	return fchmodat(AT_FDCWD, path, mode, 0);
}

int fchmod(int fd, mode_t mode)
{
	return done(vfs_call_fchmod(px_vfs, &(struct vfs_fchmod_in){ .fd = (uint64_t)fd, .mode = (uint64_t)mode & 07777 }));
}

static uint64_t id(unsigned v)
{
	return v == (unsigned)-1 ? VID_KEEP : v;
}

int fchownat(int dirfd, const char *path, uid_t uid, gid_t gid, int flags)
{
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) {
		return px_fail(-XE_EINVAL);
	}
	if ((flags & AT_EMPTY_PATH) && !path[0])
		return fchown(dirfd, uid, gid);
	return done(vfs_call_chown(px_vfs, &(struct vfs_chown_in){ .uid = id(uid), .gid = id(gid),
		.follow = !(flags & AT_SYMLINK_NOFOLLOW), .dirfd = px_atfd(dirfd), PATH(path) }));
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
	return done(vfs_call_fchown(px_vfs, &(struct vfs_fchown_in){ .fd = (uint64_t)fd, .uid = id(uid), .gid = id(gid) }));
}

mode_t umask(mode_t mask)
{
	struct vfs_umask_out out;

	if (vfs_call_umask(px_vfs, &(struct vfs_umask_in){ .mask = (uint64_t)mask & 0777 }, &out) < 0)
		return 022;
	return (mode_t)out.old;
}

/* The real ids; AT_EACCESS: the effective ones. */
int faccessat(int dirfd, const char *path, int mode, int flags)
{
	struct vfs_access_in in = { .want = (mode & R_OK ? VACC_R : 0) | (mode & W_OK ? VACC_W : 0) |
					    (mode & X_OK ? VACC_X : 0) | (flags & AT_EACCESS ? VACC_EFFECTIVE : 0),
				    .dirfd = px_atfd(dirfd), PATH(path) };

	if ((mode & ~(R_OK | W_OK | X_OK)) || (flags & ~AT_EACCESS)) {
		return px_fail(-XE_EINVAL);
	}
	return done(vfs_call_access(px_vfs, &in));
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
	if (flags & ~AT_SYMLINK_NOFOLLOW) {
		return px_fail(-XE_EINVAL);
	}
	return done(vfs_call_utimens(px_vfs, &(struct vfs_utimens_in){ .atime = wire_time(t, 0), .mtime = wire_time(t, 1),
		.follow = flags & AT_SYMLINK_NOFOLLOW ? 0 : 1, .dirfd = px_atfd(dirfd), PATH(path) }));
}

int futimens(int fd, const struct timespec t[2])
{
	return done(vfs_call_futimens(px_vfs, &(struct vfs_futimens_in){ .fd = (uint64_t)fd, .atime = wire_time(t, 0),
									 .mtime = wire_time(t, 1) }));
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
