/*
 * sim/kernel/sched.c — scheduling parameters of a space, applied to its host
 * process (exo_space_sched, SIM_OP_SCHED).
 *
 * On the sim the host kernel decides which Linux thread runs. What Exo's
 * scheduler server decides for a space (policy, real-time priority, nice)
 * is handed to the host here, for every thread of the space's process: the
 * host's SCHED_OTHER with setpriority for nice, SCHED_FIFO/SCHED_RR with
 * their priority. The host may refuse (raising a priority needs privilege
 * there); the answer says what was applied, and the server keeps its own
 * values either way (docs/scheduling.md).
 *
 * Only the thread registered as "sched" may call it; the values are checked
 * before anything changes.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "kernel.h"

#define K_SCHED_NAME "sched" /* exo/sched.h SCHED_NAME; the kernel does not include server protocols */

static int host_policy(uint32_t policy)
{
	return policy == EXO_SCHED_FIFO ? SCHED_FIFO : policy == EXO_SCHED_RR ? SCHED_RR : SCHED_OTHER;
}

/* Apply p to every thread of pid; returns EXO_SCHED_APPLIED_* bits. */
static uint32_t apply(pid_t pid, const struct sim_sched *p)
{
	char path[64];
	struct dirent *e;
	bool any = false, pol_ok = true, nice_ok = true;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		struct sched_param sp = { .sched_priority = p->policy == EXO_SCHED_OTHER ? 0 : p->priority };
		int tid = atoi(e->d_name);

		if (tid <= 0)
			continue;
		any = true;
		if (sched_setscheduler(tid, host_policy(p->policy), &sp) < 0)
			pol_ok = false;
		if (p->policy == EXO_SCHED_OTHER && setpriority(PRIO_PROCESS, (id_t)tid, p->nice) < 0)
			nice_ok = false;
	}
	closedir(d);
	if (!any)
		return 0;
	return (pol_ok ? EXO_SCHED_APPLIED_POLICY : 0) |
	       (nice_ok && p->policy == EXO_SCHED_OTHER ? EXO_SCHED_APPLIED_NICE : 0);
}

exo_err k_sched_set(struct ksim *k, struct kthread *caller, exo_space_t space, const struct sim_sched *p,
		    uint32_t *applied)
{
	struct kname *n = k_name_find(k, K_SCHED_NAME);
	struct kspace *s;

	*applied = 0;
	if (!n || n->owner != caller)
		return EXO_EPERM;
	if (p->policy == EXO_SCHED_OTHER) {
		if (p->priority != 0 || p->nice < -20 || p->nice > 19)
			return EXO_EINVAL;
	} else if (p->policy == EXO_SCHED_FIFO || p->policy == EXO_SCHED_RR) {
		if (p->priority < 1 || p->priority > 99)
			return EXO_EINVAL;
	} else {
		return EXO_EINVAL;
	}
	s = k_space_find(k, space);
	if (!s || s->pid <= 0 || s->reaped)
		return EXO_ENOPARTNER;
	*applied = apply(s->pid, p);
	kdebug(k, "space %u (%s): policy %u priority %d nice %d, host applied %#x", s->id, s->label,
	       p->policy, p->priority, p->nice, *applied);
	return EXO_OK;
}
