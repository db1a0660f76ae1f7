/*
 * tests/integration/gdb_target.c — the program gdb_helper.sh debugs: it joins
 * the kernel, starts a thread that waits in exo_recv from the main thread,
 * fills a message with registers and a string item, and calls
 * gdb_target_stop (the breakpoint) with it. Nothing is ever sent to the
 * waiting thread: gdb kills the program.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <exo/exo.h>

exo_msg_t gdb_msg;
exo_tid_t gdb_tid;
static volatile int receiving;

__attribute__((noinline)) void gdb_target_stop(exo_msg_t *m, exo_tid_t tid);
__attribute__((noinline)) void gdb_target_stop(exo_msg_t *m, exo_tid_t tid)
{
	__asm__ volatile("" : : "r"(m), "r"(tid) : "memory");
}

static void receiver(void *arg)
{
	exo_msg_t m;

	memset(&m, 0, sizeof(m));
	receiving = 1;
	exo_recv(*(exo_tid_t *)arg, &m, EXO_TIMEOUT_NEVER);
}

int main(void)
{
	static const char hello[] = "hello, gdb";
	struct timespec ts = { 0, 200 * 1000 * 1000 };
	exo_tid_t me = exo_myself(), t;

	if (me == EXO_NILTHREAD || exo_thread_create(receiver, &me, &t) != EXO_OK) {
		fprintf(stderr, "gdb_target: no kernel\n");
		return 1;
	}
	while (!receiving)
		nanosleep(&(struct timespec){ 0, 1000 * 1000 }, NULL);
	nanosleep(&ts, NULL);
	gdb_msg.tag = exo_tag(0x42, 2, 2);
	gdb_msg.mr[0] = 7;
	gdb_msg.mr[1] = 0x1234;
	exo_msg_put_string(&gdb_msg, 2, hello, sizeof(hello) - 1);
	gdb_tid = t;
	gdb_target_stop(&gdb_msg, gdb_tid);
	return 0;
}
