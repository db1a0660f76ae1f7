/*
 * hw/riscv64/tests/sched_prio.c — the riscv64 kernel applies what the
 * scheduler server hands it (exo_space_sched): a SCHED_FIFO process runs
 * before SCHED_OTHER ones until it is done. On one hart the order of the processes' output shows it. (The sim
 * leaves scheduling to the host, which may refuse real time; its own test
 * is tests/integration/timesched.c.)
 */
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <exo/exo.h>

#include "../../../tests/kernel/tap.h"

/* Keep the hart busy for ms milliseconds, without a kernel call. */
static void spin(unsigned ms)
{
	uint64_t end = exo_clock_ns() + ms * 1000000ull;

	while (exo_clock_ns() < end)
		;
}

int main(void)
{
	struct sched_param sp = { .sched_priority = 10 };
	char order[8] = { 0 }, c = 0;
	int p[2], ready[2], st;
	pid_t a, b;

	T_EQ(pipe(p) == 0 && pipe(ready) == 0, 1, "pipes for the order");
	a = fork();
	if (a == 0) {
		/* libposix names only the caller for the scheduler: the child makes itself FIFO */
		c = sched_setscheduler(0, SCHED_FIFO, &sp) == 0 && sched_getscheduler(0) == SCHED_FIFO ? 'R' : 'X';
		write(ready[1], &c, 1);
		spin(300);
		write(p[1], "A", 1);
		_exit(0);
	}
	T_EQ(read(ready[0], &c, 1), 1, "the first child made itself SCHED_FIFO, priority 10 ...");
	T_EQ(c, 'R', "... and it is");
	b = fork();
	if (b == 0) {
		write(p[1], "B", 1);
		_exit(0);
	}
	close(p[1]);
	T_EQ(read(p[0], order, 1) == 1 && read(p[0], order + 1, 1) == 1, 1, "both wrote");
	T_OK(!strcmp(order, "AB"), "the FIFO one, busy for 300 ms, was done before the OTHER one ran (%s)", order);
	waitpid(a, &st, 0);
	waitpid(b, &st, 0);

	/* POSIX: sched_setscheduler returns the former policy. */
	T_EQ(sched_setscheduler(0, SCHED_RR, &sp), SCHED_OTHER, "this process SCHED_RR, priority 10 (it was OTHER)");
	T_EQ(sched_getscheduler(0), SCHED_RR, "... it is");
	sp.sched_priority = 0;
	T_EQ(sched_setscheduler(0, SCHED_OTHER, &sp), SCHED_RR, "back to SCHED_OTHER (it was RR)");
	return tap_done();
}
