/*
 * tests/integration/hostile.c — exosim against hostile clients.
 *
 * Run as a space of a private kernel: exosim --cpu auto --exec hostile
 *
 * The test speaks the wire format of sim/common/wire.h on raw SOCK_SEQPACKET
 * connections to $EXO_SOCKET, without libexo, and sends what libexo never
 * would: truncated and oversized frames, unknown operations, operations out
 * of order, malformed typed items, forged header fields, silent and flooding
 * clients, and storms of connections. The kernel must answer each bad frame
 * with a SIM_OP_RESULT carrying an exo_err, keep serving everyone else, and
 * hold no more memory, threads, spaces or names afterwards than before.
 * Its socket, connect, send and recv are the host's on purpose: this is a
 * host-side client of the kernel's socket, not a program running on Exo.
 *
 * A well-behaved peer runs beside it: a forked child space that registers
 * VICTIM through libexo and replies to every message with what it saw
 * (see victim_main). After every case this process (through libexo) makes a
 * round trip to it and the kernel's counters must be back at the baseline.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <exo/exo.h>

#include "../../sim/common/wire.h"

#define VICTIM "victim"
#define ECHO_LABEL 0x4543u     /* the label of a well-behaved round trip */
#define RAW_TIMEOUT_S 20       /* a raw recv that waits longer fails the case */
#define SETTLE_MS 5000         /* how long the kernel may take to clean up */
#define HDR sizeof(struct sim_hdr)

/* The victim's reply: tag (label seen, VR_WORDS, 0) and these registers. */
enum { VR_FROM, VR_FLAGS, VR_LABEL, VR_MR0, VR_STRBYTES, VR_WORDS };

static pid_t victim_pid = -1;
static exo_tid_t victim;       /* the victim's thread */
static exo_tid_t me;           /* this process's libexo thread */
static exo_kinfo_t base;       /* the kernel's counters with only the two of us */
static const char *sock_path;

static unsigned char rx[SIM_FRAME_MAX + 4096] __attribute__((aligned(8)));
static unsigned char tx[512 * 1024] __attribute__((aligned(8)));

/* ---- bookkeeping of raw connections, so a failed case leaves none open ---- */

#define MAX_RAW 64
static int raw_fds[MAX_RAW];
static int nraw;

static void raw_forget(int fd)
{
	for (int i = 0; i < nraw; i++) {
		if (raw_fds[i] == fd) {
			raw_fds[i] = raw_fds[--nraw];
			return;
		}
	}
}

static void raw_close(int fd)
{
	raw_forget(fd);
	close(fd);
}

static void raw_close_all(void)
{
	while (nraw > 0)
		close(raw_fds[--nraw]);
}

/* A new connection to the kernel, not yet bound to a thread. */
static int raw_connect_untracked(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = RAW_TIMEOUT_S };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock_path);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int raw_connect(void)
{
	int fd = raw_connect_untracked();

	if (fd < 0)
		fail_msg("connect %s: %s", sock_path, strerror(errno));
	if (nraw == MAX_RAW)
		fail_msg("too many raw connections");
	raw_fds[nraw++] = fd;
	return fd;
}

static void raw_send(int fd, const void *buf, size_t len)
{
	ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

	if (n != (ssize_t)len)
		fail_msg("send of a %zu-byte frame: %s", len, n < 0 ? strerror(errno) : "short");
}

/* One frame into rx: its length, 0 when the kernel closed the channel, -1 on timeout. */
static ssize_t raw_recv(int fd)
{
	ssize_t n;

	do
		n = recv(fd, rx, sizeof(rx), MSG_TRUNC);
	while (n < 0 && errno == EINTR);
	return n;
}

static const struct sim_hdr *rx_hdr(void)
{
	return (const struct sim_hdr *)rx;
}

/* The answer to a request: a SIM_OP_RESULT; returns its err. */
static exo_err raw_result(int fd, const char *what)
{
	ssize_t n = raw_recv(fd);

	if (n == 0)
		fail_msg("%s: the kernel closed the channel instead of answering", what);
	if (n < 0)
		fail_msg("%s: no answer from the kernel: %s", what, strerror(errno));
	if ((size_t)n < HDR)
		fail_msg("%s: answer of %zd bytes", what, n);
	if (rx_hdr()->op != SIM_OP_RESULT)
		fail_msg("%s: answer op %u, expected SIM_OP_RESULT", what, rx_hdr()->op);
	return (exo_err)rx_hdr()->err;
}

/* A received message: a SIM_OP_MSG frame; returns its registers. */
static const uint64_t *raw_msg(int fd, const char *what)
{
	ssize_t n = raw_recv(fd);

	if (n <= 0)
		fail_msg("%s: no message (%s)", what, n == 0 ? "channel closed" : strerror(errno));
	if ((size_t)n < HDR)
		fail_msg("%s: message of %zd bytes", what, n);
	if (rx_hdr()->op != SIM_OP_MSG)
		fail_msg("%s: op %u err %s, expected SIM_OP_MSG", what, rx_hdr()->op,
			 exo_errname((exo_err)rx_hdr()->err));
	return (const uint64_t *)(rx + HDR);
}

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("    ");
	vprintf(fmt, ap);
	printf("\n");
	fflush(stdout);
	va_end(ap);
}

/*
 * Send a frame and require this answer. A reply-wait whose reply is refused
 * still receives (ipc.h): it is sent with a zero receive timeout, and the
 * reply's error is the answer's aux (a frame refused before its reply is
 * looked at is answered with the error itself).
 */
static void expect(int fd, const void *buf, size_t len, exo_err want, const char *what)
{
	struct sim_hdr h;
	exo_err got;

	memcpy(&h, buf, HDR < len ? HDR : len);
	if (len >= HDR && h.op == SIM_OP_REPLY_WAIT && want != EXO_OK && want != EXO_EMSGSIZE &&
	    len <= SIM_FRAME_MAX) {
		unsigned char *copy = malloc(len);

		memcpy(copy, buf, len);
		h.rcv_timeout = 0;
		memcpy(copy, &h, HDR);
		raw_send(fd, copy, len);
		free(copy);
		got = raw_result(fd, what);
		/* Refused as a frame (before any reply), or as a reply. */
		if (got != want && (got != EXO_ETIMEOUT || (exo_err)rx_hdr()->aux != want))
			fail_msg("%s: the kernel answered %s (reply %s), expected a refused reply %s", what,
				 exo_errname(got), exo_errname((exo_err)rx_hdr()->aux), exo_errname(want));
		return;
	}
	raw_send(fd, buf, len);
	got = raw_result(fd, what);
	if (got != want)
		fail_msg("%s: the kernel answered %s, expected %s", what, exo_errname(got),
			 exo_errname(want));
}

static void expect_note(int fd, const void *buf, size_t len, exo_err want, const char *what)
{
	expect(fd, buf, len, want, what);
	note("%-58s -> %s", what, exo_errname(want));
}

/* A header-only request. */
static struct sim_hdr req(uint16_t op, exo_tid_t tid)
{
	struct sim_hdr h;

	memset(&h, 0, sizeof(h));
	h.op = op;
	h.tid = tid;
	return h;
}

/*
 * Wait until the kernel has taken the blocking request just sent on fd: a
 * second request is refused (one operation at a time) only once it has.
 */
static void raw_sync_blocked(int fd)
{
	struct sim_hdr h = req(SIM_OP_KINFO, 0);

	expect(fd, &h, HDR, EXO_EPROTO, "a request while another one blocks");
}

/* HELLO on fd: the error, and the thread id the kernel bound on success. */
static exo_err raw_hello(int fd, exo_tid_t tid, exo_tid_t *bound)
{
	struct sim_hdr h = req(SIM_OP_HELLO, tid);
	exo_err err;

	raw_send(fd, &h, sizeof(h));
	err = raw_result(fd, "HELLO");
	if (err == EXO_OK) {
		struct sim_hello hello;

		memcpy(&hello, rx + HDR, sizeof(hello));
		assert_int_equal(hello.abi_version, EXO_ABI_VERSION);
		assert_int_not_equal(rx_hdr()->tid, EXO_NILTHREAD);
		if (bound)
			*bound = rx_hdr()->tid;
	}
	return err;
}

/* THREAD_NEW slots of this space not yet started or dropped: a failed case drops them. */
#define MAX_SLOTS 8
static exo_tid_t open_slots[MAX_SLOTS];
static int nslots;

