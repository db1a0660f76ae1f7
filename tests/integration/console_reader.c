/*
 * tests/integration/console_reader.c MODE — reads the console (its stdin)
 * and prints what each read got, for console_discipline.sh. Bytes are
 * printed escaped: printable ones as they are, a newline as \n, others as
 * \xNN. It prints "ready" when its mode is set, so the script sends the
 * input only then (the discipline acts as bytes arrive).
 *
 *   lines  canonical mode as it is: "read: <bytes>" per read, "end" at 0
 *   echo   the same with ECHO and ECHOE on
 *   raw    ICANON off: a VMIN=0 read and a VTIME read get 0 with no input;
 *          then VMIN=1, and "raw: <bytes>" for all that came up to a newline
 *   nonblock  O_NONBLOCK: a read with nothing typed is "nonblock: EAGAIN";
 *          then poll before each read ("read: <bytes>"); at the end of the
 *          input poll's events ("poll-eof: in hup") and "end"
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <exo/exo.h>

static void show(const char *what, const char *p, size_t n)
{
	printf("%s: ", what);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == '\n')
			printf("\\n");
		else if (c >= 0x20 && c < 0x7f && c != '\\')
			putchar(c);
		else
			printf("\\x%02x", c);
	}
	putchar('\n');
	fflush(stdout);
}

static int lines(void)
{
	char buf[256];
	ssize_t n;

	printf("ready\n");
	fflush(stdout);
	while ((n = read(0, buf, sizeof(buf))) > 0)
		show("read", buf, (size_t)n);
	printf(n == 0 ? "end\n" : "error\n");
	return n == 0 ? 0 : 1;
}

static int raw(struct termios *t)
{
	char buf[256];
	size_t have = 0;
	ssize_t n;

	t->c_lflag &= ~(tcflag_t)ICANON;
	t->c_cc[VMIN] = 0;
	t->c_cc[VTIME] = 0;
	if (tcsetattr(0, TCSANOW, t) != 0)
		return 1;
	printf("poll: %d\n", (int)read(0, buf, sizeof(buf)));
	t->c_cc[VTIME] = 1;
	if (tcsetattr(0, TCSANOW, t) != 0)
		return 1;
	printf("timed: %d\n", (int)read(0, buf, sizeof(buf)));
	t->c_cc[VMIN] = 1;
	t->c_cc[VTIME] = 0;
	if (tcsetattr(0, TCSANOW, t) != 0)
		return 1;
	printf("ready\n");
	fflush(stdout);
	while (have < sizeof(buf) && (have == 0 || buf[have - 1] != '\n')) {
		if ((n = read(0, buf + have, sizeof(buf) - have)) <= 0)
			break;
		have += (size_t)n;
	}
	show("raw", buf, have);
	return 0;
}

static int nonblock(void)
{
	struct pollfd p = { .fd = 0, .events = POLLIN };
	char buf[256];
	ssize_t n;

	if (fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK) != 0)
		return 1;
	n = read(0, buf, sizeof(buf));
	printf("nonblock: %s\n", n < 0 && errno == EAGAIN ? "EAGAIN" : "not EAGAIN");
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		if (poll(&p, 1, 20000) != 1)
			return 1;
		n = read(0, buf, sizeof(buf));
		if (n < 0 && errno == EAGAIN)
			continue;
		if (n <= 0)
			break;
		show("read", buf, (size_t)n);
	}
	if (n < 0)
		return 1;
	printf("poll-eof:%s%s\n", p.revents & POLLIN ? " in" : "", p.revents & POLLHUP ? " hup" : "");
	printf("end\n");
	return 0;
}

int main(int argc, char **argv)
{
	struct termios t;

	exo_init_args(&argc, argv);
	if (argc < 2 || tcgetattr(0, &t) != 0) {
		fprintf(stderr, "console_reader: lines|echo|raw, on a terminal\n");
		return 2;
	}
	if (strcmp(argv[1], "raw") == 0)
		return raw(&t);
	if (strcmp(argv[1], "nonblock") == 0)
		return nonblock();
	if (strcmp(argv[1], "echo") == 0) {
		t.c_lflag |= ECHO | ECHOE;
		if (tcsetattr(0, TCSANOW, &t) != 0)
			return 1;
	}
	return lines();
}
