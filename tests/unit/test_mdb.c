/*
 * tests/unit/test_mdb.c — unit tests of the mapping database (kernel/mdb.c)
 * against a mock backend.
 *
 * The mock keeps a page table per space built only from install / protect /
 * remove (so it is what a real backend would have mapped), logs every call,
 * counts the bytes the module holds and can refuse allocations. After every
 * operation the checks compare the trees, the hashes and the mock's page
 * tables; the teardown destroys every space and wants every byte back.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <exo/msg.h>

#include "mdb.h"

#define NFRAMES 16384
#define S0BASE UINT64_C(0x100000000)
#define PG ((uint64_t)EXO_PAGE_SIZE)
#define NEV 64
#define NSP 5

enum { S0, A, B, C, D };

enum ev_kind { EV_INSTALL, EV_PROTECT, EV_REMOVE };

struct event {
	enum ev_kind kind;
	int sp;
	uint64_t va, frame;
	unsigned rights;
};

struct pte {
	int sp;
	uint64_t va, frame;
	unsigned rights;
};

struct fx {
	struct mdb m;
	struct mdb_space sp[NSP];
	bool alive[NSP];
	size_t bytes;
	long fail_after;  /* allocations still granted; -1: all */
	bool fail_tables; /* refuse every allocation that is not a node */
	struct event ev[NEV];
	int nev, count[3]; /* events this step (first NEV kept), by kind */
	struct pte *pt;
	size_t npt, cappt;
};

/* ---- the mock backend ---- */

static int sp_index(struct fx *f, const struct mdb_space *s)
{
	for (int i = 0; i < NSP; i++)
		if (s == &f->sp[i])
			return i;
	fail_msg("unknown space %p", (const void *)s);
	return -1;
}

static struct pte *pte_find(struct fx *f, int sp, uint64_t va)
{
	for (size_t i = 0; i < f->npt; i++)
		if (f->pt[i].sp == sp && f->pt[i].va == va)
			return &f->pt[i];
	return NULL;
}

static void pte_drop(struct fx *f, struct pte *p)
{
	*p = f->pt[--f->npt];
}

static void log_event(struct fx *f, enum ev_kind kind, int sp, uint64_t va, uint64_t frame,
		      unsigned rights)
{
	if (f->nev < NEV)
		f->ev[f->nev] = (struct event){ kind, sp, va, frame, rights };
	f->nev++;
	f->count[kind]++;
}

static void *mock_alloc(struct mdb *m, size_t size)
{
	struct fx *f = m->priv;
	void *p;

	if (f->fail_after == 0 || (f->fail_tables && size != sizeof(struct mdb_node)))
		return NULL;
	if (f->fail_after > 0)
		f->fail_after--;
	p = malloc(size);
	assert_non_null(p);
	memset(p, 0xa5, size); /* the module must initialise what it uses */
	f->bytes += size;
	return p;
}

static void mock_free(struct mdb *m, void *p, size_t size)
{
	struct fx *f = m->priv;

	assert_non_null(p);
	assert_true(f->bytes >= size);
	f->bytes -= size;
	memset(p, 0x5a, size);
	free(p);
}

static void mock_install(struct mdb *m, struct mdb_space *s, uint64_t va, uint64_t frame,
			 unsigned rights)
{
	struct fx *f = m->priv;
	int sp = sp_index(f, s);
	struct pte *p;

	assert_true(f->alive[sp]);
	assert_false(s->sigma0);
	assert_true(va % PG == 0);
	assert_true(frame < NFRAMES);
	assert_true(rights & EXO_R);
	assert_int_equal(rights & ~EXO_RWX, 0);
	log_event(f, EV_INSTALL, sp, va, frame, rights);
	p = pte_find(f, sp, va);
	if (!p) {
		if (f->npt == f->cappt) {
			f->cappt = f->cappt ? 2 * f->cappt : 64;
			f->pt = realloc(f->pt, f->cappt * sizeof *f->pt);
			assert_non_null(f->pt);
		}
		p = &f->pt[f->npt++];
	}
	*p = (struct pte){ sp, va, frame, rights };
}

static void mock_protect(struct mdb *m, struct mdb_space *s, uint64_t va, unsigned rights)
{
	struct fx *f = m->priv;
	int sp = sp_index(f, s);
	struct pte *p = pte_find(f, sp, va);

	assert_true(f->alive[sp]);
	assert_non_null(p);
	assert_true(rights & EXO_R);
	assert_true(rights != p->rights && (rights & ~p->rights) == 0); /* only ever less */
	log_event(f, EV_PROTECT, sp, va, p->frame, rights);
	p->rights = rights;
}

static void mock_remove(struct mdb *m, struct mdb_space *s, uint64_t va)
{
	struct fx *f = m->priv;
	int sp = sp_index(f, s);
	struct pte *p = pte_find(f, sp, va);

	assert_true(f->alive[sp]);
	assert_non_null(p);
	log_event(f, EV_REMOVE, sp, va, p->frame, 0);
	pte_drop(f, p);
}

static const struct mdb_ops mock_ops = {
	.alloc = mock_alloc,
	.free = mock_free,
	.install = mock_install,
	.protect = mock_protect,
	.remove = mock_remove,
};

/* ---- invariants, checked after every step ---- */

static struct fx *F(void **state)
{
	return *state;
}

static uint64_t s0va(uint64_t frame)
{
	return S0BASE + frame * PG;
}

