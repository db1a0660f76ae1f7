/*
 * sim/lib/lx.c — the host shim (see lx.h): raw system calls, and the few glibc
 * thread functions looked up by their version in libc itself.
 */
#define _GNU_SOURCE
#include "lx.h"

#include <dlfcn.h>
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

static long sys_ret(long r)
{
	return r < 0 ? -errno : r;
}

int lx_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	long fd, r;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = syscall(SYS_socket, AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	do
		r = syscall(SYS_connect, fd, &sa, sizeof(sa));
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		r = -errno;
		syscall(SYS_close, fd);
		return (int)r;
	}
	return (int)fd;
}

long lx_sendv(int fd, const struct lx_iov *iov, int n)
{
	struct iovec v[16];
	struct msghdr mh = { .msg_iov = v, .msg_iovlen = (size_t)n };
	long r;

	if (n > 16)
		return -EINVAL;
	for (int i = 0; i < n; i++) {
		v[i].iov_base = (void *)iov[i].base;
		v[i].iov_len = iov[i].len;
	}
	do
		r = syscall(SYS_sendmsg, fd, &mh, MSG_NOSIGNAL);
	while (r < 0 && errno == EINTR);
	return sys_ret(r);
}

long lx_recv(int fd, void *buf, size_t len)
{
	long r;

	do
		r = syscall(SYS_recvfrom, fd, buf, len, MSG_TRUNC, NULL, NULL);
	while (r < 0 && errno == EINTR);
	return sys_ret(r);
}

int lx_close(int fd)
{
	return (int)sys_ret(syscall(SYS_close, fd));
}

int lx_getpid(void)
{
	return (int)syscall(SYS_getpid);
}

unsigned lx_getuid(void)
{
	return (unsigned)syscall(SYS_getuid);
}

int lx_set_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return (int)sys_ret(syscall(SYS_sched_setaffinity, 0, sizeof(set), &set));
}

/* glibc's own thread functions, whatever an application defines. */
static void *libc_sym(const char *name, const char *version)
{
	static void *libc;
	void *p;

	if (!libc)
		libc = dlopen("libc.so.6", RTLD_LAZY | RTLD_NOLOAD);
	if (!libc)
		return NULL;
	p = dlvsym(libc, name, version);
	return p ? p : dlsym(libc, name);
}

typedef int (*create_fn)(unsigned long *, const void *, void *(*)(void *), void *);
typedef int (*detach_fn)(unsigned long);
typedef unsigned long (*self_fn)(void);
typedef void (*exit_fn)(void *);
typedef int (*atfork_fn)(void (*)(void), void (*)(void), void (*)(void), void *);

int lx_thread_start(void *(*fn)(void *), void *arg)
{
	create_fn create = (create_fn)libc_sym("pthread_create", "GLIBC_2.34");
	detach_fn detach = (detach_fn)libc_sym("pthread_detach", "GLIBC_2.34");
	unsigned long th;
	int r;

	if (!create || !detach)
		return -ENOSYS;
	r = create(&th, NULL, fn, arg);
	if (r != 0)
		return -r;
	detach(th);
	return 0;
}

_Noreturn void lx_thread_exit(void)
{
	exit_fn ex = (exit_fn)libc_sym("pthread_exit", "GLIBC_2.34");

	if (ex)
		ex(NULL);
	for (;;)
		syscall(SYS_exit, 0);
}

int lx_atfork_child(void (*child)(void))
{
	/* pthread_atfork lives in libc_nonshared; this is what it calls. */
	atfork_fn af = (atfork_fn)libc_sym("__register_atfork", "GLIBC_2.3.2");

	if (!af)
		return -ENOSYS;
	return -af(NULL, NULL, child, NULL);
}
