/*
 * libposix/include/signal.h — picolibc's <signal.h> with a POSIX
 * struct sigaction and siginfo_t, and the flags and codes it lacks
 * (SA_SIGINFO, SA_RESTART..., CLD_*, SI_KERNEL). For the riscv64 build.
 *
 * picolibc's struct sigaction has no sa_sigaction and its siginfo_t carries
 * no sender or status (libposix/signal.c fills both), and neither can be
 * extended from outside. So picolibc's are declared here under other names
 * (with the calls that take them) and this header declares the POSIX ones.
 * Everything else is picolibc's own: the signal numbers, sigset_t, the
 * sigset macros, stack_t, struct sigevent. struct sigaction keeps
 * picolibc's order (handler, mask, flags). The flag and code values are
 * Linux's where picolibc has none.
 */
#ifndef EXO_LIBPOSIX_SIGNAL_H
#define EXO_LIBPOSIX_SIGNAL_H

#define sigaction __px_picolibc_sigaction
#define siginfo_t __px_picolibc_siginfo_t
#define sigwaitinfo __px_picolibc_sigwaitinfo
#define sigtimedwait __px_picolibc_sigtimedwait
#include_next <signal.h>
#undef sigaction
#undef siginfo_t
#undef sigwaitinfo
#undef sigtimedwait
#include <sys/cdefs.h>

__BEGIN_DECLS

/* picolibc defines union sigval only where it has its own siginfo_t. */
#if !(defined(_POSIX_REALTIME_SIGNALS) || __POSIX_VISIBLE >= 199309)
union sigval {
	int sival_int;
	void *sival_ptr;
};
#endif

typedef struct {
	int si_signo;
	int si_errno;
	int si_code;
	pid_t si_pid;
	uid_t si_uid;
	int si_status; /* SIGCHLD: the exit value or the signal */
	void *si_addr;
	long si_band;
	union sigval si_value;
} siginfo_t;

struct sigaction {
	union {
		void (*__sa_handler)(int);
		void (*__sa_sigaction)(int, siginfo_t *, void *);
	} __sa_u;
	sigset_t sa_mask;
	int sa_flags;
};
#define sa_handler __sa_u.__sa_handler
#define sa_sigaction __sa_u.__sa_sigaction

/* sa_flags (picolibc has SA_NOCLDSTOP) */
#ifndef SA_NOCLDWAIT
#define SA_NOCLDWAIT 0x00000002
#endif
#ifndef SA_SIGINFO
#define SA_SIGINFO 0x00000004
#endif
#ifndef SA_ONSTACK
#define SA_ONSTACK 0x08000000
#endif
#ifndef SA_RESTART
#define SA_RESTART 0x10000000
#endif
#ifndef SA_NODEFER
#define SA_NODEFER 0x40000000
#endif
#ifndef SA_RESETHAND
#define SA_RESETHAND 0x80000000
#endif

/* si_code (picolibc has SI_USER, SI_QUEUE, SI_TIMER, SI_ASYNCIO, SI_MESGQ) */
#ifndef SI_KERNEL
#define SI_KERNEL 0x80
#endif
#ifndef CLD_EXITED
#define CLD_EXITED 1
#define CLD_KILLED 2
#define CLD_DUMPED 3
#define CLD_TRAPPED 4
#define CLD_STOPPED 5
#define CLD_CONTINUED 6
#endif

int sigaction(int sig, const struct sigaction *act, struct sigaction *old);
int sigwaitinfo(const sigset_t *set, siginfo_t *info);
int sigtimedwait(const sigset_t *set, siginfo_t *info, const struct timespec *ts);

__END_DECLS

#endif
