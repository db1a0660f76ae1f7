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

/*
 * The operations, their numbers and their registers are declared once, in
 * protocols/fs.def: fs_proto.h (generated) has enum fs_op (FS_MOUNT...),
 * the layouts and fs_proto (each operation's word counts). Include it to
 * speak the protocol.
 */

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


#endif
