/*
 * servers/vfs/pipe.c — pipes: a ring buffer, and the requests waiting on it.
 *
 * The server never blocks: a read of an empty pipe (with writers left) and a
 * write that does not fit are kept as waiters and answered later, when a
 * write or a read makes them possible (deferred replies), so one blocked
 * client never stalls another. Writes up to VFS_PIPE_BUF bytes are atomic;
 * a longer one goes in as room appears. No writers left: reads see end of
 * file; no readers left: writes fail with EPIPE.
 *
 * A waiter's answer that fails (the client was interrupted by a signal
 * first; it sends EXO_LABEL_CANCEL next) undoes what the answer said: a
 * read's bytes go back to the head of the pipe, a write's last piece comes
 * off its tail, a FIFO's open closes again. Earlier pieces of a long write
 * that readers took already stay taken (a partial write, as on any UNIX).
 *
 * A FIFO (mkfifo) is a pipe with a name: opening it for reading waits for a
 * writer and opening it for writing waits for a reader (deferred replies
 * too), unless O_NONBLOCK: then a reader opens at once and a writer without
 * a reader gets ENXIO. O_RDWR opens at once.
 */
#include <stdlib.h>
#include <string.h>

#include <exo/errno.h>

#include "vfs.h"

static uint64_t room(const struct pipe *p)
{
	return VFS_PIPE_CAP - p->len;
}

static void put(struct pipe *p, const uint8_t *d, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		p->buf[(p->head + p->len + i) % VFS_PIPE_CAP] = d[i];
	p->len += n;
}

static uint64_t take(struct pipe *p, uint8_t *d, uint64_t n)
{
	if (n > p->len)
		n = p->len;
	for (uint64_t i = 0; i < n; i++)
		d[i] = p->buf[(p->head + i) % VFS_PIPE_CAP];
	p->head = (p->head + n) % VFS_PIPE_CAP;
	p->len -= n;
	return n;
}

/* Give back the n bytes take() just took: they are the pipe's head again. */
static void untake(struct pipe *p, uint64_t n)
{
	p->head = (p->head + VFS_PIPE_CAP - n) % VFS_PIPE_CAP;
	p->len += n;
}

/* Complete whatever waiters can complete now; repeat until nothing moves. */
static void settle(struct pipe *p)
{
	static uint8_t out[EXO_STRING_MAX];
	bool moved = true;

	while (moved) {
		moved = false;
		while (p->rwait && (p->len > 0 || p->writers == 0)) {
			struct pwait *w = p->rwait;
			uint64_t n = take(p, out, w->count);
			struct vfs_read_out ro = { .bytes = n, .data = out, .data_len = (uint32_t)n };
			exo_msg_t m = { 0 };

			p->rwait = w->next;
			if (vfs_answer(w->client, &m, VFS_READ_OUT_WORDS, vfs_read_out_put(&m, &ro), 0) != EXO_OK)
				untake(p, n); /* nobody got them: the next reader will */
			free(w);
			moved = true;
		}
		while (p->wwait) {
			struct pwait *w = p->wwait;
			exo_msg_t m = { 0 };
			uint64_t n;

			if (p->readers == 0) {
				p->wwait = w->next;
				vfs_answer(w->client, &m, 0, 0, -XE_EPIPE);
				free(w->data);
				free(w);
				moved = true;
				continue;
			}
			/* Atomic writes go in whole; longer ones as room appears. */
			n = w->len - w->count;
			if (w->len <= VFS_PIPE_BUF ? room(p) < n : room(p) == 0)
				break;
			if (n > room(p))
				n = room(p);
			put(p, w->data + w->count, n);
			w->count += n;
			moved = true;
			if (w->count == w->len) {
				struct vfs_write_out wo = { .bytes = w->len };

				p->wwait = w->next;
				if (vfs_answer(w->client, &m, VFS_WRITE_OUT_WORDS, vfs_write_out_put(&m, &wo), 0) != EXO_OK)
					p->len -= n; /* the writer does not count it written: out again */
				free(w->data);
				free(w);
			}
		}
	}
}

static void enqueue(struct pwait **q, struct pwait *w)
{
	while (*q)
		q = &(*q)->next;
	w->next = NULL;
	*q = w;
}

struct pipe *pipe_new(void)
{
	return calloc(1, sizeof(struct pipe));
}

/* Close the descriptor a FIFO open that nobody took left in space's table. */
static void open_undo(struct vfs *v, exo_space_t space, uint64_t fd)
{
	struct vproc *pr = proc_find(v, space);

	if (pr)
		fd_close(v, pr, fd);
}

