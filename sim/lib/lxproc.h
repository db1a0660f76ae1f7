/*
 * sim/lib/lxproc.h — the host shim for processes and signals (see lx.h for
 * the rule: raw system calls or glibc symbols asked for by version, never a
 * POSIX name libposix defines).
 */
#ifndef EXO_SIM_LXPROC_H
#define EXO_SIM_LXPROC_H

#include <stddef.h>
#include <stdint.h>

/* glibc's fork (its atfork handlers run): the child's pid, 0, or -errno. */
int exo_lx_fork(void);
int exo_lx_pipe(int fds[2]);
long exo_lx_read(int fd, void *buf, size_t n);
long exo_lx_write(int fd, const void *buf, size_t n);
/* Wait for one child (no rusage): 0 or -errno. */
int exo_lx_waitpid(int pid);
_Noreturn void exo_lx_exit_group(int status);
int exo_lx_gettid(void);
/* Make the calling process the leader of a host process group of its own. */
int exo_lx_setpgid_self(void);
/* SIGKILL when the parent (exosim, once this process is its child) ends; its pid. */
int exo_lx_die_with_parent(void);
int exo_lx_getppid(void);

/* Run an image held in memory: returns only on failure, -errno. */
int exo_lx_exec_image(const void *img, size_t len, const char *name, char *const argv[], char *const envp[]);

/* Host signals (numbers are Linux's, which Exo's equal). */
typedef void (*exo_lx_sighandler)(int, void *, void *);
/* how: 0 default, 1 ignore, 2 handler (SA_SIGINFO). mask: bit (sig-1). */
int exo_lx_sigaction(int sig, int how, exo_lx_sighandler h, uint64_t mask, int nodefer);
int exo_lx_sigmask(int how, const uint64_t *set, uint64_t *old);
int exo_lx_sigpending(uint64_t *set);
int exo_lx_sigsuspend(uint64_t mask);
/* Take one of set: the signal number and its siginfo (raw, 128 bytes), -EAGAIN on timeout. */
int exo_lx_sigtimedwait(uint64_t set, uint64_t timeout_ns, void *info);
/* Queue sig to the calling thread with an Exo payload. */
int exo_lx_sigqueue_self(int sig, uint32_t pid, uint32_t uid, uint64_t value);

#endif