static void check_node(struct fx *f, int sp, struct mdb_node *n)
{
	struct mdb_node *c, *prev = NULL;
	bool found = false;

	assert_ptr_equal(n->space, &f->sp[sp]);
	assert_true(n->vaddr % PG == 0);
	if (f->sp[sp].sigma0) {
		assert_null(n->parent);
		assert_int_equal(n->rights, EXO_RWX);
		assert_true(n->frame < NFRAMES);
		assert_true(n->vaddr == s0va(n->frame));
	} else {
		assert_non_null(n->parent);
		assert_true(f->alive[sp_index(f, n->parent->space)]);
		assert_true(n->frame == n->parent->frame);
		assert_int_equal(n->rights & ~n->parent->rights, 0);
		assert_true(n->rights & EXO_R);
		for (c = n->parent->children; c; c = c->next)
			found |= c == n;
		assert_true(found);
	}
	for (c = n->children; c; prev = c, c = c->next) {
		assert_ptr_equal(c->parent, n);
		assert_ptr_equal(c->prev, prev);
	}
}

static void check(struct fx *f)
{
	size_t nodes = 0, bytes = 0;

	for (int sp = 0; sp < NSP; sp++) {
		struct mdb_space *s = &f->sp[sp];
		size_t count = 0, mapped = 0;

		if (!f->alive[sp])
			continue;
		assert_true(s->count <= 2 * s->nbuckets || f->fail_tables);
		for (size_t b = 0; b < s->nbuckets; b++)
			for (struct mdb_node *n = s->buckets[b]; n; n = n->hnext) {
				check_node(f, sp, n);
				assert_ptr_equal(mdb_lookup(&f->m, s, n->vaddr), n);
				count++;
			}
		assert_int_equal(count, s->count);
		nodes += count;
		bytes += s->nbuckets * sizeof *s->buckets;
		for (size_t i = 0; i < f->npt; i++)
			if (f->pt[i].sp == sp)
				mapped++;
		if (!s->sigma0)
			assert_int_equal(mapped, count);
		else
			assert_int_equal(mapped, 0);
	}
	assert_int_equal(nodes, f->m.nodes);
	assert_int_equal(f->bytes, bytes + nodes * sizeof(struct mdb_node));
	for (size_t i = 0; i < f->npt; i++) {
		struct pte *p = &f->pt[i];
		struct mdb_node *n;

		assert_true(f->alive[p->sp]);
		n = mdb_lookup(&f->m, &f->sp[p->sp], p->va);
		assert_non_null(n);
		assert_true(n->frame == p->frame);
		assert_int_equal(n->rights, p->rights);
	}
}

/* Check, then forget this step's events. */
static void step(struct fx *f)
{
	check(f);
	f->nev = 0;
	memset(f->count, 0, sizeof f->count);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);

	assert_non_null(f);
	mdb_init(&f->m, &mock_ops, NFRAMES, S0BASE, f);
	for (int i = 0; i < NSP; i++) {
		mdb_space_init(&f->m, &f->sp[i], i == S0, NULL);
		f->alive[i] = true;
	}
	f->fail_after = -1;
	*state = f;
	return 0;
}

static void destroy(struct fx *f, int sp)
{
	f->nev = 0;
	memset(f->count, 0, sizeof f->count);
	mdb_space_destroy(&f->m, &f->sp[sp]);
	f->alive[sp] = false;
	assert_int_equal(f->count[EV_INSTALL] + f->count[EV_PROTECT], 0);
	for (int i = 0; i < f->nev && i < NEV; i++)
		assert_int_not_equal(f->ev[i].sp, sp);
	assert_null(f->sp[sp].buckets);
	assert_int_equal(f->sp[sp].count, 0);
	for (size_t i = 0; i < f->npt;)
		if (f->pt[i].sp == sp)
			pte_drop(f, &f->pt[i]);
		else
			i++;
	check(f);
}

static int teardown(void **state)
{
	struct fx *f = *state;

	f->fail_after = -1;
	f->fail_tables = false;
	check(f);
	for (int sp = NSP - 1; sp >= 0; sp--)
		if (f->alive[sp])
			destroy(f, sp);
	assert_int_equal(f->m.nodes, 0);
	assert_int_equal(f->bytes, 0);
	assert_int_equal(f->npt, 0);
	free(f->pt);
	free(f);
	return 0;
}

/* ---- helpers ---- */

static exo_err map(struct fx *f, int src, uint64_t sva, int dst, uint64_t dva, uint64_t n,
		   unsigned rights)
{
	exo_err err = mdb_map(&f->m, &f->sp[src], sva, &f->sp[dst], dva, n, rights, false);

	check(f);
	return err;
}

static exo_err grant(struct fx *f, int src, uint64_t sva, int dst, uint64_t dva, uint64_t n,
		     unsigned rights)
{
	exo_err err = mdb_map(&f->m, &f->sp[src], sva, &f->sp[dst], dva, n, rights, true);

	check(f);
	return err;
}

static void unmap(struct fx *f, int sp, uint64_t va, uint64_t n, unsigned rights, bool self)
{
	mdb_unmap(&f->m, &f->sp[sp], va, n, rights, self);
	check(f);
}

static struct mdb_node *node(struct fx *f, int sp, uint64_t va)
{
	return mdb_lookup(&f->m, &f->sp[sp], va);
}

/* The rights sp holds at va, 0 when unmapped (not for sigma0). */
static unsigned rights_at(struct fx *f, int sp, uint64_t va)
{
	struct mdb_node *n = node(f, sp, va);

	return n ? n->rights : 0;
}

/* How many events of this step match (sp < 0: any space; rights ~0u: any). */
static int seen(struct fx *f, enum ev_kind kind, int sp, uint64_t va, unsigned rights)
{
	int k = 0;

	assert_true(f->nev <= NEV);
	for (int i = 0; i < f->nev; i++) {
		struct event *e = &f->ev[i];

		if (e->kind == kind && (sp < 0 || (e->sp == sp && e->va == va)) &&
		    (rights == ~0u || e->rights == rights))
			k++;
	}
	return k;
}

