/*
 * servers/sched/main.c — the scheduler server: scheduling parameters per
 * space, sleeping and yielding (see exo/sched.h and servers/sched/README.md).
 *
 * One thread, one loop: receive a request, answer it (or hold a SLEEP until
 * its deadline), receive the next. The receive timeout is the earliest
 * sleeper's deadline. Kernel notices of ended spaces drop their state.
 */
#include <stdio.h>
#include <string.h>

#include "sched.h"

int main(int argc, char **argv)
{
	static struct sched s;
	exo_tid_t to = EXO_NILTHREAD, from;
	exo_msg_t m;

	exo_init_args(&argc, argv);
	if (exo_register(SCHED_NAME) != EXO_OK || exo_space_watch() != EXO_OK) {
		fprintf(stderr, "sched: cannot register\n");
		return 1;
	}
	memset(&m, 0, sizeof(m));
	for (;;) {
		struct sreq r = { .s = &s, .m = &m };
		exo_err err;

		m.nbr = 0;                   /* no string items, no pages: such requests fail */
		m.rcv_window = EXO_FPAGE_NIL;
		err = exo_reply_wait(to, &m, sleep_timeout(&s), &from, NULL);
		to = EXO_NILTHREAD;
		if (err != EXO_OK) {
			sleep_settle(&s);
			continue;
		}
		if (exo_is_kernel_notice(from, &m)) {
			if (exo_tag_label(m.tag) == EXO_LABEL_SPACE_EXIT)
				sched_space_exit(&s, (exo_space_t)m.mr[0]);
			sleep_settle(&s);
			continue;
		}
		/* A thread has one call at a time: a sleep it left behind was abandoned. */
		sleep_forget_client(&s, from);
		r.from = from;
		r.space = m.sender_space;
		sched_dispatch(&r);
		to = r.deferred ? EXO_NILTHREAD : from;
		if (s.sleepers.count) {
			/* Answer this request first, then whoever is due. */
			if (to != EXO_NILTHREAD)
				exo_reply(to, &m);
			to = EXO_NILTHREAD;
			sleep_settle(&s);
		}
	}
}
