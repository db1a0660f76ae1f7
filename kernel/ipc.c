/*
 * kernel/ipc.c — the IPC rendezvous state machine (see ipc.h).
 *
 * Entry points: ipc_send, ipc_call, ipc_reply, ipc_receive, ipc_cancel,
 * ipc_thread_exit, ipc_expire. Each runs to completion and reports outcomes
 * through k->ops; the ops never call back into this module, so the lists are
 * never changed under a caller's feet.
 *
 * Matching rule: a sender S meets a receiver R when R is RECEIVING and R's
 * partner is EXO_ANYTHREAD or S. An open receive takes the oldest sender on
 * its send queue (FIFO); a closed receive takes exactly its partner.
 */
#include "ipc.h"

#include <stddef.h>

#define LINK(t, off) ((struct ipc_link *)((char *)(t) + (off)))
#define QOFF offsetof(struct ipc_thread, q)
#define TOFF offsetof(struct ipc_thread, tq)

static void list_push(struct ipc_list *l, struct ipc_thread *t, size_t off)
{
	struct ipc_link *n = LINK(t, off);

	n->next = NULL;
	n->prev = l->tail;
	if (l->tail)
		LINK(l->tail, off)->next = t;
	else
		l->head = t;
	l->tail = t;
}

static void list_remove(struct ipc_list *l, struct ipc_thread *t, size_t off)
{
	struct ipc_link *n = LINK(t, off);

	if (n->prev)
		LINK(n->prev, off)->next = n->next;
	else
		l->head = n->next;
	if (n->next)
		LINK(n->next, off)->prev = n->prev;
	else
		l->tail = n->prev;
	n->next = n->prev = NULL;
}

uint64_t ipc_deadline(exo_timeout_t timeout, uint64_t now)
{
	if (timeout == EXO_TIMEOUT_NEVER || now > IPC_NEVER - 1 - timeout)
		return IPC_NEVER;
	return now + timeout;
}

void ipc_init(struct ipc *k, const struct ipc_ops *ops, void *priv)
{
	k->ops = ops;
	k->timeouts.head = k->timeouts.tail = NULL;
	k->delivered = 0;
	k->priv = priv;
}

void ipc_thread_init(struct ipc_thread *t, exo_tid_t tid, void *priv)
{
	*t = (struct ipc_thread){ .tid = tid, .state = IPC_RUNNING, .deadline = IPC_NEVER, .priv = priv };
}

const char *ipc_state_name(enum ipc_state s)
{
	switch (s) {
	case IPC_RUNNING: return "running";
	case IPC_SENDING: return "sending";
	case IPC_RECEIVING: return "receiving";
	case IPC_DEAD: return "dead";
	}
	return "?";
}

static struct ipc_thread *find(struct ipc *k, exo_tid_t tid)
{
	struct ipc_thread *t;

	if (tid == EXO_NILTHREAD || tid == EXO_ANYTHREAD)
		return NULL;
	t = k->ops->lookup(k, tid);
	return t && t->state != IPC_DEAD ? t : NULL;
}

/* Take t off whatever queue and timeout list it is on; it runs again. */
static void unblock(struct ipc *k, struct ipc_thread *t)
{
	if (t->qlist) {
		list_remove(t->qlist, t, QOFF);
		t->qlist = NULL;
	}
	if (t->on_tq) {
		list_remove(&k->timeouts, t, TOFF);
		t->on_tq = false;
	}
	t->state = IPC_RUNNING;
	t->deadline = IPC_NEVER;
}

static void finish(struct ipc *k, struct ipc_thread *t, exo_err err)
{
	unblock(k, t);
	t->then_receive = false;
	k->ops->complete(k, t, err);
}

static void block(struct ipc *k, struct ipc_thread *t, enum ipc_state state, exo_tid_t partner,
		  struct ipc_list *q, exo_timeout_t timeout, uint64_t now)
{
	t->state = state;
	t->partner = partner;
	if (q) {
		list_push(q, t, QOFF);
		t->qlist = q;
	}
	t->deadline = ipc_deadline(timeout, now);
	if (t->deadline != IPC_NEVER) {
		list_push(&k->timeouts, t, TOFF);
		t->on_tq = true;
	}
}

static bool accepts(const struct ipc_thread *r, const struct ipc_thread *s)
{
	return r->state == IPC_RECEIVING && (r->partner == EXO_ANYTHREAD || r->partner == s->tid);
}

static void start_receive(struct ipc *k, struct ipc_thread *t, exo_tid_t from, exo_timeout_t rcv,
			  uint64_t now);

/* s meets r, which accepts it. */
static void rendezvous(struct ipc *k, struct ipc_thread *s, struct ipc_thread *r, uint64_t now)
{
	exo_err err;

	unblock(k, r);
	unblock(k, s);
	err = k->ops->deliver(k, s, r);
	s->msg = NULL;
	if (err != EXO_OK) {
		s->then_receive = false;
		k->ops->complete(k, r, err);
		k->ops->complete(k, s, err);
		return;
	}
	k->delivered++;
	if (s->then_receive) {
		s->then_receive = false;
		start_receive(k, s, s->rcv_from, s->rcv_timeout, now);
	} else {
		k->ops->complete(k, s, EXO_OK);
	}
}

