/*
 * libposix/pthread.c — POSIX threads on Exo threads (exo_thread_create) and
 * the kernel's wait on a word of memory (exo/futex.h): threads, joins,
 * once, keys, mutexes and condition variables.
 *
 * Every object is a few 32-bit words laid over the C library's type (the
 * sim: glibc's pthread types, whose static initializers are zeros or set
 * the mutex kind at glibc's offset; riscv64: libposix/include/pthread.h's
 * own). Uncontended locks and unlocks are one atomic operation and no
 * kernel call; only a thread that must wait enters the kernel.
 *
 * Not here yet (the pthreads issue): cancellation and cleanup handlers,
 * rwlocks, barriers, spinlocks, robust and priority-protocol mutexes,
 * scheduling attributes, per-thread signals (pthread_kill), fork in a
 * threaded process (atfork handlers). A thread's stack is the kernel
 * backend's default; the stack size attribute is kept and reported, not
 * applied.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <exo/errno.h>
#include <exo/futex.h>
#include <exo/ipc.h>

#include "px.h"

/*
 * On the sim, the program's calls bind to these, but the host's shared
 * libraries (a sanitizer runtime, glibc's own helpers) keep glibc's threads
 * for their host threads: hidden, so the program does not export them.
 */
#pragma GCC visibility push(hidden)

#define MAGIC 0x50746872u        /* "Pthr": a live handle */

enum { RUNNING = 0, EXITED = 1 };

#ifndef PTHREAD_KEYS_MAX
#define PTHREAD_KEYS_MAX 1024
#endif
#ifndef PTHREAD_DESTRUCTOR_ITERATIONS
#define PTHREAD_DESTRUCTOR_ITERATIONS 4
#endif

struct px_thread {
	uint32_t magic;
	uint32_t state;          /* futex word: RUNNING, then EXITED */
	uint32_t detached;       /* nobody will join it: its record goes when it ends */
	uint32_t joined;         /* a thread waits in pthread_join for it */
	exo_tid_t tid;
	void *(*fn)(void *);
	void *arg;
	void *result;
	struct px_thread *next;  /* every live handle (handles.list) */
	void *specific[PTHREAD_KEYS_MAX];
};

/* A lock of libposix's own, for its tables (the mutex algorithm below, without kinds). */
static void word_lock(uint32_t *w);
static void word_unlock(uint32_t *w);

static struct {
	uint32_t lock;
	struct px_thread *list;
	uint32_t live;           /* threads running, the first one included */
} handles = { .live = 1 };

static struct px_thread first; /* the thread that ran main */
static _Thread_local struct px_thread *self;

static struct {
	uint32_t lock;
	uint8_t used[PTHREAD_KEYS_MAX];
	void (*dtor[PTHREAD_KEYS_MAX])(void *);
} keys;

static void add_handle(struct px_thread *t)
{
	word_lock(&handles.lock);
	t->magic = MAGIC;
	t->next = handles.list;
	handles.list = t;
	word_unlock(&handles.lock);
}

/* t, if it is a live handle (under handles.lock); else NULL. */
static struct px_thread *find(pthread_t h)
{
	for (struct px_thread *t = handles.list; t; t = t->next)
		if ((pthread_t)(uintptr_t)t == h && t->magic == MAGIC)
			return t;
	return NULL;
}

static void drop_handle(struct px_thread *t)
{
	struct px_thread **p = &handles.list;

	while (*p && *p != t)
		p = &(*p)->next;
	if (*p)
		*p = t->next;
	t->magic = 0;
	if (t != &first)
		free(t);
}

/* The calling thread's record: the first thread's, or one made for an Exo thread libposix did not start. */
static struct px_thread *me(void)
{
	if (!self) {
		struct px_thread *t = &first;

		if (__atomic_load_n(&first.magic, __ATOMIC_ACQUIRE) == MAGIC && first.tid != exo_myself()) {
			t = calloc(1, sizeof(*t));
			if (!t)
				abort(); /* no memory for a thread's record: nothing sane to return */
			__atomic_add_fetch(&handles.live, 1, __ATOMIC_SEQ_CST); /* an Exo thread joins the count */
		}
		t->tid = exo_myself();
		t->detached = 1; /* nobody created it, nobody joins it */
		self = t;
		add_handle(t);
	}
	return self;
}

/* ---- the word lock: 0 free, 1 held, 2 held and someone may wait ---- */

