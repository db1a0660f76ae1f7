/*
 * tests/integration/procs_sessions.c — who may signal whom: kill's
 * permission, kill and killpg of a group, the setpgid, setsid and getsid
 * rules, and the console's foreground group.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <termios.h>
#include <unistd.h>

#include <cmocka.h>

#include "procs.h"

void test_kill_needs_permission(void **state)
{
	pid_t c;

	(void)state;
	hits = 0;
	set_handler(SIGUSR1, count, 0);
	c = fork();
	if (c == 0) {
		if (setuid(1000) != 0)
			_exit(1);
		if (getuid() != 1000 || geteuid() != 1000)
			_exit(2);
		if (kill(getppid(), SIGUSR1) != -1 || errno != EPERM)
			_exit(3);
		if (kill(getppid(), 0) != -1 || errno != EPERM)
			_exit(4);
		/* Itself it may signal; back to root it may not go. */
		if (kill(getpid(), 0) != 0)
			_exit(5);
		if (setuid(0) != -1 || errno != EPERM)
			_exit(6);
		_exit(0);
	}
	assert_exited(reap(c), 0);
	sleep_ms(20);
	assert_int_equal(hits, 0);
	/* No such process; a bad signal. */
	assert_int_equal(kill(99999, SIGUSR1), -1);
	assert_int_equal(errno, ESRCH);
	assert_int_equal(kill(getpid(), 64), -1);
	assert_int_equal(errno, EINVAL);
	set_default(SIGUSR1);
}

static pid_t sleeper_in_group(pid_t pgid)
{
	pid_t c = fork();

	if (c == 0) {
		for (;;)
			pause();
	}
	assert_true(c > 0);
	assert_int_equal(setpgid(c, pgid ? pgid : c), 0);
	return c;
}

void test_kill_and_killpg_signal_a_group(void **state)
{
	pid_t a, b, x;

	(void)state;
	a = sleeper_in_group(0);
	b = sleeper_in_group(a);
	x = sleeper_in_group(0); /* another group: untouched */
	assert_int_equal(getpgid(b), a);
	assert_int_equal(kill(-a, SIGTERM), 0);
	assert_killed(reap(a), SIGTERM);
	assert_killed(reap(b), SIGTERM);
	assert_int_equal(kill(x, 0), 0);
	assert_int_equal(killpg(x, SIGUSR2), 0);
	assert_killed(reap(x), SIGUSR2);
	/* No group by that id now. */
	assert_int_equal(killpg(a, SIGTERM), -1);
	assert_int_equal(errno, ESRCH);
	assert_int_equal(killpg(-3, SIGTERM), -1);
	assert_int_equal(errno, EINVAL);
}

void test_setpgid_setsid_and_getsid_rules(void **state)
{
	int p[2], q[2];
	pid_t c, d, me = getpid();
	char b;

	(void)state;
	/* The test leads its own session and group. */
	assert_int_equal(getsid(0), me);
	assert_int_equal(getpgrp(), me);
	assert_int_equal(setsid(), -1);
	assert_int_equal(errno, EPERM);
	assert_int_equal(getsid(99999), -1);
	assert_int_equal(errno, ESRCH);
	assert_int_equal(setpgid(99999, 0), -1);
	assert_int_equal(errno, ESRCH);
	assert_int_equal(setpgid(0, -1), -1);
	assert_int_equal(errno, EINVAL);
	/* A group of the session that does not exist. */
	assert_int_equal(setpgid(0, 99999), -1);
	assert_int_equal(errno, EPERM);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(pipe(q), 0);
	/* A child in a session of its own. */
	c = fork();
	if (c == 0) {
		pid_t s = setsid();

		if (s != getpid() || getsid(0) != s || getpgrp() != s)
			_exit(1);
		/* A leader cannot go to another group, nor into another session's. */
		if (setpgid(0, me) != -1 || errno != EPERM)
			_exit(2);
		if (setsid() != -1 || errno != EPERM)
			_exit(3);
		(void)!write(q[1], "r", 1);
		(void)!read(p[0], &b, 1);
		_exit(0);
	}
	assert_int_equal(read(q[0], &b, 1), 1);
	assert_int_equal(getsid(c), c);
	/* Another session's process: EPERM. */
	assert_int_equal(setpgid(c, c), -1);
	assert_int_equal(errno, EPERM);
	/* A child that has exec'd: EACCES. */
	install_child();
	d = fork();
	if (d == 0) {
		char *argv[] = { "/bin/procs_child", "exit", "0", NULL };

		execv(argv[0], argv);
		_exit(100 + errno);
	}
	{
		int e = 0;

		/* Until the exec lands setpgid works; after it, EACCES. */
		for (int i = 0; i < 1000; i++) {
			if (setpgid(d, d) < 0) {
				e = errno;
				break;
			}
			sleep_ms(2);
		}
		if (e != 0)
			assert_true(e == EACCES || e == ESRCH);
	}
	assert_exited(reap(d), 0);
	assert_int_equal(write(p[1], "g", 1), 1);
	assert_exited(reap(c), 0);
	close(p[0]);
	close(p[1]);
	close(q[0]);
	close(q[1]);
}

void test_the_console_foreground_group(void **state)
{
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(tcgetpgrp(p[0]), -1);
	assert_int_equal(errno, ENOTTY);
	assert_int_equal(tcsetpgrp(p[0], getpgrp()), -1);
	assert_int_equal(errno, ENOTTY);
	assert_int_equal(tcgetsid(p[0]), -1);
	assert_int_equal(errno, ENOTTY);
	assert_int_equal(tcgetpgrp(99), -1);
	assert_int_equal(errno, EBADF);
	close(p[0]);
	close(p[1]);
	if (!isatty(0)) {
		print_message("fd 0 is not the console: skipping the terminal half\n");
		return;
	}
	assert_int_equal(tcsetpgrp(0, getpgrp()), 0);
	assert_int_equal(tcgetpgrp(0), getpgrp());
	assert_int_equal(tcgetsid(0), getsid(0));
	/* A group that is not in the session. */
	assert_int_equal(tcsetpgrp(0, 99999), -1);
	assert_int_equal(errno, EPERM);
}
