/*
 * tests/integration/vfs.c — the VFS server through its protocol
 * (exo/vfs.h), on a real exosim: files, directories, paths, descriptors,
 * directory listings, rename, and hostile requests. Run as
 * `exosim --cpu auto --boot vfs.boot --exec vfs`.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <exo/errno.h>
#include <exo/vfs.h>
#include "vfs_proto.h"

#include "support.h"

static char rbuf[VFS_DIRENT_BUF + VFS_PATH_MAX];

struct vres {
	uint32_t err;            /* the reply label: 0 or XE_* */
	uint64_t w[VST_WORDS];
	uint32_t len;            /* bytes of returned data, in rbuf */
};

/* One request: op, words, and up to two strings (path or data, path2). */
static struct vres vcall(uint32_t op, unsigned n, const uint64_t *in, const void *s1, size_t l1,
			 const char *s2)
{
	exo_msg_t m = { 0 };
	unsigned idx = n;
	struct vres r = { 0 };

	if (n)
		memcpy(m.mr, in, n * 8);
	if (s1)
		idx = exo_msg_put_string(&m, idx, s1, (uint32_t)l1);
	if (s2)
		idx = exo_msg_put_string(&m, idx, s2, (uint32_t)strlen(s2));
	m.tag = exo_tag(op, n, idx - n);
	exo_msg_accept_string(&m, rbuf, sizeof(rbuf));
	assert_int_equal(exo_call(t_lookup(VFS_NAME), &m, EXO_TIMEOUT_NEVER, exo_timeout_ms(30000)), EXO_OK);
	r.err = exo_tag_label(m.tag);
	memcpy(r.w, m.mr, sizeof(r.w));
	if (exo_tag_typed(m.tag) == 2)
		r.len = exo_string_len(m.mr[exo_tag_untyped(m.tag)]);
	return r;
}

static struct vres vpath(uint32_t op, const char *path)
{
	return vcall(op, 0, NULL, path, strlen(path), NULL);
}

static int64_t vopen(const char *path, unsigned flags, unsigned mode)
{
	uint64_t in[2] = { flags, mode };
	struct vres r = vcall(VFS_OPEN, 2, in, path, strlen(path), NULL);

	return r.err ? -(int64_t)r.err : (int64_t)r.w[0];
}

static uint32_t vclose(int64_t fd)
{
	uint64_t in[1] = { (uint64_t)fd };

	return vcall(VFS_CLOSE, 1, in, NULL, 0, NULL).err;
}

static int64_t vwrite(int64_t fd, const char *s)
{
	uint64_t in[1] = { (uint64_t)fd };
	struct vres r = vcall(VFS_WRITE, 1, in, s, strlen(s), NULL);

	return r.err ? -(int64_t)r.err : (int64_t)r.w[0];
}

/* Read up to n bytes into rbuf (NUL-terminated); returns the count or -errno. */
static int64_t vread(int64_t fd, uint64_t n)
{
	uint64_t in[2] = { (uint64_t)fd, n };
	struct vres r = vcall(VFS_READ, 2, in, NULL, 0, NULL);

	if (r.err)
		return -(int64_t)r.err;
	assert_int_equal(r.w[0], r.len);
	rbuf[r.len] = 0;
	return (int64_t)r.w[0];
}

static int64_t vseek(int64_t fd, int64_t off, unsigned whence)
{
	uint64_t in[3] = { (uint64_t)fd, (uint64_t)off, whence };
	struct vres r = vcall(VFS_LSEEK, 3, in, NULL, 0, NULL);

	return r.err ? -(int64_t)r.err : (int64_t)r.w[0];
}

