/*
 * sim/kernel/mem.c — the mechanism under the mapping database: physical
 * memory as one memfd, map and grant items in delivered messages, and
 * revocation through each space's control channel.
 *
 * Effects of kernel/mdb.c land in two places. Installs for the receiver of a
 * message are collected in k->inst and travel as install records appended to
 * the message (the receiver's libexo maps them before its IPC returns).
 * Removals and protections for any space are queued per space and sent as a
 * SIM_OP_CTL batch to its control thread; an unmap answers its caller only
 * when every space of the batch acknowledged, so revoked pages are gone from
 * every space before exo_unmap returns.
 *
 * Kernel notices (a space ended) wait on the pager thread until it enters an
 * open receive.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kernel.h"

static void *mdb_alloc(struct mdb *m, size_t n)
{
	return k_alloc(m->priv, n);
}

static void mdb_free(struct mdb *m, void *p, size_t n)
{
	k_free(m->priv, p, n);
}

static void mdb_install(struct mdb *m, struct mdb_space *ms, uint64_t vaddr, uint64_t frame,
			unsigned rights)
{
	struct ksim *k = m->priv;
	struct sim_install *last = k->ninst ? &k->inst[k->ninst - 1] : NULL;

	(void)ms;
	if (last && last->rights == rights && last->vaddr + (uint64_t)last->npages * EXO_PAGE_SIZE == vaddr &&
	    last->frame + last->npages == frame && last->npages < UINT32_MAX) {
		last->npages++;
		return;
	}
	if (k->ninst == SIM_INSTALL_MAX) {
		k->inst_overflow = true;
		return;
	}
	k->inst[k->ninst++] = (struct sim_install){ vaddr, frame, 1, rights };
}

static void ctl_queue(struct ksim *k, struct kspace *s, uint64_t vaddr, unsigned rights)
{
	struct sim_install *last = s->nctl_pending ? &s->ctl_pending[s->nctl_pending - 1] : NULL;

	if (!s->ctl)
		return; /* nothing of it is installed without its control thread */
	if (last && last->rights == rights && last->vaddr + (uint64_t)last->npages * EXO_PAGE_SIZE == vaddr) {
		last->npages++;
		return;
	}
	if (s->nctl_pending == s->ctl_cap) {
		unsigned cap = s->ctl_cap ? s->ctl_cap * 2 : 16;
		struct sim_install *p = realloc(s->ctl_pending, cap * sizeof(*p));

		if (!p) {
			klog(k, "out of memory queueing a revocation for space %u", s->id);
			return;
		}
		s->ctl_pending = p;
		s->ctl_cap = cap;
	}
	s->ctl_pending[s->nctl_pending++] = (struct sim_install){ vaddr, 0, 1, rights };
	k->ctl_dirty = true;
}

static void mdb_protect(struct mdb *m, struct mdb_space *ms, uint64_t vaddr, unsigned rights)
{
	ctl_queue(m->priv, ms->priv, vaddr, rights);
}

static void mdb_remove(struct mdb *m, struct mdb_space *ms, uint64_t vaddr)
{
	ctl_queue(m->priv, ms->priv, vaddr, 0);
}

static const struct mdb_ops sim_mdb_ops = {
	.alloc = mdb_alloc,
	.free = mdb_free,
	.install = mdb_install,
	.protect = mdb_protect,
	.remove = mdb_remove,
};

int k_mem_init(struct ksim *k, uint64_t size)
{
	size = (size + EXO_PAGE_SIZE - 1) & ~(uint64_t)(EXO_PAGE_SIZE - 1);
	k->memfd = memfd_create("exo-phys", MFD_CLOEXEC);
	if (k->memfd < 0 || ftruncate(k->memfd, (off_t)size) < 0) {
		perror("exosim: physical memory");
		return -1;
	}
	k->phys_size = size;
	k->inst = malloc(SIM_INSTALL_MAX * sizeof(*k->inst));
	if (!k->inst)
		return -1;
	mdb_init(&k->mdb, &sim_mdb_ops, size / EXO_PAGE_SIZE, K_SIGMA0_BASE, k);
	return 0;
}

void k_mem_fini(struct ksim *k)
{
	while (k->batches) {
		struct kbatch *b = k->batches;

		k->batches = b->next;
		k_free(k, b, sizeof(*b));
	}
	free(k->inst);
	if (k->memfd >= 0)
		close(k->memfd);
}

void k_mem_space_init(struct ksim *k, struct kspace *s)
{
	mdb_space_init(&k->mdb, &s->mdb, s->sigma0, s);
}

