/*
 * libposix/server.c — finding the servers and calling them: the transports
 * of the generated stubs (exo_proto_call_fn) for the memory server, the VFS,
 * the device servers and the process server (the scheduler's is in sched.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include <exo/errno.h>
#include <exo/memory.h>
#include <exo/vfs.h>
#include "vfs_proto.h"

#include "px.h"

static exo_tid_t memory_tid, vfs_tid, proc_tid;
static int vfs_missing;

uint32_t px_atfd(int fd)
{
	if (fd == AT_FDCWD)
		return 0;
	return fd < 0 || fd >= VFS_FD_MAX ? VFS_AT_MASK : (uint32_t)fd + 1;
}

void px_cancel(exo_tid_t server)
{
	exo_msg_t m;

	/* The server drops what it held back for us; no late reply can follow. */
	memset(&m, 0, sizeof(m));
	m.tag = exo_tag(EXO_LABEL_CANCEL, 0, 0);
	exo_call(server, &m, exo_timeout_ms(5000), exo_timeout_ms(5000));
}

int px_mem_transport(exo_msg_t *m)
{
	exo_msg_t req = *m; /* sent again as it was if the server restarted */
	exo_err err;

	for (int attempt = 0; attempt < 2; attempt++) {
		if (memory_tid == EXO_NILTHREAD &&
		    exo_lookup(MEM_NAME, &memory_tid, exo_timeout_ms(5000)) != EXO_OK)
			return -XE_ENOSYS;
		*m = req;
		int old = px_intr(PX_INTR_NONE); /* the memory server never holds a request back */

		err = exo_call(memory_tid, m, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER);
		px_intr(old);
		if (err == EXO_OK)
			return -(int)exo_tag_label(m->tag);
		if (err != EXO_ENOPARTNER && err != EXO_EDEAD)
			return -XE_EIO;
		memory_tid = EXO_NILTHREAD; /* the server restarted: find it again */
	}
	return -XE_EIO;
}

/*
 * The VFS requests that may wait in the server (deferred replies): a pipe's
 * or a device's read or write, a FIFO's open, poll, a lock wait. A signal
 * may end only these (px_intr); any other request is answered at once.
 */
static int may_block(uint32_t label)
{
	switch (label & VFS_OP_MASK) {
	case VFS_OPEN: case VFS_READ: case VFS_WRITE: case VFS_POLL: case VFS_LOCK: case VFS_FLOCK:
		return 1;
	default:
		return 0;
	}
}

/*
 * Send request m to `to` and wait, the reply in m: its label as a negative
 * Exo errno (0 on success; the VFS's REDIRECT is -VFS_REDIRECT, which its
 * stubs look for first), or the transport's own failure.
 */
static int send(exo_tid_t to, exo_msg_t *m, int blocks)
{
	int old = blocks ? -1 : px_intr(PX_INTR_NONE);
	exo_err err = exo_call(to, m, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER);

	if (old >= 0)
		px_intr(old);
	if (err == EXO_ECANCELED) {
		px_cancel(to);
		return -XE_EINTR;
	}
	if (err == EXO_EMSGSIZE)
		return -XE_ENAMETOOLONG;
	if (err != EXO_OK)
		return err == EXO_ENOPARTNER || err == EXO_EDEAD ? -XE_ENOSYS : -XE_EIO;
	return -(int)exo_tag_label(m->tag);
}

int px_vfs(exo_msg_t *m)
{
	exo_msg_t req = *m; /* sent again as it was if the server restarted */

	for (int attempt = 0; attempt < 2; attempt++) {
		int r;

		if (vfs_tid == EXO_NILTHREAD) {
			/* Wait for the VFS once; after that, a system without one fails at once. */
			if (vfs_missing || exo_lookup(VFS_NAME, &vfs_tid, exo_timeout_ms(5000)) != EXO_OK) {
				vfs_missing = 1;
				return -XE_ENOSYS;
			}
		}
		*m = req;
		r = send(vfs_tid, m, may_block(exo_tag_label(req.tag)));
		if (r != -XE_ENOSYS || exo_tag_label(m->tag) == XE_ENOSYS)
			return r;
		vfs_tid = EXO_NILTHREAD; /* the server went away: look it up again */
	}
	return -XE_ENOSYS;
}

/*
 * The device server the calling thread's next dev_call_* goes to. A
 * transport has no argument for the server, so a caller names it with
 * px_dev_use just before the stub call and puts the old one back after it:
 * a signal handler that calls a device in between nests, and leaves the
 * value as it found it.
 */
static _Thread_local exo_tid_t dev_server;

exo_tid_t px_dev_use(exo_tid_t server)
{
	exo_tid_t old = dev_server;

	dev_server = server;
	return old;
}

int px_dev(exo_msg_t *m)
{
	int r = send(dev_server, m, 1);

	/* A device server that went away fails the I/O; only its own ENOSYS is one. */
	return r == -XE_ENOSYS && exo_tag_label(m->tag) != XE_ENOSYS ? -XE_EIO : r;
}

/*
 * Only WAIT waits in the process server: a signal may end it (px_intr) and
 * no other call, which is answered at once.
 */
int px_proc(exo_msg_t *m)
{
	exo_msg_t req = *m; /* sent again as it was if the server restarted */
	int blocks = exo_tag_label(req.tag) == PROC_WAIT;

	for (int attempt = 0; attempt < 2; attempt++) {
		exo_err err;
		int old;

		if (proc_tid == EXO_NILTHREAD &&
		    exo_lookup(PROC_NAME, &proc_tid, exo_timeout_ms(2000)) != EXO_OK)
			return -XE_ENOSYS;
		*m = req;
		old = blocks ? -1 : px_intr(PX_INTR_NONE);
		err = exo_call(proc_tid, m, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER);
		if (old >= 0)
			px_intr(old);
		if (err == EXO_OK)
			return -(int)exo_tag_label(m->tag);
		if (err == EXO_ECANCELED) {
			px_cancel(proc_tid);
			return -XE_EINTR;
		}
		if (err != EXO_ENOPARTNER && err != EXO_EDEAD)
			return -XE_EIO;
		proc_tid = EXO_NILTHREAD; /* the server restarted: find it again */
	}
	return -XE_ENOSYS;
}
