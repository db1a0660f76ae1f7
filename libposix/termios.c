/*
 * libposix/termios.c — the termios calls: tcgetattr, tcsetattr, tcflush,
 * tcdrain, tcflow, tcsendbreak.
 *
 * The descriptor's terminal is found with VFS_DEVICE, then asked directly
 * (exo/dev.h). The attributes on the wire are Exo's (DTI_*, DTO_*, DTF_*,
 * DTL_*, DTC_*); here they become the C library's and back. Bits the C
 * library has and Exo does not are dropped, as a terminal ignores what it
 * does not do. The pure helpers (cfmakeraw, cfgetospeed, cfsetspeed, ...)
 * are the C library's: glibc's on the sim; on riscv64 libposix's
 * <termios.h> defines them, as picolibc has none.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <exo/dev.h>
#include "dev_proto.h"
#include <exo/errno.h>
#include <exo/proc.h>
#include "proc_proto.h"
#include <exo/vfs.h>
#include "vfs_proto.h"

#include "px.h"
#include "tty.h"

struct bit {
	tcflag_t host;
	uint32_t exo;
};

static const struct bit iflags[] = {
	{ IGNBRK, DTI_IGNBRK }, { BRKINT, DTI_BRKINT }, { IGNPAR, DTI_IGNPAR }, { PARMRK, DTI_PARMRK },
	{ INPCK, DTI_INPCK },   { ISTRIP, DTI_ISTRIP }, { INLCR, DTI_INLCR },   { IGNCR, DTI_IGNCR },
	{ ICRNL, DTI_ICRNL },   { IXON, DTI_IXON },     { IXANY, DTI_IXANY },   { IXOFF, DTI_IXOFF },
	{ IMAXBEL, DTI_IMAXBEL }, { IUTF8, DTI_IUTF8 }, { 0, 0 },
};
static const struct bit oflags[] = {
	{ OPOST, DTO_OPOST }, { ONLCR, DTO_ONLCR }, { OCRNL, DTO_OCRNL }, { ONOCR, DTO_ONOCR },
	{ ONLRET, DTO_ONLRET }, { 0, 0 },
};
static const struct bit cflags[] = {
	{ CSTOPB, DTF_CSTOPB }, { CREAD, DTF_CREAD }, { PARENB, DTF_PARENB }, { PARODD, DTF_PARODD },
	{ HUPCL, DTF_HUPCL },   { CLOCAL, DTF_CLOCAL }, { 0, 0 },
};
static const struct bit lflags[] = {
	{ ISIG, DTL_ISIG },     { ICANON, DTL_ICANON }, { ECHO, DTL_ECHO },     { ECHOE, DTL_ECHOE },
	{ ECHOK, DTL_ECHOK },   { ECHONL, DTL_ECHONL }, { NOFLSH, DTL_NOFLSH }, { TOSTOP, DTL_TOSTOP },
	{ IEXTEN, DTL_IEXTEN }, { ECHOCTL, DTL_ECHOCTL }, { ECHOKE, DTL_ECHOKE }, { 0, 0 },
};

/* The C library's c_cc index of each DTC_* index. */
static const unsigned char ccs[DTC_COUNT] = {
	[DTC_VINTR] = VINTR,     [DTC_VQUIT] = VQUIT,       [DTC_VERASE] = VERASE,
	[DTC_VKILL] = VKILL,     [DTC_VEOF] = VEOF,         [DTC_VTIME] = VTIME,
	[DTC_VMIN] = VMIN,       [DTC_VSTART] = VSTART,     [DTC_VSTOP] = VSTOP,
	[DTC_VSUSP] = VSUSP,     [DTC_VEOL] = VEOL,         [DTC_VREPRINT] = VREPRINT,
	[DTC_VDISCARD] = VDISCARD, [DTC_VWERASE] = VWERASE, [DTC_VLNEXT] = VLNEXT,
	[DTC_VEOL2] = VEOL2,
};

static const struct {
	speed_t host;
	uint32_t bps;
} speeds[] = {
	{ B0, 0 },           { B50, 50 },         { B75, 75 },         { B110, 110 },
	{ B134, 134 },       { B150, 150 },       { B200, 200 },       { B300, 300 },
	{ B600, 600 },       { B1200, 1200 },     { B1800, 1800 },     { B2400, 2400 },
	{ B4800, 4800 },     { B9600, 9600 },     { B19200, 19200 },   { B38400, 38400 },
	{ B57600, 57600 },   { B115200, 115200 }, { B230400, 230400 }, { B460800, 460800 },
	{ B500000, 500000 }, { B576000, 576000 }, { B921600, 921600 }, { B1000000, 1000000 },
	{ B1152000, 1152000 }, { B1500000, 1500000 }, { B2000000, 2000000 }, { B2500000, 2500000 },
	{ B3000000, 3000000 }, { B3500000, 3500000 }, { B4000000, 4000000 },
};

