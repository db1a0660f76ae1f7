/*
 * libposix/include/utime.h — picolibc's <utime.h> (struct utimbuf), plus
 * the utime call it leaves to the system (libposix/attr.c). For the
 * riscv64 build.
 */
#ifndef EXO_LIBPOSIX_UTIME_H
#define EXO_LIBPOSIX_UTIME_H

#include <sys/types.h>
#include_next <utime.h>

__BEGIN_DECLS

int utime(const char *path, const struct utimbuf *times);

__END_DECLS

#endif
