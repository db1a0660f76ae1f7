/*
 * servers/proc/main.c — the process server: who is who, who begat whom,
 * who may signal whom (see exo/proc.h and servers/proc/README.md).
 *
 * One thread, one loop. A WAIT that finds nothing to report is held back
 * and answered when a child ends, stops or continues (kernel notices of
 * spaces). The loop's receive timeout is the earliest interval timer, so the
 * server is also the clock of alarm() and setitimer().
 */
#include <stdio.h>
#include <string.h>

#include <exo/memory.h>
#include <exo/vfs.h>

#include "proc.h"

static struct pserver S;
static exo_msg_t reply_msg;

/* The kernel's clock, read in place (no kernel call: exo/ipc.h). */
static uint64_t now_ns(void)
{
	return exo_clock_ns();
}

static struct proc *by_pid(int pid)
{
	if (pid <= 0)
		return NULL;
	for (int i = 0; i < PROC_MAX; i++)
		if (S.procs[i].used && S.procs[i].pid == pid)
			return &S.procs[i];
	return NULL;
}

static struct proc *by_space(exo_space_t s)
{
	if (s == EXO_NILSPACE)
		return NULL;
	for (int i = 0; i < PROC_MAX; i++)
		if (S.procs[i].used && S.procs[i].space == s)
			return &S.procs[i];
	return NULL;
}

static int count_procs(uint32_t ruid, bool by_uid)
{
	int n = 0;

	for (int i = 0; i < PROC_MAX; i++)
		if (S.procs[i].used && (!by_uid || S.procs[i].ruid == ruid))
			n++;
	return n;
}

static int alloc_pid(void)
{
	for (int tries = 0; tries < 1 << 20; tries++) {
		int pid = S.next_pid++;

		if (S.next_pid > 99999)
			S.next_pid = 2;
		if (!by_pid(pid) && !by_pid(-pid))
			return pid;
	}
	return -1;
}

static bool group_exists(int pgid, int sid)
{
	for (int i = 0; i < PROC_MAX; i++)
		if (S.procs[i].used && S.procs[i].state != 'Z' && S.procs[i].pgid == pgid &&
		    (sid == 0 || S.procs[i].sid == sid))
			return true;
	return false;
}

static struct proc *proc_new(exo_space_t space)
{
	struct proc *p = NULL;

	for (int i = 0; i < PROC_MAX && !p; i++)
		if (!S.procs[i].used)
			p = &S.procs[i];
	if (!p)
		return NULL;
	memset(p, 0, sizeof(*p));
	p->pid = alloc_pid();
	if (p->pid < 0)
		return NULL;
	p->used = true;
	p->space = space;
	p->state = 'R';
	p->start_ns = now_ns();
	p->rlim[PRL_NPROC][0] = p->rlim[PRL_NPROC][1] = PROC_NPROC_DEFAULT;
	p->rlim[PRL_NOFILE][0] = p->rlim[PRL_NOFILE][1] = VFS_FD_MAX;
	snprintf(p->comm, sizeof(p->comm), "space%u", (unsigned)space);
	return p;
}

/* A space we have not seen: a process of its own, init's child if there is one. */
static struct proc *proc_adopt(exo_space_t space)
{
	struct proc *p = proc_new(space);

	if (!p)
		return NULL;
	p->ppid = by_pid(1) ? 1 : 0;
	p->pgid = p->sid = p->pid;
	return p;
}

static void proc_free(struct proc *p)
{
	p->used = false;
}

/* ---- talking to the other servers ---- */

static exo_tid_t server(exo_tid_t *cache, const char *name)
{
	if (*cache == EXO_NILTHREAD)
		exo_lookup(name, cache, EXO_TIMEOUT_ZERO);
	return *cache;
}

