/*
 * tools/exoctl/exoctl.c — inspect a running exosim through its control
 * socket (proto/control.proto; docs/debugging.md).
 *
 *   exoctl [--socket PATH] ps | servers | maps SPACE | stats | kill SPACE
 *          | trace start FILE [--filter SPEC]... [--max SIZE] [--strings N] | trace stop
 *
 * The kernel socket is found as libexo finds it (--socket, $EXO_SOCKET,
 * $XDG_RUNTIME_DIR/exo/exosim.sock, /tmp/exo-UID/exosim.sock); the control
 * socket is that path + ".ctl". With none of them given and no kernel on the
 * default path, a single live private kernel (/tmp/exo-UID/exec-PID.sock:
 * `./exo run`, `./exo exec`) is the one. SPACE is a space id, or a label or
 * program name that names one space.
 * Exit status: 0, 1 when the kernel cannot be reached or refuses, 2 for a
 * usage error.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "control.pb-c.h"

#define ANSWER_MAX (64u << 20)
#define ANY_THREAD 0xffffffffu

static const char *prog = "exoctl";

static void usage(FILE *f)
{
	fprintf(f,
		"usage: exoctl [--socket PATH] COMMAND\n"
		"  ps                 spaces and threads, and what each thread waits for\n"
		"  servers            registered names and the threads that own them\n"
		"  maps SPACE         the mapping database entries of a space (id or label)\n"
		"  stats              IPC counters per thread and the kernel's totals\n"
		"  trace start FILE [--filter SPEC]... [--max SIZE] [--strings N]\n"
		"                     record IPC to FILE, as exosim --trace does (docs/trace.md):\n"
		"                     filters server=NAME, protocol=NAME, space=N, label=A[-B];\n"
		"                     rotate at SIZE bytes (64M); keep N bytes of each string\n"
		"  trace stop         stop recording\n"
		"  kill SPACE         SIGKILL a space's process (never sigma0)\n"
		"  --socket PATH      the kernel socket (default: $EXO_SOCKET, else\n"
		"                     $XDG_RUNTIME_DIR/exo/exosim.sock, else /tmp/exo-UID/exosim.sock);\n"
		"                     the control socket is PATH.ctl\n");
}

static _Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static _Noreturn void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* ---- finding and reaching the kernel ---- */

static char *kernel_socket(const char *opt)
{
	const char *env = getenv("EXO_SOCKET"), *rt = getenv("XDG_RUNTIME_DIR");
	char buf[PATH_MAX];

	if (opt)
		return strdup(opt);
	if (env && *env)
		return strdup(env);
	if (rt && *rt)
		snprintf(buf, sizeof(buf), "%s/exo/exosim.sock", rt);
	else
		snprintf(buf, sizeof(buf), "/tmp/exo-%u/exosim.sock", (unsigned)getuid());
	return strdup(buf);
}

static int try_connect(const char *path, int type)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, e;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* Connect to the control socket, or say exactly why there is no kernel to ask. */
static int open_control(const char *ksock)
{
	size_t n = strlen(ksock);
	char *ctl;
	int fd, k;

	if (n > 4 && strcmp(ksock + n - 4, ".ctl") == 0) {
		ctl = strdup(ksock);
	} else if ((ctl = malloc(n + 5)) != NULL) {
		sprintf(ctl, "%s.ctl", ksock);
	}
	if (!ctl)
		die("out of memory");
	fd = try_connect(ctl, SOCK_STREAM);
	if (fd >= 0) {
		free(ctl);
		return fd;
	}
	switch (errno) {
	case ECONNREFUSED:
		die("stale control socket %s: no kernel is listening (a kernel that was killed left it; "
		    "the next exosim replaces it)", ctl);
	case EACCES:
	case EPERM:
		die("cannot use %s: permission denied (the kernel belongs to another user)", ctl);
	case ENOENT:
		break;
	default:
		die("cannot connect to %s: %s", ctl, strerror(errno));
	}
	/* No control socket: is there a kernel at all? */
	k = try_connect(ksock, SOCK_SEQPACKET);
	if (k >= 0) {
		close(k);
		die("the kernel on %s has no control socket (%s is missing)", ksock, ctl);
	}
	if (errno == ENOENT)
		die("no kernel is running on %s (start one with ./exo run, or give --socket)", ksock);
	if (errno == ECONNREFUSED)
		die("stale socket %s: no kernel is listening (a kernel that was killed left it)", ksock);
	die("no kernel on %s: %s", ksock, strerror(errno));
}

