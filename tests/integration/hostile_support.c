/*
 * tests/integration/hostile_support.c — the `hostile` test's tools: raw
 * SOCK_SEQPACKET connections to the kernel (host calls on purpose, see
 * hostile.c), frames built by hand, the answers they must get, the
 * well-behaved victim and the kernel's counters.
 *
 * Raw connections and THREAD_NEW slots are tracked, so that a failed case
 * (which leaves its function early) leaves none behind for the next one.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
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

#include "hostile.h"

pid_t victim_pid = -1;
exo_tid_t victim;
exo_tid_t me;
exo_kinfo_t base;
const char *sock_path;

unsigned char rx[SIM_FRAME_MAX + 4096] __attribute__((aligned(8)));
unsigned char tx[512 * 1024] __attribute__((aligned(8)));

/* ---- bookkeeping of raw connections, so a failed case leaves none open ---- */

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

void raw_close(int fd)
{
	raw_forget(fd);
	close(fd);
}

void raw_close_all(void)
{
	while (nraw > 0)
		close(raw_fds[--nraw]);
}

/* A new connection to the kernel, not yet bound to a thread. */
int raw_connect_untracked(void)
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

int raw_connect(void)
{
	int fd = raw_connect_untracked();

	if (fd < 0)
		fail_msg("connect %s: %s", sock_path, strerror(errno));
	if (nraw == MAX_RAW)
		fail_msg("too many raw connections");
	raw_fds[nraw++] = fd;
	return fd;
}

void raw_send(int fd, const void *buf, size_t len)
{
	ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

	if (n != (ssize_t)len)
		fail_msg("send of a %zu-byte frame: %s", len, n < 0 ? strerror(errno) : "short");
}

/* One frame into rx: its length, 0 when the kernel closed the channel, -1 on timeout. */
ssize_t raw_recv(int fd)
{
	ssize_t n;

	do
		n = recv(fd, rx, sizeof(rx), MSG_TRUNC);
	while (n < 0 && errno == EINTR);
	return n;
}

const struct sim_hdr *rx_hdr(void)
{
	return (const struct sim_hdr *)rx;
}

/* The answer to a request: a SIM_OP_RESULT; returns its err. */
exo_err raw_result(int fd, const char *what)
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
const uint64_t *raw_msg(int fd, const char *what)
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

void note(const char *fmt, ...)
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
void expect(int fd, const void *buf, size_t len, exo_err want, const char *what)
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

void expect_note(int fd, const void *buf, size_t len, exo_err want, const char *what)
{
	expect(fd, buf, len, want, what);
	note("%-58s -> %s", what, exo_errname(want));
}

/* A header-only request. */
struct sim_hdr req(uint16_t op, exo_tid_t tid)
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
void raw_sync_blocked(int fd)
{
	struct sim_hdr h = req(SIM_OP_KINFO, 0);

	expect(fd, &h, HDR, EXO_EPROTO, "a request while another one blocks");
}

/* HELLO on fd: the error, and the thread id the kernel bound on success. */
exo_err raw_hello(int fd, exo_tid_t tid, exo_tid_t *bound)
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
static exo_tid_t open_slots[MAX_SLOTS];
static int nslots;

exo_tid_t raw_thread_new(int fd)
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
void slot_done(exo_tid_t tid)
{
	for (int i = 0; i < nslots; i++) {
		if (open_slots[i] == tid) {
			open_slots[i] = open_slots[--nslots];
			return;
		}
	}
}

void drop_open_slots(void)
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
int raw_thread(exo_tid_t *tid)
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
size_t msg_frame(uint16_t op, exo_tid_t to, exo_tag_t tag, const uint64_t *mr, size_t words,
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

uint64_t string_item(uint32_t len)
{
	return STRING_ITEM(len);
}

void expect_frames(int fd, const struct frame_case *rows, size_t n, const char *prefix)
{
	uint64_t mr[EXO_MR_COUNT];
	char what[128];

	for (size_t i = 0; i < n; i++) {
		const struct frame_case *c = &rows[i];
		size_t len;

		/* The row's registers, then 0 up to the `words` present. */
		assert_true(c->words <= EXO_MR_COUNT);
		memset(mr, 0, sizeof(mr));
		memcpy(mr, c->mr, sizeof(c->mr));
		len = msg_frame(c->op, c->to, exo_tag(1, c->u, c->t), mr, c->words, c->nbytes);
		if (prefix)
			snprintf(what, sizeof(what), "%s, %s", prefix, c->what);
		else
			snprintf(what, sizeof(what), "%s", c->what);
		expect_note(fd, tx, len, c->want, what);
	}
}

/* ---- the well-behaved side ---- */

/*
 * The victim: reply to every message with (label seen, VR_WORDS, 0) and
 * mr = { sender seen, tag flags seen, label seen, mr[0] seen, string bytes }.
 */
_Noreturn void victim_main(void)
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
void echo_round_trip(void)
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

void kinfo(exo_kinfo_t *ki)
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
void expect_counts(const exo_kinfo_t *want, const char *after)
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
void expect_base(const char *after)
{
	expect_counts(&base, after);
}

/* The end of every case: no raw connection left, nothing leaked, service as usual. */
void case_end(const char *name)
{
	raw_close_all();
	expect_base(name);
	echo_round_trip();
}

/* Fork a child that runs fn and exits with its result; returns its exit code. */
int in_child(int (*fn)(void *), void *arg)
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

