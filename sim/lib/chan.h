/*
 * sim/lib/chan.h — a thread's channel to exosim, and one request/answer on it.
 */
#ifndef EXO_SIM_LIB_CHAN_H
#define EXO_SIM_LIB_CHAN_H

#include <exo/types.h>

#include "../common/wire.h"
#include "lx.h"

struct exo_chan {
	int fd;                  /* -1 until the thread joins the kernel */
	exo_tid_t tid;
	exo_space_t space;
	exo_tid_t pending;       /* the id THREAD_NEW gave this thread, before HELLO */
	unsigned char *rx;       /* its answer buffer */
	/* An interruptible IPC in progress (a caught signal may end it). */
	volatile int in_ipc, sent, interrupted, abort_sent;
};

/* The calling thread's channel, joining the kernel first if need be. */
exo_err exo_sim_chan_get(struct exo_chan **c);

/* The calling thread's answer buffer (one frame). */
unsigned char *exo_sim_chan_rxbuf(void);

/*
 * Send one request (iov[0] is its struct sim_hdr) and wait for the answer,
 * which lands in exo_sim_chan_rxbuf(); *len is its length. The answer's header is
 * checked for size only.
 */
exo_err exo_sim_chan_rpc(struct exo_chan *c, const struct exo_lx_iov *iov, int n, long *len);
/* The same for an IPC operation that a caught signal may end (EXO_ECANCELED). */
exo_err exo_sim_chan_rpc_intr(struct exo_chan *c, const struct exo_lx_iov *iov, int n, long *len);

/*
 * From a signal handler on this thread: end the interruptible IPC the thread
 * is blocked in, if any (the kernel answers it with EXO_ECANCELED).
 */
void exo_sim_chan_interrupt(void);

/* The path of the kernel socket this process joins. */
const char *exo_sim_chan_socket_path(void);

/* A request with an optional payload; the answer's err, tid, aux and payload. */
exo_err exo_sim_chan_simple(uint16_t op, exo_tid_t tid, uint64_t rcv_timeout, const void *payload,
		    size_t plen, uint32_t *out_tid, uint32_t *out_aux, void *out, size_t outlen);

/* The id a thread started by exo_thread_create joins as. */
void exo_sim_chan_set_pending(exo_tid_t tid);

/* Open this space's control channel: its fd, or -1. */
int exo_sim_chan_connect_control(void);

/* Leave the kernel: close the calling thread's channel. */
void exo_sim_chan_drop(void);

/* time.c: the kernel's boot time on the host clock, from a HELLO answer. */
void exo_sim_time_join(uint64_t boot_ns);

#endif
