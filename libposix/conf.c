/*
 * libposix/conf.c — getpagesize, sysconf, pathconf, fpathconf: Exo's limits.
 *
 * sysconf answers from Exo, never from the host: the kernel info page
 * (memory, processors), the memory server (free pages), the process
 * server (the resource limits behind _SC_CHILD_MAX and _SC_OPEN_MAX), and
 * libposix's own limits. An option Exo does not have (threads, semaphores,
 * message queues, real-time signals, timers: not yet) is -1 with errno
 * untouched, as POSIX says for an unsupported option; a name it does not
 * know is EINVAL. _SC_SIGSTKSZ and _SC_MINSIGSTKSZ (glibc's, behind its
 * SIGSTKSZ and MINSIGSTKSZ) are generous fixed sizes: the sim delivers
 * signals on host stacks, whose need depends on the host CPU's registers.
 *
 * pathconf and fpathconf answer for the VFS's ramfs (the only file system so
 * far): the file must exist (the errors of stat), then the value, or -1
 * without touching errno for "no limit", or EINVAL for an unknown name.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <exo/errno.h>
#include <exo/ipc.h>
#include <exo/memory.h>
#include "memory_proto.h"
#include <exo/msg.h>
#include <exo/proc.h>
#include <exo/vfs.h>

#include "px.h"

int getpagesize(void)
{
	return EXO_PAGE_SIZE;
}

#define POSIX_2008 200809L
#define UNSUPPORTED (-2) /* an option Exo does not have: -1, errno untouched */

/* Is the server registered now? (No wait: sysconf must not stall where one is missing.) */
static bool server_up(const char *name)
{
	exo_tid_t t;

	return exo_lookup(name, &t, EXO_TIMEOUT_ZERO) == EXO_OK;
}

/*
 * A resource limit's soft value (the process server's), `none` when there
 * is no process server, -1 for no limit. errno is left as it was.
 */
static long rlimit_of(int res, long none)
{
	struct rlimit rl;
	int saved = errno;
	long v = none;

	if (server_up(PROC_NAME) && getrlimit(res, &rl) == 0)
		v = rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > LONG_MAX ? -1 : (long)rl.rlim_cur;
	errno = saved;
	return v;
}

static long kinfo_pages(void)
{
	exo_kinfo_t ki = { 0 };

	return exo_kernel_info(&ki) == EXO_OK ? (long)(ki.phys_bytes / EXO_PAGE_SIZE) : -1;
}

static long free_pages(void)
{
	struct memory_stats_out out;

	if (!server_up(MEM_NAME))
		return -1;
	return memory_call_stats(px_mem_transport, &out) == 0 ? (long)out.free : -1;
}

