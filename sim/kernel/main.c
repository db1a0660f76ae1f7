/*
 * sim/kernel/main.c — exosim: the hosted Exo kernel.
 *
 *   exosim [--socket PATH] [--boot FILE] [--wrap LABEL=CMD]... [--wait NAME]...
 *          [--cpu N|auto|all] [-v|-q] [--trace FILE [--trace-filter SPEC]...
 *          [--trace-max SIZE] [--trace-strings N]] [--exec PROGRAM [ARGS...]]
 *
 * One process, one libevent loop: it listens on a Unix SOCK_SEQPACKET socket,
 * starts the boot list, and routes every IPC between the threads that join.
 * With --exec it runs PROGRAM as a space after the boot and exits with its
 * status (the engine of `./exo exec`).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kernel.h"

void k_log(struct ksim *k, int level, const char *fmt, ...)
{
	va_list ap;

	if (k->verbose < level)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "exosim[%.3f]: ", (double)k_now(k) / 1e9);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: exosim [--socket PATH] [--boot FILE] [--wrap LABEL=CMD]... [--wait NAME]...\n"
		"              [--phys SIZE] [--cpu N|auto|all] [-v|-q] [--exec PROGRAM [ARGS...]]\n"
		"  --socket PATH  the kernel socket (default: $EXO_SOCKET, else\n"
		"                 $XDG_RUNTIME_DIR/exo/exosim.sock, else /tmp/exo-UID/exosim.sock;\n"
		"                 with --exec a private socket)\n"
		"  --boot FILE    the boot list to start\n"
		"  --wrap L=CMD   run boot entry L under CMD (valgrind, gdbserver :1234, strace -f)\n"
		"  --wait NAME    hold the boot until a thread registers NAME\n"
		"  --phys SIZE    physical memory, e.g. 256M (default), 1G\n"
		"  --cpu N        place every space on CPU N (default: the first CPU this\n"
		"                 process may use); auto: one CPU chosen by the kernel's pid;\n"
		"                 all: leave placement to the host\n"
		"  -v, -q         log every message and fault / log nothing but errors\n"
		"  --trace FILE   record every IPC event to FILE (docs/trace.md; exotrace reads it)\n"
		"  --trace-filter SPEC  keep only messages of server=NAME, protocol=NAME,\n"
		"                 space=N or label=A[-B] (repeat: any of them)\n"
		"  --trace-max SIZE  rotate at SIZE bytes (e.g. 64M): FILE becomes FILE.1\n"
		"  --trace-strings N  keep at most N bytes of each string item (default: all)\n"
		"  --exec PROG    run PROG as a space after the boot; exit with its status\n");
}

/* A size with an optional K, M or G suffix; false when it is not one. */
static bool parse_size(const char *s, uint64_t *v)
{
	char *end;
	unsigned long long n = strtoull(s, &end, 0);

	if (end == s)
		return false;
	if (*end == 'K' || *end == 'k')
		n <<= 10, end++;
	else if (*end == 'M' || *end == 'm')
		n <<= 20, end++;
	else if (*end == 'G' || *end == 'g')
		n <<= 30, end++;
	*v = n;
	return *end == 0;
}

static char *default_socket(bool private_one)
{
	const char *env = getenv(SIM_SOCKET_ENV), *rt = getenv("XDG_RUNTIME_DIR");
	char dir[256], *path;

	if (env && *env && !private_one)
		return strdup(env);
	if (rt && *rt && !private_one)
		snprintf(dir, sizeof(dir), "%s/exo", rt);
	else
		snprintf(dir, sizeof(dir), "/tmp/exo-%u", (unsigned)getuid());
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return NULL;
	path = malloc(strlen(dir) + 64);
	if (!path)
		return NULL;
	if (private_one)
		sprintf(path, "%s/exec-%d.sock", dir, (int)getpid());
	else
		sprintf(path, "%s/exosim.sock", dir);
	return path;
}

/*
 * CPU placement: every space on one CPU (a uniprocessor kernel) unless
 * `all`. The CPU is chosen among those this process may use: the default is
 * the first of them, `auto` spreads parallel kernels by pid.
 */
