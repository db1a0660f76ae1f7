/*
 * bench/memory.c — the memory model against the host, same run, same CPU.
 *
 *   memory fault   touch an unmapped anonymous page through the pager, against
 *                  the host's SIGSEGV handler that mmaps the page itself
 *   memory mmap    mmap, touch every page of and munmap 1 MiB, against the
 *                  host doing the same with its own mmap
 *
 * Run as a space of an exosim whose boot list starts the memory server
 * (./exo bench fault, ./exo bench mmap). The Exo side goes through libposix;
 * the host side uses raw system calls, so neither borrows from the other.
 * The last line is `NAME: exo=<ns> host=<ns> ratio=<exo/host>`, medians of
 * interleaved batches.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <exo/exo.h>

#include "bench.h"

#define ROUNDS 15
#define PAGES 256

static void *host_mmap(void *a, size_t len, int prot, int flags)
{
	return (void *)syscall(SYS_mmap, a, len, prot, flags, -1, 0);
}

static void host_munmap(void *a, size_t len)
{
	syscall(SYS_munmap, a, len);
}

/* The host's own pager: map the faulting page and return. */
static void host_segv(int sig, siginfo_t *si, void *uc)
{
	uintptr_t page = (uintptr_t)si->si_addr & ~(uintptr_t)4095;

	(void)sig;
	(void)uc;
	host_mmap((void *)page, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED);
}

/*
 * Exo: the SIGSEGV handler is libexo's, the pager the memory server, which
 * maps a whole 64 KiB block per fault. `stride` 16 touches one page a block
 * (every touch is a fault); stride 1 touches every page (the cost per page a
 * sequential first touch sees).
 */
static double exo_fault_batch(int stride)
{
	volatile char *p = mmap(NULL, PAGES * 16 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int touches = stride == 16 ? PAGES : PAGES * 16;
	uint64_t t0;
	double ns;

	if (p == MAP_FAILED)
		exit(1);
	t0 = bench_now_ns();
	for (int i = 0; i < touches; i++)
		p[(size_t)i * stride * 4096] = 1;
	ns = (double)(bench_now_ns() - t0) / touches;
	munmap((void *)p, PAGES * 16 * 4096);
	return ns;
}

static double host_fault_batch(void)
{
	volatile char *p = host_mmap(NULL, PAGES * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS);
	uint64_t t0;
	double ns;

	t0 = bench_now_ns();
	for (int i = 0; i < PAGES; i++)
		p[i * 4096] = 1;
	ns = (double)(bench_now_ns() - t0) / PAGES;
	host_munmap((void *)p, PAGES * 4096);
	return ns;
}

static double exo_mmap_batch(void)
{
	uint64_t t0 = bench_now_ns();

	for (int r = 0; r < 4; r++) {
		volatile char *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		for (int i = 0; i < (1 << 20); i += 4096)
			p[i] = 1;
		munmap((void *)p, 1 << 20);
	}
	return (double)(bench_now_ns() - t0) / 4;
}

static double host_mmap_batch(void)
{
	uint64_t t0 = bench_now_ns();

	for (int r = 0; r < 4; r++) {
		volatile char *p = host_mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);

		for (int i = 0; i < (1 << 20); i += 4096)
			p[i] = 1;
		host_munmap((void *)p, 1 << 20);
	}
	return (double)(bench_now_ns() - t0) / 4;
}

static int (*host_sigaction)(int, const struct sigaction *, struct sigaction *);

int main(int argc, char **argv)
{
	double exo[ROUNDS], host[ROUNDS], seq[ROUNDS];
	int fault;
	exo_kinfo_t ki;

	exo_init_args(&argc, argv);
	if (argc < 2 || (strcmp(argv[1], "fault") && strcmp(argv[1], "mmap"))) {
		fprintf(stderr, "usage: bench_memory fault|mmap\n");
		return 2;
	}
	fault = strcmp(argv[1], "fault") == 0;
	/* libposix's sigaction keeps SIGSEGV for libexo: the host side uses the host's. */
	host_sigaction = (int (*)(int, const struct sigaction *, struct sigaction *))dlsym(RTLD_NEXT, "sigaction");
	if (!host_sigaction)
		return 2;
	exo_kernel_info(&ki);
	if (ki.cpu >= 0)
		printf("placement: exosim, memory server and this program all on CPU %d\n", ki.cpu);
	else
		printf("placement: left to the host scheduler\n");
	if (fault)
		exo_fault_batch(16); /* warm up: join the kernel, install libexo's handler */
	for (int r = 0; r < ROUNDS; r++) {
		if (fault) {
			struct sigaction sa = { 0 }, old;

			exo[r] = exo_fault_batch(16);
			seq[r] = exo_fault_batch(1);
			/* The host's handler, for the host's batch only (libexo's otherwise). */
			sa.sa_sigaction = host_segv;
			sa.sa_flags = SA_SIGINFO;
			host_sigaction(SIGSEGV, &sa, &old);
			host[r] = host_fault_batch();
			host_sigaction(SIGSEGV, &old, NULL);
		} else {
			exo[r] = exo_mmap_batch();
			host[r] = host_mmap_batch();
		}
	}
	if (fault)
		printf("sequential first touch, per page (one fault per 16 pages): exo=%.0f host=%.0f\n",
		       bench_median(seq, ROUNDS), bench_median(host, ROUNDS));
	printf("%s, median of %d batches\n",
	       fault ? "page fault through the pager (maps 64 KiB) vs host SIGSEGV handler mapping one page, per fault" : "mmap + touch + munmap of 1 MiB",
	       ROUNDS);
	printf("%s: exo=%.0f host=%.0f ratio=%.2f\n", fault ? "fault" : "mmap", bench_median(exo, ROUNDS),
	       bench_median(host, ROUNDS), bench_median(exo, ROUNDS) / bench_median(host, ROUNDS));
	return 0;
}
