/*
 * exo/ipc.h — the kernel calls: synchronous IPC, threads, spaces, the name
 * registry and the kernel info page.
 *
 * IPC is a rendezvous: a send completes when the receiver has taken the
 * message; nothing is queued in the kernel beyond the blocked sender. Each
 * blocking phase has its own timeout (exo/types.h). A partner that dies while
 * a thread waits on it ends that wait with EXO_EDEAD, never a hang.
 *
 * The message passed to a call is both input (tag, mr, items) and output
 * (what was received, with string items rewritten to the receive buffers).
 */
#ifndef EXO_IPC_H
#define EXO_IPC_H

#include <exo/msg.h>
#include <exo/types.h>

/* Send m to `to`; returns when `to` has received it, or on error. */
exo_err exo_send(exo_tid_t to, exo_msg_t *m, exo_timeout_t snd);

/* Closed receive: accept a message from `from` only. */
exo_err exo_recv(exo_tid_t from, exo_msg_t *m, exo_timeout_t rcv);

/* Open receive: accept a message from any thread; *from names the sender. */
exo_err exo_wait(exo_msg_t *m, exo_timeout_t rcv, exo_tid_t *from);

/*
 * Call: send m to `to`, then receive the reply from `to` only. The reply
 * replaces m. `snd` bounds the wait for `to` to take the request, `rcv` the
 * wait for the reply after that.
 */
exo_err exo_call(exo_tid_t to, exo_msg_t *m, exo_timeout_t snd, exo_timeout_t rcv);

/* Reply: send m to `to` with a zero timeout (the caller waits in its call). */
exo_err exo_reply(exo_tid_t to, exo_msg_t *m);

/*
 * The server loop: reply m to `to` (unless `to` is EXO_NILTHREAD) with a zero
 * send timeout, then open-receive the next request into m. A failed reply
 * (the client died or stopped waiting) does not stop the receive; its error is
 * stored in *reply_err when that is not NULL.
 */
exo_err exo_reply_wait(exo_tid_t to, exo_msg_t *m, exo_timeout_t rcv, exo_tid_t *from,
		       exo_err *reply_err);

/* Abort the blocked IPC of a thread of the caller's own space: EXO_ECANCELED. */
exo_err exo_ipc_abort(exo_tid_t t);

/* The calling thread's id and space. */
exo_tid_t exo_myself(void);
exo_space_t exo_my_space(void);

/* Start a thread in the caller's space running fn(arg). */
exo_err exo_thread_create(void (*fn)(void *), void *arg, exo_tid_t *tid);

/* End the calling thread (the space ends with its last thread). */
_Noreturn void exo_thread_exit(void);

/*
 * Start a program as a new space. argv[0] is the program's path (no PATH
 * search; sim: a host executable linked against libexo). Any failure to
 * start it is EXO_ENOENT (EXO_ENOMEM when the kernel is out of memory).
 */
exo_err exo_space_spawn(char *const argv[], exo_space_t *space);

/*
 * Fork the calling space: a new space whose program, memory image and
 * calling thread are copies of the caller's (sim: a host fork; the child is
 * a host child of exosim, which reaps it). Before the child runs, prep(child
 * space, arg) runs in the parent: it asks the servers to copy their state
 * (memory, descriptors, process) into the child. If prep fails the child
 * never runs and its error is returned. Returns EXO_OK in both: in the
 * parent *child is the new space, in the child EXO_NILSPACE. EXO_ENOMEM if
 * the host cannot make the process.
 */
exo_err exo_space_fork(exo_space_t *child, exo_err (*prep)(exo_space_t child, void *arg), void *arg);

/*
 * Replace the calling space's program with the executable image img (len
 * bytes), for a kernel that runs host executables (the sim: an ELF the host
 * runs from an anonymous file). The space and its id stay; its threads
 * other than the caller end. Returns only on failure: EXO_EINVAL (not an
 * image this machine runs), EXO_EMSGSIZE (argv and envp too large),
 * EXO_ENOMEM. riscv64 loads no images for a running space: EXO_ENOSYS
 * (its programs are loaded at user level, exo_space_restart).
 */
exo_err exo_space_exec(const void *img, uint64_t len, const char *name, char *const argv[],
		       char *const envp[]);

