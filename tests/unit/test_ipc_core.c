/*
 * tests/unit/test_ipc_core.c — unit tests of the IPC state machine
 * (kernel/ipc.c) against a mock backend.
 *
 * The mock owns threads 1..NT (tid exo_tid_make(i, 1)), logs every deliver
 * and complete in order, and can fail the next delivery. Each test checks the
 * exact event sequence; the teardown checks that every event was looked at,
 * that the lists match the thread states (ipc.h invariants) and that every
 * message was handed back exactly once (or is still held by its thread).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "ipc.h"

#define NT 8    /* threads 1..NT; slot 0 is never a thread */
#define NMSG 32
#define NEV 64

enum { A = 1, B, C, D, E, F };

enum ev_kind { EV_DELIVER, EV_COMPLETE };

struct event {
	enum ev_kind kind;
	int from, to;   /* EV_COMPLETE: `to` is the completed thread */
	exo_err err;
	void *msg;      /* the message handed back with the event, or NULL */
};

struct fx {
	struct ipc k;
	struct ipc_thread th[NT + 1];
	int msgs[NMSG];
	unsigned returned[NMSG];
	int nmsg;
	struct event ev[NEV];
	int nev, seen;
	exo_err fail_next; /* the result of the next delivery */
};

static struct fx fx;

/* ---- the mock backend ---- */

static exo_tid_t tid_of(int i)
{
	return exo_tid_make((uint32_t)i, 1);
}

static int idx(const struct fx *f, const struct ipc_thread *t)
{
	return (int)(t - f->th);
}

static void take_back(struct fx *f, const void *m)
{
	for (int i = 0; i < f->nmsg; i++)
		if (m == &f->msgs[i]) {
			f->returned[i]++;
			return;
		}
	fail_msg("unknown message %p", m);
}

static struct event *log_event(struct fx *f)
{
	assert_true(f->nev < NEV);
	return &f->ev[f->nev++];
}

static void assert_unblocked(const struct ipc_thread *t)
{
	assert_int_equal(t->state, IPC_RUNNING);
	assert_null(t->qlist);
	assert_false(t->on_tq);
	assert_true(t->deadline == IPC_NEVER);
}

static struct ipc_thread *mock_lookup(struct ipc *k, exo_tid_t t)
{
	struct fx *f = k->priv;
	uint32_t n = exo_tid_number(t);

	/* Dead threads are still returned: the core must skip them itself. */
	if (n == 0 || n > NT || f->th[n].tid != t)
		return NULL;
	return &f->th[n];
}

static exo_err mock_deliver(struct ipc *k, struct ipc_thread *from, struct ipc_thread *to)
{
	struct fx *f = k->priv;
	struct event *e = log_event(f);
	exo_err err = f->fail_next;

	assert_non_null(from->msg);
	assert_unblocked(from);
	assert_unblocked(to);
	*e = (struct event){ EV_DELIVER, idx(f, from), idx(f, to), err, from->msg };
	take_back(f, from->msg); /* whatever happens; the core must clear from->msg */
	f->fail_next = EXO_OK;
	return err;
}

static void mock_complete(struct ipc *k, struct ipc_thread *t, exo_err err)
{
	struct fx *f = k->priv;
	struct event *e = log_event(f);

	assert_unblocked(t);
	assert_false(t->then_receive);
	*e = (struct event){ EV_COMPLETE, 0, idx(f, t), err, t->msg };
	if (t->msg) {
		take_back(f, t->msg);
		t->msg = NULL;
	}
}

static const struct ipc_ops mock_ops = {
	.lookup = mock_lookup,
	.deliver = mock_deliver,
	.complete = mock_complete,
};

/* ---- invariants, checked after every test ---- */

static const struct ipc_link *link_of(const struct ipc_thread *t, bool tq)
{
	return tq ? &t->tq : &t->q;
}

static bool on_list(const struct ipc_list *l, const struct ipc_thread *t, bool tq)
{
	for (const struct ipc_thread *p = l->head; p; p = link_of(p, tq)->next)
		if (p == t)
			return true;
	return false;
}

static void check_list(const struct ipc_list *l, bool tq)
{
	const struct ipc_thread *prev = NULL;

	for (const struct ipc_thread *p = l->head; p; p = link_of(p, tq)->next) {
		assert_ptr_equal(link_of(p, tq)->prev, prev);
		if (!tq)
			assert_ptr_equal(p->qlist, l);
		prev = p;
	}
	assert_ptr_equal(l->tail, prev);
}

static void check_invariants(struct fx *f)
{
	check_list(&f->k.timeouts, true);
	for (int i = 1; i <= NT; i++) {
		struct ipc_thread *t = &f->th[i], *p;

		check_list(&t->sendq, false);
		check_list(&t->waiters, false);
		assert_true(t->on_tq == on_list(&f->k.timeouts, t, true));
		assert_true(t->on_tq == (t->deadline != IPC_NEVER));
		switch (t->state) {
		case IPC_DEAD:
			assert_null(t->sendq.head);
			assert_null(t->waiters.head);
			/* fall through */
		case IPC_RUNNING:
			assert_null(t->qlist);
			assert_false(t->on_tq);
			break;
		case IPC_SENDING:
			p = mock_lookup(&f->k, t->partner);
			assert_non_null(p);
			assert_ptr_equal(t->qlist, &p->sendq);
			assert_true(on_list(&p->sendq, t, false));
			assert_non_null(t->msg);
			break;
		case IPC_RECEIVING:
			if (t->partner == EXO_ANYTHREAD) {
				assert_null(t->qlist);
				break;
			}
			p = mock_lookup(&f->k, t->partner);
			assert_non_null(p);
			assert_ptr_equal(t->qlist, &p->waiters);
			assert_true(on_list(&p->waiters, t, false));
			break;
		}
	}
}

/* Every message went back exactly once, or is still held by its thread. */
static void check_messages(const struct fx *f)
{
	for (int i = 0; i < f->nmsg; i++) {
		unsigned held = 0;

		for (int j = 1; j <= NT; j++)
			held += f->th[j].msg == &f->msgs[i];
		assert_int_equal(f->returned[i] + held, 1);
	}
}

static int setup(void **state)
{
	memset(&fx, 0, sizeof(fx));
	ipc_init(&fx.k, &mock_ops, &fx);
	for (int i = 1; i <= NT; i++)
		ipc_thread_init(&fx.th[i], tid_of(i), NULL);
	*state = &fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	assert_int_equal(f->seen, f->nev); /* every event was expected */
	check_invariants(f);
	check_messages(f);
	return 0;
}

