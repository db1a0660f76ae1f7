/*
 * servers/proc/dispatch.c — a request to its handler: the shape protocols/
 * proc.def declares is checked first (exo_proto_check), the sender becomes a
 * process if it is not one yet, and the generated proc_serve decodes the
 * fields, runs the handler and puts the answer in the message. Apart from
 * main.c so that the unit tests run the same dispatch.
 */
#include "proc.h"

static const struct proc_handlers handlers = {
	.ids = op_ids,
	.fork = op_fork,
	.exec = op_exec,
	.wait = op_wait,
	.kill = op_kill,
	.setpgid = op_setpgid,
	.setsid = op_setsid,
	.getpgid = op_getpgid,
	.setids = op_setids,
	.getgroups = op_getgroups,
	.setgroups = op_setgroups,
	.list = op_list,
	.itimer = op_itimer,
	.getitimer = op_getitimer,
	.tcsetpgrp = op_tcsetpgrp,
	.tcgetpgrp = op_tcgetpgrp,
	.ttysig = op_ttysig,
	.chld = op_chld,
	.rlimit = op_rlimit,
	.space = op_space,
	.init = op_init,
	.childtimes = op_childtimes,
};

void proc_dispatch(struct req *r)
{
	uint32_t label = exo_tag_label(r->m->tag);
	int n;

	if (label == EXO_LABEL_CANCEL) {
		for (int i = 0; i < PROC_MAX; i++)
			if (S.procs[i].used && S.procs[i].waiter == r->from)
				S.procs[i].waiter = EXO_NILTHREAD;
		r->m->tag = exo_tag(0, 0, 0);
		return;
	}
	/* Checked before the sender becomes a process: a malformed request makes none. */
	if ((n = exo_proto_check(&proc_proto, r->m, r->from)) < 0) {
		r->m->tag = exo_tag((uint32_t)-n, 0, 0);
		return;
	}
	/* TTYSIG is the console server's, which is no process. */
	if (label != PROC_TTYSIG) {
		r->p = by_space(r->m->sender_space);
		if (!r->p && !(r->p = proc_adopt(r->m->sender_space))) {
			r->m->tag = exo_tag(XE_EAGAIN, 0, 0);
			return;
		}
	}
	if (proc_serve(&handlers, r, r->m, r->from) == EXO_PROTO_HELD)
		r->deferred = true; /* WAIT: answered by exo_reply, now or later */
}
