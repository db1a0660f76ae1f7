/*
 * servers/vfs/node.c — ramfs: nodes, and their link counts and times
 * around the directory entries and file data of servers/lib/ramnode.c.
 */
#include <stdlib.h>

#include <exo/errno.h>

#include "vfs.h"

uint64_t vfs_now(void)
{
	exo_kinfo_t ki;

	return exo_kernel_info(&ki) == EXO_OK ? ki.clock_ns : 0;
}

bool node_is_dir(const struct node *n)
{
	return (n->mode & VS_IFMT) == VS_IFDIR;
}

struct node *node_new(struct vfs *v, uint32_t mode)
{
	struct node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->ino = ++v->next_ino;
	n->mode = mode;
	n->atime = n->mtime = n->ctime = vfs_now();
	n->dir.next_cookie = 2; /* 0: ".", 1: ".." */
	v->nodes++;
	return n;
}

/* Free a node nobody links or opens any more. */
void node_put(struct vfs *v, struct node *n)
{
	if (n->nlink > 0 || n->opens > 0 || n->mnt)
		return; /* a vnode goes after the request (mount.c) */
	pipe_free(n);
	lock_node_free(n);
	ram_dir_free(&n->dir);
	if (n->shm)
		shm_node_free(n);
	else
		free(n->data);
	free(n);
	v->nodes--;
}

struct ram_ent *dir_find(struct node *dir, const char *name)
{
	return ram_dir_find(&dir->dir, name);
}

int dir_add(struct vfs *v, struct node *dir, const char *name, struct node *n)
{
	int e;

	(void)v;
	if ((e = ram_dir_add(&dir->dir, name, n)))
		return e;
	n->nlink++;
	if (node_is_dir(n)) {
		n->parent = dir;
		n->nlink++;   /* its "." */
		dir->nlink++; /* its ".." */
	}
	dir->mtime = dir->ctime = n->ctime = vfs_now();
	return 0;
}

void dir_remove(struct vfs *v, struct node *dir, struct ram_ent *d)
{
	struct node *n = ram_dir_remove(&dir->dir, d);

	n->nlink--;
	if (node_is_dir(n)) {
		n->nlink--;
		dir->nlink--;
		n->parent = NULL;
	}
	dir->mtime = dir->ctime = n->ctime = vfs_now();
	node_put(v, n);
}

bool dir_empty(const struct node *dir)
{
	return dir->dir.nents == 0;
}

int file_resize(struct node *n, uint64_t size)
{
	if (size > RAM_FILE_MAX)
		return -XE_EFBIG;
	if (n->shm) {
		int e = shm_node_resize(n, size); /* n->cap holds size after it */

		if (e)
			return e;
	}
	return ram_data_resize(&n->data, &n->size, &n->cap, size, UINT64_MAX);
}
