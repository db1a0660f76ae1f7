/*
 * libposix/include/sys/ioctl.h — ioctl and the requests libposix answers
 * (libposix/ioctl.c): the window size, the kernel's termios calls, the
 * descriptor ones.
 *
 * picolibc has no <sys/ioctl.h>; this one serves the riscv64 build. The
 * request numbers are Linux's; anything else is ENOTTY.
 */
#ifndef EXO_LIBPOSIX_SYS_IOCTL_H
#define EXO_LIBPOSIX_SYS_IOCTL_H

#include <sys/types.h>

__BEGIN_DECLS

struct winsize {
	unsigned short ws_row;
	unsigned short ws_col;
	unsigned short ws_xpixel;
	unsigned short ws_ypixel;
};

#define TCGETS 0x5401
#define TCSETS 0x5402
#define TCSETSW 0x5403
#define TCSETSF 0x5404
#define TCFLSH 0x540b
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define FIONREAD 0x541b
#define TIOCINQ FIONREAD
#define FIONBIO 0x5421
#define FIONCLEX 0x5450
#define FIOCLEX 0x5451

int ioctl(int fd, unsigned long req, ...);

__END_DECLS

#endif
