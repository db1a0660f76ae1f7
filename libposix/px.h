/*
 * libposix/px.h — libposix's internals: errno translation at the POSIX
 * boundary and calls to the servers.
 *
 * Inside libposix a function works with Exo's own error numbers (XE_*, as
 * `-XE_...` results) and sets errno once, at its edge, with px_fail().
 */
#ifndef EXO_LIBPOSIX_PX_H
#define EXO_LIBPOSIX_PX_H

#include <stdint.h>

#include <exo/exo.h>
#include <exo/proc.h>

#include "proc_proto.h"

/* The C library's errno value for an Exo error number. */
int px_errno(int xe);

/* Set errno from a negative Exo error number; returns -1. */
int px_fail(int neg_xe);
/* The same for calls that fail with NULL (opendir, getcwd, realpath...). */
void *px_fail_ptr(int neg_xe);

/* The errno for a failed kernel call (the server is gone, ...). */
int px_kernel_errno(exo_err err);

/*
 * The transport of the memory protocol's stubs (memory_call_*, made from
 * protocols/memory.def): send request m to the memory server, the reply in
 * *m. Returns the reply's label as a negative Exo errno (0 on success).
 */
int px_mem_transport(exo_msg_t *m);

/*
 * The transport of the VFS protocol's stubs (vfs_call_*, made from
 * protocols/vfs.def): send request m to the VFS, the reply in *m. Returns
 * the reply's label as a negative Exo errno (0 on success), -XE_EINTR when a
 * signal ended a request the VFS held, -XE_ENOSYS without a VFS.
 */
int px_vfs(exo_msg_t *m);

/*
 * The transport of the device protocol's stubs (dev_call_*, protocols/
 * dev.def) to the device server the VFS redirected a descriptor to: a
 * transport has no argument for it, so the caller names it first, this
 * thread's, with px_dev_use, and puts back the one it returns after:
 *
 *	exo_tid_t old = px_dev_use(server);
 *	r = dev_call_write(px_dev, &in, &out);
 *	px_dev_use(old);
 *
 * px_dev returns the reply's label as a negative Exo errno (0 on success),
 * -XE_EINTR when a signal ended a request the server held, -XE_EIO when the
 * server is gone.
 */
exo_tid_t px_dev_use(exo_tid_t server);
int px_dev(exo_msg_t *m);

/*
 * The label field of a VFS request's path that starts at directory
 * descriptor fd (the *at calls; AT_FDCWD: the working directory, 0). A
 * descriptor that cannot exist is passed on as one the VFS will refuse
 * (EBADF), for relative paths only.
 */
uint32_t px_atfd(int fd);

/*
 * The transport of the scheduler's stubs (sched_proto.h, exo_proto_call_fn):
 * call the scheduler server with request m, the reply in m. Returns the
 * reply's label as a negative Exo errno (0 on success), -XE_EINTR when the
 * call was aborted, -XE_ENOSYS without a scheduler.
 */
int px_sched_call(exo_msg_t *m);

/*
 * A call that a signal interrupted (EXO_ECANCELED): tell the server to drop
 * the request it holds back for the caller (EXO_LABEL_CANCEL).
 */
void px_cancel(exo_tid_t server);

/*
 * The transport of the process protocol's stubs (proc_call_*, protocols/
 * proc.def): send request m to the process server, the reply in m. Returns
 * the reply's label as a negative Exo errno (0 on success), -XE_EINTR when a
 * signal ended a WAIT (the only call that waits there), -XE_ENOSYS without
 * a process server.
 */
int px_proc(exo_msg_t *m);

/* Exo's signal number for the C library's, and back (0 if none). */
int px_sig_to_exo(int sig);
int px_sig_from_exo(int xsig);
/* A wait status (exo/signal.h) in the C library's layout. */
int px_wstatus(uint32_t xstatus);
/* After a fork, in the child: forget what belonged to the parent. */
void px_forked_child(void);
/* The stdio bridge: flush the streams before an exec (stdio_glibc.c, stdio_picolibc.c). */
void px_stdio_flush(void);

/*
 * The image half of exec, one file per kind of kernel: image_host.c where
 * the kernel runs host executables (the sim), image_elf.c where programs
 * are loaded at user level (riscv64). px_image_load checks the image and
 * prepares all its start needs, leaving the old program intact: 0 or a
 * negative Exo errno (ENOEXEC, E2BIG, ENOMEM). px_image_start, past the
 * point of no return, starts it; it returns only if the kernel refused.
 */
struct px_image {
	const char *img;                /* host: the image and its strings */
	size_t len;
	char *const *argv, *const *envp;
	uint64_t entry, sp, argc, argv_at; /* loaded: where the new program starts */
};
int px_image_load(struct px_image *im, const char *img, size_t len, char *const argv[], char *const envp[]);
void px_image_start(struct px_image *im, const char *name);

/* Limits sysconf tells and the calls behind them keep. */
#define PX_ARG_MAX (256 * 1024) /* exec's argv and envp together */
#define PX_CLK_TCK 100          /* clock ticks per second of times() */

/* The ELF machine this libposix's programs are built for (0: any). */
#if defined(__x86_64__)
#define PX_ELF_MACHINE 62
#elif defined(__aarch64__)
#define PX_ELF_MACHINE 183
#elif defined(__riscv)
#define PX_ELF_MACHINE 243
#else
#define PX_ELF_MACHINE 0
#endif
/*
 * What a caught signal does to the server call the thread is blocked in
 * (after the handler ran): PX_INTR_SA ends it with EINTR unless the action
 * has SA_RESTART; PX_INTR_EINTR always ends it (sleeps, poll: POSIX never
 * restarts them); PX_INTR_NONE lets it go on (a call that does not block
 * in the server: its reply is on the way, and ending it would lose what
 * the server did). px_intr sets the calling thread's mode, returns the old.
 */
enum { PX_INTR_SA, PX_INTR_EINTR, PX_INTR_NONE };
int px_intr(int mode);
/* The signal a broken pipe raises (EPIPE from a write). */
void px_sigpipe(void);

/* Forget what is cached about a descriptor (close, dup2 onto it). */
void px_fd_forget(int fd);

#endif
