/*
 * servers/proc/pid.c — fork, credentials, supplementary groups, the process list and resource limits.
 */
#include <string.h>

#include <exo/memory.h>
#include "memory_proto.h"
#include <exo/vfs.h>

#include "proc.h"

int op_fork(struct req *r, uint64_t *o)
{
	struct proc *p = r->p, *c;
	exo_space_t cs = (exo_space_t)r->m->mr[0];
	/* and the caller's message, which MEM_FORK keeps writable for the reply */
	uint64_t w[4] = { p->space, cs, r->m->mr[1], r->m->mr[2] };
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
	e = srv_call(&S.memory, MEM_NAME, MEM_FORK, 4, w, NULL, 0);
	if (e == 0 || e == 1)
		e = srv_call(&S.vfs, VFS_NAME, VFS_FORK, 2, w, NULL, 0);
	if (e < 0) {
		proc_free(c);
		return e == -XE_ENOMEM ? -XE_ENOMEM : -XE_EAGAIN;
	}
	o[0] = (uint64_t)c->pid;
	return 1;
}

/* setuid/setgid family: real, effective, saved (PID_KEEP: unchanged). */
int op_setids(struct req *r, uint64_t *o)
{
	(void)o;
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

int op_setgroups(struct req *r, uint64_t *o)
{
	(void)o;
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

int op_list(struct req *r, uint64_t *o)
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
	(void)o;
	out_data(r, n, info, (uint32_t)(n * sizeof(info[0])));
	return PROC_ANSWERED;
}

int op_rlimit(struct req *r, uint64_t *o)
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

int op_ids(struct req *r, uint64_t *o)
{
	const struct proc *p = r->p;

	o[0] = (uint64_t)p->pid, o[1] = (uint64_t)p->ppid, o[2] = (uint64_t)p->pgid;
	o[3] = (uint64_t)p->sid, o[4] = p->ruid, o[5] = p->euid, o[6] = p->suid;
	o[7] = p->rgid, o[8] = p->egid, o[9] = p->sgid;
	return 10;
}

/* The caller runs a new image: its name (the string item) and setpgid's EACCES from now on. */
int op_exec(struct req *r, uint64_t *o)
{
	struct proc *p = r->p;

	(void)o;
	if (r->data) {
		size_t len = r->data_len < PROC_COMM_MAX ? r->data_len : PROC_COMM_MAX;

		memcpy(p->comm, r->data, len);
		p->comm[len] = 0;
	}
	p->execed = true;
	return 0;
}

int op_getgroups(struct req *r, uint64_t *o)
{
	struct proc *p = r->p;

	(void)o;
	out_data(r, p->ngroups, p->groups, (uint32_t)(p->ngroups * sizeof(uint32_t)));
	return PROC_ANSWERED;
}