/* A call to a server: 0, a negative XE_ errno, or 1 when there is no such server. */
static int srv_call(exo_tid_t *cache, const char *name, uint32_t label, unsigned n, const uint64_t *w,
		    const void *data, uint32_t len)
{
	exo_msg_t m;
	unsigned idx = n;
	exo_err err;

	if (server(cache, name) == EXO_NILTHREAD)
		return 1;
	memset(&m, 0, sizeof(m));
	memcpy(m.mr, w, n * sizeof(uint64_t));
	if (data)
		idx = exo_msg_put_string(&m, idx, data, len);
	m.tag = exo_tag(label, n, idx - n);
	err = exo_call(*cache, &m, exo_timeout_ms(5000), exo_timeout_ms(5000));
	if (err != EXO_OK) {
		*cache = EXO_NILTHREAD;
		return -XE_EIO;
	}
	return -(int)exo_tag_label(m.tag);
}

/* Tell the VFS a process's credentials (it checks permissions with them). */
static void push_cred(struct proc *p)
{
	uint64_t w[6] = { p->space, p->ruid, p->euid, p->rgid, p->egid, p->ngroups };

	if (p->space != EXO_NILSPACE)
		srv_call(&S.vfs, VFS_NAME, VFS_SETCRED, 6, w, p->groups,
			 (uint32_t)(p->ngroups * sizeof(uint32_t)));
}

/* ---- signals ---- */

static void post(struct proc *to, int sig, int code, int from_pid, uint32_t from_uid, uint32_t status)
{
	exo_siginfo_t si = { .sig = sig, .code = code, .pid = (uint32_t)from_pid, .uid = from_uid,
			     .status = (int32_t)status };

	if (to->state != 'Z' && to->space != EXO_NILSPACE && sig != 0)
		exo_signal_post(to->space, &si);
}

static bool may_signal(const struct proc *from, const struct proc *to, int sig)
{
	if (!from || from->euid == 0)
		return true;
	if (sig == EXO_SIGCONT && from->sid == to->sid)
		return true;
	return from->ruid == to->ruid || from->ruid == to->suid || from->euid == to->ruid ||
	       from->euid == to->suid;
}

/* kill(): returns 0 or a negative XE_ errno. `from` NULL: the system itself. */
static int do_kill(struct proc *from, int64_t pid, int sig)
{
	int found = 0, allowed = 0;
	int pgid = 0;

	if (sig != 0 && !exo_sig_valid(sig))
		return -XE_EINVAL;
	if (pid > 0) {
		struct proc *t = by_pid((int)pid);

		if (!t || pid > 0x7fffffff)
			return -XE_ESRCH;
		if (!may_signal(from, t, sig))
			return -XE_EPERM;
		post(t, sig, from ? EXO_SI_USER : EXO_SI_KERNEL, from ? from->pid : 0, from ? from->ruid : 0, 0);
		return 0;
	}
	if (pid == 0)
		pgid = from ? from->pgid : 0;
	else if (pid < -1)
		pgid = pid < -0x7fffffff ? -1 : (int)-pid;
	for (int i = 0; i < PROC_MAX; i++) {
		struct proc *t = &S.procs[i];

		if (!t->used || t->state == 'Z')
			continue;
		if (pid == -1) {
			if (t->pid == 1 || t == from)
				continue;
		} else if (t->pgid != pgid) {
			continue;
		}
		found++;
		if (!may_signal(from, t, sig))
			continue;
		allowed++;
		post(t, sig, from ? EXO_SI_USER : EXO_SI_KERNEL, from ? from->pid : 0, from ? from->ruid : 0, 0);
	}
	if (pid == -1 && from && from->state != 'Z' && sig != 0 && allowed == 0 && found == 0)
		return -XE_ESRCH;
	if (!found)
		return -XE_ESRCH;
	return allowed ? 0 : -XE_EPERM;
}

/* ---- wait ---- */

static bool wait_matches(const struct proc *w, const struct proc *c, int64_t sel)
{
	if (!c->used || c->ppid != w->pid)
		return false;
	if (sel > 0)
		return c->pid == sel;
	if (sel == -1)
		return true;
	if (sel == 0)
		return c->pgid == w->pgid;
	return c->pgid == -sel;
}

