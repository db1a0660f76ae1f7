/*
 * servers/memory/ops.c — the memory server's operations (exo/memory.h), one
 * handler each, dispatched by table; page faults and kernel notices too.
 *
 * Each handler checks the whole request first, then changes state, then
 * fills the reply: label 0 and its registers, or label = an XE_* errno.
 * Fork and exec live in fork.c; their copy-on-write faults are resolved here.
 */
#include <stdio.h>
#include <string.h>

#include <exo/errno.h>

#include "memory.h"

static void reply(struct mem_req *r, int err, unsigned words)
{
	r->m->tag = exo_tag(err < 0 ? (uint32_t)-err : 0, err < 0 ? 0 : words, 0);
}

static bool page_aligned(uint64_t v)
{
	return (v & (EXO_PAGE_SIZE - 1)) == 0;
}

static uint64_t page_round(uint64_t v)
{
	return (v + EXO_PAGE_SIZE - 1) & ~(uint64_t)(EXO_PAGE_SIZE - 1);
}

static bool in_vm(uint64_t a, uint64_t len)
{
	return a >= EXO_VM_BASE && len <= EXO_VM_SIZE && a - EXO_VM_BASE <= EXO_VM_SIZE - len;
}

static int do_mmap(struct mem_req *r)
{
	struct mspace *s = mspace_get(r->ms, r->space, true);
	uint64_t *mr = r->m->mr, len = mr[0], hint = mr[3], off = mr[5], addr;
	unsigned prot = (unsigned)mr[1], flags = (unsigned)mr[2];
	struct shm *obj = NULL;
	int err;

	if (!s)
		return -XE_ENOMEM;
	if (len == 0 || (prot & ~EXO_RWX) || (flags & ~(MEM_SHARED | MEM_FIXED)) || !page_aligned(off))
		return -XE_EINVAL;
	len = page_round(len);
	if (len == 0 || len > EXO_VM_SIZE)
		return -XE_ENOMEM;
	if (flags & MEM_FIXED) {
		if (!page_aligned(hint))
			return -XE_EINVAL;
		if (!in_vm(hint, len))
			return -XE_ENOMEM;
	}
	if (flags & MEM_SHARED) {
		if (mr[4]) {
			struct shm_user *u;

			obj = shm_find_id(r->ms, (uint32_t)mr[4]);
			u = obj ? shm_user(obj, r->space, false) : NULL;
			if (!u || (!u->refs && !u->may_map))
				return -XE_EBADF; /* not an object this space holds or was given */
		} else {
			err = shm_open_obj(r->ms, 0, "", MEM_SHM_CREAT, len, &obj);
			if (err)
				return err;
		}
	}
	if (flags & MEM_FIXED) {
		regions_remove(r->ms, s, hint, len);
		addr = hint;
	} else {
		addr = range_find(s, len, page_aligned(hint) ? hint : 0);
		if (!addr)
			err = -XE_ENOMEM;
	}
	err = addr ? region_add(r->ms, s, addr, len, prot, flags & MEM_SHARED, obj, off / EXO_PAGE_SIZE) : -XE_ENOMEM;
	if (obj && !mr[4])
		shm_put(r->ms, obj); /* the region holds the anonymous object now */
	if (err)
		return err;
	mr[0] = addr;
	return 1;
}

static int do_munmap(struct mem_req *r)
{
	struct mspace *s = mspace_get(r->ms, r->space, true);
	uint64_t addr = r->m->mr[0], len = page_round(r->m->mr[1]);

	if (!s)
		return -XE_ENOMEM;
	if (!page_aligned(addr) || r->m->mr[1] == 0 || len == 0)
		return -XE_EINVAL;
	if (in_vm(addr, len))
		regions_remove(r->ms, s, addr, len);
	return 0;
}

static int do_mprotect(struct mem_req *r)
{
	struct mspace *s = mspace_get(r->ms, r->space, true);
	uint64_t addr = r->m->mr[0], len = page_round(r->m->mr[1]);
	unsigned prot = (unsigned)r->m->mr[2];

	if (!s)
		return -XE_ENOMEM;
	if (!page_aligned(addr) || (prot & ~EXO_RWX))
		return -XE_EINVAL;
	if (len == 0)
		return 0;
	if (!in_vm(addr, len))
		return -XE_ENOMEM;
	return regions_protect(r->ms, s, addr, len, prot);
}

/* The name of a SHM_OPEN/SHM_UNLINK request: its first string item. */
static int shm_name(struct mem_req *r, unsigned u, char *out, size_t n)
{
	unsigned t = exo_tag_typed(r->m->tag);
	uint32_t len;

	if (t < 2 || exo_item_kind(r->m->mr[u]) != EXO_ITEM_STRING)
		return -XE_EINVAL;
	len = exo_string_len(r->m->mr[u]);
	if (len == 0 || len >= n)
		return -XE_ENAMETOOLONG;
	memcpy(out, (const void *)(uintptr_t)r->m->mr[u + 1], len);
	out[len] = 0;
	if (strlen(out) != len || out[0] != '/' || strchr(out + 1, '/') || len < 2)
		return -XE_EINVAL;
	return 0;
}

