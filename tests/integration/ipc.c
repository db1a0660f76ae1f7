/*
 * tests/integration/ipc.c — synchronous IPC through a real exosim, between
 * real processes: run as `exosim --cpu auto --exec ipc ECHO_SERVER_PATH`.
 *
 * Every case forks the spaces it needs (a forked child rejoins the kernel as a
 * new space) and talks to them only through the kernel.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "support.h"

static const char *echo_path;

static void test_pingpong_with_registers_and_strings(void **state)
{
	pid_t srv = t_fork_echo("pp");
	exo_tid_t to = t_lookup("pp");

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
		assert_int_equal(exo_call(to, &m, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER), EXO_OK);
		assert_int_equal(exo_tag_label(m.tag), ECHO_ECHO + 1);
		assert_int_equal(exo_tag_untyped(m.tag), 2);
		assert_int_equal(exo_tag_typed(m.tag), 2);
		assert_int_equal(m.mr[0], i);
		assert_int_equal(m.mr[1], ~i);
		assert_int_equal(exo_string_len(m.mr[2]), strlen(out) + 1);
		assert_ptr_equal((void *)(uintptr_t)m.mr[3], in);
		assert_string_equal(in, out);
	}
	t_kill(srv);
}

static void test_several_strings_land_in_their_buffers(void **state)
{
	pid_t srv = t_fork_echo("strings");
	exo_tid_t to = t_lookup("strings");
	char a[16] = { 0 }, b[16] = { 0 }, c[16] = { 0 };
	exo_msg_t m = { 0 };
	unsigned idx = 0;

	idx = exo_msg_put_string(&m, idx, "first", 6);
	idx = exo_msg_put_string(&m, idx, "", 0);
	idx = exo_msg_put_string(&m, idx, "third", 6);
	m.tag = exo_tag(ECHO_ECHO, 0, idx);
	exo_msg_accept_string(&m, a, sizeof(a));
	exo_msg_accept_string(&m, b, sizeof(b));
	exo_msg_accept_string(&m, c, sizeof(c));
	assert_int_equal(exo_call(to, &m, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER), EXO_OK);
	assert_string_equal(a, "first");
	assert_int_equal(exo_string_len(m.mr[2]), 0);
	assert_string_equal(c, "third");
	assert_ptr_equal((void *)(uintptr_t)m.mr[5], c);
	t_kill(srv);
}

struct client_arg {
	exo_tid_t server;
	unsigned id;
};

/* One of eight clients: every reply must carry this client's own request. */
static int eight_clients_client(void *p)
{
	const struct client_arg *a = p;

	for (unsigned i = 0; i < 300; i++) {
		char out[64], in[64] = { 0 };
		exo_msg_t m = { 0 };

		snprintf(out, sizeof(out), "client %u request %u", a->id, i);
		m.mr[0] = a->id;
		m.mr[1] = i;
		exo_msg_put_string(&m, 2, out, (uint32_t)strlen(out) + 1);
		m.tag = exo_tag(ECHO_ECHO, 2, 2);
		exo_msg_accept_string(&m, in, sizeof(in));
		if (exo_call(a->server, &m, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER) != EXO_OK)
			return 1;
		if (m.mr[0] != a->id || m.mr[1] != i || strcmp(in, out) != 0)
			return 2;
	}
	return 0;
}

static void test_eight_clients_get_their_own_replies(void **state)
{
	pid_t srv = t_fork_echo("eight"), clients[8];
	struct client_arg args[8];

	for (unsigned i = 0; i < 8; i++) {
		args[i] = (struct client_arg){ t_lookup("eight"), i };
		clients[i] = t_fork(eight_clients_client, &args[i]);
	}
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(t_wait(clients[i]), 0);
	t_kill(srv);
}

static exo_tid_t main_tid;

static void thread_client(void *p)
{
	struct client_arg *a = p;
	exo_msg_t done = { .tag = exo_tag(77, 2, 0) };

	done.mr[0] = a->id;
	done.mr[1] = (uint64_t)eight_clients_client(a);
	exo_send(main_tid, &done, EXO_TIMEOUT_NEVER);
}

