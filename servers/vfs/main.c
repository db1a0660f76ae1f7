/*
 * servers/vfs/main.c — the VFS server: path resolution, descriptor tables
 * and the built-in ramfs at / (see exo/vfs.h and servers/vfs/README.md).
 *
 * One thread, one loop: receive a request, answer it, receive the next.
 * Kernel notices of ended spaces close their descriptors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <exo/dev.h>

#include "vfs.h"

static uint8_t inbuf[EXO_STRING_MAX + 1], path2[VFS_PATH_MAX + 2];
static char outbuf[VFS_DIRENT_BUF + VFS_PATH_MAX + 1];

/*
 * NUL-terminate the request's string items in place (the buffers have a
 * byte to spare); the handlers get them, with their lengths, decoded by
 * vfs_serve.
 */
static void terminate_strings(exo_msg_t *m)
{
	char *p[2];
	uint32_t len[2];

	exo_msg_strings(m, p, len, 2, 1);
}

static struct node *mkdev(struct vfs *v, struct node *dir, const char *name, enum vdev kind)
{
	struct node *n = node_new(v, VS_IFCHR | 0666);

	if (!n)
		return NULL;
	n->dev = kind;
	if (dir_add(v, dir, name, n) < 0) {
		node_put(v, n);
		return NULL;
	}
	return n;
}

/*
 * A device node served by the device server registered as name, if it
 * runs now (the boot list starts device servers before the VFS).
 */
static struct node *mkdev_server(struct vfs *v, struct node *dir, const char *name, const char *server,
				 uint32_t rdev, uint32_t perm)
{
	struct node *n;
	exo_tid_t tid;

	if (exo_lookup(server, &tid, EXO_TIMEOUT_ZERO) != EXO_OK || !(n = mkdev(v, dir, name, VDEV_SERVER)))
		return NULL;
	n->dev_server = tid;
	n->dev_rdev = rdev;
	n->mode = VS_IFCHR | perm;
	return n;
}

/* /dev: null, zero, full, and the console and initrd when their servers run. */
void vfs_make_dev(struct vfs *v)
{
	struct node *dev = node_new(v, VS_IFDIR | 0755);
	struct node *initrd;

	if (!dev || dir_add(v, v->root, "dev", dev) < 0)
		return;
	mkdev(v, dev, "null", VDEV_NULL);
	mkdev(v, dev, "zero", VDEV_ZERO);
	mkdev(v, dev, "full", VDEV_FULL);
	mkdev(v, dev, "random", VDEV_RANDOM);
	mkdev(v, dev, "urandom", VDEV_URANDOM);
	/* /dev/shm: world-writable and sticky, like /tmp. */
	v->shm_dir = node_new(v, VS_IFDIR | 01777);
	if (v->shm_dir && dir_add(v, dev, "shm", v->shm_dir) < 0) {
		node_put(v, v->shm_dir);
		v->shm_dir = NULL;
	}
	v->console = mkdev_server(v, dev, "console", CONSOLE_NAME, VDEV_CONSOLE_RDEV, 0666);
	/* The boot image: read-only, each open a stream of its own. */
	initrd = mkdev_server(v, dev, "initrd", INITRD_NAME, VDEV_INITRD_RDEV, 0444);
	if (initrd)
		initrd->dev_streams = true;
}

int main(int argc, char **argv)
{
	static struct vfs v;
	exo_tid_t to = EXO_NILTHREAD, from;
	exo_msg_t m;

	exo_init_args(&argc, argv);
	v.root = node_new(&v, VS_IFDIR | 0755);
	if (!v.root)
		return 1;
	v.root->nlink = 2;
	vfs_make_dev(&v);
	if (exo_register(VFS_NAME) != EXO_OK || exo_space_watch() != EXO_OK) {
		fprintf(stderr, "vfs: cannot register\n");
		return 1;
	}
	memset(&m, 0, sizeof(m));
	for (;;) {
		struct vreq r = { .v = &v, .m = &m, .out = outbuf };
		exo_err err;

		m.nbr = 0;
		exo_msg_accept_string(&m, inbuf, EXO_STRING_MAX);
		exo_msg_accept_string(&m, path2, VFS_PATH_MAX + 1);
		/* Waiting polls make the loop a timer: wake for their deadlines. */
		err = exo_reply_wait(to, &m, poll_waiting() ? poll_timeout() : EXO_TIMEOUT_NEVER, &from, NULL);
		to = EXO_NILTHREAD;
		if (err != EXO_OK) {
			if (poll_waiting())
				poll_settle(&v);
			continue;
		}
		if (exo_is_kernel_notice(from, &m)) {
			if (exo_tag_label(m.tag) == EXO_LABEL_SPACE_EXIT)
				proc_exit(&v, (exo_space_t)m.mr[0]);
			if (v.mounts)
				mnt_settle(&v);
			if (poll_waiting())
				poll_settle(&v);
			continue;
		}
		terminate_strings(&m);
		r.from = from;
		r.p = proc_get(&v, m.sender_space);
		vfs_dispatch(&r);
		if (v.mounts)
			mnt_settle(&v); /* the vnodes the request used and let go */
		to = r.deferred ? EXO_NILTHREAD : from;
		if (poll_waiting()) {
			/* Answer this request first: a poll it made ready then sees it done. */
			if (to != EXO_NILTHREAD)
				exo_reply(to, &m);
			to = EXO_NILTHREAD;
			poll_settle(&v);
		}
	}
}
