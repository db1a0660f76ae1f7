/*
 * tests/integration/procs_fork.c — fork and exit: two returns with distinct
 * pids, shared file offsets, copied memory, atexit handlers and stdio
 * flushed by exit, and a fork bomb stopped by RLIMIT_NPROC.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "procs.h"

void test_fork_returns_twice_with_distinct_pids(void **state)
{
	int p[2];
	pid_t me = getpid(), c, seen[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	c = fork();
	assert_true(c >= 0);
	if (c == 0) {
		pid_t w[2] = { getpid(), getppid() };

		_exit(write(p[1], w, sizeof(w)) == sizeof(w) ? 0 : 1);
	}
	assert_int_not_equal(c, me);
	assert_int_equal(getpid(), me);
	assert_int_equal(read(p[0], seen, sizeof(seen)), sizeof(seen));
	assert_int_equal(seen[0], c);  /* the child's own pid is what fork told the parent */
	assert_int_equal(seen[1], me); /* and its parent is the caller */
	assert_exited(reap(c), 0);
	close(p[0]);
	close(p[1]);
}

void test_fork_shares_file_offsets(void **state)
{
	int fd = open("/tmp/offsets", O_RDWR | O_CREAT | O_TRUNC, 0644);
	char buf[16] = { 0 };
	pid_t c;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "abc", 3), 3);
	c = fork();
	if (c == 0)
		_exit(write(fd, "defg", 4) == 4 ? 0 : 1);
	assert_exited(reap(c), 0);
	/* The child moved the offset of the open file description both share. */
	assert_int_equal(lseek(fd, 0, SEEK_CUR), 7);
	assert_int_equal(pread(fd, buf, sizeof(buf), 0), 7);
	assert_string_equal(buf, "abcdefg");
	close(fd);
}

static int global_value = 1;

void test_fork_copies_memory(void **state)
{
	char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int p[2];
	pid_t c;
	char b;

	(void)state;
	assert_true(page != MAP_FAILED);
	memset(page, 'A', 4096);
	global_value = 1;
	assert_int_equal(pipe(p), 0);
	c = fork();
	if (c == 0) {
		global_value = 2;
		memset(page, 'B', 4096);
		/* The child sees its own writes... */
		if (global_value != 2 || page[100] != 'B')
			_exit(1);
		/* ...and not the parent's later ones. */
		if (read(p[0], &b, 1) != 1 || global_value != 2 || page[4000] != 'B')
			_exit(2);
		_exit(0);
	}
	sleep_ms(20);
	assert_int_equal(global_value, 1);
	global_value = 3;
	page[4000] = 'C';
	assert_int_equal(write(p[1], "x", 1), 1);
	assert_exited(reap(c), 0);
	/* Copy-on-write: the parent's page and global are its own. */
	assert_int_equal(global_value, 3);
	assert_int_equal(page[100], 'A');
	assert_int_equal(page[4000], 'C');
	munmap(page, 4096);
	close(p[0]);
	close(p[1]);
}

static void on_exit_write(void)
{
	/* fd 9: set up by the child below */
	(void)!write(9, "x", 1);
}

void test_exit_runs_atexit_and_flushes_stdio(void **state)
{
	int p[2];
	char buf[32] = { 0 };
	pid_t c;

	(void)state;
	assert_int_equal(pipe(p), 0);
	c = fork();
	if (c == 0) {
		FILE *f;

		dup2(p[1], 9);
		atexit(on_exit_write);
		f = fdopen(p[1], "w");
		if (!f)
			_exit(99);
		fputs("buffered", f); /* not flushed until exit */
		exit(3);
	}
	close(p[1]);
	assert_exited(reap(c), 3);
	assert_int_equal(read(p[0], buf, sizeof(buf) - 1), 9);
	/* exit() runs the handlers, then flushes the streams. */
	assert_string_equal(buf, "xbuffered");
	close(p[0]);
}

void test_a_fork_bomb_hits_the_process_limit(void **state)
{
	int p[2];
	pid_t c;

	(void)state;
	assert_int_equal(pipe(p), 0);
	c = fork();
	if (c == 0) {
		struct rlimit rl = { 12, 12 }, got;
		pid_t kids[64];
		int n = 0, err = 0, st;
		char b;

		if (setrlimit(RLIMIT_NPROC, &rl) != 0)
			_exit(90);
		if (getrlimit(RLIMIT_NPROC, &got) != 0 || got.rlim_cur != 12)
			_exit(91);
		for (;;) {
			pid_t k = fork();

			if (k == 0) {
				close(p[1]);
				(void)!read(p[0], &b, 1);
				_exit(0);
			}
			if (k < 0) {
				err = errno;
				break;
			}
			if (n == 64)
				_exit(92);
			kids[n++] = k;
		}
		close(p[1]);
		close(p[0]);
		if (err != EAGAIN)
			_exit(93);
		if (n < 1 || n >= 12)
			_exit(94);
		/* Raising the limit back is for the superuser: it is one. */
		rl.rlim_cur = rl.rlim_max = 256;
		if (setrlimit(RLIMIT_NPROC, &rl) != 0)
			_exit(95);
		for (int i = 0; i < n; i++)
			if (waitpid(kids[i], &st, 0) != kids[i] || !WIFEXITED(st))
				_exit(96);
		if (waitpid(-1, &st, 0) != -1 || errno != ECHILD)
			_exit(97);
		_exit(0);
	}
	close(p[0]);
	/* The parent keeps the write end: the bomb's children wait until the child lets them go. */
	{
		int st;
		pid_t r;

		close(p[1]);
		r = waitpid(c, &st, 0);
		assert_int_equal(r, c);
		assert_exited(st, 0);
	}
	/* The system survives: fork works again. */
	c = fork();
	if (c == 0)
		_exit(0);
	assert_exited(reap(c), 0);
}
