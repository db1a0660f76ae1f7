/*
 * tests/kernel/tap.h — the smallest test harness, for the kernel tests that
 * run on every target (the riscv64 kernel has no CMocka): each check prints
 * a TAP line ("ok N - what" / "not ok N - what"), and the program exits with
 * the number of failed checks (capped at 100), which ends the machine with it.
 */
#ifndef EXO_TEST_TAP_H
#define EXO_TEST_TAP_H

#include <stdio.h>

static int tap_n, tap_failed;

#define T_OK(cond, ...)                                                  \
	do {                                                             \
		int t_ok_ = !!(cond);                                    \
		tap_n++;                                                 \
		if (!t_ok_)                                              \
			tap_failed++;                                    \
		printf("%sok %d - ", t_ok_ ? "" : "not ", tap_n);        \
		printf(__VA_ARGS__);                                     \
		printf(t_ok_ ? "\n" : " (%s:%d: %s)\n", __FILE__, __LINE__, #cond); \
	} while (0)

/* Two integers that must be equal; both are printed when they are not. */
#define T_EQ(a, b, what)                                                              \
	do {                                                                          \
		long long t_a_ = (long long)(a), t_b_ = (long long)(b);               \
		T_OK(t_a_ == t_b_, "%s", what);                                       \
		if (t_a_ != t_b_)                                                     \
			printf("#   got %lld (%#llx), want %lld (%#llx)\n", t_a_, t_a_, t_b_, t_b_); \
	} while (0)

/* A check that cannot run here: TAP's "ok N # SKIP why", counted, never a pass of its own. */
#define T_SKIP(why, ...)                                                 \
	do {                                                             \
		tap_n++;                                                 \
		printf("ok %d # SKIP ", tap_n);                          \
		printf(__VA_ARGS__);                                     \
		printf(" (%s)\n", why);                                  \
	} while (0)

static inline int tap_done(void)
{
	printf("1..%d\n# %d of %d checks failed\n", tap_n, tap_failed, tap_n);
	return tap_failed > 100 ? 100 : tap_failed;
}

#endif
