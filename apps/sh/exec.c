/*
 * exec.c — running a syntax tree.
 *
 * exec_node runs one node and returns its status, which is also $?.
 * EX_NOFORK says the node is the last thing this process will do (a forked
 * child): a simple command then execs in place instead of forking again.
 * It is only passed down to the tail of a list, never into loop bodies.
 *
 * break, continue, return, exit and ^C are not longjmps: the builtin sets
 * sh.ctl and every list and loop stops running commands while it is set;
 * loops, function calls and the run loop consume the kinds they own.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sh.h"

static int set_status(int s)
{
	sh.status = s;
	return s;
}

/* After a command: set -e ends the shell unless we are in a condition. */
static int cmd_done(int s)
{
	set_status(s);
	if (sh.opt_errexit && s != 0 && sh.cond == 0 && sh.ctl == CTL_NONE)
		sh.ctl = CTL_EXIT;
	trap_run_pending();
	return sh.status;
}

/* ---- finding and running programs ---- */

static int is_exec_file(const char *path, int *err)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return 0;
	if (S_ISREG(st.st_mode) && access(path, X_OK) == 0)
		return 1;
	*err = EACCES;
	return 0;
}

/* The path of a command: names with a slash as given, others from $PATH. */
char *find_command(const char *name, int *err)
{
	const char *path = var_get("PATH"), *p;

	*err = ENOENT;
	if (strchr(name, '/'))
		return sh_strdup(name);
	if (!path)
		path = "/bin";
	if (!*name)
		return NULL;
	for (p = path;; p++) {
		const char *colon = strchr(p, ':');
		size_t dl = colon ? (size_t)(colon - p) : strlen(p);
		struct sbuf b = { 0 };

		sb_addn(&b, dl ? p : ".", dl ? dl : 1);
		sb_addc(&b, '/');
		sb_adds(&b, name);
		if (is_exec_file(b.s, err))
			return b.s;
		free(b.s);
		if (!colon)
			break;
		p = colon;
	}
	return NULL;
}

void exec_external(char **argv, char **env)
{
	int err;
	char *path = find_command(argv[0], &err);

	jobs_reset_signals();
	if (path) {
		execve(path, argv, env);
		err = errno;
	}
	env_free(env);
	if (path && err == ENOEXEC) {
		/* no #!: POSIX says a shell runs it */
		int argc = 0;

		while (argv[argc])
			argc++;
		sh_run_script(path, argv, argc);
	}
	free(path);
	if (err == ENOENT) {
		sh_error("%s: not found", argv[0]);
		child_exit(127);
	}
	sh_error("%s: %s", argv[0], err == EACCES ? "Permission denied" : strerror(err));
	child_exit(126);
}

/* ---- simple commands ---- */

struct saved_var {
	char *name;
	char *old;		/* NULL: was unset */
};

/* NAME=value words with the value expanded; NULL on an expansion error. */
static char **expand_assigns(struct node *n)
{
	char **out = sh_malloc((n->nassigns + 1) * sizeof(char *));

	for (int i = 0; i < n->nassigns; i++) {
		const char *eq = strchr(n->assigns[i], '=');
		char *v = expand_str(eq + 1);
		struct sbuf b = { 0 };

		if (!v) {
			out[i] = NULL;
			env_free(out);
			return NULL;
		}
		sb_addn(&b, n->assigns[i], eq + 1 - n->assigns[i]);
		sb_adds(&b, v);
		free(v);
		out[i] = sb_take(&b);
	}
	out[n->nassigns] = NULL;
	return out;
}

static int assign_one(const char *a)
{
	const char *eq = strchr(a, '=');
	char *name = sh_strndup(a, eq - a);
	int r = var_set(name, eq + 1, 0);

	free(name);
	return r;
}

static int assign_all(char **assigns)
{
	for (; *assigns; assigns++)
		if (assign_one(*assigns) < 0)
			return -1;
	return 0;
}

/* Assignments for the duration of one builtin or function call. */
static struct saved_var *assign_temp(char **assigns, int n)
{
	struct saved_var *sv = sh_malloc((n + 1) * sizeof(*sv));

	for (int i = 0; i < n; i++) {
		const char *eq = strchr(assigns[i], '='), *old;

		sv[i].name = sh_strndup(assigns[i], eq - assigns[i]);
		old = var_get(sv[i].name);
		sv[i].old = old ? sh_strdup(old) : NULL;
		var_set(sv[i].name, eq + 1, 0);
	}
	return sv;
}

static void assign_restore(struct saved_var *sv, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		if (sv[i].old)
			var_set(sv[i].name, sv[i].old, 0);
		else
			var_unset(sv[i].name);
		free(sv[i].name);
		free(sv[i].old);
	}
	free(sv);
}