/* Answer the FIFO opens that the other end has now arrived for. */
static void open_settle(struct vfs *v, struct pipe *p)
{
	struct pwait **q = &p->owait, *undo = NULL;

	while (*q) {
		struct pwait *w = *q;

		/* w->len: the access mode it waits with; w->count: its descriptor. */
		if (w->len == VO_RDONLY ? p->writers > 0 : p->readers > 0) {
			struct vfs_open_out out = { .fd = w->count };
			exo_msg_t m = { 0 };

			*q = w->next;
			if (vfs_answer(w->client, &m, VFS_OPEN_OUT_WORDS, vfs_open_out_put(&m, &out), 0) != EXO_OK) {
				w->next = undo;
				undo = w;
			} else {
				free(w);
			}
		} else {
			q = &w->next;
		}
	}
	/* After the walk: closing may settle (and free) this very pipe. */
	while (undo) {
		struct pwait *w = undo;

		undo = w->next;
		open_undo(v, w->space, w->count);
		free(w);
	}
}

int fifo_open(struct vreq *r, struct ofd *f, int fd)
{
	struct pipe *p = f->node->pipe;
	unsigned acc = f->flags & VO_ACCMODE;
	struct pwait *w;

	if (acc != VO_WRONLY)
		p->readers++;
	if (acc != VO_RDONLY)
		p->writers++;
	open_settle(r->v, p);
	settle(p);
	if (acc == VO_RDWR || (acc == VO_RDONLY ? p->writers > 0 : p->readers > 0))
		return 0;
	if (f->flags & VO_NONBLOCK) {
		if (acc == VO_RDONLY)
			return 0;
		/* A writer with no reader: undo the open. */
		r->p->fds[fd].f = NULL;
		pipe_close_end(r->v, f);
		f->node->opens--;
		node_put(r->v, f->node);
		free(f);
		return -XE_ENXIO;
	}
	w = calloc(1, sizeof(*w));
	if (!w)
		return 0; /* cannot wait: open now, as O_NONBLOCK would */
	w->client = r->from;
	w->space = r->p->space;
	w->count = (uint64_t)fd;
	w->len = acc;
	enqueue(&p->owait, w);
	return EXO_PROTO_HELD;
}

int pipe_create(void *ctx, const struct vfs_pipe_in *in, struct vfs_pipe_out *out)
{
	struct vreq *r = ctx;
	unsigned flags = (unsigned)in->flags;
	struct node *n;
	struct ofd *rd, *wr;
	int fr, fw;

	if (flags & ~(VO_CLOEXEC | VO_NONBLOCK))
		return -XE_EINVAL;
	for (fr = 0; fr < VFS_FD_MAX && r->p->fds[fr].f; fr++)
		;
	for (fw = fr + 1; fw < VFS_FD_MAX && r->p->fds[fw].f; fw++)
		;
	if (fw >= VFS_FD_MAX)
		return -XE_EMFILE;
	n = node_new(r->v, VS_IFIFO | 0600);
	rd = calloc(1, sizeof(*rd));
	wr = calloc(1, sizeof(*wr));
	if (n)
		n->pipe = pipe_new();
	if (!n || !n->pipe || !rd || !wr) {
		free(rd);
		free(wr);
		if (n) {
			pipe_free(n);
			node_put(r->v, n);
		}
		return -XE_ENFILE;
	}
	node_own(n, r->who, NULL);
	rd->node = wr->node = n;
	rd->flags = VO_RDONLY | (flags & VO_NONBLOCK);
	wr->flags = VO_WRONLY | (flags & VO_NONBLOCK);
	rd->refs = wr->refs = 1;
	n->opens = 2;
	n->pipe->readers = n->pipe->writers = 1;
	r->p->fds[fr].f = rd;
	r->p->fds[fr].cloexec = flags & VO_CLOEXEC;
	r->p->fds[fw].f = wr;
	r->p->fds[fw].cloexec = flags & VO_CLOEXEC;
	out->rfd = (uint64_t)fr;
	out->wfd = (uint64_t)fw;
	return 0;
}

int pipe_read(struct vreq *r, struct ofd *f, uint64_t count, struct vfs_read_out *out)
{
	static uint8_t buf[EXO_STRING_MAX];
	struct pipe *p = f->node->pipe;
	struct pwait *w;
	uint64_t n;

	if (count > EXO_STRING_MAX)
		count = EXO_STRING_MAX;
	if (p->len > 0 || p->writers == 0 || count == 0) {
		n = take(p, buf, count);
		out->data = buf;
		out->data_len = (uint32_t)n;
		out->bytes = n;
		settle(p); /* room for waiting writers */
		return 0;
	}
	if (f->flags & VO_NONBLOCK)
		return -XE_EAGAIN;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -XE_ENOMEM;
	w->client = r->from;
	w->space = r->p->space;
	w->count = count;
	enqueue(&p->rwait, w);
	return EXO_PROTO_HELD;
}

