/*
 * servers/vfs/lock.c — advisory locks: POSIX record locks (fcntl F_GETLK,
 * F_SETLK, F_SETLKW) and whole-file flock locks.
 *
 * A record lock belongs to a space (a process) and covers a byte range of
 * a file; a space's locks on a file go when it closes any descriptor of the
 * file, and all of them when it ends. A space's own locks never conflict
 * with each other: a new lock replaces the part of its old ones it covers
 * (splitting them), unlocking a range removes exactly that range. An flock
 * lock belongs to an open file description (shared by dup and fork) and
 * goes with its last descriptor.
 *
 * A lock that must wait (F_SETLKW, flock without LOCK_NB) is a deferred
 * reply, taken in arrival order as locks are released. Before a space
 * waits for the owner of a conflicting record lock, the chain of who waits
 * for whom is followed: if it leads back to the space, the request fails
 * with EDEADLK instead of waiting for ever.
 */
#include <stdlib.h>

#include <exo/errno.h>
#include <exo/held.h>

#include "vfs.h"

#define END_OF_FILE UINT64_MAX

struct lock {
	exo_space_t owner;       /* record locks */
	struct ofd *ofd;         /* flock locks */
	unsigned type;           /* VLK_RDLCK or VLK_WRLCK */
	uint64_t start, end;     /* inclusive; end END_OF_FILE: to the end, however far */
	struct lock *next;
};

/* A lock request held until it can be granted (exo/held.h: client, space, arrival order). */
struct lockwait {
	struct exo_held held;
	struct node *node;
	struct ofd *ofd;         /* flock waits */
	unsigned type;
	uint64_t start, end;
};

static struct exo_held_queue waits;

#define WAIT_OF(h) EXO_HELD_OF(h, struct lockwait, held)

static bool overlap(const struct lock *l, uint64_t start, uint64_t end)
{
	return l->start <= end && start <= l->end;
}

static bool conflicts(unsigned a, unsigned b)
{
	return a == VLK_WRLCK || b == VLK_WRLCK;
}

/* The first record lock of another space that keeps `type` on [start, end] out. */
static struct lock *blocker(struct node *n, exo_space_t space, unsigned type, uint64_t start, uint64_t end)
{
	for (struct lock *l = n->locks; l; l = l->next)
		if (l->owner != space && overlap(l, start, end) && conflicts(l->type, type))
			return l;
	return NULL;
}

/* Take [start, end] out of the space's record locks on n. */
static int carve(struct node *n, exo_space_t space, uint64_t start, uint64_t end)
{
	struct lock **q = &n->locks;

	while (*q) {
		struct lock *l = *q;

		if (l->owner != space || !overlap(l, start, end)) {
			q = &l->next;
			continue;
		}
		if (l->start < start && l->end > end) { /* split in two */
			struct lock *b = malloc(sizeof(*b));

			if (!b)
				return -XE_ENOLCK;
			*b = *l;
			b->start = end + 1;
			l->end = start - 1;
			l->next = b;
			return 0;
		}
		if (l->start < start) {
			l->end = start - 1;
			q = &l->next;
		} else if (l->end > end) {
			l->start = end + 1;
			q = &l->next;
		} else {
			*q = l->next;
			free(l);
		}
	}
	return 0;
}

static int place(struct node *n, exo_space_t space, unsigned type, uint64_t start, uint64_t end)
{
	struct lock *l;
	int e = carve(n, space, start, end);

	if (e || type == VLK_UNLCK)
		return e;
	l = calloc(1, sizeof(*l));
	if (!l)
		return -XE_ENOLCK;
	l->owner = space;
	l->type = type;
	l->start = start;
	l->end = end;
	l->next = n->locks;
	n->locks = l;
	return 0;
}

/* Does following "waits for the owner of" from `owner` come back to `space`? */
static bool deadlock(exo_space_t space, exo_space_t owner)
{
	for (unsigned hops = 0; hops < 1000; hops++) {
		struct exo_held *h;
		struct lockwait *w = NULL;
		struct lock *l = NULL;

		if (owner == space)
			return true;
		for (h = waits.head; h && (h->space != owner || WAIT_OF(h)->ofd); h = h->next)
			;
		if (h)
			w = WAIT_OF(h);
		if (!w || !(l = blocker(w->node, w->held.space, w->type, w->start, w->end)))
			return false;
		owner = l->owner;
	}
	return true;
}

