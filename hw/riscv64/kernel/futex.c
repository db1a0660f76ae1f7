/*
 * hw/riscv64/kernel/futex.c — waiting on a word of memory (exo/futex.h):
 * the blocking half of libposix's mutexes, condition variables and joins.
 * The sim's counterpart is sim/lib/futex.c (the host's futex).
 *
 * A word is keyed by its physical address, found through the caller's page
 * table, so two spaces that share a page share its words. A word whose page
 * is not mapped yet (or is mapped read-only: a copy-on-write page after a
 * fork, which would change frames at its first write) is brought in as a
 * fault would bring it: the caller's pager is called for a write, the ecall
 * is made again once it answers, and a refusal is no crash but a retry for
 * a read, then EXO_EINVAL (kthread.futex_tries, counted by trap.c). A word
 * outside the user range, misaligned, or not in RAM is EXO_EINVAL at once;
 * the kernel reads the word only through a page the table maps readable.
 *
 * Waiters sit in K.futex_head[hash of the key], oldest first, with
 * wait == KWAIT_FUTEX; a wake takes the oldest of its key. A wait ends by
 * a wake (EXO_OK), its deadline (k_futex_timers: EXO_ETIMEOUT), a caught
 * signal (signal.c's interrupt: EXO_ECANCELED), or the thread's end
 * (k_thread_die calls k_futex_cancel): a thread is on a queue exactly while
 * its wait is KWAIT_FUTEX.
 */
#include "kernel.h"

enum key { KEY_OK, KEY_BAD, KEY_FAULT };

static unsigned bucket(uint64_t key)
{
	return (unsigned)((key >> 2) ^ (key >> 12)) % K_FUTEX_BUCKETS;
}

/*
 * The page of va is not there as needed: call the pager for it (or, for the
 * program's bss and heap, let k_fault give the zeroed page), and make the
 * call again when it is. false: nobody can bring it.
 */
static bool fault_in(struct kthread *t, uint64_t va, unsigned access)
{
	struct kspace *s = t->space;

	if (va >= s->zero_lo && va < s->zero_hi && !k_pt_walk(s->pt, va & ~4095ull)) {
		t->f.sepc -= 4; /* again, after the page is there (k_fault maps it, or ends the space) */
		k_fault(t, va, access);
		return true;
	}
	if (!k_pager_of(s))
		return false;
	t->f.sepc -= 4;
	k_pager_call(t, EXO_LABEL_PAGEFAULT, va, access, t->f.sepc);
	t->fault_soft = true;
	return true;
}

/* The key of t's word at uva in *key, or why not (KEY_FAULT: the call is made again later). */
static enum key word_key(struct kthread *t, uint64_t uva, uint64_t *key)
{
	struct kspace *s = t->space;
	unsigned tries = t->futex_tries;
	uint64_t *e, pa;

	t->futex_tries = 0;
	if ((uva & 3) || uva < RV_USER_BASE || uva >= RV_USER_END)
		return KEY_BAD;
	e = k_pt_walk(s->pt, uva & ~4095ull);
	if (e && (*e & (PTE_U | PTE_R)) == (PTE_U | PTE_R)) {
		if (!(*e & PTE_W) && tries == 0 && k_pager_of(s))
			return fault_in(t, uva, EXO_W) ? KEY_FAULT : KEY_BAD; /* a refusal: tries 1, read-only will do */
		pa = ((*e >> 10) << 12) | (uva & 4095);
		if (pa < K.ram_base || pa - K.ram_base >= K.ram_size)
			return KEY_BAD; /* device registers: not read by the kernel */
		*key = pa;
		return KEY_OK;
	}
	if (tries >= 2)
		return KEY_BAD;
	t->futex_tries = (uint8_t)tries; /* a refusal adds one (trap.c); a mapping ends in the walk above */
	if (fault_in(t, uva, tries == 0 ? EXO_W : EXO_R))
		return KEY_FAULT; /* t may be gone (k_fault ended its space): not touched again */
	t->futex_tries = 0;
	return KEY_BAD;
}

