/*
 * tools/exotrace/agent.c — exotrace-agent, the Exo side of `exotrace replay`.
 *
 * `exotrace replay` boots a private exosim with the server's boot list and
 * runs this program in it as the driver:
 *
 *   exotrace-agent FILE --server NAME [--ignore FIELD]... [--range A:B] [-v]
 *
 * The driver loads the calls the server received (plan.c) and plays them in
 * the order the server received them. Each recorded client space becomes a
 * client space of its own (this program again, `--client NAME SERVER`),
 * because servers keep state per space; each recorded client thread becomes
 * a worker thread in it, registered under the recorded thread's name when it
 * had one (the process server's calls need it). The driver hands a worker
 * one request at a time (its registers and strings, as recorded); the worker
 * calls the server and sends the reply back; the driver compares it with the
 * recorded reply and stops at the first difference with a diff (status 1).
 *
 * Order: a call is issued once every call whose recorded reply came before
 * it has its replayed reply. A call answered later than the next call began
 * (a deferred reply: pipes, polls, locks) is not waited for; the driver gives
 * it 20 ms to reach the server before the next call. A recorded notice that
 * a client space ended ends the replayed client space, and the driver waits
 * for the kernel's notice of it (as the server gets one).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <exo/exo.h>
#include <exo/vfs.h>

#include "plan.h"

enum { CMD_NEW = 1, CMD_EXIT, CMD_CALL, CMD_RESULT };

/* How long a client may take to start or answer: longer under Valgrind. */
static int wait_ms = 5000;
#define WAIT_MS wait_ms

/* ---- the client side: a space of replay threads ---- */

struct worker {
	exo_tid_t driver, server;
	char name[EXO_NAME_MAX + 1];
	uint8_t *in[EXO_BR_COUNT], *out[EXO_BR_COUNT];
};

static void worker_main(void *arg)
{
	struct worker *w = arg;

	if (w->name[0] && exo_register(w->name) != EXO_OK)
		fprintf(stderr, "exotrace-agent: cannot register %s for a replayed client\n", w->name);
	for (;;) {
		exo_msg_t m, r, res;
		unsigned u, t, nbuf, idx, ri;
		exo_err err;

		memset(&m, 0, sizeof(m));
		for (unsigned i = 0; i < EXO_BR_COUNT; i++)
			exo_msg_accept_string(&m, w->in[i], EXO_STRING_MAX);
		if (exo_recv(w->driver, &m, EXO_TIMEOUT_NEVER) != EXO_OK)
			exit(3);
		/* mr[0] call index, mr[1] tag, mr[2] buffers n, mr[3..] their sizes, then registers */
		nbuf = (unsigned)m.mr[2];
		u = exo_tag_untyped(m.mr[1]);
		if (nbuf > EXO_BR_COUNT || 3 + nbuf + u > exo_tag_untyped(m.tag))
			exit(3);
		memset(&r, 0, sizeof(r));
		memcpy(r.mr, &m.mr[3 + nbuf], u * 8);
		idx = u;
		t = exo_tag_typed(m.tag);
		for (unsigned i = exo_tag_untyped(m.tag); i + 1 < exo_tag_untyped(m.tag) + t; i += EXO_ITEM_WORDS)
			idx = exo_msg_put_string(&r, idx, (const void *)(uintptr_t)m.mr[i + 1], exo_string_len(m.mr[i]));
		r.tag = exo_tag(exo_tag_label(m.mr[1]), u, idx - u);
		for (unsigned i = 0; i < nbuf; i++)
			exo_msg_accept_string(&r, w->out[i], (uint32_t)m.mr[3 + i]);
		r.rcv_window = EXO_FPAGE_NIL;
		err = exo_call(w->server, &r, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER);
		/* The result: index, error, the reply's tag, registers, strings. */
		memset(&res, 0, sizeof(res));
		res.mr[0] = m.mr[0];
		res.mr[1] = (uint64_t)err;
		res.mr[2] = err == EXO_OK ? r.tag : 0;
		u = err == EXO_OK ? exo_tag_untyped(r.tag) : 0;
		t = err == EXO_OK ? exo_tag_typed(r.tag) : 0;
		if (3 + u + t > EXO_MR_COUNT)
			u = EXO_MR_COUNT - 3 - t;
		memcpy(&res.mr[3], r.mr, u * 8);
		ri = 3 + u;
		for (unsigned i = exo_tag_untyped(r.tag); err == EXO_OK && i + 1 < exo_tag_untyped(r.tag) + t;
		     i += EXO_ITEM_WORDS)
			if (exo_item_kind(r.mr[i]) == EXO_ITEM_STRING)
				ri = exo_msg_put_string(&res, ri, (const void *)(uintptr_t)r.mr[i + 1],
							exo_string_len(r.mr[i]));
		res.tag = exo_tag(CMD_RESULT, 3 + u, ri - 3 - u);
		if (exo_send(w->driver, &res, EXO_TIMEOUT_NEVER) != EXO_OK)
			exit(3);
	}
}

