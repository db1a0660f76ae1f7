/*
 * servers/console/console.c — the console: a device server (exo/dev.h)
 * over a terminal, with a line discipline (ldisc.c) and attributes. The
 * terminal under it is a backend (host.h): the exosim process's stdin,
 * stdout and stderr on the sim (sim/servers/console/host.c), the board's
 * UART on riscv64 (hw/riscv64/servers/console/uart.c).
 *
 * Writes go straight to the terminal. Reads never block the server: a reader
 * thread blocks on the terminal's input and hands what it read to the server
 * thread as a message; the discipline turns it into readable input; a read
 * that cannot be answered yet is kept and answered when input, end of file,
 * new attributes or its VTIME make it possible — a deferred reply. Waiting
 * readers are answered oldest first.
 *
 * Handles: CONSOLE_IN reads; CONSOLE_OUT and CONSOLE_ERR write (the host's
 * stdout and stderr); the terminal calls take any of the three.
 */
#include <stdio.h>
#include <string.h>

#include <exo/dev.h>
#include "dev_proto.h"
#include <exo/errno.h>
#include <exo/exo.h>
#include <exo/proc.h>
#include "proc_proto.h"
#include <exo/signal.h>

#include "host.h"
#include "ldisc.h"

#define INPUT_LABEL 0xc0de
#define MAX_WAITERS 64
#define DEFER 1 /* a handler's answer: the reply comes later */

struct waiter {
	exo_tid_t tid;
	uint64_t count;
	uint64_t since_ns; /* when the read came */
};

struct con {
	struct con_ld ld;
	struct waiter waiters[MAX_WAITERS];
	size_t nwaiters;
	exo_tid_t server, reader;
	uint64_t last_input_ns;
	uint16_t ws[4];          /* the window size a program set */
	int ws_set;
	char out[EXO_STRING_MAX]; /* read replies' data */
	char in[EXO_STRING_MAX + 1];
};

static struct con con;

/* The reader thread: the terminal's input to the server, as messages. */
static void reader(void *arg)
{
	static char buf[4096];
	exo_msg_t m;

	(void)arg;
	for (;;) {
		long n = con_host_read(buf, sizeof(buf));

		memset(&m, 0, sizeof(m));
		m.mr[0] = n > 0 ? 0 : 1; /* 1: end of file (or an error) */
		exo_msg_put_string(&m, 1, buf, n > 0 ? (uint32_t)n : 0);
		m.tag = exo_tag(INPUT_LABEL, 1, 2);
		if (exo_send(con.server, &m, EXO_TIMEOUT_NEVER) != EXO_OK || n <= 0)
			return;
	}
}

/* When the oldest waiting read's VTIME runs out (0: it has none). */
static uint64_t deadline(const struct con *c)
{
	const struct con_termios *t = &c->ld.t;
	uint64_t tenth = 100000000u, start;

	if (c->nwaiters == 0 || (t->lflag & DTL_ICANON) || t->cc[DTC_VTIME] == 0)
		return 0;
	if (t->cc[DTC_VMIN] == 0)
		return c->waiters[0].since_ns + t->cc[DTC_VTIME] * tenth;
	if (c->ld.len == 0)
		return 0; /* MIN > 0: the timer starts with the first byte */
	start = c->last_input_ns > c->waiters[0].since_ns ? c->last_input_ns : c->waiters[0].since_ns;
	return start + t->cc[DTC_VTIME] * tenth;
}

/* Answer the waiting readers that can be answered, oldest first. */
static void serve_waiters(struct con *c)
{
	static struct con_ld saved;

	while (c->nwaiters > 0) {
		uint64_t due = deadline(c);
		long n;
		exo_msg_t r = { 0 };

		saved = c->ld;
		n = con_ld_read(&c->ld, c->out, c->waiters[0].count, due && con_host_now() >= due);

		if (n < 0)
			return;
		r.mr[0] = (uint64_t)n;
		exo_msg_put_string(&r, 1, c->out, (uint32_t)n);
		r.tag = exo_tag(0, 1, 2);
		if (exo_reply(c->waiters[0].tid, &r) != EXO_OK)
			c->ld = saved; /* the reader was interrupted: the bytes stay for the next */
		memmove(&c->waiters[0], &c->waiters[1], (c->nwaiters - 1) * sizeof(c->waiters[0]));
		c->nwaiters--;
	}
}