/*
 * Start the calling space afresh at a program its pager has laid out
 * already (a user-level loader staged the segments and the first stack
 * with MEM_IMAGE, exo/memory.h). The space and its id stay; its other
 * threads end, every mapping and page it has goes, its signal actions
 * return to their defaults (ignored ones stay ignored), `name` (may be
 * NULL) becomes its label, and the caller becomes its first thread at
 * `entry` with the stack pointer `sp` and the arguments arg0, arg1. Before
 * that thread runs, the kernel calls the pager for it with EXO_LABEL_EXEC,
 * as a fault at `entry` (mr[0] entry, mr[1] EXO_X, mr[2] sp): the pager
 * installs the waiting layout and maps the entry page, or refuses and the
 * space ends as on a refused fault (SIGSEGV). Returns only on failure, with
 * nothing changed: EXO_EINVAL (entry or sp not a user address, sp not
 * 16-byte aligned), EXO_ENOPARTNER (the space has no pager), EXO_ENOMEM
 * (no memory for the kernel's new page table). The sim:
 * EXO_ENOSYS (its programs are host executables, exo_space_exec).
 */
exo_err exo_space_restart(uint64_t entry, uint64_t sp, uint64_t arg0, uint64_t arg1, const char *name);

/* Name registry: a server registers a name, clients look it up. */
#define EXO_NAME_MAX 31
exo_err exo_register(const char *name);
/* Waits up to `wait` for the name to be registered. */
exo_err exo_lookup(const char *name, exo_tid_t *tid, exo_timeout_t wait);

/*
 * Take the kernel options out of a program's arguments before it parses its
 * own. On the sim: `--exo-socket PATH` names the kernel socket to join (else
 * $EXO_SOCKET, else the default path exosim uses). A no-op where there is
 * nothing to choose.
 */
void exo_init_args(int *argc, char **argv);

/*
 * Memory. Map and grant items (exo/msg.h) carry pages from the sender to the
 * receiver's rcv_window; the kernel records each mapping in its mapping
 * database. Unmap takes the fpage's rights away from every mapping derived
 * from the caller's pages in fpage, recursively in every space, and returns
 * when they are gone. EXO_UNMAP_SELF takes them from the caller's pages too.
 */
#define EXO_UNMAP_SELF 1u
exo_err exo_unmap(exo_fpage_t fpage, unsigned flags);
/* Up to EXO_MR_COUNT flexpages at once (L4's unmap of a list): one revocation round. */
exo_err exo_unmap_many(const exo_fpage_t *fpages, unsigned n, unsigned flags);

/*
 * Page faults. A fault in a space becomes a call from the faulting thread to
 * its pager: label EXO_LABEL_PAGEFAULT, EXO_TAGF_KERNEL set, mr[0] the
 * address, mr[1] the access (EXO_R, EXO_W or EXO_X), mr[2] the instruction
 * pointer, and the whole space as receive window. A reply with a map item
 * resolves it and the instruction restarts; any other reply refuses it and
 * the space ends with a report. exo_set_pager is for sigma0 only; space 0
 * sets the default pager of every space that has none of its own.
 */
#define EXO_LABEL_PAGEFAULT 0xfffffff0u
/*
 * Kernel notice to the default pager and to every thread that asked with
 * exo_space_watch (servers that keep per-space state): mr[0] = a space that
 * ended. It arrives as a message from EXO_NILTHREAD with EXO_TAGF_KERNEL,
 * in an open receive.
 */
#define EXO_LABEL_SPACE_EXIT 0xfffffff1u
/*
 * The exit notice also carries, when the kernel saw the process end, mr[1]
 * its wait status (exo/signal.h EXO_W_*, else EXO_W_UNKNOWN) and mr[2],
 * mr[3] its user and system CPU time in ns. Watchers (not pagers) also get
 * EXO_LABEL_SPACE_STATE when a space stops or continues: mr[0] the space,
 * mr[1] EXO_W_STOPPED(sig) or EXO_W_CONTINUED.
 */
#define EXO_LABEL_SPACE_STATE 0xfffffff2u
/*
 * The pager's call for a thread restarted at a new program
 * (exo_space_restart): EXO_TAGF_KERNEL set, mr[0] the entry point, mr[1]
 * EXO_X, mr[2] the stack pointer. Answered as a fault at the entry point.
 * 0xfffffff3 is riscv64's RV_LABEL_INTERRUPT.
 */
