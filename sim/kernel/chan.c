/*
 * sim/kernel/chan.c — the kernel socket: channels, frame decoding, dispatch.
 *
 * Each Exo thread owns one SOCK_SEQPACKET connection. A frame is read whole
 * into k->rxbuf, checked (decode), and only then handed to its operation
 * (invoke): a malformed frame changes no state and gets a SIM_OP_RESULT with
 * an error. The sender of anything is the thread bound to the channel; no
 * field of a frame can name another sender.
 *
 * A channel that closes, or that stops reading its answers, ends its thread:
 * every thread waiting on it gets EXO_EDEAD.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "kernel.h"

bool k_chan_send(struct ksim *k, struct kchan *c, const void *buf, size_t len)
{
	ssize_t n;

	do
		n = send(c->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)len)
		return true;
	/* The peer is gone or does not read its channel: end it on the next read. */
	klog(k, "channel of pid %d: cannot answer (%s), closing it", (int)c->pid,
	     n < 0 ? strerror(errno) : "short write");
	shutdown(c->fd, SHUT_RDWR);
	return false;
}

/* The HELLO answer carries the physical memory memfd (SCM_RIGHTS). */
static void answer_hello(struct ksim *k, struct kchan *c, uint32_t tid, uint32_t aux,
			 const struct sim_hello *hello)
{
	struct sim_hdr h = { .op = SIM_OP_RESULT, .err = EXO_OK, .tid = tid, .aux = aux };
	struct iovec iov[2] = { { &h, sizeof(h) }, { (void *)hello, sizeof(*hello) } };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2, .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *cm;

	memset(&u, 0, sizeof(u));
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &k->memfd, sizeof(int));
	if (sendmsg(c->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) != (ssize_t)(sizeof(h) + sizeof(*hello))) {
		klog(k, "channel of pid %d: cannot answer HELLO, closing it", (int)c->pid);
		shutdown(c->fd, SHUT_RDWR);
	}
}

/* A SIM_OP_RESULT frame with its payload; returns its length. */
struct result_frame {
	struct sim_hdr h;
	unsigned char payload[SIM_PAYLOAD_MAX];
};

static size_t result(struct result_frame *f, exo_err err, uint32_t tid, uint32_t aux, const void *payload,
		     size_t len)
{
	memset(&f->h, 0, sizeof(f->h));
	f->h.op = SIM_OP_RESULT;
	f->h.err = err;
	f->h.tid = tid;
	f->h.aux = aux;
	if (len > sizeof(f->payload))
		len = sizeof(f->payload);
	if (len)
		memcpy(f->payload, payload, len);
	return sizeof(f->h) + len;
}

static void answer_chan(struct ksim *k, struct kchan *c, exo_err err, uint32_t tid, uint32_t aux,
			const void *payload, size_t len)
{
	struct result_frame f;

	k_chan_send(k, c, &f, result(&f, err, tid, aux, payload, len));
}

void k_answer(struct ksim *k, struct kthread *t, exo_err err, uint32_t tid, uint32_t aux,
	      const void *payload, size_t len)
{
	struct result_frame f;

	if (!t->gate) {
		if (t->chan)
			answer_chan(k, t->chan, err, tid, aux, payload, len);
		return;
	}
	k_thread_send(k, t, &f, result(&f, err, tid, aux, payload, len), false);
}

/*
 * Send a thread its answer, or hold it while the thread waits for a batch
 * (it granted pages away: it must not run on before they are gone).
 */
void k_thread_send(struct ksim *k, struct kthread *t, const void *buf, size_t len, bool installs)
{
	if (t->gate && !t->held) {
		t->held = k_alloc(k, len);
		if (t->held) {
			memcpy(t->held, buf, len);
			t->held_len = len;
			t->held_installs = installs;
			return;
		}
	}
	if (t->chan && k_chan_send(k, t->chan, buf, len) && installs)
		t->space->installs_sent++;
}

void k_timer_update(struct ksim *k)
{
	uint64_t d = ipc_next_deadline(&k->ipc), l = k_lookups_next_deadline(k);

	if (l < d)
		d = l;
	if (d == k->armed)
		return;
	k->armed = d;
	if (d == IPC_NEVER) {
		evtimer_del(k->timer_ev);
	} else {
		uint64_t now = k_now(k), rel = d > now ? d - now : 0;
		struct timeval tv = { .tv_sec = (time_t)(rel / 1000000000u),
				      .tv_usec = (suseconds_t)((rel % 1000000000u + 999) / 1000) };

		evtimer_add(k->timer_ev, &tv);
	}
}

