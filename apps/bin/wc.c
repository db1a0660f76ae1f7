/*
 * apps/bin/wc.c — count lines, words and bytes.
 *
 *   wc [-lwc] [FILE...]      (no FILE, or "-": standard input)
 *
 * Without options all three are printed, in the order lines, words, bytes;
 * with more than one file, a "total" line follows.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct counts {
	unsigned long long lines, words, bytes;
};

static int show_l, show_w, show_c;

static int count(int fd, const char *name, struct counts *c)
{
	static unsigned char buf[65536];
	int inword = 0;

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "wc: %s: %s\n", name, strerror(errno));
			return 1;
		}
		if (n == 0)
			return 0;
		c->bytes += (unsigned long long)n;
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\n')
				c->lines++;
			if (isspace(buf[i])) {
				inword = 0;
			} else if (!inword) {
				inword = 1;
				c->words++;
			}
		}
	}
}

static void print(const struct counts *c, const char *name)
{
	const char *sep = "";

	if (show_l) {
		printf("%7llu", c->lines);
		sep = " ";
	}
	if (show_w) {
		printf("%s%7llu", sep, c->words);
		sep = " ";
	}
	if (show_c)
		printf("%s%7llu", sep, c->bytes);
	if (name)
		printf(" %s", name);
	putchar('\n');
}

int main(int argc, char **argv)
{
	struct counts total = { 0 };
	int c, status = 0, nfiles;

	while ((c = getopt(argc, argv, "lwcm")) != -1) {
		switch (c) {
		case 'l': show_l = 1; break;
		case 'w': show_w = 1; break;
		case 'c': case 'm': show_c = 1; break;
		default:
			fprintf(stderr, "usage: wc [-lwc] [FILE...]\n");
			return 2;
		}
	}
	if (!show_l && !show_w && !show_c)
		show_l = show_w = show_c = 1;
	nfiles = argc - optind;
	if (nfiles == 0) {
		struct counts one = { 0 };

		status = count(0, "stdin", &one);
		print(&one, NULL);
		return status;
	}
	for (int i = optind; i < argc; i++) {
		struct counts one = { 0 };
		int fd = strcmp(argv[i], "-") == 0 ? 0 : open(argv[i], O_RDONLY);

		if (fd < 0) {
			fprintf(stderr, "wc: %s: %s\n", argv[i], strerror(errno));
			status = 1;
			continue;
		}
		if (count(fd, argv[i], &one))
			status = 1;
		else
			print(&one, argv[i]);
		if (fd != 0)
			close(fd);
		total.lines += one.lines;
		total.words += one.words;
		total.bytes += one.bytes;
	}
	if (nfiles > 1)
		print(&total, "total");
	return status;
}
