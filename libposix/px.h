/*
 * libposix/px.h — libposix's internals: errno translation at the POSIX
 * boundary and calls to the servers.
 *
 * Inside libposix a function works with Exo's own error numbers (XE_*, as
 * `-XE_...` results) and sets errno once, at its edge, with px_fail().
 */
#ifndef EXO_LIBPOSIX_PX_H
#define EXO_LIBPOSIX_PX_H

#include <stdint.h>

#include <exo/exo.h>

/* The C library's errno value for an Exo error number. */
int px_errno(int xe);

/* Set errno from a negative Exo error number; returns -1. */
int px_fail(int neg_xe);

/* The errno for a failed kernel call (the server is gone, ...). */
int px_kernel_errno(exo_err err);

/*
 * Call the memory server: label, up to 6 words in, the reply in *m.
 * Returns the reply's label as a negative Exo errno (0 on success).
 */
int px_mem_call(uint32_t label, unsigned n, const uint64_t *in, exo_msg_t *m);

#endif
