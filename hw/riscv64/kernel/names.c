/*
 * hw/riscv64/kernel/names.c — the name registry: a server registers a name,
 * clients look it up, waiting (up to their timeout) for it to appear. A
 * name goes with the thread that registered it.
 */
#include <string.h>

#include "kernel.h"

static struct kname *find(const char *name)
{
	for (struct kname *n = K.names; n; n = n->next)
		if (!strcmp(n->name, name))
			return n;
	return NULL;
}

static void answer(struct kthread *t, exo_err err, exo_tid_t tid)
{
	t->wait = KWAIT_NONE;
	t->f.regs[R_A0] = (uint64_t)err;
	t->f.regs[R_A1] = tid;
	k_ready(t);
}

static void unlink_lookup(struct kthread *t)
{
	for (struct kthread **pp = &K.lookups; *pp; pp = &(*pp)->lnext)
		if (*pp == t) {
			*pp = t->lnext;
			t->lnext = NULL;
			return;
		}
}

exo_err k_name_register(struct kthread *t, const char *name)
{
	struct kname *n;
	struct kthread **pp;

	if (!name[0])
		return EXO_EINVAL;
	for (const char *c = name; *c; c++) /* A-Z a-z 0-9 . _ - (docs/abi.md), as on the sim */
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
		      *c == '.' || *c == '_' || *c == '-'))
			return EXO_EINVAL;
	if (find(name))
		return EXO_EEXIST;
	n = k_alloc(sizeof(*n));
	if (!n)
		return EXO_ENOMEM;
	strcpy(n->name, name);
	n->owner = t;
	n->next = K.names;
	K.names = n;
	K.nnames++;
	pp = &K.lookups;
	while (*pp) {
		struct kthread *w = *pp;

		if (!strcmp(w->lookup, name)) {
			*pp = w->lnext;
			w->lnext = NULL;
			answer(w, EXO_OK, t->ipc.tid);
		} else {
			pp = &w->lnext;
		}
	}
	return EXO_OK;
}

void k_name_lookup(struct kthread *t, const char *name, exo_timeout_t wait)
{
	struct kname *n = find(name);

	if (n) {
		answer(t, EXO_OK, n->owner->ipc.tid);
		return;
	}
	if (wait == EXO_TIMEOUT_ZERO) {
		answer(t, EXO_ENOENT, EXO_NILTHREAD);
		return;
	}
	strcpy(t->lookup, name);
	t->lookup_deadline = ipc_deadline(wait, k_now());
	t->wait = KWAIT_LOOKUP;
	k_block(t);
	t->lnext = K.lookups;
	K.lookups = t;
}

void k_lookups_expire(uint64_t now)
{
	struct kthread **pp = &K.lookups;

	while (*pp) {
		struct kthread *w = *pp;

		if (w->lookup_deadline <= now) {
			*pp = w->lnext;
			w->lnext = NULL;
			answer(w, EXO_ENOENT, EXO_NILTHREAD);
		} else {
			pp = &w->lnext;
		}
	}
}

uint64_t k_lookups_next_deadline(void)
{
	uint64_t d = IPC_NEVER;

	for (struct kthread *w = K.lookups; w; w = w->lnext)
		if (w->lookup_deadline < d)
			d = w->lookup_deadline;
	return d;
}

void k_names_drop(struct kthread *t)
{
	struct kname **pp = &K.names;

	while (*pp) {
		struct kname *n = *pp;

		if (n->owner == t) {
			*pp = n->next;
			k_free(n, sizeof(*n));
			K.nnames--;
		} else {
			pp = &n->next;
		}
	}
}

void k_lookup_cancel(struct kthread *t)
{
	if (t->wait == KWAIT_LOOKUP) {
		unlink_lookup(t);
		t->wait = KWAIT_NONE;
	}
}
