/*
 * servers/sched/sleep.c — SLEEP: requests answered when their deadline has
 * passed.
 *
 * A sleep is a deferred reply. The sleepers are kept sorted by deadline and
 * the server's receive timeout is the earliest one, so the server's own loop
 * is the timer (as the VFS's is for poll): no thread and no host timer. The
 * kernel's timeouts never fire early, so a sleeper is never answered before
 * its deadline.
 */
#include <stdlib.h>

#include <exo/errno.h>

#include "sched.h"

int do_sleep(void *ctx, const struct sched_sleep_in *in, struct sched_sleep_out *out)
{
	struct sreq *r = ctx;
	uint64_t deadline = in->deadline;
	struct sleeper *w, **q;

	if (deadline >= SCHED_DEADLINE_MAX && deadline != SCHED_FOREVER)
		return -XE_EINVAL;
	if (deadline <= exo_clock_ns()) {
		out->now = exo_clock_ns();
		return 0;
	}
	w = calloc(1, sizeof(*w));
	if (!w)
		return -XE_EAGAIN;
	w->client = r->from;
	w->space = r->space;
	w->deadline = deadline;
	for (q = &r->s->sleepers; *q && (*q)->deadline <= deadline; q = &(*q)->next)
		;
	w->next = *q;
	*q = w;
	r->s->nsleepers++;
	return EXO_PROTO_HELD;
}

static void drop_if(struct sched *s, exo_tid_t client, exo_space_t space)
{
	struct sleeper **q = &s->sleepers;

	while (*q) {
		struct sleeper *w = *q;

		if ((client && w->client == client) || (space && w->space == space)) {
			*q = w->next;
			free(w);
			s->nsleepers--;
		} else {
			q = &w->next;
		}
	}
}

void sleep_forget_client(struct sched *s, exo_tid_t client)
{
	drop_if(s, client, EXO_NILSPACE);
}

void sleep_forget_space(struct sched *s, exo_space_t space)
{
	drop_if(s, EXO_NILTHREAD, space);
}

void sleep_settle(struct sched *s)
{
	uint64_t now = exo_clock_ns();

	while (s->sleepers && s->sleepers->deadline <= now) {
		struct sleeper *w = s->sleepers;
		struct sched_sleep_out out = { .now = now };
		exo_msg_t m = { 0 };

		s->sleepers = w->next;
		s->nsleepers--;
		sched_sleep_out_put(&m, &out);
		m.tag = exo_tag(0, 1, 0);
		exo_reply(w->client, &m); /* a client that gave up is simply gone */
		free(w);
	}
}

exo_timeout_t sleep_timeout(const struct sched *s)
{
	uint64_t now, first;

	if (!s->sleepers || s->sleepers->deadline == SCHED_FOREVER)
		return EXO_TIMEOUT_NEVER;
	first = s->sleepers->deadline;
	now = exo_clock_ns();
	return first <= now ? exo_timeout_us(1) : exo_timeout_us((first - now + 999) / 1000);
}
