/*
 * tests/kernel/posix_files.c — libposix's file calls through the VFS, on any
 * kernel: the same program runs on exosim and on the riscv64 kernel, where
 * libposix is built over picolibc with its own POSIX headers and its output
 * goes through the stdio bridge, the VFS and the console server to the UART.
 * It asserts real behaviour on real files: data that comes back, directory
 * contents, errors POSIX names for bad paths and bad descriptors.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"

static void files(void)
{
	char buf[64] = { 0 };
	struct stat st;
	int fd;

	T_EQ(mkdir("/ktest", 0755), 0, "mkdir /ktest");
	T_EQ(mkdir("/ktest", 0755) == -1 && errno == EEXIST, 1, "... again: EEXIST");
	fd = open("/ktest/f", O_CREAT | O_RDWR | O_EXCL, 0644);
	T_OK(fd >= 3, "create /ktest/f (fd %d)", fd);
	T_EQ(write(fd, "hello, riscv", 12), 12, "write 12 bytes");
	T_EQ(lseek(fd, 7, SEEK_SET), 7, "lseek to 7");
	T_EQ(read(fd, buf, sizeof(buf)), 5, "read what is left");
	T_OK(!memcmp(buf, "riscv", 5), "... the bytes written");
	T_EQ(fstat(fd, &st), 0, "fstat");
	T_EQ(st.st_size, 12, "... its size");
	T_OK(S_ISREG(st.st_mode) && (st.st_mode & 0777) == 0644, "... a regular file, mode 0644");
	T_EQ(close(fd), 0, "close");
	T_EQ(close(fd) == -1 && errno == EBADF, 1, "close it again: EBADF");
	T_EQ(open("/ktest/f", O_CREAT | O_EXCL | O_WRONLY, 0644) == -1 && errno == EEXIST, 1,
	     "O_EXCL on a file that is there: EEXIST");
	T_EQ(open("/ktest/none", O_RDONLY) == -1 && errno == ENOENT, 1, "open of a missing file: ENOENT");
	T_EQ(open("/ktest/f/x", O_RDONLY) == -1 && errno == ENOTDIR, 1, "a file used as a directory: ENOTDIR");
	T_EQ(rename("/ktest/f", "/ktest/g"), 0, "rename");
	T_EQ(stat("/ktest/g", &st) == 0 && st.st_size == 12, 1, "... the new name has the data");
	T_EQ(stat("/ktest/f", &st) == -1 && errno == ENOENT, 1, "... the old name is gone");
	T_EQ(read(1000, buf, 1) == -1 && errno == EBADF, 1, "read of a descriptor never opened: EBADF");
	T_EQ(write(-1, buf, 1) == -1 && errno == EBADF, 1, "write to -1: EBADF");
}

static void directories(void)
{
	DIR *d;
	struct dirent *e;
	int seen = 0, fd;

	fd = open("/ktest/h", O_CREAT | O_WRONLY, 0600);
	T_OK(fd >= 0 && close(fd) == 0, "create /ktest/h");
	d = opendir("/ktest");
	T_OK(d != NULL, "opendir /ktest");
	while (d && (e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, "g"))
			seen |= 1;
		else if (!strcmp(e->d_name, "h"))
			seen |= 2;
		else if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			seen |= 4;
	}
	T_EQ(seen, 3, "readdir lists g and h, nothing else");
	T_OK(d && closedir(d) == 0, "closedir");
	T_EQ(rmdir("/ktest") == -1 && errno == ENOTEMPTY, 1, "rmdir of a full directory: ENOTEMPTY");
	T_EQ(unlink("/ktest/g") == 0 && unlink("/ktest/h") == 0, 1, "unlink both");
	T_EQ(rmdir("/ktest"), 0, "rmdir the empty directory");
	T_EQ(chdir("/ktest") == -1 && errno == ENOENT, 1, "chdir to it: ENOENT");
}

static void pipes(void)
{
	int p[2];
	char buf[16] = { 0 };

	T_EQ(pipe(p), 0, "pipe");
	T_EQ(write(p[1], "through", 7), 7, "write into it");
	T_EQ(read(p[0], buf, sizeof(buf)), 7, "read from it");
	T_OK(!memcmp(buf, "through", 7), "... the same bytes");
	T_EQ(close(p[1]), 0, "close the write end");
	T_EQ(read(p[0], buf, sizeof(buf)), 0, "read: end of file");
	T_EQ(dup2(p[0], 9), 9, "dup2 onto 9");
	T_EQ(close(p[0]) == 0 && close(9) == 0, 1, "close both");
}

int main(void)
{
	files();
	directories();
	pipes();
	/* No process server in this system: sysconf answers from what there is, without waiting for one. */
	errno = 0;
	T_EQ(sysconf(_SC_OPEN_MAX), 256, "sysconf OPEN_MAX without a process server: the VFS's table");
	T_EQ(errno, 0, "... errno untouched");
	T_EQ(fflush(stdout), 0, "stdout through the stdio bridge");
	return tap_done();
}
