/*
 * tests/kernel/posix_perms.c — owners, modes and credentials on any kernel:
 * the process server keeps the credentials, the VFS enforces them, and the
 * same program runs on exosim and on the riscv64 kernel. The parent stays the
 * superuser and builds the files; forked children drop to an ordinary user
 * (or switch only the effective user and back) and try things, writing the
 * outcome of each probe to a pipe so that the TAP lines are the parent's.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

#define USER 1000
#define GROUP 1000

/* 0 when the call succeeded, else the errno it set. */
static int outcome(int r)
{
	return r >= 0 ? 0 : errno;
}

static int open_close(const char *path, int flags)
{
	int fd = open(path, flags, 0644);

	if (fd >= 0)
		close(fd);
	return outcome(fd);
}

/* The user's credentials are all it has: the real and effective ids. */
static int is_user(void)
{
	return getuid() == USER && geteuid() == USER && getgid() == GROUP && getegid() == GROUP ? 0 : -1;
}

static int setgroups_root(void)
{
	gid_t g = 0;

	return outcome(setgroups(1, &g));
}

static int new_dir_is_users(void)
{
	struct stat st;

	if (stat("/kperms/sticky/d", &st) != 0)
		return errno;
	return st.st_uid == USER && st.st_gid == GROUP && (st.st_mode & 07777) == 0755 ? 0 : -1;
}

static int stat_outcome(const char *path)
{
	struct stat st;

	return outcome(stat(path, &st));
}

/*
 * What an ordinary user (USER:GROUP, no supplementary groups) may do: each
 * probe's name, the outcome it must have (0 or an errno) and the expression
 * the child evaluates, in the order the child runs them.
 */
#define USER_PROBES(X)                                                                              \
	X("getuid and geteuid are the user's", 0, is_user())                                         \
	X("open a root-only 0600 file: EACCES", EACCES, open_close("/kperms/secret", O_RDONLY))      \
	X("access R_OK on it: EACCES", EACCES, outcome(access("/kperms/secret", R_OK)))              \
	X("open the user's own 0644 file for writing", 0, open_close("/kperms/pub", O_WRONLY))       \
	X("chmod the user's own file 0600", 0, outcome(chmod("/kperms/pub", 0600)))                  \
	X("chmod root's file: EPERM", EPERM, outcome(chmod("/kperms/secret", 0644)))                 \
	X("chown the user's file to root: EPERM", EPERM, outcome(chown("/kperms/pub", 0, 0)))        \
	X("stat through a 0700 directory of root's: EACCES", EACCES, stat_outcome("/kperms/closed/f")) \
	X("open through it: EACCES", EACCES, open_close("/kperms/closed/f", O_RDONLY))               \
	X("create in a 0755 directory of root's: EACCES", EACCES,                                   \
	  open_close("/kperms/new", O_CREAT | O_WRONLY))                                              \
	X("create in a sticky 01777 directory", 0, open_close("/kperms/sticky/mine", O_CREAT | O_WRONLY)) \
	X("unlink root's file in the sticky directory: EPERM", EPERM,                               \
	  outcome(unlink("/kperms/sticky/rootf")))                                                    \
	X("unlink the user's own file there", 0, outcome(unlink("/kperms/sticky/mine")))             \
	X("open a 0444 file for writing: EACCES", EACCES, open_close("/kperms/ro", O_WRONLY))        \
	X("access W_OK on the user's 0600 file", 0, outcome(access("/kperms/pub", W_OK)))            \
	X("access X_OK on it: EACCES", EACCES, outcome(access("/kperms/pub", X_OK)))                 \
	X("setuid(0) back to root: EPERM", EPERM, outcome(setuid(0)))                                \
	X("setgroups: EPERM", EPERM, setgroups_root())                                               \
	X("mkdir in the sticky directory", 0, outcome(mkdir("/kperms/sticky/d", 0755)))              \
	X("the new directory is the user's, group and all", 0, new_dir_is_users())

#define COUNT_PROBE(what, want, expr) +1
#define NUSER (0 USER_PROBES(COUNT_PROBE))

