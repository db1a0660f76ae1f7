/*
 * libposix/shm.c — shm_open, shm_unlink: shared memory objects are files in
 * the VFS's /dev/shm, whose bytes the memory server keeps (servers/vfs/shm.c);
 * the descriptor works with ftruncate, fstat, mmap, read, write and close.
 *
 * Names as glibc takes them: leading slashes are skipped, the rest is one
 * path component (EINVAL for an empty name or one with another '/',
 * ENAMETOOLONG past NAME_MAX).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <exo/errno.h>

#include "px.h"

#define SHM_DIR "/dev/shm/"

static int shm_path(const char *name, char *buf, size_t size)
{
	size_t len;

	if (!name) {
		return px_fail(-XE_EINVAL);
	}
	while (*name == '/')
		name++;
	len = strlen(name);
	if (len == 0 || strchr(name, '/') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
		return px_fail(-XE_EINVAL);
	}
	if (len > NAME_MAX) {
		return px_fail(-XE_ENAMETOOLONG);
	}
	snprintf(buf, size, SHM_DIR "%s", name);
	return 0;
}

int shm_open(const char *name, int oflag, mode_t mode)
{
	char path[sizeof(SHM_DIR) + NAME_MAX];

	if (shm_path(name, path, sizeof(path)) < 0)
		return -1;
	/* POSIX: FD_CLOEXEC is set; the name is never a link to follow. */
	return open(path, oflag | O_NOFOLLOW | O_CLOEXEC, mode);
}

int shm_unlink(const char *name)
{
	char path[sizeof(SHM_DIR) + NAME_MAX];

	if (shm_path(name, path, sizeof(path)) < 0)
		return -1;
	return unlink(path);
}
