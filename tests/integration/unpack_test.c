/*
 * tests/integration/unpack_test.c — unpack_tar (apps/lib/unpack.c) on a
 * booted Exo: the boot image from /dev/initrd, then crafted archives,
 * good and corrupt, written into the ramfs.
 *
 *   unpack_test [IMAGE [DIR]]      (default /dev/initrd and /unpacked)
 *
 * Portable: built against the host's libc it runs the same checks on host
 * files. Prints "unpack: ok" and exits 0 when every check holds.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unpack.h"

static int failures;

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "unpack_test:%d: ", __LINE__);         \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
			failures++;                                            \
		}                                                              \
	} while (0)

/* ---- crafted archives ---- */

struct tar {
	unsigned char *p;
	size_t len, cap;
};

static void put(struct tar *t, const void *p, size_t n)
{
	if (t->len + n > t->cap) {
		t->cap = (t->len + n) * 2;
		t->p = realloc(t->p, t->cap);
		if (!t->p)
			abort();
	}
	memcpy(t->p + t->len, p, n);
	t->len += n;
}

/* One header; returns its offset in t so a case can spoil it. */
static size_t header(struct tar *t, const char *name, char type, unsigned mode, size_t size, const char *link)
{
	unsigned char h[512] = { 0 };
	unsigned sum = 0;
	size_t at = t->len;

	snprintf((char *)h, 100, "%s", name);
	snprintf((char *)h + 100, 8, "%07o", mode);
	snprintf((char *)h + 108, 8, "%07o", 0);
	snprintf((char *)h + 116, 8, "%07o", 0);
	snprintf((char *)h + 124, 12, "%011zo", size);
	snprintf((char *)h + 136, 12, "%011o", 1700000000u);
	h[156] = (unsigned char)type;
	if (link)
		snprintf((char *)h + 157, 100, "%s", link);
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	memset(h + 148, ' ', 8);
	for (int i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	put(t, h, 512);
	return at;
}

static void data(struct tar *t, const char *s, size_t n)
{
	static const unsigned char zero[512];

	put(t, s, n);
	if (n % 512)
		put(t, zero, 512 - n % 512);
}

static void end(struct tar *t)
{
	static const unsigned char zero[1024];

	put(t, zero, sizeof(zero));
}

/* Re-sum a header after changing it (so only the intended fault remains). */
static void resum(struct tar *t, size_t at)
{
	unsigned char *h = t->p + at;
	unsigned sum = 0;

	memset(h + 148, ' ', 8);
	for (int i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
}

/* Write t to path, then unpack it into a fresh dir; the result and err. */
static int run(const struct tar *t, const char *path, const char *dir, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644), r;

	if (fd < 0 || write(fd, t->p, t->len) != (ssize_t)t->len || close(fd) < 0) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		return -2;
	}
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot make %s: %s", dir, strerror(errno));
		return -2;
	}
	fd = open(path, O_RDONLY);
	r = unpack_tar(fd, dir, err, errlen);
	close(fd);
	return r;
}

/* A corrupt archive: unpack_tar fails with want in its message. */
static void expect_error(const char *what, const struct tar *t, const char *scratch, const char *want)
{
	static int n;
	char dir[4200], archive[4200], err[512];
	int r;

	snprintf(archive, sizeof(archive), "%s.tar", scratch);
	snprintf(dir, sizeof(dir), "%s/bad%d", scratch, n++);
	r = run(t, archive, dir, err, sizeof(err));
	CHECK(r == -1, "%s: unpack_tar returned %d (%s), not -1", what, r, err);
	CHECK(strstr(err, want) != NULL, "%s: error '%s' does not say '%s'", what, err, want);
	if (r == -1 && strstr(err, want))
		printf("unpack: %s: refused: %s\n", what, err);
}

