/*
 * servers/sched/sched.h — the scheduler server's state: each space's
 * scheduling parameters, and the sleepers waiting for their deadlines.
 *
 * One thread; request state travels in struct sreq. A space's entry lives
 * from its first request (or the first change made to it) until the kernel
 * says the space ended. A sleeper lives until it is answered, its client
 * sends a new request (a thread has one call at a time, so the old one was
 * abandoned: its IPC was aborted), or its space ends.
 */
#ifndef EXO_SERVERS_SCHED_H
#define EXO_SERVERS_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include <exo/exo.h>
#include <exo/held.h>
#include "sched_proto.h"

struct sspace {
	exo_space_t space;
	uint32_t policy;         /* XSCHED_* */
	int32_t priority;        /* 0 for XSCHED_OTHER, else SCHED_RT_MIN..MAX */
	int32_t nice;            /* SCHED_NICE_MIN..MAX */
	uint32_t applied;        /* EXO_SCHED_APPLIED_* of the last change */
	struct sspace *next;
};

struct sleeper {
	struct exo_held held;    /* in sched.sleepers, sorted by deadline */
	uint64_t deadline;       /* exo_clock_ns, or SCHED_FOREVER */
};

struct sched {
	struct sspace *spaces;
	unsigned nspaces;
	struct exo_held_queue sleepers;
	uint64_t served;
};

struct sreq {
	struct sched *s;
	exo_msg_t *m;
	exo_tid_t from;
	exo_space_t space;       /* the caller's */
	bool deferred;           /* no reply now: the handler held it (SLEEP) */
};

/* ops.c */
void sched_dispatch(struct sreq *r);
void sched_space_exit(struct sched *s, exo_space_t space);

/* sleep.c */
int do_sleep(void *ctx, const struct sched_sleep_in *in, struct sched_sleep_out *out);
/* A client sent a new request: any sleep it left behind is abandoned. */
void sleep_forget_client(struct sched *s, exo_tid_t client);
void sleep_forget_space(struct sched *s, exo_space_t space);
/* Answer the sleepers whose deadline has passed. */
void sleep_settle(struct sched *s);
/* The receive timeout until the next deadline. */
exo_timeout_t sleep_timeout(const struct sched *s);

#endif
