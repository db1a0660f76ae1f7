/*
 * tests/integration/procs_interrupts.c — calls a signal interrupts: pipe
 * reads and writes (EINTR, or restarted with SA_RESTART), sleep and
 * nanosleep, waitpid; and the timers that send those signals (alarm,
 * setitimer, getitimer).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "procs.h"

void test_a_pipe_read_fails_with_eintr_without_sa_restart(void **state)
{
	int p[2];
	char b[8];

	(void)state;
	hits = 0;
	set_handler(SIGALRM, count, 0);
	assert_int_equal(pipe(p), 0);
	arm_timer_ms(50);
	errno = 0;
	assert_int_equal(read(p[0], b, sizeof(b)), -1);
	assert_int_equal(errno, EINTR);
	assert_int_equal(hits, 1);
	/* The pipe is none the worse: what is written now is read whole. */
	assert_int_equal(write(p[1], "after", 5), 5);
	assert_int_equal(read(p[0], b, sizeof(b)), 5);
	assert_memory_equal(b, "after", 5);
	/* Twice in a row: the cancelled request left nothing behind. */
	arm_timer_ms(30);
	assert_int_equal(read(p[0], b, sizeof(b)), -1);
	assert_int_equal(errno, EINTR);
	assert_int_equal(write(p[1], "again", 5), 5);
	assert_int_equal(read(p[0], b, sizeof(b)), 5);
	assert_memory_equal(b, "again", 5);
	close(p[0]);
	close(p[1]);
	set_default(SIGALRM);
}

void test_a_pipe_read_restarts_with_sa_restart(void **state)
{
	int p[2];
	char b[8] = { 0 };
	pid_t c;

	(void)state;
	hits = 0;
	set_handler(SIGUSR1, count, SA_RESTART);
	assert_int_equal(pipe(p), 0);
	c = fork();
	if (c == 0) {
		close(p[0]);
		sleep_ms(100);
		kill(getppid(), SIGUSR1);
		sleep_ms(100);
		_exit(write(p[1], "late", 4) == 4 ? 0 : 1);
	}
	close(p[1]);
	assert_int_equal(read(p[0], b, sizeof(b)), 4); /* the signal came in between */
	assert_string_equal(b, "late");
	assert_int_equal(hits, 1);
	assert_exited(reap(c), 0);
	close(p[0]);
	set_default(SIGUSR1);
}

void test_a_pipe_write_fails_with_eintr_and_counts_nothing(void **state)
{
	static char big[70000];
	int p[2];
	char b[8];
	ssize_t n, got = 0;

	(void)state;
	hits = 0;
	set_handler(SIGALRM, count, 0);
	assert_int_equal(pipe(p), 0);
	/* Fill the pipe so a small write has to wait. */
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	while ((n = write(p[1], big, sizeof(big))) > 0)
		got += n;
	assert_int_equal(errno, EAGAIN);
	fcntl(p[1], F_SETFL, 0);
	arm_timer_ms(50);
	assert_int_equal(write(p[1], "12345678", 8), -1);
	assert_int_equal(errno, EINTR);
	/* Drain: exactly what was written before, none of the interrupted write. */
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	{
		ssize_t total = 0;

		while ((n = read(p[0], big, sizeof(big))) > 0)
			total += n;
		assert_int_equal(total, got);
	}
	assert_int_equal(read(p[0], b, sizeof(b)), -1);
	assert_int_equal(errno, EAGAIN);
	close(p[0]);
	close(p[1]);
	set_default(SIGALRM);
}

void test_sleep_and_nanosleep_are_interrupted(void **state)
{
	struct timespec req = { 5, 0 }, rem = { 0, 0 };

	(void)state;
	hits = 0;
	set_handler(SIGALRM, count, 0);
	arm_timer_ms(50);
	assert_int_equal(nanosleep(&req, &rem), -1);
	assert_int_equal(errno, EINTR);
	assert_true(rem.tv_sec >= 3 && rem.tv_sec <= 5);
	assert_int_equal(hits, 1);
	arm_timer_ms(50);
	{
		unsigned left = sleep(5);

		assert_true(left >= 3 && left <= 5);
	}
	assert_int_equal(hits, 2);
	/* A restarting handler does not make sleep go on (POSIX: EINTR anyway). */
	set_handler(SIGALRM, count, SA_RESTART);
	arm_timer_ms(50);
	assert_int_equal(usleep(3000000), -1);
	assert_int_equal(errno, EINTR);
	set_default(SIGALRM);
}

void test_waitpid_is_interrupted(void **state)
{
	int p[2], st;
	pid_t c;
	char b;

	(void)state;
	hits = 0;
	set_handler(SIGALRM, count, 0);
	assert_int_equal(pipe(p), 0);
	c = fork();
	if (c == 0) {
		close(p[1]);
		(void)!read(p[0], &b, 1);
		_exit(6);
	}
	close(p[0]);
	arm_timer_ms(50);
	assert_int_equal(waitpid(c, &st, 0), -1);
	assert_int_equal(errno, EINTR);
	assert_int_equal(hits, 1);
	/* Not lost: the child is still there to be waited for. */
	close(p[1]);
	assert_exited(reap(c), 6);
	set_default(SIGALRM);
}

void test_alarm_and_interval_timers(void **state)
{
	struct itimerval it = { { 0, 0 }, { 1, 0 } }, got, old;

	(void)state;
	hits = 0;
	set_handler(SIGALRM, count, SA_RESTART);
	assert_int_equal(alarm(5), 0);
	{
		unsigned left = alarm(0);

		assert_true(left >= 4 && left <= 5);
	}
	assert_int_equal(alarm(0), 0);
	assert_int_equal(setitimer(ITIMER_REAL, &it, NULL), 0);
	assert_int_equal(getitimer(ITIMER_REAL, &got), 0);
	assert_true(got.it_value.tv_sec == 0 || (got.it_value.tv_sec == 1 && got.it_value.tv_usec == 0));
	assert_true(got.it_value.tv_sec + got.it_value.tv_usec > 0);
	/* Periodic: 20 ms. */
	it.it_value.tv_sec = 0;
	it.it_value.tv_usec = 20000;
	it.it_interval.tv_usec = 20000;
	assert_int_equal(setitimer(ITIMER_REAL, &it, &old), 0);
	assert_true(old.it_value.tv_sec + old.it_value.tv_usec > 0);
	assert_true(wait_flag(&hits, 3) >= 3);
	disarm_timer();
	assert_int_equal(getitimer(ITIMER_REAL, &got), 0);
	assert_int_equal(got.it_value.tv_sec + got.it_value.tv_usec, 0);
	{
		int was = hits;

		sleep_ms(60);
		assert_int_equal(hits, was);
	}
	/* alarm's signal. */
	hits = 0;
	assert_int_equal(alarm(1), 0);
	assert_int_equal(wait_flag(&hits, 1), 1);
	/* Bad arguments. */
	it.it_value.tv_usec = 1000000;
	assert_int_equal(setitimer(ITIMER_REAL, &it, NULL), -1);
	assert_int_equal(errno, EINVAL);
	set_default(SIGALRM);
}
