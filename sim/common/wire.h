/*
 * sim/common/wire.h — the frames exchanged between exosim and libexo over one
 * thread's SOCK_SEQPACKET channel. Private to the sim backend: programs see
 * only the kernel ABI of include/exo.
 *
 * Every frame, in both directions, is one record:
 *
 *   struct sim_hdr                       88 bytes
 *   uint64_t mr[u + t]                   the message registers in use
 *   string item bytes                    each item's bytes, in item order
 *
 * A request names an operation (SIM_OP_*); the kernel answers each request
 * with exactly one frame once the operation ends: SIM_OP_MSG when a message
 * was received (the sender's frame, forwarded with its header rewritten), or
 * SIM_OP_RESULT otherwise. The kernel never trusts a field of a request: the
 * sender of a message is the thread bound to the channel it arrived on.
 */
#ifndef EXO_SIM_WIRE_H
#define EXO_SIM_WIRE_H

#include <stdint.h>

/*
 * The managed range of every sim space (exo/memory.h): exosim reports it in
 * the kernel info page, and sim/lib reserves it in each process at start.
 */
#define SIM_VM_BASE 0x200000000000ull
#define SIM_VM_SIZE (64ull << 30)

#include <exo/msg.h>
#include <exo/signal.h>
#include <exo/types.h>

enum sim_op {
	SIM_OP_HELLO = 1,   /* bind this channel: tid 0 = a new thread, or a THREAD_NEW tid */
	SIM_OP_SEND,        /* tid = destination */
	SIM_OP_RECV,        /* tid = source or EXO_ANYTHREAD */
	SIM_OP_CALL,        /* tid = destination, then receive from it */
	SIM_OP_REPLY_WAIT,  /* tid = client or EXO_NILTHREAD, then open receive */
	SIM_OP_ABORT,       /* tid = a thread of the caller's space */
	SIM_OP_REGISTER,    /* payload: the name */
	SIM_OP_LOOKUP,      /* payload: the name; rcv_timeout bounds the wait */
	SIM_OP_KINFO,       /* answer payload: exo_kinfo_t */
	SIM_OP_THREAD_NEW,  /* answer tid: a thread slot for a new host thread */
	SIM_OP_THREAD_DROP, /* tid = a THREAD_NEW slot that never started */
	SIM_OP_SPAWN,       /* payload: argv, each string NUL-terminated */
	SIM_OP_UNMAP,       /* payload: struct sim_unmap; answered when every space has acked */
	SIM_OP_FAULT,       /* payload: struct sim_fault; a call to the space's pager */
	SIM_OP_SET_PAGER,   /* tid = pager, aux = space (0: the default pager); sigma0 only */
	SIM_OP_CTL_ACK,     /* control channel: tid = the batch acknowledged */
	SIM_OP_WATCH,       /* the caller gets EXO_LABEL_SPACE_EXIT notices */
	SIM_OP_SCHED,       /* aux = space, payload: struct sim_sched; answer aux = applied bits */
	SIM_OP_FORKED,      /* payload: int32 host pid of a forked child; answer tid = its space */
	SIM_OP_SIGNAL,      /* payload: struct sim_signal */
	SIM_OP_COUNT,

	SIM_OP_RESULT = 64, /* answer: err, tid, aux; maybe a payload */
	SIM_OP_MSG,         /* answer: a received message from tid */
	SIM_OP_CTL,         /* to a control channel: tid = batch, payload: sim_install[aux],
			     * tag = install answers sent to the space before this batch */
};

struct sim_hdr {
	uint16_t op;
	uint16_t nbuf;        /* request: receive buffers offered (<= EXO_BR_COUNT) */
	int32_t err;          /* answer: exo_err of the operation */
	uint32_t tid;         /* request: partner; answer: sender or result id */
	uint32_t aux;         /* answer: reply error (reply-wait), space id (hello) */
	uint64_t snd_timeout;
	uint64_t rcv_timeout;
	uint32_t buf_size[EXO_BR_COUNT];
	uint64_t tag;         /* a message's tag; 0 for other operations */
	uint64_t rcv_window;  /* request: where map and grant items may land */
	uint32_t space;       /* answer MSG: the sender's space */
	uint32_t ninstall;    /* answer MSG: install records after the string bytes */
};