static exo_tid_t raw_thread_new(int fd)
{
	struct sim_hdr h = req(SIM_OP_THREAD_NEW, 0);
	exo_tid_t tid;

	raw_send(fd, &h, HDR);
	assert_int_equal(raw_result(fd, "THREAD_NEW"), EXO_OK);
	tid = rx_hdr()->tid;
	assert_int_not_equal(tid, EXO_NILTHREAD);
	if (nslots < MAX_SLOTS)
		open_slots[nslots++] = tid;
	return tid;
}

/* The slot was started (HELLO) or dropped. */
static void slot_done(exo_tid_t tid)
{
	for (int i = 0; i < nslots; i++) {
		if (open_slots[i] == tid) {
			open_slots[i] = open_slots[--nslots];
			return;
		}
	}
}

static void drop_open_slots(void)
{
	struct sim_hdr h = req(SIM_OP_HELLO, EXO_NILTHREAD);
	int fd;

	if (!nslots)
		return;
	fd = raw_connect_untracked();
	if (fd >= 0 && send(fd, &h, HDR, MSG_NOSIGNAL) == (ssize_t)HDR &&
	    recv(fd, rx, sizeof(rx), 0) >= (ssize_t)HDR) {
		for (int i = 0; i < nslots; i++) {
			h = req(SIM_OP_THREAD_DROP, open_slots[i]);
			if (send(fd, &h, HDR, MSG_NOSIGNAL) != (ssize_t)HDR ||
			    recv(fd, rx, sizeof(rx), 0) < 0)
				break;
		}
	}
	if (fd >= 0)
		close(fd);
	nslots = 0;
}

/* A connection bound to a new thread of this space. */
static int raw_thread(exo_tid_t *tid)
{
	int fd = raw_connect();
	exo_tid_t t = 0;

	assert_int_equal(raw_hello(fd, EXO_NILTHREAD, &t), EXO_OK);
	if (tid)
		*tid = t;
	return fd;
}

/*
 * A message frame into tx: header, `words` registers, `nbytes` string bytes
 * (0x5a each). The tag is taken as given: it may lie about all of them.
 */
static size_t msg_frame(uint16_t op, exo_tid_t to, exo_tag_t tag, const uint64_t *mr, size_t words,
			size_t nbytes)
{
	struct sim_hdr h = req(op, to);
	size_t len = HDR + words * 8 + nbytes;

	if (len > sizeof(tx))
		fail_msg("frame of %zu bytes does not fit the test's buffer", len);
	h.tag = tag;
	h.snd_timeout = exo_timeout_ms(5000);
	h.rcv_timeout = exo_timeout_ms(5000);
	h.nbuf = 1;
	h.buf_size[0] = EXO_STRING_MAX;
	memcpy(tx, &h, HDR);
	if (words)
		memcpy(tx + HDR, mr, words * 8);
	memset(tx + HDR + words * 8, 0x5a, nbytes);
	return len;
}

static uint64_t string_item(uint32_t len)
{
	return EXO_ITEM_STRING | ((uint64_t)len << 32);
}

/* ---- the well-behaved side ---- */

/*
 * The victim: reply to every message with (label seen, VR_WORDS, 0) and
 * mr = { sender seen, tag flags seen, label seen, mr[0] seen, string bytes }.
 */
static _Noreturn void victim_main(void)
{
	static char buf[EXO_STRING_MAX];
	exo_tid_t to = EXO_NILTHREAD, from = EXO_NILTHREAD;
	exo_msg_t m;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		_exit(2);
	if (exo_register(VICTIM) != EXO_OK)
		_exit(3);
	memset(&m, 0, sizeof(m));
	for (;;) {
		unsigned u, t;
		uint64_t bytes = 0, mr0;
		exo_err err;

		m.nbr = 0;
		exo_msg_accept_string(&m, buf, sizeof(buf));
		err = exo_reply_wait(to, &m, EXO_TIMEOUT_NEVER, &from, NULL);
		if (err == EXO_EIO)
			_exit(4);
		if (err != EXO_OK) {
			to = EXO_NILTHREAD;
			continue;
		}
		u = exo_tag_untyped(m.tag);
		t = exo_tag_typed(m.tag);
		for (unsigned i = u; i + 1 < u + t; i += EXO_ITEM_WORDS)
			if (exo_item_kind(m.mr[i]) == EXO_ITEM_STRING)
				bytes += exo_string_len(m.mr[i]);
		mr0 = u ? m.mr[0] : 0;
		m.mr[VR_FROM] = from;
		m.mr[VR_FLAGS] = exo_tag_flags(m.tag);
		m.mr[VR_LABEL] = exo_tag_label(m.tag);
		m.mr[VR_MR0] = mr0;
		m.mr[VR_STRBYTES] = bytes;
		m.tag = exo_tag(exo_tag_label(m.tag), VR_WORDS, 0);
		to = from;
	}
}

/* A libexo call to the victim: it must answer, and have seen this thread. */
static void echo_round_trip(void)
{
	static uint64_t cookie = 0x1000;
	exo_msg_t m;
	exo_err err;

	memset(&m, 0, sizeof(m));
	m.tag = exo_tag(ECHO_LABEL, 1, 0);
	m.mr[0] = ++cookie;
	err = exo_call(victim, &m, exo_timeout_ms(5000), exo_timeout_ms(5000));
	if (err != EXO_OK)
		fail_msg("echo round trip to the victim: %s", exo_errname(err));
	assert_int_equal(exo_tag_label(m.tag), ECHO_LABEL);
	assert_int_equal(m.mr[VR_FROM], me);
	assert_int_equal(m.mr[VR_MR0], cookie);
}

static void kinfo(exo_kinfo_t *ki)
{
	exo_err err = exo_kernel_info(ki);

	if (err != EXO_OK)
		fail_msg("exo_kernel_info: %s", exo_errname(err));
}

static bool counts_equal(const exo_kinfo_t *a, const exo_kinfo_t *b)
{
	return a->threads == b->threads && a->spaces == b->spaces &&
	       a->kernel_bytes == b->kernel_bytes && a->names == b->names;
}

/* Wait (up to SETTLE_MS) until the kernel holds what it held at `want`. */
static void expect_counts(const exo_kinfo_t *want, const char *after)
{
	struct timespec pause = { 0, 10 * 1000 * 1000 };
	exo_kinfo_t ki;

	for (int i = 0; i < SETTLE_MS / 10; i++) {
		kinfo(&ki);
		if (counts_equal(&ki, want))
			return;
		nanosleep(&pause, NULL);
	}
	fail_msg("after %s the kernel holds threads %u spaces %u names %u kernel_bytes %llu; "
		 "before: threads %u spaces %u names %u kernel_bytes %llu",
		 after, ki.threads, ki.spaces, ki.names, (unsigned long long)ki.kernel_bytes,
		 want->threads, want->spaces, want->names, (unsigned long long)want->kernel_bytes);
}

/* ... what it held at the start, with only this thread and the victim. */
static void expect_base(const char *after)
{
	expect_counts(&base, after);
}

/* The end of every case: no raw connection left, nothing leaked, service as usual. */
static void case_end(const char *name)
{
	raw_close_all();
	expect_base(name);
	echo_round_trip();
}

/* Fork a child that runs fn and exits with its result; returns its exit code. */
static int in_child(int (*fn)(void *), void *arg)
{
	int st;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		fail_msg("fork: %s", strerror(errno));
	if (pid == 0)
		_exit(fn(arg));
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(st))
		fail_msg("child killed by signal %d", WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	return WEXITSTATUS(st);
}

/* ---- the cases ---- */