static int place(struct ksim *k, const char *spec)
{
	cpu_set_t allowed, set;
	int n = 0, pick = -1;

	if (strcmp(spec, "all") == 0) {
		k->cpu = -1;
		return 0;
	}
	if (sched_getaffinity(0, sizeof(allowed), &allowed) < 0) {
		CPU_ZERO(&allowed);
		CPU_SET(0, &allowed);
	}
	n = CPU_COUNT(&allowed);
	if (strcmp(spec, "auto") == 0 || strcmp(spec, "first") == 0) {
		int want = strcmp(spec, "auto") == 0 ? (int)(getpid() % (n > 0 ? n : 1)) : 0;

		for (int c = 0, seen = 0; c < CPU_SETSIZE && pick < 0; c++)
			if (CPU_ISSET(c, &allowed) && seen++ == want)
				pick = c;
	} else {
		char *end;
		long c = strtol(spec, &end, 10);

		if (*end || c < 0 || c >= CPU_SETSIZE) {
			fprintf(stderr, "exosim: --cpu wants a CPU number, auto or all\n");
			return -1;
		}
		if (!CPU_ISSET(c, &allowed)) {
			fprintf(stderr, "exosim: CPU %ld is not one this process may use\n", c);
			return -1;
		}
		pick = (int)c;
	}
	if (pick < 0)
		return -1;
	k->cpu = pick;
	CPU_ZERO(&set);
	CPU_SET(k->cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0) {
		fprintf(stderr, "exosim: cannot place on CPU %d: %s\n", k->cpu, strerror(errno));
		return -1;
	}
	return 0;
}

static void timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ksim *k = arg;
	uint64_t now = k_now(k);

	(void)fd;
	(void)what;
	k->armed = IPC_NEVER;
	ipc_expire(&k->ipc, now);
	k_lookups_expire(k, now);
	k_timer_update(k);
}

static void signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct ksim *k = arg;

	(void)what;
	if (sig == SIGCHLD) {
		k_reap(k);
		k_timer_update(k);
		return;
	}
	klog(k, "signal %d: shutting down", (int)sig);
	/* Stopping `exosim` (./exo run) is a clean exit; a stopped --exec is not. */
	k_shutdown(k, !k->execs ? 0 : sig == SIGINT ? 130 : 143);
}

static void teardown(struct ksim *k)
{
	while (k->chans)
		k_chan_close(k, k->chans);
	while (k->spaces) {
		struct kspace *s = k->spaces;

		/*
		 * What is left are THREAD_NEW slots no thread started: free them
		 * too (the space goes with its last one).
		 */
		s->reaped = true;
		if (s->threads)
			k_thread_die(k, s->threads);
		else
			k_space_maybe_free(k, s);
	}
	if (k->trace)
		k_trace_stop(k);
	k_boot_free(k);
	k_control_close(k);
	if (k->listen_fd >= 0) {
		event_free(k->accept_ev);
		close(k->listen_fd);
		unlink(k->socket_path);
	}
	if (k->kill_ev)
		event_free(k->kill_ev);
	event_free(k->timer_ev);
	event_free(k->sigchld_ev);
	event_free(k->sigint_ev);
	event_free(k->sigterm_ev);
	event_base_free(k->base);
	free(k->slots);
	free(k->versions);
	k_mem_fini(k);
	free(k->rxbuf);
	free(k->txbuf);
	free(k->socket_path);
}

