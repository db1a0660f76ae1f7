/*
 * servers/memory/fork.c — the memory server's side of fork and exec
 * (MEM_FORK, MEM_EXEC in exo/memory.h).
 *
 * Fork copies a parent's layout into a child space that has none: private
 * regions (the break region too) become the child's own regions at the same
 * addresses, sharing the parent's frames copy-on-write; shared regions map
 * the same objects. Nothing is mapped in the child: its first touches fault
 * (ops.c), a read maps a shared frame read-only, a write copies it.
 *
 * Invariants: a frame owned by several region pages (frames.c counts the
 * owners) is never mapped writable anywhere; fork takes write access from
 * the parent's mappings before it answers, and the fault path maps such a
 * frame without EXO_W. The child's private pages are charged to it at fork
 * (as at mmap), so its later copies never pass its limit.
 *
 * The pages holding the message the parent waits in during the fork (a
 * range proc passes on from PROC_FORK) are copied for the child at once
 * instead: the reply must land in them, and shared pages are read-only.
 *
 * Exec drops a space's layout as its end would, and keeps the space.
 */
#include <stdlib.h>
#include <string.h>

#include <exo/errno.h>

#include "memory.h"

/*
 * Is the sender the thread registered as "proc"? The last answer is cached;
 * a sender that does not match it makes the server look again (the process
 * server may have restarted under a new thread id).
 */
static bool from_proc(struct mem_req *r)
{
	struct memsrv *ms = r->ms;
	exo_tid_t t = EXO_NILTHREAD;

	if (ms->proc != EXO_NILTHREAD && r->from == ms->proc)
		return true;
	if (exo_lookup(MEM_PROC_NAME, &t, EXO_TIMEOUT_ZERO) != EXO_OK || t == EXO_NILTHREAD || r->from != t)
		return false;
	ms->proc = t;
	ms->proc_space = r->space;
	return true;
}

void mem_forget_proc(struct memsrv *ms, exo_space_t ended)
{
	if (ms->proc_space == ended) {
		ms->proc = EXO_NILTHREAD;
		ms->proc_space = EXO_NILSPACE;
	}
}

static void list_free(struct region *head)
{
	while (head) {
		struct region *n = head->next;

		free(head->frames);
		free(head);
		head = n;
	}
}

/* The child's copies of p's regions, not yet linked anywhere (no state changed). */
static struct region *copy_regions(const struct mspace *p, bool *ok)
{
	struct region *head = NULL, **tail = &head;

	*ok = true;
	for (const struct region *g = p->regions; g; g = g->next) {
		struct region *n = malloc(sizeof(*n));

		if (!n)
			goto fail;
		*n = *g;
		n->next = NULL;
		n->frames = NULL;
		*tail = n;
		tail = &n->next;
		if (g->frames) {
			size_t bytes = (size_t)(g->len / EXO_PAGE_SIZE) * sizeof(uint64_t);

			if (!(n->frames = malloc(bytes ? bytes : 1)))
				goto fail;
			memcpy(n->frames, g->frames, bytes);
		}
	}
	return head;
fail:
	list_free(head);
	*ok = false;
	return NULL;
}

/* Free the frames the child's copies own alone (kept pages), then the list; the order is the parent's. */
static void list_free_kept(struct memsrv *ms, const struct mspace *p, struct region *copy)
{
	const struct region *g = p->regions;

	for (struct region *n = copy; n; n = n->next, g = g->next)
		for (uint64_t i = 0; n->frames && i < n->len / EXO_PAGE_SIZE; i++)
			if (n->frames[i] && n->frames[i] != g->frames[i])
				frame_free(ms, n->frames[i] - 1);
	list_free(copy);
}

/*
 * The parent's pages in [keep, keep + len) stay its own, writable: the
 * child gets copies of them now instead of sharing them. They hold the
 * message the parent waits in while the fork is made (exo/memory.h): the
 * reply has to land there, and a page shared copy-on-write is read-only.
 */
