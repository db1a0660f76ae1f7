/*
 * builtin_printf.c — printf FORMAT [ARG...], as POSIX describes it: the
 * format is reused while arguments remain; %s %b %c %d %i %u %o %x %X
 * %e %E %f %F %g %G %% with flags, width and precision (* too); backslash
 * escapes in the format, and in %b arguments. Exo's /bin has no printf,
 * so scripts rely on this one.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sh.h"

struct pf {
	struct sbuf out;
	char **args;
	int nargs, next;
	int err;
	int stop;		/* \c seen */
};

static const char *next_arg(struct pf *p)
{
	return p->next < p->nargs ? p->args[p->next++] : NULL;
}

/* One escape at s (after the backslash); returns the characters used. */
static size_t escape(struct sbuf *b, const char *s, int in_b, int *stop)
{
	static const char from[] = "abfnrtv\\\"'", to[] = "\a\b\f\n\r\t\v\\\"'";
	const char *k = strchr(from, *s);
	size_t n = 0;
	int v = 0;

	if (*s && k) {
		sb_addc(b, to[k - from]);
		return 1;
	}
	if (*s == 'c' && in_b) {
		*stop = 1;
		return 1;
	}
	if (*s >= '0' && *s <= '7') {
		/* \NNN in formats, \0NNN in %b arguments */
		if (in_b && *s == '0')
			n = 1;
		size_t start = n;

		while (n < start + 3 && s[n] >= '0' && s[n] <= '7')
			v = v * 8 + s[n++] - '0';
		sb_addc(b, (char)v);
		return n;
	}
	sb_addc(b, '\\');
	return 0;
}

static long num_arg(struct pf *p, const char *a)
{
	char *end;
	long v;

	if (!a)
		return 0;
	if (*a == '\'' || *a == '"')
		return (unsigned char)a[1];
	errno = 0;
	v = strtol(a, &end, 0);
	if (end == a || *end || errno) {
		sh_error("printf: %s: invalid number", a);
		p->err = 1;
	}
	return v;
}

static double float_arg(struct pf *p, const char *a)
{
	char *end;
	double v;

	if (!a)
		return 0;
	v = strtod(a, &end);
	if (end == a || *end) {
		sh_error("printf: %s: invalid number", a);
		p->err = 1;
	}
	return v;
}

static void add_formatted(struct sbuf *b, const char *spec, ...)
	__attribute__((format(printf, 2, 3)));

static void add_formatted(struct sbuf *b, const char *spec, ...)
{
	char small[256];
	va_list ap, ap2;
	int n;

	va_start(ap, spec);
	va_copy(ap2, ap);
	n = vsnprintf(small, sizeof(small), spec, ap);
	if (n > 0 && (size_t)n < sizeof(small)) {
		sb_addn(b, small, n);
	} else if (n > 0) {
		char *t = sh_malloc(n + 1);

		vsnprintf(t, n + 1, spec, ap2);
		sb_addn(b, t, n);
		free(t);
	}
	va_end(ap2);
	va_end(ap);
}

/* One conversion: f points after '%'; returns the characters used. */
static size_t convert(struct pf *p, const char *f)
{
	char spec[64];
	size_t n = 0, k = 0;
	int star[2], nstar = 0;

	spec[k++] = '%';
	while (f[n] && strchr("-+ #0", f[n]) && k < 16)
		spec[k++] = f[n++];
	for (int part = 0; part < 2; part++) {
		if (part == 1) {
			if (f[n] != '.')
				break;
			spec[k++] = f[n++];
		}
		if (f[n] == '*') {
			star[nstar++] = (int)num_arg(p, next_arg(p));
			spec[k++] = '*';
			n++;
		} else {
			while (isdigit((unsigned char)f[n]) && k < 40)
				spec[k++] = f[n++];
		}
	}
	char c = f[n];

	if (!c || !strchr("sbcdiuoxXeEfFgG", c)) {
		sh_error("printf: %%%c: invalid conversion", c ? c : ' ');
		p->err = 1;
		return c ? n + 1 : n;
	}
	n++;
	const char *a = next_arg(p);

	if (strchr("diouxX", c)) {
		spec[k++] = 'l';
		spec[k++] = c;
		spec[k] = '\0';
		long v = num_arg(p, a);

		if (nstar == 2)
			add_formatted(&p->out, spec, star[0], star[1], v);
		else if (nstar == 1)
			add_formatted(&p->out, spec, star[0], v);
		else
			add_formatted(&p->out, spec, v);
		return n;
	}
	if (strchr("eEfFgG", c)) {
		spec[k++] = c;
		spec[k] = '\0';
		double v = float_arg(p, a);

		if (nstar == 2)
			add_formatted(&p->out, spec, star[0], star[1], v);
		else if (nstar == 1)
			add_formatted(&p->out, spec, star[0], v);
		else
			add_formatted(&p->out, spec, v);
		return n;
	}
	struct sbuf arg = { 0 };

	if (c == 'b') {
		for (const char *s = a ? a : ""; *s && !p->stop; s++) {
			if (*s == '\\' && s[1])
				s += escape(&arg, s + 1, 1, &p->stop);
			else
				sb_addc(&arg, *s);
		}
	} else if (c == 'c') {
		if (a && *a)
			sb_addc(&arg, *a);
	} else {
		sb_adds(&arg, a ? a : "");
	}
	spec[k++] = 's';
	spec[k] = '\0';
	if (nstar == 2)
		add_formatted(&p->out, spec, star[0], star[1], arg.s ? arg.s : "");
	else if (nstar == 1)
		add_formatted(&p->out, spec, star[0], arg.s ? arg.s : "");
	else
		add_formatted(&p->out, spec, arg.s ? arg.s : "");
	free(arg.s);
	return n;
}

/* One pass over the format; 1 if it consumed an argument. */
static int format_once(struct pf *p, const char *fmt)
{
	int before = p->next;

	for (const char *f = fmt; *f && !p->stop && !p->err; f++) {
		if (*f == '\\' && f[1]) {
			f += escape(&p->out, f + 1, 0, &p->stop);
		} else if (*f == '%' && f[1] == '%') {
			sb_addc(&p->out, '%');
			f++;
		} else if (*f == '%') {
			f += convert(p, f + 1);
		} else {
			sb_addc(&p->out, *f);
		}
	}
	return p->next > before;
}

int builtin_printf(int argc, char **argv)
{
	struct pf p = { 0 };
	int i = 1, r = 0;

	if (i < argc && !strcmp(argv[i], "--"))
		i++;
	if (i >= argc) {
		sh_error("printf: usage: printf format [arguments]");
		return 2;
	}
	p.args = argv + i + 1;
	p.nargs = argc - i - 1;
	while (format_once(&p, argv[i]) && p.next < p.nargs && !p.stop && !p.err)
		;
	if (p.out.len && sh_write_all(1, p.out.s, p.out.len) < 0) {
		sh_error("printf: write error: %s", strerror(errno));
		r = 1;
	}
	free(p.out.s);
	return r || p.err;
}
