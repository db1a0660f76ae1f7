/*
 * lex.c — the tokenizer.
 *
 * Words keep their quotes and expansions as written: quote removal and
 * expansion happen later (expand.c), when the values are known. The lexer
 * only finds where a word ends, which needs the same nesting rules for
 * '...', "...", \x, $(...), ${...} and `...`; the scan_* helpers implement
 * those and expand.c reuses them.
 *
 * Running out of text inside a construct is not an error but "incomplete":
 * the run loop reads another line and parses again. Here-document bodies
 * are read from the text after the newline that ends their command line.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "sh.h"

static long scan_squote(const char *s, size_t len, size_t i)
{
	while (i < len && s[i] != '\'')
		i++;
	return i < len ? (long)i + 1 : -1;
}

long scan_backquote(const char *s, size_t len, size_t i)
{
	while (i < len && s[i] != '`') {
		if (s[i] == '\\')
			i++;
		i++;
	}
	return i < len ? (long)i + 1 : -1;
}

long scan_dquote(const char *s, size_t len, size_t i)
{
	long j;

	while (i < len && s[i] != '"') {
		switch (s[i]) {
		case '\\':
			i += 2;
			break;
		case '$':
			j = scan_dollar(s, len, i);
			if (j < 0)
				return -1;
			i = j;
			break;
		case '`':
			j = scan_backquote(s, len, i + 1);
			if (j < 0)
				return -1;
			i = j;
			break;
		default:
			i++;
		}
	}
	return i < len ? (long)i + 1 : -1;
}

/* Skips quotes and nested substitutions: the index after the one at i. */
static long scan_nested(const char *s, size_t len, size_t i)
{
	switch (s[i]) {
	case '\\':
		return i + 2 <= len ? (long)i + 2 : (long)len;
	case '\'':
		return scan_squote(s, len, i + 1);
	case '"':
		return scan_dquote(s, len, i + 1);
	case '`':
		return scan_backquote(s, len, i + 1);
	case '$':
		return scan_dollar(s, len, i);
	}
	return i + 1;
}

/* $( ... ) and $(( ... )): i is after "$(", depth 1 open. */
static long scan_parens(const char *s, size_t len, size_t i)
{
	int depth = 1;

	while (i < len) {
		char c = s[i];

		if (c == '(') {
			depth++;
		} else if (c == ')') {
			if (--depth == 0)
				return i + 1;
		} else if (c == '#' && (i == 0 || strchr(" \t\n;", s[i - 1]))) {
			while (i < len && s[i] != '\n')
				i++;
			continue;
		} else if (strchr("\\'\"`$", c)) {
			long j = scan_nested(s, len, i);

			if (j < 0)
				return -1;
			i = j;
			continue;
		}
		i++;
	}
	return -1;
}

static long scan_braces(const char *s, size_t len, size_t i)
{
	while (i < len && s[i] != '}') {
		long j = scan_nested(s, len, i);

		if (j < 0)
			return -1;
		i = j;
	}
	return i < len ? (long)i + 1 : -1;
}

long scan_dollar(const char *s, size_t len, size_t i)
{
	if (i + 1 >= len)
		return i + 1;
	if (s[i + 1] == '(')
		return scan_parens(s, len, i + 2);
	if (s[i + 1] == '{')
		return scan_braces(s, len, i + 2);
	return i + 1;
}

int lex_is_name(const char *s, size_t n)
{
	if (n == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '_'))
			return 0;
	return 1;
}

void lex_init(struct lexer *lx, const char *src, size_t len, struct arena *a)
{
	memset(lx, 0, sizeof(*lx));
	lx->src = src;
	lx->len = len;
	lx->arena = a;
}

static int is_meta(char c)
{
	return strchr(" \t\n;&|<>()", c) != NULL;
}

/* Copies a word, dropping backslash-newline line continuations. */
static char *copy_word(struct lexer *lx, size_t start, size_t end, int *quoted)
{
	char *d = arena_alloc(lx->arena, end - start + 1);
	const char *s = lx->src;
	int sq = 0, dq = 0;
	size_t n = 0;

	*quoted = 0;
	for (size_t i = start; i < end; i++) {
		if (s[i] == '\\' && !sq) {
			*quoted = 1;
			if (i + 1 < end && s[i + 1] == '\n') {
				i++;
				continue;
			}
			d[n++] = s[i++];
			if (i < end)
				d[n++] = s[i];
			continue;
		}
		if (s[i] == '\'' && !dq) {
			sq = !sq;
			*quoted = 1;
		} else if (s[i] == '"' && !sq) {
			dq = !dq;
			*quoted = 1;
		}
		d[n++] = s[i];
	}
	d[n] = '\0';
	return d;
}

