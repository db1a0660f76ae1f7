/*
 * servers/initrd/initrd.c — the boot image as a device: a device server
 * (exo/dev.h) registered as "initrd" that serves one image, the root file
 * system's ustar archive (exo-root.tar), read-only. The VFS shows it as
 * /dev/initrd; init unpacks it into the ramfs at boot.
 *
 *   initrd IMAGE
 *
 * Where the bytes come from is the target's (image.h): a host file read
 * with pread on the sim (sim/servers/initrd/host.c), a member of the boot
 * image the kernel maps read-only on riscv64 (hw/riscv64/servers/initrd).
 *
 * Each handle is a stream: reads go on from the byte offset that handle has
 * reached, and return 0 at the end. The VFS gives every open of /dev/initrd
 * its own handle (descriptors that share an open file description share it,
 * and so its offset). Writes are refused with EROFS; the terminal calls
 * with ENOTTY; NREAD reports the bytes left. At most MAX_STREAMS handles
 * are remembered; beyond that the least recently used one is forgotten and
 * starts again from the beginning if it is used again.
 */
#include <stdio.h>
#include <string.h>

#include <exo/dev.h>
#include "dev_proto.h"
#include <exo/errno.h>
#include <exo/exo.h>

#include "image.h"

#define MAX_STREAMS 1024

struct stream {
	uint64_t handle;
	uint64_t offset;
	uint64_t used;          /* when last read (a request count): LRU */
};

struct initrd {
	uint64_t size;
	struct stream streams[MAX_STREAMS];
	size_t nstreams;
	uint64_t clock;
	char out[EXO_STRING_MAX];
};

static struct initrd rd;

/* The stream of handle h, made (at offset 0) on first use. */
static struct stream *stream(struct initrd *d, uint64_t h)
{
	struct stream *s, *old = NULL;

	for (size_t i = 0; i < d->nstreams; i++) {
		s = &d->streams[i];
		if (s->handle == h) {
			s->used = ++d->clock;
			return s;
		}
		if (!old || s->used < old->used)
			old = s;
	}
	s = d->nstreams < MAX_STREAMS ? &d->streams[d->nstreams++] : old;
	s->handle = h;
	s->offset = 0;
	s->used = ++d->clock;
	return s;
}

static int do_read(struct initrd *d, exo_msg_t *m)
{
	struct stream *s = stream(d, m->mr[0]);
	uint64_t count = m->mr[1] > EXO_STRING_MAX ? EXO_STRING_MAX : m->mr[1];
	long n = 0;

	if (s->offset < d->size) {
		if (count > d->size - s->offset)
			count = d->size - s->offset;
		n = rd_image_read(d->out, count, s->offset);
		if (n < 0) {
			fprintf(stderr, "initrd: read at %llu failed\n", (unsigned long long)s->offset);
			return -XE_EIO;
		}
	}
	s->offset += (uint64_t)n;
	m->mr[0] = (uint64_t)n;
	exo_msg_put_string(m, 1, d->out, (uint32_t)n);
	m->tag = exo_tag(0, 1, 2);
	return 0;
}

static int do_write(struct initrd *d, exo_msg_t *m)
{
	return -XE_EROFS;
}

static int do_nread(struct initrd *d, exo_msg_t *m)
{
	struct stream *s = stream(d, m->mr[0]);

	m->mr[0] = s->offset < d->size ? d->size - s->offset : 0;
	m->mr[1] = m->mr[0] ? 0 : DEV_NR_EOF; /* at the end a read returns 0 */
	m->tag = exo_tag(0, 2, 0);
	return 0;
}

static int not_a_tty(struct initrd *d, exo_msg_t *m)
{
	return -XE_ENOTTY;
}

/* The handlers; the words each request carries come from DEV_OPS (dev_op_in). */
static int (*const ops[DEV_OP_COUNT])(struct initrd *d, exo_msg_t *m) = {
	[DEV_READ] = do_read,         [DEV_WRITE] = do_write,      [DEV_NREAD] = do_nread,
	[DEV_TCGETATTR] = not_a_tty,  [DEV_TCSETATTR] = not_a_tty, [DEV_TCFLUSH] = not_a_tty,
	[DEV_GETWINSZ] = not_a_tty,   [DEV_SETWINSZ] = not_a_tty,
};

static void dispatch(struct initrd *d, exo_msg_t *m)
{
	uint32_t label = exo_tag_label(m->tag);
	int r;

	/* The shape protocols/dev.def declares: ENOSYS for no such operation, EINVAL for another shape. */
	if ((r = exo_proto_check(&dev_proto, m, EXO_NILTHREAD)) < 0 || !ops[label]) {
		m->tag = exo_tag(r < 0 ? (uint32_t)-r : XE_ENOSYS, 0, 0);
		return;
	}
	r = ops[label](d, m);
	if (r < 0)
		m->tag = exo_tag((uint32_t)-r, 0, 0);
}

int main(int argc, char **argv)
{
	static char in[EXO_STRING_MAX + 1];
	struct initrd *d = &rd;
	exo_tid_t to = EXO_NILTHREAD, from;
	exo_msg_t m;
	int err;

	exo_init_args(&argc, argv);
	if (argc != 2) {
		fprintf(stderr, "usage: initrd IMAGE\n");
		return 2;
	}
	err = rd_image_open(argv[1], &d->size);
	if (err < 0) {
		fprintf(stderr, "initrd: %s: cannot open it (error %d)\n", argv[1], -err);
		return 1;
	}
	if (exo_register(INITRD_NAME) != EXO_OK) {
		fprintf(stderr, "initrd: cannot register\n");
		return 1;
	}
	memset(&m, 0, sizeof(m));
	for (;;) {
		m.nbr = 0;
		exo_msg_accept_string(&m, in, EXO_STRING_MAX); /* a write's data: refused, but taken */
		if (exo_reply_wait(to, &m, EXO_TIMEOUT_NEVER, &from, NULL) != EXO_OK) {
			to = EXO_NILTHREAD;
			continue;
		}
		dispatch(d, &m);
		to = from;
	}
}