/* Frames shorter than a header, and frames whose tag or items lie about their size. */
static void truncated_frames_get_eproto(void **state)
{
	struct sim_hdr h;
	unsigned char buf[HDR];
	uint64_t mr[EXO_MR_COUNT];
	exo_tid_t tid;
	exo_kinfo_t ki;
	ssize_t n;
	size_t len;
	int fd, z;

	(void)state;
	memset(mr, 0, sizeof(mr));

	/* A 0-byte record: on SEQPACKET it reads like end of file. */
	z = raw_connect();
	raw_send(z, buf, 0);
	n = raw_recv(z);
	if (n == 0)
		note("%-58s -> channel closed", "0-byte frame, unbound channel");
	else if (n >= (ssize_t)HDR && rx_hdr()->op == SIM_OP_RESULT)
		assert_int_equal(rx_hdr()->err, EXO_EPROTO);
	else
		fail_msg("0-byte frame: unexpected answer (%zd bytes)", n);
	raw_close(z);

	z = raw_thread(&tid);
	raw_send(z, buf, 0);
	n = raw_recv(z);
	if (n == 0)
		note("%-58s -> channel closed, thread ends", "0-byte frame, bound channel");
	else if (n >= (ssize_t)HDR && rx_hdr()->op == SIM_OP_RESULT)
		assert_int_equal(rx_hdr()->err, EXO_EPROTO);
	else
		fail_msg("0-byte frame: unexpected answer (%zd bytes)", n);
	raw_close(z);
	expect_base("0-byte frames");

	/* 1..71 bytes: every prefix of a valid HELLO, unbound. */
	fd = raw_connect();
	h = req(SIM_OP_HELLO, EXO_NILTHREAD);
	memcpy(buf, &h, HDR);
	for (len = 1; len < HDR; len++)
		expect(fd, buf, len, EXO_EPROTO, "HELLO prefix, unbound");
	note("%-58s -> %s", "1..71-byte prefixes of HELLO, unbound", "EXO_EPROTO");
	kinfo(&ki);
	assert_int_equal(ki.threads, base.threads); /* no truncated HELLO bound anything */
	assert_int_equal(raw_hello(fd, EXO_NILTHREAD, &tid), EXO_OK);

	/* ... and every prefix of a valid KINFO on the now bound channel. */
	h = req(SIM_OP_KINFO, 0);
	memcpy(buf, &h, HDR);
	for (len = 1; len < HDR; len++)
		expect(fd, buf, len, EXO_EPROTO, "KINFO prefix, bound");
	note("%-58s -> %s", "1..71-byte prefixes of KINFO, bound", "EXO_EPROTO");
	expect_note(fd, &h, HDR, EXO_OK, "then a whole KINFO on the same channel");

	/* The tag claims more registers than the frame holds. */
	len = msg_frame(SIM_OP_SEND, victim, exo_tag(1, 10, 0), mr, 3, 0);
	expect_note(fd, tx, len, EXO_EPROTO, "SEND, tag u=10, 3 registers present");
	len = msg_frame(SIM_OP_SEND, victim, exo_tag(1, 64, 0), mr, 63, 0);
	expect_note(fd, tx, len, EXO_EPROTO, "SEND, tag u=64, 63 registers present");
	len = msg_frame(SIM_OP_CALL, victim, exo_tag(1, 0, 2), mr, 1, 0);
	expect_note(fd, tx, len, EXO_EPROTO, "CALL, tag t=2, 1 register present");
	len = msg_frame(SIM_OP_REPLY_WAIT, victim, exo_tag(1, 5, 0), mr, 0, 0);
	expect_note(fd, tx, len, EXO_EPROTO, "REPLY_WAIT, tag u=5, no register present");

	/* u + t > 64, with all 64 registers present; t odd. */
	len = msg_frame(SIM_OP_SEND, victim, exo_tag(1, 60, 6), mr, 64, 0);
	expect_note(fd, tx, len, EXO_EPROTO, "SEND, tag u=60 t=6 (u+t=66)");
	len = msg_frame(SIM_OP_SEND, victim, exo_tag(1, 127, 0), mr, 64, 0);
	expect_note(fd, tx, len, EXO_EPROTO, "SEND, tag u=127");
	len = msg_frame(SIM_OP_SEND, victim, exo_tag(1, 0, 126), mr, 64, 0);
	expect_note(fd, tx, len, EXO_EPROTO, "SEND, tag t=126");
	len = msg_frame(SIM_OP_CALL, victim, exo_tag(1, 64, 2), mr, 64, 0);
	expect_note(fd, tx, len, EXO_EPROTO, "CALL, tag u=64 t=2 (u+t=66)");
	mr[0] = string_item(0);
	len = msg_frame(SIM_OP_SEND, victim, exo_tag(1, 0, 1), mr, 1, 0);
	expect_note(fd, tx, len, EXO_EPROTO, "SEND, tag t=1 (odd)");

	/* String lengths that do not add up to the bytes present. */
	mr[0] = string_item(10);
	mr[1] = 0;
	len = msg_frame(SIM_OP_SEND, victim, exo_tag(1, 0, 2), mr, 2, 5);
	expect_note(fd, tx, len, EXO_EPROTO, "SEND, string of 10 bytes, 5 present");
	len = msg_frame(SIM_OP_SEND, victim, exo_tag(1, 0, 2), mr, 2, 15);
	expect_note(fd, tx, len, EXO_EPROTO, "SEND, string of 10 bytes, 15 present");
	len = msg_frame(SIM_OP_SEND, victim, exo_tag(1, 0, 2), mr, 2, 0);
	expect_note(fd, tx, len, EXO_EPROTO, "SEND, string of 10 bytes, none present");
	mr[0] = string_item(0);
	len = msg_frame(SIM_OP_SEND, victim, exo_tag(1, 0, 2), mr, 2, 1);
	expect_note(fd, tx, len, EXO_EPROTO, "SEND, string of 0 bytes, 1 present");
	mr[0] = 7;
	mr[1] = string_item(3);
	mr[2] = 0;
	mr[3] = string_item(4);
	mr[4] = 0;
	len = msg_frame(SIM_OP_CALL, victim, exo_tag(1, 1, 4), mr, 5, 6);
	expect_note(fd, tx, len, EXO_EPROTO, "CALL, strings of 3+4 bytes, 6 present");
	len = msg_frame(SIM_OP_CALL, victim, exo_tag(1, 1, 4), mr, 5, 8);
	expect_note(fd, tx, len, EXO_EPROTO, "CALL, strings of 3+4 bytes, 8 present");
	len = msg_frame(SIM_OP_REPLY_WAIT, EXO_NILTHREAD, exo_tag(1, 1, 4), mr, 5, 6);
	expect_note(fd, tx, len, EXO_EPROTO, "REPLY_WAIT, strings of 3+4 bytes, 6 present");

	/* A receive that offers more buffer registers than there are. */
	h = req(SIM_OP_RECV, victim);
	h.nbuf = EXO_BR_COUNT + 1;
	h.rcv_timeout = exo_timeout_ms(1);
	expect_note(fd, &h, HDR, EXO_EPROTO, "RECV, nbuf=9");
	len = msg_frame(SIM_OP_CALL, victim, exo_tag(1, 0, 0), mr, 0, 0);
	((struct sim_hdr *)tx)->nbuf = 0xffff;
	expect_note(fd, tx, len, EXO_EPROTO, "CALL, nbuf=65535");

	/* Nothing above reached the victim; the channel still works. */
	mr[0] = 42;
	len = msg_frame(SIM_OP_CALL, victim, exo_tag(9, 1, 0), mr, 1, 0);
	raw_send(fd, tx, len);
	{
		const uint64_t *r = raw_msg(fd, "a valid CALL after the bad frames");

		assert_int_equal(r[VR_FROM], tid);
		assert_int_equal(r[VR_MR0], 42);
	}
	case_end("truncated frames");
}

