/*
 * tests/unit/test_proc.c — unit tests of the process server's rules
 * (servers/proc: the table, fork's records, wait, kill, orphans, SIGCHLD,
 * sessions) through its own dispatch (dispatch.c, the declared protocol),
 * with the kernel and the other servers mocked: signals posted and deferred replies are recorded, not sent, and a
 * reply can be made to fail as when a signal took the waiter away.
 *
 * Each test starts from an empty table with init (pid 1, root) in it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "proc.h"

/* ---- the kernel and the other servers, mocked ---- */

#define NPOSTS 64
static struct {
	exo_space_t to;
	exo_siginfo_t si;
} posts[NPOSTS];
static unsigned nposts;
static struct {
	exo_tid_t to;
	exo_msg_t m;
} replies[16];
static unsigned nreplies;
static exo_err reply_result = EXO_OK;
static uint64_t clock_now;

exo_err exo_signal_post(exo_space_t space, const exo_siginfo_t *si)
{
	if (nposts < NPOSTS)
		posts[nposts++] = (typeof(posts[0])){ space, *si };
	return EXO_OK;
}

exo_err exo_reply(exo_tid_t to, exo_msg_t *m)
{
	if (reply_result == EXO_OK && nreplies < 16)
		replies[nreplies++] = (typeof(replies[0])){ to, *m };
	return reply_result;
}

exo_err exo_lookup(const char *name, exo_tid_t *tid, exo_timeout_t wait)
{
	(void)name, (void)wait;
	*tid = EXO_NILTHREAD; /* no memory server, no VFS: srv_call says so (1) */
	return EXO_ENOENT;
}

exo_err exo_call(exo_tid_t to, exo_msg_t *m, exo_timeout_t snd, exo_timeout_t rcv)
{
	(void)to, (void)m, (void)snd, (void)rcv;
	return EXO_ENOPARTNER;
}

uint64_t exo_clock_ns(void)
{
	return clock_now += 1000;
}

/* ---- requests ---- */

static exo_msg_t msg;

/*
 * Request `label` with n words (a, b) from process p (thread 0x100 + its
 * space), through the server's dispatch: -errno, 0 when held back (WAIT),
 * else the reply's word count with the words in o.
 */
static int ask(uint32_t label, unsigned n, struct proc *p, uint64_t a, uint64_t b, uint64_t *o, bool *deferred)
{
	struct req r = { .m = &msg, .from = 0x100 + p->space };

	memset(&msg, 0, sizeof(msg));
	msg.tag = exo_tag(label, n, 0);
	msg.mr[0] = a;
	msg.mr[1] = b;
	msg.sender_space = p->space;
	proc_dispatch(&r);
	if (deferred)
		*deferred = r.deferred;
	if (r.deferred)
		return 0;
	if (exo_tag_label(msg.tag))
		return -(int)exo_tag_label(msg.tag);
	if (o)
		memcpy(o, msg.mr, exo_tag_untyped(msg.tag) * sizeof(uint64_t));
	return (int)exo_tag_untyped(msg.tag);
}

/* Fork: a child record for space cs of parent p (the servers' copies are mocked away). */
static struct proc *fork_of(struct proc *p, exo_space_t cs)
{
	uint64_t o[10] = { 0 };

	assert_int_equal(ask(PROC_FORK, 3, p, cs, 0, o, NULL), 1);
	return by_pid((int)o[0]);
}

static unsigned posted(exo_space_t to, int sig)
{
	unsigned n = 0;

	for (unsigned i = 0; i < nposts; i++)
		if (posts[i].to == to && posts[i].si.sig == sig)
			n++;
	return n;
}

static struct proc *init_proc;

static int setup(void **state)
{
	(void)state;
	memset(&S, 0, sizeof(S));
	S.next_pid = 2; /* as main.c: pid 1 is only INIT's */
	nposts = nreplies = 0;
	reply_result = EXO_OK;
	init_proc = proc_adopt(10);
	assert_non_null(init_proc);
	assert_int_equal(ask(PROC_INIT, 0, init_proc, 0, 0, NULL, NULL), 0);
	assert_int_equal(init_proc->pid, 1);
	return 0;
}

