/*
 * tests/unit/test_memory.c — unit tests of the memory server's state
 * (servers/memory: regions, frames and their owners, fork's copy-on-write,
 * the next program's layout) through its own dispatch, mem_dispatch, with
 * the kernel mocked: sigma0's memory is a buffer here, and unmaps are
 * counted, not made.
 *
 * Every test starts from a fresh server and ends by ending every space it
 * made; then every frame must be free again and no space record left.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <exo/errno.h>
#include <exo/ipc.h>
#include <exo/memory.h>

#include "memory.h"

#define NFRAMES 1024u
#define PG ((uint64_t)EXO_PAGE_SIZE)
#define VM_BASE (32ull << 40)
#define VM_SIZE (32ull << 40)
#define PROC_TID 0x7777u
#define P 5u /* the spaces the tests play */
#define C 6u
#define IMG_AT 0x100000000ull

/* ---- the kernel, mocked ---- */

static uint8_t *phys;
static unsigned unmaps;

exo_err exo_sigma0_view(uint64_t *base, uint64_t *size)
{
	*base = (uint64_t)(uintptr_t)phys;
	*size = NFRAMES * PG;
	return EXO_OK;
}

exo_err exo_unmap(exo_fpage_t fpage, unsigned flags)
{
	(void)fpage, (void)flags;
	unmaps++;
	return EXO_OK;
}

exo_err exo_unmap_many(const exo_fpage_t *fpages, unsigned n, unsigned flags)
{
	(void)fpages, (void)flags;
	unmaps += n;
	return EXO_OK;
}

exo_err exo_lookup(const char *name, exo_tid_t *tid, exo_timeout_t wait)
{
	(void)wait;
	*tid = strcmp(name, MEM_PROC_NAME) == 0 ? PROC_TID : EXO_NILTHREAD;
	return *tid ? EXO_OK : EXO_ENOENT;
}

exo_space_t exo_my_space(void)
{
	return 1;
}

uint64_t exo_vm_base(void)
{
	return VM_BASE;
}

uint64_t exo_vm_size(void)
{
	return VM_SIZE;
}

/* ---- requests ---- */

static struct memsrv ms;

/* Send one request as `space` (from thread `from`): the reply's label; words in m. */
static uint32_t req(exo_space_t space, exo_tid_t from, exo_msg_t *m)
{
	struct mem_req r = { .ms = &ms, .from = from, .space = space, .m = m };

	m->sender_space = space;
	mem_dispatch(&r);
	return exo_tag_label(m->tag);
}

static uint32_t call(exo_space_t space, uint32_t op, unsigned n, const uint64_t *w, exo_msg_t *m)
{
	memset(m, 0, sizeof(*m));
	m->tag = exo_tag(op, n, 0);
	if (n)
		memcpy(m->mr, w, n * sizeof(uint64_t));
	return req(space, 0x100 + space, m);
}

static uint64_t mmap_anon(exo_space_t s, uint64_t len)
{
	exo_msg_t m;

	assert_int_equal(call(s, MEM_MMAP, 6, (uint64_t[]){ len, EXO_R | EXO_W, 0, 0, 0, 0 }, &m), 0);
	return m.mr[0];
}

static uint64_t charged(exo_space_t s)
{
	exo_msg_t m;

	assert_int_equal(call(s, MEM_STATS, 0, NULL, &m), 0);
	return m.mr[2];
}

/* A kernel-made fault (or restart, EXO_LABEL_EXEC) of space s at addr: the page's bytes, or NULL when refused. */
static uint8_t *fault(exo_space_t s, uint32_t label, uint64_t addr, unsigned access)
{
	exo_msg_t m = { 0 };

	m.tag = exo_tag_with_flags(exo_tag(label, 3, 0), EXO_TAGF_KERNEL);
	m.mr[0] = addr;
	m.mr[1] = access;
	if (req(s, 0x100 + s, &m) != 0 || exo_tag_typed(m.tag) != 2)
		return NULL;
	/* One map item: the receiver's base, then the flexpage of the frame(s) in sigma0's view. */
	{
		unsigned u = exo_tag_untyped(m.tag);
		uint64_t at = m.mr[u] & ~(uint64_t)0xfff;

		return (uint8_t *)(uintptr_t)(exo_fpage_base(m.mr[u + 1]) + ((addr & ~(PG - 1)) - at));
	}
}

/* Write through a fault's answer, as the space would after it. */
static void poke(exo_space_t s, uint64_t addr, uint8_t v)
{
	uint8_t *p = fault(s, EXO_LABEL_PAGEFAULT, addr, EXO_W);

	assert_non_null(p);
	p[addr & (PG - 1)] = v;
}

