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
 * Exec: the image is read from the caller's memory into a new page table;
 * only then does the old one go, with the space's other threads and its
 * mappings, and the caller restarts at the new entry point. The space and
 * its id stay. A bad image leaves the caller as it was (EXO_EINVAL).
 *
 * That the kernel loads images is this stage's: the design has a
 * user-level loader map segments through the memory server
 * (docs/riscv64.md), and fork becomes the memory server's copy-on-write of
 * the whole space then.
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

static bool read_user(const struct k_reader *rd, uint64_t off, void *dst, uint64_t n)
{
	return k_copy_in(rd->space, dst, rd->base + off, n);
}

/* Unpack "a\0b\0..." (count strings) from the caller into kernel memory. */
static bool unpack(struct kthread *t, uint64_t uva, uint64_t len, unsigned count, char *buf, size_t cap,
		   char **out)
{
	size_t off = 0;

	if (len > cap || (len && !k_copy_in(t->space, buf, uva, len)) || (count && (!len || buf[len - 1])))
		return false;
	for (unsigned i = 0; i < count; i++) {
		if (off >= len)
			return false;
		out[i] = buf + off;
		off += strlen(buf + off) + 1;
	}
	out[count] = NULL;
	return true;
}

exo_err k_space_exec(struct kthread *t, uint64_t img, uint64_t len, uint64_t strs, uint64_t slen, unsigned argc,
		     unsigned envc, uint64_t name)
{
	static char buf[32768];
	static char *ptrs[1024];
	struct kspace *s = t->space, tmp;
	struct k_reader rd = { .read = read_user, .space = s, .base = img };
	uint64_t entry, sp, uargv, *oldpt;
	struct kpage *oldk;
	char label[sizeof(s->label)] = { 0 };
	exo_err err;

	if (argc + envc + 2 > ARRAY_SIZE(ptrs) || argc == 0)
		return EXO_EMSGSIZE;
	if (!unpack(t, strs, slen, argc + envc, buf, sizeof(buf), ptrs))
		return slen > sizeof(buf) ? EXO_EMSGSIZE : EXO_EINVAL;
	if (name && !k_copy_in(s, label, name, sizeof(label) - 1))
		label[0] = 0;
	/* Build the new image in a space of the side, then move it in. */
	memset(&tmp, 0, sizeof(tmp));
	tmp.pt = k_pt_new();
	if (!tmp.pt)
		return EXO_ENOMEM;
	err = k_elf_load(&tmp, &rd, len, &entry);
	if (err == EXO_OK) {
		char **envp = ptrs + argc + 1;

		memmove(envp, ptrs + argc, (envc + 1) * sizeof(char *));
		ptrs[argc] = NULL;
		err = k_push_args(&tmp, ptrs, argc, envp, envc, &sp, &uargv);
	}
	if (err != EXO_OK) {
		struct kpage *p;

		while ((p = tmp.kpages) != NULL) {
			tmp.kpages = p->next;
			k_page_free(p->pa);
			k_free(p, sizeof(*p));
		}
		k_pt_free(tmp.pt);
		return err == EXO_EINVAL ? EXO_EINVAL : err;
	}
	/* The point of no return: the other threads, the mappings and the old image go. */
	for (struct kthread *o = s->threads, *next; o; o = next) {
		next = o->snext;
		if (o != t)
			k_thread_die(o);
	}
	k_mem_space_fini(s);
	k_mem_space_init(s);
	k_sig_exec(s);
	oldpt = s->pt;
	oldk = s->kpages;
	s->pt = tmp.pt;
	s->kpages = tmp.kpages;
	s->zero_lo = tmp.zero_lo;
	s->zero_hi = tmp.zero_hi;
	s->ndev = 0;
	s->mod_next = 0;
	if (label[0])
		memcpy(s->label, label, sizeof(s->label));
	k_vm_switch(NULL);
	while (oldk) {
		struct kpage *p = oldk;

		oldk = p->next;
		k_page_free(p->pa);
		k_free(p, sizeof(*p));
	}
	k_pt_free(oldpt);
	memset(&t->f, 0, sizeof(t->f));
	t->f.sepc = entry;
	t->f.regs[R_SP] = sp;
	t->f.regs[R_A0] = argc;
	t->f.regs[R_A1] = uargv;
	return EXO_OK;
}
