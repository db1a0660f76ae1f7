/*
 * hw/riscv64/kernel/kernel.h — the riscv64 kernel's objects: threads, spaces,
 * the trap frame, physical memory and the calls between the kernel's files.
 *
 * The kernel runs on one hart with interrupts off: a trap saves the user
 * registers into the current thread's frame, the kernel decides, and the
 * trap returns into whichever thread is to run next. There is one kernel
 * stack; a thread blocked in the kernel is only its saved frame and its IPC
 * state (kernel/ipc.c), so nothing here is ever preempted or locked.
 *
 * Names mirror sim/kernel/ where the concept is the same (k_thread_new,
 * k_space_new, k_name_register...).
 */
#ifndef EXO_RV_KERNEL_H
#define EXO_RV_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <exo/ipc.h>
#include <exo/signal.h>

#include "../../../kernel/ipc.h"
#include "../../../kernel/mdb.h"
#include "../common/abi.h"

/* The registers a trap saves: x1..x31 (regs[i] is x(i)), then sepc. */
#define RV_PRIO_COUNT 100

struct frame {
	uint64_t regs[32];
	uint64_t sepc;
};

#define R_RA 1
#define R_SP 2
#define R_TP 4
#define R_A0 10
#define R_A1 11
#define R_A2 12
#define R_A3 13
#define R_A4 14
#define R_A5 15
#define R_A7 17

/* A message held by the kernel: what a sender sends, or a notice it composed. */
struct kmsg {
	exo_tag_t tag;
	uint64_t mr[EXO_MR_COUNT];
	bool kernel;             /* composed by the kernel (a page fault) */
};

enum kwait {
	KWAIT_NONE = 0,
	KWAIT_IPC,               /* in the IPC state machine */
	KWAIT_LOOKUP,            /* in exo_lookup, waiting for a name */
	KWAIT_SIGNAL,            /* in exo_signal_suspend or exo_signal_take */
	KWAIT_FUTEX,             /* in exo_futex_wait, on a bucket's queue (futex.c) */
};

struct kthread {
	struct frame f;          /* first: entry.S finds the registers here */
	struct ipc_thread ipc;
	struct kspace *space;
	enum kwait wait;
	bool runnable;           /* on the run queue or running */
	bool dead;
	uint16_t op;             /* the RV_SYS_* in progress */
	uint64_t umsg;           /* its exo_msg_t for the receive phase (user address) */
	struct kmsg msg;         /* what it sends */
	/* its acceptor, read when its receive phase starts */
	uint32_t nbuf;
	uint64_t buf_ptr[EXO_BR_COUNT];
	uint32_t buf_size[EXO_BR_COUNT];
	exo_fpage_t rcv_window;
	exo_err reply_err;       /* reply-wait: the outcome of its reply */
	uint64_t msgc_va, msgc_gen; /* k_user_msg's last answer, at k_pt_gen == msgc_gen */
	exo_msg_t *msgc;
	uint64_t *msgc_pt;       /* ... in this table (exec makes a new one) */
	bool faulting;           /* its call is a page fault to its pager */
	bool fault_refused;      /* the pager answered without a mapping */
	bool fault_soft;         /* ... for a kernel call's word (futex.c): a refusal is no crash */
	uint64_t fault_addr;
	unsigned fault_access;
	char lookup[EXO_NAME_MAX + 1];
	uint64_t lookup_deadline;
	uint64_t user_ticks, sys_ticks;
	struct knote *notes;     /* kernel notices waiting for an open receive */
	struct kthread *rnext;   /* the run queue */
	uint8_t rq_prio;         /* ... of this priority */
	struct kthread *snext, *sprev; /* the space's threads */
	struct kthread *lnext;   /* threads waiting in lookup */
	/* signals (signal.c) */
	exo_sigset_t sig_mask, sig_pending;
	exo_siginfo_t sig_info[EXO_NSIG];
	exo_sigset_t sig_take;   /* exo_signal_take: the set it waits for */
	uint64_t sig_uinfo;      /* ... where its exo_siginfo_t goes */
	uint64_t sig_deadline;   /* ... until when */
	struct kthread *wnext;   /* threads waiting in take with a deadline */
	bool sig_suspended;      /* in exo_signal_suspend: sig_suspend_old is its mask */
	exo_sigset_t sig_suspend_old;
	uint32_t sig_resume;     /* what a restart of its interrupted IPC does */
	exo_tid_t sig_partner;
	struct frame sig_again;  /* an interrupted send, to make again */
	bool stop_held;          /* runnable, but its space is stopped */
	uint64_t sig_umsg;       /* the exo_msg_t of the interrupted receive */
	bool sig_stashing;       /* k_reply_kept is delivering into it */
	exo_tid_t sig_stash_from; /* who replied to it meanwhile, or NIL */
	/* exo_futex_wait (futex.c) */
	uint64_t futex_key;      /* the physical address of the word it waits on */
	uint64_t futex_deadline; /* IPC_NEVER: none */
	struct kthread *fnext, *fprev; /* its bucket's waiters, oldest first */
	uint8_t futex_tries;     /* the pager refused this many faults of its word's page */
};