/* The end of the word at pos, or -1 (incomplete) with lx->err set. */
static long scan_word(struct lexer *lx, size_t i)
{
	const char *s = lx->src;

	while (i < lx->len && !is_meta(s[i])) {
		long j = scan_nested(s, lx->len, i);

		if (j < 0 || (s[i] == '\\' && i + 1 < lx->len && s[i + 1] == '\n' &&
			      (size_t)j == lx->len)) {
			lx->incomplete = 1;
			lx->err = s[i] == '$' || s[i] == '\\' ?
				"unexpected end of file" : "unterminated quote";
			return -1;
		}
		i = j;
	}
	return i;
}

static void skip_blanks(struct lexer *lx)
{
	const char *s = lx->src;

	while (lx->pos < lx->len) {
		char c = s[lx->pos];

		if (c == ' ' || c == '\t') {
			lx->pos++;
		} else if (c == '\\' && lx->pos + 1 < lx->len && s[lx->pos + 1] == '\n') {
			lx->pos += 2;
		} else if (c == '#') {
			while (lx->pos < lx->len && s[lx->pos] != '\n')
				lx->pos++;
		} else {
			break;
		}
	}
}

/* A here-document delimiter is its word with the quotes removed. */
static char *unquote_delim(struct lexer *lx, const char *w)
{
	size_t n = strlen(w), k = 0;
	char *d = arena_alloc(lx->arena, n + 1);

	for (size_t i = 0; i < n; i++) {
		if (w[i] == '\'' || w[i] == '"')
			continue;
		if (w[i] == '\\' && i + 1 < n)
			i++;
		d[k++] = w[i];
	}
	d[k] = '\0';
	return d;
}

/* Reads the bodies of pending here-documents from the text at lx->pos. */
static int read_heredocs(struct lexer *lx)
{
	for (int h = 0; h < lx->nhd; h++) {
		struct pending_heredoc *p = &lx->hd[h];
		struct sbuf body = { 0 };
		size_t dlen = strlen(p->delim);

		for (;;) {
			size_t ls = lx->pos, le;

			if (ls >= lx->len) {
				free(body.s);
				lx->incomplete = 1;
				lx->err = "unterminated here-document";
				return -1;
			}
			if (p->strip_tabs)
				while (ls < lx->len && lx->src[ls] == '\t')
					ls++;
			le = ls;
			while (le < lx->len && lx->src[le] != '\n')
				le++;
			if (le == lx->len && !(le - ls == dlen &&
					       !memcmp(lx->src + ls, p->delim, dlen))) {
				/* a last line without newline may still grow */
				free(body.s);
				lx->incomplete = 1;
				lx->err = "unterminated here-document";
				return -1;
			}
			lx->pos = le < lx->len ? le + 1 : le;
			if (le - ls == dlen && !memcmp(lx->src + ls, p->delim, dlen))
				break;
			sb_addn(&body, lx->src + ls, le - ls);
			sb_addc(&body, '\n');
		}
		p->r->word = arena_strndup(lx->arena, body.s ? body.s : "", body.len);
		free(body.s);
	}
	lx->nhd = 0;
	return 0;
}

