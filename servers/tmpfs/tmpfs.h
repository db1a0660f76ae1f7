/*
 * servers/tmpfs/tmpfs.h — a file system server in memory (exo/fs.h): the
 * node table, directories and file data of one tree.
 *
 * One thread. Nodes are found by id in a hash table; an id is never given
 * twice. A node lives while a directory links it or the VFS holds it (OPEN);
 * a directory keeps its entries in insertion order with an increasing cookie
 * each, so a listing stays valid while entries come and go.
 */
#ifndef EXO_SERVERS_TMPFS_H
#define EXO_SERVERS_TMPFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <exo/exo.h>
#include <exo/fs.h>

#include "fs_proto.h"

#include "ramnode.h"

struct tnode;

struct tnode {
	uint64_t id;
	uint32_t mode;           /* VS_IF* | permission bits */
	uint32_t nlink;
	uint32_t uid, gid, rdev;
	uint64_t atime, mtime, ctime;
	unsigned holds;          /* the VFS's OPENs */
	/* a regular file or a symbolic link */
	uint8_t *data;
	uint64_t size, cap;
	/* a directory */
	struct tnode *parent;
	struct ram_dir dir;      /* its entries (ram_ent.node: a struct tnode), cookies from 1 */
	struct tnode *hnext;     /* the id hash chain */
};

#define TMPFS_BUCKETS 4096

struct tmpfs {
	struct tnode *root;
	struct tnode *table[TMPFS_BUCKETS];
	uint64_t next_id;
	uint64_t bytes, max_bytes;   /* file data held, and the limit (ENOSPC) */
	size_t nodes;
	bool mounted;
	unsigned flags;              /* FSM_* of the mount */
};

/* node.c */
uint64_t tmpfs_now(void);
struct tnode *tnode_new(struct tmpfs *t, uint32_t mode, uint32_t uid, uint32_t gid);
struct tnode *tnode_find(struct tmpfs *t, uint64_t id);
/* Free n when nothing links or holds it. */
void tnode_put(struct tmpfs *t, struct tnode *n);
bool tnode_is_dir(const struct tnode *n);
struct ram_ent *tdir_find(struct tnode *dir, const char *name);
int tdir_add(struct tmpfs *t, struct tnode *dir, const char *name, struct tnode *n);
void tdir_remove(struct tmpfs *t, struct tnode *dir, struct ram_ent *e);
/* Resize a regular file's data (zeros past the old end): 0 or -XE_*. */
int tnode_resize(struct tmpfs *t, struct tnode *n, uint64_t size);

/* ops.c */
struct treq {
	struct tmpfs *t;
	char *buf;               /* scratch for replies (EXO_STRING_MAX bytes) */
};
/*
 * Answer request m from `from` in place: the shape protocols/fs.def declares
 * (ENOSYS, EINVAL), ENXIO before a MOUNT, then the operation. Its string
 * items must be NUL-terminated in their receive buffers (exo_msg_strings).
 */
void tmpfs_dispatch(struct treq *r, exo_msg_t *m, exo_tid_t from);

#endif
