/*
 * hw/riscv64/kernel/thread.c — the thread table, spaces, the run queue and
 * the clock.
 *
 * Thread ids come from a slot table as on the sim (sim/kernel/thread.c): the
 * slot is the thread number and its version changes at each reuse, so a
 * stale id finds nothing. A space lives while it has threads; its end
 * (k_space_end) takes its memory, its mappings in other spaces, and tells
 * the watchers. The run queue holds the runnable threads other than the
 * current one, oldest first.
 */
#include <string.h>

#include <exo/signal.h>

#include "kernel.h"

uint64_t k_now(void)
{
	uint64_t t = k_ticks(), tb = K.timebase;

	return t / tb * 1000000000ull + t % tb * 1000000000ull / tb;
}

void k_entropy(void *buf, size_t n)
{
	/* No random device on the board yet: a xorshift stirred by the timer. */
	uint8_t *p = buf;

	K.rand ^= k_ticks() * 0x9e3779b97f4a7c15ull;
	for (size_t i = 0; i < n; i++) {
		K.rand ^= K.rand << 13;
		K.rand ^= K.rand >> 7;
		K.rand ^= K.rand << 17;
		p[i] = (uint8_t)(K.rand >> 24);
	}
}

static bool slots_grow(void)
{
	uint32_t n = K.nslots ? K.nslots * 2 : 64;
	struct kthread **s;
	uint16_t *v;

	if (n > EXO_TID_NUMBER_MAX + 1)
		n = EXO_TID_NUMBER_MAX + 1;
	if (n <= K.nslots)
		return false;
	s = k_alloc(n * sizeof(*s));
	v = k_alloc(n * sizeof(*v));
	if (!s || !v) {
		k_free(s, n * sizeof(*s));
		k_free(v, n * sizeof(*v));
		return false;
	}
	if (K.nslots) {
		memcpy(s, K.slots, K.nslots * sizeof(*s));
		memcpy(v, K.versions, K.nslots * sizeof(*v));
		k_free(K.slots, K.nslots * sizeof(*s));
		k_free(K.versions, K.nslots * sizeof(*v));
	}
	K.slots = s;
	K.versions = v;
	K.nslots = n;
	return true;
}

static uint32_t slot_free(void)
{
	for (uint32_t i = 1; i < K.nslots; i++)
		if (!K.slots[i])
			return i;
	return 0;
}

struct kthread *k_thread_new(struct kspace *s, uint64_t pc, uint64_t sp, uint64_t arg, uint64_t tp)
{
	uint32_t num = slot_free();
	struct kthread *t;
	uint16_t v;

	if (!num) {
		uint32_t old = K.nslots;

		if (!slots_grow())
			return NULL;
		num = old ? old : 1;
	}
	t = k_alloc(sizeof(*t));
	if (!t)
		return NULL;
	v = (uint16_t)((K.versions[num] + 1) & EXO_TID_VERSION_MASK);
	if (!v)
		v = 1;
	K.versions[num] = v;
	K.slots[num] = t;
	K.nthreads++;
	ipc_thread_init(&t->ipc, exo_tid_make(num, v), t);
	t->space = s;
	t->f.sepc = pc;
	t->f.regs[R_SP] = sp;
	t->f.regs[R_A0] = arg;
	t->f.regs[R_TP] = tp;
	t->snext = s->threads;
	if (s->threads)
		s->threads->sprev = t;
	s->threads = t;
	s->nthreads++;
	k_ready(t);
	return t;
}

static void runq_push(struct kthread *t)
{
	unsigned p = k_prio(t->space);

	t->rq_prio = (uint8_t)p;
	t->rnext = NULL;
	if (K.runq_tail[p])
		K.runq_tail[p]->rnext = t;
	else
		K.runq[p] = t;
	K.runq_tail[p] = t;
	K.runq_bits[p / 64] |= 1ull << (p % 64);
}

void k_ready(struct kthread *t)
{
	if (t->runnable || t->dead)
		return;
	if (t->space->stopped) {
		t->stop_held = true; /* it runs when the space continues */
		return;
	}
	t->runnable = true;
	if (t == K.current)
		return;
	runq_push(t);
}

static void runq_remove(struct kthread *t)
{
	unsigned p = t->rq_prio;
	struct kthread **pp = &K.runq[p], *prev = NULL;

	while (*pp && *pp != t) {
		prev = *pp;
		pp = &(*pp)->rnext;
	}
	if (!*pp)
		return;
	*pp = t->rnext;
	if (K.runq_tail[p] == t)
		K.runq_tail[p] = prev;
	if (!K.runq[p])
		K.runq_bits[p / 64] &= ~(1ull << (p % 64));
	t->rnext = NULL;
}

void k_block(struct kthread *t)
{
	if (t->runnable && t != K.current)
		runq_remove(t);
	t->runnable = false;
}

/* A space's new scheduling: its waiting threads move to their new queue. */
void k_sched_requeue(struct kspace *s)
{
	for (struct kthread *t = s->threads; t; t = t->snext)
		if (t->runnable && t != K.current) {
			runq_remove(t);
			runq_push(t);
		}
}