static void start_send(struct ipc *k, struct ipc_thread *t, exo_tid_t to, exo_timeout_t snd,
		       uint64_t now)
{
	struct ipc_thread *r = find(k, to);

	if (!r) {
		finish(k, t, EXO_ENOPARTNER);
		return;
	}
	if (accepts(r, t)) {
		rendezvous(k, t, r, now);
		return;
	}
	if (snd == EXO_TIMEOUT_ZERO) {
		finish(k, t, EXO_ETIMEOUT);
		return;
	}
	block(k, t, IPC_SENDING, to, &r->sendq, snd, now);
}

static void start_receive(struct ipc *k, struct ipc_thread *t, exo_tid_t from, exo_timeout_t rcv,
			  uint64_t now)
{
	struct ipc_thread *p = NULL, *s;

	if (from == EXO_ANYTHREAD) {
		s = t->sendq.head;
	} else {
		p = find(k, from);
		if (!p) {
			finish(k, t, EXO_ENOPARTNER);
			return;
		}
		s = p->state == IPC_SENDING && p->partner == t->tid ? p : NULL;
	}
	if (s) {
		t->state = IPC_RECEIVING;
		t->partner = from;
		rendezvous(k, s, t, now);
		return;
	}
	if (rcv == EXO_TIMEOUT_ZERO) {
		finish(k, t, EXO_ETIMEOUT);
		return;
	}
	block(k, t, IPC_RECEIVING, from, p ? &p->waiters : NULL, rcv, now);
}

void ipc_send(struct ipc *k, struct ipc_thread *t, exo_tid_t to, exo_timeout_t snd, uint64_t now)
{
	t->then_receive = false;
	start_send(k, t, to, snd, now);
}

bool ipc_handoff(struct ipc *k, struct ipc_thread *t, struct ipc_thread *r, exo_tid_t rcv_from)
{
	struct ipc_thread *p = NULL;

	if (t->state != IPC_RUNNING || !accepts(r, t))
		return false;
	if (rcv_from == EXO_ANYTHREAD) {
		if (t->sendq.head)
			return false; /* a sender waits: the receive would not block */
	} else {
		p = rcv_from == r->tid ? r : find(k, rcv_from);
		if (!p || (p->state == IPC_SENDING && p->partner == t->tid))
			return false;
	}
	unblock(k, r);
	k->delivered++;
	t->then_receive = false;
	t->msg = NULL;
	block(k, t, IPC_RECEIVING, rcv_from, p ? &p->waiters : NULL, EXO_TIMEOUT_NEVER, 0);
	return true;
}

void ipc_call(struct ipc *k, struct ipc_thread *t, exo_tid_t to, exo_timeout_t snd,
	      exo_timeout_t rcv, uint64_t now)
{
	t->then_receive = true;
	t->rcv_from = to;
	t->rcv_timeout = rcv;
	start_send(k, t, to, snd, now);
}

exo_err ipc_reply(struct ipc *k, struct ipc_thread *t, exo_tid_t to)
{
	struct ipc_thread *r = find(k, to);
	exo_err err;

	if (!r)
		return EXO_ENOPARTNER;
	if (!accepts(r, t))
		return EXO_ETIMEOUT;
	unblock(k, r);
	err = k->ops->deliver(k, t, r);
	t->msg = NULL;
	if (err != EXO_OK)
		k->ops->complete(k, r, err);
	else
		k->delivered++;
	return err;
}

void ipc_receive(struct ipc *k, struct ipc_thread *t, exo_tid_t from, exo_timeout_t rcv,
		 uint64_t now)
{
	t->then_receive = false;
	start_receive(k, t, from, rcv, now);
}

bool ipc_take_open_receiver(struct ipc *k, struct ipc_thread *t)
{
	if (t->state != IPC_RECEIVING || t->partner != EXO_ANYTHREAD)
		return false;
	unblock(k, t);
	return true;
}

bool ipc_cancel(struct ipc *k, struct ipc_thread *t)
{
	if (t->state != IPC_SENDING && t->state != IPC_RECEIVING)
		return false;
	finish(k, t, EXO_ECANCELED);
	return true;
}

void ipc_thread_exit(struct ipc *k, struct ipc_thread *t)
{
	struct ipc_thread *w;

	if (t->state == IPC_DEAD)
		return;
	unblock(k, t);
	t->then_receive = false;
	t->state = IPC_DEAD;
	while ((w = t->sendq.head) != NULL)
		finish(k, w, EXO_EDEAD);
	while ((w = t->waiters.head) != NULL)
		finish(k, w, EXO_EDEAD);
}

unsigned ipc_expire(struct ipc *k, uint64_t now)
{
	struct ipc_thread *t = k->timeouts.head, *next;
	unsigned n = 0;

	while (t) {
		next = t->tq.next;
		if (t->deadline <= now) {
			finish(k, t, EXO_ETIMEOUT);
			n++;
		}
		t = next;
	}
	return n;
}

uint64_t ipc_next_deadline(const struct ipc *k)
{
	uint64_t d = IPC_NEVER;

	for (const struct ipc_thread *t = k->timeouts.head; t; t = t->tq.next)
		if (t->deadline < d)
			d = t->deadline;
	return d;
}
