/*
 * tools/exotrace/stats.c — `exotrace stats FILE`: calls per server and
 * operation with latency percentiles (call to reply, kernel clock), the
 * slowest calls, the busiest clients, and a count of every event kind.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <exo/ipc.h>

#include "decode.h"
#include "exotrace.h"

struct opstat {
	char key[80];            /* "vfs.OPEN" or "vfs label 0x99" */
	uint64_t *lat;
	size_t n, cap;
	uint64_t errors;         /* replies with a non-zero label */
};

struct slow {
	uint64_t ns, at;
	char what[80], who[64];
};

struct client {
	char who[64];
	uint64_t calls, ns;
};

#define NSLOW 10

struct stats {
	struct opstat *ops;
	size_t nops, capops;
	struct slow slow[NSLOW];
	size_t nslow;
	struct client *cl;
	size_t ncl, capcl;
	uint64_t kinds[32];
	uint64_t events;
};

static struct opstat *op_get(struct stats *s, const char *key)
{
	for (size_t i = 0; i < s->nops; i++)
		if (strcmp(s->ops[i].key, key) == 0)
			return &s->ops[i];
	if (s->nops == s->capops) {
		size_t cap = s->capops ? s->capops * 2 : 32;
		struct opstat *p = realloc(s->ops, cap * sizeof(*p));

		if (!p)
			return NULL;
		s->ops = p;
		s->capops = cap;
	}
	memset(&s->ops[s->nops], 0, sizeof(s->ops[0]));
	snprintf(s->ops[s->nops].key, sizeof(s->ops[0].key), "%s", key);
	return &s->ops[s->nops++];
}

static void client_add(struct stats *s, const char *who, uint64_t ns)
{
	size_t i;

	for (i = 0; i < s->ncl && strcmp(s->cl[i].who, who) != 0; i++)
		;
	if (i == s->ncl) {
		if (s->ncl == s->capcl) {
			size_t cap = s->capcl ? s->capcl * 2 : 32;
			struct client *p = realloc(s->cl, cap * sizeof(*p));

			if (!p)
				return;
			s->cl = p;
			s->capcl = cap;
		}
		memset(&s->cl[i], 0, sizeof(s->cl[i]));
		snprintf(s->cl[i].who, sizeof(s->cl[i].who), "%s", who);
		s->ncl++;
	}
	s->cl[i].calls++;
	s->cl[i].ns += ns;
}