static int do_shm_open(struct mem_req *r)
{
	char name[64] = "";
	struct shm *o;
	int err = 0;

	/* No name: a new anonymous object, alive while someone holds or maps it. */
	if (exo_tag_typed(r->m->tag) == 0) {
		if (!(r->m->mr[0] & MEM_SHM_CREAT))
			return -XE_EINVAL;
	} else {
		err = shm_name(r, 2, name, sizeof(name));
	}
	if (err)
		return err;
	err = shm_open_obj(r->ms, r->space, name, (unsigned)r->m->mr[0], 0, &o);
	if (err)
		return err;
	r->m->mr[0] = o->id;
	r->m->mr[1] = o->npages * EXO_PAGE_SIZE;
	return 2;
}

static int do_shm_unlink(struct mem_req *r)
{
	char name[64];
	int err = shm_name(r, 0, name, sizeof(name));

	return err ? err : shm_unlink_obj(r->ms, name);
}

/* The object the request names, if the caller holds a reference to it. */
static struct shm *held(struct mem_req *r, uint64_t id)
{
	struct shm *o = id <= UINT32_MAX ? shm_find_id(r->ms, (uint32_t)id) : NULL;
	struct shm_user *u = o ? shm_user(o, r->space, false) : NULL;

	return u && u->refs ? o : NULL;
}

static int do_shm_close(struct mem_req *r)
{
	struct shm *o = held(r, r->m->mr[0]);

	if (!o)
		return -XE_EBADF;
	shm_user(o, r->space, false)->refs--;
	shm_put(r->ms, o);
	return 0;
}

static int do_shm_truncate(struct mem_req *r)
{
	struct shm *o = held(r, r->m->mr[0]);

	if (!o)
		return -XE_EBADF;
	return shm_resize(r->ms, o, r->m->mr[1]);
}

static int do_shm_share(struct mem_req *r)
{
	struct shm *o = held(r, r->m->mr[0]);
	struct shm_user *u;

	if (!o)
		return -XE_EBADF;
	if (r->m->mr[1] == 0 || r->m->mr[1] > UINT32_MAX)
		return -XE_EINVAL;
	u = shm_user(o, (exo_space_t)r->m->mr[1], true);
	if (!u)
		return -XE_ENOMEM;
	u->may_map = true;
	return 0;
}

static int do_brk(struct mem_req *r)
{
	struct mspace *s = mspace_get(r->ms, r->space, true);
	uint64_t want = r->m->mr[0], old, nw;
	int err;

	if (!s)
		return -XE_ENOMEM;
	if (want == 0) {
		r->m->mr[0] = s->brk;
		return 1;
	}
	if (want < EXO_VM_BASE || want > EXO_VM_BASE + MEM_BRK_MAX)
		return -XE_ENOMEM;
	old = page_round(s->brk);
	nw = page_round(want);
	if (nw > old) {
		err = region_add(r->ms, s, old, nw - old, EXO_R | EXO_W, 0, NULL, 0);
		if (err)
			return err;
	} else if (nw < old) {
		regions_remove(r->ms, s, nw, old - nw);
	}
	s->brk = want;
	r->m->mr[0] = s->brk;
	return 1;
}

static int do_stats(struct mem_req *r)
{
	struct mspace *s = mspace_get(r->ms, r->space, false);

	r->m->mr[0] = r->ms->used;
	r->m->mr[1] = r->ms->nframes - r->ms->used;
	r->m->mr[2] = s ? s->charged : 0;
	r->m->mr[3] = s ? s->limit : r->ms->default_limit;
	return 4;
}

static int do_set_limit(struct mem_req *r)
{
	struct mspace *s = mspace_get(r->ms, r->space, true);

	if (!s)
		return -XE_ENOMEM;
	if (r->m->mr[0] > s->limit)
		return -XE_EPERM;
	s->limit = r->m->mr[0];
	return 0;
}

/* The handlers; the words each request carries come from MEM_OPS (mem_op_in). */
static int (*const ops[MEM_OP_COUNT])(struct mem_req *r) = {
	[MEM_MMAP] = do_mmap,             [MEM_MUNMAP] = do_munmap,
	[MEM_MPROTECT] = do_mprotect,     [MEM_SHM_OPEN] = do_shm_open,
	[MEM_SHM_UNLINK] = do_shm_unlink, [MEM_SHM_CLOSE] = do_shm_close,
	[MEM_SHM_TRUNCATE] = do_shm_truncate, [MEM_BRK] = do_brk,
	[MEM_STATS] = do_stats,           [MEM_SET_LIMIT] = do_set_limit,
	[MEM_SHM_SHARE] = do_shm_share,   [MEM_FORK] = mem_fork,
	[MEM_EXEC] = mem_exec,            [MEM_IMAGE] = mem_image,
};

