/*
 * libposix/include/sys/uio.h — vectored I/O: readv, writev, preadv,
 * pwritev (libposix/file.c).
 *
 * picolibc has no <sys/uio.h>; this one serves the riscv64 build.
 */
#ifndef EXO_LIBPOSIX_SYS_UIO_H
#define EXO_LIBPOSIX_SYS_UIO_H

#include <sys/types.h>

__BEGIN_DECLS

struct iovec {
	void *iov_base;
	size_t iov_len;
};

#if __BSD_VISIBLE
#define UIO_MAXIOV 1024 /* as IOV_MAX in <limits.h> */
#endif

ssize_t readv(int fd, const struct iovec *iov, int cnt);
ssize_t writev(int fd, const struct iovec *iov, int cnt);
#if __BSD_VISIBLE
ssize_t preadv(int fd, const struct iovec *iov, int cnt, off_t off);
ssize_t pwritev(int fd, const struct iovec *iov, int cnt, off_t off);
#endif

__END_DECLS

#endif
