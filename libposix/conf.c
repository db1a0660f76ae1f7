/*
 * libposix/conf.c — getpagesize: Exo's page size.
 *
 * sysconf is not defined here yet: most of its keys belong to servers that
 * do not exist yet (the process server, the VFS), and language runtimes ask
 * it for host facts (_SC_SIGSTKSZ: signals are still the host's on the sim).
 * The C library's sysconf answers _SC_PAGESIZE with the same 4096, which the
 * memory tests check.
 */
#include <unistd.h>

#include <exo/msg.h>

int getpagesize(void)
{
	return EXO_PAGE_SIZE;
}
