/*
 * sim/servers/console/host.c — the host terminal under the console (host.h).
 * Host-backed, so it lives in sim/ and calls Linux.
 *
 * Raw mode here means: no host echo, no host line editing or input mapping;
 * the console's line discipline (ldisc.c) does all of that. Two things stay
 * with the host. Output mapping (OPOST, ONLCR) is the host terminal's, set
 * to mirror the console's attributes, so exosim's own log lines on the same
 * terminal keep their carriage returns. ISIG is off: the console's line
 * discipline turns ^C, ^\ and ^Z into signals for the foreground group
 * (and ^C stops exosim when there is no process server to take it).
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <exo/dev.h>
#include <exo/errno.h>

#include "host.h"

/* The host terminal as we found it; a signal handler restores it. */
static struct termios saved;
static volatile sig_atomic_t raw_on;

static void restore(void)
{
	if (raw_on) {
		tcsetattr(0, TCSANOW, &saved);
		raw_on = 0;
	}
}

static void on_signal(int sig)
{
	restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

int con_host_init(void)
{
	struct termios t;
	struct sigaction sa;

	if (!isatty(0))
		return 0;
	if (tcgetpgrp(0) != getpgrp() || tcgetattr(0, &saved) != 0)
		return 1; /* in the background: leave the terminal alone */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	atexit(restore);
	t = saved;
	t.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
	t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | IEXTEN);
	/* ^C, ^\ and ^Z are the console's (its line discipline signals the foreground). */
	t.c_lflag &= ~(tcflag_t)ISIG;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(0, TCSANOW, &t) == 0)
		raw_on = 1;
	return 1;
}

void con_host_oflag(uint32_t oflag)
{
	struct termios t;

	if (!raw_on || tcgetattr(0, &t) != 0)
		return;
	t.c_oflag &= ~(tcflag_t)(OPOST | ONLCR | OCRNL | ONOCR | ONLRET);
	t.c_oflag |= (oflag & DTO_OPOST ? OPOST : 0) | (oflag & DTO_ONLCR ? ONLCR : 0) |
		     (oflag & DTO_OCRNL ? OCRNL : 0) | (oflag & DTO_ONOCR ? ONOCR : 0) |
		     (oflag & DTO_ONLRET ? ONLRET : 0);
	tcsetattr(0, TCSANOW, &t);
}

void con_host_winsize(uint16_t ws[4])
{
	struct winsize w;

	if ((ioctl(0, TIOCGWINSZ, &w) == 0 || ioctl(1, TIOCGWINSZ, &w) == 0) && w.ws_row && w.ws_col) {
		ws[0] = w.ws_row;
		ws[1] = w.ws_col;
		ws[2] = w.ws_xpixel;
		ws[3] = w.ws_ypixel;
		return;
	}
	ws[0] = 24;
	ws[1] = 80;
	ws[2] = ws[3] = 0;
}

int con_host_write(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -XE_EIO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

long con_host_read(char *buf, size_t n)
{
	for (;;) {
		ssize_t r = read(0, buf, n);

		if (r < 0 && errno == EINTR)
			continue;
		return (long)r;
	}
}

void con_host_interrupt(void)
{
	kill(getppid(), SIGINT); /* exosim stops, as on a ^C at its own terminal */
}

uint64_t con_host_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