static void test_files_are_created_written_read_and_sought(void **state)
{
	int64_t fd = vopen("/hello", VO_CREAT | VO_RDWR, 0644);
	struct vres st;
	uint64_t in[1];

	assert_true(fd >= 0);
	assert_int_equal(vwrite(fd, "hello, world"), 12);
	assert_int_equal(vseek(fd, 0, VSEEK_SET), 0);
	assert_int_equal(vread(fd, 5), 5);
	assert_string_equal(rbuf, "hello");
	assert_int_equal(vread(fd, 100), 7);
	assert_string_equal(rbuf, ", world");
	assert_int_equal(vread(fd, 100), 0); /* end of file */
	in[0] = (uint64_t)fd;
	st = vcall(VFS_FSTAT, 1, in, NULL, 0, NULL);
	assert_int_equal(st.err, 0);
	assert_int_equal(st.w[VST_SIZE], 12);
	assert_int_equal(st.w[VST_MODE], VS_IFREG | 0644);
	assert_int_equal(st.w[VST_NLINK], 1);
	/* A hole reads as zeros. */
	assert_int_equal(vseek(fd, 100, VSEEK_SET), 100);
	assert_int_equal(vwrite(fd, "x"), 1);
	assert_int_equal(vseek(fd, -2, VSEEK_END), 99);
	assert_int_equal(vread(fd, 2), 2);
	assert_int_equal(rbuf[0], 0);
	assert_int_equal(rbuf[1], 'x');
	assert_int_equal(vseek(fd, -1000, VSEEK_CUR), -XE_EINVAL);
	assert_int_equal(vseek(fd, 0, 7), -XE_EINVAL);
	assert_int_equal(vclose(fd), 0);
	assert_int_equal(vclose(fd), XE_EBADF);
	st = vpath(VFS_STAT, "/hello");
	assert_int_equal(st.w[VST_SIZE], 101);
	assert_int_equal(vpath(VFS_UNLINK, "/hello").err, 0);
	assert_int_equal(vpath(VFS_STAT, "/hello").err, XE_ENOENT);
}

static void test_open_flags_follow_posix(void **state)
{
	int64_t a, b;

	assert_int_equal(vopen("/nope", VO_RDONLY, 0), -XE_ENOENT);
	a = vopen("/f", VO_CREAT | VO_EXCL | VO_WRONLY, 0600);
	assert_true(a >= 0);
	assert_int_equal(vopen("/f", VO_CREAT | VO_EXCL | VO_WRONLY, 0600), -XE_EEXIST);
	assert_int_equal(vwrite(a, "0123456789"), 10);
	/* Read on a write-only descriptor, write on a read-only one. */
	assert_int_equal(vread(a, 1), -XE_EBADF);
	b = vopen("/f", VO_RDONLY, 0);
	assert_int_equal(vwrite(b, "x"), -XE_EBADF);
	assert_int_equal(vclose(b), 0);
	/* O_TRUNC empties it; O_APPEND writes at the end whatever the offset. */
	b = vopen("/f", VO_WRONLY | VO_TRUNC, 0);
	assert_int_equal(vpath(VFS_STAT, "/f").w[VST_SIZE], 0);
	assert_int_equal(vclose(b), 0);
	b = vopen("/f", VO_WRONLY | VO_APPEND, 0);
	assert_int_equal(vwrite(a, "abc"), 3);  /* a writes at its own offset 10: a hole first */
	assert_int_equal(vwrite(b, "END"), 3);  /* b appends after it */
	assert_int_equal(vpath(VFS_STAT, "/f").w[VST_SIZE], 16);
	assert_int_equal(vclose(a), 0);
	assert_int_equal(vclose(b), 0);
	/* Directories open read-only only; O_DIRECTORY wants one. */
	assert_int_equal(vopen("/", VO_RDWR, 0), -XE_EISDIR);
	assert_int_equal(vopen("/f", VO_RDONLY | VO_DIRECTORY, 0), -XE_ENOTDIR);
	assert_int_equal(vopen("/f", 0x3, 0), -XE_EINVAL);
	assert_int_equal(vopen("/f", 0x80000000u, 0), -XE_EINVAL);
	assert_int_equal(vpath(VFS_UNLINK, "/f").err, 0);
}

