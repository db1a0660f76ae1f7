/*
 * servers/proc/table.c — the process table (pids, lookups, a process's birth and end of its record) and the calls proc makes to the memory server and the VFS.
 */
#include <stdio.h>
#include <string.h>

#include <exo/memory.h>
#include <exo/vfs.h>
#include "vfs_proto.h"

#include "proc.h"

struct pserver S;

/* The kernel's clock, read in place (no kernel call: exo/ipc.h). */
uint64_t now_ns(void)
{
	return exo_clock_ns();
}

struct proc *by_pid(int pid)
{
	if (pid <= 0)
		return NULL;
	for (int i = 0; i < PROC_MAX; i++)
		if (S.procs[i].used && S.procs[i].pid == pid)
			return &S.procs[i];
	return NULL;
}

struct proc *by_space(exo_space_t s)
{
	if (s == EXO_NILSPACE)
		return NULL;
	for (int i = 0; i < PROC_MAX; i++)
		if (S.procs[i].used && S.procs[i].space == s)
			return &S.procs[i];
	return NULL;
}

int count_procs(uint32_t ruid, bool by_uid)
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

bool group_exists(int pgid, int sid)
{
	for (int i = 0; i < PROC_MAX; i++)
		if (S.procs[i].used && S.procs[i].state != 'Z' && S.procs[i].pgid == pgid &&
		    (sid == 0 || S.procs[i].sid == sid))
			return true;
	return false;
}

struct proc *proc_new(exo_space_t space)
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
struct proc *proc_adopt(exo_space_t space)
{
	struct proc *p = proc_new(space);

	if (!p)
		return NULL;
	p->ppid = by_pid(1) ? 1 : 0;
	p->pgid = p->sid = p->pid;
	return p;
}

void proc_free(struct proc *p)
{
	p->used = false;
}

exo_tid_t server(exo_tid_t *cache, const char *name)
{
	if (*cache == EXO_NILTHREAD)
		exo_lookup(name, cache, EXO_TIMEOUT_ZERO);
	return *cache;
}

/* Send m to the server registered as name: its reply's label as a negative errno; -XE_ENOSYS without one. */
static int srv_call(exo_tid_t *cache, const char *name, exo_msg_t *m)
{
	if (server(cache, name) == EXO_NILTHREAD)
		return -XE_ENOSYS;
	if (exo_call(*cache, m, exo_timeout_ms(5000), exo_timeout_ms(5000)) != EXO_OK) {
		*cache = EXO_NILTHREAD;
		return -XE_EIO;
	}
	return -(int)exo_tag_label(m->tag);
}

/* The transports of the memory and VFS stubs (memory_call_*, vfs_call_*). */
int memory_transport(exo_msg_t *m)
{
	return srv_call(&S.memory, MEM_NAME, m);
}

int vfs_transport(exo_msg_t *m)
{
	return srv_call(&S.vfs, VFS_NAME, m);
}

/* Tell the VFS a process's credentials (it checks permissions with them). */
void push_cred(struct proc *p)
{
	struct vfs_setcred_in in = { .space = p->space, .ruid = p->ruid, .euid = p->euid, .rgid = p->rgid,
				     .egid = p->egid, .ngroups = p->ngroups,
				     .groups = p->ngroups ? (const char *)p->groups : NULL,
				     .groups_len = (uint32_t)(p->ngroups * sizeof(uint32_t)) };

	if (p->space != EXO_NILSPACE)
		vfs_call_setcred(vfs_transport, &in);
}

int op_space(void *ctx, const struct proc_space_in *in, struct proc_space_out *out)
{
	struct req *r = ctx;
	uint64_t pid = (uint64_t)in->pid;
	struct proc *t = pid == 0 ? r->p : pid > 0x7fffffff ? NULL : by_pid((int)pid);

	if (!t || t->state == 'Z')
		return -XE_ESRCH;
	out->space = t->space;
	return 0;
}

/* The caller becomes init (pid 1), if there is none and it has no children. */
int op_init(void *ctx)
{
	struct proc *p = ((struct req *)ctx)->p;
	bool kids = false;

	for (int i = 0; i < PROC_MAX; i++)
		if (S.procs[i].used && S.procs[i].ppid == p->pid)
			kids = true;
	if (by_pid(1) || kids)
		return p->pid == 1 ? 0 : -XE_EBUSY;
	p->pid = p->pgid = p->sid = 1;
	p->ppid = 0;
	/* Processes with no parent now have init. */
	for (int i = 0; i < PROC_MAX; i++)
		if (S.procs[i].used && &S.procs[i] != p && S.procs[i].ppid == 0)
			S.procs[i].ppid = 1;
	return 0;
}
