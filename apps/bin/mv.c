/*
 * apps/bin/mv.c — move (rename) files.
 *
 *   mv [-f] SOURCE DEST
 *   mv [-f] SOURCE... DIR
 *
 * One file system (the VFS's ramfs): a move is a rename; there is no copy
 * across devices (EXDEV is reported).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *base_name(const char *p)
{
	static char buf[4096];
	size_t len = strlen(p);
	const char *b;

	while (len > 1 && p[len - 1] == '/')
		len--;
	b = p + len;
	while (b > p && b[-1] != '/')
		b--;
	len -= (size_t)(b - p);
	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	memcpy(buf, b, len);
	buf[len] = 0;
	return buf;
}

static int move(const char *from, const char *to)
{
	if (rename(from, to) < 0) {
		fprintf(stderr, "mv: %s: %s\n", errno == ENOENT ? from : to, strerror(errno));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct stat st;
	int c, status = 0, n;
	const char *dest;

	while ((c = getopt(argc, argv, "fi")) != -1) {
		if (c != 'f' && c != 'i') {
			fprintf(stderr, "usage: mv [-f] SOURCE... DEST\n");
			return 2;
		}
	}
	n = argc - optind;
	if (n < 2) {
		fprintf(stderr, "usage: mv [-f] SOURCE... DEST\n");
		return 2;
	}
	dest = argv[argc - 1];
	if (stat(dest, &st) == 0 && S_ISDIR(st.st_mode)) {
		for (int i = optind; i < argc - 1; i++) {
			const char *b = base_name(argv[i]);
			char *to = malloc(strlen(dest) + strlen(b) + 2);

			if (!to)
				return 1;
			sprintf(to, "%s/%s", dest, b);
			status |= move(argv[i], to);
			free(to);
		}
		return status;
	}
	if (n > 2) {
		fprintf(stderr, "mv: %s: %s\n", dest, strerror(ENOTDIR));
		return 1;
	}
	return move(argv[optind], dest);
}
