/*
 * tests/integration/memory.c — the memory model through a real exosim with
 * the memory server: demand paging, mmap/munmap/mprotect/brk, sharing,
 * recursive revocation, grant, limits, hostile requests, cleanup of dead
 * spaces, the memory server's side of fork (MEM_FORK into a helper space,
 * memfork_child) and exec (MEM_EXEC).
 * Run as `exosim --cpu auto --boot memory.boot --exec memory`.
 *
 * Cases that end a space with SIGSEGV run it in a forked child (a new space)
 * and check the child's fate from the parent.
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <exo/errno.h>
#include <exo/memory.h>
#include "memory_proto.h"

#include "memfork.h"
#include "support.h"

#define PAGE 4096u

/*
 * CMocka catches SIGSEGV to report a crashing test; here SIGSEGV is how the
 * pager's faults reach libexo. libposix's signal() keeps SIGSEGV for libexo
 * (exo/signal.h), so CMocka's handler never replaces it.
 */

/* A raw call to the memory server; returns the reply label (0 or an XE_* errno). */
static uint32_t mem_call(uint32_t label, unsigned n, const uint64_t *in, exo_msg_t *m)
{
	exo_tid_t srv = t_lookup(MEM_NAME);

	memset(m, 0, sizeof(*m));
	m->tag = exo_tag(label, n, 0);
	if (n)
		memcpy(m->mr, in, n * 8);
	assert_int_equal(exo_call(srv, m, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER), EXO_OK);
	return exo_tag_label(m->tag);
}

static uint64_t frames_used(void)
{
	exo_msg_t m;

	assert_int_equal(mem_call(MEM_STATS, 0, NULL, &m), 0);
	return m.mr[0];
}

/* Wait (up to 5 s) for the server's frame count to come back to `want`. */
static uint64_t wait_frames(uint64_t want)
{
	uint64_t now = frames_used();

	for (int i = 0; i < 500 && now != want; i++) {
		usleep(10000);
		now = frames_used();
	}
	return now;
}

static int sig_of(int status)
{
	return status >= 128 ? status - 128 : 0;
}

static void test_demand_zero_pages_read_as_zero(void **state)
{
	size_t len = 1 << 20;
	unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t before = frames_used();

	assert_ptr_not_equal(p, MAP_FAILED);
	assert_true((uintptr_t)p >= EXO_VM_BASE && (uintptr_t)p < EXO_VM_BASE + EXO_VM_SIZE);
	for (size_t i = 0; i < len; i += 512)
		assert_int_equal(p[i], 0);
	/* Each page was made on its first touch, not at mmap. */
	assert_int_equal(frames_used(), before + len / PAGE);
	memset(p, 0xab, len);
	assert_int_equal(munmap(p, len), 0);
	assert_int_equal(frames_used(), before);
	/* A new mapping gets zeroed pages again, never the old contents. */
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (size_t i = 0; i < len; i += 512)
		assert_int_equal(p[i], 0);
	assert_int_equal(munmap(p, len), 0);
}

