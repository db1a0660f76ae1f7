/*
 * sim/lib/chan.c — each thread's channel to exosim.
 *
 * A thread joins the kernel on its first kernel call (or at once, when
 * exo_thread_create started it): it connects to the socket named by
 * exo_init_args' --exo-socket, or $EXO_SOCKET, or the default path, and says
 * HELLO. After a host fork the child drops every inherited channel and joins
 * again as a thread of a new space on its next call.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <exo/ipc.h>

#include "chan.h"
#include "mem.h"

static _Thread_local struct exo_chan self = { .fd = -1 };
static _Thread_local unsigned char rxbuf[SIM_ANSWER_MAX] __attribute__((aligned(8)));

/*
 * A signal handler may make kernel calls while its thread waits in one: a
 * nested call goes out on a channel of its own (the thread joins again as a
 * helper thread of its space), one per nesting level, so the waiting
 * operation's frames never mix with the handler's. `depth` counts the
 * operations in progress on this host thread.
 */
#define CHAN_NEST 4
static _Thread_local struct exo_chan nested[CHAN_NEST] = {
	{ .fd = -1 }, { .fd = -1 }, { .fd = -1 }, { .fd = -1 },
};
static _Thread_local int depth;

/* Every channel fd of this process, so a forked child can drop them all. */
#define MAX_CHANS 1024
static int all_fds[MAX_CHANS];
static atomic_flag fds_lock = ATOMIC_FLAG_INIT;
static atomic_int atfork_done;
static char socket_override[108];

static void fds_update(int add, int remove)
{
	while (atomic_flag_test_and_set_explicit(&fds_lock, memory_order_acquire))
		;
	for (int i = 0; i < MAX_CHANS; i++) {
		if (remove >= 0 && all_fds[i] == remove + 1) {
			all_fds[i] = 0;
			remove = -1;
		}
		if (add >= 0 && all_fds[i] == 0) {
			all_fds[i] = add + 1;
			add = -1;
		}
	}
	atomic_flag_clear_explicit(&fds_lock, memory_order_release);
}

static void after_fork_child(void)
{
	for (int i = 0; i < MAX_CHANS; i++) {
		if (all_fds[i])
			exo_lx_close(all_fds[i] - 1);
		all_fds[i] = 0;
	}
	atomic_flag_clear(&fds_lock);
	self.fd = -1;
	self.tid = EXO_NILTHREAD;
	self.space = EXO_NILSPACE;
	self.pending = EXO_NILTHREAD;
	for (int i = 0; i < CHAN_NEST; i++) {
		nested[i].fd = -1;
		nested[i].tid = EXO_NILTHREAD;
		nested[i].pending = EXO_NILTHREAD;
	}
	depth = 0;
	exo_sim_mem_after_fork();
}

void exo_init_args(int *argc, char **argv)
{
	int i, j;

	for (i = 1; i < *argc; i++) {
		if (strcmp(argv[i], "--exo-socket") == 0 && i + 1 < *argc) {
			snprintf(socket_override, sizeof(socket_override), "%s", argv[i + 1]);
			for (j = i; j + 2 <= *argc; j++)
				argv[j] = argv[j + 2];
			*argc -= 2;
			break;
		}
	}
}

/*
 * The kernel socket named in the environment, taken when the program
 * starts: a program that clears its environment before its first kernel
 * call (env -i) still joins the kernel that started it.
 */
static char socket_env[108];

__attribute__((constructor)) static void take_socket_env(void)
{
	const char *env = getenv(SIM_SOCKET_ENV);

	if (env && *env && strlen(env) < sizeof(socket_env))
		strcpy(socket_env, env);
}

static const char *socket_path(char *buf, size_t n)
{
	const char *env = getenv(SIM_SOCKET_ENV), *rt = getenv("XDG_RUNTIME_DIR");

	if (socket_override[0])
		return socket_override;
	if (socket_env[0])
		return socket_env;
	if (env && *env)
		return env;
	if (rt && *rt)
		snprintf(buf, n, "%s/exo/exosim.sock", rt);
	else
		snprintf(buf, n, "/tmp/exo-%u/exosim.sock", (unsigned)exo_lx_getuid());
	return buf;
}

/* The channel an operation at nesting level `level` uses. */
static struct exo_chan *chan_at(int level)
{
	if (level <= 0)
		return &self;
	return &nested[level <= CHAN_NEST ? level - 1 : CHAN_NEST - 1];
}