static void xtrace(char **assigns, struct strvec *args)
{
	const char *ps4 = var_get("PS4");
	struct sbuf b = { 0 };

	sb_adds(&b, ps4 ? ps4 : "+ ");
	for (char **a = assigns; *a; a++) {
		sb_adds(&b, *a);
		sb_addc(&b, ' ');
	}
	for (int i = 0; i < args->n; i++) {
		sb_adds(&b, args->v[i]);
		if (i + 1 < args->n)
			sb_addc(&b, ' ');
	}
	sb_addc(&b, '\n');
	sh_write_all(2, b.s, b.len);
	free(b.s);
}

/* A function call: new positional parameters, temporary assignments. */
static int run_function_with(struct node *n, struct node *body, struct strvec *args,
			     char **assigns)
{
	struct strvec p = { 0 }, old;
	struct redir_save *save = NULL;
	struct saved_var *sv;
	int s;

	if (redir_apply(n->redirs, &save) < 0) {
		redir_restore(save);
		return 1;
	}
	sv = assign_temp(assigns, n->nassigns);
	for (int i = 1; i < args->n; i++)
		sv_push(&p, sh_strdup(args->v[i]));
	old = params_swap(p);
	sh.func_depth++;
	s = exec_node(body, 0);
	sh.func_depth--;
	if (sh.ctl == CTL_RETURN) {
		sh.ctl = CTL_NONE;
		s = sh.status;
	}
	p = params_swap(old);
	sv_free(&p);
	assign_restore(sv, n->nassigns);
	redir_restore(save);
	return s;
}

/* exec: redirections stay; with a command, it replaces the shell. */
static int run_exec(struct node *n, struct strvec *args, char **assigns)
{
	char *path;
	int err;

	if (redir_apply(n->redirs, NULL) < 0) {
		if (!sh.interactive)
			sh.ctl = CTL_EXIT;
		return 1;
	}
	if (args->n == 1)
		return assign_all(assigns) < 0 ? 1 : 0;
	path = find_command(args->v[1], &err);
	if (!path) {
		sh_error("%s: not found", args->v[1]);
		if (!sh.interactive)
			sh.ctl = CTL_EXIT;
		return 127;
	}
	char **env = var_environ(assigns, n->nassigns);

	jobs_reset_signals();
	execve(path, args->v + 1, env);
	err = errno;
	sh_error("%s: %s", args->v[1], strerror(err));
	env_free(env);
	free(path);
	if (!sh.interactive)
		sh.ctl = CTL_EXIT;
	return err == ENOENT ? 127 : 126;
}

static int run_builtin(struct node *n, const struct builtin *b, struct strvec *args,
		       char **assigns)
{
	struct redir_save *save = NULL;
	struct saved_var *sv = NULL;
	int s;

	if (redir_apply(n->redirs, &save) < 0) {
		redir_restore(save);
		if (b->special && !sh.interactive)
			sh.ctl = CTL_EXIT;
		return 1;
	}
	if (b->special)
		assign_all(assigns);
	else
		sv = assign_temp(assigns, n->nassigns);
	s = b->fn(args->n, args->v);
	if (sv)
		assign_restore(sv, n->nassigns);
	redir_restore(save);
	return s;
}

static int run_program(struct node *n, struct strvec *args, char **assigns, int flags)
{
	struct job *j;
	pid_t pid;

	if (flags & EX_NOFORK) {
		if (redir_apply(n->redirs, NULL) < 0)
			child_exit(1);
		exec_external(args->v, var_environ(assigns, n->nassigns));
	}
	j = job_new(n->text);
	pid = sh_fork(j, 1);
	if (pid < 0) {
		job_free(j);
		return 126;
	}
	if (pid == 0) {
		if (redir_apply(n->redirs, NULL) < 0)
			child_exit(1);
		exec_external(args->v, var_environ(assigns, n->nassigns));
	}
	return job_wait_fg(j);
}

/* Only assignments and redirections: both act on the shell itself. */
static int run_bare(struct node *n, char **assigns)
{
	struct redir_save *save = NULL;
	int s = sh.subst_status >= 0 ? sh.subst_status : 0;

	if (assign_all(assigns) < 0)
		s = 1;
	if (redir_apply(n->redirs, &save) < 0)
		s = 1;
	redir_restore(save);
	return s;
}

