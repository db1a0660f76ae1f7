/*
 * tests/unit/test_ldisc.c — unit tests of the console's line discipline
 * (servers/console/ldisc.c), which is pure C: typed bytes in, what a reader
 * gets and what is echoed out, for canonical editing, input mapping,
 * signals, end of file and raw mode's MIN and TIME.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <exo/errno.h>
#include <exo/signal.h>

#include "ldisc.h"

#define CTRL(c) ((c) & 0x1f)

static struct con_ld *ld;

static int setup(void **state)
{
	(void)state;
	ld = malloc(sizeof(*ld));
	assert_non_null(ld);
	con_ld_init(ld, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(ld);
	return 0;
}

static void type(const char *s)
{
	con_ld_input(ld, s, strlen(s));
}

/* A read of up to n bytes as a string; "(wait)" when it must wait. */
static const char *rd(size_t n, int expired)
{
	static char buf[8192];
	long r = con_ld_read(ld, buf, n, expired);

	if (r < 0)
		return "(wait)";
	buf[r] = 0;
	return buf;
}

static const char *echoed(void)
{
	static char buf[CON_ECHO_MAX + 1];

	memcpy(buf, ld->echo, ld->necho);
	buf[ld->necho] = 0;
	ld->necho = 0;
	return buf;
}

static void test_a_line_is_readable_only_when_it_ends(void **state)
{
	(void)state;
	type("abc");
	assert_int_equal(con_ld_ready(ld), 0);
	assert_string_equal(rd(100, 0), "(wait)");
	type("\n");
	assert_int_equal(con_ld_ready(ld), 4);
	assert_string_equal(echoed(), "abc\n");
	/* A short read takes part of the line; the rest follows, and no more. */
	type("next");
	assert_string_equal(rd(2, 0), "ab");
	assert_string_equal(rd(100, 0), "c\n");
	assert_string_equal(rd(100, 0), "(wait)");
}

static void test_erase_word_erase_and_kill_edit_the_line(void **state)
{
	(void)state;
	type("helo\x7flo");
	assert_string_equal(echoed(), "helo\b \blo");
	type("\n");
	assert_string_equal(rd(100, 0), "hello\n");
	type("rm -rf  " "\x17" "x\n"); /* ^W: the spaces and the word before them */
	assert_string_equal(rd(100, 0), "rm x\n");
	type("oops" "\x15" "ok\n");   /* ^U: the whole line */
	assert_string_equal(rd(100, 0), "ok\n");
	/* Erase stops at the line's start: a finished line is not edited. */
	type("a\n\x7f\x7f" "b\n");
	assert_string_equal(rd(100, 0), "a\n");
	assert_string_equal(rd(100, 0), "b\n");
	/* A control character echoed as ^X takes two columns to rub out. */
	echoed();
	type("\x01\x7f");
	assert_string_equal(echoed(), "^A\b \b\b \b");
}

static void test_eof_ends_a_line_or_the_input(void **state)
{
	char c = CTRL('D');

	(void)state;
	type("half");
	con_ld_input(ld, &c, 1);
	assert_string_equal(rd(100, 0), "half"); /* no newline */
	assert_int_equal(con_ld_at_eof(ld), 0);
	con_ld_input(ld, &c, 1);
	assert_int_equal(con_ld_at_eof(ld), 1);
	assert_string_equal(rd(100, 0), "");    /* end of file, once */
	assert_string_equal(rd(100, 0), "(wait)");
	/* The host input ends: a partial line is readable, then reads are 0. */
	type("tail");
	con_ld_hangup(ld);
	assert_string_equal(rd(100, 0), "tail");
	assert_string_equal(rd(100, 0), "");
	assert_string_equal(rd(100, 0), "");
}

static void test_cr_and_nl_are_mapped_as_the_flags_say(void **state)
{
	struct con_termios t = ld->t;

	(void)state;
	type("a\r");
	assert_string_equal(rd(100, 0), "a\n"); /* ICRNL */
	t.iflag = (t.iflag & ~(uint32_t)DTI_ICRNL) | DTI_IGNCR;
	assert_int_equal(con_ld_check(&t), 0);
	con_ld_set(ld, &t);
	type("b\r\n");
	assert_string_equal(rd(100, 0), "b\n"); /* the CR dropped */
	t.iflag |= DTI_ISTRIP;
	con_ld_set(ld, &t);
	type("\xe1\n");
	assert_string_equal(rd(100, 0), "a\n"); /* 0xe1 & 0x7f */
}

