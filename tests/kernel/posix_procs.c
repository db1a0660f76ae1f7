/*
 * tests/kernel/posix_procs.c — processes and signals through libposix, on
 * any kernel: the same program runs on exosim and on the riscv64 kernel
 * (where fork, exec and signals are the kernel's own, hw/riscv64/kernel
 * space.c and signal.c). Booted with the whole system's servers in place
 * of init, it first unpacks the root image (/dev/initrd) as init would, so
 * that /bin/sh is there to exec.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <exo/memory.h>
#include <exo/signal.h>
#if defined(__riscv)
#include "../../hw/riscv64/common/abi.h"
#endif

#include "tap.h"
#include "unpack.h"

static volatile sig_atomic_t usr1, chld, alrm;

static void on_usr1(int sig)
{
	usr1++;
}

static void on_chld(int sig)
{
	chld++;
}

static void on_alrm(int sig)
{
	alrm++;
}

/* waitpid's status, or -1; a caught SIGCHLD (on_chld) may end a wait with EINTR: wait again. */
static int status_of(pid_t pid, int options)
{
	int st = -1;
	pid_t r;

	while ((r = waitpid(pid, &st, options)) == -1 && errno == EINTR)
		;
	return r == pid ? st : -1;
}

static void forks(void)
{
	pid_t pid;
	int st;

	pid = fork();
	if (pid == 0)
		_exit(7);
	T_OK(pid > 0, "fork");
	st = status_of(pid, 0);
	T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 7, "the child's _exit(7) is its status (%#x)", st);
	pid = fork();
	if (pid == 0) {
		raise(SIGTERM);
		_exit(1);
	}
	st = status_of(pid, 0);
	T_OK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "a child that raises SIGTERM ends by it (%#x)", st);
	T_EQ(waitpid(-1, &st, WNOHANG) == -1 && errno == ECHILD, 1, "no children left: ECHILD");
}

static void execs(void)
{
	char *env[] = { "X=hi", NULL };
	pid_t pid;
	int st, p[2], fd;
	char buf[16] = { 0 };

	pid = fork();
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", "exit 5", (char *)NULL);
		_exit(127);
	}
	st = status_of(pid, 0);
	T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 5, "exec of /bin/sh -c 'exit 5': status 5 (%#x)", st);
	pid = fork();
	if (pid == 0) {
		execle("/bin/sh", "sh", "-c", "test \"$X\" = hi", (char *)NULL, env);
		_exit(127);
	}
	st = status_of(pid, 0);
	T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "execle passes the environment (%#x)", st);
	T_EQ(pipe(p), 0, "a pipe");
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		execl("/bin/echo", "echo", "ping", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	T_EQ(read(p[0], buf, sizeof(buf) - 1), 5, "an exec'd child's stdout reaches the parent through it");
	T_OK(!strcmp(buf, "ping\n"), "... \"ping\\n\"");
	close(p[0]);
	st = status_of(pid, 0);
	T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "... and it exits 0");
	T_EQ(execl("/no/such/program", "x", (char *)NULL) == -1 && errno == ENOENT, 1, "exec of a missing file: ENOENT");
	fd = open("/tmp-text", O_CREAT | O_WRONLY, 0755);
	T_OK(fd >= 0 && write(fd, "not a program\n", 14) == 14 && close(fd) == 0, "a text file with x bits");
	T_EQ(execl("/tmp-text", "x", (char *)NULL) == -1 && errno == ENOEXEC, 1, "exec of it: ENOEXEC, the caller goes on");
	unlink("/tmp-text");
}

/*
 * The user-level loader (libposix/image_elf.c, riscv64) refuses what it
 * cannot run before the point of no return: copies of /bin/echo spoiled
 * one way each are ENOEXEC and the caller goes on. The sim's kernel runs
 * host executables, which the host checks after that point: skipped there.
 */
#if defined(__riscv)
#define USER_LOADER 1
#else
#define USER_LOADER 0
#endif
#define ELF_PHOFF 32
#define ELF_ENTRY 24
#define PH_SIZE 56
enum spoil { SPOIL_INTERP, SPOIL_VM, SPOIL_ENTRY, SPOIL_FILESZ, SPOIL_ORDER, SPOIL_SHORT, SPOIL_COUNT };
static const char *const spoil_what[SPOIL_COUNT] = {
	[SPOIL_INTERP] = "a program that asks for a dynamic linker (PT_INTERP)",
	[SPOIL_VM] = "a segment in the managed range",
	[SPOIL_ENTRY] = "an entry point in no executable segment",
	[SPOIL_FILESZ] = "a segment past the end of the file",
	[SPOIL_ORDER] = "segments out of order",
	[SPOIL_SHORT] = "the program headers cut off",
};

