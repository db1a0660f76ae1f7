/*
 * tests/integration/procs.c — processes and signals through libposix and
 * the process server, on a booted system (proc.boot: console, memory,
 * VFS, scheduler, proc). Run as
 *   exosim --cpu auto --boot proc.boot --exec procs PROCS_CHILD
 * where PROCS_CHILD is the host path of procs_child, which the test copies
 * into Exo's /bin to exec it from there.
 *
 * The test itself is a process the process server adopted: no parent and,
 * until the last test makes one, no init. A forked child never returns into
 * CMocka: it checks what it must and _exits with a code naming the first
 * failed check, and the parent asserts on the status.
 *
 * Time assertions are lower bounds only; waits for asynchronous signals
 * poll with a generous limit.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
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
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <exo/errno.h>
#include <exo/exo.h>
#include <exo/posix.h>
#include <exo/proc.h>
#include "proc_proto.h"

#define MS 1000000L

static const char *child_host_path;
extern char **environ;

/* ---- helpers ---- */

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * MS };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Wait up to 10 s for *flag to become at least want. */
static int wait_flag(volatile sig_atomic_t *flag, int want)
{
	for (int i = 0; i < 1000 && *flag < want; i++)
		sleep_ms(10);
	return *flag;
}

/* Reap pid (no interruption expected); its status. */
static int reap(pid_t pid)
{
	int st = -1;
	pid_t r;

	do
		r = waitpid(pid, &st, 0);
	while (r < 0 && errno == EINTR);
	assert_int_equal(r, pid);
	return st;
}

static void assert_exited(int st, int code)
{
	if (!WIFEXITED(st))
		fprintf(stderr, "status %#x: not an exit (signal %d)\n", st, WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), code);
}

static void assert_killed(int st, int sig)
{
	if (!WIFSIGNALED(st))
		fprintf(stderr, "status %#x: not killed by signal %d\n", st, sig);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), sig);
}

static void set_handler(int sig, void (*h)(int), int flags)
{
	struct sigaction a;

	memset(&a, 0, sizeof(a));
	a.sa_handler = h;
	a.sa_flags = flags;
	sigemptyset(&a.sa_mask);
	assert_int_equal(sigaction(sig, &a, NULL), 0);
}

static void set_action(int sig, void (*h)(int, siginfo_t *, void *), int flags)
{
	struct sigaction a;

	memset(&a, 0, sizeof(a));
	a.sa_sigaction = h;
	a.sa_flags = flags | SA_SIGINFO;
	sigemptyset(&a.sa_mask);
	assert_int_equal(sigaction(sig, &a, NULL), 0);
}

static void set_default(int sig)
{
	set_handler(sig, SIG_DFL, 0);
}

static void arm_timer_ms(long ms)
{
	struct itimerval it = { { 0, 0 }, { ms / 1000, (ms % 1000) * 1000 } };

	assert_int_equal(setitimer(ITIMER_REAL, &it, NULL), 0);
}

static void disarm_timer(void)
{
	struct itimerval it = { { 0, 0 }, { 0, 0 } };

	assert_int_equal(setitimer(ITIMER_REAL, &it, NULL), 0);
}

