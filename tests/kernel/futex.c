/*
 * tests/kernel/futex.c — waiting on a word of memory (exo/futex.h), on any
 * kernel: only libexo and ISO C, so the same program runs on exosim and on
 * the riscv64 kernel under QEMU. Threads of one space: a wait that finds
 * the word changed, timeouts, wakes counted exactly (the word is left as
 * it is, so only a wake can end a wait), and a lock made of a word that
 * four threads contend for.
 */
#include <stdint.h>
#include <stdio.h>

#include <exo/exo.h>
#include <exo/futex.h>

#include "tap.h"

#define DONE(p) __atomic_load_n((p), __ATOMIC_SEQ_CST)

static uint32_t word;
static volatile uint32_t started, finished;
static exo_err results[8];

/* A pause of ms milliseconds on a word nobody wakes. */
static void pause_ms(unsigned ms)
{
	static uint32_t never;

	exo_futex_wait(&never, 0, exo_timeout_ms(ms));
}

static void waiter(void *arg)
{
	unsigned i = (unsigned)(uintptr_t)arg;

	__atomic_add_fetch(&started, 1, __ATOMIC_SEQ_CST);
	results[i] = exo_futex_wait(&word, 0, EXO_TIMEOUT_NEVER);
	__atomic_add_fetch(&finished, 1, __ATOMIC_SEQ_CST);
	exo_thread_exit();
}

/* Wake n at a time until `count` waiters have finished; the sum of what each wake says. */
static uint32_t wake_until(uint32_t n, uint32_t count, uint32_t *most)
{
	uint32_t total = 0, woken;

	*most = 0;
	for (int i = 0; i < 20000 && DONE(&finished) < count; i++) {
		if (exo_futex_wake(&word, n, &woken) != EXO_OK)
			return UINT32_MAX;
		total += woken;
		if (woken > *most)
			*most = woken;
		pause_ms(2);
	}
	pause_ms(20); /* a wake counted for a thread that has not finished yet */
	return total;
}

/* The lock: 0 free, 1 held, 2 held with waiters (Drepper's "futexes are tricky", mutex 2). */
static uint32_t lock;
static uint64_t counter;

static void lock_take(void)
{
	uint32_t c = 0;

	if (__atomic_compare_exchange_n(&lock, &c, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return;
	if (c != 2)
		c = __atomic_exchange_n(&lock, 2, __ATOMIC_ACQUIRE);
	while (c != 0) {
		exo_futex_wait(&lock, 2, EXO_TIMEOUT_NEVER);
		c = __atomic_exchange_n(&lock, 2, __ATOMIC_ACQUIRE);
	}
}

static void lock_give(void)
{
	if (__atomic_fetch_sub(&lock, 1, __ATOMIC_RELEASE) != 1) {
		__atomic_store_n(&lock, 0, __ATOMIC_RELEASE);
		exo_futex_wake(&lock, 1, NULL);
	}
}

#define ROUNDS 20000

static void incrementer(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		lock_take();
		counter++;
		lock_give();
	}
	__atomic_add_fetch(&finished, 1, __ATOMIC_SEQ_CST);
	exo_thread_exit();
}

int main(void)
{
	static uint32_t aligned[2];
	uint32_t woken = 7, most, total;
	uint64_t t0, t1;
	exo_tid_t tid;

	/* Bad words. */
	T_EQ(exo_futex_wait(NULL, 0, EXO_TIMEOUT_ZERO), EXO_EINVAL, "wait on NULL: EINVAL");
	T_EQ(exo_futex_wait((const uint32_t *)((char *)aligned + 1), 0, exo_timeout_ms(1)), EXO_EINVAL,
	     "wait on a misaligned word: EINVAL");
	T_EQ(exo_futex_wake((const uint32_t *)((char *)aligned + 2), 1, NULL), EXO_EINVAL,
	     "wake on a misaligned word: EINVAL");
	T_EQ(exo_futex_wait((const uint32_t *)(uintptr_t)0x10, 0, exo_timeout_ms(1)), EXO_EINVAL,
	     "wait on a word of no memory: EINVAL");

	/* No sleep when the word changed; timeouts. */
	aligned[0] = 5;
	T_EQ(exo_futex_wait(&aligned[0], 4, EXO_TIMEOUT_NEVER), EXO_OK, "a word that differs: at once, OK");
	T_EQ(exo_futex_wait(&aligned[0], 5, EXO_TIMEOUT_ZERO), EXO_ETIMEOUT, "a zero timeout: ETIMEOUT");
	t0 = exo_clock_ns();
	T_EQ(exo_futex_wait(&aligned[0], 5, exo_timeout_ms(30)), EXO_ETIMEOUT, "a 30 ms timeout: ETIMEOUT");
	t1 = exo_clock_ns();
	T_OK(t1 - t0 >= 30000000u, "... not before 30 ms (%llu us)", (unsigned long long)((t1 - t0) / 1000));
	T_EQ(exo_futex_wake(&aligned[0], 10, &woken), EXO_OK, "a wake nobody waits for");
	T_EQ(woken, 0, "... wakes none");

	/* One waiter: only a wake ends its wait, and exactly one wake counts it. */
	T_EQ(exo_thread_create(waiter, (void *)0, &tid), EXO_OK, "start a waiter");
	while (DONE(&started) < 1)
		pause_ms(1);
	pause_ms(20);
	T_EQ(DONE(&finished), 0, "it sleeps: the word is as it expects");
	T_EQ(exo_futex_wake(&word, 0, &woken), EXO_OK, "a wake of 0 threads");
	T_EQ(woken, 0, "... wakes none");
	total = wake_until(1, 1, &most);
	T_EQ(DONE(&finished), 1, "a wake ended its wait");
	T_EQ(total, 1, "... and exactly one wake counted it");
	T_EQ(results[0], EXO_OK, "... which returned OK");

	/* Three waiters: all are woken, none twice, a wake of 1 never counts more. */
	started = finished = 0;
	for (unsigned i = 1; i <= 3; i++)
		T_EQ(exo_thread_create(waiter, (void *)(uintptr_t)i, &tid), EXO_OK, "start one of three waiters");
	while (DONE(&started) < 3)
		pause_ms(1);
	pause_ms(20);
	total = wake_until(1, 3, &most);
	T_EQ(DONE(&finished), 3, "wakes of one thread ended all three waits");
	T_EQ(total, 3, "... counted once each");
	T_OK(most <= 1, "... a wake of 1 woke at most one (%u)", most);
	T_OK(results[1] == EXO_OK && results[2] == EXO_OK && results[3] == EXO_OK, "... each returned OK");

	started = finished = 0;
	for (unsigned i = 4; i <= 6; i++)
		T_EQ(exo_thread_create(waiter, (void *)(uintptr_t)i, &tid), EXO_OK, "start one of three more");
	while (DONE(&started) < 3)
		pause_ms(1);
	pause_ms(20);
	total = wake_until(UINT32_MAX, 3, &most);
	T_EQ(DONE(&finished), 3, "a wake of all ended every wait");
	T_EQ(total, 3, "... counted once each");

	/* A lock made of a word: four threads, exact count. */
	finished = 0;
	for (unsigned i = 0; i < 4; i++)
		T_EQ(exo_thread_create(incrementer, NULL, &tid), EXO_OK, "start an incrementer");
	for (int i = 0; i < 60000 && DONE(&finished) < 4; i++)
		pause_ms(1);
	T_EQ(DONE(&finished), 4, "four threads finished");
	T_EQ(counter, 4ull * ROUNDS, "the lock excluded: the count is exact");
	T_EQ(lock, 0, "... and it is free");
	return tap_done();
}
