/*
 * sim/lib/ipc.c — the IPC calls of include/exo/ipc.h over the thread's channel.
 *
 * A message goes out as one frame gathered from the caller's memory: header,
 * the registers in use, then each string item's bytes straight from its
 * buffer. A received message comes back as one frame; its string items are
 * copied into the receive buffers (br[i]) and rewritten to point there.
 */
#include <string.h>

#include <exo/ipc.h>

#include "chan.h"
#include "mem.h"

static exo_err unpack_body(const unsigned char *buf, long len, exo_msg_t *m, int *counted);

/*
 * The IPC operations this thread is in, for debuggers (tools/gdb/exo.py:
 * `exo-ipc`): a record on ipc_op's stack, innermost first (a signal handler
 * may call while its thread waits in a call). Two stores per operation.
 */
struct ipc_debug {
	uint16_t op;             /* SIM_OP_*: send, recv, call, reply-wait */
	exo_tid_t partner;       /* the destination, source, or EXO_ANYTHREAD */
	exo_timeout_t snd, rcv;
	exo_msg_t *msg;
	struct ipc_debug *outer;
};
static _Thread_local struct ipc_debug *ipc_now __attribute__((used));

/* A received message into m; its install records are applied (or counted). */
static exo_err unpack(const unsigned char *buf, long len, exo_msg_t *m)
{
	const struct sim_hdr *a = (const void *)buf;
	int counted = 0;
	exo_err err = unpack_body(buf, len, m, &counted);

	if (a->ninstall && !counted)
		exo_sim_mem_install(NULL, 0); /* counted, so the control thread never waits on it */
	return err;
}

static exo_err unpack_body(const unsigned char *buf, long len, exo_msg_t *m, int *counted)
{
	const struct sim_hdr *a = (const void *)buf;
	unsigned u = exo_tag_untyped(a->tag), t = exo_tag_typed(a->tag);
	size_t words = (size_t)u + t, off;
	unsigned s = 0;

	if (words > EXO_MR_COUNT || len < (long)(sizeof(*a) + words * 8))
		return EXO_EIO;
	m->tag = a->tag;
	memcpy(m->mr, a + 1, words * 8);
	off = sizeof(*a) + words * 8;
	for (size_t i = u; i + 1 < words; i += EXO_ITEM_WORDS) {
		uint32_t n;

		if (exo_item_kind(m->mr[i]) != EXO_ITEM_STRING)
			continue;
		n = exo_string_len(m->mr[i]);
		if (s >= m->nbr || n > m->br[s].size || off + n > (size_t)len)
			return EXO_EIO;
		if (n)
			memcpy(m->br[s].ptr, buf + off, n);
		m->mr[i + 1] = (uint64_t)(uintptr_t)m->br[s].ptr;
		off += n;
		s++;
	}
	m->sender_space = a->space;
	if (a->ninstall) {
		if (off + (size_t)a->ninstall * sizeof(struct sim_install) != (size_t)len)
			return EXO_EIO;
		*counted = 1;
		if (exo_sim_mem_install((const struct sim_install *)(buf + off), a->ninstall) < 0)
			return EXO_EIO;
	}
	return EXO_OK;
}

/*
 * One IPC operation. `sends`: m's message goes out; `receives`: the answer
 * may be a message, which replaces m.
 */
