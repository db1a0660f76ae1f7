/*
 * tests/integration/timesched.c — time and scheduling through libposix and
 * the scheduler server: clocks, sleeping (deferred replies, EINTR), CPU
 * time, sched_* and priorities, uname, and a hostile client of the
 * scheduler. Run as `exosim --cpu auto --boot sched.boot --exec timesched`.
 *
 * Time assertions are lower bounds only: the machines running this are
 * noisy, so nothing here says how late a wake-up may be.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <exo/errno.h>
#include <exo/sched.h>

#include "sched_proto.h"
#include "support.h"

#define MS 1000000ull

static uint64_t mono_ns(void)
{
	struct timespec ts;

	assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &ts), 0);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t clock_of(clockid_t clk)
{
	struct timespec ts;

	assert_int_equal(clock_gettime(clk, &ts), 0);
	assert_true(ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The host's own wall clock, past libposix: a raw system call. */
static time_t host_time(void)
{
	struct timespec ts;

	syscall(SYS_clock_gettime, CLOCK_REALTIME, &ts);
	return ts.tv_sec;
}

static void busy(uint64_t ns)
{
	uint64_t start = mono_ns();
	volatile uint64_t x = 0;

	while (mono_ns() - start < ns)
		for (int i = 0; i < 10000; i++)
			x += (uint64_t)i;
}

static void test_monotonic_clock_never_goes_back_and_counts_sleeps(void **state)
{
	struct timespec req = { 0, 20 * MS };
	exo_kinfo_t ki;
	uint64_t prev = mono_ns(), a, b, t0, t1, n = 200000;

	for (uint64_t i = 0; i < n; i++) {
		uint64_t now = mono_ns();

		assert_true(now >= prev);
		prev = now;
	}
	/* The same clock as the kernel's: its reading falls between two of ours. */
	a = exo_clock_ns();
	assert_int_equal(exo_kernel_info(&ki), EXO_OK);
	b = exo_clock_ns();
	assert_true(a <= ki.clock_ns && ki.clock_ns <= b);
	t0 = mono_ns();
	assert_int_equal(nanosleep(&req, NULL), 0);
	t1 = mono_ns();
	assert_true(t1 - t0 >= 20 * MS);
	/* Measured, not asserted: a clock read against a kernel round trip. */
	t0 = mono_ns();
	for (int i = 0; i < 100000; i++)
		(void)exo_clock_ns();
	a = mono_ns();
	for (int i = 0; i < 1000; i++)
		exo_kernel_info(&ki);
	b = mono_ns();
	fprintf(stderr, "timesched: clock_gettime %.1f ns a call, exo_kernel_info %.1f us a call\n",
		(double)(a - t0) / 100000, (double)(b - a) / 1000 / 1000);
}

static void test_realtime_is_the_hosts_wall_clock(void **state)
{
	struct timeval tv;
	time_t t, host = host_time();
	uint64_t rt = clock_of(CLOCK_REALTIME);

	assert_true((time_t)(rt / 1000000000u) >= host - 2 && (time_t)(rt / 1000000000u) <= host + 2);
	t = time(NULL);
	assert_true(t >= host - 2 && t <= host + 2);
	assert_int_equal(time(&t), t);
	assert_int_equal(gettimeofday(&tv, NULL), 0);
	assert_true(tv.tv_sec >= host - 2 && tv.tv_sec <= host + 2);
	assert_true(tv.tv_usec >= 0 && tv.tv_usec < 1000000);
	/* Linux's other names of the two clocks are accepted. */
	(void)clock_of(CLOCK_MONOTONIC_RAW);
	(void)clock_of(CLOCK_BOOTTIME);
	(void)clock_of(CLOCK_REALTIME_COARSE);
}

