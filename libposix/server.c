/*
 * libposix/server.c — finding the servers and calling them.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include <exo/errno.h>
#include <exo/memory.h>
#include <exo/vfs.h>
#include "vfs_proto.h"

#include "px.h"

static exo_tid_t memory_tid, vfs_tid;
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

int px_dev_call(exo_tid_t server, uint32_t label, unsigned n, const uint64_t *in, const void *s1,
		size_t l1, void *rbuf, size_t rcap, exo_msg_t *m, size_t *rlen)
{
	unsigned idx = n;
	int r;

	memset(m, 0, sizeof(*m));
	if (n)
		memcpy(m->mr, in, n * sizeof(uint64_t));
	if (s1)
		idx = exo_msg_put_string(m, idx, s1, (uint32_t)l1);
	m->tag = exo_tag(label, n, idx - n);
	if (rbuf)
		exo_msg_accept_string(m, rbuf, (uint32_t)rcap);
	r = send(server, m, 1);
	if (rlen) {
		unsigned u = exo_tag_untyped(m->tag);

		*rlen = r == 0 && exo_tag_typed(m->tag) >= 2 && exo_item_kind(m->mr[u]) == EXO_ITEM_STRING
				? exo_string_len(m->mr[u])
				: 0;
	}

	return r == -XE_ENOSYS && exo_tag_label(m->tag) != XE_ENOSYS ? -XE_EIO : r;
}
