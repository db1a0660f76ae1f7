/*
 * hw/riscv64/kernel/signal.c — signals on riscv64 (exo/signal.h): what the
 * host's signal delivery does for the sim, done by the kernel.
 *
 * A space has an action per signal (default, ignore, catch with a mask and
 * flags) and a pending set; a thread has its mask and a pending set of its
 * own (exo_signal_raise). A signal is delivered to a thread that does not
 * block it: a default action that ends the space ends it here; a stop stops
 * every thread of the space until SIGCONT (watchers are told, as on the
 * sim); a caught one makes the thread leave what it was blocked in
 * (EXO_ECANCELED) and run the space's upcall on its own stack, with the
 * action's mask added to its own. The upcall returns through
 * RV_SYS_SIG_RETURN: its registers come back, and when it asks for a
 * restart an interrupted receive goes on waiting (an interrupted send is
 * made again: nothing of it was delivered).
 *
 * Policy stays out: who may signal whom, process groups and SIGCHLD are the
 * process server's; the POSIX actions libposix's.
 */
#include <string.h>

#include "kernel.h"

/* What the upcall's stack holds (user memory); RV_SYS_SIG_RETURN reads it back. */
struct sigframe {
	exo_siginfo_t si;
	struct frame saved;      /* the thread's registers when the signal came */
	exo_sigset_t mask;       /* its mask then */
	uint32_t resume;         /* RESUME_*: what a restart does */
	exo_tid_t partner;       /* the receive to go on with */
	uint64_t umsg;
	exo_tid_t replied;       /* the partner answered during the upcall (k_reply_kept) */
};

enum { RESUME_NONE, RESUME_RECEIVE, RESUME_AGAIN };

static bool default_ignores(int sig)
{
	return sig == EXO_SIGCHLD || sig == EXO_SIGURG || sig == EXO_SIGWINCH || sig == EXO_SIGCONT;
}

static bool default_stops(int sig)
{
	return sig == EXO_SIGSTOP || sig == EXO_SIGTSTP || sig == EXO_SIGTTIN || sig == EXO_SIGTTOU;
}

static void space_state(struct kspace *s, uint32_t wstatus)
{
	uint64_t w[2] = { s->id, wstatus };

	for (unsigned i = 0; i < K.nwatchers; i++) {
		struct kthread *t = k_thread_get(K.watchers[i]);

		if (t)
			k_notify_words(t, EXO_LABEL_SPACE_STATE, w, 2);
	}
}

static void stop(struct kspace *s, int sig)
{
	if (s->stopped)
		return;
	s->stopped = true;
	for (struct kthread *t = s->threads; t; t = t->snext)
		if (t->runnable) {
			k_block(t);
			t->stop_held = true;
		}
	space_state(s, EXO_W_STOPPED(sig));
}

static void cont(struct kspace *s)
{
	if (!s->stopped)
		return;
	s->stopped = false;
	for (struct kthread *t = s->threads; t; t = t->snext)
		if (t->stop_held) {
			t->stop_held = false;
			k_ready(t);
		}
	space_state(s, EXO_W_CONTINUED);
}

/* Make t leave a wait so a caught signal can run now. */
static void interrupt(struct kthread *t)
{
	if (t->runnable || t->faulting)
		return;
	if (t->wait == KWAIT_IPC) {
		t->sig_resume = RESUME_NONE;
		if (t->ipc.state == IPC_RECEIVING && (t->op == RV_SYS_RECV || t->op == RV_SYS_REPLY_WAIT ||
						       t->op == RV_SYS_CALL)) {
			t->sig_resume = RESUME_RECEIVE;
			t->sig_partner = t->ipc.partner;
			t->sig_umsg = t->umsg;
			t->sig_stash_from = EXO_NILTHREAD;
		} else if (t->ipc.state == IPC_SENDING) {
			t->sig_resume = RESUME_AGAIN;
			t->sig_again = t->f;
		}
		ipc_cancel(&K.ipc, &t->ipc);
	} else if (t->wait == KWAIT_LOOKUP) {
		k_lookup_cancel(t);
		t->f.regs[R_A0] = EXO_ECANCELED;
		k_ready(t);
	} else if (t->wait == KWAIT_SIGNAL) {
		t->wait = KWAIT_NONE;
		t->f.regs[R_A0] = EXO_ECANCELED;
		k_ready(t);
	} else if (t->wait == KWAIT_FUTEX) {
		k_futex_cancel(t);
		t->f.regs[R_A0] = EXO_ECANCELED;
		k_ready(t);
	}
}

static bool caught(struct kspace *s, int sig)
{
	return s->sig_how[sig] == EXO_SIG_CATCH && s->upcall;
}