static struct lock *flock_blocker(struct node *n, struct ofd *f, unsigned type)
{
	for (struct lock *l = n->flocks; l; l = l->next)
		if (l->ofd != f && conflicts(l->type, type))
			return l;
	return NULL;
}

static void flock_drop(struct node *n, struct ofd *f)
{
	struct lock **q = &n->flocks;

	while (*q) {
		if ((*q)->ofd == f) {
			struct lock *l = *q;

			*q = l->next;
			free(l);
		} else {
			q = &(*q)->next;
		}
	}
}

static int flock_take(struct node *n, struct ofd *f, unsigned type)
{
	struct lock *l = calloc(1, sizeof(*l));

	if (!l)
		return -XE_ENOLCK;
	l->ofd = f;
	l->type = type;
	l->end = END_OF_FILE;
	l->next = n->flocks;
	n->flocks = l;
	return 0;
}

/* Answer a waiter with e, or with the reply protocols/vfs.def declares for its call. */
static exo_err answer(const struct lockwait *w, int e)
{
	struct vfs_lock_out out = { .type = VLK_UNLCK, .start = w->start,
				    .length = w->end == END_OF_FILE ? 0 : w->end - w->start + 1 };
	exo_msg_t m = { 0 };

	if (e < 0 || w->ofd) /* FLOCK's reply has no words */
		return vfs_answer(w->held.client, &m, 0, 0, e);
	return vfs_answer(w->held.client, &m, VFS_LOCK_OUT_WORDS, vfs_lock_out_put(&m, &out), 0);
}

/* Grant the waiting locks that can be had now, in arrival order. */
static void settle(struct vfs *v)
{
	bool moved = true;

	while (moved) {
		struct exo_held *h = waits.head;

		moved = false;
		while (h) {
			struct lockwait *w = WAIT_OF(h);
			exo_space_t space = h->space;
			int e;

			h = h->next;
			if (w->ofd ? flock_blocker(w->node, w->ofd, w->type) != NULL
				   : blocker(w->node, space, w->type, w->start, w->end) != NULL)
				continue;
			e = w->ofd ? flock_take(w->node, w->ofd, w->type)
				   : place(w->node, space, w->type, w->start, w->end);
			exo_held_remove(&waits, &w->held);
			if (answer(w, e) != EXO_OK && e == 0) {
				/* The client was interrupted first: it does not hold the lock. */
				if (w->ofd)
					flock_drop(w->node, w->ofd);
				else
					carve(w->node, space, w->start, w->end);
			}
			w->node->opens--;
			node_put(v, w->node);
			free(w);
			moved = true;
		}
	}
}

static int wait_for(struct vreq *r, struct node *n, struct ofd *f, unsigned type, uint64_t start, uint64_t end)
{
	struct lockwait *w = calloc(1, sizeof(*w));

	if (!w)
		return -XE_ENOLCK;
	w->node = n;
	w->ofd = f;
	w->type = type;
	w->start = start;
	w->end = end;
	exo_held_add(&waits, &w->held, r->from, r->p->space, NULL);
	n->opens++; /* the node stays while someone waits on it */
	return EXO_PROTO_HELD;
}

