/*
 * trap.c — trap [ACTION CONDITION...]: commands run on signals and on exit.
 *
 * A trapped signal's handler only records that it came; the action runs
 * between commands (trap_run_pending, called when a command completes and
 * before a prompt), never inside the handler. Subshells start with the
 * trapped signals back at their default, ignored ones stay ignored, as
 * POSIX says. The EXIT action runs when the shell leaves.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "sh.h"

#define NSIG_TRAP 65

static char *actions[NSIG_TRAP];	/* [0] is EXIT; NULL: default */
static volatile sig_atomic_t pending[NSIG_TRAP];
static volatile sig_atomic_t any_pending;
static int running;

static void on_trapped(int sig)
{
	if (sig > 0 && sig < NSIG_TRAP) {
		pending[sig] = 1;
		any_pending = 1;
	}
}

static void disposition(int sig, void (*handler)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static int cond_number(const char *s)
{
	if (!strcmp(s, "EXIT") || !strcmp(s, "0"))
		return 0;
	return signal_number(s);
}

static void print_traps(void)
{
	for (int i = 0; i < NSIG_TRAP; i++) {
		const char *name = i ? signal_name(i) : "EXIT";
		struct sbuf b = { 0 };

		if (!actions[i] || !name)
			continue;
		sb_adds(&b, "trap -- '");
		for (const char *s = actions[i]; *s; s++) {
			if (*s == '\'')
				sb_adds(&b, "'\\''");
			else
				sb_addc(&b, *s);
		}
		sb_adds(&b, "' ");
		sb_adds(&b, name);
		sb_addc(&b, '\n');
		sh_write_all(1, b.s, b.len);
		free(b.s);
	}
}

static int set_trap(const char *action, int sig)
{
	if (sig == SIGKILL || sig == SIGSTOP) {
		sh_error("trap: %s: cannot be trapped", signal_name(sig));
		return 1;
	}
	free(actions[sig]);
	actions[sig] = action ? sh_strdup(action) : NULL;
	if (sig == 0)
		return 0;
	if (!action)
		disposition(sig, SIG_DFL);
	else if (!*action)
		disposition(sig, SIG_IGN);
	else
		disposition(sig, on_trapped);
	return 0;
}

int builtin_trap(int argc, char **argv)
{
	int i = 1, r = 0;
	const char *action;
	char *end;

	if (i < argc && !strcmp(argv[i], "--"))
		i++;
	if (i >= argc || !strcmp(argv[i], "-p")) {
		print_traps();
		return 0;
	}
	/* "trap N..." with a number first resets, like "trap - N..." */
	strtol(argv[i], &end, 10);
	if (*argv[i] && !*end) {
		action = NULL;
	} else {
		action = strcmp(argv[i], "-") ? argv[i] : NULL;
		i++;
	}
	for (; i < argc; i++) {
		int sig = cond_number(argv[i]);

		if (sig < 0 || sig >= NSIG_TRAP) {
			sh_error("trap: %s: bad trap", argv[i]);
			r = 1;
			continue;
		}
		r |= set_trap(action, sig);
	}
	return r;
}

static void run_action(const char *action)
{
	int status = sh.status;
	char *copy = sh_strdup(action);	/* the action may replace itself */

	running = 1;
	exec_string(copy, "trap");
	running = 0;
	free(copy);
	if (sh.ctl != CTL_EXIT)
		sh.status = status;
}

void trap_run_pending(void)
{
	if (!any_pending || running)
		return;
	any_pending = 0;
	for (int sig = 1; sig < NSIG_TRAP; sig++) {
		if (!pending[sig])
			continue;
		pending[sig] = 0;
		if (actions[sig] && *actions[sig])
			run_action(actions[sig]);
	}
}

void trap_run_exit(void)
{
	char *a = actions[0];

	if (!a)
		return;
	actions[0] = NULL;
	if (sh.ctl == CTL_EXIT)
		sh.ctl = CTL_NONE;
	run_action(a);
	free(a);
}

/* In a new subshell: actions are not inherited, ignored signals are. */
void trap_reset_child(void)
{
	for (int i = 0; i < NSIG_TRAP; i++) {
		if (!actions[i] || !*actions[i])
			continue;
		if (i)
			disposition(i, SIG_DFL);
		free(actions[i]);
		actions[i] = NULL;
	}
}

void trap_free_all(void)
{
	for (int i = 0; i < NSIG_TRAP; i++) {
		free(actions[i]);
		actions[i] = NULL;
	}
}
