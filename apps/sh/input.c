/*
 * input.c — lines of shell input from a descriptor or a string.
 *
 * A shell reading its standard input shares it with the commands it runs
 * (`sh < script` where the script runs `read` or `cat`), so it reads that
 * descriptor one byte at a time and never takes more than the current line.
 * Files the shell opened itself are read a buffer at a time.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sh.h"

volatile sig_atomic_t input_sigint;

void input_from_fd(struct input *in, int fd, int shared, int prompt)
{
	memset(in, 0, sizeof(*in));
	in->kind = IN_FD;
	in->fd = fd;
	in->byte_at_a_time = shared;
	in->prompt = prompt;
}

void input_from_string(struct input *in, const char *s)
{
	memset(in, 0, sizeof(*in));
	in->kind = IN_STRING;
	in->fd = -1;
	in->str = s;
	in->len = strlen(s);
}

static void print_prompt(int continuation)
{
	const char *ps = var_get(continuation ? "PS2" : "PS1");
	char *p;

	if (!ps)
		ps = continuation ? "> " : "$ ";
	p = expand_str(ps);
	if (p) {
		sh_write_all(2, p, strlen(p));
		free(p);
	}
}

/* One byte into *c: 1, 0 at EOF, -1 on error, -2 when SIGINT came. */
static int get_byte(struct input *in, char *c)
{
	if (in->bpos < in->blen) {
		*c = in->buf[in->bpos++];
		return 1;
	}
	for (;;) {
		size_t want = in->byte_at_a_time ? 1 : sizeof(in->buf);
		ssize_t r = read(in->fd, in->buf, want);

		if (r < 0 && errno == EINTR) {
			if (input_sigint) {
				input_sigint = 0;
				return -2;
			}
			continue;
		}
		if (r <= 0)
			return r < 0 ? -1 : 0;
		in->bpos = 1;
		in->blen = r;
		*c = in->buf[0];
		return 1;
	}
}

static char *line_from_string(struct input *in)
{
	size_t start = in->pos;

	if (in->pos >= in->len)
		return NULL;
	while (in->pos < in->len && in->str[in->pos] != '\n')
		in->pos++;
	if (in->pos < in->len)
		in->pos++;
	return sh_strndup(in->str + start, in->pos - start);
}

char *input_line(struct input *in, int continuation, int *interrupted)
{
	struct sbuf b = { 0 };
	char c;
	int r;

	*interrupted = 0;
	in->lineno++;
	if (in->kind == IN_STRING)
		return line_from_string(in);
	if (in->eof)
		return NULL;
	if (in->prompt) {
		jobs_notify();
		print_prompt(continuation);
	}
	while ((r = get_byte(in, &c)) == 1) {
		if (c == '\0')
			continue;	/* a NUL cannot be part of a C string */
		sb_addc(&b, c);
		if (c == '\n')
			return sb_take(&b);
	}
	if (r == -2) {
		free(b.s);
		*interrupted = 1;
		return NULL;
	}
	in->eof = 1;
	if (b.len)
		return sb_take(&b);
	return NULL;
}