static void test_eight_threads_of_one_space_call_at_once(void **state)
{
	pid_t srv = t_fork_echo("threads");
	struct client_arg args[8];
	exo_tid_t tids[8];
	int seen = 0;

	main_tid = exo_myself();
	for (unsigned i = 0; i < 8; i++) {
		args[i] = (struct client_arg){ t_lookup("threads"), i };
		assert_int_equal(exo_thread_create(thread_client, &args[i], &tids[i]), EXO_OK);
		assert_int_not_equal(tids[i], main_tid);
	}
	for (unsigned i = 0; i < 8; i++) {
		exo_msg_t m = { 0 };
		exo_tid_t from;

		assert_int_equal(exo_wait(&m, exo_timeout_ms(30000), &from), EXO_OK);
		assert_int_equal(exo_tag_label(m.tag), 77);
		assert_int_equal(m.mr[1], 0);
		assert_int_equal(from, tids[m.mr[0]]);
		seen |= 1 << m.mr[0];
	}
	assert_int_equal(seen, 0xff);
	t_kill(srv);
}

static int send_who_am_i(void *p)
{
	exo_msg_t m = { .tag = exo_tag(5, 1, 0) };

	(void)p;
	m.mr[0] = exo_myself();
	return exo_send(main_tid, &m, exo_timeout_ms(10000)) == EXO_OK ? 0 : 1;
}

static void test_open_receive_names_each_sender(void **state)
{
	pid_t a, b;
	exo_tid_t seen[2];

	main_tid = exo_myself();
	a = t_fork(send_who_am_i, NULL);
	b = t_fork(send_who_am_i, NULL);
	for (int i = 0; i < 2; i++) {
		exo_msg_t m = { 0 };
		exo_tid_t from = EXO_NILTHREAD;

		assert_int_equal(exo_wait(&m, exo_timeout_ms(10000), &from), EXO_OK);
		assert_int_equal(m.mr[0], from);
		assert_int_not_equal(from, main_tid);
		seen[i] = from;
	}
	assert_int_not_equal(seen[0], seen[1]);
	assert_int_equal(t_wait(a), 0);
	assert_int_equal(t_wait(b), 0);
}

static pid_t holders[16];
static int nholders;

/* A space that registers `name` and then never does IPC again. */
static exo_tid_t announce_and_hold(const char *name)
{
	pid_t pid = fork();

	if (pid > 0 && nholders < 16)
		holders[nholders++] = pid;
	if (pid == 0) {
		exo_register(name);
		for (;;)
			pause();
	}
	return t_lookup(name);
}

static void thread_send_who_am_i(void *p)
{
	send_who_am_i(p);
}

static void test_closed_receive_takes_only_its_partner(void **state)
{
	exo_tid_t t1, t2, idle = announce_and_hold("idle-closed");
	exo_msg_t m = { 0 };
	exo_tid_t from;

	main_tid = exo_myself();
	assert_int_equal(exo_thread_create(thread_send_who_am_i, NULL, &t1), EXO_OK);
	assert_int_equal(exo_thread_create(thread_send_who_am_i, NULL, &t2), EXO_OK);
	/* Whatever order they send in, a closed receive takes exactly its partner. */
	assert_int_equal(exo_recv(t2, &m, exo_timeout_ms(10000)), EXO_OK);
	assert_int_equal(m.mr[0], t2);
	/* A closed receive from an idle thread times out while t1 is sending. */
	assert_int_equal(exo_recv(idle, &m, exo_timeout_ms(100)), EXO_ETIMEOUT);
	/* t1 is still queued, and an open receive gets it. */
	assert_int_equal(exo_wait(&m, exo_timeout_ms(10000), &from), EXO_OK);
	assert_int_equal(from, t1);
	assert_int_equal(m.mr[0], t1);
}

