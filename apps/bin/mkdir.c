/*
 * apps/bin/mkdir.c — make directories.
 *
 *   mkdir [-p] [-m MODE] DIR...
 *
 * -p makes missing parents (mode 0777 less the umask, plus u+wx) and is
 * quiet about a directory that exists. MODE is octal.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int make_parents(char *path, mode_t mode)
{
	struct stat st;

	for (char *p = path + 1; *p; p++) {
		if (*p != '/' || p[-1] == '/')
			continue;
		*p = 0;
		if (mkdir(path, 0777) < 0 && errno != EEXIST) {
			fprintf(stderr, "mkdir: %s: %s\n", path, strerror(errno));
			*p = '/';
			return -1;
		}
		if (stat(path, &st) == 0 && !S_ISDIR(st.st_mode)) {
			fprintf(stderr, "mkdir: %s: %s\n", path, strerror(ENOTDIR));
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	if (mkdir(path, mode) < 0) {
		int e = errno;

		if (e == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			return 0;
		fprintf(stderr, "mkdir: %s: %s\n", path, strerror(e));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int parents = 0, status = 0, c, setmode = 0;
	mode_t mode = 0777;

	while ((c = getopt(argc, argv, "pm:")) != -1) {
		char *end;

		switch (c) {
		case 'p':
			parents = 1;
			break;
		case 'm':
			mode = (mode_t)strtoul(optarg, &end, 8);
			if (*optarg == 0 || *end || mode > 07777) {
				fprintf(stderr, "mkdir: %s: invalid mode\n", optarg);
				return 2;
			}
			setmode = 1;
			break;
		default:
			fprintf(stderr, "usage: mkdir [-p] [-m MODE] DIR...\n");
			return 2;
		}
	}
	if (optind == argc) {
		fprintf(stderr, "usage: mkdir [-p] [-m MODE] DIR...\n");
		return 2;
	}
	for (int i = optind; i < argc; i++) {
		if (parents) {
			if (make_parents(argv[i], mode) < 0)
				status = 1;
		} else if (mkdir(argv[i], mode) < 0) {
			fprintf(stderr, "mkdir: %s: %s\n", argv[i], strerror(errno));
			status = 1;
			continue;
		}
		/* -m is the mode itself, not masked by the umask. */
		if (setmode && chmod(argv[i], mode) < 0) {
			fprintf(stderr, "mkdir: %s: %s\n", argv[i], strerror(errno));
			status = 1;
		}
	}
	return status;
}
