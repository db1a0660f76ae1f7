/*
 * kernel/mdb.c — the mapping database (see mdb.h).
 *
 * Entry points: mdb_init, mdb_space_init, mdb_space_destroy, mdb_lookup,
 * mdb_map, mdb_unmap. Each runs to completion and reports its effects through
 * m->ops; the ops never call back into this module.
 *
 * Layout: a space hashes its nodes by virtual page (a power-of-two bucket
 * array, chains through node->hnext, doubled when count > 2 * nbuckets if
 * memory allows). The mappings of a frame form a tree: `children` is the
 * first child, next/prev link siblings (prev of a first child is NULL).
 * sigma0's roots sit in sigma0's hash like any node; mdb_lookup makes them on
 * demand and they go only with sigma0 itself.
 *
 * Invariants, besides mdb.h's:
 *   - A non-root node holds EXO_R: map refuses rights without it and unmap
 *     removes a node that loses it. So a grant that reduces rights only
 *     protects the moved node's descendants, never removes them.
 *   - No map removes one of its own source nodes: a destination page to be
 *     replaced must not be an ancestor of a source page (checked first).
 *   - Walks are iterative (no recursion however deep a tree grows) and fetch
 *     the next node before the current one is freed.
 */
#include "mdb.h"

#include <stddef.h>

#include <exo/msg.h>

#define PAGE_MASK ((uint64_t)EXO_PAGE_SIZE - 1)
#define FIRST_BUCKETS 16

static bool aligned(uint64_t a)
{
	return (a & PAGE_MASK) == 0;
}

/* ---- the per-space hash of vpage -> node ---- */

static size_t bucket(const struct mdb_space *s, uint64_t vaddr)
{
	uint64_t h = (vaddr >> EXO_PAGE_SHIFT) * UINT64_C(0x9e3779b97f4a7c15);

	return (size_t)(h ^ (h >> 32)) & (s->nbuckets - 1);
}

static struct mdb_node *hash_find(const struct mdb_space *s, uint64_t vaddr)
{
	struct mdb_node *n;

	if (!s->buckets)
		return NULL;
	for (n = s->buckets[bucket(s, vaddr)]; n; n = n->hnext)
		if (n->vaddr == vaddr)
			return n;
	return NULL;
}

static struct mdb_node **new_table(struct mdb *m, size_t nb)
{
	struct mdb_node **t;

	if (nb > SIZE_MAX / sizeof *t)
		return NULL;
	t = m->ops->alloc(m, nb * sizeof *t);
	if (t)
		for (size_t i = 0; i < nb; i++)
			t[i] = NULL;
	return t;
}

/* s has a table to insert into; false when it cannot get one. */
static bool hash_ready(struct mdb *m, struct mdb_space *s)
{
	if (s->buckets)
		return true;
	s->buckets = new_table(m, FIRST_BUCKETS);
	if (!s->buckets)
		return false;
	s->nbuckets = FIRST_BUCKETS;
	return true;
}

/*
 * Double the table (more if earlier growths failed and count ran ahead);
 * without memory the old one stays and its chains get longer.
 */
static void hash_grow(struct mdb *m, struct mdb_space *s)
{
	struct mdb_node **old = s->buckets, **t, *n, *next;
	size_t oldn = s->nbuckets, nb = oldn, b;

	do {
		if (nb > SIZE_MAX / 2)
			return;
		nb *= 2;
	} while (s->count > 2 * nb);
	t = new_table(m, nb);
	if (!t)
		return;
	s->buckets = t;
	s->nbuckets = nb;
	for (size_t i = 0; i < oldn; i++)
		for (n = old[i]; n; n = next) {
			next = n->hnext;
			b = bucket(s, n->vaddr);
			n->hnext = t[b];
			t[b] = n;
		}
	m->ops->free(m, old, oldn * sizeof *old);
}

/* Insert n (n->vaddr set, not in s yet); s has a table (hash_ready). */
static void hash_add(struct mdb *m, struct mdb_space *s, struct mdb_node *n)
{
	size_t b = bucket(s, n->vaddr);

	n->hnext = s->buckets[b];
	s->buckets[b] = n;
	if (++s->count > 2 * s->nbuckets)
		hash_grow(m, s);
}

static void hash_del(struct mdb_space *s, struct mdb_node *n)
{
	struct mdb_node **pp = &s->buckets[bucket(s, n->vaddr)];

	while (*pp != n)
		pp = &(*pp)->hnext;
	*pp = n->hnext;
	n->hnext = NULL;
	s->count--;
}

