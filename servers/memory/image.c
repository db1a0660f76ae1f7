/*
 * servers/memory/image.c — the layout of a space's next program, staged by
 * a user-level loader (MEM_IMAGE in exo/memory.h), and its installation
 * when the kernel restarts the space there (EXO_LABEL_EXEC).
 *
 * The loader (libposix on riscv64) makes a private region per segment and
 * one for the first stack, fills them while they are still its own, and
 * names them here with the addresses they must have. The regions leave the
 * caller's layout at once, frames and all, and wait in mspace.next: nothing
 * is copied. The caller goes on running its old program until the kernel
 * restarts it; the kernel's call for the restarted thread is the commit.
 *
 * Invariants: a waiting region is mapped nowhere (its staged mappings were
 * revoked when it was taken) and stays charged to the space, so the new
 * program never starts over its limit; waiting regions do not overlap and
 * lie outside the managed range.
 */
#include <stdlib.h>

#include <exo/errno.h>

#include "memory.h"

void image_forget(struct memsrv *ms, struct mspace *s)
{
	while (s->next_image) {
		struct region *r = s->next_image;

		s->next_image = r->next;
		for (uint64_t i = 0; i < r->len / EXO_PAGE_SIZE; i++)
			if (r->frames[i])
				frame_free(ms, r->frames[i] - 1);
		s->charged -= r->len / EXO_PAGE_SIZE;
		free(r->frames);
		free(r);
	}
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* The staged region of one entry: exactly one private region of the caller. */
static struct region *staged(struct mspace *s, const uint64_t *e)
{
	struct region *r = region_find(s, e[0]);

	return r && r->start == e[0] && r->len == e[2] && r->frames && !r->obj ? r : NULL;
}

static int check_entry(struct mspace *s, const uint64_t *e, const uint64_t *all, unsigned i)
{
	uint64_t from = e[0], to = e[1], len = e[2], mask = EXO_PAGE_SIZE - 1;

	if (len == 0 || ((from | to | len) & mask) || (e[3] & ~(uint64_t)EXO_RWX) || to < MEM_IMAGE_LOW ||
	    to + len < to || overlaps(to, len, EXO_VM_BASE, EXO_VM_SIZE) || !staged(s, e))
		return -XE_EINVAL;
	for (unsigned j = 0; j < i; j++)
		if (overlaps(to, len, all[4 * j + 1], all[4 * j + 2]) || all[4 * j] == from)
			return -XE_EINVAL;
	return 0;
}

_Static_assert(sizeof(((struct memory_image_in *)0)->table) == 4 * MEM_IMAGE_MAX * sizeof(uint64_t),
	       "protocols/memory.def: IMAGE's table holds MEM_IMAGE_MAX entries of 4 words");

int mem_image(void *ctx, const struct memory_image_in *in)
{
	struct mem_req *r = ctx;
	struct mspace *s = mspace_get(r->ms, r->space, true);
	uint64_t n = in->n;
	const uint64_t *e = in->table;
	struct region *list = NULL;
	struct revoke rv = { 0 };

	if (!s)
		return -XE_ENOMEM;
	if (n > MEM_IMAGE_MAX)
		return -XE_EINVAL;
	for (unsigned i = 0; i < n; i++) {
		int err = check_entry(s, e + 4 * i, e, i);

		if (err)
			return err;
	}
	/* Checked: from here nothing fails. */
	image_forget(r->ms, s);
	for (unsigned i = 0; i < n; i++) {
		const uint64_t *x = e + 4 * i;
		struct region *g = staged(s, x), **pp = &s->regions;

		while (*pp != g)
			pp = &(*pp)->next;
		*pp = g->next;
		for (uint64_t k = 0; k < g->len / EXO_PAGE_SIZE; k++)
			if (g->frames[k])
				revoke_add(r->ms, &rv, g->frames[k] - 1, EXO_RWX, false);
		g->start = x[1];
		g->prot = (unsigned)x[3];
		/* sorted by final address, as the layout it becomes */
		for (pp = &list; *pp && (*pp)->start < g->start; pp = &(*pp)->next)
			;
		g->next = *pp;
		*pp = g;
	}
	revoke_flush(r->ms, &rv);
	s->next_image = list;
	return 0;
}

/*
 * The kernel restarted the space at its new program: the old layout goes,
 * the waiting one comes in. False (refuse) when none waits.
 */
bool image_install(struct memsrv *ms, exo_space_t id)
{
	struct mspace *s = mspace_get(ms, id, false);
	struct region *img;
	uint64_t pages = 0;

	if (!s || !s->next_image)
		return false;
	img = s->next_image;
	s->next_image = NULL;
	for (struct region *g = img; g; g = g->next)
		pages += g->len / EXO_PAGE_SIZE;
	mspace_reset(ms, s); /* the kernel has dropped its mappings; this frees the frames */
	shm_forget_space(ms, id);
	s->regions = img;
	s->charged = pages;
	return true;
}
