/*
 * hw/riscv64/kernel/trap.c — what a trap does: system calls, page faults,
 * the timer, faults that end a space; and the choice of the next thread.
 *
 * k_trap runs on the kernel stack with interrupts off and returns the frame
 * entry.S is to return into. When no thread can run the kernel waits for the
 * timer with wfi (interrupts stay off: wfi wakes on a pending one). A trap
 * from the kernel itself is a bug: its registers and cause go to the
 * console and the machine stops with status 125.
 */
#include <stdbool.h>

#include "kernel.h"

#define CAUSE_INTERRUPT (1ull << 63)
#define IRQ_S_TIMER 5
#define IRQ_S_EXTERNAL 9
#define EXC_INST_MISALIGNED 0
#define EXC_INST_ACCESS 1
#define EXC_ILLEGAL 2
#define EXC_BREAKPOINT 3
#define EXC_LOAD_MISALIGNED 4
#define EXC_LOAD_ACCESS 5
#define EXC_STORE_MISALIGNED 6
#define EXC_STORE_ACCESS 7
#define EXC_ECALL_U 8
#define EXC_INST_PAGE 12
#define EXC_LOAD_PAGE 13
#define EXC_STORE_PAGE 15

static uint64_t csr_scause(void)
{
	uint64_t v;
	__asm__ volatile("csrr %0, scause" : "=r"(v));
	return v;
}

static uint64_t csr_stval(void)
{
	uint64_t v;
	__asm__ volatile("csrr %0, stval" : "=r"(v));
	return v;
}

static const char *cause_name(uint64_t c)
{
	static const char *const n[] = { "instruction misaligned", "instruction access fault",
		"illegal instruction", "breakpoint", "load misaligned", "load access fault",
		"store misaligned", "store access fault", "ecall from U", "ecall from S", "?", "?",
		"instruction page fault", "load page fault", "?", "store page fault" };

	return c < ARRAY_SIZE(n) ? n[c] : "?";
}

static uint64_t ns_to_ticks(uint64_t ns)
{
	if (ns == IPC_NEVER)
		return UINT64_MAX;
	return ns / 1000000000ull * K.timebase + ns % 1000000000ull * K.timebase / 1000000000ull;
}

/* A fault the space has no answer to: it ends, with the signal POSIX names. */
static void fatal_fault(struct kthread *t, uint64_t cause, uint64_t tval, int sig)
{
	kprintf("exo: %s (space %u, thread %x): %s at %lx, pc %lx: it ends (signal %d)\n", t->space->label,
		t->space->id, t->ipc.tid, cause_name(cause), tval, t->f.sepc, sig);
	k_space_end(t->space, EXO_W_SIGNALED(sig));
}

static void timers(void)
{
	uint64_t now = k_now();

	ipc_expire(&K.ipc, now);
	k_lookups_expire(now);
	k_sig_timers(now);
	k_futex_timers(now);
}

/*
 * Program the timer for the earlier of slice_end and the next deadline, only
 * when that is earlier than what is armed (or the timer fired): an early
 * interrupt costs a look at the clock, a call into OpenSBI costs more.
 */
static uint64_t armed;     /* ticks; 0: not armed (it fired) */
static bool timer_due;

static void arm(uint64_t slice_end)
{
	uint64_t d = ipc_next_deadline(&K.ipc), l = k_lookups_next_deadline(), g = k_sig_next_deadline();
	uint64_t fx = k_futex_next_deadline(), when;

	if (l < d)
		d = l;
	if (g < d)
		d = g;
	if (fx < d)
		d = fx;
	when = ns_to_ticks(d);
	if (slice_end < when)
		when = slice_end;
	if (armed == 0 || when < armed) {
		sbi_set_timer(when);
		armed = when;
	}
}

static struct frame *schedule(void)
{
	for (;;) {
		struct kthread *n;

		if (timer_due) {
			timer_due = false;
			timers();
		}
		n = k_pick();
		if (n && n->fault_refused && n->fault_soft) {
			/* A kernel call's word (futex.c): the call is made again, and knows it was refused. */
			n->fault_refused = n->fault_soft = false;
			n->futex_tries++;
		} else if (n && n->fault_refused) {
			n->fault_refused = false;
			K.current = n;
			fatal_fault(n, n->fault_access == EXO_W ? EXC_STORE_PAGE : n->fault_access == EXO_X ? EXC_INST_PAGE : EXC_LOAD_PAGE,
				    n->fault_addr, EXO_SIGSEGV);
			continue;
		}
		if (n) {
			if (!k_sig_deliver(n))
				continue; /* it waits for its pager to map the upcall's stack, or its space ended */
			K.current = n;
			k_vm_switch(n->space);
			arm(K.slice_end);
			K.entered = k_ticks();
			return &n->f;
		}
		K.current = NULL;
		if (!K.spaces)
			k_poweroff(K.exit_status);
		arm(UINT64_MAX);
		__asm__ volatile("wfi");
		k_irq_take();
		if (armed && k_ticks() >= armed) {
			armed = 0;
			timer_due = true;
		}
	}
}