/* ---- the derivation trees ---- */

static void link_child(struct mdb_node *parent, struct mdb_node *n)
{
	n->parent = parent;
	n->prev = NULL;
	n->next = parent->children;
	if (n->next)
		n->next->prev = n;
	parent->children = n;
}

static void unlink_child(struct mdb_node *n)
{
	if (!n->parent)
		return;
	if (n->prev)
		n->prev->next = n->next;
	else
		n->parent->children = n->next;
	if (n->next)
		n->next->prev = n->prev;
	n->parent = n->next = n->prev = NULL;
}

/* The node after n's subtree in a preorder walk of top's subtree, or NULL. */
static struct mdb_node *skip(struct mdb_node *n, const struct mdb_node *top)
{
	while (n != top) {
		if (n->next)
			return n->next;
		n = n->parent;
	}
	return NULL;
}

static struct mdb_node *new_node(struct mdb *m)
{
	struct mdb_node *n = m->ops->alloc(m, sizeof *n);

	if (n)
		m->nodes++;
	return n;
}

/*
 * Free top and its whole subtree, leaves first, telling remove() of each
 * page except top's own (unless tell_top) and except the pages of `quiet`
 * (a dying space).
 */
static void destroy_subtree(struct mdb *m, struct mdb_node *top, const struct mdb_space *quiet,
			    bool tell_top)
{
	struct mdb_node *n = top, *p;
	bool last;

	for (;;) {
		while (n->children)
			n = n->children;
		p = n->parent;
		last = n == top;
		unlink_child(n);
		hash_del(n->space, n);
		if (n->space != quiet && (!last || tell_top))
			m->ops->remove(m, n->space, n->vaddr);
		m->ops->free(m, n, sizeof *n);
		m->nodes--;
		if (last)
			return;
		n = p;
	}
}

/*
 * Take rights r from every node below top (and from top itself with self,
 * unless it is a root). A node left without EXO_R goes with its subtree; a
 * node whose rights do not change keeps its subtree as it is (children hold
 * a subset of its rights).
 */
static void revoke(struct mdb *m, struct mdb_node *top, unsigned r, bool self)
{
	struct mdb_node *n, *next;
	unsigned nr;

	if (self && top->parent) {
		nr = top->rights & ~r;
		if (nr == top->rights)
			return;
		if (!(nr & EXO_R)) {
			destroy_subtree(m, top, NULL, true);
			return;
		}
		top->rights = nr;
		m->ops->protect(m, top->space, top->vaddr, nr);
	}
	for (n = top->children; n; n = next) {
		nr = n->rights & ~r;
		if (nr == n->rights) {
			next = skip(n, top);
		} else if (!(nr & EXO_R)) {
			next = skip(n, top);
			destroy_subtree(m, n, NULL, true);
		} else {
			n->rights = nr;
			m->ops->protect(m, n->space, n->vaddr, nr);
			next = n->children ? n->children : skip(n, top);
		}
	}
}

/* ---- sigma0 ---- */

static bool sigma0_frame(const struct mdb *m, uint64_t vaddr, uint64_t *frame)
{
	uint64_t off = vaddr - m->sigma0_base;

	if (vaddr < m->sigma0_base || !aligned(vaddr) || !aligned(off) ||
	    (off >> EXO_PAGE_SHIFT) >= m->nframes)
		return false;
	*frame = off >> EXO_PAGE_SHIFT;
	return true;
}

/* ---- entry points ---- */

void mdb_init(struct mdb *m, const struct mdb_ops *ops, uint64_t nframes, uint64_t sigma0_base,
	      void *priv)
{
	*m = (struct mdb){ .ops = ops, .nframes = nframes, .sigma0_base = sigma0_base, .priv = priv };
}

void mdb_space_init(struct mdb *m, struct mdb_space *s, bool sigma0, void *priv)
{
	*s = (struct mdb_space){ .sigma0 = sigma0, .priv = priv };
}

void mdb_space_destroy(struct mdb *m, struct mdb_space *s)
{
	/* Removals only shrink chains, so each bucket is emptied from its head. */
	for (size_t b = 0; b < s->nbuckets; b++)
		while (s->buckets[b])
			destroy_subtree(m, s->buckets[b], s, false);
	if (s->buckets)
		m->ops->free(m, s->buckets, s->nbuckets * sizeof *s->buckets);
	s->buckets = NULL;
	s->nbuckets = s->count = 0;
}

struct mdb_node *mdb_lookup(struct mdb *m, struct mdb_space *s, uint64_t vaddr)
{
	struct mdb_node *n;
	uint64_t frame;

