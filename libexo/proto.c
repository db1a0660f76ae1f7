/*
 * libexo/proto.c — the one check of a request's shape that every server
 * made from a protocol declaration shares (exo/proto.h).
 */
#include <stdio.h>

#include <exo/errno.h>
#include <exo/proto.h>

int exo_proto_check(const struct exo_proto *p, const exo_msg_t *m, exo_tid_t from)
{
	uint32_t label = exo_tag_label(m->tag);
	unsigned u = exo_tag_untyped(m->tag), t = exo_tag_typed(m->tag);
	const struct exo_proto_op *op;

	if (label == 0 || label >= p->count || !p->ops[label].name)
		return -XE_ENOSYS;
	op = &p->ops[label];
	if (u == op->nin && t % EXO_ITEM_WORDS == 0 && t / EXO_ITEM_WORDS >= op->nstr &&
	    t / EXO_ITEM_WORDS <= (unsigned)op->nstr + op->nstr_opt) {
		unsigned i = u;

		while (i < u + t && exo_item_kind(m->mr[i]) == EXO_ITEM_STRING)
			i += EXO_ITEM_WORDS;
		if (i == u + t)
			return (int)label;
	}
	fprintf(stderr, "%s: malformed %s from thread %x (space %u): %u words and %u typed, %u and %u..%u declared\n",
		p->name, op->name, from, m->sender_space, u, t, op->nin, EXO_ITEM_WORDS * op->nstr,
		EXO_ITEM_WORDS * (op->nstr + op->nstr_opt));
	return -XE_EINVAL;
}
