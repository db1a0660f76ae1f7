/*
 * builtin.c — the builtin table and the builtins that act on the shell
 * itself (variables, options, directories, control flow, input).
 * The job builtins are in jobs.c, test and [ in builtin_test.c.
 *
 * A builtin is called with its redirections applied and returns its exit
 * status; control flow (exit, return, break, continue) is requested through
 * sh.ctl and carried out by exec.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sh.h"

static int parse_int(const char *s, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end)
		return -1;
	*out = (int)v;
	return 0;
}

static int bi_true(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static int bi_false(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return 1;
}

static int bi_exit(int argc, char **argv)
{
	int n = sh.status;

	if (argc > 1 && parse_int(argv[1], &n) < 0) {
		sh_error("exit: %s: numeric argument required", argv[1]);
		n = 2;
	}
	sh.ctl = CTL_EXIT;
	return sh.status = n & 0xff;
}

static int bi_return(int argc, char **argv)
{
	int n = sh.status;

	if (!sh.func_depth && !sh.source_depth) {
		sh_error("return: can only return from a function or sourced script");
		return 1;
	}
	if (argc > 1 && parse_int(argv[1], &n) < 0) {
		sh_error("return: %s: numeric argument required", argv[1]);
		n = 2;
	}
	sh.ctl = CTL_RETURN;
	return sh.status = n & 0xff;
}

static int loop_control(int argc, char **argv, enum ctl ctl)
{
	int n = 1;

	if (argc > 1 && (parse_int(argv[1], &n) < 0 || n < 1)) {
		sh_error("%s: %s: loop count out of range", argv[0], argv[1]);
		return 1;
	}
	if (!sh.loop_depth)
		return 0;
	sh.ctl = ctl;
	sh.ctl_count = n < sh.loop_depth ? n : sh.loop_depth;
	return 0;
}

static int bi_break(int argc, char **argv)
{
	return loop_control(argc, argv, CTL_BREAK);
}

static int bi_continue(int argc, char **argv)
{
	return loop_control(argc, argv, CTL_CONTINUE);
}

static void set_pwd(const char *oldpwd)
{
	char buf[4096];

	if (oldpwd)
		var_set("OLDPWD", oldpwd, 0);
	if (getcwd(buf, sizeof(buf)))
		var_set("PWD", buf, 0);
}

static int bi_cd(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : var_get("HOME");
	char *old = var_get("PWD") ? sh_strdup(var_get("PWD")) : NULL;
	int print = 0;

	if (argc > 1 && (!strcmp(argv[1], "-L") || !strcmp(argv[1], "-P")))
		dir = argc > 2 ? argv[2] : var_get("HOME");
	if (!dir) {
		sh_error("cd: HOME not set");
		free(old);
		return 1;
	}
	if (!strcmp(dir, "-")) {
		dir = var_get("OLDPWD");
		if (!dir) {
			sh_error("cd: OLDPWD not set");
			free(old);
			return 1;
		}
		print = 1;
	}
	if (chdir(dir) < 0) {
		sh_error("cd: %s: %s", dir, strerror(errno));
		free(old);
		return 1;
	}
	set_pwd(old);
	free(old);
	if (print)
		sh_printf(1, "%s\n", var_get("PWD") ? var_get("PWD") : dir);
	return 0;
}

static int bi_pwd(int argc, char **argv)
{
	char buf[4096];

	(void)argc;
	(void)argv;
	if (!getcwd(buf, sizeof(buf))) {
		sh_error("pwd: %s", strerror(errno));
		return 1;
	}
	sh_printf(1, "%s\n", buf);
	return 0;
}

/* echo [-neE]: -e turns on backslash escapes, -n drops the newline. */
static int echo_escape(struct sbuf *b, const char **ps)
{
	const char *s = *ps;
	int v = 0, k;

	switch (*++s) {
	case 'a': sb_addc(b, '\a'); break;
	case 'b': sb_addc(b, '\b'); break;
	case 'c': return 1;
	case 'e': sb_addc(b, 033); break;
	case 'f': sb_addc(b, '\f'); break;
	case 'n': sb_addc(b, '\n'); break;
	case 'r': sb_addc(b, '\r'); break;
	case 't': sb_addc(b, '\t'); break;
	case 'v': sb_addc(b, '\v'); break;
	case '\\': sb_addc(b, '\\'); break;
	case '0':
		for (k = 0; k < 3 && s[1] >= '0' && s[1] <= '7'; k++)
			v = v * 8 + *++s - '0';
		sb_addc(b, (char)v);
		break;
	default:
		sb_addc(b, '\\');
		s--;
	}
	*ps = s;
	return 0;
}

