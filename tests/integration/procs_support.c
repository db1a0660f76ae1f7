/*
 * tests/integration/procs_support.c — what the files of the `procs` test
 * share (procs.h): sleeping and polling, reaping with assertions on the
 * status, installing signal handlers and the real-time timer, writing a
 * file, procs_child copied into Exo's /bin, and a process's state as the
 * process server lists it.
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
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <exo/posix.h>
#include <exo/proc.h>
#include "procs.h"

const char *child_host_path;

volatile sig_atomic_t hits;
volatile sig_atomic_t got_pid, got_uid, got_code, got_status, got_sig;

void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * MS };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Wait up to 10 s for *flag to become at least want. */
int wait_flag(volatile sig_atomic_t *flag, int want)
{
	for (int i = 0; i < 1000 && *flag < want; i++)
		sleep_ms(10);
	return *flag;
}

/* Reap pid (no interruption expected); its status. */
int reap(pid_t pid)
{
	int st = -1;
	pid_t r;

	do
		r = waitpid(pid, &st, 0);
	while (r < 0 && errno == EINTR);
	assert_int_equal(r, pid);
	return st;
}

void assert_exited(int st, int code)
{
	if (!WIFEXITED(st))
		fprintf(stderr, "status %#x: not an exit (signal %d)\n", st, WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), code);
}

void assert_killed(int st, int sig)
{
	if (!WIFSIGNALED(st))
		fprintf(stderr, "status %#x: not killed by signal %d\n", st, sig);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), sig);
}

void set_handler(int sig, void (*h)(int), int flags)
{
	struct sigaction a;

	memset(&a, 0, sizeof(a));
	a.sa_handler = h;
	a.sa_flags = flags;
	sigemptyset(&a.sa_mask);
	assert_int_equal(sigaction(sig, &a, NULL), 0);
}

void set_action(int sig, void (*h)(int, siginfo_t *, void *), int flags)
{
	struct sigaction a;

	memset(&a, 0, sizeof(a));
	a.sa_sigaction = h;
	a.sa_flags = flags | SA_SIGINFO;
	sigemptyset(&a.sa_mask);
	assert_int_equal(sigaction(sig, &a, NULL), 0);
}

void set_default(int sig)
{
	set_handler(sig, SIG_DFL, 0);
}

void arm_timer_ms(long ms)
{
	struct itimerval it = { { 0, 0 }, { ms / 1000, (ms % 1000) * 1000 } };

	assert_int_equal(setitimer(ITIMER_REAL, &it, NULL), 0);
}

void disarm_timer(void)
{
	struct itimerval it = { { 0, 0 }, { 0, 0 } };

	assert_int_equal(setitimer(ITIMER_REAL, &it, NULL), 0);
}

void write_file(const char *path, const void *data, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
	assert_int_equal(chmod(path, mode), 0);
}

void count(int sig)
{
	(void)sig;
	hits++;
}

void on_info(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_sig = sig;
	got_pid = si->si_pid;
	got_uid = (sig_atomic_t)si->si_uid;
	got_code = si->si_code;
	got_status = si->si_status;
	hits++;
}

/* Copy the host's procs_child into Exo's /bin (the host's open and read, past libposix). */
void install_child(void)
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

int run_child(char *const argv[], char *const envp[])
{
	pid_t c = fork();

	if (c == 0) {
		execve(argv[0], argv, envp);
		_exit(100 + errno);
	}
	assert_true(c > 0);
	return reap(c);
}

char state_of(pid_t pid)
{
	static struct proc_info info[PROC_MAX];
	int n = exo_ps(info, PROC_MAX);

	for (int i = 0; i < n; i++)
		if (info[i].pid == pid)
			return info[i].state;
	return 0;
}
