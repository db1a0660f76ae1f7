/*
 * tools/exotrace/decode.c — protocol tables and the model of a traced system
 * (decode.h).
 *
 * The tables are the descriptions made from each protocol's declaration
 * (protocols/vfs.def, sched.def, memory.def, proc.def, dev.def, fs.def): the
 * names, fields and word counts exotrace prints are the ones the servers and
 * stubs are compiled from, never a copy kept by hand.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <exo/dev.h>
#include <exo/errno.h>
#include <exo/fs.h>
#include <exo/memory.h>
#include <exo/proc.h>
#include <exo/sched.h>
#include "memory_proto.h"
#include "proc_proto.h"
#include "dev_proto.h"
#include "fs_proto.h"
#include "sched_proto.h"
#include <exo/vfs.h>
#include "vfs_proto.h"

#include "decode.h"

/* A protocol declared in protocols/: names and fields from its description. */
#define DECLARED(srv, d) { srv, (d)->name, d }

static const struct proto protos[] = {
	DECLARED(VFS_NAME, &vfs_proto),
	DECLARED(MEM_NAME, &memory_proto),
	DECLARED(PROC_NAME, &proc_proto),
	DECLARED(SCHED_NAME, &sched_proto),
	DECLARED(CONSOLE_NAME, &dev_proto),
	DECLARED(INITRD_NAME, &dev_proto),
	/* File system servers register the name they are given: tmpfs's usual ones. */
	DECLARED("tmpfs", &fs_proto),
	DECLARED("tmpfs2", &fs_proto),
};

const struct proto *proto_by_server(const char *name)
{
	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (strcmp(protos[i].server, name) == 0)
			return &protos[i];
	return NULL;
}

static const struct exo_proto_op *op_of(const struct proto *p, uint32_t label)
{
	uint32_t op = label & (p->desc->opmask ? p->desc->opmask : ~0u);

	return op == 0 || op >= p->desc->count || !p->desc->ops[op].name ? NULL : &p->desc->ops[op];
}

const char *proto_op(const struct proto *p, uint32_t label)
{
	const struct exo_proto_op *o = op_of(p, label);

	return o ? o->name : NULL;
}

const struct exo_proto_op *proto_other(const struct proto *p, uint32_t call, uint32_t label)
{
	const struct exo_proto_op *o = p ? op_of(p, call) : NULL;

	return o && o->other && label && o->other->label == label ? o->other : NULL;
}

#define E(n) [XE_##n] = #n,
static const char *const errnos[] = {
	E(EPERM) E(ENOENT) E(ESRCH) E(EINTR) E(EIO) E(ENXIO) E(E2BIG) E(ENOEXEC) E(EBADF) E(ECHILD)
	E(EAGAIN) E(ENOMEM) E(EACCES) E(EFAULT) E(EBUSY) E(EEXIST) E(EXDEV) E(ENODEV) E(ENOTDIR)
	E(EISDIR) E(EINVAL) E(ENFILE) E(EMFILE) E(ENOTTY) E(ETXTBSY) E(EFBIG) E(ENOSPC) E(ESPIPE)
	E(EROFS) E(EMLINK) E(EPIPE) E(EDOM) E(ERANGE) E(EDEADLK) E(ENAMETOOLONG) E(ENOLCK) E(ENOSYS)
	E(ENOTEMPTY) E(ELOOP) E(EOVERFLOW) E(ETIMEDOUT) E(ENOTSUP)
};
#undef E

const char *errno_name(uint32_t label)
{
	return label < sizeof(errnos) / sizeof(errnos[0]) ? errnos[label] : NULL;
}

/* ---- the model ---- */

void tm_init(struct tmodel *m)
{
	memset(m, 0, sizeof(*m));
}

void tm_fini(struct tmodel *m)
{
	for (unsigned i = 0; i < TM_HASH; i++) {
		while (m->threads[i]) {
			struct tthread *t = m->threads[i];

			m->threads[i] = t->next;
			tf_event_free(t->pending.call);
			free(t);
		}
		while (m->spaces[i]) {
			struct tspace *s = m->spaces[i];

			m->spaces[i] = s->next;
			free(s);
		}
	}
}

struct tthread *tm_thread(struct tmodel *m, uint32_t tid, bool create)
{
	struct tthread **pp = &m->threads[tid % TM_HASH], *t;

	for (t = *pp; t; t = t->next)
		if (t->tid == tid)
			return t;
	if (!create || !(t = calloc(1, sizeof(*t))))
		return NULL;
	t->tid = tid;
	t->next = *pp;
	*pp = t;
	return t;
}

