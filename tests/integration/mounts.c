/*
 * tests/integration/mounts.c — file system servers mounted in the VFS
 * (exo/fs.h): tmpfs at /mnt through libposix, paths crossing mounts both
 * ways, EXDEV, EBUSY, EPERM for a process that is not root, and hostile
 * clients of tmpfs and of the VFS's mount requests, and a hostile file
 * system server.
 *
 * Boot list mounts.boot: console, memory, vfs, sched, proc, and tmpfs
 * servers named "tmpfs", "tmpfs2" (64 KiB of data) and "tmpfs-open"
 * (--any-client: it answers anyone, for the protocol cases).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <exo/errno.h>
#include <exo/fs.h>
#include "fs_proto.h"
#include <exo/posix.h>
#include <exo/vfs.h>
#include "vfs_proto.h"

#include "support.h"

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(close(fd), 0);
}

static void assert_file(const char *path, const char *text)
{
	char buf[256] = { 0 };
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(read(fd, buf, sizeof(buf) - 1), (ssize_t)strlen(text));
	assert_string_equal(buf, text);
	assert_int_equal(close(fd), 0);
}

/* Whether a directory lists name. */
static bool lists(const char *dir, const char *name)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool found = false;

	assert_non_null(d);
	while ((e = readdir(d)))
		found |= strcmp(e->d_name, name) == 0;
	closedir(d);
	return found;
}

static int setup(void **state)
{
	(void)state;
	if (mkdir("/mnt", 0755) != 0 && errno != EEXIST)
		return -1;
	return exo_fs_mount("tmpfs", "/mnt", 0);
}

static int teardown(void **state)
{
	(void)state;
	return exo_fs_unmount("/mnt");
}

