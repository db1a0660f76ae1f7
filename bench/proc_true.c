/*
 * bench/proc_true.c — the trivial program `./exo bench proc` execs: built
 * twice, with libposix (bench_proc_true, run by Exo from its own /bin) and
 * without (bench_proc_true_host, run by the host).
 */
#include <unistd.h>

int main(void)
{
	/* An Exo program talks to Exo (and so joins the kernel before a sanitizer's exit checks). */
	return getpid() > 0 ? 0 : 1;
}
