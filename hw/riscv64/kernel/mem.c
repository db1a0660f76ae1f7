/*
 * hw/riscv64/kernel/mem.c — memory on riscv64: the mapping database's effects
 * on real page tables, map and grant items, unmap, and page faults as IPC to
 * a pager.
 *
 * Physical memory is split at boot: the kernel's pool (page tables, threads,
 * the pages of boot images) and sigma0's frames, which sigma0 (the memory
 * server) sees at RV_SIGMA0_BASE and hands out by map items. Frame f of the
 * mapping database is physical page K.sigma0_pa + f * 4096. sigma0's view is
 * filled on demand: its own fault there maps the frame, no pager involved.
 */
#include <string.h>

#include "kernel.h"

static unsigned pte_rights(unsigned rights)
{
	return (rights & EXO_R ? PTE_R : 0) | (rights & EXO_W ? PTE_W | PTE_R : 0) | (rights & EXO_X ? PTE_X : 0);
}

static void *m_alloc(struct mdb *m, size_t size)
{
	return k_alloc(size);
}

static void m_free(struct mdb *m, void *p, size_t size)
{
	k_free(p, size);
}

static void m_install(struct mdb *m, struct mdb_space *ms, uint64_t vaddr, uint64_t frame, unsigned rights)
{
	struct kspace *s = ms->priv;

	if (s->pt && k_pt_map(s->pt, vaddr, K.sigma0_pa + frame * 4096, pte_rights(rights)))
		k_tlb_flush(s, vaddr);
}

static void m_protect(struct mdb *m, struct mdb_space *ms, uint64_t vaddr, unsigned rights)
{
	struct kspace *s = ms->priv;

	if (s->pt && k_pt_protect(s->pt, vaddr, pte_rights(rights)))
		k_tlb_flush(s, vaddr);
}

static void m_remove(struct mdb *m, struct mdb_space *ms, uint64_t vaddr)
{
	struct kspace *s = ms->priv;

	if (s->pt) {
		k_pt_unmap(s->pt, vaddr);
		k_tlb_flush(s, vaddr);
	}
}

static const struct mdb_ops rv_mdb_ops = {
	.alloc = m_alloc,
	.free = m_free,
	.install = m_install,
	.protect = m_protect,
	.remove = m_remove,
};

void k_mem_init(void)
{
	mdb_init(&K.mdb, &rv_mdb_ops, K.sigma0_size / 4096, RV_SIGMA0_BASE, &K);
}

void k_mem_space_init(struct kspace *s)
{
	mdb_space_init(&K.mdb, &s->mdb, s->sigma0, s);
}

void k_mem_space_fini(struct kspace *s)
{
	mdb_space_destroy(&K.mdb, &s->mdb);
}

/* Map and grant items of m, from `from` into the receive window of `to`; rewritten for `to`. */
exo_err k_mem_transfer(struct kthread *from, struct kthread *to, struct kmsg *m)
{
	unsigned u = exo_tag_untyped(m->tag), t = exo_tag_typed(m->tag);

	for (unsigned i = u; i < u + t; i += EXO_ITEM_WORDS) {
		unsigned kind = exo_item_kind(m->mr[i]), l;
		exo_fpage_t f = m->mr[i + 1];
		uint64_t snd = m->mr[i] & ~(uint64_t)0xfff, src, dst;
		exo_err err;

		if (kind != EXO_ITEM_MAP && kind != EXO_ITEM_GRANT)
			continue;
		if (!mdb_item_place(to->rcv_window, snd, f, &src, &dst, &l))
			return EXO_EBADITEM;
		if (dst < RV_USER_BASE || dst >= RV_USER_END || (((uint64_t)1 << l) > RV_USER_END - dst))
			return EXO_EBADITEM;
		err = mdb_map(&K.mdb, &from->space->mdb, src, &to->space->mdb, dst,
			      ((uint64_t)1 << l) >> EXO_PAGE_SHIFT, exo_fpage_rights(f), kind == EXO_ITEM_GRANT);
		if (err != EXO_OK)
			return err;
		m->mr[i] = kind | (snd & ~(uint64_t)0xfff);
		m->mr[i + 1] = exo_fpage(dst, l, exo_fpage_rights(f));
	}
	return EXO_OK;
}

