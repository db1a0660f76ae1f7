/*
 * sim/kernel/trace.c — recording every IPC event to a trace file
 * (proto/trace.proto, docs/trace.md).
 *
 * Entry points: k_trace_start / k_trace_stop (exosim --trace, and the
 * control socket on a live kernel), and one hook per kind of event, each
 * called as `if (k->trace) k_trace_...(k, ...)` so tracing costs a single
 * branch when it is off:
 *
 *   k_trace_deliver   ipc.c deliver(): a message moved (send, call, reply, fault)
 *   k_trace_ended     ipc.c complete(): an operation ended with an error or timeout
 *   k_trace_reply_lost chan.c: a reply found nobody waiting for it
 *   k_trace_receive   chan.c: a thread began an explicit receive
 *   k_trace_notice    mem.c: a kernel notice delivered
 *   k_trace_unmap     chan.c: exo_unmap
 *   k_trace_thread / k_trace_space / k_trace_name: births, deaths, names
 *
 * Events are packed straight from the frame being delivered (no copies of
 * registers or strings) into the writer's buffer, which reaches the file in
 * large writes, on a 100 ms timer and when tracing stops; nothing is synced.
 * With a size bound the file rotates: FILE becomes FILE.1 and a new FILE
 * starts with a header and a snapshot of living threads, spaces and names.
 *
 * Filters (--trace-filter): server=NAME, space=N, label=A or label=A-B,
 * protocol=NAME (the server registered as NAME). A message is kept when it
 * matches any filter (or there are none); a reply is kept when the call it
 * answers was. Births, deaths and names are always kept: readers need them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kernel.h"
#include "tracefile.h"

enum tfilter_kind { TF_SERVER, TF_SPACE, TF_LABEL };

struct tfilter {
	enum tfilter_kind kind;
	char name[EXO_NAME_MAX + 1];
	uint64_t lo, hi;
};

struct ktrace {
	struct tf_writer w;
	char *path;
	uint64_t max_bytes;
	uint32_t string_max;
	struct tfilter *f;
	char **specs;
	unsigned nf;
	uint64_t seq;
	uint32_t part;
	bool in_begin;           /* writing a header and snapshot: no rotation, no stop */
	struct event *flush_ev;
};

#define TRACE_BUF (256u << 10)

/* ---- filters ---- */

static int parse_filter(const char *spec, struct tfilter *f)
{
	const char *eq = strchr(spec, '=');
	char *end;

	memset(f, 0, sizeof(*f));
	if (!eq || !eq[1])
		return -EINVAL;
	if ((strncmp(spec, "server=", 7) == 0 || strncmp(spec, "protocol=", 9) == 0)) {
		if (strlen(eq + 1) > EXO_NAME_MAX)
			return -EINVAL;
		f->kind = TF_SERVER;
		strcpy(f->name, eq + 1);
		return 0;
	}
	if (strncmp(spec, "space=", 6) == 0) {
		f->kind = TF_SPACE;
		f->lo = strtoull(eq + 1, &end, 0);
		return *end ? -EINVAL : 0;
	}
	if (strncmp(spec, "label=", 6) == 0) {
		f->kind = TF_LABEL;
		f->lo = f->hi = strtoull(eq + 1, &end, 0);
		if (*end == '-' || *end == ':')
			f->hi = strtoull(end + 1, &end, 0);
		return *end || f->hi < f->lo ? -EINVAL : 0;
	}
	return -EINVAL;
}

int k_trace_filter_check(const char *spec)
{
	struct tfilter f;

	return parse_filter(spec, &f);
}

static bool owns(struct ksim *k, const struct kthread *t, const char *name)
{
	struct kname *n;

	if (!t)
		return false;
	n = k_name_find(k, name);
	return n && n->owner == t;
}

/* Does a message between a and b (either may be NULL) with this label pass? */
static bool pass(struct ksim *k, const struct kthread *a, const struct kthread *b, bool has_label, uint32_t label)
{
	const struct ktrace *tr = k->trace;

	if (tr->nf == 0)
		return true;
	for (unsigned i = 0; i < tr->nf; i++) {
		const struct tfilter *f = &tr->f[i];

		switch (f->kind) {
		case TF_SERVER:
			if (owns(k, a, f->name) || owns(k, b, f->name))
				return true;
			break;
		case TF_SPACE:
			if ((a && a->space->id == f->lo) || (b && b->space->id == f->lo))
				return true;
			break;
		case TF_LABEL:
			if (has_label && label >= f->lo && label <= f->hi)
				return true;
			break;
		}
	}
	return false;
}