/*
 * Look for something to report: 1 (out[] filled, *hit the child it is about),
 * 0 (nothing yet), or -XE_ECHILD. Nothing is consumed here: the caller does
 * that with wait_consume once the answer is delivered, so a waiter that a
 * signal interrupted in between loses neither a zombie nor a stop report.
 */
static int wait_find(struct proc *w, int64_t sel, unsigned opt, uint64_t out[4], struct proc **hit)
{
	bool any = false;

	*hit = NULL;
	for (int i = 0; i < PROC_MAX; i++) {
		struct proc *c = &S.procs[i];

		if (!wait_matches(w, c, sel))
			continue;
		any = true;
		if (c->state == 'Z') {
			out[0] = (uint64_t)c->pid;
			out[1] = c->wstatus;
			out[2] = c->utime;
			out[3] = c->stime;
			*hit = c;
			return 1;
		}
		if (c->report && (((opt & PW_UNTRACED) && c->report != EXO_W_CONTINUED) ||
				  ((opt & PW_CONTINUED) && c->report == EXO_W_CONTINUED))) {
			out[0] = (uint64_t)c->pid;
			out[1] = c->report;
			out[2] = out[3] = 0;
			*hit = c;
			return 1;
		}
	}
	return any ? 0 : -XE_ECHILD;
}

/* w was told about c: a zombie is freed, a stop or continue report is spent. */
static void wait_consume(struct proc *w, struct proc *c)
{
	if (c->state != 'Z') {
		c->report = 0;
		return;
	}
	w->cutime += c->utime + c->cutime;
	w->cstime += c->stime + c->cstime;
	proc_free(c);
}

/* A held-back WAIT of w may be answerable now. */
static void wait_wake(struct proc *w)
{
	uint64_t out[4];
	struct proc *c;
	int r;

	if (!w || w->waiter == EXO_NILTHREAD)
		return;
	r = wait_find(w, w->wait_sel, w->wait_opt, out, &c);
	if (r == 0)
		return;
	memset(&reply_msg, 0, sizeof(reply_msg));
	if (r > 0) {
		memcpy(reply_msg.mr, out, sizeof(out));
		reply_msg.tag = exo_tag(0, 4, 0);
	} else {
		reply_msg.tag = exo_tag((uint32_t)-r, 0, 0);
	}
	/* Consume only what the waiter took (a signal may have interrupted it). */
	if (exo_reply(w->waiter, &reply_msg) == EXO_OK && c)
		wait_consume(w, c);
	w->waiter = EXO_NILTHREAD;
}

/* ---- a process ends, stops or continues ---- */

static void became_orphan(struct proc *c)
{
	struct proc *init = by_pid(1);

	if (init && init != c && init->state != 'Z') {
		c->ppid = 1;
		if (c->state == 'Z') {
			post(init, EXO_SIGCHLD, EXO_CLD_EXITED, c->pid, c->ruid, c->wstatus);
			wait_wake(init);
		}
	} else {
		c->ppid = 0;
		if (c->state == 'Z')
			proc_free(c);
	}
}

static void space_exit(exo_space_t space, uint32_t wstatus, uint64_t utime, uint64_t stime)
{
	struct proc *p = by_space(space), *parent;
	int code;

	if (!p)
		return;
	p->space = EXO_NILSPACE;
	p->state = 'Z';
	p->wstatus = wstatus == EXO_W_UNKNOWN ? EXO_W_EXITED(0) : wstatus;
	p->utime = utime;
	p->stime = stime;
	p->it_deadline = 0;
	p->waiter = EXO_NILTHREAD;
	if (S.tty_sid == p->pid && p->sid == p->pid) {
		/* The console's session leader is gone: its foreground group hangs up. */
		if (S.tty_pgrp)
			do_kill(NULL, -(int64_t)S.tty_pgrp, EXO_SIGHUP);
		S.tty_sid = S.tty_pgrp = 0;
	}
	for (int i = 0; i < PROC_MAX; i++)
		if (S.procs[i].used && &S.procs[i] != p && S.procs[i].ppid == p->pid)
			became_orphan(&S.procs[i]);
	parent = by_pid(p->ppid);
	if (!parent || parent->state == 'Z') {
		proc_free(p);
		return;
	}
	code = (p->wstatus & 0x7f) == 0 ? EXO_CLD_EXITED
	       : (p->wstatus & 0x80) ? EXO_CLD_DUMPED : EXO_CLD_KILLED;
	post(parent, EXO_SIGCHLD, code, p->pid, p->ruid, p->wstatus);
	if (parent->chld & PCHLD_NOCLDWAIT) {
		wait_consume(parent, p);
		if (parent->waiter != EXO_NILTHREAD)
			wait_wake(parent); /* perhaps ECHILD now */
		return;
	}
	wait_wake(parent);
}

