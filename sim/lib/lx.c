/*
 * sim/lib/lx.c — the host shim (see lx.h): raw system calls, and the few glibc
 * thread functions looked up by their version in libc itself.
 */
#define _GNU_SOURCE
#include "lx.h"

#include <dlfcn.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <stdatomic.h>
#include <time.h>
#include <ucontext.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

static long sys_ret(long r)
{
	return r < 0 ? -errno : r;
}

int exo_lx_connect(const char *path)
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

long exo_lx_sendv(int fd, const struct exo_lx_iov *iov, int n)
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

long exo_lx_recv(int fd, void *buf, size_t len)
{
	long r;

	do
		r = syscall(SYS_recvfrom, fd, buf, len, MSG_TRUNC, NULL, NULL);
	while (r < 0 && errno == EINTR);
	return sys_ret(r);
}

int exo_lx_close(int fd)
{
	return (int)sys_ret(syscall(SYS_close, fd));
}

int exo_lx_getpid(void)
{
	return (int)syscall(SYS_getpid);
}

unsigned exo_lx_getuid(void)
{
	return (unsigned)syscall(SYS_getuid);
}

int exo_lx_set_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return (int)sys_ret(syscall(SYS_sched_setaffinity, 0, sizeof(set), &set));
}

/*
 * The host's own functions, whatever the program defines. libexo is always
 * linked into the program itself, so RTLD_NEXT is everything but the
 * program: the C library, and a sanitizer runtime's interceptors ahead of it
 * when there is one (they must see the threads and handlers we make). Failing
 * that, glibc's symbol by version. No dlopen: sanitizer runtimes intercept
 * it, and libexo may be entered from inside their initialisation.
 */
static void *libc_sym(const char *name, const char *version)
{
	void *p = dlsym(RTLD_NEXT, name);

	return p ? p : dlvsym(RTLD_DEFAULT, name, version);
}

typedef int (*create_fn)(unsigned long *, const void *, void *(*)(void *), void *);
typedef int (*detach_fn)(unsigned long);
typedef unsigned long (*self_fn)(void);
typedef void (*exit_fn)(void *);
typedef int (*atfork_fn)(void (*)(void), void (*)(void), void (*)(void), void *);

int exo_lx_futex_wait(const uint32_t *word, uint32_t expected, uint64_t timeout_ns)
{
	struct timespec ts = { .tv_sec = (time_t)(timeout_ns / 1000000000u), .tv_nsec = (long)(timeout_ns % 1000000000u) };

	return (int)sys_ret(syscall(SYS_futex, word, FUTEX_WAIT, expected, timeout_ns == UINT64_MAX ? NULL : &ts, NULL, 0));
}

int exo_lx_futex_wake(const uint32_t *word, uint32_t n)
{
	return (int)sys_ret(syscall(SYS_futex, word, FUTEX_WAKE, n > INT32_MAX ? INT32_MAX : (int)n, NULL, NULL, 0));
}

int exo_lx_thread_start(void *(*fn)(void *), void *arg)
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

_Noreturn void exo_lx_thread_exit(void)
{
	exit_fn ex = (exit_fn)libc_sym("pthread_exit", "GLIBC_2.34");

	if (ex)
		ex(NULL);
	for (;;)
		syscall(SYS_exit, 0);
}

int exo_lx_atfork_child(void (*child)(void))
{
	/* pthread_atfork lives in libc_nonshared; this is what it calls. */
	atfork_fn af = (atfork_fn)libc_sym("__register_atfork", "GLIBC_2.3.2");

	if (!af)
		return -ENOSYS;
	return -af(NULL, NULL, child, NULL);
}

long exo_lx_mmap(uint64_t addr, uint64_t len, int prot, int flags, int fd, uint64_t off)
{
	return sys_ret(syscall(SYS_mmap, addr, len, prot, flags, fd, off));
}

int exo_lx_munmap(uint64_t addr, uint64_t len)
{
	return (int)sys_ret(syscall(SYS_munmap, addr, len));
}

int exo_lx_mprotect(uint64_t addr, uint64_t len, int prot)
{
	return (int)sys_ret(syscall(SYS_mprotect, addr, len, prot));
}

int exo_lx_prot(unsigned rights)
{
	return (rights & 4 ? PROT_READ : 0) | (rights & 2 ? PROT_WRITE : 0) | (rights & 1 ? PROT_EXEC : 0);
}

