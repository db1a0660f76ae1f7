/*
 * hw/riscv64/lib/ipc.c — libexo on riscv64: the calls of exo/ipc.h as
 * ecalls into the kernel (the sim's counterpart is sim/lib/ipc.c, frames on a
 * socket). Before an IPC the pages the kernel will read or write are touched,
 * so a page the pager has not mapped yet faults here, in the caller, where a
 * fault is an IPC to the pager, and never inside the kernel.
 */
#include <string.h>

#include <exo/ipc.h>
#include <exo/memory.h>
#include <exo/signal.h>

#include "sys.h"

void rv_touch(const void *p, uint64_t n, int write)
{
	uintptr_t a = (uintptr_t)p, last;

	if (!n)
		return;
	last = (a + n - 1) & ~(uintptr_t)4095;
	for (;;) {
		volatile uint8_t *b = (volatile uint8_t *)a;

		if (write)
			*b = *b;
		else
			(void)*b;
		a = (a & ~(uintptr_t)4095) + 4096;
		if (a > last)
			break;
	}
}

/* The pages of m and of what it sends and accepts. */
static inline void touch_msg(exo_msg_t *m, int sends, int receives)
{
	/* The message itself spans at most two pages: its first and last byte. */
	volatile uint8_t *first = (volatile uint8_t *)m, *last = first + sizeof(*m) - 1;

	*first = *first;
	*last = *last;
	if (sends && exo_tag_typed(m->tag)) {
		unsigned u = exo_tag_untyped(m->tag), t = exo_tag_typed(m->tag);

		for (unsigned i = u; i + 1 < u + t && i + 1 < EXO_MR_COUNT; i += EXO_ITEM_WORDS)
			if (exo_item_kind(m->mr[i]) == EXO_ITEM_STRING && exo_string_len(m->mr[i]) <= EXO_STRING_MAX)
				rv_touch((const void *)(uintptr_t)m->mr[i + 1], exo_string_len(m->mr[i]), 0);
	}
	if (receives)
		for (unsigned i = 0; i < m->nbr && i < EXO_BR_COUNT; i++)
			if (m->br[i].size <= EXO_STRING_MAX)
				rv_touch(m->br[i].ptr, m->br[i].size, 1);
}

exo_err exo_send(exo_tid_t to, exo_msg_t *m, exo_timeout_t snd)
{
	touch_msg(m, 1, 0);
	return RV_SYS3(RV_SYS_SEND, m, to, snd).err;
}

exo_err exo_recv(exo_tid_t from, exo_msg_t *m, exo_timeout_t rcv)
{
	touch_msg(m, 0, 1);
	return RV_SYS3(RV_SYS_RECV, m, from, rcv).err;
}

exo_err exo_wait(exo_msg_t *m, exo_timeout_t rcv, exo_tid_t *from)
{
	struct rv_ret r;

	touch_msg(m, 0, 1);
	r = RV_SYS3(RV_SYS_RECV, m, EXO_ANYTHREAD, rcv);
	if (from)
		*from = r.err == EXO_OK ? (exo_tid_t)r.r1 : EXO_NILTHREAD;
	return r.err;
}

exo_err exo_call(exo_tid_t to, exo_msg_t *m, exo_timeout_t snd, exo_timeout_t rcv)
{
	touch_msg(m, 1, 1);
	return RV_SYS4(RV_SYS_CALL, m, to, snd, rcv).err;
}

exo_err exo_reply(exo_tid_t to, exo_msg_t *m)
{
	touch_msg(m, 1, 0);
	return RV_SYS2(RV_SYS_REPLY, m, to).err;
}

exo_err exo_reply_wait(exo_tid_t to, exo_msg_t *m, exo_timeout_t rcv, exo_tid_t *from, exo_err *reply_err)
{
	struct rv_ret r;

	touch_msg(m, to != EXO_NILTHREAD, 1);
	r = RV_SYS3(RV_SYS_REPLY_WAIT, m, to, rcv);
	if (from)
		*from = r.err == EXO_OK ? (exo_tid_t)r.r1 : EXO_NILTHREAD;
	if (reply_err)
		*reply_err = (exo_err)r.r2;
	return r.err;
}

exo_err exo_ipc_abort(exo_tid_t t)
{
	return RV_SYS1(RV_SYS_IPC_ABORT, t).err;
}

exo_tid_t exo_myself(void)
{
	return (exo_tid_t)RV_SYS0(RV_SYS_MYSELF).r1;
}