/* ---- wait ---- */

static void test_wait_reports_a_childs_end_once_and_frees_it(void **state)
{
	struct proc *c;
	uint64_t o[10];
	bool held;
	int pid;

	(void)state;
	assert_int_equal(ask(PROC_WAIT, 2, init_proc, (uint64_t)-1, 0, o, NULL), -XE_ECHILD);
	c = fork_of(init_proc, 11);
	assert_non_null(c);
	pid = c->pid;
	assert_int_equal(c->ppid, 1);
	/* WNOHANG with a running child: pid 0. */
	assert_int_equal(ask(PROC_WAIT, 2, init_proc, (uint64_t)-1, PW_NOHANG, o, NULL), 4);
	assert_int_equal(o[0], 0);
	/* A blocking wait is held back until the child ends. */
	assert_int_equal(ask(PROC_WAIT, 2, init_proc, (uint64_t)-1, 0, o, &held), 0);
	assert_true(held);
	assert_int_equal(nreplies, 0);
	space_exit(11, EXO_W_EXITED(3), 5, 6);
	assert_int_equal(posted(10, EXO_SIGCHLD), 1);
	assert_int_equal(nreplies, 1);
	assert_int_equal(replies[0].m.mr[0], (uint64_t)pid);
	assert_int_equal(replies[0].m.mr[1], EXO_W_EXITED(3));
	assert_null(by_pid(pid));              /* reaped */
	assert_int_equal(init_proc->cutime, 5);
	assert_int_equal(ask(PROC_WAIT, 2, init_proc, (uint64_t)-1, PW_NOHANG, o, NULL), -XE_ECHILD);
}

static void test_a_reply_the_waiter_missed_keeps_the_zombie(void **state)
{
	struct proc *c = fork_of(init_proc, 11);
	uint64_t o[10];
	bool held;
	int pid = c->pid;

	(void)state;
	assert_int_equal(ask(PROC_WAIT, 2, init_proc, (uint64_t)pid, 0, o, &held), 0);
	reply_result = EXO_ENOPARTNER; /* a signal took the waiter out of its call */
	space_exit(11, EXO_W_SIGNALED(EXO_SIGKILL), 0, 0);
	assert_non_null(by_pid(pid));          /* still a zombie for the next wait */
	reply_result = EXO_OK;
	assert_int_equal(ask(PROC_WAIT, 2, init_proc, (uint64_t)pid, PW_NOHANG, o, &held), 0);
	assert_int_equal(nreplies, 1);         /* answered at once, through exo_reply */
	assert_int_equal(replies[0].m.mr[1], EXO_W_SIGNALED(EXO_SIGKILL));
	assert_null(by_pid(pid));
}

static void test_wait_selects_by_pid_and_group_and_checks_its_arguments(void **state)
{
	struct proc *a = fork_of(init_proc, 11), *b = fork_of(init_proc, 12);
	uint64_t o[10];
	int bpid = b->pid;

	(void)state;
	b->pgid = 77;
	space_exit(11, EXO_W_EXITED(1), 0, 0);
	space_exit(12, EXO_W_EXITED(2), 0, 0);
	assert_int_equal(ask(PROC_WAIT, 2, init_proc, (uint64_t)-77, PW_NOHANG, o, NULL), 0);
	assert_int_equal(replies[0].m.mr[0], (uint64_t)bpid); /* the group's child, not a */
	assert_int_equal(replies[0].m.mr[1], EXO_W_EXITED(2));
	assert_non_null(by_pid(a->pid));                       /* a is still there to wait for */
	assert_int_equal(ask(PROC_WAIT, 2, init_proc, 0x123456, PW_NOHANG, o, NULL), -XE_ECHILD);
	assert_int_equal(ask(PROC_WAIT, 2, init_proc, (uint64_t)-1, 0x1000, o, NULL), -XE_EINVAL);
	assert_int_equal(ask(PROC_WAIT, 2, init_proc, 1ull << 40, PW_NOHANG, o, NULL), -XE_EINVAL);
}

