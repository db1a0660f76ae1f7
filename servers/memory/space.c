/*
 * servers/memory/space.c — the spaces the server pages: their regions (sorted,
 * split on partial unmap or protect), accounting and limits.
 *
 * Private pages are charged when a region is made (no overcommit), so a
 * space that passes its limit gets ENOMEM from mmap, and a fault never finds
 * its space over the limit.
 */
#include <stdlib.h>
#include <string.h>

#include <exo/errno.h>

#include "memory.h"

#define VM_END (EXO_VM_BASE + EXO_VM_SIZE)
#define MMAP_BASE (EXO_VM_BASE + MEM_BRK_MAX)

struct mspace *mspace_get(struct memsrv *ms, exo_space_t id, bool create)
{
	struct mspace *s;

	for (s = ms->spaces; s; s = s->next)
		if (s->id == id)
			return s;
	if (!create || !(s = calloc(1, sizeof(*s))))
		return NULL;
	s->id = id;
	s->limit = ms->default_limit;
	s->brk = EXO_VM_BASE;
	s->next = ms->spaces;
	ms->spaces = s;
	return s;
}

static void region_free(struct memsrv *ms, struct mspace *s, struct region *r, bool revoke)
{
	uint64_t n = r->len / EXO_PAGE_SIZE;
	struct revoke rv = { 0 };

	if (r->frames) {
		for (uint64_t i = 0; i < n; i++) {
			if (!r->frames[i])
				continue;
			if (revoke)
				revoke_add(ms, &rv, r->frames[i] - 1, EXO_RWX, true);
			else
				frame_free(ms, r->frames[i] - 1);
		}
		revoke_flush(ms, &rv);
		free(r->frames);
		s->charged -= n;
	} else if (r->obj) {
		/* Shared pages stay with the object; take them from this space. */
		for (uint64_t i = 0; revoke && i < n && r->off + i < r->obj->npages; i++)
			if (r->obj->frames[r->off + i])
				revoke_add(ms, &rv, r->obj->frames[r->off + i] - 1, EXO_RWX, false);
		revoke_flush(ms, &rv);
		shm_put(ms, r->obj);
	}
	free(r);
}

/* Free every region of s; `revoke`: take its pages from the spaces that map them first. */
static void regions_free_all(struct memsrv *ms, struct mspace *s, bool revoke)
{
	while (s->regions) {
		struct region *r = s->regions;

		s->regions = r->next;
		region_free(ms, s, r, revoke);
	}
	s->charged = 0;
	s->brk = EXO_VM_BASE;
}

void mspace_exit(struct memsrv *ms, exo_space_t id)
{
	struct mspace **pp = &ms->spaces, *s;

	while ((s = *pp) && s->id != id)
		pp = &s->next;
	if (!s)
		return;
	*pp = s->next;
	image_forget(ms, s);
	regions_free_all(ms, s, false); /* the kernel already removed its mappings */
	free(s);
}

/*
 * The space lives on (exec): its mappings are still in the mapping database,
 * so they are revoked before the frames go. A frame it shared after a fork
 * is revoked from the other owners too (the kernel cannot take one space's
 * mapping of a frame alone); they fault it in again.
 */
void mspace_reset(struct memsrv *ms, struct mspace *s)
{
	regions_free_all(ms, s, true);
}

struct region *region_find(struct mspace *s, uint64_t addr)
{
	for (struct region *r = s->regions; r && r->start <= addr; r = r->next)
		if (addr < r->start + r->len)
			return r;
	return NULL;
}

bool range_free(struct mspace *s, uint64_t start, uint64_t len)
{
	for (struct region *r = s->regions; r; r = r->next)
		if (r->start < start + len && start < r->start + r->len)
			return false;
	return true;
}

uint64_t range_find(struct mspace *s, uint64_t len, uint64_t hint)
{
	uint64_t a = MMAP_BASE;

	if (hint >= MMAP_BASE && hint + len <= VM_END && hint + len > hint && range_free(s, hint, len))
		return hint;
	for (struct region *r = s->regions; r; r = r->next) {
		if (r->start + r->len <= a)
			continue;
		if (r->start >= a + len)
			break;
		a = r->start + r->len;
	}
	return a + len <= VM_END ? a : 0;
}

