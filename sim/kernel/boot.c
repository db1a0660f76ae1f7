/*
 * sim/kernel/boot.c — the boot list, spawning spaces, reaping, shutdown.
 *
 * A boot list is a text file, one entry a line, `#` starts a comment:
 *
 *   start LABEL [--sigma0] [--wrap "WRAPPER ARGS"] PROGRAM [ARGS...]
 *   wait NAME
 *
 * `start` runs PROGRAM (relative paths are relative to the boot list's folder)
 * as a new space labelled LABEL; --sigma0 makes it the space that owns
 * physical memory (the memory server),
 * under WRAPPER when given (valgrind,
 * gdbserver :1234, strace -f). `wait` holds the rest of the boot until a
 * thread registers NAME. Arguments split at blanks; double quotes group.
 * exosim's --wait NAME and --exec PROGRAM append entries of their own, and
 * --wrap LABEL=CMD sets the wrapper of an entry from the command line.
 *
 * Every space exosim starts is its host child: SIGCHLD reaps it, and the exit
 * of the --exec program shuts the kernel down with that program's status.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <exo/signal.h>

#include "kernel.h"

enum kboot_kind { B_START, B_WAIT, B_EXEC };

struct kboot_entry {
	enum kboot_kind kind;
	char *label;            /* START/EXEC: label; WAIT: the name */
	char *wrap;
	bool sigma0;
	char **argv;
	unsigned line;
};

struct kboot {
	struct kboot_entry *e;
	unsigned n, next;
	char *dir;              /* the boot list's folder, for relative programs */
};

static struct kboot *boot_get(struct ksim *k)
{
	if (!k->boot) {
		k->boot = calloc(1, sizeof(*k->boot));
		if (!k->boot) {
			perror("exosim");
			exit(1);
		}
	}
	return k->boot;
}

static struct kboot_entry *boot_add(struct ksim *k)
{
	struct kboot *b = boot_get(k);
	struct kboot_entry *e = realloc(b->e, (b->n + 1) * sizeof(*e));

	if (!e) {
		perror("exosim");
		exit(1);
	}
	b->e = e;
	memset(&e[b->n], 0, sizeof(e[b->n]));
	return &e[b->n++];
}

/* Split a line into words; double quotes group blanks. Returns the count or -1. */
static int split(char *s, char **words, int max)
{
	int n = 0;

	for (;;) {
		char *w;

		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == 0 || *s == '#')
			return n;
		if (n == max)
			return -1;
		if (*s == '"') {
			w = ++s;
			while (*s && *s != '"')
				s++;
			if (*s != '"')
				return -1;
		} else {
			w = s;
			while (*s && *s != ' ' && *s != '\t')
				s++;
		}
		words[n++] = w;
		if (*s == 0)
			return n;
		*s++ = 0;
	}
}

static char *resolve(struct kboot *b, const char *prog)
{
	char *p;

	if (prog[0] == '/' || !strchr(prog, '/') || !b->dir)
		return strdup(prog);
	p = malloc(strlen(b->dir) + strlen(prog) + 2);
	if (p)
		sprintf(p, "%s/%s", b->dir, prog);
	return p;
}

int k_boot_load(struct ksim *k, const char *path)
{
	struct kboot *b = boot_get(k);
	FILE *f = fopen(path, "r");
	char line[1024], *slash;
	unsigned lineno = 0;

	if (!f) {
		fprintf(stderr, "exosim: cannot read boot list %s: %s\n", path, strerror(errno));
		return -1;
	}
	free(b->dir);
	b->dir = strdup(path);
	slash = strrchr(b->dir, '/');
	if (slash)
		*slash = 0;
	else
		strcpy(b->dir, ".");
	while (fgets(line, sizeof(line), f)) {
		char *w[64];
		int n, i = 2;
		struct kboot_entry *e;

		lineno++;
		line[strcspn(line, "\n")] = 0;
		n = split(line, w, 64);
		if (n == 0)
			continue;
		if (n < 0)
			goto bad;
		if (strcmp(w[0], "wait") == 0 && n == 2) {
			e = boot_add(k);
			e->kind = B_WAIT;
			e->label = strdup(w[1]);
			e->line = lineno;
			continue;
		}
		if (strcmp(w[0], "start") != 0 || n < 3)
			goto bad;
		e = boot_add(k);
		e->kind = B_START;
		e->line = lineno;
		e->label = strdup(w[1]);
		if (strcmp(w[i], "--sigma0") == 0) {
			e->sigma0 = true;
			i++;
		}
		if (i < n && strcmp(w[i], "--wrap") == 0) {
			if (n < i + 3)
				goto bad;
			e->wrap = strdup(w[i + 1]);
			i += 2;
		}
		if (i >= n)
			goto bad;
		e->argv = calloc((size_t)(n - i + 1), sizeof(char *));
		e->argv[0] = resolve(b, w[i]);
		for (int j = i + 1; j < n; j++)
			e->argv[j - i] = strdup(w[j]);
	}
	fclose(f);
	return 0;
bad:
	fprintf(stderr, "exosim: %s:%u: expected `start LABEL [--sigma0] [--wrap \"CMD\"] PROGRAM [ARGS]` or `wait NAME`\n",
		path, lineno);
	fclose(f);
	return -1;
}

