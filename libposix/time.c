/*
 * libposix/time.c — clocks and sleeping: clock_gettime, clock_getres,
 * gettimeofday, time, clock, times, getrusage; nanosleep, clock_nanosleep,
 * sleep, usleep.
 *
 * Reading a clock is no IPC: exo_clock_ns and exo_realtime_offset_ns read
 * the machine's clock in the caller (a kernel round trip costs about 20 us).
 * Sleeping is a SLEEP request to the scheduler server, answered at the
 * deadline; an aborted IPC (a signal) makes it EINTR, with the time left.
 * Without a scheduler server the thread still blocks in Exo: a receive from
 * itself, which nobody sends, bounded by the kernel's timeout.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

#include <exo/errno.h>
#include <exo/proc.h>
#include "proc_proto.h"
#include <exo/sched.h>

#include "px.h"
#include "sched_proto.h"

#define NS 1000000000ull

static void to_timespec(uint64_t ns, struct timespec *ts)
{
	ts->tv_sec = (time_t)(ns / NS);
	ts->tv_nsec = (long)(ns % NS);
}

static uint64_t realtime_ns(void)
{
	return exo_clock_ns() + (uint64_t)exo_realtime_offset_ns();
}

/* The CPU time of the space or the thread, user + system. */
static int cpu_ns(int which, uint64_t *ns)
{
	uint64_t user, sys;

	if (exo_cpu_time(which, &user, &sys) != EXO_OK)
		return -XE_EINVAL;
	*ns = user + sys;
	return 0;
}

/* Linux's other names for the same two clocks are accepted as those. */
static int clock_kind(clockid_t clk)
{
	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
		return CLOCK_REALTIME;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		return CLOCK_MONOTONIC;
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID:
		return clk;
	default:
		return -1;
	}
}

int clock_gettime(clockid_t clk, struct timespec *ts)
{
	uint64_t ns;

	switch (clock_kind(clk)) {
	case CLOCK_REALTIME:
		ns = realtime_ns();
		break;
	case CLOCK_MONOTONIC:
		ns = exo_clock_ns();
		break;
	case CLOCK_PROCESS_CPUTIME_ID:
		if (cpu_ns(EXO_CPU_SPACE, &ns) < 0)
			return px_fail(-XE_EINVAL);
		break;
	case CLOCK_THREAD_CPUTIME_ID:
		if (cpu_ns(EXO_CPU_THREAD, &ns) < 0)
			return px_fail(-XE_EINVAL);
		break;
	default:
		return px_fail(-XE_EINVAL);
	}
	to_timespec(ns, ts);
	return 0;
}

int clock_getres(clockid_t clk, struct timespec *res)
{
	if (clock_kind(clk) < 0)
		return px_fail(-XE_EINVAL);
	if (res)
		to_timespec(1, res); /* the clocks count nanoseconds */
	return 0;
}

int gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
	uint64_t ns = realtime_ns();

	tv->tv_sec = (time_t)(ns / NS);
	tv->tv_usec = (suseconds_t)(ns % NS / 1000u);
	if (tz)
		memset(tz, 0, sizeof(struct timezone)); /* UTC, no daylight saving */
	return 0;
}

time_t time(time_t *t)
{
	time_t now = (time_t)(realtime_ns() / NS);

	if (t)
		*t = now;
	return now;
}

clock_t clock(void)
{
	uint64_t ns;

	if (cpu_ns(EXO_CPU_SPACE, &ns) < 0)
		return (clock_t)-1;
	return (clock_t)(ns / (NS / CLOCKS_PER_SEC));
}

static void to_timeval(uint64_t ns, struct timeval *tv)
{
	tv->tv_sec = (time_t)(ns / NS);
	tv->tv_usec = (suseconds_t)(ns % NS / 1000u);
}

/*
 * The CPU time of the children the caller waited for (and of theirs): the
 * process server adds each child's time when its wait reports it. 0 without
 * a process server.
 */
static void child_times(uint64_t *user, uint64_t *sys)
{
	struct proc_childtimes_out out;

	*user = *sys = 0;
	if (proc_call_childtimes(px_proc, &out) == 0) {
		*user = out.utime;
		*sys = out.stime;
	}
}

clock_t times(struct tms *buf)
{
	uint64_t user = 0, sys = 0, cuser, csys;

	if (!buf)
		return px_fail(-XE_EFAULT);
	if (exo_cpu_time(EXO_CPU_SPACE, &user, &sys) != EXO_OK)
		return px_fail(-XE_EIO);
	child_times(&cuser, &csys);
	memset(buf, 0, sizeof(*buf));
	buf->tms_utime = (clock_t)(user / (NS / PX_CLK_TCK));
	buf->tms_stime = (clock_t)(sys / (NS / PX_CLK_TCK));
	buf->tms_cutime = (clock_t)(cuser / (NS / PX_CLK_TCK));
	buf->tms_cstime = (clock_t)(csys / (NS / PX_CLK_TCK));
	return (clock_t)(exo_clock_ns() / (NS / PX_CLK_TCK));
}

int getrusage(int who, struct rusage *ru)
{
	uint64_t user = 0, sys = 0;
	int which;

	if (who == RUSAGE_SELF)
		which = EXO_CPU_SPACE;
	else if (who == RUSAGE_THREAD)
		which = EXO_CPU_THREAD;
	else if (who == RUSAGE_CHILDREN)
		which = -1;
	else
		return px_fail(-XE_EINVAL);
	if (!ru)
		return px_fail(-XE_EFAULT);
	if (which >= 0 && exo_cpu_time(which, &user, &sys) != EXO_OK)
		return px_fail(-XE_EIO);
	if (which < 0)
		child_times(&user, &sys);
	memset(ru, 0, sizeof(*ru));
	to_timeval(user, &ru->ru_utime);
	to_timeval(sys, &ru->ru_stime);
	return 0;
}

