/*
 * bench/proc.c — processes and signals on Exo against the host, same run,
 * same CPU.
 *
 *   proc-fork-exec-wait  fork + exec of a trivial program + waitpid for it,
 *                        ns per process. Exo: libposix's fork (the process
 *                        server, copy-on-write in the memory server, the
 *                        VFS's descriptor table, a host double fork), execv of
 *                        /bin/bench_proc_true from Exo's ramfs (read through
 *                        the VFS, run from a memfd), waitpid through the
 *                        process server. Host: glibc's fork, execve of
 *                        bench_proc_true_host (no libposix) and wait4.
 *   proc-signal          kill(getpid(), SIG) until its handler has run, ns
 *                        per signal. Exo: kill through the process server,
 *                        which has exosim queue it to this process, and
 *                        libposix's upcall runs the handler. Host: the kill
 *                        system call and a plain glibc handler.
 *
 *   exosim -q --boot bench/proc.boot --exec bench_proc bench_proc_true bench_proc_true_host
 *   (./exo bench proc)
 *
 * The host calls come from glibc past libposix (dlsym RTLD_NEXT, raw system
 * calls). Batches of both sides alternate; the last lines are
 * `proc-NAME: exo=<ns> host=<ns> ratio=<exo/host>`, medians of the batches.
 * Every space runs on exosim's CPU; host children inherit this program's
 * placement, so they run there too.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <exo/exo.h>

#include "bench.h"

#define ROUNDS 15
#define FORKS 20      /* processes per batch */
#define SIGNALS 2000  /* signals per batch */
#define EXO_TRUE "/bin/bench_proc_true"

extern char **environ;

static const char *host_true;
static volatile sig_atomic_t exo_hits, host_hits;

static void *host_sym(const char *name)
{
	void *f = dlsym(RTLD_NEXT, name);

	if (!f) {
		fprintf(stderr, "bench_proc: no host %s\n", name);
		exit(1);
	}
	return f;
}

/* Copy the host file at `from` into Exo's ramfs at `to` (host read, Exo write). */
static int install(const char *from, const char *to)
{
	static char buf[1 << 16];
	int in = (int)syscall(SYS_openat, AT_FDCWD, from, O_RDONLY | O_CLOEXEC), out;
	long n;

	if (in < 0) {
		fprintf(stderr, "bench_proc: %s: %s\n", from, strerror(errno));
		return -1;
	}
	mkdir("/bin", 0755);
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	if (out < 0)
		return -1;
	while ((n = syscall(SYS_read, in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			return -1;
	syscall(SYS_close, in);
	close(out);
	return chmod(to, 0755);
}

/* ns per fork + exec + wait on Exo. */
static double exo_spawns(void)
{
	char *argv[] = { EXO_TRUE, NULL };
	uint64_t t0 = bench_now_ns();

	for (int i = 0; i < FORKS; i++) {
		int st;
		pid_t c = fork();

		if (c == 0) {
			execv(EXO_TRUE, argv);
			_exit(127);
		}
		if (c < 0 || waitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			fprintf(stderr, "bench_proc: an Exo child failed (%s)\n", strerror(errno));
			exit(1);
		}
	}
	return (double)(bench_now_ns() - t0) / FORKS;
}

/* ns per fork + exec + wait on the host. */
static double host_spawns(void)
{
	pid_t (*h_fork)(void) = (pid_t(*)(void))host_sym("fork");
	char *argv[] = { (char *)host_true, NULL };
	uint64_t t0 = bench_now_ns();

	for (int i = 0; i < FORKS; i++) {
		int st = 0;
		pid_t c = h_fork();

		if (c == 0) {
			syscall(SYS_execve, host_true, argv, environ);
			syscall(SYS_exit_group, 127);
		}
		if (c < 0 || syscall(SYS_wait4, c, &st, 0, NULL) != c || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			fprintf(stderr, "bench_proc: a host child failed\n");
			exit(1);
		}
	}
	return (double)(bench_now_ns() - t0) / FORKS;
}

static void on_exo(int sig)
{
	(void)sig;
	exo_hits++;
}

static void on_host(int sig)
{
	(void)sig;
	host_hits++;
}

/* ns per kill-to-self round trip on Exo (SIGUSR1 through the process server). */
static double exo_signals(void)
{
	pid_t me = getpid();
	uint64_t t0 = bench_now_ns();

	for (int i = 0; i < SIGNALS; i++) {
		sig_atomic_t want = exo_hits + 1;

		if (kill(me, SIGUSR1) != 0) {
			fprintf(stderr, "bench_proc: kill: %s\n", strerror(errno));
			exit(1);
		}
		while (exo_hits < want)
			;
	}
	return (double)(bench_now_ns() - t0) / SIGNALS;
}

/* ns per kill-to-self round trip on the host (SIGUSR2, the kill system call). */
static double host_signals(void)
{
	long me = syscall(SYS_getpid);
	uint64_t t0 = bench_now_ns();

	for (int i = 0; i < SIGNALS; i++) {
		sig_atomic_t want = host_hits + 1;

		syscall(SYS_kill, me, SIGUSR2);
		while (host_hits < want)
			;
	}
	return (double)(bench_now_ns() - t0) / SIGNALS;
}

static void report(const char *name, double *exo, double *host)
{
	double e = bench_median(exo, ROUNDS), h = bench_median(host, ROUNDS);

	printf("%s: exo=%.0f host=%.0f ratio=%.2f\n", name, e, h, e / h);
}

int main(int argc, char **argv)
{
	int (*h_sigaction)(int, const struct sigaction *, struct sigaction *) =
		(int (*)(int, const struct sigaction *, struct sigaction *))host_sym("sigaction");
	double spawn_exo[ROUNDS], spawn_host[ROUNDS], sig_exo[ROUNDS], sig_host[ROUNDS];
	struct sigaction a;
	exo_kinfo_t ki;

	if (argc != 3) {
		fprintf(stderr, "usage: bench_proc BENCH_PROC_TRUE BENCH_PROC_TRUE_HOST\n");
		return 2;
	}
	host_true = argv[2];
	if (install(argv[1], EXO_TRUE) < 0) {
		fprintf(stderr, "bench_proc: cannot install %s in Exo's /bin\n", argv[1]);
		return 1;
	}
	/* Exo's handler through libposix; the host's straight into glibc. */
	signal(SIGUSR1, on_exo);
	memset(&a, 0, sizeof(a));
	a.sa_handler = on_host;
	sigemptyset(&a.sa_mask);
	h_sigaction(SIGUSR2, &a, NULL);
	if (exo_kernel_info(&ki) == EXO_OK && ki.cpu >= 0)
		printf("placement: exosim, every server, this program and all children (Exo's and the host's) on CPU %d\n",
		       ki.cpu);
	else
		printf("placement: left to the host scheduler (exosim --cpu all)\n");
	printf("exo: libposix fork/execv/waitpid and kill through the process server; host: glibc fork, "
	       "execve, wait4, kill\n");
	/* Warm both paths up once. */
	exo_spawns();
	host_spawns();
	for (int r = 0; r < ROUNDS; r++) {
		spawn_exo[r] = exo_spawns();
		spawn_host[r] = host_spawns();
		sig_exo[r] = exo_signals();
		sig_host[r] = host_signals();
	}
	report("proc-fork-exec-wait", spawn_exo, spawn_host);
	report("proc-signal", sig_exo, sig_host);
	return 0;
}