exo_space_t exo_my_space(void)
{
	return (exo_space_t)RV_SYS0(RV_SYS_MYSELF).r2;
}

exo_err exo_space_spawn(char *const argv[], exo_space_t *space)
{
	char buf[4096];
	size_t off = 0;
	unsigned argc = 0;
	struct rv_ret r;

	if (!argv || !argv[0])
		return EXO_EINVAL;
	for (; argv[argc]; argc++) {
		size_t n = strlen(argv[argc]) + 1;

		if (off + n > sizeof(buf) || argc >= 63)
			return EXO_EMSGSIZE;
		memcpy(buf + off, argv[argc], n);
		off += n;
	}
	r = RV_SYS3(RV_SYS_SPACE_SPAWN, buf, off, argc);
	if (r.err == EXO_OK && space)
		*space = (exo_space_t)r.r1;
	return r.err;
}

/*
 * Fork: the kernel makes the child (a copy of this space's own pages and of
 * the calling thread) and holds it; prep has the servers copy their state;
 * then the child goes, or ends when prep failed.
 */
exo_err exo_space_fork(exo_space_t *child, exo_err (*prep)(exo_space_t child, void *arg), void *arg)
{
	struct rv_ret r;
	exo_err err;

	if (!child)
		return EXO_EINVAL;
	r = RV_SYS0(RV_SYS_SPACE_FORK);
	if (r.err != EXO_OK)
		return r.err;
	if (r.r1 == EXO_NILSPACE) {
		*child = EXO_NILSPACE;
		return EXO_OK;
	}
	err = prep ? prep((exo_space_t)r.r1, arg) : EXO_OK;
	RV_SYS2(RV_SYS_SPACE_RESUME, r.r1, err == EXO_OK);
	if (err != EXO_OK)
		return err;
	*child = (exo_space_t)r.r1;
	return EXO_OK;
}

/* riscv64 runs no host images: programs are loaded at user level (libposix/image_elf.c). */
exo_err exo_space_exec(const void *img, uint64_t len, const char *name, char *const argv[],
		       char *const envp[])
{
	(void)img, (void)len, (void)name, (void)argv, (void)envp;
	return EXO_ENOSYS;
}

exo_err exo_space_restart(uint64_t entry, uint64_t sp, uint64_t arg0, uint64_t arg1, const char *name)
{
	if (name)
		rv_touch(name, strlen(name) + 1, 0); /* the kernel reads it before the old program goes */
	return RV_SYS_N(RV_SYS_SPACE_RESTART, entry, sp, arg0, arg1, (uint64_t)(uintptr_t)name, 0).err;
}

exo_err exo_register(const char *name)
{
	size_t n = strnlen(name, EXO_NAME_MAX + 1);

	return n > EXO_NAME_MAX ? EXO_EINVAL : RV_SYS2(RV_SYS_REGISTER, name, n).err;
}

exo_err exo_lookup(const char *name, exo_tid_t *tid, exo_timeout_t wait)
{
	size_t n = strnlen(name, EXO_NAME_MAX + 1);
	struct rv_ret r;

	if (n > EXO_NAME_MAX)
		return EXO_ENOENT;
	r = RV_SYS3(RV_SYS_LOOKUP, name, n, wait);
	if (r.err == EXO_OK && tid)
		*tid = (exo_tid_t)r.r1;
	return r.err;
}

void exo_init_args(int *argc, char **argv)
{
}

exo_err exo_unmap(exo_fpage_t fpage, unsigned flags)
{
	return RV_SYS3(RV_SYS_UNMAP, &fpage, 1, flags).err;
}

exo_err exo_unmap_many(const exo_fpage_t *fpages, unsigned n, unsigned flags)
{
	return RV_SYS3(RV_SYS_UNMAP, fpages, n, flags).err;
}

exo_err exo_space_watch(void)
{
	return RV_SYS0(RV_SYS_SPACE_WATCH).err;
}

exo_err exo_set_pager(exo_space_t space, exo_tid_t pager)
{
	return RV_SYS2(RV_SYS_SET_PAGER, space, pager).err;
}

exo_err exo_sigma0_view(uint64_t *base, uint64_t *size)
{
	struct rv_ret r = RV_SYS0(RV_SYS_SIGMA0_VIEW);

	if (r.err == EXO_OK) {
		*base = r.r1;
		*size = r.r2;
	}
	return r.err;
}

exo_err exo_kernel_info(exo_kinfo_t *ki)
{
	rv_touch(ki, sizeof(*ki), 1);
	return RV_SYS1(RV_SYS_KINFO, ki).err;
}

