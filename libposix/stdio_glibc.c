/*
 * libposix/stdio_glibc.c — the stdio bridge (sim, glibc): the C library's
 * FILE streams over libposix's descriptors, so printf, fgets, perror, fopen
 * and friends reach Exo's VFS and console instead of Linux.
 *
 * glibc's cookie streams (fopencookie) call back into read, write, lseek and
 * close here. stdin, stdout and stderr are replaced before main: stdout is
 * line buffered on a terminal (the console) and fully buffered otherwise,
 * stderr unbuffered. fopen, fdopen and freopen make cookie streams over
 * open(). (Platform file: riscv64's twin is stdio_picolibc.c.)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <exo/errno.h>

#include "px.h"

static ssize_t ck_read(void *c, char *buf, size_t n)
{
	return read((int)(intptr_t)c, buf, n);
}

static ssize_t ck_write(void *c, const char *buf, size_t n)
{
	ssize_t w = write((int)(intptr_t)c, buf, n);

	return w < 0 ? 0 : w; /* glibc: a short count is an error */
}

static int ck_seek(void *c, off64_t *off, int whence)
{
	off_t r = lseek((int)(intptr_t)c, (off_t)*off, whence);

	if (r < 0)
		return -1;
	*off = r;
	return 0;
}

static int ck_close(void *c)
{
	return close((int)(intptr_t)c);
}

static const cookie_io_functions_t fns = { ck_read, ck_write, ck_seek, ck_close };

/* "r", "w+", "ab"...: open flags, or -1 for a bad mode. */
static int mode_flags(const char *mode)
{
	int f;

	switch (mode[0]) {
	case 'r': f = 0; break;
	case 'w': f = O_CREAT | O_TRUNC; break;
	case 'a': f = O_CREAT | O_APPEND; break;
	default: return -1;
	}
	if (strchr(mode, '+'))
		f |= O_RDWR;
	else
		f |= mode[0] == 'r' ? O_RDONLY : O_WRONLY;
	if (strchr(mode, 'x'))
		f |= O_EXCL;
	if (strchr(mode, 'e'))
		f |= O_CLOEXEC;
	return f;
}

static FILE *cookie_file(int fd, const char *mode)
{
	FILE *f = fopencookie((void *)(intptr_t)fd, mode, fns);

	if (f && (mode[0] == 'a'))
		fseeko(f, 0, SEEK_END);
	return f;
}

static FILE *px_fopen(const char *path, const char *mode)
{
	int flags = mode ? mode_flags(mode) : -1, fd;
	FILE *f;

	if (flags < 0) {
		return px_fail_ptr(-XE_EINVAL);
	}
	fd = open(path, flags, 0666);
	if (fd < 0)
		return NULL;
	f = cookie_file(fd, mode);
	if (!f)
		close(fd);
	return f;
}

FILE *px_fopen_a(const char *path, const char *mode) __asm__("fopen");
FILE *px_fopen_b(const char *path, const char *mode) __asm__("fopen64");

FILE *px_fopen_a(const char *path, const char *mode) { return px_fopen(path, mode); }
FILE *px_fopen_b(const char *path, const char *mode) { return px_fopen(path, mode); }

FILE *fdopen(int fd, const char *mode)
{
	struct stat st;

	if (!mode || mode_flags(mode) < 0) {
		return px_fail_ptr(-XE_EINVAL);
	}
	if (fstat(fd, &st) < 0)
		return NULL;
	return cookie_file(fd, mode);
}

static FILE *px_freopen(const char *path, const char *mode, FILE *old)
{
	int flags = mode ? mode_flags(mode) : -1, fd;
	FILE *f;

	if (flags < 0 || !path) {
		return px_fail_ptr(-XE_EINVAL);
	}
	fflush(old);
	fd = open(path, flags, 0666);
	if (fd < 0)
		return NULL;
	f = cookie_file(fd, mode);
	if (!f) {
		close(fd);
		return NULL;
	}
	fclose(old);
	if (old == stdin)
		stdin = f;
	else if (old == stdout)
		stdout = f;
	else if (old == stderr)
		stderr = f;
	return f;
}

FILE *px_freopen_a(const char *path, const char *mode, FILE *old) __asm__("freopen");
FILE *px_freopen_b(const char *path, const char *mode, FILE *old) __asm__("freopen64");

FILE *px_freopen_a(const char *path, const char *mode, FILE *old) { return px_freopen(path, mode, old); }
FILE *px_freopen_b(const char *path, const char *mode, FILE *old) { return px_freopen(path, mode, old); }

/* Before an exec: every stream's buffered output goes out. */
void px_stdio_flush(void)
{
	fflush(NULL);
}

__attribute__((constructor)) static void px_stdio_init(void)
{
	FILE *in = fopencookie((void *)0, "r", fns), *out = fopencookie((void *)1, "w", fns),
	     *err = fopencookie((void *)2, "w", fns);

	if (!in || !out || !err)
		return;
	stdin = in;
	stdout = out;
	stderr = err;
	/* The standard descriptors are the console, a terminal: line buffered. */
	setvbuf(stdout, NULL, _IOLBF, BUFSIZ);
	setvbuf(stderr, NULL, _IONBF, 0);
}
