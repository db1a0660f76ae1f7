/*
 * libposix/include/sys/utsname.h — uname (libposix/uname.c).
 *
 * picolibc has no <sys/utsname.h>; this one serves the riscv64 build, with
 * Linux's field length (65).
 */
#ifndef EXO_LIBPOSIX_SYS_UTSNAME_H
#define EXO_LIBPOSIX_SYS_UTSNAME_H

#include <sys/cdefs.h>

__BEGIN_DECLS

#define _UTSNAME_LENGTH 65

struct utsname {
	char sysname[_UTSNAME_LENGTH];
	char nodename[_UTSNAME_LENGTH];
	char release[_UTSNAME_LENGTH];
	char version[_UTSNAME_LENGTH];
	char machine[_UTSNAME_LENGTH];
	char domainname[_UTSNAME_LENGTH];
};

int uname(struct utsname *u);

__END_DECLS

#endif
