/*
 * tests/kernel/posix_threads.c — libposix's POSIX threads on any kernel:
 * creating and joining with a value, detaching, the errors of bad handles,
 * mutual exclusion under contention (8 threads x 100,000 increments, an
 * exact count), the recursive and error-checking kinds, trylock and
 * timedlock, condition variables (a ping-pong, timed waits on both clocks,
 * a broadcast), once, keys with destructors, and a thread blocked in IPC
 * (a pipe read in the VFS) while its sibling works. The same program runs
 * on exosim and on the riscv64 kernel.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

#define THREADS 8
#define ROUNDS 100000

static uint64_t ns_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (uint64_t)(t1.tv_sec - t0->tv_sec) * 1000000000u + (uint64_t)(t1.tv_nsec - t0->tv_nsec);
}

/* An absolute deadline ms from now on clock clk. */
static struct timespec in_ms(clockid_t clk, long ms)
{
	struct timespec t;

	clock_gettime(clk, &t);
	t.tv_nsec += (ms % 1000) * 1000000L;
	t.tv_sec += ms / 1000 + t.tv_nsec / 1000000000L;
	t.tv_nsec %= 1000000000L;
	return t;
}

static void *echo(void *arg)
{
	return (char *)arg + 1;
}

static pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t opened = PTHREAD_COND_INITIALIZER;
static int open_now;

static void *until_opened(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&gate);
	while (!open_now)
		pthread_cond_wait(&opened, &gate);
	pthread_mutex_unlock(&gate);
	return NULL;
}

static void threads_and_handles(void)
{
	static char base[4];
	pthread_t t, u;
	void *res = NULL;

	T_EQ(pthread_create(&t, NULL, echo, base), 0, "pthread_create");
	T_EQ(pthread_join(t, &res), 0, "pthread_join");
	T_OK(res == base + 1, "... gives the thread's return value");
	T_EQ(pthread_join(t, NULL), ESRCH, "a joined thread is gone: ESRCH");
	T_EQ(pthread_join(pthread_self(), NULL), EDEADLK, "joining oneself: EDEADLK");
	T_OK(pthread_equal(pthread_self(), pthread_self()), "pthread_equal(self, self)");
	T_EQ(pthread_create(&t, NULL, until_opened, NULL), 0, "a thread that waits on a condition");
	T_OK(!pthread_equal(t, pthread_self()), "... is not this one");
	T_EQ(pthread_create(&u, NULL, until_opened, NULL), 0, "a second one");
	T_EQ(pthread_detach(u), 0, "pthread_detach while it runs");
	T_EQ(pthread_detach(u), EINVAL, "... a second time: EINVAL");
	T_EQ(pthread_join(u, NULL), EINVAL, "joining a detached thread: EINVAL");
	pthread_mutex_lock(&gate);
	open_now = 1;
	pthread_cond_broadcast(&opened);
	pthread_mutex_unlock(&gate);
	T_EQ(pthread_join(t, NULL), 0, "the broadcast ended its wait: joined");
	T_EQ(pthread_join((pthread_t)0x1234, NULL), ESRCH, "a handle that is no thread: ESRCH");
}

static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t count;

static void *incrementer(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		pthread_mutex_lock(&count_lock);
		count++;
		pthread_mutex_unlock(&count_lock);
	}
	return NULL;
}

static void exclusion(void)
{
	pthread_t t[THREADS];
	int made = 0;

	for (int i = 0; i < THREADS; i++)
		made += pthread_create(&t[i], NULL, incrementer, NULL) == 0;
	T_EQ(made, THREADS, "8 threads");
	for (int i = 0; i < made; i++)
		pthread_join(t[i], NULL);
	T_EQ(count, (uint64_t)THREADS * ROUNDS, "8 x 100,000 increments under one mutex: the count is exact");
	T_EQ(pthread_mutex_destroy(&count_lock), 0, "a free mutex is destroyed");
}

static pthread_mutex_t held;
static int try_result, timed_result, bad_deadline_result;

static void *contender(void *arg)
{
	struct timespec d = in_ms(CLOCK_REALTIME, 50), bad = d;

	(void)arg;
	try_result = pthread_mutex_trylock(&held);
	timed_result = pthread_mutex_timedlock(&held, &d);
	bad.tv_nsec = 1000000000L;
	bad_deadline_result = pthread_mutex_timedlock(&held, &bad);
	return NULL;
}

