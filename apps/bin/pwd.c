/*
 * apps/bin/pwd.c — print the working directory.
 *
 *   pwd [-L|-P]      (both print the physical path: the VFS resolves links)
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char buf[PATH_MAX];

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-L") != 0 && strcmp(argv[i], "-P") != 0) {
			fprintf(stderr, "usage: pwd [-L|-P]\n");
			return 2;
		}
	}
	if (!getcwd(buf, sizeof(buf))) {
		fprintf(stderr, "pwd: %s\n", strerror(errno));
		return 1;
	}
	printf("%s\n", buf);
	return 0;
}
