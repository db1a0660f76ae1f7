/*
 * libposix/include/sys/stat.h — picolibc's <sys/stat.h>, plus what it
 * leaves out on this target: UTIME_NOW and UTIME_OMIT (utimensat,
 * futimens), and the lstat and mknod prototypes (libposix/stat.c,
 * libposix/dir.c). For the riscv64 build; the values are Linux's.
 */
#ifndef EXO_LIBPOSIX_SYS_STAT_H
#define EXO_LIBPOSIX_SYS_STAT_H

#include_next <sys/stat.h>
#include <sys/cdefs.h>

__BEGIN_DECLS

#ifndef UTIME_NOW
#define UTIME_NOW ((1l << 30) - 1l)
#endif
#ifndef UTIME_OMIT
#define UTIME_OMIT ((1l << 30) - 2l)
#endif

int lstat(const char *__restrict path, struct stat *__restrict st);
int mknod(const char *path, mode_t mode, dev_t dev);

__END_DECLS

#endif
