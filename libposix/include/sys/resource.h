/*
 * libposix/include/sys/resource.h — picolibc's <sys/resource.h> (struct
 * rusage and getrusage only), plus resource limits (struct rlimit,
 * RLIMIT_*, getrlimit, setrlimit), priorities (PRIO_*, getpriority,
 * setpriority) and RUSAGE_THREAD (libposix/proc.c, sched.c, time.c). For
 * the riscv64 build; the values are Linux's.
 */
#ifndef EXO_LIBPOSIX_SYS_RESOURCE_H
#define EXO_LIBPOSIX_SYS_RESOURCE_H

#include_next <sys/resource.h>
#include <sys/types.h>

__BEGIN_DECLS

#if __GNU_VISIBLE && !defined(RUSAGE_THREAD)
#define RUSAGE_THREAD 1
#endif

#define PRIO_PROCESS 0
#define PRIO_PGRP 1
#define PRIO_USER 2

typedef unsigned long rlim_t;

#define RLIM_INFINITY (~(rlim_t)0)
#define RLIM_SAVED_MAX RLIM_INFINITY
#define RLIM_SAVED_CUR RLIM_INFINITY

struct rlimit {
	rlim_t rlim_cur;
	rlim_t rlim_max;
};

#define RLIMIT_CPU 0
#define RLIMIT_FSIZE 1
#define RLIMIT_DATA 2
#define RLIMIT_STACK 3
#define RLIMIT_CORE 4
#define RLIMIT_RSS 5
#define RLIMIT_NPROC 6
#define RLIMIT_NOFILE 7
#define RLIMIT_MEMLOCK 8
#define RLIMIT_AS 9
#define RLIMIT_LOCKS 10
#define RLIMIT_SIGPENDING 11
#define RLIMIT_MSGQUEUE 12
#define RLIMIT_NICE 13
#define RLIMIT_RTPRIO 14
#define RLIMIT_RTTIME 15
#define RLIMIT_NLIMITS 16
#define RLIM_NLIMITS RLIMIT_NLIMITS

int getrlimit(int res, struct rlimit *rl);
int setrlimit(int res, const struct rlimit *rl);
int getpriority(int which, id_t who);
int setpriority(int which, id_t who, int prio);

__END_DECLS

#endif
