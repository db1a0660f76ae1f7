/*
 * servers/sched/ops.c — the scheduling parameters of each space: the
 * operations of exo/sched.h other than SLEEP, and their dispatch table.
 *
 * Every check runs before anything changes. A change goes to the kernel
 * first (exo_space_sched), which hands it to the machine; the server keeps
 * the new values even when the machine could not apply them (on the sim the
 * host refuses a raised priority without privilege) and answers what was
 * applied. Every caller is treated as privileged (euid 0) until the process
 * server can tell credentials: SCHED_FIFO/SCHED_RR and a lower nice are
 * allowed to all.
 */
#include <stdio.h>
#include <stdlib.h>

#include <exo/errno.h>

#include "sched.h"

static struct sspace *space_find(struct sched *s, exo_space_t id)
{
	for (struct sspace *e = s->spaces; e; e = e->next)
		if (e->space == id)
			return e;
	return NULL;
}

/* A space's entry, made with the defaults (SCHED_OTHER, nice 0) if new. */
static struct sspace *space_get(struct sched *s, exo_space_t id)
{
	struct sspace *e = space_find(s, id);

	if (e)
		return e;
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->space = id;
	e->policy = XSCHED_OTHER;
	e->next = s->spaces;
	s->spaces = e;
	s->nspaces++;
	return e;
}

void sched_space_exit(struct sched *s, exo_space_t space)
{
	struct sspace **q = &s->spaces;

	sleep_forget_space(s, space);
	for (; *q; q = &(*q)->next) {
		if ((*q)->space == space) {
			struct sspace *e = *q;

			*q = e->next;
			free(e);
			s->nspaces--;
			return;
		}
	}
}

/*
 * The space `who` names: 0 or the caller's id is the caller; another space
 * only if the server knows it (it made a request or was changed) or, for a
 * change, if the kernel knows it. Returns 0 or -XE_ESRCH / -XE_EAGAIN.
 */
static int target(struct sreq *r, uint64_t who, bool change, struct sspace **out)
{
	exo_space_t id = who == 0 ? r->space : (exo_space_t)who;

	if (who > UINT32_MAX)
		return -XE_ESRCH;
	*out = space_find(r->s, id);
	if (*out)
		return 0;
	if (id != r->space && !change)
		return -XE_ESRCH;
	*out = space_get(r->s, id);
	return *out ? 0 : -XE_EAGAIN;
}

/* The entry of the space `who` names, if the server has one. */
static struct sspace *peek(struct sreq *r, uint64_t who)
{
	if (who > UINT32_MAX)
		return NULL;
	return space_find(r->s, who == 0 ? r->space : (exo_space_t)who);
}

static bool priority_valid(uint32_t policy, int64_t priority)
{
	if (policy == XSCHED_OTHER)
		return priority == 0;
	return priority >= SCHED_RT_MIN && priority <= SCHED_RT_MAX;
}

static uint32_t kernel_policy(uint32_t policy)
{
	return policy == XSCHED_FIFO ? EXO_SCHED_FIFO : policy == XSCHED_RR ? EXO_SCHED_RR : EXO_SCHED_OTHER;
}

/*
 * Make policy/priority/nice the parameters of `who`. The kernel applies them
 * first: a space it does not know is ESRCH (and an entry made for it goes).
 */
static int change(struct sreq *r, uint64_t who, uint32_t policy, int32_t priority, int32_t nice,
		  struct sspace **out)
{
	bool known = who == 0 || who == r->space || peek(r, who);
	struct sspace *e;
	uint32_t applied = 0;
	exo_err err;
	int res = target(r, who, true, &e);

	if (res < 0)
		return res;
	err = exo_space_sched(e->space, kernel_policy(policy), priority, nice, &applied);
	if (err == EXO_ENOPARTNER || (err != EXO_OK && !known)) {
		sched_space_exit(r->s, e->space); /* not a living space (or one we cannot check) */
		return -XE_ESRCH;
	}
	if (err != EXO_OK && err != EXO_EPERM)
		fprintf(stderr, "sched: space %u: the kernel refused the change: %s\n", e->space, exo_strerror(err));
	e->policy = policy;
	e->priority = priority;
	e->nice = nice;
	e->applied = err == EXO_OK ? applied : 0;
	*out = e;
	return 0;
}

static int do_yield(void *ctx)
{
	(void)ctx;
	return 0;
}

static int do_getparam(void *ctx, const struct sched_getparam_in *in, struct sched_getparam_out *out)
{
	struct sspace *e;
	int res = target(ctx, in->who, false, &e);

	if (res < 0)
		return res;
	out->priority = e->priority;
	return 0;
}

