/*
 * exo/types.h — the basic words of the Exo kernel ABI: thread ids, space ids,
 * timeouts and error codes.
 *
 * Everything here is target-neutral ISO C: the sim backend (sim/lib) and the
 * riscv64 backend implement the same declarations. Values are Exo's own and
 * never a host's (ARCHITECTURE.md rule 5).
 */
#ifndef EXO_TYPES_H
#define EXO_TYPES_H

#include <stdint.h>

/*
 * Thread ids. A global thread id names one thread in the whole system:
 *
 *   bits 31..14  thread number (slot in the kernel's thread table, 1..2^18-2)
 *   bits 13..0   version (1..16383; bumped each time the slot is reused)
 *
 * The version means a stale id held by a client after its partner died never
 * reaches the thread that later takes the same slot: the kernel answers
 * EXO_ENOPARTNER. Version 0 is never issued, so no valid id is EXO_NILTHREAD.
 */
typedef uint32_t exo_tid_t;

#define EXO_NILTHREAD ((exo_tid_t)0)
#define EXO_ANYTHREAD ((exo_tid_t)0xffffffffu)

#define EXO_TID_VERSION_BITS 14
#define EXO_TID_VERSION_MASK ((1u << EXO_TID_VERSION_BITS) - 1)
#define EXO_TID_NUMBER_MAX ((1u << (32 - EXO_TID_VERSION_BITS)) - 2)

static inline exo_tid_t exo_tid_make(uint32_t number, uint32_t version)
{
	return (number << EXO_TID_VERSION_BITS) | (version & EXO_TID_VERSION_MASK);
}

static inline uint32_t exo_tid_number(exo_tid_t t)
{
	return t >> EXO_TID_VERSION_BITS;
}

static inline uint32_t exo_tid_version(exo_tid_t t)
{
	return t & EXO_TID_VERSION_MASK;
}

/* A space (address space) holds threads. Ids are never reused in one boot. */
typedef uint32_t exo_space_t;

#define EXO_NILSPACE ((exo_space_t)0)

/*
 * Timeouts are relative, in nanoseconds, counted from the moment the phase
 * they bound starts (the send phase, or the receive phase of a call).
 * EXO_TIMEOUT_ZERO fails at once unless the partner is ready; EXO_TIMEOUT_NEVER
 * waits until the partner is ready or dies.
 */
typedef uint64_t exo_timeout_t;

#define EXO_TIMEOUT_ZERO ((exo_timeout_t)0)
#define EXO_TIMEOUT_NEVER ((exo_timeout_t)UINT64_MAX)

static inline exo_timeout_t exo_timeout_us(uint64_t us)
{
	return us * 1000u;
}

static inline exo_timeout_t exo_timeout_ms(uint64_t ms)
{
	return ms * 1000000u;
}

/*
 * Error codes of kernel calls. A call returns EXO_OK or one of these; they are
 * not errnos (libposix maps them to errnos where a POSIX call fails).
 */
typedef enum exo_err {
	EXO_OK = 0,
	EXO_ENOPARTNER = 1, /* the partner id names no living thread */
	EXO_ETIMEOUT = 2,   /* the timeout of the phase expired */
	EXO_ECANCELED = 3,  /* the operation was aborted (exo_ipc_abort) */
	EXO_EMSGSIZE = 4,   /* message too big: frame limit or receiver buffers */
	EXO_EBADITEM = 5,   /* a typed item is malformed or not accepted */
	EXO_EDEAD = 6,      /* the partner died while this thread waited on it */
	EXO_EINVAL = 7,     /* a bad argument to a kernel call */
	EXO_ENOMEM = 8,     /* the kernel is out of a resource (slots, memory) */
	EXO_EEXIST = 9,     /* the name is already registered */
	EXO_ENOENT = 10,    /* the name is not registered */
	EXO_EPROTO = 11,    /* a malformed frame reached the kernel (sim) */
	EXO_ENOSYS = 12,    /* unknown kernel operation */
	EXO_EPERM = 13,     /* the caller may not do this */
	EXO_EIO = 14,       /* the channel to the kernel failed */
	EXO_ERR_COUNT
} exo_err;

/* A short English description ("no partner", "timeout", ...). */
const char *exo_strerror(exo_err err);

/* The symbolic name of an error ("EXO_ETIMEOUT"), for logs and tests. */
const char *exo_errname(exo_err err);

#endif
