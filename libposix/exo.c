/*
 * libposix/exo.c — Exo's own calls (exo/posix.h).
 */
#include <errno.h>
#include <string.h>

#include <exo/errno.h>
#include <exo/posix.h>

#include "px.h"

int exo_become_init(void)
{
	exo_msg_t m;
	int r = px_proc_call(PROC_INIT, 0, NULL, NULL, 0, NULL, 0, &m);

	if (r < 0)
		return px_fail(r);
	px_forked_child(); /* the pid it remembers changed */
	px_proc_call(PROC_EXEC, 0, NULL, "init", 4, NULL, 0, &m); /* its name in ps */
	return 0;
}

int exo_ps(struct proc_info *out, int max)
{
	static struct proc_info buf[PROC_MAX];
	exo_msg_t m;
	int r = px_proc_call(PROC_LIST, 0, NULL, NULL, 0, buf, sizeof(buf), &m), n;

	if (r < 0)
		return px_fail(r);
	n = (int)m.mr[0];
	if (n > PROC_MAX)
		n = PROC_MAX;
	if (max < 0)
		return px_fail(-XE_EINVAL);
	if (n > max)
		n = max;
	memcpy(out, buf, (size_t)n * sizeof(*out));
	return n;
}
