/*
 * hw/riscv64/kernel/space.c — fork and exec of a space (the kernel's part of
 * exo_space_fork and exo_space_exec).
 *
 * Fork: the child is a new space whose kernel-given pages (the program's
 * image, bss, heap and first stack: struct kpage) are copies of the
 * parent's, and whose one thread is a copy of the caller at its ecall,
 * returning EXO_OK with no child id. What the memory server mapped (the
 * managed range) is not copied here: MEM_FORK gives the child the same
 * regions copy-on-write, and its first touches fault. The child is held
 * until the parent, having had the servers copy their state (prep),
 * resumes it or gives up on it (RV_SYS_SPACE_RESUME).
 *
 * Kernel pages are what the kernel loaded at boot (struct kpage): a
 * program exec'd since has none, its whole memory is the memory server's,
 * and fork copies nothing here.
 *
 * Exec is the restart of a space at a program that a user-level loader
 * (libposix/image_elf.c) laid out through the memory server (MEM_IMAGE):
 * the kernel checks the entry and stack, drops the old program (threads,
 * mappings, kernel pages, page table) and makes the caller the new
 * program's first thread, whose first act is the pager's call that
 * installs the new layout (EXO_LABEL_EXEC). The space and its id stay.
 */
#include <string.h>

#include "kernel.h"

/* Copies of p's kernel-given pages in c, at the same addresses with the same rights. */
static bool copy_kpages(struct kspace *p, struct kspace *c)
{
	for (struct kpage *kp = p->kpages; kp; kp = kp->next) {
		uint64_t *e = k_pt_walk(p->pt, kp->va), pa;
		unsigned rights = EXO_R;

		if (!e)
			continue;
		rights |= (*e & PTE_W ? EXO_W : 0) | (*e & PTE_X ? EXO_X : 0);
		if (!k_space_page(c, kp->va, rights, &pa))
			return false;
		memcpy((void *)(uintptr_t)pa, (const void *)(uintptr_t)kp->pa, 4096);
	}
	return true;
}

exo_err k_space_fork(struct kthread *t, exo_space_t *child)
{
	struct kspace *p = t->space, *c;
	struct kthread *ct;

	c = k_space_new(p->label);
	if (!c)
		return EXO_ENOMEM;
	c->zero_lo = p->zero_lo;
	c->zero_hi = p->zero_hi;
	c->forked_by = p->id;
	c->pager = p->pager;
	c->sched_policy = p->sched_policy; /* a child has its parent's scheduling (POSIX) */
	c->sched_prio = p->sched_prio;
	c->sched_nice = p->sched_nice;
	k_sig_fork(p, c);
	if (!copy_kpages(p, c)) {
		k_space_end(c, EXO_W_UNKNOWN);
		return EXO_ENOMEM;
	}
	ct = k_thread_new(c, 0, 0, 0, 0);
	if (!ct) {
		k_space_end(c, EXO_W_UNKNOWN);
		return EXO_ENOMEM;
	}
	k_block(ct); /* held until RV_SYS_SPACE_RESUME */
	ct->f = t->f; /* sepc is past the ecall already */
	ct->f.regs[R_A0] = EXO_OK;
	ct->f.regs[R_A1] = EXO_NILSPACE;
	ct->sig_mask = t->sig_mask;
	*child = c->id;
	return EXO_OK;
}

exo_err k_space_resume(struct kthread *t, exo_space_t id, bool go)
{
	struct kspace *c = k_space_find(id);

	if (!c || c->forked_by != t->space->id || !c->threads)
		return EXO_ENOPARTNER;
	c->forked_by = EXO_NILSPACE;
	if (!go) {
		k_space_end(c, EXO_W_UNKNOWN);
		return EXO_OK;
	}
	k_ready(c->threads);
	return EXO_OK;
}

/*
 * Restart the space at the program its pager laid out (exo_space_restart):
 * everything of the old program goes, and t becomes the first thread of the
 * new one, starting with the pager's call that installs its layout.
 */
exo_err k_space_restart(struct kthread *t, uint64_t entry, uint64_t sp, uint64_t arg0, uint64_t arg1,
			uint64_t name)
{
	struct kspace *s = t->space;
	char label[sizeof(s->label)] = { 0 };
	uint64_t *newpt, *oldpt;

	if (entry < RV_USER_BASE || entry >= RV_USER_END || sp <= RV_USER_BASE || sp > RV_USER_END || (sp & 15))
		return EXO_EINVAL;
	if (!k_pager_of(s))
		return EXO_ENOPARTNER;
	if (name && !k_copy_in(s, label, name, sizeof(label) - 1))
		label[0] = 0;
	newpt = k_pt_new();
	if (!newpt)
		return EXO_ENOMEM;
	/* The point of no return: the other threads, the mappings and the old program go. */
	for (struct kthread *o = s->threads, *next; o; o = next) {
		next = o->snext;
		if (o != t)
			k_thread_die(o);
	}
	k_mem_space_fini(s);
	k_mem_space_init(s);
	k_sig_exec(s, t);
	oldpt = s->pt;
	s->pt = newpt;
	s->zero_lo = s->zero_hi = 0;
	s->ndev = 0;
	s->mod_next = 0;
	if (label[0])
		memcpy(s->label, label, sizeof(s->label));
	k_vm_switch(NULL);
	k_kpages_free(s);
	k_pt_free(oldpt);
	memset(&t->f, 0, sizeof(t->f));
	t->f.sepc = entry;
	t->f.regs[R_SP] = sp;
	t->f.regs[R_A0] = arg0;
	t->f.regs[R_A1] = arg1;
	/* The new program's code was written through data mappings: the hart's fetches must see it. */
	__asm__ volatile("fence.i" ::: "memory");
	k_pager_call(t, EXO_LABEL_EXEC, entry, EXO_X, sp);
	return EXO_OK;
}