	if (!aligned(vaddr))
		return NULL;
	n = hash_find(s, vaddr);
	if (n || !s->sigma0 || !sigma0_frame(m, vaddr, &frame) || !hash_ready(m, s))
		return n;
	n = new_node(m);
	if (!n)
		return NULL;
	*n = (struct mdb_node){ .space = s, .vaddr = vaddr, .frame = frame, .rights = EXO_RWX };
	hash_add(m, s, n);
	return n;
}

/*
 * Everything mdb_map refuses, checked before anything changes; rights are
 * already masked to EXO_RWX. Nothing is allocated here: a sigma0 source page
 * needs only be in range (its root, made or not, holds EXO_RWX).
 */
static exo_err map_check(const struct mdb *m, const struct mdb_space *src, uint64_t src_vaddr,
			 const struct mdb_space *dst, uint64_t dst_vaddr, uint64_t npages,
			 unsigned rights, bool grant)
{
	const uint64_t top = UINT64_MAX >> EXO_PAGE_SHIFT; /* pages after an address, at most */
	uint64_t last, sa, frame, j;
	const struct mdb_node *sn, *a;
	unsigned have;

	if (src == dst || dst->sigma0 || (grant && src->sigma0) || npages == 0 ||
	    !aligned(src_vaddr) || !aligned(dst_vaddr) ||
	    npages - 1 > top - (src_vaddr >> EXO_PAGE_SHIFT) ||
	    npages - 1 > top - (dst_vaddr >> EXO_PAGE_SHIFT))
		return EXO_EBADITEM;
	last = (npages - 1) << EXO_PAGE_SHIFT;
	for (uint64_t i = 0; i < npages; i++) {
		sa = src_vaddr + (i << EXO_PAGE_SHIFT);
		sn = hash_find(src, sa);
		if (src->sigma0) {
			if (!sigma0_frame(m, sa, &frame))
				return EXO_EBADITEM;
			have = EXO_RWX;
		} else {
			if (!sn)
				return EXO_EBADITEM;
			have = sn->rights;
		}
		if (!(rights & have & EXO_R))
			return EXO_EBADITEM;
		/*
		 * A destination page that will be replaced must not be above
		 * this source page: replacing it would remove the source. Only
		 * a destination page that is extended (a child of its own
		 * source page, map only) may be.
		 */
		for (a = sn ? sn->parent : NULL; a; a = a->parent) {
			if (a->space != dst || a->vaddr < dst_vaddr || a->vaddr - dst_vaddr > last)
				continue;
			if (grant)
				return EXO_EBADITEM;
			j = (a->vaddr - dst_vaddr) >> EXO_PAGE_SHIFT;
			if (a->parent != hash_find(src, src_vaddr + (j << EXO_PAGE_SHIFT)))
				return EXO_EBADITEM;
		}
	}
	return EXO_OK;
}

static exo_err map_page(struct mdb *m, struct mdb_space *src, uint64_t sa, struct mdb_space *dst,
			uint64_t da, unsigned rights)
{
	struct mdb_node *sn = mdb_lookup(m, src, sa), *d, *n;
	unsigned r;

	if (!sn) /* checked: only a sigma0 root that could not be made */
		return src->sigma0 ? EXO_ENOMEM : EXO_EBADITEM;
	r = rights & sn->rights;
	d = hash_find(dst, da);
	if (d && d->parent == sn) {
		d->rights |= r;
		m->ops->install(m, dst, da, d->frame, d->rights);
		return EXO_OK;
	}
	if ((!d && !hash_ready(m, dst)) || !(n = new_node(m)))
		return EXO_ENOMEM;
	if (d)
		destroy_subtree(m, d, NULL, false);
	*n = (struct mdb_node){ .space = dst, .vaddr = da, .frame = sn->frame, .rights = r };
	link_child(sn, n);
	hash_add(m, dst, n);
	m->ops->install(m, dst, da, n->frame, r);
	return EXO_OK;
}

static exo_err grant_page(struct mdb *m, struct mdb_space *src, uint64_t sa, struct mdb_space *dst,
			  uint64_t da, unsigned rights)
{
	struct mdb_node *sn = hash_find(src, sa), *d;
	unsigned old, r;

	if (!sn)
		return EXO_EBADITEM;
	old = sn->rights;
	r = rights & old;
	d = hash_find(dst, da);
	if (!d && !hash_ready(m, dst))
		return EXO_ENOMEM;
	if (d)
		destroy_subtree(m, d, NULL, false);
	hash_del(src, sn);
	m->ops->remove(m, src, sa);
	sn->space = dst;
	sn->vaddr = da;
	sn->rights = r;
	hash_add(m, dst, sn);
	m->ops->install(m, dst, da, sn->frame, r);
	if (r != old)
		revoke(m, sn, old & ~r, false);
	return EXO_OK;
}

