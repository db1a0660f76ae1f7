/*
 * apps/bin/touch.c — make files, or set their times to now.
 *
 *   touch [-c] FILE...      (-c: do not create missing files)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int i = 1, create = 1, status = 0;

	if (i < argc && strcmp(argv[i], "-c") == 0) {
		create = 0;
		i++;
	}
	if (i == argc) {
		fprintf(stderr, "usage: touch [-c] FILE...\n");
		return 2;
	}
	for (; i < argc; i++) {
		if (utimensat(AT_FDCWD, argv[i], NULL, 0) == 0)
			continue;
		if (errno == ENOENT && create) {
			int fd = open(argv[i], O_WRONLY | O_CREAT, 0666);

			if (fd >= 0) {
				close(fd);
				continue;
			}
		} else if (errno == ENOENT) {
			continue;
		}
		fprintf(stderr, "touch: %s: %s\n", argv[i], strerror(errno));
		status = 1;
	}
	return status;
}
