/*
 * apps/bin/echo.c — write the arguments, separated by spaces, and a newline.
 *
 *   echo [-n] [ARG...]      (-n: no newline; only as the first argument)
 */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	int i = 1, newline = 1;

	if (i < argc && strcmp(argv[i], "-n") == 0) {
		newline = 0;
		i++;
	}
	for (int first = i; i < argc; i++)
		printf("%s%s", i > first ? " " : "", argv[i]);
	if (newline)
		putchar('\n');
	return fflush(stdout) == 0 ? 0 : 1;
}
