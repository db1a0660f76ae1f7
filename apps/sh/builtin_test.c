/*
 * builtin_test.c — test and [: file tests, string and integer comparisons,
 * !, -a, -o and parentheses, by recursive descent over the arguments.
 * Status 0 true, 1 false, 2 for a malformed expression.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sh.h"

struct test {
	char **av;
	int ac, i;
	int err;
};

static int t_or(struct test *t);

static const char *peek_arg(struct test *t, int k)
{
	return t->i + k < t->ac ? t->av[t->i + k] : NULL;
}

static int is_unary(const char *s)
{
	return s && s[0] == '-' && s[1] && !s[2] && strchr("bcdefghkLnprsStuwxzOG", s[1]);
}

static int is_binary(const char *s)
{
	static const char *const ops[] = {
		"=", "==", "!=", "<", ">", "-eq", "-ne", "-lt", "-le", "-gt", "-ge",
		"-nt", "-ot", "-ef",
	};

	for (size_t i = 0; s && i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strcmp(s, ops[i]))
			return 1;
	return 0;
}

static int file_test(char op, const char *path)
{
	struct stat st;

	if (op == 'h' || op == 'L')
		return lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
	if (op == 't') {
		char *end;
		long fd = strtol(path, &end, 10);

		return !*end && isatty((int)fd);
	}
	if (stat(path, &st) < 0)
		return 0;
	switch (op) {
	case 'b': return S_ISBLK(st.st_mode);
	case 'c': return S_ISCHR(st.st_mode);
	case 'd': return S_ISDIR(st.st_mode);
	case 'e': return 1;
	case 'f': return S_ISREG(st.st_mode);
	case 'g': return (st.st_mode & S_ISGID) != 0;
	case 'k': return (st.st_mode & S_ISVTX) != 0;
	case 'p': return S_ISFIFO(st.st_mode);
	case 'r': return access(path, R_OK) == 0;
	case 's': return st.st_size > 0;
	case 'S': return S_ISSOCK(st.st_mode);
	case 'u': return (st.st_mode & S_ISUID) != 0;
	case 'w': return access(path, W_OK) == 0;
	case 'x': return access(path, X_OK) == 0;
	case 'O': return st.st_uid == geteuid();
	case 'G': return st.st_gid == getegid();
	}
	return 0;
}

static long to_int(struct test *t, const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	while (*end == ' ' || *end == '\t')
		end++;
	if (!*s || *end || errno) {
		sh_error("test: %s: integer expression expected", s);
		t->err = 1;
	}
	return v;
}

static int compare_files(const char *op, const char *a, const char *b)
{
	struct stat sa, sb;
	int ha = stat(a, &sa) == 0, hb = stat(b, &sb) == 0;

	if (!strcmp(op, "-ef"))
		return ha && hb && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
	if (!strcmp(op, "-nt"))
		return ha && (!hb || sa.st_mtime > sb.st_mtime);
	return hb && (!ha || sa.st_mtime < sb.st_mtime);
}

static int binary(struct test *t, const char *a, const char *op, const char *b)
{
	long x, y;

	if (!strcmp(op, "=") || !strcmp(op, "=="))
		return !strcmp(a, b);
	if (!strcmp(op, "!="))
		return strcmp(a, b) != 0;
	if (!strcmp(op, "<"))
		return strcmp(a, b) < 0;
	if (!strcmp(op, ">"))
		return strcmp(a, b) > 0;
	if (op[1] == 'n' || op[1] == 'o' || (op[1] == 'e' && op[2] == 'f'))
		return compare_files(op, a, b);
	x = to_int(t, a);
	y = to_int(t, b);
	switch (op[1] * 256 + op[2]) {
	case 'e' * 256 + 'q': return x == y;
	case 'n' * 256 + 'e': return x != y;
	case 'l' * 256 + 't': return x < y;
	case 'l' * 256 + 'e': return x <= y;
	case 'g' * 256 + 't': return x > y;
	}
	return x >= y;
}

static int t_primary(struct test *t)
{
	const char *a = peek_arg(t, 0), *b = peek_arg(t, 1);

	if (!a) {
		t->err = 1;
		sh_error("test: argument expected");
		return 0;
	}
	if (is_binary(b) && peek_arg(t, 2)) {
		t->i += 3;
		return binary(t, a, b, t->av[t->i - 1]);
	}
	if (!strcmp(a, "(") && b) {
		int v;

		t->i++;
		v = t_or(t);
		if (!peek_arg(t, 0) || strcmp(peek_arg(t, 0), ")")) {
			sh_error("test: ')' expected");
			t->err = 1;
			return 0;
		}
		t->i++;
		return v;
	}
	if (is_unary(a) && b) {
		t->i += 2;
		if (a[1] == 'n')
			return *b != '\0';
		if (a[1] == 'z')
			return *b == '\0';
		return file_test(a[1], b);
	}
	t->i++;
	return *a != '\0';
}

static int t_not(struct test *t)
{
	const char *a = peek_arg(t, 0);

	if (a && !strcmp(a, "!") && peek_arg(t, 1)) {
		t->i++;
		return !t_not(t);
	}
	return t_primary(t);
}

static int t_and(struct test *t)
{
	int v = t_not(t);

	while (peek_arg(t, 0) && !strcmp(peek_arg(t, 0), "-a") && peek_arg(t, 1)) {
		t->i++;
		int w = t_not(t);

		v = v && w;
	}
	return v;
}

static int t_or(struct test *t)
{
	int v = t_and(t);

	while (peek_arg(t, 0) && !strcmp(peek_arg(t, 0), "-o") && peek_arg(t, 1)) {
		t->i++;
		int w = t_and(t);

		v = v || w;
	}
	return v;
}

int builtin_test(int argc, char **argv)
{
	struct test t = { .av = argv + 1, .ac = argc - 1 };
	int v;

	if (!strcmp(argv[0], "[")) {
		if (argc < 2 || strcmp(argv[argc - 1], "]")) {
			sh_error("[: missing ]");
			return 2;
		}
		t.ac--;
	}
	if (t.ac == 0)
		return 1;
	v = t_or(&t);
	if (!t.err && t.i < t.ac) {
		sh_error("test: %s: unexpected operator", t.av[t.i]);
		return 2;
	}
	return t.err ? 2 : !v;
}
