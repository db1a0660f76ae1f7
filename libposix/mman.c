/*
 * libposix/mman.c — mmap, munmap, mprotect: requests to the memory server.
 *
 * Anonymous memory (private or shared) comes from the memory server. A
 * descriptor is mapped as the VFS says (VFS_MMAP): a file in /dev/shm
 * (shm_open) is a shared object of the memory server, mapped MAP_SHARED or
 * copied MAP_PRIVATE; another regular file maps MAP_PRIVATE only, as a copy
 * of its bytes taken at mmap time (POSIX leaves it unspecified whether later
 * writes to the file show in a private mapping); /dev/zero maps anonymous
 * memory. Anything else is ENODEV.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include <exo/errno.h>
#include <exo/memory.h>
#include "memory_proto.h"
#include <exo/vfs.h>
#include "vfs_proto.h"

#include "px.h"

static unsigned rights(int prot)
{
	return (prot & PROT_READ ? EXO_R : 0) | (prot & PROT_WRITE ? EXO_W | EXO_R : 0) |
	       (prot & PROT_EXEC ? EXO_X | EXO_R : 0);
}

/*
 * The C library's headers may rename mmap to mmap64 (large file support);
 * a program may call either, so both symbols are defined here.
 */
void *px_mmap(void *addr, size_t len, int prot, int flags, int fd, int64_t off) __asm__("mmap");
void *px_mmap64(void *addr, size_t len, int prot, int flags, int fd, int64_t off) __asm__("mmap64");

static void *map_memory(void *addr, size_t len, int prot, int flags, uint64_t shm, int64_t off)
{
	struct memory_mmap_in in = {
		.len = len,
		.prot = rights(prot),
		.flags = ((flags & MAP_TYPE) == MAP_PRIVATE ? 0 : MEM_SHARED) | (flags & MAP_FIXED ? MEM_FIXED : 0),
		.hint = (uintptr_t)addr,
		.shm = shm,
		.offset = (uint64_t)off,
	};
	struct memory_mmap_out out;
	int r = memory_call_mmap(px_mem_transport, &in, &out);

	if (r < 0) {
		px_fail(r);
		return MAP_FAILED;
	}
	return (void *)(uintptr_t)out.addr;
}

/* A private copy of a file's bytes [off, off + len), zeros past its end. */
static void *map_copy(void *addr, size_t len, int prot, int flags, int fd, int64_t off)
{
	int anon = MAP_PRIVATE | MAP_ANONYMOUS | (flags & MAP_FIXED);
	uint8_t *p = px_mmap(addr, len, PROT_READ | PROT_WRITE, anon, -1, 0);
	size_t done = 0;

	if (p == MAP_FAILED)
		return p;
	while (done < len) {
		ssize_t n = pread(fd, p + done, len - done, off + (int64_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			munmap(p, len);
			errno = e == EBADF ? EACCES : e;
			return MAP_FAILED;
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	if (prot != (PROT_READ | PROT_WRITE) && mprotect(p, len, prot) < 0) {
		int e = errno;

		munmap(p, len);
		errno = e;
		return MAP_FAILED;
	}
	return p;
}

/* A failed mmap: errno set once here, as every libposix call sets it (px_fail). */
static void *map_fail(int neg_xe)
{
	px_fail(neg_xe);
	return MAP_FAILED;
}

static void *map_file(void *addr, size_t len, int prot, int flags, int fd, int64_t off)
{
	bool shared = (flags & MAP_TYPE) != MAP_PRIVATE;
	struct vfs_mmap_in in = { .fd = (uint64_t)fd, .write_shared = shared && (prot & PROT_WRITE) };
	struct vfs_mmap_out m;
	int r;

	if (fd < 0) {
		return map_fail(-XE_EBADF);
	}
	if (off & (EXO_PAGE_SIZE - 1)) {
		return map_fail(-XE_EINVAL);
	}
	r = vfs_call_mmap(px_vfs, &in, &m);
	if (r < 0) {
		px_fail(r);
		return MAP_FAILED;
	}
	if (m.kind & VMAP_ZERO) /* /dev/zero: anonymous memory, shared or not */
		return map_memory(addr, len, prot, flags, 0, 0);
	if (shared && m.object)
		return map_memory(addr, len, prot, flags, m.object, off);
	if (shared) {
		return map_fail(-XE_ENODEV); /* ramfs files map privately only */
	}
	return map_copy(addr, len, prot, flags, fd, off);
}

void *px_mmap(void *addr, size_t len, int prot, int flags, int fd, int64_t off)
{
	int type = flags & MAP_TYPE;

	if (len == 0 || (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)) ||
	    (type != MAP_PRIVATE && type != MAP_SHARED && type != MAP_SHARED_VALIDATE) || off < 0) {
		return map_fail(-XE_EINVAL);
	}
	if ((flags & MAP_FIXED) && ((uintptr_t)addr & (EXO_PAGE_SIZE - 1))) {
		return map_fail(-XE_EINVAL);
	}
	if (!(flags & MAP_ANONYMOUS))
		return map_file(addr, len, prot, flags, fd, off);
	return map_memory(addr, len, prot, flags, 0, 0);
}

void *px_mmap64(void *addr, size_t len, int prot, int flags, int fd, int64_t off)
{
	return px_mmap(addr, len, prot, flags, fd, off);
}

int munmap(void *addr, size_t len)
{
	struct memory_munmap_in in = { .addr = (uintptr_t)addr, .len = len };
	int r;

	if (len == 0 || ((uintptr_t)addr & (EXO_PAGE_SIZE - 1))) {
		return px_fail(-XE_EINVAL);
	}
	r = memory_call_munmap(px_mem_transport, &in);
	return r < 0 ? px_fail(r) : 0;
}

int mprotect(void *addr, size_t len, int prot)
{
	struct memory_mprotect_in in = { .addr = (uintptr_t)addr, .len = len, .prot = rights(prot) };
	int r;

	if (((uintptr_t)addr & (EXO_PAGE_SIZE - 1)) || (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC))) {
		return px_fail(-XE_EINVAL);
	}
	r = memory_call_mprotect(px_mem_transport, &in);
	return r < 0 ? px_fail(r) : 0;
}
