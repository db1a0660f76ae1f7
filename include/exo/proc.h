/*
 * exo/proc.h — the process server's protocol: process ids, families,
 * groups and sessions, credentials, fork/exec/wait, kill, interval timers
 * and the console's foreground group.
 *
 * The process server ("proc") knows every space that made a request to it
 * as a process. A space it has not seen becomes a process on its first
 * request: its parent is init (pid 1) when there is one, else none, and it
 * leads a new session and group. A request is a call labelled PROC_<OP>;
 * the reply's label is 0 or an XE_* errno (exo/errno.h). WAIT may be held
 * back (a deferred reply); EXO_LABEL_CANCEL (exo/ipc.h) drops it.
 *
 * Wait statuses and signal numbers are exo/signal.h's.
 */
#ifndef EXO_PROC_H
#define EXO_PROC_H

#include <stdint.h>

#include <exo/msg.h>

#define PROC_NAME "proc"
#define PROC_MAX 512            /* processes in the system: fork fails with EAGAIN past it */
#define PROC_NPROC_DEFAULT 256  /* RLIMIT_NPROC of a new process, per real uid */
#define PROC_NGROUPS_MAX 32
#define PROC_COMM_MAX 31

/* WAIT options (the traditional values). */
#define PW_NOHANG 1u
#define PW_UNTRACED 2u
#define PW_CONTINUED 8u

/* SETIDS: which ids; PID_KEEP leaves one as it is. */
enum { PID_UID, PID_GID };
#define PID_KEEP 0xffffffffu

/* CHLD flags: what the process does with SIGCHLD (from its sigaction). */
#define PCHLD_NOCLDSTOP 1u  /* no SIGCHLD when a child stops or continues */
#define PCHLD_NOCLDWAIT 2u  /* children leave no zombies (also SIG_IGN) */

/* RLIMIT resources the process server keeps. */
enum { PRL_NPROC, PRL_NOFILE, PRL_COUNT };
#define PRL_INFINITY 0xffffffffffffffffull

/* A LIST entry (string item of these). */
struct proc_info {
	int32_t pid, ppid, pgid, sid;
	uint32_t uid, euid;
	uint32_t space;
	char state;                 /* R running, T stopped, Z zombie */
	char pad[3];
	uint64_t start_ns;          /* exo clock at its birth */
	char comm[PROC_COMM_MAX + 1];
};

/*
 * The operations, their numbers and their registers are declared once, in
 * protocols/proc.def: proc_proto.h (generated) has enum proc_op
 * (PROC_IDS...), the layouts, the dispatch check and the client stubs.
 * Include it to speak the protocol. A request of another shape than
 * declared is EINVAL, an unknown label ENOSYS (exo_proto_check).
 */

#endif