static int do_setparam(void *ctx, const struct sched_setparam_in *in, struct sched_setparam_out *out)
{
	struct sreq *r = ctx;
	struct sspace *e = peek(r, in->who);
	int res;

	if (in->who > UINT32_MAX)
		return -XE_ESRCH;
	if (!priority_valid(e ? e->policy : XSCHED_OTHER, in->priority))
		return -XE_EINVAL;
	res = change(r, in->who, e ? e->policy : XSCHED_OTHER, (int32_t)in->priority, e ? e->nice : 0, &e);
	if (res < 0)
		return res;
	out->applied = e->applied;
	return 0;
}

static int do_getscheduler(void *ctx, const struct sched_getscheduler_in *in, struct sched_getscheduler_out *out)
{
	struct sspace *e;
	int res = target(ctx, in->who, false, &e);

	if (res < 0)
		return res;
	out->policy = e->policy;
	return 0;
}

static int do_setscheduler(void *ctx, const struct sched_setscheduler_in *in, struct sched_setscheduler_out *out)
{
	struct sreq *r = ctx;
	struct sspace *e = peek(r, in->who);
	uint32_t old = e ? e->policy : XSCHED_OTHER;
	int res;

	if (in->policy >= XSCHED_COUNT || !priority_valid((uint32_t)in->policy, in->priority))
		return -XE_EINVAL;
	res = change(r, in->who, (uint32_t)in->policy, (int32_t)in->priority, e ? e->nice : 0, &e);
	if (res < 0)
		return res;
	out->old = old;
	out->applied = e->applied;
	return 0;
}

static int do_getpriority(void *ctx, const struct sched_getpriority_in *in, struct sched_getpriority_out *out)
{
	struct sspace *e;
	int res = target(ctx, in->who, false, &e);

	if (res < 0)
		return res;
	out->nice = e->nice;
	return 0;
}

static int do_setpriority(void *ctx, const struct sched_setpriority_in *in, struct sched_setpriority_out *out)
{
	struct sreq *r = ctx;
	int64_t nice = in->nice;
	struct sspace *e = peek(r, in->who);
	int res;

	if (nice < SCHED_NICE_MIN)
		nice = SCHED_NICE_MIN;
	if (nice > SCHED_NICE_MAX)
		nice = SCHED_NICE_MAX;
	res = change(r, in->who, e ? e->policy : XSCHED_OTHER, e ? e->priority : 0, (int32_t)nice, &e);
	if (res < 0)
		return res;
	out->applied = e->applied;
	return 0;
}

static int do_priority_range(void *ctx, const struct sched_priority_range_in *in,
			     struct sched_priority_range_out *out)
{
	(void)ctx;
	if (in->policy >= XSCHED_COUNT)
		return -XE_EINVAL;
	out->min = in->policy == XSCHED_OTHER ? 0 : SCHED_RT_MIN;
	out->max = in->policy == XSCHED_OTHER ? 0 : SCHED_RT_MAX;
	return 0;
}

static int do_rr_interval(void *ctx, const struct sched_rr_interval_in *in, struct sched_rr_interval_out *out)
{
	struct sspace *e;
	int res = target(ctx, in->who, false, &e);

	if (res < 0)
		return res;
	out->ns = e->policy == XSCHED_FIFO ? 0 : SCHED_RR_NS;
	return 0;
}

static int do_status(void *ctx, struct sched_status_out *out)
{
	struct sreq *r = ctx;

	out->spaces = r->s->nspaces;
	out->sleepers = r->s->sleepers.count;
	out->served = r->s->served;
	return 0;
}

/* One handler an operation; shapes are checked once, by sched_serve (protocols/sched.def). */
static const struct sched_handlers handlers = {
	.sleep = do_sleep,
	.yield = do_yield,
	.getparam = do_getparam,
	.setparam = do_setparam,
	.getscheduler = do_getscheduler,
	.setscheduler = do_setscheduler,
	.getpriority = do_getpriority,
	.setpriority = do_setpriority,
	.priority_range = do_priority_range,
	.rr_interval = do_rr_interval,
	.status = do_status,
};

void sched_dispatch(struct sreq *r)
{
	uint32_t label = exo_tag_label(r->m->tag);
	int res;

	r->s->served++;
	if (label == EXO_LABEL_CANCEL) {
		/* An interrupted SLEEP: main.c forgot the client's sleep before dispatch. */
		r->m->tag = exo_tag(0, 0, 0);
		return;
	}
	res = sched_serve(&handlers, r, r->m, r->from);
	r->deferred = res == EXO_PROTO_HELD;
	if (getenv("EXO_SCHED_TRACE"))
		fprintf(stderr, "sched: space %u thread %x %s -> %s%d\n", r->space, r->from,
			label < SCHED_OP_COUNT && sched_ops[label].name ? sched_ops[label].name : "?",
			res < 0 ? "error " : r->deferred ? "held " : "words ",
			res < 0 ? -res : (int)exo_tag_untyped(r->m->tag));
}