/* ---- driving the core ---- */

static void *new_msg(struct fx *f, int s)
{
	assert_null(f->th[s].msg);
	assert_true(f->nmsg < NMSG);
	f->th[s].msg = &f->msgs[f->nmsg++];
	return f->th[s].msg;
}

static void *do_send(struct fx *f, int s, exo_tid_t to, exo_timeout_t snd, uint64_t now)
{
	void *m = new_msg(f, s);

	ipc_send(&f->k, &f->th[s], to, snd, now);
	return m;
}

static void *do_call(struct fx *f, int s, exo_tid_t to, exo_timeout_t snd, exo_timeout_t rcv,
		     uint64_t now)
{
	void *m = new_msg(f, s);

	ipc_call(&f->k, &f->th[s], to, snd, rcv, now);
	return m;
}

static void do_recv(struct fx *f, int r, exo_tid_t from, exo_timeout_t rcv, uint64_t now)
{
	ipc_receive(&f->k, &f->th[r], from, rcv, now);
}

/* The backend frees a message the core left with its thread. */
static void free_left_msg(struct fx *f, int t, const void *m)
{
	assert_ptr_equal(f->th[t].msg, m);
	take_back(f, m);
	f->th[t].msg = NULL;
}

/* ---- expectations ---- */

static const struct event *next_event(struct fx *f)
{
	assert_true(f->seen < f->nev);
	return &f->ev[f->seen++];
}

static void expect_deliver(struct fx *f, int from, int to, const void *m)
{
	const struct event *e = next_event(f);

	assert_int_equal(e->kind, EV_DELIVER);
	assert_int_equal(e->from, from);
	assert_int_equal(e->to, to);
	assert_ptr_equal(e->msg, m);
}

/* m: the message expected back with the completion (NULL: none). */
static void expect_complete(struct fx *f, int t, exo_err err, const void *m)
{
	const struct event *e = next_event(f);

	assert_int_equal(e->kind, EV_COMPLETE);
	assert_int_equal(e->to, t);
	assert_int_equal(e->err, err);
	assert_ptr_equal(e->msg, m);
}

static void expect_nothing(const struct fx *f)
{
	assert_int_equal(f->seen, f->nev);
}

static void assert_running(const struct fx *f, int t)
{
	assert_unblocked(&f->th[t]);
}

static void assert_sending(const struct fx *f, int s, int to)
{
	const struct ipc_thread *t = &f->th[s];

	assert_int_equal(t->state, IPC_SENDING);
	assert_int_equal(t->partner, tid_of(to));
	assert_ptr_equal(t->qlist, &f->th[to].sendq);
}

static void assert_receiving(const struct fx *f, int r, exo_tid_t from)
{
	const struct ipc_thread *t = &f->th[r];

	assert_int_equal(t->state, IPC_RECEIVING);
	assert_int_equal(t->partner, from);
	if (from == EXO_ANYTHREAD)
		assert_null(t->qlist);
	else
		assert_ptr_equal(t->qlist, &f->th[exo_tid_number(from)].waiters);
}

/* The list (a sendq or waiters) holds exactly these n threads, in order. */
static void assert_queue(const struct fx *f, const struct ipc_list *l, int n, ...)
{
	const struct ipc_thread *p = l->head;
	va_list ap;

	va_start(ap, n);
	for (int i = 0; i < n; i++, p = p->q.next) {
		int want = va_arg(ap, int);

		assert_non_null(p);
		assert_int_equal(idx(f, p), want);
	}
	va_end(ap);
	assert_null(p);
}

#define NEVER EXO_TIMEOUT_NEVER
#define ZERO EXO_TIMEOUT_ZERO
#define ANY EXO_ANYTHREAD

/* ---- send and receive ---- */

static void send_to_open_receiver_delivers_at_once(void **state)
{
	struct fx *f = *state;
	void *m;

	do_recv(f, B, ANY, 100, 0);
	assert_receiving(f, B, ANY);
	assert_true(ipc_next_deadline(&f->k) == 100);
	expect_nothing(f);

	m = do_send(f, A, tid_of(B), NEVER, 10);
	expect_deliver(f, A, B, m);
	expect_complete(f, A, EXO_OK, NULL);
	assert_running(f, A);
	assert_running(f, B);
	assert_true(ipc_next_deadline(&f->k) == IPC_NEVER);
	assert_int_equal(f->k.delivered, 1);
}

static void send_to_closed_receiver_from_sender_delivers(void **state)
{
	struct fx *f = *state;
	void *m;

	do_recv(f, B, tid_of(A), NEVER, 0);
	assert_receiving(f, B, tid_of(A));
	assert_queue(f, &f->th[A].waiters, 1, B);

	m = do_send(f, A, tid_of(B), ZERO, 0);
	expect_deliver(f, A, B, m);
	expect_complete(f, A, EXO_OK, NULL);
	assert_running(f, B);
	assert_queue(f, &f->th[A].waiters, 0);
}

static void send_to_closed_receiver_from_other_blocks(void **state)
{
	struct fx *f = *state;
	void *ma, *mc;

	do_recv(f, B, tid_of(C), NEVER, 0);
	ma = do_send(f, A, tid_of(B), NEVER, 0);
	expect_nothing(f);
	assert_sending(f, A, B);
	assert_queue(f, &f->th[B].sendq, 1, A);
	assert_receiving(f, B, tid_of(C));

	/* The named sender still gets through, past A. */
	mc = do_send(f, C, tid_of(B), NEVER, 0);
	expect_deliver(f, C, B, mc);
	expect_complete(f, C, EXO_OK, NULL);
	assert_sending(f, A, B);

	do_recv(f, B, ANY, NEVER, 0);
	expect_deliver(f, A, B, ma);
	expect_complete(f, A, EXO_OK, NULL);
	assert_running(f, A);
	assert_running(f, B);
}

static void blocked_send_is_taken_by_later_open_receive(void **state)
{
	struct fx *f = *state;
	void *m;

	m = do_send(f, A, tid_of(B), NEVER, 0);
	assert_sending(f, A, B);
	expect_nothing(f);

	do_recv(f, B, ANY, ZERO, 5);
	expect_deliver(f, A, B, m);
	expect_complete(f, A, EXO_OK, NULL);
	assert_running(f, A);
	assert_running(f, B);
	assert_queue(f, &f->th[B].sendq, 0);
}