/* Frames over SIM_FRAME_MAX, over an operation's own limit, strings over EXO_STRING_MAX. */
static void oversized_frames_get_emsgsize(void **state)
{
	int sndbuf = 512 * 1024, fd, un;
	socklen_t sl = sizeof(sndbuf);
	uint64_t mr[EXO_MR_COUNT];
	size_t len, sizes[3];
	char what[96];
	exo_tid_t tid;
	struct sim_hdr h;

	(void)state;
	memset(mr, 0, sizeof(mr));
	fd = raw_thread(&tid);
	un = raw_connect();
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	setsockopt(un, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, &sl);
	assert_true((size_t)sndbuf > SIM_FRAME_MAX + 4096);

	/* Bigger than any frame: refused before decoding. */
	sizes[0] = SIM_FRAME_MAX + 1;
	sizes[1] = 2 * SIM_FRAME_MAX;
	sizes[2] = 256 * 1024;
	for (int i = 0; i < 3; i++) {
		len = msg_frame(SIM_OP_SEND, victim, exo_tag(1, 0, 0), mr, 0, sizes[i] - HDR);
		snprintf(what, sizeof(what), "SEND frame of %zu bytes, bound", len);
		expect_note(fd, tx, len, EXO_EMSGSIZE, what);
		snprintf(what, sizeof(what), "frame of %zu bytes, unbound", len);
		expect_note(un, tx, len, EXO_EMSGSIZE, what);
	}

	/* Over the operation's own limit. */
	h = req(SIM_OP_HELLO, 0);
	memset(tx, 0, HDR + 4200);
	memcpy(tx, &h, HDR);
	expect_note(un, tx, HDR + 1, EXO_EMSGSIZE, "HELLO + 1 byte, unbound");
	h = req(SIM_OP_KINFO, 0);
	memcpy(tx, &h, HDR);
	expect_note(fd, tx, HDR + 8, EXO_EMSGSIZE, "KINFO + 8 bytes");
	h = req(SIM_OP_RECV, victim);
	memcpy(tx, &h, HDR);
	expect_note(fd, tx, HDR + 8, EXO_EMSGSIZE, "RECV + 8 bytes");
	h = req(SIM_OP_ABORT, tid);
	memcpy(tx, &h, HDR);
	expect_note(fd, tx, HDR + 1, EXO_EMSGSIZE, "ABORT + 1 byte");
	h = req(SIM_OP_THREAD_NEW, 0);
	memcpy(tx, &h, HDR);
	expect_note(fd, tx, HDR + 1, EXO_EMSGSIZE, "THREAD_NEW + 1 byte");
	h = req(SIM_OP_REGISTER, 0);
	memcpy(tx, &h, HDR);
	memset(tx + HDR, 'a', EXO_NAME_MAX + 1);
	tx[HDR + EXO_NAME_MAX + 1] = 0;
	expect_note(fd, tx, HDR + EXO_NAME_MAX + 2, EXO_EMSGSIZE, "REGISTER, 32-char name + NUL");
	h = req(SIM_OP_LOOKUP, 0);
	memcpy(tx, &h, HDR);
	expect_note(fd, tx, HDR + EXO_NAME_MAX + 2, EXO_EMSGSIZE, "LOOKUP, 32-char name + NUL");
	h = req(SIM_OP_SPAWN, 0);
	memcpy(tx, &h, HDR);
	memset(tx + HDR, 'a', SIM_PAYLOAD_MAX + 1);
	tx[HDR + SIM_PAYLOAD_MAX] = 0;
	expect_note(fd, tx, HDR + SIM_PAYLOAD_MAX + 1, EXO_EMSGSIZE, "SPAWN, 4097-byte argv");

	/* String items over EXO_STRING_MAX in all: EMSGSIZE from the item walk. */
	mr[0] = string_item(EXO_STRING_MAX + 1);
	len = msg_frame(SIM_OP_SEND, victim, exo_tag(1, 0, 2), mr, 2, 0);
	expect_note(fd, tx, len, EXO_EMSGSIZE, "SEND, string of 65537 bytes claimed, none present");
	len = msg_frame(SIM_OP_SEND, victim, exo_tag(1, 0, 2), mr, 2, EXO_STRING_MAX + 1);
	expect_note(fd, tx, len, EXO_EMSGSIZE, "SEND, string of 65537 bytes, all present");
	mr[0] = string_item(40000);
	mr[2] = string_item(40000);
	len = msg_frame(SIM_OP_CALL, victim, exo_tag(1, 0, 4), mr, 4, 0);
	expect_note(fd, tx, len, EXO_EMSGSIZE, "CALL, strings of 40000+40000 bytes claimed");
	for (int i = 0; i < 16; i += 2) {
		mr[i] = string_item(UINT32_MAX);
		mr[i + 1] = 0;
	}
	len = msg_frame(SIM_OP_SEND, victim, exo_tag(1, 0, 16), mr, 16, 0);
	expect_note(fd, tx, len, EXO_EMSGSIZE, "SEND, 8 strings of 4 GiB - 1 claimed");

	/* The largest valid frame is SIM_FRAME_MAX and goes through. */
	memset(mr, 0, sizeof(mr));
	mr[0] = 77;
	mr[62] = string_item(EXO_STRING_MAX);
	len = msg_frame(SIM_OP_CALL, victim, exo_tag(3, 62, 2), mr, 64, EXO_STRING_MAX);
	assert_int_equal(len, SIM_FRAME_MAX);
	raw_send(fd, tx, len);
	{
		const uint64_t *r = raw_msg(fd, "CALL of exactly SIM_FRAME_MAX bytes");

		assert_int_equal(r[VR_FROM], tid);
		assert_int_equal(r[VR_MR0], 77);
		assert_int_equal(r[VR_STRBYTES], EXO_STRING_MAX);
	}
	note("%-58s -> delivered", "CALL of exactly SIM_FRAME_MAX bytes");
	case_end("oversized frames");
}

/* Operations the kernel does not have, bound or not. */
static void unknown_operations_get_enosys(void **state)
{
	static const uint16_t bad[] = { 0, SIM_OP_COUNT, 63, SIM_OP_RESULT, SIM_OP_MSG, 200, 0xffff };
	int un, fd;
	char what[64];

	(void)state;
	un = raw_connect();
	fd = raw_thread(NULL);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct sim_hdr h = req(bad[i], victim);

		snprintf(what, sizeof(what), "op %u, unbound", bad[i]);
		expect_note(un, &h, HDR, EXO_ENOSYS, what);
		snprintf(what, sizeof(what), "op %u, bound", bad[i]);
		expect_note(fd, &h, HDR, EXO_ENOSYS, what);
	}
	/* The unbound channel may still say HELLO. */
	assert_int_equal(raw_hello(un, EXO_NILTHREAD, NULL), EXO_OK);
	case_end("unknown operations");
}

/* Every operation but HELLO on an unbound channel. */
static void operations_before_hello_get_eproto(void **state)
{
	int fd;
	char what[64];
	exo_kinfo_t ki;

	(void)state;
	fd = raw_connect();
	for (uint16_t op = SIM_OP_SEND; op < SIM_OP_CTL_ACK; op++) {
		struct sim_hdr h = req(op, op == SIM_OP_RECV ? EXO_ANYTHREAD : victim);

		snprintf(what, sizeof(what), "op %u before HELLO", op);
		expect_note(fd, &h, HDR, EXO_EPROTO, what);
	}
	/* With a valid payload too. */
	{
		struct {
			struct sim_hdr h;
			char name[8];
		} f;

		f.h = req(SIM_OP_REGISTER, 0);
		memcpy(f.name, "squat", 6);
		expect_note(fd, &f, HDR + 6, EXO_EPROTO, "REGISTER \"squat\" before HELLO");
		f.h.op = SIM_OP_LOOKUP;
		memcpy(f.name, VICTIM, sizeof(VICTIM));
		expect_note(fd, &f, HDR + sizeof(VICTIM), EXO_EPROTO, "LOOKUP \"victim\" before HELLO");
	}
	kinfo(&ki);
	assert_int_equal(ki.threads, base.threads);
	assert_int_equal(ki.names, base.names);
	assert_int_equal(raw_hello(fd, EXO_NILTHREAD, NULL), EXO_OK);
	case_end("operations before HELLO");
}

/* HELLO again on a bound channel. */
static void second_hello_gets_eproto(void **state)
{
	exo_tid_t tid, other;
	exo_kinfo_t ki, ki2;
	int fd, fd2;
	struct sim_hdr h;

	(void)state;
	fd = raw_thread(&tid);
	fd2 = raw_thread(&other);
	kinfo(&ki);
	h = req(SIM_OP_HELLO, EXO_NILTHREAD);
	expect_note(fd, &h, HDR, EXO_EPROTO, "second HELLO, tid 0");
	h.tid = tid;
	expect_note(fd, &h, HDR, EXO_EPROTO, "second HELLO, its own tid");
	h.tid = other;
	expect_note(fd, &h, HDR, EXO_EPROTO, "second HELLO, another thread's tid");
	h.tid = victim;
	expect_note(fd, &h, HDR, EXO_EPROTO, "second HELLO, the victim's tid");
	kinfo(&ki2);
	assert_int_equal(ki2.threads, ki.threads);
	/* Still bound to its own thread. */
	{
		uint64_t mr[1] = { 5 };
		size_t len = msg_frame(SIM_OP_CALL, victim, exo_tag(2, 1, 0), mr, 1, 0);
		const uint64_t *r;

		raw_send(fd, tx, len);
		r = raw_msg(fd, "CALL after the second HELLO");
		assert_int_equal(r[VR_FROM], tid);
	}
	(void)fd2;
	case_end("second HELLO");
}

struct foreign {
	exo_tid_t slot;        /* a THREAD_NEW slot of the parent's space, never started */
	exo_tid_t slot2;       /* another one */
};

