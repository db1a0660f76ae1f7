/*
 * servers/tmpfs/node.c — tmpfs's nodes: the id table, link counts, times
 * and the byte limit around the directory entries and file data of
 * servers/lib/ramnode.c.
 */
#include <stdlib.h>

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
	n->dir.next_cookie = 1;
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
	ram_dir_free(&n->dir);
	t->bytes -= n->cap;
	free(n->data);
	free(n);
	t->nodes--;
}

struct ram_ent *tdir_find(struct tnode *dir, const char *name)
{
	return ram_dir_find(&dir->dir, name);
}

int tdir_add(struct tmpfs *t, struct tnode *dir, const char *name, struct tnode *n)
{
	int e;

	(void)t;
	if ((e = ram_dir_add(&dir->dir, name, n)))
		return e;
	n->nlink++;
	if (tnode_is_dir(n)) {
		n->parent = dir;
		n->nlink++;   /* its "." */
		dir->nlink++; /* its ".." */
	}
	dir->mtime = dir->ctime = n->ctime = tmpfs_now();
	return 0;
}

void tdir_remove(struct tmpfs *t, struct tnode *dir, struct ram_ent *e)
{
	struct tnode *n = ram_dir_remove(&dir->dir, e);

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
	uint64_t cap = n->cap;
	/* the byte limit: the data of every other node, and this one's new capacity */
	int e = ram_data_resize(&n->data, &n->size, &n->cap, size, t->max_bytes - (t->bytes - n->cap));

	if (!e)
		t->bytes += n->cap - cap;
	return e;
}
