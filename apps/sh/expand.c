/*
 * expand.c — word expansion: tilde, parameters, command substitution,
 * arithmetic, then field splitting, pathname expansion and quote removal.
 *
 * A word is expanded into one string with a flag per character saying
 * where it came from:
 *   F_QUOTED  quoted or escaped: never split, never a pattern character
 *   F_SPLIT   the result of an unquoted expansion: split on IFS
 *   F_MARK    zero width: a quoted empty string here, so the field exists
 *   F_BREAK   zero width: a field ends here (between the words of "$@")
 * and only then split into fields. Quote removal is implicit: quotes are
 * never copied into the string, only their effect on the flags.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sh.h"

enum { F_QUOTED = 1, F_SPLIT = 2, F_MARK = 4, F_BREAK = 8 };

struct exp {
	char *c;
	unsigned char *f;
	size_t len, cap;
	int force_quoted;	/* inside "${x:-word}": word's results quoted */
	int at_count;		/* "$@" expansions seen */
	int err;
};

static void add(struct exp *e, char c, unsigned char flags)
{
	if (e->force_quoted && !(flags & (F_MARK | F_BREAK)))
		flags = F_QUOTED;
	if (e->len == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 64;
		e->c = sh_realloc(e->c, e->cap);
		e->f = sh_realloc(e->f, e->cap);
	}
	e->c[e->len] = c;
	e->f[e->len++] = flags;
}

static void add_str(struct exp *e, const char *s, unsigned char flags)
{
	for (; *s; s++)
		add(e, *s, flags);
}

static void exp_free(struct exp *e)
{
	free(e->c);
	free(e->f);
}

static void expand_part(struct exp *e, const char *t, size_t len, int dq,
			unsigned char lit);

/* ---- the three ways to finish: a string, a pattern, fields ---- */

static char *finish_str(struct exp *e)
{
	struct sbuf b = { 0 };

	for (size_t k = 0; k < e->len; k++) {
		if (e->f[k] & F_MARK)
			continue;
		sb_addc(&b, e->f[k] & F_BREAK ? ' ' : e->c[k]);
	}
	return sb_take(&b);
}

static void add_pattern_char(struct sbuf *b, char c, unsigned char f, int *magic)
{
	if (c == '\\' || ((f & F_QUOTED) && strchr("*?[]", c)))
		sb_addc(b, '\\');
	else if (strchr("*?[", c))
		*magic = 1;
	sb_addc(b, c);
}

static char *finish_pattern(struct exp *e)
{
	struct sbuf b = { 0 };
	int magic = 0;

	for (size_t k = 0; k < e->len; k++) {
		if (e->f[k] & F_MARK)
			continue;
		if (e->f[k] & F_BREAK)
			sb_addc(&b, ' ');
		else
			add_pattern_char(&b, e->c[k], e->f[k], &magic);
	}
	return sb_take(&b);
}

struct field {
	struct sbuf text, pat;
	int exists, magic;
};

static void push_field(struct field *fl, struct strvec *out)
{
	int before = out->n;

	if (!fl->exists)
		return;
	if (fl->magic && !sh.opt_noglob && fl->pat.s)
		glob_expand(fl->pat.s, out);
	if (out->n == before)
		sv_push(out, sb_take(&fl->text));
	free(fl->text.s);
	free(fl->pat.s);
	memset(fl, 0, sizeof(*fl));
}