static void test_directories_and_their_errors(void **state)
{
	uint64_t mode[1] = { 0755 };
	int64_t fd;

	assert_int_equal(vcall(VFS_MKDIR, 1, mode, "/d", 2, NULL).err, 0);
	assert_int_equal(vcall(VFS_MKDIR, 1, mode, "/d", 2, NULL).err, XE_EEXIST);
	assert_int_equal(vcall(VFS_MKDIR, 1, mode, "/d/e/f", 6, NULL).err, XE_ENOENT);
	assert_int_equal(vcall(VFS_MKDIR, 1, mode, "/", 1, NULL).err, XE_EEXIST);
	assert_int_equal(vpath(VFS_STAT, "/d").w[VST_MODE], VS_IFDIR | 0755);
	assert_int_equal(vpath(VFS_STAT, "/d").w[VST_NLINK], 2);
	fd = vopen("/d/x", VO_CREAT | VO_WRONLY, 0644);
	assert_true(fd >= 0);
	assert_int_equal(vclose(fd), 0);
	assert_int_equal(vpath(VFS_RMDIR, "/d").err, XE_ENOTEMPTY);
	assert_int_equal(vpath(VFS_UNLINK, "/d").err, XE_EISDIR);
	assert_int_equal(vpath(VFS_RMDIR, "/d/x").err, XE_ENOTDIR);
	assert_int_equal(vpath(VFS_STAT, "/d/x/y").err, XE_ENOTDIR);
	assert_int_equal(vpath(VFS_STAT, "/d/x/").err, XE_ENOTDIR);
	assert_int_equal(vopen("/d/x/", VO_RDONLY, 0), -XE_ENOTDIR);
	assert_int_equal(vpath(VFS_STAT, "/d/").err, 0);
	assert_int_equal(vpath(VFS_RMDIR, "/").err, XE_EBUSY);
	assert_int_equal(vpath(VFS_RMDIR, "/d/.").err, XE_EINVAL);
	assert_int_equal(vpath(VFS_UNLINK, "/d/x").err, 0);
	assert_int_equal(vpath(VFS_UNLINK, "/d/x").err, XE_ENOENT);
	assert_int_equal(vpath(VFS_RMDIR, "/d").err, 0);
	assert_int_equal(vpath(VFS_STAT, "/d").err, XE_ENOENT);
}

static void test_paths_resolve_relative_dot_dotdot_and_limits(void **state)
{
	uint64_t mode[1] = { 0700 };
	char longname[VFS_NAME_MAX + 2], *longpath;
	struct vres r;

	assert_int_equal(vcall(VFS_MKDIR, 1, mode, "/p", 2, NULL).err, 0);
	assert_int_equal(vcall(VFS_MKDIR, 1, mode, "/p/q", 4, NULL).err, 0);
	assert_int_equal(vpath(VFS_CHDIR, "/p/q").err, 0);
	r = vcall(VFS_GETCWD, 0, NULL, NULL, 0, NULL);
	assert_int_equal(r.err, 0);
	rbuf[r.len] = 0;
	assert_string_equal(rbuf, "/p/q");
	assert_int_equal(vclose(vopen("here", VO_CREAT | VO_WRONLY, 0600)), 0);
	assert_int_equal(vpath(VFS_STAT, "/p/q/here").err, 0);
	assert_int_equal(vpath(VFS_STAT, "./here").err, 0);
	assert_int_equal(vpath(VFS_STAT, "../q/./here").err, 0);
	assert_int_equal(vpath(VFS_STAT, "../../../../p/q//here").err, 0); /* .. stops at / */
	assert_int_equal(vpath(VFS_CHDIR, "..").err, 0);
	r = vcall(VFS_GETCWD, 0, NULL, NULL, 0, NULL);
	rbuf[r.len] = 0;
	assert_string_equal(rbuf, "/p");
	assert_int_equal(vpath(VFS_CHDIR, "q/here").err, XE_ENOTDIR);
	assert_int_equal(vpath(VFS_CHDIR, "/").err, 0);
	assert_int_equal(vpath(VFS_STAT, "").err, XE_ENOENT);
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	assert_int_equal(vpath(VFS_STAT, longname).err, XE_ENAMETOOLONG);
	longpath = malloc(VFS_PATH_MAX + 2);
	memset(longpath, '/', VFS_PATH_MAX + 1);
	longpath[VFS_PATH_MAX + 1] = 0;
	assert_int_equal(vpath(VFS_STAT, longpath).err, XE_ENAMETOOLONG);
	free(longpath);
	assert_int_equal(vcall(VFS_STAT, 0, NULL, "/p\0q", 4, NULL).err, XE_EINVAL);
	assert_int_equal(vpath(VFS_UNLINK, "/p/q/here").err, 0);
	assert_int_equal(vpath(VFS_RMDIR, "/p/q").err, 0);
	assert_int_equal(vpath(VFS_RMDIR, "/p").err, 0);
}