static exo_err ipc_op(uint16_t op, exo_tid_t partner, exo_msg_t *m, exo_timeout_t snd,
		      exo_timeout_t rcv, int sends, exo_tid_t *from, exo_err *reply_err)
{
	struct sim_hdr h = { .op = op, .tid = partner, .snd_timeout = snd, .rcv_timeout = rcv,
			     .rcv_window = m ? m->rcv_window : 0 };
	struct exo_lx_iov iov[2 + EXO_BR_COUNT];
	struct ipc_debug dbg;
	const struct sim_hdr *a;
	struct exo_chan *c;
	int n = 1;
	long len;
	exo_err err;

	if (!m)
		return EXO_EINVAL;
	if (reply_err)
		*reply_err = EXO_OK;
	if (sends) {
		unsigned u = exo_tag_untyped(m->tag), t = exo_tag_typed(m->tag);

		err = exo_msg_check(m);
		if (err != EXO_OK && op == SIM_OP_REPLY_WAIT) {
			/* A malformed reply is refused here; the receive goes on (ipc.h). */
			exo_err r = ipc_op(op, EXO_NILTHREAD, m, snd, rcv, 0, from, NULL);

			if (reply_err)
				*reply_err = err;
			return r;
		}
		if (err != EXO_OK)
			return err;
		h.tag = m->tag & ~((exo_tag_t)0xf << 16);
		iov[n++] = (struct exo_lx_iov){ m->mr, ((size_t)u + t) * 8 };
		for (unsigned i = u; i < u + t; i += EXO_ITEM_WORDS)
			if (exo_item_kind(m->mr[i]) == EXO_ITEM_STRING && exo_string_len(m->mr[i]))
				iov[n++] = (struct exo_lx_iov){ (const void *)(uintptr_t)m->mr[i + 1],
							    exo_string_len(m->mr[i]) };
	}
	if (op != SIM_OP_SEND) {
		if (m->nbr > EXO_BR_COUNT)
			return EXO_EINVAL;
		h.nbuf = (uint16_t)m->nbr;
		for (unsigned i = 0; i < m->nbr; i++)
			h.buf_size[i] = m->br[i].ptr ? m->br[i].size : 0;
	}
	iov[0] = (struct exo_lx_iov){ &h, sizeof(h) };
	dbg = (struct ipc_debug){ op, partner, snd, rcv, m, ipc_now };
	ipc_now = &dbg;
	err = exo_sim_chan_get(&c);
	if (err == EXO_OK)
		err = exo_sim_chan_rpc_intr(c, iov, n, &len);
	ipc_now = dbg.outer;
	if (err != EXO_OK)
		return err;
	a = (const void *)exo_sim_chan_rxbuf();
	if (reply_err && op == SIM_OP_REPLY_WAIT)
		*reply_err = (exo_err)a->aux;
	if (a->op == SIM_OP_RESULT)
		return (exo_err)a->err;
	if (a->op != SIM_OP_MSG || op == SIM_OP_SEND)
		return EXO_EIO;
	if (from)
		*from = a->tid;
	return unpack(exo_sim_chan_rxbuf(), len, m);
}

exo_err exo_send(exo_tid_t to, exo_msg_t *m, exo_timeout_t snd)
{
	return ipc_op(SIM_OP_SEND, to, m, snd, 0, 1, NULL, NULL);
}

exo_err exo_recv(exo_tid_t from, exo_msg_t *m, exo_timeout_t rcv)
{
	if (from == EXO_ANYTHREAD || from == EXO_NILTHREAD)
		return EXO_EINVAL;
	return ipc_op(SIM_OP_RECV, from, m, 0, rcv, 0, NULL, NULL);
}

exo_err exo_wait(exo_msg_t *m, exo_timeout_t rcv, exo_tid_t *from)
{
	return ipc_op(SIM_OP_RECV, EXO_ANYTHREAD, m, 0, rcv, 0, from, NULL);
}

exo_err exo_call(exo_tid_t to, exo_msg_t *m, exo_timeout_t snd, exo_timeout_t rcv)
{
	return ipc_op(SIM_OP_CALL, to, m, snd, rcv, 1, NULL, NULL);
}

exo_err exo_reply(exo_tid_t to, exo_msg_t *m)
{
	return ipc_op(SIM_OP_SEND, to, m, EXO_TIMEOUT_ZERO, 0, 1, NULL, NULL);
}

