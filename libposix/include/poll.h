/*
 * libposix/include/poll.h — poll and ppoll (libposix/poll.c).
 *
 * picolibc has no <poll.h>; this one serves the riscv64 build. The event
 * bits are Linux's; libposix turns them into the VFS's (VP_*).
 */
#ifndef EXO_LIBPOSIX_POLL_H
#define EXO_LIBPOSIX_POLL_H

#include <sys/types.h>
#if __GNU_VISIBLE
#include <signal.h>
#include <time.h>
#endif

__BEGIN_DECLS

#define POLLIN 0x001
#define POLLPRI 0x002
#define POLLOUT 0x004
#define POLLERR 0x008
#define POLLHUP 0x010
#define POLLNVAL 0x020
#define POLLRDNORM 0x040
#define POLLRDBAND 0x080
#define POLLWRNORM 0x100
#define POLLWRBAND 0x200

typedef unsigned long nfds_t;

struct pollfd {
	int fd;
	short events;
	short revents;
};

int poll(struct pollfd *fds, nfds_t n, int timeout_ms);
#if __GNU_VISIBLE
int ppoll(struct pollfd *fds, nfds_t n, const struct timespec *t, const sigset_t *mask);
#endif

__END_DECLS

#endif
