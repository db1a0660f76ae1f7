/*
 * apps/lib/unpack.c — a strict ustar unpacker (unpack.h), for init to
 * populate the root file system from the boot image (/dev/initrd).
 *
 * The stream is read block by block (512 bytes); one header is decoded and
 * checked completely — magic, checksum, octal fields, type, name, link
 * name — before anything is made for it (check, then change). Names are
 * made safe by normalising them to components below root: "." and empty
 * components are dropped, ".." and absolute names are refused, and every
 * directory on the way is looked at with lstat so no entry is ever made
 * through a symbolic link. A file is created with O_EXCL|O_NOFOLLOW after
 * removing whatever non-directory had its name.
 *
 * Supported types: regular files ('0', NUL), hard links ('1'), symbolic
 * links ('2'), directories ('5'). Devices, FIFOs, pax and GNU extension
 * headers are refused with a clear error. Owners are not applied (every
 * file belongs to the unpacking process).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unpack.h"

#define BLOCK 512
#define MAX_SIZE (1ull << 33) /* 8 GiB: what 11 octal digits hold */

struct hdr {
	char name[100], mode[8], uid[8], gid[8], size[12], mtime[12], chksum[8];
	char type, linkname[100], magic[6], version[2], uname[32], gname[32];
	char devmajor[8], devminor[8], prefix[155], pad[12];
};
_Static_assert(sizeof(struct hdr) == BLOCK, "a ustar header is one block");

/* One archive being unpacked: the stream, the root, the error buffer. */
struct unpack {
	int fd;
	const char *root;
	char *err;
	size_t errlen;
	unsigned long entry;        /* 1-based, for messages */
	char name[256];             /* the entry's normalised name */
	char path[PATH_MAX];        /* root/name */
	char link[PATH_MAX];        /* a link's target (symlink: as stored) */
	char buf[BLOCK];
};