static void crafted(const char *scratch)
{
	struct tar t = { 0 };
	char err[512], path[4200], buf[64];
	struct stat st;
	size_t at;
	ssize_t n;
	int r, fd;

	/* A good one: a file, a directory, a symbolic link, a hard link. */
	header(&t, "d/", '5', 0750, 0, NULL);
	header(&t, "d/f", '0', 0640, 5, NULL);
	data(&t, "hello", 5);
	header(&t, "./d/./s", '2', 0777, 0, "f");
	header(&t, "d/h", '1', 0640, 0, "d/f");
	end(&t);
	snprintf(path, sizeof(path), "%s/good", scratch);
	{
		char archive[4200];

		snprintf(archive, sizeof(archive), "%s.tar", scratch);
		r = run(&t, archive, path, err, sizeof(err));
	}
	CHECK(r == 4, "good archive: %d entries (%s)", r, err);
	snprintf(path, sizeof(path), "%s/good/d", scratch);
	CHECK(stat(path, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 0750, "d: not a 0750 directory");
	snprintf(path, sizeof(path), "%s/good/d/f", scratch);
	fd = open(path, O_RDONLY);
	n = fd >= 0 ? read(fd, buf, sizeof(buf)) : -1;
	CHECK(n == 5 && memcmp(buf, "hello", 5) == 0, "d/f: wrong contents");
	if (fd >= 0)
		close(fd);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0640 && st.st_nlink == 2,
	      "d/f: mode %o links %lu", (unsigned)st.st_mode, (unsigned long)st.st_nlink);
	CHECK(st.st_mtime == 1700000000, "d/f: mtime %lld", (long long)st.st_mtime);
	snprintf(path, sizeof(path), "%s/good/d/s", scratch);
	n = readlink(path, buf, sizeof(buf));
	CHECK(n == 1 && buf[0] == 'f', "d/s: not a link to f");
	free(t.p);

	/* Corrupt ones, each refused with its reason. */
	t = (struct tar){ 0 };
	at = header(&t, "f", '0', 0644, 0, NULL);
	t.p[at + 150] ^= 1;
	end(&t);
	expect_error("bad checksum", &t, scratch, "checksum");
	free(t.p);

	t = (struct tar){ 0 };
	at = header(&t, "f", '0', 0644, 0, NULL);
	memcpy(t.p + at + 257, "xstar", 5);
	resum(&t, at);
	end(&t);
	expect_error("bad magic", &t, scratch, "magic");
	free(t.p);

	t = (struct tar){ 0 };
	header(&t, "a/../../evil", '0', 0644, 0, NULL);
	end(&t);
	expect_error("a name with ..", &t, scratch, "leaves the root");
	free(t.p);
	CHECK(access("/evil", F_OK) != 0, "/evil was made");

	t = (struct tar){ 0 };
	header(&t, "/etc/evil", '0', 0644, 0, NULL);
	end(&t);
	expect_error("an absolute name", &t, scratch, "absolute");
	free(t.p);

	t = (struct tar){ 0 };
	header(&t, "l", '2', 0777, 0, "/");
	header(&t, "l/evil", '0', 0644, 0, NULL);
	end(&t);
	expect_error("a name through a symbolic link", &t, scratch, "symbolic link");
	free(t.p);
	CHECK(access("/evil", F_OK) != 0, "/evil was made through a link");

	t = (struct tar){ 0 };
	header(&t, "h", '1', 0644, 0, "../x");
	end(&t);
	expect_error("a hard link out of the root", &t, scratch, "leaves the root");
	free(t.p);

	t = (struct tar){ 0 };
	header(&t, "big", '0', 0644, 4000, NULL);
	data(&t, "only a little", 13);
	expect_error("data cut short", &t, scratch, "truncated");
	free(t.p);

	t = (struct tar){ 0 };
	header(&t, "f", '0', 0644, 3, NULL);
	data(&t, "abc", 3);
	expect_error("no end marker", &t, scratch, "no end marker");
	free(t.p);

	t = (struct tar){ 0 };
	at = header(&t, "f", '0', 0644, 0, NULL);
	memcpy(t.p + at + 124, "0000000001x", 11);
	resum(&t, at);
	end(&t);
	expect_error("a malformed size", &t, scratch, "malformed");
	free(t.p);

	t = (struct tar){ 0 };
	header(&t, "dev", '3', 0644, 0, NULL);
	end(&t);
	expect_error("a device entry", &t, scratch, "not supported");
	free(t.p);

	t = (struct tar){ 0 };
	put(&t, "this is not an archive at all", 29);
	expect_error("a short file", &t, scratch, "truncated");
	free(t.p);

	t = (struct tar){ 0 };
	for (int i = 0; i < 512; i++)
		put(&t, "\x5a", 1);
	expect_error("a block of junk", &t, scratch, "magic");
	free(t.p);
}

/* ---- the boot image ---- */

static void boot_image(const char *image, const char *dir)
{
	char err[512], path[4200], motd[4096];
	struct stat st;
	int fd, r;
	ssize_t n;

	fd = open(image, O_RDONLY);
	CHECK(fd >= 0, "%s: %s", image, strerror(errno));
	if (fd < 0)
		return;
	CHECK(mkdir(dir, 0755) == 0 || errno == EEXIST, "%s: %s", dir, strerror(errno));
	r = unpack_tar(fd, dir, err, sizeof(err));
	close(fd);
	CHECK(r > 0, "%s: %s", image, err);
	printf("unpack: %s: %d entries into %s\n", image, r, dir);
	snprintf(path, sizeof(path), "%s/bin/ls", dir);
	CHECK(stat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0755 && st.st_size > 0,
	      "%s: not a 0755 regular file", path);
	snprintf(path, sizeof(path), "%s/tmp", dir);
	CHECK(stat(path, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 01777,
	      "%s: not a 1777 directory", path);
	snprintf(path, sizeof(path), "%s/etc/motd", dir);
	fd = open(path, O_RDONLY);
	n = fd >= 0 ? read(fd, motd, sizeof(motd) - 1) : -1;
	if (fd >= 0)
		close(fd);
	motd[n > 0 ? n : 0] = 0;
	CHECK(strstr(motd, "Welcome to Exo") && strstr(motd, "ls /bin"), "%s: unexpected text '%s'", path, motd);
	/* A second open reads the image from its start again. */
	fd = open(image, O_RDONLY);
	n = fd >= 0 ? read(fd, motd, 262) : -1;
	CHECK(n == 262 && memcmp(motd + 257, "ustar", 5) == 0, "a second open does not start at the beginning");
	if (fd >= 0)
		close(fd);
}

int main(int argc, char **argv)
{
	const char *image = argc > 1 ? argv[1] : "/dev/initrd";
	const char *dir = argc > 2 ? argv[2] : "/unpacked";
	char scratch[1024];

	boot_image(image, dir);
	snprintf(scratch, sizeof(scratch), "%.900s-crafted", dir);
	CHECK(mkdir(scratch, 0755) == 0 || errno == EEXIST, "%s: %s", scratch, strerror(errno));
	crafted(scratch);
	if (failures) {
		fprintf(stderr, "unpack: %d checks failed\n", failures);
		return 1;
	}
	printf("unpack: ok\n");
	return 0;
}
