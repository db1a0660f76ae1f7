/*
 * util.c — memory, growable strings and vectors, parse arenas, output.
 *
 * Output goes straight to descriptors with write(): builtins run with
 * redirections that are undone afterwards and children are forked at any
 * time, so there must never be data waiting in a stdio buffer.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sh.h"

void *sh_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		sh_write_all(2, "sh: out of memory\n", 18);
		_exit(2);
	}
	return p;
}

void *sh_realloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		sh_write_all(2, "sh: out of memory\n", 18);
		_exit(2);
	}
	return p;
}

char *sh_strndup(const char *s, size_t n)
{
	char *d = sh_malloc(n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *sh_strdup(const char *s)
{
	return sh_strndup(s, strlen(s));
}

void sv_push(struct strvec *sv, char *s)
{
	if (sv->n + 2 > sv->cap) {
		sv->cap = sv->cap ? sv->cap * 2 : 8;
		sv->v = sh_realloc(sv->v, sv->cap * sizeof(char *));
	}
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL;
}

void sv_free(struct strvec *sv)
{
	for (int i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = sv->cap = 0;
}

static void sb_grow(struct sbuf *b, size_t extra)
{
	if (b->len + extra + 1 <= b->cap)
		return;
	while (b->len + extra + 1 > b->cap)
		b->cap = b->cap ? b->cap * 2 : 64;
	b->s = sh_realloc(b->s, b->cap);
}

void sb_addn(struct sbuf *b, const char *s, size_t n)
{
	sb_grow(b, n);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void sb_addc(struct sbuf *b, char c)
{
	sb_addn(b, &c, 1);
}

void sb_adds(struct sbuf *b, const char *s)
{
	sb_addn(b, s, strlen(s));
}

char *sb_take(struct sbuf *b)
{
	char *s = b->s ? b->s : sh_strdup("");

	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

/* ---- arenas ---- */

struct chunk {
	struct chunk *next;
	size_t used, size;
	_Alignas(16) unsigned char data[];
};

struct arena {
	struct chunk *head;
	int refs;
};

struct arena *arena_new(void)
{
	struct arena *a = sh_malloc(sizeof(*a));

	a->head = NULL;
	a->refs = 1;
	return a;
}

void *arena_alloc(struct arena *a, size_t n)
{
	struct chunk *c = a->head;

	n = (n + 15) & ~(size_t)15;
	if (!c || c->used + n > c->size) {
		size_t size = n > 4000 ? n : 4000;

		c = sh_malloc(sizeof(*c) + size);
		c->size = size;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	void *p = c->data + c->used;

	c->used += n;
	memset(p, 0, n);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *d = arena_alloc(a, n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

void arena_ref(struct arena *a)
{
	a->refs++;
}

void arena_unref(struct arena *a)
{
	if (!a || --a->refs > 0)
		return;
	while (a->head) {
		struct chunk *c = a->head;

		a->head = c->next;
		free(c);
	}
	free(a);
}

/* ---- output ---- */

int sh_write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		n -= w;
	}
	return 0;
}

ssize_t sh_read(int fd, void *buf, size_t n)
{
	ssize_t r;

	do
		r = read(fd, buf, n);
	while (r < 0 && errno == EINTR);
	return r;
}

static int sh_vprintf(int fd, const char *fmt, va_list ap)
{
	char small[256];
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	if (n < 0) {
		va_end(ap2);
		return -1;
	}
	if ((size_t)n < sizeof(small)) {
		va_end(ap2);
		return sh_write_all(fd, small, n);
	}
	char *big = sh_malloc(n + 1);

	vsnprintf(big, n + 1, fmt, ap2);
	va_end(ap2);
	int r = sh_write_all(fd, big, n);

	free(big);
	return r;
}

int sh_printf(int fd, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = sh_vprintf(fd, fmt, ap);
	va_end(ap);
	return r;
}

/* "sh: " and the message; one write so lines from processes do not mix. */
void sh_error(const char *fmt, ...)
{
	struct sbuf b = { 0 };
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sb_adds(&b, "sh: ");
	sb_adds(&b, msg);
	sb_addc(&b, '\n');
	sh_write_all(2, b.s, b.len);
	free(b.s);
}