static int nchildren(const struct mdb_node *n)
{
	int k = 0;

	for (const struct mdb_node *c = n->children; c; c = c->next)
		k++;
	return k;
}

#define RW (EXO_R | EXO_W)
#define VA UINT64_C(0x10000)
#define VB UINT64_C(0x200000)
#define VC UINT64_C(0x3000000)
#define VD UINT64_C(0x40000000)

/* frame f: S0 -> A at VA -> B at VB -> C at VC, all RW. */
static void chain(struct fx *f, uint64_t frame)
{
	assert_int_equal(map(f, S0, s0va(frame), A, VA, 1, RW), EXO_OK);
	assert_int_equal(map(f, A, VA, B, VB, 1, RW), EXO_OK);
	assert_int_equal(map(f, B, VB, C, VC, 1, RW), EXO_OK);
	step(f);
}

/* ---- tests ---- */

static void map_from_sigma0_to_a_installs_with_reduced_rights(void **state)
{
	struct fx *f = F(state);
	struct mdb_node *root, *n;

	assert_int_equal(map(f, S0, s0va(3), A, VA, 2, RW | 0xf0), EXO_OK);
	assert_int_equal(f->nev, 2);
	assert_int_equal(f->count[EV_INSTALL], 2);
	assert_true(f->ev[0].va == VA && f->ev[0].frame == 3 && f->ev[0].rights == RW);
	assert_true(f->ev[1].va == VA + PG && f->ev[1].frame == 4 && f->ev[1].rights == RW);
	root = node(f, S0, s0va(3));
	n = node(f, A, VA);
	assert_non_null(root);
	assert_ptr_equal(n->parent, root);
	assert_null(root->parent);
	assert_int_equal(root->rights, EXO_RWX);
	assert_int_equal(nchildren(root), 1);
	step(f);

	/* Rights reduce to what the source holds, page by page. */
	assert_int_equal(map(f, A, VA, B, VB, 2, EXO_RWX), EXO_OK);
	assert_int_equal(seen(f, EV_INSTALL, B, VB, RW), 1);
	assert_int_equal(seen(f, EV_INSTALL, B, VB + PG, RW), 1);
	assert_ptr_equal(node(f, B, VB)->parent, n);
	step(f);
	assert_int_equal(map(f, B, VB, C, VC, 1, EXO_R | EXO_X), EXO_OK);
	assert_int_equal(seen(f, EV_INSTALL, C, VC, EXO_R), 1);
	assert_int_equal(f->nev, 1);
}

static void map_of_unmapped_source_page_fails_ebaditem_and_changes_nothing(void **state)
{
	struct fx *f = F(state);
	size_t nodes, bytes;

	assert_int_equal(map(f, S0, s0va(0), A, VA, 2, RW), EXO_OK);
	assert_int_equal(map(f, S0, s0va(9), A, VA + 3 * PG, 1, EXO_R), EXO_OK);
	step(f);
	nodes = f->m.nodes;
	bytes = f->bytes;

	/* The first two pages are fine, the third is not mapped in A. */
	assert_int_equal(map(f, A, VA, B, VB, 3, RW), EXO_EBADITEM);
	/* ... and the same as a grant. */
	assert_int_equal(grant(f, A, VA, B, VB, 3, RW), EXO_EBADITEM);
	/* The last sigma0 page is past physical memory. */
	assert_int_equal(map(f, S0, s0va(NFRAMES - 2), B, VB, 3, RW), EXO_EBADITEM);
	/* Rights that reduce to nothing, or to no EXO_R, on the fourth page. */
	assert_int_equal(map(f, A, VA + 3 * PG, B, VB, 1, EXO_W), EXO_EBADITEM);
	assert_int_equal(map(f, A, VA, B, VB, 1, EXO_W | EXO_X), EXO_EBADITEM);
	assert_int_equal(map(f, A, VA, B, VB, 1, 0), EXO_EBADITEM);

	assert_int_equal(f->nev, 0);
	assert_int_equal(f->sp[B].count, 0);
	assert_int_equal(f->m.nodes, nodes);
	assert_int_equal(f->bytes, bytes);
	assert_int_equal(rights_at(f, A, VA), RW);
	assert_int_equal(rights_at(f, A, VA + PG), RW);
}

static void map_into_same_space_or_into_sigma0_is_refused(void **state)
{
	struct fx *f = F(state);

	assert_int_equal(map(f, S0, s0va(1), A, VA, 1, RW), EXO_OK);
	step(f);
	assert_int_equal(map(f, A, VA, A, VA + PG, 1, RW), EXO_EBADITEM);
	assert_int_equal(map(f, A, VA, S0, s0va(2), 1, RW), EXO_EBADITEM);
	assert_int_equal(grant(f, A, VA, S0, s0va(2), 1, RW), EXO_EBADITEM);
	assert_int_equal(map(f, S0, s0va(1), S0, s0va(2), 1, RW), EXO_EBADITEM);
	assert_int_equal(f->nev, 0);
	assert_int_equal(rights_at(f, A, VA), RW);
}

