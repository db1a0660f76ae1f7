/*
 * exo/dev.h — the character device protocol: what a device server (the
 * console, ...) answers. The VFS keeps descriptors; for I/O on a device
 * descriptor it answers VFS_REDIRECT with the device server and a handle,
 * and libposix then calls the device server directly.
 *
 * Replies: label 0 and the registers listed, or an XE_* errno. A read that
 * must wait is answered later (the server keeps serving others meanwhile).
 */
#ifndef EXO_DEV_H
#define EXO_DEV_H

#include <exo/msg.h>

/* X(name, number, in-words, out-words) */
#define DEV_OPS(X)                                                    \
	/* in: handle, count. out: bytes; data (offer a buffer) */    \
	X(READ, 1, 2, 1)                                               \
	/* in: handle; data. out: bytes */                             \
	X(WRITE, 2, 1, 1)

enum dev_op {
#define DEV_ENUM(name, num, in, out) DEV_##name = num,
	DEV_OPS(DEV_ENUM)
#undef DEV_ENUM
	DEV_OP_COUNT
};

/* Untyped words each request must carry, from the declaration above. */
static const unsigned char dev_op_in[DEV_OP_COUNT] = {
#define DEV_IN(name, num, in, out) [DEV_##name] = in,
	DEV_OPS(DEV_IN)
#undef DEV_IN
};

/* The console ("console"): handle 0 reads the terminal, 1 and 2 write it. */
#define CONSOLE_NAME "console"
#define CONSOLE_IN 0
#define CONSOLE_OUT 1
#define CONSOLE_ERR 2

#endif
