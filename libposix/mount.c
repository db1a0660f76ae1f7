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

#include "px.h"

int exo_fs_mount(const char *server_name, const char *path, unsigned flags)
{
	uint64_t in[1] = { flags };
	exo_msg_t m;
	int r;

	if (!server_name || !path)
		return px_fail(-XE_EFAULT);
	if (strlen(server_name) > EXO_NAME_MAX)
		return px_fail(-XE_ENAMETOOLONG);
	r = px_vfs_call(VFS_MOUNT, 1, in, path, strlen(path), server_name, NULL, 0, &m, NULL);
	return r < 0 ? px_fail(r) : 0;
}

int exo_fs_unmount(const char *path)
{
	exo_msg_t m;
	int r;

	if (!path)
		return px_fail(-XE_EFAULT);
	r = px_vfs_call(VFS_UNMOUNT, 0, NULL, path, strlen(path), NULL, NULL, 0, &m, NULL);
	return r < 0 ? px_fail(r) : 0;
}

int exo_mounts(struct exo_mount *out, int max)
{
	static char buf[EXO_NAME_MAX + 1 + VFS_PATH_MAX + 1];
	int n = 0;

	if (max < 0 || (max > 0 && !out))
		return px_fail(-XE_EINVAL);
	while (n < max) {
		uint64_t in[1] = { (uint64_t)n };
		size_t len = 0, name;
		exo_msg_t m;
		int r = px_vfs_call(VFS_MOUNTS, 1, in, NULL, 0, NULL, buf, sizeof(buf) - 1, &m, &len);

		if (r == -XE_ENOENT)
			break;
		if (r < 0)
			return px_fail(r);
		buf[len] = 0;
		name = strnlen(buf, len);
		if (name == len || name > EXO_NAME_MAX || len - name - 1 > VFS_PATH_MAX)
			return px_fail(-XE_EIO);
		memcpy(out[n].server, buf, name + 1);
		memcpy(out[n].path, buf + name + 1, len - name);
		out[n].flags = (unsigned)m.mr[0];
		out[n].dev = (unsigned long)m.mr[1];
		n++;
	}
	return n;
}
