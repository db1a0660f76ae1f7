/*
 * exo/signal.h — signals as the kernel carries them: numbers, the
 * information that travels with one, and the calls that post, catch, mask
 * and wait for them.
 *
 * Policy is not here. Who may signal whom, process groups, SIGCHLD on a
 * child's death and the POSIX dispositions are the process server's and
 * libposix's (servers/proc, libposix/signal.c). The kernel only delivers:
 * a signal posted to a space interrupts one of its threads that does not
 * block it, runs the space's upcall there (or the default action), and ends
 * that thread's blocked IPC with EXO_ECANCELED unless the upcall asks for a
 * restart. On the sim the mechanism is the host's own signal delivery to the
 * space's process; on hardware it is the thread's notification word.
 *
 * Wire values are Exo's own (ARCHITECTURE.md rule 5); libposix translates
 * them to the C library's.
 */
#ifndef EXO_SIGNAL_H
#define EXO_SIGNAL_H

#include <stdint.h>

#include <exo/types.h>

enum {
	EXO_SIGHUP = 1, EXO_SIGINT = 2, EXO_SIGQUIT = 3, EXO_SIGILL = 4, EXO_SIGTRAP = 5,
	EXO_SIGABRT = 6, EXO_SIGBUS = 7, EXO_SIGFPE = 8, EXO_SIGKILL = 9, EXO_SIGUSR1 = 10,
	EXO_SIGSEGV = 11, EXO_SIGUSR2 = 12, EXO_SIGPIPE = 13, EXO_SIGALRM = 14, EXO_SIGTERM = 15,
	EXO_SIGCHLD = 17, EXO_SIGCONT = 18, EXO_SIGSTOP = 19, EXO_SIGTSTP = 20, EXO_SIGTTIN = 21,
	EXO_SIGTTOU = 22, EXO_SIGURG = 23, EXO_SIGXCPU = 24, EXO_SIGXFSZ = 25, EXO_SIGVTALRM = 26,
	EXO_SIGPROF = 27, EXO_SIGWINCH = 28, EXO_SIGPOLL = 29, EXO_SIGSYS = 31,
};
#define EXO_NSIG 32 /* signals are 1 .. EXO_NSIG - 1; 16 and 30 are unused */

static inline int exo_sig_valid(int sig)
{
	return sig > 0 && sig < EXO_NSIG && sig != 16 && sig != 30;
}

/* A set of signals: bit (sig - 1). */
typedef uint64_t exo_sigset_t;
#define EXO_SIGBIT(sig) (1ull << ((sig) - 1))
/* What no mask can hold back and no upcall can catch. */
#define EXO_SIG_UNBLOCKABLE (EXO_SIGBIT(EXO_SIGKILL) | EXO_SIGBIT(EXO_SIGSTOP))

/* si_code values. */
#define EXO_SI_USER 0        /* kill, killpg, raise */
#define EXO_SI_KERNEL 0x80   /* the system itself (shutdown, a broken pipe) */
#define EXO_SI_TIMER (-2)    /* an interval timer (alarm, setitimer) */
#define EXO_CLD_EXITED 1
#define EXO_CLD_KILLED 2
#define EXO_CLD_DUMPED 3
#define EXO_CLD_STOPPED 5
#define EXO_CLD_CONTINUED 6

/*
 * What travels with a signal: the sender's process id and real user id
 * (0 for the system), and for SIGCHLD the child's wait status (below).
 */
typedef struct exo_siginfo {
	int32_t sig;
	int32_t code;
	uint32_t pid;
	uint32_t uid;
	int32_t status;
	uint32_t pad;
} exo_siginfo_t;

/*
 * Wait statuses (exit notices, SIGCHLD, the process server's wait) in the
 * traditional layout, as Exo's own wire value: exited with code c: c << 8;
 * killed by signal s: s (| 0x80 with a core); stopped by s: (s << 8) | 0x7f;
 * continued: 0xffff.
 */
#define EXO_W_EXITED(code) (((code) & 0xff) << 8)
#define EXO_W_SIGNALED(sig) ((sig) & 0x7f)
#define EXO_W_STOPPED(sig) ((((sig) & 0xff) << 8) | 0x7f)
#define EXO_W_CONTINUED 0xffff
#define EXO_W_UNKNOWN 0xffffffffu /* the kernel did not see the process end */

/*
 * Post a signal to a space. A space may signal itself; only spaces the boot
 * list started (the servers) may signal others (EXO_EPERM). EXO_EINVAL for a
 * bad signal number, EXO_ENOPARTNER for a space that is gone.
 */
exo_err exo_signal_post(exo_space_t space, const exo_siginfo_t *si);

/* Deliver sig to the calling thread itself (raise, a broken pipe). */
exo_err exo_signal_raise(int sig, int code);

/* How a space treats a signal. */
enum { EXO_SIG_DEFAULT, EXO_SIG_IGNORE, EXO_SIG_CATCH };
#define EXO_SIGF_NODEFER 0x1u   /* do not block the signal while its upcall runs */

/*
 * The upcall runs on the interrupted thread for every caught signal, with
 * `mask` (set with exo_signal_action) added to the thread's mask. It returns
 * nonzero to let an IPC the thread was blocked in go on waiting, zero to end
 * it with EXO_ECANCELED. It runs like a signal handler: only async-safe work
 * (libexo's calls are; a nested IPC uses a channel of its own).
 */
typedef int (*exo_upcall_t)(const exo_siginfo_t *si, void *context);
void exo_signal_upcall(exo_upcall_t fn);
exo_err exo_signal_action(int sig, int how, exo_sigset_t mask, unsigned flags);

/* The calling thread's mask: how is EXO_SIG_BLOCK, _UNBLOCK or _SETMASK. */
enum { EXO_SIG_BLOCK, EXO_SIG_UNBLOCK, EXO_SIG_SETMASK };
exo_err exo_signal_mask(int how, const exo_sigset_t *set, exo_sigset_t *old);
/* Signals posted to the space or the thread and held back by masks. */
exo_err exo_signal_pending(exo_sigset_t *set);
/* Replace the mask with *mask until a caught signal's upcall has run: EXO_ECANCELED. */
exo_err exo_signal_suspend(const exo_sigset_t *mask);
/*
 * Take one pending signal of `set` (which the caller blocks), waiting up to
 * `wait`: EXO_OK with *si filled, EXO_ETIMEOUT, or EXO_ECANCELED when a
 * caught signal outside the set interrupted the wait.
 */
exo_err exo_signal_take(exo_sigset_t set, exo_timeout_t wait, exo_siginfo_t *si);

#endif
