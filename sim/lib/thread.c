/*
 * sim/lib/thread.c — threads of a space on the sim: each is a host thread with
 * its own channel to the kernel.
 *
 * exo_thread_create asks the kernel for the new thread's id first (so the
 * creator knows it at once, and messages to it wait for it), then starts a
 * host thread that joins the kernel under that id before running fn.
 */
#include <stdlib.h>

#include <exo/ipc.h>

#include "chan.h"

struct start {
	void (*fn)(void *);
	void *arg;
	exo_tid_t tid;
};

static void *trampoline(void *p)
{
	struct start s = *(struct start *)p;
	struct exo_chan *c;

	free(p);
	exo_sim_chan_set_pending(s.tid);
	if (exo_sim_chan_get(&c) == EXO_OK)
		s.fn(s.arg);
	exo_thread_exit();
}

exo_err exo_thread_create(void (*fn)(void *), void *arg, exo_tid_t *tid)
{
	struct start *s;
	uint32_t t = 0;
	exo_err err;

	if (!fn)
		return EXO_EINVAL;
	err = exo_sim_chan_simple(SIM_OP_THREAD_NEW, 0, 0, NULL, 0, &t, NULL, NULL, 0);
	if (err != EXO_OK)
		return err;
	s = malloc(sizeof(*s));
	if (s) {
		*s = (struct start){ fn, arg, t };
		if (exo_lx_thread_start(trampoline, s) == 0) {
			if (tid)
				*tid = t;
			return EXO_OK;
		}
		free(s);
	}
	exo_sim_chan_simple(SIM_OP_THREAD_DROP, t, 0, NULL, 0, NULL, NULL, NULL, 0);
	return EXO_ENOMEM;
}

_Noreturn void exo_thread_exit(void)
{
	exo_sim_chan_drop();
	exo_lx_thread_exit();
}

exo_tid_t exo_myself(void)
{
	struct exo_chan *c;

	return exo_sim_chan_get(&c) == EXO_OK ? c->tid : EXO_NILTHREAD;
}

exo_space_t exo_my_space(void)
{
	struct exo_chan *c;

	return exo_sim_chan_get(&c) == EXO_OK ? c->space : EXO_NILSPACE;
}
