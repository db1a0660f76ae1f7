/*
 * parse.c — recursive descent over the POSIX shell grammar (a subset):
 *
 *   list      := and_or ((';' | '&' | NEWLINE) and_or)*
 *   and_or    := pipeline (('&&' | '||') NEWLINE* pipeline)*
 *   pipeline  := ['!'] command ('|' NEWLINE* command)*
 *   command   := simple | '(' list ')' | '{' list '}' | if | while | until
 *              | for | case | NAME '(' ')' command     (each compound with
 *                                                      redirections after)
 *   simple    := (ASSIGNMENT | REDIR)* (WORD | REDIR)*
 *
 * Every node and string lives in the parse's arena, so an error anywhere
 * just returns NULL and the caller drops the arena. Reaching the end of the
 * text where more is needed sets "incomplete" rather than an error: the run
 * loop then reads another line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sh.h"

struct parser {
	struct lexer lx;
	struct arena *a;
	const char *err;
	int incomplete;
	size_t last_end;
	char errbuf[96];
};

/* A temporary growable array of pointers, copied into the arena at the end. */
struct pvec {
	void **v;
	int n, cap;
};

static void pv_push(struct pvec *pv, void *p)
{
	if (pv->n == pv->cap) {
		pv->cap = pv->cap ? pv->cap * 2 : 8;
		pv->v = sh_realloc(pv->v, pv->cap * sizeof(void *));
	}
	pv->v[pv->n++] = p;
}

static void *pv_finish(struct parser *p, struct pvec *pv)
{
	void **d = arena_alloc(p->a, (pv->n + 1) * sizeof(void *));

	if (pv->n)
		memcpy(d, pv->v, pv->n * sizeof(void *));
	free(pv->v);
	pv->v = NULL;
	return d;
}

static struct token *peek(struct parser *p)
{
	return lex_peek(&p->lx);
}

static struct token *next(struct parser *p)
{
	struct token *t = lex_next(&p->lx);

	p->last_end = t->end;
	return t;
}

static int is_kw(struct token *t, const char *kw)
{
	return t->type == T_WORD && !strcmp(t->word, kw);
}

static const char *tok_name(struct token *t)
{
	static const char *const names[] = {
		[T_EOF] = "end of file", [T_NEWLINE] = "newline", [T_SEMI] = ";",
		[T_DSEMI] = ";;", [T_AMP] = "&", [T_PIPE] = "|", [T_AND] = "&&",
		[T_OR] = "||", [T_LPAREN] = "(", [T_RPAREN] = ")",
		[T_REDIR] = "redirection",
	};

	return t->type == T_WORD ? t->word : names[t->type];
}

/* Records a syntax error at token t (or the lexer's own); returns NULL. */
static void *fail(struct parser *p, struct token *t)
{
	if (p->err)
		return NULL;
	if (p->lx.err) {
		p->err = p->lx.err;
		p->incomplete = p->lx.incomplete;
	} else if (t->type == T_EOF) {
		p->err = "unexpected end of file";
		p->incomplete = 1;
	} else {
		snprintf(p->errbuf, sizeof(p->errbuf), "unexpected '%.60s'", tok_name(t));
		p->err = p->errbuf;
	}
	return NULL;
}

static int expect_kw(struct parser *p, const char *kw)
{
	struct token *t = peek(p);

	if (!is_kw(t, kw)) {
		fail(p, t);
		return -1;
	}
	next(p);
	return 0;
}

static void skip_newlines(struct parser *p)
{
	while (peek(p)->type == T_NEWLINE)
		next(p);
}

static struct node *mknode(struct parser *p, enum node_kind kind, struct node *a,
			   struct node *b)
{
	struct node *n = arena_alloc(p->a, sizeof(*n));

	n->kind = kind;
	n->a = a;
	n->b = b;
	return n;
}

static char *text_from(struct parser *p, size_t start)
{
	size_t end = p->last_end > start ? p->last_end : start;

	return arena_strndup(p->a, p->lx.src + start, end - start);
}

static int is_terminator(struct token *t)
{
	static const char *const kws[] = {
		"then", "else", "elif", "fi", "do", "done", "esac", "}",
	};

	if (t->type == T_EOF || t->type == T_RPAREN || t->type == T_DSEMI)
		return 1;
	for (size_t i = 0; i < sizeof(kws) / sizeof(kws[0]); i++)
		if (is_kw(t, kws[i]))
			return 1;
	return 0;
}

static struct node *parse_and_or(struct parser *p);
static struct node *parse_command(struct parser *p);

/* A possibly empty list; NULL with p->err set on errors. */
static struct node *parse_list(struct parser *p)
{
	struct node *list = NULL;

	for (;;) {
		skip_newlines(p);
		struct token *t = peek(p);

		if (is_terminator(t))
			break;
		struct node *n = parse_and_or(p);

		if (!n)
			return NULL;
		t = peek(p);
		if (t->type == T_AMP) {
			next(p);
			n = mknode(p, N_BG, n, NULL);
			n->text = n->a->text;
		} else if (t->type == T_SEMI) {
			next(p);
		} else if (t->type != T_NEWLINE) {
			list = list ? mknode(p, N_SEQ, list, n) : n;
			break;
		}
		list = list ? mknode(p, N_SEQ, list, n) : n;
	}
	if (p->lx.err)
		return fail(p, peek(p));
	return list;
}