void k_thread_die(struct kthread *t)
{
	struct kspace *s = t->space;
	struct knote *n;

	if (t->dead)
		return;
	t->dead = true;
	k_block(t);
	ipc_thread_exit(&K.ipc, &t->ipc);
	k_names_drop(t);
	k_lookup_cancel(t);
	k_sig_unwait(t);
	k_futex_cancel(t);
	k_irq_thread_gone(t);
	while ((n = t->notes) != NULL) {
		t->notes = n->next;
		k_free(n, sizeof(*n));
	}
	if (t->sprev)
		t->sprev->snext = t->snext;
	else
		s->threads = t->snext;
	if (t->snext)
		t->snext->sprev = t->sprev;
	s->nthreads--;
	s->user_ticks += t->user_ticks;
	s->sys_ticks += t->sys_ticks;
	K.slots[exo_tid_number(t->ipc.tid)] = NULL;
	K.nthreads--;
	if (K.current == t)
		K.current = NULL;
	k_free(t, sizeof(*t));
	if (s->nthreads == 0)
		k_space_end(s, s->wstatus);
}

struct kspace *k_space_new(const char *label)
{
	struct kspace *s = k_alloc(sizeof(*s));

	if (!s)
		return NULL;
	s->pt = k_pt_new();
	if (!s->pt) {
		k_free(s, sizeof(*s));
		return NULL;
	}
	s->id = ++K.next_space;
	strncpy(s->label, label, sizeof(s->label) - 1);
	s->wstatus = EXO_W_UNKNOWN;
	k_mem_space_init(s);
	s->next = K.spaces;
	if (K.spaces)
		K.spaces->prev = s;
	K.spaces = s;
	K.nspaces++;
	return s;
}

struct kspace *k_space_find(exo_space_t id)
{
	for (struct kspace *s = K.spaces; s; s = s->next)
		if (s->id == id && !s->ending)
			return s;
	return NULL;
}

static uint64_t ticks_ns(uint64_t t)
{
	return t / K.timebase * 1000000000ull + t % K.timebase * 1000000000ull / K.timebase;
}

void k_space_end(struct kspace *s, uint32_t wstatus)
{
	uint64_t w[4];
	exo_tid_t pager = K.default_pager;

	if (s->ending)
		return;
	s->ending = true;
	s->wstatus = wstatus;
	while (s->threads)
		k_thread_die(s->threads);
	k_mem_space_fini(s);
	k_kpages_free(s);
	k_vm_switch(NULL); /* its table goes now; the next thread switches again */
	k_pt_free(s->pt);
	s->pt = NULL;
	if (s->prev)
		s->prev->next = s->next;
	else
		K.spaces = s->next;
	if (s->next)
		s->next->prev = s->prev;
	K.nspaces--;
	w[0] = s->id;
	w[1] = wstatus;
	w[2] = ticks_ns(s->user_ticks);
	w[3] = ticks_ns(s->sys_ticks);
	for (unsigned i = 0; i < K.nwatchers; i++) {
		struct kthread *t = k_thread_get(K.watchers[i]);

		if (t && t->ipc.tid != pager)
			k_notify_words(t, EXO_LABEL_SPACE_EXIT, w, 4);
	}
	if (pager != EXO_NILTHREAD && k_thread_get(pager) && !s->sigma0)
		k_notify_words(k_thread_get(pager), EXO_LABEL_SPACE_EXIT, w, 4);
	k_boot_space_ended(s);
	k_free(s, sizeof(*s));
}

/* The highest set bit of x (not 0), without libgcc's __clzdi2 (no Zbb here). */
int k_top_bit(uint64_t x)
{
	int n = 0;

	for (int shift = 32; shift > 0; shift >>= 1)
		if (x >> shift) {
			n += shift;
			x >>= shift;
		}
	return n;
}

/*
 * The next thread: the oldest of the highest priority. The current one goes
 * on while nothing of a higher priority waits and, unless it is FIFO, its
 * slice lasts; a slice's end puts it behind the others of its priority.
 */
struct kthread *k_pick(void)
{
	struct kthread *c = K.current, *t;
	int hp = k_highest_waiting();
	bool yielding = K.yielding;

	K.yielding = false;
	if (c && c->runnable) {
		int cp = (int)k_prio(c->space);
		bool fifo = c->space->sched_policy == EXO_SCHED_FIFO;

		if (hp < cp || (hp == cp && !yielding && (fifo || k_ticks() < K.slice_end))) {
			if (k_ticks() >= K.slice_end) /* it goes on: a new slice, or the timer fires at once */
				K.slice_end = k_ticks() + k_slice(c->space);
			return c;
		}
		if (hp < 0) {
			K.slice_end = k_ticks() + k_slice(c->space);
			return c;
		}
		runq_push(c); /* behind its priority's others */
		hp = k_highest_waiting();
	}
	if (hp < 0)
		return NULL;
	t = K.runq[hp];
	K.runq[hp] = t->rnext;
	if (!K.runq[hp]) {
		K.runq_tail[hp] = NULL;
		K.runq_bits[hp / 64] &= ~(1ull << (hp % 64));
	}
	t->rnext = NULL;
	K.slice_end = k_ticks() + k_slice(t->space);
	return t;
}
