/*
 * tests/integration/hostile.c — exosim against hostile clients.
 *
 * Run as a space of a private kernel: exosim --cpu auto --exec hostile
 *
 * The test speaks the wire format of sim/common/wire.h on raw SOCK_SEQPACKET
 * connections to $EXO_SOCKET, without libexo, and sends what libexo never
 * would: truncated and oversized frames, unknown operations, operations out
 * of order, malformed typed items, forged header fields, silent and flooding
 * clients, and storms of connections. The kernel must answer each bad frame
 * with a SIM_OP_RESULT carrying an exo_err, keep serving everyone else, and
 * hold no more memory, threads, spaces or names afterwards than before.
 * Its socket, connect, send and recv are the host's on purpose: this is a
 * host-side client of the kernel's socket, not a program running on Exo.
 *
 * A well-behaved peer runs beside it: a forked child space that registers
 * VICTIM through libexo and replies to every message with what it saw
 * (see victim_main in hostile_support.c). After every case this process (through libexo) makes a
 * round trip to it and the kernel's counters must be back at the baseline.
 *
 * The files (hostile.h lists them): the cases by subject in hostile_frames.c,
 * hostile_threads.c and hostile_load.c, their tools in hostile_support.c;
 * this one starts the victim and runs the cases in order.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "hostile.h"

/* ---- the group ---- */

static int group_setup(void **state)
{
	exo_err err;

	(void)state;
	sock_path = getenv(SIM_SOCKET_ENV);
	if (!sock_path || !*sock_path) {
		fprintf(stderr, "hostile: run me as exosim --exec hostile ($%s is not set)\n",
			SIM_SOCKET_ENV);
		return -1;
	}
	fflush(stdout);
	victim_pid = fork();
	if (victim_pid < 0)
		return -1;
	if (victim_pid == 0)
		victim_main();
	err = exo_lookup(VICTIM, &victim, exo_timeout_ms(5000));
	if (err != EXO_OK) {
		fprintf(stderr, "hostile: lookup %s: %s\n", VICTIM, exo_errname(err));
		return -1;
	}
	me = exo_myself();
	if (exo_kernel_info(&base) != EXO_OK)
		return -1;
	printf("    kernel at start: threads %u spaces %u names %u kernel_bytes %llu; me %#x victim %#x\n",
	       base.threads, base.spaces, base.names, (unsigned long long)base.kernel_bytes, me, victim);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	raw_close_all();
	if (victim_pid > 0) {
		kill(victim_pid, SIGKILL);
		while (waitpid(victim_pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	return 0;
}

static int case_teardown(void **state)
{
	(void)state;
	raw_close_all(); /* a failed case leaves nothing behind for the next */
	drop_open_slots();
	return 0;
}

#define CASE(f) cmocka_unit_test_teardown(f, case_teardown)

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		CASE(truncated_frames_get_eproto),
		CASE(oversized_frames_get_emsgsize),
		CASE(unknown_operations_get_enosys),
		CASE(operations_before_hello_get_eproto),
		CASE(second_hello_gets_eproto),
		CASE(hello_with_a_foreign_tid_is_refused),
		CASE(bad_typed_items_get_ebaditem),
		CASE(forged_sender_fields_are_ignored),
		CASE(bad_payloads_get_einval),
		CASE(silent_client_does_not_block_others),
		CASE(connect_storm_leaks_nothing),
		CASE(flooding_client_does_not_block_others),
		CASE(unstarted_slot_outlives_its_creator),
	};

	exo_init_args(&argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1)
		cmocka_set_test_filter(argv[1]); /* hostile PATTERN: run only matching cases */
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