int do_lock(void *ctx, const struct vfs_lock_in *in, struct vfs_lock_out *out)
{
	struct vreq *r = ctx;
	uint64_t cmd = in->cmd, type = in->type;
	int64_t len = in->length, start;
	struct ofd *f = fd_get(r->p, in->fd);
	uint64_t end;
	struct lock *l;
	struct node *n;
	int e;

	if (!f)
		return -XE_EBADF;
	n = f->node;
	if (cmd > VLK_SETW || type > VLK_WRLCK)
		return -XE_EINVAL;
	if (cmd != VLK_GET && ((type == VLK_RDLCK && (f->flags & VO_ACCMODE) == VO_WRONLY) ||
			       (type == VLK_WRLCK && (f->flags & VO_ACCMODE) == VO_RDONLY)))
		return -XE_EBADF;
	e = fd_position(f, in->whence, in->start, &start);
	if (e)
		return e;
	if (len < 0) {
		if (len == INT64_MIN || start + len < 0)
			return -XE_EINVAL;
		start += len;
		end = (uint64_t)(start - len - 1);
	} else if (len == 0) {
		end = END_OF_FILE;
	} else {
		if (start > INT64_MAX - len)
			return -XE_EOVERFLOW;
		end = (uint64_t)(start + len - 1);
	}
	if (cmd == VLK_GET) {
		if (type == VLK_UNLCK)
			return -XE_EINVAL;
		l = blocker(n, r->p->space, (unsigned)type, (uint64_t)start, end);
		out->type = l ? l->type : VLK_UNLCK;
		out->start = l ? l->start : (uint64_t)start;
		out->length = l ? (l->end == END_OF_FILE ? 0 : l->end - l->start + 1) : (uint64_t)len;
		out->owner = l ? l->owner : 0;
		return 0;
	}
	l = type == VLK_UNLCK ? NULL : blocker(n, r->p->space, (unsigned)type, (uint64_t)start, end);
	if (!l) {
		e = place(n, r->p->space, (unsigned)type, (uint64_t)start, end);
		settle(r->v); /* an unlock, or a write lock turned read, may let waiters in */
		if (e < 0)
			return e;
		/* Placed: nothing in the way. */
		out->type = VLK_UNLCK;
		out->start = (uint64_t)start;
		out->length = end == END_OF_FILE ? 0 : end - (uint64_t)start + 1;
		out->owner = 0;
		return 0;
	}
	if (cmd == VLK_SET)
		return -XE_EAGAIN;
	if (deadlock(r->p->space, l->owner))
		return -XE_EDEADLK;
	return wait_for(r, n, NULL, (unsigned)type, (uint64_t)start, end);
}

int do_flock(void *ctx, const struct vfs_flock_in *in)
{
	struct vreq *r = ctx;
	uint64_t op = in->op;
	struct ofd *f = fd_get(r->p, in->fd);
	unsigned type;
	int e;

	if (!f)
		return -XE_EBADF;
	if (op < VFL_SH || op > VFL_UN)
		return -XE_EINVAL;
	/* A conversion gives up the old lock first, as on Linux. */
	flock_drop(f->node, f);
	if (op == VFL_UN) {
		settle(r->v);
		return 0;
	}
	type = op == VFL_SH ? VLK_RDLCK : VLK_WRLCK;
	if (!flock_blocker(f->node, f, type)) {
		e = flock_take(f->node, f, type);
		settle(r->v);
		return e;
	}
	settle(r->v);
	if (in->nonblock)
		return -XE_EAGAIN;
	return wait_for(r, f->node, f, type, 0, END_OF_FILE);
}

void lock_close(struct vfs *v, struct vproc *p, struct ofd *f, bool last)
{
	struct node *n = f->node;
	bool changed = false;

	if (n->locks) {
		carve(n, p->space, 0, END_OF_FILE); /* POSIX: any close drops the process's locks */
		changed = true;
	}
	if (last && n->flocks) {
		flock_drop(n, f);
		changed = true;
	}
	if (changed)
		settle(v);
}

static void lock_drop(struct vfs *v, exo_space_t space, exo_tid_t client)
{
	struct exo_held *h;

	while ((h = exo_held_take(&waits, client, space))) {
		struct lockwait *w = WAIT_OF(h);

		w->node->opens--;
		node_put(v, w->node);
		free(w);
	}
}

void lock_forget_space(struct vfs *v, exo_space_t space)
{
	lock_drop(v, space, EXO_NILTHREAD);
}

void lock_cancel(struct vfs *v, exo_tid_t client)
{
	lock_drop(v, EXO_NILSPACE, client);
}

/* The node goes: its locks with it. */
void lock_node_free(struct node *n)
{
	while (n->locks) {
		struct lock *l = n->locks;

		n->locks = l->next;
		free(l);
	}
	while (n->flocks) {
		struct lock *l = n->flocks;

		n->flocks = l->next;
		free(l);
	}
}
