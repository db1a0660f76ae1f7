/*
 * jobs.c — processes, jobs and job control.
 *
 * Every command the shell forks belongs to a job (a pipeline, or one
 * process running a subshell). With job control (an interactive shell on a
 * terminal) each job is its own process group: the child and the parent
 * both call setpgid so neither can run ahead of the other, the foreground
 * job is given the terminal with tcsetpgrp, and the shell takes it back
 * when the job exits or stops. Stopped and background jobs stay in the job
 * table; finished ones are reported before the next prompt.
 *
 * Processes are waited for by pid, never with waitpid(-1): a command
 * substitution or here-document helper must not be reaped by someone else.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "sh.h"

extern volatile sig_atomic_t input_sigint;

static struct termios shell_tmodes;
static int signals_changed;

static const struct {
	int sig;
	const char *name;
	const char *what;
} signals[] = {
	{ SIGHUP, "HUP", "Hangup" }, { SIGINT, "INT", "Interrupt" },
	{ SIGQUIT, "QUIT", "Quit" }, { SIGILL, "ILL", "Illegal instruction" },
	{ SIGTRAP, "TRAP", "Trace trap" }, { SIGABRT, "ABRT", "Aborted" },
	{ SIGBUS, "BUS", "Bus error" }, { SIGFPE, "FPE", "Floating point exception" },
	{ SIGKILL, "KILL", "Killed" }, { SIGUSR1, "USR1", "User signal 1" },
	{ SIGSEGV, "SEGV", "Segmentation fault" }, { SIGUSR2, "USR2", "User signal 2" },
	{ SIGPIPE, "PIPE", "Broken pipe" }, { SIGALRM, "ALRM", "Alarm clock" },
	{ SIGTERM, "TERM", "Terminated" }, { SIGCHLD, "CHLD", "Child exited" },
	{ SIGCONT, "CONT", "Continued" }, { SIGSTOP, "STOP", "Stopped (signal)" },
	{ SIGTSTP, "TSTP", "Stopped" }, { SIGTTIN, "TTIN", "Stopped (tty input)" },
	{ SIGTTOU, "TTOU", "Stopped (tty output)" }, { SIGURG, "URG", "Urgent I/O" },
	{ SIGXCPU, "XCPU", "CPU time limit exceeded" },
	{ SIGXFSZ, "XFSZ", "File size limit exceeded" },
	{ SIGVTALRM, "VTALRM", "Virtual timer expired" },
	{ SIGPROF, "PROF", "Profiling timer expired" },
	{ SIGWINCH, "WINCH", "Window changed" }, { SIGSYS, "SYS", "Bad system call" },
};

#define NSIGNALS (int)(sizeof(signals) / sizeof(signals[0]))

const char *signal_name(int sig)
{
	for (int i = 0; i < NSIGNALS; i++)
		if (signals[i].sig == sig)
			return signals[i].name;
	return NULL;
}

static const char *signal_what(int sig)
{
	for (int i = 0; i < NSIGNALS; i++)
		if (signals[i].sig == sig)
			return signals[i].what;
	return "Signal";
}

int signal_number(const char *name)
{
	char *end;
	long n = strtol(name, &end, 10);

	if (*name && !*end)
		return n >= 0 && n < 65 ? (int)n : -1;
	if (!strncmp(name, "SIG", 3))
		name += 3;
	for (int i = 0; i < NSIGNALS; i++)
		if (!strcmp(signals[i].name, name))
			return signals[i].sig;
	return -1;
}

int status_of(int w)
{
	if (WIFEXITED(w))
		return WEXITSTATUS(w);
	if (WIFSIGNALED(w))
		return 128 + WTERMSIG(w);
	if (WIFSTOPPED(w))
		return 128 + WSTOPSIG(w);
	return 1;
}

static void on_sigint(int sig)
{
	(void)sig;
	input_sigint = 1;
}

static void set_signal(int sig, void (*handler)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);	/* no SA_RESTART: a prompt read stops */
}

