/*
 * libposix/include/stdio.h — picolibc's <stdio.h>, plus renameat
 * (libposix/dir.c), which POSIX puts here and picolibc does not declare.
 * For the riscv64 build.
 */
#ifndef EXO_LIBPOSIX_STDIO_H
#define EXO_LIBPOSIX_STDIO_H

#include_next <stdio.h>
#include <sys/cdefs.h>

__BEGIN_DECLS

#if __ATFILE_VISIBLE
int renameat(int fd1, const char *from, int fd2, const char *to);
#endif

__END_DECLS

#endif