/* The managed range, from the kernel info page, read once. */
static uint64_t vm_base, vm_size;

static void vm_layout(void)
{
	exo_kinfo_t ki;

	if (exo_kernel_info(&ki) == EXO_OK) {
		vm_size = ki.vm_size;
		vm_base = ki.vm_base;
	}
}

uint64_t exo_vm_base(void)
{
	if (!vm_base)
		vm_layout();
	return vm_base;
}

uint64_t exo_vm_size(void)
{
	if (!vm_base)
		vm_layout();
	return vm_size;
}

uint64_t exo_clock_ns(void)
{
	uint64_t t;

	__asm__ volatile("rdtime %0" : "=r"(t));
	return t / RV_TIMEBASE_HZ * 1000000000ull + t % RV_TIMEBASE_HZ * 1000000000ull / RV_TIMEBASE_HZ;
}

int64_t exo_realtime_offset_ns(void)
{
	return (int64_t)RV_SYS0(RV_SYS_REALTIME).r1;
}

exo_err exo_cpu_time(int which, uint64_t *user_ns, uint64_t *sys_ns)
{
	struct rv_ret r = RV_SYS1(RV_SYS_CPU_TIME, which);

	if (r.err == EXO_OK) {
		if (user_ns)
			*user_ns = r.r1;
		if (sys_ns)
			*sys_ns = r.r2;
	}
	return r.err;
}

exo_err exo_space_sched(exo_space_t space, uint32_t policy, int32_t priority, int32_t nice, uint32_t *applied)
{
	struct rv_ret r = RV_SYS4(RV_SYS_SPACE_SCHED, space, policy, priority, nice);

	if (applied)
		*applied = (uint32_t)r.r1;
	return r.err;
}

void exo_yield(void)
{
	RV_SYS0(RV_SYS_YIELD);
}

/*
 * Signals (hw/riscv64/kernel/signal.c): the kernel keeps actions, masks and
 * pending sets, and enters upcall_entry on the interrupted thread's stack;
 * its return (RV_SYS_SIG_RETURN) puts the thread back as it was.
 */
static exo_upcall_t upcall_fn;

static _Noreturn void upcall_entry(const exo_siginfo_t *si, void *frame)
{
	int restart = upcall_fn ? upcall_fn(si, frame) : 1;

	RV_SYS2(RV_SYS_SIG_RETURN, frame, restart);
	for (;;)
		;
}

void exo_signal_upcall(exo_upcall_t fn)
{
	upcall_fn = fn;
	RV_SYS1(RV_SYS_SIG_UPCALL, fn ? (uint64_t)(uintptr_t)upcall_entry : 0);
}

exo_err exo_signal_post(exo_space_t space, const exo_siginfo_t *si)
{
	if (!si)
		return EXO_EINVAL;
	return RV_SYS2(RV_SYS_SIG_POST, space, si).err;
}

exo_err exo_signal_raise(int sig, int code)
{
	return RV_SYS2(RV_SYS_SIG_RAISE, sig, code).err;
}

exo_err exo_signal_action(int sig, int how, exo_sigset_t mask, unsigned flags)
{
	return RV_SYS4(RV_SYS_SIG_ACTION, sig, how, mask, flags).err;
}

exo_err exo_signal_mask(int how, const exo_sigset_t *set, exo_sigset_t *old)
{
	struct rv_ret r;

	if (how < EXO_SIG_BLOCK || how > EXO_SIG_SETMASK)
		return EXO_EINVAL;
	r = RV_SYS3(RV_SYS_SIG_MASK, how, set ? *set : 0, set != NULL);
	if (r.err == EXO_OK && old)
		*old = r.r1;
	return r.err;
}

exo_err exo_signal_pending(exo_sigset_t *set)
{
	struct rv_ret r;

	if (!set)
		return EXO_EINVAL;
	r = RV_SYS0(RV_SYS_SIG_PENDING);
	*set = r.r1;
	return r.err;
}

exo_err exo_signal_suspend(const exo_sigset_t *mask)
{
	if (!mask)
		return EXO_EINVAL;
	return RV_SYS1(RV_SYS_SIG_SUSPEND, *mask).err;
}

exo_err exo_signal_take(exo_sigset_t set, exo_timeout_t wait, exo_siginfo_t *si)
{
	exo_siginfo_t tmp;

	if (!si)
		si = &tmp;
	rv_touch(si, sizeof(*si), 1);
	return RV_SYS3(RV_SYS_SIG_TAKE, set, wait, si).err;
}