void jobs_init(void)
{
	pid_t pg;

	if (!sh.interactive)
		return;
	signals_changed = 1;
	set_signal(SIGINT, on_sigint);
	set_signal(SIGQUIT, SIG_IGN);
	set_signal(SIGTERM, SIG_IGN);
	if (!isatty(0))
		return;
	/* wait until we are in the foreground before taking the terminal */
	while ((pg = tcgetpgrp(0)) >= 0 && pg != getpgrp())
		kill(-getpgrp(), SIGTTIN);
	if (pg < 0)
		return;
	set_signal(SIGTSTP, SIG_IGN);
	set_signal(SIGTTIN, SIG_IGN);
	set_signal(SIGTTOU, SIG_IGN);
	sh.pgid = getpid();
	if (getpgrp() != sh.pgid && setpgid(0, sh.pgid) < 0) {
		sh.pgid = getpgrp();
	}
	tcsetpgrp(0, sh.pgid);
	tcgetattr(0, &shell_tmodes);
	sh.jobctl = 1;
}

struct job *job_new(const char *text)
{
	struct job *j = sh_malloc(sizeof(*j));

	memset(j, 0, sizeof(*j));
	j->text = sh_strdup(text ? text : "");
	return j;
}

void job_add_proc(struct job *j, pid_t pid)
{
	j->procs = sh_realloc(j->procs, (j->nprocs + 1) * sizeof(*j->procs));
	j->procs[j->nprocs].pid = pid;
	j->procs[j->nprocs].state = PS_RUNNING;
	j->procs[j->nprocs].status = 0;
	j->nprocs++;
}

void job_register(struct job *j)
{
	struct job **tail = &sh.jobs;
	int id = 1;

	if (j->id)
		return;
	for (struct job *k = sh.jobs; k; k = k->next)
		if (k->id >= id)
			id = k->id + 1;
	while (*tail)
		tail = &(*tail)->next;
	*tail = j;
	j->next = NULL;
	j->id = id;
	j->seq = ++sh.job_seq;
}

void job_free(struct job *j)
{
	for (struct job **pj = &sh.jobs; *pj; pj = &(*pj)->next) {
		if (*pj == j) {
			*pj = j->next;
			break;
		}
	}
	free(j->procs);
	free(j->text);
	free(j);
}

static int job_done(struct job *j)
{
	for (int i = 0; i < j->nprocs; i++)
		if (j->procs[i].state != PS_DONE)
			return 0;
	return 1;
}

static int job_stopped(struct job *j)
{
	int stopped = 0;

	for (int i = 0; i < j->nprocs; i++) {
		if (j->procs[i].state == PS_RUNNING)
			return 0;
		stopped |= j->procs[i].state == PS_STOPPED;
	}
	return stopped;
}

int job_status(struct job *j)
{
	return j->nprocs ? status_of(j->procs[j->nprocs - 1].status) : 0;
}

static void proc_update(struct proc *p, int w)
{
	p->status = w;
	p->state = WIFSTOPPED(w) ? PS_STOPPED : PS_DONE;
}

/* Waits for p to change state; flags as for waitpid. 0 if nothing yet. */
static int proc_wait(struct proc *p, int flags)
{
	int w;
	pid_t r;

	do
		r = waitpid(p->pid, &w, flags);
	while (r < 0 && errno == EINTR);
	if (r < 0) {		/* not our child (any more): count it done */
		p->state = PS_DONE;
		p->status = 0;
		return 1;
	}
	if (r == 0)
		return 0;
	proc_update(p, w);
	return 1;
}

/* "+" for the current job, "-" for the previous one. */
static char job_mark(struct job *j)
{
	unsigned long first = 0, second = 0;

	for (struct job *k = sh.jobs; k; k = k->next) {
		if (k->seq > first) {
			second = first;
			first = k->seq;
		} else if (k->seq > second) {
			second = k->seq;
		}
	}
	return j->seq == first ? '+' : j->seq == second ? '-' : ' ';
}

