/*
 * glob.c — shell patterns: matching (*, ?, [...], backslash escapes) and
 * pathname expansion by walking directories with opendir/readdir.
 *
 * Patterns arrive with quoted characters already escaped by a backslash
 * (expand.c does that), so "a*"* matches names starting with a literal a*.
 * A name starting with '.' only matches a pattern component that starts
 * with a literal '.'; "." and ".." are never produced.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sh.h"

static int class_match(const char *name, size_t n, unsigned char c)
{
	static const struct {
		const char *name;
		int (*fn)(int);
	} classes[] = {
		{ "alnum", isalnum }, { "alpha", isalpha }, { "blank", isblank },
		{ "cntrl", iscntrl }, { "digit", isdigit }, { "graph", isgraph },
		{ "lower", islower }, { "print", isprint }, { "punct", ispunct },
		{ "space", isspace }, { "upper", isupper }, { "xdigit", isxdigit },
	};

	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		if (strlen(classes[i].name) == n && !memcmp(classes[i].name, name, n))
			return classes[i].fn(c) != 0;
	return 0;
}

/* p is after '['; 1 or 0 for a match, -1 if there is no closing ']'. */
static int bracket_match(const char *p, unsigned char c, const char **end)
{
	const char *start;
	int neg = 0, ok = 0;

	if (*p == '!' || *p == '^') {
		neg = 1;
		p++;
	}
	start = p;
	while (*p && (*p != ']' || p == start)) {
		if (p[0] == '[' && p[1] == ':') {
			const char *close = strstr(p + 2, ":]");

			if (close) {
				ok |= class_match(p + 2, close - p - 2, c);
				p = close + 2;
				continue;
			}
		}
		unsigned char lo = *p;

		if (lo == '\\' && p[1])
			lo = *++p;
		p++;
		if (p[0] == '-' && p[1] && p[1] != ']') {
			unsigned char hi = p[1];

			if (hi == '\\' && p[2]) {
				hi = p[2];
				p++;
			}
			p += 2;
			if (lo <= c && c <= hi)
				ok = 1;
		} else if (lo == c) {
			ok = 1;
		}
	}
	if (*p != ']')
		return -1;
	*end = p + 1;
	return ok != neg;
}

/* One step of the pattern at p against the character c. */
static int step(const char *p, char c, const char **np)
{
	int r;

	*np = p + 1;
	switch (*p) {
	case '?':
		return 1;
	case '[':
		r = bracket_match(p + 1, (unsigned char)c, np);
		if (r >= 0)
			return r;
		*np = p + 1;
		return c == '[';
	case '\\':
		if (p[1]) {
			*np = p + 2;
			return p[1] == c;
		}
		return c == '\\';
	}
	return *p == c;
}

int pattern_match(const char *p, const char *s)
{
	const char *star_p = NULL, *star_s = NULL, *np;

	for (;;) {
		if (*p == '*') {
			while (*p == '*')
				p++;
			star_p = p;
			star_s = s;
			continue;
		}
		if (!*p && !*s)
			return 1;
		if (*p && *s && step(p, *s, &np)) {
			p = np;
			s++;
			continue;
		}
		if (star_p && *star_s) {
			s = ++star_s;
			p = star_p;
			continue;
		}
		return 0;
	}
}

int pattern_has_magic(const char *p)
{
	for (; *p; p++) {
		if (*p == '\\' && p[1])
			p++;
		else if (*p == '*' || *p == '?' || *p == '[')
			return 1;
	}
	return 0;
}

char *pattern_unescape(const char *p)
{
	struct sbuf b = { 0 };

	for (; *p; p++) {
		if (*p == '\\' && p[1])
			p++;
		sb_addc(&b, *p);
	}
	return sb_take(&b);
}

static int exists(const char *path)
{
	struct stat st;
	size_t n = strlen(path);

	if (n > 1 && path[n - 1] == '/')
		return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
	return lstat(path, &st) == 0;
}

static void walk(struct sbuf *prefix, const char *rest, struct strvec *out);

static void walk_dir(struct sbuf *prefix, const char *comp, const char *rest,
		     struct strvec *out)
{
	DIR *d = opendir(prefix->len ? prefix->s : ".");
	struct dirent *e;
	size_t keep = prefix->len;

	if (!d)
		return;
	while ((e = readdir(d))) {
		const char *name = e->d_name;

		if (!strcmp(name, ".") || !strcmp(name, ".."))
			continue;
		if (name[0] == '.' && comp[0] != '.')
			continue;
		if (!pattern_match(comp, name))
			continue;
		sb_adds(prefix, name);
		walk(prefix, rest, out);
		prefix->len = keep;
		prefix->s[keep] = '\0';
	}
	closedir(d);
}

/* Expands rest (a pattern) below the directory prefix (with its '/'). */
static void walk(struct sbuf *prefix, const char *rest, struct strvec *out)
{
	size_t keep = prefix->len, k = 0;

	if (!*rest) {
		/* every name came from readdir or a literal: check the last */
		if (exists(prefix->s))
			sv_push(out, sh_strdup(prefix->s));
		return;
	}
	while (rest[k] && rest[k] != '/') {
		if (rest[k] == '\\' && rest[k + 1])
			k++;
		k++;
	}
	char *comp = sh_strndup(rest, k);
	const char *after = rest + k;

	if (pattern_has_magic(comp)) {
		walk_dir(prefix, comp, after, out);
	} else {
		char *lit = pattern_unescape(comp);

		sb_adds(prefix, lit);
		free(lit);
		while (*after == '/') {
			sb_addc(prefix, '/');
			after++;
		}
		walk(prefix, after, out);
	}
	prefix->len = keep;
	if (prefix->s)
		prefix->s[keep] = '\0';
	free(comp);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends the sorted matches of pat to out (none if nothing matches). */
void glob_expand(const char *pat, struct strvec *out)
{
	struct sbuf prefix = { 0 };
	struct strvec res = { 0 };

	sb_adds(&prefix, "");
	while (*pat == '/') {
		sb_addc(&prefix, '/');
		pat++;
	}
	walk(&prefix, pat, &res);
	free(prefix.s);
	if (res.n)
		qsort(res.v, res.n, sizeof(char *), cmp_str);
	for (int i = 0; i < res.n; i++)
		sv_push(out, res.v[i]);
	free(res.v);
}
