/*
 * tests/integration/perms_child.h — what the `perms` test asks its second
 * space (perms_child.c) to do: one label per file call.
 */
#ifndef EXO_TEST_PERMS_CHILD_H
#define EXO_TEST_PERMS_CHILD_H

enum pc_op {
	PC_SPACE = 1,    /* -> the helper's space */
	PC_OPEN,         /* path; flags, mode -> fd */
	PC_CLOSE,        /* fd */
	PC_READ,         /* fd, count -> bytes; data */
	PC_WRITE,        /* fd; data */
	PC_TELL,         /* fd -> lseek(fd, 0, SEEK_CUR) */
	PC_GETFD,        /* fd -> fcntl(F_GETFD) */
	PC_SETLK,        /* fd, type: fcntl(F_SETLK) of the whole file */
	PC_FLOCK,        /* fd, operation */
	PC_STAT,         /* path -> mr[2..4]: uid, gid, mode */
	PC_MKDIR,        /* path; mode */
	PC_RMDIR,        /* path */
	PC_UNLINK,       /* path */
	PC_RENAME,       /* from, to */
	PC_LINK,         /* existing, new */
	PC_SYMLINK,      /* target, link */
	PC_MKNOD,        /* path; mode, dev */
	PC_CHDIR,        /* path */
	PC_CHMOD,        /* path; mode */
	PC_CHOWN,        /* path; uid, gid */
	PC_ACCESS,       /* path; mode, flags (faccessat) */
	PC_UTIMES,       /* path; 0: utimensat(NULL), 1: explicit times */
	PC_TRUNCATE,     /* path; length */
	PC_UMASK,        /* mask -> the old one */
	PC_CHROOT,       /* path */
	PC_VFS_RAW,      /* VFS operation, its words -> the reply label */
	PC_QUIT,
};

#endif