/* One page the kernel gave a space itself (its boot image, its first stack). */
struct kpage {
	uint64_t pa, va;
	struct kpage *next;
};

struct kspace {
	exo_space_t id;
	char label[32];
	uint64_t *pt;            /* Sv39 root table (kernel address = physical) */
	unsigned nthreads;
	struct kthread *threads;
	struct kspace *next, *prev;
	struct mdb_space mdb;
	bool sigma0;
	bool privileged;         /* started by the boot list */
	bool is_exec;            /* its end ends the machine (the boot's `exec`) */
	bool ending;
	unsigned ndev;           /* device slots mapped (RV_SYS_DEV_MAP) */
	uint64_t mod_next;       /* the next free address for RV_SYS_MODULE_MAP */
	uint64_t zero_lo, zero_hi; /* bss and heap: kernel pages, zeroed on first touch */
	exo_space_t forked_by;   /* a fork child held until its parent resumes it */
	/* signals (signal.c) */
	uint8_t sig_how[EXO_NSIG];
	uint8_t sig_flags[EXO_NSIG];
	exo_sigset_t sig_mask_of[EXO_NSIG];
	exo_sigset_t sig_pending;
	exo_siginfo_t sig_info[EXO_NSIG];
	uint64_t upcall;         /* libexo's upcall entry, or 0 */
	bool stopped;
	uint8_t sched_policy;    /* EXO_SCHED_* */
	uint8_t sched_prio;      /* 0 for OTHER, 1..99 for FIFO and RR */
	int8_t sched_nice;       /* OTHER: the slice is longer for -20, shorter for 19 */
	exo_tid_t pager;         /* NIL: the default pager */
	struct kpage *kpages;
	uint32_t wstatus;        /* EXO_W_* when it ends */
	uint64_t user_ticks, sys_ticks; /* of threads that ended */
};

struct knote {
	uint32_t label;
	uint64_t word[4];
	unsigned nwords;
	struct knote *next;
};

struct kname {
	char name[EXO_NAME_MAX + 1];
	struct kthread *owner;
	struct kname *next;
};

#define K_FUTEX_BUCKETS 64