/* In another process: claim the parent's threads. Returns 0 when every claim is refused. */
static int claim_from_child(void *arg)
{
	const struct foreign *f = arg;
	struct sim_hdr h;
	int fd = raw_connect_untracked(), rc = 0;
	ssize_t n;

	if (fd < 0)
		return 90;
	h = req(SIM_OP_HELLO, f->slot);
	send(fd, &h, HDR, MSG_NOSIGNAL);
	n = recv(fd, rx, sizeof(rx), 0);
	if (n < (ssize_t)HDR || rx_hdr()->op != SIM_OP_RESULT)
		return 91;
	printf("    %-58s -> %s\n", "other process: HELLO with a THREAD_NEW slot of ours",
	       exo_errname((exo_err)rx_hdr()->err));
	if (rx_hdr()->err != EXO_EPERM)
		rc = 92;
	h.tid = victim;
	send(fd, &h, HDR, MSG_NOSIGNAL);
	n = recv(fd, rx, sizeof(rx), 0);
	if (n < (ssize_t)HDR || rx_hdr()->op != SIM_OP_RESULT)
		return 93;
	printf("    %-58s -> %s\n", "other process: HELLO with the victim's tid",
	       exo_errname((exo_err)rx_hdr()->err));
	if (rx_hdr()->err != EXO_ENOPARTNER && !rc)
		rc = 94;
	h.tid = me;
	send(fd, &h, HDR, MSG_NOSIGNAL);
	n = recv(fd, rx, sizeof(rx), 0);
	if (n < (ssize_t)HDR || rx_hdr()->op != SIM_OP_RESULT)
		return 95;
	printf("    %-58s -> %s\n", "other process: HELLO with our main thread's tid",
	       exo_errname((exo_err)rx_hdr()->err));
	if (rx_hdr()->err != EXO_ENOPARTNER && !rc)
		rc = 96;
	/* As a thread of its own space, it may not drop or abort ours. */
	h = req(SIM_OP_HELLO, EXO_NILTHREAD);
	send(fd, &h, HDR, MSG_NOSIGNAL);
	n = recv(fd, rx, sizeof(rx), 0);
	if (n < (ssize_t)HDR || rx_hdr()->err != EXO_OK)
		return 97;
	h = req(SIM_OP_THREAD_DROP, f->slot2);
	send(fd, &h, HDR, MSG_NOSIGNAL);
	n = recv(fd, rx, sizeof(rx), 0);
	if (n < (ssize_t)HDR || rx_hdr()->op != SIM_OP_RESULT)
		return 98;
	printf("    %-58s -> %s\n", "other process: THREAD_DROP of a slot of ours",
	       exo_errname((exo_err)rx_hdr()->err));
	if (rx_hdr()->err != EXO_EPERM && !rc)
		rc = 99;
	h = req(SIM_OP_ABORT, me);
	send(fd, &h, HDR, MSG_NOSIGNAL);
	n = recv(fd, rx, sizeof(rx), 0);
	if (n < (ssize_t)HDR || rx_hdr()->op != SIM_OP_RESULT)
		return 100;
	printf("    %-58s -> %s\n", "other process: ABORT of our main thread",
	       exo_errname((exo_err)rx_hdr()->err));
	if (rx_hdr()->err != EXO_EPERM && !rc)
		rc = 101;
	fflush(stdout);
	close(fd);
	return rc;
}

/* HELLO claiming a thread that is not the caller's to claim. */
static void hello_with_a_foreign_tid_is_refused(void **state)
{
	struct foreign f;
	exo_tid_t other, stale, got = 0;
	struct sim_hdr h;
	int fd, owner, rc;
	exo_err err;

	(void)state;
	owner = raw_thread(&other);
	fd = raw_connect();
	assert_int_equal(raw_hello(fd, me, NULL), EXO_ENOPARTNER);
	note("%-58s -> %s", "HELLO with our main thread's tid", "EXO_ENOPARTNER");
	assert_int_equal(raw_hello(fd, other, NULL), EXO_ENOPARTNER);
	note("%-58s -> %s", "HELLO with another raw thread's tid", "EXO_ENOPARTNER");
	assert_int_equal(raw_hello(fd, victim, NULL), EXO_ENOPARTNER);
	note("%-58s -> %s", "HELLO with the victim's tid (other process)", "EXO_ENOPARTNER");
	stale = exo_tid_make(exo_tid_number(victim), exo_tid_version(victim) + 1);
	assert_int_equal(raw_hello(fd, stale, NULL), EXO_ENOPARTNER);
	assert_int_equal(raw_hello(fd, 0xdeadbeefu, NULL), EXO_ENOPARTNER);
	assert_int_equal(raw_hello(fd, EXO_ANYTHREAD, NULL), EXO_ENOPARTNER);
	note("%-58s -> %s", "HELLO with stale / made-up / ANYTHREAD tids", "EXO_ENOPARTNER");

	/* Slots of our space that no thread has started yet. */
	f.slot = raw_thread_new(owner);
	f.slot2 = raw_thread_new(owner);

	/* Another process claims them, or our threads. */
	rc = in_child(claim_from_child, &f);
	if (rc != 0)
		fail_msg("the other process's claims: check %d failed", rc);

	/* The victim's space may not be acted on from here either. */
	h = req(SIM_OP_ABORT, victim);
	expect_note(owner, &h, HDR, EXO_EPERM, "ABORT of the victim (other space)");
	h = req(SIM_OP_THREAD_DROP, victim);
	expect_note(owner, &h, HDR, EXO_ENOPARTNER, "THREAD_DROP of the victim (running)");
	h = req(SIM_OP_THREAD_DROP, other);
	expect_note(fd, &h, HDR, EXO_EPROTO, "THREAD_DROP on the unbound channel");

	/* ABORT reaches our own threads' waits, and nothing else. */
	{
		int w = raw_thread(&got);
		struct {
			struct sim_hdr h;
			char name[16];
		} l;

		h = req(SIM_OP_RECV, EXO_ANYTHREAD);
		h.rcv_timeout = EXO_TIMEOUT_NEVER;
		raw_send(w, &h, HDR);
		raw_sync_blocked(w);
		h = req(SIM_OP_ABORT, got);
		expect_note(owner, &h, HDR, EXO_OK, "ABORT of our own thread blocked in RECV");
		assert_int_equal(raw_result(w, "the aborted RECV"), EXO_ECANCELED);
		l.h = req(SIM_OP_LOOKUP, 0);
		l.h.rcv_timeout = EXO_TIMEOUT_NEVER;
		memcpy(l.name, "never-there", 12);
		raw_send(w, &l, HDR + 12);
		raw_sync_blocked(w);
		expect_note(owner, &h, HDR, EXO_OK, "ABORT of our own thread waiting in LOOKUP");
		assert_int_equal(raw_result(w, "the aborted LOOKUP"), EXO_ECANCELED);
		note("%-58s -> %s", "the aborted waits end with", "EXO_ECANCELED");
		raw_close(w);
	}

	/* Our own process may start the slot; the other one it drops. */
	err = raw_hello(fd, f.slot, &got);
	assert_int_equal(err, EXO_OK);
	slot_done(f.slot);
	assert_int_equal(got, f.slot);
	note("%-58s -> EXO_OK, bound as that tid", "HELLO with our own THREAD_NEW slot");
	h = req(SIM_OP_THREAD_DROP, f.slot2);
	expect_note(owner, &h, HDR, EXO_OK, "THREAD_DROP of our own unstarted slot");
	slot_done(f.slot2);
	assert_int_equal(raw_hello(raw_connect(), f.slot2, NULL), EXO_ENOPARTNER);
	note("%-58s -> %s", "HELLO with the dropped slot", "EXO_ENOPARTNER");
	case_end("HELLO with foreign tids");
}