static void unmap_of_sigma0_page_removes_a_b_and_c(void **state)
{
	struct fx *f = F(state);
	struct mdb_node *root;

	chain(f, 5);
	root = node(f, S0, s0va(5));
	unmap(f, S0, s0va(5), 1, EXO_RWX, false);
	assert_int_equal(f->nev, 3);
	assert_int_equal(seen(f, EV_REMOVE, A, VA, ~0u), 1);
	assert_int_equal(seen(f, EV_REMOVE, B, VB, ~0u), 1);
	assert_int_equal(seen(f, EV_REMOVE, C, VC, ~0u), 1);
	assert_int_equal(f->sp[A].count + f->sp[B].count + f->sp[C].count, 0);
	/* The root stays, whole. */
	assert_ptr_equal(node(f, S0, s0va(5)), root);
	assert_int_equal(root->rights, EXO_RWX);
	assert_null(root->children);
	step(f);

	/* With self it is the same: a sigma0 root never goes. */
	chain(f, 5);
	unmap(f, S0, s0va(5), 1, EXO_RWX, true);
	assert_int_equal(f->count[EV_REMOVE], 3);
	assert_int_equal(f->nev, 3);
	assert_ptr_equal(node(f, S0, s0va(5)), root);
	assert_int_equal(root->rights, EXO_RWX);
}

static void unmap_of_write_makes_descendants_read_only_and_later_map_re_extends(void **state)
{
	struct fx *f = F(state);
	struct mdb_node *b;

	chain(f, 7);
	b = node(f, B, VB);
	unmap(f, A, VA, 1, EXO_W, false);
	assert_int_equal(f->nev, 2);
	assert_int_equal(seen(f, EV_PROTECT, B, VB, EXO_R), 1);
	assert_int_equal(seen(f, EV_PROTECT, C, VC, EXO_R), 1);
	assert_int_equal(rights_at(f, A, VA), RW);
	step(f);

	/* Taking away what nobody holds changes nothing and says nothing. */
	unmap(f, A, VA, 1, EXO_W | EXO_X, false);
	assert_int_equal(f->nev, 0);

	/* Mapping again from the same source extends B in place. */
	assert_int_equal(map(f, A, VA, B, VB, 1, RW), EXO_OK);
	assert_int_equal(f->nev, 1);
	assert_int_equal(seen(f, EV_INSTALL, B, VB, RW), 1);
	assert_ptr_equal(node(f, B, VB), b);
	assert_int_equal(rights_at(f, C, VC), EXO_R);
	step(f);
	assert_int_equal(map(f, B, VB, C, VC, 1, RW), EXO_OK);
	assert_int_equal(seen(f, EV_INSTALL, C, VC, RW), 1);
	assert_int_equal(rights_at(f, C, VC), RW);
}

static void unmap_of_read_removes_descendants(void **state)
{
	struct fx *f = F(state);

	chain(f, 7);
	unmap(f, A, VA, 1, EXO_R, false);
	assert_int_equal(f->count[EV_REMOVE], 2);
	assert_int_equal(f->nev, 2);
	assert_int_equal(rights_at(f, A, VA), RW);
	assert_int_equal(rights_at(f, B, VB), 0);
	assert_int_equal(rights_at(f, C, VC), 0);
}

static void unmap_in_the_middle_leaves_a(void **state)
{
	struct fx *f = F(state);

	chain(f, 8);
	unmap(f, B, VB, 1, EXO_RWX, false);
	assert_int_equal(f->nev, 1);
	assert_int_equal(seen(f, EV_REMOVE, C, VC, ~0u), 1);
	assert_int_equal(rights_at(f, A, VA), RW);
	assert_int_equal(rights_at(f, B, VB), RW);
	assert_null(node(f, B, VB)->children);
}

static void unmap_with_self_removes_own_page_too(void **state)
{
	struct fx *f = F(state);

	chain(f, 8);
	unmap(f, B, VB, 1, EXO_RWX, true);
	assert_int_equal(f->nev, 2);
	assert_int_equal(seen(f, EV_REMOVE, B, VB, ~0u), 1);
	assert_int_equal(seen(f, EV_REMOVE, C, VC, ~0u), 1);
	assert_int_equal(rights_at(f, A, VA), RW);
	assert_null(node(f, A, VA)->children);
	step(f);

	/* Self with EXO_W only: B and its children become read-only. */
	assert_int_equal(map(f, A, VA, B, VB, 1, RW), EXO_OK);
	assert_int_equal(map(f, B, VB, C, VC, 1, RW), EXO_OK);
	step(f);
	unmap(f, B, VB, 1, EXO_W, true);
	assert_int_equal(f->nev, 2);
	assert_int_equal(seen(f, EV_PROTECT, B, VB, EXO_R), 1);
	assert_int_equal(seen(f, EV_PROTECT, C, VC, EXO_R), 1);
}

static void unmap_of_unmapped_pages_or_no_rights_does_nothing(void **state)
{
	struct fx *f = F(state);
	size_t nodes;

	chain(f, 2);
	nodes = f->m.nodes;
	unmap(f, D, VD, 100, EXO_RWX, true);
	unmap(f, A, VA + PG, 10, EXO_RWX, true);
	unmap(f, A, VA, 1, 0, true);
	unmap(f, A, VA, 0, EXO_RWX, true);
	/* sigma0 pages that were never looked up get no root. */
	unmap(f, S0, s0va(100), 50, EXO_RWX, true);
	assert_int_equal(f->nev, 0);
	assert_int_equal(f->m.nodes, nodes);
}

