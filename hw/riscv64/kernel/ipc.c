/*
 * hw/riscv64/kernel/ipc.c — the mechanism under the IPC state machine
 * (kernel/ipc.c) on riscv64: how a message moves between two spaces and how
 * a thread learns its operation ended.
 *
 * A sender's tag and words are read from its exo_msg_t into its thread
 * (struct kmsg) when the operation starts. At the rendezvous, string items
 * are copied straight from the sender's memory into the receiver's buffers
 * (both reached through their page tables), map items go through the
 * mapping database, and the tag and words are written into the receiver's
 * exo_msg_t. An operation's outcome lands in the thread's saved registers
 * (a0 = error, a1 = sender, a2 = a reply-wait's reply error) and the thread
 * becomes runnable.
 */
#include <stddef.h>
#include <string.h>

#include "kernel.h"

/*
 * Message words from one buffer to the other: up to 8 (what nearly every
 * protocol sends) as straight loads and stores entered at the count, more
 * by a loop.
 */
static inline void words(uint64_t *d, const uint64_t *s, unsigned n)
{
	switch (n) {
	case 8: d[7] = s[7]; /* fall through */
	case 7: d[6] = s[6]; /* fall through */
	case 6: d[5] = s[5]; /* fall through */
	case 5: d[4] = s[4]; /* fall through */
	case 4: d[3] = s[3]; /* fall through */
	case 3: d[2] = s[2]; /* fall through */
	case 2: d[1] = s[1]; /* fall through */
	case 1: d[0] = s[0]; /* fall through */
	case 0: return;
	}
	for (unsigned i = 0; i < n; i++)
		d[i] = s[i];
}

exo_err k_msg_load(struct kthread *t, uint64_t uva)
{
	struct kmsg *m = &t->msg;
	exo_msg_t *um = k_user_msg(t, uva);
	unsigned u, ty;

	m->kernel = false;
	if (um)
		m->tag = um->tag;
	else if (!k_copy_in(t->space, &m->tag, uva + offsetof(exo_msg_t, tag), sizeof(m->tag)))
		return EXO_EINVAL;
	u = exo_tag_untyped(m->tag);
	ty = exo_tag_typed(m->tag);
	if (u + ty > EXO_MR_COUNT || ty % EXO_ITEM_WORDS)
		return EXO_EINVAL;
	if (um)
		words(m->mr, um->mr, u + ty);
	else if (!k_copy_in(t->space, m->mr, uva + offsetof(exo_msg_t, mr), (u + ty) * sizeof(uint64_t)))
		return EXO_EINVAL;
	return exo_msg_check_words(m->tag, m->mr);
}

/* The acceptor of t's exo_msg_t at uva, already found mapped at um. */
static exo_err acceptor_mapped(struct kthread *t, uint64_t uva, const exo_msg_t *um)
{
	uint32_t nbr = um->nbr;

	t->umsg = uva;
	t->faulting = false;
	if (nbr > EXO_BR_COUNT)
		return EXO_EINVAL;
	t->rcv_window = um->rcv_window;
	t->nbuf = nbr;
	for (unsigned i = 0; i < nbr; i++) {
		t->buf_ptr[i] = (uint64_t)(uintptr_t)um->br[i].ptr;
		t->buf_size[i] = um->br[i].size;
	}
	return EXO_OK;
}

exo_err k_acceptor_load(struct kthread *t, uint64_t uva)
{
	exo_msg_t *um = k_user_msg(t, uva);
	exo_buf_t br[EXO_BR_COUNT];
	uint32_t nbr;

	if (um)
		return acceptor_mapped(t, uva, um);
	t->umsg = uva;
	t->faulting = false;
	if (!k_copy_in(t->space, &nbr, uva + offsetof(exo_msg_t, nbr), sizeof(nbr)) ||
	    !k_copy_in(t->space, &t->rcv_window, uva + offsetof(exo_msg_t, rcv_window), sizeof(t->rcv_window)))
		return EXO_EINVAL;
	if (nbr > EXO_BR_COUNT)
		return EXO_EINVAL;
	if (nbr && !k_copy_in(t->space, br, uva + offsetof(exo_msg_t, br), nbr * sizeof(br[0])))
		return EXO_EINVAL;
	t->nbuf = nbr;
	for (unsigned i = 0; i < nbr; i++) {
		t->buf_ptr[i] = (uint64_t)(uintptr_t)br[i].ptr;
		t->buf_size[i] = br[i].size;
	}
	return EXO_OK;
}

static struct ipc_thread *lookup(struct ipc *ipc, exo_tid_t tid)
{
	struct kthread *t = k_thread_get(tid);

	return t ? &t->ipc : NULL;
}

