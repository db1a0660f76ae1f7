/*
 * apps/bin/cp.c — copy files.
 *
 *   cp [-r] SOURCE DEST
 *   cp [-r] SOURCE... DIR
 *
 * A copy keeps the source's permission bits. -r (or -R) copies directory
 * trees; a symbolic link met inside one is copied as a link.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"

static int recursive;

static char *join(const char *a, const char *b)
{
	char *p = malloc(strlen(a) + strlen(b) + 2);

	if (!p) {
		fprintf(stderr, "cp: out of memory\n");
		exit(1);
	}
	sprintf(p, "%s%s%s", a, a[0] && a[strlen(a) - 1] == '/' ? "" : "/", b);
	return p;
}

static int copy_file(const char *from, const char *to, mode_t mode)
{
	int in, out, e, status = 0;

	if ((in = open(from, O_RDONLY)) < 0) {
		fprintf(stderr, "cp: %s: %s\n", from, strerror(errno));
		return 1;
	}
	if ((out = open(to, O_WRONLY | O_CREAT | O_TRUNC, mode & 07777)) < 0) {
		fprintf(stderr, "cp: %s: %s\n", to, strerror(errno));
		close(in);
		return 1;
	}
	if ((e = apps_copy_fd(in, out)) != 0) {
		fprintf(stderr, "cp: %s: %s\n", e < 0 ? from : to, strerror(e < 0 ? -e : e));
		status = 1;
	}
	close(in);
	if (close(out) < 0 && !status) {
		fprintf(stderr, "cp: %s: %s\n", to, strerror(errno));
		status = 1;
	}
	return status;
}

static int copy(const char *from, const char *to, int top);

static int copy_dir(const char *from, const char *to, mode_t mode)
{
	struct dirent *de;
	struct stat st;
	int status = 0;
	DIR *d;

	if (mkdir(to, (mode & 07777) | 0700) < 0 && !(errno == EEXIST && stat(to, &st) == 0 && S_ISDIR(st.st_mode))) {
		fprintf(stderr, "cp: %s: %s\n", to, strerror(errno));
		return 1;
	}
	if (!(d = opendir(from))) {
		fprintf(stderr, "cp: %s: %s\n", from, strerror(errno));
		return 1;
	}
	while ((de = readdir(d)) != NULL) {
		char *a, *b;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		a = join(from, de->d_name);
		b = join(to, de->d_name);
		status |= copy(a, b, 0);
		free(a);
		free(b);
	}
	closedir(d);
	chmod(to, mode & 07777);
	return status;
}

static int copy(const char *from, const char *to, int top)
{
	struct stat st, dt;

	if ((top ? stat(from, &st) : lstat(from, &st)) < 0) {
		fprintf(stderr, "cp: %s: %s\n", from, strerror(errno));
		return 1;
	}
	if (stat(to, &dt) == 0 && dt.st_dev == st.st_dev && dt.st_ino == st.st_ino) {
		fprintf(stderr, "cp: %s and %s are the same file\n", from, to);
		return 1;
	}
	if (S_ISDIR(st.st_mode)) {
		if (!recursive) {
			fprintf(stderr, "cp: %s: is a directory (not copied without -r)\n", from);
			return 1;
		}
		return copy_dir(from, to, st.st_mode);
	}
	if (S_ISLNK(st.st_mode)) {
		char target[4096];
		ssize_t n = readlink(from, target, sizeof(target) - 1);

		if (n < 0) {
			fprintf(stderr, "cp: %s: %s\n", from, strerror(errno));
			return 1;
		}
		target[n] = 0;
		unlink(to);
		if (symlink(target, to) < 0) {
			fprintf(stderr, "cp: %s: %s\n", to, strerror(errno));
			return 1;
		}
		return 0;
	}
	return copy_file(from, to, st.st_mode);
}

int main(int argc, char **argv)
{
	struct stat st;
	int c, n, status = 0;
	const char *dest;

	while ((c = getopt(argc, argv, "rRfp")) != -1) {
		switch (c) {
		case 'r':
		case 'R':
			recursive = 1;
			break;
		case 'f':
		case 'p':
			break;
		default:
			fprintf(stderr, "usage: cp [-r] SOURCE... DEST\n");
			return 2;
		}
	}
	n = argc - optind;
	if (n < 2) {
		fprintf(stderr, "usage: cp [-r] SOURCE... DEST\n");
		return 2;
	}
	dest = argv[argc - 1];
	if (stat(dest, &st) == 0 && S_ISDIR(st.st_mode)) {
		for (int i = optind; i < argc - 1; i++) {
			char b[4096];
			char *to = join(dest, apps_base_name(argv[i], b, sizeof(b)));

			status |= copy(argv[i], to, 1);
			free(to);
		}
		return status;
	}
	if (n > 2) {
		fprintf(stderr, "cp: %s: %s\n", dest, strerror(ENOTDIR));
		return 1;
	}
	return copy(argv[optind], dest, 1);
}
