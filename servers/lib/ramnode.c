/*
 * servers/lib/ramnode.c — directory entries and file data in memory, shared
 * by the VFS's ramfs and the tmpfs server (ramnode.h).
 */
#include <stdlib.h>
#include <string.h>

#include <exo/errno.h>
#include <exo/vfs.h>

#include "ramnode.h"

struct ram_ent *ram_dir_find(struct ram_dir *d, const char *name)
{
	for (size_t i = 0; i < d->nents; i++)
		if (strcmp(d->ents[i].name, name) == 0)
			return &d->ents[i];
	return NULL;
}

int ram_dir_add(struct ram_dir *d, const char *name, void *node)
{
	struct ram_ent *e;

	if (d->nents == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 8;

		e = realloc(d->ents, cap * sizeof(*e));
		if (!e)
			return -XE_ENOSPC;
		d->ents = e;
		d->cap = cap;
	}
	e = &d->ents[d->nents];
	e->name = strdup(name);
	if (!e->name)
		return -XE_ENOSPC;
	e->node = node;
	e->cookie = d->next_cookie++;
	d->nents++;
	return 0;
}

void *ram_dir_remove(struct ram_dir *d, struct ram_ent *e)
{
	void *node = e->node;
	size_t i = (size_t)(e - d->ents);

	free(e->name);
	memmove(&d->ents[i], &d->ents[i + 1], (d->nents - i - 1) * sizeof(*e));
	d->nents--;
	return node;
}

size_t ram_dir_seek(const struct ram_dir *d, uint64_t cookie)
{
	size_t lo = 0, hi = d->nents;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (d->ents[mid].cookie < cookie)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void ram_dir_free(struct ram_dir *d)
{
	for (size_t i = 0; i < d->nents; i++)
		free(d->ents[i].name);
	free(d->ents);
}

size_t ram_dirent_len(const char *name)
{
	return (offsetof(struct vfs_dirent, name) + strlen(name) + 1 + 7) & ~(size_t)7;
}

void ram_dirent_put(void *buf, size_t *len, uint64_t ino, uint64_t next, uint8_t type, const char *name)
{
	size_t rec = ram_dirent_len(name);
	struct vfs_dirent *d = (struct vfs_dirent *)(void *)((char *)buf + *len);

	memset(d, 0, rec);
	d->ino = ino;
	d->next = next;
	d->reclen = (uint16_t)rec;
	d->type = type;
	memcpy(d->name, name, strlen(name) + 1);
	*len += rec;
}

int ram_data_resize(uint8_t **data, uint64_t *size, uint64_t *cap, uint64_t new_size, uint64_t max_cap)
{
	if (new_size > RAM_FILE_MAX)
		return -XE_EFBIG;
	if (new_size > *cap) {
		uint64_t c = *cap ? *cap : 4096;
		uint8_t *d;

		while (c < new_size)
			c *= 2;
		if (c > max_cap)
			return -XE_ENOSPC;
		d = realloc(*data, c);
		if (!d)
			return -XE_ENOSPC;
		*data = d;
		*cap = c;
	}
	if (new_size > *size)
		memset(*data + *size, 0, new_size - *size);
	*size = new_size;
	return 0;
}