static int client_main(const char *name, const char *server)
{
	static char nbuf[EXO_NAME_MAX + 1];
	exo_tid_t srv, from;
	exo_msg_t m;

	if (exo_register(name) != EXO_OK || exo_lookup(server, &srv, exo_timeout_ms(WAIT_MS)) != EXO_OK)
		return 3;
	for (;;) {
		struct worker *w;
		exo_tid_t tid;

		memset(&m, 0, sizeof(m));
		memset(nbuf, 0, sizeof(nbuf));
		exo_msg_accept_string(&m, nbuf, EXO_NAME_MAX);
		if (exo_wait(&m, EXO_TIMEOUT_NEVER, &from) != EXO_OK)
			continue;
		if (exo_tag_label(m.tag) == CMD_EXIT)
			exit(0);
		if (exo_tag_label(m.tag) != CMD_NEW)
			continue;
		w = calloc(1, sizeof(*w));
		if (!w)
			return 3;
		w->driver = from;
		w->server = srv;
		snprintf(w->name, sizeof(w->name), "%s", nbuf);
		for (unsigned i = 0; i < EXO_BR_COUNT; i++) {
			w->in[i] = malloc(EXO_STRING_MAX + 1);
			w->out[i] = malloc(EXO_STRING_MAX + 1);
			if (!w->in[i] || !w->out[i])
				return 3;
		}
		if (exo_thread_create(worker_main, w, &tid) != EXO_OK)
			tid = EXO_NILTHREAD;
		memset(&m, 0, sizeof(m));
		m.tag = exo_tag(0, 1, 0);
		m.mr[0] = tid;
		exo_reply(from, &m);
	}
}

/* ---- the driver ---- */

struct ignore {
	bool time, ino, dev, data, label;
	uint64_t mr;                 /* registers ignored in every reply */
	struct {
		char op[32];
		uint64_t mr;
	} ops[16];
	unsigned nops;
};

struct client {
	uint32_t rec_space;
	exo_space_t space;
	exo_tid_t main;
	bool gone;
};

struct wmap {
	uint32_t rec_tid;
	exo_tid_t tid;
	struct client *c;
};

struct driver {
	struct rp_plan plan;
	struct ignore ig;
	const char *self, *trace;
	bool verbose;
	struct client *clients;
	size_t nclients;
	struct wmap *workers;
	size_t nworkers;
	exo_tid_t server;
	unsigned char *done;         /* per call: 0 not issued, 1 issued, 2 compared */
	uint8_t *buf[EXO_BR_COUNT];
	unsigned compared, ignored;
};

static int parse_ignore(struct ignore *ig, const char *f)
{
	const char *dot = strchr(f, '.');
	char *end;

	if (strcmp(f, "time") == 0)
		ig->time = true;
	else if (strcmp(f, "ino") == 0)
		ig->ino = true;
	else if (strcmp(f, "dev") == 0)
		ig->dev = true;
	else if (strcmp(f, "data") == 0)
		ig->data = true;
	else if (strcmp(f, "label") == 0)
		ig->label = true;
	else if (strncmp(f, "mr", 2) == 0) {
		unsigned long n = strtoul(f + 2, &end, 10);

		if (*end || end == f + 2 || n >= 64)
			return -1;
		ig->mr |= 1ull << n;
	} else if (dot && strncmp(dot + 1, "mr", 2) == 0 && ig->nops < 16 && (size_t)(dot - f) < sizeof(ig->ops[0].op)) {
		unsigned long n = strtoul(dot + 3, &end, 10);

		if (*end || end == dot + 3 || n >= 64)
			return -1;
		memcpy(ig->ops[ig->nops].op, f, (size_t)(dot - f));
		ig->ops[ig->nops].op[dot - f] = 0;
		ig->ops[ig->nops++].mr = 1ull << n;
	} else {
		return -1;
	}
	return 0;
}

