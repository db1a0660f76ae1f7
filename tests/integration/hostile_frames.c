/*
 * tests/integration/hostile_frames.c — frames the kernel must refuse for
 * what they are: too short or lying about their size (EXO_EPROTO), too
 * long (EXO_EMSGSIZE), of an unknown operation (EXO_ENOSYS), with typed
 * items it does not take (EXO_EBADITEM), with names and argv it cannot
 * use (EXO_EINVAL). Frames that differ only in their bytes are rows of a
 * table (struct frame_case, expect_frames()); every case then shows that
 * the same channel, or the victim, still works.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "hostile.h"

#define NROWS(a) (sizeof(a) / sizeof((a)[0]))

/* A 0-byte record on a channel: on SEQPACKET it reads like end of file. */
static void zero_byte_frame(bool bound, const char *what, const char *closed)
{
	unsigned char buf[1];
	exo_tid_t tid;
	ssize_t n;
	int z = bound ? raw_thread(&tid) : raw_connect();

	raw_send(z, buf, 0);
	n = raw_recv(z);
	if (n == 0)
		note("%-58s -> %s", what, closed);
	else if (n >= (ssize_t)HDR && rx_hdr()->op == SIM_OP_RESULT)
		assert_int_equal(rx_hdr()->err, EXO_EPROTO);
	else
		fail_msg("0-byte frame: unexpected answer (%zd bytes)", n);
	raw_close(z);
}

