/*
 * tests/kernel/posix_paths.c — libposix's path and pipe calls on any kernel:
 * the *at calls relative to a directory descriptor, symbolic links and
 * realpath, FIFOs between two processes, pipes (end of file, EPIPE, non-
 * blocking EAGAIN, PIPE_BUF atomicity between writers), readv/writev, poll
 * and the limits pathconf and sysconf report. The same program runs on exosim and on the
 * riscv64 kernel; children report through their exit status only, so the TAP
 * numbering stays the parent's.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <exo/exo.h>

#include "tap.h"

/* The exit status of child pid, or -1 when it did not exit normally. */
static int child_status(pid_t pid)
{
	int st = 0;

	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static void at_calls(void)
{
	char buf[PATH_MAX];
	struct stat st;
	int dfd, fd;
	ssize_t n;

	T_EQ(mkdir("/kpaths", 0755), 0, "mkdir /kpaths");
	dfd = open("/kpaths", O_RDONLY | O_DIRECTORY);
	T_OK(dfd >= 0, "open /kpaths as a directory (fd %d)", dfd);
	T_EQ(mkdirat(dfd, "sub", 0755), 0, "mkdirat sub");
	fd = openat(dfd, "sub/f", O_CREAT | O_WRONLY | O_EXCL, 0644);
	T_OK(fd >= 0, "openat sub/f, relative to the directory");
	T_EQ(write(fd, "at-data", 7), 7, "... write 7 bytes");
	T_EQ(close(fd), 0, "... close");
	T_EQ(fstatat(dfd, "sub/f", &st, 0) == 0 && st.st_size == 7, 1, "fstatat sees the size");
	T_EQ(stat("/kpaths/sub/f", &st) == 0 && S_ISREG(st.st_mode), 1, "... and so does stat by the whole path");
	T_EQ(renameat(dfd, "sub/f", dfd, "g"), 0, "renameat sub/f to g");
	T_EQ(linkat(dfd, "g", dfd, "g2", 0), 0, "linkat g to g2");
	T_EQ(fstatat(dfd, "g", &st, 0) == 0 && st.st_nlink == 2, 1, "... g has two links");
	T_EQ(unlinkat(dfd, "g2", 0), 0, "unlinkat g2");
	T_EQ(fstatat(dfd, "g", &st, 0) == 0 && st.st_nlink == 1, 1, "... g has one link again");
	T_EQ(unlinkat(dfd, "sub", 0) == -1 && (errno == EISDIR || errno == EPERM), 1,
	     "unlinkat of a directory without AT_REMOVEDIR: EISDIR");
	T_EQ(unlinkat(dfd, "sub", AT_REMOVEDIR), 0, "unlinkat sub with AT_REMOVEDIR");
	T_EQ(openat(dfd, "none", O_RDONLY) == -1 && errno == ENOENT, 1, "openat of a missing name: ENOENT");
	T_EQ(openat(1000, "g", O_RDONLY) == -1 && errno == EBADF, 1, "openat on a bad descriptor: EBADF");
	fd = open("/kpaths/g", O_RDONLY);
	T_EQ(openat(fd, "x", O_RDONLY) == -1 && errno == ENOTDIR, 1, "openat relative to a file: ENOTDIR");
	close(fd);

	T_EQ(symlinkat("g", dfd, "ln"), 0, "symlinkat ln -> g");
	n = readlinkat(dfd, "ln", buf, sizeof(buf));
	T_OK(n == 1 && buf[0] == 'g', "readlinkat ln gives the target (%zd bytes)", n);
	T_EQ(lstat("/kpaths/ln", &st) == 0 && S_ISLNK(st.st_mode), 1, "lstat sees a link");
	T_EQ(stat("/kpaths/ln", &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 7, 1, "stat follows it");
	T_OK(realpath("/kpaths/./ln", buf) && !strcmp(buf, "/kpaths/g"), "realpath resolves . and the link (%s)", buf);
	T_EQ(symlink("loop2", "/kpaths/loop1"), 0, "a link to a second link");
	T_EQ(symlink("loop1", "/kpaths/loop2"), 0, "... which names the first");
	T_EQ(open("/kpaths/loop1", O_RDONLY) == -1 && errno == ELOOP, 1, "... opening one: ELOOP");
	T_EQ(open("/kpaths/ln", O_RDONLY | O_NOFOLLOW) == -1 && errno == ELOOP, 1, "O_NOFOLLOW on a link: ELOOP");
	T_EQ(readlink("/kpaths/g", buf, sizeof(buf)) == -1 && errno == EINVAL, 1, "readlink of a file: EINVAL");

	T_EQ(chdir("/kpaths"), 0, "chdir /kpaths");
	T_OK(getcwd(buf, sizeof(buf)) && !strcmp(buf, "/kpaths"), "getcwd (%s)", buf);
	T_EQ(access("g", F_OK), 0, "a relative name resolves from the new directory");
	T_EQ(getcwd(buf, 1) == NULL && errno == ERANGE, 1, "getcwd into one byte: ERANGE");
	T_EQ(chdir("/kpaths/g") == -1 && errno == ENOTDIR, 1, "chdir to a file: ENOTDIR");
	T_OK(pathconf("/kpaths", _PC_NAME_MAX) >= 14, "pathconf NAME_MAX (%ld)", pathconf("/kpaths", _PC_NAME_MAX));
	T_OK(fpathconf(dfd, _PC_PIPE_BUF) >= 512, "fpathconf PIPE_BUF (%ld)", fpathconf(dfd, _PC_PIPE_BUF));
	close(dfd);
}

static void vectors(void)
{
	char a[4], b[8], all[16] = { 0 };
	struct iovec wv[3] = { { "one", 3 }, { "-two", 4 }, { "-three", 6 } };
	struct iovec rv[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	volatile int negative = -1;
	int fd = open("/kpaths/v", O_CREAT | O_RDWR | O_TRUNC, 0644);

	T_EQ(writev(fd, wv, 3), 13, "writev three pieces");
	T_EQ(pread(fd, all, sizeof(all), 0), 13, "pread them back");
	T_OK(!strcmp(all, "one-two-three"), "... in order (%s)", all);
	T_EQ(lseek(fd, 0, SEEK_SET), 0, "rewind");
	T_EQ(readv(fd, rv, 2), 12, "readv fills both buffers");
	T_OK(!memcmp(a, "one-", 4) && !memcmp(b, "two-thre", 8), "... with the right bytes");
	T_EQ(pwrite(fd, "ONE", 3, 0), 3, "pwrite at 0");
	T_EQ(lseek(fd, 0, SEEK_CUR), 12, "... does not move the offset");
	T_EQ(fsync(fd), 0, "fsync");
	T_EQ(ftruncate(fd, 3), 0, "ftruncate to 3");
	T_EQ(lseek(fd, 0, SEEK_END), 3, "... the end is at 3");
	T_EQ(writev(fd, wv, negative) == -1 && errno == EINVAL, 1, "writev with a negative count: EINVAL");
	close(fd);
}

/* A child that writes 8 records of PIPE_BUF bytes of letter into pipe p. */
static pid_t record_writer(const int p[2], char letter)
{
	char buf[PIPE_BUF];
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	memset(buf, letter, sizeof(buf));
	close(p[0]);
	for (int i = 0; i < 8; i++)
		if (write(p[1], buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			_exit(1);
	_exit(0);
}

static void pipes(void)
{
	char buf[PIPE_BUF];
	struct pollfd pfd;
	int p[2], i, st, bad;
	pid_t w1, w2;

	T_EQ(pipe(p), 0, "pipe");
	pfd = (struct pollfd){ .fd = p[0], .events = POLLIN };
	T_EQ(poll(&pfd, 1, 0), 0, "poll: nothing to read yet");
	T_EQ(write(p[1], "xyz", 3), 3, "write 3 bytes");
	T_EQ(poll(&pfd, 1, 1000) == 1 && (pfd.revents & POLLIN), 1, "poll: readable now");
	T_EQ(read(p[0], buf, sizeof(buf)), 3, "read returns what is there");
	T_EQ(fcntl(p[0], F_SETFL, O_NONBLOCK), 0, "O_NONBLOCK on the read end");
	T_EQ(read(p[0], buf, 1) == -1 && errno == EAGAIN, 1, "... an empty pipe: EAGAIN");
	close(p[1]);
	T_EQ(read(p[0], buf, 1), 0, "every writer closed: end of file");
	pfd.revents = 0;
	T_EQ(poll(&pfd, 1, 0) == 1 && (pfd.revents & (POLLHUP | POLLIN)), 1, "poll reports the hang-up");
	close(p[0]);

	T_EQ(pipe(p), 0, "a second pipe");
	signal(SIGPIPE, SIG_IGN);
	close(p[0]);
	T_EQ(write(p[1], "x", 1) == -1 && errno == EPIPE, 1, "writing with no reader, SIGPIPE ignored: EPIPE");
	close(p[1]);
	signal(SIGPIPE, SIG_DFL);

	T_EQ(pipe(p), 0, "a pipe for SIGPIPE");
	w1 = fork();
	if (w1 == 0) {
		close(p[0]);
		(void)write(p[1], "x", 1);
		_exit(0);	/* not reached: SIGPIPE ends it */
	}
	close(p[0]);
	close(p[1]);
	st = 0;
	T_EQ(waitpid(w1, &st, 0) == w1 && WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE, 1,
	     "a writer with no reader dies of SIGPIPE");

	/* Two writers, each writing PIPE_BUF-byte records of one letter: the
	 * reader must never see two letters in one record. */
	T_EQ(pipe(p), 0, "a pipe for two writers");
	w1 = record_writer(p, 'a');
	w2 = record_writer(p, 'b');
	close(p[1]);
	bad = 0;
	for (i = 0; i < 16; i++) {
		size_t got = 0;
		ssize_t n;

		while (got < sizeof(buf) && (n = read(p[0], buf + got, sizeof(buf) - got)) > 0)
			got += (size_t)n;
		if (got != sizeof(buf) || memchr(buf, buf[0] == 'a' ? 'b' : 'a', sizeof(buf)))
			bad++;
	}
	T_EQ(bad, 0, "16 records of PIPE_BUF bytes from two writers, none interleaved");
	T_EQ(read(p[0], buf, 1), 0, "... then end of file");
	T_EQ(child_status(w1), 0, "... the first writer wrote all of its");
	T_EQ(child_status(w2), 0, "... and the second");
	close(p[0]);
}

static void fifos(void)
{
	char buf[32] = { 0 };
	struct stat st;
	pid_t pid;
	int fd;

	T_EQ(mkfifo("/kpaths/fifo", 0644), 0, "mkfifo");
	T_EQ(stat("/kpaths/fifo", &st) == 0 && S_ISFIFO(st.st_mode), 1, "... stat sees a FIFO");
	T_EQ(mkfifo("/kpaths/fifo", 0644) == -1 && errno == EEXIST, 1, "... again: EEXIST");
	fd = open("/kpaths/fifo", O_WRONLY | O_NONBLOCK);
	T_EQ(fd == -1 && errno == ENXIO, 1, "a non-blocking writer with no reader: ENXIO");
	pid = fork();
	if (pid == 0) {
		int w = open("/kpaths/fifo", O_WRONLY);

		_exit(w >= 0 && write(w, "through a fifo", 14) == 14 && close(w) == 0 ? 0 : 1);
	}
	fd = open("/kpaths/fifo", O_RDONLY);
	T_OK(fd >= 0, "open the FIFO to read: waits for the writer");
	T_EQ(read(fd, buf, 14), 14, "read the writer's 14 bytes");
	T_OK(!strcmp(buf, "through a fifo"), "... the bytes it wrote");
	T_EQ(child_status(pid), 0, "... the writer exited cleanly");
	T_EQ(read(fd, buf, 1), 0, "... then end of file");
	close(fd);
	T_EQ(unlink("/kpaths/fifo"), 0, "unlink the FIFO");
}

/* sysconf answers from Exo: its kernel, its servers, libposix's own limits. */
static void limits(void)
{
	exo_kinfo_t ki = { 0 };
	struct rlimit rl, old;

	T_EQ(sysconf(_SC_PAGESIZE), 4096, "sysconf PAGESIZE");
	T_EQ(sysconf(_SC_ARG_MAX), 256 * 1024, "sysconf ARG_MAX: what exec takes");
	T_OK(exo_kernel_info(&ki) == EXO_OK && sysconf(_SC_PHYS_PAGES) == (long)(ki.phys_bytes / 4096),
	     "sysconf PHYS_PAGES: the kernel's memory (%ld pages)", sysconf(_SC_PHYS_PAGES));
	T_OK(sysconf(_SC_AVPHYS_PAGES) > 0 && sysconf(_SC_AVPHYS_PAGES) <= sysconf(_SC_PHYS_PAGES),
	     "sysconf AVPHYS_PAGES: the memory server's free frames (%ld)", sysconf(_SC_AVPHYS_PAGES));
	T_EQ(sysconf(_SC_NPROCESSORS_ONLN), 1, "sysconf NPROCESSORS_ONLN");
	T_EQ(sysconf(_SC_CLK_TCK), 100, "sysconf CLK_TCK");
	T_EQ(sysconf(_SC_NGROUPS_MAX), 32, "sysconf NGROUPS_MAX: the process server's");
	T_OK(getrlimit(RLIMIT_NOFILE, &old) == 0, "getrlimit NOFILE");
	rl = old;
	rl.rlim_cur = 64;
	T_OK(setrlimit(RLIMIT_NOFILE, &rl) == 0 && sysconf(_SC_OPEN_MAX) == 64,
	     "sysconf OPEN_MAX follows RLIMIT_NOFILE (%ld)", sysconf(_SC_OPEN_MAX));
	setrlimit(RLIMIT_NOFILE, &old);
	T_OK(getrlimit(RLIMIT_NPROC, &rl) == 0 &&
		     sysconf(_SC_CHILD_MAX) == (rl.rlim_cur == RLIM_INFINITY ? -1 : (long)rl.rlim_cur),
	     "sysconf CHILD_MAX is RLIMIT_NPROC (%ld)", sysconf(_SC_CHILD_MAX));
	T_EQ(sysconf(_SC_VERSION), 200809L, "sysconf VERSION");
	errno = 0;
	T_OK(sysconf(_SC_THREADS) == -1 && errno == 0, "sysconf THREADS: -1, errno untouched (not yet)");
	errno = 0;
	T_OK(sysconf(_SC_SEM_NSEMS_MAX) == -1 && errno == 0, "sysconf SEM_NSEMS_MAX, a name POSIX has: -1, errno untouched");
	T_EQ(sysconf(_SC_SHELL), 200809L, "sysconf SHELL");
	T_EQ(sysconf(_SC_BC_BASE_MAX), 99, "sysconf BC_BASE_MAX: POSIX's minimum");
	errno = 0;
	T_OK(sysconf(-1) == -1 && errno == EINVAL, "sysconf of an unknown name: EINVAL");
}

int main(void)
{
	at_calls();
	limits();
	vectors();
	pipes();
	fifos();
	return tap_done();
}
