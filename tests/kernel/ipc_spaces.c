/*
 * tests/kernel/ipc_spaces.c — the kernel ABI between spaces, on any kernel:
 * only libexo and ISO C, so the same program runs on the riscv64 kernel
 * (booted under QEMU) and on exosim.
 *
 *   ipc_spaces ECHO_SERVER CRASHER
 *
 * ECHO_SERVER is the program of tests/integration/echo_server.c, spawned as
 * spaces of their own; CRASHER is a program that touches memory nobody
 * mapped (its space must end alone, with SIGSEGV, and the system go on).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <exo/exo.h>
#include <exo/signal.h>

#include "../integration/support.h"
#include "tap.h"

static const char *echo_path, *crasher_path;

static exo_tid_t spawn_echo(const char *name)
{
	char *argv[] = { (char *)echo_path, (char *)name, NULL };
	exo_space_t s = EXO_NILSPACE;
	exo_tid_t t = EXO_NILTHREAD;

	T_EQ(exo_space_spawn(argv, &s), EXO_OK, "spawn an echo server");
	T_EQ(exo_lookup(name, &t, exo_timeout_ms(10000)), EXO_OK, "its name appears");
	return t;
}

static void pingpong(exo_tid_t to)
{
	unsigned bad = 0;

	for (uint64_t i = 0; i < 1000; i++) {
		char out[100], in[128] = { 0 };
		exo_msg_t m = { 0 };
		unsigned idx;

		snprintf(out, sizeof(out), "message %llu", (unsigned long long)i);
		m.mr[0] = i;
		m.mr[1] = ~i;
		idx = exo_msg_put_string(&m, 2, out, (uint32_t)strlen(out) + 1);
		m.tag = exo_tag(ECHO_ECHO, 2, idx - 2);
		exo_msg_accept_string(&m, in, sizeof(in));
		if (exo_call(to, &m, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER) != EXO_OK ||
		    exo_tag_label(m.tag) != ECHO_ECHO + 1 || exo_tag_untyped(m.tag) != 2 ||
		    exo_tag_typed(m.tag) != 2 || m.mr[0] != i || m.mr[1] != ~i ||
		    exo_string_len(m.mr[2]) != strlen(out) + 1 || m.mr[3] != (uint64_t)(uintptr_t)in ||
		    strcmp(in, out) != 0)
			bad++;
	}
	T_EQ(bad, 0, "1000 calls: registers and a string go there and back");
}

/*
 * Every count of untyped words, 0 to EXO_MR_COUNT, there and back: the
 * kernels copy short messages on a path of their own (riscv64 unrolls up to
 * 8), so each count must arrive whole, and nothing past it may be written.
 */
static void word_counts(exo_tid_t to)
{
	unsigned bad = 0;

	for (unsigned u = 0; u <= EXO_MR_COUNT; u++) {
		exo_msg_t m = { 0 };

		for (unsigned w = 0; w < EXO_MR_COUNT; w++)
			m.mr[w] = w < u ? ((uint64_t)u << 32 | w) : 0x5e47;
		m.tag = exo_tag(ECHO_ECHO, u, 0);
		if (exo_call(to, &m, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER) != EXO_OK ||
		    exo_tag_label(m.tag) != ECHO_ECHO + 1 || exo_tag_untyped(m.tag) != u) {
			bad++;
			continue;
		}
		for (unsigned w = 0; w < EXO_MR_COUNT; w++)
			if (m.mr[w] != (w < u ? ((uint64_t)u << 32 | w) : 0x5e47))
				bad++;
	}
	T_EQ(bad, 0, "0 to 64 untyped words come back whole, and no word past them is written");
}

