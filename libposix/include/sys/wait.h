/*
 * libposix/include/sys/wait.h — picolibc's <sys/wait.h>, plus what it
 * lacks: WCONTINUED and WIFCONTINUED, WCOREDUMP, wait3 and wait4
 * (libposix/proc.c). For the riscv64 build. The status layout is Linux's,
 * as picolibc's own macros already read it; the values are Linux's.
 */
#ifndef EXO_LIBPOSIX_SYS_WAIT_H
#define EXO_LIBPOSIX_SYS_WAIT_H

#include_next <sys/wait.h>
#include <sys/cdefs.h>

__BEGIN_DECLS

#ifndef WCONTINUED
#define WCONTINUED 8
#endif
#ifndef WIFCONTINUED
#define WIFCONTINUED(w) ((w) == 0xffff)
#endif
#if __BSD_VISIBLE && !defined(WCOREDUMP)
#define WCOREDUMP(w) ((w) & 0x80)
#endif

#if __BSD_VISIBLE
struct rusage;
pid_t wait3(int *status, int options, struct rusage *ru);
pid_t wait4(pid_t pid, int *status, int options, struct rusage *ru);
#endif

__END_DECLS

#endif