exo_err k_unmap(struct kthread *t, uint64_t ufpages, unsigned n, unsigned flags)
{
	exo_fpage_t fp[EXO_MR_COUNT];

	if (n > EXO_MR_COUNT || flags & ~EXO_UNMAP_SELF)
		return EXO_EINVAL;
	if (n && !k_copy_in(t->space, fp, ufpages, n * sizeof(fp[0])))
		return EXO_EINVAL;
	for (unsigned i = 0; i < n; i++) {
		if (!exo_fpage_valid(fp[i]))
			continue;
		mdb_unmap(&K.mdb, &t->space->mdb, exo_fpage_base(fp[i]),
			  ((uint64_t)1 << exo_fpage_log2(fp[i])) >> EXO_PAGE_SHIFT, exo_fpage_rights(fp[i]),
			  flags & EXO_UNMAP_SELF);
	}
	return EXO_OK;
}

bool k_space_page(struct kspace *s, uint64_t va, unsigned rights, uint64_t *pa)
{
	uint64_t *e = k_pt_walk(s->pt, va);
	struct kpage *kp;

	if (e) { /* already there (two segments share a page): widen its rights */
		*e |= pte_rights(rights);
		if (pa)
			*pa = ((*e >> 10) << 12);
		return true;
	}
	kp = k_alloc(sizeof(*kp));
	if (!kp || !(kp->pa = k_page_alloc())) {
		k_free(kp, sizeof(*kp));
		return false;
	}
	if (!k_pt_map(s->pt, va, kp->pa, pte_rights(rights))) {
		k_page_free(kp->pa);
		k_free(kp, sizeof(*kp));
		return false;
	}
	kp->va = va;
	kp->next = s->kpages;
	s->kpages = kp;
	if (pa)
		*pa = kp->pa;
	return true;
}

/* The pager that serves s's faults: its own, else the default; NULL when none lives outside s. */
struct kthread *k_pager_of(struct kspace *s)
{
	struct kthread *p = k_thread_get(s->pager ? s->pager : K.default_pager);

	return p && p->space != s ? p : NULL;
}

/* Free the pages the kernel gave s itself (struct kpage), with their records. */
void k_kpages_free(struct kspace *s)
{
	struct kpage *kp;

	while ((kp = s->kpages) != NULL) {
		s->kpages = kp->next;
		k_page_free(kp->pa);
		k_free(kp, sizeof(*kp));
	}
}

void k_fault(struct kthread *t, uint64_t addr, unsigned access)
{
	struct kspace *s = t->space;
	struct kthread *p = k_pager_of(s);

	if (s->sigma0 && addr >= RV_SIGMA0_BASE && addr - RV_SIGMA0_BASE < K.sigma0_size) {
		uint64_t va = addr & ~4095ull;

		if (mdb_lookup(&K.mdb, &s->mdb, va) &&
		    k_pt_map(s->pt, va, K.sigma0_pa + (va - RV_SIGMA0_BASE), PTE_R | PTE_W | PTE_X)) {
			k_tlb_flush(s, va);
			return;
		}
	}
	if (addr >= s->zero_lo && addr < s->zero_hi && !k_pt_walk(s->pt, addr & ~4095ull)) {
		/* The program's bss and heap: a zeroed page of the kernel's, as the ELF said. */
		if (k_space_page(s, addr & ~4095ull, EXO_R | EXO_W, NULL))
			return;
		kprintf("exo: %s (space %u): out of memory for its heap at %lx\n", s->label, s->id, addr);
		k_space_end(s, EXO_W_SIGNALED(EXO_SIGBUS));
		return;
	}
	if (!p) {
		kprintf("exo: %s (space %u) faulted at %lx (pc %lx) with no pager: it ends\n", s->label,
			s->id, addr, t->f.sepc);
		k_space_end(s, EXO_W_SIGNALED(EXO_SIGSEGV));
		return;
	}
	k_pager_call(t, EXO_LABEL_PAGEFAULT, addr, access, t->f.sepc);
}

/*
 * t calls its pager, as a fault at addr: a reply that maps addr with the
 * access resumes t at its sepc, anything else ends its space (trap.c).
 * The caller has checked that there is a pager outside t's space.
 */
void k_pager_call(struct kthread *t, uint32_t label, uint64_t addr, unsigned access, uint64_t word2)
{
	exo_tid_t pager = k_pager_of(t->space)->ipc.tid;

	t->msg.kernel = true;
	t->msg.tag = exo_tag(label, 3, 0);
	t->msg.mr[0] = addr;
	t->msg.mr[1] = access;
	t->msg.mr[2] = word2;
	t->fault_addr = addr;
	t->fault_access = access;
	t->nbuf = 0;
	t->rcv_window = EXO_FPAGE_COMPLETE;
	t->faulting = true;
	t->fault_refused = false;
	t->fault_soft = false;
	t->op = 0;
	t->ipc.msg = &t->msg;
	t->wait = KWAIT_IPC;
	k_block(t);
	ipc_call(&K.ipc, &t->ipc, pager, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER, k_now());
}