long exo_lx_recv_fd(int fd, void *buf, size_t len, int *passed)
{
	struct iovec iov = { buf, len };
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b,
			     .msg_controllen = sizeof(u.b) };
	struct cmsghdr *cm;
	long r;

	*passed = -1;
	do
		r = syscall(SYS_recvmsg, fd, &mh, MSG_CMSG_CLOEXEC);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
			memcpy(passed, CMSG_DATA(cm), sizeof(int));
	return r;
}

typedef int (*sigaction_fn)(int, const struct sigaction *, struct sigaction *);

int exo_lx_on_segv(void (*handler)(int, void *, void *))
{
	sigaction_fn sa_fn = (sigaction_fn)libc_sym("sigaction", "GLIBC_2.2.5");
	struct sigaction sa;

	if (!sa_fn)
		return -ENOSYS;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = (void (*)(int, siginfo_t *, void *))(void *)handler;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	return sa_fn(SIGSEGV, &sa, NULL) < 0 ? -errno : 0;
}

void exo_lx_segv_default(void)
{
	sigaction_fn sa_fn = (sigaction_fn)libc_sym("sigaction", "GLIBC_2.2.5");
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	if (sa_fn)
		sa_fn(SIGSEGV, &sa, NULL);
}

int exo_lx_fault_info(void *siginfo, void *ucontext, uint64_t *addr, uint64_t *access, uint64_t *ip)
{
	siginfo_t *si = siginfo;

	if (si->si_code <= 0)
		return 0; /* sent by kill(), not a fault */
	*addr = (uint64_t)(uintptr_t)si->si_addr;
	*access = 4;
	*ip = 0;
#if defined(__x86_64__)
	{
		ucontext_t *uc = ucontext;
		unsigned long err = (unsigned long)uc->uc_mcontext.gregs[REG_ERR];

		*access = err & 0x10 ? 1 : err & 0x2 ? 2 : 4;
		*ip = (uint64_t)uc->uc_mcontext.gregs[REG_RIP];
	}
#elif defined(__aarch64__)
	{
		ucontext_t *uc = ucontext;

		*ip = (uint64_t)uc->uc_mcontext.pc;
	}
#endif
	return 1;
}

void exo_lx_block_signals(void)
{
	sigset_t all;

	sigfillset(&all);
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	syscall(SYS_rt_sigprocmask, SIG_BLOCK, &all, NULL, 8);
}

void exo_lx_yield(void)
{
	syscall(SYS_sched_yield);
}

long exo_lx_write_err(const char *s, size_t n)
{
	return syscall(SYS_write, 2, s, n);
}

typedef int (*clock_fn)(clockid_t, struct timespec *);

/*
 * The C library's clock_gettime (the vDSO: no system call for the
 * monotonic and wall clocks), found once; the raw system call without it.
 */
int exo_lx_clock_ns(enum exo_lx_clock which, uint64_t *ns)
{
	static const clockid_t ids[] = { CLOCK_MONOTONIC, CLOCK_REALTIME, CLOCK_PROCESS_CPUTIME_ID,
					 CLOCK_THREAD_CPUTIME_ID };
	static _Atomic(clock_fn) fn;
	static atomic_int looked;
	struct timespec ts;
	clock_fn f = atomic_load_explicit(&fn, memory_order_acquire);
	long r;

	if ((unsigned)which >= sizeof(ids) / sizeof(ids[0]))
		return -EINVAL;
	if (!f && !atomic_load(&looked)) {
		f = (clock_fn)libc_sym("clock_gettime", "GLIBC_2.17");
		atomic_store_explicit(&fn, f, memory_order_release);
		atomic_store(&looked, 1);
	}
	r = f ? f(ids[which], &ts) : syscall(SYS_clock_gettime, ids[which], &ts);
	if (r < 0)
		return -errno;
	*ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	return 0;
}

int exo_lx_sys_time_ns(int thread, uint64_t *ns)
{
	struct rusage ru;

	if (syscall(SYS_getrusage, thread ? RUSAGE_THREAD : RUSAGE_SELF, &ru) < 0)
		return -errno;
	*ns = (uint64_t)ru.ru_stime.tv_sec * 1000000000u + (uint64_t)ru.ru_stime.tv_usec * 1000u;
	return 0;
}