static long sys_value(int name)
{
	switch (name) {
	case _SC_ARG_MAX: return PX_ARG_MAX;
	case _SC_CHILD_MAX: return rlimit_of(RLIMIT_NPROC, PROC_NPROC_DEFAULT);
	case _SC_OPEN_MAX: {
		long n = rlimit_of(RLIMIT_NOFILE, VFS_FD_MAX);

		return n < 0 || n > VFS_FD_MAX ? VFS_FD_MAX : n;
	}
	case _SC_CLK_TCK: return PX_CLK_TCK;
	case _SC_PAGESIZE: return EXO_PAGE_SIZE;
	case _SC_NPROCESSORS_CONF:
	case _SC_NPROCESSORS_ONLN: return 1; /* the kernels schedule Exo as one processor (docs/processes.md) */
	case _SC_PHYS_PAGES: return kinfo_pages();
	case _SC_AVPHYS_PAGES: return free_pages();
	case _SC_NGROUPS_MAX: return PROC_NGROUPS_MAX;
	case _SC_HOST_NAME_MAX: return 255;
	case _SC_LOGIN_NAME_MAX: return 256;
	case _SC_TTY_NAME_MAX: return 32;
	case _SC_LINE_MAX: return 2048;
	case _SC_RE_DUP_MAX: return 255;
	case _SC_SYMLOOP_MAX: return 40;      /* the VFS's ELOOP bound (servers/vfs/path.c) */
	case _SC_IOV_MAX: return IOV_MAX;
#ifdef FOPEN_MAX
	case _SC_STREAM_MAX: return FOPEN_MAX;
#else
	case _SC_STREAM_MAX: return 16;       /* picolibc names none: streams are only bounded by memory */
#endif
	case _SC_TZNAME_MAX: return -1;       /* no limit */
	case _SC_VERSION:
	case _SC_2_VERSION: return POSIX_2008;
	case _SC_JOB_CONTROL:
	case _SC_SAVED_IDS: return 1;
	case _SC_FSYNC:
	case _SC_MEMORY_PROTECTION:
	case _SC_MONOTONIC_CLOCK:
	case _SC_PRIORITY_SCHEDULING:
	case _SC_SHARED_MEMORY_OBJECTS:
	case _SC_REGEXP:                      /* the C library's regcomp */
	case _SC_SHELL:                       /* /bin/sh */
	case _SC_2_C_BIND: return POSIX_2008;
	/* The utilities' limits (POSIX's minimums: Exo has none of its own). */
	case _SC_BC_BASE_MAX: return 99;
	case _SC_BC_DIM_MAX: return 2048;
	case _SC_BC_SCALE_MAX: return 99;
	case _SC_BC_STRING_MAX: return 1000;
	case _SC_COLL_WEIGHTS_MAX: return 2;
	case _SC_EXPR_NEST_MAX: return 32;
	/* No fixed limit, or not known ahead: -1, errno untouched. */
	case _SC_ATEXIT_MAX:
	case _SC_GETPW_R_SIZE_MAX:
	case _SC_GETGR_R_SIZE_MAX: return -1;
	/* Options Exo does not have (yet): -1, errno untouched. */
	case _SC_MAPPED_FILES:                /* no msync */
	case _SC_CPUTIME:                     /* no clock_getcpuclockid */
	case _SC_THREAD_CPUTIME:
	case _SC_THREAD_STACK_MIN:
	case _SC_THREAD_THREADS_MAX:
	case _SC_THREAD_KEYS_MAX:
	case _SC_THREAD_DESTRUCTOR_ITERATIONS:
	case _SC_THREAD_ATTR_STACKADDR:
	case _SC_THREAD_ATTR_STACKSIZE:
	case _SC_THREAD_PRIORITY_SCHEDULING:
	case _SC_THREAD_PRIO_INHERIT:
	case _SC_THREAD_PRIO_PROTECT:
	case _SC_THREAD_PROCESS_SHARED:
	case _SC_SEM_NSEMS_MAX:
	case _SC_SEM_VALUE_MAX:
	case _SC_MQ_OPEN_MAX:
	case _SC_MQ_PRIO_MAX:
	case _SC_RTSIG_MAX:
	case _SC_SIGQUEUE_MAX:
	case _SC_TIMER_MAX:
	case _SC_DELAYTIMER_MAX:
	case _SC_AIO_LISTIO_MAX:
	case _SC_AIO_MAX:
	case _SC_AIO_PRIO_DELTA_MAX:
	case _SC_SPAWN:
	case _SC_MEMLOCK:
	case _SC_MEMLOCK_RANGE:
	case _SC_SYNCHRONIZED_IO:
	case _SC_PRIORITIZED_IO:
	case _SC_CLOCK_SELECTION:
	case _SC_ADVISORY_INFO:
	case _SC_TIMEOUTS:
	case _SC_TYPED_MEMORY_OBJECTS:
	case _SC_2_C_DEV:
	case _SC_2_CHAR_TERM:
	case _SC_2_FORT_DEV:
	case _SC_2_FORT_RUN:
	case _SC_2_LOCALEDEF:
	case _SC_2_SW_DEV:
	case _SC_2_UPE:
	case _SC_XOPEN_CRYPT:
	case _SC_XOPEN_ENH_I18N:
	case _SC_XOPEN_REALTIME:
	case _SC_XOPEN_REALTIME_THREADS:
	case _SC_XOPEN_SHM:
	case _SC_XOPEN_STREAMS:
	case _SC_XOPEN_UNIX:
	case _SC_XOPEN_VERSION:
	case _SC_THREADS:
	case _SC_SEMAPHORES:
	case _SC_MESSAGE_PASSING:
	case _SC_REALTIME_SIGNALS:
	case _SC_TIMERS:
	case _SC_ASYNCHRONOUS_IO:
	case _SC_BARRIERS:
	case _SC_SPIN_LOCKS:
	case _SC_READER_WRITER_LOCKS:
	case _SC_THREAD_SAFE_FUNCTIONS:
	case _SC_IPV6:
	case _SC_RAW_SOCKETS: return UNSUPPORTED;
#ifdef _SC_SIGSTKSZ
	case _SC_SIGSTKSZ: return 65536;
#endif
#ifdef _SC_MINSIGSTKSZ
	case _SC_MINSIGSTKSZ: return 16384;
#endif
	default: return px_fail(-XE_EINVAL);
	}
}

long sysconf(int name)
{
	long v = sys_value(name);

	return v == UNSUPPORTED ? -1 : v;
}

static long limit(int name)
{
	switch (name) {
	case _PC_LINK_MAX: return 65000;
	case _PC_MAX_CANON: return 255;
	case _PC_MAX_INPUT: return 255;
	case _PC_NAME_MAX: return VFS_NAME_MAX;
	case _PC_PATH_MAX: return VFS_PATH_MAX;
	case _PC_PIPE_BUF: return VFS_PIPE_BUF;
	case _PC_CHOWN_RESTRICTED: return 1;
	case _PC_NO_TRUNC: return 1;
	case _PC_VDISABLE: return 0;
	case _PC_FILESIZEBITS: return 41; /* files up to 1 TiB */
	case _PC_SYMLINK_MAX: return VFS_PATH_MAX;
	case _PC_2_SYMLINKS: return 1;
	case _PC_SYNC_IO: return 1;       /* every write is as durable as ramfs gets */
	case _PC_ASYNC_IO:
	case _PC_PRIO_IO:
	case _PC_REC_INCR_XFER_SIZE:
	case _PC_REC_MAX_XFER_SIZE:
	case _PC_REC_MIN_XFER_SIZE:
	case _PC_REC_XFER_ALIGN:
	case _PC_ALLOC_SIZE_MIN:
		return -1; /* no such limit or option */
	default:
		return px_fail(-XE_EINVAL);
	}
}

long pathconf(const char *path, int name)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -1;
	return limit(name);
}

long fpathconf(int fd, int name)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -1;
	return limit(name);
}