static void job_print(struct job *j, int fd)
{
	const char *state = "Running";
	char buf[48];

	if (job_done(j)) {
		int w = j->procs[j->nprocs - 1].status;

		state = "Done";
		if (WIFEXITED(w) && WEXITSTATUS(w)) {
			snprintf(buf, sizeof(buf), "Exit %d", WEXITSTATUS(w));
			state = buf;
		} else if (WIFSIGNALED(w)) {
			state = signal_what(WTERMSIG(w));
		}
	} else if (job_stopped(j)) {
		state = "Stopped";
	}
	sh_printf(fd, "[%d]%c %s  %s\n", j->id, job_mark(j), state, j->text);
}

static void take_terminal(void)
{
	if (!sh.jobctl)
		return;
	tcsetpgrp(0, sh.pgid);
	tcsetattr(0, TCSADRAIN, &shell_tmodes);
}

/* Waits for a foreground job to finish or stop. Frees it if finished. */
int job_wait_fg(struct job *j)
{
	int flags = sh.jobctl ? WUNTRACED : 0, status;

	for (int i = 0; i < j->nprocs; i++)
		while (j->procs[i].state == PS_RUNNING)
			proc_wait(&j->procs[i], flags);
	take_terminal();
	if (job_stopped(j)) {
		job_register(j);
		j->seq = ++sh.job_seq;
		sh_write_all(2, "\n", 1);
		job_print(j, 2);
		return 128 + WSTOPSIG(j->procs[j->nprocs - 1].status);
	}
	status = job_status(j);
	if (sh.jobctl) {
		int w = j->procs[j->nprocs - 1].status;

		if (WIFSIGNALED(w) && WTERMSIG(w) == SIGINT) {
			sh_write_all(2, "\n", 1);
			sh.ctl = CTL_INTR;	/* ^C ends the whole command line */
		}
		else if (WIFSIGNALED(w) && WTERMSIG(w) != SIGPIPE)
			sh_printf(2, "%s%s\n", signal_what(WTERMSIG(w)),
				  WCOREDUMP(w) ? " (core dumped)" : "");
	}
	job_free(j);
	return status;
}

void jobs_reap(void)
{
	int flags = WNOHANG | (sh.jobctl ? WUNTRACED : 0);

	for (struct job *j = sh.jobs; j; j = j->next)
		for (int i = 0; i < j->nprocs; i++)
			if (j->procs[i].state == PS_RUNNING)
				proc_wait(&j->procs[i], flags);
}

/* Before a prompt: report and forget finished background jobs. */
void jobs_notify(void)
{
	struct job *j, *next;

	jobs_reap();
	if (!sh.interactive)
		return;
	for (j = sh.jobs; j; j = next) {
		next = j->next;
		if (job_done(j)) {
			job_print(j, 2);
			job_free(j);
		}
	}
}

/* Children get back the dispositions the shell changed. */
void jobs_reset_signals(void)
{
	static const int sigs[] = { SIGINT, SIGQUIT, SIGTERM, SIGTSTP, SIGTTIN, SIGTTOU };

	if (!signals_changed)
		return;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		set_signal(sigs[i], SIG_DFL);
	signals_changed = 0;
}

/*
 * fork() for a process of job j (NULL: a helper such as a command
 * substitution, which stays in the shell's process group).
 */
