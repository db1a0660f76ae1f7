/*
 * libposix/sched.c — scheduling: sched_yield, sched_getparam/setparam,
 * sched_getscheduler/setscheduler, sched_get_priority_min/max,
 * sched_rr_get_interval, getpriority/setpriority, nice, as calls to the
 * scheduler server through the stubs made from protocols/sched.def
 * (sched_proto.h); and px_sched_call, their transport, which sleeping
 * (time.c) uses too.
 *
 * The C library's policy numbers become Exo's XSCHED_* here. A process id
 * names a space through px_sched_who: until the process server exists the
 * only process a caller can name is itself (0, or its own id).
 */
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <exo/errno.h>
#include <exo/sched.h>

#include "px.h"
#include "sched_proto.h"

static exo_tid_t sched_tid;

int px_sched_call(exo_msg_t *m)
{
	exo_msg_t req = *m; /* sent again as it was if the server restarted */
	uint32_t label = exo_tag_label(m->tag);

	for (int attempt = 0; attempt < 2; attempt++) {
		exo_err err;
		int old;

		/* Not cached while missing: a scheduler started later is found. */
		if (sched_tid == EXO_NILTHREAD && exo_lookup(SCHED_NAME, &sched_tid, EXO_TIMEOUT_ZERO) != EXO_OK)
			return -XE_ENOSYS;
		*m = req;
		old = label == SCHED_SLEEP ? -1 : px_intr(PX_INTR_NONE); /* only SLEEP waits */
		err = exo_call(sched_tid, m, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER);
		if (old >= 0)
			px_intr(old);
		if (err == EXO_OK)
			return -(int)exo_tag_label(m->tag);
		if (err == EXO_ECANCELED) {
			px_cancel(sched_tid); /* the sleep it holds for us goes */
			return -XE_EINTR;
		}
		if (err != EXO_ENOPARTNER && err != EXO_EDEAD)
			return -XE_EIO;
		sched_tid = EXO_NILTHREAD; /* the server restarted: find it again */
	}
	return -XE_ENOSYS;
}

/*
 * The space a process id names for the scheduler (0: the caller). The one
 * place that maps process ids: until the process server exists, a process
 * can name only itself, by 0 or by its own id (today its space id), and any
 * other id is ESRCH. The process server will answer this instead.
 */
static int px_sched_who(long pid, uint64_t *who)
{
	if (pid < 0)
		return -XE_EINVAL;
	if (pid == 0 || (uint64_t)pid == exo_my_space()) {
		*who = 0;
		return 0;
	}
	return -XE_ESRCH;
}

static int to_wire_policy(int policy, uint64_t *w)
{
	switch (policy) {
	case SCHED_OTHER:
		*w = XSCHED_OTHER;
		return 0;
	case SCHED_FIFO:
		*w = XSCHED_FIFO;
		return 0;
	case SCHED_RR:
		*w = XSCHED_RR;
		return 0;
	default:
		return -XE_EINVAL;
	}
}

static int from_wire_policy(uint64_t w)
{
	return w == XSCHED_FIFO ? SCHED_FIFO : w == XSCHED_RR ? SCHED_RR : SCHED_OTHER;
}

int sched_yield(void)
{
	/*
	 * On the sim the host's scheduler does the giving up, and a yield is
	 * no kernel call: sanitizer runtimes call sched_yield while they hold
	 * their own locks (LeakSanitizer's stop-the-world at exit), where
	 * joining the kernel would deadlock. The scheduler server keeps its
	 * YIELD operation for callers that want it counted.
	 */
	exo_yield();
	return 0;
}

int sched_getparam(pid_t pid, struct sched_param *param)
{
	struct sched_getparam_in in;
	struct sched_getparam_out out;
	int r;

	if (!param)
		return px_fail(-XE_EINVAL);
	r = px_sched_who(pid, &in.who);
	if (r == 0)
		r = sched_call_getparam(px_sched_call, &in, &out);
	if (r < 0)
		return px_fail(r);
	memset(param, 0, sizeof(*param));
	param->sched_priority = (int)out.priority;
	return 0;
}

int sched_setparam(pid_t pid, const struct sched_param *param)
{
	struct sched_setparam_in in;
	struct sched_setparam_out out;
	int r;

	if (!param)
		return px_fail(-XE_EINVAL);
	in.priority = param->sched_priority;
	r = px_sched_who(pid, &in.who);
	if (r == 0)
		r = sched_call_setparam(px_sched_call, &in, &out);
	return r < 0 ? px_fail(r) : 0;
}