/* ---- decode: the checks every message-carrying frame passes ---- */

/* Returns EXO_OK and fills m's string lengths, or the error for the sender. */
static exo_err decode_msg(const unsigned char *buf, size_t len, struct kmsg *m)
{
	const struct sim_hdr *h = (const void *)buf;
	unsigned u = exo_tag_untyped(h->tag), t = exo_tag_typed(h->tag);
	size_t words = (size_t)u + t, total = 0;
	uint64_t w0;

	if (words > EXO_MR_COUNT || (t % EXO_ITEM_WORDS) != 0)
		return EXO_EPROTO;
	if (len < sizeof(*h) + words * 8)
		return EXO_EPROTO;
	m->nstrings = 0;
	m->nmaps = 0;
	for (size_t i = u; i < words; i += EXO_ITEM_WORDS) {
		memcpy(&w0, buf + sizeof(*h) + i * 8, 8);
		switch (exo_item_kind(w0)) {
		case EXO_ITEM_STRING:
			if (m->nstrings == EXO_BR_COUNT)
				return EXO_EBADITEM;
			m->slen[m->nstrings++] = exo_string_len(w0);
			total += exo_string_len(w0);
			if (total > EXO_STRING_MAX)
				return EXO_EMSGSIZE;
			break;
		case EXO_ITEM_MAP:
		case EXO_ITEM_GRANT: {
			uint64_t f;

			memcpy(&f, buf + sizeof(*h) + (i + 1) * 8, 8);
			if (!exo_fpage_valid(f) || exo_fpage_rights(f) == 0)
				return EXO_EBADITEM;
			m->nmaps++;
			break;
		}
		default:
			return EXO_EBADITEM;
		}
	}
	if (len != sizeof(*h) + words * 8 + total)
		return EXO_EPROTO;
	return EXO_OK;
}

/* ---- invoke: one handler per operation ---- */

typedef void (*op_fn)(struct ksim *k, struct kchan *c, struct sim_hdr *h, size_t len);

static void op_hello(struct ksim *k, struct kchan *c, struct sim_hdr *h, size_t len)
{
	struct sim_hello hello = { .abi_version = EXO_ABI_VERSION, .cpu = k->cpu,
				   .phys_size = k->phys_size, .sigma0_base = K_SIGMA0_BASE,
				   .boot_ns = k->boot_ns };
	struct kthread *t;
	struct kspace *s;

	(void)len;
	if (h->aux == SIM_HELLO_CONTROL) {
		s = k_space_for_pid(k, c->pid, true);
		if (!s || s->ctl) {
			answer_chan(k, c, s ? EXO_EEXIST : EXO_ENOMEM, 0, 0, NULL, 0);
			return;
		}
		s->ctl = c;
		c->ctl_of = s;
		c->is_ctl = true;
		hello.sigma0 = s->sigma0;
		answer_hello(k, c, 0, s->id, &hello);
		return;
	}
	if (h->tid == EXO_NILTHREAD) {
		s = k_space_for_pid(k, c->pid, true);
		t = s ? k_thread_new(k, s) : NULL;
		if (!t) {
			if (s)
				k_space_maybe_free(k, s);
			answer_chan(k, c, EXO_ENOMEM, 0, 0, NULL, 0);
			return;
		}
	} else {
		t = k_thread_get(k, h->tid);
		if (!t || t->chan) {
			answer_chan(k, c, EXO_ENOPARTNER, 0, 0, NULL, 0);
			return;
		}
		if (t->space->pid != c->pid) {
			answer_chan(k, c, EXO_EPERM, 0, 0, NULL, 0);
			return;
		}
	}
	t->chan = c;
	c->thread = t;
	hello.sigma0 = t->space->sigma0;
	kdebug(k, "thread %x joins space %u (%s)", t->ipc.tid, t->space->id, t->space->label);
	answer_hello(k, c, t->ipc.tid, t->space->id, &hello);
}

