/*
 * tests/integration/echo.c — the echo server's loop (protocol in support.h)
 * and t_call, its simplest client.
 * Only libexo and ISO C: it is built for both targets (the riscv64 kernel
 * tests spawn it as a space of its own).
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Noreturn void t_echo_serve(const char *name)
{
	static char buf[EXO_BR_COUNT][4096];
	exo_tid_t to = EXO_NILTHREAD, from = EXO_NILTHREAD, held = EXO_NILTHREAD;
	exo_err last_reply_err = EXO_OK, rerr;
	uint64_t served = 0;
	exo_msg_t m;

	if (exo_register(name) != EXO_OK) {
		fprintf(stderr, "echo: cannot register %s\n", name);
		exit(1);
	}
	memset(&m, 0, sizeof(m));
	for (;;) {
		exo_err err;

		m.nbr = 0;
		for (int i = 0; i < EXO_BR_COUNT; i++)
			exo_msg_accept_string(&m, buf[i], sizeof(buf[i]));
		err = exo_reply_wait(to, &m, EXO_TIMEOUT_NEVER, &from, &rerr);
		if (to != EXO_NILTHREAD && rerr != EXO_OK)
			last_reply_err = rerr;
		to = EXO_NILTHREAD;
		if (err != EXO_OK)
			continue;
		served++;
		switch (exo_tag_label(m.tag)) {
		case ECHO_ECHO:
			m.tag = exo_tag(ECHO_ECHO + 1, exo_tag_untyped(m.tag), exo_tag_typed(m.tag));
			to = from;
			break;
		case ECHO_HOLD:
			held = from;
			break;
		case ECHO_RELEASE: {
			exo_msg_t r = { .tag = exo_tag(ECHO_HOLD + 1, 1, 0), .mr = { 1 } };

			rerr = held != EXO_NILTHREAD ? exo_reply(held, &r) : EXO_ENOPARTNER;
			if (rerr != EXO_OK)
				last_reply_err = rerr;
			held = EXO_NILTHREAD;
			m.tag = exo_tag(ECHO_RELEASE + 1, 1, 0);
			m.mr[0] = rerr;
			to = from;
			break;
		}
		case ECHO_STATUS:
			m.tag = exo_tag(ECHO_STATUS + 1, 3, 0);
			m.mr[0] = last_reply_err;
			m.mr[1] = served;
			m.mr[2] = held;
			to = from;
			break;
		case ECHO_WHO:
			m.tag = exo_tag(ECHO_WHO + 1, 1, 0);
			m.mr[0] = from;
			to = from;
			break;
		default:
			m.tag = exo_tag(0xdead, 0, 0);
			to = from;
			break;
		}
	}
}

exo_err t_call(exo_tid_t to, uint32_t label, uint64_t a, uint64_t b, exo_msg_t *reply)
{
	exo_msg_t m = { .tag = exo_tag(label, 2, 0), .mr = { a, b } };
	exo_err err = exo_call(to, &m, exo_timeout_ms(10000), exo_timeout_ms(10000));

	if (reply)
		*reply = m;
	return err;
}
