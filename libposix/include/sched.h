/*
 * libposix/include/sched.h — picolibc's <sched.h>, plus the calls it
 * declares only for a system that says it has them
 * (_POSIX_PRIORITY_SCHEDULING): sched_yield, sched_getparam and the rest
 * (libposix/sched.c). For the riscv64 build.
 */
#ifndef EXO_LIBPOSIX_SCHED_H
#define EXO_LIBPOSIX_SCHED_H

#include_next <sched.h>
#include <sys/cdefs.h>
#include <time.h>

__BEGIN_DECLS

#if !defined(_POSIX_PRIORITY_SCHEDULING)
int sched_setparam(pid_t pid, const struct sched_param *param);
int sched_getparam(pid_t pid, struct sched_param *param);
int sched_setscheduler(pid_t pid, int policy, const struct sched_param *param);
int sched_getscheduler(pid_t pid);
int sched_get_priority_max(int policy);
int sched_get_priority_min(int policy);
int sched_rr_get_interval(pid_t pid, struct timespec *t);
#if !defined(_POSIX_THREADS)
int sched_yield(void);
#endif
#endif

__END_DECLS

#endif