static void flush_echo(struct con *c)
{
	if (c->ld.necho)
		con_host_write(1, c->ld.echo, c->ld.necho);
	c->ld.necho = 0;
}

/*
 * ^C, ^\ or ^Z typed: the process server signals the console's foreground
 * group. Without one (no process server, or nobody in the foreground) ^C
 * goes to the backend (the sim stops exosim, as it always did).
 */
static void send_signals(struct con *c)
{
	static exo_tid_t proc = EXO_NILTHREAD;
	uint32_t sigs = c->ld.sigs;

	c->ld.sigs = 0;
	for (int sig = 1; sig < 32; sig++) {
		exo_msg_t m;
		int delivered = 0;

		if (!(sigs & (1u << sig)))
			continue;
		for (int attempt = 0; attempt < 2 && !delivered; attempt++) {
			if (proc == EXO_NILTHREAD && exo_lookup(PROC_NAME, &proc, EXO_TIMEOUT_ZERO) != EXO_OK)
				break;
			memset(&m, 0, sizeof(m));
			m.mr[0] = (uint64_t)sig;
			m.tag = exo_tag(PROC_TTYSIG, 1, 0);
			if (exo_call(proc, &m, exo_timeout_ms(1000), exo_timeout_ms(1000)) != EXO_OK) {
				proc = EXO_NILTHREAD;
				continue;
			}
			delivered = exo_tag_label(m.tag) == 0;
			break;
		}
		if (!delivered && sig == EXO_SIGINT)
			con_host_interrupt();
	}
}

/* Input (or end of file) from the reader thread. */
static void input(struct con *c, exo_msg_t *m)
{
	uint32_t n = exo_tag_typed(m->tag) == 2 ? exo_string_len(m->mr[1]) : 0;

	con_ld_input(&c->ld, c->in, n);
	if (m->mr[0] != 0)
		con_ld_hangup(&c->ld);
	c->last_input_ns = con_host_now();
	flush_echo(c);
	if (c->ld.sigs)
		send_signals(c);
	m->tag = exo_tag(0, 0, 0);
	exo_reply(c->reader, m);
	serve_waiters(c);
}

static int handle_ok(uint64_t h)
{
	return h == CONSOLE_IN || h == CONSOLE_OUT || h == CONSOLE_ERR;
}

static int do_read(struct con *c, exo_msg_t *m, exo_tid_t from)
{
	uint64_t count = m->mr[1] > EXO_STRING_MAX ? EXO_STRING_MAX : m->mr[1];
	long n = -1;

	if (m->mr[0] != CONSOLE_IN)
		return -XE_EBADF;
	if (m->mr[2] & ~(uint64_t)DEV_RD_KNOWN)
		return -XE_EINVAL;
	if (c->nwaiters == 0 || count == 0)
		n = con_ld_read(&c->ld, c->out, count, 0);
	if (n < 0 && (m->mr[2] & DEV_RD_NONBLOCK))
		return -XE_EAGAIN; /* O_NONBLOCK: nothing typed yet */
	if (n >= 0) {
		m->mr[0] = (uint64_t)n;
		exo_msg_put_string(m, 1, c->out, (uint32_t)n);
		m->tag = exo_tag(0, 1, 2);
		return 0;
	}
	if (c->nwaiters == MAX_WAITERS)
		return -XE_EAGAIN;
	c->waiters[c->nwaiters].tid = from;
	c->waiters[c->nwaiters].count = count;
	c->waiters[c->nwaiters].since_ns = con_host_now();
	c->nwaiters++;
	return DEFER;
}