static void blocked_send_is_taken_by_later_closed_receive_from_sender(void **state)
{
	struct fx *f = *state;
	void *ma, *mc;

	ma = do_send(f, A, tid_of(B), NEVER, 0);
	/* A closed receive from C ignores A and waits on C. */
	do_recv(f, B, tid_of(C), NEVER, 0);
	assert_receiving(f, B, tid_of(C));
	assert_queue(f, &f->th[C].waiters, 1, B);
	assert_sending(f, A, B);
	expect_nothing(f);

	mc = do_send(f, C, tid_of(B), NEVER, 0);
	expect_deliver(f, C, B, mc);
	expect_complete(f, C, EXO_OK, NULL);

	do_recv(f, B, tid_of(A), ZERO, 0);
	expect_deliver(f, A, B, ma);
	expect_complete(f, A, EXO_OK, NULL);
	assert_running(f, A);
	assert_running(f, B);
}

static void open_receive_takes_queued_senders_in_fifo_order(void **state)
{
	struct fx *f = *state;
	void *ma, *mc, *md;

	ma = do_send(f, A, tid_of(B), NEVER, 0);
	mc = do_send(f, C, tid_of(B), 1000, 1);
	md = do_send(f, D, tid_of(B), NEVER, 2);
	assert_queue(f, &f->th[B].sendq, 3, A, C, D);

	do_recv(f, B, ANY, NEVER, 3);
	expect_deliver(f, A, B, ma);
	expect_complete(f, A, EXO_OK, NULL);
	assert_queue(f, &f->th[B].sendq, 2, C, D);
	do_recv(f, B, ANY, NEVER, 4);
	expect_deliver(f, C, B, mc);
	expect_complete(f, C, EXO_OK, NULL);
	assert_true(ipc_next_deadline(&f->k) == IPC_NEVER);
	do_recv(f, B, ANY, NEVER, 5);
	expect_deliver(f, D, B, md);
	expect_complete(f, D, EXO_OK, NULL);
	assert_queue(f, &f->th[B].sendq, 0);
	assert_int_equal(f->k.delivered, 3);
}

static void closed_receive_takes_named_sender_from_middle_of_queue(void **state)
{
	struct fx *f = *state;
	void *ma, *mc, *md;

	ma = do_send(f, A, tid_of(B), NEVER, 0);
	mc = do_send(f, C, tid_of(B), NEVER, 0);
	md = do_send(f, D, tid_of(B), NEVER, 0);

	do_recv(f, B, tid_of(C), NEVER, 0);
	expect_deliver(f, C, B, mc);
	expect_complete(f, C, EXO_OK, NULL);
	assert_queue(f, &f->th[B].sendq, 2, A, D);

	do_recv(f, B, tid_of(D), NEVER, 0);
	expect_deliver(f, D, B, md);
	expect_complete(f, D, EXO_OK, NULL);
	assert_queue(f, &f->th[B].sendq, 1, A);

	do_recv(f, B, ANY, NEVER, 0);
	expect_deliver(f, A, B, ma);
	expect_complete(f, A, EXO_OK, NULL);
}

static void zero_timeout_send_to_non_receiver_fails_at_once(void **state)
{
	struct fx *f = *state;
	void *m;

	m = do_send(f, A, tid_of(B), ZERO, 0);  /* B runs */
	expect_complete(f, A, EXO_ETIMEOUT, m);
	assert_running(f, A);

	do_recv(f, B, tid_of(C), NEVER, 0);     /* B waits for someone else */
	m = do_send(f, A, tid_of(B), ZERO, 0);
	expect_complete(f, A, EXO_ETIMEOUT, m);
	assert_queue(f, &f->th[B].sendq, 0);
	assert_receiving(f, B, tid_of(C));
	assert_int_equal(f->k.delivered, 0);
}

static void zero_timeout_receive_without_sender_fails_at_once(void **state)
{
	struct fx *f = *state;
	void *m;

	do_recv(f, B, ANY, ZERO, 0);
	expect_complete(f, B, EXO_ETIMEOUT, NULL);
	assert_running(f, B);

	do_recv(f, B, tid_of(A), ZERO, 0);      /* A runs */
	expect_complete(f, B, EXO_ETIMEOUT, NULL);

	m = do_send(f, A, tid_of(C), NEVER, 0); /* A sends, but not to B */
	do_recv(f, B, tid_of(A), ZERO, 0);
	expect_complete(f, B, EXO_ETIMEOUT, NULL);
	assert_queue(f, &f->th[A].waiters, 0);
	assert_sending(f, A, C);
	(void)m;
}

static void send_to_nil_any_unknown_or_stale_tid_fails_enopartner(void **state)
{
	struct fx *f = *state;
	const exo_tid_t bad[] = { EXO_NILTHREAD, EXO_ANYTHREAD, exo_tid_make(NT + 1, 1),
				  exo_tid_make(B, 2) /* stale version of B */ };

	do_recv(f, B, ANY, NEVER, 0); /* even though B is receiving */
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		void *m = do_send(f, A, bad[i], NEVER, 0);

		expect_complete(f, A, EXO_ENOPARTNER, m);
		assert_running(f, A);
		m = do_call(f, A, bad[i], NEVER, NEVER, 0);
		expect_complete(f, A, EXO_ENOPARTNER, m);
		assert_running(f, A);
	}
	assert_receiving(f, B, ANY);
	assert_int_equal(f->k.delivered, 0);
}

static void receive_from_nil_unknown_or_stale_tid_fails_enopartner(void **state)
{
	struct fx *f = *state;
	const exo_tid_t bad[] = { EXO_NILTHREAD, exo_tid_make(NT + 1, 1), exo_tid_make(A, 2) };
	void *m = do_send(f, A, tid_of(B), NEVER, 0);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		do_recv(f, B, bad[i], NEVER, 0);
		expect_complete(f, B, EXO_ENOPARTNER, NULL);
		assert_running(f, B);
	}
	assert_sending(f, A, B); /* A's send is untouched */
	(void)m;
}

/* ---- timeouts ---- */

