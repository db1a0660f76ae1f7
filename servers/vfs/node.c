/*
 * servers/vfs/node.c — ramfs: nodes, directory entries, file data.
 *
 * A directory keeps its entries in insertion order with an increasing id
 * each, so a directory cookie (the next id to return) stays valid while
 * entries come and go: a listing returns every entry present throughout it
 * exactly once.
 */
#include <stdlib.h>
#include <string.h>

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
	n->next_id = 2; /* 0: ".", 1: ".." */
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
	for (size_t i = 0; i < n->nents; i++)
		free(n->ents[i].name);
	free(n->ents);
	if (n->shm)
		shm_node_free(n);
	else
		free(n->data);
	free(n);
	v->nodes--;
}

struct dent *dir_find(struct node *dir, const char *name)
{
	for (size_t i = 0; i < dir->nents; i++)
		if (strcmp(dir->ents[i].name, name) == 0)
			return &dir->ents[i];
	return NULL;
}

int dir_add(struct vfs *v, struct node *dir, const char *name, struct node *n)
{
	struct dent *e;

	(void)v;
	if (dir->nents == dir->cap_ents) {
		size_t cap = dir->cap_ents ? dir->cap_ents * 2 : 8;

		e = realloc(dir->ents, cap * sizeof(*e));
		if (!e)
			return -XE_ENOSPC;
		dir->ents = e;
		dir->cap_ents = cap;
	}
	e = &dir->ents[dir->nents];
	e->name = strdup(name);
	if (!e->name)
		return -XE_ENOSPC;
	e->node = n;
	e->id = dir->next_id++;
	dir->nents++;
	n->nlink++;
	if (node_is_dir(n)) {
		n->parent = dir;
		n->nlink++;   /* its "." */
		dir->nlink++; /* its ".." */
	}
	dir->mtime = dir->ctime = n->ctime = vfs_now();
	return 0;
}

void dir_remove(struct vfs *v, struct node *dir, struct dent *d)
{
	struct node *n = d->node;
	size_t i = (size_t)(d - dir->ents);

	free(d->name);
	memmove(&dir->ents[i], &dir->ents[i + 1], (dir->nents - i - 1) * sizeof(*d));
	dir->nents--;
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
	return dir->nents == 0;
}

int file_resize(struct node *n, uint64_t size)
{
	if (size > (1ull << 40))
		return -XE_EFBIG;
	if (n->shm) {
		int e = shm_node_resize(n, size);

		if (e)
			return e;
	} else if (size > n->cap) {
		uint64_t cap = n->cap ? n->cap : 4096;
		uint8_t *d;

		while (cap < size)
			cap *= 2;
		d = realloc(n->data, cap);
		if (!d)
			return -XE_ENOSPC;
		n->data = d;
		n->cap = cap;
	}
	if (size > n->size)
		memset(n->data + n->size, 0, size - n->size);
	n->size = size;
	return 0;
}