static void word_lock(uint32_t *w)
{
	uint32_t c = 0;

	if (__atomic_compare_exchange_n(w, &c, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return;
	if (c != 2)
		c = __atomic_exchange_n(w, 2, __ATOMIC_ACQUIRE);
	while (c != 0) {
		exo_futex_wait(w, 2, EXO_TIMEOUT_NEVER);
		c = __atomic_exchange_n(w, 2, __ATOMIC_ACQUIRE);
	}
}

static void word_unlock(uint32_t *w)
{
	if (__atomic_exchange_n(w, 0, __ATOMIC_RELEASE) == 2)
		exo_futex_wake(w, 1, NULL);
}

/*
 * A deadline (CLOCK_REALTIME or CLOCK_MONOTONIC, absolute) as the time left:
 * 0 when it has passed, -XE_EINVAL for a malformed one.
 */
static int64_t time_left(clockid_t clk, const struct timespec *abs)
{
	struct timespec now;
	int64_t left;

	if (abs->tv_nsec < 0 || abs->tv_nsec >= 1000000000L)
		return -XE_EINVAL;
	if (clock_gettime(clk, &now) < 0)
		return -XE_EINVAL;
	left = ((int64_t)abs->tv_sec - (int64_t)now.tv_sec) * 1000000000LL + (abs->tv_nsec - now.tv_nsec);
	return left > 0 ? left : 0;
}

/* ---- threads ---- */

static void run_key_destructors(struct px_thread *t)
{
	for (int round = 0; round < PTHREAD_DESTRUCTOR_ITERATIONS; round++) {
		int any = 0;

		for (int k = 0; k < PTHREAD_KEYS_MAX; k++) {
			void *v = t->specific[k];
			void (*d)(void *) = keys.used[k] ? keys.dtor[k] : NULL;

			if (v && d) {
				t->specific[k] = NULL;
				d(v);
				any = 1;
			}
		}
		if (!any)
			return;
	}
}

_Noreturn void pthread_exit(void *value)
{
	struct px_thread *t = me();

	run_key_destructors(t);
	word_lock(&handles.lock);
	if (--handles.live == 0) {
		word_unlock(&handles.lock);
		exit(0); /* the last thread: the process ends, as after main returns */
	}
	t->result = value;
	if (t->detached) {
		drop_handle(t); /* nobody will join it */
	} else {
		/* The joiner frees t only under the lock: wake it before letting go. */
		__atomic_store_n(&t->state, EXITED, __ATOMIC_RELEASE);
		exo_futex_wake(&t->state, UINT32_MAX, NULL);
	}
	word_unlock(&handles.lock);
	exo_thread_exit();
}

static void start(void *arg)
{
	struct px_thread *t = arg;

	__atomic_store_n(&t->tid, exo_myself(), __ATOMIC_RELAXED);
	self = t;
	pthread_exit(t->fn(t->arg));
}

struct px_attr {
	uint32_t magic;
	uint32_t detach;
	size_t stacksize;
};
_Static_assert(sizeof(struct px_attr) <= sizeof(pthread_attr_t), "pthread_attr_t holds libposix's attributes");

#define ATTR_MAGIC 0x41747472u
#define DEFAULT_STACK (256u * 1024u)
#define MIN_STACK 16384u         /* glibc's PTHREAD_STACK_MIN may be a sysconf call */

int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
	const struct px_attr *a = (const struct px_attr *)attr;
	struct px_thread *t;
	exo_tid_t tid;
	exo_err err;

	if (a && a->magic != ATTR_MAGIC)
		return EINVAL;
	me(); /* the first thread gets its record before a second exists */
	t = calloc(1, sizeof(*t));
	if (!t)
		return EAGAIN;
	t->fn = fn;
	t->arg = arg;
	t->detached = a && a->detach == PTHREAD_CREATE_DETACHED;
	add_handle(t);
	__atomic_add_fetch(&handles.live, 1, __ATOMIC_SEQ_CST);
	err = exo_thread_create(start, t, &tid); /* the thread records its own id */
	if (err != EXO_OK) {
		word_lock(&handles.lock);
		handles.live--;
		drop_handle(t);
		word_unlock(&handles.lock);
		return EAGAIN;
	}
	*thread = (pthread_t)(uintptr_t)t;
	return 0;
}

int pthread_join(pthread_t h, void **value)
{
	struct px_thread *t;

	word_lock(&handles.lock);
	t = find(h);
	if (!t) {
		word_unlock(&handles.lock);
		return ESRCH;
	}
	if (t == me()) {
		word_unlock(&handles.lock);
		return EDEADLK;
	}
	if (t->detached || t->joined) {
		word_unlock(&handles.lock);
		return EINVAL;
	}
	t->joined = 1; /* one joiner: a second is EINVAL */
	word_unlock(&handles.lock);
	while (__atomic_load_n(&t->state, __ATOMIC_ACQUIRE) != EXITED)
		exo_futex_wait(&t->state, RUNNING, EXO_TIMEOUT_NEVER);
	if (value)
		*value = t->result;
	word_lock(&handles.lock);
	drop_handle(t);
	word_unlock(&handles.lock);
	return 0;
}

int pthread_detach(pthread_t h)
{
	struct px_thread *t;
	int r = 0;

	word_lock(&handles.lock);
	t = find(h);
	if (!t)
		r = ESRCH;
	else if (t->detached || t->joined)
		r = EINVAL;
	else if (__atomic_load_n(&t->state, __ATOMIC_ACQUIRE) == EXITED)
		drop_handle(t); /* it ended first: its record goes now */
	else
		t->detached = 1;
	word_unlock(&handles.lock);
	return r;
}

pthread_t pthread_self(void)
{
	return (pthread_t)(uintptr_t)me();
}

int pthread_equal(pthread_t a, pthread_t b)
{
	return a == b;
}

int pthread_attr_init(pthread_attr_t *attr)
{
	struct px_attr *a = (struct px_attr *)attr;

	memset(attr, 0, sizeof(*attr));
	a->magic = ATTR_MAGIC;
	a->detach = PTHREAD_CREATE_JOINABLE;
	a->stacksize = DEFAULT_STACK;
	return 0;
}

int pthread_attr_destroy(pthread_attr_t *attr)
{
	struct px_attr *a = (struct px_attr *)attr;

	if (a->magic != ATTR_MAGIC)
		return EINVAL;
	a->magic = 0;
	return 0;
}

int pthread_attr_setdetachstate(pthread_attr_t *attr, int state)
{
	struct px_attr *a = (struct px_attr *)attr;

	if (a->magic != ATTR_MAGIC || (state != PTHREAD_CREATE_JOINABLE && state != PTHREAD_CREATE_DETACHED))
		return EINVAL;
	a->detach = (uint32_t)state;
	return 0;
}

int pthread_attr_getdetachstate(const pthread_attr_t *attr, int *state)
{
	const struct px_attr *a = (const struct px_attr *)attr;

	if (a->magic != ATTR_MAGIC)
		return EINVAL;
	*state = (int)a->detach;
	return 0;
}

int pthread_attr_setstacksize(pthread_attr_t *attr, size_t size)
{
	struct px_attr *a = (struct px_attr *)attr;

	if (a->magic != ATTR_MAGIC || size < MIN_STACK)
		return EINVAL;
	a->stacksize = size;
	return 0;
}

int pthread_attr_getstacksize(const pthread_attr_t *attr, size_t *size)
{
	const struct px_attr *a = (const struct px_attr *)attr;

	if (a->magic != ATTR_MAGIC)
		return EINVAL;
	*size = a->stacksize;
	return 0;
}

/* ---- once and keys ---- */

_Static_assert(sizeof(uint32_t) <= sizeof(pthread_once_t), "pthread_once_t holds a word");

int pthread_once(pthread_once_t *once, void (*fn)(void))
{
	uint32_t *w = (uint32_t *)once, c = 0;

	/* 0: not run, 1: running, 2: done. A waiter sleeps while it is 1. */
	if (__atomic_load_n(w, __ATOMIC_ACQUIRE) == 2)
		return 0;
	if (__atomic_compare_exchange_n(w, &c, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE)) {
		fn();
		__atomic_store_n(w, 2, __ATOMIC_RELEASE);
		exo_futex_wake(w, UINT32_MAX, NULL);
		return 0;
	}
	while ((c = __atomic_load_n(w, __ATOMIC_ACQUIRE)) == 1)
		exo_futex_wait(w, 1, EXO_TIMEOUT_NEVER);
	return 0;
}

int pthread_key_create(pthread_key_t *key, void (*dtor)(void *))
{
	word_lock(&keys.lock);
	for (int k = 0; k < PTHREAD_KEYS_MAX; k++)
		if (!keys.used[k]) {
			keys.used[k] = 1;
			keys.dtor[k] = dtor;
			word_unlock(&keys.lock);
			/* A new key holds NULL in every thread, whatever a deleted one left. */
			word_lock(&handles.lock);
			for (struct px_thread *t = handles.list; t; t = t->next)
				t->specific[k] = NULL;
			word_unlock(&handles.lock);
			*key = (pthread_key_t)k;
			return 0;
		}
	word_unlock(&keys.lock);
	return EAGAIN;
}

int pthread_key_delete(pthread_key_t key)
{
	int r = 0;

	word_lock(&keys.lock);
	if (key >= PTHREAD_KEYS_MAX || !keys.used[key])
		r = EINVAL;
	else
		keys.used[key] = 0;
	word_unlock(&keys.lock);
	return r;
}

void *pthread_getspecific(pthread_key_t key)
{
	return key < PTHREAD_KEYS_MAX && keys.used[key] ? me()->specific[key] : NULL;
}

int pthread_setspecific(pthread_key_t key, const void *value)
{
	if (key >= PTHREAD_KEYS_MAX || !keys.used[key])
		return EINVAL;
	me()->specific[key] = (void *)(uintptr_t)value;
	return 0;
}

/* ---- mutexes ---- */

/*
 * The mutex: word (0 free, 1 held, 2 held with waiters), the recursion
 * count, the owner's thread id, and the kind where glibc keeps it (so
 * PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP and friends work).
 */
struct px_mutex {
	uint32_t word;
	uint32_t count;
	uint32_t owner;
	uint32_t unused;
	uint32_t kind;           /* PTHREAD_MUTEX_* | KIND_PSHARED */
};
_Static_assert(sizeof(struct px_mutex) <= sizeof(pthread_mutex_t), "pthread_mutex_t holds libposix's mutex");

#define KIND_TYPE 3u
#define KIND_PSHARED 128u

struct px_mutexattr {
	uint32_t kind;
};
_Static_assert(sizeof(struct px_mutexattr) <= sizeof(pthread_mutexattr_t), "pthread_mutexattr_t holds a word");

int pthread_mutexattr_init(pthread_mutexattr_t *attr)
{
	memset(attr, 0, sizeof(*attr));
	return 0;
}

int pthread_mutexattr_destroy(pthread_mutexattr_t *attr)
{
	(void)attr;
	return 0;
}

int pthread_mutexattr_settype(pthread_mutexattr_t *attr, int type)
{
	struct px_mutexattr *a = (struct px_mutexattr *)attr;

	if (type != PTHREAD_MUTEX_NORMAL && type != PTHREAD_MUTEX_RECURSIVE && type != PTHREAD_MUTEX_ERRORCHECK &&
	    type != PTHREAD_MUTEX_DEFAULT)
		return EINVAL;
	a->kind = (a->kind & ~KIND_TYPE) | (uint32_t)type;
	return 0;
}

int pthread_mutexattr_gettype(const pthread_mutexattr_t *attr, int *type)
{
	*type = (int)(((const struct px_mutexattr *)attr)->kind & KIND_TYPE);
	return 0;
}

int pthread_mutexattr_setpshared(pthread_mutexattr_t *attr, int pshared)
{
	struct px_mutexattr *a = (struct px_mutexattr *)attr;

	if (pshared != PTHREAD_PROCESS_PRIVATE && pshared != PTHREAD_PROCESS_SHARED)
		return EINVAL;
	a->kind = (a->kind & ~KIND_PSHARED) | (pshared == PTHREAD_PROCESS_SHARED ? KIND_PSHARED : 0);
	return 0;
}

int pthread_mutexattr_getpshared(const pthread_mutexattr_t *attr, int *pshared)
{
	*pshared = ((const struct px_mutexattr *)attr)->kind & KIND_PSHARED ? PTHREAD_PROCESS_SHARED
									    : PTHREAD_PROCESS_PRIVATE;
	return 0;
}

int pthread_mutex_init(pthread_mutex_t *mutex, const pthread_mutexattr_t *attr)
{
	struct px_mutex *m = (struct px_mutex *)mutex;

	memset(mutex, 0, sizeof(*mutex));
	if (attr)
		m->kind = ((const struct px_mutexattr *)attr)->kind;
	return 0;
}

int pthread_mutex_destroy(pthread_mutex_t *mutex)
{
	struct px_mutex *m = (struct px_mutex *)mutex;

	return __atomic_load_n(&m->word, __ATOMIC_ACQUIRE) ? EBUSY : 0;
}

/* An owner id: the Exo thread id (shared mutexes compare it across spaces). */
static uint32_t owner_id(void)
{
	return (uint32_t)me()->tid;
}

/* Take m's word, waiting until abs (on clk) when abs is not NULL: 0, ETIMEDOUT or EINVAL. */
static int take(struct px_mutex *m, clockid_t clk, const struct timespec *abs)
{
	uint32_t c = 0;

	if (__atomic_compare_exchange_n(&m->word, &c, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return 0;
	if (c != 2)
		c = __atomic_exchange_n(&m->word, 2, __ATOMIC_ACQUIRE);
	while (c != 0) {
		if (abs) {
			int64_t left = time_left(clk, abs);

			if (left < 0)
				return EINVAL;
			if (left == 0)
				return ETIMEDOUT;
			exo_futex_wait(&m->word, 2, (exo_timeout_t)left);
		} else {
			exo_futex_wait(&m->word, 2, EXO_TIMEOUT_NEVER);
		}
		c = __atomic_exchange_n(&m->word, 2, __ATOMIC_ACQUIRE);
	}
	return 0;
}

static int lock(pthread_mutex_t *mutex, int try, const struct timespec *abs)
{
	struct px_mutex *m = (struct px_mutex *)mutex;
	uint32_t type = m->kind & KIND_TYPE, c = 0;
	int r;

	if (type != PTHREAD_MUTEX_NORMAL) {
		uint32_t id = owner_id();

		if (__atomic_load_n(&m->owner, __ATOMIC_RELAXED) == id && __atomic_load_n(&m->word, __ATOMIC_RELAXED)) {
			if (type == PTHREAD_MUTEX_ERRORCHECK)
				return EDEADLK;
			if (m->count == UINT32_MAX)
				return EAGAIN;
			m->count++;
			return 0;
		}
	}
	if (try) {
		if (!__atomic_compare_exchange_n(&m->word, &c, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return EBUSY;
	} else if (abs && (abs->tv_nsec < 0 || abs->tv_nsec >= 1000000000L)) {
		/* Malformed: EINVAL, unless the lock is free (POSIX: the deadline is not looked at then). */
		if (!__atomic_compare_exchange_n(&m->word, &c, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return EINVAL;
	} else if ((r = take(m, CLOCK_REALTIME, abs)) != 0) {
		return r;
	}
	if (type != PTHREAD_MUTEX_NORMAL) {
		__atomic_store_n(&m->owner, owner_id(), __ATOMIC_RELAXED);
		m->count = 1;
	}
	return 0;
}

int pthread_mutex_lock(pthread_mutex_t *mutex)
{
	return lock(mutex, 0, NULL);
}

int pthread_mutex_trylock(pthread_mutex_t *mutex)
{
	return lock(mutex, 1, NULL);
}

int pthread_mutex_timedlock(pthread_mutex_t *mutex, const struct timespec *abs)
{
	return lock(mutex, 0, abs);
}

int pthread_mutex_unlock(pthread_mutex_t *mutex)
{
	struct px_mutex *m = (struct px_mutex *)mutex;
	uint32_t type = m->kind & KIND_TYPE;

	if (type != PTHREAD_MUTEX_NORMAL) {
		if (!m->word || __atomic_load_n(&m->owner, __ATOMIC_RELAXED) != owner_id())
			return EPERM;
		if (--m->count > 0)
			return 0;
		__atomic_store_n(&m->owner, 0, __ATOMIC_RELAXED);
	}
	word_unlock(&m->word);
	return 0;
}

/* ---- condition variables ---- */

/*
 * A sequence word that every signal and broadcast advances: a waiter reads
 * it, lets the mutex go, and sleeps while it is unchanged. Spurious wakeups
 * may happen (POSIX allows them); none is lost.
 */
struct px_cond {
	uint32_t seq;
	uint32_t clock;          /* CLOCK_REALTIME (0) or CLOCK_MONOTONIC */
	uint32_t pshared;
};
_Static_assert(sizeof(struct px_cond) <= sizeof(pthread_cond_t), "pthread_cond_t holds libposix's condition");

_Static_assert(sizeof(pthread_condattr_t) >= sizeof(uint32_t), "pthread_condattr_t holds a word");

/* The condition attributes packed in one word: bit 0 the clock (monotonic), bit 1 pshared. */
static uint32_t *condattr_word(pthread_condattr_t *attr)
{
	return (uint32_t *)attr;
}

int pthread_condattr_init(pthread_condattr_t *attr)
{
	memset(attr, 0, sizeof(*attr));
	return 0;
}

int pthread_condattr_destroy(pthread_condattr_t *attr)
{
	(void)attr;
	return 0;
}

int pthread_condattr_setclock(pthread_condattr_t *attr, clockid_t clk)
{
	uint32_t *w = condattr_word(attr);

	if (clk != CLOCK_REALTIME && clk != CLOCK_MONOTONIC)
		return EINVAL;
	*w = (*w & ~1u) | (clk == CLOCK_MONOTONIC);
	return 0;
}

int pthread_condattr_getclock(const pthread_condattr_t *attr, clockid_t *clk)
{
	*clk = *(const uint32_t *)attr & 1u ? CLOCK_MONOTONIC : CLOCK_REALTIME;
	return 0;
}

int pthread_condattr_setpshared(pthread_condattr_t *attr, int pshared)
{
	uint32_t *w = condattr_word(attr);

	if (pshared != PTHREAD_PROCESS_PRIVATE && pshared != PTHREAD_PROCESS_SHARED)
		return EINVAL;
	*w = (*w & ~2u) | (pshared == PTHREAD_PROCESS_SHARED ? 2u : 0);
	return 0;
}

int pthread_condattr_getpshared(const pthread_condattr_t *attr, int *pshared)
{
	*pshared = *(const uint32_t *)attr & 2u ? PTHREAD_PROCESS_SHARED : PTHREAD_PROCESS_PRIVATE;
	return 0;
}

int pthread_cond_init(pthread_cond_t *cond, const pthread_condattr_t *attr)
{
	struct px_cond *c = (struct px_cond *)cond;

	memset(cond, 0, sizeof(*cond));
	if (attr) {
		uint32_t w = *(const uint32_t *)attr;

		c->clock = w & 1u;
		c->pshared = (w & 2u) != 0;
	}
	return 0;
}

int pthread_cond_destroy(pthread_cond_t *cond)
{
	(void)cond;
	return 0;
}

static int cond_wait(pthread_cond_t *cond, pthread_mutex_t *mutex, const struct timespec *abs)
{
	struct px_cond *c = (struct px_cond *)cond;
	struct px_mutex *m = (struct px_mutex *)mutex;
	uint32_t seq = __atomic_load_n(&c->seq, __ATOMIC_ACQUIRE), type = m->kind & KIND_TYPE, count = 0;
	exo_timeout_t wait = EXO_TIMEOUT_NEVER;
	int timed_out = 0;

	if (abs) {
		int64_t left = time_left(c->clock ? CLOCK_MONOTONIC : CLOCK_REALTIME, abs);

		if (left < 0)
			return EINVAL;
		if (left == 0)
			timed_out = 1;
		wait = (exo_timeout_t)left;
	}
	if (type != PTHREAD_MUTEX_NORMAL) {
		if (!m->word || m->owner != owner_id())
			return EPERM;
		count = m->count;
		m->count = 1;
	}
	pthread_mutex_unlock(mutex);
	if (!timed_out && exo_futex_wait(&c->seq, seq, wait) == EXO_ETIMEOUT &&
	    __atomic_load_n(&c->seq, __ATOMIC_ACQUIRE) == seq)
		timed_out = 1;
	/* Back with the mutex; as a waiter (2), since others may sleep on it too. */
	while (__atomic_exchange_n(&m->word, 2, __ATOMIC_ACQUIRE) != 0)
		exo_futex_wait(&m->word, 2, EXO_TIMEOUT_NEVER);
	if (type != PTHREAD_MUTEX_NORMAL) {
		m->owner = owner_id();
		m->count = count;
	}
	return timed_out ? ETIMEDOUT : 0;
}

int pthread_cond_wait(pthread_cond_t *cond, pthread_mutex_t *mutex)
{
	return cond_wait(cond, mutex, NULL);
}

int pthread_cond_timedwait(pthread_cond_t *cond, pthread_mutex_t *mutex, const struct timespec *abs)
{
	return cond_wait(cond, mutex, abs);
}

int pthread_cond_signal(pthread_cond_t *cond)
{
	struct px_cond *c = (struct px_cond *)cond;

	__atomic_add_fetch(&c->seq, 1, __ATOMIC_RELEASE);
	exo_futex_wake(&c->seq, 1, NULL);
	return 0;
}

int pthread_cond_broadcast(pthread_cond_t *cond)
{
	struct px_cond *c = (struct px_cond *)cond;

	__atomic_add_fetch(&c->seq, 1, __ATOMIC_RELEASE);
	exo_futex_wake(&c->seq, UINT32_MAX, NULL);
	return 0;
}

#pragma GCC visibility pop