static void test_writes_survive_unmap_of_another_region(void **state)
{
	char *a = mmap(NULL, 8 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *b = mmap(NULL, 8 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	assert_ptr_not_equal(a, MAP_FAILED);
	assert_ptr_not_equal(b, MAP_FAILED);
	for (int i = 0; i < 8; i++) {
		snprintf(a + i * PAGE, 32, "a page %d", i);
		snprintf(b + i * PAGE, 32, "b page %d", i);
	}
	assert_int_equal(munmap(b, 8 * PAGE), 0);
	/* A partial unmap in the middle of a splits it and keeps both ends. */
	assert_int_equal(munmap(a + 3 * PAGE, 2 * PAGE), 0);
	for (int i = 0; i < 8; i++) {
		char want[32];

		if (i == 3 || i == 4)
			continue;
		snprintf(want, sizeof(want), "a page %d", i);
		assert_string_equal(a + i * PAGE, want);
	}
	assert_int_equal(munmap(a, 8 * PAGE), 0);
}

static int write_read_only(void *arg)
{
	char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	(void)arg;
	if (p == MAP_FAILED)
		return 1;
	p[0] = 'x';
	if (mprotect(p, PAGE, PROT_READ) != 0 || p[0] != 'x')
		return 2;
	p[1] = 'y'; /* the pager refuses: SIGSEGV */
	return 3;
}

static void test_write_to_read_only_mapping_faults_and_system_survives(void **state)
{
	char *p;

	assert_int_equal(sig_of(t_wait(t_fork(write_read_only, NULL))), SIGSEGV);
	/* The memory server and this space go on. */
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_ptr_not_equal(p, MAP_FAILED);
	p[0] = 1;
	/* And rights come back: read-only, then writable again. */
	assert_int_equal(mprotect(p, PAGE, PROT_READ), 0);
	assert_int_equal(p[0], 1);
	assert_int_equal(mprotect(p, PAGE, PROT_READ | PROT_WRITE), 0);
	p[0] = 2;
	assert_int_equal(p[0], 2);
	assert_int_equal(munmap(p, PAGE), 0);
}

static int touch_freed(void *arg)
{
	volatile char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	(void)arg;
	p[0] = 1;
	munmap((void *)p, PAGE);
	return p[0]; /* unmapped: SIGSEGV */
}

static void test_touching_unmapped_memory_faults(void **state)
{
	assert_int_equal(sig_of(t_wait(t_fork(touch_freed, NULL))), SIGSEGV);
}

/* Open the shared object `name` (create it with `size` when asked); returns its id. */
static uint64_t shm_open_raw(const char *name, unsigned flags, uint64_t size, uint32_t *err)
{
	exo_tid_t srv = t_lookup(MEM_NAME);
	exo_msg_t m = { 0 };
	uint64_t id;

	m.mr[0] = flags;
	m.mr[1] = size;
	exo_msg_put_string(&m, 2, name, (uint32_t)strlen(name));
	m.tag = exo_tag(MEM_SHM_OPEN, 2, 2);
	assert_int_equal(exo_call(srv, &m, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER), EXO_OK);
	*err = exo_tag_label(m.tag);
	id = m.mr[0];
	if (*err == 0 && size) {
		uint64_t in[2] = { id, size };

		assert_int_equal(mem_call(MEM_SHM_TRUNCATE, 2, in, &m), 0);
	}
	return id;
}

static volatile uint64_t *map_shared(uint64_t id, uint64_t len)
{
	uint64_t in[6] = { len, EXO_R | EXO_W, MEM_SHARED, 0, id, 0 };
	exo_msg_t m;

	assert_int_equal(mem_call(MEM_MMAP, 6, in, &m), 0);
	return (volatile uint64_t *)(uintptr_t)m.mr[0];
}

static int shm_peer(void *arg)
{
	uint32_t err;
	uint64_t id = shm_open_raw(arg, 0, 0, &err);
	volatile uint64_t *p;

	if (err)
		return 30 + (int)err;
	p = map_shared(id, 2 * PAGE);
	/* Wait for the parent's value, answer with ours. */
	for (int i = 0; i < 5000 && p[0] != 0x1234; i++)
		usleep(1000);
	if (p[0] != 0x1234)
		return 11;
	p[512] = 0x5678;
	return 0;
}

static void test_two_spaces_sharing_memory_see_each_others_writes(void **state)
{
	uint32_t err;
	uint64_t id = shm_open_raw("/shared-test", MEM_SHM_CREAT | MEM_SHM_EXCL, 2 * PAGE, &err);
	volatile uint64_t *p;
	pid_t peer;
	exo_msg_t m = { 0 };

	assert_int_equal(err, 0);
	shm_open_raw("/shared-test", MEM_SHM_CREAT | MEM_SHM_EXCL, 0, &err);
	assert_int_equal(err, XE_EEXIST);
	shm_open_raw("/no-such-object", 0, 0, &err);
	assert_int_equal(err, XE_ENOENT);
	p = map_shared(id, 2 * PAGE);
	peer = t_fork(shm_peer, "/shared-test");
	p[0] = 0x1234;
	assert_int_equal(t_wait(peer), 0);
	assert_int_equal(p[512], 0x5678);
	/* Unlink: the name goes, the memory stays while mapped. */
	exo_msg_put_string(&m, 0, "/shared-test", 12);
	m.tag = exo_tag(MEM_SHM_UNLINK, 0, 2);
	assert_int_equal(exo_call(t_lookup(MEM_NAME), &m, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER), EXO_OK);
	assert_int_equal(exo_tag_label(m.tag), 0);
	shm_open_raw("/shared-test", 0, 0, &err);
	assert_int_equal(err, XE_ENOENT);
	assert_int_equal(p[0], 0x1234);
}

/* Address where forked helpers accept pages: managed, but no region of theirs. */
#define WINDOW (EXO_VM_BASE + 32ull * 1024 * 1024 * 1024)

struct relay {
	const char *name;     /* registers this name */
	int grant_to_next;    /* 1: pass the page on by grant to `next` */
	const char *next;
};

/*
 * A helper space: receive a page into WINDOW, answer with its first word,
 * then on each request answer with the first word again (or, for a relay,
 * grant it on and try to read it itself).
 */
static int page_holder(void *arg)
{
	const struct relay *r = arg;
	volatile uint64_t *w = (volatile uint64_t *)(uintptr_t)WINDOW;
	exo_tid_t from, to = EXO_NILTHREAD;
	exo_msg_t m = { 0 };

	if (exo_register(r->name) != EXO_OK)
		return 20;
	for (;;) {
		m.rcv_window = exo_fpage(WINDOW, EXO_PAGE_SHIFT, EXO_RWX);
		if (exo_reply_wait(to, &m, EXO_TIMEOUT_NEVER, &from, NULL) != EXO_OK) {
			to = EXO_NILTHREAD; /* a refused transfer fails both sides: go on */
			continue;
		}
		to = from;
		if (exo_tag_label(m.tag) == 2 && r->grant_to_next) {
			exo_msg_t g = { 0 };

			exo_msg_put_map(&g, 0, WINDOW, exo_fpage(WINDOW, EXO_PAGE_SHIFT, EXO_R | EXO_W), 1);
			g.tag = exo_tag(1, 0, 2);
			if (exo_call(t_lookup(r->next), &g, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER) != EXO_OK)
				return 22;
			m.tag = exo_tag(0, 1, 0);
			m.mr[0] = g.mr[0];
			exo_reply(to, &m);
			to = EXO_NILTHREAD;
			return (int)w[0]; /* granted away: SIGSEGV */
		}
		m.mr[0] = exo_tag_label(m.tag) == 4 ? 0xa11e : w[0]; /* 4: are you there? */
		m.tag = exo_tag(0, 1, 0);
	}
}

static exo_err give_page(const char *to, void *page, int grant, uint64_t *answer)
{
	exo_msg_t m = { 0 };
	exo_err err;

	exo_msg_put_map(&m, 0, (uintptr_t)page, exo_fpage((uintptr_t)page, EXO_PAGE_SHIFT, EXO_R | EXO_W), grant);
	m.tag = exo_tag(1, 0, 2);
	err = exo_call(t_lookup(to), &m, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER);
	*answer = m.mr[0];
	return err;
}

static uint64_t ask(const char *to)
{
	exo_msg_t m = { .tag = exo_tag(3, 0, 0) };

	assert_int_equal(exo_call(t_lookup(to), &m, EXO_TIMEOUT_NEVER, exo_timeout_ms(10000)), EXO_OK);
	return m.mr[0];
}

static void revoke_chain_once(const char *name)
{
	struct relay c = { name, 0, NULL };
	uint64_t *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pid_t holder = t_fork(page_holder, &c);
	exo_msg_t m = { .tag = exo_tag(3, 0, 0) };
	uint64_t answer;

	p[0] = 42;
	/* The memory server mapped it to us, we map it on to C: a chain of three. */
	assert_int_equal(give_page(name, p, 0, &answer), EXO_OK);
	assert_int_equal(answer, 42);
	p[0] = 43;
	assert_int_equal(ask(name), 43);
	/* Our munmap makes the memory server unmap the frame: C loses it too, at once. */
	assert_int_equal(munmap(p, PAGE), 0);
	assert_int_equal(exo_call(t_lookup(name), &m, EXO_TIMEOUT_NEVER, exo_timeout_ms(10000)), EXO_EDEAD);
	assert_int_equal(sig_of(t_wait(holder)), SIGSEGV);
}

static void test_unmap_revokes_recursively_across_three_spaces(void **state)
{
	/* Repeated: a revocation must never be overtaken by the install before it. */
	for (int i = 0; i < 10; i++) {
		char name[32];

		snprintf(name, sizeof(name), "rev-c-%d", i);
		revoke_chain_once(name);
	}
}

static void test_grant_leaves_the_sender_without_access(void **state)
{
	static struct relay b = { "grant-b", 1, "grant-c" }, c = { "grant-c", 0, NULL };
	uint64_t *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pid_t pb = t_fork(page_holder, &b), pc = t_fork(page_holder, &c);
	exo_msg_t m = { .tag = exo_tag(2, 0, 0) };
	uint64_t answer;

	p[0] = 77;
	assert_int_equal(give_page("grant-b", p, 0, &answer), EXO_OK);
	assert_int_equal(answer, 77);
	/* B grants the page to C, then touches it: gone from B, present in C. */
	assert_int_equal(exo_call(t_lookup("grant-b"), &m, EXO_TIMEOUT_NEVER, exo_timeout_ms(10000)), EXO_OK);
	assert_int_equal(m.mr[0], 77);
	assert_int_equal(sig_of(t_wait(pb)), SIGSEGV);
	p[0] = 78;
	assert_int_equal(ask("grant-c"), 78);
	t_kill(pc);
	assert_int_equal(munmap(p, PAGE), 0);
}

static void test_malformed_map_items_are_refused(void **state)
{
	static struct relay c = { "bad-items", 0, NULL };
	pid_t holder = t_fork(page_holder, &c);
	exo_msg_t m = { 0 };
	uint64_t answer;

	/* A page this space never had. */
	assert_int_equal(give_page("bad-items", (void *)(uintptr_t)(EXO_VM_BASE + 60ull * 1024 * 1024 * 1024), 0,
				   &answer),
			 EXO_EBADITEM);
	/* An unaligned or undersized flexpage. */
	m.mr[0] = EXO_ITEM_MAP;
	m.mr[1] = exo_fpage(EXO_VM_BASE + PAGE, 13, EXO_R);
	m.tag = exo_tag(1, 0, 2);
	assert_int_equal(exo_call(t_lookup("bad-items"), &m, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER), EXO_EBADITEM);
	m.mr[1] = exo_fpage(EXO_VM_BASE, 8, EXO_R);
	assert_int_equal(exo_call(t_lookup("bad-items"), &m, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER), EXO_EBADITEM);
	/* The holder is unharmed. */
	{
		exo_msg_t ping = { .tag = exo_tag(4, 0, 0) };

		assert_int_equal(exo_call(t_lookup("bad-items"), &ping, EXO_TIMEOUT_NEVER, exo_timeout_ms(10000)),
				 EXO_OK);
		assert_int_equal(ping.mr[0], 0xa11e);
	}
	t_kill(holder);
	/* A receiver that offers no window refuses pages. */
	{
		pid_t echo = t_fork_echo("no-window");
		uint64_t *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		p[0] = 1;
		assert_int_equal(give_page("no-window", p, 0, &answer), EXO_EBADITEM);
		t_kill(echo);
		munmap(p, PAGE);
	}
}

static void test_forged_fault_messages_are_refused(void **state)
{
	exo_msg_t m = { .tag = exo_tag(EXO_LABEL_PAGEFAULT, 3, 0), .mr = { EXO_VM_BASE, EXO_W, 0 } };

	m.rcv_window = EXO_FPAGE_COMPLETE;
	assert_int_equal(exo_call(t_lookup(MEM_NAME), &m, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER), EXO_OK);
	assert_int_equal(exo_tag_label(m.tag), XE_EPERM);
	assert_int_equal(exo_tag_typed(m.tag), 0);
	/* Unknown operations, and requests not of the declared shape (protocols/memory.def). */
	assert_int_equal(mem_call(999, 0, NULL, &m), XE_ENOSYS);
	assert_int_equal(mem_call(MEM_MMAP, 2, (uint64_t[]){ PAGE, EXO_R }, &m), XE_EINVAL);
	assert_int_equal(mem_call(MEM_STATS, 1, (uint64_t[]){ 0 }, &m), XE_EINVAL);
}

static int limited_space(void *arg)
{
	uint64_t in[1] = { 16 };
	exo_msg_t m;
	void *p;

	(void)arg;
	if (mem_call(MEM_SET_LIMIT, 1, in, &m) != 0)
		return 1;
	in[0] = 1u << 30;
	if (mem_call(MEM_SET_LIMIT, 1, in, &m) != XE_EPERM)
		return 2; /* a space cannot raise its own limit */
	errno = 0;
	if (mmap(NULL, 17 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) != MAP_FAILED ||
	    errno != ENOMEM)
		return 3;
	p = mmap(NULL, 16 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 4;
	memset(p, 1, 16 * PAGE);
	if (mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) != MAP_FAILED || errno != ENOMEM)
		return 5;
	if (munmap(p, 8 * PAGE) != 0)
		return 6;
	if (mmap(NULL, 8 * PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED)
		return 7;
	return 0;
}

static void test_memory_limit_gives_enomem_to_that_space_alone(void **state)
{
	void *p;

	assert_int_equal(t_wait(t_fork(limited_space, NULL)), 0);
	p = mmap(NULL, 64 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_ptr_not_equal(p, MAP_FAILED);
	assert_int_equal(munmap(p, 64 * PAGE), 0);
}

static int fault_forever(void *arg)
{
	(void)arg;
	for (;;) {
		char *p = mmap(NULL, 64 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return 1;
		for (int i = 0; i < 64; i++)
			p[i * PAGE] = 1;
	}
}

static void test_space_killed_mid_fault_leaks_no_pages(void **state)
{
	uint64_t before = frames_used();

	for (int round = 0; round < 5; round++) {
		pid_t pid = t_fork(fault_forever, NULL);

		usleep(20000 + round * 10000);
		t_kill(pid);
	}
	assert_int_equal(wait_frames(before), before);
}

static void test_mmap_family_errors(void **state)
{
	errno = 0;
	assert_ptr_equal(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), MAP_FAILED);
	assert_int_equal(errno, EINVAL);
	assert_ptr_equal(mmap(NULL, PAGE, 0x100, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), MAP_FAILED);
	assert_int_equal(errno, EINVAL);
	assert_ptr_equal(mmap(NULL, PAGE, PROT_READ, MAP_ANONYMOUS, -1, 0), MAP_FAILED);
	assert_int_equal(errno, EINVAL);
	assert_ptr_equal(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, -1, 0), MAP_FAILED);
	assert_int_equal(errno, EBADF);
	assert_ptr_equal(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, 200, 0), MAP_FAILED);
	assert_int_equal(errno, EBADF);
	assert_ptr_equal(mmap((void *)(EXO_VM_BASE + 5), PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0),
			 MAP_FAILED);
	assert_int_equal(errno, EINVAL);
	assert_ptr_equal(mmap((void *)0x10000, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0), MAP_FAILED);
	assert_int_equal(errno, ENOMEM);
	assert_ptr_equal(mmap(NULL, (size_t)1 << 46, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), MAP_FAILED);
	assert_int_equal(errno, ENOMEM);
	assert_int_equal(munmap((void *)(EXO_VM_BASE + 1), PAGE), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(munmap((void *)EXO_VM_BASE, 0), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(mprotect((void *)(EXO_VM_BASE + 40ull * 1024 * 1024 * 1024), PAGE, PROT_READ), -1);
	assert_int_equal(errno, ENOMEM);
	assert_int_equal(mprotect((void *)(EXO_VM_BASE + 3), PAGE, PROT_READ), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(getpagesize(), 4096);
	assert_int_equal(sysconf(_SC_PAGESIZE), 4096);
}

static void test_fixed_and_hinted_mappings(void **state)
{
	char *hint = (char *)(uintptr_t)(EXO_VM_BASE + 40ull * 1024 * 1024 * 1024);
	char *p = mmap(hint, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), *q;

	assert_ptr_equal(p, hint); /* a free hint is taken */
	p[0] = 'a';
	q = mmap(hint, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_ptr_not_equal(q, hint); /* a taken hint is not */
	q = mmap(hint, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	assert_ptr_equal(q, hint); /* MAP_FIXED replaces */
	assert_int_equal(q[0], 0);
	assert_int_equal(munmap(hint, 4 * PAGE), 0);
}

/* A space that never opened an object may not map, resize, close or share it. */
static int foreign_object(void *arg)
{
	uint64_t id = *(uint64_t *)arg, in[6] = { PAGE, EXO_R | EXO_W, MEM_SHARED, 0, id, 0 };
	exo_msg_t m;

	if (mem_call(MEM_MMAP, 6, in, &m) != XE_EBADF)
		return 1;
	in[1] = 8 * PAGE;
	if (mem_call(MEM_SHM_TRUNCATE, 2, in, &m) != XE_EBADF)
		return 2;
	if (mem_call(MEM_SHM_CLOSE, 1, in, &m) != XE_EBADF)
		return 3;
	in[1] = 1;
	if (mem_call(MEM_SHM_SHARE, 2, in, &m) != XE_EBADF)
		return 4;
	return 0;
}

static void test_shared_objects_are_only_for_their_holders(void **state)
{
	uint32_t err;
	uint64_t id = shm_open_raw("/held-object", MEM_SHM_CREAT | MEM_SHM_EXCL, PAGE, &err), in[1];
	exo_msg_t m = { 0 };

	assert_int_equal(err, 0);
	assert_int_equal(t_wait(t_fork(foreign_object, &id)), 0);
	exo_msg_put_string(&m, 0, "/held-object", 12);
	m.tag = exo_tag(MEM_SHM_UNLINK, 0, 2);
	assert_int_equal(exo_call(t_lookup(MEM_NAME), &m, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER), EXO_OK);
	in[0] = id;
	assert_int_equal(mem_call(MEM_SHM_CLOSE, 1, in, &m), 0);
	assert_int_equal(mem_call(MEM_SHM_CLOSE, 1, in, &m), XE_EBADF); /* gone */
}

#define SHM_NAME "/exo-shm-test"

/* The peer: open the object by name, map it, answer the parent's word. */
static int shm_posix_peer(void *arg)
{
	volatile uint64_t *p;
	uint64_t v = 0;
	int fd = shm_open(SHM_NAME, O_RDWR, 0);

	(void)arg;
	if (fd < 0)
		return 10 + errno;
	p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return 2;
	for (int i = 0; i < 5000 && p[0] != 0x1234; i++)
		usleep(1000);
	if (p[0] != 0x1234 || pread(fd, &v, 8, 0) != 8 || v != 0x1234)
		return 3;
	p[512] = 0x5678;
	return 0;
}

static void test_shm_open_maps_one_object_in_two_spaces(void **state)
{
	char longname[300];
	volatile uint64_t *p;
	uint64_t before = frames_used(), v = 0xabcdef;
	struct stat st;
	int fd, ro;

	shm_unlink(SHM_NAME);
	fd = shm_open(SHM_NAME, O_CREAT | O_EXCL | O_RDWR, 0600);
	assert_true(fd >= 0);
	assert_int_equal(fcntl(fd, F_GETFD), FD_CLOEXEC);
	assert_int_equal(shm_open(SHM_NAME, O_CREAT | O_EXCL | O_RDWR, 0600), -1);
	assert_int_equal(errno, EEXIST);
	assert_int_equal(shm_open("/exo-no-such-object", O_RDWR, 0), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(shm_open("/", O_RDWR | O_CREAT, 0600), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(shm_open("/a/b", O_RDWR | O_CREAT, 0600), -1);
	assert_int_equal(errno, EINVAL);
	memset(longname, 'x', sizeof(longname) - 1);
	longname[0] = '/';
	longname[sizeof(longname) - 1] = 0;
	assert_int_equal(shm_open(longname, O_RDWR | O_CREAT, 0600), -1);
	assert_int_equal(errno, ENAMETOOLONG);

	assert_int_equal(ftruncate(fd, 2 * PAGE), 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_size, 2 * PAGE);
	p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	assert_ptr_not_equal(p, MAP_FAILED);
	assert_int_equal(p[0], 0); /* a new object reads as zeros */
	p[0] = 0x1234;
	assert_int_equal(t_wait(t_fork(shm_posix_peer, NULL)), 0);
	assert_int_equal(p[512], 0x5678);
	/* The descriptor's read and write see the same bytes as the mappings. */
	assert_int_equal(pwrite(fd, &v, 8, 8), 8);
	assert_int_equal(p[1], 0xabcdef);

	/* A read-only descriptor maps read-only shared, or privately. */
	ro = shm_open(SHM_NAME, O_RDONLY, 0);
	assert_true(ro >= 0);
	assert_ptr_equal(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0), MAP_FAILED);
	assert_int_equal(errno, EACCES);
	assert_ptr_equal(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, ro, 1), MAP_FAILED);
	assert_int_equal(errno, EINVAL);
	{
		volatile uint64_t *q = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, ro, 0);
		volatile uint64_t *c = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);

		assert_ptr_not_equal(q, MAP_FAILED);
		assert_ptr_not_equal(c, MAP_FAILED);
		assert_int_equal(q[0], 0x1234);
		c[0] = 99; /* a private copy: the object does not change */
		assert_int_equal(p[0], 0x1234);
		assert_int_equal(munmap((void *)q, PAGE), 0);
		assert_int_equal(munmap((void *)c, PAGE), 0);
	}
	assert_int_equal(close(ro), 0);

	/* Unlink: the name goes, the memory stays while mapped or open. */
	assert_int_equal(shm_unlink(SHM_NAME), 0);
	assert_int_equal(shm_unlink(SHM_NAME), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(shm_open(SHM_NAME, O_RDWR, 0), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(p[0], 0x1234);
	assert_int_equal(munmap((void *)p, 2 * PAGE), 0);
	assert_int_equal(close(fd), 0);
	/* The last reference gone, so are its frames. */
	assert_int_equal(wait_frames(before), before);
}

/* Regular files map privately (a copy), /dev/zero as anonymous memory; the rest not at all. */
static void test_files_map_privately(void **state)
{
	const char text[] = "mapped from a ramfs file";
	char *p;
	int fd = open("/mapped-file", O_CREAT | O_TRUNC | O_RDWR, 0644), dir, zero;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, sizeof(text)), sizeof(text));
	p = mmap(NULL, 2 * PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
	assert_ptr_not_equal(p, MAP_FAILED);
	assert_string_equal(p, text);
	assert_int_equal(p[PAGE + 5], 0); /* past the end: zeros */
	assert_int_equal(munmap(p, 2 * PAGE), 0);
	assert_ptr_equal(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0), MAP_FAILED);
	assert_int_equal(errno, ENODEV);
	assert_int_equal(close(fd), 0);
	fd = open("/mapped-file", O_WRONLY);
	assert_ptr_equal(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 0), MAP_FAILED);
	assert_int_equal(errno, EACCES); /* not open for reading */
	assert_int_equal(close(fd), 0);
	assert_int_equal(unlink("/mapped-file"), 0);

	dir = open("/", O_RDONLY);
	assert_ptr_equal(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, dir, 0), MAP_FAILED);
	assert_int_equal(errno, ENODEV);
	assert_int_equal(close(dir), 0);

	zero = open("/dev/zero", O_RDWR);
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, zero, 0);
	assert_ptr_not_equal(p, MAP_FAILED);
	assert_int_equal(p[100], 0);
	p[100] = 1;
	assert_int_equal(munmap(p, PAGE), 0);
	assert_int_equal(close(zero), 0);
}

static void test_brk_and_sbrk_move_the_break(void **state)
{
	char *b0 = sbrk(0), *b1;

	assert_ptr_not_equal(b0, (void *)-1);
	assert_ptr_equal(sbrk(3 * PAGE), b0);
	b1 = sbrk(0);
	assert_ptr_equal(b1, b0 + 3 * PAGE);
	memset(b0, 7, 3 * PAGE);
	assert_int_equal(brk(b0 + PAGE), 0);
	assert_ptr_equal(sbrk(0), b0 + PAGE);
	assert_int_equal(b0[10], 7);
	assert_int_equal(brk((void *)(uintptr_t)(EXO_VM_BASE + MEM_BRK_MAX + PAGE)), -1);
	assert_int_equal(errno, ENOMEM);
	assert_int_equal(brk(b0), 0);
}

/*
 * Fork and exec. The boot has no process server: a thread of this program
 * registers "proc" and relays MEM_FORK requests (as many words as it is
 * given) to the memory server; label 0 ends it, and the name with it.
 */
static char helper_path[4096];

static void proc_relay(void *arg)
{
	exo_tid_t from, to = EXO_NILTHREAD;
	exo_msg_t m = { 0 };

	(void)arg;
	if (exo_register("proc") != EXO_OK)
		exo_thread_exit();
	for (;;) {
		uint32_t label;

		if (exo_reply_wait(to, &m, EXO_TIMEOUT_NEVER, &from, NULL) != EXO_OK) {
			to = EXO_NILTHREAD;
			continue;
		}
		to = from;
		label = exo_tag_label(m.tag);
		if (label == 0) {
			m.tag = exo_tag(0, 0, 0);
			exo_reply(to, &m);
			exo_thread_exit();
		}
		m.tag = exo_tag(label, exo_tag_untyped(m.tag), 0);
		if (exo_call(t_lookup(MEM_NAME), &m, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER) != EXO_OK)
			m.tag = exo_tag(0xffff, 0, 0);
		m.tag = exo_tag(exo_tag_label(m.tag), 0, 0);
	}
}

static exo_tid_t proc_start(void)
{
	exo_tid_t t;

	assert_int_equal(exo_thread_create(proc_relay, NULL, &t), EXO_OK);
	assert_int_equal(t_lookup("proc"), t);
	return t;
}

static void proc_stop(exo_tid_t proc)
{
	exo_msg_t m = { .tag = exo_tag(0, 0, 0) };
	exo_tid_t t = EXO_NILTHREAD;

	assert_int_equal(exo_call(proc, &m, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER), EXO_OK);
	for (int i = 0; i < 500 && exo_lookup("proc", &t, EXO_TIMEOUT_ZERO) == EXO_OK; i++)
		usleep(10000);
	assert_int_not_equal(exo_lookup("proc", &t, EXO_TIMEOUT_ZERO), EXO_OK);
}

/* MEM_FORK through the "proc" thread with `n` words; the reply's label. */
static uint32_t proc_fork(exo_tid_t proc, unsigned n, uint64_t parent, uint64_t child)
{
	exo_msg_t m = { .tag = exo_tag(MEM_FORK, n, 0), .mr = { parent, child } };

	assert_int_equal(exo_call(proc, &m, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER), EXO_OK);
	return exo_tag_label(m.tag);
}

/* A request to the helper registered as `name` (memfork.h); its answer. */
static uint64_t helper_at(const char *name, uint32_t label, uint64_t a, uint64_t b, uint64_t c)
{
	exo_msg_t m = { .tag = exo_tag(label, 3, 0), .mr = { a, b, c } };

	assert_int_equal(exo_call(t_lookup(name), &m, EXO_TIMEOUT_NEVER, exo_timeout_ms(30000)), EXO_OK);
	return m.mr[0];
}

static uint64_t helper(uint32_t label, uint64_t a, uint64_t b, uint64_t c)
{
	return helper_at(MEMFORK_NAME, label, a, b, c);
}

/* Start a helper registered as `name`; its space. */
static exo_space_t helper_spawn(const char *name)
{
	char *argv[] = { helper_path, (char *)name, NULL };
	exo_space_t space;

	assert_int_equal(exo_space_spawn(argv, &space), EXO_OK);
	t_lookup(name);
	return space;
}

static void fill(volatile unsigned char *p, uint64_t len, uint64_t seed)
{
	for (uint64_t i = 0; i < len; i++)
		p[i] = mf_pattern(seed, i);
}

/* 0 when bytes [from, to) of p are the pattern `seed` (indexed from p), else index + 1. */
static uint64_t check(const volatile unsigned char *p, uint64_t from, uint64_t to, uint64_t seed)
{
	for (uint64_t i = from; i < to; i++)
		if (p[i] != mf_pattern(seed, i))
			return i + 1;
	return 0;
}

#define FORK_SHM "/memfork-shm"

static void test_fork_gives_the_child_a_copy_on_write_copy(void **state)
{
	exo_tid_t proc = proc_start();
	uint64_t before = frames_used(), at_fork, word;
	volatile unsigned char *p, *untouched, *b0;
	volatile uint64_t *shared;
	exo_space_t child;
	exo_msg_t m;
	int fd;

	/* Private memory with a pattern, memory never touched, a shm object, the break. */
	p = mmap(NULL, 16 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	untouched = mmap(NULL, 8 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_ptr_not_equal(p, MAP_FAILED);
	assert_ptr_not_equal(untouched, MAP_FAILED);
	fill(p, 16 * PAGE, 1);
	shm_unlink(FORK_SHM);
	fd = shm_open(FORK_SHM, O_CREAT | O_EXCL | O_RDWR, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, PAGE), 0);
	shared = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	assert_ptr_not_equal(shared, MAP_FAILED);
	shared[0] = 0x1234;
	b0 = sbrk(0);
	assert_ptr_equal(sbrk(2 * PAGE), b0);
	fill(b0, 2 * PAGE, 3);

	child = helper_spawn(MEMFORK_NAME);
	at_fork = frames_used();
	assert_int_equal(proc_fork(proc, 4, exo_my_space(), child), 0);
	/* Copy-on-write: nothing is copied at fork, nor when the child reads. */
	assert_int_equal(frames_used(), at_fork);
	assert_int_equal(helper(MF_CHECK, (uintptr_t)p, 16 * PAGE, 1), 0);
	assert_int_equal(helper(MF_CHECK, (uintptr_t)b0, 2 * PAGE, 3), 0);
	assert_int_equal(helper(MF_BRK, 0, 0, 0), (uintptr_t)sbrk(0));
	assert_int_equal(frames_used(), at_fork);

	/* The parent writes after the fork: its page is copied, the child's stays. */
	memcpy(&word, (const void *)p, 8);
	p[0] ^= 0xff;
	assert_int_equal(frames_used(), at_fork + 1);
	assert_int_equal(helper(MF_WORD, (uintptr_t)p, 0, 0), word);
	/* The child writes: its pages are copied, the parent's stay. */
	assert_int_equal(helper(MF_FILL, (uintptr_t)(p + PAGE), 15 * PAGE, 2), 0);
	assert_int_equal(helper(MF_CHECK, (uintptr_t)(p + PAGE), 15 * PAGE, 2), 0);
	assert_int_equal(check(p, PAGE, 16 * PAGE, 1), 0);
	assert_int_equal(frames_used(), at_fork + 16);
	/* Never-touched memory is the child's own demand-zero memory. */
	assert_int_equal(helper(MF_WORD, (uintptr_t)untouched, 0, 0), 0);
	assert_int_equal(helper(MF_SET_WORD, (uintptr_t)untouched, 77, 0), 0);
	assert_int_equal(untouched[0], 0); /* the parent's own new page */
	assert_int_equal(frames_used(), at_fork + 18);

	/* Shared memory is the same object in both. */
	assert_int_equal(helper(MF_WORD, (uintptr_t)shared, 0, 0), 0x1234);
	assert_int_equal(helper(MF_SET_WORD, (uintptr_t)shared, 0x5678, 0), 0);
	assert_int_equal(shared[0], 0x5678);

	/* Only "proc" may fork; a child with regions, bad spaces, short requests are refused. */
	assert_int_equal(helper(MF_FORK, child, exo_my_space(), 0), XE_EPERM);
	assert_int_equal(mem_call(MEM_FORK, 4, (uint64_t[]){ exo_my_space(), child, 0, 0 }, &m), XE_EPERM);
	assert_int_equal(proc_fork(proc, 4, exo_my_space(), child), XE_EBUSY);
	assert_int_equal(proc_fork(proc, 4, exo_my_space(), exo_my_space()), XE_EINVAL);
	assert_int_equal(proc_fork(proc, 4, 0, child), XE_EINVAL);
	assert_int_equal(proc_fork(proc, 4, exo_my_space(), 0), XE_EINVAL);
	assert_int_equal(proc_fork(proc, 4, exo_my_space(), 1ull << 40), XE_EINVAL);
	assert_int_equal(proc_fork(proc, 2, exo_my_space(), child), XE_EINVAL); /* not the declared 4 words */
	/* A parent the server does not know gives an empty child. */
	assert_int_equal(proc_fork(proc, 4, 0x7ffffff0, 0x7ffffff1), 0);

	/* The child ends: every frame it got is free again (the parent keeps one new page). */
	helper(MF_EXIT, 0, 0, 0);
	assert_int_equal(wait_frames(at_fork + 1), at_fork + 1);
	/* The parent's pages are its own again: readable, writable, unchanged. */
	assert_int_equal(check(b0, 0, 2 * PAGE, 3), 0);
	b0[0] ^= 0xff;
	assert_int_equal(check(p, PAGE, 16 * PAGE, 1), 0);
	fill(p, 16 * PAGE, 4);
	assert_int_equal(frames_used(), at_fork + 1);

	assert_int_equal(munmap((void *)p, 16 * PAGE), 0);
	assert_int_equal(munmap((void *)untouched, 8 * PAGE), 0);
	assert_int_equal(munmap((void *)shared, PAGE), 0);
	assert_int_equal(close(fd), 0);
	assert_int_equal(shm_unlink(FORK_SHM), 0);
	assert_int_equal(brk((void *)b0), 0);
	assert_int_equal(wait_frames(before), before);
	/* With "proc" gone, nobody may fork. */
	proc_stop(proc);
	assert_int_equal(mem_call(MEM_FORK, 4, (uint64_t[]){ exo_my_space(), child, 0, 0 }, &m), XE_EPERM);
}

/* Three owners of one frame: the parent, its child, the child's child. */
static void test_fork_of_a_fork_and_unmap_keep_frame_counts_exact(void **state)
{
	exo_tid_t proc = proc_start();
	uint64_t before = frames_used(), at_fork;
	volatile unsigned char *p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	exo_space_t a, b;

	assert_ptr_not_equal(p, MAP_FAILED);
	fill(p, 4 * PAGE, 5);
	a = helper_spawn("memfork-a");
	b = helper_spawn("memfork-b");
	at_fork = frames_used();
	assert_int_equal(proc_fork(proc, 4, exo_my_space(), a), 0);
	assert_int_equal(proc_fork(proc, 4, a, b), 0);
	assert_int_equal(helper_at("memfork-b", MF_CHECK, (uintptr_t)p, 4 * PAGE, 5), 0);
	assert_int_equal(helper_at("memfork-a", MF_CHECK, (uintptr_t)p, 4 * PAGE, 5), 0);
	assert_int_equal(frames_used(), at_fork);
	/* The parent lets go: the frames stay with the other two, who fault them in again. */
	assert_int_equal(munmap((void *)p, 4 * PAGE), 0);
	assert_int_equal(frames_used(), at_fork);
	assert_int_equal(helper_at("memfork-a", MF_FILL, (uintptr_t)p, PAGE, 6), 0);
	assert_int_equal(frames_used(), at_fork + 1);
	assert_int_equal(helper_at("memfork-b", MF_CHECK, (uintptr_t)p, 4 * PAGE, 5), 0);
	assert_int_equal(helper_at("memfork-a", MF_CHECK, (uintptr_t)p, PAGE, 6), 0);
	/* A ends; B owns every frame alone and writes without copies. */
	helper_at("memfork-a", MF_EXIT, 0, 0, 0);
	assert_int_equal(wait_frames(at_fork), at_fork);
	assert_int_equal(helper_at("memfork-b", MF_FILL, (uintptr_t)p, 4 * PAGE, 7), 0);
	assert_int_equal(helper_at("memfork-b", MF_CHECK, (uintptr_t)p, 4 * PAGE, 7), 0);
	assert_int_equal(frames_used(), at_fork);
	helper_at("memfork-b", MF_EXIT, 0, 0, 0);
	assert_int_equal(wait_frames(before), before);
	proc_stop(proc);
}

#define EXEC_HINT (EXO_VM_BASE + 44ull * 1024 * 1024 * 1024)

/* In a space of its own: build a layout, drop it with MEM_EXEC, start again. */
static int exec_space(void *arg)
{
	volatile char *p = mmap((void *)(uintptr_t)EXEC_HINT, 8 * PAGE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), *s, *q, *b;
	uint64_t used;
	exo_msg_t m;

	(void)arg;
	s = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	b = sbrk(PAGE);
	if (p != (void *)(uintptr_t)EXEC_HINT || s == MAP_FAILED || b == (void *)-1)
		return 1;
	for (int i = 0; i < 8; i++)
		p[i * PAGE] = 1;
	s[0] = 1;
	b[0] = 1;
	used = frames_used();
	if (mem_call(MEM_EXEC, 0, NULL, &m) != 0)
		return 2;
	/* Its 8 + 1 private frames and the shared object's frame are free. */
	if (frames_used() != used - 10)
		return 3;
	if (mem_call(MEM_STATS, 0, NULL, &m) != 0 || m.mr[2] != 0)
		return 4;
	if (mem_call(MEM_BRK, 1, (uint64_t[]){ 0 }, &m) != 0 || m.mr[0] != EXO_VM_BASE)
		return 5;
	/* The space goes on from an empty layout. */
	q = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (q == MAP_FAILED || q[0] != 0)
		return 6;
	q[0] = 5;
	if (q[0] != 5 || sbrk(PAGE) != (void *)(uintptr_t)EXO_VM_BASE)
		return 7;
	return p[0] ? 8 : 9; /* the old layout is gone: SIGSEGV */
}

static void test_exec_releases_the_layout_and_the_space_goes_on(void **state)
{
	uint64_t before = frames_used();

	assert_int_equal(t_wait(t_fork(exec_space, NULL)), 128 + SIGSEGV);
	assert_int_equal(wait_frames(before), before);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_demand_zero_pages_read_as_zero),
		cmocka_unit_test(test_writes_survive_unmap_of_another_region),
		cmocka_unit_test(test_write_to_read_only_mapping_faults_and_system_survives),
		cmocka_unit_test(test_touching_unmapped_memory_faults),
		cmocka_unit_test(test_two_spaces_sharing_memory_see_each_others_writes),
		cmocka_unit_test(test_unmap_revokes_recursively_across_three_spaces),
		cmocka_unit_test(test_grant_leaves_the_sender_without_access),
		cmocka_unit_test(test_malformed_map_items_are_refused),
		cmocka_unit_test(test_forged_fault_messages_are_refused),
		cmocka_unit_test(test_memory_limit_gives_enomem_to_that_space_alone),
		cmocka_unit_test(test_space_killed_mid_fault_leaks_no_pages),
		cmocka_unit_test(test_mmap_family_errors),
		cmocka_unit_test(test_fixed_and_hinted_mappings),
		cmocka_unit_test(test_brk_and_sbrk_move_the_break),
		cmocka_unit_test(test_shared_objects_are_only_for_their_holders),
		cmocka_unit_test(test_shm_open_maps_one_object_in_two_spaces),
		cmocka_unit_test(test_files_map_privately),
		cmocka_unit_test(test_fork_gives_the_child_a_copy_on_write_copy),
		cmocka_unit_test(test_fork_of_a_fork_and_unmap_keep_frame_counts_exact),
		cmocka_unit_test(test_exec_releases_the_layout_and_the_space_goes_on),
	};
	const char *slash = strrchr(argv[0], '/');

	exo_init_args(&argc, argv);
	/* The helper program is built next to this one. */
	snprintf(helper_path, sizeof(helper_path), "%.*smemfork_child", slash ? (int)(slash - argv[0] + 1) : 0,
		 argv[0]);
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
