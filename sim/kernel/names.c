/*
 * sim/kernel/names.c — the name registry: a server registers a name, a client
 * finds the server's thread id by it (exo_lookup), waiting for it if asked.
 *
 * A name belongs to the thread that registered it and goes with that thread.
 * Registering a name wakes every lookup waiting for it, and the boot when it
 * waits for this name (exosim --wait, or a boot list `wait` entry).
 */
#define _GNU_SOURCE
#include <string.h>

#include "kernel.h"

struct kname *k_name_find(struct ksim *k, const char *name)
{
	for (struct kname *n = k->names; n; n = n->next)
		if (strcmp(n->name, name) == 0)
			return n;
	return NULL;
}

void k_lookup_cancel(struct ksim *k, struct kthread *t)
{
	if (t->lprev)
		t->lprev->lnext = t->lnext;
	else
		k->lookups = t->lnext;
	if (t->lnext)
		t->lnext->lprev = t->lprev;
	t->lnext = t->lprev = NULL;
	t->wait = KWAIT_NONE;
}

exo_err k_name_register(struct ksim *k, struct kthread *t, const char *name)
{
	struct kname *n;
	struct kthread *w, *next;

	if (k_name_find(k, name))
		return EXO_EEXIST;
	n = k_alloc(k, sizeof(*n));
	if (!n)
		return EXO_ENOMEM;
	strcpy(n->name, name);
	n->owner = t;
	n->next = k->names;
	k->names = n;
	k->nnames++;
	klog(k, "%s registered by %s (%x)", name, t->space->label, t->ipc.tid);
	if (k->trace)
		k_trace_name(k, t, name);
	for (w = k->lookups; w; w = next) {
		next = w->lnext;
		if (strcmp(w->lookup, name) == 0) {
			k_lookup_cancel(k, w);
			k_answer(k, w, EXO_OK, t->ipc.tid, 0, NULL, 0);
		}
	}
	if (k->wait_name && strcmp(k->wait_name, name) == 0)
		k_boot_continue(k);
	return EXO_OK;
}

void k_name_lookup(struct ksim *k, struct kthread *t, const char *name, exo_timeout_t wait)
{
	struct kname *n = k_name_find(k, name);

	if (n) {
		k_answer(k, t, EXO_OK, n->owner->ipc.tid, 0, NULL, 0);
		return;
	}
	if (wait == EXO_TIMEOUT_ZERO) {
		k_answer(k, t, EXO_ENOENT, 0, 0, NULL, 0);
		return;
	}
	strcpy(t->lookup, name);
	t->lookup_deadline = ipc_deadline(wait, k_now(k));
	t->wait = KWAIT_LOOKUP;
	t->lprev = NULL;
	t->lnext = k->lookups;
	if (k->lookups)
		k->lookups->lprev = t;
	k->lookups = t;
}

void k_names_drop(struct ksim *k, struct kthread *t)
{
	struct kname **pp = &k->names, *n;

	while ((n = *pp) != NULL) {
		if (n->owner == t) {
			klog(k, "%s unregistered (its thread ended)", n->name);
			*pp = n->next;
			k->nnames--;
			k_free(k, n, sizeof(*n));
		} else {
			pp = &n->next;
		}
	}
}

void k_lookups_expire(struct ksim *k, uint64_t now)
{
	struct kthread *w, *next;

	for (w = k->lookups; w; w = next) {
		next = w->lnext;
		if (w->lookup_deadline <= now) {
			k_lookup_cancel(k, w);
			k_answer(k, w, EXO_ENOENT, 0, 0, NULL, 0);
		}
	}
}

uint64_t k_lookups_next_deadline(struct ksim *k)
{
	uint64_t d = IPC_NEVER;

	for (struct kthread *w = k->lookups; w; w = w->lnext)
		if (w->lookup_deadline < d)
			d = w->lookup_deadline;
	return d;
}
