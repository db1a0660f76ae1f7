/*
 * libposix/poll.c — poll, ppoll, select, pselect: one VFS_POLL request
 * that the VFS answers when a descriptor is ready or the timeout passes.
 *
 * select writes the time left back into its timeout, as Linux does.
 * ppoll and pselect set their signal mask for the wait and restore the
 * caller's after it. A signal pending when the call starts that the new
 * mask lets through runs its handler as the mask is set, and the call then
 * returns EINTR without waiting. One that arrives in the short window
 * after the mask is set and before the request reaches the VFS runs its
 * handler there, and the wait goes on (Exo has no single call that swaps
 * the mask and blocks in a server); a signal during the wait ends it with
 * EINTR.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>

#include <exo/errno.h>
#include <exo/signal.h>
#include <exo/vfs.h>
#include "vfs_proto.h"

#include "px.h"

static const struct {
	short host;
	uint16_t wire;
} bits[] = {
	{ POLLIN, VP_IN },    { POLLRDNORM, VP_IN }, { POLLPRI, VP_PRI }, { POLLOUT, VP_OUT },
	{ POLLWRNORM, VP_OUT }, { POLLERR, VP_ERR }, { POLLHUP, VP_HUP }, { POLLNVAL, VP_NVAL },
};

static uint16_t to_wire(short ev)
{
	uint16_t w = 0;

	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (ev & bits[i].host)
			w |= bits[i].wire;
	return w;
}

static short from_wire(uint16_t w, short asked)
{
	short ev = 0;

	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if ((w & bits[i].wire) && ((asked & bits[i].host) || (bits[i].wire & (VP_ERR | VP_HUP | VP_NVAL))))
			ev |= bits[i].host;
	return ev;
}

/* Ask the VFS; e[] gets its revents. Returns the entries ready or -1. */
static int vfs_poll(struct vfs_pollfd *e, nfds_t n, uint64_t timeout_ns)
{
	struct vfs_poll_in in = { .entries = n, .timeout = timeout_ns, .fds = (const char *)e,
				  .fds_len = (uint32_t)(n * sizeof(*e)) };
	struct vfs_poll_out out = { .fds = e, .fds_len = (uint32_t)(n * sizeof(*e)) };
	int r, old;

	if (n > VPOLL_MAX) {
		return px_fail(-XE_EINVAL);
	}
	old = px_intr(PX_INTR_EINTR); /* poll and select are never restarted (POSIX) */
	r = vfs_call_poll(px_vfs, &in, &out);
	px_intr(old);
	if (r < 0)
		return px_fail(r);
	if (out.fds_len != n * sizeof(*e)) {
		return px_fail(-XE_EIO);
	}
	return (int)out.ready;
}

static uint64_t ts_ns(const struct timespec *t)
{
	if (!t)
		return VPOLL_FOREVER;
	return (uint64_t)t->tv_sec * 1000000000u + (uint64_t)t->tv_nsec;
}

static int px_poll(struct pollfd *fds, nfds_t n, uint64_t timeout_ns)
{
	struct vfs_pollfd one[64], *e = n <= 64 ? one : calloc(n, sizeof(*e));
	int r;

	if (!e) {
		errno = n > VPOLL_MAX ? EINVAL : ENOMEM;
		return -1;
	}
	for (nfds_t i = 0; i < n; i++) {
		e[i].fd = fds[i].fd;
		e[i].events = to_wire(fds[i].events);
		e[i].revents = 0;
	}
	r = vfs_poll(e, n, timeout_ns);
	for (nfds_t i = 0; r >= 0 && i < n; i++)
		fds[i].revents = fds[i].fd < 0 ? 0 : from_wire(e[i].revents, fds[i].events);
	if (e != one)
		free(e);
	return r;
}

int poll(struct pollfd *fds, nfds_t n, int timeout_ms)
{
	return px_poll(fds, n, timeout_ms < 0 ? VPOLL_FOREVER : (uint64_t)timeout_ms * 1000000u);
}

/* The Exo signals a C library set holds. */
static exo_sigset_t exo_set(const sigset_t *set)
{
	exo_sigset_t x = 0;

	for (int sig = 1; sig < NSIG; sig++) {
		int e = sigismember(set, sig) == 1 ? px_sig_to_exo(sig) : 0;

		if (e)
			x |= EXO_SIGBIT(e);
	}
	return x;
}

/*
 * Put `mask` in place for a wait (ppoll, pselect); *old gets the caller's.
 * 1: a signal pending before that the mask lets through was handled as it
 * was set (the caller returns EINTR); 0: wait; -1: errno set.
 */