static void finish_fields(struct exp *e, struct strvec *out)
{
	const char *ifs = var_get("IFS");
	struct field fl = { 0 };
	int ws_ended = 0;

	if (!ifs)
		ifs = " \t\n";
	for (size_t k = 0; k < e->len; k++) {
		unsigned char f = e->f[k];
		char c = e->c[k];

		if (f & F_MARK) {
			fl.exists = 1;
		} else if (f & F_BREAK) {
			push_field(&fl, out);
			ws_ended = 0;
		} else if ((f & F_SPLIT) && c && strchr(ifs, c)) {
			if (strchr(" \t\n", c)) {
				if (fl.exists) {
					push_field(&fl, out);
					ws_ended = 1;
				}
				continue;
			}
			if (!fl.exists && !ws_ended)
				fl.exists = 1;		/* an empty field */
			push_field(&fl, out);
			ws_ended = 0;
		} else {
			sb_addc(&fl.text, c);
			add_pattern_char(&fl.pat, c, f, &fl.magic);
			fl.exists = 1;
			ws_ended = 0;
		}
	}
	push_field(&fl, out);
}

/* ---- parameters ---- */

static int is_special(char c)
{
	return c && strchr("@*#?$!-0", c);
}

/* The value of a parameter, NULL if unset; *tmp is freed by the caller. */
static const char *param_value(const char *name, size_t n, char **tmp)
{
	char buf[32];

	*tmp = NULL;
	if (n == 1 && is_special(name[0])) {
		switch (name[0]) {
		case '?':
			snprintf(buf, sizeof(buf), "%d", sh.status);
			break;
		case '$':
			snprintf(buf, sizeof(buf), "%ld", (long)sh.pid);
			break;
		case '!':
			if (!sh.last_bg)
				return NULL;
			snprintf(buf, sizeof(buf), "%ld", (long)sh.last_bg);
			break;
		case '#':
			snprintf(buf, sizeof(buf), "%d", sh.params.n);
			break;
		case '-':
			snprintf(buf, sizeof(buf), "%s%s%s%s%s", sh.opt_errexit ? "e" : "",
				 sh.opt_noglob ? "f" : "", sh.interactive ? "i" : "",
				 sh.opt_nounset ? "u" : "", sh.opt_xtrace ? "x" : "");
			break;
		case '0':
			return sh.arg0;
		default: {	/* @ and * as one string */
			struct sbuf b = { 0 };

			for (int i = 0; i < sh.params.n; i++) {
				if (i)
					sb_addc(&b, ' ');
				sb_adds(&b, sh.params.v[i]);
			}
			*tmp = sb_take(&b);
			return *tmp;
		}
		}
		*tmp = sh_strdup(buf);
		return *tmp;
	}
	if (isdigit((unsigned char)name[0])) {
		long k = strtol(name, NULL, 10);

		return k >= 1 && k <= sh.params.n ? sh.params.v[k - 1] : NULL;
	}
	*tmp = sh_strndup(name, n);
	const char *v = var_get(*tmp);

	free(*tmp);
	*tmp = NULL;
	return v;
}

static void add_value(struct exp *e, const char *v, int dq)
{
	add_str(e, v, dq ? F_QUOTED : F_SPLIT);
}

/* $@ and $*, quoted or not. */
static void add_params(struct exp *e, int dq, int star)
{
	if (dq && star) {
		const char *ifs = var_get("IFS");
		char sep = ifs ? ifs[0] : ' ';

		for (int i = 0; i < sh.params.n; i++) {
			if (i && sep)
				add(e, sep, F_QUOTED);
			add_str(e, sh.params.v[i], F_QUOTED);
		}
		add(e, 0, F_MARK);
		return;
	}
	if (dq)
		e->at_count++;
	for (int i = 0; i < sh.params.n; i++) {
		if (i)
			add(e, 0, F_BREAK);
		if (dq)
			add(e, 0, F_MARK);
		add_value(e, sh.params.v[i], dq);
	}
}

static char *sub_expand(const char *t, size_t len, int pattern)
{
	struct exp e = { 0 };
	char *s;

	expand_part(&e, t, len, 0, 0);
	s = e.err ? NULL : pattern ? finish_pattern(&e) : finish_str(&e);
	exp_free(&e);
	return s;
}