static int bi_echo(int argc, char **argv)
{
	struct sbuf b = { 0 };
	int nl = 1, esc = 0, i = 1;

	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *f = argv[i] + 1;

		if (strspn(f, "neE") != strlen(f))
			break;
		for (; *f; f++) {
			if (*f == 'n')
				nl = 0;
			else
				esc = *f == 'e';
		}
	}
	for (int stop = 0; i < argc && !stop; i++) {
		for (const char *s = argv[i]; *s && !stop; s++) {
			if (esc && *s == '\\' && s[1])
				stop = echo_escape(&b, &s);
			else
				sb_addc(&b, *s);
		}
		if (i + 1 < argc && !stop)
			sb_addc(&b, ' ');
		if (stop)
			nl = 0;
	}
	if (nl)
		sb_addc(&b, '\n');
	int r = b.len ? sh_write_all(1, b.s, b.len) : 0;

	free(b.s);
	if (r < 0) {
		sh_error("echo: write error: %s", strerror(errno));
		return 1;
	}
	return 0;
}

static int set_name_value(const char *arg, int export, int readonly)
{
	const char *eq = strchr(arg, '=');
	char *name = sh_strndup(arg, eq ? (size_t)(eq - arg) : strlen(arg));
	int r = 0;

	if (!lex_is_name(name, strlen(name))) {
		sh_error("%s: bad variable name", name);
		r = 1;
	} else if (eq && var_set(name, eq + 1, export) < 0) {
		r = 1;
	} else if (export) {
		var_export(name);
	}
	if (!r && readonly)
		var_set_readonly(name);
	free(name);
	return r;
}

static int bi_export(int argc, char **argv)
{
	int r = 0;

	if (argc < 2 || !strcmp(argv[1], "-p")) {
		var_list(1);
		return 0;
	}
	for (int i = 1; i < argc; i++)
		r |= set_name_value(argv[i], 1, 0);
	return r;
}

static int bi_readonly(int argc, char **argv)
{
	int r = 0;

	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "-p"))
			r |= set_name_value(argv[i], 0, 1);
	return r;
}

static int bi_unset(int argc, char **argv)
{
	int i = 1, funcs = 0, r = 0;

	if (argc > 1 && (!strcmp(argv[1], "-f") || !strcmp(argv[1], "-v"))) {
		funcs = argv[1][1] == 'f';
		i++;
	}
	for (; i < argc; i++) {
		if (funcs)
			func_unset(argv[i]);
		else if (var_unset(argv[i]) < 0)
			r = 1;
	}
	return r;
}

static int *option_flag(char c)
{
	switch (c) {
	case 'e': return &sh.opt_errexit;
	case 'x': return &sh.opt_xtrace;
	case 'f': return &sh.opt_noglob;
	case 'u': return &sh.opt_nounset;
	case 'n': return &sh.opt_noexec;
	}
	return NULL;
}

static int set_long_option(const char *name, int on)
{
	static const struct {
		const char *name;
		char c;
	} longs[] = {
		{ "errexit", 'e' }, { "xtrace", 'x' }, { "noglob", 'f' },
		{ "nounset", 'u' }, { "noexec", 'n' },
	};

	for (size_t i = 0; i < sizeof(longs) / sizeof(longs[0]); i++) {
		if (!strcmp(longs[i].name, name)) {
			*option_flag(longs[i].c) = on;
			return 0;
		}
	}
	sh_error("set: %s: invalid option name", name);
	return 1;
}

/*
 * set [-+efnux] [-o name] [--] [arg...]: the options; 2 when positional
 * parameters follow from argv[*consumed], -1 on a bad option.
 */
int builtin_set_options(int argc, char **argv, int *consumed)
{
	int i = 1;

	for (; i < argc; i++) {
		const char *a = argv[i];
		int on = a[0] == '-';

		if (strcmp(a, "--") == 0) {
			i++;
			*consumed = i;
			return 2;	/* positional parameters follow, maybe none */
		}
		if ((a[0] != '-' && a[0] != '+') || !a[1])
			break;
		for (const char *f = a + 1; *f; f++) {
			int *flag = option_flag(*f);

			if (*f == 'o' && i + 1 < argc) {
				if (set_long_option(argv[++i], on))
					return -1;
				break;
			}
			if (!flag) {
				sh_error("set: -%c: invalid option", *f);
				return -1;
			}
			*flag = on;
		}
	}
	*consumed = i;
	return i < argc ? 2 : 0;
}