static uint8_t peek(exo_space_t s, uint64_t addr)
{
	uint8_t *p = fault(s, EXO_LABEL_PAGEFAULT, addr, EXO_R);

	assert_non_null(p);
	return p[addr & (PG - 1)];
}

static int setup(void **state)
{
	(void)state;
	memset(&ms, 0, sizeof(ms));
	ms.default_limit = 512;
	phys = aligned_alloc(PG, NFRAMES * PG); /* sigma0 sees whole pages */
	assert_non_null(phys);
	memset(phys, 0, NFRAMES * PG);
	assert_non_null(phys);
	assert_int_equal(frames_init(&ms), 0);
	unmaps = 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mspace_exit(&ms, P);
	mspace_exit(&ms, C);
	shm_forget_space(&ms, P);
	shm_forget_space(&ms, C);
	assert_int_equal(ms.used, 0);  /* every frame came back */
	assert_null(ms.spaces);        /* and every space record went */
	free(ms.bitmap);
	free(ms.shares);
	free(phys);
	return 0;
}

/* ---- the next program's layout ---- */

static uint32_t image(exo_space_t s, unsigned n, const uint64_t *e)
{
	exo_msg_t m;
	uint64_t w[1 + 4 * MEM_IMAGE_MAX] = { n };

	if (n)
		memcpy(w + 1, e, 4 * n * sizeof(uint64_t));
	return call(s, MEM_IMAGE, 1 + 4 * MEM_IMAGE_MAX, w, &m);
}

static void test_an_image_moves_its_frames_and_installs_on_restart(void **state)
{
	uint64_t text = mmap_anon(P, 2 * PG), stack = mmap_anon(P, PG), old = mmap_anon(P, PG);
	uint64_t used;
	uint8_t *page;

	(void)state;
	poke(P, text, 0x13);
	poke(P, text + PG + 7, 0x37);
	poke(P, stack + 100, 0x99);
	poke(P, old, 0x42);
	assert_int_equal(charged(P), 4);
	used = ms.used;
	assert_int_equal(image(P, 2, (uint64_t[]){ text, IMG_AT, 2 * PG, EXO_R | EXO_X, stack, IMG_AT + 0x100000, PG,
						 EXO_R | EXO_W }),
			 0);
	assert_int_equal(ms.used, used);    /* nothing copied */
	assert_int_equal(charged(P), 4);    /* still charged, while it waits */
	assert_null(fault(P, EXO_LABEL_PAGEFAULT, text, EXO_R)); /* gone from the old layout */
	assert_int_equal(peek(P, old), 0x42);                     /* the rest stays until the restart */

	page = fault(P, EXO_LABEL_EXEC, IMG_AT, EXO_X);
	assert_non_null(page);
	assert_int_equal(page[0], 0x13);    /* the entry page, with what was staged */
	assert_int_equal(peek(P, IMG_AT + PG + 7), 0x37);
	assert_int_equal(peek(P, IMG_AT + 0x100000 + 100), 0x99);
	assert_null(fault(P, EXO_LABEL_PAGEFAULT, old, EXO_R)); /* the old layout went */
	assert_null(fault(P, EXO_LABEL_PAGEFAULT, IMG_AT, EXO_W)); /* text has the rights it was given */
	assert_int_equal(charged(P), 3);
	assert_int_equal(ms.used, used - 1);
}

static void test_a_restart_with_no_image_or_from_a_space_is_refused(void **state)
{
	exo_msg_t m = { 0 };

	(void)state;
	assert_null(fault(P, EXO_LABEL_EXEC, IMG_AT, EXO_X));
	m.tag = exo_tag(EXO_LABEL_EXEC, 3, 0); /* no kernel flag */
	assert_int_equal(req(P, 0x105, &m), XE_EPERM);
}

