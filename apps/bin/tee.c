/*
 * apps/bin/tee.c — copy standard input to standard output and to files.
 *
 *   tee [-a] [FILE...]      (-a: append)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define MAX_FILES 64

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static char buf[65536];
	int fds[MAX_FILES + 1], nfds = 1, i = 1, append = 0, status = 0;
	const char *names[MAX_FILES + 1] = { "stdout" };

	if (i < argc && strcmp(argv[i], "-a") == 0) {
		append = 1;
		i++;
	}
	fds[0] = 1;
	for (; i < argc; i++) {
		int fd;

		if (nfds > MAX_FILES) {
			fprintf(stderr, "tee: %s: too many files\n", argv[i]);
			status = 1;
			continue;
		}
		fd = open(argv[i], O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0666);
		if (fd < 0) {
			fprintf(stderr, "tee: %s: %s\n", argv[i], strerror(errno));
			status = 1;
			continue;
		}
		names[nfds] = argv[i];
		fds[nfds++] = fd;
	}
	for (;;) {
		ssize_t n = read(0, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "tee: stdin: %s\n", strerror(errno));
			status = 1;
			break;
		}
		if (n == 0)
			break;
		for (int k = 0; k < nfds; k++) {
			if (fds[k] >= 0 && write_all(fds[k], buf, (size_t)n) < 0) {
				fprintf(stderr, "tee: %s: %s\n", names[k], strerror(errno));
				fds[k] = -1;
				status = 1;
			}
		}
	}
	for (int k = 1; k < nfds; k++)
		if (fds[k] >= 0 && close(fds[k]) < 0)
			status = 1;
	return status;
}