struct kernel {
	struct ipc ipc;
	struct mdb mdb;
	/* threads: slot i holds the thread with number i (slot 0 unused) */
	struct kthread **slots;
	uint16_t *versions;
	uint32_t nslots, nthreads;
	struct kthread *current;
	/* the run queues, one a priority (0: EXO_SCHED_OTHER, 1..99: FIFO and RR), oldest first */
	struct kthread *runq[RV_PRIO_COUNT], *runq_tail[RV_PRIO_COUNT];
	uint64_t runq_bits[2];   /* bit p: runq[p] is not empty */
	struct kspace *spaces;
	exo_space_t next_space;
	unsigned nspaces;
	struct kname *names;
	unsigned nnames;
	struct kthread *lookups;
	struct kthread *sigwaits; /* in exo_signal_take with a deadline */
	/* threads in exo_futex_wait, by a hash of the word's physical address, oldest first */
	struct kthread *futex_head[K_FUTEX_BUCKETS], *futex_tail[K_FUTEX_BUCKETS];
	unsigned futex_timed;    /* ... how many of them have a deadline */
	exo_tid_t default_pager;
	exo_tid_t watchers[16];
	unsigned nwatchers;
	uint64_t kernel_bytes;
	uint64_t slice_end;      /* ticks: the current thread's time slice ends */
	bool yielding;           /* the current thread gave up the hart (exo_yield) */
	uint64_t entered;        /* ticks: the kernel was entered (CPU time) */
	/* physical memory */
	uint64_t ram_base, ram_size;
	uint64_t sigma0_pa, sigma0_size; /* the frames sigma0 owns */
	uint64_t initrd_pa, initrd_size;
	uint64_t timebase;       /* timer ticks per second */
	int exit_status;
	int64_t realtime_offset; /* ns: wall clock - monotonic clock (the board's RTC at boot) */
	uint64_t rand;
};

extern struct kernel K;

/* A space's place in the scheduler (exo_space_sched): its priority and time slice. */
static inline unsigned k_prio(const struct kspace *s)
{
	return s->sched_prio;
}

/* The kernel's own page table: RAM and devices, mapped the same in every space. */
extern uint64_t *k_kernel_pt;

/* console.c: the UART, before a console server owns it */
void k_putc(char c);
void k_write(const char *s, size_t n);
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void k_panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void k_poweroff(int status);

/* sbi.c */
void sbi_set_timer(uint64_t when);
void sbi_shutdown(int status);

/* fdt.c: what the device tree says (memory, the boot image, the clock) */
void k_fdt_scan(const void *fdt);

/* pmem.c: pages and small blocks for the kernel */
void k_pmem_init(uint64_t start, uint64_t end);
uint64_t k_page_alloc(void);             /* a zeroed page, or 0 */
void k_page_free(uint64_t pa);
void *k_alloc(size_t n);                 /* zeroed; NULL when out of memory */
void k_free(void *p, size_t n);
uint64_t k_pages_free(void);

/* vm.c: Sv39 page tables */
#define PTE_V 0x1u
#define PTE_R 0x2u
#define PTE_W 0x4u
#define PTE_X 0x8u
#define PTE_U 0x10u
#define PTE_G 0x20u
#define PTE_A 0x40u
#define PTE_D 0x80u
void k_vm_init(void);
uint64_t *k_pt_new(void);                /* a root table with the kernel's part */
void k_pt_free(uint64_t *pt);
bool k_pt_map(uint64_t *pt, uint64_t va, uint64_t pa, unsigned pte_flags);
void k_pt_unmap(uint64_t *pt, uint64_t va);
bool k_pt_protect(uint64_t *pt, uint64_t va, unsigned pte_flags);
uint64_t *k_pt_walk(uint64_t *pt, uint64_t va); /* the leaf entry, or NULL */
void k_vm_switch(struct kspace *s);
void k_tlb_flush(struct kspace *s, uint64_t va);
/* Copies between the kernel and a space's user memory; false if a page is missing. */
bool k_copy_in(struct kspace *s, void *dst, uint64_t uva, size_t n);
bool k_copy_out(struct kspace *s, uint64_t uva, const void *src, size_t n);
/*
 * The kernel address of t's exo_msg_t at uva when it sits in one writable
 * page, else NULL. The last answer is kept in t until a user entry of any
 * table changes (k_pt_gen counts the changes), so a server's loop or a
 * client's calls with the same message walk the table once; the check of
 * the kept answer is inline, the walk (k_user_msg_walk) is not.
 */
extern uint64_t k_pt_gen;
exo_msg_t *k_user_msg_walk(struct kthread *t, uint64_t uva);
static inline exo_msg_t *k_user_msg(struct kthread *t, uint64_t uva)
{
	if (t->msgc && t->msgc_va == uva && t->msgc_gen == k_pt_gen && t->msgc_pt == t->space->pt)
		return t->msgc;
	return k_user_msg_walk(t, uva);
}