static void test_a_waiting_image_is_charged_once_whatever_comes(void **state)
{
	uint64_t a, b, before;

	(void)state;
	before = charged(P);
	a = mmap_anon(P, 4 * PG);
	poke(P, a, 1);
	assert_int_equal(image(P, 1, (uint64_t[]){ a, IMG_AT, 4 * PG, EXO_R }), 0);
	/* Replaced by another: the first's pages go. */
	b = mmap_anon(P, 2 * PG);
	assert_int_equal(image(P, 1, (uint64_t[]){ b, IMG_AT, 2 * PG, EXO_R }), 0);
	assert_int_equal(charged(P), before + 2);
	/* MEM_EXEC drops the waiting one with the layout: the count starts at 0, not below. */
	assert_int_equal(call(P, MEM_EXEC, 0, NULL, &(exo_msg_t){ 0 }), 0);
	assert_int_equal(charged(P), 0);
	assert_int_equal(image(P, 0, NULL), 0);
	assert_int_equal(charged(P), 0);
	/* The limit still holds: 512 pages and not one more. */
	assert_int_not_equal(mmap_anon(P, 512 * PG), 0);
	{
		exo_msg_t m;

		assert_int_equal(call(P, MEM_MMAP, 6, (uint64_t[]){ PG, EXO_R, 0, 0, 0, 0 }, &m), XE_ENOMEM);
	}
	/* A space that ends with an image waiting gives its frames back (teardown checks). */
	call(P, MEM_EXEC, 0, NULL, &(exo_msg_t){ 0 });
	a = mmap_anon(P, PG);
	poke(P, a, 2);
	assert_int_equal(image(P, 1, (uint64_t[]){ a, IMG_AT, PG, EXO_R }), 0);
}

static void test_a_fork_leaves_the_waiting_image_to_the_parent(void **state)
{
	uint64_t a = mmap_anon(P, PG), keep = mmap_anon(P, PG);
	exo_msg_t m = { 0 };

	(void)state;
	poke(P, a, 5);
	poke(P, keep, 6);
	assert_int_equal(image(P, 1, (uint64_t[]){ a, IMG_AT, PG, EXO_R }), 0);
	m.tag = exo_tag(MEM_FORK, 4, 0);
	m.mr[0] = P, m.mr[1] = C;
	assert_int_equal(req(1, PROC_TID, &m), 0);
	assert_int_equal(charged(C), 1);         /* the layout, not the waiting image */
	assert_null(fault(C, EXO_LABEL_EXEC, IMG_AT, EXO_X));
	assert_int_equal(peek(C, keep), 6);
}

/* ---- fork ---- */

static uint32_t fork_keep(uint64_t keep, uint64_t len)
{
	exo_msg_t m = { 0 };

	m.tag = exo_tag(MEM_FORK, 4, 0);
	m.mr[0] = P, m.mr[1] = C, m.mr[2] = keep, m.mr[3] = len;
	return req(1, PROC_TID, &m);
}

static void test_fork_keeps_the_parents_message_pages_its_own(void **state)
{
	uint64_t a = mmap_anon(P, 4 * PG), used;
	uint8_t *pp, *cp;

	(void)state;
	for (unsigned i = 0; i < 4; i++)
		poke(P, a + i * PG, (uint8_t)(10 + i));
	used = ms.used;
	unmaps = 0;
	/* 672 bytes across the boundary of pages 1 and 2. */
	assert_int_equal(fork_keep(a + 2 * PG - 300, 672), 0);
	assert_int_equal(ms.used, used + 2);     /* the child's copies of pages 1 and 2 */
	assert_true(unmaps >= 2);                /* pages 0 and 3 lost their write access */
	/* The parent writes its kept pages in place: no copy, the child does not see it. */
	pp = fault(P, EXO_LABEL_PAGEFAULT, a + PG, EXO_W);
	assert_non_null(pp);
	pp[0] = 0x77;
	assert_int_equal(ms.used, used + 2);
	assert_int_equal(peek(C, a + PG), 11);
	/* A shared page copies on its first write, on either side. */
	cp = fault(C, EXO_LABEL_PAGEFAULT, a, EXO_W);
	assert_non_null(cp);
	cp[0] = 0x55;
	assert_int_equal(ms.used, used + 3);
	assert_int_equal(peek(P, a), 10);
	assert_int_equal(peek(C, a + 3 * PG), 13);
}

static void test_fork_refuses_a_keep_range_too_long_or_wrapping(void **state)
{
	uint64_t a = mmap_anon(P, PG);

	(void)state;
	poke(P, a, 1);
	assert_int_equal(fork_keep(a, MEM_FORK_KEEP_MAX + 1), XE_EINVAL);
	assert_int_equal(fork_keep(UINT64_MAX - 10, 100), XE_EINVAL);
	assert_int_equal(charged(C), 0);         /* nothing made for the child */
	assert_int_equal(fork_keep(0, 0), 0);    /* none to keep */
	assert_int_equal(charged(C), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_an_image_moves_its_frames_and_installs_on_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_restart_with_no_image_or_from_a_space_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_waiting_image_is_charged_once_whatever_comes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_fork_leaves_the_waiting_image_to_the_parent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fork_keeps_the_parents_message_pages_its_own, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fork_refuses_a_keep_range_too_long_or_wrapping, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