/* The registers of a reply to op that are not compared. */
static uint64_t ignored_regs(const struct driver *d, const char *op)
{
	uint64_t mask = d->ig.mr;
	bool stat = op && (strcmp(op, "STAT") == 0 || strcmp(op, "FSTAT") == 0 || strcmp(op, "LSTAT") == 0);

	if (stat && d->plan.proto && strcmp(d->plan.proto->name, "vfs") == 0) {
		if (d->ig.time)
			mask |= 1ull << VST_ATIME_NS | 1ull << VST_MTIME_NS | 1ull << VST_CTIME_NS;
		if (d->ig.ino)
			mask |= 1ull << VST_INO;
		if (d->ig.dev)
			mask |= 1ull << VST_DEV;
	}
	for (unsigned i = 0; op && i < d->ig.nops; i++)
		if (strcasecmp(d->ig.ops[i].op, op) == 0)
			mask |= d->ig.ops[i].mr;
	return mask;
}

/* GETDENTS data with the inode numbers zeroed (--ignore ino). */
static void zero_dirent_inos(uint8_t *p, size_t len)
{
	size_t off = 0;

	while (off + 19 <= len) {
		uint16_t reclen;

		memcpy(&reclen, p + off + 16, 2);
		memset(p + off, 0, 8);
		if (reclen < 19 || off + reclen > len)
			break;
		off += reclen;
	}
}

static void describe_call(const struct driver *d, const struct rp_call *c)
{
	char who[64];
	const char *op = d->plan.proto ? proto_op(d->plan.proto, exo_tag_label(c->call->tag)) : NULL;

	fprintf(stderr, "  call #%u at %.6f s: %s -> %s  ", c->number, (double)c->call->time_ns / 1e9,
		tm_who(d->plan.model, c->client, c->call->from_space, who, sizeof(who)), d->plan.server);
	if (op)
		fprintf(stderr, "%s.%s(", d->plan.proto->name, op);
	else
		fprintf(stderr, "label %#x(", exo_tag_label(c->call->tag));
	put_body(stderr, c->call, c->call->n_mr);
	fprintf(stderr, ")\n");
}

static void put_label(FILE *f, uint32_t label)
{
	const char *n = errno_name(label);

	if (label == 0)
		fprintf(f, "0");
	else if (n)
		fprintf(f, "%u (%s)", label, n);
	else
		fprintf(f, "%#x", label);
}