static void write_all(int fd, const void *buf, size_t n)
{
	const unsigned char *p = buf;

	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			die("cannot send the request: %s", w < 0 ? strerror(errno) : "short write");
		p += w;
		n -= (size_t)w;
	}
}

static bool read_all(int fd, void *buf, size_t n)
{
	unsigned char *p = buf;

	while (n > 0) {
		ssize_t r = read(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		p += r;
		n -= (size_t)r;
	}
	return true;
}

/* One request and its answer; an answer with an error ends exoctl. */
static Exoctl__Answer *ask(int fd, const Exoctl__Request *req)
{
	size_t len = exoctl__request__get_packed_size(req);
	unsigned char hdr[4], *buf = malloc(len + 4);
	Exoctl__Answer *ans;
	uint32_t alen;

	if (!buf)
		die("out of memory");
	buf[0] = (unsigned char)len;
	buf[1] = (unsigned char)(len >> 8);
	buf[2] = (unsigned char)(len >> 16);
	buf[3] = (unsigned char)(len >> 24);
	exoctl__request__pack(req, buf + 4);
	write_all(fd, buf, len + 4);
	free(buf);
	if (!read_all(fd, hdr, 4))
		die("the kernel closed the connection without an answer");
	alen = (uint32_t)hdr[0] | (uint32_t)hdr[1] << 8 | (uint32_t)hdr[2] << 16 | (uint32_t)hdr[3] << 24;
	if (alen > ANSWER_MAX)
		die("the kernel's answer is too large (%u bytes)", alen);
	buf = malloc(alen ? alen : 1);
	if (!buf)
		die("out of memory");
	if (!read_all(fd, buf, alen))
		die("the kernel closed the connection in the middle of an answer");
	ans = exoctl__answer__unpack(NULL, alen, buf);
	free(buf);
	if (!ans)
		die("malformed answer from the kernel");
	if (ans->error)
		die("%s", ans->error);
	return ans;
}

/* ---- formatting ---- */

static void fmt_secs(char *buf, size_t n, uint64_t ns)
{
	if (ns < 1000000000ull)
		snprintf(buf, n, "%.3fs", (double)ns / 1e9);
	else if (ns < 600ull * 1000000000ull)
		snprintf(buf, n, "%.1fs", (double)ns / 1e9);
	else
		snprintf(buf, n, "%llum%02llus", (unsigned long long)(ns / 60000000000ull),
			 (unsigned long long)(ns / 1000000000ull % 60));
}

/* Who a thread id is, from a ps answer: "vfs(c001)" by its first name, else its space's label. */
static void who(const Exoctl__PsAnswer *ps, uint32_t tid, char *buf, size_t n)
{
	if (tid == ANY_THREAD) {
		snprintf(buf, n, "any");
		return;
	}
	for (size_t i = 0; i < ps->n_spaces; i++)
		for (size_t j = 0; j < ps->spaces[i]->n_threads; j++) {
			const Exoctl__Thread *t = ps->spaces[i]->threads[j];

			if (t->tid != tid)
				continue;
			snprintf(buf, n, "%s(%x)", t->n_names ? t->names[0] : ps->spaces[i]->label, tid);
			return;
		}
	snprintf(buf, n, "%x", tid);
}

static void state_text(const Exoctl__PsAnswer *ps, const Exoctl__Thread *t, char *buf, size_t n)
{
	char p[96];

	who(ps, t->partner, p, sizeof(p));
	switch (t->state) {
	case EXOCTL__THREAD__STATE__RUNNING:
		snprintf(buf, n, "running");
		break;
	case EXOCTL__THREAD__STATE__SENDING:
		if (t->fault)
			snprintf(buf, n, "page fault: sending to %s (its pager)", p);
		else if (t->call)
			snprintf(buf, n, "sending to %s (a call)", p);
		else
			snprintf(buf, n, "sending to %s", p);
		break;
	case EXOCTL__THREAD__STATE__RECEIVING:
		if (t->fault)
			snprintf(buf, n, "page fault: receiving from %s (its pager)", p);
		else if (t->call)
			snprintf(buf, n, "receiving from %s (the reply to a call)", p);
		else if (t->reply_wait)
			snprintf(buf, n, "receiving from %s (server loop)", p);
		else
			snprintf(buf, n, "receiving from %s", p);
		break;
	case EXOCTL__THREAD__STATE__LOOKUP:
		snprintf(buf, n, "waiting in lookup of %s", t->lookup ? t->lookup : "?");
		break;
	case EXOCTL__THREAD__STATE__UNMAP:
		snprintf(buf, n, "waiting in unmap");
		break;
	case EXOCTL__THREAD__STATE__NOT_STARTED:
		snprintf(buf, n, "not started");
		break;
	default:
		snprintf(buf, n, "state %d", (int)t->state);
		break;
	}
}

static int space_cmp(const void *x, const void *y)
{
	const Exoctl__Space *a = *(Exoctl__Space *const *)x, *b = *(Exoctl__Space *const *)y;

	return a->id < b->id ? -1 : a->id > b->id;
}

static int thread_cmp(const void *x, const void *y)
{
	const Exoctl__Thread *a = *(Exoctl__Thread *const *)x, *b = *(Exoctl__Thread *const *)y;

	return a->tid < b->tid ? -1 : a->tid > b->tid;
}

static void names_text(char *const *names, size_t n, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = 0;
	for (size_t i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? "," : "", names[i]);
}

static void cmd_ps(int fd)
{
	Exoctl__Request req = EXOCTL__REQUEST__INIT;
	Exoctl__PsRequest pr = EXOCTL__PS_REQUEST__INIT;
	Exoctl__Answer *ans;
	Exoctl__PsAnswer *ps;

	req.what_case = EXOCTL__REQUEST__WHAT_PS;
	req.ps = &pr;
	ans = ask(fd, &req);
	ps = ans->ps;
	if (!ps)
		die("the kernel answered something else than ps");
	qsort(ps->spaces, ps->n_spaces, sizeof(*ps->spaces), space_cmp);
	printf("%-5s %-7s %-18s %-6s %-6s %-52s %-9s %s\n", "SPACE", "PID", "LABEL", "FLAGS", "TID", "STATE",
	       "FOR", "NAMES");
	for (size_t i = 0; i < ps->n_spaces; i++) {
		Exoctl__Space *s = ps->spaces[i];
		char flags[8] = "-";

		if (s->sigma0 || s->exec || s->privileged) {
			snprintf(flags, sizeof(flags), "%s%s%s", s->sigma0 ? "s" : "", s->privileged ? "b" : "",
				 s->exec ? "x" : "");
		}
		char label[64];

		/* The label the space started with, and what its process runs now when an exec changed it. */
		if (s->command && strncmp(s->command, s->label, 15) != 0)
			snprintf(label, sizeof(label), "%s/%s", s->label, s->command);
		else
			snprintf(label, sizeof(label), "%s", s->label);
		qsort(s->threads, s->n_threads, sizeof(*s->threads), thread_cmp);
		if (!s->n_threads)
			printf("%-5u %-7d %-18s %-6s %-6s %s\n", s->id, s->pid, label, flags, "-",
			       "no threads (exited, not reaped yet)");
		for (size_t j = 0; j < s->n_threads; j++) {
			Exoctl__Thread *t = s->threads[j];
			char st[160], dur[32], nm[128], tid[16];

			state_text(ps, t, st, sizeof(st));
			if (t->has_deadline_ns && t->deadline_ns > ans->clock_ns) {
				size_t l = strlen(st);

				fmt_secs(dur, sizeof(dur), t->deadline_ns - ans->clock_ns);
				snprintf(st + l, sizeof(st) - l, ", timeout in %s", dur);
			}
			fmt_secs(dur, sizeof(dur), ans->clock_ns > t->since_ns ? ans->clock_ns - t->since_ns : 0);
			names_text(t->names, t->n_names, nm, sizeof(nm));
			snprintf(tid, sizeof(tid), "%x", t->tid);
			if (j == 0)
				printf("%-5u %-7d %-18s %-6s ", s->id, s->pid, label, flags);
			else
				printf("%-5s %-7s %-18s %-6s ", "", "", "", "");
			printf("%-6s %-52s %-9s %s\n", tid, st, dur, nm);
		}
	}
	printf("LABEL: the space's label[/the program it runs now]; FLAGS: s sigma0, b started by the boot list,\n"
	       "x the --exec program; FOR: time in this state\n");
	exoctl__answer__free_unpacked(ans, NULL);
}

static int name_cmp(const void *x, const void *y)
{
	return strcmp((*(Exoctl__Name *const *)x)->name, (*(Exoctl__Name *const *)y)->name);
}

static void cmd_servers(int fd)
{
	Exoctl__Request req = EXOCTL__REQUEST__INIT;
	Exoctl__ServersRequest sr = EXOCTL__SERVERS_REQUEST__INIT;
	Exoctl__Answer *ans;
	Exoctl__ServersAnswer *sv;

	req.what_case = EXOCTL__REQUEST__WHAT_SERVERS;
	req.servers = &sr;
	ans = ask(fd, &req);
	sv = ans->servers;
	if (!sv)
		die("the kernel answered something else than servers");
	qsort(sv->names, sv->n_names, sizeof(*sv->names), name_cmp);
	printf("%-20s %-6s %-5s %s\n", "NAME", "TID", "SPACE", "LABEL");
	for (size_t i = 0; i < sv->n_names; i++) {
		char tid[16];

		snprintf(tid, sizeof(tid), "%x", sv->names[i]->tid);
		printf("%-20s %-6s %-5u %s\n", sv->names[i]->name, tid, sv->names[i]->space, sv->names[i]->label);
	}
	exoctl__answer__free_unpacked(ans, NULL);
}

/* A space by id or by a label that names exactly one space. */
static uint32_t find_space(int fd, const char *arg)
{
	Exoctl__Request req = EXOCTL__REQUEST__INIT;
	Exoctl__PsRequest pr = EXOCTL__PS_REQUEST__INIT;
	Exoctl__Answer *ans;
	uint32_t id = 0;
	unsigned found = 0;
	char *end;
	unsigned long v = strtoul(arg, &end, 10);

	if (*arg && !*end) {
		if (v == 0 || v > UINT32_MAX)
			die("no space %s", arg);
		return (uint32_t)v;
	}
	req.what_case = EXOCTL__REQUEST__WHAT_PS;
	req.ps = &pr;
	ans = ask(fd, &req);
	for (size_t i = 0; ans->ps && i < ans->ps->n_spaces; i++) {
		const Exoctl__Space *sp = ans->ps->spaces[i];

		if (strcmp(sp->label, arg) == 0 || (sp->command && strcmp(sp->label, sp->command) != 0 &&
						    strcmp(sp->command, arg) == 0)) {
			id = sp->id;
			found++;
		}
	}
	exoctl__answer__free_unpacked(ans, NULL);
	if (found == 0)
		die("no space labelled %s or running it (exoctl ps lists them)", arg);
	if (found > 1)
		die("%u spaces are labelled %s or run it: give the space's number", found, arg);
	return id;
}

static void rights_text(uint32_t r, char buf[4])
{
	buf[0] = r & 4 ? 'r' : '-';
	buf[1] = r & 2 ? 'w' : '-';
	buf[2] = r & 1 ? 'x' : '-';
	buf[3] = 0;
}

static void cmd_maps(int fd, const char *arg)
{
	Exoctl__Request req = EXOCTL__REQUEST__INIT;
	Exoctl__MapsRequest mr = EXOCTL__MAPS_REQUEST__INIT;
	Exoctl__Answer *ans;
	Exoctl__MapsAnswer *ma;

	mr.space = find_space(fd, arg);
	req.what_case = EXOCTL__REQUEST__WHAT_MAPS;
	req.maps = &mr;
	ans = ask(fd, &req);
	ma = ans->maps;
	if (!ma)
		die("the kernel answered something else than maps");
	printf("space %u (%s)%s: %llu pages in %zu runs\n", ma->space, ma->label,
	       ma->sigma0 ? ", sigma0: roots of the frames touched so far" : "", (unsigned long long)ma->pages,
	       ma->n_maps);
	printf("%-18s %-18s %7s %-12s %-6s %-24s %s\n", "START", "END", "PAGES", "FRAME", "RIGHTS", "FROM",
	       "DERIVED");
	for (size_t i = 0; i < ma->n_maps; i++) {
		Exoctl__Mapping *m = ma->maps[i];
		char r[4], from[64] = "-";

		rights_text(m->rights, r);
		if (m->has_from_space)
			snprintf(from, sizeof(from), "%u:%#llx", m->from_space, (unsigned long long)m->from_vaddr);
		printf("%#-18llx %#-18llx %7llu %#-12llx %-6s %-24s %llu\n", (unsigned long long)m->vaddr,
		       (unsigned long long)(m->vaddr + m->pages * 4096), (unsigned long long)m->pages,
		       (unsigned long long)m->frame, r, from, (unsigned long long)m->children);
	}
	printf("FROM: the space and address each run's first page was mapped from; DERIVED: mappings made from it\n");
	exoctl__answer__free_unpacked(ans, NULL);
}

static int tstat_cmp(const void *x, const void *y)
{
	const Exoctl__ThreadStats *a = *(Exoctl__ThreadStats *const *)x, *b = *(Exoctl__ThreadStats *const *)y;

	return a->tid < b->tid ? -1 : a->tid > b->tid;
}

static void cmd_stats(int fd)
{
	Exoctl__Request req = EXOCTL__REQUEST__INIT;
	Exoctl__StatsRequest sr = EXOCTL__STATS_REQUEST__INIT;
	Exoctl__Answer *ans;
	Exoctl__StatsAnswer *st;
	char up[32];

	req.what_case = EXOCTL__REQUEST__WHAT_STATS;
	req.stats = &sr;
	ans = ask(fd, &req);
	st = ans->stats;
	if (!st)
		die("the kernel answered something else than stats");
	fmt_secs(up, sizeof(up), st->uptime_ns);
	printf("uptime %s, %llu messages delivered, %llu page faults\n", up, (unsigned long long)st->delivered,
	       (unsigned long long)st->faults);
	printf("%u threads, %u spaces, %u names; %llu mapping nodes, %llu bytes of kernel memory, %llu MiB physical\n",
	       st->threads, st->spaces, st->names, (unsigned long long)st->mdb_nodes,
	       (unsigned long long)st->kernel_bytes, (unsigned long long)(st->phys_bytes >> 20));
	qsort(st->threads_stats, st->n_threads_stats, sizeof(*st->threads_stats), tstat_cmp);
	printf("%-6s %-5s %-14s %-16s %10s %10s %8s\n", "TID", "SPACE", "LABEL", "NAMES", "SENT", "RECEIVED",
	       "FAULTS");
	for (size_t i = 0; i < st->n_threads_stats; i++) {
		Exoctl__ThreadStats *t = st->threads_stats[i];
		char nm[128], tid[16];

		names_text(t->names, t->n_names, nm, sizeof(nm));
		snprintf(tid, sizeof(tid), "%x", t->tid);
		printf("%-6s %-5u %-14s %-16s %10llu %10llu %8llu\n", tid, t->space, t->label, nm[0] ? nm : "-",
		       (unsigned long long)t->sent, (unsigned long long)t->received, (unsigned long long)t->faults);
	}
	exoctl__answer__free_unpacked(ans, NULL);
}

/* A size with an optional K, M or G suffix. */
static uint64_t parse_size(const char *arg)
{
	char *end;
	unsigned long long n = strtoull(arg, &end, 0);

	if (end == arg)
		die("not a size: %s", arg);
	if (*end == 'K' || *end == 'k')
		n <<= 10, end++;
	else if (*end == 'M' || *end == 'm')
		n <<= 20, end++;
	else if (*end == 'G' || *end == 'g')
		n <<= 30, end++;
	if (*end)
		die("not a size: %s", arg);
	return n;
}

/* trace start FILE [--filter SPEC]... [--max SIZE] [--strings N] | trace stop */
static void cmd_trace(int fd, char **args, int n)
{
	Exoctl__Request req = EXOCTL__REQUEST__INIT;
	Exoctl__TraceRequest tr = EXOCTL__TRACE_REQUEST__INIT;
	Exoctl__Answer *ans;
	char *abs = NULL, *filters[64];

	tr.start = strcmp(args[0], "start") == 0;
	if (tr.start) {
		const char *file = args[1];

		/* The kernel runs in its own folder: give it an absolute path. */
		if (file[0] == '/') {
			abs = strdup(file);
		} else {
			char cwd[PATH_MAX];

			if (!getcwd(cwd, sizeof(cwd)))
				die("cannot find the current folder: %s", strerror(errno));
			if (asprintf(&abs, "%s/%s", cwd, file) < 0)
				abs = NULL;
		}
		if (!abs)
			die("out of memory");
		tr.path = abs;
		tr.filters = filters;
		for (int i = 2; i < n; i += 2) {
			if (strcmp(args[i], "--filter") == 0 && tr.n_filters < 64)
				filters[tr.n_filters++] = args[i + 1];
			else if (strcmp(args[i], "--max") == 0)
				tr.has_max_bytes = true, tr.max_bytes = parse_size(args[i + 1]);
			else if (strcmp(args[i], "--strings") == 0)
				tr.has_string_max = true, tr.string_max = (uint32_t)parse_size(args[i + 1]);
			else
				die("trace start: unknown option %s", args[i]);
		}
	}
	req.what_case = EXOCTL__REQUEST__WHAT_TRACE;
	req.trace = &tr;
	ans = ask(fd, &req);
	if (tr.start)
		printf("tracing to %s\n", ans->trace && ans->trace->path ? ans->trace->path : abs);
	else
		printf("tracing stopped\n");
	exoctl__answer__free_unpacked(ans, NULL);
	free(abs);
}

static void cmd_kill(int fd, const char *arg)
{
	Exoctl__Request req = EXOCTL__REQUEST__INIT;
	Exoctl__KillRequest kr = EXOCTL__KILL_REQUEST__INIT;
	Exoctl__Answer *ans;

	kr.space = find_space(fd, arg);
	req.what_case = EXOCTL__REQUEST__WHAT_KILL;
	req.kill = &kr;
	ans = ask(fd, &req);
	if (!ans->kill)
		die("the kernel answered something else than kill");
	printf("killed space %u (pid %d)\n", ans->kill->space, ans->kill->pid);
	exoctl__answer__free_unpacked(ans, NULL);
}

/*
 * No kernel on the default path: `./exo run` and `./exo exec` start kernels
 * on private sockets, /tmp/exo-UID/exec-PID.sock. One live one is
 * taken; several are listed. NULL when there is none.
 */
/* "  PATH (exosim --exec PROGRAM)" for a private kernel's socket, from its pid. */
static void describe_private(const char *path)
{
	const char *base = strrchr(path, '/');
	char proc[64], buf[4096], *exec = NULL;
	FILE *f;
	size_t n;

	snprintf(proc, sizeof(proc), "/proc/%d/cmdline", base ? atoi(base + 6) : 0);
	f = fopen(proc, "r");
	n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
	if (f)
		fclose(f);
	buf[n] = 0;
	for (size_t i = 0; i < n; i += strlen(buf + i) + 1)
		if (strcmp(buf + i, "--exec") == 0 && i + 7 < n)
			exec = buf + i + 7;
	fprintf(stderr, "  %s%s%s%s\n", path, exec ? " (--exec " : "", exec ? exec : "", exec ? ")" : "");
}

static char *private_kernel(const char *ksock)
{
	char dir[64], *found = NULL, *path;
	unsigned live = 0;
	struct dirent *e;
	DIR *d;

	/* exosim puts private sockets there whatever $XDG_RUNTIME_DIR says. */
	snprintf(dir, sizeof(dir), "/tmp/exo-%u", (unsigned)getuid());
	d = opendir(dir);
	if (!d)
		return NULL;
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		int fd;

		if (strncmp(e->d_name, "exec-", 5) != 0 || n < 9 || strcmp(e->d_name + n - 9, ".sock.ctl") != 0)
			continue;
		if (asprintf(&path, "%s/%s", dir, e->d_name) < 0)
			continue;
		fd = try_connect(path, SOCK_STREAM);
		if (fd < 0) {
			free(path);
			continue;
		}
		close(fd);
		path[strlen(path) - 4] = 0; /* the kernel socket */
		if (live++ == 0) {
			found = path;
			continue;
		}
		if (live == 2) {
			fprintf(stderr, "%s: no kernel on %s, and several private ones:\n", prog, ksock);
			describe_private(found);
		}
		describe_private(path);
		free(path);
	}
	closedir(d);
	if (live > 1)
		die("choose one with --socket");
	return found;
}