/* t's operation ended: its registers say how, and it runs again. */
static void finish(struct kthread *t, exo_err err, exo_tid_t from)
{
	if (t->sig_stashing) { /* a reply kept for the call its upcall interrupted (k_reply_kept) */
		t->sig_stash_from = from;
		return;
	}
	t->wait = KWAIT_NONE;
	if (t->faulting) {
		/* A fault's call failed (the pager died, or refused): the space ends. */
		t->faulting = false;
		t->fault_refused = err != EXO_OK || t->fault_refused;
		k_ready(t);
		return;
	}
	t->f.regs[R_A0] = (uint64_t)err;
	t->f.regs[R_A1] = from;
	t->f.regs[R_A2] = t->op == RV_SYS_REPLY_WAIT ? (uint64_t)t->reply_err : 0;
	k_ready(t);
}

static exo_err deliver(struct ipc *ipc, struct ipc_thread *from, struct ipc_thread *to)
{
	struct kthread *s = from->priv, *r = to->priv;
	struct kmsg *m = &s->msg; /* rewritten for the receiver: the sender is done with it */
	unsigned u = exo_tag_untyped(m->tag), ty = exo_tag_typed(m->tag), nstr = 0;
	exo_err err;

	for (unsigned i = u; i < u + ty; i += EXO_ITEM_WORDS) {
		uint32_t len;

		if (exo_item_kind(m->mr[i]) != EXO_ITEM_STRING)
			continue;
		len = exo_string_len(m->mr[i]);
		if (nstr >= r->nbuf || len > r->buf_size[nstr])
			return EXO_EMSGSIZE;
		if (len && !k_copy_user(r->space, r->buf_ptr[nstr], s->space, m->mr[i + 1], len))
			return EXO_EBADITEM;
		m->mr[i + 1] = r->buf_ptr[nstr];
		nstr++;
	}
	err = k_mem_transfer(s, r, m);
	if (err != EXO_OK)
		return err;
	m->tag = exo_tag_with_flags(m->tag, m->kernel ? EXO_TAGF_KERNEL : 0);
	if (r->faulting) {
		uint64_t *e = k_pt_walk(r->space->pt, r->fault_addr & ~4095ull);
		unsigned need = r->fault_access == EXO_W ? PTE_W : r->fault_access == EXO_X ? PTE_X : PTE_R;

		r->fault_refused = !e || (*e & need) != need; /* finish() resumes it, or ends its space */
		if (r->fault_refused)
			kprintf("exo: the pager refused the fault at %lx (access %u): label %u, %u+%u words, pte %lx\n",
				r->fault_addr, r->fault_access, exo_tag_label(m->tag), u, ty, e ? *e : 0);
	} else {
		exo_space_t sid = s->space->id;
		exo_msg_t *um = k_user_msg(r, r->umsg);

		if (um) {
			um->tag = m->tag;
			words(um->mr, m->mr, u + ty);
			um->sender_space = sid;
		} else if (!k_copy_out(r->space, r->umsg + offsetof(exo_msg_t, tag), &m->tag, sizeof(m->tag)) ||
			   !k_copy_out(r->space, r->umsg + offsetof(exo_msg_t, mr), m->mr, (u + ty) * sizeof(uint64_t)) ||
			   !k_copy_out(r->space, r->umsg + offsetof(exo_msg_t, sender_space), &sid, sizeof(sid))) {
			return EXO_EINVAL;
		}
	}
	finish(r, EXO_OK, s->ipc.tid);
	return EXO_OK;
}

static void complete(struct ipc *ipc, struct ipc_thread *it, exo_err err)
{
	finish(it->priv, err, EXO_NILTHREAD);
}

static const struct ipc_ops rv_ipc_ops = {
	.lookup = lookup,
	.deliver = deliver,
	.complete = complete,
};

void k_ipc_setup(void)
{
	ipc_init(&K.ipc, &rv_ipc_ops, &K);
}

void k_notify_words(struct kthread *t, uint32_t label, const uint64_t *w, unsigned nw)
{
	struct knote *n = k_alloc(sizeof(*n)), **pp = &t->notes;

	if (!n)
		return;
	n->label = label;
	n->nwords = nw < 4 ? nw : 4;
	memcpy(n->word, w, n->nwords * sizeof(uint64_t));
	while (*pp)
		pp = &(*pp)->next;
	*pp = n;
	if (t->wait == KWAIT_IPC && !t->faulting && ipc_take_open_receiver(&K.ipc, &t->ipc))
		k_notes_deliver(t);
}