static void strings(exo_tid_t to)
{
	char a[16] = { 0 }, b[16] = { 0 }, c[16] = { 0 }, small[4];
	char big[200];
	exo_msg_t m = { 0 };
	unsigned idx = 0;

	idx = exo_msg_put_string(&m, idx, "first", 6);
	idx = exo_msg_put_string(&m, idx, "", 0);
	idx = exo_msg_put_string(&m, idx, "third", 6);
	m.tag = exo_tag(ECHO_ECHO, 0, idx);
	exo_msg_accept_string(&m, a, sizeof(a));
	exo_msg_accept_string(&m, b, sizeof(b));
	exo_msg_accept_string(&m, c, sizeof(c));
	T_EQ(exo_call(to, &m, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER), EXO_OK, "three strings: the call");
	T_OK(!strcmp(a, "first") && !strcmp(c, "third") && exo_string_len(m.mr[2]) == 0 &&
		     m.mr[5] == (uint64_t)(uintptr_t)c,
	     "three strings land in their own buffers");

	/* A reply larger than the buffer offered for it: the reply fails, the call says so. */
	memset(big, 'x', sizeof(big));
	memset(&m, 0, sizeof(m));
	idx = exo_msg_put_string(&m, 0, big, sizeof(big));
	m.tag = exo_tag(ECHO_ECHO, 0, idx);
	exo_msg_accept_string(&m, small, sizeof(small));
	T_EQ(exo_call(to, &m, exo_timeout_ms(2000), exo_timeout_ms(2000)), EXO_EMSGSIZE,
	     "a reply too big for the caller's buffer: the call ends with EXO_EMSGSIZE");
	T_EQ(t_call(to, ECHO_STATUS, 0, 0, &m), EXO_OK, "the server still answers");
	T_EQ(m.mr[0], EXO_EMSGSIZE, "... and its reply failed with EXO_EMSGSIZE");
}

struct client {
	exo_tid_t server;
	unsigned id, bad;
	volatile int done;
};

static void client_thread(void *p)
{
	struct client *c = p;

	for (unsigned i = 0; i < 200; i++) {
		exo_msg_t m = { .tag = exo_tag(ECHO_ECHO, 2, 0), .mr = { c->id, i } };

		if (exo_call(c->server, &m, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER) != EXO_OK || m.mr[0] != c->id ||
		    m.mr[1] != i)
			c->bad++;
	}
	c->done = 1;
}

static void threads(exo_tid_t to)
{
	struct client cl[8];
	unsigned bad = 0, started = 0;

	for (unsigned i = 0; i < 8; i++) {
		exo_tid_t t;

		cl[i] = (struct client){ .server = to, .id = 100 + i };
		if (exo_thread_create(client_thread, &cl[i], &t) == EXO_OK)
			started++;
		else
			cl[i].done = 1;
	}
	T_EQ(started, 8, "eight client threads start");
	for (unsigned i = 0; i < 8; i++) {
		while (!cl[i].done)
			exo_yield();
		bad += cl[i].bad;
	}
	T_EQ(bad, 0, "8 threads x 200 calls: every reply carries its own request");
}

static void dying_server(void *p)
{
	exo_msg_t m = { 0 };
	exo_tid_t from;

	if (exo_register("dying") == EXO_OK)
		exo_wait(&m, EXO_TIMEOUT_NEVER, &from);
	/* took the request; ends without answering it */
}

static void errors(exo_tid_t echo)
{
	exo_msg_t m = { 0 };
	exo_tid_t t = EXO_NILTHREAD, me = exo_myself();
	uint64_t t0;

	m.tag = exo_tag(1, 0, 0);
	T_EQ(exo_call(EXO_NILTHREAD, &m, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER), EXO_ENOPARTNER,
	     "a call to the nil thread: EXO_ENOPARTNER");
	T_EQ(exo_call(exo_tid_make(4000, 3), &m, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER), EXO_ENOPARTNER,
	     "a call to an id nobody has: EXO_ENOPARTNER");
	T_EQ(exo_send(echo ^ 1, &m, EXO_TIMEOUT_ZERO), EXO_ENOPARTNER,
	     "a stale version of a living thread's id: EXO_ENOPARTNER");
	t0 = exo_clock_ns();
	T_EQ(exo_wait(&m, exo_timeout_ms(50), &t), EXO_ETIMEOUT, "an open receive nobody sends to: EXO_ETIMEOUT");
	T_OK(exo_clock_ns() - t0 >= 50000000ull, "... after its timeout (%llu ns)",
	     (unsigned long long)(exo_clock_ns() - t0));
	T_EQ(exo_send(echo, &m, EXO_TIMEOUT_ZERO), EXO_OK, "a send to a server in its receive, zero timeout");
	T_EQ(exo_recv(me, &m, EXO_TIMEOUT_ZERO), EXO_ETIMEOUT, "a closed receive from oneself, zero timeout");
	T_EQ(exo_lookup("no-such-name", &t, EXO_TIMEOUT_ZERO), EXO_ENOENT, "lookup of a missing name");
	t0 = exo_clock_ns();
	T_EQ(exo_lookup("no-such-name", &t, exo_timeout_ms(30)), EXO_ENOENT, "... waiting 30 ms for it");
	T_OK(exo_clock_ns() - t0 >= 30000000ull, "... which waited");
	T_EQ(exo_register("kipc"), EXO_OK, "register a name");
	T_EQ(exo_register("kipc"), EXO_EEXIST, "register it again: EXO_EEXIST");
	T_EQ(exo_register(""), EXO_EINVAL, "register the empty name: EXO_EINVAL");
	T_EQ(exo_lookup("kipc", &t, EXO_TIMEOUT_ZERO), EXO_OK, "look it up");
	T_EQ(t, me, "... it names this thread");

	/* A server that dies while its client waits for the reply. */
	T_EQ(exo_thread_create(dying_server, NULL, &t), EXO_OK, "start a server thread that will die");
	T_EQ(exo_lookup("dying", &t, exo_timeout_ms(5000)), EXO_OK, "its name appears");
	m.tag = exo_tag(1, 0, 0);
	T_EQ(exo_call(t, &m, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER), EXO_EDEAD,
	     "its client's call ends with EXO_EDEAD, not a hang");
	T_EQ(exo_lookup("dying", &t, EXO_TIMEOUT_ZERO), EXO_ENOENT, "its name went with it");
}

