/*
 * servers/proc/main.c — the process server: who is who, who begat whom,
 * who may signal whom (see exo/proc.h and servers/proc/README.md). This
 * file is the loop and the dispatch of requests; the subjects have their
 * own files (table.c, pid.c, wait.c, signal.c, session.c, timer.c).
 *
 * One thread, one loop. A WAIT that finds nothing to report is held back
 * and answered when a child ends, stops or continues (kernel notices of
 * spaces). The loop's receive timeout is the earliest interval timer, so the
 * server is also the clock of alarm() and setitimer().
 */
#include <stdio.h>
#include <string.h>

#include <exo/memory.h>
#include <exo/vfs.h>

#include "proc.h"

static void out(struct req *r, int err, unsigned n, const uint64_t *w)
{
	unsigned idx = n;

	if (err < 0) {
		r->m->tag = exo_tag((uint32_t)-err, 0, 0);
		return;
	}
	if (n)
		memcpy(r->m->mr, w, n * sizeof(uint64_t));
	r->m->tag = exo_tag(0, n, idx - n);
}

void out_data(struct req *r, uint64_t word, const void *data, uint32_t len)
{
	unsigned idx;

	r->m->mr[0] = word;
	idx = exo_msg_put_string(r->m, 1, data, len);
	r->m->tag = exo_tag(0, 1, idx - 1);
}

static void dispatch(struct req *r)
{
	uint32_t label = exo_tag_label(r->m->tag);
	uint64_t o[10] = { 0 };
	struct proc *p;
	int n = 0;

	if (label == EXO_LABEL_CANCEL) {
		for (int i = 0; i < PROC_MAX; i++)
			if (S.procs[i].used && S.procs[i].waiter == r->from)
				S.procs[i].waiter = EXO_NILTHREAD;
		out(r, 0, 0, NULL);
		return;
	}
	if (label == PROC_TTYSIG) {
		/* Only the console's keys (^C ^\ ^Z) signal the foreground group. */
		if (server(&S.console, "console") != r->from) {
			S.console = EXO_NILTHREAD;
			if (server(&S.console, "console") != r->from) {
				out(r, -XE_EPERM, 0, NULL);
				return;
			}
		}
		if (!exo_sig_valid((int)r->m->mr[0]) || exo_tag_untyped(r->m->tag) != 1)
			out(r, -XE_EINVAL, 0, NULL);
		else
			out(r, S.tty_pgrp ? do_kill(NULL, -(int64_t)S.tty_pgrp, (int)r->m->mr[0]) : -XE_ESRCH, 0,
			    NULL);
		return;
	}
	if (label == 0 || label >= PROC_OP_COUNT || exo_tag_untyped(r->m->tag) != proc_op_in[label]) {
		out(r, label == 0 || label >= PROC_OP_COUNT ? -XE_ENOSYS : -XE_EINVAL, 0, NULL);
		return;
	}
	p = r->p = by_space(r->m->sender_space);
	if (!p && !(p = r->p = proc_adopt(r->m->sender_space))) {
		out(r, -XE_EAGAIN, 0, NULL);
		return;
	}
	switch (label) {
	case PROC_IDS:
		o[0] = (uint64_t)p->pid, o[1] = (uint64_t)p->ppid, o[2] = (uint64_t)p->pgid;
		o[3] = (uint64_t)p->sid, o[4] = p->ruid, o[5] = p->euid, o[6] = p->suid;
		o[7] = p->rgid, o[8] = p->egid, o[9] = p->sgid;
		n = 10;
		break;
	case PROC_FORK:
		n = op_fork(r, o);
		if (n == 0)
			n = 1;
		break;
	case PROC_EXEC:
		if (r->data) {
			size_t len = r->data_len < PROC_COMM_MAX ? r->data_len : PROC_COMM_MAX;

			memcpy(p->comm, r->data, len);
			p->comm[len] = 0;
		}
		p->execed = true;
		break;
	case PROC_WAIT:
		n = op_wait(r, o);
		if (r->deferred)
			return;
		break;
	case PROC_KILL:
		n = do_kill(p, (int64_t)r->m->mr[0], (int)r->m->mr[1]);
		break;
	case PROC_SETPGID:
		n = op_setpgid(r);
		break;
	case PROC_SETSID:
		n = op_setsid(r, o);
		break;
	case PROC_GETPGID: {
		struct proc *t = r->m->mr[0] == 0 ? p : r->m->mr[0] > 0x7fffffff ? NULL : by_pid((int)r->m->mr[0]);

		if (!t) {
			n = -XE_ESRCH;
		} else {
			o[0] = (uint64_t)t->pgid, o[1] = (uint64_t)t->sid;
			n = 2;
		}
		break;
	}
	case PROC_SETIDS:
		n = op_setids(r);
		break;
	case PROC_GETGROUPS:
		out_data(r, p->ngroups, p->groups, (uint32_t)(p->ngroups * sizeof(uint32_t)));
		return;
	case PROC_SETGROUPS:
		n = op_setgroups(r);
		break;
	case PROC_LIST:
		op_list(r);
		return;
	case PROC_ITIMER:
		n = op_itimer(r, o);
		break;
	case PROC_GETITIMER: {
		uint64_t now = now_ns();

		o[0] = p->it_deadline ? (p->it_deadline > now ? p->it_deadline - now : 1) : 0;
		o[1] = p->it_interval;
		n = 2;
		break;
	}
	case PROC_TCSETPGRP:
		n = op_tcsetpgrp(r);
		break;
	case PROC_TCGETPGRP:
		if (S.tty_sid != p->sid) {
			n = -XE_ENOTTY;
		} else {
			o[0] = (uint64_t)S.tty_pgrp, o[1] = (uint64_t)S.tty_sid;
			n = 2;
		}
		break;
	case PROC_CHLD:
		p->chld = (unsigned)r->m->mr[0] & (PCHLD_NOCLDSTOP | PCHLD_NOCLDWAIT);
		if (p->chld & PCHLD_NOCLDWAIT) {
			/* Zombies it has now are not waited for either. */
			for (int i = 0; i < PROC_MAX; i++)
				if (S.procs[i].used && S.procs[i].ppid == p->pid && S.procs[i].state == 'Z')
					wait_consume(p, &S.procs[i]);
		}
		break;
	case PROC_RLIMIT:
		n = op_rlimit(r, o);
		break;
	case PROC_SPACE: {
		struct proc *t = r->m->mr[0] == 0 ? p : r->m->mr[0] > 0x7fffffff ? NULL : by_pid((int)r->m->mr[0]);

		if (!t || t->state == 'Z') {
			n = -XE_ESRCH;
		} else {
			o[0] = t->space;
			n = 1;
		}
		break;
	}
	case PROC_CHILDTIMES:
		o[0] = p->cutime;
		o[1] = p->cstime;
		n = 2;
		break;
	case PROC_INIT: {
		bool kids = false;

		for (int i = 0; i < PROC_MAX; i++)
			if (S.procs[i].used && S.procs[i].ppid == p->pid)
				kids = true;
		if (by_pid(1) || kids) {
			n = p->pid == 1 ? 0 : -XE_EBUSY;
			break;
		}
		p->pid = p->pgid = p->sid = 1;
		p->ppid = 0;
		/* Processes with no parent now have init. */
		for (int i = 0; i < PROC_MAX; i++)
			if (S.procs[i].used && &S.procs[i] != p && S.procs[i].ppid == 0)
				S.procs[i].ppid = 1;
		break;
	}
	}
	out(r, n < 0 ? n : 0, n > 0 ? (unsigned)n : 0, o);
}

