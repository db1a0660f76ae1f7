/*
 * tests/integration/perms_child.c — the second space of the `perms` test:
 * `perms_child NAME` registers NAME and does, through libposix, whatever
 * file call it is asked, answering with the result and errno. The test sets
 * this space's credentials (it is the process server there) and asserts on
 * what came back, so every assertion stays in the test.
 *
 * A request: label PC_*, mr[0..3] numbers, up to two strings (paths or
 * data). The answer: label 0, mr[0] the call's result, mr[1] errno (0 on
 * success), mr[2..4] more (stat: uid, gid, mode), and data for PC_READ.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <exo/exo.h>
#include <exo/vfs.h>
#include "vfs_proto.h"

#include "perms_child.h"

static char s1[VFS_PATH_MAX + 1], s2[VFS_PATH_MAX + 1], out[4096];

/* A raw request to the VFS (the calls libposix has no name for): its reply label. */
static int64_t vfs_raw(uint32_t op, unsigned n, const uint64_t *in)
{
	exo_msg_t m = { 0 };
	exo_tid_t vfs;

	if (exo_lookup(VFS_NAME, &vfs, exo_timeout_ms(30000)) != EXO_OK)
		return -1;
	memcpy(m.mr, in, n * sizeof(uint64_t));
	m.tag = exo_tag(op, n, 0);
	if (exo_call(vfs, &m, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER) != EXO_OK)
		return -1;
	return exo_tag_label(m.tag);
}

static int64_t serve(exo_msg_t *m, const char *p1, const char *p2, uint64_t *extra, size_t *out_len)
{
	uint64_t a = m->mr[0], b = m->mr[1];
	struct timespec ts[2] = { { 1, 0 }, { 2, 0 } };
	struct flock fl = { 0 };
	struct stat st;
	int64_t r;

	switch (exo_tag_label(m->tag)) {
	case PC_SPACE:
		return exo_my_space();
	case PC_OPEN:
		return open(p1, (int)a, (mode_t)b);
	case PC_CLOSE:
		return close((int)a);
	case PC_READ:
		r = read((int)a, out, b < sizeof(out) ? b : sizeof(out));
		*out_len = r > 0 ? (size_t)r : 0;
		return r;
	case PC_WRITE:
		return write((int)a, p1, strlen(p1));
	case PC_TELL:
		return lseek((int)a, 0, SEEK_CUR);
	case PC_GETFD:
		return fcntl((int)a, F_GETFD);
	case PC_SETLK:
		fl.l_type = (short)b;
		fl.l_whence = SEEK_SET;
		return fcntl((int)a, F_SETLK, &fl);
	case PC_FLOCK:
		return flock((int)a, (int)b);
	case PC_STAT:
		r = stat(p1, &st);
		extra[0] = st.st_uid;
		extra[1] = st.st_gid;
		extra[2] = st.st_mode;
		return r;
	case PC_MKDIR:
		return mkdir(p1, (mode_t)a);
	case PC_RMDIR:
		return rmdir(p1);
	case PC_UNLINK:
		return unlink(p1);
	case PC_RENAME:
		return rename(p1, p2);
	case PC_LINK:
		return link(p1, p2);
	case PC_SYMLINK:
		return symlink(p1, p2);
	case PC_MKNOD:
		return mknod(p1, (mode_t)a, (dev_t)b);
	case PC_CHDIR:
		return chdir(p1);
	case PC_CHMOD:
		return chmod(p1, (mode_t)a);
	case PC_CHOWN:
		return chown(p1, (uid_t)a, (gid_t)b);
	case PC_ACCESS:
		return faccessat(AT_FDCWD, p1, (int)a, (int)b);
	case PC_UTIMES:
		return utimensat(AT_FDCWD, p1, a ? ts : NULL, 0);
	case PC_TRUNCATE:
		return truncate(p1, (off_t)a);
	case PC_UMASK:
		return umask((mode_t)a);
	case PC_CHROOT:
		return chroot(p1);
	case PC_VFS_RAW:
		/* mr[0]: the operation; mr[1..]: its words. Answers the reply label. */
		return vfs_raw((uint32_t)a, exo_tag_untyped(m->tag) - 1, &m->mr[1]);
	default:
		errno = ENOSYS;
		return -1;
	}
}

int main(int argc, char **argv)
{
	exo_tid_t from = EXO_NILTHREAD, to = EXO_NILTHREAD;
	exo_msg_t m;

	exo_init_args(&argc, argv);
	if (argc < 2 || exo_register(argv[1]) != EXO_OK)
		return 2;
	memset(&m, 0, sizeof(m));
	for (;;) {
		uint64_t extra[3] = { 0 };
		const char *p1 = NULL, *p2 = NULL;
		unsigned u, t, k = 0;
		size_t out_len = 0;
		bool quit;
		int64_t r;

		m.nbr = 0;
		exo_msg_accept_string(&m, s1, VFS_PATH_MAX);
		exo_msg_accept_string(&m, s2, VFS_PATH_MAX);
		if (exo_reply_wait(to, &m, EXO_TIMEOUT_NEVER, &from, NULL) != EXO_OK) {
			to = EXO_NILTHREAD;
			continue;
		}
		u = exo_tag_untyped(m.tag);
		t = exo_tag_typed(m.tag);
		for (unsigned i = u; i + 1 < u + t; i += EXO_ITEM_WORDS, k++) {
			char *p = (char *)(uintptr_t)m.mr[i + 1];

			p[exo_string_len(m.mr[i])] = 0;
			if (k == 0)
				p1 = p;
			else
				p2 = p;
		}
		quit = exo_tag_label(m.tag) == PC_QUIT;
		errno = 0;
		r = quit ? 0 : serve(&m, p1 ? p1 : "", p2 ? p2 : "", extra, &out_len);
		m.mr[0] = (uint64_t)r;
		m.mr[1] = r < 0 ? (uint64_t)errno : 0;
		memcpy(&m.mr[2], extra, sizeof(extra));
		if (out_len) {
			exo_msg_put_string(&m, 5, out, (uint32_t)out_len);
			m.tag = exo_tag(0, 5, 2);
		} else {
			m.tag = exo_tag(0, 5, 0);
		}
		if (quit) {
			exo_reply(from, &m);
			return 0;
		}
		to = from;
	}
}