static void test_isig_takes_intr_quit_susp_out_and_flushes(void **state)
{
	struct con_termios t = ld->t;
	char intr = CTRL('C'), quit = CTRL('\\'), susp = CTRL('Z');

	(void)state;
	type("ready\npart");
	con_ld_input(ld, &intr, 1);
	assert_int_equal(ld->sigs, 1u << EXO_SIGINT);
	assert_int_equal(con_ld_ready(ld), 0); /* the queue went with it */
	assert_string_equal(rd(100, 0), "(wait)");
	t.lflag |= DTL_NOFLSH;
	con_ld_set(ld, &t);
	type("kept\n");
	con_ld_input(ld, &quit, 1);
	con_ld_input(ld, &susp, 1);
	assert_int_equal(ld->sigs, (1u << EXO_SIGINT) | (1u << EXO_SIGQUIT) | (1u << EXO_SIGTSTP));
	assert_string_equal(rd(100, 0), "kept\n");
	/* Without ISIG they are bytes like the others. */
	t.lflag &= ~(uint32_t)DTL_ISIG;
	con_ld_set(ld, &t);
	ld->sigs = 0;
	con_ld_input(ld, &intr, 1);
	type("\n");
	assert_int_equal(ld->sigs, 0);
	assert_int_equal(con_ld_read(ld, (char[8]){ 0 }, 8, 0), 2);
}

static void test_raw_mode_min_and_time(void **state)
{
	struct con_termios t = ld->t;

	(void)state;
	type("ab"); /* a line being edited when the mode changes */
	echoed();
	t.lflag &= ~(uint32_t)(DTL_ICANON | DTL_ECHO);
	t.cc[DTC_VMIN] = 3;
	t.cc[DTC_VTIME] = 0;
	con_ld_set(ld, &t);
	assert_int_equal(con_ld_ready(ld), 2);   /* readable as it is */
	assert_string_equal(rd(100, 0), "(wait)"); /* MIN 3 */
	type("c\x7f");                         /* ERASE is a byte in raw mode */
	assert_string_equal(rd(100, 0), "abc\x7f");
	assert_int_equal(ld->necho, 0);          /* no echo */
	/* MIN 0, TIME > 0: wait until a byte or the timer; expired and empty: 0. */
	t.cc[DTC_VMIN] = 0;
	t.cc[DTC_VTIME] = 5;
	con_ld_set(ld, &t);
	assert_string_equal(rd(100, 0), "(wait)");
	assert_string_equal(rd(100, 1), "");
	type("z");
	assert_string_equal(rd(100, 0), "z");
	/* MIN 0, TIME 0: never waits. */
	t.cc[DTC_VTIME] = 0;
	con_ld_set(ld, &t);
	assert_string_equal(rd(100, 0), "");
	/* Back to canonical: what raw mode queued is one line. */
	type("xy");
	t.lflag |= DTL_ICANON;
	con_ld_set(ld, &t);
	assert_string_equal(rd(100, 0), "xy");
}

static void test_a_full_line_keeps_room_for_its_end(void **state)
{
	char *big = malloc(CON_LINE_MAX + 100);

	(void)state;
	assert_non_null(big);
	memset(big, 'x', CON_LINE_MAX + 100);
	con_ld_input(ld, big, CON_LINE_MAX + 100);
	type("\n");
	assert_int_equal(con_ld_ready(ld), CON_LINE_MAX); /* MAX_CANON - 1 bytes and the newline */
	assert_int_equal(con_ld_read(ld, big, CON_LINE_MAX + 100, 0), CON_LINE_MAX);
	assert_int_equal(big[CON_LINE_MAX - 1], '\n');
	free(big);
}

static void test_attributes_are_checked(void **state)
{
	struct con_termios t = ld->t;

	(void)state;
	t.lflag |= 0x80000000u;
	assert_int_equal(con_ld_check(&t), -XE_EINVAL);
	t = ld->t;
	t.speed = 5000000;
	assert_int_equal(con_ld_check(&t), -XE_EINVAL);
	t = ld->t;
	assert_int_equal(con_ld_check(&t), 0);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_a_line_is_readable_only_when_it_ends),
		T(test_erase_word_erase_and_kill_edit_the_line),
		T(test_eof_ends_a_line_or_the_input),
		T(test_cr_and_nl_are_mapped_as_the_flags_say),
		T(test_isig_takes_intr_quit_susp_out_and_flushes),
		T(test_raw_mode_min_and_time),
		T(test_a_full_line_keeps_room_for_its_end),
		T(test_attributes_are_checked),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
