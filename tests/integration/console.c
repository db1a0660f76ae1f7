/*
 * tests/integration/console.c — the console as a terminal, as a program
 * sees it: tcgetattr/tcsetattr and the other termios calls, ioctl
 * (window size, FIONREAD, FIONBIO, FIOCLEX), their errors on descriptors
 * that are not terminals, and the console's refusals of bad requests. Run as
 * `exosim --cpu auto --boot memory.boot --exec console` (console, memory,
 * VFS). The line discipline itself is console_discipline.sh's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <cmocka.h>

#include <exo/dev.h>
#include "dev_proto.h"
#include <exo/errno.h>

#include "support.h"

static void test_the_standard_descriptors_are_terminals(void **state)
{
	struct termios t;

	for (int fd = 0; fd <= 2; fd++) {
		assert_int_equal(isatty(fd), 1);
		assert_int_equal(tcgetattr(fd, &t), 0);
	}
	/* A terminal's defaults: canonical, CR to NL, NL to CR NL, ^D ends input. */
	assert_true(t.c_lflag & ICANON);
	assert_true(t.c_iflag & ICRNL);
	assert_true((t.c_oflag & (OPOST | ONLCR)) == (OPOST | ONLCR));
	assert_int_equal(t.c_cflag & CSIZE, CS8);
	assert_int_equal(t.c_cc[VEOF], 4);
	assert_int_equal(t.c_cc[VERASE], 0x7f);
	assert_int_equal(t.c_cc[VKILL], 0x15);
	assert_int_equal(t.c_cc[VINTR], 3);
}

static void test_attributes_set_are_the_attributes_got(void **state)
{
	struct termios old, t, back;

	assert_int_equal(tcgetattr(0, &old), 0);
	t = old;
	t.c_lflag &= ~(tcflag_t)(ICANON | ECHOE);
	t.c_lflag |= ECHONL;
	t.c_iflag |= IGNCR | ISTRIP;
	t.c_oflag &= ~(tcflag_t)ONLCR;
	t.c_cflag = (t.c_cflag & ~(tcflag_t)CSIZE) | CS7 | PARENB;
	t.c_cc[VMIN] = 5;
	t.c_cc[VTIME] = 3;
	t.c_cc[VERASE] = '\b';
	t.c_cc[VINTR] = 0; /* disabled */
	assert_int_equal(cfsetspeed(&t, B9600), 0);
	assert_int_equal(tcsetattr(0, TCSANOW, &t), 0);
	memset(&back, 0, sizeof(back));
	assert_int_equal(tcgetattr(1, &back), 0); /* one terminal behind 0, 1, 2 */
	assert_int_equal(back.c_lflag, t.c_lflag);
	assert_int_equal(back.c_iflag, t.c_iflag);
	assert_int_equal(back.c_oflag, t.c_oflag);
	assert_int_equal(back.c_cflag & (CSIZE | PARENB), CS7 | PARENB);
	assert_int_equal(cfgetospeed(&back), B9600);
	assert_int_equal(back.c_cc[VMIN], 5);
	assert_int_equal(back.c_cc[VTIME], 3);
	assert_int_equal(back.c_cc[VERASE], '\b');
	assert_int_equal(back.c_cc[VINTR], 0);
	assert_int_equal(back.c_cc[VEOF], old.c_cc[VEOF]);
	/* cfmakeraw (glibc's) and the other ways of setting. */
	cfmakeraw(&t);
	assert_int_equal(tcsetattr(0, TCSADRAIN, &t), 0);
	assert_int_equal(tcgetattr(0, &back), 0);
	assert_int_equal(back.c_lflag & (ICANON | ECHO | ISIG), 0);
	assert_int_equal(back.c_oflag & OPOST, 0);
	assert_int_equal(tcsetattr(0, TCSAFLUSH, &old), 0);
	assert_int_equal(tcgetattr(2, &back), 0);
	assert_int_equal(back.c_lflag, old.c_lflag);
	assert_int_equal(back.c_oflag, old.c_oflag);
	/* Through ioctl: the kernel's struct termios. */
	memset(&back, 0, sizeof(back));
	assert_int_equal(ioctl(0, TCGETS, &back), 0);
	assert_int_equal(back.c_lflag, old.c_lflag);
	assert_int_equal(back.c_cc[VKILL], old.c_cc[VKILL]);
	back.c_lflag &= ~(tcflag_t)ECHOK;
	assert_int_equal(ioctl(0, TCSETSW, &back), 0);
	assert_int_equal(tcgetattr(0, &t), 0);
	assert_int_equal(t.c_lflag & ECHOK, 0);
	assert_int_equal(ioctl(0, TCSETS, &old), 0);
	assert_int_equal(tcgetattr(0, &t), 0);
	assert_int_equal(t.c_lflag, old.c_lflag);
}

