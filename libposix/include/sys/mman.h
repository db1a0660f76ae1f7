/*
 * libposix/include/sys/mman.h — memory mappings: mmap, munmap, mprotect,
 * shm_open, shm_unlink (libposix/mman.c, libposix/shm.c).
 *
 * picolibc has no <sys/mman.h>; this one serves the riscv64 build. The
 * values are Linux's; libposix turns them into the memory server's.
 */
#ifndef EXO_LIBPOSIX_SYS_MMAN_H
#define EXO_LIBPOSIX_SYS_MMAN_H

#include <sys/types.h>

__BEGIN_DECLS

#define PROT_NONE 0x0
#define PROT_READ 0x1
#define PROT_WRITE 0x2
#define PROT_EXEC 0x4

#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_ANON MAP_ANONYMOUS
#if __GNU_VISIBLE || __BSD_VISIBLE
#define MAP_SHARED_VALIDATE 0x03
#define MAP_TYPE 0x0f /* the sharing type's bits */
#endif

#define MAP_FAILED ((void *)-1)

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int munmap(void *addr, size_t len);
int mprotect(void *addr, size_t len, int prot);

int shm_open(const char *name, int oflag, mode_t mode);
int shm_unlink(const char *name);

__END_DECLS

#endif
