/*
 * servers/memory/ops.c — the memory server's operations (protocols/memory.def,
 * exo/memory.h), one handler each, dispatched by the generated memory_serve;
 * page faults and the kernel's restart call come first.
 *
 * Each handler checks the whole request first, then changes state, then
 * fills the reply: label 0 and its registers, or label = an XE_* errno.
 * Fork and exec live in fork.c; their copy-on-write faults are resolved here.
 */
#include <stdio.h>
#include <string.h>

#include <exo/errno.h>

#include "memory.h"

static void refuse(struct mem_req *r, int err)
{
	r->m->tag = exo_tag((uint32_t)-err, 0, 0);
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

static int do_mmap(void *ctx, const struct memory_mmap_in *in, struct memory_mmap_out *out)
{
	struct mem_req *r = ctx;
	struct mspace *s = mspace_get(r->ms, r->space, true);
	uint64_t len = in->len, hint = in->hint, off = in->offset, addr;
	unsigned prot = (unsigned)in->prot, flags = (unsigned)in->flags;
	struct shm *obj = NULL;
	int err;

	if (!s)
		return -XE_ENOMEM;
	if (len == 0 || (in->prot & ~(uint64_t)EXO_RWX) || (in->flags & ~(uint64_t)(MEM_SHARED | MEM_FIXED)) ||
	    !page_aligned(off))
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
		if (in->shm) {
			struct shm_user *u;

			obj = in->shm <= UINT32_MAX ? shm_find_id(r->ms, (uint32_t)in->shm) : NULL;
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
	if (obj && !in->shm)
		shm_put(r->ms, obj); /* the region holds the anonymous object now */
	if (err)
		return err;
	out->addr = addr;
	return 0;
}

static int do_munmap(void *ctx, const struct memory_munmap_in *in)
{
	struct mem_req *r = ctx;
	struct mspace *s = mspace_get(r->ms, r->space, true);
	uint64_t addr = in->addr, len = page_round(in->len);

	if (!s)
		return -XE_ENOMEM;
	if (!page_aligned(addr) || in->len == 0 || len == 0)
		return -XE_EINVAL;
	if (in_vm(addr, len))
		regions_remove(r->ms, s, addr, len);
	return 0;
}

static int do_mprotect(void *ctx, const struct memory_mprotect_in *in)
{
	struct mem_req *r = ctx;
	struct mspace *s = mspace_get(r->ms, r->space, true);
	uint64_t addr = in->addr, len = page_round(in->len);
	unsigned prot = (unsigned)in->prot;

	if (!s)
		return -XE_ENOMEM;
	if (!page_aligned(addr) || (in->prot & ~(uint64_t)EXO_RWX))
		return -XE_EINVAL;
	if (len == 0)
		return 0;
	if (!in_vm(addr, len))
		return -XE_ENOMEM;
	return regions_protect(r->ms, s, addr, len, prot);
}

/* The name a SHM_OPEN/SHM_UNLINK request carries (its string item): "/name", one component. */
static int shm_name(const char *str, uint32_t len, char *out, size_t n)
{
	if (len == 0 || len >= n)
		return -XE_ENAMETOOLONG;
	memcpy(out, str, len);
	out[len] = 0;
	if (strlen(out) != len || out[0] != '/' || strchr(out + 1, '/') || len < 2)
		return -XE_EINVAL;
	return 0;
}

static int do_shm_open(void *ctx, const struct memory_shm_open_in *in, struct memory_shm_open_out *out)
{
	struct mem_req *r = ctx;
	char name[64] = "";
	struct shm *o;
	int err = 0;

	/* No name: a new anonymous object, alive while someone holds or maps it. */
	if (!in->name) {
		if (!(in->flags & MEM_SHM_CREAT))
			return -XE_EINVAL;
	} else {
		err = shm_name(in->name, in->name_len, name, sizeof(name));
	}
	if (err)
		return err;
	err = shm_open_obj(r->ms, r->space, name, (unsigned)in->flags, 0, &o);
	if (err)
		return err;
	out->shm = o->id;
	out->size = o->npages * EXO_PAGE_SIZE;
	return 0;
}

static int do_shm_unlink(void *ctx, const struct memory_shm_unlink_in *in)
{
	struct mem_req *r = ctx;
	char name[64];
	int err = shm_name(in->name, in->name_len, name, sizeof(name));

	return err ? err : shm_unlink_obj(r->ms, name);
}

/* The object the request names, if the caller holds a reference to it. */
static struct shm *held(struct mem_req *r, uint64_t id)
{
	struct shm *o = id <= UINT32_MAX ? shm_find_id(r->ms, (uint32_t)id) : NULL;
	struct shm_user *u = o ? shm_user(o, r->space, false) : NULL;

	return u && u->refs ? o : NULL;
}

static int do_shm_close(void *ctx, const struct memory_shm_close_in *in)
{
	struct mem_req *r = ctx;
	struct shm *o = held(r, in->shm);

	if (!o)
		return -XE_EBADF;
	shm_user(o, r->space, false)->refs--;
	shm_put(r->ms, o);
	return 0;
}

static int do_shm_truncate(void *ctx, const struct memory_shm_truncate_in *in)
{
	struct mem_req *r = ctx;
	struct shm *o = held(r, in->shm);

	if (!o)
		return -XE_EBADF;
	return shm_resize(r->ms, o, in->size);
}

static int do_shm_share(void *ctx, const struct memory_shm_share_in *in)
{
	struct mem_req *r = ctx;
	struct shm *o = held(r, in->shm);
	struct shm_user *u;

	if (!o)
		return -XE_EBADF;
	if (in->to == 0 || in->to > UINT32_MAX)
		return -XE_EINVAL;
	u = shm_user(o, (exo_space_t)in->to, true);
	if (!u)
		return -XE_ENOMEM;
	u->may_map = true;
	return 0;
}

static int do_brk(void *ctx, const struct memory_brk_in *in, struct memory_brk_out *out)
{
	struct mem_req *r = ctx;
	struct mspace *s = mspace_get(r->ms, r->space, true);
	uint64_t want = in->addr, old, nw;
	int err;

	if (!s)
		return -XE_ENOMEM;
	if (want == 0) {
		out->brk = s->brk;
		return 0;
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
	out->brk = s->brk;
	return 0;
}

static int do_stats(void *ctx, struct memory_stats_out *out)
{
	struct mem_req *r = ctx;
	struct mspace *s = mspace_get(r->ms, r->space, false);

	out->used = r->ms->used;
	out->free = r->ms->nframes - r->ms->used;
	out->pages = s ? s->charged : 0;
	out->limit = s ? s->limit : r->ms->default_limit;
	return 0;
}

static int do_set_limit(void *ctx, const struct memory_set_limit_in *in)
{
	struct mem_req *r = ctx;
	struct mspace *s = mspace_get(r->ms, r->space, true);

	if (!s)
		return -XE_ENOMEM;
	if (in->pages > s->limit)
		return -XE_EPERM;
	s->limit = in->pages;
	return 0;
}

/* The handlers of protocols/memory.def; memory_serve checks each request's shape first. */
static const struct memory_handlers handlers = {
	.mmap = do_mmap,
	.munmap = do_munmap,
	.mprotect = do_mprotect,
	.shm_open = do_shm_open,
	.shm_unlink = do_shm_unlink,
	.shm_close = do_shm_close,
	.shm_truncate = do_shm_truncate,
	.brk = do_brk,
	.stats = do_stats,
	.set_limit = do_set_limit,
	.shm_share = do_shm_share,
	.fork = mem_fork,
	.exec = mem_exec,
	.image = mem_image,
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

	if (label == EXO_LABEL_PAGEFAULT || label == EXO_LABEL_EXEC) {
		if (!from_kernel) {
			refuse(r, -XE_EPERM); /* a forged fault or restart */
			return;
		}
		/* A restart is a fault at the new program's entry, in its new layout. */
		if (label == EXO_LABEL_EXEC && !image_install(r->ms, r->space)) {
			refuse(r, -XE_EFAULT);
			return;
		}
		do_fault(r);
		return;
	}
	memory_serve(&handlers, r, r->m, r->from);
}
