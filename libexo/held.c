/*
 * libexo/held.c — the queue of requests a server holds back (exo/held.h).
 */
#include <exo/held.h>

void exo_held_add(struct exo_held_queue *q, struct exo_held *h, exo_tid_t client, exo_space_t space,
		  int (*after)(const struct exo_held *a, const struct exo_held *b))
{
	struct exo_held **p = &q->head;

	h->client = client;
	h->space = space;
	while (*p && (!after || !after(*p, h)))
		p = &(*p)->next;
	h->next = *p;
	*p = h;
	q->count++;
}

void exo_held_remove(struct exo_held_queue *q, struct exo_held *h)
{
	for (struct exo_held **p = &q->head; *p; p = &(*p)->next)
		if (*p == h) {
			*p = h->next;
			h->next = NULL;
			q->count--;
			return;
		}
}

struct exo_held *exo_held_take(struct exo_held_queue *q, exo_tid_t client, exo_space_t space)
{
	for (struct exo_held **p = &q->head; *p; p = &(*p)->next) {
		struct exo_held *h = *p;

		if ((client == EXO_NILTHREAD || h->client == client) && (space == EXO_NILSPACE || h->space == space)) {
			*p = h->next;
			h->next = NULL;
			q->count--;
			return h;
		}
	}
	return NULL;
}

exo_err exo_held_answer(const struct exo_held *h, exo_msg_t *m)
{
	return exo_reply(h->client, m);
}
