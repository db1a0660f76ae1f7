/*
 * apps/bin/test.c — evaluate a condition: test and [.
 *
 *   test EXPRESSION        [ EXPRESSION ]
 *
 * Files: -e -f -d -b -c -p -S -L -h -r -w -x -s -u -g -k -t FD, F1 -nt/-ot/-ef F2.
 * Strings: -z S, -n S, S, S1 = S2, S1 != S2, S1 < S2, S1 > S2.
 * Integers: N1 -eq -ne -lt -le -gt -ge N2.
 * Logic: ! E, E1 -a E2, E1 -o E2, ( E ) — -a binds tighter than -o. With
 * one to four arguments the POSIX rules by argument count apply first.
 * Exit 0 if true, 1 if false, 2 on a usage error. Run as "[", the last
 * argument must be "]".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct parser {
	char **argv;
	int pos, argc;
	const char *prog;
};

static _Noreturn void fail(const struct parser *p, const char *what, const char *arg)
{
	if (arg)
		fprintf(stderr, "%s: %s: %s\n", p->prog, arg, what);
	else
		fprintf(stderr, "%s: %s\n", p->prog, what);
	exit(2);
}

static long long integer(const struct parser *p, const char *s)
{
	const char *q = s;
	char *end;
	long long v;

	while (*q == ' ' || *q == '\t')
		q++;
	errno = 0;
	v = strtoll(q, &end, 10);
	while (*end == ' ' || *end == '\t')
		end++;
	if (end == q || *end || errno)
		fail(p, "integer expression expected", s);
	return v;
}

static int unary_op(const char *op)
{
	return op[0] == '-' && op[1] && !op[2] && strchr("efdbcpSLhrwxsugktzn", op[1]);
}

static int binary_op(const char *op)
{
	static const char *const ops[] = { "=", "!=", "==", "<", ">", "-eq", "-ne", "-lt", "-le",
					    "-gt", "-ge", "-nt", "-ot", "-ef", NULL };

	for (int i = 0; ops[i]; i++)
		if (strcmp(op, ops[i]) == 0)
			return 1;
	return 0;
}

static int unary(const struct parser *p, const char *op, const char *arg)
{
	struct stat st;
	int c = op[1];

	switch (c) {
	case 'z': return arg[0] == 0;
	case 'n': return arg[0] != 0;
	case 't': return isatty((int)integer(p, arg));
	case 'r': return access(arg, R_OK) == 0;
	case 'w': return access(arg, W_OK) == 0;
	case 'x': return access(arg, X_OK) == 0;
	case 'L':
	case 'h': return lstat(arg, &st) == 0 && S_ISLNK(st.st_mode);
	}
	if (stat(arg, &st) < 0)
		return 0;
	switch (c) {
	case 'e': return 1;
	case 'f': return S_ISREG(st.st_mode);
	case 'd': return S_ISDIR(st.st_mode);
	case 'b': return S_ISBLK(st.st_mode);
	case 'c': return S_ISCHR(st.st_mode);
	case 'p': return S_ISFIFO(st.st_mode);
	case 'S': return S_ISSOCK(st.st_mode);
	case 's': return st.st_size > 0;
	case 'u': return (st.st_mode & S_ISUID) != 0;
	case 'g': return (st.st_mode & S_ISGID) != 0;
	case 'k': return (st.st_mode & S_ISVTX) != 0;
	}
	return 0;
}

static int binary(const struct parser *p, const char *a, const char *op, const char *b)
{
	struct stat sa, sb;

	if (!strcmp(op, "=") || !strcmp(op, "=="))
		return strcmp(a, b) == 0;
	if (!strcmp(op, "!="))
		return strcmp(a, b) != 0;
	if (!strcmp(op, "<"))
		return strcmp(a, b) < 0;
	if (!strcmp(op, ">"))
		return strcmp(a, b) > 0;
	if (!strcmp(op, "-nt") || !strcmp(op, "-ot") || !strcmp(op, "-ef")) {
		int ea = stat(a, &sa) == 0, eb = stat(b, &sb) == 0;

		if (op[1] == 'e')
			return ea && eb && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
		if (op[1] == 'n')
			return ea && (!eb || sa.st_mtim.tv_sec > sb.st_mtim.tv_sec ||
				      (sa.st_mtim.tv_sec == sb.st_mtim.tv_sec && sa.st_mtim.tv_nsec > sb.st_mtim.tv_nsec));
		return eb && (!ea || sa.st_mtim.tv_sec < sb.st_mtim.tv_sec ||
			      (sa.st_mtim.tv_sec == sb.st_mtim.tv_sec && sa.st_mtim.tv_nsec < sb.st_mtim.tv_nsec));
	}
	{
		long long x = integer(p, a), y = integer(p, b);

		if (!strcmp(op, "-eq")) return x == y;
		if (!strcmp(op, "-ne")) return x != y;
		if (!strcmp(op, "-lt")) return x < y;
		if (!strcmp(op, "-le")) return x <= y;
		if (!strcmp(op, "-gt")) return x > y;
		return x >= y;
	}
}

static const char *peek(const struct parser *p, int k)
{
	return p->pos + k < p->argc ? p->argv[p->pos + k] : NULL;
}

static int expr_or(struct parser *p);

/* primary: ( expr ) | ! primary | unary-op arg | arg binary-op arg | arg */
static int primary(struct parser *p)
{
	const char *a = peek(p, 0), *b = peek(p, 1);

	if (!a)
		fail(p, "argument expected", NULL);
	/* A binary operator after the first word wins over "(" "!" and unary readings. */
	if (b && binary_op(b) && peek(p, 2)) {
		p->pos += 3;
		return binary(p, a, b, p->argv[p->pos - 1]);
	}
	if (!strcmp(a, "!")) {
		p->pos++;
		return !primary(p);
	}
	if (!strcmp(a, "(")) {
		int v;

		p->pos++;
		v = expr_or(p);
		if (!peek(p, 0) || strcmp(peek(p, 0), ")"))
			fail(p, "')' expected", NULL);
		p->pos++;
		return v;
	}
	if (unary_op(a) && b) {
		p->pos += 2;
		return unary(p, a, b);
	}
	p->pos++;
	return a[0] != 0;
}

