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

static pid_t my_pid;

/* The caller's ids; all 0 without a process server. */
static struct proc_ids_out ids(void)
{
	struct proc_ids_out out;

	if (proc_call_ids(px_proc, &out) < 0)
		memset(&out, 0, sizeof(out));
	return out;
}

void px_forked_child(void)
{
	my_pid = 0;
}

pid_t getpid(void)
{
	if (my_pid == 0)
		my_pid = (pid_t)ids().pid;
	return my_pid;
}

pid_t getppid(void) { return (pid_t)ids().ppid; }
pid_t getpgrp(void) { return (pid_t)ids().pgid; }
uid_t getuid(void) { return (uid_t)ids().ruid; }
uid_t geteuid(void) { return (uid_t)ids().euid; }
gid_t getgid(void) { return (gid_t)ids().rgid; }
gid_t getegid(void) { return (gid_t)ids().egid; }

int getresuid(uid_t *r, uid_t *e, uid_t *s)
{
	struct proc_ids_out w;
	int x = proc_call_ids(px_proc, &w);

	if (x < 0)
		return px_fail(x);
	*r = (uid_t)w.ruid, *e = (uid_t)w.euid, *s = (uid_t)w.suid;
	return 0;
}

int getresgid(gid_t *r, gid_t *e, gid_t *s)
{
	struct proc_ids_out w;
	int x = proc_call_ids(px_proc, &w);

	if (x < 0)
		return px_fail(x);
	*r = (gid_t)w.rgid, *e = (gid_t)w.egid, *s = (gid_t)w.sgid;
	return 0;
}

static int getpg(pid_t pid, int sid)
{
	struct proc_getpgid_in in = { .pid = pid };
	struct proc_getpgid_out out;
	int r;

	if (pid < 0)
		return px_fail(-XE_ESRCH);
	r = proc_call_getpgid(px_proc, &in, &out);
	return r < 0 ? px_fail(r) : (int)(sid ? out.sid : out.pgid);
}

pid_t getpgid(pid_t pid) { return getpg(pid, 0); }
pid_t getsid(pid_t pid) { return getpg(pid, 1); }

int setpgid(pid_t pid, pid_t pgid)
{
	struct proc_setpgid_in in = { .pid = pid, .pgid = pgid };
	int r;

	if (pid < 0 || pgid < 0)
		return px_fail(-XE_EINVAL);
	r = proc_call_setpgid(px_proc, &in);
	return r < 0 ? px_fail(r) : 0;
}

int setpgrp(void)
{
	return setpgid(0, 0);
}

pid_t setsid(void)
{
	struct proc_setsid_out out;
	int r = proc_call_setsid(px_proc, &out);

	return r < 0 ? px_fail(r) : (pid_t)out.sid;
}

/* The set*id family: real, effective, saved (PID_KEEP for unchanged). */
static int setids(unsigned which, uint64_t r, uint64_t e, uint64_t s)
{
	struct proc_setids_in in = { .which = which, .real = r, .effective = e, .saved = s };
	int x = proc_call_setids(px_proc, &in);

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
	struct proc_getgroups_out out = { .gids = g, .gids_len = sizeof(g) };
	int r = proc_call_getgroups(px_proc, &out);
	int n;

	if (r < 0)
		return px_fail(r);
	n = (int)out.count;
	if (size < 0 || (size > 0 && size < n))
		return px_fail(-XE_EINVAL);
	for (int i = 0; size > 0 && i < n; i++)
		list[i] = g[i];
	return n;
}

int setgroups(size_t size, const gid_t *list)
{
	uint32_t g[PROC_NGROUPS_MAX];
	struct proc_setgroups_in in = { .count = size, .gids = (const char *)g };
	int r;

	if (size > PROC_NGROUPS_MAX)
		return px_fail(-XE_EINVAL);
	for (size_t i = 0; i < size; i++)
		g[i] = list[i];
	in.gids_len = (uint32_t)(size * sizeof(uint32_t));
	r = proc_call_setgroups(px_proc, &in);
	return r < 0 ? px_fail(r) : 0;
}

/* ---- fork and wait ---- */

struct fork_ctx {
	pid_t pid;
	int err;
};

/*
 * PROC_FORK's transport: the reply lands in the message the stub sends,
 * which only the transport sees, so it names that message (msg, msg_len)
 * for the memory server to keep ours, not copy-on-write.
 */
static int fork_transport(exo_msg_t *m)
{
	m->mr[1] = (uint64_t)(uintptr_t)m;
	m->mr[2] = sizeof(*m);
	return px_proc(m);
}

static exo_err fork_prep(exo_space_t child, void *arg)
{
	struct fork_ctx *f = arg;
	struct proc_fork_in in = { .child = child }; /* msg, msg_len: fork_transport's */
	struct proc_fork_out out;

	f->err = proc_call_fork(fork_transport, &in, &out);
	if (f->err < 0)
		return EXO_ENOMEM;
	f->pid = (pid_t)out.pid;
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
	struct proc_wait_in in = { .selector = pid };
	struct proc_wait_out out;
	int r;

	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED))
		return px_fail(-XE_EINVAL);
	if (pid == INT32_MIN)
		return px_fail(-XE_ESRCH);
	in.options = (options & WNOHANG ? PW_NOHANG : 0) | (options & WUNTRACED ? PW_UNTRACED : 0) |
		     (options & WCONTINUED ? PW_CONTINUED : 0);
	r = proc_call_wait(px_proc, &in, &out);
	if (r < 0)
		return px_fail(r);
	if (out.pid != 0 && status)
		*status = px_wstatus((uint32_t)out.status);
	if (ru) {
		memset(ru, 0, sizeof(*ru));
		ru->ru_utime.tv_sec = (time_t)(out.utime / 1000000000u);
		ru->ru_utime.tv_usec = (suseconds_t)(out.utime % 1000000000u / 1000u);
		ru->ru_stime.tv_sec = (time_t)(out.stime / 1000000000u);
		ru->ru_stime.tv_usec = (suseconds_t)(out.stime % 1000000000u / 1000u);
	}
	return (pid_t)out.pid;
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
	int r, x = sig == 0 ? 0 : px_sig_to_exo(sig);
	struct proc_kill_in in = { .pid = pid, .sig = x };

	if (sig != 0 && x == 0)
		return px_fail(-XE_EINVAL);
	r = proc_call_kill(px_proc, &in);
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
	struct proc_rlimit_in in = { .set = (uint64_t)set };
	struct proc_rlimit_out out;
	int r;

	switch (res) {
	case RLIMIT_NPROC: in.resource = PRL_NPROC; break;
	case RLIMIT_NOFILE: in.resource = PRL_NOFILE; break;
	default: return -XE_EINVAL;
	}
	if (set) {
		in.cur = rl->rlim_cur == RLIM_INFINITY ? PRL_INFINITY : rl->rlim_cur;
		in.max = rl->rlim_max == RLIM_INFINITY ? PRL_INFINITY : rl->rlim_max;
	}
	r = proc_call_rlimit(px_proc, &in, &out);
	if (r < 0)
		return r;
	rl->rlim_cur = out.cur == PRL_INFINITY ? RLIM_INFINITY : out.cur;
	rl->rlim_max = out.max == PRL_INFINITY ? RLIM_INFINITY : out.max;
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
