/*
 * sim/lib/mem.c — a space's memory on the sim: physical memory (the kernel's
 * memfd) mapped into this process as the kernel says, page faults turned into
 * calls to the pager, and the control thread that removes pages on demand.
 *
 * Entry points: exo_sim_mem_join (once a space, with the HELLO answer), exo_sim_mem_install
 * (install records of a received message), the SIGSEGV handler, and the
 * control thread. Invariants: the managed range [EXO_VM_BASE, +EXO_VM_SIZE)
 * is always reserved (PROT_NONE) where nothing is installed, so Linux never
 * puts its own mappings there; sigma0 sees all of physical memory at
 * sigma0_base.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <exo/ipc.h>
#include <exo/memory.h>

#include <valgrind/memcheck.h>

#include "chan.h"
#include "mem.h"

#define HOST_MAP_SHARED 0x01
#define HOST_MAP_PRIVATE 0x02
#define HOST_MAP_FIXED 0x10
#define HOST_MAP_ANON 0x20
#define HOST_MAP_NORESERVE 0x4000

static struct {
	atomic_int state;        /* 0 none, 1 joining, 2 joined */
	int memfd;
	uint64_t phys_size, sigma0_base;
	int sigma0;
	atomic_int ctl_ready;
	int ctl_fd;
	atomic_ullong installs_applied; /* answers with installs this space applied */
} mem = { .memfd = -1, .ctl_fd = -1 };

static _Thread_local unsigned char fault_buf[16384] __attribute__((aligned(8)));

static int in_vm(uint64_t a, uint64_t len)
{
	return a >= EXO_VM_BASE && a + len <= EXO_VM_BASE + EXO_VM_SIZE && a + len >= a;
}

/*
 * Reserve part of the managed range again (pages removed). Under Valgrind,
 * memcheck would report every first touch of a reserved page as an invalid
 * access before the fault reaches the pager; the range is addressable as far
 * as Exo is concerned, so tell memcheck so (a no-op outside Valgrind).
 */
static void reserve(uint64_t vaddr, uint64_t len)
{
	exo_lx_mmap(vaddr, len, 0, HOST_MAP_PRIVATE | HOST_MAP_ANON | HOST_MAP_FIXED | HOST_MAP_NORESERVE, -1, 0);
	VALGRIND_MAKE_MEM_DEFINED((void *)(uintptr_t)vaddr, len);
}

/* Put the managed range back to reserved where pages are removed. */
static void unmap_range(uint64_t vaddr, uint64_t len)
{
	if (in_vm(vaddr, len))
		reserve(vaddr, len);
	else
		exo_lx_munmap(vaddr, len);
}

static int install(const struct sim_install *r, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		uint64_t len = (uint64_t)r[i].npages * EXO_PAGE_SIZE;
		long a;

		if (mem.memfd < 0)
			return -1;
		a = exo_lx_mmap(r[i].vaddr, len, exo_lx_prot(r[i].rights), HOST_MAP_SHARED | HOST_MAP_FIXED, mem.memfd,
			    r[i].frame * EXO_PAGE_SIZE);
		if (a < 0)
			return -1;
	}
	return 0;
}

/* Apply one answer's install records (or none, when it is malformed: r NULL). */
int exo_sim_mem_install(const struct sim_install *r, uint32_t n)
{
	int e = r ? install(r, n) : -1;

	atomic_fetch_add(&mem.installs_applied, 1);
	return e;
}

static void ctl_apply(const struct sim_install *r, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		uint64_t len = (uint64_t)r[i].npages * EXO_PAGE_SIZE;

		if (r[i].rights == 0)
			unmap_range(r[i].vaddr, len);
		else
			exo_lx_mprotect(r[i].vaddr, len, exo_lx_prot(r[i].rights));
	}
}

/* The control thread: apply each revocation batch, then acknowledge it. */
static void *ctl_thread(void *arg)
{
	static unsigned char buf[sizeof(struct sim_hdr) + SIM_INSTALL_MAX * sizeof(struct sim_install)];
	const struct sim_hdr *h = (const void *)buf;
	int fd = mem.ctl_fd;

	(void)arg;
	exo_lx_block_signals();
	atomic_store(&mem.ctl_ready, 1);
	for (;;) {
		long n = exo_lx_recv(fd, buf, sizeof(buf));
		struct sim_hdr ack = { .op = SIM_OP_CTL_ACK };
		struct exo_lx_iov iov = { &ack, sizeof(ack) };

		if (n <= 0 || n > (long)sizeof(buf))
			break;
		if (h->op != SIM_OP_CTL || (size_t)n != sizeof(*h) + h->aux * sizeof(struct sim_install))
			continue;
		/* Installs made before this batch first (see wire.h). */
		while (atomic_load(&mem.installs_applied) < h->tag)
			exo_lx_yield();
		ctl_apply((const struct sim_install *)(h + 1), h->aux);
		ack.tid = h->tid;
		if (exo_lx_sendv(fd, &iov, 1) < 0)
			break;
	}
	return NULL;
}

