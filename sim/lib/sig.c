/*
 * sim/lib/sig.c — signals on the sim (exo/signal.h).
 *
 * The mechanism is the host's: a signal posted to a space is a host signal
 * queued to its process by exosim, carrying the Exo sender and code; masks,
 * pending sets and suspension are the host thread's. A caught signal runs
 * the space's upcall in a host handler; if the upcall does not ask for a
 * restart, the IPC the thread was blocked in is ended (exo_sim_chan_interrupt).
 */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include <exo/ipc.h>
#include <exo/signal.h>

#include "chan.h"
#include "lxproc.h"

static exo_upcall_t upcall;
/* Exo's own use of SIGSEGV (page faults) is never given away. */
#define RESERVED (EXO_SIGBIT(EXO_SIGSEGV) | EXO_SIGBIT(EXO_SIGBUS))

void exo_signal_upcall(exo_upcall_t fn)
{
	upcall = fn;
}

/* Exo's details of a host signal: those exosim or raise put in, or the host's. */
static void decode(int sig, const siginfo_t *hs, exo_siginfo_t *si)
{
	uint64_t v = (uint64_t)(uintptr_t)hs->si_value.sival_ptr;

	memset(si, 0, sizeof(*si));
	si->sig = sig;
	if (hs->si_code == SI_QUEUE && ((uint32_t)v & 0xff000000u) == SIM_SIG_MARK) {
		si->code = (int16_t)(v & 0xffff);
		si->status = (int32_t)(v >> 32);
		si->pid = (uint32_t)hs->si_pid;
		si->uid = hs->si_uid;
	} else {
		si->code = EXO_SI_KERNEL; /* the host: exosim shutting down, a terminal */
	}
}

static int marked(const siginfo_t *hs)
{
	return hs->si_code == SI_QUEUE &&
	       ((uint32_t)(uintptr_t)hs->si_value.sival_ptr & 0xff000000u) == SIM_SIG_MARK;
}

static void handler(int sig, void *info, void *uc)
{
	const siginfo_t *hs = info;
	exo_siginfo_t si;
	int saved = errno, restart = 1;

	/* The host's SIGCHLD for libexo's own fork helper is not Exo's. */
	if (sig == SIGCHLD && !marked(hs))
		return;
	decode(sig, hs, &si);
	if (upcall)
		restart = upcall(&si, uc);
	if (!restart)
		exo_sim_chan_interrupt();
	errno = saved;
}

exo_err exo_signal_action(int sig, int how, exo_sigset_t mask, unsigned flags)
{
	int r;

	if (!exo_sig_valid(sig) || how < EXO_SIG_DEFAULT || how > EXO_SIG_CATCH)
		return EXO_EINVAL;
	if ((EXO_SIG_UNBLOCKABLE & EXO_SIGBIT(sig)) && how != EXO_SIG_DEFAULT)
		return EXO_EINVAL;
	if (RESERVED & EXO_SIGBIT(sig))
		return EXO_OK; /* kept for the pager; see docs/processes.md */
	r = exo_lx_sigaction(sig, how, handler, mask & ~(RESERVED | EXO_SIG_UNBLOCKABLE),
			 (flags & EXO_SIGF_NODEFER) != 0);
	return r == 0 ? EXO_OK : EXO_EINVAL;
}

exo_err exo_signal_mask(int how, const exo_sigset_t *set, exo_sigset_t *old)
{
	uint64_t s = set ? *set & ~(RESERVED | EXO_SIG_UNBLOCKABLE) : 0, o;

	if (how < EXO_SIG_BLOCK || how > EXO_SIG_SETMASK)
		return EXO_EINVAL;
	if (exo_lx_sigmask(how, set ? &s : NULL, &o) < 0)
		return EXO_EINVAL;
	if (old)
		*old = o & ((1ull << (EXO_NSIG - 1)) - 1);
	return EXO_OK;
}

exo_err exo_signal_pending(exo_sigset_t *set)
{
	uint64_t p = 0;

	if (!set)
		return EXO_EINVAL;
	exo_lx_sigpending(&p);
	*set = p & ((1ull << (EXO_NSIG - 1)) - 1);
	return EXO_OK;
}

exo_err exo_signal_suspend(const exo_sigset_t *mask)
{
	if (!mask)
		return EXO_EINVAL;
	exo_lx_sigsuspend(*mask & ~(RESERVED | EXO_SIG_UNBLOCKABLE));
	return EXO_ECANCELED;
}

exo_err exo_signal_take(exo_sigset_t set, exo_timeout_t wait, exo_siginfo_t *si)
{
	siginfo_t hs;
	int r;

	for (;;) {
		r = exo_lx_sigtimedwait(set & ~RESERVED, wait, &hs);
		if (r == -EAGAIN)
			return EXO_ETIMEOUT;
		if (r == -EINTR)
			return EXO_ECANCELED;
		if (r < 0)
			return EXO_EINVAL;
		if (r == SIGCHLD && !marked(&hs))
			continue; /* libexo's fork helper, not an Exo SIGCHLD */
		if (si)
			decode(r, &hs, si);
		return EXO_OK;
	}
}

exo_err exo_signal_raise(int sig, int code)
{
	uint64_t mask = 0, pending = 0, bit = EXO_SIGBIT(sig);

	if (!exo_sig_valid(sig))
		return EXO_EINVAL;
	if (exo_lx_sigqueue_self(sig, 0, 0, SIM_SIG_MARK | ((uint32_t)code & 0xffffu)) != 0)
		return EXO_EINVAL;
	/*
	 * raise() returns after the handler (POSIX). Linux delivers a signal to
	 * the calling thread before the system call returns; where delivery is
	 * deferred (under Valgrind), give it system calls until it is no longer
	 * pending, unless the thread blocks it.
	 */
	exo_lx_sigmask(EXO_SIG_BLOCK, NULL, &mask);
	for (int i = 0; i < 1000 && !(mask & bit); i++) {
		if (exo_lx_sigpending(&pending) < 0 || !(pending & bit))
			break;
		exo_lx_yield();
	}
	return EXO_OK;
}

exo_err exo_signal_post(exo_space_t space, const exo_siginfo_t *si)
{
	struct sim_signal sg = { .space = space };

	if (!si)
		return EXO_EINVAL;
	sg.si = *si;
	return exo_sim_chan_simple(SIM_OP_SIGNAL, 0, 0, &sg, sizeof(sg), NULL, NULL, NULL, 0);
}
