/*
 * hw/riscv64/bench/ipc.c — the cost of a call + reply round trip between two
 * spaces on the riscv64 kernel, in instructions and cycles:
 *
 *   ipc-riscv64: instret=<n> cycles=<n>
 *
 * The client reads the hart's instret and cycle counters (scounteren lets
 * user mode) around each exo_call of 8 words, in a message it keeps, to the
 * sim benchmark's server (bench/ipc_server.c, a space of its own, spawned
 * here, answering with the same words); the figures are medians of 501
 * round trips after 100 to warm up. They count everything the hart ran for the round trip:
 * both libexo stubs, two kernel entries, the server's loop. QEMU counts
 * instructions exactly only with -icount (./exo bench runs it so); its
 * cycle counter then equals instret (QEMU models no pipeline).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <exo/exo.h>


#define ROUNDS 501

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	static uint64_t ins[ROUNDS], cyc[ROUNDS];
	char *sargv[] = { argc > 1 ? argv[1] : "bench_ipc_server", NULL };
	exo_tid_t srv;
	exo_space_t s;

	if (exo_space_spawn(sargv, &s) != EXO_OK || exo_lookup("bench-ipc", &srv, exo_timeout_ms(10000)) != EXO_OK) {
		printf("bench: no server\n");
		return 1;
	}
	static exo_msg_t m; /* one message, as a client keeps: the loop times IPC, not memset */

	for (int i = -100; i < ROUNDS; i++) {
		uint64_t i0, c0, i1, c1;

		m.tag = exo_tag(1, 8, 0);
		for (unsigned w = 0; w < 8; w++)
			m.mr[w] = w + 1;
		__asm__ volatile("rdinstret %0; rdcycle %1" : "=r"(i0), "=r"(c0));
		if (exo_call(srv, &m, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER) != EXO_OK) {
			printf("bench: call failed\n");
			return 1;
		}
		__asm__ volatile("rdinstret %0; rdcycle %1" : "=r"(i1), "=r"(c1));
		if (i >= 0) {
			ins[i] = i1 - i0;
			cyc[i] = c1 - c0;
		}
	}
	if (argc > 2) { /* `bench_ipc bench_ipc_server detail` in the boot list */
		/* where it goes: a null kernel call, for comparison */
		static uint64_t nul[ROUNDS];

		for (int i = 0; i < ROUNDS; i++) {
			uint64_t i0, i1;

			__asm__ volatile("rdinstret %0" : "=r"(i0));
			(void)exo_myself();
			__asm__ volatile("rdinstret %0" : "=r"(i1));
			nul[i] = i1 - i0;
		}
		qsort(nul, ROUNDS, sizeof(nul[0]), cmp);
		printf("null kernel call: instret=%llu\n", (unsigned long long)nul[ROUNDS / 2]);
	}
	qsort(ins, ROUNDS, sizeof(ins[0]), cmp);
	qsort(cyc, ROUNDS, sizeof(cyc[0]), cmp);
	printf("ipc-riscv64: instret=%llu cycles=%llu\n", (unsigned long long)ins[ROUNDS / 2],
	       (unsigned long long)cyc[ROUNDS / 2]);
	return 0;
}