_Static_assert(sizeof(struct sim_hdr) == 88, "sim_hdr is part of the wire format");

/*
 * Ordering of installs and revocations. Installs reach a space on its
 * threads' channels, revocations on its control channel, so a revocation
 * could overtake an install made before it. The kernel counts the answers
 * with install records it sends to each space and stamps every SIM_OP_CTL
 * batch with that count; the control thread applies a batch only once the
 * space's threads have applied at least that many (libexo counts them).
 */

/*
 * An install record: map npages frames from `frame` at vaddr with `rights`.
 * In a SIM_OP_CTL batch, rights 0 means remove the pages, otherwise reduce
 * them to `rights`.
 */
struct sim_install {
	uint64_t vaddr;
	uint64_t frame;
	uint32_t npages;
	uint32_t rights;
};

/* Install records one message may carry (map items of fragmented sources). */
#define SIM_INSTALL_MAX 4096

/* Unmap: `count` flexpages of the caller's space; their rights are the ones revoked. */
struct sim_unmap {
	uint32_t flags;       /* EXO_UNMAP_SELF */
	uint32_t count;       /* 1 .. EXO_MR_COUNT */
	uint64_t fpage[EXO_MR_COUNT];
};

struct sim_fault {
	uint64_t addr;
	uint64_t access;      /* EXO_R, EXO_W or EXO_X */
	uint64_t ip;
};

/* The largest frame: header, all registers, all string bytes. */
#define SIM_FRAME_MAX (sizeof(struct sim_hdr) + EXO_MR_COUNT * 8 + EXO_STRING_MAX)
/* The largest answer: a message plus its install records. */
#define SIM_ANSWER_MAX (SIM_FRAME_MAX + SIM_INSTALL_MAX * sizeof(struct sim_install))

/* A payload that is not a message (names, argv, kinfo) is at most this long. */
#define SIM_PAYLOAD_MAX 4096

/*
 * Answer to HELLO: tid = the thread's id, aux = its space, payload: sim_hello,
 * and (SCM_RIGHTS) the physical memory memfd. A HELLO with aux =
 * SIM_HELLO_CONTROL opens the space's control channel instead of a thread:
 * the kernel sends it SIM_OP_CTL batches, which it applies and acks.
 */
#define SIM_HELLO_CONTROL 1u

struct sim_hello {
	uint32_t abi_version;
	int32_t cpu;          /* the CPU the kernel places spaces on, -1 for any */
	uint64_t phys_size;   /* bytes of physical memory (the memfd) */
	uint64_t sigma0_base; /* where sigma0 sees frame 0 */
	uint32_t sigma0;      /* 1 when this space is sigma0 */
	uint32_t pad;
	uint64_t boot_ns;     /* host CLOCK_MONOTONIC at the kernel's boot: exo_clock_ns's base */
};

/* Scheduling parameters of a space (exo_space_sched), applied to its host process. */
struct sim_sched {
	uint32_t policy;      /* EXO_SCHED_* */
	int32_t priority;
	int32_t nice;
	uint32_t pad;
};

/* A signal posted to a space (exo_signal_post). */
struct sim_signal {
	uint32_t space;
	uint32_t pad;
	exo_siginfo_t si;
};

/*
 * The host signal that carries an Exo one has si_code SI_QUEUE, si_pid and
 * si_uid the Exo sender's, and si_value this word: the Exo code in the low
 * 32 bits, the wait status (SIGCHLD) in the high ones, and this mark in bits
 * 24..31 of the code part so libexo knows it from a plain sigqueue.
 */
#define SIM_SIG_MARK 0x45000000u

#define SIM_SOCKET_ENV "EXO_SOCKET"

#endif
