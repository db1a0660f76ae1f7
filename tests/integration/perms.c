/*
 * tests/integration/perms.c — permissions from credentials, and descriptor
 * tables across fork and exec, in the VFS. Run as
 * `exosim --cpu auto --boot memory.boot --exec perms PERMS_CHILD_PATH`.
 *
 * There is no process server in this boot: the test registers "proc"
 * itself, which lets it call VFS_SETCRED and VFS_FORK. A second space is a
 * spawned perms_child; the test makes it an unprivileged user with
 * SETCRED, asks it to make file calls, and asserts on the results. The test
 * itself stays root (no credentials set: the superuser).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cmocka.h>

#include <exo/errno.h>
#include <exo/vfs.h>
#include "vfs_proto.h"

#include "perms_child.h"
#include "support.h"

static const char *child_path;

struct helper {
	exo_tid_t tid;
	exo_space_t space;
};

/* The extra words and data of the last answer. */
static uint64_t last_x[3];
static char last_data[4096];
static uint32_t last_len;

static struct helper spawn_helper(void)
{
	static unsigned count;
	char name[32];
	char *argv[3];
	struct helper h;

	snprintf(name, sizeof(name), "perms-child-%u", ++count);
	argv[0] = (char *)child_path;
	argv[1] = name;
	argv[2] = NULL;
	assert_int_equal(exo_space_spawn(argv, &h.space), EXO_OK);
	h.tid = t_lookup(name);
	return h;
}

/* Ask the helper: its call's result, or -errno when it failed. */
static int64_t ask(struct helper h, uint32_t op, uint64_t a, uint64_t b, const char *p1, const char *p2)
{
	exo_msg_t m = { 0 };
	unsigned idx = 2;

	m.mr[0] = a;
	m.mr[1] = b;
	if (p1)
		idx = exo_msg_put_string(&m, idx, p1, (uint32_t)strlen(p1));
	if (p2)
		idx = exo_msg_put_string(&m, idx, p2, (uint32_t)strlen(p2));
	m.tag = exo_tag(op, 2, idx - 2);
	exo_msg_accept_string(&m, last_data, sizeof(last_data) - 1);
	assert_int_equal(exo_call(h.tid, &m, exo_timeout_ms(30000), exo_timeout_ms(30000)), EXO_OK);
	memcpy(last_x, &m.mr[2], sizeof(last_x));
	last_len = exo_tag_typed(m.tag) == 2 ? exo_string_len(m.mr[5]) : 0;
	last_data[last_len] = 0;
	return (int64_t)m.mr[0] < 0 ? -(int64_t)m.mr[1] : (int64_t)m.mr[0];
}

static int64_t ask_path(struct helper h, uint32_t op, const char *p, uint64_t a, uint64_t b)
{
	return ask(h, op, a, b, p, NULL);
}

/* A raw VFS request from the helper's space: the reply label. */
/* The helper sends VFS request op with n (0..2) of the words w1, w2. */
static int64_t ask_raw(struct helper h, uint32_t op, unsigned n, uint64_t w1, uint64_t w2)
{
	exo_msg_t m = { 0 };

	m.mr[0] = op;
	m.mr[1] = w1;
	m.mr[2] = w2;
	m.tag = exo_tag(PC_VFS_RAW, 1 + n, 0);
	assert_int_equal(exo_call(h.tid, &m, exo_timeout_ms(30000), exo_timeout_ms(30000)), EXO_OK);
	return (int64_t)m.mr[0];
}

static void quit_helper(struct helper h)
{
	exo_msg_t m = { .tag = exo_tag(PC_QUIT, 0, 0) };

	assert_int_equal(exo_call(h.tid, &m, exo_timeout_ms(30000), exo_timeout_ms(30000)), EXO_OK);
}

static uint32_t vfs_req(uint32_t op, unsigned n, const uint64_t *in, const void *data, uint32_t len)
{
	exo_msg_t m = { 0 };
	unsigned idx = n;

	memcpy(m.mr, in, n * sizeof(uint64_t));
	if (data)
		idx = exo_msg_put_string(&m, idx, data, len);
	m.tag = exo_tag(op, n, idx - n);
	assert_int_equal(exo_call(t_lookup(VFS_NAME), &m, exo_timeout_ms(30000), exo_timeout_ms(30000)), EXO_OK);
	return exo_tag_label(m.tag);
}

