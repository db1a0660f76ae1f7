/*
 * apps/bin/rmdir.c — remove empty directories.
 *
 *   rmdir [-p] DIR...      (-p: then each parent named in DIR)
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int parents = 0, status = 0, i = 1;

	if (i < argc && strcmp(argv[i], "-p") == 0) {
		parents = 1;
		i++;
	}
	if (i == argc) {
		fprintf(stderr, "usage: rmdir [-p] DIR...\n");
		return 2;
	}
	for (; i < argc; i++) {
		char *p = argv[i];

		if (rmdir(p) < 0) {
			fprintf(stderr, "rmdir: %s: %s\n", p, strerror(errno));
			status = 1;
			continue;
		}
		while (parents) {
			char *slash = strrchr(p, '/');

			while (slash && slash > p && slash[1] == 0) { /* trailing slashes */
				*slash = 0;
				slash = strrchr(p, '/');
			}
			if (!slash || slash == p)
				break;
			*slash = 0;
			if (rmdir(p) < 0) {
				fprintf(stderr, "rmdir: %s: %s\n", p, strerror(errno));
				status = 1;
				break;
			}
		}
	}
	return status;
}
