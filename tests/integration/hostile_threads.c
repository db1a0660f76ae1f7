/*
 * tests/integration/hostile_threads.c — who a channel is: operations before
 * HELLO, a second HELLO, HELLO (and DROP, ABORT) with thread ids that are
 * not the caller's, header fields forged to look like another sender, and
 * THREAD_NEW slots that outlive the channel that made them. The kernel
 * takes the sender's id from the channel alone, and acts on a thread only
 * for its own space.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "hostile.h"

#define NROWS(a) (sizeof(a) / sizeof((a)[0]))

/* Every operation but HELLO on an unbound channel. */
void operations_before_hello_get_eproto(void **state)
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
void second_hello_gets_eproto(void **state)
{
	exo_tid_t tid, other;
	exo_kinfo_t ki, ki2;
	int fd, fd2;
	struct sim_hdr h;

	(void)state;
	fd = raw_thread(&tid);
	fd2 = raw_thread(&other);
	kinfo(&ki);
	{
		const struct {
			const char *what;
			exo_tid_t tid;
		} again[] = {
			{ "second HELLO, tid 0", EXO_NILTHREAD },
			{ "second HELLO, its own tid", tid },
			{ "second HELLO, another thread's tid", other },
			{ "second HELLO, the victim's tid", victim },
		};

		for (size_t i = 0; i < NROWS(again); i++) {
			h = req(SIM_OP_HELLO, again[i].tid);
			expect_note(fd, &h, HDR, EXO_EPROTO, again[i].what);
		}
	}
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

/*
 * One request of the other process: a failed send or recv (or, for a
 * `must` step, any answer but `want`) ends it with `io`; a wrong answer
 * otherwise is remembered as `wrong` unless an earlier one was.
 */
struct claim {
	const char *what;      /* NULL: a step that is not itself a check, and not shown */
	uint16_t op;
	exo_tid_t tid;
	exo_err want;
	int io, wrong;
};

/* In another process: claim the parent's threads. Returns 0 when every claim is refused. */
static int claim_from_child(void *arg)
{
	const struct foreign *f = arg;
	const struct claim steps[] = {
		{ "other process: HELLO with a THREAD_NEW slot of ours", SIM_OP_HELLO, f->slot, EXO_EPERM, 91, 92 },
		{ "other process: HELLO with the victim's tid", SIM_OP_HELLO, victim, EXO_ENOPARTNER, 93, 94 },
		{ "other process: HELLO with our main thread's tid", SIM_OP_HELLO, me, EXO_ENOPARTNER, 95, 96 },
		/* As a thread of its own space, it may not drop or abort ours. */
		{ NULL, SIM_OP_HELLO, EXO_NILTHREAD, EXO_OK, 97, 97 },
		{ "other process: THREAD_DROP of a slot of ours", SIM_OP_THREAD_DROP, f->slot2, EXO_EPERM, 98, 99 },
		{ "other process: ABORT of our main thread", SIM_OP_ABORT, me, EXO_EPERM, 100, 101 },
	};
	int fd = raw_connect_untracked(), rc = 0;

	if (fd < 0)
		return 90;
	for (size_t i = 0; i < NROWS(steps); i++) {
		struct sim_hdr h = req(steps[i].op, steps[i].tid);
		ssize_t n;

		send(fd, &h, HDR, MSG_NOSIGNAL);
		n = recv(fd, rx, sizeof(rx), 0);
		if (!steps[i].what) {
			if (n < (ssize_t)HDR || (exo_err)rx_hdr()->err != steps[i].want)
				return steps[i].io;
			continue;
		}
		if (n < (ssize_t)HDR || rx_hdr()->op != SIM_OP_RESULT)
			return steps[i].io;
		printf("    %-58s -> %s\n", steps[i].what, exo_errname((exo_err)rx_hdr()->err));
		if ((exo_err)rx_hdr()->err != steps[i].want && !rc)
			rc = steps[i].wrong;
	}
	fflush(stdout);
	close(fd);
	return rc;
}

/* HELLO claiming a thread that is not the caller's to claim. */
void hello_with_a_foreign_tid_is_refused(void **state)
{
	struct foreign f;
	exo_tid_t other, stale, got = 0;
	struct sim_hdr h;
	int fd, owner, rc;
	exo_err err;

	(void)state;
	owner = raw_thread(&other);
	fd = raw_connect();
	stale = exo_tid_make(exo_tid_number(victim), exo_tid_version(victim) + 1);
	{
		const struct {
			const char *what;
			exo_tid_t tid;
		} foreign_tids[] = {
			{ "HELLO with our main thread's tid", me },
			{ "HELLO with another raw thread's tid", other },
			{ "HELLO with the victim's tid (other process)", victim },
			{ "HELLO with a stale tid (the victim's, next version)", stale },
			{ "HELLO with a made-up tid", 0xdeadbeefu },
			{ "HELLO with EXO_ANYTHREAD", EXO_ANYTHREAD },
		};

		for (size_t i = 0; i < NROWS(foreign_tids); i++) {
			assert_int_equal(raw_hello(fd, foreign_tids[i].tid, NULL), EXO_ENOPARTNER);
			note("%-58s -> %s", foreign_tids[i].what, "EXO_ENOPARTNER");
		}
	}

	/* Slots of our space that no thread has started yet. */
	f.slot = raw_thread_new(owner);
	f.slot2 = raw_thread_new(owner);

	/* Another process claims them, or our threads. */
	rc = in_child(claim_from_child, &f);
	if (rc != 0)
		fail_msg("the other process's claims: check %d failed", rc);

	/* The victim's space may not be acted on from here either. */
	{
		const struct {
			const char *what;
			int fd;
			uint16_t op;
			exo_tid_t tid;
			exo_err want;
		} acts[] = {
			{ "ABORT of the victim (other space)", owner, SIM_OP_ABORT, victim, EXO_EPERM },
			{ "THREAD_DROP of the victim (running)", owner, SIM_OP_THREAD_DROP, victim, EXO_ENOPARTNER },
			{ "THREAD_DROP on the unbound channel", fd, SIM_OP_THREAD_DROP, other, EXO_EPROTO },
		};

		for (size_t i = 0; i < NROWS(acts); i++) {
			h = req(acts[i].op, acts[i].tid);
			expect_note(acts[i].fd, &h, HDR, acts[i].want, acts[i].what);
		}
	}

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
void forged_sender_fields_are_ignored(void **state)
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

/*
 * A THREAD_NEW slot belongs to the space, not to the channel that asked for
 * it: it outlives its creator and can still be started. The last one is left
 * unstarted on purpose, for exosim's shutdown to free (the Valgrind run of
 * this test checks that it does). Keep this case last.
 */
void unstarted_slot_outlives_its_creator(void **state)
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
