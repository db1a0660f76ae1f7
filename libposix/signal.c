/*
 * libposix/signal.c — signals: sigaction, signal, the masks, waiting for
 * signals, raise, alarm and the interval timer.
 *
 * libexo delivers (exo/signal.h): a caught signal runs upcall() below on
 * the interrupted thread, which calls the program's handler and says
 * whether a call the thread was blocked in restarts (SA_RESTART) or fails
 * with EINTR. kill() goes through the process server, which checks who may
 * signal whom; the interval timer lives there too.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <exo/errno.h>
#include <exo/proc.h>
#include "proc_proto.h"
#include <exo/signal.h>

#include "px.h"

/* The C library's number of each Exo signal. */
static const int c_sig[EXO_NSIG] = {
	[EXO_SIGHUP] = SIGHUP,   [EXO_SIGINT] = SIGINT,       [EXO_SIGQUIT] = SIGQUIT,
	[EXO_SIGILL] = SIGILL,   [EXO_SIGTRAP] = SIGTRAP,     [EXO_SIGABRT] = SIGABRT,
	[EXO_SIGBUS] = SIGBUS,   [EXO_SIGFPE] = SIGFPE,       [EXO_SIGKILL] = SIGKILL,
	[EXO_SIGUSR1] = SIGUSR1, [EXO_SIGSEGV] = SIGSEGV,     [EXO_SIGUSR2] = SIGUSR2,
	[EXO_SIGPIPE] = SIGPIPE, [EXO_SIGALRM] = SIGALRM,     [EXO_SIGTERM] = SIGTERM,
	[EXO_SIGCHLD] = SIGCHLD, [EXO_SIGCONT] = SIGCONT,     [EXO_SIGSTOP] = SIGSTOP,
	[EXO_SIGTSTP] = SIGTSTP, [EXO_SIGTTIN] = SIGTTIN,     [EXO_SIGTTOU] = SIGTTOU,
	[EXO_SIGURG] = SIGURG,   [EXO_SIGXCPU] = SIGXCPU,     [EXO_SIGXFSZ] = SIGXFSZ,
	[EXO_SIGVTALRM] = SIGVTALRM, [EXO_SIGPROF] = SIGPROF, [EXO_SIGWINCH] = SIGWINCH,
	[EXO_SIGPOLL] = SIGPOLL, [EXO_SIGSYS] = SIGSYS,
};

int px_sig_from_exo(int x)
{
	return x > 0 && x < EXO_NSIG ? c_sig[x] : 0;
}

int px_sig_to_exo(int sig)
{
	for (int x = 1; x < EXO_NSIG; x++)
		if (c_sig[x] == sig && sig != 0)
			return x;
	return 0;
}

static exo_sigset_t to_exo(const sigset_t *set)
{
	exo_sigset_t x = 0;

	for (int i = 1; i < EXO_NSIG; i++)
		if (c_sig[i] && sigismember(set, c_sig[i]) == 1)
			x |= EXO_SIGBIT(i);
	return x;
}

static void from_exo(exo_sigset_t x, sigset_t *set)
{
	sigemptyset(set);
	for (int i = 1; i < EXO_NSIG; i++)
		if (c_sig[i] && (x & EXO_SIGBIT(i)))
			sigaddset(set, c_sig[i]);
}

/* The program's actions, by Exo signal number. */
static struct sigaction actions[EXO_NSIG];
static unsigned chld_flags;
static int upcall_set;

static int c_code(int code)
{
	switch (code) {
	case EXO_SI_USER: return SI_USER;
	case EXO_SI_TIMER: return SI_TIMER;
	case EXO_CLD_EXITED: return CLD_EXITED;
	case EXO_CLD_KILLED: return CLD_KILLED;
	case EXO_CLD_DUMPED: return CLD_DUMPED;
	case EXO_CLD_STOPPED: return CLD_STOPPED;
	case EXO_CLD_CONTINUED: return CLD_CONTINUED;
	default: return SI_KERNEL;
	}
}

/* What a signal does to this thread's server call (px.h). */
static _Thread_local int intr_mode;

int px_intr(int mode)
{
	int old = intr_mode;

	intr_mode = mode;
	return old;
}