static void send_timeout_expires_at_deadline_and_leaves_queue(void **state)
{
	struct fx *f = *state;
	void *m;

	m = do_send(f, A, tid_of(B), 100, 1000);
	assert_sending(f, A, B);
	assert_true(f->th[A].deadline == 1100);
	assert_true(ipc_next_deadline(&f->k) == 1100);

	assert_int_equal(ipc_expire(&f->k, 1099), 0);
	expect_nothing(f);
	assert_sending(f, A, B);

	assert_int_equal(ipc_expire(&f->k, 1100), 1);
	expect_complete(f, A, EXO_ETIMEOUT, m);
	assert_running(f, A);
	assert_queue(f, &f->th[B].sendq, 0);
	assert_true(ipc_next_deadline(&f->k) == IPC_NEVER);

	do_recv(f, B, ANY, ZERO, 1200); /* A is gone from B's queue */
	expect_complete(f, B, EXO_ETIMEOUT, NULL);
	assert_int_equal(ipc_expire(&f->k, 5000), 0);
}

static void receive_timeout_expires_at_deadline(void **state)
{
	struct fx *f = *state;
	void *m;

	do_recv(f, B, ANY, 50, 10);         /* deadline 60 */
	do_recv(f, C, tid_of(A), 70, 10);   /* deadline 80 */
	assert_true(ipc_next_deadline(&f->k) == 60);

	assert_int_equal(ipc_expire(&f->k, 59), 0);
	assert_int_equal(ipc_expire(&f->k, 60), 1);
	expect_complete(f, B, EXO_ETIMEOUT, NULL);
	assert_running(f, B);
	assert_true(ipc_next_deadline(&f->k) == 80);

	assert_int_equal(ipc_expire(&f->k, 500), 1); /* after the deadline */
	expect_complete(f, C, EXO_ETIMEOUT, NULL);
	assert_running(f, C);
	assert_queue(f, &f->th[A].waiters, 0);

	m = do_send(f, A, tid_of(C), ZERO, 600); /* C no longer receives */
	expect_complete(f, A, EXO_ETIMEOUT, m);
}

static void next_deadline_is_earliest_and_expire_takes_all_due(void **state)
{
	struct fx *f = *state;
	void *ma, *mc;

	ma = do_send(f, A, tid_of(B), 300, 0);
	mc = do_send(f, C, tid_of(B), 100, 0);
	do_recv(f, D, tid_of(E), 200, 0);
	do_recv(f, E, ANY, NEVER, 0);
	assert_true(ipc_next_deadline(&f->k) == 100);

	assert_int_equal(ipc_expire(&f->k, 250), 2);
	expect_complete(f, C, EXO_ETIMEOUT, mc); /* timeout-list order */
	expect_complete(f, D, EXO_ETIMEOUT, NULL);
	assert_true(ipc_next_deadline(&f->k) == 300);
	assert_queue(f, &f->th[B].sendq, 1, A);
	assert_receiving(f, E, ANY);

	assert_int_equal(ipc_expire(&f->k, 300), 1);
	expect_complete(f, A, EXO_ETIMEOUT, ma);
	assert_receiving(f, E, ANY);
}

static void never_timeout_is_no_deadline(void **state)
{
	struct fx *f = *state;
	void *m;

	m = do_send(f, A, tid_of(B), NEVER, 0);
	do_recv(f, C, ANY, NEVER, 0);
	do_recv(f, D, tid_of(A), NEVER, 0);
	assert_true(f->th[A].deadline == IPC_NEVER);
	assert_true(ipc_next_deadline(&f->k) == IPC_NEVER);
	assert_null(f->k.timeouts.head);

	assert_int_equal(ipc_expire(&f->k, UINT64_MAX), 0);
	expect_nothing(f);
	assert_sending(f, A, B);
	assert_receiving(f, C, ANY);
	assert_receiving(f, D, tid_of(A));
	(void)m;
}

static void deadline_saturates_instead_of_overflowing(void **state)
{
	struct fx *f = *state;
	void *m;

	assert_true(ipc_deadline(ZERO, 5) == 5);
	assert_true(ipc_deadline(10, 5) == 15);
	assert_true(ipc_deadline(NEVER, 0) == IPC_NEVER);
	assert_true(ipc_deadline(UINT64_MAX - 1, 0) == UINT64_MAX - 1);
	assert_true(ipc_deadline(UINT64_MAX - 1, 1) == IPC_NEVER);
	assert_true(ipc_deadline(10, UINT64_MAX - 11) == UINT64_MAX - 1);
	assert_true(ipc_deadline(10, UINT64_MAX - 10) == IPC_NEVER);
	assert_true(ipc_deadline(1000, UINT64_MAX - 5) == IPC_NEVER);
	assert_true(ipc_deadline(UINT64_MAX - 1, UINT64_MAX - 1) == IPC_NEVER);

	/* A saturated deadline is no deadline: the thread waits unbounded. */
	m = do_send(f, A, tid_of(B), 1000, UINT64_MAX - 5);
	assert_sending(f, A, B);
	assert_false(f->th[A].on_tq);
	assert_true(ipc_next_deadline(&f->k) == IPC_NEVER);
	assert_int_equal(ipc_expire(&f->k, UINT64_MAX), 0);
	(void)m;
}

/* ---- call and reply ---- */

static void call_sends_then_receives_from_partner_only(void **state)
{
	struct fx *f = *state;
	void *ma, *mb, *mc;

	do_recv(f, B, ANY, NEVER, 0);
	ma = do_call(f, A, tid_of(B), NEVER, NEVER, 0);
	expect_deliver(f, A, B, ma);
	expect_nothing(f); /* no completion: A goes on to receive */
	assert_running(f, B);
	assert_receiving(f, A, tid_of(B));
	assert_false(f->th[A].then_receive);
	assert_queue(f, &f->th[B].waiters, 1, A);

	mc = do_send(f, C, tid_of(A), NEVER, 0); /* not the partner: blocks */
	expect_nothing(f);
	assert_sending(f, C, A);
	assert_receiving(f, A, tid_of(B));

	mb = do_send(f, B, tid_of(A), NEVER, 0); /* the reply completes the call */
	expect_deliver(f, B, A, mb);
	expect_complete(f, B, EXO_OK, NULL);
	assert_running(f, A);
	assert_sending(f, C, A);

	do_recv(f, A, ANY, NEVER, 0);
	expect_deliver(f, C, A, mc);
	expect_complete(f, C, EXO_OK, NULL);
	assert_int_equal(f->k.delivered, 3);
}

