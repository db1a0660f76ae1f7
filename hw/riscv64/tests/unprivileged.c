/*
 * hw/riscv64/tests/unprivileged.c — what a space the boot list did not start
 * may not do: map device registers or boot-image members, take an
 * interrupt, signal another space, act as sigma0 or the scheduler. Spawned
 * by hostile.c; its exit status is the number of calls that were not
 * refused with EXO_EPERM.
 */
#include <stdio.h>

#include <exo/exo.h>
#include <exo/signal.h>

#include "../lib/sys.h"

int main(int argc, char **argv)
{
	exo_siginfo_t si = { .sig = EXO_SIGUSR1 };
	exo_space_t other = argc > 1 ? (exo_space_t)argv[1][0] - '0' : 1;
	struct rv_ret r[] = {
		RV_SYS2(RV_SYS_DEV_MAP, 0x10000000, 1),
		RV_SYS1(RV_SYS_IRQ_ATTACH, RV_IRQ_UART0),
		RV_SYS2(RV_SYS_MODULE_MAP, "boot", 4),
		RV_SYS2(RV_SYS_SIG_POST, other, &si),
		RV_SYS2(RV_SYS_SET_PAGER, 0, exo_myself()),
		RV_SYS0(RV_SYS_SIGMA0_VIEW),
		RV_SYS4(RV_SYS_SPACE_SCHED, exo_my_space(), EXO_SCHED_OTHER, 0, 0),
	};
	int refused = 0, n = (int)(sizeof(r) / sizeof(r[0]));

	for (int i = 0; i < n; i++)
		if (r[i].err == EXO_EPERM)
			refused++;
		else
			printf("unprivileged: call %d answered %s, not EXO_EPERM\n", i, exo_errname(r[i].err));
	return n - refused;
}