static int run_simple(struct node *n, int flags)
{
	struct strvec args = { 0 };
	char **assigns;
	int s;

	sh.subst_status = -1;
	if (expand_words(n->words, n->nwords, &args) < 0) {
		sv_free(&args);
		return cmd_done(1);
	}
	if (!(assigns = expand_assigns(n))) {
		sv_free(&args);
		return cmd_done(1);
	}
	if (sh.opt_xtrace && (args.n || n->nassigns))
		xtrace(assigns, &args);
	if (args.n == 0) {
		s = run_bare(n, assigns);
	} else {
		const struct builtin *b = builtin_find(args.v[0]);
		struct node *fn = func_get(args.v[0]);

		if (b && !strcmp(b->name, "exec"))
			s = run_exec(n, &args, assigns);
		else if (b && b->special)
			s = run_builtin(n, b, &args, assigns);
		else if (fn)
			s = run_function_with(n, fn, &args, assigns);
		else if (b)
			s = run_builtin(n, b, &args, assigns);
		else
			s = run_program(n, &args, assigns, flags);
	}
	env_free(assigns);
	sv_free(&args);
	return cmd_done(s);
}

/* ---- pipelines, background jobs, subshells ---- */

static int run_pipeline(struct node *n)
{
	struct job *j = job_new(n->text);
	int in = -1, i;

	for (i = 0; i < n->nkids; i++) {
		int p[2] = { -1, -1 };
		pid_t pid;

		if (i + 1 < n->nkids && pipe(p) < 0) {
			sh_error("pipe: %s", strerror(errno));
			break;
		}
		pid = sh_fork(j, 1);
		if (pid == 0) {
			if (in >= 0) {
				dup2(in, 0);
				close(in);
			}
			if (p[1] >= 0) {
				dup2(p[1], 1);
				close(p[1]);
				close(p[0]);
			}
			child_exit(exec_node(n->kids[i], EX_NOFORK));
		}
		if (in >= 0)
			close(in);
		if (p[1] >= 0)
			close(p[1]);
		in = p[0];
		if (pid < 0)
			break;
	}
	if (in >= 0)
		close(in);
	if (j->nprocs == 0) {
		job_free(j);
		return 1;
	}
	if (i < n->nkids) {
		/* a failed fork: what started still runs and must be waited for */
		job_wait_fg(j);
		return 1;
	}
	return job_wait_fg(j);
}

static int run_background(struct node *n)
{
	int jobctl = sh.jobctl;
	struct job *j = job_new(n->a->text);
	pid_t pid = sh_fork(j, 0);

	if (pid < 0) {
		job_free(j);
		return 1;
	}
	if (pid == 0) {
		if (!jobctl) {
			/* without job control, ^C at the terminal is not for it */
			int fd = open("/dev/null", O_RDONLY);

			signal(SIGINT, SIG_IGN);
			signal(SIGQUIT, SIG_IGN);
			if (fd >= 0 && fd != 0) {
				dup2(fd, 0);
				close(fd);
			}
		}
		child_exit(exec_node(n->a, EX_NOFORK));
	}
	job_register(j);
	j->background = 1;
	sh.last_bg = pid;
	if (sh.interactive)
		sh_printf(2, "[%d] %ld\n", j->id, (long)pid);
	return 0;
}

static int run_subshell(struct node *n, int flags)
{
	struct job *j;
	pid_t pid;

	if (!(flags & EX_NOFORK)) {
		j = job_new(n->text);
		pid = sh_fork(j, 1);
		if (pid < 0) {
			job_free(j);
			return 1;
		}
		if (pid > 0)
			return job_wait_fg(j);
	}
	if (redir_apply(n->redirs, NULL) < 0)
		child_exit(1);
	child_exit(exec_node(n->a, EX_NOFORK));
}

/* ---- compound commands ---- */

/* After a loop body: 1 if the loop must stop (break, return, exit, ^C). */
static int loop_stop(void)
{
	if (sh.ctl == CTL_BREAK) {
		if (--sh.ctl_count <= 0)
			sh.ctl = CTL_NONE;
		return 1;
	}
	if (sh.ctl == CTL_CONTINUE) {
		if (--sh.ctl_count <= 0) {
			sh.ctl = CTL_NONE;
			return 0;
		}
		return 1;
	}
	return sh.ctl != CTL_NONE;
}

static int run_condition(struct node *n)
{
	int s;

	sh.cond++;
	s = exec_node(n, 0);
	sh.cond--;
	return s;
}

static int run_if(struct node *n, int flags)
{
	int s = run_condition(n->a);

	if (sh.ctl)
		return s;
	if (s == 0)
		return exec_node(n->b, flags);
	return n->c ? exec_node(n->c, flags) : set_status(0);
}

static int run_while(struct node *n)
{
	int s = 0;

	sh.loop_depth++;
	for (;;) {
		int c = run_condition(n->a);

		if (loop_stop())
			break;
		if ((n->kind == N_WHILE) != (c == 0))
			break;
		s = exec_node(n->b, 0);
		if (loop_stop())
			break;
	}
	sh.loop_depth--;
	return set_status(s);
}