static void call_blocks_in_send_phase_until_partner_receives(void **state)
{
	struct fx *f = *state;
	void *ma, *mb;

	ma = do_call(f, A, tid_of(B), NEVER, NEVER, 0);
	assert_sending(f, A, B);
	assert_true(f->th[A].then_receive);
	expect_nothing(f);

	do_recv(f, B, ANY, NEVER, 0);
	expect_deliver(f, A, B, ma);
	expect_nothing(f);
	assert_receiving(f, A, tid_of(B));

	mb = new_msg(f, B);
	assert_int_equal(ipc_reply(&f->k, &f->th[B], tid_of(A)), EXO_OK);
	expect_deliver(f, B, A, mb);
	expect_nothing(f);
	assert_running(f, A);
	assert_int_equal(f->k.delivered, 2);
}

static void call_receive_timeout_counts_from_end_of_send_phase(void **state)
{
	struct fx *f = *state;
	void *ma, *mc;

	/* Immediate send phase: the receive phase starts at `now`. */
	do_recv(f, D, ANY, NEVER, 0);
	mc = do_call(f, C, tid_of(D), 5, 40, 100);
	expect_deliver(f, C, D, mc);
	assert_true(f->th[C].deadline == 140);

	/* Blocked send phase: it starts when the partner receives. */
	ma = do_call(f, A, tid_of(B), 1000, 50, 100);
	assert_true(f->th[A].deadline == 1100);
	assert_true(ipc_next_deadline(&f->k) == 140);
	assert_int_equal(ipc_expire(&f->k, 140), 1);
	expect_complete(f, C, EXO_ETIMEOUT, NULL);
	assert_queue(f, &f->th[D].waiters, 0);

	do_recv(f, B, ANY, NEVER, 600);
	expect_deliver(f, A, B, ma);
	assert_receiving(f, A, tid_of(B));
	assert_true(f->th[A].deadline == 650);
	assert_true(ipc_next_deadline(&f->k) == 650);

	assert_int_equal(ipc_expire(&f->k, 649), 0);
	assert_int_equal(ipc_expire(&f->k, 650), 1);
	expect_complete(f, A, EXO_ETIMEOUT, NULL);
	assert_running(f, A);
	assert_queue(f, &f->th[B].waiters, 0);
}

static void call_send_phase_timeout_skips_receive_phase(void **state)
{
	struct fx *f = *state;
	void *ma, *mb;

	ma = do_call(f, A, tid_of(B), 10, NEVER, 0);
	assert_int_equal(ipc_expire(&f->k, 10), 1);
	expect_complete(f, A, EXO_ETIMEOUT, ma);
	assert_running(f, A);

	mb = do_send(f, B, tid_of(A), ZERO, 20); /* A is not receiving */
	expect_complete(f, B, EXO_ETIMEOUT, mb);
}

static void call_with_zero_receive_timeout_delivers_then_times_out(void **state)
{
	struct fx *f = *state;
	void *m;

	do_recv(f, B, ANY, NEVER, 0);
	m = do_call(f, A, tid_of(B), NEVER, ZERO, 0);
	expect_deliver(f, A, B, m);
	expect_complete(f, A, EXO_ETIMEOUT, NULL);
	assert_running(f, A);
	assert_queue(f, &f->th[B].waiters, 0);
	assert_int_equal(f->k.delivered, 1);
}

static void reply_delivers_to_receiver_without_completing_replier(void **state)
{
	struct fx *f = *state;
	void *ma, *mb;

	do_recv(f, B, ANY, NEVER, 0);
	ma = do_call(f, A, tid_of(B), NEVER, 100, 0);
	expect_deliver(f, A, B, ma);
	assert_true(f->th[A].on_tq);

	mb = new_msg(f, B);
	assert_int_equal(ipc_reply(&f->k, &f->th[B], tid_of(A)), EXO_OK);
	expect_deliver(f, B, A, mb);
	expect_nothing(f); /* neither side is completed */
	assert_null(f->th[B].msg);
	assert_running(f, A);
	assert_running(f, B);
	assert_true(ipc_next_deadline(&f->k) == IPC_NEVER);

	/* An open receiver accepts a reply too. */
	do_recv(f, C, ANY, NEVER, 0);
	mb = new_msg(f, B);
	assert_int_equal(ipc_reply(&f->k, &f->th[B], tid_of(C)), EXO_OK);
	expect_deliver(f, B, C, mb);
	expect_nothing(f);
	assert_int_equal(f->k.delivered, 3);
}

static void reply_to_thread_not_waiting_for_replier_fails_etimeout(void **state)
{
	struct fx *f = *state;
	void *m, *ma;

	m = new_msg(f, B); /* A runs */
	assert_int_equal(ipc_reply(&f->k, &f->th[B], tid_of(A)), EXO_ETIMEOUT);
	free_left_msg(f, B, m);

	do_recv(f, A, tid_of(C), NEVER, 0); /* A waits for C */
	m = new_msg(f, B);
	assert_int_equal(ipc_reply(&f->k, &f->th[B], tid_of(A)), EXO_ETIMEOUT);
	free_left_msg(f, B, m);
	assert_receiving(f, A, tid_of(C));
	assert_true(ipc_cancel(&f->k, &f->th[A]));
	expect_complete(f, A, EXO_ECANCELED, NULL);

	ma = do_call(f, A, tid_of(B), NEVER, NEVER, 0); /* A is still in its send phase */
	m = new_msg(f, B);
	assert_int_equal(ipc_reply(&f->k, &f->th[B], tid_of(A)), EXO_ETIMEOUT);
	free_left_msg(f, B, m);
	assert_sending(f, A, B);
	expect_nothing(f);
	assert_int_equal(f->k.delivered, 0);
	(void)ma;
}

static void reply_to_bad_tid_fails_enopartner(void **state)
{
	struct fx *f = *state;
	const exo_tid_t bad[] = { EXO_NILTHREAD, EXO_ANYTHREAD, exo_tid_make(NT + 1, 1),
				  exo_tid_make(A, 2) };

	do_recv(f, A, tid_of(B), NEVER, 0); /* the real A does wait for B */
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		void *m = new_msg(f, B);

		assert_int_equal(ipc_reply(&f->k, &f->th[B], bad[i]), EXO_ENOPARTNER);
		free_left_msg(f, B, m);
	}
	expect_nothing(f);
	assert_receiving(f, A, tid_of(B));
}

