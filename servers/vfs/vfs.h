/*
 * servers/vfs/vfs.h — the VFS server's state: ramfs nodes, open file
 * descriptions, and each space's descriptor table and working directory.
 *
 * One thread; request state travels in struct vreq. A node lives while it
 * is linked in a directory or open; an open file description while a
 * descriptor refers to it (dup shares it, with its offset and status flags).
 */
#ifndef EXO_SERVERS_VFS_H
#define EXO_SERVERS_VFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <exo/exo.h>
#include <exo/fs.h>
#include "fs_proto.h"
#include <exo/vfs.h>
#include "vfs_proto.h"

#include "ramnode.h"

struct node;
struct lock;
struct mount;

/* Devices: served by the VFS itself, or by a device server (exo/dev.h). */
enum vdev { VDEV_NONE = 0, VDEV_NULL, VDEV_ZERO, VDEV_FULL, VDEV_RANDOM, VDEV_URANDOM, VDEV_SERVER };

/* A request waiting on a pipe: answered when it can complete. */
struct pwait {
	exo_tid_t client;
	exo_space_t space;
	uint64_t count;          /* a reader: at most this much */
	uint8_t *data;           /* a writer: its bytes (a copy) */
	uint64_t len;
	struct pwait *next;
};

struct pipe {
	uint8_t buf[VFS_PIPE_CAP];
	uint64_t head, len;      /* a ring */
	unsigned readers, writers; /* open file descriptions of each end */
	struct pwait *rwait, *wwait;
	struct pwait *owait;     /* a FIFO's opens waiting for the other end */
};

struct node {
	uint64_t ino;
	struct pipe *pipe;       /* VS_IFIFO */
	enum vdev dev;
	exo_tid_t dev_server;    /* VDEV_SERVER */
	uint32_t dev_rdev;       /* VDEV_SERVER: its device number */
	bool dev_streams;        /* VDEV_SERVER: a handle per open file description */
	uint32_t mode;           /* VS_IF* | permission bits */
	uint32_t nlink;
	uint32_t uid, gid;
	uint64_t atime, mtime, ctime;
	unsigned opens;          /* open file descriptions on it */
	/* regular file */
	uint8_t *data;           /* a shm file: the VFS's view of the object */
	uint64_t size, cap;
	uint32_t shm;            /* a file in /dev/shm: its memory-server object */
	struct lock *locks;      /* record locks (lock.c) */
	struct lock *flocks;     /* flock locks */
	/* directory */
	struct node *parent;
	struct ram_dir dir;       /* its entries (ram_ent.node: a struct node) */
	struct mount *mounted;   /* a file system mounted on this directory */
	/*
	 * A vnode: a node of a mounted file system (mount.c). Its attributes
	 * are the server's as last seen, its parent only what the current
	 * request looked it up in; it lives while it has opens.
	 */
	struct mount *mnt;       /* NULL: the ramfs */
	uint64_t fid;            /* its id at the file system server */
	bool held;               /* the server was told FS_OPEN */
	struct node *mnext;      /* the mount's vnodes */
};

/* A file system server attached at a directory (mount.c). */
struct mount {
	exo_tid_t server;
	char name[EXO_NAME_MAX + 1];
	unsigned flags;          /* FSM_* */
	uint32_t dev;            /* st_dev of its files (the ramfs's is 1) */
	struct node *covered;    /* the directory it is mounted on (one open kept) */
	struct node *root;       /* its root's vnode (one open kept) */
	struct node *vnodes;
	struct mount *next;
};

struct ofd {
	struct node *node;
	uint64_t offset;
	unsigned flags;          /* VO_ACCMODE | VO_APPEND | VO_NONBLOCK */
	unsigned refs;
	uint64_t out_handle;     /* VDEV_SERVER: the handle writes go to */
	uint64_t in_handle;      /* VDEV_SERVER: the handle reads go to */
};

struct vfd {
	struct ofd *f;
	bool cloexec;
};

/* Who a space acts as (SETCRED; the superuser until the process server says). */
struct vcred {
	uint32_t ruid, euid, rgid, egid;
	uint32_t ngroups;
	uint32_t groups[VFS_NGROUPS_MAX];
};

struct vproc {
	exo_space_t space;
	struct vcred cred;
	struct node *cwd;
	struct node *root;       /* chroot */
	uint32_t umask;
	struct vfd fds[VFS_FD_MAX];
	struct vproc *next;
};

struct vfs {
	struct node *root;
	struct node *console;    /* /dev/console, when a console server runs */
	uint64_t dev_handles;    /* the last handle given to a streams device's open */
	struct node *shm_dir;    /* /dev/shm: files made there are shared objects */
	uint64_t next_ino;
	struct vproc *procs;
	size_t nodes;            /* living nodes, for leak checks */
	struct mount *mounts;
	uint32_t next_dev;
};

/*
 * A request's context, beside the message: what the handlers' decoded
 * fields (vfs_proto.h) do not say. The reply strings a handler gives
 * point into `out` or at the VFS's own bytes.
 */
