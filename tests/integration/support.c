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

static void t_thread_main(void *p)
{
	struct t_thread *t = p;
	exo_msg_t m = { .tag = exo_tag(1, 1, 0) };

	m.mr[0] = (uint64_t)(uintptr_t)t->fn(t->arg);
	exo_send(t->starter, &m, EXO_TIMEOUT_NEVER);
}

int t_thread_start(struct t_thread *t, void *(*fn)(void *), void *arg)
{
	*t = (struct t_thread){ .fn = fn, .arg = arg, .starter = exo_myself() };
	return exo_thread_create(t_thread_main, t, &t->tid) == EXO_OK ? 0 : -1;
}

int t_thread_join(struct t_thread *t, void **res)
{
	exo_msg_t m = { 0 };

	if (exo_recv(t->tid, &m, exo_timeout_ms(60000)) != EXO_OK || exo_tag_untyped(m.tag) != 1)
		return -1;
	if (res)
		*res = (void *)(uintptr_t)m.mr[0];
	return 0;
}
