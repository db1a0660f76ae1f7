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
 *  name        num  in (words)                         out (words)
 */
#define PROC_OPS(X)                                                                          \
	/* -> pid, ppid, pgid, sid, ruid, euid, suid, rgid, egid, sgid */                     \
	X(IDS, 1, 0, 10)                                                                     \
	/* child space (just forked by the caller), address, length of the message the */  \
	/* caller waits in (0, 0: none; MEM_FORK keeps it the caller's) -> child pid */      \
	X(FORK, 2, 3, 1)                                                                     \
	/* string: the program's name; -> 0 (the caller runs a new image) */                 \
	X(EXEC, 3, 0, 0)                                                                     \
	/* pid selector (int64: >0, -1, 0, < -1), PW_* -> pid, status, utime, stime */       \
	X(WAIT, 4, 2, 4)                                                                     \
	/* pid (int64: >0 one, 0 own group, -1 all, < -1 group), signal (0: check) */        \
	X(KILL, 5, 2, 0)                                                                     \
	/* pid (0: self), pgid (0: = pid) */                                                 \
	X(SETPGID, 6, 2, 0)                                                                  \
	/* -> new sid */                                                                     \
	X(SETSID, 7, 0, 1)                                                                   \
	/* pid (0: self) -> pgid, sid */                                                     \
	X(GETPGID, 8, 1, 2)                                                                  \
	/* PID_UID|PID_GID, real, effective, saved (PID_KEEP: unchanged) */                  \
	X(SETIDS, 9, 4, 0)                                                                   \
	/* -> count; string: the supplementary gids (uint32) */                              \
	X(GETGROUPS, 10, 0, 1)                                                               \
	/* count; string: gids */                                                            \
	X(SETGROUPS, 11, 1, 0)                                                               \
	/* -> count; string: struct proc_info[] */                                           \
	X(LIST, 12, 0, 1)                                                                    \
	/* value ns (0: disarm), interval ns -> old value, old interval (ITIMER_REAL) */     \
	X(ITIMER, 13, 2, 2)                                                                  \
	/* -> remaining value, interval */                                                   \
	X(GETITIMER, 14, 0, 2)                                                               \
	/* pgid: the console's foreground group */                                           \
	X(TCSETPGRP, 15, 1, 0)                                                               \
	/* -> pgid, sid of the console's session */                                          \
	X(TCGETPGRP, 16, 0, 2)                                                               \
	/* signal: the console server, for ^C ^\ ^Z: to the foreground group */              \
	X(TTYSIG, 17, 1, 0)                                                                  \
	/* PCHLD_* */                                                                        \
	X(CHLD, 18, 1, 0)                                                                    \
	/* resource, set (0/1), cur, max -> cur, max */                                      \
	X(RLIMIT, 19, 4, 2)                                                                  \
	/* pid -> space (for servers that key by space: sched) */                            \
	X(SPACE, 20, 1, 1)                                                                   \
	/* -> 0: the caller becomes init (pid 1) if there is none and it has no children */  \
	X(INIT, 21, 0, 0)                                                                    \
	/* -> user ns, system ns of the children waited for (and theirs, recursively) */     \
	X(CHILDTIMES, 22, 0, 2)

enum proc_op {
#define PROC_ENUM(name, num, in, out) PROC_##name = num,
	PROC_OPS(PROC_ENUM)
#undef PROC_ENUM
	PROC_OP_COUNT
};

static const unsigned char proc_op_in[PROC_OP_COUNT] = {
#define PROC_IN(name, num, in, out) [PROC_##name] = in,
	PROC_OPS(PROC_IN)
#undef PROC_IN
};

#endif
