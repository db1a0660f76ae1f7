/*
 * servers/memory/frames.c — physical frames: a bitmap allocator over the
 * memory the server owns as sigma0, demand-zero on allocation, and the share
 * counts of copy-on-write frames.
 *
 * A private frame belongs to one region page; after a fork it may belong to
 * several (one per space): shares[f] counts the owners beyond the first, and
 * frame_free drops one owner, freeing the frame with the last.
 */
#include <stdlib.h>
#include <string.h>

#include "memory.h"

int frames_init(struct memsrv *ms)
{
	uint64_t base, size;

	if (exo_sigma0_view(&base, &size) != EXO_OK)
		return -1;
	ms->phys = (uint8_t *)(uintptr_t)base;
	ms->nframes = size / EXO_PAGE_SIZE;
	ms->bitmap = calloc((ms->nframes + 63) / 64, sizeof(uint64_t));
	ms->shares = calloc(ms->nframes ? ms->nframes : 1, sizeof(uint32_t));
	return ms->bitmap && ms->shares ? 0 : -1;
}

bool frame_alloc(struct memsrv *ms, uint64_t *frame)
{
	for (uint64_t n = 0; n < ms->nframes; n++) {
		uint64_t f = (ms->hint + n) % ms->nframes;

		if (!(ms->bitmap[f / 64] & ((uint64_t)1 << (f % 64)))) {
			ms->bitmap[f / 64] |= (uint64_t)1 << (f % 64);
			ms->hint = f + 1;
			ms->used++;
			memset(ms->phys + f * EXO_PAGE_SIZE, 0, EXO_PAGE_SIZE);
			*frame = f;
			return true;
		}
	}
	return false;
}

/* 16 free frames, naturally aligned (a 64 KiB flexpage), zeroed. */
bool frame_alloc_block(struct memsrv *ms, uint64_t *first)
{
	uint64_t words = ms->nframes / 64;

	for (uint64_t n = 0; n < words; n++) {
		uint64_t w = (ms->hint / 64 + n) % words;

		for (unsigned q = 0; q < 4; q++) {
			uint64_t mask = (uint64_t)0xffff << (q * 16);

			if ((ms->bitmap[w] & mask) == 0) {
				ms->bitmap[w] |= mask;
				ms->used += 16;
				*first = w * 64 + q * 16;
				ms->hint = *first + 16;
				memset(ms->phys + *first * EXO_PAGE_SIZE, 0, 16 * EXO_PAGE_SIZE);
				return true;
			}
		}
	}
	return false;
}

bool frame_shared(struct memsrv *ms, uint64_t frame)
{
	return frame < ms->nframes && ms->shares[frame] > 0;
}

void frame_share(struct memsrv *ms, uint64_t frame)
{
	if (frame < ms->nframes)
		ms->shares[frame]++;
}

void frame_free(struct memsrv *ms, uint64_t frame)
{
	if (frame < ms->nframes && ms->shares[frame] > 0) {
		ms->shares[frame]--; /* another space still owns it */
		return;
	}
	if (frame < ms->nframes && (ms->bitmap[frame / 64] & ((uint64_t)1 << (frame % 64)))) {
		ms->bitmap[frame / 64] &= ~((uint64_t)1 << (frame % 64));
		ms->used--;
		/* Reuse low frames first: their host pages are already there and warm. */
		if (frame < ms->hint)
			ms->hint = frame & ~(uint64_t)63;
	}
}

exo_fpage_t frame_fpage(struct memsrv *ms, uint64_t frame, unsigned rights)
{
	return exo_fpage((uint64_t)(uintptr_t)(ms->phys + frame * EXO_PAGE_SIZE), EXO_PAGE_SHIFT, rights);
}

void frame_release(struct memsrv *ms, uint64_t frame)
{
	exo_unmap(frame_fpage(ms, frame, EXO_RWX), 0);
	frame_free(ms, frame);
}

/*
 * Revocations in batches of EXO_MR_COUNT flexpages: one kernel round each.
 * Frames queued with `free` set are freed once their mappings are gone.
 */
void revoke_add(struct memsrv *ms, struct revoke *rv, uint64_t frame, unsigned rights, bool free_it)
{
	rv->fp[rv->n] = frame_fpage(ms, frame, rights);
	rv->frame[rv->n] = frame;
	rv->free[rv->n] = free_it;
	if (++rv->n == EXO_MR_COUNT)
		revoke_flush(ms, rv);
}

void revoke_flush(struct memsrv *ms, struct revoke *rv)
{
	if (rv->n == 0)
		return;
	exo_unmap_many(rv->fp, rv->n, 0);
	for (unsigned i = 0; i < rv->n; i++)
		if (rv->free[i])
			frame_free(ms, rv->frame[i]);
	rv->n = 0;
}
