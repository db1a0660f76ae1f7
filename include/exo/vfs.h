/*
 * exo/vfs.h — the VFS server's protocol: paths, descriptors, files.
 *
 * The VFS ("vfs") resolves paths, keeps each space's descriptor table and
 * open file descriptions, and serves the file systems mounted in it (the
 * built-in ramfs at /). A request is a call labelled VFS_<OP>; the reply's
 * label is 0 on success or an XE_* errno (exo/errno.h). Paths and data move
 * as string items: a path is the request's first string item (at most
 * VFS_PATH_MAX bytes, no NUL needed); file data is a string item of at most
 * EXO_STRING_MAX bytes each way (a larger read or write is several calls).
 *
 * Flags, modes, the stat layout and directory entries on the wire are Exo's
 * own (below); libposix translates them to its C library's.
 */
#ifndef EXO_VFS_H
#define EXO_VFS_H

#include <exo/msg.h>

#define VFS_NAME "vfs"
#define VFS_PATH_MAX 4096
#define VFS_NAME_MAX 255
#define VFS_FD_MAX 256          /* descriptors per space */
#define VFS_DIRENT_BUF 8192     /* a GETDENTS reply: offer a buffer this big */

/* Open flags on the wire. */
#define VO_RDONLY 0x0u
#define VO_WRONLY 0x1u
#define VO_RDWR 0x2u
#define VO_ACCMODE 0x3u
#define VO_CREAT 0x10u
#define VO_EXCL 0x20u
#define VO_TRUNC 0x40u
#define VO_APPEND 0x80u
#define VO_DIRECTORY 0x100u
#define VO_NONBLOCK 0x200u
#define VO_CLOEXEC 0x400u
#define VO_NOFOLLOW 0x800u
#define VO_KNOWN 0xff3u

/* File types and permission bits on the wire (the traditional values). */
#define VS_IFMT 0170000u
#define VS_IFDIR 0040000u
#define VS_IFREG 0100000u
#define VS_IFCHR 0020000u
#define VS_IFIFO 0010000u
#define VS_IFLNK 0120000u

/* Pipes: writes up to VFS_PIPE_BUF bytes are atomic; a pipe holds VFS_PIPE_CAP. */
#define VFS_PIPE_BUF 4096
#define VFS_PIPE_CAP (64u * 1024u)
#define VS_PERM 07777u
#define VS_ISUID 04000u
#define VS_ISGID 02000u          /* on a directory: new entries take its group */
#define VS_ISVTX 01000u          /* on a directory: only owners remove entries */

/* Ownership left as it is (chown), times set to now or left (utimens). */
#define VID_KEEP 0xffffffffu
#define VUT_NOW 0xffffffffffffffffull
#define VUT_OMIT 0xfffffffffffffffeull

/* MMAP kinds: the device reads as zeros (map anonymous memory). */
#define VMAP_ZERO 0x1u

/* access() bits. VACC_EFFECTIVE (AT_EACCESS): check with the effective ids. */
#define VACC_R 4u
#define VACC_W 2u
#define VACC_X 1u
#define VACC_EFFECTIVE 8u

/*
 * Credentials (SETCRED). Spaces nobody set credentials for are the
 * superuser: uid 0, gid 0, no supplementary groups. A SETCRED request's
 * string item holds `ngroups` uint32 gids. Only the thread registered as
 * VFS_PROC_NAME (the process server) may call FORK and SETCRED.
 */
#define VFS_PROC_NAME "proc"
#define VFS_NGROUPS_MAX 32

/* lseek whence. */
#define VSEEK_SET 0
#define VSEEK_CUR 1
#define VSEEK_END 2

/*
 * The stat reply: registers mr[0..VST_WORDS-1]. VST_RDEV of a device is
 * major << 8 | minor: 1/3 null, 1/5 zero, 1/7 full, 1/8 random, 1/9
 * urandom, 5/1 the console (a
 * terminal; isatty looks for VS_IFCHR with major 5 or 4), 250/0 the boot
 * image (/dev/initrd).
 */