static void link_region(struct mspace *s, struct region *n)
{
	struct region **pp = &s->regions;

	while (*pp && (*pp)->start < n->start)
		pp = &(*pp)->next;
	n->next = *pp;
	*pp = n;
}

int region_add(struct memsrv *ms, struct mspace *s, uint64_t start, uint64_t len, unsigned prot,
	       unsigned flags, struct shm *obj, uint64_t off)
{
	uint64_t n = len / EXO_PAGE_SIZE;
	struct region *r;

	(void)ms;
	if (!obj && s->charged + n > s->limit)
		return -XE_ENOMEM;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -XE_ENOMEM;
	if (!obj && !(r->frames = calloc(n, sizeof(uint64_t)))) {
		free(r);
		return -XE_ENOMEM;
	}
	r->start = start;
	r->len = len;
	r->prot = prot;
	r->flags = flags;
	r->obj = obj;
	r->off = off;
	if (obj)
		obj->refs++;
	else
		s->charged += n;
	link_region(s, r);
	return 0;
}

/* Split r at addr (inside it): r keeps the front, a new region the back. */
static int split(struct mspace *s, struct region *r, uint64_t addr)
{
	uint64_t front = (addr - r->start) / EXO_PAGE_SIZE, back = r->len / EXO_PAGE_SIZE - front;
	struct region *b = calloc(1, sizeof(*b));

	if (!b)
		return -XE_ENOMEM;
	*b = *r;
	b->start = addr;
	b->len = back * EXO_PAGE_SIZE;
	if (r->frames) {
		b->frames = malloc(back * sizeof(uint64_t));
		if (!b->frames) {
			free(b);
			return -XE_ENOMEM;
		}
		memcpy(b->frames, r->frames + front, back * sizeof(uint64_t));
	} else {
		b->off = r->off + front;
		r->obj->refs++;
	}
	r->len = front * EXO_PAGE_SIZE;
	r->next = b;
	(void)s;
	return 0;
}

/* Cut the regions overlapping [start, start+len) so that the range is whole regions. */
static int isolate(struct mspace *s, uint64_t start, uint64_t len)
{
	for (struct region *r = s->regions; r; r = r->next) {
		int e = 0;

		if (r->start < start && start < r->start + r->len)
			e = split(s, r, start);
		else if (r->start < start + len && start + len < r->start + r->len)
			e = split(s, r, start + len);
		if (e)
			return e;
	}
	return 0;
}

void regions_remove(struct memsrv *ms, struct mspace *s, uint64_t start, uint64_t len)
{
	struct region **pp = &s->regions, *r;

	if (isolate(s, start, len) < 0)
		return;
	while ((r = *pp) != NULL) {
		if (r->start >= start && r->start + r->len <= start + len) {
			*pp = r->next;
			region_free(ms, s, r, true);
		} else {
			pp = &r->next;
		}
	}
}

int regions_protect(struct memsrv *ms, struct mspace *s, uint64_t start, uint64_t len, unsigned prot)
{
	uint64_t covered = 0;
	int e;

	for (struct region *r = s->regions; r; r = r->next)
		if (r->start < start + len && start < r->start + r->len)
			covered += (r->start + r->len < start + len ? r->start + r->len : start + len) -
				   (r->start > start ? r->start : start);
	if (covered != len)
		return -XE_ENOMEM; /* POSIX: part of the range is not mapped */
	e = isolate(s, start, len);
	if (e)
		return e;
	for (struct region *r = s->regions; r; r = r->next) {
		struct revoke rv = { 0 };
		unsigned lost;

		if (r->start < start || r->start + r->len > start + len)
			continue;
		lost = r->prot & ~prot;
		r->prot = prot;
		if (!lost)
			continue; /* more rights: the next fault maps them */
		for (uint64_t i = 0; i < r->len / EXO_PAGE_SIZE; i++) {
			uint64_t f = r->frames ? r->frames[i]
					       : (r->off + i < r->obj->npages ? r->obj->frames[r->off + i] : 0);

			/* Losing read takes the page entirely; the kernel does that for R. */
			if (f)
				revoke_add(ms, &rv, f - 1, lost & EXO_R ? EXO_RWX : lost, false);
		}
		revoke_flush(ms, &rv);
	}
	return 0;
}
