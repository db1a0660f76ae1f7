/*
 * exo/held.h — requests a server holds back and answers later (deferred
 * replies): a sleep until its deadline, a read of an empty pipe, a lock
 * that must wait. One queue type for every server that suspends a client.
 *
 * A held request is a struct exo_held embedded in the server's own record
 * of it (first member, or found with EXO_HELD_OF). The queue keeps them in
 * arrival order, or in the order a comparison gives. What the server owes
 * each client stays the server's: this file only keeps, finds and answers.
 *
 * A held request leaves its queue when it is answered, when its client
 * cancels it (EXO_LABEL_CANCEL, exo/ipc.h: the client was interrupted) and
 * when its space ends (the kernel's EXO_LABEL_SPACE_EXIT notice).
 */
#ifndef EXO_HELD_H
#define EXO_HELD_H

#include <stddef.h>

#include <exo/ipc.h>

struct exo_held {
	struct exo_held *next;
	exo_tid_t client;        /* who waits for the answer */
	exo_space_t space;       /* its space */
};

struct exo_held_queue {
	struct exo_held *head;
	unsigned count;
};

/* The record of type `type` whose struct exo_held member `member` is h. */
#define EXO_HELD_OF(h, type, member) ((type *)(void *)((char *)(h) - offsetof(type, member)))

/*
 * Hold h, the request of `client` in `space`, at the end of q; or, with
 * `after` given, before the first held request it does not come after
 * (after(a, b): a is answered after b), so q stays sorted and equal ones
 * keep their arrival order.
 */
void exo_held_add(struct exo_held_queue *q, struct exo_held *h, exo_tid_t client, exo_space_t space,
		  int (*after)(const struct exo_held *a, const struct exo_held *b));

/* Take h out of q (it must be in q). */
void exo_held_remove(struct exo_held_queue *q, struct exo_held *h);

/*
 * Take out of q, and return, the first held request of thread `client`
 * (EXO_NILTHREAD: any) in space `space` (EXO_NILSPACE: any); NULL when
 * none. Called until NULL, it drops all of a cancelled client's or an
 * ended space's requests; the caller frees each.
 */
struct exo_held *exo_held_take(struct exo_held_queue *q, exo_tid_t client, exo_space_t space);

/*
 * Answer h's client with m (exo_reply). EXO_OK when it was delivered; a
 * client that gave up (interrupted, or gone) makes it fail, and the server
 * undoes what the answer would have given (a lock, a pipe's bytes).
 */
exo_err exo_held_answer(const struct exo_held *h, exo_msg_t *m);

#endif
