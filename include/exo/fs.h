/*
 * exo/fs.h — the file system server protocol: what a server mounted in the
 * VFS's namespace answers (servers/tmpfs is one; see docs/files.md, "Writing
 * a file system server").
 *
 * The split: the VFS resolves paths, keeps descriptors, offsets, locks and
 * the permission checks (it knows who asks); a file system server keeps
 * nodes and their data, and answers only the VFS (XE_EPERM for anyone
 * else). A node is named by a 64-bit id the server gives (never 0, never
 * reused while the server runs); an id the server does not know is
 * XE_ENOENT. Names are a request's string items: 1 to VFS_NAME_MAX bytes,
 * no '/' and no NUL (XE_EINVAL otherwise, XE_ENAMETOOLONG past the limit);
 * "." and ".." only for LOOKUP. File data moves as string items of at most
 * EXO_STRING_MAX bytes.
 *
 * Replies: label 0 and the registers listed, or an XE_* errno. A request
 * with fewer words than declared is XE_EINVAL, an unknown label XE_ENOSYS.
 * "node, attrs" in a reply is the node's id in mr[0] and FSA_WORDS
 * attribute words after it (enum fs_attr_word). Modes, ids, times and
 * directory entries are the VFS's wire values (exo/vfs.h).
 *
 * Holding: the VFS says OPEN for a node while it keeps it (an open file, a
 * working directory, the root) and CLOSE when it stops; a node unlinked
 * while held lives until its last CLOSE. UNMOUNT drops every hold.
 */
#ifndef EXO_FS_H
#define EXO_FS_H

#include <exo/msg.h>
#include <exo/vfs.h>

/* The attributes of a node, after its id in mr[0]: mr[1 + FSA_*]. */
enum fs_attr_word {
	FSA_MODE,                /* VS_IF* | permission bits */
	FSA_NLINK, FSA_UID, FSA_GID,
	FSA_SIZE,                /* bytes (a symbolic link: its target's length) */
	FSA_ATIME, FSA_MTIME, FSA_CTIME, /* ns since 1970 */
	FSA_RDEV,                /* a character device's number (exo/vfs.h VDEV_*_RDEV) */
	FSA_WORDS
};
#define FS_NODE_WORDS (1 + FSA_WORDS)

/* X(name, number, in-words, out-words) */
#define FS_OPS(X)                                                                   \
	/* in: flags (FSM_*). out: the root: node, attrs. The VFS attaches the     \
	 * server at a mount point. */                                               \
	X(MOUNT, 1, 1, FS_NODE_WORDS)                                                \
	/* in: directory; name ("." and ".." too: ".." of the root is the root).   \
	 * out: node, attrs. XE_ENOTDIR when the directory is not one. */          \
	X(LOOKUP, 2, 1, FS_NODE_WORDS)                                               \
	/* in: node. out: node, attrs */                                            \
	X(GETATTR, 3, 1, FS_NODE_WORDS)                                              \
	/* in: node, which (FSS_*), mode (permission bits), uid, gid, atime ns,     \
	 * mtime ns. Only what `which` names changes; ctime becomes now.            \
	 * out: node, attrs */                                                       \
	X(SETATTR, 4, 7, FS_NODE_WORDS)                                              \
	/* in: node, offset, count. out: bytes (short at the end); data */          \
	X(READ, 5, 3, 1)                                                             \
	/* in: node, offset, flags (FSW_*); data. out: bytes, the offset written    \
	 * at (FSW_APPEND: the end of the file) */                                  \
	X(WRITE, 6, 3, 2)                                                            \
	/* in: directory, cookie (0: the start). out: the next cookie (0: the end); \
	 * data: struct vfs_dirent records (exo/vfs.h), ino the node's id, at most  \
	 * VFS_DIRENT_BUF bytes. "." and ".." are not listed (the VFS adds them). */\
	X(READDIR, 7, 2, 1)                                                          \
	/* in: directory, mode (VS_IFREG, VS_IFIFO or VS_IFCHR | permission bits),  \
	 * uid, gid, rdev; name. out: node, attrs. XE_EEXIST when the name is. */   \
	X(CREATE, 8, 5, FS_NODE_WORDS)                                               \
	/* in: directory, mode (permission bits), uid, gid; name. out: node, attrs */\
	X(MKDIR, 9, 4, FS_NODE_WORDS)                                                \
	/* in: directory; name. Not a directory (XE_EISDIR). */                     \
	X(UNLINK, 10, 1, 0)                                                          \
	/* in: directory; name. XE_ENOTDIR, XE_ENOTEMPTY. */                        \
	X(RMDIR, 11, 1, 0)                                                           \
	/* in: from directory, to directory; two names: from, to. The POSIX cases:  \
	 * over a file, over an empty directory, the same file (nothing happens);   \
	 * a directory into its own subtree is XE_EINVAL. */                        \
	X(RENAME, 12, 2, 0)                                                          \
	/* in: node, directory; name. A directory is XE_EPERM. out: node, attrs */  \
	X(LINK, 13, 2, FS_NODE_WORDS)                                                \
	/* in: directory, uid, gid; two strings: name, target. out: node, attrs */  \
	X(SYMLINK, 14, 3, FS_NODE_WORDS)                                             \
	/* in: node. out: length; data (the target). Not a link: XE_EINVAL. */     \
	X(READLINK, 15, 1, 1)                                                        \
	/* in: node, size (a regular file's). out: node, attrs */                   \
	X(TRUNCATE, 16, 2, FS_NODE_WORDS)                                            \
	/* in: node. The VFS holds it. */                                           \
	X(OPEN, 17, 1, 0)                                                            \
	/* in: node. The VFS stops holding it. */                                   \
	X(CLOSE, 18, 1, 0)                                                           \
	/* The VFS detaches the server: every hold is dropped. */                   \
	X(UNMOUNT, 19, 0, 0)

/* MOUNT's flags (also VFS_MOUNT's): the file system is read-only. */
#define FSM_RDONLY 0x1u
#define FSM_KNOWN 0x1u

/* SETATTR's which. */
#define FSS_MODE 0x1u
#define FSS_UID 0x2u
#define FSS_GID 0x4u
#define FSS_ATIME 0x8u
#define FSS_MTIME 0x10u
#define FSS_KNOWN 0x1fu

/* WRITE's flags. */
#define FSW_APPEND 0x1u
#define FSW_KNOWN 0x1u

enum fs_op {
#define FS_ENUM(name, num, in, out) FS_##name = num,
	FS_OPS(FS_ENUM)
#undef FS_ENUM
	FS_OP_COUNT
};

/* Untyped words each request must carry, from the declaration above. */
static const unsigned char fs_op_in[FS_OP_COUNT] = {
#define FS_IN(name, num, in, out) [FS_##name] = in,
	FS_OPS(FS_IN)
#undef FS_IN
};

/* Untyped words each reply carries. */
static const unsigned char fs_op_out[FS_OP_COUNT] = {
#define FS_OUT(name, num, in, out) [FS_##name] = out,
	FS_OPS(FS_OUT)
#undef FS_OUT
};

#endif
