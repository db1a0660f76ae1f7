/*
 * tests/integration/files.c — the file API of libposix, as a program sees
 * it: POSIX calls and errno values, stdio through the bridge, and proof
 * that a program's files live in Exo, not on the host. Run as
 * `exosim --cpu auto --boot memory.boot --exec files` (console, memory, VFS).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include <exo/dev.h>
#include "dev_proto.h"
#include <exo/errno.h>

#include "support.h"

static void test_open_read_write_lseek_close(void **state)
{
	char buf[32] = { 0 };
	int fd = open("/f1", O_CREAT | O_RDWR | O_EXCL, 0644);

	assert_true(fd >= 3); /* 0, 1, 2 are the console */
	assert_int_equal(write(fd, "abcdef", 6), 6);
	assert_int_equal(lseek(fd, 1, SEEK_SET), 1);
	assert_int_equal(read(fd, buf, 3), 3);
	assert_string_equal(buf, "bcd");
	assert_int_equal(pread(fd, buf, 2, 4), 2);
	assert_memory_equal(buf, "ef", 2);
	assert_int_equal(pwrite(fd, "XY", 2, 0), 2);
	assert_int_equal(lseek(fd, 0, SEEK_CUR), 4); /* pread/pwrite leave the offset */
	assert_int_equal(lseek(fd, 0, SEEK_END), 6);
	assert_int_equal(close(fd), 0);
	errno = 0;
	assert_int_equal(close(fd), -1);
	assert_int_equal(errno, EBADF);
	assert_int_equal(read(fd, buf, 1), -1);
	assert_int_equal(errno, EBADF);
	assert_int_equal(open("/f1", O_CREAT | O_EXCL | O_WRONLY, 0600), -1);
	assert_int_equal(errno, EEXIST);
	assert_int_equal(open("/missing/f", O_RDONLY), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(open("/f1/x", O_RDONLY), -1);
	assert_int_equal(errno, ENOTDIR);
	assert_int_equal(open("/", O_WRONLY), -1);
	assert_int_equal(errno, EISDIR);
	assert_int_equal(lseek(0, 0, SEEK_SET), -1); /* the console */
	assert_int_equal(errno, ESPIPE);
	assert_int_equal(pwrite(1, "x", 1, 0), -1);
	assert_int_equal(errno, ESPIPE);
	assert_int_equal(unlink("/f1"), 0);
}

static void test_large_transfers_take_several_messages(void **state)
{
	size_t n = 300 * 1024;
	char *out = malloc(n), *in = malloc(n);
	int fd = open("/big", O_CREAT | O_RDWR | O_TRUNC, 0600);
	struct stat st;

	for (size_t i = 0; i < n; i++)
		out[i] = (char)(i * 7 + 3);
	assert_int_equal(write(fd, out, n), (ssize_t)n);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_size, (off_t)n);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(read(fd, in, n), (ssize_t)n);
	assert_memory_equal(in, out, n);
	assert_int_equal(ftruncate(fd, 10), 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_size, 10);
	assert_int_equal(ftruncate(fd, -1), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(truncate("/big", 20000), 0);
	assert_int_equal(stat("/big", &st), 0);
	assert_int_equal(st.st_size, 20000);
	close(fd);
	unlink("/big");
	free(out);
	free(in);
}

static void test_dup_dup2_fcntl(void **state)
{
	int fd = open("/d1", O_CREAT | O_RDWR, 0600), d, fl;

	d = dup(fd);
	assert_true(d > fd);
	assert_int_equal(write(fd, "12345", 5), 5);
	assert_int_equal(lseek(d, 0, SEEK_CUR), 5); /* one open file description */
	assert_int_equal(dup2(fd, 40), 40);
	assert_int_equal(fcntl(40, F_GETFD), 0);
	assert_int_equal(fcntl(40, F_SETFD, FD_CLOEXEC), 0);
	assert_int_equal(fcntl(40, F_GETFD), FD_CLOEXEC);
	assert_int_equal(fcntl(fd, F_DUPFD, 50), 50);
	assert_int_equal(fcntl(fd, F_DUPFD_CLOEXEC, 50), 51);
	assert_int_equal(fcntl(51, F_GETFD), FD_CLOEXEC);
	fl = fcntl(fd, F_GETFL);
	assert_int_equal(fl & O_ACCMODE, O_RDWR);
	assert_int_equal(fcntl(fd, F_SETFL, fl | O_APPEND), 0);
	assert_true(fcntl(d, F_GETFL) & O_APPEND); /* status flags are shared */
	assert_int_equal(dup2(fd, -1), -1);
	assert_int_equal(errno, EBADF);
	assert_int_equal(dup(1000), -1);
	assert_int_equal(errno, EBADF);
	assert_int_equal(fcntl(fd, 12345), -1);
	assert_int_equal(errno, EINVAL);
	close(fd);
	close(d);
	close(40);
	close(50);
	close(51);
	unlink("/d1");
}