/*
 * trap_entry's first stop: exo_call and exo_reply_wait in k_ipc_fast's
 * common case, in a function of their own so that the path pays for only
 * the registers it uses. NULL: k_trap takes the trap, nothing changed.
 */
struct frame *k_trap_fast(struct frame *f)
{
	struct kthread *t = (struct kthread *)f, *n;
	uint64_t now;

	if (csr_scause() != EXC_ECALL_U ||
	    (t->f.regs[R_A7] != RV_SYS_CALL && t->f.regs[R_A7] != RV_SYS_REPLY_WAIT))
		return NULL;
	now = k_ticks();
	if (!(n = k_ipc_fast(t)))
		return NULL;
	/* k_ipc_fast chose n (k_handoff): schedule()'s tail, no deadline added. */
	t->f.sepc += 4;
	t->user_ticks += now - K.entered;
	K.entered = k_ticks(); /* n's user time starts here: what follows is a few instructions */
	t->sys_ticks += K.entered - now;
	k_vm_switch(n->space);
	if (armed == 0 || K.slice_end < armed)
		arm(K.slice_end);
	return &n->f;
}

struct frame *k_trap(struct frame *f)
{
	struct kthread *t = (struct kthread *)f;
	uint64_t cause = csr_scause(), tval = csr_stval(), now;

	now = k_ticks();
	t->user_ticks += now - K.entered;
	if (cause & CAUSE_INTERRUPT) {
		if ((cause & 0xff) == IRQ_S_TIMER) {
			armed = 0; /* pending until schedule() arms it again */
			timer_due = true;
		} else if ((cause & 0xff) == IRQ_S_EXTERNAL) {
			k_irq_take();
		}
	} else {
		switch (cause) {
		case EXC_ECALL_U: /* k_trap_fast did not take it */
			t->f.sepc += 4;
			k_syscall(t);
			break;
		case EXC_INST_PAGE:
		case EXC_LOAD_PAGE:
		case EXC_STORE_PAGE:
			if (tval < RV_USER_BASE || tval >= RV_USER_END)
				fatal_fault(t, cause, tval, EXO_SIGSEGV);
			else
				k_fault(t, tval, cause == EXC_STORE_PAGE ? EXO_W : cause == EXC_INST_PAGE ? EXO_X : EXO_R);
			break;
		case EXC_ILLEGAL:
			fatal_fault(t, cause, tval, EXO_SIGILL);
			break;
		case EXC_BREAKPOINT:
			fatal_fault(t, cause, tval, EXO_SIGTRAP);
			break;
		case EXC_INST_MISALIGNED:
		case EXC_LOAD_MISALIGNED:
		case EXC_STORE_MISALIGNED:
			fatal_fault(t, cause, tval, EXO_SIGBUS);
			break;
		default:
			fatal_fault(t, cause, tval, EXO_SIGSEGV);
			break;
		}
	}
	/* t may be gone now (its space ended): only K.current is trusted. */
	if (K.current == t)
		t->sys_ticks += k_ticks() - now;
	return schedule();
}

_Noreturn void k_run(void)
{
	trap_return(schedule());
}

void k_kernel_trap(struct frame *f);
void k_kernel_trap(struct frame *f)
{
	uint64_t cause = csr_scause(), tval = csr_stval();
	static const char *const names[32] = { "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0",
		"s1", "a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7",
		"s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6" };

	kprintf("\nexo kernel trap: %s (scause %lx) stval %lx sepc %lx\n",
		cause & CAUSE_INTERRUPT ? "interrupt" : cause_name(cause), cause, tval, f->sepc);
	for (unsigned i = 1; i < 32; i++)
		kprintf("%4s %016lx%s", names[i], f->regs[i], i % 4 == 3 ? "\n" : "  ");
	kprintf("\n");
	if (K.current)
		kprintf("current thread %x of %s\n", K.current->ipc.tid, K.current->space->label);
	k_panic("trap in the kernel");
}