/* A thread of s that may take sig now, or NULL. */
static struct kthread *taker(struct kspace *s, int sig)
{
	struct kthread *best = NULL;

	for (struct kthread *t = s->threads; t; t = t->snext) {
		if (t->sig_mask & EXO_SIGBIT(sig))
			continue;
		if (t->wait == KWAIT_SIGNAL && (t->sig_take & EXO_SIGBIT(sig)))
			return t;
		if (!best)
			best = t;
	}
	return best;
}

/* Threads in exo_signal_take that wait for sig (which they block) get it. */
static bool give_to_taker(struct kspace *s, int sig, const exo_siginfo_t *si)
{
	for (struct kthread *t = s->threads; t; t = t->snext)
		if (t->wait == KWAIT_SIGNAL && t->sig_take & EXO_SIGBIT(sig)) {
			t->wait = KWAIT_NONE;
			t->sig_take = 0;
			t->f.regs[R_A0] = k_copy_out(s, t->sig_uinfo, si, sizeof(*si)) ? EXO_OK : EXO_EINVAL;
			k_ready(t);
			return true;
		}
	return false;
}

/* Act on what is pending for s and its threads that can be acted on now. */
void k_sig_dispatch(struct kspace *s)
{
	for (int sig = 1; sig < EXO_NSIG && !s->ending; sig++) {
		uint64_t bit = EXO_SIGBIT(sig);
		struct kthread *t;

		if (!exo_sig_valid(sig))
			continue;
		for (t = s->threads; t; t = t->snext)
			if ((t->sig_pending & bit) && !(t->sig_mask & bit) && caught(s, sig))
				interrupt(t);
		if (!(s->sig_pending & bit))
			continue;
		if (give_to_taker(s, sig, &s->sig_info[sig])) {
			s->sig_pending &= ~bit;
			continue;
		}
		t = taker(s, sig);
		if (!t)
			continue;
		if (!caught(s, sig)) {
			s->sig_pending &= ~bit;
			k_space_end(s, EXO_W_SIGNALED(sig));
			return;
		}
		interrupt(t);
	}
}

exo_err k_sig_post(struct kspace *s, struct kthread *to, const exo_siginfo_t *si)
{
	int sig = si->sig;
	uint64_t bit = EXO_SIGBIT(sig);

	if (!exo_sig_valid(sig))
		return EXO_EINVAL;
	if (sig == EXO_SIGKILL) {
		k_space_end(s, EXO_W_SIGNALED(sig));
		return EXO_OK;
	}
	if (sig == EXO_SIGCONT)
		cont(s);
	if (sig == EXO_SIGSTOP || (default_stops(sig) && s->sig_how[sig] == EXO_SIG_DEFAULT)) {
		stop(s, sig);
		return EXO_OK;
	}
	if (s->sig_how[sig] == EXO_SIG_IGNORE || (s->sig_how[sig] == EXO_SIG_DEFAULT && default_ignores(sig))) {
		/* Discarded; a thread waiting for it in exo_signal_take still gets it. */
		give_to_taker(s, sig, si);
		return EXO_OK;
	}
	if (to) {
		to->sig_pending |= bit;
		to->sig_info[sig] = *si;
		if (to->wait == KWAIT_SIGNAL && (to->sig_take & bit)) {
			to->sig_pending &= ~bit;
			to->wait = KWAIT_NONE;
			to->sig_take = 0;
			to->f.regs[R_A0] = k_copy_out(s, to->sig_uinfo, si, sizeof(*si)) ? EXO_OK : EXO_EINVAL;
			k_ready(to);
			return EXO_OK;
		}
		if (!(to->sig_mask & bit) && !caught(s, sig)) {
			to->sig_pending &= ~bit;
			k_space_end(s, EXO_W_SIGNALED(sig));
			return EXO_OK;
		}
	} else {
		s->sig_pending |= bit;
		s->sig_info[sig] = *si;
	}
	k_sig_dispatch(s);
	return EXO_OK;
}

/*
 * Before t returns to user mode: if a caught signal is pending for it and
 * unblocked, its registers go onto its stack and it enters the upcall.
 */
/*
 * Is a page of the signal frame at [sp, sp + n) not mapped writable, in a
 * space whose pager can map it? Then t calls the pager as for a write fault
 * there, and the upcall waits for it: a stack page the program has not
 * touched yet, or one it shares copy-on-write since a fork, is the pager's.
 * A refusal ends the space with SIGSEGV, as a fault would.
 */
