/*
 * libposix/include/limits.h — picolibc's <limits.h>, plus SSIZE_MAX, which
 * POSIX puts here and picolibc leaves out. For the riscv64 build.
 */
#ifndef EXO_LIBPOSIX_LIMITS_H
#define EXO_LIBPOSIX_LIMITS_H

#include_next <limits.h>

/* picolibc's ssize_t is size_t made signed. */
#ifndef SSIZE_MAX
#if __SIZEOF_SIZE_T__ == __SIZEOF_LONG__
#define SSIZE_MAX __LONG_MAX__
#else
#define SSIZE_MAX __INT_MAX__
#endif
#endif

#endif
