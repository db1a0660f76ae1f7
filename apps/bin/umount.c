/*
 * apps/bin/umount.c — detach a mounted file system.
 *
 *   umount PATH   PATH is the root of a mount (see mount)
 */
#include <stdio.h>

#include <exo/posix.h>

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: umount PATH\n");
		return 2;
	}
	if (exo_fs_unmount(argv[1]) != 0) {
		fprintf(stderr, "umount: %s: ", argv[1]);
		perror(NULL);
		return 1;
	}
	return 0;
}
