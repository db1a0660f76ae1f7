/*
 * libposix/file.c — descriptors and their I/O: open, openat, creat, close,
 * read, write, pread, pwrite, readv, writev, preadv, pwritev, lseek, dup,
 * dup2, fcntl (with record locks), flock, ftruncate, truncate, fsync, fdatasync, getdtablesize.
 *
 * Every call is a request to the VFS, which owns the descriptor table. For
 * a device descriptor (the console) the VFS answers READ/WRITE with a
 * redirect to the device server; libposix remembers it per descriptor and
 * does the I/O there directly until the descriptor is closed or replaced.
 * Transfers larger than one message (EXO_STRING_MAX) take several.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/uio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/types.h>
#include <unistd.h>

#include <exo/dev.h>
#include "dev_proto.h"
#include <exo/errno.h>
#include <exo/vfs.h>
#include "vfs_proto.h"

#include "px.h"

#define FD_CACHE 64

/* Descriptors the VFS redirected to a device server. */
static struct {
	exo_tid_t server;
	uint64_t rhandle, whandle;
	uint64_t rflags;         /* DEV_RD_* the VFS gave with the read redirect */
	uint8_t rknown, wknown;
} devs[FD_CACHE];

void px_fd_forget(int fd)
{
	if (fd >= 0 && fd < FD_CACHE)
		memset(&devs[fd], 0, sizeof(devs[fd]));
}

static unsigned px_oflags(int flags)
{
	unsigned f = 0;

	switch (flags & O_ACCMODE) {
	case O_RDONLY: f = VO_RDONLY; break;
	case O_WRONLY: f = VO_WRONLY; break;
	case O_RDWR: f = VO_RDWR; break;
	default: f = 3; break; /* the VFS refuses it: EINVAL */
	}
	if (flags & O_CREAT) f |= VO_CREAT;
	if (flags & O_EXCL) f |= VO_EXCL;
	if (flags & O_TRUNC) f |= VO_TRUNC;
	if (flags & O_APPEND) f |= VO_APPEND;
	if (flags & O_DIRECTORY) f |= VO_DIRECTORY;
	if (flags & O_NONBLOCK) f |= VO_NONBLOCK;
	if (flags & O_CLOEXEC) f |= VO_CLOEXEC;
	if (flags & O_NOFOLLOW) f |= VO_NOFOLLOW;
	return f;
}

static int px_openat(int dirfd, const char *path, int flags, mode_t mode)
{
	struct vfs_open_in in = { .flags = px_oflags(flags), .mode = (uint64_t)mode & 07777, .dirfd = px_atfd(dirfd) };
	struct vfs_open_out out;
	int r;

	if (!path) {
		return px_fail(-XE_EFAULT);
	}
	in.path = path;
	in.path_len = (uint32_t)strlen(path);
	r = vfs_call_open(px_vfs, &in, &out);
	if (r < 0)
		return px_fail(r);
	px_fd_forget((int)out.fd);
	return (int)out.fd;
}

static int px_open(const char *path, int flags, mode_t mode)
{
	return px_openat(AT_FDCWD, path, flags, mode);
}

/* The mode argument open takes only with O_CREAT or O_TMPFILE. */
#define OPEN_MODE(flags, mode)                                   \
	do {                                                     \
		va_list ap_;                                     \
		if ((flags) & (O_CREAT | O_TMPFILE)) {           \
			va_start(ap_, flags);                    \
			(mode) = va_arg(ap_, mode_t);            \
			va_end(ap_);                             \
		}                                                \
	} while (0)

/* open and open64 (the C library's headers may use either name). */
int px_open_a(const char *path, int flags, ...) __asm__("open");
int px_open_b(const char *path, int flags, ...) __asm__("open64");

int px_open_a(const char *path, int flags, ...)
{
	mode_t mode = 0;

	OPEN_MODE(flags, mode);
	return px_open(path, flags, mode);
}

int px_open_b(const char *path, int flags, ...)
{
	mode_t mode = 0;

	OPEN_MODE(flags, mode);
	return px_open(path, flags, mode);
}

int px_openat_a(int dirfd, const char *path, int flags, ...) __asm__("openat");
int px_openat_b(int dirfd, const char *path, int flags, ...) __asm__("openat64");