static int bi_set(int argc, char **argv)
{
	int consumed, r;

	if (argc < 2) {
		var_list(0);
		return 0;
	}
	r = builtin_set_options(argc, argv, &consumed);
	if (r < 0)
		return 2;
	if (r == 2)
		params_set(argv + consumed, argc - consumed);
	return 0;
}

static int bi_shift(int argc, char **argv)
{
	int n = 1;

	if (argc > 1 && (parse_int(argv[1], &n) < 0 || n < 0)) {
		sh_error("shift: %s: bad number", argv[1]);
		return 1;
	}
	if (n > sh.params.n) {
		sh_error("shift: can't shift that many");
		return 1;
	}
	struct strvec p = { 0 };

	for (int i = n; i < sh.params.n; i++)
		sv_push(&p, sh_strdup(sh.params.v[i]));
	p = params_swap(p);
	sv_free(&p);
	return 0;
}

static int bi_eval(int argc, char **argv)
{
	struct sbuf b = { 0 };
	int r;

	for (int i = 1; i < argc; i++) {
		sb_adds(&b, argv[i]);
		if (i + 1 < argc)
			sb_addc(&b, ' ');
	}
	if (!b.s)
		return 0;
	r = exec_string(b.s, "eval");
	free(b.s);
	return r;
}

/* . FILE: a name without a slash is looked for in $PATH, then here. */
static int bi_dot(int argc, char **argv)
{
	char *path = NULL;
	int r;

	if (argc < 2) {
		sh_error(".: filename argument required");
		return 2;
	}
	if (!strchr(argv[1], '/')) {
		const char *pv = var_get("PATH");

		for (const char *p = pv; p && *p;) {
			const char *colon = strchr(p, ':');
			size_t dl = colon ? (size_t)(colon - p) : strlen(p);
			struct sbuf b = { 0 };

			sb_addn(&b, dl ? p : ".", dl ? dl : 1);
			sb_addc(&b, '/');
			sb_adds(&b, argv[1]);
			if (access(b.s, R_OK) == 0) {
				path = b.s;
				break;
			}
			free(b.s);
			p = colon ? colon + 1 : p + dl;
		}
	}
	if (argc > 2) {
		struct strvec p = { 0 }, old;

		for (int i = 2; i < argc; i++)
			sv_push(&p, sh_strdup(argv[i]));
		old = params_swap(p);
		r = sh_source_file(path ? path : argv[1]);
		p = params_swap(old);
		sv_free(&p);
	} else {
		r = sh_source_file(path ? path : argv[1]);
	}
	free(path);
	return r;
}

/* read [-r] [-p prompt] [name...]: one line, split on IFS. */
static int read_line(int raw, struct sbuf *line, struct sbuf *quoted)
{
	char c;
	ssize_t r;

	while ((r = sh_read(0, &c, 1)) == 1) {
		if (c == '\n')
			return 0;
		if (c == '\\' && !raw) {
			if (sh_read(0, &c, 1) != 1)
				break;
			if (c == '\n')
				continue;
			sb_addc(line, c);
			sb_addc(quoted, 1);
			continue;
		}
		sb_addc(line, c);
		sb_addc(quoted, 0);
	}
	return -1;
}

static int is_ifs(const char *ifs, char c, int ws)
{
	if (!c || !strchr(ifs, c))
		return 0;
	return ws == !!strchr(" \t\n", c);
}

static int bi_read(int argc, char **argv)
{
	struct sbuf line = { 0 }, q = { 0 };
	const char *ifs = var_get("IFS");
	int raw = 0, i = 1, eof;

	if (!ifs)
		ifs = " \t\n";
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-r")) {
			raw = 1;
		} else if (!strcmp(argv[i], "-p") && i + 1 < argc) {
			if (isatty(0))
				sh_write_all(2, argv[i + 1], strlen(argv[i + 1]));
			i++;
		} else if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else {
			sh_error("read: %s: invalid option", argv[i]);
			return 2;
		}
	}
	eof = read_line(raw, &line, &q);
	const char *s = line.s ? line.s : "", *qs = q.s ? q.s : "";
	size_t n = line.len, k = 0;
	char *const reply[] = { "REPLY", NULL };
	char *const *names = i < argc ? argv + i : reply;

	for (; *names; names++) {
		size_t start, end;

		while (k < n && !qs[k] && is_ifs(ifs, s[k], 1))
			k++;
		start = k;
		if (!names[1]) {
			end = n;
			while (end > start && !qs[end - 1] && is_ifs(ifs, s[end - 1], 1))
				end--;
			k = n;
		} else {
			while (k < n && (qs[k] || !strchr(ifs, s[k])))
				k++;
			end = k;
			while (k < n && !qs[k] && is_ifs(ifs, s[k], 1))
				k++;
			if (k < n && !qs[k] && is_ifs(ifs, s[k], 0))
				k++;
		}
		char *v = sh_strndup(s + start, end - start);

		var_set(*names, v, 0);
		free(v);
	}
	free(line.s);
	free(q.s);
	return eof < 0 && n == 0 ? 1 : eof < 0 ? 1 : 0;
}