static void kinds(void)
{
	pthread_mutexattr_t a;
	pthread_mutex_t m;
	pthread_t t;
	int type = -1;

	T_EQ(pthread_mutexattr_init(&a), 0, "pthread_mutexattr_init");
	T_EQ(pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE), 0, "settype RECURSIVE");
	T_EQ(pthread_mutexattr_gettype(&a, &type), 0, "gettype");
	T_EQ(type, PTHREAD_MUTEX_RECURSIVE, "... RECURSIVE");
	T_EQ(pthread_mutexattr_settype(&a, 99), EINVAL, "settype of no type: EINVAL");
	pthread_mutex_init(&held, &a);
	T_EQ(pthread_mutex_lock(&held), 0, "a recursive mutex: locked");
	T_EQ(pthread_mutex_lock(&held), 0, "... locked again by its owner");
	T_EQ(pthread_mutex_trylock(&held), 0, "... and tried a third time");
	T_EQ(pthread_mutex_destroy(&held), EBUSY, "a held mutex is not destroyed: EBUSY");
	pthread_create(&t, NULL, contender, NULL);
	pthread_join(t, NULL);
	T_EQ(try_result, EBUSY, "another thread's trylock: EBUSY");
	T_EQ(timed_result, ETIMEDOUT, "... its timedlock: ETIMEDOUT after the deadline");
	T_EQ(bad_deadline_result, EINVAL, "... a malformed deadline: EINVAL");
	T_EQ(pthread_mutex_unlock(&held), 0, "unlocked once");
	T_EQ(pthread_mutex_unlock(&held), 0, "... twice");
	T_EQ(pthread_mutex_unlock(&held), 0, "... three times: free");
	T_EQ(pthread_mutex_unlock(&held), EPERM, "... a fourth: not held, EPERM");
	pthread_create(&t, NULL, contender, NULL);
	pthread_join(t, NULL);
	T_EQ(try_result, 0, "free: another thread's trylock takes it");
	T_EQ(timed_result, 0, "... and its timedlock, recursively");

	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutex_init(&m, &a);
	T_EQ(pthread_mutex_unlock(&m), EPERM, "an error-checking mutex not held: unlock is EPERM");
	T_EQ(pthread_mutex_lock(&m), 0, "... locked");
	T_EQ(pthread_mutex_lock(&m), EDEADLK, "... locked again by its owner: EDEADLK");
	T_EQ(pthread_mutex_unlock(&m), 0, "... unlocked");
	pthread_mutexattr_destroy(&a);
}

static pthread_mutex_t pp_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pp_cond = PTHREAD_COND_INITIALIZER;
static int turn, pp_rounds;

static void *pong(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&pp_lock);
	for (int i = 0; i < 1000; i++) {
		while (turn != 1)
			pthread_cond_wait(&pp_cond, &pp_lock);
		turn = 0;
		pp_rounds++;
		pthread_cond_signal(&pp_cond);
	}
	pthread_mutex_unlock(&pp_lock);
	return NULL;
}