/* ---- writing ---- */

static void emit(struct ksim *k, Exotrace__Event *e);

static void set_from(Exotrace__Event *e, const struct kthread *t)
{
	if (!t)
		return;
	e->has_from_tid = e->has_from_space = true;
	e->from_tid = t->ipc.tid;
	e->from_space = t->space->id;
}

static void set_to(Exotrace__Event *e, const struct kthread *t)
{
	if (!t)
		return;
	e->has_to_tid = e->has_to_space = true;
	e->to_tid = t->ipc.tid;
	e->to_space = t->space->id;
}

static void space_event(struct ksim *k, struct kspace *s, Exotrace__Kind kind, bool snapshot)
{
	Exotrace__Event e = EXOTRACE__EVENT__INIT;

	e.kind = kind;
	e.time_ns = k_now(k);
	e.has_from_space = true;
	e.from_space = s->id;
	e.from_label = s->label;
	if (kind == EXOTRACE__KIND__SPACE_NEW) {
		e.name = s->label;
		e.has_pid = true;
		e.pid = s->pid;
	} else {
		e.has_status = true;
		e.status = s->wstatus;
	}
	e.has_snapshot = snapshot;
	e.snapshot = snapshot;
	emit(k, &e);
}

static void thread_event(struct ksim *k, struct kthread *t, Exotrace__Kind kind, bool snapshot)
{
	Exotrace__Event e = EXOTRACE__EVENT__INIT;

	e.kind = kind;
	e.time_ns = k_now(k);
	set_from(&e, t);
	e.from_label = t->space->label;
	e.has_snapshot = snapshot;
	e.snapshot = snapshot;
	emit(k, &e);
}

static void name_event(struct ksim *k, struct kthread *t, const char *name, bool snapshot)
{
	Exotrace__Event e = EXOTRACE__EVENT__INIT;

	e.kind = EXOTRACE__KIND__NAME;
	e.time_ns = k_now(k);
	set_from(&e, t);
	e.from_label = t->space->label;
	e.name = (char *)name;
	e.has_snapshot = snapshot;
	e.snapshot = snapshot;
	emit(k, &e);
}

static void put_boot(void *arg, int kind, const char *label, bool sigma0, const char *wrap, char **argv)
{
	Exotrace__Header *h = arg;
	Exotrace__BootEntry *b = calloc(1, sizeof(*b));
	Exotrace__BootEntry **v = realloc(h->boot, (h->n_boot + 1) * sizeof(*v));
	size_t n = 0;

	if (!b || !v) {
		free(b);
		if (v)
			h->boot = v;
		return;
	}
	h->boot = v;
	exotrace__boot_entry__init(b);
	b->kind = kind == 1 ? EXOTRACE__BOOT_ENTRY__KIND__WAIT
		: kind == 2 ? EXOTRACE__BOOT_ENTRY__KIND__EXEC : EXOTRACE__BOOT_ENTRY__KIND__START;
	b->label = (char *)label;
	b->has_sigma0 = sigma0;
	b->sigma0 = sigma0;
	b->wrap = (char *)wrap;
	while (argv && argv[n])
		n++;
	b->n_argv = n;
	b->argv = argv;
	h->boot[h->n_boot++] = b;
}

/* A new file: the header, then every living space, thread and name. */
static int begin_file(struct ksim *k)
{
	struct ktrace *tr = k->trace;
	Exotrace__Header h = EXOTRACE__HEADER__INIT;
	struct kspace *last;
	struct timespec rt;
	int err;

	err = tf_writer_open(&tr->w, tr->path, TRACE_BUF);
	if (err)
		return err;
	clock_gettime(CLOCK_REALTIME, &rt);
	h.format_version = TF_FORMAT_VERSION;
	h.abi_version = EXO_ABI_VERSION;
	h.clock_base_ns = k->boot_ns;
	h.has_realtime_ns = true;
	h.realtime_ns = (uint64_t)rt.tv_sec * 1000000000u + (uint64_t)rt.tv_nsec;
	h.has_start_ns = true;
	h.start_ns = k_now(k);
	h.has_string_max = true;
	h.string_max = tr->string_max;
	h.n_filters = tr->nf;
	h.filters = tr->specs;
	h.has_part = true;
	h.part = tr->part;
	h.has_kernel_pid = true;
	h.kernel_pid = getpid();
	k_boot_each(k, put_boot, &h);
	err = tf_write(&tr->w, &h.base);
	for (size_t i = 0; i < h.n_boot; i++)
		free(h.boot[i]);
	free(h.boot);
	if (err)
		return err;
	/* Oldest first, as they were made: the list holds the newest first. */
	last = k->spaces;
	while (last && last->next)
		last = last->next;
	tr->in_begin = true;
	for (struct kspace *s = last; s; s = s->prev) {
		space_event(k, s, EXOTRACE__KIND__SPACE_NEW, true);
		for (struct kthread *t = s->threads; t; t = t->snext)
			thread_event(k, t, EXOTRACE__KIND__THREAD_NEW, true);
	}
	for (struct kname *n = k->names; n; n = n->next)
		name_event(k, n->owner, n->name, true);
	tr->in_begin = false;
	/* The header and snapshot reach the file now: a reader following it starts at once. */
	return tf_flush(&tr->w);
}

