/*
 * apps/init/init.c — the first process: makes the root file system, starts
 * a shell on the console, reaps orphans, and ends the system when the shell
 * ends (with the shell's status).
 *
 *   init            an interactive shell on the console
 *   init -c CMD     run one command line and end with its status
 *
 * The root's contents come from the image the build made (/dev/initrd, a
 * ustar archive): /bin, /etc, /tmp (sticky), /home, /root; /tmp is then a
 * tmpfs mount when the boot list started the tmpfs server.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <exo/posix.h>

#include "unpack.h"

static int populate(void)
{
	char err[256];
	int fd = open("/dev/initrd", O_RDONLY), n;

	if (fd < 0) {
		fprintf(stderr, "init: /dev/initrd: %s\n", strerror(errno));
		return -1;
	}
	n = unpack_tar(fd, "/", err, sizeof(err));
	close(fd);
	if (n < 0) {
		fprintf(stderr, "init: the root image: %s\n", err);
		return -1;
	}
	return 0;
}

/*
 * /tmp is a file system of its own, the tmpfs server, when the boot list
 * started one (sticky and world-writable, as the image's /tmp).
 */
static void mount_tmp(void)
{
	if (exo_fs_mount("tmpfs", "/tmp", 0) < 0) {
		if (errno != ENODEV)
			fprintf(stderr, "init: mount tmpfs on /tmp: %s\n", strerror(errno));
		return;
	}
	chmod("/tmp", 01777);
}

static void motd(void)
{
	char buf[1024];
	int fd = open("/etc/motd", O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	fflush(stdout);
	close(fd);
}

/* The shell, in a session of its own that owns the console. */
static pid_t start_shell(char **argv)
{
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	setsid();
	if (isatty(0))
		tcsetpgrp(0, getpid());
	execv("/bin/sh", argv);
	fprintf(stderr, "init: /bin/sh: %s\n", strerror(errno));
	_exit(127);
}

int main(int argc, char **argv)
{
	char *sh_i[] = { "sh", "-i", NULL };
	char *sh_c[] = { "sh", "-c", NULL, NULL };
	char **sh = sh_i;
	int status = 0, st;
	pid_t shell, pid;

	if (argc == 3 && strcmp(argv[1], "-c") == 0) {
		sh_c[2] = argv[2];
		sh = sh_c;
	} else if (argc != 1) {
		fprintf(stderr, "usage: init [-c COMMAND]\n");
		return 2;
	}
	if (exo_become_init() < 0) {
		fprintf(stderr, "init: cannot become pid 1: %s\n", strerror(errno));
		return 1;
	}
	umask(022);
	if (populate() < 0)
		return 1;
	mount_tmp();
	setenv("PATH", "/bin", 1);
	setenv("HOME", "/root", 1);
	setenv("SHELL", "/bin/sh", 1);
	if (chdir("/root") < 0)
		chdir("/");
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGTSTP, SIG_IGN);
	signal(SIGTTOU, SIG_IGN);
	signal(SIGTTIN, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	if (sh == sh_i)
		motd();
	shell = start_shell(sh);
	if (shell < 0) {
		fprintf(stderr, "init: fork: %s\n", strerror(errno));
		return 1;
	}
	/* Reap everything; the shell's end is the system's. */
	for (;;) {
		pid = wait(&st);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0)
			break;
		if (pid == shell) {
			status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
			break;
		}
	}
	fflush(stdout);
	return status;
}