struct tspace *tm_space(struct tmodel *m, uint32_t id, bool create)
{
	struct tspace **pp = &m->spaces[id % TM_HASH], *s;

	for (s = *pp; s; s = s->next)
		if (s->id == id)
			return s;
	if (!create || !(s = calloc(1, sizeof(*s))))
		return NULL;
	s->id = id;
	s->next = *pp;
	*pp = s;
	return s;
}

void tm_learn(struct tmodel *m, const Exotrace__Event *e)
{
	struct tthread *t;
	struct tspace *s;

	if (e->has_from_space && e->from_label && e->from_label[0] && (s = tm_space(m, e->from_space, true)))
		snprintf(s->label, sizeof(s->label), "%s", e->from_label);
	if (e->has_from_tid && e->has_from_space && (t = tm_thread(m, e->from_tid, true)))
		t->space = e->from_space;
	if (e->has_to_tid && e->has_to_space && (t = tm_thread(m, e->to_tid, true)))
		t->space = e->to_space;
	switch (e->kind) {
	case EXOTRACE__KIND__NAME:
		if (e->name && (t = tm_thread(m, e->from_tid, true)))
			snprintf(t->name, sizeof(t->name), "%s", e->name);
		break;
	case EXOTRACE__KIND__THREAD_NEW:
		if ((t = tm_thread(m, e->from_tid, true))) {
			t->name[0] = 0; /* a slot reused: a new thread */
			t->calls = t->busy_ns = 0;
		}
		break;
	default:
		break;
	}
}

const char *tm_who(struct tmodel *m, uint32_t tid, uint32_t space, char *buf, size_t n)
{
	struct tthread *t = tm_thread(m, tid, false);
	struct tspace *s;

	if (tid == 0) {
		snprintf(buf, n, "kernel");
		return buf;
	}
	if (t && t->name[0]) {
		snprintf(buf, n, "%s", t->name);
		return buf;
	}
	if (!space && t)
		space = t->space;
	s = tm_space(m, space, false);
	snprintf(buf, n, "%s(%u.%u)", s && s->label[0] ? s->label : "?", space, exo_tid_number(tid));
	return buf;
}

const struct proto *tm_proto(struct tmodel *m, uint32_t tid)
{
	struct tthread *t = tm_thread(m, tid, false);

	return t && t->name[0] ? proto_by_server(t->name) : NULL;
}

Exotrace__Event *tm_pair(struct tmodel *m, Exotrace__Event *e, bool *kept)
{
	struct tthread *c;
	Exotrace__Event *call;

	*kept = false;
	if (!e->has_from_tid || !e->has_to_tid)
		return NULL;
	if ((e->kind == EXOTRACE__KIND__CALL || e->kind == EXOTRACE__KIND__FAULT) && e->outcome == 0) {
		c = tm_thread(m, e->from_tid, true);
		if (!c)
			return NULL;
		tf_event_free(c->pending.call);
		c->pending.call = e;
		c->pending.server = e->to_tid;
		c->pending.proto = tm_proto(m, e->to_tid);
		c->calls++;
		*kept = true;
		return NULL;
	}
	if (e->kind == EXOTRACE__KIND__REPLY || e->kind == EXOTRACE__KIND__SEND) {
		c = tm_thread(m, e->to_tid, false);
		if (!c || !c->pending.call || c->pending.server != e->from_tid)
			return NULL;
		call = c->pending.call;
		c->pending.call = NULL;
		c->busy_ns += e->time_ns - call->time_ns;
		return call;
	}
	if (e->kind == EXOTRACE__KIND__ERROR || e->kind == EXOTRACE__KIND__TIMEOUT) {
		/* The caller's wait ended without a reply. */
		c = tm_thread(m, e->from_tid, false);
		if (c && c->pending.call) {
			call = c->pending.call;
			c->pending.call = NULL;
			return call;
		}
	}
	return NULL;
}

void put_quoted(FILE *f, const uint8_t *p, size_t len, size_t full, size_t max)
{
	size_t n = len < max ? len : max;

	fputc('"', f);
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = p[i];

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch == '\n')
			fputs("\\n", f);
		else if (ch == '\t')
			fputs("\\t", f);
		else if (isprint(ch))
			fputc(ch, f);
		else
			fprintf(f, "\\x%02x", ch);
	}
	fputc('"', f);
	if (full > n)
		fprintf(f, "+%zu", full - n);
}