static void test_zero_timeouts_fail_at_once_when_partner_not_ready(void **state)
{
	exo_tid_t idle = announce_and_hold("idle-zero");
	exo_msg_t m = { .tag = exo_tag(1, 0, 0) };
	exo_tid_t from;

	assert_int_equal(exo_send(idle, &m, EXO_TIMEOUT_ZERO), EXO_ETIMEOUT);
	assert_int_equal(exo_recv(idle, &m, EXO_TIMEOUT_ZERO), EXO_ETIMEOUT);
	assert_int_equal(exo_wait(&m, EXO_TIMEOUT_ZERO, &from), EXO_ETIMEOUT);
	assert_int_equal(exo_call(idle, &m, EXO_TIMEOUT_ZERO, EXO_TIMEOUT_NEVER), EXO_ETIMEOUT);
}

/* Ask the echo server to answer its held request; exit with that answer's error. */
static int release_held(void *p)
{
	exo_msg_t m;

	if (t_call(*(exo_tid_t *)p, ECHO_RELEASE, 0, 0, &m) != EXO_OK)
		return 100;
	return (int)m.mr[0];
}

static void test_finite_timeouts_expire_no_earlier_than_asked(void **state)
{
	exo_tid_t idle = announce_and_hold("idle-finite");
	pid_t srv = t_fork_echo("hold-finite");
	exo_tid_t holder = t_lookup("hold-finite");
	exo_msg_t m = { .tag = exo_tag(1, 0, 0) };
	exo_tid_t from;
	uint64_t t0;

	t0 = t_now_ns();
	assert_int_equal(exo_send(idle, &m, exo_timeout_ms(100)), EXO_ETIMEOUT);
	assert_true(t_now_ns() - t0 >= 100000000u);
	t0 = t_now_ns();
	assert_int_equal(exo_wait(&m, exo_timeout_ms(100), &from), EXO_ETIMEOUT);
	assert_true(t_now_ns() - t0 >= 100000000u);
	/* A call whose reply does not come within its receive timeout. */
	m.tag = exo_tag(ECHO_HOLD, 0, 0);
	t0 = t_now_ns();
	assert_int_equal(exo_call(holder, &m, exo_timeout_ms(5000), exo_timeout_ms(100)), EXO_ETIMEOUT);
	assert_true(t_now_ns() - t0 >= 100000000u);
	/* The late reply (released by another space) finds us not waiting. */
	assert_int_equal(t_wait(t_fork(release_held, &holder)), EXO_ETIMEOUT);
	t_kill(srv);
}

static int hold_call(void *p)
{
	exo_msg_t m = { .tag = exo_tag(ECHO_HOLD, 0, 0) };
	exo_err err = exo_call(*(exo_tid_t *)p, &m, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER);

	return err == EXO_EDEAD ? 0 : 10 + (int)err;
}

/* Wait until the echo server holds a request (up to 30 s: Valgrind is slow). */
static void wait_held(exo_tid_t srv)
{
	exo_msg_t m;

	for (int i = 0; i < 3000; i++) {
		assert_int_equal(t_call(srv, ECHO_STATUS, 0, 0, &m), EXO_OK);
		if (m.mr[2] != EXO_NILTHREAD)
			return;
		usleep(10000);
	}
	fail_msg("the server never got the request to hold");
}

static void test_server_killed_mid_call_fails_the_call_with_dead_partner(void **state)
{
	pid_t srv = t_fork_echo("victim-server");
	exo_tid_t to = t_lookup("victim-server");
	pid_t client = t_fork(hold_call, &to);

	wait_held(to);
	t_kill(srv);
	assert_int_equal(t_wait(client), 0);
}

