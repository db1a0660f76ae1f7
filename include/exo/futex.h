/*
 * exo/futex.h — waiting on a word of memory: the blocking half of mutexes,
 * condition variables, joins and semaphores (libposix's pthreads). Their
 * uncontended paths are atomic operations on the word and never enter the
 * kernel; a thread that must wait calls exo_futex_wait, and one that
 * releases calls exo_futex_wake when someone may wait.
 *
 * A word is named by the memory it is in, not by its address: two spaces
 * that share a page (shared memory, exo/memory.h) share its words, so a
 * process-shared mutex works across spaces. Words must be 4-byte aligned.
 */
#ifndef EXO_FUTEX_H
#define EXO_FUTEX_H

#include <stdint.h>

#include <exo/types.h>

/*
 * If *word still holds `expected`, sleep until an exo_futex_wake of the
 * same word wakes this thread (EXO_OK), the timeout (a duration, exo/types.h)
 * passes (EXO_ETIMEOUT), or a signal is delivered to the thread
 * (EXO_ECANCELED: its handler has run). If *word differs already, EXO_OK at
 * once: the caller reads the word again, as after any wake. EXO_EINVAL for
 * a word that is misaligned or not in the caller's memory.
 */
exo_err exo_futex_wait(const uint32_t *word, uint32_t expected, exo_timeout_t timeout);

/*
 * Wake up to n of the threads waiting on *word, those that waited longest
 * first; *woken (when not NULL) is how many were. EXO_EINVAL as above.
 */
exo_err exo_futex_wake(const uint32_t *word, uint32_t n, uint32_t *woken);

#endif
