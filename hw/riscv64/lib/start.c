/*
 * hw/riscv64/lib/start.c — a program's first steps and last on riscv64: the
 * main thread's thread-local block (picolibc keeps errno there), the
 * constructors, main, and
 * the end of the space with its status (exit -> _exit -> RV_SYS_SPACE_EXIT);
 * threads of the space (exo_thread_create) with their own stack and block.
 */
#include <stdio.h> /* picolibc.h: PICOLIBC_TLS */
#include <picotls.h>
#include <stdlib.h>
#include <string.h>

#include <exo/ipc.h>
#include <exo/signal.h>

#include "sys.h"

int main(int argc, char **argv, char **envp);
void __libc_init_array(void);
_Noreturn void __exo_rv_start(int argc, char **argv);
_Noreturn void _exit(int status);

char **environ;
static _Alignas(16) uint8_t main_tls[512];

_Noreturn void _exit(int status)
{
	RV_SYS1(RV_SYS_SPACE_EXIT, EXO_W_EXITED(status));
	for (;;)
		;
}

_Noreturn void __exo_rv_start(int argc, char **argv)
{
	if (_tls_size() > sizeof(main_tls)) {
		static const char msg[] = "exo: thread-local data too large\n";

		RV_SYS2(RV_SYS_DEBUG_WRITE, msg, sizeof(msg) - 1);
		_exit(127);
	}
	_init_tls(main_tls);
	_set_tls(main_tls);
	environ = argv + argc + 1;
	__libc_init_array(); /* constructors (libposix's stdio bridge has one) */
	exit(main(argc, argv, environ));
}

/* A thread's memory: its stack and thread-local block, freed by a later create once it has ended. */
struct rv_thread {
	void (*fn)(void *);
	void *arg;
	volatile int ended;
	size_t size;
	struct rv_thread *next;
};

#define THREAD_STACK (64u * 1024u)
static struct rv_thread *threads;

static _Noreturn void thread_start(void *p)
{
	struct rv_thread *t = p;

	t->fn(t->arg);
	exo_thread_exit();
}

_Noreturn void exo_thread_exit(void)
{
	struct rv_thread *t = NULL;
	uint64_t tp;

	/* The block of a thread made here sits right after its struct. */
	__asm__ volatile("mv %0, tp" : "=r"(tp));
	for (struct rv_thread *i = threads; i; i = i->next)
		if ((uint64_t)(uintptr_t)(i + 1) == tp)
			t = i;
	if (t)
		t->ended = 1;
	RV_SYS0(RV_SYS_THREAD_EXIT);
	for (;;)
		;
}

exo_err exo_thread_create(void (*fn)(void *), void *arg, exo_tid_t *tid)
{
	size_t tls = (_tls_size() + 15) & ~(size_t)15, size = sizeof(struct rv_thread) + 16 + tls + THREAD_STACK;
	struct rv_thread *t, **pp = &threads;
	struct rv_ret r;
	uint8_t *block;

	while (*pp) { /* free what ended threads left */
		struct rv_thread *o = *pp;

		if (o->ended) {
			*pp = o->next;
			free(o);
		} else {
			pp = &o->next;
		}
	}
	t = malloc(size);
	if (!t)
		return EXO_ENOMEM;
	memset(t, 0, sizeof(*t));
	t->fn = fn;
	t->arg = arg;
	t->size = size;
	block = (uint8_t *)(t + 1);
	_init_tls(block);
	t->next = threads;
	threads = t;
	r = RV_SYS4(RV_SYS_THREAD_CREATE, (uint64_t)(uintptr_t)thread_start,
		    ((uint64_t)(uintptr_t)t + size) & ~15ull, t, block);
	if (r.err != EXO_OK) {
		t->ended = 1;
		return r.err;
	}
	if (tid)
		*tid = (exo_tid_t)r.r1;
	return EXO_OK;
}
