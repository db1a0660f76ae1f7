/*
 * apps/bin/env.c — print the environment, or run a command in a changed one.
 *
 *   env [-i] [-u NAME] [NAME=VALUE...] [COMMAND [ARG...]]
 *
 * The new environment is built as a separate array and handed to the
 * command (execvpe); env's own environ is left alone. Exit status: the
 * command's; 127 if it is not found, 126 if it cannot run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

static int usage(void)
{
	fprintf(stderr, "usage: env [-i] [-u NAME] [NAME=VALUE...] [COMMAND [ARG...]]\n");
	return 2;
}

/* Does entry e ("NAME=VALUE") have the name of s ("NAME" or "NAME=...")? */
static int same_name(const char *e, const char *s)
{
	size_t n = strcspn(s, "=");

	return strncmp(e, s, n) == 0 && e[n] == '=';
}

/* Remove name's entries from env (n entries); the new count. */
static size_t drop(char **env, size_t n, const char *name)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (!same_name(env[i], name))
			env[k++] = env[i];
	return k;
}

int main(int argc, char **argv)
{
	size_t n = 0, cap = (size_t)argc + 1;
	char **env;
	int i = 1, clear = 0;

	for (char **e = environ; e && *e; e++)
		cap++;
	env = malloc(cap * sizeof(*env));
	if (!env) {
		fprintf(stderr, "env: out of memory\n");
		return 1;
	}
	for (; i < argc; i++) {
		if (strcmp(argv[i], "-i") == 0 || strcmp(argv[i], "-") == 0) {
			clear = 1;
		} else if (strcmp(argv[i], "-u") == 0) {
			if (++i == argc)
				return free(env), usage();
		} else if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			free(env);
			return usage();
		} else {
			break;
		}
	}
	if (!clear)
		for (char **e = environ; e && *e; e++)
			env[n++] = *e;
	for (int j = 1; j < i; j++)
		if (strcmp(argv[j], "-u") == 0)
			n = drop(env, n, argv[++j]);
	for (; i < argc && strchr(argv[i], '=') && argv[i][0] != '='; i++) {
		n = drop(env, n, argv[i]);
		env[n++] = argv[i];
	}
	env[n] = NULL;
	if (i == argc) {
		int r;

		for (size_t k = 0; k < n; k++)
			printf("%s\n", env[k]);
		r = fflush(stdout) == 0 ? 0 : 1;
		free(env);
		return r;
	}
	fflush(stdout);
	execvpe(argv[i], &argv[i], env);
	clear = errno;
	fprintf(stderr, "env: %s: %s\n", argv[i], strerror(clear));
	free(env);
	return clear == ENOENT ? 127 : 126;
}
