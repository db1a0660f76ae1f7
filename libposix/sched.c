/*
 * libposix/sched.c — scheduling: sched_yield, sched_getparam/setparam,
 * sched_getscheduler/setscheduler, sched_get_priority_min/max,
 * sched_rr_get_interval, getpriority/setpriority, nice, as calls to the
 * scheduler server (exo/sched.h); and px_sched_call, which sleeping (time.c)
 * uses too.
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

static exo_tid_t sched_tid;

int px_sched_call(uint32_t label, unsigned n, const uint64_t *in, exo_msg_t *m)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		exo_err err;
		int old;

		/* Not cached while missing: a scheduler started later is found. */
		if (sched_tid == EXO_NILTHREAD && exo_lookup(SCHED_NAME, &sched_tid, EXO_TIMEOUT_ZERO) != EXO_OK)
			return -XE_ENOSYS;
		memset(m, 0, sizeof(*m));
		if (n)
			memcpy(m->mr, in, n * sizeof(uint64_t));
		m->tag = exo_tag(label, n, 0);
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

/* One request about `pid`: who, then up to two more words. 0 or -XE_*. */
static int ask(uint32_t label, long pid, unsigned extra, uint64_t a, uint64_t b, exo_msg_t *m)
{
	uint64_t in[3] = { 0, a, b };
	int r = px_sched_who(pid, &in[0]);

	return r < 0 ? r : px_sched_call(label, 1 + extra, in, m);
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
	exo_msg_t m;
	int r;

	if (!param)
		return px_fail(-XE_EINVAL);
	r = ask(SCHED_GETPARAM, pid, 0, 0, 0, &m);
	if (r < 0)
		return px_fail(r);
	memset(param, 0, sizeof(*param));
	param->sched_priority = (int)(int64_t)m.mr[0];
	return 0;
}

int sched_setparam(pid_t pid, const struct sched_param *param)
{
	exo_msg_t m;
	int r;

	if (!param)
		return px_fail(-XE_EINVAL);
	r = ask(SCHED_SETPARAM, pid, 1, (uint64_t)(int64_t)param->sched_priority, 0, &m);
	return r < 0 ? px_fail(r) : 0;
}

int sched_getscheduler(pid_t pid)
{
	exo_msg_t m;
	int r = ask(SCHED_GETSCHEDULER, pid, 0, 0, 0, &m);

	return r < 0 ? px_fail(r) : from_wire_policy(m.mr[0]);
}

int sched_setscheduler(pid_t pid, int policy, const struct sched_param *param)
{
	uint64_t w;
	exo_msg_t m;
	int r;

	if (!param)
		return px_fail(-XE_EINVAL);
	r = to_wire_policy(policy, &w);
	if (r == 0)
		r = ask(SCHED_SETSCHEDULER, pid, 2, w, (uint64_t)(int64_t)param->sched_priority, &m);
	return r < 0 ? px_fail(r) : from_wire_policy(m.mr[0]);
}

static int priority_limit(int policy, int max)
{
	uint64_t w;
	exo_msg_t m;
	int r = to_wire_policy(policy, &w);

	if (r == 0)
		r = px_sched_call(SCHED_PRIORITY_RANGE, 1, &w, &m);
	return r < 0 ? px_fail(r) : (int)(int64_t)m.mr[max ? 1 : 0];
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
	exo_msg_t m;
	int r;

	if (!t)
		return px_fail(-XE_EFAULT);
	r = ask(SCHED_RR_INTERVAL, pid, 0, 0, 0, &m);
	if (r < 0)
		return px_fail(r);
	t->tv_sec = (time_t)(m.mr[0] / 1000000000u);
	t->tv_nsec = (long)(m.mr[0] % 1000000000u);
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

int getpriority(int which, id_t who)
{
	exo_msg_t m;
	long pid = 0;
	int r = prio_who(which, who, &pid);

	if (r == 0)
		r = ask(SCHED_GETPRIORITY, pid, 0, 0, 0, &m);
	if (r < 0)
		return px_fail(r);
	errno = 0; /* -1 is a valid nice value: callers look at errno */
	return (int)(int64_t)m.mr[0];
}

int setpriority(int which, id_t who, int prio)
{
	exo_msg_t m;
	long pid = 0;
	int r = prio_who(which, who, &pid);

	if (r == 0)
		r = ask(SCHED_SETPRIORITY, pid, 1, (uint64_t)(int64_t)prio, 0, &m);
	return r < 0 ? px_fail(r) : 0;
}

int nice(int inc)
{
	exo_msg_t m;
	int64_t cur;
	int r = ask(SCHED_GETPRIORITY, 0, 0, 0, 0, &m);

	if (r < 0)
		return px_fail(r);
	cur = (int64_t)m.mr[0];
	if (inc > 40)
		inc = 40;
	if (inc < -40)
		inc = -40;
	r = ask(SCHED_SETPRIORITY, 0, 1, (uint64_t)(cur + inc), 0, &m);
	if (r < 0)
		return px_fail(r);
	r = ask(SCHED_GETPRIORITY, 0, 0, 0, 0, &m);
	if (r < 0)
		return px_fail(r);
	errno = 0;
	return (int)(int64_t)m.mr[0];
}