static int bi_umask(int argc, char **argv)
{
	mode_t m;

	if (argc < 2) {
		m = umask(0);
		umask(m);
		sh_printf(1, "%04o\n", (unsigned)m);
		return 0;
	}
	char *end;
	long v = strtol(argv[1], &end, 8);

	if (!*argv[1] || *end || v < 0 || v > 0777) {
		sh_error("umask: %s: bad mode", argv[1]);
		return 1;
	}
	umask((mode_t)v);
	return 0;
}

static const char *const keywords[] = {
	"if", "then", "else", "elif", "fi", "do", "done", "while", "until",
	"for", "in", "case", "esac", "{", "}", "!",
};

static int describe(const char *name, int verbose)
{
	int err;
	char *path;

	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++) {
		if (!strcmp(name, keywords[i])) {
			sh_printf(1, verbose ? "%s is a shell keyword\n" : "%s\n", name);
			return 0;
		}
	}
	if (func_get(name)) {
		sh_printf(1, verbose ? "%s is a function\n" : "%s\n", name);
		return 0;
	}
	if (builtin_find(name)) {
		sh_printf(1, verbose ? "%s is a shell builtin\n" : "%s\n", name);
		return 0;
	}
	path = find_command(name, &err);
	if (path && access(path, X_OK) == 0) {
		sh_printf(1, verbose ? "%s is %s\n" : "%s\n", verbose ? name : path, path);
		free(path);
		return 0;
	}
	free(path);
	if (verbose)
		sh_error("type: %s: not found", name);
	return 1;
}

static int bi_type(int argc, char **argv)
{
	int r = 0;

	for (int i = 1; i < argc; i++)
		r |= describe(argv[i], 1);
	return r;
}

/* command [-v|-V] name [arg...]: skips functions. */
static int bi_command(int argc, char **argv)
{
	const struct builtin *b;

	if (argc > 2 && (!strcmp(argv[1], "-v") || !strcmp(argv[1], "-V"))) {
		int r = 0;

		for (int i = 2; i < argc; i++)
			r |= describe(argv[i], argv[1][1] == 'V');
		return r;
	}
	if (argc < 2)
		return 0;
	if ((b = builtin_find(argv[1])) && b->fn)
		return b->fn(argc - 1, argv + 1);
	struct job *j = job_new(argv[1]);
	pid_t pid = sh_fork(j, 1);

	if (pid < 0) {
		job_free(j);
		return 126;
	}
	if (pid == 0)
		exec_external(argv + 1, var_environ(NULL, 0));
	return job_wait_fg(j);
}

static const struct builtin builtins[] = {
	{ ".", bi_dot, 1 },
	{ ":", bi_true, 1 },
	{ "[", builtin_test, 0 },
	{ "bg", builtin_bg, 0 },
	{ "break", bi_break, 1 },
	{ "cd", bi_cd, 0 },
	{ "command", bi_command, 0 },
	{ "continue", bi_continue, 1 },
	{ "echo", bi_echo, 0 },
	{ "eval", bi_eval, 1 },
	{ "exec", NULL, 1 },
	{ "exit", bi_exit, 1 },
	{ "export", bi_export, 1 },
	{ "false", bi_false, 0 },
	{ "fg", builtin_fg, 0 },
	{ "jobs", builtin_jobs, 0 },
	{ "kill", builtin_kill, 0 },
	{ "printf", builtin_printf, 0 },
	{ "pwd", bi_pwd, 0 },
	{ "read", bi_read, 0 },
	{ "readonly", bi_readonly, 1 },
	{ "return", bi_return, 1 },
	{ "set", bi_set, 1 },
	{ "shift", bi_shift, 1 },
	{ "source", bi_dot, 1 },
	{ "test", builtin_test, 0 },
	{ "trap", builtin_trap, 1 },
	{ "true", bi_true, 0 },
	{ "type", bi_type, 0 },
	{ "umask", bi_umask, 0 },
	{ "unset", bi_unset, 1 },
	{ "wait", builtin_wait, 0 },
};

const struct builtin *builtin_find(const char *name)
{
	for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
		if (!strcmp(builtins[i].name, name))
			return &builtins[i];
	return NULL;
}
