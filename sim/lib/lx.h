/*
 * sim/lib/lx.h — the host shim: the only way libexo reaches Linux.
 *
 * Every function is a raw system call or a glibc symbol asked for by version,
 * never a POSIX name that libposix also defines (ARCHITECTURE.md rule 2): an
 * application's `read` or `pthread_create` may be Exo's, while libexo's
 * channel to the kernel must stay Linux's.
 */
#ifndef EXO_SIM_LX_H
#define EXO_SIM_LX_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct exo_lx_iov {
	const void *base;
	size_t len;
};

/* Connect a SOCK_SEQPACKET socket to the Unix socket at path: fd or -errno. */
int exo_lx_connect(const char *path);
/* Send one record gathered from iov: bytes sent or -errno. */
long exo_lx_sendv(int fd, const struct exo_lx_iov *iov, int n);
/* Receive one record: its full length (may exceed len: truncated) or -errno. */
long exo_lx_recv(int fd, void *buf, size_t len);
int exo_lx_close(int fd);
int exo_lx_getpid(void);
unsigned exo_lx_getuid(void);
/* Place the calling thread on one CPU. */
int exo_lx_set_cpu(int cpu);
/*
 * Futexes on the host (shared, not process-private: Exo memory is a shared
 * mapping, so spaces sharing a page share its words). Wait: 0 when woken,
 * -EAGAIN when *word != expected, -ETIMEDOUT, -EINTR (a signal handler ran),
 * -EFAULT/-EINVAL. timeout_ns UINT64_MAX: none. Wake: how many woke, or -errno.
 */
int exo_lx_futex_wait(const uint32_t *word, uint32_t expected, uint64_t timeout_ns);
int exo_lx_futex_wake(const uint32_t *word, uint32_t n);
/* Start a detached host thread. 0 or -errno. */
int exo_lx_thread_start(void *(*fn)(void *), void *arg);
_Noreturn void exo_lx_thread_exit(void);
/* Run child() in the child after every host fork. */
int exo_lx_atfork_child(void (*child)(void));

#endif

/* Memory: raw mmap family. Each returns 0 / an address, or -errno. */
long exo_lx_mmap(uint64_t addr, uint64_t len, int prot, int flags, int fd, uint64_t off);
int exo_lx_munmap(uint64_t addr, uint64_t len);
int exo_lx_mprotect(uint64_t addr, uint64_t len, int prot);
/* Map Exo rights (EXO_R|W|X) to host protection bits. */
int exo_lx_prot(unsigned rights);
/* Receive one record and the file descriptor passed with it (*fd = -1 if none). */
long exo_lx_recv_fd(int fd, void *buf, size_t len, int *passed);
/* Install handler for SIGSEGV with SA_SIGINFO on the host; restore the default. */
int exo_lx_on_segv(void (*handler)(int, void *, void *));
void exo_lx_segv_default(void);
/* From a SIGSEGV: the faulting address, the access (EXO_R/W/X), the ip; false if not a fault. */
int exo_lx_fault_info(void *siginfo, void *ucontext, uint64_t *addr, uint64_t *access, uint64_t *ip);
/* Block every asynchronous signal in the calling thread. */
void exo_lx_block_signals(void);
void exo_lx_yield(void);
long exo_lx_write_err(const char *s, size_t n);
/* The host's clocks, in ns: its clock is the sim's hardware clock. 0 or -errno. */
enum exo_lx_clock { LX_CLOCK_MONOTONIC, LX_CLOCK_REALTIME, LX_CLOCK_PROCESS_CPU, LX_CLOCK_THREAD_CPU };
int exo_lx_clock_ns(enum exo_lx_clock which, uint64_t *ns);
/* System (kernel-mode) CPU time of the process or the calling thread, in ns. */
int exo_lx_sys_time_ns(int thread, uint64_t *ns);