#define EXO_LABEL_EXEC 0xfffffff4u
/*
 * Protocol-neutral request to any server that holds requests back (deferred
 * replies): forget the one the sender left waiting (it was interrupted by a
 * signal and went on). The server replies 0 once nothing of it remains, so
 * no late reply can meet the sender's next call.
 */
#define EXO_LABEL_CANCEL 0xffffff00u
exo_err exo_space_watch(void);

/* A message the kernel composed itself (a notice), not a thread's. */
static inline int exo_is_kernel_notice(exo_tid_t from, const exo_msg_t *m)
{
	return from == EXO_NILTHREAD && (exo_tag_flags(m->tag) & EXO_TAGF_KERNEL);
}
exo_err exo_set_pager(exo_space_t space, exo_tid_t pager);

/* Physical memory as sigma0 sees it: frame f is at base + f * EXO_PAGE_SIZE. */
exo_err exo_sigma0_view(uint64_t *base, uint64_t *size);

/* The kernel info page. */
typedef struct exo_kinfo {
	uint32_t abi_version;   /* EXO_ABI_VERSION of the kernel */
	uint32_t threads;       /* living threads */
	uint32_t spaces;        /* living spaces */
	uint32_t names;         /* registered names */
	uint64_t clock_ns;      /* monotonic clock, ns since boot */
	uint64_t ipc_count;     /* messages delivered since boot */
	uint64_t kernel_bytes;  /* heap bytes the kernel holds for threads/messages */
	uint64_t phys_bytes;    /* physical memory size */
	int32_t cpu;            /* CPU every space is placed on, or -1 for any */
	uint32_t reserved;
	uint64_t entropy[4];    /* 32 fresh random bytes from the kernel, new each call */
	uint64_t vm_base;       /* the managed range of every space (exo/memory.h) */
	uint64_t vm_size;
	uint64_t user_lo;       /* where a space's pages may be: [user_lo, user_hi); */
	uint64_t user_hi;       /* 0, 0 where the kernel does not say (the sim) */
} exo_kinfo_t;

#define EXO_ABI_VERSION 1

exo_err exo_kernel_info(exo_kinfo_t *ki);

/*
 * Time. exo_clock_ns is the kernel's monotonic clock (ns since boot, the
 * same clock as exo_kinfo_t.clock_ns), read without a kernel call where the
 * target lets the space read the clock itself. The wall clock is
 * exo_clock_ns() + exo_realtime_offset_ns() (ns since 1970-01-01 UTC); the
 * offset changes when the wall clock is set.
 */
uint64_t exo_clock_ns(void);
int64_t exo_realtime_offset_ns(void);

/* CPU time used so far by the caller's space, or by the calling thread. */
#define EXO_CPU_SPACE 0
#define EXO_CPU_THREAD 1
exo_err exo_cpu_time(int which, uint64_t *user_ns, uint64_t *sys_ns);

/*
 * Scheduling parameters of a space, set by the scheduler server (the thread
 * registered as "sched"; anyone else gets EXO_EPERM). policy EXO_SCHED_OTHER
 * takes nice -20..19 (priority 0), EXO_SCHED_FIFO and EXO_SCHED_RR priority
 * 1..99; else EXO_EINVAL. *applied (may be NULL) gets EXO_SCHED_APPLIED_*
 * bits: what the machine now does. On the sim the host schedules the space's
 * threads, and may refuse (a raised priority without privilege): then the
 * call still succeeds with the bit clear. EXO_ENOPARTNER: no such space.
 */
#define EXO_SCHED_OTHER 0u
#define EXO_SCHED_FIFO 1u
#define EXO_SCHED_RR 2u
#define EXO_SCHED_APPLIED_NICE 0x1u
#define EXO_SCHED_APPLIED_POLICY 0x2u
exo_err exo_space_sched(exo_space_t space, uint32_t policy, int32_t priority, int32_t nice,
			uint32_t *applied);

/* Give the CPU to another ready thread, if there is one (sim: the host's sched_yield). */
void exo_yield(void);

#endif
