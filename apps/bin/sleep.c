/*
 * apps/bin/sleep.c — wait a while.
 *
 *   sleep SECONDS...      (decimal fractions allowed; the times add up)
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Parse "12", "0.5", ".25" into nanoseconds; -1 if malformed. */
static long long parse(const char *s)
{
	long long sec = 0, ns = 0, scale = 100000000;
	const char *p = s;

	if (!*p)
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		sec = sec * 10 + (*p - '0');
		if (sec > 100000000)
			return -1;
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, scale /= 10)
			ns += (*p - '0') * scale;
	}
	if (*p || (p == s + 1 && s[0] == '.'))
		return -1;
	return sec * 1000000000LL + ns;
}

int main(int argc, char **argv)
{
	long long total = 0;
	struct timespec ts, rem;

	if (argc < 2) {
		fprintf(stderr, "usage: sleep SECONDS...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		long long t = parse(argv[i]);

		if (t < 0) {
			fprintf(stderr, "sleep: %s: invalid time interval\n", argv[i]);
			return 2;
		}
		total += t;
	}
	ts.tv_sec = (time_t)(total / 1000000000LL);
	ts.tv_nsec = (long)(total % 1000000000LL);
	while (nanosleep(&ts, &rem) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "sleep: %s\n", strerror(errno));
			return 1;
		}
		ts = rem;
	}
	return 0;
}