static void op_ipc(struct ksim *k, struct kchan *c, struct sim_hdr *h, size_t len)
{
	struct kthread *t = c->thread;
	uint64_t now = k_now(k);
	struct kmsg msg = { 0 }, *m = NULL;
	exo_timeout_t snd, rcv;
	exo_tid_t to;
	uint16_t op;
	exo_err err;

	if (h->nbuf > EXO_BR_COUNT) {
		k_answer(k, t, EXO_EPROTO, 0, 0, NULL, 0);
		return;
	}
	if (h->op != SIM_OP_RECV) {
		err = decode_msg((const unsigned char *)h, len, &msg);
		if (err != EXO_OK && h->op == SIM_OP_REPLY_WAIT) {
			/* The reply is refused; the receive goes on (ipc.h). */
			kdebug(k, "bad reply from %x: %s", t->ipc.tid, exo_strerror(err));
			t->op = h->op;
			t->rcv_window = h->rcv_window;
			t->nbuf = h->nbuf;
			memcpy(t->buf_size, h->buf_size, sizeof(t->buf_size));
			t->wait = KWAIT_IPC;
			t->reply_err = err;
			if (!k_notes_deliver(k, t))
				ipc_receive(&k->ipc, &t->ipc, EXO_ANYTHREAD, h->rcv_timeout, now);
			else
				t->wait = KWAIT_NONE;
			return;
		}
		if (err != EXO_OK) {
			kdebug(k, "bad message from %x: %s", t->ipc.tid, exo_strerror(err));
			k_answer(k, t, err, 0, 0, NULL, 0);
			return;
		}
		/* Delivered at once from the receive buffer; copied only if t blocks. */
		msg.len = len;
		msg.frame = (unsigned char *)h;
		m = &msg;
	}
	t->op = h->op;
	t->rcv_window = h->rcv_window;
	t->nbuf = h->nbuf;
	memcpy(t->buf_size, h->buf_size, sizeof(t->buf_size));
	t->wait = KWAIT_IPC;
	t->ipc.msg = m;
	/* A delivery rewrites the frame in place: read the request first. */
	op = h->op;
	to = h->tid;
	snd = h->snd_timeout;
	rcv = h->rcv_timeout;
	switch (op) {
	case SIM_OP_SEND:
		ipc_send(&k->ipc, &t->ipc, to, snd, now);
		break;
	case SIM_OP_CALL:
		ipc_call(&k->ipc, &t->ipc, to, snd, rcv, now);
		break;
	case SIM_OP_RECV:
		if (to == EXO_ANYTHREAD && k_notes_deliver(k, t)) {
			t->wait = KWAIT_NONE;
			break;
		}
		if (k->trace)
			k_trace_receive(k, t, to);
		ipc_receive(&k->ipc, &t->ipc, to, rcv, now);
		break;
	case SIM_OP_REPLY_WAIT:
		t->reply_err = EXO_OK;
		if (to != EXO_NILTHREAD)
			t->reply_err = ipc_reply(&k->ipc, &t->ipc, to);
		t->ipc.msg = NULL; /* a reply not taken is dropped */
		if (t->reply_err != EXO_OK)
			kdebug(k, "reply of %x to %x: %s", t->ipc.tid, to, exo_strerror(t->reply_err));
		if (k->trace && (t->reply_err == EXO_ENOPARTNER || t->reply_err == EXO_ETIMEOUT))
			k_trace_reply_lost(k, t, to, t->reply_err);
		k_mem_flush(k, NULL, NULL);
		if (k_notes_deliver(k, t)) {
			t->wait = KWAIT_NONE;
			break;
		}
		ipc_receive(&k->ipc, &t->ipc, EXO_ANYTHREAD, rcv, now);
		break;
	}
	if (t->ipc.msg == &msg) {
		/* t blocks as a sender: its message leaves the receive buffer. */
		t->ipc.msg = k_msg_keep(k, &msg);
		if (!t->ipc.msg) {
			ipc_cancel(&k->ipc, &t->ipc); /* answered with EXO_ECANCELED */
			klog(k, "out of memory keeping a message of %x", t->ipc.tid);
		}
	}
}

static bool valid_name(const char *p, size_t n)
{
	if (n == 0 || n > EXO_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = p[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		      ch == '.' || ch == '_' || ch == '-'))
			return false;
	}
	return true;
}

