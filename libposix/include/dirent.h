/*
 * libposix/include/dirent.h — directory streams: opendir, fdopendir,
 * readdir, rewinddir, closedir, dirfd (libposix/dir.c, over the VFS's
 * GETDENTS).
 *
 * picolibc's <dirent.h> stops with "not supported" (it leaves struct dirent
 * and DIR to the system); this one serves the riscv64 build in its place.
 * struct dirent has glibc's fields and the DT_* numbers are Linux's. DIR
 * stays opaque: libposix defines struct __dirstream.
 */
#ifndef EXO_LIBPOSIX_DIRENT_H
#define EXO_LIBPOSIX_DIRENT_H

#include <sys/types.h>

__BEGIN_DECLS

struct dirent {
	ino_t d_ino;
	off_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[256];
};

#define DT_UNKNOWN 0
#define DT_FIFO 1
#define DT_CHR 2
#define DT_DIR 4
#define DT_BLK 6
#define DT_REG 8
#define DT_LNK 10
#define DT_SOCK 12
#define DT_WHT 14

typedef struct __dirstream DIR;

DIR *opendir(const char *path);
DIR *fdopendir(int fd);
struct dirent *readdir(DIR *d);
void rewinddir(DIR *d);
int closedir(DIR *d);
int dirfd(DIR *d);

__END_DECLS

#endif
