/*
 * libposix/exec.c — execve and its family; programs live in Exo's own file
 * system.
 *
 * The image is read through the VFS (so permissions and the namespace are
 * Exo's), checked and prepared (px_image_load: the sim's kernel takes the
 * image whole, riscv64's programs are laid out by a user-level loader,
 * image_elf.c). Before the point of no return every error comes back:
 * ENOENT, EACCES, ENOEXEC, E2BIG, ENOMEM. A "#!" script runs its
 * interpreter. Then the process server learns the new name, the VFS closes
 * the close-on-exec descriptors and the new program starts
 * (px_image_start). Caught signals return to their default action and
 * ignored ones stay ignored (the new image starts that way).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <exo/errno.h>
#include <exo/memory.h>
#include <exo/proc.h>
#include "proc_proto.h"
#include <exo/vfs.h>
#include "vfs_proto.h"

#include "px.h"

extern char **environ;

#define EXEC_IMAGE_MAX (512u << 20)
#define EXEC_SCRIPT_DEPTH 4

/* An errno a failed call left, as Exo's number (for the few exec passes on). */
static int xe_of(int e)
{
	switch (e) {
	case ENOENT: return XE_ENOENT;
	case EACCES: return XE_EACCES;
	case ENOTDIR: return XE_ENOTDIR;
	case ELOOP: return XE_ELOOP;
	case ENAMETOOLONG: return XE_ENAMETOOLONG;
	case ENOMEM: return XE_ENOMEM;
	default: return XE_EIO;
	}
}

static size_t strv_size(char *const v[], size_t *count)
{
	size_t n = 0, bytes = 0;

	for (; v && v[n]; n++)
		bytes += strlen(v[n]) + 1 + sizeof(char *);
	if (count)
		*count = n;
	return bytes;
}

/* Read the whole file at fd into a new buffer: 0 or a negative Exo errno. */
static int slurp(int fd, char **img, size_t *len)
{
	struct stat st;
	size_t got = 0;
	char *buf;

	if (fstat(fd, &st) < 0)
		return -XE_EIO;
	if (!S_ISREG(st.st_mode))
		return -XE_EACCES;
	if ((uint64_t)st.st_size > EXEC_IMAGE_MAX)
		return -XE_ENOMEM;
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return -XE_ENOMEM;
	while (got < (size_t)st.st_size) {
		ssize_t n = pread(fd, buf + got, (size_t)st.st_size - got, (off_t)got);

		if (n < 0) {
			free(buf);
			return -xe_of(errno);
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	buf[got] = 0;
	*img = buf;
	*len = got;
	return 0;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static int exec_image(const char *path, char *img, size_t len, char *const argv[], char *const envp[]);

/* "#!interp [arg]": run interp [arg] path argv[1..]. */
static int exec_script(const char *path, char *img, size_t len, char *const argv[], char *const envp[],
		       int depth)
{
	char *nl = memchr(img, '\n', len < 256 ? len : 256), *interp, *arg = NULL, **nargv;
	size_t argc;
	int fd, r;
	char *nimg;
	size_t nlen;

	if (!nl || depth >= EXEC_SCRIPT_DEPTH)
		return -XE_ENOEXEC;
	*nl = 0;
	interp = img + 2;
	while (*interp == ' ' || *interp == '\t')
		interp++;
	for (char *p = interp; *p; p++) {
		if (*p == ' ' || *p == '\t') {
			*p++ = 0;
			while (*p == ' ' || *p == '\t')
				p++;
			if (*p)
				arg = p;
			break;
		}
	}
	if (!*interp)
		return -XE_ENOEXEC;
	strv_size(argv, &argc);
	nargv = calloc(argc + 4, sizeof(char *));
	if (!nargv)
		return -XE_ENOMEM;
	{
		size_t i = 0;

		nargv[i++] = interp;
		if (arg)
			nargv[i++] = arg;
		nargv[i++] = (char *)path;
		for (size_t j = 1; j < argc; j++)
			nargv[i++] = argv[j];
		nargv[i] = NULL;
	}
	fd = open(interp, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r = -xe_of(errno);
		free(nargv);
		return r;
	}
	if (faccessat(AT_FDCWD, interp, X_OK, AT_EACCESS) < 0) {
		close(fd);
		free(nargv);
		return -XE_EACCES;
	}
	r = slurp(fd, &nimg, &nlen);
	close(fd);
	if (r == 0) {
		if (nlen >= 2 && nimg[0] == '#' && nimg[1] == '!')
			r = exec_script(interp, nimg, nlen, nargv, envp, depth + 1);
		else
			r = exec_image(interp, nimg, nlen, nargv, envp);
		free(nimg);
	}
	free(nargv);
	return r;
}

static int exec_image(const char *path, char *img, size_t len, char *const argv[], char *const envp[])
{
	struct px_image im;
	const char *name = base_name(path);
	int r = px_image_load(&im, img, len, argv, envp);

	if (r < 0)
		return r;
	/*
	 * The point of no return. The process server and the VFS must both
	 * take the exec (a system without one of them, ENOSYS, has nothing to
	 * change there): a program started with the descriptors close-on-exec
	 * should have closed, or unknown to proc as exec'd, would be wrong in a
	 * way no caller could see. As Linux ends a process that fails past this
	 * point, this one ends here, before the new program starts.
	 */
	r = proc_call_exec(px_proc, &(struct proc_exec_in){ .name = name, .name_len = (uint32_t)strlen(name) });
	/* EAGAIN: a full table, this process has no record there, nothing to be wrong. */
	if (r < 0 && r != -XE_ENOSYS && r != -XE_EAGAIN) {
		fprintf(stderr, "exec: %s: the process server refused the exec (error %d)\n", path, -r);
		_exit(127);
	}
	r = vfs_call_exec(px_vfs);
	if (r < 0 && r != -XE_ENOSYS) {
		fprintf(stderr, "exec: %s: the VFS could not close the close-on-exec descriptors (error %d)\n", path,
			-r);
		_exit(127);
	}
	px_stdio_flush();
	px_image_start(&im, name);
	/* The kernel refused an image we checked: nothing to return to. */
	fprintf(stderr, "exec: %s: the image did not start\n", path);
	_exit(127);
}

static int do_exec_fd(int fd, const char *path, char *const argv[], char *const envp[])
{
	char *img;
	size_t len;
	int r;

	if (strv_size(argv, NULL) + strv_size(envp, NULL) > PX_ARG_MAX)
		return -XE_E2BIG;
	r = slurp(fd, &img, &len);
	if (r < 0)
		return r;
	if (len >= 2 && img[0] == '#' && img[1] == '!')
		r = exec_script(path, img, len, argv, envp, 0);
	else
		r = exec_image(path, img, len, argv, envp);
	free(img);
	return r;
}

int execve(const char *path, char *const argv[], char *const envp[])
{
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1; /* errno from open: ENOENT, EACCES, ENOTDIR, ELOOP, ENAMETOOLONG */
	if (faccessat(AT_FDCWD, path, X_OK, AT_EACCESS) < 0) {
		close(fd);
		return px_fail(-XE_EACCES);
	}
	r = do_exec_fd(fd, path, argv, envp ? envp : (char *const[]){ NULL });
	close(fd);
	return px_fail(r);
}

int fexecve(int fd, char *const argv[], char *const envp[])
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -1;
	if (!(st.st_mode & 0111))
		return px_fail(-XE_EACCES);
	return px_fail(do_exec_fd(fd, "fexecve", argv, envp ? envp : (char *const[]){ NULL }));
}

int execv(const char *path, char *const argv[])
{
	return execve(path, argv, environ);
}

/* PATH search: the first entry that runs; EACCES if one was found but refused. */
int execvpe(const char *file, char *const argv[], char *const envp[])
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];
	int saw_eacces = 0;

	if (!*file)
		return px_fail(-XE_ENOENT);
	if (strchr(file, '/'))
		return execve(file, argv, envp);
	if (!path)
		path = "/bin:/usr/bin";
	for (const char *p = path;; p++) {
		const char *end = strchr(p, ':');
		size_t dl = end ? (size_t)(end - p) : strlen(p);

		if (dl + strlen(file) + 2 <= sizeof(buf)) {
			memcpy(buf, dl ? p : ".", dl ? dl : 1);
			buf[dl ? dl : 1] = '/';
			strcpy(buf + (dl ? dl : 1) + 1, file);
			execve(buf, argv, envp);
			if (errno == EACCES)
				saw_eacces = 1;
			else if (errno == ENOEXEC) {
				/* Not an image: POSIX says run it with the shell. */
				size_t argc;
				char **sargv;

				strv_size(argv, &argc);
				sargv = calloc(argc + 3, sizeof(char *));
				if (sargv) {
					sargv[0] = "sh";
					sargv[1] = buf;
					for (size_t i = 1; i < argc; i++)
						sargv[i + 1] = argv[i];
					execve("/bin/sh", sargv, envp);
					free(sargv);
				}
				return -1;
			} else if (errno != ENOENT && errno != ENOTDIR) {
				return -1;
			}
		}
		if (!end)
			break;
		p = end;
	}
	return px_fail(saw_eacces ? -XE_EACCES : -XE_ENOENT);
}