/* Item kinds the kernel does not take. */
static void bad_typed_items_get_ebaditem(void **state)
{
	static const uint16_t ops[] = { SIM_OP_SEND, SIM_OP_CALL, SIM_OP_REPLY_WAIT };
	static const char *const names[] = { "SEND", "CALL", "REPLY_WAIT" };
	uint64_t mr[EXO_MR_COUNT];
	char what[96];
	size_t len;
	int fd;

	(void)state;
	fd = raw_thread(NULL);
	for (int o = 0; o < 3; o++) {
		exo_tid_t to = ops[o] == SIM_OP_REPLY_WAIT ? EXO_NILTHREAD : victim;
		static const unsigned kinds[] = { 0, 4, 7, 0xf };

		memset(mr, 0, sizeof(mr));
		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
			mr[1] = kinds[k] | ((uint64_t)8 << 32);
			len = msg_frame(ops[o], to, exo_tag(1, 1, 2), mr, 3, 0);
			snprintf(what, sizeof(what), "%s, item of kind %u", names[o], kinds[k]);
			expect_note(fd, tx, len, EXO_EBADITEM, what);
		}
		/*
		 * Map and grant items of pages this space does not hold, to a
		 * receiver with no receive window: refused at the rendezvous. (A
		 * reply-wait's reply goes to nobody here, so only send and call.)
		 */
		if (ops[o] != SIM_OP_REPLY_WAIT) {
			mr[1] = EXO_ITEM_MAP;
			mr[2] = exo_fpage(0x10000, 12, EXO_R | EXO_W);
			len = msg_frame(ops[o], to, exo_tag(1, 1, 2), mr, 3, 0);
			snprintf(what, sizeof(what), "%s, map item (valid fpage)", names[o]);
			expect_note(fd, tx, len, EXO_EBADITEM, what);
			mr[1] = EXO_ITEM_GRANT;
			len = msg_frame(ops[o], to, exo_tag(1, 1, 2), mr, 3, 0);
			snprintf(what, sizeof(what), "%s, grant item", names[o]);
			expect_note(fd, tx, len, EXO_EBADITEM, what);
			mr[1] = string_item(4);
			mr[3] = EXO_ITEM_MAP;
			mr[4] = exo_fpage(0x10000, 12, EXO_R);
			len = msg_frame(ops[o], to, exo_tag(1, 1, 4), mr, 5, 4);
			snprintf(what, sizeof(what), "%s, string item then map item", names[o]);
			expect_note(fd, tx, len, EXO_EBADITEM, what);
		}
		for (int i = 0; i < 18; i += 2) {
			mr[1 + i] = string_item(0);
			mr[2 + i] = 0;
		}
		len = msg_frame(ops[o], to, exo_tag(1, 1, 18), mr, 19, 0);
		snprintf(what, sizeof(what), "%s, 9 string items (8 buffer registers)", names[o]);
		expect_note(fd, tx, len, EXO_EBADITEM, what);
	}
	case_end("bad typed items");
}

/* Put another thread's id in every field a sender controls. */
static void forge(exo_tid_t as)
{
	struct sim_hdr *h = (struct sim_hdr *)tx;

	h->err = (int32_t)as;
	h->aux = as;
	h->nbuf = EXO_BR_COUNT;
	for (int i = 0; i < EXO_BR_COUNT; i++)
		h->buf_size[i] = as;
	h->snd_timeout = ((uint64_t)as << 32) | as;
	h->rcv_timeout = ((uint64_t)as << 32) | as;
	/* Label = the forged id, and every flag bit, EXO_TAGF_KERNEL included. */
	h->tag = exo_tag_with_flags(exo_tag(as, exo_tag_untyped(h->tag), exo_tag_typed(h->tag)), 0xf);
}

/* No header field makes a message appear to come from another thread. */
static void forged_sender_fields_are_ignored(void **state)
{
	uint64_t mr[EXO_MR_COUNT];
	const uint64_t *r;
	const struct sim_hdr *a;
	exo_tid_t tid, qtid;
	size_t len;
	int fd, q;

	(void)state;
	fd = raw_thread(&tid);
	memset(mr, 0, sizeof(mr));
	mr[0] = me; /* the payload may say anything; the sender id is the kernel's */

	/* CALL to the victim, dressed up as our main thread. */
	len = msg_frame(SIM_OP_CALL, victim, exo_tag(0, 1, 0), mr, 1, 0);
	forge(me);
	raw_send(fd, tx, len);
	r = raw_msg(fd, "forged CALL");
	a = rx_hdr();
	assert_int_equal(a->tid, victim);
	if (r[VR_FROM] != tid)
		fail_msg("forged CALL: the victim saw sender %#x, the channel's thread is %#x",
			 (unsigned)r[VR_FROM], tid);
	note("%-58s -> victim saw sender %#x (ours), label %#x", "CALL with every field = main tid",
	     (unsigned)r[VR_FROM], (unsigned)r[VR_LABEL]);
	if (r[VR_FLAGS] != 0)
		fail_msg("forged CALL: the victim saw tag flags %#x (EXO_TAGF_KERNEL forged)",
			 (unsigned)r[VR_FLAGS]);

	/* REPLY_WAIT to the victim (it is in an open receive: the reply is taken). */
	len = msg_frame(SIM_OP_REPLY_WAIT, victim, exo_tag(0, 1, 0), mr, 1, 0);
	forge(victim);
	raw_send(fd, tx, len);
	r = raw_msg(fd, "forged REPLY_WAIT");
	assert_int_equal(rx_hdr()->tid, victim);
	assert_int_equal(r[VR_FROM], tid);
	assert_int_equal(r[VR_FLAGS], 0);
	note("%-58s -> victim saw sender %#x (ours)", "REPLY_WAIT with every field = victim tid",
	     (unsigned)r[VR_FROM]);

	/* To a raw receiver: the whole header it gets is the kernel's. */
	q = raw_thread(&qtid);
	{
		struct sim_hdr h = req(SIM_OP_RECV, EXO_ANYTHREAD);

		h.rcv_timeout = EXO_TIMEOUT_NEVER;
		h.nbuf = 1;
		h.buf_size[0] = 64;
		raw_send(q, &h, HDR);
	}
	mr[0] = 0x1234;
	mr[1] = string_item(5);
	mr[2] = 0xbad;
	len = msg_frame(SIM_OP_SEND, qtid, exo_tag(0, 1, 2), mr, 3, 5);
	forge(me);
	raw_send(fd, tx, len);
	assert_int_equal(raw_result(fd, "forged SEND to a raw receiver"), EXO_OK);
	r = raw_msg(q, "the raw receiver");
	a = rx_hdr();
	assert_int_equal(a->tid, tid);
	assert_int_equal(a->err, EXO_OK);
	assert_int_equal(a->aux, 0);
	assert_int_equal(a->nbuf, 0);
	assert_int_equal(a->snd_timeout, 0);
	assert_int_equal(a->rcv_timeout, 0);
	for (int i = 0; i < EXO_BR_COUNT; i++)
		assert_int_equal(a->buf_size[i], 0);
	assert_int_equal(exo_tag_flags(a->tag), 0);
	assert_int_equal(exo_tag_untyped(a->tag), 1);
	assert_int_equal(r[0], 0x1234);
	note("%-58s -> header tid %#x (ours), other fields 0", "SEND with every field = main tid",
	     a->tid);

	/* Our main thread, through libexo, to the raw receiver. */
	{
		struct sim_hdr h = req(SIM_OP_RECV, EXO_ANYTHREAD);
		exo_msg_t m;

		h.rcv_timeout = EXO_TIMEOUT_NEVER;
		raw_send(q, &h, HDR);
		memset(&m, 0, sizeof(m));
		m.tag = exo_tag(3, 1, 0);
		m.mr[0] = 99;
		assert_int_equal(exo_send(qtid, &m, exo_timeout_ms(5000)), EXO_OK);
		raw_msg(q, "libexo SEND to the raw receiver");
		assert_int_equal(rx_hdr()->tid, me);
	}
	case_end("forged sender fields");
}

/* A connection that never says anything holds no one up. */
static void silent_client_does_not_block_others(void **state)
{
	exo_tid_t found = 0;
	exo_kinfo_t ki;
	int s1, s2, s3, fd;

	(void)state;
	s1 = raw_connect();              /* never speaks */
	s2 = raw_thread(NULL);           /* says HELLO, then nothing */
	s3 = raw_connect();
	{
		unsigned char b[HDR / 2];    /* half a header, then nothing */

		memset(b, 0, sizeof(b));
		expect(s3, b, sizeof(b), EXO_EPROTO, "half a header");
	}
	for (int i = 0; i < 20; i++)
		echo_round_trip();
	assert_int_equal(exo_lookup(VICTIM, &found, exo_timeout_ms(5000)), EXO_OK);
	assert_int_equal(found, victim);
	kinfo(&ki);
	assert_int_equal(ki.threads, base.threads + 1);
	fd = raw_thread(NULL);
	{
		uint64_t mr[1] = { 3 };
		size_t len = msg_frame(SIM_OP_CALL, victim, exo_tag(4, 1, 0), mr, 1, 0);

		raw_send(fd, tx, len);
		raw_msg(fd, "a raw CALL beside the silent ones");
	}
	note("%-58s -> 20 libexo round trips, a raw CALL, a lookup: all served",
	     "3 silent connections open");
	(void)s1;
	(void)s2;
	case_end("silent clients");
}