static void test_stops_and_continues_are_reported_only_when_asked(void **state)
{
	struct proc *c = fork_of(init_proc, 11);
	uint64_t o[10];
	bool held;

	(void)state;
	space_state(11, EXO_W_STOPPED(EXO_SIGTSTP));
	assert_int_equal(c->state, 'T');
	assert_int_equal(posted(10, EXO_SIGCHLD), 1);
	assert_int_equal(ask(PROC_WAIT, 2, init_proc, (uint64_t)-1, PW_NOHANG, o, NULL), 4);
	assert_int_equal(o[0], 0);             /* without WUNTRACED: nothing */
	assert_int_equal(ask(PROC_WAIT, 2, init_proc, (uint64_t)-1, PW_NOHANG | PW_UNTRACED, o, &held), 0);
	assert_int_equal(replies[0].m.mr[1], EXO_W_STOPPED(EXO_SIGTSTP));
	assert_int_equal(ask(PROC_WAIT, 2, init_proc, (uint64_t)-1, PW_NOHANG | PW_UNTRACED, o, NULL), 4);
	assert_int_equal(o[0], 0);             /* reported once */
	/* NOCLDSTOP: no SIGCHLD for a continue, but WCONTINUED still sees it. */
	assert_int_equal(ask(PROC_CHLD, 1, init_proc, PCHLD_NOCLDSTOP, 0, NULL, NULL), 0);
	space_state(11, EXO_W_CONTINUED);
	assert_int_equal(posted(10, EXO_SIGCHLD), 1);
	assert_int_equal(ask(PROC_WAIT, 2, init_proc, (uint64_t)-1, PW_NOHANG | PW_CONTINUED, o, &held), 0);
	assert_int_equal(replies[1].m.mr[1], EXO_W_CONTINUED);
}

static void test_nocldwait_leaves_no_zombies(void **state)
{
	struct proc *c = fork_of(init_proc, 11);
	uint64_t o[10];
	int pid = c->pid;

	(void)state;
	assert_int_equal(ask(PROC_CHLD, 1, init_proc, PCHLD_NOCLDWAIT, 0, NULL, NULL), 0);
	space_exit(11, EXO_W_EXITED(0), 0, 0);
	assert_null(by_pid(pid));
	assert_int_equal(ask(PROC_WAIT, 2, init_proc, (uint64_t)-1, PW_NOHANG, o, NULL), -XE_ECHILD);
}

/* ---- orphans ---- */

static void test_orphans_go_to_init_and_init_reaps_them(void **state)
{
	struct proc *p = fork_of(init_proc, 11), *g;
	uint64_t o[10];
	bool held;
	int ppid = p->pid, gpid;

	(void)state;
	g = fork_of(p, 12);
	gpid = g->pid;
	assert_int_equal(g->ppid, ppid);
	space_exit(12, EXO_W_EXITED(9), 0, 0);  /* a zombie of p's */
	space_exit(11, EXO_W_EXITED(0), 0, 0);  /* p goes: its zombie is init's now */
	assert_int_equal(by_pid(gpid)->ppid, 1);
	assert_int_equal(posted(10, EXO_SIGCHLD), 2);
	assert_int_equal(ask(PROC_WAIT, 2, init_proc, (uint64_t)gpid, PW_NOHANG, o, &held), 0);
	assert_int_equal(replies[0].m.mr[1], EXO_W_EXITED(9));
	assert_null(by_pid(gpid));
}

/* ---- kill ---- */

