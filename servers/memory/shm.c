/*
 * servers/memory/shm.c — shared memory objects: named (shm_open) or
 * anonymous (MAP_SHARED|MAP_ANONYMOUS), their frames made on first touch and
 * kept until the last reference goes after an unlink.
 */
#include <stdlib.h>
#include <string.h>

#include <exo/errno.h>

#include "memory.h"

struct shm *shm_find_id(struct memsrv *ms, uint32_t id)
{
	for (struct shm *o = ms->shms; o; o = o->next)
		if (o->id == id)
			return o;
	return NULL;
}

static struct shm *find_name(struct memsrv *ms, const char *name)
{
	for (struct shm *o = ms->shms; o; o = o->next)
		if (!o->unlinked && o->name[0] && strcmp(o->name, name) == 0)
			return o;
	return NULL;
}

int shm_resize(struct memsrv *ms, struct shm *o, uint64_t size)
{
	uint64_t n = (size + EXO_PAGE_SIZE - 1) / EXO_PAGE_SIZE;
	uint64_t *f;

	if (n > EXO_VM_SIZE / EXO_PAGE_SIZE)
		return -XE_EFBIG;
	for (uint64_t i = n; i < o->npages; i++)
		if (o->frames[i])
			frame_release(ms, o->frames[i] - 1);
	f = realloc(o->frames, (n ? n : 1) * sizeof(uint64_t));
	if (!f)
		return -XE_ENOMEM;
	if (n > o->npages)
		memset(f + o->npages, 0, (n - o->npages) * sizeof(uint64_t));
	o->frames = f;
	o->npages = n;
	return 0;
}

struct shm_user *shm_user(struct shm *o, exo_space_t space, bool create)
{
	struct shm_user *u;

	for (unsigned i = 0; i < o->nusers; i++)
		if (o->users[i].space == space)
			return &o->users[i];
	if (!create)
		return NULL;
	u = realloc(o->users, (o->nusers + 1) * sizeof(*u));
	if (!u)
		return NULL;
	o->users = u;
	u = &o->users[o->nusers++];
	*u = (struct shm_user){ .space = space };
	return u;
}

int shm_open_obj(struct memsrv *ms, exo_space_t space, const char *name, unsigned flags, uint64_t size,
		 struct shm **out)
{
	struct shm *o = name[0] ? find_name(ms, name) : NULL;
	bool made = false;

	if (o && (flags & MEM_SHM_CREAT) && (flags & MEM_SHM_EXCL))
		return -XE_EEXIST;
	if (!o) {
		if (name[0] && !(flags & MEM_SHM_CREAT))
			return -XE_ENOENT;
		o = calloc(1, sizeof(*o));
		if (!o)
			return -XE_ENOMEM;
		strncpy(o->name, name, sizeof(o->name) - 1);
		o->id = ++ms->next_shm;
		if (shm_resize(ms, o, size) < 0) {
			free(o);
			return -XE_ENOMEM;
		}
		o->next = ms->shms;
		ms->shms = o;
		made = true;
	}
	if (space) {
		struct shm_user *u = shm_user(o, space, true);

		if (!u) {
			if (made)
				shm_put(ms, o);
			return -XE_ENOMEM;
		}
		u->refs++;
	}
	o->refs++;
	*out = o;
	return 0;
}

static void destroy(struct memsrv *ms, struct shm *o)
{
	struct shm **pp = &ms->shms;

	while (*pp != o)
		pp = &(*pp)->next;
	*pp = o->next;
	for (uint64_t i = 0; i < o->npages; i++)
		if (o->frames[i])
			frame_release(ms, o->frames[i] - 1);
	free(o->frames);
	free(o->users);
	free(o);
}

void shm_put(struct memsrv *ms, struct shm *o)
{
	if (--o->refs == 0 && (o->unlinked || !o->name[0]))
		destroy(ms, o);
}

void shm_forget_space(struct memsrv *ms, exo_space_t space)
{
	struct shm *o, *next;

	for (o = ms->shms; o; o = next) {
		struct shm_user *u = shm_user(o, space, false);
		unsigned refs;

		next = o->next;
		if (!u)
			continue;
		refs = u->refs;
		*u = o->users[--o->nusers];
		while (refs--)
			shm_put(ms, o); /* the last may destroy o: `next` was taken before */
	}
}

int shm_unlink_obj(struct memsrv *ms, const char *name)
{
	struct shm *o = find_name(ms, name);

	if (!o)
		return -XE_ENOENT;
	o->unlinked = true;
	if (o->refs == 0)
		destroy(ms, o);
	return 0;
}