const char *exo_sim_chan_socket_path(void)
{
	static char buf[108];

	return socket_path(buf, sizeof(buf));
}

unsigned char *exo_sim_chan_rxbuf(void)
{
	struct exo_chan *c = chan_at(depth);

	return c->rx ? c->rx : rxbuf;
}

static void send_abort(struct exo_chan *c)
{
	struct sim_hdr h = { .op = SIM_OP_ABORT, .tid = c->tid };
	struct exo_lx_iov iov = { &h, sizeof(h) };

	c->abort_sent = 1;
	exo_lx_sendv(c->fd, &iov, 1);
}

/* The kernel's answer to a thread's abort of its own operation. */
static int is_abort_marker(const unsigned char *buf, long n)
{
	const struct sim_hdr *a = (const void *)buf;

	return n == (long)sizeof(*a) && a->op == SIM_OP_RESULT && a->tid == EXO_ANYTHREAD;
}

static exo_err rpc(struct exo_chan *c, const struct exo_lx_iov *iov, int n, long *len, int intr)
{
	unsigned char *rx = c->rx ? c->rx : rxbuf;
	long r;

	depth++;
	if (intr) {
		c->sent = c->interrupted = c->abort_sent = 0;
		__atomic_store_n(&c->in_ipc, 1, __ATOMIC_SEQ_CST);
	}
	r = exo_lx_sendv(c->fd, iov, n);
	if (intr) {
		__atomic_store_n(&c->sent, r >= 0, __ATOMIC_SEQ_CST);
		if (r >= 0 && c->interrupted && !c->abort_sent)
			send_abort(c);
	}
	if (r >= 0)
		r = exo_lx_recv(c->fd, rx, SIM_ANSWER_MAX);
	if (intr) {
		__atomic_store_n(&c->in_ipc, 0, __ATOMIC_SEQ_CST);
		if (c->abort_sent && r >= 0) {
			/* Two frames come back: the operation's answer and the marker. */
			if (is_abort_marker(rx, r)) {
				r = exo_lx_recv(c->fd, rx, SIM_ANSWER_MAX);
			} else {
				struct sim_hdr m;

				exo_lx_recv(c->fd, &m, sizeof(m));
			}
		}
	}
	depth--;
	if (r < 0)
		return r == -EMSGSIZE ? EXO_EMSGSIZE : EXO_EIO;
	if (r < (long)sizeof(struct sim_hdr) || r > (long)SIM_ANSWER_MAX)
		return EXO_EIO;
	*len = r;
	return EXO_OK;
}

exo_err exo_sim_chan_rpc(struct exo_chan *c, const struct exo_lx_iov *iov, int n, long *len)
{
	return rpc(c, iov, n, len, 0);
}

exo_err exo_sim_chan_rpc_intr(struct exo_chan *c, const struct exo_lx_iov *iov, int n, long *len)
{
	return rpc(c, iov, n, len, 1);
}

void exo_sim_chan_interrupt(void)
{
	struct exo_chan *c;

	if (depth <= 0)
		return;
	c = chan_at(depth - 1);
	if (!__atomic_load_n(&c->in_ipc, __ATOMIC_SEQ_CST))
		return;
	if (!__atomic_load_n(&c->sent, __ATOMIC_SEQ_CST))
		c->interrupted = 1;
	else if (!c->abort_sent)
		send_abort(c);
}

/* HELLO on a fresh connection; the answer carries the physical memory memfd. */
static exo_err hello(int fd, exo_tid_t tid, uint32_t aux, struct sim_hdr *a, struct sim_hello *out,
		     int *memfd)
{
	struct sim_hdr h = { .op = SIM_OP_HELLO, .tid = tid, .aux = aux };
	struct exo_lx_iov iov = { &h, sizeof(h) };
	unsigned char buf[sizeof(*a) + sizeof(*out)];
	long n;

	*memfd = -1;
	if (exo_lx_sendv(fd, &iov, 1) < 0)
		return EXO_EIO;
	n = exo_lx_recv_fd(fd, buf, sizeof(buf), memfd);
	if (n < (long)sizeof(*a))
		return EXO_EIO;
	memcpy(a, buf, sizeof(*a));
	if (a->err != EXO_OK || n != (long)sizeof(buf)) {
		if (*memfd >= 0)
			exo_lx_close(*memfd);
		*memfd = -1;
		return a->err != EXO_OK ? (exo_err)a->err : EXO_EIO;
	}
	memcpy(out, buf + sizeof(*a), sizeof(*out));
	return EXO_OK;
}