static int do_write(struct con *c, exo_msg_t *m, exo_tid_t from)
{
	uint64_t h = m->mr[0];
	uint32_t n;
	int e;

	if (exo_tag_typed(m->tag) != 2 || exo_item_kind(m->mr[1]) != EXO_ITEM_STRING)
		return -XE_EINVAL;
	if (h != CONSOLE_OUT && h != CONSOLE_ERR)
		return -XE_EBADF;
	n = exo_string_len(m->mr[1]);
	e = con_host_write((int)h, c->in, n);
	if (e < 0)
		return e;
	m->mr[0] = n;
	m->tag = exo_tag(0, 1, 0);
	return 0;
}

static int do_tcgetattr(struct con *c, exo_msg_t *m, exo_tid_t from)
{
	const struct con_termios *t = &c->ld.t;

	if (!handle_ok(m->mr[0]))
		return -XE_EBADF;
	memset(m->mr, 0, DTW_WORDS * sizeof(m->mr[0]));
	m->mr[DTW_IFLAG] = t->iflag;
	m->mr[DTW_OFLAG] = t->oflag;
	m->mr[DTW_CFLAG] = t->cflag;
	m->mr[DTW_LFLAG] = t->lflag;
	m->mr[DTW_SPEED] = t->speed;
	for (int i = 0; i < DTC_COUNT; i++)
		m->mr[DTW_CC0 + i / 8] |= (uint64_t)t->cc[i] << (8 * (i % 8));
	m->tag = exo_tag(0, DTW_WORDS, 0);
	return 0;
}

static int do_tcsetattr(struct con *c, exo_msg_t *m, exo_tid_t from)
{
	const uint64_t *w = &m->mr[2];
	struct con_termios t;
	int e;

	if (!handle_ok(m->mr[0]))
		return -XE_EBADF;
	if (m->mr[1] > DT_TCSAFLUSH)
		return -XE_EINVAL;
	for (int i = DTW_IFLAG; i <= DTW_SPEED; i++)
		if (w[i] > UINT32_MAX)
			return -XE_EINVAL;
	t.iflag = (uint32_t)w[DTW_IFLAG];
	t.oflag = (uint32_t)w[DTW_OFLAG];
	t.cflag = (uint32_t)w[DTW_CFLAG];
	t.lflag = (uint32_t)w[DTW_LFLAG];
	t.speed = (uint32_t)w[DTW_SPEED];
	for (int i = 0; i < DTC_COUNT; i++)
		t.cc[i] = (uint8_t)(w[DTW_CC0 + i / 8] >> (8 * (i % 8)));
	if ((e = con_ld_check(&t)) < 0)
		return e;
	/* Output is written before a write is answered: DRAIN has nothing to wait for. */
	if (m->mr[1] == DT_TCSAFLUSH)
		con_ld_flush(&c->ld);
	con_ld_set(&c->ld, &t);
	con_host_oflag(t.oflag);
	serve_waiters(c); /* the new mode may answer them */
	m->tag = exo_tag(0, 0, 0);
	return 0;
}

static int do_tcflush(struct con *c, exo_msg_t *m, exo_tid_t from)
{
	if (!handle_ok(m->mr[0]))
		return -XE_EBADF;
	if (m->mr[1] < DT_FLUSH_IN || m->mr[1] > DT_FLUSH_BOTH)
		return -XE_EINVAL;
	if (m->mr[1] & DT_FLUSH_IN)
		con_ld_flush(&c->ld);
	m->tag = exo_tag(0, 0, 0);
	return 0;
}

static int do_getwinsz(struct con *c, exo_msg_t *m, exo_tid_t from)
{
	uint16_t ws[4];

	if (!handle_ok(m->mr[0]))
		return -XE_EBADF;
	if (c->ws_set)
		memcpy(ws, c->ws, sizeof(ws));
	else
		con_host_winsize(ws);
	for (int i = 0; i < 4; i++)
		m->mr[i] = ws[i];
	m->tag = exo_tag(0, 4, 0);
	return 0;
}

static int do_setwinsz(struct con *c, exo_msg_t *m, exo_tid_t from)
{
	if (!handle_ok(m->mr[0]))
		return -XE_EBADF;
	for (int i = 1; i <= 4; i++)
		if (m->mr[i] > UINT16_MAX)
			return -XE_EINVAL;
	for (int i = 0; i < 4; i++)
		c->ws[i] = (uint16_t)m->mr[i + 1];
	c->ws_set = 1; /* from now on the set size, not the host's */
	m->tag = exo_tag(0, 0, 0);
	return 0;
}

