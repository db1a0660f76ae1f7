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
			lx_close(all_fds[i] - 1);
		all_fds[i] = 0;
	}
	atomic_flag_clear(&fds_lock);
	self.fd = -1;
	self.tid = EXO_NILTHREAD;
	self.space = EXO_NILSPACE;
	self.pending = EXO_NILTHREAD;
	mem_after_fork();
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

static const char *socket_path(char *buf, size_t n)
{
	const char *env = getenv(SIM_SOCKET_ENV), *rt = getenv("XDG_RUNTIME_DIR");

	if (socket_override[0])
		return socket_override;
	if (env && *env)
		return env;
	if (rt && *rt)
		snprintf(buf, n, "%s/exo/exosim.sock", rt);
	else
		snprintf(buf, n, "/tmp/exo-%u/exosim.sock", (unsigned)lx_getuid());
	return buf;
}

unsigned char *chan_rxbuf(void)
{
	return rxbuf;
}

exo_err chan_rpc(struct exo_chan *c, const struct lx_iov *iov, int n, long *len)
{
	long r = lx_sendv(c->fd, iov, n);

	if (r < 0)
		return r == -EMSGSIZE ? EXO_EMSGSIZE : EXO_EIO;
	r = lx_recv(c->fd, rxbuf, sizeof(rxbuf));
	if (r < (long)sizeof(struct sim_hdr) || r > (long)sizeof(rxbuf))
		return EXO_EIO;
	*len = r;
	return EXO_OK;
}

/* HELLO on a fresh connection; the answer carries the physical memory memfd. */
static exo_err hello(int fd, exo_tid_t tid, uint32_t aux, struct sim_hdr *a, struct sim_hello *out,
		     int *memfd)
{
	struct sim_hdr h = { .op = SIM_OP_HELLO, .tid = tid, .aux = aux };
	struct lx_iov iov = { &h, sizeof(h) };
	unsigned char buf[sizeof(*a) + sizeof(*out)];
	long n;

	*memfd = -1;
	if (lx_sendv(fd, &iov, 1) < 0)
		return EXO_EIO;
	n = lx_recv_fd(fd, buf, sizeof(buf), memfd);
	if (n < (long)sizeof(*a))
		return EXO_EIO;
	memcpy(a, buf, sizeof(*a));
	if (a->err != EXO_OK || n != (long)sizeof(buf)) {
		if (*memfd >= 0)
			lx_close(*memfd);
		*memfd = -1;
		return a->err != EXO_OK ? (exo_err)a->err : EXO_EIO;
	}
	memcpy(out, buf + sizeof(*a), sizeof(*out));
	return EXO_OK;
}

int chan_connect_control(void)
{
	struct sim_hdr a;
	struct sim_hello h;
	char buf[128];
	int fd = lx_connect(socket_path(buf, sizeof(buf))), memfd;

	if (fd < 0)
		return -1;
	if (hello(fd, EXO_NILTHREAD, SIM_HELLO_CONTROL, &a, &h, &memfd) != EXO_OK) {
		lx_close(fd);
		return -1;
	}
	if (memfd >= 0)
		lx_close(memfd);
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
		lx_atfork_child(after_fork_child);
	fd = lx_connect(socket_path(buf, sizeof(buf)));
	if (fd < 0)
		return EXO_EIO;
	err = hello(fd, c->pending, 0, &a, &h, &memfd);
	if (err != EXO_OK) {
		lx_close(fd);
		return err;
	}
	c->fd = fd;
	c->tid = a.tid;
	c->space = a.aux;
	fds_update(fd, -1);
	if (h.cpu >= 0 && !getenv("EXO_NO_PLACEMENT"))
		lx_set_cpu(h.cpu);
	time_join(h.boot_ns);
	mem_join(&h, memfd);
	return EXO_OK;
}

exo_err chan_get(struct exo_chan **c)
{
	*c = &self;
	if (self.fd >= 0)
		return EXO_OK;
	return join(&self);
}

void chan_drop(void)
{
	if (self.fd >= 0) {
		fds_update(-1, self.fd);
		lx_close(self.fd);
	}
	self.fd = -1;
	self.tid = EXO_NILTHREAD;
}

void chan_set_pending(exo_tid_t tid)
{
	self.pending = tid;
}

exo_err chan_simple(uint16_t op, exo_tid_t tid, uint64_t rcv_timeout, const void *payload,
		    size_t plen, uint32_t *out_tid, uint32_t *out_aux, void *out, size_t outlen)
{
	struct sim_hdr h = { .op = op, .tid = tid, .rcv_timeout = rcv_timeout };
	struct lx_iov iov[2] = { { &h, sizeof(h) }, { payload, plen } };
	const struct sim_hdr *a = (const void *)rxbuf;
	struct exo_chan *c;
	long len;
	exo_err err = chan_get(&c);

	if (err == EXO_OK)
		err = chan_rpc(c, iov, plen ? 2 : 1, &len);
	if (err != EXO_OK)
		return err;
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
