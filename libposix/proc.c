/*
 * libposix/proc.c — processes: ids, groups and sessions, credentials,
 * fork, wait, kill, resource limits; through the process server (exo/proc.h).
 *
 * fork is exo_space_fork: before the child runs, the process server makes
 * it a process and has the memory server and the VFS copy the parent's
 * memory (copy-on-write) and descriptors into it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <exo/errno.h>
#include <exo/proc.h>
#include "proc_proto.h"
#include <exo/signal.h>

#include "px.h"

static exo_tid_t proc_tid;
static pid_t my_pid;

int px_proc_call(uint32_t label, unsigned n, const uint64_t *in, const void *data, size_t len,
		 void *rbuf, size_t rcap, exo_msg_t *m)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		unsigned idx = n;
		exo_err err;
		int old;

		if (proc_tid == EXO_NILTHREAD &&
		    exo_lookup(PROC_NAME, &proc_tid, exo_timeout_ms(2000)) != EXO_OK)
			return -XE_ENOSYS;
		memset(m, 0, sizeof(*m));
		if (n)
			memcpy(m->mr, in, n * sizeof(uint64_t));
		if (data)
			idx = exo_msg_put_string(m, idx, data, (uint32_t)len);
		m->tag = exo_tag(label, n, idx - n);
		if (rbuf)
			exo_msg_accept_string(m, rbuf, (uint32_t)rcap);
		/* Only WAIT waits in the server; a signal must not cut any other call short. */
		old = label == PROC_WAIT ? -1 : px_intr(PX_INTR_NONE);
		err = exo_call(proc_tid, m, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER);
		if (old >= 0)
			px_intr(old);
		if (err == EXO_OK)
			return -(int)exo_tag_label(m->tag);
		if (err == EXO_ECANCELED) {
			px_cancel(proc_tid);
			return -XE_EINTR;
		}
		if (err != EXO_ENOPARTNER && err != EXO_EDEAD)
			return -XE_EIO;
		proc_tid = EXO_NILTHREAD;
	}
	return -XE_ENOSYS;
}

static int ids(uint64_t out[10])
{
	exo_msg_t m;
	int r = px_proc_call(PROC_IDS, 0, NULL, NULL, 0, NULL, 0, &m);

	if (r == 0)
		memcpy(out, m.mr, 10 * sizeof(uint64_t));
	return r;
}

static uint64_t id_word(int i)
{
	uint64_t w[10];

	return ids(w) == 0 ? w[i] : 0;
}

void px_forked_child(void)
{
	my_pid = 0;
}

pid_t getpid(void)
{
	if (my_pid == 0)
		my_pid = (pid_t)id_word(0);
	return my_pid;
}

pid_t getppid(void) { return (pid_t)id_word(1); }
pid_t getpgrp(void) { return (pid_t)id_word(2); }
uid_t getuid(void) { return (uid_t)id_word(4); }
uid_t geteuid(void) { return (uid_t)id_word(5); }
gid_t getgid(void) { return (gid_t)id_word(7); }
gid_t getegid(void) { return (gid_t)id_word(8); }

int getresuid(uid_t *r, uid_t *e, uid_t *s)
{
	uint64_t w[10] = { 0 };
	int x = ids(w);

	if (x < 0)
		return px_fail(x);
	*r = (uid_t)w[4], *e = (uid_t)w[5], *s = (uid_t)w[6];
	return 0;
}

int getresgid(gid_t *r, gid_t *e, gid_t *s)
{
	uint64_t w[10] = { 0 };
	int x = ids(w);

	if (x < 0)
		return px_fail(x);
	*r = (gid_t)w[7], *e = (gid_t)w[8], *s = (gid_t)w[9];
	return 0;
}

static int getpg(pid_t pid, int which)
{
	uint64_t in = (uint64_t)(int64_t)pid;
	exo_msg_t m;
	int r;

	if (pid < 0)
		return px_fail(-XE_ESRCH);
	r = px_proc_call(PROC_GETPGID, 1, &in, NULL, 0, NULL, 0, &m);
	return r < 0 ? px_fail(r) : (int)m.mr[which];
}