static int do_nread(struct con *c, exo_msg_t *m, exo_tid_t from)
{
	if (!handle_ok(m->mr[0]))
		return -XE_EBADF;
	m->mr[0] = con_ld_ready(&c->ld);
	m->mr[1] = (con_ld_at_eof(&c->ld) ? DEV_NR_EOF : 0) | (c->ld.eof ? DEV_NR_HUP : 0);
	m->tag = exo_tag(0, 2, 0);
	return 0;
}

/* The handlers; the words each request carries come from DEV_OPS (dev_op_in). */
static int (*const ops[DEV_OP_COUNT])(struct con *c, exo_msg_t *m, exo_tid_t from) = {
	[DEV_READ] = do_read,           [DEV_WRITE] = do_write,
	[DEV_TCGETATTR] = do_tcgetattr, [DEV_TCSETATTR] = do_tcsetattr,
	[DEV_TCFLUSH] = do_tcflush,     [DEV_GETWINSZ] = do_getwinsz,
	[DEV_SETWINSZ] = do_setwinsz,   [DEV_NREAD] = do_nread,
};

/* One request: 0 when m holds the reply, DEFER when it is kept. */
static int dispatch(struct con *c, exo_msg_t *m, exo_tid_t from)
{
	uint32_t label = exo_tag_label(m->tag);
	int r;

	if (label == EXO_LABEL_CANCEL) {
		/* A reader a signal interrupted: forget its waiting read. */
		for (size_t i = 0; i < c->nwaiters; i++) {
			if (c->waiters[i].tid == from) {
				memmove(&c->waiters[i], &c->waiters[i + 1], (c->nwaiters - i - 1) * sizeof(c->waiters[0]));
				c->nwaiters--;
				i--;
			}
		}
		m->tag = exo_tag(0, 0, 0);
		return 0;
	}
	/* The shape protocols/dev.def declares: ENOSYS for no such operation, EINVAL for another shape. */
	if ((r = exo_proto_check(&dev_proto, m, from)) < 0 || !ops[label]) {
		m->tag = exo_tag(r < 0 ? (uint32_t)-r : XE_ENOSYS, 0, 0);
		return 0;
	}
	r = ops[label](c, m, from);
	if (r < 0)
		m->tag = exo_tag((uint32_t)-r, 0, 0);
	return r == DEFER ? DEFER : 0;
}

/* The reply_wait timeout: until the oldest reader's VTIME runs out, or forever. */
static exo_timeout_t next_timeout(const struct con *c)
{
	uint64_t due = deadline(c), now;

	if (!due)
		return EXO_TIMEOUT_NEVER;
	now = con_host_now();
	return due > now ? (exo_timeout_t)(due - now) : EXO_TIMEOUT_ZERO;
}

int main(int argc, char **argv)
{
	struct con *c = &con;
	exo_tid_t to = EXO_NILTHREAD, from;
	exo_msg_t m;
	exo_err err;

	exo_init_args(&argc, argv);
	con_ld_init(&c->ld, con_host_init());
	c->server = exo_myself();
	if (exo_register(CONSOLE_NAME) != EXO_OK || exo_thread_create(reader, NULL, &c->reader) != EXO_OK) {
		fprintf(stderr, "console: cannot start\n");
		return 1;
	}
	memset(&m, 0, sizeof(m));
	for (;;) {
		m.nbr = 0;
		exo_msg_accept_string(&m, c->in, EXO_STRING_MAX);
		err = exo_reply_wait(to, &m, next_timeout(c), &from, NULL);
		to = EXO_NILTHREAD;
		if (err == EXO_ETIMEOUT)
			serve_waiters(c);
		if (err != EXO_OK)
			continue;
		if (exo_tag_label(m.tag) == INPUT_LABEL && from == c->reader) {
			input(c, &m);
			continue;
		}
		if (dispatch(c, &m, from) != DEFER)
			to = from;
	}
}
