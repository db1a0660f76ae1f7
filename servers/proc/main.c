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

/* One handler an operation (the word counts come from PROC_OPS, checked in dispatch). */
static int (*const ops[PROC_OP_COUNT])(struct req *r, uint64_t *o) = {
	[PROC_IDS] = op_ids,             [PROC_FORK] = op_fork,
	[PROC_EXEC] = op_exec,           [PROC_WAIT] = op_wait,
	[PROC_KILL] = op_kill,           [PROC_SETPGID] = op_setpgid,
	[PROC_SETSID] = op_setsid,       [PROC_GETPGID] = op_getpgid,
	[PROC_SETIDS] = op_setids,       [PROC_GETGROUPS] = op_getgroups,
	[PROC_SETGROUPS] = op_setgroups, [PROC_LIST] = op_list,
	[PROC_ITIMER] = op_itimer,       [PROC_GETITIMER] = op_getitimer,
	[PROC_TCSETPGRP] = op_tcsetpgrp, [PROC_TCGETPGRP] = op_tcgetpgrp,
	[PROC_CHLD] = op_chld,           [PROC_RLIMIT] = op_rlimit,
	[PROC_SPACE] = op_space,         [PROC_INIT] = op_init,
	[PROC_CHILDTIMES] = op_childtimes,
};

static void dispatch(struct req *r)
{
	uint32_t label = exo_tag_label(r->m->tag);
	uint64_t o[10] = { 0 };
	int n;

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
	/* The shape protocols/proc.def declares: words, and strings only where declared. */
	if ((n = exo_proto_check(&proc_proto, r->m, r->from)) < 0) {
		out(r, n, 0, NULL);
		return;
	}
	r->p = by_space(r->m->sender_space);
	if (!r->p && !(r->p = proc_adopt(r->m->sender_space))) {
		out(r, -XE_EAGAIN, 0, NULL);
		return;
	}
	n = ops[label] ? ops[label](r, o) : -XE_ENOSYS;
	if (r->deferred || n == PROC_ANSWERED)
		return; /* held back (WAIT), or the handler answered with a string item */
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