static void unlink_waiter(struct kthread *t)
{
	unsigned b = bucket(t->futex_key);

	if (t->fprev)
		t->fprev->fnext = t->fnext;
	else
		K.futex_head[b] = t->fnext;
	if (t->fnext)
		t->fnext->fprev = t->fprev;
	else
		K.futex_tail[b] = t->fprev;
	t->fnext = t->fprev = NULL;
	if (t->futex_deadline != IPC_NEVER)
		K.futex_timed--;
	t->wait = KWAIT_NONE;
}

/* t's wait ends with err: off its queue, the result in its registers, runnable. */
static void end_wait(struct kthread *t, exo_err err)
{
	unlink_waiter(t);
	t->f.regs[R_A0] = (uint64_t)err;
	k_ready(t);
}

/* t's word at uva as its key in *key: false when the call is answered (EXO_EINVAL) or made again later. */
static bool keyed(struct kthread *t, uint64_t uva, uint64_t *key)
{
	switch (word_key(t, uva, key)) {
	case KEY_OK:
		return true;
	case KEY_BAD:
		t->f.regs[R_A0] = EXO_EINVAL;
		return false;
	case KEY_FAULT:
		break;
	}
	return false;
}

void k_futex_wait(struct kthread *t, uint64_t uva, uint32_t expected, exo_timeout_t timeout)
{
	uint64_t key = 0;
	unsigned b;

	if (!keyed(t, uva, &key))
		return;
	if (__atomic_load_n((const uint32_t *)(uintptr_t)key, __ATOMIC_SEQ_CST) != expected) {
		t->f.regs[R_A0] = EXO_OK; /* changed already: the caller reads it again */
		return;
	}
	if (timeout == EXO_TIMEOUT_ZERO) {
		t->f.regs[R_A0] = EXO_ETIMEOUT;
		return;
	}
	t->wait = KWAIT_FUTEX;
	t->futex_key = key;
	t->futex_deadline = ipc_deadline(timeout, k_now());
	if (t->futex_deadline != IPC_NEVER)
		K.futex_timed++;
	b = bucket(key);
	t->fnext = NULL;
	t->fprev = K.futex_tail[b];
	if (K.futex_tail[b])
		K.futex_tail[b]->fnext = t;
	else
		K.futex_head[b] = t;
	K.futex_tail[b] = t;
	k_block(t);
}

void k_futex_wake(struct kthread *t, uint64_t uva, uint32_t n)
{
	uint64_t key = 0;
	uint32_t woken = 0;
	struct kthread *w, *next;

	if (!keyed(t, uva, &key))
		return;
	for (w = K.futex_head[bucket(key)]; w && woken < n; w = next) {
		next = w->fnext;
		if (w->futex_key == key) {
			end_wait(w, EXO_OK);
			woken++;
		}
	}
	t->f.regs[R_A0] = EXO_OK;
	t->f.regs[R_A1] = woken;
}

void k_futex_cancel(struct kthread *t)
{
	if (t->wait == KWAIT_FUTEX)
		unlink_waiter(t);
}

void k_futex_timers(uint64_t now)
{
	if (!K.futex_timed)
		return;
	for (unsigned b = 0; b < K_FUTEX_BUCKETS; b++) {
		struct kthread *w = K.futex_head[b], *next;

		for (; w; w = next) {
			next = w->fnext;
			if (w->futex_deadline <= now)
				end_wait(w, EXO_ETIMEOUT);
		}
	}
}

uint64_t k_futex_next_deadline(void)
{
	uint64_t d = IPC_NEVER;

	if (!K.futex_timed)
		return d;
	for (unsigned b = 0; b < K_FUTEX_BUCKETS; b++)
		for (struct kthread *w = K.futex_head[b]; w; w = w->fnext)
			if (w->futex_deadline < d)
				d = w->futex_deadline;
	return d;
}
