/*
 * tools/exotrace/replay.c — `exotrace replay FILE --server NAME ...`: the
 * host side of a replay. It boots a private exosim with the server's boot
 * list (--boot, or the one recorded in the trace's header) and runs
 * exotrace-agent in it, which plays the calls and compares the replies
 * (agent.c). The exit status is the agent's: 0 every reply matches, 1 a
 * divergence (printed as a diff), 2 the replay could not run.
 *
 *   --boot FILE     the boot list to start (default: the recorded one)
 *   --exosim PATH   the kernel (default: $EXOSIM, else next to this build)
 *   --ignore FIELD  time, ino, dev (stat replies; ino also in GETDENTS
 *                   data), data, label, mrN (every reply), OP.mrN
 *   --range A:B     replay calls A to B only (1-based, as the diff numbers them)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exotrace.h"
#include "tracefile.h"

/* A file next to this executable's folder: ../REL from the folder it is in. */
static char *beside(const char *rel)
{
	char self[PATH_MAX], *slash, *p;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n <= 0)
		return NULL;
	self[n] = 0;
	slash = strrchr(self, '/');
	if (!slash)
		return NULL;
	*slash = 0;
	if (asprintf(&p, "%s/%s", self, rel) < 0)
		return NULL;
	return p;
}

/* Write the recorded boot list (start and wait entries) to a temporary file. */
static char *recorded_boot(const char *trace)
{
	struct tf_reader r;
	char path[] = "/tmp/exotrace-boot-XXXXXX", *out = NULL;
	FILE *f;
	int fd;

	if (tf_open(&r, trace, false) < 0) {
		fprintf(stderr, "exotrace: %s\n", r.err);
		tf_close(&r);
		return NULL;
	}
	fd = mkstemp(path);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		perror("exotrace: temporary boot list");
		tf_close(&r);
		return NULL;
	}
	for (size_t i = 0; i < r.header->n_boot; i++) {
		const Exotrace__BootEntry *b = r.header->boot[i];

		if (b->kind == EXOTRACE__BOOT_ENTRY__KIND__WAIT) {
			fprintf(f, "wait %s\n", b->label);
		} else if (b->kind == EXOTRACE__BOOT_ENTRY__KIND__START && b->n_argv) {
			fprintf(f, "start %s%s", b->label, b->sigma0 ? " --sigma0" : "");
			for (size_t a = 0; a < b->n_argv; a++)
				fprintf(f, " %s", b->argv[a]);
			fprintf(f, "\n");
		}
	}
	if (fclose(f) == 0)
		out = strdup(path);
	if (r.header->n_boot == 0)
		fprintf(stderr, "exotrace replay: the trace recorded no boot list; give one with --boot\n");
	tf_close(&r);
	return out;
}

int cmd_replay(int argc, char **argv)
{
	const char *boot = NULL, *server = NULL, *trace = NULL, *exosim = getenv("EXOSIM");
	char *tmpboot = NULL, *agent = beside("exotrace-agent"), *own = NULL, *argv2[128];
	int n = 0, status, rc = 2;
	pid_t pid;

	if (!exosim)
		exosim = own = beside("../../sim/exosim");
	argv2[n++] = (char *)exosim;
	argv2[n++] = "-q";
	argv2[n++] = "--cpu";
	argv2[n++] = "auto";
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--boot") == 0 && i + 1 < argc)
			boot = argv[++i];
		else if (strcmp(argv[i], "--exosim") == 0 && i + 1 < argc)
			argv2[0] = argv[++i];
		else if (strcmp(argv[i], "--server") == 0 && i + 1 < argc)
			server = argv[++i];
		else if ((strcmp(argv[i], "--ignore") == 0 || strcmp(argv[i], "--range") == 0) && i + 1 < argc)
			i++;
		else if (strcmp(argv[i], "-v") == 0)
			;
		else if (!trace && argv[i][0] != '-')
			trace = argv[i];
		else {
			fprintf(stderr, "exotrace replay: unexpected %s\n", argv[i]);
			goto usage;
		}
	}
	rc = 2;
	if (!trace || !server || argc > 100) {
usage:
		fprintf(stderr, "usage: exotrace replay FILE --server NAME [--boot BOOTLIST] [--ignore FIELD]...\n"
				"                       [--range A:B] [--exosim PATH] [-v]\n");
		goto out;
	}
	if (!argv2[0] || !agent || access(agent, X_OK) != 0) {
		fprintf(stderr, "exotrace replay: cannot find exosim and exotrace-agent beside exotrace\n");
		goto out;
	}
	if (!boot) {
		boot = tmpboot = recorded_boot(trace);
		if (!boot)
			goto out;
	}
	argv2[n++] = "--boot";
	argv2[n++] = (char *)boot;
	argv2[n++] = "--wait";
	argv2[n++] = (char *)server;
	argv2[n++] = "--exec";
	argv2[n++] = agent;
	for (int i = 0; i < argc; i++) {
		if ((strcmp(argv[i], "--boot") == 0 || strcmp(argv[i], "--exosim") == 0) && i + 1 < argc)
			i++;
		else
			argv2[n++] = argv[i];
	}
	argv2[n] = NULL;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execv(argv2[0], argv2);
		fprintf(stderr, "exotrace replay: cannot run %s: %s\n", argv2[0], strerror(errno));
		_exit(2);
	}
	if (pid > 0 && waitpid(pid, &status, 0) == pid)
		rc = WIFEXITED(status) ? WEXITSTATUS(status) : 2;
	if (rc > 2)
		rc = 2;
out:
	if (tmpboot)
		unlink(tmpboot);
	free(tmpboot);
	free(agent);
	free(own);
	return rc;
}