static void batch_done(struct ksim *k, uint32_t id)
{
	struct kbatch **pp = &k->batches, *b;

	while ((b = *pp) != NULL && b->id != id)
		pp = &b->next;
	if (!b || --b->pending > 0)
		return;
	*pp = b->next;
	if (b->waiter) {
		b->waiter->wait = KWAIT_NONE;
		k_answer(k, b->waiter, EXO_OK, 0, 0, NULL, 0);
	}
	if (b->gate) {
		struct kthread *t = b->gate;

		t->gate = 0;
		if (t->held) {
			if (t->chan && k_chan_send(k, t->chan, t->held, t->held_len) && t->held_installs)
				t->space->installs_sent++;
			k_free(k, t->held, t->held_len);
			t->held = NULL;
		}
	}
	k_free(k, b, sizeof(*b));
}

void k_mem_ctl_ack(struct ksim *k, struct kspace *s, uint32_t id)
{
	for (unsigned i = 0; i < s->nbatches; i++) {
		if (s->batches[i] == id) {
			s->batches[i] = s->batches[--s->nbatches];
			batch_done(k, id);
			return;
		}
	}
}

void k_mem_ctl_closed(struct ksim *k, struct kspace *s)
{
	s->ctl = NULL;
	s->nctl_pending = 0;
	while (s->nbatches > 0)
		batch_done(k, s->batches[--s->nbatches]);
}

void k_mem_space_fini(struct ksim *k, struct kspace *s)
{
	mdb_space_destroy(&k->mdb, &s->mdb);
	if (s->ctl) {
		s->ctl->ctl_of = NULL;
		k_mem_ctl_closed(k, s);
	}
	k_mem_flush(k, NULL, NULL);
	free(s->ctl_pending);
	free(s->batches);
	if (!s->sigma0 && k->default_pager != EXO_NILTHREAD) {
		struct kthread *p = k_thread_get(k, s->pager ? s->pager : k->default_pager);

		if (p && p->space != s)
			k_notify(k, p, EXO_LABEL_SPACE_EXIT, s->id);
	}
	for (unsigned i = 0; i < k->nwatchers; i++) {
		struct kthread *w = k_thread_get(k, k->watchers[i]);
		uint64_t words[4] = { s->id, s->wstatus, s->utime_ns, s->stime_ns };

		if (w && w->space != s)
			k_notify_words(k, w, EXO_LABEL_SPACE_EXIT, words, 4);
	}
}

void k_space_state(struct ksim *k, struct kspace *s, uint32_t wstatus)
{
	for (unsigned i = 0; i < k->nwatchers; i++) {
		struct kthread *w = k_thread_get(k, k->watchers[i]);
		uint64_t words[2] = { s->id, wstatus };

		if (w && w->space != s)
			k_notify_words(k, w, EXO_LABEL_SPACE_STATE, words, 2);
	}
}

/* Send every queued revocation; `waiter` is answered when all are acked. */
void k_mem_flush(struct ksim *k, struct kthread *waiter, struct kthread *gate)
{
	struct kbatch *b = NULL;

	if (!k->ctl_dirty) {
		if (waiter)
			k_answer(k, waiter, EXO_OK, 0, 0, NULL, 0);
		return;
	}
	k->ctl_dirty = false;

	for (struct kspace *s = k->spaces; s; s = s->next) {
		struct sim_hdr h = { .op = SIM_OP_CTL };
		size_t len;
		unsigned char *buf = k->txbuf;

		if (!s->nctl_pending)
			continue;
		if (!s->ctl) {
			s->nctl_pending = 0;
			continue;
		}
		if (!b) {
			b = k_alloc(k, sizeof(*b));
			if (!b) {
				klog(k, "out of memory for a revocation batch");
				return;
			}
			b->id = ++k->next_batch;
			b->waiter = waiter;
			b->gate = NULL;
		}
		while (s->nctl_pending > 0) {
			unsigned n = s->nctl_pending > SIM_INSTALL_MAX ? SIM_INSTALL_MAX : s->nctl_pending;
			uint32_t *ids;

			h.tid = b->id;
			h.aux = n;
			h.tag = s->installs_sent;
			len = sizeof(h) + n * sizeof(struct sim_install);
			memcpy(buf, &h, sizeof(h));
			memcpy(buf + sizeof(h), s->ctl_pending + s->nctl_pending - n, n * sizeof(struct sim_install));
			s->nctl_pending -= n;
			if (!k_chan_send(k, s->ctl, buf, len))
				continue;
			if (s->nbatches == s->batch_cap) {
				unsigned cap = s->batch_cap ? s->batch_cap * 2 : 8;

				ids = realloc(s->batches, cap * sizeof(*ids));
				if (!ids)
					continue;
				s->batches = ids;
				s->batch_cap = cap;
			}
			s->batches[s->nbatches++] = b->id;
			b->pending++;
		}
	}
	if (b && b->pending) {
		b->next = k->batches;
		k->batches = b;
		if (waiter)
			waiter->wait = KWAIT_UNMAP;
		if (gate && !gate->gate) {
			b->gate = gate;
			gate->gate = b->id;
		}
		return;
	}
	if (b)
		k_free(k, b, sizeof(*b));
	if (waiter)
		k_answer(k, waiter, EXO_OK, 0, 0, NULL, 0);
}