/* The name in a REGISTER or LOOKUP payload, NUL-terminated into buf. */
static bool payload_name(struct sim_hdr *h, size_t len, char buf[EXO_NAME_MAX + 1])
{
	size_t n = len - sizeof(*h);
	const char *p = (const char *)(h + 1);

	if (n > 0 && p[n - 1] == 0)
		n--;
	if (!valid_name(p, n))
		return false;
	memcpy(buf, p, n);
	buf[n] = 0;
	return true;
}

static void op_register(struct ksim *k, struct kchan *c, struct sim_hdr *h, size_t len)
{
	char name[EXO_NAME_MAX + 1];

	if (!payload_name(h, len, name)) {
		k_answer(k, c->thread, EXO_EINVAL, 0, 0, NULL, 0);
		return;
	}
	k_answer(k, c->thread, k_name_register(k, c->thread, name), 0, 0, NULL, 0);
}

static void op_lookup(struct ksim *k, struct kchan *c, struct sim_hdr *h, size_t len)
{
	char name[EXO_NAME_MAX + 1];

	if (!payload_name(h, len, name)) {
		k_answer(k, c->thread, EXO_EINVAL, 0, 0, NULL, 0);
		return;
	}
	k_name_lookup(k, c->thread, name, h->rcv_timeout);
}

static void op_kinfo(struct ksim *k, struct kchan *c, struct sim_hdr *h, size_t len)
{
	exo_kinfo_t ki = {
		.abi_version = EXO_ABI_VERSION,
		.threads = k->nthreads,
		.spaces = k->nspaces,
		.names = k->nnames,
		.clock_ns = k_now(k),
		.ipc_count = k->ipc.delivered,
		.kernel_bytes = k->kernel_bytes,
		.phys_bytes = k->phys_size,
		.cpu = k->cpu,
		.vm_base = SIM_VM_BASE,
		.vm_size = SIM_VM_SIZE,
	};

	(void)h;
	(void)len;
	k_entropy(ki.entropy, sizeof(ki.entropy));
	k_answer(k, c->thread, EXO_OK, 0, 0, &ki, sizeof(ki));
}

static void op_abort(struct ksim *k, struct kchan *c, struct sim_hdr *h, size_t len)
{
	struct kthread *t = k_thread_get(k, h->tid);

	(void)len;
	if (!t) {
		k_answer(k, c->thread, EXO_ENOPARTNER, 0, 0, NULL, 0);
		return;
	}
	if (t->space != c->thread->space) {
		k_answer(k, c->thread, EXO_EPERM, 0, 0, NULL, 0);
		return;
	}
	if (t->wait == KWAIT_LOOKUP) {
		k_lookup_cancel(k, t);
		k_answer(k, t, EXO_ECANCELED, 0, 0, NULL, 0);
	} else if (t->wait == KWAIT_IPC) {
		ipc_cancel(&k->ipc, &t->ipc);
	}
	if (t == c->thread) {
		/*
		 * A thread ends its own blocked operation (a signal interrupted
		 * it): the marker answer, told apart by its tid, goes straight
		 * to the channel, before or after the operation's own answer.
		 */
		answer_chan(k, c, EXO_OK, EXO_ANYTHREAD, 0, NULL, 0);
		return;
	}
	k_answer(k, c->thread, EXO_OK, 0, 0, NULL, 0);
}

/* The host pid of a process's parent, or -1. */
static pid_t host_ppid(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	long pp = -1;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')')) && sscanf(p + 1, " %*c %ld", &pp) != 1)
		pp = -1;
	fclose(f);
	return (pid_t)pp;
}

/*
 * A space forked: the child is a host process that became exosim's own
 * child (libexo forks twice and exosim is the subreaper). It gets its space
 * now, before it runs, so the servers can copy state into it; exosim reaps
 * it and reports its status like a spawned program's.
 */
static void op_forked(struct ksim *k, struct kchan *c, struct sim_hdr *h, size_t len)
{
	int32_t pid;
	struct kspace *s;

	if (len != sizeof(*h) + sizeof(pid)) {
		k_answer(k, c->thread, EXO_EINVAL, 0, 0, NULL, 0);
		return;
	}
	memcpy(&pid, h + 1, sizeof(pid));
	if (pid <= 0 || host_ppid(pid) != getpid() || k_space_for_pid(k, pid, false)) {
		k_answer(k, c->thread, EXO_EINVAL, 0, 0, NULL, 0);
		return;
	}
	s = k_space_new(k, pid, c->thread->space->label);
	if (!s) {
		k_answer(k, c->thread, EXO_ENOMEM, 0, 0, NULL, 0);
		return;
	}
	s->spawned = true;
	kdebug(k, "space %u forked space %u (pid %d)", c->thread->space->id, s->id, (int)pid);
	k_answer(k, c->thread, EXO_OK, s->id, 0, NULL, 0);
}