struct vreq {
	struct vfs *v;
	struct vproc *p;
	exo_msg_t *m;
	char *out;               /* reply data buffer */
	bool deferred;           /* held (EXO_PROTO_HELD): answered when the request completes */
	exo_tid_t from;          /* the client */
	const struct vcred *who; /* the ids permissions are checked with (p's; access: real ids) */
};

/* node.c */
uint64_t vfs_now(void);
struct node *node_new(struct vfs *v, uint32_t mode);
void node_put(struct vfs *v, struct node *n);
struct ram_ent *dir_find(struct node *dir, const char *name);
int dir_add(struct vfs *v, struct node *dir, const char *name, struct node *n);
void dir_remove(struct vfs *v, struct node *dir, struct ram_ent *d);
bool dir_empty(const struct node *dir);
int file_resize(struct node *n, uint64_t size);
bool node_is_dir(const struct node *n);

/* path.c */
/*
 * Resolve `path` for p, a relative one from `from` (NULL: p's working
 * directory), never above p's root. Full resolution: *node is the file. With parent:
 * *dir is the directory that holds (or would hold) the last component, and
 * `last` its name ("" for "/"); *node is the file if it exists, else NULL.
 * With follow, a symbolic link as the last component is followed too.
 * Every directory looked in needs search permission for `who` (EACCES).
 * *slash tells whether the path ended in '/'. Returns 0 or -XE_*.
 */
int path_resolve(struct vfs *v, struct vproc *p, const struct vcred *who, struct node *from, const char *path,
		 size_t len, bool parent, bool follow, struct node **dir, struct node **node,
		 char last[VFS_NAME_MAX + 1], bool *slash);
/* The absolute path of dir as seen from root. */
int path_of(struct vfs *v, struct node *root, struct node *dir, char *buf, size_t size, size_t *len);

/* pipe.c */
int pipe_create(void *ctx, const struct vfs_pipe_in *in, struct vfs_pipe_out *out);
struct pipe *pipe_new(void);
/* Open of a FIFO by f (already in the table as fd): 0, EXO_PROTO_HELD, or -XE_*. */
int fifo_open(struct vreq *r, struct ofd *f, int fd);
/* Both: 0 (answer with *out), EXO_PROTO_HELD (answered when it completes) or -XE_*. */
int pipe_read(struct vreq *r, struct ofd *f, uint64_t count, struct vfs_read_out *out);
int pipe_write(struct vreq *r, struct ofd *f, const void *data, uint64_t len, struct vfs_write_out *out);
void pipe_close_end(struct vfs *v, struct ofd *f);
void pipe_forget_space(struct vfs *v, exo_space_t space);
/* EXO_LABEL_CANCEL: the requests `client` left waiting go (a FIFO it was opening closes). */
void pipe_cancel(struct vfs *v, exo_tid_t client);
void pipe_free(struct node *n);

/* lock.c */
int do_lock(void *ctx, const struct vfs_lock_in *in, struct vfs_lock_out *out);
int do_flock(void *ctx, const struct vfs_flock_in *in);
/* p closes a descriptor of f (last: f's last descriptor). */
void lock_close(struct vfs *v, struct vproc *p, struct ofd *f, bool last);
void lock_forget_space(struct vfs *v, exo_space_t space);
void lock_cancel(struct vfs *v, exo_tid_t client);
void lock_node_free(struct node *n);

/* poll.c */
int do_poll(void *ctx, const struct vfs_poll_in *in, struct vfs_poll_out *out);
/* Answer the waiting polls that are ready or past their deadline. */
void poll_settle(struct vfs *v);
bool poll_waiting(void);
/* The receive timeout until the next poll deadline (or device look). */
exo_timeout_t poll_timeout(void);
void poll_forget_space(exo_space_t space);
void poll_cancel(exo_tid_t client);
/* Whether a device server's handle has input now: VP_IN (bytes, or end of file), VP_HUP. */
unsigned dev_readable(struct node *n, uint64_t handle);

/* cred.c */
/* Whether `who` may do `want` (VACC_R | VACC_W | VACC_X) to n: 0 or -XE_EACCES. */
int perm_check(const struct vcred *who, const struct node *n, unsigned want);
bool cred_in_group(const struct vcred *who, uint32_t gid);
bool cred_is_root(const struct vcred *who);
bool cred_owns(const struct vcred *who, const struct node *n);
/* May `who` remove (or rename away) n from dir: the sticky bit (EPERM). */
int perm_sticky(const struct vcred *who, const struct node *dir, const struct node *n);
/* A node just made in dir (NULL: none) by `who`: its owner, group, setgid. */
void node_own(struct node *n, const struct vcred *who, const struct node *dir);
/* Whether `from` is the thread registered as the process server. */
bool from_proc(exo_tid_t from);
int do_setcred(void *ctx, const struct vfs_setcred_in *in);

/* fork.c */
int do_fork(void *ctx, const struct vfs_fork_in *in);
int do_exec(void *ctx);

/* random.c */
void random_fill(uint8_t *buf, size_t len);

/* shm.c */
int shm_node_make(struct node *n);
int shm_node_resize(struct node *n, uint64_t size);
int shm_node_share(struct node *n, exo_space_t space);
void shm_node_free(struct node *n);

