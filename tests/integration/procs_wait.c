/*
 * tests/integration/procs_wait.c — waiting for children: WNOHANG, the
 * selectors (pid, group, any), ECHILD and EINVAL, stops and continues,
 * wait4's rusage, zombies until the wait, and orphans (no parent without
 * init; init's children once there is one, which runs last).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <exo/posix.h>
#include <exo/proc.h>
#include "procs.h"

void test_waitpid_nohang_is_zero_while_the_child_runs(void **state)
{
	int p[2], st = -1;
	pid_t c;
	char b;

	(void)state;
	assert_int_equal(pipe(p), 0);
	c = fork();
	if (c == 0) {
		close(p[1]);
		_exit(read(p[0], &b, 1) == 0 ? 5 : 6);
	}
	close(p[0]);
	assert_int_equal(waitpid(c, &st, WNOHANG), 0);
	assert_int_equal(waitpid(-1, &st, WNOHANG), 0);
	close(p[1]); /* end of file: the child exits */
	assert_exited(reap(c), 5);
}

void test_waitpid_selects_by_pid_group_and_any(void **state)
{
	int p[2];
	pid_t a, b, c;
	int st;
	char x;

	(void)state;
	assert_int_equal(pipe(p), 0);
	a = fork();
	if (a == 0) {
		close(p[1]);
		(void)!read(p[0], &x, 1);
		_exit(1);
	}
	assert_int_equal(setpgid(a, a), 0); /* a leads a group of its own */
	b = fork();
	if (b == 0) {
		close(p[1]);
		(void)!read(p[0], &x, 1);
		_exit(2);
	}
	c = fork();
	if (c == 0) {
		close(p[1]);
		(void)!read(p[0], &x, 1);
		_exit(3);
	}
	assert_int_equal(getpgid(a), a);
	assert_int_equal(getpgid(b), getpgrp());
	close(p[0]);
	close(p[1]); /* all three exit */
	/* -pgid: only a. */
	assert_int_equal(waitpid(-a, &st, 0), a);
	assert_exited(st, 1);
	assert_int_equal(waitpid(-a, &st, 0), -1);
	assert_int_equal(errno, ECHILD);
	/* 0: the caller's own group (b or c). */
	{
		pid_t r = waitpid(0, &st, 0);

		assert_true(r == b || r == c);
		assert_exited(st, r == b ? 2 : 3);
		/* -1: any, the last one. */
		assert_int_equal(waitpid(-1, &st, 0), r == b ? c : b);
	}
	assert_int_equal(waitpid(-1, &st, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

void test_wait_without_children_is_echild(void **state)
{
	int st;

	(void)state;
	assert_int_equal(waitpid(-1, &st, 0), -1);
	assert_int_equal(errno, ECHILD);
	assert_int_equal(wait(&st), -1);
	assert_int_equal(errno, ECHILD);
	assert_int_equal(waitpid(99999, &st, 0), -1);
	assert_int_equal(errno, ECHILD);
	assert_int_equal(waitpid(-1, &st, 0x4000), -1); /* an option Exo does not know */
	assert_int_equal(errno, EINVAL);
}

void test_waitpid_reports_stop_and_continue(void **state)
{
	pid_t c;
	int st;

	(void)state;
	c = fork();
	if (c == 0) {
		for (;;)
			pause();
	}
	assert_int_equal(kill(c, SIGSTOP), 0);
	assert_int_equal(waitpid(c, &st, WUNTRACED), c);
	assert_true(WIFSTOPPED(st));
	assert_int_equal(WSTOPSIG(st), SIGSTOP);
	/* Reported once. */
	assert_int_equal(waitpid(c, &st, WUNTRACED | WNOHANG), 0);
	assert_int_equal(kill(c, SIGCONT), 0);
	assert_int_equal(waitpid(c, &st, WCONTINUED), c);
	assert_true(WIFCONTINUED(st));
	assert_int_equal(kill(c, SIGKILL), 0);
	assert_killed(reap(c), SIGKILL);
}

void test_wait4_reports_rusage(void **state)
{
	struct rusage ru;
	pid_t c;
	int st;

	(void)state;
	c = fork();
	if (c == 0) {
		struct timespec t0, t1;
		volatile unsigned long x = 0;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		do {
			for (int i = 0; i < 100000; i++)
				x += (unsigned long)i;
			clock_gettime(CLOCK_MONOTONIC, &t1);
		} while ((t1.tv_sec - t0.tv_sec) * 1000000000L + (t1.tv_nsec - t0.tv_nsec) < 30 * MS);
		_exit(0);
	}
	memset(&ru, 0xff, sizeof(ru));
	assert_int_equal(wait4(c, &st, 0, &ru), c);
	assert_exited(st, 0);
	assert_true(ru.ru_utime.tv_sec >= 0 && ru.ru_utime.tv_usec >= 0 && ru.ru_utime.tv_usec < 1000000);
	assert_true(ru.ru_stime.tv_sec >= 0 && ru.ru_stime.tv_usec >= 0 && ru.ru_stime.tv_usec < 1000000);
	/* 30 ms of spinning shows as some CPU time. */
	assert_true(ru.ru_utime.tv_sec > 0 || ru.ru_utime.tv_usec + ru.ru_stime.tv_usec > 0);
	{
		/* ... and the waited-for child's time counts for RUSAGE_CHILDREN and times(). */
		struct rusage ch;
		struct tms t;

		assert_int_equal(getrusage(RUSAGE_CHILDREN, &ch), 0);
		assert_true(ch.ru_utime.tv_sec > ru.ru_utime.tv_sec ||
			    (ch.ru_utime.tv_sec == ru.ru_utime.tv_sec && ch.ru_utime.tv_usec >= ru.ru_utime.tv_usec));
		assert_true(times(&t) != (clock_t)-1);
		assert_true(t.tms_cutime + t.tms_cstime >= 0);
	}
}

void test_a_child_stays_a_zombie_until_waited_for(void **state)
{
	pid_t c;
	int st;

	(void)state;
	c = fork();
	if (c == 0)
		_exit(4);
	for (int i = 0; i < 1000 && state_of(c) != 'Z'; i++)
		sleep_ms(10);
	assert_int_equal(state_of(c), 'Z');
	assert_int_equal(kill(c, 0), 0); /* it still exists */
	assert_int_equal(waitpid(c, &st, 0), c);
	assert_exited(st, 4);
	assert_int_equal(state_of(c), 0);
	assert_int_equal(kill(c, 0), -1);
	assert_int_equal(errno, ESRCH);
}

void test_an_orphan_without_init_has_no_parent(void **state)
{
	int p[2];
	pid_t c, info[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	c = fork();
	if (c == 0) {
		pid_t me = getpid(), g = fork();

		if (g == 0) {
			pid_t pp;

			/* Wait for the parent to go, then report who the parent is now. */
			for (int i = 0; i < 1000 && (pp = getppid()) == me; i++)
				sleep_ms(10);
			info[0] = getpid();
			info[1] = pp;
			(void)!write(p[1], info, sizeof(info));
			_exit(0);
		}
		_exit(g > 0 ? 0 : 1);
	}
	assert_exited(reap(c), 0);
	assert_int_equal(read(p[0], info, sizeof(info)), sizeof(info));
	/*
	 * The process server's rule: with no init (pid 1) an orphan has no
	 * parent (0), and nobody waits for it: it leaves no zombie.
	 */
	assert_int_equal(info[1], 0);
	for (int i = 0; i < 1000 && state_of(info[0]) != 0; i++)
		sleep_ms(10);
	assert_int_equal(state_of(info[0]), 0);
	close(p[0]);
	close(p[1]);
}

/* Runs last: it makes a child init (pid 1) for a while. */
void test_orphans_go_to_init_which_reaps_them(void **state)
{
	int p[2];
	pid_t c;
	int r[4] = { 0 };

	(void)state;
	assert_int_equal(pipe(p), 0);
	c = fork();
	if (c == 0) {
		int out[4] = { 0 }, st;
		pid_t d, e = 0;
		int q[2];

		if (exo_become_init() != 0)
			_exit(1);
		out[0] = getpid();
		if (pipe(q) != 0)
			_exit(2);
		d = fork();
		if (d == 0) {
			e = fork();
			if (e == 0) {
				pid_t pp = 0;

				for (int i = 0; i < 1000 && (pp = getppid()) != 1; i++)
					sleep_ms(10);
				_exit(pp == 1 ? 0 : 9);
			}
			(void)!write(q[1], &e, sizeof(e));
			_exit(0);
		}
		if (waitpid(d, &st, 0) != d || !WIFEXITED(st))
			_exit(3);
		if (read(q[0], &e, sizeof(e)) != sizeof(e))
			_exit(4);
		/* The orphan is init's child now: init reaps it. */
		out[1] = waitpid(-1, &st, 0) == e;
		out[2] = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		out[3] = 1;
		(void)!write(p[1], out, sizeof(out));
		_exit(0);
	}
	assert_int_equal(read(p[0], r, sizeof(r)), sizeof(r));
	assert_int_equal(r[0], 1); /* it became pid 1 */
	assert_int_equal(r[1], 1); /* and reaped the orphan */
	assert_int_equal(r[2], 0); /* which saw its parent become 1 */
	close(p[0]);
	close(p[1]);
	/* init's parent: since it is pid 1 it has none, so the test has no child left. */
	for (int i = 0; i < 1000 && state_of(1) != 0; i++)
		sleep_ms(10);
	assert_int_equal(state_of(1), 0);
	assert_int_equal(getppid(), 0);
	{
		int st;

		assert_int_equal(waitpid(-1, &st, WNOHANG), -1);
		assert_int_equal(errno, ECHILD);
	}
}
