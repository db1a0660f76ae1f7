/*
 * servers/vfs/path.c — path resolution: absolute and relative paths, "." and
 * "..", symbolic links, ENAMETOOLONG, ENOTDIR, ELOOP, trailing slashes.
 *
 * Symbolic links are followed in every component but the last, and in the
 * last too when the caller asks (open, stat, chdir) or the path ends in '/';
 * more than 40 of them is ELOOP.
 *
 * Every directory a name is looked up in needs search (execute) permission
 * for the caller (EACCES), "." and ".." included.
 *
 * ".." at the root stays at the root. A trailing slash requires the last
 * component to be a directory (ENOTDIR otherwise), and for a file that does
 * not exist yet it is only allowed for directories being made.
 *
 * Mounts (mount.c): a name that leads to a covered directory leads to the
 * root of what is mounted there; ".." at a mount's root is ".." of the
 * directory it covers. In a mounted file system a name is looked up by
 * asking its server (fsc.c), which gives a vnode.
 */
#include <string.h>

#include <exo/errno.h>

#include "vfs.h"

/* Replace what was resolved so far by a symbolic link's target, then the rest. */
static int splice(char *buf, size_t *len, size_t *i, const struct node *link)
{
	char tmp[2 * VFS_PATH_MAX + 2];
	size_t rest = *len - *i, t = link->size;

	if (t + 1 + rest > VFS_PATH_MAX)
		return -XE_ENAMETOOLONG;
	memcpy(tmp, link->data, t);
	tmp[t] = '/';
	memcpy(tmp + t + 1, buf + *i, rest);
	*len = t + 1 + rest;
	memcpy(buf, tmp, *len);
	*i = 0;
	return 0;
}

static bool is_link(const struct node *n)
{
	return (n->mode & VS_IFMT) == VS_IFLNK;
}

/* ".." of cur, never above root: across mount roots to the covered directory's parent. */
static int dotdot(struct vfs *v, struct node *cur, struct node *root, struct node **next)
{
	while (cur != root && cur->mnt && cur == cur->mnt->root)
		cur = cur->mnt->covered;
	if (cur == root) {
		*next = cur;
		return 0;
	}
	if (cur->mnt)
		return fsc_lookup(v, cur, "..", next);
	*next = cur->parent ? cur->parent : cur;
	return 0;
}

/* name in directory cur: *next is NULL when it does not exist. */
static int lookup(struct vfs *v, struct node *cur, const char *name, struct node **next)
{
	struct ram_ent *d;
	int e;

	if (cur->mnt) {
		e = fsc_lookup(v, cur, name, next);
		if (e == -XE_ENOENT)
			e = 0;
	} else {
		*next = (d = dir_find(cur, name)) ? d->node : NULL;
		e = 0;
	}
	/* Down through what is mounted here. */
	while (!e && *next && (*next)->mounted)
		*next = (*next)->mounted->root;
	return e;
}

int path_resolve(struct vfs *v, struct vproc *p, const struct vcred *who, struct node *from, const char *path,
		 size_t len, bool parent, bool follow, struct node **dir, struct node **node,
		 char last[VFS_NAME_MAX + 1], bool *slash)
{
	char buf[2 * VFS_PATH_MAX + 2];
	struct node *cur, *root = p->root ? p->root : v->root;
	unsigned links = 0;
	size_t i = 0;

	*dir = NULL;
	*node = NULL;
	last[0] = 0;
	*slash = false;
	if (len == 0)
		return -XE_ENOENT;
	if (len > VFS_PATH_MAX)
		return -XE_ENAMETOOLONG;
	if (memchr(path, 0, len))
		return -XE_EINVAL;
	memcpy(buf, path, len);
	cur = path[0] == '/' ? root : from ? from : p->cwd;
	*slash = path[len - 1] == '/';
	for (;;) {
		char name[VFS_NAME_MAX + 1];
		size_t start, n;
		bool final;
		struct node *next;
		int e;

		if (i < len && buf[i] == '/' && i == 0)
			cur = root; /* a link to an absolute path starts over at / */
		while (i < len && buf[i] == '/')
			i++;
		start = i;
		while (i < len && buf[i] != '/')
			i++;
		n = i - start;
		if (n > VFS_NAME_MAX)
			return -XE_ENAMETOOLONG;
		final = true;
		for (size_t j = i; j < len; j++)
			if (buf[j] != '/')
				final = false;
		if (n == 0) { /* "/" or only slashes: the start itself */
			*dir = cur;
			*node = cur;
			return 0;
		}
		memcpy(name, buf + start, n);
		name[n] = 0;
		if (!node_is_dir(cur))
			return -XE_ENOTDIR;
		/* Looking in a directory, even for "." or "..", takes search permission. */
		if (perm_check(who, cur, VACC_X) < 0)
			return -XE_EACCES;
		if (strcmp(name, ".") == 0)
			next = cur;
		else if ((e = strcmp(name, "..") == 0 ? dotdot(v, cur, root, &next) : lookup(v, cur, name, &next)) < 0)
			return e;
		/* A symbolic link is followed unless it is the last component and not asked to. */
		if (next && is_link(next) && (!final || follow || *slash)) {
			if (++links > 40)
				return -XE_ELOOP;
			e = splice(buf, &len, &i, next);
			if (e)
				return e;
			if (buf[0] == '/')
				cur = root;
			continue;
		}
		if (final && parent) {
			*dir = cur;
			strcpy(last, name);
			*node = next;
			if (*slash && next && !node_is_dir(next))
				return -XE_ENOTDIR;
			return 0;
		}
		if (!next)
			return -XE_ENOENT;
		cur = next;
		if (final) {
			if (*slash && !node_is_dir(cur))
				return -XE_ENOTDIR;
			*dir = cur->parent ? cur->parent : cur;
			*node = cur;
			return 0;
		}
	}
}

/* The absolute path of a directory, into buf. */
int path_of(struct vfs *v, struct node *root, struct node *dir, char *buf, size_t size, size_t *len)
{
	char tmp[VFS_PATH_MAX + 1], fsname[VFS_NAME_MAX + 1];
	size_t pos = sizeof(tmp);

	tmp[--pos] = 0;
	while (dir != root) {
		struct node *up = dir->parent;
		const char *name = NULL;
		size_t n;

		if (dir->mnt && dir == dir->mnt->root) {
			dir = dir->mnt->covered; /* its name is the covered directory's */
			continue;
		}
		if (dir->mnt) {
			int e = fsc_lookup(v, dir, "..", &up);

			if (e)
				return e;
			if (up == dir)
				return -XE_ENOENT; /* removed while it was the working directory */
			if ((e = fsc_name_of(up, dir, fsname)) < 0)
				return e;
			name = fsname;
		}
		if (!up)
			return -XE_ENOENT; /* removed while it was the working directory */
		for (size_t i = 0; i < up->dir.nents && !name; i++)
			if (up->dir.ents[i].node == dir)
				name = up->dir.ents[i].name;
		if (!name)
			return -XE_ENOENT;
		n = strlen(name);
		if (n + 1 > pos)
			return -XE_ENAMETOOLONG;
		pos -= n;
		memcpy(tmp + pos, name, n);
		tmp[--pos] = '/';
		dir = up;
	}
	if (pos == sizeof(tmp) - 1)
		tmp[--pos] = '/';
	*len = sizeof(tmp) - 1 - pos;
	if (*len + 1 > size)
		return -XE_ERANGE;
	memcpy(buf, tmp + pos, *len + 1);
	return 0;
}
