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

#include <exo/ipc.h>
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

/*
 * The operations, their fields and their replies are declared once, in
 * protocols/sched.def; tools/protogen.py makes sched_proto.h from it (the
 * layouts, the server's dispatch, the client stubs, exotrace's names).
 * SET* replies say what the machine applied (EXO_SCHED_APPLIED_* of exo/ipc.h).
 */

#endif
