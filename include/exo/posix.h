/*
 * exo/posix.h — what libposix offers beyond POSIX: Exo's own calls for the
 * programs of the system (init, ps).
 */
#ifndef EXO_POSIX_H
#define EXO_POSIX_H

#include <exo/proc.h>

/*
 * Become init (pid 1): orphans come to the caller to be reaped. Only one
 * process may be init, and only before it has children. 0 or -1 (EBUSY).
 */
int exo_become_init(void);

/* Up to max entries of the process table (exo/proc.h); the count, or -1. */
int exo_ps(struct proc_info *out, int max);

#endif
