/*
 * servers/tmpfs/main.c — tmpfs, a file system server in memory: one tree of
 * directories, regular files, symbolic and hard links, FIFOs and device
 * nodes, served to the VFS by the file system protocol (exo/fs.h) once the
 * VFS mounts it (VFS_MOUNT, exo_fs_mount(), `mount NAME PATH`).
 *
 *   tmpfs NAME [--size BYTES] [--any-client]
 *
 * NAME is the name it registers (what a mount names). --size limits the
 * file data it holds (default 64 MiB; ENOSPC past it). Only the VFS may
 * call it (XE_EPERM for anyone else): the VFS checks permissions, so a
 * client talking to tmpfs directly would bypass them. --any-client lifts
 * that, for tests that speak the protocol themselves.
 *
 * One thread, one loop: receive a request, answer it, receive the next.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <exo/errno.h>

#include "tmpfs.h"

static uint8_t in1[EXO_STRING_MAX + 1], in2[VFS_PATH_MAX + 2];
static char scratch[EXO_STRING_MAX];

/* Whether `from` is the VFS (looked up again when it does not match: it may have restarted). */
static bool from_vfs(exo_tid_t from)
{
	static exo_tid_t vfs = EXO_NILTHREAD;

	if (from != EXO_NILTHREAD && from == vfs)
		return true;
	if (exo_lookup(VFS_NAME, &vfs, EXO_TIMEOUT_ZERO) != EXO_OK)
		vfs = EXO_NILTHREAD;
	return vfs != EXO_NILTHREAD && from == vfs;
}

/*
 * NUL-terminate the request's string items in place (the buffers have a
 * byte to spare): the handlers compare and store names as C strings.
 */
static void terminate_strings(exo_msg_t *m)
{
	char *p[2];
	uint32_t len[2];

	exo_msg_strings(m, p, len, 2, 1);
}

static void usage(void)
{
	fprintf(stderr, "usage: tmpfs NAME [--size BYTES] [--any-client]\n");
}

int main(int argc, char **argv)
{
	static struct tmpfs t;
	exo_tid_t to = EXO_NILTHREAD, from;
	const char *name = NULL;
	bool any_client = false;
	exo_msg_t m;

	exo_init_args(&argc, argv);
	t.max_bytes = 64ull << 20;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--size") == 0 && i + 1 < argc) {
			char *end;

			t.max_bytes = strtoull(argv[++i], &end, 0);
			if (*end || t.max_bytes == 0) {
				usage();
				return 2;
			}
		} else if (strcmp(argv[i], "--any-client") == 0) {
			any_client = true;
		} else if (!name && argv[i][0] != '-') {
			name = argv[i];
		} else {
			usage();
			return 2;
		}
	}
	if (!name || strlen(name) > EXO_NAME_MAX) {
		usage();
		return 2;
	}
	t.root = tnode_new(&t, VS_IFDIR | 01777, 0, 0); /* like /tmp: anyone makes, owners remove */
	if (!t.root)
		return 1;
	t.root->nlink = 2;
	if (exo_register(name) != EXO_OK) {
		fprintf(stderr, "tmpfs: cannot register %s\n", name);
		return 1;
	}
	memset(&m, 0, sizeof(m));
	for (;;) {
		struct treq r = { .t = &t, .buf = scratch };

		m.nbr = 0;
		m.rcv_window = EXO_FPAGE_NIL;
		exo_msg_accept_string(&m, in1, EXO_STRING_MAX);
		exo_msg_accept_string(&m, in2, VFS_PATH_MAX + 1);
		if (exo_reply_wait(to, &m, EXO_TIMEOUT_NEVER, &from, NULL) != EXO_OK) {
			to = EXO_NILTHREAD;
			continue;
		}
		to = EXO_NILTHREAD;
		if (exo_is_kernel_notice(from, &m))
			continue;
		to = from;
		if (!any_client && !from_vfs(from)) {
			m.tag = exo_tag(XE_EPERM, 0, 0);
			continue;
		}
		terminate_strings(&m);
		tmpfs_dispatch(&r, &m, from);
	}
}
