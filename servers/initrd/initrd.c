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
 * starts again from the beginning if it is used again. Requests go through
 * the generated dev_serve (protocols/dev.def), which checks their shape.
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

static int do_read(void *ctx, const struct dev_read_in *in, struct dev_read_out *out)
{
	struct initrd *d = ctx;
	struct stream *s = stream(d, in->handle);
	uint64_t count = in->count > EXO_STRING_MAX ? EXO_STRING_MAX : in->count;
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
	out->bytes = (uint64_t)n;
	out->data = d->out;
	out->data_len = (uint32_t)n;
	return 0;
}

static int do_write(void *ctx, const struct dev_write_in *in, struct dev_write_out *out)
{
	return -XE_EROFS;
}

static int do_nread(void *ctx, const struct dev_nread_in *in, struct dev_nread_out *out)
{
	struct initrd *d = ctx;
	struct stream *s = stream(d, in->handle);

	out->bytes = s->offset < d->size ? d->size - s->offset : 0;
	out->flags = out->bytes ? 0 : DEV_NR_EOF; /* at the end a read returns 0 */
	return 0;
}

/* The terminal calls: not a terminal. */
static int no_tcgetattr(void *ctx, const struct dev_tcgetattr_in *in, struct dev_tcgetattr_out *out)
{
	return -XE_ENOTTY;
}

static int no_tcsetattr(void *ctx, const struct dev_tcsetattr_in *in)
{
	return -XE_ENOTTY;
}

static int no_tcflush(void *ctx, const struct dev_tcflush_in *in)
{
	return -XE_ENOTTY;
}

static int no_getwinsz(void *ctx, const struct dev_getwinsz_in *in, struct dev_getwinsz_out *out)
{
	return -XE_ENOTTY;
}

static int no_setwinsz(void *ctx, const struct dev_setwinsz_in *in)
{
	return -XE_ENOTTY;
}

/* The handlers of protocols/dev.def; dev_serve checks each request's shape first. */
static const struct dev_handlers handlers = {
	.read = do_read,
	.write = do_write,
	.nread = do_nread,
	.tcgetattr = no_tcgetattr,
	.tcsetattr = no_tcsetattr,
	.tcflush = no_tcflush,
	.getwinsz = no_getwinsz,
	.setwinsz = no_setwinsz,
};

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
		dev_serve(&handlers, d, &m, from); /* never held: the reply is in m */
		to = from;
	}
}