/* Run the probes in a child that becomes USER:GROUP; their outcomes in got. */
static int as_user(int got[NUSER])
{
	int p[2], i, st = 0;
	pid_t pid;

	if (pipe(p) != 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		if (setgroups(0, NULL) != 0 || setgid(GROUP) != 0 || setuid(USER) != 0)
			_exit(2);
		i = 0;
#define RUN_PROBE(what, want, expr) got[i++] = (expr);
		USER_PROBES(RUN_PROBE)
#undef RUN_PROBE
		_exit(write(p[1], got, sizeof(got[0]) * NUSER) == (ssize_t)(sizeof(got[0]) * NUSER) ? 0 : 3);
	}
	close(p[1]);
	/* One write of less than PIPE_BUF: one read has it all, or nothing came. */
	if (read(p[0], got, sizeof(got[0]) * NUSER) != (ssize_t)(sizeof(got[0]) * NUSER))
		for (i = 0; i < NUSER; i++)
			got[i] = -2;
	close(p[0]);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static void build(void)
{
	struct stat st;
	int fd;

	umask(022);
	T_EQ(mkdir("/kperms", 0755), 0, "mkdir /kperms");
	fd = open("/kperms/secret", O_CREAT | O_WRONLY, 0600);
	T_OK(fd >= 0 && write(fd, "s", 1) == 1 && close(fd) == 0, "root's 0600 secret");
	T_EQ(open_close("/kperms/pub", O_CREAT | O_WRONLY), 0, "pub, to give away");
	T_EQ(chown("/kperms/pub", USER, GROUP), 0, "chown pub to the user, as root");
	T_EQ(stat("/kperms/pub", &st) == 0 && st.st_uid == USER && st.st_gid == GROUP, 1, "... stat shows the owner");
	T_EQ(stat("/kperms/pub", &st) == 0 && (st.st_mode & 0777) == 0644, 1, "... mode 0644 under umask 022");
	T_EQ(mkdir("/kperms/closed", 0700), 0, "a 0700 directory");
	T_EQ(open_close("/kperms/closed/f", O_CREAT | O_WRONLY), 0, "... with a file in it");
	T_EQ(mkdir("/kperms/sticky", 0777), 0, "a directory to make sticky");
	T_EQ(chmod("/kperms/sticky", 01777), 0, "chmod 01777");
	T_EQ(stat("/kperms/sticky", &st) == 0 && (st.st_mode & 07777) == 01777, 1, "... the sticky bit is set");
	T_EQ(open_close("/kperms/sticky/rootf", O_CREAT | O_WRONLY), 0, "root's file in it");
	T_EQ(chmod("/kperms/sticky/rootf", 0666), 0, "... writable by anyone");
	T_EQ(open_close("/kperms/ro", O_CREAT | O_WRONLY), 0, "a file to make read-only");
	T_EQ(chmod("/kperms/ro", 0444), 0, "chmod 0444");
	T_EQ(umask(077), 022, "umask 077 gives back the old mask");
	T_EQ(open_close("/kperms/um", O_CREAT | O_WRONLY), 0, "create with mode 0644 under umask 077");
	T_EQ(stat("/kperms/um", &st) == 0 && (st.st_mode & 0777) == 0600, 1, "... its mode is 0600");
	umask(022);
}

static void superuser(void)
{
	T_EQ(getuid() == 0 && geteuid() == 0, 1, "the test runs as the superuser");
	T_EQ(open_close("/kperms/ro", O_WRONLY), 0, "root opens a 0444 file for writing");
	T_EQ(access("/kperms/closed/f", R_OK), 0, "root reads through a 0700 directory");
	T_EQ(outcome(access("/kperms/secret", X_OK)), EACCES, "root's X_OK on a file with no x bit: EACCES");
	T_EQ(access("/kperms/none", F_OK) == -1 && errno == ENOENT, 1, "access of a missing file: ENOENT");
	T_EQ(access("/kperms/secret", 0x40) == -1 && errno == EINVAL, 1, "access with a bad mode: EINVAL");
	T_EQ(chmod("/kperms/none", 0600) == -1 && errno == ENOENT, 1, "chmod of a missing file: ENOENT");
	T_EQ(fchmod(1000, 0600) == -1 && errno == EBADF, 1, "fchmod of a bad descriptor: EBADF");
}

static void ordinary_user(void)
{
	int got[NUSER], i, rc;

	rc = as_user(got);
	T_EQ(rc, 0, "a child becomes the user and runs every probe");
	i = 0;
#define CHECK_PROBE(what, want, expr) T_EQ(got[i], want, what); i++;
	USER_PROBES(CHECK_PROBE)
#undef CHECK_PROBE
}

/* seteuid to the user and back: the saved set-user-ID lets it return. */
static void effective_only(void)
{
	int p[2], r[5] = { -1, -1, -1, -1, -1 }, st = 0;
	pid_t pid;

	T_EQ(pipe(p), 0, "a pipe for the seteuid child");
	pid = fork();
	if (pid == 0) {
		int o[5];

		close(p[0]);
		o[0] = outcome(seteuid(USER));
		o[1] = geteuid() == USER && getuid() == 0 ? 0 : -1;
		o[2] = open_close("/kperms/secret", O_RDONLY);
		o[3] = outcome(seteuid(0));
		o[4] = open_close("/kperms/secret", O_RDONLY);
		_exit(write(p[1], o, sizeof(o)) == sizeof(o) ? 0 : 1);
	}
	close(p[1]);
	T_EQ(read(p[0], r, sizeof(r)), sizeof(r), "... it reports");
	close(p[0]);
	T_EQ(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0, 1, "... and exits");
	T_EQ(r[0], 0, "seteuid to the user");
	T_EQ(r[1], 0, "... the real user is still root");
	T_EQ(r[2], EACCES, "... root's 0600 file: EACCES");
	T_EQ(r[3], 0, "seteuid(0) back, through the saved set-user-ID");
	T_EQ(r[4], 0, "... the file opens again");
}

int main(void)
{
	build();
	superuser();
	ordinary_user();
	effective_only();
	return tap_done();
}
