/*
 * servers/proc/signal.c — who may signal whom, and kill().
 */
#include <exo/signal.h>

#include "proc.h"

void post(struct proc *to, int sig, int code, int from_pid, uint32_t from_uid, uint32_t status)
{
	exo_siginfo_t si = { .sig = sig, .code = code, .pid = (uint32_t)from_pid, .uid = from_uid,
			     .status = (int32_t)status };

	if (to->state != 'Z' && to->space != EXO_NILSPACE && sig != 0)
		exo_signal_post(to->space, &si);
}

static bool may_signal(const struct proc *from, const struct proc *to, int sig)
{
	if (!from || from->euid == 0)
		return true;
	if (sig == EXO_SIGCONT && from->sid == to->sid)
		return true;
	return from->ruid == to->ruid || from->ruid == to->suid || from->euid == to->ruid ||
	       from->euid == to->suid;
}

/* kill(): returns 0 or a negative XE_ errno. `from` NULL: the system itself. */
int do_kill(struct proc *from, int64_t pid, int sig)
{
	int found = 0, allowed = 0;
	int pgid = 0;

	if (sig != 0 && !exo_sig_valid(sig))
		return -XE_EINVAL;
	if (pid > 0) {
		struct proc *t = by_pid((int)pid);

		if (!t || pid > 0x7fffffff)
			return -XE_ESRCH;
		if (!may_signal(from, t, sig))
			return -XE_EPERM;
		post(t, sig, from ? EXO_SI_USER : EXO_SI_KERNEL, from ? from->pid : 0, from ? from->ruid : 0, 0);
		return 0;
	}
	if (pid == 0)
		pgid = from ? from->pgid : 0;
	else if (pid < -1)
		pgid = pid < -0x7fffffff ? -1 : (int)-pid;
	for (int i = 0; i < PROC_MAX; i++) {
		struct proc *t = &S.procs[i];

		if (!t->used || t->state == 'Z')
			continue;
		if (pid == -1) {
			if (t->pid == 1 || t == from)
				continue;
		} else if (t->pgid != pgid) {
			continue;
		}
		found++;
		if (!may_signal(from, t, sig))
			continue;
		allowed++;
		post(t, sig, from ? EXO_SI_USER : EXO_SI_KERNEL, from ? from->pid : 0, from ? from->ruid : 0, 0);
	}
	if (pid == -1 && from && from->state != 'Z' && sig != 0 && allowed == 0 && found == 0)
		return -XE_ESRCH;
	if (!found)
		return -XE_ESRCH;
	return allowed ? 0 : -XE_EPERM;
}

int op_kill(void *ctx, const struct proc_kill_in *in)
{
	struct req *r = ctx;

	if (in->sig < 0 || in->sig > 0x7fffffff)
		return -XE_EINVAL;
	return do_kill(r->p, in->pid, (int)in->sig);
}

/* The console's keys (^C ^\ ^Z): only the console server may ask; to the foreground group. */
int op_ttysig(void *ctx, const struct proc_ttysig_in *in)
{
	struct req *r = ctx;

	if (server(&S.console, "console") != r->from) {
		S.console = EXO_NILTHREAD;
		if (server(&S.console, "console") != r->from)
			return -XE_EPERM;
	}
	if (in->sig < 0 || in->sig > 0x7fffffff || !exo_sig_valid((int)in->sig))
		return -XE_EINVAL;
	return S.tty_pgrp ? do_kill(NULL, -(int64_t)S.tty_pgrp, (int)in->sig) : -XE_ESRCH;
}
