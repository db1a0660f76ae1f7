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
 * The operations, their fields and their replies are declared in
 * protocols/vfs.def: vfs_proto.h (generated) has enum vfs_op (VFS_OPEN ...),
 * the request and reply structs, the client stubs vfs_call_* and the
 * description exo_proto_check and exotrace read (docs/protocols.md).
 */
_Static_assert(VST_WORDS == 12, "protocols/vfs.def declares the stat reply as u64[12]");

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
 * The label of the other reply READ, WRITE, PREAD and PWRITE give on a
 * device descriptor (protocols/vfs.def, reply REDIRECT: the device server,
 * the handle, and the DEV_RD_* flags of the descriptor's reads, 0 for a
 * write). Not an errno: above every XE_* value.
 */
#define VFS_REDIRECT 0x1000u

#endif
