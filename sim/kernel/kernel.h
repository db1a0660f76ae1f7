/*
 * sim/kernel/kernel.h — exosim's objects: the kernel context, threads (one per
 * channel), spaces (one per host process) and boot entries.
 *
 * exosim is single-threaded: one libevent loop runs everything, so nothing
 * here is locked. Request state travels in struct ksim and the objects, never
 * in globals.
 */
#ifndef EXO_SIM_KERNEL_H
#define EXO_SIM_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <event2/event.h>

#include <exo/ipc.h>

#include "../../kernel/ipc.h"
#include "../../kernel/mdb.h"
#include "../common/wire.h"

struct ksim;
struct kspace;

/* A connection to the kernel socket; bound to a thread by HELLO. */
struct kchan {
	struct ksim *k;
	int fd;
	pid_t pid;               /* the peer process (SO_PEERCRED) */
	struct event *ev;
	struct kthread *thread;  /* NULL until HELLO */
	struct kspace *ctl_of;   /* a control channel: the space it serves */
	bool is_ctl;
	struct kchan *next, *prev;
};

/*
 * A message: its whole frame, as it arrived. While it is delivered at once
 * it stays in the receive buffer (not on the heap); a sender that blocks gets
 * a heap copy (k_msg_keep).
 */
struct kmsg {
	size_t len;
	bool kernel;             /* composed by the kernel (a page fault) */
	bool heap;               /* allocated with its frame; k_msg_free frees it */
	unsigned nmaps;          /* map and grant items */
	unsigned nstrings;
	uint32_t slen[EXO_BR_COUNT];
	unsigned char *frame;    /* struct sim_hdr, mr[], string bytes */
	_Alignas(8) unsigned char data[]; /* the frame, when on the heap */
};

enum kwait {
	KWAIT_NONE = 0,
	KWAIT_IPC,               /* in the IPC state machine */
	KWAIT_LOOKUP,            /* in exo_lookup, waiting for a name */
	KWAIT_UNMAP,             /* in exo_unmap, waiting for control channels */
};

struct kthread {
	struct ipc_thread ipc;
	struct kspace *space;
	struct kchan *chan;      /* NULL for a THREAD_NEW slot not yet started */
	enum kwait wait;
	uint16_t op;             /* the operation in progress */
	uint16_t nbuf;           /* receive buffers offered */
	uint32_t buf_size[EXO_BR_COUNT];
	exo_err reply_err;       /* reply-wait: the outcome of its reply */
	char lookup[EXO_NAME_MAX + 1];
	uint64_t lookup_deadline;
	uint64_t ipc_count;      /* messages received */
	uint64_t ipc_sent;       /* messages it sent that were delivered */
	uint64_t faults;         /* page faults it took */
	uint64_t since;          /* kernel clock of its last change of state (exoctl ps) */
	exo_fpage_t rcv_window;  /* where map/grant items may land */
	struct knote *notes;     /* kernel notices waiting for an open receive */
	uint32_t gate;           /* a batch its next answer waits for (it granted pages away) */
	void *held;              /* that answer */
	size_t held_len;
	bool held_installs;      /* it carries install records */
	bool trace_call;         /* its last call passed the trace filters (its reply will) */
	struct kthread *snext, *sprev; /* the space's threads */
	struct kthread *lnext, *lprev; /* threads waiting in lookup */
};

struct kspace {
	exo_space_t id;
	pid_t pid;
	char label[32];
	bool spawned;            /* started by exosim: a host child to reap */
	bool reaped;
	bool is_exec;            /* the --exec program: its status ends exosim */
	bool privileged;         /* started by the boot list: may signal other spaces */
	uint32_t wstatus;        /* EXO_W_* once reaped, else EXO_W_UNKNOWN */
	uint64_t utime_ns, stime_ns; /* its CPU time, once reaped */
	unsigned nthreads;
	struct kthread *threads;
	struct kspace *next, *prev;
	/* memory */
	struct mdb_space mdb;
	bool sigma0;
	exo_tid_t pager;         /* NIL: the default pager */
	struct kchan *ctl;       /* the control channel, once it joined */
	struct sim_install *ctl_pending; /* revocations to send it */
	unsigned nctl_pending, ctl_cap;
	uint64_t installs_sent;  /* answers with install records sent to its threads */
	uint32_t *batches;       /* batches it has not acked */
	unsigned nbatches, batch_cap;
};

/* A kernel notice for a pager (EXO_LABEL_SPACE_EXIT). */
struct knote {
	uint32_t label;
	uint64_t word[4];
	unsigned nwords;
	struct knote *next;
};