int main(int argc, char **argv)
{
	struct ksim ks = { .listen_fd = -1, .control_fd = -1, .memfd = -1, .cpu = 0, .verbose = 1,
			   .armed = IPC_NEVER };
	struct ksim *k = &ks;
	const char *boot = NULL, *cpu = "first";
	const char *wraps[32], *waits[32], *trace = NULL, *filters[32];
	struct ktrace_opts topts = { .filters = filters };
	uint64_t tsize;
	int nwraps = 0, nwaits = 0, i;
	char **exec_argv = NULL;
	uint64_t phys = 256ull << 20;
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	k->boot_ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--exec") == 0 && i + 1 < argc) {
			exec_argv = &argv[i + 1];
			break;
		} else if (strcmp(a, "-v") == 0) {
			k->verbose++;
		} else if (strcmp(a, "-vv") == 0) {
			k->verbose += 2;
		} else if (strcmp(a, "-q") == 0) {
			k->verbose = 0;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage();
			return 0;
		} else if (i + 1 < argc && strcmp(a, "--socket") == 0) {
			k->socket_path = strdup(argv[++i]);
		} else if (i + 1 < argc && strcmp(a, "--boot") == 0) {
			boot = argv[++i];
		} else if (i + 1 < argc && strcmp(a, "--phys") == 0) {
			char *end;
			unsigned long long v = strtoull(argv[++i], &end, 0);

			if (*end == 'K' || *end == 'k')
				v <<= 10;
			else if (*end == 'M' || *end == 'm')
				v <<= 20;
			else if (*end == 'G' || *end == 'g')
				v <<= 30;
			if (v < EXO_PAGE_SIZE || v > (64ull << 30)) {
				fprintf(stderr, "exosim: --phys wants a size from 4K to 64G\n");
				return 2;
			}
			phys = v;
		} else if (i + 1 < argc && strcmp(a, "--cpu") == 0) {
			cpu = argv[++i];
		} else if (i + 1 < argc && strcmp(a, "--wrap") == 0 && nwraps < 32) {
			wraps[nwraps++] = argv[++i];
		} else if (i + 1 < argc && strcmp(a, "--wait") == 0 && nwaits < 32) {
			waits[nwaits++] = argv[++i];
		} else if (i + 1 < argc && strcmp(a, "--trace") == 0) {
			trace = argv[++i];
		} else if (i + 1 < argc && strcmp(a, "--trace-filter") == 0 && topts.nfilters < 32) {
			if (k_trace_filter_check(argv[i + 1]) < 0) {
				fprintf(stderr, "exosim: --trace-filter wants server=NAME, protocol=NAME, space=N or "
						"label=A[-B], not %s\n", argv[i + 1]);
				return 2;
			}
			filters[topts.nfilters++] = argv[++i];
		} else if (i + 1 < argc && strcmp(a, "--trace-max") == 0) {
			if (!parse_size(argv[++i], &topts.max_bytes) || topts.max_bytes < 4096) {
				fprintf(stderr, "exosim: --trace-max wants a size of at least 4K, e.g. 64M\n");
				return 2;
			}
		} else if (i + 1 < argc && strcmp(a, "--trace-strings") == 0) {
			if (!parse_size(argv[++i], &tsize) || tsize > UINT32_MAX) {
				fprintf(stderr, "exosim: --trace-strings wants a byte count\n");
				return 2;
			}
			topts.string_max = (uint32_t)tsize;
		} else {
			usage();
			return 2;
		}
	}
	if (exec_argv && k->verbose == 1 && !getenv("EXO_VERBOSE"))
		k->verbose = 0;
	if (getenv("EXO_VERBOSE"))
		k->verbose = atoi(getenv("EXO_VERBOSE"));
	if (!k->socket_path)
		k->socket_path = default_socket(exec_argv != NULL);
	if (!k->socket_path) {
		fprintf(stderr, "exosim: no socket path: %s\n", strerror(errno));
		return 1;
	}
	if (place(k, cpu) < 0)
		return 2;
	if (boot && k_boot_load(k, boot) < 0)
		return 2;
	for (i = 0; i < nwraps; i++)
		if (k_boot_wrap(k, wraps[i]) < 0)
			return 2;
	for (i = 0; i < nwaits; i++)
		k_boot_add_wait(k, waits[i]);
	if (exec_argv)
		k_boot_add_exec(k, exec_argv);
	k->execs = exec_argv != NULL;

	setenv(SIM_SOCKET_ENV, k->socket_path, 1);
	signal(SIGPIPE, SIG_IGN);
	/* Forked spaces are orphaned on purpose and come to exosim to be reaped. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	k->rxbuf = malloc(SIM_FRAME_MAX);
	k->txbuf = malloc(SIM_ANSWER_MAX);
	k->base = event_base_new();
	if (!k->rxbuf || !k->txbuf || !k->base || k_mem_init(k, phys) < 0)
		return 1;
	k_ipc_setup(k);
	k->timer_ev = evtimer_new(k->base, timer_cb, k);
	k->sigchld_ev = evsignal_new(k->base, SIGCHLD, signal_cb, k);
	k->sigint_ev = evsignal_new(k->base, SIGINT, signal_cb, k);
	k->sigterm_ev = evsignal_new(k->base, SIGTERM, signal_cb, k);
	event_add(k->sigchld_ev, NULL);
	event_add(k->sigint_ev, NULL);
	event_add(k->sigterm_ev, NULL);
	if (trace && (i = k_trace_start(k, trace, &topts)) < 0) {
		fprintf(stderr, "exosim: cannot trace to %s: %s\n", trace, strerror(-i));
		k->exit_status = 1;
	} else if (k_listen(k) < 0) {
		k->exit_status = 1;
	} else {
		k_control_listen(k); /* exoctl's; the kernel runs without it */
		if (k->cpu < 0)
			klog(k, "kernel on %s, spaces on any CPU", k->socket_path);
		else
			klog(k, "kernel on %s, spaces on CPU %d", k->socket_path, k->cpu);
		k_boot_continue(k);
		if (!k->shutting_down || k->kill_ev)
			event_base_dispatch(k->base);
		k_reap(k);
	}
	i = k->exit_status;
	teardown(k);
	return i;
}