static bool keep_copies(struct memsrv *ms, const struct mspace *p, struct region *copy, uint64_t keep,
			uint64_t len)
{
	for (uint64_t a = keep & ~(uint64_t)(EXO_PAGE_SIZE - 1); len && a < keep + len; a += EXO_PAGE_SIZE) {
		const struct region *g = region_find((struct mspace *)p, a);
		struct region *n = copy;
		uint64_t i, f;

		if (!g || !g->frames || !(g->prot & EXO_W))
			continue;
		i = (a - g->start) / EXO_PAGE_SIZE;
		if (!g->frames[i] || frame_shared(ms, g->frames[i] - 1))
			continue; /* untouched, or read-only already: nothing to keep */
		while (n && n->start != g->start)
			n = n->next;
		if (!n || !frame_alloc(ms, &f))
			return false;
		memcpy(ms->phys + f * EXO_PAGE_SIZE, ms->phys + (g->frames[i] - 1) * EXO_PAGE_SIZE, EXO_PAGE_SIZE);
		n->frames[i] = f + 1;
	}
	return true;
}

/* The objects the parent may map: the child may map them too. */
static bool may_map(struct shm *o, exo_space_t space)
{
	struct shm_user *u = shm_user(o, space, false);

	return u && (u->refs || u->may_map);
}

int mem_fork(void *ctx, const struct memory_fork_in *in)
{
	struct mem_req *r = ctx;
	struct memsrv *ms = r->ms;
	uint64_t pid = in->parent, cid = in->child, pages = 0, limit, keep = in->keep, keep_len = in->keep_len;
	struct mspace *p, *c;
	struct region *copy;
	const struct region *pg;
	struct revoke rv = { 0 };
	bool ok;

	/* Decode: who asks, for which spaces. */
	if (!from_proc(r))
		return -XE_EPERM;
	if (pid == 0 || cid == 0 || pid > UINT32_MAX || cid > UINT32_MAX || pid == cid ||
	    cid == exo_my_space() || keep_len > MEM_FORK_KEEP_MAX || keep + keep_len < keep)
		return -XE_EINVAL;
	c = mspace_get(ms, (exo_space_t)cid, false);
	if (c && c->regions)
		return -XE_EBUSY;
	p = mspace_get(ms, (exo_space_t)pid, false);
	if (!p)
		return 0; /* a parent with nothing here: the child starts empty */
	for (const struct region *g = p->regions; g; g = g->next)
		if (g->frames)
			pages += g->len / EXO_PAGE_SIZE;
	limit = c && c->limit < p->limit ? c->limit : p->limit;
	if (pages > limit)
		return -XE_ENOMEM;

	/*
	 * Allocate everything the child needs; a failure here leaves the parent
	 * as it was and the child without regions (at most an empty record and
	 * rightless shm entries, both dropped when the child ends).
	 */
	if (!c && !(c = mspace_get(ms, (exo_space_t)cid, true)))
		return -XE_ENOMEM;
	copy = copy_regions(p, &ok);
	if (!ok)
		return -XE_ENOMEM;
	if (!keep_copies(ms, p, copy, keep, keep_len)) {
		list_free_kept(ms, p, copy);
		return -XE_ENOMEM;
	}
	for (struct shm *o = ms->shms; o; o = o->next) {
		if (may_map(o, p->id) && !shm_user(o, c->id, true)) {
			list_free_kept(ms, p, copy);
			return -XE_ENOMEM;
		}
	}

	/* Commit: nothing below fails. */
	for (struct shm *o = ms->shms; o; o = o->next)
		if (may_map(o, p->id))
			shm_user(o, c->id, false)->may_map = true;
	pg = p->regions;
	for (struct region *n = copy; n; n = n->next, pg = pg->next) {
		if (!n->frames) {
			n->obj->refs++;
			continue;
		}
		for (uint64_t i = 0; i < n->len / EXO_PAGE_SIZE; i++) {
			if (!n->frames[i] || n->frames[i] != pg->frames[i])
				continue; /* never touched, or the child's own copy already (kept) */
			frame_share(ms, n->frames[i] - 1);
			if (n->prot & EXO_W)
				revoke_add(ms, &rv, n->frames[i] - 1, EXO_W, false);
		}
	}
	/* The parent's pages are read-only when this returns: its next write copies. */
	revoke_flush(ms, &rv);
	c->regions = copy; /* the parent's order: sorted */
	c->charged = pages;
	c->limit = limit;
	c->brk = p->brk;
	return 0;
}

int mem_exec(void *ctx)
{
	struct mem_req *r = ctx;
	struct mspace *s = mspace_get(r->ms, r->space, false);

	if (s) {
		image_forget(r->ms, s); /* first: it is charged, and the reset starts the count at 0 */
		mspace_reset(r->ms, s);
	}
	shm_forget_space(r->ms, r->space);
	return 0;
}
