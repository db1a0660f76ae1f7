/*
 * tools/exotrace/decode.h — what exotrace knows about a trace beyond its
 * records: the protocols (operation names and word counts, taken from the
 * X-macro lists of the include/exo headers, the one declaration of each
 * protocol),
 * and a model of the traced system built event by event: which space and
 * label each thread has, which names it registered, and which calls are
 * waiting for their replies.
 */
#ifndef EXOTRACE_DECODE_H
#define EXOTRACE_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <stdbool.h>

#include <exo/proto.h>

#include "tracefile.h"

/* A protocol: a server name and its operations. */
struct proto {
	const char *server;       /* the name its server registers (VFS_NAME, ...) */
	const char *name;         /* short name for output: "vfs" */
	const struct exo_proto *desc; /* declared in protocols/: names, fields, the label's op bits */
};

/* The protocol of a server registered under name, or NULL. */
const struct proto *proto_by_server(const char *name);
/* "OPEN", or NULL when label names no operation of p. */
const char *proto_op(const struct proto *p, uint32_t label);
/* The other reply (not an errno) the call labelled call gives when its reply is labelled label, or NULL. */
const struct exo_proto_op *proto_other(const struct proto *p, uint32_t call, uint32_t label);
/* The XE_* errno name of a reply label ("ENOENT"), or NULL. */
const char *errno_name(uint32_t label);

/* A call waiting for its reply. */
struct tcall {
	Exotrace__Event *call;    /* owned */
	uint32_t server;          /* the callee's tid */
	const struct proto *proto;
};

struct tthread {
	uint32_t tid, space;
	char name[32];            /* a registered name, or "" */
	struct tcall pending;     /* pending.call != NULL while a call waits */
	uint64_t calls, busy_ns;  /* as a client: calls made, time waiting for replies */
	struct tthread *next;
};

struct tspace {
	uint32_t id;
	char label[40];
	struct tspace *next;
};

#define TM_HASH 1024

struct tmodel {
	struct tthread *threads[TM_HASH];
	struct tspace *spaces[TM_HASH];
};

void tm_init(struct tmodel *m);
void tm_fini(struct tmodel *m);
struct tthread *tm_thread(struct tmodel *m, uint32_t tid, bool create);
struct tspace *tm_space(struct tmodel *m, uint32_t id, bool create);
/* Learn from an event: births, labels, names. Every event goes through here. */
void tm_learn(struct tmodel *m, const Exotrace__Event *e);
/* "files(4.5)" or the registered name; into buf. */
const char *tm_who(struct tmodel *m, uint32_t tid, uint32_t space, char *buf, size_t n);
/* The protocol of the server thread tid, by the name it registered. */
const struct proto *tm_proto(struct tmodel *m, uint32_t tid);

/*
 * Pairing: a CALL or FAULT starts a pending call of its sender; the next
 * message from the callee to that sender ends it. tm_pair returns the call a
 * reply answers (the caller frees it with tf_event_free) or NULL; a CALL is
 * kept by the model (do not free it, tm_pair takes it).
 */
Exotrace__Event *tm_pair(struct tmodel *m, Exotrace__Event *e, bool *kept);

/* Print a string item's bytes as a quoted C string, at most max bytes. */
void put_quoted(FILE *f, const uint8_t *p, size_t len, size_t full, size_t max);

/* A register: small values in decimal, others in hex. */
void put_word(FILE *f, uint64_t w);
/* The first nregs registers and every item of e: `1, 0x41; "path"`. */
void put_body(FILE *f, const Exotrace__Event *e, size_t nregs);
/*
 * A request's (reply false) or a reply's (reply true) words by field name,
 * "who=0, policy=FIFO, priority=10", when p declares its fields and e has
 * the words they need; else put_body. op is the request's operation.
 */
void put_fields(FILE *f, const struct proto *p, uint32_t call, bool reply, const Exotrace__Event *e);

#endif