static void rotate(struct ksim *k)
{
	struct ktrace *tr = k->trace;
	char *old = malloc(strlen(tr->path) + 3);
	int err = tf_writer_close(&tr->w);

	if (!err && old) {
		sprintf(old, "%s.1", tr->path);
		if (rename(tr->path, old) < 0)
			err = -errno;
	}
	free(old);
	tr->part++;
	if (!err)
		err = begin_file(k);
	if (err) {
		klog(k, "trace %s: cannot rotate: %s; tracing stops", tr->path, strerror(-err));
		k_trace_stop(k);
	}
}

static void emit(struct ksim *k, Exotrace__Event *e)
{
	struct ktrace *tr = k->trace;

	e->has_seq = true;
	e->seq = tr->seq++;
	if (tf_write(&tr->w, &e->base) < 0) {
		if (tr->in_begin)
			return; /* begin_file reports it */
		klog(k, "trace %s: cannot write: %s; tracing stops", tr->path, strerror(-tr->w.err));
		k_trace_stop(k);
		return;
	}
	if (!tr->in_begin && tr->max_bytes && tr->w.bytes >= tr->max_bytes)
		rotate(k);
}

static void flush_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ksim *k = arg;

	(void)fd;
	(void)what;
	if (k->trace && k->trace->w.len && tf_flush(&k->trace->w) < 0) {
		klog(k, "trace %s: cannot write: %s; tracing stops", k->trace->path, strerror(-k->trace->w.err));
		k_trace_stop(k);
	}
}

/* ---- start and stop ---- */

static void trace_free(struct ktrace *tr)
{
	for (unsigned i = 0; i < tr->nf; i++)
		free(tr->specs[i]);
	free(tr->specs);
	free(tr->f);
	free(tr->path);
	free(tr);
}

int k_trace_start(struct ksim *k, const char *path, const struct ktrace_opts *o)
{
	static const struct ktrace_opts none;
	struct ktrace *tr;
	int err;

	if (!o)
		o = &none;
	if (k->trace)
		return -EBUSY;
	tr = calloc(1, sizeof(*tr));
	if (!tr)
		return -ENOMEM;
	tr->w.fd = -1;
	tr->path = strdup(path);
	tr->max_bytes = o->max_bytes;
	tr->string_max = o->string_max;
	tr->f = calloc(o->nfilters + 1, sizeof(*tr->f));
	tr->specs = calloc(o->nfilters + 1, sizeof(*tr->specs));
	if (!tr->path || !tr->f || !tr->specs) {
		trace_free(tr);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < o->nfilters; i++) {
		if (parse_filter(o->filters[i], &tr->f[i]) < 0) {
			trace_free(tr);
			return -EINVAL;
		}
		tr->specs[i] = strdup(o->filters[i]);
		tr->nf++;
	}
	tr->flush_ev = event_new(k->base, -1, EV_PERSIST, flush_cb, k);
	k->trace = tr;
	err = begin_file(k);
	if (err || !tr->flush_ev) {
		if (tr->flush_ev)
			event_free(tr->flush_ev);
		if (tr->w.buf)
			tf_writer_close(&tr->w);
		k->trace = NULL;
		trace_free(tr);
		return err ? err : -ENOMEM;
	}
	event_add(tr->flush_ev, &(struct timeval){ 0, 100000 });
	klog(k, "tracing to %s", path);
	return 0;
}

