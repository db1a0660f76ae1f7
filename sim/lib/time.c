/*
 * sim/lib/time.c — the clocks and scheduling calls of include/exo/ipc.h on
 * the sim.
 *
 * The host's clock is the sim's hardware clock: exosim's monotonic clock is
 * the host's CLOCK_MONOTONIC minus the host time at its boot, which every
 * HELLO answer carries (sim_hello.boot_ns). A space reads the host clock
 * itself (the vDSO, about 20 ns) and subtracts that base, so exo_clock_ns
 * agrees with exo_kinfo_t.clock_ns without a kernel round trip (about 20 us).
 * CPU time is the host's accounting of the space's process or thread: the
 * time exosim spends on the space's behalf is not counted.
 */
#include <stdatomic.h>
#include <string.h>

#include <exo/ipc.h>

#include "chan.h"

static _Atomic uint64_t boot_base;
static atomic_int have_base;

void exo_sim_time_join(uint64_t boot_ns)
{
	atomic_store(&boot_base, boot_ns);
	atomic_store_explicit(&have_base, 1, memory_order_release);
}

/* The kernel's boot on the host clock; joining the kernel if no thread has. */
static uint64_t base(void)
{
	struct exo_chan *c;

	if (!atomic_load_explicit(&have_base, memory_order_acquire))
		(void)exo_sim_chan_get(&c); /* without a kernel: the host's own clock (base 0) */
	return atomic_load(&boot_base);
}

uint64_t exo_clock_ns(void)
{
	uint64_t b = base(), now = 0;

	exo_lx_clock_ns(LX_CLOCK_MONOTONIC, &now);
	return now > b ? now - b : 0;
}

int64_t exo_realtime_offset_ns(void)
{
	uint64_t b = base(), mono = 0, real = 0;

	/* Wall clock minus Exo's clock, both read now: follows the host's wall clock. */
	exo_lx_clock_ns(LX_CLOCK_MONOTONIC, &mono);
	exo_lx_clock_ns(LX_CLOCK_REALTIME, &real);
	return (int64_t)(real - (mono - b));
}

exo_err exo_cpu_time(int which, uint64_t *user_ns, uint64_t *sys_ns)
{
	uint64_t total = 0, sys = 0;

	if (which != EXO_CPU_SPACE && which != EXO_CPU_THREAD)
		return EXO_EINVAL;
	/* The total at ns resolution; the host's split of it at us resolution. */
	if (exo_lx_clock_ns(which == EXO_CPU_THREAD ? LX_CLOCK_THREAD_CPU : LX_CLOCK_PROCESS_CPU, &total) < 0 ||
	    exo_lx_sys_time_ns(which == EXO_CPU_THREAD, &sys) < 0)
		return EXO_EIO;
	if (sys > total)
		sys = total;
	if (user_ns)
		*user_ns = total - sys;
	if (sys_ns)
		*sys_ns = sys;
	return EXO_OK;
}

exo_err exo_space_sched(exo_space_t space, uint32_t policy, int32_t priority, int32_t nice, uint32_t *applied)
{
	struct sim_sched p = { .policy = policy, .priority = priority, .nice = nice };
	struct sim_hdr h = { .op = SIM_OP_SCHED, .aux = space };
	struct exo_lx_iov iov[2] = { { &h, sizeof(h) }, { &p, sizeof(p) } };
	const struct sim_hdr *a = (const void *)exo_sim_chan_rxbuf();
	struct exo_chan *c;
	long len;
	exo_err err = exo_sim_chan_get(&c);

	if (applied)
		*applied = 0;
	if (err == EXO_OK)
		err = exo_sim_chan_rpc(c, iov, 2, &len);
	if (err != EXO_OK)
		return err;
	if (a->op != SIM_OP_RESULT)
		return EXO_EIO;
	if (applied)
		*applied = a->aux;
	return (exo_err)a->err;
}

void exo_yield(void)
{
	exo_lx_yield();
}
