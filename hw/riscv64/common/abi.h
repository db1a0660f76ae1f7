/*
 * hw/riscv64/common/abi.h — how the kernel ABI of include/exo/ is entered on
 * riscv64: the ecall numbers and their registers. The sim's counterpart is
 * sim/common/wire.h (frames on a socket); here a call is one trap.
 *
 * An ecall passes its number in a7 and up to six arguments in a0..a5. It
 * returns an exo_err in a0 and results in a1..a3. Every pointer is a user
 * address in the caller's space, checked by the kernel page by page: a bad
 * one is EXO_EINVAL, never a kernel fault.
 *
 * Messages stay in the caller's memory: a0 of an IPC call points at its
 * exo_msg_t (exo/msg.h). The kernel reads the tag, the words the tag counts
 * and, for a receive phase, the acceptor (br[], nbr, rcv_window), and writes
 * what it delivers (tag, mr[], sender_space) back into the same struct.
 */
#ifndef EXO_RV_ABI_H
#define EXO_RV_ABI_H

enum rv_sys {
	RV_SYS_SEND = 1,        /* a0 msg, a1 to, a2 snd timeout */
	RV_SYS_RECV,            /* a0 msg, a1 from (ANY: open), a2 rcv -> a1 sender */
	RV_SYS_CALL,            /* a0 msg, a1 to, a2 snd, a3 rcv */
	RV_SYS_REPLY,           /* a0 msg, a1 to */
	RV_SYS_REPLY_WAIT,      /* a0 msg, a1 to (NIL: none), a2 rcv -> a1 sender, a2 reply error */
	RV_SYS_IPC_ABORT,       /* a0 tid */
	RV_SYS_MYSELF,          /* -> a1 tid, a2 space */
	RV_SYS_THREAD_CREATE,   /* a0 pc, a1 sp, a2 arg, a3 tp -> a1 tid */
	RV_SYS_THREAD_EXIT,     /* never returns */
	RV_SYS_SPACE_SPAWN,     /* a0 packed argv, a1 its bytes, a2 argc -> a1 space */
	RV_SYS_SPACE_EXIT,      /* a0 wait status (EXO_W_*): the whole space ends */
	RV_SYS_REGISTER,        /* a0 name, a1 length */
	RV_SYS_LOOKUP,          /* a0 name, a1 length, a2 wait -> a1 tid */
	RV_SYS_UNMAP,           /* a0 fpages, a1 count, a2 flags */
	RV_SYS_SPACE_WATCH,
	RV_SYS_SET_PAGER,       /* a0 space, a1 pager */
	RV_SYS_SIGMA0_VIEW,     /* -> a1 base, a2 size */
	RV_SYS_KINFO,           /* a0 exo_kinfo_t */
	RV_SYS_CPU_TIME,        /* a0 which -> a1 user ns, a2 system ns */
	RV_SYS_SPACE_SCHED,     /* a0 space, a1 policy, a2 priority, a3 nice -> a1 applied */
	RV_SYS_YIELD,
	RV_SYS_DEBUG_WRITE,     /* a0 bytes, a1 length: the kernel console (before a console server) */
	RV_SYS_REALTIME,        /* -> a1 the wall clock's offset from the monotonic clock, ns */
	RV_SYS_SPACE_FORK,      /* -> a1 the child's space (the child: EXO_OK, a1 0); the child is held */
	RV_SYS_SPACE_RESUME,    /* a0 child, a1 go (0: the child ends) */
	RV_SYS_SPACE_RESTART,   /* a0 entry, a1 sp, a2 arg0, a3 arg1, a4 name; returns only on failure */
	RV_SYS_SIG_POST,        /* a0 space, a1 exo_siginfo_t */
	RV_SYS_SIG_RAISE,       /* a0 signal, a1 code */
	RV_SYS_SIG_UPCALL,      /* a0 libexo's upcall entry (a0 = siginfo, a1 = the frame to return) */
	RV_SYS_SIG_ACTION,      /* a0 signal, a1 how, a2 mask, a3 flags */
	RV_SYS_SIG_MASK,        /* a0 how, a1 set, a2 1 if there is a set -> a1 the old mask */
	RV_SYS_SIG_PENDING,     /* -> a1 */
	RV_SYS_SIG_SUSPEND,     /* a0 mask: EXO_ECANCELED after a caught signal's upcall */
	RV_SYS_SIG_TAKE,        /* a0 set, a1 wait, a2 exo_siginfo_t */
	RV_SYS_SIG_RETURN,      /* a0 the frame the upcall got, a1 restart */
	RV_SYS_IRQ_ATTACH,      /* a0 interrupt (PLIC source): it comes to the caller as a notice */
	RV_SYS_IRQ_ACK,         /* a0 interrupt: handled, it may come again */
	RV_SYS_MODULE_MAP,      /* a0 name, a1 length -> a1 where a boot-image member is mapped (read-only), a2 bytes */
	RV_SYS_DEV_MAP,         /* a0 device page (physical), a1 pages -> a1 where it is mapped (boot spaces only) */
	RV_SYS_FUTEX_WAIT,      /* a0 word, a1 expected, a2 timeout (exo/futex.h) */
	RV_SYS_FUTEX_WAKE,      /* a0 word, a1 how many -> a1 how many were woken */
	RV_SYS_COUNT
};


/*
 * An interrupt a driver attached (RV_SYS_IRQ_ATTACH): a kernel notice, from
 * EXO_NILTHREAD with EXO_TAGF_KERNEL, in an open receive; mr[0] = the
 * interrupt. It does not come again until the driver acknowledges it.
 */
#define RV_LABEL_INTERRUPT 0xfffffff3u
#define RV_IRQ_MAX 64           /* the virt board's PLIC sources: 1..63 */
#define RV_IRQ_UART0 10

/* The virt board's timer (rdtime) ticks per second; the kernel checks the device tree agrees. */
#define RV_TIMEBASE_HZ 10000000ull

/* The user part of a space's address space (Sv39: below 256 GiB). */
#define RV_USER_BASE 0x0000000100000000ull   /* 4 GiB: programs are linked here */
#define RV_USER_END 0x0000004000000000ull    /* 256 GiB */
#define RV_STACK_TOP 0x0000003f00000000ull   /* the first thread's stack ends here */
#define RV_STACK_SIZE (256u * 1024u)
/*
 * The program header of the heap a program's linker script reserves
 * (hw/riscv64/lib/user.ld), an OS-specific type: the kernel's loader gives
 * it zeroed pages on first touch, for the programs it starts at boot; the
 * user-level loader leaves it out (those programs' heap is the break region).
 */
#define RV_PT_LINKER_HEAP 0x6f786f01u
/* The managed range the memory server hands out (exo/memory.h, exo_kinfo_t.vm_base). */
#define RV_VM_BASE 0x0000001000000000ull     /* 64 GiB */
#define RV_VM_SIZE (64ull << 30)
/* Where RV_SYS_DEV_MAP puts device registers, one slot of RV_DEV_SLOT bytes per call. */
#define RV_DEV_BASE 0x0000003e00000000ull    /* 248 GiB */
#define RV_DEV_SLOT (1ull << 20)
/* Where RV_SYS_MODULE_MAP puts boot-image members (4 GiB for all of them). */
#define RV_MOD_BASE 0x0000003d00000000ull    /* 244 GiB */
#define RV_MOD_SIZE (4ull << 30)
/* Where sigma0 sees physical memory (exo_sigma0_view). */
#define RV_SIGMA0_BASE 0x0000002000000000ull /* 128 GiB */

#endif
