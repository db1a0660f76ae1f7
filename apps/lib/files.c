/*
 * apps/lib/files.c — the path and copy helpers of files.h.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "files.h"

const char *apps_base_name(const char *p, char *buf, size_t size)
{
	size_t len = strlen(p);
	const char *b;

	while (len > 1 && p[len - 1] == '/')
		len--;
	b = p + len;
	while (b > p && b[-1] != '/')
		b--;
	len -= (size_t)(b - p);
	if (len >= size)
		len = size - 1;
	memcpy(buf, b, len);
	buf[len] = 0;
	return buf;
}

int apps_copy_fd(int in, int out)
{
	static char buf[65536];
	ssize_t n;

	while ((n = read(in, buf, sizeof(buf))) != 0) {
		char *p = buf;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		while (n > 0) {
			ssize_t w = write(out, p, (size_t)n);

			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				return errno;
			p += w;
			n -= w;
		}
	}
	return 0;
}