int execvp(const char *file, char *const argv[])
{
	return execvpe(file, argv, environ);
}

/*
 * The l variants: the arguments after `first`, up to the NULL, as an argv
 * (freed by the caller); with envp, the pointer after the NULL (execle).
 */
static char **collect(const char *first, va_list ap, char ***envp)
{
	size_t n = 1;
	char **argv;
	va_list c;

	va_copy(c, ap);
	while (va_arg(c, char *))
		n++;
	va_end(c);
	argv = calloc(n + 1, sizeof(char *));
	if (!argv)
		return NULL;
	argv[0] = (char *)first;
	for (size_t i = 1; i <= n; i++)
		argv[i] = i < n ? va_arg(ap, char *) : NULL;
	if (envp) {
		(void)va_arg(ap, char *); /* the NULL that ends the list */
		*envp = va_arg(ap, char **);
	}
	return argv;
}

/* How an l variant runs its argv. */
enum { BY_PATH, BY_SEARCH, WITH_ENV };

static int exec_list(int how, const char *path, const char *first, va_list ap)
{
	char **envp = environ, **argv = collect(first, ap, how == WITH_ENV ? &envp : NULL);
	int r;

	if (!argv)
		return px_fail(-XE_ENOMEM);
	r = how == BY_SEARCH ? execvpe(path, argv, envp) : execve(path, argv, envp);
	free(argv);
	return r;
}

int execl(const char *path, const char *arg, ...)
{
	va_list ap;
	int r;

	va_start(ap, arg);
	r = exec_list(BY_PATH, path, arg, ap);
	va_end(ap);
	return r;
}

int execlp(const char *file, const char *arg, ...)
{
	va_list ap;
	int r;

	va_start(ap, arg);
	r = exec_list(BY_SEARCH, file, arg, ap);
	va_end(ap);
	return r;
}

int execle(const char *path, const char *arg, ...)
{
	va_list ap;
	int r;

	va_start(ap, arg);
	r = exec_list(WITH_ENV, path, arg, ap);
	va_end(ap);
	return r;
}
