/*
 * bench/files_work.c — the timed file operations of `./exo bench files`,
 * identical for Exo and the host (see files_work.h): which open, write and
 * stat they reach is decided by what the executable links, not by this code.
 *
 * Everything that is not the operation under test stays outside the clock:
 * making the names, filling the buffer, and removing the files afterwards.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"
#include "files_work.h"

static void fail(const char *what, const char *path)
{
	fprintf(stderr, "bench: %s %s: %s\n", what, path, strerror(errno));
	exit(1);
}

double files_create_batch(struct files_work *w)
{
	char (*names)[24] = w->names;
	uint64_t t0;
	double ns;

	for (int i = 0; i < FILES_CREATE_BATCH; i++)
		snprintf(names[i], sizeof(w->names[i]), "f%lu", w->next_name++);
	memset(w->buf, 'c', FILES_CREATE_SIZE);
	t0 = bench_now_ns();
	for (int i = 0; i < FILES_CREATE_BATCH; i++) {
		int fd = open(names[i], O_CREAT | O_WRONLY | O_TRUNC, 0644);

		if (fd < 0)
			fail("open", names[i]);
		if (write(fd, w->buf, FILES_CREATE_SIZE) != FILES_CREATE_SIZE)
			fail("write", names[i]);
		if (close(fd) < 0)
			fail("close", names[i]);
	}
	ns = (double)(bench_now_ns() - t0) / FILES_CREATE_BATCH;
	for (int i = 0; i < FILES_CREATE_BATCH; i++)
		if (unlink(names[i]) < 0)
			fail("unlink", names[i]);
	return ns;
}

double files_seq_batch(struct files_work *w)
{
	const unsigned chunks = FILES_SEQ_TOTAL / FILES_SEQ_CHUNK;
	uint64_t t0;
	double ns;
	int fd;

	memset(w->buf, 's', FILES_SEQ_CHUNK);
	t0 = bench_now_ns();
	fd = open("seq", O_CREAT | O_RDWR | O_TRUNC, 0644);
	if (fd < 0)
		fail("open", "seq");
	for (unsigned i = 0; i < chunks; i++) {
		w->buf[0] = (unsigned char)i; /* so the read back can be checked */
		if (write(fd, w->buf, FILES_SEQ_CHUNK) != (ssize_t)FILES_SEQ_CHUNK)
			fail("write", "seq");
	}
	if (lseek(fd, 0, SEEK_SET) != 0)
		fail("lseek", "seq");
	for (unsigned i = 0; i < chunks; i++) {
		if (read(fd, w->buf, FILES_SEQ_CHUNK) != (ssize_t)FILES_SEQ_CHUNK)
			fail("read", "seq");
		if (w->buf[0] != (unsigned char)i || w->buf[FILES_SEQ_CHUNK - 1] != 's') {
			fprintf(stderr, "bench: seq read back wrong data at chunk %u\n", i);
			exit(1);
		}
	}
	if (close(fd) < 0)
		fail("close", "seq");
	ns = (double)(bench_now_ns() - t0);
	if (unlink("seq") < 0)
		fail("unlink", "seq");
	return ns;
}

double files_stat_batch(struct files_work *w)
{
	struct stat st;
	uint64_t t0;

	(void)w;
	t0 = bench_now_ns();
	for (int i = 0; i < FILES_STAT_BATCH; i++)
		if (stat(FILES_STAT_PATH, &st) < 0 || st.st_size != 1)
			fail("stat", FILES_STAT_PATH);
	return (double)(bench_now_ns() - t0) / FILES_STAT_BATCH;
}

void files_tree_make(void)
{
	int fd;

	if (mkdir("a", 0755) < 0 || mkdir("a/b", 0755) < 0 || mkdir("a/b/c", 0755) < 0)
		fail("mkdir", "a/b/c");
	fd = open(FILES_STAT_PATH, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (fd < 0 || write(fd, "d", 1) != 1 || close(fd) < 0)
		fail("create", FILES_STAT_PATH);
}

void files_tree_remove(void)
{
	if (unlink(FILES_STAT_PATH) < 0 || rmdir("a/b/c") < 0 || rmdir("a/b") < 0 || rmdir("a") < 0)
		fail("remove", FILES_STAT_PATH);
}