static int upcall(const exo_siginfo_t *x, void *context)
{
	struct sigaction *a;
	siginfo_t si;
	int sig = px_sig_from_exo(x->sig), restart;

	if (!sig || x->sig <= 0 || x->sig >= EXO_NSIG)
		return 1;
	a = &actions[x->sig];
	restart = intr_mode == PX_INTR_NONE ? 1
		  : intr_mode == PX_INTR_EINTR ? 0 : (a->sa_flags & SA_RESTART) != 0;
	if (a->sa_handler == SIG_DFL || a->sa_handler == SIG_IGN)
		return 1; /* changed while the signal was on its way */
	memset(&si, 0, sizeof(si));
	si.si_signo = sig;
	si.si_code = c_code(x->code);
	si.si_pid = (pid_t)x->pid;
	si.si_uid = x->uid;
	if (x->sig == EXO_SIGCHLD) {
		uint32_t st = (uint32_t)x->status;

		si.si_status = x->code == EXO_CLD_EXITED ? (int)((st >> 8) & 0xff)
			       : x->code == EXO_CLD_CONTINUED ? px_sig_from_exo(EXO_SIGCONT)
			       : x->code == EXO_CLD_STOPPED ? px_sig_from_exo((int)((st >> 8) & 0xff))
							    : px_sig_from_exo((int)(st & 0x7f));
	}
	if (a->sa_flags & SA_SIGINFO) {
		void (*h)(int, siginfo_t *, void *) = a->sa_sigaction;

		if (a->sa_flags & SA_RESETHAND) {
			memset(a, 0, sizeof(*a));
			exo_signal_action(x->sig, EXO_SIG_DEFAULT, 0, 0);
		}
		h(sig, &si, context);
	} else {
		void (*h)(int) = a->sa_handler;

		if (a->sa_flags & SA_RESETHAND) {
			memset(a, 0, sizeof(*a));
			exo_signal_action(x->sig, EXO_SIG_DEFAULT, 0, 0);
		}
		h(sig);
	}
	return restart;
}

/* The process server keeps what SIGCHLD's action means for children. */
static void tell_chld(void)
{
	struct sigaction *a = &actions[EXO_SIGCHLD];
	unsigned f = 0;

	if (a->sa_flags & SA_NOCLDSTOP)
		f |= PCHLD_NOCLDSTOP;
	if ((a->sa_flags & SA_NOCLDWAIT) || a->sa_handler == SIG_IGN)
		f |= PCHLD_NOCLDWAIT;
	if (f == chld_flags)
		return;
	chld_flags = f;
	proc_call_chld(px_proc, &(struct proc_chld_in){ .flags = f });
}

int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	int x = px_sig_to_exo(sig), how;
	exo_err err;

	if (!x)
		return px_fail(-XE_EINVAL);
	if (act && (x == EXO_SIGKILL || x == EXO_SIGSTOP))
		return px_fail(-XE_EINVAL);
	if (old)
		*old = actions[x];
	if (!act)
		return 0;
	if (!upcall_set) {
		exo_signal_upcall(upcall);
		upcall_set = 1;
	}
	how = act->sa_handler == SIG_DFL ? EXO_SIG_DEFAULT : act->sa_handler == SIG_IGN ? EXO_SIG_IGNORE
										       : EXO_SIG_CATCH;
	actions[x] = *act;
	err = exo_signal_action(x, how, to_exo(&act->sa_mask),
				(act->sa_flags & SA_NODEFER) ? EXO_SIGF_NODEFER : 0);
	if (err != EXO_OK)
		return px_fail(-XE_EINVAL);
	if (x == EXO_SIGCHLD)
		tell_chld();
	return 0;
}

sighandler_t signal(int sig, sighandler_t h)
{
	struct sigaction a, old;

	memset(&a, 0, sizeof(a));
	a.sa_handler = h;
	a.sa_flags = SA_RESTART; /* BSD semantics, as glibc's signal() */
	sigemptyset(&a.sa_mask);
	if (sigaction(sig, &a, &old) < 0)
		return SIG_ERR;
	return old.sa_handler;
}


int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
	exo_sigset_t x = set ? to_exo(set) : 0, o;
	int xh;

	switch (how) {
	case SIG_BLOCK: xh = EXO_SIG_BLOCK; break;
	case SIG_UNBLOCK: xh = EXO_SIG_UNBLOCK; break;
	case SIG_SETMASK: xh = EXO_SIG_SETMASK; break;
	default:
		if (set)
			return px_fail(-XE_EINVAL);
		xh = EXO_SIG_BLOCK;
	}
	if (exo_signal_mask(xh, set ? &x : NULL, &o) != EXO_OK)
		return px_fail(-XE_EINVAL);
	if (old)
		from_exo(o, old);
	return 0;
}

int pthread_sigmask(int how, const sigset_t *set, sigset_t *old)
{
	return sigprocmask(how, set, old) < 0 ? errno : 0;
}

int sigpending(sigset_t *set)
{
	exo_sigset_t x;

	if (exo_signal_pending(&x) != EXO_OK)
		return px_fail(-XE_EINVAL);
	from_exo(x, set);
	return 0;
}

int sigsuspend(const sigset_t *mask)
{
	exo_sigset_t x = to_exo(mask);

	exo_signal_suspend(&x);
	return px_fail(-XE_EINTR);
}

int pause(void)
{
	exo_sigset_t cur;

	exo_signal_mask(EXO_SIG_BLOCK, NULL, &cur);
	exo_signal_suspend(&cur);
	return px_fail(-XE_EINTR);
}