static void test_directories_cwd_and_rename(void **state)
{
	char cwd[256];
	int seen = 0;
	struct dirent *e;
	DIR *dir;

	assert_int_equal(mkdir("/w", 0755), 0);
	assert_int_equal(mkdir("/w", 0755), -1);
	assert_int_equal(errno, EEXIST);
	assert_int_equal(chdir("/w"), 0);
	assert_string_equal(getcwd(cwd, sizeof(cwd)), "/w");
	assert_null(getcwd(cwd, 2));
	assert_int_equal(errno, ERANGE);
	close(open("a", O_CREAT | O_WRONLY, 0644));
	close(open("b", O_CREAT | O_WRONLY, 0644));
	assert_int_equal(rename("a", "c"), 0);
	assert_int_equal(rename("nope", "d"), -1);
	assert_int_equal(errno, ENOENT);
	dir = opendir(".");
	assert_non_null(dir);
	while ((e = readdir(dir)) != NULL) {
		if (!strcmp(e->d_name, "b") || !strcmp(e->d_name, "c"))
			seen++;
		assert_string_not_equal(e->d_name, "a");
	}
	assert_int_equal(seen, 2);
	rewinddir(dir);
	assert_non_null(readdir(dir));
	assert_true(dirfd(dir) >= 0);
	assert_int_equal(closedir(dir), 0);
	assert_null(opendir("/w/b"));
	assert_int_equal(errno, ENOTDIR);
	assert_int_equal(rmdir("/w"), -1);
	assert_int_equal(errno, ENOTEMPTY);
	assert_int_equal(unlink("b"), 0);
	assert_int_equal(unlink("c"), 0);
	assert_int_equal(chdir("/"), 0);
	assert_int_equal(rmdir("/w"), 0);
	assert_int_equal(rmdir("/w"), -1);
	assert_int_equal(errno, ENOENT);
}

static void test_the_console_is_a_terminal_and_files_are_not(void **state)
{
	char name[32];
	int fd = open("/dev/null", O_RDONLY);

	assert_int_equal(isatty(0), 1);
	assert_int_equal(isatty(1), 1);
	assert_string_equal(ttyname(2), "/dev/console");
	assert_int_equal(ttyname_r(1, name, sizeof(name)), 0);
	assert_string_equal(name, "/dev/console");
	assert_int_equal(ttyname_r(1, name, 4), ERANGE);
	errno = 0;
	assert_int_equal(isatty(fd), 0);
	assert_int_equal(errno, ENOTTY);
	assert_int_equal(isatty(999), 0);
	assert_int_equal(errno, EBADF);
	close(fd);
}

/* The console's own protocol (exo/dev.h), and its refusals. */
static void test_the_console_refuses_wrong_handles_and_operations(void **state)
{
	exo_tid_t con = t_lookup(CONSOLE_NAME);
	exo_msg_t m = { 0 };
	char buf[16];

	m.mr[0] = CONSOLE_IN; /* writing to the input */
	exo_msg_put_string(&m, 1, "x", 1);
	m.tag = exo_tag(DEV_WRITE, 1, 2);
	assert_int_equal(exo_call(con, &m, EXO_TIMEOUT_NEVER, exo_timeout_ms(10000)), EXO_OK);
	assert_int_equal(exo_tag_label(m.tag), XE_EBADF);
	memset(&m, 0, sizeof(m));
	m.mr[0] = CONSOLE_OUT; /* reading from the output */
	m.mr[1] = sizeof(buf);
	m.tag = exo_tag(DEV_READ, 3, 0);
	exo_msg_accept_string(&m, buf, sizeof(buf));
	assert_int_equal(exo_call(con, &m, EXO_TIMEOUT_NEVER, exo_timeout_ms(10000)), EXO_OK);
	assert_int_equal(exo_tag_label(m.tag), XE_EBADF);
	memset(&m, 0, sizeof(m));
	m.tag = exo_tag(DEV_READ, 1, 0); /* too few words */
	assert_int_equal(exo_call(con, &m, EXO_TIMEOUT_NEVER, exo_timeout_ms(10000)), EXO_OK);
	assert_int_equal(exo_tag_label(m.tag), XE_EINVAL);
	m.tag = exo_tag(77, 0, 0);
	assert_int_equal(exo_call(con, &m, EXO_TIMEOUT_NEVER, exo_timeout_ms(10000)), EXO_OK);
	assert_int_equal(exo_tag_label(m.tag), XE_ENOSYS);
	/* Through the descriptors: the console's read end does not write, and back. */
	assert_int_equal(write(0, "x", 1), -1);
	assert_int_equal(errno, EBADF);
	assert_int_equal(read(1, buf, 1), -1);
	assert_int_equal(errno, EBADF);
}

