/*
 * libexo/proto.c — the one check of a request's shape that every server
 * made from a protocol declaration shares (exo/proto.h).
 */
#include <stdio.h>

#include <exo/errno.h>
#include <exo/proto.h>

int exo_proto_check(const struct exo_proto *p, const exo_msg_t *m, exo_tid_t from)
{
	uint32_t label = exo_tag_label(m->tag), mask = p->opmask ? p->opmask : ~0u, num = label & mask;
	unsigned u = exo_tag_untyped(m->tag), t = exo_tag_typed(m->tag);
	const struct exo_proto_op *op;

	if (num == 0 || num >= p->count || !p->ops[num].name)
		return -XE_ENOSYS;
	op = &p->ops[num];
	if (u == op->nin && (label & ~mask & ~op->label) == 0 && t % EXO_ITEM_WORDS == 0 &&
	    t / EXO_ITEM_WORDS >= op->nstr &&
	    t / EXO_ITEM_WORDS <= (unsigned)op->nstr + op->nstr_opt) {
		unsigned i = u;

		while (i < u + t && exo_item_kind(m->mr[i]) == EXO_ITEM_STRING)
			i += EXO_ITEM_WORDS;
		if (i == u + t)
			return (int)num;
	}
	fprintf(stderr, "%s: malformed %s from thread %x (space %u): %u words and %u typed, %u and %u..%u declared%s\n",
		p->name, op->name, from, m->sender_space, u, t, op->nin, EXO_ITEM_WORDS * op->nstr,
		EXO_ITEM_WORDS * (op->nstr + op->nstr_opt),
		label & ~mask & ~op->label ? "; label bits it does not declare" : "");
	return -XE_EINVAL;
}