static bool frame_fault(struct kthread *t, uint64_t sp, uint64_t n)
{
	struct kspace *s = t->space;

	if (!k_pager_of(s) || sp < RV_USER_BASE || sp + n > RV_USER_END)
		return false; /* k_copy_out decides */
	for (uint64_t va = sp & ~4095ull; va < sp + n; va += 4096) {
		uint64_t *e = k_pt_walk(s->pt, va);

		if (!e || (*e & (PTE_W | PTE_U)) != (PTE_W | PTE_U)) {
			k_pager_call(t, EXO_LABEL_PAGEFAULT, va, EXO_W, t->f.sepc);
			return true;
		}
	}
	return false;
}

bool k_sig_deliver(struct kthread *t)
{
	struct kspace *s = t->space;
	struct sigframe sf;
	uint64_t sp;
	int sig = 0;
	bool mine = false;

	if (!(t->sig_pending | s->sig_pending) || !s->upcall || t->faulting)
		return true; /* the common case: nothing pending */
	for (int i = 1; i < EXO_NSIG && !sig; i++) {
		uint64_t bit = EXO_SIGBIT(i);

		if (!exo_sig_valid(i) || (t->sig_mask & bit) || !caught(s, i))
			continue;
		if (t->sig_pending & bit) {
			sig = i;
			mine = true;
		} else if (s->sig_pending & bit) {
			sig = i;
		}
	}
	if (!sig)
		return true;
	sp = ((t->f.regs[R_SP] - 128) & ~15ull) - ((sizeof(sf) + 15) & ~15ull);
	if (frame_fault(t, sp, sizeof(sf)))
		return false; /* the pager brings the stack page first; then the upcall */
	memset(&sf, 0, sizeof(sf));
	if (mine) {
		sf.si = t->sig_info[sig];
		t->sig_pending &= ~EXO_SIGBIT(sig);
	} else {
		sf.si = s->sig_info[sig];
		s->sig_pending &= ~EXO_SIGBIT(sig);
	}
	sf.saved = t->f;
	sf.mask = t->sig_suspended ? t->sig_suspend_old : t->sig_mask;
	sf.resume = t->sig_resume;
	sf.partner = t->sig_partner;
	sf.umsg = t->sig_resume == RESUME_RECEIVE ? t->sig_umsg : t->umsg;
	if (t->sig_resume == RESUME_AGAIN)
		sf.saved = t->sig_again, sf.saved.sepc -= 4;
	if (t->sig_resume != RESUME_RECEIVE)
		t->sig_resume = RESUME_NONE; /* a receive's stays: a reply may come during the upcall */
	t->sig_suspended = false;
	if (!k_copy_out(s, sp, &sf, sizeof(sf))) {
		kprintf("exo: %s (space %u): no stack for the upcall of signal %d: it ends\n", s->label, s->id, sig);
		k_space_end(s, EXO_W_SIGNALED(EXO_SIGSEGV));
		return false;
	}
	t->sig_mask = sf.mask | s->sig_mask_of[sig];
	if (!(s->sig_flags[sig] & EXO_SIGF_NODEFER))
		t->sig_mask |= EXO_SIGBIT(sig);
	t->sig_mask &= ~EXO_SIG_UNBLOCKABLE;
	t->f.sepc = s->upcall;
	t->f.regs[R_SP] = sp;
	t->f.regs[R_A0] = sp + offsetof(struct sigframe, si);
	t->f.regs[R_A1] = sp;
	t->f.regs[R_RA] = 0;
	return true;
}

/* RV_SYS_SIG_RETURN: the upcall is done; restart asks an interrupted IPC to go on. */
void k_sig_return(struct kthread *t, uint64_t usf, bool restart)
{
	struct sigframe sf;

	if (!k_copy_in(t->space, &sf, usf, sizeof(sf)) || sf.saved.sepc < RV_USER_BASE || sf.saved.sepc >= RV_USER_END) {
		kprintf("exo: %s (space %u): a bad signal frame at %lx: it ends\n", t->space->label, t->space->id, usf);
		k_space_end(t->space, EXO_W_SIGNALED(EXO_SIGSEGV));
		return;
	}
	t->f = sf.saved;
	t->sig_mask = sf.mask & ~EXO_SIG_UNBLOCKABLE;
	if (sf.resume == RESUME_RECEIVE && t->sig_stash_from && t->sig_stash_from == sf.partner) {
		/* The answer came during the upcall: the call returns it, or EXO_ECANCELED. */
		t->sig_stash_from = EXO_NILTHREAD;
		t->sig_resume = RESUME_NONE;
		if (restart) {
			t->f.regs[R_A0] = EXO_OK;
			t->f.regs[R_A1] = sf.partner;
			t->f.regs[R_A2] = 0;
		}
		k_sig_dispatch(t->space);
		return;
	}
	t->sig_resume = RESUME_NONE;
	if (restart && sf.resume == RESUME_RECEIVE && k_thread_get(sf.partner == EXO_ANYTHREAD ? t->ipc.tid : sf.partner)) {
		/* Go on waiting for the reply (or the next request), as if never interrupted. */
		if (k_acceptor_load(t, sf.umsg) == EXO_OK) {
			t->op = RV_SYS_RECV;
			t->wait = KWAIT_IPC;
			t->ipc.msg = NULL;
			k_block(t);
			ipc_receive(&K.ipc, &t->ipc, sf.partner, EXO_TIMEOUT_NEVER, k_now());
		}
		return;
	}
	if (!restart && sf.resume == RESUME_AGAIN) {
		t->f.sepc += 4; /* not again: the send ends with EXO_ECANCELED */
		t->f.regs[R_A0] = EXO_ECANCELED;
	}
	k_sig_dispatch(t->space);
}