/* Copy between two spaces' user memory (string items). */
bool k_copy_user(struct kspace *ds, uint64_t dva, struct kspace *ss, uint64_t sva, size_t n);

/* thread.c */
uint64_t k_now(void);                    /* ns since boot */
struct kthread *k_thread_new(struct kspace *s, uint64_t pc, uint64_t sp, uint64_t arg, uint64_t tp);
void k_thread_die(struct kthread *t);
struct kspace *k_space_new(const char *label);
struct kspace *k_space_find(exo_space_t id);
void k_space_end(struct kspace *s, uint32_t wstatus);
void k_ready(struct kthread *t);
void k_sched_requeue(struct kspace *s);
void k_block(struct kthread *t);
struct kthread *k_pick(void);
void k_entropy(void *buf, size_t n);

/* ipc.c */
void k_ipc_setup(void);
/* Read t's message (tag and words) from its exo_msg_t at uva; the error if it is bad. */
exo_err k_msg_load(struct kthread *t, uint64_t uva);
/* Read the acceptor of t's exo_msg_t at uva for its receive phase. */
exo_err k_acceptor_load(struct kthread *t, uint64_t uva);
void k_notify_words(struct kthread *t, uint32_t label, const uint64_t *w, unsigned n);
bool k_notes_deliver(struct kthread *t);
exo_err k_reply_kept(struct kthread *s, struct kthread *r);
struct kthread *k_ipc_fast(struct kthread *t);

/* mem.c */
void k_mem_init(void);
void k_mem_space_init(struct kspace *s);
void k_mem_space_fini(struct kspace *s);
exo_err k_mem_transfer(struct kthread *from, struct kthread *to, struct kmsg *m);
exo_err k_unmap(struct kthread *t, uint64_t ufpages, unsigned n, unsigned flags);
void k_fault(struct kthread *t, uint64_t addr, unsigned access);
void k_pager_call(struct kthread *t, uint32_t label, uint64_t addr, unsigned access, uint64_t word2);
struct kthread *k_pager_of(struct kspace *s);
void k_kpages_free(struct kspace *s);
/* Give s a zeroed page of the kernel's at va (boot images, first stacks). */
bool k_space_page(struct kspace *s, uint64_t va, unsigned rights, uint64_t *pa);

/* signal.c */
exo_err k_sig_post(struct kspace *s, struct kthread *to, const exo_siginfo_t *si);
void k_sig_dispatch(struct kspace *s);
bool k_sig_deliver(struct kthread *t); /* false: t's space ended */
void k_sig_return(struct kthread *t, uint64_t usf, bool restart);
exo_err k_sig_action(struct kspace *s, int sig, int how, exo_sigset_t mask, unsigned flags);
void k_sig_exec(struct kspace *s, struct kthread *t);
void k_sig_fork(struct kspace *p, struct kspace *c);
void k_sig_timers(uint64_t now);
uint64_t k_sig_next_deadline(void);
void k_sig_wait(struct kthread *t, exo_sigset_t take, uint64_t uinfo, exo_timeout_t wait);
void k_sig_unwait(struct kthread *t);

/* futex.c: waiting on a word of memory (exo/futex.h) */
void k_futex_wait(struct kthread *t, uint64_t uva, uint32_t expected, exo_timeout_t timeout);
void k_futex_wake(struct kthread *t, uint64_t uva, uint32_t n);
void k_futex_cancel(struct kthread *t);  /* t leaves its queue (no result written) */
void k_futex_timers(uint64_t now);
uint64_t k_futex_next_deadline(void);

/* irq.c: device interrupts to drivers */
void k_irq_init(void);
exo_err k_irq_attach(struct kthread *t, unsigned irq);
exo_err k_irq_ack(struct kthread *t, unsigned irq);
void k_irq_take(void);
void k_irq_thread_gone(struct kthread *t);

/* space.c: fork and exec */
exo_err k_space_fork(struct kthread *t, exo_space_t *child);
exo_err k_space_resume(struct kthread *t, exo_space_t id, bool go);
exo_err k_space_restart(struct kthread *t, uint64_t entry, uint64_t sp, uint64_t arg0, uint64_t arg1,
			uint64_t name);

