/*
 * libposix/stdio_picolibc.c — the stdio bridge (riscv64, picolibc): the C
 * library's standard streams over libposix's descriptors, so printf, fgets,
 * perror and friends reach Exo's VFS and console.
 *
 * picolibc's tinystdio leaves stdin, stdout and stderr to the system. Here
 * they are its buffered streams (<stdio-bufio.h>) on descriptors 0, 1 and 2,
 * reading and writing with libposix's read, write and lseek. As on the sim,
 * stdout is line buffered (the standard descriptors are the console, a
 * terminal) and stderr unbuffered; stdin reads a buffer ahead and flushes
 * stdout before it waits. stdout is flushed at exit, and fclose of a
 * standard stream closes its descriptor. fopen, fdopen and freopen are
 * picolibc's own, over libposix's open, read, write, lseek and close.
 * (Platform file: the sim's twin is stdio_glibc.c.)
 */
#include <stdio.h>
#include <stdio-bufio.h>
#include <unistd.h>

#include "px.h"

/*
 * fclose of a standard stream: write out what is buffered, close the
 * descriptor. (picolibc's own close would free the stream, which is not
 * allocated here.)
 */
static int std_close(FILE *f)
{
	struct __file_bufio *bf = (struct __file_bufio *)f;
	int r = fflush(f);

	if (close(bf->fd) < 0)
		r = EOF;
	return r;
}

/* One standard stream on descriptor fd_, with buffer buf_. */
#define STD_STREAM(fd_, buf_, rw_, bflags_)                                                               \
	{                                                                                                 \
		.xfile = FDEV_SETUP_EXT(__bufio_put, __bufio_get, __bufio_flush, std_close, __bufio_seek, \
					__bufio_setvbuf, (rw_) | __SBUF),                                 \
		.fd = (fd_), .bflags = (bflags_), .buf = (buf_), .size = sizeof(buf_), .read = read,      \
		.write = write, .lseek = lseek, .close = close,                                           \
	}

static char in_buf[BUFSIZ], out_buf[BUFSIZ], err_buf[1]; /* one byte: each is written at once */

static struct __file_bufio std_in = STD_STREAM(STDIN_FILENO, in_buf, __SRD, 0);
static struct __file_bufio std_out = STD_STREAM(STDOUT_FILENO, out_buf, __SWR, __BLBF);
static struct __file_bufio std_err = STD_STREAM(STDERR_FILENO, err_buf, __SWR, 0);

FILE *const stdin = &std_in.xfile.cfile.file;
FILE *const stdout = &std_out.xfile.cfile.file;
FILE *const stderr = &std_err.xfile.cfile.file;

__attribute__((constructor)) static void px_stdio_init(void)
{
	__bufio_lock_init(stdin);
	__bufio_lock_init(stdout);
	__bufio_lock_init(stderr);
}

/*
 * Before an exec: what the standard streams hold goes out. (picolibc keeps
 * no list of the streams fopen made, and its fflush(NULL) is not "all of
 * them": the program's own streams are its to flush.)
 */
void px_stdio_flush(void)
{
	fflush(stdout);
	fflush(stderr);
}

/* After the program's own destructors, which may still print. */
__attribute__((destructor(101))) static void px_stdio_fini(void)
{
	fflush(stdout);
}
