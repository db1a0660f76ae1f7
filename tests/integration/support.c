/*
 * tests/integration/support.c — see support.h.
 */
#define _GNU_SOURCE
#include "support.h"

#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/*
 * The host's fork, waitpid and kill: these tests want a child that joins
 * the kernel as a fresh space of its own (the kernel and server tests), not
 * an Exo process made by libposix's fork through the process server.
 */
static void *host_fn(const char *name)
{
	void *f = dlsym(RTLD_NEXT, name);

	if (!f) {
		fprintf(stderr, "support: no host %s\n", name);
		abort();
	}
	return f;
}

static pid_t host_fork(void)
{
	return ((pid_t(*)(void))host_fn("fork"))();
}

static pid_t host_waitpid(pid_t pid, int *st, int opt)
{
	return ((pid_t(*)(pid_t, int *, int))host_fn("waitpid"))(pid, st, opt);
}

static int host_kill(pid_t pid, int sig)
{
	return ((int (*)(pid_t, int))host_fn("kill"))(pid, sig);
}

pid_t t_fork_echo(const char *name)
{
	pid_t pid = host_fork();

	if (pid == 0)
		t_echo_serve(name);
	return pid;
}

pid_t t_fork(int (*fn)(void *), void *arg)
{
	pid_t pid = host_fork();

	if (pid == 0)
		_exit(fn(arg));
	return pid;
}

int t_wait(pid_t pid)
{
	int st = 0;

	if (host_waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int t_kill(pid_t pid)
{
	host_kill(pid, SIGKILL);
	return t_wait(pid);
}

exo_tid_t t_lookup(const char *name)
{
	exo_tid_t t = EXO_NILTHREAD;
	exo_err err = exo_lookup(name, &t, exo_timeout_ms(30000));

	if (err != EXO_OK) {
		fprintf(stderr, "lookup %s: %s\n", name, exo_strerror(err));
		abort();
	}
	return t;
}

uint64_t t_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint32_t t_wait_threads(uint32_t threads)
{
	exo_kinfo_t ki = { 0 };

	for (int i = 0; i < 3000; i++) {
		if (exo_kernel_info(&ki) == EXO_OK && ki.threads == threads)
			break;
		usleep(10000);
	}
	return ki.threads;
}
