/*
 * apps/bin/chmod.c — change file modes.
 *
 *   chmod [-R] MODE FILE...
 *
 * MODE is octal (755) or symbolic: comma-separated clauses [ugoa]*[+-=][rwxXst]*
 * or [ugoa]*[+-=][ugo] (e.g. u+x, go-w, a=r,u+w). Without who, the umask
 * limits what + and = set, as POSIX says.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static mode_t cmask;

/* Apply MODE to old; -1 if MODE is malformed. */
static long apply(const char *spec, mode_t old, int isdir)
{
	mode_t m = old & 07777;
	const char *p = spec;

	if (*p >= '0' && *p <= '7') {
		char *end;
		unsigned long v = strtoul(spec, &end, 8);

		return (*end || v > 07777) ? -1 : (long)v;
	}
	for (;;) {
		mode_t who = 0;
		int explicit_who;

		for (; *p == 'u' || *p == 'g' || *p == 'o' || *p == 'a'; p++)
			who |= *p == 'u' ? 04700 : *p == 'g' ? 02070 : *p == 'o' ? 01007 : 07777;
		explicit_who = who != 0;
		if (!who)
			who = 07777;
		if (*p != '+' && *p != '-' && *p != '=')
			return -1;
		while (*p == '+' || *p == '-' || *p == '=') {
			char op = *p++;
			mode_t bits = 0;

			if (*p == 'u' || *p == 'g' || *p == 'o') {
				mode_t src = *p == 'u' ? (m >> 6) & 7 : *p == 'g' ? (m >> 3) & 7 : m & 7;

				bits = (src << 6) | (src << 3) | src;
				p++;
			} else {
				for (; *p && strchr("rwxXst", *p); p++) {
					switch (*p) {
					case 'r': bits |= 0444; break;
					case 'w': bits |= 0222; break;
					case 'x': bits |= 0111; break;
					case 'X':
						if (isdir || (m & 0111))
							bits |= 0111;
						break;
					case 's': bits |= 06000; break;
					case 't': bits |= 01000; break;
					}
				}
			}
			bits &= who;
			if (!explicit_who)
				bits &= ~cmask | 07000;
			if (op == '+')
				m |= bits;
			else if (op == '-')
				m &= ~bits;
			else
				m = (mode_t)((m & ~(who & (explicit_who ? 07777 : 0777))) | bits);
		}
		if (*p == 0)
			break;
		if (*p++ != ',')
			return -1;
	}
	return (long)m;
}

static int change(const char *path, const char *spec, int recursive)
{
	struct stat st;
	long m;
	int status = 0;

	if (stat(path, &st) < 0) {
		fprintf(stderr, "chmod: %s: %s\n", path, strerror(errno));
		return 1;
	}
	m = apply(spec, st.st_mode, S_ISDIR(st.st_mode));
	if (chmod(path, (mode_t)m) < 0) {
		fprintf(stderr, "chmod: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (recursive && S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		struct dirent *de;

		if (!d) {
			fprintf(stderr, "chmod: %s: %s\n", path, strerror(errno));
			return 1;
		}
		while ((de = readdir(d)) != NULL) {
			char *sub;
			struct stat ls;

			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			sub = malloc(strlen(path) + strlen(de->d_name) + 2);
			if (!sub)
				break;
			sprintf(sub, "%s/%s", path, de->d_name);
			if (lstat(sub, &ls) == 0 && !S_ISLNK(ls.st_mode))
				status |= change(sub, spec, 1);
			free(sub);
		}
		closedir(d);
	}
	return status;
}

int main(int argc, char **argv)
{
	int i = 1, recursive = 0, status = 0;

	if (i < argc && strcmp(argv[i], "-R") == 0) {
		recursive = 1;
		i++;
	}
	if (argc - i < 2) {
		fprintf(stderr, "usage: chmod [-R] MODE FILE...\n");
		return 2;
	}
	cmask = umask(0);
	umask(cmask);
	if (apply(argv[i], 0, 0) < 0 || apply(argv[i], 0, 1) < 0) {
		fprintf(stderr, "chmod: %s: invalid mode\n", argv[i]);
		return 2;
	}
	for (int j = i + 1; j < argc; j++)
		status |= change(argv[j], argv[i], recursive);
	return status;
}