static int run_for(struct node *n)
{
	struct strvec vals = { 0 };
	int s = 0;

	if (n->nwords < 0) {
		for (int i = 0; i < sh.params.n; i++)
			sv_push(&vals, sh_strdup(sh.params.v[i]));
	} else if (expand_words(n->words, n->nwords, &vals) < 0) {
		sv_free(&vals);
		return set_status(1);
	}
	sh.loop_depth++;
	for (int i = 0; i < vals.n; i++) {
		if (var_set(n->name, vals.v[i], 0) < 0) {
			s = 1;
			break;
		}
		s = exec_node(n->b, 0);
		if (loop_stop())
			break;
	}
	sh.loop_depth--;
	sv_free(&vals);
	return set_status(s);
}

static int run_case(struct node *n, int flags)
{
	char *subject = expand_str(n->words[0]);

	if (!subject)
		return set_status(1);
	for (struct case_item *ci = n->items; ci; ci = ci->next) {
		for (int i = 0; i < ci->npats; i++) {
			char *pat = expand_pattern(ci->pats[i]);
			int m = pat && pattern_match(pat, subject);

			free(pat);
			if (m) {
				free(subject);
				return ci->body ? exec_node(ci->body, flags) : set_status(0);
			}
		}
	}
	free(subject);
	return set_status(0);
}

static int run_compound(struct node *n, int flags)
{
	switch (n->kind) {
	case N_GROUP:
		return exec_node(n->a, flags);
	case N_IF:
		return run_if(n, flags);
	case N_WHILE:
	case N_UNTIL:
		return run_while(n);
	case N_FOR:
		return run_for(n);
	case N_CASE:
		return run_case(n, flags);
	default:
		return set_status(2);
	}
}

static int run_redirected(struct node *n, int flags)
{
	struct redir_save *save = NULL;
	int s;

	if (!n->redirs)
		return run_compound(n, flags);
	if (redir_apply(n->redirs, &save) < 0) {
		redir_restore(save);
		return cmd_done(1);
	}
	s = run_compound(n, flags & ~EX_NOFORK);
	redir_restore(save);
	return s;
}

int exec_node(struct node *n, int flags)
{
	int s;

	if (!n || sh.ctl != CTL_NONE)
		return sh.status;
	switch (n->kind) {
	case N_CMD:
		return run_simple(n, flags);
	case N_PIPE:
		return cmd_done(run_pipeline(n));
	case N_AND:
	case N_OR:
		s = run_condition(n->a);
		if (sh.ctl || (n->kind == N_AND) != (s == 0))
			return set_status(s);
		return exec_node(n->b, flags);
	case N_NOT:
		s = run_condition(n->a);
		return set_status(!s);
	case N_SEQ:
		exec_node(n->a, 0);
		return exec_node(n->b, flags);
	case N_BG:
		return set_status(run_background(n));
	case N_SUBSHELL:
		return cmd_done(run_subshell(n, flags));
	case N_FUNC:
		func_define(n->name, n->a, sh.arena);
		return set_status(0);
	default:
		return run_redirected(n, flags);
	}
}

/* ---- command substitution ---- */

static char *read_all(int fd)
{
	struct sbuf b = { 0 };
	char buf[4096];
	ssize_t r;

	while ((r = sh_read(fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < r; i++)
			if (buf[i])
				sb_addc(&b, buf[i]);
	return sb_take(&b);
}

/* $(text): the output without trailing newlines or NUL bytes. */
char *command_subst(const char *text, size_t len)
{
	struct arena *a = arena_new();
	struct node *tree;
	const char *err;
	char *out;
	int p[2], w = 0;
	pid_t pid, r;

	if (parse_program(text, len, a, &tree, &err) != P_OK) {
		sh_error("syntax error: %s", err);
		arena_unref(a);
		sh.subst_status = 2;
		return sh_strdup("");
	}
	if (pipe(p) < 0) {
		sh_error("pipe: %s", strerror(errno));
		arena_unref(a);
		sh.subst_status = 1;
		return sh_strdup("");
	}
	pid = sh_fork(NULL, 0);
	if (pid == 0) {
		close(p[0]);
		if (p[1] != 1) {
			dup2(p[1], 1);
			close(p[1]);
		}
		sh.arena = a;
		child_exit(exec_node(tree, EX_NOFORK));
	}
	close(p[1]);
	out = pid < 0 ? sh_strdup("") : read_all(p[0]);
	close(p[0]);
	sh.subst_status = 1;
	if (pid > 0) {
		do
			r = waitpid(pid, &w, 0);
		while (r < 0 && errno == EINTR);
		if (r == pid)
			sh.subst_status = status_of(w);
	}
	arena_unref(a);
	size_t n = strlen(out);

	while (n > 0 && out[n - 1] == '\n')
		out[--n] = '\0';
	return out;
}