static void space_state(exo_space_t space, uint32_t wstatus)
{
	struct proc *p = by_space(space), *parent;
	bool cont = wstatus == EXO_W_CONTINUED;

	if (!p || p->state == 'Z')
		return;
	p->state = cont ? 'R' : 'T';
	p->report = wstatus;
	parent = by_pid(p->ppid);
	if (!parent)
		return;
	if (!(parent->chld & PCHLD_NOCLDSTOP))
		post(parent, EXO_SIGCHLD, cont ? EXO_CLD_CONTINUED : EXO_CLD_STOPPED, p->pid, p->ruid,
		     wstatus);
	wait_wake(parent);
}

/* ---- interval timers ---- */

static exo_timeout_t timer_timeout(void)
{
	uint64_t first = 0, now;

	for (int i = 0; i < PROC_MAX; i++)
		if (S.procs[i].used && S.procs[i].it_deadline &&
		    (!first || S.procs[i].it_deadline < first))
			first = S.procs[i].it_deadline;
	if (!first)
		return EXO_TIMEOUT_NEVER;
	now = now_ns();
	return first > now ? first - now : 1000;
}

static void timers_fire(void)
{
	uint64_t now = now_ns();

	for (int i = 0; i < PROC_MAX; i++) {
		struct proc *p = &S.procs[i];

		if (!p->used || !p->it_deadline || p->it_deadline > now)
			continue;
		post(p, EXO_SIGALRM, EXO_SI_TIMER, 0, 0, 0);
		if (p->it_interval) {
			p->it_deadline += p->it_interval;
			if (p->it_deadline <= now)
				p->it_deadline = now + p->it_interval;
		} else {
			p->it_deadline = 0;
		}
	}
}

/* ---- requests ---- */

struct req {
	exo_msg_t *m;
	exo_tid_t from;
	struct proc *p;
	const void *data;           /* the first string item */
	uint32_t data_len;
	bool deferred;
};

static void out(struct req *r, int err, unsigned n, const uint64_t *w)
{
	unsigned idx = n;

	if (err < 0) {
		r->m->tag = exo_tag((uint32_t)-err, 0, 0);
		return;
	}
	if (n)
		memcpy(r->m->mr, w, n * sizeof(uint64_t));
	r->m->tag = exo_tag(0, n, idx - n);
}

static void out_data(struct req *r, uint64_t word, const void *data, uint32_t len)
{
	unsigned idx;

	r->m->mr[0] = word;
	idx = exo_msg_put_string(r->m, 1, data, len);
	r->m->tag = exo_tag(0, 1, idx - 1);
}