exo_err k_sig_action(struct kspace *s, int sig, int how, exo_sigset_t mask, unsigned flags)
{
	if (!exo_sig_valid(sig) || how < EXO_SIG_DEFAULT || how > EXO_SIG_CATCH)
		return EXO_EINVAL;
	if ((EXO_SIG_UNBLOCKABLE & EXO_SIGBIT(sig)) && how != EXO_SIG_DEFAULT)
		return EXO_EINVAL;
	s->sig_how[sig] = (uint8_t)how;
	s->sig_mask_of[sig] = mask & ~EXO_SIG_UNBLOCKABLE;
	s->sig_flags[sig] = (uint8_t)flags;
	if (how == EXO_SIG_IGNORE || (how == EXO_SIG_DEFAULT && default_ignores(sig))) {
		s->sig_pending &= ~EXO_SIGBIT(sig);
		for (struct kthread *t = s->threads; t; t = t->snext)
			t->sig_pending &= ~EXO_SIGBIT(sig);
	}
	k_sig_dispatch(s);
	return EXO_OK;
}

/* exec: caught signals go back to their default actions; ignored ones stay ignored. */
void k_sig_exec(struct kspace *s, struct kthread *t)
{
	for (int i = 1; i < EXO_NSIG; i++)
		if (s->sig_how[i] == EXO_SIG_CATCH)
			s->sig_how[i] = EXO_SIG_DEFAULT;
	s->upcall = 0;
	/* The thread goes on in a new program: nothing of an interrupted call of the old one is resumed. */
	t->sig_resume = RESUME_NONE;
	t->sig_partner = EXO_NILTHREAD;
	t->sig_stash_from = EXO_NILTHREAD;
	t->sig_suspended = false;
}

/* fork: the child has the parent's actions and upcall; the calling thread's mask. */
void k_sig_fork(struct kspace *p, struct kspace *c)
{
	memcpy(c->sig_how, p->sig_how, sizeof(c->sig_how));
	memcpy(c->sig_mask_of, p->sig_mask_of, sizeof(c->sig_mask_of));
	memcpy(c->sig_flags, p->sig_flags, sizeof(c->sig_flags));
	c->upcall = p->upcall;
}

/* exo_signal_take and exo_signal_suspend: t waits (take: for a signal of `take`). */
void k_sig_wait(struct kthread *t, exo_sigset_t take, uint64_t uinfo, exo_timeout_t wait)
{
	t->wait = KWAIT_SIGNAL;
	t->sig_take = take;
	t->sig_uinfo = uinfo;
	t->sig_deadline = ipc_deadline(wait, k_now());
	k_block(t);
	if (t->sig_deadline != IPC_NEVER) {
		t->wnext = K.sigwaits;
		K.sigwaits = t;
	}
}

void k_sig_unwait(struct kthread *t)
{
	for (struct kthread **pp = &K.sigwaits; *pp; pp = &(*pp)->wnext)
		if (*pp == t) {
			*pp = t->wnext;
			t->wnext = NULL;
			return;
		}
}

void k_sig_timers(uint64_t now)
{
	struct kthread **pp = &K.sigwaits;

	while (*pp) {
		struct kthread *t = *pp;

		if (t->wait != KWAIT_SIGNAL) { /* answered already */
			*pp = t->wnext;
			t->wnext = NULL;
		} else if (t->sig_deadline <= now) {
			*pp = t->wnext;
			t->wnext = NULL;
			t->wait = KWAIT_NONE;
			t->sig_take = 0;
			t->f.regs[R_A0] = EXO_ETIMEOUT;
			k_ready(t);
		} else {
			pp = &t->wnext;
		}
	}
}

uint64_t k_sig_next_deadline(void)
{
	uint64_t d = IPC_NEVER;

	for (struct kthread *t = K.sigwaits; t; t = t->wnext)
		if (t->wait == KWAIT_SIGNAL && t->sig_deadline < d)
			d = t->sig_deadline;
	return d;
}
