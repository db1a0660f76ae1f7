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
 * readers are answered oldest first. Requests go through the generated
 * dev_serve (protocols/dev.def), which checks their shape; a READ that must
 * wait is held (EXO_PROTO_HELD) and its answer made later with
 * dev_read_out_put, as dev_serve would have made it.
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

/* A request's context: the console and who asked (a held READ's waiter). */
struct con_req {
	struct con *c;
	exo_tid_t from;
};

_Static_assert(DEV_TCGETATTR_OUT_WORDS == DTW_WORDS && DEV_TCSETATTR_IN_WORDS == 2 + DTW_WORDS,
	       "protocols/dev.def: the terminal attributes are the DTW_WORDS of exo/dev.h");
_Static_assert(DTC_COUNT <= 16, "the control characters fit DTW_CC0 and DTW_CC1");

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
		struct dev_read_out out;
		unsigned typed;

		saved = c->ld;
		n = con_ld_read(&c->ld, c->out, c->waiters[0].count, due && con_host_now() >= due);

		if (n < 0)
			return;
		/* The held READ's answer, as dev_serve would have given it. */
		out = (struct dev_read_out){ .bytes = (uint64_t)n, .data = c->out, .data_len = (uint32_t)n };
		typed = dev_read_out_put(&r, &out);
		r.tag = exo_tag(0, DEV_READ_OUT_WORDS, typed);
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
static exo_tid_t proc = EXO_NILTHREAD;

/* The process server's stubs' transport: -XE_ENOSYS without one, -XE_EIO (and look again) when the call fails. */
static int proc_transport(exo_msg_t *m)
{
	if (proc == EXO_NILTHREAD && exo_lookup(PROC_NAME, &proc, EXO_TIMEOUT_ZERO) != EXO_OK)
		return -XE_ENOSYS;
	if (exo_call(proc, m, exo_timeout_ms(1000), exo_timeout_ms(1000)) != EXO_OK) {
		proc = EXO_NILTHREAD;
		return -XE_EIO;
	}
	return -(int)exo_tag_label(m->tag);
}