static int op_fork(struct req *r, uint64_t *o)
{
	struct proc *p = r->p, *c;
	exo_space_t cs = (exo_space_t)r->m->mr[0];
	uint64_t w[2] = { p->space, cs };
	int e;

	if (cs == EXO_NILSPACE || r->m->mr[0] > UINT32_MAX || cs == p->space || by_space(cs))
		return -XE_EINVAL;
	if (count_procs(0, false) >= PROC_MAX ||
	    (uint64_t)count_procs(p->ruid, true) >= p->rlim[PRL_NPROC][0])
		return -XE_EAGAIN;
	c = proc_new(cs);
	if (!c)
		return -XE_EAGAIN;
	c->ppid = p->pid;
	c->pgid = p->pgid;
	c->sid = p->sid;
	c->ruid = p->ruid, c->euid = p->euid, c->suid = p->suid;
	c->rgid = p->rgid, c->egid = p->egid, c->sgid = p->sgid;
	memcpy(c->groups, p->groups, sizeof(p->groups));
	c->ngroups = p->ngroups;
	c->chld = p->chld;
	memcpy(c->rlim, p->rlim, sizeof(p->rlim));
	memcpy(c->comm, p->comm, sizeof(c->comm));
	/*
	 * The servers copy their state: memory (copy-on-write) and descriptors.
	 * Undone on failure: the record goes here, and the caller's
	 * exo_space_fork discards the held child space, whose end notice makes
	 * the memory server (and the VFS) drop what they copied for it.
	 */
	e = srv_call(&S.memory, MEM_NAME, MEM_FORK, 2, w, NULL, 0);
	if (e == 0 || e == 1)
		e = srv_call(&S.vfs, VFS_NAME, VFS_FORK, 2, w, NULL, 0);
	if (e < 0) {
		proc_free(c);
		return e == -XE_ENOMEM ? -XE_ENOMEM : -XE_EAGAIN;
	}
	o[0] = (uint64_t)c->pid;
	return 0;
}

static int op_wait(struct req *r, uint64_t *o)
{
	int64_t sel = (int64_t)r->m->mr[0];
	unsigned opt = (unsigned)r->m->mr[1];
	struct proc *z;
	int f;

	if (opt & ~(PW_NOHANG | PW_UNTRACED | PW_CONTINUED) || sel < -(int64_t)0x7fffffff ||
	    sel > 0x7fffffff)
		return -XE_EINVAL;
	if (r->p->waiter != EXO_NILTHREAD && r->p->waiter != r->from)
		return -XE_EAGAIN; /* one held-back wait per process (threads: later) */
	f = wait_find(r->p, sel, opt, o, &z);
	if (f < 0)
		return f;
	if (f == 0 && (opt & PW_NOHANG)) {
		o[0] = o[1] = o[2] = o[3] = 0;
		return 4;
	}
	/*
	 * Held back, or answered at once through wait_wake: either way the
	 * answer goes by exo_reply, whose result says whether the caller took
	 * it, and only then is the zombie or report consumed.
	 */
	r->p->waiter = r->from;
	r->p->wait_sel = sel;
	r->p->wait_opt = opt;
	r->deferred = true;
	if (f > 0)
		wait_wake(r->p);
	return 0;
}

static int op_setpgid(struct req *r)
{
	int64_t pid = (int64_t)r->m->mr[0], pgid = (int64_t)r->m->mr[1];
	struct proc *t;

	if (pgid < 0 || pgid > 0x7fffffff || pid < 0 || pid > 0x7fffffff)
		return -XE_EINVAL;
	t = pid == 0 ? r->p : by_pid((int)pid);
	if (!t || t->state == 'Z' || (t != r->p && t->ppid != r->p->pid))
		return -XE_ESRCH;
	if (t != r->p && t->execed)
		return -XE_EACCES;
	if (t->sid != r->p->sid || t->sid == t->pid)
		return -XE_EPERM;
	if (pgid == 0)
		pgid = t->pid;
	if (pgid != t->pid && !group_exists((int)pgid, r->p->sid))
		return -XE_EPERM;
	t->pgid = (int)pgid;
	return 0;
}

static int op_setsid(struct req *r, uint64_t *o)
{
	struct proc *p = r->p;

	if (p->pgid == p->pid || group_exists(p->pid, 0))
		return -XE_EPERM;
	p->sid = p->pgid = p->pid;
	o[0] = (uint64_t)p->sid;
	return 1;
}

