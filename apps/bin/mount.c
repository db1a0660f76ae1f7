/*
 * apps/bin/mount.c — the mount table, and attaching a file system server.
 *
 *   mount                    every mount: NAME on PATH type TYPE (FLAGS)
 *   mount [-r] SERVER PATH   attach the file system server registered as
 *                            SERVER at the directory PATH (-r: read-only)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <exo/posix.h>

static int list(void)
{
	static struct exo_mount mt[64];
	int n = exo_mounts(mt, 64);

	if (n < 0) {
		perror("mount");
		return 1;
	}
	for (int i = 0; i < n; i++)
		printf("%s on %s type %s (%s)\n", mt[i].server, mt[i].path, i == 0 ? "ramfs" : "fs",
		       mt[i].flags & EXO_MOUNT_RDONLY ? "ro" : "rw");
	return 0;
}

int main(int argc, char **argv)
{
	unsigned flags = 0;
	int i = 1;

	if (argc == 1)
		return list();
	if (strcmp(argv[i], "-r") == 0) {
		flags |= EXO_MOUNT_RDONLY;
		i++;
	}
	if (argc - i != 2) {
		fprintf(stderr, "usage: mount [[-r] SERVER PATH]\n");
		return 2;
	}
	if (exo_fs_mount(argv[i], argv[i + 1], flags) != 0) {
		fprintf(stderr, "mount: %s on %s: ", argv[i], argv[i + 1]);
		perror(NULL);
		return 1;
	}
	return 0;
}