pid_t getpgid(pid_t pid) { return getpg(pid, 0); }
pid_t getsid(pid_t pid) { return getpg(pid, 1); }

int setpgid(pid_t pid, pid_t pgid)
{
	uint64_t in[2] = { (uint64_t)(int64_t)pid, (uint64_t)(int64_t)pgid };
	exo_msg_t m;
	int r;

	if (pid < 0 || pgid < 0)
		return px_fail(-XE_EINVAL);
	r = px_proc_call(PROC_SETPGID, 2, in, NULL, 0, NULL, 0, &m);
	return r < 0 ? px_fail(r) : 0;
}

int setpgrp(void)
{
	return setpgid(0, 0);
}

pid_t setsid(void)
{
	exo_msg_t m;
	int r = px_proc_call(PROC_SETSID, 0, NULL, NULL, 0, NULL, 0, &m);

	return r < 0 ? px_fail(r) : (pid_t)m.mr[0];
}

/* The set*id family: real, effective, saved (PID_KEEP for unchanged). */
static int setids(unsigned which, uint64_t r, uint64_t e, uint64_t s)
{
	uint64_t in[4] = { which, r, e, s };
	exo_msg_t m;
	int x = px_proc_call(PROC_SETIDS, 4, in, NULL, 0, NULL, 0, &m);

	return x < 0 ? px_fail(x) : 0;
}

static uint64_t keep(unsigned id)
{
	return id == (unsigned)-1 ? PID_KEEP : id;
}

int setuid(uid_t uid)
{
	/* The superuser sets all three; anyone else only the effective id. */
	if (geteuid() == 0)
		return setids(PID_UID, uid, uid, uid);
	return setids(PID_UID, PID_KEEP, uid, PID_KEEP);
}

int setgid(gid_t gid)
{
	if (geteuid() == 0)
		return setids(PID_GID, gid, gid, gid);
	return setids(PID_GID, PID_KEEP, gid, PID_KEEP);
}

int seteuid(uid_t uid)
{
	return uid == (uid_t)-1 ? px_fail(-XE_EINVAL) : setids(PID_UID, PID_KEEP, uid, PID_KEEP);
}

int setegid(gid_t gid)
{
	return gid == (gid_t)-1 ? px_fail(-XE_EINVAL) : setids(PID_GID, PID_KEEP, gid, PID_KEEP);
}

int setreuid(uid_t r, uid_t e) { return setids(PID_UID, keep(r), keep(e), PID_KEEP); }
int setregid(gid_t r, gid_t e) { return setids(PID_GID, keep(r), keep(e), PID_KEEP); }
int setresuid(uid_t r, uid_t e, uid_t s) { return setids(PID_UID, keep(r), keep(e), keep(s)); }
int setresgid(gid_t r, gid_t e, gid_t s) { return setids(PID_GID, keep(r), keep(e), keep(s)); }

int getgroups(int size, gid_t list[])
{
	uint32_t g[PROC_NGROUPS_MAX];
	exo_msg_t m;
	int r = px_proc_call(PROC_GETGROUPS, 0, NULL, NULL, 0, g, sizeof(g), &m);
	int n;

	if (r < 0)
		return px_fail(r);
	n = (int)m.mr[0];
	if (size < 0 || (size > 0 && size < n))
		return px_fail(-XE_EINVAL);
	for (int i = 0; size > 0 && i < n; i++)
		list[i] = g[i];
	return n;
}

int setgroups(size_t size, const gid_t *list)
{
	uint32_t g[PROC_NGROUPS_MAX];
	uint64_t n = size;
	exo_msg_t m;
	int r;

	if (size > PROC_NGROUPS_MAX)
		return px_fail(-XE_EINVAL);
	for (size_t i = 0; i < size; i++)
		g[i] = list[i];
	r = px_proc_call(PROC_SETGROUPS, 1, &n, g, size * sizeof(uint32_t), NULL, 0, &m);
	return r < 0 ? px_fail(r) : 0;
}