static uint32_t to_exo(const struct bit *b, tcflag_t v)
{
	uint32_t r = 0;

	for (; b->host; b++)
		if (v & b->host)
			r |= b->exo;
	return r;
}

static tcflag_t to_host(const struct bit *b, uint64_t v)
{
	tcflag_t r = 0;

	for (; b->host; b++)
		if (v & b->exo)
			r |= b->host;
	return r;
}

static speed_t host_speed(uint64_t bps)
{
	for (size_t i = 0; i < sizeof(speeds) / sizeof(speeds[0]); i++)
		if (speeds[i].bps == bps)
			return speeds[i].host;
	return B38400;
}

static uint32_t exo_speed(speed_t s)
{
	for (size_t i = 0; i < sizeof(speeds) / sizeof(speeds[0]); i++)
		if (speeds[i].host == s)
			return speeds[i].bps;
	return 38400;
}

int px_tty_find(int fd, struct px_tty *tty)
{
	struct vfs_device_out out;
	int r;

	if (fd < 0)
		return -XE_EBADF;
	r = vfs_call_device(px_vfs, &(struct vfs_device_in){ .fd = (uint64_t)fd }, &out);
	if (r < 0)
		return r;
	if (out.rdev >> 8 != 5 && out.rdev >> 8 != 4)
		return -XE_ENOTTY; /* a device, but not a terminal (major 4 or 5) */
	tty->server = (exo_tid_t)out.server;
	tty->handle = out.in_handle;
	return 0;
}

/* The attributes of fd's terminal, as Exo's words (out: DTW_WORDS). */
static int get_words(int fd, struct px_tty *tty, uint64_t *w)
{
	struct dev_tcgetattr_out out;
	exo_tid_t old;
	int r = px_tty_find(fd, tty);

	if (r < 0)
		return r;
	old = px_dev_use(tty->server);
	r = dev_call_tcgetattr(px_dev, &(struct dev_tcgetattr_in){ .handle = tty->handle }, &out);
	px_dev_use(old);
	if (r < 0)
		return r;
	w[DTW_IFLAG] = out.iflag;
	w[DTW_OFLAG] = out.oflag;
	w[DTW_CFLAG] = out.cflag;
	w[DTW_LFLAG] = out.lflag;
	w[DTW_SPEED] = out.speed;
	w[DTW_CC0] = out.cc0;
	w[DTW_CC1] = out.cc1;
	return 0;
}

int tcgetattr(int fd, struct termios *t)
{
	struct px_tty tty;
	uint64_t w[DTW_WORDS];
	int r = get_words(fd, &tty, w);

	if (r < 0)
		return px_fail(r);
	memset(t, 0, sizeof(*t));
	t->c_iflag = to_host(iflags, w[DTW_IFLAG]);
	t->c_oflag = to_host(oflags, w[DTW_OFLAG]);
	t->c_lflag = to_host(lflags, w[DTW_LFLAG]);
	t->c_cflag = to_host(cflags, w[DTW_CFLAG]);
	switch (w[DTW_CFLAG] & DTF_CSIZE) {
	case 0: t->c_cflag |= CS5; break;
	case 1: t->c_cflag |= CS6; break;
	case 2: t->c_cflag |= CS7; break;
	default: t->c_cflag |= CS8; break;
	}
	for (int i = 0; i < DTC_COUNT; i++)
		t->c_cc[ccs[i]] = (cc_t)(w[DTW_CC0 + i / 8] >> (8 * (i % 8)));
	cfsetspeed(t, host_speed(w[DTW_SPEED]));
	return 0;
}