#define VDEV_NULL_RDEV 0x103u
#define VDEV_ZERO_RDEV 0x105u
#define VDEV_FULL_RDEV 0x107u
#define VDEV_CONSOLE_RDEV 0x501u
#define VDEV_RANDOM_RDEV 0x108u
#define VDEV_URANDOM_RDEV 0x109u
#define VDEV_INITRD_RDEV 0xfa00u /* 250, 0: majors 4 and 5 are terminals to libposix */
enum vfs_stat_word {
	VST_DEV, VST_INO, VST_MODE, VST_NLINK, VST_UID, VST_GID, VST_SIZE, VST_BLOCKS,
	VST_ATIME_NS, VST_MTIME_NS, VST_CTIME_NS, VST_RDEV, VST_WORDS
};

/*
 * A directory entry in a GETDENTS reply's string item: 8-byte aligned
 * records of { uint64 ino; uint64 next cookie; uint16 reclen; uint8 type;
 * char name[]; NUL }.
 */
struct vfs_dirent {
	uint64_t ino;
	uint64_t next;
	uint16_t reclen;
	uint8_t type;            /* VS_IFDIR >> 12, VS_IFREG >> 12 */
	char name[];
};

/* poll/select on the wire: one entry per descriptor asked about. */
struct vfs_pollfd {
	int32_t fd;              /* negative: ignored (revents 0) */
	uint16_t events;
	uint16_t revents;
};
#define VP_IN 0x1u
#define VP_PRI 0x2u
#define VP_OUT 0x4u
#define VP_ERR 0x8u              /* revents only, always reported */
#define VP_HUP 0x10u             /* revents only, always reported */
#define VP_NVAL 0x20u            /* revents only: not an open descriptor */
#define VPOLL_MAX 1024u          /* entries in one request */
#define VPOLL_FOREVER UINT64_MAX

/* Record locks (fcntl) and whole-file locks (flock). */
#define VLK_GET 0u
#define VLK_SET 1u
#define VLK_SETW 2u
#define VLK_UNLCK 0u
#define VLK_RDLCK 1u
#define VLK_WRLCK 2u
#define VFL_SH 1u
#define VFL_EX 2u
#define VFL_UN 3u

/*
 * The operations: X(name, number, in-words, out-words). "path" means the
 * first string item; "data" a string item of file data.
 */