static void test_the_mount_table_lists_the_root_and_each_mount(void **state)
{
	static struct exo_mount mt[8];
	struct stat root, mnt;
	int n;

	(void)state;
	n = exo_mounts(mt, 8);
	assert_int_equal(n, 2);
	assert_string_equal(mt[0].server, "vfs");
	assert_string_equal(mt[0].path, "/");
	assert_string_equal(mt[1].server, "tmpfs");
	assert_string_equal(mt[1].path, "/mnt");
	assert_int_equal(mt[1].flags, 0);
	assert_int_equal(stat("/", &root), 0);
	assert_int_equal(stat("/mnt", &mnt), 0);
	assert_true(S_ISDIR(mnt.st_mode));
	assert_int_not_equal(root.st_dev, mnt.st_dev);
	assert_int_equal((unsigned long)mnt.st_dev, mt[1].dev);
	assert_int_equal(exo_mounts(mt, 1), 1);
	/* Mounting again, over a mount, at /, on a file, nowhere, or a server nobody runs. */
	assert_int_equal(exo_fs_mount("tmpfs", "/mnt", 0), -1);
	assert_int_equal(errno, EBUSY);
	assert_int_equal(mkdir("/other", 0755), 0);
	assert_int_equal(exo_fs_mount("tmpfs", "/other", 0), -1);
	assert_int_equal(errno, EBUSY); /* a server is mounted once */
	assert_int_equal(exo_fs_mount("tmpfs2", "/mnt", 0), -1);
	assert_int_equal(errno, EBUSY);
	assert_int_equal(exo_fs_mount("tmpfs2", "/", 0), -1);
	assert_int_equal(errno, EBUSY);
	write_file("/afile", "x");
	assert_int_equal(exo_fs_mount("tmpfs2", "/afile", 0), -1);
	assert_int_equal(errno, ENOTDIR);
	assert_int_equal(exo_fs_mount("tmpfs2", "/nowhere", 0), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(exo_fs_mount("no-such-server", "/other", 0), -1);
	assert_int_equal(errno, ENODEV);
	assert_int_equal(exo_fs_mount("console", "/other", 0), -1); /* not a file system server */
	assert_int_equal(errno, ENODEV);
	assert_int_equal(exo_fs_mount("tmpfs2", "/other", 0x100), -1);
	assert_int_equal(errno, EINVAL);
	/* Unmounting what is not a mount. */
	assert_int_equal(exo_fs_unmount("/other"), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(exo_fs_unmount("/"), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(rmdir("/other"), 0);
	assert_int_equal(unlink("/afile"), 0);
}

static void test_files_on_a_mount_are_made_read_written_listed_renamed_and_removed(void **state)
{
	struct stat st, st2;
	char buf[64];
	int fd;

	(void)state;
	assert_int_equal(mkdir("/mnt/work", 0755), 0);
	write_file("/mnt/work/a", "hello");
	assert_file("/mnt/work/a", "hello");
	/* Append, pread, pwrite, lseek to the end, ftruncate both ways. */
	fd = open("/mnt/work/a", O_RDWR | O_APPEND);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, " world", 6), 6);
	assert_int_equal(lseek(fd, 0, SEEK_CUR), 11);
	assert_int_equal(lseek(fd, 0, SEEK_END), 11);
	assert_int_equal(pread(fd, buf, 5, 6), 5);
	assert_memory_equal(buf, "world", 5);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_size, 11);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(ftruncate(fd, 5), 0);
	assert_int_equal(ftruncate(fd, 8192), 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_size, 8192);
	assert_int_equal(pread(fd, buf, 4, 4096), 4);
	assert_memory_equal(buf, "\0\0\0\0", 4);
	assert_int_equal(close(fd), 0);
	assert_int_equal(truncate("/mnt/work/a", 5), 0);
	assert_file("/mnt/work/a", "hello");
	/* A large file goes through in several messages. */
	{
		static char big[200000], back[200000];

		for (size_t i = 0; i < sizeof(big); i++)
			big[i] = (char)(i * 7);
		fd = open("/mnt/work/big", O_RDWR | O_CREAT | O_EXCL, 0600);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, big, sizeof(big)), (ssize_t)sizeof(big));
		assert_int_equal(pread(fd, back, sizeof(back), 0), (ssize_t)sizeof(back));
		assert_memory_equal(big, back, sizeof(big));
		assert_int_equal(close(fd), 0);
		assert_int_equal(open("/mnt/work/big", O_RDWR | O_CREAT | O_EXCL, 0600), -1);
		assert_int_equal(errno, EEXIST);
	}
	/* Directories list every entry. */
	assert_int_equal(mkdir("/mnt/work/sub", 0700), 0);
	assert_true(lists("/mnt/work", "."));
	assert_true(lists("/mnt/work", ".."));
	assert_true(lists("/mnt/work", "a"));
	assert_true(lists("/mnt/work", "big"));
	assert_true(lists("/mnt/work", "sub"));
	assert_int_equal(stat("/mnt/work/sub", &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	/* Many entries, listed once each. */
	for (int i = 0; i < 300; i++) {
		snprintf(buf, sizeof(buf), "/mnt/work/sub/entry-with-a-longish-name-%03d", i);
		write_file(buf, "");
	}
	{
		DIR *d = opendir("/mnt/work/sub");
		struct dirent *e;
		int count = 0;

		assert_non_null(d);
		while ((e = readdir(d)))
			count += strncmp(e->d_name, "entry-", 6) == 0;
		closedir(d);
		assert_int_equal(count, 300);
	}
	for (int i = 0; i < 300; i++) {
		snprintf(buf, sizeof(buf), "/mnt/work/sub/entry-with-a-longish-name-%03d", i);
		assert_int_equal(unlink(buf), 0);
	}
	/* Rename: to another directory, over a file, a directory over an empty one, into itself. */
	assert_int_equal(rename("/mnt/work/a", "/mnt/work/sub/b"), 0);
	assert_int_equal(access("/mnt/work/a", F_OK), -1);
	assert_file("/mnt/work/sub/b", "hello");
	write_file("/mnt/work/c", "over");
	assert_int_equal(rename("/mnt/work/c", "/mnt/work/sub/b"), 0);
	assert_file("/mnt/work/sub/b", "over");
	assert_int_equal(mkdir("/mnt/work/empty", 0755), 0);
	assert_int_equal(mkdir("/mnt/work/full", 0755), 0);
	write_file("/mnt/work/full/x", "x");
	assert_int_equal(rename("/mnt/work/full", "/mnt/work/empty"), 0);
	assert_file("/mnt/work/empty/x", "x");
	assert_int_equal(rename("/mnt/work/empty", "/mnt/work/empty/x/y"), -1);
	assert_int_equal(errno, ENOTDIR);
	assert_int_equal(rename("/mnt/work/sub", "/mnt/work/sub/inner"), -1);
	assert_int_equal(errno, EINVAL);
	/* Links: symbolic (followed, read), hard (counted). */
	assert_int_equal(symlink("sub/b", "/mnt/work/ln"), 0);
	assert_file("/mnt/work/ln", "over");
	assert_int_equal(readlink("/mnt/work/ln", buf, sizeof(buf)), 5);
	assert_memory_equal(buf, "sub/b", 5);
	assert_int_equal(lstat("/mnt/work/ln", &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(link("/mnt/work/sub/b", "/mnt/work/hard"), 0);
	assert_int_equal(stat("/mnt/work/hard", &st), 0);
	assert_int_equal(stat("/mnt/work/sub/b", &st2), 0);
	assert_int_equal(st.st_ino, st2.st_ino);
	assert_int_equal(st.st_nlink, 2);
	assert_int_equal(link("/mnt/work/sub", "/mnt/work/dirlink"), -1);
	assert_int_equal(errno, EPERM);
	/* Attributes: chmod, chown, times. */
	assert_int_equal(chmod("/mnt/work/hard", 0600), 0);
	assert_int_equal(stat("/mnt/work/sub/b", &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(chown("/mnt/work/hard", 12, 34), 0);
	assert_int_equal(stat("/mnt/work/hard", &st), 0);
	assert_int_equal(st.st_uid, 12);
	assert_int_equal(st.st_gid, 34);
	{
		struct timespec ts[2] = { { 1000, 5 }, { 2000, 7 } };

		assert_int_equal(utimensat(AT_FDCWD, "/mnt/work/hard", ts, 0), 0);
		assert_int_equal(stat("/mnt/work/hard", &st), 0);
		assert_int_equal(st.st_atim.tv_sec, 1000);
		assert_int_equal(st.st_mtim.tv_sec, 2000);
		assert_int_equal(st.st_mtim.tv_nsec, 7);
	}
	/* FIFOs live on the mount too; their pipe is the VFS's. */
	assert_int_equal(mkfifo("/mnt/work/fifo", 0600), 0);
	fd = open("/mnt/work/fifo", O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "pipe", 4), 4);
	assert_int_equal(read(fd, buf, 4), 4);
	assert_memory_equal(buf, "pipe", 4);
	assert_int_equal(close(fd), 0);
	/* Removing: ENOTEMPTY, EISDIR, ENOTDIR, then all of it. */
	assert_int_equal(rmdir("/mnt/work/sub"), -1);
	assert_int_equal(errno, ENOTEMPTY);
	assert_int_equal(unlink("/mnt/work/sub"), -1);
	assert_int_equal(errno, EISDIR);
	assert_int_equal(rmdir("/mnt/work/hard"), -1);
	assert_int_equal(errno, ENOTDIR);
	assert_int_equal(unlink("/mnt/work/missing"), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(unlink("/mnt/work/sub/b"), 0);
	assert_int_equal(stat("/mnt/work/hard", &st), 0);
	assert_int_equal(st.st_nlink, 1);
	for (const char *const *p = (const char *const[]){ "hard", "ln", "big", "fifo", "empty/x", NULL }; *p; p++) {
		snprintf(buf, sizeof(buf), "/mnt/work/%s", *p);
		assert_int_equal(unlink(buf), 0);
	}
	assert_int_equal(rmdir("/mnt/work/sub"), 0);
	assert_int_equal(rmdir("/mnt/work/empty"), 0);
	assert_int_equal(rmdir("/mnt/work"), 0);
	/* The files live in the server, not in the VFS's ramfs. */
	write_file("/mnt/kept", "kept");
	assert_int_equal(exo_fs_unmount("/mnt"), 0);
	assert_int_equal(access("/mnt/kept", F_OK), -1);
	assert_int_equal(exo_fs_mount("tmpfs", "/mnt", 0), 0);
	assert_file("/mnt/kept", "kept");
	assert_int_equal(unlink("/mnt/kept"), 0);
}

static void test_paths_cross_a_mount_both_ways(void **state)
{
	char buf[PATH_MAX], *p;
	struct stat a, b;

	(void)state;
	assert_int_equal(mkdir("/mnt/d", 0755), 0);
	assert_int_equal(mkdir("/mnt/d/e", 0755), 0);
	/* Down and up with the working directory. */
	assert_int_equal(chdir("/mnt/d/e"), 0);
	assert_non_null(getcwd(buf, sizeof(buf)));
	assert_string_equal(buf, "/mnt/d/e");
	assert_int_equal(chdir("../.."), 0);
	assert_non_null(getcwd(buf, sizeof(buf)));
	assert_string_equal(buf, "/mnt");
	/* ".." at the mount's root is the covered directory's parent. */
	assert_int_equal(chdir(".."), 0);
	assert_non_null(getcwd(buf, sizeof(buf)));
	assert_string_equal(buf, "/");
	assert_int_equal(stat("/mnt/..", &a), 0);
	assert_int_equal(stat("/", &b), 0);
	assert_int_equal(a.st_ino, b.st_ino);
	assert_int_equal(a.st_dev, b.st_dev);
	assert_true(lists("/mnt/..", "mnt"));
	assert_true(lists("/mnt/d/../..", "mnt"));
	/* realpath walks up through the mount. */
	assert_non_null(p = realpath("/mnt/d/e/../e", NULL));
	assert_string_equal(p, "/mnt/d/e");
	free(p);
	assert_non_null(p = realpath("/mnt/d/..", NULL));
	assert_string_equal(p, "/mnt");
	free(p);
	assert_non_null(p = realpath("/mnt/..", NULL));
	assert_string_equal(p, "/");
	free(p);
	/* Links across: ramfs to the mount, the mount to ramfs, and up through the root. */
	assert_int_equal(symlink("/mnt/d", "/to-mnt"), 0);
	assert_int_equal(stat("/to-mnt/e", &a), 0);
	assert_int_equal(stat("/mnt/d/e", &b), 0);
	assert_int_equal(a.st_ino, b.st_ino);
	assert_int_equal(symlink("../../dev", "/mnt/d/to-dev"), 0);
	assert_int_equal(stat("/mnt/d/to-dev/null", &a), 0);
	assert_true(S_ISCHR(a.st_mode));
	assert_int_equal(symlink("..", "/mnt/up"), 0);
	assert_non_null(p = realpath("/mnt/up/mnt/d", NULL));
	assert_string_equal(p, "/mnt/d");
	free(p);
	/* chroot into the mount: ".." stops at its root. */
	/* A mount inside a mount: crossing two levels. */
	assert_int_equal(exo_fs_mount("tmpfs2", "/mnt/d/e", 0), 0);
	write_file("/mnt/d/e/inner", "inner");
	assert_int_equal(chdir("/mnt/d/e"), 0);
	assert_file("inner", "inner");
	assert_file("../e/inner", "inner");
	assert_int_equal(chdir("../../.."), 0);
	assert_non_null(getcwd(buf, sizeof(buf)));
	assert_string_equal(buf, "/");
	assert_int_equal(exo_fs_unmount("/mnt"), -1);
	assert_int_equal(errno, EBUSY); /* another is mounted in it */
	assert_int_equal(unlink("/mnt/d/e/inner"), 0);
	assert_int_equal(exo_fs_unmount("/mnt/d/e"), 0);
	assert_int_equal(access("/mnt/d/e/inner", F_OK), -1);
	assert_int_equal(unlink("/to-mnt"), 0);
	assert_int_equal(unlink("/mnt/d/to-dev"), 0);
	assert_int_equal(unlink("/mnt/up"), 0);
	assert_int_equal(rmdir("/mnt/d/e"), 0);
	assert_int_equal(rmdir("/mnt/d"), 0);
}

static void test_rename_and_link_across_file_systems_are_exdev(void **state)
{
	(void)state;
	write_file("/ramfile", "r");
	write_file("/mnt/mntfile", "m");
	assert_int_equal(rename("/ramfile", "/mnt/ramfile"), -1);
	assert_int_equal(errno, EXDEV);
	assert_int_equal(rename("/mnt/mntfile", "/mntfile"), -1);
	assert_int_equal(errno, EXDEV);
	assert_int_equal(link("/ramfile", "/mnt/ramfile"), -1);
	assert_int_equal(errno, EXDEV);
	assert_int_equal(link("/mnt/mntfile", "/mntfile"), -1);
	assert_int_equal(errno, EXDEV);
	/* Between two mounted servers too. */
	assert_int_equal(mkdir("/m2", 0755), 0);
	assert_int_equal(exo_fs_mount("tmpfs2", "/m2", 0), 0);
	assert_int_equal(rename("/mnt/mntfile", "/m2/mntfile"), -1);
	assert_int_equal(errno, EXDEV);
	assert_int_equal(exo_fs_unmount("/m2"), 0);
	/* The mount point itself does not move or go. */
	assert_int_equal(rename("/mnt", "/mnt2"), -1);
	assert_int_equal(errno, EBUSY);
	assert_int_equal(rmdir("/mnt"), -1);
	assert_int_equal(errno, EBUSY);
	assert_int_equal(rename("/m2", "/mnt"), -1);
	assert_int_equal(errno, EBUSY);
	assert_int_equal(rmdir("/m2"), 0);
	assert_int_equal(unlink("/ramfile"), 0);
	assert_int_equal(unlink("/mnt/mntfile"), 0);
}

static void test_a_busy_mount_or_mount_point_is_ebusy(void **state)
{
	char buf[8];
	int fd;

	(void)state;
	assert_int_equal(mkdir("/m2", 0755), 0);
	assert_int_equal(exo_fs_mount("tmpfs2", "/m2", 0), 0);
	/* An open file. */
	write_file("/m2/f", "data");
	fd = open("/m2/f", O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(exo_fs_unmount("/m2"), -1);
	assert_int_equal(errno, EBUSY);
	/* Unlinked while open: still readable until closed. */
	assert_int_equal(unlink("/m2/f"), 0);
	assert_int_equal(read(fd, buf, 4), 4);
	assert_memory_equal(buf, "data", 4);
	assert_int_equal(close(fd), 0);
	/* A working directory inside. */
	assert_int_equal(mkdir("/m2/sub", 0755), 0);
	assert_int_equal(chdir("/m2/sub"), 0);
	assert_int_equal(exo_fs_unmount("/m2"), -1);
	assert_int_equal(errno, EBUSY);
	assert_int_equal(chdir("/"), 0);
	assert_int_equal(rmdir("/m2/sub"), 0);
	/* The data limit: ENOSPC, and the space comes back. */
	{
		static char chunk[16384];

		fd = open("/m2/fill", O_WRONLY | O_CREAT, 0600);
		assert_true(fd >= 0);
		for (int i = 0; i < 8 && write(fd, chunk, sizeof(chunk)) == (ssize_t)sizeof(chunk); i++)
			;
		assert_int_equal(write(fd, chunk, sizeof(chunk)), -1);
		assert_int_equal(errno, ENOSPC);
		assert_int_equal(close(fd), 0);
		assert_int_equal(unlink("/m2/fill"), 0);
	}
	assert_int_equal(exo_fs_unmount("/m2"), 0);
	/* Mounting over a directory in use. */
	assert_int_equal(chdir("/m2"), 0);
	assert_int_equal(exo_fs_mount("tmpfs2", "/m2", 0), -1);
	assert_int_equal(errno, EBUSY);
	assert_int_equal(chdir("/"), 0);
	fd = open("/m2", O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	assert_int_equal(exo_fs_mount("tmpfs2", "/m2", 0), -1);
	assert_int_equal(errno, EBUSY);
	assert_int_equal(close(fd), 0);
	/* Read-only. */
	assert_int_equal(exo_fs_mount("tmpfs2", "/m2", EXO_MOUNT_RDONLY), 0);
	assert_int_equal(open("/m2/new", O_WRONLY | O_CREAT, 0644), -1);
	assert_int_equal(errno, EROFS);
	assert_int_equal(mkdir("/m2/new", 0755), -1);
	assert_int_equal(errno, EROFS);
	assert_int_equal(chmod("/m2", 0700), -1);
	assert_int_equal(errno, EROFS);
	assert_true(lists("/m2", ".."));
	assert_int_equal(exo_fs_unmount("/m2"), 0);
	assert_int_equal(rmdir("/m2"), 0);
}

/* In a forked child that setuid() to 1000: exit 0 when each expectation holds. */
static int not_root(void)
{
	struct exo_mount mt[4];

	if (setuid(1000) != 0)
		return 10;
	if (exo_fs_mount("tmpfs2", "/tmp-nr", 0) != -1 || errno != EPERM)
		return 11;
	if (exo_fs_unmount("/mnt") != -1 || errno != EPERM)
		return 12;
	if (exo_mounts(mt, 4) != 2)
		return 13;
	/* The VFS checks permissions on the mount with the caller's credentials. */
	if (open("/mnt/private/x", O_RDONLY) != -1 || errno != EACCES)
		return 14;
	if (mkdir("/mnt/mine", 0755) != 0) /* tmpfs's root is 1777, like /tmp */
		return 15;
	{
		struct stat st;

		if (stat("/mnt/mine", &st) != 0 || st.st_uid != 1000)
			return 16;
	}
	if (rmdir("/mnt/mine") != 0)
		return 17;
	return 0;
}

static void test_only_root_mounts_and_permissions_hold_on_a_mount(void **state)
{
	int st = 0;
	pid_t c;

	(void)state;
	assert_int_equal(mkdir("/tmp-nr", 0755), 0);
	assert_int_equal(mkdir("/mnt/private", 0700), 0);
	write_file("/mnt/private/x", "secret");
	c = fork();
	if (c < 0) {
		skip(); /* no process server */
		return;
	}
	if (c == 0)
		_exit(not_root());
	assert_int_equal(waitpid(c, &st, 0), c);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_int_equal(unlink("/mnt/private/x"), 0);
	assert_int_equal(rmdir("/mnt/private"), 0);
	assert_int_equal(rmdir("/tmp-nr"), 0);
}

/* One request to a server: its reply label; *m holds the reply. */
static uint32_t ask(exo_tid_t to, exo_msg_t *m, uint32_t label, unsigned words, const char *s1, size_t l1,
		    const char *s2, size_t l2, void *rbuf, uint32_t rcap)
{
	unsigned t = 0;

	m->nbr = 0;
	if (rbuf)
		exo_msg_accept_string(m, rbuf, rcap);
	if (s1) {
		exo_msg_put_string(m, words, s1, (uint32_t)l1);
		t += 2;
	}
	if (s2) {
		exo_msg_put_string(m, words + t, s2, (uint32_t)l2);
		t += 2;
	}
	m->tag = exo_tag(label, words, t);
	assert_int_equal(exo_call(to, m, exo_timeout_ms(10000), exo_timeout_ms(10000)), EXO_OK);
	return exo_tag_label(m->tag);
}

static void test_a_hostile_client_gets_errors_from_tmpfs(void **state)
{
	static char buf[EXO_STRING_MAX], longname[VFS_NAME_MAX + 2];
	exo_tid_t mounted = t_lookup("tmpfs"), open_fs = t_lookup("tmpfs-open");
	exo_msg_t m;
	uint64_t root, dir, file;

	(void)state;
	/* The mounted tmpfs answers only the VFS. */
	memset(&m, 0, sizeof(m));
	m.mr[0] = 1;
	assert_int_equal(ask(mounted, &m, FS_GETATTR, 1, NULL, 0, NULL, 0, NULL, 0), XE_EPERM);
	memset(&m, 0, sizeof(m));
	assert_int_equal(ask(mounted, &m, FS_UNMOUNT, 0, NULL, 0, NULL, 0, NULL, 0), XE_EPERM);
	/* tmpfs-open answers anyone: nothing before MOUNT, ... */
	memset(&m, 0, sizeof(m));
	m.mr[0] = 1;
	assert_int_equal(ask(open_fs, &m, FS_LOOKUP, 1, ".", 1, NULL, 0, NULL, 0), XE_ENXIO);
	memset(&m, 0, sizeof(m));
	m.mr[0] = 0x80;
	assert_int_equal(ask(open_fs, &m, FS_MOUNT, 1, NULL, 0, NULL, 0, NULL, 0), XE_EINVAL);
	memset(&m, 0, sizeof(m));
	assert_int_equal(ask(open_fs, &m, FS_MOUNT, 1, NULL, 0, NULL, 0, NULL, 0), 0);
	root = m.mr[0];
	assert_true(root != 0);
	assert_int_equal(m.mr[1 + FSA_MODE] & VS_IFMT, VS_IFDIR);
	assert_int_equal(ask(open_fs, &m, FS_MOUNT, 1, NULL, 0, NULL, 0, NULL, 0), XE_EBUSY);
	/* ... short requests and unknown labels, ... */
	memset(&m, 0, sizeof(m));
	assert_int_equal(ask(open_fs, &m, FS_SETATTR, 3, NULL, 0, NULL, 0, NULL, 0), XE_EINVAL); /* too few words */
	assert_int_equal(ask(open_fs, &m, 999, 0, NULL, 0, NULL, 0, NULL, 0), XE_ENOSYS);
	assert_int_equal(ask(open_fs, &m, 0, 0, NULL, 0, NULL, 0, NULL, 0), XE_ENOSYS);
	/* ... ids it never gave, ... */
	for (uint64_t id = 0; id < 3; id++) {
		memset(&m, 0, sizeof(m));
		m.mr[0] = id == 0 ? 0 : id == 1 ? 0xdeadbeef : UINT64_MAX;
		assert_int_equal(ask(open_fs, &m, FS_GETATTR, 1, NULL, 0, NULL, 0, NULL, 0), XE_ENOENT);
	}
	/* ... names: none, with a slash, with a NUL, too long, "." to make, ... */
	memset(&m, 0, sizeof(m));
	m.mr[0] = root;
	assert_int_equal(ask(open_fs, &m, FS_LOOKUP, 1, NULL, 0, NULL, 0, NULL, 0), XE_EINVAL);
	m.mr[0] = root;
	assert_int_equal(ask(open_fs, &m, FS_LOOKUP, 1, "a/b", 3, NULL, 0, NULL, 0), XE_EINVAL);
	m.mr[0] = root;
	assert_int_equal(ask(open_fs, &m, FS_LOOKUP, 1, "a\0b", 3, NULL, 0, NULL, 0), XE_EINVAL);
	memset(longname, 'n', sizeof(longname) - 1);
	m.mr[0] = root;
	assert_int_equal(ask(open_fs, &m, FS_LOOKUP, 1, longname, VFS_NAME_MAX + 1, NULL, 0, NULL, 0),
			 XE_ENAMETOOLONG);
	memset(&m, 0, sizeof(m));
	m.mr[0] = root;
	m.mr[1] = 0755;
	assert_int_equal(ask(open_fs, &m, FS_MKDIR, 4, ".", 1, NULL, 0, NULL, 0), XE_EINVAL);
	/* ... modes, ids and flags out of range, ... */
	memset(&m, 0, sizeof(m));
	m.mr[0] = root;
	m.mr[1] = VS_IFDIR | 0755; /* CREATE makes no directories */
	assert_int_equal(ask(open_fs, &m, FS_CREATE, 5, "x", 1, NULL, 0, NULL, 0), XE_EINVAL);
	m.mr[0] = root;
	m.mr[1] = VS_IFREG | 0644;
	m.mr[2] = VID_KEEP;
	assert_int_equal(ask(open_fs, &m, FS_CREATE, 5, "x", 1, NULL, 0, NULL, 0), XE_EINVAL);
	memset(&m, 0, sizeof(m));
	m.mr[0] = root;
	m.mr[1] = VS_IFREG | 0644;
	assert_int_equal(ask(open_fs, &m, FS_CREATE, 5, "x", 1, NULL, 0, NULL, 0), 0);
	file = m.mr[0];
	memset(&m, 0, sizeof(m));
	m.mr[0] = root;
	m.mr[1] = 0755;
	assert_int_equal(ask(open_fs, &m, FS_MKDIR, 4, "d", 1, NULL, 0, NULL, 0), 0);
	dir = m.mr[0];
	memset(&m, 0, sizeof(m));
	m.mr[0] = file;
	m.mr[1] = 0x100; /* unknown SETATTR bit */
	assert_int_equal(ask(open_fs, &m, FS_SETATTR, 7, NULL, 0, NULL, 0, NULL, 0), XE_EINVAL);
	m.mr[0] = file;
	m.mr[2] = 3;
	assert_int_equal(ask(open_fs, &m, FS_WRITE, 3, "abc", 3, NULL, 0, NULL, 0), XE_EINVAL);
	/* ... operations on the wrong kind of node, ... */
	memset(&m, 0, sizeof(m));
	m.mr[0] = file;
	assert_int_equal(ask(open_fs, &m, FS_READDIR, 2, NULL, 0, NULL, 0, buf, sizeof(buf)), XE_ENOTDIR);
	m.mr[0] = file;
	assert_int_equal(ask(open_fs, &m, FS_LOOKUP, 1, "x", 1, NULL, 0, NULL, 0), XE_ENOTDIR);
	memset(&m, 0, sizeof(m));
	m.mr[0] = dir;
	assert_int_equal(ask(open_fs, &m, FS_WRITE, 3, "abc", 3, NULL, 0, NULL, 0), XE_EISDIR);
	m.mr[0] = file;
	assert_int_equal(ask(open_fs, &m, FS_READLINK, 1, NULL, 0, NULL, 0, buf, sizeof(buf)), XE_EINVAL);
	memset(&m, 0, sizeof(m));
	m.mr[0] = dir;
	m.mr[1] = root;
	assert_int_equal(ask(open_fs, &m, FS_LINK, 2, "dl", 2, NULL, 0, NULL, 0), XE_EPERM);
	memset(&m, 0, sizeof(m));
	m.mr[0] = root;
	m.mr[1] = dir;
	assert_int_equal(ask(open_fs, &m, FS_RENAME, 2, "d", 1, "inside", 6, NULL, 0), XE_EINVAL);
	m.mr[0] = root;
	m.mr[1] = root;
	assert_int_equal(ask(open_fs, &m, FS_RENAME, 2, "d", 1, NULL, 0, NULL, 0), XE_EINVAL);
	/* ... holds it does not have, reads past the end and huge counts. */
	memset(&m, 0, sizeof(m));
	m.mr[0] = file;
	assert_int_equal(ask(open_fs, &m, FS_CLOSE, 1, NULL, 0, NULL, 0, NULL, 0), XE_EINVAL);
	memset(&m, 0, sizeof(m));
	m.mr[0] = file;
	m.mr[1] = UINT64_MAX;
	m.mr[2] = UINT64_MAX;
	assert_int_equal(ask(open_fs, &m, FS_READ, 3, NULL, 0, NULL, 0, buf, sizeof(buf)), XE_EINVAL);
	memset(&m, 0, sizeof(m));
	m.mr[0] = file;
	m.mr[1] = INT64_MAX;
	assert_int_equal(ask(open_fs, &m, FS_WRITE, 3, "abc", 3, NULL, 0, NULL, 0), XE_EFBIG);
	memset(&m, 0, sizeof(m));
	m.mr[0] = file;
	m.mr[2] = UINT64_MAX;
	assert_int_equal(ask(open_fs, &m, FS_READ, 3, NULL, 0, NULL, 0, buf, sizeof(buf)), 0);
	assert_int_equal(m.mr[0], 0);
	/* It still serves, and UNMOUNT ends the session. */
	memset(&m, 0, sizeof(m));
	m.mr[0] = root;
	assert_int_equal(ask(open_fs, &m, FS_LOOKUP, 1, "x", 1, NULL, 0, NULL, 0), 0);
	assert_int_equal(m.mr[0], file);
	assert_int_equal(ask(open_fs, &m, FS_UNMOUNT, 0, NULL, 0, NULL, 0, NULL, 0), 0);
	m.mr[0] = root;
	assert_int_equal(ask(open_fs, &m, FS_LOOKUP, 1, "x", 1, NULL, 0, NULL, 0), XE_ENXIO);
}

static void test_malformed_mount_requests_get_errors_from_the_vfs(void **state)
{
	exo_tid_t vfs = t_lookup(VFS_NAME);
	static char buf[8192];
	exo_msg_t m;
	struct stat st;

	(void)state;
	memset(&m, 0, sizeof(m));
	/* Too few words; no server name; an empty, long or NUL-holding one; unknown flags. */
	assert_int_equal(ask(vfs, &m, VFS_MOUNT, 0, "/other", 6, "tmpfs2", 6, NULL, 0), XE_EINVAL);
	memset(&m, 0, sizeof(m));
	assert_int_equal(ask(vfs, &m, VFS_MOUNT, 1, "/tmp-x", 6, NULL, 0, NULL, 0), XE_EINVAL);
	assert_int_equal(ask(vfs, &m, VFS_MOUNT, 1, "/tmp-x", 6, "", 0, NULL, 0), XE_EINVAL);
	assert_int_equal(ask(vfs, &m, VFS_MOUNT, 1, "/tmp-x", 6, "t\0mpfs2", 7, NULL, 0), XE_EINVAL);
	memset(buf, 'a', 100);
	assert_int_equal(ask(vfs, &m, VFS_MOUNT, 1, "/tmp-x", 6, buf, 100, NULL, 0), XE_EINVAL);
	m.mr[0] = ~0ull;
	assert_int_equal(ask(vfs, &m, VFS_MOUNT, 1, "/tmp-x", 6, "tmpfs2", 6, NULL, 0), XE_EINVAL);
	/* No path, an unterminated long one; the VFS itself as the file system. */
	memset(&m, 0, sizeof(m));
	assert_int_equal(ask(vfs, &m, VFS_MOUNT, 1, NULL, 0, NULL, 0, NULL, 0), XE_EINVAL);
	memset(buf, 'p', sizeof(buf));
	assert_int_equal(ask(vfs, &m, VFS_MOUNT, 1, buf, sizeof(buf), "tmpfs2", 6, NULL, 0), XE_ENAMETOOLONG);
	assert_int_equal(mkdir("/tmp-x", 0755), 0);
	memset(&m, 0, sizeof(m));
	assert_int_equal(ask(vfs, &m, VFS_MOUNT, 1, "/tmp-x", 6, VFS_NAME, strlen(VFS_NAME), NULL, 0), XE_EINVAL);
	/* UNMOUNT without a path (malformed), of a file; MOUNTS past the end, and short. */
	memset(&m, 0, sizeof(m));
	assert_int_equal(ask(vfs, &m, VFS_UNMOUNT, 0, NULL, 0, NULL, 0, NULL, 0), XE_EINVAL);
	assert_int_equal(ask(vfs, &m, VFS_UNMOUNT, 0, "/dev/null", 9, NULL, 0, NULL, 0), XE_EINVAL);
	m.mr[0] = 1000;
	assert_int_equal(ask(vfs, &m, VFS_MOUNTS, 1, NULL, 0, NULL, 0, buf, sizeof(buf)), XE_ENOENT);
	m.mr[0] = UINT64_MAX;
	assert_int_equal(ask(vfs, &m, VFS_MOUNTS, 1, NULL, 0, NULL, 0, buf, sizeof(buf)), XE_ENOENT);
	assert_int_equal(ask(vfs, &m, VFS_MOUNTS, 0, NULL, 0, NULL, 0, buf, sizeof(buf)), XE_EINVAL); /* too few words */
	/* Both go on serving. */
	assert_int_equal(rmdir("/tmp-x"), 0);
	assert_int_equal(stat("/mnt", &st), 0);
	write_file("/mnt/still", "here");
	assert_file("/mnt/still", "here");
	assert_int_equal(unlink("/mnt/still"), 0);
}

/*
 * A file system server that answers MOUNT well and then nonsense: attributes
 * the protocol does not allow, too few words, malformed directory records,
 * more data than asked for. The VFS says EIO and goes on.
 */
static int badfs(void *arg)
{
	static uint8_t in[EXO_STRING_MAX + 1], in2[VFS_PATH_MAX + 2];
	static char recs[64];
	unsigned getattrs = 0;
	exo_tid_t to = EXO_NILTHREAD, from;
	exo_msg_t m;

	(void)arg;
	if (exo_register("badfs") != EXO_OK)
		return 1;
	memset(&m, 0, sizeof(m));
	for (;;) {
		uint32_t label;

		m.nbr = 0;
		exo_msg_accept_string(&m, in, EXO_STRING_MAX);
		exo_msg_accept_string(&m, in2, VFS_PATH_MAX + 1);
		if (exo_reply_wait(to, &m, EXO_TIMEOUT_NEVER, &from, NULL) != EXO_OK) {
			to = EXO_NILTHREAD;
			continue;
		}
		to = from;
		label = exo_tag_label(m.tag);
		memset(m.mr, 0, sizeof(m.mr));
		m.mr[0] = 1;
		m.mr[1 + FSA_MODE] = VS_IFDIR | 0777;
		m.mr[1 + FSA_NLINK] = 2;
		switch (label) {
		case FS_MOUNT:
		case FS_OPEN:
		case FS_CLOSE:
		case FS_UNMOUNT:
			m.tag = exo_tag(0, FS_NODE_WORDS, 0);
			break;
		case FS_LOOKUP: /* a mode with no type */
			m.mr[0] = 2;
			m.mr[1 + FSA_MODE] = 0644;
			m.tag = exo_tag(0, FS_NODE_WORDS, 0);
			break;
		case FS_GETATTR: /* the first time too few words */
			m.tag = exo_tag(0, getattrs++ ? FS_NODE_WORDS : 3, 0);
			break;
		case FS_READDIR: /* a record whose length runs past the data */
			memset(recs, 0, sizeof(recs));
			((struct vfs_dirent *)(void *)recs)->reclen = 4000;
			m.mr[0] = 5;
			exo_msg_put_string(&m, 1, recs, sizeof(recs));
			m.tag = exo_tag(0, 1, 2);
			break;
		case FS_READ: /* more than asked */
			m.mr[0] = 1u << 30;
			m.tag = exo_tag(0, 1, 0);
			break;
		default:
			m.tag = exo_tag(XE_EIO, 0, 0);
			break;
		}
	}
}

static void test_a_hostile_file_system_server_gets_eio(void **state)
{
	pid_t srv = t_fork(badfs, NULL);
	struct stat st;
	int fd;

	(void)state;
	t_lookup("badfs");
	assert_int_equal(mkdir("/bad", 0755), 0);
	assert_int_equal(exo_fs_mount("badfs", "/bad", 0), 0);
	assert_int_equal(stat("/bad/x", &st), -1);
	assert_int_equal(errno, EIO);
	fd = open("/bad", O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), -1);
	assert_int_equal(errno, EIO);
	assert_int_equal(close(fd), 0);
	{
		DIR *d = opendir("/bad");

		assert_non_null(d);
		errno = 0;
		assert_null(readdir(d));
		assert_int_equal(errno, EIO);
		closedir(d);
	}
	assert_int_equal(exo_fs_unmount("/bad"), 0);
	assert_int_equal(rmdir("/bad"), 0);
	t_kill(srv);
	/* The VFS goes on. */
	assert_int_equal(stat("/mnt", &st), 0);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_the_mount_table_lists_the_root_and_each_mount),
		cmocka_unit_test(test_files_on_a_mount_are_made_read_written_listed_renamed_and_removed),
		cmocka_unit_test(test_paths_cross_a_mount_both_ways),
		cmocka_unit_test(test_rename_and_link_across_file_systems_are_exdev),
		cmocka_unit_test(test_a_busy_mount_or_mount_point_is_ebusy),
		cmocka_unit_test(test_only_root_mounts_and_permissions_hold_on_a_mount),
		cmocka_unit_test(test_a_hostile_client_gets_errors_from_tmpfs),
		cmocka_unit_test(test_malformed_mount_requests_get_errors_from_the_vfs),
		cmocka_unit_test(test_a_hostile_file_system_server_gets_eio),
	};

	exo_init_args(&argc, argv);
	return cmocka_run_group_tests(tests, setup, teardown);
}