/* setuid/setgid family: real, effective, saved (PID_KEEP: unchanged). */
static int op_setids(struct req *r)
{
	struct proc *p = r->p;
	uint32_t v[3] = { (uint32_t)r->m->mr[1], (uint32_t)r->m->mr[2], (uint32_t)r->m->mr[3] };
	uint32_t *ids[3];
	bool priv = p->euid == 0;

	if (r->m->mr[0] == PID_UID) {
		ids[0] = &p->ruid, ids[1] = &p->euid, ids[2] = &p->suid;
	} else if (r->m->mr[0] == PID_GID) {
		ids[0] = &p->rgid, ids[1] = &p->egid, ids[2] = &p->sgid;
	} else {
		return -XE_EINVAL;
	}
	for (int i = 0; i < 3; i++) {
		if (v[i] == PID_KEEP)
			continue;
		if (!priv && v[i] != *ids[0] && v[i] != *ids[1] && v[i] != *ids[2])
			return -XE_EPERM;
	}
	for (int i = 0; i < 3; i++)
		if (v[i] != PID_KEEP)
			*ids[i] = v[i];
	push_cred(p);
	return 0;
}

static int op_setgroups(struct req *r)
{
	uint64_t n = r->m->mr[0];

	if (r->p->euid != 0)
		return -XE_EPERM;
	if (n > PROC_NGROUPS_MAX || n * sizeof(uint32_t) != r->data_len)
		return -XE_EINVAL;
	if (n)
		memcpy(r->p->groups, r->data, (size_t)n * sizeof(uint32_t));
	r->p->ngroups = (unsigned)n;
	push_cred(r->p);
	return 0;
}

static void op_list(struct req *r)
{
	static struct proc_info info[PROC_MAX];
	unsigned n = 0;

	for (int i = 0; i < PROC_MAX; i++) {
		struct proc *p = &S.procs[i];

		if (!p->used)
			continue;
		memset(&info[n], 0, sizeof(info[n]));
		info[n] = (struct proc_info){ p->pid, p->ppid, p->pgid, p->sid, p->ruid, p->euid,
					      p->space, p->state, { 0 }, p->start_ns, { 0 } };
		memcpy(info[n].comm, p->comm, sizeof(info[n].comm));
		n++;
	}
	out_data(r, n, info, (uint32_t)(n * sizeof(info[0])));
}

static int op_itimer(struct req *r, uint64_t *o)
{
	uint64_t now = now_ns(), value = r->m->mr[0], interval = r->m->mr[1];
	struct proc *p = r->p;

	if (value > (1ull << 62) || interval > (1ull << 62))
		return -XE_EINVAL;
	o[0] = p->it_deadline ? (p->it_deadline > now ? p->it_deadline - now : 1) : 0;
	o[1] = p->it_interval;
	p->it_deadline = value ? now + value : 0;
	p->it_interval = value ? interval : 0;
	return 2;
}

static int op_tcsetpgrp(struct req *r)
{
	int64_t pgid = (int64_t)r->m->mr[0];
	struct proc *lead = by_pid(S.tty_sid);

	if (pgid <= 0 || pgid > 0x7fffffff)
		return -XE_EINVAL;
	if (S.tty_sid == 0 || !lead || lead->state == 'Z') {
		/* The console has no session: the caller's takes it. */
		S.tty_sid = r->p->sid;
	}
	if (r->p->sid != S.tty_sid)
		return -XE_ENOTTY;
	if (!group_exists((int)pgid, S.tty_sid))
		return -XE_EPERM;
	S.tty_pgrp = (int)pgid;
	return 0;
}

static int op_rlimit(struct req *r, uint64_t *o)
{
	uint64_t res = r->m->mr[0], set = r->m->mr[1], cur = r->m->mr[2], max = r->m->mr[3];
	uint64_t *l;

	if (res >= PRL_COUNT || set > 1)
		return -XE_EINVAL;
	l = r->p->rlim[res];
	if (set) {
		if (cur > max)
			return -XE_EINVAL;
		if (max > l[1] && r->p->euid != 0)
			return -XE_EPERM;
		if (res == PRL_NOFILE && max > VFS_FD_MAX)
			return -XE_EPERM; /* the VFS's table has VFS_FD_MAX slots */
		l[0] = cur;
		l[1] = max;
	}
	o[0] = l[0];
	o[1] = l[1];
	return 2;
}

