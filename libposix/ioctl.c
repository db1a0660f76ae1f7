/*
 * libposix/ioctl.c — ioctl for what programs ask of terminals and
 * descriptors: TIOCGWINSZ, TIOCSWINSZ, TCGETS, TCSETS, TCSETSW, TCSETSF,
 * TCFLSH, FIONREAD, FIONBIO, FIOCLEX, FIONCLEX. Anything else is ENOTTY.
 *
 * TCGETS and friends take the kernel's struct termios, which is glibc's
 * with a shorter c_cc (19) and no speed fields: only that much is touched.
 * glibc's own callers of ioctl never reach this one (they call Linux
 * directly); libposix defines what they are used for (tcgetattr, ...).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <exo/dev.h>
#include "dev_proto.h"
#include <exo/errno.h>

#include "px.h"
#include "tty.h"

#define KERNEL_NCCS 19
#define KERNEL_TERMIOS_SIZE (offsetof(struct termios, c_cc) + KERNEL_NCCS)

static int winsize(int fd, unsigned long req, struct winsize *ws)
{
	struct dev_getwinsz_out out;
	struct px_tty tty;
	exo_tid_t old;
	int r = px_tty_find(fd, &tty);

	if (r < 0)
		return px_fail(r);
	old = px_dev_use(tty.server);
	if (req == TIOCSWINSZ) {
		struct dev_setwinsz_in in = { .handle = tty.handle, .rows = ws->ws_row, .cols = ws->ws_col,
					      .xpixels = ws->ws_xpixel, .ypixels = ws->ws_ypixel };

		r = dev_call_setwinsz(px_dev, &in);
		px_dev_use(old);
		return r < 0 ? px_fail(r) : 0;
	}
	r = dev_call_getwinsz(px_dev, &(struct dev_getwinsz_in){ .handle = tty.handle }, &out);
	px_dev_use(old);
	if (r < 0)
		return px_fail(r);
	ws->ws_row = (unsigned short)out.rows;
	ws->ws_col = (unsigned short)out.cols;
	ws->ws_xpixel = (unsigned short)out.xpixels;
	ws->ws_ypixel = (unsigned short)out.ypixels;
	return 0;
}

/* TCGETS, TCSETS*: the kernel's struct termios through tcgetattr/tcsetattr. */
static int kernel_termios(int fd, unsigned long req, void *arg)
{
	struct termios t;

	if (req == TCGETS) {
		if (tcgetattr(fd, &t) < 0)
			return -1;
		memcpy(arg, &t, KERNEL_TERMIOS_SIZE);
		return 0;
	}
	memset(&t, 0, sizeof(t));
	memcpy(&t, arg, KERNEL_TERMIOS_SIZE);
	return tcsetattr(fd, req == TCSETS ? TCSANOW : req == TCSETSW ? TCSADRAIN : TCSAFLUSH, &t);
}

/*
 * Bytes a read would get now: a terminal asks its server; a pipe's size is
 * what it holds; a regular file has what lies past the offset.
 */
static int nread(int fd, int *out)
{
	struct px_tty tty;
	struct stat st;
	off_t at;
	int r = px_tty_find(fd, &tty);

	if (r == 0) {
		struct dev_nread_out nr;
		exo_tid_t old = px_dev_use(tty.server);

		r = dev_call_nread(px_dev, &(struct dev_nread_in){ .handle = tty.handle }, &nr);
		px_dev_use(old);
		if (r < 0)
			return px_fail(r);
		*out = nr.bytes > INT32_MAX ? INT32_MAX : (int)nr.bytes;
		return 0;
	}
	if (r != -XE_ENOTTY)
		return px_fail(r);
	if (fstat(fd, &st) < 0)
		return -1;
	if (S_ISFIFO(st.st_mode)) {
		*out = (int)st.st_size;
		return 0;
	}
	if (!S_ISREG(st.st_mode))
		return px_fail(-XE_ENOTTY);
	if ((at = lseek(fd, 0, SEEK_CUR)) < 0)
		return -1;
	*out = st.st_size > at ? (st.st_size - at > INT32_MAX ? INT32_MAX : (int)(st.st_size - at)) : 0;
	return 0;
}

static int nonblock(int fd, int on)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		return -1;
	return fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
}

int ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	switch (req) {
	case FIOCLEX:
	case FIONCLEX:
		return fcntl(fd, F_SETFD, req == FIOCLEX ? FD_CLOEXEC : 0);
	case TCFLSH:
		return tcflush(fd, (int)(long)arg);
	default:
		break;
	}
	if (req == TIOCGWINSZ || req == TIOCSWINSZ || req == TCGETS || req == TCSETS || req == TCSETSW ||
	    req == TCSETSF || req == FIONREAD || req == FIONBIO) {
		if (!arg) {
			return px_fail(-XE_EFAULT);
		}
	} else {
		/* Not a request Exo knows: EBADF before ENOTTY, as Linux says. */
		return fcntl(fd, F_GETFD) < 0 ? -1 : px_fail(-XE_ENOTTY);
	}
	switch (req) {
	case TIOCGWINSZ:
	case TIOCSWINSZ:
		return winsize(fd, req, arg);
	case TCGETS:
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
		return kernel_termios(fd, req, arg);
	case FIONREAD:
		return nread(fd, arg);
	default:
		return nonblock(fd, *(const int *)arg);
	}
}