#define VFS_OPS(X)                                                                        \
	/* in: flags, mode; path. out: fd */                                              \
	X(OPEN, 1, 2, 1)                                                                   \
	/* in: fd */                                                                       \
	X(CLOSE, 2, 1, 0)                                                                  \
	/* in: fd, count. out: bytes; data (offer a buffer) */                             \
	X(READ, 3, 2, 1)                                                                   \
	/* in: fd; data. out: bytes */                                                     \
	X(WRITE, 4, 1, 1)                                                                  \
	/* in: fd, count, offset. out: bytes; data */                                      \
	X(PREAD, 5, 3, 1)                                                                  \
	/* in: fd, offset; data. out: bytes */                                             \
	X(PWRITE, 6, 2, 1)                                                                 \
	/* in: fd, offset (signed), whence. out: new offset */                             \
	X(LSEEK, 7, 3, 1)                                                                  \
	/* in: fd. out: stat words */                                                      \
	X(FSTAT, 8, 1, VST_WORDS)                                                          \
	/* path. out: stat words */                                                        \
	X(STAT, 9, 0, VST_WORDS)                                                           \
	/* in: mode; path */                                                               \
	X(MKDIR, 10, 1, 0)                                                                 \
	/* path */                                                                         \
	X(RMDIR, 11, 0, 0)                                                                 \
	/* path */                                                                         \
	X(UNLINK, 12, 0, 0)                                                                \
	/* in: fd, lowest new fd (DUP), cloexec. out: new fd */                            \
	X(DUP, 13, 3, 1)                                                                   \
	/* in: fd, new fd. out: new fd */                                                  \
	X(DUP2, 14, 2, 1)                                                                  \
	/* out: data (the path) */                                                         \
	X(GETCWD, 15, 0, 0)                                                                \
	/* path */                                                                         \
	X(CHDIR, 16, 0, 0)                                                                 \
	/* in: fd, cookie. out: next cookie (0: end); data (entries) */                    \
	X(GETDENTS, 17, 2, 1)                                                              \
	/* in: fd, length */                                                               \
	X(FTRUNCATE, 18, 2, 0)                                                             \
	/* two paths: from, to */                                                          \
	X(RENAME, 19, 0, 0)                                                                \
	/* in: fd. out: fd flags (VO_CLOEXEC), status flags */                             \
	X(GETFL, 20, 1, 2)                                                                 \
	/* in: fd, fd flags, status flags (VO_APPEND | VO_NONBLOCK) */                     \
	X(SETFL, 21, 3, 0)                                                                 \
	/* in: flags (VO_CLOEXEC | VO_NONBLOCK). out: read fd, write fd. A read of   \
	 * an empty pipe, or a write to a full one, is answered when it can be. */     \
	X(PIPE, 22, 1, 2)                                                                  \
	/* path (not followed at the end). out: stat words */                            \
	X(LSTAT, 23, 0, VST_WORDS)                                                         \
	/* two strings: the link's path, its target */                                    \
	X(SYMLINK, 24, 0, 0)                                                               \
	/* path. out: data (the target) */                                                \
	X(READLINK, 25, 0, 0)                                                              \
	/* two paths: existing, new name */                                               \
	X(LINK, 26, 0, 0)                                                                  \
	/* in: mode, follow; path */                                                      \
	X(CHMOD, 27, 2, 0)                                                                 \
	/* in: fd, mode */                                                                \
	X(FCHMOD, 28, 2, 0)                                                                \
	/* in: uid, gid (VID_KEEP: unchanged), follow; path */                            \
	X(CHOWN, 29, 3, 0)                                                                 \
	/* in: fd, uid, gid */                                                            \
	X(FCHOWN, 30, 3, 0)                                                                \
	/* in: atime ns, mtime ns (VUT_NOW, VUT_OMIT), follow; path */                    \
	X(UTIMENS, 31, 3, 0)                                                               \
	/* in: fd, atime ns, mtime ns */                                                  \
	X(FUTIMENS, 32, 3, 0)                                                              \
	/* in: new mask. out: the old one (applied to modes of files made) */            \
	X(UMASK, 33, 1, 1)                                                                 \
	/* in: access bits (VACC_R | VACC_W | VACC_X, 0: exists); path */                \
	X(ACCESS, 34, 1, 0)                                                                \
	/* in: fd, writable shared (1: MAP_SHARED with PROT_WRITE). out: memory-server \
	 * object id (0: none, a private copy only), size, VMAP_* kind. The object   \
	 * is shared with the caller's space (exo/memory.h, MEM_SHM_SHARE). */        \
	X(MMAP, 35, 2, 3)                                                                  \
	/* in: fd. out: device server (a thread id), read handle, write handle, rdev; \
	 * ENOTTY when the descriptor is not on a device server (termios, ioctl). */  \
	X(DEVICE, 36, 1, 4)                                                                \
	/* in: mode (VS_IFIFO, VS_IFREG or VS_IFCHR | permissions), rdev; path */       \
	X(MKNOD, 37, 2, 0)                                                                 \
	/* path. out: data (the absolute path, every link followed) */                   \
	X(REALPATH, 38, 0, 0)                                                              \
	/* path: the caller's root becomes that directory */                             \
	X(CHROOT, 39, 0, 0)                                                                \
	/* in: entries, timeout ns (VPOLL_FOREVER: none); data: struct vfs_pollfd[]. \
	 * out: entries ready; data: the same array with revents. Answered when one  \
	 * is ready or the timeout passes (deferred: other clients go on). */          \
	X(POLL, 40, 2, 1)                                                                  \
	/* in: fd, command (VLK_GET/SET/SETW), type (VLK_*LCK), whence, start, length \
	 * (signed). out (GET): type, start, length, owner space. SETW that must wait \
	 * is answered when the lock is taken (or EDEADLK). */                            \
	X(LOCK, 41, 6, 4)                                                                  \
	/* in: fd, operation (VFL_SH/EX/UN), non-blocking */                             \
	X(FLOCK, 42, 3, 0)                                                                 \
	/* process server only (EPERM for others). in: parent space, child space. The  \
	 * child's table becomes a copy of the parent's (what it had is closed): each \
	 * descriptor shares the parent's open file description (offset, status      \
	 * flags, flock locks), close-on-exec flags copied; and the parent's working  \
	 * directory, root, umask and credentials. Record locks are not inherited.    \
	 * An unknown parent gives the child a new space's table. */                  \
	X(FORK, 43, 2, 0)                                                                  \
	/* the caller's space execs: its close-on-exec descriptors close */            \
	X(EXEC, 44, 0, 0)                                                                  \
	/* process server only (EPERM for others). in: space, ruid, euid, rgid, egid, \
	 * ngroups (at most VFS_NGROUPS_MAX); data: ngroups uint32 gids. Ids are      \
	 * 32 bits, VID_KEEP is none. */                                               \
	X(SETCRED, 45, 6, 0)                                                               \
	/* root only (EPERM). in: flags (FSM_RDONLY, exo/fs.h); two strings: the     \
	 * mount point's path (a directory nobody uses: EBUSY otherwise), the name  \
	 * a file system server registered (ENODEV when none; exo/fs.h). */         \
	X(MOUNT, 46, 1, 0)                                                                 \
	/* root only (EPERM). path: the root of a mount (EINVAL otherwise); EBUSY   \
	 * while a file there is open, a working directory or root is in it, or    \
	 * another file system is mounted in it. */                                 \
	X(UNMOUNT, 47, 0, 0)                                                               \
	/* in: index (0: the VFS's own root). out: flags (FSM_*), st_dev; data: the \
	 * server's name, NUL, the mount point's path as the caller sees it.       \
	 * ENOENT past the last; a mount outside the caller's root is skipped. */  \
	X(MOUNTS, 48, 1, 2)

