/*
 * servers/proc/proc.h — the process server's state and the calls between
 * its files (see exo/proc.h and README.md).
 */
#ifndef EXO_SERVERS_PROC_H
#define EXO_SERVERS_PROC_H

#include <stdbool.h>
#include <stdint.h>

#include <exo/errno.h>
#include <exo/exo.h>
#include <exo/proc.h>
#include "proc_proto.h"
#include <exo/signal.h>

struct proc {
	bool used;
	int pid, ppid, pgid, sid;
	exo_space_t space;          /* EXO_NILSPACE once it ended (a zombie) */
	uint32_t ruid, euid, suid, rgid, egid, sgid;
	uint32_t groups[PROC_NGROUPS_MAX];
	unsigned ngroups;
	char state;                 /* 'R', 'T' stopped, 'Z' zombie */
	bool execed;                /* ran a new image since it was forked (setpgid: EACCES) */
	uint32_t wstatus;           /* a zombie's status */
	uint32_t report;            /* a stop or continue not yet reported to wait, or 0 */
	uint64_t utime, stime;      /* its own CPU time, once it ended */
	uint64_t cutime, cstime;    /* its waited-for children's */
	unsigned chld;              /* PCHLD_* */
	uint64_t it_deadline, it_interval; /* ITIMER_REAL in kernel clock ns; 0: disarmed */
	uint64_t rlim[PRL_COUNT][2];
	uint64_t start_ns;
	char comm[PROC_COMM_MAX + 1];
	/* A WAIT held back. */
	exo_tid_t waiter;
	int64_t wait_sel;
	unsigned wait_opt;
};

struct pserver {
	struct proc procs[PROC_MAX];
	int next_pid;
	int tty_sid, tty_pgrp;      /* the console's session and foreground group */
	exo_tid_t memory, vfs, console;
};

/* The server's state: one thread, so one of it (table.c). */
extern struct pserver S;

/* One request being served (the handlers' ctx): its message, sender and process. */
struct req {
	exo_msg_t *m;
	exo_tid_t from;
	struct proc *p;             /* NULL for TTYSIG (the console is no process) */
	bool deferred;              /* no answer now (WAIT): exo_reply sends it */
};

/* dispatch.c: a request to its handler (protocols/proc.def), the answer put in r->m. */
void proc_dispatch(struct req *r);

/*
 * The op_* handlers, one an operation, with the generated request and reply
 * structs (proc_proto.h): 0 (answered with *out), -XE_* or EXO_PROTO_HELD
 * (WAIT: the answer goes by exo_reply).
 */

/* table.c: the process table, and calls to the memory server and the VFS */
uint64_t now_ns(void);
struct proc *by_pid(int pid);
struct proc *by_space(exo_space_t s);
int count_procs(uint32_t ruid, bool by_uid);
bool group_exists(int pgid, int sid);
struct proc *proc_new(exo_space_t space);
struct proc *proc_adopt(exo_space_t space);
void proc_free(struct proc *p);
exo_tid_t server(exo_tid_t *cache, const char *name);
/* Transports of the memory_call_* and vfs_call_* stubs: -XE_ENOSYS when the server does not run. */
int memory_transport(exo_msg_t *m);
int vfs_transport(exo_msg_t *m);
void push_cred(struct proc *p);
int op_space(void *ctx, const struct proc_space_in *in, struct proc_space_out *out);
int op_init(void *ctx);

/* signal.c: who may signal whom */
void post(struct proc *to, int sig, int code, int from_pid, uint32_t from_uid, uint32_t status);
int do_kill(struct proc *from, int64_t pid, int sig);
int op_kill(void *ctx, const struct proc_kill_in *in);
int op_ttysig(void *ctx, const struct proc_ttysig_in *in);

/* wait.c: wait, and the ends, stops and continues of spaces (kernel notices) */
void wait_consume(struct proc *w, struct proc *c);
void space_exit(exo_space_t space, uint32_t wstatus, uint64_t utime, uint64_t stime);
void space_state(exo_space_t space, uint32_t wstatus);
int op_wait(void *ctx, const struct proc_wait_in *in, struct proc_wait_out *out);
int op_chld(void *ctx, const struct proc_chld_in *in);
int op_childtimes(void *ctx, struct proc_childtimes_out *out);

/* timer.c: interval timers */
exo_timeout_t timer_timeout(void);
void timers_fire(void);
int op_itimer(void *ctx, const struct proc_itimer_in *in, struct proc_itimer_out *out);
int op_getitimer(void *ctx, struct proc_getitimer_out *out);

/* session.c: process groups, sessions, the console's foreground group */
int op_setpgid(void *ctx, const struct proc_setpgid_in *in);
int op_setsid(void *ctx, struct proc_setsid_out *out);
int op_tcsetpgrp(void *ctx, const struct proc_tcsetpgrp_in *in);
int op_getpgid(void *ctx, const struct proc_getpgid_in *in, struct proc_getpgid_out *out);
int op_tcgetpgrp(void *ctx, struct proc_tcgetpgrp_out *out);

/* pid.c: fork, credentials, groups, the process list, resource limits */
int op_fork(void *ctx, const struct proc_fork_in *in, struct proc_fork_out *out);
int op_setids(void *ctx, const struct proc_setids_in *in);
int op_setgroups(void *ctx, const struct proc_setgroups_in *in);
int op_list(void *ctx, struct proc_list_out *out);
int op_ids(void *ctx, struct proc_ids_out *out);
int op_exec(void *ctx, const struct proc_exec_in *in);
int op_getgroups(void *ctx, struct proc_getgroups_out *out);
int op_rlimit(void *ctx, const struct proc_rlimit_in *in, struct proc_rlimit_out *out);


#endif