/* exo_signal_post: a host signal to the space's process, with Exo's details. */
static void op_signal(struct ksim *k, struct kchan *c, struct sim_hdr *h, size_t len)
{
	struct sim_signal sg;
	struct kspace *s;
	siginfo_t si;

	if (len != sizeof(*h) + sizeof(sg)) {
		k_answer(k, c->thread, EXO_EINVAL, 0, 0, NULL, 0);
		return;
	}
	memcpy(&sg, h + 1, sizeof(sg));
	if (!exo_sig_valid(sg.si.sig)) {
		k_answer(k, c->thread, EXO_EINVAL, 0, 0, NULL, 0);
		return;
	}
	s = k_space_find(k, sg.space);
	if (!s || s->reaped || s->pid <= 0 || s->pid == getpid()) {
		k_answer(k, c->thread, EXO_ENOPARTNER, 0, 0, NULL, 0);
		return;
	}
	if (s != c->thread->space && !c->thread->space->privileged) {
		k_answer(k, c->thread, EXO_EPERM, 0, 0, NULL, 0);
		return;
	}
	memset(&si, 0, sizeof(si));
	si.si_signo = sg.si.sig; /* Exo's numbers are Linux's (exo/signal.h) */
	si.si_code = SI_QUEUE;
	si.si_pid = (pid_t)sg.si.pid;
	si.si_uid = sg.si.uid;
	si.si_value.sival_ptr = (void *)(uintptr_t)(((uint64_t)(uint32_t)sg.si.status << 32) |
						     SIM_SIG_MARK | ((uint32_t)sg.si.code & 0xffffu));
	if (syscall(SYS_rt_sigqueueinfo, s->pid, sg.si.sig, &si) < 0) {
		k_answer(k, c->thread, errno == ESRCH ? EXO_ENOPARTNER : EXO_EINVAL, 0, 0, NULL, 0);
		return;
	}
	k_answer(k, c->thread, EXO_OK, 0, 0, NULL, 0);
}

static void op_thread_new(struct ksim *k, struct kchan *c, struct sim_hdr *h, size_t len)
{
	struct kthread *t = k_thread_new(k, c->thread->space);

	(void)h;
	(void)len;
	k_answer(k, c->thread, t ? EXO_OK : EXO_ENOMEM, t ? t->ipc.tid : 0, 0, NULL, 0);
}

static void op_thread_drop(struct ksim *k, struct kchan *c, struct sim_hdr *h, size_t len)
{
	struct kthread *t = k_thread_get(k, h->tid);
	exo_err err = EXO_OK;

	(void)len;
	if (!t || t->chan)
		err = EXO_ENOPARTNER;
	else if (t->space != c->thread->space)
		err = EXO_EPERM;
	else
		k_thread_die(k, t);
	k_answer(k, c->thread, err, 0, 0, NULL, 0);
}

static void op_spawn(struct ksim *k, struct kchan *c, struct sim_hdr *h, size_t len)
{
	size_t n = len - sizeof(*h);
	char *p = (char *)(h + 1), *argv[257];
	unsigned argc = 0;
	exo_space_t space = 0;

	if (n == 0 || p[n - 1] != 0) {
		k_answer(k, c->thread, EXO_EINVAL, 0, 0, NULL, 0);
		return;
	}
	for (size_t i = 0; i < n; i += strlen(p + i) + 1) {
		if (argc == 256) {
			k_answer(k, c->thread, EXO_EINVAL, 0, 0, NULL, 0);
			return;
		}
		argv[argc++] = p + i;
	}
	argv[argc] = NULL;
	if (argv[0][0] == 0) {
		k_answer(k, c->thread, EXO_EINVAL, 0, 0, NULL, 0);
		return;
	}
	if (k_spawn(k, argv, NULL, NULL, &space) < 0) {
		k_answer(k, c->thread, errno == ENOMEM ? EXO_ENOMEM : EXO_ENOENT, 0, 0, NULL, 0);
		return;
	}
	k_answer(k, c->thread, EXO_OK, 0, space, NULL, 0);
}

