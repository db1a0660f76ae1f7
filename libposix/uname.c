/*
 * libposix/uname.c — uname and gethostname: what system this is.
 *
 * sysname "Exo", release the project's version, machine the architecture
 * Exo was built for (on the sim, the host's), nodename "exo": there is no
 * sethostname yet (it needs a server to keep the name system-wide).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <exo/errno.h>

#include "px.h"

#ifndef EXO_VERSION
#error "meson defines EXO_VERSION (the project version)"
#endif
#ifndef EXO_MACHINE
#error "meson defines EXO_MACHINE (the CPU Exo is built for)"
#endif

#define NODENAME "exo"

static void put(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = 0;
}

int uname(struct utsname *u)
{
	if (!u)
		return px_fail(-XE_EFAULT);
	memset(u, 0, sizeof(*u));
	put(u->sysname, sizeof(u->sysname), "Exo");
	put(u->nodename, sizeof(u->nodename), NODENAME);
	put(u->release, sizeof(u->release), EXO_VERSION);
	put(u->version, sizeof(u->version), "Exo " EXO_VERSION);
	put(u->machine, sizeof(u->machine), EXO_MACHINE);
	return 0;
}

int gethostname(char *name, size_t len)
{
	if (len <= strlen(NODENAME))
		return px_fail(-XE_ENAMETOOLONG);
	memcpy(name, NODENAME, strlen(NODENAME) + 1);
	return 0;
}
