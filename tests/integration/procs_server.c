/*
 * tests/integration/procs_server.c — the process server against requests
 * libposix never sends: unknown labels, word counts that are not the
 * operation's, arguments out of range, a reply that does not fit. Each is
 * a row of a table; the server must answer each and go on serving.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>

#include <cmocka.h>

#include <exo/errno.h>
#include <exo/exo.h>
#include <exo/posix.h>
#include <exo/proc.h>
#include "procs.h"
#include "proc_proto.h"

/* A raw request to the process server: the reply's label (0 or an XE_* errno). */
static uint32_t proc_raw(uint32_t label, unsigned u, const uint64_t *w, const void *data, uint32_t len,
			 int offer)
{
	static char rbuf[16];
	exo_tid_t srv = EXO_NILTHREAD;
	exo_msg_t m;
	unsigned idx = u;
	exo_err err;

	assert_int_equal(exo_lookup(PROC_NAME, &srv, exo_timeout_ms(5000)), EXO_OK);
	memset(&m, 0, sizeof(m));
	if (u)
		memcpy(m.mr, w, u * sizeof(uint64_t));
	if (data)
		idx = exo_msg_put_string(&m, idx, data, len);
	m.tag = exo_tag(label, u, idx - u);
	if (offer)
		exo_msg_accept_string(&m, rbuf, sizeof(rbuf)); /* smaller than any process table */
	err = exo_call(srv, &m, exo_timeout_ms(5000), exo_timeout_ms(5000));
	if (err != EXO_OK)
		return 0x10000u + (uint32_t)err;
	return exo_tag_label(m.tag);
}

/* One raw request and the label its reply must carry. */
struct bad_request {
	const char *what;
	uint32_t label;
	unsigned u;            /* untyped words sent: w[0..u-1] */
	uint64_t w[4];
	uint32_t strlen;       /* bytes of a zeroed string item, 0 = none */
	uint32_t want;
};

/* Bad requests get errors; the process server keeps answering everyone. */
void test_the_process_server_refuses_hostile_requests(void **state)
{
	static const uint32_t junk[40] = { 0 };
	const pid_t me = getpid();
	const struct bad_request bad[] = {
		{ "label 0", 0, 0, { 0 }, 0, XE_ENOSYS },
		{ "label 999", 999, 0, { 0 }, 0, XE_ENOSYS },
		{ "label 0x7fffffff", 0x7fffffff, 0, { 0 }, 0, XE_ENOSYS },
		/* Word counts that are not the operation's. */
		{ "KILL of 1 word", PROC_KILL, 1, { 0 }, 0, XE_EINVAL },
		{ "IDS of 3 words", PROC_IDS, 3, { 0 }, 0, XE_EINVAL },
		/* FORK with the word count of before (no message range), of nothing, of itself, of a space past 32 bits. */
		{ "FORK of 1 word", PROC_FORK, 1, { 0 }, 0, XE_EINVAL },
		{ "FORK of space 0", PROC_FORK, 3, { 0, 0, 0 }, 0, XE_EINVAL },
		{ "FORK of its own space", PROC_FORK, 3, { exo_my_space(), 0, 0 }, 0, XE_EINVAL },
		{ "FORK of a space past 32 bits", PROC_FORK, 3, { 1ull << 40, 0, 0 }, 0, XE_EINVAL },
		/* WAIT with unknown options or a selector out of range. */
		{ "WAIT with unknown options", PROC_WAIT, 2, { (uint64_t)-1, 0x1000 }, 0, XE_EINVAL },
		{ "WAIT for a selector past 32 bits", PROC_WAIT, 2, { 1ull << 40, PW_NOHANG }, 0, XE_EINVAL },
		/* KILL: a signal that is none, a pid nobody has. */
		{ "KILL with signal 77", PROC_KILL, 2, { (uint64_t)me, 77 }, 0, XE_EINVAL },
		{ "KILL of a pid past 32 bits", PROC_KILL, 2, { 1ull << 40, 0 }, 0, XE_ESRCH },
		/* SETIDS of an unknown kind; SETGROUPS whose count and data differ. */
		{ "SETIDS of kind 7", PROC_SETIDS, 4, { 7, 0, 0, 0 }, 0, XE_EINVAL },
		{ "SETGROUPS of 3 with 8 bytes", PROC_SETGROUPS, 1, { 3 }, 8, XE_EINVAL },
		{ "SETGROUPS of 40 with 160 bytes", PROC_SETGROUPS, 1, { 40 }, sizeof(junk), XE_EINVAL },
		/* Timers too long, limits of nothing, a foreground group that is none. */
		{ "ITIMER of ~0", PROC_ITIMER, 2, { ~0ull, 0 }, 0, XE_EINVAL },
		{ "RLIMIT of resource 99", PROC_RLIMIT, 4, { 99, 0, 0, 0 }, 0, XE_EINVAL },
		{ "TCSETPGRP of -5", PROC_TCSETPGRP, 1, { (uint64_t)-5 }, 0, XE_EINVAL },
		/* Only the console may ask for its keys' signals. */
		{ "TTYSIG from a process", PROC_TTYSIG, 1, { SIGINT }, 0, XE_EPERM },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const struct bad_request *b = &bad[i];
		uint32_t got = proc_raw(b->label, b->u, b->w, b->strlen ? junk : NULL, b->strlen, 0);

		if (got != b->want)
			print_error("%s: reply label %u, expected %u\n", b->what, got, b->want);
		assert_int_equal(got, b->want);
	}
	/* A LIST whose answer does not fit: the call fails, the server goes on. */
	assert_int_not_equal(proc_raw(PROC_LIST, 0, NULL, NULL, 0, 1), 0);
	/* Nothing held back to cancel. */
	assert_int_equal(proc_raw(EXO_LABEL_CANCEL, 0, NULL, NULL, 0, 0), 0);
	/* Still serving, with the same answers. */
	assert_int_equal(getpid(), me);
	assert_int_equal(kill(me, 0), 0);
}