int k_boot_wrap(struct ksim *k, const char *spec)
{
	struct kboot *b = boot_get(k);
	const char *eq = strchr(spec, '=');

	if (!eq)
		return -1;
	for (unsigned i = 0; i < b->n; i++) {
		if (b->e[i].kind == B_START && strlen(b->e[i].label) == (size_t)(eq - spec) &&
		    strncmp(b->e[i].label, spec, (size_t)(eq - spec)) == 0) {
			free(b->e[i].wrap);
			b->e[i].wrap = strdup(eq + 1);
			return 0;
		}
	}
	fprintf(stderr, "exosim: --wrap: no boot entry labelled %.*s\n", (int)(eq - spec), spec);
	return -1;
}

void k_boot_add_wait(struct ksim *k, const char *name)
{
	struct kboot_entry *e = boot_add(k);

	e->kind = B_WAIT;
	e->label = strdup(name);
}

void k_boot_add_exec(struct ksim *k, char **argv)
{
	struct kboot_entry *e = boot_add(k);
	int n = 0;

	while (argv[n])
		n++;
	e->kind = B_EXEC;
	e->label = strdup(strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0]);
	e->argv = calloc((size_t)n + 1, sizeof(char *));
	for (int i = 0; i < n; i++)
		e->argv[i] = strdup(argv[i]);
}

void k_boot_free(struct ksim *k)
{
	struct kboot *b = k->boot;

	if (!b)
		return;
	for (unsigned i = 0; i < b->n; i++) {
		free(b->e[i].label);
		free(b->e[i].wrap);
		for (char **a = b->e[i].argv; a && *a; a++)
			free(*a);
		free(b->e[i].argv);
	}
	free(b->e);
	free(b->dir);
	free(b);
	k->boot = NULL;
}

void k_boot_each(struct ksim *k,
		 void (*fn)(void *arg, int kind, const char *label, bool sigma0, const char *wrap, char **argv),
		 void *arg)
{
	if (!k->boot)
		return;
	for (unsigned i = 0; i < k->boot->n; i++) {
		const struct kboot_entry *e = &k->boot->e[i];

		fn(arg, e->kind == B_WAIT ? 1 : e->kind == B_EXEC ? 2 : 0, e->label, e->sigma0, e->wrap, e->argv);
	}
}

/* Run boot entries until one must wait for a name, or the list ends. */
void k_boot_continue(struct ksim *k)
{
	struct kboot *b = boot_get(k);

	k->wait_name = NULL;
	while (b->next < b->n && !k->shutting_down) {
		struct kboot_entry *e = &b->e[b->next];
		exo_space_t space;

		if (e->kind == B_WAIT) {
			if (!k_name_find(k, e->label)) {
				k->wait_name = e->label;
				klog(k, "boot waits for %s", e->label);
				return;
			}
			b->next++;
			continue;
		}
		b->next++;
		if (k_spawn(k, e->argv, e->wrap, e->label, &space) < 0) {
			fprintf(stderr, "exosim: boot entry %s: cannot start %s: %s\n", e->label, e->argv[0],
				strerror(errno));
			k_shutdown(k, 127);
			return;
		}
		if (e->kind == B_EXEC)
			k_space_find(k, space)->is_exec = true;
		else
			k_space_find(k, space)->privileged = true;
		if (e->sigma0)
			k_space_make_sigma0(k, k_space_find(k, space));
	}
	if (b->next == b->n && !k->shutting_down && !k->booted) {
		k->booted = true;
		klog(k, "ready on %s", k->socket_path);
	}
}

