/*
 * tools/exotrace/plan.c — reading the calls a server received out of a
 * trace (plan.h). A server is every thread that registered its name in the
 * trace (a restarted server registers again). A call is paired with the
 * next message its server sent back to the caller: a reply-wait's reply,
 * or an exo_reply (a deferred reply, sent as a send).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <exo/ipc.h>
#include <exo/vfs.h>
#include "vfs_proto.h"

#include "plan.h"

static bool is_server(const struct rp_plan *p, uint32_t tid)
{
	struct tthread *t = tm_thread(p->model, tid, false);

	return t && strcmp(t->name, p->server) == 0;
}

static int grow(void **v, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return 0;
	*cap = *cap ? *cap * 2 : 256;
	*v = realloc(*v, *cap * size);
	return *v ? 0 : -1;
}

int rp_load(struct rp_plan *p, const char *path, const char *server, char *err, size_t errlen)
{
	struct tf_reader r;
	Exotrace__Event *e;
	size_t capc = 0, cape = 0;
	/* Per client thread: the index + 1 of its call waiting for a reply. */
	struct waiting {
		uint32_t tid;
		size_t idx;
	} *w = NULL;
	size_t nw = 0, capw = 0;

	memset(p, 0, sizeof(*p));
	snprintf(p->server, sizeof(p->server), "%s", server);
	p->proto = proto_by_server(server);
	p->model = malloc(sizeof(*p->model));
	if (!p->model)
		return -1;
	tm_init(p->model);
	if (tf_open(&r, path, false) < 0) {
		snprintf(err, errlen, "%s", r.err);
		tf_close(&r);
		return -1;
	}
	p->header = r.header;
	r.header = NULL;
	while ((e = tf_next(&r))) {
		bool keep = false;

		tm_learn(p->model, e);
		if (e->kind == EXOTRACE__KIND__CALL && e->outcome == 0 && is_server(p, e->to_tid)) {
			struct tthread *c = tm_thread(p->model, e->from_tid, false);
			struct rp_call *rc;
			size_t i;

			if (grow((void **)&p->calls, p->ncalls, &capc, sizeof(*p->calls)) < 0)
				break;
			rc = &p->calls[p->ncalls];
			memset(rc, 0, sizeof(*rc));
			rc->call = e;
			rc->client = e->from_tid;
			rc->number = (unsigned)p->ncalls + 1;
			if (c)
				snprintf(rc->client_name, sizeof(rc->client_name), "%s", c->name);
			for (i = 0; i < nw && w[i].tid != e->from_tid; i++)
				;
			if (i == nw) {
				if (grow((void **)&w, nw, &capw, sizeof(*w)) < 0)
					break;
				w[nw++].tid = e->from_tid;
			}
			w[i].idx = ++p->ncalls;
			keep = true;
		} else if ((e->kind == EXOTRACE__KIND__REPLY || e->kind == EXOTRACE__KIND__SEND) && is_server(p, e->from_tid)) {
			for (size_t i = 0; i < nw; i++)
				if (w[i].tid == e->to_tid && w[i].idx) {
					p->calls[w[i].idx - 1].reply = e;
					w[i].idx = 0;
					keep = true;
					break;
				}
		} else if (e->kind == EXOTRACE__KIND__NOTICE && is_server(p, e->to_tid) && e->has_tag &&
			   exo_tag_label(e->tag) == EXO_LABEL_SPACE_EXIT && e->n_mr >= 1) {
			if (grow((void **)&p->exits, p->nexits, &cape, sizeof(*p->exits)) < 0)
				break;
			p->exits[p->nexits].time_ns = e->time_ns;
			p->exits[p->nexits++].space = (uint32_t)e->mr[0];
		} else if ((e->kind == EXOTRACE__KIND__ERROR || e->kind == EXOTRACE__KIND__TIMEOUT)) {
			/* A caller's wait ended without a reply: nothing to compare. */
			for (size_t i = 0; i < nw; i++)
				if (w[i].tid == e->from_tid)
					w[i].idx = 0;
		}
		if (!keep)
			tf_event_free(e);
	}
	free(w);
	if (r.err[0]) {
		snprintf(err, errlen, "%s", r.err);
		tf_close(&r);
		return -1;
	}
	tf_close(&r);
	return 0;
}

void rp_free(struct rp_plan *p)
{
	for (size_t i = 0; i < p->ncalls; i++) {
		tf_event_free(p->calls[i].call);
		tf_event_free(p->calls[i].reply);
	}
	free(p->calls);
	free(p->exits);
	if (p->header)
		exotrace__header__free_unpacked(p->header, NULL);
	if (p->model) {
		tm_fini(p->model);
		free(p->model);
	}
	memset(p, 0, sizeof(*p));
}

uint64_t rp_space_words(const struct proto *p, uint32_t label)
{
	if (!p || strcmp(p->server, VFS_NAME) != 0)
		return 0;
	switch (label & VFS_OP_MASK) {
	case VFS_FORK:
		return 0x3; /* parent space, child space */
	case VFS_SETCRED:
		return 0x1; /* the space */
	default:
		return 0;
	}
}
