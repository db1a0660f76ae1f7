/*
 * servers/sched/sleep.c — SLEEP: requests answered when their deadline has
 * passed.
 *
 * A sleep is a deferred reply (exo/held.h). The sleepers are kept sorted by deadline and
 * the server's receive timeout is the earliest one, so the server's own loop
 * is the timer (as the VFS's is for poll): no thread and no host timer. The
 * kernel's timeouts never fire early, so a sleeper is never answered before
 * its deadline.
 */
#include <stdlib.h>

#include <exo/errno.h>

#include "sched.h"

/* a is answered after b: a later deadline (equal ones in arrival order). */
static int later(const struct exo_held *a, const struct exo_held *b)
{
	return EXO_HELD_OF(a, struct sleeper, held)->deadline > EXO_HELD_OF(b, struct sleeper, held)->deadline;
}

int do_sleep(void *ctx, const struct sched_sleep_in *in, struct sched_sleep_out *out)
{
	struct sreq *r = ctx;
	uint64_t deadline = in->deadline;
	struct sleeper *w;

	if (deadline >= SCHED_DEADLINE_MAX && deadline != SCHED_FOREVER)
		return -XE_EINVAL;
	if (deadline <= exo_clock_ns()) {
		out->now = exo_clock_ns();
		return 0;
	}
	w = calloc(1, sizeof(*w));
	if (!w)
		return -XE_EAGAIN;
	w->deadline = deadline;
	exo_held_add(&r->s->sleepers, &w->held, r->from, r->space, later);
	return EXO_PROTO_HELD;
}

static void drop(struct sched *s, exo_tid_t client, exo_space_t space)
{
	struct exo_held *h;

	while ((h = exo_held_take(&s->sleepers, client, space)))
		free(EXO_HELD_OF(h, struct sleeper, held));
}

void sleep_forget_client(struct sched *s, exo_tid_t client)
{
	drop(s, client, EXO_NILSPACE);
}

void sleep_forget_space(struct sched *s, exo_space_t space)
{
	drop(s, EXO_NILTHREAD, space);
}

static struct sleeper *first(const struct sched *s)
{
	return s->sleepers.head ? EXO_HELD_OF(s->sleepers.head, struct sleeper, held) : NULL;
}

void sleep_settle(struct sched *s)
{
	uint64_t now = exo_clock_ns();
	struct sleeper *w;

	while ((w = first(s)) && w->deadline <= now) {
		struct sched_sleep_out out = { .now = now };
		exo_msg_t m = { 0 };

		exo_held_remove(&s->sleepers, &w->held);
		m.tag = exo_tag(0, SCHED_SLEEP_OUT_WORDS, sched_sleep_out_put(&m, &out));
		exo_held_answer(&w->held, &m); /* a client that gave up is simply gone */
		free(w);
	}
}

exo_timeout_t sleep_timeout(const struct sched *s)
{
	const struct sleeper *w = first(s);
	uint64_t now;

	if (!w || w->deadline == SCHED_FOREVER)
		return EXO_TIMEOUT_NEVER;
	now = exo_clock_ns();
	return w->deadline <= now ? exo_timeout_us(1) : exo_timeout_us((w->deadline - now + 999) / 1000);
}
