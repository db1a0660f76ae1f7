/*
 * servers/console/ldisc.c — the line discipline (ldisc.h): canonical
 * editing (ERASE, WERASE, KILL, EOF, EOL), echo (ECHO, ECHOE, ECHOK, ECHOKE,
 * ECHONL, ECHOCTL), input mapping (ISTRIP, IGNCR, ICRNL, INLCR), and
 * raw-mode reads with VMIN/VTIME. Output mapping (OPOST, ONLCR) is the host
 * terminal's, set from these attributes by host.c.
 *
 * With ISIG, the INTR, QUIT and SUSP characters are taken out of the input
 * (and the queue flushed, unless NOFLSH) and noted in ld->sigs: the console
 * server asks the process server to signal the foreground group.
 */
#include <string.h>

#include <exo/errno.h>
#include <exo/signal.h>

#include "ldisc.h"

#define CTRL(c) ((c) & 0x1f)

void con_ld_init(struct con_ld *ld, int echo)
{
	struct con_termios *t = &ld->t;

	memset(ld, 0, sizeof(*ld));
	t->iflag = DTI_ICRNL | DTI_IUTF8;
	t->oflag = DTO_OPOST | DTO_ONLCR;
	t->cflag = DTF_CS8 | DTF_CREAD;
	t->lflag = DTL_ISIG | DTL_ICANON | DTL_ECHOE | DTL_ECHOK | DTL_ECHOCTL | DTL_ECHOKE | DTL_IEXTEN |
		   (echo ? DTL_ECHO : 0);
	t->speed = 38400;
	t->cc[DTC_VINTR] = CTRL('C');
	t->cc[DTC_VQUIT] = CTRL('\\');
	t->cc[DTC_VERASE] = 0x7f;
	t->cc[DTC_VKILL] = CTRL('U');
	t->cc[DTC_VEOF] = CTRL('D');
	t->cc[DTC_VMIN] = 1;
	t->cc[DTC_VSTART] = CTRL('Q');
	t->cc[DTC_VSTOP] = CTRL('S');
	t->cc[DTC_VSUSP] = CTRL('Z');
	t->cc[DTC_VREPRINT] = CTRL('R');
	t->cc[DTC_VDISCARD] = CTRL('O');
	t->cc[DTC_VWERASE] = CTRL('W');
	t->cc[DTC_VLNEXT] = CTRL('V');
}

static int is(const struct con_ld *ld, unsigned char c, int idx)
{
	return ld->t.cc[idx] != DT_VDISABLE && c == ld->t.cc[idx];
}

static int canonical(const struct con_ld *ld)
{
	return (ld->t.lflag & DTL_ICANON) != 0;
}

size_t con_ld_ready(const struct con_ld *ld)
{
	if (!canonical(ld))
		return ld->len;
	return ld->nends ? ld->ends[ld->nends - 1] : 0;
}

int con_ld_at_eof(const struct con_ld *ld)
{
	if (!canonical(ld))
		return ld->eof && ld->len == 0;
	return ld->nends ? ld->ends[0] == 0 : ld->eof;
}

static void put_echo(struct con_ld *ld, const char *s, size_t n)
{
	if (n > sizeof(ld->echo) - ld->necho)
		n = sizeof(ld->echo) - ld->necho; /* a flood of input loses echo, not input */
	memcpy(ld->echo + ld->necho, s, n);
	ld->necho += n;
}

/* Echo one input character: controls as ^X with ECHOCTL (not tab or newline). */
static void echo_char(struct con_ld *ld, unsigned char c)
{
	char s[2] = { '^', (char)(c ^ 0x40) };

	if ((ld->t.lflag & DTL_ECHOCTL) && (c < 0x20 || c == 0x7f) && c != '\t' && c != '\n')
		put_echo(ld, s, 2);
	else
		put_echo(ld, (const char *)&c, 1);
}

/* Columns a character took when echoed, to rub it out. */
static size_t width(const struct con_ld *ld, unsigned char c)
{
	return (ld->t.lflag & DTL_ECHOCTL) && (c < 0x20 || c == 0x7f) && c != '\t' ? 2 : 1;
}

/* Take the last character of the line being edited off the line and the screen. */
static void rub_out(struct con_ld *ld)
{
	unsigned char c = (unsigned char)ld->q[--ld->len];

	if (!(ld->t.lflag & DTL_ECHO))
		return;
	if (ld->t.lflag & DTL_ECHOE) {
		for (size_t i = width(ld, c); i > 0; i--)
			put_echo(ld, "\b \b", 3);
	} else {
		echo_char(ld, (unsigned char)ld->t.cc[DTC_VERASE]);
	}
}

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* ERASE, WERASE, KILL on the line being edited (q[ready..len)). */
static void erase(struct con_ld *ld, int what, unsigned char c)
{
	size_t start = con_ld_ready(ld);

	if (what == DTC_VKILL && (ld->t.lflag & DTL_ECHO) && !(ld->t.lflag & DTL_ECHOKE)) {
		ld->len = start;
		echo_char(ld, c);
		if (ld->t.lflag & DTL_ECHOK)
			put_echo(ld, "\n", 1);
		return;
	}
	if (what == DTC_VWERASE)
		while (ld->len > start && is_space(ld->q[ld->len - 1]))
			rub_out(ld);
	while (ld->len > start) {
		if (what == DTC_VWERASE && is_space(ld->q[ld->len - 1]))
			break;
		rub_out(ld);
		if (what == DTC_VERASE)
			break;
	}
}

