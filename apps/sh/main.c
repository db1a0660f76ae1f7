/*
 * main.c — options, the shell's start-up, and the read-parse-run loop.
 *
 *   sh [-eixfu] [-c command [name [arg...]]]
 *   sh [-eixfu] [-s] [file [arg...]]
 *
 * The run loop collects lines until they parse as complete commands
 * (a quote or an `if` left open asks for another line with PS2), runs
 * them, and frees the parse. The same loop serves the terminal, script
 * files, -c strings, `.` and eval.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sh.h"

extern char **environ;

struct shell sh;

static void syntax_error(const char *err)
{
	sh_error("syntax error: %s", err);
	sh.status = 2;
	if (!sh.interactive)
		sh.ctl = CTL_EXIT;
}

/* Parses buf; runs it if complete. 0 when buf is consumed, 1 for more. */
static int run_buffer(struct sbuf *buf, int at_eof)
{
	struct arena *a = arena_new(), *prev;
	struct node *tree;
	const char *err;
	enum parse_result r = parse_program(buf->s, buf->len, a, &tree, &err);

	if (r == P_INCOMPLETE && !at_eof) {
		arena_unref(a);
		return 1;
	}
	buf->len = 0;
	if (r != P_OK) {
		syntax_error(err);
		arena_unref(a);
		return 0;
	}
	prev = sh.arena;
	sh.arena = a;
	if (tree && !sh.opt_noexec)
		exec_node(tree, 0);
	sh.arena = prev;
	arena_unref(a);
	return 0;
}

int sh_run_input(struct input *in)
{
	struct sbuf buf = { 0 };

	while (sh.ctl == CTL_NONE) {
		int intr;
		char *line;

		trap_run_pending();
		if (sh.ctl != CTL_NONE)
			break;
		line = input_line(in, buf.len > 0, &intr);

		if (intr) {
			/* ^C at the prompt: forget the line, prompt again */
			buf.len = 0;
			sh_write_all(2, "\n", 1);
			sh.status = 130;
			continue;
		}
		if (!line) {
			if (buf.len)
				run_buffer(&buf, 1);
			break;
		}
		sb_adds(&buf, line);
		free(line);
		run_buffer(&buf, 0);
		if (sh.ctl == CTL_INTR || ((sh.ctl == CTL_BREAK || sh.ctl == CTL_CONTINUE) &&
					   !sh.loop_depth))
			sh.ctl = CTL_NONE;
	}
	free(buf.s);
	return sh.status;
}

int exec_string(const char *s, const char *name)
{
	struct input in;

	(void)name;
	input_from_string(&in, s);
	return sh_run_input(&in);
}

int sh_source_file(const char *path)
{
	struct input in;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		sh_error("%s: %s", path, strerror(errno));
		if (!sh.interactive)
			sh.ctl = CTL_EXIT;
		return sh.status = 2;
	}
	fd_move_high(&fd);
	input_from_fd(&in, fd, 0, 0);
	sh.source_depth++;
	sh.status = 0;
	sh_run_input(&in);
	sh.source_depth--;
	close(fd);
	if (sh.ctl == CTL_RETURN)
		sh.ctl = CTL_NONE;
	return sh.status;
}

void sh_exit_cleanup(void)
{
	if (sh.jobctl)
		jobs_hangup();
	jobs_free_all();
	trap_free_all();
	func_free_all();
	var_free_all();
	sv_free(&sh.params);
	free(sh.arg0);
	sh.arg0 = NULL;
}

static void set_arg0_params(const char *arg0, char **argv, int argc)
{
	free(sh.arg0);
	sh.arg0 = sh_strdup(arg0);
	params_set(argv, argc);
}

/* A file run as a script: by name on the command line, or a program
 * without #! that execve refused. Does not return. */
static int run_file(const char *path)
{
	struct input in;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		sh_error("%s: %s", path, strerror(errno));
		return errno == ENOENT ? 127 : 126;
	}
	fd_move_high(&fd);
	input_from_fd(&in, fd, 0, 0);
	sh_run_input(&in);
	close(fd);
	return sh.status;
}

void sh_run_script(char *p, char **argv, int argc)
{
	int s;

	set_arg0_params(p, argv + 1, argc - 1);
	s = run_file(p);
	free(p);
	child_exit(s);
}

static void init_vars(void)
{
	char buf[4096];
	const char *pwd;

	var_import(environ);
	var_set("IFS", " \t\n", 0);
	snprintf(buf, sizeof(buf), "%ld", (long)getppid());
	var_set("PPID", buf, 0);
	pwd = var_get("PWD");
	if (getcwd(buf, sizeof(buf)) && (!pwd || strcmp(pwd, buf)))
		var_set("PWD", buf, 0);
}

struct options {
	const char *command;	/* -c */
	const char *file;
	int force_interactive;	/* -i */
	int read_stdin;		/* -s */
};

/* Options up to the first operand; returns the index of that operand. */
static int parse_options(int argc, char **argv, struct options *o)
{
	int i = 1, cflag = 0;

	for (; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--") || !strcmp(a, "-")) {
			i++;
			break;
		}
		if ((a[0] != '-' && a[0] != '+') || !a[1])
			break;
		for (const char *f = a + 1; *f; f++) {
			char one[3] = { a[0], *f, 0 };
			char *set_argv[] = { "set", one, NULL };
			int used;

			if (*f == 'c')
				cflag = 1;
			else if (*f == 'i')
				o->force_interactive = 1;
			else if (*f == 's')
				o->read_stdin = 1;
			else if (builtin_set_options(2, set_argv, &used) < 0)
				exit(2);
		}
	}
	if (cflag) {
		if (i >= argc) {
			sh_error("-c: option requires an argument");
			exit(2);
		}
		o->command = argv[i++];
	} else if (!o->read_stdin && i < argc) {
		o->file = argv[i++];
	}
	return i;
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	struct input in;
	int i;

	sh.pid = getpid();
	sh.subst_status = -1;
	init_vars();
	i = parse_options(argc, argv, &o);
	if (o.command) {
		set_arg0_params(i < argc ? argv[i] : argv[0], argv + i + (i < argc),
				argc - i - (i < argc));
	} else if (o.file) {
		set_arg0_params(o.file, argv + i, argc - i);
	} else {
		set_arg0_params(argv[0], argv + i, argc - i);
	}
	sh.interactive = o.force_interactive ||
		(!o.command && !o.file && isatty(0) && isatty(2));
	jobs_init();
	if (o.command) {
		input_from_string(&in, o.command);
		sh_run_input(&in);
	} else if (o.file) {
		sh.status = run_file(o.file);
	} else {
		input_from_fd(&in, 0, 1, sh.interactive);
		sh_run_input(&in);
	}
	if (sh.interactive && sh.ctl != CTL_EXIT)
		sh_write_all(2, "exit\n", 5);
	trap_run_exit();
	sh_exit_cleanup();
	return sh.status;
}
