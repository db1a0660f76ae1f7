/*
 * bench/threads.c — libposix's pthreads (Exo threads, the kernel's futex)
 * against glibc's in the same program, same run, same CPU.
 *
 *   threads-lock    an uncontended pthread_mutex_lock + unlock, ns
 *   threads-mutex   a contended hand-off between two threads: a mutex and
 *                   condition ping-pong, ns per hand-off
 *   threads-create  pthread_create + pthread_join of a thread that returns
 *                   at once, ns
 *
 *   exosim -q --boot bench/memory.boot --exec bench_threads   (./exo bench threads;
 *   the boot list gives it the console and the VFS for its output)
 *
 * The program's own pthread calls are libposix's (hidden in the program,
 * docs/threads.md), so dlsym finds glibc's: the host side is those, on the
 * host's threads. Both run the same code through a table of functions,
 * in interleaved batches; each line is `threads-NAME: exo=<ns> host=<ns>
 * ratio=<exo/host>`, medians of the batches. Every space runs on exosim's
 * CPU (its --cpu default), and both sides' threads with it.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <exo/exo.h>

#include "bench.h"

#define ROUNDS 11
#define LOCKS 200000
#define HANDOFFS 4000
#define CREATES 300

struct api {
	const char *name;
	int (*create)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
	int (*join)(pthread_t, void **);
	int (*mutex_init)(pthread_mutex_t *, const pthread_mutexattr_t *);
	int (*lock)(pthread_mutex_t *);
	int (*unlock)(pthread_mutex_t *);
	int (*cond_init)(pthread_cond_t *, const pthread_condattr_t *);
	int (*wait)(pthread_cond_t *, pthread_mutex_t *);
	int (*signal)(pthread_cond_t *);
};

static const struct api exo_api = {
	"exo", pthread_create, pthread_join, pthread_mutex_init, pthread_mutex_lock, pthread_mutex_unlock,
	pthread_cond_init, pthread_cond_wait, pthread_cond_signal,
};
static struct api host_api = { .name = "host" };

static int host_load(void)
{
#define HOST(field, sym) (*(void **)&host_api.field = dlsym(RTLD_DEFAULT, sym))
	return HOST(create, "pthread_create") && HOST(join, "pthread_join") &&
	       HOST(mutex_init, "pthread_mutex_init") && HOST(lock, "pthread_mutex_lock") &&
	       HOST(unlock, "pthread_mutex_unlock") && HOST(cond_init, "pthread_cond_init") &&
	       HOST(wait, "pthread_cond_wait") && HOST(signal, "pthread_cond_signal") &&
	       host_api.create != exo_api.create;
#undef HOST
}

struct pingpong {
	const struct api *a;
	pthread_mutex_t m;
	pthread_cond_t c;
	int turn;
};

static void *pong(void *arg)
{
	struct pingpong *p = arg;

	p->a->lock(&p->m);
	for (int i = 0; i < HANDOFFS / 2; i++) {
		while (p->turn != 1)
			p->a->wait(&p->c, &p->m);
		p->turn = 0;
		p->a->signal(&p->c);
	}
	p->a->unlock(&p->m);
	return NULL;
}

static void *nothing(void *arg)
{
	return arg;
}

static double lock_batch(const struct api *a)
{
	pthread_mutex_t m;
	uint64_t t0;

	a->mutex_init(&m, NULL);
	t0 = bench_now_ns();
	for (int i = 0; i < LOCKS; i++) {
		a->lock(&m);
		a->unlock(&m);
	}
	return (double)(bench_now_ns() - t0) / LOCKS;
}

static double handoff_batch(const struct api *a)
{
	static struct pingpong p;
	pthread_t t;
	uint64_t t0;

	memset(&p, 0, sizeof(p));
	p.a = a;
	a->mutex_init(&p.m, NULL);
	a->cond_init(&p.c, NULL);
	if (a->create(&t, NULL, pong, &p) != 0)
		return -1;
	t0 = bench_now_ns();
	a->lock(&p.m);
	for (int i = 0; i < HANDOFFS / 2; i++) {
		p.turn = 1;
		a->signal(&p.c);
		while (p.turn != 0)
			a->wait(&p.c, &p.m);
	}
	a->unlock(&p.m);
	t0 = bench_now_ns() - t0;
	a->join(t, NULL);
	return (double)t0 / HANDOFFS;
}

static double create_batch(const struct api *a)
{
	uint64_t t0 = bench_now_ns();

	for (int i = 0; i < CREATES; i++) {
		pthread_t t;

		if (a->create(&t, NULL, nothing, NULL) != 0 || a->join(t, NULL) != 0)
			return -1;
	}
	return (double)(bench_now_ns() - t0) / CREATES;
}

static double (*const batches[3])(const struct api *) = { lock_batch, handoff_batch, create_batch };
static const char *const names[3] = { "lock", "mutex", "create" };

int main(int argc, char **argv)
{
	double exo[3][ROUNDS], host[3][ROUNDS];
	exo_kinfo_t ki;

	exo_init_args(&argc, argv);
	if (!host_load()) {
		fprintf(stderr, "bench: glibc's pthread functions not found\n");
		return 1;
	}
	exo_kernel_info(&ki);
	if (ki.cpu >= 0)
		printf("placement: exosim and this program (both sides' threads) on CPU %d\n", ki.cpu);
	else
		printf("placement: left to the host scheduler (exosim --cpu all)\n");
	printf("lock: uncontended pthread_mutex_lock + unlock, ns, median of %d batches of %d\n", ROUNDS, LOCKS);
	printf("mutex: mutex + condition ping-pong between two threads, ns per hand-off, median of %d batches of %d\n",
	       ROUNDS, HANDOFFS);
	printf("create: pthread_create + pthread_join, ns, median of %d batches of %d\n", ROUNDS, CREATES);
	for (int b = 0; b < 3; b++) { /* warm up */
		batches[b](&exo_api);
		batches[b](&host_api);
	}
	for (int r = 0; r < ROUNDS; r++)
		for (int b = 0; b < 3; b++) {
			exo[b][r] = batches[b](&exo_api);
			host[b][r] = batches[b](&host_api);
		}
	for (int b = 0; b < 3; b++) {
		double e = bench_median(exo[b], ROUNDS), h = bench_median(host[b], ROUNDS);

		if (e < 0 || h < 0) {
			fprintf(stderr, "bench: a %s batch failed\n", names[b]);
			return 1;
		}
		printf("threads-%s: exo=%.0f host=%.0f ratio=%.2f\n", names[b], e, h, e / h);
	}
	return 0;
}