static void kinfo(void)
{
	exo_kinfo_t a, b;

	T_EQ(exo_kernel_info(&a), EXO_OK, "kernel info");
	T_EQ(a.abi_version, EXO_ABI_VERSION, "... the ABI version");
	T_OK(a.threads >= 2 && a.spaces >= 2 && a.names >= 2, "... counts threads, spaces and names (%u, %u, %u)",
	     a.threads, a.spaces, a.names);
	T_OK(a.ipc_count > 1000, "... counts messages (%llu)", (unsigned long long)a.ipc_count);
	T_EQ(exo_kernel_info(&b), EXO_OK, "kernel info again");
	T_OK(b.clock_ns >= a.clock_ns && memcmp(a.entropy, b.entropy, sizeof(a.entropy)),
	     "... the clock goes on and the entropy is new");
	T_OK(exo_clock_ns() >= b.clock_ns, "exo_clock_ns is the kernel's clock");
}

static void crash(void)
{
	char *argv[] = { (char *)crasher_path, NULL };
	exo_space_t s = EXO_NILSPACE;
	exo_msg_t m = { 0 };
	exo_tid_t from;
	exo_err err;
	int seen = 0;

	T_EQ(exo_space_watch(), EXO_OK, "watch spaces end");
	T_EQ(exo_space_spawn(argv, &s), EXO_OK, "spawn a program that touches unmapped memory");
	for (int i = 0; i < 20 && !seen; i++) {
		err = exo_wait(&m, exo_timeout_ms(5000), &from);
		if (err == EXO_OK && exo_is_kernel_notice(from, &m) && exo_tag_label(m.tag) == EXO_LABEL_SPACE_EXIT &&
		    m.mr[0] == s)
			seen = 1;
		else if (err != EXO_OK)
			break;
	}
	T_OK(seen, "its end is told to watchers");
	T_EQ(m.mr[1], EXO_W_SIGNALED(EXO_SIGSEGV), "... killed by SIGSEGV: its space alone");
	T_EQ(exo_space_spawn((char *[]){ "no-such-program", NULL }, &s), EXO_ENOENT,
	     "spawn of a program that is not there: EXO_ENOENT");
}

int main(int argc, char **argv)
{
	exo_tid_t echo;

	if (argc < 3) {
		printf("usage: ipc_spaces ECHO_SERVER CRASHER\n");
		return 2;
	}
	echo_path = argv[1];
	crasher_path = argv[2];
	echo = spawn_echo("kecho");
	pingpong(echo);
	word_counts(echo);
	strings(echo);
	threads(echo);
	errors(echo);
	kinfo();
	crash();
	T_EQ(t_call(echo, ECHO_WHO, 0, 0, NULL), EXO_OK, "the echo server still answers at the end");
	return tap_done();
}