static void unmap_of_range_covers_every_page_and_derived_pages_in_the_same_space(void **state)
{
	struct fx *f = F(state);

	/* A VA -> B VB -> A VA+PG: A holds a page derived from its own. */
	assert_int_equal(map(f, S0, s0va(1), A, VA, 1, RW), EXO_OK);
	assert_int_equal(map(f, A, VA, B, VB, 1, RW), EXO_OK);
	assert_int_equal(map(f, B, VB, A, VA + PG, 1, RW), EXO_OK);
	assert_int_equal(map(f, A, VA + PG, C, VC, 1, RW), EXO_OK);
	step(f);
	unmap(f, A, VA, 2, EXO_RWX, true);
	assert_int_equal(f->nev, 4);
	assert_int_equal(f->count[EV_REMOVE], 4);
	assert_int_equal(f->sp[A].count + f->sp[B].count + f->sp[C].count, 0);
	step(f);

	/* The same with a range far wider than A's contents (the bucket walk). */
	assert_int_equal(map(f, S0, s0va(1), A, VA, 1, RW), EXO_OK);
	assert_int_equal(map(f, A, VA, B, VB, 1, RW), EXO_OK);
	assert_int_equal(map(f, B, VB, A, VA + PG, 1, RW), EXO_OK);
	assert_int_equal(map(f, A, VA + PG, C, VC, 1, RW), EXO_OK);
	assert_int_equal(map(f, S0, s0va(2), A, 0, 1, RW), EXO_OK);
	step(f);
	unmap(f, A, PG, UINT64_MAX, EXO_W, false);
	assert_int_equal(f->count[EV_PROTECT], 3); /* B, A+PG, C; not A's own pages */
	assert_int_equal(f->nev, 3);
	step(f);
	unmap(f, A, PG, UINT64_MAX, EXO_RWX, true);
	assert_int_equal(f->count[EV_REMOVE], 4);
	assert_int_equal(f->sp[A].count, 1); /* page 0 is below the range */
	assert_int_equal(rights_at(f, A, 0), RW);
}

static void grant_from_a_to_b_moves_the_node_with_its_children(void **state)
{
	struct fx *f = F(state);
	struct mdb_node *n, *root;

	assert_int_equal(map(f, S0, s0va(4), A, VA, 1, RW), EXO_OK);
	assert_int_equal(map(f, A, VA, C, VC, 1, RW), EXO_OK);
	assert_int_equal(map(f, A, VA, D, VD, 1, EXO_R), EXO_OK);
	n = node(f, A, VA);
	root = node(f, S0, s0va(4));
	step(f);

	assert_int_equal(grant(f, A, VA, B, VB, 1, EXO_RWX), EXO_OK);
	assert_int_equal(f->nev, 2);
	assert_int_equal(seen(f, EV_REMOVE, A, VA, ~0u), 1);
	assert_int_equal(seen(f, EV_INSTALL, B, VB, RW), 1);
	assert_null(node(f, A, VA));
	assert_int_equal(f->sp[A].count, 0);
	assert_ptr_equal(node(f, B, VB), n);
	assert_ptr_equal(n->parent, root);
	assert_int_equal(nchildren(n), 2);
	assert_ptr_equal(node(f, C, VC)->parent, n);
	assert_ptr_equal(node(f, D, VD)->parent, n);
	step(f);

	/* The children now derive from B. */
	unmap(f, B, VB, 1, EXO_W, false);
	assert_int_equal(f->nev, 1);
	assert_int_equal(seen(f, EV_PROTECT, C, VC, EXO_R), 1);
	step(f);

	/* A grant with fewer rights takes them from the children too. */
	assert_int_equal(map(f, B, VB, C, VC, 1, RW), EXO_OK);
	step(f);
	assert_int_equal(grant(f, B, VB, A, VA, 1, EXO_R), EXO_OK);
	assert_int_equal(seen(f, EV_INSTALL, A, VA, EXO_R), 1);
	assert_int_equal(seen(f, EV_PROTECT, C, VC, EXO_R), 1);
	assert_int_equal(f->nev, 3);
	assert_int_equal(rights_at(f, D, VD), EXO_R);
}

static void grant_onto_mapped_page_replaces_it_and_revokes_its_subtree(void **state)
{
	struct fx *f = F(state);

	chain(f, 1); /* frame 1: A -> B -> C */
	assert_int_equal(map(f, S0, s0va(2), D, VD, 2, RW), EXO_OK);
	step(f);
	assert_int_equal(grant(f, D, VD, B, VB, 2, RW), EXO_OK);
	assert_int_equal(seen(f, EV_REMOVE, C, VC, ~0u), 1);
	assert_int_equal(seen(f, EV_REMOVE, D, VD, ~0u), 1);
	assert_int_equal(seen(f, EV_REMOVE, D, VD + PG, ~0u), 1);
	assert_int_equal(seen(f, EV_INSTALL, B, VB, RW), 1);
	assert_int_equal(seen(f, EV_INSTALL, B, VB + PG, RW), 1);
	assert_int_equal(seen(f, EV_REMOVE, B, VB, ~0u), 0);
	assert_int_equal(f->nev, 5);
	assert_true(node(f, B, VB)->frame == 2);
	assert_null(node(f, A, VA)->children);
}

static void granting_from_sigma0_is_refused(void **state)
{
	struct fx *f = F(state);
	size_t nodes = f->m.nodes;

	assert_int_equal(grant(f, S0, s0va(1), A, VA, 1, RW), EXO_EBADITEM);
	assert_int_equal(f->nev, 0);
	assert_int_equal(f->m.nodes, nodes);
	assert_int_equal(f->sp[A].count, 0);
}

static void overmapping_replaces_and_revokes_the_old_subtree(void **state)
{
	struct fx *f = F(state);
	struct mdb_node *root2;

	chain(f, 1);
	assert_int_equal(map(f, S0, s0va(2), B, VB, 1, EXO_R), EXO_OK);
	assert_int_equal(f->nev, 2);
	assert_int_equal(seen(f, EV_REMOVE, C, VC, ~0u), 1);
	assert_int_equal(seen(f, EV_INSTALL, B, VB, EXO_R), 1);
	assert_int_equal(seen(f, EV_REMOVE, B, VB, ~0u), 0);
	root2 = node(f, S0, s0va(2));
	assert_ptr_equal(node(f, B, VB)->parent, root2);
	assert_true(node(f, B, VB)->frame == 2);
	assert_null(node(f, A, VA)->children);
	step(f);

	/* Same frame from another source node is a replacement, not an extension. */
	assert_int_equal(map(f, B, VB, C, VC, 1, EXO_R), EXO_OK);
	assert_int_equal(map(f, S0, s0va(2), D, VD, 1, RW), EXO_OK);
	step(f);
	assert_int_equal(map(f, D, VD, B, VB, 1, RW), EXO_OK);
	assert_int_equal(f->nev, 2);
	assert_int_equal(seen(f, EV_REMOVE, C, VC, ~0u), 1);
	assert_int_equal(seen(f, EV_INSTALL, B, VB, RW), 1);
	assert_ptr_equal(node(f, B, VB)->parent, node(f, D, VD));
	assert_int_equal(nchildren(root2), 1);
}