/*
 * Fault-around: a fault in an untouched, naturally aligned 64 KiB block of a
 * private region maps the whole block at once (16 zeroed frames, one
 * flexpage), so sequential first touches fault once per 16 pages.
 */
#define AROUND_SHIFT 16
#define AROUND_PAGES (1u << (AROUND_SHIFT - EXO_PAGE_SHIFT))

static bool fault_around(struct mem_req *r, struct region *g, uint64_t addr)
{
	uint64_t block = addr & ~(((uint64_t)1 << AROUND_SHIFT) - 1), i0, first;

	if (!g->frames || block < g->start || block + ((uint64_t)1 << AROUND_SHIFT) > g->start + g->len)
		return false;
	i0 = (block - g->start) / EXO_PAGE_SIZE;
	for (unsigned i = 0; i < AROUND_PAGES; i++)
		if (g->frames[i0 + i])
			return false;
	if (!frame_alloc_block(r->ms, &first))
		return false;
	for (unsigned i = 0; i < AROUND_PAGES; i++)
		g->frames[i0 + i] = first + i + 1;
	r->m->tag = exo_tag(0, 0, 2);
	exo_msg_put_map(r->m, 0, block,
			exo_fpage((uint64_t)(uintptr_t)(r->ms->phys + first * EXO_PAGE_SIZE), AROUND_SHIFT, g->prot), 0);
	return true;
}

/*
 * A private page whose frame other spaces own too (after a fork): a read
 * maps it read-only, a write gets a copy of its own. Returns the rights to
 * map *slot with, 0 when out of frames.
 */
static unsigned copy_on_write(struct mem_req *r, struct region *g, uint64_t *slot, uint64_t access)
{
	uint64_t old = *slot - 1, frame;

	if (!(access & EXO_W))
		return g->prot & ~(unsigned)EXO_W;
	if (!frame_alloc(r->ms, &frame))
		return 0;
	memcpy(r->ms->phys + frame * EXO_PAGE_SIZE, r->ms->phys + old * EXO_PAGE_SIZE, EXO_PAGE_SIZE);
	frame_free(r->ms, old); /* one owner fewer; the others keep it */
	*slot = frame + 1;
	return g->prot;
}

/* A page fault from the kernel: map the page, or refuse (no item). */
static void do_fault(struct mem_req *r)
{
	uint64_t addr = r->m->mr[0] & ~(uint64_t)(EXO_PAGE_SIZE - 1), access = r->m->mr[1];
	struct mspace *s = mspace_get(r->ms, r->space, false);
	struct region *g = s ? region_find(s, addr) : NULL;
	uint64_t i, *slot, frame;
	unsigned rights = g ? g->prot : 0;

	r->m->tag = exo_tag(XE_EFAULT, 0, 0);
	if (!g || !(g->prot & access) || !(g->prot & EXO_R))
		return;
	if (fault_around(r, g, addr))
		return;
	i = (addr - g->start) / EXO_PAGE_SIZE;
	if (g->frames) {
		slot = &g->frames[i];
	} else {
		if (g->off + i >= g->obj->npages)
			return; /* past the end of the object (SIGBUS on a real system) */
		slot = &g->obj->frames[g->off + i];
	}
	if (!*slot) {
		if (!frame_alloc(r->ms, &frame))
			return;
		*slot = frame + 1;
	} else if (g->frames && frame_shared(r->ms, *slot - 1)) {
		rights = copy_on_write(r, g, slot, access);
		if (!rights)
			return;
	}
	r->m->tag = exo_tag(0, 0, 2);
	exo_msg_put_map(r->m, 0, addr, frame_fpage(r->ms, *slot - 1, rights), 0);
}

void mem_dispatch(struct mem_req *r)
{
	uint32_t label = exo_tag_label(r->m->tag);
	bool from_kernel = exo_tag_flags(r->m->tag) & EXO_TAGF_KERNEL;
	int res;

	if (label == EXO_LABEL_PAGEFAULT || label == EXO_LABEL_EXEC) {
		if (!from_kernel) {
			reply(r, -XE_EPERM, 0); /* a forged fault or restart */
			return;
		}
		/* A restart is a fault at the new program's entry, in its new layout. */
		if (label == EXO_LABEL_EXEC && !image_install(r->ms, r->space)) {
			reply(r, -XE_EFAULT, 0);
			return;
		}
		do_fault(r);
		return;
	}
	if (label >= MEM_OP_COUNT || !ops[label] || exo_tag_untyped(r->m->tag) < mem_op_in[label]) {
		reply(r, -XE_ENOSYS, 0);
		return;
	}
	res = ops[label](r);
	reply(r, res < 0 ? res : 0, res < 0 ? 0 : (unsigned)res);
}
