/*
 * servers/proc/wait.c — wait, and what a child's end, stop or continue does (kernel notices); what a wait consumes and when (README.md).
 */
#include <string.h>

#include "proc.h"

static exo_msg_t reply_msg;

static bool wait_matches(const struct proc *w, const struct proc *c, int64_t sel)
{
	if (!c->used || c->ppid != w->pid)
		return false;
	if (sel > 0)
		return c->pid == sel;
	if (sel == -1)
		return true;
	if (sel == 0)
		return c->pgid == w->pgid;
	return c->pgid == -sel;
}

/*
 * Look for something to report: 1 (out[] filled, *hit the child it is about),
 * 0 (nothing yet), or -XE_ECHILD. Nothing is consumed here: the caller does
 * that with wait_consume once the answer is delivered, so a waiter that a
 * signal interrupted in between loses neither a zombie nor a stop report.
 */
static int wait_find(struct proc *w, int64_t sel, unsigned opt, uint64_t out[4], struct proc **hit)
{
	bool any = false;

	*hit = NULL;
	for (int i = 0; i < PROC_MAX; i++) {
		struct proc *c = &S.procs[i];

		if (!wait_matches(w, c, sel))
			continue;
		any = true;
		if (c->state == 'Z') {
			out[0] = (uint64_t)c->pid;
			out[1] = c->wstatus;
			out[2] = c->utime;
			out[3] = c->stime;
			*hit = c;
			return 1;
		}
		if (c->report && (((opt & PW_UNTRACED) && c->report != EXO_W_CONTINUED) ||
				  ((opt & PW_CONTINUED) && c->report == EXO_W_CONTINUED))) {
			out[0] = (uint64_t)c->pid;
			out[1] = c->report;
			out[2] = out[3] = 0;
			*hit = c;
			return 1;
		}
	}
	return any ? 0 : -XE_ECHILD;
}

/* w was told about c: a zombie is freed, a stop or continue report is spent. */
void wait_consume(struct proc *w, struct proc *c)
{
	if (c->state != 'Z') {
		c->report = 0;
		return;
	}
	w->cutime += c->utime + c->cutime;
	w->cstime += c->stime + c->cstime;
	proc_free(c);
}

/* A held-back WAIT of w may be answerable now. */
static void wait_wake(struct proc *w)
{
	uint64_t out[4];
	struct proc *c;
	int r;

	if (!w || w->waiter == EXO_NILTHREAD)
		return;
	r = wait_find(w, w->wait_sel, w->wait_opt, out, &c);
	if (r == 0)
		return;
	memset(&reply_msg, 0, sizeof(reply_msg));
	if (r > 0) {
		memcpy(reply_msg.mr, out, sizeof(out));
		reply_msg.tag = exo_tag(0, 4, 0);
	} else {
		reply_msg.tag = exo_tag((uint32_t)-r, 0, 0);
	}
	/* Consume only what the waiter took (a signal may have interrupted it). */
	if (exo_reply(w->waiter, &reply_msg) == EXO_OK && c)
		wait_consume(w, c);
	w->waiter = EXO_NILTHREAD;
}

static void became_orphan(struct proc *c)
{
	struct proc *init = by_pid(1);

	if (init && init != c && init->state != 'Z') {
		c->ppid = 1;
		if (c->state == 'Z') {
			post(init, EXO_SIGCHLD, EXO_CLD_EXITED, c->pid, c->ruid, c->wstatus);
			wait_wake(init);
		}
	} else {
		c->ppid = 0;
		if (c->state == 'Z')
			proc_free(c);
	}
}

