/*
 * tests/integration/procs_child.c — the program the `procs` test execs.
 * The test copies this executable into Exo's own /bin and runs it with
 * execve, so everything here happens in a new image of an Exo process. It
 * checks what it was asked to and exits 0 when all held, else a code that
 * names the first check that failed:
 *
 *   procs_child true                 exit 0 (the benchmark's trivial program too)
 *   procs_child argv "a b"           argv[2] is "a b" and $PROCS_X is 42
 *   procs_child fds CLOSED OPEN      descriptor CLOSED is closed, OPEN is open
 *   procs_child script PATH ARG      run as "#!/bin/procs_child script": argv[2] is
 *                                    the script's path, argv[3] the caller's ARG
 *   procs_child sigs                 SIGUSR1 is back to default, SIGUSR2 still
 *                                    ignored; then SIGUSR1 to itself (it dies of it)
 *   procs_child exit N               exit N
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int check_argv(int argc, char **argv)
{
	const char *x = getenv("PROCS_X");

	if (argc != 3 || strcmp(argv[2], "a b") != 0)
		return 10;
	if (!x || strcmp(x, "42") != 0)
		return 11;
	if (getenv("PROCS_NOT_PASSED"))
		return 12;
	return 0;
}

static int check_fds(int argc, char **argv)
{
	int closed, open_fd;

	if (argc != 4)
		return 20;
	closed = atoi(argv[2]);
	open_fd = atoi(argv[3]);
	if (fcntl(closed, F_GETFD) != -1 || errno != EBADF)
		return 21;
	if (fcntl(open_fd, F_GETFD) != 0)
		return 22;
	return 0;
}

static int check_script(int argc, char **argv)
{
	if (argc != 4)
		return 30;
	/* The interpreter's own path (Valgrind's launcher names it by its /proc path). */
	if (strcmp(argv[0], "/bin/procs_child") != 0 && strncmp(argv[0], "/proc/self/fd/", 14) != 0)
		return 31;
	if (strcmp(argv[2], "/bin/procs.sh") != 0)
		return 32;
	if (strcmp(argv[3], "hello") != 0)
		return 33;
	return 0;
}

static int check_sigs(void)
{
	struct sigaction a;

	/* A caught signal returns to its default action in the new image. */
	if (sigaction(SIGUSR1, NULL, &a) != 0 || a.sa_handler != SIG_DFL)
		return 40;
	/* An ignored one stays ignored: raising it does nothing. */
	if (raise(SIGUSR2) != 0)
		return 41;
	kill(getpid(), SIGUSR1); /* the default action: this process ends here */
	for (int i = 0; i < 200; i++)
		usleep(10000);
	return 42;
}

int main(int argc, char **argv)
{
	/*
	 * Join the kernel now: under LeakSanitizer a program's first kernel call
	 * must not come from the leak check at exit (its sched_yield, inside
	 * StopTheWorld, would join with the sanitizer's thread registry locked).
	 */
	if (getpid() <= 0)
		return 4;
	if (argc < 2)
		return 2;
	if (strcmp(argv[1], "true") == 0)
		return 0;
	if (strcmp(argv[1], "argv") == 0)
		return check_argv(argc, argv);
	if (strcmp(argv[1], "fds") == 0)
		return check_fds(argc, argv);
	if (strcmp(argv[1], "script") == 0)
		return check_script(argc, argv);
	if (strcmp(argv[1], "sigs") == 0)
		return check_sigs();
	if (strcmp(argv[1], "exit") == 0 && argc == 3)
		return atoi(argv[2]);
	return 3;
}
