/*
 * libposix/errno.c — Exo's error numbers (exo/errno.h) to the C library's.
 */
#include <errno.h>

#include <exo/errno.h>

#include "px.h"

static const int table[] = {
	[XE_EPERM] = EPERM,     [XE_ENOENT] = ENOENT,   [XE_EINTR] = EINTR,
	[XE_EIO] = EIO,         [XE_EBADF] = EBADF,     [XE_EAGAIN] = EAGAIN,
	[XE_ENOMEM] = ENOMEM,   [XE_EACCES] = EACCES,   [XE_EFAULT] = EFAULT,
	[XE_EBUSY] = EBUSY,     [XE_EEXIST] = EEXIST,   [XE_ENODEV] = ENODEV,
	[XE_EINVAL] = EINVAL,   [XE_EMFILE] = EMFILE,   [XE_EFBIG] = EFBIG,
	[XE_ENOSPC] = ENOSPC,   [XE_ENAMETOOLONG] = ENAMETOOLONG,
	[XE_ENOSYS] = ENOSYS,   [XE_EOVERFLOW] = EOVERFLOW, [XE_ENOTSUP] = ENOTSUP,
	[XE_EXDEV] = EXDEV,     [XE_ENOTDIR] = ENOTDIR, [XE_EISDIR] = EISDIR,
	[XE_ESPIPE] = ESPIPE,   [XE_EROFS] = EROFS,     [XE_ERANGE] = ERANGE,
	[XE_ENOTEMPTY] = ENOTEMPTY, [XE_ELOOP] = ELOOP, [XE_ENFILE] = ENFILE,
	[XE_EPIPE] = EPIPE,     [XE_EMLINK] = EMLINK,   [XE_ENXIO] = ENXIO,
	[XE_E2BIG] = E2BIG,     [XE_ENOEXEC] = ENOEXEC, [XE_ECHILD] = ECHILD,
	[XE_ENOTTY] = ENOTTY,   [XE_ETXTBSY] = ETXTBSY, [XE_EDOM] = EDOM,
	[XE_EDEADLK] = EDEADLK, [XE_ENOLCK] = ENOLCK,   [XE_ETIMEDOUT] = ETIMEDOUT,
	[XE_ESRCH] = ESRCH,
};

int px_errno(int xe)
{
	if (xe > 0 && (unsigned)xe < sizeof(table) / sizeof(table[0]) && table[xe])
		return table[xe];
	return EIO;
}

int px_fail(int neg_xe)
{
	errno = px_errno(-neg_xe);
	return -1;
}

void *px_fail_ptr(int neg_xe)
{
	errno = px_errno(-neg_xe);
	return NULL;
}

int px_kernel_errno(exo_err err)
{
	switch (err) {
	case EXO_ETIMEOUT:
		return EAGAIN;
	case EXO_ECANCELED:
		return EINTR;
	case EXO_ENOMEM:
		return ENOMEM;
	case EXO_EMSGSIZE:
		return E2BIG;
	default:
		return EIO;
	}
}
