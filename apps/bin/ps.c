/*
 * apps/bin/ps.c — the process table, from the process server.
 *
 *   ps        PID PPID PGID SID UID STAT COMMAND for every process
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <exo/posix.h>

static int by_pid(const void *a, const void *b)
{
	return ((const struct proc_info *)a)->pid - ((const struct proc_info *)b)->pid;
}

int main(int argc, char **argv)
{
	static struct proc_info p[PROC_MAX];
	int n;

	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "usage: ps\n");
		return 2;
	}
	n = exo_ps(p, PROC_MAX);
	if (n < 0) {
		perror("ps");
		return 1;
	}
	qsort(p, (size_t)n, sizeof(p[0]), by_pid);
	printf("%5s %5s %5s %5s %5s %4s %s\n", "PID", "PPID", "PGID", "SID", "UID", "STAT", "COMMAND");
	for (int i = 0; i < n; i++)
		printf("%5d %5d %5d %5d %5u %4c %s\n", p[i].pid, p[i].ppid, p[i].pgid, p[i].sid, p[i].uid,
		       p[i].state, p[i].comm);
	return 0;
}
