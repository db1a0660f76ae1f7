/*
 * libposix/include/sys/fcntl.h — picolibc's <sys/fcntl.h> (which <fcntl.h>
 * and <sys/file.h> include), plus what it keeps for Cygwin only or lacks:
 * O_TMPFILE, O_NOATIME, O_PATH and AT_NO_AUTOMOUNT (libposix/file.c,
 * libposix/stat.c). For the riscv64 build.
 *
 * The open flags are picolibc's own numbering (libposix/file.c translates
 * them), in which Linux's bits for these three are taken: they get the bits
 * Cygwin's picolibc gives them, and O_TMPFILE carries O_DIRECTORY as on
 * Linux. AT_NO_AUTOMOUNT is Linux's.
 */
#ifndef EXO_LIBPOSIX_SYS_FCNTL_H
#define EXO_LIBPOSIX_SYS_FCNTL_H

#include_next <sys/fcntl.h>

#if __GNU_VISIBLE
#ifndef O_TMPFILE
#define O_TMPFILE (0x800000 | O_DIRECTORY)
#endif
#ifndef O_NOATIME
#define O_NOATIME 0x1000000
#endif
#ifndef O_PATH
#define O_PATH 0x2000000
#endif
#ifndef AT_NO_AUTOMOUNT
#define AT_NO_AUTOMOUNT 0x800
#endif
#endif

#endif
