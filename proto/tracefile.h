/*
 * proto/tracefile.h — the framing of an Exo trace file (docs/trace.md):
 * the magic "EXOTRACE", then records of a varint length and one protobuf
 * message (trace.proto): a Header first, Events after it.
 *
 * One writer (exosim's tracer) and one reader (exotrace, its replay agent
 * and the unit tests) share this code, so the framing is written once.
 * Host-side only: it uses stdio and Linux file calls.
 */
#ifndef EXO_TRACEFILE_H
#define EXO_TRACEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "trace.pb-c.h"

#define TF_MAGIC "EXOTRACE"
#define TF_MAGIC_LEN 8
#define TF_FORMAT_VERSION 1
#define TF_RECORD_MAX (16u << 20)   /* a longer length is corruption */

/* Buffered writer: records collect in memory and reach the file in big writes. */
struct tf_writer {
	int fd;
	unsigned char *buf;
	size_t len, cap;
	uint64_t bytes;          /* the file's size, buffered bytes included */
	int err;                 /* errno of the first failed write, then nothing is written */
};

/* Create (truncate) path and write the magic. Returns 0 or -errno. */
int tf_writer_open(struct tf_writer *w, const char *path, size_t bufsize);
/* Append one record. Returns 0 or -errno (the writer's first error). */
int tf_write(struct tf_writer *w, const ProtobufCMessage *msg);
int tf_flush(struct tf_writer *w);
/* Flush and close; returns the first error of the writer's life, or 0. */
int tf_writer_close(struct tf_writer *w);

struct tf_reader {
	FILE *f;
	char *path;
	uint64_t off;            /* where the next record starts */
	bool follow;             /* at the end, wait for more (a live trace) */
	unsigned char *buf;
	size_t cap;
	Exotrace__Header *header;
	char err[512];           /* set when tf_open or tf_next fails */
};

/* Open a trace and read its header. Returns 0, or -1 with r->err set. */
int tf_open(struct tf_reader *r, const char *path, bool follow);
/*
 * The next event (free it with tf_event_free), or NULL at the end (r->err
 * empty) or on an error (r->err names the byte offset).
 */
Exotrace__Event *tf_next(struct tf_reader *r);
void tf_event_free(Exotrace__Event *e);
void tf_close(struct tf_reader *r);

#endif
