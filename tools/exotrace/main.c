/*
 * tools/exotrace/main.c — read Exo IPC traces (docs/trace.md).
 *
 *   exotrace dump [--follow] FILE        one line per event, decoded by protocol
 *   exotrace stats FILE                  counts, latency percentiles, slowest calls,
 *                                        busiest clients
 *   exotrace export --chrome FILE [-o OUT]  trace-event JSON (Perfetto, chrome://tracing)
 *   exotrace replay FILE --server NAME [--boot FILE] [--ignore FIELD]... [--range A:B]
 *                                        replay the calls a server received (replay.c)
 *
 * A file that is not a trace, is truncated, corrupt or of a newer format
 * ends the command with status 2 and a message naming the byte offset.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <exo/ipc.h>

#include "decode.h"
#include "exotrace.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: exotrace dump [--follow] FILE\n"
		   "       exotrace stats FILE\n"
		   "       exotrace export --chrome FILE [-o OUT.json]\n"
		   "       exotrace replay FILE --server NAME [--boot BOOTLIST] [--ignore FIELD]...\n"
		   "                       [--range A:B] [-v]\n"
		   "See docs/trace.md.\n");
}

static void put_time(FILE *f, uint64_t ns)
{
	fprintf(f, "[%4llu.%06llu]", (unsigned long long)(ns / 1000000000u),
		(unsigned long long)(ns % 1000000000u / 1000u));
}

static const char *kind_name(Exotrace__Kind k)
{
	const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(&exotrace__kind__descriptor, k);

	return v ? v->name : "?";
}

static void put_reply_value(FILE *f, const struct proto *p, uint32_t call, uint32_t label)
{
	const char *en = errno_name(label);
	const struct exo_proto_op *other = proto_other(p, call, label);

	if (other)
		fputs(other->name, f);
	else if (label == 0)
		fputs("0", f);
	else if (en)
		fprintf(f, "%s", en);
	else
		fprintf(f, "label %#x", label);
}

/* One line for e; `call` is the call a reply answers (or NULL). */
static void dump_event(struct tmodel *m, const Exotrace__Event *e, const Exotrace__Event *call)
{
	char a[64], b[64];
	uint32_t label = e->has_tag ? exo_tag_label(e->tag) : 0;
	const struct proto *p;
	const char *op;

	put_time(stdout, e->time_ns);
	putchar(' ');
	switch (e->kind) {
	case EXOTRACE__KIND__CALL:
	case EXOTRACE__KIND__SEND:
	case EXOTRACE__KIND__REPLY:
		if (call) {
			/* A reply: client <- server  proto.OP = value [out]  (latency) */
			p = tm_proto(m, e->from_tid);
			op = p ? proto_op(p, exo_tag_label(call->tag)) : NULL;
			printf("%s <- %s  ", tm_who(m, e->to_tid, e->to_space, a, sizeof(a)),
			       tm_who(m, e->from_tid, e->from_space, b, sizeof(b)));
			if (call->kind == EXOTRACE__KIND__FAULT)
				printf("fault");
			else if (op)
				printf("%s.%s", p->name, op);
			else
				printf("label %#x", exo_tag_label(call->tag));
			printf(" = ");
			put_reply_value(stdout, p, exo_tag_label(call->tag), label);
			if (e->n_mr || e->n_items) {
				printf(" [");
				if (op && (label == 0 || proto_other(p, exo_tag_label(call->tag), label)))
					put_fields(stdout, p, exo_tag_label(call->tag), true, e);
				else
					put_body(stdout, e, e->n_mr);
				printf("]");
			}
			printf("  (%llu us)", (unsigned long long)((e->time_ns - call->time_ns) / 1000u));
			break;
		}
		p = tm_proto(m, e->to_tid);
		op = p ? proto_op(p, label) : NULL;
		printf("%s -> %s  ", tm_who(m, e->from_tid, e->from_space, a, sizeof(a)),
		       tm_who(m, e->to_tid, e->to_space, b, sizeof(b)));
		if (e->kind == EXOTRACE__KIND__REPLY)
			printf("reply ");
		else if (e->kind == EXOTRACE__KIND__SEND)
			printf("send ");
		if (op) {
			printf("%s.%s(", p->name, op);
		} else if (label == EXO_LABEL_CANCEL) {
			printf("CANCEL(");
		} else {
			printf("label %#x(", label);
		}
		if (op && e->kind != EXOTRACE__KIND__REPLY)
			put_fields(stdout, p, label, false, e);
		else
			put_body(stdout, e, e->n_mr);
		printf(")");
		break;
	case EXOTRACE__KIND__FAULT:
		printf("%s -> %s  fault %s at %#llx ip %#llx",
		       tm_who(m, e->from_tid, e->from_space, a, sizeof(a)),
		       tm_who(m, e->to_tid, e->to_space, b, sizeof(b)),
		       e->n_mr > 1 && (e->mr[1] & EXO_W) ? "write" : e->n_mr > 1 && (e->mr[1] & EXO_X) ? "exec" : "read",
		       (unsigned long long)(e->n_mr > 0 ? e->mr[0] : 0), (unsigned long long)(e->n_mr > 2 ? e->mr[2] : 0));
		break;
	case EXOTRACE__KIND__NOTICE:
		printf("kernel -> %s  notice %s(", tm_who(m, e->to_tid, e->to_space, b, sizeof(b)),
		       label == EXO_LABEL_SPACE_EXIT ? "SPACE_EXIT" : label == EXO_LABEL_SPACE_STATE ? "SPACE_STATE" : "?");
		put_body(stdout, e, e->n_mr);
		printf(")");
		break;
	case EXOTRACE__KIND__TIMEOUT:
	case EXOTRACE__KIND__ERROR:
		printf("%s -> %s  %s %s", tm_who(m, e->from_tid, e->from_space, a, sizeof(a)),
		       !e->has_to_tid ? "?" : e->to_tid == EXO_ANYTHREAD ? "anyone"
			       : tm_who(m, e->to_tid, e->to_space, b, sizeof(b)),
		       e->op == 4 ? "reply" : e->op == 2 ? "receive" : e->op == 3 ? "call" : e->op == 1 ? "send" : "ipc",
		       exo_errname((exo_err)e->outcome));
		break;
	case EXOTRACE__KIND__RECEIVE:
		printf("%s  receive from %s", tm_who(m, e->from_tid, e->from_space, a, sizeof(a)),
		       e->to_tid == EXO_ANYTHREAD ? "anyone" : tm_who(m, e->to_tid, e->to_space, b, sizeof(b)));
		break;
	case EXOTRACE__KIND__MAP:
	case EXOTRACE__KIND__GRANT:
		printf("%s -> %s  %s %#llx -> fpage %#llx", tm_who(m, e->from_tid, e->from_space, a, sizeof(a)),
		       tm_who(m, e->to_tid, e->to_space, b, sizeof(b)), e->kind == EXOTRACE__KIND__MAP ? "map" : "grant",
		       (unsigned long long)e->addr, (unsigned long long)e->fpage);
		break;
	case EXOTRACE__KIND__UNMAP:
		printf("%s  unmap(", tm_who(m, e->from_tid, e->from_space, a, sizeof(a)));
		put_body(stdout, e, e->n_mr);
		printf(")%s", e->status ? " self too" : "");
		break;
	case EXOTRACE__KIND__THREAD_NEW:
	case EXOTRACE__KIND__THREAD_END:
		printf("%s thread %s%s", e->kind == EXOTRACE__KIND__THREAD_NEW ? "+" : "-",
		       tm_who(m, e->from_tid, e->from_space, a, sizeof(a)), e->snapshot ? " (living)" : "");
		break;
	case EXOTRACE__KIND__SPACE_NEW:
		printf("+ space %u \"%s\" pid %d%s", e->from_space, e->name ? e->name : "", e->pid,
		       e->snapshot ? " (living)" : "");
		break;
	case EXOTRACE__KIND__SPACE_END:
		printf("- space %u \"%s\" status %#x", e->from_space, e->from_label ? e->from_label : "", e->status);
		break;
	case EXOTRACE__KIND__NAME:
		printf("name %s = %s", e->name ? e->name : "", tm_who(m, e->from_tid, e->from_space, a, sizeof(a)));
		break;
	default:
		printf("%s", kind_name(e->kind));
		break;
	}
	if (e->has_outcome && e->outcome && e->kind != EXOTRACE__KIND__ERROR && e->kind != EXOTRACE__KIND__TIMEOUT)
		printf("  -> %s", exo_errname((exo_err)e->outcome));
	putchar('\n');
}