static void slow_add(struct stats *s, uint64_t ns, uint64_t at, const char *what, const char *who)
{
	size_t i;

	if (s->nslow == NSLOW && ns <= s->slow[NSLOW - 1].ns)
		return;
	i = s->nslow < NSLOW ? s->nslow++ : NSLOW - 1;
	while (i > 0 && s->slow[i - 1].ns < ns) {
		s->slow[i] = s->slow[i - 1];
		i--;
	}
	s->slow[i].ns = ns;
	s->slow[i].at = at;
	snprintf(s->slow[i].what, sizeof(s->slow[i].what), "%s", what);
	snprintf(s->slow[i].who, sizeof(s->slow[i].who), "%s", who);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_op(const void *a, const void *b)
{
	const struct opstat *x = a, *y = b;

	return x->n != y->n ? (x->n < y->n ? 1 : -1) : strcmp(x->key, y->key);
}

static int cmp_client(const void *a, const void *b)
{
	const struct client *x = a, *y = b;

	return x->calls != y->calls ? (x->calls < y->calls ? 1 : -1) : strcmp(x->who, y->who);
}

static double pct(const uint64_t *v, size_t n, double p)
{
	size_t i = (size_t)(p * (double)(n - 1) + 0.5);

	return (double)v[i < n ? i : n - 1] / 1000.0;
}

int cmd_stats(int argc, char **argv)
{
	struct tf_reader r;
	struct tmodel *m;
	struct stats s;
	Exotrace__Event *e;
	int rc = 0;

	if (argc != 1) {
		fprintf(stderr, "usage: exotrace stats FILE\n");
		return 2;
	}
	if (tf_open(&r, argv[0], false) < 0) {
		fprintf(stderr, "exotrace: %s\n", r.err);
		tf_close(&r);
		return 2;
	}
	memset(&s, 0, sizeof(s));
	m = malloc(sizeof(*m));
	tm_init(m);
	while ((e = tf_next(&r))) {
		Exotrace__Event *call;
		bool kept;

		s.events++;
		if ((unsigned)e->kind < 32)
			s.kinds[e->kind]++;
		tm_learn(m, e);
		call = tm_pair(m, e, &kept);
		if (call && (e->kind == EXOTRACE__KIND__REPLY || e->kind == EXOTRACE__KIND__SEND)) {
			const struct proto *p = tm_proto(m, call->to_tid);
			uint32_t label = exo_tag_label(call->tag);
			const char *op = p ? proto_op(p, label) : NULL;
			char key[80], who[64], srv[64];
			uint64_t ns = e->time_ns - call->time_ns;
			struct opstat *o;

			tm_who(m, call->to_tid, call->to_space, srv, sizeof(srv));
			if (call->kind == EXOTRACE__KIND__FAULT)
				snprintf(key, sizeof(key), "%s fault", srv);
			else if (op)
				snprintf(key, sizeof(key), "%s.%s", p->name, op);
			else
				snprintf(key, sizeof(key), "%s label %#x", srv, label);
			o = op_get(&s, key);
			if (o && o->n == o->cap) {
				size_t cap = o->cap ? o->cap * 2 : 64;
				uint64_t *v = realloc(o->lat, cap * sizeof(*v));

				if (v) {
					o->lat = v;
					o->cap = cap;
				}
			}
			if (o && o->n < o->cap)
				o->lat[o->n++] = ns;
			if (o && e->has_tag && errno_name(exo_tag_label(e->tag)))
				o->errors++;
			tm_who(m, call->from_tid, call->from_space, who, sizeof(who));
			slow_add(&s, ns, call->time_ns, key, who);
			client_add(&s, who, ns);
		}
		tf_event_free(call);
		if (!kept)
			tf_event_free(e);
	}
	if (r.err[0]) {
		fprintf(stderr, "exotrace: %s\n", r.err);
		rc = 2;
	}
	printf("%llu events:", (unsigned long long)s.events);
	for (unsigned k = 1; k < 32; k++)
		if (s.kinds[k]) {
			const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(&exotrace__kind__descriptor, (int)k);

			printf(" %s %llu", v ? v->name : "?", (unsigned long long)s.kinds[k]);
		}
	printf("\n\ncalls by server and operation (latency call -> reply, us)\n");
	printf("%-28s %8s %7s %9s %9s %9s %9s\n", "operation", "count", "errno", "p50", "p90", "p99", "max");
	qsort(s.ops, s.nops, sizeof(*s.ops), cmp_op);
	for (size_t i = 0; i < s.nops; i++) {
		struct opstat *o = &s.ops[i];

		qsort(o->lat, o->n, sizeof(*o->lat), cmp_u64);
		printf("%-28s %8zu %7llu %9.1f %9.1f %9.1f %9.1f\n", o->key, o->n, (unsigned long long)o->errors,
		       pct(o->lat, o->n, 0.5), pct(o->lat, o->n, 0.9), pct(o->lat, o->n, 0.99),
		       (double)o->lat[o->n - 1] / 1000.0);
		free(o->lat);
	}
	printf("\nslowest calls\n");
	for (size_t i = 0; i < s.nslow; i++)
		printf("  %9.1f us  %-28s by %s at %.6f s\n", (double)s.slow[i].ns / 1000.0, s.slow[i].what,
		       s.slow[i].who, (double)s.slow[i].at / 1e9);
	printf("\nbusiest clients\n");
	qsort(s.cl, s.ncl, sizeof(*s.cl), cmp_client);
	for (size_t i = 0; i < s.ncl && i < 10; i++)
		printf("  %-28s %8llu calls, %10.1f us waiting\n", s.cl[i].who, (unsigned long long)s.cl[i].calls,
		       (double)s.cl[i].ns / 1000.0);
	free(s.ops);
	free(s.cl);
	tm_fini(m);
	free(m);
	tf_close(&r);
	return rc;
}