static uint64_t get64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static void put64(unsigned char *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static int spoiled_exec(const unsigned char *img, size_t len, enum spoil how)
{
	unsigned char *c = malloc(len);
	unsigned char *ph = c + get64(img + ELF_PHOFF), *load = NULL, *load2 = NULL;
	size_t out = len;
	int fd, e = 0;

	if (!c)
		return -1;
	memcpy(c, img, len);
	for (unsigned i = 0; i < 8; i++) {
		uint32_t type;

		memcpy(&type, ph + i * PH_SIZE, 4);
		if (type == 1 && !load)
			load = ph + i * PH_SIZE;
		else if (type == 1 && !load2)
			load2 = ph + i * PH_SIZE;
	}
	switch (how) {
	case SPOIL_INTERP: memcpy(ph, &(uint32_t){ 3 }, 4); break;
	case SPOIL_VM: put64(load + 16, EXO_VM_BASE); break;
	case SPOIL_ENTRY: put64(c + ELF_ENTRY, 0x10000); break;
	case SPOIL_FILESZ: put64(load + 32, len * 2), put64(load + 40, len * 2); break;
	case SPOIL_ORDER: put64(load2 + 16, get64(load + 16)); break;
	case SPOIL_SHORT: out = get64(img + ELF_PHOFF) + PH_SIZE / 2; break;
	default: break;
	}
	fd = open("/tmp-spoiled", O_CREAT | O_TRUNC | O_WRONLY, 0755);
	if (fd >= 0 && write(fd, c, out) == (ssize_t)out && close(fd) == 0) {
		execl("/tmp-spoiled", "spoiled", (char *)NULL);
		e = errno;
	}
	free(c);
	unlink("/tmp-spoiled");
	return e;
}

static void loader(void)
{
	struct stat st;
	unsigned char *img = NULL;
	int fd = open("/bin/echo", O_RDONLY);

	if (fd >= 0 && fstat(fd, &st) == 0 && (img = malloc((size_t)st.st_size)) != NULL &&
	    read(fd, img, (size_t)st.st_size) != st.st_size) {
		free(img);
		img = NULL;
	}
	if (fd >= 0)
		close(fd);
	T_OK(img != NULL, "read /bin/echo");
	for (int how = 0; how < SPOIL_COUNT; how++) {
		if (USER_LOADER)
			T_EQ(img ? spoiled_exec(img, (size_t)st.st_size, (enum spoil)how) : -1, ENOEXEC, spoil_what[how]);
		else
			T_SKIP("the sim runs host executables", "exec of %s: ENOEXEC", spoil_what[how]);
	}
	free(img);
	{
		/* Arguments past what the new stack takes: E2BIG, on every kernel. */
		size_t n = 300 * 1024;
		char *big = malloc(n + 1);

		if (big) {
			memset(big, 'a', n);
			big[n] = 0;
		}
		T_EQ(big && execl("/bin/echo", "echo", big, (char *)NULL) == -1 ? errno : 0, E2BIG,
		     "exec with 300 KiB of arguments: E2BIG, the caller goes on");
		free(big);
	}
}

/*
 * The kernel writes a handler's frame below the stack pointer itself. On a
 * stack the memory server pages (riscv64: every exec'd program's, and any
 * page shared copy-on-write since a fork) that page may not be mapped yet:
 * the kernel must have the pager bring it, not end the space. Here the
 * stack pointer is moved over fresh anonymous memory, nothing of it
 * touched, and SIGUSR1 raised by a bare ecall there, so that the frame is
 * the first thing ever written to those pages. The handler counts usr1.
 */
static int untouched_stack_signal(void)
{
#if defined(__riscv)
	size_t len = 64 * 1024;
	char *fresh = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	register uint64_t a0 __asm__("a0") = EXO_SIGUSR1;
	register uint64_t a1 __asm__("a1") = 0;
	register uint64_t a7 __asm__("a7") = RV_SYS_SIG_RAISE;
	register uint64_t top __asm__("t1");

	if (fresh == MAP_FAILED)
		return -1;
	top = (uint64_t)(uintptr_t)(fresh + len / 2 + 64);
	__asm__ volatile("mv t0, sp\n\tmv sp, t1\n\tecall\n\tmv sp, t0"
			 : "+r"(a0), "+r"(a1)
			 : "r"(a7), "r"(top)
			 : "t0", "a2", "a3", "a4", "a5", "a6", "memory");
	munmap(fresh, len);
	return (int)usr1;
#else
	return 3; /* the sim's stacks are the host's: reported as a skip below */
#endif
}

static void signals(void)
{
	struct sigaction sa;
	sigset_t set, old;
	pid_t pid;
	int st, p[2];
	char c;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	T_EQ(sigaction(SIGUSR1, &sa, NULL), 0, "catch SIGUSR1");
	T_EQ(kill(getpid(), SIGUSR1), 0, "kill(self, SIGUSR1)");
	T_EQ(usr1, 1, "... the handler ran once");
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	T_EQ(sigprocmask(SIG_BLOCK, &set, &old), 0, "block SIGUSR1");
	kill(getpid(), SIGUSR1);
	T_EQ(usr1, 1, "... a blocked one waits");
	T_EQ(sigprocmask(SIG_SETMASK, &old, NULL), 0, "unblock it");
	T_EQ(usr1, 2, "... and it runs then");
	if (USER_LOADER)
		T_EQ(untouched_stack_signal(), 3, "a signal raised with the stack over pages never touched: the handler runs");
	else
		T_SKIP("the sim's stacks are the host's", "a signal raised with the stack over pages never touched");

	sa.sa_handler = on_chld;
	T_EQ(sigaction(SIGCHLD, &sa, NULL), 0, "catch SIGCHLD");
	pid = fork();
	if (pid == 0)
		_exit(0);
	status_of(pid, 0);
	T_OK(chld >= 1, "a child's end raises SIGCHLD (%d)", (int)chld);

	pid = fork();
	if (pid == 0) {
		for (;;)
			pause();
	}
	T_EQ(kill(pid, SIGSTOP), 0, "SIGSTOP a child");
	st = status_of(pid, WUNTRACED);
	T_OK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP, "waitpid(WUNTRACED) sees it stopped (%#x)", st);
	T_EQ(kill(pid, SIGCONT), 0, "SIGCONT it");
	st = status_of(pid, WCONTINUED);
	T_OK(WIFCONTINUED(st), "waitpid(WCONTINUED) sees it go on (%#x)", st);
	T_EQ(kill(pid, SIGKILL), 0, "SIGKILL it");
	st = status_of(pid, 0);
	T_OK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "... it ends by SIGKILL (%#x)", st);

	/* A signal without SA_RESTART ends a blocked read with EINTR. */
	sa.sa_handler = on_alrm;
	sa.sa_flags = 0;
	T_EQ(sigaction(SIGALRM, &sa, NULL), 0, "catch SIGALRM, no SA_RESTART");
	T_EQ(pipe(p), 0, "an empty pipe");
	alarm(1);
	errno = 0;
	T_EQ(read(p[0], &c, 1) == -1 && errno == EINTR, 1, "a read of it is ended by the alarm: EINTR");
	T_EQ(alrm, 1, "... after the handler ran");
	close(p[0]);
	close(p[1]);
	T_EQ(kill(1000000, SIGTERM) == -1 && errno == ESRCH, 1, "kill of a process that is not there: ESRCH");
	T_EQ(kill(getpid(), 99) == -1 && errno == EINVAL, 1, "kill with signal 99: EINVAL");
}