exo_err mdb_map(struct mdb *m, struct mdb_space *src, uint64_t src_vaddr, struct mdb_space *dst,
		uint64_t dst_vaddr, uint64_t npages, unsigned rights, bool grant)
{
	exo_err err;

	rights &= EXO_RWX;
	err = map_check(m, src, src_vaddr, dst, dst_vaddr, npages, rights, grant);
	for (uint64_t i = 0; err == EXO_OK && i < npages; i++) {
		uint64_t off = i << EXO_PAGE_SHIFT;

		if (grant)
			err = grant_page(m, src, src_vaddr + off, dst, dst_vaddr + off, rights);
		else
			err = map_page(m, src, src_vaddr + off, dst, dst_vaddr + off, rights);
	}
	return err;
}

/* The lowest page of bucket b in [lo, hi] above `after` (any, if !started), or NULL. */
static struct mdb_node *next_in_bucket(const struct mdb_space *s, size_t b, uint64_t lo,
				       uint64_t hi, bool started, uint64_t after)
{
	struct mdb_node *pick = NULL;
	uint64_t vp;

	for (struct mdb_node *n = s->buckets[b]; n; n = n->hnext) {
		vp = n->vaddr >> EXO_PAGE_SHIFT;
		if (vp < lo || vp > hi || (started && vp <= after))
			continue;
		if (!pick || vp < pick->vaddr >> EXO_PAGE_SHIFT)
			pick = n;
	}
	return pick;
}

void mdb_unmap(struct mdb *m, struct mdb_space *s, uint64_t vaddr, uint64_t npages,
	       unsigned rights, bool self)
{
	const uint64_t top = UINT64_MAX >> EXO_PAGE_SHIFT;
	uint64_t lo = vaddr >> EXO_PAGE_SHIFT, hi, vp;
	struct mdb_node *n;

	rights &= EXO_RWX;
	if (!aligned(vaddr) || npages == 0 || rights == 0 || !s->buckets)
		return;
	hi = npages - 1 > top - lo ? top : lo + (npages - 1);
	if (hi - lo < s->nbuckets + s->count) {
		for (uint64_t p = lo;; p++) {
			n = hash_find(s, p << EXO_PAGE_SHIFT);
			if (n)
				revoke(m, n, rights, self);
			if (p == hi)
				return;
		}
	}
	/*
	 * A range wider than the space's contents: walk the buckets instead,
	 * taking each bucket's pages in the range in increasing order and
	 * looking again from the bucket's head after each (a revoke may remove
	 * nodes of s anywhere, and never adds any: the bucket array stays).
	 */
	for (size_t b = 0; b < s->nbuckets; b++)
		for (n = next_in_bucket(s, b, lo, hi, false, 0); n;
		     n = next_in_bucket(s, b, lo, hi, true, vp)) {
			vp = n->vaddr >> EXO_PAGE_SHIFT;
			revoke(m, n, rights, self);
		}
}

bool mdb_item_place(exo_fpage_t win, uint64_t snd, exo_fpage_t f, uint64_t *src, uint64_t *dst,
		    unsigned *log2)
{
	unsigned wl = exo_fpage_log2(win), fl = exo_fpage_log2(f);
	uint64_t wbase = exo_fpage_base(win);

	snd &= ~(uint64_t)0xfff;
	if (win == EXO_FPAGE_NIL)
		return false;
	if (win == EXO_FPAGE_COMPLETE || (wl == 1 && wbase == 0)) {
		wl = 63;
		wbase = 0;
	} else if (!exo_fpage_valid(win)) {
		return false;
	}
	if (fl <= wl) {
		uint64_t wmask = wl >= 63 ? ~(uint64_t)0 : (((uint64_t)1 << wl) - 1);

		*dst = wbase + (snd & wmask & ~(((uint64_t)1 << fl) - 1));
		*src = exo_fpage_base(f);
		*log2 = fl;
	} else {
		*src = exo_fpage_base(f) + (snd & (((uint64_t)1 << fl) - 1) & ~(((uint64_t)1 << wl) - 1));
		*dst = wbase;
		*log2 = wl;
	}
	return true;
}