/* ---- delivery failure ---- */

static void delivery_failure_completes_both_sides_with_its_error(void **state)
{
	struct fx *f = *state;
	void *m;

	/* The sender finds the receiver waiting. */
	do_recv(f, B, ANY, 100, 0);
	f->fail_next = EXO_EMSGSIZE;
	m = do_send(f, A, tid_of(B), NEVER, 0);
	expect_deliver(f, A, B, m);
	expect_complete(f, B, EXO_EMSGSIZE, NULL);
	expect_complete(f, A, EXO_EMSGSIZE, NULL);
	assert_running(f, A);
	assert_running(f, B);

	/* The receiver finds the sender waiting. */
	m = do_send(f, A, tid_of(B), 100, 0);
	f->fail_next = EXO_EBADITEM;
	do_recv(f, B, tid_of(A), NEVER, 0);
	expect_deliver(f, A, B, m);
	expect_complete(f, B, EXO_EBADITEM, NULL);
	expect_complete(f, A, EXO_EBADITEM, NULL);
	assert_running(f, A);
	assert_running(f, B);
	assert_true(ipc_next_deadline(&f->k) == IPC_NEVER);
	assert_int_equal(f->k.delivered, 0);
}

static void call_delivery_failure_skips_receive_phase(void **state)
{
	struct fx *f = *state;
	void *ma, *mb;

	do_recv(f, B, ANY, NEVER, 0);
	f->fail_next = EXO_EMSGSIZE;
	ma = do_call(f, A, tid_of(B), NEVER, NEVER, 0);
	expect_deliver(f, A, B, ma);
	expect_complete(f, B, EXO_EMSGSIZE, NULL);
	expect_complete(f, A, EXO_EMSGSIZE, NULL);
	assert_running(f, A);
	assert_queue(f, &f->th[B].waiters, 0);

	mb = do_send(f, B, tid_of(A), ZERO, 0);
	expect_complete(f, B, EXO_ETIMEOUT, mb);
}

static void reply_delivery_failure_completes_receiver_only(void **state)
{
	struct fx *f = *state;
	void *ma, *mb;

	do_recv(f, B, ANY, NEVER, 0);
	ma = do_call(f, A, tid_of(B), NEVER, NEVER, 0);
	expect_deliver(f, A, B, ma);

	f->fail_next = EXO_EMSGSIZE;
	mb = new_msg(f, B);
	assert_int_equal(ipc_reply(&f->k, &f->th[B], tid_of(A)), EXO_EMSGSIZE);
	expect_deliver(f, B, A, mb);
	expect_complete(f, A, EXO_EMSGSIZE, NULL);
	expect_nothing(f);
	assert_null(f->th[B].msg); /* deliver() took it back */
	assert_running(f, A);
	assert_int_equal(f->k.delivered, 1);
}

/* ---- cancel ---- */

static void cancel_blocked_sender_fails_it_ecanceled(void **state)
{
	struct fx *f = *state;
	void *ma, *mc, *md;

	ma = do_send(f, A, tid_of(B), NEVER, 0);
	mc = do_send(f, C, tid_of(B), 100, 0);
	md = do_call(f, D, tid_of(B), NEVER, NEVER, 0);

	assert_true(ipc_cancel(&f->k, &f->th[C]));
	expect_complete(f, C, EXO_ECANCELED, mc);
	assert_running(f, C);
	assert_queue(f, &f->th[B].sendq, 2, A, D);
	assert_true(ipc_next_deadline(&f->k) == IPC_NEVER);

	assert_true(ipc_cancel(&f->k, &f->th[D])); /* a call in its send phase */
	expect_complete(f, D, EXO_ECANCELED, md);
	assert_running(f, D);
	assert_queue(f, &f->th[B].sendq, 1, A);
	(void)ma;
}

static void cancel_blocked_receiver_fails_it_ecanceled(void **state)
{
	struct fx *f = *state;
	void *md;

	do_recv(f, B, ANY, 100, 0);
	do_recv(f, C, tid_of(A), 200, 0);
	do_recv(f, E, tid_of(A), NEVER, 0);
	do_recv(f, F, ANY, NEVER, 0);
	md = do_call(f, D, tid_of(F), NEVER, 300, 0); /* D then receives from F */
	expect_deliver(f, D, F, md);

	assert_true(ipc_cancel(&f->k, &f->th[B]));
	expect_complete(f, B, EXO_ECANCELED, NULL);
	assert_true(ipc_cancel(&f->k, &f->th[C]));
	expect_complete(f, C, EXO_ECANCELED, NULL);
	assert_queue(f, &f->th[A].waiters, 1, E);
	assert_true(ipc_next_deadline(&f->k) == 300);

	assert_true(ipc_cancel(&f->k, &f->th[D]));
	expect_complete(f, D, EXO_ECANCELED, NULL);
	assert_queue(f, &f->th[F].waiters, 0);
	assert_true(ipc_next_deadline(&f->k) == IPC_NEVER);
	assert_int_equal(ipc_expire(&f->k, 1000), 0);
	assert_receiving(f, E, tid_of(A));
}

static void cancel_of_thread_not_blocked_returns_false(void **state)
{
	struct fx *f = *state;

	assert_false(ipc_cancel(&f->k, &f->th[A]));
	ipc_thread_exit(&f->k, &f->th[B]);
	assert_false(ipc_cancel(&f->k, &f->th[B]));
	expect_nothing(f);
	assert_running(f, A);
	assert_int_equal(f->th[B].state, IPC_DEAD);
}

/* ---- thread exit ---- */

static void exit_fails_senders_and_closed_receivers_with_edead(void **state)
{
	struct fx *f = *state;
	void *ma, *mc, *me;

	ma = do_send(f, A, tid_of(B), NEVER, 0);
	mc = do_send(f, C, tid_of(B), 100, 0);
	do_recv(f, D, tid_of(B), 200, 0);
	me = do_call(f, E, tid_of(B), NEVER, NEVER, 0);

	ipc_thread_exit(&f->k, &f->th[B]);
	expect_complete(f, A, EXO_EDEAD, ma);
	expect_complete(f, C, EXO_EDEAD, mc);
	expect_complete(f, E, EXO_EDEAD, me);
	expect_complete(f, D, EXO_EDEAD, NULL);
	expect_nothing(f);
	assert_int_equal(f->th[B].state, IPC_DEAD);
	for (int i = A; i <= E; i++)
		if (i != B)
			assert_running(f, i);
	assert_true(ipc_next_deadline(&f->k) == IPC_NEVER);
}