static void test_descriptors_lowest_free_dup_dup2_and_limit(void **state)
{
	int64_t a = vopen("/fds", VO_CREAT | VO_RDWR, 0600), b, c, fds[VFS_FD_MAX];
	uint64_t in[3];
	int n = 0;

	assert_true(a >= 0);
	in[0] = (uint64_t)a;
	in[1] = 0;
	in[2] = 0;
	b = (int64_t)vcall(VFS_DUP, 3, in, NULL, 0, NULL).w[0];
	assert_true(b > a);
	/* A dup shares the offset. */
	assert_int_equal(vwrite(a, "abcdef"), 6);
	assert_int_equal(vseek(b, 0, VSEEK_CUR), 6);
	assert_int_equal(vseek(b, 2, VSEEK_SET), 2);
	assert_int_equal(vread(a, 2), 2);
	assert_string_equal(rbuf, "cd");
	/* dup2 onto an open descriptor closes it first; onto itself is a no-op. */
	c = vopen("/fds", VO_RDONLY, 0);
	in[0] = (uint64_t)a;
	in[1] = (uint64_t)c;
	assert_int_equal(vcall(VFS_DUP2, 2, in, NULL, 0, NULL).w[0], c);
	assert_int_equal(vseek(c, 0, VSEEK_CUR), 4);
	in[1] = (uint64_t)a;
	assert_int_equal(vcall(VFS_DUP2, 2, in, NULL, 0, NULL).w[0], a);
	in[1] = VFS_FD_MAX;
	assert_int_equal(vcall(VFS_DUP2, 2, in, NULL, 0, NULL).err, XE_EBADF);
	/* The lowest free descriptor is taken. */
	assert_int_equal(vclose(b), 0);
	assert_int_equal(vopen("/fds", VO_RDONLY, 0), b);
	assert_int_equal(vclose(b), 0);
	/* EMFILE at the limit, and nothing leaks: all of them close. */
	for (;;) {
		int64_t fd = vopen("/fds", VO_RDONLY, 0);

		if (fd < 0) {
			assert_int_equal(fd, -XE_EMFILE);
			break;
		}
		fds[n++] = fd;
	}
	assert_int_equal(n, VFS_FD_MAX - 2);
	for (int i = 0; i < n; i++)
		assert_int_equal(vclose(fds[i]), 0);
	assert_int_equal(vclose(a), 0);
	assert_int_equal(vclose(c), 0);
	assert_int_equal(vclose(-1), XE_EBADF);
	assert_int_equal(vclose(1u << 30), XE_EBADF);
	assert_int_equal(vpath(VFS_UNLINK, "/fds").err, 0);
}

/* List a directory: count each name in seen[] (names are "e<number>"). */
static void list_dir(int64_t fd, unsigned *seen, unsigned n, int remove_every)
{
	uint64_t cookie = 0;
	unsigned got = 0;

	do {
		uint64_t in[2] = { (uint64_t)fd, cookie };
		struct vres r = vcall(VFS_GETDENTS, 2, in, NULL, 0, NULL);

		assert_int_equal(r.err, 0);
		for (uint32_t off = 0; off < r.len;) {
			const struct vfs_dirent *d = (const void *)(rbuf + off);

			if (d->name[0] == 'e') {
				unsigned i = (unsigned)atoi(d->name + 1);

				assert_true(i < n);
				seen[i]++;
				got++;
				/* Remove entries not yet listed while listing. */
				if (remove_every && got % remove_every == 0 && i + 1 < n) {
					char path[64];

					snprintf(path, sizeof(path), "/big/e%u", n - 1 - got / remove_every);
					vpath(VFS_UNLINK, path);
				}
			}
			off += d->reclen;
		}
		cookie = r.w[0];
	} while (cookie != 0);
}

static void test_a_directory_of_thousands_lists_each_entry_once(void **state)
{
	enum { N = 2000 };
	static unsigned seen[N];
	uint64_t mode[1] = { 0755 };
	int64_t fd;

	assert_int_equal(vcall(VFS_MKDIR, 1, mode, "/big", 4, NULL).err, 0);
	for (unsigned i = 0; i < N; i++) {
		char path[64];

		snprintf(path, sizeof(path), "/big/e%u", i);
		fd = vopen(path, VO_CREAT | VO_WRONLY, 0644);
		assert_true(fd >= 0);
		vclose(fd);
	}
	fd = vopen("/big", VO_RDONLY | VO_DIRECTORY, 0);
	assert_true(fd >= 0);
	list_dir(fd, seen, N, 0);
	for (unsigned i = 0; i < N; i++)
		assert_int_equal(seen[i], 1);
	/* Again while entries at the end are removed: none twice, none present missed. */
	memset(seen, 0, sizeof(seen));
	list_dir(fd, seen, N, 10);
	for (unsigned i = 0; i < N; i++) {
		char path[64];
		int present;

		snprintf(path, sizeof(path), "/big/e%u", i);
		present = vpath(VFS_STAT, path).err == 0;
		assert_true(seen[i] <= 1);
		if (present)
			assert_int_equal(seen[i], 1);
	}
	vclose(fd);
}

