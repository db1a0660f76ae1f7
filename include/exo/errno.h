/*
 * exo/errno.h — error numbers on the wire. Servers answer with these, never
 * with the host C library's values (ARCHITECTURE.md rule 5); libposix
 * translates them to its C library's errno values at the POSIX boundary.
 * The numbers follow the traditional UNIX order, but only this header
 * defines them.
 */
#ifndef EXO_ERRNO_H
#define EXO_ERRNO_H

#define XE_EPERM 1
#define XE_ENOENT 2
#define XE_ESRCH 3
#define XE_EINTR 4
#define XE_EIO 5
#define XE_ENXIO 6
#define XE_E2BIG 7
#define XE_ENOEXEC 8
#define XE_EBADF 9
#define XE_ECHILD 10
#define XE_EAGAIN 11
#define XE_ENOMEM 12
#define XE_EACCES 13
#define XE_EFAULT 14
#define XE_EBUSY 16
#define XE_EEXIST 17
#define XE_EXDEV 18
#define XE_ENODEV 19
#define XE_ENOTDIR 20
#define XE_EISDIR 21
#define XE_EINVAL 22
#define XE_ENFILE 23
#define XE_EMFILE 24
#define XE_ENOTTY 25
#define XE_ETXTBSY 26
#define XE_EFBIG 27
#define XE_ENOSPC 28
#define XE_ESPIPE 29
#define XE_EROFS 30
#define XE_EMLINK 31
#define XE_EPIPE 32
#define XE_EDOM 33
#define XE_ERANGE 34
#define XE_EDEADLK 35
#define XE_ENAMETOOLONG 36
#define XE_ENOLCK 37
#define XE_ENOSYS 38
#define XE_ENOTEMPTY 39
#define XE_ELOOP 40
#define XE_EOVERFLOW 75
#define XE_ETIMEDOUT 110
#define XE_ENOTSUP 95

#endif