int sched_getscheduler(pid_t pid)
{
	struct sched_getscheduler_in in;
	struct sched_getscheduler_out out;
	int r = px_sched_who(pid, &in.who);

	if (r == 0)
		r = sched_call_getscheduler(px_sched_call, &in, &out);
	return r < 0 ? px_fail(r) : from_wire_policy(out.policy);
}

int sched_setscheduler(pid_t pid, int policy, const struct sched_param *param)
{
	struct sched_setscheduler_in in;
	struct sched_setscheduler_out out;
	int r;

	if (!param)
		return px_fail(-XE_EINVAL);
	in.priority = param->sched_priority;
	r = to_wire_policy(policy, &in.policy);
	if (r == 0)
		r = px_sched_who(pid, &in.who);
	if (r == 0)
		r = sched_call_setscheduler(px_sched_call, &in, &out);
	return r < 0 ? px_fail(r) : from_wire_policy(out.old);
}

static int priority_limit(int policy, int max)
{
	struct sched_priority_range_in in;
	struct sched_priority_range_out out;
	int r = to_wire_policy(policy, &in.policy);

	if (r == 0)
		r = sched_call_priority_range(px_sched_call, &in, &out);
	return r < 0 ? px_fail(r) : (int)(max ? out.max : out.min);
}

int sched_get_priority_min(int policy)
{
	return priority_limit(policy, 0);
}

int sched_get_priority_max(int policy)
{
	return priority_limit(policy, 1);
}

int sched_rr_get_interval(pid_t pid, struct timespec *t)
{
	struct sched_rr_interval_in in;
	struct sched_rr_interval_out out;
	int r;

	if (!t)
		return px_fail(-XE_EFAULT);
	r = px_sched_who(pid, &in.who);
	if (r == 0)
		r = sched_call_rr_interval(px_sched_call, &in, &out);
	if (r < 0)
		return px_fail(r);
	t->tv_sec = (time_t)(out.ns / 1000000000u);
	t->tv_nsec = (long)(out.ns % 1000000000u);
	return 0;
}

/* PRIO_PROCESS only: process groups and users belong to the process server. */
static int prio_who(int which, id_t who, long *pid)
{
	if (which == PRIO_PGRP || which == PRIO_USER)
		return who == 0 ? -XE_ENOTSUP : -XE_ESRCH;
	if (which != PRIO_PROCESS)
		return -XE_EINVAL;
	*pid = (long)who;
	return 0;
}

/* The nice value of process pid (0: the caller). 0 or -XE_*. */
static int get_nice(long pid, int64_t *nice)
{
	struct sched_getpriority_in in;
	struct sched_getpriority_out out;
	int r = px_sched_who(pid, &in.who);

	if (r == 0)
		r = sched_call_getpriority(px_sched_call, &in, &out);
	if (r == 0)
		*nice = out.nice;
	return r;
}

static int set_nice(long pid, int64_t nice)
{
	struct sched_setpriority_in in = { .nice = nice };
	struct sched_setpriority_out out;
	int r = px_sched_who(pid, &in.who);

	return r < 0 ? r : sched_call_setpriority(px_sched_call, &in, &out);
}

int getpriority(int which, id_t who)
{
	long pid = 0;
	int64_t nice = 0;
	int r = prio_who(which, who, &pid);

	if (r == 0)
		r = get_nice(pid, &nice);
	if (r < 0)
		return px_fail(r);
	errno = 0; /* -1 is a valid nice value: callers look at errno */
	return (int)nice;
}

int setpriority(int which, id_t who, int prio)
{
	long pid = 0;
	int r = prio_who(which, who, &pid);

	if (r == 0)
		r = set_nice(pid, prio);
	return r < 0 ? px_fail(r) : 0;
}

int nice(int inc)
{
	int64_t cur = 0;
	int r = get_nice(0, &cur);

	if (r < 0)
		return px_fail(r);
	if (inc > 40)
		inc = 40;
	if (inc < -40)
		inc = -40;
	r = set_nice(0, cur + inc);
	if (r == 0)
		r = get_nice(0, &cur);
	if (r < 0)
		return px_fail(r);
	errno = 0;
	return (int)cur;
}