pid_t sh_fork(struct job *j, int foreground)
{
	pid_t pid = fork();

	if (pid < 0) {
		sh_error("fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		if (sh.jobctl && j) {
			pid_t pg = j->pgid ? j->pgid : getpid();

			setpgid(0, pg);
			if (foreground)
				tcsetpgrp(0, pg);
		}
		/* the job is the parent's bookkeeping; the child never returns to it */
		if (j && !j->id)
			job_free(j);
		jobs_reset_signals();
		trap_reset_child();
		sh.jobctl = 0;
		sh.interactive = 0;
		sh.is_child = 1;
		return 0;
	}
	if (j) {
		if (sh.jobctl) {
			if (!j->pgid)
				j->pgid = pid;
			setpgid(pid, j->pgid);
		}
		job_add_proc(j, pid);
	}
	return pid;
}

void child_exit(int status)
{
	_exit(status & 0xff);
}

void jobs_free_all(void)
{
	while (sh.jobs)
		job_free(sh.jobs);
}

/* An interactive shell leaving: stopped jobs would stay stopped forever. */
void jobs_hangup(void)
{
	for (struct job *j = sh.jobs; j; j = j->next) {
		if (j->pgid && job_stopped(j)) {
			kill(-j->pgid, SIGHUP);
			kill(-j->pgid, SIGCONT);
		}
	}
}

/* ---- the job builtins ---- */

static struct job *job_current(int which)
{
	for (struct job *j = sh.jobs; j; j = j->next)
		if (job_mark(j) == which)
			return j;
	return NULL;
}

/* %n, %%, %+, %-, %prefix, or (with pids) a process id. */
static struct job *job_find(const char *spec, int pids, const char *who)
{
	struct job *j = NULL;

	if (!spec || !strcmp(spec, "%%") || !strcmp(spec, "%+") || !strcmp(spec, "%")) {
		j = job_current('+');
	} else if (!strcmp(spec, "%-")) {
		j = job_current('-');
	} else if (spec[0] == '%' && spec[1] >= '0' && spec[1] <= '9') {
		int id = atoi(spec + 1);

		for (j = sh.jobs; j && j->id != id; j = j->next)
			;
	} else if (spec[0] == '%') {
		for (j = sh.jobs; j && strncmp(j->text, spec + 1, strlen(spec + 1)); j = j->next)
			;
	} else if (pids) {
		pid_t pid = atoi(spec);

		for (j = sh.jobs; j; j = j->next)
			for (int i = 0; i < j->nprocs; i++)
				if (j->procs[i].pid == pid)
					return j;
	}
	if (!j)
		sh_error("%s: %s: no such job", who, spec ? spec : "current");
	return j;
}

int builtin_jobs(int argc, char **argv)
{
	struct job *j, *next;

	jobs_reap();
	for (j = sh.jobs; j; j = next) {
		next = j->next;
		if (argc > 1 && j != job_find(argv[1], 0, "jobs"))
			continue;
		job_print(j, 1);
		if (job_done(j) && sh.interactive)
			job_free(j);
	}
	return 0;
}

static void job_continue(struct job *j)
{
	for (int i = 0; i < j->nprocs; i++)
		if (j->procs[i].state == PS_STOPPED)
			j->procs[i].state = PS_RUNNING;
	if (j->pgid)
		kill(-j->pgid, SIGCONT);
	else
		for (int i = 0; i < j->nprocs; i++)
			kill(j->procs[i].pid, SIGCONT);
}

int builtin_fg(int argc, char **argv)
{
	struct job *j;

	if (!sh.jobctl) {
		sh_error("fg: no job control");
		return 1;
	}
	if (!(j = job_find(argc > 1 ? argv[1] : NULL, 0, "fg")))
		return 1;
	sh_printf(1, "%s\n", j->text);
	tcsetpgrp(0, j->pgid);
	job_continue(j);
	return job_wait_fg(j);
}

int builtin_bg(int argc, char **argv)
{
	int ret = 0;

	if (!sh.jobctl) {
		sh_error("bg: no job control");
		return 1;
	}
	for (int i = 1; i < argc || i == 1; i++) {
		struct job *j = job_find(argc > 1 ? argv[i] : NULL, 0, "bg");

		if (!j) {
			ret = 1;
			continue;
		}
		job_continue(j);
		j->seq = ++sh.job_seq;
		sh_printf(1, "[%d]%c %s &\n", j->id, job_mark(j), j->text);
	}
	return ret;
}