void put_word(FILE *f, uint64_t w)
{
	if (w < 4096)
		fprintf(f, "%llu", (unsigned long long)w);
	else if ((int64_t)w < 0 && (int64_t)w > -4096)
		fprintf(f, "%lld", (long long)w);
	else
		fprintf(f, "%#llx", (unsigned long long)w);
}

/* Registers and items: "1, 0x41; "path"". */
void put_body(FILE *f, const Exotrace__Event *e, size_t nregs)
{
	const char *sep = "";

	for (size_t i = 0; i < nregs && i < e->n_mr; i++) {
		fputs(sep, f);
		put_word(f, e->mr[i]);
		sep = ", ";
	}
	if (e->n_items)
		sep = e->n_mr ? "; " : "";
	for (size_t i = 0; i < e->n_items; i++) {
		const Exotrace__Item *it = e->items[i];

		fputs(sep, f);
		if (it->kind == EXO_ITEM_STRING)
			put_quoted(f, it->data.data, it->data.len, it->length, 48);
		else
			fprintf(f, "%s fpage %#llx", it->kind == EXO_ITEM_GRANT ? "grant" : "map",
				(unsigned long long)it->w1);
		sep = ", ";
	}
}

static void put_value(FILE *f, const struct exo_proto_field *fd, uint64_t w)
{
	const char *sep = "";
	uint64_t left = w;

	switch (fd->kind) {
	case EXO_PF_I64:
		fprintf(f, "%lld", (long long)(int64_t)w);
		return;
	case EXO_PF_MODE:
		fprintf(f, "0%llo", (unsigned long long)w);
		return;
	case EXO_PF_ENUM:
		for (unsigned i = 0; i < fd->nnames; i++)
			if (fd->names[i].value == w) {
				fputs(fd->names[i].name, f);
				return;
			}
		break;
	case EXO_PF_FLAGS:
		if (w == 0) {
			fputs("0", f);
			return;
		}
		for (unsigned i = 0; i < fd->nnames; i++)
			if (fd->names[i].value && (left & fd->names[i].value) == fd->names[i].value) {
				fprintf(f, "%s%s", sep, fd->names[i].name);
				left &= ~fd->names[i].value;
				sep = "|";
			}
		if (left)
			fprintf(f, "%s%#llx", sep, (unsigned long long)left);
		return;
	default:
		break;
	}
	put_word(f, w);
}

void put_fields(FILE *f, const struct proto *p, uint32_t call, bool reply, const Exotrace__Event *e)
{
	const struct exo_proto_op *o = p ? op_of(p, call) : NULL, *other;
	const struct exo_proto_field *fd;
	uint32_t label = e->has_tag ? exo_tag_label(e->tag) : 0;
	unsigned n, nf, nstr;
	const char *sep = "";

	if (!o) {
		put_body(f, e, e->n_mr);
		return;
	}
	if (reply && (other = proto_other(p, call, label)))
		o = other; /* its other reply: REDIRECT */
	n = reply ? o->nout : o->nin;
	fd = reply ? o->out : o->in;
	nf = reply ? o->nfout : o->nfin;
	nstr = reply ? (unsigned)o->nstr_out + o->nstr_out_opt : (unsigned)o->nstr + o->nstr_opt;
	if (e->n_mr != n || e->n_items > nstr) {
		put_body(f, e, e->n_mr); /* not the shape declared: as it is */
		return;
	}
	for (unsigned i = 0, w = 0, s = 0; i < nf; i++) {
		if (fd[i].kind == EXO_PF_STRING && s >= e->n_items)
			continue; /* an optional string left out */
		if (fd[i].kind == EXO_PF_LABEL && !((label >> fd[i].shift) & fd[i].mask))
			continue; /* a directory descriptor left at its default (0: none) */
		fprintf(f, "%s%s=", sep, fd[i].name);
		sep = ", ";
		if (fd[i].kind == EXO_PF_LABEL) {
			put_word(f, (label >> fd[i].shift) & fd[i].mask);
			continue;
		}
		if (fd[i].kind == EXO_PF_STRING) {
			const Exotrace__Item *it = e->items[s++];

			if (it->kind == EXO_ITEM_STRING)
				put_quoted(f, it->data.data, it->data.len, it->length, 48);
			else
				fputs("?", f);
			continue;
		}
		for (unsigned k = 0; k < fd[i].words; k++) {
			fputs(k == 0 && fd[i].words > 1 ? "[" : k ? " " : "", f);
			put_value(f, &fd[i], e->mr[w++]);
		}
		if (fd[i].words > 1)
			fputs("]", f);
	}
}
