/*
 * libposix/mount.c — the mount table's calls (exo/posix.h): exo_fs_mount,
 * exo_fs_unmount and exo_mounts, each a request to the VFS (VFS_MOUNT,
 * VFS_UNMOUNT, VFS_MOUNTS).
 */
#include <errno.h>
#include <string.h>

#include <exo/errno.h>
#include <exo/posix.h>
#include <exo/vfs.h>
#include "vfs_proto.h"

#include "px.h"

int exo_fs_mount(const char *server_name, const char *path, unsigned flags)
{
	struct vfs_mount_in in = { .flags = flags };
	int r;

	if (!server_name || !path)
		return px_fail(-XE_EFAULT);
	if (strlen(server_name) > EXO_NAME_MAX)
		return px_fail(-XE_ENAMETOOLONG);
	in.path = path;
	in.path_len = (uint32_t)strlen(path);
	in.server = server_name;
	in.server_len = (uint32_t)strlen(server_name);
	r = vfs_call_mount(px_vfs, &in);
	return r < 0 ? px_fail(r) : 0;
}

int exo_fs_unmount(const char *path)
{
	int r;

	if (!path)
		return px_fail(-XE_EFAULT);
	r = vfs_call_unmount(px_vfs, &(struct vfs_unmount_in){ .path = path, .path_len = (uint32_t)strlen(path) });
	return r < 0 ? px_fail(r) : 0;
}

int exo_mounts(struct exo_mount *out, int max)
{
	static char buf[EXO_NAME_MAX + 1 + VFS_PATH_MAX + 1];
	int n = 0;

	if (max < 0 || (max > 0 && !out))
		return px_fail(-XE_EINVAL);
	while (n < max) {
		struct vfs_mounts_out m = { .info = buf, .info_len = sizeof(buf) - 1 };
		size_t len, name;
		int r = vfs_call_mounts(px_vfs, &(struct vfs_mounts_in){ .index = (uint64_t)n }, &m);

		if (r == -XE_ENOENT)
			break;
		if (r < 0)
			return px_fail(r);
		len = m.info_len;
		buf[len] = 0;
		name = strnlen(buf, len);
		if (name == len || name > EXO_NAME_MAX || len - name - 1 > VFS_PATH_MAX)
			return px_fail(-XE_EIO);
		memcpy(out[n].server, buf, name + 1);
		memcpy(out[n].path, buf + name + 1, len - name);
		out[n].flags = (unsigned)m.flags;
		out[n].dev = (unsigned long)m.dev;
		n++;
	}
	return n;
}
