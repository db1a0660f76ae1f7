/*
 * servers/vfs/poll.c — poll and select: which descriptors are ready, and
 * requests that wait until one is or their timeout passes.
 *
 * A waiting poll is a deferred reply like a blocked pipe read. After every
 * request the server looks again at the waiting polls (anything may have
 * changed: a write, a close, a space's end), and its receive timeout is the
 * earliest poll deadline, so the server's own loop is the timer: no thread,
 * no host timer.
 *
 * Readiness: regular files, directories and the VFS's devices are always
 * ready; a pipe's read end is readable with bytes queued and hangs up (HUP)
 * when no writer is left; its write end is writable with PIPE_BUF bytes of
 * room and in error (ERR) when no reader is left. A descriptor on a device
 * server (the console) is writable, and readable when the device says so
 * (dev_readable: bytes to read, or end of file; input gone for good is HUP
 * too); a poll waiting on one looks again every DEV_RECHECK_NS.
 */
#include <stdlib.h>
#include <string.h>

#include <exo/dev.h>
#include "dev_proto.h"
#include <exo/errno.h>

#include "vfs.h"

#define DEV_RECHECK_NS 10000000ull /* 10 ms */

struct pollwait {
	exo_tid_t client;
	exo_space_t space;
	struct vfs_pollfd *fds;
	unsigned n;
	uint64_t deadline;       /* clock ns, or VPOLL_FOREVER */
	bool on_device;          /* waits on a device server: look again on a tick */
	struct pollwait *next;
};

static struct pollwait *waiting;

/*
 * Ask the device server how much a read would get now (DEV_NREAD), with
 * bounded timeouts: a stuck device makes its descriptor look not ready, it
 * never stops the VFS.
 */
static exo_tid_t nread_server; /* the device dev_call_nread goes to (one request at a time: the VFS's one thread) */

static int nread_transport(exo_msg_t *m)
{
	if (exo_call(nread_server, m, exo_timeout_ms(100), exo_timeout_ms(100)) != EXO_OK)
		return -XE_EIO;
	return -(int)exo_tag_label(m->tag);
}

unsigned dev_readable(struct node *n, uint64_t handle)
{
	struct dev_nread_out out;

	nread_server = n->dev_server;
	if (dev_call_nread(nread_transport, &(struct dev_nread_in){ .handle = handle }, &out) != 0)
		return 0;
	if (out.bytes > 0)
		return VP_IN;
	/* End of file: a read returns 0 at once; the input gone for good is a hangup too. */
	return ((out.flags & DEV_NR_EOF) ? VP_IN : 0) | ((out.flags & DEV_NR_HUP) ? VP_IN | VP_HUP : 0);
}

static unsigned ready(struct vproc *p, const struct vfs_pollfd *e, bool *on_device)
{
	struct ofd *f = e->fd >= 0 ? fd_get(p, (uint64_t)e->fd) : NULL;
	unsigned ev = e->events, r = 0, acc;
	struct node *n;

	if (!f)
		return VP_NVAL;
	n = f->node;
	acc = f->flags & VO_ACCMODE;
	if (n->pipe) {
		struct pipe *pp = n->pipe;

		if (acc != VO_WRONLY) {
			if (pp->len > 0)
				r |= VP_IN;
			if (pp->writers == 0)
				r |= VP_HUP;
		}
		if (acc != VO_RDONLY) {
			if (pp->readers == 0)
				r |= VP_ERR;
			else if (VFS_PIPE_CAP - pp->len >= VFS_PIPE_BUF)
				r |= VP_OUT;
		}
	} else if (n->dev == VDEV_SERVER) {
		unsigned in = acc != VO_WRONLY ? dev_readable(n, f->in_handle) : 0;

		r |= VP_OUT | in;
		if ((ev & VP_IN) && !(in & VP_IN))
			*on_device = true;
	} else {
		r |= VP_IN | VP_OUT;
	}
	return r & (ev | VP_ERR | VP_HUP);
}

/* Fill in revents; returns how many entries have any. */
static unsigned scan(struct vproc *p, struct vfs_pollfd *fds, unsigned n, bool *on_device)
{
	unsigned count = 0;

	*on_device = false;
	for (unsigned i = 0; i < n; i++) {
		fds[i].revents = fds[i].fd < 0 ? 0 : (uint16_t)ready(p, &fds[i], on_device);
		count += fds[i].revents != 0;
	}
	return count;
}