/* Frames shorter than a header, and frames whose tag or items lie about their size. */
void truncated_frames_get_eproto(void **state)
{
	struct sim_hdr h;
	unsigned char buf[HDR];
	uint64_t mr[EXO_MR_COUNT];
	exo_tid_t tid;
	exo_kinfo_t ki;
	size_t len;
	int fd;

	(void)state;
	memset(mr, 0, sizeof(mr));

	zero_byte_frame(false, "0-byte frame, unbound channel", "channel closed");
	zero_byte_frame(true, "0-byte frame, bound channel", "channel closed, thread ends");
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

	{
		const struct frame_case lies[] = {
			/* The tag claims more registers than the frame holds. */
			{ "SEND, tag u=10, 3 registers present", SIM_OP_SEND, victim, 10, 0, { 0 }, 3, 0, EXO_EPROTO },
			{ "SEND, tag u=64, 63 registers present", SIM_OP_SEND, victim, 64, 0, { 0 }, 63, 0, EXO_EPROTO },
			{ "CALL, tag t=2, 1 register present", SIM_OP_CALL, victim, 0, 2, { 0 }, 1, 0, EXO_EPROTO },
			{ "REPLY_WAIT, tag u=5, no register present", SIM_OP_REPLY_WAIT, victim, 5, 0, { 0 }, 0, 0,
			  EXO_EPROTO },
			/* u + t > 64, with all 64 registers present; t odd. */
			{ "SEND, tag u=60 t=6 (u+t=66)", SIM_OP_SEND, victim, 60, 6, { 0 }, 64, 0, EXO_EPROTO },
			{ "SEND, tag u=127", SIM_OP_SEND, victim, 127, 0, { 0 }, 64, 0, EXO_EPROTO },
			{ "SEND, tag t=126", SIM_OP_SEND, victim, 0, 126, { 0 }, 64, 0, EXO_EPROTO },
			{ "CALL, tag u=64 t=2 (u+t=66)", SIM_OP_CALL, victim, 64, 2, { 0 }, 64, 0, EXO_EPROTO },
			{ "SEND, tag t=1 (odd)", SIM_OP_SEND, victim, 0, 1, { STRING_ITEM(0) }, 1, 0, EXO_EPROTO },
			/* String lengths that do not add up to the bytes present. */
			{ "SEND, string of 10 bytes, 5 present", SIM_OP_SEND, victim, 0, 2, { STRING_ITEM(10), 0 }, 2, 5,
			  EXO_EPROTO },
			{ "SEND, string of 10 bytes, 15 present", SIM_OP_SEND, victim, 0, 2, { STRING_ITEM(10), 0 }, 2,
			  15, EXO_EPROTO },
			{ "SEND, string of 10 bytes, none present", SIM_OP_SEND, victim, 0, 2, { STRING_ITEM(10), 0 }, 2,
			  0, EXO_EPROTO },
			{ "SEND, string of 0 bytes, 1 present", SIM_OP_SEND, victim, 0, 2, { STRING_ITEM(0), 0 }, 2, 1,
			  EXO_EPROTO },
			{ "CALL, strings of 3+4 bytes, 6 present", SIM_OP_CALL, victim, 1, 4,
			  { 7, STRING_ITEM(3), 0, STRING_ITEM(4), 0 }, 5, 6, EXO_EPROTO },
			{ "CALL, strings of 3+4 bytes, 8 present", SIM_OP_CALL, victim, 1, 4,
			  { 7, STRING_ITEM(3), 0, STRING_ITEM(4), 0 }, 5, 8, EXO_EPROTO },
			{ "REPLY_WAIT, strings of 3+4 bytes, 6 present", SIM_OP_REPLY_WAIT, EXO_NILTHREAD, 1, 4,
			  { 7, STRING_ITEM(3), 0, STRING_ITEM(4), 0 }, 5, 6, EXO_EPROTO },
		};

		expect_frames(fd, lies, NROWS(lies), NULL);
	}

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

/* A request of one header and `extra` payload bytes over its operation's limit. */
struct over_limit {
	const char *what;
	bool unbound;          /* sent on the unbound channel, else on the bound one */
	uint16_t op;
	exo_tid_t tid;
	size_t fill;           /* payload bytes 'a', then 0 */
	size_t extra;          /* payload bytes sent */
};

/* Frames over SIM_FRAME_MAX, over an operation's own limit, strings over EXO_STRING_MAX. */
void oversized_frames_get_emsgsize(void **state)
{
	static const size_t sizes[] = { SIM_FRAME_MAX + 1, 2 * SIM_FRAME_MAX, 256 * 1024 };
	int sndbuf = 512 * 1024, fd, un;
	socklen_t sl = sizeof(sndbuf);
	uint64_t mr[EXO_MR_COUNT];
	size_t len;
	char what[96];
	exo_tid_t tid;

	(void)state;
	memset(mr, 0, sizeof(mr));
	fd = raw_thread(&tid);
	un = raw_connect();
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	setsockopt(un, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, &sl);
	assert_true((size_t)sndbuf > SIM_FRAME_MAX + 4096);

	/* Bigger than any frame: refused before decoding. */
	for (size_t i = 0; i < NROWS(sizes); i++) {
		len = msg_frame(SIM_OP_SEND, victim, exo_tag(1, 0, 0), mr, 0, sizes[i] - HDR);
		snprintf(what, sizeof(what), "SEND frame of %zu bytes, bound", len);
		expect_note(fd, tx, len, EXO_EMSGSIZE, what);
		snprintf(what, sizeof(what), "frame of %zu bytes, unbound", len);
		expect_note(un, tx, len, EXO_EMSGSIZE, what);
	}

	/* Over the operation's own limit. */
	{
		const struct over_limit over[] = {
			{ "HELLO + 1 byte, unbound", true, SIM_OP_HELLO, 0, 0, 1 },
			{ "KINFO + 8 bytes", false, SIM_OP_KINFO, 0, 0, 8 },
			{ "RECV + 8 bytes", false, SIM_OP_RECV, victim, 0, 8 },
			{ "ABORT + 1 byte", false, SIM_OP_ABORT, tid, 0, 1 },
			{ "THREAD_NEW + 1 byte", false, SIM_OP_THREAD_NEW, 0, 0, 1 },
			{ "REGISTER, 32-char name + NUL", false, SIM_OP_REGISTER, 0, EXO_NAME_MAX + 1,
			  EXO_NAME_MAX + 2 },
			{ "LOOKUP, 32-char name + NUL", false, SIM_OP_LOOKUP, 0, EXO_NAME_MAX + 1, EXO_NAME_MAX + 2 },
			{ "SPAWN, 4097-byte argv", false, SIM_OP_SPAWN, 0, SIM_PAYLOAD_MAX, SIM_PAYLOAD_MAX + 1 },
		};

		for (size_t i = 0; i < NROWS(over); i++) {
			struct sim_hdr h = req(over[i].op, over[i].tid);

			memset(tx, 0, HDR + 4200);
			memcpy(tx, &h, HDR);
			memset(tx + HDR, 'a', over[i].fill);
			expect_note(over[i].unbound ? un : fd, tx, HDR + over[i].extra, EXO_EMSGSIZE, over[i].what);
		}
	}

	/* String items over EXO_STRING_MAX in all: EMSGSIZE from the item walk. */
	{
		const uint64_t s4g = STRING_ITEM(UINT32_MAX);
		const struct frame_case huge[] = {
			{ "SEND, string of 65537 bytes claimed, none present", SIM_OP_SEND, victim, 0, 2,
			  { STRING_ITEM(EXO_STRING_MAX + 1), 0 }, 2, 0, EXO_EMSGSIZE },
			{ "SEND, string of 65537 bytes, all present", SIM_OP_SEND, victim, 0, 2,
			  { STRING_ITEM(EXO_STRING_MAX + 1), 0 }, 2, EXO_STRING_MAX + 1, EXO_EMSGSIZE },
			{ "CALL, strings of 40000+40000 bytes claimed", SIM_OP_CALL, victim, 0, 4,
			  { STRING_ITEM(40000), 0, STRING_ITEM(40000), 0 }, 4, 0, EXO_EMSGSIZE },
			{ "SEND, 8 strings of 4 GiB - 1 claimed", SIM_OP_SEND, victim, 0, 16,
			  { s4g, 0, s4g, 0, s4g, 0, s4g, 0, s4g, 0, s4g, 0, s4g, 0, s4g, 0 }, 16, 0, EXO_EMSGSIZE },
		};

		expect_frames(fd, huge, NROWS(huge), NULL);
	}

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
void unknown_operations_get_enosys(void **state)
{
	static const uint16_t bad[] = { 0, SIM_OP_COUNT, 63, SIM_OP_RESULT, SIM_OP_MSG, 200, 0xffff };
	int un, fd;
	char what[64];

	(void)state;
	un = raw_connect();
	fd = raw_thread(NULL);
	for (size_t i = 0; i < NROWS(bad); i++) {
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

/* Item kinds the kernel does not take, each sent as a SEND, a CALL and a REPLY_WAIT. */
void bad_typed_items_get_ebaditem(void **state)
{
	static const uint16_t ops[] = { SIM_OP_SEND, SIM_OP_CALL, SIM_OP_REPLY_WAIT };
	static const char *const names[] = { "SEND", "CALL", "REPLY_WAIT" };
	const uint64_t rw = exo_fpage(0x10000, 12, EXO_R | EXO_W), r = exo_fpage(0x10000, 12, EXO_R);
	const uint64_t s0 = STRING_ITEM(0), len8 = (uint64_t)8 << 32;
	int fd;

	(void)state;
	fd = raw_thread(NULL);
	for (size_t o = 0; o < NROWS(ops); o++) {
		exo_tid_t to = ops[o] == SIM_OP_REPLY_WAIT ? EXO_NILTHREAD : victim;
		const struct frame_case kinds[] = {
			{ "item of kind 0", ops[o], to, 1, 2, { 0, 0 | len8 }, 3, 0, EXO_EBADITEM },
			{ "item of kind 4", ops[o], to, 1, 2, { 0, 4 | len8 }, 3, 0, EXO_EBADITEM },
			{ "item of kind 7", ops[o], to, 1, 2, { 0, 7 | len8 }, 3, 0, EXO_EBADITEM },
			{ "item of kind 15", ops[o], to, 1, 2, { 0, 0xf | len8 }, 3, 0, EXO_EBADITEM },
		};
		/*
		 * Map and grant items of pages this space does not hold, to a
		 * receiver with no receive window: refused at the rendezvous. (A
		 * reply-wait's reply goes to nobody here, so only send and call.)
		 */
		const struct frame_case pages[] = {
			{ "map item (valid fpage)", ops[o], to, 1, 2, { 0, EXO_ITEM_MAP, rw }, 3, 0, EXO_EBADITEM },
			{ "grant item", ops[o], to, 1, 2, { 0, EXO_ITEM_GRANT, rw }, 3, 0, EXO_EBADITEM },
			{ "string item then map item", ops[o], to, 1, 4, { 0, STRING_ITEM(4), rw, EXO_ITEM_MAP, r }, 5, 4,
			  EXO_EBADITEM },
		};
		const struct frame_case too_many[] = {
			{ "9 string items (8 buffer registers)", ops[o], to, 1, 18,
			  { 0, s0, 0, s0, 0, s0, 0, s0, 0, s0, 0, s0, 0, s0, 0, s0, 0, s0, 0 }, 19, 0, EXO_EBADITEM },
		};

		expect_frames(fd, kinds, NROWS(kinds), names[o]);
		if (ops[o] != SIM_OP_REPLY_WAIT)
			expect_frames(fd, pages, NROWS(pages), names[o]);
		expect_frames(fd, too_many, NROWS(too_many), names[o]);
	}
	case_end("bad typed items");
}

/* Names and argv the kernel must refuse. */
void bad_payloads_get_einval(void **state)
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
	/* An argv of `len` bytes: `bytes`, or `nargs` times "x\0". */
	static const struct {
		const char *what;
		const char *bytes;
		unsigned nargs;
		size_t len;
	} argvs[] = {
		{ "SPAWN, empty argv", "", 0, 0 },
		{ "SPAWN, argv not NUL-terminated", "abc", 0, 3 },
		{ "SPAWN, empty program name", "\0\0\0", 0, 4 },
		{ "SPAWN, 300 arguments", NULL, 300, 600 },
	};
	char what[80];
	int fd;

	(void)state;
	fd = raw_thread(NULL);
	for (size_t i = 0; i < NROWS(names); i++) {
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
	for (size_t i = 0; i < NROWS(argvs); i++) {
		f.h = req(SIM_OP_SPAWN, 0);
		memset(f.p, 0, sizeof(f.p));
		if (argvs[i].bytes)
			memcpy(f.p, argvs[i].bytes, argvs[i].len);
		for (unsigned a = 0; a < argvs[i].nargs; a++)
			f.p[2 * a] = 'x';
		expect_note(fd, &f, HDR + argvs[i].len, EXO_EINVAL, argvs[i].what);
	}
	case_end("bad payloads");
}