/* ${v%pat} ${v%%pat} ${v#pat} ${v##pat} */
static char *remove_affix(const char *v, const char *pat, char op, int longest)
{
	size_t n = strlen(v);
	char *s = sh_strdup(v);

	for (size_t k = 0; k <= n; k++) {
		size_t cut = op == '#' ? (longest ? n - k : k) : (longest ? k : n - k);
		int ok;

		if (op == '#') {
			char save = s[cut];

			s[cut] = '\0';
			ok = pattern_match(pat, s);
			s[cut] = save;
			if (ok) {
				memmove(s, s + cut, n - cut + 1);
				return s;
			}
		} else if (pattern_match(pat, v + cut)) {
			s[cut] = '\0';
			return s;
		}
	}
	return s;
}

static int bad_subst(struct exp *e, const char *t, size_t len)
{
	sh_error("${%.*s}: bad substitution", (int)len, t);
	e->err = 1;
	return -1;
}

static void param_error(struct exp *e, const char *name, size_t n, const char *msg)
{
	sh_error("%.*s: %s", (int)n, name, msg);
	e->err = 1;
	if (!sh.interactive)
		sh.ctl = CTL_EXIT;
}

/* The inside of ${...}: t[0..len). */
static int expand_braced(struct exp *e, const char *t, size_t len, int dq)
{
	size_t n = 0;
	int length = 0;
	char *tmp;

	if (len > 1 && t[0] == '#') {
		length = 1;
		t++;
		len--;
	}
	if (len && (isalpha((unsigned char)t[0]) || t[0] == '_')) {
		while (n < len && (isalnum((unsigned char)t[n]) || t[n] == '_'))
			n++;
	} else if (len && isdigit((unsigned char)t[0])) {
		while (n < len && isdigit((unsigned char)t[n]))
			n++;
	} else if (len && is_special(t[0])) {
		n = 1;
	} else {
		return bad_subst(e, t, len);
	}
	const char *name = t, *op = t + n, *word;
	size_t oplen = len - n, wlen;
	int multi = n == 1 && (name[0] == '@' || name[0] == '*');
	const char *v = param_value(name, n, &tmp);
	int set = multi ? sh.params.n > 0 : v != NULL;

	if (length) {
		char buf[32];

		if (oplen)
			return free(tmp), bad_subst(e, t - 1, len + 1);
		if (!v && sh.opt_nounset && !multi)
			param_error(e, name, n, "parameter not set");
		snprintf(buf, sizeof(buf), "%zu", multi ? (size_t)sh.params.n : v ? strlen(v) : 0);
		add_value(e, buf, dq);
		free(tmp);
		return 0;
	}
	if (!oplen) {
		if (multi)
			add_params(e, dq, name[0] == '*');
		else if (!v && sh.opt_nounset)
			param_error(e, name, n, "parameter not set");
		else if (v)
			add_value(e, v, dq);
		free(tmp);
		return 0;
	}
	int colon = op[0] == ':';
	char o = op[colon];

	word = op + colon + 1;
	wlen = oplen - colon - 1;
	if (colon && v && !*v)
		set = 0;
	if (colon && oplen < 2)
		o = '\0';
	switch (o) {
	case '-':
	case '+':
		if ((o == '-') == !set) {
			e->force_quoted += dq;
			expand_part(e, word, wlen, 0, dq ? F_QUOTED : F_SPLIT);
			e->force_quoted -= dq;
		} else if (multi) {
			add_params(e, dq, name[0] == '*');
		} else if (v) {
			add_value(e, v, dq);
		}
		break;
	case '=':
	case '?':
		if (set) {
			if (multi)
				add_params(e, dq, name[0] == '*');
			else
				add_value(e, v, dq);
			break;
		}
		char *w = sub_expand(word, wlen, 0);

		if (!w) {
			e->err = 1;
			break;
		}
		if (o == '?') {
			param_error(e, name, n, *w ? w : "parameter null or not set");
		} else if (!lex_is_name(name, n)) {
			sh_error("%.*s: cannot assign in this way", (int)n, name);
			e->err = 1;
		} else {
			char *nm = sh_strndup(name, n);

			if (var_set(nm, w, 0) < 0)
				e->err = 1;
			free(nm);
			add_value(e, w, dq);
		}
		free(w);
		break;
	case '%':
	case '#': {
		int longest = wlen > 0 && word[0] == o;
		char *pat, *r;

		if (colon)
			return free(tmp), bad_subst(e, t, len);
		pat = sub_expand(word + longest, wlen - longest, 1);
		if (!pat) {
			e->err = 1;
			break;
		}
		r = remove_affix(v ? v : "", pat, o, longest);
		add_value(e, r, dq);
		free(r);
		free(pat);
		break;
	}
	default:
		free(tmp);
		return bad_subst(e, t, len);
	}
	free(tmp);
	return 0;
}