/* Compare the replayed reply in m (a CMD_RESULT) with the recorded one. */
static void compare(struct driver *d, const struct rp_call *c, const exo_msg_t *m)
{
	const Exotrace__Event *rec = c->reply;
	const char *op = d->plan.proto ? proto_op(d->plan.proto, exo_tag_label(c->call->tag)) : NULL;
	exo_err err = (exo_err)m->mr[1];
	exo_tag_t tag = m->mr[2];
	unsigned mu = exo_tag_untyped(m->tag), u = exo_tag_untyped(tag), nd = 0;
	uint32_t rl = exo_tag_label(rec->tag), ml = exo_tag_label(tag);
	uint64_t skip = ignored_regs(d, op);
	unsigned ms = 0;

#define DIFF(...) do { if (nd++ == 0) { fprintf(stderr, "exotrace replay: replies differ\n"); describe_call(d, c); } \
		fprintf(stderr, "    " __VA_ARGS__); } while (0)
	if (err != EXO_OK) {
		fprintf(stderr, "exotrace replay: the replayed call failed in the kernel: %s\n", exo_errname(err));
		describe_call(d, c);
		exit(1);
	}
	if (!d->ig.label && rl != ml) {
		DIFF("label: recorded ");
		put_label(stderr, rl);
		fprintf(stderr, ", replayed ");
		put_label(stderr, ml);
		fprintf(stderr, "\n");
	}
	if (rec->n_mr != u)
		DIFF("registers: recorded %zu, replayed %u\n", rec->n_mr, u);
	for (unsigned i = 0; i < rec->n_mr && i < u && 3 + i < mu; i++) {
		if (skip & (1ull << i)) {
			d->ignored++;
			continue;
		}
		if (rec->mr[i] != m->mr[3 + i])
			DIFF("mr[%u]: recorded %#llx (%lld), replayed %#llx (%lld)\n", i, (unsigned long long)rec->mr[i],
			     (long long)rec->mr[i], (unsigned long long)m->mr[3 + i], (long long)m->mr[3 + i]);
	}
	for (size_t i = 0; i < rec->n_items; i++) {
		const Exotrace__Item *it = rec->items[i];
		unsigned wi = mu + 2 * ms;
		uint8_t *got;
		uint32_t glen;
		size_t n;

		if (it->kind != EXO_ITEM_STRING)
			continue;
		if (wi + 1 >= mu + exo_tag_typed(m->tag)) {
			DIFF("string %u: recorded %u bytes, none replayed\n", ms, it->length);
			ms++;
			continue;
		}
		got = (uint8_t *)(uintptr_t)m->mr[wi + 1];
		glen = exo_string_len(m->mr[wi]);
		ms++;
		if (d->ig.data) {
			d->ignored++;
			continue;
		}
		if (glen != it->length)
			DIFF("string %u: recorded %u bytes, replayed %u\n", ms - 1, it->length, glen);
		n = it->data.len < glen ? it->data.len : glen;
		if (d->ig.ino && op && strcmp(op, "GETDENTS") == 0) {
			zero_dirent_inos(it->data.data, it->data.len);
			zero_dirent_inos(got, glen);
		}
		for (size_t b = 0; b < n; b++)
			if (it->data.data[b] != got[b]) {
				size_t from = b > 16 ? b - 16 : 0;

				DIFF("string %u: first difference at byte %zu\n      recorded ", ms - 1, b);
				put_quoted(stderr, it->data.data + from, it->data.len - from, it->data.len - from, 48);
				fprintf(stderr, "\n      replayed ");
				put_quoted(stderr, got + from, glen - from, glen - from, 48);
				fprintf(stderr, "\n");
				break;
			}
	}
	if (nd) {
		fprintf(stderr, "exotrace replay: %s diverges from the recording at call #%u (of %zu)\n",
			d->plan.server, c->number, d->plan.ncalls);
		exit(1);
	}
#undef DIFF
	d->compared++;
	if (d->verbose)
		fprintf(stderr, "exotrace replay: call #%u matches\n", c->number);
}

static void accept_bufs(struct driver *d, exo_msg_t *m)
{
	memset(m, 0, sizeof(*m));
	for (unsigned i = 0; i < EXO_BR_COUNT; i++)
		exo_msg_accept_string(m, d->buf[i], EXO_STRING_MAX);
}

/* Receive one message: a result (compared now) or a notice. */
static exo_err receive_one(struct driver *d, exo_space_t *ended)
{
	exo_msg_t m;
	exo_tid_t from;
	exo_err err;

	accept_bufs(d, &m);
	err = exo_wait(&m, exo_timeout_ms(WAIT_MS), &from);
	if (err != EXO_OK)
		return err;
	if (exo_is_kernel_notice(from, &m)) {
		if (exo_tag_label(m.tag) == EXO_LABEL_SPACE_EXIT && ended)
			*ended = (exo_space_t)m.mr[0];
		return EXO_OK;
	}
	if (exo_tag_label(m.tag) == CMD_RESULT && m.mr[0] < d->plan.ncalls && d->done[m.mr[0]] == 1) {
		d->done[m.mr[0]] = 2;
		compare(d, &d->plan.calls[m.mr[0]], &m);
	}
	return EXO_OK;
}

static void wait_result(struct driver *d, size_t i)
{
	while (d->done[i] == 1) {
		if (receive_one(d, NULL) == EXO_ETIMEOUT) {
			fprintf(stderr, "exotrace replay: no reply within %d ms; the recording has one after %.1f us\n",
				WAIT_MS, (double)(d->plan.calls[i].reply->time_ns - d->plan.calls[i].call->time_ns) / 1e3);
			describe_call(d, &d->plan.calls[i]);
			exit(1);
		}
	}
}

static struct client *client_for(struct driver *d, uint32_t rec_space)
{
	char name[32], *argv[5];
	struct client *c;

	for (size_t i = 0; i < d->nclients; i++)
		if (d->clients[i].rec_space == rec_space && !d->clients[i].gone)
			return &d->clients[i];
	c = &d->clients[d->nclients];
	snprintf(name, sizeof(name), "exotrace.c%zu", d->nclients);
	argv[0] = (char *)d->self;
	argv[1] = "--client";
	argv[2] = name;
	argv[3] = d->plan.server;
	argv[4] = NULL;
	memset(c, 0, sizeof(*c));
	c->rec_space = rec_space;
	if (exo_space_spawn(argv, &c->space) != EXO_OK || exo_lookup(name, &c->main, exo_timeout_ms(WAIT_MS)) != EXO_OK) {
		fprintf(stderr, "exotrace replay: cannot start a client space (%s)\n", d->self);
		exit(2);
	}
	d->nclients++;
	return c;
}