static void test_rename_cases(void **state)
{
	uint64_t mode[1] = { 0755 };
	int64_t fd = vopen("/r1", VO_CREAT | VO_WRONLY, 0644);

	vwrite(fd, "one");
	vclose(fd);
	fd = vopen("/r2", VO_CREAT | VO_WRONLY, 0644);
	vclose(fd);
	/* Over a file: r2 is replaced by r1's contents. */
	assert_int_equal(vcall(VFS_RENAME, 0, NULL, "/r1", 3, "/r2").err, 0);
	assert_int_equal(vpath(VFS_STAT, "/r1").err, XE_ENOENT);
	assert_int_equal(vpath(VFS_STAT, "/r2").w[VST_SIZE], 3);
	assert_int_equal(vcall(VFS_RENAME, 0, NULL, "/missing", 8, "/r3").err, XE_ENOENT);
	/* Directories: over an empty one, not over a full one, not into itself. */
	vcall(VFS_MKDIR, 1, mode, "/da", 3, NULL);
	vcall(VFS_MKDIR, 1, mode, "/db", 3, NULL);
	vcall(VFS_MKDIR, 1, mode, "/dc", 3, NULL);
	vcall(VFS_MKDIR, 1, mode, "/dc/sub", 7, NULL);
	assert_int_equal(vcall(VFS_RENAME, 0, NULL, "/da", 3, "/db").err, 0);
	assert_int_equal(vcall(VFS_RENAME, 0, NULL, "/db", 3, "/dc").err, XE_ENOTEMPTY);
	assert_int_equal(vcall(VFS_RENAME, 0, NULL, "/dc", 3, "/dc/sub/x").err, XE_EINVAL);
	assert_int_equal(vcall(VFS_RENAME, 0, NULL, "/r2", 3, "/db").err, XE_EISDIR);
	assert_int_equal(vcall(VFS_RENAME, 0, NULL, "/db", 3, "/r2").err, XE_ENOTDIR);
	assert_int_equal(vcall(VFS_RENAME, 0, NULL, "/r2", 3, "/r2").err, 0);
	/* Into another directory, keeping the file. */
	assert_int_equal(vcall(VFS_RENAME, 0, NULL, "/r2", 3, "/dc/sub/moved").err, 0);
	assert_int_equal(vpath(VFS_STAT, "/dc/sub/moved").w[VST_SIZE], 3);
	vpath(VFS_UNLINK, "/dc/sub/moved");
	vpath(VFS_RMDIR, "/dc/sub");
	vpath(VFS_RMDIR, "/dc");
	vpath(VFS_RMDIR, "/db");
}

static int other_space_sees_its_own_table(void *arg)
{
	uint64_t in[1] = { *(uint64_t *)arg };

	/* The parent's descriptor number means nothing here. */
	if (vcall(VFS_CLOSE, 1, in, NULL, 0, NULL).err != XE_EBADF)
		return 1;
	/* An unlinked file stays readable through an open descriptor. */
	return 0;
}

static void test_descriptors_belong_to_their_space_and_survive_unlink(void **state)
{
	int64_t fd = vopen("/mine", VO_CREAT | VO_RDWR, 0600);
	uint64_t fdw = (uint64_t)fd;

	assert_true(fd >= 0);
	assert_int_equal(t_wait(t_fork(other_space_sees_its_own_table, &fdw)), 0);
	vwrite(fd, "kept");
	assert_int_equal(vpath(VFS_UNLINK, "/mine").err, 0);
	assert_int_equal(vseek(fd, 0, VSEEK_SET), 0);
	assert_int_equal(vread(fd, 10), 4);
	assert_string_equal(rbuf, "kept");
	assert_int_equal(vclose(fd), 0);
}

