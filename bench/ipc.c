/*
 * bench/ipc.c — a 64-byte call + 64-byte reply through exosim, against a raw
 * SOCK_SEQPACKET socketpair ping-pong between two host processes.
 *
 * Run as a space: `exosim -q --cpu 0 --exec bench_ipc SERVER` (./exo bench ipc).
 * Every process inherits exosim's placement, so both sides are measured on the
 * same CPU, in the same run, in interleaved batches; the figures are the
 * medians of the batches. The last line is
 *   ipc: exo=<ns> host=<ns> ratio=<exo/host>
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <exo/exo.h>

#include "bench.h"

#define ROUNDS 21
#define BATCH 2000

static double exo_batch(exo_tid_t srv, int n)
{
	exo_msg_t m = { 0 };
	uint64_t t0 = bench_now_ns();

	for (int i = 0; i < n; i++) {
		m.tag = exo_tag(1, 8, 0);
		m.mr[0] = (uint64_t)i;
		if (exo_call(srv, &m, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER) != EXO_OK || m.mr[0] != (uint64_t)i) {
			fprintf(stderr, "bench: exo call failed\n");
			exit(1);
		}
	}
	return (double)(bench_now_ns() - t0) / n;
}

static double host_batch(int fd, int n)
{
	uint64_t buf[8] = { 0 };
	uint64_t t0 = bench_now_ns();

	for (int i = 0; i < n; i++) {
		buf[0] = (uint64_t)i;
		if (send(fd, buf, sizeof(buf), 0) != sizeof(buf) || recv(fd, buf, sizeof(buf), 0) != sizeof(buf) ||
		    buf[0] != (uint64_t)i) {
			fprintf(stderr, "bench: host ping-pong failed\n");
			exit(1);
		}
	}
	return (double)(bench_now_ns() - t0) / n;
}

static void host_echo(int fd)
{
	uint64_t buf[8];

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		if (n <= 0 || send(fd, buf, (size_t)n, 0) != n)
			_exit(0);
	}
}

int main(int argc, char **argv)
{
	char *sargv[] = { NULL, NULL };
	double exo[ROUNDS], host[ROUNDS], e, h;
	exo_kinfo_t ki;
	exo_tid_t srv;
	int sv[2];
	pid_t pid;

	exo_init_args(&argc, argv);
	if (argc < 2) {
		fprintf(stderr, "usage: bench_ipc SERVER\n");
		return 2;
	}
	sargv[0] = argv[1];
	if (exo_space_spawn(sargv, NULL) != EXO_OK || exo_lookup("bench-ipc", &srv, exo_timeout_ms(10000)) != EXO_OK) {
		fprintf(stderr, "bench: no server\n");
		return 1;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) < 0)
		return 1;
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		host_echo(sv[1]);
	}
	close(sv[1]);
	exo_kernel_info(&ki);
	if (ki.cpu >= 0)
		printf("placement: exosim, server, client and host pair all on CPU %d\n", ki.cpu);
	else
		printf("placement: left to the host scheduler (exosim --cpu all)\n");
	exo_batch(srv, BATCH / 4);
	host_batch(sv[0], BATCH / 4);
	for (int r = 0; r < ROUNDS; r++) {
		exo[r] = exo_batch(srv, BATCH);
		host[r] = host_batch(sv[0], BATCH);
	}
	close(sv[0]);
	waitpid(pid, NULL, 0);
	e = bench_median(exo, ROUNDS);
	h = bench_median(host, ROUNDS);
	printf("round trip, 64-byte call + 64-byte reply, median of %d batches of %d\n", ROUNDS, BATCH);
	printf("ipc: exo=%.0f host=%.0f ratio=%.2f\n", e, h, e / h);
	return 0;
}
