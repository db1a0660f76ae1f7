/*
 * servers/proc/timer.c — interval timers (ITIMER_REAL): the loop's receive timeout is the earliest.
 */
#include "proc.h"

exo_timeout_t timer_timeout(void)
{
	uint64_t first = 0, now;

	for (int i = 0; i < PROC_MAX; i++)
		if (S.procs[i].used && S.procs[i].it_deadline &&
		    (!first || S.procs[i].it_deadline < first))
			first = S.procs[i].it_deadline;
	if (!first)
		return EXO_TIMEOUT_NEVER;
	now = now_ns();
	return first > now ? first - now : 1000;
}

void timers_fire(void)
{
	uint64_t now = now_ns();

	for (int i = 0; i < PROC_MAX; i++) {
		struct proc *p = &S.procs[i];

		if (!p->used || !p->it_deadline || p->it_deadline > now)
			continue;
		post(p, EXO_SIGALRM, EXO_SI_TIMER, 0, 0, 0);
		if (p->it_interval) {
			p->it_deadline += p->it_interval;
			if (p->it_deadline <= now)
				p->it_deadline = now + p->it_interval;
		} else {
			p->it_deadline = 0;
		}
	}
}

int op_itimer(void *ctx, const struct proc_itimer_in *in, struct proc_itimer_out *out)
{
	uint64_t now = now_ns(), value = in->value, interval = in->interval;
	struct proc *p = ((struct req *)ctx)->p;

	if (value > (1ull << 62) || interval > (1ull << 62))
		return -XE_EINVAL;
	out->old_value = p->it_deadline ? (p->it_deadline > now ? p->it_deadline - now : 1) : 0;
	out->old_interval = p->it_interval;
	p->it_deadline = value ? now + value : 0;
	p->it_interval = value ? interval : 0;
	return 0;
}

int op_getitimer(void *ctx, struct proc_getitimer_out *out)
{
	const struct proc *p = ((struct req *)ctx)->p;
	uint64_t now = now_ns();

	out->value = p->it_deadline ? (p->it_deadline > now ? p->it_deadline - now : 1) : 0;
	out->interval = p->it_interval;
	return 0;
}
