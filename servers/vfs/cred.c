/*
 * servers/vfs/cred.c — credentials and permissions: who each space is
 * (VFS_SETCRED, from the process server only) and what it may do to a node.
 *
 * A space acts with its effective ids (euid, egid, supplementary groups);
 * access() checks with the real ones (ops.c hands a copy with the real ids
 * as vreq.who). The owner's, the group's or the others' bits apply, the
 * first that matches. The superuser (euid 0) may read, write and search
 * anything, and execute a file that has any execute bit. Spaces nobody set
 * credentials for are the superuser, so a system without a process server
 * behaves as before permissions existed.
 *
 * The process server is the thread registered as VFS_PROC_NAME; its id is
 * cached and looked up again when a request's sender does not match it (the
 * server may have been restarted).
 */
#include <string.h>

#include <exo/errno.h>

#include "vfs.h"

bool cred_is_root(const struct vcred *who)
{
	return who->euid == 0;
}

bool cred_in_group(const struct vcred *who, uint32_t gid)
{
	if (who->egid == gid)
		return true;
	for (uint32_t i = 0; i < who->ngroups; i++)
		if (who->groups[i] == gid)
			return true;
	return false;
}

bool cred_owns(const struct vcred *who, const struct node *n)
{
	return who->euid == n->uid;
}

int perm_check(const struct vcred *who, const struct node *n, unsigned want)
{
	unsigned bits;

	want &= VACC_R | VACC_W | VACC_X;
	if (cred_is_root(who)) {
		/* Execute needs some execute bit even for root; search of a directory does not. */
		if ((want & VACC_X) && (n->mode & VS_IFMT) != VS_IFDIR && !(n->mode & 0111))
			return -XE_EACCES;
		return 0;
	}
	if (who->euid == n->uid)
		bits = (n->mode >> 6) & 7;
	else if (cred_in_group(who, n->gid))
		bits = (n->mode >> 3) & 7;
	else
		bits = n->mode & 7;
	return (want & ~bits) ? -XE_EACCES : 0;
}

int perm_sticky(const struct vcred *who, const struct node *dir, const struct node *n)
{
	if (!(dir->mode & VS_ISVTX) || cred_is_root(who) || cred_owns(who, n) || cred_owns(who, dir))
		return 0;
	return -XE_EPERM;
}

void node_own(struct node *n, const struct vcred *who, const struct node *dir)
{
	n->uid = who->euid;
	n->gid = who->egid;
	if (dir && (dir->mode & VS_ISGID)) {
		n->gid = dir->gid;
		if (node_is_dir(n))
			n->mode |= VS_ISGID; /* a setgid directory's subdirectories are setgid too */
	}
	/* A setgid file only for a group its maker is in. */
	if (!node_is_dir(n) && (n->mode & VS_ISGID) && !cred_is_root(who) && !cred_in_group(who, n->gid))
		n->mode &= ~VS_ISGID;
}

bool from_proc(exo_tid_t from)
{
	static exo_tid_t proc = EXO_NILTHREAD;

	if (from == EXO_NILTHREAD)
		return false;
	if (from == proc)
		return true;
	/* Not the cached one: the process server may have started again since. */
	if (exo_lookup(VFS_PROC_NAME, &proc, EXO_TIMEOUT_ZERO) != EXO_OK)
		proc = EXO_NILTHREAD;
	return proc != EXO_NILTHREAD && from == proc;
}

/* SETCRED: the process server says who a space is. */
int do_setcred(void *ctx, const struct vfs_setcred_in *in)
{
	struct vreq *r = ctx;
	const uint64_t ids[] = { in->ruid, in->euid, in->rgid, in->egid };
	struct vcred c = { 0 };
	struct vproc *p;

	if (!from_proc(r->from))
		return -XE_EPERM;
	if (in->space == EXO_NILSPACE || in->space > UINT32_MAX)
		return -XE_EINVAL;
	for (unsigned i = 0; i < 4; i++)
		if (ids[i] >= VID_KEEP)
			return -XE_EINVAL;
	if (in->ngroups > VFS_NGROUPS_MAX)
		return -XE_EINVAL;
	if (in->ngroups > 0 && (!in->groups || in->groups_len != in->ngroups * sizeof(uint32_t)))
		return -XE_EINVAL;
	c.ruid = (uint32_t)in->ruid;
	c.euid = (uint32_t)in->euid;
	c.rgid = (uint32_t)in->rgid;
	c.egid = (uint32_t)in->egid;
	c.ngroups = (uint32_t)in->ngroups;
	if (c.ngroups)
		memcpy(c.groups, in->groups, c.ngroups * sizeof(uint32_t));
	for (uint32_t i = 0; i < c.ngroups; i++)
		if (c.groups[i] == VID_KEEP)
			return -XE_EINVAL;
	/* Checked; now change. A space not met yet gets its entry now. */
	p = proc_get(r->v, (exo_space_t)in->space);
	if (!p)
		return -XE_ENOMEM;
	p->cred = c;
	return 0;
}