void space_exit(exo_space_t space, uint32_t wstatus, uint64_t utime, uint64_t stime)
{
	struct proc *p = by_space(space), *parent;
	int code;

	if (!p)
		return;
	p->space = EXO_NILSPACE;
	p->state = 'Z';
	p->wstatus = wstatus == EXO_W_UNKNOWN ? EXO_W_EXITED(0) : wstatus;
	p->utime = utime;
	p->stime = stime;
	p->it_deadline = 0;
	p->waiter = EXO_NILTHREAD;
	if (S.tty_sid == p->pid && p->sid == p->pid) {
		/* The console's session leader is gone: its foreground group hangs up. */
		if (S.tty_pgrp)
			do_kill(NULL, -(int64_t)S.tty_pgrp, EXO_SIGHUP);
		S.tty_sid = S.tty_pgrp = 0;
	}
	for (int i = 0; i < PROC_MAX; i++)
		if (S.procs[i].used && &S.procs[i] != p && S.procs[i].ppid == p->pid)
			became_orphan(&S.procs[i]);
	parent = by_pid(p->ppid);
	if (!parent || parent->state == 'Z') {
		proc_free(p);
		return;
	}
	code = (p->wstatus & 0x7f) == 0 ? EXO_CLD_EXITED
	       : (p->wstatus & 0x80) ? EXO_CLD_DUMPED : EXO_CLD_KILLED;
	post(parent, EXO_SIGCHLD, code, p->pid, p->ruid, p->wstatus);
	if (parent->chld & PCHLD_NOCLDWAIT) {
		wait_consume(parent, p);
		if (parent->waiter != EXO_NILTHREAD)
			wait_wake(parent); /* perhaps ECHILD now */
		return;
	}
	wait_wake(parent);
}

void space_state(exo_space_t space, uint32_t wstatus)
{
	struct proc *p = by_space(space), *parent;
	bool cont = wstatus == EXO_W_CONTINUED;

	if (!p || p->state == 'Z')
		return;
	p->state = cont ? 'R' : 'T';
	p->report = wstatus;
	parent = by_pid(p->ppid);
	if (!parent)
		return;
	if (!(parent->chld & PCHLD_NOCLDSTOP))
		post(parent, EXO_SIGCHLD, cont ? EXO_CLD_CONTINUED : EXO_CLD_STOPPED, p->pid, p->ruid,
		     wstatus);
	wait_wake(parent);
}

int op_wait(void *ctx, const struct proc_wait_in *in, struct proc_wait_out *out)
{
	struct req *r = ctx;
	int64_t sel = in->selector;
	unsigned opt = (unsigned)in->options;
	uint64_t o[4];
	struct proc *z;
	int f;

	if (in->options & ~(uint64_t)(PW_NOHANG | PW_UNTRACED | PW_CONTINUED) || sel < -(int64_t)0x7fffffff ||
	    sel > 0x7fffffff)
		return -XE_EINVAL;
	if (r->p->waiter != EXO_NILTHREAD && r->p->waiter != r->from)
		return -XE_EAGAIN; /* one held-back wait per process (threads: later) */
	f = wait_find(r->p, sel, opt, o, &z);
	if (f < 0)
		return f;
	if (f == 0 && (opt & PW_NOHANG)) {
		memset(out, 0, sizeof(*out));
		return 0;
	}
	/*
	 * Held back, or answered at once through wait_wake: either way the
	 * answer goes by exo_reply, whose result says whether the caller took
	 * it, and only then is the zombie or report consumed.
	 */
	r->p->waiter = r->from;
	r->p->wait_sel = sel;
	r->p->wait_opt = opt;
	r->deferred = true;
	if (f > 0)
		wait_wake(r->p);
	return EXO_PROTO_HELD; /* answered (or to be) by exo_reply */
}

int op_chld(void *ctx, const struct proc_chld_in *in)
{
	struct proc *p = ((struct req *)ctx)->p;

	p->chld = (unsigned)in->flags & (PCHLD_NOCLDSTOP | PCHLD_NOCLDWAIT);
	if (p->chld & PCHLD_NOCLDWAIT) {
		/* Zombies it has now are not waited for either. */
		for (int i = 0; i < PROC_MAX; i++)
			if (S.procs[i].used && S.procs[i].ppid == p->pid && S.procs[i].state == 'Z')
				wait_consume(p, &S.procs[i]);
	}
	return 0;
}

int op_childtimes(void *ctx, struct proc_childtimes_out *out)
{
	struct proc *p = ((struct req *)ctx)->p;

	out->utime = p->cutime;
	out->stime = p->cstime;
	return 0;
}