exo_err exo_reply_wait(exo_tid_t to, exo_msg_t *m, exo_timeout_t rcv, exo_tid_t *from,
		       exo_err *reply_err)
{
	return ipc_op(SIM_OP_REPLY_WAIT, to, m, 0, rcv, to != EXO_NILTHREAD, from, reply_err);
}

exo_err exo_ipc_abort(exo_tid_t t)
{
	return exo_sim_chan_simple(SIM_OP_ABORT, t, 0, NULL, 0, NULL, NULL, NULL, 0);
}

exo_err exo_unmap_many(const exo_fpage_t *fpages, unsigned n, unsigned flags)
{
	struct sim_unmap u = { .flags = flags, .count = n };

	if (n == 0 || n > EXO_MR_COUNT || !fpages)
		return EXO_EINVAL;
	memcpy(u.fpage, fpages, n * sizeof(*fpages));
	return exo_sim_chan_simple(SIM_OP_UNMAP, 0, 0, &u, 8 + n * sizeof(uint64_t), NULL, NULL, NULL, 0);
}

exo_err exo_unmap(exo_fpage_t fpage, unsigned flags)
{
	return exo_unmap_many(&fpage, 1, flags);
}

exo_err exo_set_pager(exo_space_t space, exo_tid_t pager)
{
	struct sim_hdr h = { .op = SIM_OP_SET_PAGER, .tid = pager, .aux = space };
	struct exo_lx_iov iov = { &h, sizeof(h) };
	const struct sim_hdr *a = (const void *)exo_sim_chan_rxbuf();
	struct exo_chan *c;
	long len;
	exo_err err = exo_sim_chan_get(&c);

	if (err == EXO_OK)
		err = exo_sim_chan_rpc(c, &iov, 1, &len);
	if (err != EXO_OK)
		return err;
	return a->op == SIM_OP_RESULT ? (exo_err)a->err : EXO_EIO;
}

exo_err exo_space_watch(void)
{
	return exo_sim_chan_simple(SIM_OP_WATCH, 0, 0, NULL, 0, NULL, NULL, NULL, 0);
}

exo_err exo_register(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0 || n > EXO_NAME_MAX)
		return EXO_EINVAL;
	return exo_sim_chan_simple(SIM_OP_REGISTER, 0, 0, name, n + 1, NULL, NULL, NULL, 0);
}

exo_err exo_lookup(const char *name, exo_tid_t *tid, exo_timeout_t wait)
{
	size_t n = name ? strlen(name) : 0;
	uint32_t t = 0;
	exo_err err;

	if (n == 0 || n > EXO_NAME_MAX || !tid)
		return EXO_EINVAL;
	err = exo_sim_chan_simple(SIM_OP_LOOKUP, 0, wait, name, n + 1, &t, NULL, NULL, 0);
	*tid = err == EXO_OK ? t : EXO_NILTHREAD;
	return err;
}

exo_err exo_kernel_info(exo_kinfo_t *ki)
{
	if (!ki)
		return EXO_EINVAL;
	return exo_sim_chan_simple(SIM_OP_KINFO, 0, 0, NULL, 0, NULL, NULL, ki, sizeof(*ki));
}

exo_err exo_space_spawn(char *const argv[], exo_space_t *space)
{
	char buf[SIM_PAYLOAD_MAX];
	size_t n = 0;
	uint32_t s = 0;
	exo_err err;

	if (!argv || !argv[0])
		return EXO_EINVAL;
	for (int i = 0; argv[i]; i++) {
		size_t l = strlen(argv[i]) + 1;

		if (n + l > sizeof(buf))
			return EXO_EINVAL;
		memcpy(buf + n, argv[i], l);
		n += l;
	}
	err = exo_sim_chan_simple(SIM_OP_SPAWN, 0, 0, buf, n, NULL, &s, NULL, 0);
	if (space)
		*space = err == EXO_OK ? s : EXO_NILSPACE;
	return err;
}
