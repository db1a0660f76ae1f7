/*
 * apps/bin/env.c — print the environment, or run a command in a changed one.
 *
 *   env [-i] [-u NAME] [NAME=VALUE...] [COMMAND [ARG...]]
 *
 * Exit status: the command's; 127 if it is not found, 126 if it cannot run.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
	static char *empty[1];
	int i = 1;

	for (; i < argc; i++) {
		if (strcmp(argv[i], "-i") == 0 || strcmp(argv[i], "-") == 0) {
			environ = empty;
		} else if (strcmp(argv[i], "-u") == 0) {
			if (++i == argc) {
				fprintf(stderr, "usage: env [-i] [-u NAME] [NAME=VALUE...] [COMMAND [ARG...]]\n");
				return 2;
			}
			unsetenv(argv[i]);
		} else if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "usage: env [-i] [-u NAME] [NAME=VALUE...] [COMMAND [ARG...]]\n");
			return 2;
		} else {
			break;
		}
	}
	for (; i < argc && strchr(argv[i], '=') && argv[i][0] != '='; i++) {
		if (putenv(argv[i]) != 0) {
			fprintf(stderr, "env: %s: %s\n", argv[i], strerror(errno));
			return 1;
		}
	}
	if (i == argc) {
		for (char **e = environ; e && *e; e++)
			printf("%s\n", *e);
		return fflush(stdout) == 0 ? 0 : 1;
	}
	fflush(stdout);
	execvp(argv[i], &argv[i]);
	fprintf(stderr, "env: %s: %s\n", argv[i], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