int main(int argc, char **argv)
{
	static uint8_t inbuf[EXO_STRING_MAX + 1];
	exo_tid_t to = EXO_NILTHREAD, from;
	exo_msg_t m;

	exo_init_args(&argc, argv);
	S.next_pid = 2;
	if (exo_register(PROC_NAME) != EXO_OK || exo_space_watch() != EXO_OK) {
		fprintf(stderr, "proc: cannot register\n");
		return 1;
	}
	memset(&m, 0, sizeof(m));
	for (;;) {
		struct req r = { .m = &m };
		char *data;
		exo_err err;

		m.nbr = 0;
		exo_msg_accept_string(&m, inbuf, EXO_STRING_MAX);
		err = exo_reply_wait(to, &m, timer_timeout(), &from, NULL);
		to = EXO_NILTHREAD;
		if (err != EXO_OK) {
			timers_fire();
			continue;
		}
		if (exo_is_kernel_notice(from, &m)) {
			if (exo_tag_label(m.tag) == EXO_LABEL_SPACE_EXIT && exo_tag_untyped(m.tag) >= 4)
				space_exit((exo_space_t)m.mr[0], (uint32_t)m.mr[1], m.mr[2], m.mr[3]);
			else if (exo_tag_label(m.tag) == EXO_LABEL_SPACE_STATE && exo_tag_untyped(m.tag) >= 2)
				space_state((exo_space_t)m.mr[0], (uint32_t)m.mr[1]);
			timers_fire();
			continue;
		}
		if (exo_msg_strings(&m, &data, &r.data_len, 1, 0) == 1)
			r.data = data;
		r.from = from;
		dispatch(&r);
		to = r.deferred ? EXO_NILTHREAD : from;
		timers_fire();
	}
}