static void test_hostile_requests_get_errors(void **state)
{
	uint64_t in[3] = { 12345678, 10, 0 };

	assert_int_equal(vcall(VFS_READ, 2, in, NULL, 0, NULL).err, XE_EBADF);
	assert_int_equal(vcall(VFS_FSTAT, 1, in, NULL, 0, NULL).err, XE_EBADF);
	assert_int_equal(vcall(VFS_OPEN, 2, (uint64_t[]){ VO_RDONLY, 0 }, NULL, 0, NULL).err, XE_EINVAL);
	assert_int_equal(vcall(999, 0, NULL, NULL, 0, NULL).err, XE_ENOSYS);
	assert_int_equal(vcall(VFS_LSEEK, 1, in, NULL, 0, NULL).err, XE_EINVAL); /* too few words */
	/* A path longer than the server's buffer: the transfer itself is refused. */
	{
		static char big[EXO_STRING_MAX];

		memset(big, 'a', sizeof(big));
		assert_int_equal(vcall(VFS_STAT, 0, NULL, big, sizeof(big), NULL).err, XE_ENAMETOOLONG);
	}
	/* The server still answers. */
	assert_int_equal(vpath(VFS_STAT, "/").err, 0);
}

/* The later operations, given lies: wrong lengths, bad descriptors, odd values. */
static void test_hostile_poll_lock_mknod_and_at_requests(void **state)
{
	struct vfs_pollfd pf[2] = { { .fd = 0, .events = VP_OUT }, { .fd = 77777, .events = VP_IN } };
	int64_t fd = vopen("/hostile", VO_CREAT | VO_RDWR, 0644);
	struct vres r;

	/* POLL: the count must match the data; too many entries is EINVAL. */
	assert_int_equal(vcall(VFS_POLL, 2, (uint64_t[]){ 5, 0 }, pf, sizeof(pf), NULL).err, XE_EINVAL);
	assert_int_equal(vcall(VFS_POLL, 2, (uint64_t[]){ 1, 0 }, NULL, 0, NULL).err, XE_EINVAL);
	assert_int_equal(vcall(VFS_POLL, 2, (uint64_t[]){ VPOLL_MAX + 1, 0 }, pf, sizeof(pf), NULL).err, XE_EINVAL);
	r = vcall(VFS_POLL, 2, (uint64_t[]){ 2, 0 }, pf, sizeof(pf), NULL);
	assert_int_equal(r.err, 0);
	assert_int_equal(r.w[0], 2);
	assert_int_equal(((struct vfs_pollfd *)(void *)rbuf)[1].revents, VP_NVAL);
	/* LOCK: unknown commands and types, bad whence, overflowing ranges. */
	assert_int_equal(vcall(VFS_LOCK, 6, (uint64_t[]){ fd, 7, VLK_WRLCK, VSEEK_SET, 0, 1 }, NULL, 0, NULL).err,
			 XE_EINVAL);
	assert_int_equal(vcall(VFS_LOCK, 6, (uint64_t[]){ fd, VLK_SET, 9, VSEEK_SET, 0, 1 }, NULL, 0, NULL).err,
			 XE_EINVAL);
	assert_int_equal(vcall(VFS_LOCK, 6, (uint64_t[]){ fd, VLK_SET, VLK_WRLCK, 9, 0, 1 }, NULL, 0, NULL).err,
			 XE_EINVAL);
	assert_int_equal(vcall(VFS_LOCK, 6, (uint64_t[]){ fd, VLK_SET, VLK_WRLCK, VSEEK_SET, INT64_MAX, 2 },
			       NULL, 0, NULL).err, XE_EOVERFLOW);
	assert_int_equal(vcall(VFS_LOCK, 6, (uint64_t[]){ fd, VLK_SET, VLK_WRLCK, VSEEK_SET, 5, (uint64_t)INT64_MIN },
			       NULL, 0, NULL).err, XE_EINVAL);
	assert_int_equal(vcall(VFS_LOCK, 6, (uint64_t[]){ 99999, VLK_SET, VLK_WRLCK, VSEEK_SET, 0, 1 }, NULL, 0,
			       NULL).err, XE_EBADF);
	assert_int_equal(vcall(VFS_FLOCK, 3, (uint64_t[]){ fd, 77, 1 }, NULL, 0, NULL).err, XE_EINVAL);
	/* MKNOD: unknown mode bits and device numbers. */
	assert_int_equal(vcall(VFS_MKNOD, 2, (uint64_t[]){ 0xffffffffu, 0 }, "/x", 2, NULL).err, XE_EINVAL);
	assert_int_equal(vcall(VFS_MKNOD, 2, (uint64_t[]){ VS_IFCHR | 0666, 0xdead }, "/x", 2, NULL).err, XE_ENXIO);
	/* A directory descriptor in the label that is no descriptor, or no directory. */
	assert_int_equal(vcall(vfs_at(VFS_STAT, 300, 0), 0, NULL, "rel", 3, NULL).err, XE_EBADF);
	assert_int_equal(vcall(vfs_at(VFS_STAT, (uint32_t)fd + 1, 0), 0, NULL, "rel", 3, NULL).err, XE_ENOTDIR);
	assert_int_equal(vcall(vfs_at(VFS_STAT, 300, 0), 0, NULL, "/", 1, NULL).err, 0); /* absolute: ignored */
	/* No memory server in this boot: no shared memory files, and nothing left behind. */
	assert_int_equal(vopen("/dev/shm/obj", VO_CREAT | VO_RDWR, 0600), -XE_ENOSPC);
	assert_int_equal(vpath(VFS_STAT, "/dev/shm/obj").err, XE_ENOENT);
	/* MMAP and DEVICE on what cannot be mapped or is no device. */
	assert_int_equal(vcall(VFS_DEVICE, 1, (uint64_t[]){ fd }, NULL, 0, NULL).err, XE_ENOTTY);
	assert_int_equal(vcall(VFS_MMAP, 2, (uint64_t[]){ 4242, 0 }, NULL, 0, NULL).err, XE_EBADF);
	assert_int_equal(vclose(fd), 0);
	assert_int_equal(vpath(VFS_UNLINK, "/hostile").err, 0);
	assert_int_equal(vpath(VFS_STAT, "/").err, 0);
}

