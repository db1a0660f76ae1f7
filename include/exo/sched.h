/*
 * exo/sched.h — the scheduler server's protocol: scheduling policy and
 * priority per space, sleeping, yielding.
 *
 * The scheduler ("sched") keeps, for each space (process), a policy, a
 * real-time priority and a nice value, and hands them to the kernel
 * (exo_space_sched) so the machine applies them. It also owns sleeping: a
 * SLEEP request is answered when its deadline has passed (a deferred reply:
 * other clients go on meanwhile). A request is a call labelled SCHED_<OP>;
 * the reply's label is 0 on success or an XE_* errno (exo/errno.h).
 *
 * "who" is a space id, 0 meaning the caller's own space. Policies, limits
 * and the sleep clock on the wire are Exo's own (below); libposix
 * translates the C library's SCHED_* values.
 */
#ifndef EXO_SCHED_H
#define EXO_SCHED_H

#include <exo/msg.h>

#define SCHED_NAME "sched"

/* Policies on the wire. */
#define XSCHED_OTHER 0u          /* time sharing: priority 0, nice NICE_MIN..NICE_MAX */
#define XSCHED_FIFO 1u           /* real time, run until blocked: priority RT_MIN..RT_MAX */
#define XSCHED_RR 2u             /* real time, round robin of SCHED_RR_NS slices */
#define XSCHED_COUNT 3u

#define SCHED_NICE_MIN (-20)
#define SCHED_NICE_MAX 19
#define SCHED_RT_MIN 1
#define SCHED_RT_MAX 99
#define SCHED_RR_NS 100000000ull /* the round-robin slice the server states: 100 ms */

/*
 * SLEEP deadlines are on the kernel's monotonic clock (exo_clock_ns). One at
 * or past SCHED_DEADLINE_MAX (about 292 years after boot) is EINVAL, except
 * SCHED_FOREVER: answered never (the caller waits until its IPC is aborted).
 */
#define SCHED_DEADLINE_MAX (1ull << 63)
#define SCHED_FOREVER UINT64_MAX

/* SET* replies: what the machine applied (EXO_SCHED_APPLIED_* of exo/ipc.h). */

/*
 * The operations: X(name, number, in-words, out-words). Signed values
 * (nice) travel as two's complement in a 64-bit word.
 */
#define SCHED_OPS(X)                                                                      \
	/* in: deadline (ns, exo_clock_ns). out: the clock when answered. Deferred. */   \
	X(SLEEP, 1, 1, 1)                                                                  \
	/* answered at once; the caller then gives up its CPU to the host */             \
	X(YIELD, 2, 0, 0)                                                                  \
	/* in: who. out: priority */                                                     \
	X(GETPARAM, 3, 1, 1)                                                               \
	/* in: who, priority. out: applied */                                            \
	X(SETPARAM, 4, 2, 1)                                                               \
	/* in: who. out: policy */                                                       \
	X(GETSCHEDULER, 5, 1, 1)                                                           \
	/* in: who, policy, priority. out: the former policy, applied */                 \
	X(SETSCHEDULER, 6, 3, 2)                                                           \
	/* in: who. out: nice */                                                         \
	X(GETPRIORITY, 7, 1, 1)                                                            \
	/* in: who, nice (clamped to NICE_MIN..NICE_MAX). out: applied */                \
	X(SETPRIORITY, 8, 2, 1)                                                            \
	/* in: policy. out: lowest priority, highest priority */                         \
	X(PRIORITY_RANGE, 9, 1, 2)                                                         \
	/* in: who. out: the round-robin slice in ns (0: not round robin) */             \
	X(RR_INTERVAL, 10, 1, 1)                                                           \
	/* out: spaces with state, sleepers waiting, requests served */                  \
	X(STATUS, 11, 0, 3)

enum sched_op {
#define SCHED_ENUM(name, num, in, out) SCHED_##name = num,
	SCHED_OPS(SCHED_ENUM)
#undef SCHED_ENUM
	SCHED_OP_COUNT
};

/* Untyped words each request must carry, from the declaration above. */
static const unsigned char sched_op_in[SCHED_OP_COUNT] = {
#define SCHED_IN(name, num, in, out) [SCHED_##name] = in,
	SCHED_OPS(SCHED_IN)
#undef SCHED_IN
};

/* The operation names, for traces and logs. */
static const char *const sched_op_name[SCHED_OP_COUNT] = {
#define SCHED_NM(name, num, in, out) [SCHED_##name] = #name,
	SCHED_OPS(SCHED_NM)
#undef SCHED_NM
};

#endif