static void dispatch(struct req *r)
{
	uint32_t label = exo_tag_label(r->m->tag);
	uint64_t o[10] = { 0 };
	struct proc *p;
	int n = 0;

	if (label == EXO_LABEL_CANCEL) {
		for (int i = 0; i < PROC_MAX; i++)
			if (S.procs[i].used && S.procs[i].waiter == r->from)
				S.procs[i].waiter = EXO_NILTHREAD;
		out(r, 0, 0, NULL);
		return;
	}
	if (label == PROC_TTYSIG) {
		/* Only the console's keys (^C ^\ ^Z) signal the foreground group. */
		if (server(&S.console, "console") != r->from) {
			S.console = EXO_NILTHREAD;
			if (server(&S.console, "console") != r->from) {
				out(r, -XE_EPERM, 0, NULL);
				return;
			}
		}
		if (!exo_sig_valid((int)r->m->mr[0]) || exo_tag_untyped(r->m->tag) != 1)
			out(r, -XE_EINVAL, 0, NULL);
		else
			out(r, S.tty_pgrp ? do_kill(NULL, -(int64_t)S.tty_pgrp, (int)r->m->mr[0]) : -XE_ESRCH, 0,
			    NULL);
		return;
	}
	if (label == 0 || label >= PROC_OP_COUNT || exo_tag_untyped(r->m->tag) != proc_op_in[label]) {
		out(r, label == 0 || label >= PROC_OP_COUNT ? -XE_ENOSYS : -XE_EINVAL, 0, NULL);
		return;
	}
	p = r->p = by_space(r->m->sender_space);
	if (!p && !(p = r->p = proc_adopt(r->m->sender_space))) {
		out(r, -XE_EAGAIN, 0, NULL);
		return;
	}
	switch (label) {
	case PROC_IDS:
		o[0] = (uint64_t)p->pid, o[1] = (uint64_t)p->ppid, o[2] = (uint64_t)p->pgid;
		o[3] = (uint64_t)p->sid, o[4] = p->ruid, o[5] = p->euid, o[6] = p->suid;
		o[7] = p->rgid, o[8] = p->egid, o[9] = p->sgid;
		n = 10;
		break;
	case PROC_FORK:
		n = op_fork(r, o);
		if (n == 0)
			n = 1;
		break;
	case PROC_EXEC:
		if (r->data) {
			size_t len = r->data_len < PROC_COMM_MAX ? r->data_len : PROC_COMM_MAX;

			memcpy(p->comm, r->data, len);
			p->comm[len] = 0;
		}
		p->execed = true;
		break;
	case PROC_WAIT:
		n = op_wait(r, o);
		if (r->deferred)
			return;
		break;
	case PROC_KILL:
		n = do_kill(p, (int64_t)r->m->mr[0], (int)r->m->mr[1]);
		break;
	case PROC_SETPGID:
		n = op_setpgid(r);
		break;
	case PROC_SETSID:
		n = op_setsid(r, o);
		break;
	case PROC_GETPGID: {
		struct proc *t = r->m->mr[0] == 0 ? p : r->m->mr[0] > 0x7fffffff ? NULL : by_pid((int)r->m->mr[0]);

		if (!t) {
			n = -XE_ESRCH;
		} else {
			o[0] = (uint64_t)t->pgid, o[1] = (uint64_t)t->sid;
			n = 2;
		}
		break;
	}
	case PROC_SETIDS:
		n = op_setids(r);
		break;
	case PROC_GETGROUPS:
		out_data(r, p->ngroups, p->groups, (uint32_t)(p->ngroups * sizeof(uint32_t)));
		return;
	case PROC_SETGROUPS:
		n = op_setgroups(r);
		break;
	case PROC_LIST:
		op_list(r);
		return;
	case PROC_ITIMER:
		n = op_itimer(r, o);
		break;
	case PROC_GETITIMER: {
		uint64_t now = now_ns();

		o[0] = p->it_deadline ? (p->it_deadline > now ? p->it_deadline - now : 1) : 0;
		o[1] = p->it_interval;
		n = 2;
		break;
	}
	case PROC_TCSETPGRP:
		n = op_tcsetpgrp(r);
		break;
	case PROC_TCGETPGRP:
		if (S.tty_sid != p->sid) {
			n = -XE_ENOTTY;
		} else {
			o[0] = (uint64_t)S.tty_pgrp, o[1] = (uint64_t)S.tty_sid;
			n = 2;
		}
		break;
	case PROC_CHLD:
		p->chld = (unsigned)r->m->mr[0] & (PCHLD_NOCLDSTOP | PCHLD_NOCLDWAIT);
		if (p->chld & PCHLD_NOCLDWAIT) {
			/* Zombies it has now are not waited for either. */
			for (int i = 0; i < PROC_MAX; i++)
				if (S.procs[i].used && S.procs[i].ppid == p->pid && S.procs[i].state == 'Z')
					wait_consume(p, &S.procs[i]);
		}
		break;
	case PROC_RLIMIT:
		n = op_rlimit(r, o);
		break;
	case PROC_SPACE: {
		struct proc *t = r->m->mr[0] == 0 ? p : r->m->mr[0] > 0x7fffffff ? NULL : by_pid((int)r->m->mr[0]);

		if (!t || t->state == 'Z') {
			n = -XE_ESRCH;
		} else {
			o[0] = t->space;
			n = 1;
		}
		break;
	}
	case PROC_CHILDTIMES:
		o[0] = p->cutime;
		o[1] = p->cstime;
		n = 2;
		break;
	case PROC_INIT: {
		bool kids = false;

		for (int i = 0; i < PROC_MAX; i++)
			if (S.procs[i].used && S.procs[i].ppid == p->pid)
				kids = true;
		if (by_pid(1) || kids) {
			n = p->pid == 1 ? 0 : -XE_EBUSY;
			break;
		}
		p->pid = p->pgid = p->sid = 1;
		p->ppid = 0;
		/* Processes with no parent now have init. */
		for (int i = 0; i < PROC_MAX; i++)
			if (S.procs[i].used && &S.procs[i] != p && S.procs[i].ppid == 0)
				S.procs[i].ppid = 1;
		break;
	}
	}
	out(r, n < 0 ? n : 0, n > 0 ? (unsigned)n : 0, o);
}

