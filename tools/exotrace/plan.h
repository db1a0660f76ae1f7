/*
 * tools/exotrace/plan.h — what a replay plays: the calls one server
 * received in a trace, each with the reply it gave, and the kernel notices
 * of ended client spaces it got between them (plan.c; played by agent.c).
 */
#ifndef EXOTRACE_PLAN_H
#define EXOTRACE_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode.h"

struct rp_call {
	Exotrace__Event *call;       /* the request as delivered */
	Exotrace__Event *reply;      /* the reply, or NULL (none recorded) */
	uint32_t client;             /* the recorded calling thread */
	char client_name[32];        /* the name it had registered, or "" */
	unsigned number;             /* 1, 2, ... in the order the server received them */
};

struct rp_exit {
	uint64_t time_ns;
	uint32_t space;              /* a recorded client space that ended */
};

struct rp_plan {
	char server[32];
	const struct proto *proto;
	Exotrace__Header *header;    /* owned */
	struct rp_call *calls;
	size_t ncalls;
	struct rp_exit *exits;
	size_t nexits;
	struct tmodel *model;        /* the recording's threads and spaces, at its end */
};

/* Load every call to the server registered as `server`. 0, or -1 with err set. */
int rp_load(struct rp_plan *p, const char *path, const char *server, char *err, size_t errlen);
void rp_free(struct rp_plan *p);

/*
 * Registers of a request that hold space ids (the replay maps recorded
 * spaces to its own): a bit mask of mr[] indexes, 0 for none.
 */
uint64_t rp_space_words(const struct proto *p, uint32_t label);

#endif