/* Revocations sent to control channels; the unmap that caused them waits. */
struct kbatch {
	uint32_t id;
	unsigned pending;
	struct kthread *waiter;  /* an unmap: answered when the batch is done */
	struct kthread *gate;    /* a granter: its held answer goes out then */
	struct kbatch *next;
};

struct kname {
	char name[EXO_NAME_MAX + 1];
	struct kthread *owner;
	struct kname *next;
};

struct ksim {
	struct event_base *base;
	struct ipc ipc;
	int listen_fd;
	char *socket_path;
	struct event *accept_ev, *timer_ev, *sigchld_ev, *sigint_ev, *sigterm_ev;
	uint64_t armed;          /* deadline the timer is armed for */
	uint64_t boot_ns;        /* monotonic time at boot */
	int verbose;
	int cpu;                 /* placement; -1 = unpinned */

	/* thread table: slot i holds the thread with number i (slot 0 unused) */
	struct kthread **slots;
	uint16_t *versions;
	uint32_t nslots, nthreads;

	struct kchan *chans;
	struct kspace *spaces;
	exo_space_t next_space;
	unsigned nspaces;
	struct kname *names;
	unsigned nnames;
	struct kthread *lookups;
	uint64_t kernel_bytes;
	uint64_t faults;         /* page faults handed to pagers */

	/* the control socket (control.c): exoctl's requests */
	int control_fd;
	char *control_path;
	struct event *control_ev;
	struct kcontrol *controls;

	unsigned char *rxbuf;    /* one frame being decoded */
	unsigned char *txbuf;    /* one answer with install records */

	/* memory */
	int memfd;
	uint64_t phys_size;
	struct mdb mdb;
	exo_tid_t default_pager;
	exo_tid_t watchers[16];  /* threads that get space-exit notices */
	unsigned nwatchers;
	bool ctl_dirty;          /* some space has revocations queued */
	struct sim_install *inst; /* installs for the receiver being delivered to */
	unsigned ninst;
	bool inst_overflow;
	struct kbatch *batches;
	uint32_t next_batch;

	/* boot */
	struct kboot *boot;
	bool booted;
	bool execs;              /* --exec: the program's status is exosim's */
	int exit_status;
	bool shutting_down;
	const char *wait_name;   /* the boot waits until this name is registered */
	struct event *kill_ev;

	struct ktrace *trace;    /* NULL unless recording (trace.c): one branch per hook */
};

/* thread.c */
uint64_t k_now(struct ksim *k);
/* Fill buf with random bytes from the host (exo_kinfo_t.entropy). */
void k_entropy(void *buf, size_t len);
struct kthread *k_thread_new(struct ksim *k, struct kspace *s);
struct kthread *k_thread_get(struct ksim *k, exo_tid_t tid);
void k_thread_free(struct ksim *k, struct kthread *t);
struct kspace *k_space_for_pid(struct ksim *k, pid_t pid, bool create);
struct kspace *k_space_find(struct ksim *k, exo_space_t id);
void k_space_make_sigma0(struct ksim *k, struct kspace *s);
struct kspace *k_space_new(struct ksim *k, pid_t pid, const char *label);
void k_space_maybe_free(struct ksim *k, struct kspace *s);
void k_thread_die(struct ksim *k, struct kthread *t);
void k_ipc_setup(struct ksim *k);
void *k_alloc(struct ksim *k, size_t n);
void k_free(struct ksim *k, void *p, size_t n);

/* chan.c */
int k_listen(struct ksim *k);
struct ucred;
/* Accept a connection on lfd (non-blocking, close-on-exec) with its peer's credentials: its fd, or -1. */
int k_accept(int lfd, struct ucred *cred);
void k_chan_close(struct ksim *k, struct kchan *c);
void k_answer(struct ksim *k, struct kthread *t, exo_err err, uint32_t tid, uint32_t aux,
	      const void *payload, size_t len);
bool k_chan_send(struct ksim *k, struct kchan *c, const void *buf, size_t len);
void k_timer_update(struct ksim *k);

/* ipc.c */
struct kmsg *k_msg_keep(struct ksim *k, const struct kmsg *m);
void k_msg_free(struct ksim *k, struct kmsg *m);

