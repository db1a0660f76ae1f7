/*
 * libposix/tty.h — the terminal behind a descriptor, for termios.c and
 * ioctl.c.
 */
#ifndef EXO_LIBPOSIX_TTY_H
#define EXO_LIBPOSIX_TTY_H

#include <stdint.h>

#include <exo/exo.h>

struct px_tty {
	exo_tid_t server; /* the device server (exo/dev.h) */
	uint64_t handle;
};

/*
 * Find the terminal behind fd with VFS_DEVICE: 0, -XE_EBADF for a bad
 * descriptor, -XE_ENOTTY when it is not a terminal.
 */
int px_tty_find(int fd, struct px_tty *tty);

#endif
