/*
 * exo/proto.h — what every protocol made by tools/protogen.py shares: the
 * description of its operations (for the dispatcher's checks and for
 * exotrace), the one check of a request's shape, and the transport a
 * client gives the generated stubs. docs/protocols.md tells how to declare
 * a protocol and use what is made from it.
 */
#ifndef EXO_PROTO_H
#define EXO_PROTO_H

#include <stdint.h>

#include <exo/msg.h>

/* A field's kind: how exotrace prints it (each word of it a 64-bit register). */
enum exo_proto_kind {
	EXO_PF_U64 = 0,
	EXO_PF_I64,
	EXO_PF_SPACE,            /* a space id (0: the caller's own) */
	EXO_PF_MODE,             /* a file mode or permission bits (printed in octal) */
	EXO_PF_ENUM,             /* one of names */
	EXO_PF_FLAGS,            /* an OR of names */
	EXO_PF_STRING,           /* a string item (no register of its own) */
	EXO_PF_LABEL,            /* bits of the request's label (shift, mask), no register */
};

struct exo_proto_name {
	uint64_t value;
	const char *name;
};

struct exo_proto_field {
	const char *name;
	uint8_t kind;            /* enum exo_proto_kind */
	uint8_t nnames;
	const struct exo_proto_name *names;
	uint8_t words;           /* registers it takes: 1, N for u64[N], 0 for a string or label bits */
	uint8_t shift;           /* EXO_PF_LABEL: (label >> shift) & mask */
	uint32_t mask;
};

struct exo_proto_op {
	const char *name;        /* NULL: no operation has this number */
	uint8_t nin, nout;       /* untyped words of the request and of the reply */
	uint8_t held;            /* the server may hold the answer back */
	const struct exo_proto_field *in, *out;
	uint8_t nfin, nfout;     /* fields of the request and of the reply */
	uint8_t nstr, nstr_opt;  /* string items the request must carry, and may carry besides */
	uint8_t nstr_out;        /* string items every reply carries */
	uint8_t nstr_out_opt;    /* ... and the string a reply may leave out */
	uint32_t label;          /* request label bits the fields carry (EXO_PF_LABEL) */
	const struct exo_proto_op *other; /* another reply it may give (its label in .label), or NULL */
};

struct exo_proto {
	const char *name;        /* "sched" */
	uint32_t count;          /* operations are numbered 1 .. count - 1 */
	const struct exo_proto_op *ops;
	uint32_t opmask;         /* the label bits naming the operation (0: all of them) */
};

/*
 * A handler's result that sends no answer now: the server holds the
 * request and answers it later (exo_reply).
 */
#define EXO_PROTO_HELD 1
/*
 * A handler's result, and a stub's: the answer is the operation's other
 * reply (`reply=NAME` in the declaration), not its own.
 */
#define EXO_PROTO_OTHER 2

/*
 * The shape of request m from thread `from`, checked in one place for every
 * protocol: its operation number when the label names an operation of p
 * (in the bits of p->opmask; the other bits only those its label fields
 * declare) and the message carries exactly the words it declares and, as items, the
 * strings it declares (an optional one may be left out) and nothing else;
 * -XE_ENOSYS for a label that names none; -XE_EINVAL for a malformed one
 * (logged on stderr with the sender's thread and space).
 */
int exo_proto_check(const struct exo_proto *p, const exo_msg_t *m, exo_tid_t from);

/*
 * A client's transport for the generated stubs: m holds the request (label,
 * words); send it and wait, leaving the reply in m. 0 when the reply's label
 * is 0, else -XE_* (the reply's errno, or the transport's own failure).
 */
typedef int (*exo_proto_call_fn)(exo_msg_t *m);

#endif