pid_t k_spawn(struct ksim *k, char *const argv[], const char *wrapper, const char *label,
	      exo_space_t *space)
{
	int pfd[2], child_errno = 0;
	struct kspace *s;
	ssize_t n;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (wrapper) {
			int argc = 0;
			char **wargv;

			while (argv[argc])
				argc++;
			wargv = calloc((size_t)argc + 5, sizeof(char *));
			wargv[0] = "/bin/sh";
			wargv[1] = "-c";
			wargv[2] = malloc(strlen(wrapper) + 16);
			sprintf(wargv[2], "exec %s \"$@\"", wrapper);
			wargv[3] = "exo-wrap";
			for (int i = 0; i < argc; i++)
				wargv[4 + i] = argv[i];
			execv("/bin/sh", wargv);
		} else {
			execv(argv[0], argv);
		}
		child_errno = errno;
		if (write(pfd[1], &child_errno, sizeof(child_errno)) < 0)
			_exit(127);
		_exit(127);
	}
	close(pfd[1]);
	do
		n = read(pfd[0], &child_errno, sizeof(child_errno));
	while (n < 0 && errno == EINTR);
	close(pfd[0]);
	if (n == sizeof(child_errno)) {
		waitpid(pid, NULL, 0);
		errno = child_errno;
		return -1;
	}
	s = k_space_new(k, pid, label ? label : (strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0]));
	if (!s) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		errno = ENOMEM;
		return -1;
	}
	s->spawned = true;
	*space = s->id;
	kdebug(k, "started %s as pid %d, space %u", argv[0], (int)pid, s->id);
	return pid;
}

static int status_code(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return 1;
}

static bool any_alive(struct ksim *k)
{
	for (struct kspace *s = k->spaces; s; s = s->next)
		if (s->spawned && !s->reaped)
			return true;
	return false;
}

/* A host wait status as Exo's (exo/signal.h): Exo's signal numbers are Linux's. */
static uint32_t exo_wstatus(int st)
{
	if (WIFEXITED(st))
		return EXO_W_EXITED(WEXITSTATUS(st));
	if (WIFSIGNALED(st))
		return EXO_W_SIGNALED(WTERMSIG(st)) | (WCOREDUMP(st) ? 0x80 : 0);
	if (WIFSTOPPED(st))
		return EXO_W_STOPPED(WSTOPSIG(st));
	return EXO_W_CONTINUED;
}

static uint64_t tv_ns(const struct timeval *tv)
{
	return (uint64_t)tv->tv_sec * 1000000000u + (uint64_t)tv->tv_usec * 1000u;
}

void k_reap(struct ksim *k)
{
	struct rusage ru;
	int st;
	pid_t pid;

	while ((pid = wait4(-1, &st, WNOHANG | __WALL | WUNTRACED | WCONTINUED, &ru)) > 0) {
		struct kspace *s = NULL;

		for (struct kspace *p = k->spaces; p; p = p->next)
			if (p->spawned && !p->reaped && p->pid == pid)
				s = p;
		if (!s)
			continue;
		if (WIFSTOPPED(st) || WIFCONTINUED(st)) {
			k_space_state(k, s, exo_wstatus(st));
			continue;
		}
		s->reaped = true;
		s->wstatus = exo_wstatus(st);
		s->utime_ns = tv_ns(&ru.ru_utime);
		s->stime_ns = tv_ns(&ru.ru_stime);
		if (WIFSIGNALED(st) && !k->shutting_down)
			klog(k, "%s (pid %d, space %u) killed by signal %d", s->label, (int)pid, s->id,
			     WTERMSIG(st));
		else if (WIFEXITED(st) && WEXITSTATUS(st) != 0 && !s->is_exec)
			klog(k, "%s (pid %d, space %u) exited with status %d", s->label, (int)pid, s->id,
			     WEXITSTATUS(st));
		if (s->is_exec)
			k_shutdown(k, status_code(st));
		else if (s->privileged && k->execs && !k->shutting_down) {
			/*
			 * A server of a running system died: the system cannot go
			 * on without it, so it stops, leaving nothing behind.
			 */
			klog(k, "server %s ended: the system stops", s->label);
			k_shutdown(k, WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 1);
		}
		k_space_maybe_free(k, s);
	}
	if (k->shutting_down && !any_alive(k))
		event_base_loopbreak(k->base);
}

/* Shutdown ends every space: those exosim started and those that joined. */
static void kill_all(struct ksim *k, int sig)
{
	for (struct kspace *s = k->spaces; s; s = s->next)
		if (!s->reaped && s->pid > 0 && s->pid != getpid())
			kill(s->pid, sig);
}

static void kill_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ksim *k = arg;

	(void)fd;
	(void)what;
	klog(k, "spaces still running after SIGTERM: SIGKILL");
	kill_all(k, SIGKILL);
}

void k_shutdown(struct ksim *k, int status)
{
	struct timeval tv = { 5, 0 };

	if (k->shutting_down)
		return;
	k->shutting_down = true;
	k->exit_status = status;
	kill_all(k, SIGTERM);
	if (!any_alive(k)) {
		event_base_loopbreak(k->base);
		return;
	}
	k->kill_ev = evtimer_new(k->base, kill_cb, k);
	evtimer_add(k->kill_ev, &tv);
}