/*
 * FORK, EXEC and SETCRED given lies: from a thread that is not the process
 * server, with too few words, nil or equal or oversized spaces, ids that are
 * no ids, group counts that do not match the data. Registers this thread as
 * "proc" halfway (so it runs last).
 */
static void test_hostile_fork_exec_and_setcred_requests(void **state)
{
	static const uint32_t groups[VFS_NGROUPS_MAX + 1] = { 7, 8, VID_KEEP };
	exo_space_t me = exo_my_space();
	int64_t keep, gone;

	/* Not the process server: EPERM, whatever the words say. */
	assert_int_equal(vcall(VFS_FORK, 2, (uint64_t[]){ me, me + 1 }, NULL, 0, NULL).err, XE_EPERM);
	assert_int_equal(vcall(VFS_FORK, 2, (uint64_t[]){ 0, 0 }, NULL, 0, NULL).err, XE_EPERM);
	assert_int_equal(vcall(VFS_SETCRED, 6, (uint64_t[]){ me, 0, 0, 0, 0, 0 }, NULL, 0, NULL).err, XE_EPERM);
	assert_int_equal(vcall(VFS_FORK, 1, (uint64_t[]){ me }, NULL, 0, NULL).err, XE_EINVAL); /* too few words */
	assert_int_equal(vcall(VFS_SETCRED, 5, (uint64_t[]){ me, 0, 0, 0, 0 }, NULL, 0, NULL).err, XE_EINVAL);
	/*
	 * EXEC closes exactly the close-on-exec descriptors; one with words or
	 * items it does not declare is refused and closes nothing.
	 */
	keep = vopen("/execd", VO_CREAT | VO_RDWR, 0644);
	gone = vopen("/execd", VO_RDONLY | VO_CLOEXEC, 0);
	assert_true(keep >= 0 && gone >= 0);
	assert_int_equal(vcall(VFS_EXEC, 3, (uint64_t[]){ 1, 2, 3 }, "junk", 4, NULL).err, XE_EINVAL);
	assert_int_equal(vcall(VFS_EXEC, 0, NULL, "junk", 4, NULL).err, XE_EINVAL);
	assert_int_equal(vcall(VFS_EXEC | (3u << VFS_AT_SHIFT1), 0, NULL, NULL, 0, NULL).err, XE_EINVAL);
	assert_int_equal(vcall(VFS_EXEC, 0, NULL, NULL, 0, NULL).err, 0);
	assert_int_equal(vclose(gone), XE_EBADF);
	assert_int_equal(vclose(keep), 0);

	/* As the process server: the words are checked. */
	assert_int_equal(exo_register(VFS_PROC_NAME), EXO_OK);
	assert_int_equal(vcall(VFS_FORK, 2, (uint64_t[]){ 0, me }, NULL, 0, NULL).err, XE_EINVAL);
	assert_int_equal(vcall(VFS_FORK, 2, (uint64_t[]){ me, 0 }, NULL, 0, NULL).err, XE_EINVAL);
	assert_int_equal(vcall(VFS_FORK, 2, (uint64_t[]){ me, me }, NULL, 0, NULL).err, XE_EINVAL);
	assert_int_equal(vcall(VFS_FORK, 2, (uint64_t[]){ me, 1ull << 40 }, NULL, 0, NULL).err, XE_EINVAL);
	assert_int_equal(vcall(VFS_FORK, 2, (uint64_t[]){ 1ull << 40, me }, NULL, 0, NULL).err, XE_EINVAL);
	assert_int_equal(vcall(VFS_SETCRED, 6, (uint64_t[]){ 0, 1, 1, 1, 1, 0 }, NULL, 0, NULL).err, XE_EINVAL);
	assert_int_equal(vcall(VFS_SETCRED, 6, (uint64_t[]){ 1ull << 40, 1, 1, 1, 1, 0 }, NULL, 0, NULL).err,
			 XE_EINVAL);
	assert_int_equal(vcall(VFS_SETCRED, 6, (uint64_t[]){ me, VID_KEEP, 1, 1, 1, 0 }, NULL, 0, NULL).err, XE_EINVAL);
	assert_int_equal(vcall(VFS_SETCRED, 6, (uint64_t[]){ me, 1, 1ull << 33, 1, 1, 0 }, NULL, 0, NULL).err,
			 XE_EINVAL);
	assert_int_equal(vcall(VFS_SETCRED, 6, (uint64_t[]){ me, 1, 1, 1, 1, VFS_NGROUPS_MAX + 1 }, groups,
			       sizeof(groups), NULL).err, XE_EINVAL);
	assert_int_equal(vcall(VFS_SETCRED, 6, (uint64_t[]){ me, 1, 1, 1, 1, 2 }, NULL, 0, NULL).err, XE_EINVAL);
	assert_int_equal(vcall(VFS_SETCRED, 6, (uint64_t[]){ me, 1, 1, 1, 1, 2 }, groups, 4, NULL).err, XE_EINVAL);
	assert_int_equal(vcall(VFS_SETCRED, 6, (uint64_t[]){ me, 1, 1, 1, 1, 2 }, groups, 12, NULL).err, XE_EINVAL);
	assert_int_equal(vcall(VFS_SETCRED, 6, (uint64_t[]){ me, 1, 1, 1, 1, 3 }, groups, 12, NULL).err, XE_EINVAL);
	/* Nothing took: this space is still root and may make files in /. */
	keep = vopen("/still-root", VO_CREAT | VO_RDWR, 0600);
	assert_true(keep >= 0);
	assert_int_equal(vclose(keep), 0);
	/* A good one: an ordinary user, then root again (the process server is a thread, not a uid). */
	assert_int_equal(vcall(VFS_SETCRED, 6, (uint64_t[]){ me, 5, 5, 5, 5, 2 }, groups, 8, NULL).err, 0);
	assert_int_equal(vopen("/not-root", VO_CREAT | VO_RDWR, 0600), -XE_EACCES);
	assert_int_equal(vopen("/still-root", VO_RDONLY, 0), -XE_EACCES);
	assert_int_equal(vcall(VFS_SETCRED, 6, (uint64_t[]){ me, 0, 0, 0, 0, 0 }, NULL, 0, NULL).err, 0);
	assert_int_equal(vpath(VFS_UNLINK, "/still-root").err, 0);
	assert_int_equal(vpath(VFS_UNLINK, "/execd").err, 0);
	assert_int_equal(vpath(VFS_STAT, "/").err, 0);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_files_are_created_written_read_and_sought),
		cmocka_unit_test(test_open_flags_follow_posix),
		cmocka_unit_test(test_directories_and_their_errors),
		cmocka_unit_test(test_paths_resolve_relative_dot_dotdot_and_limits),
		cmocka_unit_test(test_descriptors_lowest_free_dup_dup2_and_limit),
		cmocka_unit_test(test_a_directory_of_thousands_lists_each_entry_once),
		cmocka_unit_test(test_rename_cases),
		cmocka_unit_test(test_descriptors_belong_to_their_space_and_survive_unlink),
		cmocka_unit_test(test_hostile_requests_get_errors),
		cmocka_unit_test(test_hostile_poll_lock_mknod_and_at_requests),
		cmocka_unit_test(test_hostile_fork_exec_and_setcred_requests),
	};

	exo_init_args(&argc, argv);
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
