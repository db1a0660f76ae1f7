/*
 * tests/integration/procs_exec.c — exec: the files it refuses, argv and
 * envp through every variant, close-on-exec descriptors, scripts and their
 * interpreter, and the signal dispositions a new program starts with.
 * The program run is procs_child, installed in /bin by install_child().
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "procs.h"

extern char **environ;

void test_exec_of_missing_nonexecutable_and_non_elf_files_fails(void **state)
{
	char *argv[] = { "x", NULL };
	static const char junk[] = "this is not a program\n\001\002\003";

	(void)state;
	errno = 0;
	assert_int_equal(execv("/tmp/no-such-program", argv), -1);
	assert_int_equal(errno, ENOENT);
	write_file("/tmp/not-executable", junk, sizeof(junk), 0644);
	assert_int_equal(execv("/tmp/not-executable", argv), -1);
	assert_int_equal(errno, EACCES);
	write_file("/tmp/not-elf", junk, sizeof(junk), 0755);
	assert_int_equal(execv("/tmp/not-elf", argv), -1);
	assert_int_equal(errno, ENOEXEC);
	/* A directory is not a program either. */
	assert_int_equal(execv("/tmp", argv), -1);
	assert_int_equal(errno, EACCES);
	/* The caller goes on: still itself, still working. */
	assert_true(getpid() > 0);
	assert_int_equal(access("/tmp/not-elf", F_OK), 0);
}

void test_exec_runs_a_program_with_argv_and_envp(void **state)
{
	char *argv[] = { "/bin/procs_child", "argv", "a b", NULL };
	char *envp[] = { "PROCS_X=42", NULL };

	(void)state;
	install_child();
	setenv("PROCS_NOT_PASSED", "1", 1);
	assert_exited(run_child(argv, envp), 0);
	unsetenv("PROCS_NOT_PASSED");
	/* execvp finds it on PATH. */
	{
		pid_t c = fork();

		if (c == 0) {
			char *a[] = { "procs_child", "exit", "7", NULL };

			setenv("PATH", "/nowhere:/bin", 1);
			execvp("procs_child", a);
			_exit(100 + errno);
		}
		assert_exited(reap(c), 7);
	}
	/* The l variants: execl, execlp through PATH, execle with its own envp. */
	{
		pid_t c = fork();

		if (c == 0) {
			execl("/bin/procs_child", "procs_child", "exit", "5", (char *)NULL);
			_exit(100 + errno);
		}
		assert_exited(reap(c), 5);
		c = fork();
		if (c == 0) {
			setenv("PATH", "/nowhere:/bin", 1);
			execlp("procs_child", "procs_child", "exit", "6", (char *)NULL);
			_exit(100 + errno);
		}
		assert_exited(reap(c), 6);
		c = fork();
		if (c == 0) {
			execle("/bin/procs_child", "/bin/procs_child", "argv", "a b", (char *)NULL, envp);
			_exit(100 + errno);
		}
		assert_exited(reap(c), 0);
		c = fork();
		if (c == 0) {
			execl("/bin/no-such-program", "x", (char *)NULL);
			_exit(errno == ENOENT ? 9 : 100 + errno);
		}
		assert_exited(reap(c), 9);
	}
}

void test_exec_closes_close_on_exec_descriptors(void **state)
{
	pid_t c;

	(void)state;
	install_child();
	c = fork();
	if (c == 0) {
		int a = open("/tmp/offsets", O_RDONLY | O_CLOEXEC), b = open("/tmp/offsets", O_RDONLY);
		char sa[16], sb[16];
		char *argv[] = { "/bin/procs_child", "fds", sa, sb, NULL };

		if (a < 0 || b < 0)
			_exit(90);
		snprintf(sa, sizeof(sa), "%d", a);
		snprintf(sb, sizeof(sb), "%d", b);
		execv(argv[0], argv);
		_exit(100 + errno);
	}
	assert_exited(reap(c), 0);
}

void test_exec_of_a_script_runs_its_interpreter(void **state)
{
	static const char script[] = "#!/bin/procs_child script\necho not run\n";
	char *argv[] = { "/bin/procs.sh", "hello", NULL };

	(void)state;
	install_child();
	write_file("/bin/procs.sh", script, sizeof(script) - 1, 0755);
	assert_exited(run_child(argv, environ), 0);
	/* An interpreter that does not exist: ENOENT, from the child's exec. */
	write_file("/bin/bad.sh", "#!/bin/nothing-here\n", 20, 0755);
	{
		char *b[] = { "/bin/bad.sh", NULL };

		assert_exited(run_child(b, environ), 100 + ENOENT);
	}
}

void test_exec_resets_caught_signals_and_keeps_ignored_ones(void **state)
{
	pid_t c;

	(void)state;
	install_child();
	c = fork();
	if (c == 0) {
		char *argv[] = { "/bin/procs_child", "sigs", NULL };

		signal(SIGUSR1, count);
		signal(SIGUSR2, SIG_IGN);
		execv(argv[0], argv);
		_exit(100 + errno);
	}
	assert_killed(reap(c), SIGUSR1);
}