/* mount.c: the mount table and the vnodes of mounted file systems. */
int do_mount(void *ctx, const struct vfs_mount_in *in);
int do_unmount(void *ctx, const struct vfs_unmount_in *in);
int do_mounts(void *ctx, const struct vfs_mounts_in *in, struct vfs_mounts_out *out);
/* A mount point (a covered directory or a mount's root): rmdir, rename, mount over it are EBUSY. */
bool mnt_point(const struct node *n);
/* Whether n is on a read-only mount. */
bool mnt_rdonly(const struct node *n);
/*
 * After each request: tell the file system servers which vnodes the VFS
 * holds now (FS_OPEN, FS_CLOSE) and free those nothing refers to.
 */
void mnt_settle(struct vfs *v);

/*
 * fsc.c: requests to the file system server a vnode lives on (exo/fs.h).
 * Each returns 0 or -XE_*: the server's error, or XE_EIO when it does not
 * answer in time or answers what the protocol does not allow. Vnodes come
 * back with fresh attributes.
 */
/*
 * The transport for a stub call (fs_proto.h: fs_call_*) to mt's server:
 * `fs_call_getattr(fsc_to(mt), &in, &out)`. It keeps mt for that one call
 * (the VFS is single-threaded); the reply's label becomes -XE_* (XE_EIO
 * when the server does not answer in time or the label is no errno).
 */
exo_proto_call_fn fsc_to(struct mount *mt);
/* A vnode for the node a reply describes: its id and its attribute words (FSA_*). */
int fsc_vnode(struct vfs *v, struct mount *mt, uint64_t node, const uint64_t attrs[FSA_WORDS], struct node **n);
int fsc_lookup(struct vfs *v, struct node *dir, const char *name, struct node **n);
int fsc_getattr(struct vfs *v, struct node *n);
/* Push the attributes `which` (FSS_*) names from n to the server (on failure n is read back). */
int fsc_setattr(struct vfs *v, struct node *n, unsigned which);
int fsc_read(struct node *n, uint64_t off, uint64_t count, const void **data, uint64_t *got);
int fsc_write(struct node *n, uint64_t off, bool append, const void *data, uint64_t len, uint64_t *done);
/*
 * Entries of dir from the server's cookie on, whole records into out (room
 * bytes), each record's next cookie plus `bias`. *len: bytes given; *last:
 * the server's cookie after the last record given (0: none given).
 */
int fsc_readdir(struct node *dir, uint64_t cookie, char *out, size_t room, uint64_t bias, size_t *len,
		uint64_t *last);
int fsc_make(struct vfs *v, struct node *dir, const char *name, uint32_t mode, uint32_t uid, uint32_t gid,
	     uint32_t rdev, struct node **n);
int fsc_symlink(struct vfs *v, struct node *dir, const char *name, const char *target, size_t tlen,
		uint32_t uid, uint32_t gid);
int fsc_remove(struct node *dir, const char *name, bool is_dir);
int fsc_rename(struct node *d1, const char *l1, struct node *d2, const char *l2);
int fsc_link(struct vfs *v, struct node *n, struct node *dir, const char *name);
int fsc_truncate(struct vfs *v, struct node *n, uint64_t size);
/* The name child has in dir (for getcwd and realpath). */
int fsc_name_of(struct node *dir, const struct node *child, char name[VFS_NAME_MAX + 1]);

/* main.c */
void vfs_make_dev(struct vfs *v);

/* ops.c */
struct vproc *proc_get(struct vfs *v, exo_space_t space);
/* The device the VFS serves with that number (VDEV_NONE: none). */
enum vdev vdev_by_rdev(uint64_t rdev);
/* The space's entry, or NULL when the VFS has not met it. */
struct vproc *proc_find(struct vfs *v, exo_space_t space);
/* Give p a new space's descriptors (the console as 0, 1, 2). */
void proc_std_fds(struct vfs *v, struct vproc *p);
/* Close p's descriptor fd, with every effect of close (pipe ends, locks). */
int fd_close(struct vfs *v, struct vproc *p, uint64_t fd);
/* p's open file description for fd, or NULL. */
struct ofd *fd_get(struct vproc *p, uint64_t fd);
/* The offset whence + off names in f (lseek, locks): 0, EINVAL or EOVERFLOW. */
int fd_position(const struct ofd *f, uint64_t whence, int64_t off, int64_t *pos);
/*
 * Answer a held request: m holds its reply, `words` registers and `typed`
 * words of items (as vfs_<op>_out_put put them and returned); e < 0: the
 * errno e instead. Not EXO_OK: the client is gone or was interrupted before
 * the answer came (it will send EXO_LABEL_CANCEL), and the caller undoes
 * what the request did (data read goes back, a lock taken is released, a
 * FIFO opened is closed).
 */
exo_err vfs_answer(exo_tid_t client, exo_msg_t *m, unsigned words, unsigned typed, int e);
void proc_exit(struct vfs *v, exo_space_t space);
void vfs_dispatch(struct vreq *r);

#endif