int exo_sim_chan_connect_control(void)
{
	struct sim_hdr a;
	struct sim_hello h;
	char buf[128];
	int fd = exo_lx_connect(socket_path(buf, sizeof(buf))), memfd;

	if (fd < 0)
		return -1;
	if (hello(fd, EXO_NILTHREAD, SIM_HELLO_CONTROL, &a, &h, &memfd) != EXO_OK) {
		exo_lx_close(fd);
		return -1;
	}
	if (memfd >= 0)
		exo_lx_close(memfd);
	fds_update(fd, -1);
	return fd;
}

static exo_err join(struct exo_chan *c)
{
	struct sim_hdr a;
	struct sim_hello h;
	char buf[128];
	int fd, memfd;
	exo_err err;

	if (!atomic_exchange(&atfork_done, 1))
		exo_lx_atfork_child(after_fork_child);
	fd = exo_lx_connect(socket_path(buf, sizeof(buf)));
	if (fd < 0)
		return EXO_EIO;
	err = hello(fd, c->pending, 0, &a, &h, &memfd);
	if (err != EXO_OK) {
		exo_lx_close(fd);
		return err;
	}
	c->fd = fd;
	c->tid = a.tid;
	c->space = a.aux;
	fds_update(fd, -1);
	if (h.cpu >= 0 && !getenv("EXO_NO_PLACEMENT"))
		exo_lx_set_cpu(h.cpu);
	exo_sim_time_join(h.boot_ns);
	exo_sim_mem_join(&h, memfd);
	return EXO_OK;
}

exo_err exo_sim_chan_get(struct exo_chan **c)
{
	struct exo_chan *n = chan_at(depth);

	*c = n;
	if (n->fd >= 0)
		return EXO_OK;
	if (n != &self) {
		/* A nested level: its own answer buffer, then a helper thread of the space. */
		if (!n->rx) {
			long a = exo_lx_mmap(0, SIM_ANSWER_MAX, 3 /* read, write */, 0x22 /* private, anonymous */, -1, 0);

			if (a < 0 && a > -4096)
				return EXO_ENOMEM;
			n->rx = (unsigned char *)(uintptr_t)a;
		}
		n->pending = EXO_NILTHREAD;
	}
	return join(n);
}

void exo_sim_chan_drop(void)
{
	if (self.fd >= 0) {
		fds_update(-1, self.fd);
		exo_lx_close(self.fd);
	}
	self.fd = -1;
	self.tid = EXO_NILTHREAD;
	for (int i = 0; i < CHAN_NEST; i++) {
		if (nested[i].fd >= 0) {
			fds_update(-1, nested[i].fd);
			exo_lx_close(nested[i].fd);
		}
		nested[i].fd = -1;
		if (nested[i].rx)
			exo_lx_munmap((uint64_t)(uintptr_t)nested[i].rx, SIM_ANSWER_MAX);
		nested[i].rx = NULL;
	}
}

void exo_sim_chan_set_pending(exo_tid_t tid)
{
	self.pending = tid;
}

exo_err exo_sim_chan_simple(uint16_t op, exo_tid_t tid, uint64_t rcv_timeout, const void *payload,
		    size_t plen, uint32_t *out_tid, uint32_t *out_aux, void *out, size_t outlen)
{
	struct sim_hdr h = { .op = op, .tid = tid, .rcv_timeout = rcv_timeout };
	struct exo_lx_iov iov[2] = { { &h, sizeof(h) }, { payload, plen } };
	const struct sim_hdr *a;
	struct exo_chan *c;
	long len;
	exo_err err = exo_sim_chan_get(&c);

	if (err == EXO_OK)
		err = exo_sim_chan_rpc(c, iov, plen ? 2 : 1, &len);
	if (err != EXO_OK)
		return err;
	a = (const void *)exo_sim_chan_rxbuf();
	if (a->op != SIM_OP_RESULT)
		return EXO_EIO;
	if (out_tid)
		*out_tid = a->tid;
	if (out_aux)
		*out_aux = a->aux;
	if (out) {
		size_t got = (size_t)len - sizeof(*a);

		memset(out, 0, outlen);
		memcpy(out, a + 1, got < outlen ? got : outlen);
	}
	return (exo_err)a->err;
}