static void op_unmap(struct ksim *k, struct kchan *c, struct sim_hdr *h, size_t len)
{
	struct kthread *t = c->thread;
	struct sim_unmap u;
	size_t n = len - sizeof(*h);

	memset(&u, 0, sizeof(u));
	if (n < 8 + 8 || n > sizeof(u) || (n - 8) % 8 != 0) {
		k_answer(k, t, EXO_EPROTO, 0, 0, NULL, 0);
		return;
	}
	memcpy(&u, h + 1, n);
	if (u.count != (n - 8) / 8 || (u.flags & ~EXO_UNMAP_SELF)) {
		k_answer(k, t, EXO_EINVAL, 0, 0, NULL, 0);
		return;
	}
	/* Check every flexpage, then unmap them all, then revoke in one batch. */
	for (uint32_t i = 0; i < u.count; i++) {
		if (!exo_fpage_valid(u.fpage[i]) || exo_fpage_log2(u.fpage[i]) > 47 ||
		    exo_fpage_rights(u.fpage[i]) == 0) {
			k_answer(k, t, EXO_EINVAL, 0, 0, NULL, 0);
			return;
		}
	}
	if (k->trace)
		k_trace_unmap(k, t, u.fpage, u.count, u.flags);
	for (uint32_t i = 0; i < u.count; i++)
		mdb_unmap(&k->mdb, &t->space->mdb, exo_fpage_base(u.fpage[i]),
			  ((uint64_t)1 << exo_fpage_log2(u.fpage[i])) >> EXO_PAGE_SHIFT, exo_fpage_rights(u.fpage[i]),
			  u.flags & EXO_UNMAP_SELF);
	k_mem_flush(k, t, NULL);
}

static void op_fault(struct ksim *k, struct kchan *c, struct sim_hdr *h, size_t len)
{
	struct kthread *t = c->thread;
	exo_tid_t pager = t->space->pager ? t->space->pager : k->default_pager;
	struct sim_fault f;
	struct kmsg *m;
	struct sim_hdr *mh;
	uint64_t *mr;

	if (len != sizeof(*h) + sizeof(f)) {
		k_answer(k, t, EXO_EPROTO, 0, 0, NULL, 0);
		return;
	}
	memcpy(&f, h + 1, sizeof(f));
	if (!k_thread_get(k, pager) || k_thread_get(k, pager)->space == t->space) {
		k_answer(k, t, EXO_ENOPARTNER, 0, 0, NULL, 0);
		return;
	}
	m = k_alloc(k, sizeof(*m) + sizeof(*mh) + 3 * 8);
	if (!m) {
		k_answer(k, t, EXO_ENOMEM, 0, 0, NULL, 0);
		return;
	}
	m->len = sizeof(*mh) + 3 * 8;
	m->kernel = true;
	m->heap = true;
	m->frame = m->data;
	mh = (struct sim_hdr *)m->frame;
	mh->tag = exo_tag(EXO_LABEL_PAGEFAULT, 3, 0);
	mr = (uint64_t *)(mh + 1);
	mr[0] = f.addr;
	mr[1] = f.access & EXO_RWX;
	mr[2] = f.ip;
	kdebug(k, "fault of %x at %#llx (%s) ip %#llx -> pager %x", t->ipc.tid, (unsigned long long)f.addr,
	       f.access & EXO_W ? "write" : f.access & EXO_X ? "exec" : "read", (unsigned long long)f.ip, pager);
	t->op = SIM_OP_FAULT;
	t->faults++;
	k->faults++;
	t->rcv_window = EXO_FPAGE_COMPLETE;
	t->nbuf = 0;
	t->wait = KWAIT_IPC;
	t->ipc.msg = m;
	ipc_call(&k->ipc, &t->ipc, pager, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER, k_now(k));
}