/* names.c */
exo_err k_name_register(struct kthread *t, const char *name);
void k_name_lookup(struct kthread *t, const char *name, exo_timeout_t wait);
void k_lookups_expire(uint64_t now);
uint64_t k_lookups_next_deadline(void);
void k_names_drop(struct kthread *t);
void k_lookup_cancel(struct kthread *t);

/* boot.c: the boot image (a tar: a boot list and programs), and loading ELF executables */
struct k_reader {
	bool (*read)(const struct k_reader *rd, uint64_t off, void *dst, uint64_t n);
	const void *ctx;
	struct kspace *space;     /* for a reader of user memory */
	uint64_t base;
};
exo_err k_elf_load(struct kspace *s, const struct k_reader *rd, uint64_t len, uint64_t *entry);
exo_err k_push_args(struct kspace *s, char *const argv[], unsigned argc, char *const envp[], unsigned envc,
		    uint64_t *sp, uint64_t *uargv);
void k_boot_continue(void);
exo_err k_spawn(char *const argv[], unsigned argc, const char *label, exo_space_t *id);
/* Map the boot-image member `name` read-only into s: where, and its size. */
exo_err k_module_map(struct kspace *s, const char *name, uint64_t *va, uint64_t *size);
void k_boot_space_ended(struct kspace *s);

/* syscall.c, trap.c */
void k_syscall(struct kthread *t);
struct frame *k_trap_fast(struct frame *f);
struct frame *k_trap(struct frame *f);
_Noreturn void k_run(void);

/* entry.S */
_Noreturn void trap_return(struct frame *f);
void trap_entry(void);

static inline uint64_t csr_read_time(void)
{
	uint64_t v;
	__asm__ volatile("rdtime %0" : "=r"(v));
	return v;
}

/* The timer's ticks (K.timebase a second); inline, the IPC path reads it often. */
static inline uint64_t k_ticks(void)
{
	return csr_read_time();
}

/* The live thread tid names, or NULL (a stale generation, a dead or unused slot). */
static inline struct kthread *k_thread_get(exo_tid_t tid)
{
	uint32_t num = exo_tid_number(tid);
	struct kthread *t;

	if (num == 0 || num >= K.nslots)
		return NULL;
	t = K.slots[num];
	if (!t || t->ipc.tid != tid || t->dead)
		return NULL;
	return t;
}

/* The highest set bit of x, not 0 (thread.c). */
int k_top_bit(uint64_t x);

/* The highest priority a ready thread waits at, or -1. */
static inline int k_highest_waiting(void)
{
	if (K.runq_bits[1])
		return 64 + k_top_bit(K.runq_bits[1]);
	if (K.runq_bits[0] <= 1)
		return K.runq_bits[0] ? 0 : -1; /* the usual case: time sharing only */
	return k_top_bit(K.runq_bits[0]);
}

/* A time slice: 10 ms, for OTHER longer with a lower nice (20 ms at -20) and shorter with a higher (1 ms at 19). */
static inline uint64_t k_slice(const struct kspace *s)
{
	uint64_t tb = K.timebase;

	if (s->sched_policy != EXO_SCHED_OTHER)
		return tb / 100;
	return tb / 100 * (uint64_t)(20 - s->sched_nice) / 20 + tb / 1000;
}

/*
 * The IPC fast path: the current thread blocks and the hart goes straight
 * to r, whose message it just delivered. That is what k_pick would choose
 * only when nothing of r's priority or higher waits (k_handoff_fits); then
 * k_handoff makes the switch as k_pick would, a new slice for r.
 */
static inline bool k_handoff_fits(const struct kthread *r)
{
	return k_highest_waiting() < (int)k_prio(r->space) && !r->space->stopped && !r->runnable;
}

static inline void k_handoff(struct kthread *t, struct kthread *r)
{
	t->runnable = false;
	r->runnable = true;
	K.current = r;
	K.slice_end = k_ticks() + k_slice(r->space);
}

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