static void report(const char *what, uint64_t addr, uint64_t access, uint64_t ip)
{
	char line[200];
	int n = snprintf(line, sizeof(line), "exo: space %u thread %x: %s page fault at %#llx (%s), ip %#llx\n",
			 exo_my_space(), exo_myself(), what, (unsigned long long)addr,
			 access == EXO_W ? "write" : access == EXO_X ? "exec" : "read", (unsigned long long)ip);

	exo_lx_write_err(line, (size_t)n);
}

static void on_segv(int sig, void *si, void *uc)
{
	uint64_t addr, access, ip;
	struct sim_hdr h = { .op = SIM_OP_FAULT };
	struct sim_fault f;
	struct exo_lx_iov iov[2] = { { &h, sizeof(h) }, { &f, sizeof(f) } };
	const struct sim_hdr *a = (const void *)fault_buf;
	struct exo_chan *c;
	long n;

	(void)sig;
	if (!exo_lx_fault_info(si, uc, &addr, &access, &ip)) {
		exo_lx_segv_default();
		return;
	}
	f = (struct sim_fault){ addr, access, ip };
	if (exo_sim_chan_get(&c) != EXO_OK || exo_lx_sendv(c->fd, iov, 2) < 0 ||
	    (n = exo_lx_recv(c->fd, fault_buf, sizeof(fault_buf))) < (long)sizeof(*a) || n > (long)sizeof(fault_buf)) {
		report("unresolved (no kernel)", addr, access, ip);
		exo_lx_segv_default();
		return;
	}
	if (a->op == SIM_OP_MSG && a->ninstall > 0) {
		size_t words = (size_t)exo_tag_untyped(a->tag) + exo_tag_typed(a->tag);
		size_t off = sizeof(*a) + words * 8;
		int ok = off + a->ninstall * sizeof(struct sim_install) == (size_t)n;

		if (exo_sim_mem_install(ok ? (const struct sim_install *)(fault_buf + off) : NULL, a->ninstall) == 0)
			return; /* the instruction restarts */
	}
	if (getenv("EXO_DEBUG_FAULT")) {
		char dbg[160];
		int k = snprintf(dbg, sizeof(dbg), "fault answer op %u err %d ninstall %u len %ld memfd %d\n", a->op,
				 a->err, a->ninstall, n, mem.memfd);
		exo_lx_write_err(dbg, (size_t)k);
	}
	report(a->op == SIM_OP_RESULT && a->err == EXO_ENOPARTNER ? "no pager for" : "refused", addr, access, ip);
	exo_lx_segv_default();
}

void exo_sim_mem_join(const struct sim_hello *hello, int memfd)
{
	int expect = 0;

	if (memfd < 0)
		return;
	if (!atomic_compare_exchange_strong(&mem.state, &expect, 1)) {
		exo_lx_close(memfd);
		return;
	}
	mem.memfd = memfd;
	mem.phys_size = hello->phys_size;
	mem.sigma0_base = hello->sigma0_base;
	mem.sigma0 = (int)hello->sigma0;
	/* Reserve the managed range (it may already be, after a host fork). */
	reserve(EXO_VM_BASE, EXO_VM_SIZE);
	if (mem.sigma0)
		exo_lx_mmap(mem.sigma0_base, mem.phys_size, exo_lx_prot(EXO_R | EXO_W), HOST_MAP_SHARED | HOST_MAP_FIXED,
			memfd, 0);
	exo_lx_on_segv(on_segv);
	mem.ctl_fd = exo_sim_chan_connect_control();
	if (mem.ctl_fd >= 0 && exo_lx_thread_start(ctl_thread, NULL) == 0)
		while (!atomic_load(&mem.ctl_ready))
			exo_lx_yield();
	atomic_store(&mem.state, 2);
}

/* The sim kernel's layout (it reports the same in exo_kinfo_t.vm_base and vm_size). */
uint64_t exo_vm_base(void)
{
	return SIM_VM_BASE;
}

uint64_t exo_vm_size(void)
{
	return SIM_VM_SIZE;
}

/* After a host fork: the child is a new space with nothing mapped. */
void exo_sim_mem_after_fork(void)
{
	if (mem.memfd >= 0)
		exo_lx_close(mem.memfd);
	if (mem.ctl_fd >= 0)
		exo_lx_close(mem.ctl_fd);
	if (atomic_load(&mem.state) == 2)
		reserve(EXO_VM_BASE, EXO_VM_SIZE);
	if (mem.sigma0)
		exo_lx_munmap(mem.sigma0_base, mem.phys_size);
	mem.memfd = -1;
	mem.ctl_fd = -1;
	mem.sigma0 = 0;
	atomic_store(&mem.installs_applied, 0);
	atomic_store(&mem.ctl_ready, 0);
	atomic_store(&mem.state, 0);
}

exo_err exo_sigma0_view(uint64_t *base, uint64_t *size)
{
	struct exo_chan *c;
	exo_err err = exo_sim_chan_get(&c);

	if (err != EXO_OK)
		return err;
	if (!mem.sigma0)
		return EXO_EPERM;
	*base = mem.sigma0_base;
	*size = mem.phys_size;
	return EXO_OK;
}
