/*
 * servers/console/ldisc.h — the console's line discipline: what the
 * bytes typed become before a program reads them (canonical line editing,
 * echo, CR/NL mapping, MIN/TIME in raw mode). Pure C on Exo's own termios
 * values (exo/dev.h): no host calls, so it behaves the same whatever the
 * host's stdin is.
 *
 * The input queue q holds, in order, the readable bytes and then (canonical
 * mode) the line being edited. In canonical mode ends[] says where each
 * complete line ends; a line ended by EOF at its start is empty and reads as
 * end of file. In raw mode every byte in q is readable.
 */
#ifndef CON_LDISC_H
#define CON_LDISC_H

#include <stddef.h>
#include <stdint.h>

#include <exo/dev.h>

#define CON_QUEUE (64u * 1024u) /* input bytes held; more is dropped */
#define CON_LINE_MAX 4096u      /* a canonical line (MAX_CANON) */
#define CON_LINES 512u          /* complete lines held */
#define CON_ECHO_MAX 8192u      /* echo collected per batch of input */

struct con_termios {
	uint32_t iflag, oflag, cflag, lflag, speed;
	uint8_t cc[DTC_COUNT];
};

struct con_ld {
	struct con_termios t;
	char q[CON_QUEUE];
	size_t len;                /* bytes in q */
	uint32_t ends[CON_LINES];  /* canonical: offsets in q where complete lines end */
	size_t nends;
	int eof;                   /* the host input ended */
	char echo[CON_ECHO_MAX];   /* echo for the caller to write to the host */
	size_t necho;
	uint32_t sigs;             /* ISIG: bit s for each Exo signal s typed (INTR, QUIT, SUSP) */
};

/* The defaults of a terminal; echo on or off. */
void con_ld_init(struct con_ld *ld, int echo);

/* Feed bytes read from the host through the discipline (echo collects in ld->echo). */
void con_ld_input(struct con_ld *ld, const char *p, size_t n);

/* The host input ended: a partial line becomes readable, then reads get 0. */
void con_ld_hangup(struct con_ld *ld);

/* Bytes readable now (FIONREAD). */
size_t con_ld_ready(const struct con_ld *ld);

/* Whether a read now returns 0 at once: EOF typed at a line's start, or the input ended. */
int con_ld_at_eof(const struct con_ld *ld);

/*
 * A read of up to count bytes into out: the bytes given (0: end of file, or
 * nothing after an expired VTIME), or -1 when the read must wait. `expired`:
 * the reader's VTIME ran out, so it takes what there is.
 */
long con_ld_read(struct con_ld *ld, char *out, size_t count, int expired);

/* Check new attributes: 0 or -XE_EINVAL. */
int con_ld_check(const struct con_termios *t);

/* Take checked attributes; input already queued follows the new mode. */
void con_ld_set(struct con_ld *ld, const struct con_termios *t);

/* Drop the queued input (TCFLUSH, TCSAFLUSH). */
void con_ld_flush(struct con_ld *ld);

#endif
