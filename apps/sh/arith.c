/*
 * arith.c — $(( )) arithmetic on longs: C operators without ++, --, the
 * comma and compound assignments other than =. Names are variables (unset
 * or empty is 0); the text has already had $ and ` expansions done.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sh.h"

struct arith {
	const char *s;
	const char *err;
	int noeval;		/* skipping the untaken side of && || ?: */
};

static long a_ternary(struct arith *a);

static void blanks(struct arith *a)
{
	while (isspace((unsigned char)*a->s))
		a->s++;
}

static int accept(struct arith *a, const char *op)
{
	size_t n = strlen(op);

	blanks(a);
	if (strncmp(a->s, op, n))
		return 0;
	/* "<" must not take the first half of "<=" or "<<" */
	if (n == 1 && strchr("<>&|=!", op[0]) && a->s[1] &&
	    (a->s[1] == '=' || a->s[1] == op[0]) && op[0] != '!')
		return 0;
	if (n == 1 && op[0] == '!' && a->s[1] == '=')
		return 0;
	a->s += n;
	return 1;
}

static long var_value(struct arith *a, const char *name, size_t n)
{
	char *nm = sh_strndup(name, n);
	const char *v = var_get(nm);
	long r = 0;

	free(nm);
	if (v && *v) {
		char *end;

		r = strtol(v, &end, 0);
		while (isspace((unsigned char)*end))
			end++;
		if (*end && !a->err)
			a->err = "bad number in variable";
	}
	return r;
}

static long a_primary(struct arith *a)
{
	blanks(a);
	if (accept(a, "(")) {
		long v = a_ternary(a);

		if (!accept(a, ")"))
			a->err = "missing )";
		return v;
	}
	if (isdigit((unsigned char)*a->s)) {
		char *end;
		long v = strtol(a->s, &end, 0);

		a->s = end;
		return v;
	}
	if (isalpha((unsigned char)*a->s) || *a->s == '_') {
		const char *name = a->s;
		size_t n = 0;

		while (isalnum((unsigned char)name[n]) || name[n] == '_')
			n++;
		a->s += n;
		blanks(a);
		if (a->s[0] == '=' && a->s[1] != '=') {
			char buf[32], *nm;
			long v;

			a->s++;
			v = a_ternary(a);
			if (!a->noeval && !a->err) {
				snprintf(buf, sizeof(buf), "%ld", v);
				nm = sh_strndup(name, n);
				if (var_set(nm, buf, 0) < 0)
					a->err = "assignment failed";
				free(nm);
			}
			return v;
		}
		return var_value(a, name, n);
	}
	if (!a->err)
		a->err = *a->s ? "syntax error" : "missing operand";
	return 0;
}

static long a_unary(struct arith *a)
{
	if (accept(a, "-"))
		return -a_unary(a);
	if (accept(a, "+"))
		return a_unary(a);
	if (accept(a, "!"))
		return !a_unary(a);
	if (accept(a, "~"))
		return ~a_unary(a);
	return a_primary(a);
}

static long a_mul(struct arith *a)
{
	long v = a_unary(a);

	for (;;) {
		int op = accept(a, "*") ? '*' : accept(a, "/") ? '/' : accept(a, "%") ? '%' : 0;
		long r;

		if (!op)
			return v;
		r = a_unary(a);
		if (op == '*') {
			v *= r;
		} else if (r == 0) {
			if (!a->noeval && !a->err)
				a->err = "division by zero";
		} else {
			v = op == '/' ? v / r : v % r;
		}
	}
}

static long a_add(struct arith *a)
{
	long v = a_mul(a);

	for (;;) {
		if (accept(a, "+"))
			v += a_mul(a);
		else if (accept(a, "-"))
			v -= a_mul(a);
		else
			return v;
	}
}

static long a_shift(struct arith *a)
{
	long v = a_add(a);

	for (;;) {
		if (accept(a, "<<"))
			v = (long)((unsigned long)v << (a_add(a) & 63));
		else if (accept(a, ">>"))
			v >>= a_add(a) & 63;
		else
			return v;
	}
}

static long a_rel(struct arith *a)
{
	long v = a_shift(a);

	for (;;) {
		if (accept(a, "<="))
			v = v <= a_shift(a);
		else if (accept(a, ">="))
			v = v >= a_shift(a);
		else if (accept(a, "<"))
			v = v < a_shift(a);
		else if (accept(a, ">"))
			v = v > a_shift(a);
		else
			return v;
	}
}

static long a_eq(struct arith *a)
{
	long v = a_rel(a);

	for (;;) {
		if (accept(a, "=="))
			v = v == a_rel(a);
		else if (accept(a, "!="))
			v = v != a_rel(a);
		else
			return v;
	}
}

static long a_bitand(struct arith *a)
{
	long v = a_eq(a);

	while (accept(a, "&"))
		v &= a_eq(a);
	return v;
}

static long a_bitxor(struct arith *a)
{
	long v = a_bitand(a);

	while (accept(a, "^"))
		v ^= a_bitand(a);
	return v;
}

static long a_bitor(struct arith *a)
{
	long v = a_bitxor(a);

	while (accept(a, "|"))
		v |= a_bitxor(a);
	return v;
}

static long a_and(struct arith *a)
{
	long v = a_bitor(a);

	while (accept(a, "&&")) {
		a->noeval += !v;
		long r = a_bitor(a);

		a->noeval -= !v;
		v = v && r;
	}
	return v;
}

static long a_or(struct arith *a)
{
	long v = a_and(a);

	while (accept(a, "||")) {
		a->noeval += !!v;
		long r = a_and(a);

		a->noeval -= !!v;
		v = v || r;
	}
	return v;
}

static long a_ternary(struct arith *a)
{
	long c = a_or(a), x, y;

	if (!accept(a, "?"))
		return c;
	a->noeval += !c;
	x = a_ternary(a);
	a->noeval -= !c;
	if (!accept(a, ":")) {
		if (!a->err)
			a->err = "missing :";
		return 0;
	}
	a->noeval += !!c;
	y = a_ternary(a);
	a->noeval -= !!c;
	return c ? x : y;
}

int arith_eval(const char *expr, long *result)
{
	struct arith a = { .s = expr };

	blanks(&a);
	if (!*a.s) {
		*result = 0;
		return 0;
	}
	*result = a_ternary(&a);
	blanks(&a);
	if (!a.err && *a.s)
		a.err = "syntax error";
	if (a.err) {
		sh_error("arithmetic: %s: %s", a.err, expr);
		return -1;
	}
	return 0;
}