int k_trace_stop(struct ksim *k)
{
	struct ktrace *tr = k->trace;
	int err;

	if (!tr)
		return -ENOENT;
	k->trace = NULL;
	event_free(tr->flush_ev);
	err = tf_writer_close(&tr->w);
	if (err)
		klog(k, "trace %s: %s", tr->path, strerror(-err));
	else
		kdebug(k, "trace %s: %llu events", tr->path, (unsigned long long)tr->seq);
	trace_free(tr);
	return err;
}

/* ---- hooks ---- */

static Exotrace__Kind delivery_kind(const struct kthread *s, const struct kthread *r, const struct kmsg *m)
{
	if (m->kernel || s->op == SIM_OP_FAULT)
		return EXOTRACE__KIND__FAULT;
	if (s->op == SIM_OP_CALL)
		return EXOTRACE__KIND__CALL;
	if (r->op == SIM_OP_CALL || r->op == SIM_OP_FAULT || s->op == SIM_OP_REPLY_WAIT)
		return EXOTRACE__KIND__REPLY;
	return EXOTRACE__KIND__SEND;
}

void k_trace_deliver(struct ksim *k, struct kthread *s, struct kthread *r, const struct kmsg *m, exo_err err)
{
	const struct sim_hdr *h = (const void *)m->frame;
	const unsigned char *p = m->frame + sizeof(*h);
	unsigned u = exo_tag_untyped(h->tag), t = exo_tag_typed(h->tag), ni = 0;
	Exotrace__Kind kind = delivery_kind(s, r, m);
	Exotrace__Event e = EXOTRACE__EVENT__INIT;
	Exotrace__Item items[EXO_MR_COUNT / EXO_ITEM_WORDS], *ip[EXO_MR_COUNT / EXO_ITEM_WORDS];
	uint64_t mr[EXO_MR_COUNT];
	const unsigned char *sdata = p + ((size_t)u + t) * 8;
	bool ok;

	if (kind == EXOTRACE__KIND__REPLY)
		ok = r->trace_call || pass(k, s, r, true, exo_tag_label(h->tag));
	else
		ok = pass(k, s, r, true, exo_tag_label(h->tag));
	if (kind == EXOTRACE__KIND__CALL || kind == EXOTRACE__KIND__FAULT)
		s->trace_call = ok;
	if (!ok)
		return;
	memcpy(mr, p, ((size_t)u + t) * 8);
	e.kind = kind;
	e.time_ns = k_now(k);
	set_from(&e, s);
	set_to(&e, r);
	e.has_tag = true;
	e.tag = h->tag;
	e.n_mr = u;
	e.mr = mr;
	for (unsigned i = u; i + 1 < u + t; i += EXO_ITEM_WORDS) {
		Exotrace__Item *it = &items[ni];

		exotrace__item__init(it);
		it->kind = exo_item_kind(mr[i]);
		it->has_w0 = it->has_w1 = true;
		it->w0 = mr[i];
		it->w1 = mr[i + 1];
		if (it->kind == EXO_ITEM_STRING) {
			uint32_t len = exo_string_len(mr[i]);

			it->has_length = it->has_data = true;
			it->length = len;
			it->data.len = k->trace->string_max && len > k->trace->string_max ? k->trace->string_max : len;
			it->data.data = (uint8_t *)sdata;
			sdata += len;
		}
		ip[ni++] = it;
	}
	e.n_items = ni;
	e.items = ip;
	e.has_outcome = true;
	e.outcome = err;
	e.has_op = e.has_rcv_op = true;
	e.op = s->op;
	e.rcv_op = r->op;
	if (kind == EXOTRACE__KIND__CALL) {
		e.n_rcv_buffers = s->nbuf;
		e.rcv_buffers = s->buf_size;
		e.has_rcv_window = true;
		e.rcv_window = s->rcv_window;
	}
	if (kind == EXOTRACE__KIND__FAULT && u >= 1) {
		e.has_addr = true;
		e.addr = mr[0];
	}
	emit(k, &e);
	if (err != EXO_OK || !k->trace)
		return;
	/* One MAP or GRANT event per item that took effect. */
	for (unsigned i = 0; i < ni && k->trace; i++) {
		Exotrace__Event me = EXOTRACE__EVENT__INIT;

		if (items[i].kind != EXO_ITEM_MAP && items[i].kind != EXO_ITEM_GRANT)
			continue;
		me.kind = items[i].kind == EXO_ITEM_MAP ? EXOTRACE__KIND__MAP : EXOTRACE__KIND__GRANT;
		me.time_ns = e.time_ns;
		set_from(&me, s);
		set_to(&me, r);
		me.has_addr = me.has_fpage = true;
		me.addr = items[i].w0 & ~(uint64_t)0xfff;
		me.fpage = items[i].w1;
		emit(k, &me);
	}
}