/* A list that must not be empty (bodies of compound commands). */
static struct node *parse_body(struct parser *p)
{
	struct node *n = parse_list(p);

	if (!n && !p->err)
		fail(p, peek(p));
	return n;
}

static struct node *parse_pipeline(struct parser *p)
{
	struct pvec kids = { 0 };
	size_t start = peek(p)->start;
	int negate = 0;
	struct node *n;

	if (is_kw(peek(p), "!")) {
		next(p);
		negate = 1;
	}
	for (;;) {
		n = parse_command(p);
		if (!n) {
			free(kids.v);
			return NULL;
		}
		pv_push(&kids, n);
		if (peek(p)->type != T_PIPE)
			break;
		next(p);
		skip_newlines(p);
	}
	if (kids.n > 1) {
		n = mknode(p, N_PIPE, NULL, NULL);
		n->nkids = kids.n;
		n->kids = pv_finish(p, &kids);
	} else {
		free(kids.v);
	}
	n->text = text_from(p, start);
	if (negate) {
		n = mknode(p, N_NOT, n, NULL);
		n->text = text_from(p, start);
	}
	return n;
}

static struct node *parse_and_or(struct parser *p)
{
	size_t start = peek(p)->start;
	struct node *n = parse_pipeline(p);

	while (n) {
		struct token *t = peek(p);
		enum node_kind kind = t->type == T_AND ? N_AND : N_OR;

		if (t->type != T_AND && t->type != T_OR)
			break;
		next(p);
		skip_newlines(p);
		struct node *r = parse_pipeline(p);

		if (!r)
			return NULL;
		n = mknode(p, kind, n, r);
		n->text = text_from(p, start);
	}
	return n;
}

static int parse_redirs(struct parser *p, struct redir ***tail)
{
	while (peek(p)->type == T_REDIR) {
		struct redir *r = next(p)->redir;

		**tail = r;
		*tail = &r->next;
	}
	return p->lx.err ? -1 : 0;
}

/* After "if" or "elif": condition, then-part and the rest up to "fi". */
static struct node *parse_if(struct parser *p)
{
	struct node *n = mknode(p, N_IF, NULL, NULL);

	if (!(n->a = parse_body(p)) || expect_kw(p, "then") < 0 ||
	    !(n->b = parse_body(p)))
		return NULL;
	if (is_kw(peek(p), "elif")) {
		next(p);
		n->c = parse_if(p);
		return n->c ? n : NULL;
	}
	if (is_kw(peek(p), "else")) {
		next(p);
		if (!(n->c = parse_body(p)))
			return NULL;
	}
	return expect_kw(p, "fi") < 0 ? NULL : n;
}

static struct node *parse_loop(struct parser *p, enum node_kind kind)
{
	struct node *n = mknode(p, kind, NULL, NULL);

	if (!(n->a = parse_body(p)) || expect_kw(p, "do") < 0 ||
	    !(n->b = parse_body(p)) || expect_kw(p, "done") < 0)
		return NULL;
	return n;
}

static struct node *parse_for(struct parser *p)
{
	struct node *n = mknode(p, N_FOR, NULL, NULL);
	struct token *t = next(p);
	struct pvec words = { 0 };

	if (t->type != T_WORD || !lex_is_name(t->word, strlen(t->word)))
		return fail(p, t);
	n->name = t->word;
	n->nwords = -1;
	skip_newlines(p);
	if (is_kw(peek(p), "in")) {
		next(p);
		while ((t = peek(p))->type == T_WORD) {
			pv_push(&words, next(p)->word);
		}
		n->nwords = words.n;
		n->words = pv_finish(p, &words);
		if (t->type != T_SEMI && t->type != T_NEWLINE)
			return fail(p, t);
		next(p);
	} else if (peek(p)->type == T_SEMI) {
		next(p);
	}
	skip_newlines(p);
	if (expect_kw(p, "do") < 0 || !(n->b = parse_body(p)) ||
	    expect_kw(p, "done") < 0)
		return NULL;
	return n;
}

static struct case_item *parse_case_item(struct parser *p)
{
	struct case_item *ci = arena_alloc(p->a, sizeof(*ci));
	struct pvec pats = { 0 };
	struct token *t;

	if (peek(p)->type == T_LPAREN)
		next(p);
	for (;;) {
		t = next(p);
		if (t->type != T_WORD) {
			free(pats.v);
			return fail(p, t);
		}
		pv_push(&pats, t->word);
		t = next(p);
		if (t->type == T_RPAREN)
			break;
		if (t->type != T_PIPE) {
			free(pats.v);
			return fail(p, t);
		}
	}
	ci->npats = pats.n;
	ci->pats = pv_finish(p, &pats);
	ci->body = parse_list(p);
	if (p->err)
		return NULL;
	t = peek(p);
	if (t->type == T_DSEMI) {
		next(p);
		skip_newlines(p);
	} else if (!is_kw(t, "esac")) {
		return fail(p, t);
	}
	return ci;
}

