/*
 * apps/bin/kill.c — send a signal to processes.
 *
 *   kill [-s NAME | -NAME | -NUMBER] PID|-PGID...
 *   kill -l [EXIT-STATUS]
 *
 * The default signal is TERM. Names are taken with or without "SIG".
 */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
	const char *name;
	int num;
} sigs[] = {
	{ "HUP", SIGHUP },   { "INT", SIGINT },   { "QUIT", SIGQUIT }, { "ILL", SIGILL },
	{ "TRAP", SIGTRAP }, { "ABRT", SIGABRT }, { "BUS", SIGBUS },   { "FPE", SIGFPE },
	{ "KILL", SIGKILL }, { "USR1", SIGUSR1 }, { "SEGV", SIGSEGV }, { "USR2", SIGUSR2 },
	{ "PIPE", SIGPIPE }, { "ALRM", SIGALRM }, { "TERM", SIGTERM }, { "CHLD", SIGCHLD },
	{ "CONT", SIGCONT }, { "STOP", SIGSTOP }, { "TSTP", SIGTSTP }, { "TTIN", SIGTTIN },
	{ "TTOU", SIGTTOU }, { "URG", SIGURG },   { "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ },
	{ "VTALRM", SIGVTALRM }, { "PROF", SIGPROF }, { "WINCH", SIGWINCH }, { "SYS", SIGSYS },
};
#define NSIGS (sizeof(sigs) / sizeof(sigs[0]))

static int usage(void)
{
	fprintf(stderr, "usage: kill [-s NAME | -NAME | -NUMBER] PID...\n       kill -l [STATUS]\n");
	return 2;
}

/* A signal by name (HUP, SIGHUP) or number; -1 if unknown. */
static int parse_signal(const char *s)
{
	char *end;
	long n;

	if (isdigit((unsigned char)s[0])) {
		n = strtol(s, &end, 10);
		return (*end || n < 0 || n > 64) ? -1 : (int)n;
	}
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (size_t i = 0; i < NSIGS; i++)
		if (strcasecmp(s, sigs[i].name) == 0)
			return sigs[i].num;
	return -1;
}

static int list(const char *status)
{
	if (status) {
		char *end;
		long n = strtol(status, &end, 10);

		if (*end || n < 0) {
			fprintf(stderr, "kill: %s: invalid exit status\n", status);
			return 1;
		}
		if (n > 128)
			n -= 128;
		for (size_t i = 0; i < NSIGS; i++) {
			if (sigs[i].num == n) {
				printf("%s\n", sigs[i].name);
				return 0;
			}
		}
		fprintf(stderr, "kill: %s: unknown signal\n", status);
		return 1;
	}
	for (size_t i = 0; i < NSIGS; i++)
		printf("%2d) SIG%s\n", sigs[i].num, sigs[i].name);
	return 0;
}

int main(int argc, char **argv)
{
	int sig = SIGTERM, i = 1, status = 0;

	if (argc < 2)
		return usage();
	if (strcmp(argv[1], "-l") == 0 || strcmp(argv[1], "-L") == 0)
		return argc > 3 ? usage() : list(argc == 3 ? argv[2] : NULL);
	if (strcmp(argv[1], "-s") == 0) {
		if (argc < 3)
			return usage();
		if ((sig = parse_signal(argv[2])) < 0) {
			fprintf(stderr, "kill: %s: unknown signal\n", argv[2]);
			return 2;
		}
		i = 3;
	} else if (argv[1][0] == '-' && argv[1][1] && !(isdigit((unsigned char)argv[1][1]) && argc == 2)) {
		/* -NAME or -NUMBER; a lone "-N" with no operand after it is a group. */
		if (strcmp(argv[1], "--") == 0) {
			i = 2;
		} else {
			if ((sig = parse_signal(argv[1] + 1)) < 0) {
				fprintf(stderr, "kill: %s: unknown signal\n", argv[1] + 1);
				return 2;
			}
			i = 2;
		}
	}
	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	if (i == argc)
		return usage();
	for (; i < argc; i++) {
		char *end;
		long pid = strtol(argv[i], &end, 10);

		if (*argv[i] == 0 || *end) {
			fprintf(stderr, "kill: %s: not a process id\n", argv[i]);
			status = 1;
			continue;
		}
		if (kill((pid_t)pid, sig) < 0) {
			fprintf(stderr, "kill: %s: %s\n", argv[i], strerror(errno));
			status = 1;
		}
	}
	return status;
}
