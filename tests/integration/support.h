/*
 * tests/integration/support.h — helpers for integration tests that run as
 * spaces of a real exosim: the echo server every test talks to, forking
 * spaces, looking up names, the clock.
 *
 * The echo server's protocol (labels):
 *   ECHO_ECHO    reply with label ECHO_ECHO + 1 and the same registers and strings
 *   ECHO_HOLD    take the request and do not answer it until the next ECHO_RELEASE
 *   ECHO_RELEASE answer the held request (mr[0] of the reply = 1), then answer this
 *                one with mr[0] = the held reply's error
 *   ECHO_STATUS  reply mr[0] = error of the last failed reply, mr[1] = requests served,
 *                mr[2] = the client whose request is held (or nil)
 *   ECHO_WHO     reply mr[0] = the sender id the server saw
 */
#ifndef EXO_TEST_SUPPORT_H
#define EXO_TEST_SUPPORT_H

#include <stdint.h>
#include <sys/types.h>

#include <exo/exo.h>

enum { ECHO_ECHO = 1, ECHO_HOLD = 10, ECHO_RELEASE = 11, ECHO_STATUS = 12, ECHO_WHO = 13 };

/* Serve the echo protocol under `name` forever. */
_Noreturn void t_echo_serve(const char *name);

/* Fork a child space that serves the echo protocol as `name`; returns its pid. */
pid_t t_fork_echo(const char *name);

/* Fork a child space that runs fn(arg) and exits with its return value. */
pid_t t_fork(int (*fn)(void *), void *arg);

/* Kill (SIGKILL) and reap a child; returns its wait status. */
int t_kill(pid_t pid);

/* Reap a child; returns its exit code, or 128+signal. */
int t_wait(pid_t pid);

/* The name's thread, waiting up to 30 s for it (Valgrind is slow); aborts when missing. */
exo_tid_t t_lookup(const char *name);

/* Monotonic clock in nanoseconds. */
uint64_t t_now_ns(void);

/* A call with one label and up to two untyped words; returns the error. */
exo_err t_call(exo_tid_t to, uint32_t label, uint64_t a, uint64_t b, exo_msg_t *reply);

/* Wait (up to 30 s) until the kernel counts `threads` threads; returns the count. */
uint32_t t_wait_threads(uint32_t threads);

/*
 * A second thread of the test's own space, an Exo thread (exo_thread_create,
 * not the host's pthreads): fn(arg) runs in it, and t_thread_join waits for
 * its result, which the thread sends the starter as its last message.
 */
struct t_thread {
	void *(*fn)(void *);
	void *arg;
	exo_tid_t starter, tid;
};
/* 0, or -1 when the thread could not be made. */
int t_thread_start(struct t_thread *t, void *(*fn)(void *), void *arg);
/* 0 with fn's result in *res (res may be NULL), -1 when none came within 60 s. Only the starter joins. */
int t_thread_join(struct t_thread *t, void **res);

#endif
