/*
 * bench/files_host.c — the host side of `./exo bench files`: the batches of
 * files_work.c on the host's own tmpfs, in a program that does not link
 * libposix, so its open/write/stat are the host kernel's.
 *
 *   bench_files_host [--cpu N]
 *
 * It pins itself to CPU N (the CPU of exosim's spaces), makes a fresh
 * directory on a tmpfs (/dev/shm, else $XDG_RUNTIME_DIR if that is a
 * tmpfs), answers `ready TMPFS CPU`, then reads one batch name a line
 * (create, seq, stat) on stdin and answers each with its nanoseconds.
 * At end of input it removes its directory and exits. bench_files starts
 * it and asks for batches interleaved with its own; it can also be run by
 * hand (`printf 'stat\n' | bench_files_host`).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <linux/magic.h>

#include "files_work.h"

/* The directory made for this run, removed at exit whatever happened. */
static char host_dir[PATH_MAX];

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void remove_dir(void)
{
	if (host_dir[0]) {
		if (chdir("/") < 0)
			return;
		nftw(host_dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	}
}

static int is_tmpfs(const char *path)
{
	struct statfs sf;

	return path && *path && statfs(path, &sf) == 0 && sf.f_type == TMPFS_MAGIC;
}

static const char *pick_tmpfs(void)
{
	const char *rt = getenv("XDG_RUNTIME_DIR");

	if (is_tmpfs("/dev/shm"))
		return "/dev/shm";
	if (is_tmpfs(rt))
		return rt;
	return NULL;
}

static int pin(const char *arg)
{
	char *end;
	long cpu = strtol(arg, &end, 10);
	cpu_set_t set;

	if (*end || cpu < 0 || cpu >= CPU_SETSIZE) {
		fprintf(stderr, "bench_files_host: --cpu wants a CPU number\n");
		return -1;
	}
	CPU_ZERO(&set);
	CPU_SET((int)cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0) {
		fprintf(stderr, "bench_files_host: cannot pin to CPU %ld: %s\n", cpu, strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct files_work w;
	const char *tmpfs;
	char line[64];

	if (argc == 3 && strcmp(argv[1], "--cpu") == 0) {
		if (pin(argv[2]) < 0)
			return 1;
	} else if (argc != 1) {
		fprintf(stderr, "usage: bench_files_host [--cpu N]\n");
		return 2;
	}
	/* A Ctrl-C meant for exosim must not skip the clean-up: end on EOF. */
	signal(SIGINT, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	tmpfs = pick_tmpfs();
	if (!tmpfs) {
		fprintf(stderr, "bench_files_host: neither /dev/shm nor $XDG_RUNTIME_DIR is a tmpfs\n");
		return 1;
	}
	snprintf(host_dir, sizeof(host_dir), "%s/exo-bench-files-XXXXXX", tmpfs);
	if (!mkdtemp(host_dir) || chdir(host_dir) < 0) {
		fprintf(stderr, "bench_files_host: cannot make a directory on %s: %s\n", tmpfs, strerror(errno));
		host_dir[0] = 0;
		return 1;
	}
	atexit(remove_dir);
	files_tree_make();
	printf("ready %s %d\n", tmpfs, sched_getcpu());
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin)) {
		double ns;

		line[strcspn(line, "\n")] = 0;
		if (strcmp(line, "create") == 0)
			ns = files_create_batch(&w);
		else if (strcmp(line, "seq") == 0)
			ns = files_seq_batch(&w);
		else if (strcmp(line, "stat") == 0)
			ns = files_stat_batch(&w);
		else {
			fprintf(stderr, "bench_files_host: unknown batch '%s'\n", line);
			return 2;
		}
		if (printf("%.1f\n", ns) < 0 || fflush(stdout) == EOF)
			return 1;
	}
	return 0;
}
