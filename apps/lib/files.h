/*
 * apps/lib/files.h — small pieces the file utilities share (cp, ln, mv).
 */
#ifndef APPS_FILES_H
#define APPS_FILES_H

#include <stddef.h>

/*
 * The last component of path p ("a/b/" -> "b", "/" -> "/"), copied into buf
 * (size bytes, truncated, NUL-terminated); returns buf.
 */
const char *apps_base_name(const char *p, char *buf, size_t size);

/*
 * Copy what fd in holds from its offset to its end into fd out, writing on
 * after a short write and retrying a call a signal interrupted. Returns 0,
 * or the errno of the call that failed: negative for a read, positive for a
 * write.
 */
int apps_copy_fd(int in, int out);

#endif
