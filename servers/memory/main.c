/*
 * servers/memory/main.c — the memory server: sigma0 and the pager of every
 * space (see exo/memory.h and servers/memory/README.md).
 *
 *   memory [--limit PAGES]     started by the boot list with --sigma0
 *
 * One thread, one loop: receive a request or a fault, answer it, receive the
 * next (reply-and-wait). Kernel notices of ended spaces free their pages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memory.h"

int main(int argc, char **argv)
{
	static struct memsrv ms = { .default_limit = 32768 };
	static char names[EXO_BR_COUNT][64];
	exo_tid_t to = EXO_NILTHREAD, from;
	exo_msg_t m;

	exo_init_args(&argc, argv);
	for (int i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], "--limit") == 0)
			ms.default_limit = strtoull(argv[++i], NULL, 0);
	if (frames_init(&ms) < 0) {
		fprintf(stderr, "memory: not sigma0 (start it with `start memory --sigma0 ...`)\n");
		return 1;
	}
	if (exo_register(MEM_NAME) != EXO_OK || exo_set_pager(0, exo_myself()) != EXO_OK) {
		fprintf(stderr, "memory: cannot register as the pager\n");
		return 1;
	}
	memset(&m, 0, sizeof(m));
	for (;;) {
		struct mem_req r = { .ms = &ms, .m = &m };
		exo_err err;

		m.nbr = 0;
		exo_msg_accept_string(&m, names[0], sizeof(names[0]) - 1);
		m.rcv_window = EXO_FPAGE_NIL;
		err = exo_reply_wait(to, &m, EXO_TIMEOUT_NEVER, &from, NULL);
		to = EXO_NILTHREAD;
		if (err != EXO_OK)
			continue;
		if (exo_is_kernel_notice(from, &m)) {
			if (exo_tag_label(m.tag) == EXO_LABEL_SPACE_EXIT) {
				mspace_exit(&ms, (exo_space_t)m.mr[0]);
				shm_forget_space(&ms, (exo_space_t)m.mr[0]);
				mem_forget_proc(&ms, (exo_space_t)m.mr[0]);
			}
			continue;
		}
		r.from = from;
		r.space = m.sender_space;
		mem_dispatch(&r);
		to = from;
	}
}
