/*
 * hw/riscv64/tests/hostile.c — ecalls a buggy or hostile program could make:
 * bad message pointers (nil, kernel addresses, unmapped, wrapping), bad tag
 * counts and items, bad names, bad thread and unmap arguments, unknown call
 * numbers. Each must get an error from the kernel, never a kernel fault;
 * and the echo server ("hecho", started by the boot list) must still answer
 * afterwards. Runs raw ecalls, so it is riscv64's own.
 */
#include <stdint.h>
#include <string.h>

#include <exo/exo.h>
#include <exo/signal.h>

#include "../../../tests/integration/support.h"
#include "../../../tests/kernel/tap.h"
#include "../lib/sys.h"

#define KERNEL_VA 0x80200000ull
#define UNMAPPED 0x3000000000ull

/* A small generator, seeded for repeatable runs. */
static uint64_t rnd_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

/*
 * Where random pointers into this space point: the kernel may write there,
 * nowhere else of ours. They point into its first half, so a struct the
 * kernel writes at one (an exo_msg_t, a kinfo) stays inside it.
 */
static _Alignas(4096) uint8_t scratch[4 * 4096];

/* A word a hostile caller might pass: small numbers, ids, kernel and user addresses, noise. */
static uint64_t hostile_word(void)
{
	static const uint64_t pick[] = { 0, 1, 2, 7, 64, 4095, 4096, 0x80200000ull, 0x10000000ull,
		RV_VM_BASE, RV_SIGMA0_BASE, RV_USER_END, 0xffffffffffffffffull, 0x8000000000000000ull };

	switch (rnd() % 4) {
	case 0: return pick[rnd() % (sizeof(pick) / sizeof(pick[0]))];
	case 1: return rnd() & 0xfff;
	case 2: return (uint64_t)(uintptr_t)scratch + rnd() % (sizeof(scratch) / 2);
	default: return rnd();
	}
}

/*
 * Random calls with hostile arguments. Left out: the calls that end or
 * replace this space or thread, wait for ever or make threads, signal
 * (SIGKILL would end the test), and map devices or interrupts; every
 * timeout is short.
 */
static unsigned random_calls(unsigned n)
{
	unsigned odd = 0;

	memset(scratch, 0, sizeof(scratch)); /* its pages are there before the kernel looks */
	for (unsigned i = 0; i < n; i++) {
		unsigned nr = (unsigned)(rnd() % (RV_SYS_COUNT + 4));
		uint64_t a[6];

		for (unsigned j = 0; j < 6; j++)
			a[j] = hostile_word();
		switch (nr) {
		case RV_SYS_THREAD_EXIT: case RV_SYS_SPACE_EXIT: case RV_SYS_SPACE_RESTART: case RV_SYS_THREAD_CREATE:
		case RV_SYS_SPACE_FORK: case RV_SYS_SIG_POST: case RV_SYS_SIG_RAISE: case RV_SYS_SIG_ACTION:
		case RV_SYS_SIG_SUSPEND: case RV_SYS_SIG_RETURN: case RV_SYS_SIG_UPCALL: case RV_SYS_SIG_MASK:
		case RV_SYS_DEV_MAP: case RV_SYS_IRQ_ATTACH: case RV_SYS_MODULE_MAP: case RV_SYS_SPACE_SPAWN:
		case RV_SYS_UNMAP: case RV_SYS_REGISTER: case RV_SYS_DEBUG_WRITE: /* noise on the console */
			continue;
		case RV_SYS_SEND: case RV_SYS_RECV: case RV_SYS_REPLY_WAIT:
			a[2] = rnd() % 2000000; /* at most 2 ms */
			break;
		case RV_SYS_SIG_TAKE:
			a[1] = rnd() % 2000000;
			break;
		case RV_SYS_CALL:
			a[2] = rnd() % 2000000;
			a[3] = rnd() % 2000000;
			break;
		case RV_SYS_LOOKUP:
		case RV_SYS_FUTEX_WAIT:
			a[2] = rnd() % 2000000;
			break;
		}
		if (RV_SYS_N(nr, a[0], a[1], a[2], a[3], a[4], a[5]).err >= EXO_ERR_COUNT)
			odd++; /* an error the ABI does not have */
	}
	return odd;
}