void k_mem_thread_gone(struct ksim *k, struct kthread *t)
{
	for (struct kbatch *b = k->batches; b; b = b->next) {
		if (b->waiter == t)
			b->waiter = NULL;
		if (b->gate == t)
			b->gate = NULL;
	}
	if (t->held) {
		k_free(k, t->held, t->held_len);
		t->held = NULL;
	}
	while (t->notes) {
		struct knote *n = t->notes;

		t->notes = n->next;
		k_free(k, n, sizeof(*n));
	}
	if (k->default_pager == t->ipc.tid)
		k->default_pager = EXO_NILTHREAD;
	for (unsigned i = 0; i < k->nwatchers; i++)
		if (k->watchers[i] == t->ipc.tid)
			k->watchers[i--] = k->watchers[--k->nwatchers];
}

/*
 * Move the map and grant items of m from `from` to `to`'s receive window,
 * rewriting each item to name where it landed. Installs for `to` collect in
 * k->inst. Items before a failing one stay transferred.
 */
exo_err k_mem_transfer(struct ksim *k, struct kthread *from, struct kthread *to, struct kmsg *m)
{
	struct sim_hdr *h = (struct sim_hdr *)m->frame;
	uint64_t *mr = (uint64_t *)(h + 1);
	unsigned u = exo_tag_untyped(h->tag), t = exo_tag_typed(h->tag);

	for (unsigned i = u; i < u + t; i += EXO_ITEM_WORDS) {
		unsigned kind = exo_item_kind(mr[i]), l;
		exo_fpage_t f = mr[i + 1];
		uint64_t snd = mr[i] & ~(uint64_t)0xfff, src, dst;
		exo_err err;

		if (kind != EXO_ITEM_MAP && kind != EXO_ITEM_GRANT)
			continue;
		if (!mdb_item_place(to->rcv_window, snd, f, &src, &dst, &l))
			return EXO_EBADITEM;
		err = mdb_map(&k->mdb, &from->space->mdb, src, &to->space->mdb, dst,
			      ((uint64_t)1 << l) >> EXO_PAGE_SHIFT, exo_fpage_rights(f), kind == EXO_ITEM_GRANT);
		if (err == EXO_OK && k->inst_overflow)
			err = EXO_EMSGSIZE;
		if (err != EXO_OK)
			return err;
		mr[i] = kind | (snd & ~(uint64_t)0xfff);
		mr[i + 1] = exo_fpage(dst, l, exo_fpage_rights(f));
	}
	return EXO_OK;
}

void k_notify(struct ksim *k, struct kthread *t, uint32_t label, uint64_t word)
{
	k_notify_words(k, t, label, &word, 1);
}

void k_notify_words(struct ksim *k, struct kthread *t, uint32_t label, const uint64_t *w, unsigned nw)
{
	struct knote *n = k_alloc(k, sizeof(*n)), **pp = &t->notes;

	if (!n)
		return;
	n->label = label;
	n->nwords = nw < 4 ? nw : 4;
	memcpy(n->word, w, n->nwords * sizeof(uint64_t));
	while (*pp)
		pp = &(*pp)->next;
	*pp = n;
	if (t->wait == KWAIT_IPC && ipc_take_open_receiver(&k->ipc, &t->ipc)) {
		t->wait = KWAIT_NONE;
		k_notes_deliver(k, t);
	}
}

/* Give t its oldest notice as a message from the kernel. */
bool k_notes_deliver(struct ksim *k, struct kthread *t)
{
	struct knote *n = t->notes;
	struct {
		struct sim_hdr h;
		uint64_t mr[4];
	} f;
	size_t flen;

	if (!n)
		return false;
	t->notes = n->next;
	memset(&f, 0, sizeof(f));
	f.h.op = SIM_OP_MSG;
	f.h.tid = EXO_NILTHREAD;
	f.h.aux = t->op == SIM_OP_REPLY_WAIT ? (uint32_t)t->reply_err : 0;
	f.h.tag = exo_tag_with_flags(exo_tag(n->label, n->nwords, 0), EXO_TAGF_KERNEL);
	memcpy(f.mr, n->word, n->nwords * sizeof(uint64_t));
	flen = sizeof(f.h) + n->nwords * sizeof(uint64_t);
	k_free(k, n, sizeof(*n));
	if (k->trace)
		k_trace_notice(k, t, f.h.tag, f.mr, (unsigned)((flen - sizeof(f.h)) / sizeof(uint64_t)));
	if (t->chan)
		k_chan_send(k, t->chan, &f, flen);
	return true;
}