static void write_file(const char *path, const void *data, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static volatile sig_atomic_t hits, depth, max_depth;
static volatile sig_atomic_t got_pid, got_uid, got_code, got_status, got_sig;

static void count(int sig)
{
	(void)sig;
	hits++;
}

/* ---- fork ---- */

static void test_fork_returns_twice_with_distinct_pids(void **state)
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

static void test_fork_shares_file_offsets(void **state)
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

static void test_fork_copies_memory(void **state)
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

static void test_exit_runs_atexit_and_flushes_stdio(void **state)
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

/* ---- exec ---- */

/* Copy the host's procs_child into Exo's /bin (the host's open and read, past libposix). */
static void install_child(void)
{
	int (*h_open)(const char *, int, ...) = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
	ssize_t (*h_read)(int, void *, size_t) = (ssize_t(*)(int, void *, size_t))dlsym(RTLD_NEXT, "read");
	int (*h_close)(int) = (int (*)(int))dlsym(RTLD_NEXT, "close");
	static char buf[1 << 16];
	int in, out;
	ssize_t n;
	struct stat st;

	if (stat("/bin/procs_child", &st) == 0)
		return;
	assert_non_null(h_open);
	in = h_open(child_host_path, O_RDONLY);
	assert_true(in >= 0);
	mkdir("/bin", 0755);
	out = open("/bin/procs_child", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(out >= 0);
	while ((n = h_read(in, buf, sizeof(buf))) > 0)
		assert_int_equal(write(out, buf, (size_t)n), n);
	assert_int_equal(n, 0);
	h_close(in);
	assert_int_equal(close(out), 0);
	assert_int_equal(chmod("/bin/procs_child", 0755), 0);
}

static void test_exec_of_missing_nonexecutable_and_non_elf_files_fails(void **state)
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

static int run_child(char *const argv[], char *const envp[])
{
	pid_t c = fork();

	if (c == 0) {
		execve(argv[0], argv, envp);
		_exit(100 + errno);
	}
	assert_true(c > 0);
	return reap(c);
}

static void test_exec_runs_a_program_with_argv_and_envp(void **state)
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

static void test_exec_closes_close_on_exec_descriptors(void **state)
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

static void test_exec_of_a_script_runs_its_interpreter(void **state)
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

static void test_exec_resets_caught_signals_and_keeps_ignored_ones(void **state)
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

/* ---- wait ---- */

static void test_waitpid_nohang_is_zero_while_the_child_runs(void **state)
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

static void test_waitpid_selects_by_pid_group_and_any(void **state)
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

static void test_wait_without_children_is_echild(void **state)
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

static void test_waitpid_reports_stop_and_continue(void **state)
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

/* A raw request to the process server: the reply's label (0 or an XE_* errno). */
static uint32_t proc_raw(uint32_t label, unsigned u, const uint64_t *w, const void *data, uint32_t len,
			 int offer)
{
	static char rbuf[16];
	exo_tid_t srv = EXO_NILTHREAD;
	exo_msg_t m;
	unsigned idx = u;
	exo_err err;

	assert_int_equal(exo_lookup(PROC_NAME, &srv, exo_timeout_ms(5000)), EXO_OK);
	memset(&m, 0, sizeof(m));
	if (u)
		memcpy(m.mr, w, u * sizeof(uint64_t));
	if (data)
		idx = exo_msg_put_string(&m, idx, data, len);
	m.tag = exo_tag(label, u, idx - u);
	if (offer)
		exo_msg_accept_string(&m, rbuf, sizeof(rbuf)); /* smaller than any process table */
	err = exo_call(srv, &m, exo_timeout_ms(5000), exo_timeout_ms(5000));
	if (err != EXO_OK)
		return 0x10000u + (uint32_t)err;
	return exo_tag_label(m.tag);
}

/* Bad requests get errors; the process server keeps answering everyone. */
static void test_the_process_server_refuses_hostile_requests(void **state)
{
	uint64_t w[6] = { 0 };
	uint32_t junk[40] = { 0 };
	pid_t me = getpid();

	(void)state;
	assert_int_equal(proc_raw(0, 0, w, NULL, 0, 0), XE_ENOSYS);
	assert_int_equal(proc_raw(999, 0, w, NULL, 0, 0), XE_ENOSYS);
	assert_int_equal(proc_raw(0x7fffffff, 0, w, NULL, 0, 0), XE_ENOSYS);
	/* Word counts that are not the operation's. */
	assert_int_equal(proc_raw(PROC_KILL, 1, w, NULL, 0, 0), XE_EINVAL);
	assert_int_equal(proc_raw(PROC_IDS, 3, w, NULL, 0, 0), XE_EINVAL);
	/* FORK with the word count of before (no message range), of nothing, of itself, of a space past 32 bits. */
	w[1] = w[2] = 0;
	assert_int_equal(proc_raw(PROC_FORK, 1, w, NULL, 0, 0), XE_EINVAL);
	w[0] = 0;
	assert_int_equal(proc_raw(PROC_FORK, 3, w, NULL, 0, 0), XE_EINVAL);
	w[0] = exo_my_space();
	assert_int_equal(proc_raw(PROC_FORK, 3, w, NULL, 0, 0), XE_EINVAL);
	w[0] = 1ull << 40;
	assert_int_equal(proc_raw(PROC_FORK, 3, w, NULL, 0, 0), XE_EINVAL);
	/* WAIT with unknown options or a selector out of range. */
	w[0] = (uint64_t)-1, w[1] = 0x1000;
	assert_int_equal(proc_raw(PROC_WAIT, 2, w, NULL, 0, 0), XE_EINVAL);
	w[0] = 1ull << 40, w[1] = PW_NOHANG;
	assert_int_equal(proc_raw(PROC_WAIT, 2, w, NULL, 0, 0), XE_EINVAL);
	/* KILL: a signal that is none, a pid nobody has. */
	w[0] = (uint64_t)me, w[1] = 77;
	assert_int_equal(proc_raw(PROC_KILL, 2, w, NULL, 0, 0), XE_EINVAL);
	w[0] = 1ull << 40, w[1] = 0;
	assert_int_equal(proc_raw(PROC_KILL, 2, w, NULL, 0, 0), XE_ESRCH);
	/* SETIDS of an unknown kind; SETGROUPS whose count and data differ. */
	w[0] = 7;
	assert_int_equal(proc_raw(PROC_SETIDS, 4, w, NULL, 0, 0), XE_EINVAL);
	w[0] = 3;
	assert_int_equal(proc_raw(PROC_SETGROUPS, 1, w, junk, 8, 0), XE_EINVAL);
	w[0] = 40;
	assert_int_equal(proc_raw(PROC_SETGROUPS, 1, w, junk, sizeof(junk), 0), XE_EINVAL);
	/* Timers too long, limits of nothing, a foreground group that is none. */
	w[0] = ~0ull, w[1] = 0;
	assert_int_equal(proc_raw(PROC_ITIMER, 2, w, NULL, 0, 0), XE_EINVAL);
	w[0] = 99, w[1] = 0;
	assert_int_equal(proc_raw(PROC_RLIMIT, 4, w, NULL, 0, 0), XE_EINVAL);
	w[0] = (uint64_t)-5;
	assert_int_equal(proc_raw(PROC_TCSETPGRP, 1, w, NULL, 0, 0), XE_EINVAL);
	/* Only the console may ask for its keys' signals. */
	w[0] = SIGINT;
	assert_int_equal(proc_raw(PROC_TTYSIG, 1, w, NULL, 0, 0), XE_EPERM);
	/* A LIST whose answer does not fit: the call fails, the server goes on. */
	assert_int_not_equal(proc_raw(PROC_LIST, 0, w, NULL, 0, 1), 0);
	/* Nothing held back to cancel. */
	assert_int_equal(proc_raw(EXO_LABEL_CANCEL, 0, w, NULL, 0, 0), 0);
	/* Still serving, with the same answers. */
	assert_int_equal(getpid(), me);
	assert_int_equal(kill(me, 0), 0);
}

static void test_wait4_reports_rusage(void **state)
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

static char state_of(pid_t pid)
{
	static struct proc_info info[PROC_MAX];
	int n = exo_ps(info, PROC_MAX);

	for (int i = 0; i < n; i++)
		if (info[i].pid == pid)
			return info[i].state;
	return 0;
}

static void test_a_child_stays_a_zombie_until_waited_for(void **state)
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

static void test_an_orphan_without_init_has_no_parent(void **state)
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

static void test_a_fork_bomb_hits_the_process_limit(void **state)
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

/* ---- signals ---- */

static void test_a_handler_runs_once_per_signal(void **state)
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

static void on_info(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_sig = sig;
	got_pid = si->si_pid;
	got_uid = (sig_atomic_t)si->si_uid;
	got_code = si->si_code;
	got_status = si->si_status;
	hits++;
}

static void test_sa_siginfo_carries_the_sender(void **state)
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

static void test_a_blocked_signal_is_pending_until_unblocked(void **state)
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

static void test_sa_resethand_runs_the_handler_once(void **state)
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

static void test_sa_nodefer_lets_a_handler_be_interrupted_by_its_signal(void **state)
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

static void test_sigkill_and_sigstop_cannot_be_caught_or_blocked(void **state)
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

static void test_a_pipe_read_fails_with_eintr_without_sa_restart(void **state)
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

static void test_a_pipe_read_restarts_with_sa_restart(void **state)
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

static void test_a_pipe_write_fails_with_eintr_and_counts_nothing(void **state)
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

static void test_sleep_and_nanosleep_are_interrupted(void **state)
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

static void test_waitpid_is_interrupted(void **state)
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

static void test_sigsuspend_and_pause_wait_for_a_signal(void **state)
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

static void test_sigwait_and_sigtimedwait_take_pending_signals(void **state)
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

static void test_alarm_and_interval_timers(void **state)
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

static void test_sigchld_reports_the_exit(void **state)
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

static void test_sa_nocldwait_leaves_no_zombies(void **state)
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

static void test_kill_needs_permission(void **state)
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

static void test_kill_and_killpg_signal_a_group(void **state)
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

static void test_setpgid_setsid_and_getsid_rules(void **state)
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

static void test_abort_kills_with_sigabrt(void **state)
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

static void test_a_write_to_a_pipe_without_readers_raises_sigpipe(void **state)
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

static void test_the_console_foreground_group(void **state)
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

/* Runs last: it makes a child init (pid 1) for a while. */
static void test_orphans_go_to_init_which_reaps_them(void **state)
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

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fork_returns_twice_with_distinct_pids),
		cmocka_unit_test(test_fork_shares_file_offsets),
		cmocka_unit_test(test_fork_copies_memory),
		cmocka_unit_test(test_exit_runs_atexit_and_flushes_stdio),
		cmocka_unit_test(test_exec_of_missing_nonexecutable_and_non_elf_files_fails),
		cmocka_unit_test(test_exec_runs_a_program_with_argv_and_envp),
		cmocka_unit_test(test_exec_closes_close_on_exec_descriptors),
		cmocka_unit_test(test_exec_of_a_script_runs_its_interpreter),
		cmocka_unit_test(test_exec_resets_caught_signals_and_keeps_ignored_ones),
		cmocka_unit_test(test_waitpid_nohang_is_zero_while_the_child_runs),
		cmocka_unit_test(test_waitpid_selects_by_pid_group_and_any),
		cmocka_unit_test(test_wait_without_children_is_echild),
		cmocka_unit_test(test_waitpid_reports_stop_and_continue),
		cmocka_unit_test(test_wait4_reports_rusage),
		cmocka_unit_test(test_the_process_server_refuses_hostile_requests),
		cmocka_unit_test(test_a_child_stays_a_zombie_until_waited_for),
		cmocka_unit_test(test_an_orphan_without_init_has_no_parent),
		cmocka_unit_test(test_a_fork_bomb_hits_the_process_limit),
		cmocka_unit_test(test_a_handler_runs_once_per_signal),
		cmocka_unit_test(test_sa_siginfo_carries_the_sender),
		cmocka_unit_test(test_a_blocked_signal_is_pending_until_unblocked),
		cmocka_unit_test(test_sa_resethand_runs_the_handler_once),
		cmocka_unit_test(test_sa_nodefer_lets_a_handler_be_interrupted_by_its_signal),
		cmocka_unit_test(test_sigkill_and_sigstop_cannot_be_caught_or_blocked),
		cmocka_unit_test(test_a_pipe_read_fails_with_eintr_without_sa_restart),
		cmocka_unit_test(test_a_pipe_read_restarts_with_sa_restart),
		cmocka_unit_test(test_a_pipe_write_fails_with_eintr_and_counts_nothing),
		cmocka_unit_test(test_sleep_and_nanosleep_are_interrupted),
		cmocka_unit_test(test_waitpid_is_interrupted),
		cmocka_unit_test(test_sigsuspend_and_pause_wait_for_a_signal),
		cmocka_unit_test(test_sigwait_and_sigtimedwait_take_pending_signals),
		cmocka_unit_test(test_alarm_and_interval_timers),
		cmocka_unit_test(test_sigchld_reports_the_exit),
		cmocka_unit_test(test_sa_nocldwait_leaves_no_zombies),
		cmocka_unit_test(test_kill_needs_permission),
		cmocka_unit_test(test_kill_and_killpg_signal_a_group),
		cmocka_unit_test(test_setpgid_setsid_and_getsid_rules),
		cmocka_unit_test(test_abort_kills_with_sigabrt),
		cmocka_unit_test(test_a_write_to_a_pipe_without_readers_raises_sigpipe),
		cmocka_unit_test(test_the_console_foreground_group),
		cmocka_unit_test(test_orphans_go_to_init_which_reaps_them),
	};

	if (argc != 2) {
		fprintf(stderr, "usage: procs PROCS_CHILD\n");
		return 2;
	}
	child_host_path = argv[1];
	mkdir("/tmp", 01777);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