static void same_frame_same_parent_remap_extends_rights(void **state)
{
	struct fx *f = F(state);
	struct mdb_node *n;
	size_t nodes;

	assert_int_equal(map(f, S0, s0va(6), A, VA, 1, EXO_R), EXO_OK);
	n = node(f, A, VA);
	nodes = f->m.nodes;
	step(f);
	assert_int_equal(map(f, S0, s0va(6), A, VA, 1, RW), EXO_OK);
	assert_int_equal(f->nev, 1);
	assert_int_equal(seen(f, EV_INSTALL, A, VA, RW), 1);
	assert_ptr_equal(node(f, A, VA), n);
	assert_int_equal(f->m.nodes, nodes);
	step(f);
	/* Fewer rights never shrink a mapping: it is installed as it is. */
	assert_int_equal(map(f, S0, s0va(6), A, VA, 1, EXO_R | EXO_X), EXO_OK);
	assert_int_equal(seen(f, EV_INSTALL, A, VA, EXO_RWX), 1);
	assert_int_equal(rights_at(f, A, VA), EXO_RWX);
	assert_int_equal(f->m.nodes, nodes);
}

static void destroy_of_middle_space_removes_descendants(void **state)
{
	struct fx *f = F(state);

	chain(f, 3);
	assert_int_equal(map(f, B, VB, D, VD, 1, EXO_R), EXO_OK);
	/* B holds a page derived from its own: no callback for it either. */
	assert_int_equal(map(f, C, VC, B, VB + PG, 1, EXO_R), EXO_OK);
	assert_int_equal(map(f, S0, s0va(4), B, VB + 2 * PG, 1, EXO_R), EXO_OK);
	step(f);
	destroy(f, B);
	assert_int_equal(f->nev, 2);
	assert_int_equal(seen(f, EV_REMOVE, C, VC, ~0u), 1);
	assert_int_equal(seen(f, EV_REMOVE, D, VD, ~0u), 1);
	assert_int_equal(rights_at(f, A, VA), RW);
	assert_null(node(f, A, VA)->children);
	assert_null(node(f, S0, s0va(4))->children);
}

static void destroy_of_sigma0_removes_every_mapping(void **state)
{
	struct fx *f = F(state);

	chain(f, 3);
	assert_int_equal(map(f, S0, s0va(0), D, VD, 8, RW), EXO_OK);
	step(f);
	destroy(f, S0);
	assert_int_equal(f->count[EV_REMOVE], 11);
	assert_int_equal(f->nev, 11);
	assert_int_equal(f->m.nodes, 0);
	for (int sp = A; sp <= D; sp++)
		assert_int_equal(f->sp[sp].count, 0);
}

static void hash_grows_with_thousands_of_pages(void **state)
{
	struct fx *f = F(state);
	const uint64_t n = 5000;

	assert_int_equal(map(f, S0, s0va(100), A, VA, n, RW), EXO_OK);
	assert_int_equal(map(f, A, VA, B, 0, n, EXO_R), EXO_OK);
	assert_int_equal(f->count[EV_INSTALL], 2 * n);
	assert_int_equal(f->sp[A].count, n);
	assert_true(f->sp[A].nbuckets >= n / 2);
	assert_true(f->sp[S0].nbuckets >= n / 2);
	for (uint64_t i = 0; i < n; i++) {
		assert_true(node(f, A, VA + i * PG)->frame == 100 + i);
		assert_true(node(f, B, i * PG)->frame == 100 + i);
	}
	assert_null(node(f, A, VA + n * PG));
	step(f);

	/* Revoke the odd half from sigma0 by pages, the rest with one wide unmap. */
	for (uint64_t i = 1; i < n; i += 2)
		mdb_unmap(&f->m, &f->sp[S0], s0va(100 + i), 1, EXO_RWX, false);
	assert_int_equal(f->count[EV_REMOVE], n);
	step(f);
	unmap(f, A, 0, UINT64_MAX >> EXO_PAGE_SHIFT, EXO_RWX, true);
	assert_int_equal(f->count[EV_REMOVE], n);
	assert_int_equal(f->sp[A].count + f->sp[B].count, 0);
}

static void hash_growth_failure_keeps_the_old_table(void **state)
{
	struct fx *f = F(state);

	assert_int_equal(map(f, S0, s0va(0), A, 0, 1, RW), EXO_OK);
	assert_int_equal(f->sp[A].nbuckets, 16);
	f->fail_tables = true; /* sigma0's table exists too: only growth fails */
	assert_int_equal(map(f, S0, s0va(1), A, PG, 999, RW), EXO_OK);
	assert_int_equal(f->sp[A].nbuckets, 16);
	assert_int_equal(f->sp[A].count, 1000);
	for (uint64_t i = 0; i < 1000; i++)
		assert_true(node(f, A, i * PG)->frame == i);
	f->fail_tables = false;
	/* The next insert grows it at last. */
	assert_int_equal(map(f, S0, s0va(1000), A, 1000 * PG, 1, RW), EXO_OK);
	assert_true(f->sp[A].nbuckets > 16);
}

