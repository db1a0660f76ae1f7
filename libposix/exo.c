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
	int r = proc_call_init(px_proc);

	if (r < 0)
		return px_fail(r);
	px_forked_child(); /* the pid it remembers changed */
	proc_call_exec(px_proc, &(struct proc_exec_in){ .name = "init", .name_len = 4 }); /* its name in ps */
	return 0;
}

int exo_ps(struct proc_info *out, int max)
{
	static struct proc_info buf[PROC_MAX];
	struct proc_list_out list = { .procs = buf, .procs_len = sizeof(buf) };
	int r = proc_call_list(px_proc, &list), n;

	if (r < 0)
		return px_fail(r);
	n = (int)list.count;
	if (n > PROC_MAX)
		n = PROC_MAX;
	if (max < 0)
		return px_fail(-XE_EINVAL);
	if (n > max)
		n = max;
	memcpy(out, buf, (size_t)n * sizeof(*out));
	return n;
}
