/*
 * libposix/conf.c — getpagesize and sysconf.
 *
 * sysconf answers what Exo knows; a key whose owner (the process server, the
 * VFS) does not exist yet is EINVAL rather than the host's value.
 */
#include <errno.h>
#include <unistd.h>

#include <exo/msg.h>

int getpagesize(void)
{
	return EXO_PAGE_SIZE;
}

long sysconf(int name)
{
	switch (name) {
	case _SC_PAGESIZE:
		return EXO_PAGE_SIZE;
	default:
		errno = EINVAL;
		return -1;
	}
}
