/*
 * tests/integration/hostile_load.c — clients that misbehave by their
 * manner rather than their bytes: connections that never speak, a storm of
 * 1000 connections that go away in the middle of something, and clients
 * that send without ever reading their answers. Others must be served all
 * along, and the kernel must hold nothing of them afterwards.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <cmocka.h>

#include "hostile.h"

#define NROWS(a) (sizeof(a) / sizeof((a)[0]))

/* A connection that never says anything holds no one up. */
void silent_client_does_not_block_others(void **state)
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
void connect_storm_leaks_nothing(void **state)
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

/*
 * One flood: on a fresh channel (bound or not, first blocked in `block` if
 * it is not 0), `frame` over and over; the answers queued must all be
 * `want` (EXO_ERR_COUNT: not checked), and `after` (if not NULL) names the
 * point where the kernel must be back at the counters before the floods.
 */
struct flood_case {
	const char *what;
	bool bound;
	uint16_t block;        /* a blocking request sent first, or 0 */
	uint16_t op;           /* the flood's header-only frame */
	exo_tid_t tid;
	exo_timeout_t rcv_timeout;
	exo_err want;
	const char *after;
};

/* A client that sends and never reads its answers blocks nobody. */
void flooding_client_does_not_block_others(void **state)
{
	static const struct flood_case floods[] = {
		/* Valid requests, answers never read. */
		{ "KINFO flood, bound", true, 0, SIM_OP_KINFO, 0, 0, EXO_ERR_COUNT, "a KINFO flood" },
		/* Blocked in a receive, then frames the kernel must refuse (one operation at a time). */
		{ "RECV flood while in RECV", true, SIM_OP_RECV, SIM_OP_RECV, EXO_ANYTHREAD, EXO_TIMEOUT_NEVER,
		  EXO_EPROTO, "a flood while blocked" },
		/* Unbound, unknown operations. */
		{ "unknown-op flood, unbound", false, 0, 200, 0, 0, EXO_ENOSYS, NULL },
	};
	struct flood_result r;
	exo_kinfo_t before;
	int normal;

	(void)state;
	normal = raw_thread(NULL);
	kinfo(&before);
	for (size_t i = 0; i < NROWS(floods); i++) {
		const struct flood_case *c = &floods[i];
		struct sim_hdr h = req(c->op, c->tid);
		int fd = c->bound ? raw_thread(NULL) : raw_connect();

		h.rcv_timeout = c->rcv_timeout;
		if (c->block) {
			struct sim_hdr b = req(c->block, c->tid);

			b.rcv_timeout = c->rcv_timeout;
			raw_send(fd, &b, HDR);
		}
		flood(fd, &h, HDR, normal, &r);
		note("%-58s -> %u sent, %u answers (%s) queued, channel %s", c->what,
		     r.sent, r.answers, r.answers ? exo_errname(r.first_err) : "-",
		     r.closed ? "closed by the kernel" : "still open");
		if (r.answers && c->want != EXO_ERR_COUNT)
			assert_int_equal(r.first_err, c->want);
		raw_close(fd);
		if (c->after)
			expect_counts(&before, c->after);
	}
	case_end("floods");
}
