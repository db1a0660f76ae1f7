/*
 * tools/exotrace/export.c — `exotrace export --chrome FILE [-o OUT]`: the
 * trace as Chrome trace-event JSON, which Perfetto (ui.perfetto.dev) and
 * chrome://tracing open as a timeline.
 *
 * Each space is a process and each thread a track. A call becomes a slice
 * on the client's track (waiting) and one on the server's (serving), joined
 * by a flow arrow from the call to the server and one back at the reply.
 * Faults, notices, errors, births and deaths are instant events.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <exo/ipc.h>

#include "decode.h"
#include "exotrace.h"

static void put_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

struct out {
	FILE *f;
	bool first;
};

static void begin(struct out *o)
{
	fputs(o->first ? "\n" : ",\n", o->f);
	o->first = false;
}

static double us(uint64_t ns)
{
	return (double)ns / 1000.0;
}

static void slice(struct out *o, const char *name, const char *cat, uint64_t t0, uint64_t t1, uint32_t pid,
		  uint32_t tid)
{
	begin(o);
	fprintf(o->f, "{\"name\":");
	put_json_string(o->f, name);
	fprintf(o->f, ",\"cat\":\"%s\",\"ph\":\"X\",\"ts\":%.3f,\"dur\":%.3f,\"pid\":%u,\"tid\":%u}", cat, us(t0),
		us(t1 - t0), pid, tid);
}

static void flow(struct out *o, char ph, uint64_t id, uint64_t t, uint32_t pid, uint32_t tid)
{
	begin(o);
	fprintf(o->f, "{\"name\":\"ipc\",\"cat\":\"ipc\",\"ph\":\"%c\",\"id\":%llu,\"ts\":%.3f,\"pid\":%u,\"tid\":%u%s}",
		ph, (unsigned long long)id, us(t), pid, tid, ph == 'f' ? ",\"bp\":\"e\"" : "");
}

static void instant(struct out *o, const char *name, uint64_t t, uint32_t pid, uint32_t tid)
{
	begin(o);
	fprintf(o->f, "{\"name\":");
	put_json_string(o->f, name);
	fprintf(o->f, ",\"cat\":\"kernel\",\"ph\":\"i\",\"s\":\"t\",\"ts\":%.3f,\"pid\":%u,\"tid\":%u}", us(t), pid, tid);
}

static void meta(struct out *o, const char *what, uint32_t pid, uint32_t tid, const char *name)
{
	begin(o);
	fprintf(o->f, "{\"name\":\"%s\",\"ph\":\"M\",\"pid\":%u,\"tid\":%u,\"args\":{\"name\":", what, pid, tid);
	put_json_string(o->f, name);
	fprintf(o->f, "}}");
}

int cmd_export(int argc, char **argv)
{
	const char *path = NULL, *out = NULL;
	bool chrome = false;
	struct tf_reader r;
	struct tmodel *m;
	Exotrace__Event *e;
	struct out o = { .first = true };
	uint64_t flows = 0;
	int rc = 0;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--chrome") == 0)
			chrome = true;
		else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			out = argv[++i];
		else if (!path)
			path = argv[i];
		else
			path = NULL, i = argc;
	}
	if (!path || !chrome) {
		fprintf(stderr, "usage: exotrace export --chrome FILE [-o OUT.json]\n");
		return 2;
	}
	if (tf_open(&r, path, false) < 0) {
		fprintf(stderr, "exotrace: %s\n", r.err);
		tf_close(&r);
		return 2;
	}
	o.f = out ? fopen(out, "w") : stdout;
	if (!o.f) {
		perror(out);
		tf_close(&r);
		return 2;
	}
	m = malloc(sizeof(*m));
	tm_init(m);
	fprintf(o.f, "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[");
	while ((e = tf_next(&r))) {
		Exotrace__Event *call;
		char who[64], name[96];
		bool kept;

		tm_learn(m, e);
		call = tm_pair(m, e, &kept);
		switch (e->kind) {
		case EXOTRACE__KIND__SPACE_NEW:
			snprintf(name, sizeof(name), "%s (space %u)", e->name ? e->name : "?", e->from_space);
			meta(&o, "process_name", e->from_space, 0, name);
			break;
		case EXOTRACE__KIND__THREAD_NEW:
			snprintf(name, sizeof(name), "thread %x", e->from_tid);
			meta(&o, "thread_name", e->from_space, e->from_tid, name);
			break;
		case EXOTRACE__KIND__NAME:
			meta(&o, "thread_name", e->from_space, e->from_tid, e->name ? e->name : "?");
			break;
		case EXOTRACE__KIND__REPLY:
		case EXOTRACE__KIND__SEND:
			if (call) {
				const struct proto *p = tm_proto(m, call->to_tid);
				const char *op = p ? proto_op(p, exo_tag_label(call->tag)) : NULL;

				if (call->kind == EXOTRACE__KIND__FAULT)
					snprintf(name, sizeof(name), "fault");
				else if (op)
					snprintf(name, sizeof(name), "%s.%s", p->name, op);
				else
					snprintf(name, sizeof(name), "label %#x", exo_tag_label(call->tag));
				slice(&o, name, "call", call->time_ns, e->time_ns, call->from_space, call->from_tid);
				slice(&o, name, "serve", call->time_ns, e->time_ns, call->to_space, call->to_tid);
				flow(&o, 's', ++flows, call->time_ns, call->from_space, call->from_tid);
				flow(&o, 'f', flows, call->time_ns, call->to_space, call->to_tid);
				flow(&o, 's', ++flows, e->time_ns, e->from_space, e->from_tid);
				flow(&o, 'f', flows, e->time_ns, e->to_space, e->to_tid);
			} else if (e->kind == EXOTRACE__KIND__SEND) {
				snprintf(name, sizeof(name), "send to %s", tm_who(m, e->to_tid, e->to_space, who, sizeof(who)));
				instant(&o, name, e->time_ns, e->from_space, e->from_tid);
			}
			break;
		case EXOTRACE__KIND__NOTICE:
			instant(&o, "notice", e->time_ns, e->to_space, e->to_tid);
			break;
		case EXOTRACE__KIND__ERROR:
		case EXOTRACE__KIND__TIMEOUT:
			instant(&o, exo_errname((exo_err)e->outcome), e->time_ns, e->from_space, e->from_tid);
			break;
		case EXOTRACE__KIND__UNMAP:
			instant(&o, "unmap", e->time_ns, e->from_space, e->from_tid);
			break;
		case EXOTRACE__KIND__SPACE_END:
			instant(&o, "space ends", e->time_ns, e->from_space, 0);
			break;
		default:
			break;
		}
		tf_event_free(call);
		if (!kept)
			tf_event_free(e);
	}
	fprintf(o.f, "\n]}\n");
	if (r.err[0]) {
		fprintf(stderr, "exotrace: %s\n", r.err);
		rc = 2;
	}
	if (out && fclose(o.f) != 0) {
		perror(out);
		rc = 2;
	}
	tm_fini(m);
	free(m);
	tf_close(&r);
	return rc;
}