static int storm_child(void *arg)
{
	int fd = raw_connect_untracked(), which = *(int *)arg;
	struct {
		struct sim_hdr h;
		char name[16];
	} f;

	if (fd < 0)
		return 10;
	f.h = req(SIM_OP_HELLO, EXO_NILTHREAD);
	send(fd, &f, HDR, MSG_NOSIGNAL);
	if (recv(fd, rx, sizeof(rx), 0) < (ssize_t)HDR || rx_hdr()->err != EXO_OK)
		return 11;
	if (which % 200 == 50) {
		f.h = req(SIM_OP_RECV, EXO_ANYTHREAD);
		f.h.rcv_timeout = EXO_TIMEOUT_NEVER;
		send(fd, &f, HDR, MSG_NOSIGNAL);
		return 0; /* exits blocked: the kernel sees the channel close */
	}
	f.h = req(SIM_OP_THREAD_NEW, 0); /* a slot, dropped again */
	send(fd, &f, HDR, MSG_NOSIGNAL);
	if (recv(fd, rx, sizeof(rx), 0) < (ssize_t)HDR || rx_hdr()->err != EXO_OK)
		return 12;
	f.h = req(SIM_OP_THREAD_DROP, rx_hdr()->tid);
	send(fd, &f, HDR, MSG_NOSIGNAL);
	if (recv(fd, rx, sizeof(rx), 0) < (ssize_t)HDR || rx_hdr()->err != EXO_OK)
		return 13;
	f.h = req(SIM_OP_LOOKUP, 0);
	f.h.rcv_timeout = EXO_TIMEOUT_NEVER;
	memcpy(f.name, "never-there", 12);
	send(fd, &f, HDR + 12, MSG_NOSIGNAL);
	return 0; /* exits waiting for a name */
}

/* 1000 connections come and go, many of them in the middle of something. */
static void connect_storm_leaks_nothing(void **state)
{
	unsigned blocked_recv = 0, hellos = 0, forks = 0;
	struct sim_hdr h;
	exo_kinfo_t ki;

	(void)state;
	for (int i = 0; i < 1000; i++) {
		int fd = raw_connect();
		exo_tid_t tid = 0;

		if (i % 100 == 50) {
			int rc = in_child(storm_child, &i);

			if (rc != 0)
				fail_msg("storm child %d: check %d failed", i, rc);
			forks++;
		}
		switch (i % 10) {
		case 0:
		case 4:
		case 8:
			break; /* connect, close */
		case 2:
			raw_send(fd, "\x01\x00\x00", 3); /* a truncated HELLO, not read */
			break;
		case 6:
			h = req(200, 0); /* an unknown op, not read */
			raw_send(fd, &h, HDR);
			break;
		case 1:
			assert_int_equal(raw_hello(fd, EXO_NILTHREAD, &tid), EXO_OK);
			hellos++;
			if (i % 20 == 11) { /* a call to itself, which nobody can ever take */
				uint64_t mr[1] = { 0 };
				size_t len = msg_frame(SIM_OP_CALL, tid, exo_tag(1, 1, 0), mr, 1, 0);

				((struct sim_hdr *)tx)->snd_timeout = EXO_TIMEOUT_NEVER;
				raw_send(fd, tx, len);
			}
			if (i % 20 == 1) { /* a slot made and dropped */
				exo_tid_t slot = raw_thread_new(fd);

				h = req(SIM_OP_THREAD_DROP, slot);
				raw_send(fd, &h, HDR);
				assert_int_equal(raw_result(fd, "THREAD_DROP"), EXO_OK);
				slot_done(slot);
			}
			break;
		case 3: /* blocked in an open receive */
			assert_int_equal(raw_hello(fd, EXO_NILTHREAD, &tid), EXO_OK);
			hellos++;
			h = req(SIM_OP_RECV, EXO_ANYTHREAD);
			h.rcv_timeout = EXO_TIMEOUT_NEVER;
			raw_send(fd, &h, HDR);
			blocked_recv++;
			break;
		case 5: /* blocked in a closed receive from the victim */
			assert_int_equal(raw_hello(fd, EXO_NILTHREAD, &tid), EXO_OK);
			hellos++;
			h = req(SIM_OP_RECV, victim);
			h.rcv_timeout = i % 20 == 5 ? EXO_TIMEOUT_NEVER : exo_timeout_ms(60000);
			raw_send(fd, &h, HDR);
			blocked_recv++;
			break;
		case 7: /* waiting for a name that never comes */
			assert_int_equal(raw_hello(fd, EXO_NILTHREAD, &tid), EXO_OK);
			hellos++;
			{
				struct {
					struct sim_hdr h;
					char name[16];
				} f;

				f.h = req(SIM_OP_LOOKUP, 0);
				f.h.rcv_timeout = EXO_TIMEOUT_NEVER;
				memcpy(f.name, "never-there", 12);
				raw_send(fd, &f, HDR + 12);
			}
			break;
		case 9: /* owns a name, and holds a message to our main thread */
			assert_int_equal(raw_hello(fd, EXO_NILTHREAD, &tid), EXO_OK);
			hellos++;
			{
				struct {
					struct sim_hdr h;
					char name[16];
				} f;
				uint64_t mr[3] = { 1, string_item(100), 0 };
				size_t len;

				f.h = req(SIM_OP_REGISTER, 0);
				snprintf(f.name, sizeof(f.name), "storm-%d", i);
				raw_send(fd, &f, HDR + strlen(f.name) + 1);
				assert_int_equal(raw_result(fd, "REGISTER"), EXO_OK);
				len = msg_frame(SIM_OP_SEND, me, exo_tag(1, 1, 2), mr, 3, 100);
				((struct sim_hdr *)tx)->snd_timeout = EXO_TIMEOUT_NEVER;
				raw_send(fd, tx, len);
			}
			break;
		}
		raw_close(fd);
		if (i % 250 == 249)
			echo_round_trip();
	}
	note("%-58s -> %u HELLOs, %u closed in RECV, %u child spaces", "1000 connects/disconnects",
	     hellos, blocked_recv, forks);
	expect_base("1000 connects/disconnects");
	kinfo(&ki);
	note("%-58s -> threads %u spaces %u names %u kernel_bytes %llu", "kernel counters after",
	     ki.threads, ki.spaces, ki.names, (unsigned long long)ki.kernel_bytes);
	case_end("connect storm");
}

struct flood_result {
	unsigned sent, answers;
	bool closed;
	exo_err first_err;
};

/*
 * Send `frame` on fd over and over without reading, checking between bursts
 * that a normal client (libexo, and a raw one) is still served. Then read
 * what the kernel answered.
 */
static void flood(int fd, const void *frame, size_t len, int normal, struct flood_result *res)
{
	struct timespec t0, t;
	ssize_t n;

	memset(res, 0, sizeof(*res));
	res->first_err = EXO_ERR_COUNT;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (res->sent < 20000) {
		n = send(fd, frame, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n == (ssize_t)len) {
			res->sent++;
			if (res->sent % 500 == 0) {
				struct sim_hdr k = req(SIM_OP_KINFO, 0);

				echo_round_trip();
				expect(normal, &k, HDR, EXO_OK, "a normal raw client's KINFO during a flood");
			}
			continue;
		}
		if (n < 0 && (errno == EPIPE || errno == ECONNRESET)) {
			res->closed = true;
			break;
		}
		if (n < 0 && errno == EAGAIN) {
			struct pollfd p = { .fd = fd, .events = POLLOUT };

			/* The kernel reads slower than we write: others must still be served. */
			echo_round_trip();
			poll(&p, 1, 100);
			clock_gettime(CLOCK_MONOTONIC, &t);
			if (t.tv_sec - t0.tv_sec > 60)
				fail_msg("flood: the kernel stopped reading the flooding channel");
			continue;
		}
		fail_msg("flood: send: %s", n < 0 ? strerror(errno) : "short");
	}
	/* What came back, until the end of the channel or silence. */
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, res->closed ? 5000 : 500) <= 0)
			break;
		n = recv(fd, rx, sizeof(rx), MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno == ECONNRESET)) {
			res->closed = true;
			break;
		}
		if (n < 0)
			break;
		assert_true((size_t)n >= HDR);
		assert_int_equal(rx_hdr()->op, SIM_OP_RESULT);
		if (res->first_err == EXO_ERR_COUNT)
			res->first_err = (exo_err)rx_hdr()->err;
		assert_int_equal(rx_hdr()->err, res->first_err);
		res->answers++;
	}
}

