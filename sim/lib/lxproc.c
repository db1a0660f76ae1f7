/*
 * sim/lib/lxproc.c — the host shim for processes and signals (lxproc.h).
 */
#define _GNU_SOURCE
#include "lxproc.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long sys_ret(long r)
{
	return r < 0 ? -errno : r;
}

/* glibc's own symbol, whatever the program defines (see lx.c). */
static void *libc_sym(const char *name, const char *version)
{
	void *p = dlsym(RTLD_NEXT, name);

	return p ? p : dlvsym(RTLD_DEFAULT, name, version);
}

int exo_lx_fork(void)
{
	int (*f)(void) = (int (*)(void))libc_sym("fork", "GLIBC_2.2.5");
	int r;

	if (!f)
		return -ENOSYS;
	r = f();
	return r < 0 ? -errno : r;
}

int exo_lx_pipe(int fds[2])
{
	return (int)sys_ret(syscall(SYS_pipe2, fds, O_CLOEXEC));
}

long exo_lx_read(int fd, void *buf, size_t n)
{
	long r;

	do
		r = syscall(SYS_read, fd, buf, n);
	while (r < 0 && errno == EINTR);
	return sys_ret(r);
}

long exo_lx_write(int fd, const void *buf, size_t n)
{
	long r;

	do
		r = syscall(SYS_write, fd, buf, n);
	while (r < 0 && errno == EINTR);
	return sys_ret(r);
}

int exo_lx_waitpid(int pid)
{
	long r;

	do
		r = syscall(SYS_wait4, pid, NULL, __WALL, NULL);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : 0;
}

_Noreturn void exo_lx_exit_group(int status)
{
	for (;;)
		syscall(SYS_exit_group, status);
}

int exo_lx_die_with_parent(void)
{
	return (int)sys_ret(syscall(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0));
}

int exo_lx_getppid(void)
{
	return (int)syscall(SYS_getppid);
}

int exo_lx_setpgid_self(void)
{
	return (int)sys_ret(syscall(SYS_setpgid, 0, 0));
}

int exo_lx_gettid(void)
{
	return (int)syscall(SYS_gettid);
}

int exo_lx_exec_image(const void *img, size_t len, const char *name, char *const argv[], char *const envp[])
{
	long fd = syscall(SYS_memfd_create, name, MFD_CLOEXEC);
	const char *p = img;
	int err;

	if (fd < 0)
		return -errno;
	while (len > 0) {
		long w = exo_lx_write((int)fd, p, len);

		if (w <= 0) {
			syscall(SYS_close, fd);
			return w < 0 ? (int)w : -EIO;
		}
		p += w;
		len -= (size_t)w;
	}
	syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
	err = -errno;
	if (err != -E2BIG && err != -ENOMEM) {
		/*
		 * Where execveat is not there (Valgrind does not run it), the file by
		 * its /proc name, from a descriptor that stays open across the exec
		 * (Valgrind's launcher opens the program after its own exec).
		 */
		long keep = syscall(SYS_fcntl, fd, F_DUPFD, 3);
		char path[40];

		if (keep >= 0) {
			snprintf(path, sizeof(path), "/proc/self/fd/%ld", keep);
			syscall(SYS_execve, path, argv, envp);
			err = -errno;
			syscall(SYS_close, keep);
		}
	}
	syscall(SYS_close, fd);
	return err;
}

/* The kernel's sigaction: glibc's adds its restorer, which x86_64 requires. */
typedef int (*sigaction_fn)(int, const struct sigaction *, struct sigaction *);

static void to_set(uint64_t bits, sigset_t *set)
{
	sigemptyset(set);
	for (int s = 1; s < 64; s++)
		if (bits & (1ull << (s - 1)))
			sigaddset(set, s);
}

int exo_lx_sigaction(int sig, int how, exo_lx_sighandler h, uint64_t mask, int nodefer)
{
	sigaction_fn sa_fn = (sigaction_fn)libc_sym("sigaction", "GLIBC_2.2.5");
	struct sigaction sa;

	if (!sa_fn)
		return -ENOSYS;
	memset(&sa, 0, sizeof(sa));
	if (how == 0) {
		sa.sa_handler = SIG_DFL;
	} else if (how == 1) {
		sa.sa_handler = SIG_IGN;
	} else {
		sa.sa_sigaction = (void (*)(int, siginfo_t *, void *))(void *)h;
		sa.sa_flags = SA_SIGINFO | (nodefer ? SA_NODEFER : 0);
		to_set(mask, &sa.sa_mask);
	}
	return sa_fn(sig, &sa, NULL) < 0 ? -errno : 0;
}

int exo_lx_sigmask(int how, const uint64_t *set, uint64_t *old)
{
	uint64_t s = set ? *set : 0, o = 0;
	static const int hows[] = { SIG_BLOCK, SIG_UNBLOCK, SIG_SETMASK };

	if (how < 0 || how > 2)
		return -EINVAL;
	if (syscall(SYS_rt_sigprocmask, hows[how], set ? &s : NULL, &o, 8) < 0)
		return -errno;
	if (old)
		*old = o;
	return 0;
}

int exo_lx_sigpending(uint64_t *set)
{
	return (int)sys_ret(syscall(SYS_rt_sigpending, set, 8));
}

int exo_lx_sigsuspend(uint64_t mask)
{
	syscall(SYS_rt_sigsuspend, &mask, 8);
	return -errno;
}

int exo_lx_sigtimedwait(uint64_t set, uint64_t timeout_ns, void *info)
{
	struct timespec ts = { (time_t)(timeout_ns / 1000000000u), (long)(timeout_ns % 1000000000u) };
	long r = syscall(SYS_rt_sigtimedwait, &set, info, timeout_ns == UINT64_MAX ? NULL : &ts, 8);

	return r < 0 ? -errno : (int)r;
}

int exo_lx_sigqueue_self(int sig, uint32_t pid, uint32_t uid, uint64_t value)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	si.si_signo = sig;
	si.si_code = SI_QUEUE;
	si.si_pid = (pid_t)pid;
	si.si_uid = uid;
	si.si_value.sival_ptr = (void *)(uintptr_t)value;
	return (int)sys_ret(syscall(SYS_rt_tgsigqueueinfo, (int)syscall(SYS_getpid), exo_lx_gettid(), sig, &si));
}