static void test_kill_follows_the_credentials(void **state)
{
	struct proc *u = fork_of(init_proc, 11), *v = fork_of(init_proc, 12), *root = fork_of(init_proc, 13);

	(void)state;
	u->ruid = u->euid = u->suid = 1000;
	v->ruid = v->euid = v->suid = 1001;
	assert_int_equal(do_kill(u, v->pid, EXO_SIGTERM), -XE_EPERM);
	assert_int_equal(posted(12, EXO_SIGTERM), 0);
	assert_int_equal(do_kill(u, u->pid, EXO_SIGTERM), 0);
	assert_int_equal(posted(11, EXO_SIGTERM), 1);
	assert_int_equal(do_kill(root, v->pid, EXO_SIGTERM), 0);
	assert_int_equal(posted(12, EXO_SIGTERM), 1);
	/* SIGCONT within a session, whoever sends it. */
	v->sid = u->sid;
	assert_int_equal(do_kill(u, v->pid, EXO_SIGCONT), 0);
	/* A saved set-user-ID counts: v may be signalled by 1000 once it holds it. */
	v->suid = 1000;
	assert_int_equal(do_kill(u, v->pid, EXO_SIGUSR1), 0);
	/* Signal 0 checks and sends nothing; bad signals and pids. */
	nposts = 0;
	assert_int_equal(do_kill(u, v->pid, 0), 0);
	assert_int_equal(nposts, 0);
	assert_int_equal(do_kill(u, v->pid, 999), -XE_EINVAL);
	assert_int_equal(do_kill(u, 4242, EXO_SIGTERM), -XE_ESRCH);
	assert_int_equal(do_kill(u, 1ll << 40, EXO_SIGTERM), -XE_ESRCH);
}

static void test_kill_of_groups_and_of_everyone(void **state)
{
	struct proc *a = fork_of(init_proc, 11), *b = fork_of(init_proc, 12), *c = fork_of(init_proc, 13);

	(void)state;
	a->pgid = b->pgid = 50;
	c->pgid = 60;
	assert_int_equal(do_kill(a, 0, EXO_SIGHUP), 0);       /* its own group */
	assert_int_equal(posted(11, EXO_SIGHUP) + posted(12, EXO_SIGHUP), 2);
	assert_int_equal(posted(13, EXO_SIGHUP), 0);
	assert_int_equal(do_kill(a, -60, EXO_SIGINT), 0);
	assert_int_equal(posted(13, EXO_SIGINT), 1);
	assert_int_equal(do_kill(a, -61, EXO_SIGINT), -XE_ESRCH);
	/* -1: everyone it may signal but init and itself. */
	assert_int_equal(do_kill(a, -1, EXO_SIGUSR2), 0);
	assert_int_equal(posted(10, EXO_SIGUSR2), 0);
	assert_int_equal(posted(11, EXO_SIGUSR2), 0);
	assert_int_equal(posted(12, EXO_SIGUSR2) + posted(13, EXO_SIGUSR2), 2);
	/* A zombie is found by pid (no error) but gets nothing. */
	space_exit(13, EXO_W_EXITED(0), 0, 0);
	nposts = 0;
	assert_int_equal(do_kill(a, c->pid, EXO_SIGTERM), 0);
	assert_int_equal(nposts, 0);
}

static void test_the_consoles_session_leader_hangs_up_its_foreground_group(void **state)
{
	struct proc *sh = fork_of(init_proc, 11), *job = fork_of(sh, 12);

	(void)state;
	sh->sid = sh->pgid = sh->pid;
	job->sid = sh->pid;
	job->pgid = job->pid;
	S.tty_sid = sh->pid;
	S.tty_pgrp = job->pid;
	space_exit(11, EXO_W_EXITED(0), 0, 0);
	assert_int_equal(posted(12, EXO_SIGHUP), 1);
	assert_int_equal(S.tty_sid, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_wait_reports_a_childs_end_once_and_frees_it, setup),
		cmocka_unit_test_setup(test_a_reply_the_waiter_missed_keeps_the_zombie, setup),
		cmocka_unit_test_setup(test_wait_selects_by_pid_and_group_and_checks_its_arguments, setup),
		cmocka_unit_test_setup(test_stops_and_continues_are_reported_only_when_asked, setup),
		cmocka_unit_test_setup(test_nocldwait_leaves_no_zombies, setup),
		cmocka_unit_test_setup(test_orphans_go_to_init_and_init_reaps_them, setup),
		cmocka_unit_test_setup(test_kill_follows_the_credentials, setup),
		cmocka_unit_test_setup(test_kill_of_groups_and_of_everyone, setup),
		cmocka_unit_test_setup(test_the_consoles_session_leader_hangs_up_its_foreground_group, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