static int wait_job_all(struct job *j)
{
	int status;

	for (int i = 0; i < j->nprocs; i++)
		while (j->procs[i].state == PS_RUNNING)
			proc_wait(&j->procs[i], 0);
	status = job_status(j);
	job_free(j);
	return status;
}

int builtin_wait(int argc, char **argv)
{
	int status = 0;

	if (argc < 2) {
		/* a stopped job would never finish: leave those */
		struct job *j = sh.jobs, *next;

		for (; j; j = next) {
			next = j->next;
			if (!job_stopped(j))
				wait_job_all(j);
		}
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		struct job *j = job_find(argv[i], 1, "wait");

		if (!j) {
			status = 127;
			continue;
		}
		if (argv[i][0] == '%') {
			status = wait_job_all(j);
			continue;
		}
		pid_t pid = atoi(argv[i]);

		for (int k = 0; k < j->nprocs; k++) {
			struct proc *p = &j->procs[k];

			if (p->pid != pid)
				continue;
			while (p->state == PS_RUNNING)
				proc_wait(p, 0);
			status = status_of(p->status);
		}
		if (job_done(j))
			job_free(j);
	}
	return status;
}

static void job_continue(struct job *j);

static int kill_target(const char *t, int sig)
{
	if (t[0] == '%') {
		struct job *j = job_find(t, 0, "kill");

		if (!j)
			return 1;
		if (j->pgid && kill(-j->pgid, sig) < 0)
			return 1;
		for (int i = 0; i < j->nprocs && !j->pgid; i++)
			if (j->procs[i].state != PS_DONE)
				kill(j->procs[i].pid, sig);
		/* a stopped job only sees the signal once it runs again */
		if (job_stopped(j) && sig != SIGSTOP && sig != SIGTSTP && sig != SIGCONT &&
		    sig != SIGTTIN && sig != SIGTTOU && sig != 0)
			job_continue(j);
		return 0;
	}
	char *end;
	long pid = strtol(t, &end, 10);

	if (!*t || *end) {
		sh_error("kill: %s: arguments must be process or job IDs", t);
		return 1;
	}
	if (kill((pid_t)pid, sig) < 0) {
		sh_error("kill: (%ld) - %s", pid, strerror(errno));
		return 1;
	}
	return 0;
}

int builtin_kill(int argc, char **argv)
{
	int sig = SIGTERM, i = 1, ret = 0;

	if (argc > 1 && !strcmp(argv[1], "-l")) {
		if (argc > 2) {
			int n = atoi(argv[2]);
			const char *nm = signal_name(n > 128 ? n - 128 : n);

			sh_printf(1, "%s\n", nm ? nm : "?");
			return nm ? 0 : 1;
		}
		for (int k = 0; k < NSIGNALS; k++)
			sh_printf(1, "%s%c", signals[k].name, k + 1 < NSIGNALS ? ' ' : '\n');
		return 0;
	}
	if (argc > 2 && !strcmp(argv[1], "-s")) {
		sig = signal_number(argv[2]);
		i = 3;
	} else if (argc > 1 && argv[1][0] == '-' && argv[1][1] && strcmp(argv[1], "--")) {
		sig = signal_number(argv[1] + 1);
		i = 2;
	}
	if (i < argc && !strcmp(argv[i], "--"))
		i++;
	if (sig < 0) {
		sh_error("kill: %s: invalid signal specification", argv[i - 1]);
		return 1;
	}
	if (i >= argc) {
		sh_error("kill: usage: kill [-s sigspec | -sigspec] pid | jobspec ...");
		return 2;
	}
	for (; i < argc; i++)
		ret |= kill_target(argv[i], sig);
	return ret;
}