static const uint64_t bad_ptrs[] = { 0, 8, KERNEL_VA, 0x10000000ull, UNMAPPED, 0xffffffffffff0000ull,
	RV_USER_END - 8, 0x8000000000000000ull };

int main(void)
{
	exo_tid_t echo = EXO_NILTHREAD;
	exo_msg_t m;
	struct rv_ret r;
	unsigned bad;
	char name[64];

	T_EQ(exo_lookup("hecho", &echo, exo_timeout_ms(5000)), EXO_OK, "the echo server is there");

	bad = 0;
	for (unsigned i = 0; i < sizeof(bad_ptrs) / sizeof(bad_ptrs[0]); i++) {
		static const unsigned calls[] = { RV_SYS_SEND, RV_SYS_RECV, RV_SYS_CALL, RV_SYS_REPLY,
			RV_SYS_REPLY_WAIT, RV_SYS_KINFO };

		for (unsigned c = 0; c < sizeof(calls) / sizeof(calls[0]); c++) {
			r = rv_sys(calls[c], bad_ptrs[i], echo, 0, 0, 0);
			if (r.err != EXO_EINVAL)
				bad++;
		}
	}
	T_EQ(bad, 0, "every IPC call with a bad message pointer: EXO_EINVAL");

	memset(&m, 0, sizeof(m));
	m.tag = exo_tag(ECHO_ECHO, 60, 6);
	T_EQ(rv_sys(RV_SYS_CALL, (uint64_t)(uintptr_t)&m, echo, 0, 0, 0).err, EXO_EINVAL,
	     "more words than registers: EXO_EINVAL");
	m.tag = exo_tag(ECHO_ECHO, 0, 3);
	T_EQ(rv_sys(RV_SYS_CALL, (uint64_t)(uintptr_t)&m, echo, 0, 0, 0).err, EXO_EINVAL,
	     "an odd count of typed words: EXO_EINVAL");
	m.tag = exo_tag(ECHO_ECHO, 0, 2);
	m.mr[0] = 0x7;
	T_EQ(rv_sys(RV_SYS_CALL, (uint64_t)(uintptr_t)&m, echo, 0, 0, 0).err, EXO_EBADITEM,
	     "a typed item of no kind: EXO_EBADITEM");
	m.mr[0] = EXO_ITEM_STRING | (64ull << 32);
	m.mr[1] = KERNEL_VA;
	{
		static char buf[128];

		m.nbr = 1;
		m.br[0].ptr = buf;
		m.br[0].size = sizeof(buf);
		/* raw ecalls: libexo would touch the bytes first, and fault */
		T_EQ(rv_sys(RV_SYS_CALL, (uint64_t)(uintptr_t)&m, echo, exo_timeout_ms(2000), exo_timeout_ms(2000), 0).err,
		     EXO_EBADITEM, "a string item pointing into the kernel: EXO_EBADITEM, nothing copied");
		m.tag = exo_tag(ECHO_ECHO, 0, 2);
		m.mr[0] = EXO_ITEM_STRING | (64ull << 32);
		m.mr[1] = UNMAPPED;
		T_EQ(rv_sys(RV_SYS_CALL, (uint64_t)(uintptr_t)&m, echo, exo_timeout_ms(2000), exo_timeout_ms(2000), 0).err,
		     EXO_EBADITEM, "a string item pointing at unmapped memory: EXO_EBADITEM");
		m.tag = exo_tag(ECHO_ECHO, 0, 2);
		m.mr[0] = EXO_ITEM_STRING | (0xffffffffull << 32);
		m.mr[1] = (uint64_t)(uintptr_t)buf;
		T_EQ(rv_sys(RV_SYS_CALL, (uint64_t)(uintptr_t)&m, echo, 0, 0, 0).err, EXO_EMSGSIZE,
		     "a string item of 4 GiB: EXO_EMSGSIZE");
		m.tag = exo_tag(ECHO_ECHO, 0, 2);
		m.mr[0] = EXO_ITEM_MAP | RV_USER_BASE;
		m.mr[1] = exo_fpage(0x123000, 12, EXO_RWX);
		T_EQ(exo_call(echo, &m, exo_timeout_ms(2000), exo_timeout_ms(2000)), EXO_EBADITEM,
		     "a map item of a page the sender does not have: EXO_EBADITEM");
	}
	memset(&m, 0, sizeof(m));
	m.nbr = 200;
	T_EQ(rv_sys(RV_SYS_RECV, (uint64_t)(uintptr_t)&m, EXO_ANYTHREAD, 0, 0, 0).err, EXO_EINVAL,
	     "an acceptor with 200 buffers: EXO_EINVAL");
	m.tag = exo_tag(ECHO_ECHO, 1, 0); /* a call the IPC fast path could take, but for its acceptor */
	T_EQ(rv_sys(RV_SYS_CALL, (uint64_t)(uintptr_t)&m, echo, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER, 0).err,
	     EXO_EINVAL, "a call whose acceptor has 200 buffers: EXO_EINVAL");

	bad = 0;
	for (unsigned i = 0; i < sizeof(bad_ptrs) / sizeof(bad_ptrs[0]); i++) {
		if (rv_sys(RV_SYS_REGISTER, bad_ptrs[i], 5, 0, 0, 0).err != EXO_EINVAL)
			bad++;
		if (rv_sys(RV_SYS_LOOKUP, bad_ptrs[i], 5, 0, 0, 0).err != EXO_EINVAL)
			bad++;
		if (rv_sys(RV_SYS_SPACE_SPAWN, bad_ptrs[i], 16, 1, 0, 0).err != EXO_EINVAL)
			bad++;
		if (rv_sys(RV_SYS_UNMAP, bad_ptrs[i], 1, 0, 0, 0).err != EXO_EINVAL)
			bad++;
		if (rv_sys(RV_SYS_DEBUG_WRITE, bad_ptrs[i], 16, 0, 0, 0).err != EXO_EINVAL)
			bad++;
	}
	T_EQ(bad, 0, "names, spawn, unmap and console writes from bad pointers: EXO_EINVAL");
	bad = 0;
	for (unsigned i = 0; i < sizeof(bad_ptrs) / sizeof(bad_ptrs[0]); i++) {
		if (rv_sys(RV_SYS_FUTEX_WAIT, bad_ptrs[i], 0, exo_timeout_ms(1), 0, 0).err != EXO_EINVAL)
			bad++;
		if (rv_sys(RV_SYS_FUTEX_WAKE, bad_ptrs[i], 1, 0, 0, 0).err != EXO_EINVAL)
			bad++;
	}
	T_EQ(bad, 0, "futex waits and wakes on bad words (nil, kernel, unmapped, wrapping): EXO_EINVAL");
	memset(scratch, 0, 64);
	T_EQ(rv_sys(RV_SYS_FUTEX_WAIT, (uint64_t)(uintptr_t)scratch + 2, 0, EXO_TIMEOUT_NEVER, 0, 0).err, EXO_EINVAL,
	     "a futex wait on a misaligned word: EXO_EINVAL, no wait");
	T_EQ(rv_sys(RV_SYS_FUTEX_WAKE, (uint64_t)(uintptr_t)scratch + 1, 1, 0, 0, 0).err, EXO_EINVAL,
	     "a futex wake on a misaligned word: EXO_EINVAL");
	T_EQ(rv_sys(RV_SYS_FUTEX_WAIT, (uint64_t)(uintptr_t)scratch, 0, EXO_TIMEOUT_ZERO, 0, 0).err, EXO_ETIMEOUT,
	     "a futex wait, zero timeout, on a word as expected: EXO_ETIMEOUT");
	T_EQ(rv_sys(RV_SYS_FUTEX_WAIT, (uint64_t)(uintptr_t)&main & ~3ull, 0, EXO_TIMEOUT_NEVER, 0, 0).err, EXO_OK,
	     "a futex wait on a word of read-only code that differs: EXO_OK at once");
	r = rv_sys(RV_SYS_FUTEX_WAKE, (uint64_t)(uintptr_t)scratch, 0xffffffffu, 0, 0, 0);
	T_EQ(r.err == EXO_OK && r.r1 == 0, 1, "a futex wake of all where none waits: EXO_OK, none woken");
	memset(name, 'a', sizeof(name));
	T_EQ(rv_sys(RV_SYS_REGISTER, (uint64_t)(uintptr_t)name, sizeof(name), 0, 0, 0).err, EXO_EINVAL,
	     "a name longer than EXO_NAME_MAX: EXO_EINVAL");
	T_EQ(rv_sys(RV_SYS_REGISTER, (uint64_t)(uintptr_t)"a\0b", 3, 0, 0, 0).err, EXO_EINVAL,
	     "a name with a NUL inside: EXO_EINVAL");
	T_EQ(rv_sys(RV_SYS_REGISTER, (uint64_t)(uintptr_t)"a b", 3, 0, 0, 0).err, EXO_EINVAL,
	     "a name with a space: EXO_EINVAL");
	T_EQ(rv_sys(RV_SYS_SPACE_SPAWN, (uint64_t)(uintptr_t)"abc", 3, 1, 0, 0).err, EXO_EINVAL,
	     "spawn arguments without their NUL: EXO_EINVAL");
	T_EQ(rv_sys(RV_SYS_SPACE_SPAWN, (uint64_t)(uintptr_t)"abc", 4, 5, 0, 0).err, EXO_EINVAL,
	     "spawn with more arguments than strings: EXO_EINVAL");
	T_EQ(rv_sys(RV_SYS_THREAD_CREATE, KERNEL_VA, RV_STACK_TOP, 0, 0, 0).err, EXO_EINVAL,
	     "a thread starting in the kernel: EXO_EINVAL");
	T_EQ(rv_sys(RV_SYS_THREAD_CREATE, RV_USER_BASE, KERNEL_VA, 0, 0, 0).err, EXO_EINVAL,
	     "a thread with its stack in the kernel: EXO_EINVAL");
	T_EQ(rv_sys(RV_SYS_UNMAP, (uint64_t)(uintptr_t)&m, 1000, 0, 0, 0).err, EXO_EINVAL,
	     "unmap of 1000 flexpages: EXO_EINVAL");
	T_EQ(rv_sys(RV_SYS_UNMAP, (uint64_t)(uintptr_t)&m, 1, 0x80, 0, 0).err, EXO_EINVAL,
	     "unmap with unknown flags: EXO_EINVAL");
	T_EQ(rv_sys(RV_SYS_SET_PAGER, 1, echo, 0, 0, 0).err, EXO_EPERM, "set_pager from a space not sigma0: EXO_EPERM");
	T_EQ(rv_sys(RV_SYS_SIGMA0_VIEW, 0, 0, 0, 0, 0).err, EXO_EPERM, "the sigma0 view from elsewhere: EXO_EPERM");
	T_EQ(rv_sys(RV_SYS_SPACE_SCHED, 1, 0, 0, 0, 0).err, EXO_EPERM, "space_sched from a space not sched: EXO_EPERM");
	T_EQ(rv_sys(RV_SYS_IPC_ABORT, echo, 0, 0, 0, 0).err, EXO_EPERM, "abort another space's IPC: EXO_EPERM");
	T_EQ(rv_sys(RV_SYS_CPU_TIME, 7, 0, 0, 0, 0).err, EXO_EINVAL, "cpu time of an unknown kind: EXO_EINVAL");
	T_EQ(rv_sys(RV_SYS_SIG_POST, exo_my_space(), KERNEL_VA, 0, 0, 0).err, EXO_EINVAL,
	     "a signal whose details are in the kernel: EXO_EINVAL");
	T_EQ(rv_sys(RV_SYS_SIG_POST, 4000, (uint64_t)(uintptr_t)&(exo_siginfo_t){ .sig = EXO_SIGUSR1 }, 0, 0, 0).err,
	     EXO_ENOPARTNER, "a signal to a space that is not there: EXO_ENOPARTNER");
	T_EQ(rv_sys(RV_SYS_SIG_POST, exo_my_space(), (uint64_t)(uintptr_t)&(exo_siginfo_t){ .sig = 16 }, 0, 0, 0).err,
	     EXO_EINVAL, "signal 16 (unused): EXO_EINVAL");
	T_EQ(rv_sys(RV_SYS_SIG_ACTION, EXO_SIGKILL, EXO_SIG_CATCH, 0, 0, 0).err, EXO_EINVAL, "catch SIGKILL: EXO_EINVAL");
	T_EQ(rv_sys(RV_SYS_SIG_ACTION, EXO_SIGSTOP, EXO_SIG_IGNORE, 0, 0, 0).err, EXO_EINVAL, "ignore SIGSTOP: EXO_EINVAL");
	T_EQ(rv_sys(RV_SYS_SIG_ACTION, 99, EXO_SIG_IGNORE, 0, 0, 0).err, EXO_EINVAL, "signal 99: EXO_EINVAL");
	T_EQ(rv_sys(RV_SYS_SIG_ACTION, EXO_SIGUSR1, 7, 0, 0, 0).err, EXO_EINVAL, "an action of no kind: EXO_EINVAL");
	T_EQ(rv_sys(RV_SYS_SIG_MASK, 9, 0, 1, 0, 0).err, EXO_EINVAL, "a mask change of no kind: EXO_EINVAL");
	T_EQ(rv_sys(RV_SYS_SIG_RAISE, 0, 0, 0, 0, 0).err, EXO_EINVAL, "raise of signal 0: EXO_EINVAL");
	T_EQ(rv_sys(RV_SYS_SIG_UPCALL, KERNEL_VA, 0, 0, 0, 0).err, EXO_EINVAL, "an upcall in the kernel: EXO_EINVAL");
	{
		exo_sigset_t old = 0, cur = 0;

		T_EQ(exo_signal_mask(EXO_SIG_BLOCK, &(exo_sigset_t){ EXO_SIGBIT(EXO_SIGKILL) | EXO_SIGBIT(EXO_SIGUSR2) },
				     &old), EXO_OK, "block SIGKILL and SIGUSR2");
		T_EQ(exo_signal_mask(EXO_SIG_BLOCK, NULL, &cur), EXO_OK, "read the mask");
		T_EQ(cur & (EXO_SIGBIT(EXO_SIGKILL) | EXO_SIGBIT(EXO_SIGUSR2)), EXO_SIGBIT(EXO_SIGUSR2),
		     "... SIGUSR2 is blocked, SIGKILL cannot be");
		T_EQ(exo_signal_raise(EXO_SIGUSR2, EXO_SI_USER), EXO_OK, "raise the blocked SIGUSR2");
		T_EQ(exo_signal_pending(&cur) == EXO_OK && (cur & EXO_SIGBIT(EXO_SIGUSR2)), 1, "... it is pending");
		{
			exo_siginfo_t si = { 0 };

			T_EQ(exo_signal_take(EXO_SIGBIT(EXO_SIGUSR2), EXO_TIMEOUT_ZERO, &si), EXO_OK, "take it");
			T_EQ(si.sig, EXO_SIGUSR2, "... it is SIGUSR2");
			T_EQ(exo_signal_take(EXO_SIGBIT(EXO_SIGUSR2), exo_timeout_ms(20), &si), EXO_ETIMEOUT,
			     "take again, 20 ms: EXO_ETIMEOUT");
		}
		exo_signal_mask(EXO_SIG_SETMASK, &old, NULL);
	}
	T_EQ(rv_sys(RV_SYS_IRQ_ATTACH, 0, 0, 0, 0, 0).err, EXO_EINVAL, "attach interrupt 0: EXO_EINVAL");
	T_EQ(rv_sys(RV_SYS_IRQ_ATTACH, RV_IRQ_MAX, 0, 0, 0, 0).err, EXO_EINVAL, "attach an interrupt past the PLIC's: EXO_EINVAL");
	T_EQ(rv_sys(RV_SYS_IRQ_ACK, 5, 0, 0, 0, 0).err, EXO_EINVAL, "acknowledge an interrupt not attached: EXO_EINVAL");
	T_EQ(rv_sys(RV_SYS_DEV_MAP, 0x0c000000, 1, 0, 0, 0).err, EXO_EINVAL, "map the PLIC's registers: EXO_EINVAL");
	T_EQ(rv_sys(RV_SYS_DEV_MAP, 0x02000000, 1, 0, 0, 0).err, EXO_EINVAL, "map the CLINT's registers: EXO_EINVAL");
	T_EQ(rv_sys(RV_SYS_DEV_MAP, 0x80000000, 1, 0, 0, 0).err, EXO_EINVAL, "map RAM as a device: EXO_EINVAL");
	T_EQ(rv_sys(RV_SYS_MODULE_MAP, (uint64_t)(uintptr_t)"nothing", 7, 0, 0, 0).err, EXO_ENOENT,
	     "map a boot-image member that is not there: EXO_ENOENT");
	T_EQ(rv_sys(RV_SYS_SPACE_RESUME, exo_my_space(), 1, 0, 0, 0).err, EXO_ENOPARTNER,
	     "resume a space that is not a held fork child: EXO_ENOPARTNER");
	T_EQ(RV_SYS_N(RV_SYS_SPACE_RESTART, KERNEL_VA, RV_STACK_TOP, 0, 0, 0, 0).err, EXO_EINVAL,
	     "restart at an entry in the kernel: EXO_EINVAL, the caller goes on");
	T_EQ(RV_SYS_N(RV_SYS_SPACE_RESTART, 0, RV_STACK_TOP, 0, 0, 0, 0).err, EXO_EINVAL,
	     "restart at entry 0: EXO_EINVAL");
	T_EQ(RV_SYS_N(RV_SYS_SPACE_RESTART, RV_USER_BASE, RV_STACK_TOP - 8, 0, 0, 0, 0).err, EXO_EINVAL,
	     "restart with a stack pointer not 16-byte aligned: EXO_EINVAL");
	T_EQ(RV_SYS_N(RV_SYS_SPACE_RESTART, RV_USER_BASE, KERNEL_VA, 0, 0, 0, 0).err, EXO_EINVAL,
	     "restart with the stack in the kernel: EXO_EINVAL");
	T_EQ(rv_sys(0, 0, 0, 0, 0, 0).err, EXO_ENOSYS, "call number 0: EXO_ENOSYS");
	T_EQ(rv_sys(RV_SYS_COUNT + 100, 0, 0, 0, 0, 0).err, EXO_ENOSYS, "an unknown call number: EXO_ENOSYS");
	T_EQ(rv_sys(0xffffffffu, 0, 0, 0, 0, 0).err, EXO_ENOSYS, "call number -1: EXO_ENOSYS");

	{
		/* A space the boot list did not start is refused the privileged calls (unprivileged.c). */
		char *argv[] = { "unprivileged", NULL };
		exo_space_t s = EXO_NILSPACE;
		exo_msg_t n;
		exo_tid_t from;
		uint64_t status = EXO_W_UNKNOWN;

		T_EQ(exo_space_watch(), EXO_OK, "watch spaces end");
		T_EQ(exo_space_spawn(argv, &s), EXO_OK, "spawn a space the boot list did not start");
		for (int i = 0; i < 20; i++) {
			memset(&n, 0, sizeof(n));
			if (exo_wait(&n, exo_timeout_ms(5000), &from) != EXO_OK)
				break;
			if (exo_is_kernel_notice(from, &n) && exo_tag_label(n.tag) == EXO_LABEL_SPACE_EXIT && n.mr[0] == s) {
				status = n.mr[1];
				break;
			}
		}
		T_EQ(status, EXO_W_EXITED(0), "... it is refused devices, modules, interrupts, signals to others, "
					       "the pager, sigma0's view and the scheduler's call: EXO_EPERM each");
	}
	T_EQ(random_calls(20000), 0, "20000 random calls with hostile arguments: every answer an error the ABI has");
	T_EQ(t_call(echo, ECHO_WHO, 0, 0, &m), EXO_OK, "the echo server answers after all that");
	T_EQ(m.mr[0], exo_myself(), "... and saw this thread");
	return tap_done();
}
