/*
 * apps/bin/ln.c — make links.
 *
 *   ln [-sf] TARGET [LINK]
 *   ln [-sf] TARGET... DIR
 *
 * -s: symbolic links (TARGET is stored as given); -f: remove an existing
 * LINK first. Without LINK the link is made in the working directory
 * under TARGET's last name.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"

static int sym, force;

static int make(const char *target, const char *name)
{
	struct stat st;

	if (force && lstat(name, &st) == 0 && !S_ISDIR(st.st_mode) && unlink(name) < 0) {
		fprintf(stderr, "ln: %s: %s\n", name, strerror(errno));
		return 1;
	}
	if ((sym ? symlink(target, name) : link(target, name)) < 0) {
		int e = errno;

		fprintf(stderr, "ln: %s: %s\n", e == ENOENT && !sym ? target : name, strerror(e));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct stat st;
	int c, n, status = 0;
	char b[4096];

	while ((c = getopt(argc, argv, "sf")) != -1) {
		switch (c) {
		case 's':
			sym = 1;
			break;
		case 'f':
			force = 1;
			break;
		default:
			fprintf(stderr, "usage: ln [-sf] TARGET... [LINK|DIR]\n");
			return 2;
		}
	}
	n = argc - optind;
	if (n < 1) {
		fprintf(stderr, "usage: ln [-sf] TARGET... [LINK|DIR]\n");
		return 2;
	}
	if (n == 1)
		return make(argv[optind], apps_base_name(argv[optind], b, sizeof(b)));
	if (stat(argv[argc - 1], &st) == 0 && S_ISDIR(st.st_mode)) {
		for (int i = optind; i < argc - 1; i++) {
			const char *dir = argv[argc - 1];
			char *name = malloc(strlen(dir) + strlen(argv[i]) + 2);

			if (!name)
				return 1;
			sprintf(name, "%s/%s", dir, apps_base_name(argv[i], b, sizeof(b)));
			status |= make(argv[i], name);
			free(name);
		}
		return status;
	}
	if (n > 2) {
		fprintf(stderr, "ln: %s: %s\n", argv[argc - 1], strerror(ENOTDIR));
		return 1;
	}
	return make(argv[optind], argv[optind + 1]);
}
