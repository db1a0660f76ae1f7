/*
 * sim/kernel/thread.c — exosim's thread table and spaces.
 *
 * Thread ids come from a slot table: the slot number is the thread number and
 * each slot keeps a version that changes whenever the slot is reused, so a
 * stale id finds nothing (k_thread_get returns NULL). A space is one host
 * process, found by the peer pid of its channels; it lives while it has
 * threads or, when exosim spawned it, until the host process is reaped.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <exo/signal.h>

#include "kernel.h"

uint64_t k_now(struct ksim *k)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec - k->boot_ns;
}

void k_entropy(void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = getrandom(p, len, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* No host randomness: the clock at least varies; say so once. */
			static int warned;
			struct timespec ts;

			if (!warned++)
				fprintf(stderr, "exosim: getrandom failed; entropy is the clock only\n");
			clock_gettime(CLOCK_MONOTONIC, &ts);
			for (size_t i = 0; i < len; i++)
				p[i] = (uint8_t)(ts.tv_nsec >> (8 * (i % 4)));
			return;
		}
		p += n;
		len -= (size_t)n;
	}
}

void *k_alloc(struct ksim *k, size_t n)
{
	void *p = calloc(1, n);

	if (p)
		k->kernel_bytes += n;
	return p;
}

void k_free(struct ksim *k, void *p, size_t n)
{
	if (!p)
		return;
	k->kernel_bytes -= n;
	free(p);
}

static uint32_t slot_find_free(struct ksim *k)
{
	for (uint32_t i = 1; i < k->nslots; i++)
		if (!k->slots[i])
			return i;
	return 0;
}

static bool slots_grow(struct ksim *k)
{
	uint32_t n = k->nslots ? k->nslots * 2 : 64;
	struct kthread **s;
	uint16_t *v;

	if (n > EXO_TID_NUMBER_MAX + 1)
		n = EXO_TID_NUMBER_MAX + 1;
	if (n <= k->nslots)
		return false;
	s = realloc(k->slots, n * sizeof(*s));
	if (!s)
		return false;
	k->slots = s;
	v = realloc(k->versions, n * sizeof(*v));
	if (!v)
		return false;
	k->versions = v;
	memset(s + k->nslots, 0, (n - k->nslots) * sizeof(*s));
	memset(v + k->nslots, 0, (n - k->nslots) * sizeof(*v));
	k->nslots = n;
	return true;
}

struct kthread *k_thread_new(struct ksim *k, struct kspace *s)
{
	uint32_t num = k->nthreads + 1 < k->nslots ? slot_find_free(k) : 0;
	struct kthread *t;
	uint16_t v;

	if (!num) {
		uint32_t old = k->nslots;

		if (!slots_grow(k))
			return NULL;
		num = old ? old : 1;
	}
	t = k_alloc(k, sizeof(*t));
	if (!t)
		return NULL;
	v = (uint16_t)((k->versions[num] + 1) & EXO_TID_VERSION_MASK);
	if (v == 0)
		v = 1;
	k->versions[num] = v;
	ipc_thread_init(&t->ipc, exo_tid_make(num, v), t);
	t->space = s;
	t->snext = s->threads;
	if (s->threads)
		s->threads->sprev = t;
	s->threads = t;
	s->nthreads++;
	k->slots[num] = t;
	k->nthreads++;
	if (k->trace)
		k_trace_thread(k, t, true);
	return t;
}

struct kthread *k_thread_get(struct ksim *k, exo_tid_t tid)
{
	uint32_t num = exo_tid_number(tid);
	struct kthread *t;

	if (num == 0 || num >= k->nslots)
		return NULL;
	t = k->slots[num];
	return t && t->ipc.tid == tid ? t : NULL;
}

void k_thread_free(struct ksim *k, struct kthread *t)
{
	struct kspace *s = t->space;

	if (t->sprev)
		t->sprev->snext = t->snext;
	else
		s->threads = t->snext;
	if (t->snext)
		t->snext->sprev = t->sprev;
	s->nthreads--;
	k->slots[exo_tid_number(t->ipc.tid)] = NULL;
	k->nthreads--;
	k_free(k, t, sizeof(*t));
	k_space_maybe_free(k, s);
}

/* A thread ends: its channel closed, its slot never started, or its space died. */
void k_thread_die(struct ksim *k, struct kthread *t)
{
	kdebug(k, "thread %x of space %u (%s) ends", t->ipc.tid, t->space->id, t->space->label);
	if (k->trace)
		k_trace_thread(k, t, false);
	if (t->wait == KWAIT_LOOKUP)
		k_lookup_cancel(k, t);
	ipc_thread_exit(&k->ipc, &t->ipc);
	k_msg_free(k, t->ipc.msg);
	t->ipc.msg = NULL;
	k_names_drop(k, t);
	k_mem_thread_gone(k, t);
	if (t->chan)
		t->chan->thread = NULL;
	k_thread_free(k, t);
}

static void read_comm(pid_t pid, char *label, size_t n)
{
	char path[64];
	FILE *f;

	snprintf(label, n, "pid%d", (int)pid);
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return;
	if (fgets(label, (int)n, f))
		label[strcspn(label, "\n")] = 0;
	fclose(f);
}

struct kspace *k_space_new(struct ksim *k, pid_t pid, const char *label)
{
	struct kspace *s = k_alloc(k, sizeof(*s));

	if (!s)
		return NULL;
	s->id = ++k->next_space;
	s->pid = pid;
	s->wstatus = EXO_W_UNKNOWN;
	if (label)
		snprintf(s->label, sizeof(s->label), "%s", label);
	else
		read_comm(pid, s->label, sizeof(s->label));
	k_mem_space_init(k, s);
	s->next = k->spaces;
	if (k->spaces)
		k->spaces->prev = s;
	k->spaces = s;
	k->nspaces++;
	kdebug(k, "space %u (%s) for pid %d", s->id, s->label, (int)pid);
	if (k->trace)
		k_trace_space(k, s, true);
	return s;
}

/* The space that owns physical memory: there is one, chosen by the boot list. */
void k_space_make_sigma0(struct ksim *k, struct kspace *s)
{
	for (struct kspace *p = k->spaces; p; p = p->next)
		if (p->sigma0)
			return;
	mdb_space_destroy(&k->mdb, &s->mdb);
	s->sigma0 = true;
	k_mem_space_init(k, s);
}

struct kspace *k_space_find(struct ksim *k, exo_space_t id)
{
	for (struct kspace *s = k->spaces; s; s = s->next)
		if (s->id == id)
			return s;
	return NULL;
}

struct kspace *k_space_for_pid(struct ksim *k, pid_t pid, bool create)
{
	for (struct kspace *s = k->spaces; s; s = s->next)
		if (s->pid == pid && !s->reaped)
			return s;
	return create ? k_space_new(k, pid, NULL) : NULL;
}

void k_space_maybe_free(struct ksim *k, struct kspace *s)
{
	if (s->nthreads > 0 || (s->spawned && !s->reaped))
		return;
	kdebug(k, "space %u (%s) ends", s->id, s->label);
	if (k->trace)
		k_trace_space(k, s, false);
	k_mem_space_fini(k, s);
	if (s->prev)
		s->prev->next = s->next;
	else
		k->spaces = s->next;
	if (s->next)
		s->next->prev = s->prev;
	k->nspaces--;
	k_free(k, s, sizeof(*s));
}
