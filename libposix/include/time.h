/*
 * libposix/include/time.h — picolibc's <time.h>, plus the clocks and calls
 * it declares only for a system that says it has them (_POSIX_TIMERS,
 * _POSIX_MONOTONIC_CLOCK, _POSIX_CPUTIME...): CLOCK_MONOTONIC, the CPU-time
 * clocks, clock_gettime, clock_getres, nanosleep, clock_nanosleep
 * (libposix/time.c). For the riscv64 build.
 *
 * The clock numbers are those picolibc gives them when it declares them:
 * its CLOCK_REALTIME is 1 and CLOCK_MONOTONIC_RAW 5, so Linux's numbering
 * (CLOCK_MONOTONIC 1) would make two clocks one. libposix/time.c goes by
 * the names.
 */
#ifndef EXO_LIBPOSIX_TIME_H
#define EXO_LIBPOSIX_TIME_H

#include_next <time.h>
#include <sys/cdefs.h>

__BEGIN_DECLS

#ifndef CLOCK_PROCESS_CPUTIME_ID
#define CLOCK_PROCESS_CPUTIME_ID ((clockid_t)2)
#endif
#ifndef CLOCK_THREAD_CPUTIME_ID
#define CLOCK_THREAD_CPUTIME_ID ((clockid_t)3)
#endif
#ifndef CLOCK_MONOTONIC
#define CLOCK_MONOTONIC ((clockid_t)4)
#endif

#if !defined(_POSIX_TIMERS)
int clock_gettime(clockid_t clk, struct timespec *ts);
int clock_getres(clockid_t clk, struct timespec *res);
int nanosleep(const struct timespec *req, struct timespec *rem);
#endif
#if !defined(_POSIX_CLOCK_SELECTION)
int clock_nanosleep(clockid_t clk, int flags, const struct timespec *req, struct timespec *rem);
#endif

__END_DECLS

#endif
