/*
 * servers/proc/proc.h — the process server's state (see exo/proc.h).
 */
#ifndef EXO_SERVERS_PROC_H
#define EXO_SERVERS_PROC_H

#include <stdbool.h>
#include <stdint.h>

#include <exo/errno.h>
#include <exo/exo.h>
#include <exo/proc.h>
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

#endif