int px_openat_a(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;

	OPEN_MODE(flags, mode);
	return px_openat(dirfd, path, flags, mode);
}

int px_openat_b(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;

	OPEN_MODE(flags, mode);
	return px_openat(dirfd, path, flags, mode);
}

int px_creat_a(const char *path, mode_t mode) __asm__("creat");
int px_creat_b(const char *path, mode_t mode) __asm__("creat64");

int px_creat_a(const char *path, mode_t mode)
{
	return px_open(path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

int px_creat_b(const char *path, mode_t mode)
{
	return px_open(path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

int close(int fd)
{
	struct vfs_close_in in = { .fd = (uint64_t)fd };
	int r = vfs_call_close(px_vfs, &in);

	px_fd_forget(fd);
	return r < 0 ? px_fail(r) : 0;
}

/* One device read or write after a redirect. */
static ssize_t dev_io(int writing, exo_tid_t server, uint64_t handle, uint64_t flags, void *buf, size_t n)
{
	exo_tid_t old = px_dev_use(server);
	ssize_t done;
	int r;

	if (writing) {
		struct dev_write_in in = { .handle = handle, .data = buf, .data_len = (uint32_t)n };
		struct dev_write_out out = { 0 };

		r = dev_call_write(px_dev, &in, &out);
		done = (ssize_t)out.bytes;
	} else {
		struct dev_read_in in = { .handle = handle, .count = n, .flags = flags };
		struct dev_read_out out = { .data = buf, .data_len = (uint32_t)n };

		r = dev_call_read(px_dev, &in, &out);
		done = (ssize_t)out.data_len; /* what arrived: a short read is one */
	}
	px_dev_use(old);
	if (r == -XE_EPIPE && writing)
		px_sigpipe(); /* a broken pipe: SIGPIPE first, EPIPE if it returns */
	if (r < 0)
		return px_fail(r);
	return done;
}

/*
 * One chunk of I/O at the VFS: op READ/WRITE (offset -1) or PREAD/PWRITE.
 * A redirect is remembered and the chunk goes to the device.
 */
static ssize_t chunk(int fd, int writing, void *buf, size_t n, int64_t off)
{
	struct vfs_redirect_out dev;
	uint64_t done = 0;
	int r;

	if (fd >= 0 && fd < FD_CACHE && devs[fd].server && (writing ? devs[fd].wknown : devs[fd].rknown)) {
		if (off >= 0) {
			return px_fail(-XE_ESPIPE); /* a device does not seek */
		}
		return dev_io(writing, devs[fd].server, writing ? devs[fd].whandle : devs[fd].rhandle,
			      writing ? 0 : devs[fd].rflags, buf, n);
	}
	if (off < 0 && writing) {
		struct vfs_write_in in = { .fd = (uint64_t)fd, .data = buf, .data_len = (uint32_t)n };
		struct vfs_write_out out;

		r = vfs_call_write(px_vfs, &in, &out, &dev);
		done = out.bytes;
	} else if (off < 0) {
		struct vfs_read_in in = { .fd = (uint64_t)fd, .count = n };
		struct vfs_read_out out = { .data = buf, .data_len = (uint32_t)n };

		r = vfs_call_read(px_vfs, &in, &out, &dev);
		done = out.data_len;
	} else if (writing) {
		struct vfs_pwrite_in in = { .fd = (uint64_t)fd, .offset = off, .data = buf, .data_len = (uint32_t)n };
		struct vfs_pwrite_out out;

		r = vfs_call_pwrite(px_vfs, &in, &out, &dev);
		done = out.bytes;
	} else {
		struct vfs_pread_in in = { .fd = (uint64_t)fd, .count = n, .offset = off };
		struct vfs_pread_out out = { .data = buf, .data_len = (uint32_t)n };

		r = vfs_call_pread(px_vfs, &in, &out, &dev);
		done = out.data_len;
	}
	if (r == EXO_PROTO_OTHER) {
		/* A device's descriptor: the VFS names the server and handle. */
		if (off >= 0) {
			return px_fail(-XE_ESPIPE);
		}
		if (!writing)
			dev.rdflags &= DEV_RD_KNOWN;
		if (fd >= 0 && fd < FD_CACHE) {
			devs[fd].server = dev.server;
			if (writing) {
				devs[fd].whandle = dev.handle;
				devs[fd].wknown = 1;
			} else {
				devs[fd].rhandle = dev.handle;
				devs[fd].rflags = dev.rdflags;
				devs[fd].rknown = 1;
			}
		}
		return dev_io(writing, (exo_tid_t)dev.server, dev.handle, writing ? 0 : dev.rdflags, buf, n);
	}
	if (r == -XE_EPIPE && writing)
		px_sigpipe(); /* a broken pipe: SIGPIPE first, EPIPE if it returns */
	if (r < 0)
		return px_fail(r);
	return (ssize_t)done;
}

static ssize_t io(int fd, int writing, void *buf, size_t n, int64_t off)
{
	size_t done = 0;

	if (n > SSIZE_MAX)
		n = SSIZE_MAX;
	do {
		size_t c = n - done > EXO_STRING_MAX ? EXO_STRING_MAX : n - done;
		ssize_t r = chunk(fd, writing, (char *)buf + done, c, off < 0 ? -1 : off + (int64_t)done);

		if (r < 0)
			return done ? (ssize_t)done : -1;
		done += (size_t)r;
		if ((size_t)r < c)
			break; /* end of file, or a short device transfer */
	} while (done < n);
	return (ssize_t)done;
}

ssize_t read(int fd, void *buf, size_t n)
{
	return io(fd, 0, buf, n, -1);
}

ssize_t write(int fd, const void *buf, size_t n)
{
	return io(fd, 1, (void *)buf, n, -1);
}

/*
 * readv, writev, preadv, pwritev: one transfer when the vector fits a
 * bounce buffer of VEC_BOUNCE bytes (so a writev of up to PIPE_BUF bytes to
 * a pipe is atomic and an O_APPEND writev lands in one piece), else one
 * transfer per element, stopping at the first short one.
 */
#define VEC_BOUNCE (64u * 1024u)

static ssize_t vec_io(int fd, int writing, const struct iovec *iov, int cnt, int64_t off)
{
	size_t total = 0, done = 0;
	ssize_t r;
	char *b;

	if (cnt < 0 || cnt > IOV_MAX) {
		return px_fail(-XE_EINVAL);
	}
	for (int i = 0; i < cnt; i++) {
		if (iov[i].iov_len > (size_t)SSIZE_MAX - total) {
			return px_fail(-XE_EINVAL);
		}
		total += iov[i].iov_len;
	}
	if (total <= VEC_BOUNCE && cnt > 1 && (b = malloc(total ? total : 1))) {
		if (writing)
			for (int i = 0; i < cnt; done += iov[i].iov_len, i++)
				memcpy(b + done, iov[i].iov_base, iov[i].iov_len);
		r = io(fd, writing, b, total, off);
		for (int i = 0, at = 0; !writing && r > 0 && i < cnt && at < r; i++) {
			size_t c = iov[i].iov_len < (size_t)(r - at) ? iov[i].iov_len : (size_t)(r - at);

			memcpy(iov[i].iov_base, b + at, c);
			at += (int)c;
		}
		free(b);
		return r;
	}
	for (int i = 0; i < cnt; i++) {
		r = io(fd, writing, iov[i].iov_base, iov[i].iov_len, off < 0 ? -1 : off + (int64_t)done);
		if (r < 0)
			return done ? (ssize_t)done : -1;
		done += (size_t)r;
		if ((size_t)r < iov[i].iov_len)
			break;
	}
	return (ssize_t)done;
}

ssize_t readv(int fd, const struct iovec *iov, int cnt)
{
	return vec_io(fd, 0, iov, cnt, -1);
}

ssize_t writev(int fd, const struct iovec *iov, int cnt)
{
	return vec_io(fd, 1, iov, cnt, -1);
}

ssize_t px_preadv_a(int fd, const struct iovec *iov, int cnt, off_t off) __asm__("preadv");
ssize_t px_preadv_b(int fd, const struct iovec *iov, int cnt, off_t off) __asm__("preadv64");
ssize_t px_pwritev_a(int fd, const struct iovec *iov, int cnt, off_t off) __asm__("pwritev");
ssize_t px_pwritev_b(int fd, const struct iovec *iov, int cnt, off_t off) __asm__("pwritev64");

ssize_t px_preadv_a(int fd, const struct iovec *iov, int cnt, off_t off)
{
	if (off < 0) {
		return px_fail(-XE_EINVAL);
	}
	return vec_io(fd, 0, iov, cnt, off);
}

ssize_t px_preadv_b(int fd, const struct iovec *iov, int cnt, off_t off)
{
	return px_preadv_a(fd, iov, cnt, off);
}

ssize_t px_pwritev_a(int fd, const struct iovec *iov, int cnt, off_t off)
{
	if (off < 0) {
		return px_fail(-XE_EINVAL);
	}
	return vec_io(fd, 1, iov, cnt, off);
}

ssize_t px_pwritev_b(int fd, const struct iovec *iov, int cnt, off_t off)
{
	return px_pwritev_a(fd, iov, cnt, off);
}

/*
 * fsync, fdatasync: ramfs keeps everything in the VFS's memory, so there is
 * nothing to write back; the descriptor is still checked (EBADF), and pipes
 * and FIFOs cannot be synchronized (EINVAL, as on Linux).
 */
static int sync_fd(int fd)
{
	struct vfs_fstat_in in = { .fd = (uint64_t)fd };
	struct vfs_fstat_out out;
	int r = vfs_call_fstat(px_vfs, &in, &out);

	if (r < 0)
		return px_fail(r);
	if ((out.stat[VST_MODE] & VS_IFMT) == VS_IFIFO) {
		return px_fail(-XE_EINVAL);
	}
	return 0;
}

int fsync(int fd)
{
	return sync_fd(fd);
}

int fdatasync(int fd)
{
	return sync_fd(fd);
}

int getdtablesize(void)
{
	return VFS_FD_MAX;
}

ssize_t px_pread_a(int fd, void *buf, size_t n, off_t off) __asm__("pread");
ssize_t px_pread_b(int fd, void *buf, size_t n, off_t off) __asm__("pread64");
ssize_t px_pwrite_a(int fd, const void *buf, size_t n, off_t off) __asm__("pwrite");
ssize_t px_pwrite_b(int fd, const void *buf, size_t n, off_t off) __asm__("pwrite64");

ssize_t px_pread_a(int fd, void *buf, size_t n, off_t off)
{
	if (off < 0) {
		return px_fail(-XE_EINVAL);
	}
	return io(fd, 0, buf, n, off);
}

ssize_t px_pread_b(int fd, void *buf, size_t n, off_t off)
{
	return px_pread_a(fd, buf, n, off);
}

ssize_t px_pwrite_a(int fd, const void *buf, size_t n, off_t off)
{
	if (off < 0) {
		return px_fail(-XE_EINVAL);
	}
	return io(fd, 1, (void *)buf, n, off);
}

ssize_t px_pwrite_b(int fd, const void *buf, size_t n, off_t off)
{
	return px_pwrite_a(fd, buf, n, off);
}

off_t px_lseek_a(int fd, off_t off, int whence) __asm__("lseek");
off_t px_lseek_b(int fd, off_t off, int whence) __asm__("lseek64");

off_t px_lseek_a(int fd, off_t off, int whence)
{
	struct vfs_lseek_in in = { .fd = (uint64_t)fd, .offset = off,
				   .whence = whence == SEEK_SET ? VSEEK_SET : whence == SEEK_CUR ? VSEEK_CUR
					     : whence == SEEK_END ? VSEEK_END : 99 };
	struct vfs_lseek_out out;
	int r;

	if (fd >= 0 && fd < FD_CACHE && devs[fd].server) {
		return px_fail(-XE_ESPIPE);
	}
	r = vfs_call_lseek(px_vfs, &in, &out);
	return r < 0 ? px_fail(r) : (off_t)out.offset;
}

off_t px_lseek_b(int fd, off_t off, int whence)
{
	return px_lseek_a(fd, off, whence);
}

static int px_dup(int fd, int lowest, int cloexec)
{
	struct vfs_dup_in in = { .fd = (uint64_t)fd, .lowest = (uint64_t)lowest, .cloexec = (uint64_t)cloexec };
	struct vfs_dup_out out;
	int r;

	if (lowest < 0) {
		return px_fail(-XE_EINVAL);
	}
	r = vfs_call_dup(px_vfs, &in, &out);
	if (r < 0)
		return px_fail(r);
	px_fd_forget((int)out.fd);
	return (int)out.fd;
}

int dup(int fd)
{
	return px_dup(fd, 0, 0);
}

int dup2(int fd, int nfd)
{
	struct vfs_dup2_in in = { .fd = (uint64_t)fd, .newfd = (uint64_t)nfd };
	struct vfs_dup2_out out;
	int r;

	if (nfd < 0) {
		return px_fail(-XE_EBADF);
	}
	r = vfs_call_dup2(px_vfs, &in, &out);
	if (r < 0)
		return px_fail(r);
	if (fd != nfd)
		px_fd_forget(nfd);
	return nfd;
}

/* F_GETLK, F_SETLK, F_SETLKW: record locks kept by the VFS. */
static int record_lock(int fd, int cmd, struct flock *fl)
{
	struct vfs_lock_in in = { 0 };
	struct vfs_lock_out out;
	int r;

	if (!fl) {
		return px_fail(-XE_EFAULT);
	}
	in.fd = (uint64_t)fd;
	in.cmd = cmd == F_GETLK ? VLK_GET : cmd == F_SETLK ? VLK_SET : VLK_SETW;
	switch (fl->l_type) {
	case F_UNLCK: in.type = VLK_UNLCK; break;
	case F_RDLCK: in.type = VLK_RDLCK; break;
	case F_WRLCK: in.type = VLK_WRLCK; break;
	default:
		return px_fail(-XE_EINVAL);
	}
	switch (fl->l_whence) {
	case SEEK_SET: in.whence = VSEEK_SET; break;
	case SEEK_CUR: in.whence = VSEEK_CUR; break;
	case SEEK_END: in.whence = VSEEK_END; break;
	default:
		return px_fail(-XE_EINVAL);
	}
	in.start = fl->l_start;
	in.length = fl->l_len;
	r = vfs_call_lock(px_vfs, &in, &out);
	if (r < 0)
		return px_fail(r);
	if (cmd == F_GETLK) {
		fl->l_type = out.type == VLK_RDLCK ? F_RDLCK : out.type == VLK_WRLCK ? F_WRLCK : F_UNLCK;
		if (out.type != VLK_UNLCK) {
			fl->l_whence = SEEK_SET;
			fl->l_start = (off_t)out.start;
			fl->l_len = (off_t)out.length;
			fl->l_pid = (pid_t)out.owner; /* the owner's space, until process ids exist */
		}
	}
	return 0;
}

int flock(int fd, int op)
{
	struct vfs_flock_in in = { .fd = (uint64_t)fd, .nonblock = (op & LOCK_NB) != 0 };
	int r;

	switch (op & ~LOCK_NB) {
	case LOCK_SH: in.op = VFL_SH; break;
	case LOCK_EX: in.op = VFL_EX; break;
	case LOCK_UN: in.op = VFL_UN; break;
	default:
		return px_fail(-XE_EINVAL);
	}
	r = vfs_call_flock(px_vfs, &in);
	return r < 0 ? px_fail(r) : 0;
}

static int px_fcntl(int fd, int cmd, long arg)
{
	struct vfs_getfl_in get = { .fd = (uint64_t)fd };
	struct vfs_getfl_out fl;
	struct vfs_setfl_in set = { .fd = (uint64_t)fd };
	int r;

	switch (cmd) {
	case F_DUPFD:
		return px_dup(fd, (int)arg, 0);
	case F_DUPFD_CLOEXEC:
		return px_dup(fd, (int)arg, 1);
	case F_GETFD:
	case F_GETFL:
		r = vfs_call_getfl(px_vfs, &get, &fl);
		if (r < 0)
			return px_fail(r);
		if (cmd == F_GETFD)
			return fl.fdflags & VO_CLOEXEC ? FD_CLOEXEC : 0;
		return ((fl.flags & VO_ACCMODE) == VO_WRONLY ? O_WRONLY : (fl.flags & VO_ACCMODE) == VO_RDWR ? O_RDWR : O_RDONLY) |
		       (fl.flags & VO_APPEND ? O_APPEND : 0) | (fl.flags & VO_NONBLOCK ? O_NONBLOCK : 0);
	case F_SETFD:
	case F_SETFL:
		r = vfs_call_getfl(px_vfs, &get, &fl);
		if (r < 0)
			return px_fail(r);
		set.fdflags = fl.fdflags;
		set.flags = fl.flags;
		if (cmd == F_SETFD)
			set.fdflags = arg & FD_CLOEXEC ? VO_CLOEXEC : 0;
		else
			set.flags = (arg & O_APPEND ? VO_APPEND : 0) | (arg & O_NONBLOCK ? VO_NONBLOCK : 0);
		r = vfs_call_setfl(px_vfs, &set);
		/*
		 * O_NONBLOCK travels with a device read redirect: ask again. Every
		 * descriptor, for a dup of this one shares the status flags.
		 */
		if (cmd == F_SETFL)
			memset(devs, 0, sizeof(devs));
		return r < 0 ? px_fail(r) : 0;
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
		return record_lock(fd, cmd, (struct flock *)arg);
	default:
		return px_fail(-XE_EINVAL);
	}
}

/* fcntl's third argument, when there is one, is an int or a pointer: read it wide. */
#define FCNTL_ARG(cmd, arg)                      \
	do {                                     \
		va_list ap_;                     \
		va_start(ap_, cmd);              \
		(arg) = va_arg(ap_, long);       \
		va_end(ap_);                     \
	} while (0)

int px_fcntl_a(int fd, int cmd, ...) __asm__("fcntl");
int px_fcntl_b(int fd, int cmd, ...) __asm__("fcntl64");

int px_fcntl_a(int fd, int cmd, ...)
{
	long arg;

	FCNTL_ARG(cmd, arg);
	return px_fcntl(fd, cmd, arg);
}

int px_fcntl_b(int fd, int cmd, ...)
{
	long arg;

	FCNTL_ARG(cmd, arg);
	return px_fcntl(fd, cmd, arg);
}

int px_ftruncate_a(int fd, off_t len) __asm__("ftruncate");
int px_ftruncate_b(int fd, off_t len) __asm__("ftruncate64");
int px_truncate_a(const char *path, off_t len) __asm__("truncate");
int px_truncate_b(const char *path, off_t len) __asm__("truncate64");

int px_ftruncate_a(int fd, off_t len)
{
	struct vfs_ftruncate_in in = { .fd = (uint64_t)fd, .length = len };
	int r = vfs_call_ftruncate(px_vfs, &in);

	return r < 0 ? px_fail(r) : 0;
}

int px_ftruncate_b(int fd, off_t len)
{
	return px_ftruncate_a(fd, len);
}

int px_truncate_a(const char *path, off_t len)
{
	int fd = px_open(path, O_WRONLY, 0), r, saved;

	if (fd < 0)
		return -1;
	r = px_ftruncate_a(fd, len);
	saved = errno;
	close(fd);
	errno = saved;
	return r;
}

int px_truncate_b(const char *path, off_t len)
{
	return px_truncate_a(path, len);
}

int pipe2(int fds[2], int flags)
{
	struct vfs_pipe_in in = { .flags = (flags & O_CLOEXEC ? VO_CLOEXEC : 0) | (flags & O_NONBLOCK ? VO_NONBLOCK : 0) };
	struct vfs_pipe_out out;
	int r;

	if (flags & ~(O_CLOEXEC | O_NONBLOCK)) {
		return px_fail(-XE_EINVAL);
	}
	r = vfs_call_pipe(px_vfs, &in, &out);
	if (r < 0)
		return px_fail(r);
	fds[0] = (int)out.rfd;
	fds[1] = (int)out.wfd;
	px_fd_forget(fds[0]);
	px_fd_forget(fds[1]);
	return 0;
}

int pipe(int fds[2])
{
	return pipe2(fds, 0);
}