static int take(const sigset_t *set, siginfo_t *info, exo_timeout_t wait)
{
	exo_siginfo_t x;
	exo_err err = exo_signal_take(to_exo(set), wait, &x);

	if (err == EXO_ETIMEOUT)
		return -XE_EAGAIN;
	if (err == EXO_ECANCELED)
		return -XE_EINTR;
	if (err != EXO_OK)
		return -XE_EINVAL;
	if (info) {
		memset(info, 0, sizeof(*info));
		info->si_signo = px_sig_from_exo(x.sig);
		info->si_code = c_code(x.code);
		info->si_pid = (pid_t)x.pid;
		info->si_uid = x.uid;
	}
	return px_sig_from_exo(x.sig);
}

int sigwaitinfo(const sigset_t *set, siginfo_t *info)
{
	int r = take(set, info, EXO_TIMEOUT_NEVER);

	return r < 0 ? px_fail(r) : r;
}

int sigtimedwait(const sigset_t *set, siginfo_t *info, const struct timespec *ts)
{
	exo_timeout_t t = EXO_TIMEOUT_NEVER;
	int r;

	if (ts) {
		if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000L)
			return px_fail(-XE_EINVAL);
		t = (uint64_t)ts->tv_sec * 1000000000u + (uint64_t)ts->tv_nsec;
	}
	r = take(set, info, t);
	return r < 0 ? px_fail(r) : r;
}

int sigwait(const sigset_t *set, int *sig)
{
	int r;

	do
		r = take(set, NULL, EXO_TIMEOUT_NEVER);
	while (r == -XE_EINTR);
	if (r < 0)
		return px_errno(-r);
	*sig = r;
	return 0;
}

int raise(int sig)
{
	int x = px_sig_to_exo(sig);

	if (!x)
		return px_fail(-XE_EINVAL);
	return exo_signal_raise(x, EXO_SI_USER) == EXO_OK ? 0 : px_fail(-XE_EINVAL);
}

void px_sigpipe(void)
{
	/*
	 * An ignored signal is discarded where it is made. Raising it anyway
	 * would be harmless on a host that drops it at once, but one that
	 * holds signals back a while (Valgrind) delivers it after the program
	 * has put the default action back.
	 */
	if (actions[EXO_SIGPIPE].sa_handler == SIG_IGN)
		return;
	exo_signal_raise(EXO_SIGPIPE, EXO_SI_KERNEL);
}

/* ---- the interval timer (ITIMER_REAL) and alarm ---- */

static uint64_t tv_ns(const struct timeval *tv)
{
	return (uint64_t)tv->tv_sec * 1000000000u + (uint64_t)tv->tv_usec * 1000u;
}

static void ns_tv(uint64_t ns, struct timeval *tv)
{
	tv->tv_sec = (time_t)(ns / 1000000000u);
	tv->tv_usec = (suseconds_t)((ns % 1000000000u + 999) / 1000u);
	if (tv->tv_usec >= 1000000) {
		tv->tv_sec++;
		tv->tv_usec -= 1000000;
	}
}

int px_setitimer(int which, const struct itimerval *v, struct itimerval *old) __asm__("setitimer");
int px_getitimer(int which, struct itimerval *v) __asm__("getitimer");

int px_setitimer(int which, const struct itimerval *v, struct itimerval *old)
{
	struct proc_itimer_in in;
	struct proc_itimer_out out;
	int r;

	if (which != ITIMER_REAL)
		return px_fail(-XE_EINVAL); /* ITIMER_VIRTUAL and _PROF: not on Exo yet */
	if (!v || v->it_value.tv_sec < 0 || v->it_value.tv_usec < 0 || v->it_value.tv_usec >= 1000000 ||
	    v->it_interval.tv_sec < 0 || v->it_interval.tv_usec < 0 || v->it_interval.tv_usec >= 1000000)
		return px_fail(-XE_EINVAL);
	in.value = tv_ns(&v->it_value);
	in.interval = tv_ns(&v->it_interval);
	r = proc_call_itimer(px_proc, &in, &out);
	if (r < 0)
		return px_fail(r);
	if (old) {
		ns_tv(out.old_value, &old->it_value);
		ns_tv(out.old_interval, &old->it_interval);
	}
	return 0;
}

int px_getitimer(int which, struct itimerval *v)
{
	struct proc_getitimer_out out;
	int r;

	if (which != ITIMER_REAL)
		return px_fail(-XE_EINVAL);
	r = proc_call_getitimer(px_proc, &out);
	if (r < 0)
		return px_fail(r);
	ns_tv(out.value, &v->it_value);
	ns_tv(out.interval, &v->it_interval);
	return 0;
}

unsigned alarm(unsigned seconds)
{
	struct proc_itimer_in in = { .value = (uint64_t)seconds * 1000000000u, .interval = 0 };
	struct proc_itimer_out out;

	if (proc_call_itimer(px_proc, &in, &out) < 0)
		return 0;
	/* Whole seconds left, rounded up (a pending alarm never reads as 0). */
	return (unsigned)((out.old_value + 999999999u) / 1000000000u);
}