int pipe_write(struct vreq *r, struct ofd *f, const void *data, uint64_t len, struct vfs_write_out *out)
{
	struct pipe *p = f->node->pipe;
	struct pwait *w;
	uint64_t n;

	if (p->readers == 0)
		return -XE_EPIPE;
	/* Nobody is queued ahead of it, and it fits (atomically when small): now. */
	if (!p->wwait && (len <= VFS_PIPE_BUF ? room(p) >= len : room(p) > 0)) {
		n = len < room(p) ? len : room(p);
		put(p, data, n);
		settle(p);
		if (n == len || (f->flags & VO_NONBLOCK)) {
			out->bytes = n;
			return 0;
		}
		/* A long blocking write: the rest waits. */
		w = calloc(1, sizeof(*w));
		if (!w || !(w->data = malloc(len))) {
			free(w);
			out->bytes = n;
			return 0;
		}
		memcpy(w->data, data, len);
		w->len = len;
		w->count = n;
	} else {
		if (f->flags & VO_NONBLOCK)
			return -XE_EAGAIN;
		w = calloc(1, sizeof(*w));
		if (!w || !(w->data = malloc(len ? len : 1))) {
			free(w);
			return -XE_ENOMEM;
		}
		memcpy(w->data, data, len);
		w->len = len;
	}
	w->client = r->from;
	w->space = r->p->space;
	enqueue(&p->wwait, w);
	return EXO_PROTO_HELD;
}

/* An open file description of a pipe end goes away. */
void pipe_close_end(struct vfs *v, struct ofd *f)
{
	struct pipe *p = f->node->pipe;

	(void)v;
	if ((f->flags & VO_ACCMODE) != VO_WRONLY)
		p->readers--;
	if ((f->flags & VO_ACCMODE) != VO_RDONLY)
		p->writers--;
	if (p->readers == 0 && p->writers == 0)
		p->head = p->len = 0; /* a FIFO nobody has open keeps no data */
	settle(p); /* end of file for readers, EPIPE for writers */
}

/* Take out the waiters of a space or of one client thread; *taken collects them when not NULL. */
static void drop(struct pwait **q, exo_space_t space, exo_tid_t client, struct pwait **taken)
{
	while (*q) {
		struct pwait *w = *q;

		if ((space != EXO_NILSPACE && w->space == space) || (client != EXO_NILTHREAD && w->client == client)) {
			*q = w->next;
			free(w->data);
			if (taken) {
				w->data = NULL;
				w->next = *taken;
				*taken = w;
			} else {
				free(w);
			}
		} else {
			q = &w->next;
		}
	}
}

/* A space ended: its waiting requests go (the descriptors close separately). */
void pipe_forget_space(struct vfs *v, exo_space_t space)
{
	for (struct vproc *p = v->procs; p; p = p->next)
		for (unsigned i = 0; i < VFS_FD_MAX; i++)
			if (p->fds[i].f && p->fds[i].f->node->pipe) {
				drop(&p->fds[i].f->node->pipe->rwait, space, EXO_NILTHREAD, NULL);
				drop(&p->fds[i].f->node->pipe->wwait, space, EXO_NILTHREAD, NULL);
				drop(&p->fds[i].f->node->pipe->owait, space, EXO_NILTHREAD, NULL);
			}
}

void pipe_cancel(struct vfs *v, exo_tid_t client)
{
	struct pwait *opens = NULL;

	for (struct vproc *p = v->procs; p; p = p->next)
		for (unsigned i = 0; i < VFS_FD_MAX; i++)
			if (p->fds[i].f && p->fds[i].f->node->pipe) {
				struct pipe *pp = p->fds[i].f->node->pipe;

				drop(&pp->rwait, EXO_NILSPACE, client, NULL);
				drop(&pp->wwait, EXO_NILSPACE, client, NULL);
				drop(&pp->owait, EXO_NILSPACE, client, &opens);
			}
	/* An interrupted FIFO open leaves no descriptor behind. */
	while (opens) {
		struct pwait *w = opens;

		opens = w->next;
		open_undo(v, w->space, w->count);
		free(w);
	}
}

void pipe_free(struct node *n)
{
	struct pipe *p = n->pipe;

	if (!p)
		return;
	/* No end is open any more, so settle() answered every waiter: none left. */
	while (p->rwait) {
		struct pwait *w = p->rwait;

		p->rwait = w->next;
		free(w);
	}
	while (p->wwait) {
		struct pwait *w = p->wwait;

		p->wwait = w->next;
		free(w->data);
		free(w);
	}
	while (p->owait) {
		struct pwait *w = p->owait;

		p->owait = w->next;
		free(w);
	}
	free(p);
	n->pipe = NULL;
}