static int fail(struct unpack *u, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (!u->errlen)
		return -1;
	if (u->entry)
		n = snprintf(u->err, u->errlen, "entry %lu%s%s%s: ", u->entry, u->name[0] ? " (" : "",
			     u->name, u->name[0] ? ")" : "");
	if (n < 0 || (size_t)n >= u->errlen)
		n = 0;
	va_start(ap, fmt);
	vsnprintf(u->err + n, u->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* Read exactly n bytes: n, 0 at a clean end of the stream, or -1 (short or failed). */
static long read_full(struct unpack *u, char *p, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(u->fd, p + got, n - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return fail(u, "read: %s", strerror(errno));
		if (r == 0)
			break;
		got += (size_t)r;
	}
	if (got == 0)
		return 0;
	if (got < n)
		return fail(u, "truncated archive (%zu of %zu bytes)", got, n);
	return (long)n;
}

/* An octal field: digits, optionally led by spaces, ended by NUL or space. */
static int octal(const char *f, size_t len, unsigned long long *v)
{
	size_t i = 0;
	int digits = 0;

	*v = 0;
	while (i < len && f[i] == ' ')
		i++;
	for (; i < len && f[i] >= '0' && f[i] <= '7'; i++, digits++) {
		if (*v >> 60)
			return -1;
		*v = *v * 8 + (unsigned long long)(f[i] - '0');
	}
	for (; i < len; i++)
		if (f[i] != ' ' && f[i] != 0)
			return -1;
	return digits ? 0 : -1;
}

static int all_zero(const char *b)
{
	for (int i = 0; i < BLOCK; i++)
		if (b[i])
			return 0;
	return 1;
}

static int checksum_ok(const struct hdr *h)
{
	const unsigned char *b = (const unsigned char *)h;
	unsigned long long want;
	long sum_u = 0, sum_s = 0;

	if (octal(h->chksum, sizeof(h->chksum), &want) < 0)
		return 0;
	for (int i = 0; i < BLOCK; i++) {
		int c = (i >= 148 && i < 156) ? ' ' : b[i];

		sum_u += c;
		sum_s += (i >= 148 && i < 156) ? ' ' : (signed char)b[i];
	}
	return (unsigned long long)sum_u == want || (unsigned long long)sum_s == want;
}

/* Copy a fixed field that may fill its whole width (no NUL then); its length. */
static size_t field(const char *f, size_t len, char *out)
{
	size_t n = 0;

	while (n < len && f[n])
		n++;
	memcpy(out, f, n);
	out[n] = 0;
	return n;
}

/*
 * Normalise a name to "a/b/c": drop "." and empty components; refuse an
 * absolute name, "..", and names too long. 0, or -1 with the reason.
 */
static int normalise(struct unpack *u, const char *in, char *out, size_t size, const char *what)
{
	size_t o = 0;
	const char *p = in;

	out[0] = 0; /* a message names no half-made name */

	if (in[0] == '/')
		return out[0] = 0, fail(u, "%s is absolute: %s", what, in);
	while (*p) {
		const char *s = p;
		size_t len;

		while (*p && *p != '/')
			p++;
		len = (size_t)(p - s);
		while (*p == '/')
			p++;
		if (len == 0 || (len == 1 && s[0] == '.'))
			continue;
		if (len == 2 && s[0] == '.' && s[1] == '.')
			return out[0] = 0, fail(u, "%s leaves the root: %s", what, in);
		if (len > NAME_MAX)
			return out[0] = 0, fail(u, "%s has a component longer than %d bytes", what, NAME_MAX);
		if (o + len + 2 > size)
			return out[0] = 0, fail(u, "%s is too long", what);
		if (o)
			out[o++] = '/';
		memcpy(out + o, s, len);
		o += len;
	}
	out[o] = 0;
	return 0;
}

static int join(struct unpack *u, const char *name, char *out)
{
	size_t r = strlen(u->root);
	const char *sep = (r && u->root[r - 1] == '/') ? "" : "/";

	if ((size_t)snprintf(out, PATH_MAX, "%s%s%s", u->root, sep, name) >= PATH_MAX)
		return fail(u, "path too long under %s", u->root);
	return 0;
}

/*
 * Make the directories leading to name (normalised, relative) under root;
 * refuse a symbolic link or a non-directory on the way.
 */
static int make_parents(struct unpack *u, const char *name)
{
	char path[PATH_MAX];
	size_t base;
	struct stat st;

	if (join(u, "", path) < 0)
		return -1;
	base = strlen(path);
	for (const char *p = name; (p = strchr(p, '/')) != NULL; p++) {
		size_t len = (size_t)(p - name);

		memcpy(path + base, name, len);
		path[base + len] = 0;
		if (lstat(path, &st) == 0) {
			if (S_ISLNK(st.st_mode))
				return fail(u, "%s is a symbolic link: not followed", path + base);
			if (!S_ISDIR(st.st_mode))
				return fail(u, "%s is not a directory", path + base);
			continue;
		}
		if (errno != ENOENT || mkdir(path, 0755) < 0)
			return fail(u, "%s: %s", path, strerror(errno));
	}
	return 0;
}

/* Remove what has the entry's name, unless it is a directory (then EEXIST). */
static int clear(struct unpack *u)
{
	struct stat st;

	if (lstat(u->path, &st) < 0)
		return errno == ENOENT ? 0 : fail(u, "%s: %s", u->path, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return fail(u, "%s: a directory is in the way", u->path);
	if (unlink(u->path) < 0)
		return fail(u, "%s: %s", u->path, strerror(errno));
	return 0;
}

static int skip_data(struct unpack *u, unsigned long long size)
{
	for (unsigned long long left = (size + BLOCK - 1) / BLOCK; left > 0; left--)
		if (read_full(u, u->buf, BLOCK) <= 0)
			return fail(u, "truncated archive in a file's data");
	return 0;
}

static int make_file(struct unpack *u, unsigned long long size, mode_t mode, unsigned long long mtime)
{
	unsigned long long left = size;
	struct timespec ts[2];
	int fd, e = 0;

	if (clear(u) < 0)
		return -1;
	fd = open(u->path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);
	if (fd < 0)
		return fail(u, "%s: %s", u->path, strerror(errno));
	while (left > 0) {
		size_t chunk = left < BLOCK ? (size_t)left : BLOCK;
		long r = read_full(u, u->buf, BLOCK);

		if (r <= 0) {
			e = r < 0 ? -1 : fail(u, "truncated archive in a file's data");
			break;
		}
		for (size_t off = 0; off < chunk;) {
			ssize_t w = write(fd, u->buf + off, chunk - off);

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				e = fail(u, "%s: %s", u->path, w < 0 ? strerror(errno) : "short write");
				break;
			}
			off += (size_t)w;
		}
		if (e)
			break;
		left -= chunk;
	}
	if (close(fd) < 0 && !e)
		e = fail(u, "%s: %s", u->path, strerror(errno));
	if (e)
		return -1;
	if (chmod(u->path, mode) < 0)
		return fail(u, "%s: %s", u->path, strerror(errno));
	ts[0].tv_sec = ts[1].tv_sec = (time_t)mtime;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	utimensat(AT_FDCWD, u->path, ts, 0); /* a time is nice to have, not needed */
	return 0;
}

static int make_dir(struct unpack *u, mode_t mode)
{
	struct stat st;

	if (lstat(u->path, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			return fail(u, "%s exists and is not a directory", u->path);
	} else if (errno != ENOENT || mkdir(u->path, 0700) < 0) {
		return fail(u, "%s: %s", u->path, strerror(errno));
	}
	if (chmod(u->path, mode) < 0)
		return fail(u, "%s: %s", u->path, strerror(errno));
	return 0;
}

static int make_hardlink(struct unpack *u)
{
	char target[PATH_MAX], norm[256];
	struct stat st;

	if (normalise(u, u->link, norm, sizeof(norm), "link target") < 0)
		return -1;
	if (!norm[0])
		return fail(u, "empty link target");
	if (make_parents(u, norm) < 0 || join(u, norm, target) < 0)
		return -1;
	if (lstat(target, &st) < 0)
		return fail(u, "link target %s: %s", norm, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return fail(u, "link target %s is not a regular file", norm);
	if (strcmp(target, u->path) == 0)
		return 0; /* a link to itself: nothing to do */
	if (clear(u) < 0)
		return -1;
	if (link(target, u->path) < 0)
		return fail(u, "%s: %s", u->path, strerror(errno));
	return 0;
}

/* One entry from its header block: 1 made, 0 the end of the archive, -1 an error. */
static int entry(struct unpack *u)
{
	const struct hdr *h = (const struct hdr *)u->buf;
	unsigned long long size, mode, mtime;
	char raw[100 + 1 + 155 + 1], *r = raw;
	long got;

	u->name[0] = 0;
	got = read_full(u, u->buf, BLOCK);
	if (got < 0)
		return -1;
	if (got == 0)
		return fail(u, "truncated archive (no end marker)");
	if (all_zero(u->buf))
		return 0;
	/* Decode and check the whole header. */
	if (memcmp(h->magic, "ustar", 5) != 0)
		return fail(u, "not a ustar header (bad magic)");
	if (!checksum_ok(h))
		return fail(u, "header checksum mismatch");
	if (octal(h->size, sizeof(h->size), &size) < 0 || octal(h->mode, sizeof(h->mode), &mode) < 0 ||
	    octal(h->mtime, sizeof(h->mtime), &mtime) < 0)
		return fail(u, "malformed numeric field");
	if (size > MAX_SIZE)
		return fail(u, "size %llu too large", size);
	if (h->prefix[0]) {
		r += field(h->prefix, sizeof(h->prefix), r);
		*r++ = '/';
	}
	field(h->name, sizeof(h->name), r);
	if (normalise(u, raw, u->name, sizeof(u->name), "name") < 0)
		return -1;
	field(h->linkname, sizeof(h->linkname), u->link);
	if (!u->name[0]) {
		if (h->type == '5')
			return skip_data(u, size) < 0 ? -1 : 1; /* "./": the root itself */
		return fail(u, "empty name");
	}
	if (join(u, u->name, u->path) < 0)
		return -1;
	switch (h->type) {
	case '0':
	case 0:
	case '7':
		break;
	case '1':
	case '2':
		if (!u->link[0])
			return fail(u, "empty link target");
		if (size)
			return fail(u, "a link with data");
		break;
	case '5':
		break;
	case '3': case '4': case '6':
		return fail(u, "device and FIFO entries are not supported");
	default:
		return fail(u, "unsupported entry type '%c' (pax and GNU extensions are not read)",
			    h->type >= 32 && h->type < 127 ? h->type : '?');
	}
	/* Make it. */
	if (make_parents(u, u->name) < 0)
		return -1;
	switch (h->type) {
	case '1':
		return make_hardlink(u) < 0 ? -1 : 1;
	case '2':
		if (clear(u) < 0)
			return -1;
		if (symlink(u->link, u->path) < 0)
			return fail(u, "%s: %s", u->path, strerror(errno));
		return 1;
	case '5':
		if (make_dir(u, (mode_t)(mode & 07777)) < 0 || skip_data(u, size) < 0)
			return -1;
		return 1;
	default:
		return make_file(u, size, (mode_t)(mode & 07777), mtime) < 0 ? -1 : 1;
	}
}

int unpack_tar(int fd, const char *root, char *err, size_t errlen)
{
	struct unpack *u = calloc(1, sizeof(*u));
	struct stat st;
	int n = 0, r;

	if (errlen)
		err[0] = 0;
	if (!u) {
		if (errlen)
			snprintf(err, errlen, "out of memory");
		return -1;
	}
	u->fd = fd;
	u->root = root;
	u->err = err;
	u->errlen = errlen;
	errno = 0;
	if (stat(root, &st) < 0 || !S_ISDIR(st.st_mode)) {
		n = fail(u, "%s: %s", root, strerror(errno ? errno : ENOTDIR));
		free(u);
		return n;
	}
	for (;;) {
		u->entry++;
		r = entry(u);
		if (r <= 0)
			break;
		n++;
	}
	free(u);
	return r < 0 ? -1 : n;
}
