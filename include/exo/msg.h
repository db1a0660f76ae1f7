/*
 * exo/msg.h — the message: a tag, 64 message registers, typed items, and the
 * receiver's acceptor (buffer registers and a receive window).
 *
 * A message sent is tag + mr[0 .. u+t-1]: u untyped words first, then t words
 * of typed items (two words each). The receiver gets the same layout with each
 * item rewritten to describe where it landed on its side.
 *
 * Tag word (no bitfields: use the accessors):
 *   bits  0..6   u       untyped words (0..64)
 *   bits  7..13  t       typed words (0..64, even), u + t <= EXO_MR_COUNT
 *   bits 16..19  flags   EXO_TAGF_* (set by the kernel on delivery)
 *   bits 32..63  label   free for the protocol (operation, reply code)
 */
#ifndef EXO_MSG_H
#define EXO_MSG_H

#include <stddef.h>
#include <stdint.h>

#include <exo/types.h>

#define EXO_MR_COUNT 64
#define EXO_BR_COUNT 8

/* Bytes of string items one message may carry, all items together. */
#define EXO_STRING_MAX (64u * 1024u)

typedef uint64_t exo_tag_t;

#define EXO_TAGF_KERNEL 0x1u /* the kernel composed this message */

static inline exo_tag_t exo_tag(uint32_t label, unsigned u, unsigned t)
{
	return ((exo_tag_t)label << 32) | ((exo_tag_t)(t & 0x7f) << 7) | (u & 0x7f);
}

static inline unsigned exo_tag_untyped(exo_tag_t tag) { return (unsigned)(tag & 0x7f); }
static inline unsigned exo_tag_typed(exo_tag_t tag) { return (unsigned)((tag >> 7) & 0x7f); }
static inline unsigned exo_tag_flags(exo_tag_t tag) { return (unsigned)((tag >> 16) & 0xf); }
static inline uint32_t exo_tag_label(exo_tag_t tag) { return (uint32_t)(tag >> 32); }

static inline exo_tag_t exo_tag_with_flags(exo_tag_t tag, unsigned flags)
{
	return (tag & ~((exo_tag_t)0xf << 16)) | ((exo_tag_t)(flags & 0xf) << 16);
}

/*
 * Flexpages: a naturally aligned power-of-two region with access rights.
 *   bits 12..63  base (aligned to the size)
 *   bits  4..9   log2 of the size (12 = one 4 KiB page .. 63)
 *   bits  0..2   rights EXO_R | EXO_W | EXO_X
 * The nil fpage (0) names nothing; EXO_FPAGE_COMPLETE names the whole space.
 */
typedef uint64_t exo_fpage_t;

#define EXO_PAGE_SHIFT 12
#define EXO_PAGE_SIZE (1u << EXO_PAGE_SHIFT)

#define EXO_R 4u
#define EXO_W 2u
#define EXO_X 1u
#define EXO_RWX (EXO_R | EXO_W | EXO_X)

#define EXO_FPAGE_NIL ((exo_fpage_t)0)
/* The whole address space (log2 field 1), as a receive window. */
#define EXO_FPAGE_COMPLETE ((exo_fpage_t)(1u << 4))

static inline exo_fpage_t exo_fpage(uint64_t base, unsigned log2size, unsigned rights)
{
	return (base & ~(uint64_t)0xfff) | ((exo_fpage_t)(log2size & 0x3f) << 4) | (rights & EXO_RWX);
}

static inline uint64_t exo_fpage_base(exo_fpage_t f) { return f & ~(uint64_t)0xfff; }
static inline unsigned exo_fpage_log2(exo_fpage_t f) { return (unsigned)((f >> 4) & 0x3f); }
static inline unsigned exo_fpage_rights(exo_fpage_t f) { return (unsigned)(f & EXO_RWX); }