static void exit_fails_caller_in_receive_phase_with_edead(void **state)
{
	struct fx *f = *state;
	void *ma;

	do_recv(f, B, ANY, NEVER, 0);
	ma = do_call(f, A, tid_of(B), NEVER, 100, 0);
	expect_deliver(f, A, B, ma);
	assert_receiving(f, A, tid_of(B));

	ipc_thread_exit(&f->k, &f->th[B]);
	expect_complete(f, A, EXO_EDEAD, NULL);
	assert_running(f, A);
	assert_true(ipc_next_deadline(&f->k) == IPC_NEVER);
}

static void exit_leaves_unrelated_receivers_alone(void **state)
{
	struct fx *f = *state;
	void *ma;

	do_recv(f, C, ANY, 100, 0);
	do_recv(f, D, tid_of(E), NEVER, 0);
	ma = do_send(f, A, tid_of(C), NEVER, 0);
	expect_deliver(f, A, C, ma);
	expect_complete(f, A, EXO_OK, NULL);
	do_recv(f, C, ANY, 100, 0); /* C may have served B before: no matter */

	ipc_thread_exit(&f->k, &f->th[B]);
	expect_nothing(f);
	assert_receiving(f, C, ANY);
	assert_receiving(f, D, tid_of(E));
	assert_true(ipc_next_deadline(&f->k) == 100);
}

static void exiting_thread_leaves_its_queue_and_timeout_list(void **state)
{
	struct fx *f = *state;
	void *ma, *mb, *mc;

	ma = do_send(f, A, tid_of(D), NEVER, 0);
	mb = do_send(f, B, tid_of(D), 100, 0);
	mc = do_send(f, C, tid_of(D), NEVER, 0);
	do_recv(f, E, tid_of(D), 50, 0);
	do_recv(f, F, tid_of(D), NEVER, 0);

	/* A blocked sender dies: its message stays with it, for the backend. */
	ipc_thread_exit(&f->k, &f->th[B]);
	expect_nothing(f);
	assert_int_equal(f->th[B].state, IPC_DEAD);
	assert_null(f->th[B].qlist);
	assert_queue(f, &f->th[D].sendq, 2, A, C);
	assert_true(ipc_next_deadline(&f->k) == 50);
	free_left_msg(f, B, mb);

	/* A blocked closed receiver dies. */
	ipc_thread_exit(&f->k, &f->th[E]);
	expect_nothing(f);
	assert_queue(f, &f->th[D].waiters, 1, F);
	assert_true(ipc_next_deadline(&f->k) == IPC_NEVER);
	assert_int_equal(ipc_expire(&f->k, 1000), 0);

	do_recv(f, D, ANY, NEVER, 0);
	expect_deliver(f, A, D, ma);
	expect_complete(f, A, EXO_OK, NULL);
	do_recv(f, D, ANY, NEVER, 0);
	expect_deliver(f, C, D, mc);
	expect_complete(f, C, EXO_OK, NULL);
	assert_receiving(f, F, tid_of(D));
}

static void dead_thread_is_no_partner(void **state)
{
	struct fx *f = *state;
	void *m;

	ipc_thread_exit(&f->k, &f->th[B]);
	assert_non_null(mock_lookup(&f->k, tid_of(B))); /* the backend still has it */

	m = do_send(f, A, tid_of(B), NEVER, 0);
	expect_complete(f, A, EXO_ENOPARTNER, m);
	m = do_call(f, A, tid_of(B), NEVER, NEVER, 0);
	expect_complete(f, A, EXO_ENOPARTNER, m);
	do_recv(f, A, tid_of(B), NEVER, 0);
	expect_complete(f, A, EXO_ENOPARTNER, NULL);
	m = new_msg(f, A);
	assert_int_equal(ipc_reply(&f->k, &f->th[A], tid_of(B)), EXO_ENOPARTNER);
	free_left_msg(f, A, m);
	assert_queue(f, &f->th[B].sendq, 0);
	assert_queue(f, &f->th[B].waiters, 0);
}

static void exit_twice_is_harmless(void **state)
{
	struct fx *f = *state;
	void *m;

	m = do_send(f, A, tid_of(B), NEVER, 0);
	ipc_thread_exit(&f->k, &f->th[B]);
	expect_complete(f, A, EXO_EDEAD, m);
	ipc_thread_exit(&f->k, &f->th[B]);
	expect_nothing(f);
	assert_int_equal(f->th[B].state, IPC_DEAD);

	ipc_thread_exit(&f->k, &f->th[C]); /* a running thread nobody waits on */
	ipc_thread_exit(&f->k, &f->th[C]);
	expect_nothing(f);
	assert_int_equal(f->th[C].state, IPC_DEAD);
	assert_running(f, A);
}

/* ---- counters and names ---- */

static void delivered_counts_successful_deliveries_only(void **state)
{
	struct fx *f = *state;
	void *m;

	assert_int_equal(f->k.delivered, 0);
	m = do_send(f, A, tid_of(B), NEVER, 0);
	do_recv(f, B, ANY, NEVER, 0);
	expect_deliver(f, A, B, m);
	expect_complete(f, A, EXO_OK, NULL);
	assert_int_equal(f->k.delivered, 1);

	do_recv(f, B, ANY, NEVER, 0);
	f->fail_next = EXO_EMSGSIZE;
	m = do_send(f, A, tid_of(B), NEVER, 0);
	expect_deliver(f, A, B, m);
	expect_complete(f, B, EXO_EMSGSIZE, NULL);
	expect_complete(f, A, EXO_EMSGSIZE, NULL);
	assert_int_equal(f->k.delivered, 1);

	m = do_send(f, A, tid_of(B), ZERO, 0);
	expect_complete(f, A, EXO_ETIMEOUT, m);
	assert_int_equal(f->k.delivered, 1);

	do_recv(f, B, ANY, NEVER, 0);
	m = do_call(f, A, tid_of(B), NEVER, NEVER, 0);
	expect_deliver(f, A, B, m);
	m = new_msg(f, B);
	assert_int_equal(ipc_reply(&f->k, &f->th[B], tid_of(A)), EXO_OK);
	expect_deliver(f, B, A, m);
	assert_int_equal(f->k.delivered, 3);
}

