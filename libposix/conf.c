/*
 * libposix/conf.c — getpagesize, pathconf, fpathconf: Exo's limits.
 *
 * sysconf is not defined here yet: most of its keys belong to servers that
 * do not exist yet (the process server), and language runtimes ask it for
 * host facts (_SC_SIGSTKSZ: signals are still the host's on the sim). The C
 * library's sysconf answers _SC_PAGESIZE with the same 4096, which the
 * memory tests check.
 *
 * pathconf and fpathconf answer for the VFS's ramfs (the only file system so
 * far): the file must exist (the errors of stat), then the value, or -1
 * without touching errno for "no limit", or EINVAL for an unknown name.
 */
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include <exo/errno.h>
#include <exo/msg.h>
#include <exo/vfs.h>

#include "px.h"

int getpagesize(void)
{
	return EXO_PAGE_SIZE;
}

static long limit(int name)
{
	switch (name) {
	case _PC_LINK_MAX: return 65000;
	case _PC_MAX_CANON: return 255;
	case _PC_MAX_INPUT: return 255;
	case _PC_NAME_MAX: return VFS_NAME_MAX;
	case _PC_PATH_MAX: return VFS_PATH_MAX;
	case _PC_PIPE_BUF: return VFS_PIPE_BUF;
	case _PC_CHOWN_RESTRICTED: return 1;
	case _PC_NO_TRUNC: return 1;
	case _PC_VDISABLE: return 0;
	case _PC_FILESIZEBITS: return 41; /* files up to 1 TiB */
	case _PC_SYMLINK_MAX: return VFS_PATH_MAX;
	case _PC_2_SYMLINKS: return 1;
	case _PC_SYNC_IO: return 1;       /* every write is as durable as ramfs gets */
	case _PC_ASYNC_IO:
	case _PC_PRIO_IO:
	case _PC_REC_INCR_XFER_SIZE:
	case _PC_REC_MAX_XFER_SIZE:
	case _PC_REC_MIN_XFER_SIZE:
	case _PC_REC_XFER_ALIGN:
	case _PC_ALLOC_SIZE_MIN:
		return -1; /* no such limit or option */
	default:
		return px_fail(-XE_EINVAL);
	}
}

long pathconf(const char *path, int name)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -1;
	return limit(name);
}

long fpathconf(int fd, int name)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -1;
	return limit(name);
}