static void test_client_killed_mid_call_fails_the_reply_and_server_goes_on(void **state)
{
	pid_t srv = t_fork_echo("survivor");
	exo_tid_t to = t_lookup("survivor");
	pid_t client = t_fork(hold_call, &to);
	exo_msg_t m;
	int rc;

	wait_held(to);
	t_kill(client);
	/* The kernel has ended the client's thread (no partner), or learns now (dead). */
	rc = t_wait(t_fork(release_held, &to));
	assert_true(rc == EXO_ENOPARTNER || rc == EXO_EDEAD);
	assert_int_equal(t_call(to, ECHO_ECHO, 42, 0, &m), EXO_OK);
	assert_int_equal(m.mr[0], 42);
	t_kill(srv);
}

static void test_dead_thread_ids_stay_dead(void **state)
{
	exo_kinfo_t before, after;
	pid_t srv;
	exo_tid_t old;
	exo_msg_t m = { .tag = exo_tag(ECHO_ECHO, 0, 0) };

	assert_int_equal(exo_kernel_info(&before), EXO_OK);
	srv = t_fork_echo("short-lived");
	old = t_lookup("short-lived");
	t_kill(srv);
	assert_int_equal(t_wait_threads(before.threads), before.threads);
	assert_int_equal(exo_send(old, &m, exo_timeout_ms(100)), EXO_ENOPARTNER);
	assert_int_equal(exo_call(old, &m, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER), EXO_ENOPARTNER);
	assert_int_equal(exo_recv(old, &m, EXO_TIMEOUT_NEVER), EXO_ENOPARTNER);
	assert_int_equal(exo_lookup("short-lived", &old, EXO_TIMEOUT_ZERO), EXO_ENOENT);
	/* A new thread may take the slot, but not the id. */
	srv = t_fork_echo("short-lived");
	assert_int_not_equal(t_lookup("short-lived"), old);
	assert_int_equal(exo_kernel_info(&before), EXO_OK);
	assert_int_equal(t_call(t_lookup("short-lived"), ECHO_ECHO, 1, 2, &m), EXO_OK);
	assert_int_equal(exo_kernel_info(&after), EXO_OK);
	assert_int_equal(after.ipc_count, before.ipc_count + 2); /* request and reply */
	t_kill(srv);
}

static int register_late(void *p)
{
	usleep(100000);
	if (exo_register(p) != EXO_OK)
		return 1;
	pause();
	return 0;
}

static void test_lookup_waits_times_out_and_refuses_bad_names(void **state)
{
	exo_tid_t t;
	uint64_t t0;
	pid_t late;
	char longname[EXO_NAME_MAX + 2];

	assert_int_equal(exo_lookup("nobody", &t, EXO_TIMEOUT_ZERO), EXO_ENOENT);
	assert_int_equal(t, EXO_NILTHREAD);
	t0 = t_now_ns();
	assert_int_equal(exo_lookup("nobody", &t, exo_timeout_ms(50)), EXO_ENOENT);
	assert_true(t_now_ns() - t0 >= 50000000u);
	late = t_fork(register_late, "late");
	assert_int_equal(exo_lookup("late", &t, exo_timeout_ms(10000)), EXO_OK);
	assert_int_not_equal(t, EXO_NILTHREAD);
	assert_int_equal(exo_register("late"), EXO_EEXIST);
	t_kill(late);
	assert_int_equal(exo_register(""), EXO_EINVAL);
	assert_int_equal(exo_register("a/b"), EXO_EINVAL);
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	assert_int_equal(exo_register(longname), EXO_EINVAL);
	assert_int_equal(exo_lookup(longname, &t, EXO_TIMEOUT_ZERO), EXO_EINVAL);
}

static void blocked_forever(void *p)
{
	exo_msg_t m = { 0 };
	exo_tid_t from;
	exo_err err = exo_wait(&m, EXO_TIMEOUT_NEVER, &from);
	exo_msg_t r = { .tag = exo_tag(88, 1, 0), .mr = { err } };

	(void)p;
	/* A late abort may cancel this send too: send again. */
	while (exo_send(main_tid, &r, EXO_TIMEOUT_NEVER) == EXO_ECANCELED)
		;
}

