/*
 * hw/riscv64/tests/futex_signal.c — what ends a futex wait besides a wake
 * or its timeout, on the riscv64 kernel (hw/riscv64/kernel/futex.c): a
 * caught signal delivered to the waiting thread ends its wait with
 * EXO_ECANCELED once the handler has run (even when the handler asks for a
 * restart: a futex wait is not an IPC), with and without a deadline; the
 * thread leaves the word's queue, so a later wake finds nobody and a later
 * timed wait times out as before. The main thread blocks the signal, so the
 * space's signal goes to the waiter.
 */
#include <stdint.h>

#include <exo/exo.h>
#include <exo/futex.h>
#include <exo/signal.h>

#include "../../../tests/kernel/tap.h"

static uint32_t word;
static volatile uint32_t started, finished, handled;
static volatile uint32_t handled_at_return;
static volatile exo_err result;

static int upcall(const exo_siginfo_t *si, void *context)
{
	(void)context;
	if (si->sig == EXO_SIGUSR1)
		__atomic_add_fetch(&handled, 1, __ATOMIC_SEQ_CST);
	return 1; /* a restart, which a futex wait does not take */
}

static void pause_ms(unsigned ms)
{
	static uint32_t never;

	exo_futex_wait(&never, 0, exo_timeout_ms(ms));
}

static void waiter(void *arg)
{
	exo_timeout_t timeout = (exo_timeout_t)(uintptr_t)arg;

	__atomic_add_fetch(&started, 1, __ATOMIC_SEQ_CST);
	result = exo_futex_wait(&word, 0, timeout);
	handled_at_return = handled;
	__atomic_add_fetch(&finished, 1, __ATOMIC_SEQ_CST);
	exo_thread_exit();
}

/* Start a waiter, signal it while it waits; how its wait ended. */
static exo_err interrupted(exo_timeout_t timeout, uint64_t *took_ns)
{
	exo_siginfo_t si = { .sig = EXO_SIGUSR1, .code = EXO_SI_USER };
	uint32_t before = finished;
	uint64_t t0;
	exo_tid_t tid;

	started = 0;
	if (exo_thread_create(waiter, (void *)(uintptr_t)timeout, &tid) != EXO_OK)
		return EXO_ENOMEM;
	while (__atomic_load_n(&started, __ATOMIC_SEQ_CST) < 1)
		pause_ms(1);
	pause_ms(20);
	if (finished != before)
		return EXO_EINVAL; /* it did not wait */
	t0 = exo_clock_ns();
	exo_signal_post(exo_my_space(), &si);
	for (int i = 0; i < 2000 && finished == before; i++)
		pause_ms(1);
	*took_ns = exo_clock_ns() - t0;
	return finished == before ? EXO_ETIMEOUT : result;
}

int main(void)
{
	exo_sigset_t usr1 = EXO_SIGBIT(EXO_SIGUSR1);
	uint32_t woken = 7;
	uint64_t took = 0, t0;

	exo_signal_upcall(upcall);
	T_EQ(exo_signal_action(EXO_SIGUSR1, EXO_SIG_CATCH, 0, 0), EXO_OK, "catch SIGUSR1");
	T_EQ(exo_signal_mask(EXO_SIG_BLOCK, &usr1, NULL), EXO_OK, "the main thread blocks it");

	T_EQ(interrupted(EXO_TIMEOUT_NEVER, &took), EXO_ECANCELED, "a signal ends a wait without a deadline: EXO_ECANCELED");
	T_EQ(handled_at_return, 1, "... after its handler ran");
	T_EQ(interrupted(exo_timeout_ms(5000), &took), EXO_ECANCELED, "a signal ends a wait of 5 s: EXO_ECANCELED");
	T_EQ(handled_at_return, 2, "... after its handler ran");
	T_OK(took < 1000000000ull, "... long before its deadline (%llu us)", (unsigned long long)(took / 1000));
	T_EQ(exo_futex_wake(&word, UINT32_MAX, &woken), EXO_OK, "a wake of the word afterwards");
	T_EQ(woken, 0, "... finds nobody: the interrupted waiters left its queue");
	t0 = exo_clock_ns();
	T_EQ(exo_futex_wait(&word, 0, exo_timeout_ms(30)), EXO_ETIMEOUT, "a 30 ms wait afterwards: EXO_ETIMEOUT");
	T_OK(exo_clock_ns() - t0 >= 30000000ull, "... not before 30 ms");
	return tap_done();
}
