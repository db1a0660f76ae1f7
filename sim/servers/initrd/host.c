/*
 * sim/servers/initrd/host.c — the initrd server's image on the sim
 * (servers/initrd/image.h): a host file, opened once and read with pread.
 * Host-backed, so it lives in sim/ and calls Linux.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <exo/errno.h>

#include "image.h"

static int fd = -1;

int rd_image_open(const char *name, uint64_t *size)
{
	struct stat st;

	fd = open(name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -XE_ENOENT;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		fd = -1;
		return -XE_EIO;
	}
	*size = (uint64_t)st.st_size;
	return 0;
}

long rd_image_read(void *buf, uint64_t n, uint64_t off)
{
	ssize_t r;

	do
		r = pread(fd, buf, n, (off_t)off);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -XE_EIO : (long)r;
}