/* mem.c */
#define K_SIGMA0_BASE 0x300000000000ull
int k_mem_init(struct ksim *k, uint64_t size);
void k_mem_fini(struct ksim *k);
void k_mem_space_init(struct ksim *k, struct kspace *s);
void k_mem_space_fini(struct ksim *k, struct kspace *s);
exo_err k_mem_transfer(struct ksim *k, struct kthread *from, struct kthread *to, struct kmsg *m);
void k_mem_flush(struct ksim *k, struct kthread *waiter, struct kthread *gate);
void k_thread_send(struct ksim *k, struct kthread *t, const void *buf, size_t len, bool installs);
void k_mem_ctl_ack(struct ksim *k, struct kspace *s, uint32_t id);
void k_mem_ctl_closed(struct ksim *k, struct kspace *s);
void k_mem_thread_gone(struct ksim *k, struct kthread *t);
void k_notify(struct ksim *k, struct kthread *t, uint32_t label, uint64_t word);
void k_notify_words(struct ksim *k, struct kthread *t, uint32_t label, const uint64_t *w, unsigned n);
/* Tell every watcher (exo_space_watch) that space s stopped or continued. */
void k_space_state(struct ksim *k, struct kspace *s, uint32_t wstatus);
bool k_notes_deliver(struct ksim *k, struct kthread *t);

/* names.c */
exo_err k_name_register(struct ksim *k, struct kthread *t, const char *name);
struct kname *k_name_find(struct ksim *k, const char *name);
void k_name_lookup(struct ksim *k, struct kthread *t, const char *name, exo_timeout_t wait);
void k_lookup_cancel(struct ksim *k, struct kthread *t);
void k_names_drop(struct ksim *k, struct kthread *t);
void k_lookups_expire(struct ksim *k, uint64_t now);
uint64_t k_lookups_next_deadline(struct ksim *k);

/* control.c: the control socket, KERNEL_SOCKET.ctl (proto/control.proto) */
int k_control_listen(struct ksim *k);
void k_control_close(struct ksim *k);

/* boot.c */
int k_boot_load(struct ksim *k, const char *path);
int k_boot_wrap(struct ksim *k, const char *spec);
void k_boot_continue(struct ksim *k);
void k_boot_add_wait(struct ksim *k, const char *name);
void k_boot_add_exec(struct ksim *k, char **argv);
pid_t k_spawn(struct ksim *k, char *const argv[], const char *wrapper, const char *label,
	      exo_space_t *space);
void k_reap(struct ksim *k);
void k_shutdown(struct ksim *k, int status);
void k_boot_free(struct ksim *k);

/* boot.c: each boot entry (kind 0 start, 1 wait, 2 exec), for the trace header */
void k_boot_each(struct ksim *k,
		 void (*fn)(void *arg, int kind, const char *label, bool sigma0, const char *wrap, char **argv),
		 void *arg);

/*
 * trace.c — recording IPC events (docs/trace.md). k_trace_start opens path
 * (truncating it) and records until k_trace_stop; both return 0 or -errno
 * (-EBUSY: already tracing, -EINVAL: a bad filter, -ENOENT: not tracing).
 * Hooks are called only when k->trace is set.
 */
struct ktrace_opts {
	uint64_t max_bytes;          /* rotate at this size: path -> path.1; 0: no bound */
	uint32_t string_max;         /* string bytes kept per item; 0: all of them */
	const char *const *filters;  /* server=NAME, protocol=NAME, space=N, label=A[-B] */
	unsigned nfilters;
};
int k_trace_start(struct ksim *k, const char *path, const struct ktrace_opts *o);
int k_trace_stop(struct ksim *k);
int k_trace_filter_check(const char *spec);
void k_trace_deliver(struct ksim *k, struct kthread *s, struct kthread *r, const struct kmsg *m, exo_err err);
void k_trace_ended(struct ksim *k, struct kthread *t, exo_err err);
void k_trace_reply_lost(struct ksim *k, struct kthread *t, exo_tid_t to, exo_err err);
void k_trace_receive(struct ksim *k, struct kthread *t, exo_tid_t from);
void k_trace_notice(struct ksim *k, struct kthread *t, exo_tag_t tag, const uint64_t *w, unsigned n);
void k_trace_unmap(struct ksim *k, struct kthread *t, const uint64_t *fpages, unsigned n, uint32_t flags);
void k_trace_thread(struct ksim *k, struct kthread *t, bool born);
void k_trace_space(struct ksim *k, struct kspace *s, bool born);
void k_trace_name(struct ksim *k, struct kthread *t, const char *name);

/* sched.c */
exo_err k_sched_set(struct ksim *k, struct kthread *caller, exo_space_t space, const struct sim_sched *p,
		    uint32_t *applied);

#define klog(k, ...) k_log((k), 1, __VA_ARGS__)
#define kdebug(k, ...) k_log((k), 2, __VA_ARGS__)
void k_log(struct ksim *k, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
