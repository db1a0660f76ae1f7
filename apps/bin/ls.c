/*
 * apps/bin/ls.c — list directory contents.
 *
 *   ls [-1adl] [FILE...]
 *
 * Operands that are not directories (or all of them with -d) are listed
 * first, sorted; then each directory's entries, sorted, under a "DIR:"
 * heading when there is more than one operand. -l prints the mode string,
 * link count, owner and group as numbers, size (or major, minor of a
 * device), modification time (UTC, formatted here: no localtime, which
 * reads host files) and a symbolic link's target. Output is one name a line.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

struct ent {
	char *name;     /* as shown */
	char *path;     /* to stat */
	struct stat st;
	int ok;         /* st is valid */
};

struct opts {
	int all, dir, longf;
	time_t now;
};

static int status;

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		fprintf(stderr, "ls: out of memory\n");
		exit(1);
	}
	return p;
}

static char *join(const char *dir, const char *name)
{
	size_t a = strlen(dir), b = strlen(name);
	char *p = xmalloc(a + b + 2);

	memcpy(p, dir, a);
	if (a == 0 || dir[a - 1] != '/')
		p[a++] = '/';
	memcpy(p + a, name, b + 1);
	return p;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct ent *)a)->name, ((const struct ent *)b)->name);
}

static void mode_string(mode_t m, char *s)
{
	static const char rwx[] = "rwxrwxrwx";

	switch (m & S_IFMT) {
	case S_IFDIR: s[0] = 'd'; break;
	case S_IFLNK: s[0] = 'l'; break;
	case S_IFCHR: s[0] = 'c'; break;
	case S_IFBLK: s[0] = 'b'; break;
	case S_IFIFO: s[0] = 'p'; break;
	case S_IFSOCK: s[0] = 's'; break;
	default: s[0] = '-'; break;
	}
	for (int i = 0; i < 9; i++)
		s[1 + i] = (m & (0400 >> i)) ? rwx[i] : '-';
	if (m & S_ISUID)
		s[3] = (m & S_IXUSR) ? 's' : 'S';
	if (m & S_ISGID)
		s[6] = (m & S_IXGRP) ? 's' : 'S';
	if (m & S_ISVTX)
		s[9] = (m & S_IXOTH) ? 't' : 'T';
	s[10] = 0;
}

/* "Mon DD HH:MM" within six months of now, else "Mon DD  YYYY" (UTC). */
static void time_string(time_t t, time_t now, char *s, size_t len)
{
	static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	long long days = (long long)t / 86400, secs = (long long)t % 86400;
	long long z, era, doe, yoe, y, doy, mp, d, m;

	if (secs < 0) {
		secs += 86400;
		days--;
	}
	/* Civil date from days since 1970-01-01 (proleptic Gregorian). */
	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	if (t > now - 15778476 && t < now + 3600)
		snprintf(s, len, "%s %2lld %02lld:%02lld", months[m - 1], d, secs / 3600, secs / 60 % 60);
	else
		snprintf(s, len, "%s %2lld  %lld", months[m - 1], d, y);
}

static int digits(unsigned long long v)
{
	int n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

static void print_list(struct ent *e, size_t n, const struct opts *o)
{
	int wl = 1, wu = 1, wg = 1, ws = 1;
	char mode[11], when[64];

	if (!o->longf) {
		for (size_t i = 0; i < n; i++)
			if (e[i].ok)
				printf("%s\n", e[i].name);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct stat *st = &e[i].st;
		int w;

		if (!e[i].ok)
			continue;
		if (digits(st->st_nlink) > wl)
			wl = digits(st->st_nlink);
		if (digits(st->st_uid) > wu)
			wu = digits(st->st_uid);
		if (digits(st->st_gid) > wg)
			wg = digits(st->st_gid);
		if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode))
			w = digits(major(st->st_rdev)) + 2 + digits(minor(st->st_rdev));
		else
			w = digits((unsigned long long)st->st_size);
		if (w > ws)
			ws = w;
	}
	for (size_t i = 0; i < n; i++) {
		const struct stat *st = &e[i].st;
		char size[48];

		if (!e[i].ok)
			continue;
		mode_string(st->st_mode, mode);
		time_string(st->st_mtime, o->now, when, sizeof(when));
		if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode))
			snprintf(size, sizeof(size), "%u, %u", major(st->st_rdev), minor(st->st_rdev));
		else
			snprintf(size, sizeof(size), "%lld", (long long)st->st_size);
		printf("%s %*lu %*u %*u %*s %s %s", mode, wl, (unsigned long)st->st_nlink, wu,
		       (unsigned)st->st_uid, wg, (unsigned)st->st_gid, ws, size, when, e[i].name);
		if (S_ISLNK(st->st_mode)) {
			char target[4096];
			ssize_t k = readlink(e[i].path, target, sizeof(target) - 1);

			if (k >= 0) {
				target[k] = 0;
				printf(" -> %s", target);
			}
		}
		putchar('\n');
	}
}

