/*
 * bench/proc_true.c — the trivial program `./exo bench proc` execs: built
 * twice, with libposix (bench_proc_true, run by Exo from its own /bin) and
 * without (bench_proc_true_host, run by the host).
 */
int main(void)
{
	return 0;
}