static void op_set_pager(struct ksim *k, struct kchan *c, struct sim_hdr *h, size_t len)
{
	struct kthread *t = c->thread, *p = k_thread_get(k, h->tid);
	struct kspace *s = h->aux ? k_space_find(k, h->aux) : NULL;

	(void)len;
	if (!t->space->sigma0) {
		k_answer(k, t, EXO_EPERM, 0, 0, NULL, 0);
		return;
	}
	if (!p || (h->aux && !s)) {
		k_answer(k, t, EXO_ENOPARTNER, 0, 0, NULL, 0);
		return;
	}
	if (s)
		s->pager = p->ipc.tid;
	else
		k->default_pager = p->ipc.tid;
	k_answer(k, t, EXO_OK, 0, 0, NULL, 0);
}

static void op_watch(struct ksim *k, struct kchan *c, struct sim_hdr *h, size_t len)
{
	struct kthread *t = c->thread;
	exo_err err = EXO_OK;
	unsigned i;

	(void)h;
	(void)len;
	for (i = 0; i < k->nwatchers && k->watchers[i] != t->ipc.tid; i++)
		;
	if (i == k->nwatchers) {
		if (k->nwatchers == sizeof(k->watchers) / sizeof(k->watchers[0]))
			err = EXO_ENOMEM;
		else
			k->watchers[k->nwatchers++] = t->ipc.tid;
	}
	k_answer(k, t, err, 0, 0, NULL, 0);
}

static void op_sched(struct ksim *k, struct kchan *c, struct sim_hdr *h, size_t len)
{
	struct sim_sched p;
	uint32_t applied = 0;
	exo_err err = EXO_EPROTO;

	if (len == sizeof(*h) + sizeof(p)) {
		memcpy(&p, h + 1, sizeof(p));
		err = k_sched_set(k, c->thread, h->aux, &p, &applied);
	}
	k_answer(k, c->thread, err, 0, applied, NULL, 0);
}

/* The dispatch table: bounds, binding and busy checks happen once, in dispatch(). */
static const struct {
	op_fn fn;
	size_t max_len;          /* the largest valid frame */
} ops[SIM_OP_COUNT] = {
	[SIM_OP_HELLO] = { op_hello, sizeof(struct sim_hdr) },
	[SIM_OP_SEND] = { op_ipc, SIM_FRAME_MAX },
	[SIM_OP_RECV] = { op_ipc, sizeof(struct sim_hdr) },
	[SIM_OP_CALL] = { op_ipc, SIM_FRAME_MAX },
	[SIM_OP_REPLY_WAIT] = { op_ipc, SIM_FRAME_MAX },
	[SIM_OP_ABORT] = { op_abort, sizeof(struct sim_hdr) },
	[SIM_OP_REGISTER] = { op_register, sizeof(struct sim_hdr) + EXO_NAME_MAX + 1 },
	[SIM_OP_LOOKUP] = { op_lookup, sizeof(struct sim_hdr) + EXO_NAME_MAX + 1 },
	[SIM_OP_KINFO] = { op_kinfo, sizeof(struct sim_hdr) },
	[SIM_OP_THREAD_NEW] = { op_thread_new, sizeof(struct sim_hdr) },
	[SIM_OP_THREAD_DROP] = { op_thread_drop, sizeof(struct sim_hdr) },
	[SIM_OP_SPAWN] = { op_spawn, sizeof(struct sim_hdr) + SIM_PAYLOAD_MAX },
	[SIM_OP_UNMAP] = { op_unmap, sizeof(struct sim_hdr) + sizeof(struct sim_unmap) },
	[SIM_OP_FAULT] = { op_fault, sizeof(struct sim_hdr) + sizeof(struct sim_fault) },
	[SIM_OP_SET_PAGER] = { op_set_pager, sizeof(struct sim_hdr) },
	[SIM_OP_WATCH] = { op_watch, sizeof(struct sim_hdr) },
	[SIM_OP_FORKED] = { op_forked, sizeof(struct sim_hdr) + sizeof(int32_t) },
	[SIM_OP_SIGNAL] = { op_signal, sizeof(struct sim_hdr) + sizeof(struct sim_signal) },
	[SIM_OP_SCHED] = { op_sched, sizeof(struct sim_hdr) + sizeof(struct sim_sched) },
};

