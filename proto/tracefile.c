/*
 * proto/tracefile.c — writing and reading the framing of a trace file
 * (tracefile.h). The writer never blocks the kernel for long: records
 * collect in a buffer that goes out in one write when full or on a flush,
 * and nothing is fsynced. The reader checks every length and every decode
 * and says at which byte offset a file is truncated, corrupt or too new.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tracefile.h"

static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, p, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -errno;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

int tf_writer_open(struct tf_writer *w, const char *path, size_t bufsize)
{
	memset(w, 0, sizeof(*w));
	w->fd = -1;
	w->cap = bufsize < 4096 ? 4096 : bufsize;
	w->buf = malloc(w->cap);
	if (!w->buf)
		return -ENOMEM;
	w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (w->fd < 0) {
		int e = -errno;

		free(w->buf);
		w->buf = NULL;
		w->err = e;
		return e;
	}
	memcpy(w->buf, TF_MAGIC, TF_MAGIC_LEN);
	w->len = w->bytes = TF_MAGIC_LEN;
	return 0;
}

int tf_flush(struct tf_writer *w)
{
	if (w->err)
		return w->err;
	if (w->len) {
		w->err = write_all(w->fd, w->buf, w->len);
		w->len = 0;
	}
	return w->err;
}

static size_t varint(unsigned char *p, uint64_t v)
{
	size_t n = 0;

	do {
		p[n] = (unsigned char)(v & 0x7f);
		v >>= 7;
		if (v)
			p[n] |= 0x80;
		n++;
	} while (v);
	return n;
}

int tf_write(struct tf_writer *w, const ProtobufCMessage *msg)
{
	size_t size = protobuf_c_message_get_packed_size(msg), need = size + 10, n;

	if (w->err)
		return w->err;
	if (w->len + need > w->cap && tf_flush(w))
		return w->err;
	if (need > w->cap) {
		unsigned char *big = malloc(need);

		if (!big)
			return w->err = -ENOMEM;
		n = varint(big, size);
		protobuf_c_message_pack(msg, big + n);
		w->err = write_all(w->fd, big, n + size);
		free(big);
		w->bytes += n + size;
		return w->err;
	}
	n = varint(w->buf + w->len, size);
	protobuf_c_message_pack(msg, w->buf + w->len + n);
	w->len += n + size;
	w->bytes += n + size;
	return 0;
}

int tf_writer_close(struct tf_writer *w)
{
	int err = tf_flush(w);

	if (w->fd >= 0 && close(w->fd) < 0 && !err)
		err = -errno;
	free(w->buf);
	memset(w, 0, sizeof(*w));
	w->fd = -1;
	return err;
}

/* ---- reading ---- */

static void fail(struct tf_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct tf_reader *r, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(r->err, sizeof(r->err), "%s: ", r->path);

	va_start(ap, fmt);
	vsnprintf(r->err + n, sizeof(r->err) - (size_t)n, fmt, ap);
	va_end(ap);
}

/* Read up to n bytes at the current position; fewer at the end of the file. */
static size_t read_some(struct tf_reader *r, void *p, size_t n)
{
	return n ? fread(p, 1, n, r->f) : 0;
}

enum rec { REC_OK, REC_END, REC_BAD };