static void expand_subst(struct exp *e, const char *t, size_t len, int dq)
{
	char *out = command_subst(t, len);

	add_value(e, out, dq);
	free(out);
}

static void expand_arith(struct exp *e, const char *t, size_t len, int dq)
{
	struct exp sub = { 0 };
	char buf[32];
	long v;

	expand_part(&sub, t, len, 1, 0);
	char *s = finish_str(&sub);

	exp_free(&sub);
	if (sub.err || arith_eval(s, &v) < 0) {
		e->err = 1;
		if (!sh.interactive)
			sh.ctl = CTL_EXIT;	/* as for other expansion errors */
		free(s);
		return;
	}
	free(s);
	snprintf(buf, sizeof(buf), "%ld", v);
	add_value(e, buf, dq);
}

/* The $ at t[*i]: adds its expansion and moves *i past it. */
static void expand_dollar(struct exp *e, const char *t, size_t len, size_t *i, int dq,
			  unsigned char lit)
{
	size_t k = *i + 1;
	long end = scan_dollar(t, len, *i);
	char *tmp;

	if (end < 0)
		end = len;
	if (k < len && t[k] == '(') {
		if (k + 1 < len && t[k + 1] == '(' && t[end - 2] == ')' && end - *i >= 5)
			expand_arith(e, t + k + 2, end - k - 4, dq);
		else
			expand_subst(e, t + k + 1, end - k - 2, dq);
		*i = end;
		return;
	}
	if (k < len && t[k] == '{') {
		expand_braced(e, t + k + 1, end - k - 2, dq);
		*i = end;
		return;
	}
	size_t n = 0;

	if (k < len && (isalpha((unsigned char)t[k]) || t[k] == '_')) {
		while (k + n < len && (isalnum((unsigned char)t[k + n]) || t[k + n] == '_'))
			n++;
	} else if (k < len && (isdigit((unsigned char)t[k]) || is_special(t[k]))) {
		n = 1;
	} else {
		add(e, '$', dq ? F_QUOTED : lit);	/* a lone $ */
		*i = k;
		return;
	}
	*i = k + n;
	if (n == 1 && (t[k] == '@' || t[k] == '*')) {
		add_params(e, dq, t[k] == '*');
		return;
	}
	const char *v = param_value(t + k, n, &tmp);

	if (v)
		add_value(e, v, dq);
	else if (sh.opt_nounset)
		param_error(e, t + k, n, "parameter not set");
	free(tmp);
}

/* `...`: backslash keeps its meaning only before $ ` \ (and " inside "). */
static void expand_backquote(struct exp *e, const char *t, size_t len, size_t *i, int dq)
{
	long end = scan_backquote(t, len, *i + 1);
	struct sbuf b = { 0 };

	if (end < 0)
		end = len;
	for (size_t k = *i + 1; k + 1 < (size_t)end; k++) {
		if (t[k] == '\\' && k + 2 < (size_t)end &&
		    (strchr("$`\\", t[k + 1]) || (dq && t[k + 1] == '"')))
			k++;
		sb_addc(&b, t[k]);
	}
	char *out = command_subst(b.s ? b.s : "", b.len);

	add_value(e, out, dq);
	free(out);
	free(b.s);
	*i = end;
}