static void sigma0_addresses_outside_physical_memory_have_no_node(void **state)
{
	struct fx *f = F(state);
	struct mdb_node *r;

	assert_null(node(f, S0, S0BASE - PG));
	assert_null(node(f, S0, 0));
	assert_null(node(f, S0, s0va(NFRAMES)));
	assert_null(node(f, S0, UINT64_MAX & ~(PG - 1)));
	assert_null(node(f, S0, S0BASE + 1));
	assert_int_equal(f->m.nodes, 0);
	r = node(f, S0, s0va(NFRAMES - 1));
	assert_non_null(r);
	assert_true(r->frame == NFRAMES - 1);
	assert_int_equal(r->rights, EXO_RWX);
	assert_ptr_equal(node(f, S0, s0va(NFRAMES - 1)), r);
	assert_int_equal(f->m.nodes, 1);
	assert_int_equal(map(f, S0, S0BASE - PG, A, VA, 2, RW), EXO_EBADITEM);
	assert_int_equal(map(f, S0, s0va(NFRAMES), A, VA, 1, RW), EXO_EBADITEM);
	/* A non-sigma0 space has no node until something is mapped there. */
	assert_null(node(f, A, s0va(0)));
	assert_int_equal(f->nev, 0);
	assert_int_equal(f->m.nodes, 1);
}

static void unaligned_or_overflowing_addresses_are_refused(void **state)
{
	struct fx *f = F(state);

	assert_int_equal(map(f, S0, s0va(1), A, VA, 1, RW), EXO_OK);
	step(f);
	assert_int_equal(map(f, S0, s0va(1) + 8, B, VB, 1, RW), EXO_EBADITEM);
	assert_int_equal(map(f, S0, s0va(1), B, VB + 8, 1, RW), EXO_EBADITEM);
	assert_int_equal(map(f, A, VA + 1, B, VB, 1, RW), EXO_EBADITEM);
	assert_int_equal(grant(f, A, VA, B, VB + 0x800, 1, RW), EXO_EBADITEM);
	assert_int_equal(map(f, A, VA, B, VB, 0, RW), EXO_EBADITEM);
	/* The destination range would wrap around the address space. */
	assert_int_equal(map(f, S0, s0va(1), B, UINT64_MAX & ~(PG - 1), 2, RW), EXO_EBADITEM);
	assert_int_equal(map(f, S0, s0va(1), B, VB, UINT64_MAX, RW), EXO_EBADITEM);
	assert_null(node(f, A, VA + 1));
	unmap(f, A, VA + 1, 1, EXO_RWX, true);
	assert_int_equal(f->nev, 0);
	assert_int_equal(f->sp[B].count, 0);
	/* The last page of the address space is a page like any other. */
	assert_int_equal(map(f, A, VA, B, UINT64_MAX & ~(PG - 1), 1, RW), EXO_OK);
	unmap(f, B, UINT64_MAX & ~(PG - 1), 5, EXO_RWX, true);
	assert_int_equal(f->count[EV_REMOVE], 1);
}

static void map_that_would_replace_an_ancestor_of_its_source_is_refused(void **state)
{
	struct fx *f = F(state);

	assert_int_equal(map(f, S0, s0va(1), A, VA, 1, RW), EXO_OK);
	assert_int_equal(map(f, A, VA, B, VB + PG, 1, RW), EXO_OK);
	assert_int_equal(map(f, S0, s0va(2), B, VB, 1, RW), EXO_OK);
	step(f);
	/* B's page 1 derives from A's VA: mapping it back onto VA would revoke it. */
	assert_int_equal(map(f, B, VB + PG, A, VA, 1, RW), EXO_EBADITEM);
	assert_int_equal(grant(f, B, VB + PG, A, VA, 1, RW), EXO_EBADITEM);
	/* The same two pages later in a range: nothing at all happens. */
	assert_int_equal(map(f, B, VB, A, VA - PG, 2, RW), EXO_EBADITEM);
	assert_int_equal(map(f, B, VB, A, VA, 2, RW), EXO_EBADITEM);
	assert_int_equal(f->nev, 0);
	assert_int_equal(f->sp[A].count, 1);
	assert_true(node(f, A, VA)->frame == 1);
}

static void remap_through_own_derivation_is_allowed_when_it_only_extends(void **state)
{
	struct fx *f = F(state);

	/* A VA -> B VB -> A VA+PG; then A [VA, VA+PG] -> B [VB, VB+PG]. */
	assert_int_equal(map(f, S0, s0va(1), A, VA, 1, RW), EXO_OK);
	assert_int_equal(map(f, A, VA, B, VB, 1, EXO_R), EXO_OK);
	assert_int_equal(map(f, B, VB, A, VA + PG, 1, EXO_R), EXO_OK);
	step(f);
	assert_int_equal(map(f, A, VA, B, VB, 2, RW), EXO_OK);
	assert_int_equal(f->nev, 2);
	assert_int_equal(seen(f, EV_INSTALL, B, VB, RW), 1);
	assert_int_equal(seen(f, EV_INSTALL, B, VB + PG, EXO_R), 1);
	assert_ptr_equal(node(f, B, VB + PG)->parent, node(f, A, VA + PG));
	/* ... but a grant would have to replace B VB, above its source. */
	assert_int_equal(grant(f, A, VA + PG, B, VB, 1, EXO_R), EXO_EBADITEM);
}

