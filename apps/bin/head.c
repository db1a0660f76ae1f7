/*
 * apps/bin/head.c — the first lines of files.
 *
 *   head [-n N | -N] [FILE...]      (default 10; "-": standard input)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int head(int fd, const char *name, unsigned long long lines)
{
	static char buf[65536];

	while (lines > 0) {
		ssize_t n = read(fd, buf, sizeof(buf)), k;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "head: %s: %s\n", name, strerror(errno));
			return 1;
		}
		if (n == 0)
			break;
		for (k = 0; k < n && lines > 0; k++)
			if (buf[k] == '\n')
				lines--;
		if (fwrite(buf, 1, (size_t)k, stdout) != (size_t)k) {
			fprintf(stderr, "head: write error\n");
			return 1;
		}
	}
	return 0;
}

static int parse_count(const char *s, unsigned long long *n)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	*n = strtoull(s, &end, 10);
	return *end ? -1 : 0;
}

int main(int argc, char **argv)
{
	unsigned long long lines = 10;
	int i = 1, status = 0, nfiles;

	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (strcmp(a, "-n") == 0 && i + 1 < argc) {
			if (parse_count(argv[++i], &lines) < 0)
				goto bad;
		} else if (strncmp(a, "-n", 2) == 0 && a[2]) {
			if (parse_count(a + 2, &lines) < 0)
				goto bad;
		} else if (parse_count(a + 1, &lines) < 0) {
			goto bad;
		}
	}
	nfiles = argc - i;
	if (nfiles == 0)
		return head(0, "stdin", lines);
	for (int first = i; i < argc; i++) {
		int fd = strcmp(argv[i], "-") == 0 ? 0 : open(argv[i], O_RDONLY);

		if (fd < 0) {
			fprintf(stderr, "head: %s: %s\n", argv[i], strerror(errno));
			status = 1;
			continue;
		}
		if (nfiles > 1) {
			printf("%s==> %s <==\n", i > first ? "\n" : "", argv[i]);
			fflush(stdout);
		}
		status |= head(fd, argv[i], lines);
		fflush(stdout);
		if (fd != 0)
			close(fd);
	}
	return status;
bad:
	fprintf(stderr, "usage: head [-n N | -N] [FILE...]\n");
	return 2;
}