/* A flexpage is valid when its size is a page or more and its base is aligned. */
static inline int exo_fpage_valid(exo_fpage_t f)
{
	unsigned l = exo_fpage_log2(f);
	return l >= EXO_PAGE_SHIFT && l < 64 && (exo_fpage_base(f) & ((((uint64_t)1) << l) - 1)) == 0;
}

/*
 * Typed items, two message registers each. The low four bits of the first word
 * give the kind.
 *
 * String item: w0 = EXO_ITEM_STRING | length << 32, w1 = address of the bytes.
 *   The kernel copies the bytes into the receiver's buffer register of the
 *   same index (the i-th string item into br[i]); on delivery w1 holds the
 *   receiver-side address and the length is the number of bytes copied.
 * Map item:  w0 = EXO_ITEM_MAP | send base, w1 = flexpage in the sender's space.
 * Grant item: as map, but the pages leave the sender.
 *   Map and grant land in the receiver's rcv_window (docs/memory.md).
 */
#define EXO_ITEM_STRING 0x1u
#define EXO_ITEM_MAP 0x2u
#define EXO_ITEM_GRANT 0x3u
#define EXO_ITEM_WORDS 2

static inline unsigned exo_item_kind(uint64_t w0) { return (unsigned)(w0 & 0xf); }
static inline uint32_t exo_string_len(uint64_t w0) { return (uint32_t)(w0 >> 32); }

/* A receive buffer (an L4 buffer register). */
typedef struct exo_buf {
	void *ptr;
	uint32_t size;
} exo_buf_t;

typedef struct exo_msg {
	exo_tag_t tag;
	uint64_t mr[EXO_MR_COUNT];
	/* The acceptor, read when this thread receives. */
	exo_buf_t br[EXO_BR_COUNT];
	uint32_t nbr;
	exo_fpage_t rcv_window;  /* where map/grant items may land; nil refuses them */
	/* Set on receipt: the sender's space, as the kernel knows it. */
	exo_space_t sender_space;
} exo_msg_t;

/* Fill in a map (or grant) item at mr[idx], mr[idx+1]. Returns the next free index. */
static inline unsigned exo_msg_put_map(exo_msg_t *m, unsigned idx, uint64_t snd_base, exo_fpage_t f,
				       int grant)
{
	m->mr[idx] = (grant ? EXO_ITEM_GRANT : EXO_ITEM_MAP) | (snd_base & ~(uint64_t)0xfff);
	m->mr[idx + 1] = f;
	return idx + EXO_ITEM_WORDS;
}

/* Fill in a string item at mr[idx], mr[idx+1]. Returns the next free index. */
static inline unsigned exo_msg_put_string(exo_msg_t *m, unsigned idx, const void *ptr, uint32_t len)
{
	m->mr[idx] = EXO_ITEM_STRING | ((uint64_t)len << 32);
	m->mr[idx + 1] = (uint64_t)(uintptr_t)ptr;
	return idx + EXO_ITEM_WORDS;
}

/* Offer a receive buffer: the next string item received lands in it. */
static inline void exo_msg_accept_string(exo_msg_t *m, void *ptr, uint32_t size)
{
	if (m->nbr < EXO_BR_COUNT) {
		m->br[m->nbr].ptr = ptr;
		m->br[m->nbr].size = size;
		m->nbr++;
	}
}

/*
 * The string items a message received: up to max of them, in order, as
 * pointers into the receive buffers and lengths; returns how many. With
 * `terminate` each is NUL-terminated in place: the receiver must have
 * offered buffers one byte larger than it accepts.
 */
unsigned exo_msg_strings(const exo_msg_t *m, char **ptr, uint32_t *len, unsigned max, int terminate);

/* Check that the tag's counts fit and every typed item is well formed. */
exo_err exo_msg_check(const exo_msg_t *m);
/* The same for a tag and its words alone (a kernel checks what it copied in). */
exo_err exo_msg_check_words(exo_tag_t tag, const uint64_t *mr);

#endif
