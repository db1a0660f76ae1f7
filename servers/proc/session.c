/*
 * servers/proc/session.c — process groups, sessions and the console's foreground group.
 */
#include "proc.h"

int op_setpgid(struct req *r, uint64_t *o)
{
	(void)o;
	int64_t pid = (int64_t)r->m->mr[0], pgid = (int64_t)r->m->mr[1];
	struct proc *t;

	if (pgid < 0 || pgid > 0x7fffffff || pid < 0 || pid > 0x7fffffff)
		return -XE_EINVAL;
	t = pid == 0 ? r->p : by_pid((int)pid);
	if (!t || t->state == 'Z' || (t != r->p && t->ppid != r->p->pid))
		return -XE_ESRCH;
	if (t != r->p && t->execed)
		return -XE_EACCES;
	if (t->sid != r->p->sid || t->sid == t->pid)
		return -XE_EPERM;
	if (pgid == 0)
		pgid = t->pid;
	if (pgid != t->pid && !group_exists((int)pgid, r->p->sid))
		return -XE_EPERM;
	t->pgid = (int)pgid;
	return 0;
}

int op_setsid(struct req *r, uint64_t *o)
{
	struct proc *p = r->p;

	if (p->pgid == p->pid || group_exists(p->pid, 0))
		return -XE_EPERM;
	p->sid = p->pgid = p->pid;
	o[0] = (uint64_t)p->sid;
	return 1;
}

int op_tcsetpgrp(struct req *r, uint64_t *o)
{
	(void)o;
	int64_t pgid = (int64_t)r->m->mr[0];
	struct proc *lead = by_pid(S.tty_sid);

	if (pgid <= 0 || pgid > 0x7fffffff)
		return -XE_EINVAL;
	if (S.tty_sid == 0 || !lead || lead->state == 'Z') {
		/* The console has no session: the caller's takes it. */
		S.tty_sid = r->p->sid;
	}
	if (r->p->sid != S.tty_sid)
		return -XE_ENOTTY;
	if (!group_exists((int)pgid, S.tty_sid))
		return -XE_EPERM;
	S.tty_pgrp = (int)pgid;
	return 0;
}

int op_getpgid(struct req *r, uint64_t *o)
{
	struct proc *t = r->m->mr[0] == 0 ? r->p : r->m->mr[0] > 0x7fffffff ? NULL : by_pid((int)r->m->mr[0]);

	if (!t)
		return -XE_ESRCH;
	o[0] = (uint64_t)t->pgid, o[1] = (uint64_t)t->sid;
	return 2;
}

int op_tcgetpgrp(struct req *r, uint64_t *o)
{
	if (S.tty_sid != r->p->sid)
		return -XE_ENOTTY;
	o[0] = (uint64_t)S.tty_pgrp, o[1] = (uint64_t)S.tty_sid;
	return 2;
}
