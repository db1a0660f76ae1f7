/*
 * libexo/msg.c — checks on a message before it is sent, and the string
 * items of one received.
 *
 * The kernel checks every message again (it trusts no sender); this check
 * lets a client learn of its own mistake without a round trip.
 */
#include <exo/msg.h>

exo_err exo_msg_check_words(exo_tag_t tag, const uint64_t *mr)
{
	unsigned u = exo_tag_untyped(tag), t = exo_tag_typed(tag), strings = 0;
	uint64_t total = 0;

	if (u + t > EXO_MR_COUNT || t % EXO_ITEM_WORDS != 0)
		return EXO_EINVAL;
	for (unsigned i = u; i < u + t; i += EXO_ITEM_WORDS) {
		switch (exo_item_kind(mr[i])) {
		case EXO_ITEM_STRING:
			if (++strings > EXO_BR_COUNT)
				return EXO_EBADITEM;
			total += exo_string_len(mr[i]);
			if (total > EXO_STRING_MAX)
				return EXO_EMSGSIZE;
			if (exo_string_len(mr[i]) && !mr[i + 1])
				return EXO_EBADITEM;
			break;
		case EXO_ITEM_MAP:
		case EXO_ITEM_GRANT:
			if (!exo_fpage_valid(mr[i + 1]))
				return EXO_EBADITEM;
			break;
		default:
			return EXO_EBADITEM;
		}
	}
	return EXO_OK;
}

exo_err exo_msg_check(const exo_msg_t *m)
{
	exo_err err = exo_msg_check_words(m->tag, m->mr);

	if (err != EXO_OK)
		return err;
	if (m->nbr > EXO_BR_COUNT)
		return EXO_EINVAL;
	return EXO_OK;
}

unsigned exo_msg_strings(const exo_msg_t *m, char **ptr, uint32_t *len, unsigned max, int terminate)
{
	unsigned u = exo_tag_untyped(m->tag), t = exo_tag_typed(m->tag), n = 0;

	for (unsigned i = u; i + 1 < u + t && n < max; i += EXO_ITEM_WORDS) {
		if (exo_item_kind(m->mr[i]) != EXO_ITEM_STRING)
			continue;
		ptr[n] = (char *)(uintptr_t)m->mr[i + 1];
		len[n] = exo_string_len(m->mr[i]);
		if (terminate && ptr[n])
			ptr[n][len[n]] = 0;
		n++;
	}
	return n;
}