int tcsetattr(int fd, int when, const struct termios *t)
{
	struct dev_tcsetattr_in in = { 0 };
	uint64_t w[DTW_WORDS] = { 0 };
	struct px_tty tty;
	exo_tid_t old;
	int r;

	switch (when) {
	case TCSANOW: in.when = DT_TCSANOW; break;
	case TCSADRAIN: in.when = DT_TCSADRAIN; break;
	case TCSAFLUSH: in.when = DT_TCSAFLUSH; break;
	default:
		return px_fail(-XE_EINVAL);
	}
	if (!t) {
		return px_fail(-XE_EFAULT);
	}
	if ((r = px_tty_find(fd, &tty)) < 0)
		return px_fail(r);
	in.handle = tty.handle;
	w[DTW_IFLAG] = to_exo(iflags, t->c_iflag);
	w[DTW_OFLAG] = to_exo(oflags, t->c_oflag);
	w[DTW_LFLAG] = to_exo(lflags, t->c_lflag);
	switch (t->c_cflag & CSIZE) {
	case CS5: w[DTW_CFLAG] = 0; break;
	case CS6: w[DTW_CFLAG] = 1; break;
	case CS7: w[DTW_CFLAG] = 2; break;
	default: w[DTW_CFLAG] = 3; break;
	}
	w[DTW_CFLAG] |= to_exo(cflags, t->c_cflag);
	w[DTW_SPEED] = exo_speed(cfgetospeed(t));
	for (int i = 0; i < DTC_COUNT; i++)
		w[DTW_CC0 + i / 8] |= (uint64_t)t->c_cc[ccs[i]] << (8 * (i % 8));
	in.iflag = w[DTW_IFLAG];
	in.oflag = w[DTW_OFLAG];
	in.cflag = w[DTW_CFLAG];
	in.lflag = w[DTW_LFLAG];
	in.speed = w[DTW_SPEED];
	in.cc0 = w[DTW_CC0];
	in.cc1 = w[DTW_CC1];
	old = px_dev_use(tty.server);
	r = dev_call_tcsetattr(px_dev, &in);
	px_dev_use(old);
	return r < 0 ? px_fail(r) : 0;
}

int tcflush(int fd, int queue)
{
	struct dev_tcflush_in in;
	struct px_tty tty;
	exo_tid_t old;
	int r;

	switch (queue) {
	case TCIFLUSH: in.queue = DT_FLUSH_IN; break;
	case TCOFLUSH: in.queue = DT_FLUSH_OUT; break;
	case TCIOFLUSH: in.queue = DT_FLUSH_BOTH; break;
	default:
		return px_fail(-XE_EINVAL);
	}
	if ((r = px_tty_find(fd, &tty)) < 0)
		return px_fail(r);
	in.handle = tty.handle;
	old = px_dev_use(tty.server);
	r = dev_call_tcflush(px_dev, &in);
	px_dev_use(old);
	return r < 0 ? px_fail(r) : 0;
}

/* A terminal call with nothing to do on the console: fd must be a terminal. */
static int nothing_to_do(int fd)
{
	struct px_tty tty;
	uint64_t w[DTW_WORDS];
	int r = get_words(fd, &tty, w);

	return r < 0 ? px_fail(r) : 0;
}

/* The console writes before it answers a write: nothing is left to drain. */
int tcdrain(int fd)
{
	return nothing_to_do(fd);
}

/* The console has no flow control to suspend: the actions are checked, then done. */
int tcflow(int fd, int action)
{
	if (action != TCOOFF && action != TCOON && action != TCIOFF && action != TCION) {
		return px_fail(-XE_EINVAL);
	}
	return nothing_to_do(fd);
}

/* The console is not a serial line: there is no break to send. */
int tcsendbreak(int fd, int duration)
{
	(void)duration;
	return nothing_to_do(fd);
}

/*
 * The console's foreground process group and session belong to the process
 * server (exo/proc.h); the descriptor only has to be the terminal.
 */
int tcsetpgrp(int fd, pid_t pgrp)
{
	struct px_tty tty;
	int r = px_tty_find(fd, &tty);

	if (r < 0)
		return px_fail(r);
	if (pgrp <= 0)
		return px_fail(-XE_EINVAL);
	r = proc_call_tcsetpgrp(px_proc, &(struct proc_tcsetpgrp_in){ .pgid = pgrp });
	return r < 0 ? px_fail(r) : 0;
}

static int tty_ids(int fd, int sid)
{
	struct proc_tcgetpgrp_out out;
	struct px_tty tty;
	int r = px_tty_find(fd, &tty);

	if (r < 0)
		return px_fail(r);
	r = proc_call_tcgetpgrp(px_proc, &out);
	return r < 0 ? px_fail(r) : (int)(sid ? out.sid : out.pgid);
}

pid_t tcgetpgrp(int fd)
{
	return tty_ids(fd, 0);
}

pid_t tcgetsid(int fd)
{
	return tty_ids(fd, 1);
}
