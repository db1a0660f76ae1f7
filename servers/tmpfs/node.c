/*
 * servers/tmpfs/node.c — tmpfs's nodes: the id table, directory entries,
 * file data and the byte limit.
 */
#include <stdlib.h>
#include <string.h>

#include <exo/errno.h>

#include "tmpfs.h"

uint64_t tmpfs_now(void)
{
	return exo_clock_ns() + exo_realtime_offset_ns();
}

bool tnode_is_dir(const struct tnode *n)
{
	return (n->mode & VS_IFMT) == VS_IFDIR;
}

struct tnode *tnode_new(struct tmpfs *t, uint32_t mode, uint32_t uid, uint32_t gid)
{
	struct tnode *n = calloc(1, sizeof(*n));
	size_t b;

	if (!n)
		return NULL;
	n->id = ++t->next_id;
	n->mode = mode;
	n->uid = uid;
	n->gid = gid;
	n->atime = n->mtime = n->ctime = tmpfs_now();
	n->next_cookie = 1;
	b = n->id % TMPFS_BUCKETS;
	n->hnext = t->table[b];
	t->table[b] = n;
	t->nodes++;
	return n;
}

struct tnode *tnode_find(struct tmpfs *t, uint64_t id)
{
	for (struct tnode *n = t->table[id % TMPFS_BUCKETS]; n; n = n->hnext)
		if (n->id == id)
			return n;
	return NULL;
}

void tnode_put(struct tmpfs *t, struct tnode *n)
{
	struct tnode **q = &t->table[n->id % TMPFS_BUCKETS];

	if (n->nlink > 0 || n->holds > 0 || n == t->root)
		return;
	while (*q != n)
		q = &(*q)->hnext;
	*q = n->hnext;
	for (size_t i = 0; i < n->nents; i++)
		free(n->ents[i].name);
	free(n->ents);
	t->bytes -= n->cap;
	free(n->data);
	free(n);
	t->nodes--;
}

struct tent *tdir_find(struct tnode *dir, const char *name)
{
	for (size_t i = 0; i < dir->nents; i++)
		if (strcmp(dir->ents[i].name, name) == 0)
			return &dir->ents[i];
	return NULL;
}

int tdir_add(struct tmpfs *t, struct tnode *dir, const char *name, struct tnode *n)
{
	struct tent *e;

	(void)t;
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
	e->cookie = dir->next_cookie++;
	dir->nents++;
	n->nlink++;
	if (tnode_is_dir(n)) {
		n->parent = dir;
		n->nlink++;   /* its "." */
		dir->nlink++; /* its ".." */
	}
	dir->mtime = dir->ctime = n->ctime = tmpfs_now();
	return 0;
}

void tdir_remove(struct tmpfs *t, struct tnode *dir, struct tent *e)
{
	struct tnode *n = e->node;
	size_t i = (size_t)(e - dir->ents);

	free(e->name);
	memmove(&dir->ents[i], &dir->ents[i + 1], (dir->nents - i - 1) * sizeof(*e));
	dir->nents--;
	n->nlink--;
	if (tnode_is_dir(n)) {
		n->nlink--;
		dir->nlink--;
		n->parent = NULL;
	}
	dir->mtime = dir->ctime = n->ctime = tmpfs_now();
	tnode_put(t, n);
}

int tnode_resize(struct tmpfs *t, struct tnode *n, uint64_t size)
{
	if (size > (1ull << 40))
		return -XE_EFBIG;
	if (size > n->cap) {
		uint64_t cap = n->cap ? n->cap : 4096;
		uint8_t *d;

		while (cap < size)
			cap *= 2;
		if (t->bytes - n->cap + cap > t->max_bytes)
			return -XE_ENOSPC;
		d = realloc(n->data, cap);
		if (!d)
			return -XE_ENOSPC;
		t->bytes += cap - n->cap;
		n->data = d;
		n->cap = cap;
	}
	if (size > n->size)
		memset(n->data + n->size, 0, size - n->size);
	n->size = size;
	return 0;
}