static void stat_ent(struct ent *e, int follow)
{
	if ((follow ? stat(e->path, &e->st) : lstat(e->path, &e->st)) == 0) {
		e->ok = 1;
		return;
	}
	if (follow && lstat(e->path, &e->st) == 0) { /* a dangling link */
		e->ok = 1;
		return;
	}
	fprintf(stderr, "ls: %s: %s\n", e->path, strerror(errno));
	status = 1;
}

static void list_dir(const char *path, const struct opts *o)
{
	DIR *d = opendir(path);
	struct dirent *de;
	struct ent *e = NULL;
	size_t n = 0, cap = 0;

	if (!d) {
		fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
		status = 1;
		return;
	}
	errno = 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' && !o->all)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			e = realloc(e, cap * sizeof(*e));
			if (!e) {
				fprintf(stderr, "ls: out of memory\n");
				exit(1);
			}
		}
		memset(&e[n], 0, sizeof(e[n]));
		e[n].name = xmalloc(strlen(de->d_name) + 1);
		strcpy(e[n].name, de->d_name);
		e[n].path = join(path, de->d_name);
		n++;
	}
	if (errno) {
		fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
		status = 1;
	}
	closedir(d);
	qsort(e, n, sizeof(*e), by_name);
	if (o->longf)
		for (size_t i = 0; i < n; i++)
			stat_ent(&e[i], 0);
	else
		for (size_t i = 0; i < n; i++)
			e[i].ok = 1;
	print_list(e, n, o);
	for (size_t i = 0; i < n; i++) {
		free(e[i].name);
		free(e[i].path);
	}
	free(e);
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct ent *files, *dirs;
	size_t nf = 0, nd = 0;
	int c, nops;

	while ((c = getopt(argc, argv, "1adl")) != -1) {
		switch (c) {
		case '1': break;
		case 'a': o.all = 1; break;
		case 'd': o.dir = 1; break;
		case 'l': o.longf = 1; break;
		default:
			fprintf(stderr, "usage: ls [-1adl] [FILE...]\n");
			return 2;
		}
	}
	o.now = time(NULL);
	nops = argc - optind;
	if (nops == 0) {
		argv[--optind] = ".";
		nops = 1;
	}
	files = xmalloc((size_t)nops * sizeof(*files));
	dirs = xmalloc((size_t)nops * sizeof(*dirs));
	for (int i = optind; i < argc; i++) {
		struct ent e = { .name = argv[i], .path = argv[i] };

		/* -l and -d look at a link itself; otherwise an operand is followed. */
		stat_ent(&e, !(o.longf || o.dir));
		if (e.ok && o.longf && !o.dir && S_ISLNK(e.st.st_mode)) {
			struct stat t;

			if (stat(e.path, &t) == 0 && S_ISDIR(t.st_mode) && argv[i][strlen(argv[i]) - 1] == '/')
				e.st = t;
		}
		if (!e.ok)
			continue;
		if (S_ISDIR(e.st.st_mode) && !o.dir)
			dirs[nd++] = e;
		else
			files[nf++] = e;
	}
	qsort(files, nf, sizeof(*files), by_name);
	qsort(dirs, nd, sizeof(*dirs), by_name);
	print_list(files, nf, &o);
	for (size_t i = 0; i < nd; i++) {
		if (nops > 1)
			printf("%s%s:\n", (nf || i) ? "\n" : "", dirs[i].path);
		list_dir(dirs[i].path, &o);
	}
	free(files);
	free(dirs);
	return status;
}
