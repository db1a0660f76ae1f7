/*
 * tests/integration/procs_signals.c — signal delivery: handlers and
 * siginfo, blocking and pending, SA_RESETHAND and SA_NODEFER, what SIGKILL
 * and SIGSTOP refuse, sigsuspend, pause and sigwait, SIGCHLD and
 * SA_NOCLDWAIT, abort and SIGPIPE.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "procs.h"

static volatile sig_atomic_t depth, max_depth;

void test_a_handler_runs_once_per_signal(void **state)
{
	(void)state;
	hits = 0;
	set_handler(SIGUSR1, count, 0);
	assert_int_equal(kill(getpid(), SIGUSR1), 0);
	assert_int_equal(wait_flag(&hits, 1), 1);
	sleep_ms(30);
	assert_int_equal(hits, 1);
	/* raise: the handler has run when it returns. */
	assert_int_equal(raise(SIGUSR1), 0);
	assert_int_equal(hits, 2);
	set_default(SIGUSR1);
}

void test_sa_siginfo_carries_the_sender(void **state)
{
	pid_t c;

	(void)state;
	hits = 0;
	set_action(SIGUSR2, on_info, 0);
	c = fork();
	if (c == 0)
		_exit(kill(getppid(), SIGUSR2) == 0 ? 0 : 1);
	assert_int_equal(wait_flag(&hits, 1), 1);
	assert_exited(reap(c), 0);
	assert_int_equal(got_sig, SIGUSR2);
	assert_int_equal(got_pid, c);
	assert_int_equal(got_uid, 0);
	assert_int_equal(got_code, SI_USER);
	set_default(SIGUSR2);
}