/*
 * Waits that signals keep interrupting lose nothing: a sibling keeps
 * signalling the parent (a caught SIGUSR1, no SA_RESTART) while children
 * end; each child's status must still reach the parent exactly once. A
 * server that consumed a zombie before the interrupted waiter took the
 * answer would lose one (ECHILD, or a wait that never ends).
 */
#define STORM_CHILDREN 40

static void storm(void)
{
	struct sigaction sa;
	pid_t pids[STORM_CHILDREN], pest, parent = getpid();
	int seen[STORM_CHILDREN] = { 0 }, reaped = 0, odd = 0, st;
	unsigned long intr = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sa.sa_flags = 0;
	sigaction(SIGUSR1, &sa, NULL);
	pest = fork();
	if (pest == 0) {
		for (;;)
			if (kill(parent, SIGUSR1) != 0)
				_exit(0);
	}
	for (int i = 0; i < STORM_CHILDREN; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			_exit(i + 1);
	}
	while (reaped < STORM_CHILDREN) {
		pid_t r = waitpid(-1, &st, 0);

		if (r == -1 && errno == EINTR) {
			intr++;
			continue;
		}
		if (r == -1)
			break; /* ECHILD: a child's end was lost */
		if (r == pest) {
			odd++;
			continue;
		}
		for (int i = 0; i < STORM_CHILDREN; i++)
			if (pids[i] == r) {
				if (seen[i]++ || !WIFEXITED(st) || WEXITSTATUS(st) != i + 1)
					odd++;
				reaped++;
			}
	}
	kill(pest, SIGKILL);
	while (waitpid(pest, &st, 0) == -1 && errno == EINTR)
		;
	sa.sa_handler = SIG_DFL;
	sigaction(SIGUSR1, &sa, NULL);
	T_EQ(reaped, STORM_CHILDREN, "children ending while signals interrupt the waits: all reaped");
	T_EQ(odd, 0, "... each once, with its own status");
	printf("# %lu waits interrupted\n", intr);
}

int main(void)
{
	char err[128] = "";
	int fd = open("/dev/initrd", O_RDONLY);
	struct stat st;

	T_OK(fd >= 0 && unpack_tar(fd, "/", err, sizeof(err)) > 0, "unpack the root image, as init does %s", err);
	if (fd >= 0)
		close(fd);
	T_EQ(stat("/bin/sh", &st) == 0 && (st.st_mode & 0111), 1, "/bin/sh is there");
	forks();
	execs();
	loader();
	signals();
	storm();
	return tap_done();
}
