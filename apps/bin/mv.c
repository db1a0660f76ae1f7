/*
 * apps/bin/mv.c — move (rename) files.
 *
 *   mv [-f] SOURCE DEST
 *   mv [-f] SOURCE... DIR
 *
 * A move is a rename. Across file systems (EXDEV: /tmp is a tmpfs mount)
 * a regular file or symbolic link is copied, with its mode and times, and
 * the source removed; a directory across file systems is refused (EXDEV).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"

/* Copy a regular file or a symbolic link to `to`, then remove `from`. */
static int copy_across(const char *from, const char *to)
{
	struct stat st;
	struct timespec times[2];
	int in, out, err = 0;

	if (lstat(from, &st) < 0)
		return errno;
	if (S_ISLNK(st.st_mode)) {
		char target[4096];
		ssize_t len = readlink(from, target, sizeof(target) - 1);

		if (len < 0)
			return errno;
		target[len] = 0;
		unlink(to);
		if (symlink(target, to) < 0)
			return errno;
		return unlink(from) < 0 ? errno : 0;
	}
	if (!S_ISREG(st.st_mode))
		return EXDEV;
	in = open(from, O_RDONLY);
	if (in < 0)
		return errno;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC, st.st_mode & 07777);
	if (out < 0) {
		err = errno;
		close(in);
		return err;
	}
	err = apps_copy_fd(in, out);
	if (err < 0)
		err = -err;
	close(in);
	fchmod(out, st.st_mode & 07777);
	times[0] = st.st_atim;
	times[1] = st.st_mtim;
	futimens(out, times);
	if (close(out) < 0 && !err)
		err = errno;
	if (err) {
		unlink(to);
		return err;
	}
	return unlink(from) < 0 ? errno : 0;
}

static int move(const char *from, const char *to)
{
	int err;

	if (rename(from, to) == 0)
		return 0;
	err = errno;
	if (err == EXDEV && (err = copy_across(from, to)) == 0)
		return 0;
	fprintf(stderr, "mv: %s: %s\n", err == ENOENT || err == EXDEV ? from : to, strerror(err));
	return 1;
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
			char bb[4096];
			const char *b = apps_base_name(argv[i], bb, sizeof(bb));
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
