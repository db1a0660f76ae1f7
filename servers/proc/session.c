/*
 * servers/proc/session.c — process groups, sessions and the console's foreground group.
 */
#include "proc.h"

int op_setpgid(void *ctx, const struct proc_setpgid_in *in)
{
	struct req *r = ctx;
	int64_t pid = in->pid, pgid = in->pgid;
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

int op_setsid(void *ctx, struct proc_setsid_out *out)
{
	struct proc *p = ((struct req *)ctx)->p;

	if (p->pgid == p->pid || group_exists(p->pid, 0))
		return -XE_EPERM;
	p->sid = p->pgid = p->pid;
	out->sid = p->sid;
	return 0;
}

int op_tcsetpgrp(void *ctx, const struct proc_tcsetpgrp_in *in)
{
	struct req *r = ctx;
	int64_t pgid = in->pgid;
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

int op_getpgid(void *ctx, const struct proc_getpgid_in *in, struct proc_getpgid_out *out)
{
	struct req *r = ctx;
	uint64_t pid = (uint64_t)in->pid;
	struct proc *t = pid == 0 ? r->p : pid > 0x7fffffff ? NULL : by_pid((int)pid);

	if (!t)
		return -XE_ESRCH;
	out->pgid = t->pgid, out->sid = t->sid;
	return 0;
}

int op_tcgetpgrp(void *ctx, struct proc_tcgetpgrp_out *out)
{
	struct req *r = ctx;

	if (S.tty_sid != r->p->sid)
		return -XE_ENOTTY;
	out->pgid = S.tty_pgrp, out->sid = S.tty_sid;
	return 0;
}