void test_a_blocked_signal_is_pending_until_unblocked(void **state)
{
	sigset_t set, old, pend;

	(void)state;
	hits = 0;
	set_handler(SIGUSR1, count, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	assert_int_equal(sigprocmask(SIG_BLOCK, &set, &old), 0);
	assert_int_equal(kill(getpid(), SIGUSR1), 0);
	sleep_ms(50);
	assert_int_equal(hits, 0);
	assert_int_equal(sigpending(&pend), 0);
	assert_int_equal(sigismember(&pend, SIGUSR1), 1);
	assert_int_equal(sigismember(&pend, SIGUSR2), 0);
	/* Two sends while blocked are one pending signal. */
	assert_int_equal(kill(getpid(), SIGUSR1), 0);
	sleep_ms(20);
	assert_int_equal(sigprocmask(SIG_SETMASK, &old, NULL), 0);
	assert_int_equal(wait_flag(&hits, 1), 1);
	sleep_ms(20);
	assert_int_equal(hits, 1);
	assert_int_equal(sigpending(&pend), 0);
	assert_int_equal(sigismember(&pend, SIGUSR1), 0);
	set_default(SIGUSR1);
}

void test_sa_resethand_runs_the_handler_once(void **state)
{
	struct sigaction a;
	pid_t c;

	(void)state;
	hits = 0;
	set_handler(SIGUSR1, count, SA_RESETHAND);
	assert_int_equal(raise(SIGUSR1), 0);
	assert_int_equal(hits, 1);
	assert_int_equal(sigaction(SIGUSR1, NULL, &a), 0);
	assert_true(a.sa_handler == SIG_DFL);
	/* The second one takes the default action. */
	c = fork();
	if (c == 0) {
		set_handler(SIGUSR1, count, SA_RESETHAND);
		raise(SIGUSR1);
		raise(SIGUSR1);
		_exit(0);
	}
	assert_killed(reap(c), SIGUSR1);
}

static void nested(int sig)
{
	depth++;
	if (depth > max_depth)
		max_depth = depth;
	hits++;
	if (hits == 1)
		raise(sig);
	depth--;
}

void test_sa_nodefer_lets_a_handler_be_interrupted_by_its_signal(void **state)
{
	(void)state;
	hits = depth = max_depth = 0;
	set_handler(SIGUSR1, nested, SA_NODEFER);
	assert_int_equal(raise(SIGUSR1), 0);
	assert_int_equal(hits, 2);
	assert_int_equal(max_depth, 2);
	/* Without it, the signal waits until the handler returns. */
	hits = depth = max_depth = 0;
	set_handler(SIGUSR1, nested, 0);
	assert_int_equal(raise(SIGUSR1), 0);
	assert_int_equal(hits, 2);
	assert_int_equal(max_depth, 1);
	set_default(SIGUSR1);
}

void test_sigkill_and_sigstop_cannot_be_caught_or_blocked(void **state)
{
	struct sigaction a;
	sigset_t set, cur;
	pid_t c;

	(void)state;
	memset(&a, 0, sizeof(a));
	a.sa_handler = count;
	assert_int_equal(sigaction(SIGKILL, &a, NULL), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(sigaction(SIGSTOP, &a, NULL), -1);
	assert_int_equal(errno, EINVAL);
	a.sa_handler = SIG_IGN;
	assert_int_equal(sigaction(SIGKILL, &a, NULL), -1);
	assert_int_equal(errno, EINVAL);
	assert_true(signal(SIGSTOP, SIG_IGN) == SIG_ERR);
	sigfillset(&set);
	assert_int_equal(sigprocmask(SIG_BLOCK, &set, &cur), 0);
	assert_int_equal(sigprocmask(SIG_BLOCK, NULL, &set), 0);
	assert_int_equal(sigismember(&set, SIGKILL), 0);
	assert_int_equal(sigismember(&set, SIGSTOP), 0);
	assert_int_equal(sigismember(&set, SIGUSR1), 1);
	assert_int_equal(sigprocmask(SIG_SETMASK, &cur, NULL), 0);
	/* A child that blocks everything and ignores what it can still dies of SIGKILL. */
	c = fork();
	if (c == 0) {
		sigset_t all;

		sigfillset(&all);
		sigprocmask(SIG_BLOCK, &all, NULL);
		for (int s = 1; s < 32; s++)
			if (s != SIGKILL && s != SIGSTOP && s != SIGSEGV && s != SIGBUS)
				signal(s, SIG_IGN);
		for (;;)
			pause();
	}
	sleep_ms(20);
	assert_int_equal(kill(c, SIGSTOP), 0); /* SIGSTOP stops it regardless */
	{
		int st;

		assert_int_equal(waitpid(c, &st, WUNTRACED), c);
		assert_true(WIFSTOPPED(st));
	}
	assert_int_equal(kill(c, SIGKILL), 0);
	assert_killed(reap(c), SIGKILL);
}

void test_sigsuspend_and_pause_wait_for_a_signal(void **state)
{
	sigset_t set, old, empty;
	pid_t c;

	(void)state;
	hits = 0;
	set_handler(SIGUSR1, count, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigemptyset(&empty);
	assert_int_equal(sigprocmask(SIG_BLOCK, &set, &old), 0);
	c = fork();
	if (c == 0) {
		sleep_ms(50);
		_exit(kill(getppid(), SIGUSR1) == 0 ? 0 : 1);
	}
	assert_int_equal(sigsuspend(&empty), -1);
	assert_int_equal(errno, EINTR);
	assert_int_equal(hits, 1);
	/* The old mask is back: SIGUSR1 is blocked again. */
	{
		sigset_t now;

		sigprocmask(SIG_BLOCK, NULL, &now);
		assert_int_equal(sigismember(&now, SIGUSR1), 1);
	}
	assert_exited(reap(c), 0);
	assert_int_equal(sigprocmask(SIG_SETMASK, &old, NULL), 0);
	/* pause: until the timer's signal. */
	set_handler(SIGALRM, count, 0);
	arm_timer_ms(50);
	assert_int_equal(pause(), -1);
	assert_int_equal(errno, EINTR);
	assert_int_equal(hits, 2);
	set_default(SIGALRM);
	set_default(SIGUSR1);
}

void test_sigwait_and_sigtimedwait_take_pending_signals(void **state)
{
	sigset_t set, old;
	siginfo_t si;
	struct timespec ts = { 0, 50 * MS };
	int sig = 0;
	pid_t c;

	(void)state;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	assert_int_equal(sigprocmask(SIG_BLOCK, &set, &old), 0);
	assert_int_equal(kill(getpid(), SIGUSR2), 0);
	assert_int_equal(sigwait(&set, &sig), 0);
	assert_int_equal(sig, SIGUSR2);
	/* Nothing pending: the timeout. */
	assert_int_equal(sigtimedwait(&set, &si, &ts), -1);
	assert_int_equal(errno, EAGAIN);
	/* From a child: sigwaitinfo says who. */
	c = fork();
	if (c == 0) {
		sleep_ms(30);
		_exit(kill(getppid(), SIGUSR2) == 0 ? 0 : 1);
	}
	memset(&si, 0, sizeof(si));
	assert_int_equal(sigwaitinfo(&set, &si), SIGUSR2);
	assert_int_equal(si.si_signo, SIGUSR2);
	assert_int_equal(si.si_pid, c);
	assert_int_equal(si.si_code, SI_USER);
	assert_exited(reap(c), 0);
	assert_int_equal(sigprocmask(SIG_SETMASK, &old, NULL), 0);
}

void test_sigchld_reports_the_exit(void **state)
{
	pid_t c;

	(void)state;
	hits = 0;
	got_code = got_status = got_pid = 0;
	set_action(SIGCHLD, on_info, 0);
	c = fork();
	if (c == 0)
		_exit(7);
	assert_int_equal(wait_flag(&hits, 1), 1);
	assert_int_equal(got_sig, SIGCHLD);
	assert_int_equal(got_code, CLD_EXITED);
	assert_int_equal(got_status, 7);
	assert_int_equal(got_pid, c);
	assert_exited(reap(c), 7);
	/* A kill shows as CLD_KILLED with the signal. */
	hits = 0;
	c = fork();
	if (c == 0)
		for (;;)
			pause();
	assert_int_equal(kill(c, SIGTERM), 0);
	assert_int_equal(wait_flag(&hits, 1), 1);
	assert_int_equal(got_code, CLD_KILLED);
	assert_int_equal(got_status, SIGTERM);
	assert_killed(reap(c), SIGTERM);
	set_default(SIGCHLD);
}

void test_sa_nocldwait_leaves_no_zombies(void **state)
{
	pid_t c;
	int st;

	(void)state;
	set_handler(SIGCHLD, SIG_DFL, SA_NOCLDWAIT);
	c = fork();
	if (c == 0)
		_exit(0);
	/* wait blocks until the child is gone, then has nobody to report. */
	assert_int_equal(waitpid(-1, &st, 0), -1);
	assert_int_equal(errno, ECHILD);
	assert_int_equal(state_of(c), 0);
	/* SIG_IGN for SIGCHLD does the same. */
	set_handler(SIGCHLD, SIG_IGN, 0);
	c = fork();
	if (c == 0)
		_exit(0);
	assert_int_equal(waitpid(c, &st, 0), -1);
	assert_int_equal(errno, ECHILD);
	set_default(SIGCHLD);
	/* And back: zombies again. */
	c = fork();
	if (c == 0)
		_exit(2);
	assert_exited(reap(c), 2);
}

void test_abort_kills_with_sigabrt(void **state)
{
	pid_t c;

	(void)state;
	c = fork();
	if (c == 0)
		abort();
	assert_killed(reap(c), SIGABRT);
	/* Even with a handler that returns. */
	c = fork();
	if (c == 0) {
		signal(SIGABRT, count);
		abort();
	}
	assert_killed(reap(c), SIGABRT);
}

void test_a_write_to_a_pipe_without_readers_raises_sigpipe(void **state)
{
	int p[2];
	pid_t c;

	(void)state;
	assert_int_equal(pipe(p), 0);
	close(p[0]);
	c = fork();
	if (c == 0) {
		(void)!write(p[1], "x", 1);
		_exit(0);
	}
	assert_killed(reap(c), SIGPIPE);
	/* Ignored: EPIPE instead. */
	set_handler(SIGPIPE, SIG_IGN, 0);
	assert_int_equal(write(p[1], "x", 1), -1);
	assert_int_equal(errno, EPIPE);
	/* Caught: the handler runs, then EPIPE. */
	hits = 0;
	set_handler(SIGPIPE, count, 0);
	assert_int_equal(write(p[1], "x", 1), -1);
	assert_int_equal(errno, EPIPE);
	assert_int_equal(hits, 1);
	set_default(SIGPIPE);
	close(p[1]);
}