static void test_devices_null_zero_full(void **state)
{
	char buf[8] = "xxxxxxx";
	int n = open("/dev/null", O_RDWR), z = open("/dev/zero", O_RDONLY), f = open("/dev/full", O_WRONLY);

	assert_int_equal(write(n, "gone", 4), 4);
	assert_int_equal(read(n, buf, sizeof(buf)), 0);
	assert_int_equal(read(z, buf, 4), 4);
	assert_memory_equal(buf, "\0\0\0\0", 4);
	assert_int_equal(write(f, "x", 1), -1);
	assert_int_equal(errno, ENOSPC);
	close(n);
	close(z);
	close(f);
}

static void test_stdio_reaches_exo_not_the_host(void **state)
{
	char path[64], line[64];
	FILE *f;

	snprintf(path, sizeof(path), "/exo-only-%d", (int)getpid());
	f = fopen(path, "w");
	assert_non_null(f);
	assert_true(fprintf(f, "written through %s\n", "stdio") > 0);
	assert_int_equal(fclose(f), 0);
	/* The host has no such file: ask Linux itself, past libposix. */
	assert_int_equal(syscall(SYS_faccessat, AT_FDCWD, path, F_OK, 0), -1);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	assert_string_equal(line, "written through stdio\n");
	fclose(f);
	f = fopen(path, "a");
	fputs("more\n", f);
	fclose(f);
	f = fopen(path, "r");
	fgets(line, sizeof(line), f);
	fgets(line, sizeof(line), f);
	assert_string_equal(line, "more\n");
	fclose(f);
	assert_null(fopen("/no/such/file", "r"));
	assert_int_equal(errno, ENOENT);
	assert_null(fopen(path, "q"));
	assert_int_equal(errno, EINVAL);
	assert_int_equal(unlink(path), 0);
}

static exo_tid_t main_tid;

/* A thread of this space (descriptors are per space until fork shares them). */
static void pipe_reader(void *arg)
{
	int *fds = arg;
	char buf[64];
	ssize_t n;
	exo_msg_t m = { .tag = exo_tag(1, 2, 0) };

	/* Blocks until the writer writes; ends when the write end closes. */
	while ((n = read(fds[0], buf, sizeof(buf))) > 0)
		m.mr[0] += (uint64_t)n;
	m.mr[1] = (uint64_t)n;
	exo_send(main_tid, &m, EXO_TIMEOUT_NEVER);
}

static void test_pipes_block_wake_and_end(void **state)
{
	static char big[100000];
	int fds[2], nb[2];
	char buf[8];
	exo_tid_t kid;

	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], "ping", 4), 4);
	assert_int_equal(read(fds[0], buf, sizeof(buf)), 4);
	assert_memory_equal(buf, "ping", 4);
	assert_int_equal(lseek(fds[0], 0, SEEK_SET), -1);
	assert_int_equal(errno, ESPIPE);
	/* Another thread reads while this one writes more than a pipe holds. */
	main_tid = exo_myself();
	assert_int_equal(exo_thread_create(pipe_reader, fds, &kid), EXO_OK);
	assert_int_equal(write(fds[1], big, sizeof(big)), (ssize_t)sizeof(big));
	assert_int_equal(close(fds[1]), 0);
	{
		exo_msg_t m = { 0 };

		assert_int_equal(exo_recv(kid, &m, exo_timeout_ms(30000)), EXO_OK);
		assert_int_equal(m.mr[0], sizeof(big));
		assert_int_equal(m.mr[1], 0); /* end of file */
	}
	/* Its reader gone too, a write fails with EPIPE. */
	assert_int_equal(close(fds[0]), 0);
	assert_int_equal(pipe2(nb, O_NONBLOCK | O_CLOEXEC), 0);
	assert_int_equal(fcntl(nb[0], F_GETFD), FD_CLOEXEC);
	assert_int_equal(read(nb[0], buf, 1), -1); /* empty, non-blocking */
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(close(nb[0]), 0);
	signal(SIGPIPE, SIG_IGN); /* else SIGPIPE ends the test first */
	assert_int_equal(write(nb[1], "x", 1), -1);
	assert_int_equal(errno, EPIPE);
	signal(SIGPIPE, SIG_DFL);
	assert_int_equal(close(nb[1]), 0);
	assert_int_equal(pipe2(nb, 0x12345678), -1);
	assert_int_equal(errno, EINVAL);
}