static int open_or_fail(struct tf_reader *r, const char *path, bool follow)
{
	if (tf_open(r, path, follow) == 0)
		return 0;
	fprintf(stderr, "exotrace: %s\n", r->err);
	tf_close(r);
	return -1;
}

static int cmd_dump(int argc, char **argv)
{
	bool follow = false;
	const char *path = NULL;
	struct tf_reader r;
	struct tmodel *m;
	Exotrace__Event *e;
	int rc = 0;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--follow") == 0 || strcmp(argv[i], "-f") == 0)
			follow = true;
		else if (!path)
			path = argv[i];
		else
			return usage(stderr), 2;
	}
	if (!path)
		return usage(stderr), 2;
	if (open_or_fail(&r, path, follow) < 0)
		return 2;
	m = malloc(sizeof(*m));
	tm_init(m);
	printf("# trace format %u, kernel ABI %u, part %u%s\n", r.header->format_version, r.header->abi_version,
	       r.header->part, r.header->n_filters ? ", filtered" : "");
	if (follow)
		setvbuf(stdout, NULL, _IOLBF, 0);
	while ((e = tf_next(&r))) {
		Exotrace__Event *call;
		bool kept;

		tm_learn(m, e);
		call = tm_pair(m, e, &kept);
		dump_event(m, e, call);
		tf_event_free(call);
		if (!kept)
			tf_event_free(e);
	}
	if (r.err[0]) {
		fflush(stdout);
		fprintf(stderr, "exotrace: %s\n", r.err);
		rc = 2;
	}
	tm_fini(m);
	free(m);
	tf_close(&r);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "dump") == 0)
		return cmd_dump(argc - 2, argv + 2);
	if (strcmp(argv[1], "stats") == 0)
		return cmd_stats(argc - 2, argv + 2);
	if (strcmp(argv[1], "export") == 0)
		return cmd_export(argc - 2, argv + 2);
	if (strcmp(argv[1], "replay") == 0)
		return cmd_replay(argc - 2, argv + 2);
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "exotrace: unknown command %s\n", argv[1]);
	usage(stderr);
	return 2;
}