static int mask_enter(const sigset_t *mask, exo_sigset_t *old)
{
	exo_sigset_t want = exo_set(mask), pending = 0;

	exo_signal_pending(&pending);
	if (exo_signal_mask(EXO_SIG_SETMASK, &want, old) != EXO_OK) {
		return px_fail(-XE_EINVAL);
	}
	return (pending & ~want & ~EXO_SIG_UNBLOCKABLE) ? 1 : 0;
}

static void mask_leave(const exo_sigset_t *old)
{
	exo_signal_mask(EXO_SIG_SETMASK, old, NULL);
}

int ppoll(struct pollfd *fds, nfds_t n, const struct timespec *t, const sigset_t *mask)
{
	exo_sigset_t old;
	int r, saved;

	if (t && (t->tv_sec < 0 || t->tv_nsec < 0 || t->tv_nsec >= 1000000000)) {
		return px_fail(-XE_EINVAL);
	}
	if (!mask)
		return px_poll(fds, n, ts_ns(t));
	r = mask_enter(mask, &old);
	if (r < 0)
		return -1;
	if (r == 1) {
		mask_leave(&old);
		return px_fail(-XE_EINTR);
	}
	r = px_poll(fds, n, ts_ns(t));
	saved = errno;
	mask_leave(&old);
	errno = saved;
	return r;
}

static int px_select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, uint64_t timeout_ns)
{
	struct vfs_pollfd e[FD_SETSIZE];
	int map[FD_SETSIZE], n = 0, r, count = 0;

	if (nfds < 0 || nfds > FD_SETSIZE) {
		return px_fail(-XE_EINVAL);
	}
	for (int fd = 0; fd < nfds; fd++) {
		uint16_t ev = (rd && FD_ISSET(fd, rd) ? VP_IN : 0) | (wr && FD_ISSET(fd, wr) ? VP_OUT : 0) |
			      (ex && FD_ISSET(fd, ex) ? VP_PRI : 0);

		if (!ev)
			continue;
		e[n].fd = fd;
		e[n].events = ev;
		e[n].revents = 0;
		map[n++] = fd;
	}
	r = vfs_poll(e, (nfds_t)n, timeout_ns);
	if (r < 0)
		return -1;
	for (int i = 0; i < n; i++)
		if (e[i].revents & VP_NVAL) {
			return px_fail(-XE_EBADF);
		}
	if (rd)
		FD_ZERO(rd);
	if (wr)
		FD_ZERO(wr);
	if (ex)
		FD_ZERO(ex);
	for (int i = 0; i < n; i++) {
		uint16_t w = e[i].revents;

		if (rd && (e[i].events & VP_IN) && (w & (VP_IN | VP_HUP | VP_ERR))) {
			FD_SET(map[i], rd);
			count++;
		}
		if (wr && (e[i].events & VP_OUT) && (w & (VP_OUT | VP_ERR))) {
			FD_SET(map[i], wr);
			count++;
		}
		if (ex && (e[i].events & VP_PRI) && (w & VP_PRI)) {
			FD_SET(map[i], ex);
			count++;
		}
	}
	return count;
}

/* select: the time left goes back into *tv (Linux), whatever the outcome. */
int select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, struct timeval *tv)
{
	uint64_t timeout, start, spent;
	int r, saved;

	if (tv && (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= 1000000)) {
		return px_fail(-XE_EINVAL);
	}
	timeout = tv ? (uint64_t)tv->tv_sec * 1000000000u + (uint64_t)tv->tv_usec * 1000u : VPOLL_FOREVER;
	start = exo_clock_ns();
	r = px_select(nfds, rd, wr, ex, timeout);
	if (tv) {
		saved = errno;
		spent = exo_clock_ns() - start;
		timeout = r == 0 || spent >= timeout ? 0 : timeout - spent; /* a timeout leaves nothing */
		tv->tv_sec = (time_t)(timeout / 1000000000u);
		tv->tv_usec = (suseconds_t)(timeout % 1000000000u / 1000u);
		errno = saved;
	}
	return r;
}

int pselect(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, const struct timespec *t, const sigset_t *mask)
{
	exo_sigset_t old;
	int r, saved;

	if (t && (t->tv_sec < 0 || t->tv_nsec < 0 || t->tv_nsec >= 1000000000)) {
		return px_fail(-XE_EINVAL);
	}
	if (!mask)
		return px_select(nfds, rd, wr, ex, ts_ns(t));
	r = mask_enter(mask, &old);
	if (r < 0)
		return -1;
	if (r == 1) {
		mask_leave(&old);
		return px_fail(-XE_EINTR);
	}
	r = px_select(nfds, rd, wr, ex, ts_ns(t));
	saved = errno;
	mask_leave(&old);
	errno = saved;
	return r;
}
