/*
 * sim/servers/console/console.c — the console on the host terminal: a
 * device server (exo/dev.h) over the exosim process's stdin, stdout and
 * stderr. Host-backed, so it lives in sim/ and may call Linux.
 *
 * Writes go straight to the host. Reads never block the server: a reader
 * thread blocks on the host's stdin and hands what it read to the server
 * thread as a message; a read request with no input buffered is kept and
 * answered when input (or end of file) arrives — a deferred reply.
 *
 * Not yet: the line discipline (canonical/raw mode, echo, erase/kill), the
 * termios calls, window size, job control signals.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <exo/dev.h>
#include <exo/errno.h>
#include <exo/exo.h>

#define INPUT_LABEL 0xc0de
#define MAX_WAITERS 64

static exo_tid_t server;

/* The reader thread: host stdin to the server, as messages. */
static void reader(void *arg)
{
	static char buf[4096];
	exo_msg_t m;

	(void)arg;
	for (;;) {
		ssize_t n = read(0, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		memset(&m, 0, sizeof(m));
		m.mr[0] = n > 0 ? 0 : 1; /* 1: end of file (or an error) */
		exo_msg_put_string(&m, 1, buf, n > 0 ? (uint32_t)n : 0);
		m.tag = exo_tag(INPUT_LABEL, 1, 2);
		if (exo_send(server, &m, EXO_TIMEOUT_NEVER) != EXO_OK || n <= 0)
			return;
	}
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -XE_EIO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static char inbuf[EXO_STRING_MAX + 1], input[1 << 16];
	struct {
		exo_tid_t tid;
		uint64_t count;
	} waiters[MAX_WAITERS];
	size_t have = 0, nwaiters = 0;
	int eof = 0;
	exo_tid_t to = EXO_NILTHREAD, from, rtid;
	exo_msg_t m;

	exo_init_args(&argc, argv);
	server = exo_myself();
	if (exo_register(CONSOLE_NAME) != EXO_OK || exo_thread_create(reader, NULL, &rtid) != EXO_OK) {
		fprintf(stderr, "console: cannot start\n");
		return 1;
	}
	memset(&m, 0, sizeof(m));
	for (;;) {
		uint32_t label;

		m.nbr = 0;
		exo_msg_accept_string(&m, inbuf, EXO_STRING_MAX);
		if (exo_reply_wait(to, &m, EXO_TIMEOUT_NEVER, &from, NULL) != EXO_OK) {
			to = EXO_NILTHREAD;
			continue;
		}
		to = from;
		label = exo_tag_label(m.tag);
		if (label == INPUT_LABEL && from == rtid) {
			uint32_t n = exo_tag_typed(m.tag) == 2 ? exo_string_len(m.mr[1]) : 0;

			if (n > sizeof(input) - have)
				n = (uint32_t)(sizeof(input) - have); /* a full buffer drops input */
			memcpy(input + have, inbuf, n);
			have += n;
			eof |= m.mr[0] != 0;
			m.tag = exo_tag(0, 0, 0);
			exo_reply(from, &m);
			to = EXO_NILTHREAD;
			/* Answer the waiting readers, oldest first. */
			while (nwaiters > 0 && (have > 0 || eof)) {
				uint64_t c = waiters[0].count < have ? waiters[0].count : have;
				exo_msg_t r = { 0 };

				r.mr[0] = c;
				exo_msg_put_string(&r, 1, input, (uint32_t)c);
				r.tag = exo_tag(0, 1, 2);
				exo_reply(waiters[0].tid, &r);
				memmove(input, input + c, have - c);
				have -= c;
				memmove(&waiters[0], &waiters[1], (nwaiters - 1) * sizeof(waiters[0]));
				nwaiters--;
			}
			continue;
		}
		if (label == DEV_WRITE && exo_tag_untyped(m.tag) >= dev_op_in[DEV_WRITE] && exo_tag_typed(m.tag) == 2) {
			uint64_t h = m.mr[0];
			uint32_t n = exo_string_len(m.mr[1]);
			int e = h == CONSOLE_OUT || h == CONSOLE_ERR ? write_all((int)h, inbuf, n) : -XE_EBADF;

			m.mr[0] = n;
			m.tag = e ? exo_tag((uint32_t)-e, 0, 0) : exo_tag(0, 1, 0);
			continue;
		}
		if (label == DEV_READ && exo_tag_untyped(m.tag) >= dev_op_in[DEV_READ]) {
			uint64_t count = m.mr[1] > EXO_STRING_MAX ? EXO_STRING_MAX : m.mr[1];

			if (m.mr[0] != CONSOLE_IN) {
				m.tag = exo_tag(XE_EBADF, 0, 0);
				continue;
			}
			if (have > 0 || eof || count == 0) {
				uint64_t c = count < have ? count : have;
				static char out[EXO_STRING_MAX];

				memcpy(out, input, c);
				memmove(input, input + c, have - c);
				have -= c;
				m.mr[0] = c;
				exo_msg_put_string(&m, 1, out, (uint32_t)c);
				m.tag = exo_tag(0, 1, 2);
				continue;
			}
			if (nwaiters == MAX_WAITERS) {
				m.tag = exo_tag(XE_EAGAIN, 0, 0);
				continue;
			}
			waiters[nwaiters].tid = from;
			waiters[nwaiters].count = count;
			nwaiters++;
			to = EXO_NILTHREAD; /* answered when input comes */
			continue;
		}
		m.tag = exo_tag(XE_ENOSYS, 0, 0);
	}
}