static void test_cpu_clocks_grow_with_work(void **state)
{
	uint64_t p0 = clock_of(CLOCK_PROCESS_CPUTIME_ID), t0 = clock_of(CLOCK_THREAD_CPUTIME_ID), p1, t1;
	struct rusage r0, r1;
	struct tms tm0, tm1;
	clock_t c0 = clock(), c1;

	assert_int_equal(getrusage(RUSAGE_SELF, &r0), 0);
	assert_true(times(&tm0) != (clock_t)-1);
	busy(60 * MS);
	p1 = clock_of(CLOCK_PROCESS_CPUTIME_ID);
	t1 = clock_of(CLOCK_THREAD_CPUTIME_ID);
	c1 = clock();
	assert_int_equal(getrusage(RUSAGE_SELF, &r1), 0);
	assert_true(times(&tm1) != (clock_t)-1);
	/* A busy loop of 60 ms of clock time uses some CPU (the host may share it). */
	assert_true(p1 > p0 + 5 * MS);
	assert_true(t1 > t0 + 5 * MS);
	assert_true(c1 > c0);
	assert_true(r1.ru_utime.tv_sec * 1000000 + r1.ru_utime.tv_usec + r1.ru_stime.tv_sec * 1000000 +
			    r1.ru_stime.tv_usec >
		    r0.ru_utime.tv_sec * 1000000 + r0.ru_utime.tv_usec + r0.ru_stime.tv_sec * 1000000 +
			    r0.ru_stime.tv_usec);
	assert_true(tm1.tms_utime + tm1.tms_stime > tm0.tms_utime + tm0.tms_stime);
	assert_int_equal(tm1.tms_cutime, 0);
	/* Children are not accounted yet: 0. */
	assert_int_equal(getrusage(RUSAGE_CHILDREN, &r1), 0);
	assert_int_equal(r1.ru_utime.tv_sec + r1.ru_utime.tv_usec, 0);
	assert_int_equal(getrusage(RUSAGE_THREAD, &r1), 0);
	assert_int_equal(getrusage(12345, &r1), -1);
	assert_int_equal(errno, EINVAL);
}

static void test_bad_times_and_clocks_are_einval(void **state)
{
	struct timespec ts, bad[] = { { 0, -1 }, { 0, 1000000000 }, { -1, 0 } };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		assert_int_equal(nanosleep(&bad[i], NULL), -1);
		assert_int_equal(errno, EINVAL);
		assert_int_equal(clock_nanosleep(CLOCK_MONOTONIC, 0, &bad[i], NULL), EINVAL);
	}
	assert_int_equal(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &bad[0], NULL), EINVAL);
	ts = (struct timespec){ 0, 1000 };
	assert_int_equal(clock_nanosleep((clockid_t)77, 0, &ts, NULL), EINVAL);
	assert_int_equal(clock_nanosleep(CLOCK_MONOTONIC, 0x40, &ts, NULL), EINVAL);
	assert_int_equal(clock_nanosleep(CLOCK_PROCESS_CPUTIME_ID, 0, &ts, NULL), ENOTSUP);
	assert_int_equal(clock_gettime((clockid_t)77, &ts), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(clock_getres((clockid_t)77, &ts), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(clock_getres(CLOCK_MONOTONIC, &ts), 0);
	assert_true(ts.tv_sec == 0 && ts.tv_nsec > 0);
	assert_int_equal(clock_getres(CLOCK_REALTIME, NULL), 0);
}

static void test_sleeps_last_at_least_what_was_asked(void **state)
{
	uint64_t t0 = mono_ns();
	struct timespec abs;

	assert_int_equal(sleep(0), 0);
	assert_int_equal(usleep(0), 0);
	t0 = mono_ns();
	assert_int_equal(usleep(15000), 0);
	assert_true(mono_ns() - t0 >= 15 * MS);
	/* Absolute deadlines on both clocks; one already past returns at once. */
	t0 = clock_of(CLOCK_MONOTONIC);
	abs = (struct timespec){ (time_t)((t0 + 20 * MS) / 1000000000u), (long)((t0 + 20 * MS) % 1000000000u) };
	assert_int_equal(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL), 0);
	assert_true(clock_of(CLOCK_MONOTONIC) >= t0 + 20 * MS);
	t0 = clock_of(CLOCK_REALTIME);
	abs = (struct timespec){ (time_t)((t0 + 20 * MS) / 1000000000u), (long)((t0 + 20 * MS) % 1000000000u) };
	assert_int_equal(clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &abs, NULL), 0);
	assert_true(clock_of(CLOCK_REALTIME) >= t0 + 20 * MS - 1 * MS); /* the host may slew its wall clock */
	abs = (struct timespec){ 1, 0 };
	assert_int_equal(clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &abs, NULL), 0);
	t0 = mono_ns();
	abs = (struct timespec){ 0, 10 * MS };
	assert_int_equal(clock_nanosleep(CLOCK_MONOTONIC, 0, &abs, NULL), 0);
	assert_true(mono_ns() - t0 >= 10 * MS);
	assert_int_equal(sleep(1), 0);
	assert_true(mono_ns() - t0 >= 1010 * MS);
}