/* ---- fork and wait ---- */

struct fork_ctx {
	pid_t pid;
	int err;
};

static exo_err fork_prep(exo_space_t child, void *arg)
{
	struct fork_ctx *f = arg;
	exo_msg_t m;
	/* The reply lands in m: the memory server keeps its pages ours, not copy-on-write. */
	uint64_t in[3] = { child, (uint64_t)(uintptr_t)&m, sizeof(m) };

	f->err = px_proc_call(PROC_FORK, 3, in, NULL, 0, NULL, 0, &m);
	if (f->err < 0)
		return EXO_ENOMEM;
	f->pid = (pid_t)m.mr[0];
	return EXO_OK;
}

pid_t fork(void)
{
	struct fork_ctx f = { 0, 0 };
	exo_space_t child;
	exo_err err = exo_space_fork(&child, fork_prep, &f);

	if (err != EXO_OK)
		return px_fail(f.err < 0 ? f.err : -XE_EAGAIN);
	if (child == EXO_NILSPACE) {
		px_forked_child();
		return 0;
	}
	return f.pid;
}

pid_t vfork(void)
{
	/* Exo's fork is copy-on-write: vfork is fork (POSIX allows it). */
	return fork();
}

int px_wstatus(uint32_t x)
{
	int sig;

	if (x == EXO_W_CONTINUED)
		return 0xffff;
	if ((x & 0xff) == 0x7f) {
		sig = px_sig_from_exo((int)((x >> 8) & 0xff));
		return (sig << 8) | 0x7f;
	}
	if ((x & 0x7f) != 0) {
		sig = px_sig_from_exo((int)(x & 0x7f));
		return sig | (int)(x & 0x80);
	}
	return (int)(x & 0xff00);
}

pid_t wait4(pid_t pid, int *status, int options, struct rusage *ru)
{
	uint64_t in[2] = { (uint64_t)(int64_t)pid, 0 };
	exo_msg_t m;
	int r;

	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED))
		return px_fail(-XE_EINVAL);
	if (pid == INT32_MIN)
		return px_fail(-XE_ESRCH);
	in[1] = (options & WNOHANG ? PW_NOHANG : 0) | (options & WUNTRACED ? PW_UNTRACED : 0) |
		(options & WCONTINUED ? PW_CONTINUED : 0);
	r = px_proc_call(PROC_WAIT, 2, in, NULL, 0, NULL, 0, &m);
	if (r < 0)
		return px_fail(r);
	if (m.mr[0] != 0 && status)
		*status = px_wstatus((uint32_t)m.mr[1]);
	if (ru) {
		memset(ru, 0, sizeof(*ru));
		ru->ru_utime.tv_sec = (time_t)(m.mr[2] / 1000000000u);
		ru->ru_utime.tv_usec = (suseconds_t)(m.mr[2] % 1000000000u / 1000u);
		ru->ru_stime.tv_sec = (time_t)(m.mr[3] / 1000000000u);
		ru->ru_stime.tv_usec = (suseconds_t)(m.mr[3] % 1000000000u / 1000u);
	}
	return (pid_t)m.mr[0];
}

pid_t waitpid(pid_t pid, int *status, int options)
{
	return wait4(pid, status, options, NULL);
}

pid_t wait(int *status)
{
	return wait4(-1, status, 0, NULL);
}

pid_t wait3(int *status, int options, struct rusage *ru)
{
	return wait4(-1, status, options, ru);
}

/* ---- kill ---- */

int kill(pid_t pid, int sig)
{
	uint64_t in[2] = { (uint64_t)(int64_t)pid, 0 };
	exo_msg_t m;
	int r, x = sig == 0 ? 0 : px_sig_to_exo(sig);

	if (sig != 0 && x == 0)
		return px_fail(-XE_EINVAL);
	in[1] = (uint64_t)x;
	r = px_proc_call(PROC_KILL, 2, in, NULL, 0, NULL, 0, &m);
	return r < 0 ? px_fail(r) : 0;
}