static void test_symbolic_and_hard_links(void **state)
{
	char buf[64];
	struct stat st;
	int fd;

	assert_int_equal(mkdir("/l", 0755), 0);
	fd = open("/l/target", O_CREAT | O_WRONLY, 0644);
	assert_int_equal(write(fd, "data", 4), 4);
	close(fd);
	/* A symbolic link, relative to its directory; followed by open and stat. */
	assert_int_equal(symlink("target", "/l/sym"), 0);
	assert_int_equal(symlink("target", "/l/sym"), -1);
	assert_int_equal(errno, EEXIST);
	assert_int_equal(readlink("/l/sym", buf, sizeof(buf)), 6);
	assert_memory_equal(buf, "target", 6);
	assert_int_equal(readlink("/l/target", buf, sizeof(buf)), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(stat("/l/sym", &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_size, 4);
	assert_int_equal(lstat("/l/sym", &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	fd = open("/l/sym", O_RDONLY);
	assert_int_equal(read(fd, buf, 4), 4);
	close(fd);
	assert_int_equal(open("/l/sym", O_RDONLY | O_NOFOLLOW), -1);
	assert_int_equal(errno, ELOOP);
	/* Absolute links, links through directories, dangling links. */
	assert_int_equal(symlink("/l", "/ldir"), 0);
	assert_int_equal(stat("/ldir/target", &st), 0);
	assert_int_equal(symlink("/nowhere", "/l/dangling"), 0);
	assert_int_equal(stat("/l/dangling", &st), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(lstat("/l/dangling", &st), 0);
	/* A loop: ELOOP past 40 links. */
	assert_int_equal(symlink("/l/loop2", "/l/loop1"), 0);
	assert_int_equal(symlink("/l/loop1", "/l/loop2"), 0);
	assert_int_equal(stat("/l/loop1", &st), -1);
	assert_int_equal(errno, ELOOP);
	/* Unlink removes the link, not its target. */
	assert_int_equal(unlink("/l/sym"), 0);
	assert_int_equal(stat("/l/target", &st), 0);
	/* Hard links share the file and count. */
	assert_int_equal(link("/l/target", "/l/hard"), 0);
	assert_int_equal(stat("/l/target", &st), 0);
	assert_int_equal(st.st_nlink, 2);
	assert_int_equal(link("/l/target", "/l/hard"), -1);
	assert_int_equal(errno, EEXIST);
	assert_int_equal(link("/l", "/l2"), -1);
	assert_int_equal(errno, EPERM);
	assert_int_equal(unlink("/l/target"), 0);
	fd = open("/l/hard", O_RDONLY);
	assert_int_equal(read(fd, buf, 4), 4);
	assert_memory_equal(buf, "data", 4);
	close(fd);
	assert_int_equal(stat("/l/hard", &st), 0);
	assert_int_equal(st.st_nlink, 1);
	unlink("/l/hard");
	unlink("/l/dangling");
	unlink("/l/loop1");
	unlink("/l/loop2");
	unlink("/ldir");
	assert_int_equal(rmdir("/l"), 0);
}

/* One of eight appenders: 200 records of 100 bytes, each one write. */
static int appender(void *arg)
{
	int id = (int)(intptr_t)arg, fd = open("/log", O_WRONLY | O_APPEND);
	char rec[100];

	if (fd < 0)
		return 1;
	for (int i = 0; i < 200; i++) {
		memset(rec, 'a' + id, sizeof(rec));
		snprintf(rec, sizeof(rec), "%d:%03d:", id, i);
		rec[sizeof(rec) - 1] = '\n';
		if (write(fd, rec, sizeof(rec)) != (ssize_t)sizeof(rec))
			return 2;
	}
	return close(fd) == 0 ? 0 : 3;
}

static void test_eight_processes_append_without_losing_or_tearing(void **state)
{
	static char all[8 * 200 * 100 + 1];
	int counts[8] = { 0 }, fd = open("/log", O_CREAT | O_TRUNC | O_WRONLY, 0644);
	pid_t kids[8];

	close(fd);
	for (int i = 0; i < 8; i++)
		kids[i] = t_fork(appender, (void *)(intptr_t)i);
	for (int i = 0; i < 8; i++)
		assert_int_equal(t_wait(kids[i]), 0);
	fd = open("/log", O_RDONLY);
	assert_int_equal(read(fd, all, sizeof(all)), 8 * 200 * 100);
	close(fd);
	for (int r = 0; r < 8 * 200; r++) {
		const char *rec = all + r * 100;
		int id = rec[0] - '0', seq = atoi(rec + 2);

		assert_true(id >= 0 && id < 8);
		assert_int_equal(seq, counts[id]); /* each appender's records in its order */
		counts[id]++;
		for (int k = 8; k < 99; k++)
			if (rec[k] != 'a' + id && rec[k] != 0)
				fail_msg("record %d is torn at byte %d", r, k);
		assert_int_equal(rec[99], '\n');
	}
	for (int i = 0; i < 8; i++)
		assert_int_equal(counts[i], 200);
	unlink("/log");
}

static void test_modes_owners_times_umask_access(void **state)
{
	struct timespec t[2] = { { 1000, 5 }, { 2000, 7 } };
	struct stat st;
	mode_t old;
	int fd;

	old = umask(077);
	assert_int_equal(old, 022);
	fd = open("/attr", O_CREAT | O_WRONLY, 0666);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600); /* the umask applied */
	assert_int_equal(umask(old), 077);
	assert_int_equal(fchmod(fd, 0751), 0);
	assert_int_equal(chmod("/attr", 04755), 0);
	assert_int_equal(stat("/attr", &st), 0);
	assert_int_equal(st.st_mode & 07777, 04755);
	assert_int_equal(chown("/attr", 12, 34), 0);
	assert_int_equal(fchown(fd, (uid_t)-1, 56), 0);
	assert_int_equal(stat("/attr", &st), 0);
	assert_int_equal(st.st_uid, 12);
	assert_int_equal(st.st_gid, 56);
	assert_int_equal(utimensat(AT_FDCWD, "/attr", t, 0), 0);
	assert_int_equal(stat("/attr", &st), 0);
	assert_int_equal(st.st_atim.tv_sec, 1000);
	assert_int_equal(st.st_atim.tv_nsec, 5);
	assert_int_equal(st.st_mtim.tv_sec, 2000);
	t[0].tv_nsec = UTIME_OMIT;
	t[1].tv_nsec = 2000000000;
	assert_int_equal(futimens(fd, t), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(access("/attr", F_OK), 0);
	assert_int_equal(access("/attr", R_OK | W_OK | X_OK), 0);
	assert_int_equal(chmod("/attr", 0644), 0);
	assert_int_equal(access("/attr", X_OK), -1);
	assert_int_equal(errno, EACCES);
	assert_int_equal(access("/none", F_OK), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(access("/attr", 0x40), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(chmod("/none", 0644), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(fchmod(999, 0644), -1);
	assert_int_equal(errno, EBADF);
	close(fd);
	unlink("/attr");
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_read_write_lseek_close),
		cmocka_unit_test(test_large_transfers_take_several_messages),
		cmocka_unit_test(test_dup_dup2_fcntl),
		cmocka_unit_test(test_directories_cwd_and_rename),
		cmocka_unit_test(test_devices_null_zero_full),
		cmocka_unit_test(test_the_console_is_a_terminal_and_files_are_not),
		cmocka_unit_test(test_the_console_refuses_wrong_handles_and_operations),
		cmocka_unit_test(test_stdio_reaches_exo_not_the_host),
		cmocka_unit_test(test_pipes_block_wake_and_end),
		cmocka_unit_test(test_symbolic_and_hard_links),
		cmocka_unit_test(test_eight_processes_append_without_losing_or_tearing),
		cmocka_unit_test(test_modes_owners_times_umask_access),
	};

	exo_init_args(&argc, argv);
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