/*
 * Block until `deadline` (exo_clock_ns, or SCHED_FOREVER). 0, or -XE_EINTR
 * when the wait was aborted (a signal).
 */
static int sleep_until_inner(uint64_t deadline)
{
	for (;;) {
		uint64_t now = exo_clock_ns();
		struct sched_sleep_in in = { .deadline = deadline };
		struct sched_sleep_out out;
		exo_msg_t m;
		exo_err err;
		int r;

		if (now >= deadline)
			return 0;
		r = sched_call_sleep(px_sched_call, &in, &out);
		if (r == -XE_EINTR)
			return r;
		if (r == 0)
			continue; /* answered at the deadline: the clock says so too */
		if (r != -XE_ENOSYS)
			return r;
		/* No scheduler server: the kernel's own timeout. */
		memset(&m, 0, sizeof(m));
		err = exo_recv(exo_myself(), &m, deadline == SCHED_FOREVER ? EXO_TIMEOUT_NEVER : deadline - now);
		if (err == EXO_ECANCELED)
			return -XE_EINTR;
		if (err != EXO_ETIMEOUT)
			return -XE_EIO;
	}
}

/* A sleep is never restarted after a signal, SA_RESTART or not (POSIX). */
static int sleep_until(uint64_t deadline)
{
	int old = px_intr(PX_INTR_EINTR), r = sleep_until_inner(deadline);

	px_intr(old);
	return r;
}

/* now + a relative time, SCHED_FOREVER if that is past what the scheduler takes. */
static uint64_t deadline_after(const struct timespec *t)
{
	uint64_t now = exo_clock_ns(), sec = (uint64_t)t->tv_sec, ns;

	if (sec >= SCHED_DEADLINE_MAX / NS)
		return SCHED_FOREVER;
	ns = sec * NS + (uint64_t)t->tv_nsec;
	return ns >= SCHED_DEADLINE_MAX - now ? SCHED_FOREVER : now + ns;
}

static int timespec_valid(const struct timespec *t)
{
	return t->tv_nsec >= 0 && t->tv_nsec < (long)NS;
}

/* What is left of a sleep to `deadline` that was interrupted. */
static void remaining(uint64_t deadline, struct timespec *rem)
{
	uint64_t now = exo_clock_ns();

	to_timespec(deadline > now ? deadline - now : 0, rem);
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
	uint64_t deadline;
	int r;

	if (!req)
		return px_fail(-XE_EFAULT);
	if (!timespec_valid(req) || req->tv_sec < 0)
		return px_fail(-XE_EINVAL);
	deadline = deadline_after(req);
	r = sleep_until(deadline);
	if (r == -XE_EINTR && rem)
		remaining(deadline, rem);
	return r < 0 ? px_fail(r) : 0;
}

/* Returns an error number (not -1 and errno), as POSIX says. */
int clock_nanosleep(clockid_t clk, int flags, const struct timespec *req, struct timespec *rem)
{
	int kind = clock_kind(clk);
	uint64_t deadline;
	int r;

	if (kind == CLOCK_PROCESS_CPUTIME_ID || kind == CLOCK_THREAD_CPUTIME_ID)
		return ENOTSUP;
	if (kind < 0 || (flags & ~TIMER_ABSTIME))
		return EINVAL;
	if (!req)
		return EFAULT;
	if (!timespec_valid(req))
		return EINVAL;
	if (flags & TIMER_ABSTIME) {
		/*
		 * An absolute wall-clock time becomes a monotonic deadline now: a
		 * wall clock set during the sleep does not move it.
		 */
		int64_t at = req->tv_sec < 0 ? 0 : (int64_t)req->tv_sec;
		uint64_t ns;

		if ((uint64_t)at >= SCHED_DEADLINE_MAX / NS) {
			deadline = SCHED_FOREVER;
		} else {
			ns = (uint64_t)at * NS + (uint64_t)req->tv_nsec;
			if (kind == CLOCK_REALTIME) {
				int64_t off = exo_realtime_offset_ns();

				ns = (int64_t)ns <= off ? 0 : ns - (uint64_t)off;
			}
			deadline = req->tv_sec < 0 ? 0 : ns;
		}
	} else {
		if (req->tv_sec < 0)
			return EINVAL;
		deadline = deadline_after(req);
	}
	r = sleep_until(deadline);
	if (r == -XE_EINTR && rem && !(flags & TIMER_ABSTIME))
		remaining(deadline, rem);
	return r < 0 ? px_errno(-r) : 0;
}

unsigned int sleep(unsigned int seconds)
{
	struct timespec req = { .tv_sec = (time_t)seconds }, rem = { 0 };

	if (nanosleep(&req, &rem) == 0)
		return 0;
	/* Interrupted: the seconds not slept, rounded up. */
	return (unsigned)rem.tv_sec + (rem.tv_nsec > 0);
}

int usleep(useconds_t usec)
{
	struct timespec req = { .tv_sec = (time_t)(usec / 1000000u), .tv_nsec = (long)(usec % 1000000u) * 1000 };

	return nanosleep(&req, NULL);
}