int main(int argc, char **argv)
{
	const char *sock_opt = NULL, *cmd;
	char *ksock;
	int i = 1, fd, rest;

	while (i < argc && argv[i][0] == '-') {
		if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc) {
			sock_opt = argv[i + 1];
			i += 2;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	cmd = argv[i++];
	rest = argc - i;
	/* Check the command line before reaching for the kernel. */
	if (!((strcmp(cmd, "ps") == 0 && rest == 0) || (strcmp(cmd, "servers") == 0 && rest == 0) ||
	      (strcmp(cmd, "stats") == 0 && rest == 0) || (strcmp(cmd, "maps") == 0 && rest == 1) ||
	      (strcmp(cmd, "kill") == 0 && rest == 1) ||
	      (strcmp(cmd, "trace") == 0 && rest >= 2 && rest % 2 == 0 && strcmp(argv[i], "start") == 0) ||
	      (strcmp(cmd, "trace") == 0 && rest == 1 && strcmp(argv[i], "stop") == 0))) {
		usage(stderr);
		return 2;
	}
	ksock = kernel_socket(sock_opt);
	if (!ksock)
		die("out of memory");
	if (!sock_opt && !(getenv("EXO_SOCKET") && *getenv("EXO_SOCKET"))) {
		char ctl[PATH_MAX];
		int probe;

		snprintf(ctl, sizeof(ctl), "%s.ctl", ksock);
		probe = try_connect(ctl, SOCK_STREAM);
		if (probe >= 0) {
			close(probe);
		} else {
			char *priv = private_kernel(ksock);

			if (priv) {
				free(ksock);
				ksock = priv;
			}
		}
	}
	fd = open_control(ksock);
	free(ksock);
	if (strcmp(cmd, "ps") == 0)
		cmd_ps(fd);
	else if (strcmp(cmd, "servers") == 0)
		cmd_servers(fd);
	else if (strcmp(cmd, "stats") == 0)
		cmd_stats(fd);
	else if (strcmp(cmd, "maps") == 0)
		cmd_maps(fd, argv[i]);
	else if (strcmp(cmd, "kill") == 0)
		cmd_kill(fd, argv[i]);
	else
		cmd_trace(fd, argv + i, rest);
	close(fd);
	return 0;
}
