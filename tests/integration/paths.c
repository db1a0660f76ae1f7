/*
 * tests/integration/paths.c — the rest of the file API: the *at calls,
 * FIFOs (mkfifo, mknod), /dev/random and /dev/urandom, realpath, chroot,
 * readv/writev, fsync, pathconf, getdtablesize. Run as
 * `exosim --cpu auto --boot memory.boot --exec paths` (console, memory, VFS).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "support.h"

static void test_at_calls_start_at_a_directory_descriptor(void **state)
{
	char buf[64] = { 0 };
	struct stat st;
	int dfd, fd;

	assert_int_equal(mkdir("/at", 0755), 0);
	dfd = open("/at", O_RDONLY | O_DIRECTORY);
	assert_true(dfd >= 0);
	fd = openat(dfd, "f", O_CREAT | O_RDWR, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "at!", 3), 3);
	assert_int_equal(fstatat(dfd, "f", &st, 0), 0);
	assert_int_equal(st.st_size, 3);
	assert_int_equal(fstatat(dfd, "", &st, AT_EMPTY_PATH), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(mkdirat(dfd, "sub", 0755), 0);
	assert_int_equal(stat("/at/sub", &st), 0);
	assert_int_equal(symlinkat("f", dfd, "ln"), 0);
	assert_int_equal(readlinkat(dfd, "ln", buf, sizeof(buf)), 1);
	assert_int_equal(buf[0], 'f');
	assert_int_equal(fstatat(dfd, "ln", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(fstatat(dfd, "ln", &st, 0), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(linkat(dfd, "f", dfd, "hard", 0), 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_nlink, 2);
	assert_int_equal(linkat(dfd, "ln", dfd, "hard2", AT_SYMLINK_FOLLOW), 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_nlink, 3); /* the link was followed to f */
	assert_int_equal(unlinkat(dfd, "hard2", 0), 0);
	assert_int_equal(renameat(dfd, "hard", dfd, "sub/moved"), 0);
	assert_int_equal(faccessat(dfd, "sub/moved", R_OK | W_OK, 0), 0);
	assert_int_equal(faccessat(dfd, "nope", F_OK, 0), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(fchmodat(dfd, "f", 0600, 0), 0);
	assert_int_equal(fstatat(dfd, "sub/moved", &st, 0), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(unlinkat(dfd, "sub", AT_REMOVEDIR), -1);
	assert_int_equal(errno, ENOTEMPTY);
	assert_int_equal(unlinkat(dfd, "sub/moved", 0), 0);
	assert_int_equal(unlinkat(dfd, "sub", AT_REMOVEDIR), 0);
	assert_int_equal(unlinkat(dfd, "f", 0x4000), -1);
	assert_int_equal(errno, EINVAL);
	/* Bad directory descriptors: only for relative paths. */
	assert_int_equal(openat(200, "f", O_RDONLY), -1);
	assert_int_equal(errno, EBADF);
	assert_int_equal(openat(-5, "f", O_RDONLY), -1);
	assert_int_equal(errno, EBADF);
	assert_int_equal(openat(fd, "f", O_RDONLY), -1);
	assert_int_equal(errno, ENOTDIR);
	assert_int_equal(close(openat(200, "/at/f", O_RDONLY)), 0);
	assert_int_equal(close(openat(AT_FDCWD, "at/f", O_RDONLY)), 0);
	/* fchdir */
	assert_int_equal(fchdir(dfd), 0);
	assert_string_equal(getcwd(buf, sizeof(buf)), "/at");
	assert_int_equal(access("f", F_OK), 0);
	assert_int_equal(fchdir(fd), -1);
	assert_int_equal(errno, ENOTDIR);
	assert_int_equal(fchdir(-1), -1);
	assert_int_equal(errno, EBADF);
	assert_int_equal(chdir("/"), 0);
	assert_int_equal(close(fd), 0);
	assert_int_equal(unlinkat(dfd, "ln", 0), 0);
	assert_int_equal(unlinkat(dfd, "f", 0), 0);
	assert_int_equal(close(dfd), 0);
	assert_int_equal(rmdir("/at"), 0);
}

static void *open_fifo_later(void *arg)
{
	int flags = (int)(intptr_t)arg, fd;

	usleep(50000);
	fd = open("/fifo", flags);
	if (fd >= 0 && flags == O_WRONLY) {
		if (write(fd, "hello", 5) != 5)
			fd = -2;
	}
	return (void *)(intptr_t)fd;
}

static void test_fifos_wait_for_the_other_end(void **state)
{
	char buf[16] = { 0 };
	struct t_thread t;
	struct stat st;
	void *res;
	int fd, rd;

	assert_int_equal(mkfifo("/fifo", 0600), 0);
	assert_int_equal(mkfifo("/fifo", 0600), -1);
	assert_int_equal(errno, EEXIST);
	assert_int_equal(stat("/fifo", &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	/* Non-blocking: a writer without a reader is ENXIO, a reader opens. */
	assert_int_equal(open("/fifo", O_WRONLY | O_NONBLOCK), -1);
	assert_int_equal(errno, ENXIO);
	rd = open("/fifo", O_RDONLY | O_NONBLOCK);
	assert_true(rd >= 0);
	assert_int_equal(read(rd, buf, sizeof(buf)), 0); /* no writer: end of file */
	assert_int_equal(lseek(rd, 0, SEEK_SET), -1);
	assert_int_equal(errno, ESPIPE);
	assert_int_equal(close(rd), 0);

	/* A blocking reader waits for the writer, then reads its bytes and EOF. */
	assert_int_equal(t_thread_start(&t, open_fifo_later, (void *)(intptr_t)O_WRONLY), 0);
	rd = open("/fifo", O_RDONLY);
	assert_true(rd >= 0);
	assert_int_equal(t_thread_join(&t, &res), 0);
	fd = (int)(intptr_t)res;
	assert_true(fd >= 0);
	assert_int_equal(read(rd, buf, sizeof(buf)), 5);
	assert_memory_equal(buf, "hello", 5);
	assert_int_equal(close(fd), 0);
	assert_int_equal(read(rd, buf, sizeof(buf)), 0);
	assert_int_equal(close(rd), 0);

	/* A blocking writer waits for the reader. */
	assert_int_equal(t_thread_start(&t, open_fifo_later, (void *)(intptr_t)O_RDONLY), 0);
	fd = open("/fifo", O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(t_thread_join(&t, &res), 0);
	rd = (int)(intptr_t)res;
	assert_true(rd >= 0);
	assert_int_equal(write(fd, "xy", 2), 2);
	assert_int_equal(read(rd, buf, sizeof(buf)), 2);
	assert_int_equal(close(rd), 0);
	signal(SIGPIPE, SIG_IGN); /* else SIGPIPE ends the test first */
	assert_int_equal(write(fd, "z", 1), -1); /* no reader left */
	assert_int_equal(errno, EPIPE);
	signal(SIGPIPE, SIG_DFL);
	assert_int_equal(close(fd), 0);

	/* O_RDWR never waits. */
	fd = open("/fifo", O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "rw", 2), 2);
	assert_int_equal(read(fd, buf, sizeof(buf)), 2);
	assert_int_equal(close(fd), 0);
	assert_int_equal(unlink("/fifo"), 0);
}

static void test_mknod_makes_fifos_files_and_devices(void **state)
{
	char buf[8];
	struct stat st;
	int fd;

	assert_int_equal(mknod("/mkfifo", S_IFIFO | 0644, 0), 0);
	assert_int_equal(stat("/mkfifo", &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_int_equal(mknod("/mkreg", S_IFREG | 0644, 0), 0);
	assert_int_equal(stat("/mkreg", &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(mknod("/mynull", S_IFCHR | 0666, makedev(1, 3)), 0);
	assert_int_equal(stat("/mynull", &st), 0);
	assert_true(S_ISCHR(st.st_mode));
	assert_int_equal(major(st.st_rdev), 1);
	assert_int_equal(minor(st.st_rdev), 3);
	fd = open("/mynull", O_RDWR);
	assert_int_equal(write(fd, "gone", 4), 4);
	assert_int_equal(read(fd, buf, sizeof(buf)), 0);
	assert_int_equal(close(fd), 0);
	assert_int_equal(mknod("/mkdir", S_IFDIR | 0755, 0), -1);
	assert_int_equal(errno, EPERM);
	assert_int_equal(mknod("/mkreg", S_IFREG | 0644, 0), -1);
	assert_int_equal(errno, EEXIST);
	assert_int_equal(mknod("/nodev", S_IFCHR | 0666, makedev(42, 42)), -1);
	assert_int_equal(errno, ENXIO);
	assert_int_equal(mknod("/nope/x", S_IFIFO | 0644, 0), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(unlink("/mkfifo"), 0);
	assert_int_equal(unlink("/mkreg"), 0);
	assert_int_equal(unlink("/mynull"), 0);
}

static void test_random_devices_give_fresh_bytes(void **state)
{
	uint8_t a[256], b[256], zero[256] = { 0 };
	const char *devs[] = { "/dev/random", "/dev/urandom" };
	unsigned minors[] = { 8, 9 };

	for (int i = 0; i < 2; i++) {
		struct stat st;
		int fd = open(devs[i], O_RDWR);
		unsigned seen[256] = { 0 }, distinct = 0;

		assert_true(fd >= 0);
		assert_int_equal(fstat(fd, &st), 0);
		assert_true(S_ISCHR(st.st_mode));
		assert_int_equal(major(st.st_rdev), 1);
		assert_int_equal(minor(st.st_rdev), minors[i]);
		assert_int_equal(read(fd, a, sizeof(a)), sizeof(a));
		assert_int_equal(read(fd, b, sizeof(b)), sizeof(b));
		assert_memory_not_equal(a, b, sizeof(a));
		assert_memory_not_equal(a, zero, sizeof(a));
		for (size_t j = 0; j < sizeof(a); j++)
			distinct += !seen[a[j]]++;
		assert_true(distinct > 100); /* 256 random bytes hit ~162 values */
		assert_int_equal(write(fd, a, 16), 16); /* accepted, as on Linux */
		assert_int_equal(close(fd), 0);
	}
}

static void test_realpath_follows_everything(void **state)
{
	char buf[PATH_MAX], *p;

	assert_int_equal(mkdir("/rp", 0755), 0);
	assert_int_equal(mkdir("/rp/d", 0755), 0);
	assert_int_equal(close(open("/rp/d/file", O_CREAT | O_WRONLY, 0644)), 0);
	assert_int_equal(symlink("d/file", "/rp/ln"), 0);
	assert_int_equal(symlink("/rp/d", "/rp/dl"), 0);
	assert_string_equal(realpath("/rp/./ln", buf), "/rp/d/file");
	assert_string_equal(realpath("/rp/dl/../d//file", buf), "/rp/d/file");
	assert_string_equal(realpath("/rp/dl", buf), "/rp/d");
	assert_string_equal(realpath("/../..", buf), "/");
	assert_int_equal(chdir("/rp/d"), 0);
	p = realpath("file", NULL);
	assert_non_null(p);
	assert_string_equal(p, "/rp/d/file");
	free(p);
	assert_int_equal(chdir("/"), 0);
	assert_null(realpath("/rp/missing", buf));
	assert_int_equal(errno, ENOENT);
	assert_null(realpath("/rp/d/file/", buf));
	assert_int_equal(errno, ENOTDIR);
	assert_int_equal(unlink("/rp/ln"), 0);
	assert_int_equal(unlink("/rp/dl"), 0);
	assert_int_equal(unlink("/rp/d/file"), 0);
	assert_int_equal(rmdir("/rp/d"), 0);
	assert_int_equal(rmdir("/rp"), 0);
}

static int jailed(void *arg)
{
	char buf[64];
	struct stat st;
	int fd;

	(void)arg;
	if (chroot("/jail") != 0 || chdir("/") != 0)
		return 1;
	fd = open("/etc/motd", O_RDONLY);
	if (fd < 0 || read(fd, buf, sizeof(buf)) != 7 || memcmp(buf, "inside\n", 7) != 0)
		return 2;
	if (stat("/outside", &st) == 0 || errno != ENOENT)
		return 3; /* the real root's files are out of reach */
	if (stat("/../../outside", &st) == 0 || errno != ENOENT)
		return 4; /* ".." stops at the new root */
	if (!getcwd(buf, sizeof(buf)) || strcmp(buf, "/") != 0)
		return 5;
	if (!realpath("/etc/../etc/motd", buf) || strcmp(buf, "/etc/motd") != 0)
		return 6;
	if (chroot("/etc/motd") == 0 || errno != ENOTDIR)
		return 7;
	return 0;
}

static void test_chroot_confines_a_process(void **state)
{
	int fd;

	assert_int_equal(mkdir("/jail", 0755), 0);
	assert_int_equal(mkdir("/jail/etc", 0755), 0);
	fd = open("/jail/etc/motd", O_CREAT | O_WRONLY, 0644);
	assert_int_equal(write(fd, "inside\n", 7), 7);
	assert_int_equal(close(fd), 0);
	assert_int_equal(close(open("/outside", O_CREAT | O_WRONLY, 0644)), 0);
	assert_int_equal(t_wait(t_fork(jailed, NULL)), 0);
	/* This process was not confined. */
	assert_int_equal(access("/outside", F_OK), 0);
	assert_int_equal(chroot("/nope"), -1);
	assert_int_equal(errno, ENOENT);
}

static void test_readv_writev_gather_and_scatter(void **state)
{
	char a[4], b[6], c[64];
	struct iovec out[3] = { { "one,", 4 }, { "two,", 4 }, { "three", 5 } };
	struct iovec in[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	int fd = open("/vec", O_CREAT | O_RDWR | O_TRUNC, 0644), p[2];

	assert_int_equal(writev(fd, out, 3), 13);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(readv(fd, in, 2), 10);
	assert_memory_equal(a, "one,", 4);
	assert_memory_equal(b, "two,th", 6);
	assert_int_equal(preadv(fd, in, 2, 8), 5);
	assert_memory_equal(a, "thre", 4);
	assert_int_equal(b[0], 'e');
	assert_int_equal(pwritev(fd, out, 1, 20), 4);
	assert_int_equal(pread(fd, c, 4, 20), 4);
	assert_memory_equal(c, "one,", 4);
	{
		int (*volatile bad_count)(void) = NULL; /* keep the compiler from judging the count */
		int n = bad_count ? bad_count() : -1;

		assert_int_equal(writev(fd, out, n), -1);
		assert_int_equal(errno, EINVAL);
	}
	assert_int_equal(writev(99, out, 3), -1);
	assert_int_equal(errno, EBADF);
	assert_int_equal(close(fd), 0);
	assert_int_equal(unlink("/vec"), 0);
	/* To a pipe, one writev is one write. */
	assert_int_equal(pipe(p), 0);
	assert_int_equal(writev(p[1], out, 3), 13);
	assert_int_equal(read(p[0], c, sizeof(c)), 13);
	assert_memory_equal(c, "one,two,three", 13);
	assert_int_equal(close(p[0]), 0);
	assert_int_equal(close(p[1]), 0);
}

static void test_fsync_pathconf_getdtablesize(void **state)
{
	int fd = open("/sync", O_CREAT | O_RDWR, 0644), p[2];

	assert_int_equal(fsync(fd), 0);
	assert_int_equal(fdatasync(fd), 0);
	assert_int_equal(fsync(99), -1);
	assert_int_equal(errno, EBADF);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(fsync(p[0]), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(pathconf("/", _PC_NAME_MAX), 255);
	assert_int_equal(pathconf("/sync", _PC_PATH_MAX), 4096);
	assert_int_equal(fpathconf(p[1], _PC_PIPE_BUF), 4096);
	assert_int_equal(fpathconf(fd, _PC_LINK_MAX), 65000);
	errno = 0;
	assert_int_equal(pathconf("/", _PC_ASYNC_IO), -1);
	assert_int_equal(errno, 0); /* no limit: -1 without an error */
	assert_int_equal(pathconf("/missing", _PC_NAME_MAX), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(pathconf("/", 9999), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(fpathconf(99, _PC_NAME_MAX), -1);
	assert_int_equal(errno, EBADF);
	assert_int_equal(getdtablesize(), 256);
	assert_int_equal(close(p[0]), 0);
	assert_int_equal(close(p[1]), 0);
	assert_int_equal(close(fd), 0);
	assert_int_equal(unlink("/sync"), 0);
}

static uint64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000u + (uint64_t)t.tv_nsec / 1000000u;
}

static void *write_later(void *arg)
{
	usleep(50000);
	return (void *)(intptr_t)write((int)(intptr_t)arg, "!", 1);
}

static volatile sig_atomic_t usr1_seen;

static void on_usr1(int sig)
{
	(void)sig;
	usr1_seen++;
}

/*
 * ppoll and pselect wait with their own signal mask: a signal the caller
 * blocks, pending before the call, runs its handler as the call's mask
 * lets it through, the call ends with EINTR at once, and the caller's mask
 * is back afterwards.
 */
static void test_ppoll_and_pselect_apply_their_signal_mask(void **state)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	struct timespec ts = { 5, 0 };
	sigset_t block, none, now;
	int p[2];
	struct pollfd pf;
	fd_set rd;
	uint64_t t0;

	(void)state;
	assert_int_equal(pipe(p), 0);
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGUSR1, &sa, NULL), 0);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigemptyset(&none);
	assert_int_equal(sigprocmask(SIG_BLOCK, &block, NULL), 0);
	for (int round = 0; round < 2; round++) {
		usr1_seen = 0;
		assert_int_equal(raise(SIGUSR1), 0);
		assert_int_equal(usr1_seen, 0); /* blocked: pending */
		t0 = now_ms();
		pf = (struct pollfd){ .fd = p[0], .events = POLLIN };
		FD_ZERO(&rd);
		FD_SET(p[0], &rd);
		if (round == 0)
			assert_int_equal(ppoll(&pf, 1, &ts, &none), -1);
		else
			assert_int_equal(pselect(p[0] + 1, &rd, NULL, NULL, &ts, &none), -1);
		assert_int_equal(errno, EINTR);
		assert_int_equal(usr1_seen, 1);
		assert_true(now_ms() - t0 < 4000);
		assert_int_equal(sigprocmask(SIG_BLOCK, NULL, &now), 0);
		assert_true(sigismember(&now, SIGUSR1));
	}
	/* With the signal blocked by the call's mask too, the timeout passes. */
	ts = (struct timespec){ 0, 50000000 };
	assert_int_equal(ppoll(&pf, 1, &ts, &block), 0);
	assert_int_equal(sigprocmask(SIG_UNBLOCK, &block, NULL), 0);
	signal(SIGUSR1, SIG_DFL);
	close(p[0]);
	close(p[1]);
}

static void test_poll_and_select_on_pipes_files_and_the_console(void **state)
{
	struct pollfd pf[3];
	fd_set rd, wr;
	struct timeval tv;
	struct t_thread t;
	void *res;
	uint64_t t0;
	char c;
	int p[2], fd = open("/polled", O_CREAT | O_RDWR, 0644);

	assert_int_equal(pipe(p), 0);
	pf[0] = (struct pollfd){ .fd = p[0], .events = POLLIN };
	pf[1] = (struct pollfd){ .fd = p[1], .events = POLLOUT };
	pf[2] = (struct pollfd){ .fd = -1, .events = POLLIN };
	assert_int_equal(poll(pf, 3, 0), 1); /* only the write end */
	assert_int_equal(pf[0].revents, 0);
	assert_int_equal(pf[1].revents, POLLOUT);
	assert_int_equal(pf[2].revents, 0);

	/* A blocked poll wakes when another thread writes. */
	assert_int_equal(t_thread_start(&t, write_later, (void *)(intptr_t)p[1]), 0);
	assert_int_equal(poll(pf, 1, -1), 1);
	assert_int_equal(pf[0].revents, POLLIN);
	assert_int_equal(t_thread_join(&t, &res), 0);
	assert_int_equal((intptr_t)res, 1);
	assert_int_equal(read(p[0], &c, 1), 1);

	/* A timeout passes: at least as long as asked, nothing ready. */
	t0 = now_ms();
	assert_int_equal(poll(pf, 1, 100), 0);
	assert_true(now_ms() - t0 >= 90);
	assert_int_equal(pf[0].revents, 0);

	/* select: the same through fd_sets; a file is always ready. */
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET(p[0], &rd);
	FD_SET(fd, &rd);
	FD_SET(p[1], &wr);
	tv = (struct timeval){ 0, 0 };
	assert_int_equal(select((fd > p[1] ? fd : p[1]) + 1, &rd, &wr, NULL, &tv), 2);
	assert_false(FD_ISSET(p[0], &rd));
	assert_true(FD_ISSET(fd, &rd));
	assert_true(FD_ISSET(p[1], &wr));
	/* select with no descriptors sleeps. */
	tv = (struct timeval){ 0, 50000 };
	t0 = now_ms();
	assert_int_equal(select(0, NULL, NULL, NULL, &tv), 0);
	assert_true(now_ms() - t0 >= 40);
	/* The time left goes back into the timeval (Linux): none after a timeout, ... */
	assert_int_equal(tv.tv_sec, 0);
	assert_int_equal(tv.tv_usec, 0);
	/* ... nearly all of it when a descriptor was ready at once. */
	FD_ZERO(&rd);
	FD_SET(fd, &rd);
	tv = (struct timeval){ 5, 0 };
	assert_int_equal(select(fd + 1, &rd, NULL, NULL, &tv), 1);
	assert_true(tv.tv_sec == 4 || (tv.tv_sec == 5 && tv.tv_usec == 0));
	assert_true(tv.tv_sec * 1000000 + tv.tv_usec > 4000000);

	/* Ends: no writer is HUP for the reader; no reader is ERR for the writer. */
	assert_int_equal(close(p[1]), 0);
	assert_int_equal(poll(pf, 1, 0), 1);
	assert_true(pf[0].revents & POLLHUP);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(close(p[0]), 0);
	pf[1].fd = p[1];
	assert_int_equal(poll(&pf[1], 1, 0), 1);
	assert_true(pf[1].revents & POLLERR);

	/* Bad descriptors: POLLNVAL from poll, EBADF from select. */
	pf[0] = (struct pollfd){ .fd = 200, .events = POLLIN };
	assert_int_equal(poll(pf, 1, 0), 1);
	assert_int_equal(pf[0].revents, POLLNVAL);
	FD_ZERO(&rd);
	FD_SET(100, &rd);
	assert_int_equal(select(101, &rd, NULL, NULL, NULL), -1);
	assert_int_equal(errno, EBADF);
	assert_int_equal(select(-1, NULL, NULL, NULL, NULL), -1);
	assert_int_equal(errno, EINVAL);

	/* The console takes output at once. */
	pf[0] = (struct pollfd){ .fd = 1, .events = POLLOUT };
	assert_int_equal(poll(pf, 1, 0), 1);
	assert_int_equal(pf[0].revents, POLLOUT);

	assert_int_equal(close(p[1]), 0);
	assert_int_equal(close(fd), 0);
	assert_int_equal(unlink("/polled"), 0);
}

static int lock_at(int fd, int cmd, short type, off_t start, off_t len)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len };

	return fcntl(fd, cmd, &fl);
}

/* Another process: sees the parent's lock, is kept out of it, waits for it. */
static int lock_peer(void *arg)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 5, .l_len = 1 };
	int fd = open("/locked", O_RDWR);

	(void)arg;
	if (fd < 0 || fcntl(fd, F_GETLK, &fl) != 0)
		return 1;
	if (fl.l_type != F_WRLCK || fl.l_start != 0 || fl.l_len != 10 || fl.l_pid == 0)
		return 2;
	if (lock_at(fd, F_SETLK, F_RDLCK, 0, 5) != -1 || errno != EAGAIN)
		return 3;
	if (lock_at(fd, F_SETLK, F_WRLCK, 10, 10) != 0)
		return 4; /* beside it is free */
	if (pwrite(fd, "R", 1, 60) != 1)
		return 7; /* tell the parent: about to wait */
	if (lock_at(fd, F_SETLKW, F_WRLCK, 0, 10) != 0)
		return 5; /* waits until the parent lets go */
	if (pwrite(fd, "C", 1, 50) != 1)
		return 6;
	return 0;
}

/* Another process that finds the file unlocked. */
static int unlocked_peer(void *arg)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
	int fd = open("/locked", O_RDWR);

	(void)arg;
	if (fd < 0 || fcntl(fd, F_GETLK, &fl) != 0)
		return 1;
	return fl.l_type == F_UNLCK ? 0 : 2;
}

/* Holds [1, 2), then waits for [0, 1): one of the two must be told EDEADLK. */
static int deadlock_peer(void *arg)
{
	int fd = open("/locked", O_RDWR);

	(void)arg;
	if (fd < 0 || lock_at(fd, F_SETLK, F_WRLCK, 1, 1) != 0)
		return 10;
	if (lock_at(fd, F_SETLKW, F_WRLCK, 0, 1) == 0)
		return 0;
	return errno == EDEADLK ? 1 : 11;
}

static void test_record_locks_exclude_wait_and_detect_deadlock(void **state)
{
	struct flock fl = { .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 1, .l_len = 1 };
	char c = 0, zeros[100] = { 0 };
	int fd = open("/locked", O_CREAT | O_RDWR | O_TRUNC, 0644), fd2, ro;
	pid_t pid;
	int parent_deadlock, child;

	assert_int_equal(write(fd, zeros, sizeof(zeros)), sizeof(zeros));
	assert_int_equal(lock_at(fd, F_SETLK, F_WRLCK, 0, 10), 0);
	pid = t_fork(lock_peer, NULL);
	for (int i = 0; i < 5000 && c != 'R'; i++) { /* until the peer has looked */
		usleep(2000);
		assert_int_equal(pread(fd, &c, 1, 60), 1);
	}
	assert_int_equal(c, 'R');
	usleep(100000);
	assert_int_equal(pread(fd, &c, 1, 50), 1);
	assert_int_equal(c, 0); /* the peer is still waiting */
	assert_int_equal(lock_at(fd, F_SETLK, F_UNLCK, 0, 10), 0);
	assert_int_equal(t_wait(pid), 0);
	assert_int_equal(pread(fd, &c, 1, 50), 1);
	assert_int_equal(c, 'C');

	/* Deadlock: whoever closes the cycle is told so. */
	assert_int_equal(lock_at(fd, F_SETLK, F_WRLCK, 0, 1), 0);
	pid = t_fork(deadlock_peer, NULL);
	for (int i = 0; i < 5000; i++) { /* until the peer holds [1, 2) */
		fl.l_type = F_WRLCK;
		assert_int_equal(fcntl(fd, F_GETLK, &fl), 0);
		if (fl.l_type != F_UNLCK)
			break;
		usleep(2000);
	}
	assert_int_equal(fl.l_type, F_WRLCK);
	usleep(50000);
	parent_deadlock = lock_at(fd, F_SETLKW, F_WRLCK, 1, 1) == -1 && errno == EDEADLK;
	if (parent_deadlock)
		assert_int_equal(lock_at(fd, F_SETLK, F_UNLCK, 0, 0), 0); /* let the peer through */
	child = t_wait(pid);
	assert_int_equal(parent_deadlock + child, 1); /* exactly one was refused */
	assert_int_equal(lock_at(fd, F_SETLK, F_UNLCK, 0, 0), 0);

	/* Closing any descriptor of the file drops the process's locks. */
	assert_int_equal(lock_at(fd, F_SETLK, F_WRLCK, 0, 0), 0);
	fd2 = open("/locked", O_RDONLY);
	assert_int_equal(close(fd2), 0);
	assert_int_equal(t_wait(t_fork(unlocked_peer, NULL)), 0);

	/* Errors. */
	assert_int_equal(lock_at(fd, F_SETLK, 99, 0, 1), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(lock_at(200, F_SETLK, F_WRLCK, 0, 1), -1);
	assert_int_equal(errno, EBADF);
	assert_int_equal(lock_at(fd, F_SETLK, F_WRLCK, -5, 1), -1);
	assert_int_equal(errno, EINVAL);
	ro = open("/locked", O_RDONLY);
	assert_int_equal(lock_at(ro, F_SETLK, F_WRLCK, 0, 1), -1);
	assert_int_equal(errno, EBADF); /* a write lock needs a writable descriptor */
	fl = (struct flock){ .l_type = F_WRLCK, .l_whence = 42 };
	assert_int_equal(fcntl(fd, F_SETLK, &fl), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(close(ro), 0);
	assert_int_equal(close(fd), 0);
	assert_int_equal(unlink("/locked"), 0);
}

static void *flock_later(void *arg)
{
	return (void *)(intptr_t)flock((int)(intptr_t)arg, LOCK_EX);
}

static void test_flock_belongs_to_the_open_file(void **state)
{
	int fd1 = open("/flocked", O_CREAT | O_RDWR, 0644), fd2 = open("/flocked", O_RDONLY), d;
	struct t_thread t;
	void *res;

	assert_int_equal(flock(fd1, LOCK_EX), 0);
	assert_int_equal(flock(fd2, LOCK_EX | LOCK_NB), -1);
	assert_int_equal(errno, EWOULDBLOCK);
	assert_int_equal(flock(fd2, LOCK_SH | LOCK_NB), -1);
	assert_int_equal(errno, EWOULDBLOCK);
	d = dup(fd1);
	assert_int_equal(flock(d, LOCK_SH | LOCK_NB), 0); /* the same open file: a conversion */
	assert_int_equal(flock(fd2, LOCK_SH | LOCK_NB), 0); /* shared with shared */
	assert_int_equal(flock(fd2, LOCK_UN), 0);
	assert_int_equal(flock(d, LOCK_EX), 0);
	assert_int_equal(close(fd1), 0); /* the dup still holds it */
	assert_int_equal(flock(fd2, LOCK_EX | LOCK_NB), -1);
	assert_int_equal(errno, EWOULDBLOCK);
	/* A waiting flock gets the lock when the holder lets go. */
	assert_int_equal(t_thread_start(&t, flock_later, (void *)(intptr_t)fd2), 0);
	usleep(50000);
	assert_int_equal(close(d), 0);
	assert_int_equal(t_thread_join(&t, &res), 0);
	assert_int_equal((intptr_t)res, 0);
	assert_int_equal(flock(fd2, 0), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(flock(200, LOCK_SH), -1);
	assert_int_equal(errno, EBADF);
	assert_int_equal(close(fd2), 0);
	assert_int_equal(unlink("/flocked"), 0);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_at_calls_start_at_a_directory_descriptor),
		cmocka_unit_test(test_fifos_wait_for_the_other_end),
		cmocka_unit_test(test_mknod_makes_fifos_files_and_devices),
		cmocka_unit_test(test_random_devices_give_fresh_bytes),
		cmocka_unit_test(test_realpath_follows_everything),
		cmocka_unit_test(test_chroot_confines_a_process),
		cmocka_unit_test(test_readv_writev_gather_and_scatter),
		cmocka_unit_test(test_fsync_pathconf_getdtablesize),
		cmocka_unit_test(test_poll_and_select_on_pipes_files_and_the_console),
		cmocka_unit_test(test_ppoll_and_pselect_apply_their_signal_mask),
		cmocka_unit_test(test_record_locks_exclude_wait_and_detect_deadlock),
		cmocka_unit_test(test_flock_belongs_to_the_open_file),
	};

	exo_init_args(&argc, argv);
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
