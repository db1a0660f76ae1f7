/*
 * sim/kernel/ipc.c — the mechanism under the IPC state machine: how exosim
 * moves a message and tells a thread its operation ended.
 *
 * A blocked sender's frame is kept as it arrived (struct kmsg). On a
 * rendezvous the frame's header is rewritten into a SIM_OP_MSG answer and the
 * same bytes go to the receiver's channel: one copy in, one copy out.
 */
#define _GNU_SOURCE
#include <string.h>

#include "kernel.h"

/* A heap copy of m (a sender that blocks keeps its message). */
struct kmsg *k_msg_keep(struct ksim *k, const struct kmsg *m)
{
	struct kmsg *c = k_alloc(k, sizeof(*c) + m->len);

	if (!c)
		return NULL;
	*c = *m;
	c->heap = true;
	c->frame = c->data;
	memcpy(c->data, m->frame, m->len);
	return c;
}

void k_msg_free(struct ksim *k, struct kmsg *m)
{
	if (m && m->heap)
		k_free(k, m, sizeof(*m) + m->len);
}

static struct ipc_thread *lookup(struct ipc *ipc, exo_tid_t tid)
{
	struct kthread *t = k_thread_get(ipc->priv, tid);

	return t ? &t->ipc : NULL;
}

static exo_err deliver(struct ipc *ipc, struct ipc_thread *from, struct ipc_thread *to)
{
	struct ksim *k = ipc->priv;
	struct kthread *s = from->priv, *r = to->priv;
	struct kmsg *m = from->msg;
	struct sim_hdr *h = (struct sim_hdr *)m->frame;
	exo_err err = EXO_OK;

	if (m->nstrings > r->nbuf)
		err = EXO_EMSGSIZE;
	for (unsigned i = 0; err == EXO_OK && i < m->nstrings; i++)
		if (m->slen[i] > r->buf_size[i])
			err = EXO_EMSGSIZE;
	k->ninst = 0;
	k->inst_overflow = false;
	if (err == EXO_OK && m->nmaps)
		err = k_mem_transfer(k, s, r, m);
	if (err == EXO_OK) {
		const void *out = m->frame;
		size_t outlen = m->len;

		h->op = SIM_OP_MSG;
		/* Tag flags are the kernel's to set (EXO_TAGF_KERNEL): never the sender's. */
		h->tag = exo_tag_with_flags(h->tag, m->kernel ? EXO_TAGF_KERNEL : 0);
		h->space = s->space->id;
		h->ninstall = k->ninst;
		h->rcv_window = 0;
		h->nbuf = 0;
		h->err = EXO_OK;
		h->tid = s->ipc.tid;
		h->aux = r->op == SIM_OP_REPLY_WAIT ? (uint32_t)r->reply_err : 0;
		h->snd_timeout = h->rcv_timeout = 0;
		memset(h->buf_size, 0, sizeof(h->buf_size));
		r->wait = KWAIT_NONE;
		if (k->ninst) {
			memcpy(k->txbuf, m->frame, m->len);
			memcpy(k->txbuf + m->len, k->inst, k->ninst * sizeof(struct sim_install));
			out = k->txbuf;
			outlen = m->len + k->ninst * sizeof(struct sim_install);
		}
		if (r->gate) {
			k_thread_send(k, r, out, outlen, k->ninst > 0);
			r->ipc_count++;
		} else if (!k_chan_send(k, r->chan, out, outlen)) {
			err = EXO_EDEAD;
		} else {
			r->ipc_count++;
			if (k->ninst)
				r->space->installs_sent++; /* see wire.h: ordering of installs */
		}
		kdebug(k, "%s(%x) -> %s(%x) label %#x u %u t %u: %s", s->space->label, s->ipc.tid,
		       r->space->label, r->ipc.tid, exo_tag_label(h->tag), exo_tag_untyped(h->tag),
		       exo_tag_typed(h->tag), exo_strerror(err));
	}
	if (k->trace)
		k_trace_deliver(k, s, r, m, err);
	if (err == EXO_OK) {
		s->ipc_sent++;
		s->since = r->since = k_now(k); /* s goes on to its receive phase, or runs */
	}
	k_msg_free(k, m);
	from->msg = NULL;
	/* A grant's sender answers only when its pages are gone from its space. */
	k_mem_flush(k, NULL, s->space->nctl_pending ? s : NULL);
	return err;
}

static void complete(struct ipc *ipc, struct ipc_thread *it, exo_err err)
{
	struct ksim *k = ipc->priv;
	struct kthread *t = it->priv;

	if (k->trace && err != EXO_OK)
		k_trace_ended(k, t, err);
	k_msg_free(k, it->msg);
	it->msg = NULL;
	t->wait = KWAIT_NONE;
	t->since = k_now(k);
	if (t->chan)
		k_answer(k, t, err, 0, t->op == SIM_OP_REPLY_WAIT ? (uint32_t)t->reply_err : 0, NULL, 0);
}

static const struct ipc_ops sim_ipc_ops = {
	.lookup = lookup,
	.deliver = deliver,
	.complete = complete,
};

void k_ipc_setup(struct ksim *k)
{
	ipc_init(&k->ipc, &sim_ipc_ops, k);
}