/*
 * Expands t[0..len) into e. dq: 0 unquoted, 1 inside "...", 2 a
 * here-document body (like "..." but a " is an ordinary character).
 * lit: the flags for literal characters (F_SPLIT inside ${x:-word}).
 */
static void expand_part(struct exp *e, const char *t, size_t len, int dq,
			unsigned char lit)
{
	size_t i = 0;

	while (i < len && !e->err) {
		char c = t[i];

		if (c == '$') {
			expand_dollar(e, t, len, &i, dq, lit);
		} else if (c == '`') {
			expand_backquote(e, t, len, &i, dq);
		} else if (c == '\\') {
			if (i + 1 >= len) {
				add(e, c, F_QUOTED);
				i++;
			} else if (!dq || strchr(dq == 1 ? "$`\"\\\n" : "$`\\\n", t[i + 1])) {
				if (t[i + 1] != '\n')
					add(e, t[i + 1], F_QUOTED);
				i += 2;
			} else {
				add(e, c, F_QUOTED);
				i++;
			}
		} else if (dq) {
			add(e, c, F_QUOTED);
			i++;
		} else if (c == '\'') {
			size_t j = i + 1;

			while (j < len && t[j] != '\'')
				add(e, t[j++], F_QUOTED);
			add(e, 0, F_MARK);
			i = j + 1;
		} else if (c == '"') {
			long j = scan_dquote(t, len, i + 1);
			size_t before = e->len;
			int at = e->at_count;

			if (j < 0)
				j = len + 1;
			expand_part(e, t + i + 1, j - i - 2, 1, 0);
			if (e->len == before && e->at_count == at)
				add(e, 0, F_MARK);
			i = j;
		} else {
			add(e, c, lit);
			i++;
		}
	}
}

/* ~ and ~/... at the start of a word: $HOME; ~+ $PWD, ~- $OLDPWD. */
static size_t expand_tilde(struct exp *e, const char *w)
{
	size_t n = 1;
	const char *v = NULL;

	if (w[0] != '~')
		return 0;
	while (w[n] && w[n] != '/')
		n++;
	if (n == 1)
		v = var_get("HOME");
	else if (n == 2 && w[1] == '+')
		v = var_get("PWD");
	else if (n == 2 && w[1] == '-')
		v = var_get("OLDPWD");
	if (!v)
		return 0;
	add_str(e, v, F_QUOTED);
	add(e, 0, F_MARK);
	return n;
}

int expand_words(char **words, int n, struct strvec *out)
{
	for (int i = 0; i < n; i++) {
		struct exp e = { 0 };
		size_t skip = expand_tilde(&e, words[i]);

		expand_part(&e, words[i] + skip, strlen(words[i]) - skip, 0, 0);
		if (e.err) {
			exp_free(&e);
			return -1;
		}
		finish_fields(&e, out);
		exp_free(&e);
	}
	return 0;
}

char *expand_str(const char *word)
{
	struct exp e = { 0 };
	size_t skip = expand_tilde(&e, word);
	char *s;

	expand_part(&e, word + skip, strlen(word) - skip, 0, 0);
	s = e.err ? NULL : finish_str(&e);
	exp_free(&e);
	return s;
}

char *expand_pattern(const char *word)
{
	struct exp e = { 0 };
	size_t skip = expand_tilde(&e, word);
	char *s;

	expand_part(&e, word + skip, strlen(word) - skip, 0, 0);
	s = e.err ? NULL : finish_pattern(&e);
	exp_free(&e);
	return s;
}

char *expand_heredoc(const char *body)
{
	struct exp e = { 0 };
	char *s;

	expand_part(&e, body, strlen(body), 2, 0);
	s = e.err ? NULL : finish_str(&e);
	exp_free(&e);
	return s;
}
