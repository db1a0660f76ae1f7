/*
 * libposix/mman.c — mmap, munmap, mprotect: requests to the memory server.
 *
 * Anonymous memory (private or shared) is served now; file mappings need the
 * VFS and fail with ENODEV (EBADF for a bad descriptor) until it exists.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>

#include <exo/errno.h>
#include <exo/memory.h>

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

void *px_mmap(void *addr, size_t len, int prot, int flags, int fd, int64_t off)
{
	int type = flags & MAP_TYPE;
	exo_msg_t m = { 0 };
	uint64_t in[6];
	int r;

	if (len == 0 || (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)) ||
	    (type != MAP_PRIVATE && type != MAP_SHARED && type != MAP_SHARED_VALIDATE) || off < 0) {
		errno = EINVAL;
		return MAP_FAILED;
	}
	if (!(flags & MAP_ANONYMOUS)) {
		errno = fd < 0 ? EBADF : ENODEV;
		return MAP_FAILED;
	}
	if ((flags & MAP_FIXED) && ((uintptr_t)addr & (EXO_PAGE_SIZE - 1))) {
		errno = EINVAL;
		return MAP_FAILED;
	}
	in[0] = len;
	in[1] = rights(prot);
	in[2] = (type == MAP_PRIVATE ? 0 : MEM_SHARED) | (flags & MAP_FIXED ? MEM_FIXED : 0);
	in[3] = (uintptr_t)addr;
	in[4] = 0;
	in[5] = 0;
	r = px_mem_call(MEM_MMAP, 6, in, &m);
	if (r < 0) {
		px_fail(r);
		return MAP_FAILED;
	}
	return (void *)(uintptr_t)m.mr[0];
}

void *px_mmap64(void *addr, size_t len, int prot, int flags, int fd, int64_t off)
{
	return px_mmap(addr, len, prot, flags, fd, off);
}

int munmap(void *addr, size_t len)
{
	exo_msg_t m = { 0 };
	uint64_t in[2] = { (uintptr_t)addr, len };
	int r;

	if (len == 0 || ((uintptr_t)addr & (EXO_PAGE_SIZE - 1))) {
		errno = EINVAL;
		return -1;
	}
	r = px_mem_call(MEM_MUNMAP, 2, in, &m);
	return r < 0 ? px_fail(r) : 0;
}

int mprotect(void *addr, size_t len, int prot)
{
	exo_msg_t m = { 0 };
	uint64_t in[3] = { (uintptr_t)addr, len, rights(prot) };
	int r;

	if (((uintptr_t)addr & (EXO_PAGE_SIZE - 1)) || (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC))) {
		errno = EINVAL;
		return -1;
	}
	r = px_mem_call(MEM_MPROTECT, 3, in, &m);
	return r < 0 ? px_fail(r) : 0;
}
