/*
 * apps/bin/uname.c — name the system.
 *
 *   uname [-asnrvm]      (default -s)
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

int main(int argc, char **argv)
{
	int s = 0, n = 0, r = 0, v = 0, m = 0;
	struct utsname u;
	const char *sep = "";

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (a[0] != '-' || !a[1])
			goto usage;
		for (a++; *a; a++) {
			switch (*a) {
			case 'a': s = n = r = v = m = 1; break;
			case 's': s = 1; break;
			case 'n': n = 1; break;
			case 'r': r = 1; break;
			case 'v': v = 1; break;
			case 'm': m = 1; break;
			default: goto usage;
			}
		}
	}
	if (!(s | n | r | v | m))
		s = 1;
	if (uname(&u) < 0) {
		fprintf(stderr, "uname: %s\n", strerror(errno));
		return 1;
	}
	if (s) { printf("%s%s", sep, u.sysname); sep = " "; }
	if (n) { printf("%s%s", sep, u.nodename); sep = " "; }
	if (r) { printf("%s%s", sep, u.release); sep = " "; }
	if (v) { printf("%s%s", sep, u.version); sep = " "; }
	if (m) { printf("%s%s", sep, u.machine); sep = " "; }
	putchar('\n');
	return 0;
usage:
	fprintf(stderr, "usage: uname [-asnrvm]\n");
	return 2;
}
