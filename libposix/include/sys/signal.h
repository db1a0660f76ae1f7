/*
 * libposix/include/sys/signal.h — <signal.h> (libposix's) for programs that
 * include this name, as on glibc. Reached from inside libposix's
 * <signal.h> (picolibc's <signal.h> includes <sys/signal.h>), it is
 * picolibc's own.
 */
#ifdef EXO_LIBPOSIX_SIGNAL_H
#include_next <sys/signal.h>
#else
#include <signal.h>
#endif