static void conditions(void)
{
	pthread_condattr_t ca;
	pthread_cond_t c;
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	struct timespec t0, d;
	clockid_t clk = CLOCK_REALTIME;
	pthread_t t;
	uint64_t ns;

	pthread_create(&t, NULL, pong, NULL);
	pthread_mutex_lock(&pp_lock);
	for (int i = 0; i < 1000; i++) {
		turn = 1;
		pthread_cond_signal(&pp_cond);
		while (turn != 0)
			pthread_cond_wait(&pp_cond, &pp_lock);
	}
	pthread_mutex_unlock(&pp_lock);
	pthread_join(t, NULL);
	T_EQ(pp_rounds, 1000, "a condition variable ping-pong: 1000 rounds, none lost");

	pthread_cond_init(&c, NULL);
	pthread_mutex_lock(&m);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	d = in_ms(CLOCK_REALTIME, 40);
	T_EQ(pthread_cond_timedwait(&c, &m, &d), ETIMEDOUT, "a timed wait on CLOCK_REALTIME: ETIMEDOUT");
	ns = ns_since(&t0);
	T_OK(ns >= 39000000u, "... not before its deadline (%llu us)", (unsigned long long)(ns / 1000));
	T_EQ(pthread_mutex_trylock(&m), EBUSY, "... and the mutex is held again");
	pthread_mutex_unlock(&m);
	pthread_cond_destroy(&c);

	T_EQ(pthread_condattr_init(&ca), 0, "pthread_condattr_init");
	T_EQ(pthread_condattr_setclock(&ca, CLOCK_MONOTONIC), 0, "setclock CLOCK_MONOTONIC");
	T_EQ(pthread_condattr_getclock(&ca, &clk), 0, "getclock");
	T_EQ(clk, CLOCK_MONOTONIC, "... CLOCK_MONOTONIC");
	T_EQ(pthread_condattr_setclock(&ca, (clockid_t)99), EINVAL, "setclock of no clock: EINVAL");
	pthread_cond_init(&c, &ca);
	pthread_mutex_lock(&m);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	d = in_ms(CLOCK_MONOTONIC, 40);
	T_EQ(pthread_cond_timedwait(&c, &m, &d), ETIMEDOUT, "a timed wait on CLOCK_MONOTONIC: ETIMEDOUT");
	ns = ns_since(&t0);
	T_OK(ns >= 39000000u, "... not before its deadline (%llu us)", (unsigned long long)(ns / 1000));
	d.tv_nsec = -1;
	T_EQ(pthread_cond_timedwait(&c, &m, &d), EINVAL, "a malformed deadline: EINVAL");
	pthread_mutex_unlock(&m);
	pthread_cond_destroy(&c);
	pthread_condattr_destroy(&ca);
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs;

static void once_fn(void)
{
	__atomic_add_fetch(&once_runs, 1, __ATOMIC_SEQ_CST);
}

static void *call_once(void *arg)
{
	(void)arg;
	pthread_once(&once, once_fn);
	return NULL;
}

static pthread_key_t key;
static uintptr_t destroyed;

static void destructor(void *v)
{
	__atomic_add_fetch(&destroyed, (uintptr_t)v, __ATOMIC_SEQ_CST);
}

static void *use_key(void *arg)
{
	int ok = pthread_getspecific(key) == NULL;

	pthread_setspecific(key, arg);
	ok = ok && pthread_getspecific(key) == arg;
	return (void *)(uintptr_t)ok;
}

static void once_and_keys(void)
{
	pthread_t t[4];
	void *ok[2] = { NULL, NULL };
	pthread_key_t none;

	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, call_once, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	pthread_once(&once, once_fn);
	T_EQ(once_runs, 1, "pthread_once from five threads: run once");

	T_EQ(pthread_key_create(&key, destructor), 0, "pthread_key_create");
	pthread_setspecific(key, (void *)1000);
	pthread_create(&t[0], NULL, use_key, (void *)3);
	pthread_create(&t[1], NULL, use_key, (void *)5);
	pthread_join(t[0], &ok[0]);
	pthread_join(t[1], &ok[1]);
	T_OK(ok[0] && ok[1], "each thread sees NULL first, then its own value");
	T_EQ(destroyed, 8, "the destructor ran at each thread's end with its value (3 + 5)");
	T_OK(pthread_getspecific(key) == (void *)1000, "this thread's value stayed its own");
	T_EQ(pthread_key_delete(key), 0, "pthread_key_delete");
	T_EQ(pthread_key_delete(key), EINVAL, "... twice: EINVAL");
	T_EQ(pthread_setspecific(key, (void *)1), EINVAL, "setspecific of a deleted key: EINVAL");
	T_EQ(pthread_key_create(&none, NULL), 0, "a key without a destructor");
	pthread_key_delete(none);
}

static int pipe_fds[2];
static char got[16];
static ssize_t got_n;

static void *reader(void *arg)
{
	(void)arg;
	got_n = read(pipe_fds[0], got, sizeof(got)); /* blocks in the VFS */
	return NULL;
}

static void blocked_in_ipc(void)
{
	struct timespec t0;
	pthread_t t;

	if (pipe(pipe_fds) != 0) {
		T_SKIP("no pipe: no VFS in this boot", "a thread blocked in a pipe read");
		return;
	}
	pthread_create(&t, NULL, reader, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (ns_since(&t0) < 50000000u)
		; /* the sibling works while the reader waits in the VFS */
	T_EQ(got_n, 0, "a thread blocked in read: nothing yet");
	T_EQ(write(pipe_fds[1], "hello", 5), 5, "its sibling writes to the same pipe");
	pthread_join(t, NULL);
	T_EQ(got_n, 5, "... and the blocked read returns it");
	T_OK(memcmp(got, "hello", 5) == 0, "... the bytes written");
	close(pipe_fds[0]);
	close(pipe_fds[1]);
}

int main(void)
{
	threads_and_handles();
	exclusion();
	kinds();
	conditions();
	once_and_keys();
	blocked_in_ipc();
	return tap_done();
}