/* A thread that sleeps, for the concurrency and interruption tests. */
struct sleeper {
	uint64_t ns;
	_Atomic exo_tid_t tid;
	_Atomic int started, done;
	uint64_t woke;           /* mono_ns when the sleep returned */
	int result, err;
	struct timespec rem;
};

/* Wait (up to 30 s) until the scheduler holds at least n sleeps. */
static void wait_sleepers(uint64_t n)
{
	exo_tid_t sched = t_lookup(SCHED_NAME);

	for (int i = 0; i < 30000; i++) {
		exo_msg_t m = { .tag = exo_tag(SCHED_STATUS, 0, 0) };

		assert_int_equal(exo_call(sched, &m, exo_timeout_ms(10000), exo_timeout_ms(10000)), EXO_OK);
		if (m.mr[1] >= n)
			return;
		usleep(1000);
	}
	fail_msg("the scheduler never held %llu sleeps", (unsigned long long)n);
}

static void *sleeper_main(void *p)
{
	struct sleeper *s = p;
	struct timespec req = { (time_t)(s->ns / 1000000000u), (long)(s->ns % 1000000000u) };

	atomic_store(&s->tid, exo_myself());
	atomic_store(&s->started, 1);
	s->result = nanosleep(&req, &s->rem);
	s->err = errno;
	s->woke = mono_ns();
	atomic_store(&s->done, 1);
	return NULL;
}

static void test_one_sleeper_never_holds_up_another(void **state)
{
	struct sleeper longer = { .ns = 60000 * MS }, shorter = { .ns = 30 * MS };
	struct t_thread a, b;
	struct sched_param sp;
	uint64_t t0 = mono_ns();

	assert_int_equal(t_thread_start(&a, sleeper_main, &longer), 0);
	while (!atomic_load(&longer.started))
		sched_yield();
	assert_int_equal(t_thread_start(&b, sleeper_main, &shorter), 0);
	/* The server keeps answering while both sleep. */
	assert_int_equal(sched_getparam(0, &sp), 0);
	assert_int_equal(t_thread_join(&b, NULL), 0);
	assert_int_equal(shorter.result, 0);
	assert_true(shorter.woke - t0 >= 30 * MS);
	/* The short sleep ended while the long one still sleeps: no ordering by arrival. */
	assert_int_equal(atomic_load(&longer.done), 0);
	wait_sleepers(1);
	assert_int_equal(exo_ipc_abort(atomic_load(&longer.tid)), EXO_OK);
	assert_int_equal(t_thread_join(&a, NULL), 0);
	assert_int_equal(longer.result, -1);
	assert_int_equal(longer.err, EINTR);
}