static void state_names_are_distinct(void **state)
{
	const enum ipc_state all[] = { IPC_RUNNING, IPC_SENDING, IPC_RECEIVING, IPC_DEAD };
	const size_t n = sizeof(all) / sizeof(all[0]);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		assert_non_null(ipc_state_name(all[i]));
		assert_true(ipc_state_name(all[i])[0] != '\0');
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(ipc_state_name(all[i]), ipc_state_name(all[j]));
	}
	assert_string_equal(ipc_state_name(IPC_RECEIVING), "receiving");
	assert_non_null(ipc_state_name((enum ipc_state)42));
}

/* ---- the fast path's handoff (ipc_handoff) ---- */

static void handoff_call_leaves_caller_in_receive_from_server(void **state)
{
	struct fx *f = *state;
	void *m;

	do_recv(f, B, ANY, 100, 0); /* a server with a deadline: it comes off the timeout list */
	assert_true(ipc_handoff(&f->k, &f->th[A], &f->th[B], tid_of(B)));
	expect_nothing(f); /* the backend moves the message: no deliver, no complete */
	assert_running(f, B);
	assert_receiving(f, A, tid_of(B));
	assert_queue(f, &f->th[B].waiters, 1, A);
	assert_true(ipc_next_deadline(&f->k) == IPC_NEVER);
	assert_int_equal(f->k.delivered, 1);
	/* The server's answer then reaches it as after any call. */
	m = new_msg(f, B);
	assert_int_equal(ipc_reply(&f->k, &f->th[B], tid_of(A)), EXO_OK);
	expect_deliver(f, B, A, m);
	assert_running(f, A);
	assert_queue(f, &f->th[B].waiters, 0);
}

static void handoff_reply_wait_leaves_server_in_open_receive(void **state)
{
	struct fx *f = *state;
	void *m;

	m = do_call(f, A, tid_of(B), NEVER, NEVER, 0); /* A waits for B, B not receiving yet */
	do_recv(f, B, ANY, NEVER, 0);
	expect_deliver(f, A, B, m);
	assert_receiving(f, A, tid_of(B));
	assert_true(ipc_handoff(&f->k, &f->th[B], &f->th[A], ANY));
	expect_nothing(f);
	assert_running(f, A);
	assert_receiving(f, B, ANY);
	assert_queue(f, &f->th[B].waiters, 0);
	assert_int_equal(f->k.delivered, 2);
}

static void handoff_refuses_what_the_slow_path_must_do(void **state)
{
	struct fx *f = *state;
	void *m;

	/* The partner is not receiving. */
	assert_false(ipc_handoff(&f->k, &f->th[A], &f->th[B], tid_of(B)));
	/* The partner receives from someone else. */
	do_recv(f, B, tid_of(C), NEVER, 0);
	assert_false(ipc_handoff(&f->k, &f->th[A], &f->th[B], tid_of(B)));
	assert_receiving(f, B, tid_of(C));
	/* A sender already waits for the open receive that would follow. */
	do_recv(f, D, ANY, NEVER, 0);
	m = do_send(f, E, tid_of(A), NEVER, 0);
	assert_sending(f, E, A);
	assert_false(ipc_handoff(&f->k, &f->th[A], &f->th[D], ANY));
	assert_receiving(f, D, ANY);
	assert_running(f, A);
	expect_nothing(f);
	assert_int_equal(f->k.delivered, 0);
	/* Leave nothing blocked for the teardown's checks. */
	do_recv(f, A, ANY, NEVER, 0);
	expect_deliver(f, E, A, m);
	expect_complete(f, E, EXO_OK, NULL);
	assert_true(ipc_cancel(&f->k, &f->th[B]));
	expect_complete(f, B, EXO_ECANCELED, NULL);
	assert_true(ipc_cancel(&f->k, &f->th[D]));
	expect_complete(f, D, EXO_ECANCELED, NULL);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(send_to_open_receiver_delivers_at_once),
		T(send_to_closed_receiver_from_sender_delivers),
		T(send_to_closed_receiver_from_other_blocks),
		T(blocked_send_is_taken_by_later_open_receive),
		T(blocked_send_is_taken_by_later_closed_receive_from_sender),
		T(open_receive_takes_queued_senders_in_fifo_order),
		T(closed_receive_takes_named_sender_from_middle_of_queue),
		T(zero_timeout_send_to_non_receiver_fails_at_once),
		T(zero_timeout_receive_without_sender_fails_at_once),
		T(send_to_nil_any_unknown_or_stale_tid_fails_enopartner),
		T(receive_from_nil_unknown_or_stale_tid_fails_enopartner),
		T(send_timeout_expires_at_deadline_and_leaves_queue),
		T(receive_timeout_expires_at_deadline),
		T(next_deadline_is_earliest_and_expire_takes_all_due),
		T(never_timeout_is_no_deadline),
		T(deadline_saturates_instead_of_overflowing),
		T(call_sends_then_receives_from_partner_only),
		T(call_blocks_in_send_phase_until_partner_receives),
		T(call_receive_timeout_counts_from_end_of_send_phase),
		T(call_send_phase_timeout_skips_receive_phase),
		T(call_with_zero_receive_timeout_delivers_then_times_out),
		T(reply_delivers_to_receiver_without_completing_replier),
		T(reply_to_thread_not_waiting_for_replier_fails_etimeout),
		T(reply_to_bad_tid_fails_enopartner),
		T(delivery_failure_completes_both_sides_with_its_error),
		T(call_delivery_failure_skips_receive_phase),
		T(reply_delivery_failure_completes_receiver_only),
		T(cancel_blocked_sender_fails_it_ecanceled),
		T(cancel_blocked_receiver_fails_it_ecanceled),
		T(cancel_of_thread_not_blocked_returns_false),
		T(exit_fails_senders_and_closed_receivers_with_edead),
		T(exit_fails_caller_in_receive_phase_with_edead),
		T(exit_leaves_unrelated_receivers_alone),
		T(exiting_thread_leaves_its_queue_and_timeout_list),
		T(dead_thread_is_no_partner),
		T(exit_twice_is_harmless),
		T(delivered_counts_successful_deliveries_only),
		T(state_names_are_distinct),
		T(handoff_call_leaves_caller_in_receive_from_server),
		T(handoff_reply_wait_leaves_server_in_open_receive),
		T(handoff_refuses_what_the_slow_path_must_do),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
