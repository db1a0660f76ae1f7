/*
 * servers/vfs/path.c — path resolution: absolute and relative paths, "." and
 * "..", ENAMETOOLONG, ENOTDIR, trailing slashes.
 *
 * ".." at the root stays at the root. A trailing slash requires the last
 * component to be a directory (ENOTDIR otherwise), and for a file that does
 * not exist yet it is only allowed for directories being made.
 */
#include <string.h>

#include <exo/errno.h>

#include "vfs.h"

int path_resolve(struct vfs *v, struct vproc *p, const char *path, size_t len, bool parent,
		 struct node **dir, struct node **node, char last[VFS_NAME_MAX + 1], bool *slash)
{
	struct node *cur;
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
	cur = path[0] == '/' ? v->root : p->cwd;
	*slash = path[len - 1] == '/';
	for (;;) {
		char name[VFS_NAME_MAX + 1];
		size_t start, n;
		bool final;
		struct dent *d;

		while (i < len && path[i] == '/')
			i++;
		start = i;
		while (i < len && path[i] != '/')
			i++;
		n = i - start;
		if (n > VFS_NAME_MAX)
			return -XE_ENAMETOOLONG;
		/* Is this the last component (only slashes after it)? */
		final = true;
		for (size_t j = i; j < len; j++)
			if (path[j] != '/')
				final = false;
		if (n == 0) { /* "/" or a path of slashes: the start itself */
			*dir = cur;
			*node = cur;
			return 0;
		}
		memcpy(name, path + start, n);
		name[n] = 0;
		if (!node_is_dir(cur))
			return -XE_ENOTDIR;
		if (final && parent) {
			*dir = cur;
			strcpy(last, name);
			if (strcmp(name, ".") == 0)
				*node = cur;
			else if (strcmp(name, "..") == 0)
				*node = cur->parent ? cur->parent : cur;
			else if ((d = dir_find(cur, name)) != NULL)
				*node = d->node;
			if (*slash && *node && !node_is_dir(*node))
				return -XE_ENOTDIR;
			return 0;
		}
		if (strcmp(name, ".") == 0) {
			/* stay */
		} else if (strcmp(name, "..") == 0) {
			cur = cur->parent ? cur->parent : cur;
		} else {
			d = dir_find(cur, name);
			if (!d)
				return -XE_ENOENT;
			cur = d->node;
		}
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
int path_of(struct vfs *v, struct node *dir, char *buf, size_t size, size_t *len)
{
	char tmp[VFS_PATH_MAX + 1];
	size_t pos = sizeof(tmp);

	tmp[--pos] = 0;
	while (dir != v->root) {
		struct node *up = dir->parent;
		const char *name = NULL;
		size_t n;

		if (!up)
			return -XE_ENOENT; /* removed while it was the working directory */
		for (size_t i = 0; i < up->nents && !name; i++)
			if (up->ents[i].node == dir)
				name = up->ents[i].name;
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