/* As the process server: who a space is. */
static uint32_t setcred(exo_space_t s, uint32_t ruid, uint32_t euid, uint32_t rgid, uint32_t egid, unsigned ngroups,
			const uint32_t *groups)
{
	uint64_t in[6] = { s, ruid, euid, rgid, egid, ngroups };

	return vfs_req(VFS_SETCRED, 6, in, ngroups ? groups : NULL, (uint32_t)(ngroups * sizeof(uint32_t)));
}

static void become(struct helper h, uint32_t uid, uint32_t gid, unsigned ngroups, const uint32_t *groups)
{
	assert_int_equal(setcred(h.space, uid, uid, gid, gid, ngroups, groups), 0);
}

static uint32_t vfs_fork(exo_space_t parent, exo_space_t child)
{
	uint64_t in[2] = { parent, child };

	return vfs_req(VFS_FORK, 2, in, NULL, 0);
}

static void put_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(close(fd), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static void make_dir(const char *path, mode_t mode)
{
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static void test_an_unprivileged_space_gets_only_what_the_bits_allow(void **state)
{
	static const uint32_t grp[1] = { 2000 };
	struct helper h;
	struct stat st;
	int64_t fd;

	(void)state;
	make_dir("/pa", 0755);
	put_file("/pa/secret", "secret", 0600);
	put_file("/pa/pub", "public", 0644);
	put_file("/pa/grp", "group", 0640);
	assert_int_equal(chown("/pa/grp", 0, 2000), 0);
	make_dir("/pa/closed", 0700);
	put_file("/pa/closed/f", "inside", 0666);
	make_dir("/pa/open", 0777);
	make_dir("/pa/noread", 0711);
	put_file("/pa/noread/f", "x", 0644);

	h = spawn_helper();
	/* Before SETCRED the helper is root, as every space used to be. */
	fd = ask_path(h, PC_OPEN, "/pa/secret", O_RDONLY, 0);
	assert_true(fd >= 0);
	assert_int_equal(ask(h, PC_CLOSE, (uint64_t)fd, 0, NULL, NULL), 0);

	become(h, 1000, 1000, 0, NULL);
	/* Reading and writing: the "other" bits. */
	assert_int_equal(ask_path(h, PC_OPEN, "/pa/secret", O_RDONLY, 0), -EACCES);
	fd = ask_path(h, PC_OPEN, "/pa/pub", O_RDONLY, 0);
	assert_true(fd >= 0);
	assert_int_equal(ask(h, PC_READ, (uint64_t)fd, 64, NULL, NULL), 6);
	assert_string_equal(last_data, "public");
	assert_int_equal(ask(h, PC_CLOSE, (uint64_t)fd, 0, NULL, NULL), 0);
	assert_int_equal(ask_path(h, PC_OPEN, "/pa/pub", O_WRONLY, 0), -EACCES);
	assert_int_equal(ask_path(h, PC_OPEN, "/pa/pub", O_RDWR, 0), -EACCES);
	assert_int_equal(ask_path(h, PC_OPEN, "/pa/pub", O_RDONLY | O_TRUNC, 0), -EACCES);
	assert_int_equal(ask_path(h, PC_OPEN, "/pa/pub", O_RDWR | O_CREAT, 0644), -EACCES);
	assert_int_equal(ask_path(h, PC_TRUNCATE, "/pa/pub", 0, 0), -EACCES);
	assert_int_equal(stat("/pa/pub", &st), 0);
	assert_int_equal(st.st_size, 6);
	/* The group's bits, through a supplementary group. */
	assert_int_equal(ask_path(h, PC_OPEN, "/pa/grp", O_RDONLY, 0), -EACCES);
	become(h, 1000, 1000, 1, grp);
	fd = ask_path(h, PC_OPEN, "/pa/grp", O_RDONLY, 0);
	assert_true(fd >= 0);
	assert_int_equal(ask(h, PC_CLOSE, (uint64_t)fd, 0, NULL, NULL), 0);
	assert_int_equal(ask_path(h, PC_OPEN, "/pa/grp", O_WRONLY, 0), -EACCES);
	/* Search permission on every directory of a path. */
	assert_int_equal(ask_path(h, PC_STAT, "/pa/closed/f", 0, 0), -EACCES);
	assert_int_equal(ask_path(h, PC_OPEN, "/pa/closed/f", O_RDONLY, 0), -EACCES);
	assert_int_equal(ask_path(h, PC_OPEN, "/pa/closed/../pub", O_RDONLY, 0), -EACCES);
	assert_int_equal(ask_path(h, PC_CHDIR, "/pa/closed", 0, 0), -EACCES);
	assert_int_equal(ask_path(h, PC_STAT, "/pa/closed", 0, 0), 0); /* the directory itself is in /pa */
	/* Search without read: names work, listing does not. */
	assert_int_equal(ask_path(h, PC_STAT, "/pa/noread/f", 0, 0), 0);
	assert_int_equal(ask_path(h, PC_OPEN, "/pa/noread", O_RDONLY | O_DIRECTORY, 0), -EACCES);
	/* Making and removing names needs write on the directory. */
	assert_int_equal(ask_path(h, PC_OPEN, "/pa/new", O_CREAT | O_WRONLY, 0644), -EACCES);
	assert_int_equal(ask_path(h, PC_MKDIR, "/pa/nd", 0755, 0), -EACCES);
	assert_int_equal(ask_path(h, PC_MKNOD, "/pa/fifo", S_IFIFO | 0600, 0), -EACCES);
	assert_int_equal(ask(h, PC_SYMLINK, 0, 0, "pub", "/pa/ln"), -EACCES);
	assert_int_equal(ask(h, PC_LINK, 0, 0, "/pa/pub", "/pa/hard"), -EACCES);
	assert_int_equal(ask_path(h, PC_UNLINK, "/pa/pub", 0, 0), -EACCES);
	assert_int_equal(ask_path(h, PC_RMDIR, "/pa/open", 0, 0), -EACCES);
	assert_int_equal(ask(h, PC_RENAME, 0, 0, "/pa/pub", "/pa/open/pub"), -EACCES);
	assert_int_equal(ask(h, PC_RENAME, 0, 0, "/pa/open", "/pa/open2"), -EACCES);
	assert_int_equal(ask_path(h, PC_UNLINK, "/pa/nothere", 0, 0), -ENOENT);
	assert_int_equal(ask_path(h, PC_MKDIR, "/pa/pub", 0755, 0), -EEXIST);
	/* In a directory open to all: files made belong to the maker. */
	fd = ask_path(h, PC_OPEN, "/pa/open/mine", O_CREAT | O_WRONLY, 0666);
	assert_true(fd >= 0);
	assert_int_equal(ask(h, PC_CLOSE, (uint64_t)fd, 0, NULL, NULL), 0);
	assert_int_equal(stat("/pa/open/mine", &st), 0);
	assert_int_equal(st.st_uid, 1000);
	assert_int_equal(st.st_gid, 1000);
	assert_int_equal(st.st_mode & 07777, 0644); /* the umask (022) still applies */
	assert_int_equal(ask_path(h, PC_MKDIR, "/pa/open/d", 0777, 0), 0);
	assert_int_equal(stat("/pa/open/d", &st), 0);
	assert_int_equal(st.st_uid, 1000);
	assert_int_equal(ask(h, PC_SYMLINK, 0, 0, "mine", "/pa/open/ln"), 0);
	assert_int_equal(ask(h, PC_LINK, 0, 0, "/pa/pub", "/pa/open/hard"), 0);
	assert_int_equal(ask_path(h, PC_MKNOD, "/pa/open/fifo", S_IFIFO | 0600, 0), 0);
	/* Devices only by root. */
	assert_int_equal(ask_path(h, PC_MKNOD, "/pa/open/null", S_IFCHR | 0666, makedev(1, 3)), -EPERM);
	assert_int_equal(ask(h, PC_RENAME, 0, 0, "/pa/open/mine", "/pa/open/mine2"), 0);
	assert_int_equal(ask_path(h, PC_UNLINK, "/pa/open/hard", 0, 0), 0);
	/* A directory moving to another parent needs write on itself (its ".."). */
	assert_int_equal(chmod("/pa/open/d", 0555), 0);
	make_dir("/pa/open/e", 0777);
	assert_int_equal(ask(h, PC_RENAME, 0, 0, "/pa/open/d", "/pa/open/e/d"), -EACCES);
	assert_int_equal(ask(h, PC_RENAME, 0, 0, "/pa/open/d", "/pa/open/d2"), 0);
	assert_int_equal(ask_path(h, PC_RMDIR, "/pa/open/d2", 0, 0), 0);
	/* chroot is root's. */
	assert_int_equal(ask_path(h, PC_CHROOT, "/pa/open", 0, 0), -EPERM);
	/* Root reads anything, searches anything, executes only what has an x bit. */
	assert_int_equal(chmod("/pa/secret", 0), 0);
	assert_int_equal(access("/pa/secret", R_OK | W_OK), 0);
	assert_int_equal(access("/pa/secret", X_OK), -1);
	assert_int_equal(errno, EACCES);
	assert_int_equal(chmod("/pa/secret", 0001), 0);
	assert_int_equal(access("/pa/secret", X_OK), 0);
	assert_int_equal(chmod("/pa/closed", 0), 0);
	assert_int_equal(access("/pa/closed/f", R_OK), 0);
	quit_helper(h);
}

static void test_mode_owner_and_times_belong_to_the_owner(void **state)
{
	static const uint32_t grp[1] = { 2000 };
	struct helper h;
	struct stat st;
	int64_t fd;

	(void)state;
	make_dir("/pb", 0777);
	put_file("/pb/roots", "r", 0644);
	put_file("/pb/rw", "w", 0666);
	h = spawn_helper();
	become(h, 1000, 1000, 1, grp);
	fd = ask_path(h, PC_OPEN, "/pb/mine", O_CREAT | O_WRONLY, 0644);
	assert_true(fd >= 0);
	assert_int_equal(ask(h, PC_CLOSE, (uint64_t)fd, 0, NULL, NULL), 0);
	/* chmod: the owner only. */
	assert_int_equal(ask_path(h, PC_CHMOD, "/pb/mine", 0600, 0), 0);
	assert_int_equal(ask_path(h, PC_CHMOD, "/pb/roots", 0666, 0), -EPERM);
	assert_int_equal(ask_path(h, PC_CHMOD, "/pb/rw", 0600, 0), -EPERM);
	/* Setgid stays for a group the owner is in, goes for another. */
	assert_int_equal(ask_path(h, PC_CHMOD, "/pb/mine", 02755, 0), 0);
	assert_int_equal(stat("/pb/mine", &st), 0);
	assert_int_equal(st.st_mode & 07777, 02755);
	assert_int_equal(chown("/pb/mine", (uid_t)-1, 4000), 0);
	assert_int_equal(ask_path(h, PC_CHMOD, "/pb/mine", 02755, 0), 0);
	assert_int_equal(stat("/pb/mine", &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	/* chown: root only, but an owner may pick one of its groups. */
	assert_int_equal(ask_path(h, PC_CHOWN, "/pb/mine", 0, (uint64_t)-1), -EPERM);
	assert_int_equal(ask_path(h, PC_CHOWN, "/pb/mine", 1001, (uint64_t)-1), -EPERM);
	assert_int_equal(ask_path(h, PC_CHOWN, "/pb/mine", (uint32_t)-1, 2000), 0);
	assert_int_equal(ask_path(h, PC_CHOWN, "/pb/mine", 1000, 1000), 0);
	assert_int_equal(ask_path(h, PC_CHOWN, "/pb/mine", (uint32_t)-1, 3000), -EPERM);
	assert_int_equal(ask_path(h, PC_CHOWN, "/pb/roots", (uint32_t)-1, 1000), -EPERM);
	assert_int_equal(stat("/pb/mine", &st), 0);
	assert_int_equal(st.st_uid, 1000);
	assert_int_equal(st.st_gid, 1000);
	/* An owner's chown of its setuid file drops the bit. */
	assert_int_equal(ask_path(h, PC_CHMOD, "/pb/mine", 04755, 0), 0);
	assert_int_equal(ask_path(h, PC_CHOWN, "/pb/mine", (uint32_t)-1, 2000), 0);
	assert_int_equal(stat("/pb/mine", &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	assert_int_equal(chown("/pb/mine", 1234, 5678), 0); /* root gives it anywhere */
	assert_int_equal(stat("/pb/mine", &st), 0);
	assert_int_equal(st.st_uid, 1234);
	assert_int_equal(st.st_gid, 5678);
	assert_int_equal(chown("/pb/mine", 1000, 1000), 0);
	/* Times: "now" needs owner or write permission, explicit times the owner. */
	assert_int_equal(ask_path(h, PC_UTIMES, "/pb/roots", 0, 0), -EACCES);
	assert_int_equal(ask_path(h, PC_UTIMES, "/pb/rw", 0, 0), 0);
	assert_int_equal(ask_path(h, PC_UTIMES, "/pb/rw", 1, 0), -EPERM);
	assert_int_equal(ask_path(h, PC_UTIMES, "/pb/mine", 1, 0), 0);
	assert_int_equal(stat("/pb/mine", &st), 0);
	assert_int_equal(st.st_mtime, 2);
	assert_int_equal(chmod("/pb/mine", 0), 0);
	assert_int_equal(ask_path(h, PC_UTIMES, "/pb/mine", 0, 0), 0); /* the owner needs no bits */
	quit_helper(h);
}

static void test_a_sticky_directory_keeps_others_from_removing_entries(void **state)
{
	struct helper h;
	struct stat st;
	int64_t fd;

	(void)state;
	make_dir("/pc", 01777);
	h = spawn_helper();
	become(h, 1000, 1000, 0, NULL);
	fd = ask_path(h, PC_OPEN, "/pc/a", O_CREAT | O_WRONLY, 0666);
	assert_true(fd >= 0);
	assert_int_equal(ask(h, PC_CLOSE, (uint64_t)fd, 0, NULL, NULL), 0);
	assert_int_equal(ask_path(h, PC_MKDIR, "/pc/d", 0777, 0), 0);
	fd = ask_path(h, PC_OPEN, "/pc/b", O_CREAT | O_WRONLY, 0666);
	assert_true(fd >= 0);
	assert_int_equal(ask(h, PC_CLOSE, (uint64_t)fd, 0, NULL, NULL), 0);
	/* Another user may write the file but not remove or rename it. */
	become(h, 1001, 1001, 0, NULL);
	assert_int_equal(ask_path(h, PC_UNLINK, "/pc/a", 0, 0), -EPERM);
	assert_int_equal(ask_path(h, PC_RMDIR, "/pc/d", 0, 0), -EPERM);
	assert_int_equal(ask(h, PC_RENAME, 0, 0, "/pc/a", "/pc/c"), -EPERM);
	fd = ask_path(h, PC_OPEN, "/pc/c", O_CREAT | O_WRONLY, 0666);
	assert_true(fd >= 0);
	assert_int_equal(ask(h, PC_CLOSE, (uint64_t)fd, 0, NULL, NULL), 0);
	assert_int_equal(ask(h, PC_RENAME, 0, 0, "/pc/c", "/pc/a"), -EPERM); /* over another's entry */
	fd = ask_path(h, PC_OPEN, "/pc/a", O_RDONLY, 0);
	assert_true(fd >= 0);
	assert_int_equal(ask(h, PC_CLOSE, (uint64_t)fd, 0, NULL, NULL), 0);
	/* The directory's owner may. */
	assert_int_equal(chown("/pc", 1001, 0), 0);
	assert_int_equal(ask_path(h, PC_UNLINK, "/pc/b", 0, 0), 0);
	assert_int_equal(chown("/pc", 0, 0), 0);
	/* The file's owner may. */
	become(h, 1000, 1000, 0, NULL);
	assert_int_equal(ask(h, PC_RENAME, 0, 0, "/pc/a", "/pc/a2"), 0);
	assert_int_equal(ask_path(h, PC_UNLINK, "/pc/a2", 0, 0), 0);
	assert_int_equal(ask_path(h, PC_RMDIR, "/pc/d", 0, 0), 0);
	assert_int_equal(ask_path(h, PC_UNLINK, "/pc/c", 0, 0), -EPERM);
	/* Root may. */
	assert_int_equal(unlink("/pc/c"), 0);
	assert_int_equal(stat("/dev/shm", &st), 0);
	assert_int_equal(st.st_mode & 07777, 01777); /* boot-time nodes keep their modes */
	assert_int_equal(st.st_uid, 0);
	quit_helper(h);
}

static void test_access_uses_real_ids_and_eaccess_effective_ones(void **state)
{
	struct helper h;

	(void)state;
	make_dir("/pd", 0755);
	put_file("/pd/f", "x", 0600);
	assert_int_equal(chown("/pd/f", 1000, 1000), 0);
	make_dir("/pd/only1000", 0700);
	assert_int_equal(chown("/pd/only1000", 1000, 1000), 0);
	put_file("/pd/only1000/g", "y", 0644);
	h = spawn_helper();
	/* Real 1000, effective 2000 (a set-uid program run by 1000). */
	assert_int_equal(setcred(h.space, 1000, 2000, 1000, 2000, 0, NULL), 0);
	assert_int_equal(ask_path(h, PC_ACCESS, "/pd/f", R_OK | W_OK, 0), 0);
	assert_int_equal(ask_path(h, PC_ACCESS, "/pd/f", R_OK, AT_EACCESS), -EACCES);
	assert_int_equal(ask_path(h, PC_OPEN, "/pd/f", O_RDONLY, 0), -EACCES);
	assert_int_equal(ask_path(h, PC_ACCESS, "/pd/f", X_OK, 0), -EACCES);
	/* The path's directories are searched with the real ids too. */
	assert_int_equal(ask_path(h, PC_ACCESS, "/pd/only1000/g", R_OK, 0), 0);
	assert_int_equal(ask_path(h, PC_ACCESS, "/pd/only1000/g", R_OK, AT_EACCESS), -EACCES);
	/* The other way round. */
	assert_int_equal(setcred(h.space, 2000, 1000, 2000, 1000, 0, NULL), 0);
	assert_int_equal(ask_path(h, PC_ACCESS, "/pd/f", R_OK, 0), -EACCES);
	assert_int_equal(ask_path(h, PC_ACCESS, "/pd/f", R_OK | W_OK, AT_EACCESS), 0);
	assert_int_equal(ask_path(h, PC_ACCESS, "/pd/f", F_OK, 0), 0);
	/* Real root, effective user: access says yes, open says no. */
	assert_int_equal(setcred(h.space, 0, 2000, 0, 2000, 0, NULL), 0);
	assert_int_equal(ask_path(h, PC_ACCESS, "/pd/f", R_OK, 0), 0);
	assert_int_equal(ask_path(h, PC_OPEN, "/pd/f", O_RDONLY, 0), -EACCES);
	quit_helper(h);
}

static void test_new_files_take_a_setgid_directorys_group(void **state)
{
	struct helper h;
	struct stat st;
	int64_t fd;

	(void)state;
	make_dir("/pe", 02777);
	assert_int_equal(chown("/pe", 0, 3000), 0);
	h = spawn_helper();
	become(h, 1000, 1000, 0, NULL);
	assert_int_equal(ask(h, PC_UMASK, 077, 0, NULL, NULL), 022);
	fd = ask_path(h, PC_OPEN, "/pe/f", O_CREAT | O_WRONLY, 0666);
	assert_true(fd >= 0);
	assert_int_equal(ask(h, PC_CLOSE, (uint64_t)fd, 0, NULL, NULL), 0);
	assert_int_equal(stat("/pe/f", &st), 0);
	assert_int_equal(st.st_uid, 1000);
	assert_int_equal(st.st_gid, 3000);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(ask_path(h, PC_MKDIR, "/pe/d", 0777, 0), 0);
	assert_int_equal(stat("/pe/d", &st), 0);
	assert_int_equal(st.st_gid, 3000);
	assert_int_equal(st.st_mode & 07777, 02700); /* subdirectories stay setgid */
	/* Outside it, the maker's own group. */
	make_dir("/pe2", 0777);
	assert_int_equal(ask_path(h, PC_MKDIR, "/pe2/d", 0777, 0), 0);
	assert_int_equal(stat("/pe2/d", &st), 0);
	assert_int_equal(st.st_gid, 1000);
	assert_int_equal(st.st_mode & 07777, 0700);
	quit_helper(h);
}

static void test_fork_shares_open_files_and_exec_closes_cloexec_ones(void **state)
{
	char buf[16] = { 0 };
	struct helper h, h2;
	struct stat st;
	int a, b, c, p[2];
	int64_t fd;

	(void)state;
	make_dir("/pf", 0777);
	put_file("/pf/file", "0123456789", 0644);
	put_file("/pf/secret", "s", 0600);
	a = open("/pf/file", O_RDWR);
	b = open("/pf/file", O_RDONLY | O_CLOEXEC);
	assert_true(a >= 0 && b >= 0);
	assert_int_equal(pipe2(p, O_NONBLOCK), 0);
	assert_int_equal(chdir("/pf"), 0);
	assert_int_equal(umask(027), 022);
	assert_int_equal(flock(a, LOCK_EX), 0);
	{
		struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };

		assert_int_equal(fcntl(a, F_SETLK, &fl), 0);
	}

	h = spawn_helper();
	assert_int_equal(vfs_fork(exo_my_space(), h.space), 0);
	assert_int_equal(chdir("/"), 0);
	assert_int_equal(umask(022), 027);
	/* The same open file description: one offset. */
	assert_int_equal(ask(h, PC_READ, (uint64_t)a, 4, NULL, NULL), 4);
	assert_string_equal(last_data, "0123");
	assert_int_equal(lseek(a, 0, SEEK_CUR), 4);
	assert_int_equal(read(a, buf, 2), 2);
	assert_memory_equal(buf, "45", 2);
	assert_int_equal(ask(h, PC_READ, (uint64_t)a, 4, NULL, NULL), 4);
	assert_string_equal(last_data, "6789");
	/* Status flags are shared too: the pipe's O_NONBLOCK. */
	assert_int_equal(ask(h, PC_READ, (uint64_t)p[0], 4, NULL, NULL), -EAGAIN);
	/* Close-on-exec flags are copied. */
	assert_int_equal(ask(h, PC_GETFD, (uint64_t)b, 0, NULL, NULL), FD_CLOEXEC);
	assert_int_equal(ask(h, PC_GETFD, (uint64_t)a, 0, NULL, NULL), 0);
	/* flock locks belong to the open file description, record locks do not pass. */
	assert_int_equal(ask(h, PC_FLOCK, (uint64_t)a, LOCK_EX | LOCK_NB, NULL, NULL), 0);
	assert_int_equal(ask(h, PC_SETLK, (uint64_t)a, F_WRLCK, NULL, NULL), -EAGAIN);
	/* The working directory and the umask come along. */
	assert_int_equal(ask_path(h, PC_STAT, "file", 0, 0), 0);
	fd = ask_path(h, PC_OPEN, "made", O_CREAT | O_WRONLY, 0666);
	assert_true(fd >= 0);
	assert_int_equal(stat("/pf/made", &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	/* A pipe's write end held by both: end of file only after both close. */
	assert_int_equal(close(p[1]), 0);
	assert_int_equal(read(p[0], buf, 4), -1);
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(ask(h, PC_WRITE, (uint64_t)p[1], 0, "hi", NULL), 2);
	assert_int_equal(read(p[0], buf, 4), 2);
	assert_int_equal(ask(h, PC_CLOSE, (uint64_t)p[1], 0, NULL, NULL), 0);
	assert_int_equal(read(p[0], buf, 4), 0);
	/* exec: the close-on-exec descriptors go, the others stay. */
	assert_int_equal(ask_raw(h, VFS_EXEC, 0, 0, 0), 0);
	assert_int_equal(ask(h, PC_GETFD, (uint64_t)b, 0, NULL, NULL), -EBADF);
	assert_int_equal(ask(h, PC_GETFD, (uint64_t)a, 0, NULL, NULL), 0);
	assert_int_equal(ask(h, PC_GETFD, (uint64_t)fd, 0, NULL, NULL), 0);
	assert_int_equal(fcntl(b, F_GETFD), FD_CLOEXEC); /* the parent's are its own */

	/* Credentials come along: an unprivileged helper's child is unprivileged. */
	become(h, 1000, 1000, 0, NULL);
	h2 = spawn_helper();
	assert_int_equal(vfs_fork(h.space, h2.space), 0);
	assert_int_equal(ask_path(h2, PC_OPEN, "/pf/secret", O_RDONLY, 0), -EACCES);
	assert_int_equal(ask(h2, PC_TELL, (uint64_t)a, 0, NULL, NULL), 10);
	/* The parent's close leaves the description, and its flock lock, to the others. */
	c = open("/pf/file", O_RDONLY);
	assert_true(c >= 0);
	assert_int_equal(close(a), 0);
	assert_int_equal(flock(c, LOCK_EX | LOCK_NB), -1);
	assert_int_equal(errno, EWOULDBLOCK);
	/* A table forked again is replaced, closing what it had: the last reference goes. */
	assert_int_equal(ask(h, PC_CLOSE, (uint64_t)a, 0, NULL, NULL), 0);
	assert_int_equal(vfs_fork(h.space, h2.space), 0);
	assert_int_equal(ask(h2, PC_GETFD, (uint64_t)a, 0, NULL, NULL), -EBADF);
	assert_int_equal(flock(c, LOCK_EX | LOCK_NB), 0);
	assert_int_equal(flock(c, LOCK_UN), 0);
	assert_int_equal(close(c), 0);
	/* From a space the VFS never met: a new space's table, root again. */
	assert_int_equal(ask(h2, PC_GETFD, (uint64_t)fd, 0, NULL, NULL), 0);
	assert_int_equal(vfs_fork(0x7ffffff0u, h2.space), 0);
	assert_int_equal(ask(h2, PC_GETFD, (uint64_t)fd, 0, NULL, NULL), -EBADF);
	fd = ask_path(h2, PC_OPEN, "/pf/secret", O_RDONLY, 0);
	assert_true(fd >= 0);
	quit_helper(h);
	quit_helper(h2);
	assert_int_equal(close(b), 0);
	assert_int_equal(close(p[0]), 0);
}

static void *setcred_from_another_thread(void *arg)
{
	uint64_t in[6] = { exo_my_space(), 0, 0, 0, 0, 0 }, fin[2] = { 1, 2 };
	uintptr_t bad = 0;

	(void)arg;
	if (vfs_req(VFS_SETCRED, 6, in, NULL, 0) != XE_EPERM)
		bad |= 1;
	if (vfs_req(VFS_FORK, 2, fin, NULL, 0) != XE_EPERM)
		bad |= 2;
	return (void *)bad;
}

static void test_only_the_process_server_forks_tables_and_sets_credentials(void **state)
{
	struct helper h;
	struct t_thread t;
	void *res;

	(void)state;
	h = spawn_helper();
	assert_int_equal(ask_raw(h, VFS_FORK, 2, exo_my_space(), h.space), XE_EPERM);
	assert_int_equal(ask_raw(h, VFS_SETCRED, 2, h.space, 0), XE_EINVAL); /* too few words */
	{
		exo_msg_t m = { 0 };

		/* All six words, from the helper: still not the process server. */
		m.mr[0] = VFS_SETCRED;
		m.mr[1] = h.space;
		m.tag = exo_tag(PC_VFS_RAW, 7, 0);
		assert_int_equal(exo_call(h.tid, &m, exo_timeout_ms(30000), exo_timeout_ms(30000)), EXO_OK);
		assert_int_equal(m.mr[0], XE_EPERM);
	}
	assert_int_equal(t_thread_start(&t, setcred_from_another_thread, NULL), 0);
	assert_int_equal(t_thread_join(&t, &res), 0);
	assert_int_equal((uintptr_t)res, 0);
	quit_helper(h);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_an_unprivileged_space_gets_only_what_the_bits_allow),
		cmocka_unit_test(test_mode_owner_and_times_belong_to_the_owner),
		cmocka_unit_test(test_a_sticky_directory_keeps_others_from_removing_entries),
		cmocka_unit_test(test_access_uses_real_ids_and_eaccess_effective_ones),
		cmocka_unit_test(test_new_files_take_a_setgid_directorys_group),
		cmocka_unit_test(test_fork_shares_open_files_and_exec_closes_cloexec_ones),
		cmocka_unit_test(test_only_the_process_server_forks_tables_and_sets_credentials),
	};

	exo_init_args(&argc, argv);
	if (argc < 2) {
		fprintf(stderr, "usage: perms PERMS_CHILD_PATH [FILTER]\n");
		return 2;
	}
	child_path = argv[1];
	if (argc > 2)
		cmocka_set_test_filter(argv[2]);
	/* The boot has no process server: this thread is "proc" for the VFS. */
	if (exo_register(VFS_PROC_NAME) != EXO_OK) {
		fprintf(stderr, "perms: cannot register %s\n", VFS_PROC_NAME);
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