static void test_abort_cancels_a_blocked_thread_of_the_same_space(void **state)
{
	exo_tid_t t, other = announce_and_hold("other-space");
	exo_msg_t m = { 0 };
	exo_tid_t from;

	main_tid = exo_myself();
	assert_int_equal(exo_thread_create(blocked_forever, NULL, &t), EXO_OK);
	/* Abort until the thread was blocked when we did: it then reports ECANCELED. */
	for (int i = 0; i < 3000; i++) {
		assert_int_equal(exo_ipc_abort(t), EXO_OK);
		if (exo_recv(t, &m, exo_timeout_ms(10)) == EXO_OK)
			break;
	}
	assert_int_equal(exo_tag_label(m.tag), 88);
	assert_int_equal(m.mr[0], EXO_ECANCELED);
	(void)from;
	assert_int_equal(exo_ipc_abort(other), EXO_EPERM);
	assert_int_equal(exo_ipc_abort(exo_tid_make(4000, 3)), EXO_ENOPARTNER);
}

static void test_too_big_and_malformed_messages_are_refused(void **state)
{
	pid_t srv = t_fork_echo("sizes");
	exo_tid_t to = t_lookup("sizes");
	static char big[EXO_STRING_MAX + 1];
	exo_msg_t m = { 0 };

	/* Larger than the server's 4 KiB buffer: both sides see message too big. */
	exo_msg_put_string(&m, 0, big, 5000);
	m.tag = exo_tag(ECHO_ECHO, 0, 2);
	assert_int_equal(exo_call(to, &m, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER), EXO_EMSGSIZE);
	/* Larger than any message. */
	exo_msg_put_string(&m, 0, big, sizeof(big));
	assert_int_equal(exo_call(to, &m, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER), EXO_EMSGSIZE);
	/* Unknown item kinds, odd typed counts, too many registers. */
	m.mr[0] = 0xf;
	m.tag = exo_tag(ECHO_ECHO, 0, 2);
	assert_int_equal(exo_call(to, &m, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER), EXO_EBADITEM);
	m.tag = exo_tag(ECHO_ECHO, 0, 1);
	assert_int_equal(exo_call(to, &m, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER), EXO_EINVAL);
	m.tag = exo_tag(ECHO_ECHO, 60, 6);
	assert_int_equal(exo_call(to, &m, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER), EXO_EINVAL);
	/* A map item is declared but its memory model is not there yet: refused. */
	m.mr[0] = EXO_ITEM_MAP;
	m.mr[1] = exo_fpage(0x10000, 12, EXO_R);
	m.tag = exo_tag(ECHO_ECHO, 0, 2);
	assert_int_equal(exo_call(to, &m, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER), EXO_EBADITEM);
	/* The server took none of it amiss. */
	assert_int_equal(t_call(to, ECHO_ECHO, 7, 8, &m), EXO_OK);
	assert_int_equal(m.mr[0], 7);
	assert_int_equal(m.mr[1], 8);
	t_kill(srv);
}

/* Receive one call, answer it with a malformed reply, then with a proper one. */
static int bad_replier(void *p)
{
	exo_msg_t m = { 0 };
	exo_tid_t from, again;
	exo_err rerr = EXO_OK, rcv;

	(void)p;
	if (exo_register("bad-replier") != EXO_OK || exo_wait(&m, exo_timeout_ms(10000), &from) != EXO_OK)
		return 1;
	m.tag = exo_tag(1, 0, 1); /* an odd typed count: malformed */
	rcv = exo_reply_wait(from, &m, exo_timeout_ms(100), &again, &rerr);
	m.tag = exo_tag(2, 2, 0);
	m.mr[0] = rerr;
	m.mr[1] = rcv;
	return exo_reply(from, &m) == EXO_OK ? 0 : 2;
}