int do_poll(void *ctx, const struct vfs_poll_in *in, struct vfs_poll_out *out)
{
	struct vreq *r = ctx;
	uint64_t n = in->entries, timeout = in->timeout;
	struct vfs_pollfd *fds = (struct vfs_pollfd *)(void *)r->out;
	struct pollwait *w;
	unsigned count;
	bool on_device;

	if (n > VPOLL_MAX || (n && (!in->fds || in->fds_len != n * sizeof(*fds))))
		return -XE_EINVAL;
	if (n)
		memcpy(fds, in->fds, n * sizeof(*fds));
	count = scan(r->p, fds, (unsigned)n, &on_device);
	if (count || timeout == 0) {
		out->fds = fds;
		out->fds_len = (uint32_t)(n * sizeof(*fds));
		out->ready = count;
		return 0;
	}
	w = calloc(1, sizeof(*w));
	if (!w || !(w->fds = malloc(n ? n * sizeof(*fds) : 1))) {
		free(w);
		return -XE_EAGAIN; /* POSIX: resources to wait could not be had */
	}
	memcpy(w->fds, fds, n * sizeof(*fds));
	w->n = (unsigned)n;
	w->client = r->from;
	w->space = r->p->space;
	w->on_device = on_device;
	w->deadline = timeout == VPOLL_FOREVER ? VPOLL_FOREVER : vfs_now() + timeout;
	if (w->deadline < timeout)
		w->deadline = VPOLL_FOREVER;
	w->next = waiting;
	waiting = w;
	return EXO_PROTO_HELD;
}

void poll_settle(struct vfs *v)
{
	struct pollwait **q = &waiting;
	uint64_t now = 0;

	while (*q) {
		struct pollwait *w = *q;
		struct vproc *p;
		unsigned count = 0;

		for (p = v->procs; p && p->space != w->space; p = p->next)
			;
		if (p)
			count = scan(p, w->fds, w->n, &w->on_device);
		if (!count && w->deadline != VPOLL_FOREVER) {
			if (!now)
				now = vfs_now();
			if (now >= w->deadline) {
				for (unsigned i = 0; i < w->n; i++)
					w->fds[i].revents = 0;
			} else {
				q = &w->next;
				continue;
			}
		} else if (!count) {
			q = &w->next;
			continue;
		}
		struct vfs_poll_out out = { .ready = count, .fds = w->fds, .fds_len = (uint32_t)(w->n * sizeof(*w->fds)) };
		exo_msg_t m = { 0 };

		*q = w->next;
		vfs_answer(w->client, &m, VFS_POLL_OUT_WORDS, vfs_poll_out_put(&m, &out), 0);
		free(w->fds);
		free(w);
	}
}

exo_timeout_t poll_timeout(void)
{
	uint64_t first = VPOLL_FOREVER, now;

	for (struct pollwait *w = waiting; w; w = w->next) {
		if (w->deadline < first)
			first = w->deadline;
		if (w->on_device) {
			now = vfs_now();
			if (now + DEV_RECHECK_NS < first)
				first = now + DEV_RECHECK_NS;
		}
	}
	if (first == VPOLL_FOREVER)
		return EXO_TIMEOUT_NEVER;
	now = vfs_now();
	return first <= now ? exo_timeout_us(1) : exo_timeout_us((first - now + 999) / 1000);
}

bool poll_waiting(void)
{
	return waiting != NULL;
}

static void poll_drop(exo_space_t space, exo_tid_t client)
{
	struct pollwait **q = &waiting;

	while (*q) {
		struct pollwait *w = *q;

		if ((space != EXO_NILSPACE && w->space == space) || (client != EXO_NILTHREAD && w->client == client)) {
			*q = w->next;
			free(w->fds);
			free(w);
		} else {
			q = &w->next;
		}
	}
}

void poll_forget_space(exo_space_t space)
{
	poll_drop(space, EXO_NILTHREAD);
}

void poll_cancel(exo_tid_t client)
{
	poll_drop(EXO_NILSPACE, client);
}