/* Give t its oldest notice as a message from the kernel. */
bool k_notes_deliver(struct kthread *t)
{
	struct knote *n = t->notes;
	exo_tag_t tag;
	exo_space_t nil = EXO_NILSPACE;
	exo_err err = EXO_OK;

	if (!n)
		return false;
	t->notes = n->next;
	tag = exo_tag_with_flags(exo_tag(n->label, n->nwords, 0), EXO_TAGF_KERNEL);
	if (!k_copy_out(t->space, t->umsg + offsetof(exo_msg_t, tag), &tag, sizeof(tag)) ||
	    !k_copy_out(t->space, t->umsg + offsetof(exo_msg_t, mr), n->word, n->nwords * sizeof(uint64_t)) ||
	    !k_copy_out(t->space, t->umsg + offsetof(exo_msg_t, sender_space), &nil, sizeof(nil)))
		err = EXO_EINVAL;
	k_free(n, sizeof(*n));
	finish(t, err, EXO_NILTHREAD);
	return true;
}

/*
 * A reply to a thread that is not receiving because a signal's upcall took
 * it out of the call it was waiting in: the reply lands in that call's
 * message and buffers (its acceptor is read again from its exo_msg_t), and
 * the call returns it if the upcall asks for a restart (signal.c). Without
 * this, a server that answers while its client runs a handler would lose
 * the answer and the client would wait for it forever.
 */
exo_err k_reply_kept(struct kthread *s, struct kthread *r)
{
	uint64_t umsg = r->umsg, bp[EXO_BR_COUNT];
	uint32_t nbuf = r->nbuf, bs[EXO_BR_COUNT];
	exo_fpage_t win = r->rcv_window;
	bool faulting = r->faulting;
	exo_err err;

	if (r->sig_resume != 1 /* RESUME_RECEIVE */ || r->sig_partner != s->ipc.tid || r->sig_stash_from)
		return EXO_ETIMEOUT;
	memcpy(bp, r->buf_ptr, sizeof(bp));
	memcpy(bs, r->buf_size, sizeof(bs));
	err = k_acceptor_load(r, r->sig_umsg);
	if (err == EXO_OK) {
		r->sig_stashing = true;
		err = deliver(&K.ipc, &s->ipc, &r->ipc);
		r->sig_stashing = false;
	}
	r->umsg = umsg;
	r->nbuf = nbuf;
	r->rcv_window = win;
	r->faulting = faulting;
	memcpy(r->buf_ptr, bp, sizeof(bp));
	memcpy(r->buf_size, bs, sizeof(bs));
	return err;
}

/*
 * The fast path of the two calls a client and a server loop make, exo_call
 * and exo_reply_wait, in their common case: only untyped words, the partner
 * already waiting for t, t's own receive with no deadline and nothing queued
 * for it, no signal to deliver, and nothing of the partner's priority or
 * higher ready to run. Then the words go from one exo_msg_t to the other,
 * t blocks and the hart goes to the partner, with the IPC state of
 * kernel/ipc.c as the slow path leaves it (ipc_handoff). Returns the thread
 * to run, or NULL: k_syscall does the call (nothing here has changed t's
 * state in a way the slow path does not set again).
 */
struct kthread *k_ipc_fast(struct kthread *t)
{
	const uint64_t *a = &t->f.regs[R_A0];
	uint64_t nr = t->f.regs[R_A7];
	exo_msg_t *um, *rm;
	struct kthread *r;
	exo_tag_t tag;
	unsigned u;

	/* nr is RV_SYS_CALL or RV_SYS_REPLY_WAIT (k_trap_fast looked). */
	if (nr == RV_SYS_CALL ? a[3] != EXO_TIMEOUT_NEVER : a[2] != EXO_TIMEOUT_NEVER || t->notes)
		return NULL;
	um = k_user_msg(t, a[0]);
	r = k_thread_get((exo_tid_t)a[1]);
	if (!um || !r || r->wait != KWAIT_IPC || r->faulting || r->sig_stashing ||
	    (r->sig_pending | r->space->sig_pending))
		return NULL;
	tag = um->tag;
	u = exo_tag_untyped(tag);
	if (exo_tag_typed(tag) || u > EXO_MR_COUNT || !(rm = k_user_msg(r, r->umsg)))
		return NULL;
	if (!k_handoff_fits(r) || acceptor_mapped(t, a[0], um) != EXO_OK)
		return NULL;
	if (!ipc_handoff(&K.ipc, &t->ipc, &r->ipc, nr == RV_SYS_CALL ? r->ipc.tid : EXO_ANYTHREAD))
		return NULL;
	t->op = (uint16_t)nr;
	t->reply_err = EXO_OK;
	t->wait = KWAIT_IPC;
	rm->tag = exo_tag_with_flags(tag, 0);
	words(rm->mr, um->mr, u);
	rm->sender_space = t->space->id;
	r->wait = KWAIT_NONE;
	r->f.regs[R_A0] = EXO_OK;
	r->f.regs[R_A1] = t->ipc.tid;
	r->f.regs[R_A2] = r->op == RV_SYS_REPLY_WAIT ? (uint64_t)r->reply_err : 0;
	k_handoff(t, r);
	return r;
}