static int expr_and(struct parser *p)
{
	int v = primary(p);

	while (peek(p, 0) && !strcmp(peek(p, 0), "-a")) {
		p->pos++;
		v = primary(p) && v;
	}
	return v;
}

static int expr_or(struct parser *p)
{
	int v = expr_and(p);

	while (peek(p, 0) && !strcmp(peek(p, 0), "-o")) {
		p->pos++;
		v = expr_and(p) || v;
	}
	return v;
}

/* POSIX's rules by argument count (1 to 4), else the grammar. */
static int evaluate(struct parser *p)
{
	char **a = p->argv;
	int n = p->argc;

	switch (n) {
	case 0:
		return 0;
	case 1:
		return a[0][0] != 0;
	case 2:
		if (!strcmp(a[0], "!"))
			return a[1][0] == 0;
		if (unary_op(a[0]))
			return unary(p, a[0], a[1]);
		fail(p, "unary operator expected", a[0]);
	case 3:
		if (binary_op(a[1]))
			return binary(p, a[0], a[1], a[2]);
		if (!strcmp(a[0], "!")) {
			p->argv++;
			p->argc--;
			return !evaluate(p);
		}
		if (!strcmp(a[0], "(") && !strcmp(a[2], ")"))
			return a[1][0] != 0;
		break;
	case 4:
		if (!strcmp(a[0], "!")) {
			p->argv++;
			p->argc--;
			return !evaluate(p);
		}
		if (!strcmp(a[0], "(") && !strcmp(a[3], ")")) {
			p->argv++;
			p->argc -= 2;
			return evaluate(p);
		}
		break;
	}
	{
		int v = expr_or(p);

		if (p->pos != p->argc)
			fail(p, "unexpected argument", p->argv[p->pos]);
		return v;
	}
}

int main(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/');
	struct parser p = { .argv = argv + 1, .argc = argc - 1, .prog = "test" };

	base = base ? base + 1 : argv[0];
	if (!strcmp(base, "[")) {
		p.prog = "[";
		if (argc < 2 || strcmp(argv[argc - 1], "]")) {
			fprintf(stderr, "[: missing ']'\n");
			return 2;
		}
		p.argc--;
	}
	return evaluate(&p) ? 0 : 1;
}
