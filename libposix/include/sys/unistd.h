/*
 * libposix/include/sys/unistd.h — picolibc's <sys/unistd.h> (which
 * <unistd.h> includes), plus the calls libposix defines that it does not
 * declare: brk, the saved-id calls (getresuid, setresuid...). For the
 * riscv64 build.
 *
 * picolibc's setgroups takes an int count; libposix's, as Linux's, a
 * size_t. picolibc's prototype is declared under another name and Linux's
 * is the one here.
 */
#ifndef EXO_LIBPOSIX_SYS_UNISTD_H
#define EXO_LIBPOSIX_SYS_UNISTD_H

#define setgroups __px_picolibc_setgroups
#include_next <sys/unistd.h>
#undef setgroups
#include <sys/cdefs.h>

__BEGIN_DECLS

#if __BSD_VISIBLE
int brk(void *addr);
int setgroups(size_t size, const gid_t *list);
#endif

#if __GNU_VISIBLE
int getresuid(uid_t *r, uid_t *e, uid_t *s);
int getresgid(gid_t *r, gid_t *e, gid_t *s);
int setresuid(uid_t r, uid_t e, uid_t s);
int setresgid(gid_t r, gid_t e, gid_t s);
#endif

__END_DECLS

#endif