/* A client that sends and never reads its answers blocks nobody. */
static void flooding_client_does_not_block_others(void **state)
{
	struct flood_result r;
	struct sim_hdr h;
	exo_kinfo_t before;
	int fd, normal;

	(void)state;
	normal = raw_thread(NULL);
	kinfo(&before);

	/* Valid requests, answers never read. */
	fd = raw_thread(NULL);
	h = req(SIM_OP_KINFO, 0);
	flood(fd, &h, HDR, normal, &r);
	note("%-58s -> %u sent, %u answers (%s) queued, channel %s", "KINFO flood, bound",
	     r.sent, r.answers, r.answers ? exo_errname(r.first_err) : "-",
	     r.closed ? "closed by the kernel" : "still open");
	raw_close(fd);
	expect_counts(&before, "a KINFO flood");

	/* Blocked in a receive, then frames the kernel must refuse (one operation at a time). */
	fd = raw_thread(NULL);
	h = req(SIM_OP_RECV, EXO_ANYTHREAD);
	h.rcv_timeout = EXO_TIMEOUT_NEVER;
	raw_send(fd, &h, HDR);
	flood(fd, &h, HDR, normal, &r);
	note("%-58s -> %u sent, %u answers (%s) queued, channel %s", "RECV flood while in RECV",
	     r.sent, r.answers, r.answers ? exo_errname(r.first_err) : "-",
	     r.closed ? "closed by the kernel" : "still open");
	if (r.answers)
		assert_int_equal(r.first_err, EXO_EPROTO);
	raw_close(fd);
	expect_counts(&before, "a flood while blocked");

	/* Unbound, unknown operations. */
	fd = raw_connect();
	h = req(200, 0);
	flood(fd, &h, HDR, normal, &r);
	note("%-58s -> %u sent, %u answers (%s) queued, channel %s", "unknown-op flood, unbound",
	     r.sent, r.answers, r.answers ? exo_errname(r.first_err) : "-",
	     r.closed ? "closed by the kernel" : "still open");
	if (r.answers)
		assert_int_equal(r.first_err, EXO_ENOSYS);
	raw_close(fd);
	case_end("floods");
}

/* Names and argv the kernel must refuse. */
static void bad_payloads_get_einval(void **state)
{
	struct {
		struct sim_hdr h;
		char p[SIM_PAYLOAD_MAX];
	} f;
	static const struct {
		const char *name;
		size_t len;
	} names[] = { { "", 0 }, { "", 1 }, { "a b", 4 }, { "a/b", 4 }, { "ab\0cd", 6 },
		      { "\xff\xfe", 3 }, { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 32 } };
	char what[80];
	int fd;

	(void)state;
	fd = raw_thread(NULL);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		f.h = req(SIM_OP_REGISTER, 0);
		memcpy(f.p, names[i].name, names[i].len);
		snprintf(what, sizeof(what), "REGISTER, bad name #%zu (%zu bytes)", i, names[i].len);
		expect_note(fd, &f, HDR + names[i].len, EXO_EINVAL, what);
		f.h.op = SIM_OP_LOOKUP;
		snprintf(what, sizeof(what), "LOOKUP, bad name #%zu (%zu bytes)", i, names[i].len);
		expect_note(fd, &f, HDR + names[i].len, EXO_EINVAL, what);
	}
	f.h = req(SIM_OP_REGISTER, 0);
	memcpy(f.p, VICTIM, sizeof(VICTIM));
	expect_note(fd, &f, HDR + sizeof(VICTIM), EXO_EEXIST, "REGISTER \"victim\" (taken)");
	f.h = req(SIM_OP_SPAWN, 0);
	expect_note(fd, &f, HDR, EXO_EINVAL, "SPAWN, empty argv");
	memcpy(f.p, "abc", 3);
	expect_note(fd, &f, HDR + 3, EXO_EINVAL, "SPAWN, argv not NUL-terminated");
	memset(f.p, 0, 4);
	expect_note(fd, &f, HDR + 4, EXO_EINVAL, "SPAWN, empty program name");
	memset(f.p, 0, sizeof(f.p));
	for (int i = 0; i < 300; i++)
		f.p[2 * i] = 'x';
	expect_note(fd, &f, HDR + 600, EXO_EINVAL, "SPAWN, 300 arguments");
	case_end("bad payloads");
}

/*
 * A THREAD_NEW slot belongs to the space, not to the channel that asked for
 * it: it outlives its creator and can still be started. The last one is left
 * unstarted on purpose, for exosim's shutdown to free (the Valgrind run of
 * this test checks that it does). Keep this case last.
 */
static void unstarted_slot_outlives_its_creator(void **state)
{
	exo_tid_t slot, got = 0;
	exo_kinfo_t ki;
	int fd;

	(void)state;
	fd = raw_thread(NULL);
	slot = raw_thread_new(fd);
	raw_close(fd);
	/* The creator's thread ends; the slot stays (kernel_bytes: one thread more). */
	for (int i = 0; i < SETTLE_MS / 10; i++) {
		struct timespec pause = { 0, 10 * 1000 * 1000 };

		kinfo(&ki);
		if (ki.threads == base.threads + 1)
			break;
		nanosleep(&pause, NULL);
	}
	assert_int_equal(ki.threads, base.threads + 1);
	assert_int_equal(ki.spaces, base.spaces);
	fd = raw_connect();
	assert_int_equal(raw_hello(fd, slot, &got), EXO_OK);
	slot_done(slot);
	assert_int_equal(got, slot);
	note("%-58s -> EXO_OK", "HELLO with a slot whose creator has ended");
	raw_close(fd);
	expect_base("the slot's thread ended");
	echo_round_trip();

	fd = raw_thread(NULL);
	slot = raw_thread_new(fd);
	slot_done(slot); /* not dropped: exosim must free it when it shuts down */
	raw_close(fd);
	note("%-58s -> left for exosim's shutdown", "another slot, never started");
}

/* ---- the group ---- */

static int group_setup(void **state)
{
	exo_err err;

	(void)state;
	sock_path = getenv(SIM_SOCKET_ENV);
	if (!sock_path || !*sock_path) {
		fprintf(stderr, "hostile: run me as exosim --exec hostile ($%s is not set)\n",
			SIM_SOCKET_ENV);
		return -1;
	}
	fflush(stdout);
	victim_pid = fork();
	if (victim_pid < 0)
		return -1;
	if (victim_pid == 0)
		victim_main();
	err = exo_lookup(VICTIM, &victim, exo_timeout_ms(5000));
	if (err != EXO_OK) {
		fprintf(stderr, "hostile: lookup %s: %s\n", VICTIM, exo_errname(err));
		return -1;
	}
	me = exo_myself();
	if (exo_kernel_info(&base) != EXO_OK)
		return -1;
	printf("    kernel at start: threads %u spaces %u names %u kernel_bytes %llu; me %#x victim %#x\n",
	       base.threads, base.spaces, base.names, (unsigned long long)base.kernel_bytes, me, victim);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	raw_close_all();
	if (victim_pid > 0) {
		kill(victim_pid, SIGKILL);
		while (waitpid(victim_pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	return 0;
}

static int case_teardown(void **state)
{
	(void)state;
	raw_close_all(); /* a failed case leaves nothing behind for the next */
	drop_open_slots();
	return 0;
}

#define CASE(f) cmocka_unit_test_teardown(f, case_teardown)

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		CASE(truncated_frames_get_eproto),
		CASE(oversized_frames_get_emsgsize),
		CASE(unknown_operations_get_enosys),
		CASE(operations_before_hello_get_eproto),
		CASE(second_hello_gets_eproto),
		CASE(hello_with_a_foreign_tid_is_refused),
		CASE(bad_typed_items_get_ebaditem),
		CASE(forged_sender_fields_are_ignored),
		CASE(bad_payloads_get_einval),
		CASE(silent_client_does_not_block_others),
		CASE(connect_storm_leaks_nothing),
		CASE(flooding_client_does_not_block_others),
		CASE(unstarted_slot_outlives_its_creator),
	};

	exo_init_args(&argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1)
		cmocka_set_test_filter(argv[1]); /* hostile PATTERN: run only matching cases */
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