/* End the line being edited: it becomes readable. */
static void end_line(struct con_ld *ld)
{
	ld->ends[ld->nends++] = (uint32_t)ld->len;
}

static void canonical_char(struct con_ld *ld, unsigned char c)
{
	uint32_t lf = ld->t.lflag;
	int eol = c == '\n' || is(ld, c, DTC_VEOL) || is(ld, c, DTC_VEOL2);

	if (is(ld, c, DTC_VERASE) || c == '\b') {
		erase(ld, DTC_VERASE, c);
	} else if (is(ld, c, DTC_VWERASE) && (lf & DTL_IEXTEN)) {
		erase(ld, DTC_VWERASE, c);
	} else if (is(ld, c, DTC_VKILL)) {
		erase(ld, DTC_VKILL, c);
	} else if (is(ld, c, DTC_VEOF)) {
		if (ld->nends < CON_LINES)
			end_line(ld); /* the line without the EOF; empty: end of file */
	} else if (eol) {
		if (ld->nends == CON_LINES || ld->len == sizeof(ld->q))
			return;
		ld->q[ld->len++] = (char)c;
		end_line(ld);
		if ((lf & DTL_ECHO) || (c == '\n' && (lf & DTL_ECHONL)))
			echo_char(ld, c);
	} else {
		if (ld->len - con_ld_ready(ld) >= CON_LINE_MAX - 1 || ld->len == sizeof(ld->q))
			return; /* the line is full: room is kept for its end */
		ld->q[ld->len++] = (char)c;
		if (lf & DTL_ECHO)
			echo_char(ld, c);
	}
}

void con_ld_input(struct con_ld *ld, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (ld->t.iflag & DTI_ISTRIP)
			c &= 0x7f;
		if (c == '\r') {
			if (ld->t.iflag & DTI_IGNCR)
				continue;
			if (ld->t.iflag & DTI_ICRNL)
				c = '\n';
		} else if (c == '\n' && (ld->t.iflag & DTI_INLCR)) {
			c = '\r';
		}
		if ((ld->t.lflag & DTL_ISIG) &&
		    (is(ld, c, DTC_VINTR) || is(ld, c, DTC_VQUIT) || is(ld, c, DTC_VSUSP))) {
			/* For the foreground group (the console server sends it on). */
			ld->sigs |= 1u << (is(ld, c, DTC_VINTR) ? EXO_SIGINT : is(ld, c, DTC_VQUIT) ? EXO_SIGQUIT
											  : EXO_SIGTSTP);
			if (!(ld->t.lflag & DTL_NOFLSH))
				con_ld_flush(ld);
			if (ld->t.lflag & DTL_ECHO)
				echo_char(ld, c);
			continue;
		}
		if (canonical(ld)) {
			canonical_char(ld, c);
		} else if (ld->len < sizeof(ld->q)) {
			ld->q[ld->len++] = (char)c;
			if (ld->t.lflag & DTL_ECHO)
				echo_char(ld, c);
		}
	}
}

void con_ld_hangup(struct con_ld *ld)
{
	ld->eof = 1;
	if (canonical(ld) && ld->len > con_ld_ready(ld) && ld->nends < CON_LINES)
		end_line(ld);
}

/* Take c bytes off the front of q. */
static void consume(struct con_ld *ld, char *out, size_t c)
{
	memcpy(out, ld->q, c);
	memmove(ld->q, ld->q + c, ld->len - c);
	ld->len -= c;
	if (!canonical(ld))
		return;
	for (size_t i = 0; i < ld->nends; i++)
		ld->ends[i] -= (uint32_t)c;
}

long con_ld_read(struct con_ld *ld, char *out, size_t count, int expired)
{
	size_t vmin = ld->t.cc[DTC_VMIN], c;

	if (count == 0)
		return 0;
	if (canonical(ld)) {
		if (ld->nends == 0)
			return ld->eof ? 0 : -1;
		c = count < ld->ends[0] ? count : ld->ends[0];
		consume(ld, out, c);
		if (ld->ends[0] == 0) {
			memmove(ld->ends, ld->ends + 1, (ld->nends - 1) * sizeof(ld->ends[0]));
			ld->nends--;
		}
		return (long)c;
	}
	if (vmin > count)
		vmin = count;
	if (ld->len < vmin || (vmin == 0 && ld->len == 0 && ld->t.cc[DTC_VTIME] > 0)) {
		if (!ld->eof && !expired)
			return -1;
	}
	c = count < ld->len ? count : ld->len;
	consume(ld, out, c);
	return (long)c;
}

int con_ld_check(const struct con_termios *t)
{
	if ((t->iflag & ~DTI_KNOWN) || (t->oflag & ~DTO_KNOWN) || (t->cflag & ~DTF_KNOWN) ||
	    (t->lflag & ~DTL_KNOWN) || t->speed > 4000000)
		return -XE_EINVAL;
	return 0;
}

void con_ld_set(struct con_ld *ld, const struct con_termios *t)
{
	int was = canonical(ld);

	ld->t = *t;
	if (was && !canonical(ld)) {
		ld->nends = 0; /* the line being edited is readable as it is */
	} else if (!was && canonical(ld)) {
		ld->nends = 0;
		if (ld->len > 0)
			end_line(ld); /* what raw mode queued reads as one line */
	}
}

void con_ld_flush(struct con_ld *ld)
{
	ld->len = 0;
	ld->nends = 0;
}