void k_trace_ended(struct ksim *k, struct kthread *t, exo_err err)
{
	Exotrace__Event e = EXOTRACE__EVENT__INIT;
	struct kthread *p = k_thread_get(k, t->ipc.partner);

	if (err == EXO_OK || !(t->trace_call || pass(k, t, p, false, 0)))
		return;
	e.kind = err == EXO_ETIMEOUT ? EXOTRACE__KIND__TIMEOUT : EXOTRACE__KIND__ERROR;
	e.time_ns = k_now(k);
	set_from(&e, t);
	if (p) {
		set_to(&e, p);
	} else if (t->ipc.partner != EXO_NILTHREAD) {
		e.has_to_tid = true;
		e.to_tid = t->ipc.partner;
	}
	e.has_outcome = e.has_op = true;
	e.outcome = err;
	e.op = t->op;
	emit(k, &e);
}

void k_trace_reply_lost(struct ksim *k, struct kthread *t, exo_tid_t to, exo_err err)
{
	Exotrace__Event e = EXOTRACE__EVENT__INIT;
	struct kthread *p = k_thread_get(k, to);

	if (!pass(k, t, p, false, 0) && !(p && p->trace_call))
		return;
	e.kind = EXOTRACE__KIND__ERROR;
	e.time_ns = k_now(k);
	set_from(&e, t);
	e.has_to_tid = true;
	e.to_tid = to;
	if (p)
		set_to(&e, p);
	e.has_outcome = e.has_op = true;
	e.outcome = err;
	e.op = SIM_OP_REPLY_WAIT;
	emit(k, &e);
}

void k_trace_receive(struct ksim *k, struct kthread *t, exo_tid_t from)
{
	Exotrace__Event e = EXOTRACE__EVENT__INIT;
	struct kthread *p = k_thread_get(k, from);

	if (!pass(k, t, p, false, 0))
		return;
	e.kind = EXOTRACE__KIND__RECEIVE;
	e.time_ns = k_now(k);
	set_from(&e, t);
	e.has_to_tid = true;
	e.to_tid = from;
	if (p)
		set_to(&e, p);
	e.has_op = true;
	e.op = SIM_OP_RECV;
	emit(k, &e);
}

void k_trace_notice(struct ksim *k, struct kthread *t, exo_tag_t tag, const uint64_t *w, unsigned n)
{
	Exotrace__Event e = EXOTRACE__EVENT__INIT;

	if (!pass(k, t, NULL, true, exo_tag_label(tag)))
		return;
	e.kind = EXOTRACE__KIND__NOTICE;
	e.time_ns = k_now(k);
	set_to(&e, t);
	e.has_tag = true;
	e.tag = tag;
	e.n_mr = n;
	e.mr = (uint64_t *)w;
	e.has_rcv_op = true;
	e.rcv_op = t->op;
	emit(k, &e);
}

void k_trace_unmap(struct ksim *k, struct kthread *t, const uint64_t *fpages, unsigned n, uint32_t flags)
{
	Exotrace__Event e = EXOTRACE__EVENT__INIT;

	if (!pass(k, t, NULL, false, 0))
		return;
	e.kind = EXOTRACE__KIND__UNMAP;
	e.time_ns = k_now(k);
	set_from(&e, t);
	e.n_mr = n;
	e.mr = (uint64_t *)fpages;
	e.has_status = true;
	e.status = flags;
	e.has_op = true;
	e.op = SIM_OP_UNMAP;
	emit(k, &e);
}

void k_trace_thread(struct ksim *k, struct kthread *t, bool born)
{
	thread_event(k, t, born ? EXOTRACE__KIND__THREAD_NEW : EXOTRACE__KIND__THREAD_END, false);
}

void k_trace_space(struct ksim *k, struct kspace *s, bool born)
{
	space_event(k, s, born ? EXOTRACE__KIND__SPACE_NEW : EXOTRACE__KIND__SPACE_END, false);
}

void k_trace_name(struct ksim *k, struct kthread *t, const char *name)
{
	name_event(k, t, name, false);
}