static void test_the_other_termios_calls(void **state)
{
	struct termios t;

	assert_int_equal(tcgetattr(0, &t), 0);
	assert_int_equal(tcflush(0, TCIFLUSH), 0);
	assert_int_equal(tcflush(1, TCIOFLUSH), 0);
	assert_int_equal(tcdrain(1), 0);
	assert_int_equal(tcflow(1, TCOON), 0);
	assert_int_equal(tcsendbreak(1, 0), 0);
	assert_int_equal(ioctl(0, TCFLSH, TCIFLUSH), 0);
	errno = 0;
	assert_int_equal(tcsetattr(0, 42, &t), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(tcflush(0, 42), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(tcflow(0, 42), -1);
	assert_int_equal(errno, EINVAL);
}

static void test_files_and_pipes_are_not_terminals(void **state)
{
	struct termios t = { 0 };
	struct winsize ws;
	int p[2], fd = open("/console-file", O_CREAT | O_RDWR | O_TRUNC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(pipe(p), 0);
	int nots[] = { fd, p[0], p[1] };
	for (size_t i = 0; i < sizeof(nots) / sizeof(nots[0]); i++) {
		errno = 0;
		assert_int_equal(tcgetattr(nots[i], &t), -1);
		assert_int_equal(errno, ENOTTY);
		assert_int_equal(tcsetattr(nots[i], TCSANOW, &t), -1);
		assert_int_equal(errno, ENOTTY);
		assert_int_equal(tcflush(nots[i], TCIFLUSH), -1);
		assert_int_equal(errno, ENOTTY);
		assert_int_equal(tcdrain(nots[i]), -1);
		assert_int_equal(errno, ENOTTY);
		assert_int_equal(ioctl(nots[i], TIOCGWINSZ, &ws), -1);
		assert_int_equal(errno, ENOTTY);
		assert_int_equal(ioctl(nots[i], TCGETS, &t), -1);
		assert_int_equal(errno, ENOTTY);
		assert_int_equal(ioctl(nots[i], 0x7eadbeefu, &t), -1);
		assert_int_equal(errno, ENOTTY);
	}
	/* /dev/null is a device, but not a terminal. */
	int null = open("/dev/null", O_RDWR);
	assert_int_equal(tcgetattr(null, &t), -1);
	assert_int_equal(errno, ENOTTY);
	close(null);
	close(fd);
	close(p[0]);
	close(p[1]);
	unlink("/console-file");
}

static void test_bad_descriptors_are_ebadf(void **state)
{
	struct termios t;
	struct winsize ws;
	int n = 0;

	int bad[] = { -1, 999, 200 };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		assert_int_equal(tcgetattr(bad[i], &t), -1);
		assert_int_equal(errno, EBADF);
		assert_int_equal(tcflush(bad[i], TCIFLUSH), -1);
		assert_int_equal(errno, EBADF);
		assert_int_equal(ioctl(bad[i], TIOCGWINSZ, &ws), -1);
		assert_int_equal(errno, EBADF);
		assert_int_equal(ioctl(bad[i], FIONREAD, &n), -1);
		assert_int_equal(errno, EBADF);
		assert_int_equal(ioctl(bad[i], 0x7eadbeefu, &n), -1);
		assert_int_equal(errno, EBADF);
	}
}

static void test_the_window_size_is_sane_and_settable(void **state)
{
	struct winsize ws = { 0 }, set = { .ws_row = 50, .ws_col = 132, .ws_xpixel = 7, .ws_ypixel = 9 };

	assert_int_equal(ioctl(1, TIOCGWINSZ, &ws), 0);
	assert_true(ws.ws_row > 0 && ws.ws_row < 10000);
	assert_true(ws.ws_col > 0 && ws.ws_col < 10000);
	assert_int_equal(ioctl(0, TIOCSWINSZ, &set), 0);
	memset(&ws, 0, sizeof(ws));
	assert_int_equal(ioctl(2, TIOCGWINSZ, &ws), 0);
	assert_int_equal(ws.ws_row, 50);
	assert_int_equal(ws.ws_col, 132);
	assert_int_equal(ws.ws_xpixel, 7);
	assert_int_equal(ws.ws_ypixel, 9);
	errno = 0;
	assert_int_equal(ioctl(1, TIOCGWINSZ, NULL), -1);
	assert_int_equal(errno, EFAULT);
}

static void test_fionread_fionbio_fioclex(void **state)
{
	char buf[8];
	int p[2], n = -1, on = 1, off = 0, fd = open("/console-nread", O_CREAT | O_RDWR | O_TRUNC, 0644);

	/* A pipe: what it holds; O_NONBLOCK on and off. */
	assert_int_equal(pipe(p), 0);
	assert_int_equal(ioctl(p[0], FIONREAD, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(write(p[1], "hello", 5), 5);
	assert_int_equal(ioctl(p[0], FIONREAD, &n), 0);
	assert_int_equal(n, 5);
	assert_int_equal(read(p[0], buf, 5), 5);
	assert_int_equal(ioctl(p[0], FIONBIO, &on), 0);
	assert_true(fcntl(p[0], F_GETFL) & O_NONBLOCK);
	errno = 0;
	assert_int_equal(read(p[0], buf, 1), -1);
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(ioctl(p[0], FIONBIO, &off), 0);
	assert_int_equal(fcntl(p[0], F_GETFL) & O_NONBLOCK, 0);
	/* A regular file: what lies past the offset. */
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "0123456789", 10), 10);
	assert_int_equal(lseek(fd, 3, SEEK_SET), 3);
	assert_int_equal(ioctl(fd, FIONREAD, &n), 0);
	assert_int_equal(n, 7);
	assert_int_equal(lseek(fd, 20, SEEK_SET), 20);
	assert_int_equal(ioctl(fd, FIONREAD, &n), 0);
	assert_int_equal(n, 0);
	/* The console: nothing queued after a flush. */
	assert_int_equal(tcflush(0, TCIFLUSH), 0);
	assert_int_equal(ioctl(0, FIONREAD, &n), 0);
	assert_int_equal(n, 0);
	/* Close on exec. */
	assert_int_equal(ioctl(fd, FIOCLEX), 0);
	assert_int_equal(fcntl(fd, F_GETFD), FD_CLOEXEC);
	assert_int_equal(ioctl(fd, FIONCLEX), 0);
	assert_int_equal(fcntl(fd, F_GETFD), 0);
	close(p[0]);
	close(p[1]);
	close(fd);
	unlink("/console-nread");
}

/* A raw request to the console; the reply's label. */
static uint32_t con_call(uint32_t op, unsigned n, const uint64_t *in)
{
	exo_msg_t m = { 0 };

	memcpy(m.mr, in, n * sizeof(in[0]));
	m.tag = exo_tag(op, n, 0);
	assert_int_equal(exo_call(t_lookup(CONSOLE_NAME), &m, EXO_TIMEOUT_NEVER, exo_timeout_ms(10000)), EXO_OK);
	return exo_tag_label(m.tag);
}

static void test_the_console_refuses_bad_terminal_requests(void **state)
{
	uint64_t in[2 + DTW_WORDS] = { CONSOLE_IN, DT_TCSANOW };
	uint64_t good[2 + DTW_WORDS];
	exo_msg_t m = { 0 };

	/* The attributes as they are, to vary one word at a time. */
	m.mr[0] = CONSOLE_IN;
	m.tag = exo_tag(DEV_TCGETATTR, 1, 0);
	assert_int_equal(exo_call(t_lookup(CONSOLE_NAME), &m, EXO_TIMEOUT_NEVER, exo_timeout_ms(10000)), EXO_OK);
	assert_int_equal(exo_tag_label(m.tag), 0);
	assert_int_equal(exo_tag_untyped(m.tag), DTW_WORDS);
	memcpy(in + 2, m.mr, DTW_WORDS * sizeof(in[0]));
	memcpy(good, in, sizeof(good));
	assert_int_equal(con_call(DEV_TCSETATTR, 2 + DTW_WORDS, in), 0);
	in[2 + DTW_LFLAG] |= 1u << 30; /* a flag Exo does not know */
	assert_int_equal(con_call(DEV_TCSETATTR, 2 + DTW_WORDS, in), XE_EINVAL);
	memcpy(in, good, sizeof(in));
	in[2 + DTW_IFLAG] = 1ull << 40;
	assert_int_equal(con_call(DEV_TCSETATTR, 2 + DTW_WORDS, in), XE_EINVAL);
	memcpy(in, good, sizeof(in));
	in[1] = 7; /* no such `when` */
	assert_int_equal(con_call(DEV_TCSETATTR, 2 + DTW_WORDS, in), XE_EINVAL);
	memcpy(in, good, sizeof(in));
	in[0] = 99; /* no such handle */
	assert_int_equal(con_call(DEV_TCSETATTR, 2 + DTW_WORDS, in), XE_EBADF);
	assert_int_equal(con_call(DEV_TCGETATTR, 1, in), XE_EBADF);
	assert_int_equal(con_call(DEV_NREAD, 1, in), XE_EBADF);
	memcpy(in, good, sizeof(in));
	assert_int_equal(con_call(DEV_TCSETATTR, 3, in), XE_EINVAL); /* too short */
	assert_int_equal(con_call(DEV_TCGETATTR, 0, in), XE_EINVAL);
	in[1] = 9; /* no such queue */
	assert_int_equal(con_call(DEV_TCFLUSH, 2, in), XE_EINVAL);
	in[1] = 0;
	assert_int_equal(con_call(DEV_TCFLUSH, 2, in), XE_EINVAL);
	uint64_t ws[5] = { CONSOLE_OUT, 70000, 80, 0, 0 };
	assert_int_equal(con_call(DEV_SETWINSZ, 5, ws), XE_EINVAL);
	assert_int_equal(con_call(DEV_SETWINSZ, 4, ws), XE_EINVAL);
	assert_int_equal(con_call(DEV_OP_COUNT, 5, ws), XE_ENOSYS);
	/* Still serving, with the attributes it had. */
	assert_int_equal(con_call(DEV_TCSETATTR, 2 + DTW_WORDS, good), 0);
	assert_int_equal(isatty(0), 1);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_the_standard_descriptors_are_terminals),
		cmocka_unit_test(test_attributes_set_are_the_attributes_got),
		cmocka_unit_test(test_the_other_termios_calls),
		cmocka_unit_test(test_files_and_pipes_are_not_terminals),
		cmocka_unit_test(test_bad_descriptors_are_ebadf),
		cmocka_unit_test(test_the_window_size_is_sane_and_settable),
		cmocka_unit_test(test_fionread_fionbio_fioclex),
		cmocka_unit_test(test_the_console_refuses_bad_terminal_requests),
	};

	exo_init_args(&argc, argv);
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