static void alloc_failure_returns_enomem_and_keeps_pages_done_before(void **state)
{
	struct fx *f = F(state);
	bool done = false;

	for (long k = 0; k < 32 && !done; k++) {
		exo_err err;
		uint64_t mapped = 0;

		teardown(state);
		setup(state);
		f = F(state);
		f->fail_after = k;
		err = map(f, S0, s0va(10), A, VA, 4, RW);
		while (mapped < 4 && node(f, A, VA + mapped * PG))
			mapped++;
		for (uint64_t i = mapped; i < 4; i++)
			assert_null(node(f, A, VA + i * PG));
		assert_int_equal(f->count[EV_INSTALL], mapped);
		if (err == EXO_OK) {
			assert_int_equal(mapped, 4);
			done = true;
			continue;
		}
		assert_int_equal(err, EXO_ENOMEM);
		assert_true(mapped < 4);
		/* With memory again the map completes. */
		f->fail_after = -1;
		step(f);
		assert_int_equal(map(f, S0, s0va(10), A, VA, 4, RW), EXO_OK);
		assert_int_equal(f->sp[A].count, 4);

		/* A -> B fails the same way (no root to make: nodes and tables only). */
		f->fail_after = k;
		err = map(f, A, VA, B, VB, 4, RW);
		assert_true(err == EXO_OK || err == EXO_ENOMEM);
		assert_true(err == EXO_OK || f->sp[B].count < 4);
		f->fail_after = -1;
	}
	assert_true(done);
}

static void grant_into_empty_space_without_memory_fails_enomem_before_moving(void **state)
{
	struct fx *f = F(state);

	assert_int_equal(map(f, S0, s0va(1), A, VA, 1, RW), EXO_OK);
	step(f);
	f->fail_after = 0;
	assert_int_equal(grant(f, A, VA, B, VB, 1, RW), EXO_ENOMEM);
	assert_int_equal(f->nev, 0);
	assert_int_equal(rights_at(f, A, VA), RW);
	f->fail_after = -1;
	/* B has a table now: a grant needs no memory at all. */
	assert_int_equal(map(f, S0, s0va(2), B, VB + PG, 1, RW), EXO_OK);
	f->fail_after = 0;
	assert_int_equal(grant(f, A, VA, B, VB, 1, RW), EXO_OK);
	assert_int_equal(rights_at(f, B, VB), RW);
}

/* Where map items land in a receive window (mdb_item_place), as both kernels place them. */
static void test_items_land_where_the_window_says(void **state)
{
	uint64_t src, dst;
	unsigned l;

	(void)state;
	/* the whole space: the item lands at its send base, its own size */
	assert_true(mdb_item_place(EXO_FPAGE_COMPLETE, 0x7000, exo_fpage(0x3000, 12, EXO_R), &src, &dst, &l));
	assert_int_equal(src, 0x3000);
	assert_int_equal(dst, 0x7000);
	assert_int_equal(l, 12);
	/* a 64 KiB window and a 4 KiB item: the send base picks the page inside it */
	assert_true(mdb_item_place(exo_fpage(0x100000, 16, EXO_RWX), 0x5123, exo_fpage(0x9000, 12, EXO_R), &src,
				   &dst, &l));
	assert_int_equal(dst, 0x105000);
	assert_int_equal(l, 12);
	/* a 4 KiB window and a 64 KiB item: the send base picks the page of the item */
	assert_true(mdb_item_place(exo_fpage(0x200000, 12, EXO_RWX), 0x3000, exo_fpage(0x40000, 16, EXO_R), &src,
				   &dst, &l));
	assert_int_equal(src, 0x43000);
	assert_int_equal(dst, 0x200000);
	assert_int_equal(l, 12);
	/* no window, or one that is not a flexpage: refused */
	assert_false(mdb_item_place(EXO_FPAGE_NIL, 0, exo_fpage(0x3000, 12, EXO_R), &src, &dst, &l));
	assert_false(mdb_item_place(exo_fpage(0x201000, 16, EXO_R), 0, exo_fpage(0x3000, 12, EXO_R), &src, &dst, &l));
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(map_from_sigma0_to_a_installs_with_reduced_rights),
		T(map_of_unmapped_source_page_fails_ebaditem_and_changes_nothing),
		T(map_into_same_space_or_into_sigma0_is_refused),
		T(unmap_of_sigma0_page_removes_a_b_and_c),
		T(unmap_of_write_makes_descendants_read_only_and_later_map_re_extends),
		T(unmap_of_read_removes_descendants),
		T(unmap_in_the_middle_leaves_a),
		T(unmap_with_self_removes_own_page_too),
		T(unmap_of_unmapped_pages_or_no_rights_does_nothing),
		T(unmap_of_range_covers_every_page_and_derived_pages_in_the_same_space),
		T(grant_from_a_to_b_moves_the_node_with_its_children),
		T(grant_onto_mapped_page_replaces_it_and_revokes_its_subtree),
		T(granting_from_sigma0_is_refused),
		T(overmapping_replaces_and_revokes_the_old_subtree),
		T(same_frame_same_parent_remap_extends_rights),
		T(destroy_of_middle_space_removes_descendants),
		T(destroy_of_sigma0_removes_every_mapping),
		T(hash_grows_with_thousands_of_pages),
		T(hash_growth_failure_keeps_the_old_table),
		T(sigma0_addresses_outside_physical_memory_have_no_node),
		T(unaligned_or_overflowing_addresses_are_refused),
		T(map_that_would_replace_an_ancestor_of_its_source_is_refused),
		T(remap_through_own_derivation_is_allowed_when_it_only_extends),
		T(alloc_failure_returns_enomem_and_keeps_pages_done_before),
		T(grant_into_empty_space_without_memory_fails_enomem_before_moving),
	};

	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	const struct CMUnitTest plain[] = { cmocka_unit_test(test_items_land_where_the_window_says) };

	return failed + cmocka_run_group_tests(plain, NULL, NULL);
}