int killpg(pid_t pgrp, int sig)
{
	if (pgrp < 0)
		return px_fail(-XE_EINVAL);
	return kill(-pgrp, sig);
}

/* ---- limits ---- */

static int rlimit_call(int res, int set, struct rlimit *rl)
{
	uint64_t in[4] = { 0, (uint64_t)set, 0, 0 };
	exo_msg_t m;
	int r;

	switch (res) {
	case RLIMIT_NPROC: in[0] = PRL_NPROC; break;
	case RLIMIT_NOFILE: in[0] = PRL_NOFILE; break;
	default: return -XE_EINVAL;
	}
	if (set) {
		in[2] = rl->rlim_cur == RLIM_INFINITY ? PRL_INFINITY : rl->rlim_cur;
		in[3] = rl->rlim_max == RLIM_INFINITY ? PRL_INFINITY : rl->rlim_max;
	}
	r = px_proc_call(PROC_RLIMIT, 4, in, NULL, 0, NULL, 0, &m);
	if (r < 0)
		return r;
	rl->rlim_cur = m.mr[0] == PRL_INFINITY ? RLIM_INFINITY : m.mr[0];
	rl->rlim_max = m.mr[1] == PRL_INFINITY ? RLIM_INFINITY : m.mr[1];
	return 0;
}

/* With 64-bit file offsets the headers name these getrlimit64: define both. */
int px_getrlimit(int res, struct rlimit *rl) __asm__("getrlimit");
int px_getrlimit64(int res, struct rlimit *rl) __asm__("getrlimit64");
int px_setrlimit(int res, const struct rlimit *rl) __asm__("setrlimit");
int px_setrlimit64(int res, const struct rlimit *rl) __asm__("setrlimit64");

/*
 * A sanitizer runtime asks for RLIMIT_CORE and RLIMIT_STACK while it starts,
 * before instrumented code may run: those two answer without instrumentation
 * and without the process server. Exo writes no core files; the stack of a
 * program on the sim is its host thread's (the usual 8 MiB).
 */
__attribute__((no_sanitize("address", "undefined"))) static int fixed_limit(int res, struct rlimit *rl)
{
	if (res == RLIMIT_CORE) {
		rl->rlim_cur = rl->rlim_max = 0;
		return 1;
	}
	if (res == RLIMIT_STACK) {
		rl->rlim_cur = 8u << 20;
		rl->rlim_max = RLIM_INFINITY;
		return 1;
	}
	return 0;
}

__attribute__((no_sanitize("address", "undefined"))) int px_getrlimit(int res, struct rlimit *rl)
{
	int r;

	if (rl && fixed_limit(res, rl))
		return 0;
	if (!rl)
		return px_fail(-XE_EFAULT);
	r = rlimit_call(res, 0, rl);
	return r < 0 ? px_fail(r) : 0;
}

__attribute__((no_sanitize("address", "undefined"))) int px_getrlimit64(int res, struct rlimit *rl)
{
	return px_getrlimit(res, rl);
}

__attribute__((no_sanitize("address", "undefined"))) int px_setrlimit(int res, const struct rlimit *rl)
{
	struct rlimit c, f;
	int r;

	if (rl && fixed_limit(res, &f))
		/* Lowering to what it is, or below, is allowed; raising is not. */
		return rl->rlim_cur <= f.rlim_cur && rl->rlim_max <= f.rlim_max ? 0 : px_fail(-XE_EPERM);
	if (!rl)
		return px_fail(-XE_EFAULT);
	c = *rl;
	r = rlimit_call(res, 1, &c);
	return r < 0 ? px_fail(r) : 0;
}

__attribute__((no_sanitize("address", "undefined"))) int px_setrlimit64(int res, const struct rlimit *rl)
{
	return px_setrlimit(res, rl);
}
