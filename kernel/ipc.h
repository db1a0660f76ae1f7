/*
 * kernel/ipc.h — the IPC rendezvous state machine, shared by every kernel.
 *
 * This module decides what happens to threads that send, receive, call and
 * reply: who meets whom, when a timeout fires, what a dying thread does to the
 * threads waiting on it. It has no sockets, no clock and no allocation: the
 * backend (exosim, or the riscv64 kernel) owns thread memory and messages,
 * passes the time in, and is told of every outcome through struct ipc_ops.
 *
 * Thread states:
 *   IPC_RUNNING  not in IPC (the thread runs, or waits on something else)
 *   IPC_SENDING  blocked until `partner` receives (queued on its send queue)
 *   IPC_RECEIVING blocked until `partner` (or anyone, EXO_ANYTHREAD) sends
 *   IPC_DEAD     gone; kept only until the backend frees it
 *
 * Invariants:
 *   - A SENDING thread is on exactly one send queue: its partner's.
 *   - A RECEIVING thread in a closed receive is on its partner's waiter list.
 *   - A blocked thread with a finite deadline is on the timeout list.
 *   - The message of a sender (`msg`) belongs to the backend: the core hands
 *     it back through deliver() or complete() and never looks inside.
 */
#ifndef EXO_KERNEL_IPC_H
#define EXO_KERNEL_IPC_H

#include <stdbool.h>
#include <stdint.h>

#include <exo/types.h>

#define IPC_NEVER UINT64_MAX

enum ipc_state {
	IPC_RUNNING = 0,
	IPC_SENDING,
	IPC_RECEIVING,
	IPC_DEAD,
};

struct ipc_thread;

struct ipc_link {
	struct ipc_thread *next, *prev;
};

struct ipc_list {
	struct ipc_thread *head, *tail;
};

struct ipc_thread {
	exo_tid_t tid;
	enum ipc_state state;
	exo_tid_t partner;     /* SENDING: the target; RECEIVING: source or ANY */
	void *msg;             /* SENDING: the backend's message */
	bool then_receive;     /* call / reply-wait: a receive phase follows */
	exo_tid_t rcv_from;    /* ... from this thread (ANY for reply-wait) */
	exo_timeout_t rcv_timeout; /* ... bounded by this, from its start */
	uint64_t deadline;     /* absolute; IPC_NEVER when unbounded */

	struct ipc_list sendq;   /* threads SENDING to this thread, FIFO */
	struct ipc_list waiters; /* threads RECEIVING from this thread only */
	struct ipc_link q;       /* link in partner's sendq or waiters */
	struct ipc_link tq;      /* link in the timeout list */
	struct ipc_list *qlist;  /* the sendq or waiters list t is on, or NULL */
	bool on_tq;              /* on the timeout list */

	void *priv;              /* the backend's */
};

struct ipc;

struct ipc_ops {
	/* The thread with this id, or NULL when the id names no living thread. */
	struct ipc_thread *(*lookup)(struct ipc *k, exo_tid_t tid);
	/*
	 * Rendezvous: move from->msg to `to`, which was receiving. The backend
	 * takes back from->msg whatever happens. On EXO_OK `to` has its message
	 * and runs again. On an error the core completes both with it.
	 */
	exo_err (*deliver)(struct ipc *k, struct ipc_thread *from, struct ipc_thread *to);
	/*
	 * t's operation ended without a message for it: a send succeeded
	 * (EXO_OK), or the operation failed. If t->msg is set the backend takes
	 * it back. t is RUNNING again when this is called.
	 */
	void (*complete)(struct ipc *k, struct ipc_thread *t, exo_err err);
};

struct ipc {
	const struct ipc_ops *ops;
	struct ipc_list timeouts;
	uint64_t delivered;
	void *priv;              /* the backend's */
};

void ipc_init(struct ipc *k, const struct ipc_ops *ops, void *priv);
void ipc_thread_init(struct ipc_thread *t, exo_tid_t tid, void *priv);

/*
 * Start a send of t->msg (set by the caller) to `to`. With then_receive the
 * thread then receives from rcv_from (a call passes `to`, reply-wait passes
 * EXO_ANYTHREAD) with rcv_timeout counted from the end of the send.
 */
void ipc_send(struct ipc *k, struct ipc_thread *t, exo_tid_t to, exo_timeout_t snd,
	      uint64_t now);
void ipc_call(struct ipc *k, struct ipc_thread *t, exo_tid_t to, exo_timeout_t snd,
	      exo_timeout_t rcv, uint64_t now);

/*
 * Reply: deliver t->msg to `to` now if `to` is receiving from t (a zero send
 * timeout), without blocking or completing t: the server loop follows it with
 * ipc_receive. On EXO_OK the message went to `to`; otherwise t->msg is left to
 * the backend to free, and the error says why (EXO_ENOPARTNER: no such
 * thread, EXO_ETIMEOUT: not waiting for t, or the delivery's own error).
 */
exo_err ipc_reply(struct ipc *k, struct ipc_thread *t, exo_tid_t to);

/*
 * A kernel's fast path, which moves a message of untyped words itself: t
 * (running) sends to r, which accepts it now, and then t receives from
 * rcv_from with no deadline, a receive that must block. On true r is
 * RUNNING (the backend gives it the message and runs it; no deliver() or
 * complete() is called) and t RECEIVING, exactly as ipc_call or ipc_reply
 * plus ipc_receive would have left them. On false nothing changed: r does
 * not accept t, or a sender already waits for t's receive, and the backend
 * takes its general path.
 */
bool ipc_handoff(struct ipc *k, struct ipc_thread *t, struct ipc_thread *r, exo_tid_t rcv_from);

/* Receive from `from` (EXO_ANYTHREAD: from anyone). */
void ipc_receive(struct ipc *k, struct ipc_thread *t, exo_tid_t from, exo_timeout_t rcv,
		 uint64_t now);

/*
 * If t is in an open receive, end that receive without a callback and return
 * true: the backend gives t a message of the kernel's own (a notification).
 */
bool ipc_take_open_receiver(struct ipc *k, struct ipc_thread *t);

/* End a blocked operation of t with EXO_ECANCELED. False if t was not blocked. */
bool ipc_cancel(struct ipc *k, struct ipc_thread *t);

/*
 * t dies: its own operation is dropped without a completion (a message in
 * t->msg is left for the backend to free), and every thread sending to it or
 * receiving from it alone completes with EXO_EDEAD.
 */
void ipc_thread_exit(struct ipc *k, struct ipc_thread *t);

/* Expire every deadline <= now (EXO_ETIMEOUT). Returns how many expired. */
unsigned ipc_expire(struct ipc *k, uint64_t now);

/* The earliest deadline of a blocked thread, or IPC_NEVER. */
uint64_t ipc_next_deadline(const struct ipc *k);

/* The absolute deadline of a phase of `timeout` starting at `now`. */
uint64_t ipc_deadline(exo_timeout_t timeout, uint64_t now);

const char *ipc_state_name(enum ipc_state s);

#endif