static void test_an_interrupted_sleep_is_eintr_with_the_time_left(void **state)
{
	struct sleeper s = { .ns = 20000 * MS };
	struct t_thread th;
	uint64_t t0 = mono_ns();

	assert_int_equal(t_thread_start(&th, sleeper_main, &s), 0);
	while (!atomic_load(&s.started))
		sched_yield();
	usleep(50000);
	wait_sleepers(1);
	/* A signal will do this; the kernel's abort is what it does. */
	assert_int_equal(exo_ipc_abort(atomic_load(&s.tid)), EXO_OK);
	assert_int_equal(t_thread_join(&th, NULL), 0);
	assert_int_equal(s.result, -1);
	assert_int_equal(s.err, EINTR);
	assert_true(s.rem.tv_sec > 0 && s.rem.tv_sec < 20);
	assert_true(s.woke - t0 >= 50 * MS);
}

static void test_sched_policies_and_parameters_round_trip(void **state)
{
	struct sched_param sp = { 0 };
	struct timespec q;

	assert_int_equal(sched_yield(), 0);
	assert_int_equal(sched_getscheduler(0), SCHED_OTHER);
	assert_int_equal(sched_getparam(0, &sp), 0);
	assert_int_equal(sp.sched_priority, 0);
	assert_int_equal(sched_get_priority_min(SCHED_OTHER), 0);
	assert_int_equal(sched_get_priority_max(SCHED_OTHER), 0);
	assert_int_equal(sched_get_priority_min(SCHED_FIFO), 1);
	assert_int_equal(sched_get_priority_max(SCHED_FIFO), 99);
	assert_int_equal(sched_get_priority_min(SCHED_RR), 1);
	assert_int_equal(sched_get_priority_max(SCHED_RR), 99);
	assert_int_equal(sched_get_priority_max(42), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(sched_get_priority_min(-1), -1);
	assert_int_equal(errno, EINVAL);

	sp.sched_priority = 10;
	assert_int_equal(sched_setscheduler(0, SCHED_FIFO, &sp), SCHED_OTHER);
	assert_int_equal(sched_getscheduler(0), SCHED_FIFO);
	assert_int_equal(sched_getparam(0, &sp), 0);
	assert_int_equal(sp.sched_priority, 10);
	assert_int_equal(sched_rr_get_interval(0, &q), 0);
	assert_true(q.tv_sec == 0 && q.tv_nsec == 0); /* FIFO is never sliced */
	sp.sched_priority = 20;
	assert_int_equal(sched_setparam(0, &sp), 0);
	assert_int_equal(sched_getparam(0, &sp), 0);
	assert_int_equal(sp.sched_priority, 20);
	sp.sched_priority = 0;
	assert_int_equal(sched_setparam(0, &sp), -1); /* FIFO takes 1..99 */
	assert_int_equal(errno, EINVAL);
	sp.sched_priority = 100;
	assert_int_equal(sched_setparam(0, &sp), -1);
	assert_int_equal(errno, EINVAL);
	sp.sched_priority = 5;
	assert_int_equal(sched_setscheduler(0, SCHED_RR, &sp), SCHED_FIFO);
	assert_int_equal(sched_rr_get_interval(0, &q), 0);
	assert_true(q.tv_sec == 0 && q.tv_nsec == 100000000);
	assert_int_equal(sched_setscheduler(0, SCHED_OTHER, &sp), -1); /* OTHER takes only 0 */
	assert_int_equal(errno, EINVAL);
	assert_int_equal(sched_setscheduler(0, 77, &sp), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(sched_setscheduler(0, SCHED_RR, NULL), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(sched_getscheduler(0), SCHED_RR); /* the failures changed nothing */
	sp.sched_priority = 0;
	assert_int_equal(sched_setscheduler(0, SCHED_OTHER, &sp), SCHED_RR);
	assert_int_equal(sched_getscheduler(0), SCHED_OTHER);

	/* Processes that are not the caller: ESRCH until the process server exists. */
	assert_int_equal(sched_getscheduler(999999), -1);
	assert_int_equal(errno, ESRCH);
	assert_int_equal(sched_getparam(999999, &sp), -1);
	assert_int_equal(errno, ESRCH);
	assert_int_equal(sched_setparam(999999, &sp), -1);
	assert_int_equal(errno, ESRCH);
	assert_int_equal(sched_getscheduler(-4), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(sched_getparam(0, NULL), -1);
	assert_int_equal(errno, EINVAL);
	/* Its own id (today its space id) names the caller. */
	assert_int_equal(sched_getscheduler((pid_t)exo_my_space()), SCHED_OTHER);
}

static int host_nice(void)
{
	errno = 0;
	return 20 - (int)syscall(SYS_getpriority, PRIO_PROCESS, 0);
}

static void test_priorities_and_nice(void **state)
{
	int host0 = host_nice();
	uint32_t applied = 99;

	assert_int_equal(getpriority(PRIO_PROCESS, 0), 0);
	assert_int_equal(errno, 0);
	assert_int_equal(setpriority(PRIO_PROCESS, 0, 5), 0);
	assert_int_equal(getpriority(PRIO_PROCESS, 0), 5);
	/* Raising nice needs no privilege: the host runs this process at nice 5 now. */
	if (host0 <= 5)
		assert_int_equal(host_nice(), 5);
	fprintf(stderr, "timesched: host nice before %d, after setpriority(5) %d\n", host0, host_nice());
	assert_int_equal(setpriority(PRIO_PROCESS, 0, 100), 0); /* clamped */
	assert_int_equal(getpriority(PRIO_PROCESS, 0), 19);
	assert_int_equal(nice(-1), 18);
	assert_int_equal(errno, 0);
	assert_int_equal(setpriority(PRIO_PROCESS, 0, -100), 0); /* clamped; the host may refuse it */
	assert_int_equal(getpriority(PRIO_PROCESS, 0), -20);
	fprintf(stderr, "timesched: host nice after setpriority(-20) %d (unprivileged hosts keep the old)\n",
		host_nice());
	assert_int_equal(setpriority(PRIO_PROCESS, 0, 0), 0);
	assert_int_equal(getpriority(PRIO_PROCESS, 0), 0);
	assert_int_equal(getpriority(PRIO_PROCESS, 999999), -1);
	assert_int_equal(errno, ESRCH);
	assert_int_equal(setpriority(PRIO_PROCESS, 999999, 1), -1);
	assert_int_equal(errno, ESRCH);
	assert_int_equal(getpriority(77, 0), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(setpriority(PRIO_USER, 12345, 1), -1);
	assert_int_equal(errno, ESRCH);
	/* Only the scheduler may set a space's parameters in the kernel. */
	assert_int_equal(exo_space_sched(exo_my_space(), EXO_SCHED_OTHER, 0, 0, &applied), EXO_EPERM);
	assert_int_equal(applied, 0);
}

static void test_uname_names_exo(void **state)
{
	struct utsname u;
	struct utsname host;
	char name[64];

	assert_int_equal(uname(&u), 0);
	assert_string_equal(u.sysname, "Exo");
	assert_string_equal(u.nodename, "exo");
	assert_string_equal(u.release, EXO_TEST_VERSION);
	syscall(SYS_uname, &host);
	assert_string_equal(u.machine, host.machine);
	assert_int_equal(gethostname(name, sizeof(name)), 0);
	assert_string_equal(name, "exo");
	assert_int_equal(gethostname(name, 2), -1);
	assert_int_equal(errno, ENAMETOOLONG);
}

/* A raw request to the scheduler: its reply label (an XE_*), or -1 for a failed IPC. */
static long raw(exo_tid_t sched, uint32_t label, unsigned n, uint64_t a, uint64_t b, uint64_t c, exo_msg_t *m)
{
	exo_err err;

	memset(m, 0, sizeof(*m));
	m->mr[0] = a;
	m->mr[1] = b;
	m->mr[2] = c;
	m->tag = exo_tag(label, n, 0);
	err = exo_call(sched, m, exo_timeout_ms(10000), exo_timeout_ms(10000));
	return err == EXO_OK ? (long)exo_tag_label(m->tag) : -1;
}

static void test_hostile_requests_get_errors_and_the_server_goes_on(void **state)
{
	exo_tid_t sched = t_lookup(SCHED_NAME);
	exo_msg_t m;
	exo_err err;
	char junk[64] = "junk";

	assert_int_equal(raw(sched, 0, 0, 0, 0, 0, &m), XE_ENOSYS);
	assert_int_equal(raw(sched, 999, 3, 1, 2, 3, &m), XE_ENOSYS);
	assert_int_equal(raw(sched, SCHED_OP_COUNT, 0, 0, 0, 0, &m), XE_ENOSYS);
	/* Wrong word counts. */
	assert_int_equal(raw(sched, SCHED_SLEEP, 0, 0, 0, 0, &m), XE_EINVAL);
	assert_int_equal(raw(sched, SCHED_SLEEP, 3, 0, 0, 0, &m), XE_EINVAL);
	assert_int_equal(raw(sched, SCHED_SETSCHEDULER, 2, 0, XSCHED_FIFO, 0, &m), XE_EINVAL);
	assert_int_equal(raw(sched, SCHED_STATUS, 1, 0, 0, 0, &m), XE_EINVAL);
	/* Bad policies and priorities. */
	assert_int_equal(raw(sched, SCHED_SETSCHEDULER, 3, 0, 7, 1, &m), XE_EINVAL);
	assert_int_equal(raw(sched, SCHED_SETSCHEDULER, 3, 0, UINT64_MAX, 1, &m), XE_EINVAL);
	assert_int_equal(raw(sched, SCHED_SETSCHEDULER, 3, 0, XSCHED_FIFO, 1000, &m), XE_EINVAL);
	assert_int_equal(raw(sched, SCHED_SETSCHEDULER, 3, 0, XSCHED_RR, (uint64_t)-5, &m), XE_EINVAL);
	assert_int_equal(raw(sched, SCHED_SETPARAM, 2, 0, 1ull << 40, 0, &m), XE_EINVAL);
	assert_int_equal(raw(sched, SCHED_PRIORITY_RANGE, 1, 3, 0, 0, &m), XE_EINVAL);
	/* Spaces that do not exist or cannot be named. */
	assert_int_equal(raw(sched, SCHED_GETPARAM, 1, 1ull << 40, 0, 0, &m), XE_ESRCH);
	assert_int_equal(raw(sched, SCHED_SETPRIORITY, 2, 1ull << 40, 3, 0, &m), XE_ESRCH);
	assert_int_equal(raw(sched, SCHED_SETPRIORITY, 2, 0x7fffffff, 3, 0, &m), XE_ESRCH);
	assert_int_equal(raw(sched, SCHED_SETSCHEDULER, 3, 0x7ffffffe, XSCHED_FIFO, 5, &m), XE_ESRCH);
	/* Huge times: past the scheduler's range is EINVAL; one already due is answered at once. */
	assert_int_equal(raw(sched, SCHED_SLEEP, 1, SCHED_DEADLINE_MAX, 0, 0, &m), XE_EINVAL);
	assert_int_equal(raw(sched, SCHED_SLEEP, 1, UINT64_MAX - 1, 0, 0, &m), XE_EINVAL);
	assert_int_equal(raw(sched, SCHED_SLEEP, 1, 0, 0, 0, &m), 0);
	assert_int_equal(raw(sched, SCHED_SETPRIORITY, 2, 0, (uint64_t)INT64_MIN, 0, &m), 0); /* clamped */
	assert_int_equal(raw(sched, SCHED_GETPRIORITY, 1, 0, 0, 0, &m), 0);
	assert_int_equal((int64_t)m.mr[0], SCHED_NICE_MIN);
	assert_int_equal(raw(sched, SCHED_SETPRIORITY, 2, 0, 0, 0, &m), 0);
	/* Strings and pages are refused by delivery: the server takes none. */
	memset(&m, 0, sizeof(m));
	m.tag = exo_tag(SCHED_YIELD, 0, exo_msg_put_string(&m, 0, junk, sizeof(junk)));
	err = exo_call(sched, &m, exo_timeout_ms(10000), exo_timeout_ms(10000));
	assert_int_equal(err, EXO_EMSGSIZE);
	/* Still serving. */
	assert_int_equal(raw(sched, SCHED_STATUS, 0, 0, 0, 0, &m), 0);
	assert_true(m.mr[2] > 20);
	assert_int_equal(raw(sched, SCHED_YIELD, 0, 0, 0, 0, &m), 0);
}

/* A sleep that never ends on its own: the client gives up (abort), the server forgets it. */
struct forever {
	_Atomic exo_tid_t tid;
	exo_err err;
};

static void *forever_main(void *p)
{
	struct forever *f = p;
	exo_msg_t m = { 0 };

	m.mr[0] = SCHED_FOREVER;
	m.tag = exo_tag(SCHED_SLEEP, 1, 0);
	atomic_store(&f->tid, exo_myself());
	f->err = exo_call(t_lookup(SCHED_NAME), &m, EXO_TIMEOUT_NEVER, EXO_TIMEOUT_NEVER);
	return NULL;
}

static int child_sets_priority(void *arg)
{
	(void)arg;
	return setpriority(PRIO_PROCESS, 0, 7) == 0 && getpriority(PRIO_PROCESS, 0) == 7 ? 0 : 1;
}

static void test_state_goes_with_the_space_and_the_client(void **state)
{
	exo_tid_t sched = t_lookup(SCHED_NAME);
	struct forever f = { 0 };
	exo_msg_t m;
	uint64_t spaces, sleepers;
	struct t_thread th;
	pid_t pid;
	int i;

	assert_int_equal(raw(sched, SCHED_STATUS, 0, 0, 0, 0, &m), 0);
	spaces = m.mr[0];
	sleepers = m.mr[1];
	assert_int_equal(t_thread_start(&th, forever_main, &f), 0);
	for (i = 0; i < 3000; i++) {
		assert_int_equal(raw(sched, SCHED_STATUS, 0, 0, 0, 0, &m), 0);
		if (m.mr[1] > sleepers)
			break;
		usleep(1000);
	}
	assert_int_equal(m.mr[1], sleepers + 1);
	assert_int_equal(exo_ipc_abort(atomic_load(&f.tid)), EXO_OK);
	assert_int_equal(t_thread_join(&th, NULL), 0);
	assert_int_equal(f.err, EXO_ECANCELED);

	/* A child space gets state of its own, which goes when it ends. */
	pid = t_fork(child_sets_priority, NULL);
	assert_int_equal(t_wait(pid), 0);
	for (i = 0; i < 3000; i++) {
		assert_int_equal(raw(sched, SCHED_STATUS, 0, 0, 0, 0, &m), 0);
		if (m.mr[0] <= spaces)
			break;
		usleep(10000);
	}
	assert_int_equal(m.mr[0], spaces);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_monotonic_clock_never_goes_back_and_counts_sleeps),
		cmocka_unit_test(test_realtime_is_the_hosts_wall_clock),
		cmocka_unit_test(test_cpu_clocks_grow_with_work),
		cmocka_unit_test(test_bad_times_and_clocks_are_einval),
		cmocka_unit_test(test_sleeps_last_at_least_what_was_asked),
		cmocka_unit_test(test_one_sleeper_never_holds_up_another),
		cmocka_unit_test(test_an_interrupted_sleep_is_eintr_with_the_time_left),
		cmocka_unit_test(test_sched_policies_and_parameters_round_trip),
		cmocka_unit_test(test_priorities_and_nice),
		cmocka_unit_test(test_uname_names_exo),
		cmocka_unit_test(test_hostile_requests_get_errors_and_the_server_goes_on),
		cmocka_unit_test(test_state_goes_with_the_space_and_the_client),
	};

	exo_init_args(&argc, argv);
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
