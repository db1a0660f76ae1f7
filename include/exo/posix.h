/*
 * exo/posix.h — what libposix offers beyond POSIX: Exo's own calls for the
 * programs of the system (init, ps).
 */
#ifndef EXO_POSIX_H
#define EXO_POSIX_H

#include <exo/fs.h>
#include <exo/ipc.h>
#include <exo/proc.h>

/*
 * Become init (pid 1): orphans come to the caller to be reaped. Only one
 * process may be init, and only before it has children. 0 or -1 (EBUSY).
 */
int exo_become_init(void);

/* Up to max entries of the process table (exo/proc.h); the count, or -1. */
int exo_ps(struct proc_info *out, int max);

/*
 * Mounts (docs/files.md): attach the file system server registered as
 * server_name (exo/fs.h; tmpfs is one) at the directory path, or detach
 * what is mounted at path. Root only (EPERM); EBUSY for a directory in use
 * or a mount in use, ENODEV when no server has that name. 0 or -1.
 */
#define EXO_MOUNT_RDONLY FSM_RDONLY
int exo_fs_mount(const char *server_name, const char *path, unsigned flags);
int exo_fs_unmount(const char *path);

/* One entry of the mount table: the first is the VFS's own root ("vfs" on "/"). */
struct exo_mount {
	char server[EXO_NAME_MAX + 1];
	char path[VFS_PATH_MAX + 1];  /* as the caller sees it (its root, chroot) */
	unsigned flags;               /* EXO_MOUNT_* */
	unsigned long dev;            /* st_dev of the files there */
};
/* Up to max entries of the mount table, oldest first; the count, or -1. */
int exo_mounts(struct exo_mount *out, int max);

#endif