/*
 * Paths relative to a directory descriptor (openat and the other *at calls):
 * bits 12-21 of a request's label hold dirfd + 1 for its first path, bits
 * 22-31 for its second (0: the working directory). They matter only for a
 * relative path; a bad one is EBADF, one that is not a directory ENOTDIR.
 */
#define VFS_OP_MASK 0xfffu
#define VFS_AT_SHIFT1 12
#define VFS_AT_SHIFT2 22
#define VFS_AT_MASK 0x3ffu
static inline uint32_t vfs_at(uint32_t op, uint32_t at1, uint32_t at2)
{
	return op | (at1 & VFS_AT_MASK) << VFS_AT_SHIFT1 | (at2 & VFS_AT_MASK) << VFS_AT_SHIFT2;
}

/*
 * The reply label of READ, WRITE, PREAD and PWRITE on a device descriptor:
 * do the I/O with the device server mr[0] (a thread id), handle mr[1]
 * (exo/dev.h); a READ's reply adds mr[2], the DEV_RD_* flags of the
 * descriptor's reads (VO_NONBLOCK: DEV_RD_NONBLOCK). Not an errno: above
 * every XE_* value.
 */
#define VFS_REDIRECT 0x1000u

enum vfs_op {
#define VFS_ENUM(name, num, in, out) VFS_##name = num,
	VFS_OPS(VFS_ENUM)
#undef VFS_ENUM
	VFS_OP_COUNT
};

/* Untyped words each request must carry, from the declaration above. */
static const unsigned char vfs_op_in[VFS_OP_COUNT] = {
#define VFS_IN(name, num, in, out) [VFS_##name] = in,
	VFS_OPS(VFS_IN)
#undef VFS_IN
};

#endif
