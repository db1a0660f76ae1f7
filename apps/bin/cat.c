/*
 * apps/bin/cat.c — concatenate files to standard output.
 *
 *   cat [-u] [FILE...]      (no FILE, or "-": standard input)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int write_all(const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(1, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int copy(int fd, const char *name)
{
	static char buf[65536];

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "cat: %s: %s\n", name, strerror(errno));
			return 1;
		}
		if (n == 0)
			return 0;
		if (write_all(buf, (size_t)n) < 0) {
			fprintf(stderr, "cat: write error: %s\n", strerror(errno));
			return 1;
		}
	}
}

int main(int argc, char **argv)
{
	int status = 0, i = 1;

	if (i < argc && strcmp(argv[i], "-u") == 0)
		i++;
	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	if (i == argc)
		return copy(0, "stdin");
	for (; i < argc; i++) {
		int fd;

		if (strcmp(argv[i], "-") == 0) {
			status |= copy(0, "stdin");
			continue;
		}
		fd = open(argv[i], O_RDONLY);
		if (fd < 0) {
			fprintf(stderr, "cat: %s: %s\n", argv[i], strerror(errno));
			status = 1;
			continue;
		}
		status |= copy(fd, argv[i]);
		close(fd);
	}
	return status;
}