int main(int argc, char **argv)
{
	static uint8_t inbuf[EXO_STRING_MAX + 1];
	exo_tid_t to = EXO_NILTHREAD, from;
	exo_msg_t m;

	exo_init_args(&argc, argv);
	S.next_pid = 2;
	if (exo_register(PROC_NAME) != EXO_OK || exo_space_watch() != EXO_OK) {
		fprintf(stderr, "proc: cannot register\n");
		return 1;
	}
	memset(&m, 0, sizeof(m));
	for (;;) {
		struct req r = { .m = &m };
		char *data;
		exo_err err;

		m.nbr = 0;
		exo_msg_accept_string(&m, inbuf, EXO_STRING_MAX);
		err = exo_reply_wait(to, &m, timer_timeout(), &from, NULL);
		to = EXO_NILTHREAD;
		if (err != EXO_OK) {
			timers_fire();
			continue;
		}
		if (exo_is_kernel_notice(from, &m)) {
			if (exo_tag_label(m.tag) == EXO_LABEL_SPACE_EXIT && exo_tag_untyped(m.tag) >= 4)
				space_exit((exo_space_t)m.mr[0], (uint32_t)m.mr[1], m.mr[2], m.mr[3]);
			else if (exo_tag_label(m.tag) == EXO_LABEL_SPACE_STATE && exo_tag_untyped(m.tag) >= 2)
				space_state((exo_space_t)m.mr[0], (uint32_t)m.mr[1]);
			timers_fire();
			continue;
		}
		if (exo_msg_strings(&m, &data, &r.data_len, 1, 0) == 1)
			r.data = data;
		r.from = from;
		dispatch(&r);
		to = r.deferred ? EXO_NILTHREAD : from;
		timers_fire();
	}
}
