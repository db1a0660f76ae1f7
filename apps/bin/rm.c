/*
 * apps/bin/rm.c — remove files and, with -r, directory trees.
 *
 *   rm [-rRf] FILE...
 *
 * -f: a missing operand is no error, and nothing is asked. Links are
 * removed, never followed. ".", ".." and "/" are refused.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct opts {
	int recursive, force;
};

static int remove_path(const char *path, const struct opts *o);

static int remove_tree(const char *path, const struct opts *o)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int status = 0;

	if (!d) {
		fprintf(stderr, "rm: %s: %s\n", path, strerror(errno));
		return 1;
	}
	/* Read the whole directory first: removing while reading may skip names. */
	for (;;) {
		char **names = NULL;
		size_t n = 0, cap = 0;

		rewinddir(d);
		while ((de = readdir(d)) != NULL) {
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			if (n == cap) {
				char **nn = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof(*names));

				if (!nn)
					break;
				names = nn;
			}
			names[n] = malloc(strlen(path) + strlen(de->d_name) + 2);
			if (!names[n])
				break;
			sprintf(names[n], "%s/%s", path, de->d_name);
			n++;
		}
		for (size_t i = 0; i < n; i++) {
			status |= remove_path(names[i], o);
			free(names[i]);
		}
		free(names);
		if (n == 0 || status)
			break;
	}
	closedir(d);
	if (rmdir(path) < 0) {
		fprintf(stderr, "rm: %s: %s\n", path, strerror(errno));
		return 1;
	}
	return status;
}

static int remove_path(const char *path, const struct opts *o)
{
	struct stat st;

	if (lstat(path, &st) < 0) {
		if (o->force && errno == ENOENT)
			return 0;
		fprintf(stderr, "rm: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (S_ISDIR(st.st_mode)) {
		if (!o->recursive) {
			fprintf(stderr, "rm: %s: %s\n", path, strerror(EISDIR));
			return 1;
		}
		return remove_tree(path, o);
	}
	if (unlink(path) < 0) {
		fprintf(stderr, "rm: %s: %s\n", path, strerror(errno));
		return 1;
	}
	return 0;
}

/* ".", "..", "/" (or any of them spelt with more slashes): never removed. */
static int refused(const char *path)
{
	const char *base;
	size_t len = strlen(path);

	if (strspn(path, "/") == len && len > 0)
		return 1;

	while (len > 1 && path[len - 1] == '/')
		len--;
	base = path + len;
	while (base > path && base[-1] != '/')
		base--;
	len -= (size_t)(base - path);
	return (len == 1 && base[0] == '.') || (len == 2 && base[0] == '.' && base[1] == '.');
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	int c, status = 0;

	while ((c = getopt(argc, argv, "rRfi")) != -1) {
		switch (c) {
		case 'r':
		case 'R':
			o.recursive = 1;
			break;
		case 'f':
			o.force = 1;
			break;
		case 'i':
			break;
		default:
			fprintf(stderr, "usage: rm [-rRf] FILE...\n");
			return 2;
		}
	}
	if (optind == argc) {
		if (o.force)
			return 0;
		fprintf(stderr, "usage: rm [-rRf] FILE...\n");
		return 2;
	}
	for (int i = optind; i < argc; i++) {
		if (refused(argv[i])) {
			fprintf(stderr, "rm: %s: refusing to remove '.', '..' or '/'\n", argv[i]);
			status = 1;
			continue;
		}
		status |= remove_path(argv[i], &o);
	}
	return status;
}