static exo_tid_t worker_for(struct driver *d, const struct rp_call *rc)
{
	struct client *c;
	exo_msg_t m;
	size_t i;

	for (i = 0; i < d->nworkers; i++)
		if (d->workers[i].rec_tid == rc->client && !d->workers[i].c->gone)
			return d->workers[i].tid;
	c = client_for(d, rc->call->from_space);
	memset(&m, 0, sizeof(m));
	m.tag = exo_tag(CMD_NEW, 0, 2);
	exo_msg_put_string(&m, 0, rc->client_name, (uint32_t)strlen(rc->client_name));
	if (exo_call(c->main, &m, exo_timeout_ms(WAIT_MS), exo_timeout_ms(WAIT_MS)) != EXO_OK || !m.mr[0]) {
		fprintf(stderr, "exotrace replay: cannot start a client thread\n");
		exit(2);
	}
	d->workers[d->nworkers].rec_tid = rc->client;
	d->workers[d->nworkers].tid = (exo_tid_t)m.mr[0];
	d->workers[d->nworkers].c = c;
	return d->workers[d->nworkers++].tid;
}

static void issue(struct driver *d, size_t i)
{
	const struct rp_call *rc = &d->plan.calls[i];
	const Exotrace__Event *e = rc->call;
	uint64_t spaces = rp_space_words(d->plan.proto, exo_tag_label(e->tag));
	exo_tid_t w = worker_for(d, rc);
	unsigned idx, n = 0;
	exo_msg_t m;
	exo_err err;

	memset(&m, 0, sizeof(m));
	m.mr[n++] = i;
	m.mr[n++] = exo_tag(exo_tag_label(e->tag), (unsigned)e->n_mr, 0);
	m.mr[n++] = e->n_rcv_buffers;
	for (size_t b = 0; b < e->n_rcv_buffers && b < EXO_BR_COUNT; b++)
		m.mr[n++] = e->rcv_buffers[b];
	if (n + e->n_mr + 2 * e->n_items > EXO_MR_COUNT) {
		fprintf(stderr, "exotrace replay: call #%u is too big to replay\n", rc->number);
		exit(2);
	}
	for (size_t r = 0; r < e->n_mr; r++) {
		uint64_t v = e->mr[r];

		if ((spaces & (1ull << r)) && v)
			v = client_for(d, (uint32_t)v)->space;
		m.mr[n++] = v;
	}
	idx = n;
	for (size_t s = 0; s < e->n_items; s++) {
		const Exotrace__Item *it = e->items[s];

		if (it->kind != EXO_ITEM_STRING || it->data.len != it->length) {
			fprintf(stderr, "exotrace replay: call #%u has %s; it cannot be replayed\n", rc->number,
				it->kind != EXO_ITEM_STRING ? "a map or grant item"
							    : "a string cut short when it was recorded (--trace-strings)");
			describe_call(d, rc);
			exit(2);
		}
		idx = exo_msg_put_string(&m, idx, it->data.data, (uint32_t)it->data.len);
	}
	m.tag = exo_tag(CMD_CALL, n, idx - n);
	err = exo_send(w, &m, exo_timeout_ms(WAIT_MS));
	if (err != EXO_OK) {
		fprintf(stderr, "exotrace replay: the client thread of call #%u does not take it (%s): "
				"is it still waiting for an earlier reply?\n", rc->number, exo_errname(err));
		describe_call(d, rc);
		exit(1);
	}
	d->done[i] = 1;
}

/* End the replayed space of a recorded client space, as the recording did. */
static void end_space(struct driver *d, uint32_t rec_space)
{
	exo_msg_t m;

	for (size_t i = 0; i < d->nclients; i++) {
		struct client *c = &d->clients[i];
		exo_space_t ended = 0;

		if (c->rec_space != rec_space || c->gone)
			continue;
		memset(&m, 0, sizeof(m));
		m.tag = exo_tag(CMD_EXIT, 0, 0);
		exo_send(c->main, &m, exo_timeout_ms(WAIT_MS));
		c->gone = true;
		while (ended != c->space)
			if (receive_one(d, &ended) == EXO_ETIMEOUT)
				break;
	}
}