/* The next record into r->buf; *len its length. */
static enum rec read_record(struct tf_reader *r, size_t *len)
{
	for (;;) {
		uint64_t v = 0;
		unsigned char b;
		unsigned shift = 0, nb = 0;
		size_t got;

		for (;;) {
			if (read_some(r, &b, 1) != 1)
				break;
			nb++;
			v |= (uint64_t)(b & 0x7f) << shift;
			shift += 7;
			if (!(b & 0x80) || nb == 10)
				break;
		}
		if (nb == 0 && !r->follow)
			return REC_END;
		if (nb > 0 && !(b & 0x80) && v <= TF_RECORD_MAX) {
			if (v > r->cap) {
				unsigned char *p = realloc(r->buf, v);

				if (!p) {
					fail(r, "out of memory for a record of %llu bytes at offset %llu",
					     (unsigned long long)v, (unsigned long long)r->off);
					return REC_BAD;
				}
				r->buf = p;
				r->cap = v;
			}
			got = read_some(r, r->buf, v);
			if (got == v) {
				*len = v;
				r->off += nb + v;
				return REC_OK;
			}
			if (!r->follow) {
				fail(r, "truncated record at offset %llu: %llu bytes announced, %zu present",
				     (unsigned long long)r->off, (unsigned long long)v, got);
				return REC_BAD;
			}
		} else if (nb > 0 && ((b & 0x80) == 0 || nb == 10)) {
			fail(r, "corrupt record length at offset %llu", (unsigned long long)r->off);
			return REC_BAD;
		} else if (!r->follow) {
			fail(r, "truncated record length at offset %llu", (unsigned long long)r->off);
			return REC_BAD;
		}
		/* Following a live file: wait for the rest of the record. */
		clearerr(r->f);
		if (fseeko(r->f, (off_t)r->off, SEEK_SET) < 0) {
			fail(r, "cannot seek to offset %llu", (unsigned long long)r->off);
			return REC_BAD;
		}
		usleep(100 * 1000);
	}
}

int tf_open(struct tf_reader *r, const char *path, bool follow)
{
	char magic[TF_MAGIC_LEN];
	size_t len;
	bool keep;

	memset(r, 0, sizeof(*r));
	r->path = strdup(path);
	r->f = fopen(path, "rb");
	/* Following a trace exosim is about to start: wait for its file. */
	while (!r->f && follow && errno == ENOENT) {
		usleep(100 * 1000);
		r->f = fopen(path, "rb");
	}
	if (!r->f) {
		fail(r, "cannot open: %s", strerror(errno));
		return -1;
	}
	len = fread(magic, 1, sizeof(magic), r->f);
	if (len < sizeof(magic) || memcmp(magic, TF_MAGIC, TF_MAGIC_LEN) != 0) {
		fail(r, "not an Exo trace: no \"%s\" magic at offset 0%s", TF_MAGIC,
		     len < sizeof(magic) ? " (the file is too short)" : "");
		return -1;
	}
	r->off = TF_MAGIC_LEN;
	keep = follow;
	r->follow = false; /* the header must be there */
	if (read_record(r, &len) != REC_OK) {
		if (!r->err[0])
			fail(r, "truncated: no header record at offset %u", TF_MAGIC_LEN);
		return -1;
	}
	r->header = exotrace__header__unpack(NULL, len, r->buf);
	if (!r->header) {
		fail(r, "corrupt header record at offset %u", TF_MAGIC_LEN);
		return -1;
	}
	if (r->header->format_version > TF_FORMAT_VERSION || r->header->format_version == 0) {
		fail(r, "format version %u at offset %u: this exotrace reads version %u%s",
		     r->header->format_version, TF_MAGIC_LEN, TF_FORMAT_VERSION,
		     r->header->format_version ? " (the file is newer)" : "");
		return -1;
	}
	r->follow = keep;
	return 0;
}

Exotrace__Event *tf_next(struct tf_reader *r)
{
	uint64_t at = r->off;
	size_t len;
	Exotrace__Event *e;

	r->err[0] = 0;
	switch (read_record(r, &len)) {
	case REC_END:
		return NULL;
	case REC_BAD:
		return NULL;
	case REC_OK:
		break;
	}
	e = exotrace__event__unpack(NULL, len, r->buf);
	if (!e)
		fail(r, "corrupt event record at offset %llu (%zu bytes that do not decode)",
		     (unsigned long long)at, len);
	else if (e->kind == EXOTRACE__KIND__KIND_NONE) {
		fail(r, "corrupt event record at offset %llu (no kind)", (unsigned long long)at);
		tf_event_free(e);
		e = NULL;
	}
	return e;
}

void tf_event_free(Exotrace__Event *e)
{
	if (e)
		exotrace__event__free_unpacked(e, NULL);
}

void tf_close(struct tf_reader *r)
{
	if (r->header)
		exotrace__header__free_unpacked(r->header, NULL);
	if (r->f)
		fclose(r->f);
	free(r->buf);
	free(r->path);
	memset(r, 0, sizeof(*r));
}
