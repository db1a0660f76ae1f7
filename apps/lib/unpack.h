/*
 * apps/lib/unpack.h — unpack a ustar archive into a directory.
 */
#ifndef APPS_UNPACK_H
#define APPS_UNPACK_H

#include <stddef.h>

/*
 * Read a ustar stream from fd (sequentially: a pipe or a device will do)
 * and make its directories, regular files (contents, permission bits,
 * modification time), symbolic links and hard links under the existing
 * directory root. Every header is checked (magic, checksum, octal fields,
 * sizes, names) before anything is made for it; names must be relative and
 * stay under root (no "..", no absolute names, never through a symbolic
 * link — neither one from the archive nor one already there).
 *
 * Returns the number of entries made, or -1 with a one-line reason in err
 * (at most errlen bytes, NUL-terminated). Entries before a bad one stay.
 */
int unpack_tar(int fd, const char *root, char *err, size_t errlen);

#endif