static void dispatch(struct ksim *k, struct kchan *c, size_t len)
{
	struct sim_hdr *h = (struct sim_hdr *)k->rxbuf;
	exo_err err = EXO_OK;

	if (len < sizeof(*h))
		err = EXO_EPROTO;
	else if (c->is_ctl) {
		/* A control channel only acknowledges batches. */
		if (h->op == SIM_OP_CTL_ACK && len == sizeof(*h) && c->ctl_of)
			k_mem_ctl_ack(k, c->ctl_of, h->tid);
		return;
	} else if (h->op >= SIM_OP_COUNT || !ops[h->op].fn)
		err = EXO_ENOSYS;
	else if (len > ops[h->op].max_len)
		err = EXO_EMSGSIZE;
	else if ((h->op == SIM_OP_HELLO) != (c->thread == NULL))
		err = EXO_EPROTO;
	else if (c->thread && c->thread->wait != KWAIT_NONE &&
		 !(h->op == SIM_OP_ABORT && h->tid == c->thread->ipc.tid))
		err = EXO_EPROTO; /* one operation at a time per thread (but it may end its own) */
	if (err != EXO_OK) {
		kdebug(k, "frame of %zu bytes from pid %d refused: %s", len, (int)c->pid, exo_strerror(err));
		answer_chan(k, c, err, 0, 0, NULL, 0);
		return;
	}
	if (c->thread)
		c->thread->since = k_now(k);
	ops[h->op].fn(k, c, h, len);
}

static void chan_read(evutil_socket_t fd, short what, void *arg)
{
	struct kchan *c = arg;
	struct ksim *k = c->k;
	ssize_t n;

	(void)what;
	n = recv(fd, k->rxbuf, SIM_FRAME_MAX, MSG_DONTWAIT | MSG_TRUNC);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		k_chan_close(k, c);
	} else if ((size_t)n > SIM_FRAME_MAX) {
		answer_chan(k, c, EXO_EMSGSIZE, 0, 0, NULL, 0);
	} else {
		dispatch(k, c, (size_t)n);
	}
	k_timer_update(k);
}

void k_chan_close(struct ksim *k, struct kchan *c)
{
	if (c->thread)
		k_thread_die(k, c->thread);
	if (c->ctl_of)
		k_mem_ctl_closed(k, c->ctl_of);
	event_free(c->ev);
	close(c->fd);
	if (c->prev)
		c->prev->next = c->next;
	else
		k->chans = c->next;
	if (c->next)
		c->next->prev = c->prev;
	k_free(k, c, sizeof(*c));
}

int k_accept(int lfd, struct ucred *cred)
{
	socklen_t clen = sizeof(*cred);
	int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd >= 0 && getsockopt(fd, SOL_SOCKET, SO_PEERCRED, cred, &clen) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void accept_cb(evutil_socket_t lfd, short what, void *arg)
{
	struct ksim *k = arg;
	struct ucred cred;
	struct kchan *c;
	int fd;

	(void)what;
	if ((fd = k_accept(lfd, &cred)) < 0)
		return;
	if (!(c = k_alloc(k, sizeof(*c)))) {
		close(fd);
		return;
	}
	c->k = k;
	c->fd = fd;
	c->pid = cred.pid;
	c->ev = event_new(k->base, fd, EV_READ | EV_PERSIST, chan_read, c);
	if (!c->ev) {
		close(fd);
		k_free(k, c, sizeof(*c));
		return;
	}
	event_add(c->ev, NULL);
	c->next = k->chans;
	if (k->chans)
		k->chans->prev = c;
	k->chans = c;
}

int k_listen(struct ksim *k)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(k->socket_path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "exosim: socket path too long: %s\n", k->socket_path);
		return -1;
	}
	strcpy(sa.sun_path, k->socket_path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int probe;

		if (errno != EADDRINUSE)
			goto fail;
		/* A stale socket, or a live kernel? Ask it. */
		probe = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
		if (probe >= 0 && connect(probe, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
			fprintf(stderr, "exosim: a kernel is already running on %s\n", k->socket_path);
			close(probe);
			close(fd);
			return -1;
		}
		if (probe >= 0)
			close(probe);
		unlink(k->socket_path);
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			goto fail;
	}
	if (listen(fd, 128) < 0)
		goto fail;
	k->listen_fd = fd;
	k->accept_ev = event_new(k->base, fd, EV_READ | EV_PERSIST, accept_cb, k);
	event_add(k->accept_ev, NULL);
	return 0;
fail:
	fprintf(stderr, "exosim: cannot listen on %s: %s\n", k->socket_path, strerror(errno));
	close(fd);
	return -1;
}