static int lex_redir(struct lexer *lx, struct token *t, int fd)
{
	const char *s = lx->src;
	size_t i = lx->pos;
	struct redir *r = arena_alloc(lx->arena, sizeof(*r));
	int heredoc = 0, strip = 0;

	if (s[i] == '<') {
		r->fd = 0;
		r->op = R_IN;
		if (i + 1 < lx->len && s[i + 1] == '<') {
			heredoc = 1;
			r->op = R_HEREDOC;
			i++;
			if (i + 1 < lx->len && s[i + 1] == '-') {
				strip = 1;
				i++;
			}
		} else if (i + 1 < lx->len && s[i + 1] == '&') {
			r->op = R_DUPIN;
			i++;
		} else if (i + 1 < lx->len && s[i + 1] == '>') {
			r->op = R_RDWR;
			i++;
		}
	} else {
		r->fd = 1;
		r->op = R_OUT;
		if (i + 1 < lx->len && s[i + 1] == '>') {
			r->op = R_APPEND;
			i++;
		} else if (i + 1 < lx->len && s[i + 1] == '&') {
			r->op = R_DUPOUT;
			i++;
		} else if (i + 1 < lx->len && s[i + 1] == '|') {
			i++;
		}
	}
	if (fd >= 0)
		r->fd = fd;
	lx->pos = i + 1;
	skip_blanks(lx);
	if (lx->pos >= lx->len || is_meta(lx->src[lx->pos])) {
		lx->err = lx->pos >= lx->len ? "unexpected end of file" :
			"redirection without a target";
		lx->incomplete = 0;
		return -1;
	}
	long end = scan_word(lx, lx->pos);

	if (end < 0)
		return -1;
	r->word = copy_word(lx, lx->pos, end, &r->quoted);
	lx->pos = end;
	if (heredoc) {
		if (lx->nhd == (int)(sizeof(lx->hd) / sizeof(lx->hd[0]))) {
			lx->err = "too many here-documents";
			return -1;
		}
		lx->hd[lx->nhd].r = r;
		lx->hd[lx->nhd].delim = unquote_delim(lx, r->word);
		lx->hd[lx->nhd].strip_tabs = strip;
		lx->nhd++;
	}
	t->type = T_REDIR;
	t->redir = r;
	return 0;
}

static int lex_operator(struct lexer *lx, struct token *t)
{
	const char *s = lx->src;
	size_t i = lx->pos;
	char c = s[i], d = i + 1 < lx->len ? s[i + 1] : '\0';

	lx->pos = i + 1;
	switch (c) {
	case '\n':
		t->type = T_NEWLINE;
		return lx->nhd ? read_heredocs(lx) : 0;
	case ';':
		t->type = d == ';' ? T_DSEMI : T_SEMI;
		break;
	case '&':
		t->type = d == '&' ? T_AND : T_AMP;
		break;
	case '|':
		t->type = d == '|' ? T_OR : T_PIPE;
		break;
	case '(':
		t->type = T_LPAREN;
		return 0;
	case ')':
		t->type = T_RPAREN;
		return 0;
	default:
		lx->pos = i;
		return lex_redir(lx, t, -1);
	}
	if (t->type == T_DSEMI || t->type == T_AND || t->type == T_OR)
		lx->pos++;
	return 0;
}

/* Reads the next token into lx->tok; on errors, a T_EOF with lx->err. */
static void lex_scan(struct lexer *lx)
{
	struct token *t = &lx->tok;
	long end;

	memset(t, 0, sizeof(*t));
	skip_blanks(lx);
	t->start = lx->pos;
	if (lx->pos >= lx->len) {
		t->type = T_EOF;
		if (lx->nhd && !lx->err) {
			lx->incomplete = 1;
			lx->err = "unterminated here-document";
		}
		return;
	}
	if (is_meta(lx->src[lx->pos])) {
		if (lex_operator(lx, t) < 0)
			t->type = T_EOF;
		t->end = lx->pos;
		return;
	}
	end = scan_word(lx, lx->pos);
	if (end < 0) {
		t->type = T_EOF;
		return;
	}
	/* digits right before < or > name the descriptor redirected */
	if ((size_t)end < lx->len && (lx->src[end] == '<' || lx->src[end] == '>')) {
		size_t k = lx->pos;

		while (k < (size_t)end && isdigit((unsigned char)lx->src[k]))
			k++;
		if (k == (size_t)end && end - lx->pos < 5) {
			int fd = 0;

			for (k = lx->pos; k < (size_t)end; k++)
				fd = fd * 10 + lx->src[k] - '0';
			lx->pos = end;
			if (lex_redir(lx, t, fd) < 0)
				t->type = T_EOF;
			t->end = lx->pos;
			return;
		}
	}
	t->type = T_WORD;
	t->word = copy_word(lx, lx->pos, end, &t->quoted);
	lx->pos = end;
	t->end = end;
}

struct token *lex_peek(struct lexer *lx)
{
	if (!lx->peeked) {
		lex_scan(lx);
		lx->peeked = 1;
	}
	return &lx->tok;
}

struct token *lex_next(struct lexer *lx)
{
	lex_peek(lx);
	lx->peeked = 0;
	return &lx->tok;
}