static struct node *parse_case(struct parser *p)
{
	struct node *n = mknode(p, N_CASE, NULL, NULL);
	struct case_item **tail = &n->items;
	struct token *t = next(p);

	if (t->type != T_WORD)
		return fail(p, t);
	n->words = arena_alloc(p->a, 2 * sizeof(char *));
	n->words[0] = t->word;
	n->nwords = 1;
	skip_newlines(p);
	if (expect_kw(p, "in") < 0)
		return NULL;
	skip_newlines(p);
	while (!is_kw(peek(p), "esac")) {
		struct case_item *ci;

		if (peek(p)->type == T_EOF)
			return fail(p, peek(p));
		if (!(ci = parse_case_item(p)))
			return NULL;
		*tail = ci;
		tail = &ci->next;
	}
	next(p);
	return n;
}

static struct node *parse_group(struct parser *p, enum node_kind kind)
{
	struct node *n = mknode(p, kind, NULL, NULL);

	if (!(n->a = parse_body(p)))
		return NULL;
	if (kind == N_GROUP)
		return expect_kw(p, "}") < 0 ? NULL : n;
	if (peek(p)->type != T_RPAREN)
		return fail(p, peek(p));
	next(p);
	return n;
}

static struct node *parse_compound(struct parser *p, struct token *t)
{
	if (t->type == T_LPAREN) {
		next(p);
		return parse_group(p, N_SUBSHELL);
	}
	if (t->type != T_WORD)
		return NULL;
	if (is_kw(t, "{")) {
		next(p);
		return parse_group(p, N_GROUP);
	}
	if (is_kw(t, "if")) {
		next(p);
		return parse_if(p);
	}
	if (is_kw(t, "while") || is_kw(t, "until")) {
		enum node_kind kind = is_kw(t, "while") ? N_WHILE : N_UNTIL;

		next(p);
		return parse_loop(p, kind);
	}
	if (is_kw(t, "for")) {
		next(p);
		return parse_for(p);
	}
	if (is_kw(t, "case")) {
		next(p);
		return parse_case(p);
	}
	return NULL;
}

static int is_assignment(const char *w)
{
	const char *eq = strchr(w, '=');

	return eq && lex_is_name(w, eq - w);
}

static struct node *parse_funcdef(struct parser *p, char *name)
{
	struct node *n = mknode(p, N_FUNC, NULL, NULL);

	next(p);			/* ( */
	if (peek(p)->type != T_RPAREN)
		return fail(p, peek(p));
	next(p);
	skip_newlines(p);
	n->name = name;
	n->a = parse_command(p);
	if (n->a && n->a->kind == N_CMD)
		return fail(p, peek(p));	/* the body must be compound */
	return n->a ? n : NULL;
}

static struct node *parse_simple(struct parser *p)
{
	struct node *n = mknode(p, N_CMD, NULL, NULL);
	struct pvec words = { 0 }, assigns = { 0 };
	struct redir **tail = &n->redirs;
	struct token *t;

	for (;;) {
		t = peek(p);
		if (t->type == T_REDIR) {
			struct redir *r = next(p)->redir;

			*tail = r;
			tail = &r->next;
		} else if (t->type == T_WORD) {
			char *w = next(p)->word;

			if (!words.n && is_assignment(w)) {
				pv_push(&assigns, w);
			} else if (!words.n && !assigns.n && !n->redirs &&
				   peek(p)->type == T_LPAREN && lex_is_name(w, strlen(w))) {
				free(words.v);
				return parse_funcdef(p, w);
			} else {
				pv_push(&words, w);
			}
		} else {
			break;
		}
	}
	if (p->lx.err || (!words.n && !assigns.n && !n->redirs)) {
		free(words.v);
		free(assigns.v);
		return fail(p, t);
	}
	n->nwords = words.n;
	n->words = pv_finish(p, &words);
	n->nassigns = assigns.n;
	n->assigns = pv_finish(p, &assigns);
	return n;
}

static struct node *parse_command(struct parser *p)
{
	struct token *t = peek(p);
	struct node *n = parse_compound(p, t);
	struct redir **tail;

	if (p->err)
		return NULL;
	if (!n)
		return parse_simple(p);
	tail = &n->redirs;
	if (parse_redirs(p, &tail) < 0)
		return fail(p, peek(p));
	return n;
}

enum parse_result parse_program(const char *src, size_t len, struct arena *a,
				struct node **out, const char **err)
{
	struct parser p;

	memset(&p, 0, sizeof(p));
	lex_init(&p.lx, src, len, a);
	p.a = a;
	*out = parse_list(&p);
	if (!p.err && peek(&p)->type != T_EOF)
		fail(&p, peek(&p));
	if (!p.err && p.lx.err)
		fail(&p, peek(&p));
	if (p.err) {
		/* the message must outlive the parser */
		*err = p.err == p.errbuf ? arena_strndup(a, p.errbuf, strlen(p.errbuf)) : p.err;
		*out = NULL;
		return p.incomplete ? P_INCOMPLETE : P_ERROR;
	}
	return P_OK;
}
