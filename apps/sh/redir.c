/*
 * redir.c — redirections, applied left to right.
 *
 * In a child about to exec they are simply applied. For builtins, compound
 * commands and the shell itself they must be undone afterwards: before a
 * descriptor is first changed, a close-on-exec copy of it is kept at 10 or
 * above (or the fact that it was closed), and redir_restore puts them back
 * in reverse order.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sh.h"

/* Here-documents up to this size are written into the pipe at once. */
#define HEREDOC_INLINE 4096

struct redir_save {
	struct redir_save *next;
	int fd;
	int saved;		/* copy of the old descriptor, -1: was closed */
};

void fd_move_high(int *fd)
{
	int nfd = fcntl(*fd, F_DUPFD_CLOEXEC, 10);

	if (nfd >= 0) {
		close(*fd);
		*fd = nfd;
	}
}

static int save_fd(int fd, struct redir_save **save)
{
	struct redir_save *s;

	for (s = *save; s; s = s->next)
		if (s->fd == fd)
			return 0;
	s = sh_malloc(sizeof(*s));
	s->fd = fd;
	s->saved = fcntl(fd, F_DUPFD_CLOEXEC, 10);
	if (s->saved < 0 && errno != EBADF) {
		sh_error("%d: %s", fd, strerror(errno));
		free(s);
		return -1;
	}
	s->next = *save;
	*save = s;
	return 0;
}

void redir_restore(struct redir_save *save)
{
	while (save) {
		struct redir_save *s = save;

		if (s->saved >= 0) {
			dup2(s->saved, s->fd);
			close(s->saved);
		} else {
			close(s->fd);
		}
		save = s->next;
		free(s);
	}
}

/* Puts the open descriptor fd at target. */
static int move_to(int fd, int target)
{
	if (fd == target)
		return 0;
	if (dup2(fd, target) < 0) {
		sh_error("%d: %s", target, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int open_file(struct redir *r, const char *path)
{
	static const int flags[] = {
		[R_IN] = O_RDONLY,
		[R_OUT] = O_WRONLY | O_CREAT | O_TRUNC,
		[R_APPEND] = O_WRONLY | O_CREAT | O_APPEND,
		[R_RDWR] = O_RDWR | O_CREAT,
	};
	int fd = open(path, flags[r->op], 0666);

	if (fd < 0) {
		sh_error("%s: %s", path, strerror(errno));
		return -1;
	}
	return move_to(fd, r->fd);
}

static int is_number(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

static int dup_fd(struct redir *r, const char *w)
{
	int src;

	if (!strcmp(w, "-")) {
		close(r->fd);
		return 0;
	}
	if (!is_number(w)) {
		/* >&file, as in bash: standard output and error to file */
		if (r->op == R_DUPOUT && r->fd == 1) {
			struct redir out = { .op = R_OUT, .fd = 1 };

			if (open_file(&out, w) < 0)
				return -1;
			return dup2(1, 2) < 0 ? -1 : 0;
		}
		sh_error("%s: bad file descriptor", w);
		return -1;
	}
	src = atoi(w);
	if (src == r->fd)
		return fcntl(src, F_GETFD) < 0 ? (sh_error("%d: bad file descriptor", src), -1) : 0;
	if (dup2(src, r->fd) < 0) {
		sh_error("%d: bad file descriptor", src);
		return -1;
	}
	return 0;
}

/* The body goes into a pipe; a long one is written by a grandchild. */
static int heredoc(struct redir *r)
{
	char *body = r->quoted ? sh_strdup(r->word) : expand_heredoc(r->word);
	size_t n;
	int p[2];

	if (!body)
		return -1;
	n = strlen(body);
	if (pipe(p) < 0) {
		sh_error("pipe: %s", strerror(errno));
		free(body);
		return -1;
	}
	if (n <= HEREDOC_INLINE) {
		sh_write_all(p[1], body, n);
	} else {
		pid_t pid = fork();

		if (pid == 0) {
			if (fork() == 0) {
				close(p[0]);
				sh_write_all(p[1], body, n);
			}
			_exit(0);
		}
		if (pid > 0)
			while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
				;
	}
	free(body);
	close(p[1]);
	return move_to(p[0], r->fd);
}

static int apply_one(struct redir *r)
{
	char *w;
	int ret;

	if (r->op == R_HEREDOC)
		return heredoc(r);
	w = expand_str(r->word);
	if (!w)
		return -1;
	if (r->op == R_DUPIN || r->op == R_DUPOUT)
		ret = dup_fd(r, w);
	else
		ret = open_file(r, w);
	free(w);
	return ret;
}

int redir_apply(struct redir *r, struct redir_save **save)
{
	for (; r; r = r->next) {
		if (save && save_fd(r->fd, save) < 0)
			return -1;
		if (r->op == R_DUPOUT && save && r->fd == 1 && save_fd(2, save) < 0)
			return -1;
		if (apply_one(r) < 0)
			return -1;
	}
	return 0;
}
