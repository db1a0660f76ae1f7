/*
 * servers/proc/main.c — the process server: who is who, who begat whom,
 * who may signal whom (see exo/proc.h and servers/proc/README.md). This
 * file is the loop and the dispatch of requests; the subjects have their
 * own files (dispatch.c, table.c, pid.c, wait.c, signal.c, session.c,
 * timer.c).
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
		r.from = from;
		proc_dispatch(&r);
		to = r.deferred ? EXO_NILTHREAD : from;
		timers_fire();
	}
}