static void send_signals(struct con *c)
{
	uint32_t sigs = c->ld.sigs;

	c->ld.sigs = 0;
	for (int sig = 1; sig < 32; sig++) {
		int delivered = 0;

		if (!(sigs & (1u << sig)))
			continue;
		for (int attempt = 0; attempt < 2 && !delivered; attempt++) {
			int r = proc_call_ttysig(proc_transport, &(struct proc_ttysig_in){ .sig = sig });

			if (r == -XE_ENOSYS)
				break;
			if (r == -XE_EIO && proc == EXO_NILTHREAD)
				continue; /* the server restarted: once more */
			delivered = r == 0;
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

/*
 * READ: answered now when input is ready (and nobody waits before it),
 * EAGAIN without waiting (NONBLOCK), else held: the reader waits, and
 * serve_waiters answers it later.
 */
static int do_read(void *ctx, const struct dev_read_in *in, struct dev_read_out *out)
{
	struct con_req *r = ctx;
	struct con *c = r->c;
	uint64_t count = in->count > EXO_STRING_MAX ? EXO_STRING_MAX : in->count;
	long n = -1;

	if (in->handle != CONSOLE_IN)
		return -XE_EBADF;
	if (in->flags & ~(uint64_t)DEV_RD_KNOWN)
		return -XE_EINVAL;
	if (c->nwaiters == 0 || count == 0)
		n = con_ld_read(&c->ld, c->out, count, 0);
	if (n < 0 && (in->flags & DEV_RD_NONBLOCK))
		return -XE_EAGAIN; /* O_NONBLOCK: nothing typed yet */
	if (n >= 0) {
		out->bytes = (uint64_t)n;
		out->data = c->out;
		out->data_len = (uint32_t)n;
		return 0;
	}
	if (c->nwaiters == MAX_WAITERS)
		return -XE_EAGAIN;
	c->waiters[c->nwaiters].tid = r->from;
	c->waiters[c->nwaiters].count = count;
	c->waiters[c->nwaiters].since_ns = con_host_now();
	c->nwaiters++;
	return EXO_PROTO_HELD;
}

static int do_write(void *ctx, const struct dev_write_in *in, struct dev_write_out *out)
{
	int e;

	if (!in->data)
		return -XE_EINVAL; /* the data is optional in the declaration, not here */
	if (in->handle != CONSOLE_OUT && in->handle != CONSOLE_ERR)
		return -XE_EBADF;
	e = con_host_write((int)in->handle, in->data, in->data_len);
	if (e < 0)
		return e;
	out->bytes = in->data_len;
	return 0;
}

static int do_tcgetattr(void *ctx, const struct dev_tcgetattr_in *in, struct dev_tcgetattr_out *out)
{
	const struct con_termios *t = &((struct con_req *)ctx)->c->ld.t;
	uint64_t cc[2] = { 0, 0 };

	if (!handle_ok(in->handle))
		return -XE_EBADF;
	out->iflag = t->iflag;
	out->oflag = t->oflag;
	out->cflag = t->cflag;
	out->lflag = t->lflag;
	out->speed = t->speed;
	for (int i = 0; i < DTC_COUNT; i++)
		cc[i / 8] |= (uint64_t)t->cc[i] << (8 * (i % 8));
	out->cc0 = cc[0];
	out->cc1 = cc[1];
	return 0;
}

static int do_tcsetattr(void *ctx, const struct dev_tcsetattr_in *in)
{
	struct con *c = ((struct con_req *)ctx)->c;
	const uint64_t cc[2] = { in->cc0, in->cc1 };
	struct con_termios t;
	int e;

	if (!handle_ok(in->handle))
		return -XE_EBADF;
	if (in->when > DT_TCSAFLUSH)
		return -XE_EINVAL;
	if (in->iflag > UINT32_MAX || in->oflag > UINT32_MAX || in->cflag > UINT32_MAX || in->lflag > UINT32_MAX ||
	    in->speed > UINT32_MAX)
		return -XE_EINVAL;
	t.iflag = (uint32_t)in->iflag;
	t.oflag = (uint32_t)in->oflag;
	t.cflag = (uint32_t)in->cflag;
	t.lflag = (uint32_t)in->lflag;
	t.speed = (uint32_t)in->speed;
	for (int i = 0; i < DTC_COUNT; i++)
		t.cc[i] = (uint8_t)(cc[i / 8] >> (8 * (i % 8)));
	if ((e = con_ld_check(&t)) < 0)
		return e;
	/* Output is written before a write is answered: DRAIN has nothing to wait for. */
	if (in->when == DT_TCSAFLUSH)
		con_ld_flush(&c->ld);
	con_ld_set(&c->ld, &t);
	con_host_oflag(t.oflag);
	serve_waiters(c); /* the new mode may answer them */
	return 0;
}

static int do_tcflush(void *ctx, const struct dev_tcflush_in *in)
{
	struct con *c = ((struct con_req *)ctx)->c;

	if (!handle_ok(in->handle))
		return -XE_EBADF;
	if (in->queue < DT_FLUSH_IN || in->queue > DT_FLUSH_BOTH)
		return -XE_EINVAL;
	if (in->queue & DT_FLUSH_IN)
		con_ld_flush(&c->ld);
	return 0;
}

static int do_getwinsz(void *ctx, const struct dev_getwinsz_in *in, struct dev_getwinsz_out *out)
{
	struct con *c = ((struct con_req *)ctx)->c;
	uint16_t ws[4];

	if (!handle_ok(in->handle))
		return -XE_EBADF;
	if (c->ws_set)
		memcpy(ws, c->ws, sizeof(ws));
	else
		con_host_winsize(ws);
	out->rows = ws[0];
	out->cols = ws[1];
	out->xpixels = ws[2];
	out->ypixels = ws[3];
	return 0;
}

static int do_setwinsz(void *ctx, const struct dev_setwinsz_in *in)
{
	struct con *c = ((struct con_req *)ctx)->c;

	if (!handle_ok(in->handle))
		return -XE_EBADF;
	if (in->rows > UINT16_MAX || in->cols > UINT16_MAX || in->xpixels > UINT16_MAX || in->ypixels > UINT16_MAX)
		return -XE_EINVAL;
	c->ws[0] = (uint16_t)in->rows;
	c->ws[1] = (uint16_t)in->cols;
	c->ws[2] = (uint16_t)in->xpixels;
	c->ws[3] = (uint16_t)in->ypixels;
	c->ws_set = 1; /* from now on the set size, not the host's */
	return 0;
}

static int do_nread(void *ctx, const struct dev_nread_in *in, struct dev_nread_out *out)
{
	struct con *c = ((struct con_req *)ctx)->c;

	if (!handle_ok(in->handle))
		return -XE_EBADF;
	out->bytes = con_ld_ready(&c->ld);
	out->flags = (con_ld_at_eof(&c->ld) ? DEV_NR_EOF : 0) | (c->ld.eof ? DEV_NR_HUP : 0);
	return 0;
}

/* The handlers of protocols/dev.def; dev_serve checks each request's shape first. */
static const struct dev_handlers handlers = {
	.read = do_read,
	.write = do_write,
	.tcgetattr = do_tcgetattr,
	.tcsetattr = do_tcsetattr,
	.tcflush = do_tcflush,
	.getwinsz = do_getwinsz,
	.setwinsz = do_setwinsz,
	.nread = do_nread,
};

/* One request: 0 when m holds the reply, EXO_PROTO_HELD when it is kept (a waiting READ). */
static int dispatch(struct con *c, exo_msg_t *m, exo_tid_t from)
{
	struct con_req r = { .c = c, .from = from };

	if (exo_tag_label(m->tag) == EXO_LABEL_CANCEL) {
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
	return dev_serve(&handlers, &r, m, from) == EXO_PROTO_HELD ? EXO_PROTO_HELD : 0;
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
		if (dispatch(c, &m, from) != EXO_PROTO_HELD)
			to = from;
	}
}