static int driver_main(int argc, char **argv)
{
	static struct driver d;
	const char *server = NULL;
	size_t from = 1, to = SIZE_MAX, ex = 0;
	char err[600];

	d.self = argv[0];
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--server") == 0 && i + 1 < argc) {
			server = argv[++i];
		} else if (strcmp(argv[i], "--ignore") == 0 && i + 1 < argc) {
			if (parse_ignore(&d.ig, argv[++i]) < 0) {
				fprintf(stderr, "exotrace replay: --ignore wants time, ino, dev, data, label, mrN or OP.mrN\n");
				return 2;
			}
		} else if (strcmp(argv[i], "--range") == 0 && i + 1 < argc) {
			char *end;

			from = strtoul(argv[++i], &end, 10);
			if (*end == ':' && end[1])
				to = strtoul(end + 1, &end, 10);
			else if (*end == ':')
				end++;
			if (*end || from == 0)
				from = 1;
		} else if (strcmp(argv[i], "-v") == 0) {
			d.verbose = true;
		} else if (!d.trace) {
			d.trace = argv[i];
		} else {
			fprintf(stderr, "exotrace replay: unexpected %s\n", argv[i]);
			return 2;
		}
	}
	if (!d.trace || !server) {
		fprintf(stderr, "usage: exotrace-agent FILE --server NAME [--ignore FIELD]... [--range A:B] [-v]\n");
		return 2;
	}
	if (rp_load(&d.plan, d.trace, server, err, sizeof(err)) < 0) {
		fprintf(stderr, "exotrace: %s\n", err);
		return 2;
	}
	if (d.plan.ncalls == 0) {
		fprintf(stderr, "exotrace replay: the trace has no calls to %s\n", server);
		return 2;
	}
	d.done = calloc(d.plan.ncalls, 1);
	d.clients = calloc(d.plan.ncalls + d.plan.nexits + 1, sizeof(*d.clients) * 2);
	d.workers = calloc(d.plan.ncalls + 1, sizeof(*d.workers));
	for (unsigned i = 0; i < EXO_BR_COUNT; i++)
		d.buf[i] = malloc(EXO_STRING_MAX + 1);
	if (!d.done || !d.clients || !d.workers || !d.buf[EXO_BR_COUNT - 1])
		return 2;
	if (exo_lookup(server, &d.server, exo_timeout_ms(WAIT_MS)) != EXO_OK) {
		fprintf(stderr, "exotrace replay: no %s server in the replay's boot list\n", server);
		return 2;
	}
	exo_space_watch();
	for (size_t i = from - 1; i < d.plan.ncalls && i < to; i++) {
		const struct rp_call *c = &d.plan.calls[i];
		uint64_t t = c->call->time_ns;

		/* Spaces that ended before this call, and replies that came before it. */
		for (; ex < d.plan.nexits && d.plan.exits[ex].time_ns < t; ex++)
			end_space(&d, d.plan.exits[ex].space);
		for (size_t j = from - 1; j < i; j++)
			if (d.done[j] == 1 && d.plan.calls[j].reply && d.plan.calls[j].reply->time_ns < t)
				wait_result(&d, j);
		issue(&d, i);
		if (!c->reply) {
			d.done[i] = 3; /* nothing recorded to compare with */
			continue;
		}
		if (i + 1 >= d.plan.ncalls || i + 1 >= to || c->reply->time_ns < d.plan.calls[i + 1].call->time_ns)
			wait_result(&d, i);
		else
			usleep((useconds_t)wait_ms * 4); /* a deferred reply: let the call reach the server first */
	}
	for (size_t j = from - 1; j < d.plan.ncalls && j < to; j++)
		if (d.done[j] == 1)
			wait_result(&d, j);
	printf("exotrace replay: %u calls to %s replayed, every reply matches the recording", d.compared, server);
	if (d.ignored)
		printf(" (%u fields ignored)", d.ignored);
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	const char *lane = getenv("EXO_LANE");

	exo_init_args(&argc, argv);
	if (lane && strcmp(lane, "valgrind") == 0)
		wait_ms *= 20;
	if (argc == 4 && strcmp(argv[1], "--client") == 0)
		return client_main(argv[2], argv[3]);
	return driver_main(argc, argv);
}
