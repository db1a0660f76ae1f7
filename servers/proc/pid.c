/*
 * servers/proc/pid.c — fork, credentials, supplementary groups, the process list and resource limits.
 */
#include <string.h>

#include <exo/memory.h>
#include "memory_proto.h"
#include <exo/vfs.h>
#include "vfs_proto.h"

#include "proc.h"

int op_fork(void *ctx, const struct proc_fork_in *in, struct proc_fork_out *out)
{
	struct req *r = ctx;
	struct proc *p = r->p, *c;
	exo_space_t cs = (exo_space_t)in->child;
	/* and the caller's message, which MEM_FORK keeps writable for the reply */
	struct memory_fork_in mem = { .parent = p->space, .child = cs, .keep = in->msg, .keep_len = in->msg_len };
	struct vfs_fork_in vfs = { .parent = p->space, .child = cs };
	int e;

	if (cs == EXO_NILSPACE || in->child > UINT32_MAX || cs == p->space || by_space(cs))
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
	 * the memory server (and the VFS) drop what they copied for it. A
	 * server that does not run (ENOSYS: a system booted without it) has
	 * nothing to copy.
	 */
	e = memory_call_fork(memory_transport, &mem);
	if (e == 0 || e == -XE_ENOSYS)
		e = vfs_call_fork(vfs_transport, &vfs);
	if (e < 0 && e != -XE_ENOSYS) {
		proc_free(c);
		return e == -XE_ENOMEM ? -XE_ENOMEM : -XE_EAGAIN;
	}
	out->pid = c->pid;
	return 0;
}

/* setuid/setgid family: real, effective, saved (PID_KEEP: unchanged). */
int op_setids(void *ctx, const struct proc_setids_in *in)
{
	struct req *r = ctx;
	struct proc *p = r->p;
	uint32_t v[3] = { (uint32_t)in->real, (uint32_t)in->effective, (uint32_t)in->saved };
	uint32_t *ids[3];
	bool priv = p->euid == 0;

	if (in->which == PID_UID) {
		ids[0] = &p->ruid, ids[1] = &p->euid, ids[2] = &p->suid;
	} else if (in->which == PID_GID) {
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

int op_setgroups(void *ctx, const struct proc_setgroups_in *in)
{
	struct req *r = ctx;
	uint64_t n = in->count;

	if (r->p->euid != 0)
		return -XE_EPERM;
	if (n > PROC_NGROUPS_MAX || n * sizeof(uint32_t) != in->gids_len)
		return -XE_EINVAL;
	if (n)
		memcpy(r->p->groups, in->gids, (size_t)n * sizeof(uint32_t));
	r->p->ngroups = (unsigned)n;
	push_cred(r->p);
	return 0;
}

int op_list(void *ctx, struct proc_list_out *out)
{
	static struct proc_info info[PROC_MAX]; /* the reply's string: it must outlive the call */
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
	(void)ctx;
	out->count = n;
	out->procs = info;
	out->procs_len = (uint32_t)(n * sizeof(info[0]));
	return 0;
}

int op_rlimit(void *ctx, const struct proc_rlimit_in *in, struct proc_rlimit_out *out)
{
	struct req *r = ctx;
	uint64_t res = in->resource, set = in->set, cur = in->cur, max = in->max;
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
	out->cur = l[0];
	out->max = l[1];
	return 0;
}

int op_ids(void *ctx, struct proc_ids_out *out)
{
	const struct proc *p = ((struct req *)ctx)->p;

	*out = (struct proc_ids_out){ .pid = p->pid, .ppid = p->ppid, .pgid = p->pgid, .sid = p->sid,
				      .ruid = p->ruid, .euid = p->euid, .suid = p->suid,
				      .rgid = p->rgid, .egid = p->egid, .sgid = p->sgid };
	return 0;
}

/* The caller runs a new image: its name (the string item) and setpgid's EACCES from now on. */
int op_exec(void *ctx, const struct proc_exec_in *in)
{
	struct proc *p = ((struct req *)ctx)->p;

	if (in->name) {
		size_t len = in->name_len < PROC_COMM_MAX ? in->name_len : PROC_COMM_MAX;

		memcpy(p->comm, in->name, len);
		p->comm[len] = 0;
	}
	p->execed = true;
	return 0;
}

int op_getgroups(void *ctx, struct proc_getgroups_out *out)
{
	struct proc *p = ((struct req *)ctx)->p;

	out->count = p->ngroups;
	out->gids = p->groups; /* in the table: it outlives the call */
	out->gids_len = (uint32_t)(p->ngroups * sizeof(uint32_t));
	return 0;
}