static void test_a_malformed_reply_is_refused_and_the_server_still_receives(void **state)
{
	pid_t srv = t_fork(bad_replier, NULL);
	exo_msg_t m = { .tag = exo_tag(1, 0, 0) };

	assert_int_equal(exo_call(t_lookup("bad-replier"), &m, EXO_TIMEOUT_NEVER, exo_timeout_ms(30000)), EXO_OK);
	assert_int_equal(exo_tag_label(m.tag), 2);
	assert_int_equal(m.mr[0], EXO_EINVAL);   /* the reply's error */
	assert_int_equal(m.mr[1], EXO_ETIMEOUT); /* the receive went on (and timed out) */
	assert_int_equal(t_wait(srv), 0);
}

static void test_a_server_started_by_hand_joins_by_name(void **state)
{
	const char *sock = getenv("EXO_SOCKET");
	pid_t pid;
	exo_msg_t m;
	exo_tid_t to;

	assert_non_null(sock);
	pid = fork();
	if (pid == 0) {
		char *argv[] = { (char *)echo_path, "--exo-socket", (char *)sock, "by-hand", NULL };

		unsetenv("EXO_SOCKET"); /* the flag alone must find the kernel */
		execv(echo_path, argv);
		_exit(127);
	}
	to = t_lookup("by-hand");
	assert_int_equal(t_call(to, ECHO_WHO, 0, 0, &m), EXO_OK);
	assert_int_equal(m.mr[0], exo_myself());
	t_kill(pid);
}

static int report_ids(void *p)
{
	exo_msg_t m = { .tag = exo_tag(9, 2, 0) };

	(void)p;
	m.mr[0] = exo_myself();
	m.mr[1] = exo_my_space();
	return exo_send(main_tid, &m, exo_timeout_ms(10000)) == EXO_OK ? 0 : 1;
}

static void test_a_forked_child_is_a_new_space(void **state)
{
	exo_msg_t m = { 0 };
	exo_tid_t from;
	pid_t kid;

	main_tid = exo_myself();
	kid = t_fork(report_ids, NULL);
	assert_int_equal(exo_wait(&m, exo_timeout_ms(10000), &from), EXO_OK);
	assert_int_equal(m.mr[0], from);
	assert_int_not_equal(from, main_tid);
	assert_int_not_equal(m.mr[1], exo_my_space());
	assert_int_equal(t_wait(kid), 0);
}

static int kill_holders(void **state)
{
	for (int i = 0; i < nholders; i++)
		t_kill(holders[i]);
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pingpong_with_registers_and_strings),
		cmocka_unit_test(test_several_strings_land_in_their_buffers),
		cmocka_unit_test(test_eight_clients_get_their_own_replies),
		cmocka_unit_test(test_eight_threads_of_one_space_call_at_once),
		cmocka_unit_test(test_open_receive_names_each_sender),
		cmocka_unit_test(test_closed_receive_takes_only_its_partner),
		cmocka_unit_test(test_zero_timeouts_fail_at_once_when_partner_not_ready),
		cmocka_unit_test(test_finite_timeouts_expire_no_earlier_than_asked),
		cmocka_unit_test(test_server_killed_mid_call_fails_the_call_with_dead_partner),
		cmocka_unit_test(test_client_killed_mid_call_fails_the_reply_and_server_goes_on),
		cmocka_unit_test(test_dead_thread_ids_stay_dead),
		cmocka_unit_test(test_lookup_waits_times_out_and_refuses_bad_names),
		cmocka_unit_test(test_abort_cancels_a_blocked_thread_of_the_same_space),
		cmocka_unit_test(test_too_big_and_malformed_messages_are_refused),
		cmocka_unit_test(test_a_malformed_reply_is_refused_and_the_server_still_receives),
		cmocka_unit_test(test_a_server_started_by_hand_joins_by_name),
		cmocka_unit_test(test_a_forked_child_is_a_new_space),
	};

	exo_init_args(&argc, argv);
	if (argc < 2) {
		fprintf(stderr, "usage: ipc ECHO_SERVER_PATH\n");
		return 2;
	}
	echo_path = argv[1];
	if (argc > 2)
		cmocka_set_test_filter(argv[2]);
	return cmocka_run_group_tests(tests, NULL, kill_holders);
}
