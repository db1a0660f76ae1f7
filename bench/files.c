/*
 * bench/files.c — files through libposix and the VFS's ramfs, against the
 * same operations on the host's tmpfs, same run, same CPU.
 *
 *   files-create  open(O_CREAT|O_WRONLY|O_TRUNC) + write 4 KiB + close of a
 *                 new file, ns per file (batches of 256 fresh names; the
 *                 files are unlinked after each batch, outside the clock)
 *   files-seq     64 MiB written, then read back, in 64 KiB calls: ns for the
 *                 whole 64 MiB (open to close; unlinked outside the clock)
 *   files-stat    stat of a/b/c/d (four components), ns per stat
 *
 *   exosim -q --boot bench/memory.boot --exec bench_files bench_files_host
 *   (./exo bench files)
 *
 * The timed code is files_work.c, compiled into this program (open, write,
 * stat are libposix's: requests to the VFS) and into bench_files_host (not
 * linked with libposix: the host kernel's). This program starts
 * bench_files_host with posix_spawn, talks to it over host pipes made and
 * used with raw system calls (libposix owns pipe, read and write here), and
 * asks it for one batch after each of its own, so both sides see the same
 * machine at the same time. Exo works in /bench-files of its private
 * ramfs, the host in a fresh directory of its tmpfs. Every space runs on
 * exosim's CPU (its --cpu default) and the host program is pinned there too.
 * The last three lines are `files-NAME: exo=<ns> host=<ns> ratio=<exo/host>`,
 * medians of the interleaved batches.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <exo/exo.h>

#include "bench.h"
#include "files_work.h"

#define ROUNDS 15
#define EXO_DIR "/bench-files"

extern char **environ;

/* The host program and the two host pipes to it. */
struct host {
	pid_t pid;
	int to;   /* its stdin */
	int from; /* its stdout */
	char tmpfs[256];
	int cpu;
};

static long host_read(int fd, void *buf, size_t n)
{
	return syscall(SYS_read, fd, buf, n);
}

static long host_write(int fd, const void *buf, size_t n)
{
	return syscall(SYS_write, fd, buf, n);
}

static void host_close(int fd)
{
	syscall(SYS_close, fd);
}

/* One line from the host program, without its newline. */
static int host_line(struct host *h, char *line, size_t size)
{
	size_t n = 0;

	while (n + 1 < size) {
		char c;

		if (host_read(h->from, &c, 1) != 1)
			return -1;
		if (c == '\n')
			break;
		line[n++] = c;
	}
	line[n] = 0;
	return 0;
}

static int host_start(struct host *h, const char *prog, int cpu)
{
	posix_spawn_file_actions_t fa;
	char cpuarg[16];
	char *argv[] = { (char *)prog, "--cpu", cpuarg, NULL };
	char line[320];
	int in[2], out[2], rc;

	snprintf(cpuarg, sizeof(cpuarg), "%d", cpu);
	if (cpu < 0)
		argv[1] = NULL;
	if (syscall(SYS_pipe2, in, O_CLOEXEC) < 0 || syscall(SYS_pipe2, out, O_CLOEXEC) < 0)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	rc = posix_spawn(&h->pid, prog, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	host_close(in[0]);
	host_close(out[1]);
	h->to = in[1];
	h->from = out[0];
	if (rc != 0) {
		fprintf(stderr, "bench: cannot start %s: %s\n", prog, strerror(rc));
		return -1;
	}
	if (host_line(h, line, sizeof(line)) < 0 || sscanf(line, "ready %255s %d", h->tmpfs, &h->cpu) != 2) {
		fprintf(stderr, "bench: %s did not start\n", prog);
		return -1;
	}
	return 0;
}

static double host_batch(struct host *h, const char *name)
{
	char line[64];
	size_t len = strlen(name);

	if (host_write(h->to, name, len) != (long)len || host_write(h->to, "\n", 1) != 1 ||
	    host_line(h, line, sizeof(line)) < 0) {
		fprintf(stderr, "bench: the host program failed in its %s batch\n", name);
		exit(1);
	}
	return strtod(line, NULL);
}

/* End of input: the host program removes its directory and exits. */
static int host_stop(struct host *h)
{
	int status;

	host_close(h->to);
	host_close(h->from);
	/* The host program is a host child, not an Exo process: the host's waitpid. */
	pid_t (*host_waitpid)(pid_t, int *, int) = (pid_t(*)(pid_t, int *, int))dlsym(RTLD_NEXT, "waitpid");

	if (!host_waitpid || host_waitpid(h->pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		fprintf(stderr, "bench: the host program did not end cleanly\n");
		return -1;
	}
	return 0;
}

static void report(const char *name, double *exo, double *host)
{
	double e = bench_median(exo, ROUNDS), h = bench_median(host, ROUNDS);

	printf("files-%s: exo=%.0f host=%.0f ratio=%.2f\n", name, e, h, e / h);
}

int main(int argc, char **argv)
{
	static struct files_work w;
	double exo[3][ROUNDS], host[3][ROUNDS];
	struct host h = { .pid = -1 };
	exo_kinfo_t ki;

	exo_init_args(&argc, argv);
	if (argc < 2) {
		fprintf(stderr, "usage: bench_files HOST-PROGRAM\n");
		return 2;
	}
	exo_kernel_info(&ki);
	if (host_start(&h, argv[1], ki.cpu) < 0)
		return 1;
	if (ki.cpu >= 0)
		printf("placement: exosim, memory server, vfs, this program and the host program all on CPU %d\n",
		       ki.cpu);
	else
		printf("placement: left to the host scheduler (exosim --cpu all)\n");
	printf("exo: the VFS's ramfs, through libposix; host: the tmpfs at %s (host program on CPU %d)\n", h.tmpfs,
	       h.cpu);
	if (mkdir(EXO_DIR, 0755) < 0 || chdir(EXO_DIR) < 0) {
		fprintf(stderr, "bench: cannot make %s in Exo: %s\n", EXO_DIR, strerror(errno));
		return 1;
	}
	files_tree_make();
	/* Warm up both sides: the VFS's tables and allocator, the host's caches. */
	files_create_batch(&w);
	files_seq_batch(&w);
	files_stat_batch(&w);
	host_batch(&h, "create");
	host_batch(&h, "seq");
	host_batch(&h, "stat");
	for (int r = 0; r < ROUNDS; r++) {
		exo[0][r] = files_create_batch(&w);
		host[0][r] = host_batch(&h, "create");
		exo[1][r] = files_seq_batch(&w);
		host[1][r] = host_batch(&h, "seq");
		exo[2][r] = files_stat_batch(&w);
		host[2][r] = host_batch(&h, "stat");
	}
	files_tree_remove();
	if (chdir("/") < 0 || rmdir(EXO_DIR) < 0 || host_stop(&h) < 0)
		return 1;
	printf("create: open(O_CREAT|O_WRONLY|O_TRUNC) + write 4 KiB + close of a new file, ns per file, "
	       "median of %d batches of %d\n",
	       ROUNDS, FILES_CREATE_BATCH);
	printf("seq: 64 MiB written then read back in 64 KiB calls, ns for the whole 64 MiB (write + read), "
	       "median of %d\n",
	       ROUNDS);
	printf("stat: stat of %s (four components deep), ns per stat, median of %d batches of %d\n", FILES_STAT_PATH,
	       ROUNDS, FILES_STAT_BATCH);
	report("create", exo[0], host[0]);
	report("seq", exo[1], host[1]);
	report("stat", exo[2], host[2]);
	return 0;
}
