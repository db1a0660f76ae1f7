/*
 * bench/files_work.h — the file operations `./exo bench files` times, one
 * source compiled twice: into bench_files, where open/write/stat are
 * libposix's (Exo), and into bench_files_host, where they are the host's.
 * Every path is relative to the working directory, so both sides run the
 * very same code in a directory of their own.
 */
#ifndef EXO_BENCH_FILES_WORK_H
#define EXO_BENCH_FILES_WORK_H

#define FILES_CREATE_BATCH 256          /* new files per create batch */
#define FILES_CREATE_SIZE 4096          /* bytes written to each */
#define FILES_SEQ_TOTAL (64u << 20)     /* written, then read back */
#define FILES_SEQ_CHUNK (64u << 10)     /* bytes per write or read call */
#define FILES_STAT_BATCH 2000           /* stats per stat batch */
#define FILES_STAT_PATH "a/b/c/d"       /* four components deep */

/* What the batches carry: the next unused name, the names, the I/O buffer. */
struct files_work {
	unsigned long next_name;
	char names[FILES_CREATE_BATCH][24];
	unsigned char buf[FILES_SEQ_CHUNK];
};

/*
 * One batch each; each returns nanoseconds. A failed operation prints why
 * and exits (a benchmark that measured errors would measure nothing).
 *
 *   files_create_batch  ns per file: open(O_CREAT|O_WRONLY|O_TRUNC) of a
 *                       name never used before + write 4 KiB + close;
 *                       the files are unlinked after the clock stops
 *   files_seq_batch     ns for the whole 64 MiB: written, then read back,
 *                       in 64 KiB calls; unlinked after the clock stops
 *   files_stat_batch    ns per stat of FILES_STAT_PATH
 */
double files_create_batch(struct files_work *w);
double files_seq_batch(struct files_work *w);
double files_stat_batch(struct files_work *w);

/* The a/b/c/d file that files_stat_batch stats, and its removal. */
void files_tree_make(void);
void files_tree_remove(void);

#endif
